/* Exercise 02: the chain rule, and checking it numerically.
 *
 * Lesson 02 (build/lessons/02_chain_rule, notes/02_chain_rule.md) takes seed
 * 004's graph f(x, y, z) = (x + y) z apart into two gates,
 *     q = x + y          (add gate:      dq/dx = 1, dq/dy = 1)
 *     f = q * z          (multiply gate: df/dq = z, df/dz = q)
 * runs it forward and backward at x = -2, y = 5, z = -4 (f = -12; df/dx =
 * df/dy = -4, df/dz = 3), and checks the gradients with central differences.
 *
 *   TODO 1  graph_forward: q and f, gate by gate.
 *   TODO 2  graph_backward: df/dx, df/dy and df/dz at any (x, y, z), by the
 *           chain rule: df/dx = df/dq * dq/dx, and so on.
 *   TODO 3  central_slope(fn, t, h): the numeric derivative
 *           (fn(t + h) - fn(t - h)) / (2h).
 *   TODO 4  gradient_rel_error(a, n) = |a - n| / max(1e-8, |a| + |n|), the
 *           relative error gradient checks report (CS231n's definition).
 *           It must be 0, not NaN, when both a and n are 0.
 *
 * Check your work:  make check EX=02        The solution: solutions/02_chain_rule.c */
#include "02_chain_rule.h"

#include <math.h>

/* TODO 1. Hint: two lines, one per gate, writing through the pointers: *q = ...; *f = ... */
void graph_forward(double x, double y, double z, double *q, double *f)
{
}

/* TODO 2. Hint: compute q first; the multiply gate hands each of its inputs
 * the OTHER input (df/dq = z, df/dz = q); the add gate passes df/dq on to x and y. */
void graph_backward(double x, double y, double z, double *df_dx, double *df_dy, double *df_dz)
{
}

/* TODO 3. Hint: evaluate fn on both sides of t; the two points are 2h apart. */
double central_slope(double (*fn)(double), double t, double h)
{
    return 0;
}

/* TODO 4. Hint: fabs and fmax from <math.h>; the 1e-8 floor keeps 0 / 0 away. */
double gradient_rel_error(double analytic, double numeric)
{
    return 0;
}
