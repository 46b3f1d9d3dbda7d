/* exercises/09_optimisers.h: the functions exercise 09 asks for.
 * Both exercises/09_optimisers.c (yours) and solutions/09_optimisers.c
 * define them; tests/exercise_09.c checks them. Do not change this file.
 *
 * Each function updates the n parameters w IN PLACE from their gradient
 * g = dL/dw (n), which it must not change. The state arrays (velocity, m, v)
 * start at 0 and are passed again at every step. */
#ifndef EXERCISE_09_H
#define EXERCISE_09_H

/* Task 1: one step of gradient descent (Intro to CNN's rule, notes/09_optimisers.md). */
void gd_update(double *w, const double *g, int n, double lr);

/* Task 2: one step of SGD with momentum, the PyTorch form (notes/09_optimisers.md). */
void momentum_update(double *w, const double *g, double *velocity, int n, double lr, double momentum);

/* Task 3: one step of Adam (Kingma & Ba 2015) with bias correction
 * (notes/09_optimisers.md); t is the 1-based step number (t = 1 at the
 * first call); m and v are stored without the correction. */
void adam_update(double *w, const double *g, double *m, double *v, int n,
                 double lr, double beta1, double beta2, double eps, int t);

#endif
