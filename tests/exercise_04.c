/* tests/exercise_04.c: the checks for exercise 04 (activations).
 * Built against solutions/04_activations.c by `make test` and against
 * exercises/04_activations.c by `make check EX=04`.
 *
 * Each backward pass is checked twice: against the formula, and against
 * central differences of L = sum_i dy_i act(x_i) (dL/dx_i = dy_i act'(x_i)),
 * computed from reference functions in plain double. The reference code
 * sits in EXERCISE_REFERENCE blocks (the instructor's copy only); make
 * expected stores what it computes in tests/expected/exercise_04.txt and
 * the handout reads it there (exercise.h, STORED_VALUES). */
#include <math.h>
#include <stdio.h>

#include "04_activations.h"
#include "exercise.h"
#include "gradcheck.h"

#define N 8
#define SENTINEL 99.0   /* what output buffers hold before the call */

static const double xs[N] = { -2.5, -1.0, -0.3, 0.4, 1.0, 2.2, 3.5, -4.0 };   /* none near 0 */
static const double dys[N] = { 0.7, -1.3, 0.5, 2.0, -0.4, 1.1, -0.9, 0.25 };  /* dL/dy */

/* Functions handed to the student's central_slope (task 4): inputs, not answers. */
static double relu_probe(double x) { return x > 0 ? x : 0; }
static double cube(double x) { return x * x * x; }

/* ------------------------------------------------------------------ reference code */
#ifdef EXERCISE_REFERENCE
static double ref_relu(double x) { return x > 0 ? x : 0; }
static double ref_sigmoid(double x) { return 1.0 / (1.0 + exp(-x)); }
static double ref_tanh(double x) { return tanh(x); }

static void ref_apply(double (*f)(double), const double *x, double *y, int n)
{
    for (int i = 0; i < n; i++)
        y[i] = f(x[i]);
}

/* Central differences of L = sum_i dy_i f(x_i) at xs, into numeric (N).
 * L depends on x_i only through f(x_i), so the difference of L is dy_i times
 * the difference of f(x_i). */
static void ref_numeric_gradient(double (*f)(double), double *numeric)
{
    const double h = 1e-5;
    for (int i = 0; i < N; i++)
        numeric[i] = dys[i] * (f(xs[i] + h) - f(xs[i] - h)) / (2 * h);
}
#endif

static void fill(double *a, int n, double v)
{
    for (int i = 0; i < n; i++)
        a[i] = v;
}

static int all_equal(const double *a, int n, double v)
{
    for (int i = 0; i < n; i++)
        if (a[i] != v)
            return 0;
    return 1;
}

/* The gradient check: dx against central differences of L = sum_i dy_i f(x_i),
 * numeric_dx (N, from the reference block: stored). */
static void check_numeric(const char *fn_name, double *numeric_dx, const double *dx)
{
    char label[96];
    snprintf(label, sizeof label, "central differences for %s", fn_name);
    STORED_VALUES(label, numeric_dx, N);
    if (all_equal(dx, N, SENTINEL))
        return;   /* nothing written: already said */
    double worst = 0, worst_a = 0, worst_n = 0;
    int worst_i = 0;
    for (int i = 0; i < N; i++) {
        double numeric = numeric_dx[i];
        double rel = relative_error(dx[i], numeric);
        if (!(rel <= worst)) {   /* also catches nan */
            worst = rel;
            worst_i = i;
            worst_a = dx[i];
            worst_n = numeric;
        }
    }
    if (!(worst <= GRADCHECK_GOOD))
        task_diagnose("gradient check of %s: max relative error %.1e at [%d] (analytic %.8f, numeric %.8f); "
                      "a correct backward pass gives about 1e-10", fn_name, worst, worst_i, worst_a, worst_n);
}

/* ---- task 1: ReLU ----------------------------------------------------------- */

