/* winograd.c: F(2x2, 3x3) forward and backward for one image (winograd.h, lesson 17).
 *
 * The transforms are written as the matrix products of Lavin and Gray's
 * formula, for reading: an optimised version replaces each product by the
 * few additions it amounts to (every entry is 0, 1, -1 or 1/2). */
#include "winograd.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gemm.h"
#include "pool.h"
#include "tensor.h"

/* Loops of 3 or 4 written out by the compiler, so that the loop over
 * filters around them is the innermost and runs on whole vectors. */
#if defined(__GNUC__) || defined(__clang__)
#define UNROLLED _Pragma("GCC unroll 9")
#else
#define UNROLLED
#endif
/* A loop that writes the 16 arrays dM[e] of one tile at once: they never
 * overlap (entry_stride apart), which the compiler cannot see, so gcc is
 * told, and writes vectors of tiles into each. (clang's way of saying it,
 * "loop vectorize(assume_safety)", is an order: where clang cannot obey,
 * at -O1 with the sanitizers, it warns, and -Werror stops the build.) */
#if defined(__GNUC__) && !defined(__clang__)
#define SEPARATE_ARRAYS _Pragma("GCC ivdep")
#else
#define SEPARATE_ARRAYS
#endif

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

/* The distance between the 16 arrays U[e] (V[e], M[e]) in memory, in reals:
 * `size` (the array's own size) rounded up to a whole cache line, plus one
 * line. Without the extra line, sizes such as 256 x 128 or 128 x 3200 are
 * whole multiples of 4 KB, so the 16 arrays' entries for one tile fall in
 * the same set of the level-1 cache (which holds 12 lines per set here) and
 * evict each other at every tile: the transforms, which walk all 16 in step,
 * ran at a fraction of their speed (notes/17, "The 16 arrays and the cache"). */
static long entry_stride(long size)
{
    const long line = 64 / (long)sizeof(real);
    return (size + line - 1) / line * line + line;
}

static double block_space_reals(const conv2d_shape *s);   /* the forward's block arrays (below) */

double winograd_batch_space_bytes(const conv2d_shape *s, int capacity)
{
    long tiles = (long)capacity * tile_rows(s) * tile_cols(s);
    return (2.0 * 16 * entry_stride((long)s->out_c * s->in_c) + 16.0 * entry_stride(s->in_c * tiles)
            + 16.0 * entry_stride(s->out_c * tiles) + 8.0 * (2 * tile_cols(s) + 2) + block_space_reals(s))
           * sizeof(real);
}

void winograd_batch_space_alloc(conv2d_batch_space *ws, const conv2d_shape *s, int capacity)
{
    require_supported(s, "winograd_batch_space_alloc");
    long tiles = (long)capacity * tile_rows(s) * tile_cols(s);
    ws->wino_u = tensor_alloc(2 * 16 * (size_t)entry_stride((long)s->out_c * s->in_c), "winograd: U and dU");
    ws->wino_v = tensor_alloc(16 * (size_t)entry_stride(s->in_c * tiles), "winograd: V");
    ws->wino_m = tensor_alloc(16 * (size_t)entry_stride(s->out_c * tiles), "winograd: M");
    ws->wino_rows = tensor_alloc(8 * (2 * (size_t)tile_cols(s) + 2), "winograd: a row of tiles");
    ws->wino_block = tensor_alloc((size_t)block_space_reals(s), "winograd: U packed, a block's V and M");
}

/* Below, the six transforms are written out as the few operations they
 * amount to (the entries of B^T and A^T are 0, 1, -1; of G, 0, 1, 1/2),
 * each a 1-D transform of the rows, then of the columns: the matrix
 * products above with the products by 0 left out and those by 1 and -1
 * written as additions and subtractions (tests/fast_vs_naive.c checks the
 * batched path against the direct loops). */

/* u = G g G^T, g (3, 3), u (4, 4): entry k of g at g[k * gs], entry e of u
 * at u[e * us] (1 and 1 for one filter on its own; the block loops below
 * call it with the filters side by side, so that it runs on a vector of
 * them at once). */
static inline void filter_transform_fast(const real *restrict g, long gs, real *restrict u, long us)
{
    const real h = 0.5;
    real t[12];                                      /* t = G g (4, 3) */
    UNROLLED for (int j = 0; j < 3; j++) {
        real g0 = g[j * gs], g1 = g[(3 + j) * gs], g2 = g[(6 + j) * gs];
        t[0 + j] = g0;
        t[3 + j] = h * g0 + h * g1 + h * g2;
        t[6 + j] = h * g0 - h * g1 + h * g2;
        t[9 + j] = g2;
    }
    UNROLLED for (int i = 0; i < 4; i++) {
        const real *r = t + 3 * i;
        u[(4 * i + 0) * us] = r[0];
        u[(4 * i + 1) * us] = h * r[0] + h * r[1] + h * r[2];
        u[(4 * i + 2) * us] = h * r[0] - h * r[1] + h * r[2];
        u[(4 * i + 3) * us] = r[2];
    }
}

