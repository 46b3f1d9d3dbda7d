/* tests/lesson_03.c: lesson 03 prints the sources' sizes and parameter counts. */
#include "harness.h"

static program_result run;

static void test_lesson_runs(void)
{
    CHECK_INT(run.exit_code, 0);
    CHECK_CONTAINS(run.out, "Lesson 03");
}

static void test_output_size_cases(void)
{
    CHECK_CONTAINS(run.out, "valid (no padding) P = 0, S = 1:  (7 - 3 + 2*0)/1 + 1 = 5    conv_output_size: 5");
    CHECK_CONTAINS(run.out, "same, (F-1)/2      P = 1, S = 1:  (7 - 3 + 2*1)/1 + 1 = 7    conv_output_size: 7");
    CHECK_CONTAINS(run.out, "full, F-1          P = 2, S = 1:  (7 - 3 + 2*2)/1 + 1 = 9    conv_output_size: 9");
    CHECK_CONTAINS(run.out, "valid, stride 2    P = 0, S = 2:  (7 - 3 + 2*0)/2 + 1 = 3    conv_output_size: 3");
    CHECK_CONTAINS(run.out, "same, P = 1 -> 5x5");
    CHECK_CONTAINS(run.out, "  [  16   27   33   39   28 ]");
}

static void test_non_divisible_is_rejected(void)
{
    CHECK_CONTAINS(run.out, "conv_output_size(6, 3, 0, 0, 2) = -1, and conv2d_setup returns -1");
    CHECK_CONTAINS(run.out, "Column 5 is never seen.");
    CHECK_CONTAINS(run.out, "PyTorch (floor((W + 2P - F)/S) + 1) and Keras 'valid' floor instead");
    CHECK_CONTAINS(run.out, "(conv_output_size: -1). On 227: (227 - 11)/4 + 1 = 55");
}

static void test_seed_000_typo(void)
{
    CHECK_CONTAINS(run.out, "correct (n + 2p - f)/s + 1 = (8 + 0 - 4)/2 + 1 = 3");
    CHECK_CONTAINS(run.out, "Gonzalez (n + 2p - s)/s + 1 = (8 + 0 - 2)/2 + 1 = 4");
    CHECK_CONTAINS(run.out, "correct (n + 2p - f)/s + 1 = (26 + 0 - 2)/2 + 1 = 13");
}

static void test_parameter_counts(void)
{
    CHECK_CONTAINS(run.out, "(2*2*1 + 1)*4     = 20");
    CHECK_CONTAINS(run.out, "     64          73,728         102,400");
    CHECK_CONTAINS(run.out, "Two 3x3 layers cost 18/25 = 72% of one 5x5");
    CHECK_CONTAINS(run.out, "after 2 layers: the pixel reaches a 5x5 square (1 + 2*2 = 5)");
    CHECK_CONTAINS(run.out, "after 3 layers: the pixel reaches a 7x7 square (1 + 2*3 = 7)");
}

static void test_vgg16_table(void)
{
    CHECK_CONTAINS(run.out, "CONV3-64   [224x224x64]       3,211,264          1,728          1,792");
    CHECK_CONTAINS(run.out, "CONV3-128  [112x112x128]      1,605,632         73,728         73,856");
    CHECK_CONTAINS(run.out, "FC         [1x1x4096]             4,096    102,760,448    102,764,544");
    CHECK_CONTAINS(run.out, "FC         [1x1x1000]             1,000      4,096,000      4,097,000");
    CHECK_CONTAINS(run.out, "TOTAL memory:  15,237,608 numbers, * 4 bytes = 60.95 MB / image");
    CHECK_CONTAINS(run.out, "TOTAL weights: 138,344,128 (553.4 MB); with biases 138,357,544");
    CHECK_CONTAINS(run.out, "\"TOTAL memory: 24M * 4 bytes ~= 93MB / image\"");
    CHECK_CONTAINS(run.out, "[112x112x12x]");
    CHECK_CONTAINS(run.out, "2.359.296");
}

static void test_keras_model(void)
{
    CHECK_CONTAINS(run.out, "conv2d (Conv2D)                  (None, 28, 28, 16)             80");
    CHECK_CONTAINS(run.out, "conv2d_1 (Conv2D)                (None, 12, 12, 128)        18,560");
    CHECK_CONTAINS(run.out, "conv2d_2 (Conv2D)                (None, 10, 10, 256)       295,168");
    CHECK_CONTAINS(run.out, "flatten (Flatten)                (None, 6400)                    0");
    CHECK_CONTAINS(run.out, "dense (Dense)                    (None, 128)               819,328");
    CHECK_CONTAINS(run.out, "dense_1 (Dense)                  (None, 10)                  1,290");
    CHECK_CONTAINS(run.out, "Total params: 1,134,426");
    CHECK_CONTAINS(run.out, "11 of 11 rows match the source's summary");
    CHECK_CONTAINS(run.out, "A 3x3 kernel would give (3*3*1 + 1)*16 = 160");
}

static void test_asymmetric_padding(void)
{
    CHECK_CONTAINS(run.out, "conv2d_setup_asym(..., k = 2, stride 1, top 0, bottom 1, left 0, right 1)");
    CHECK_CONTAINS(run.out, "'same' size:\n  [ 12  16   9 ]\n  [ 24  28  15 ]\n  [ 15  17   9 ]");
    CHECK_CONTAINS(run.out, "gives back the image itself:\n  [  1   2   3 ]\n  [  4   5   6 ]\n  [  7   8   9 ]");
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
