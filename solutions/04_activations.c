/* solutions/04_activations.c: exercise 04, solved.
 * The task statement is at the top of exercises/04_activations.c. */
#include "04_activations.h"

#include <math.h>

/* TODO 1 */
void relu_fwd(const double *x, double *y, int n)
{
    for (int i = 0; i < n; i++)
        y[i] = x[i] > 0 ? x[i] : 0;
}

void relu_bwd(const double *x, const double *dy, double *dx, int n)
{
    for (int i = 0; i < n; i++)
        dx[i] = x[i] > 0 ? dy[i] : 0;           /* dy/dx = 1 if x > 0, else 0 */
}

/* TODO 2 */
void sigmoid_fwd(const double *x, double *y, int n)
{
    for (int i = 0; i < n; i++)
        y[i] = 1.0 / (1.0 + exp(-x[i]));
}

void sigmoid_bwd(const double *y, const double *dy, double *dx, int n)
{
    for (int i = 0; i < n; i++)
        dx[i] = dy[i] * y[i] * (1.0 - y[i]);    /* dy/dx = s (1 - s) */
}

/* TODO 3 */
void tanh_fwd(const double *x, double *y, int n)
{
    for (int i = 0; i < n; i++)
        y[i] = tanh(x[i]);
}

void tanh_bwd(const double *y, const double *dy, double *dx, int n)
{
    for (int i = 0; i < n; i++)
        dx[i] = dy[i] * (1.0 - y[i] * y[i]);    /* dy/dx = 1 - tanh^2 */
}

/* TODO 4 */
double central_slope(scalar_fn f, double x, double h)
{
    return (f(x + h) - f(x - h)) / (2 * h);
}

int straddles_kink(double x, double h)
{
    return x - h < 0 && x + h > 0;
}
