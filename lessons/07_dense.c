/* Lesson 07: dense layers and a first complete network.
 *
 * Intro to CNN's fully connected layer Z = W^T X + b on the source's own shapes:
 * a 2x2 feature map flattened into 4 inputs, 2 neurons, so W is 4x2 and Z
 * has 2 numbers. Its backward pass dW = X dZ^T, db = dZ, dX = W dZ, derived,
 * printed and checked against central differences.
 *
 * Then Intro to CNN's whole small network, on numbers small enough to follow on
 * paper:
 *     X (3x3) -conv f (2x2)-> Z1 (2x2) -sigmoid-> A1 -flatten-> (4)
 *            -dense W (4x1), b-> Z2 -sigmoid-> O,     E = (y' - O)^2 / 2
 * forward with every intermediate; backward one chain-rule factor at a time,
 * in exactly the source's order (dE/dO, dO/dZ2, dZ2/dW; dZ2/dA1, dA1/dZ1,
 * dZ1/df); the gradients checked against central differences; and one step
 * of gradient descent, f = f - lr dE/df and W = W - lr dE/dW, that lowers E.
 *
 * Run: build/lessons/07_dense [--step]      Notes: notes/07_dense.md */
#include <stdio.h>
#include <string.h>

#include "activation.h"  /* sigmoid_forward, sigmoid_backward */
#include "conv.h"        /* conv2d_shape, conv2d_setup, conv2d_forward, conv2d_backward */
#include "dense.h"       /* dense_forward, dense_backward */
#include "gradcheck.h"   /* gradcheck_result, gradcheck_tensor, GRADCHECK_STEP, gradcheck_print */
#include "lesson.h"      /* lesson_start, lesson_step */
#include "loss.h"        /* mse_loss, mse_backward */
#include "tensor.h"      /* tensor_dot, tensor_print_2d, tensor_max_abs_diff */

/* ------------------------------------------------------------------ printing */

/* "name = [a, b, c]" with 6 decimals. */
static void print_vector(const char *name, const real *v, int n)
{
    printf("%s = [", name);
    for (int i = 0; i < n; i++)
        printf("%s%.6f", i ? ", " : "", (double)v[i]);
    printf("]\n");
}

/* "<what> agree" when two computations differ by at most 1e-12 (rounding). */
static void print_agreement(const char *what, double max_abs_diff)
{
    if (max_abs_diff <= 1e-12)
        printf("%s agree (largest difference below 1e-12)\n", what);
    else
        printf("%s DIFFER by up to %.3g\n", what, max_abs_diff);
}

/* "a*b" with negative factors in parentheses, as in lesson 01. */
static void print_product(const char *sep, real a, real b)
{
    printf("%s", sep);
    printf((double)a < 0 ? "(%g)" : "%g", (double)a);
    printf("*");
    printf((double)b < 0 ? "(%g)" : "%g", (double)b);
}

/* ------------------------------------------------------------------ part 1: one dense layer */

#define N_IN 4    /* Intro to CNN: "we have 4 features from the convolution layer" */
#define N_OUT 2   /* Intro to CNN: "if we have two neurons" */

static const real feature_map[2 * 2] = {   /* (2, 2): the output of some conv/pool layer */
    1, 2,
    -1, 0.5,
};
static const real dense_w[N_IN * N_OUT] = {   /* W (4, 2): W[i][j] joins input i to neuron j */
    0.1, -0.2,
    0.3, 0.4,
    -0.5, 0.6,
    0.2, -0.1,
};
static const real dense_b[N_OUT] = { 0.1, -0.2 };   /* b (2) */
/* A "projection loss" L = 1 * z1 - 0.5 * z2, so dL/dZ = (1, -0.5): an upstream gradient. */
static const real dense_dz[N_OUT] = { 1, -0.5 };

/* z_j by hand: "z1 = w11*x1 + w21*x2 + w31*x3 + w41*x4 + b1 = ... = 1.4". */
static real neuron_by_hand(const real *x, int j)
{
    real z = dense_b[j];
    printf("  z%d = w1%d*x1 + w2%d*x2 + w3%d*x3 + w4%d*x4 + b%d\n     = ", j + 1, j + 1, j + 1, j + 1,
           j + 1, j + 1);
    for (int i = 0; i < N_IN; i++) {
        print_product(i ? " + " : "", dense_w[i * N_OUT + j], x[i]);
        z += dense_w[i * N_OUT + j] * x[i];
    }
    print_product(" + ", dense_b[j], 1);
    printf(" = %g\n", (double)z);
    return z;
}

