/* pool.h: max and average pooling over k x k windows with a stride.
 *
 * Each channel is pooled on its own; windows may overlap (k > stride, as
 * AlexNet's 3x3 stride 2) or not (k == stride, the common 2x2 stride 2).
 * No padding. Shapes: X (c, in_h, in_w) -> Y (c, out_h, out_w) with
 * out = (in - k) / stride + 1, rejected when it does not divide exactly. */
#ifndef POOL_H
#define POOL_H

#include "real.h"

typedef struct {
    int c, in_h, in_w;
    int k, stride;
    int out_h, out_w;   /* computed by pool2d_setup */
} pool2d_shape;

/* Returns 0, or -1 when the windows do not tile the input (see conv_output_size). */
int pool2d_setup(pool2d_shape *s, int c, int in_h, int in_w, int k, int stride);
long pool2d_output_count(const pool2d_shape *s);

/* Y[c][oy][ox] = max over the window of X. argmax (c, out_h, out_w) records,
 * for every output, the flat index into X of the winner; on a tie the first
 * maximum in reading order wins. A NaN in a window wins it (Y is NaN), so a
 * NaN from upstream is passed on, not skipped. */
void maxpool2d_forward(const pool2d_shape *s, const real *x, real *y, int *argmax);
/* dX (c, in_h, in_w) is OVERWRITTEN: zero everywhere, and each dY value is
 * routed to the input that won its window (added, since with overlapping
 * windows one input can win several). dY/dX = 1 for the winner, 0 otherwise. */
void maxpool2d_backward(const pool2d_shape *s, const real *dy, const int *argmax, real *dx);

/* Y[c][oy][ox] = mean of X over the window. */
void avgpool2d_forward(const pool2d_shape *s, const real *x, real *y);
/* dX is OVERWRITTEN: every input in a window gets dY / (k*k) from it (dY/dX = 1/(k*k)). */
void avgpool2d_backward(const pool2d_shape *s, const real *dy, real *dx);

/* The batched versions (lesson 11): n images one after another,
 * X (n, c, in_h, in_w) -> Y (n, c, out_h, out_w); each image is pooled by
 * the functions above, so they match them exactly. argmax (n, c, out_h, out_w)
 * indexes into its own image's X. dX (n, c, in_h, in_w) is OVERWRITTEN. */
/* The maximum of one 2x2 window, its pixels in reading order v0 v1 / v2 v3,
 * and where it is: *at = 0, 1, in_w or in_w + 1. The comparisons of
 * maxpool2d_forward: the first maximum wins a tie, a NaN wins (it must not
 * be hidden). Selects, not branches, so that a loop of them vectorises
 * (v != v: true for NaN only; isnan() stops gcc's vectoriser). */
static inline real maxpool2d_window_2x2(real v0, real v1, real v2, real v3, int in_w, int *at)
{
    int w1 = (v1 > v0) | (v1 != v1);
    real m = w1 ? v1 : v0;
    int where = w1 ? 1 : 0;
    int w2 = (v2 > m) | (v2 != v2);
    m = w2 ? v2 : m;
    where = w2 ? in_w : where;
    int w3 = (v3 > m) | (v3 != v3);
    m = w3 ? v3 : m;
    *at = w3 ? in_w + 1 : where;
    return m;
}
/* One row of 2x2 windows with stride 2, as the fast paths compute it
 * (maxpool2d_forward_batch, and a convolution that pools its own output:
 * conv_wide.c). Window ox reads upper[2ox], upper[2ox+1], upper[ld+2ox],
 * upper[ld+2ox+1], each plus *shift when shift is not NULL (a bias, added
 * before comparing, as the layer before would have added it), compared in
 * reading order as maxpool2d_forward does. y (out_w) OVERWRITTEN with the
 * maxima; argmax (out_w) with first + 2ox + 0, 1, in_w or in_w + 1: indices
 * in a plane whose rows are in_w apart (ld may differ: a wider layout). */
void maxpool2d_row_2x2(const real *upper, long ld, const real *shift, int in_w, real *y, int *argmax, int out_w,
                       int first);
/* A row of out_w outputs computed as out_w rounded up to a multiple of 8,
 * so that the compiler's vector loop covers it with no scalar tail (14 as 2
 * vectors of 8, not 8 + 6 single steps). A caller may ask for that many
 * when the extra reads stay inside its buffer and the extra outputs land
 * where a later row overwrites them. */
static inline int maxpool2d_row_width(int out_w)
{
    return (out_w + 7) / 8 * 8;
}

void maxpool2d_forward_batch(const pool2d_shape *s, int n, const real *x, real *y, int *argmax);
void maxpool2d_backward_batch(const pool2d_shape *s, int n, const real *dy, const int *argmax, real *dx);
void avgpool2d_forward_batch(const pool2d_shape *s, int n, const real *x, real *y);
void avgpool2d_backward_batch(const pool2d_shape *s, int n, const real *dy, real *dx);

#endif
