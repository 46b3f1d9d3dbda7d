/* tests/lesson_02.c: lesson 02 prints Intro to CNN's numbers and their finite-difference twins. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static program_result run;

static void test_forward_and_erratum(void)
{
    CHECK_INT(run.exit_code, 0);
    CHECK_CONTAINS(run.out, "q = x + y = -2 + 5 = 3");
    CHECK_CONTAINS(run.out, "f = q * z = 3 * (-4) = -12");
    CHECK_CONTAINS(run.out, "Erratum: Intro to CNN says z = 4");
}

static void test_backward(void)
{
    CHECK_CONTAINS(run.out, "df/dq = z = -4");
    CHECK_CONTAINS(run.out, "df/dz = q = 3");
    CHECK_CONTAINS(run.out, "df/dx = df/dq * dq/dx = -4 * 1 = -4");
    CHECK_CONTAINS(run.out, "df/dy = df/dq * dq/dy = -4 * 1 = -4");
}

static void test_numeric_twins_are_good(void)
{
    CHECK_CONTAINS(run.out, "df/dx         -4    -4.0000000000");
    CHECK_CONTAINS(run.out, "df/dy         -4    -3.9999999998");
    CHECK_CONTAINS(run.out, "df/dz          3    2.9999999999");
    CHECK_INT(count_lines_containing(run.out, "      good"), 3);
}

static void test_error_curve_has_its_minimum_where_theory_says(void)
{
    CHECK_CONTAINS(run.out, "double 1.8e-12 at h = 1e-05");
    CHECK_CONTAINS(run.out, "float 5.2e-08 at h = 1e-02");
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
