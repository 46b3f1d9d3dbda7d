/* Exercise 08: softmax and cross-entropy.
 *
 * Lesson 08 (build/lessons/08_softmax, notes/08_softmax.md) shows that the
 * softmax as written, e^{z_i} / sum_k e^{z_k}, returns NaN for logits like
 * [1000, 1001, 1002], how to compute it without overflow, and that the loss
 * is -sum label * ln prediction (Doshi swaps the two). Now you write the four
 * functions, and derive the gradient of the loss yourself. Every array has n
 * entries.
 *
 *   TODO 1  softmax_stable(z, p, n): the softmax, computed so that it never
 *           overflows: softmax([1, 2, 3]) = (0.090031, 0.244728, 0.665241),
 *           and so must softmax([1000, 1001, 1002]) be.
 *   TODO 2  one_hot_label(label, y, n): y[label] = 1 and every other entry 0
 *           (Bayya: the digit 3 becomes (0, 0, 0, 1, 0, 0, 0, 0, 0, 0)).
 *   TODO 3  cross_entropy_loss(p, y, n): L = -sum_i y_i ln p_i, the label y
 *           weighing the natural log of the prediction p; skip terms with
 *           y_i = 0. With a one-hot y it is -ln p_label: the lesson's
 *           10-class example gives 0.438531, and p = (0.2, 0, 0.1, 0.7) with
 *           label 3 gives -ln 0.7 = 0.356675 (and not NaN).
 *   TODO 4  softmax_ce_logit_grad(z, label, dz, n): the gradient of
 *           L = -ln softmax(z)_label with respect to the logits z, dz (n),
 *           OVERWRITTEN. For the lesson's logits (1, -6, 0.3, 2.25) and
 *           label 3: (0.200488, 0.000183, 0.099559, -0.300230).
 *
 * Check your work: make check EX=08    A hint, one level at a time: make hint EX=08
 * Start this exercise again from the original: make reset EX=08 (your file is kept as .bak) */
#include "08_softmax.h"

#include <math.h>

/* TODO 1. The idea: Softmax turns scores into probabilities: exponentiate,
 * then divide by the total. Subtracting the largest score first changes
 * nothing but keeps e^z from overflowing.
 * (make hint EX=08: the formula, then the code, one at a time) */
void softmax_stable(const double *z, double *p, int n)
{
}

/* TODO 2. The idea: A label becomes a vector with a 1 at the right class and
 * 0 everywhere else.
 * (make hint EX=08: the formula, then the code, one at a time) */
void one_hot_label(int label, double *y, int n)
{
}

/* TODO 3. The idea: Cross-entropy measures how surprised the prediction is
 * by the truth: the label weighs the log of the prediction, not the other
 * way round.
 * (make hint EX=08: the formula, then the code, one at a time) */
double cross_entropy_loss(const double *p, const double *y, int n)
{
    return 0;
}

/* TODO 4. The idea: Differentiate softmax and cross-entropy together, as
 * one function of the logits: the chain rule through both collapses to
 * something simple.
 * (make hint EX=08: the formula, then the code, one at a time) */
void softmax_ce_logit_grad(const double *z, int label, double *dz, int n)
{
}
