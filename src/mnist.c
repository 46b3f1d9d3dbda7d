/* mnist.c: see mnist.h. */
#include "mnist.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "file_error.h"
#include "os.h"

#define IDX_MAGIC_LABELS 0x00000801u
#define IDX_MAGIC_IMAGES 0x00000803u

static uint32_t big_endian_u32(const unsigned char b[4])
{
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | (uint32_t)b[3];
}

/* What we learn from an IDX header. */
typedef struct {
    uint32_t dims[3];
    size_t data_bytes;      /* product of the dimensions */
} idx_header;

/* 1 when path.gz can be opened: the data set is there, still compressed (as
 * the MNIST site and Debian's Fashion-MNIST package ship it). */
static int gzipped_copy_exists(const char *path)
{
    size_t n = strlen(path) + 4;
    char *gz = malloc(n);
    if (gz == NULL)
        return 0;
    snprintf(gz, n, "%s.gz", path);
    FILE *f = fopen(gz, "rb");
    free(gz);
    if (f != NULL)
        fclose(f);
    return f != NULL;
}

/* Open path, check the magic, read ndims dimensions and check them against
 * the length of the file. On success the file is positioned at the data and
 * returned; on failure NULL with err set. what is "images" or "labels". */
static FILE *idx_open(const char *path, uint32_t magic_wanted, int ndims, const char *what,
                      idx_header *h, char *err, size_t err_size)
{
    if (os_path_kind_of(path) == OS_PATH_OTHER) {   /* opening a FIFO could wait for ever */
        set_file_error(err, err_size, path, "is not a regular file (a FIFO, a device or a socket): the data files "
                       "must be regular files, whose length can be checked against their header");
        return NULL;
    }
    errno = 0;
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        int saved = errno;
        if (saved == ENOENT && gzipped_copy_exists(path))
            set_file_error(err, err_size, path, "not found, but %s.gz is there: unpack it first, e.g. "
                           "gunzip -c '%s.gz' > '%s' (or unpack all four into a directory of your own and "
                           "give it with --data)", path, path, path);
        else
            set_file_error(err, err_size, path, "cannot open: %s", saved ? strerror(saved) : "fopen failed");
        return NULL;
    }

    /* bytes 0..3: the magic number */
    unsigned char b[4];
    errno = 0;
    size_t got = fread(b, 1, 4, f);
    if (got < 4) {
        const char *why = file_read_failure(f, errno, "is a directory, not an IDX file");
        if (why)
            set_file_error(err, err_size, path, "%s", why);
        else if (got == 0)
            set_file_error(err, err_size, path, "empty file (0 bytes), expected an IDX file of %s", what);
        else
            set_file_error(err, err_size, path, "truncated header: %zu bytes, the magic number alone needs 4", got);
        fclose(f);
        return NULL;
    }
    uint32_t magic = big_endian_u32(b);
    if (magic != magic_wanted) {
        const char *hint = "";
        if (b[0] == 0x1f && b[1] == 0x8b)
            hint = "; this is a gzip file: gunzip it first";
        else if (magic == IDX_MAGIC_LABELS)
            hint = "; 0x00000801 is a label file";
        else if (magic == IDX_MAGIC_IMAGES)
            hint = "; 0x00000803 is an image file";
        set_file_error(err, err_size, path, "wrong magic 0x%08lX (expected 0x%08lX for %s%s)",
                  (unsigned long)magic, (unsigned long)magic_wanted, what, hint);
        fclose(f);
        return NULL;
    }

    /* then one big-endian uint32 per dimension */
    for (int d = 0; d < ndims; d++) {
        errno = 0;
        got = fread(b, 1, 4, f);
        if (got < 4) {
            const char *why = file_read_failure(f, errno, "is a directory, not an IDX file");
            if (why)
                set_file_error(err, err_size, path, "%s", why);
            else
                set_file_error(err, err_size, path,
                          "truncated header: the file ends inside dimension %d of %d (the header needs %d bytes)",
                          d + 1, ndims, 4 + 4 * ndims);
            fclose(f);
            return NULL;
        }
        h->dims[d] = big_endian_u32(b);
    }

    /* the dimensions: none zero, count fits an int, the product fits a size_t */
    char shape[64];
    if (ndims == 1)
        snprintf(shape, sizeof shape, "%lu", (unsigned long)h->dims[0]);
    else
        snprintf(shape, sizeof shape, "%lu x %lu x %lu", (unsigned long)h->dims[0],
                 (unsigned long)h->dims[1], (unsigned long)h->dims[2]);
    uint64_t product = 1;
    for (int d = 0; d < ndims; d++) {
        if (h->dims[d] == 0) {
            set_file_error(err, err_size, path, "bad dimensions %s: %s cannot be zero", shape,
                      d == 0 ? "the count" : d == 1 ? "rows" : "cols");
            fclose(f);
            return NULL;
        }
        if (h->dims[d] > (uint32_t)INT_MAX) {
            set_file_error(err, err_size, path, "bad dimensions %s: %lu is too large (over %d)", shape,
                      (unsigned long)h->dims[d], INT_MAX);
            fclose(f);
            return NULL;
        }
        if (product > UINT64_MAX / h->dims[d] || product * h->dims[d] > (uint64_t)SIZE_MAX ||
            product * h->dims[d] > (uint64_t)LONG_MAX) {
            set_file_error(err, err_size, path, "bad dimensions %s: their product overflows", shape);
            fclose(f);
            return NULL;
        }
        product *= h->dims[d];
    }
    h->data_bytes = (size_t)product;

    /* the file must be exactly header + data bytes long */
    long header_bytes = 4 + 4L * ndims;
    long file_bytes = -1;
    if (fseek(f, 0, SEEK_END) == 0)
        file_bytes = ftell(f);
    if (file_bytes < header_bytes || fseek(f, header_bytes, SEEK_SET) != 0) {
        set_file_error(err, err_size, path, "cannot determine the length of the file");
        fclose(f);
        return NULL;
    }
    uint64_t data_in_file = (uint64_t)(file_bytes - header_bytes);
    if (data_in_file != product) {
        char says[128];
        if (ndims == 1)
            snprintf(says, sizeof says, "%s %s (%llu bytes)", shape, what, (unsigned long long)product);
        else
            snprintf(says, sizeof says, "%s = %llu bytes of %s", shape, (unsigned long long)product, what);
        set_file_error(err, err_size, path, "%s: the header says %s, but the file has %llu bytes after the %ld-byte header",
                  data_in_file < product ? "truncated data" : "trailing bytes (file too long)",
                  says, (unsigned long long)data_in_file, header_bytes);
        fclose(f);
        return NULL;
    }
    return f;
}

