/* tests/lesson_13.c: lesson 13 prints batch normalisation's forward pass on
 * 4 images x 2 channels x 2 positions by hand (means 5 and 50, variances 4
 * and 25), the source's erratum in numbers, the backward pass path by path
 * with every gradient check in the "good" band and the classic mistake in
 * the "wrong" band, the running averages, an image's answer depending on its
 * batch in training mode only, the conv bias's zero gradient, and the scale
 * of Doshi's network's layers with and without batchnorm. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <math.h>
#include <stdlib.h>
#include "harness.h"

static program_result run;

static void test_lesson_runs(void)
{
    CHECK_INT(run.exit_code, 0);
    CHECK_CONTAINS(run.out, "Lesson 13");
}

/* The gradient-check line of name is in the "good" band (relative error <= 1e-7). */
static void check_good(const char *name)
{
    char label[64];
    snprintf(label, sizeof label, "%s max rel error", name);
    CHECK_NUMBER(run.out, label, 0, 1e-7);
}

static void test_forward_by_hand(void)
{
    CHECK_ROW(run.out, "  mean     = (8 + 4", 0, 2, 6, 4, 8, 4, 4, 8, 5);
    CHECK_ROW(run.out, "  variance = (9 +", 0, 1, 9, 1, 1, 9, 1, 1, 8, 4);
    CHECK_NUMBER(run.out, "  sqrt(variance + eps) = sqrt(4.00001) =", 2.0000025, 0);
    CHECK_ROW(run.out, "  xhat = (x - 5) / 2.0000025 =", 0, 1.499998, -0.499999, -1.499998, 0.499999, -0.499999,
              1.499998, -0.499999, -0.499999);
    CHECK_ROW(run.out, "  y = gamma xhat + beta = 2 xhat + (1) =", 0, 3.999996, 0.000001, -1.999996, 1.999999,
              0.000001, 3.999996, 0.000001, 0.000001);
    CHECK_NUMBER(run.out, "  mean     = (57 + 45 + 51 + 55 + 43 + 49 + 55 + 45) / 8 =", 50, 0);
    CHECK_NUMBER(run.out, "  variance = (49 + 25 + 1 + 25 + 49 + 1 + 25 + 25) / 8 =", 25, 0);
    CHECK_ROW(run.out, "xhat = (x - 50) / 5.000001 =", 0, 1.4, -1, 0.2, 1, -1.4, -0.2, 1, -1);
}

static void test_xhat_has_mean_0_and_variance_1(void)
{
    CHECK_ROW(run.out, "channel 0: mean of xhat", 0, 0, 1e-15, 0.9999975, 4, 4);
    CHECK_ROW(run.out, "channel 1: mean of xhat", 0, 0, 1e-15, 0.9999996, 25, 25);
    CHECK_ROW(run.out, "channel 0: mean of y", 0, 1, 1.999998);
    CHECK_ROW(run.out, "channel 1: mean of y", 0, -3, 0.5);
}

/* sqrt(var + eps) against the Notes' (sigma + eps) and (var + eps): the erratum in numbers. */
static void test_the_erratum_in_numbers(void)
{
    CHECK_NUMBER(run.out, "(x - mean) / sqrt(var + eps) = 3 / 2.0000025 =", 1.499998, 0);
    CHECK_NUMBER(run.out, "(x - mean) / (sigma + eps)   = 3 / 2.00001 =", 1.499993, 0);
    CHECK_NUMBER(run.out, "(x - mean) / sqrt(var + eps) = 0.001 / 0.00331662479 =", 0.301511, 0);
    CHECK_NUMBER(run.out, "(x - mean) / (sigma + eps)   = 0.001 / 0.00101 =", 0.990099, 0);
    CHECK_NUMBER(run.out, "(x - mean) / (var + eps)     = 0.001 / 1.1e-05 =", 90.909091, 0);
    CHECK_NUMBER(run.out, "with sqrt(var + eps):", 158.1139, 0);
    CHECK(isnan(number_after(run.out, "with (sigma + eps):")));
    CHECK_CONTAINS(run.out, "with (sigma + eps):   nan ");
}

/* With sigma + eps the function still has a gradient at a flat channel
 * (the lesson's nan is 0 times 1/0 node by node): gamma (dy0 - mean dy) / eps
 * = (1 - 0.5) / 1e-5 = 50,000, against the root's (1 - 0.5) / sqrt(1e-5). */
