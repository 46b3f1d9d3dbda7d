/* tests/lesson_03.c: lesson 03 prints the sources' sizes and parameter counts.
 * The checks read the numbers after a short label (harness.h); the wording is
 * checked only where it is the lesson: the sources' errata. */
#include "harness.h"

static program_result run;

static void test_lesson_runs(void)
{
    CHECK_INT(run.exit_code, 0);
    CHECK_CONTAINS(run.out, "Lesson 03");
}

/* (W - F + 2P)/S + 1 for W = 7, F = 3, and what conv_output_size returns. */
static void test_output_size_cases(void)
{
    CHECK_ROW(run.out, "valid (no padding) P = 0, S = 1:", 0, 7, 3, 2, 0, 1, 1, 5, 5);
    CHECK_ROW(run.out, "same, (F-1)/2      P = 1, S = 1:", 0, 7, 3, 2, 1, 1, 1, 7, 7);
    CHECK_ROW(run.out, "full, F-1          P = 2, S = 1:", 0, 7, 3, 2, 2, 1, 1, 9, 9);
    CHECK_ROW(run.out, "valid, stride 2    P = 0, S = 2:", 0, 7, 3, 2, 0, 2, 1, 3, 3);
    CHECK_ROW(run.out, "same P, stride 2   P = 1, S = 2:", 0, 7, 3, 2, 1, 2, 1, 4, 4);
    CHECK_ROW(run.out, "full, F-1          P = 4, S = 1:", 0, 7, 5, 2, 4, 1, 1, 11, 11);
    /* the all-ones 3x3 filter on 1..25: each output is its window's sum */
    CHECK_ROW(run.out, "valid, P = 0 -> 3x3:", 0, 63, 72, 81, 108, 117, 126, 153, 162, 171);
    CHECK_ROW(run.out, "rest of its window is padding):", 0, 16, 27, 33, 39, 28, 39, 63, 72, 81, 57);
    CHECK_ROW(run.out, "valid, stride 2 -> 2x2 (the windows start at 0 and 2):", 0, 63, 81, 153, 171);
    CHECK_ROW(run.out, "P = 1, stride 2 -> 3x3:", 0, 16, 33, 28, 69, 117, 87, 76, 123, 88);
}

static void test_non_divisible_is_rejected(void)
{
    CHECK_NUMBER(run.out, "conv_output_size(6, 3, 0, 0, 2) =", -1, 0);
    CHECK_NUMBER(run.out, "conv_output_size(6, 3, 0, 1, 2) =", 3, 0);
    CHECK_ROW(run.out, "On a 224-wide input:", 0, 224, 11, 4, 213, 4, 53.25);
    CHECK_ROW(run.out, "On 227:", 0, 227, 11, 4, 1, 55);
}

/* Gonzalez's (n+2p-s)/s + 1 against the right (n+2p-f)/s + 1: the erratum's sentence stays text. */
static void test_seed_000_typo(void)
{
    CHECK_CONTAINS(run.out, "will be (n+2p-s)/s + 1.");
    CHECK_NUMBER(run.out, "(8 + 0 - 4)/2 + 1 =", 3, 0);
    CHECK_NUMBER(run.out, "(8 + 0 - 2)/2 + 1 =", 4, 0);
    CHECK_NUMBER(run.out, "(7 + 2 - 2)/2 + 1 =", 4.5, 0);
    CHECK_NUMBER(run.out, "(26 + 0 - 2)/2 + 1 =", 13, 0);
}

static void test_parameter_counts(void)
{
    CHECK_NUMBER(run.out, "(2*2*1 + 1)*4     =", 20, 0);
    CHECK_NUMBER(run.out, "(3*3*3 + 1)*64    =", 1792, 0);
    CHECK_NUMBER(run.out, "(3*3*512 + 1)*512 =", 2359808, 0);
    /* C, two 3x3, one 5x5, three 3x3, one 7x7: 18C^2, 25C^2, 27C^2, 49C^2 */
    CHECK_ROW(run.out, "one 7x7\n", 0, 3, 162, 225, 243, 441, 64, 73728, 102400, 110592, 200704);
    CHECK_ROW(run.out, "Two 3x3 layers cost", 0, 18, 25, 72, 5, 5, 27, 49, 55, 7, 7);
    CHECK_ROW(run.out, "after 2 layers: the pixel reaches a", 0, 5, 5, 1, 2, 2, 5);
    CHECK_ROW(run.out, "after 3 layers: the pixel reaches a", 0, 7, 7, 1, 2, 3, 7);
}

