/* tests/exercise_13.c: the checks for exercise 13 (batch normalisation).
 * Built against solutions/13_batchnorm.c by `make test` and against
 * exercises/13_batchnorm.c by `make check EX=13`.
 *
 * Each task is checked on lesson 13's batch (4 images x 2 channels x 2
 * positions) and on random batches, against a reference written here; the
 * reference also computes the usual mistakes, so that a wrong answer can be
 * named. The backward pass is also checked against central differences of
 * the reference forward pass: L = sum R * y, whose gradient with respect to
 * y is R.
 *
 * The reference code (the EXERCISE_REFERENCE blocks) is the
 * instructor's: make expected stores what it computes, the right answers
 * and the mistakes' answers alike, in tests/expected/exercise_13.txt
 * (STORED_VALUES), make test checks the file against it, and the handout
 * has it cut out and reads the file instead. */
#include <math.h>
#include <stdio.h>

#include "13_batchnorm.h"
#include "exercise.h"
#include "rng.h"

#define BIG 256           /* room for the checker's own arrays (the student's are exactly sized) */
#define EPS 1e-5
#define SENTINEL 100.0    /* what dgamma and dbeta hold before task 2's call: they are overwritten */

/* Lesson 13's batch, (4, 2, 2). */
static const double X4[16] = { 8, 4, 57, 45, 2, 6, 51, 55, 4, 8, 43, 49, 4, 4, 55, 45 };
static const double GAMMA2[2] = { 2, 0.5 }, BETA2[2] = { 1, -3 };
static const double DY4[16] = { 1, -2, 3, 1, 2, 1, -1, 2, -1, 3, 2, -2, 1, 2, 1, -3 };

/* ------------------------------------------------------------------ references and their mistakes */

typedef enum {
    RIGHT,            /* per channel over the batch, / N, sqrt(var + eps)                  */
    UNBIASED,         /* the variance divided by N - 1                                     */
    SIGMA_PLUS_EPS,   /* Notes on CNN's typo: (x - mean) / (sqrt(var) + eps)               */
    VAR_PLUS_EPS,     /* no square root: (x - mean) / (var + eps)                          */
    NO_EPS,           /* (x - mean) / sqrt(var)                                            */
    OVER_CHANNELS,    /* statistics over the C channels of one image and position          */
    PER_IMAGE,        /* statistics over the positions of one image's channel              */
    LAYOUT_CN         /* x read as (C, n, size)                                            */
} forward_kind;

#ifdef EXERCISE_REFERENCE

static int channel_of(long j, int channels, int size)
{
    return (int)(j / size % channels);
}

/* Normalise x at the `count` indices idx as `kind` says: xhat there; the mean and the variance back. */
static void normalise_group(forward_kind kind, const double *x, const long *idx, int count, double eps,
                            double *xhat, double *mean_out, double *var_out)
{
    double mean = 0, squares = 0;
    for (int t = 0; t < count; t++)
        mean += x[idx[t]] / count;
    for (int t = 0; t < count; t++)
        squares += (x[idx[t]] - mean) * (x[idx[t]] - mean);
    double var = squares / (kind == UNBIASED ? count - 1 : count);
    double denom = kind == SIGMA_PLUS_EPS ? sqrt(var) + eps
                 : kind == VAR_PLUS_EPS   ? var + eps
                 : kind == NO_EPS         ? sqrt(var)
                                          : sqrt(var + eps);
    for (int t = 0; t < count; t++)
        xhat[idx[t]] = (x[idx[t]] - mean) / denom;
    *mean_out = mean;
    *var_out = var;
}

/* The forward pass, right or with one mistake: y, xhat (n, C, size); mean, var (C) for the
 * kinds that take statistics per channel. */
static void ref_forward(forward_kind kind, const double *x, int n, int C, int size, const double *gamma,
                        const double *beta, double eps, double *y, double *xhat, double *mean, double *var)
{
    long idx[BIG];
    double m, v;
    int groups = kind == OVER_CHANNELS ? n * size : kind == PER_IMAGE ? n * C : C;
    for (int g = 0; g < groups; g++) {
        int count = 0;
        for (int i = 0; i < n; i++)
            for (int c = 0; c < C; c++)
                for (int k = 0; k < size; k++) {
                    int in = kind == OVER_CHANNELS ? g == i * size + k : kind == PER_IMAGE ? g == i * C + c : g == c;
                    if (in)
                        idx[count++] = kind == LAYOUT_CN ? ((long)c * n + i) * size + k : ((long)i * C + c) * size + k;
                }
        normalise_group(kind, x, idx, count, eps, xhat, &m, &v);
        if (groups == C) {
            mean[g] = m;
            var[g] = v;
        }
    }
    for (long j = 0; j < (long)n * C * size; j++)
        y[j] = gamma[channel_of(j, C, size)] * xhat[j] + beta[channel_of(j, C, size)];
}
#endif

typedef enum {
    B_RIGHT,
    B_DIRECT_ONLY,    /* dx = gamma s dy: the mean and the variance taken as constants */
    B_NO_MEAN_PATH,   /* dx = gamma s / N (N dy - xhat sum dy xhat)                    */
    B_NO_VAR_PATH,    /* dx = gamma s / N (N dy - sum dy)                              */
    B_NO_GAMMA,       /* dx = s / N (...)                                              */
    B_SIGMA_PLUS_EPS, /* s = 1 / (sqrt(var) + eps)                                     */
    B_NO_EPS          /* s = 1 / sqrt(var)                                             */
} backward_kind;

