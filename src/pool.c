/* pool.c: see pool.h. */
#include "pool.h"

#include <math.h>
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
    return x > m || isnan((double)x);
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

/* The common 2x2 window with stride 2, written out: the four pixels of a
 * window are compared in reading order, exactly as maxpool_plane does. */
static void maxpool_plane_2x2(const pool2d_shape *s, const real *x, real *y, int *argmax, int offset)
{
    for (int oy = 0; oy < s->out_h; oy++) {
        const int top = 2 * oy * s->in_w, bottom = top + s->in_w;
        for (int ox = 0; ox < s->out_w; ox++) {
            const int window[4] = { top + 2 * ox, top + 2 * ox + 1, bottom + 2 * ox, bottom + 2 * ox + 1 };
            int best = window[0];
            for (int k = 1; k < 4; k++)
                best = beats(x[window[k]], x[best]) ? window[k] : best;
            y[oy * s->out_w + ox] = x[best];
            argmax[oy * s->out_w + ox] = offset + best;
        }
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
