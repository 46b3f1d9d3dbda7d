/* Lesson 05: pooling, forward and backward.
 *
 * Max pooling keeps the largest number of each k x k window, average pooling
 * keeps the mean (Doshi, 002, 003, 004). We pool a 4x4 map by hand and
 * with the library (src/pool.c); Intro to CNN's 26x26x32 volume becomes 13x13x32
 * under 2x2 windows with stride 2; AlexNet's overlapping 3x3 windows with
 * stride 2 (Gonzalez) take 55x55 to 27x27, and one input can win two windows.
 * The backward pass follows Notes on CNN's hint, with numbers: "think about how
 * the loss would change if we slightly perturb a non-maximal pixel; and how
 * it would change if we slightly perturb a maximal pixel". Then ties (where
 * the max has a kink), gradient checks, and how much a one-pixel shift
 * changes the pooled output (Notes on CNN: pooling "ensures the translational
 * invariance of CNN" -- only partly, as the counts show).
 *
 * Run: build/lessons/05_pooling [--step]      Notes: notes/05_pooling.md */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "gradcheck.h"  /* numeric_derivative, GRADCHECK_STEP, gradcheck_result, gradcheck_tensor, ... */
#include "lesson.h"     /* lesson_step, lesson_start */
#include "pool.h"       /* pool2d_shape, pool2d_setup, maxpool2d_forward, avgpool2d_forward, ... */
#include "rng.h"        /* rng_t, rng_seeded, rng_uniform, rng_uniform_range, rng_normal */
#include "tensor.h"     /* tensor_print_2d, tensor_max_abs_diff, tensor_alloc, checked_calloc, ... */

static const real feature_map[4 * 4] = {   /* X (4, 4): a small feature map */
    1, 3, 2, 9,
    7, 4, 1, 5,
    8, 2, 3, 0,
    6, 5, 4, 1,
};
static const real alexnet_map[5 * 5] = {   /* X (5, 5) for 3x3 windows, stride 2 */
    1, 2, 0, 1, 3,
    4, 1, 2, 0, 1,
    0, 3, 5, 9, 2,
    2, 8, 1, 0, 4,
    1, 0, 2, 3, 1,
};
static const real upstream[2 * 2] = { 1, 2, 3, 4 };   /* dL/dY (2, 2), for both examples */

/* ------------------------------------------------------------------ by hand */

/* Print window (oy, ox) of the (h, w) map x and return its max, its mean and
 * the (row, col) of the first maximum in reading order. */
static real window_by_hand(const real *x, int w, int k, int stride, int oy, int ox,
                           int *arg_row, int *arg_col, real *mean)
{
    int top = oy * stride, left = ox * stride;
    real best = x[top * w + left], sum = 0;
    *arg_row = top;
    *arg_col = left;
    printf("  window rows %d-%d, cols %d-%d: {", top, top + k - 1, left, left + k - 1);
    for (int i = 0; i < k; i++)
        for (int j = 0; j < k; j++) {
            real v = x[(top + i) * w + left + j];
            printf("%s%g", (i || j) ? " " : "", (double)v);
            sum += v;
            if (v > best) {                 /* ">" keeps the first maximum on a tie */
                best = v;
                *arg_row = top + i;
                *arg_col = left + j;
            }
        }
    *mean = sum / (real)(k * k);
    printf("}  max %g at (%d,%d)  mean %g/%d = %g\n", (double)best, *arg_row, *arg_col,
           (double)sum, k * k, (double)*mean);
    return best;
}

/* Every window of a one-channel map: max_out and mean_out are (out_h, out_w). */
static void pool_by_hand(const pool2d_shape *s, const real *x, real *max_out, real *mean_out)
{
    for (int oy = 0; oy < s->out_h; oy++)
        for (int ox = 0; ox < s->out_w; ox++) {
            int r, c, o = oy * s->out_w + ox;
            max_out[o] = window_by_hand(x, s->in_w, s->k, s->stride, oy, ox, &r, &c, &mean_out[o]);
        }
}

/* The argmax (flat indices into X) of a one-channel pooling as (row,col) pairs. */
static void print_argmax(const char *name, const int *argmax, const pool2d_shape *s)
{
    printf("%s\n", name);
    for (int oy = 0; oy < s->out_h; oy++) {
        printf("  [");
        for (int ox = 0; ox < s->out_w; ox++) {
            int i = argmax[oy * s->out_w + ox];
            printf(" (%d,%d)", i / s->in_w, i % s->in_w);
        }
        printf(" ]\n");
    }
}

