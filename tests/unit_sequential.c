/* tests/unit_sequential.c: the sequential model (src/sequential.c), dropout
 * and batch normalisation, in the double build.
 *
 *   - specs: presets, canonical text, every kind of mistake named by its item;
 *   - the deeper network's Keras table, line by line as "Convolutional Neural
 *     Networks" (Doshi) prints it, 1,134,426 parameters;
 *   - "small" computes exactly what lesson 10's hand-wired network computes;
 *   - central-difference gradient checks of whole stacks (every layer kind,
 *     dropout with its mask fixed by the source, batchnorm in training mode with
 *     the whole batch's coupling), on both engines;
 *   - batchnorm and dropout against their direct formulas;
 *   - model files: version 2 round trips with statistics, version 1 loads,
 *     damaged files get one line. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batchnorm.h"
#include "convnet.h"
#include "dropout.h"
#include "harness.h"
#include "loss.h"
#include "model_file.h"
#include "sequential.h"
#include "tensor.h"

static rng_t rng;


/* ---------------------------------------------------------------- specs */

static void expect_spec_error(const char *spec, const char *needle)
{
    sequential m;
    char err[512] = "";
    int rc = sequential_build(&m, spec, 1, 28, 28, err, sizeof err);
    CHECK_INT(rc, -1);
    CHECK_CONTAINS(err, needle);
    if (rc == 0 || !strstr(err, needle))
        printf("  spec '%s' -> '%s'\n", spec, err);
}

static void test_spec_errors_name_the_item(void)
{
    expect_spec_error("conv 8 3, relu, maxpool 3, flatten, dense 10", "item 3 'maxpool 3'");
    expect_spec_error("conv 8 3, relu, maxpool 3, flatten, dense 10", "26 - 3 = 23");
    expect_spec_error("conv 8 3, dense 10", "put 'flatten' before it");
    expect_spec_error("conv 8 3, relu, pool 2, flatten, dense 10", "unknown layer 'pool'");
    expect_spec_error("conv 8, flatten, dense 10", "conv needs FILTERS and KERNEL");
    expect_spec_error("conv 8 3,, flatten, dense 10", "item 2");
    expect_spec_error("conv 8 3, flatten, dense 10, softmax, dense 10", "softmax must be the last");
    expect_spec_error("conv 8 3, flatten, dense x", "UNITS 'x'");
    expect_spec_error("conv 8 3, dropout 1, flatten, dense 10", "dropout needs a rate");
    expect_spec_error("conv 8 3 wide, flatten, dense 10", "unexpected 'wide'");
    expect_spec_error("conv 8 3, relu", "must end with 'dense N'");
    expect_spec_error("conv 8 4 stride 5, flatten, dense 10", "do not tile a 28x28 input");
}

static void test_presets_and_canonical_text(void)
{
    sequential m;
    char err[256];
    CHECK_INT(sequential_build(&m, "small", 1, 28, 28, err, sizeof err), 0);
    CHECK(strcmp(m.spec, "conv 16 5, relu, maxpool 2, flatten, dense 10") == 0);
    CHECK_INT(m.n_params, 23466);
    CHECK_INT(sequential_build(&m, "conv   4 3 same ,relu,avgpool 2 stride 2, flatten,dense 3", 1, 8, 8, err,
                               sizeof err), 0);
    CHECK(strcmp(m.spec, "conv 4 3 same, relu, avgpool 2, flatten, dense 3") == 0);
    CHECK_INT(m.layers[0].out_h, 8);                          /* 'same' keeps 8x8 */
    CHECK_INT(m.classes, 3);
}

/* Keras pads an even kernel's 'same' one more at the bottom and right. */
static void test_same_padding_of_an_even_kernel(void)
{
    sequential m;
    char err[256];
    CHECK_INT(sequential_build(&m, "doshi", 1, 28, 28, err, sizeof err), 0);
    const conv2d_shape *c = &m.layers[0].conv;
    CHECK_INT(c->pad_top, 0);
    CHECK_INT(c->pad_bottom, 1);
    CHECK_INT(c->pad_left, 0);
    CHECK_INT(c->pad_right, 1);
    CHECK_INT(c->out_h, 28);
}

/* The table of "Convolutional Neural Networks" (Doshi), line by line. */
static void test_doshi_summary_matches_the_slides(void)
{
    static const char *rows[] = {
        "conv2d (Conv2D)                   (None, 28, 28, 16)           80",
        "max_pooling2d (MaxPooling2D)      (None, 14, 14, 16)            0",
        "conv2d_1 (Conv2D)                 (None, 12, 12, 128)      18,560",
        "conv2d_2 (Conv2D)                 (None, 10, 10, 256)     295,168",
        "max_pooling2d_1 (MaxPooling2D)    (None, 5, 5, 256)             0",
        "dropout (Dropout)                 (None, 5, 5, 256)             0",
        "flatten (Flatten)                 (None, 6400)                  0",
        "dense (Dense)                     (None, 128)             819,328",
        "dropout_1 (Dropout)               (None, 128)                   0",
        "dense_1 (Dense)                   (None, 10)                1,290",
        "activation (Activation)           (None, 10)                    0",
        "Total params: 1,134,426",
    };
    sequential m;
    char err[256], path[512];
    CHECK_INT(sequential_build(&m, "doshi", 1, 28, 28, err, sizeof err), 0);
    CHECK_INT(m.n_params, 1134426);
    snprintf(path, sizeof path, "%s/tmp/summary.txt", build_dir());
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (!f)
        return;
    sequential_summary(f, &m);
    fclose(f);
    char *text = read_text_file(path);
    for (size_t i = 0; text && i < sizeof rows / sizeof rows[0]; i++)
        CHECK_CONTAINS(text, rows[i]);
    CHECK_INT(count_lines_containing(text, "(None,"), 11);         /* eleven rows, as the slides */
    free(text);
}

/* ---------------------------------------------------------------- small = lesson 10 */

