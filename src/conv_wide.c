/* conv_wide.c: stride-1 convolution straight from the image, in wide
 * rows (conv_wide.h explains the layout and the sums). */
#include "conv_wide.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "simd.h"
#include "tensor.h"

/* A vector of WIDE_L consecutive positions j; WIDE_CB filters share
 * each load of the image (WIDE_CB accumulators, one per filter, leaving
 * registers for the load); the filter gradient keeps a block of
 * WIDE_GC filters x WIDE_GT taps of accumulators. */
#if SIMD_VECTORS
#define WIDE_L SIMD_LANES
#else
#define WIDE_L 4
#endif
#if SIMD_REGISTERS >= 32
#define WIDE_CB 16
#else
#define WIDE_CB 8
#endif
#define WIDE_GC 4
#define WIDE_GT 4

#if defined(__GNUC__) || defined(__clang__)
#define UNROLLED _Pragma("GCC unroll 16")
#else
#define UNROLLED
#endif

static long round_up(long v, long unit)
{
    return (v + unit - 1) / unit * unit;
}

/* Where everything sits (conv_wide.h's planes), for one layer. */
typedef struct {
    int wp, hp;          /* the padded input: hp rows of wp */
    long span;           /* forward positions j in [0, span): out_h * wp, rounded up to WIDE_L */
    long in_plane;       /* reals per padded input channel (its slack read by the last vectors is zero) */
    long image;          /* reals per padded image: in_c planes, then `span` ones (db's tap, below) */
    long margin;         /* dYpad: (k_h-1)*wp + (k_w-1) zeros before dY's first row */
    long dx_first, dx_span;  /* dXpad's positions i in [dx_first, dx_first + dx_span): X's rows */
    long dy_plane;       /* reals per dYpad channel */
    int taps, out_pad, taps_pad;  /* in_c*k_h*k_w; out_c, taps + 1 rounded up to WIDE_GC, WIDE_GT */
    int fwd_blocks, dx_blocks;    /* filter blocks of WIDE_CB: forward (out_c), dX (in_c) */
} wide_geometry;

static wide_geometry geometry_of(const conv2d_shape *s)
{
    wide_geometry g;
    g.wp = s->in_w + s->pad_left + s->pad_right;
    g.hp = s->in_h + s->pad_top + s->pad_bottom;
    g.span = round_up((long)s->out_h * g.wp, WIDE_L);
    g.margin = (long)(s->k_h - 1) * g.wp + (s->k_w - 1);
    g.in_plane = g.margin + g.span;                         /* the last tap's reads end there */
    g.image = (long)s->in_c * g.in_plane + g.span;
    g.dx_first = (long)s->pad_top * g.wp;
    g.dx_span = round_up((long)s->in_h * g.wp, WIDE_L);
    long dy_end = g.dx_first + g.dx_span > g.span ? g.dx_first + g.dx_span : g.span;
    g.dy_plane = g.margin + dy_end;                         /* dX's last tap reads up to there */
    g.taps = s->in_c * s->k_h * s->k_w;
    g.out_pad = (int)round_up(s->out_c, WIDE_GC);
    g.taps_pad = (int)round_up(g.taps + 1, WIDE_GT);       /* one more: db */
    g.fwd_blocks = (s->out_c + WIDE_CB - 1) / WIDE_CB;
    g.dx_blocks = (s->in_c + WIDE_CB - 1) / WIDE_CB;
    return g;
}

