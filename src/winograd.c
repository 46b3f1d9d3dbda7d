/* winograd.c: F(2x2, 3x3) forward and backward for one image (winograd.h, lesson 17).
 *
 * The transforms are written as the matrix products of Lavin and Gray's
 * formula, for reading: an optimised version replaces each product by the
 * few additions it amounts to (every entry is 0, 1, -1 or 1/2). */
#include "winograd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gemm.h"
#include "tensor.h"

static const real BT[4 * 4] = { 1, 0, -1, 0,    /* B^T (4, 4) */
                                0, 1, 1, 0,
                                0, -1, 1, 0,
                                0, 1, 0, -1 };
static const real GM[4 * 3] = { 1, 0, 0,        /* G (4, 3) */
                                0.5, 0.5, 0.5,
                                0.5, -0.5, 0.5,
                                0, 0, 1 };
static const real AT[2 * 4] = { 1, 1, 1, 0,     /* A^T (2, 4) */
                                0, 1, -1, -1 };

/* out (p, p) = L x L^T, with L (p, q) and x (q, q); or, when `transposed`,
 * out (q, q) = L^T x L with x (p, p). */
static void sandwich(const real *L, int p, int q, int transposed, const real *x, real *out)
{
    int n_out = transposed ? q : p, n_in = transposed ? p : q;
    real tmp[4 * 4];   /* L x (or L^T x): (n_out, n_in) */
    for (int i = 0; i < n_out; i++)
        for (int j = 0; j < n_in; j++) {
            real sum = 0;
            for (int k = 0; k < n_in; k++)
                sum += (transposed ? L[k * q + i] : L[i * q + k]) * x[k * n_in + j];
            tmp[i * n_in + j] = sum;
        }
    for (int i = 0; i < n_out; i++)
        for (int j = 0; j < n_out; j++) {
            real sum = 0;
            for (int k = 0; k < n_in; k++)
                sum += tmp[i * n_in + k] * (transposed ? L[k * q + j] : L[j * q + k]);
            out[i * n_out + j] = sum;
        }
}

void winograd_filter_transform(const real *g, real *u) { sandwich(GM, 4, 3, 0, g, u); }
void winograd_input_transform(const real *d, real *v) { sandwich(BT, 4, 4, 0, d, v); }
void winograd_output_transform(const real *m, real *y) { sandwich(AT, 2, 4, 0, m, y); }
void winograd_output_transform_t(const real *dy, real *dm) { sandwich(AT, 2, 4, 1, dy, dm); }
void winograd_input_transform_t(const real *dv, real *dd) { sandwich(BT, 4, 4, 1, dv, dd); }
void winograd_filter_transform_t(const real *du, real *dg) { sandwich(GM, 4, 3, 1, du, dg); }

int winograd_supported(const conv2d_shape *s)
{
    return s->k_h == 3 && s->k_w == 3 && s->stride == 1;
}

static void require_supported(const conv2d_shape *s, const char *who)
{
    if (!winograd_supported(s)) {
        fprintf(stderr, "%s: F(2x2, 3x3) needs a 3x3 kernel and stride 1, not %dx%d stride %d\n", who, s->k_h,
                s->k_w, s->stride);
        exit(1);
    }
}

/* The 4x4 tile d of one channel x (in_h, in_w) whose top-left corner is
 * (row, col) in x's own coordinates (negative in the padding); 0 outside x. */
static void load_tile(const conv2d_shape *s, const real *x, int row, int col, real *d)
{
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++) {
            int r = row + i, c = col + j;
            d[i * 4 + j] = (r >= 0 && r < s->in_h && c >= 0 && c < s->in_w) ? x[r * s->in_w + c] : 0;
        }
}

/* All filters transformed: U (out_c, in_c, 4, 4) from W (out_c, in_c, 3, 3). */
static real *transform_filters(const conv2d_shape *s, const real *w)
{
    long pairs = (long)s->out_c * s->in_c;
    real *u = tensor_alloc((size_t)pairs * 16, "winograd: transformed filters");
    for (long p = 0; p < pairs; p++)
        winograd_filter_transform(w + p * 9, u + p * 16);
    return u;
}

