/* exercises/02_chain_rule.h: the functions exercise 02 asks for.
 * Both exercises/02_chain_rule.c (yours) and solutions/02_chain_rule.c
 * define them; tests/exercise_02.c checks them. Do not change this file. */
#ifndef EXERCISE_02_H
#define EXERCISE_02_H

/* Task 1: the forward pass of f(x, y, z) = (x + y) z through its two gates:
 * *q = x + y, then *f = q z. */
void graph_forward(double x, double y, double z, double *q, double *f);

/* Task 2: the backward pass: the three partial derivatives of f, by the chain rule. */
void graph_backward(double x, double y, double z, double *df_dx, double *df_dy, double *df_dz);

/* Task 3: the central difference (fn(t + h) - fn(t - h)) / (2h). */
double central_slope(double (*fn)(double), double t, double h);

/* Task 4: CS231n's relative error |a - n| / max(1e-8, |a| + |n|). */
double gradient_rel_error(double analytic, double numeric);

#endif
