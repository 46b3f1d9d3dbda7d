/* loss.h: softmax, cross-entropy and mean squared error.
 *
 * Softmax turns n scores ("logits") z into probabilities
 *     p_i = e^{z_i} / sum_k e^{z_k}                   (Doshi)
 * computed in the stable form e^{z_i - m} / sum_k e^{z_k - m} with m = max z:
 * the same value (the factor e^{-m} cancels) but no e^{1000} overflow.
 *
 * Cross-entropy of a prediction p against the true label y (one-hot):
 *     L = -sum_i y_i ln p_i = -ln p_label
 * and its gradient with respect to the logits, through the softmax, is
 *     dL/dz_i = p_i - y_i                             (the "fused" gradient) */
#ifndef LOSS_H
#define LOSS_H

#include "real.h"

/* p (n) = softmax(z (n)), the stable form. Infinite logits give the limit:
 * when some z are +inf, those share the probability equally and the rest
 * get 0 (e^{z - m} with m = +inf would be inf - inf = NaN everywhere). A NaN
 * in z makes every p NaN, so it cannot pass unnoticed. Every z = -inf
 * has no limit: p is NaN. */
void softmax(const real *z, real *p, int n);

/* The index of the largest of z (n >= 1), the first on a tie: the class a
 * network answers, from its logits or its probabilities. A NaN wins (the
 * first one), so that softmax spreads it to every output instead of skipping
 * it; softmax's outputs are then all NaN, and their argmax is 0. */
int argmax(const real *z, int n);

/* The answers of a batch: the most probable class of each of the n rows
 * of p (n, classes) (argmax), written to predictions (n) when it is not
 * NULL; returns how many equal their labels (n). */
long right_answers(const real *p, const int *labels, int n, int classes, int *predictions);

/* ln sum_k e^{z_k}, stably: m + ln(1 + sum_{k != argmax} e^{z_k - m}),
 * m = max z (+inf when some z is +inf; NaN when some z is NaN). */
double log_sum_exp(const real *z, int n);

/* -sum_i y_i ln p_i for a probability vector p and a target distribution y
 * (one-hot or not). Note the order: the label y weighs the log of the
 * prediction p (Doshi writes it the other way round). */
double cross_entropy(const real *p, const real *y, int n);

/* Softmax + cross-entropy on an integer label in one step, from the logits:
 * L = (m - z[label]) + ln(1 + sum_{k != argmax} e^{z_k - m}), m = max z:
 * log_sum_exp(z) - z[label] rearranged so that it stays finite when p_label
 * would round to 0 AND keeps its accuracy when p_label rounds to 1 (the
 * tiny loss of a confident right answer). +inf logits: ln(number of +inf
 * logits) when the label's is one of them, else +inf. NaN in, NaN out.
 * Writes p = softmax(z) when p is not NULL. */
double softmax_cross_entropy(const real *z, int label, real *p, int n);

/* dL/dz (n) = p - onehot(label), OVERWRITTEN. */
void softmax_cross_entropy_backward(const real *p, int label, real *dz, int n);

/* Mean squared error as Intro to CNN writes it: E = sum_i (y'_i - O_i)^2 / 2,
 * and dE/dO_i = -(y'_i - O_i) = O_i - y'_i (OVERWRITTEN into d_out). */
double mse_loss(const real *out, const real *target, int n);
void mse_backward(const real *out, const real *target, real *d_out, int n);

/* A batch of n rows of logits z (n, classes) with labels (n): writes
 * p (n, classes) = softmax of each row and dz (n, classes) = p - onehot(label)
 * (OVERWRITTEN; dz may be NULL, and p too when dz is), and returns the SUM of the n losses
 * -ln p[label] (the caller divides by n for the mean). A row with an
 * infinite or NaN logit makes the sum NaN: softmax has a limit for infinite
 * logits, but a network that produces them has overflowed, and the trainer
 * must see it (src/train_check.h). Both networks' training runs through here. */
double softmax_cross_entropy_batch(int n, const real *z, const int *labels, real *p, real *dz, int classes);

#endif