void winograd_forward(const conv2d_shape *s, const real *x, const real *w, const real *b, real *y)
{
    require_supported(s, "winograd_forward");
    int in_c = s->in_c, out_c = s->out_c, plane = s->in_h * s->in_w;
    real *u = transform_filters(s, w);                                         /* (out_c, in_c, 4, 4) */
    real *v = tensor_alloc((size_t)in_c * 16, "winograd: transformed tiles");  /* (in_c, 4, 4) */
    for (int oy = 0; oy < s->out_h; oy += 2)          /* one 2x2 output tile at (oy, ox) ... */
        for (int ox = 0; ox < s->out_w; ox += 2) {    /* ... reads the 4x4 input tile there   */
            real d[16], m[16], t[4];
            for (int ci = 0; ci < in_c; ci++) {
                load_tile(s, x + (long)ci * plane, oy - s->pad_top, ox - s->pad_left, d);
                winograd_input_transform(d, v + ci * 16);
            }
            for (int co = 0; co < out_c; co++) {
                for (int e = 0; e < 16; e++)           /* M = sum over ci of U (.) V: 16 multiplications each */
                    m[e] = 0;
                for (int ci = 0; ci < in_c; ci++) {
                    const real *uc = u + ((long)co * in_c + ci) * 16, *vc = v + ci * 16;
                    for (int e = 0; e < 16; e++)
                        m[e] += uc[e] * vc[e];
                }
                winograd_output_transform(m, t);
                for (int i = 0; i < 2 && oy + i < s->out_h; i++)   /* the last tile may stick out */
                    for (int j = 0; j < 2 && ox + j < s->out_w; j++)
                        y[((long)co * s->out_h + oy + i) * s->out_w + ox + j] = b[co] + t[i * 2 + j];
            }
        }
    free(v);
    free(u);
}

void winograd_backward(const conv2d_shape *s, const real *x, const real *w, const real *dy,
                       real *dw, real *db, real *dx)
{
    require_supported(s, "winograd_backward");
    int in_c = s->in_c, out_c = s->out_c, plane = s->in_h * s->in_w;
    long pairs = (long)out_c * in_c;
    real *u = dx ? transform_filters(s, w) : NULL;                             /* (out_c, in_c, 4, 4) */
    real *du = tensor_alloc((size_t)pairs * 16, "winograd: dU");               /* (out_c, in_c, 4, 4) */
    real *v = tensor_alloc((size_t)in_c * 16, "winograd: transformed tiles");  /* (in_c, 4, 4) */
    real *dv = tensor_alloc((size_t)in_c * 16, "winograd: dV");                /* (in_c, 4, 4) */
    if (dx)
        tensor_fill(dx, (size_t)in_c * plane, 0);
    for (int oy = 0; oy < s->out_h; oy += 2)
        for (int ox = 0; ox < s->out_w; ox += 2) {
            real d[16], dm[16], dd[16], t[4];
            int row = oy - s->pad_top, col = ox - s->pad_left;
            for (int ci = 0; ci < in_c; ci++) {
                load_tile(s, x + (long)ci * plane, row, col, d);
                winograd_input_transform(d, v + ci * 16);
            }
            tensor_fill(dv, (size_t)in_c * 16, 0);
            for (int co = 0; co < out_c; co++) {
                for (int i = 0; i < 2; i++)            /* dY's 2x2 tile, 0 where the tile sticks out */
                    for (int j = 0; j < 2; j++)
                        t[i * 2 + j] = (oy + i < s->out_h && ox + j < s->out_w)
                                           ? dy[((long)co * s->out_h + oy + i) * s->out_w + ox + j] : 0;
                winograd_output_transform_t(t, dm);    /* dM = A dY A^T: the chain rule through Y = A^T M A */
                for (int ci = 0; ci < in_c; ci++) {    /* M = U (.) V: dU += dM (.) V, dV += dM (.) U */
                    real *duc = du + ((long)co * in_c + ci) * 16;
                    const real *vc = v + ci * 16;
                    for (int e = 0; e < 16; e++)
                        duc[e] += dm[e] * vc[e];
                    if (dx) {
                        const real *uc = u + ((long)co * in_c + ci) * 16;
                        real *dvc = dv + ci * 16;
                        for (int e = 0; e < 16; e++)
                            dvc[e] += dm[e] * uc[e];
                    }
                }
            }
            if (!dx)
                continue;
            for (int ci = 0; ci < in_c; ci++) {        /* dd = B dV B^T, added where the tile came from */
                winograd_input_transform_t(dv + ci * 16, dd);
                real *dxc = dx + (long)ci * plane;
                for (int i = 0; i < 4; i++)
                    for (int j = 0; j < 4; j++) {
                        int r = row + i, c = col + j;
                        if (r >= 0 && r < s->in_h && c >= 0 && c < s->in_w)
                            dxc[r * s->in_w + c] += dd[i * 4 + j];
                    }
            }
        }
    for (long p = 0; p < pairs; p++) {                 /* dW += G^T dU G */
        real dg[9];
        winograd_filter_transform_t(du + p * 16, dg);
        for (int e = 0; e < 9; e++)
            dw[p * 9 + e] += dg[e];
    }
    for (int co = 0; co < out_c; co++) {
        real sum = 0;
        for (int q = 0; q < s->out_h * s->out_w; q++)
            sum += dy[(long)co * s->out_h * s->out_w + q];
        db[co] += sum;
    }
    free(dv);
    free(v);
    free(du);
    free(u);
}

