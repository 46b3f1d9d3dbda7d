/* tests/exercise_05.c: the checks for exercise 05 (pooling, forward and backward).
 * Built against solutions/05_pooling.c by `make test` and against
 * exercises/05_pooling.c by `make check EX=05`.
 *
 * Every backward pass is also checked against central differences of a
 * reference forward pass, on random inputs (no ties).
 *
 * The reference code (the EXERCISE_REFERENCE blocks) is the
 * instructor's: make expected stores what it computes in
 * tests/expected/exercise_05.txt (STORED_VALUES), make test checks the file
 * against it, and the handout has it cut out and reads the file instead. */
#include <math.h>
#include <stdio.h>

#include "05_pooling.h"
#include "exercise.h"
#include "rng.h"

/* The lesson's 4x4 map (2x2 windows, stride 2) and the overlapping 5x5 one
 * (3x3 windows, stride 2). Inputs sit at the start of larger zero-filled
 * arrays so that a solution reading past a window's edge stays in bounds. */
static const double map4[16] = { 1, 3, 2, 9, 7, 4, 1, 5, 8, 2, 3, 0, 6, 5, 4, 1 };
static const double map5[25] = { 1, 2, 0, 1, 3, 4, 1, 2, 0, 1, 0, 3, 5, 9, 2, 2, 8, 1, 0, 4, 1, 0, 2, 3, 1 };
static const double dy4[4] = { 1, 2, 3, 4 };   /* dL/dY (2, 2) for both */

#define SENTINEL 7.0   /* dx is pre-filled with this: the function must overwrite it */

/* ------------------------------------------------------------------ references */
#ifdef EXERCISE_REFERENCE
static int out_size(int n, int k, int stride)
{
    return (n - k) / stride + 1;
}

static void ref_max(const double *x, int h, int w, int k, int s, double *y, int *argmax)
{
    int oh = out_size(h, k, s), ow = out_size(w, k, s);
    for (int oy = 0; oy < oh; oy++)
        for (int ox = 0; ox < ow; ox++) {
            int best = oy * s * w + ox * s;
            for (int i = 0; i < k; i++)
                for (int j = 0; j < k; j++)
                    if (x[(oy * s + i) * w + ox * s + j] > x[best])
                        best = (oy * s + i) * w + ox * s + j;
            y[oy * ow + ox] = x[best];
            argmax[oy * ow + ox] = best;
        }
}

/* Average pooling, its sum-only variant (scale 1) and its divide-by-k variant. */
static void ref_avg_scaled(const double *x, int h, int w, int k, int s, double scale, double *y)
{
    int oh = out_size(h, k, s), ow = out_size(w, k, s);
    for (int oy = 0; oy < oh; oy++)
        for (int ox = 0; ox < ow; ox++) {
            double sum = 0;
            for (int i = 0; i < k; i++)
                for (int j = 0; j < k; j++)
                    sum += x[(oy * s + i) * w + ox * s + j];
            y[oy * ow + ox] = sum * scale;
        }
}

/* Spread each dy over its window times scale; add (accumulate = 1) or assign. */
static void ref_spread(const double *dy, int h, int w, int k, int s, double scale, int accumulate, double *dx)
{
    int oh = out_size(h, k, s), ow = out_size(w, k, s);
    for (int i = 0; i < h * w; i++)
        dx[i] = 0;
    for (int oy = 0; oy < oh; oy++)
        for (int ox = 0; ox < ow; ox++)
            for (int i = 0; i < k; i++)
                for (int j = 0; j < k; j++) {
                    double *d = &dx[(oy * s + i) * w + ox * s + j];
                    *d = (accumulate ? *d : 0) + dy[oy * ow + ox] * scale;
                }
}

/* L(x) = sum_o r_o * Y_o with the reference forward (max or average). */
static double ref_loss(const double *x, int h, int w, int k, int s, const double *r, int use_max)
{
    double y[256];
    int argmax[256];
    if (use_max)
        ref_max(x, h, w, k, s, y, argmax);
    else
        ref_avg_scaled(x, h, w, k, s, 1.0 / (k * k), y);
    double loss = 0;
    for (int o = 0; o < out_size(h, k, s) * out_size(w, k, s); o++)
        loss += r[o] * y[o];
    return loss;
}

