/* activation.c: see activation.h. */
#include "activation.h"

#include <math.h>

void relu_forward(const real *x, real *y, int n)
{
    for (int i = 0; i < n; i++)
        y[i] = x[i] > 0 || isnan((double)x[i]) ? x[i] : 0;   /* NaN passes on: not hidden as 0 */
}

void relu_backward(const real *x, const real *dy, real *dx, int n)
{
    for (int i = 0; i < n; i++)
        dx[i] = x[i] > 0 ? dy[i] : 0;        /* dy/dx = 1 where x > 0, else 0 */
}

real sigmoid(real x)
{
    /* Two branches so that e^(-x) never overflows: for x < 0 use e^x / (1 + e^x). */
    if (x >= 0)
        return (real)(1.0 / (1.0 + exp(-(double)x)));
    double e = exp((double)x);
    return (real)(e / (1.0 + e));
}

void sigmoid_forward(const real *x, real *y, int n)
{
    for (int i = 0; i < n; i++)
        y[i] = sigmoid(x[i]);
}

void sigmoid_backward(const real *y, const real *dy, real *dx, int n)
{
    for (int i = 0; i < n; i++)
        dx[i] = dy[i] * y[i] * (1 - y[i]);   /* dy/dx = s(x) (1 - s(x)) */
}

void tanh_forward(const real *x, real *y, int n)
{
    for (int i = 0; i < n; i++)
        y[i] = (real)tanh((double)x[i]);
}

void tanh_backward(const real *y, const real *dy, real *dx, int n)
{
    for (int i = 0; i < n; i++)
        dx[i] = dy[i] * (1 - y[i] * y[i]);   /* dy/dx = 1 - tanh(x)^2 */
}
