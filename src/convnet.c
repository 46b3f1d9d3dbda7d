/* convnet.c: see convnet.h. The forward pass and the backward pass sit side
 * by side, and the backward pass walks the same layers in reverse order,
 * each line one step of the chain rule. */
#include "convnet.h"

#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "activation.h"
#include "dense.h"
#include "file_error.h"
#include "loss.h"
#include "out_file.h"
#include "rng.h"
#include "tensor.h"

/* The model file stores IEEE 754 binary32 numbers; we convert through float. */
_Static_assert(sizeof(float) == 4 && FLT_MANT_DIG == 24 && FLT_RADIX == 2,
               "the model file needs float to be IEEE 754 binary32");

#define MAX_SIDE 4096                 /* sanity bounds for architectures read from files */
#define MAX_FILTERS 4096
#define MAX_PARAMS 100000000L

/* ---------------------------------------------------------------- shapes */

int convnet_arch_setup(convnet_arch *a, int in_h, int in_w, int filters, int kernel, int classes,
                       char *err, size_t err_size)
{
    memset(a, 0, sizeof *a);
    a->in_h = in_h;  a->in_w = in_w;  a->filters = filters;  a->kernel = kernel;  a->classes = classes;
    if (in_h < 1 || in_w < 1 || in_h > MAX_SIDE || in_w > MAX_SIDE) {
        snprintf(err, err_size, "image size %dx%d is not between 1x1 and %dx%d", in_h, in_w, MAX_SIDE, MAX_SIDE);
        return -1;
    }
    if (filters < 1 || filters > MAX_FILTERS) {
        snprintf(err, err_size, "%d filters: the number of filters must be between 1 and %d", filters, MAX_FILTERS);
        return -1;
    }
    if (classes < 2 || classes > CONVNET_MAX_CLASSES) {
        snprintf(err, err_size, "%d classes: must be between 2 and %d", classes, CONVNET_MAX_CLASSES);
        return -1;
    }
    if (kernel < 1 || kernel > in_h || kernel > in_w) {
        snprintf(err, err_size, "a %dx%d kernel does not fit in a %dx%d image", kernel, kernel, in_h, in_w);
        return -1;
    }
    conv2d_setup(&a->conv, 1, in_h, in_w, filters, kernel, 1, 0);     /* valid, stride 1: always fits */
    if (pool2d_setup(&a->pool, filters, a->conv.out_h, a->conv.out_w, CONVNET_POOL, CONVNET_POOL) != 0) {
        snprintf(err, err_size,
                 "a %dx%d kernel gives %dx%d feature maps, which 2x2 pooling cannot tile: "
                 "the map side (image side - kernel + 1) must be even",
                 kernel, kernel, a->conv.out_h, a->conv.out_w);
        return -1;
    }
    long long flat = (long long)filters * a->pool.out_h * a->pool.out_w;
    long long n = (long long)filters * (kernel * kernel + 1) + (flat + 1) * classes;
    if (n > MAX_PARAMS) {
        snprintf(err, err_size, "the network would have %lld parameters, more than the %ld allowed", n, MAX_PARAMS);
        return -1;
    }
    a->flat = (int)flat;
    a->n_params = (long)n;
    return 0;
}

int convnet_arch_equal(const convnet_arch *a, const convnet_arch *b)
{
    return a->in_h == b->in_h && a->in_w == b->in_w && a->filters == b->filters
        && a->kernel == b->kernel && a->classes == b->classes;
}

void convnet_arch_describe(const convnet_arch *a, char *buf, size_t size)
{
    snprintf(buf, size, "%d filters %dx%d on %dx%d images, %d classes",
             a->filters, a->kernel, a->kernel, a->in_h, a->in_w, a->classes);
}

/* ---------------------------------------------------------------- memory */

static void point_into(const convnet_arch *a, convnet_params *p)
{
    p->conv_w = p->all;
    p->conv_b = p->conv_w + conv2d_weight_count(&a->conv);
    p->dense_w = p->conv_b + a->filters;
    p->dense_b = p->dense_w + (long)a->flat * a->classes;
}

void convnet_params_alloc(const convnet_arch *a, convnet_params *p)
{
    p->all = tensor_alloc((size_t)a->n_params, "network parameters");
    point_into(a, p);
}

void convnet_params_free(convnet_params *p)
{
    free(p->all);
    memset(p, 0, sizeof *p);
}