#ifdef EXERCISE_REFERENCE
/* The sums per channel: dbeta = sum dy, dgamma = sum dy * xhat (C each). */
static void ref_sums(const double *dy, const double *xhat, int n, int C, int size, double *dgamma, double *dbeta)
{
    for (int c = 0; c < C; c++)
        dgamma[c] = dbeta[c] = 0;
    for (long j = 0; j < (long)n * C * size; j++) {
        dbeta[channel_of(j, C, size)] += dy[j];
        dgamma[channel_of(j, C, size)] += dy[j] * xhat[j];
    }
}

static void ref_backward_dx(backward_kind kind, const double *dy, const double *xhat, int n, int C, int size,
                            const double *gamma, const double *var, double eps, double *dx)
{
    double dgamma[BIG], dbeta[BIG], N = (double)n * size;
    ref_sums(dy, xhat, n, C, size, dgamma, dbeta);
    for (long j = 0; j < (long)n * C * size; j++) {
        int c = channel_of(j, C, size);
        double s = kind == B_SIGMA_PLUS_EPS ? 1 / (sqrt(var[c]) + eps)
                 : kind == B_NO_EPS         ? 1 / sqrt(var[c])
                                            : 1 / sqrt(var[c] + eps);
        double g = kind == B_NO_GAMMA ? 1 : gamma[c];
        double mean_path = kind == B_NO_MEAN_PATH || kind == B_DIRECT_ONLY ? 0 : dbeta[c];
        double var_path = kind == B_NO_VAR_PATH || kind == B_DIRECT_ONLY ? 0 : xhat[j] * dgamma[c];
        dx[j] = g * s / N * (N * dy[j] - mean_path - var_path);
    }
}
#endif

/* ------------------------------------------------------------------ helpers */

static void random_fill(rng_t *rng, double *v, int n, double mean, double std)
{
    for (int i = 0; i < n; i++)
        v[i] = mean + std * rng_normal(rng);
}

/* A random batch (n, C, size) whose channels have different means and scales;
 * channel 1 (when C > 1) has a standard deviation of 0.003, a variance near
 * eps, where eps's place matters. */
static void random_batch(rng_t *rng, double *x, int n, int C, int size)
{
    for (int i = 0; i < n; i++)
        for (int c = 0; c < C; c++)
            random_fill(rng, x + ((long)i * C + c) * size, size, 3.0 * c - 2, c == 1 ? 0.003 : 0.5 + c);
}

static int all_equal(const double *v, int n, double value)
{
    for (int i = 0; i < n; i++)
        if (v[i] != value)
            return 0;
    return 1;
}

/* ------------------------------------------------------------------ task 1 */


#define FORWARD_MISTAKES 6
static const struct {
    forward_kind kind;
    const char *label;
    const char *message;
} forward_mistakes[FORWARD_MISTAKES] = {
    { SIGMA_PLUS_EPS, "xhat with eps outside the square root",
      "eps is outside the square root: (x - mean) / (sqrt(var) + eps) is Notes on CNN's typo "
      "(sigma + eps); divide by sqrt(var + eps)" },
    { VAR_PLUS_EPS, "xhat divided by var + eps",
      "xhat is divided by the variance itself (Notes on CNN calls sigma \"the variance\"): "
      "divide by the square root, sqrt(var + eps)" },
    { NO_EPS, "xhat without eps",
      "eps is missing: divide by sqrt(var + eps), not sqrt(var) (a channel of variance 0 would "
      "divide by 0)" },
    { OVER_CHANNELS, "xhat with statistics over the channels",
      "the statistics were taken over the channels (the C numbers of one image at one "
      "position): batchnorm normalises over the batch, each channel over all n images and "
      "all its positions" },
    { PER_IMAGE, "xhat with statistics per image",
      "the statistics were taken per image (over the positions of one image's channel): "
      "each channel's mean and variance run over ALL n images of the batch" },
    { LAYOUT_CN, "xhat with x read as (C, n, size)",
      "x was read as (C, n, size): element (i, c, k) is x[(i * C + c) * size + k], channel c "
      "of image i is `size` numbers starting at (i * C + c) * size" },
};

/* The reference's answers for one forward case: the right ones and the mistakes'. */
typedef struct {
    double y[BIG], xhat[BIG], mean[BIG], var[BIG];
    double unbiased_var[BIG];                  /* var divided by N - 1 */
    double swapped_y[BIG];                     /* y = beta xhat + gamma */
    double wrong_xhat[FORWARD_MISTAKES][BIG];  /* xhat with each of forward_mistakes */
} forward_answers;