/* Read exactly n data bytes into a new buffer, and make sure nothing
 * follows them (the file could have changed since we measured it). */
static unsigned char *idx_read_data(FILE *f, const char *path, size_t n, char *err, size_t err_size)
{
    unsigned char *data = malloc(n);
    if (data == NULL) {
        set_file_error(err, err_size, path, "out of memory allocating %zu bytes", n);
        return NULL;
    }
    errno = 0;
    size_t got = fread(data, 1, n, f);
    if (got != n) {
        const char *why = file_read_failure(f, errno, "is a directory, not an IDX file");
        set_file_error(err, err_size, path, "truncated data: read %zu of %zu bytes%s%s", got, n,
                  why ? ": " : "", why ? why : "");
        free(data);
        return NULL;
    }
    unsigned char extra;
    if (fread(&extra, 1, 1, f) != 0) {
        set_file_error(err, err_size, path, "trailing bytes after the %zu bytes the header announces", n);
        free(data);
        return NULL;
    }
    return data;
}

int idx_read_images(const char *path, image_set *out, char *err, size_t err_size)
{
    out->count = out->rows = out->cols = 0;
    out->pixels = NULL;
    idx_header h;
    FILE *f = idx_open(path, IDX_MAGIC_IMAGES, 3, "images", &h, err, err_size);
    if (f == NULL)
        return -1;
    unsigned char *pixels = idx_read_data(f, path, h.data_bytes, err, err_size);
    fclose(f);
    if (pixels == NULL)
        return -1;
    out->count = (int)h.dims[0];
    out->rows = (int)h.dims[1];
    out->cols = (int)h.dims[2];
    out->pixels = pixels;
    return 0;
}

