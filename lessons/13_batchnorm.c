/* Lesson 13: batch normalisation.
 *
 * Notes on CNN: "it is a good idea to normalize the inputs given to a
 * layer", as an extra layer "before the activation (... convolution -> BN
 * -> activation -> pooling)", the output X of a layer being transformed to
 * (X - mu) / (sigma + eps), then gamma Xhat + beta with gamma and beta
 * learned. This lesson works it on a batch small enough to follow on paper:
 *   - the forward pass on 4 images x 2 channels x 2 positions: per channel,
 *     over every image and position, the mean, the variance (divided by N),
 *     xhat and y; each channel of xhat has mean 0 and variance 1 (up to eps);
 *   - the source's erratum: the division is by sqrt(variance + eps), not
 *     (sigma + eps); where the two differ (a channel of tiny variance), and
 *     why eps sits under the square root (a constant channel's gradient);
 *   - the backward pass through the chain rule, path by path (through xhat
 *     directly, through the variance, through the mean), every intermediate
 *     checked against central differences; the collapsed formula; the classic
 *     mistake (dx = gamma * dy / sqrt(var + eps)) caught by the check;
 *   - training and test mode: running averages, the unbiased variance, and
 *     one image's answer depending on its batch-mates in training mode only;
 *   - where the layer goes (after a conv, before its ReLU: the conv's bias
 *     learns nothing), and the activations' scale in Doshi's network with and
 *     without it.
 *
 * Run: build/lessons/13_batchnorm [--step]      Notes: notes/13_batchnorm.md */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batchnorm.h"   /* batchnorm_shape, BATCHNORM_EPS, batchnorm_forward_train, ... */
#include "gradcheck.h"   /* gradcheck_result, gradcheck_tensor, GRADCHECK_STEP, gradcheck_print */
#include "lesson.h"      /* lesson_step, lesson_start */
#include "loss.h"        /* softmax_cross_entropy_batch */
#include "rng.h"         /* rng_t, rng_seeded, rng_normal, rng_below, rng_uniform_range */
#include "sequential.h"  /* sequential, sequential_build, sequential_init, layer_kind_name, ... */
#include "tensor.h"      /* tensor_copy, tensor_dot, tensor_max_abs_diff, tensor_fill, tensor_alloc */

#define N_IMAGES 4
#define CHANNELS 2
#define SIZE 2                                  /* positions per channel per image (H*W) */
#define COUNT (N_IMAGES * CHANNELS * SIZE)      /* 16 numbers in the batch */
#define N_PER_CHANNEL (N_IMAGES * SIZE)         /* N = 8 numbers per channel */

static const batchnorm_shape SHAPE = { CHANNELS, SIZE };

static const real X[COUNT] = {     /* X (4 images, 2 channels, 2 positions) */
    8, 4, 57, 45,                  /* image 0: channel 0 [8 4], channel 1 [57 45] */
    2, 6, 51, 55,
    4, 8, 43, 49,
    4, 4, 55, 45,
};
static const real GAMMA[CHANNELS] = { 2, 0.5 };
static const real BETA[CHANNELS] = { 1, -3 };
static const real DY[COUNT] = {    /* dL/dY (4, 2, 2): the gradient from the layers above */
    1, -2, 3, 1,
    2, 1, -1, 2,
    -1, 3, 2, -2,
    1, 2, 1, -3,
};

/* Index of (image i, channel c, position k) in a (n, C, size) batch. */
static int at(int i, int c, int k)
{
    return (i * CHANNELS + c) * SIZE + k;
}

/* ------------------------------------------------------------------ printing */

/* A number as %g, negative ones in parentheses (for sums written out). */
static void print_term(int first, const char *sep, double v)
{
    printf(v < 0 ? "%s(%g)" : "%s%g", first ? "" : sep, v);
}

/* The N values of channel c of t (4, 2, 2), image by image, as "[ a b ... ]". */
static void print_channel(const char *format, const real *t, int c)
{
    printf("[");
    for (int i = 0; i < N_IMAGES; i++)
        for (int k = 0; k < SIZE; k++)
            printf(format, (double)t[at(i, c, k)]);
    printf(" ]\n");
}

/* A (4, 2, 2) batch, one row per image: "image i   [ ch 0 ]   [ ch 1 ]". */
static void print_batch(const char *name, const real *t, const char *format)
{
    printf("%s\n", name);
    for (int i = 0; i < N_IMAGES; i++) {
        printf("  image %d  ", i);
        for (int c = 0; c < CHANNELS; c++) {
            printf(" [");
            for (int k = 0; k < SIZE; k++)
                printf(format, (double)t[at(i, c, k)]);
            printf(" ]");
        }
        printf("\n");
    }
}

/* nan and inf spelled the same on every C library. */
static void print_value(const char *format, double v)
{
    if (isnan(v))
        printf("nan");
    else if (isinf(v))
        printf(v > 0 ? "inf" : "-inf");
    else
        printf(format, v);
}

/* ------------------------------------------------------------------ step 1: the forward pass */

static void print_mean_by_hand(int c, double mean)
{
    printf("  mean     = (");
    for (int i = 0; i < N_IMAGES; i++)
        for (int k = 0; k < SIZE; k++)
            print_term(i == 0 && k == 0, " + ", X[at(i, c, k)]);
    printf(") / %d = %g\n", N_PER_CHANNEL, mean);
}

static void print_variance_by_hand(int c, double mean, double var)
{
    printf("  variance = (");
    for (int i = 0; i < N_IMAGES; i++)
        for (int k = 0; k < SIZE; k++) {
            double d = X[at(i, c, k)] - mean;
            print_term(i == 0 && k == 0, " + ", d * d);
        }
    printf(") / %d = %g      (the squares of x - %g; divided by N, not N - 1)\n", N_PER_CHANNEL, var, mean);
}