/* dg = G^T du G, du (4, 4), dg (3, 3), strided as filter_transform_fast. */
static inline void filter_transform_t_fast(const real *restrict du, long ds, real *restrict dg, long gs)
{
    const real h = 0.5;
    real s[12];                                      /* s = G^T du (3, 4) */
    UNROLLED for (int j = 0; j < 4; j++) {
        real d0 = du[j * ds], d1 = du[(4 + j) * ds], d2 = du[(8 + j) * ds], d3 = du[(12 + j) * ds];
        s[0 + j] = d0 + h * d1 + h * d2;
        s[4 + j] = h * d1 - h * d2;
        s[8 + j] = h * d1 + h * d2 + d3;
    }
    UNROLLED for (int i = 0; i < 3; i++) {
        const real *r = s + 4 * i;
        dg[(3 * i + 0) * gs] = r[0] + h * r[1] + h * r[2];
        dg[(3 * i + 1) * gs] = h * r[1] - h * r[2];
        dg[(3 * i + 2) * gs] = h * r[1] + h * r[2] + r[3];
    }
}

/* Filters are transformed FILTER_BLOCK at a time: their 9 weights first
 * copied side by side (g[k][q] for filter q), so that the transform reads
 * and writes whole vectors of filters (entry e of U is one array). */
#define FILTER_BLOCK 64

/* U[e] (out_c, in_c) for the 16 entries e, entry_stride(out_c * in_c) apart: every filter transformed. */
static void transform_all_filters(const conv2d_shape *s, const real *restrict w, real *restrict u)
{
    const long pairs = (long)s->out_c * s->in_c, stride_e = entry_stride(pairs);
    real g[9 * FILTER_BLOCK], ub[16 * FILTER_BLOCK];  /* (9, FILTER_BLOCK), (16, FILTER_BLOCK) */
    for (long p0 = 0; p0 < pairs; p0 += FILTER_BLOCK) {
        int nb = pairs - p0 < FILTER_BLOCK ? (int)(pairs - p0) : FILTER_BLOCK;
        for (int q = 0; q < nb; q++)
            UNROLLED for (int k = 0; k < 9; k++)
                g[k * FILTER_BLOCK + q] = w[(p0 + q) * 9 + k];
        for (int q = 0; q < nb; q++)
            filter_transform_fast(g + q, FILTER_BLOCK, ub + q, FILTER_BLOCK);
        for (int e = 0; e < 16; e++)
            memcpy(u + e * stride_e + p0, ub + e * FILTER_BLOCK, sizeof(real) * (size_t)nb);
    }
}

/* dW (out_c, in_c, 3, 3) += G^T dU G for every filter, from dU[e]^T (in_c,
 * out_c), entry_stride(out_c * in_c) apart (the gradient of the filter of
 * output channel co and input channel ci at ci*out_c + co). */
static void add_filter_gradients(const conv2d_shape *s, const real *restrict du_t, real *restrict dw)
{
    const long pairs = (long)s->out_c * s->in_c, stride_e = entry_stride(pairs);
    real dg[9 * FILTER_BLOCK];                       /* (9, FILTER_BLOCK) */
    for (long p0 = 0; p0 < pairs; p0 += FILTER_BLOCK) {
        int nb = pairs - p0 < FILTER_BLOCK ? (int)(pairs - p0) : FILTER_BLOCK;
        for (int q = 0; q < nb; q++)
            filter_transform_t_fast(du_t + p0 + q, stride_e, dg + q, FILTER_BLOCK);
        for (int q = 0; q < nb; q++) {
            long ci = (p0 + q) / s->out_c, co = (p0 + q) % s->out_c;
            real *filter = dw + (co * s->in_c + ci) * 9;
            UNROLLED for (int k = 0; k < 9; k++)
                filter[k] += dg[k * FILTER_BLOCK + q];
        }
    }
}

/* The input transform and its transpose (the scatter into dX) below work on
 * the tiles of a row at a time (the input transform on a run of them: a
 * block of tiles for inference may end mid-row): tiles of tile row ty of
 * one channel of one image, whose 4x4 input tiles overlap by 2 columns and
 * read the 4 input rows 2*ty - pad_top .. + 3. (The output transform and
 * its transpose work on TILE_BLOCK tiles side by side.) Their entries e sit
 * stride_e apart (V[e], M[e]) and their tiles side by side, so each loop
 * below walks 16 arrays in step. */

/* The 4 input rows of tile row ty of channel xc (in_h, in_w), zero-padded:
 * rows (4, width), width = 2*tw + 2, column x holding input column x - pad_left. */
static void load_tile_rows(const conv2d_shape *s, const real *xc, int ty, int width, real *rows)
{
    int x_lo = s->pad_left < width ? s->pad_left : width, x_hi = s->pad_left + s->in_w;
    x_hi = x_hi < width ? x_hi : width;
    for (int i = 0; i < 4; i++) {
        int iy = 2 * ty - s->pad_top + i;
        real *r = rows + i * width;
        if (iy < 0 || iy >= s->in_h) {
            memset(r, 0, sizeof(real) * (size_t)width);
            continue;
        }
        for (int x = 0; x < x_lo; x++)
            r[x] = 0;
        for (int x = x_lo; x < x_hi; x++)
            r[x] = xc[iy * s->in_w + x - s->pad_left];
        for (int x = x_hi; x < width; x++)
            r[x] = 0;
    }
}

