/* tests/lesson_02.c: lesson 02 prints Intro to CNN's numbers and their finite-difference twins. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static program_result run;

static void test_forward_and_erratum(void)
{
    CHECK_INT(run.exit_code, 0);
    CHECK_ROW(run.out, "q = x + y =", 0, -2, 5, 3);
    CHECK_ROW(run.out, "f = q * z =", 0, 3, -4, -12);
    CHECK_CONTAINS(run.out, "Erratum: Intro to CNN says z = 4");
}

static void test_backward(void)
{
    CHECK_NUMBER(run.out, "df/dq = z =", -4, 0);
    CHECK_NUMBER(run.out, "df/dz = q =", 3, 0);
    CHECK_ROW(run.out, "df/dx = df/dq * dq/dx =", 0, -4, 1, -4);
    CHECK_ROW(run.out, "df/dy = df/dq * dq/dy =", 0, -4, 1, -4);
}

/* analytic, numeric, relative error (the "good" band) */
static void test_numeric_twins_are_good(void)
{
    double v[3];
    static const char *const rows[] = { "  df/dx     ", "  df/dy     ", "  df/dz     " };
    static const double analytic[] = { -4, -4, 3 };
    for (int i = 0; i < 3; i++) {
        CHECK_INT(numbers_after(run.out, rows[i], v, 3), 3);
        CHECK_NEAR(v[0], analytic[i], 0);
        CHECK_NEAR(v[1], analytic[i], 1e-9);
        CHECK_NEAR(v[2], 0, 1e-7);
    }
    CHECK_INT(count_lines_containing(run.out, "      good"), 3);
}

/* The smallest error near h ~ eps^(1/3): 1e-02 in float, 1e-05 in double. */
static void test_error_curve_has_its_minimum_where_theory_says(void)
{
    CHECK_ROW(run.out, "Smallest error: float", 0, 5.2e-08, 1e-02, 1.8e-12, 1e-05);
}

static void test_plot_data_file(void)
{
    char args[512], path[256];
    snprintf(path, sizeof path, "%s/tmp/lesson02.dat", build_dir());
    snprintf(args, sizeof args, "--plot-data %s", path);
    program_result r = run_lesson("02_chain_rule", args);
    CHECK_INT(r.exit_code, 0);
    char *data = read_text_file(path);
    CHECK(data != NULL);
    CHECK_CONTAINS(data, "# h  abs_error_float  abs_error_double");
    CHECK_INT(count_lines_containing(data, "e-"), 13);   /* h = 1e-1 ... 1e-13 */
    free(data);
    remove(path);
    program_result_free(&r);
}

/* A write that fails (a full disk, a missing directory) is reported with the
 * file's name and the reason, and the lesson exits 1; a device is kept. */
static void test_plot_data_write_errors(void)
{
    check_plot_data_write_errors("02_chain_rule", "lesson_02");
}

int main(void)
{
    run = run_lesson("02_chain_rule", "");
    RUN_TEST(test_forward_and_erratum);
    RUN_TEST(test_backward);
    RUN_TEST(test_numeric_twins_are_good);
    RUN_TEST(test_error_curve_has_its_minimum_where_theory_says);
    RUN_TEST(test_plot_data_file);
    RUN_TEST(test_plot_data_write_errors);
    program_result_free(&run);
    return harness_finish();
}
