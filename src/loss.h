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

/* p (n) = softmax(z (n)), the stable form. */
void softmax(const real *z, real *p, int n);

/* ln sum_k e^{z_k}, stably: m + ln sum_k e^{z_k - m}. */
double log_sum_exp(const real *z, int n);

/* -sum_i y_i ln p_i for a probability vector p and a target distribution y
 * (one-hot or not). Note the order: the label y weighs the log of the
 * prediction p (Doshi writes it the other way round). */
double cross_entropy(const real *p, const real *y, int n);

/* Softmax + cross-entropy on an integer label in one step, from the logits:
 * L = log_sum_exp(z) - z[label], which stays finite even when p_label
 * would round to 0. Writes p = softmax(z) when p is not NULL. */
double softmax_cross_entropy(const real *z, int label, real *p, int n);

/* dL/dz (n) = p - onehot(label), OVERWRITTEN. */
void softmax_cross_entropy_backward(const real *p, int label, real *dz, int n);

/* Mean squared error as Intro to CNN writes it: E = sum_i (y'_i - O_i)^2 / 2,
 * and dE/dO_i = -(y'_i - O_i) = O_i - y'_i (OVERWRITTEN into d_out). */
double mse_loss(const real *out, const real *target, int n);
void mse_backward(const real *out, const real *target, real *d_out, int n);

#endif