/* Where V's entries go: entry e of tile t0+q of channel ci at
 * v[e*v_e + (q / panel_w) * panel + ci * ci_stride + q % panel_w]. V whole
 * (in_c, T): panel_w = T, ci_stride = T (one panel). A block in the GEMM's
 * panels of B (in_c, GEMM_NR) side by side: panel_w = GEMM_NR, panel =
 * in_c * GEMM_NR, ci_stride = GEMM_NR. */
typedef struct {
    real *v;
    long v_e, panel_w, panel, ci_stride;
} tile_layout;

/* V = B^T d B for the nt tiles t0 .. t0+nt-1 of the n images (t counts tiles
 * along a row, then rows, then images), into the layout. The 4 input rows of
 * a row of tiles are combined once for the whole row (B^T d), then each
 * tile's columns (B); the rows are read in place when they lie inside the
 * image, else copied with their padding (load_tile_rows) into scratch. */
static void transform_tiles(const conv2d_shape *s, const real *x, long t0, long nt, tile_layout L, real *scratch)
{
    const int th = tile_rows(s), tw = tile_cols(s), width = 2 * tw + 2, plane = s->in_h * s->in_w;
    const long tiles = (long)th * tw;
    real *comb = scratch + 4 * width;                /* (4, width) */
    for (int ci = 0; ci < s->in_c; ci++)
        for (long t = t0; t < t0 + nt;) {            /* a run of tiles of one tile row */
            int img = (int)(t / tiles), ty = (int)(t % tiles) / tw, tx0 = (int)(t % tiles) % tw;
            int tx1 = t0 + nt - t < tw - tx0 ? tx0 + (int)(t0 + nt - t) : tw;
            const real *xc = x + ((long)img * s->in_c + ci) * plane, *rows = scratch;
            int iy = 2 * ty - s->pad_top;
            long ld = width;
            if (s->pad_left == 0 && width <= s->in_w && iy >= 0 && iy + 4 <= s->in_h) {
                rows = xc + iy * s->in_w;            /* the 4 rows lie inside the image: read in place */
                ld = s->in_w;
            } else {
                load_tile_rows(s, xc, ty, width, scratch);
            }
            const real *d0 = rows, *d1 = rows + ld, *d2 = rows + 2 * ld, *d3 = rows + 3 * ld;
            real *c0 = comb, *c1 = comb + width, *c2 = comb + 2 * width, *c3 = comb + 3 * width;
            for (int x = 0; x < width; x++) {        /* B^T d: the rows combined */
                c0[x] = d0[x] - d2[x];
                c1[x] = d1[x] + d2[x];
                c2[x] = -d1[x] + d2[x];
                c3[x] = d1[x] - d3[x];
            }
            for (int tx = tx0; tx < tx1; tx++) {     /* (B^T d) B: each tile's columns combined */
                long q = t - t0 + tx - tx0;
                real *v = L.v + q / L.panel_w * L.panel + ci * L.ci_stride + q % L.panel_w;
                for (int i = 0; i < 4; i++) {
                    const real *r = comb + i * width + 2 * tx;
                    v[(4 * i + 0) * L.v_e] = r[0] - r[2];
                    v[(4 * i + 1) * L.v_e] = r[1] + r[2];
                    v[(4 * i + 2) * L.v_e] = -r[1] + r[2];
                    v[(4 * i + 3) * L.v_e] = r[1] - r[3];
                }
            }
            t += tx1 - tx0;
        }
}

/* The output transforms below work on TILE_BLOCK tiles of one channel of
 * one image at a time, the tiles side by side: entry e of tile q of the
 * block at [e * TILE_BLOCK + q] in a small array on the stack, so that each
 * line of the transform runs on whole vectors of tiles. Copying a tile's
 * four dY numbers in (or its four outputs out) is the only scalar step. */
#define TILE_BLOCK 64

/* Y = A^T M A for nt tiles: entry e of tile q at m[e*stride_e + q] -> o (4, TILE_BLOCK):
 * the tile's outputs (0,0), (0,1), (1,0), (1,1) at o[k * TILE_BLOCK + q]. */
static void output_transform_block(const real *restrict m, long stride_e, int nt, real *restrict o)
{
    for (int q = 0; q < nt; q++) {
        real t0[4], t1[4];                           /* A^T M: the rows combined */
        UNROLLED for (int j = 0; j < 4; j++) {
            t0[j] = m[j * stride_e + q] + m[(4 + j) * stride_e + q] + m[(8 + j) * stride_e + q];
            t1[j] = m[(4 + j) * stride_e + q] - m[(8 + j) * stride_e + q] - m[(12 + j) * stride_e + q];
        }
        o[q] = t0[0] + t0[1] + t0[2];                /* (A^T M) A: the columns */
        o[TILE_BLOCK + q] = t0[1] - t0[2] - t0[3];
        o[2 * TILE_BLOCK + q] = t1[0] + t1[1] + t1[2];
        o[3 * TILE_BLOCK + q] = t1[1] - t1[2] - t1[3];
    }
}