int idx_read_labels(const char *path, label_set *out, char *err, size_t err_size)
{
    out->count = 0;
    out->labels = NULL;
    idx_header h;
    FILE *f = idx_open(path, IDX_MAGIC_LABELS, 1, "labels", &h, err, err_size);
    if (f == NULL)
        return -1;
    unsigned char *labels = idx_read_data(f, path, h.data_bytes, err, err_size);
    fclose(f);
    if (labels == NULL)
        return -1;
    for (size_t i = 0; i < h.data_bytes; i++) {
        if (labels[i] > 9) {
            set_file_error(err, err_size, path, "bad label %u at index %zu (labels must be digits 0..9)",
                      (unsigned)labels[i], i);
            free(labels);
            return -1;
        }
    }
    out->count = (int)h.dims[0];
    out->labels = labels;
    return 0;
}

void image_set_free(image_set *s)
{
    free(s->pixels);
    s->pixels = NULL;
    s->count = s->rows = s->cols = 0;
}

void label_set_free(label_set *s)
{
    free(s->labels);
    s->labels = NULL;
    s->count = 0;
}

/* ---------------------------------------------------------------- class names */

/* No names: the classes are the digits. */
static void class_names_digits(class_names *out)
{
    memset(out, 0, sizeof *out);
}

/* Check what was read: CLASS_COUNT names, none empty, no two alike. lines
 * is the number of lines in the file. 0, or -1 with err. */
static int check_class_names(const char *path, const class_names *c, int lines, char *err, size_t err_size)
{
    if (lines != CLASS_COUNT) {
        set_file_error(err, err_size, path, "%d line%s, expected %d class names (one per line, the name of "
                       "label 0 first)", lines, lines == 1 ? "" : "s", CLASS_COUNT);
        return -1;
    }
    for (int k = 0; k < CLASS_COUNT; k++) {
        if (c->names[k][0] == '\0') {
            set_file_error(err, err_size, path, "line %d is empty: it must name class %d", k + 1, k);
            return -1;
        }
        for (int j = 0; j < k; j++) {
            if (strcmp(c->names[j], c->names[k]) == 0) {
                set_file_error(err, err_size, path, "lines %d and %d both say \"%s\": each class needs its own name",
                               j + 1, k + 1, c->names[k]);
                return -1;
            }
        }
    }
    return 0;
}

/* Read the lines of f into c->names (the first CLASS_COUNT of them) and
 * count them into *lines. 0, or -1 with err at the first bad byte. */
static int read_class_lines(FILE *f, const char *path, class_names *c, int *lines, char *err, size_t err_size)
{
    int line = 0, len = 0, ch;
    *lines = 0;
    errno = 0;
    while ((ch = fgetc(f)) != EOF) {
        if (ch == '\r') {               /* "\r\n" ends a line too; a lone '\r' is refused below */
            int next = fgetc(f);
            if (next == '\n')
                ch = next;
            else if (next != EOF)
                ungetc(next, f);
        }
        if (ch == '\n') {               /* the end of line `line` */
            line++;
            len = 0;
            continue;
        }
        if (ch < 0x20 || ch == 0x7f) {
            set_file_error(err, err_size, path, "line %d has a control character (byte 0x%02X): a class name is "
                           "plain text", line + 1, (unsigned)ch);
            return -1;
        }
        if (len == CLASS_NAME_MAX) {
            set_file_error(err, err_size, path, "line %d is longer than %d bytes: each line is one class name, "
                           "e.g. \"Ankle boot\"", line + 1, CLASS_NAME_MAX);
            return -1;
        }
        if (line < CLASS_COUNT)
            c->names[line][len] = (char)ch;
        len++;
    }
    const char *why = file_read_failure(f, errno, "is a directory, not a classes file");
    if (why) {
        set_file_error(err, err_size, path, "%s", why);
        return -1;
    }
    *lines = line + (len > 0);   /* a last line without its newline counts */
    return 0;
}

int class_names_read(const char *path, class_names *out, char *err, size_t err_size)
{
    class_names_digits(out);
    os_path_kind kind = os_path_kind_of(path);
    if (kind == OS_PATH_ABSENT)
        return 0;
    if (kind == OS_PATH_DIRECTORY || kind == OS_PATH_OTHER) {
        set_file_error(err, err_size, path, "is %s, not a classes file (ten lines of class names)",
                       kind == OS_PATH_DIRECTORY ? "a directory" : "a FIFO, a device or a socket");
        return -1;
    }
    errno = 0;
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        set_file_error(err, err_size, path, "cannot open: %s", errno ? strerror(errno) : "fopen failed");
        return -1;
    }
    class_names read = { 1, { { 0 } } };
    int lines = 0;
    int rc = read_class_lines(f, path, &read, &lines, err, err_size);
    fclose(f);
    if (rc != 0 || check_class_names(path, &read, lines, err, err_size) != 0)
        return -1;
    *out = read;
    return 0;
}

