/* Exercise 07: a dense layer, and the chain rule through seed 004's network.
 *
 * Lesson 07 (build/lessons/07_dense, notes/07_dense.md) computes seed 004's
 * fully connected layer Z = W^T X + b with 4 inputs and 2 neurons, its
 * backward pass, and then the gradients of seed 004's small network one
 * chain-rule factor at a time. Now you write the code. Arrays are stored
 * row by row: W (n_in, n_out) has W[i][j] = w[i * n_out + j], so column j of
 * W holds the n_in weights INTO neuron j (row j of W^T).
 *
 *   TODO 1  fc_forward: Z = W^T X + b, i.e. z[j] = sum_i W[i][j] x[i] + b[j].
 *           With the lesson's numbers, X = (1, 2, -1, 0.5) gives Z = (1.4, -0.25).
 *   TODO 2  fc_backward: given dz = dL/dZ (n_out), write
 *             dW[i][j] = x[i] * dz[j]            dW = X dZ^T, n_in x n_out like W
 *             db[j]    = dz[j]                   db = dZ
 *             dx[i]    = sum_j W[i][j] * dz[j]   dX = W dZ, n_in numbers like X
 *           (overwrite dw, db, dx; the library's dense_backward ADDS into dW
 *           and db, this one must not).
 *   TODO 3  sigmoid_mse_delta(O, y'): for O = sigmoid(Z2) and E = (y' - O)^2 / 2,
 *             dE/dZ2 = dE/dO * dO/dZ2 = -(y' - O) * O (1 - O).
 *   TODO 4  tiny_net_backward: seed 004's network, forward then backward:
 *             Z1 (2x2) = X (3x3) * f (2x2)   (valid, stride 1, no bias; lesson 01)
 *             A1 = sigmoid(Z1) = 1 / (1 + e^{-Z1}), flattened row by row to 4
 *             Z2 = W^T A1 + b                (W is 4x1, b one number)
 *             O  = sigmoid(Z2),  E = (y' - O)^2 / 2
 *           then the chain rule in seed 004's order:
 *             dE/dZ2 = -(y' - O) O (1 - O)             (task 3)
 *             dE/dW  = A1 dE/dZ2,  dE/db = dE/dZ2,  dE/dA1 = W dE/dZ2   (task 2)
 *             dE/dZ1 = dE/dA1 * A1 (1 - A1)            (element by element)
 *             dE/df[i][j] = sum_{r,c} X[r+i][c+j] * dE/dZ1[r][c]   (X convolved with dE/dZ1)
 *           Write df (2x2), dw (4), *db; return E. On the lesson's numbers E = 0.071476
 *           and dE/df[0][0] = -0.021265.
 *
 * Check your work:  make check EX=07        The solution: solutions/07_dense.c */
#include "07_dense.h"

#include <math.h>

/* TODO 1. Hint: loop over the neurons j; start z[j] at b[j] and add
 * w[i * n_out + j] * x[i] for every input i. Not w[j * n_in + i]: that reads
 * W as if it were n_out x n_in. */
void fc_forward(const double *x, const double *w, const double *b, double *z, int n_in, int n_out)
{
}

/* TODO 2. Hint: two nested loops, i over inputs and j over neurons. dW has
 * the shape of W, so dW[i][j] goes to dw[i * n_out + j]; dx[i] starts at 0
 * and collects w[i * n_out + j] * dz[j] over all neurons j. */
void fc_backward(const double *x, const double *w, const double *dz,
                 double *dw, double *db, double *dx, int n_in, int n_out)
{
}

/* TODO 3. Hint: two factors. dE/dO = -(y' - O) = O - y' (the 1/2 in E cancels
 * the 2 of the square); dO/dZ2 = O (1 - O), the sigmoid's derivative written
 * with its output. */
double sigmoid_mse_delta(double o, double target)
{
    return 0;
}

/* TODO 4. Hint: write the forward pass into local arrays z1[4], a1[4] and
 * the numbers z2, o; keep them, the backward pass needs A1 and O. Then reuse
 * your tasks: fc_forward(a1, w, &b, &z2, 4, 1), sigmoid_mse_delta(o, target),
 * fc_backward(a1, w, &dz2, dw, db, da1, 4, 1). The last step is a sliding
 * window like Z1's, with dE/dZ1 (2x2) in place of f. */
double tiny_net_backward(const double *x, const double *f, const double *w, double b, double target,
                         double *df, double *dw, double *db)
{
    return 0;
}