void convnet_init(const convnet_arch *a, convnet_params *p, rng_t *rng)
{
    int k2 = a->kernel * a->kernel;
    init_he_normal(rng, p->conv_w, a->filters * k2, k2);                    /* fan-in: one k x k window */
    /* The dense layer feeds the softmax, not a ReLU: it starts smaller, so the
     * ten scores start near 0 and the loss near ln(10) (lesson 08). */
    init_uniform_fan_in(rng, p->dense_w, a->flat * a->classes, a->flat);    /* fan-in: every pooled value */
    tensor_fill(p->conv_b, (size_t)a->filters, 0);
    tensor_fill(p->dense_b, (size_t)a->classes, 0);
}

void convnet_work_alloc(const convnet_arch *a, convnet_work *w)
{
    size_t maps = (size_t)conv2d_output_count(&a->conv), flat = (size_t)a->flat, k = (size_t)a->classes;
    w->conv = tensor_alloc(maps, "conv output");
    w->relu = tensor_alloc(maps, "ReLU output");
    w->pool = tensor_alloc(flat, "pool output");
    w->argmax = checked_calloc(flat, sizeof(int), "pool argmax");
    w->logits = tensor_alloc(k, "logits");
    w->probs = tensor_alloc(k, "probabilities");
    w->d_logits = tensor_alloc(k, "dL/dlogits");
    w->d_pool = tensor_alloc(flat, "dL/dpool");
    w->d_relu = tensor_alloc(maps, "dL/dReLU");
    w->d_conv = tensor_alloc(maps, "dL/dconv");
}

void convnet_work_free(convnet_work *w)
{
    free(w->conv);  free(w->relu);  free(w->pool);  free(w->argmax);
    free(w->logits);  free(w->probs);  free(w->d_logits);
    free(w->d_pool);  free(w->d_relu);  free(w->d_conv);
    memset(w, 0, sizeof *w);
}

/* ---------------------------------------------------------------- forward and backward */

int convnet_forward(const convnet_arch *a, const convnet_params *p, convnet_work *w, const real *x)
{
    int maps = (int)conv2d_output_count(&a->conv);
    conv2d_forward(&a->conv, x, p->conv_w, p->conv_b, w->conv);      /* C = W * X + b      (F, 24, 24) */
    relu_forward(w->conv, w->relu, maps);                            /* R = max(0, C)      (F, 24, 24) */
    maxpool2d_forward(&a->pool, w->relu, w->pool, w->argmax);        /* P = max of 2x2 of R (F, 12, 12) */
    dense_forward(w->pool, p->dense_w, p->dense_b, w->logits,        /* Z = W^T P + b      (10): P read */
                  a->flat, a->classes);                              /*   flat, as (F*12*12)           */
    softmax(w->logits, w->probs, a->classes);                        /* p = softmax(Z)     (10)        */
    return argmax(w->probs, a->classes);
}

double convnet_loss(const convnet_arch *a, const convnet_work *w, int label)
{
    for (int c = 0; c < a->classes; c++)
        if (!isfinite((double)w->logits[c]))   /* the network overflowed: no usable loss */
            return NAN;
    return softmax_cross_entropy(w->logits, label, NULL, a->classes);   /* L = -ln p_label */
}

/* The chain rule, from the loss back to the first layer's weights. Each
 * call takes dL/d(its output) and gives dL/d(its input), plus dL/d(its
 * parameters), which are ADDED into g. */
void convnet_backward(const convnet_arch *a, const convnet_params *p, convnet_work *w,
                      const real *x, int label, convnet_params *g)
{
    int maps = (int)conv2d_output_count(&a->conv);
    /* softmax + cross-entropy:  dL/dZ = p - onehot(label)                                   (10) */
    softmax_cross_entropy_backward(w->probs, label, w->d_logits, a->classes);
    /* dense:  dL/dW += P dL/dZ^T,  dL/db += dL/dZ,  dL/dP = W dL/dZ                         (2304) */
    dense_backward(w->pool, p->dense_w, w->d_logits, g->dense_w, g->dense_b, w->d_pool,
                   a->flat, a->classes);
    /* maxpool:  dL/dR = dL/dP at each window's maximum, 0 at the other three               (F, 24, 24) */
    maxpool2d_backward(&a->pool, w->d_pool, w->argmax, w->d_relu);
    /* ReLU:  dL/dC = dL/dR where C > 0, else 0                                              (F, 24, 24) */
    relu_backward(w->conv, w->d_relu, w->d_conv, maps);
    /* conv:  dL/dW += conv(X, dL/dC),  dL/db += sum of dL/dC;  no dL/dX: X is data          (F, 1, 5, 5) */
    conv2d_backward(&a->conv, x, p->conv_w, w->d_conv, g->conv_w, g->conv_b, NULL);
}