static void step_forward(real *y, real *xhat, real *mean, real *var, real *inv_std)
{
    lesson_step(1, "The forward pass on a batch of 4 images, 2 channels, 2 positions each");
    print_batch("X (4 images, 2 channels, 2 positions; element (i, c, k) at (i*2 + c)*2 + k):", X, " %2g");
    printf("Batch normalisation works channel by channel, over every image and every position of\n"
           "that channel (Notes on CNN: \"all values over all spatial locations\"): N = 4 images x 2\n"
           "positions = %d numbers per channel. eps = %g.\n", N_PER_CHANNEL, BATCHNORM_EPS);
    batchnorm_forward_train(&SHAPE, N_IMAGES, X, GAMMA, BETA, y, xhat, mean, var, inv_std);
    for (int c = 0; c < CHANNELS; c++) {
        printf("channel %d: x = ", c);
        print_channel(" %g", X, c);
        print_mean_by_hand(c, mean[c]);
        print_variance_by_hand(c, mean[c], var[c]);
        printf("  sqrt(variance + eps) = sqrt(%.5f) = %.9g\n", var[c] + BATCHNORM_EPS, 1 / inv_std[c]);
        printf("  xhat = (x - %g) / %.9g = ", mean[c], 1 / inv_std[c]);
        print_channel(" %.6f", xhat, c);
        printf("  y = gamma xhat + beta = %g xhat + (%g) = ", GAMMA[c], BETA[c]);
        print_channel(" %.6f", y, c);
    }
}

/* Mean and (biased) variance of channel c of t (4, 2, 2). */
static void channel_moments(const real *t, int c, double *mean, double *var)
{
    double sum = 0, squares = 0;
    for (int i = 0; i < N_IMAGES; i++)
        for (int k = 0; k < SIZE; k++)
            sum += t[at(i, c, k)];
    *mean = sum / N_PER_CHANNEL;
    for (int i = 0; i < N_IMAGES; i++)
        for (int k = 0; k < SIZE; k++)
            squares += (t[at(i, c, k)] - *mean) * (t[at(i, c, k)] - *mean);
    *var = squares / N_PER_CHANNEL;
}

static void step_forward_checks(const real *y, const real *xhat, const real *var)
{
    printf("What the normalisation bought: each channel of xhat has mean 0 and variance 1, whatever\n"
           "the channel's own place and scale (channel 1: around 50, 2.5 times wider than channel 0):\n");
    for (int c = 0; c < CHANNELS; c++) {
        double m, v;
        channel_moments(xhat, c, &m, &v);
        printf("  channel %d: mean of xhat %s, variance of xhat %.7f = %g / (%g + eps)\n", c,
               fabs(m) < 1e-15 ? "0 (below 1e-15)" : "NOT 0 (a bug)", v, var[c], var[c]);
    }
    printf("The variance is 1 up to eps: var / (var + eps). Then y has mean beta and standard\n"
           "deviation gamma (up to eps): the layer learns the scale and the offset it wants.\n");
    for (int c = 0; c < CHANNELS; c++) {
        double m, v;
        channel_moments(y, c, &m, &v);
        printf("  channel %d: mean of y %.6f = beta, standard deviation of y %.6f = gamma\n", c, m, sqrt(v));
    }
}

/* ------------------------------------------------------------------ step 2: the erratum */

/* xhat of the value x with the three divisions: sqrt(var + eps), sigma + eps, var + eps. */
static void print_three_divisions(const char *what, double x, double mean, double var)
{
    double right = sqrt(var + BATCHNORM_EPS), notes = sqrt(var) + BATCHNORM_EPS, words = var + BATCHNORM_EPS;
    printf("%s (mean %g, variance %g, sigma %g), xhat of x = %g:\n", what, mean, var, sqrt(var), x);
    printf("  (x - mean) / sqrt(var + eps) = %g / %.9g = %.6f    (right: the paper, every framework)\n",
           x - mean, right, (x - mean) / right);
    printf("  (x - mean) / (sigma + eps)   = %g / %.9g = %.6f    (Notes on CNN, equation (3))\n", x - mean,
           notes, (x - mean) / notes);
    printf("  (x - mean) / (var + eps)     = %g / %.9g = %.6f    (the Notes' words: \"sigma the variance\")\n",
           x - mean, words, (x - mean) / words);
}

/* dL/dx of one channel of N numbers through xhat = (x - mean) / (sigma + eps),
 * sigma = sqrt(var), the chain rule applied as autodiff would: dsigma/dvar =
 * 1 / (2 sigma). Returns dx for element 0. */
static double notes_form_dx0(const double *x, const double *dy, int n)
{
    double mean = 0, var = 0, dsigma = 0, dmean = 0;
    for (int i = 0; i < n; i++)
        mean += x[i] / n;
    for (int i = 0; i < n; i++)
        var += (x[i] - mean) * (x[i] - mean) / n;
    double sigma = sqrt(var), d = sigma + BATCHNORM_EPS;
    for (int i = 0; i < n; i++)
        dsigma += dy[i] * -(x[i] - mean) / (d * d);           /* dL/dsigma */
    double dvar = dsigma / (2 * sigma);                       /* dsigma/dvar = 1 / (2 sigma): 1/0 at var = 0 */
    for (int i = 0; i < n; i++)
        dmean += -dy[i] / d;
    return dy[0] / d + dvar * 2 * (x[0] - mean) / n + dmean / n;
}

/* The same with sqrt(var + eps), the collapsed formula (step 4): dx for element 0. */
static double right_form_dx0(const double *x, const double *dy, int n)
{
    double mean = 0, var = 0, sum_dy = 0, sum_dy_xhat = 0;
    for (int i = 0; i < n; i++)
        mean += x[i] / n;
    for (int i = 0; i < n; i++)
        var += (x[i] - mean) * (x[i] - mean) / n;
    double s = 1 / sqrt(var + BATCHNORM_EPS);
    for (int i = 0; i < n; i++) {
        sum_dy += dy[i];
        sum_dy_xhat += dy[i] * (x[i] - mean) * s;
    }
    return s / n * (n * dy[0] - sum_dy - (x[0] - mean) * s * sum_dy_xhat);
}

static void step_erratum(const real *mean, const real *var)
{
    lesson_step(2, "Notes on CNN's erratum: divide by sqrt(variance + eps), not (sigma + eps)");
    printf("Notes on CNN writes xhat = (X - mu) / (sigma + eps), \"with mu the mean of the batch ...\n"
           "and sigma the variance. We add a small positive constant eps to the variance to avoid\n"
           "division by zero.\" The paper (Ioffe and Szegedy 2015) and every framework divide by\n"
           "sqrt(sigma^2 + eps), sigma^2 the variance: eps is added to the variance, under the root.\n\n");
    print_three_divisions("Channel 0 of step 1", X[at(0, 0, 0)], mean[0], var[0]);
    printf("With a variance far above eps the first two agree to 5 or 6 digits (the third is\n"
           "simply wrong: xhat would have variance 1/var, not 1).\n\n");
    print_three_divisions("A channel of tiny variance, x = [0.499 0.501 0.501 0.499]", 0.501, 0.5, 1e-6);
    printf("Here they part: sqrt(var + eps) treats a spread of 0.001 as what it is, small next to\n"
           "sqrt(eps) = %.5f, and xhat stays small (its variance is var / (var + eps) = %.4f);\n"
           "sigma + eps blows the same spread up to unit size (variance %.4f): any channel whose\n"
           "standard deviation is above eps = 1e-5 gets normalised to 1, noise included.\n",
           sqrt(BATCHNORM_EPS), 1e-6 / (1e-6 + BATCHNORM_EPS), 1e-6 / pow(1e-3 + BATCHNORM_EPS, 2));
}

