/* Lesson 02: the chain rule, and how to check it with finite differences.
 *
 * Intro to CNN's computational graph f(x, y, z) = (x + y) z with x = -2, y = 5,
 * z = -4: the forward pass (q = x + y = 3, f = q z = -12), the backward pass
 * (df/dq = z = -4, df/dz = q = 3, df/dx = df/dy = df/dq * 1 = -4), the same
 * gradients from central differences, and then how the error of a finite
 * difference depends on the step h, in float and in double.
 *
 * Erratum: Intro to CNN writes "x = -2, y = 5, z = 4", but every number it
 * then prints (f = -12, df/dq = z = -4) needs z = -4.
 *
 * Run: build/lessons/02_chain_rule [--step] [--plot-data FILE]
 * Notes: notes/02_chain_rule.md */
#include <float.h>
#include <math.h>
#include <stdio.h>

#include "file_error.h"  /* FILE_ERROR_SIZE */
#include "gradcheck.h"   /* GRADCHECK_STEP, relative_error, gradcheck_band */
#include "lesson.h"      /* lesson_start, lesson_step, lesson_plot_data_path */
#include "out_file.h"    /* out_file, out_file_printf, out_file_open, out_file_commit */

enum { X, Y, Z, N_INPUTS };
static const char *const input_name[N_INPUTS] = { "x", "y", "z" };

/* ---- the graph: an add gate, then a multiply gate ------------------------ */

typedef struct { double q, f; } forward_values;

static forward_values forward(const double in[N_INPUTS])
{
    forward_values v;
    v.q = in[X] + in[Y];        /* add gate:      q = x + y   local gradients dq/dx = 1, dq/dy = 1 */
    v.f = v.q * in[Z];          /* multiply gate: f = q * z   local gradients df/dq = z, df/dz = q */
    return v;
}

/* Backward: start from df/df = 1 at the output and multiply by each gate's
 * local gradient on the way back (the chain rule). grad (N_INPUTS) gets df/dx, df/dy, df/dz. */
static double backward(const double in[N_INPUTS], forward_values v, double grad[N_INPUTS])
{
    double df_df = 1;
    double df_dq = df_df * in[Z];   /* multiply gate: each input's gradient is the other input */
    grad[Z] = df_df * v.q;
    grad[X] = df_dq * 1;            /* add gate: hands the gradient to both inputs unchanged */
    grad[Y] = df_dq * 1;
    return df_dq;
}

/* (f(in + h e_i) - f(in - h e_i)) / 2h: the slope of f along input i. */
static double central_difference(const double in[N_INPUTS], int i, double h)
{
    double moved[N_INPUTS] = { in[X], in[Y], in[Z] };
    moved[i] = in[i] + h;
    double f_plus = forward(moved).f;
    moved[i] = in[i] - h;
    double f_minus = forward(moved).f;
    return (f_plus - f_minus) / (2 * h);
}

/* ---- the error of a finite difference against h --------------------------- */

/* A curved function with a known derivative: sigmoid, s' = s (1 - s). The
 * graph above is linear in each input, so its central differences have no
 * truncation error at all; the curve needs a function that bends. */
static float sigmoid_f(float t) { return 1.0f / (1.0f + expf(-t)); }
static double sigmoid_d(double t) { return 1.0 / (1.0 + exp(-t)); }

static double error_in_float(float at, float h, double exact)
{
    float estimate = (sigmoid_f(at + h) - sigmoid_f(at - h)) / (2.0f * h);
    return fabs((double)estimate - exact);
}

static double error_in_double(double at, double h, double exact)
{
    double estimate = (sigmoid_d(at + h) - sigmoid_d(at - h)) / (2.0 * h);
    return fabs(estimate - exact);
}

#define N_STEPS 13   /* h = 1e-1 ... 1e-13 */

