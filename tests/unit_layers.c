/* tests/unit_layers.c: activations, pooling, dense and the losses against hand-computed values. */
#include <math.h>

#include "activation.h"
#include "dense.h"
#include "harness.h"
#include "loss.h"
#include "pool.h"
#include "tensor.h"

static void test_relu_intro_to_cnn_table(void)
{
    const real x[4] = { -478, 494, 460, -477 };
    real y[4];
    relu_forward(x, y, 4);
    CHECK_NEAR(y[0], 0, 0);
    CHECK_NEAR(y[1], 494, 0);
    CHECK_NEAR(y[2], 460, 0);
    CHECK_NEAR(y[3], 0, 0);
}

static void test_sigmoid_and_tanh_values(void)
{
    const real x[3] = { 0, -1000, 1000 };
    real s[3], t[3];
    sigmoid_forward(x, s, 3);
    tanh_forward(x, t, 3);
    CHECK_NEAR(s[0], 0.5, 1e-15);
    CHECK_NEAR(s[1], 0, 1e-300);          /* no overflow for very negative inputs */
    CHECK_NEAR(s[2], 1, 1e-15);
    CHECK_NEAR(t[0], 0, 0);
    CHECK_NEAR(t[2], 1, 1e-15);
    CHECK_NEAR(sigmoid(1), 0.7310585786300049, 1e-15);
}

static void test_activation_backward_local_gradients(void)
{
    const real x[2] = { -2, 3 }, dy[2] = { 10, 10 };
    real y[2], dx[2];
    relu_backward(x, dy, dx, 2);
    CHECK_NEAR(dx[0], 0, 0);
    CHECK_NEAR(dx[1], 10, 0);
    sigmoid_forward(x, y, 2);
    sigmoid_backward(y, dy, dx, 2);
    CHECK_NEAR(dx[1], 10 * y[1] * (1 - y[1]), 1e-15);
    tanh_forward(x, y, 2);
    tanh_backward(y, dy, dx, 2);
    CHECK_NEAR(dx[0], 10 * (1 - tanh(-2.0) * tanh(-2.0)), 1e-14);
}

static const real pool_in[16] = { 1, 3, 2, 1,  4, 2, 0, 1,  1, 1, 5, 6,  0, 2, 7, 8 };   /* (1, 4, 4) */

static void test_maxpool_2x2_stride2(void)
{
    pool2d_shape s;
    real y[4], dx[16];
    int argmax[4];
    CHECK_INT(pool2d_setup(&s, 1, 4, 4, 2, 2), 0);
    maxpool2d_forward(&s, pool_in, y, argmax);
    CHECK_NEAR(y[0], 4, 0);
    CHECK_NEAR(y[1], 2, 0);
    CHECK_NEAR(y[2], 2, 0);
    CHECK_NEAR(y[3], 8, 0);
    CHECK_INT(argmax[0], 4);
    CHECK_INT(argmax[3], 15);
    const real dy[4] = { 1, 2, 3, 4 };
    maxpool2d_backward(&s, dy, argmax, dx);
    CHECK_NEAR(dx[4], 1, 0);
    CHECK_NEAR(dx[6], 0, 0);     /* 0 lost its window to 2 */
    CHECK_NEAR(dx[15], 4, 0);
    CHECK_NEAR(tensor_sum(dx, 16), 10, 0);
}

static void test_maxpool_tie_goes_to_the_first(void)
{
    const real x[4] = { 7, 7, 7, 7 };
    pool2d_shape s;
    real y;
    int argmax;
    CHECK_INT(pool2d_setup(&s, 1, 2, 2, 2, 2), 0);
    maxpool2d_forward(&s, x, &y, &argmax);
    CHECK_INT(argmax, 0);
}

