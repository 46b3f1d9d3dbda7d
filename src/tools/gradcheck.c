/* gradcheck: verify a gradient, the library's or your own, against central
 * differences.
 *
 *   build/gradcheck --layer conv --channels 2 --filters 3 --kernel 3 --stride 2 --pad 1
 *   build/gradcheck --layer conv --height 3 --width 3 --kernel 2 --x x.txt --w f.txt --dy do.txt
 *   build/gradcheck ... --mine my_dF.txt --wrt W      (your hand-derived numbers for one gradient;
 *                                                      the verdict last, the answer only with --show-answer)
 *   build/gradcheck --layer sigmoid --float            (the same check in float, and what to expect there)
 *   build/gradcheck --layer sigmoid --h-sweep          (the error against h)
 *   make gradcheck SRC=my_layer.c                      (your own layer: src/tools/gradcheck/my_layer.h)
 *
 * For a layer Y = f(X, W, b) the loss is the projection L = sum_i dY_i * Y_i
 * with a fixed dY (random from --seed, or --dy FILE), so dL/dY = dY: the
 * library's backward with that dY gives the analytic gradients, and
 * nudging each number of X, W, b by +-h and recomputing L gives the
 * numeric ones. Loss layers (softmax-ce, mse) and the network (convnet)
 * differentiate their own scalar loss. It compares with the relative error
 * of CS231n, |a - n| / max(1e-8, |a| + |n|), read in bands: <= 1e-7 good,
 * up to 1e-4 look closer, above wrong (src/gradcheck.h); a NaN is wrong.
 * An entry whose nudges x - h and x + h fall on two sides of a kink (a
 * ReLU input's sign, a max-pooling window's winner) and whose analytic
 * value is the slope on one side is labelled a kink and not counted.
 * A tensor larger than --max-entries is checked on a random sample and
 * one random projection. The tool is built with real = double, whatever
 * the trainer uses.
 * Notes: notes/gradcheck.md */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "activation.h"
#include "conv.h"
#include "convnet.h"
#include "dense.h"
#include "file_error.h"
#include "flags.h"
#include "gradcheck.h"
#include "gradcheck/my_layer.h"
#include "loss.h"
#include "pool.h"
#include "rng.h"
#include "tensor.h"

#ifndef REAL_DOUBLE
#error "build/gradcheck is built with -DREAL_DOUBLE: central differences need double"
#endif

static const char *program = "gradcheck";

#define MAX_TENSORS 4
#define SHOW_ENTRIES 64        /* entries printed per tensor */
#define MINE_RIGHT 1e-4        /* a hand-typed number within this relative error of the numeric one is right */

/* ---------------------------------------------------------------- the problem */

typedef struct {
    const char *name;          /* "X", "W", "b", ... */
    real *value, *grad;        /* the numbers, and the analytic dL/d(them) */
    int ndims, dims[4];
    long n;
} tensor;

typedef struct problem problem;
struct problem {
    const char *description;
    tensor t[MAX_TENSORS];     /* what is differentiated */
    int n_t;
    real *y, *dy;              /* a layer's output and the fixed dL/dY (ny = 0: a scalar loss) */
    long ny;
    int piecewise_linear;      /* no curvature: h can be large (only round-off) */
    double (*loss)(problem *);
    void (*backward)(problem *);    /* fills every t[i].grad */
    /* layer state */
    conv2d_shape conv;
    pool2d_shape pool;
    int *argmax, n_in, n_out, label, is_max;
    const char *layer;
    real *target, *scratch;
    convnet_arch arch;
    convnet_params params, grads;
    convnet_work work;
};

typedef struct {
    int layer;
    int channels, height, width, filters, kernel, stride, pad, pad_top, pad_bottom, pad_left, pad_right;
    int inputs, outputs, classes, label, h_sweep, show_answer, in_float, max_entries;
    long seed;
    double h;
    const char *x, *w, *b, *dy, *target, *mine, *wrt, *sweep_data;
} options;

enum { L_CONV, L_MAXPOOL, L_AVGPOOL, L_RELU, L_SIGMOID, L_TANH, L_DENSE, L_SOFTMAX_CE, L_MSE, L_CONVNET, L_MINE };

static void fail(const char *message)
{
    fprintf(stderr, "%s: %s\n", program, message);
    exit(1);
}

static void add_tensor(problem *p, const char *name, real *value, int ndims, const int *dims)
{
    tensor *t = &p->t[p->n_t++];
    t->name = name;
    t->value = value;
    t->ndims = ndims;
    t->n = 1;
    for (int d = 0; d < ndims; d++) {
        t->dims[d] = dims[d];
        t->n *= dims[d];
    }
    t->grad = tensor_alloc((size_t)t->n, name);
}

/* L = sum dY * Y after the forward pass that filled p->y. */
static double projection(const problem *p)
{
    double sum = 0;
    for (long i = 0; i < p->ny; i++)
        sum += (double)p->dy[i] * (double)p->y[i];
    return sum;
}

/* ---------------------------------------------------------------- layers: forward as a loss, backward */

static double conv_loss(problem *p)
{
    conv2d_forward(&p->conv, p->t[0].value, p->t[1].value, p->t[2].value, p->y);
    return projection(p);
}
static void conv_backward(problem *p)
{
    tensor_fill(p->t[1].grad, (size_t)p->t[1].n, 0);
    tensor_fill(p->t[2].grad, (size_t)p->t[2].n, 0);
    conv2d_backward(&p->conv, p->t[0].value, p->t[1].value, p->dy, p->t[1].grad, p->t[2].grad, p->t[0].grad);
}

static double pool_loss(problem *p)
{
    if (p->is_max)
        maxpool2d_forward(&p->pool, p->t[0].value, p->y, p->argmax);
    else
        avgpool2d_forward(&p->pool, p->t[0].value, p->y);
    return projection(p);
}
static void pool_backward(problem *p)
{
    if (p->is_max) {
        pool_loss(p);
        maxpool2d_backward(&p->pool, p->dy, p->argmax, p->t[0].grad);
    } else {
        avgpool2d_backward(&p->pool, p->dy, p->t[0].grad);
    }
}

static double activation_loss(problem *p)
{
    int n = (int)p->ny;
    if (strcmp(p->layer, "relu") == 0)
        relu_forward(p->t[0].value, p->y, n);
    else if (strcmp(p->layer, "sigmoid") == 0)
        sigmoid_forward(p->t[0].value, p->y, n);
    else
        tanh_forward(p->t[0].value, p->y, n);
    return projection(p);
}
static void activation_backward(problem *p)
{
    int n = (int)p->ny;
    activation_loss(p);
    if (strcmp(p->layer, "relu") == 0)
        relu_backward(p->t[0].value, p->dy, p->t[0].grad, n);
    else if (strcmp(p->layer, "sigmoid") == 0)
        sigmoid_backward(p->y, p->dy, p->t[0].grad, n);
    else
        tanh_backward(p->y, p->dy, p->t[0].grad, n);
}

