/* Lesson 08: softmax and cross-entropy.
 *
 * Doshi's last layer: the softmax y_i = e^{x_i} / sum_k e^{x_k} turns 10
 * scores into probabilities that "sum up to 1", and the network is trained
 * on the cross-entropy against a one-hot label (Bayya: "one-hot
 * encoding", a vector of size 10). This lesson shows:
 *   - the softmax on an example close to the source's (0.2, 0, 0.1, 0.7);
 *   - the naive formula overflowing to inf/NaN on [1000, 1001, 1002] (in
 *     float already on [100, 101, 102]) and the stable form, which subtracts
 *     the maximum first and changes nothing else (derived);
 *   - one-hot labels and the loss -sum_i y_i ln p_i = -ln p_label, next to
 *     the source's formula with the roles swapped, which gives inf;
 *   - the gradient with respect to the logits, p - y, derived through the
 *     softmax Jacobian diag(p) - p p^T and checked by central differences;
 *   - the loss at initialisation, close to ln 10 = 2.303 for 10 classes;
 *   - what Doshi's "Test loss: 0.020970428362488747" means.
 *
 * Run: build/lessons/08_softmax [--step]      Notes: notes/08_softmax.md */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "gradcheck.h"  /* gradcheck_result, gradcheck_tensor, GRADCHECK_STEP, gradcheck_print */
#include "lesson.h"     /* lesson_start, lesson_step */
#include "loss.h"       /* softmax, cross_entropy, softmax_cross_entropy, softmax_cross_entropy_backward */
#include "rng.h"        /* rng_t, rng_seeded, rng_normal, rng_below */
#include "tensor.h"     /* tensor_dot */

/* ------------------------------------------------------------------ printing */

/* One number, 6 decimals; inf and NaN spelled the same way on every C library
 * (glibc would print a NaN with its sign bit as "-nan"). */
static void print_number(double v)
{
    if (isnan(v))
        printf("%10s", "nan");
    else if (isinf(v))
        printf("%10s", v > 0 ? "inf" : "-inf");
    else
        printf("%10.6f", v + 0.0);   /* + 0.0 turns -0 (from -1 * ln 1) into 0 */
}

static void print_vector(const char *name, const double *v, int n)
{
    printf("%s = [", name);
    for (int i = 0; i < n; i++) {
        printf(i ? "," : "");
        print_number(v[i]);
    }
    printf(" ]\n");
}

/* A label vector such as "[0 0 0 1 0 0 0 0 0 0]". */
static void print_label_vector(const char *name, const real *y, int n)
{
    printf("%s = [", name);
    for (int i = 0; i < n; i++)
        printf("%s%g", i ? " " : "", (double)y[i]);
    printf("]\n");
}

/* An (n, n) matrix, one row a line, 6 decimals. */
static void print_matrix(const char *name, const real *m, int n)
{
    printf("%s\n", name);
    for (int i = 0; i < n; i++) {
        printf("   [");
        for (int j = 0; j < n; j++)
            print_number((double)m[i * n + j]);
        printf(" ]\n");
    }
}

static void print_real_vector(const char *name, const real *v, int n)
{
    double d[16];
    for (int i = 0; i < n && i < 16; i++)
        d[i] = (double)v[i];
    print_vector(name, d, n < 16 ? n : 16);
}

static double vector_sum(const real *v, int n)
{
    double s = 0;
    for (int i = 0; i < n; i++)
        s += (double)v[i];
    return s;
}

/* ------------------------------------------------------------------ step 1: softmax */

#define N4 4
/* Logits chosen so that the softmax is close to Doshi's example (0.2, 0, 0.1, 0.7). */
static const real logits4[N4] = { 1, -6, 0.3, 2.25 };

