/* sequential.c: see sequential.h. Reading a spec and working out the
 * shapes, the summary table, the initial values. Running the network is
 * src/sequential_run.c; its model file, src/model_file.c. */
#include "sequential.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tensor.h"

#define MAX_SIDE 4096
/* The most numbers one layer may give for one image (and a conv's im2col
 * columns for one image): 2^26, 256 MB in float. Every count of a network
 * is worked out in long long and checked against these limits before it is
 * stored in an int or a long, so no size can overflow. */
#define MAX_LAYER_NUMBERS (1LL << 26)

/* ---------------------------------------------------------------- presets */

static const struct {
    const char *name, *spec;
} presets[] = {
    { "small", "conv 16 5, relu, maxpool 2, flatten, dense 10" },
    { "doshi", "conv 16 2 same, relu, maxpool 2, conv 128 3, relu, conv 256 3, relu, maxpool 2, dropout 0.25, "
                 "flatten, dense 128, relu, dropout 0.5, dense 10, softmax" },
    { "doshi-bn", "conv 16 2 same, batchnorm, relu, maxpool 2, conv 128 3, batchnorm, relu, conv 256 3, "
                    "batchnorm, relu, maxpool 2, dropout 0.25, flatten, dense 128, batchnorm, relu, dropout 0.5, "
                    "dense 10, softmax" },
};

const char *sequential_preset(const char *name)
{
    for (size_t i = 0; i < sizeof presets / sizeof presets[0]; i++)
        if (strcmp(presets[i].name, name) == 0)
            return presets[i].spec;
    return NULL;
}

/* ---------------------------------------------------------------- reading a spec */

static const struct {
    const char *word;
    layer_kind kind;
} layer_words[] = {
    { "conv", LAYER_CONV },       { "maxpool", LAYER_MAXPOOL }, { "avgpool", LAYER_AVGPOOL },
    { "relu", LAYER_RELU },       { "sigmoid", LAYER_SIGMOID }, { "tanh", LAYER_TANH },
    { "dropout", LAYER_DROPOUT }, { "batchnorm", LAYER_BATCHNORM }, { "flatten", LAYER_FLATTEN },
    { "dense", LAYER_DENSE },     { "softmax", LAYER_SOFTMAX },
};
#define N_LAYER_WORDS (sizeof layer_words / sizeof layer_words[0])

const char *layer_kind_name(layer_kind kind)
{
    for (size_t i = 0; i < N_LAYER_WORDS; i++)
        if (layer_words[i].kind == kind)
            return layer_words[i].word;
    return "?";
}

#define MAX_WORDS 8

/* Split text into words at spaces; returns how many (more than MAX_WORDS: -1). */
static int split_words(char *text, char *words[MAX_WORDS])
{
    int n = 0;
    for (char *t = strtok(text, " \t\n"); t; t = strtok(NULL, " \t\n")) {
        if (n == MAX_WORDS)
            return -1;
        words[n++] = t;
    }
    return n;
}

/* A whole number in [lo, hi], or -1 with the reason in why. */
static int whole(const char *text, int lo, int hi, const char *what, char *why, size_t why_size)
{
    char *end;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (end == text || *end != '\0' || errno != 0 || v < lo || v > hi) {
        snprintf(why, why_size, "%s '%s' is not a whole number from %d to %d", what, text, lo, hi);
        return -1;
    }
    return (int)v;
}

/* The words of one item into l's settings (the shapes come later).
 * Returns 0, or -1 with the reason in why. */
