/* batchnorm.c: see batchnorm.h. Channel c of image i starts at
 * (i * C + c) * size; each loop below walks one channel of every image. */
#include "batchnorm.h"

#include <math.h>

static const real *channel_of(const batchnorm_shape *s, const real *t, int image, int c)
{
    return t + ((long)image * s->channels + c) * s->size;
}

static real *channel_of_mut(const batchnorm_shape *s, real *t, int image, int c)
{
    return t + ((long)image * s->channels + c) * s->size;
}

/* The sums below run over a channel's numbers in LANES interleaved partial
 * sums (lane j takes k = j, j + LANES, ...), added together at the end in a
 * fixed order. One running sum would be a chain of dependent additions,
 * each waiting for the one before (ISO C forbids the compiler to reorder
 * them); LANES independent ones can go through the vector unit together.
 * The order is written here, so the result is the same on every machine
 * and for any number of threads. */
enum { LANES = 8 };

static double lanes_total(const double *acc)
{
    return ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
}

/* acc[j] += the numbers x[k] (0 <= k < size) of lane j. */
static void add_row(double *acc, const real *x, int size)
{
    int k = 0;
    for (; k + LANES <= size; k += LANES)
        for (int j = 0; j < LANES; j++)
            acc[j] += x[k + j];
    for (; k < size; k++)
        acc[k % LANES] += x[k];
}

/* acc[j] += (x[k] - mu)^2 over the numbers of lane j. */
static void add_squares_row(double *acc, const real *x, double mu, int size)
{
    int k = 0;
    for (; k + LANES <= size; k += LANES)
        for (int j = 0; j < LANES; j++)
            acc[j] += ((double)x[k + j] - mu) * ((double)x[k + j] - mu);
    for (; k < size; k++)
        acc[k % LANES] += ((double)x[k] - mu) * ((double)x[k] - mu);
}

/* acc[j] += dy[k] and prod[j] += dy[k] * xhat[k] over the numbers of lane j. */
static void add_dy_row(double *acc, double *prod, const real *dy, const real *xhat, int size)
{
    int k = 0;
    for (; k + LANES <= size; k += LANES)
        for (int j = 0; j < LANES; j++) {
            acc[j] += dy[k + j];
            prod[j] += (double)dy[k + j] * xhat[k + j];
        }
    for (; k < size; k++) {
        acc[k % LANES] += dy[k];
        prod[k % LANES] += (double)dy[k] * xhat[k];
    }
}

void batchnorm_forward_train(const batchnorm_shape *s, int n, const real *x, const real *gamma,
                             const real *beta, real *y, real *xhat, real *mean, real *var, real *inv_std)
{
    const double N = (double)n * s->size;
    for (int c = 0; c < s->channels; c++) {
        double sum[LANES] = { 0 }, squares[LANES] = { 0 };
        for (int i = 0; i < n; i++)                              /* mean: a first pass */
            add_row(sum, channel_of(s, x, i, c), s->size);
        double mu = lanes_total(sum) / N;
        for (int i = 0; i < n; i++)                              /* variance: a second pass, around the mean */
            add_squares_row(squares, channel_of(s, x, i, c), mu, s->size);
        double v = lanes_total(squares) / N, inv = 1 / sqrt(v + BATCHNORM_EPS);
        mean[c] = (real)mu;
        var[c] = (real)v;
        inv_std[c] = (real)inv;
        const real g = gamma[c], b = beta[c];                    /* copied: the stores cannot change them */
        for (int i = 0; i < n; i++) {
            const real *restrict xc = channel_of(s, x, i, c);
            real *restrict hc = channel_of_mut(s, xhat, i, c), *restrict yc = channel_of_mut(s, y, i, c);
            for (int k = 0; k < s->size; k++) {
                real h = (real)(((double)xc[k] - mu) * inv);     /* xhat = (x - mean) / sqrt(var + eps) */
                hc[k] = h;
                yc[k] = g * h + b;                               /* y = gamma xhat + beta */
            }
        }
    }
}