/* Where the output transform puts a tile's four outputs: into Y, or, when
 * a 2x2 stride-2 max pool follows (winograd_forward_pool_batch), only their
 * maximum and where it is, since the tiles are the pool's windows. */
typedef struct {
    real *y;         /* Y (n, out_c, out_h, out_w), or the pooled Y (n, out_c, out_h/2, out_w/2) */
    int *argmax;     /* NULL: Y whole; else the pool's argmax (n, out_c, out_h/2, out_w/2) */
} output_target;

/* Tile (ty, tx) of channel co of image img: Y = A^T M A + bias (o: its 4
 * outputs, TILE_BLOCK apart), the overhanging row or column cut off. */
static inline void put_tile(const conv2d_shape *s, real *y, int img, int co, int ty, int tx, const real *o, real bias)
{
    const int w = s->out_w, oy = 2 * ty, ox = 2 * tx;
    real *y0 = y + (((long)img * s->out_c + co) * s->out_h + oy) * w + ox;
    int whole_row = ox + 1 < w, second_row = oy + 1 < s->out_h;
    y0[0] = bias + o[0];
    if (whole_row)
        y0[1] = bias + o[TILE_BLOCK];
    if (second_row) {
        y0[w] = bias + o[2 * TILE_BLOCK];
        if (whole_row)
            y0[w + 1] = bias + o[3 * TILE_BLOCK];
    }
}

/* The 2x2 max pool of k tiles' outputs o (4, TILE_BLOCK) + bias, compared as
 * the pool layer compares (maxpool2d_window_2x2): the maxima to mx, where
 * they are to at (0, 1, w or w + 1). One loop of selects, on vectors of tiles. */
static void pool_tiles(const real *restrict o, int k, real bias, int w, real *restrict mx, int *restrict at)
{
    for (int q = 0; q < k; q++) {
        int where;
        mx[q] = maxpool2d_window_2x2(bias + o[q], bias + o[TILE_BLOCK + q], bias + o[2 * TILE_BLOCK + q],
                                     bias + o[3 * TILE_BLOCK + q], w, &where);
        at[q] = where;
    }
}

/* Y = A^T M A + b for the nt tiles t0 .. of the n images: entry e of tile
 * t0+q of channel co at m[e*m_e + co*co_stride + q]. Or, with out.argmax,
 * their 2x2 max pool: tile (ty, tx) of a plane is the pooled output there. */
static void output_transform_tiles(const conv2d_shape *s, const real *m, long m_e, long co_stride, long t0, long nt,
                                   const real *b, output_target out)
{
    const int th = tile_rows(s), tw = tile_cols(s), w = s->out_w;
    const long tiles = (long)th * tw;
    real o[4 * TILE_BLOCK], mx[TILE_BLOCK];
    int at[TILE_BLOCK];
    for (int co = 0; co < s->out_c; co++)
        for (long q0 = 0; q0 < nt; q0 += TILE_BLOCK) {
            int k = nt - q0 < TILE_BLOCK ? (int)(nt - q0) : TILE_BLOCK;
            long t = t0 + q0;
            output_transform_block(m + co * co_stride + q0, m_e, k, o);
            if (out.argmax)
                pool_tiles(o, k, b[co], w, mx, at);
            /* tile t is tile (ty, tx) of image img: tx counts up to tw - 1, then ty, then img */
            int img = (int)(t / tiles), ty = (int)(t % tiles) / tw, tx = (int)(t % tiles) % tw;
            for (int q = 0; q < k; q++) {
                if (out.argmax) {                    /* the pooled plane (th, tw): one number a tile */
                    long j = ((long)img * s->out_c + co) * tiles + ty * tw + tx;
                    out.y[j] = mx[q];
                    out.argmax[j] = (co * s->out_h + 2 * ty) * w + 2 * tx + at[q];  /* in the image's Y */
                } else {
                    put_tile(s, out.y, img, co, ty, tx, o + q, b[co]);
                }
                if (++tx == tw) {
                    tx = 0;
                    if (++ty == th) {
                        ty = 0;
                        img++;
                    }
                }
            }
        }
}

/* ---------------------------------------------------------------- the forward for inference, a block of tiles at a time
 *
 * Written whole, V and M are far larger than a core's cache (for Doshi's
 * conv3 and 32 images, 6.5 and 13 MB against a 2 MB level-2 cache): the
 * transforms write them to memory and the GEMMs read them back. A forward
 * that no backward follows needs neither afterwards, so it runs
 * BLOCK_TILES tiles at a time, each block's V and M small enough to stay
 * in the cache from the transform that writes them to the product or
 * transform that reads them:
 *
 *     U[e] packed once (gemm_pack_a_all), for every block:
 *     V_blk[e] (in_c, BLOCK_TILES)     = the block's input tiles transformed,
 *                                        written straight in the GEMM's panels of B
 *     M_blk[e] (out_c, BLOCK_TILES)    = U[e] x V_blk[e]       (gemm_with_callbacks)
 *     Y                                = A^T M_blk A per tile, + b
 *
 * Every entry of M is the same sum in the same order as one GEMM over all
 * the tiles gives (the micro-kernel's, over in_c in blocks of GEMM_KC): the
 * same numbers. For training the forward keeps V whole (the backward's dU
 * product sums over all the tiles): forward_whole. The same by blocks with
 * each block's V kept, and a backward by blocks (dM kept, dV a block at a
 * time), ran no faster on Doshi's conv3 (notes 17), so the backward and the
 * forward before it work on whole arrays, the simpler way. */
