/* Lesson 04: activations: ReLU, sigmoid, tanh, and their gradients.
 *
 * Intro to CNN's ReLU example, [[-478,494],[460,-477]] -> [[0,494],[460,0]];
 * sigmoid and tanh with their local derivatives s' = s(1 - s) (Intro to CNN
 * derives it) and tanh' = 1 - tanh^2, as tables over x = -6..6; saturation,
 * and Gonzalez's remark that tanh "plateaus anywhere beyond +-1"; why AlexNet
 * chose ReLU (Gonzalez: "networks with ReLUs train several times faster than
 * those with tanh units"), shown by the gradient that survives five layers;
 * gradient checks of relu/sigmoid/tanh_backward (src/activation.c); and what
 * ReLU's kink at 0 does to a gradient check.
 *
 * Run: build/lessons/04_activations [--step]      Notes: notes/04_activations.md */
#include <math.h>
#include <stdio.h>

#include "activation.h"  /* relu_forward, sigmoid_forward, tanh_forward, relu_backward, ... */
#include "dense.h"       /* dense_forward, dense_backward */
#include "gradcheck.h"   /* gradcheck_result, gradcheck_tensor, GRADCHECK_STEP, gradcheck_band, ... */
#include "lesson.h"      /* lesson_start, lesson_step */
#include "rng.h"         /* rng_t, rng_seeded, rng_normal, init_he_normal, init_xavier_uniform */
#include "tensor.h"      /* tensor_print_2d, tensor_fill, tensor_dot, tensor_copy */

typedef enum { RELU, SIGMOID, TANH } activation;
static const char *const activation_name[3] = { "relu", "sigmoid", "tanh" };

/* y (n) = act(x (n)). */
static void act_forward(activation a, const real *x, real *y, int n)
{
    if (a == RELU)
        relu_forward(x, y, n);          /* y = max(0, x)        */
    else if (a == SIGMOID)
        sigmoid_forward(x, y, n);       /* y = 1 / (1 + e^-x)   */
    else
        tanh_forward(x, y, n);          /* y = tanh(x)          */
}

/* dx (n) = dy * act'(x): ReLU needs the input x, sigmoid and tanh only their output y. */
static void act_backward(activation a, const real *x, const real *y, const real *dy, real *dx, int n)
{
    if (a == RELU)
        relu_backward(x, dy, dx, n);    /* dy/dx = 1 if x > 0 else 0 */
    else if (a == SIGMOID)
        sigmoid_backward(y, dy, dx, n); /* dy/dx = y (1 - y)         */
    else
        tanh_backward(y, dy, dx, n);    /* dy/dx = 1 - y^2           */
}

/* The local derivative act'(x) of one number: backward with dy = 1. */
static double local_derivative(activation a, double x)
{
    real in = (real)x, out, one = 1, d;
    act_forward(a, &in, &out, 1);
    act_backward(a, &in, &out, &one, &d, 1);
    return (double)d;
}

static double act_value(activation a, double x)
{
    real in = (real)x, out;
    act_forward(a, &in, &out, 1);
    return (double)out;
}

/* ---- step 1: Intro to CNN's ReLU --------------------------------------------- */

static void show_seed_004_relu(void)
{
    static const real feature_map[4] = { -478, 494, 460, -477 };   /* (2, 2): Intro to CNN */
    real rectified[4], mask[4], ones[4] = { 1, 1, 1, 1 };
    relu_forward(feature_map, rectified, 4);
    relu_backward(feature_map, ones, mask, 4);
    tensor_print_2d(stdout, "feature map (2x2), Intro to CNN:", feature_map, 2, 2, 5);
    tensor_print_2d(stdout, "relu_forward: max(0, x), element by element:", rectified, 2, 2, 5);
    printf("The negative numbers become 0, the positive ones pass unchanged: the source's\n"
           "[[0, 494], [460, 0]]. Intro to CNN writes RELU(x) = 0 if x < 0, x if x >= 0.\n");
    tensor_print_2d(stdout, "its local derivative dy/dx (relu_backward with dy = 1): 1 where x > 0, else 0", mask,
                    2, 2, 5);
}

