/* tests/lesson_08.c: lesson 08 prints Doshi's softmax and cross-entropy,
 * the overflow of the naive formula, the gradient p - y checked in the good
 * band, the loss at initialisation and Doshi's test loss. */
#include <math.h>

#include "harness.h"

static program_result run;

static void test_lesson_runs(void)
{
    CHECK_INT(run.exit_code, 0);
    CHECK_CONTAINS(run.out, "Lesson 08");
}

static void test_softmax_like_the_seed(void)
{
    CHECK_ROW(run.out, "softmax(x) =", 1e-6, 0.200488, 0.000183, 0.099559, 0.699770);
    CHECK_NUMBER(run.out, "sum of softmax(x) =", 1, 1e-6);
    CHECK_CONTAINS(run.out, "Rounded to one decimal that is (0.2, 0.0, 0.1, 0.7)");   /* Doshi's example */
}

/* n numbers after label: the first `nans` of them NaN, the rest `then`. */
static void check_nans_then(const char *label, int nans, const double *then, int n)
{
    double v[16];
    CHECK_INT(numbers_after(run.out, label, v, n), n);
    for (int i = 0; i < nans; i++)
        CHECK(isnan(v[i]));
    for (int i = nans; i < n; i++)
        CHECK_NEAR(v[i], then[i - nans], 1e-6);
}

static void test_naive_overflows_stable_does_not(void)
{
    static const double p[] = { 0.090031, 0.244728, 0.665241, 0.090031, 0.244728, 0.665241 };
    check_nans_then("logits [100, 101, 102]:", 3, p, 9);           /* float nan, double and stable fine */
    check_nans_then("logits [1000, 1001, 1002]:", 6, p, 9);        /* float and double nan, stable fine */
    static const double reversed[] = { 0.665241, 0.244728, 0.090031 };
    check_nans_then("logits [-1000, -1001, -1002]:", 6, reversed, 9);   /* 0/0 underflowed */
    CHECK_ROW(run.out, "e^{x - m}    =", 0, 0.135335, 0.367879, 1);
    CHECK_NUMBER(run.out, "  sum         =", 1.503215, 0);
}

static void test_one_hot_and_cross_entropy(void)
{
    CHECK_ROW(run.out, "y (one-hot) =", 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0);
    CHECK_ROW(run.out, "L = -ln p_label =", 0, 0.438531, 0.438531);
}

/* The source's p log q with the roles swapped: the quote is the erratum, the sum is inf. */
static void test_swapped_formula_gives_inf(void)
{
    CHECK_CONTAINS(run.out, "\"p(x): output of final layer\"");
    double sums[2];                        /* -sum y ln p, and the source's -sum p ln y */
    CHECK_INT(numbers_after(run.out, "  sum:", sums, 2), 2);
    CHECK_NEAR(sums[0], 0.438531, 0);
    CHECK(isinf(sums[1]));
    CHECK_NUMBER(run.out, "softmax_cross_entropy from the logits:", 800, 0);
}

static void test_gradient_is_p_minus_y(void)
{
    CHECK_ROW(run.out, "J^T dL/dp =", 0, 0.200488, 0.000183, 0.099559, -0.300230);
    CHECK_ROW(run.out, "p - y     =", 0, 0.200488, 0.000183, 0.099559, -0.300230);
    CHECK_NEAR(number_after(run.out, "  J^T R  (4)  max rel error"), 0, 1e-7);
    CHECK_NEAR(number_after(run.out, "  p - y  (10)  max rel error"), 0, 1e-7);
    CHECK_INT(gradcheck_lines_all_good(run.out), 3);
}

static void test_initial_loss_is_ln_10(void)
{
    CHECK_NUMBER(run.out, "ln 10 =", 2.302585, 0);
    CHECK_ROW(run.out, "            0.01 ", 0, 2.302873, 0.000288);
}

/* Doshi's reported numbers, read back: float32 in full, 65 mistakes, their share of the loss. */
static void test_seed_result(void)
{
    CHECK_ROW(run.out, "Doshi reports:  Test loss:", 0, 0.020970428362488747, 0.9934999942779541);
    CHECK_NUMBER(run.out, "(double)(float)0.9935 =", 0.9934999942779541, 0);
    CHECK_ROW(run.out, "Accuracy:", 0, 9935, 10000, 65);
    CHECK_NUMBER(run.out, "e^{-0.020970} =", 0.979248, 0);
    CHECK_NUMBER(run.out, "mistakes alone add at least", 0.004505, 0);
}

static void test_unknown_flag_is_rejected(void)
{
    CHECK_REJECTS_UNKNOWN_FLAG("08_softmax");
}

int main(void)
{
    run = run_lesson("08_softmax", "");
    RUN_TEST(test_lesson_runs);
    RUN_TEST(test_softmax_like_the_seed);
    RUN_TEST(test_naive_overflows_stable_does_not);
    RUN_TEST(test_one_hot_and_cross_entropy);
    RUN_TEST(test_swapped_formula_gives_inf);
    RUN_TEST(test_gradient_is_p_minus_y);
    RUN_TEST(test_initial_loss_is_ln_10);
    RUN_TEST(test_seed_result);
    RUN_TEST(test_unknown_flag_is_rejected);
    program_result_free(&run);
    return harness_finish();
}