static void test_the_flat_channels_gradients(void)
{
    const char *at = strstr(run.out, "mean dL/dy) / eps = ");
    const char *root = strstr(run.out, "mean dL/dy) / sqrt(eps) = ");
    CHECK(at != NULL && root != NULL);
    if (!at || !root)
        return;
    CHECK_NEAR(strtod(at + strlen("mean dL/dy) / eps = "), NULL), 0.5 / 1e-5, 0.5);
    CHECK_NEAR(strtod(root + strlen("mean dL/dy) / sqrt(eps) = "), NULL), 0.5 / sqrt(1e-5), 1e-4);
}

static void test_backward_node_by_node(void)
{
    CHECK_ROW(run.out, "channel 0: dL/dbeta", 0, 7, 3.499996, -0.87499672, -6.999991);
    CHECK_ROW(run.out, "channel 1: dL/dbeta", 0, 3, 6.599999, -0.06599996, -0.3);
    CHECK_INT(count_lines_containing(run.out, "(the second term of dL/dmean: dL/dvar * (-2/N) * 0 = 0"), 2);
    static const char *const good[] = { "  dbeta  (2) ", "  dgamma (2) ", "  dxhat  (4x2x2) ", "  dvar   (2) ",
                                        "  dmean  (2) ", "  dx_dir (4x2x2) ", "  dx_var (4x2x2) ",
                                        "  dx_mean (4x2x2) ", "  dx     (4x2x2) ", "  dx_lib (4x2x2) " };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        check_good(good[i]);
}

static void test_three_paths_and_the_collapsed_formula(void)
{
    CHECK_ROW(run.out, "  via mean  channel 0:", 0, -0.875, -0.875, -0.875, -0.875);
    CHECK_ROW(run.out, "  via var   channel 0:", 0, -0.65625, 0.21875, 0.65625, -0.21875);
    static const double dx[] = { -0.53125, -2.65625, 1.78125, -0.09375, -1.65625, 1.46875, 0.34375, 1.34375 };
    CHECK_NUMBERS(run.out, "  dL/dx     channel 0:", dx, 8, 0);
    CHECK_NUMBERS(run.out, "computes anyway.\n  dL/dx     channel 0:", dx, 8, 0);   /* the collapsed formula */
    CHECK_NUMBER(run.out, "largest difference from the sum of the three paths: below", 1e-12, 0);
    CHECK_NUMBER(run.out, "dx the same (below", 1e-12, 0);
}

static void test_the_classic_mistake_is_caught(void)
{
    CHECK(number_after(run.out, "  dx_bad (4x2x2)  max rel error") > 1e-4);    /* the "wrong" band */
}

/* The sums the lesson gives for the classic mistake's dL/dx are the sums
 * of the rows it prints ("wrong dx  channel c: [ ... ]"), channel by
 * channel: gamma s sum dL/dy = 6.99999 and 0.3 (it once printed 4.99999 and
 * 0.5, a hard-coded 5 in place of sum dL/dy). */
static void test_the_classic_mistakes_sums(void)
{
    double row_sum[2] = { 0, 0 }, printed[2] = { NAN, NAN };
    for (int c = 0; c < 2; c++) {
        char label[64];
        snprintf(label, sizeof label, "wrong dx  channel %d: [", c);
        const char *at = strstr(run.out, label);
        CHECK(at != NULL);
        if (!at)
            return;
        at += strlen(label);
        for (int k = 0; k < 8; k++) {
            char *end;
            row_sum[c] += strtod(at, &end);
            CHECK(end != at);
            at = end;
        }
    }
    const char *at = strstr(run.out, "dL/dbeta, here ");
    CHECK(at && sscanf(at, "dL/dbeta, here %lf and %lf", &printed[0], &printed[1]) == 2);
    CHECK_NEAR(printed[0], row_sum[0], 1e-4);
    CHECK_NEAR(printed[1], row_sum[1], 1e-4);
}

static void test_running_averages(void)
{
    CHECK_ROW(run.out, "channel 0: running_mean =", 0, 0.9, 0, 0.1, 5, 0.5);
    CHECK_ROW(run.out, "running_var = 0.9 * 1 + 0.1 * 4 * 8/7 =", 0, 1.3571429);
    CHECK_ROW(run.out, "  50 steps:", 0, 4.9742, 4.5530);
    CHECK_NUMBER(run.out, "  divided by N:", 0.875, 0);
    CHECK_NUMBER(run.out, "  divided by N - 1:", 1, 0);
}

