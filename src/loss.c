/* loss.c: see loss.h. */
#include "loss.h"

#include <math.h>
#include <stddef.h>

int argmax(const real *z, int n)
{
    int m = 0;
    for (int i = 0; i < n && !isnan((double)z[m]); i++)
        if (z[i] > z[m] || isnan((double)z[i]))
            m = i;
    return m;
}

long right_answers(const real *p, const int *labels, int n, int classes, int *predictions)
{
    long right = 0;
    for (int k = 0; k < n; k++) {
        int predicted = argmax(p + (long)k * classes, classes);
        right += predicted == labels[k];
        if (predictions)
            predictions[k] = predicted;
    }
    return right;
}

/* How many z equal +infinity. */
static int count_infinite(const real *z, int n)
{
    int k = 0;
    for (int i = 0; i < n; i++)
        k += isinf((double)z[i]) && z[i] > 0;
    return k;
}

/* sum over i != m of e^{z_i - z_m}: the terms below the maximum, each <= 1. */
static double sum_below_max(const real *z, int n, int m)
{
    double sum = 0;
    for (int i = 0; i < n; i++)
        if (i != m)
            sum += exp((double)z[i] - (double)z[m]);
    return sum;
}

void softmax(const real *z, real *p, int n)
{
    int m = argmax(z, n);
    int infinite = count_infinite(z, n);
    if (infinite > 0 && !isnan((double)z[m])) {   /* the limit: the +inf entries share p = 1 */
        for (int i = 0; i < n; i++)
            p[i] = isinf((double)z[i]) && z[i] > 0 ? (real)(1.0 / infinite) : 0;
        return;
    }
    double sum = 1 + sum_below_max(z, n, m);     /* e^{z_m - z_m} = 1, and the rest */
    for (int i = 0; i < n; i++)
        p[i] = (real)(exp((double)z[i] - (double)z[m]) / sum);
}

double log_sum_exp(const real *z, int n)
{
    int m = argmax(z, n);
    if (isinf((double)z[m]))                     /* +inf (or every z = -inf) */
        return (double)z[m];
    return (double)z[m] + log1p(sum_below_max(z, n, m));
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
    int m = argmax(z, n);
    int infinite = count_infinite(z, n);
    if (infinite > 0 && !isnan((double)z[m]))    /* p_label is 1/infinite, or 0 */
        return isinf((double)z[label]) && z[label] > 0 ? log((double)infinite) : INFINITY;
    /* (z_m - z_label) + ln(1 + sum_{i != m} e^{z_i - z_m}): the difference is
     * exact, and log1p keeps the tiny loss of a confident right answer that
     * ln(sum) would round to 0 (z = [1e5, 99970], label 0: 9.36e-14). */
    return ((double)z[m] - (double)z[label]) + log1p(sum_below_max(z, n, m));
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

/* 1 when every z (n) is a finite number. */
static int all_finite(const real *z, int n)
{
    for (int i = 0; i < n; i++)
        if (!isfinite((double)z[i]))
            return 0;
    return 1;
}

double softmax_cross_entropy_batch(int n, const real *z, const int *labels, real *p, real *dz, int classes)
{
    double sum = 0;
    for (int r = 0; r < n; r++) {
        long row = (long)r * classes;
        double loss = softmax_cross_entropy(z + row, labels[r], p ? p + row : NULL, classes);
        sum += all_finite(z + row, classes) ? loss : NAN;     /* overflowed: no usable loss */
        if (dz)
            softmax_cross_entropy_backward(p + row, labels[r], dz + row, classes);
    }
    return sum;
}
