/* conv_wide.h: a stride-1 convolution with few channels, computed
 * straight from the image in "wide rows" (conv.h's CONV_WIDE).
 *
 * With few channels (lesson 10's 1 -> 16 5x5) im2col's matrix is 25 times
 * the image, and the GEMM that reads it sums only 25 terms per output: the
 * copies cost more than the arithmetic. Here nothing is copied but the
 * image, once, into a zero-padded plane of Hp x Wp (Wp = in_w + pad_left +
 * pad_right). In that plane, output (oy, ox) of a stride-1 layer reads the
 * pixels at (oy + ky) * Wp + (ox + kx), so with j = oy * Wp + ox
 *
 *     Ywide[co][j] = sum_{ci,ky,kx} W[co][ci][ky][kx] * Xpad[ci][j + ky*Wp + kx]
 *
 * is a one-dimensional sum along j, the same shift for every j: a vector of
 * consecutive j's is one load per tap, and a block of filters shares it
 * (each weight broadcast). The columns ox >= out_w of Ywide ("wide rows")
 * are thrown away; they cost (k_w - 1) / Wp of the work (4/28 for lesson 10).
 *
 * The backward pass is the same trick twice, with dY laid out the same way
 * (zeros in the thrown-away columns, so they add nothing):
 *     dW[co][ci][ky][kx] += sum_j dYwide[co][j] * Xpad[ci][j + ky*Wp + kx]
 *     db[co]             += sum_j dYwide[co][j] * 1          (one more "tap", reading ones)
 *     dXpad[ci][i]        = sum_{co,ky,kx} W[co][ci][k_h-1-ky][k_w-1-kx] * dYpad[co][i + ky*Wp + kx]
 * where dYpad is dYwide moved (k_h-1)*Wp + (k_w-1) places later (zeros in
 * front): the second line is the forward sum again, on dY, with the filters
 * rotated by 180 degrees and in/out channels swapped (lesson 06's "full
 * convolution"). dX is then read out of dXpad's inside.
 *
 * Rounding: each forward output is the running sum over the taps in
 * increasing order, then + b: the order of im2col's GEMM (one block of
 * terms for taps <= GEMM_KC). dW and dX sum in other orders (up to rounding
 * the same). The sums per output never depend on the thread count. */
#ifndef CONV_WIDE_H
#define CONV_WIDE_H

#include "conv.h"
#include "pool.h"

/* 1 when the layer is stride 1 (any kernel, any padding), else 0. */
int conv_wide_supported(const conv2d_shape *s);

/* ws->wide for up to `capacity` images (exits with a message when out of memory). */
void conv_wide_space_alloc(conv2d_batch_space *ws, const conv2d_shape *s, int capacity);
void conv_wide_space_free(conv2d_batch_space *ws);
/* The bytes conv_wide_space_alloc allocates. */
double conv_wide_space_bytes(const conv2d_shape *s, int capacity);
/* ws->wide for the forward alone (conv_wide_forward_batch, any n): one
 * image's padded planes and wide rows, the packed weights; the backward
 * refuses it (exits with a message). CONV_IMPLICIT's forward uses it
 * (conv_implicit_forward_is_wide). _bytes: what it allocates. */
void conv_wide_forward_space_alloc(conv2d_batch_space *ws, const conv2d_shape *s);
double conv_wide_forward_space_bytes(const conv2d_shape *s);

/* As conv2d_forward_batch: X (n, in_c, in_h, in_w) -> Y (n, out_c, out_h, out_w), OVERWRITTEN;
 * keeps the padded images in ws for the backward. */
void conv_wide_forward_batch(const conv2d_shape *s, int n, const real *x, const real *w, const real *b, real *y,
                               conv2d_batch_space *ws);

/* A convolution and the 2x2 stride-2 max pool after it, in one pass: the
 * pool reads each image's wide rows while they are in cache, and Y is never
 * written. X (n, in_c, in_h, in_w) -> pooled Y (n, out_c, out_h/2, out_w/2)
 * and argmax (n, out_c, out_h/2, out_w/2), both OVERWRITTEN, exactly as
 * conv_wide_forward_batch then maxpool2d_forward_batch give them (argmax
 * indexes the convolution's output plane, as the pool layer's does). The
 * backward is the two layers' own (maxpool2d_backward_batch, then
 * conv_wide_backward_batch). conv_wide_pool_supported: 1 when p is a 2x2
 * stride-2 pool of this layer's output and the layer is stride 1. */
int conv_wide_pool_supported(const conv2d_shape *s, const pool2d_shape *p);
void conv_wide_forward_pool_batch(const conv2d_shape *s, const pool2d_shape *p, int n, const real *x, const real *w,
                                  const real *b, real *y, int *argmax, conv2d_batch_space *ws);

/* As conv2d_backward_batch: dW, db ADDED to; dX OVERWRITTEN (NULL to skip). */
void conv_wide_backward_batch(const conv2d_shape *s, int n, const real *w, const real *dy, real *dw, real *db,
                                real *dx, conv2d_batch_space *ws);

/* The backward of conv_wide_forward_pool_batch's two layers in one pass:
 * dY (n, out_c, out_h/2, out_w/2) is the POOL's output gradient and argmax
 * its forward's; each value goes straight to its window's winner in the
 * padded dY (the layer's own dY is never written). dW, db ADDED to; dX
 * OVERWRITTEN (NULL to skip); the same numbers as maxpool2d_backward_batch
 * then conv_wide_backward_batch. */
void conv_wide_backward_pool_batch(const conv2d_shape *s, const pool2d_shape *p, int n, const real *w,
                                   const real *dy, const int *argmax, real *dw, real *db, real *dx,
                                   conv2d_batch_space *ws);

#endif