static void step_softmax(void)
{
    printf("Doshi: y_i = e^{x_i} / sum_{k=1}^{N} e^{x_k}: exponentiate every score (\"logit\"),\n"
           "then divide by the total. Each e^{x_i} > 0, and the outputs add up to 1.\n");
    real e[N4], p[N4];
    double total = 0;
    for (int i = 0; i < N4; i++) {
        e[i] = (real)exp((double)logits4[i]);
        total += (double)e[i];
    }
    print_real_vector("logits x  ", logits4, N4);
    print_real_vector("e^x       ", e, N4);
    printf("sum of e^x = %.6f\n", total);
    softmax(logits4, p, N4);
    print_real_vector("softmax(x)", p, N4);
    printf("sum of softmax(x) = %.6f\n", vector_sum(p, N4));
    printf("Rounded to one decimal that is (%.1f, %.1f, %.1f, %.1f): Doshi's example of\n"
           "\"non-negative floats that sum up to 1\", (0.2, 0, 0.1, 0.7). Its 0 can only be a rounded\n"
           "number: e^x is never 0, so every class keeps some probability (here %.6f).\n",
           (double)p[0], (double)p[1], (double)p[2], (double)p[3], (double)p[1]);
    printf("A logit 1 larger means a probability e = 2.718 times larger: only differences count.\n");
}

/* ------------------------------------------------------------------ step 2: overflow */

#define N3 3

static void naive_softmax_float(const float *z, float *p, int n)
{
    float sum = 0;
    for (int i = 0; i < n; i++) {
        p[i] = expf(z[i]);            /* overflows to inf once z > 88.7 */
        sum += p[i];
    }
    for (int i = 0; i < n; i++)
        p[i] = p[i] / sum;            /* inf / inf = NaN; 0 / 0 = NaN */
}

static void naive_softmax_double(const double *z, double *p, int n)
{
    double sum = 0;
    for (int i = 0; i < n; i++) {
        p[i] = exp(z[i]);             /* overflows to inf once z > 709.8 */
        sum += p[i];
    }
    for (int i = 0; i < n; i++)
        p[i] = p[i] / sum;
}

static void compare_softmaxes(const double *z)
{
    float zf[N3], pf[N3];
    double pd[N3], pf_d[N3];
    real zr[N3], pr[N3];
    for (int i = 0; i < N3; i++) {
        zf[i] = (float)z[i];
        zr[i] = (real)z[i];
    }
    naive_softmax_float(zf, pf, N3);
    naive_softmax_double(z, pd, N3);
    softmax(zr, pr, N3);
    for (int i = 0; i < N3; i++)
        pf_d[i] = (double)pf[i];
    printf("logits [%g, %g, %g]:\n", z[0], z[1], z[2]);
    print_vector("  naive, float     ", pf_d, N3);
    print_vector("  naive, double    ", pd, N3);
    print_real_vector("  stable (softmax) ", pr, N3);
}

static void step_overflow(void)
{
    printf("e^x grows fast. The largest float is 3.4e38 = e^88.7 and the largest double is\n"
           "1.8e308 = e^709.8; past that, exp returns inf:\n");
    printf("  expf(100) = ");
    print_number((double)expf(100.0f));
    printf("    exp(100) = %.6g    exp(1000) = ", exp(100.0));
    print_number(exp(1000.0));
    printf("    exp(-1000) = %g\n", exp(-1000.0));
    printf("and then inf / inf = NaN. Large negative logits fail too: every e^x rounds to 0, and\n"
           "0 / 0 = NaN. The formula computed as written:\n");
    static const double cases[4][N3] = {
        { 1, 2, 3 }, { 100, 101, 102 }, { 1000, 1001, 1002 }, { -1000, -1001, -1002 },
    };
    for (int c = 0; c < 4; c++)
        compare_softmaxes(cases[c]);
    printf("The library's softmax (src/loss.c) subtracts the largest logit first and gets the\n"
           "right answer every time. Logits of 100 are not exotic: an untrained or diverging\n"
           "network produces them, and one NaN spreads to every weight in the next update.\n");
}

/* ------------------------------------------------------------------ step 3: why the max changes nothing */