/* Compute (reference build) or read (handout) the answers for x. */
static void forward_answers_for(const double *x, int n, int C, int size, const double *gamma, const double *beta,
                                forward_answers *a)
{
    int count = n * C * size;
#ifdef EXERCISE_REFERENCE
    double ty[BIG], tx[BIG], tm[BIG], tv[BIG];
    ref_forward(UNBIASED, x, n, C, size, gamma, beta, EPS, ty, tx, tm, a->unbiased_var);
    for (int m = 0; m < FORWARD_MISTAKES; m++)
        ref_forward(forward_mistakes[m].kind, x, n, C, size, gamma, beta, EPS, ty, a->wrong_xhat[m], tm, tv);
    ref_forward(RIGHT, x, n, C, size, gamma, beta, EPS, a->y, a->xhat, a->mean, a->var);
    for (int j = 0; j < count; j++)
        a->swapped_y[j] = beta[channel_of(j, C, size)] * a->xhat[j] + gamma[channel_of(j, C, size)];
#endif
    (void)x, (void)gamma, (void)beta;   /* the handout's copy reads the answers */
    STORED_VALUES("mean", a->mean, C);
    STORED_VALUES("var", a->var, C);
    STORED_VALUES("xhat", a->xhat, count);
    STORED_VALUES("y", a->y, count);
    STORED_VALUES("var divided by N - 1", a->unbiased_var, C);
    STORED_VALUES("y = beta xhat + gamma", a->swapped_y, count);
    for (int m = 0; m < FORWARD_MISTAKES; m++)
        STORED_VALUES(forward_mistakes[m].label, a->wrong_xhat[m], count);
}

/* Name the mistake that turns x into the student's xhat / var / y, if it is a usual one. */
static void diagnose_forward(int n, int C, int size, const double *y, const double *xhat, const double *var,
                             const forward_answers *a)
{
    int count = n * C * size;
    if (all_equal(xhat, count, 0) && all_equal(y, count, 0)) {
        task_diagnose("xhat and y are all zeros: nothing was written");
        return;
    }
    if (arrays_near(var, a->unbiased_var, C, 1e-9))
        task_diagnose("the variance is divided by N - 1 = %d: in training mode batchnorm uses the batch's own "
                      "variance, divided by N = n * size = %d (N / (N - 1) belongs to the running average, task 3)",
                      n * size - 1, n * size);
    for (int m = 0; m < FORWARD_MISTAKES; m++)
        if (arrays_near(xhat, a->wrong_xhat[m], count, 1e-9))
            task_diagnose("%s", forward_mistakes[m].message);
    if (arrays_near(xhat, a->xhat, count, 1e-9) && arrays_near(y, xhat, count, 1e-9))
        task_diagnose("y = xhat: then scale by gamma[c] and shift by beta[c], y = gamma xhat + beta");
    else if (arrays_near(xhat, a->xhat, count, 1e-9) && arrays_near(y, a->swapped_y, count, 1e-9))
        task_diagnose("gamma and beta are swapped: y = gamma[c] * xhat + beta[c]");
}

/* One call of bn_forward_train against the reference: all four outputs. */
static int check_forward(const char *what, const double *x, int n, int C, int size, const double *gamma,
                         const double *beta)
{
    int count = n * C * size;
    double *y = task_array("y", count, 0, GUARD_VALUE), *xhat = task_array("xhat", count, 0, GUARD_VALUE);
    double *mean = task_array("mean", C, 0, GUARD_VALUE), *var = task_array("var", C, 0, GUARD_VALUE);
    static forward_answers a;
    CALL(bn_forward_train(x, n, C, size, gamma, beta, EPS, y, xhat, mean, var));
    forward_answers_for(x, n, C, size, gamma, beta, &a);
    diagnose_forward(n, C, size, y, xhat, var, &a);
    char name[160];
    int ok = 1;
    snprintf(name, sizeof name, "mean (C = %d), %s", C, what);
    ok &= task_expect_array(name, a.mean, mean, C, 1e-9);
    snprintf(name, sizeof name, "var (C = %d), %s", C, what);
    ok &= task_expect_array(name, a.var, var, C, 1e-9);
    snprintf(name, sizeof name, "xhat, %s", what);
    ok &= task_expect_array(name, a.xhat, xhat, count, 1e-9);
    snprintf(name, sizeof name, "y, %s", what);
    ok &= task_expect_array(name, a.y, y, count, 1e-9);
    return ok;
}


static void task_forward_train(void)
{
    task_begin(1, "training mode: mean, variance, xhat and y per channel",
               HINTS("Each channel is shifted and scaled to mean 0 and variance 1, using every number the "
                     "channel has in the batch (all images, all positions); then gamma and beta give it the "
                     "scale and offset the network wants.",
                     "per channel c over N = n * size numbers: mean = sum x / N, var = sum (x - mean)^2 / N, "
                     "xhat = (x - mean) / sqrt(var + eps), y = gamma[c] xhat + beta[c].",
                     "for each channel c: loop i over the n images and k over the size positions, reading "
                     "x[(i * channels + c) * size + k]; a first loop sums x for mean[c], a second sums "
                     "(x - mean[c])^2 for var[c] (divide both by N = n * size), a third writes xhat and y at "
                     "the same index, with inv_std = 1 / sqrt(var[c] + eps)."));
    rng_t rng = rng_seeded(1301);
    double x[BIG], gamma[4], beta[4];
    random_batch(&rng, x, 3, 4, 5);
    random_fill(&rng, gamma, 4, 1, 0.5);
    random_fill(&rng, beta, 4, 0, 1);
    double dense[BIG];
    random_batch(&rng, dense, 6, 3, 1);
    /* each case only when the one before passes: one mistake, one set of messages */
    if (check_forward("lesson 13's batch (4 images, 2 channels, 2 positions)", X4, 4, 2, 2, GAMMA2, BETA2)
        && check_forward("3 images, 4 channels of 5 (random; channel 1's variance near eps)", x, 3, 4, 5, gamma, beta))
        check_forward("6 images, 3 features, size 1 (after a dense layer)", dense, 6, 3, 1, gamma, beta);
    task_end();
}

