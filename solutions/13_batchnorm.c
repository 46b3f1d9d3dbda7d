/* solutions/13_batchnorm.c: exercise 13, solved.
 * The task statement is at the top of exercises/13_batchnorm.c. */
#include "13_batchnorm.h"

#include <math.h>

/* Index of (image i, channel c, position k) in an (n, C, size) batch. */
static long at(int channels, int size, int i, int c, int k)
{
    return ((long)i * channels + c) * size + k;
}

/* TODO 1 */
void bn_forward_train(const double *x, int n, int channels, int size, const double *gamma, const double *beta,
                      double eps, double *y, double *xhat, double *mean, double *var)
{
    double N = (double)n * size;
    for (int c = 0; c < channels; c++) {
        double sum = 0, squares = 0;
        for (int i = 0; i < n; i++)                      /* over every image and position of channel c */
            for (int k = 0; k < size; k++)
                sum += x[at(channels, size, i, c, k)];
        mean[c] = sum / N;
        for (int i = 0; i < n; i++)
            for (int k = 0; k < size; k++) {
                double d = x[at(channels, size, i, c, k)] - mean[c];
                squares += d * d;
            }
        var[c] = squares / N;                            /* biased: divided by N */
        double inv_std = 1 / sqrt(var[c] + eps);         /* eps under the root */
        for (int i = 0; i < n; i++)
            for (int k = 0; k < size; k++) {
                long j = at(channels, size, i, c, k);
                xhat[j] = (x[j] - mean[c]) * inv_std;
                y[j] = gamma[c] * xhat[j] + beta[c];
            }
    }
}

/* TODO 2 */
void bn_backward(const double *dy, const double *xhat, int n, int channels, int size, const double *gamma,
                 const double *var, double eps, double *dx, double *dgamma, double *dbeta)
{
    double N = (double)n * size;
    for (int c = 0; c < channels; c++) {
        double sum_dy = 0, sum_dy_xhat = 0;
        for (int i = 0; i < n; i++)
            for (int k = 0; k < size; k++) {
                long j = at(channels, size, i, c, k);
                sum_dy += dy[j];                         /* dy/dbeta = 1     */
                sum_dy_xhat += dy[j] * xhat[j];          /* dy/dgamma = xhat */
            }
        dbeta[c] = sum_dy;
        dgamma[c] = sum_dy_xhat;
        double scale = gamma[c] / sqrt(var[c] + eps) / N;
        for (int i = 0; i < n; i++)                      /* direct path - mean path - variance path */
            for (int k = 0; k < size; k++) {
                long j = at(channels, size, i, c, k);
                dx[j] = scale * (N * dy[j] - sum_dy - xhat[j] * sum_dy_xhat);
            }
    }
}

/* TODO 3 */
void bn_update_running(const double *mean, const double *var, int channels, long N, double momentum,
                       double *running_mean, double *running_var)
{
    double unbias = (double)N / (double)(N - 1);         /* the variance of the data, not of the batch */
    for (int c = 0; c < channels; c++) {
        running_mean[c] = momentum * running_mean[c] + (1 - momentum) * mean[c];
        running_var[c] = momentum * running_var[c] + (1 - momentum) * var[c] * unbias;
    }
}

/* TODO 4 */
void bn_forward_test(const double *x, int n, int channels, int size, const double *gamma, const double *beta,
                     const double *running_mean, const double *running_var, double eps, double *y)
{
    for (int i = 0; i < n; i++)
        for (int c = 0; c < channels; c++) {
            double scale = gamma[c] / sqrt(running_var[c] + eps);   /* fixed numbers: no batch statistics */
            for (int k = 0; k < size; k++) {
                long j = at(channels, size, i, c, k);
                y[j] = scale * (x[j] - running_mean[c]) + beta[c];
            }
        }
}
