/* tests/unit_gradcheck.c: the gradient checker itself: its error measure, its
 * bands, its report, that it can fail, that NaN is never good, and its
 * reader of number files. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
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

/* issue 16 item 5: a NaN is a failure, never "good" (it used to leave max_rel_error at -1). */
static void test_nan_is_wrong(void)
{
    CHECK(isinf(relative_error(NAN, 1)) && isinf(relative_error(1, NAN)) && isinf(relative_error(INFINITY, 1)));
    CHECK(strcmp(gradcheck_band(NAN), "wrong") == 0);
    real p[3] = { 1.5, -2, 0.5 };
    real nan_grad[3] = { 3, (real)NAN, -6 };
    int dims[1] = { 3 };
    gradcheck_result r = gradcheck_tensor("dP", p, nan_grad, dims, 1, quadratic, p, GRADCHECK_STEP);
    CHECK(r.max_rel_error > GRADCHECK_WRONG);
    CHECK_INT(r.worst_index, 1);
    CHECK(strcmp(gradcheck_band(r.max_rel_error), "wrong") == 0);
}

/* The number files' reader: values, shape, and one line for each problem. */
static void test_number_reader(void)
{
    double *v;
    long n, shape;
    char err[256];
    const char *text = "shape 2 3 # C W\n1, -2.5\t3e2\n\n  4 0x10 .5 # six\n";
    CHECK_INT(gradcheck_parse_numbers(text, strlen(text), &v, &n, &shape, err, sizeof err), 0);
    CHECK_INT(n, 6);
    CHECK_INT(shape, 6);
    CHECK(v != NULL && v[1] == -2.5 && v[2] == 300 && v[4] == 16 && v[5] == 0.5);
    free(v);
    CHECK_INT(gradcheck_parse_numbers("1 2", 3, &v, &n, &shape, err, sizeof err), 0);   /* no final newline */
    CHECK(n == 2 && shape == -1);
    free(v);
    CHECK_INT(gradcheck_parse_numbers("1 2 39", 4, &v, &n, &shape, err, sizeof err), 0); /* only `length` bytes */
    CHECK(n == 2 && v[1] == 2);
    free(v);
    CHECK_INT(gradcheck_parse_numbers("", 0, &v, &n, &shape, err, sizeof err), 0);
    CHECK(n == 0 && v == NULL);
    static const char *bad[][2] = {
        { "1 2\n3 x4\n", "line 2: 'x4' is not a number" },
        { "1.5.5\n", "line 1: '1.5.5' is not a number" },
        { "1 nan\n", "line 1: 'nan' is not a finite number" },
        { "shape 0 3\n", "line 1: '0' is not a dimension" },
        { "shape 3\nshape 3\n", "line 2: a second shape line" },
        { "shape 99999999999999999999999\n", "is not a dimension" },
        { "1 \x01\x02\n", "line 1: '?" "?' is not a number" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        v = (double *)1;
        CHECK_INT(gradcheck_parse_numbers(bad[i][0], strlen(bad[i][0]), &v, &n, &shape, err, sizeof err), -1);
        CHECK(v == NULL);
        CHECK_CONTAINS(err, bad[i][1]);
    }
}

int main(void)
{
    RUN_TEST(test_relative_error_definition);
    RUN_TEST(test_bands);
    RUN_TEST(test_a_right_gradient_passes_and_a_wrong_one_is_named);
    RUN_TEST(test_report_names_tensor_index_values_and_band);
    RUN_TEST(test_nan_is_wrong);
    RUN_TEST(test_number_reader);
    return harness_finish();
}
