/* winograd.h: a 3x3 stride-1 convolution with fewer multiplications,
 * Winograd's minimal filtering F(2x2, 3x3) (lesson 17).
 *
 * Source: A. Lavin and S. Gray, "Fast Algorithms for Convolutional Neural
 * Networks" (2015). The image is cut into 4x4 tiles that overlap
 * by 2 (stride 2 in the padded input); each tile d (4x4) and each filter g
 * (3x3) give one 2x2 output tile
 *
 *     Y = A^T [ (G g G^T) (.) (B^T d B) ] A        (.) = element by element
 *
 *           [ 1  0 -1  0 ]         [  1    0    0  ]
 *     B^T = [ 0  1  1  0 ]     G = [ 1/2  1/2  1/2 ]     A^T = [ 1  1  1  0 ]
 *           [ 0 -1  1  0 ]         [ 1/2 -1/2  1/2 ]           [ 0  1 -1 -1 ]
 *           [ 0  1  0 -1 ]         [  0    0    1  ]
 *
 * 16 multiplications per tile and channel pair instead of 36 (9 per output).
 * The result is the same cross-correlation as conv2d_forward (conv.h) up to
 * rounding; src/conv.c's direct loops stay the reference it is tested
 * against (tests/unit_winograd.c).
 *
 * Shapes are conv.h's: X (in_c, in_h, in_w), W (out_c, in_c, 3, 3), b (out_c),
 * Y (out_c, out_h, out_w), any padding; the kernel must be 3x3, stride 1. */
#ifndef WINOGRAD_H
#define WINOGRAD_H

#include "conv.h"
#include "gemm.h"
#include "pool.h"
#include "real.h"

/* The transforms of one tile (4x4 / 3x3 / 2x2 arrays stored row by row). */
void winograd_filter_transform(const real *g, real *u);   /* g (3,3) -> U = G g G^T (4,4), OVERWRITTEN    */
void winograd_input_transform(const real *d, real *v);    /* d (4,4) -> V = B^T d B (4,4), OVERWRITTEN    */
void winograd_output_transform(const real *m, real *y);   /* M (4,4) -> Y = A^T M A (2,2), OVERWRITTEN    */
/* Their transposes, for the backward pass (the chain rule through a linear map is its transpose): */
void winograd_output_transform_t(const real *dy, real *dm);  /* dY (2,2) -> dM = A dY A^T (4,4), OVERWRITTEN */
void winograd_input_transform_t(const real *dv, real *dd);   /* dV (4,4) -> dd = B dV B^T (4,4), OVERWRITTEN */
void winograd_filter_transform_t(const real *du, real *dg);  /* dU (4,4) -> dg = G^T dU G (3,3), OVERWRITTEN */

/* 1 when the layer is 3x3, stride 1 (what F(2x2, 3x3) computes), else 0. */
int winograd_supported(const conv2d_shape *s);

/* Forward pass of one image, as conv2d_forward: X, W, b -> Y (OVERWRITTEN).
 * Exits with a message when the shape is not supported or memory runs out. */
void winograd_forward(const conv2d_shape *s, const real *x, const real *w, const real *b, real *y);

/* Backward pass of one image, as conv2d_backward: given dY and the forward input X,
 *   dW (out_c, in_c, 3, 3) += G^T [ sum over tiles of (A dY A^T) (.) (B^T d B) ] G   (ADDED to)
 *   db (out_c)             += sum of dY                                               (ADDED to)
 *   dX (in_c, in_h, in_w)   = sum over tiles of B [ (A dY A^T) (.) (G g G^T) ] B^T    (OVERWRITTEN;
 *                             NULL to skip)
 * Exits with a message when the shape is not supported or memory runs out. */
void winograd_backward(const conv2d_shape *s, const real *x, const real *w, const real *dy,
                       real *dw, real *db, real *dx);