static void step_erratum_backward(void)
{
    static const double flat[4] = { 3, 3, 3, 3 }, dflat[4] = { 1, -1, 2, 0 };
    printf("\nAnd the backward pass. A channel with no spread at all, x = [3 3 3 3] (a feature that is\n"
           "the same everywhere in the batch: var = 0), dL/dy = [1 -1 2 0], gamma = 1: dL/dx[0] =\n");
    printf("  with sqrt(var + eps): ");
    print_value("%.4f", right_form_dx0(flat, dflat, 4));
    printf("   (d/dvar of (var + eps)^(-1/2) is -(1/2)(var + eps)^(-3/2): finite at var = 0)\n");
    printf("  with (sigma + eps):   ");
    print_value("%.4f", notes_form_dx0(flat, dflat, 4));
    double mean_dy = (dflat[0] + dflat[1] + dflat[2] + dflat[3]) / 4;
    printf("   (dsigma/dvar = 1 / (2 sqrt(var)) = 1/0 at var = 0, times (x - mean) = 0)\n"
           "The nan is 0 times 1/0 in a node-by-node backward pass, not a missing derivative: near a\n"
           "flat channel xhat = (x - mean) / (sigma + eps) is (x - mean) / eps plus terms of second\n"
           "order, so it has a gradient, gamma (dL/dy[0] - mean dL/dy) / eps = %.0f, against\n"
           "gamma (dL/dy[0] - mean dL/dy) / sqrt(eps) = %.4f with the root. The honest contrast:\n"
           "gradients of order 1/eps against 1/sqrt(eps) near flat channels, and a backward pass\n"
           "written node by node has to avoid sqrt(var) at var = 0, which sqrt(var + eps) never\n"
           "reaches. (This library: src/batchnorm.c, BATCHNORM_EPS = %g, PyTorch's.)\n",
           (dflat[0] - mean_dy) / BATCHNORM_EPS, (dflat[0] - mean_dy) / sqrt(BATCHNORM_EPS), BATCHNORM_EPS);
}

/* ------------------------------------------------------------------ step 3: the backward pass, path by path */

/* The forward pass as a graph, for central differences. x meets the layer in
 * three places, each given its own copy so the check can nudge one at a
 * time: xhat's numerator (xa), the variance (xb) and the mean (xc). A node
 * that is not NULL replaces what the graph would compute (mean, var, xhat)
 * and is what the check nudges. */
typedef struct {
    real *xa, *xb, *xc;       /* (4, 2, 2) */
    real *mean, *var;         /* (2) or NULL */
    real *xhat;               /* (4, 2, 2) or NULL */
    real *gamma, *beta;       /* (2) */
} bn_graph;

/* L = sum dL/dY * Y: its gradient with respect to Y is DY. */
static double graph_loss(void *p)
{
    const bn_graph *g = p;
    double loss = 0;
    for (int c = 0; c < CHANNELS; c++) {
        double mean = 0, var = 0;
        for (int i = 0; i < N_IMAGES; i++)
            for (int k = 0; k < SIZE; k++)
                mean += g->xc[at(i, c, k)] / N_PER_CHANNEL;
        mean = g->mean ? g->mean[c] : mean;
        for (int i = 0; i < N_IMAGES; i++)
            for (int k = 0; k < SIZE; k++)
                var += (g->xb[at(i, c, k)] - mean) * (g->xb[at(i, c, k)] - mean) / N_PER_CHANNEL;
        var = g->var ? g->var[c] : var;
        double s = 1 / sqrt(var + BATCHNORM_EPS);
        for (int i = 0; i < N_IMAGES; i++)
            for (int k = 0; k < SIZE; k++) {
                int j = at(i, c, k);
                double xhat = g->xhat ? g->xhat[j] : (g->xa[j] - mean) * s;
                loss += DY[j] * (g->gamma[c] * xhat + g->beta[c]);
            }
    }
    return loss;
}

/* Every intermediate of the backward pass, as the chain rule gives them. */
typedef struct {
    real dbeta[CHANNELS], dgamma[CHANNELS], dvar[CHANNELS], dmean[CHANNELS];
    real sum_dev[CHANNELS], dmean_via_var[CHANNELS];   /* sum (x - mean), and dL/dmean's second term */
    real dxhat[COUNT], direct[COUNT], via_var[COUNT], via_mean[COUNT], dx[COUNT];
} bn_paths;

static void backward_by_paths(const real *xhat, const real *mean, const real *inv_std, bn_paths *p)
{
    const double N = N_PER_CHANNEL;
    for (int c = 0; c < CHANNELS; c++) {
        double s = inv_std[c], dbeta = 0, dgamma = 0, dvar = 0, sum_dxhat = 0, sum_dev = 0;
        for (int i = 0; i < N_IMAGES; i++)
            for (int k = 0; k < SIZE; k++) {
                int j = at(i, c, k);
                double dev = X[j] - mean[c];
                dbeta += DY[j];                                    /* y = gamma xhat + beta */
                dgamma += DY[j] * xhat[j];
                p->dxhat[j] = GAMMA[c] * DY[j];
                dvar += p->dxhat[j] * dev * -0.5 * s * s * s;      /* d/dvar (var + eps)^(-1/2) */
                sum_dxhat += p->dxhat[j];
                sum_dev += dev;
            }
        p->dbeta[c] = dbeta;
        p->dgamma[c] = dgamma;
        p->dvar[c] = dvar;
        p->sum_dev[c] = sum_dev;
        p->dmean_via_var[c] = dvar * -2 / N * sum_dev;             /* dvar/dmean = -(2/N) sum (x - mean) */
        p->dmean[c] = -s * sum_dxhat + p->dmean_via_var[c];
        for (int i = 0; i < N_IMAGES; i++)
            for (int k = 0; k < SIZE; k++) {
                int j = at(i, c, k);
                p->direct[j] = p->dxhat[j] * s;                    /* dxhat/dx = s                 */
                p->via_var[j] = p->dvar[c] * 2 * (X[j] - mean[c]) / N;   /* dvar/dx = 2 (x - mean) / N */
                p->via_mean[j] = p->dmean[c] / N;                  /* dmean/dx = 1 / N              */
                p->dx[j] = p->direct[j] + p->via_var[j] + p->via_mean[j];
            }
    }
}