/* ------------------------------------------------------------------ task 2 */

#define BACKWARD_MISTAKES 6
static const struct {
    backward_kind kind;
    const char *label;
    const char *message;
} backward_mistakes[BACKWARD_MISTAKES] = {
    { B_DIRECT_ONLY, "dx by the direct path only",
      "dx = gamma * dy / sqrt(var + eps): the direct path only, as if the mean and the "
      "variance were constants. Every x moves its channel's mean and variance, and they move "
      "every y: dx = gamma s / N * (N dy - sum dy - xhat * sum (dy * xhat))" },
    { B_NO_MEAN_PATH, "dx without the mean's path",
      "the path through the mean is missing: subtract sum dy as well (dmean / N = "
      "-gamma s sum dy / N for every x of the channel)" },
    { B_NO_VAR_PATH, "dx without the variance's path",
      "the path through the variance is missing: subtract xhat * sum (dy * xhat) as well "
      "(dvar * 2 (x - mean) / N)" },
    { B_NO_GAMMA, "dx without gamma", "gamma is missing from dx: dL/dxhat = gamma * dy comes first" },
    { B_SIGMA_PLUS_EPS, "dx with eps outside the square root",
      "eps is outside the square root in s: s = 1 / sqrt(var + eps), not 1 / (sqrt(var) + eps)" },
    { B_NO_EPS, "dx without eps", "eps is missing in s: s = 1 / sqrt(var + eps)" },
};

/* The reference's answers for one backward case: the forward pass's xhat and var (the
 * student's function gets them), the right gradients and the mistakes'. */
typedef struct {
    double xhat[BIG], var[BIG], dx[BIG], dgamma[BIG], dbeta[BIG];
    double img_g[BIG], img_b[BIG];       /* summed per image, over its channels and positions */
    double first_g[BIG], first_b[BIG];   /* channel c of image 0 only */
    double mean_g[BIG], mean_b[BIG];     /* divided by N */
    double added_g[BIG], added_b[BIG];   /* added to SENTINEL */
    double wrong_dx[BACKWARD_MISTAKES][BIG];
} backward_answers;

/* Compute (reference build) or read (handout) the answers for x and dy. */
static void backward_answers_for(const double *x, int n, int C, int size, const double *gamma, const double *beta,
                                 const double *dy, backward_answers *a)
{
    int count = n * C * size;
#ifdef EXERCISE_REFERENCE
    double y[BIG], mean[BIG];
    ref_forward(RIGHT, x, n, C, size, gamma, beta, EPS, y, a->xhat, mean, a->var);
    ref_backward_dx(B_RIGHT, dy, a->xhat, n, C, size, gamma, a->var, EPS, a->dx);
    ref_sums(dy, a->xhat, n, C, size, a->dgamma, a->dbeta);
    for (int m = 0; m < BACKWARD_MISTAKES; m++)
        ref_backward_dx(backward_mistakes[m].kind, dy, a->xhat, n, C, size, gamma, a->var, EPS, a->wrong_dx[m]);
    for (int c = 0; c < BIG; c++)
        a->img_g[c] = a->img_b[c] = a->first_g[c] = a->first_b[c] = 0;
    for (long j = 0; j < (long)count; j++) {
        int i = (int)(j / ((long)C * size)), c = channel_of(j, C, size);
        a->img_g[i] += dy[j] * a->xhat[j];
        a->img_b[i] += dy[j];
        if (i == 0) {
            a->first_g[c] += dy[j] * a->xhat[j];
            a->first_b[c] += dy[j];
        }
    }
    for (int c = 0; c < C; c++) {
        a->mean_g[c] = a->dgamma[c] / (n * size);
        a->mean_b[c] = a->dbeta[c] / (n * size);
        a->added_g[c] = a->dgamma[c] + SENTINEL;
        a->added_b[c] = a->dbeta[c] + SENTINEL;
    }
#endif
    (void)x, (void)gamma, (void)beta, (void)dy;   /* the handout's copy reads the answers */
    STORED_VALUES("xhat of the forward pass", a->xhat, count);
    STORED_VALUES("var of the forward pass", a->var, C);
    STORED_VALUES("dx", a->dx, count);
    STORED_VALUES("dgamma", a->dgamma, C);
    STORED_VALUES("dbeta", a->dbeta, C);
    STORED_VALUES("dgamma summed per image", a->img_g, C);
    STORED_VALUES("dbeta summed per image", a->img_b, C);
    STORED_VALUES("dgamma of image 0", a->first_g, C);
    STORED_VALUES("dbeta of image 0", a->first_b, C);
    STORED_VALUES("dgamma / N", a->mean_g, C);
    STORED_VALUES("dbeta / N", a->mean_b, C);
    STORED_VALUES("dgamma added to the sentinel", a->added_g, C);
    STORED_VALUES("dbeta added to the sentinel", a->added_b, C);
    for (int m = 0; m < BACKWARD_MISTAKES; m++)
        STORED_VALUES(backward_mistakes[m].label, a->wrong_dx[m], count);
}

