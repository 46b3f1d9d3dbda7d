/* tests/exercise_07.c: the checks for exercise 07 (dense layers and Intro to CNN's network).
 * Built against solutions/07_dense.c by `make test` and against
 * exercises/07_dense.c by `make check EX=07`.
 *
 * Each backward pass is also compared with central differences of a loss
 * computed in plain double by reference code (not by your forward). The
 * reference code sits in EXERCISE_REFERENCE blocks (the instructor's copy
 * only); make expected stores what it computes in
 * tests/expected/exercise_07.txt and the handout reads it there (exercise.h,
 * STORED_VALUES). */
#include <math.h>
#include <stdio.h>

#include "07_dense.h"
#include "exercise.h"
#include "gradcheck.h"
#include "rng.h"

#define TOL 1e-12
#define STEP 1e-5   /* h for the central differences */

/* The lesson's dense layer (lessons/07_dense.c, steps 1-3). */
static const double lesson_x[4] = { 1, 2, -1, 0.5 };                               /* X (4)    */
static const double lesson_w[8] = { 0.1, -0.2, 0.3, 0.4, -0.5, 0.6, 0.2, -0.1 };   /* W (4, 2) */
static const double lesson_b[2] = { 0.1, -0.2 };                                   /* b (2)    */
static const double lesson_dz[2] = { 1, -0.5 };                                    /* dL/dZ    */

/* ------------------------------------------------------------------ reference code */
#ifdef EXERCISE_REFERENCE
static void ref_forward(const double *x, const double *w, const double *b, double *z, int n_in, int n_out,
                        int w_read_transposed)
{
    for (int j = 0; j < n_out; j++) {
        z[j] = b ? b[j] : 0;
        for (int i = 0; i < n_in; i++)
            z[j] += (w_read_transposed ? w[j * n_in + i] : w[i * n_out + j]) * x[i];
    }
}
#endif

/* Largest relative error (CS231n) between two arrays; *worst gets its index. */
static double max_rel_error(const double *a, const double *n, int count, int *worst)
{
    double e = -1;
    for (int i = 0; i < count; i++) {
        double r = isfinite(a[i]) ? relative_error(a[i], n[i]) : INFINITY;
        if (r > e) {
            e = r;
            *worst = i;
        }
    }
    return e;
}

/* Compare an analytic gradient with central differences; name the worst element.
 * An all-zero gradient (nothing written yet) already fails the value checks: no repeat. */
static void expect_numeric(const char *what, const double *analytic, const double *numeric, int n)
{
    int written = 0;
    for (int i = 0; i < n; i++)
        written = written || analytic[i] != 0;
    if (!written) {
        task_fail();
        return;
    }
    int worst = 0;
    double e = max_rel_error(analytic, numeric, n, &worst);
    if (e > GRADCHECK_GOOD) {
        if (task_diagnoses() == 0)
            task_diagnose("central differences disagree with %s: relative error %.1e at [%d] "
                          "(yours %.8g, numeric %.8g); it should be around 1e-9",
                          what, e, worst, analytic[worst], numeric[worst]);
        else
            task_fail();   /* the likely bug already named explains the mismatch */
    }
}

/* ------------------------------------------------------------------ task 1 */