const char *class_label(const class_names *names, int c, char *buf, size_t size)
{
    if (names != NULL && names->from_file && c >= 0 && c < CLASS_COUNT)
        return names->names[c];
    snprintf(buf, size, "%d", c);
    return buf;
}

int class_names_width(const class_names *names, int classes)
{
    int width = 0;
    for (int c = 0; names != NULL && names->from_file && c < classes && c < CLASS_COUNT; c++) {
        int len = (int)strlen(names->names[c]);
        width = len > width ? len : width;
    }
    return width;
}

/* ---------------------------------------------------------------- a data directory */

/* "dir/name" into path; -1 (with err) when it does not fit. */
static int join_path(char *path, size_t size, const char *dir, const char *name, char *err, size_t err_size)
{
    int n = snprintf(path, size, "%s/%s", dir, name);
    if (n < 0 || (size_t)n >= size) {
        set_file_error(err, err_size, dir, "directory name too long");
        return -1;
    }
    return 0;
}

/* After a failed read of dir/...: when the file is not there at all (nor a
 * .gz copy, which has its own advice), say how to fetch the data set: the
 * one the caller asked for, or (DATA_SET_GUESS) the one the folder's name
 * suggests. */
static void add_fetch_hint(const char *dir, data_set_kind kind, const char *path, char *err, size_t err_size)
{
    if (err == NULL || err_size == 0 || os_path_kind_of(path) != OS_PATH_ABSENT || gzipped_copy_exists(path))
        return;
    size_t used = strlen(err);
    if (kind == DATA_SET_FASHION || (kind == DATA_SET_GUESS && strstr(dir, "fashion")))
        snprintf(err + used, err_size - used, " (make data-fashion fetches Fashion-MNIST into data/fashion-mnist/)");
    else
        snprintf(err + used, err_size - used, " (make data fetches MNIST into data/mnist/)");
}

/* Images and labels of one split; checks that their counts agree. */
static int load_split(const char *dir, data_set_kind kind, const char *images_name, const char *labels_name,
                      image_set *images, label_set *labels, char *err, size_t err_size)
{
    char images_path[4096], labels_path[4096];
    if (join_path(images_path, sizeof images_path, dir, images_name, err, err_size) != 0 ||
        join_path(labels_path, sizeof labels_path, dir, labels_name, err, err_size) != 0)
        return -1;
    if (idx_read_images(images_path, images, err, err_size) != 0) {
        add_fetch_hint(dir, kind, images_path, err, err_size);
        return -1;
    }
    if (idx_read_labels(labels_path, labels, err, err_size) != 0) {
        add_fetch_hint(dir, kind, labels_path, err, err_size);
        image_set_free(images);
        return -1;
    }
    if (images->count != labels->count) {
        if (err != NULL && err_size > 0)
            snprintf(err, err_size, "%s has %d images but %s has %d labels: they must be the same data set",
                     images_path, images->count, labels_path, labels->count);
        image_set_free(images);
        label_set_free(labels);
        return -1;
    }
    return 0;
}

int mnist_load(const char *dir, mnist_data *out, char *err, size_t err_size)
{
    return mnist_load_set(dir, DATA_SET_GUESS, out, err, err_size);
}

int mnist_load_set(const char *dir, data_set_kind kind, mnist_data *out, char *err, size_t err_size)
{
    memset(out, 0, sizeof *out);
    if (load_split(dir, kind, "train-images-idx3-ubyte", "train-labels-idx1-ubyte",
                   &out->train_images, &out->train_labels, err, err_size) != 0)
        return -1;
    if (load_split(dir, kind, "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte",
                   &out->test_images, &out->test_labels, err, err_size) != 0) {
        mnist_free(out);
        return -1;
    }
    if (out->train_images.rows != out->test_images.rows || out->train_images.cols != out->test_images.cols) {
        if (err != NULL && err_size > 0)
            snprintf(err, err_size, "%s/t10k-images-idx3-ubyte has %dx%d images but %s/train-images-idx3-ubyte has %dx%d",
                     dir, out->test_images.rows, out->test_images.cols,
                     dir, out->train_images.rows, out->train_images.cols);
        mnist_free(out);
        return -1;
    }
    char classes_path[4096];
    if (join_path(classes_path, sizeof classes_path, dir, "classes.txt", err, err_size) != 0 ||
        class_names_read(classes_path, &out->classes, err, err_size) != 0) {
        mnist_free(out);
        return -1;
    }
    return 0;
}

