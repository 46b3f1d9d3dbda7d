/* pool.c: see pool.h. */
#include "pool.h"

#include <math.h>
#include <stddef.h>
#include <string.h>
#include "conv.h"

int pool2d_setup(pool2d_shape *s, int c, int in_h, int in_w, int k, int stride)
{
    s->c = c;  s->in_h = in_h;  s->in_w = in_w;  s->k = k;  s->stride = stride;
    s->out_h = conv_output_size(in_h, k, 0, 0, stride);
    s->out_w = conv_output_size(in_w, k, 0, 0, stride);
    return (c <= 0 || s->out_h < 0 || s->out_w < 0) ? -1 : 0;
}

long pool2d_output_count(const pool2d_shape *s)
{
    return (long)s->c * s->out_h * s->out_w;
}

void maxpool2d_forward(const pool2d_shape *s, const real *x, real *y, int *argmax)
{
    int o = 0;
    for (int c = 0; c < s->c; c++)
        for (int oy = 0; oy < s->out_h; oy++)
            for (int ox = 0; ox < s->out_w; ox++, o++) {
                int best = (c * s->in_h + oy * s->stride) * s->in_w + ox * s->stride;
                for (int ky = 0; ky < s->k; ky++)
                    for (int kx = 0; kx < s->k; kx++) {
                        int i = (c * s->in_h + oy * s->stride + ky) * s->in_w + ox * s->stride + kx;
                        if (x[i] > x[best] || isnan((double)x[i]))   /* a NaN wins: */
                            best = i;                                     /* it must not be hidden */
                    }
                y[o] = x[best];
                argmax[o] = best;
            }
}

void maxpool2d_backward(const pool2d_shape *s, const real *dy, const int *argmax, real *dx)
{
    memset(dx, 0, sizeof(real) * (size_t)s->c * s->in_h * s->in_w);
    long n = pool2d_output_count(s);
    for (long o = 0; o < n; o++)
        dx[argmax[o]] += dy[o];             /* only the winner moved the output */
}

void avgpool2d_forward(const pool2d_shape *s, const real *x, real *y)
{
    real scale = (real)1 / (real)(s->k * s->k);
    int o = 0;
    for (int c = 0; c < s->c; c++)
        for (int oy = 0; oy < s->out_h; oy++)
            for (int ox = 0; ox < s->out_w; ox++, o++) {
                real sum = 0;
                for (int ky = 0; ky < s->k; ky++)
                    for (int kx = 0; kx < s->k; kx++)
                        sum += x[(c * s->in_h + oy * s->stride + ky) * s->in_w + ox * s->stride + kx];
                y[o] = sum * scale;
            }
}

void avgpool2d_backward(const pool2d_shape *s, const real *dy, real *dx)
{
    real scale = (real)1 / (real)(s->k * s->k);
    memset(dx, 0, sizeof(real) * (size_t)s->c * s->in_h * s->in_w);
    int o = 0;
    for (int c = 0; c < s->c; c++)
        for (int oy = 0; oy < s->out_h; oy++)
            for (int ox = 0; ox < s->out_w; ox++, o++)
                for (int ky = 0; ky < s->k; ky++)
                    for (int kx = 0; kx < s->k; kx++)
                        dx[(c * s->in_h + oy * s->stride + ky) * s->in_w + ox * s->stride + kx] += dy[o] * scale;
}

/* ---------------------------------------------------------------- batches */

static long input_count(const pool2d_shape *s)
{
    return (long)s->c * s->in_h * s->in_w;
}

/* 1 when x takes the place of the window's maximum m so far: it is larger,
 * or it is NaN (a NaN must not be hidden), as in maxpool2d_forward. */
static int beats(real x, real m)
{
    return x > m || isnan(x);
}

/* One channel of one image, the window's rows found once per output row
 * rather than once per pixel; the same comparisons in the same order as
 * maxpool2d_forward (reading order, the first maximum wins a tie). offset
 * is the channel's first index in its image, for argmax. */
static void maxpool_plane(const pool2d_shape *s, const real *x, real *y, int *argmax, int offset)
{
    for (int oy = 0; oy < s->out_h; oy++)
        for (int ox = 0; ox < s->out_w; ox++) {
            int best = (oy * s->stride) * s->in_w + ox * s->stride;
            for (int ky = 0; ky < s->k; ky++) {
                const int row = (oy * s->stride + ky) * s->in_w + ox * s->stride;
                for (int kx = 0; kx < s->k; kx++)
                    if (beats(x[row + kx], x[best]))
                        best = row + kx;
            }
            y[oy * s->out_w + ox] = x[best];
            argmax[oy * s->out_w + ox] = offset + best;
        }
}

