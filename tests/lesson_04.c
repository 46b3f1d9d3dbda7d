/* tests/lesson_04.c: lesson 04 prints Intro to CNN's ReLU, the activation tables,
 * and gradient checks in the "good" band (and the kink outside it). */
#include <string.h>

#include <stdio.h>

#include "harness.h"

static program_result run;

static void test_lesson_runs(void)
{
    CHECK_INT(run.exit_code, 0);
    CHECK_CONTAINS(run.out, "Lesson 04");
}

static void test_seed_004_relu(void)
{
    CHECK_ROW(run.out, "feature map (2x2), Intro to CNN:", 0, -478, 494, 460, -477);
    CHECK_ROW(run.out, "relu_forward: max(0, x), element by element:", 0, 0, 494, 460, 0);
}

/* x, sigmoid, sigmoid', tanh, tanh', ReLU, ReLU'; then x, tanh, tanh', sigmoid' */
static void test_tables(void)
{
    CHECK_ROW(run.out, "\n  +0 ", 0, 0.5, 0.25, 0, 1, 0, 0);
    CHECK_ROW(run.out, "\n  +2 ", 0, 0.88080, 0.10499, 0.96403, 0.07065, 2, 1);
    CHECK_ROW(run.out, "\n  -6 ", 0, 0.00247, 0.00247, -0.99999, 0.00002, 0, 0);
    double table[6 * 4];                    /* x, tanh, tanh', sigmoid' for x = 0 .. 5 */
    CHECK_INT(numbers_after(run.out, "sigmoid'(x)\n", table, 24), 24);
    static const double x1[] = { 1, 0.76159, 0.41997, 0.19661 }, x3[] = { 3, 0.99505, 0.00987, 0.04518 },
                        x5[] = { 5, 0.99991, 0.00018, 0.00665 };
    for (int i = 0; i < 4; i++) {
        CHECK_NEAR(table[4 + i], x1[i], 0);
        CHECK_NEAR(table[12 + i], x3[i], 0);
        CHECK_NEAR(table[20 + i], x5[i], 0);
    }
    CHECK_ROW(run.out, "At x = 1, tanh is", 0, 0.76, 0.42, 42);
    CHECK_ROW(run.out, "The gradient falls below", 0, 0.01, 3, 3, 0.00987, 0.00018, 5);
}

static void test_deep_stacks(void)
{
    CHECK_ROW(run.out, "\n   2.0 ", 0, 1.276e-05, 1.760e-06, 1);
    CHECK_ROW(run.out, "per layer\n", 0, 3.9962, 4.3390, 4.2257, 4.8274, 3.8645, 0.99,    /* relu */
              0.9483, 0.2201, 0.0501, 0.0119, 0.0023, 0.22);                          /* sigmoid */
    CHECK_CONTAINS(run.out, "six times faster");     /* the source's claim, quoted */
    CHECK_CONTAINS(run.out, "networks with ReLUs train several times faster than those\nwith tanh units");
}

static void test_gradient_checks_good(void)
{
    static const char *const names[] = { "dx relu (16)", "dx sigmoid (16)", "dx tanh (16)",
                                         "dx relu (8)", "dx sigmoid (8)", "dx tanh (8)",
                                         "x3 = 0.25 (4)", "x3 = 2e-5 (4)" };
    for (int i = 0; i < 8; i++) {
        char label[64];
        snprintf(label, sizeof label, "%s  max rel error", names[i]);
        CHECK_NUMBER(run.out, label, 0, 1e-7);     /* the "good" band */
    }
}

/* At the kink (x = 0) the central difference is 0.5 and the check says "wrong"; closer
 * than h to it, 0.75; at h - 1e-9, nearly 1 ("look closer"). */
static void test_kink(void)
{
    CHECK_ROW(run.out, "x3 = 0 (4)  max rel error", 0, 1, 2, 0, 0.5);
    CHECK_ROW(run.out, "x3 = 0.5e-5 (4)  max rel error", 0, 0.14, 2, 1, 0.75);
    CHECK_ROW(run.out, "x3 = 0.9999e-5 (4)  max rel error", 0, 2.5e-05, 2, 1, 0.99995);
    CHECK(line_ends_with(run.out, "x3 = 0 (4)", "wrong"));
    CHECK(line_ends_with(run.out, "x3 = 0.9999e-5 (4)", "look closer"));
}

static void test_unknown_flag_is_rejected(void)
{
    CHECK_REJECTS_UNKNOWN_FLAG("04_activations");
}

int main(void)
{
    run = run_lesson("04_activations", "");
    RUN_TEST(test_lesson_runs);
    RUN_TEST(test_seed_004_relu);
    RUN_TEST(test_tables);
    RUN_TEST(test_deep_stacks);
    RUN_TEST(test_gradient_checks_good);
    RUN_TEST(test_kink);
    RUN_TEST(test_unknown_flag_is_rejected);
    program_result_free(&run);
    return harness_finish();
}