/* Central differences of ref_loss at x (h, w), into numeric (h, w). */
static void ref_numeric_gradient(double *x, int h, int w, int k, int s, const double *r, int use_max, double *numeric)
{
    const double step = 1e-5;
    for (int i = 0; i < h * w; i++) {
        double saved = x[i];
        x[i] = saved + step;
        double plus = ref_loss(x, h, w, k, s, r, use_max);
        x[i] = saved - step;
        double minus = ref_loss(x, h, w, k, s, r, use_max);
        x[i] = saved;
        numeric[i] = (plus - minus) / (2 * step);
    }
}
#endif

/* Compare dx (h, w) with the central differences `numeric` (h, w) of the
 * reference loss; diagnose when off. Returns the largest relative error
 * (CS231n's definition). */
static double gradient_check(const char *name, const double *numeric_all, int h, int w, const double *dx)
{
    double worst = 0, worst_a = 0, worst_n = 0;
    int worst_i = 0;
    for (int i = 0; i < h * w; i++) {
        double numeric = numeric_all[i];
        double scale = fmax(1e-8, fabs(dx[i]) + fabs(numeric));
        double rel = fabs(dx[i] - numeric) / scale;
        if (!(rel <= worst)) {   /* also catches NaN */
            worst = rel;
            worst_i = i;
            worst_a = dx[i];
            worst_n = numeric;
        }
    }
    if (!(worst <= 1e-7))
        task_diagnose("%s fails its gradient check: at X[%d][%d] the analytic gradient is %.6g but "
                      "central differences give %.6g (max relative error %.1e; a correct backward "
                      "gives about 1e-10)", name, worst_i / w, worst_i % w, worst_a, worst_n, worst);
    else
        task_expect_array(name, numeric_all, dx, h * w, 1e-6);   /* passes: for the judge */
    return worst;
}

/* A (h, w) input uniform in [-1, 1) and an upstream gradient r (n_out) ~ N(0, 1). */
static void random_case(double *x, int n_in, double *r, int n_out, uint64_t seed)
{
    rng_t rng = rng_seeded(seed);
    for (int i = 0; i < n_in; i++)
        x[i] = rng_uniform_range(&rng, -1, 1);
    for (int i = 0; i < n_out; i++)
        r[i] = rng_normal(&rng);
}

static int all_equal(const double *v, int n, double value)
{
    for (int i = 0; i < n; i++)
        if (v[i] != value)
            return 0;
    return 1;
}

/* ------------------------------------------------------------------ task 1 */

static void check_argmax_variants(const int *got)
{
    static const int in_window[4] = { 2, 1, 0, 2 };      /* i * k + j inside each window */
    static const int from_corner[4] = { 4, 1, 0, 4 };    /* i * w + j, without the window's offset */
    int same_window = 1, same_corner = 1;
    for (int o = 0; o < 4; o++) {
        same_window = same_window && got[o] == in_window[o];
        same_corner = same_corner && got[o] == from_corner[o];
    }
    if (same_window)
        task_diagnose("argmax holds the position inside the window (i*k + j, 0..k*k-1); store the "
                      "index in the input's coordinates: (oy*stride + i) * w + (ox*stride + j)");
    else if (same_corner)
        task_diagnose("argmax is counted from the window's top-left corner (i*w + j): is the argmax "
                      "index computed in the input's coordinates? add the window's offset "
                      "(oy*stride) * w + ox*stride");
}