static void diagnose_relu_fwd(const double *y)
{
    double same[N], low[N], absolute[N];
    for (int i = 0; i < N; i++) {
        same[i] = xs[i];
        low[i] = fmin(0, xs[i]);
        absolute[i] = fabs(xs[i]);
    }
    if (all_equal(y, N, SENTINEL))
        task_diagnose("relu_fwd wrote nothing into y");
    else if (arrays_near(y, same, N, 1e-12))
        task_diagnose("y = x: the negative inputs must become 0");
    else if (arrays_near(y, low, N, 1e-12))
        task_diagnose("y = min(0, x): ReLU keeps the positive part, max(0, x)");
    else if (arrays_near(y, absolute, N, 1e-12))
        task_diagnose("y = |x|: negative inputs become 0, they are not flipped");
    else if (y[0] == SENTINEL && y[3] == xs[3])
        task_diagnose("the negative inputs left y untouched: write y[i] = 0 for them, y holds garbage on entry");
}

static void diagnose_relu_bwd(const double *dx)
{
    double mask[N], pass[N], output[N], inverted[N];
    for (int i = 0; i < N; i++) {
        mask[i] = xs[i] > 0;
        pass[i] = dys[i];
        output[i] = fmax(0, xs[i]) * dys[i];
        inverted[i] = xs[i] < 0 ? dys[i] : 0;
    }
    if (all_equal(dx, N, SENTINEL))
        task_diagnose("relu_bwd wrote nothing into dx");
    else if (arrays_near(dx, mask, N, 1e-12))
        task_diagnose("dx is the local derivative (1 or 0) alone: multiply it by the incoming gradient dy");
    else if (arrays_near(dx, pass, N, 1e-12))
        task_diagnose("dx = dy everywhere: where x <= 0 the unit is off and its gradient is 0");
    else if (arrays_near(dx, output, N, 1e-12))
        task_diagnose("dx = relu(x) * dy: the local derivative of ReLU is 1 (x > 0) or 0, not relu(x)");
    else if (arrays_near(dx, inverted, N, 1e-12))
        task_diagnose("dy passes where x < 0 and stops where x > 0: the mask is inverted");
}

static void task_relu(void)
{
    task_begin(1, "ReLU forward and backward",
               HINTS("ReLU lets positive numbers through and blocks the rest; backward, the "
                     "gradient flows only where the input was positive.",
                     "y = max(0, x); dL/dx = dL/dy * (1 if x > 0 else 0).",
                     "forward: x > 0 ? x : 0. Backward: dx[i] = x[i] > 0 ? dy[i] : 0 (the "
                     "local derivative times dy). One loop; y[i] = x[i] > 0 ? x[i] : 0. In "
                     "relu_bwd the local derivative is 1 or 0, so dx[i] is either dy[i] or 0."));
    double y[N], want[N], dx[N];
    fill(y, N, SENTINEL);
    CALL(relu_fwd(xs, y, N));
#ifdef EXERCISE_REFERENCE
    ref_apply(ref_relu, xs, want, N);
#endif
    STORED_VALUES("relu(x)", want, N);
    if (!task_expect_array("relu_fwd(x)", want, y, N, 1e-12))
        diagnose_relu_fwd(y);
    static const double intro_relu[4] = { -478, 494, 460, -477 }, relu_out[4] = { 0, 494, 460, 0 };
    double y4[4] = { SENTINEL, SENTINEL, SENTINEL, SENTINEL };
    CALL(relu_fwd(intro_relu, y4, 4));
    task_expect_array("relu_fwd of Intro to CNN's [[-478,494],[460,-477]]", relu_out, y4, 4, 1e-12);

    fill(dx, N, SENTINEL);
    CALL(relu_bwd(xs, dys, dx, N));
    double numeric[N];
#ifdef EXERCISE_REFERENCE
    for (int i = 0; i < N; i++)
        want[i] = xs[i] > 0 ? dys[i] : 0;
    ref_numeric_gradient(ref_relu, numeric);
#endif
    STORED_VALUES("dy where x > 0, else 0", want, N);
    int bwd_right = task_expect_array("relu_bwd(x, dy)", want, dx, N, 1e-12);
    if (!bwd_right)
        diagnose_relu_bwd(dx);
    check_numeric("relu_bwd", numeric, dx);

    double zero = 0, one = 1, d0 = SENTINEL;
    CALL(relu_bwd(&zero, &one, &d0, 1));
    if (!task_expect_near("relu_bwd at the kink x = 0 (dy = 1)", 0, d0, 0) && d0 == 1 && bwd_right)
        task_diagnose("at x = 0 you passed dy on (x >= 0): this exercise, like src/activation.c, takes 0 at the kink");
    task_end();
}