#define BLOCK_TILES WINOGRAD_BLOCK_TILES

/* The block's three arrays in ws->wino_block, aligned to a cache line, and their entry strides. */
typedef struct {
    real *pu, *vb, *mb;  /* U[e] packed (gemm_pack_a_all), V_blk[e] in panels, M_blk[e] (out_c, BLOCK_TILES) */
    long pu_e, vb_e, mb_e;
} block_arrays;

static block_arrays block_arrays_of(const conv2d_shape *s, real *space)
{
    const long line = 64 / (long)sizeof(real);
    block_arrays a;
    a.pu_e = entry_stride(gemm_packed_a_count(s->out_c, s->in_c));
    a.vb_e = entry_stride((long)s->in_c * BLOCK_TILES);
    a.mb_e = entry_stride((long)s->out_c * BLOCK_TILES);
    a.pu = space + (line - (long)(((uintptr_t)space / sizeof(real)) % line)) % line;
    a.vb = a.pu + 16 * a.pu_e;
    a.mb = a.vb + 16 * a.vb_e;
    return a;
}

static double block_space_reals(const conv2d_shape *s)
{
    return 16.0 * (entry_stride(gemm_packed_a_count(s->out_c, s->in_c)) + entry_stride((long)s->in_c * BLOCK_TILES)
                   + entry_stride((long)s->out_c * BLOCK_TILES)) + 64 / sizeof(real);
}

/* One of the 16 products of a block, M_blk[e] = U[e] x V_blk[e], for gemm_with_callbacks. */
typedef struct {
    const real *pu, *vb;  /* U[e] packed, V_blk[e] */
    real *mb;             /* M_blk[e] (out_c, BLOCK_TILES) */
    int out_c, in_c;
} block_product;

static const real *u_panel(void *ctx, int i0, int p0, int kc, real *buf)
{
    const block_product *bp = ctx;
    (void)kc, (void)buf;
    return gemm_packed_a_panel(bp->pu, bp->out_c, bp->in_c, i0, p0);
}

static const real *v_panel(void *ctx, int p0, int kc, int j0, real *buf)
{
    const block_product *bp = ctx;
    (void)kc, (void)buf;
    return bp->vb + (long)(j0 / GEMM_NR) * bp->in_c * GEMM_NR + (long)p0 * GEMM_NR;
}

/* The tile's rows into M_blk: the first block of terms written, later ones added (as gemm's beta = 1). */
static void m_tile(void *ctx, int i0, int j0, int p0, int kc, const real *tile)
{
    const block_product *bp = ctx;
    int rows = bp->out_c - i0 < GEMM_MR ? bp->out_c - i0 : GEMM_MR;
    (void)kc;
    for (int i = 0; i < rows; i++) {
        real *m = bp->mb + (long)(i0 + i) * BLOCK_TILES + j0;
        const real *t = tile + i * GEMM_NR;
        if (p0 == 0)
            memcpy(m, t, sizeof(real) * GEMM_NR);
        else
            for (int j = 0; j < GEMM_NR; j++)
                m[j] += t[j];
    }
}

/* The forward for training: V and M whole (the backward reads V), one GEMM per entry. */
static void forward_whole(const conv2d_shape *s, int n, const real *x, const real *b, output_target out,
                          conv2d_batch_space *ws)
{
    const int in_c = s->in_c, out_c = s->out_c;
    const long T = (long)n * tile_rows(s) * tile_cols(s);
    const long u_e = entry_stride((long)out_c * in_c), v_e = entry_stride(in_c * T), m_e = entry_stride(out_c * T);
    transform_tiles(s, x, 0, T, (tile_layout){ ws->wino_v, v_e, T, 0, T }, ws->wino_rows);
    for (int e = 0; e < 16; e++)          /* M[e] (out_c, T) = U[e] (out_c, in_c) x V[e] (in_c, T) */
        gemm(0, 0, out_c, (int)T, in_c, 1, ws->wino_u + e * u_e, in_c,
             ws->wino_v + e * v_e, (int)T, 0, ws->wino_m + e * m_e, (int)T, NULL);
    output_transform_tiles(s, ws->wino_m, m_e, T, 0, T, b, out);   /* Y = A^T M A per tile, + b */
}