static const int DIMS_X[3] = { N_IMAGES, CHANNELS, SIZE }, DIMS_C[1] = { CHANNELS };

static void check_one(const char *name, real *param, const real *analytic, const int *dims, int ndims, bn_graph *g)
{
    gradcheck_result r = gradcheck_tensor(name, param, analytic, dims, ndims, graph_loss, g, GRADCHECK_STEP);
    gradcheck_print(stdout, &r);
}

static void print_channels_of(const char *name, const real *t, const char *format)
{
    for (int c = 0; c < CHANNELS; c++) {
        printf("  %-9s channel %d: ", name, c);
        print_channel(format, t, c);
    }
}

static void step_paths_forward_nodes(const real *mean, const real *var, const real *xhat, const bn_paths *p)
{
    real x[COUNT], gamma[CHANNELS], beta[CHANNELS], m[CHANNELS], v[CHANNELS], h[COUNT];
    tensor_copy(x, X, COUNT);
    tensor_copy(gamma, GAMMA, CHANNELS);
    tensor_copy(beta, BETA, CHANNELS);
    tensor_copy(m, mean, CHANNELS);
    tensor_copy(v, var, CHANNELS);
    tensor_copy(h, xhat, COUNT);
    bn_graph g = { x, x, x, NULL, NULL, NULL, gamma, beta };
    check_one("dbeta", beta, p->dbeta, DIMS_C, 1, &g);
    check_one("dgamma", gamma, p->dgamma, DIMS_C, 1, &g);
    g.xhat = h;
    check_one("dxhat", h, p->dxhat, DIMS_X, 3, &g);
    g.xhat = NULL;
    g.mean = m;
    g.var = v;
    check_one("dvar", v, p->dvar, DIMS_C, 1, &g);
    g.var = NULL;                                  /* the variance computed from the nudged mean */
    check_one("dmean", m, p->dmean, DIMS_C, 1, &g);
}

static void step_backward_paths(const real *xhat, const real *mean, const real *var, const real *inv_std,
                                 bn_paths *p)
{
    lesson_step(3, "The backward pass, through the chain rule, one node at a time");
    printf("Per channel, the forward pass is a chain of nodes (N = %d):\n"
           "  mean = (1/N) sum x     var = (1/N) sum (x - mean)^2     s = (var + eps)^(-1/2)\n"
           "  xhat = (x - mean) s    y = gamma xhat + beta            L = sum dL/dy * y\n"
           "Every y of a channel depends on every x of it, through the mean and the variance.\n",
           N_PER_CHANNEL);
    print_batch("dL/dy (4, 2, 2), from the layers above:", DY, " %2g");
    backward_by_paths(xhat, mean, inv_std, p);
    printf("Backwards, node by node:\n"
           "  dL/dbeta  = sum dL/dy                     (y = gamma xhat + beta: dy/dbeta = 1)\n"
           "  dL/dgamma = sum dL/dy * xhat              (dy/dgamma = xhat)\n"
           "  dL/dxhat  = gamma dL/dy\n"
           "  dL/dvar   = sum dL/dxhat (x - mean) * (-1/2)(var + eps)^(-3/2)\n"
           "  dL/dmean  = sum dL/dxhat * (-s)  +  dL/dvar * (-2/N) sum (x - mean)\n"
           "              (xhat's numerator)       (the variance uses the mean too)\n");
    for (int c = 0; c < CHANNELS; c++)
        printf("  channel %d: dL/dbeta %g, dL/dgamma %.6f, dL/dvar %.8f, dL/dmean %.6f\n"
               "             (the second term of dL/dmean: dL/dvar * (-2/N) * %g = %g: sum (x - mean) is 0)\n", c,
               (double)p->dbeta[c], (double)p->dgamma[c], (double)p->dvar[c], (double)p->dmean[c],
               (double)p->sum_dev[c] + 0.0, (double)p->dmean_via_var[c] + 0.0);
    printf("Central differences, h = 1e-5, on L (each node nudged, everything after it recomputed;\n"
           "good <= 1e-7 < look closer <= 1e-4 < wrong):\n");
    step_paths_forward_nodes(mean, var, xhat, p);
}

static void step_backward_three_paths(const bn_paths *p)
{
    printf("\nx itself reaches L along three paths, and dL/dx is their sum:\n"
           "  direct:           dL/dxhat * dxhat/dx = dL/dxhat * s\n"
           "  via the variance: dL/dvar * dvar/dx   = dL/dvar * 2 (x - mean) / N\n"
           "  via the mean:     dL/dmean * dmean/dx = dL/dmean / N\n");
    print_channels_of("direct", p->direct, " %9.5f");
    print_channels_of("via var", p->via_var, " %9.5f");
    print_channels_of("via mean", p->via_mean, " %9.5f");
    print_channels_of("dL/dx", p->dx, " %9.5f");
    printf("To check each path on its own, give x a separate copy in each place it is used\n"
           "(xhat's numerator, the variance, the mean) and nudge one copy at a time:\n");
    real xa[COUNT], xb[COUNT], xc[COUNT], gamma[CHANNELS], beta[CHANNELS];
    tensor_copy(xa, X, COUNT);
    tensor_copy(xb, X, COUNT);
    tensor_copy(xc, X, COUNT);
    tensor_copy(gamma, GAMMA, CHANNELS);
    tensor_copy(beta, BETA, CHANNELS);
    bn_graph g = { xa, xb, xc, NULL, NULL, NULL, gamma, beta };
    check_one("dx_dir", xa, p->direct, DIMS_X, 3, &g);
    check_one("dx_var", xb, p->via_var, DIMS_X, 3, &g);
    check_one("dx_mean", xc, p->via_mean, DIMS_X, 3, &g);
    g.xb = g.xc = xa;                               /* one x everywhere: the whole dL/dx */
    check_one("dx", xa, p->dx, DIMS_X, 3, &g);
}