/* ---- task 2: sigmoid --------------------------------------------------------- */

static void task_sigmoid(void)
{
    task_begin(2, "sigmoid forward and backward (from the output y)",
               HINTS("The sigmoid squashes any number into (0, 1); its derivative is easiest "
                     "to write with the output it already produced.",
                     "y = 1 / (1 + e^-x); dy/dx = y (1 - y); dL/dx = dL/dy * y (1 - y).",
                     "forward: 1.0 / (1.0 + exp(-x)). Backward: dx[i] = dy[i] * y[i] * (1 - "
                     "y[i]). exp(-x[i]) from <math.h>. In sigmoid_bwd, y[i] already IS "
                     "sigmoid(x): do not apply the sigmoid again. Multiply by dy[i]."));
    double y[N], want[N], dx[N], flipped[N];
    fill(y, N, SENTINEL);
    CALL(sigmoid_fwd(xs, y, N));
#ifdef EXERCISE_REFERENCE
    ref_apply(ref_sigmoid, xs, want, N);
#endif
    STORED_VALUES("sigmoid(x)", want, N);
    for (int i = 0; i < N; i++)
        flipped[i] = 1 - want[i];
    if (!task_expect_array("sigmoid_fwd(x)", want, y, N, 1e-12)) {
        if (all_equal(y, N, SENTINEL))
            task_diagnose("sigmoid_fwd wrote nothing into y");
        else if (arrays_near(y, flipped, N, 1e-12))
            task_diagnose("you computed sigmoid(-x) = 1 - sigmoid(x): the exponent is -x, 1 / (1 + exp(-x))");
    }
    double big[2] = { -800, 800 }, big_y[2] = { SENTINEL, SENTINEL }, big_want[2] = { 0, 1 };
    CALL(sigmoid_fwd(big, big_y, 2));
    if (!task_expect_array("sigmoid_fwd(-800, 800)", big_want, big_y, 2, 1e-12) && isnan(big_y[1]))
        task_diagnose("sigmoid(800) is nan: e^x / (1 + e^x) is inf / inf there; 1 / (1 + e^-x) is 1 / (1 + 0)");

    double s[N], no_dy[N], twice[N], no_one_minus[N], numeric[N];
#ifdef EXERCISE_REFERENCE
    ref_apply(ref_sigmoid, xs, s, N);   /* the forward output y, given to the backward pass */
    for (int i = 0; i < N; i++) {
        want[i] = dys[i] * s[i] * (1 - s[i]);
        twice[i] = dys[i] * ref_sigmoid(s[i]) * (1 - ref_sigmoid(s[i]));
    }
    ref_numeric_gradient(ref_sigmoid, numeric);
#endif
    STORED_VALUES("y = sigmoid(x), given to sigmoid_bwd", s, N);
    STORED_VALUES("dy * y * (1 - y)", want, N);
    STORED_VALUES("dy * sigmoid(y) * (1 - sigmoid(y)): the sigmoid applied twice", twice, N);
    for (int i = 0; i < N; i++) {
        no_dy[i] = s[i] * (1 - s[i]);
        no_one_minus[i] = dys[i] * s[i];
    }
    fill(dx, N, SENTINEL);
    CALL(sigmoid_bwd(s, dys, dx, N));
    if (!task_expect_array("sigmoid_bwd(y, dy)", want, dx, N, 1e-12)) {
        if (all_equal(dx, N, SENTINEL))
            task_diagnose("sigmoid_bwd wrote nothing into dx");
        else if (arrays_near(dx, no_dy, N, 1e-12))
            task_diagnose("sigmoid_bwd returns s(1-s) without multiplying by the incoming gradient dy");
        else if (arrays_near(dx, twice, N, 1e-12))
            task_diagnose("you applied the sigmoid to y again: y is already sigmoid(x), so the local "
                          "derivative is y * (1 - y)");
        else if (arrays_near(dx, no_one_minus, N, 1e-12))
            task_diagnose("dx = dy * y: the factor (1 - y) is missing");
    }
    check_numeric("sigmoid_bwd", numeric, dx);
    task_end();
}

/* ---- task 3: tanh ------------------------------------------------------------ */