/* Name the usual mistakes in dgamma and dbeta (sums per channel over the whole batch). */
static void diagnose_sums(int C, const double *dgamma, const double *dbeta, const backward_answers *a)
{
    if (all_equal(dgamma, C, SENTINEL) && all_equal(dbeta, C, SENTINEL))
        task_diagnose("dgamma and dbeta were not written");
    else if (arrays_near(dgamma, a->added_g, C, 1e-9) || arrays_near(dbeta, a->added_b, C, 1e-9))
        task_diagnose("dgamma and dbeta were added to what the arrays held (%g): they are OVERWRITTEN, "
                      "set them to the sums (or to 0 before adding)", SENTINEL);
    else if (arrays_near(dgamma, a->img_g, C, 1e-9) || arrays_near(dbeta, a->img_b, C, 1e-9))
        task_diagnose("dgamma and dbeta were summed per image (over an image's channels): they have one entry "
                      "per CHANNEL, dgamma[c] = sum over all images i and positions k of dy * xhat at (i, c, k)");
    else if (arrays_near(dgamma, a->first_g, C, 1e-9) || arrays_near(dbeta, a->first_b, C, 1e-9))
        task_diagnose("dgamma and dbeta hold image 0's part only: sum over every image of the batch too");
    else if (arrays_near(dgamma, a->mean_g, C, 1e-9) || arrays_near(dbeta, a->mean_b, C, 1e-9))
        task_diagnose("dgamma and dbeta are divided by N: gamma and beta are used once per number of the "
                      "channel, and each use adds its gradient: the SUM, not the mean");
    else if (arrays_near(dgamma, a->dbeta, C, 1e-9) && arrays_near(dbeta, a->dgamma, C, 1e-9))
        task_diagnose("dgamma and dbeta are swapped: dbeta = sum dy, dgamma = sum dy * xhat");
}

/* Name the usual mistakes in dx. */
static void diagnose_dx(int count, const double *dx, const backward_answers *a)
{
    if (all_equal(dx, count, 0)) {
        task_diagnose("dx is all zeros: nothing was written to dx");
        return;
    }
    for (int m = 0; m < BACKWARD_MISTAKES; m++)
        if (arrays_near(dx, a->wrong_dx[m], count, 1e-9))
            task_diagnose("%s", backward_mistakes[m].message);
}

/* One call of bn_backward on x's forward pass (the reference's xhat and var) against the reference. */
static int check_backward(const char *what, const double *x, int n, int C, int size, const double *gamma,
                          const double *beta, const double *dy)
{
    static backward_answers a;
    double *dx = task_array("dx", n * C * size, 0, GUARD_VALUE);
    double *dgamma = task_array("dgamma", C, SENTINEL, GUARD_VALUE), *dbeta = task_array("dbeta", C, SENTINEL, GUARD_VALUE);
    backward_answers_for(x, n, C, size, gamma, beta, dy, &a);
    CALL(bn_backward(dy, a.xhat, n, C, size, gamma, a.var, EPS, dx, dgamma, dbeta));
    diagnose_sums(C, dgamma, dbeta, &a);
    diagnose_dx(n * C * size, dx, &a);
    char name[160];
    int ok = 1;
    snprintf(name, sizeof name, "dbeta, %s", what);
    ok &= task_expect_array(name, a.dbeta, dbeta, C, 1e-9);
    snprintf(name, sizeof name, "dgamma, %s", what);
    ok &= task_expect_array(name, a.dgamma, dgamma, C, 1e-9);
    snprintf(name, sizeof name, "dx, %s", what);
    ok &= task_expect_array(name, a.dx, dx, n * C * size, 1e-9);
    return ok;
}

#ifdef EXERCISE_REFERENCE
/* The reference forward pass and L = sum R * y, for central differences. */
typedef struct {
    double *x, *gamma, *beta;
    const double *r;
    int n, C, size;
} loss_ctx;

static double ref_loss(const loss_ctx *l)
{
    double y[BIG], xhat[BIG], mean[BIG], var[BIG], loss = 0;
    ref_forward(RIGHT, l->x, l->n, l->C, l->size, l->gamma, l->beta, EPS, y, xhat, mean, var);
    for (int j = 0; j < l->n * l->C * l->size; j++)
        loss += l->r[j] * y[j];
    return loss;
}

/* Central differences of the loss when each of param's count entries is nudged, into numeric. */
static void ref_numeric_gradient(double *param, int count, const loss_ctx *l, double *numeric)
{
    const double h = 1e-5;
    for (int i = 0; i < count; i++) {
        double saved = param[i];
        param[i] = saved + h;
        double plus = ref_loss(l);
        param[i] = saved - h;
        double minus = ref_loss(l);
        param[i] = saved;
        numeric[i] = (plus - minus) / (2 * h);
    }
}
#endif

/* The worst relative error of grad (count entries) against the central differences numeric;
 * names the worst entry when it is above 1e-7. */
static void gradient_check(const char *name, const double *numeric, const double *grad, int count)
{
    double worst = 0, worst_a = 0, worst_n = 0;
    int worst_i = 0;
    for (int i = 0; i < count; i++) {
        double rel = fabs(grad[i] - numeric[i]) / fmax(1e-8, fabs(grad[i]) + fabs(numeric[i]));
        if (!(rel <= worst)) {   /* also catches NaN */
            worst = rel;
            worst_i = i;
            worst_a = grad[i];
            worst_n = numeric[i];
        }
    }
    if (!(worst <= 1e-7))
        task_diagnose("%s fails its gradient check: at [%d] the analytic gradient is %.6g but central differences "
                      "give %.6g (max relative error %.1e; a correct backward gives about 1e-9)",
                      name, worst_i, worst_a, worst_n, worst);
}