static double dense_loss(problem *p)
{
    dense_forward(p->t[0].value, p->t[1].value, p->t[2].value, p->y, p->n_in, p->n_out);
    return projection(p);
}
static void dense_backward_all(problem *p)
{
    tensor_fill(p->t[1].grad, (size_t)p->t[1].n, 0);
    tensor_fill(p->t[2].grad, (size_t)p->t[2].n, 0);
    dense_backward(p->t[0].value, p->t[1].value, p->dy, p->t[1].grad, p->t[2].grad, p->t[0].grad, p->n_in, p->n_out);
}

static double softmax_ce_loss(problem *p)
{
    return softmax_cross_entropy(p->t[0].value, p->label, p->scratch, (int)p->t[0].n);
}
static void softmax_ce_backward(problem *p)
{
    softmax_cross_entropy(p->t[0].value, p->label, p->scratch, (int)p->t[0].n);
    softmax_cross_entropy_backward(p->scratch, p->label, p->t[0].grad, (int)p->t[0].n);
}

static double mse_loss_of(problem *p)
{
    return mse_loss(p->t[0].value, p->target, (int)p->t[0].n);
}
static void mse_backward_of(problem *p)
{
    mse_backward(p->t[0].value, p->target, p->t[0].grad, (int)p->t[0].n);
}

static double convnet_loss_of(problem *p)
{
    convnet_forward(&p->arch, &p->params, &p->work, p->scratch);
    return convnet_loss(&p->arch, &p->work, p->label);
}
static void convnet_backward_of(problem *p)
{
    tensor_fill(p->grads.all, (size_t)p->arch.n_params, 0);
    convnet_forward(&p->arch, &p->params, &p->work, p->scratch);
    convnet_backward(&p->arch, &p->params, &p->work, p->scratch, p->label, &p->grads);
}

static double mine_loss(problem *p)
{
    my_layer_forward(p->t[0].value, p->n_t > 1 ? p->t[1].value : NULL, p->y);
    return projection(p);
}
static void mine_backward(problem *p)
{
    my_layer_backward(p->t[0].value, p->n_t > 1 ? p->t[1].value : NULL, p->dy, p->t[0].grad,
                      p->n_t > 1 ? p->t[1].grad : NULL);
}

/* ---------------------------------------------------------------- numbers from files */

/* The whole file, into a new '\0'-terminated buffer (*length bytes before the '\0'). */
static char *read_whole_file(const char *path, size_t *length)
{
    char msg[1024];
    FILE *f = open_regular_file(path, "rb", "a file of numbers", msg, sizeof msg);   /* a FIFO: refused, not waited on */
    if (!f)
        fail(msg);
    size_t cap = 4096, used = 0;
    char *text = malloc(cap);
    for (;;) {
        if (!text) {
            fclose(f);
            fail("out of memory reading numbers");
        }
        used += fread(text + used, 1, cap - used - 1, f);
        if (used < cap - 1)
            break;
        char *bigger = realloc(text, cap *= 2);
        if (!bigger)
            free(text);
        text = bigger;
    }
    int read_error = ferror(f);
    fclose(f);
    if (read_error) {
        free(text);
        snprintf(msg, sizeof msg, "%s: read error", path);
        fail(msg);
    }
    text[used] = '\0';
    *length = used;
    return text;
}

/* Every number of a text file (src/gradcheck.h says what it may hold),
 * into a new array; *shape_count is the product of its "shape A B ..."
 * line, or -1 without one. Exits with one line naming the file and the
 * line on any problem. */
static real *read_all_numbers(const char *path, long *count, long *shape_count)
{
    size_t length;
    char *text = read_whole_file(path, &length), err[512], msg[1024];
    double *numbers;
    int rc = gradcheck_parse_numbers(text, length, &numbers, count, shape_count, err, sizeof err);
    free(text);
    if (rc != 0) {
        snprintf(msg, sizeof msg, "%s, %s", path, err);
        fail(msg);
    }
    real *v = checked_calloc((size_t)(*count > 0 ? *count : 1), sizeof(real), "numbers");
    for (long i = 0; i < *count; i++)
        v[i] = (real)numbers[i];
    free(numbers);
    return v;
}

/* The numbers of path into dst, exactly t->n of them (`what` names the tensor). */
static void read_numbers(const char *path, real *dst, const tensor *t, const char *what)
{
    long count, shape_count;
    char msg[1024];
    real *v = read_all_numbers(path, &count, &shape_count);
    if (shape_count >= 0 && shape_count != t->n) {
        snprintf(msg, sizeof msg, "%s: its shape line says %ld numbers, but %s has %ld", path, shape_count, what, t->n);
        fail(msg);
    }
    if (count != t->n) {
        snprintf(msg, sizeof msg, "%s: %ld numbers, but %s needs %ld", path, count, what, t->n);
        fail(msg);
    }
    memcpy(dst, v, (size_t)count * sizeof(real));
    free(v);
}

static void describe_shape(const tensor *t, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int d = 0; d < t->ndims && used < size; d++)
        used += (size_t)snprintf(buf + used, size - used, "%s%d", d ? "x" : "", t->dims[d]);
}

/* Random numbers, or the file's, into tensor t. */
static void fill(tensor *t, const char *file, rng_t *rng)
{
    char what[96], shape[48];
    describe_shape(t, shape, sizeof shape);
    snprintf(what, sizeof what, "%s (%s)", t->name, shape);
    if (file)
        read_numbers(file, t->value, t, what);
    else
        for (long i = 0; i < t->n; i++)
            t->value[i] = (real)rng_normal(rng);
}

/* ---------------------------------------------------------------- building the problem */

static void need(int ok, const char *message)
{
    if (!ok)
        fail(message);
}

static real *alloc_output(problem *p, long n)
{
    p->ny = n;
    p->y = tensor_alloc((size_t)n, "Y");
    p->dy = tensor_alloc((size_t)n, "dY");
    return p->y;
}

static void set_up_conv(problem *p, const options *o)
{
    int top = o->pad_top >= 0 ? o->pad_top : o->pad, bottom = o->pad_bottom >= 0 ? o->pad_bottom : o->pad;
    int left = o->pad_left >= 0 ? o->pad_left : o->pad, right = o->pad_right >= 0 ? o->pad_right : o->pad;
    char msg[256];
    if (conv2d_setup_asym(&p->conv, o->channels, o->height, o->width, o->filters, o->kernel, o->stride, top, bottom,
                          left, right) != 0) {
        snprintf(msg, sizeof msg, "--kernel %d --stride %d with padding %d/%d/%d/%d does not tile a %dx%d input: "
                 "(size + pads - kernel) must be >= 0 and divisible by the stride", o->kernel, o->stride, top, bottom,
                 left, right, o->height, o->width);
        fail(msg);
    }
    int xd[3] = { o->channels, o->height, o->width }, wd[4] = { o->filters, o->channels, o->kernel, o->kernel };
    int bd[1] = { o->filters };
    add_tensor(p, "X", tensor_alloc((size_t)o->channels * o->height * o->width, "X"), 3, xd);
    add_tensor(p, "W", tensor_alloc((size_t)conv2d_weight_count(&p->conv), "W"), 4, wd);
    add_tensor(p, "b", tensor_alloc((size_t)o->filters, "b"), 1, bd);
    alloc_output(p, conv2d_output_count(&p->conv));
    p->loss = conv_loss;
    p->backward = conv_backward;
    p->piecewise_linear = 1;
}