static void error_table(out_file *data)
{
    const double at = 1.0, s = sigmoid_d(at), exact = s * (1 - s);
    double best_h[2] = { 0, 0 }, best_err[2] = { INFINITY, INFINITY };
    printf("d/dt sigmoid(t) at t = 1 is s(1 - s) = %.12f. Central differences:\n\n", exact);
    printf("       h     |error| in float   |error| in double\n");
    if (data)
        out_file_printf(data, "# h  abs_error_float  abs_error_double  (sigmoid'(1) by central differences)\n");
    for (int k = 1; k <= N_STEPS; k++) {
        double h = pow(10.0, -k);
        double err[2] = { error_in_float((float)at, (float)h, exact), error_in_double(at, h, exact) };
        printf("   1e-%02d   %16.3e   %16.3e\n", k, err[0], err[1]);
        if (data)
            out_file_printf(data, "%.0e %.6e %.6e\n", h, err[0], err[1]);
        for (int p = 0; p < 2; p++)
            if (err[p] < best_err[p]) {
                best_err[p] = err[p];
                best_h[p] = h;
            }
    }
    printf("\nSmallest error: float %.1e at h = %.0e, double %.1e at h = %.0e.\n",
           best_err[0], best_h[0], best_err[1], best_h[1]);
    printf("Theory: truncation ~ h^2 |f'''| / 6 grows with h, round-off ~ eps |f| / h grows\n"
           "as h shrinks; they balance near h ~ eps^(1/3): %.0e in float (eps = %.1e),\n"
           "%.0e in double (eps = %.1e).\n",
           cbrt(FLT_EPSILON), FLT_EPSILON, cbrt(DBL_EPSILON), DBL_EPSILON);
}

int main(int argc, char **argv)
{
    lesson_start(argc, argv, "Lesson 02: the chain rule, checked by finite differences", 1);
    const double in[N_INPUTS] = { -2, 5, -4 };

    lesson_step(1, "The graph f(x, y, z) = (x + y) z, split into two gates (Intro to CNN)");
    printf("  q = x + y      (add gate)\n  f = q * z      (multiply gate)\n"
           "  inputs: x = %g, y = %g, z = %g\n", in[X], in[Y], in[Z]);
    printf("Erratum: Intro to CNN says z = 4, but its own numbers (f = -12, df/dq = z = -4)\n"
           "need z = -4. With z = 4 the forward pass would give f = %g.\n",
           forward((double[N_INPUTS]){ -2, 5, 4 }).f);

    lesson_step(2, "Forward pass, left to right");
    forward_values v = forward(in);
    printf("  q = x + y = %g + %g = %g\n  f = q * z = %g * (%g) = %g\n", in[X], in[Y], v.q, v.q, in[Z], v.f);

    lesson_step(3, "Backward pass, right to left");
    double grad[N_INPUTS];
    double df_dq = backward(in, v, grad);
    printf("  df/df = 1                            (the start)\n");
    printf("  df/dq = z = %g                       (multiply gate)\n", df_dq);
    printf("  df/dz = q = %g                        (multiply gate)\n", grad[Z]);
    printf("  df/dx = df/dq * dq/dx = %g * 1 = %g   (chain rule through the add gate)\n", df_dq, grad[X]);
    printf("  df/dy = df/dq * dq/dy = %g * 1 = %g\n", df_dq, grad[Y]);

    lesson_step(4, "The same gradients from central differences (double, h = 1e-5)");
    printf("  numeric df/di = (f(i + h) - f(i - h)) / 2h; relative error |a - n| / max(1e-8, |a| + |n|)\n\n");
    printf("  input   analytic    numeric           rel. error   band\n");
    for (int i = 0; i < N_INPUTS; i++) {
        double numeric = central_difference(in, i, GRADCHECK_STEP);
        double rel = relative_error(grad[i], numeric);
        printf("  df/d%s   %8g    %.12f   %.1e      %s\n", input_name[i], grad[i], numeric, rel,
               gradcheck_band(rel));
    }

    lesson_step(5, "How the finite-difference error depends on h, in float and in double");
    const char *path = lesson_plot_data_path();
    out_file data;                       /* src/out_file.h: every write checked */
    char err[FILE_ERROR_SIZE];
    if (path && out_file_open(&data, path, err, sizeof err) != 0) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    error_table(path ? &data : NULL);
    if (path) {
        if (out_file_commit(&data, err, sizeof err) != 0) {
            fprintf(stderr, "%s\n", err);
            return 1;
        }
        printf("Wrote %s (columns: h, float error, double error); `make plots` draws it.\n", path);
    } else {
        printf("To plot this V-shaped curve: make plots (or --plot-data FILE).\n");
    }
    printf("Below h ~ 6e-8 (float's eps at 1.0), t + h rounds back to t in float: both\n"
           "evaluations are equal and the estimate is 0, an error of 100%%.\n");
    printf("This is why gradient checks run in double: with h = 1e-5 the numeric\n"
           "gradient agrees with a correct analytic one to about 1e-10.\n");
    printf("\nNext: lesson 03, padding, stride, and the size of every layer (notes/03_padding_stride.md; build/lessons/03_padding_stride).\n");
    return 0;
}
