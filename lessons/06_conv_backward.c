/* Lesson 06: the backward pass of a convolution.
 *
 * Doshi derives it on a 3x3 input X, a 2x2 filter F and the 2x2 output O:
 *     dL/dF = conv(X, dL/dO)                      (a valid convolution)
 *     dL/dX = full convolution of the 180-degree-rotated F with dL/dO
 * and notes "dL/dX11 = F11 * dL/dO11". We do it by hand with small integers
 * (X is the left 3x3 of lesson 01's image, F is lesson 01's filter), add
 * db = sum of dL/dO (Gonzalez calls the three dA, dW and db), compare with the
 * library's conv2d_backward (src/conv.c) and check all three against central
 * differences. Then the general case (channels, stride 2, padding 1): with a
 * stride, dL/dX is the full convolution of the rotated filter with a DILATED
 * dL/dO. Last, a backward pass that forgets to rotate the filter, and the
 * gradient check that catches it.
 *
 * Run: build/lessons/06_conv_backward [--step]      Notes: notes/06_conv_backward.md */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "conv.h"       /* conv2d_shape, conv2d_forward, conv2d_output_count, conv2d_setup, ... */
#include "gradcheck.h"  /* gradcheck_result, gradcheck_tensor, GRADCHECK_STEP, gradcheck_print */
#include "lesson.h"     /* lesson_step, lesson_start */
#include "rng.h"        /* rng_t, rng_seeded, rng_normal */
#include "tensor.h"     /* tensor_fill, tensor_dot, tensor_print_2d, tensor_sum, tensor_copy, ... */

static const real X[3 * 3] = {    /* X (3, 3): the left 3x3 of Notes on CNN's image (lesson 01) */
    5, 2, 2,
    3, 1, 2,
    9, 0, 4,
};
static const real F[2 * 2] = {    /* F (2, 2): Notes on CNN's filter (lesson 01) */
    1, 2,
    -1, 0,
};
static const real dO[2 * 2] = {   /* dL/dO (2, 2): the gradient from the layers above */
    2, 1,
    -1, 3,
};

/* ------------------------------------------------------------------ by hand */

/* "a*b" with a negative factor in parentheses, as lesson 01 prints products. */
static void print_product(int first, real a, real b)
{
    printf("%s", first ? "" : " + ");
    printf(a < 0 ? "(%g)" : "%g", (double)a);
    printf(b < 0 ? "*(%g)" : "*%g", (double)b);
}

/* Valid cross-correlation of a (ah, aw) with b (bh, bw), one printed line per
 * output: "<name>rc = a*b + ... = sum" with 1-based r, c as in Doshi.
 * out is (ah - bh + 1, aw - bw + 1). */
static void correlate_by_hand(const char *name, const real *a, int ah, int aw,
                              const real *b, int bh, int bw, real *out)
{
    int oh = ah - bh + 1, ow = aw - bw + 1;
    for (int r = 0; r < oh; r++)
        for (int c = 0; c < ow; c++) {
            real sum = 0;
            printf("  %s%d%d = ", name, r + 1, c + 1);
            for (int i = 0; i < bh; i++)
                for (int j = 0; j < bw; j++) {
                    real av = a[(r + i) * aw + c + j], bv = b[i * bw + j];
                    print_product(i == 0 && j == 0, av, bv);
                    sum += av * bv;
                }
            printf(" = %g\n", (double)sum);
            out[r * ow + c] = sum;
        }
}

/* f (k, k) turned by 180 degrees: out[i][j] = f[k-1-i][k-1-j]. */
static void rotate_180(const real *f, int k, real *out)
{
    for (int i = 0; i < k; i++)
        for (int j = 0; j < k; j++)
            out[i * k + j] = f[(k - 1 - i) * k + (k - 1 - j)];
}

/* g (h, w) with p rows/columns of zeros on every side: out (h + 2p, w + 2p). */
static void zero_pad(const real *g, int h, int w, int p, real *out)
{
    int pw = w + 2 * p;
    tensor_fill(out, (size_t)(h + 2 * p) * pw, 0);
    for (int i = 0; i < h; i++)
        for (int j = 0; j < w; j++)
            out[(i + p) * pw + j + p] = g[i * w + j];
}

/* d (h, w) with stride-1 zeros between neighbouring entries:
 * out ((h-1)*stride + 1, (w-1)*stride + 1). */