static void test_small_is_lesson10s_network(void)
{
    sequential m;
    convnet_arch a;
    convnet_params p, g;
    convnet_work w;
    char err[256];
    CHECK_INT(sequential_build(&m, "small", 1, 28, 28, err, sizeof err), 0);
    CHECK_INT(convnet_arch_setup(&a, 28, 28, 16, 5, 10, err, sizeof err), 0);
    CHECK_INT(m.n_params, a.n_params);
    convnet_params_alloc(&a, &p);
    convnet_params_alloc(&a, &g);
    convnet_work_alloc(&a, &w);
    real *params = tensor_alloc((size_t)m.n_params, "params"), *grad = tensor_alloc((size_t)m.n_params, "grad");
    rng_t r1 = rng_seeded(5), r2 = rng_seeded(5);
    convnet_init(&a, &p, &r1);
    sequential_init(&m, params, NULL, &r2);
    CHECK(tensor_max_abs_diff(params, p.all, (size_t)m.n_params) == 0);  /* the same initial numbers */
    real *x = random_tensor(&rng, 2 * 784);
    int labels[2] = { 3, 8 };
    sequential_batch b;
    sequential_batch_alloc(&m, 2, &b);
    for (int engine = 0; engine < 2; engine++) {
        sequential_model net = { &m, params, NULL, engine == 0 ? ENGINE_NAIVE : ENGINE_FAST, 1, 0, 0, 0 };
        tensor_fill(grad, (size_t)m.n_params, 0);
        tensor_fill(g.all, (size_t)a.n_params, 0);
        batch_score s = sequential_shard(&net, &b, x, labels, 2, 0, NULL, grad);
        double loss = 0;
        for (int i = 0; i < 2; i++) {
            convnet_forward(&a, &p, &w, x + i * 784);
            loss += convnet_loss(&a, &w, labels[i]);
            convnet_backward(&a, &p, &w, x + i * 784, labels[i], &g);
        }
        CHECK_NEAR(s.loss, loss, 1e-12);
        CHECK(tensor_max_abs_diff(grad, g.all, (size_t)m.n_params) < 1e-12);
    }
    sequential_batch_free(&b);
    convnet_params_free(&p);
    convnet_params_free(&g);
    convnet_work_free(&w);
    free(params); free(grad); free(x);
}

/* ---------------------------------------------------------------- gradient checks of whole stacks */

typedef struct {
    sequential m;
    sequential_model net;
    sequential_batch b;
    real *params, *stats, *x, *r;     /* r (n, classes): the projection L = sum r * logits */
    int n;
} stack_case;

/* L = sum of r * logits: dL/dlogits = r, every entry of order 1 (a softmax
 * would make many gradients tiny, and round-off larger than them). */
static double stack_loss(void *ctx)
{
    stack_case *c = ctx;
    const real *logits = sequential_forward(&c->net, &c->b, c->x, c->n, 0);
    return tensor_dot(logits, c->r, (size_t)c->n * c->m.classes);
}

/* Every entry of analytic (count) against its central difference, the
 * error measured against the larger of the entry and the tensor's largest
 * gradient: |a - n| / max(|a| + |n|, max |a|). (The per-entry form of the
 * other checks blows up for entries a million times smaller than their
 * neighbours, where the difference's round-off, about 1e-11 here, is all
 * there is; a whole stack has such entries.) */
static double normwise_error(real *param, const real *analytic, long count, gradcheck_loss_fn loss, void *ctx,
                             long *worst)
{
    double scale = 0, error = 0;
    for (long i = 0; i < count; i++)
        scale = fmax(scale, fabs((double)analytic[i]));
    for (long i = 0; i < count; i++) {
        double a = analytic[i], num = numeric_derivative(&param[i], loss, ctx, 1e-5);
        double e = fabs(a - num) / fmax(fabs(a) + fabs(num), fmax(scale, 1e-300));
        if (e > error) {
            error = e;
            *worst = i;
        }
    }
    return error;
}

/* Is layer i a conv or dense layer right before a batchnorm? Its bias then
 * learns nothing: batchnorm subtracts the channel's mean, bias included. */
static int bias_before_batchnorm(const sequential *m, int i)
{
    return (m->layers[i].kind == LAYER_CONV || m->layers[i].kind == LAYER_DENSE) && i + 1 < m->n_layers
        && m->layers[i + 1].kind == LAYER_BATCHNORM;
}

/* Running averages for every batchnorm layer of m: means about 0, variances 0.5 to 1.5. */
static void random_running_stats(const sequential *m, real *stats)
{
    for (int i = 0; i < m->n_layers; i++) {
        const layer *l = &m->layers[i];
        for (int c = 0; l->kind == LAYER_BATCHNORM && c < l->in_c; c++) {
            stats[l->first_stat + c] = (real)(0.3 * rng_normal(&rng));
            stats[l->first_stat + l->in_c + c] = (real)rng_uniform_range(&rng, 0.5, 1.5);
        }
    }
}

/* The spec on (in_c, h, w) inputs, n images, in training mode (dropout's
 * masks fixed by the source and step, batchnorm on the batch's statistics)
 * or in test mode (training 0: dropout passes everything, batchnorm uses
 * running averages; what a saliency map differentiates): every layer's
 * parameters, and the images themselves, against central differences
 * (every layer's dL/dinput is on the way). */
static void check_stack(const char *spec, int in_c, int h, int w, int n, engine_kind engine, int training)
{
    stack_case c = { .n = n };
    char err[512], name[64];
    if (sequential_build(&c.m, spec, in_c, h, w, err, sizeof err) != 0) {
        printf("FAIL building '%s': %s\n", spec, err);
        CHECK(0);
        return;
    }
    long in = (long)n * in_c * h * w;
    c.params = tensor_alloc((size_t)c.m.n_params, "params");       /* the trainer's start, nudged: */
    c.stats = tensor_alloc((size_t)c.m.n_stats + 1, "stats");       /* no unit saturated or dead    */
    rng_t init = rng_seeded(4);
    sequential_init(&c.m, c.params, c.stats, &init);
    for (long i = 0; i < c.m.n_params; i++)
        c.params[i] += (real)(0.1 * rng_normal(&rng));
    c.x = random_tensor(&rng, in);
    c.r = random_tensor(&rng, (long)n * c.m.classes);
    if (!training)
        random_running_stats(&c.m, c.stats);
    c.net = (sequential_model){ &c.m, c.params, c.stats, engine, training, 99, 3, 0 };
    sequential_batch_alloc(&c.m, n, &c.b);
    real *grad = tensor_alloc((size_t)c.m.n_params, "grad"), *dx = tensor_alloc((size_t)in, "dX");
    stack_loss(&c);
    sequential_backward(&c.net, &c.b, c.x, c.r, grad, dx);
    printf("%s  (%dx%dx%d, %d images, %s, %s mode)\n", spec, in_c, h, w, n, engine == ENGINE_FAST ? "fast" : "naive",
           training ? "training" : "test");
    for (int i = 0; i < c.m.n_layers; i++) {
        const layer *l = &c.m.layers[i];
        long count = l->n_params;
        if (count == 0)
            continue;
        if (training && bias_before_batchnorm(&c.m, i)) {   /* its gradient is 0: check that, then the weights */
            for (long k = count - l->units; k < count; k++)
                CHECK(fabs((double)grad[l->first_param + k]) < 1e-12);
            count -= l->units;
        }
        long worst = 0;
        double e = normwise_error(c.params + l->first_param, grad + l->first_param, count, stack_loss, &c, &worst);
        snprintf(name, sizeof name, "layer %d (%s)", i + 1, l->kind == LAYER_CONV ? "conv"
                 : l->kind == LAYER_DENSE ? "dense" : "batchnorm");
        printf("  %-18s %4ld numbers  normwise error %.1e at [%ld]\n", name, count, e, worst);
        CHECK(e <= GRADCHECK_GOOD);
    }
    long worst = 0;                                   /* dL/dimage: the saliency map of lesson 14 */
    double e = normwise_error(c.x, dx, in, stack_loss, &c, &worst);
    printf("  %-18s %4ld numbers  normwise error %.1e at [%ld]\n", "the images", in, e, worst);
    CHECK(e <= GRADCHECK_GOOD);
    sequential_batch_free(&c.b);
    free(c.params); free(c.stats); free(c.x); free(c.r); free(grad); free(dx);
}

