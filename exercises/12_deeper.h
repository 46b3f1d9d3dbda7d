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

/* Task 1: the mask, mask (n) OVERWRITTEN:
 *   mask[i] = 1 / (1 - rate)   when u[i] >= rate   (kept, and scaled)
 *   mask[i] = 0                when u[i] <  rate   (dropped)
 * Each number is kept with probability 1 - rate. */
void dropout_mask_from_draws(const double *u, double rate, double *mask, int n);

/* Task 2: the layer's forward pass, y (n) and mask (n) OVERWRITTEN.
 *   training != 0:  mask as in task 1 from u and rate;  y[i] = x[i] * mask[i]
 *   training == 0:  mask[i] = 1;  y[i] = x[i]   (test mode: nothing dropped,
 *                   nothing scaled; u is not read)
 * The mask is kept for the backward pass. */
void dropout_layer_forward(const double *x, const double *u, double rate, int training, double *mask, double *y,
                           int n);

/* Task 3: the backward pass, dx (n) OVERWRITTEN: dy (n) = dL/dy, the
 * gradient arriving from the layer above, mask (n) from the forward pass;
 *   dx[i] = dL/dx[i] = dy[i] * mask[i]. */
void dropout_layer_backward(const double *dy, const double *mask, double *dx, int n);

#endif
