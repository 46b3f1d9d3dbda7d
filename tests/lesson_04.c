/* tests/lesson_04.c: lesson 04 prints Intro to CNN's ReLU, the activation tables,
 * and gradient checks in the "good" band (and the kink outside it). */
#include <string.h>

#include "harness.h"

static program_result run;

static void test_lesson_runs(void)
{
    CHECK_INT(run.exit_code, 0);
    CHECK_CONTAINS(run.out, "Lesson 04");
}

static void test_seed_004_relu(void)
{
    CHECK_CONTAINS(run.out, "feature map (2x2), Intro to CNN:\n  [ -478   494 ]\n  [  460  -477 ]");
    CHECK_CONTAINS(run.out, "relu_forward: max(0, x), element by element:\n  [    0   494 ]\n  [  460     0 ]");
}

static void test_tables(void)
{
    CHECK_CONTAINS(run.out, "  +0   0.50000   0.25000  +0.00000   1.00000      0   0");
    CHECK_CONTAINS(run.out, "  +2   0.88080   0.10499  +0.96403   0.07065      2   1");
    CHECK_CONTAINS(run.out, "  -6   0.00247   0.00247  -0.99999   0.00002      0   0");
    CHECK_CONTAINS(run.out, "   1   0.76159   0.41997    0.19661");
    CHECK_CONTAINS(run.out, "   3   0.99505   0.00987    0.04518");
    CHECK_CONTAINS(run.out, "   5   0.99991   0.00018    0.00665");
    CHECK_CONTAINS(run.out, "At x = 1, tanh is 0.76 and its gradient 0.42");
    CHECK_CONTAINS(run.out, "The gradient falls below 0.01 only from x = 3 on");
}

static void test_deep_stacks(void)
{
    CHECK_CONTAINS(run.out, "   2.0     1.276e-05     1.760e-06     1.000e+00");
    CHECK_CONTAINS(run.out, "   x 0.22\n");
    CHECK_CONTAINS(run.out, "six times faster");
    CHECK_CONTAINS(run.out, "networks with ReLUs train several times faster than those\nwith tanh units");
}

/* Every gradient-check line of the lesson's backward passes is "good". */
static void test_gradient_checks_good(void)
{
    static const char *const names[] = { "dx relu (16)", "dx sigmoid (16)", "dx tanh (16)",
                                         "dx relu (8)", "dx sigmoid (8)", "dx tanh (8)",
                                         "x3 = 0.25 (4)", "x3 = 2e-5 (4)" };
    for (int i = 0; i < 8; i++) {
        const char *line = strstr(run.out, names[i]);
        CHECK(line != NULL);
        if (!line)
            continue;
        const char *end = strchr(line, '\n');
        CHECK(end != NULL && end - line > 4 && strncmp(end - 4, "good", 4) == 0);
    }
}

static void test_kink(void)
{
    CHECK_CONTAINS(run.out, "max rel error 1.0e+00 at [2]  analytic +0.00000000  numeric +0.50000000  wrong");
    CHECK_CONTAINS(run.out, "analytic +1.00000000  numeric +0.75000000  wrong");
    CHECK_CONTAINS(run.out, "max rel error 2.5e-05 at [2]  analytic +1.00000000  numeric +0.99995000  look closer");
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