static void step_shift(void)
{
    printf("For any constant m, multiply the top and the bottom by e^{-m}:\n"
           "  e^{x_i - m} / sum_k e^{x_k - m} = e^{-m} e^{x_i} / (e^{-m} sum_k e^{x_k}) = e^{x_i} / sum_k e^{x_k}\n"
           "The factor e^{-m} cancels: softmax(x - m) = softmax(x) for every m. Choose m = max_k x_k:\n"
           "then every x_k - m <= 0, so every e^{x_k - m} <= 1 (no overflow), and the largest is\n"
           "e^0 = 1, so the sum lies between 1 and N (no 0 / 0).\n");
    static const real z[N3] = { 1000, 1001, 1002 };
    real shifted[N3], e[N3], p[N3];
    double total = 0;
    for (int i = 0; i < N3; i++) {
        shifted[i] = z[i] - 1002;
        e[i] = (real)exp((double)shifted[i]);
        total += (double)e[i];
    }
    printf("For [1000, 1001, 1002], m = 1002:\n");
    print_real_vector("  x - m       ", shifted, N3);
    print_real_vector("  e^{x - m}   ", e, N3);
    printf("  sum         = %.6f\n", total);
    for (int i = 0; i < N3; i++)
        p[i] = (real)((double)e[i] / total);
    print_real_vector("  probability ", p, N3);
    printf("the same as softmax([1, 2, 3]) in step 2: shifting all logits by 999 changed nothing.\n");
}

/* ------------------------------------------------------------------ step 4-6: labels and the loss */

#define CLASSES 10
#define LABEL 3   /* the true digit of our example */
/* Scores for the 10 digits from an imagined network, most confident about digit 3. */
static const real logits10[CLASSES] = { 1.2, -0.8, 0.3, 3.1, -1.5, 0.6, -0.2, 0.9, 0.1, -0.4 };

static void one_hot_vector(int label, real *y, int n)
{
    for (int i = 0; i < n; i++)
        y[i] = i == label ? 1 : 0;
}

static void step_one_hot(real *p /* (10) */, real *y /* (10) */)
{
    printf("Bayya: the label of a digit is \"a vector of size 10\", all 0 but a 1 at the digit,\n"
           "\"one-hot encoding\". Digit %d:\n", LABEL);
    one_hot_vector(LABEL, y, CLASSES);
    print_label_vector("  y (one-hot)", y, CLASSES);
    print_real_vector("  logits z   ", logits10, CLASSES);
    softmax(logits10, p, CLASSES);
    print_real_vector("  p = softmax", p, CLASSES);
    printf("The cross-entropy of the prediction p against the label y:\n"
           "  L = -sum_i y_i ln p_i\n"
           "Term by term (a term with y_i = 0 is 0 and is skipped, which also avoids 0 * ln 0):\n");
    for (int i = 0; i < CLASSES; i++)
        if (y[i] != 0)
            printf("  i = %d: -y_%d ln p_%d = -1 * ln %.6f = %.6f\n", i, i, i, (double)p[i],
                   -log((double)p[i]));
    printf("  L = -ln p_label = %.6f   (cross_entropy in src/loss.c: %.6f)\n", -log((double)p[LABEL]),
           cross_entropy(p, y, CLASSES));
    printf("With a one-hot label only the probability on the right class counts: L = 0 when\n"
           "p_label = 1, L = ln 2 = 0.693 at p_label = 1/2, and L -> infinity as p_label -> 0.\n");
}

