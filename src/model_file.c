/* model_file.c: see model_file.h. Four parts: the encoding both versions
 * share (little-endian words, float32 numbers, CRC-32); version 1, lesson
 * 10's network; version 2, a sequential network; reading either. */
#include "model_file.h"

#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "file_error.h"
#include "out_file.h"
#include "tensor.h"

/* The model file stores IEEE 754 binary32 numbers; we convert through float. */
_Static_assert(sizeof(float) == 4 && FLT_MANT_DIG == 24 && FLT_RADIX == 2,
               "the model file needs float to be IEEE 754 binary32");

#define V1_MAX_SIDE 4096              /* sanity bounds for architectures read from files */
#define V1_MAX_FILTERS 4096

/* ---------------------------------------------------------------- the encoding */

uint32_t model_crc32(uint32_t crc, const unsigned char *bytes, size_t n)
{
    crc = ~crc;
    for (size_t i = 0; i < n; i++) {
        crc ^= bytes[i];
        for (int bit = 0; bit < 8; bit++)
            crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}

#define V1_HEADER_WORDS 9      /* magic, version, in_h, in_w, filters, kernel, pool, classes, n_params */
#define V1_HEADER_BYTES (4 * V1_HEADER_WORDS)

void model_put_u32(unsigned char *b, uint32_t v)       /* little-endian, byte by byte */
{
    b[0] = (unsigned char)(v & 0xFF);
    b[1] = (unsigned char)((v >> 8) & 0xFF);
    b[2] = (unsigned char)((v >> 16) & 0xFF);
    b[3] = (unsigned char)((v >> 24) & 0xFF);
}

uint32_t model_get_u32(const unsigned char *b)
{
    return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

void model_put_real(unsigned char *b, real v)
{
    float f = (float)v;
    uint32_t bits;
    memcpy(&bits, &f, 4);
    model_put_u32(b, bits);
}

real model_get_real(const unsigned char *b)
{
    uint32_t bits = model_get_u32(b);
    float f;
    memcpy(&f, &bits, 4);
    return (real)f;
}

/* ---------------------------------------------------------------- version 1: lesson 10's network */

/* The whole file in memory: header, parameters, checksum. */
static unsigned char *encode_model(const convnet_arch *a, const convnet_params *p, size_t *size)
{
    size_t n = (size_t)a->n_params, total = V1_HEADER_BYTES + 4 * n + 4;
    unsigned char *buf = checked_calloc(total, 1, "model file");
    memcpy(buf, MODEL_MAGIC, 4);
    uint32_t fields[V1_HEADER_WORDS - 1] = { MODEL_VERSION_CONVNET, (uint32_t)a->in_h, (uint32_t)a->in_w,
                                          (uint32_t)a->filters, (uint32_t)a->kernel, CONVNET_POOL,
                                          (uint32_t)a->classes, (uint32_t)a->n_params };
    for (int i = 0; i < V1_HEADER_WORDS - 1; i++)
        model_put_u32(buf + 4 + 4 * i, fields[i]);
    for (size_t i = 0; i < n; i++)
        model_put_real(buf + V1_HEADER_BYTES + 4 * i, p->all[i]);
    model_put_u32(buf + total - 4, model_crc32(0, buf, total - 4));
    *size = total;
    return buf;
}

int convnet_save(const char *path, const convnet_arch *a, const convnet_params *p,
                 char *err, size_t err_size)
{
    size_t size;
    unsigned char *buf = encode_model(a, p, &size);
    int rc = out_file_write_whole(path, buf, size, err, err_size);   /* the old model stays until the new one is whole */
    free(buf);
    return rc;
}

/* Read exactly n bytes, or say how many there were. */
static int read_exactly(FILE *f, unsigned char *buf, size_t n, size_t *got)
{
    *got = fread(buf, 1, n, f);
    return *got == n ? 0 : -1;
}

/* Check the header; on success fill a. */
static int check_header(const char *path, const unsigned char *h, convnet_arch *a, char *err, size_t err_size)
{
    if (memcmp(h, MODEL_MAGIC, 4) != 0) {
        snprintf(err, err_size, "%s: not a model file (it starts with bytes %02x %02x %02x %02x, "
                 "a model starts with \"%s\")", path, h[0], h[1], h[2], h[3], MODEL_MAGIC);
        return -1;
    }
    uint32_t version = model_get_u32(h + 4);
    if (version > MODEL_VERSION_CONVNET) {
        snprintf(err, err_size, "%s: model format version %lu is newer than this program reads (%u): "
                 "update the code, or retrain", path, (unsigned long)version, MODEL_VERSION_CONVNET);
        return -1;
    }
    if (version == 0) {
        snprintf(err, err_size, "%s: model format version 0 does not exist: the header is damaged", path);
        return -1;
    }
    uint32_t in_h = model_get_u32(h + 8), in_w = model_get_u32(h + 12), filters = model_get_u32(h + 16), kernel = model_get_u32(h + 20);
    uint32_t pool = model_get_u32(h + 24), classes = model_get_u32(h + 28), n_params = model_get_u32(h + 32);
    char why[200];
    if (pool != CONVNET_POOL || in_h > V1_MAX_SIDE || in_w > V1_MAX_SIDE || filters > V1_MAX_FILTERS
        || kernel > V1_MAX_SIDE || classes > CONVNET_MAX_CLASSES
        || convnet_arch_setup(a, (int)in_h, (int)in_w, (int)filters, (int)kernel, (int)classes, why, sizeof why) != 0) {
        snprintf(err, err_size, "%s: the header describes an impossible network (%lux%lu images, %lu filters %lux%lu, "
                 "pool %lu, %lu classes)", path, (unsigned long)in_h, (unsigned long)in_w, (unsigned long)filters,
                 (unsigned long)kernel, (unsigned long)kernel, (unsigned long)pool, (unsigned long)classes);
        return -1;
    }
    if ((long)n_params != a->n_params) {
        snprintf(err, err_size, "%s: the header says %lu parameters but its network has %ld: the header is damaged",
                 path, (unsigned long)n_params, a->n_params);
        return -1;
    }
    return 0;
}

/* The length of the file, or -1 when it cannot be measured (a pipe): the
 * position is left at `at`. */
static long file_length(FILE *f, long at)
{
    long length = -1;
    if (fseek(f, 0, SEEK_END) == 0)
        length = ftell(f);
    if (fseek(f, at, SEEK_SET) != 0)
        return -1;
    return length;
}

/* Before allocating anything: is the file as long as its header says? (A
 * 40-byte file can claim 97 million parameters.) */
static int check_length(FILE *f, const char *path, const convnet_arch *a, char *err, size_t err_size)
{
    long long want = V1_HEADER_BYTES + 4LL * a->n_params + 4, length = file_length(f, V1_HEADER_BYTES);
    if (length < 0 || length == want)
        return 0;                   /* unknown: read_body finds out as it reads */
    snprintf(err, err_size, "%s: %s: the header describes %ld parameters, a file of %lld bytes, but it has %lld bytes",
             path, length < want ? "truncated" : "unexpected bytes after the checksum", a->n_params, want, length);
    return -1;
}

/* A zero-filled parameter block, or -1 with a message naming the file. */
static int params_alloc_for(const char *path, const convnet_arch *a, convnet_params *p, char *err, size_t err_size)
{
    p->all = calloc((size_t)a->n_params, sizeof(real));
    if (p->all == NULL) {
        snprintf(err, err_size, "%s: out of memory for its %ld parameters", path, a->n_params);
        return -1;
    }
    convnet_params_view(a, p->all, p);
    return 0;
}

/* Everything after the header: parameters, checksum, and nothing more. */
static int read_body(FILE *f, const char *path, const unsigned char *header, const convnet_arch *a,
                     convnet_params *p, char *err, size_t err_size)
{
    size_t n = (size_t)a->n_params, body = 4 * n + 4, got;
    unsigned char *buf = malloc(body);
    if (buf == NULL) {
        snprintf(err, err_size, "%s: out of memory reading it (%zu bytes)", path, body);
        return -1;
    }
    int rc = -1;
    if (read_exactly(f, buf, body, &got) != 0) {
        snprintf(err, err_size, "%s: truncated: %zu bytes of parameters and checksum expected after the header, "
                 "found %zu", path, body, got);
    } else if (fgetc(f) != EOF) {
        snprintf(err, err_size, "%s: unexpected bytes after the checksum: not a model this program wrote", path);
    } else {
        uint32_t stored = model_get_u32(buf + body - 4);
        uint32_t computed = model_crc32(model_crc32(0, header, V1_HEADER_BYTES), buf, body - 4);
        if (stored != computed) {
            snprintf(err, err_size, "%s: checksum mismatch (stored %08lx, computed %08lx): the file is damaged",
                     path, (unsigned long)stored, (unsigned long)computed);
        } else if (params_alloc_for(path, a, p, err, err_size) == 0) {
            for (size_t i = 0; i < n; i++)
                p->all[i] = model_get_real(buf + 4 * i);
            rc = 0;
            for (size_t i = 0; i < n && rc == 0; i++)
                if (!isfinite((double)p->all[i])) {
                    snprintf(err, err_size, "%s: parameter %zu is %g: the model is broken", path, i, (double)p->all[i]);
                    convnet_params_free(p);
                    rc = -1;
                }
        }
    }
    free(buf);
    return rc;
}

int convnet_load(const char *path, convnet_arch *a, convnet_params *p, char *err, size_t err_size)
{
    unsigned char header[V1_HEADER_BYTES];
    size_t got;
    memset(p, 0, sizeof *p);
    FILE *f = open_regular_file(path, "rb", "a model file", err, err_size);   /* src/file_error.h */
    if (!f)
        return -1;
    int rc = -1;
    if (read_exactly(f, header, V1_HEADER_BYTES, &got) != 0) {
        if (ferror(f))
            snprintf(err, err_size, "%s: cannot read the model file (%s)", path,
                     errno ? strerror(errno) : "read error");
        else if (got == 0)
            snprintf(err, err_size, "%s: the model file is empty", path);
        else
            snprintf(err, err_size, "%s: truncated: a model header is %d bytes, the file has %zu",
                     path, V1_HEADER_BYTES, got);
    } else if (check_header(path, header, a, err, err_size) == 0 && check_length(f, path, a, err, err_size) == 0) {
        rc = read_body(f, path, header, a, p, err, err_size);
    }
    fclose(f);
    return rc;
}

/* ---------------------------------------------------------------- version 2: a sequential network */

#define V2_HEADER_WORDS 8     /* magic, version, in_c, in_h, in_w, spec length, n_params, n_stats */
#define V2_HEADER_BYTES (4 * V2_HEADER_WORDS)

static size_t padded(size_t n)
{
    return (n + 3) / 4 * 4;
}

/* The whole version-2 file in memory. */
static unsigned char *encode_v2(const sequential *m, const real *params, const real *stats, size_t *size)
{
    size_t spec = strlen(m->spec), n = (size_t)m->n_params, k = (size_t)m->n_stats;
    size_t total = V2_HEADER_BYTES + padded(spec) + 4 * (n + k) + 4;
    unsigned char *buf = checked_calloc(total, 1, "model file");
    uint32_t fields[V2_HEADER_WORDS - 1] = { MODEL_VERSION_SEQUENTIAL, (uint32_t)m->in_c, (uint32_t)m->in_h,
                                             (uint32_t)m->in_w,
                                             (uint32_t)spec, (uint32_t)n, (uint32_t)k };
    memcpy(buf, MODEL_MAGIC, 4);
    for (int i = 0; i < V2_HEADER_WORDS - 1; i++)
        model_put_u32(buf + 4 + 4 * i, fields[i]);
    unsigned char *at = buf + V2_HEADER_BYTES;
    memcpy(at, m->spec, spec);
    at += padded(spec);
    for (size_t i = 0; i < n; i++, at += 4)
        model_put_real(at, params[i]);
    for (size_t i = 0; i < k; i++, at += 4)
        model_put_real(at, stats[i]);
    model_put_u32(buf + total - 4, model_crc32(0, buf, total - 4));
    *size = total;
    return buf;
}

int sequential_save(const char *path, const sequential *m, const real *params, const real *stats,
                    char *err, size_t err_size)
{
    size_t size;
    unsigned char *buf = encode_v2(m, params, stats, &size);
    int rc = out_file_write_whole(path, buf, size, err, err_size);   /* the old model stays until the new one is whole */
    free(buf);
    return rc;
}

/* A version-1 file: lesson 10's network, read by convnet_load, which is
 * the same stack of layers with the same parameters in the same order. */
static int load_v1(const char *path, sequential *m, real **params, real **stats, char *err, size_t err_size)
{
    convnet_arch a;
    convnet_params p;
    char spec[128];
    if (convnet_load(path, &a, &p, err, err_size) != 0)
        return -1;
    snprintf(spec, sizeof spec, "conv %d %d, relu, maxpool %d, flatten, dense %d", a.filters, a.kernel,
             CONVNET_POOL, a.classes);
    if (sequential_build(m, spec, 1, a.in_h, a.in_w, err, err_size) != 0 || m->n_params != a.n_params) {
        snprintf(err, err_size, "%s: a version-1 model this program cannot map to layers", path);
        convnet_params_free(&p);
        return -1;
    }
    *params = p.all;
    *stats = tensor_alloc(1, "statistics");
    return 0;
}

/* The whole file, when it is a regular file of at most max_bytes. */
static unsigned char *read_whole(const char *path, FILE *f, size_t max_bytes, size_t *size, char *err, size_t err_size)
{
    long length = -1;
    if (fseek(f, 0, SEEK_END) == 0)
        length = ftell(f);
    if (length < 0 || fseek(f, 0, SEEK_SET) != 0) {
        snprintf(err, err_size, "%s: cannot determine the length of the model file (it must be a regular file)", path);
        return NULL;
    }
    if ((size_t)length > max_bytes) {
        snprintf(err, err_size, "%s: %ld bytes is larger than any model this program writes", path, length);
        return NULL;
    }
    unsigned char *buf = malloc((size_t)length + 1);
    if (!buf) {
        snprintf(err, err_size, "%s: out of memory reading it (%ld bytes)", path, length);
        return NULL;
    }
    if (fread(buf, 1, (size_t)length, f) != (size_t)length) {
        snprintf(err, err_size, "%s: cannot read the model file (%s)", path, ferror(f) ? strerror(errno) : "it shrank");
        free(buf);
        return NULL;
    }
    *size = (size_t)length;
    return buf;
}

/* Check a version-2 file held in buf (its first 8 bytes are known to be
 * "CNNM" and version 2) and decode it. */
static int decode_v2(const char *path, const unsigned char *buf, size_t size, sequential *m, real **params,
                     real **stats, char *err, size_t err_size)
{
    if (size < V2_HEADER_BYTES + 4) {
        snprintf(err, err_size, "%s: truncated: a version-2 header is %d bytes, the file has %zu", path,
                 V2_HEADER_BYTES, size);
        return -1;
    }
    uint32_t in_c = model_get_u32(buf + 8), in_h = model_get_u32(buf + 12), in_w = model_get_u32(buf + 16);
    uint32_t spec_len = model_get_u32(buf + 20), n = model_get_u32(buf + 24), k = model_get_u32(buf + 28);
    if (spec_len == 0 || spec_len >= SEQ_SPEC_MAX || n > SEQ_MAX_PARAMS || k > SEQ_MAX_PARAMS) {
        snprintf(err, err_size, "%s: the header is damaged (a description of %lu bytes, %lu parameters, "
                 "%lu statistics)", path, (unsigned long)spec_len, (unsigned long)n, (unsigned long)k);
        return -1;
    }
    size_t want = V2_HEADER_BYTES + padded(spec_len) + 4 * ((size_t)n + k) + 4;
    if (size != want) {
        snprintf(err, err_size, "%s: %s: the header describes a file of %zu bytes, it has %zu", path,
                 size < want ? "truncated" : "unexpected bytes after the checksum", want, size);
        return -1;
    }
    uint32_t stored = model_get_u32(buf + size - 4), computed = model_crc32(0, buf, size - 4);
    if (stored != computed) {
        snprintf(err, err_size, "%s: checksum mismatch (stored %08lx, computed %08lx): the file is damaged", path,
                 (unsigned long)stored, (unsigned long)computed);
        return -1;
    }
    char spec[SEQ_SPEC_MAX], why[400];
    memcpy(spec, buf + V2_HEADER_BYTES, spec_len);
    spec[spec_len] = '\0';
    if (strlen(spec) != spec_len
        || sequential_build(m, spec, (int)in_c, (int)in_h, (int)in_w, why, sizeof why) != 0) {
        snprintf(err, err_size, "%s: the network it describes cannot be built: %s", path,
                 strlen(spec) != spec_len ? "a zero byte in its description" : why);
        return -1;
    }
    if ((long)n != m->n_params || (long)k != m->n_stats) {
        snprintf(err, err_size, "%s: the header says %lu parameters and %lu statistics, its network has %ld and %ld",
                 path, (unsigned long)n, (unsigned long)k, m->n_params, m->n_stats);
        return -1;
    }
    *params = calloc(n ? n : 1, sizeof(real));
    *stats = calloc(k ? k : 1, sizeof(real));
    if (!*params || !*stats) {
        free(*params);
        free(*stats);
        *params = *stats = NULL;                      /* the caller may free them again */
        snprintf(err, err_size, "%s: out of memory for its %lu parameters", path, (unsigned long)n);
        return -1;
    }
    const unsigned char *at = buf + V2_HEADER_BYTES + padded(spec_len);
    for (size_t i = 0; i < (size_t)n + k; i++, at += 4) {
        real v = model_get_real(at);
        if (!isfinite((double)v)) {
            snprintf(err, err_size, "%s: %s %zu is %g: the model is broken", path, i < n ? "parameter" : "statistic",
                     i < n ? i : i - n, (double)v);
            free(*params);
            free(*stats);
            *params = *stats = NULL;                  /* the caller may free them again */
            return -1;
        }
        if (i < n)
            (*params)[i] = v;
        else
            (*stats)[i - n] = v;
    }
    return 0;
}

int sequential_load(const char *path, sequential *m, real **params, real **stats, char *err, size_t err_size)
{
    unsigned char head[8];
    *params = *stats = NULL;
    FILE *f = open_regular_file(path, "rb", "a model file", err, err_size);
    if (!f)
        return -1;
    size_t got = fread(head, 1, 8, f);
    if (got == 8 && memcmp(head, MODEL_MAGIC, 4) == 0 && model_get_u32(head + 4) > MODEL_VERSION_SEQUENTIAL) {
        snprintf(err, err_size, "%s: model format version %lu is newer than this program reads (%u): update the "
                 "code, or retrain", path, (unsigned long)model_get_u32(head + 4), MODEL_VERSION_SEQUENTIAL);
        fclose(f);
        return -1;
    }
    if (got < 8 || memcmp(head, MODEL_MAGIC, 4) != 0 || model_get_u32(head + 4) != MODEL_VERSION_SEQUENTIAL) {
        fclose(f);                                 /* version 1, or not a model: convnet_load says which */
        return load_v1(path, m, params, stats, err, err_size);
    }
    size_t size = 0;
    unsigned char *buf = read_whole(path, f, (size_t)V2_HEADER_BYTES + SEQ_SPEC_MAX + 8 * (size_t)SEQ_MAX_PARAMS + 8,
                                    &size, err, err_size);
    fclose(f);
    int rc = buf ? decode_v2(path, buf, size, m, params, stats, err, err_size) : -1;
    free(buf);
    return rc;
}