struct conv_wide_space {
    wide_geometry g;
    real *x_pad;      /* (capacity, image): the images, padded (zeros outside them stay zero), and ones */
    real *dy_pad;     /* (out_pad, dy_plane): one image's dY, margin in front; zeros stay zero */
    real *wide;       /* (blocks * WIDE_CB, max(span, dx_span)): one image's Ywide or dXpad rows */
    real *w_fwd;      /* (fwd_blocks, taps, WIDE_CB): W packed, filter block by filter block */
    real *w_dx;       /* (dx_blocks, out_c*k_h*k_w, WIDE_CB): W rotated, channels swapped */
    real *grad;       /* (out_pad, taps_pad, WIDE_L): dW's running vector sums */
    int *fwd_offset;  /* (taps_pad): tap (ci, ky, kx) at ci*in_plane + ky*wp + kx; tap `taps`: the ones;
                         the rest (padding taps, never used): 0 */
    int *dx_offset;   /* (out_c*k_h*k_w): tap (co, ky, kx) at co*dy_plane + ky*wp + kx */
    int forward_only; /* 1: x_pad for one image, and nothing the backward needs (conv_wide_forward_space_alloc) */
};

int conv_wide_supported(const conv2d_shape *s)
{
    return s->stride == 1;
}

double conv_wide_space_bytes(const conv2d_shape *s, int capacity)
{
    wide_geometry g = geometry_of(s);
    int blocks = g.fwd_blocks > g.dx_blocks ? g.fwd_blocks : g.dx_blocks;
    double wide = (double)blocks * WIDE_CB * (double)(g.span > g.dx_span ? g.span : g.dx_span);
    double reals = (double)capacity * g.image + (double)g.out_pad * g.dy_plane + wide
                   + (double)g.fwd_blocks * g.taps * WIDE_CB + (double)g.dx_blocks * s->out_c * s->k_h * s->k_w * WIDE_CB
                   + (double)g.out_pad * g.taps_pad * WIDE_L;
    return reals * sizeof(real) + ((double)g.taps_pad + (double)s->out_c * s->k_h * s->k_w) * sizeof(int);
}

double conv_wide_forward_space_bytes(const conv2d_shape *s)
{
    wide_geometry g = geometry_of(s);
    double reals = (double)g.image + (double)g.fwd_blocks * WIDE_CB * g.span + (double)g.fwd_blocks * g.taps * WIDE_CB;
    return reals * sizeof(real) + (double)g.taps_pad * sizeof(int);
}

static struct conv_wide_space *new_space(const conv2d_shape *s)
{
    if (!conv_wide_supported(s)) {
        fprintf(stderr, "conv: the wide-row path needs stride 1, not %d\n", s->stride);
        exit(1);
    }
    struct conv_wide_space *d = checked_calloc(1, sizeof *d, "the wide-row convolution's space");
    d->g = geometry_of(s);
    d->w_fwd = checked_calloc((size_t)d->g.fwd_blocks * d->g.taps * WIDE_CB, sizeof(real), "packed weights");
    d->fwd_offset = checked_calloc((size_t)d->g.taps_pad, sizeof(int), "tap offsets");
    const int kk = s->k_h * s->k_w;
    for (int t = 0; t < d->g.taps; t++) {            /* t = (ci*k_h + ky)*k_w + kx */
        int ci = t / kk, ky = t / s->k_w % s->k_h, kx = t % s->k_w;
        d->fwd_offset[t] = (int)(ci * d->g.in_plane + (long)ky * d->g.wp + kx);
    }
    d->fwd_offset[d->g.taps] = (int)(s->in_c * d->g.in_plane);
    return d;
}

void conv_wide_forward_space_alloc(conv2d_batch_space *ws, const conv2d_shape *s)
{
    struct conv_wide_space *d = new_space(s);
    d->forward_only = 1;
    d->x_pad = checked_calloc((size_t)d->g.image, sizeof(real), "a padded image");
    d->wide = checked_calloc((size_t)d->g.fwd_blocks * WIDE_CB * d->g.span, sizeof(real), "wide feature maps");
    ws->wide = d;
}

