/* tests/unit_optim.c: the optimisers of src/optim.c against steps worked by hand. */
#include <math.h>

#include "harness.h"
#include "optim.h"

static void test_sgd_step(void)
{
    real w[3] = { 1, -2, 0.5 };
    const real g[3] = { 0.5, -1, 4 };
    sgd_step(w, g, 3, 0.1);
    /* w - 0.1 g: 1 - 0.05, -2 + 0.1, 0.5 - 0.4 */
    CHECK_NEAR(w[0], 0.95, 1e-15);
    CHECK_NEAR(w[1], -1.9, 1e-15);
    CHECK_NEAR(w[2], 0.1, 1e-15);
    CHECK_NEAR(g[2], 4, 0);   /* the gradient is left alone */
}

static void test_sgd_on_a_parabola(void)
{
    /* L(a) = (a - 3)^2 from a = 0 with lr 0.3: a - 3 shrinks by 1 - 0.3 * 2 = 0.4 a step */
    real a = 0;
    for (int step = 0; step < 5; step++) {
        real g = 2 * (a - 3);
        sgd_step(&a, &g, 1, 0.3);
    }
    CHECK_NEAR(a, 3 - 3 * pow(0.4, 5), 1e-12);
}

static void test_momentum_two_steps(void)
{
    real w[2] = { 1, -2 }, v[2] = { 0, 0 };
    const real g1[2] = { 1, -2 }, g2[2] = { 0.5, 1 };
    sgd_momentum_step(w, g1, v, 2, 0.1, 0.9);
    /* v = 0.9 * 0 + g1 = (1, -2);  w = (1, -2) - 0.1 v = (0.9, -1.8) */
    CHECK_NEAR(v[0], 1, 1e-15);
    CHECK_NEAR(v[1], -2, 1e-15);
    CHECK_NEAR(w[0], 0.9, 1e-15);
    CHECK_NEAR(w[1], -1.8, 1e-15);
    sgd_momentum_step(w, g2, v, 2, 0.1, 0.9);
    /* v = 0.9 (1, -2) + (0.5, 1) = (1.4, -0.8);  w = (0.9 - 0.14, -1.8 + 0.08) = (0.76, -1.72) */
    CHECK_NEAR(v[0], 1.4, 1e-15);
    CHECK_NEAR(v[1], -0.8, 1e-15);
    CHECK_NEAR(w[0], 0.76, 1e-15);
    CHECK_NEAR(w[1], -1.72, 1e-15);
}

static void test_momentum_zero_is_sgd(void)
{
    real a[3] = { 1, 2, 3 }, b[3] = { 1, 2, 3 }, v[3] = { 0, 0, 0 };
    const real g[3] = { 0.3, -0.7, 2 };
    for (int step = 0; step < 3; step++) {
        sgd_step(a, g, 3, 0.05);
        sgd_momentum_step(b, g, v, 3, 0.05, 0);
    }
    for (int i = 0; i < 3; i++)
        CHECK_NEAR(b[i], a[i], 1e-15);
}

static void test_adam_defaults(void)
{
    adam_config c = adam_defaults(0.001);
    CHECK_NEAR(c.lr, 0.001, 1e-18);
    CHECK_NEAR(c.beta1, 0.9, 1e-18);
    CHECK_NEAR(c.beta2, 0.999, 1e-18);
    CHECK_NEAR(c.eps, 1e-8, 1e-22);
}

