/* loss.c: see loss.h. */
#include "loss.h"

#include <math.h>

static real max_of(const real *z, int n)
{
    real m = z[0];
    for (int i = 1; i < n; i++)
        if (z[i] > m)
            m = z[i];
    return m;
}

void softmax(const real *z, real *p, int n)
{
    real m = max_of(z, n);
    double sum = 0;
    for (int i = 0; i < n; i++) {
        p[i] = (real)exp((double)(z[i] - m));   /* <= 1: cannot overflow */
        sum += p[i];
    }
    for (int i = 0; i < n; i++)
        p[i] = (real)(p[i] / sum);
}

double log_sum_exp(const real *z, int n)
{
    real m = max_of(z, n);
    double sum = 0;
    for (int i = 0; i < n; i++)
        sum += exp((double)(z[i] - m));
    return (double)m + log(sum);
}

double cross_entropy(const real *p, const real *y, int n)
{
    double loss = 0;
    for (int i = 0; i < n; i++)
        if (y[i] != 0)
            loss -= (double)y[i] * log((double)p[i]);
    return loss;
}

double softmax_cross_entropy(const real *z, int label, real *p, int n)
{
    if (p)
        softmax(z, p, n);
    return log_sum_exp(z, n) - (double)z[label];
}

void softmax_cross_entropy_backward(const real *p, int label, real *dz, int n)
{
    for (int i = 0; i < n; i++)
        dz[i] = p[i] - (i == label ? 1 : 0);
}

double mse_loss(const real *out, const real *target, int n)
{
    double e = 0;
    for (int i = 0; i < n; i++) {
        double d = (double)target[i] - (double)out[i];
        e += d * d / 2;
    }
    return e;
}

void mse_backward(const real *out, const real *target, real *d_out, int n)
{
    for (int i = 0; i < n; i++)
        d_out[i] = -(target[i] - out[i]);
}

double softmax_cross_entropy_batch(int n, const real *z, const int *labels, real *p, real *dz, int classes)
{
    double sum = 0;
    for (int r = 0; r < n; r++) {
        long row = (long)r * classes;
        sum += softmax_cross_entropy(z + row, labels[r], p + row, classes);
        if (dz)
            softmax_cross_entropy_backward(p + row, labels[r], dz + row, classes);
    }
    return sum;
}