static void task_forward(void)
{
    task_begin(1, "the dense layer Z = W^T X + b",
               HINTS("Each neuron takes a weighted sum of all the inputs and adds its bias.",
                     "z_j = b_j + sum_i W(i, j) x_i, i.e. Z = W^T X + b with W of shape "
                     "(n_in, n_out).",
                     "z[j] = b[j] + sum_i w[i * n_out + j] * x[i]; with the lesson's numbers "
                     "z1 = 0.1*1 + 0.3*2 + (-0.5)*(-1) + 0.2*0.5 + 0.1 = 1.4. Loop over the "
                     "neurons j; start z[j] at b[j] and add w[i * n_out + j] * x[i] for every"
                     " input i. Not w[j * n_in + i]: that reads W as if it were n_out x n_in."));
    double z[2] = { 0, 0 }, expected[2], transposed[2], no_bias[2];
#ifdef EXERCISE_REFERENCE
    ref_forward(lesson_x, lesson_w, lesson_b, expected, 4, 2, 0);
    ref_forward(lesson_x, lesson_w, lesson_b, transposed, 4, 2, 1);
    ref_forward(lesson_x, lesson_w, NULL, no_bias, 4, 2, 0);
#endif
    STORED_VALUES("W^T X + b for the lesson's layer", expected, 2);
    STORED_VALUES("W read as n_out x n_in", transposed, 2);
    STORED_VALUES("W^T X without b", no_bias, 2);
    CALL(fc_forward(lesson_x, lesson_w, lesson_b, z, 4, 2));
    if (arrays_near(z, transposed, 2, TOL))
        task_diagnose("you read W as n_out x n_in (w[j * n_in + i]); W is n_in x n_out, "
                      "W[i][j] = w[i * n_out + j]: column j holds the weights into neuron j");
    else if (arrays_near(z, no_bias, 2, TOL))
        task_diagnose("Z is W^T X without b: add b[j] to each neuron");
    task_expect_array("Z for the lesson's X, W, b (4 inputs, 2 neurons)", expected, z, 2, TOL);

    rng_t rng = rng_seeded(7);
    double x[3], w[15], b[5], zz[5] = { 0 }, ref[5];   /* 3 inputs, 5 neurons: not square, not 4x2 */
    for (int i = 0; i < 3; i++)
        x[i] = rng_normal(&rng);
    for (int i = 0; i < 15; i++)
        w[i] = rng_normal(&rng);
    for (int j = 0; j < 5; j++)
        b[j] = rng_normal(&rng);
#ifdef EXERCISE_REFERENCE
    ref_forward(x, w, b, ref, 3, 5, 0);
#endif
    STORED_VALUES("W^T X + b for the random layer", ref, 5);
    CALL(fc_forward(x, w, b, zz, 3, 5));
    task_expect_array("Z for a random layer with 3 inputs and 5 neurons", ref, zz, 5, TOL);
    task_end();
}

/* ------------------------------------------------------------------ task 2 */

typedef struct {
    double x[5], w[15], b[3], r[3];   /* L = R . (W^T X + b), 5 inputs, 3 neurons */
} projection;

#ifdef EXERCISE_REFERENCE
static double ref_projection_loss(const projection *p)
{
    double z[3], l = 0;
    ref_forward(p->x, p->w, p->b, z, 5, 3, 0);
    for (int j = 0; j < 3; j++)
        l += p->r[j] * z[j];
    return l;
}

/* numeric[i] = dL/dv[i] by central differences, for v one of p's arrays. */
static void ref_numeric_gradient(projection *p, double *v, int n, double *numeric)
{
    for (int i = 0; i < n; i++) {
        double saved = v[i];
        v[i] = saved + STEP;
        double plus = ref_projection_loss(p);
        v[i] = saved - STEP;
        double minus = ref_projection_loss(p);
        v[i] = saved;
        numeric[i] = (plus - minus) / (2 * STEP);
    }
}
#endif

static void diagnose_lesson_backward(const double *dw, const double *db, const double *dx)
{
    double dw_ref[8], dw_t[8], dx_ref[4], dx_t[4];
#ifdef EXERCISE_REFERENCE
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 2; j++) {
            dw_ref[i * 2 + j] = lesson_x[i] * lesson_dz[j];
            dw_t[j * 4 + i] = lesson_x[i] * lesson_dz[j];   /* stored as dW^T (2x4) */
        }
    ref_forward(lesson_dz, lesson_w, NULL, dx_t, 2, 4, 0);   /* w[j * n_in + i]: W read as 2x4 */
    for (int i = 0; i < 4; i++)
        dx_ref[i] = lesson_w[i * 2] * lesson_dz[0] + lesson_w[i * 2 + 1] * lesson_dz[1];
#endif
    STORED_VALUES("dW = X dZ^T for the lesson's layer", dw_ref, 8);
    STORED_VALUES("dW stored as dW^T (2x4)", dw_t, 8);
    STORED_VALUES("dX = W dZ for the lesson's layer", dx_ref, 4);
    STORED_VALUES("dX with W read as 2x4", dx_t, 4);
    if (!arrays_near(dw, dw_ref, 8, TOL) && arrays_near(dw, dw_t, 8, TOL))
        task_diagnose("dW has the shape of W^T (2x4): dW[i][j] = X[i] * dZ[j] goes to "
                      "dw[i * n_out + j], the same place as W[i][j]");
    if (!arrays_near(dx, dx_ref, 4, TOL) && arrays_near(dx, dx_t, 4, TOL))
        task_diagnose("dX = W^T dZ has the wrong shape: it is W dZ, dx[i] = sum_j W[i][j] dz[j] "
                      "with W[i][j] = w[i * n_out + j] (you read W as 2x4)");
    if (db[0] == 0 && db[1] == 0)
        task_diagnose("db is still zero: Z[j] depends on b[j] with slope 1, so db = dZ");
}

