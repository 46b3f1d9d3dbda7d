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
    CHECK_CONTAINS(run.out, "window rows 0-1, cols 0-1: {1 3 7 4}  max 7 at (1,0)  mean 15/4 = 3.75");
    CHECK_CONTAINS(run.out, "window rows 2-3, cols 2-3: {3 0 4 1}  max 4 at (3,2)  mean 8/4 = 2");
    CHECK_CONTAINS(run.out, "maxpool2d_forward (src/pool.c), Y (2x2):\n  [    7     9 ]\n  [    8     4 ]");
    CHECK_CONTAINS(run.out, "avgpool2d_forward, Y (2x2):\n  [ 3.75  4.25 ]\n  [ 5.25     2 ]");
    CHECK_CONTAINS(run.out, "  [ (1,0) (0,3) ]\n  [ (2,0) (3,2) ]");
    CHECK_CONTAINS(run.out, "largest difference from the hand computation: 0 (max), 0 (average)");
    CHECK_CONTAINS(run.out, "max pooled it gives 494, average pooled 238.5");
}

static void test_seed_004_volume(void)
{
    CHECK_CONTAINS(run.out, "W_out = (W - F + 2P)/S + 1 = (26 - 2 + 0)/2 + 1 = 13");
    CHECK_CONTAINS(run.out, "maxpool2d_forward gives 13x13x32");
    CHECK_CONTAINS(run.out, "26*26*32 = 21632 in, 13*13*32 = 5408 out");
    CHECK_CONTAINS(run.out, "(64 - 2)/2 + 1 = 32");
    CHECK_CONTAINS(run.out, "6400*128 + 128 = 819328 parameters");
}

static void test_overlapping_alexnet(void)
{
    CHECK_CONTAINS(run.out, "(55 - 3)/2 + 1 = 27, so 55x55 -> 27x27");
    CHECK_CONTAINS(run.out, "window rows 2-4, cols 2-4: {5 9 2 1 0 4 2 3 1}  max 9 at (2,3)");
    CHECK_CONTAINS(run.out, "  [ (2,2) (2,3) ]\n  [ (3,1) (2,3) ]");
    CHECK_CONTAINS(run.out, "it receives both gradients: 2 + 4 = 6.");
    CHECK_CONTAINS(run.out, "(1 + 2 + 3 + 4)/9 = 1.11111;");
}

static void test_perturbation_argument(void)
{
    CHECK_CONTAINS(run.out, "X[0][1]: 3 -> 3.01   max Y: [7 9 8 4] -> [7 9 8 4]   L changes by 0\n");
    CHECK_CONTAINS(run.out, "X[1][0]: 7 -> 7.01   max Y: [7 9 8 4] -> [7.01 9 8 4]   L changes by 0.01\n");
    CHECK_CONTAINS(run.out, "X[1][0]: 7 -> 7.01   average Y: [3.75 4.25 5.25 2] -> [3.7525 4.25 5.25 2]   "
                            "L changes by 0.0025");
    CHECK_CONTAINS(run.out, "each dL/dY routed to its window's argmax\n"
                            "  [ 0  0  0  2 ]\n  [ 1  0  0  0 ]\n  [ 3  0  0  0 ]\n  [ 0  0  4  0 ]");
    CHECK_CONTAINS(run.out, "  [ 0.25  0.25   0.5   0.5 ]");
}

static void test_ties(void)
{
    CHECK_CONTAINS(run.out, "maxpool2d_backward with dL/dY = 1: dL/dX\n  [ 0  1 ]\n  [ 0  0 ]");
    CHECK_CONTAINS(run.out, "(L(x + h) - L(x - h)) / 2h at (0,1) = 0.50000000");
    CHECK(line_ends_with(run.out, "  dX_tie ", "wrong"));
}

static void test_gradient_checks_are_good(void)
{
    CHECK(line_ends_with(run.out, "  dX_max2 (3x8x8)", "good"));
    CHECK(line_ends_with(run.out, "  dX_avg2 (3x8x8)", "good"));
    CHECK(line_ends_with(run.out, "  dX_max3 (3x9x9)", "good"));
    CHECK(line_ends_with(run.out, "  dX_avg3 (3x9x9)", "good"));
}

static void test_translation_counts(void)
{
    CHECK_CONTAINS(run.out, "8x8, a dot at col 2 -> 3        2/64       0/16       0/16       0/4");
    CHECK_CONTAINS(run.out, "8x8, a dot at col 3 -> 4        2/64       2/16       2/16       2/4");
    CHECK_CONTAINS(run.out, "32x32 random texture         1024/1024   177/256    256/256     27/64");
    CHECK_CONTAINS(run.out, "after 2x2 max pooling 69% of the outputs still change");
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