static void test_gradients_of_whole_stacks(void)
{
    for (int e = 0; e < 2; e++) {
        engine_kind engine = e ? ENGINE_FAST : ENGINE_NAIVE;
        check_stack("conv 3 3 same, relu, maxpool 2, conv 4 2, tanh, flatten, dense 5, sigmoid, dense 3, softmax",
                    2, 6, 6, 3, engine, 1);
        check_stack("conv 3 3 stride 2, avgpool 3 stride 1, flatten, dropout 0.5, dense 4", 1, 9, 9, 2, engine, 1);
        check_stack("conv 4 3, batchnorm, relu, maxpool 2, flatten, dense 6, batchnorm, tanh, dense 3", 2, 8, 8, 4,
                    engine, 1);
    }
}

/* A trained network answers in test mode, and a saliency map (lesson 14)
 * differentiates that: the backward pass must follow the test-mode forward
 * (it once used the masks and batch statistics of no pass at all, which
 * made every dL/dimage through dropout 0). */
static void test_gradients_of_whole_stacks_in_test_mode(void)
{
    for (int e = 0; e < 2; e++) {
        engine_kind engine = e ? ENGINE_FAST : ENGINE_NAIVE;
        check_stack("conv 3 3 stride 2, avgpool 3 stride 1, flatten, dropout 0.5, dense 4", 1, 9, 9, 2, engine, 0);
        check_stack("conv 4 3, batchnorm, relu, maxpool 2, dropout 0.25, flatten, dense 6, batchnorm, tanh, dense 3",
                    2, 8, 8, 4, engine, 0);
    }
}

/* The running variance: each shard's variance made unbiased with its own N. */
static void test_running_statistics_from_shards(void)
{
    sequential m;
    char err[256];
    CHECK_INT(sequential_build(&m, "flatten, dense 2, batchnorm, dense 2", 1, 1, 3, err, sizeof err), 0);
    real stats[4] = { 0, 0, 1, 1 };                         /* running mean (2), running variance (2) */
    sequential_batch a, b;
    sequential_batch_alloc(&m, 4, &a);
    sequential_batch_alloc(&m, 4, &b);
    a.images = 4;                                           /* shard a: 4 images, mean 1, variance 3 (biased) */
    b.images = 2;                                           /* shard b: 2 images, mean 4, variance 1 */
    const real sa[6] = { 1, 1, 3, 3, 0, 0 }, sb[6] = { 4, 4, 1, 1, 0, 0 };
    tensor_copy(a.bn_stats[2], sa, 6);
    tensor_copy(b.bn_stats[2], sb, 6);
    sequential_batch *shards[2] = { &a, &b };
    sequential_update_stats(&m, shards, 2, stats);
    double mean = (4 * 1 + 2 * 4) / 6.0, var = (4 * 3 * 4 / 3.0 + 2 * 1 * 2 / 1.0) / 6.0;
    CHECK_NEAR(stats[0], 0.1 * mean, 1e-12);
    CHECK_NEAR(stats[2], 0.9 * 1 + 0.1 * var, 1e-12);
    sequential_batch_free(&a);
    sequential_batch_free(&b);
}

/* ---------------------------------------------------------------- batchnorm, dropout */

typedef struct {
    batchnorm_shape s;
    int n;
    real *x, *gamma, *beta, *y, *xhat, *stats, *r;
} bn_case;

static double bn_loss(void *ctx)
{
    bn_case *c = ctx;
    batchnorm_forward_train(&c->s, c->n, c->x, c->gamma, c->beta, c->y, c->xhat, c->stats,
                            c->stats + c->s.channels, c->stats + 2 * c->s.channels);
    return tensor_dot(c->y, c->r, (size_t)c->n * c->s.channels * c->s.size);
}