static void dilate(const real *d, int h, int w, int stride, real *out)
{
    int dw = (w - 1) * stride + 1;
    tensor_fill(out, (size_t)((h - 1) * stride + 1) * dw, 0);
    for (int i = 0; i < h; i++)
        for (int j = 0; j < w; j++)
            out[i * stride * dw + j * stride] = d[i * w + j];
}

/* out (gh + k - 1, gw + k - 1) += full convolution of rot180(f) (k, k) with
 * g (gh, gw): g padded with k-1 zeros all round, the rotated filter slid over
 * it. rotate = 0 slides f itself: the broken version of step 9. */
static void full_conv_add(const real *f, int k, const real *g, int gh, int gw, int rotate, real *out)
{
    int oh = gh + k - 1, ow = gw + k - 1;
    for (int r = 0; r < oh; r++)
        for (int c = 0; c < ow; c++)
            for (int a = 0; a < k; a++)
                for (int b = 0; b < k; b++) {
                    int gy = r + a - (k - 1), gx = c + b - (k - 1);   /* position in g */
                    if (gy < 0 || gy >= gh || gx < 0 || gx >= gw)
                        continue;                                     /* a padding zero */
                    real fv = rotate ? f[(k - 1 - a) * k + (k - 1 - b)] : f[a * k + b];
                    out[r * ow + c] += fv * g[gy * gw + gx];
                }
}

/* ------------------------------------------------------------------ gradient checks */

typedef struct {
    const conv2d_shape *s;
    real *x, *w, *b;    /* X, W, b: the gradient check nudges each in turn */
    const real *r;      /* R (out_c, out_h, out_w): L = sum R * Y, so dL/dY = R */
    real *y;            /* scratch Y (out_c, out_h, out_w) */
} conv_loss_ctx;

static double conv_projection_loss(void *p)
{
    conv_loss_ctx *ctx = p;
    conv2d_forward(ctx->s, ctx->x, ctx->w, ctx->b, ctx->y);
    return (double)tensor_dot(ctx->r, ctx->y, (size_t)conv2d_output_count(ctx->s));
}

/* Check dW, dX and db against central differences; print one line each. */
static void check_and_print(conv_loss_ctx *ctx, const char *w_name, const real *dw, const real *dx,
                            const real *db)
{
    const conv2d_shape *s = ctx->s;
    int wdims[4] = { s->out_c, s->in_c, s->k_h, s->k_w }, xdims[3] = { s->in_c, s->in_h, s->in_w };
    int bdims[1] = { s->out_c };
    int one_channel = s->in_c == 1 && s->out_c == 1;   /* print a single map as 2-D */
    gradcheck_result rw = gradcheck_tensor(w_name, ctx->w, dw, one_channel ? wdims + 2 : wdims,
                                           one_channel ? 2 : 4, conv_projection_loss, ctx, GRADCHECK_STEP);
    gradcheck_result rx = gradcheck_tensor("dX", ctx->x, dx, one_channel ? xdims + 1 : xdims,
                                           one_channel ? 2 : 3, conv_projection_loss, ctx, GRADCHECK_STEP);
    gradcheck_result rb = gradcheck_tensor("db", ctx->b, db, bdims, 1, conv_projection_loss, ctx,
                                           GRADCHECK_STEP);
    gradcheck_print(stdout, &rw);
    gradcheck_print(stdout, &rx);
    gradcheck_print(stdout, &rb);
}

/* ------------------------------------------------------------------ steps */

static void step_forward(void)
{
    lesson_step(1, "The forward pass, on Doshi's shapes: X 3x3, F 2x2, O 2x2");
    tensor_print_2d(stdout, "input X (3x3): the left 3x3 of lesson 01's image", X, 3, 3, 2);
    tensor_print_2d(stdout, "filter F (2x2): lesson 01's filter", F, 2, 2, 2);
    real out[4];
    printf("O = conv(X, F), bias b = 0 (its value does not change any gradient):\n");
    correlate_by_hand("O", X, 3, 3, F, 2, 2, out);
    printf("Written out, each output is a sum of products (1-based indices, as in Doshi):\n"
           "  O11 = X11 F11 + X12 F12 + X21 F21 + X22 F22 + b\n"
           "  O12 = X12 F11 + X13 F12 + X22 F21 + X23 F22 + b\n"
           "  O21 = X21 F11 + X22 F12 + X31 F21 + X32 F22 + b\n"
           "  O22 = X22 F11 + X23 F12 + X32 F21 + X33 F22 + b\n"
           "Each backward formula below is the chain rule applied to these four lines.\n");
}

