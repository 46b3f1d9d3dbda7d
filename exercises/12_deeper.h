/* exercises/12_deeper.h: the functions exercise 12 asks for.
 * Both exercises/12_deeper.c (yours) and solutions/12_deeper.c define them;
 * tests/exercise_12.c checks them. Do not change this file.
 *
 * Inverted dropout on n numbers (one image's activations, flattened), with
 * rate = the fraction DROPPED while training, 0 <= rate < 1 (Keras's
 * Dropout(rate); src/dropout.h does the same in the library). The random
 * numbers are given: u (n), uniform in [0, 1), one per number. */
#ifndef EXERCISE_12_H
#define EXERCISE_12_H

/* Task 1: the mask, mask (n) OVERWRITTEN: the factor each number is
 * multiplied by while training, 0 for a dropped one (u[i] < rate), and for a
 * kept one the scale that keeps the expected output equal to the input.
 * Each number is kept with probability 1 - rate. */
void dropout_mask_from_draws(const double *u, double rate, double *mask, int n);

/* Task 2: the layer's forward pass, y (n) and mask (n) OVERWRITTEN.
 *   training != 0:  mask as in task 1 from u and rate; each x[i] multiplied by its mask[i]
 *   training == 0:  mask[i] = 1 (test mode: nothing dropped, nothing scaled;
 *                   u is not read)
 * The mask is kept for the backward pass. */
void dropout_layer_forward(const double *x, const double *u, double rate, int training, double *mask, double *y,
                           int n);

/* Task 3: the backward pass, dx (n) = dL/dx OVERWRITTEN: dy (n) = dL/dy, the
 * gradient arriving from the layer above, mask (n) from the forward pass. */
void dropout_layer_backward(const double *dy, const double *mask, double *dx, int n);

#endif