/* ---- step 2: the table ---------------------------------------------------- */

/* Intro to CNN's form of the sigmoid's derivative: (1 + e^-x)^-1 [1 - (1 + e^-x)^-1]. */
static double intro_sigmoid_derivative(double x)
{
    double s = 1.0 / (1.0 + exp(-x));
    return s * (1.0 - s);
}

static void show_table(void)
{
    printf("   x    sigmoid   s(1-s)     tanh     1-tanh^2   relu  relu'\n");
    double worst_seed_form = 0, worst_tanh_identity = 0;
    for (int x = -6; x <= 6; x++) {
        printf("  %+2d  %8.5f  %8.5f  %+8.5f  %8.5f   %4g   %g\n", x, act_value(SIGMOID, x),
               local_derivative(SIGMOID, x), act_value(TANH, x), local_derivative(TANH, x),
               act_value(RELU, x), local_derivative(RELU, x));
        worst_seed_form = fmax(worst_seed_form, fabs(intro_sigmoid_derivative(x) - local_derivative(SIGMOID, x)));
        worst_tanh_identity = fmax(worst_tanh_identity, fabs(act_value(TANH, x) - (2 * act_value(SIGMOID, 2 * x) - 1)));
    }
    printf("sigmoid' is largest at 0, where it is 0.25; tanh' is largest at 0, where it is 1.\n"
           "relu'(0) = 0 is a convention: ReLU has a corner there (step 6).\n");
    printf("Intro to CNN's form (1 + e^-x)^-1 [1 - (1 + e^-x)^-1] against sigmoid_backward: largest\n"
           "difference over the table %.1e (it is the same formula: s(1 - s) with s = (1 + e^-x)^-1).\n",
           worst_seed_form);
    printf("tanh is a stretched sigmoid, tanh(x) = 2 sigmoid(2x) - 1: largest difference %.1e.\n",
           worst_tanh_identity);
}

/* ---- step 3: saturation ---------------------------------------------------- */

static void show_saturation(void)
{
    printf("   x     tanh(x)    tanh'(x)   sigmoid'(x)\n");
    for (int x = 0; x <= 5; x++)
        printf("   %d   %.5f   %.5f    %.5f\n", x, act_value(TANH, x), local_derivative(TANH, x),
               local_derivative(SIGMOID, x));
    int first_small = 0;
    while (local_derivative(TANH, first_small) >= 0.01)
        first_small++;
    printf("Gonzalez: \"The tanh(x) function plateaus anywhere beyond +-1, which means that the\n"
           "gradient of this function is basically 0 anywhere beyond this middle range.\"\n");
    printf("At x = 1, tanh is %.2f and its gradient %.2f: 42%% of its largest value, far from 0.\n",
           act_value(TANH, 1), local_derivative(TANH, 1));
    printf("The gradient falls below 0.01 only from x = %d on (tanh'(%d) = %.5f), and is %.5f at 5.\n",
           first_small, first_small, local_derivative(TANH, first_small), local_derivative(TANH, 5));
    printf("What plateaus at +-1 is the OUTPUT: tanh(x) never leaves (-1, 1). The input range\n"
           "where the gradient vanishes starts around |x| = 3.\n");
}

/* ---- step 4: why ReLU: five layers deep ----------------------------------- */

static void show_chain_products(void)
{
    printf("Gonzalez, on AlexNet: \"networks with ReLUs train several times faster than those\n"
           "with tanh units\". Why? Backpropagation multiplies one local derivative per layer.\n"
           "Five layers, each "
           "with the same pre-activation z (and weights 1): the gradient that\n"
           "reaches the first layer is act'(z)^5.\n");
    printf("     z     sigmoid'(z)^5   tanh'(z)^5    relu'(z)^5\n");
    static const double zs[4] = { 0.5, 1, 2, 3 };
    for (int i = 0; i < 4; i++) {
        double z = zs[i];
        printf("  %4.1f     %.3e     %.3e     %.3e\n", z, pow(local_derivative(SIGMOID, z), 5),
               pow(local_derivative(TANH, z), 5), pow(local_derivative(RELU, z), 5));
    }
    printf("sigmoid' is at most 0.25, so five sigmoid layers divide the gradient by at least\n"
           "4^5 = 1024. tanh is kind near 0 and just as bad once saturated. ReLU passes the\n"
           "gradient unchanged wherever the unit is on (and blocks it where it is off).\n");
}