static int read_item(char **words, int n, layer *l, char *why, size_t why_size)
{
    size_t k = 0;
    while (k < N_LAYER_WORDS && strcmp(layer_words[k].word, words[0]) != 0)
        k++;
    if (k == N_LAYER_WORDS) {
        snprintf(why, why_size, "unknown layer '%s' (known: conv, maxpool, avgpool, relu, sigmoid, tanh, dropout, "
                 "batchnorm, flatten, dense, softmax)", words[0]);
        return -1;
    }
    memset(l, 0, sizeof *l);
    l->kind = layer_words[k].kind;
    int at = 1;                                       /* the next word to read */
    if (l->kind == LAYER_CONV) {
        if (n < 3) {
            snprintf(why, why_size, "conv needs FILTERS and KERNEL, e.g. 'conv 16 3'");
            return -1;
        }
        if ((l->units = whole(words[1], 1, 4096, "FILTERS", why, why_size)) < 0
            || (l->kernel = whole(words[2], 1, 64, "KERNEL", why, why_size)) < 0)
            return -1;
        at = 3;
        if (at < n && (strcmp(words[at], "same") == 0 || strcmp(words[at], "valid") == 0))
            l->same = strcmp(words[at++], "same") == 0;
    } else if (l->kind == LAYER_MAXPOOL || l->kind == LAYER_AVGPOOL) {
        if (n < 2) {
            snprintf(why, why_size, "%s needs a window size, e.g. '%s 2'", words[0], words[0]);
            return -1;
        }
        if ((l->kernel = whole(words[1], 1, 64, "the window", why, why_size)) < 0)
            return -1;
        at = 2;
    } else if (l->kind == LAYER_DENSE) {
        if (n < 2 || (l->units = whole(words[1], 1, 1 << 20, "UNITS", why, why_size)) < 0) {
            if (n < 2)
                snprintf(why, why_size, "dense needs the number of outputs, e.g. 'dense 10'");
            return -1;
        }
        at = 2;
    } else if (l->kind == LAYER_DROPOUT) {
        char *end;
        l->rate = n >= 2 ? strtod(words[1], &end) : -1;
        if (n < 2 || *end != '\0' || !(l->rate >= 0 && l->rate < 1)) {
            snprintf(why, why_size, "dropout needs a rate from 0 to below 1, e.g. 'dropout 0.5'");
            return -1;
        }
        at = 2;
    }
    l->stride = l->kind == LAYER_CONV ? 1 : l->kernel;
    if ((l->kind == LAYER_CONV || l->kind == LAYER_MAXPOOL || l->kind == LAYER_AVGPOOL) && at + 1 < n
        && strcmp(words[at], "stride") == 0) {
        if ((l->stride = whole(words[at + 1], 1, 64, "the stride", why, why_size)) < 0)
            return -1;
        at += 2;
    }
    if (at < n) {
        snprintf(why, why_size, "unexpected '%s' after %s", words[at], words[0]);
        return -1;
    }
    return 0;
}

/* Keras's 'same' padding along one axis: the output is ceil(in / stride)
 * and the padding it needs, (out - 1) * stride + k - in, is split with the
 * smaller half before (top, left) and the rest after (bottom, right). */
static void same_padding(int in, int k, int stride, int *before, int *after)
{
    int out = (in + stride - 1) / stride, total = (out - 1) * stride + k - in;
    if (total < 0)
        total = 0;
    *before = total / 2;
    *after = total - *before;
}

/* 0 when a count of numbers is within limit, else -1 with the reason. */
static int check_count(long long count, long long limit, const char *what, char *why, size_t why_size)
{
    if (count <= limit)
        return 0;
    snprintf(why, why_size, "%s: %lld numbers, more than the %lld this program allows", what, count, limit);
    return -1;
}

static int shape_conv(layer *l, char *why, size_t why_size)
{
    int pt = 0, pb = 0, pl = 0, pr = 0;
    long long taps = (long long)l->in_c * l->kernel * l->kernel;           /* one filter's weights */
    if (check_count(taps * l->units + l->units, SEQ_MAX_PARAMS, "its weights", why, why_size) != 0)
        return -1;
    if (l->same) {
        same_padding(l->in_h, l->kernel, l->stride, &pt, &pb);
        same_padding(l->in_w, l->kernel, l->stride, &pl, &pr);
    }
    if (conv2d_setup_asym(&l->conv, l->in_c, l->in_h, l->in_w, l->units, l->kernel, l->stride, pt, pb, pl, pr) != 0) {
        snprintf(why, why_size, "%dx%d filters with stride %d do not tile a %dx%d input (valid padding: the input "
                 "side minus the kernel must be a multiple of the stride; or use 'same')",
                 l->kernel, l->kernel, l->stride, l->in_h, l->in_w);
        return -1;
    }
    long long positions = (long long)l->conv.out_h * l->conv.out_w;
    if (check_count(positions * l->units, MAX_LAYER_NUMBERS, "its output for one image", why, why_size) != 0
        || check_count(positions * taps, MAX_LAYER_NUMBERS, "its im2col matrix for one image", why, why_size) != 0)
        return -1;
    l->out_c = l->units;
    l->out_h = l->conv.out_h;
    l->out_w = l->conv.out_w;
    l->n_params = (long)(taps * l->units + l->units);
    return 0;
}

