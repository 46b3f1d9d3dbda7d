/* Exercise 07: a dense layer, and the chain rule through Intro to CNN's network.
 *
 * Lesson 07 (build/lessons/07_dense, notes/07_dense.md) computes Intro to CNN's
 * fully connected layer Z = W^T X + b with 4 inputs and 2 neurons, and then
 * the gradients of Intro to CNN's small network. Now you derive the backward
 * passes and write the code. Arrays are stored row by row: W (n_in, n_out)
 * has W[i][j] = w[i * n_out + j], so column j of W holds the n_in weights
 * INTO neuron j (row j of W^T).
 *
 *   TODO 1  fc_forward: Z = W^T X + b, i.e. z[j] = sum_i W[i][j] x[i] + b[j].
 *           With the lesson's numbers, X = (1, 2, -1, 0.5),
 *           W = [[0.1,-0.2],[0.3,0.4],[-0.5,0.6],[0.2,-0.1]], b = (0.1, -0.2)
 *           give Z = (1.4, -0.25).
 *   TODO 2  fc_backward: given dz = dL/dZ (n_out), write dL/dW (n_in, n_out,
 *           like W), dL/db (n_out) and dL/dX (n_in), all OVERWRITTEN (the
 *           library's dense_backward ADDS into dW and db, this one must not).
 *           With the lesson's numbers and dL/dZ = (1, -0.5):
 *           dL/dW = [[1,-0.5],[2,-1],[-1,0.5],[0.5,-0.25]], dL/db = (1, -0.5),
 *           dL/dX = (0.2, 0.1, -0.8, 0.25).
 *   TODO 3  sigmoid_mse_delta(O, y'): dE/dZ2 for the output neuron
 *           O = sigmoid(Z2) with the error E = (y' - O)^2 / 2, given O (not Z2)
 *           and y'. The lesson's O = 0.621911 with y' = 1 gives -0.088903.
 *   TODO 4  tiny_net_backward: Intro to CNN's network, forward then backward:
 *             Z1 (2x2) = X (3x3) * f (2x2)   (valid, stride 1, no bias; lesson 01)
 *             A1 = sigmoid(Z1) = 1 / (1 + e^{-Z1}), flattened row by row to 4
 *             Z2 = W^T A1 + b                (W is 4x1, b one number)
 *             O  = sigmoid(Z2),  E = (y' - O)^2 / 2
 *           Write df = dE/df (2x2), dw = dE/dW (4) and *db = dE/db, all by the
 *           chain rule back from E, and return E. On the lesson's numbers
 *           E = 0.071476 and dE/df[0][0] = -0.021265.
 *
 * Check your work: make check EX=07    A hint, one level at a time: make hint EX=07
 * Start this exercise again from the original: make reset EX=07 (your file is kept as .bak) */
#include "07_dense.h"

#include <math.h>

/* TODO 1. The idea: Each neuron takes a weighted sum of all the inputs and
 * adds its bias.
 * (make hint EX=07: the formula, then the code, one at a time) */
void fc_forward(const double *x, const double *w, const double *b, double *z, int n_in, int n_out)
{
}

/* TODO 2. The idea: Backward through Z = W^T X + b: a weight's gradient is
 * its input times its neuron's gradient; an input collects from every neuron
 * it feeds.
 * (make hint EX=07: the formula, then the code, one at a time) */
void fc_backward(const double *x, const double *w, const double *dz,
                 double *dw, double *db, double *dx, int n_in, int n_out)
{
}

/* TODO 3. The idea: The error's gradient at the output neuron is two
 * factors: how E changes with O, and how the sigmoid's O changes with Z2.
 * (make hint EX=07: the formula, then the code, one at a time) */
double sigmoid_mse_delta(double o, double target)
{
    return 0;
}

/* TODO 4. The idea: Forward through the whole small network, keep what each
 * layer produced, then go back layer by layer with your tasks 1-3.
 * (make hint EX=07: the formula, then the code, one at a time) */
double tiny_net_backward(const double *x, const double *f, const double *w, double b, double target,
                         double *df, double *dw, double *db)
{
    return 0;
}