static void set_up_pool(problem *p, const options *o, int is_max)
{
    char msg[200];
    if (pool2d_setup(&p->pool, o->channels, o->height, o->width, o->kernel, o->stride) != 0) {
        snprintf(msg, sizeof msg, "a %dx%d window with stride %d does not tile a %dx%d input", o->kernel, o->kernel,
                 o->stride, o->height, o->width);
        fail(msg);
    }
    int xd[3] = { o->channels, o->height, o->width };
    add_tensor(p, "X", tensor_alloc((size_t)o->channels * o->height * o->width, "X"), 3, xd);
    alloc_output(p, pool2d_output_count(&p->pool));
    p->argmax = checked_calloc((size_t)p->ny, sizeof(int), "argmax");
    p->is_max = is_max;
    p->loss = pool_loss;
    p->backward = pool_backward;
    p->piecewise_linear = 1;
}

static void set_up_dense(problem *p, const options *o)
{
    int xd[1] = { o->inputs }, wd[2] = { o->inputs, o->outputs }, bd[1] = { o->outputs };
    p->n_in = o->inputs;
    p->n_out = o->outputs;
    add_tensor(p, "X", tensor_alloc((size_t)o->inputs, "X"), 1, xd);
    add_tensor(p, "W", tensor_alloc((size_t)o->inputs * o->outputs, "W"), 2, wd);
    add_tensor(p, "b", tensor_alloc((size_t)o->outputs, "b"), 1, bd);
    alloc_output(p, o->outputs);
    p->loss = dense_loss;
    p->backward = dense_backward_all;
    p->piecewise_linear = 1;
}

static void set_up_convnet(problem *p, const options *o, rng_t *rng)
{
    char err[256], msg[400];
    if (convnet_arch_setup(&p->arch, o->height, o->width, o->filters, o->kernel, o->classes, err, sizeof err) != 0) {
        snprintf(msg, sizeof msg, "--layer convnet: %s", err);
        fail(msg);
    }
    need(o->label < o->classes, "--label must be below --classes");
    convnet_params_alloc(&p->arch, &p->params);
    convnet_params_alloc(&p->arch, &p->grads);
    convnet_work_alloc(&p->arch, &p->work);
    convnet_init(&p->arch, &p->params, rng);
    for (long i = 0; i < p->arch.n_params; i++)   /* He init keeps the biases 0: move them off it */
        p->params.all[i] += (real)(0.01 * rng_normal(rng));
    p->scratch = tensor_alloc((size_t)o->height * o->width, "image");
    for (long i = 0; i < (long)o->height * o->width; i++)
        p->scratch[i] = (real)rng_uniform(rng);
    int cw[4] = { o->filters, 1, o->kernel, o->kernel }, cb[1] = { o->filters };
    int dw[2] = { p->arch.flat, o->classes }, db[1] = { o->classes };
    const int *dims[4] = { cw, cb, dw, db };
    static const char *names[4] = { "conv W", "conv b", "dense W", "dense b" };
    real *values[4] = { p->params.conv_w, p->params.conv_b, p->params.dense_w, p->params.dense_b };
    real *grads[4] = { p->grads.conv_w, p->grads.conv_b, p->grads.dense_w, p->grads.dense_b };
    int nd[4] = { 4, 1, 2, 1 };
    for (int i = 0; i < 4; i++) {
        add_tensor(p, names[i], values[i], nd[i], dims[i]);
        free(p->t[i].grad);
        p->t[i].grad = grads[i];      /* convnet_backward adds into the block */
    }
    p->label = o->label;
    p->loss = convnet_loss_of;
    p->backward = convnet_backward_of;
}

static void set_up(problem *p, const options *o, rng_t *rng)
{
    static const char *names[] = { "conv", "maxpool", "avgpool", "relu", "sigmoid", "tanh", "dense", "softmax-ce",
                                   "mse", "convnet", "mine" };
    p->layer = names[o->layer];
    int xd[3] = { o->channels, o->height, o->width };
    long n = (long)o->channels * o->height * o->width;
    switch (o->layer) {
    case L_CONV: set_up_conv(p, o); break;
    case L_MAXPOOL: set_up_pool(p, o, 1); break;
    case L_AVGPOOL: set_up_pool(p, o, 0); break;
    case L_RELU: case L_SIGMOID: case L_TANH:
        add_tensor(p, "X", tensor_alloc((size_t)n, "X"), 3, xd);
        alloc_output(p, n);
        p->loss = activation_loss;
        p->backward = activation_backward;
        p->piecewise_linear = o->layer == L_RELU;
        break;
    case L_DENSE: set_up_dense(p, o); break;
    case L_SOFTMAX_CE: {
        int zd[1] = { o->classes };
        need(o->label < o->classes, "--label must be below --classes");
        add_tensor(p, "Z", tensor_alloc((size_t)o->classes, "Z"), 1, zd);
        p->scratch = tensor_alloc((size_t)o->classes, "p");
        p->label = o->label;
        p->loss = softmax_ce_loss;
        p->backward = softmax_ce_backward;
        break;
    }
    case L_MSE: {
        int od[1] = { o->outputs };
        add_tensor(p, "O", tensor_alloc((size_t)o->outputs, "O"), 1, od);
        p->target = tensor_alloc((size_t)o->outputs, "target");
        p->loss = mse_loss_of;
        p->backward = mse_backward_of;
        break;
    }
    case L_CONVNET: set_up_convnet(p, o, rng); return;
    case L_MINE: {
        int in[1] = { my_layer.n_in }, pd[1] = { my_layer.n_params };
        need(my_layer.n_in >= 1 && my_layer.n_out >= 1 && my_layer.n_params >= 0,
             "my_layer: n_in and n_out must be >= 1 and n_params >= 0");
        add_tensor(p, "x", tensor_alloc((size_t)my_layer.n_in, "x"), 1, in);
        if (my_layer.n_params > 0)
            add_tensor(p, "params", tensor_alloc((size_t)my_layer.n_params, "params"), 1, pd);
        alloc_output(p, my_layer.n_out);
        p->loss = mine_loss;
        p->backward = mine_backward;
        break;
    }
    }
    const char *files[3] = { o->x, o->w, o->b };
    for (int i = 0; i < p->n_t; i++)
        fill(&p->t[i], i < 3 ? files[i] : NULL, rng);
    if (p->ny > 0) {
        tensor dy = { "dY", p->dy, NULL, 1, { (int)p->ny }, p->ny };
        if (o->layer == L_CONV)
            dy = (tensor){ "dY", p->dy, NULL, 3, { p->conv.out_c, p->conv.out_h, p->conv.out_w }, p->ny };
        fill(&dy, o->dy, rng);
    }
    if (p->target) {
        tensor target = { "target", p->target, NULL, 1, { o->outputs }, o->outputs };
        fill(&target, o->target, rng);
    }
}