static void step_swapped(const real *p, const real *y)
{
    printf("Doshi writes H(p, q) = -sum_x p(x) ln(q(x)) with \"p(x): output of final layer\" and\n"
           "\"q(x): correct label\". That puts the LABEL inside the logarithm:\n");
    printf("   i   y_i   p_i        -y_i ln p_i   -p_i ln y_i (source's order)\n");
    double right = 0, swapped = 0;
    for (int i = 0; i < CLASSES; i++) {
        double good = y[i] != 0 ? -(double)y[i] * log((double)p[i]) : 0;
        double bad = -(double)p[i] * log((double)y[i]);   /* ln 0 = -inf */
        right += good;
        swapped += bad;
        printf("  %2d   %g     %.6f ", i, (double)y[i], (double)p[i]);
        print_number(good);
        printf("     ");
        print_number(bad);
        printf("\n");
    }
    printf("  sum:                ");
    print_number(right);
    printf("     ");
    print_number(swapped);
    printf("\nln 0 = -inf for the 9 zeros of the one-hot label, so the source's order gives inf for\n"
           "every image: there is nothing to learn from. In the usual notation H(p, q) =\n"
           "-sum p ln q, p is the TRUE distribution (the label) and q the model's: the source\n"
           "swapped the roles. The loss is -sum label * ln prediction.\n");
}

static void step_from_logits(void)
{
    printf("Even in the right order, -ln p_label is inf if p_label rounds to 0. Work from the logits:\n"
           "  -ln p_label = -ln(e^{z_label} / sum_k e^{z_k}) = ln sum_k e^{z_k} - z_label\n"
           "and compute ln sum_k e^{z_k} = m + ln sum_k e^{z_k - m} with m = max z (log_sum_exp).\n");
    static const real z[2] = { 0, 800 };
    real p[2];
    softmax(z, p, 2);
    printf("Logits [0, 800], true class 0 (a badly wrong network):\n");
    print_real_vector("  softmax", p, 2);
    printf("  -ln p_0 from the probability: ");
    print_number(-log((double)p[0]));
    printf("\n  softmax_cross_entropy from the logits: %.6f (= 800 - 0)\n",
           softmax_cross_entropy(z, 0, NULL, 2));
    printf("The example of step 4 the same way: %.6f\n", softmax_cross_entropy(logits10, LABEL, NULL, CLASSES));
}

/* ------------------------------------------------------------------ step 7: the gradient p - y */

typedef struct {
    real *z;           /* logits (n): what the check nudges */
    const real *r;     /* R (n) for the projection loss R . softmax(z), or NULL */
    int label, n;
} softmax_check;

static double projected_softmax(void *ctx)   /* L = sum_i R_i softmax(z)_i */
{
    softmax_check *c = ctx;
    real p[CLASSES];
    softmax(c->z, p, c->n);
    return (double)tensor_dot(c->r, p, (size_t)c->n);
}

static double softmax_ce(void *ctx)          /* L = -ln softmax(z)_label */
{
    softmax_check *c = ctx;
    return softmax_cross_entropy(c->z, c->label, NULL, c->n);
}

/* J (n, n): J[i][j] = dp_i/dz_j = p_i (delta_ij - p_j) = (diag(p) - p p^T)[i][j]. */
static void softmax_jacobian(const real *p, real *jac, int n)
{
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++)
            jac[i * n + j] = p[i] * ((i == j ? 1 : 0) - p[j]);
}

static void check_softmax_jacobian(const real *jac /* (4, 4) */)
{
    rng_t rng = rng_seeded(8);
    real z[N4], r[N4], jt_r[N4];   /* jt_r = J^T R = dL/dz for L = R . p */
    memcpy(z, logits4, sizeof z);
    for (int i = 0; i < N4; i++)
        r[i] = (real)rng_normal(&rng);
    for (int j = 0; j < N4; j++) {
        jt_r[j] = 0;
        for (int i = 0; i < N4; i++)
            jt_r[j] += jac[i * N4 + j] * r[i];
    }
    softmax_check c = { z, r, 0, N4 };
    int dims[1] = { N4 };
    gradcheck_result res = gradcheck_tensor("J^T R", z, jt_r, dims, 1, projected_softmax, &c, GRADCHECK_STEP);
    gradcheck_print(stdout, &res);
}

static void check_fused_gradient(const real *logits, int label, int n, const char *name)
{
    real z[CLASSES], p[CLASSES], dz[CLASSES];
    memcpy(z, logits, (size_t)n * sizeof *z);
    softmax(z, p, n);
    softmax_cross_entropy_backward(p, label, dz, n);
    softmax_check c = { z, NULL, label, n };
    int dims[1] = { n };
    gradcheck_result res = gradcheck_tensor(name, z, dz, dims, 1, softmax_ce, &c, GRADCHECK_STEP);
    gradcheck_print(stdout, &res);
}