static void task_backward(void)
{
    task_begin(2, "the backward pass: dgamma, dbeta and dx, through the mean and the variance",
               HINTS("Every x of a channel moves that channel's mean and variance, and through them every y of "
                     "the channel: dL/dx collects the direct path through xhat and the paths through the "
                     "variance and the mean.",
                     "per channel, s = 1 / sqrt(var + eps): dbeta = sum dy, dgamma = sum dy * xhat, and "
                     "dx = gamma s / N * (N dy - dbeta - xhat * dgamma), the direct path gamma s dy minus the "
                     "mean's and the variance's.",
                     "for each channel c: a first loop over images i and positions k sums dy (dbeta[c]) and "
                     "dy * xhat (dgamma[c]) at j = (i * channels + c) * size + k; then with N = n * size and "
                     "scale = gamma[c] / sqrt(var[c] + eps) / N a second loop writes dx[j] = scale * (N * dy[j] "
                     "- dbeta[c] - xhat[j] * dgamma[c]). Write dgamma[c] and dbeta[c] with =, not +=."));
    rng_t rng = rng_seeded(1302);
    double x[BIG], gamma[3], beta[3], dy[BIG];
    random_batch(&rng, x, 3, 3, 4);
    random_fill(&rng, gamma, 3, 1, 0.5);
    random_fill(&rng, beta, 3, 0, 1);
    random_fill(&rng, dy, 36, 0, 1);
    if (!check_backward("lesson 13's batch and dL/dy", X4, 4, 2, 2, GAMMA2, BETA2, DY4)
        || !check_backward("3 images, 3 channels of 4 (random; channel 1's variance near eps)", x, 3, 3, 4, gamma,
                           beta, dy)) {
        task_end();          /* the gradient checks below would only repeat it */
        return;
    }

    double xg[BIG], xhat[BIG], var[BIG], numeric_x[BIG], numeric_gamma[2], numeric_beta[2];
    double *dx = task_array("dx", 30, 0, GUARD_VALUE), *dgamma = task_array("dgamma", 2, 0, GUARD_VALUE);
    double *dbeta = task_array("dbeta", 2, 0, GUARD_VALUE);
    random_fill(&rng, xg, 30, 0.5, 1);                     /* X (5, 2, 3): variances near 1 */
    random_fill(&rng, dy, 30, 0, 1);
#ifdef EXERCISE_REFERENCE
    double y[BIG], mean[BIG];
    ref_forward(RIGHT, xg, 5, 2, 3, gamma, beta, EPS, y, xhat, mean, var);
    loss_ctx l = { xg, gamma, beta, dy, 5, 2, 3 };
    ref_numeric_gradient(xg, 30, &l, numeric_x);
    ref_numeric_gradient(gamma, 2, &l, numeric_gamma);
    ref_numeric_gradient(beta, 2, &l, numeric_beta);
#endif
    STORED_VALUES("xhat of the random (5, 2, 3)", xhat, 30);
    STORED_VALUES("var of the random (5, 2, 3)", var, 2);
    STORED_VALUES("central differences for dx", numeric_x, 30);
    STORED_VALUES("central differences for dgamma", numeric_gamma, 2);
    STORED_VALUES("central differences for dbeta", numeric_beta, 2);
    CALL(bn_backward(dy, xhat, 5, 2, 3, gamma, var, EPS, dx, dgamma, dbeta));
    gradient_check("dx (5 images, 2 channels of 3)", numeric_x, dx, 30);
    gradient_check("dgamma", numeric_gamma, dgamma, 2);
    gradient_check("dbeta", numeric_beta, dbeta, 2);
    task_end();
}

/* ------------------------------------------------------------------ task 3 */

#ifdef EXERCISE_REFERENCE
/* The running averages (C) after one step, the variance times `unbias` (right: N / (N - 1)),
 * the mean times `mean_unbias` (right: 1). */
static void ref_running(const double *mean, const double *var, int C, double momentum, double unbias,
                        double mean_unbias, double *rm, double *rv)
{
    for (int c = 0; c < C; c++) {
        rm[c] = momentum * rm[c] + (1 - momentum) * mean[c] * mean_unbias;
        rv[c] = momentum * rv[c] + (1 - momentum) * var[c] * unbias;
    }
}
#endif