static void task_backward(void)
{
    task_begin(2, "the dense layer's backward pass: dW, db and dX",
               HINTS("Backward through Z = W^T X + b: a weight's gradient is its input times "
                     "its neuron's gradient; an input collects from every neuron it feeds.",
                     "dW(i, j) = x_i dz_j;  db_j = dz_j;  dx_i = sum_j W(i, j) dz_j.",
                     "dw[i * n_out + j] = x[i] * dz[j]; db[j] = dz[j]; dx[i] = sum_j w[i * "
                     "n_out + j] * dz[j]. Two nested loops, i over inputs and j over neurons."
                     " DW has the shape of W, so dW[i][j] goes to dw[i * n_out + j]; dx[i] "
                     "starts at 0 and collects w[i * n_out + j] * dz[j] over all neurons j."));
    double dw[8] = { 0 }, db[2] = { 0 }, dx[4] = { 0 };
    CALL(fc_backward(lesson_x, lesson_w, lesson_dz, dw, db, dx, 4, 2));
    diagnose_lesson_backward(dw, db, dx);
    static const double dw_expected[8] = { 1, -0.5, 2, -1, -1, 0.5, 0.5, -0.25 };
    static const double dx_expected[4] = { 0.2, 0.1, -0.8, 0.25 };
    task_expect_array("dW (4x2) for the lesson's X and dZ = (1, -0.5)", dw_expected, dw, 8, TOL);
    task_expect_array("db", lesson_dz, db, 2, TOL);
    task_expect_array("dX", dx_expected, dx, 4, TOL);

    double dw2[8], db2[2], dx2[4];   /* the contract says OVERWRITE: start from garbage */
    for (int i = 0; i < 8; i++)
        dw2[i] = 7;
    db2[0] = db2[1] = 7;
    for (int i = 0; i < 4; i++)
        dx2[i] = 7;
    CALL(fc_backward(lesson_x, lesson_w, lesson_dz, dw2, db2, dx2, 4, 2));
    if (arrays_near(dw, dw_expected, 8, TOL) && !arrays_near(dw2, dw_expected, 8, TOL))
        task_diagnose("with dw holding 7s beforehand the result changes: set dw[...] = ..., "
                      "do not add to what is there");
    if (arrays_near(dx, dx_expected, 4, TOL) && !arrays_near(dx2, dx_expected, 4, TOL))
        task_diagnose("with dx holding 7s beforehand the result changes: start each dx[i] at 0");
    if (arrays_near(db, lesson_dz, 2, TOL) && !arrays_near(db2, lesson_dz, 2, TOL))
        task_diagnose("with db holding 7s beforehand the result changes: set db[j] = dz[j]");

    projection p;                    /* a random 5 -> 3 layer, checked by central differences */
    rng_t rng = rng_seeded(70);
    for (int i = 0; i < 5; i++)
        p.x[i] = rng_normal(&rng);
    for (int i = 0; i < 15; i++)
        p.w[i] = rng_normal(&rng);
    for (int j = 0; j < 3; j++) {
        p.b[j] = rng_normal(&rng);
        p.r[j] = rng_normal(&rng);
    }
    double adw[15] = { 0 }, adb[3] = { 0 }, adx[5] = { 0 }, ndw[15], ndb[3], ndx[5];
    CALL(fc_backward(p.x, p.w, p.r, adw, adb, adx, 5, 3));
#ifdef EXERCISE_REFERENCE
    ref_numeric_gradient(&p, p.w, 15, ndw);
    ref_numeric_gradient(&p, p.b, 3, ndb);
    ref_numeric_gradient(&p, p.x, 5, ndx);
#endif
    STORED_VALUES("central differences for dW (5 inputs, 3 neurons, L = R . Z)", ndw, 15);
    STORED_VALUES("central differences for db (5 inputs, 3 neurons, L = R . Z)", ndb, 3);
    STORED_VALUES("central differences for dX (5 inputs, 3 neurons, L = R . Z)", ndx, 5);
    expect_numeric("your dW (5 inputs, 3 neurons, L = R . Z)", adw, ndw, 15);
    expect_numeric("your db (5 inputs, 3 neurons, L = R . Z)", adb, ndb, 3);
    expect_numeric("your dX (5 inputs, 3 neurons, L = R . Z)", adx, ndx, 5);
    task_end();
}

