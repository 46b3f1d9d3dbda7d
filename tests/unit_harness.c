/* tests/unit_harness.c: the harness reads the numbers a lesson prints as a
 * reader sees them (harness.h): signs, decimals, exponents, thousands commas,
 * nan and inf, and not the digits inside a word or a "5x5". */
#include <math.h>

#include "harness.h"

static void test_numbers_as_printed(void)
{
    double v[8];
    CHECK_INT(numbers_after("Total params: 1,134,426 (72%)", "Total params:", v, 8), 2);
    CHECK_NEAR(v[0], 1134426, 0);
    CHECK_NEAR(v[1], 72, 0);
    CHECK_INT(numbers_after("x: -4, +2.5, .25, 1e-07, 2.0E+3", "x:", v, 8), 5);
    CHECK_NEAR(v[0], -4, 0);
    CHECK_NEAR(v[1], 2.5, 0);
    CHECK_NEAR(v[2], 0.25, 0);
    CHECK_NEAR(v[3], 1e-7, 0);
    CHECK_NEAR(v[4], 2000, 0);
    /* "7 - 3" is two numbers, not 7 and -3; "(None, 28, 28, 16)" has commas that separate */
    CHECK_INT(numbers_after("size: (7 - 3)/2 = 2 (None, 28, 28, 16)", "size:", v, 8), 7);
    CHECK_NEAR(v[1], 3, 0);
    CHECK_NEAR(v[4], 28, 0);
    CHECK_NEAR(v[6], 16, 0);
    CHECK_INT(numbers_after("map: 24x24x16, 5x5", "map:", v, 8), 5);
    CHECK_NEAR(v[2], 16, 0);
}

static void test_nan_and_inf_are_numbers(void)
{
    double v[4];
    CHECK_INT(numbers_after("p = [ nan, -inf, inf ] info nanny", "p =", v, 4), 3);
    CHECK(isnan(v[0]));
    CHECK(isinf(v[1]) && v[1] < 0);
    CHECK(isinf(v[2]) && v[2] > 0);
    CHECK(isnan(number_after("loss nan", "loss")));             /* the last thing printed */
}

static void test_missing_label_or_number(void)
{
    double v[2];
    CHECK(isnan(number_after("Test loss: 0.5", "Test accuracy:")));
    CHECK(isnan(number_after("Test loss: none", "Test loss:")));
    CHECK_INT(numbers_after("a: 1", "a:", v, 2), 1);
    CHECK_INT(numbers_after(NULL, "a:", v, 2), 0);
    CHECK_NEAR(number_after("a 1\nStep 2. a 2", "a"), 1, 0);
    CHECK_NEAR(number_after(text_from("a 1\nStep 2. a 2", "Step 2."), "a"), 2, 0);
    CHECK(text_from("abc", "Step 9.")[0] == '\0');
}

int main(void)
{
    RUN_TEST(test_numbers_as_printed);
    RUN_TEST(test_nan_and_inf_are_numbers);
    RUN_TEST(test_missing_label_or_number);
    return harness_finish();
}