enum { DEPTH = 5, WIDTH = 16 };
#define STACK_CHECK_STEP 1e-4   /* see show_deep_stacks */

/* A stack of DEPTH dense layers, each followed by the activation:
 *   a_0 = x;  z_k = W_k^T a_{k-1} + b_k;  a_k = act(z_k);  L = sum_i R_i a_DEPTH[i]. */
typedef struct {
    activation act;
    real x[WIDTH];                          /* input (WIDTH)                   */
    real w[DEPTH][WIDTH * WIDTH];           /* W_k (WIDTH, WIDTH)              */
    real b[DEPTH][WIDTH];                   /* b_k (WIDTH), zero               */
    real z[DEPTH][WIDTH], a[DEPTH][WIDTH];  /* pre-activations and activations */
    real r[WIDTH];                          /* R: dL/da_DEPTH (WIDTH)          */
    real dx[WIDTH];                         /* dL/dx, from backward            */
    double dz_norm[DEPTH];                  /* |dL/dz_k|, from backward        */
} stack;

static void stack_init(stack *s, activation act)
{
    rng_t rng = rng_seeded(4);   /* the same input and R for all three stacks */
    s->act = act;
    for (int i = 0; i < WIDTH; i++)
        s->x[i] = (real)rng_normal(&rng);
    for (int i = 0; i < WIDTH; i++)
        s->r[i] = (real)rng_normal(&rng);
    rng_t init = rng_seeded(40);
    for (int k = 0; k < DEPTH; k++) {
        if (act == RELU)
            init_he_normal(&init, s->w[k], WIDTH * WIDTH, WIDTH);               /* N(0, 2/fan_in) */
        else
            init_xavier_uniform(&init, s->w[k], WIDTH * WIDTH, WIDTH, WIDTH);  /* U(-a, a) */
        tensor_fill(s->b[k], WIDTH, 0);
    }
}

static double stack_forward(stack *s)
{
    const real *in = s->x;
    for (int k = 0; k < DEPTH; k++) {
        dense_forward(in, s->w[k], s->b[k], s->z[k], WIDTH, WIDTH);   /* z_k = W_k^T a_{k-1} + b_k */
        act_forward(s->act, s->z[k], s->a[k], WIDTH);                 /* a_k = act(z_k)            */
        in = s->a[k];
    }
    return (double)tensor_dot(s->r, s->a[DEPTH - 1], WIDTH);          /* L = R . a_DEPTH           */
}

/* Chain rule from the top: dL/da_DEPTH = R, then per layer
 *   dL/dz_k = dL/da_k * act'(z_k)          dL/da_{k-1} = W_k dL/dz_k
 * down to dL/da_0 = dL/dx. (dense_backward also gives dL/dW_k; not kept.) */
static void stack_backward(stack *s)
{
    real da[WIDTH], dz[WIDTH], dw[WIDTH * WIDTH], db[WIDTH];
    tensor_copy(da, s->r, WIDTH);
    for (int k = DEPTH - 1; k >= 0; k--) {
        act_backward(s->act, s->z[k], s->a[k], da, dz, WIDTH);
        s->dz_norm[k] = sqrt((double)tensor_dot(dz, dz, WIDTH));
        const real *in = k > 0 ? s->a[k - 1] : s->x;
        tensor_fill(dw, WIDTH * WIDTH, 0);
        tensor_fill(db, WIDTH, 0);
        dense_backward(in, s->w[k], dz, dw, db, da, WIDTH, WIDTH);   /* da becomes dL/da_{k-1} */
    }
    tensor_copy(s->dx, da, WIDTH);
}

static double stack_loss(void *ctx)
{
    return stack_forward((stack *)ctx);
}