/* ---------------------------------------------------------------- in the batched engine (conv.h's CONV_WINOGRAD)
 *
 * The same F(2x2, 3x3) for n images at once, as 16 matrix products: with
 * t running over every 2x2 output tile of every image (T = n * ceil(out_h/2)
 * * ceil(out_w/2) tiles) and e over the 16 entries of a transformed tile,
 *
 *     V[e] (in_c, T)      = entry e of B^T d B for every input tile d
 *     U[e] (out_c, in_c)  = entry e of G g G^T for every filter g
 *     M[e] (out_c, T)     = U[e] x V[e]                    (gemm, 16 times)
 *     Y                   = A^T M A per tile, + b, the overhanging row or column cut off
 *
 * and backward, the chain rule through each line in turn:
 *     dM[e] (out_c, T)    = entry e of A dY A^T            (dY 0 where a tile overhangs)
 *     dU[e]               = dM[e] x V[e]^T,   dW += G^T dU G
 *     dV[e]               = U[e]^T x dM[e],   dX  = sum over tiles of B dV B^T
 * The products sum in a fixed order, so the same numbers for any thread count.
 *
 * Written whole, V and M are far larger than a core's cache (for Doshi's
 * conv3 and 32 images, 6.5 and 13 MB against 2 MB of level-2 cache). A
 * forward for inference (ws->inference set: no backward expected) keeps
 * nothing, so it goes through the tiles a block of WINOGRAD_BLOCK_TILES at
 * a time: a block's V is transformed straight into the GEMM's panels,
 * multiplied, and its M turned into Y while they are still in cache. A
 * forward for training keeps V whole for the backward. Both give the same
 * numbers (winograd.c says how). */

/* The tiles the forward for inference transforms and multiplies at a time
 * (winograd.c): 64, rounded up to whole panels of the GEMM's tile (GEMM_NR). */
#define WINOGRAD_BLOCK_TILES (GEMM_NR * ((64 + GEMM_NR - 1) / GEMM_NR))

/* ws->wino_* for up to `capacity` images of a supported layer
 * (conv2d_batch_space_alloc_path calls it; exits when out of memory), and
 * the bytes it allocates: U and dU, V, M (16 arrays each, a cache line
 * more than their size apart: winograd.c, entry_stride), a row of tiles,
 * and the forward for inference's arrays (U packed, a block's V and M). */
void winograd_batch_space_alloc(conv2d_batch_space *ws, const conv2d_shape *s, int capacity);
double winograd_batch_space_bytes(const conv2d_shape *s, int capacity);

/* As conv2d_forward_batch: X (n, in_c, in_h, in_w) -> Y (n, out_c, out_h, out_w), OVERWRITTEN;
 * keeps V in ws and a pointer to X for the backward, unless ws->inference is set (then only
 * the pointer: a backward after it transforms X's tiles again, so X must still be there). */
void winograd_forward_batch(const conv2d_shape *s, int n, const real *x, const real *w, const real *b, real *y,
                            conv2d_batch_space *ws);

/* The convolution and the 2x2 stride-2 max pool after it in one pass (the
 * tiles of F(2x2, 3x3) are the pool's windows): X -> the pooled Y (n,
 * out_c, out_h/2, out_w/2) and argmax (as maxpool2d_forward_batch's:
 * indexes in each image's Y), OVERWRITTEN, the same numbers as
 * winograd_forward_batch then maxpool2d_forward_batch; Y itself is never
 * written. The backward is the layers' own: maxpool2d_backward_batch, then
 * winograd_backward_batch. winograd_pool_supported: 1 when p is a 2x2
 * stride-2 pool of all of this layer's output (out_h, out_w even);
 * winograd_forward_pool_batch exits with a message when it is not. */
int winograd_pool_supported(const conv2d_shape *s, const pool2d_shape *p);
void winograd_forward_pool_batch(const conv2d_shape *s, const pool2d_shape *p, int n, const real *x, const real *w,
                                 const real *b, real *y, int *argmax, conv2d_batch_space *ws);

/* As conv2d_backward_batch: dW, db ADDED to; dX OVERWRITTEN (NULL to skip). With dX, ws's V is
 * overwritten by dV (a second backward after the same forward transforms X's tiles again). */
void winograd_backward_batch(const conv2d_shape *s, int n, const real *w, const real *dy, real *dw, real *db,
                             real *dx, conv2d_batch_space *ws);

#endif