typedef struct {       /* what the projection loss L = sum_j R[j] * Z[j] needs */
    real *x, *w, *b;   /* X (n_in), W (n_in, n_out), b (n_out): the tensors we nudge */
    const real *r;     /* R (n_out) = dL/dZ */
    int n_in, n_out;
} dense_check;

static double dense_projection_loss(void *ctx)
{
    dense_check *c = ctx;
    real z[N_OUT];
    dense_forward(c->x, c->w, c->b, z, c->n_in, c->n_out);
    return (double)tensor_dot(c->r, z, (size_t)c->n_out);
}

static void step_flatten(real *x /* (4) */)
{
    tensor_print_2d(stdout, "a 2x2 feature map (the output of a conv or pooling layer):", feature_map, 2, 2, 4);
    memcpy(x, feature_map, sizeof feature_map);
    printf("Flatten reads it row by row into one column of %d inputs:\n", N_IN);
    print_vector("  X = (x1, x2, x3, x4)", x, N_IN);
    printf("In C this costs nothing: a (2, 2) array stored row-major already IS those 4 numbers\n"
           "in that order (element (y, x) sits at index y * 2 + x); flatten only changes the\n"
           "shape we write in the comment. Intro to CNN: \"transforming the entire pooled feature map\n"
           "matrix into a single column\".\n");
}

static void step_dense_forward(const real *x, real *z /* (2) */)
{
    printf("Intro to CNN: Z = W^T . X + b, with W of shape (m, n) = (inputs, neurons) = (4, 2).\n");
    tensor_print_2d(stdout, "W (4x2), row i = input i, column j = neuron j (w_ij):", dense_w, N_IN, N_OUT, 5);
    real wt[N_OUT * N_IN];
    for (int i = 0; i < N_IN; i++)
        for (int j = 0; j < N_OUT; j++)
            wt[j * N_IN + i] = dense_w[i * N_OUT + j];
    tensor_print_2d(stdout, "W^T (2x4): row j holds the 4 weights INTO neuron j: w1j w2j w3j w4j", wt, N_OUT,
                    N_IN, 5);
    print_vector("b", dense_b, N_OUT);
    printf("Z = W^T X + b, one row of W^T times X per neuron:\n");
    real by_hand[N_OUT];
    for (int j = 0; j < N_OUT; j++)
        by_hand[j] = neuron_by_hand(x, j);
    dense_forward(x, dense_w, dense_b, z, N_IN, N_OUT);
    print_vector("dense_forward (src/dense.c): Z", z, N_OUT);
    print_agreement("dense_forward and the hand computation", tensor_max_abs_diff(by_hand, z, N_OUT));
    printf("Z is 2x1: one number per neuron. Intro to CNN labels it Z_{2x2}: a typo.\n"
           "Intro to CNN also writes W^T's rows as w11 w12 w13 w14 / w21 w22 w23 w24. In its own\n"
           "W (4x2) there is no w13 or w14, and w12 is input 1's weight into neuron 2: the\n"
           "first row of W^T is w11 w21 w31 w41, as printed above. (Its last line also drops b.)\n");
}

static void check_dense_gradients(real *x, const real *dw, const real *db, const real *dx)
{
    real w[N_IN * N_OUT], b[N_OUT];
    memcpy(w, dense_w, sizeof w);
    memcpy(b, dense_b, sizeof b);
    dense_check c = { x, w, b, dense_dz, N_IN, N_OUT };
    int w_dims[2] = { N_IN, N_OUT }, b_dims[1] = { N_OUT }, x_dims[1] = { N_IN };
    gradcheck_result r;
    r = gradcheck_tensor("dL/dW", w, dw, w_dims, 2, dense_projection_loss, &c, GRADCHECK_STEP);
    gradcheck_print(stdout, &r);
    r = gradcheck_tensor("dL/db", b, db, b_dims, 1, dense_projection_loss, &c, GRADCHECK_STEP);
    gradcheck_print(stdout, &r);
    r = gradcheck_tensor("dL/dX", x, dx, x_dims, 1, dense_projection_loss, &c, GRADCHECK_STEP);
    gradcheck_print(stdout, &r);
}

