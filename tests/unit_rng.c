/* tests/unit_rng.c: our PRNG is deterministic, in range, and has the right moments. */
#include <math.h>
#include <stdlib.h>

#include "harness.h"
#include "rng.h"
#include "tensor.h"

static void test_golden_values(void)
{
    rng_t r = rng_seeded(0);
    CHECK(rng_next(&r) == 0xE220A8397B1DCDAFull);   /* splitmix64's published first output for seed 0 */
    rng_t a = rng_seeded(42), b = rng_seeded(42);
    for (int i = 0; i < 100; i++)
        CHECK(rng_next(&a) == rng_next(&b));
}

static void test_uniform_range_and_mean(void)
{
    rng_t r = rng_seeded(1);
    double sum = 0;
    for (int i = 0; i < 100000; i++) {
        double u = rng_uniform(&r);
        CHECK(u >= 0 && u < 1);
        sum += u;
    }
    CHECK_NEAR(sum / 100000, 0.5, 0.005);
}

/* rng_uniform_fill gives the draws rng_uniform would, in order, and leaves
 * the state where those calls would: a block of 1000 then single draws. */
static void test_uniform_fill_same_as_calls(void)
{
    rng_t a = rng_seeded(7), b = rng_seeded(7);
    double u[1000];
    rng_uniform(&a);
    rng_uniform(&b);
    rng_uniform_fill(&a, u, 1000);
    int same = 1;
    for (int i = 0; i < 1000; i++)
        same &= u[i] == rng_uniform(&b);
    CHECK(same);
    CHECK(rng_next(&a) == rng_next(&b));
    rng_uniform_fill(&a, u, 0);                     /* nothing drawn */
    CHECK(rng_next(&a) == rng_next(&b));
}

static void test_normal_moments(void)
{
    rng_t r = rng_seeded(2);
    double sum = 0, sum_sq = 0;
    for (int i = 0; i < 100000; i++) {
        double z = rng_normal(&r);
        sum += z;
        sum_sq += z * z;
    }
    CHECK_NEAR(sum / 100000, 0, 0.01);
    CHECK_NEAR(sum_sq / 100000, 1, 0.02);
}

static void test_below_and_shuffle(void)
{
    rng_t r = rng_seeded(3);
    int counts[7] = { 0 };
    for (int i = 0; i < 70000; i++) {
        uint32_t k = rng_below(&r, 7);
        CHECK(k < 7);
        counts[k < 7 ? k : 0]++;
    }
    for (int k = 0; k < 7; k++)
        CHECK_NEAR(counts[k], 10000, 400);
    int idx[50], seen[50] = { 0 };
    for (int i = 0; i < 50; i++)
        idx[i] = i;
    rng_shuffle(&r, idx, 50);
    for (int i = 0; i < 50; i++)
        seen[idx[i]]++;
    for (int i = 0; i < 50; i++)
        CHECK_INT(seen[i], 1);                  /* a permutation */
}

static void test_he_and_xavier_scales(void)
{
    rng_t r = rng_seeded(4);
    int n = 40000;
    real *w = tensor_alloc((size_t)n, "weights");
    init_he_normal(&r, w, n, 50);
    double sq = 0;
    for (int i = 0; i < n; i++)
        sq += (double)w[i] * w[i];
    CHECK_NEAR(sq / n, 2.0 / 50, 0.002);        /* variance 2 / fan_in */
    init_xavier_uniform(&r, w, n, 30, 20);
    double a = sqrt(6.0 / 50), worst = 0;
    for (int i = 0; i < n; i++)
        worst = fmax(worst, fabs((double)w[i]));
    CHECK(worst <= a);
    CHECK(worst > 0.99 * a);
    free(w);
}

int main(void)
{
    RUN_TEST(test_golden_values);
    RUN_TEST(test_uniform_range_and_mean);
    RUN_TEST(test_uniform_fill_same_as_calls);
    RUN_TEST(test_normal_moments);
    RUN_TEST(test_below_and_shuffle);
    RUN_TEST(test_he_and_xavier_scales);
    return harness_finish();
}