/* ------------------------------------------------------------------ task 3 */

static double sigmoid_of(double z)
{
    return 1 / (1 + exp(-z));
}

#ifdef EXERCISE_REFERENCE
static double ref_half_squared_error(double z2, double target)
{
    double o = sigmoid_of(z2);
    return (target - o) * (target - o) / 2;
}
#endif

/* right: the stored dE/dZ2 at (o, target). */
static void diagnose_delta(double o, double target, double got, double right)
{
    if (fabs(got - right) <= TOL)
        return;
    if (fabs(got + right) <= TOL)
        task_diagnose("the sign is flipped: dE/dO = -(y' - O) = O - y' (E grows as O moves away from y')");
    else if (fabs(got - (o - target)) <= TOL)
        task_diagnose("you forgot the sigmoid's derivative O(1-O): dE/dZ2 = dE/dO * dO/dZ2");
    else if (fabs(got - (target - o)) <= TOL)
        task_diagnose("you returned y' - O: the sign is flipped (dE/dO = O - y') and the "
                      "sigmoid's derivative O(1-O) is missing");
    else if (fabs(got - 2 * right) <= TOL)
        task_diagnose("twice the right value: E = (y' - O)^2 / 2, the 1/2 cancels the 2 of the square");
    else if (fabs(got + (target - o) * sigmoid_of(o) * (1 - sigmoid_of(o))) <= TOL)
        task_diagnose("you applied the sigmoid to O again: O is already sigmoid(Z2), so dO/dZ2 = O(1-O)");
}

static void task_delta(void)
{
    task_begin(3, "the output neuron: dE/dZ2",
               HINTS("The error's gradient at the output neuron is two factors: how E changes"
                     " with O, and how the sigmoid's O changes with Z2.",
                     "dE/dZ2 = dE/dO * dO/dZ2 = -(y' - O) * O (1 - O).",
                     "multiply the two factors of Intro to CNN: dE/dO = -(y' - O) and dO/dZ2 = O "
                     "(1 - O). Two factors. dE/dO = -(y' - O) = O - y' (the 1/2 in E cancels "
                     "the 2 of the square); dO/dZ2 = O (1 - O), the sigmoid's derivative "
                     "written with its output."));
    static const double cases[3][2] = { { 0.6219110050028297, 1 }, { 0.2, 0 }, { 0.9, 1 } };
    double first = CALL(sigmoid_mse_delta(cases[0][0], cases[0][1])), first_right;
#ifdef EXERCISE_REFERENCE
    first_right = -(cases[0][1] - cases[0][0]) * cases[0][0] * (1 - cases[0][0]);
#endif
    STORED_VALUES("-(y' - O) O (1 - O) at the lesson's O", &first_right, 1);
    diagnose_delta(cases[0][0], cases[0][1], first, first_right);
    task_expect_near("sigmoid_mse_delta(0.621911, 1) (the lesson's O)", -0.088902979272334, first, 1e-12);
    for (int c = 1; c < 3; c++) {
        double o = cases[c][0], y = cases[c][1], numeric, right;
#ifdef EXERCISE_REFERENCE
        double z2 = log(o / (1 - o));   /* the Z2 with sigmoid(Z2) = O */
        numeric = (ref_half_squared_error(z2 + STEP, y) - ref_half_squared_error(z2 - STEP, y)) / (2 * STEP);
        right = -(y - o) * o * (1 - o);
#endif
        char what[64];
        snprintf(what, sizeof what, "sigmoid_mse_delta(%g, %g)", o, y);
        STORED_VALUES(what, &right, 1);
        snprintf(what, sizeof what, "central differences at O = %g, y' = %g", o, y);
        STORED_VALUES(what, &numeric, 1);
        double got = CALL(sigmoid_mse_delta(o, y));
        snprintf(what, sizeof what, "sigmoid_mse_delta(%g, %g)", o, y);
        task_expect_near(what, right, got, 1e-12);
        expect_numeric(what, &got, &numeric, 1);
    }
    task_end();
}