/* ------------------------------------------------------------------ step 4: collapsed, the library, the mistake */

static double loss_of_library_forward(void *p)
{
    const real *x = p;
    real y[COUNT], xhat[COUNT], mean[CHANNELS], var[CHANNELS], inv_std[CHANNELS];
    batchnorm_forward_train(&SHAPE, N_IMAGES, x, GAMMA, BETA, y, xhat, mean, var, inv_std);
    return (double)tensor_dot(DY, y, COUNT);
}

static void step_collapsed(const real *xhat, const real *inv_std, const bn_paths *p)
{
    lesson_step(4, "The collapsed formula, the library, and the classic mistake");
    printf("Put the three paths over one denominator (dL/dxhat = gamma dL/dy, x - mean = xhat / s):\n"
           "  dL/dx = gamma s / N * ( N dL/dy - sum dL/dy - xhat * sum (dL/dy * xhat) )\n"
           "          direct         mean path   variance path\n"
           "The two sums are dL/dbeta and dL/dgamma, which the layer computes anyway.\n");
    real collapsed[COUNT];
    for (int c = 0; c < CHANNELS; c++)
        for (int i = 0; i < N_IMAGES; i++)
            for (int k = 0; k < SIZE; k++) {
                int j = at(i, c, k);
                collapsed[j] = GAMMA[c] * inv_std[c] / N_PER_CHANNEL
                               * (N_PER_CHANNEL * DY[j] - p->dbeta[c] - xhat[j] * p->dgamma[c]);
            }
    real dgamma[CHANNELS] = { 0 }, dbeta[CHANNELS] = { 0 }, dx[COUNT], x[COUNT];
    batchnorm_backward(&SHAPE, N_IMAGES, DY, xhat, GAMMA, inv_std, dgamma, dbeta, dx);
    print_channels_of("dL/dx", collapsed, " %9.5f");
    printf("largest difference from the sum of the three paths: %s; src/batchnorm.c's batchnorm_backward:\n"
           "dx %s, dgamma %s, dbeta %s. Against central differences of the library's forward pass:\n",
           tensor_max_abs_diff(collapsed, p->dx, COUNT) < 1e-12 ? "below 1e-12" : "LARGE (a bug)",
           tensor_max_abs_diff(dx, collapsed, COUNT) < 1e-12 ? "the same (below 1e-12)" : "DIFFERENT (a bug)",
           tensor_max_abs_diff(dgamma, p->dgamma, CHANNELS) < 1e-12 ? "the same" : "DIFFERENT",
           tensor_max_abs_diff(dbeta, p->dbeta, CHANNELS) < 1e-12 ? "the same" : "DIFFERENT");
    tensor_copy(x, X, COUNT);
    gradcheck_result r = gradcheck_tensor("dx_lib", x, dx, DIMS_X, 3, loss_of_library_forward, x, GRADCHECK_STEP);
    gradcheck_print(stdout, &r);
}

static void step_mistake(const real *inv_std)
{
    printf("\nThe classic mistake: treat the mean and the variance as constants, as if xhat were\n"
           "(x - 5) / 2 with fixed numbers, and keep the direct path only:\n"
           "  dL/dx = gamma s dL/dy      (wrong)\n");
    real bad[COUNT], x[COUNT];
    for (int c = 0; c < CHANNELS; c++)
        for (int i = 0; i < N_IMAGES; i++)
            for (int k = 0; k < SIZE; k++)
                bad[at(i, c, k)] = GAMMA[c] * inv_std[c] * DY[at(i, c, k)];
    print_channels_of("wrong dx", bad, " %9.5f");
    tensor_copy(x, X, COUNT);
    gradcheck_result r = gradcheck_tensor("dx_bad", x, bad, DIMS_X, 3, loss_of_library_forward, x, GRADCHECK_STEP);
    gradcheck_print(stdout, &r);
    double sum[CHANNELS] = { 0 };                    /* each channel's wrong dL/dx, added up */
    for (int c = 0; c < CHANNELS; c++)
        for (int i = 0; i < N_IMAGES; i++)
            for (int k = 0; k < SIZE; k++)
                sum[c] += bad[at(i, c, k)];
    printf("A \"wrong\" band: the mean and the variance move when any x moves. One check of the\n"
           "mistake's shape: the right dL/dx of a channel always sums to 0 (the mean path removes\n"
           "the average), the wrong one sums to gamma s sum dL/dy = gamma s dL/dbeta, here %g and %g.\n",
           sum[0], sum[1]);
}

/* ------------------------------------------------------------------ step 5: training and test mode */

static void step_running_averages(const real *mean, const real *var, real *run_mean, real *run_var)
{
    lesson_step(5, "Training mode and test mode: running averages");
    printf("At test time a network answers for one image at a time, and its answer must not depend\n"
           "on which other images share its batch. So while training, the layer keeps running\n"
           "averages of the batch statistics, and at test time it normalises with those:\n"
           "  running_mean = %.1f running_mean + %.1f mean\n"
           "  running_var  = %.1f running_var  + %.1f var * N / (N - 1)\n"
           "(momentum %.1f, PyTorch's convention; they start at 0 and 1.) The batch's variance,\n"
           "divided by N, is used as it is in training mode; for the running average it is made\n"
           "unbiased, times N / (N - 1), as an estimate of the variance of all the data.\n",
           BATCHNORM_MOMENTUM, 1 - BATCHNORM_MOMENTUM, BATCHNORM_MOMENTUM, 1 - BATCHNORM_MOMENTUM,
           BATCHNORM_MOMENTUM);
    tensor_fill(run_mean, CHANNELS, 0);
    tensor_fill(run_var, CHANNELS, 1);
    batchnorm_update_running(CHANNELS, N_PER_CHANNEL, mean, var, run_mean, run_var);
    printf("After one step on step 1's batch, channel 0: running_mean = 0.9 * 0 + 0.1 * %g = %g,\n"
           "running_var = 0.9 * 1 + 0.1 * %g * 8/7 = %.7f.\n", mean[0], run_mean[0], var[0], run_var[0]);
    printf("The same batch again and again (steps: running mean and variance of channel 0):\n");
    int step = 1;
    static const int shown[] = { 2, 5, 10, 20, 50 };
    for (size_t s = 0; s < sizeof shown / sizeof shown[0]; s++) {
        for (; step < shown[s]; step++)
            batchnorm_update_running(CHANNELS, N_PER_CHANNEL, mean, var, run_mean, run_var);
        printf("  %2d steps: %.4f  %.4f\n", step, run_mean[0], run_var[0]);
    }
    printf("They approach 5 and 4 * 8/7 = %.4f as 0.9^steps shrinks: it takes tens of steps to\n"
           "forget the start, so a network tested after very few steps meets statistics that are not\n"
           "yet its own.\n", 4.0 * 8 / 7);
}