void batchnorm_forward_infer(const batchnorm_shape *s, int n, const real *x, const real *gamma,
                             const real *beta, const real *running_mean, const real *running_var, real *y)
{
    for (int c = 0; c < s->channels; c++) {
        real scale = (real)(gamma[c] / sqrt((double)running_var[c] + BATCHNORM_EPS));
        const real mean = running_mean[c], b = beta[c];          /* copied: the stores cannot change them */
        for (int i = 0; i < n; i++) {
            const real *restrict xc = channel_of(s, x, i, c);
            real *restrict yc = channel_of_mut(s, y, i, c);
            for (int k = 0; k < s->size; k++)
                yc[k] = scale * (xc[k] - mean) + b;
        }
    }
}

void batchnorm_backward(const batchnorm_shape *s, int n, const real *dy, const real *xhat, const real *gamma,
                        const real *inv_std, real *dgamma, real *dbeta, real *dx)
{
    const double N = (double)n * s->size;
    for (int c = 0; c < s->channels; c++) {
        double acc_dy[LANES] = { 0 }, acc_dy_xhat[LANES] = { 0 };
        for (int i = 0; i < n; i++)                              /* dL/dbeta = sum dy, dL/dgamma = sum dy * xhat */
            add_dy_row(acc_dy, acc_dy_xhat, channel_of(s, dy, i, c), channel_of(s, xhat, i, c), s->size);
        double sum_dy = lanes_total(acc_dy), sum_dy_xhat = lanes_total(acc_dy_xhat);
        dbeta[c] += (real)sum_dy;
        dgamma[c] += (real)sum_dy_xhat;
        double scale = gamma[c] * inv_std[c] / N;
        for (int i = 0; i < n; i++) {
            const real *restrict dc = channel_of(s, dy, i, c), *restrict hc = channel_of(s, xhat, i, c);
            real *restrict xc = channel_of_mut(s, dx, i, c);
            for (int k = 0; k < s->size; k++)                   /* the direct path, minus the mean's and the variance's */
                xc[k] = (real)(scale * (N * dc[k] - sum_dy - hc[k] * sum_dy_xhat));
        }
    }
}

void batchnorm_backward_infer(const batchnorm_shape *s, int n, const real *x, const real *dy, const real *gamma,
                              const real *running_mean, const real *running_var, real *dgamma, real *dbeta,
                              real *dx)
{
    for (int c = 0; c < s->channels; c++) {
        double inv = 1 / sqrt((double)running_var[c] + BATCHNORM_EPS), sum_dy = 0, sum_dy_xhat = 0;
        for (int i = 0; i < n; i++) {
            const real *xc = channel_of(s, x, i, c), *dc = channel_of(s, dy, i, c);
            real *dxc = channel_of_mut(s, dx, i, c);
            for (int k = 0; k < s->size; k++) {
                sum_dy += dc[k];                                             /* dL/dbeta  */
                sum_dy_xhat += (double)dc[k] * ((double)xc[k] - running_mean[c]) * inv;   /* dL/dgamma */
                dxc[k] = (real)(gamma[c] * inv * dc[k]);                     /* one path only: the line's slope */
            }
        }
        dbeta[c] += (real)sum_dy;
        dgamma[c] += (real)sum_dy_xhat;
    }
}

void batchnorm_update_running(int channels, long N, const real *mean, const real *var,
                              real *running_mean, real *running_var)
{
    const real m = (real)BATCHNORM_MOMENTUM, unbias = N > 1 ? (real)N / (real)(N - 1) : 1;
    for (int c = 0; c < channels; c++) {
        running_mean[c] = m * running_mean[c] + (1 - m) * mean[c];
        running_var[c] = m * running_var[c] + (1 - m) * var[c] * unbias;
    }
}