/* ------------------------------------------------------------------ task 4 */

typedef struct {
    double x[9], f[4], w[4], b, target;
} tiny_net;

enum slip {   /* the mistakes the diagnoses look for */
    NONE, NO_SIGMOID_DERIVATIVE_A1, DERIVATIVE_FROM_Z1, DF_TRANSPOSED, DZ1_ROTATED,
};

typedef struct {
    double z1[4], a1[4], o, e;
    double df[4], dw[4], db;
} tiny_result;

/* What the checks of one network compare with (stored). */
typedef struct {
    double e, df[4], dw[4], db;     /* the right answers */
    double slip_df[4][4];           /* dE/df with each slip, NO_SIGMOID_DERIVATIVE_A1 .. DZ1_ROTATED */
    double ndf[4], ndw[4], ndb;     /* central differences */
} tiny_expected;

#ifdef EXERCISE_REFERENCE
static void ref_tiny_forward(const tiny_net *n, tiny_result *t)
{
    for (int r = 0; r < 2; r++)
        for (int c = 0; c < 2; c++) {
            double s = 0;
            for (int i = 0; i < 2; i++)
                for (int j = 0; j < 2; j++)
                    s += n->x[(r + i) * 3 + c + j] * n->f[i * 2 + j];
            t->z1[r * 2 + c] = s;
            t->a1[r * 2 + c] = sigmoid_of(s);
        }
    double z2 = n->b;
    for (int i = 0; i < 4; i++)
        z2 += n->w[i] * t->a1[i];
    t->o = sigmoid_of(z2);
    t->e = (n->target - t->o) * (n->target - t->o) / 2;
}

static void ref_tiny_backward(const tiny_net *n, tiny_result *t, enum slip slip)
{
    ref_tiny_forward(n, t);
    double dz2 = -(n->target - t->o) * t->o * (1 - t->o), dz1[4];
    t->db = dz2;
    for (int i = 0; i < 4; i++) {
        t->dw[i] = t->a1[i] * dz2;
        double local = slip == NO_SIGMOID_DERIVATIVE_A1 ? 1
                     : slip == DERIVATIVE_FROM_Z1      ? t->z1[i] * (1 - t->z1[i])
                                                       : t->a1[i] * (1 - t->a1[i]);
        dz1[i] = n->w[i] * dz2 * local;
    }
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 2; j++) {
            double s = 0;
            for (int r = 0; r < 2; r++)
                for (int c = 0; c < 2; c++) {
                    double g = slip == DZ1_ROTATED ? dz1[(1 - r) * 2 + (1 - c)] : dz1[r * 2 + c];
                    s += n->x[(r + i) * 3 + c + j] * g;
                }
            if (slip == DF_TRANSPOSED)
                t->df[j * 2 + i] = s;
            else
                t->df[i * 2 + j] = s;
        }
}

static double ref_tiny_error(const tiny_net *n)
{
    tiny_result t;
    ref_tiny_forward(n, &t);
    return t.e;
}

static void ref_numeric_tiny(tiny_net *n, double *v, int count, double *numeric)
{
    for (int i = 0; i < count; i++) {
        double saved = v[i];
        v[i] = saved + STEP;
        double plus = ref_tiny_error(n);
        v[i] = saved - STEP;
        double minus = ref_tiny_error(n);
        v[i] = saved;
        numeric[i] = (plus - minus) / (2 * STEP);
    }
}

/* Everything the checks of network n compare with, into x. */
static void ref_tiny_expected(tiny_net *n, tiny_expected *x)
{
    tiny_result t;
    ref_tiny_backward(n, &t, NONE);
    x->e = t.e;
    x->db = t.db;
    for (int i = 0; i < 4; i++) {
        x->df[i] = t.df[i];
        x->dw[i] = t.dw[i];
    }
    for (int k = 0; k < 4; k++) {
        ref_tiny_backward(n, &t, (enum slip)(NO_SIGMOID_DERIVATIVE_A1 + k));
        for (int i = 0; i < 4; i++)
            x->slip_df[k][i] = t.df[i];
    }
    ref_numeric_tiny(n, n->f, 4, x->ndf);
    ref_numeric_tiny(n, n->w, 4, x->ndw);
    ref_numeric_tiny(n, &n->b, 1, &x->ndb);
}
#endif