/* ------------------------------------------------------------------ steps */

/* max_out and mean_out (2, 2): the hand results, for step 2 to compare with. */
static void step_by_hand(real *max_out, real *mean_out)
{
    lesson_step(1, "Max and average pooling by hand: 2x2 windows, stride 2");
    tensor_print_2d(stdout, "feature map X (4x4):", feature_map, 4, 4, 2);
    printf("Cut X into 2x2 windows, moving 2 pixels at a time (the windows do not overlap).\n"
           "Max pooling keeps each window's largest number, average pooling its mean:\n");
    pool2d_shape s;
    pool2d_setup(&s, 1, 4, 4, 2, 2);
    pool_by_hand(&s, feature_map, max_out, mean_out);
    tensor_print_2d(stdout, "max pooled (2x2):", max_out, 2, 2, 5);
    tensor_print_2d(stdout, "average pooled (2x2):", mean_out, 2, 2, 5);
    printf("There are no weights: pooling has nothing to learn (Notes on CNN: \"This pooling\n"
           "layer has no weights associated to it, so can't be learned\").\n");
}

static void step_library(const real *hand_max, const real *hand_mean)   /* (2, 2) each */
{
    lesson_step(2, "The same with the library: maxpool2d_forward and avgpool2d_forward");
    pool2d_shape s;
    real y_max[4], y_avg[4];
    int argmax[4];
    pool2d_setup(&s, 1, 4, 4, 2, 2);   /* 1 channel, 4x4, k = 2, stride 2 */
    maxpool2d_forward(&s, feature_map, y_max, argmax);
    avgpool2d_forward(&s, feature_map, y_avg);
    tensor_print_2d(stdout, "maxpool2d_forward (src/pool.c), Y (2x2):", y_max, 2, 2, 5);
    print_argmax("argmax: where each maximum came from, as (row,col) of X:", argmax, &s);
    tensor_print_2d(stdout, "avgpool2d_forward, Y (2x2):", y_avg, 2, 2, 5);
    printf("largest difference from the hand computation: %g (max), %g (average)\n",
           tensor_max_abs_diff(hand_max, y_max, 4), tensor_max_abs_diff(hand_mean, y_avg, 4));
    printf("The forward pass records the argmax: the backward pass will need it.\n");

    static const real relu_out[4] = { 0, 494, 460, 0 };   /* Intro to CNN: ReLU of [[-478,494],[460,-477]] */
    real pooled, pooled_avg;
    int where;
    pool2d_setup(&s, 1, 2, 2, 2, 2);
    maxpool2d_forward(&s, relu_out, &pooled, &where);
    avgpool2d_forward(&s, relu_out, &pooled_avg);
    printf("Intro to CNN's pipeline conv -> ReLU -> pool: its ReLU output [[0,494],[460,0]] is one\n"
           "2x2 window; max pooled it gives %g, average pooled %g.\n", (double)pooled, (double)pooled_avg);
}

/* A (c, n, n) volume of deterministic random activations in [0, 1). */
static real *random_volume(int c, int n, uint64_t seed)
{
    rng_t rng = rng_seeded(seed);
    real *v = tensor_alloc((size_t)c * n * n, "random volume");
    for (int i = 0; i < c * n * n; i++)
        v[i] = (real)rng_uniform(&rng);
    return v;
}

