/* conv.h: 2-D convolution with channels, stride and zero padding.
 *
 * Like every deep-learning framework we compute the cross-correlation
 *
 *   Y[co][oy][ox] = b[co] + sum_{ci,ky,kx} W[co][ci][ky][kx] * Xpad[ci][oy*S + ky][ox*S + kx]
 *
 * and call it convolution (Notes on CNN's 2x2 example slides the filter without
 * flipping it). Xpad is X with pad_top rows of zeros above, pad_bottom below,
 * pad_left columns on the left and pad_right on the right.
 *
 * Shapes:  X (in_c, in_h, in_w)   W (out_c, in_c, k_h, k_w)   b (out_c)
 *          Y (out_c, out_h, out_w) with out = (in + pads - k) / stride + 1. */
#ifndef CONV_H
#define CONV_H

#include "real.h"

typedef struct {
    int in_c, in_h, in_w;                          /* input X                 */
    int out_c, k_h, k_w;                           /* weights W, bias b       */
    int stride;
    int pad_top, pad_bottom, pad_left, pad_right;  /* zeros around X          */
    int out_h, out_w;                              /* output Y (computed)     */
} conv2d_shape;

/* Output length along one axis: (in + pad_before + pad_after - k) / stride + 1.
 * Returns -1 when no window fits (k > padded input) or when the windows do not
 * tile the padded input exactly ((in + pads - k) not divisible by stride):
 * we reject rather than floor, because flooring silently ignores the last
 * rows or columns of the input. */
int conv_output_size(int in, int k, int pad_before, int pad_after, int stride);

/* Fill a conv2d_shape with the same padding P on all four sides (P = 0 is
 * "valid", P = (k-1)/2 is "same" for odd k, P = k-1 is "full").
 * Returns 0, or -1 when conv_output_size rejects the geometry. */
int conv2d_setup(conv2d_shape *s, int in_c, int in_h, int in_w,
                 int out_c, int k, int stride, int pad);
/* The same with explicit padding per side (needed for "same" with an even
 * kernel, which Keras pads one more on the bottom/right). Square kernel k x k. */
int conv2d_setup_asym(conv2d_shape *s, int in_c, int in_h, int in_w, int out_c, int k, int stride,
                      int pad_top, int pad_bottom, int pad_left, int pad_right);

long conv2d_weight_count(const conv2d_shape *s);  /* out_c * in_c * k_h * k_w */
long conv2d_output_count(const conv2d_shape *s);  /* out_c * out_h * out_w    */

/* Forward pass: X (in_c,in_h,in_w), W (out_c,in_c,k_h,k_w), b (out_c) -> Y (out_c,out_h,out_w). */
void conv2d_forward(const conv2d_shape *s, const real *x, const real *w, const real *b, real *y);

/* Backward pass. Given dY = dL/dY (out_c,out_h,out_w) and the forward input X:
 *   dW (out_c,in_c,k_h,k_w) += conv(X, dY)          (ADDED to, so a batch can sum)
 *   db (out_c)              += sum of dY over (oy, ox)   (ADDED to)
 *   dX (in_c,in_h,in_w)      = full convolution of the 180-degree-rotated W
 *                              with dY (OVERWRITTEN); with stride S > 1, with
 *                              dY dilated first (S-1 zeros between its entries),
 *                              and the padded border cut off (lesson 06).
 *                              Pass NULL to skip it, e.g. for the first layer,
 *                              whose input is data. */
void conv2d_backward(const conv2d_shape *s, const real *x, const real *w, const real *dy,
                     real *dw, real *db, real *dx);

#endif