static void step_upstream(void)
{
    lesson_step(2, "The gradient from above, dL/dO");
    tensor_print_2d(stdout, "dL/dO (2x2):", dO, 2, 2, 2);
    printf("The layer does not need to know the loss: the layers above hand it dL/dO, and it\n"
           "must return dL/dF (to update the filter), dL/db, and dL/dX (to hand further down;\n"
           "Doshi: \"Passes on the loss gradient information to the next layer\").\n"
           "For the gradient checks we take the loss L = sum over i,j of dL/dOij * Oij, whose\n"
           "gradient with respect to O is exactly this matrix. Names across the sources:\n"
           "  this lesson   Doshi                Gonzalez   library (src/conv.h)\n"
           "  dL/dO         dL/dO (also dL/dtheta)  dZ         dY\n"
           "  dL/dF         dL/dF                   dW         dW\n"
           "  dL/db         -                       db         db\n"
           "  dL/dX         dL/dX                   dA         dX\n");
}

static void step_dfilter(real *dF)   /* dF (2, 2) */
{
    lesson_step(3, "dL/dF = conv(X, dL/dO): a valid convolution of X with dL/dO");
    printf("F11 appears in all four lines of step 1, each time times a different pixel:\n"
           "  dL/dF11 = dL/dO11 * X11 + dL/dO12 * X12 + dL/dO21 * X21 + dL/dO22 * X22\n"
           "which is dL/dO laid over X's top-left 2x2 window, multiplied and summed. F12 meets\n"
           "the window one column right, and so on: slide dL/dO over X as if it were a filter.\n");
    correlate_by_hand("dL/dF", X, 3, 3, dO, 2, 2, dF);
    tensor_print_2d(stdout, "dL/dF (2x2):", dF, 2, 2, 3);
    printf("Intro to CNN says the same in its notation: dE/df is the upstream gradient \"convolved\n"
           "with\" dZ1/df = X, \"instead of using a simple dot product\".\n");
}

static void step_dinput(real *dX)   /* dX (3, 3) */
{
    lesson_step(4, "dL/dX = full convolution of the 180-degree-rotated F with dL/dO");
    printf("X11 appears in one line of step 1 only (O11 = X11 F11 + ...), so\n"
           "  dL/dX11 = F11 * dL/dO11 = %g * %g = %g        (Doshi's formula)\n"
           "X22 appears in all four lines, each time with a different weight:\n"
           "  dL/dX22 = F22 dL/dO11 + F21 dL/dO12 + F12 dL/dO21 + F11 dL/dO22\n"
           "The filter meets dL/dO back to front: that is the rotation. Every pixel of X\n"
           "gets a sum like this; to write them all as one sliding window, pad dL/dO with\n"
           "k - 1 = 1 ring of zeros and slide the rotated filter over it (a \"full\" convolution:\n"
           "every position where the two overlap at all, (2 + 2 - 1) = 3 per side, X's size).\n",
           (double)F[0], (double)dO[0], (double)(F[0] * dO[0]));
    real rot[4], padded[16];
    rotate_180(F, 2, rot);
    zero_pad(dO, 2, 2, 1, padded);
    tensor_print_2d(stdout, "F rotated by 180 degrees, [[F22, F21], [F12, F11]]:", rot, 2, 2, 3);
    tensor_print_2d(stdout, "dL/dO padded with one ring of zeros (4x4):", padded, 4, 4, 3);
    printf("Each window of the padded dL/dO times the rotated filter:\n");
    correlate_by_hand("dL/dX", padded, 4, 4, rot, 2, 2, dX);
    tensor_print_2d(stdout, "dL/dX (3x3):", dX, 3, 3, 3);
    printf("The first window sees only dL/dO11, under the rotated filter's last entry, F11:\n"
           "dL/dX11 = %g = F11 * dL/dO11, as Doshi says.\n", (double)dX[0]);
}

static real step_dbias(void)
{
    lesson_step(5, "dL/db = the sum of dL/dO");
    real db = tensor_sum(dO, 4);
    printf("b is added to every output (dOij/db = 1), so it collects all of dL/dO:\n"
           "  dL/db = %g + %g + (%g) + %g = %g\n",
           (double)dO[0], (double)dO[1], (double)dO[2], (double)dO[3], (double)db);
    printf("(Gonzalez: db \"is computed by summing all the gradients of the convolution output\".\n"
           "The sum, not the mean: the bias is used four times, once per output.)\n");
    return db;
}

