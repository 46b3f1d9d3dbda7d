/* exercises/08_softmax.h: the functions exercise 08 asks for.
 * Both exercises/08_softmax.c (yours) and solutions/08_softmax.c define them;
 * tests/exercise_08.c checks them. Do not change this file.
 * z are the logits (scores), p the probabilities, y the label vector; all have n entries. */
#ifndef EXERCISE_08_H
#define EXERCISE_08_H

/* Task 1: p = softmax(z), p_i = e^{z_i} / sum_k e^{z_k}, computed so that it
 * never overflows (lesson 08). p is OVERWRITTEN. */
void softmax_stable(const double *z, double *p, int n);

/* Task 2: y = the one-hot encoding of label (0 <= label < n): y[label] = 1,
 * every other entry 0. y is OVERWRITTEN. */
void one_hot_label(int label, double *y, int n);

/* Task 3: the cross-entropy of a prediction p against a target y,
 *   L = -sum_i y_i ln p_i
 * y is one-hot (then L = -ln p_label) or any probability vector. Terms with
 * y_i = 0 add nothing: skip them (in floating point 0 * ln 0 is NaN). */
double cross_entropy_loss(const double *p, const double *y, int n);

/* Task 4: the gradient of L = -ln softmax(z)_label with respect to the
 * logits z. dz (n) is OVERWRITTEN. */
void softmax_ce_logit_grad(const double *z, int label, double *dz, int n);

#endif
