/* conv.c: the naive (direct) 2-D convolution, forward and backward.
 *
 * Every loop nest below has the same skeleton: for each output channel co,
 * input channel ci and filter tap (ky, kx), walk the output positions
 * (oy, ox) whose input pixel (iy, ix) = (oy*S + ky - pad_top, ox*S + kx - pad_left)
 * lies inside X. Padding pixels are zero, so they add nothing and are skipped.
 * The innermost loop runs along ox, so it walks Y and X row by row. */
#include "conv.h"

#include <stdlib.h>
#include <string.h>

#include "gemm.h"
#include "tensor.h"

int conv_output_size(int in, int k, int pad_before, int pad_after, int stride)
{
    int span = in + pad_before + pad_after - k;  /* how far the window can travel */
    if (in <= 0 || k <= 0 || stride <= 0 || pad_before < 0 || pad_after < 0)
        return -1;
    if (span < 0 || span % stride != 0)
        return -1;
    return span / stride + 1;
}

int conv2d_setup_asym(conv2d_shape *s, int in_c, int in_h, int in_w, int out_c, int k, int stride,
                      int pad_top, int pad_bottom, int pad_left, int pad_right)
{
    s->in_c = in_c;  s->in_h = in_h;  s->in_w = in_w;
    s->out_c = out_c;  s->k_h = k;  s->k_w = k;  s->stride = stride;
    s->pad_top = pad_top;  s->pad_bottom = pad_bottom;
    s->pad_left = pad_left;  s->pad_right = pad_right;
    s->out_h = conv_output_size(in_h, k, pad_top, pad_bottom, stride);
    s->out_w = conv_output_size(in_w, k, pad_left, pad_right, stride);
    if (in_c <= 0 || out_c <= 0 || s->out_h < 0 || s->out_w < 0)
        return -1;
    return 0;
}

int conv2d_setup(conv2d_shape *s, int in_c, int in_h, int in_w, int out_c, int k, int stride, int pad)
{
    return conv2d_setup_asym(s, in_c, in_h, in_w, out_c, k, stride, pad, pad, pad, pad);
}

long conv2d_weight_count(const conv2d_shape *s)
{
    return (long)s->out_c * s->in_c * s->k_h * s->k_w;
}

long conv2d_output_count(const conv2d_shape *s)
{
    return (long)s->out_c * s->out_h * s->out_w;
}

/* The output positions o in [*lo, *hi) whose input position o*stride + k - pad
 * falls inside [0, in): outside that range the window covers padding only. */
static void inside_range(int k, int pad, int stride, int in, int out, int *lo, int *hi)
{
    int first = 0, last = out;
    while (first < out && first * stride + k - pad < 0)
        first++;
    while (last > first && (last - 1) * stride + k - pad >= in)
        last--;
    *lo = first;
    *hi = last;
}

void conv2d_forward(const conv2d_shape *s, const real *x, const real *w, const real *b, real *y)
{
    const int S = s->stride, oh = s->out_h, ow = s->out_w;
    for (int co = 0; co < s->out_c; co++)                       /* Y[co] starts at the bias */
        for (int i = 0; i < oh * ow; i++)
            y[co * oh * ow + i] = b[co];
    for (int co = 0; co < s->out_c; co++)
        for (int ci = 0; ci < s->in_c; ci++)
            for (int ky = 0; ky < s->k_h; ky++) {
                int y_lo, y_hi;
                inside_range(ky, s->pad_top, S, s->in_h, oh, &y_lo, &y_hi);
                for (int kx = 0; kx < s->k_w; kx++) {
                    int x_lo, x_hi;
                    inside_range(kx, s->pad_left, S, s->in_w, ow, &x_lo, &x_hi);
                    real wv = w[((co * s->in_c + ci) * s->k_h + ky) * s->k_w + kx];
                    int ix0 = kx - s->pad_left;         /* ix = ox * S + ix0 (may start < 0: padding) */
                    for (int oy = y_lo; oy < y_hi; oy++) {
                        int iy = oy * S + ky - s->pad_top;
                        real *y_row = y + (co * oh + oy) * ow;
                        const real *x_row = x + (ci * s->in_h + iy) * s->in_w;   /* row iy, from its start */
                        for (int ox = x_lo; ox < x_hi; ox++)
                            y_row[ox] += wv * x_row[ox * S + ix0];   /* Y += W[ky][kx] * X[iy][ix] */
                    }
                }
            }
}

