/* Exercise 12: dropout, and its switch between training and testing.
 *
 * Lesson 12 (build/lessons/12_deeper, notes/12_deeper.md) trains Doshi's
 * network, which has two dropout layers. Now you write one. While training,
 * dropout sets a random part of its inputs to 0 (a new random part at every
 * step), so no unit can count on any other being there (Srivastava et al.
 * 2014). At test time it must drop nothing. This is INVERTED dropout, the
 * form Keras and PyTorch use: the numbers kept while training are scaled so
 * that each output's expected value equals its input, and the test-time
 * layer is then simply the identity. Work out the scale from that.
 *
 * Everything works on n numbers (one image's activations, flattened, in
 * any shape), in double. rate is the fraction DROPPED, 0 <= rate < 1, as in
 * Keras's Dropout(rate) and the spec "dropout 0.25". The random numbers are
 * given to you: u (n), each uniform in [0, 1), one per number (the library
 * draws them from its own generator, src/dropout.c). A number is dropped
 * when its u[i] < rate (which happens with probability rate), kept otherwise.
 *
 *   TODO 1  dropout_mask_from_draws(u, rate, mask, n): mask[i] = the factor
 *           number i is multiplied by while training (0 when dropped).
 *           E.g. rate 0.25: u = [0.9 0.1 0.25] gives mask = [1.3333 0 1.3333].
 *   TODO 2  dropout_layer_forward(x, u, rate, training, mask, y, n): the
 *           layer's forward pass, x (n) -> y (n), in either mode:
 *             training != 0:  mask as in TODO 1, and each y[i] is x[i] scaled by it
 *             training == 0:  test mode: nothing dropped, nothing scaled,
 *                             mask[i] = 1 (u is not read)
 *           Either way mask (n) keeps the factor each x[i] was multiplied
 *           by: the backward pass needs it.
 *   TODO 3  dropout_layer_backward(dy, mask, dx, n): dy[i] = dL/dy[i], the
 *           gradient arriving from the layer above; dx[i] = dL/dx[i], by the
 *           chain rule through the forward pass. With mask = [1.3333 0 1.3333]
 *           and dy = [1 2 3]: dx = [1.3333 0 4].
 *
 * Check your work: make check EX=12    A hint, one level at a time: make hint EX=12
 * Start this exercise again from the original: make reset EX=12 (your file is kept as .bak) */
#include "12_deeper.h"

/* TODO 1. The idea: Each number survives a coin toss that comes up "keep"
 * with probability 1 - rate; the survivors are scaled up so that, on
 * average, the layer's output equals its input.
 * (make hint EX=12: the formula, then the code, one at a time) */
void dropout_mask_from_draws(const double *u, double rate, double *mask, int n)
{
}

/* TODO 2. The idea: Training and testing differ: while training, multiply
 * by the mask; at test time the layer lets everything through unchanged,
 * because the scale was already paid for while training.
 * (make hint EX=12: the formula, then the code, one at a time) */
void dropout_layer_forward(const double *x, const double *u, double rate, int training, double *mask, double *y,
                           int n)
{
}

/* TODO 3. The idea: The forward pass multiplied each number by a constant,
 * its mask entry; backward, the gradient is multiplied by the same constant.
 * A dropped number never reached the loss, so its gradient is 0.
 * (make hint EX=12: the formula, then the code, one at a time) */
void dropout_layer_backward(const double *dy, const double *mask, double *dx, int n)
{
}
