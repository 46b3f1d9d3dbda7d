/* tests/lesson_17.c: lesson 17 prints F(2, 3) and F(2x2, 3x3) on lesson 01's numbers, agreeing
 * with the direct convolution, and a Winograd backward that passes its gradient check. */
#include "harness.h"

static program_result run;

static void test_lesson_runs(void)
{
    CHECK_INT(run.exit_code, 0);
    CHECK_CONTAINS(run.out, "Lesson 17");
}

static void test_1d_by_hand(void)
{
    CHECK_ROW(run.out, "y0 = d0*g0 + d1*g1 + d2*g2 =", 0, 5, 1, 2, 2, 2, -1, 7);
    CHECK_ROW(run.out, "y1 = d1*g0 + d2*g1 + d3*g2 =", 0, 2, 1, 2, 2, 3, -1, 3);
    CHECK_NUMBER(run.out, "direct multiplications: 2 outputs x 3 taps =", 6, 0);
    const char *s2 = text_from(run.out, "Step 2.");
    CHECK_NUMBER(text_from(s2, "(5 - 2) * 1"), "=", 3, 0);
    CHECK_NUMBER(text_from(s2, "(1+2-1)/2"), "=", 4, 0);
    CHECK_NUMBER(text_from(s2, "(1-2-1)/2"), "=", 0, 0);
    CHECK_NUMBER(text_from(s2, "(2 - 3) * (-1)"), "=", 1, 0);
    CHECK_NUMBER(s2, "y0 = m1 + m2 + m3 =", 7, 0);
    CHECK_NUMBER(s2, "y1 = m2 - m3 - m4 =", 3, 0);
}

static void test_the_matrices(void)
{
    CHECK_ROW(run.out, "B^T (4x4)", 0, 1, 0, -1, 0, 0, 1, 1, 0, 0, -1, 1, 0, 0, 1, 0, -1);
    CHECK_ROW(text_from(run.out, "G (4x3)"), "and g2", 0, 1, 0, 0, 0.5, 0.5, 0.5, 0.5, -0.5, 0.5, 0, 0, 1);
    CHECK_ROW(run.out, "A^T (2x4)", 0, 1, 1, 1, 0, 0, 1, -1, -1);
    CHECK_ROW(run.out, "G g   =", 0, 1, 1, -1, -1);
    CHECK_ROW(run.out, "B^T d =", 0, 3, 4, 0, -1);
    CHECK_ROW(run.out, "M = (G g) (.) (B^T d) =", 0, 3, 4, 0, 1);
    CHECK_ROW(run.out, "Y = A^T M =", 0, 7, 3, 7, 3);
    double worst = number_after(run.out, "largest difference from the direct sums:");
    CHECK(worst >= 0 && worst < 1e-13);
}

static void test_one_2d_tile(void)
{
    const char *s4 = text_from(run.out, "Step 4.");
    CHECK_ROW(s4, "U = G g G^T (4x4):", 0, 1, 0, 0, -1, 1.5, 0, 0, -1.5, 0.5, 0, 0, -0.5, 1, 0, 0, -1);
    CHECK_ROW(s4, "V = B^T d B (4x4):", 0, 0, 0, 0, 0, 0, 40, 0, 20, 0, 0, 0, 0, 0, 0, 0, 0);
    CHECK_ROW(s4, "Y = A^T M A (2x2):", 0, 0, 30, 0, 30);
    CHECK_ROW(s4, "direct (conv2d_forward) (2x2):", 0, 0, 30, 0, 30);
    CHECK_NUMBER(s4, "largest difference from the direct tile:", 0, 0);
    CHECK_ROW(s4, "multiplications per 2x2 output tile: direct", 0, 36, 4, 9, 16, 4, 4, 2.25);
}

static void test_tiles_assembled(void)
{
    const char *s5 = text_from(run.out, "Step 5.");
    CHECK_ROW(s5, "tile (1, 1): input rows", 0, 2, -5, 2, -5, 30, 0, 30, 0);
    CHECK_ROW(s5, "the tiles assembled (4x4):", 0, 0, 30, 30, 0, 0, 30, 30, 0, 0, 30, 30, 0, 0, 30, 30, 0);
    CHECK_NUMBER(s5, "largest difference from lesson 01's output (conv2d_forward):", 0, 0);
    double odd = number_after(text_from(s5, "3 channels in, 4 out, 7x7"), "conv2d_forward:");
    CHECK(odd >= 0 && odd < 1e-12);
}

/* The float errors: above zero (float does round) and of float's size, Winograd's within a
 * small factor of the direct one's (not the exact digits: a compiler may fuse a*b+c). */
static void test_float_error_is_of_floats_size(void)
{
    const char *s6 = text_from(run.out, "Step 6.");
    for (int layer = 0; layer < 2; layer++) {
        const char *at = text_from(s6, layer == 0 ? "over 1 channel" : "over 16 channels");
        double direct_rel = number_after(text_from(at, "direct, float:"), "relative to the largest output");
        double wino_abs = number_after(text_from(at, "Winograd, float:"), "max abs error");
        double wino_rel = number_after(text_from(at, "Winograd, float:"), "relative to the largest output");
        CHECK(wino_abs > 0 && wino_abs < 1e-5);
        CHECK(direct_rel > 1e-9 && direct_rel < 1e-5);
        CHECK(wino_rel > 1e-9 && wino_rel < 1e-5);
        CHECK(wino_rel < 10 * direct_rel);
    }
}

static void test_multiplication_counts(void)
{
    const char *s7 = text_from(run.out, "Step 7.");
    CHECK_ROW(text_from(s7, "Doshi's conv2"), "direct", 0, 2654208, 1179648, 2.25, 129024);
    CHECK_ROW(text_from(s7, "Doshi's conv3"), "direct", 0, 29491200, 13107200, 2.25, 256000);
}

static void test_backward(void)
{
    const char *s8 = text_from(run.out, "Step 8.");
    CHECK_ROW(s8, "dg = G^T (dM (.) V) G (3x3):", 0, 50, 50, 10, 50, 50, 10, 50, 50, 10);
    CHECK_ROW(s8, "dd = B (dM (.) U) B^T (4x4):", 0, 2, 1, -2, -1, 1, 4, -1, -4, 1, 4, -1, -4, -1, 3, 1, -3);
    CHECK_ROW(s8, "largest difference from conv2d_backward: dW", 0, 0, 0);
    const char *s9 = text_from(run.out, "Step 9.");
    CHECK(number_after(s9, "  dW ") < 1e-12);
    CHECK(number_after(s9, "  dX ") < 1e-12);
    CHECK(number_after(s9, "  db ") < 1e-12);
    const char *names[] = { "  dW     (", "  dX     (", "  db     (" };
    for (int i = 0; i < 3; i++) {
        double rel = number_after(text_from(s9, names[i]), "max rel error");
        CHECK(rel >= 0 && rel <= 1e-7);
    }
}

static void test_unknown_flag_is_rejected(void)
{
    CHECK_REJECTS_UNKNOWN_FLAG("17_winograd");
}

int main(void)
{
    run = run_lesson("17_winograd", "");
    RUN_TEST(test_lesson_runs);
    RUN_TEST(test_1d_by_hand);
    RUN_TEST(test_the_matrices);
    RUN_TEST(test_one_2d_tile);
    RUN_TEST(test_tiles_assembled);
    RUN_TEST(test_float_error_is_of_floats_size);
    RUN_TEST(test_multiplication_counts);
    RUN_TEST(test_backward);
    RUN_TEST(test_unknown_flag_is_rejected);
    program_result_free(&run);
    return harness_finish();
}