void conv_wide_space_alloc(conv2d_batch_space *ws, const conv2d_shape *s, int capacity)
{
    struct conv_wide_space *d = new_space(s);
    wide_geometry g = d->g;
    const int kk = s->k_h * s->k_w, blocks = g.fwd_blocks > g.dx_blocks ? g.fwd_blocks : g.dx_blocks;
    d->x_pad = checked_calloc((size_t)capacity * g.image, sizeof(real), "padded images");
    for (int img = 0; img < capacity; img++)          /* db = sum_j dYwide[co][j] * 1: a tap reading ones */
        for (long j = 0; j < g.span; j++)
            d->x_pad[img * g.image + s->in_c * g.in_plane + j] = 1;
    d->dy_pad = checked_calloc((size_t)g.out_pad * g.dy_plane, sizeof(real), "padded dY");
    d->wide = checked_calloc((size_t)blocks * WIDE_CB * (g.span > g.dx_span ? g.span : g.dx_span), sizeof(real),
                             "wide feature maps");
    d->w_dx = checked_calloc((size_t)g.dx_blocks * s->out_c * kk * WIDE_CB, sizeof(real), "rotated weights");
    d->grad = checked_calloc((size_t)g.out_pad * g.taps_pad * WIDE_L, sizeof(real), "filter gradient sums");
    d->dx_offset = checked_calloc((size_t)s->out_c * kk, sizeof(int), "tap offsets");
    for (int t = 0; t < s->out_c * kk; t++) {     /* t = (co*k_h + ky)*k_w + kx */
        int co = t / kk, ky = t / s->k_w % s->k_h, kx = t % s->k_w;
        d->dx_offset[t] = (int)(co * g.dy_plane + (long)ky * g.wp + kx);
    }
    ws->wide = d;
}

void conv_wide_space_free(conv2d_batch_space *ws)
{
    struct conv_wide_space *d = ws->wide;
    if (!d)
        return;
    free(d->x_pad);  free(d->dy_pad);  free(d->wide);  free(d->w_fwd);  free(d->w_dx);
    free(d->grad);  free(d->fwd_offset);  free(d->dx_offset);
    free(d);
    ws->wide = NULL;
}

/* ---------------------------------------------------------------- the two kernels */

#if SIMD_VECTORS

/* out[c][j] = sum over t < taps of in[offset[t] + j] * wpk[t][c], for the
 * WIDE_CB filters of the block (rows past the last filter are computed from
 * zero weights and stored too: out has room) and j < span, WIDE_L at a time
 * (t in increasing order). */
static SIMD_FULL_WIDTH void wide_rows(int taps, const int *offset, const real *in, const real *wpk, long span,
                                      real *out, long ld)
{
    for (long j0 = 0; j0 < span; j0 += WIDE_L) {
        simd_vec acc[WIDE_CB];
        const real *w = wpk;
        UNROLLED for (int c = 0; c < WIDE_CB; c++)
            acc[c] = (simd_vec){ 0 };
        for (int t = 0; t < taps; t++, w += WIDE_CB) {
            simd_vec v;
            memcpy(&v, in + offset[t] + j0, sizeof v);     /* an unaligned vector load */
            UNROLLED for (int c = 0; c < WIDE_CB; c++)
                acc[c] += w[c] * v;                         /* the weight broadcast to every lane */
        }
        UNROLLED for (int c = 0; c < WIDE_CB; c++)
            memcpy(out + c * ld + j0, &acc[c], sizeof acc[c]);
    }
}

/* grad[c][t] (vectors of L lanes) += sum over j < span of dy[c][j] * in[offset[t] + j],
 * WIDE_GC filters (dy's rows ld_dy apart) by WIDE_GT taps. */
static SIMD_FULL_WIDTH void gradient_tile(const real *dy, long ld_dy, const int *offset, const real *in, long span,
                                          real *grad, int ld_grad)
{
    simd_vec acc[WIDE_GC][WIDE_GT];
    UNROLLED for (int c = 0; c < WIDE_GC; c++)
        UNROLLED for (int t = 0; t < WIDE_GT; t++)
            memcpy(&acc[c][t], grad + ((long)c * ld_grad + t) * WIDE_L, sizeof acc[c][t]);
    for (long j = 0; j < span; j += WIDE_L) {
        simd_vec d[WIDE_GC], v[WIDE_GT];
        UNROLLED for (int c = 0; c < WIDE_GC; c++)
            memcpy(&d[c], dy + c * ld_dy + j, sizeof d[c]);
        UNROLLED for (int t = 0; t < WIDE_GT; t++)
            memcpy(&v[t], in + offset[t] + j, sizeof v[t]);
        UNROLLED for (int c = 0; c < WIDE_GC; c++)
            UNROLLED for (int t = 0; t < WIDE_GT; t++)
                acc[c][t] += d[c] * v[t];
    }
    UNROLLED for (int c = 0; c < WIDE_GC; c++)
        UNROLLED for (int t = 0; t < WIDE_GT; t++)
            memcpy(grad + ((long)c * ld_grad + t) * WIDE_L, &acc[c][t], sizeof acc[c][t]);
}