/* The forward for inference: BLOCK_TILES tiles at a time, nothing kept. */
static void forward_in_blocks(const conv2d_shape *s, int n, const real *x, const real *b, output_target out,
                              conv2d_batch_space *ws)
{
    const int in_c = s->in_c, out_c = s->out_c;
    const long T = (long)n * tile_rows(s) * tile_cols(s), u_e = entry_stride((long)out_c * in_c);
    block_arrays a = block_arrays_of(s, ws->wino_block);
    tile_layout panels = { a.vb, a.vb_e, GEMM_NR, (long)in_c * GEMM_NR, GEMM_NR };
    for (int e = 0; e < 16; e++)          /* U[e] (out_c, in_c) in the GEMM's panels, once for every block */
        gemm_pack_a_all(0, out_c, in_c, ws->wino_u + e * u_e, in_c, a.pu + e * a.pu_e);
    for (long t0 = 0; t0 < T; t0 += BLOCK_TILES) {
        int nt = T - t0 < BLOCK_TILES ? (int)(T - t0) : BLOCK_TILES;
        if (nt < BLOCK_TILES)             /* the last block: its panels' unused columns 0 */
            memset(a.vb, 0, sizeof(real) * 16 * (size_t)a.vb_e);
        transform_tiles(s, x, t0, nt, panels, ws->wino_rows);
        for (int e = 0; e < 16; e++) {   /* M_blk[e] (out_c, nt) = U[e] (out_c, in_c) x V_blk[e] (in_c, nt) */
            block_product bp = { a.pu + e * a.pu_e, a.vb + e * a.vb_e, a.mb + e * a.mb_e, out_c, in_c };
            gemm_callbacks cb = { u_panel, v_panel, m_tile, &bp };
            gemm_with_callbacks(out_c, nt, in_c, &cb);
        }
        output_transform_tiles(s, a.mb, a.mb_e, BLOCK_TILES, t0, nt, b, out);   /* Y = A^T M A per tile, + b */
    }
}

static void forward(const conv2d_shape *s, int n, const real *x, const real *w, const real *b, output_target out,
                    conv2d_batch_space *ws)
{
    ws->x = x;
    ws->v_kept = !ws->inference;
    transform_all_filters(s, w, ws->wino_u);
    if (ws->inference)
        forward_in_blocks(s, n, x, b, out, ws);
    else
        forward_whole(s, n, x, b, out, ws);
}

void winograd_forward_batch(const conv2d_shape *s, int n, const real *x, const real *w, const real *b, real *y,
                            conv2d_batch_space *ws)
{
    require_supported(s, "winograd_forward_batch");
    forward(s, n, x, w, b, (output_target){ y, NULL }, ws);
}

int winograd_pool_supported(const conv2d_shape *s, const pool2d_shape *p)
{
    return winograd_supported(s) && p->k == 2 && p->stride == 2 && p->c == s->out_c && p->in_h == s->out_h
           && p->in_w == s->out_w && s->out_h % 2 == 0 && s->out_w % 2 == 0;
}

void winograd_forward_pool_batch(const conv2d_shape *s, const pool2d_shape *p, int n, const real *x, const real *w,
                                 const real *b, real *y, int *argmax, conv2d_batch_space *ws)
{
    if (!winograd_pool_supported(s, p)) {
        fprintf(stderr, "winograd_forward_pool_batch: the pool is not 2x2 stride 2 over the whole %dx%d output\n",
                s->out_h, s->out_w);
        exit(1);
    }
    forward(s, n, x, w, b, (output_target){ y, argmax }, ws);
}

/* dM = A dY A^T for nt tiles: g (4, TILE_BLOCK), the tile's dY at (0,0), (0,1),
 * (1,0), (1,1) in g[k * TILE_BLOCK + q] -> entry e of tile q at dm[e * stride_e + q]. */
static void output_transform_t_block(const real *restrict g, int nt, real *restrict dm, long stride_e)
{
    SEPARATE_ARRAYS for (int q = 0; q < nt; q++) {
        real s[8];                                   /* A dY (4, 2) */
        UNROLLED for (int j = 0; j < 2; j++) {
            real a = g[j * TILE_BLOCK + q], c = g[(2 + j) * TILE_BLOCK + q];
            s[0 + j] = a;
            s[2 + j] = a + c;
            s[4 + j] = a - c;
            s[6 + j] = -c;
        }
        UNROLLED for (int i = 0; i < 4; i++) {       /* (A dY) A^T */
            dm[(4 * i + 0) * stride_e + q] = s[2 * i];
            dm[(4 * i + 1) * stride_e + q] = s[2 * i] + s[2 * i + 1];
            dm[(4 * i + 2) * stride_e + q] = s[2 * i] - s[2 * i + 1];
            dm[(4 * i + 3) * stride_e + q] = -s[2 * i + 1];
        }
    }
}

/* dM[e] of every tile of one channel of one image: dy (out_h, out_w), 0 where
 * a tile overhangs; entry e of the plane's tile t to dm[e * stride_e + t]. */