/* ---------------------------------------------------------------- in the batched engine */

/* Tiles per image: ceil(out_h/2) rows of ceil(out_w/2). */
static int tile_rows(const conv2d_shape *s) { return (s->out_h + 1) / 2; }
static int tile_cols(const conv2d_shape *s) { return (s->out_w + 1) / 2; }

void winograd_batch_space_alloc(conv2d_batch_space *ws, const conv2d_shape *s, int capacity)
{
    require_supported(s, "winograd_batch_space_alloc");
    size_t tiles = (size_t)capacity * tile_rows(s) * tile_cols(s);
    ws->wino_u = tensor_alloc(2 * 16 * (size_t)s->out_c * s->in_c, "winograd: U and dU");
    ws->wino_v = tensor_alloc(16 * (size_t)s->in_c * tiles, "winograd: V");
    ws->wino_m = tensor_alloc(16 * (size_t)s->out_c * tiles, "winograd: M");
}

/* The six transforms written out as the few operations they amount to (the
 * entries of B^T and A^T are 0, 1, -1; of G, 0, 1, 1/2), each a 1-D
 * transform of the rows, then of the columns: the matrix products above
 * with the products by 0 left out and those by 1 and -1 written as
 * additions, the terms in the same order (tests/fast_vs_naive.c checks the
 * batched path against the direct loops). */

/* out = B^T d B, d and out (4, 4). */
static void input_transform_fast(const real *restrict d, real *restrict out)
{
    real t[16];
    for (int j = 0; j < 4; j++) {                    /* t = B^T d: the rows combined */
        t[0 + j] = d[0 + j] - d[8 + j];
        t[4 + j] = d[4 + j] + d[8 + j];
        t[8 + j] = -d[4 + j] + d[8 + j];
        t[12 + j] = d[4 + j] - d[12 + j];
    }
    for (int i = 0; i < 4; i++) {                    /* out = t B: the columns combined */
        const real *r = t + 4 * i;
        out[4 * i + 0] = r[0] - r[2];
        out[4 * i + 1] = r[1] + r[2];
        out[4 * i + 2] = -r[1] + r[2];
        out[4 * i + 3] = r[1] - r[3];
    }
}