/* ---------------------------------------------------------------- checking */

static double loss_of(void *ctx)
{
    problem *p = ctx;
    return p->loss(p);
}

/* The step h, and why. */
static double choose_h(const problem *p, const options *o, char *why, size_t size)
{
    if (o->h > 0) {
        snprintf(why, size, "given with --h");
        return o->h;
    }
    if (p->piecewise_linear) {
        snprintf(why, size, "the layer is linear in each number between kinks, so a central difference has no "
                 "truncation error, only round-off, which shrinks as h grows (lesson 02)");
        return 1e-3;
    }
    snprintf(why, size, "it balances truncation (about h^2) against round-off (about 1e-16/h) in double");
    return GRADCHECK_STEP;
}

/* numeric[e] for entry which[e] of tensor t, e < n. */
static void numeric_gradient(problem *p, tensor *t, const long *which, long n, double h, double *numeric)
{
    for (long e = 0; e < n; e++)
        numeric[e] = numeric_derivative(&t->value[which[e]], loss_of, p, h);
}

static void index_text(const tensor *t, long i, char *buf, size_t size)
{
    long coord[4];
    size_t used = 0;
    for (int d = t->ndims - 1; d >= 0; d--) {
        coord[d] = i % t->dims[d];
        i /= t->dims[d];
    }
    buf[0] = '\0';
    for (int d = 0; d < t->ndims && used < size; d++)
        used += (size_t)snprintf(buf + used, size - used, "[%ld]", coord[d]);
}

/* ---------------------------------------------------------------- kinks */

/* The choices the forward pass just made, one int each: the sign of every
 * ReLU input, the winner of every max-pooling window. Two forward passes
 * whose choices differ lie on different pieces of a piecewise function.
 * Returns how many (0: the layer has no kink we can see inside). */
static long kink_state(const problem *p, int *state)
{
    long n = 0;
    if (strcmp(p->layer, "relu") == 0)
        for (long i = 0; i < p->t[0].n; i++)
            state[n++] = p->t[0].value[i] > 0;
    else if (strcmp(p->layer, "maxpool") == 0)
        for (long i = 0; i < p->ny; i++)
            state[n++] = p->argmax[i];
    else if (strcmp(p->layer, "convnet") == 0) {
        long cells = (long)p->arch.conv.out_c * p->arch.conv.out_h * p->arch.conv.out_w;
        for (long i = 0; i < cells; i++)
            state[n++] = p->work.conv[i] > 0;
        for (long i = 0; i < p->arch.flat; i++)
            state[n++] = p->work.argmax[i];
    }
    return n;
}

static long kink_state_size(const problem *p)
{
    if (strcmp(p->layer, "relu") == 0)
        return p->t[0].n;
    if (strcmp(p->layer, "maxpool") == 0)
        return p->ny;
    if (strcmp(p->layer, "convnet") == 0)
        return (long)p->arch.conv.out_c * p->arch.conv.out_h * p->arch.conv.out_w + p->arch.flat;
    return 0;
}

/* Where choice k of kink_state is, in words. */
static void describe_kink(const problem *p, long k, char *buf, size_t size)
{
    char index[48];
    if (strcmp(p->layer, "relu") == 0) {
        index_text(&p->t[0], k, index, sizeof index);
        snprintf(buf, size, "ReLU's corner at X%s", index);
    } else if (strcmp(p->layer, "maxpool") == 0) {
        tensor y = { "Y", NULL, NULL, 3, { p->pool.c, p->pool.out_h, p->pool.out_w }, p->ny };
        index_text(&y, k, index, sizeof index);
        snprintf(buf, size, "a tie of max pooling: which input wins window Y%s", index);
    } else {
        long cells = (long)p->arch.conv.out_c * p->arch.conv.out_h * p->arch.conv.out_w;
        tensor c = { "C", NULL, NULL, 3, { p->arch.conv.out_c, p->arch.conv.out_h, p->arch.conv.out_w }, cells };
        tensor pl = { "P", NULL, NULL, 3, { p->arch.pool.c, p->arch.pool.out_h, p->arch.pool.out_w }, p->arch.flat };
        if (k < cells) {
            index_text(&c, k, index, sizeof index);
            snprintf(buf, size, "ReLU's corner at the conv output C%s", index);
        } else {
            index_text(&pl, k - cells, index, sizeof index);
            snprintf(buf, size, "a tie of max pooling: which input wins window P%s", index);
        }
    }
}

#define KINK_SIDE 1e-4   /* a value within this relative error of a one-sided slope is that slope */

/* What nudging entry i of t by +-h shows about a kink near it. */
typedef struct {
    int straddles;          /* x - h and x + h lie on different pieces */
    double left, right;     /* the one-sided slopes (L(x) - L(x-h)) / h and (L(x+h) - L(x)) / h */
    char where[160];        /* the kink, in words */
} kink_probe;

static kink_probe probe_kink(problem *p, tensor *t, long i, double h)
{
    kink_probe k = { 0, 0, 0, "" };
    long n = kink_state_size(p);
    int *plus = n ? checked_calloc((size_t)n, sizeof(int), "kink state") : NULL;
    int *minus = n ? checked_calloc((size_t)n, sizeof(int), "kink state") : NULL;
    real saved = t->value[i];
    double at = p->loss(p);
    t->value[i] = (real)(saved + h);
    double up = p->loss(p);
    kink_state(p, plus);
    t->value[i] = (real)(saved - h);
    double down = p->loss(p);
    kink_state(p, minus);
    t->value[i] = saved;
    p->loss(p);                                        /* the forward state of x itself again */
    k.left = (at - down) / h;
    k.right = (up - at) / h;
    if (n) {
        for (long j = 0; j < n && !k.straddles; j++)
            if (plus[j] != minus[j]) {
                k.straddles = 1;
                describe_kink(p, j, k.where, sizeof k.where);
            }
    } else if (relative_error(k.left, k.right) > KINK_SIDE) {   /* a layer we cannot see inside */
        k.straddles = 1;
        snprintf(k.where, sizeof k.where, "a point where the slope jumps (left %.6g, right %.6g)", k.left, k.right);
    }
    free(plus);
    free(minus);
    return k;
}

/* 1 when value is the slope on one side of a kink that x +- h straddles:
 * a kink, not a bug (a value that is neither is a bug, kink or not). */
static int is_kink(problem *p, tensor *t, long i, double h, double value, kink_probe *k)
{
    *k = probe_kink(p, t, i, h);
    return k->straddles && (relative_error(value, k->left) <= KINK_SIDE || relative_error(value, k->right) <= KINK_SIDE);
}

/* ---------------------------------------------------------------- the library's gradient, reported */

/* Which entries of t to check: all, or (more than --max-entries) a random sample. */
static long *entries_to_check(const tensor *t, const options *o, rng_t *rng, long *n)
{
    long *which = checked_calloc((size_t)(t->n < o->max_entries ? t->n : o->max_entries), sizeof(long), "entries");
    if (t->n <= o->max_entries) {
        for (long i = 0; i < t->n; i++)
            which[i] = i;
        *n = t->n;
        return which;
    }
    for (long i = 0; i < o->max_entries; i++)           /* without repeats: stride through a random start */
        which[i] = (long)(((double)i + rng_uniform(rng)) * (double)t->n / o->max_entries);
    *n = o->max_entries;
    return which;
}