static void task_max_forward(void)
{
    task_begin(1, "max pooling forward, with the argmax",
               HINTS("Max pooling keeps the largest pixel of each window, and remembers which"
                     " pixel it was: the backward pass needs that.",
                     "y(oy, ox) = max over i, j < k of x(oy*S + i, ox*S + j); argmax = the "
                     "flat index of the first largest pixel.",
                     "keep best = the flat index into x of the largest pixel seen so far in "
                     "the window, start it at the window's top-left pixel, and update it only"
                     " when x[at] > x[best]. For each window start with best = the index of "
                     "its top-left pixel, (oy*stride) * w + ox*stride; walk i, j over the "
                     "window and keep the index at = (oy*stride + i) * w + (ox*stride + j) "
                     "when x[at] > x[best] (\">\" and not \">=\", so the first maximum keeps "
                     "a tie)."));
    double *x = task_array("x", 16, 0, NAN), *y = task_array("y", 4, 0, GUARD_VALUE);
    int *argmax = task_int_array("argmax", 4, -1);
    for (int i = 0; i < 16; i++)
        x[i] = map4[i];
    CALL(max_pool_forward(x, 4, 4, 2, 2, y, argmax));
    static const double want_y[4] = { 7, 9, 8, 4 }, means[4] = { 3.75, 4.25, 5.25, 2 };
    static const int want_arg[4] = { 4, 3, 8, 14 };   /* (1,0) (0,3) (2,0) (3,2) */
    if (all_equal(y, 4, 0) && argmax[0] == -1)
        task_diagnose("y and argmax are unchanged: nothing was written");
    else if (arrays_near(y, means, 4, 1e-12))
        task_diagnose("y holds the windows' means: that is average pooling (task 3); max pooling keeps the largest pixel");
    task_expect_array("Y of the lesson's 4x4 map (2x2 windows, stride 2)", want_y, y, 4, 1e-12);
    check_argmax_variants(argmax);
    for (int o = 0; o < 4; o++) {
        char what[64];
        snprintf(what, sizeof what, "argmax of window %d of the 4x4 map", o);
        task_expect_index(what, want_arg[o], argmax[o], 4);
    }

    double *x5 = task_array("x", 25, 0, NAN), *y5 = task_array("y", 4, 0, GUARD_VALUE), want5[4];
    int *arg5 = task_int_array("argmax", 4, -1), want_arg5[4];
    for (int i = 0; i < 25; i++)
        x5[i] = map5[i];
    CALL(max_pool_forward(x5, 5, 5, 3, 2, y5, arg5));
#ifdef EXERCISE_REFERENCE
    ref_max(map5, 5, 5, 3, 2, want5, want_arg5);
#endif
    STORED_VALUES("Y of the 5x5 map", want5, 4);
    STORED_INTS("argmax of the 5x5 map", want_arg5, 4);
    if (arrays_near(y, want_y, 4, 1e-12) && !arrays_near(y5, want5, 4, 1e-12))
        task_diagnose("2x2 windows with stride 2 work but 3x3 windows with stride 2 do not: window "
                      "(oy, ox) starts at row oy*stride and column ox*stride, not oy*k");
    task_expect_array("Y of the 5x5 map (3x3 windows, stride 2: they overlap)", want5, y5, 4, 1e-12);
    task_expect_index("argmax of window (0,1) of the 5x5 map: the 9", want_arg5[1], arg5[1], 5);
    task_expect_index("argmax of window (1,1) of the 5x5 map: the same 9 again", want_arg5[3], arg5[3], 5);

    double tie[8] = { 5, 5, 1, 2, 3, 5, 2, 2 }, y_tie[2] = { 0 };   /* (2, 4), ties in both windows */
    int arg_tie[2] = { -1, -1 };
    CALL(max_pool_forward(tie, 2, 4, 2, 2, y_tie, arg_tie));
    if (arg_tie[0] == 5 || arg_tie[1] == 7)
        task_diagnose("on a tie the argmax went to the LAST maximum: compare with > instead of >=, so "
                      "the first maximum in reading order keeps it (as the library does)");
    task_expect_index("argmax of [[5,5],[3,5]] in the 2x4 image (a three-way tie: the first 5)", 0, arg_tie[0], 4);
    task_expect_index("argmax of [[1,2],[2,2]] in the 2x4 image (the first 2)", 3, arg_tie[1], 4);

    double negative[4] = { -3, -1, -2, -4 }, y_neg = 123;
    int arg_neg = -1;
    CALL(max_pool_forward(negative, 2, 2, 2, 2, &y_neg, &arg_neg));
    if (y_neg == 0)
        task_diagnose("the max of [[-3,-1],[-2,-4]] came out as 0: the running max started at 0, but "
                      "inputs can be negative; start it at the window's first pixel");
    task_expect_near("max of [[-3,-1],[-2,-4]]", -1, y_neg, 1e-12);
    task_end();
}

/* ------------------------------------------------------------------ task 2 */