#else

static void wide_rows(int taps, const int *offset, const real *in, const real *wpk, long span, real *out, long ld)
{
    for (long j0 = 0; j0 < span; j0 += WIDE_L) {
        real acc[WIDE_CB][WIDE_L] = { { 0 } };
        const real *w = wpk;
        for (int t = 0; t < taps; t++, w += WIDE_CB)
            for (int c = 0; c < WIDE_CB; c++)
                for (int l = 0; l < WIDE_L; l++)
                    acc[c][l] += w[c] * in[offset[t] + j0 + l];
        for (int c = 0; c < WIDE_CB; c++)
            for (int l = 0; l < WIDE_L; l++)
                out[c * ld + j0 + l] = acc[c][l];
    }
}

static void gradient_tile(const real *dy, long ld_dy, const int *offset, const real *in, long span, real *grad,
                          int ld_grad)
{
    for (int c = 0; c < WIDE_GC; c++)
        for (int t = 0; t < WIDE_GT; t++) {
            real *acc = grad + ((long)c * ld_grad + t) * WIDE_L;
            for (long j = 0; j < span; j += WIDE_L)
                for (int l = 0; l < WIDE_L; l++)
                    acc[l] += dy[c * ld_dy + j + l] * in[offset[t] + j + l];
        }
}

#endif

/* ---------------------------------------------------------------- packing */

/* W (out_c, taps) -> w_fwd (fwd_blocks, taps, WIDE_CB), zeros past out_c. */
static void pack_forward_weights(const conv2d_shape *s, const wide_geometry *g, const real *w, real *packed)
{
    for (int b = 0; b < g->fwd_blocks; b++)
        for (int t = 0; t < g->taps; t++)
            for (int c = 0; c < WIDE_CB; c++) {
                int co = b * WIDE_CB + c;
                packed[((long)b * g->taps + t) * WIDE_CB + c] = co < s->out_c ? w[(long)co * g->taps + t] : 0;
            }
}

/* W (out_c, in_c, k_h, k_w) -> w_dx (dx_blocks, out_c*k_h*k_w, WIDE_CB): entry
 * [b][(co*k_h + ky)*k_w + kx][c] = W[co][b*CB + c][k_h-1-ky][k_w-1-kx] (0 past in_c). */
static void pack_dx_weights(const conv2d_shape *s, const wide_geometry *g, const real *w, real *packed)
{
    const int kk = s->k_h * s->k_w, rows = s->out_c * kk;
    for (int b = 0; b < g->dx_blocks; b++)
        for (int t = 0; t < rows; t++) {
            int co = t / kk, ky = t / s->k_w % s->k_h, kx = t % s->k_w;
            for (int c = 0; c < WIDE_CB; c++) {
                int ci = b * WIDE_CB + c;
                long from = (((long)co * s->in_c + ci) * s->k_h + (s->k_h - 1 - ky)) * s->k_w + (s->k_w - 1 - kx);
                packed[((long)b * rows + t) * WIDE_CB + c] = ci < s->in_c ? w[from] : 0;
            }
        }
}

/* ---------------------------------------------------------------- forward */