/* The analytic gradient against central differences at the given entries:
 * a table of the first ones, each kink labelled, the summary line (kinks
 * left out). Returns the worst relative error of the rest; *kinks counts
 * the kinks. */
static double report_tensor(problem *p, tensor *t, const long *which, long n, const double *numeric, double h,
                            long *kinks)
{
    char shape[48], index[48];
    describe_shape(t, shape, sizeof shape);
    printf("\ndL/d%s (%s):\n  %-16s %16s %16s %10s\n", t->name, shape, "index", "analytic", "numeric", "rel error");
    gradcheck_result r = { t->name, t->ndims, { 1, 1, 1, 1 }, n, 0, which[0], (double)t->grad[which[0]], numeric[0] };
    for (int d = 0; d < t->ndims; d++)
        r.dims[d] = t->dims[d];
    *kinks = 0;
    for (long e = 0; e < n; e++) {
        long i = which[e];
        double a = (double)t->grad[i], rel = relative_error(a, numeric[e]);
        kink_probe k;
        int kink = rel > GRADCHECK_GOOD && is_kink(p, t, i, h, a, &k);
        index_text(t, i, index, sizeof index);
        if (e < SHOW_ENTRIES || kink)
            printf("  %-16s %16.8f %16.8f %10.1e%s%s\n", index, a, numeric[e], rel,
                   kink ? "   kink: the finite difference straddles " : "", kink ? k.where : "");
        if (e == SHOW_ENTRIES && n > SHOW_ENTRIES)
            printf("  ... %ld more entries (their worst is in the line below; kinks among them are shown)\n",
                   n - SHOW_ENTRIES);
        if (kink) {
            ++*kinks;
            continue;
        }
        if (rel > r.max_rel_error || e == *kinks) {           /* the first entry that is no kink, or worse */
            r.max_rel_error = rel;
            r.worst_index = i;
            r.analytic = a;
            r.numeric = numeric[e];
        }
    }
    gradcheck_print(stdout, &r);
    if (*kinks)
        printf("  %ld of %ld entries straddle a kink: there the central difference averages two slopes, and the "
               "analytic value is the slope on one side; they are left out of the line above\n", *kinks, n);
    return r.max_rel_error;
}

/* JAX's check for a large tensor: the derivative along one random
 * direction v, numeric (L(t + h v) - L(t - h v)) / 2h against sum_i g_i v_i. */
static double random_projection(problem *p, tensor *t, double h, rng_t *rng)
{
    real *saved = tensor_alloc((size_t)t->n, "saved");
    double *v = checked_calloc((size_t)t->n, sizeof(double), "direction"), analytic = 0, norm = 0;
    for (long i = 0; i < t->n; i++) {
        v[i] = rng_normal(rng);
        norm += v[i] * v[i];
    }
    norm = sqrt(norm);
    for (long i = 0; i < t->n; i++) {
        v[i] /= norm;
        analytic += (double)t->grad[i] * v[i];
        saved[i] = t->value[i];
    }
    for (long i = 0; i < t->n; i++)
        t->value[i] = (real)(saved[i] + h * v[i]);
    double up = p->loss(p);
    for (long i = 0; i < t->n; i++)
        t->value[i] = (real)(saved[i] - h * v[i]);
    double down = p->loss(p);
    memcpy(t->value, saved, (size_t)t->n * sizeof(real));
    p->loss(p);
    double numeric = (up - down) / (2 * h), rel = relative_error(analytic, numeric);
    printf("  %s: one random projection (a unit direction v drawn at random, as JAX's check_grads does): "
           "g.v %+.8f, numeric %+.8f, rel error %.1e %s\n", t->name, analytic, numeric, rel, gradcheck_band(rel));
    free(saved);
    free(v);
    return rel;
}

/* ---------------------------------------------------------------- --mine: the usual mistakes */

static int all_near(const real *mine, const double *want, long n)
{
    for (long i = 0; i < n; i++)
        if (!(relative_error((double)mine[i], want[i]) <= MINE_RIGHT))
            return 0;
    return 1;
}

/* want[i] = the entry of g with the last two axes transposed (rotate 0; square
 * slices only, h == w) or each (h, w) slice rotated 180 degrees (rotate 1). */
static void rearranged(const tensor *t, const double *g, double *want, int rotate)
{
    int h = t->ndims >= 2 ? t->dims[t->ndims - 2] : 1, w = t->dims[t->ndims - 1];
    long slices = t->n / ((long)h * w);
    for (long s = 0; s < slices; s++)
        for (int r = 0; r < h; r++)
            for (int c = 0; c < w; c++) {
                long from = s * h * w + (rotate ? (long)(h - 1 - r) * w + (w - 1 - c) : (long)c * w + r);
                want[s * h * w + (long)r * w + c] = g[from];
            }
}

/* The conv layer's gradient `which` (0: X, 1: W) with the kernel (for X) or
 * dL/dO (for W) rotated: what a student who rotates the wrong thing gets. */
static void conv_with_rotation(problem *p, int which, double *want)
{
    const conv2d_shape *s = &p->conv;
    long nw = p->t[1].n, nx = p->t[0].n;
    real *w = tensor_alloc((size_t)nw, "W"), *dy = tensor_alloc((size_t)p->ny, "dY");
    real *dw = tensor_alloc((size_t)nw, "dW"), *db = tensor_alloc((size_t)s->out_c, "db");
    real *dx = tensor_alloc((size_t)nx, "dX");
    double *tmp = checked_calloc((size_t)(nw > p->ny ? nw : p->ny), sizeof(double), "tmp");
    double *src = checked_calloc((size_t)(nw > p->ny ? nw : p->ny), sizeof(double), "src");
    tensor wt = p->t[1], dyt = { "dY", dy, NULL, 3, { s->out_c, s->out_h, s->out_w }, p->ny };
    for (long i = 0; i < nw; i++)
        src[i] = (double)p->t[1].value[i];
    rearranged(&wt, src, tmp, 1);
    for (long i = 0; i < nw; i++)
        w[i] = which == 0 ? (real)tmp[i] : p->t[1].value[i];
    for (long i = 0; i < p->ny; i++)
        src[i] = (double)p->dy[i];
    rearranged(&dyt, src, tmp, 1);
    for (long i = 0; i < p->ny; i++)
        dy[i] = which == 1 ? (real)tmp[i] : p->dy[i];
    conv2d_backward(s, p->t[0].value, w, dy, dw, db, dx);
    for (long i = 0; i < (which == 0 ? nx : nw); i++)
        want[i] = (double)(which == 0 ? dx[i] : dw[i]);
    free(w), free(dy), free(dw), free(db), free(dx), free(tmp), free(src);
}