/* sum_i a[i] * b[i * stride] for i in [0, n). Four running totals, added at
 * the end: with one, every addition would wait for the one before it; with
 * four the processor overlaps them (the result differs only in rounding). */
static real strided_dot(const real *a, const real *b, int n, int stride)
{
    real t0 = 0, t1 = 0, t2 = 0, t3 = 0;
    int i = 0;
    for (; i + 4 <= n; i += 4) {
        t0 += a[i] * b[i * stride];
        t1 += a[i + 1] * b[(i + 1) * stride];
        t2 += a[i + 2] * b[(i + 2) * stride];
        t3 += a[i + 3] * b[(i + 3) * stride];
    }
    for (; i < n; i++)
        t0 += a[i] * b[i * stride];
    return (t0 + t1) + (t2 + t3);
}

/* sum_i a[i] for i in [0, n), with four running totals like strided_dot. */
static real sum_of(const real *a, int n)
{
    real t0 = 0, t1 = 0, t2 = 0, t3 = 0;
    int i = 0;
    for (; i + 4 <= n; i += 4) {
        t0 += a[i];
        t1 += a[i + 1];
        t2 += a[i + 2];
        t3 += a[i + 3];
    }
    for (; i < n; i++)
        t0 += a[i];
    return (t0 + t1) + (t2 + t3);
}

/* Chain rule, one tap at a time. In the forward pass each product
 *     Y[co][oy][ox] += W[co][ci][ky][kx] * X[ci][iy][ix]
 * so its local derivatives are dY/dW = X[ci][iy][ix] and dY/dX = W[co][ci][ky][kx]:
 *     dW[co][ci][ky][kx] += dY[co][oy][ox] * X[ci][iy][ix]     (summed: conv(X, dY))
 *     dX[ci][iy][ix]     += dY[co][oy][ox] * W[co][ci][ky][kx] (summed: full conv of rot180(W) with dY)
 *     db[co]             += dY[co][oy][ox]                      (dY/db = 1)                        */
void conv2d_backward(const conv2d_shape *s, const real *x, const real *w, const real *dy,
                     real *dw, real *db, real *dx)
{
    const int S = s->stride, oh = s->out_h, ow = s->out_w;
    if (dx)
        memset(dx, 0, sizeof(real) * (size_t)s->in_c * s->in_h * s->in_w);
    for (int co = 0; co < s->out_c; co++)
        for (int i = 0; i < oh * ow; i++)
            db[co] += dy[co * oh * ow + i];
    for (int co = 0; co < s->out_c; co++)
        for (int ci = 0; ci < s->in_c; ci++)
            for (int ky = 0; ky < s->k_h; ky++) {
                int y_lo, y_hi;
                inside_range(ky, s->pad_top, S, s->in_h, oh, &y_lo, &y_hi);
                for (int kx = 0; kx < s->k_w; kx++) {
                    int x_lo, x_hi;
                    inside_range(kx, s->pad_left, S, s->in_w, ow, &x_lo, &x_hi);
                    int widx = ((co * s->in_c + ci) * s->k_h + ky) * s->k_w + kx;
                    int ix0 = kx - s->pad_left;         /* ix = ox * S + ix0 (may start < 0: padding) */
                    real wv = w[widx], dw_sum = 0;
                    if (x_hi <= x_lo)                   /* this tap sees only padding */
                        continue;
                    for (int oy = y_lo; oy < y_hi; oy++) {
                        int iy = oy * S + ky - s->pad_top;
                        const real *dy_row = dy + (co * oh + oy) * ow;
                        const real *x_row = x + (ci * s->in_h + iy) * s->in_w;   /* row iy, from its start */
                        dw_sum += strided_dot(dy_row + x_lo, x_row + (x_lo * S + ix0), x_hi - x_lo, S);
                        if (dx) {
                            real *dx_row = dx + (ci * s->in_h + iy) * s->in_w;
                            for (int ox = x_lo; ox < x_hi; ox++)
                                dx_row[ox * S + ix0] += dy_row[ox] * wv;
                        }
                    }
                    dw[widx] += dw_sum;
                }
            }
}