static stack stacks[3];   /* relu, sigmoid, tanh: static, they hold a few thousand numbers */

static void show_deep_stacks(void)
{
    printf("\nThe same with real layers: %d dense layers of %d units, each followed by the\n"
           "activation, one input, L = sum R_i a_i at the top (R fixed and random). Weights:\n"
           "Xavier for sigmoid and tanh, He for ReLU (src/rng.c), each the recommended start.\n",
           DEPTH, WIDTH);
    printf("  |dL/dz_k| at layer k:  ");
    for (int k = DEPTH; k >= 1; k--)
        printf("     k=%d", k);
    printf("   per layer\n");
    for (int a = 0; a < 3; a++) {
        stack *s = &stacks[a];
        stack_init(s, (activation)a);
        stack_forward(s);
        stack_backward(s);
        printf("  %-22s ", activation_name[a]);
        for (int k = DEPTH - 1; k >= 0; k--)
            printf(" %7.4f", s->dz_norm[k]);
        printf("   x %.2f\n", pow(s->dz_norm[0] / s->dz_norm[DEPTH - 1], 1.0 / (DEPTH - 1)));
    }
    printf("(\"per layer\": the average factor from one layer down to the next.) The sigmoid's\n"
           "gradient shrinks about fourfold per layer, as its slope of at most 0.25 predicts.\n"
           "tanh, started with small weights, runs in its near-linear middle and loses less,\n"
           "but still loses. ReLU keeps it: the slope of an active unit is exactly 1. That is\n"
           "AlexNet's point: a deep ReLU network still learns in its lower layers.\n");
    int dims[1] = { WIDTH };
    gradcheck_result small_h = gradcheck_tensor("dx", stacks[SIGMOID].x, stacks[SIGMOID].dx, dims, 1,
                                                stack_loss, &stacks[SIGMOID], GRADCHECK_STEP);
    printf("\nGradient check of each stack's whole backward pass, dL/dx at the input.\n"
           "At the bottom of the sigmoid stack the gradient is tiny (down to %.1e),\n"
           "while the round-off of a central difference, about eps |L| / h, is not:\n"
           "with h = %g the sigmoid stack's check reaches %.1e (%s).\n"
           "A larger h = %g trades round-off for a little truncation error\n"
           "(lesson 02 draws that trade-off):\n", fabs(small_h.analytic), GRADCHECK_STEP,
           small_h.max_rel_error, gradcheck_band(small_h.max_rel_error), STACK_CHECK_STEP);
    for (int a = 0; a < 3; a++) {
        char name[32];
        snprintf(name, sizeof name, "dx %s", activation_name[a]);
        gradcheck_result r = gradcheck_tensor(name, stacks[a].x, stacks[a].dx, dims, 1, stack_loss,
                                              &stacks[a], STACK_CHECK_STEP);
        gradcheck_print(stdout, &r);
    }
    printf("AlexNet's paper (Krizhevsky et al. 2012, Figure 1): a four-layer CNN with ReLUs\n"
           "reached 25%% training error on CIFAR-10 six times faster than with tanh units.\n");
}

/* ---- step 5 and 6: gradient checks, and the kink --------------------------- */

enum { N_CHECK = 8 };

/* The projection loss L = sum_i R_i act(x_i), so that dL/dy = R. */
typedef struct {
    activation act;
    int n;
    real x[N_CHECK], r[N_CHECK];
} projection;

static double projection_loss(void *ctx)
{
    projection *p = ctx;
    real y[N_CHECK];
    act_forward(p->act, p->x, y, p->n);
    return (double)tensor_dot(p->r, y, p->n);
}

/* Analytic dL/dx by the library's backward pass, then the central-difference check. */
static gradcheck_result check_activation(projection *p, const char *name)
{
    real y[N_CHECK], dx[N_CHECK];
    int dims[1] = { p->n };
    act_forward(p->act, p->x, y, p->n);
    act_backward(p->act, p->x, y, p->r, dx, p->n);   /* dL/dx = R * act'(x) */
    return gradcheck_tensor(name, p->x, dx, dims, 1, projection_loss, p, GRADCHECK_STEP);
}

