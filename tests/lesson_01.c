/* tests/lesson_01.c: lesson 01 prints Notes on CNN's numbers. */
#include "harness.h"

static program_result run;

static void test_lesson_runs(void)
{
    CHECK_INT(run.exit_code, 0);
    CHECK_CONTAINS(run.out, "Lesson 01");
}

static void test_first_window_is_6_then_5(void)
{
    CHECK_ROW(run.out, "filter at row 0, col 0:", 0, 5, 1, 2, 2, 3, -1, 1, 0, 6);
    CHECK_ROW(run.out, "filter at row 0, col 1:", 0, 2, 1, 2, 2, 1, -1, 2, 0, 5);
}

static void test_output_map(void)
{
    CHECK_ROW(run.out, "output (2x3):", 0, 6, 5, 6, -4, 5, 0);
    CHECK_ROW(text_from(run.out, "\nconv2d_forward"), "output (2x3):", 0, 6, 5, 6, -4, 5, 0);
    CHECK_NUMBER(run.out, "largest difference from the hand computation:", 0, 0);
    CHECK_ROW(run.out, "rows:", 0, 3, 2, 1, 2);
    CHECK_ROW(run.out, "columns:", 0, 4, 2, 1, 3);
}

static void test_edge_detector(void)
{
    CHECK_ROW(run.out, "  [  0  30", 0, 30, 0, 0, 30, 30, 0);   /* a vertical edge: two columns of 30 */
    CHECK_ROW(run.out, "4 filters of the 2x2 form above have", 0, 4, 2, 2, 16);
}

static void test_unknown_flag_is_rejected(void)
{
    CHECK_REJECTS_UNKNOWN_FLAG("01_convolution");
}

static void test_step_mode_runs_through_without_a_terminal(void)
{
    /* standard input is /dev/null: every pause returns */
    program_result r = run_lesson("01_convolution", "--step");
    CHECK_INT(r.exit_code, 0);
    CHECK_CONTAINS(r.out, "[press Enter for step 2]");
    CHECK_CONTAINS(r.out, "Step 6.");
    program_result_free(&r);
}

int main(void)
{
    run = run_lesson("01_convolution", "");
    RUN_TEST(test_lesson_runs);
    RUN_TEST(test_first_window_is_6_then_5);
    RUN_TEST(test_output_map);
    RUN_TEST(test_edge_detector);
    RUN_TEST(test_unknown_flag_is_rejected);
    RUN_TEST(test_step_mode_runs_through_without_a_terminal);
    program_result_free(&run);
    return harness_finish();
}