static void task_tanh(void)
{
    task_begin(3, "tanh forward and backward (from the output y)",
               HINTS("tanh squashes into (-1, 1), centred on 0; like the sigmoid, its "
                     "derivative is written with its output.",
                     "y = tanh(x); dy/dx = 1 - y^2; dL/dx = dL/dy * (1 - y^2).",
                     "forward: tanh(x) from <math.h>. Backward: dx[i] = dy[i] * (1 - y[i] * "
                     "y[i]). (e^x - e^-x) / (e^x + e^-x) overflows for large |x| (inf/inf is "
                     "nan); tanh() does not. In tanh_bwd, y[i] already IS tanh(x): the local "
                     "derivative is 1 - y[i] * y[i]."));
    double y[N], want[N], dx[N];
    fill(y, N, SENTINEL);
    CALL(tanh_fwd(xs, y, N));
#ifdef EXERCISE_REFERENCE
    ref_apply(ref_tanh, xs, want, N);
#endif
    STORED_VALUES("tanh(x)", want, N);
    if (!task_expect_array("tanh_fwd(x)", want, y, N, 1e-12) && all_equal(y, N, SENTINEL))
        task_diagnose("tanh_fwd wrote nothing into y");
    double big[2] = { -800, 800 }, big_y[2] = { SENTINEL, SENTINEL }, big_want[2] = { -1, 1 };
    CALL(tanh_fwd(big, big_y, 2));
    if (!task_expect_array("tanh_fwd(-800, 800)", big_want, big_y, 2, 1e-12) && (isnan(big_y[0]) || isnan(big_y[1])))
        task_diagnose("tanh(+-800) is nan: (e^x - e^-x) / (e^x + e^-x) is inf / inf there; use tanh()");

    double t[N], no_dy[N], as_if_x[N], no_square[N], sigmoid_like[N], numeric[N];
#ifdef EXERCISE_REFERENCE
    ref_apply(ref_tanh, xs, t, N);      /* the forward output y, given to the backward pass */
    for (int i = 0; i < N; i++) {
        want[i] = dys[i] * (1 - t[i] * t[i]);
        as_if_x[i] = dys[i] * (1 - ref_tanh(t[i]) * ref_tanh(t[i]));
    }
    ref_numeric_gradient(ref_tanh, numeric);
#endif
    STORED_VALUES("y = tanh(x), given to tanh_bwd", t, N);
    STORED_VALUES("dy * (1 - y^2)", want, N);
    STORED_VALUES("dy * (1 - tanh(y)^2): the formula for x used on y", as_if_x, N);
    for (int i = 0; i < N; i++) {
        no_dy[i] = 1 - t[i] * t[i];
        no_square[i] = dys[i] * (1 - t[i]);
        sigmoid_like[i] = dys[i] * t[i] * (1 - t[i]);
    }
    fill(dx, N, SENTINEL);
    CALL(tanh_bwd(t, dys, dx, N));
    if (!task_expect_array("tanh_bwd(y, dy)", want, dx, N, 1e-12)) {
        if (all_equal(dx, N, SENTINEL))
            task_diagnose("tanh_bwd wrote nothing into dx");
        else if (arrays_near(dx, no_dy, N, 1e-12))
            task_diagnose("tanh_bwd returns 1 - y^2 without multiplying by the incoming gradient dy");
        else if (arrays_near(dx, as_if_x, N, 1e-12))
            task_diagnose("dx = dy * (1 - tanh(y)^2): you used the formula for the input x on the output y; "
                          "y is already tanh(x), so tanh' = 1 - y^2");
        else if (arrays_near(dx, no_square, N, 1e-12))
            task_diagnose("dx = dy * (1 - y): the local derivative is 1 - y^2, y squared");
        else if (arrays_near(dx, sigmoid_like, N, 1e-12))
            task_diagnose("dx = dy * y * (1 - y) is the sigmoid's derivative; tanh's is 1 - y^2");
    }
    check_numeric("tanh_bwd", numeric, dx);
    task_end();
}

/* ---- task 4: the kink ---------------------------------------------------------- */