/* One row of 2x2 windows (stride 2): `upper` and the row ld below it; out_w
 * outputs. Each pixel is first moved by `shift` when `shifted` (a bias,
 * added before comparing, as a layer of its own would have added it). The
 * four pixels of a window are compared in reading order, exactly as
 * maxpool_plane does; argmax counts rows in_w apart from `first`. */
static inline void row_2x2(const real *restrict upper, long ld, real shift, int shifted, int in_w,
                           real *restrict y, int *restrict argmax, int out_w, int first)
{
    const real *restrict lower = upper + ld;
    for (int ox = 0; ox < out_w; ox++) {             /* selects, not branches: the compiler vectorises */
        real v0 = upper[2 * ox], v1 = upper[2 * ox + 1], v2 = lower[2 * ox], v3 = lower[2 * ox + 1];
        if (shifted) {
            v0 += shift;  v1 += shift;  v2 += shift;  v3 += shift;
        }
        int at;
        y[ox] = maxpool2d_window_2x2(v0, v1, v2, v3, in_w, &at);
        argmax[ox] = first + 2 * ox + at;
    }
}

void maxpool2d_row_2x2(const real *upper, long ld, const real *shift, int in_w, real *y, int *argmax, int out_w,
                       int first)
{
    if (shift)
        row_2x2(upper, ld, *shift, 1, in_w, y, argmax, out_w, first);
    else
        row_2x2(upper, ld, 0, 0, in_w, y, argmax, out_w, first);
}


/* The common 2x2 window with stride 2, a row at a time. A row's extra
 * outputs (past out_w) read pixels further along the plane and land in the
 * next output row, which is computed after it and overwrites them; a row
 * whose extra reads or writes would leave the plane is done exactly. */
static void maxpool_plane_2x2(const pool2d_shape *s, const real *x, real *y, int *argmax, int offset)
{
    const int in_w = s->in_w, out_w = s->out_w;    /* copied: the stores below cannot change them */
    const int wide = maxpool2d_row_width(out_w);
    const long plane_in = (long)s->in_h * in_w, plane_out = (long)s->out_h * out_w;
    for (int oy = 0; oy < s->out_h; oy++) {
        int fits = (long)(2 * oy + 1) * in_w + 2L * wide <= plane_in && (long)oy * out_w + wide <= plane_out;
        maxpool2d_row_2x2(x + 2 * oy * in_w, in_w, NULL, in_w, y + oy * out_w, argmax + oy * out_w,
                          fits ? wide : out_w, offset + 2 * oy * in_w);
    }
}

void maxpool2d_forward_batch(const pool2d_shape *s, int n, const real *x, real *y, int *argmax)
{
    const long plane_in = (long)s->in_h * s->in_w, plane_out = (long)s->out_h * s->out_w;
    const int two_by_two = s->k == 2 && s->stride == 2;
    for (long p = 0; p < (long)n * s->c; p++) {      /* every channel of every image */
        int offset = (int)((p % s->c) * plane_in);
        if (two_by_two)
            maxpool_plane_2x2(s, x + p * plane_in, y + p * plane_out, argmax + p * plane_out, offset);
        else
            maxpool_plane(s, x + p * plane_in, y + p * plane_out, argmax + p * plane_out, offset);
    }
}

void maxpool2d_backward_batch(const pool2d_shape *s, int n, const real *dy, const int *argmax, real *dx)
{
    long in = input_count(s), out = pool2d_output_count(s);
    for (int img = 0; img < n; img++)
        maxpool2d_backward(s, dy + img * out, argmax + img * out, dx + img * in);
}

void avgpool2d_forward_batch(const pool2d_shape *s, int n, const real *x, real *y)
{
    long in = input_count(s), out = pool2d_output_count(s);
    for (int img = 0; img < n; img++)
        avgpool2d_forward(s, x + img * in, y + img * out);
}

void avgpool2d_backward_batch(const pool2d_shape *s, int n, const real *dy, real *dx)
{
    long in = input_count(s), out = pool2d_output_count(s);
    for (int img = 0; img < n; img++)
        avgpool2d_backward(s, dy + img * out, dx + img * in);
}