/* The mean, over many batches of n numbers drawn from N(0, 1), of the batch variance divided
 * by n and by n - 1. */
static void variance_estimates(int n, int batches, double *biased, double *unbiased)
{
    rng_t rng = rng_seeded(13);
    double sum_b = 0, sum_u = 0, v[64];
    for (int b = 0; b < batches; b++) {
        double mean = 0, squares = 0;
        for (int i = 0; i < n; i++) {
            v[i] = rng_normal(&rng);
            mean += v[i] / n;
        }
        for (int i = 0; i < n; i++)
            squares += (v[i] - mean) * (v[i] - mean);
        sum_b += squares / n;
        sum_u += squares / (n - 1);
    }
    *biased = sum_b / batches;
    *unbiased = sum_u / batches;
}

static void step_unbiased(void)
{
    double b, u;
    variance_estimates(8, 100000, &b, &u);
    printf("\nWhy N / (N - 1): 100,000 batches of 8 numbers drawn from a distribution of variance 1\n"
           "(our own generator, seed 13), the average of their variances:\n"
           "  divided by N:     %.3f   (expected (N - 1)/N = 0.875: the batch's own mean is closer to\n"
           "                            its numbers than the true mean is)\n"
           "  divided by N - 1: %.3f   (expected 1)\n", b, u);
}

static void print_image0(const char *what, const real *y)
{
    printf("  %-44s [ %.4f %.4f ]  [ %.4f %.4f ]\n", what, (double)y[0], (double)y[1], (double)y[2], (double)y[3]);
}

static void step_batch_mates(const real *run_mean, const real *run_var)
{
    static const real other[COUNT] = {   /* image 0 of step 1 with three other images */
        8, 4, 57, 45,
        9, 7, 60, 52,
        7, 9, 48, 58,
        8, 8, 54, 50,
    };
    real ya[COUNT], yb[COUNT], xhat[COUNT], m[CHANNELS], v[CHANNELS], s[CHANNELS];
    printf("\nThe same image in two batches. Image 0 of step 1 (channel 0 [8 4], channel 1 [57 45])\n"
           "with step 1's other three images, and with three others ([9 7] [60 52], [7 9] [48 58],\n"
           "[8 8] [54 50]). Its y (channel 0, channel 1):\n");
    batchnorm_forward_train(&SHAPE, N_IMAGES, X, GAMMA, BETA, ya, xhat, m, v, s);
    batchnorm_forward_train(&SHAPE, N_IMAGES, other, GAMMA, BETA, yb, xhat, m, v, s);
    print_image0("training mode, in step 1's batch:", ya);
    print_image0("training mode, in the other batch:", yb);
    batchnorm_forward_infer(&SHAPE, N_IMAGES, X, GAMMA, BETA, run_mean, run_var, ya);
    batchnorm_forward_infer(&SHAPE, N_IMAGES, other, GAMMA, BETA, run_mean, run_var, yb);
    print_image0("test mode (the 50-step averages), step 1's:", ya);
    print_image0("test mode, the other batch:", yb);
    batchnorm_forward_infer(&SHAPE, 1, other, GAMMA, BETA, run_mean, run_var, yb);
    print_image0("test mode, alone:", yb);
    printf("In training mode the batch-mates move the mean and the variance, and the image's answer\n"
           "with them; in test mode every image is normalised with the same fixed numbers.\n");
    real one[2] = { 42, -7 }, y1[2], h1[2], m1[2], v1[2], s1[2];
    batchnorm_shape dense = { 2, 1 };
    batchnorm_forward_train(&dense, 1, one, GAMMA, BETA, y1, h1, m1, v1, s1);
    printf("The extreme case: a batch of ONE image after a dense layer (one number per feature) in\n"
           "training mode: x = [42 -7] gives xhat = [%g %g] and y = beta = [%g %g], whatever x is: the\n"
           "mean is x itself and the variance 0. Training mode needs a batch; test mode does not.\n",
           (double)h1[0] + 0.0, (double)h1[1] + 0.0, (double)y1[0], (double)y1[1]);
}

/* ------------------------------------------------------------------ step 6: where it goes */

#define SMALL_IMAGES 4

static void small_network(const char *spec, sequential *m, real **params, real **stats)
{
    char err[256];
    if (sequential_build(m, spec, 1, 6, 6, err, sizeof err) != 0) {
        fprintf(stderr, "13_batchnorm: %s\n", err);
        exit(1);
    }
    *params = tensor_alloc((size_t)m->n_params, "parameters");
    *stats = tensor_alloc((size_t)m->n_stats, "running statistics");
    rng_t rng = rng_seeded(1313);
    sequential_init(m, *params, *stats, &rng);
    real *bias = *params + m->layers[0].first_param + conv2d_weight_count(&m->layers[0].conv);
    bias[0] = 0.5;                                        /* biases that are not 0 */
    bias[1] = -1;
}

/* Forward and backward of the small network on x (4, 1, 6, 6): the loss, and grad (n_params). */
static double small_pass(const sequential *m, const real *params, const real *stats, const real *x, real *grad)
{
    static const int labels[SMALL_IMAGES] = { 0, 1, 2, 1 };
    sequential_model net = { m, params, stats, ENGINE_NAIVE, 1, 1, 0, 0 };
    sequential_batch b;
    sequential_batch_alloc(m, SMALL_IMAGES, &b);
    const real *logits = sequential_forward(&net, &b, x, SMALL_IMAGES, 0);
    double loss = softmax_cross_entropy_batch(SMALL_IMAGES, logits, labels, b.probs, b.dlogits, m->classes);
    tensor_fill(grad, (size_t)m->n_params, 0);
    sequential_backward(&net, &b, x, b.dlogits, grad, NULL);
    sequential_batch_free(&b);
    return loss;
}

static double max_abs(const real *v, long n)
{
    double best = 0;
    for (long i = 0; i < n; i++)
        best = fabs((double)v[i]) > best ? fabs((double)v[i]) : best;
    return best;
}