static void task_max_backward(void)
{
    task_begin(2, "max pooling backward",
               HINTS("Only the pixel that won the max moved the output, so only it gets the "
                     "gradient; a pixel can win more than one window.",
                     "dL/dx(argmax(o)) += dL/dy(o) for every output o; every other dL/dx is "
                     "0.",
                     "dx = 0 everywhere, then for every output o: dx[argmax[o]] += dy[o]. No "
                     "loop over the window: the other pixels did not move the output. Two "
                     "loops: one sets all h * w entries of dx to 0, the other runs over the "
                     "out_h * out_w outputs o and ADDS dy[o] into dx[argmax[o]] (with "
                     "overlapping windows one pixel can win twice; \"=\" would keep only the "
                     "last gradient). No loop over the window: only the winner gets anything."));
    double *dx = task_array("dx", 16, SENTINEL, GUARD_VALUE), want[16], spread[16], spread_raw[16];
    int argmax[4];
#ifdef EXERCISE_REFERENCE
    double y[4];
    ref_max(map4, 4, 4, 2, 2, y, argmax);
    for (int i = 0; i < 16; i++)
        want[i] = 0;
    for (int o = 0; o < 4; o++)
        want[argmax[o]] += dy4[o];
    ref_spread(dy4, 4, 4, 2, 2, 0.25, 1, spread);
    ref_spread(dy4, 4, 4, 2, 2, 1.0, 1, spread_raw);
#endif
    STORED_INTS("argmax of the 4x4 map", argmax, 4);
    STORED_VALUES("dX of the 4x4 map", want, 16);
    STORED_VALUES("dY spread over each window / (k*k)", spread, 16);
    STORED_VALUES("dY spread over each window", spread_raw, 16);
    CALL(max_pool_backward(dy4, argmax, 4, 4, 2, 2, dx));
    double minus_sentinel[16];
    for (int i = 0; i < 16; i++)
        minus_sentinel[i] = dx[i] - SENTINEL;
    if (all_equal(dx, 16, SENTINEL))
        task_diagnose("dx is unchanged: nothing was written");
    else if (arrays_near(dx, spread, 16, 1e-12))
        task_diagnose("dX has the gradient in every pixel of the window (dY/(k*k)): that is average "
                      "pooling's backward; max pooling routes it to the argmax only");
    else if (arrays_near(dx, spread_raw, 16, 1e-12))
        task_diagnose("dX has dY in every pixel of the window: only the argmax moved the output, "
                      "so only it gets the gradient; the others get 0");
    else if (arrays_near(minus_sentinel, want, 16, 1e-12))
        task_diagnose("dx still holds its old contents (%g) under the gradient: dx is OVERWRITTEN, "
                      "set it to 0 before adding", SENTINEL);
    task_expect_array("dX of the lesson's 4x4 map, dY = [[1,2],[3,4]]", want, dx, 16, 1e-12);

    double *dx5 = task_array("dx", 25, SENTINEL, GUARD_VALUE), want5[25] = { 0 };
    int arg5[4];
#ifdef EXERCISE_REFERENCE
    double y5[4];
    ref_max(map5, 5, 5, 3, 2, y5, arg5);
    for (int o = 0; o < 4; o++)
        want5[arg5[o]] += dy4[o];
#endif
    STORED_INTS("argmax of the 5x5 map", arg5, 4);
    STORED_VALUES("dX of the 5x5 map", want5, 25);
    CALL(max_pool_backward(dy4, arg5, 5, 5, 3, 2, dx5));
    if (fabs(dx5[13] - 4) < 1e-12 && fabs(dx5[12] - 1) < 1e-12)
        task_diagnose("overlapping windows: gradients must be ADDED (+=), not assigned: the 9 at (2,3) "
                      "won two windows and should get 2 + 4 = 6, got 4");
    task_expect_array("dX of the 5x5 map (3x3 windows, stride 2)", want5, dx5, 25, 1e-12);

    double x[49], r[9], numeric[49], *dxr = task_array("dx", 49, 0, GUARD_VALUE);
    int argr[9];
    random_case(x, 49, r, 9, 505);
#ifdef EXERCISE_REFERENCE
    double yr[9];
    ref_max(x, 7, 7, 3, 2, yr, argr);
    ref_numeric_gradient(x, 7, 7, 3, 2, r, 1, numeric);
#endif
    STORED_INTS("argmax of the random 7x7", argr, 9);
    STORED_VALUES("central differences of the random 7x7", numeric, 49);
    CALL(max_pool_backward(r, argr, 7, 7, 3, 2, dxr));
    gradient_check("dX (random 7x7, 3x3 windows, stride 2)", numeric, 7, 7, dxr);
    task_end();
}