static void step_dense_backward(real *x)
{
    printf("Z[j] = sum_i W[i][j] X[i] + b[j]. Each weight touches one output, so:\n"
           "  dZ[j]/dW[i][j] = X[i]   ->  dL/dW[i][j] = X[i] * dL/dZ[j]         dW = X dZ^T (4x2, like W)\n"
           "  dZ[j]/db[j]    = 1      ->  dL/db[j]    = dL/dZ[j]                db = dZ     (2)\n"
           "  dZ[j]/dX[i]    = W[i][j] -> dL/dX[i]    = sum_j W[i][j] dL/dZ[j]  dX = W dZ   (4, like X)\n"
           "X feeds every neuron, so its gradient adds up over j; that sum is W times dZ (not W^T).\n");
    printf("Take L = 1*z1 - 0.5*z2 (any upstream layer would hand us some dL/dZ):\n");
    print_vector("  dZ = dL/dZ", dense_dz, N_OUT);
    real dw[N_IN * N_OUT] = { 0 }, db[N_OUT] = { 0 }, dx[N_IN];
    printf("By hand, one element of each:\n  dW[2][1] = x3 * dz2 = ");
    print_product("", x[2], dense_dz[1]);
    printf(" = %g\n  db[1]    = dz2 = %g\n  dX[0]    = w11*dz1 + w12*dz2 = ", (double)(x[2] * dense_dz[1]),
           (double)dense_dz[1]);
    print_product("", dense_w[0], dense_dz[0]);
    print_product(" + ", dense_w[1], dense_dz[1]);
    printf(" = %g\n", (double)(dense_w[0] * dense_dz[0] + dense_w[1] * dense_dz[1]));
    dense_backward(x, dense_w, dense_dz, dw, db, dx, N_IN, N_OUT);
    tensor_print_2d(stdout, "dense_backward: dL/dW (4x2) = X dZ^T, row i is x_i * (dz1, dz2):", dw, N_IN, N_OUT,
                    5);
    print_vector("dense_backward: dL/db", db, N_OUT);
    print_vector("dense_backward: dL/dX", dx, N_IN);
    printf("Central differences on L (h = %g; CS231n relative error, good <= 1e-7):\n", GRADCHECK_STEP);
    check_dense_gradients(x, dw, db, dx);
}

/* ------------------------------------------------------------------ part 2: Intro to CNN's small network */

#define IMG 3                 /* X is 3x3 */
#define K 2                   /* f is 2x2 */
#define FEAT 4                /* Z1, A1: 2x2 = 4 features, Intro to CNN's "4 features" */
#define LEARNING_RATE 1.0

typedef struct {
    real x[IMG * IMG];   /* X (1, 3, 3): the image                          */
    real f[K * K];       /* f (1, 1, 2, 2): the filter, learned              */
    real w[FEAT];        /* W (4, 1): dense weights, learned                 */
    real b[1];           /* b (1): dense bias, learned                       */
    real target;         /* y': 1 = "the image is of the class", 0 = not     */
} tiny_net;

typedef struct {
    real z1[FEAT];       /* Z1 = X * f           (2, 2)                    */
    real a1[FEAT];       /* A1 = sigmoid(Z1)     (2, 2), flattened to (4)  */
    real z2[1];          /* Z2 = W^T A1 + b      (1)                       */
    real o[1];           /* O  = sigmoid(Z2)     (1)                       */
    double e;            /* E  = (y' - O)^2 / 2                            */
} tiny_forward;

typedef struct {
    real df[K * K], dw[FEAT], db[1];   /* dE/df (2,2), dE/dW (4,1), dE/db (1) */
} tiny_grads;

static const tiny_net initial_net = {
    { 1, 0, 2,
      0, 1, 1,
      2, 1, 0 },
    { 0.5, -0.5,
      0.25, 0.1 },
    { 0.4, -0.3, 0.2, 0.6 },
    { -0.1 },
    1,
};