/* Name the usual mistake whose pattern `mine` fits, or say nothing. */
static void diagnose_mine(problem *p, const tensor *t, const real *mine, const double *right)
{
    double *want = checked_calloc((size_t)t->n, sizeof(double), "pattern");
    long big = 0;
    for (long i = 1; i < t->n; i++)
        big = fabs(right[i]) > fabs(right[big]) ? i : big;
    for (long i = 0; i < t->n; i++)
        want[i] = -right[i];
    if (all_near(mine, want, t->n))
        printf("likely mistake: the sign is flipped: every entry is minus the right one\n");
    double ratio = right[big] != 0 ? (double)mine[big] / right[big] : 0;
    double k = ratio >= 1 ? round(ratio) : (ratio > 0 ? round(1 / ratio) : 0);
    if (k >= 2) {
        for (long i = 0; i < t->n; i++)
            want[i] = ratio >= 1 ? right[i] * k : right[i] / k;
        if (all_near(mine, want, t->n))
            printf("likely mistake: every entry is %s %.0f: off by the batch size? (a sum where a mean belongs, "
                   "or a mean taken twice)\n", ratio >= 1 ? "times" : "divided by", k);
    }
    if (t->ndims >= 2 && t->dims[t->ndims - 2] == t->dims[t->ndims - 1]) {   /* only a square slice transposes in place */
        rearranged(t, right, want, 0);
        if (!all_near(mine, right, t->n) && all_near(mine, want, t->n))
            printf("likely mistake: transposed: your (i, j) is the right (j, i)\n");
    }
    if (t->ndims >= 2) {
        rearranged(t, right, want, 1);
        if (!all_near(mine, right, t->n) && all_near(mine, want, t->n))
            printf("likely mistake: rotated by 180 degrees: your (i, j) is the right (h-1-i, w-1-j)\n");
    }
    if (strcmp(p->layer, "conv") == 0 && (t == &p->t[0] || t == &p->t[1])) {
        conv_with_rotation(p, t == &p->t[0] ? 0 : 1, want);
        if (!all_near(mine, right, t->n) && all_near(mine, want, t->n))
            printf(t == &p->t[0]
                       ? "likely mistake: the kernel was not rotated: dL/dX is the full convolution of the "
                         "180-degree-rotated kernel with dL/dO (lesson 06)\n"
                       : "likely mistake: dL/dO was rotated (or the kernel's rotation was carried over): "
                         "dL/dF = conv(X, dL/dO) slides dL/dO over X as it is (lesson 06)\n");
    }
    free(want);
}

/* The file holds the wrong number of entries: say so, and why when the count fits a known mistake. */
static void wrong_count(const problem *p, const tensor *t, const char *path, long count)
{
    char msg[1024], shape[48];
    describe_shape(t, shape, sizeof shape);
    const conv2d_shape *s = &p->conv;
    long undilated = (long)s->in_c * (s->out_h + s->k_h - 1) * (s->out_w + s->k_w - 1);
    if (strcmp(p->layer, "conv") == 0 && t == &p->t[0] && s->stride > 1 && count == undilated)
        snprintf(msg, sizeof msg, "%s: %ld numbers, but dL/dX (%s) has %ld: that is the size of a full convolution of "
                 "dL/dO as it is; with stride %d, dilate dL/dO first (%d zeros between its entries), then the full "
                 "convolution gives X's size (lesson 06)", path, count, shape, t->n, s->stride, s->stride - 1);
    else
        snprintf(msg, sizeof msg, "%s: %ld numbers, but dL/d%s (%s) has %ld", path, count, t->name, shape, t->n);
    fail(msg);
}

static tensor *find_tensor(problem *p, const char *name)
{
    for (int i = 0; i < p->n_t; i++)
        if (strcmp(p->t[i].name, name) == 0)
            return &p->t[i];
    char msg[256], names[128] = "";
    for (int i = 0; i < p->n_t; i++) {
        strncat(names, i ? ", " : "", sizeof names - strlen(names) - 1);
        strncat(names, p->t[i].name, sizeof names - strlen(names) - 1);
    }
    snprintf(msg, sizeof msg, "--wrt '%s': --layer %s has %s", name, p->layer, names);
    fail(msg);
    return NULL;
}

/* The --mine file, read and sized up before anything is printed. */
static real *read_mine(const problem *p, const options *o, const tensor *t)
{
    long count, shape_count;
    char msg[1024];
    real *mine = read_all_numbers(o->mine, &count, &shape_count);
    if (count != t->n)
        wrong_count(p, t, o->mine, count);
    if (shape_count >= 0 && shape_count != t->n) {
        snprintf(msg, sizeof msg, "%s: its shape line says %ld numbers, but dL/d%s has %ld", o->mine, shape_count,
                 t->name, t->n);
        fail(msg);
    }
    return mine;
}

/* --mine: the user's numbers for one gradient, entry by entry, against the
 * central difference (at a kink, against the slope on either side). The
 * right numbers are printed only with --show-answer. Returns how many
 * entries are right. */
static long check_mine(problem *p, const options *o, tensor *t, real *mine, const double *numeric, double h,
                       long *kinks)
{
    char index[48];
    long right = 0;
    *kinks = 0;
    printf("\nYour dL/d%s (%s), entry by entry, against the central difference:\n", t->name, o->mine);
    for (long i = 0; i < t->n; i++) {
        kink_probe k = probe_kink(p, t, i, h);
        double v = (double)mine[i];
        /* across a kink the central difference averages two slopes: the right value is one of them */
        int ok = k.straddles ? relative_error(v, k.left) <= MINE_RIGHT || relative_error(v, k.right) <= MINE_RIGHT
                             : relative_error(v, numeric[i]) <= MINE_RIGHT;
        index_text(t, i, index, sizeof index);
        right += ok;
        *kinks += ok && k.straddles;
        printf("  %-16s yours %14.8g   ", index, v);
        if (ok && k.straddles)
            printf("right: the slope on one side of a kink (the finite difference straddles %s)\n", k.where);
        else if (ok)
            printf("right\n");
        else if (k.straddles && o->show_answer)
            printf("WRONG: at a kink (the finite difference straddles %s), the slopes on its two sides are %.8g "
                   "and %.8g\n", k.where, k.left, k.right);
        else if (o->show_answer)
            printf("WRONG: the central difference says %.8g\n", numeric[i]);
        else
            printf("WRONG%s\n", k.straddles ? " (at a kink: neither side's slope)" : "");
    }
    return right;
}

/* ---------------------------------------------------------------- --float */

/* float's step: its round-off (eps 6e-8) is 5e8 times double's, so the
 * best h is about 100 times larger (eps^(1/3) for a central difference). */
#define FLOAT_STEP 1e-3
#define FLOAT_EXPECT 1e-2      /* CS231n's notes: a correct gradient in float can show up to this */

static double numeric_float(problem *p, real *element, double h);

