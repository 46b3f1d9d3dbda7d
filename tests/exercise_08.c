/* tests/exercise_08.c: the checks for exercise 08 (softmax and cross-entropy).
 * Built against solutions/08_softmax.c by `make test` and against
 * exercises/08_softmax.c by `make check EX=08`.
 *
 * The gradient of task 4 is also compared with central differences of the
 * loss -ln softmax(z)_label, computed here in plain double (not by your code). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "08_softmax.h"
#include "exercise.h"
#include "gradcheck.h"

#define TOL 1e-12
#define STEP 1e-5

/* The lesson's examples (lessons/08_softmax.c, steps 1 and 4). */
static const double logits4[4] = { 1, -6, 0.3, 2.25 };
static const double logits10[10] = { 1.2, -0.8, 0.3, 3.1, -1.5, 0.6, -0.2, 0.9, 0.1, -0.4 };

/* ------------------------------------------------------------------ reference code
 * (the EXERCISE_REFERENCE blocks: the instructor's copy only; make expected
 * stores what they compute in tests/expected/exercise_08.txt, the handout
 * reads it there: exercise.h, STORED_VALUES) */
#ifdef EXERCISE_REFERENCE
static double max_of(const double *z, int n)
{
    double m = z[0];
    for (int i = 1; i < n; i++)
        m = z[i] > m ? z[i] : m;
    return m;
}

static void ref_softmax(const double *z, double *p, int n)
{
    double m = max_of(z, n), sum = 0;
    for (int i = 0; i < n; i++)
        sum += p[i] = exp(z[i] - m);
    for (int i = 0; i < n; i++)
        p[i] /= sum;
}

/* L = -ln softmax(z)_label = ln sum_k e^{z_k} - z_label, stably. */
static double ref_loss(const double *z, int label, int n)
{
    double m = max_of(z, n), sum = 0;
    for (int i = 0; i < n; i++)
        sum += exp(z[i] - m);
    return m + log(sum) - z[label];
}

/* Central differences of ref_loss at z (n), into numeric (n). */
static void ref_central_differences(const double *z_in, int label, int n, double *numeric)
{
    double z[10];
    memcpy(z, z_in, (size_t)n * sizeof *z);
    for (int i = 0; i < n; i++) {
        double saved = z[i];
        z[i] = saved + STEP;
        double plus = ref_loss(z, label, n);
        z[i] = saved - STEP;
        double minus = ref_loss(z, label, n);
        z[i] = saved;
        numeric[i] = (plus - minus) / (2 * STEP);
    }
}
#endif

static int any_not_finite(const double *v, int n)
{
    for (int i = 0; i < n; i++)
        if (!isfinite(v[i]))
            return 1;
    return 0;
}

static double sum_of(const double *v, int n)
{
    double s = 0;
    for (int i = 0; i < n; i++)
        s += v[i];
    return s;
}

/* ------------------------------------------------------------------ task 1 */

/* Run softmax_stable on z (n <= 10) and compare with the reference. */
static int check_softmax(const char *what, const double *z, int n, double *p)
{
    double expected[10], *out = task_array("p", n, 0, GUARD_VALUE);   /* exactly n: an overrun is named */
    CALL(softmax_stable(z, out, n));
    task_check_guards();
    memcpy(p, out, sizeof(double) * (size_t)n);
#ifdef EXERCISE_REFERENCE
    ref_softmax(z, expected, n);
#endif
    STORED_VALUES(what, expected, n);
    return task_expect_array(what, expected, p, n, TOL);
}

