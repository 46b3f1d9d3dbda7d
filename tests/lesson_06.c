/* tests/lesson_06.c: lesson 06 prints Doshi's backward pass by hand, the
 * library agrees, every gradient check is in the "good" band, stride is
 * dilation, and the unrotated filter is caught as "wrong". */
#include <stdio.h>

#include "harness.h"

static program_result run;

static void test_lesson_runs(void)
{
    CHECK_INT(run.exit_code, 0);
    CHECK_CONTAINS(run.out, "Lesson 06");
}

/* The number after "max rel error" on the gradient-check line that starts with name. */
static double rel_error(const char *name)
{
    char label[64];
    snprintf(label, sizeof label, "%s  max rel error", name);
    return number_after(run.out, label);
}

static void test_forward(void)
{
    CHECK_ROW(run.out, "O11 =", 0, 5, 1, 2, 2, 3, -1, 1, 0, 6);
    CHECK_ROW(run.out, "O22 =", 0, 1, 1, 2, 2, 0, -1, 4, 0, 5);
}

static void test_dfilter_by_hand(void)
{
    CHECK_NUMBER(run.out, "dL/dF11 = 5*2 + 2*1 + 3*(-1) + 1*3 =", 12, 0);
    CHECK_NUMBER(run.out, "dL/dF22 = 1*2 + 2*1 + 0*(-1) + 4*3 =", 16, 0);
    CHECK_ROW(run.out, "dL/dF (2x2):", 0, 12, 11, -2, 16);
}

static void test_dinput_by_hand(void)
{
    CHECK_ROW(run.out, "dL/dX11 = F11 * dL/dO11 =", 0, 1, 2, 2);
    CHECK_ROW(run.out, "F rotated by 180 degrees, [[F22, F21], [F12, F11]]:", 0, 0, -1, 2, 1);
    CHECK_ROW(run.out, "dL/dX22 = 2*0", 0, 1, -1, -1, 2, 3, 1, 0);
    CHECK_ROW(run.out, "dL/dX (3x3):", 0, 2, 5, 2, -3, 0, 6, 1, -3, 0);
    CHECK_NUMBER(run.out, "\ndL/dX11 =", 2, 0);                /* "= F11 * dL/dO11, as Doshi says" */
}

static void test_dbias_and_names(void)
{
    CHECK_ROW(run.out, "  dL/db =", 0, 2, 1, -1, 3, 5);
    CHECK_CONTAINS(run.out, "dL/dX         dL/dX                   dA         dX");   /* the sources' names */
}

static void test_library_and_gradient_checks(void)
{
    CHECK_ROW(run.out, "largest difference from the hand computation: dF", 0, 0, 0, 0);
    CHECK_NEAR(rel_error("dF     (2x2)"), 0, 1e-7);
    CHECK_NEAR(rel_error("dX     (3x3)"), 0, 1e-7);
    CHECK_NEAR(rel_error("db     (1)"), 0, 1e-7);
    CHECK_ROW(run.out, "each side (7 - 3 + 2*1)/2 + 1 =", 0, 4, 3, 4, 4);
    CHECK_NEAR(rel_error("dW     (3x2x3x3)"), 0, 1e-7);
    CHECK_NEAR(rel_error("dX     (2x7x7)"), 0, 1e-7);
    CHECK_NEAR(rel_error("db     (3)"), 0, 1e-7);
}

static void test_stride_is_dilation(void)
{
    CHECK_ROW(run.out, "dilated dL/dO (3x3):", 0, 1, 0, 2, 0, 0, 0, 3, 0, 4);
    CHECK_ROW(run.out, "conv2d_backward: dX (5x5)", 0, 1, 0, 1, 0, -2, 2, 1, 4, 2, 0, 3, -1, 2, -2, -2, 6, 3, 8, 4, 0,
              0, -3, 3, -4, 4);
    CHECK_NUMBER(run.out, "largest difference:", 0, 0);
    CHECK_NEAR(rel_error("dX     (5x5)"), 0, 1e-7);
    CHECK_NUMBER(run.out, "largest difference from conv2d_backward's dX: below", 1e-12, 0);
}

static void test_unrotated_filter_is_caught(void)
{
    CHECK(rel_error("dX_bad (3x3)") > 1e-4);     /* the "wrong" band */
    CHECK(rel_error("dX_bad (2x7x7)") > 1e-4);
}

static void test_unknown_flag_is_rejected(void)
{
    CHECK_REJECTS_UNKNOWN_FLAG("06_conv_backward");
}

int main(void)
{
    run = run_lesson("06_conv_backward", "");
    RUN_TEST(test_lesson_runs);
    RUN_TEST(test_forward);
    RUN_TEST(test_dfilter_by_hand);
    RUN_TEST(test_dinput_by_hand);
    RUN_TEST(test_dbias_and_names);
    RUN_TEST(test_library_and_gradient_checks);
    RUN_TEST(test_stride_is_dilation);
    RUN_TEST(test_unrotated_filter_is_caught);
    RUN_TEST(test_unknown_flag_is_rejected);
    program_result_free(&run);
    return harness_finish();
}