static void output_transform_t_plane(const conv2d_shape *s, const real *dy, real *dm, long stride_e)
{
    const int th = tile_rows(s), tw = tile_cols(s), tiles = th * tw;
    real g[4 * TILE_BLOCK];
    for (int t0 = 0; t0 < tiles; t0 += TILE_BLOCK) {
        int nt = tiles - t0 < TILE_BLOCK ? tiles - t0 : TILE_BLOCK;
        if (s->out_w % 2 == 0 && s->out_h % 2 == 0) {   /* no tile overhangs: a row of tiles at a time */
            for (int q = 0, ty = t0 / tw, tx = t0 % tw; q < nt; tx = 0, ty++) {
                int run = tw - tx < nt - q ? tw - tx : nt - q;
                const real *d0 = dy + 2 * ty * s->out_w + 2 * tx, *d1 = d0 + s->out_w;
                for (int j = 0; j < run; j++) {
                    g[q + j] = d0[2 * j];
                    g[TILE_BLOCK + q + j] = d0[2 * j + 1];
                    g[2 * TILE_BLOCK + q + j] = d1[2 * j];
                    g[3 * TILE_BLOCK + q + j] = d1[2 * j + 1];
                }
                q += run;
            }
            output_transform_t_block(g, nt, dm + t0, stride_e);
            continue;
        }
        /* tile t0 + q of the plane is in tile row ty, column tx: tx counts up to tw - 1, then
         * starts again at 0 on the next row (ty + 1) */
        for (int q = 0, ty = t0 / tw, tx = t0 % tw; q < nt; q++, tx = tx + 1 < tw ? tx + 1 : 0, ty += tx == 0) {
            int oy = 2 * ty, ox = 2 * tx, w = s->out_w;
            const real *d0 = dy + oy * w + ox;
            int whole_row = ox + 1 < w, second_row = oy + 1 < s->out_h;
            g[q] = d0[0];
            g[TILE_BLOCK + q] = whole_row ? d0[1] : 0;
            g[2 * TILE_BLOCK + q] = second_row ? d0[w] : 0;
            g[3 * TILE_BLOCK + q] = second_row && whole_row ? d0[w + 1] : 0;
        }
        output_transform_t_block(g, nt, dm + t0, stride_e);
    }
}

/* dM[e][co][t] for every tile of dY (0 where a tile overhangs). */
static void transform_all_gradients(const conv2d_shape *s, int n, const real *dy, real *dm)
{
    const int th = tile_rows(s), tw = tile_cols(s), out_c = s->out_c;
    const long T = (long)n * th * tw, P = (long)s->out_h * s->out_w, m_e = entry_stride(out_c * T);
    for (int co = 0; co < out_c; co++)
        for (int img = 0; img < n; img++)
            output_transform_t_plane(s, dy + ((long)img * out_c + co) * P, dm + co * T + (long)img * th * tw, m_e);
}

/* dd = B dV B^T for the tw tiles of a row (entry e of tile tx at dv[e*stride_e + tx]),
 * summed where the tiles overlap into acc (4, width), OVERWRITTEN: tile tx's columns
 * 0-3 land on columns 2tx .. 2tx+3, so columns 2tx and 2tx+1 get tile tx-1's last two
 * columns plus tile tx's first two. Those last two are carried to the next tile rather
 * than added in acc: each column of acc is stored once, never read back (adding into
 * acc, each tile's loads waited on the previous tile's overlapping stores, which the
 * processor cannot forward: the scatter's largest cost in perf). The same sums in
 * the same order: tile tx-1's + tile tx's, where the old loop added them into a
 * row of zeros (only a -0 here may have been +0 there; dX, which starts at +0,
 * gets the same bits). */
static void input_transform_t_row(const real *dv, long stride_e, int tw, int width, real *acc)
{
    real carry2[4] = { 0, 0, 0, 0 }, carry3[4] = { 0, 0, 0, 0 };   /* tile tx-1's columns 2 and 3, by row */
    for (int tx = 0; tx < tw; tx++) {
        real s[16];                                  /* B dV */
        for (int j = 0; j < 4; j++) {
            real v0 = dv[j * stride_e + tx], v1 = dv[(4 + j) * stride_e + tx];
            real v2 = dv[(8 + j) * stride_e + tx], v3 = dv[(12 + j) * stride_e + tx];
            s[0 + j] = v0;
            s[4 + j] = v1 - v2 + v3;
            s[8 + j] = -v0 + v1 + v2;
            s[12 + j] = -v3;
        }
        for (int i = 0; i < 4; i++) {                /* (B dV) B^T, added where the tile came from */
            const real *r = s + 4 * i;
            real *a = acc + i * width + 2 * tx;
            a[0] = carry2[i] + r[0];
            a[1] = carry3[i] + (r[1] - r[2] + r[3]);
            carry2[i] = -r[0] + r[1] + r[2];
            carry3[i] = -r[3];
        }
    }
    for (int i = 0; i < 4; i++) {                    /* the last tile's columns 2 and 3 */
        acc[i * width + 2 * tw] = carry2[i];
        acc[i * width + 2 * tw + 1] = carry3[i];
    }
}