static void task_kink(void)
{
    task_begin(4, "central differences, and when they straddle ReLU's kink",
               HINTS("A central difference looks at both sides of x. If the two points lie on"
                     " different sides of a kink, it averages two different slopes.",
                     "slope = (f(x + h) - f(x - h)) / (2h); the points straddle ReLU's kink "
                     "at 0 when x - h < 0 < x + h.",
                     "central_slope = (f(x + h) - f(x - h)) / (2 * h); straddles_kink = x - h"
                     " < 0 && x + h > 0. Evaluate f on both sides, f(x + h) and f(x - h), and"
                     " divide the difference by the distance between the two points, 2h. For "
                     "straddles_kink, write the condition x - h < 0 < x + h with &&."));
    const double h = 1e-5;
    double c = CALL(central_slope(cube, 2, 1e-3));   /* exactly 3x^2 + h^2 = 12.000001 */
    if (!task_expect_near("central_slope(x^3, x = 2, h = 1e-3)", 12.000001, c, 1e-9)) {
        if (fabs(c - 12.006001) < 1e-6)
            task_diagnose("12.006001 is the forward difference (f(x + h) - f(x)) / h: use both sides, "
                          "(f(x + h) - f(x - h)) / 2h");
        else if (fabs(c - 11.994001) < 1e-6)
            task_diagnose("11.994001 is the backward difference (f(x) - f(x - h)) / h: use both sides");
        else if (fabs(c - 24.000002) < 1e-6)
            task_diagnose("twice the slope: the two points are 2h apart, divide by 2h, not h");
    }
    task_expect_near("central_slope(relu, 1, 1e-5)", 1, CALL(central_slope(relu_probe, 1, h)), 1e-9);
    task_expect_near("central_slope(relu, -1, 1e-5)", 0, CALL(central_slope(relu_probe, -1, h)), 1e-9);
    double at_kink = CALL(central_slope(relu_probe, 0, h));
    task_expect_near("central_slope(relu, 0, 1e-5): half of each side", 0.5, at_kink, 1e-9);
    task_expect_near("central_slope(relu, 0.5e-5, 1e-5) = (x + h)/2h", 0.75, CALL(central_slope(relu_probe, 0.5e-5, h)), 1e-9);

    static const struct { double x, h; int want; } cases[] = {
        { 0, 1e-5, 1 }, { 0.5e-5, 1e-5, 1 }, { -0.5e-5, 1e-5, 1 }, { 0.3, 0.5, 1 },
        { 1e-5, 1e-5, 0 }, { -1e-5, 1e-5, 0 }, { 3e-5, 1e-5, 0 }, { -2, 1e-5, 0 }, { 0.25, 1e-5, 0 },
    };
    int n = (int)(sizeof cases / sizeof cases[0]);
    int got[16], straddling_found = 0;
    for (int i = 0; i < n; i++) {
        char what[64];
        got[i] = CALL(straddles_kink(cases[i].x, cases[i].h));
        snprintf(what, sizeof what, "straddles_kink(%g, %g)", cases[i].x, cases[i].h);
        task_expect_int(what, cases[i].want, got[i]);
        straddling_found += cases[i].want && got[i] == 1;
    }
    /* cases[0] is x = 0, [1] x = +0.5e-5, [2] x = -0.5e-5, [4] and [5] x = +-h */
    if (straddling_found == 0)
        task_diagnose("straddles_kink says 0 for every input, even x = 0, where the probes are -h and +h");
    else if (got[0] == 1 && got[1] != 1)
        task_diagnose("x = 0.5e-5 is within h of 0 as well: the test is x - h < 0 < x + h, not x == 0");
    else if (got[1] == 1 && got[2] != 1)
        task_diagnose("x = -0.5e-5 straddles too: its upper probe x + h is above 0. The condition is "
                      "x - h < 0 < x + h, i.e. |x| < h");
    if (got[4] == 1 || got[5] == 1)
        task_diagnose("at x = +-h one probe lands exactly on 0, where relu is continuous: the slope "
                      "(relu(2h) - relu(0)) / 2h = 1 is exact. Use strict <, not <=");
    task_end();
}

int main(int argc, char **argv)
{
    static const exercise_task tasks[] = { task_relu, task_sigmoid, task_tanh, task_kink };
    return exercise_main(argc, argv, "exercise 04 (activations)", tasks, (int)(sizeof tasks / sizeof tasks[0]));
}
