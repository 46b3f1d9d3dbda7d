/* tests/grad_layers.c: every backward pass in src/ against central differences.
 *
 * Each check uses a "projection loss" L = sum_i R_i Y_i with a fixed random
 * tensor R, so dL/dY = R: we run the layer's backward with dY = R to get the
 * analytic gradients, and recompute L after nudging each input or parameter
 * to get the numeric ones. Built in double; every check must reach a
 * relative error <= 1e-7. The last tests break a backward on purpose and
 * check that the gradient check notices.
 *
 * The step h: conv, pooling, dense and ReLU are (piecewise) linear in each
 * input, so their central differences have no truncation error at all, only
 * round-off, which shrinks as h grows (lesson 02). We use h = 1e-3 for them
 * (far from any kink or tie at these random inputs) and the default 1e-5
 * for the curved ones: sigmoid, tanh, softmax and the squared error. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "activation.h"
#include "conv.h"
#include "dense.h"
#include "harness.h"
#include "loss.h"
#include "pool.h"
#include "rng.h"
#include "tensor.h"

#define LINEAR_STEP 1e-3

static rng_t rng;
static double worst_seen;   /* the largest relative error of all passing checks */


/* Check, print, and remember the worst error. */
static void expect_good(gradcheck_result r)
{
    gradcheck_print(stdout, &r);
    CHECK_GRAD(r);
    if (r.max_rel_error <= GRADCHECK_GOOD && r.max_rel_error > worst_seen)
        worst_seen = r.max_rel_error;
}

/* ---- convolution -------------------------------------------------------- */

typedef struct {
    conv2d_shape s;
    real *x, *w, *b, *y, *r;    /* X (in_c,in_h,in_w) W (out_c,in_c,k,k) b (out_c) Y, R (out_c,out_h,out_w) */
} conv_case;

static double conv_loss(void *p)
{
    conv_case *c = p;
    conv2d_forward(&c->s, c->x, c->w, c->b, c->y);
    return tensor_dot(c->y, c->r, (size_t)conv2d_output_count(&c->s));
}

/* dX the wrong way: a full convolution with the filter NOT rotated by 180 degrees. */
static void conv_dx_unrotated(const conv2d_shape *s, const real *w, const real *dy, real *dx)
{
    tensor_fill(dx, (size_t)s->in_c * s->in_h * s->in_w, 0);
    for (int co = 0; co < s->out_c; co++)
        for (int ci = 0; ci < s->in_c; ci++)
            for (int ky = 0; ky < s->k_h; ky++)
                for (int kx = 0; kx < s->k_w; kx++)
                    for (int oy = 0; oy < s->out_h; oy++)
                        for (int ox = 0; ox < s->out_w; ox++) {
                            int iy = oy * s->stride + ky - s->pad_top, ix = ox * s->stride + kx - s->pad_left;
                            if (iy < 0 || iy >= s->in_h || ix < 0 || ix >= s->in_w)
                                continue;
                            int ry = s->k_h - 1 - ky, rx = s->k_w - 1 - kx;  /* the flip undone */
                            dx[(ci * s->in_h + iy) * s->in_w + ix] +=
                                w[((co * s->in_c + ci) * s->k_h + ry) * s->k_w + rx] * dy[(co * s->out_h + oy) * s->out_w + ox];
                        }
}

/* Gradient-check conv2d_backward for one geometry; with broken_dx, dX comes
 * from conv_dx_unrotated and the check must say "wrong". Returns dX's result. */
