/* conv.c: the naive (direct) 2-D convolution, forward and backward.
 *
 * Every loop nest below has the same skeleton: for each output channel co,
 * input channel ci and filter tap (ky, kx), walk the output positions
 * (oy, ox) whose input pixel (iy, ix) = (oy*S + ky - pad_top, ox*S + kx - pad_left)
 * lies inside X. Padding pixels are zero, so they add nothing and are skipped.
 * The innermost loop runs along ox, so it walks Y and X row by row. */
#include "conv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conv_wide.h"
#include "gemm.h"
#include "tensor.h"
#include "winograd.h"

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

/* Lesson 11's path: im2col, one GEMM per chunk of images, the bias. */
static void im2col_forward_batch(const conv2d_shape *s, int n, const real *x, const real *w, const real *b,
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

/* Lesson 11's path: two GEMMs on the kept cols matrix, then col2im. */
static void im2col_backward_batch(const conv2d_shape *s, int n, const real *w, const real *dy,
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

/* ---------------------------------------------------------------- the same GEMMs without the copies */

/* What the implicit path's GEMMs read and write, for one call of n images.
 * The GEMM's "positions" j = img*P + oy*out_w + ox run over every output
 * position of every image (the columns of im2col's matrix); its "taps"
 * r = (ci*k_h + ky)*k_w + kx over the filter (the rows of that matrix). */
typedef struct conv_tap {
    int ci, ky, kx;     /* tap r = (ci*k_h + ky)*k_w + kx */
    int lo, hi;         /* the output columns ox in [lo, hi) whose input column ox*S + kx - pad_left is inside X */
} conv_tap;

typedef struct {
    const conv2d_shape *s;
    int n, P, taps;
    const conv_tap *tap;  /* (taps): worked out once, at allocation */
    const real *x, *dy, *b, *packed_w;
    real *y, *dw, *dx;
    int a_rows, a_terms;    /* op(A)'s size, for the packed W's panels */
    struct position_run *runs;  /* dW^T's A panels: the runs of the block of positions p0 .. p0+kc-1, */
    int runs_p0, runs_kc, n_runs;  /* worked out once for all the panels of that block (image_rows_panel) */
} conv_gemm;

/* A stretch of positions along one output row of one image. */
typedef struct position_run {
    int img, oy, ox, len;
} position_run;

/* Cut the positions j0 .. j0+count-1 (those < n*P) into runs along output
 * rows; runs[] has room for `count`. Returns the number of runs, and the
 * number of positions covered in *covered (fewer than count past the end). */
static int position_runs(const conv_gemm *g, int j0, int count, int max_len, position_run *runs, int *covered)
{
    const int ow = g->s->out_w, end = j0 + count < g->n * g->P ? j0 + count : g->n * g->P;
    int n_runs = 0, j = j0;
    while (j < end) {
        int q = j % g->P, ox = q % ow, len = ow - ox;
        if (len > end - j)
            len = end - j;
        if (len > max_len)
            len = max_len;
        runs[n_runs++] = (position_run){ j / g->P, q / ow, ox, len };
        j += len;
    }
    *covered = j > j0 ? j - j0 : 0;
    return n_runs;
}

/* The first output position o of [0, out) whose input o*S + k - pad is >= 0,
 * and one past the last whose input is < in: inside_range in closed form. */
static void inside_span(int k, int pad, int S, int in, int out, int *lo, int *hi)
{
    int first = pad - k > 0 ? (pad - k + S - 1) / S : 0, last = (in - 1 + pad - k) / S + 1;
    if (in - 1 + pad - k < 0)
        last = 0;
    *lo = first < out ? first : out;
    *hi = last < out ? last : out;
    if (*hi < *lo)
        *hi = *lo;
}

/* One tap (ci, ky, kx) of im2col's matrix along a run: out[t * step] =
 * Xpad[ci][oy*S + ky][(ox+t)*S + kx] for t < len, 0 in the padding. */
static void gather_run(const conv_gemm *g, position_run r, const conv_tap *tap, real *out, int step)
{
    const conv2d_shape *s = g->s;
    const int S = s->stride, iy = r.oy * S + tap->ky - s->pad_top, ci = tap->ci, kx = tap->kx;
    int lo = tap->lo > r.ox ? tap->lo - r.ox : 0;           /* as offsets t in the run */
    int hi = tap->hi - r.ox < r.len ? tap->hi - r.ox : r.len;
    if (iy < 0 || iy >= s->in_h || hi <= lo) {
        for (int t = 0; t < r.len; t++)
            out[t * step] = 0;
        return;
    }
    const real *row = g->x + (((long)r.img * s->in_c + ci) * s->in_h + iy) * s->in_w;   /* from its start */
    const int ix0 = r.ox * S + kx - s->pad_left;        /* ix = t*S + ix0 (< 0 in the padding) */
    for (int t = 0; t < lo; t++)
        out[t * step] = 0;
    if (S == 1 && step == 1)                            /* one contiguous run, copied as a vector */
        copy_run(out + lo, row + lo + ix0, hi - lo);
    else
        for (int t = lo; t < hi; t++)
            out[t * step] = row[t * S + ix0];
    for (int t = hi; t < r.len; t++)
        out[t * step] = 0;
}

/* Every tap's (ci, ky, kx) and its columns inside X: taps (in_c*k_h*k_w), OVERWRITTEN. */
static void fill_tap_table(const conv2d_shape *s, conv_tap *taps)
{
    for (int r = 0; r < s->in_c * s->k_h * s->k_w; r++) {
        conv_tap *t = &taps[r];
        t->ci = r / (s->k_h * s->k_w);
        t->ky = r / s->k_w % s->k_h;
        t->kx = r % s->k_w;
        inside_span(t->kx, s->pad_left, s->stride, s->in_w, s->out_w, &t->lo, &t->hi);
    }
}

/* W packed once (op(A) of the forward, or W^T for dX): a panel is a pointer into it. */
static const real *packed_w_panel(void *ctx, int i0, int p0, int kc, real *buf)
{
    const conv_gemm *g = ctx;
    (void)kc; (void)buf;
    return gemm_packed_a_panel(g->packed_w, g->a_rows, g->a_terms, i0, p0);
}

/* Forward, B = im2col's matrix (taps, n*P), NR positions: the image gathered
 * straight into the panel, tap by tap (buf (kc, NR)). */
static const real *image_panel(void *ctx, int p0, int kc, int j0, real *buf)
{
    const conv_gemm *g = ctx;
    position_run runs[GEMM_NR];
    int covered, n_runs = position_runs(g, j0, GEMM_NR, GEMM_NR, runs, &covered);
    for (int p = 0; p < kc; p++) {
        int at = 0;
        real *out = buf + (long)p * GEMM_NR;
        for (int i = 0; i < n_runs; at += runs[i].len, i++)
            gather_run(g, runs[i], &g->tap[p0 + p], out + at, 1);
        for (int j = covered; j < GEMM_NR; j++)     /* past the last image */
            out[j] = 0;
    }
    return buf;
}

/* Forward, a tile of maps (out_c rows, positions): straight into Y, the bias
 * added after the last block of terms (as im2col's path adds it to maps). */
static void tile_to_y(void *ctx, int i0, int j0, int p0, int kc, const real *tile)
{
    const conv_gemm *g = ctx;
    const int rows = g->s->out_c - i0 < GEMM_MR ? g->s->out_c - i0 : GEMM_MR;
    const int first = p0 == 0, last = p0 + kc == g->taps;
    position_run runs[GEMM_NR];
    int covered, n_runs = position_runs(g, j0, GEMM_NR, g->P, runs, &covered);   /* runs within one image */
    for (int i = 0, at = 0; i < n_runs; at += runs[i].len, i++) {
        int q = runs[i].oy * g->s->out_w + runs[i].ox;
        for (int r = 0; r < rows; r++) {
            int co = i0 + r;
            real *to = g->y + ((long)runs[i].img * g->s->out_c + co) * g->P + q;
            const real *from = tile + r * GEMM_NR + at;
            for (int t = 0; t < runs[i].len; t++) {
                real v = first ? from[t] : to[t] + from[t];
                to[t] = last ? v + g->b[co] : v;
            }
        }
    }
}

/* Backward, B = dmaps (out_c, n*P): dY's rows copied straight into the panel. */
static const real *dy_panel(void *ctx, int p0, int kc, int j0, real *buf)
{
    const conv_gemm *g = ctx;
    position_run runs[GEMM_NR];
    int covered, n_runs = position_runs(g, j0, GEMM_NR, g->P, runs, &covered);
    for (int p = 0; p < kc; p++) {
        real *out = buf + (long)p * GEMM_NR;
        for (int i = 0, at = 0; i < n_runs; at += runs[i].len, i++) {
            const real *from = g->dy + ((long)runs[i].img * g->s->out_c + p0 + p) * g->P
                               + runs[i].oy * g->s->out_w + runs[i].ox;
            copy_run(out + at, from, runs[i].len);
        }
        for (int j = covered; j < GEMM_NR; j++)
            out[j] = 0;
    }
    return buf;
}

/* Backward, a tile of dcols (taps, positions): each entry added straight to
 * the pixel im2col took it from (col2im, one tile at a time). */
static void tile_to_dx(void *ctx, int i0, int j0, int p0, int kc, const real *tile)
{
    const conv_gemm *g = ctx;
    const conv2d_shape *s = g->s;
    const int rows = g->taps - i0 < GEMM_MR ? g->taps - i0 : GEMM_MR, S = s->stride;
    (void)p0; (void)kc;
    position_run runs[GEMM_NR];
    int covered, n_runs = position_runs(g, j0, GEMM_NR, GEMM_NR, runs, &covered);
    for (int r = 0; r < rows; r++) {
        const int ci = g->tap[i0 + r].ci, ky = g->tap[i0 + r].ky, kx = g->tap[i0 + r].kx;
        const int lo = g->tap[i0 + r].lo, hi = g->tap[i0 + r].hi;
        for (int i = 0, at = 0; i < n_runs; at += runs[i].len, i++) {
            position_run u = runs[i];
            int iy = u.oy * S + ky - s->pad_top, from = lo > u.ox ? lo : u.ox, to = hi < u.ox + u.len ? hi : u.ox + u.len;
            if (iy < 0 || iy >= s->in_h)
                continue;                                     /* padding: no pixel to update */
            real *dx_row = g->dx + (((long)u.img * s->in_c + ci) * s->in_h + iy) * s->in_w;
            const real *d = tile + r * GEMM_NR + at;            /* d[t]: position ox = u.ox + t */
            if (S == 1 && from < to)                        /* one contiguous run, added as a vector */
                add_run(dx_row + from + kx - s->pad_left, d + (from - u.ox), to - from);
            else
                for (int ox = from; ox < to; ox++)
                    dx_row[ox * S + kx - s->pad_left] += d[ox - u.ox];
        }
    }
}

/* dW^T's A = cols (taps, n*P): MR taps gathered from the image as rows of
 * kc positions (runs of an output row, contiguous copies), then
 * interleaved into the panel (buf (kc, MR)). */
static const real *image_rows_panel(void *ctx, int i0, int p0, int kc, real *buf)
{
    conv_gemm *g = ctx;
    const int rows = g->taps - i0 < GEMM_MR ? g->taps - i0 : GEMM_MR;
    _Alignas(64) real tap_rows[GEMM_MR * GEMM_KC];
    if (g->runs_p0 != p0 || g->runs_kc != kc) {          /* a new block of positions */
        int covered;
        g->n_runs = position_runs(g, p0, kc, GEMM_KC, g->runs, &covered);
        g->runs_p0 = p0;
        g->runs_kc = kc;
    }
    for (int r = 0; r < rows; r++)
        for (int i = 0, at = 0; i < g->n_runs; at += g->runs[i].len, i++)
            gather_run(g, g->runs[i], &g->tap[i0 + r], tap_rows + (long)r * kc + at, 1);
    gemm_pack_a_rows(tap_rows, kc, rows, kc, buf);
    return buf;
}

/* dW^T's B = dmaps^T (n*P, out_c): NR channels of dY, kc positions, each
 * image's stretch of positions transposed (buf (kc, NR)). */
static const real *dy_t_panel(void *ctx, int p0, int kc, int j0, real *buf)
{
    const conv_gemm *g = ctx;
    const int cols = g->s->out_c - j0 < GEMM_NR ? g->s->out_c - j0 : GEMM_NR;
    for (int p = 0; p < kc;) {
        int img = (p0 + p) / g->P, q = (p0 + p) % g->P, len = g->P - q < kc - p ? g->P - q : kc - p;
        const real *from = g->dy + ((long)img * g->s->out_c + j0) * g->P + q;   /* dY[img][j0][q] */
        if (cols == GEMM_NR)
            gemm_pack_b_t_rows(from, g->P, p, len, buf);
        else                                          /* the last channels, zeros past them */
            for (int t = 0; t < len; t++)
                for (int j = 0; j < GEMM_NR; j++)
                    buf[(long)(p + t) * GEMM_NR + j] = j < cols ? from[(long)j * g->P + t] : 0;
        p += len;
    }
    return buf;
}

/* dW^T (taps, out_c) += the tile, row by row (g->dw holds dW^T here). */
static void tile_to_dw_t(void *ctx, int i0, int j0, int p0, int kc, const real *tile)
{
    const conv_gemm *g = ctx;
    const int rows = g->taps - i0 < GEMM_MR ? g->taps - i0 : GEMM_MR;
    const int cols = g->s->out_c - j0 < GEMM_NR ? g->s->out_c - j0 : GEMM_NR;
    (void)p0; (void)kc;
    for (int r = 0; r < rows; r++) {
        real *to = g->dw + (long)(i0 + r) * g->s->out_c + j0;
        const real *from = tile + r * GEMM_NR;
        for (int j = 0; j < cols; j++)
            to[j] += from[j];
    }
}

/* to (cols, rows) = from (rows, cols) transposed: a plain copy, no arithmetic. */
static void transpose_copy(const real *from, int rows, int cols, real *to)
{
    for (int i = 0; i < rows; i++)
        for (int j = 0; j < cols; j++)
            to[(long)j * rows + i] = from[(long)i * cols + j];
}

static conv_gemm conv_gemm_of(const conv2d_shape *s, int n, conv2d_batch_space *ws)
{
    conv_gemm g = { 0 };
    g.s = s;
    g.n = n;
    g.P = s->out_h * s->out_w;
    g.taps = s->in_c * s->k_h * s->k_w;
    g.x = ws->x;
    g.tap = ws->tap_table;
    g.packed_w = ws->packed_w;
    return g;
}

/* maps (out_c, n*P) = W (out_c, taps) x cols (taps, n*P), written into Y as it comes. */
static void implicit_forward_batch(const conv2d_shape *s, int n, const real *x, const real *w, const real *b,
                                   real *y, conv2d_batch_space *ws)
{
    ws->x = x;
    if (ws->wide) {             /* the wide-row forward: the same numbers (conv_implicit_forward_is_wide) */
        conv_wide_forward_batch(s, n, x, w, b, y, ws);
        return;
    }
    conv_gemm g = conv_gemm_of(s, n, ws);
    g.b = b;
    g.y = y;
    g.a_rows = s->out_c;
    g.a_terms = g.taps;
    gemm_pack_a_all(0, s->out_c, g.taps, w, g.taps, ws->packed_w);           /* once for all the images */
    gemm_callbacks cb = { packed_w_panel, image_panel, tile_to_y, &g };
    gemm_with_callbacks(s->out_c, n * g.P, g.taps, &cb);
}

static void implicit_backward_batch(const conv2d_shape *s, int n, const real *w, const real *dy,
                                    real *dw, real *db, real *dx, conv2d_batch_space *ws)
{
    conv_gemm g = conv_gemm_of(s, n, ws);
    g.dy = dy;
    g.dx = dx;
    for (int co = 0; co < s->out_c; co++) {   /* db += sum of dY over images and positions (dY/db = 1) */
        real sum = 0;
        for (int img = 0; img < n; img++)
            sum += sum_of(dy + ((long)img * s->out_c + co) * g.P, g.P);
        db[co] += sum;
    }
    /* dW (out_c, taps) += dmaps (out_c, n*P) x cols^T (n*P, taps):  dY/dW = the input window,
     * computed as its transpose dW^T (taps, out_c) = cols (taps, n*P) x dmaps^T (n*P, out_c),
     * whose A panels are rows of the image (copies of runs) and whose B panels are dY's rows
     * transposed (16 x 16 in registers on AVX-512); cols^T's panels, gathered tap by tap into
     * columns GEMM_NR numbers apart, had taken a quarter of conv2's time (perf on AVX-512;
     * notes 11 has the timings).
     * Each entry is the same products (a*b = b*a) summed in the same order: the same bits.
     * dW^T lives in the packed weights' room (free until dX's product packs W^T there), its
     * tiles added as they would be into dW, in the same order, so the two copies change no bit. */
    position_run runs[GEMM_KC];
    g.runs = runs;
    g.runs_p0 = -1;
    g.dw = ws->packed_w;
    transpose_copy(dw, s->out_c, g.taps, g.dw);
    gemm_callbacks for_dw_t = { image_rows_panel, dy_t_panel, tile_to_dw_t, &g };
    gemm_with_callbacks(g.taps, s->out_c, n * g.P, &for_dw_t);
    transpose_copy(g.dw, g.taps, s->out_c, dw);
    if (!dx)
        return;
    /* dcols (taps, n*P) = W^T (taps, out_c) x dmaps (out_c, n*P), each tile added into dX */
    memset(dx, 0, sizeof(real) * (size_t)n * s->in_c * s->in_h * s->in_w);
    g.a_rows = g.taps;
    g.a_terms = s->out_c;
    gemm_pack_a_all(1, g.taps, s->out_c, w, g.taps, ws->packed_w);
    gemm_callbacks for_dx = { packed_w_panel, dy_panel, tile_to_dx, &g };
    gemm_with_callbacks(g.taps, n * g.P, s->out_c, &for_dx);
}

/* ---------------------------------------------------------------- choosing a path */

/* The rule, from `make build/conv_paths && build/conv_paths 15` (one thread,
 * processor time, best of 15 alternating rounds, 32 images: one thread's
 * share of a batch of 128), on a 2-core AMD machine with AVX-512 (gcc 12,
 * the fast flags), other jobs running; im2col's time over the path's,
 * forward / backward:
 *     lesson 10's conv 1->16 5x5 @28     implicit 0.71x / 0.85x
 *     deep conv1 1->16 2x2 @28           implicit 0.62x / 0.47x
 *     deep conv2 16->128 3x3 @14         implicit 1.18x / 1.05x   Winograd 0.56x / 0.47x
 *     deep conv3 128->256 3x3 @12        implicit 1.13x / 1.02x   Winograd 1.68x / 1.61x
 * - the implicit path fills each B panel tap by tap from the image, which
 *   pays only when many rows of W share the panel: with 16 filters im2col's
 *   long contiguous copies win;
 * - Winograd's 16 products sum over in_c terms: with 16 input channels they
 *   are too short for the GEMM to run well and the transforms cost more than
 *   the multiplications saved; with 128 they are long enough.
 * Then the wide-row path (conv_wide.h), `build/conv_paths 7` on a
 * 2-core Intel Xeon with AVX-512 (gcc 12.2, the fast flags), four other
 * jobs sharing the machine, same ratios:
 *     lesson 10's conv 1->16 5x5 @28     wide 1.99x / 2.25x
 *     deep conv1 1->16 2x2 @28           wide 1.25x / 1.31x
 *     16->32 3x3 @14 (with dX)           wide 1.81x / 1.24x
 *     deep conv2 16->128 3x3 @14         wide 1.01x / 0.68x   (implicit 1.09x / 0.78x)
 *     deep conv3 128->256 3x3 @12        wide 0.84x / 0.46x
 * - with few filters and few taps no copy of the image beats one: the
 *   wide path takes every stride-1 layer with fewer than 64 filters
 *   (strided layers keep im2col); from 64 filters on the rule above stands.
 * Its forward gives the same bits as im2col's whenever the taps fit one
 * block of the GEMM's terms (in_c*k_h*k_w <= GEMM_KC: every layer it takes
 * in the lessons), its dW and dX round differently (conv_wide.h).
 * (These ratios are from before the implicit path ran conv2's forward on
 * wide rows and its dW transposed, both the same numbers and faster:
 * notes 11 has build/conv_paths before and after.) */
#define IMPLICIT_MIN_FILTERS 64
#define WINOGRAD_MIN_CHANNELS 64

int conv_implicit_forward_is_wide(const conv2d_shape *s)
{
    return conv_wide_supported(s) && s->in_c * s->k_h * s->k_w <= GEMM_KC;
}

conv_path conv2d_default_path(const conv2d_shape *s)
{
    if (winograd_supported(s) && s->in_c >= WINOGRAD_MIN_CHANNELS && s->out_c >= WINOGRAD_MIN_CHANNELS)
        return CONV_WINOGRAD;
    if (s->out_c >= IMPLICIT_MIN_FILTERS)
        return CONV_IMPLICIT;
    return conv_wide_supported(s) ? CONV_WIDE : CONV_IM2COL;
}

const char *conv_path_name(conv_path path)
{
    return path == CONV_IM2COL ? "im2col" : path == CONV_IMPLICIT ? "implicit" : path == CONV_WINOGRAD ? "winograd"
           : "wide";
}

void conv2d_batch_space_alloc_path(conv2d_batch_space *ws, const conv2d_shape *s, int capacity, conv_path path)
{
    size_t positions = (size_t)capacity * s->out_h * s->out_w, taps = (size_t)s->in_c * s->k_h * s->k_w;
    memset(ws, 0, sizeof *ws);
    ws->capacity = capacity;
    ws->path = path;
    if (path == CONV_IM2COL) {
        ws->cols = tensor_alloc(taps * positions, "im2col matrix");
        ws->maps = tensor_alloc((size_t)s->out_c * positions, "batched feature maps");
    } else if (path == CONV_IMPLICIT) {
        long fwd = gemm_packed_a_count(s->out_c, (int)taps), bwd = gemm_packed_a_count((int)taps, s->out_c);
        ws->packed_w = tensor_alloc((size_t)(fwd > bwd ? fwd : bwd), "packed weights");
        ws->tap_table = checked_calloc(taps, sizeof(conv_tap), "a convolution's table of taps");
        fill_tap_table(s, ws->tap_table);
        if (conv_implicit_forward_is_wide(s))
            conv_wide_forward_space_alloc(ws, s);
    } else if (path == CONV_WIDE) {
        conv_wide_space_alloc(ws, s, capacity);
    } else {
        if (!winograd_supported(s)) {
            fprintf(stderr, "conv: the Winograd path needs a 3x3 kernel and stride 1, not %dx%d stride %d\n",
                    s->k_h, s->k_w, s->stride);
            exit(1);
        }
        winograd_batch_space_alloc(ws, s, capacity);
    }
}

double conv2d_batch_space_bytes(const conv2d_shape *s, int capacity)
{
    const double positions = (double)capacity * s->out_h * s->out_w, taps = (double)s->in_c * s->k_h * s->k_w;
    const conv_path path = conv2d_default_path(s);
    if (path == CONV_IM2COL)                                      /* cols, maps */
        return (taps * positions + s->out_c * positions) * sizeof(real);
    if (path == CONV_IMPLICIT) {                                  /* W packed, the table of taps */
        double fwd = (double)gemm_packed_a_count(s->out_c, (int)taps), bwd = (double)gemm_packed_a_count((int)taps, s->out_c);
        return (fwd > bwd ? fwd : bwd) * sizeof(real) + taps * sizeof(conv_tap)
               + (conv_implicit_forward_is_wide(s) ? conv_wide_forward_space_bytes(s) : 0);
    }
    if (path == CONV_WIDE)
        return conv_wide_space_bytes(s, capacity);
    return winograd_batch_space_bytes(s, capacity);                 /* U and dU, V, M, a row */
}

void conv2d_batch_space_alloc(conv2d_batch_space *ws, const conv2d_shape *s, int capacity)
{
    conv2d_batch_space_alloc_path(ws, s, capacity, conv2d_default_path(s));
}

void conv2d_batch_space_free(conv2d_batch_space *ws)
{
    free(ws->cols);
    free(ws->maps);
    free(ws->packed_w);
    free(ws->tap_table);
    free(ws->wino_u);
    free(ws->wino_v);
    free(ws->wino_m);
    free(ws->wino_rows);
    free(ws->wino_block);
    conv_wide_space_free(ws);
    memset(ws, 0, sizeof *ws);
}

void conv2d_forward_batch(const conv2d_shape *s, int n, const real *x, const real *w, const real *b,
                          real *y, conv2d_batch_space *ws)
{
    if (ws->path == CONV_IM2COL)
        im2col_forward_batch(s, n, x, w, b, y, ws);
    else if (ws->path == CONV_IMPLICIT)
        implicit_forward_batch(s, n, x, w, b, y, ws);
    else if (ws->path == CONV_WIDE)
        conv_wide_forward_batch(s, n, x, w, b, y, ws);
    else
        winograd_forward_batch(s, n, x, w, b, y, ws);
}

void conv2d_backward_batch(const conv2d_shape *s, int n, const real *w, const real *dy,
                           real *dw, real *db, real *dx, conv2d_batch_space *ws)
{
    if (ws->path == CONV_IM2COL)
        im2col_backward_batch(s, n, w, dy, dw, db, dx, ws);
    else if (ws->path == CONV_IMPLICIT)
        implicit_backward_batch(s, n, w, dy, dw, db, dx, ws);
    else if (ws->path == CONV_WIDE)
        conv_wide_backward_batch(s, n, w, dy, dw, db, dx, ws);
    else
        winograd_backward_batch(s, n, w, dy, dw, db, dx, ws);
}