static void step_library(const real *hand_dF, const real *hand_dX, real hand_db)
{
    lesson_step(6, "The library's conv2d_backward, and central differences");
    conv2d_shape s;
    conv2d_setup(&s, 1, 3, 3, 1, 2, 1, 0);   /* 1 channel in, 1 filter 2x2, stride 1, no padding */
    real x[9], w[4], b = 0, y[4], dw[4] = { 0 }, db = 0, dx[9];
    tensor_copy(x, X, 9);
    tensor_copy(w, F, 4);
    conv2d_backward(&s, x, w, dO, dw, &db, dx);   /* dW and db are ADDED to: start from 0 */
    tensor_print_2d(stdout, "conv2d_backward: dW (2x2)", dw, 2, 2, 3);
    tensor_print_2d(stdout, "conv2d_backward: dX (3x3)", dx, 3, 3, 3);
    printf("conv2d_backward: db = %g\n", (double)db);
    printf("largest difference from the hand computation: dF %g, dX %g, db %g\n",
           tensor_max_abs_diff(dw, hand_dF, 4), tensor_max_abs_diff(dx, hand_dX, 9),
           (double)(db > hand_db ? db - hand_db : hand_db - db));
    printf("Central differences, h = 1e-5, on L = sum dL/dO * O (good <= 1e-7 < look closer\n"
           "<= 1e-4 < wrong):\n");
    conv_loss_ctx ctx = { &s, x, w, &b, dO, y };
    check_and_print(&ctx, "dF", dw, dx, &db);
}

/* Random X, W, b, R for a layer of shape s (caller frees). */
static void random_layer(const conv2d_shape *s, uint64_t seed, real **x, real **w, real **b, real **r)
{
    rng_t rng = rng_seeded(seed);
    long nx = (long)s->in_c * s->in_h * s->in_w, nw = conv2d_weight_count(s), ny = conv2d_output_count(s);
    *x = tensor_alloc((size_t)nx, "X");
    *w = tensor_alloc((size_t)nw, "W");
    *b = tensor_alloc((size_t)s->out_c, "b");
    *r = tensor_alloc((size_t)ny, "R");
    for (long i = 0; i < nx; i++)
        (*x)[i] = (real)rng_normal(&rng);
    for (long i = 0; i < nw; i++)
        (*w)[i] = (real)rng_normal(&rng);
    for (int i = 0; i < s->out_c; i++)
        (*b)[i] = (real)rng_normal(&rng);
    for (long i = 0; i < ny; i++)
        (*r)[i] = (real)rng_normal(&rng);
}

/* dX (in_c, in_h, in_w) as the lesson explains it: for every input channel,
 * the sum over filters of the full convolution of the rotated filter with the
 * dilated dY, then the padding rows and columns cut off. rotate = 0 is the
 * broken version (the filter not rotated). */
static void dx_by_dilation(const conv2d_shape *s, const real *w, const real *dy, int rotate, real *dx)
{
    int S = s->stride, k = s->k_h, oh = s->out_h, ow = s->out_w;
    int dh = (oh - 1) * S + 1, dw = (ow - 1) * S + 1;          /* dilated dY         */
    int ph = dh + k - 1, pw = dw + k - 1;                      /* = padded X's size   */
    real *dil = tensor_alloc((size_t)dh * dw, "dilated dY");
    real *acc = tensor_alloc((size_t)ph * pw, "dX with padding");
    for (int ci = 0; ci < s->in_c; ci++) {
        tensor_fill(acc, (size_t)ph * pw, 0);
        for (int co = 0; co < s->out_c; co++) {
            dilate(dy + (size_t)co * oh * ow, oh, ow, S, dil);
            full_conv_add(w + ((size_t)co * s->in_c + ci) * k * k, k, dil, dh, dw, rotate, acc);
        }
        for (int y = 0; y < s->in_h; y++)                      /* drop the padding */
            for (int x = 0; x < s->in_w; x++)
                dx[((size_t)ci * s->in_h + y) * s->in_w + x] = acc[(y + s->pad_top) * pw + x + s->pad_left];
    }
    free(acc);
    free(dil);
}