/* Image x (in_c, in_h, in_w) into its padded planes (only the inside is written). */
static void pad_image(const conv2d_shape *s, const wide_geometry *g, const real *x, real *x_pad)
{
    for (int ci = 0; ci < s->in_c; ci++)
        for (int iy = 0; iy < s->in_h; iy++) {
            const real *from = x + ((long)ci * s->in_h + iy) * s->in_w;
            real *to = x_pad + ci * g->in_plane + (long)(iy + s->pad_top) * g->wp + s->pad_left;
            for (int ix = 0; ix < s->in_w; ix++)
                to[ix] = from[ix];
        }
}

/* Image img of the call, x (in_c, in_h, in_w): into its padded planes
 * (kept for the backward), then its wide rows Ywide (out_c, span) into
 * d->wide, with the weights packed in d->w_fwd. */
static void image_wide_rows(const conv2d_shape *s, struct conv_wide_space *d, const real *x, int img)
{
    const wide_geometry *g = &d->g;
    real *x_pad = d->x_pad + (d->forward_only ? 0 : img) * g->image;
    pad_image(s, g, x, x_pad);
    for (int blk = 0; blk < g->fwd_blocks; blk++)
        wide_rows(g->taps, d->fwd_offset, x_pad, d->w_fwd + (long)blk * g->taps * WIDE_CB, g->span,
                  d->wide + (long)blk * WIDE_CB * g->span, g->span);
}

void conv_wide_forward_batch(const conv2d_shape *s, int n, const real *x, const real *w, const real *b, real *y,
                               conv2d_batch_space *ws)
{
    struct conv_wide_space *d = ws->wide;
    const wide_geometry *g = &d->g;
    const long in_size = (long)s->in_c * s->in_h * s->in_w, P = (long)s->out_h * s->out_w;
    pack_forward_weights(s, g, w, d->w_fwd);                 /* once for every image of the call */
    for (int img = 0; img < n; img++) {
        image_wide_rows(s, d, x + img * in_size, img);
        for (int co = 0; co < s->out_c; co++)                /* Y[co][oy][ox] = Ywide[co][oy*wp + ox] + b[co] */
            for (int oy = 0; oy < s->out_h; oy++) {
                const real *from = d->wide + co * g->span + (long)oy * g->wp;
                real *to = y + ((long)img * s->out_c + co) * P + (long)oy * s->out_w;
                for (int ox = 0; ox < s->out_w; ox++)
                    to[ox] = from[ox] + b[co];
            }
    }
}

/* Ywide (out_c, span) of one image -> its 2x2 max pool (out_c, ph, pw) and
 * argmax, each output plus b[co] before the comparison (as Y would have had). */
static void pool_wide(const conv2d_shape *s, const wide_geometry *g, const pool2d_shape *p, const real *wide,
                      long wide_size, const real *b, real *y, int *argmax)
{
    const long P = (long)s->out_h * s->out_w, PP = (long)p->out_h * p->out_w;
    const int row = maxpool2d_row_width(p->out_w);
    for (int co = 0; co < s->out_c; co++)
        for (int oy = 0; oy < p->out_h; oy++) {
            const real *upper = wide + co * g->span + 2L * oy * g->wp;
            long reads_end = co * g->span + (2L * oy + 1) * g->wp + 2L * row;
            int fits = reads_end <= wide_size && (long)oy * p->out_w + row <= PP;   /* maxpool2d_row_width */
            maxpool2d_row_2x2(upper, g->wp, &b[co], s->out_w, y + co * PP + (long)oy * p->out_w,
                              argmax + co * PP + (long)oy * p->out_w, fits ? row : p->out_w,
                              (int)(co * P + 2L * oy * s->out_w));
        }
}

int conv_wide_pool_supported(const conv2d_shape *s, const pool2d_shape *p)
{
    return conv_wide_supported(s) && p->k == 2 && p->stride == 2 && p->c == s->out_c && p->in_h == s->out_h
           && p->in_w == s->out_w && p->out_h * 2 == s->out_h && p->out_w * 2 == s->out_w;   /* tiled exactly */
}