/* v as "%.4f", or "0 (below 1e-15)" when it is rounding noise: the same text on every machine. */
static const char *value_or_zero(double v, char *buf, size_t size)
{
    if (fabs(v) < 1e-15)
        return "0 (below 1e-15)";
    snprintf(buf, size, "%.4f", v);
    return buf;
}

/* The network `spec` on x: dL/db of its conv, and the loss with the biases moved by 3. */
static void bias_report(const char *spec, const real *x)
{
    sequential m;
    real *params, *stats;
    small_network(spec, &m, &params, &stats);
    real *grad = tensor_alloc((size_t)m.n_params, "gradient");
    long weights = conv2d_weight_count(&m.layers[0].conv);
    real *bias = params + m.layers[0].first_param + weights;
    real *dweights = grad + m.layers[0].first_param, *dbias = dweights + weights;
    double loss = small_pass(&m, params, stats, x, grad);
    char b0[32], b1[32];
    printf("  %s:\n    dL/db = [%s, %s] (largest |dL/dW| %.4f)\n", spec, value_or_zero(dbias[0], b0, sizeof b0),
           value_or_zero(dbias[1], b1, sizeof b1), max_abs(dweights, weights));
    bias[0] += 3;
    bias[1] += 3;
    printf("    loss %.6f; with both biases + 3: %.6f\n", loss, small_pass(&m, params, stats, x, grad));
    free(grad);
    free(stats);
    free(params);
}

/* The conv's weights times 1 and times 10: the loss and the largest |dL/dW|. */
static void scale_report(const real *x)
{
    sequential m;
    real *params, *stats;
    small_network("conv 2 3, batchnorm, relu, flatten, dense 3", &m, &params, &stats);
    real *grad = tensor_alloc((size_t)m.n_params, "gradient");
    long weights = conv2d_weight_count(&m.layers[0].conv);
    real *w = params + m.layers[0].first_param;
    for (int times = 1; times <= 10; times += 9) {
        double loss = small_pass(&m, params, stats, x, grad);
        printf("  W times %2d: loss %.6f, largest |dL/dW| %.5f\n", times, loss,
               max_abs(grad + m.layers[0].first_param, weights));
        for (long i = 0; i < weights; i++)
            w[i] *= 10;
    }
    free(grad);
    free(stats);
    free(params);
}

static void step_where(void)
{
    lesson_step(6, "Where it goes: conv -> batchnorm -> ReLU; the conv's bias and scale");
    printf("Notes on CNN: \"convolution -> BN -> activation -> pooling\". Per channel after a conv\n"
           "(over images and positions, as above), per feature after a dense layer (size 1). The\n"
           "conv's output for channel c is W*x + b_c; batchnorm subtracts the channel's mean,\n"
           "which contains b_c, so b_c cancels: y does not depend on it, and its gradient, the sum\n"
           "of dL/dx over the channel, is 0 (the right dL/dx of a channel sums to 0, step 4). Beta\n"
           "takes the bias's place: a conv before a batchnorm is built without one (use_bias=False in\n"
           "Keras, bias=False in PyTorch).\n"
           "A conv of 2 filters 3x3 on 4 random 6x6 images, biases 0.5 and -1, with and without\n"
           "batchnorm:\n");
    rng_t rng = rng_seeded(613);
    real x[SMALL_IMAGES * 36];
    for (int i = 0; i < SMALL_IMAGES * 36; i++)
        x[i] = (real)rng_normal(&rng);
    bias_report("conv 2 3, batchnorm, relu, flatten, dense 3", x);
    bias_report("conv 2 3, relu, flatten, dense 3", x);
    printf("(\"below 1e-15\": rounding; in exact arithmetic 0.) Doshi's network with batchnorm (the\n"
           "preset doshi-bn) keeps the biases of its three convs and of dense 128, 16 + 128 + 256 +\n"
           "128 = 528 numbers that learn nothing and change nothing.\n"
           "The scale of W goes the same way: a*W gives a times the conv's output, mean and standard\n"
           "deviation included, and batchnorm divides it out. The gradient shrinks by 1/a instead:\n");
    scale_report(x);
    printf("(The loss moves in the 6th decimal: eps, smaller next to a variance 100 times larger.)\n"
           "Weights that grow take smaller steps, weights that shrink larger ones: the scale of the\n"
           "layer's output stays where gamma puts it, whatever the optimiser does to W.\n");
}

/* ------------------------------------------------------------------ step 7: why it helps */

#define DEEP_IMAGES 8
#define SIDE 28

/* n images (n, 1, 28, 28) a little like MNIST's: black, with two or three
 * random strokes two pixels wide, ink 1, inside the middle 20x20. */
static void stroke_images(rng_t *rng, int n, real *x)
{
    tensor_fill(x, (size_t)n * SIDE * SIDE, 0);
    for (int i = 0; i < n; i++) {
        real *img = x + (long)i * SIDE * SIDE;
        int strokes = 2 + (int)rng_below(rng, 2);
        for (int s = 0; s < strokes; s++) {
            double r0 = rng_uniform_range(rng, 4, 22), c0 = rng_uniform_range(rng, 4, 22);
            double r1 = rng_uniform_range(rng, 4, 22), c1 = rng_uniform_range(rng, 4, 22);
            for (int t = 0; t <= 40; t++) {
                int r = (int)(r0 + (r1 - r0) * t / 40), c = (int)(c0 + (c1 - c0) * t / 40);
                img[r * SIDE + c] = img[(r + 1) * SIDE + c] = img[r * SIDE + c + 1] = img[(r + 1) * SIDE + c + 1] = 1;
            }
        }
    }
}

static double std_of(const real *v, long n)
{
    double mean = 0, squares = 0;
    for (long i = 0; i < n; i++)
        mean += v[i] / (double)n;
    for (long i = 0; i < n; i++)
        squares += (v[i] - mean) * (v[i] - mean);
    return sqrt(squares / (double)n);
}


typedef struct {
    double std[SEQ_MAX_LAYERS];   /* each layer's output, over the batch (flatten: none) */
    double loss;                  /* the mean cross-entropy */
} layer_scales;