/* ------------------------------------------------------------------ task 3 */

static void task_avg_forward(void)
{
    task_begin(3, "average pooling forward",
               HINTS("Average pooling replaces each window by the mean of its pixels.",
                     "y(oy, ox) = (1 / k^2) * sum over i, j < k of x(oy*S + i, ox*S + j).",
                     "sum the k*k pixels of the window and divide by k*k; careful with "
                     "integer division: 1/(k*k) is 0 in C when k is an int, sum / (k*k) is "
                     "fine. The same loops as TODO 1, with a running sum instead of a running"
                     " max; divide by k*k (the number of pixels), not by k."));
    double *x = task_array("x", 16, 0, NAN), *y = task_array("y", 4, 0, GUARD_VALUE), want[4], sums[4], by_k[4];
    static const double maxima[4] = { 7, 9, 8, 4 };
    for (int i = 0; i < 16; i++)
        x[i] = map4[i];
    CALL(avg_pool_forward(x, 4, 4, 2, 2, y));
#ifdef EXERCISE_REFERENCE
    ref_avg_scaled(map4, 4, 4, 2, 2, 0.25, want);
    ref_avg_scaled(map4, 4, 4, 2, 2, 1.0, sums);
    ref_avg_scaled(map4, 4, 4, 2, 2, 0.5, by_k);
#endif
    STORED_VALUES("Y of the 4x4 map", want, 4);
    STORED_VALUES("the windows' sums", sums, 4);
    STORED_VALUES("the windows' sums / k", by_k, 4);
    if (all_equal(y, 4, 0))
        task_diagnose("y is all zeros: nothing was written, or 1/(k*k) was computed in integer "
                      "arithmetic (it is 0 in C); write sum / (k*k)");
    else if (arrays_near(y, sums, 4, 1e-12))
        task_diagnose("y holds the windows' sums: divide by k*k = 4 to get the mean");
    else if (arrays_near(y, by_k, 4, 1e-12))
        task_diagnose("y is the sum divided by k = 2: a k x k window has k*k pixels");
    else if (arrays_near(y, maxima, 4, 1e-12))
        task_diagnose("y holds the windows' maxima: that is max pooling (task 1)");
    task_expect_array("Y of the lesson's 4x4 map (2x2 windows, stride 2)", want, y, 4, 1e-12);

    double *x5 = task_array("x", 25, 0, NAN), *y5 = task_array("y", 4, 0, GUARD_VALUE), want5[4];
    for (int i = 0; i < 25; i++)
        x5[i] = map5[i];
    CALL(avg_pool_forward(x5, 5, 5, 3, 2, y5));
#ifdef EXERCISE_REFERENCE
    ref_avg_scaled(map5, 5, 5, 3, 2, 1.0 / 9, want5);
#endif
    STORED_VALUES("Y of the 5x5 map", want5, 4);
    if (arrays_near(y, want, 4, 1e-12) && !arrays_near(y5, want5, 4, 1e-12))
        task_diagnose("2x2 windows with stride 2 work but 3x3 windows with stride 2 do not: window "
                      "(oy, ox) starts at row oy*stride and column ox*stride, not oy*k");
    task_expect_array("Y of the 5x5 map (3x3 windows, stride 2)", want5, y5, 4, 1e-12);
    task_end();
}

/* ------------------------------------------------------------------ task 4 */