void conv_wide_forward_pool_batch(const conv2d_shape *s, const pool2d_shape *p, int n, const real *x, const real *w,
                                  const real *b, real *y, int *argmax, conv2d_batch_space *ws)
{
    struct conv_wide_space *d = ws->wide;
    const wide_geometry *g = &d->g;
    const long in_size = (long)s->in_c * s->in_h * s->in_w, pooled = pool2d_output_count(p);
    const int blocks = d->forward_only || g->fwd_blocks > g->dx_blocks ? g->fwd_blocks : g->dx_blocks;
    const long wide_size = (long)blocks * WIDE_CB * (d->forward_only || g->span > g->dx_span ? g->span : g->dx_span);
    pack_forward_weights(s, g, w, d->w_fwd);                 /* once for every image of the call */
    for (int img = 0; img < n; img++) {
        image_wide_rows(s, d, x + img * in_size, img);
        pool_wide(s, g, p, d->wide, wide_size, b, y + img * pooled, argmax + img * pooled);
    }
}

/* ---------------------------------------------------------------- backward */

/* One image's dY (out_c, out_h, out_w) into dYpad (only the inside is written). */
static void pad_dy(const conv2d_shape *s, const wide_geometry *g, const real *dy, real *dy_pad)
{
    for (int co = 0; co < s->out_c; co++)
        for (int oy = 0; oy < s->out_h; oy++) {
            const real *from = dy + ((long)co * s->out_h + oy) * s->out_w;
            real *to = dy_pad + co * g->dy_plane + g->margin + (long)oy * g->wp;
            for (int ox = 0; ox < s->out_w; ox++)
                to[ox] = from[ox];
        }
}

/* dX of one image: dXpad = the forward sum on dYpad with W rotated, then its inside. */
static void image_dx(const conv2d_shape *s, struct conv_wide_space *d, real *dx)
{
    const wide_geometry *g = &d->g;
    const int rows_all = s->out_c * s->k_h * s->k_w;
    for (int blk = 0; blk < g->dx_blocks; blk++)             /* dXpad (in_c, dx_span): [i] is position dx_first + i */
        wide_rows(rows_all, d->dx_offset, d->dy_pad + g->dx_first, d->w_dx + (long)blk * rows_all * WIDE_CB,
                  g->dx_span, d->wide + (long)blk * WIDE_CB * g->dx_span, g->dx_span);
    for (int ci = 0; ci < s->in_c; ci++)                     /* dX[ci][iy][ix] = dXpad[ci][(iy+pad_top)*wp + ix+pad_left] */
        for (int iy = 0; iy < s->in_h; iy++) {
            const real *from = d->wide + ci * g->dx_span + (long)iy * g->wp + s->pad_left;
            real *to = dx + ((long)ci * s->in_h + iy) * s->in_w;
            for (int ix = 0; ix < s->in_w; ix++)
                to[ix] = from[ix];
        }
}

/* One output row of the pool's backward, written out: pooled dY (pw) and
 * argmax (pw) -> rows 2oy (`upper`) and 2oy + 1 (`lower`) of the layer's dY,
 * every pixel written: 0 + dY at its window's winner (what the pool layer
 * adds to its zeros), 0 elsewhere. `at` is argmax's index minus `first`:
 * 0, 1, out_w or out_w + 1 past the window's corner. Selects, not
 * branches: the compiler vectorises. */
static void unpool_row(const real *restrict dy, const int *restrict argmax, int pw, int first, int out_w,
                       real *restrict upper, real *restrict lower)
{
    for (int ox = 0; ox < pw; ox++) {
        int at = argmax[ox] - first - 2 * ox;
        real d = (real)0 + dy[ox];
        upper[2 * ox] = at == 0 ? d : 0;
        upper[2 * ox + 1] = at == 1 ? d : 0;
        lower[2 * ox] = at == out_w ? d : 0;
        lower[2 * ox + 1] = at == out_w + 1 ? d : 0;
    }
}

/* One image's pooled dY (out_c, ph, pw) and the pool's argmax, routed
 * into dYpad's inside as the pool layer's backward then pad_dy would leave
 * it. The 2x2 windows tile the layer's output exactly (pool2d_setup takes
 * no other), so every pixel of the inside is written. */
