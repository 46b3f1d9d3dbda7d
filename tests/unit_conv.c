/* tests/unit_conv.c: conv2d_forward and the output-size rule against hand-computed values. */
#include "conv.h"
#include "harness.h"
#include "tensor.h"

static void expect_map(const real *got, const real *want, int n)
{
    for (int i = 0; i < n; i++)
        CHECK_NEAR(got[i], want[i], 1e-12);
}

static void test_notes_on_cnn_example(void)
{
    const real image[12] = { 5, 2, 2, 3, 3, 1, 2, 1, 9, 0, 4, 5 }, filter[4] = { 1, 2, -1, 0 };
    const real want[6] = { 6, 5, 6, -4, 5, 0 };
    real bias = 0, out[6];
    conv2d_shape s;
    CHECK_INT(conv2d_setup(&s, 1, 3, 4, 1, 2, 1, 0), 0);
    CHECK_INT(s.out_h, 2);
    CHECK_INT(s.out_w, 3);
    conv2d_forward(&s, image, filter, &bias, out);
    expect_map(out, want, 6);
}

static void test_two_input_channels_and_bias(void)
{
    real x[18], w[8] = { 1, 1, 1, 1, -1, -1, -1, -1 }, b = 0.5, out[4];
    for (int i = 0; i < 9; i++) {
        x[i] = 1;          /* channel 0: ones */
        x[9 + i] = 2;      /* channel 1: twos */
    }
    conv2d_shape s;
    CHECK_INT(conv2d_setup(&s, 2, 3, 3, 1, 2, 1, 0), 0);
    conv2d_forward(&s, x, w, &b, out);
    for (int i = 0; i < 4; i++)
        CHECK_NEAR(out[i], 4 * 1 - 4 * 2 + 0.5, 1e-12);
}

static void test_two_filters_give_two_maps(void)
{
    const real x[4] = { 1, 2, 3, 4 }, w[2] = { 1, -2 }, b[2] = { 0, 1 };   /* two 1x1 filters */
    const real want[8] = { 1, 2, 3, 4, -1, -3, -5, -7 };
    real out[8];
    conv2d_shape s;
    CHECK_INT(conv2d_setup(&s, 1, 2, 2, 2, 1, 1, 0), 0);
    conv2d_forward(&s, x, w, b, out);
    expect_map(out, want, 8);
}

static void test_same_padding_sums_neighbourhoods(void)
{
    real x[9], w[9], b = 0, out[9];
    for (int i = 0; i < 9; i++) {
        x[i] = i + 1;      /* 1..9 */
        w[i] = 1;          /* a 3x3 box filter */
    }
    conv2d_shape s;
    CHECK_INT(conv2d_setup(&s, 1, 3, 3, 1, 3, 1, 1), 0);
    CHECK_INT(s.out_h, 3);
    conv2d_forward(&s, x, w, &b, out);
    const real want[9] = { 12, 21, 16, 27, 45, 33, 24, 39, 28 };
    expect_map(out, want, 9);
}

static void test_stride_two_skips(void)
{
    real x[25], w = 1, b = 0, out[9];
    for (int i = 0; i < 25; i++)
        x[i] = i;
    conv2d_shape s;
    CHECK_INT(conv2d_setup(&s, 1, 5, 5, 1, 1, 2, 0), 0);
    conv2d_forward(&s, x, &w, &b, out);
    const real want[9] = { 0, 2, 4, 10, 12, 14, 20, 22, 24 };
    expect_map(out, want, 9);
}

static void test_keras_same_padding_for_an_even_kernel(void)
{
    /* 2x2 kernel, 'same': one row of zeros below, one column on the right. */
    real x[9], w[4] = { 1, 1, 1, 1 }, b = 0, out[9];
    for (int i = 0; i < 9; i++)
        x[i] = i + 1;
    conv2d_shape s;
    CHECK_INT(conv2d_setup_asym(&s, 1, 3, 3, 1, 2, 1, 0, 1, 0, 1), 0);
    CHECK_INT(s.out_h, 3);
    CHECK_INT(s.out_w, 3);
    conv2d_forward(&s, x, w, &b, out);
    const real want[9] = { 12, 16, 9, 24, 28, 15, 15, 17, 9 };
    expect_map(out, want, 9);
}

static void test_output_size_rule(void)
{
    CHECK_INT(conv_output_size(28, 5, 0, 0, 1), 24);        /* valid */
    CHECK_INT(conv_output_size(28, 3, 1, 1, 1), 28);        /* same */
    CHECK_INT(conv_output_size(4, 3, 2, 2, 1), 6);          /* full: n + f - 1 */
    CHECK_INT(conv_output_size(227, 11, 0, 0, 4), 55);      /* AlexNet's first layer */
    CHECK_INT(conv_output_size(7, 3, 0, 0, 2), 3);
    CHECK_INT(conv_output_size(8, 3, 0, 0, 2), -1);         /* (8 - 3) / 2 does not divide: rejected */
    CHECK_INT(conv_output_size(2, 3, 0, 0, 1), -1);         /* filter larger than the input */
    CHECK_INT(conv_output_size(5, 3, -1, 0, 1), -1);        /* negative padding */
    CHECK_INT(conv_output_size(5, 3, 0, 0, 0), -1);         /* stride 0 */
    conv2d_shape s;
    CHECK_INT(conv2d_setup(&s, 1, 8, 8, 4, 3, 2, 0), -1);
    CHECK_INT(conv2d_setup(&s, 0, 8, 8, 4, 3, 1, 0), -1);
}

static void test_weight_and_output_counts(void)
{
    conv2d_shape s;
    CHECK_INT(conv2d_setup(&s, 3, 32, 32, 16, 5, 1, 2), 0);
    CHECK_INT(conv2d_weight_count(&s), 16 * 3 * 5 * 5);
    CHECK_INT(conv2d_output_count(&s), 16 * 32 * 32);
}

int main(void)
{
    RUN_TEST(test_notes_on_cnn_example);
    RUN_TEST(test_two_input_channels_and_bias);
    RUN_TEST(test_two_filters_give_two_maps);
    RUN_TEST(test_same_padding_sums_neighbourhoods);
    RUN_TEST(test_stride_two_skips);
    RUN_TEST(test_keras_same_padding_for_an_even_kernel);
    RUN_TEST(test_output_size_rule);
    RUN_TEST(test_weight_and_output_counts);
    return harness_finish();
}
