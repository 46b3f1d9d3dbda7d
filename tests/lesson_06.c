/* tests/lesson_06.c: lesson 06 prints Doshi's backward pass by hand, the
 * library agrees, every gradient check is in the "good" band, stride is
 * dilation, and the unrotated filter is caught as "wrong". */
#include "harness.h"

static program_result run;

static void test_lesson_runs(void)
{
    CHECK_INT(run.exit_code, 0);
    CHECK_CONTAINS(run.out, "Lesson 06");
}

static void test_forward(void)
{
    CHECK_CONTAINS(run.out, "O11 = 5*1 + 2*2 + 3*(-1) + 1*0 = 6");
    CHECK_CONTAINS(run.out, "O22 = 1*1 + 2*2 + 0*(-1) + 4*0 = 5");
}

static void test_dfilter_by_hand(void)
{
    CHECK_CONTAINS(run.out, "dL/dF11 = 5*2 + 2*1 + 3*(-1) + 1*3 = 12");
    CHECK_CONTAINS(run.out, "dL/dF22 = 1*2 + 2*1 + 0*(-1) + 4*3 = 16");
    CHECK_CONTAINS(run.out, "dL/dF (2x2):\n  [ 12  11 ]\n  [ -2  16 ]");
}

static void test_dinput_by_hand(void)
{
    CHECK_CONTAINS(run.out, "dL/dX11 = F11 * dL/dO11 = 1 * 2 = 2");
    CHECK_CONTAINS(run.out, "F rotated by 180 degrees, [[F22, F21], [F12, F11]]:\n  [  0  -1 ]\n  [  2   1 ]");
    CHECK_CONTAINS(run.out, "dL/dX22 = 2*0 + 1*(-1) + (-1)*2 + 3*1 = 0");
    CHECK_CONTAINS(run.out, "dL/dX (3x3):\n  [  2   5   2 ]\n  [ -3   0   6 ]\n  [  1  -3   0 ]");
    CHECK_CONTAINS(run.out, "dL/dX11 = 2 = F11 * dL/dO11, as Doshi says.");
}

static void test_dbias_and_names(void)
{
    CHECK_CONTAINS(run.out, "dL/db = 2 + 1 + (-1) + 3 = 5");
    CHECK_CONTAINS(run.out, "dL/dX         dL/dX                   dA         dX");
}

static void test_library_and_gradient_checks(void)
{
    CHECK_CONTAINS(run.out, "largest difference from the hand computation: dF 0, dX 0, db 0");
    CHECK(line_ends_with(run.out, "  dF     (2x2)", "good"));
    CHECK(line_ends_with(run.out, "  dX     (3x3)", "good"));
    CHECK(line_ends_with(run.out, "  db     (1)", "good"));
    CHECK_CONTAINS(run.out, "(7 - 3 + 2*1)/2 + 1 = 4, so Y is 3x4x4");
    CHECK(line_ends_with(run.out, "  dW     (3x2x3x3)", "good"));
    CHECK(line_ends_with(run.out, "  dX     (2x7x7)", "good"));
    CHECK(line_ends_with(run.out, "  db     (3)", "good"));
}

static void test_stride_is_dilation(void)
{
    CHECK_CONTAINS(run.out, "dilated dL/dO (3x3):\n  [  1   0   2 ]\n  [  0   0   0 ]\n  [  3   0   4 ]");
    CHECK_CONTAINS(run.out, "conv2d_backward: dX (5x5)\n  [  1   0   1   0  -2 ]");
    CHECK_CONTAINS(run.out, "largest difference: 0. Without the dilation");
    CHECK(line_ends_with(run.out, "  dX     (5x5)", "good"));
    CHECK_CONTAINS(run.out, "largest difference from conv2d_backward's dX: below 1e-12");
}

static void test_unrotated_filter_is_caught(void)
{
    CHECK(line_ends_with(run.out, "  dX_bad (3x3)", "wrong"));
    CHECK(line_ends_with(run.out, "  dX_bad (2x7x7)", "wrong"));
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
