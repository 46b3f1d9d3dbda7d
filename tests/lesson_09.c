/* tests/lesson_09.c: lesson 09 prints the descent tables, a good gradient
 * check, and a fair race in which the optimisers finish in the expected order. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static program_result run;

/* The final loss and the distance to the true filter from the row of the
 * final race table (the one under "image-grads") that starts with prefix;
 * returns 0 when there is no such row. */
static int read_race_row(const char *prefix, double *loss, double *distance)
{
    const char *table = strstr(run.out, "image-grads");
    for (const char *line = table; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
        if (strncmp(line, prefix, strlen(prefix)) != 0)
            continue;
        int batch, updates, grads;
        double lr;
        return sscanf(line + strlen(prefix), "%d %lf %d %d %lf %lf", &batch, &lr, &updates, &grads, loss,
                      distance) == 6;
    }
    return 0;
}

static void test_lesson_runs(void)
{
    CHECK_INT(run.exit_code, 0);
    CHECK_CONTAINS(run.out, "Lesson 09");
    CHECK_CONTAINS(run.out, "new_parameter = old_parameter - (learning_rate * gradient_of_parameter)");
}

static void test_parabola_table(void)
{
    CHECK_NUMBER(run.out, "At a2 the slope is", -6, 0);
    /* step, then a and L(a) for lr 0.05, 0.3, 0.8, 1.1 */
    CHECK_ROW(run.out, "\n   0 |", 0, 0, 9, 0, 9, 0, 9, 0, 9);
    CHECK_ROW(run.out, "\n   1 |", 0, 0.3, 7.29, 1.8, 1.44, 4.8, 3.24, 6.6, 12.96);
    CHECK_ROW(run.out, "\n  10 |", 0, 1.954, 1.0942, 2.9997, 0, 2.9819, 0.0003, -15.5752, 345.0384);
}

static void test_curvature_explanation(void)
{
    CHECK_ROW(run.out, "lr 0.3   1 - lr * c =", 0, 0.40, 0, 1);
    CHECK_ROW(run.out, "lr 0.8   1 - lr * c =", 0, -0.60, -1, 0);
    CHECK_ROW(run.out, "lr 1.1   1 - lr * c =", 0, -1.20, -1);
    CHECK_ROW(run.out, "lr < 1/c =", 0, 0.5, 1, 3, 1, 2, 1);
    CHECK_CONTAINS(run.out, "lr > 2/c diverges");
}

static void test_filter_gradient_is_checked(void)
{
    CHECK_NUMBER(run.out, "dL/dW  (3x3)  max rel error", 0, 1e-7);
    CHECK_INT(count_lines_containing(run.out, "max rel error"), 1);
    CHECK_INT(count_lines_containing(run.out, "  good"), 1);
    const char *at = strstr(run.out, "backprop gradient to ");   /* H (W0 - W_true) = dL/dW */
    CHECK(at != NULL && atof(at + strlen("backprop gradient to ")) < 1e-12);
}

static void test_adam_first_step(void)
{
    CHECK_ROW(run.out, "\n       0.5 ", 0, -0.05, -0.1, -0.316228);
    CHECK_ROW(run.out, "\n        -2 ", 0, 0.2, 0.1, 0.316228);
}

static void test_fair_race(void)
{
    CHECK_ROW(run.out, "Budget:", 0, 20, 640);
    CHECK_INT(count_lines_containing(run.out, "            640    "), 4);   /* same work for all four */
    CHECK_CONTAINS(run.out, "   1.6          diverged          diverged");
    double gd_loss = 0, gd_dist = 0, sgd_loss = 0, sgd_dist = 0, mom_loss = 0, mom_dist = 0,
           adam_loss = 0, adam_dist = 0;
    CHECK(read_race_row("gradient descent   ", &gd_loss, &gd_dist));
    CHECK(read_race_row("SGD                ", &sgd_loss, &sgd_dist));
    CHECK(read_race_row("SGD + momentum     ", &mom_loss, &mom_dist));
    CHECK(read_race_row("Adam               ", &adam_loss, &adam_dist));
    CHECK(gd_loss > 10 * sgd_loss);          /* more frequent updates win */
    CHECK(sgd_loss > 10 * mom_loss);         /* momentum crosses the flat valley */
    CHECK(sgd_loss > 10 * adam_loss);
    CHECK(mom_dist < 0.1 && adam_dist < 0.1);   /* both recover the Sobel filter */
    CHECK(gd_dist > 1);
}

static void test_recovered_filters(void)
{
    /* two rows of three filters: the true one, the random start, gradient descent's */
    CHECK_ROW(run.out, "true (Sobel)", 0, 1, 0, -1, 1.16, 0.67, 0.18, 1.334, 0.31, -0.535,
              2, 0, -2, -0.7, 0.09, -0.13, 0.224, -0.006, -1.079);
}

static void test_plot_data_file(void)
{
    char args[512], path[256];
    snprintf(path, sizeof path, "%s/tmp/lesson09.dat", build_dir());
    snprintf(args, sizeof args, "--plot-data %s", path);
    program_result r = run_lesson("09_optimisers", args);
    CHECK_INT(r.exit_code, 0);
    CHECK_CONTAINS(r.out, "written to");
    char *data = read_text_file(path);
    CHECK(data != NULL);
    if (data) {
        CHECK_CONTAINS(data, "# epoch image_gradients gd sgd momentum adam\n0 0 ");
        CHECK_CONTAINS(data, "\n20 640 ");
        CHECK_INT(count_lines_containing(data, "e-"), 21);   /* epochs 0 .. 20 */
    }
    free(data);
    remove(path);
    program_result_free(&r);
}

static void test_unknown_flag_is_rejected(void)
{
    CHECK_REJECTS_UNKNOWN_FLAG("09_optimisers");
}

/* A write that fails (a full disk, a missing directory) is reported with the
 * file's name and the reason, and the lesson exits 1; a device is kept. */
static void test_plot_data_write_errors(void)
{
    check_plot_data_write_errors("09_optimisers", "lesson_09");
}

int main(void)
{
    run = run_lesson("09_optimisers", "");
    RUN_TEST(test_lesson_runs);
    RUN_TEST(test_parabola_table);
    RUN_TEST(test_curvature_explanation);
    RUN_TEST(test_filter_gradient_is_checked);
    RUN_TEST(test_adam_first_step);
    RUN_TEST(test_fair_race);
    RUN_TEST(test_recovered_filters);
    RUN_TEST(test_plot_data_file);
    RUN_TEST(test_unknown_flag_is_rejected);
    RUN_TEST(test_plot_data_write_errors);
    program_result_free(&run);
    return harness_finish();
}