double convnet_largest_parameter(const convnet_arch *a, const convnet_params *p)
{
    double largest = 0;
    for (long i = 0; i < a->n_params; i++)
        if (!(fabs((double)p->all[i]) <= largest))   /* NaN counts as largest */
            largest = fabs((double)p->all[i]);
    return largest;
}

/* ---------------------------------------------------------------- mini-batches */

void convnet_batch_alloc(const convnet_arch *a, int capacity, convnet_batch *b)
{
    size_t n = (size_t)capacity, maps = n * (size_t)conv2d_output_count(&a->conv);
    size_t flat = n * (size_t)a->flat, k = n * (size_t)a->classes;
    b->capacity = capacity;
    convnet_work_alloc(a, &b->one);
    conv2d_batch_space_alloc(&b->conv_space, &a->conv, capacity);
    b->conv = tensor_alloc(maps, "conv outputs");
    b->relu = tensor_alloc(maps, "ReLU outputs");
    b->pool = tensor_alloc(flat, "pool outputs");
    b->argmax = checked_calloc(flat, sizeof(int), "pool argmax");
    b->logits = tensor_alloc(k, "logits");
    b->probs = tensor_alloc(k, "probabilities");
    b->d_logits = tensor_alloc(k, "dL/dlogits");
    b->d_pool = tensor_alloc(flat, "dL/dpool");
    b->d_relu = tensor_alloc(maps, "dL/dReLU");
    b->d_conv = tensor_alloc(maps, "dL/dconv");
}

void convnet_batch_free(convnet_batch *b)
{
    convnet_work_free(&b->one);
    conv2d_batch_space_free(&b->conv_space);
    free(b->conv);  free(b->relu);  free(b->pool);  free(b->argmax);
    free(b->logits);  free(b->probs);  free(b->d_logits);
    free(b->d_pool);  free(b->d_relu);  free(b->d_conv);
    memset(b, 0, sizeof *b);
}

void convnet_forward_batch(const convnet_arch *a, const convnet_params *p, convnet_batch *b, const real *x, int n)
{
    int maps = n * (int)conv2d_output_count(&a->conv);
    conv2d_forward_batch(&a->conv, n, x, p->conv_w, p->conv_b, b->conv, &b->conv_space); /* C (n, F, 24, 24) */
    relu_forward(b->conv, b->relu, maps);                                                /* R (n, F, 24, 24) */
    maxpool2d_forward_batch(&a->pool, n, b->relu, b->pool, b->argmax);                   /* P (n, F*12*12)   */
    dense_forward_batch(n, b->pool, p->dense_w, p->dense_b, b->logits, a->flat, a->classes); /* Z (n, 10)  */
}

void convnet_backward_batch(const convnet_arch *a, const convnet_params *p, convnet_batch *b, int n,
                            convnet_params *g)
{
    int maps = n * (int)conv2d_output_count(&a->conv);
    /* dense:  dW += P^T dZ,  db += column sums of dZ,  dP = dZ W^T                          (n, 2304) */
    dense_backward_batch(n, b->pool, p->dense_w, b->d_logits, g->dense_w, g->dense_b, b->d_pool,
                         a->flat, a->classes);
    /* maxpool:  dR = dP at each window's maximum, 0 elsewhere                               (n, F, 24, 24) */
    maxpool2d_backward_batch(&a->pool, n, b->d_pool, b->argmax, b->d_relu);
    /* ReLU:  dC = dR where C > 0                                                            (n, F, 24, 24) */
    relu_backward(b->conv, b->d_relu, b->d_conv, maps);
    /* conv:  dW += dC x cols^T, db += sums of dC;  no dX: X is data                         (F, 1, 5, 5) */
    conv2d_backward_batch(&a->conv, n, p->conv_w, b->d_conv, g->conv_w, g->conv_b, NULL, &b->conv_space);
}

/* The naive engine: one image at a time through convnet_forward/backward. */
static batch_score shard_one_by_one(const convnet_model *m, convnet_batch *b, const real *x, const int *labels,
                                    int n, int *predictions, convnet_params *g)
{
    const convnet_arch *a = m->arch;
    long pixels = (long)a->in_h * a->in_w;
    batch_score score = { 0, 0 };
    for (int i = 0; i < n; i++) {
        int predicted = convnet_forward(a, m->params, &b->one, x + i * pixels);
        score.loss += convnet_loss(a, &b->one, labels[i]);
        score.correct += predicted == labels[i];
        if (predictions)
            predictions[i] = predicted;
        if (g)
            convnet_backward(a, m->params, &b->one, x + i * pixels, labels[i], g);
    }
    return score;
}