static gradcheck_result check_conv(int in_c, int h, int w, int out_c, int k, int stride,
                                   int pt, int pb, int pl, int pr, int broken_dx)
{
    conv_case c;
    gradcheck_result r_dx = { 0 };
    if (conv2d_setup_asym(&c.s, in_c, h, w, out_c, k, stride, pt, pb, pl, pr) != 0) {
        CHECK(!"conv geometry rejected");
        return r_dx;
    }
    long nx = (long)in_c * h * w, nw = conv2d_weight_count(&c.s), ny = conv2d_output_count(&c.s);
    c.x = random_tensor(&rng, nx);  c.w = random_tensor(&rng, nw);  c.b = random_tensor(&rng, out_c);
    c.r = random_tensor(&rng, ny);  c.y = tensor_alloc((size_t)ny, "Y");
    real *dx = tensor_alloc((size_t)nx, "dX"), *dw = tensor_alloc((size_t)nw, "dW"),
         *db = tensor_alloc((size_t)out_c, "db");
    conv2d_backward(&c.s, c.x, c.w, c.r, dw, db, dx);
    if (broken_dx)
        conv_dx_unrotated(&c.s, c.w, c.r, dx);
    int dims_x[3] = { in_c, h, w }, dims_w[4] = { out_c, in_c, k, k }, dims_b[1] = { out_c };
    printf("conv %dx%dx%d -> %d filters %dx%d, stride %d, pad t%d b%d l%d r%d -> %dx%d\n",
           in_c, h, w, out_c, k, k, stride, pt, pb, pl, pr, c.s.out_h, c.s.out_w);
    r_dx = gradcheck_tensor("dX", c.x, dx, dims_x, 3, conv_loss, &c, LINEAR_STEP);
    if (!broken_dx) {
        expect_good(r_dx);
        expect_good(gradcheck_tensor("dW", c.w, dw, dims_w, 4, conv_loss, &c, LINEAR_STEP));
        expect_good(gradcheck_tensor("db", c.b, db, dims_b, 1, conv_loss, &c, LINEAR_STEP));
    }
    free(c.x); free(c.w); free(c.b); free(c.r); free(c.y); free(dx); free(dw); free(db);
    return r_dx;
}

static void test_conv_valid_stride1(void) { check_conv(1, 3, 4, 1, 2, 1, 0, 0, 0, 0, 0); }
static void test_conv_doshi_shapes(void) { check_conv(1, 3, 3, 1, 2, 1, 0, 0, 0, 0, 0); }
static void test_conv_channels(void) { check_conv(3, 6, 6, 4, 3, 1, 0, 0, 0, 0, 0); }
static void test_conv_same_pad1(void) { check_conv(2, 5, 5, 3, 3, 1, 1, 1, 1, 1, 0); }
static void test_conv_pad2_k5(void) { check_conv(2, 6, 6, 2, 5, 1, 2, 2, 2, 2, 0); }
static void test_conv_stride2_pad1(void) { check_conv(2, 7, 7, 3, 3, 2, 1, 1, 1, 1, 0); }
static void test_conv_non_square(void) { check_conv(2, 5, 9, 3, 3, 2, 0, 0, 0, 0, 0); }
static void test_conv_full_padding(void) { check_conv(1, 4, 5, 2, 3, 1, 2, 2, 2, 2, 0); }
static void test_conv_even_kernel_same_keras(void) { check_conv(1, 6, 6, 4, 2, 1, 0, 1, 0, 1, 0); }
static void test_conv_stride3(void) { check_conv(2, 8, 11, 2, 2, 3, 0, 0, 0, 0, 0); }

static void test_broken_conv_backward_is_caught(void)
{
    gradcheck_result r = check_conv(2, 5, 5, 2, 3, 1, 1, 1, 1, 1, 1);
    printf("  (deliberately broken: dX with the filter not rotated)\n");
    gradcheck_print(stdout, &r);
    CHECK(r.max_rel_error > GRADCHECK_WRONG);
    CHECK(r.worst_index >= 0);
}

/* ---- activations (inputs kept away from ReLU's kink at 0) ---------------- */

typedef struct { int which; long n; real *x, *y, *r; } act_case;   /* which: 0 relu, 1 sigmoid, 2 tanh */

static void act_forward(act_case *c)
{
    if (c->which == 0) relu_forward(c->x, c->y, (int)c->n);
    else if (c->which == 1) sigmoid_forward(c->x, c->y, (int)c->n);
    else tanh_forward(c->x, c->y, (int)c->n);
}

static double act_loss(void *p)
{
    act_case *c = p;
    act_forward(c);
    return tensor_dot(c->y, c->r, (size_t)c->n);
}

static void check_activation(int which, const char *name)
{
    act_case c = { which, 24, random_tensor(&rng, 24), tensor_alloc(24, "Y"), random_tensor(&rng, 24) };
    for (long i = 0; i < c.n; i++)          /* keep |x| >= 0.1, far from ReLU's kink */
        if (fabs((double)c.x[i]) < 0.1)
            c.x[i] += c.x[i] < 0 ? -0.1 : 0.1;
    real *dx = tensor_alloc(24, "dX");
    act_forward(&c);
    if (which == 0) relu_backward(c.x, c.r, dx, (int)c.n);
    else if (which == 1) sigmoid_backward(c.y, c.r, dx, (int)c.n);
    else tanh_backward(c.y, c.r, dx, (int)c.n);
    int dims[3] = { 2, 3, 4 };
    printf("%s on 2x3x4\n", name);
    expect_good(gradcheck_tensor("dX", c.x, dx, dims, 3, act_loss, &c, which == 0 ? LINEAR_STEP : GRADCHECK_STEP));
    free(c.x); free(c.y); free(c.r); free(dx);
}