static void test_batch_mates_matter_in_training_mode_only(void)
{
    CHECK_ROW(run.out, "training mode, in step 1's batch:", 0, 4, 0, -2.3, -3.5);
    CHECK_ROW(run.out, "training mode, in the other batch:", 0, 1.6667, -3.6667, -2.5896, -3.8208);
    static const double test_mode[] = { 3.8361, 0.0869, -2.3194, -3.4447 };
    CHECK_NUMBERS(run.out, "test mode (the 50-step averages), step 1's:", test_mode, 4, 0);
    CHECK_NUMBERS(run.out, "test mode, the other batch:", test_mode, 4, 0);
    CHECK_NUMBERS(run.out, "test mode, alone:", test_mode, 4, 0);
    CHECK_ROW(run.out, "training mode: x =", 0, 42, -7, 0, 0, 1, -3);
}

/* After batchnorm the conv bias gets no gradient and changes no loss; without it, it does. */
static void test_the_conv_bias_learns_nothing(void)
{
    CHECK_ROW(run.out, "  conv 2 3, batchnorm, relu, flatten, dense 3:", 0, 0, 1e-15, 0, 1e-15, 0.7319, 3.359533, 3,
              3.359533);
    CHECK_ROW(run.out, "  conv 2 3, relu, flatten, dense 3:", 0, -0.2185, -0.3728, 1.0259, 3.152928, 3, 5.202884);
    CHECK_ROW(run.out, "  W times  1:", 0, 3.359533, 0.73186);
    CHECK_ROW(run.out, "  W times 10:", 0, 3.359530, 0.07319);
}

/* The four standard deviations on the line that starts with `row`; 1 if found. */
static int scales_of(const char *row, double v[4])
{
    const char *at = strstr(run.out, row);
    return at && sscanf(at + strlen(row), "%lf %lf %lf %lf", &v[0], &v[1], &v[2], &v[3]) == 4;
}

/* How many rows of the table are a batchnorm's with both its standard deviations (doshi-bn,
 * pixels in [0, 1] and 0..255) within 1% of 1 (gamma = 1); -1 when any is not. */
static int batchnorm_rows_near_1(void)
{
    int rows = 0;
    for (const char *at = strstr(run.out, "\n  batchnorm    "); at; at = strstr(at + 1, "\n  batchnorm    ")) {
        double a, b;
        if (sscanf(at, " batchnorm %*s %lf %lf", &a, &b) != 2 || a < 0.99 || a > 1.01 || b < 0.99 || b > 1.01)
            return -1;
        rows++;
    }
    return rows;
}

static void test_doshis_network_with_and_without(void)
{
    double v[4];
    CHECK(scales_of("  mean loss (ln 10 = 2.303)", v));
    CHECK(v[0] > 2 && v[0] < 3.2 && v[1] > 2 && v[1] < 3.2);   /* pixels in [0, 1]: near ln 10 */
    CHECK(v[2] > 100);                                         /* doshi, pixels 0..255: saturated */
    CHECK_NEAR(v[3], v[1], 1e-3);                              /* doshi-bn: the same */
    CHECK_INT(batchnorm_rows_near_1(), 4);
    CHECK(scales_of("  dense        10        ", v));
    CHECK(v[2] > 100 * v[0]);                                  /* the factor 255 reaches the scores */
    CHECK_NEAR(v[3], v[1], 1e-3 * v[1]);
    CHECK_CONTAINS(run.out, "make mnist-deep        make mnist-deep-bn");
}

static void test_unknown_flag_is_rejected(void)
{
    CHECK_REJECTS_UNKNOWN_FLAG("13_batchnorm");
}

int main(void)
{
    run = run_lesson("13_batchnorm", "");
    RUN_TEST(test_lesson_runs);
    RUN_TEST(test_forward_by_hand);
    RUN_TEST(test_xhat_has_mean_0_and_variance_1);
    RUN_TEST(test_the_erratum_in_numbers);
    RUN_TEST(test_the_flat_channels_gradients);
    RUN_TEST(test_backward_node_by_node);
    RUN_TEST(test_three_paths_and_the_collapsed_formula);
    RUN_TEST(test_the_classic_mistake_is_caught);
    RUN_TEST(test_the_classic_mistakes_sums);
    RUN_TEST(test_running_averages);
    RUN_TEST(test_batch_mates_matter_in_training_mode_only);
    RUN_TEST(test_the_conv_bias_learns_nothing);
    RUN_TEST(test_doshis_network_with_and_without);
    RUN_TEST(test_unknown_flag_is_rejected);
    program_result_free(&run);
    return harness_finish();
}