/* The fast engine: all n images through each batched layer in turn. */
static batch_score shard_batched(const convnet_model *m, convnet_batch *b, const real *x, const int *labels,
                                 int n, int *predictions, convnet_params *g)
{
    const convnet_arch *a = m->arch;
    batch_score score = { 0, 0 };
    convnet_forward_batch(a, m->params, b, x, n);
    score.loss = softmax_cross_entropy_batch(n, b->logits, labels, b->probs, g ? b->d_logits : NULL, a->classes);
    for (long i = 0; i < (long)n * a->classes; i++)
        if (!isfinite((double)b->logits[i]))   /* overflowed: no usable loss (see convnet_loss) */
            score.loss = NAN;
    for (int i = 0; i < n; i++) {
        int predicted = argmax(b->probs + (long)i * a->classes, a->classes);
        score.correct += predicted == labels[i];
        if (predictions)
            predictions[i] = predicted;
    }
    if (g)
        convnet_backward_batch(a, m->params, b, n, g);
    return score;
}

batch_score convnet_shard(void *net, void *workspace, const real *x, const int *labels, int n, long first,
                          int *predictions, real *grad)
{
    const convnet_model *m = net;
    (void)first;                             /* nothing here is drawn per image */
    convnet_params g, *gp = NULL;
    if (grad) {                              /* the gradient block seen as the four tensors */
        g.all = grad;
        point_into(m->arch, &g);
        gp = &g;
    }
    if (m->engine == ENGINE_NAIVE)
        return shard_one_by_one(m, workspace, x, labels, n, predictions, gp);
    return shard_batched(m, workspace, x, labels, n, predictions, gp);
}

void convnet_runner_init(convnet_runner *r, const convnet_arch *a, const convnet_params *p, engine_kind engine,
                         thread_pool *pool, int max_batch)
{
    void *workspace[MINIBATCH_SHARDS];
    r->model = (convnet_model){ a, p, engine };
    for (int s = 0; s < MINIBATCH_SHARDS; s++) {
        convnet_batch_alloc(a, minibatch_shard_capacity(max_batch), &r->shards[s]);
        workspace[s] = &r->shards[s];
    }
    minibatch_init(&r->batches, pool, &r->model, convnet_shard, workspace, a->n_params,
                   (long)a->in_h * a->in_w, max_batch);
}

void convnet_runner_free(convnet_runner *r)
{
    minibatch_free(&r->batches);
    for (int s = 0; s < MINIBATCH_SHARDS; s++)
        if (r->shards[s].capacity > 0)
            convnet_batch_free(&r->shards[s]);
}

/* ---------------------------------------------------------------- the summary table */

static void summary_row(FILE *out, const char *layer, const char *shape, long params)
{
    char count[32];
    with_commas(params, count, sizeof count);
    fprintf(out, "%-26s %-18s %10s\n", layer, shape, count);
}

void convnet_summary(FILE *out, const convnet_arch *a)
{
    char layer[64], shape[64], total[32];
    long conv_params = conv2d_weight_count(&a->conv) + a->filters;
    long dense_params = (long)a->flat * a->classes + a->classes;
    const char *rule = "==========================================================";
    fprintf(out, "%-26s %-18s %10s\n%s\n", "Layer (type)", "Output Shape", "Param #", rule);
    snprintf(layer, sizeof layer, "input");
    snprintf(shape, sizeof shape, "%d x %d x 1", a->in_h, a->in_w);
    summary_row(out, layer, shape, 0);
    snprintf(layer, sizeof layer, "conv (Conv2D %dx%d)", a->kernel, a->kernel);
    snprintf(shape, sizeof shape, "%d x %d x %d", a->conv.out_h, a->conv.out_w, a->filters);
    summary_row(out, layer, shape, conv_params);
    summary_row(out, "relu (ReLU)", shape, 0);
    snprintf(shape, sizeof shape, "%d x %d x %d", a->pool.out_h, a->pool.out_w, a->filters);
    summary_row(out, "maxpool (MaxPool 2x2)", shape, 0);
    snprintf(shape, sizeof shape, "%d", a->flat);
    summary_row(out, "flatten (Flatten)", shape, 0);
    snprintf(shape, sizeof shape, "%d", a->classes);
    summary_row(out, "dense (Dense)", shape, dense_params);
    summary_row(out, "softmax (Softmax)", shape, 0);
    with_commas(a->n_params, total, sizeof total);
    fprintf(out, "%s\nTotal params: %s (conv %d*(%d*%d+1) = %ld, dense (%d+1)*%d = %ld)\n", rule, total,
            a->filters, a->kernel, a->kernel, conv_params, a->flat, a->classes, dense_params);
}