static int shape_pool(layer *l, char *why, size_t why_size)
{
    if (pool2d_setup(&l->pool, l->in_c, l->in_h, l->in_w, l->kernel, l->stride) != 0) {
        int h = l->in_h - l->kernel, w = l->in_w - l->kernel;
        snprintf(why, why_size, "%dx%d windows with stride %d do not tile a %dx%d input (%d - %d = %d is %s)",
                 l->kernel, l->kernel, l->stride, l->in_h, l->in_w, h < 0 || h % l->stride ? l->in_h : l->in_w,
                 l->kernel, h < 0 || h % l->stride ? h : w, (h < 0 || w < 0) ? "negative: the window is larger"
                                                                             : "not a multiple of the stride");
        return -1;
    }
    l->out_c = l->in_c;
    l->out_h = l->pool.out_h;
    l->out_w = l->pool.out_w;
    return 0;
}

/* The output shape and parameter count of l, from its input shape. */
static int shape_layer(layer *l, int last, char *why, size_t why_size)
{
    int is_vector = l->in_h == 1 && l->in_w == 1;
    l->out_c = l->in_c;
    l->out_h = l->in_h;
    l->out_w = l->in_w;
    switch (l->kind) {
    case LAYER_CONV:
        if (is_vector && l->in_c > 1 && l->kernel > 1) {
            snprintf(why, why_size, "conv needs feature maps, but its input is a vector of %d", l->in_c);
            return -1;
        }
        return shape_conv(l, why, why_size);
    case LAYER_MAXPOOL:
    case LAYER_AVGPOOL:
        return shape_pool(l, why, why_size);
    case LAYER_FLATTEN:                               /* the input's count was checked when it was made */
        l->out_c = (int)((long long)l->in_c * l->in_h * l->in_w);
        l->out_h = l->out_w = 1;
        return 0;
    case LAYER_DENSE:
        if (!is_vector) {
            snprintf(why, why_size, "dense needs a vector, but its input is %dx%dx%d: put 'flatten' before it",
                     l->in_h, l->in_w, l->in_c);
            return -1;
        }
        if (check_count((long long)l->in_c * l->units + l->units, SEQ_MAX_PARAMS, "its weights", why, why_size) != 0)
            return -1;
        l->out_c = l->units;
        l->n_params = (long)((long long)l->in_c * l->units + l->units);
        return 0;
    case LAYER_BATCHNORM:
        l->n_params = 2L * l->in_c;                   /* gamma, beta: one each per channel */
        l->n_stats = 2L * l->in_c;                    /* running mean and variance */
        return 0;
    case LAYER_SOFTMAX:
        if (!last || !is_vector) {
            snprintf(why, why_size, "softmax must be the last item, after a dense layer");
            return -1;
        }
        return 0;
    default:
        return 0;
    }
}

/* "dropout R" with the fewest digits that read back as the same rate
 * (%g keeps 6 digits: 0.1234567 would be saved as 0.123457, and the loaded
 * network would drop a different fraction than the trained one). */
static void rate_text(double rate, char *out, size_t size)
{
    for (int digits = 6; digits <= 17; digits++) {
        snprintf(out, size, "dropout %.*g", digits, rate);
        if (strtod(out + strlen("dropout "), NULL) == rate)
            return;
    }
}