static void test_avgpool(void)
{
    pool2d_shape s;
    real y[4], dx[16];
    CHECK_INT(pool2d_setup(&s, 1, 4, 4, 2, 2), 0);
    avgpool2d_forward(&s, pool_in, y);
    CHECK_NEAR(y[0], 2.5, 1e-15);
    CHECK_NEAR(y[3], 6.5, 1e-15);
    const real dy[4] = { 4, 0, 0, 8 };
    avgpool2d_backward(&s, dy, dx);
    CHECK_NEAR(dx[0], 1, 1e-15);
    CHECK_NEAR(dx[15], 2, 1e-15);
}

static void test_pool_shapes(void)
{
    pool2d_shape s;
    CHECK_INT(pool2d_setup(&s, 32, 26, 26, 2, 2), 0);        /* Intro to CNN: 26x26x32 -> 13x13x32 */
    CHECK_INT(s.out_h, 13);
    CHECK_INT(s.out_w, 13);
    CHECK_INT(pool2d_output_count(&s), 13 * 13 * 32);
    CHECK_INT(pool2d_setup(&s, 96, 55, 55, 3, 2), 0);        /* AlexNet's overlapping pooling */
    CHECK_INT(s.out_h, 27);
    CHECK_INT(pool2d_setup(&s, 1, 5, 5, 2, 2), -1);          /* windows do not tile: rejected */
}

static void test_overlapping_max_pool_accumulates(void)
{
    /* A 5x5 input, window 3, stride 2: the centre pixel lies in all four windows and is the
     * maximum of each, so its gradient is the sum of all four. */
    real x[25] = { 0 }, y[4], dx[25];
    int argmax[4];
    x[12] = 9;
    pool2d_shape s;
    CHECK_INT(pool2d_setup(&s, 1, 5, 5, 3, 2), 0);
    maxpool2d_forward(&s, x, y, argmax);
    const real dy[4] = { 1, 1, 1, 1 };
    maxpool2d_backward(&s, dy, argmax, dx);
    CHECK_NEAR(dx[12], 4, 0);
}

static void test_dense_intro_to_cnn_shapes(void)
{
    const real x[4] = { 1, 2, 3, 4 };
    const real w[8] = { 1, 0,  0, 1,  1, 1,  2, -1 };   /* W (4, 2): 4 inputs, 2 neurons */
    const real b[2] = { 0.5, -0.5 };
    real z[2];
    dense_forward(x, w, b, z, 4, 2);
    CHECK_NEAR(z[0], 1 + 3 + 8 + 0.5, 1e-15);
    CHECK_NEAR(z[1], 2 + 3 - 4 - 0.5, 1e-15);
    const real dz[2] = { 1, 2 };
    real dw[8] = { 0 }, db[2] = { 0 }, dx[4];
    dense_backward(x, w, dz, dw, db, dx, 4, 2);
    CHECK_NEAR(dw[3 * 2 + 1], x[3] * dz[1], 0);    /* dW[i][j] = X[i] dZ[j] */
    CHECK_NEAR(db[1], 2, 0);
    CHECK_NEAR(dx[3], 2 * 1 + -1 * 2, 0);          /* dX = W dZ */
}

static void test_softmax(void)
{
    const real z[3] = { 1, 2, 3 }, big[3] = { 1000, 1001, 1002 };
    real p[3], q[3];
    softmax(z, p, 3);
    softmax(big, q, 3);
    CHECK_NEAR(p[0], 0.09003057317038046, 1e-15);
    CHECK_NEAR(p[2], 0.6652409557748219, 1e-15);
    CHECK_NEAR(p[0] + p[1] + p[2], 1, 1e-15);
    CHECK_NEAR(q[2], p[2], 1e-15);                 /* the stable form does not overflow */
}

static void test_cross_entropy(void)
{
    real z[10] = { 0 }, p[10], y[10] = { 0 };
    y[3] = 1;
    CHECK_NEAR(softmax_cross_entropy(z, 3, p, 10), log(10.0), 1e-15);   /* uniform: ln 10 */
    CHECK_NEAR(cross_entropy(p, y, 10), log(10.0), 1e-15);
    z[3] = -2000;                                  /* p_label rounds to 0; the loss stays finite */
    CHECK_NEAR(softmax_cross_entropy(z, 3, NULL, 10), 2000 + log(9.0), 1e-9);
    real dz[10];
    softmax_cross_entropy_backward(p, 3, dz, 10);
    CHECK_NEAR(dz[3], 0.1 - 1, 1e-15);
    CHECK_NEAR(dz[0], 0.1, 1e-15);
}

