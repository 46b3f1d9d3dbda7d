/* exercises/04_activations.h: the functions exercise 04 asks for.
 * Both exercises/04_activations.c (yours) and solutions/04_activations.c
 * define them; tests/exercise_04.c checks them. Do not change this file.
 *
 * Every function works on n numbers, element by element. The backward
 * functions get dy = dL/dy, the gradient arriving from above, and write
 * dx = dL/dx by the chain rule, overwriting dx. */
#ifndef EXERCISE_04_H
#define EXERCISE_04_H

/* Task 1: y = max(0, x). At the kink x = 0 the backward takes the left slope, 0. */
void relu_fwd(const double *x, double *y, int n);
void relu_bwd(const double *x, const double *dy, double *dx, int n);

/* Task 2: y = 1 / (1 + e^-x). The backward gets the OUTPUT y, not x. */
void sigmoid_fwd(const double *x, double *y, int n);
void sigmoid_bwd(const double *y, const double *dy, double *dx, int n);

/* Task 3: y = tanh(x). The backward gets the OUTPUT y, not x. */
void tanh_fwd(const double *x, double *y, int n);
void tanh_bwd(const double *y, const double *dy, double *dx, int n);

/* Task 4: the gradient check at ReLU's kink.
 * central_slope: the central difference (f(x + h) - f(x - h)) / (2h).
 * straddles_kink: 1 when the two probes x - h and x + h lie on opposite
 * sides of ReLU's corner at 0 (x - h < 0 < x + h), else 0: exactly the
 * inputs where the central difference of relu is neither 0 nor 1. */
typedef double (*scalar_fn)(double);
double central_slope(scalar_fn f, double x, double h);
int straddles_kink(double x, double h);

#endif