/* The same check again with float's rounding; prints it beside double's. */
static void float_rerun(problem *p, tensor *only, double worst_double)
{
    double worst = 0;
    char where[96] = "";
    for (int k = 0; k < p->n_t; k++) {
        tensor *t = &p->t[k];
        if (only && t != only)
            continue;
        for (long i = 0; i < t->n; i++) {
            double rel = relative_error((double)t->grad[i], numeric_float(p, &t->value[i], FLOAT_STEP));
            if (rel > worst) {
                char index[48];
                worst = rel;
                index_text(t, i, index, sizeof index);
                snprintf(where, sizeof where, " at %s%s", t->name, index);
            }
        }
    }
    printf("\n--float: the same check in float (every nudged number and every loss rounded to float, h = %g):\n"
           "  worst relative error %.1e%s, against %.1e in double; in float a correct gradient can show up to "
           "%.0e (CS231n's notes), so an error up to there is float's rounding, not a bug\n",
           FLOAT_STEP, worst, where, worst_double, FLOAT_EXPECT);
}

/* ---------------------------------------------------------------- --h-sweep */

/* The same central difference with the nudged number and the loss rounded
 * to float: where float's round-off comes from. */
static double numeric_float(problem *p, real *element, double h)
{
    real saved = *element;
    *element = (real)(float)(saved + h);
    float plus = (float)p->loss(p);
    *element = (real)(float)(saved - h);
    float minus = (float)p->loss(p);
    *element = saved;
    return ((double)plus - (double)minus) / (2 * h);
}

static void h_sweep(problem *p, const options *o)
{
    const char *path = o->sweep_data ? o->sweep_data : "gradcheck_hsweep.dat";
    FILE *f = fopen(path, "w");
    char msg[512];
    if (!f) {
        snprintf(msg, sizeof msg, "%s: cannot create the data file", path);
        fail(msg);
    }
    fprintf(f, "# h  max_rel_error_double  max_rel_error_float   (build/gradcheck --layer %s --h-sweep)\n", p->layer);
    printf("\nThe error against h (every entry of every tensor; float: the nudged number and the loss rounded to float)\n"
           "  %-8s %14s %14s\n", "h", "double", "float");
    double best[2] = { INFINITY, INFINITY }, best_h[2] = { 0, 0 };
    for (int e = 1; e <= 12; e++) {
        double h = pow(10.0, -e), worst[2] = { 0, 0 };
        for (int k = 0; k < p->n_t; k++)
            for (long i = 0; i < p->t[k].n; i++) {
                double a = (double)p->t[k].grad[i];
                worst[0] = fmax(worst[0], relative_error(a, numeric_derivative(&p->t[k].value[i], loss_of, p, h)));
                worst[1] = fmax(worst[1], relative_error(a, numeric_float(p, &p->t[k].value[i], h)));
            }
        for (int m = 0; m < 2; m++)
            if (worst[m] < best[m]) {
                best[m] = worst[m];
                best_h[m] = h;
            }
        printf("  %-8.0e %14.2e %14.2e\n", h, worst[0], worst[1]);
        fprintf(f, "%.0e %.6e %.6e\n", h, worst[0], worst[1]);
    }
    if (fclose(f) != 0) {
        snprintf(msg, sizeof msg, "%s: could not write the data file", path);
        fail(msg);
    }
    printf("best h: %.0e in double (error %.1e), %.0e in float (error %.1e)\n", best_h[0], best[0], best_h[1], best[1]);
    printf("data for gnuplot: %s (columns h, double, float; plot it on log-log axes)\n", path);
}

static void problem_free(problem *p)
{
    int owns_tensors = p->arch.n_params == 0;   /* the network's tensors live in its parameter blocks */
    for (int i = 0; owns_tensors && i < p->n_t; i++) {
        free(p->t[i].value);
        free(p->t[i].grad);
    }
    if (!owns_tensors) {
        convnet_params_free(&p->params);
        convnet_params_free(&p->grads);
        convnet_work_free(&p->work);
    }
    free(p->y);
    free(p->dy);
    free(p->argmax);
    free(p->target);
    free(p->scratch);
}

/* ---------------------------------------------------------------- main */

static options parse(int argc, char **argv)
{
    options o = { L_CONV, 1, 4, 4, 2, 2, 1, 0, -1, -1, -1, -1, 4, 3, 4, 0, 0, 0, 0, 4096, 1, 0, NULL, NULL, NULL,
                  NULL, NULL, NULL, NULL, NULL };
    const flag_spec specs[] = {
        FLAG_CHOICE("--layer", &o.layer, "conv|maxpool|avgpool|relu|sigmoid|tanh|dense|softmax-ce|mse|convnet|mine",
                    "the layer to check: conv, maxpool, avgpool, relu, sigmoid, tanh, dense, softmax-ce, mse, "
                    "convnet (lesson 10's network) or mine (your own, built by make gradcheck SRC=...)"),
        FLAG_INT("--channels", &o.channels, 1, 64, "C", "input channels (conv, pooling, activations)"),
        FLAG_INT("--height", &o.height, 1, 64, "H", "input height"),
        FLAG_INT("--width", &o.width, 1, 64, "W", "input width"),
        FLAG_INT("--filters", &o.filters, 1, 64, "N", "conv, convnet: output channels"),
        FLAG_INT("--kernel", &o.kernel, 1, 16, "K", "conv: K x K filters; pooling: K x K windows"),
        FLAG_INT("--stride", &o.stride, 1, 16, "S", "conv, pooling: stride"),
        FLAG_INT("--pad", &o.pad, 0, 16, "P", "conv: zeros on every side"),
        FLAG_INT("--pad-top", &o.pad_top, 0, 16, "P", "conv: zeros above (default: --pad)"),
        FLAG_INT("--pad-bottom", &o.pad_bottom, 0, 16, "P", "conv: zeros below (default: --pad)"),
        FLAG_INT("--pad-left", &o.pad_left, 0, 16, "P", "conv: zeros on the left (default: --pad)"),
        FLAG_INT("--pad-right", &o.pad_right, 0, 16, "P", "conv: zeros on the right (default: --pad)"),
        FLAG_INT("--inputs", &o.inputs, 1, 4096, "N", "dense: inputs"),
        FLAG_INT("--outputs", &o.outputs, 1, 4096, "N", "dense: outputs; mse: outputs"),
        FLAG_INT("--classes", &o.classes, 2, 256, "N", "softmax-ce, convnet: classes"),
        FLAG_INT("--label", &o.label, 0, 255, "N", "softmax-ce, convnet: the true class"),
        FLAG_LONG("--seed", &o.seed, 0, 2000000000L, "N", "seed of the random numbers"),
        FLAG_TEXT("--x", &o.x, "FILE", "numbers for X (softmax-ce: Z; mse: O; mine: x)"),
        FLAG_TEXT("--w", &o.w, "FILE", "numbers for W (mine: params)"),
        FLAG_TEXT("--b", &o.b, "FILE", "numbers for b"),
        FLAG_TEXT("--dy", &o.dy, "FILE", "numbers for dL/dY, the gradient from above"),
        FLAG_TEXT("--target", &o.target, "FILE", "mse: the target"),
        FLAG_TEXT("--mine", &o.mine, "FILE", "your own numbers for one gradient (see --wrt)"),
        FLAG_TEXT("--wrt", &o.wrt, "NAME", "the tensor --mine is the gradient of: X, W, b, ... (default W, else X)"),
        FLAG_SWITCH("--show-answer", &o.show_answer, "with --mine: print the right numbers too (without it, only "
                    "right or wrong per entry)"),
        FLAG_SWITCH("--float", &o.in_float, "rerun the check in float and print the error to expect there"),
        FLAG_INT("--max-entries", &o.max_entries, 1, 100000000, "N", "a tensor with more entries is checked on a "
                 "random sample of N and one random projection"),
        FLAG_REAL("--h", &o.h, 0, 1, 1, "H", "the step of the central difference (default: chosen, and said why)"),
        FLAG_SWITCH("--h-sweep", &o.h_sweep, "the error against h, in double and float, as a table and a data file"),
        FLAG_TEXT("--sweep-data", &o.sweep_data, "FILE", "--h-sweep's data file (default gradcheck_hsweep.dat)"),
    };
    flag_set set = { program, "gradcheck --layer NAME [shape flags] [--x FILE ...] [--mine FILE --wrt NAME] [--h-sweep]",
                     specs, (int)(sizeof specs / sizeof specs[0]), 0 };
    flags_parse_or_exit(&set, argc, argv, NULL, NULL);
    return o;
}