/* dL/dx through the mean and the variance: each x moves every y of its channel. */
static void test_batchnorm_gradient_with_the_batchs_coupling(void)
{
    bn_case c = { .s = { 3, 4 }, .n = 5 };
    long total = (long)c.n * 3 * 4;
    c.x = random_tensor(&rng, total);  c.gamma = random_tensor(&rng, 3);  c.beta = random_tensor(&rng, 3);
    c.y = tensor_alloc((size_t)total, "y");  c.xhat = tensor_alloc((size_t)total, "xhat");
    c.stats = tensor_alloc(9, "stats");  c.r = random_tensor(&rng, total);
    real *dx = tensor_alloc((size_t)total, "dx"), *dgamma = tensor_alloc(3, "dg"), *dbeta = tensor_alloc(3, "db");
    bn_loss(&c);
    batchnorm_backward(&c.s, c.n, c.r, c.xhat, c.gamma, c.stats + 6, dgamma, dbeta, dx);
    int p_dims[1] = { 3 };
    gradcheck_result r[2] = {
        gradcheck_tensor("dgamma", c.gamma, dgamma, p_dims, 1, bn_loss, &c, 1e-5),
        gradcheck_tensor("dbeta", c.beta, dbeta, p_dims, 1, bn_loss, &c, 1e-5),
    };
    printf("batchnorm, 5 images of 3 channels of 4\n");
    for (int i = 0; i < 2; i++) {
        gradcheck_print(stdout, &r[i]);
        CHECK_GRAD(r[i]);
    }
    long worst = 0;                                /* dX entries can be tiny (the coupling cancels): normwise */
    double e = normwise_error(c.x, dx, total, bn_loss, &c, &worst);
    printf("  dX  %ld numbers  normwise error %.1e at [%ld]\n", total, e, worst);
    CHECK(e <= GRADCHECK_GOOD);
    /* the forward pass against its formula, one number: channel 1 of image 2, position 3 */
    double mean = 0, var = 0;
    for (int i = 0; i < c.n; i++)
        for (int k = 0; k < 4; k++)
            mean += c.x[(i * 3 + 1) * 4 + k] / 20.0;
    for (int i = 0; i < c.n; i++)
        for (int k = 0; k < 4; k++)
            var += (c.x[(i * 3 + 1) * 4 + k] - mean) * (c.x[(i * 3 + 1) * 4 + k] - mean) / 20.0;
    double want = c.gamma[1] * (c.x[(2 * 3 + 1) * 4 + 3] - mean) / sqrt(var + BATCHNORM_EPS) + c.beta[1];
    CHECK_NEAR(c.y[(2 * 3 + 1) * 4 + 3], want, 1e-12);
    free(c.x); free(c.gamma); free(c.beta); free(c.y); free(c.xhat); free(c.stats); free(c.r);
    free(dx); free(dgamma); free(dbeta);
}

static void test_batchnorm_inference_is_per_image(void)
{
    batchnorm_shape s = { 2, 3 };
    const real x[6] = { 1, 2, 3, 4, 5, 6 }, gamma[2] = { 2, 1 }, beta[2] = { 0, 1 };
    const real mean[2] = { 2, 5 }, var[2] = { 4, 1 };
    real y[6];
    batchnorm_forward_infer(&s, 1, x, gamma, beta, mean, var, y);
    CHECK_NEAR(y[0], 2 * (1 - 2) / sqrt(4 + BATCHNORM_EPS), 1e-12);
    CHECK_NEAR(y[5], (6 - 5) / sqrt(1 + BATCHNORM_EPS) + 1, 1e-12);
    real rm[2] = { 0, 0 }, rv[2] = { 1, 1 };
    batchnorm_update_running(2, 5, mean, var, rm, rv);
    CHECK_NEAR(rm[0], 0.1 * 2, 1e-12);
    CHECK_NEAR(rv[1], 0.9 + 0.1 * 1 * 5.0 / 4.0, 1e-12);          /* the variance made unbiased: N/(N-1) */
}

static void test_dropout_keeps_the_expected_value(void)
{
    long n = 100000;
    real *mask = tensor_alloc((size_t)n, "mask"), *again = tensor_alloc((size_t)n, "mask");
    dropout_mask(mask, n, (real)0.25, 42);
    dropout_mask(again, n, (real)0.25, 42);
    long dropped = 0;
    double sum = 0;
    for (long i = 0; i < n; i++) {
        dropped += mask[i] == 0;
        sum += mask[i];
    }
    CHECK(fabs((double)dropped / n - 0.25) < 0.01);
    CHECK(fabs(sum / n - 1) < 0.01);                              /* kept ones are 1 / 0.75 */
    CHECK(tensor_max_abs_diff(mask, again, (size_t)n) == 0);      /* the same seed, the same mask */
    CHECK(dropout_seed(1, 2, 3, 4) != dropout_seed(1, 2, 3, 5));
    free(mask);
    free(again);
}

static void test_dropout_and_batchnorm_at_test_time(void)
{
    sequential m;
    char err[256];
    CHECK_INT(sequential_build(&m, "conv 2 3, batchnorm, dropout 0.9, flatten, dense 3", 1, 5, 5, err, sizeof err), 0);
    real *params = random_tensor(&rng, m.n_params), *stats = tensor_alloc((size_t)m.n_stats, "stats");
    rng_t r = rng_seeded(3);
    sequential_init(&m, params, stats, &r);
    real *x = random_tensor(&rng, 2 * 25);
    sequential_batch b;
    sequential_batch_alloc(&m, 2, &b);
    sequential_model net = { &m, params, stats, ENGINE_FAST, 0, 1, 1, 0 };
    const real *logits = sequential_forward(&net, &b, x, 2, 0);
    real first[6];
    tensor_copy(first, logits, 6);
    net.seed = 777;                                               /* no mask at test time: nothing changes */
    logits = sequential_forward(&net, &b, x + 25, 1, 1);
    CHECK(tensor_max_abs_diff(logits, first + 3, 3) < 1e-12);     /* one image alone = the same image in a pair */
    sequential_batch_free(&b);
    free(params); free(stats); free(x);
}

/* At test time dropout is the identity, forward AND backward: the gradient
 * of a test-mode pass (a saliency map, lesson 14) through a network with
 * dropout is the gradient through the same network without it, even when a
 * training pass left its masks behind in the batch (it used them). */
static void backward_of(const char *spec, const real *params, const real *x, const real *r, int train_first,
                        real *grad, real *dx)
{
    sequential m;
    sequential_batch b;
    char err[256];
    CHECK_INT(sequential_build(&m, spec, 1, 5, 5, err, sizeof err), 0);
    sequential_batch_alloc(&m, 2, &b);
    sequential_model net = { &m, params, NULL, ENGINE_FAST, 1, 7, 0, 0 };
    if (train_first) {                                            /* leaves a mask with zeros behind */
        sequential_forward(&net, &b, x, 2, 0);
        sequential_backward(&net, &b, x, r, grad, dx);
    }
    net.training = 0;
    tensor_fill(grad, (size_t)m.n_params, 0);
    sequential_forward(&net, &b, x, 2, 0);
    sequential_backward(&net, &b, x, r, grad, dx);
    sequential_batch_free(&b);
}