/* ---------------------------------------------------------------- the model file */

uint32_t convnet_crc32(uint32_t crc, const unsigned char *bytes, size_t n)
{
    crc = ~crc;
    for (size_t i = 0; i < n; i++) {
        crc ^= bytes[i];
        for (int bit = 0; bit < 8; bit++)
            crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}

#define HEADER_WORDS 9      /* magic, version, in_h, in_w, filters, kernel, pool, classes, n_params */
#define HEADER_BYTES (4 * HEADER_WORDS)

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

/* The whole file in memory: header, parameters, checksum. */
static unsigned char *encode_model(const convnet_arch *a, const convnet_params *p, size_t *size)
{
    size_t n = (size_t)a->n_params, total = HEADER_BYTES + 4 * n + 4;
    unsigned char *buf = checked_calloc(total, 1, "model file");
    memcpy(buf, CONVNET_MAGIC, 4);
    uint32_t fields[HEADER_WORDS - 1] = { CONVNET_FORMAT_VERSION, (uint32_t)a->in_h, (uint32_t)a->in_w,
                                          (uint32_t)a->filters, (uint32_t)a->kernel, CONVNET_POOL,
                                          (uint32_t)a->classes, (uint32_t)a->n_params };
    for (int i = 0; i < HEADER_WORDS - 1; i++)
        model_put_u32(buf + 4 + 4 * i, fields[i]);
    for (size_t i = 0; i < n; i++)
        model_put_real(buf + HEADER_BYTES + 4 * i, p->all[i]);
    model_put_u32(buf + total - 4, convnet_crc32(0, buf, total - 4));
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
    if (memcmp(h, CONVNET_MAGIC, 4) != 0) {
        snprintf(err, err_size, "%s: not a model file (it starts with bytes %02x %02x %02x %02x, "
                 "a model starts with \"%s\")", path, h[0], h[1], h[2], h[3], CONVNET_MAGIC);
        return -1;
    }
    uint32_t version = model_get_u32(h + 4);
    if (version > CONVNET_FORMAT_VERSION) {
        snprintf(err, err_size, "%s: model format version %lu is newer than this program reads (%u): "
                 "update the code, or retrain", path, (unsigned long)version, CONVNET_FORMAT_VERSION);
        return -1;
    }
    if (version == 0) {
        snprintf(err, err_size, "%s: model format version 0 does not exist: the header is damaged", path);
        return -1;
    }
    uint32_t in_h = model_get_u32(h + 8), in_w = model_get_u32(h + 12), filters = model_get_u32(h + 16), kernel = model_get_u32(h + 20);
    uint32_t pool = model_get_u32(h + 24), classes = model_get_u32(h + 28), n_params = model_get_u32(h + 32);
    char why[200];
    if (pool != CONVNET_POOL || in_h > MAX_SIDE || in_w > MAX_SIDE || filters > MAX_FILTERS
        || kernel > MAX_SIDE || classes > CONVNET_MAX_CLASSES
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
    long long want = HEADER_BYTES + 4LL * a->n_params + 4, length = file_length(f, HEADER_BYTES);
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
    point_into(a, p);
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
        uint32_t computed = convnet_crc32(convnet_crc32(0, header, HEADER_BYTES), buf, body - 4);
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
    unsigned char header[HEADER_BYTES];
    size_t got;
    memset(p, 0, sizeof *p);
    FILE *f = open_regular_file(path, "rb", "a model file", err, err_size);   /* src/file_error.h */
    if (!f)
        return -1;
    int rc = -1;
    if (read_exactly(f, header, HEADER_BYTES, &got) != 0) {
        if (ferror(f))
            snprintf(err, err_size, "%s: cannot read the model file (%s)", path,
                     errno ? strerror(errno) : "read error");
        else if (got == 0)
            snprintf(err, err_size, "%s: the model file is empty", path);
        else
            snprintf(err, err_size, "%s: truncated: a model header is %d bytes, the file has %zu",
                     path, HEADER_BYTES, got);
    } else if (check_header(path, header, a, err, err_size) == 0 && check_length(f, path, a, err, err_size) == 0) {
        rc = read_body(f, path, header, a, p, err, err_size);
    }
    fclose(f);
    return rc;
}