static void step_general(void)
{
    lesson_step(7, "The general case: 2 input channels, 3 filters, stride 2, padding 1");
    conv2d_shape s;
    conv2d_setup(&s, 2, 7, 7, 3, 3, 2, 1);
    printf("X (2x7x7), W (3x2x3x3), b (3); each side (7 - 3 + 2*1)/2 + 1 = %d, so Y is %dx%dx%d.\n",
           s.out_h, s.out_c, s.out_h, s.out_w);
    printf("With channels the same rules hold channel by channel, and sums appear where a\n"
           "tensor is shared: dW[co][ci] = conv(X[ci], dY[co]) (a strided one here), db[co] =\n"
           "sum of dY[co], and dX[ci] = sum over the filters co of the full convolution of\n"
           "rot180(W[co][ci]) with dY[co] (Gonzalez: \"adding all the gradients from all the\n"
           "slices\"). X, W, b and R random normal, L = sum R * Y:\n");
    real *x, *w, *b, *r;
    random_layer(&s, 6, &x, &w, &b, &r);
    real *y = tensor_alloc((size_t)conv2d_output_count(&s), "Y");
    real *dw = tensor_alloc((size_t)conv2d_weight_count(&s), "dW"), *db = tensor_alloc(3, "db");
    real *dx = tensor_alloc((size_t)2 * 7 * 7, "dX");
    conv2d_backward(&s, x, w, r, dw, db, dx);
    conv_loss_ctx ctx = { &s, x, w, b, r, y };
    check_and_print(&ctx, "dW", dw, dx, db);
    free(dx);
    free(db);
    free(dw);
    free(y);
    free(r);
    free(b);
    free(w);
    free(x);
}

/* Gradient-check a dX (in_c, in_h, in_w) of layer s against central differences. */
static void check_dx(const conv2d_shape *s, real *x, real *w, real *b, const real *r, const real *dx,
                     const char *name)
{
    real *y = tensor_alloc((size_t)conv2d_output_count(s), "Y");
    conv_loss_ctx ctx = { s, x, w, b, r, y };
    int dims[3] = { s->in_c, s->in_h, s->in_w };
    int one = s->in_c == 1;
    gradcheck_result res = gradcheck_tensor(name, x, dx, one ? dims + 1 : dims, one ? 2 : 3,
                                            conv_projection_loss, &ctx, GRADCHECK_STEP);
    gradcheck_print(stdout, &res);
    free(y);
}

static void step_dilation_small(void)
{
    static const real x5[25] = { 1, 0, 2, 1, 0, 3, 1, 0, 2, 1, 0, 2, 1, 1, 3, 1, 0, 3, 0, 2, 2, 1, 0, 1, 1 };
    static const real f3[9] = { 1, 0, -1, 2, 1, 0, 0, -1, 1 };
    static const real dy2[4] = { 1, 2, 3, 4 };
    printf("One channel: X (5x5), a 3x3 filter, stride 2, no padding: O is 2x2.\n");
    tensor_print_2d(stdout, "filter F (3x3):", f3, 3, 3, 3);
    tensor_print_2d(stdout, "dL/dO (2x2):", dy2, 2, 2, 3);
    printf("In the forward pass neighbouring outputs used windows 2 pixels apart. Put dL/dO\n"
           "back on that grid: insert S - 1 = 1 zero between its entries (dilate it):\n");
    real dil[9], padded[49], rot[9], dx_hand[25] = { 0 };
    dilate(dy2, 2, 2, 2, dil);
    tensor_print_2d(stdout, "dilated dL/dO (3x3):", dil, 3, 3, 3);
    zero_pad(dil, 3, 3, 2, padded);
    rotate_180(f3, 3, rot);
    tensor_print_2d(stdout, "padded with k - 1 = 2 rings of zeros (7x7):", padded, 7, 7, 3);
    tensor_print_2d(stdout, "rotated filter (3x3):", rot, 3, 3, 3);
    full_conv_add(f3, 3, dil, 3, 3, 1, dx_hand);
    tensor_print_2d(stdout, "full convolution: dL/dX (5x5), the size of X", dx_hand, 5, 5, 3);

    conv2d_shape s;
    conv2d_setup(&s, 1, 5, 5, 1, 3, 2, 0);
    real x[25], w[9], db = 0, dw[9] = { 0 }, dx[25];
    tensor_copy(x, x5, 25);
    tensor_copy(w, f3, 9);
    conv2d_backward(&s, x, w, dy2, dw, &db, dx);
    tensor_print_2d(stdout, "conv2d_backward: dX (5x5)", dx, 5, 5, 3);
    printf("largest difference: %g. Without the dilation the full convolution of the 2x2 dL/dO\n"
           "would be (2 + 3 - 1) = 4 wide, not 5, and its numbers in the wrong places.\n",
           tensor_max_abs_diff(dx, dx_hand, 25));
    printf("The dilated version against central differences of L = sum dL/dO * O:\n");
    real b = 0;
    check_dx(&s, x, w, &b, dy2, dx_hand, "dX");
}

