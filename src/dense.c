/* dense.c: see dense.h. */
#include "dense.h"

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