/* y = A^T m A, m (4, 4), y (2, 2). */
static void output_transform_fast(const real *restrict m, real *restrict y)
{
    real t[8];
    for (int j = 0; j < 4; j++) {
        t[j] = m[j] + m[4 + j] + m[8 + j];
        t[4 + j] = m[4 + j] - m[8 + j] - m[12 + j];
    }
    for (int i = 0; i < 2; i++) {
        const real *r = t + 4 * i;
        y[2 * i + 0] = r[0] + r[1] + r[2];
        y[2 * i + 1] = r[1] - r[2] - r[3];
    }
}

/* dm = A dy A^T, dy (2, 2), dm (4, 4). */
static void output_transform_t_fast(const real *restrict dy, real *restrict dm)
{
    real s[8];                                       /* s = A dy (4, 2) */
    for (int j = 0; j < 2; j++) {
        s[0 + j] = dy[j];
        s[2 + j] = dy[j] + dy[2 + j];
        s[4 + j] = dy[j] - dy[2 + j];
        s[6 + j] = -dy[2 + j];
    }
    for (int i = 0; i < 4; i++) {
        dm[4 * i + 0] = s[2 * i];
        dm[4 * i + 1] = s[2 * i] + s[2 * i + 1];
        dm[4 * i + 2] = s[2 * i] - s[2 * i + 1];
        dm[4 * i + 3] = -s[2 * i + 1];
    }
}

/* dd = B dv B^T, dv and dd (4, 4). */
static void input_transform_t_fast(const real *restrict dv, real *restrict dd)
{
    real s[16];                                      /* s = B dv */
    for (int j = 0; j < 4; j++) {
        s[0 + j] = dv[j];
        s[4 + j] = dv[4 + j] - dv[8 + j] + dv[12 + j];
        s[8 + j] = -dv[j] + dv[4 + j] + dv[8 + j];
        s[12 + j] = -dv[12 + j];
    }
    for (int i = 0; i < 4; i++) {
        const real *r = s + 4 * i;
        dd[4 * i + 0] = r[0];
        dd[4 * i + 1] = r[1] - r[2] + r[3];
        dd[4 * i + 2] = -r[0] + r[1] + r[2];
        dd[4 * i + 3] = -r[3];
    }
}

/* u = G g G^T, g (3, 3), u (4, 4). */
static void filter_transform_fast(const real *restrict g, real *restrict u)
{
    const real h = 0.5;
    real t[12];                                      /* t = G g (4, 3) */
    for (int j = 0; j < 3; j++) {
        t[0 + j] = g[j];
        t[3 + j] = h * g[j] + h * g[3 + j] + h * g[6 + j];
        t[6 + j] = h * g[j] - h * g[3 + j] + h * g[6 + j];
        t[9 + j] = g[6 + j];
    }
    for (int i = 0; i < 4; i++) {
        const real *r = t + 3 * i;
        u[4 * i + 0] = r[0];
        u[4 * i + 1] = h * r[0] + h * r[1] + h * r[2];
        u[4 * i + 2] = h * r[0] - h * r[1] + h * r[2];
        u[4 * i + 3] = r[2];
    }
}

/* dg = G^T du G, du (4, 4), dg (3, 3). */
static void filter_transform_t_fast(const real *restrict du, real *restrict dg)
{
    const real h = 0.5;
    real s[12];                                      /* s = G^T du (3, 4) */
    for (int j = 0; j < 4; j++) {
        s[0 + j] = du[j] + h * du[4 + j] + h * du[8 + j];
        s[4 + j] = h * du[4 + j] - h * du[8 + j];
        s[8 + j] = h * du[4 + j] + h * du[8 + j] + du[12 + j];
    }
    for (int i = 0; i < 3; i++) {
        const real *r = s + 4 * i;
        dg[3 * i + 0] = r[0] + h * r[1] + h * r[2];
        dg[3 * i + 1] = h * r[1] - h * r[2];
        dg[3 * i + 2] = h * r[1] + h * r[2] + r[3];
    }
}

