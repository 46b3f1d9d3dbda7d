/* Exercise 04: activations, forward and backward.
 *
 * Lesson 04 (build/lessons/04_activations, notes/04_activations.md) prints
 * ReLU, sigmoid and tanh with their local derivatives and gradient-checks
 * the library's backward passes. Now you derive the derivatives and write
 * them. Each function works on n numbers, element by element. A backward
 * function receives dy[i] = dL/dy_i, the gradient of the loss arriving from
 * the layer above, and writes dx[i] = dL/dx_i by the chain rule: the local
 * derivative alone is NOT the answer.
 *
 *   TODO 1  relu_fwd: y = max(0, x).
 *           relu_bwd(x, dy, dx): at the kink x = 0 take the slope of the
 *           left side, 0 (as src/activation.c does).
 *   TODO 2  sigmoid_fwd: y = 1 / (1 + e^-x).
 *           sigmoid_bwd(y, dy, dx): it gets the OUTPUT y = sigmoid(x), not x,
 *           so write the local derivative in terms of y (Intro to CNN derives
 *           it). Numbers to hit, with dy = 1: dx = 0.25 at x = 0 (y = 0.5),
 *           0.104994 at x = 2 (y = 0.880797).
 *   TODO 3  tanh_fwd: y = tanh(x) (tanh() from <math.h> is fine).
 *           tanh_bwd(y, dy, dx): again from the OUTPUT y = tanh(x). With
 *           dy = 1: dx = 1 at x = 0, 0.070651 at x = 2 (y = 0.964028).
 *   TODO 4  The gradient check at ReLU's kink.
 *           central_slope(f, x, h) = (f(x + h) - f(x - h)) / (2h), the
 *           numeric derivative a gradient check compares with.
 *           straddles_kink(x, h): 1 when x - h < 0 < x + h, i.e. the two
 *           probes lie on both sides of ReLU's corner at 0, else 0. There,
 *           and only there, central_slope(relu, x, h) is neither 0 nor 1
 *           (0.5 at x = 0, 0.75 at x = h/2), and a gradient check of a
 *           correct relu_bwd fails.
 *
 * Check your work: make check EX=04    A hint, one level at a time: make hint EX=04
 * Start this exercise again from the original: make reset EX=04 (your file is kept as .bak) */
#include "04_activations.h"

#include <math.h>

/* TODO 1. The idea: ReLU lets positive numbers through and blocks the rest;
 * backward, the gradient flows only where the input was positive.
 * (make hint EX=04: the formula, then the code, one at a time) */
void relu_fwd(const double *x, double *y, int n)
{
}

void relu_bwd(const double *x, const double *dy, double *dx, int n)
{
}

/* TODO 2. The idea: The sigmoid squashes any number into (0, 1); its
 * derivative is easiest to write with the output it already produced.
 * (make hint EX=04: the formula, then the code, one at a time) */
void sigmoid_fwd(const double *x, double *y, int n)
{
}

void sigmoid_bwd(const double *y, const double *dy, double *dx, int n)
{
}

/* TODO 3. The idea: tanh squashes into (-1, 1), centred on 0; like the
 * sigmoid, its derivative is written with its output.
 * (make hint EX=04: the formula, then the code, one at a time) */
void tanh_fwd(const double *x, double *y, int n)
{
}

void tanh_bwd(const double *y, const double *dy, double *dx, int n)
{
}

/* TODO 4. The idea: A central difference looks at both sides of x. If the
 * two points lie on different sides of a kink, it averages two different
 * slopes.
 * (make hint EX=04: the formula, then the code, one at a time) */
double central_slope(scalar_fn f, double x, double h)
{
    return 0;
}

int straddles_kink(double x, double h)
{
    return 0;
}