static void task_softmax(void)
{
    task_begin(1, "the stable softmax",
               HINTS("Softmax turns scores into probabilities: exponentiate, then divide by "
                     "the total. Subtracting the largest score first changes nothing but "
                     "keeps e^z from overflowing.",
                     "p_i = e^{z_i - m} / sum_k e^{z_k - m}, with m = max_k z_k.",
                     "m = the largest z; p[i] = exp(z[i] - m); then divide each p[i] by the "
                     "sum of them all. Three loops: find the largest z; fill p[i] = exp(z[i] "
                     "- max) while adding them up; divide every p[i] by the sum."));
    double p[10];
    int small_ok = check_softmax("softmax(1, -6, 0.3, 2.25) (lesson 08, step 1)", logits4, 4, p);
    double total = sum_of(p, 4);
    if (!small_ok && total != 0 && fabs(total - 1) > 1e-9 && !any_not_finite(p, 4))
        task_diagnose("the outputs add up to %g, not 1: divide each e^{z_i - m} by their sum", total);
    else if (!small_ok && fabs(p[3] - 0.699770) < 1e-6)
        task_diagnose("right to 6 digits but not to 12: compute in double with exp(), not expf() or float");

    static const double big[3] = { 1000, 1001, 1002 }, tiny[3] = { -1000, -1001, -1002 };
    static const double spread[3] = { -800, 0, 800 };
    int big_ok = check_softmax("softmax(1000, 1001, 1002)", big, 3, p);
    int big_nan = any_not_finite(p, 3);
    if (big_nan)
        task_diagnose("NaN for large inputs: e^1000 = inf and inf / inf = NaN; "
                      "subtract the max before exponentiating");
    check_softmax("softmax(-1000, -1001, -1002)", tiny, 3, p);
    if (any_not_finite(p, 3) && !big_nan)
        task_diagnose("NaN for very negative inputs: every e^z rounds to 0 and 0 / 0 = NaN; "
                      "after subtracting the max the largest term is e^0 = 1");
    check_softmax("softmax(-800, 0, 800)", spread, 3, p);
    if (any_not_finite(p, 3) && big_ok)
        task_diagnose("NaN for (-800, 0, 800) but not for (1000, 1001, 1002): subtracting the minimum "
                      "or the mean still leaves e^800 = inf; subtract the maximum");
    static const double one[1] = { 42 };
    check_softmax("softmax of a single logit (42)", one, 1, p);
    task_end();
}

/* ------------------------------------------------------------------ task 2 */

static void task_one_hot(void)
{
    task_begin(2, "one-hot labels",
               HINTS("A label becomes a vector with a 1 at the right class and 0 everywhere "
                     "else.",
                     "y_i = 1 if i == label, else 0, for every i.",
                     "a loop over all n entries: y[i] = (i == label) ? 1 : 0. Set every "
                     "entry, not just the 1: y may hold anything when you get it."));
    double y[10], expected[10] = { 0, 0, 0, 1, 0, 0, 0, 0, 0, 0 };
    for (int i = 0; i < 10; i++)
        y[i] = 7;   /* whatever was there before */
    CALL(one_hot_label(3, y, 10));
    if (y[0] == 7 && y[3] == 1)
        task_diagnose("y[3] = 1 but the other entries still hold what was there before (7): set them to 0");
    else if (y[4] == 1 && y[3] != 1)
        task_diagnose("the 1 is at index 4 for label 3: off by one (indices start at 0, so digit 3 is y[3])");
    else if (y[2] == 1 && y[3] != 1)
        task_diagnose("the 1 is at index 2 for label 3: off by one (indices start at 0, so digit 3 is y[3])");
    task_expect_array("one_hot_label(3) over 10 classes (Bayya's digit vector)", expected, y, 10, 0);
    double first[3] = { 7, 7, 7 }, first_expected[3] = { 1, 0, 0 };
    CALL(one_hot_label(0, first, 3));
    task_expect_array("one_hot_label(0) over 3 classes", first_expected, first, 3, 0);
    double last[10], last_expected[10] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
    for (int i = 0; i < 10; i++)
        last[i] = 7;
    CALL(one_hot_label(9, last, 10));
    task_expect_array("one_hot_label(9) over 10 classes", last_expected, last, 10, 0);
    task_end();
}

/* ------------------------------------------------------------------ task 3 */

