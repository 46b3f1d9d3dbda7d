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

/* The batched versions (lesson 11): n inputs as the rows of a matrix,
 * X (n, n_in) -> Z (n, n_out), so the layer is one GEMM:
 *     Z  = X W + b              (each row: Z[r] = W^T X[r] + b)     OVERWRITTEN
 * and its backward two more (dZ (n, n_out)):
 *     dW += X^T dZ              summed over the n rows              ADDED to
 *     db += the column sums of dZ                                   ADDED to
 *     dX  = dZ W^T              (n, n_in), NULL to skip             OVERWRITTEN */
void dense_forward_batch(int n, const real *x, const real *w, const real *b, real *z, int n_in, int n_out);
void dense_backward_batch(int n, const real *x, const real *w, const real *dz,
                          real *dw, real *db, real *dx, int n_in, int n_out);

#endif