static conv2d_shape net_conv_shape(void)
{
    conv2d_shape s;
    conv2d_setup(&s, 1, IMG, IMG, 1, K, 1, 0);   /* 1 channel in, 1 filter, stride 1, no padding */
    return s;
}

/* Forward through the library, in Intro to CNN's five steps. */
static void net_forward(const tiny_net *n, tiny_forward *t)
{
    conv2d_shape s = net_conv_shape();
    real no_bias = 0;                                     /* Intro to CNN: Z1 = X * f, no bias     */
    conv2d_forward(&s, n->x, n->f, &no_bias, t->z1);      /* Z1 = X * f          dZ1/df = X    */
    sigmoid_forward(t->z1, t->a1, FEAT);                  /* A1 = sigmoid(Z1)    dA1/dZ1 = A1(1-A1) */
    dense_forward(t->a1, n->w, n->b, t->z2, FEAT, 1);     /* Z2 = W^T A1 + b     dZ2/dW = A1, dZ2/dA1 = W^T */
    sigmoid_forward(t->z2, t->o, 1);                      /* O = sigmoid(Z2)     dO/dZ2 = O(1-O) */
    t->e = mse_loss(t->o, &n->target, 1);                 /* E = (y' - O)^2 / 2  dE/dO = -(y' - O) */
}

/* Backward through the library: the same chain, right to left. */
static void net_backward(const tiny_net *n, const tiny_forward *t, tiny_grads *g)
{
    conv2d_shape s = net_conv_shape();
    real d_o[1], d_z2[1], d_a1[FEAT], d_z1[FEAT], d_no_bias = 0;
    memset(g, 0, sizeof *g);                              /* the backward functions ADD into dW, db, df */
    mse_backward(t->o, &n->target, d_o, 1);               /* dE/dO  = -(y' - O)            */
    sigmoid_backward(t->o, d_o, d_z2, 1);                 /* dE/dZ2 = dE/dO * O(1-O)       */
    dense_backward(t->a1, n->w, d_z2, g->dw, g->db, d_a1, FEAT, 1);   /* dE/dW = A1 dE/dZ2, dE/dA1 = W dE/dZ2 */
    sigmoid_backward(t->a1, d_a1, d_z1, FEAT);            /* dE/dZ1 = dE/dA1 * A1(1-A1)    */
    conv2d_backward(&s, n->x, n->f, d_z1, g->df, &d_no_bias, NULL);   /* dE/df = X convolved with dE/dZ1 */
}

static void step_network_forward(const tiny_net *n, tiny_forward *t)
{
    printf("The network of Intro to CNN's \"Forward Propagation Summary\", with small numbers of our own:\n"
           "  X (3x3) -conv f (2x2)-> Z1 (2x2) -sigmoid-> A1 -flatten-> 4 -dense W (4x1), b-> Z2\n"
           "  -sigmoid-> O (one number in (0, 1)),   E = (y' - O)^2 / 2\n"
           "A 3x3 image and a 2x2 filter give 2x2 = 4 features, the source's \"4 features from the\n"
           "convolution layer\". The source solves \"a binary classification problem\" with a sigmoid\n"
           "output: one neuron is enough, O = P(class 1) and 1 - O = P(class 0), so W is 4x1, not 4x2\n"
           "(two sigmoid neurons would give two unrelated yes/no answers; lesson 08's softmax is the\n"
           "many-class version). The label is y' = %g.\n", (double)n->target);
    net_forward(n, t);
    tensor_print_2d(stdout, "X (3x3):", n->x, IMG, IMG, 5);
    tensor_print_2d(stdout, "f (2x2):", n->f, K, K, 5);
    printf("Source step 2, Z1 = X * f (slide f over X as in lesson 01), e.g. the top-left window:\n  Z1[0][0] = ");
    for (int i = 0; i < K; i++)
        for (int j = 0; j < K; j++)
            print_product(i || j ? " + " : "", n->x[i * IMG + j], n->f[i * K + j]);
    printf(" = %g\n", (double)t->z1[0]);
    tensor_print_2d(stdout, "Z1 (2x2):", t->z1, 2, 2, 10);
    printf("Source step 3, A1 = sigmoid(Z1) = 1 / (1 + e^-Z1), element by element:\n");
    tensor_print_2d(stdout, "A1 (2x2):", t->a1, 2, 2, 10);
    print_vector("flatten: A1", t->a1, FEAT);
    printf("Source step 4, Z2 = W^T A1 + b:\n");
    print_vector("  W (4x1)", n->w, FEAT);
    printf("  b = %g\n  Z2 = ", (double)n->b[0]);
    for (int i = 0; i < FEAT; i++)
        printf((double)n->w[i] < 0 ? "%s(%g)*%.6f" : "%s%g*%.6f", i ? " + " : "", (double)n->w[i],
               (double)t->a1[i]);
    printf(" + (%g) = %.6f\n", (double)n->b[0], (double)t->z2[0]);
    printf("Source step 5, O = sigmoid(Z2) = %.6f\n", (double)t->o[0]);
    printf("Error: E = (y' - O)^2 / 2 = (%g - %.6f)^2 / 2 = %.6f\n", (double)n->target, (double)t->o[0], t->e);
    printf("(E is Intro to CNN's loss: half the squared error, whose derivative -(y' - O) has no 2 in\n"
           "it. Classifiers usually use the cross-entropy instead: see step 5 and lesson 08.)\n");
}