static void test_mse(void)
{
    const real out[2] = { 1, 2 }, target[2] = { 0, 4 };
    real d[2];
    CHECK_NEAR(mse_loss(out, target, 2), (1 + 4) / 2.0, 0);
    mse_backward(out, target, d, 2);
    CHECK_NEAR(d[0], 1, 0);                        /* -(y' - O) */
    CHECK_NEAR(d[1], -2, 0);
}

/* Infinite logits: the limit, not inf - inf = NaN everywhere. */
static void test_softmax_of_infinite_logits(void)
{
    const real z[4] = { 1, INFINITY, -2, INFINITY };
    real p[4];
    softmax(z, p, 4);
    CHECK_NEAR(p[0], 0, 0);
    CHECK_NEAR(p[1], 0.5, 0);
    CHECK_NEAR(p[2], 0, 0);
    CHECK_NEAR(p[3], 0.5, 0);
    CHECK_NEAR(softmax_cross_entropy(z, 1, NULL, 4), log(2.0), 1e-15);
    CHECK(isinf(softmax_cross_entropy(z, 0, NULL, 4)));
    const real minus[3] = { -INFINITY, 0, 1 };
    softmax(minus, p, 3);
    CHECK_NEAR(p[0], 0, 0);
    CHECK_NEAR(p[1] + p[2], 1, 1e-15);
    const real nan_in[3] = { 0, NAN, 1 };     /* NaN in, NaN out: never hidden */
    softmax(nan_in, p, 3);
    CHECK(isnan(p[0]) && isnan(p[1]) && isnan(p[2]));
    CHECK(isnan(softmax_cross_entropy(nan_in, 2, NULL, 3)));
}

/* -ln p_0 for z = [1e5, 99970] is ln(1 + e^-30) = 9.357622968840175e-14: a
 * confident right answer keeps its small loss (ln(sum) would round it to 0). */
static void test_cross_entropy_keeps_small_losses(void)
{
    const real z[2] = { 1e5, 99970 };
    double loss = softmax_cross_entropy(z, 0, NULL, 2);
    CHECK_NEAR(loss, 9.357622968840175e-14, 1e-24);
    CHECK_NEAR(softmax_cross_entropy(z, 1, NULL, 2), 30 + 9.357622968840175e-14, 1e-12);
    const real tie[3] = { 5, 5, 5 };
    CHECK_NEAR(softmax_cross_entropy(tie, 1, NULL, 3), log(3.0), 1e-15);
}

/* ReLU and max pooling pass a NaN on instead of turning it into 0 or skipping it. */
static void test_nan_is_not_hidden(void)
{
    const real x[3] = { -1, NAN, 2 };
    real y[3];
    relu_forward(x, y, 3);
    CHECK_NEAR(y[0], 0, 0);
    CHECK(isnan(y[1]));
    CHECK_NEAR(y[2], 2, 0);
    pool2d_shape s;
    CHECK_INT(pool2d_setup(&s, 1, 2, 2, 2, 2), 0);
    const real window[4] = { 1, 3, NAN, 2 };
    real out;
    int where;
    maxpool2d_forward(&s, window, &out, &where);
    CHECK(isnan(out));
    CHECK_INT(where, 2);
    const real first[4] = { NAN, 3, 1, 2 };
    maxpool2d_forward(&s, first, &out, &where);
    CHECK(isnan(out));
    maxpool2d_forward_batch(&s, 1, window, &out, &where);      /* the batched path too */
    CHECK(isnan(out));
    CHECK_INT(where, 2);
}