/* The item's canonical text, as the spec in model files has it. */
static void item_text(const layer *l, char *out, size_t size)
{
    char stride[32] = "";
    int default_stride = l->kind == LAYER_CONV ? 1 : l->kernel;
    if (l->stride != default_stride)
        snprintf(stride, sizeof stride, " stride %d", l->stride);
    if (l->kind == LAYER_CONV)
        snprintf(out, size, "conv %d %d%s%s", l->units, l->kernel, l->same ? " same" : "", stride);
    else if (l->kind == LAYER_MAXPOOL || l->kind == LAYER_AVGPOOL)
        snprintf(out, size, "%s %d%s", layer_kind_name(l->kind), l->kernel, stride);
    else if (l->kind == LAYER_DENSE)
        snprintf(out, size, "dense %d", l->units);
    else if (l->kind == LAYER_DROPOUT)
        rate_text(l->rate, out, size);
    else
        snprintf(out, size, "%s", layer_kind_name(l->kind));
}

static int fail_item(char *err, size_t err_size, int item, const char *text, const char *why)
{
    snprintf(err, err_size, "item %d '%s': %s", item, text, why);
    return -1;
}

/* A layer that computes class scores from weights: a classifier needs one
 * (without it the output would be the input, or a pooled copy of it). */
static int has_weighted_layer(const sequential *m)
{
    for (int i = 0; i < m->n_layers; i++)
        if (m->layers[i].kind == LAYER_CONV || m->layers[i].kind == LAYER_DENSE)
            return 1;
    return 0;
}

/* The canonical text of every item into m->spec. Returns 0, or -1 when it
 * does not fit (32 items of the longest kind, "conv 4096 64 same stride 64",
 * do; 32 dropouts with 17-digit rates in exponent form would not). Nothing
 * is ever cut: a model file must say exactly what was trained. */
static int write_canonical_text(sequential *m, char *err, size_t err_size)
{
    size_t used = 0;
    for (int i = 0; i < m->n_layers; i++) {
        char one[64];
        item_text(&m->layers[i], one, sizeof one);
        int n = snprintf(m->spec + used, sizeof m->spec - used, "%s%s", i ? ", " : "", one);
        if (n < 0 || (size_t)n >= sizeof m->spec - used) {
            snprintf(err, err_size, "the network's canonical description is longer than %d characters",
                     SEQ_SPEC_MAX - 1);
            return -1;
        }
        used += (size_t)n;
    }
    return 0;
}

/* sequential_build without the final clean-up of its message. */
static int build(sequential *m, const char *spec, int in_c, int in_h, int in_w, char *err, size_t err_size)
{
    char text[SEQ_SPEC_MAX * 2], why[256];
    const char *preset = sequential_preset(spec);
    memset(m, 0, sizeof *m);
    if (preset)
        spec = preset;
    if (strlen(spec) >= sizeof text) {
        snprintf(err, err_size, "the network's description is longer than %zu characters", sizeof text - 1);
        return -1;
    }
    if (in_c < 1 || in_h < 1 || in_w < 1 || in_h > MAX_SIDE || in_w > MAX_SIDE || in_c > 4096
        || (long long)in_c * in_h * in_w > MAX_LAYER_NUMBERS) {
        snprintf(err, err_size, "input %dx%dx%d is not a sensible image", in_h, in_w, in_c);
        return -1;
    }
    m->in_c = in_c;
    m->in_h = in_h;
    m->in_w = in_w;
    snprintf(text, sizeof text, "%s", spec);
    int c = in_c, h = in_h, w = in_w, items = 0;
    for (char *item = text, *next; item; item = next) {      /* items are separated by commas */
        next = strchr(item, ',');
        if (next)
            *next++ = '\0';
        char copy[SEQ_SPEC_MAX * 2], *words[MAX_WORDS];
        snprintf(copy, sizeof copy, "%s", item + strspn(item, " \t\n"));      /* for messages */
        copy[strcspn(copy, "\n")] = '\0';
        for (size_t end = strlen(copy); end > 0 && (copy[end - 1] == ' ' || copy[end - 1] == '\t'); end--)
            copy[end - 1] = '\0';
        int n = split_words(item, words);
        items++;
        if (n == 0)
            return fail_item(err, err_size, items, copy, "empty: two commas in a row, or one at the end?");
        if (n < 0)
            return fail_item(err, err_size, items, copy, "too many words");
        if (m->n_layers == SEQ_MAX_LAYERS)
            return fail_item(err, err_size, items, copy, "too many layers (at most 32)");
        layer *l = &m->layers[m->n_layers];
        if (read_item(words, n, l, why, sizeof why) != 0)
            return fail_item(err, err_size, items, copy, why);
        l->in_c = c;
        l->in_h = h;
        l->in_w = w;
        if (shape_layer(l, next == NULL, why, sizeof why) != 0)
            return fail_item(err, err_size, items, copy, why);
        l->first_param = m->n_params;
        l->first_stat = m->n_stats;
        m->n_params += l->n_params;
        m->n_stats += l->n_stats;
        if (m->n_params > SEQ_MAX_PARAMS)
            return fail_item(err, err_size, items, copy, "the network has more than 200 million parameters");
        c = l->out_c;
        h = l->out_h;
        w = l->out_w;
        m->n_layers++;
    }
    if (h != 1 || w != 1 || c < 2) {
        snprintf(err, err_size, "the last layer gives %dx%dx%d: a classifier must end with 'dense N' (N >= 2 classes)",
                 h, w, c);
        return -1;
    }
    if (!has_weighted_layer(m)) {
        snprintf(err, err_size, "no layer computes class scores: a classifier needs a dense (or conv) layer, e.g. "
                 "end with 'flatten, dense 10'");
        return -1;
    }
    m->classes = c;
    return write_canonical_text(m, err, err_size);
}