static void diagnose_loss(const double *p, const double *y, int n, double got, double right)
{
    double swapped = 0, unweighted = 0;
    for (int i = 0; i < n; i++) {
        swapped -= p[i] * log(y[i]);        /* the source's order: ln of the label */
        unweighted -= log(p[i]);
    }
    if (fabs(got - right) <= TOL)
        return;
    if (fabs(got + right) <= TOL)
        task_diagnose("the loss is negative: the minus sign is missing (ln p <= 0, so -y ln p >= 0)");
    else if (isinf(got) && isinf(swapped))
        task_diagnose("inf: you returned ln of the label (the source's swapped formula -sum p ln y); "
                      "ln 0 = -inf. The label weighs the log of the prediction: -sum y_i ln p_i");
    else if (isnan(got))
        task_diagnose("NaN: a term 0 * ln 0 (y_i = 0 where p_i = 0); skip the terms with y_i = 0");
    else if (fabs(got - right / log(10.0)) <= TOL)
        task_diagnose("log base 10: use log(), the natural logarithm");
    else if (fabs(got - unweighted) <= TOL)
        task_diagnose("you added -ln p_i over every class: weigh each term by y_i");
}

static void task_cross_entropy(void)
{
    task_begin(3, "the cross-entropy -sum_i y_i ln p_i",
               HINTS("Cross-entropy measures how surprised the prediction is by the truth: "
                     "the label weighs the log of the prediction, not the other way round.",
                     "L = -sum_i y_i ln p_i (= -ln p_label for a one-hot y); skip terms with "
                     "y_i = 0.",
                     "loss -= y[i] * log(p[i]) for each i with y[i] != 0; with a one-hot y "
                     "that is -ln p[label]. loss -= y[i] * log(p[i]) for every i with y[i] !="
                     " 0. log() is the natural logarithm; the minus sign makes the loss >= 0."));
    double p10[10], y10[10] = { 0, 0, 0, 1, 0, 0, 0, 0, 0, 0 };
#ifdef EXERCISE_REFERENCE
    ref_softmax(logits10, p10, 10);
#endif
    STORED_VALUES("softmax of the lesson's 10 logits", p10, 10);
    double got = CALL(cross_entropy_loss(p10, y10, 10)), right = -log(p10[3]);
    diagnose_loss(p10, y10, 10, got, right);
    task_expect_near("the lesson's 10-class example, label 3 (-ln 0.644983)", right, got, TOL);
    int first_right = fabs(got - right) <= TOL;   /* if not, its diagnosis is the one to read */

    static const double doshi_p[4] = { 0.2, 0, 0.1, 0.7 };   /* Doshi's example output */
    static const double doshi_y[4] = { 0, 0, 0, 1 };
    got = CALL(cross_entropy_loss(doshi_p, doshi_y, 4));
    if (first_right)
        diagnose_loss(doshi_p, doshi_y, 4, got, -log(0.7));
    task_expect_near("p = (0.2, 0, 0.1, 0.7), label 3 (-ln 0.7)", -log(0.7), got, TOL);

    static const double soft_y[4] = { 0.25, 0, 0, 0.75 };  /* a target that is not one-hot */
    right = -(0.25 * log(0.2) + 0.75 * log(0.7));
    got = CALL(cross_entropy_loss(doshi_p, soft_y, 4));
    if (first_right && fabs(got + log(0.7)) <= TOL)
        task_diagnose("with the target (0.25, 0, 0, 0.75) you returned -ln p_3: every y_i > 0 counts, "
                      "weighted by y_i");
    else if (first_right)
        diagnose_loss(doshi_p, soft_y, 4, got, right);
    task_expect_near("p = (0.2, 0, 0.1, 0.7), target (0.25, 0, 0, 0.75)", right, got, TOL);
    task_end();
}

/* ------------------------------------------------------------------ task 4 */

/* p = softmax(z) (n), stored: what names z. */
static void the_softmax(const char *what, const double *z, int n, double *p)
{
#ifdef EXERCISE_REFERENCE
    ref_softmax(z, p, n);
#else
    (void)z;
#endif
    STORED_VALUES(what, p, n);
}

