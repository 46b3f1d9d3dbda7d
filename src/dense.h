/* dense.h: the fully connected layer Z = W^T X + b (Intro to CNN's notation).
 *
 * Shapes: X (n_in)   W (n_in, n_out), row-major, so W[i][j] = w[i * n_out + j]
 *         b (n_out)  Z (n_out)
 *   Z[j] = sum_i W[i][j] * X[i] + b[j]
 * Intro to CNN's example has 4 inputs and 2 neurons: W is 4x2 and Z has 2 numbers. */
#ifndef DENSE_H
#define DENSE_H

#include "real.h"

void dense_forward(const real *x, const real *w, const real *b, real *z, int n_in, int n_out);

/* Given dZ = dL/dZ (n_out):
 *   dW[i][j] += X[i] * dZ[j]              (ADDED to: dZ[j]/dW[i][j] = X[i])
 *   db[j]    += dZ[j]                     (ADDED to: dZ[j]/db[j] = 1)
 *   dX[i]     = sum_j W[i][j] * dZ[j]     (OVERWRITTEN, i.e. dX = W dZ; NULL to skip) */
void dense_backward(const real *x, const real *w, const real *dz,
                    real *dw, real *db, real *dx, int n_in, int n_out);

#endif