/* The stored values of network `label`: computed by the reference block, or read. */
static void store_tiny(const char *label, tiny_expected *x)
{
    static const char *slip_names[4] = { "no sigmoid derivative at A1", "the derivative from Z1",
                                         "dE/df transposed", "dE/dZ1 rotated" };
    char what[160];
    snprintf(what, sizeof what, "E (%s)", label);
    STORED_VALUES(what, &x->e, 1);
    snprintf(what, sizeof what, "dE/df (%s)", label);
    STORED_VALUES(what, x->df, 4);
    snprintf(what, sizeof what, "dE/dW (%s)", label);
    STORED_VALUES(what, x->dw, 4);
    snprintf(what, sizeof what, "dE/db (%s)", label);
    STORED_VALUES(what, &x->db, 1);
    for (int k = 0; k < 4; k++) {
        snprintf(what, sizeof what, "dE/df with %s (%s)", slip_names[k], label);
        STORED_VALUES(what, x->slip_df[k], 4);
    }
    snprintf(what, sizeof what, "central differences for dE/df (%s)", label);
    STORED_VALUES(what, x->ndf, 4);
    snprintf(what, sizeof what, "central differences for dE/dW (%s)", label);
    STORED_VALUES(what, x->ndw, 4);
    snprintf(what, sizeof what, "central differences for dE/db (%s)", label);
    STORED_VALUES(what, &x->ndb, 1);
}

static void diagnose_tiny(const tiny_expected *right, double e, const double *df, const double *dw, double db)
{
    if (fabs(e - right->e) > TOL) {
        if (fabs(e - 2 * right->e) <= TOL)
            task_diagnose("E is (y' - O)^2: Intro to CNN's error has a 1/2, E = (y' - O)^2 / 2");
        else
            task_diagnose("E = %.8g, expected %.8g: fix the forward pass first (Z1 = X * f valid, "
                          "A1 = sigmoid(Z1), Z2 = sum_i w[i] A1[i] + b, O = sigmoid(Z2))", e, right->e);
        return;
    }
    double minus_dw[4];
    for (int i = 0; i < 4; i++)
        minus_dw[i] = -right->dw[i];
    if (arrays_near(dw, minus_dw, 4, TOL))
        task_diagnose("dE/dW has the wrong sign: dE/dO = -(y' - O) = O - y'");
    else if (!arrays_near(dw, right->dw, 4, TOL))
        task_diagnose("dE/dW is wrong: it is A1 * dE/dZ2 with dE/dZ2 = -(y' - O) O (1 - O) "
                      "(does task 3 pass? did you forget the sigmoid's derivative O(1-O)?)");
    if (fabs(db - right->db) > TOL)
        task_diagnose("dE/db = %.8g, expected dE/dZ2 = %.8g (dZ2/db = 1)", db, right->db);
    if (arrays_near(df, right->df, 4, TOL))
        return;
    static const struct { enum slip slip; const char *message; } slips[] = {
        { NO_SIGMOID_DERIVATIVE_A1, "dE/df misses the sigmoid's derivative between A1 and Z1: "
                                    "dE/dZ1 = dE/dA1 * A1(1 - A1)" },
        { DERIVATIVE_FROM_Z1, "you used Z1(1 - Z1): the sigmoid's derivative is A1(1 - A1), "
                              "written with its output A1 = sigmoid(Z1)" },
        { DF_TRANSPOSED, "dE/df looks transposed: dE/df[i][j] = sum_{r,c} X[r+i][c+j] * dE/dZ1[r][c] "
                         "goes to df[i * 2 + j]" },
        { DZ1_ROTATED, "you rotated dE/dZ1 by 180 degrees: the filter's gradient slides dE/dZ1 over X "
                       "unflipped (the rotation belongs to dE/dX, lesson 06)" },
    };
    for (size_t k = 0; k < sizeof slips / sizeof slips[0]; k++)
        if (arrays_near(df, right->slip_df[slips[k].slip - NO_SIGMOID_DERIVATIVE_A1], 4, TOL))
            task_diagnose("%s", slips[k].message);
}