static void unpool_dy(const conv2d_shape *s, const wide_geometry *g, const pool2d_shape *p, const real *dy,
                      const int *argmax, real *dy_pad)
{
    const long P = (long)s->out_h * s->out_w, PP = (long)p->out_h * p->out_w;
    for (int co = 0; co < s->out_c; co++) {
        real *plane = dy_pad + co * g->dy_plane + g->margin;
        for (int oy = 0; oy < p->out_h; oy++) {
            long o = co * PP + (long)oy * p->out_w;
            real *upper = plane + 2L * oy * g->wp;
            unpool_row(dy + o, argmax + o, p->out_w, (int)(co * P + 2L * oy * s->out_w), s->out_w, upper,
                       upper + g->wp);
        }
    }
}

/* The backward of n images, dY given as the layer's own (p NULL) or as its
 * 2x2 max pool's dY and argmax (p, argmax). */
static void backward_images(const conv2d_shape *s, const pool2d_shape *p, int n, const real *w, const real *dy,
                            const int *argmax, real *dw, real *db, real *dx, conv2d_batch_space *ws)
{
    struct conv_wide_space *d = ws->wide;
    const wide_geometry *g = &d->g;
    const long P = (long)s->out_h * s->out_w, in_size = (long)s->in_c * s->in_h * s->in_w;
    const long dy_size = p ? pool2d_output_count(p) : s->out_c * P;
    if (d->forward_only) {
        fprintf(stderr, "conv: a wide-row backward on a forward-only space (conv_wide_forward_space_alloc)\n");
        exit(1);
    }
    if (dx)
        pack_dx_weights(s, g, w, d->w_dx);
    memset(d->grad, 0, sizeof(real) * (size_t)g->out_pad * g->taps_pad * WIDE_L);
    for (int img = 0; img < n; img++) {
        const real *x_pad = d->x_pad + img * g->image;
        if (p)
            unpool_dy(s, g, p, dy + img * dy_size, argmax + img * dy_size, d->dy_pad);
        else
            pad_dy(s, g, dy + img * dy_size, d->dy_pad);
        /* dW's vector sums (out_pad, taps_pad, L) += dYwide (out_c, span) x Xpad's shifted rows,
         * and db's (tap `taps`) += dYwide x ones (dY/db = 1) */
        for (int c0 = 0; c0 < g->out_pad; c0 += WIDE_GC)
            for (int t0 = 0; t0 < g->taps_pad; t0 += WIDE_GT)
                gradient_tile(d->dy_pad + c0 * g->dy_plane + g->margin, g->dy_plane, d->fwd_offset + t0, x_pad,
                              g->span, d->grad + ((long)c0 * g->taps_pad + t0) * WIDE_L, g->taps_pad);
        if (dx)
            image_dx(s, d, dx + img * in_size);
    }
    for (int co = 0; co < s->out_c; co++)     /* each vector's lanes added up, in order */
        for (int t = 0; t <= g->taps; t++) {
            const real *lanes = d->grad + ((long)co * g->taps_pad + t) * WIDE_L;
            real sum = 0;
            for (int l = 0; l < WIDE_L; l++)
                sum += lanes[l];
            if (t < g->taps)
                dw[(long)co * g->taps + t] += sum;
            else
                db[co] += sum;
        }
}

void conv_wide_backward_batch(const conv2d_shape *s, int n, const real *w, const real *dy, real *dw, real *db,
                                real *dx, conv2d_batch_space *ws)
{
    backward_images(s, NULL, n, w, dy, NULL, dw, db, dx, ws);
}

void conv_wide_backward_pool_batch(const conv2d_shape *s, const pool2d_shape *p, int n, const real *w,
                                   const real *dy, const int *argmax, real *dw, real *db, real *dx,
                                   conv2d_batch_space *ws)
{
    backward_images(s, p, n, w, dy, argmax, dw, db, dx, ws);
}
