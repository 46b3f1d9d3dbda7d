/* tests/exercise_02.c: the checks for exercise 02 (the chain rule).
 * Built against solutions/02_chain_rule.c by `make test` and against
 * exercises/02_chain_rule.c by `make check EX=02`. */
#include <math.h>
#include <stdio.h>

#include "02_chain_rule.h"
#include "exercise.h"

static void task_forward(void)
{
    task_begin(1, "forward pass: q = x + y, f = q z",
               HINTS("Work through the graph from the inputs to the output: the add gate "
                     "first, then the multiply gate.",
                     "q = x + y, then f = q * z. With x = -2, y = 5, z = -4: q = 3, f = -12.",
                     "write the results through the pointers (*q = ...), and compute f from "
                     "the q you just computed. Two lines, one per gate, writing through the "
                     "pointers: *q = ...; *f = ..."));
    double q = 0, f = 0;
    CALL(graph_forward(-2, 5, -4, &q, &f));
    if (q == 3 && f == 12)
        task_diagnose("f = 12: that is the source's typo z = 4; the test passes z = -4, use the argument");
    task_expect_near("q at (-2, 5, -4)", 3, q, 1e-12);
    task_expect_near("f at (-2, 5, -4)", -12, f, 1e-12);
    CALL(graph_forward(1.5, 0.25, 2, &q, &f));
    task_expect_near("f at (1.5, 0.25, 2)", 3.5, f, 1e-12);
    task_end();
}

static void task_backward(void)
{
    task_begin(2, "backward pass: df/dx, df/dy, df/dz by the chain rule",
               HINTS("Backward, each gate multiplies the gradient coming in by its own local "
                     "derivative (the chain rule).",
                     "df/dq = z, df/dz = q; the add gate's local derivatives are 1, so df/dx "
                     "= df/dy = df/dq * 1 = z.",
                     "the multiply gate gives each input the OTHER input as its local "
                     "gradient; the add gate's local gradients are 1. Compute q first; the "
                     "multiply gate hands each of its inputs the OTHER input (df/dq = z, "
                     "df/dz = q); the add gate passes df/dq on to x and y."));
    double gx = 0, gy = 0, gz = 0;
    CALL(graph_backward(-2, 5, -4, &gx, &gy, &gz));
    if (gx == 3 && gz == -4)
        task_diagnose("df/dx and df/dz are swapped: x's gradient comes through q, so it is z; z's is q");
    if (gx == 1 && gy == 1)
        task_diagnose("df/dx = 1 is only the add gate's local gradient dq/dx: multiply it by df/dq = z");
    task_expect_near("df/dx at (-2, 5, -4)", -4, gx, 1e-12);
    task_expect_near("df/dy at (-2, 5, -4)", -4, gy, 1e-12);
    task_expect_near("df/dz at (-2, 5, -4)", 3, gz, 1e-12);
    CALL(graph_backward(1, 2, 0.5, &gx, &gy, &gz));       /* another point: q = 3 */
    task_expect_near("df/dx at (1, 2, 0.5)", 0.5, gx, 1e-12);
    task_expect_near("df/dz at (1, 2, 0.5)", 3, gz, 1e-12);
    task_end();
}

static double square(double t) { return t * t; }
static double cube(double t) { return t * t * t; }

static void task_central(void)
{
    task_begin(3, "the central difference (f(t + h) - f(t - h)) / 2h",
               HINTS("A slope measured from two nearby points, one on each side of t: it is "
                     "more accurate than a one-sided difference.",
                     "slope = (fn(t + h) - fn(t - h)) / (2h).",
                     "evaluate fn at t + h and at t - h; the two points are 2h apart. "
                     "Evaluate fn on both sides of t; the two points are 2h apart."));
    /* For t^2 at t = 1 with h = 0.1 the central difference is exactly 2;
     * the forward difference gives 2.1, dividing by h instead of 2h gives 4. */
    double slope = CALL(central_slope(square, 1, 0.1));
    if (fabs(slope - 2.1) < 1e-9)
        task_diagnose("2.1 is the forward difference (f(t + h) - f(t)) / h: step both ways, t + h and t - h");
    else if (fabs(slope - 4) < 1e-9)
        task_diagnose("4 is twice the slope: the two points are 2h apart, divide by 2h");
    else if (fabs(slope - 0.02) < 1e-9)
        task_diagnose("0.02 = 0.4 / 2 * 0.1: you divided by 2 and then multiplied by h; write / (2 * h)");
    task_expect_near("central_slope(t^2, t = 1, h = 0.1)", 2, slope, 1e-9);
    task_expect_near("central_slope(t^3, t = 2, h = 1e-4)", 12, CALL(central_slope(cube, 2, 1e-4)), 1e-6);
    task_end();
}

static void task_rel_error(void)
{
    task_begin(4, "relative error |a - n| / max(1e-8, |a| + |n|)",
               HINTS("Compare two numbers relative to their size, so that 1e-3 vs 1.001e-3 "
                     "and 1000 vs 1001 are judged the same way; never divide by 0.",
                     "rel = |a - n| / max(1e-8, |a| + |n|).",
                     "fabs() for the absolute values and fmax() for the floor, both from "
                     "<math.h>. fabs and fmax from <math.h>; the 1e-8 floor keeps 0 / 0 away."));
    double zero = CALL(gradient_rel_error(0, 0));
    if (isnan(zero))
        task_diagnose("0 / 0 gave NaN: the denominator needs the max(1e-8, ...) floor");
    task_expect_near("rel error(0, 0)", 0, zero, 0);
    double neg = CALL(gradient_rel_error(-4, -4.000000000026));
    if (neg < 0)
        task_diagnose("a negative relative error: take absolute values (fabs) of the difference and of each number");
    task_expect_near("rel error(-4, -4.000000000026)", 3.25e-12, neg, 1e-14);
    task_expect_near("rel error(1, 3)", 0.5, CALL(gradient_rel_error(1, 3)), 1e-12);
    task_expect_near("rel error(1e-9, 0) (tiny values use the 1e-8 floor)", 0.1, CALL(gradient_rel_error(1e-9, 0)), 1e-12);
    task_end();
}

int main(int argc, char **argv)
{
    static const exercise_task tasks[] = { task_forward, task_backward, task_central, task_rel_error };
    return exercise_main(argc, argv, "exercise 02 (chain rule)", tasks, (int)(sizeof tasks / sizeof tasks[0]));
}