static void step_seed_004_volume(void)
{
    lesson_step(3, "Intro to CNN: a 26x26x32 volume, 2x2 max pooling, stride 2");
    const int n = 26, c = 32;
    pool2d_shape s;
    pool2d_setup(&s, c, n, n, 2, 2);
    printf("Each of the %d channels is pooled on its own. Along each side, Intro to CNN's formula\n"
           "with window F = 2, stride S = 2 and no padding (P = 0):\n"
           "  W_out = (W - F + 2P)/S + 1 = (%d - 2 + 0)/2 + 1 = %d\n", c, n, s.out_w);
    real *x = random_volume(c, n, 26);                           /* (32, 26, 26) */
    real *y = tensor_alloc((size_t)pool2d_output_count(&s), "pooled volume");  /* (32, 13, 13) */
    int *argmax = checked_calloc((size_t)pool2d_output_count(&s), sizeof(int), "argmax");
    maxpool2d_forward(&s, x, y, argmax);
    printf("On a deterministic random 26x26x32 volume, maxpool2d_forward gives %dx%dx%d\n"
           "(Intro to CNN: \"the volume would then be reduced to 13 crosses 13 crosses 32\").\n",
           s.out_h, s.out_w, s.c);
    printf("  channel 0, first window {%.4f %.4f %.4f %.4f} -> %.4f\n",
           (double)x[0], (double)x[1], (double)x[n], (double)x[n + 1], (double)y[0]);
    long last = pool2d_output_count(&s) - 1;
    printf("  channel 31, output (12,12) -> %.4f, taken from X[31][%d][%d]\n", (double)y[last],
           (argmax[last] / n) % n, argmax[last] % n);
    printf("  values: 26*26*32 = %d in, 13*13*32 = %ld out: a quarter; depth unchanged\n",
           n * n * c, pool2d_output_count(&s));
    printf("Notes on CNN's 64x64 -> 32x32 is the same 2x2 stride 2 pooling: (64 - 2)/2 + 1 = %d.\n",
           (64 - 2) / 2 + 1);
    printf("Pooling has no parameters, but it shrinks the layers after it. In Doshi's model\n"
           "the second pool takes 10x10x256 to 5x5x256, so flatten gives 5*5*256 = %d values and\n"
           "the dense layer has 6400*128 + 128 = %d parameters; without that pool it would\n"
           "have 10*10*256*128 + 128 = %d.\n", 5 * 5 * 256, 6400 * 128 + 128, 10 * 10 * 256 * 128 + 128);
    free(argmax);
    free(y);
    free(x);
}

static void step_overlapping(void)
{
    lesson_step(4, "Overlapping pooling: 3x3 windows with stride 2 (AlexNet, Gonzalez)");
    printf("Gonzalez: \"AlexNet also includes overlapping pooling\". Its windows are 3x3 and move\n"
           "by 2, so neighbouring windows share a row or a column. AlexNet's first pool:\n"
           "  (55 - 3)/2 + 1 = %d, so 55x55 -> 27x27 (on each of 96 channels).\n", (55 - 3) / 2 + 1);
    printf("(Gonzalez counts AlexNet's layers as \"5 fully connected layers and 3 overlapping\n"
           "layers\"; AlexNet has 5 convolutional and 3 fully connected layers, and its 3 max\n"
           "pooling layers are the overlapping ones.)\n");
    tensor_print_2d(stdout, "X (5x5):", alexnet_map, 5, 5, 2);
    pool2d_shape s;
    pool2d_setup(&s, 1, 5, 5, 3, 2);
    real max_out[4], mean_out[4], y[4];
    int argmax[4];
    pool_by_hand(&s, alexnet_map, max_out, mean_out);
    maxpool2d_forward(&s, alexnet_map, y, argmax);
    tensor_print_2d(stdout, "maxpool2d_forward, 3x3 windows, stride 2, Y (2x2):", y, 2, 2, 3);
    print_argmax("argmax:", argmax, &s);
    printf("largest difference from the hand computation: %g\n", tensor_max_abs_diff(max_out, y, 4));
    printf("The 9 at (2,3) lies in both right-hand windows and wins both of them.\n");
}

/* Max- and average-pool a 4x4 map with 2x2 windows, stride 2: y (2, 2). */
static void pool_4x4(const real *x, real *y_max, real *y_avg)
{
    pool2d_shape s;
    int argmax[4];
    pool2d_setup(&s, 1, 4, 4, 2, 2);
    maxpool2d_forward(&s, x, y_max, argmax);
    avgpool2d_forward(&s, x, y_avg);
}