/* dE/dZ2 = dE/dO * dO/dZ2, the factor shared by every gradient below. */
static real step_dense_chain(const tiny_net *n, const tiny_forward *t, tiny_grads *g)
{
    real o = t->o[0];
    real de_do = -(n->target - o);          /* E = (y' - O)^2 / 2 */
    real do_dz2 = o * (1 - o);              /* O = sigmoid(Z2)    */
    real de_dz2 = de_do * do_dz2;
    printf("Intro to CNN: dE/dW = dE/dO . dO/dZ2 . dZ2/dW. One factor at a time:\n");
    printf("1. dE/dO  = -(y' - O) = -(%g - %.6f) = %.6f\n", (double)n->target, (double)o, (double)de_do);
    printf("2. dO/dZ2 = O(1 - O) = %.6f * %.6f = %.6f      (the sigmoid's derivative)\n", (double)o,
           (double)(1 - o), (double)do_dz2);
    printf("   so dE/dZ2 = dE/dO * dO/dZ2 = %.6f * %.6f = %.6f\n", (double)de_do, (double)do_dz2,
           (double)de_dz2);
    printf("3. dZ2/dW = A1 (Z2 = w1 a1 + w2 a2 + w3 a3 + w4 a4 + b)\n");
    for (int i = 0; i < FEAT; i++)
        g->dw[i] = de_dz2 * t->a1[i];
    print_vector("   A1", t->a1, FEAT);
    print_vector("   dE/dW = dE/dZ2 * A1 (4x1, the shape of W)", g->dw, FEAT);
    printf("   Intro to CNN writes this step as \"Z_2 = W_T . A_1 + b\": W_T is W^T, the transpose.\n");
    g->db[0] = de_dz2;                      /* dZ2/db = 1 */
    printf("   The bias (the source: \"try to solve that yourself\"): dZ2/db = 1, so\n"
           "   dE/db = dE/dZ2 * 1 = %.6f\n", (double)g->db[0]);
    printf("   (With the cross-entropy -y' ln O - (1-y') ln(1-O) instead of E, the O(1-O) cancels and\n"
           "   dE/dZ2 = O - y' = %.6f: %.1f times larger here. Lesson 08 does this for softmax.)\n",
           (double)(o - n->target), (double)((o - n->target) / de_dz2));
    return de_dz2;
}

/* dE/df[i][j] = sum_{r,c} X[r+i][c+j] * dZ1[r][c], window by window. */
static void filter_gradient_by_hand(const real *x, const real *dz1, real *df)
{
    for (int i = 0; i < K; i++)
        for (int j = 0; j < K; j++) {
            real sum = 0;
            printf("   dE/df[%d][%d] = ", i, j);
            for (int r = 0; r < 2; r++)
                for (int c = 0; c < 2; c++) {
                    printf("%s%g*(%.6f)", r || c ? " + " : "", (double)x[(r + i) * IMG + c + j],
                           (double)dz1[r * 2 + c]);
                    sum += x[(r + i) * IMG + c + j] * dz1[r * 2 + c];
                }
            printf(" = %.6f\n", (double)sum);
            df[i * K + j] = sum;
        }
}