static void task_running(void)
{
    task_begin(3, "the running averages: momentum, and the unbiased variance",
               HINTS("Training keeps a slowly moving average of each channel's batch statistics, to stand in "
                     "for the statistics of all the data at test time.",
                     "running_mean = momentum running_mean + (1 - momentum) mean; running_var = momentum "
                     "running_var + (1 - momentum) var N / (N - 1).",
                     "one loop over the channels c: running_mean[c] = momentum * running_mean[c] + (1 - "
                     "momentum) * mean[c]; running_var[c] = momentum * running_var[c] + (1 - momentum) * "
                     "var[c] * N / (N - 1), computing N / (N - 1) in double ((double)N / (N - 1): in "
                     "integers 8 / 7 is 1)."));
    static const double mean[3] = { 5, 50, -1 }, var[3] = { 4, 25, 0.5 };
    static const struct {
        long N;
        double momentum;
    } calls[] = { { 8, 0.9 }, { 8, 0.9 }, { 50, 0.99 } };
    double *rm = task_array("running_mean", 3, 0, GUARD_VALUE), *rv = task_array("running_var", 3, 1, GUARD_VALUE);
    rm[2] = 2;
    rv[2] = 3;
    enum { CALLS = (int)(sizeof calls / sizeof calls[0]) };
    /* after each call: the right averages, and each mistake's from the right ones before it */
    double want_m[CALLS][3], want_v[CALLS][3], biased_v[CALLS][3], swapped_m[CALLS][3], inverse_v[CALLS][3];
    double both_m[CALLS][3];
#ifdef EXERCISE_REFERENCE
    double m_now[3] = { 0, 0, 2 }, v_now[3] = { 1, 1, 3 };
    for (int t = 0; t < CALLS; t++) {
        long N = calls[t].N;
        double mo = calls[t].momentum, unbias = (double)N / (double)(N - 1);
        double biased_m[3], swapped_v[3], inverse_m[3], both_v[3];
        for (int c = 0; c < 3; c++) {
            biased_m[c] = swapped_m[t][c] = inverse_m[c] = both_m[t][c] = m_now[c];
            biased_v[t][c] = swapped_v[c] = inverse_v[t][c] = both_v[c] = v_now[c];
        }
        ref_running(mean, var, 3, mo, 1, 1, biased_m, biased_v[t]);
        ref_running(mean, var, 3, 1 - mo, unbias, 1, swapped_m[t], swapped_v);
        ref_running(mean, var, 3, mo, 1 / unbias, 1, inverse_m, inverse_v[t]);
        ref_running(mean, var, 3, mo, unbias, unbias, both_m[t], both_v);
        ref_running(mean, var, 3, mo, unbias, 1, m_now, v_now);
        for (int c = 0; c < 3; c++) {
            want_m[t][c] = m_now[c];
            want_v[t][c] = v_now[c];
        }
    }
#endif
    for (int t = 0; t < CALLS; t++) {
        STORED_VALUES("running_mean", want_m[t], 3);
        STORED_VALUES("running_var", want_v[t], 3);
        STORED_VALUES("running_var without N / (N - 1)", biased_v[t], 3);
        STORED_VALUES("running_mean with momentum swapped", swapped_m[t], 3);
        STORED_VALUES("running_var times (N - 1) / N", inverse_v[t], 3);
        STORED_VALUES("running_mean times N / (N - 1) too", both_m[t], 3);
    }
    for (int t = 0; t < CALLS; t++) {
        long N = calls[t].N;
        double mo = calls[t].momentum;
        double before_m[3] = { rm[0], rm[1], rm[2] }, before_v[3] = { rv[0], rv[1], rv[2] };
        CALL(bn_update_running(mean, var, 3, N, mo, rm, rv));
        char what[120];
        if (arrays_near(rm, before_m, 3, 0) && arrays_near(rv, before_v, 3, 0))
            task_diagnose("running_mean and running_var did not change: nothing was written");
        else if (arrays_near(rv, biased_v[t], 3, 1e-9))
            task_diagnose("the running variance takes the batch's variance as it is: multiply it by N / (N - 1) "
                          "first (a batch's variance divided by N is on average (N - 1)/N of the data's; and "
                          "in integers N / (N - 1) is 1: compute it in double)");
        else if (arrays_near(rv, inverse_v[t], 3, 1e-9))
            task_diagnose("the variance was multiplied by (N - 1) / N: the unbiased variance is var * N / (N - 1), "
                          "larger than the batch's");
        if (arrays_near(rm, swapped_m[t], 3, 1e-9))
            task_diagnose("momentum and 1 - momentum are swapped: the old average keeps the weight momentum "
                          "(0.9), the new batch gets 1 - momentum (0.1)");
        else if (arrays_near(rm, both_m[t], 3, 1e-9))
            task_diagnose("the mean was multiplied by N / (N - 1) too: only the variance is made unbiased");
        snprintf(what, sizeof what, "running_mean after call %d (N = %ld, momentum %g)", t + 1, N, mo);
        int ok = task_expect_array(what, want_m[t], rm, 3, 1e-9);
        snprintf(what, sizeof what, "running_var after call %d (N = %ld, momentum %g)", t + 1, N, mo);
        if (!(task_expect_array(what, want_v[t], rv, 3, 1e-9) && ok))
            break;                         /* the next calls start from these numbers */
    }
    task_end();
}

/* ------------------------------------------------------------------ task 4 */

typedef enum { T_RIGHT, T_SIGMA_PLUS_EPS, T_VAR_PLUS_EPS, T_NO_EPS, T_NO_AFFINE } test_kind;

#ifdef EXERCISE_REFERENCE
static void ref_forward_test(test_kind kind, const double *x, int n, int C, int size, const double *gamma,
                             const double *beta, const double *rm, const double *rv, double *y)
{
    for (long j = 0; j < (long)n * C * size; j++) {
        int c = channel_of(j, C, size);
        double denom = kind == T_SIGMA_PLUS_EPS ? sqrt(rv[c]) + EPS
                     : kind == T_VAR_PLUS_EPS   ? rv[c] + EPS
                     : kind == T_NO_EPS         ? sqrt(rv[c])
                                                : sqrt(rv[c] + EPS);
        double xhat = (x[j] - rm[c]) / denom;
        y[j] = kind == T_NO_AFFINE ? xhat : gamma[c] * xhat + beta[c];
    }
}
#endif