/* ---------------------------------------------------------------- the batched fast path */

/* to[i] = from[i] for a short run (a row of a feature map): a loop the
 * compiler vectorises, cheaper than calling memcpy for a few numbers. */
static void copy_run(real *restrict to, const real *restrict from, int n)
{
    for (int i = 0; i < n; i++)
        to[i] = from[i];
}

void im2col(const conv2d_shape *s, const real *x, real *cols, long ld)
{
    const int S = s->stride, oh = s->out_h, ow = s->out_w;
    for (int ci = 0; ci < s->in_c; ci++)
        for (int ky = 0; ky < s->k_h; ky++)
            for (int kx = 0; kx < s->k_w; kx++) {
                real *row = cols + (long)((ci * s->k_h + ky) * s->k_w + kx) * ld;   /* one tap (ci, ky, kx) */
                int x_lo, x_hi;
                inside_range(kx, s->pad_left, S, s->in_w, ow, &x_lo, &x_hi);
                for (int oy = 0; oy < oh; oy++) {
                    real *out = row + oy * ow;
                    int iy = oy * S + ky - s->pad_top;
                    if (iy < 0 || iy >= s->in_h) {                    /* a row of padding */
                        memset(out, 0, sizeof(real) * (size_t)ow);
                        continue;
                    }
                    const real *x_row = x + (ci * s->in_h + iy) * s->in_w;
                    for (int ox = 0; ox < x_lo; ox++)
                        out[ox] = 0;
                    if (S == 1)                                       /* stride 1: one contiguous run */
                        copy_run(out + x_lo, x_row + x_lo + kx - s->pad_left, x_hi - x_lo);
                    else
                        for (int ox = x_lo; ox < x_hi; ox++)
                            out[ox] = x_row[ox * S + kx - s->pad_left];  /* Xpad[ci][oy*S+ky][ox*S+kx] */
                    for (int ox = x_hi; ox < ow; ox++)
                        out[ox] = 0;
                }
            }
}

/* to[i] += from[i] for a short run. */
static void add_run(real *restrict to, const real *restrict from, int n)
{
    for (int i = 0; i < n; i++)
        to[i] += from[i];
}

/* The same loops as im2col with the copy reversed: every entry goes back,
 * added, to the pixel it was copied from (dcols[r][q] = dL/dcols[r][q], and
 * a pixel copied into several columns collects all their gradients). */
void col2im(const conv2d_shape *s, const real *dcols, long ld, real *dx)
{
    const int S = s->stride, oh = s->out_h, ow = s->out_w;
    memset(dx, 0, sizeof(real) * (size_t)s->in_c * s->in_h * s->in_w);
    for (int ci = 0; ci < s->in_c; ci++)
        for (int ky = 0; ky < s->k_h; ky++)
            for (int kx = 0; kx < s->k_w; kx++) {
                const real *row = dcols + (long)((ci * s->k_h + ky) * s->k_w + kx) * ld;
                int x_lo, x_hi;
                inside_range(kx, s->pad_left, S, s->in_w, ow, &x_lo, &x_hi);
                for (int oy = 0; oy < oh; oy++) {
                    int iy = oy * S + ky - s->pad_top;
                    if (iy < 0 || iy >= s->in_h)
                        continue;                                     /* padding: no pixel to update */
                    real *dx_row = dx + (ci * s->in_h + iy) * s->in_w;
                    if (S == 1)
                        add_run(dx_row + x_lo + kx - s->pad_left, row + oy * ow + x_lo, x_hi - x_lo);
                    else
                        for (int ox = x_lo; ox < x_hi; ox++)
                            dx_row[ox * S + kx - s->pad_left] += row[oy * ow + ox];
                }
            }
}

void conv2d_batch_space_alloc(conv2d_batch_space *ws, const conv2d_shape *s, int capacity)
{
    size_t positions = (size_t)capacity * s->out_h * s->out_w;
    ws->capacity = capacity;
    ws->cols = tensor_alloc((size_t)s->in_c * s->k_h * s->k_w * positions, "im2col matrix");
    ws->maps = tensor_alloc((size_t)s->out_c * positions, "batched feature maps");
}

