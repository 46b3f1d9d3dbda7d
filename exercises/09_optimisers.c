/* Exercise 09: three optimisers.
 *
 * Lesson 09 (build/lessons/09_optimisers, notes/09_optimisers.md) walks down
 * the parabola L(a) = (a - 3)^2 with Intro to CNN's rule and then races four
 * optimisers to recover a hidden 3x3 filter. Now you write the update rules.
 * Every function changes the n parameters w (n) IN PLACE, using their
 * gradient g = dL/dw (n), which it must leave unchanged. The state arrays
 * velocity, m, v (n each) are all zeros before the first step; the caller
 * passes the same arrays again at every step, so they carry the history.
 *
 *   TODO 1  gd_update(w, g, n, lr): one step of gradient descent,
 *               w[i] = w[i] - lr * g[i]            for i = 0 .. n-1
 *           (Intro to CNN: new_parameter = old_parameter - learning_rate * gradient).
 *   TODO 2  momentum_update(w, g, velocity, n, lr, momentum): SGD with
 *           momentum in the PyTorch form, for each i, in this order:
 *               velocity[i] = momentum * velocity[i] + g[i]
 *               w[i]        = w[i] - lr * velocity[i]
 *           The velocity is a running sum of past gradients, each older one
 *           weighed down by another factor `momentum` (typically 0.9).
 *   TODO 3  adam_update(w, g, m, v, n, lr, beta1, beta2, eps, t): Adam
 *           (Kingma & Ba 2015). t is the step number, 1 at the first call.
 *               m[i]  = beta1 * m[i] + (1 - beta1) * g[i]          (mean of g)
 *               v[i]  = beta2 * v[i] + (1 - beta2) * g[i] * g[i]   (mean of g^2)
 *               m_hat = m[i] / (1 - beta1^t)                       (bias correction)
 *               v_hat = v[i] / (1 - beta2^t)
 *               w[i]  = w[i] - lr * m_hat / (sqrt(v_hat) + eps)
 *           Typical values: lr 0.001, beta1 0.9, beta2 0.999, eps 1e-8.
 *           Store m and v WITHOUT the correction (it is recomputed from t).
 *
 * Check your work: make check EX=09    A hint, one level at a time: make hint EX=09
 * Start this exercise again from the original: make reset EX=09 (your file is kept as .bak) */
#include "09_optimisers.h"

#include <math.h>

/* TODO 1. The idea: Move every weight a small step downhill: against its
 * gradient.
 * (make hint EX=09: the formula, then the code, one at a time) */
void gd_update(double *w, const double *g, int n, double lr)
{
}

/* TODO 2. The idea: Momentum keeps a running velocity: the gradients of the
 * past keep pushing, like a ball rolling downhill.
 * (make hint EX=09: the formula, then the code, one at a time) */
void momentum_update(double *w, const double *g, double *velocity, int n, double lr, double momentum)
{
}

/* TODO 3. The idea: Adam keeps running means of the gradient and of its
 * square, corrects their start-up bias, and scales each weight's step by
 * them.
 * (make hint EX=09: the formula, then the code, one at a time) */
void adam_update(double *w, const double *g, double *m, double *v, int n,
                 double lr, double beta1, double beta2, double eps, int t)
{
}