/* Nudge X[row][col] of the 4x4 feature map by delta and print how Y changes. */
static void nudge(int row, int col, real delta, int show_avg)
{
    real x[16], y_max[4], y_avg[4], y0_max[4], y0_avg[4];
    tensor_copy(x, feature_map, 16);
    pool_4x4(x, y0_max, y0_avg);
    x[row * 4 + col] += delta;
    pool_4x4(x, y_max, y_avg);
    const real *before = show_avg ? y0_avg : y0_max, *after = show_avg ? y_avg : y_max;
    printf("  X[%d][%d]: %g -> %g   %s Y: [%g %g %g %g] -> [%g %g %g %g]",
           row, col, (double)feature_map[row * 4 + col], (double)x[row * 4 + col],
           show_avg ? "average" : "max", (double)before[0], (double)before[1], (double)before[2],
           (double)before[3], (double)after[0], (double)after[1], (double)after[2], (double)after[3]);
    printf("   L changes by %g\n", (double)(tensor_dot(upstream, after, 4) - tensor_dot(upstream, before, 4)));
}

static void step_max_backward(void)
{
    lesson_step(5, "Max pooling backward: perturb a pixel and watch (Notes on CNN's hint)");
    printf("Let the loss be L = sum over outputs of dL/dY * Y with\n");
    tensor_print_2d(stdout, "dL/dY (2x2), coming from the layers above:", upstream, 2, 2, 2);
    printf("so dL/dX[i] = sum over outputs of dL/dY * dY/dX[i]. Nudge pixels of X by 0.01:\n");
    nudge(0, 1, (real)0.01, 0);
    printf("  a non-maximal pixel (the 3): the window's max is still 7, no output moves:\n"
           "  dY/dX = 0, and it gets no gradient.\n");
    nudge(1, 0, (real)0.01, 0);
    printf("  the maximal pixel (the 7): the output moves by exactly 0.01: dY/dX = 1, and it\n"
           "  gets all of that window's gradient, dL/dX = dL/dY * 1 = 1.\n");
    nudge(0, 1, 5, 0);
    printf("  (A big nudge, +5 on the 3, makes it the new maximum: the derivative only\n"
           "  describes small changes, which keep the winner.)\n");
    pool2d_shape s;
    real y[4], dx[16];
    int argmax[4];
    pool2d_setup(&s, 1, 4, 4, 2, 2);
    maxpool2d_forward(&s, feature_map, y, argmax);
    maxpool2d_backward(&s, upstream, argmax, dx);
    tensor_print_2d(stdout, "maxpool2d_backward, dL/dX (4x4): each dL/dY routed to its window's argmax", dx, 4, 4, 2);
}

static void step_avg_backward(void)
{
    lesson_step(6, "Average pooling backward: the gradient is spread evenly, dL/dY / (k*k)");
    nudge(0, 1, (real)0.01, 1);
    nudge(1, 0, (real)0.01, 1);
    printf("Every pixel moves its window's mean by 0.01/4 = 0.0025, maximal or not:\n"
           "dY/dX = 1/(k*k) = 1/4 for all four pixels of the window.\n");
    pool2d_shape s;
    real dx[16];
    pool2d_setup(&s, 1, 4, 4, 2, 2);
    avgpool2d_backward(&s, upstream, dx);
    tensor_print_2d(stdout, "avgpool2d_backward, dL/dX (4x4):", dx, 4, 4, 5);
}

static void step_overlap_backward(void)
{
    lesson_step(7, "Overlapping windows: the gradients add up");
    pool2d_shape s;
    real y[4], dx[25];
    int argmax[4];
    pool2d_setup(&s, 1, 5, 5, 3, 2);
    maxpool2d_forward(&s, alexnet_map, y, argmax);
    maxpool2d_backward(&s, upstream, argmax, dx);
    tensor_print_2d(stdout, "dL/dY (2x2):", upstream, 2, 2, 2);
    tensor_print_2d(stdout, "max pooling, 3x3 stride 2: dL/dX (5x5)", dx, 5, 5, 2);
    printf("The 9 at (2,3) won two windows, so it receives both gradients: 2 + 4 = %g.\n"
           "That is why a backward pass ADDS (+=) into dX instead of assigning.\n", (double)dx[2 * 5 + 3]);
    avgpool2d_backward(&s, upstream, dx);
    tensor_print_2d(stdout, "average pooling, 3x3 stride 2: dL/dX (5x5)", dx, 5, 5, 8);
    printf("The centre (2,2) lies in all four windows: (1 + 2 + 3 + 4)/9 = %g;\n"
           "a corner lies in one window only: 1/9 = %g.\n", (double)dx[2 * 5 + 2], (double)dx[0]);
}

/* ------------------------------------------------------------------ gradient checks */

