/* Exercise 09: three optimisers.
 *
 * Lesson 09 (build/lessons/09_optimisers, notes/09_optimisers.md) walks down
 * the parabola L(a) = (a - 3)^2 with Intro to CNN's rule and then races four
 * optimisers to recover a hidden 3x3 filter. Now you write the update rules,
 * as notes/09_optimisers.md states them. Every function changes the n
 * parameters w (n) IN PLACE, using their gradient g = dL/dw (n), which it
 * must leave unchanged. The state arrays velocity, m, v (n each) are all
 * zeros before the first step; the caller passes the same arrays again at
 * every step, so they carry the history.
 *
 *   TODO 1  gd_update(w, g, n, lr): one step of gradient descent, Intro to
 *           CNN's rule. w = 1, g = 2, lr = 0.1 gives w = 0.8.
 *   TODO 2  momentum_update(w, g, velocity, n, lr, momentum): SGD with
 *           momentum in the PyTorch form (the velocity is a running sum of
 *           past gradients, each older one weighed down by another factor
 *           `momentum`, typically 0.9). From w = 0, velocity 0, with g = 1 at
 *           every step, lr = 0.1 and momentum 0.9: w = -0.1 after one step,
 *           -0.29 after two.
 *   TODO 3  adam_update(w, g, m, v, n, lr, beta1, beta2, eps, t): Adam
 *           (Kingma & Ba 2015) with bias correction; t is the step number, 1
 *           at the first call. Store m and v WITHOUT the correction (it is
 *           recomputed from t). Typical values: lr 0.001, beta1 0.9, beta2
 *           0.999, eps 1e-8. The first step moves every weight by about lr,
 *           against the sign of its gradient, whatever the gradient's size:
 *           from w = 0 with g = (1, -2, 0.5) and lr 0.1, w = (-0.1, 0.1, -0.1).
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