static void test_adam_three_steps(void)
{
    adam_config c = adam_defaults(0.1);
    real w = 0, m = 0, v = 0;
    real g = 2;
    adam_step(&w, &g, &m, &v, 1, &c, 1);
    /* m = 0.1 * 2 = 0.2, v = 0.001 * 4 = 0.004; m^ = 0.2 / 0.1 = 2, v^ = 0.004 / 0.001 = 4;
     * w = 0 - 0.1 * 2 / (2 + 1e-8) = -0.0999999995 */
    CHECK_NEAR(m, 0.2, 1e-15);
    CHECK_NEAR(v, 0.004, 1e-15);
    CHECK_NEAR(w, -0.0999999995, 1e-15);
    g = -1;
    adam_step(&w, &g, &m, &v, 1, &c, 2);
    /* m = 0.18 - 0.1 = 0.08, v = 0.003996 + 0.001 = 0.004996; m^ = 0.08 / 0.19 = 0.42105263...,
     * v^ = 0.004996 / 0.001999 = 2.49924962...; step 0.1 * 0.42105263 / 1.58090... = 0.02663370 */
    CHECK_NEAR(m, 0.08, 1e-15);
    CHECK_NEAR(v, 0.004996, 1e-15);
    CHECK_NEAR(w, -0.12663370329756846, 1e-13);
    g = 0.5;
    adam_step(&w, &g, &m, &v, 1, &c, 3);
    /* m = 0.072 + 0.05 = 0.122, v = 0.004991004 + 0.00025 = 0.005241004 */
    CHECK_NEAR(m, 0.122, 1e-15);
    CHECK_NEAR(v, 0.005241004, 1e-15);
    CHECK_NEAR(w, -0.16067661786105733, 1e-13);
}

static void test_adam_first_step_is_lr_times_sign(void)
{
    /* With bias correction m^ = g and v^ = g^2 at t = 1: the step is lr * g / |g|. */
    adam_config c = adam_defaults(0.01);
    real w[4] = { 0, 0, 0, 0 }, m[4] = { 0 }, v[4] = { 0 };
    const real g[4] = { 1000, -3, 0.01, -1e-3 };
    adam_step(w, g, m, v, 4, &c, 1);
    /* exactly lr * g / (|g| + eps): eps / |g| of the step is lost */
    CHECK_NEAR(w[0], -0.01, 1e-12);
    CHECK_NEAR(w[1], 0.01, 1e-10);
    CHECK_NEAR(w[2], -0.01, 1e-7);
    CHECK_NEAR(w[3], 0.01, 1e-6);
    CHECK_NEAR(w[3], 0.01 * 1e-3 / (1e-3 + 1e-8), 1e-15);
}

static void test_adam_zero_gradient_does_not_move(void)
{
    adam_config c = adam_defaults(0.1);
    real w = 5, m = 0, v = 0, g = 0;
    adam_step(&w, &g, &m, &v, 1, &c, 1);
    CHECK_NEAR(w, 5, 0);   /* 0 / (0 + eps): eps keeps it finite */
}

static void test_weight_decay(void)
{
    real g[2] = { 1, 2 };
    const real w[2] = { 10, -20 };
    add_weight_decay(g, w, 2, 0.01);
    CHECK_NEAR(g[0], 1.1, 1e-15);
    CHECK_NEAR(g[1], 1.8, 1e-15);
}

/* t = 0 would divide by 1 - beta^0 = 0 and make every weight NaN: refused, nothing changes. */
static void test_adam_refuses_step_zero(void)
{
    adam_config c = adam_defaults(0.1);
    real w[2] = { 1, -2 }, m[2] = { 0, 0 }, v[2] = { 0, 0 };
    const real g[2] = { 0.5, 0.25 };
    CHECK_INT(adam_step(w, g, m, v, 2, &c, 0), -1);
    CHECK(w[0] == 1 && w[1] == -2 && m[0] == 0 && v[1] == 0);
    CHECK_INT(adam_step(w, g, m, v, 2, &c, -3), -1);
    CHECK(w[0] == 1 && w[1] == -2);
    CHECK_INT(adam_step(w, g, m, v, 2, &c, 1), 0);
    CHECK(w[0] < 1 && w[1] < -2);
}

int main(void)
{
    RUN_TEST(test_sgd_step);
    RUN_TEST(test_sgd_on_a_parabola);
    RUN_TEST(test_momentum_two_steps);
    RUN_TEST(test_momentum_zero_is_sgd);
    RUN_TEST(test_adam_defaults);
    RUN_TEST(test_adam_three_steps);
    RUN_TEST(test_adam_first_step_is_lr_times_sign);
    RUN_TEST(test_adam_zero_gradient_does_not_move);
    RUN_TEST(test_weight_decay);
    RUN_TEST(test_adam_refuses_step_zero);
    return harness_finish();
}