static void test_dropout_backward_at_test_time(void)
{
    sequential m;
    char err[256];
    CHECK_INT(sequential_build(&m, "conv 2 3, relu, flatten, dense 3", 1, 5, 5, err, sizeof err), 0);
    real *params = random_tensor(&rng, m.n_params), *x = random_tensor(&rng, 2 * 25), *r = random_tensor(&rng, 2 * 3);
    real *grad = tensor_alloc((size_t)m.n_params, "grad"), *dx = tensor_alloc(50, "dx");
    real *grad_plain = tensor_alloc((size_t)m.n_params, "grad"), *dx_plain = tensor_alloc(50, "dx");
    backward_of("conv 2 3, relu, dropout 0.5, flatten, dense 3", params, x, r, 1, grad, dx);
    backward_of("conv 2 3, relu, flatten, dense 3", params, x, r, 0, grad_plain, dx_plain);
    CHECK(tensor_max_abs_diff(grad, grad_plain, (size_t)m.n_params) < 1e-12);
    CHECK(tensor_max_abs_diff(dx, dx_plain, 50) < 1e-12);
    CHECK(tensor_max_abs_diff(dx_plain, (const real[50]){ 0 }, 50) > 0);   /* not a gradient of 0 */
    free(params); free(x); free(r); free(grad); free(dx); free(grad_plain); free(dx_plain);
}

/* sequential_probabilities fills b->probs (sequential.h says so): the
 * softmax of each image's logits, with or without a final softmax layer,
 * which the forward pass itself leaves to the loss (the probabilities are
 * computed once per step). Lesson 12's report of the test digits it gets
 * wrong reads them after one image (it printed a stale batch's before). */
static void test_forward_fills_the_probabilities(void)
{
    static const char *specs[] = { "conv 2 3, relu, flatten, dense 4", "conv 2 3, relu, flatten, dense 4, softmax" };
    for (int s = 0; s < 2; s++) {
        sequential m;
        char err[256];
        CHECK_INT(sequential_build(&m, specs[s], 1, 5, 5, err, sizeof err), 0);
        real *params = random_tensor(&rng, m.n_params), *x = random_tensor(&rng, 2 * 25), expected[4];
        sequential_batch b;
        sequential_batch_alloc(&m, 2, &b);
        tensor_fill(b.probs, 2 * 4, -1);
        sequential_model net = { &m, params, NULL, ENGINE_FAST, 0, 0, 0, 0 };
        const real *p = sequential_probabilities(&net, &b, x, 2, 0);
        CHECK(p == b.probs);
        for (int k = 0; k < 2; k++) {
            softmax(b.logits + 4 * k, expected, 4);
            CHECK(tensor_max_abs_diff(b.probs + 4 * k, expected, 4) < 1e-15);
        }
        sequential_batch_free(&b);
        free(params); free(x);
    }
}

/* ---------------------------------------------------------------- model files */

static void file_path(char *out, size_t size, const char *name)
{
    snprintf(out, size, "%s/tmp/%s", build_dir(), name);
}

static void test_version2_round_trip_with_statistics(void)
{
    sequential m, back;
    char err[512], path[512];
    CHECK_INT(sequential_build(&m, "conv 2 3 same, batchnorm, relu, maxpool 2, flatten, dropout 0.5, dense 4",
                               1, 6, 6, err, sizeof err), 0);
    real *params = random_tensor(&rng, m.n_params), *stats = random_tensor(&rng, m.n_stats), *p2, *s2;
    file_path(path, sizeof path, "v2.model");
    CHECK_INT(sequential_save(path, &m, params, stats, err, sizeof err), 0);
    CHECK_INT(sequential_load(path, &back, &p2, &s2, err, sizeof err), 0);
    CHECK(strcmp(back.spec, m.spec) == 0);
    CHECK_INT(back.n_params, m.n_params);
    for (long i = 0; i < m.n_params; i++)
        CHECK_NEAR(p2[i], (float)params[i], 0);                   /* stored as float32 */
    for (long i = 0; i < m.n_stats; i++)
        CHECK_NEAR(s2[i], (float)stats[i], 0);
    free(params); free(stats); free(p2); free(s2);
}

static void test_version1_files_still_load(void)
{
    convnet_arch a;
    convnet_params p;
    sequential m;
    real *params, *stats;
    char err[512], path[512];
    CHECK_INT(convnet_arch_setup(&a, 12, 12, 3, 5, 4, err, sizeof err), 0);
    convnet_params_alloc(&a, &p);
    rng_t r = rng_seeded(1);
    convnet_init(&a, &p, &r);
    file_path(path, sizeof path, "v1.model");
    CHECK_INT(convnet_save(path, &a, &p, err, sizeof err), 0);
    CHECK_INT(sequential_load(path, &m, &params, &stats, err, sizeof err), 0);
    CHECK(strcmp(m.spec, "conv 3 5, relu, maxpool 2, flatten, dense 4") == 0);
    CHECK_INT(m.n_params, a.n_params);
    CHECK_NEAR(params[a.n_params - 1], (float)p.all[a.n_params - 1], 0);
    convnet_params_free(&p);
    free(params);
    free(stats);
}

/* The file's bytes with bytes [at, at+n) replaced, or cut at `length`. */
static void damaged_copy(const char *from, const char *to, long at, const unsigned char *bytes, int n, long length)
{
    FILE *f = fopen(from, "rb");
    unsigned char buf[4096];
    size_t got = f ? fread(buf, 1, sizeof buf, f) : 0;
    if (f)
        fclose(f);
    if (at >= 0)
        memcpy(buf + at, bytes, (size_t)n);
    f = fopen(to, "wb");
    if (f) {
        fwrite(buf, 1, length >= 0 ? (size_t)length : got, f);
        fclose(f);
    }
}

static void expect_load_error(const char *path, const char *needle)
{
    sequential m;
    real *params = NULL, *stats = NULL;
    char err[1024] = "";
    CHECK_INT(sequential_load(path, &m, &params, &stats, err, sizeof err), -1);
    CHECK_CONTAINS(err, path);
    CHECK_CONTAINS(err, needle);
    CHECK(params == NULL && stats == NULL);
}

static void test_damaged_version2_files(void)
{
    sequential m;
    char err[512], good[512], bad[512];
    CHECK_INT(sequential_build(&m, "conv 2 3, relu, flatten, dense 3", 1, 5, 5, err, sizeof err), 0);
    real *params = random_tensor(&rng, m.n_params), stats[1] = { 0 };
    file_path(good, sizeof good, "good_v2.model");
    file_path(bad, sizeof bad, "bad_v2.model");
    CHECK_INT(sequential_save(good, &m, params, stats, err, sizeof err), 0);
    damaged_copy(good, bad, -1, NULL, 0, 50);
    expect_load_error(bad, "truncated");
    const unsigned char x = 'X', nine = 9, big[4] = { 0xff, 0xff, 0xff, 0x7f };
    damaged_copy(good, bad, 40, &x, 1, -1);                       /* a byte of the description */
    expect_load_error(bad, "checksum mismatch");
    damaged_copy(good, bad, 4, &nine, 1, -1);                     /* version 9 */
    expect_load_error(bad, "newer than this program reads");
    damaged_copy(good, bad, 24, big, 4, -1);                      /* 2 billion parameters */
    expect_load_error(bad, "the header is damaged");
    free(params);
}