static void task_avg_backward(void)
{
    task_begin(4, "average pooling backward",
               HINTS("Every pixel of a window moved the average by 1/k^2 of its own change, "
                     "so each gets that share of the window's gradient.",
                     "dL/dx(oy*S + i, ox*S + j) += dL/dy(oy, ox) / k^2 for every window and "
                     "every (i, j) in it.",
                     "zero dx; then for every window and every (i, j) in it: dx[(oy*stride + "
                     "i) * w + (ox*stride + j)] += dy[oy * out_w + ox] / (k*k). Zero dx "
                     "first; then the loops of TODO 3, but instead of reading x you ADD dy[oy"
                     " * out_w + ox] / (k*k) into dx[(oy*stride + i) * w + (ox*stride + j)]."));
    double *dx = task_array("dx", 16, SENTINEL, GUARD_VALUE), want[16], raw[16], by_k[16];
    CALL(avg_pool_backward(dy4, 4, 4, 2, 2, dx));
#ifdef EXERCISE_REFERENCE
    ref_spread(dy4, 4, 4, 2, 2, 0.25, 1, want);
    ref_spread(dy4, 4, 4, 2, 2, 1.0, 1, raw);
    ref_spread(dy4, 4, 4, 2, 2, 0.5, 1, by_k);
#endif
    STORED_VALUES("dX of the 4x4 map", want, 16);
    STORED_VALUES("dY spread over each window", raw, 16);
    STORED_VALUES("dY / k spread over each window", by_k, 16);
    double minus_sentinel[16];
    for (int i = 0; i < 16; i++)
        minus_sentinel[i] = dx[i] - SENTINEL;
    if (all_equal(dx, 16, SENTINEL))
        task_diagnose("dx is unchanged: nothing was written");
    else if (all_equal(dx, 16, 0))
        task_diagnose("dx is all zeros: is 1/(k*k) computed in integer arithmetic (it is 0)? "
                      "write dy[...] / (k*k)");
    else if (arrays_near(dx, raw, 16, 1e-12))
        task_diagnose("every pixel got the whole dY: each pixel moves the mean by only 1/(k*k), so "
                      "it gets dY / (k*k)");
    else if (arrays_near(dx, by_k, 16, 1e-12))
        task_diagnose("every pixel got dY / k: a k x k window has k*k pixels, divide by k*k");
    else if (arrays_near(minus_sentinel, want, 16, 1e-12))
        task_diagnose("dx still holds its old contents (%g) under the gradient: dx is OVERWRITTEN, "
                      "set it to 0 before adding", SENTINEL);
    task_expect_array("dX of the lesson's 4x4 map, dY = [[1,2],[3,4]]", want, dx, 16, 1e-12);

    double *dx5 = task_array("dx", 25, SENTINEL, GUARD_VALUE), want5[25], assigned[25];
    CALL(avg_pool_backward(dy4, 5, 5, 3, 2, dx5));
#ifdef EXERCISE_REFERENCE
    ref_spread(dy4, 5, 5, 3, 2, 1.0 / 9, 1, want5);
    ref_spread(dy4, 5, 5, 3, 2, 1.0 / 9, 0, assigned);
#endif
    STORED_VALUES("dX of the 5x5 map", want5, 25);
    STORED_VALUES("dY / 9 assigned, not added, over each window", assigned, 25);
    if (arrays_near(dx5, assigned, 25, 1e-12))
        task_diagnose("overlapping windows: gradients must be ADDED (+=), not assigned: the centre "
                      "(2,2) lies in all four windows and should get (1+2+3+4)/9, got 4/9");
    task_expect_array("dX of the 5x5 map (3x3 windows, stride 2)", want5, dx5, 25, 1e-12);

    double x[49], r[9], numeric[49], *dxr = task_array("dx", 49, 0, GUARD_VALUE);
    random_case(x, 49, r, 9, 506);
#ifdef EXERCISE_REFERENCE
    ref_numeric_gradient(x, 7, 7, 3, 2, r, 0, numeric);
#endif
    STORED_VALUES("central differences of the random 7x7", numeric, 49);
    CALL(avg_pool_backward(r, 7, 7, 3, 2, dxr));
    gradient_check("dX (random 7x7, 3x3 windows, stride 2)", numeric, 7, 7, dxr);
    task_end();
}

int main(int argc, char **argv)
{
    static const exercise_task tasks[] = { task_max_forward, task_max_backward, task_avg_forward, task_avg_backward };
    return exercise_main(argc, argv, "exercise 05 (pooling)", tasks, (int)(sizeof tasks / sizeof tasks[0]));
}