static void show_gradient_checks(void)
{
    rng_t rng = rng_seeded(404);
    projection p;
    p.n = N_CHECK;
    for (int i = 0; i < N_CHECK; i++)
        p.x[i] = (real)(3 * rng_normal(&rng));
    for (int i = 0; i < N_CHECK; i++)
        p.r[i] = (real)rng_normal(&rng);
    tensor_print_2d(stdout, "x (8), from N(0, 9): none of them within h of 0", p.x, 1, N_CHECK, 7);
    printf("L = sum_i R_i act(x_i) with R fixed and random, so dL/dy = R and the backward\n"
           "pass must return dL/dx = R * act'(x). h = %g:\n", GRADCHECK_STEP);
    for (int a = 0; a < 3; a++) {
        char name[32];
        p.act = (activation)a;
        snprintf(name, sizeof name, "dx %s", activation_name[a]);
        gradcheck_result r = check_activation(&p, name);
        gradcheck_print(stdout, &r);
    }
}

/* relu_backward checked on x = (1.5, -0.7, at, 2) with R = 1 (so L = sum relu(x_i)). */
static void check_relu_at(double at, const char *name)
{
    projection p = { RELU, 4, { 1.5, -0.7, (real)at, 2 }, { 1, 1, 1, 1 } };
    gradcheck_result r = check_activation(&p, name);
    gradcheck_print(stdout, &r);
}

static void show_kink(void)
{
    const double h = GRADCHECK_STEP;
    printf("ReLU has a corner at 0: slope 0 on the left, 1 on the right. A central difference\n"
           "that straddles it, (relu(x + h) - relu(x - h)) / 2h with x - h < 0 < x + h, sees\n"
           "part of each side: (x + h) / 2h. At x = 0 that is the average of the two slopes, 0.5.\n");
    printf("x = (1.5, -0.7, x3, 2), L = sum relu(x_i), h = %g; the third input moves:\n", h);
    check_relu_at(0.25, "x3 = 0.25");
    check_relu_at(2e-5, "x3 = 2e-5");
    check_relu_at(0.0, "x3 = 0");
    check_relu_at(0.5e-5, "x3 = 0.5e-5");
    check_relu_at(0.9999e-5, "x3 = 0.9999e-5");
    printf("x3 = 0.25 and x3 = 2e-5 (two steps h from 0): good, the probes stay on one side.\n"
           "x3 = 0: relu_backward says 0 (our convention at the kink), the difference says\n"
           "(0 + h) / 2h = 0.5: \"wrong\", by a relative error of 1. x3 = 0.5e-5: 1 against\n"
           "(x + h)/2h = 0.75. x3 = 0.9999e-5, just inside h: 1 against 0.99995, \"look closer\".\n");
    printf("None of these is a bug in relu_backward: at 0 the function has no derivative, and\n"
           "any slope between 0 and 1 is a valid choice. A check that fails at the kink says\n"
           "\"some input is within h of 0\": look at the worst index, and at that input.\n");
}

int main(int argc, char **argv)
{
    lesson_start(argc, argv, "Lesson 04: activations: ReLU, sigmoid, tanh and their gradients", 0);

    lesson_step(1, "ReLU on Intro to CNN's feature map");
    show_seed_004_relu();

    lesson_step(2, "sigmoid, tanh and ReLU with their local derivatives, x = -6..6");
    show_table();

    lesson_step(3, "Saturation: where the tanh gradient vanishes");
    show_saturation();

    lesson_step(4, "Why AlexNet chose ReLU: the gradient five layers down");
    show_chain_products();
    show_deep_stacks();

    lesson_step(5, "Gradient checks of relu_backward, sigmoid_backward, tanh_backward");
    show_gradient_checks();

    lesson_step(6, "The kink at 0 and the gradient check");
    show_kink();
    printf("\nNext: lesson 05, pooling, forward and backward (notes/05_pooling.md; build/lessons/05_pooling).\n");
    return 0;
}