static void test_relu(void) { check_activation(0, "relu"); }
static void test_sigmoid(void) { check_activation(1, "sigmoid"); }
static void test_tanh(void) { check_activation(2, "tanh"); }

/* ---- pooling ------------------------------------------------------------ */

typedef struct { pool2d_shape s; int is_max; real *x, *y, *r; int *argmax; } pool_case;

static double pool_loss(void *p)
{
    pool_case *c = p;
    if (c->is_max) maxpool2d_forward(&c->s, c->x, c->y, c->argmax);
    else avgpool2d_forward(&c->s, c->x, c->y);
    return tensor_dot(c->y, c->r, (size_t)pool2d_output_count(&c->s));
}

/* broken: route max pooling's gradient to the window's top-left pixel. */
static gradcheck_result check_pool(int is_max, int ch, int h, int w, int k, int stride, int broken)
{
    pool_case c = { .is_max = is_max };
    gradcheck_result res = { 0 };
    if (pool2d_setup(&c.s, ch, h, w, k, stride) != 0) {
        CHECK(!"pool geometry rejected");
        return res;
    }
    long nx = (long)ch * h * w, ny = pool2d_output_count(&c.s);
    c.x = random_tensor(&rng, nx);  c.y = tensor_alloc((size_t)ny, "Y");  c.r = random_tensor(&rng, ny);
    c.argmax = checked_calloc((size_t)ny, sizeof(int), "argmax");
    real *dx = tensor_alloc((size_t)nx, "dX");
    pool_loss(&c);
    if (is_max) {
        if (broken)
            for (long o = 0; o < ny; o++) {
                long per_channel = (long)c.s.out_h * c.s.out_w, oc = o / per_channel, rest = o % per_channel;
                c.argmax[o] = (int)((oc * h + (rest / c.s.out_w) * stride) * w + (rest % c.s.out_w) * stride);
            }
        maxpool2d_backward(&c.s, c.r, c.argmax, dx);
    } else {
        avgpool2d_backward(&c.s, c.r, dx);
    }
    int dims[3] = { ch, h, w };
    printf("%s pool %dx%dx%d, window %d stride %d -> %dx%d\n", is_max ? "max" : "avg", ch, h, w, k, stride,
           c.s.out_h, c.s.out_w);
    res = gradcheck_tensor("dX", c.x, dx, dims, 3, pool_loss, &c, LINEAR_STEP);
    if (!broken)
        expect_good(res);
    free(c.x); free(c.y); free(c.r); free(c.argmax); free(dx);
    return res;
}

static void test_maxpool_2x2_stride2(void) { check_pool(1, 3, 6, 8, 2, 2, 0); }
static void test_maxpool_overlapping_3x3_stride2(void) { check_pool(1, 2, 7, 9, 3, 2, 0); }
static void test_avgpool_2x2_stride2(void) { check_pool(0, 3, 6, 8, 2, 2, 0); }
static void test_avgpool_overlapping_3x3_stride2(void) { check_pool(0, 2, 7, 9, 3, 2, 0); }

static void test_broken_maxpool_backward_is_caught(void)
{
    gradcheck_result r = check_pool(1, 2, 6, 6, 2, 2, 1);
    printf("  (deliberately broken: the gradient routed to the top-left pixel, not the maximum)\n");
    gradcheck_print(stdout, &r);
    CHECK(r.max_rel_error > GRADCHECK_WRONG);
}

/* ---- dense -------------------------------------------------------------- */

typedef struct { int n_in, n_out; real *x, *w, *b, *z, *r; } dense_case;

static double dense_loss(void *p)
{
    dense_case *c = p;
    dense_forward(c->x, c->w, c->b, c->z, c->n_in, c->n_out);
    return tensor_dot(c->z, c->r, (size_t)c->n_out);
}