#define TEST_MISTAKES 4
static const struct {
    test_kind kind;
    const char *label;
    const char *message;
} test_mistakes[TEST_MISTAKES] = {
    { T_SIGMA_PLUS_EPS, "y with eps outside the square root",
      "eps is outside the square root: divide by sqrt(running_var + eps)" },
    { T_VAR_PLUS_EPS, "y divided by running_var + eps", "divided by the running variance itself: divide by its "
                                                         "square root, sqrt(running_var + eps)" },
    { T_NO_EPS, "y without eps", "eps is missing: sqrt(running_var + eps)" },
    { T_NO_AFFINE, "y without gamma and beta",
      "gamma and beta are missing: y = gamma[c] * xhat + beta[c], as in training mode" },
};

/* The reference's answers for one test-mode case. */
typedef struct {
    double y[BIG], train_y[BIG], wrong_y[TEST_MISTAKES][BIG];
} test_answers;

static void diagnose_test(int n, int count, const double *y, const test_answers *a)
{
    if (all_equal(y, count, 0)) {
        task_diagnose("y is all zeros: nothing was written");
        return;
    }
    if (n > 1 && arrays_near(y, a->train_y, count, 1e-9))
        task_diagnose("this is the training-mode output: at test time use the running averages, not the "
                      "batch's own mean and variance (they would make an image's answer depend on its batch-mates)");
    for (int m = 0; m < TEST_MISTAKES; m++)
        if (arrays_near(y, a->wrong_y[m], count, 1e-9))
            task_diagnose("%s", test_mistakes[m].message);
}

static int check_test_mode(const char *what, const double *x, int n, int C, int size, const double *gamma,
                           const double *beta, const double *rm, const double *rv)
{
    static test_answers a;
    int count = n * C * size;
    double *y = task_array("y", count, 0, GUARD_VALUE);
    double *alone = task_array("y", C * size, 0, GUARD_VALUE);
    CALL(bn_forward_test(x, n, C, size, gamma, beta, rm, rv, EPS, y));
#ifdef EXERCISE_REFERENCE
    double xhat[BIG], mean[BIG], var[BIG];
    ref_forward_test(T_RIGHT, x, n, C, size, gamma, beta, rm, rv, a.y);
    ref_forward(RIGHT, x, n, C, size, gamma, beta, EPS, a.train_y, xhat, mean, var);
    for (int m = 0; m < TEST_MISTAKES; m++)
        ref_forward_test(test_mistakes[m].kind, x, n, C, size, gamma, beta, rm, rv, a.wrong_y[m]);
#endif
    STORED_VALUES("y", a.y, count);
    STORED_VALUES("y in training mode", a.train_y, count);
    for (int m = 0; m < TEST_MISTAKES; m++)
        STORED_VALUES(test_mistakes[m].label, a.wrong_y[m], count);
    diagnose_test(n, count, y, &a);
    int ok = task_expect_array(what, a.y, y, count, 1e-9);
    CALL(bn_forward_test(x + C * size, 1, C, size, gamma, beta, rm, rv, EPS, alone));   /* image 1 alone */
    if (!all_equal(y, count, 0) && !arrays_near(alone, y + C * size, C * size, 1e-12)) {
        task_diagnose("image 1 alone gives another answer than image 1 in its batch: in test mode every image "
                      "is normalised with the same fixed numbers, whatever its batch-mates");
        ok = 0;
    }
    return ok;
}


static void task_test_mode(void)
{
    task_begin(4, "test mode: the running averages, every image on its own",
               HINTS("At test time an image's answer must not depend on the other images in its batch: "
                     "normalise with the running averages, fixed numbers, not with the batch's own "
                     "statistics.",
                     "y = gamma[c] (x - running_mean[c]) / sqrt(running_var[c] + eps) + beta[c], for every "
                     "image, channel and position.",
                     "loop over i, c, k; j = (i * channels + c) * size + k; y[j] = gamma[c] * (x[j] - "
                     "running_mean[c]) / sqrt(running_var[c] + eps) + beta[c]. No sums over the batch at all."));
    static const double rm2[2] = { 4.5, 48 }, rv2[2] = { 5, 30 };
    if (!check_test_mode("y, lesson 13's batch, running mean [4.5 48], running variance [5 30]", X4, 4, 2, 2,
                         GAMMA2, BETA2, rm2, rv2)) {
        task_end();
        return;
    }
    rng_t rng = rng_seeded(1304);
    double x[BIG], gamma[3], beta[3], rm[3], rv[3] = { 2, 2e-5, 0.3 };   /* channel 1: a variance near eps */
    random_batch(&rng, x, 4, 3, 5);
    random_fill(&rng, gamma, 3, 1, 0.5);
    random_fill(&rng, beta, 3, 0, 1);
    random_fill(&rng, rm, 3, 0, 2);
    check_test_mode("y, 4 images, 3 channels of 5 (random; a running variance near eps)", x, 4, 3, 5, gamma, beta,
                    rm, rv);
    task_end();
}

int main(int argc, char **argv)
{
    static const exercise_task tasks[] = { task_forward_train, task_backward, task_running, task_test_mode };
    return exercise_main(argc, argv, "exercise 13 (batch normalisation)", tasks, (int)(sizeof tasks / sizeof tasks[0]));
}
