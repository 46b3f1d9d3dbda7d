/* exercises/07_dense.h: the functions exercise 07 asks for.
 * Both exercises/07_dense.c (yours) and solutions/07_dense.c define them;
 * tests/exercise_07.c checks them. Do not change this file.
 *
 * Shapes, as in Intro to CNN and src/dense.h:
 *   X (n_in)   W (n_in, n_out) stored row by row, W[i][j] = w[i * n_out + j]
 *   b (n_out)  Z (n_out) */
#ifndef EXERCISE_07_H
#define EXERCISE_07_H

/* Task 1: the dense layer Z = W^T X + b:
 *   z[j] = sum_i W[i][j] * x[i] + b[j]      for j = 0 .. n_out-1 (z is OVERWRITTEN). */
void fc_forward(const double *x, const double *w, const double *b, double *z, int n_in, int n_out);

/* Task 2: its backward pass. Given dz = dL/dZ (n_out), OVERWRITE
 *   dw (n_in, n_out) = dL/dW, the shape of W
 *   db (n_out)       = dL/db
 *   dx (n_in)        = dL/dX, the shape of X */
void fc_backward(const double *x, const double *w, const double *dz,
                 double *dw, double *db, double *dx, int n_in, int n_out);

/* Task 3: the output neuron of Intro to CNN's network, O = sigmoid(Z2), with the
 * error E = (y' - O)^2 / 2. Given O and the label y' (target), return dE/dZ2. */
double sigmoid_mse_delta(double o, double target);

/* Task 4: Intro to CNN's whole small network, forward and backward:
 *   Z1 (2x2) = X (3x3) * f (2x2)   valid convolution (lesson 01), stride 1, no bias
 *   A1 (2x2) = sigmoid(Z1), then flattened row by row into 4 numbers
 *   Z2       = W^T A1 + b          W (4x1), i.e. Z2 = sum_i w[i] * A1[i] + b
 *   O        = sigmoid(Z2)
 *   E        = (y' - O)^2 / 2
 * Writes df (2x2) = dE/df, dw (4) = dE/dW and *db = dE/db (all OVERWRITTEN)
 * and returns E. */
double tiny_net_backward(const double *x, const double *f, const double *w, double b, double target,
                         double *df, double *dw, double *db);

#endif