static void diagnose_gradient(const char *what, const double *z, int label, int n, const double *dz)
{
    double p[10], p_minus_y[10], y_minus_p[10], off_by_one[10], dl_dp[10], only_label[10];
    the_softmax(what, z, n, p);
    for (int i = 0; i < n; i++) {
        double y = i == label ? 1 : 0;
        p_minus_y[i] = p[i] - y;
        y_minus_p[i] = y - p[i];
        off_by_one[i] = p[i] - (i == label + 1 ? 1 : 0);
        dl_dp[i] = -y / p[i];
        only_label[i] = i == label ? p[i] - 1 : 0;
    }
    if (arrays_near(dz, p_minus_y, n, TOL))
        return;
    if (any_not_finite(dz, n))
        task_diagnose("NaN or inf in dz: compute p with your stable softmax (task 1), then subtract 1 at the label");
    else if (arrays_near(dz, p, n, TOL))
        task_diagnose("the gradient is p, not p - y: the one-hot label is missing (subtract 1 at the label)");
    else if (arrays_near(dz, y_minus_p, n, TOL))
        task_diagnose("the sign is flipped: dL/dz = p - y, the prediction minus the truth");
    else if (arrays_near(dz, off_by_one, n, TOL))
        task_diagnose("the 1 is subtracted at label + 1: off by one");
    else if (arrays_near(dz, dl_dp, n, TOL))
        task_diagnose("that is dL/dp = -y/p, the gradient with respect to the probabilities; "
                      "through the softmax Jacobian it becomes p - y");
    else if (arrays_near(dz, only_label, n, TOL))
        task_diagnose("only the label's entry is set: every class gets p_i - y_i, the wrong classes p_i");
}

/* Compare dz with central differences of L = -ln softmax(z)_label. */
static void expect_numeric_gradient(const char *what, const double *z, int label, int n, const double *dz)
{
    double numeric[10], worst_error = 0;
    int worst = 0;
#ifdef EXERCISE_REFERENCE
    ref_central_differences(z, label, n, numeric);
#else
    (void)z;
    (void)label;
#endif
    char label_what[160];
    snprintf(label_what, sizeof label_what, "central differences for %s", what);
    STORED_VALUES(label_what, numeric, n);
    for (int i = 0; i < n; i++) {
        double e = isfinite(dz[i]) ? relative_error(dz[i], numeric[i]) : INFINITY;
        if (e > worst_error) {
            worst_error = e;
            worst = i;
        }
    }
    int written = 0;
    for (int i = 0; i < n; i++)
        written = written || dz[i] != 0;
    if (written && worst_error > GRADCHECK_GOOD) {
        if (task_diagnoses() == 0)
            task_diagnose("central differences disagree with your dz for %s: relative error %.1e at [%d] "
                          "(yours %.8g, numeric %.8g); it should be around 1e-9",
                          what, worst_error, worst, dz[worst], numeric[worst]);
        else
            task_fail();   /* the likely bug already named explains the mismatch */
    }
}

static void check_gradient(const char *what, const double *z, int label, int n)
{
    double *dz = task_array("dz", n, 0, GUARD_VALUE), expected[10];
    CALL(softmax_ce_logit_grad(z, label, dz, n));
    diagnose_gradient(what, z, label, n, dz);
    the_softmax(what, z, n, expected);
    expected[label] -= 1;
    char label_what[128];
    snprintf(label_what, sizeof label_what, "dz for %s", what);
    task_expect_array(label_what, expected, dz, n, TOL);
    expect_numeric_gradient(what, z, label, n, dz);
}

static void task_gradient(void)
{
    task_begin(4, "the gradient of the loss with respect to the logits",
               HINTS("Differentiate softmax and cross-entropy together, as one function of "
                     "the logits: the chain rule through both collapses to something simple.",
                     "dL/dz = p - y: softmax(z), then subtract 1 at the label.",
                     "softmax_stable(z, dz, n) puts p in dz; then dz[label] -= 1. No Jacobian"
                     " needed: it multiplied out to p - y (lesson 08, step 7). Write "
                     "softmax_stable(z, dz, n) into dz, then subtract 1 at the label."));
    check_gradient("the logits (1, -6, 0.3, 2.25), label 3", logits4, 3, 4);
    check_gradient("the lesson's 10 logits, label 3", logits10, 3, 10);
    static const double big[3] = { 1000, 1001, 1002 };
    check_gradient("the logits (1000, 1001, 1002), label 0", big, 0, 3);
    task_end();
}

int main(int argc, char **argv)
{
    static const exercise_task tasks[] = { task_softmax, task_one_hot, task_cross_entropy, task_gradient };
    return exercise_main(argc, argv, "exercise 08 (softmax and cross-entropy)", tasks, (int)(sizeof tasks / sizeof tasks[0]));
}