static void step_dilation(void)
{
    lesson_step(8, "What the stride does to dL/dX: dilate dL/dO, then the full convolution");
    step_dilation_small();
    conv2d_shape s;
    conv2d_setup(&s, 2, 7, 7, 3, 3, 2, 1);
    real *x, *w, *b, *r;
    random_layer(&s, 6, &x, &w, &b, &r);
    real *dw = tensor_alloc((size_t)conv2d_weight_count(&s), "dW"), *db = tensor_alloc(3, "db");
    real *dx = tensor_alloc((size_t)2 * 7 * 7, "dX"), *dx_dil = tensor_alloc((size_t)2 * 7 * 7, "dX");
    conv2d_backward(&s, x, w, r, dw, db, dx);
    dx_by_dilation(&s, w, r, 1, dx_dil);
    printf("\nThe layer of step 7 (2 channels, 3 filters, stride 2, padding 1): dilate each\n"
           "4x4 dY[co] to 7x7, full-convolve with rot180(W[co][ci]) to 9x9 (the padded X),\n"
           "sum over co, cut the padding ring off: 7x7 per channel.\n"
           "largest difference from conv2d_backward's dX: %s\n",
           tensor_max_abs_diff(dx, dx_dil, 2 * 7 * 7) < 1e-12 ? "below 1e-12" : "LARGE (a bug)");
    free(dx_dil);
    free(dx);
    free(db);
    free(dw);
    free(r);
    free(b);
    free(w);
    free(x);
}

static void step_broken(void)
{
    lesson_step(9, "A broken backward: the filter not rotated");
    printf("Slide F itself, not its rotation, over the padded dL/dO of step 4:\n");
    real bad[9] = { 0 }, x[9], w[4], b = 0;
    full_conv_add(F, 2, dO, 2, 2, 0, bad);
    tensor_print_2d(stdout, "dL/dX without the rotation (3x3):", bad, 3, 3, 3);
    printf("dL/dX11 would be %g = F22 * dL/dO11 instead of F11 * dL/dO11 = %g. The gradient\n"
           "check catches it:\n", (double)bad[0], (double)(F[0] * dO[0]));
    conv2d_shape s;
    conv2d_setup(&s, 1, 3, 3, 1, 2, 1, 0);
    tensor_copy(x, X, 9);
    tensor_copy(w, F, 4);
    check_dx(&s, x, w, &b, dO, bad, "dX_bad");
    printf("And on the layer of step 7 (dilation right, rotation missing):\n");
    conv2d_setup(&s, 2, 7, 7, 3, 3, 2, 1);
    real *xr, *wr, *br, *rr;
    random_layer(&s, 6, &xr, &wr, &br, &rr);
    real *dx_bad = tensor_alloc((size_t)2 * 7 * 7, "dX");
    dx_by_dilation(&s, wr, rr, 0, dx_bad);
    check_dx(&s, xr, wr, br, rr, dx_bad, "dX_bad");
    printf("A \"wrong\" band (relative error far above 1e-4) is a bug, not rounding: compare\n"
           "with the \"good\" lines of steps 6 and 7. dW and db never use the rotated filter, so\n"
           "with this bug their checks stay good and only dX fails: that pattern points straight\n"
           "at the rotation.\n");
    free(dx_bad);
    free(rr);
    free(br);
    free(wr);
    free(xr);
}

int main(int argc, char **argv)
{
    lesson_start(argc, argv, "Lesson 06: the backward pass of a convolution", 0);
    real dF[4], dX[9];   /* (2, 2) and (3, 3), by hand */
    step_forward();
    step_upstream();
    step_dfilter(dF);
    step_dinput(dX);
    real db = step_dbias();
    step_library(dF, dX, db);
    step_general();
    step_dilation();
    step_broken();
    printf("\nNext: lesson 07, dense layers and a first complete network (notes/07_dense.md; build/lessons/07_dense).\n");
    return 0;
}