/* dX (n, in_c, in_h, in_w) = sum over tiles of B dV B^T, each added where its tile came from. */
static void scatter_all_tiles(const conv2d_shape *s, int n, const real *dv, real *dx, real *scratch)
{
    const int th = tile_rows(s), tw = tile_cols(s), width = 2 * tw + 2, plane = s->in_h * s->in_w;
    const int x_lo = s->pad_left, x_hi = s->pad_left + s->in_w < width ? s->pad_left + s->in_w : width;
    const long T = (long)n * th * tw, stride_e = entry_stride(s->in_c * T);
    memset(dx, 0, sizeof(real) * (size_t)n * s->in_c * plane);
    for (int ci = 0; ci < s->in_c; ci++)
        for (int img = 0; img < n; img++) {
            real *dxc = dx + ((long)img * s->in_c + ci) * plane;
            for (int ty = 0; ty < th; ty++) {
                input_transform_t_row(dv + ci * T + ((long)img * th + ty) * tw, stride_e, tw, width, scratch);
                for (int i = 0; i < 4; i++) {        /* the 4 rows, the padding dropped */
                    int iy = 2 * ty - s->pad_top + i;
                    if (iy < 0 || iy >= s->in_h)
                        continue;
                    const real *a = scratch + i * width;
                    real *row = dxc + iy * s->in_w;
                    for (int x = x_lo; x < x_hi; x++)   /* column x: input column x - pad_left */
                        row[x - s->pad_left] += a[x];
                }
            }
        }
}

/* db (out_c) += the sum of dY (n, out_c, P) over images and positions (dY/db = 1), each
 * channel's sum in the order img, q. One running sum waits for the last add at every
 * step (a few cycles: 4 on Skylake); 8 channels side by side are 8 independent sums,
 * each in the same order as alone: the same bits (the lone sum had been among the
 * layer's largest lines in perf, notes 17). Scalar on purpose: vectors
 * across the 8 channels would need a gather per step. */
#define DB_CHANNELS 8
static void add_bias_gradients(int n, int out_c, int P, const real *restrict dy, real *restrict db)
{
    int co = 0;
    for (; co + DB_CHANNELS <= out_c; co += DB_CHANNELS) {
        real s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
        for (int img = 0; img < n; img++) {
            const real *d = dy + ((long)img * out_c + co) * P;         /* 8 planes, P apart */
            for (int q = 0; q < P; q++) {
                s0 += d[q];
                s1 += d[P + q];
                s2 += d[2 * P + q];
                s3 += d[3 * P + q];
                s4 += d[4 * P + q];
                s5 += d[5 * P + q];
                s6 += d[6 * P + q];
                s7 += d[7 * P + q];
            }
        }
        db[co] += s0;
        db[co + 1] += s1;
        db[co + 2] += s2;
        db[co + 3] += s3;
        db[co + 4] += s4;
        db[co + 5] += s5;
        db[co + 6] += s6;
        db[co + 7] += s7;
    }
    for (; co < out_c; co++) {
        real sum = 0;
        for (int img = 0; img < n; img++)
            for (int q = 0; q < P; q++)
                sum += dy[((long)img * out_c + co) * P + q];
        db[co] += sum;
    }
}

void winograd_backward_batch(const conv2d_shape *s, int n, const real *w, const real *dy, real *dw, real *db,
                             real *dx, conv2d_batch_space *ws)
{
    require_supported(s, "winograd_backward_batch");
    const int in_c = s->in_c, out_c = s->out_c, P = s->out_h * s->out_w;
    const long T = (long)n * tile_rows(s) * tile_cols(s), pairs = (long)out_c * in_c;
    const long u_e = entry_stride(pairs), v_e = entry_stride(in_c * T), m_e = entry_stride(out_c * T);
    real *u = ws->wino_u, *du = ws->wino_u + 16 * u_e, *v = ws->wino_v, *dm = ws->wino_m;
    add_bias_gradients(n, out_c, P, dy, db);
    if (!ws->v_kept)                      /* the forward ran for inference: V, from X (still there) */
        transform_tiles(s, ws->x, 0, T, (tile_layout){ v, v_e, T, 0, T }, ws->wino_rows);
    transform_all_gradients(s, n, dy, dm);
    for (int e = 0; e < 16; e++)          /* dU[e]^T (in_c, out_c) = V[e] (in_c, T) x dM[e]^T (T, out_c): */
        gemm(0, 1, in_c, out_c, (int)T, 1, v + e * v_e, (int)T, dm + e * m_e, (int)T, 0,   /* dU = dM V^T, */
             du + e * u_e, out_c, NULL);  /* transposed: the GEMM's row-by-row copy is then of V (in_c rows,
                                             fewer than dM's out_c in Doshi's conv3), dM's goes through its
                                             vector transposes; the same sums in the same order */
    add_filter_gradients(s, du, dw);      /* dW += G^T dU G */
    if (!dx)
        return;
    transform_all_filters(s, w, u);       /* U again: the weights, not what the forward left */
    for (int e = 0; e < 16; e++)          /* dV[e] (in_c, T) = U[e]^T (in_c, out_c) x dM[e] (out_c, T), over V */
        gemm(1, 0, in_c, (int)T, out_c, 1, u + e * u_e, in_c, dm + e * m_e, (int)T, 0,
             v + e * v_e, (int)T, NULL);
    ws->v_kept = 0;                       /* V is gone: another backward would transform X again */
    scatter_all_tiles(s, n, v, dx, ws->wino_rows);
}