/* U[e] (out_c, in_c) for the 16 entries e: every filter transformed. */
static void transform_all_filters(const conv2d_shape *s, const real *w, real *u)
{
    const long pairs = (long)s->out_c * s->in_c;
    for (long p = 0; p < pairs; p++) {
        real t[16];
        filter_transform_fast(w + p * 9, t);
        for (int e = 0; e < 16; e++)
            u[e * pairs + p] = t[e];
    }
}

/* V[e][ci][t] for every tile t of the n images: their input tiles transformed. */
static void transform_all_tiles(const conv2d_shape *s, int n, const real *x, real *v)
{
    const int th = tile_rows(s), tw = tile_cols(s), plane = s->in_h * s->in_w;
    const long T = (long)n * th * tw, stride_e = (long)s->in_c * T;
    for (int img = 0; img < n; img++)
        for (int ci = 0; ci < s->in_c; ci++)
            for (int ty = 0; ty < th; ty++)
                for (int tx = 0; tx < tw; tx++) {
                    real d[16], t16[16];
                    long t = ((long)img * th + ty) * tw + tx;
                    load_tile(s, x + ((long)img * s->in_c + ci) * plane, 2 * ty - s->pad_top, 2 * tx - s->pad_left, d);
                    input_transform_fast(d, t16);
                    for (int e = 0; e < 16; e++)
                        v[e * stride_e + ci * T + t] = t16[e];
                }
}

void winograd_forward_batch(const conv2d_shape *s, int n, const real *x, const real *w, const real *b, real *y,
                            conv2d_batch_space *ws)
{
    require_supported(s, "winograd_forward_batch");
    const int th = tile_rows(s), tw = tile_cols(s), in_c = s->in_c, out_c = s->out_c;
    const long T = (long)n * th * tw;
    ws->x = x;
    transform_all_filters(s, w, ws->wino_u);
    transform_all_tiles(s, n, x, ws->wino_v);
    for (int e = 0; e < 16; e++)          /* M[e] (out_c, T) = U[e] (out_c, in_c) x V[e] (in_c, T) */
        gemm(0, 0, out_c, (int)T, in_c, 1, ws->wino_u + (long)e * out_c * in_c, in_c,
             ws->wino_v + e * in_c * T, (int)T, 0, ws->wino_m + e * out_c * T, (int)T, NULL);
    for (int img = 0; img < n; img++)     /* Y = A^T M A per tile, + b */
        for (int co = 0; co < out_c; co++)
            for (int ty = 0; ty < th; ty++)
                for (int tx = 0; tx < tw; tx++) {
                    real m[16], t4[4];
                    long t = ((long)img * th + ty) * tw + tx;
                    for (int e = 0; e < 16; e++)
                        m[e] = ws->wino_m[(e * out_c + co) * T + t];
                    output_transform_fast(m, t4);
                    real *yc = y + ((long)img * out_c + co) * s->out_h * s->out_w;
                    for (int i = 0; i < 2 && 2 * ty + i < s->out_h; i++)   /* the last tile may stick out */
                        for (int j = 0; j < 2 && 2 * tx + j < s->out_w; j++)
                            yc[(2 * ty + i) * s->out_w + 2 * tx + j] = b[co] + t4[i * 2 + j];
                }
}

/* dM[e][co][t] = entry e of A dY A^T for every tile of dY (0 where it overhangs). */
static void transform_all_gradients(const conv2d_shape *s, int n, const real *dy, real *dm)
{
    const int th = tile_rows(s), tw = tile_cols(s), out_c = s->out_c;
    const long T = (long)n * th * tw;
    for (int img = 0; img < n; img++)
        for (int co = 0; co < out_c; co++) {
            const real *dyc = dy + ((long)img * out_c + co) * s->out_h * s->out_w;
            for (int ty = 0; ty < th; ty++)
                for (int tx = 0; tx < tw; tx++) {
                    real t4[4], m[16];
                    long t = ((long)img * th + ty) * tw + tx;
                    for (int i = 0; i < 2; i++)
                        for (int j = 0; j < 2; j++) {
                            int oy = 2 * ty + i, ox = 2 * tx + j;
                            t4[i * 2 + j] = oy < s->out_h && ox < s->out_w ? dyc[oy * s->out_w + ox] : 0;
                        }
                    output_transform_t_fast(t4, m);    /* dM = A dY A^T */
                    for (int e = 0; e < 16; e++)
                        dm[(e * out_c + co) * T + t] = m[e];
                }
        }
}