static void check_dense(int n_in, int n_out)
{
    dense_case c = { n_in, n_out, random_tensor(&rng, n_in), random_tensor(&rng, (long)n_in * n_out), random_tensor(&rng, n_out),
                     tensor_alloc((size_t)n_out, "Z"), random_tensor(&rng, n_out) };
    real *dx = tensor_alloc((size_t)n_in, "dX"), *dw = tensor_alloc((size_t)n_in * n_out, "dW"),
         *db = tensor_alloc((size_t)n_out, "db");
    dense_backward(c.x, c.w, c.r, dw, db, dx, n_in, n_out);
    int dims_x[1] = { n_in }, dims_w[2] = { n_in, n_out }, dims_b[1] = { n_out };
    printf("dense %d -> %d\n", n_in, n_out);
    expect_good(gradcheck_tensor("dX", c.x, dx, dims_x, 1, dense_loss, &c, LINEAR_STEP));
    expect_good(gradcheck_tensor("dW", c.w, dw, dims_w, 2, dense_loss, &c, LINEAR_STEP));
    expect_good(gradcheck_tensor("db", c.b, db, dims_b, 1, dense_loss, &c, LINEAR_STEP));
    free(c.x); free(c.w); free(c.b); free(c.z); free(c.r); free(dx); free(dw); free(db);
}

static void test_dense_intro_to_cnn_shapes(void) { check_dense(4, 2); }
static void test_dense_wider(void) { check_dense(13, 10); }

/* ---- losses ------------------------------------------------------------- */

typedef struct { int n, label; real *z, *target, *out; } loss_case;

static double softmax_ce_loss(void *p)
{
    loss_case *c = p;
    return softmax_cross_entropy(c->z, c->label, NULL, c->n);
}

static double mse_case_loss(void *p)
{
    loss_case *c = p;
    return mse_loss(c->out, c->target, c->n);
}

static void test_softmax_cross_entropy(void)
{
    loss_case c = { 10, 7, random_tensor(&rng, 10), NULL, NULL };
    real p[10], dz[10];
    softmax_cross_entropy(c.z, c.label, p, c.n);
    softmax_cross_entropy_backward(p, c.label, dz, c.n);
    int dims[1] = { 10 };
    printf("softmax + cross-entropy, 10 classes, label 7\n");
    expect_good(gradcheck_tensor("dZ", c.z, dz, dims, 1, softmax_ce_loss, &c, GRADCHECK_STEP));
    free(c.z);
}

static void test_mse(void)
{
    loss_case c = { 5, 0, NULL, random_tensor(&rng, 5), random_tensor(&rng, 5) };
    real d_out[5];
    mse_backward(c.out, c.target, d_out, c.n);
    int dims[1] = { 5 };
    printf("mean squared error E = sum (y' - O)^2 / 2, 5 outputs\n");
    expect_good(gradcheck_tensor("dO", c.out, d_out, dims, 1, mse_case_loss, &c, GRADCHECK_STEP));
    free(c.target); free(c.out);
}

int main(void)
{
    rng = rng_seeded(2024);
    RUN_TEST(test_conv_valid_stride1);
    RUN_TEST(test_conv_doshi_shapes);
    RUN_TEST(test_conv_channels);
    RUN_TEST(test_conv_same_pad1);
    RUN_TEST(test_conv_pad2_k5);
    RUN_TEST(test_conv_stride2_pad1);
    RUN_TEST(test_conv_non_square);
    RUN_TEST(test_conv_full_padding);
    RUN_TEST(test_conv_even_kernel_same_keras);
    RUN_TEST(test_conv_stride3);
    RUN_TEST(test_broken_conv_backward_is_caught);
    RUN_TEST(test_relu);
    RUN_TEST(test_sigmoid);
    RUN_TEST(test_tanh);
    RUN_TEST(test_maxpool_2x2_stride2);
    RUN_TEST(test_maxpool_overlapping_3x3_stride2);
    RUN_TEST(test_avgpool_2x2_stride2);
    RUN_TEST(test_avgpool_overlapping_3x3_stride2);
    RUN_TEST(test_broken_maxpool_backward_is_caught);
    RUN_TEST(test_dense_intro_to_cnn_shapes);
    RUN_TEST(test_dense_wider);
    RUN_TEST(test_softmax_cross_entropy);
    RUN_TEST(test_mse);
    printf("largest relative error of all passing gradient checks: %.1e\n", worst_seen);
    return harness_finish();
}