void conv2d_batch_space_free(conv2d_batch_space *ws)
{
    free(ws->cols);
    free(ws->maps);
    memset(ws, 0, sizeof *ws);
}

/* How many images one GEMM takes: enough columns (256) for the GEMM to run
 * well, and otherwise few enough that their im2col columns (about 1 MB)
 * are still in the cache when the GEMM reads them right after im2col wrote
 * them. Every element of the product is computed the same whatever the
 * chunks (gemm.h), so the result does not depend on this choice. */
static int images_per_gemm(const conv2d_shape *s, int n)
{
    const long positions = (long)s->out_h * s->out_w, taps = (long)s->in_c * s->k_h * s->k_w;
    long by_cache = (1L << 18) / (taps * positions), by_width = (256 + positions - 1) / positions;
    long chunk = by_cache > by_width ? by_cache : by_width;
    return chunk < n ? (int)chunk : n;
}

void conv2d_forward_batch(const conv2d_shape *s, int n, const real *x, const real *w, const real *b,
                          real *y, conv2d_batch_space *ws)
{
    const int taps = s->in_c * s->k_h * s->k_w, P = s->out_h * s->out_w, NP = n * P, chunk = images_per_gemm(s, n);
    const long in_size = (long)s->in_c * s->in_h * s->in_w;
    for (int first = 0; first < n; first += chunk) {
        int count = n - first < chunk ? n - first : chunk;
        for (int img = first; img < first + count; img++)   /* cols (taps, n*P): image img in columns img*P .. */
            im2col(s, x + img * in_size, ws->cols + (long)img * P, NP);
        /* maps (out_c, count*P) = W (out_c, taps) x cols (taps, count*P), these images' columns */
        gemm(0, 0, s->out_c, count * P, taps, 1, w, taps, ws->cols + (long)first * P, NP, 0,
             ws->maps + (long)first * P, NP, NULL);
    }
    for (int img = 0; img < n; img++)        /* Y[img][co] = maps[co][img's columns] + b[co] */
        for (int co = 0; co < s->out_c; co++) {
            const real *from = ws->maps + (long)co * NP + (long)img * P;
            real *to = y + ((long)img * s->out_c + co) * P;
            for (int q = 0; q < P; q++)
                to[q] = from[q] + b[co];
        }
}

void conv2d_backward_batch(const conv2d_shape *s, int n, const real *w, const real *dy,
                           real *dw, real *db, real *dx, conv2d_batch_space *ws)
{
    const int taps = s->in_c * s->k_h * s->k_w, P = s->out_h * s->out_w, NP = n * P;
    const long in_size = (long)s->in_c * s->in_h * s->in_w;
    for (int img = 0; img < n; img++)        /* dmaps (out_c, n*P): dY side by side, as the forward's maps */
        for (int co = 0; co < s->out_c; co++) {
            const real *from = dy + ((long)img * s->out_c + co) * P;
            real *to = ws->maps + (long)co * NP + (long)img * P;
            for (int q = 0; q < P; q++)
                to[q] = from[q];
        }
    for (int co = 0; co < s->out_c; co++)    /* db += sum of dY over images and positions (dY/db = 1) */
        db[co] += sum_of(ws->maps + (long)co * NP, NP);
    /* dW (out_c, taps) += dmaps (out_c, n*P) x cols^T (n*P, taps):  dY/dW = the input window */
    gemm(0, 1, s->out_c, taps, NP, 1, ws->maps, NP, ws->cols, NP, 1, dw, taps, NULL);
    if (!dx)
        return;
    const int chunk = images_per_gemm(s, n);
    for (int first = 0; first < n; first += chunk) {
        int count = n - first < chunk ? n - first : chunk;
        /* dcols (taps, count*P) = W^T (taps, out_c) x dmaps (out_c, count*P):  dY/dcols = W; over cols */
        gemm(1, 0, taps, count * P, s->out_c, 1, w, taps, ws->maps + (long)first * P, NP, 0,
             ws->cols + (long)first * P, NP, NULL);
        for (int img = first; img < first + count; img++)  /* each column back to the pixels it came from */
            col2im(s, ws->cols + (long)img * P, NP, dx + img * in_size);
    }
}