/* Returns 1 when E and the three gradients are right. */
static int check_tiny(tiny_net *n, const char *label)
{
    double df[4] = { 0 }, dw[4] = { 0 }, db = 0;
    double e = CALL(tiny_net_backward(n->x, n->f, n->w, n->b, n->target, df, dw, &db));
    tiny_expected right;
#ifdef EXERCISE_REFERENCE
    ref_tiny_expected(n, &right);
#else
    (void)n;
#endif
    store_tiny(label, &right);
    diagnose_tiny(&right, e, df, dw, db);
    int ok = fabs(e - right.e) <= TOL && arrays_near(df, right.df, 4, TOL) && arrays_near(dw, right.dw, 4, TOL)
             && fabs(db - right.db) <= TOL;
    char what[96];
    snprintf(what, sizeof what, "E (%s)", label);
    task_expect_near(what, right.e, e, TOL);
    snprintf(what, sizeof what, "dE/df (%s)", label);
    task_expect_array(what, right.df, df, 4, TOL);
    snprintf(what, sizeof what, "dE/dW (%s)", label);
    task_expect_array(what, right.dw, dw, 4, TOL);
    snprintf(what, sizeof what, "dE/db (%s)", label);
    task_expect_near(what, right.db, db, TOL);
    snprintf(what, sizeof what, "your dE/df (%s)", label);
    expect_numeric(what, df, right.ndf, 4);
    snprintf(what, sizeof what, "your dE/dW (%s)", label);
    expect_numeric(what, dw, right.ndw, 4);
    snprintf(what, sizeof what, "your dE/db (%s)", label);
    expect_numeric(what, &db, &right.ndb, 1);
    return ok;
}

static void task_network(void)
{
    task_begin(4, "Intro to CNN's network: dE/df, dE/dW, dE/db",
               HINTS("Forward through the whole small network, keep what each layer produced,"
                     " then go back layer by layer with your tasks 1-3.",
                     "dZ2 = -(y' - O) O (1 - O); (dW, db, dA1) from the dense backward; dZ1 ="
                     " dA1 * A1 (1 - A1); dF = conv(X, dZ1).",
                     "forward into local arrays (z1, a1, z2, o), then dz2 = "
                     "sigmoid_mse_delta(o, y'), fc_backward(a1, w, &dz2, dw, db, da1, 4, 1), "
                     "dz1 = da1 * a1 * (1 - a1), and df[i][j] = sum_{r,c} x[(r+i)*3 + c+j] * "
                     "dz1[r*2 + c]. Write the forward pass into local arrays z1[4], a1[4] and"
                     " the numbers z2, o; keep them, the backward pass needs A1 and O. Then "
                     "reuse your tasks: fc_forward(a1, w, &b, &z2, 4, 1), "
                     "sigmoid_mse_delta(o, target), fc_backward(a1, w, &dz2, dw, db, da1, 4, "
                     "1). The last step is a sliding window like Z1's, with dE/dZ1 (2x2) in "
                     "place of f."));
    tiny_net lesson = { { 1, 0, 2, 0, 1, 1, 2, 1, 0 }, { 0.5, -0.5, 0.25, 0.1 }, { 0.4, -0.3, 0.2, 0.6 }, -0.1, 1 };
    if (!check_tiny(&lesson, "the lesson's network")) {   /* E = 0.071476, dE/df[0][0] = -0.021265 */
        task_end();
        return;
    }

    tiny_net random_net;   /* another network, label 0, so nothing can be hard-coded */
    rng_t rng = rng_seeded(77);
    for (int i = 0; i < 9; i++)
        random_net.x[i] = rng_normal(&rng);
    for (int i = 0; i < 4; i++) {
        random_net.f[i] = rng_normal(&rng);
        random_net.w[i] = rng_normal(&rng);
    }
    random_net.b = rng_normal(&rng);
    random_net.target = 0;
    check_tiny(&random_net, "a random network, y' = 0");
    task_end();
}

int main(int argc, char **argv)
{
    static const exercise_task tasks[] = { task_forward, task_backward, task_delta, task_network };
    return exercise_main(argc, argv, "exercise 07 (dense layers)", tasks, (int)(sizeof tasks / sizeof tasks[0]));
}
