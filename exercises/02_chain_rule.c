/* Exercise 02: the chain rule, and checking it numerically.
 *
 * Lesson 02 (build/lessons/02_chain_rule, notes/02_chain_rule.md) takes Intro
 * to CNN's graph f(x, y, z) = (x + y) z apart into two gates, an add gate
 * q = x + y and a multiply gate f = q z, runs it forward and backward, and
 * checks the gradients with central differences. Now you derive the backward
 * pass yourself and write the check.
 *
 *   TODO 1  graph_forward: q and f, gate by gate.
 *   TODO 2  graph_backward: df/dx, df/dy and df/dz at any (x, y, z), by the
 *           chain rule through the two gates. The numbers to hit, at x = -2,
 *           y = 5, z = -4: f = -12, df/dx = df/dy = -4, df/dz = 3.
 *   TODO 3  central_slope(fn, t, h): the numeric derivative
 *           (fn(t + h) - fn(t - h)) / (2h).
 *   TODO 4  gradient_rel_error(a, n) = |a - n| / max(1e-8, |a| + |n|), the
 *           relative error gradient checks report (CS231n's definition).
 *           It must be 0, not NaN, when both a and n are 0.
 *
 * Check your work: make check EX=02    A hint, one level at a time: make hint EX=02
 * Start this exercise again from the original: make reset EX=02 (your file is kept as .bak) */
#include "02_chain_rule.h"

#include <math.h>

/* TODO 1. The idea: Work through the graph from the inputs to the output:
 * the add gate first, then the multiply gate.
 * (make hint EX=02: the formula, then the code, one at a time) */
void graph_forward(double x, double y, double z, double *q, double *f)
{
}

/* TODO 2. The idea: Backward, each gate multiplies the gradient coming in by
 * its own local derivative (the chain rule).
 * (make hint EX=02: the formula, then the code, one at a time) */
void graph_backward(double x, double y, double z, double *df_dx, double *df_dy, double *df_dz)
{
}

/* TODO 3. The idea: A slope measured from two nearby points, one on each
 * side of t: it is more accurate than a one-sided difference.
 * (make hint EX=02: the formula, then the code, one at a time) */
double central_slope(double (*fn)(double), double t, double h)
{
    return 0;
}

/* TODO 4. The idea: Compare two numbers relative to their size, so that 1e-3
 * vs 1.001e-3 and 1000 vs 1001 are judged the same way; never divide by 0.
 * (make hint EX=02: the formula, then the code, one at a time) */
double gradient_rel_error(double analytic, double numeric)
{
    return 0;
}