/* Bayya's Figure 2, recomputed: memory, weights, with biases. */
static void test_vgg16_table(void)
{
    CHECK_ROW(run.out, "CONV3-64   [224x224x64]", 0, 3211264, 1728, 1792);
    CHECK_ROW(run.out, "CONV3-128  [112x112x128]", 0, 1605632, 73728, 73856);
    CHECK_ROW(run.out, "FC         [1x1x4096]", 0, 4096, 102760448, 102764544);
    CHECK_ROW(run.out, "FC         [1x1x1000]", 0, 1000, 4096000, 4097000);
    CHECK_ROW(run.out, "TOTAL memory:", 0, 15237608, 4, 60.95);
    CHECK_ROW(run.out, "TOTAL weights:", 0, 138344128, 553.4, 138357544);
    /* the source's damaged total and OCR'd rows: the erratum is the text */
    CHECK_CONTAINS(run.out, "\"TOTAL memory: 24M * 4 bytes ~= 93MB / image\"");
    CHECK_CONTAINS(run.out, "[112x112x12x]");
    CHECK_CONTAINS(run.out, "2.359.296");
}

/* Doshi's Keras summary: the parameter count of each layer and the total. */
static void test_keras_model(void)
{
    CHECK_NUMBER(run.out, "conv2d (Conv2D)                  (None, 28, 28, 16)", 80, 0);
    CHECK_NUMBER(run.out, "conv2d_1 (Conv2D)                (None, 12, 12, 128)", 18560, 0);
    CHECK_NUMBER(run.out, "conv2d_2 (Conv2D)                (None, 10, 10, 256)", 295168, 0);
    CHECK_NUMBER(run.out, "flatten (Flatten)                (None, 6400)", 0, 0);
    CHECK_NUMBER(run.out, "dense (Dense)                    (None, 128)", 819328, 0);
    CHECK_NUMBER(run.out, "dense_1 (Dense)                  (None, 10)", 1290, 0);
    CHECK_NUMBER(run.out, "Total params:", 1134426, 0);
    CHECK_NUMBER(run.out, "rows match the source's summary", 1134426, 0);   /* "its rows add up to" */
    CHECK_CONTAINS(run.out, "11 of 11 rows match");
    CHECK_NUMBER(run.out, "A 3x3 kernel would give (3*3*1 + 1)*16 =", 160, 0);
}

static void test_asymmetric_padding(void)
{
    CHECK_ROW(run.out, "conv2d_setup_asym(..., k =", 0, 2, 1, 0, 1, 0, 1);
    CHECK_ROW(run.out, "'same' size:", 0, 12, 16, 9, 24, 28, 15, 15, 17, 9);
    CHECK_ROW(run.out, "gives back the image itself:", 0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
    CHECK_ROW(run.out, "shifts the image one pixel down and right:", 0, 0, 0, 0, 0, 1, 2, 0, 4, 5);
}

static void test_unknown_flag_is_rejected(void)
{
    CHECK_REJECTS_UNKNOWN_FLAG("03_padding_stride");
}

int main(void)
{
    run = run_lesson("03_padding_stride", "");
    RUN_TEST(test_lesson_runs);
    RUN_TEST(test_output_size_cases);
    RUN_TEST(test_non_divisible_is_rejected);
    RUN_TEST(test_seed_000_typo);
    RUN_TEST(test_parameter_counts);
    RUN_TEST(test_vgg16_table);
    RUN_TEST(test_keras_model);
    RUN_TEST(test_asymmetric_padding);
    RUN_TEST(test_unknown_flag_is_rejected);
    program_result_free(&run);
    return harness_finish();
}