typedef struct {
    const pool2d_shape *s;
    real *x;          /* X (c, in_h, in_w): the gradient check nudges it     */
    const real *r;    /* R (c, out_h, out_w): the projection L = sum R * Y   */
    real *y;          /* scratch Y (c, out_h, out_w)                         */
    int *argmax;      /* scratch (c, out_h, out_w)                           */
    int use_max;      /* max pooling if set, else average                    */
} pool_loss_ctx;

/* L = sum_i R_i * Y_i, so dL/dY = R. */
static double pool_projection_loss(void *p)
{
    pool_loss_ctx *ctx = p;
    if (ctx->use_max)
        maxpool2d_forward(ctx->s, ctx->x, ctx->y, ctx->argmax);
    else
        avgpool2d_forward(ctx->s, ctx->x, ctx->y);
    return (double)tensor_dot(ctx->r, ctx->y, (size_t)pool2d_output_count(ctx->s));
}

static void step_ties(void)
{
    lesson_step(8, "Ties: two equal maxima, and why a gradient check there is ill-posed");
    real x[4] = { 2, 5, 5, 1 }, r = 1, y, dx[4];          /* X (2, 2), one window */
    int argmax;
    pool2d_shape s;
    pool2d_setup(&s, 1, 2, 2, 2, 2);
    maxpool2d_forward(&s, x, &y, &argmax);
    maxpool2d_backward(&s, &r, &argmax, dx);
    tensor_print_2d(stdout, "X (2x2), two 5s:", x, 2, 2, 2);
    tensor_print_2d(stdout, "maxpool2d_backward with dL/dY = 1: dL/dX", dx, 2, 2, 2);
    printf("The library gives the whole gradient to the first maximum in reading order, (0,1).\n"
           "Giving it to (1,0), or half to each, would be just as right: at a tie Y = max(a, b)\n"
           "has a kink. Raise the first 5 by h and Y rises by h (slope 1); lower it by h and the\n"
           "other 5 wins, Y stays 5 (slope 0). A central difference averages the two slopes:\n");
    pool_loss_ctx ctx = { &s, x, &r, &y, &argmax, 1 };
    int dims[2] = { 2, 2 };
    printf("  (L(x + h) - L(x - h)) / 2h at (0,1) = %.8f\n",
           numeric_derivative(&x[1], pool_projection_loss, &ctx, GRADCHECK_STEP));
    gradcheck_result r_tie = gradcheck_tensor("dX_tie", x, dx, dims, 2, pool_projection_loss, &ctx,
                                              GRADCHECK_STEP);
    gradcheck_print(stdout, &r_tie);
    printf("0.5 matches neither 1 nor 0: the check says \"wrong\", but the backward is not broken,\n"
           "the function has no derivative there. So gradient checks use random inputs, where ties\n"
           "(almost surely) do not happen.\n");
}

/* The smallest gap between a window's maximum and its runner-up (one channel
 * map or many): a nudge of h smaller than this cannot change any argmax. */
static double smallest_winner_gap(const pool2d_shape *s, const real *x)
{
    double gap = 1e30;
    for (int c = 0; c < s->c; c++)
        for (int oy = 0; oy < s->out_h; oy++)
            for (int ox = 0; ox < s->out_w; ox++) {
                double best = -1e30, second = -1e30;
                for (int ky = 0; ky < s->k; ky++)
                    for (int kx = 0; kx < s->k; kx++) {
                        double v = x[(c * s->in_h + oy * s->stride + ky) * s->in_w + ox * s->stride + kx];
                        if (v > best) {
                            second = best;
                            best = v;
                        } else if (v > second) {
                            second = v;
                        }
                    }
                if (best - second < gap)
                    gap = best - second;
            }
    return gap;
}

/* Pool a random (c, n, n) X with k x k windows and the stride, run the
 * backward with dY = R, and compare dX with central differences. */
