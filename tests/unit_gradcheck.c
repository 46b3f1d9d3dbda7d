/* tests/unit_gradcheck.c: the gradient checker itself: its error measure, its
 * bands, its report, and that it can fail. */
#include <stdio.h>
#include <string.h>

#include "harness.h"

static void test_relative_error_definition(void)
{
    CHECK_NEAR(relative_error(0, 0), 0, 0);              /* the 1e-8 floor: no 0 / 0 */
    CHECK_NEAR(relative_error(1, 3), 0.5, 1e-15);
    CHECK_NEAR(relative_error(-1, 1), 1, 1e-15);         /* opposite signs: the worst possible */
    CHECK_NEAR(relative_error(1e-9, 0), 0.1, 1e-15);
}

static void test_bands(void)
{
    CHECK(strcmp(gradcheck_band(1e-9), "good") == 0);
    CHECK(strcmp(gradcheck_band(1e-7), "good") == 0);
    CHECK(strcmp(gradcheck_band(1e-6), "look closer") == 0);
    CHECK(strcmp(gradcheck_band(1e-3), "wrong") == 0);
}

/* L(p) = p0^2 + 3 p1 p2, dL/dp = (2 p0, 3 p2, 3 p1). */
static double quadratic(void *ctx)
{
    real *p = ctx;
    return p[0] * p[0] + 3 * p[1] * p[2];
}

static void test_a_right_gradient_passes_and_a_wrong_one_is_named(void)
{
    real p[3] = { 1.5, -2, 0.5 };
    real right[3] = { 3, 1.5, -6 }, wrong[3] = { 3, 1.5, 6 };
    int dims[1] = { 3 };
    gradcheck_result ok = gradcheck_tensor("dP", p, right, dims, 1, quadratic, p, GRADCHECK_STEP);
    CHECK(ok.max_rel_error < 1e-9);
    gradcheck_result bad = gradcheck_tensor("dP", p, wrong, dims, 1, quadratic, p, GRADCHECK_STEP);
    CHECK_INT(bad.worst_index, 2);
    CHECK_NEAR(bad.analytic, 6, 0);
    CHECK_NEAR(bad.numeric, -6, 1e-8);
    CHECK_NEAR(p[0], 1.5, 0);                           /* the parameters are restored */
}

static void test_report_names_tensor_index_values_and_band(void)
{
    gradcheck_result r = { "dW", 4, { 2, 1, 3, 3 }, 18, 0.5, 1 * 9 + 2 * 3 + 2, 0.25, -0.25 };
    FILE *f = tmpfile();
    CHECK(f != NULL);
    if (!f)
        return;
    gradcheck_print(f, &r);
    rewind(f);
    char line[256] = "";
    CHECK(fgets(line, sizeof line, f) != NULL);
    fclose(f);
    CHECK_CONTAINS(line, "dW");
    CHECK_CONTAINS(line, "(2x1x3x3)");
    CHECK_CONTAINS(line, "at [1][0][2][2]");
    CHECK_CONTAINS(line, "analytic +0.25000000  numeric -0.25000000");
    CHECK_CONTAINS(line, "wrong");
}

int main(void)
{
    RUN_TEST(test_relative_error_definition);
    RUN_TEST(test_bands);
    RUN_TEST(test_a_right_gradient_passes_and_a_wrong_one_is_named);
    RUN_TEST(test_report_names_tensor_index_values_and_band);
    return harness_finish();
}
