/* activation.h: element-wise non-linearities, forward and backward.
 *
 * Each function works on n numbers; the shape does not matter. Backward
 * functions OVERWRITE dx with dL/dx = dL/dy * dy/dx (the local derivative
 * dy/dx is written next to each forward rule in activation.c). */
#ifndef ACTIVATION_H
#define ACTIVATION_H

#include "real.h"

/* y = max(0, x)                        dy/dx = 1 if x > 0 else 0 (we take 0 at the kink x = 0)
 * A NaN x gives y = NaN (a NaN from upstream reaches the loss, where the
 * trainer sees it, instead of turning into a harmless-looking 0); the
 * backward pass gives dx = 0 there, which does not matter: the loss is
 * already NaN. */
void relu_forward(const real *x, real *y, int n);
void relu_backward(const real *x, const real *dy, real *dx, int n);

/* y = 1 / (1 + e^-x)                   dy/dx = y (1 - y): needs only the forward output y */
void sigmoid_forward(const real *x, real *y, int n);
void sigmoid_backward(const real *y, const real *dy, real *dx, int n);

/* y = tanh(x)                          dy/dx = 1 - y^2: needs only the forward output y */
void tanh_forward(const real *x, real *y, int n);
void tanh_backward(const real *y, const real *dy, real *dx, int n);

/* Scalar versions, for lessons that print one number at a time. */
real sigmoid(real x);

#endif