/* argmax (loss.h), the one used for every prediction: the first on a tie, a NaN wins,
 * and softmax's all-NaN outputs give 0. */
static void test_argmax(void)
{
    real tie[4] = { 1, 3, 3, 2 }, one_nan[3] = { 1, NAN, 2 }, probs[3];
    CHECK_INT(argmax(tie, 4), 1);
    CHECK_INT(argmax(tie + 2, 2), 0);
    CHECK_INT(argmax(one_nan, 3), 1);
    softmax(one_nan, probs, 3);
    CHECK(isnan(probs[0]) && isnan(probs[1]) && isnan(probs[2]));
    CHECK_INT(argmax(probs, 3), 0);
    real minus_inf[2] = { -INFINITY, 5 };
    CHECK_INT(argmax(minus_inf, 2), 1);
}

/* right_answers: each row's most probable class, and how many are right. */
static void test_right_answers(void)
{
    const real p[12] = { 0.1, 0.7, 0.2,   0.5, 0.5, 0,   0.2, 0.3, 0.5,   1, 0, 0 };
    const int labels[4] = { 1, 1, 2, 2 };
    int predictions[4] = { -1, -1, -1, -1 };
    CHECK_INT((int)right_answers(p, labels, 4, 3, predictions), 2);
    CHECK_INT(predictions[0], 1);
    CHECK_INT(predictions[1], 0);       /* a tie: the first */
    CHECK_INT(predictions[2], 2);
    CHECK_INT(predictions[3], 0);
    CHECK_INT((int)right_answers(p, labels, 3, 3, NULL), 2);
}

/* Regression: an overflowed row of logits makes the batch's loss NaN, whichever
 * network computed it. The sequential networks used to get ln 1 = 0 here
 * (softmax's limit: the +inf logit takes every probability), a perfect loss
 * from a broken network; only lesson 10's network checked. */
static void test_batch_loss_of_overflowed_logits_is_nan(void)
{
    real z[6] = { 0.5, -1, 2, INFINITY, 0, 0 }, p[6], dz[6];
    int labels[3] = { 2, 0, 1 };
    CHECK(isfinite(softmax_cross_entropy_batch(1, z, labels, p, dz, 3)));    /* the first row alone */
    CHECK(isnan(softmax_cross_entropy_batch(2, z, labels + 1, p, dz, 3)));    /* row 2: was +inf */
    int to_inf[2] = { 2, 0 };
    CHECK(isnan(softmax_cross_entropy_batch(2, z, to_inf, p, dz, 3)));        /* row 2: label on the +inf logit, was 0 */
    CHECK(isnan(softmax_cross_entropy_batch(2, z, to_inf, NULL, NULL, 3)));    /* scores only */
    real nan_row[3] = { 1, NAN, 0 };
    CHECK(isnan(softmax_cross_entropy_batch(1, nan_row, labels, p, NULL, 3)));
}

int main(void)
{
    RUN_TEST(test_relu_intro_to_cnn_table);
    RUN_TEST(test_sigmoid_and_tanh_values);
    RUN_TEST(test_activation_backward_local_gradients);
    RUN_TEST(test_maxpool_2x2_stride2);
    RUN_TEST(test_maxpool_tie_goes_to_the_first);
    RUN_TEST(test_avgpool);
    RUN_TEST(test_pool_shapes);
    RUN_TEST(test_overlapping_max_pool_accumulates);
    RUN_TEST(test_dense_intro_to_cnn_shapes);
    RUN_TEST(test_softmax);
    RUN_TEST(test_cross_entropy);
    RUN_TEST(test_mse);
    RUN_TEST(test_softmax_of_infinite_logits);
    RUN_TEST(test_cross_entropy_keeps_small_losses);
    RUN_TEST(test_nan_is_not_hidden);
    RUN_TEST(test_argmax);
    RUN_TEST(test_batch_loss_of_overflowed_logits_is_nan);
    RUN_TEST(test_right_answers);
    return harness_finish();
}