/* Fuzz-style: every one-byte change and every truncation of a small
 * version-2 file gives one line naming the file, never a crash or a model. */
static void test_every_damage_of_a_version2_file(void)
{
    sequential m;
    char err[512], good[512], bad[512];
    CHECK_INT(sequential_build(&m, "conv 2 3, batchnorm, relu, flatten, dense 3", 1, 5, 5, err, sizeof err), 0);
    real *params = random_tensor(&rng, m.n_params), *stats = random_tensor(&rng, m.n_stats);
    file_path(good, sizeof good, "fuzz_v2.model");
    file_path(bad, sizeof bad, "fuzz_bad.model");
    CHECK_INT(sequential_save(good, &m, params, stats, err, sizeof err), 0);
    FILE *f = fopen(good, "rb");
    unsigned char bytes[4096];
    size_t size = f ? fread(bytes, 1, sizeof bytes, f) : 0;
    if (f)
        fclose(f);
    CHECK(size > 100 && size < sizeof bytes);
    int refused = 0, tried = 0;
    for (size_t at = 0; at < size; at++)
        for (int bit = 0; bit < 8; bit += 3) {
            unsigned char changed = (unsigned char)(bytes[at] ^ (1u << bit));
            damaged_copy(good, bad, (long)at, &changed, 1, -1);
            sequential back;
            real *p = NULL, *s = NULL;
            char why[1024] = "";
            tried++;
            if (sequential_load(bad, &back, &p, &s, why, sizeof why) != 0 && strstr(why, bad) && strlen(why) > 0)
                refused++;
            free(p);
            free(s);
        }
    for (size_t length = 0; length < size; length++) {
        damaged_copy(good, bad, -1, NULL, 0, (long)length);
        sequential back;
        real *p = NULL, *s = NULL;
        char why[1024] = "";
        tried++;
        if (sequential_load(bad, &back, &p, &s, why, sizeof why) != 0 && strstr(why, bad))
            refused++;
        free(p);
        free(s);
    }
    printf("  %d damaged files, %d refused with a line naming the file\n", tried, refused);
    CHECK_INT(refused, tried);                      /* the checksum catches every one-byte change */
    free(params);
    free(stats);
}


/* ---------------------------------------------------------------- issue 16's defects */

/* A version-2 file written byte by byte: any spec, any shapes, n_params
 * parameters all equal to `value` (n_stats statistics 0), a right checksum. */
static void write_v2_file(const char *path, const char *spec, int in_c, int in_h, int in_w, long n_params,
                          long n_stats, double value)
{
    size_t spec_len = strlen(spec), padded = (spec_len + 3) / 4 * 4;
    size_t size = 32 + padded + 4 * (size_t)(n_params + n_stats) + 4;
    unsigned char *b = calloc(size, 1);
    if (!b)
        return;
    uint32_t fields[7] = { 2, (uint32_t)in_c, (uint32_t)in_h, (uint32_t)in_w, (uint32_t)spec_len,
                           (uint32_t)n_params, (uint32_t)n_stats };
    memcpy(b, MODEL_MAGIC, 4);
    for (int i = 0; i < 7; i++)
        model_put_u32(b + 4 + 4 * i, fields[i]);
    memcpy(b + 32, spec, spec_len);
    for (long i = 0; i < n_params; i++)
        model_put_real(b + 32 + padded + 4 * i, (real)value);
    model_put_u32(b + size - 4, model_crc32(0, b, size - 4));
    write_test_file(path, b, size);
    free(b);
}

/* 1. A model refused for a NaN parameter or an infinite statistic leaves
 * nothing for the caller to free (decode_v2 freed its arrays and left the
 * pointers set: the caller's free was a double free). */
static void test_a_refused_model_leaves_nothing_to_free(void)
{
    sequential m;
    char err[512], path[512];
    CHECK_INT(sequential_build(&m, "conv 2 3, batchnorm, relu, flatten, dense 3", 1, 5, 5, err, sizeof err), 0);
    real *params = random_tensor(&rng, m.n_params), *stats = random_tensor(&rng, m.n_stats);
    file_path(path, sizeof path, "nan_param.model");
    params[3] = (real)NAN;
    CHECK_INT(sequential_save(path, &m, params, stats, err, sizeof err), 0);
    expect_load_error(path, "parameter 3 is nan");
    params[3] = 0;
    stats[1] = (real)INFINITY;
    file_path(path, sizeof path, "inf_stat.model");
    CHECK_INT(sequential_save(path, &m, params, stats, err, sizeof err), 0);
    expect_load_error(path, "statistic 1 is inf");
    real *p = (real *)&m, *s = (real *)&m;                     /* anything: the load must set both */
    CHECK_INT(sequential_load(path, &m, &p, &s, err, sizeof err), -1);
    free(p);                                                   /* what every caller does: must be NULL */
    free(s);
    free(params);
    free(stats);
}

/* 3. A network must have a layer that computes class scores: "flatten"
 * alone made the logits the image itself (predict then freed the image and
 * read the logits), "avgpool 14, flatten" four pooled pixels. */
static void test_a_network_without_weights_is_refused(void)
{
    expect_spec_error("flatten", "no layer computes class scores");
    expect_spec_error("avgpool 14, flatten", "no layer computes class scores");
    expect_spec_error("flatten, relu, softmax", "no layer computes class scores");
    char path[512];
    file_path(path, sizeof path, "flatten.model");
    write_v2_file(path, "flatten", 1, 28, 28, 0, 0, 0);        /* what the old trainer saved for --net flatten */
    expect_load_error(path, "no layer computes class scores");
    sequential m;
    char err[256];
    CHECK_INT(sequential_build(&m, "conv 10 28, flatten", 1, 28, 28, err, sizeof err), 0);   /* a conv scores too */
}

/* 4. What is saved loads: 29 dropouts with long rates and a dense layer
 * make a canonical text of more than 511 characters (it was cut there, and
 * the file could not be loaded), and each rate reads back exactly (%g kept
 * 6 digits). */