/* A message that quotes the spec: its control bytes (a damaged model file's
 * description can hold any byte) written as \xNN, so the terminal shows
 * them instead of obeying them. */
static void escape_control_bytes(char *err, size_t err_size)
{
    char *copy = malloc(err_size);
    if (copy == NULL) {
        for (char *c = err; *c; c++)                          /* no room for escapes: '?' instead */
            if ((unsigned char)*c < 0x20 || (unsigned char)*c == 0x7f)
                *c = '?';
        return;
    }
    size_t k = 0;
    for (const char *c = err; *c && k + 5 < err_size; c++) {
        unsigned char b = (unsigned char)*c;
        if (b < 0x20 || b == 0x7f)
            k += (size_t)snprintf(copy + k, err_size - k, "\\x%02x", b);
        else
            copy[k++] = *c;
    }
    copy[k] = '\0';
    memcpy(err, copy, k + 1);
    free(copy);
}

int sequential_build(sequential *m, const char *spec, int in_c, int in_h, int in_w, char *err, size_t err_size)
{
    int rc = build(m, spec, in_c, in_h, in_w, err, err_size);
    if (rc != 0 && err != NULL && err_size > 0)
        escape_control_bytes(err, err_size);
    return rc;
}

long sequential_out_size(const layer *l)
{
    return (long)l->out_c * l->out_h * l->out_w;
}


/* ---------------------------------------------------------------- the summary table */

static int is_activation(layer_kind k)
{
    return k == LAYER_RELU || k == LAYER_SIGMOID || k == LAYER_TANH || k == LAYER_SOFTMAX;
}

/* Keras's name and type of a row: conv2d (Conv2D), conv2d_1, ... */
static void keras_name(const layer *l, int count, char *out, size_t size)
{
    static const struct {
        layer_kind kind;
        const char *name, *type;
    } names[] = {
        { LAYER_CONV, "conv2d", "Conv2D" },       { LAYER_MAXPOOL, "max_pooling2d", "MaxPooling2D" },
        { LAYER_AVGPOOL, "average_pooling2d", "AveragePooling2D" },
        { LAYER_DROPOUT, "dropout", "Dropout" },  { LAYER_BATCHNORM, "batch_normalization", "BatchNormalization" },
        { LAYER_FLATTEN, "flatten", "Flatten" },  { LAYER_DENSE, "dense", "Dense" },
    };
    const char *name = "activation", *type = "Activation";
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (names[i].kind == l->kind) {
            name = names[i].name;
            type = names[i].type;
        }
    char number[16] = "";
    if (count > 0)
        snprintf(number, sizeof number, "_%d", count);
    snprintf(out, size, "%s%s (%s)", name, number, type);
}

