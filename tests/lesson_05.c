/* tests/lesson_05.c: lesson 05 prints the pooling examples, Intro to CNN's
 * 26x26x32 -> 13x13x32, AlexNet's 55 -> 27, Notes on CNN's perturbation
 * argument with numbers, and gradient checks in the "good" band. */
#include "harness.h"

static program_result run;

static void test_lesson_runs(void)
{
    CHECK_INT(run.exit_code, 0);
    CHECK_CONTAINS(run.out, "Lesson 05");
}

static void test_two_by_two_by_hand_and_library(void)
{
    CHECK_ROW(run.out, "window rows 0-1, cols 0-1:", 0, 1, 3, 7, 4, 7, 1, 0, 15, 4, 3.75);
    CHECK_ROW(run.out, "window rows 2-3, cols 2-3:", 0, 3, 0, 4, 1, 4, 3, 2, 8, 4, 2);
    CHECK_ROW(text_from(run.out, "\nmaxpool2d_forward"), "Y (2x2):", 0, 7, 9, 8, 4);
    CHECK_ROW(run.out, "avgpool2d_forward, Y (2x2):", 0, 3.75, 4.25, 5.25, 2);
    CHECK_ROW(run.out, "argmax: where each maximum came from, as (row,col) of X:", 0, 1, 0, 0, 3, 2, 0, 3, 2);
    CHECK_ROW(run.out, "largest difference from the hand computation:", 0, 0, 0);
    CHECK_ROW(run.out, "max pooled it gives", 0, 494, 238.5);
}

/* Intro to CNN: 26x26x32 -> 13x13x32; Notes on CNN's 64 -> 32; Doshi's dense layer. */
static void test_seed_004_volume(void)
{
    CHECK_ROW(run.out, "W_out = (W - F + 2P)/S + 1 =", 0, 26, 2, 0, 2, 1, 13);
    CHECK_ROW(run.out, "maxpool2d_forward gives", 0, 13, 13, 32);
    CHECK_ROW(run.out, "values:", 0, 26, 26, 32, 21632, 13, 13, 32, 5408);
    CHECK_NUMBER(run.out, "(64 - 2)/2 + 1 =", 32, 0);
    CHECK_ROW(run.out, "the dense layer has", 0, 6400, 128, 128, 819328);
    CHECK_NUMBER(run.out, "10*10*256*128 + 128 =", 3276928, 0);
}

static void test_overlapping_alexnet(void)
{
    CHECK_ROW(run.out, "(55 - 3)/2 + 1 =", 0, 27, 55, 55, 27, 27);
    CHECK_ROW(run.out, "window rows 2-4, cols 2-4:", 0, 5, 9, 2, 1, 0, 4, 2, 3, 1, 9, 2, 3);
    CHECK_ROW(run.out, "argmax:\n", 0, 2, 2, 2, 3, 3, 1, 2, 3);
    CHECK_ROW(run.out, "it receives both gradients:", 0, 2, 4, 6);
    CHECK_NUMBER(run.out, "(1 + 2 + 3 + 4)/9 =", 1.11111, 0);
}

/* Nudge a pixel by 0.01: L changes by 0 (not the max), 0.01 (the max), 0.0025 (average). */
static void test_perturbation_argument(void)
{
    CHECK_ROW(run.out, "X[0][1]: 3 -> 3.01   max Y:", 0, 7, 9, 8, 4, 7, 9, 8, 4, 0);
    CHECK_ROW(run.out, "X[1][0]: 7 -> 7.01   max Y:", 0, 7, 9, 8, 4, 7.01, 9, 8, 4, 0.01);
    CHECK_ROW(run.out, "X[1][0]: 7 -> 7.01   average Y:", 0, 3.75, 4.25, 5.25, 2, 3.7525, 4.25, 5.25, 2, 0.0025);
    CHECK_ROW(run.out, "each dL/dY routed to its window's argmax", 0, 0, 0, 0, 2, 1, 0, 0, 0, 3, 0, 0, 0, 0, 0, 4, 0);
    CHECK_ROW(run.out, "avgpool2d_backward, dL/dX (4x4):", 0, 0.25, 0.25, 0.5, 0.5, 0.25, 0.25, 0.5, 0.5, 0.75,
              0.75, 1, 1);
}

/* At a tie the library routes the gradient to the first maximum; the central difference says 0.5. */
static void test_ties(void)
{
    CHECK_ROW(run.out, "maxpool2d_backward with dL/dY = 1: dL/dX", 0, 0, 1, 0, 0);
    CHECK_NUMBER(run.out, "(L(x + h) - L(x - h)) / 2h at (0,1) =", 0.5, 0);
    CHECK(line_ends_with(run.out, "  dX_tie ", "wrong"));
}

static void test_gradient_checks_are_good(void)
{
    static const char *const checks[] = { "dX_max2 (3x8x8)  max rel error", "dX_avg2 (3x8x8)  max rel error",
                                          "dX_max3 (3x9x9)  max rel error", "dX_avg3 (3x9x9)  max rel error" };
    for (int i = 0; i < 4; i++)
        CHECK_NEAR(number_after(run.out, checks[i]), 0, 1e-7);    /* the "good" band */
}

/* Values that change when the input moves one pixel: no pool, max 2x2, avg 2x2, max twice. */
static void test_translation_counts(void)
{
    CHECK_ROW(run.out, "8x8, a dot at col 2 -> 3", 0, 2, 64, 0, 16, 0, 16, 0, 4);
    CHECK_ROW(run.out, "8x8, a dot at col 3 -> 4", 0, 2, 64, 2, 16, 2, 16, 2, 4);
    CHECK_ROW(run.out, "32x32 random texture", 0, 1024, 1024, 177, 256, 256, 256, 27, 64);
    CHECK_ROW(run.out, "after 2x2 max pooling", 0, 69);
}

static void test_unknown_flag_is_rejected(void)
{
    CHECK_REJECTS_UNKNOWN_FLAG("05_pooling");
}

int main(void)
{
    run = run_lesson("05_pooling", "");
    RUN_TEST(test_lesson_runs);
    RUN_TEST(test_two_by_two_by_hand_and_library);
    RUN_TEST(test_seed_004_volume);
    RUN_TEST(test_overlapping_alexnet);
    RUN_TEST(test_perturbation_argument);
    RUN_TEST(test_ties);
    RUN_TEST(test_gradient_checks_are_good);
    RUN_TEST(test_translation_counts);
    RUN_TEST(test_unknown_flag_is_rejected);
    program_result_free(&run);
    return harness_finish();
}