/* h below double's round-off: x + h is x, or L(x + h) - L(x - h) is mostly rounding. */
static void warn_if_h_too_small(const problem *p, double h)
{
    long lost = 0;
    for (int k = 0; k < p->n_t; k++)
        for (long i = 0; i < p->t[k].n; i++)
            lost += p->t[k].value[i] + h == p->t[k].value[i];
    if (h < 1e-8)
        printf("warning: h = %g is below round-off: the error of a central difference grows as eps |L| / h "
               "(eps = 2.2e-16), so even a right gradient looks wrong here; use h from 1e-6 to 1e-3 "
               "(--h-sweep shows the curve)\n", h);
    if (lost)
        printf("warning: x + h rounds to x for %ld entr%s (numbers too large for h = %g): their central difference "
               "is 0 whatever the gradient\n", lost, lost == 1 ? "y" : "ies", h);
}

/* --mine: the student's file judged, the verdict last. Returns the exit status. */
static int run_mine(problem *p, const options *o, tensor *t, real *mine, double h)
{
    long kinks = 0, right;
    long *which = checked_calloc((size_t)t->n, sizeof(long), "entries");    /* every entry: you typed them */
    for (long i = 0; i < t->n; i++)
        which[i] = i;
    double *numeric = checked_calloc((size_t)t->n, sizeof(double), "numeric gradient");
    numeric_gradient(p, t, which, t->n, h, numeric);
    if (o->show_answer) {
        long library_kinks;
        printf("\nThe answer (--show-answer): the library's dL/d%s against the central difference\n", t->name);
        report_tensor(p, t, which, t->n, numeric, h, &library_kinks);
    }
    right = check_mine(p, o, t, mine, numeric, h, &kinks);
    if (o->in_float) {
        double worst = 0;
        for (long i = 0; i < t->n; i++)
            worst = fmax(worst, relative_error((double)t->grad[i], numeric[i]));
        float_rerun(p, t, worst);
    }
    printf("\nverdict on your dL/d%s (%s): %s: %ld of %ld entries right", t->name, o->mine,
           right == t->n ? "RIGHT" : "WRONG", right, t->n);
    if (kinks)
        printf(" (%ld of them at a kink, where your value is the slope on one side)", kinks);
    printf("\n");
    if (right < t->n)
        diagnose_mine(p, t, mine, numeric);
    printf("exit status %d%s\n", right == t->n ? 0 : 1,
           right == t->n || o->show_answer ? "" : "; --show-answer prints the right numbers");
    free(which);
    free(numeric);
    return right == t->n ? 0 : 1;
}

/* Without --mine: every tensor of the library's layer checked. Returns the exit status. */
static int run_library(problem *p, const options *o, double h, rng_t *rng)
{
    double worst = 0;
    long kinks = 0;
    for (int i = 0; i < p->n_t; i++) {
        tensor *t = &p->t[i];
        long n, k;
        long *which = entries_to_check(t, o, rng, &n);
        double *numeric = checked_calloc((size_t)n, sizeof(double), "numeric gradient");
        numeric_gradient(p, t, which, n, h, numeric);
        if (n < t->n)
            printf("\n%s has %ld entries, more than --max-entries %d: checked %ld of them drawn at random, and one "
                   "random projection of all of them\n", t->name, t->n, o->max_entries, n);
        worst = fmax(worst, report_tensor(p, t, which, n, numeric, h, &k));   /* NaN: infinity */
        if (n < t->n) {
            double rel = random_projection(p, t, h, rng);
            worst = rel > worst ? rel : worst;
        }
        kinks += k;
        free(which);
        free(numeric);
    }
    printf("\nworst relative error %.1e: %s (<= 1e-7 good; up to 1e-4 look closer; above, wrong)", worst,
           gradcheck_band(worst));
    if (kinks)
        printf("; %ld entr%s straddled a kink and %s labelled, not counted", kinks, kinks == 1 ? "y" : "ies",
               kinks == 1 ? "is" : "are");
    printf("\n");
    if (o->in_float)
        float_rerun(p, NULL, worst);
    return worst <= GRADCHECK_WRONG ? 0 : 1;
}

int main(int argc, char **argv)
{
    options o = parse(argc, argv);
    if (o.wrt && !o.mine) {
        fprintf(stderr, "%s: --wrt names the tensor a --mine file is the gradient of: give --mine FILE too\n", program);
        return 2;
    }
    if (o.show_answer && !o.mine) {
        fprintf(stderr, "%s: --show-answer goes with --mine FILE (without --mine, every answer is shown)\n", program);
        return 2;
    }
    problem p;
    memset(&p, 0, sizeof p);
    rng_t rng = rng_seeded((uint64_t)o.seed);
    set_up(&p, &o, &rng);
    tensor *mine_of = o.mine ? find_tensor(&p, o.wrt ? o.wrt : (p.n_t > 1 && strcmp(p.t[1].name, "W") == 0 ? "W"
                                                                                                   : p.t[0].name))
                             : NULL;
    real *mine = mine_of ? read_mine(&p, &o, mine_of) : NULL;
    char why[256];
    double h = choose_h(&p, &o, why, sizeof why);
    if (mine_of)
        printf("gradcheck --layer %s: your dL/d%s (%s) against central differences of %s, in double\n", p.layer,
               mine_of->name, o.mine, o.layer == L_MINE ? my_layer.name : "the library's forward pass");
    else
        printf("gradcheck --layer %s: %s, in double; the loss is %s\n", p.layer,
               o.layer == L_MINE ? my_layer.name : "the library's backward against central differences",
               p.ny > 0 ? "L = sum dY * Y (so dL/dY = dY)" : "the layer's own scalar loss");
    printf("h = %g: %s\n", h, why);
    warn_if_h_too_small(&p, h);
    p.backward(&p);
    int status = mine_of ? run_mine(&p, &o, mine_of, mine, h) : run_library(&p, &o, h, &rng);
    if (o.h_sweep)
        h_sweep(&p, &o);
    free(mine);
    problem_free(&p);
    return status;
}