void mnist_free(mnist_data *d)
{
    image_set_free(&d->train_images);
    image_set_free(&d->test_images);
    label_set_free(&d->train_labels);
    label_set_free(&d->test_labels);
    class_names_digits(&d->classes);
}

void images_to_real(const image_set *s, int first, int n, real *dst)
{
    size_t pixels_per_image = (size_t)s->rows * (size_t)s->cols;
    const unsigned char *src = s->pixels + (size_t)first * pixels_per_image;
    size_t total = (size_t)n * pixels_per_image;
    for (size_t i = 0; i < total; i++)
        dst[i] = (real)src[i] / (real)255;
}

/* One text row of a drawing: pixel rows y and y + 1 (if any), as shades. */
static void ascii_row(FILE *out, const unsigned char *pixels, int rows, int cols, int y)
{
    static const char shades[] = " .:-=+*#%@";   /* 10 shades, dark to bright */
    const int levels = (int)(sizeof shades - 1);
    for (int x = 0; x < cols; x++) {
        /* the mean of this pixel and the one below it (if any) */
        int sum = pixels[(size_t)y * (size_t)cols + (size_t)x], n = 1;
        if (y + 1 < rows) {
            sum += pixels[(size_t)(y + 1) * (size_t)cols + (size_t)x];
            n = 2;
        }
        fputc(shades[(sum * levels) / (n * 256)], out);   /* 0..levels-1 */
    }
}

static void frame_edge(FILE *out, int cols)
{
    fputc('+', out);
    for (int x = 0; x < cols; x++)
        fputc('-', out);
    fputc('+', out);
}

void draw_digit_ascii(FILE *out, const unsigned char *pixels, int rows, int cols)
{
    frame_edge(out, cols);
    fputc('\n', out);
    for (int y = 0; y < rows; y += 2) {
        fputc('|', out);
        ascii_row(out, pixels, rows, cols, y);
        fputs("|\n", out);
    }
    frame_edge(out, cols);
    fputc('\n', out);
}

void draw_digits_side_by_side(FILE *out, const unsigned char *left, const unsigned char *right, int rows, int cols,
                              const char *left_title, const char *right_title)
{
    fprintf(out, "%-*.*s   %s\n", cols + 2, cols + 2, left_title, right_title);
    frame_edge(out, cols);
    fputs("   ", out);
    frame_edge(out, cols);
    fputc('\n', out);
    for (int y = 0; y < rows; y += 2) {
        fputc('|', out);
        ascii_row(out, left, rows, cols, y);
        fputs("|   |", out);
        ascii_row(out, right, rows, cols, y);
        fputs("|\n", out);
    }
    frame_edge(out, cols);
    fputs("   ", out);
    frame_edge(out, cols);
    fputc('\n', out);
}

/* ---------------------------------------------------------------- the validation split */

int validation_count(int count, int requested, char *err, size_t err_size)
{
    int n = requested;
    if (requested == VALIDATION_DEFAULT)
        n = count >= 12 * VALIDATION_IMAGES ? VALIDATION_IMAGES : count / 12;
    if (count < 1) {
        snprintf(err, err_size, "the training set has no images");
        return -1;
    }
    if (n < 0 || n >= count) {
        snprintf(err, err_size, "--validation %d: the training set has %d image%s; at least one must be left to "
                 "train on", requested, count, count == 1 ? "" : "s");
        return -1;
    }
    return n;
}

int *validation_order(int count, int n)
{
    int *order = malloc((size_t)(n > 0 ? n : 1) * sizeof *order);
    if (!order) {
        fprintf(stderr, "out of memory for the validation set's order (%d images)\n", n);
        exit(1);
    }
    for (int i = 0; i < n; i++)
        order[i] = count - n + i;
    return order;
}