/* dX (n, in_c, in_h, in_w) = sum over tiles of B dV B^T, each added where its tile came from. */
static void scatter_all_tiles(const conv2d_shape *s, int n, const real *dv, real *dx)
{
    const int th = tile_rows(s), tw = tile_cols(s), plane = s->in_h * s->in_w;
    const long T = (long)n * th * tw, stride_e = (long)s->in_c * T;
    memset(dx, 0, sizeof(real) * (size_t)n * s->in_c * plane);
    for (int img = 0; img < n; img++)
        for (int ci = 0; ci < s->in_c; ci++) {
            real *dxc = dx + ((long)img * s->in_c + ci) * plane;
            for (int ty = 0; ty < th; ty++)
                for (int tx = 0; tx < tw; tx++) {
                    real v[16], dd[16];
                    long t = ((long)img * th + ty) * tw + tx;
                    int row = 2 * ty - s->pad_top, col = 2 * tx - s->pad_left;
                    for (int e = 0; e < 16; e++)
                        v[e] = dv[e * stride_e + ci * T + t];
                    input_transform_t_fast(v, dd);
                    for (int i = 0; i < 4; i++)
                        for (int j = 0; j < 4; j++) {
                            int r = row + i, c = col + j;
                            if (r >= 0 && r < s->in_h && c >= 0 && c < s->in_w)
                                dxc[r * s->in_w + c] += dd[i * 4 + j];
                        }
                }
        }
}

void winograd_backward_batch(const conv2d_shape *s, int n, const real *w, const real *dy, real *dw, real *db,
                             real *dx, conv2d_batch_space *ws)
{
    require_supported(s, "winograd_backward_batch");
    const int in_c = s->in_c, out_c = s->out_c, P = s->out_h * s->out_w;
    const long T = (long)n * tile_rows(s) * tile_cols(s), pairs = (long)out_c * in_c;
    real *u = ws->wino_u, *du = ws->wino_u + 16 * pairs, *v = ws->wino_v, *dm = ws->wino_m;
    for (int co = 0; co < out_c; co++) {   /* db += sum of dY (dY/db = 1) */
        real sum = 0;
        for (int img = 0; img < n; img++)
            for (int q = 0; q < P; q++)
                sum += dy[((long)img * out_c + co) * P + q];
        db[co] += sum;
    }
    transform_all_gradients(s, n, dy, dm);
    for (int e = 0; e < 16; e++)          /* dU[e] (out_c, in_c) = dM[e] (out_c, T) x V[e]^T (T, in_c) */
        gemm(0, 1, out_c, in_c, (int)T, 1, dm + e * out_c * T, (int)T, v + e * in_c * T, (int)T, 0,
             du + e * pairs, in_c, NULL);
    for (long p = 0; p < pairs; p++) {    /* dW += G^T dU G */
        real t[16], dg[9];
        for (int e = 0; e < 16; e++)
            t[e] = du[e * pairs + p];
        filter_transform_t_fast(t, dg);
        for (int k = 0; k < 9; k++)
            dw[p * 9 + k] += dg[k];
    }
    if (!dx)
        return;
    transform_all_filters(s, w, u);       /* U again: the weights, not what the forward left */
    for (int e = 0; e < 16; e++)          /* dV[e] (in_c, T) = U[e]^T (in_c, out_c) x dM[e] (out_c, T), over V */
        gemm(1, 0, in_c, (int)T, out_c, 1, u + e * pairs, in_c, dm + e * out_c * T, (int)T, 0,
             v + e * in_c * T, (int)T, NULL);
    scatter_all_tiles(s, n, v, dx);
}