static void step_conv_chain(const tiny_net *n, const tiny_forward *t, real de_dz2, tiny_grads *g)
{
    real de_da1[FEAT], da1_dz1[FEAT], de_dz1[FEAT];
    printf("Intro to CNN: dE/df = dE/dO . dO/dZ2 . dZ2/dA1 . dA1/dZ1 . dZ1/df. The first two factors\n"
           "are done (dE/dZ2 = %.6f); the rest:\n", (double)de_dz2);
    printf("4. dZ2/dA1 = W^T: Z2 = W^T A1 + b is linear in A1. Going backward multiplies by the\n"
           "   transpose of that, W: dE/dA1 = W dE/dZ2 (lesson step 3's dX = W dZ)\n");
    for (int i = 0; i < FEAT; i++)
        de_da1[i] = n->w[i] * de_dz2;
    print_vector("   dE/dA1 = W * dE/dZ2", de_da1, FEAT);
    printf("5. dA1/dZ1 = A1(1 - A1), element by element (each a1 depends on its own z1 only)\n");
    for (int i = 0; i < FEAT; i++) {
        da1_dz1[i] = t->a1[i] * (1 - t->a1[i]);
        de_dz1[i] = de_da1[i] * da1_dz1[i];
    }
    print_vector("   A1(1 - A1)", da1_dz1, FEAT);
    print_vector("   dE/dZ1 = dE/dA1 * A1(1 - A1)", de_dz1, FEAT);
    tensor_print_2d(stdout, "   back into the shape of Z1, dE/dZ1 (2x2):", de_dz1, 2, 2, 12);
    printf("6. dZ1/df = X: each f[i][j] multiplies X[r+i][c+j] in output Z1[r][c], and f is used\n"
           "   at all 4 positions, so its gradient sums over them: slide dE/dZ1 (2x2) over X (3x3),\n"
           "   a convolution of X with dE/dZ1, \"instead of using a simple dot product\" (Intro to CNN):\n");
    filter_gradient_by_hand(n->x, de_dz1, g->df);
    tensor_print_2d(stdout, "   dE/df (2x2, the shape of f):", g->df, K, K, 12);
    printf("   Intro to CNN says \"Differentiating Z with respect to X will simply give us X\": it means\n"
           "   with respect to f. (The derivative with respect to X involves f instead; lesson 06\n"
           "   uses it to pass the gradient further back. Here X is the data: nothing to learn.)\n");
}

typedef struct {
    tiny_net *net;   /* the gradient check nudges net->f, net->w, net->b in place */
} net_check;

static double net_error(void *ctx)
{
    net_check *c = ctx;
    tiny_forward t;
    net_forward(c->net, &t);
    return t.e;
}

static void step_check_network(tiny_net *n, const tiny_forward *t, const tiny_grads *by_hand)
{
    tiny_grads lib;
    net_backward(n, t, &lib);
    printf("The same chain through the library: mse_backward, sigmoid_backward, dense_backward,\n"
           "sigmoid_backward, conv2d_backward (net_backward in this file).\n");
    print_agreement("dE/df from the library and by hand", tensor_max_abs_diff(lib.df, by_hand->df, K * K));
    print_agreement("dE/dW from the library and by hand", tensor_max_abs_diff(lib.dw, by_hand->dw, FEAT));
    print_agreement("dE/db from the library and by hand", tensor_max_abs_diff(lib.db, by_hand->db, 1));
    printf("Central differences on E itself, nudging each parameter by h = %g:\n", GRADCHECK_STEP);
    net_check c = { n };
    int f_dims[2] = { K, K }, w_dims[2] = { FEAT, 1 }, b_dims[1] = { 1 };
    gradcheck_result r;
    r = gradcheck_tensor("dE/df", n->f, lib.df, f_dims, 2, net_error, &c, GRADCHECK_STEP);
    gradcheck_print(stdout, &r);
    r = gradcheck_tensor("dE/dW", n->w, lib.dw, w_dims, 2, net_error, &c, GRADCHECK_STEP);
    gradcheck_print(stdout, &r);
    r = gradcheck_tensor("dE/db", n->b, lib.db, b_dims, 1, net_error, &c, GRADCHECK_STEP);
    gradcheck_print(stdout, &r);
}