/* Forward n images through the preset `name`, training mode, weights from seed 1. */
static layer_scales measure(const char *name, const real *x, int n, const int *labels, sequential *m)
{
    char err[256];
    layer_scales out = { { 0 }, 0 };
    if (sequential_build(m, name, 1, SIDE, SIDE, err, sizeof err) != 0) {
        fprintf(stderr, "13_batchnorm: %s\n", err);
        exit(1);
    }
    real *params = tensor_alloc((size_t)m->n_params, "parameters"), *stats = tensor_alloc((size_t)m->n_stats, "stats");
    rng_t rng = rng_seeded(1);
    sequential_init(m, params, stats, &rng);
    sequential_model net = { m, params, stats, ENGINE_FAST, 1, 1, 0, 0 };
    sequential_batch b;
    sequential_batch_alloc(m, n, &b);
    const real *logits = sequential_forward(&net, &b, x, n, 0);
    for (int i = 0; i < m->n_layers; i++)
        if (b.out[i])
            out.std[i] = std_of(b.out[i], n * sequential_out_size(&m->layers[i]));
    out.loss = softmax_cross_entropy_batch(n, logits, labels, b.probs, NULL, m->classes) / n;
    sequential_batch_free(&b);
    free(stats);
    free(params);
    return out;
}

static void print_scales(const sequential *plain, const sequential *bn, const layer_scales s[4])
{
    printf("  %-12s %-10s  %10s %10s   %10s %10s\n", "layer", "output", "doshi", "doshi-bn", "doshi", "doshi-bn");
    int p = 0;                                      /* the layer of plain that matches bn's layer i */
    for (int i = 0; i < bn->n_layers; i++) {
        const layer *l = &bn->layers[i];
        if (l->kind == LAYER_FLATTEN || l->kind == LAYER_SOFTMAX)
            continue;                               /* the same numbers; probabilities */
        char shape[32];
        snprintf(shape, sizeof shape, l->out_h > 1 ? "%dx%dx%d" : "%d", l->out_h, l->out_w, l->out_c);
        if (l->out_h == 1)
            snprintf(shape, sizeof shape, "%d", l->out_c);
        int in_plain = l->kind != LAYER_BATCHNORM;
        while (in_plain && plain->layers[p].kind != l->kind)
            p++;
        if (in_plain)
            printf("  %-12s %-10s  %10.4g %10.4g   %10.4g %10.4g\n", layer_kind_name(l->kind), shape, s[0].std[p],
                   s[1].std[i], s[2].std[p], s[3].std[i]);
        else
            printf("  %-12s %-10s  %10s %10.4g   %10s %10.4g\n", layer_kind_name(l->kind), shape, "", s[1].std[i], "",
                   s[3].std[i]);
        p += in_plain;
    }
    printf("  %-23s  %10.4g %10.4g   %10.4g %10.4g\n", "mean loss (ln 10 = 2.303)", s[0].loss, s[1].loss, s[2].loss,
           s[3].loss);
}

static void step_why(void)
{
    lesson_step(7, "Why it helps: the scale of every layer's output, with and without");
    printf("Doshi's network (preset doshi) and the same with batchnorm after each conv and after\n"
           "dense 128 (preset doshi-bn); the same weights (seed 1: batchnorm draws none), training\n"
           "mode, %d images of random strokes (MNIST-like: ink 1 on 0). The standard deviation of\n"
           "each layer's output over the batch, for pixels in [0, 1] and for the same images as\n"
           "raw bytes, 0..255 (a forgotten division by 255):\n", DEEP_IMAGES);
    rng_t rng = rng_seeded(7);
    real *x = tensor_alloc((size_t)DEEP_IMAGES * SIDE * SIDE, "images"),
         *raw = tensor_alloc((size_t)DEEP_IMAGES * SIDE * SIDE, "images");
    stroke_images(&rng, DEEP_IMAGES, x);
    for (long i = 0; i < (long)DEEP_IMAGES * SIDE * SIDE; i++)
        raw[i] = 255 * x[i];
    static const int labels[DEEP_IMAGES] = { 0, 1, 2, 3, 4, 5, 6, 7 };
    sequential plain, bn;
    layer_scales s[4];
    s[0] = measure("doshi", x, DEEP_IMAGES, labels, &plain);
    s[1] = measure("doshi-bn", x, DEEP_IMAGES, labels, &bn);
    s[2] = measure("doshi", raw, DEEP_IMAGES, labels, &plain);
    s[3] = measure("doshi-bn", raw, DEEP_IMAGES, labels, &bn);
    printf("  %-23s  %21s   %21s\n", "", "pixels in [0, 1]", "pixels 0..255");
    print_scales(&plain, &bn, s);
    free(raw);
    free(x);
}

static void step_why_explained(void)
{
    printf("He initialisation (lesson 10) already keeps the scale roughly steady at the start, for\n"
           "inputs of the right scale. Batchnorm resets it to gamma = 1 after every conv whatever\n"
           "comes in: 255 times larger pixels change nothing after the first batchnorm, while the\n"
           "plain network carries the factor 255 to its scores and its softmax saturates (a huge\n"
           "loss, gradients of 0 or 1). The same holds during training: the weights grow and shrink,\n"
           "and each layer still sees inputs of mean 0 and variance 1 per channel (Notes on CNN: \"the\n"
           "inputs are of the same order of magnitude\"), and step 6's a*W takes care of itself.\n"
           "What it does to training on MNIST, Doshi's network with and without:\n"
           "  make mnist-deep        make mnist-deep-bn       (7 to 9 minutes each on 2 cores; notes/13 has the table)\n");
}

int main(int argc, char **argv)
{
    lesson_start(argc, argv, "Lesson 13: batch normalisation", 0);
    real y[COUNT], xhat[COUNT], mean[CHANNELS], var[CHANNELS], inv_std[CHANNELS], run_mean[CHANNELS],
        run_var[CHANNELS];
    bn_paths paths;
    step_forward(y, xhat, mean, var, inv_std);
    step_forward_checks(y, xhat, var);
    step_erratum(mean, var);
    step_erratum_backward();
    step_backward_paths(xhat, mean, var, inv_std, &paths);
    step_backward_three_paths(&paths);
    step_collapsed(xhat, inv_std, &paths);
    step_mistake(inv_std);
    step_running_averages(mean, var, run_mean, run_var);
    step_unbiased();
    step_batch_mates(run_mean, run_var);
    step_where();
    step_why();
    step_why_explained();
    printf("\nNext: lesson 14, what the network sees (notes/14_what_it_sees.md; build/lessons/14_what_it_sees, after make mnist).\n");
    return 0;
}
