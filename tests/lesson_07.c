/* tests/lesson_07.c: lesson 07 prints Intro to CNN's dense layer and its whole
 * small network, every chain-rule factor, and gradient checks in the good band. */
#include <string.h>

#include "harness.h"

static program_result run;

static void test_lesson_runs(void)
{
    CHECK_INT(run.exit_code, 0);
    CHECK_CONTAINS(run.out, "Lesson 07");
}

static void test_flatten_and_dense_forward(void)
{
    CHECK_ROW(run.out, "X = (x1, x2, x3, x4) =", 0, 1, 2, -1, 0.5);
    CHECK_CONTAINS(run.out, "z1 = w11*x1 + w21*x2 + w31*x3 + w41*x4 + b1");      /* the formula, W's indices */
    CHECK_NUMBER(run.out, "= 0.1*1 + 0.3*2 + (-0.5)*(-1) + 0.2*0.5 + 0.1*1 =", 1.4, 0);
    CHECK_ROW(text_from(run.out, "\ndense_forward"), "Z =", 0, 1.4, -0.25);
    CHECK_NUMBER(run.out, "dense_forward and the hand computation agree (largest difference below", 1e-12, 0);
}

/* The source's slips: the erratum is the sentence. */
static void test_seed_slips_are_named(void)
{
    CHECK_CONTAINS(run.out, "Intro to CNN labels it Z_{2x2}: a typo");
    CHECK_CONTAINS(run.out, "first row of W^T is w11 w21 w31 w41");
    CHECK_CONTAINS(run.out, "\"Z_2 = W_T . A_1 + b\": W_T is W^T");
    CHECK_CONTAINS(run.out, "\"Differentiating Z with respect to X will simply give us X\": it means");
}

static void test_dense_backward(void)
{
    CHECK_NUMBER(run.out, "dW[2][1] = x3 * dz2 = (-1)*(-0.5) =", 0.5, 0);
    CHECK_NUMBER(run.out, "dX[0]    = w11*dz1 + w12*dz2 = 0.1*1 + (-0.2)*(-0.5) =", 0.2, 0);
    CHECK_ROW(run.out, "dense_backward: dL/dX =", 0, 0.2, 0.1, -0.8, 0.25);
    CHECK_NEAR(number_after(run.out, "  dL/dW  (4x2)  max rel error"), 0, 1e-7);
    CHECK_NEAR(number_after(run.out, "  dL/dX  (4)  max rel error"), 0, 1e-7);
}

static void test_network_forward(void)
{
    CHECK_NUMBER(run.out, "Z1[0][0] = 1*0.5 + 0*(-0.5) + 0*0.25 + 1*0.1 =", 0.6, 0);
    CHECK_ROW(run.out, "flatten: A1 =", 0, 0.645656, 0.342990, 0.524979, 0.562177);
    CHECK_NUMBER(run.out, "O = sigmoid(Z2) =", 0.621911, 0);
    CHECK_ROW(run.out, "E = (y' - O)^2 / 2 =", 0, 1, 0.621911, 2, 2, 0.071476);
}

/* The source's six factors, in its order, then each product. */
static void test_chain_rule_in_seed_order(void)
{
    const char *s1 = strstr(run.out, "1. dE/dO  = -(y' - O)");
    const char *s2 = strstr(run.out, "2. dO/dZ2 = O(1 - O)");
    const char *s3 = strstr(run.out, "3. dZ2/dW = A1");
    const char *s4 = strstr(run.out, "4. dZ2/dA1 = W^T");
    const char *s5 = strstr(run.out, "5. dA1/dZ1 = A1(1 - A1)");
    const char *s6 = strstr(run.out, "6. dZ1/df = X");
    CHECK(s1 && s2 && s3 && s4 && s5 && s6);
    CHECK(s1 < s2 && s2 < s3 && s3 < s4 && s4 < s5 && s5 < s6);
    CHECK_ROW(run.out, "1. dE/dO  = -(y' - O) =", 0, 1, 0.621911, -0.378089);
    CHECK_ROW(run.out, "2. dO/dZ2 = O(1 - O) =", 0, 0.621911, 0.378089, 0.235138);
    CHECK_ROW(run.out, "dE/dZ2 = dE/dO * dO/dZ2 =", 0, -0.378089, 0.235138, -0.088903);
    CHECK_ROW(run.out, "(4x1, the shape of W) =", 0, -0.057401, -0.030493, -0.046672, -0.049979);
    CHECK_NUMBER(run.out, "dE/db = dE/dZ2 * 1 =", -0.088903, 0);
    CHECK_ROW(run.out, "dE/dA1 = W * dE/dZ2 =", 0, -0.035561, 0.026671, -0.017781, -0.053342);
    CHECK_ROW(run.out, "dE/df[0][0] =", 0, 1, -0.008136, 0, 0.006010, 0, -0.004434, 1, -0.013129, -0.021265);
    CHECK_ROW(run.out, "dE/df[1][1] =", 0, 1, -0.008136, 1, 0.006010, 1, -0.004434, 0, -0.013129, -0.006560);
}

static void test_gradient_checks_are_good(void)
{
    CHECK_NUMBER(run.out, "dE/df from the library and by hand agree (largest difference below", 1e-12, 0);
    CHECK_NUMBER(run.out, "dE/dW from the library and by hand agree (largest difference below", 1e-12, 0);
    CHECK_NEAR(number_after(run.out, "  dE/df  (2x2)  max rel error"), 0, 1e-7);
    CHECK_NEAR(number_after(run.out, "  dE/dW  (4x1)  max rel error"), 0, 1e-7);
    CHECK_NEAR(number_after(run.out, "  dE/db  (1)  max rel error"), 0, 1e-7);
    CHECK_INT(gradcheck_lines_all_good(run.out), 6);
}

static void test_gradient_descent_lowers_e(void)
{
    CHECK_ROW(run.out, "E before:", 0, 0.071476, 0.621911);
    CHECK_ROW(run.out, "E after:", 0, 0.055265, 0.667538);
    CHECK_ROW(run.out, "new W =", 0, 0.457401, -0.269507, 0.246672, 0.649979);
    CHECK_ROW(run.out, "\n    50 ", 0, 0.001910, 0.938193);
}

static void test_unknown_flag_is_rejected(void)
{
    CHECK_REJECTS_UNKNOWN_FLAG("07_dense");
}

int main(void)
{
    run = run_lesson("07_dense", "");
    RUN_TEST(test_lesson_runs);
    RUN_TEST(test_flatten_and_dense_forward);
    RUN_TEST(test_seed_slips_are_named);
    RUN_TEST(test_dense_backward);
    RUN_TEST(test_network_forward);
    RUN_TEST(test_chain_rule_in_seed_order);
    RUN_TEST(test_gradient_checks_are_good);
    RUN_TEST(test_gradient_descent_lowers_e);
    RUN_TEST(test_unknown_flag_is_rejected);
    program_result_free(&run);
    return harness_finish();
}