static void test_a_long_spec_saves_and_loads_whole(void)
{
    char spec[2048] = "", err[512], path[512];
    for (int i = 0; i < 29; i++)
        strcat(spec, "dropout 0.123456789, ");
    strcat(spec, "flatten, dense 10");
    sequential m, back;
    CHECK_INT(sequential_build(&m, spec, 1, 4, 4, err, sizeof err), 0);
    CHECK(strlen(m.spec) > 511);
    CHECK(strcmp(m.spec, spec) == 0);                         /* canonical already: the same text */
    real *params = random_tensor(&rng, m.n_params), stats[1] = { 0 }, *p2 = NULL, *s2 = NULL;
    file_path(path, sizeof path, "long_spec.model");
    CHECK_INT(sequential_save(path, &m, params, stats, err, sizeof err), 0);
    int rc = sequential_load(path, &back, &p2, &s2, err, sizeof err);
    CHECK_INT(rc, 0);
    if (rc != 0)
        printf("  %s\n", err);
    else
        CHECK(strcmp(back.spec, m.spec) == 0 && back.layers[28].rate == 0.123456789);
    CHECK_INT(sequential_build(&m, "dropout 0.1, flatten, dense 2", 1, 2, 2, err, sizeof err), 0);
    CHECK(strcmp(m.spec, "dropout 0.1, flatten, dense 2") == 0);   /* the shortest text that reads back */
    free(params); free(p2); free(s2);
}

/* 8. Sizes are worked out in a wide type: flatten of 256x4096x4096 is 2^32
 * numbers (an int wrapped it to 0, and a 0-input dense layer loaded). */
static void test_huge_sizes_are_refused_not_wrapped(void)
{
    sequential m;
    char err[512] = "", path[512];
    CHECK_INT(sequential_build(&m, "flatten, dense 2", 256, 4096, 4096, err, sizeof err), -1);
    CHECK_INT(sequential_build(&m, "flatten, dense 2", 1, 4096, 4096, err, sizeof err), 0);     /* 2^24: fine */
    CHECK_INT(m.layers[1].in_c, 4096 * 4096);
    expect_spec_error("conv 4096 3 same, conv 16 5 same, flatten, dense 10", "im2col matrix for one image");
    CHECK_INT(sequential_build(&m, "conv 4096 64 same, flatten, dense 10", 1, 4096, 4096, err, sizeof err), -1);
    CHECK_CONTAINS(err, "more than");
    file_path(path, sizeof path, "huge.model");
    write_v2_file(path, "flatten, dense 2", 256, 4096, 4096, 2, 0, 0.5);   /* 2 KB that claimed 2^32 inputs */
    sequential back;
    real *p = NULL, *s = NULL;
    CHECK_INT(sequential_load(path, &back, &p, &s, err, sizeof err), -1);
    free(p);
    free(s);
}

/* 10. A damaged file's description can hold control bytes: the message
 * shows them as \xNN instead of sending them to the terminal. */
static void test_control_bytes_are_escaped_in_messages(void)
{
    sequential m;
    char err[512] = "";
    CHECK_INT(sequential_build(&m, "conv 2 3, flatten, dense \x13" "0", 1, 8, 8, err, sizeof err), -1);
    CHECK_CONTAINS(err, "'dense \\x130'");
    for (const char *c = err; *c; c++)
        CHECK((unsigned char)*c >= 0x20 && (unsigned char)*c != 0x7f);
}

/* 11. A step with fewer images than shards: the empty shards still hold
 * the statistics of the step before, and must not be folded in again.
 * batchnorm, flatten, dense 2 on 1x2x2 images, batches of 4: four images
 * of 10 move the running mean from 0 to 0.9*0 + 0.1*10 = 1.0; one image of
 * 0 then gives 0.9*1.0 + 0.1*0 = 0.9 (notes/13; it was 1.65). */
static void test_running_statistics_after_a_short_step(void)
{
    sequential m;
    char err[256];
    CHECK_INT(sequential_build(&m, "batchnorm, flatten, dense 2", 1, 2, 2, err, sizeof err), 0);
    real *params = tensor_alloc((size_t)m.n_params, "params"), stats[2];
    rng_t r = rng_seeded(3);
    sequential_init(&m, params, stats, &r);
    sequential_runner runner;
    sequential_runner_init(&runner, &m, params, stats, ENGINE_FAST, NULL, 4);
    runner.model.training = 1;
    real x[16];
    int labels[4] = { 0, 1, 0, 1 };
    tensor_fill(x, 16, 10);
    minibatch_gradient(&runner.batches, x, labels, 4);
    sequential_runner_update_stats(&runner, stats);
    CHECK_NEAR(stats[0], 1.0, 1e-12);
    tensor_fill(x, 4, 0);
    minibatch_gradient(&runner.batches, x, labels, 1);
    sequential_runner_update_stats(&runner, stats);
    CHECK_NEAR(stats[0], 0.9, 1e-12);
    sequential_runner_free(&runner);
    free(params);
}

/* Also: the memory a shard allocates is what sequential_batch_bytes says
 * (the trainer's --max-memory check rests on it). */
static void test_batch_bytes_count_what_is_allocated(void)
{
    sequential m;
    char err[256];
    CHECK_INT(sequential_build(&m, "conv 3 3, batchnorm, relu, maxpool 2, dropout 0.5, flatten, dense 4", 1, 6, 6,
                               err, sizeof err), 0);
    /* per image: conv out 3*4*4 = 48; batchnorm 48 + 48 (xhat) and 9 once; relu 48; maxpool 12 (+ 12 ints);
     * dropout 12 + 12; dense 4; gradients 2*48, probs and dlogits 2*4; and the conv's working memory, which
     * depends on its path (a stride-1 conv with 3 filters takes the wide rows, conv_wide.h) */
    double numbers = 48 + 96 + 48 + 12 + 24 + 4 + 96 + 8, per_image = numbers * sizeof(real) + 12 * sizeof(int);
    CHECK_INT(conv2d_default_path(&m.layers[0].conv), CONV_WIDE);
    CHECK_NEAR(sequential_batch_bytes(&m, 5), 5 * per_image + conv2d_batch_space_bytes(&m.layers[0].conv, 5)
               + 9 * sizeof(real), 0);
}

/* Regression: a sequential network whose logits overflow scores a NaN loss,
 * as lesson 10's network does (the guard is in softmax_cross_entropy_batch,
 * which both use); it used to score ln 1 = 0, a perfect loss. */