static void step_gradient(void)
{
    real p[N4], jac[N4 * N4], y[N4], dl_dp[N4], chain[N4], fused[N4];
    softmax(logits4, p, N4);
    one_hot_vector(N4 - 1, y, N4);
    printf("Take step 1's logits with true class 3, so p = softmax(z) and y = (0, 0, 0, 1).\n"
           "L = -sum_i y_i ln p_i, and each p_i depends on every z_j. Two factors:\n"
           "1. the softmax Jacobian: dp_i/dz_j = p_i (delta_ij - p_j), i.e. J = diag(p) - p p^T\n"
           "   (from p_i = e^{z_i} / S: the quotient rule gives p_i - p_i^2 on the diagonal and\n"
           "   -p_i p_j off it). Each row sums to 0: the p's always add up to 1.\n");
    softmax_jacobian(p, jac, N4);
    print_matrix("   J (4x4):", jac, N4);
    for (int i = 0; i < N4; i++)
        dl_dp[i] = y[i] != 0 ? -y[i] / p[i] : 0;
    printf("2. dL/dp_i = -y_i / p_i (zero except at the label):\n");
    print_real_vector("   dL/dp", dl_dp, N4);
    for (int j = 0; j < N4; j++) {
        chain[j] = 0;
        for (int i = 0; i < N4; i++)
            chain[j] += dl_dp[i] * jac[i * N4 + j];   /* dL/dz_j = sum_i dL/dp_i dp_i/dz_j */
    }
    printf("Chain rule: dL/dz_j = sum_i dL/dp_i * dp_i/dz_j = sum_i (-y_i / p_i) p_i (delta_ij - p_j)\n"
           "          = -y_j + p_j sum_i y_i = p_j - y_j        (the label sums to 1)\n");
    print_real_vector("   J^T dL/dp", chain, N4);
    softmax_cross_entropy_backward(p, N4 - 1, fused, N4);
    print_real_vector("   p - y    ", fused, N4);
    printf("The library computes p - y directly (softmax_cross_entropy_backward): the 1/p_i and\n"
           "the p_i cancel, so the fused gradient never divides by a tiny probability. It is the\n"
           "prediction minus the truth: push down the wrong classes by their probability, push\n"
           "up the right one by 1 - p_label.\n");
    printf("Central differences (h = %g; good <= 1e-7): the Jacobian through a projection loss\n"
           "L = R . softmax(z) with a random R (dL/dz = J^T R), and p - y on L = -ln p_label:\n",
           GRADCHECK_STEP);
    check_softmax_jacobian(jac);
    check_fused_gradient(logits4, N4 - 1, N4, "p - y");
    check_fused_gradient(logits10, LABEL, CLASSES, "p - y");
}

/* ------------------------------------------------------------------ step 8: the loss at initialisation */

#define SAMPLES 100

/* Mean of -ln p_label over SAMPLES random logit vectors z ~ N(0, std^2), labels uniform. */
static double mean_initial_loss(rng_t *rng, double std, double *accuracy)
{
    double total = 0;
    int right = 0;
    for (int s = 0; s < SAMPLES; s++) {
        real z[CLASSES];
        for (int i = 0; i < CLASSES; i++)
            z[i] = (real)(std * rng_normal(rng));
        int label = (int)rng_below(rng, CLASSES);
        int best = 0;
        for (int i = 1; i < CLASSES; i++)
            if (z[i] > z[best])
                best = i;
        right += best == label;
        total += softmax_cross_entropy(z, label, NULL, CLASSES);
    }
    *accuracy = (double)right / SAMPLES;
    return total / SAMPLES;
}

