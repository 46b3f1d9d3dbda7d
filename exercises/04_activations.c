/* Exercise 04: activations, forward and backward.
 *
 * Lesson 04 (build/lessons/04_activations, notes/04_activations.md) prints
 * ReLU, sigmoid and tanh with their local derivatives and gradient-checks
 * the library's backward passes. Now you write them. Each function works
 * on n numbers, element by element. A backward function receives
 * dy[i] = dL/dy_i, the gradient of the loss arriving from the layer above,
 * and writes dx[i] = dL/dx_i = dy[i] * (local derivative dy_i/dx_i): the
 * chain rule. The local derivative alone is NOT the answer.
 *
 *   TODO 1  relu_fwd: y = max(0, x).
 *           relu_bwd(x, dy, dx): local derivative 1 where x > 0, 0 where
 *           x <= 0 (at the kink x = 0 we take 0, like src/activation.c).
 *   TODO 2  sigmoid_fwd: y = 1 / (1 + e^-x).
 *           sigmoid_bwd(y, dy, dx): it gets the OUTPUT y = sigmoid(x), not x.
 *           Local derivative: sigmoid'(x) = y (1 - y) (seed 004 derives it).
 *   TODO 3  tanh_fwd: y = tanh(x) (tanh() from <math.h> is fine).
 *           tanh_bwd(y, dy, dx): again from the OUTPUT y = tanh(x).
 *           Local derivative: tanh'(x) = 1 - tanh(x)^2 = 1 - y^2.
 *   TODO 4  The gradient check at ReLU's kink.
 *           central_slope(f, x, h) = (f(x + h) - f(x - h)) / (2h), the
 *           numeric derivative a gradient check compares with.
 *           straddles_kink(x, h): 1 when x - h < 0 < x + h, i.e. the two
 *           probes lie on both sides of ReLU's corner at 0, else 0. There,
 *           and only there, central_slope(relu, x, h) = (x + h) / 2h is
 *           neither 0 nor 1 (0.5 at x = 0), and a gradient check of a
 *           correct relu_bwd fails.
 *
 * Check your work:  make check EX=04        The solution: solutions/04_activations.c */
#include "04_activations.h"

#include <math.h>

/* TODO 1. Hint: one loop; y[i] = x[i] > 0 ? x[i] : 0. In relu_bwd the local
 * derivative is 1 or 0, so dx[i] is either dy[i] or 0. */
void relu_fwd(const double *x, double *y, int n)
{
}

void relu_bwd(const double *x, const double *dy, double *dx, int n)
{
}

/* TODO 2. Hint: exp(-x[i]) from <math.h>. In sigmoid_bwd, y[i] already IS
 * sigmoid(x): do not apply the sigmoid again. Multiply by dy[i]. */
void sigmoid_fwd(const double *x, double *y, int n)
{
}

void sigmoid_bwd(const double *y, const double *dy, double *dx, int n)
{
}

/* TODO 3. Hint: (e^x - e^-x) / (e^x + e^-x) overflows for large |x| (inf/inf
 * is nan); tanh() does not. In tanh_bwd, y[i] already IS tanh(x): the local
 * derivative is 1 - y[i] * y[i]. */
void tanh_fwd(const double *x, double *y, int n)
{
}

void tanh_bwd(const double *y, const double *dy, double *dx, int n)
{
}

/* TODO 4. Hint: evaluate f on both sides, f(x + h) and f(x - h), and divide
 * the difference by the distance between the two points, 2h. For
 * straddles_kink, write the condition x - h < 0 < x + h with &&. */
double central_slope(scalar_fn f, double x, double h)
{
    return 0;
}

int straddles_kink(double x, double h)
{
    return 0;
}