static void test_overflowed_logits_give_a_nan_loss(void)
{
    sequential m;
    char err[256];
    CHECK_INT(sequential_build(&m, "flatten, dense 2", 1, 1, 2, err, sizeof err), 0);
    real params[6] = { 1e300, 0, 0, 0, 0, 0 };           /* W (2, 2) then b (2): z0 = 1e300 x0 */
    real x[2] = { 1e300, 0 };                            /* z = (1e600 = +inf, 0) */
    sequential_model net = { &m, params, NULL, ENGINE_FAST, 0, 0, 0, 0 };
    sequential_batch b;
    sequential_batch_alloc(&m, 1, &b);
    int label = 0, predicted = -1;
    batch_score s = sequential_shard(&net, &b, x, &label, 1, 0, &predicted, NULL);
    CHECK(isnan(s.loss));
    CHECK_INT(predicted, 0);
    sequential_batch_free(&b);
}

/* One training step (sequential_train_step: forward, loss, backward,
 * update) against the same step taken by hand: the batch's mean gradient
 * through the shard function (minibatch_gradient), then the optimiser's
 * own formula. The same loss, the same right answers, the same parameters
 * to the bit, for SGD with momentum and for Adam, with dropout (the step's
 * number picks the masks) and batchnorm (the running averages), and for a
 * batch of fewer images than there are shards. */
static void test_a_training_step_is_forward_loss_backward_update(void)
{
    const char *spec = "conv 3 3, batchnorm, relu, maxpool 2, dropout 0.5, flatten, dense 4, softmax";
    for (int kind = OPTIMIZER_SGD; kind <= OPTIMIZER_ADAM; kind++)
        for (int n = 3; n <= 7; n += 4) {
            sequential m;
            char err[256];
            CHECK_INT(sequential_build(&m, spec, 1, 6, 6, err, sizeof err), 0);
            size_t np = (size_t)m.n_params, ns = (size_t)m.n_stats;
            real *p_step = tensor_alloc(np, "params"), *p_hand = tensor_alloc(np, "params");
            real *s_step = tensor_alloc(ns, "stats"), *s_hand = tensor_alloc(ns, "stats");
            rng_t r = rng_seeded(5);
            sequential_init(&m, p_step, s_step, &r);
            tensor_copy(p_hand, p_step, np);
            tensor_copy(s_hand, s_step, ns);
            real *p_start = tensor_alloc(np, "params");
            tensor_copy(p_start, p_step, np);
            real *x = random_tensor(&rng, 7 * 36);
            int labels[7] = { 0, 1, 2, 3, 0, 1, 2 };
            sequential_runner a, b;
            sequential_runner_init(&a, &m, p_step, s_step, ENGINE_FAST, NULL, 8);
            sequential_runner_init(&b, &m, p_hand, s_hand, ENGINE_FAST, NULL, 8);
            optimizer opt_step, opt_hand;
            optimizer_init(&opt_step, kind, m.n_params, 0.01, 0.9, 0);
            optimizer_init(&opt_hand, kind, m.n_params, 0.01, 0.9, 0);
            for (int step = 0; step < 2; step++) {
                batch_score s = sequential_train_step(&a, p_step, s_step, &opt_step, x, labels, n);
                b.model.training = 1;
                b.model.step = step;
                batch_score t = minibatch_gradient(&b.batches, x, labels, n);
                if (kind == OPTIMIZER_ADAM) {
                    adam_config c = adam_defaults((real)0.01);
                    adam_step(p_hand, b.batches.mean_grad, opt_hand.m, opt_hand.v, m.n_params, &c, step + 1);
                } else {
                    sgd_momentum_step(p_hand, b.batches.mean_grad, opt_hand.velocity, m.n_params, (real)0.01,
                                      (real)0.9);
                }
                sequential_runner_update_stats(&b, s_hand);
                CHECK_NEAR(s.loss, t.loss, 0);
                CHECK_INT((int)s.correct, (int)t.correct);
                CHECK_NEAR(tensor_max_abs_diff(p_step, p_hand, np), 0, 0);
                CHECK_NEAR(tensor_max_abs_diff(s_step, s_hand, ns), 0, 0);
                CHECK(tensor_max_abs_diff(p_step, p_start, np) > 0);                /* the parameters did move */
            }
            CHECK_INT((int)opt_step.steps, 2);
            optimizer_free(&opt_step);
            optimizer_free(&opt_hand);
            sequential_runner_free(&a);
            sequential_runner_free(&b);
            free(p_step); free(p_hand); free(p_start); free(s_step); free(s_hand); free(x);
        }
}

int main(void)
{
    rng = rng_seeded(12);
    RUN_TEST(test_spec_errors_name_the_item);
    RUN_TEST(test_presets_and_canonical_text);
    RUN_TEST(test_same_padding_of_an_even_kernel);
    RUN_TEST(test_doshi_summary_matches_the_slides);
    RUN_TEST(test_small_is_lesson10s_network);
    RUN_TEST(test_gradients_of_whole_stacks);
    RUN_TEST(test_gradients_of_whole_stacks_in_test_mode);
    RUN_TEST(test_running_statistics_from_shards);
    RUN_TEST(test_batchnorm_gradient_with_the_batchs_coupling);
    RUN_TEST(test_batchnorm_inference_is_per_image);
    RUN_TEST(test_dropout_keeps_the_expected_value);
    RUN_TEST(test_dropout_and_batchnorm_at_test_time);
    RUN_TEST(test_forward_fills_the_probabilities);
    RUN_TEST(test_dropout_backward_at_test_time);
    RUN_TEST(test_version2_round_trip_with_statistics);
    RUN_TEST(test_version1_files_still_load);
    RUN_TEST(test_damaged_version2_files);
    RUN_TEST(test_every_damage_of_a_version2_file);
    RUN_TEST(test_a_refused_model_leaves_nothing_to_free);
    RUN_TEST(test_a_network_without_weights_is_refused);
    RUN_TEST(test_a_long_spec_saves_and_loads_whole);
    RUN_TEST(test_huge_sizes_are_refused_not_wrapped);
    RUN_TEST(test_control_bytes_are_escaped_in_messages);
    RUN_TEST(test_running_statistics_after_a_short_step);
    RUN_TEST(test_batch_bytes_count_what_is_allocated);
    RUN_TEST(test_overflowed_logits_give_a_nan_loss);
    RUN_TEST(test_a_training_step_is_forward_loss_backward_update);
    return harness_finish();
}
