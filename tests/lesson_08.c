/* tests/lesson_08.c: lesson 08 prints Doshi's softmax and cross-entropy,
 * the overflow of the naive formula, the gradient p - y checked in the good
 * band, the loss at initialisation and Doshi's test loss. */
#include "harness.h"

static program_result run;

static void test_lesson_runs(void)
{
    CHECK_INT(run.exit_code, 0);
    CHECK_CONTAINS(run.out, "Lesson 08");
}

static void test_softmax_like_the_seed(void)
{
    CHECK_CONTAINS(run.out, "softmax(x) = [  0.200488,  0.000183,  0.099559,  0.699770 ]");
    CHECK_CONTAINS(run.out, "sum of softmax(x) = 1.000000");
    CHECK_CONTAINS(run.out, "Rounded to one decimal that is (0.2, 0.0, 0.1, 0.7)");
}

static void test_naive_overflows_stable_does_not(void)
{
    CHECK_CONTAINS(run.out, "logits [100, 101, 102]:\n"
                            "  naive, float      = [       nan,       nan,       nan ]\n"
                            "  naive, double     = [  0.090031,  0.244728,  0.665241 ]");
    CHECK_CONTAINS(run.out, "logits [1000, 1001, 1002]:\n"
                            "  naive, float      = [       nan,       nan,       nan ]\n"
                            "  naive, double     = [       nan,       nan,       nan ]\n"
                            "  stable (softmax)  = [  0.090031,  0.244728,  0.665241 ]");
    CHECK_CONTAINS(run.out, "  stable (softmax)  = [  0.665241,  0.244728,  0.090031 ]");
    CHECK_CONTAINS(run.out, "e^{x - m}    = [  0.135335,  0.367879,  1.000000 ]");
    CHECK_CONTAINS(run.out, "sum         = 1.503215");
}

static void test_one_hot_and_cross_entropy(void)
{
    CHECK_CONTAINS(run.out, "y (one-hot) = [0 0 0 1 0 0 0 0 0 0]");
    CHECK_CONTAINS(run.out, "L = -ln p_label = 0.438531   (cross_entropy in src/loss.c: 0.438531)");
}

static void test_swapped_formula_gives_inf(void)
{
    CHECK_CONTAINS(run.out, "\"p(x): output of final layer\"");
    CHECK_CONTAINS(run.out, "  sum:                  0.438531            inf");
    CHECK_CONTAINS(run.out, "the source\nswapped the roles");
    CHECK_CONTAINS(run.out, "softmax_cross_entropy from the logits: 800.000000");
}

static void test_gradient_is_p_minus_y(void)
{
    CHECK_CONTAINS(run.out, "J^T dL/dp = [  0.200488,  0.000183,  0.099559, -0.300230 ]");
    CHECK_CONTAINS(run.out, "p - y     = [  0.200488,  0.000183,  0.099559, -0.300230 ]");
    CHECK_CONTAINS(run.out, "  J^T R  (4)  max rel error");
    CHECK_CONTAINS(run.out, "  p - y  (10)  max rel error");
    CHECK_INT(gradcheck_lines_all_good(run.out), 3);
}

static void test_initial_loss_is_ln_10(void)
{
    CHECK_CONTAINS(run.out, "ln 10 = 2.302585");
    CHECK_CONTAINS(run.out, "            0.01    2.302873     +0.000288");
}

static void test_seed_result(void)
{
    CHECK_CONTAINS(run.out, "Test loss: 0.020970428362488747, Test accuracy: 0.9934999942779541");
    CHECK_CONTAINS(run.out, "(double)(float)0.9935 = 0.9934999942779541");
    CHECK_CONTAINS(run.out, "9935 of 10000 test images right, 65 wrong");
    CHECK_CONTAINS(run.out, "e^{-0.020970} = 0.979248");
    CHECK_CONTAINS(run.out, "at least 0.004505 to the mean loss");
}

static void test_unknown_flag_is_rejected(void)
{
    CHECK_REJECTS_UNKNOWN_FLAG("08_softmax");
}

int main(void)
{
    run = run_lesson("08_softmax", "");
    RUN_TEST(test_lesson_runs);
    RUN_TEST(test_softmax_like_the_seed);
    RUN_TEST(test_naive_overflows_stable_does_not);
    RUN_TEST(test_one_hot_and_cross_entropy);
    RUN_TEST(test_swapped_formula_gives_inf);
    RUN_TEST(test_gradient_is_p_minus_y);
    RUN_TEST(test_initial_loss_is_ln_10);
    RUN_TEST(test_seed_result);
    RUN_TEST(test_unknown_flag_is_rejected);
    program_result_free(&run);
    return harness_finish();
}