static gradcheck_result check_pool(const char *name, int use_max, int c, int n, int k, int stride,
                                   uint64_t seed, double *gap)
{
    pool2d_shape s;
    pool2d_setup(&s, c, n, n, k, stride);
    long n_in = (long)c * n * n, n_out = pool2d_output_count(&s);
    rng_t rng = rng_seeded(seed);
    real *x = tensor_alloc((size_t)n_in, "X"), *dx = tensor_alloc((size_t)n_in, "dX");
    real *r = tensor_alloc((size_t)n_out, "R"), *y = tensor_alloc((size_t)n_out, "Y");
    int *argmax = checked_calloc((size_t)n_out, sizeof(int), "argmax");
    for (long i = 0; i < n_in; i++)
        x[i] = (real)rng_uniform_range(&rng, -1, 1);
    for (long i = 0; i < n_out; i++)
        r[i] = (real)rng_normal(&rng);
    pool_loss_ctx ctx = { &s, x, r, y, argmax, use_max };
    pool_projection_loss(&ctx);                       /* forward: fills Y and the argmax */
    if (use_max)
        maxpool2d_backward(&s, r, argmax, dx);        /* dY = R */
    else
        avgpool2d_backward(&s, r, dx);
    *gap = smallest_winner_gap(&s, x);
    int dims[3] = { c, n, n };
    gradcheck_result res = gradcheck_tensor(name, x, dx, dims, 3, pool_projection_loss, &ctx, GRADCHECK_STEP);
    free(argmax);
    free(y);
    free(r);
    free(dx);
    free(x);
    return res;
}

static void step_gradient_checks(void)
{
    lesson_step(9, "Gradient checks on random inputs");
    printf("X uniform in [-1, 1), L = sum R * Y with R random normal, so dL/dY = R;\n"
           "central differences with h = 1e-5 (bands: good <= 1e-7 < look closer <= 1e-4 < wrong):\n");
    double gap2, gap3, unused;
    gradcheck_result max2 = check_pool("dX_max2", 1, 3, 8, 2, 2, 51, &gap2);
    gradcheck_result avg2 = check_pool("dX_avg2", 0, 3, 8, 2, 2, 52, &unused);
    gradcheck_result max3 = check_pool("dX_max3", 1, 3, 9, 3, 2, 53, &gap3);
    gradcheck_result avg3 = check_pool("dX_avg3", 0, 3, 9, 3, 2, 54, &unused);
    printf("max pooling, 2x2 windows, stride 2:\n");
    gradcheck_print(stdout, &max2);
    printf("average pooling, 2x2 windows, stride 2:\n");
    gradcheck_print(stdout, &avg2);
    printf("max pooling, 3x3 windows, stride 2 (overlapping: gradients accumulate):\n");
    gradcheck_print(stdout, &max3);
    printf("average pooling, 3x3 windows, stride 2 (overlapping):\n");
    gradcheck_print(stdout, &avg3);
    printf("The smallest gap between a window's winner and its runner-up is %.4f (2x2) and\n"
           "%.4f (3x3), far above h = 1e-5: no nudge changes a winner, so no kink is crossed.\n",
           gap2, gap3);
}

/* ------------------------------------------------------------------ translation */

/* Count the positions where a and b differ. */
static int count_changed(const real *a, const real *b, int n)
{
    int changed = 0;
    for (int i = 0; i < n; i++)
        changed += a[i] != b[i];
    return changed;
}

/* 2x2 stride 2 pooling of a one-channel (n, n) image into (n/2, n/2). */
static void pool_half(const real *img, int n, int use_max, real *out)
{
    pool2d_shape s;
    pool2d_setup(&s, 1, n, n, 2, 2);
    int *argmax = checked_calloc((size_t)pool2d_output_count(&s), sizeof(int), "argmax");
    if (use_max)
        maxpool2d_forward(&s, img, out, argmax);
    else
        avgpool2d_forward(&s, img, out);
    free(argmax);
}

/* How many values change, out of how many, at each stage. */
typedef struct {
    int pixels, max_pooled, avg_pooled, max_twice;   /* changed */
    int n_pixels, n_pooled, n_twice;                 /* out of  */
} shift_counts;

/* One row of the table: how many values change between img and moved (n, n)
 * with no pooling, max pooling, average pooling, and max pooling twice. */
