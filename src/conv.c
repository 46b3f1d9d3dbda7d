/* conv.c: the naive (direct) 2-D convolution, forward and backward.
 *
 * Every loop nest below has the same skeleton: for each output channel co,
 * input channel ci and filter tap (ky, kx), walk the output positions
 * (oy, ox) whose input pixel (iy, ix) = (oy*S + ky - pad_top, ox*S + kx - pad_left)
 * lies inside X. Padding pixels are zero, so they add nothing and are skipped.
 * The innermost loop runs along ox, so it walks Y and X row by row. */
#include "conv.h"

#include <string.h>

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