static void keras_shape(const layer *l, char *out, size_t size)
{
    if (l->out_h == 1 && l->out_w == 1)
        snprintf(out, size, "(None, %d)", l->out_c);
    else
        snprintf(out, size, "(None, %d, %d, %d)", l->out_h, l->out_w, l->out_c);
}

/* The name column: Keras's 34 characters, or wider for a long name. */
static int name_width(const sequential *m)
{
    int seen[LAYER_SOFTMAX + 1] = { 0 }, width = 34;
    char name[80];
    for (int i = 0; i < m->n_layers; i++) {
        layer_kind family = is_activation(m->layers[i].kind) ? LAYER_RELU : m->layers[i].kind;
        keras_name(&m->layers[i], seen[family]++, name, sizeof name);
        if ((int)strlen(name) + 2 > width)
            width = (int)strlen(name) + 2;
    }
    return width;
}

void sequential_summary(FILE *out, const sequential *m)
{
    int seen[LAYER_SOFTMAX + 1] = { 0 }, w = name_width(m);
    char name[80], shape[48], count[32], rule[128];
    memset(rule, '=', (size_t)w + 31);
    rule[w + 31] = '\0';
    fprintf(out, "%-*s%-22s%9s\n%s\n", w, "Layer (type)", "Output Shape", "Param #", rule);
    long frozen = 0;
    for (int i = 0; i < m->n_layers; i++) {
        const layer *l = &m->layers[i];
        layer_kind prev = i > 0 ? m->layers[i - 1].kind : LAYER_SOFTMAX;
        if (is_activation(l->kind) && l->kind != LAYER_SOFTMAX && (prev == LAYER_CONV || prev == LAYER_DENSE))
            continue;                       /* Keras: Conv2D(..., activation='relu') is one row */
        layer_kind family = is_activation(l->kind) ? LAYER_RELU : l->kind;
        keras_name(l, seen[family]++, name, sizeof name);
        keras_shape(l, shape, sizeof shape);
        long params = l->n_params + l->n_stats;  /* Keras counts batchnorm's moving mean and variance */
        frozen += l->n_stats;
        with_commas(params, count, sizeof count);
        fprintf(out, "%-*s%-22s%9s\n", w, name, shape, count);
    }
    with_commas(m->n_params + m->n_stats, count, sizeof count);
    fprintf(out, "%s\nTotal params: %s\n", rule, count);
    with_commas(m->n_params, count, sizeof count);
    fprintf(out, "Trainable params: %s\n", count);
    with_commas(frozen, count, sizeof count);
    fprintf(out, "Non-trainable params: %s\n", count);
}

/* ---------------------------------------------------------------- initial values */

/* The conv or dense layer after l, if any: is l the network's last one? */
static int is_last_weighted(const sequential *m, int l)
{
    for (int i = l + 1; i < m->n_layers; i++)
        if (m->layers[i].kind == LAYER_CONV || m->layers[i].kind == LAYER_DENSE)
            return 0;
    return 1;
}

void sequential_init(const sequential *m, real *params, real *stats, rng_t *rng)
{
    for (int i = 0; i < m->n_layers; i++) {
        const layer *l = &m->layers[i];
        real *p = params + l->first_param;
        if (l->kind == LAYER_CONV || l->kind == LAYER_DENSE) {
            int fan_in = l->kind == LAYER_CONV ? l->in_c * l->kernel * l->kernel : l->in_c;
            int weights = (int)(l->n_params - l->units);
            if (is_last_weighted(m, i))     /* feeds the softmax: small, so every class starts near 1/n */
                init_uniform_fan_in(rng, p, weights, fan_in);
            else                            /* feeds a ReLU: He (lesson 10) */
                init_he_normal(rng, p, weights, fan_in);
            tensor_fill(p + weights, (size_t)l->units, 0);
        } else if (l->kind == LAYER_BATCHNORM) {
            tensor_fill(p, (size_t)l->in_c, 1);                            /* gamma */
            tensor_fill(p + l->in_c, (size_t)l->in_c, 0);                  /* beta */
            tensor_fill(stats + l->first_stat, (size_t)l->in_c, 0);        /* running mean */
            tensor_fill(stats + l->first_stat + l->in_c, (size_t)l->in_c, 1); /* running variance */
        }
    }
}
