/* dense.c: see dense.h. */
#include "dense.h"

#include <stddef.h>

#include "gemm.h"

void dense_forward(const real *x, const real *w, const real *b, real *z, int n_in, int n_out)
{
    for (int j = 0; j < n_out; j++)
        z[j] = b[j];
    for (int i = 0; i < n_in; i++)          /* row i of W scaled by X[i]: walks W in memory order */
        for (int j = 0; j < n_out; j++)
            z[j] += w[i * n_out + j] * x[i];
}

void dense_backward(const real *x, const real *w, const real *dz,
                    real *dw, real *db, real *dx, int n_in, int n_out)
{
    for (int j = 0; j < n_out; j++)
        db[j] += dz[j];
    for (int i = 0; i < n_in; i++) {
        real dx_i = 0;
        for (int j = 0; j < n_out; j++) {
            dw[i * n_out + j] += x[i] * dz[j];
            dx_i += w[i * n_out + j] * dz[j];
        }
        if (dx)
            dx[i] = dx_i;
    }
}

void dense_forward_batch(int n, const real *x, const real *w, const real *b, real *z, int n_in, int n_out)
{
    for (int r = 0; r < n; r++)                      /* every row starts at the bias */
        for (int j = 0; j < n_out; j++)
            z[(long)r * n_out + j] = b[j];
    gemm(0, 0, n, n_out, n_in, 1, x, n_in, w, n_out, 1, z, n_out, NULL);      /* Z += X W */
}

void dense_backward_batch(int n, const real *x, const real *w, const real *dz,
                          real *dw, real *db, real *dx, int n_in, int n_out)
{
    for (int r = 0; r < n; r++)
        for (int j = 0; j < n_out; j++)
            db[j] += dz[(long)r * n_out + j];                                  /* dZ/db = 1 */
    gemm(1, 0, n_in, n_out, n, 1, x, n_in, dz, n_out, 1, dw, n_out, NULL);    /* dW += X^T dZ */
    if (dx)
        gemm(0, 1, n, n_in, n_out, 1, dz, n_out, w, n_out, 0, dx, n_in, NULL); /* dX = dZ W^T */
}