static shift_counts shift_row(const char *label, const real *img, const real *moved, int n)
{
    int half = n / 2, quarter = n / 4;
    real *a = tensor_alloc((size_t)half * half, "pooled"), *b = tensor_alloc((size_t)half * half, "pooled");
    real *aa = tensor_alloc((size_t)quarter * quarter, "pooled twice");
    real *bb = tensor_alloc((size_t)quarter * quarter, "pooled twice");
    shift_counts c = { 0, 0, 0, 0, n * n, half * half, quarter * quarter };
    c.pixels = count_changed(img, moved, n * n);
    pool_half(img, n, 1, a);
    pool_half(moved, n, 1, b);
    c.max_pooled = count_changed(a, b, half * half);
    pool_half(a, half, 1, aa);
    pool_half(b, half, 1, bb);
    c.max_twice = count_changed(aa, bb, quarter * quarter);
    pool_half(img, n, 0, a);
    pool_half(moved, n, 0, b);
    c.avg_pooled = count_changed(a, b, half * half);
    printf("  %-28s %4d/%-4d   %3d/%-4d   %3d/%-4d   %3d/%d\n", label, c.pixels, c.n_pixels,
           c.max_pooled, c.n_pooled, c.avg_pooled, c.n_pooled, c.max_twice, c.n_twice);
    free(bb);
    free(aa);
    free(b);
    free(a);
    return c;
}

/* An 8x8 black image with one bright pixel (9) at (3, col). */
static void dot_image(real *img, int col)
{
    tensor_fill(img, 64, 0);
    img[3 * 8 + col] = 9;
}

/* A (n, n) random texture and the same texture shifted right by one pixel
 * (a fresh column comes in on the left). */
static void texture_pair(real *img, real *moved, int n, uint64_t seed)
{
    rng_t rng = rng_seeded(seed);
    for (int i = 0; i < n * n; i++)
        img[i] = (real)rng_uniform(&rng);
    for (int y = 0; y < n; y++) {
        moved[y * n] = (real)rng_uniform(&rng);
        for (int x = 1; x < n; x++)
            moved[y * n + x] = img[y * n + x - 1];
    }
}

static void step_translation(void)
{
    lesson_step(10, "Shift the input by one pixel: how much of the pooled output changes?");
    printf("Notes on CNN: \"It is this pooling that ensures the translational invariance of CNN.\"\n"
           "Count the values that change when the input moves one pixel to the right:\n\n");
    printf("  %-28s %9s   %8s   %8s   %7s\n", "input", "no pool", "max 2x2", "avg 2x2", "max x2");
    real img[64], moved[64];
    dot_image(img, 2);
    dot_image(moved, 3);
    shift_row("8x8, a dot at col 2 -> 3", img, moved, 8);
    dot_image(img, 3);
    dot_image(moved, 4);
    shift_row("8x8, a dot at col 3 -> 4", img, moved, 8);
    const int n = 32;
    real *texture = tensor_alloc((size_t)n * n, "texture"), *texture_moved = tensor_alloc((size_t)n * n, "texture");
    texture_pair(texture, texture_moved, n, 10);
    shift_counts t = shift_row("32x32 random texture", texture, texture_moved, n);
    free(texture_moved);
    free(texture);
    printf("\n(\"max x2\" is 2x2 max pooling applied twice, as in a network with two pooling layers.)\n"
           "A lone bright dot that moves inside its 2x2 window (col 2 -> 3) leaves the pooled map\n"
           "unchanged; the same move across a window edge (col 3 -> 4) changes it, and a dot in\n"
           "every other column sits at an edge. On a textured image a one-pixel shift changes\n"
           "%d%% of the pixels; after 2x2 max pooling %d%% of the outputs still change, after two\n"
           "poolings %d%%, after average pooling %d%%. Pooling buys some local invariance to small\n"
           "shifts, more with depth; it does not \"ensure\" translation invariance.\n",
           100 * t.pixels / t.n_pixels, 100 * t.max_pooled / t.n_pooled, 100 * t.max_twice / t.n_twice,
           100 * t.avg_pooled / t.n_pooled);
}

int main(int argc, char **argv)
{
    lesson_start(argc, argv, "Lesson 05: pooling, forward and backward", 0);
    real hand_max[4], hand_mean[4];   /* (2, 2) */
    step_by_hand(hand_max, hand_mean);
    step_library(hand_max, hand_mean);
    step_seed_004_volume();
    step_overlapping();
    step_max_backward();
    step_avg_backward();
    step_overlap_backward();
    step_ties();
    step_gradient_checks();
    step_translation();
    printf("\nNext: lesson 06, the backward pass of a convolution (notes/06_conv_backward.md; build/lessons/06_conv_backward).\n");
    return 0;
}