static void step_initial_loss(void)
{
    printf("An untrained network has small random logits, so p_i is about 1/10 for every class\n"
           "and L = -ln p_label is about -ln(1/10) = ln 10 = %.6f. Measure it on %d samples\n"
           "with logits z ~ N(0, std^2) and random labels (rng_seeded(10)):\n", log(10.0), SAMPLES);
    rng_t rng = rng_seeded(10);
    static const double stds[4] = { 0.01, 0.1, 1, 5 };
    printf("   std of logits   mean loss   minus ln 10   accuracy\n");
    for (int i = 0; i < 4; i++) {
        double accuracy, loss = mean_initial_loss(&rng, stds[i], &accuracy);
        printf("   %13g   %9.6f   %+11.6f   %8.2f\n", stds[i], loss, loss - log(10.0), accuracy);
    }
    printf("With std 0.01 the mean loss is ln 10 within the noise of 100 samples (each loss is\n"
           "about ln 10 - (z_label - mean z), which varies by about 0.01; the mean of 100 by about\n"
           "0.001), and the accuracy is chance, about 0.1, whatever the std. Larger random logits\n"
           "make the network confidently wrong and the loss grows.\n"
           "The check every trainer should make on its first batch (lesson 10 does): a loss far\n"
           "from ln(classes) means a bug or a bad initialisation before any training happened.\n");
}

/* ------------------------------------------------------------------ step 9: Doshi's result */

static void step_seed_result(void)
{
    const double test_loss = 0.020970428362488747, test_accuracy = 0.9934999942779541;
    const int test_images = 10000;   /* Doshi: "a testing set of 10,000 more images" */
    printf("Doshi reports:  Test loss: %.17g, Test accuracy: %.16g\n", test_loss, test_accuracy);
    printf("Both are float32 numbers printed in full: (double)(float)0.9935 = %.16g.\n",
           (double)(float)0.9935);
    int right = (int)lround(test_accuracy * test_images);
    printf("Accuracy: %d of %d test images right, %d wrong.\n", right, test_images, test_images - right);
    printf("The loss is the mean over the test images of -ln p_label, so\n"
           "  e^{-0.020970} = %.6f\n"
           "is the geometric mean of the probability the network gave the right digit (the mean\n"
           "of the ln's, exponentiated): on average it was about 98%% sure and right.\n",
           exp(-test_loss));
    double wrong_floor = (test_images - right) * log(2.0) / test_images;
    printf("A wrong answer has p_label <= 1/2 (some other class has at least as much), so costs at\n"
           "least ln 2 = 0.693: the %d mistakes alone add at least %.6f to the mean loss. The %d\n"
           "right answers share at most %.6f, a geometric-mean p_label of at least %.6f.\n",
           test_images - right, wrong_floor, right, test_loss - wrong_floor,
           exp(-(test_loss - wrong_floor) * test_images / right));
    printf("Compared with ln 10 = %.6f at initialisation (step 8), training divided the loss by %.0f.\n",
           log(10.0), log(10.0) / test_loss);
}

int main(int argc, char **argv)
{
    lesson_start(argc, argv, "Lesson 08: softmax and cross-entropy", 0);

    lesson_step(1, "Softmax: scores to probabilities (Doshi)");
    step_softmax();

    lesson_step(2, "The naive formula overflows");
    step_overflow();

    lesson_step(3, "Why subtracting the maximum changes nothing");
    step_shift();

    real p[CLASSES], y[CLASSES];
    lesson_step(4, "One-hot labels and the cross-entropy");
    step_one_hot(p, y);

    lesson_step(5, "The source's formula has the roles swapped");
    step_swapped(p, y);

    lesson_step(6, "The loss from the logits: log-sum-exp");
    step_from_logits();

    lesson_step(7, "The gradient with respect to the logits: p - y");
    step_gradient();

    lesson_step(8, "The loss at initialisation: ln 10");
    step_initial_loss();

    lesson_step(9, "Doshi's test loss, 0.021, read as a probability");
    step_seed_result();
    printf("\nNext: lesson 09, gradient descent and optimisers (notes/09_optimisers.md; build/lessons/09_optimisers).\n");
    return 0;
}