static double squared_norm(const tiny_grads *g)
{
    return (double)(tensor_dot(g->df, g->df, K * K) + tensor_dot(g->dw, g->dw, FEAT) + g->db[0] * g->db[0]);
}

/* new_parameter = old_parameter - learning_rate * gradient_of_parameter (Intro to CNN). */
static void gradient_descent_step(tiny_net *n, const tiny_grads *g, double lr)
{
    for (int i = 0; i < K * K; i++)
        n->f[i] -= (real)lr * g->df[i];
    for (int i = 0; i < FEAT; i++)
        n->w[i] -= (real)lr * g->dw[i];
    n->b[0] -= (real)lr * g->db[0];
}

static void step_update(tiny_net *n, const tiny_forward *t, const tiny_grads *g)
{
    printf("Intro to CNN: f = f - lr * dE/df and W_new = W_old - lr * dE/dW (and b likewise), lr = %g:\n",
           LEARNING_RATE);
    double e_before = t->e, predicted = LEARNING_RATE * squared_norm(g);
    gradient_descent_step(n, g, LEARNING_RATE);
    tensor_print_2d(stdout, "new f (2x2):", n->f, K, K, 10);
    print_vector("new W", n->w, FEAT);
    printf("new b = %.6f\n", (double)n->b[0]);
    tiny_forward after;
    net_forward(n, &after);
    printf("E before: %.6f   O before: %.6f\nE after:  %.6f   O after:  %.6f   (O moved towards y' = %g)\n",
           e_before, (double)t->o[0], after.e, (double)after.o[0], (double)n->target);
    printf("To first order a step of -lr * gradient lowers E by lr * |gradient|^2 = %.6f;\n"
           "it fell by %.6f (the rest is curvature).\n", predicted, e_before - after.e);
    printf("Keep stepping (forward, backward, update):\n  step  E\n     1  %.6f\n", after.e);
    for (int step = 2; step <= 50; step++) {
        tiny_grads g2;
        net_backward(n, &after, &g2);
        gradient_descent_step(n, &g2, LEARNING_RATE);
        net_forward(n, &after);
        if (step == 2 || step == 5 || step % 10 == 0)
            printf("  %4d  %.6f   O = %.6f\n", step, after.e, (double)after.o[0]);
    }
}

int main(int argc, char **argv)
{
    lesson_start(argc, argv, "Lesson 07: dense layers and a first complete network", 0);

    real x[N_IN], z[N_OUT];
    lesson_step(1, "Flatten: a 2x2 feature map becomes 4 inputs");
    step_flatten(x);

    lesson_step(2, "A dense layer: Z = W^T X + b (Intro to CNN: 4 inputs, 2 neurons)");
    step_dense_forward(x, z);

    lesson_step(3, "Its backward pass: dW = X dZ^T, db = dZ, dX = W dZ");
    step_dense_backward(x);

    tiny_net net = initial_net;
    tiny_forward fwd;
    tiny_grads grads;
    lesson_step(4, "Intro to CNN's whole network, forward");
    step_network_forward(&net, &fwd);

    lesson_step(5, "Backward to the dense layer: dE/dO, dO/dZ2, dZ2/dW");
    real de_dz2 = step_dense_chain(&net, &fwd, &grads);

    lesson_step(6, "Backward to the filter: dZ2/dA1, dA1/dZ1, dZ1/df");
    step_conv_chain(&net, &fwd, de_dz2, &grads);

    lesson_step(7, "The library agrees, and so do central differences");
    step_check_network(&net, &fwd, &grads);

    lesson_step(8, "One step of gradient descent lowers E");
    step_update(&net, &fwd, &grads);
    printf("\nNext: lesson 08, softmax and cross-entropy (notes/08_softmax.md; build/lessons/08_softmax).\n");
    return 0;
}
