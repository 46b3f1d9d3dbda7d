/* tests/exercise_06.c: the checks for exercise 06 (the backward pass of a convolution).
 * Built against solutions/06_conv_backward.c by `make test` and against
 * exercises/06_conv_backward.c by `make check EX=06`.
 *
 * Every gradient is also checked against central differences of a reference
 * forward pass: L = sum_{i,j} dO[i][j] * O[i][j], whose gradient with respect
 * to O is dO, on random inputs. The reference code sits in EXERCISE_REFERENCE
 * blocks (the instructor's copy only); make expected stores what it computes
 * in tests/expected/exercise_06.txt and the handout reads it there
 * (exercise.h, STORED_VALUES). */
#include <math.h>
#include <stdio.h>

#include "06_conv_backward.h"
#include "exercise.h"
#include "rng.h"

/* Doshi's shapes with lesson 06's numbers. */
static const double X3[9] = { 5, 2, 2, 3, 1, 2, 9, 0, 4 };   /* X (3, 3)     */
static const double F2[4] = { 1, 2, -1, 0 };                 /* F (2, 2)     */
static const double DO2[4] = { 2, 1, -1, 3 };                /* dL/dO (2, 2) */

#define BIG 128           /* room for the checker's own arrays */
static int dfilter_passed; /* task 1's result, for task 2's diagnosis */
static int dinput_passed;  /* task 2's result, for task 4's diagnosis */

/* ------------------------------------------------------------------ references */
#ifdef EXERCISE_REFERENCE

/* O (oh, ow) = valid cross-correlation of x (h, w) with f (k, k), stride s, + bias. */
static void ref_forward(const double *x, int w, const double *f, int k, int s, double bias,
                        int oh, int ow, double *o)
{
    for (int i = 0; i < oh; i++)
        for (int j = 0; j < ow; j++) {
            double sum = bias;
            for (int a = 0; a < k; a++)
                for (int b = 0; b < k; b++)
                    sum += x[(i * s + a) * w + j * s + b] * f[a * k + b];
            o[i * ow + j] = sum;
        }
}

/* L = sum dO * O: the loss whose gradient with respect to O is dO. */
static double ref_loss(const double *x, int w, const double *f, int k, int s, double bias,
                       const double *dout, int oh, int ow)
{
    double o[BIG], loss = 0;
    ref_forward(x, w, f, k, s, bias, oh, ow, o);
    for (int i = 0; i < oh * ow; i++)
        loss += dout[i] * o[i];
    return loss;
}

/* Valid correlation of a (ah, aw) with b (bh, bw): out (ah-bh+1, aw-bw+1). */
static void ref_correlate(const double *a, int ah, int aw, const double *b, int bh, int bw, double *out)
{
    int oh = ah - bh + 1, ow = aw - bw + 1;
    for (int r = 0; r < oh; r++)
        for (int c = 0; c < ow; c++) {
            double sum = 0;
            for (int i = 0; i < bh; i++)
                for (int j = 0; j < bw; j++)
                    sum += a[(r + i) * aw + c + j] * b[i * bw + j];
            out[r * ow + c] = sum;
        }
}

/* Full correlation of g (gh, gw) padded by k-1 with the filter f (k, k)
 * transformed: flip_rows / flip_cols (both = the 180-degree rotation; neither
 * = the filter as it is). out is (gh + k - 1, gw + k - 1). */
static void ref_full(const double *f, int k, int flip_rows, int flip_cols, const double *g, int gh, int gw,
                     double *out)
{
    int oh = gh + k - 1, ow = gw + k - 1;
    for (int r = 0; r < oh; r++)
        for (int c = 0; c < ow; c++) {
            double sum = 0;
            for (int a = 0; a < k; a++)
                for (int b = 0; b < k; b++) {
                    int i = r + a - (k - 1), j = c + b - (k - 1);
                    if (i < 0 || i >= gh || j < 0 || j >= gw)
                        continue;
                    int fa = flip_rows ? k - 1 - a : a, fb = flip_cols ? k - 1 - b : b;
                    sum += f[fa * k + fb] * g[i * gw + j];
                }
            out[r * ow + c] = sum;
        }
}

/* d (h, w) with `gap` zeros between neighbours: out ((h-1)*(gap+1)+1, (w-1)*(gap+1)+1). */
static void ref_dilate(const double *d, int h, int w, int gap, double *out)
{
    int step = gap + 1, dw = (w - 1) * step + 1;
    for (int i = 0; i < ((h - 1) * step + 1) * dw; i++)
        out[i] = 0;
    for (int i = 0; i < h; i++)
        for (int j = 0; j < w; j++)
            out[i * step * dw + j * step] = d[i * w + j];
}

/* Central differences of ref_loss with respect to the n entries of `param`
 * (x, f or bias), into numeric (n). */
static void ref_numeric_gradient(double *param, int n, const double *x, int w, const double *f, int k, int s,
                                 const double *bias, const double *dout, int oh, int ow, double *numeric)
{
    const double h = 1e-5;
    for (int i = 0; i < n; i++) {
        double saved = param[i];
        param[i] = saved + h;
        double plus = ref_loss(x, w, f, k, s, *bias, dout, oh, ow);
        param[i] = saved - h;
        double minus = ref_loss(x, w, f, k, s, *bias, dout, oh, ow);
        param[i] = saved;
        numeric[i] = (plus - minus) / (2 * h);
    }
}
#endif

static void transpose(const double *m, int n, double *out)   /* (n, n) */
{
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++)
            out[j * n + i] = m[i * n + j];
}

static int all_zero(const double *v, int n)
{
    for (int i = 0; i < n; i++)
        if (v[i] != 0)
            return 0;
    return 1;
}

static void random_fill(rng_t *rng, double *v, int n)
{
    for (int i = 0; i < n; i++)
        v[i] = rng_normal(rng);
}

/* ------------------------------------------------------------------ gradient checks */

/* The relative error as CS231n defines it. */
static double rel_error(double a, double n)
{
    return fabs(a - n) / fmax(1e-8, fabs(a) + fabs(n));
}

/* Compare grad (n) with `numeric`, the central differences of the reference
 * loss (stored); name the worst entry when the relative error is above 1e-7. */
static void gradient_check(const char *name, int n, int row_w, const double *grad, double *numeric_grad)
{
    char label[96];
    snprintf(label, sizeof label, "central differences for %s", name);
    STORED_VALUES(label, numeric_grad, n);
    double worst = 0, worst_a = 0, worst_n = 0;
    int worst_i = 0;
    for (int i = 0; i < n; i++) {
        double numeric = numeric_grad[i], rel = rel_error(grad[i], numeric);
        if (!(rel <= worst)) {   /* also catches NaN */
            worst = rel;
            worst_i = i;
            worst_a = grad[i];
            worst_n = numeric;
        }
    }
    char where[64] = "";
    if (n > 1)
        snprintf(where, sizeof where, " at [%d][%d]", worst_i / row_w, worst_i % row_w);
    if (!(worst <= 1e-7))
        task_diagnose("%s fails its gradient check:%s the analytic gradient is %.6g but central "
                      "differences give %.6g (max relative error %.1e; a correct backward gives "
                      "about 1e-10)", name, where, worst_a, worst_n, worst);
}

/* ------------------------------------------------------------------ task 1 */

static void task_dfilter(void)
{
    task_begin(1, "dL/dF, the gradient of the filter",
               HINTS("Each filter weight touched every output it helped to make; its gradient"
                     " adds up, over the outputs, the pixel it multiplied times that output's"
                     " gradient.",
                     "dL/dF = conv(X, dL/dO): dF(a, b) = sum over i, j of dO(i, j) * X(i + a,"
                     " j + b).",
                     "dF[a][b] = sum over i, j of dout[i * ow + j] * x[(i + a) * w + (j + "
                     "b)]; dF is (h - oh + 1) x (w - ow + 1). Four loops: a, b over dF, then "
                     "i, j over dO, summing dout[i * ow + j] * x[(i + a) * w + (j + b)]. X's "
                     "rows are w wide, dO's ow wide and dF's kw wide: three different row "
                     "lengths."));
    double *df = task_array("dfilter", 4, 0, GUARD_VALUE), want[4], transposed[4], flipped[4];
    CALL(conv_dfilter(X3, 3, 3, DO2, 2, 2, df));
#ifdef EXERCISE_REFERENCE
    double rot_do[4];
    for (int i = 0; i < 4; i++)
        rot_do[i] = DO2[3 - i];
    ref_correlate(X3, 3, 3, DO2, 2, 2, want);                   /* [[12,11],[-2,16]] */
    ref_correlate(X3, 3, 3, rot_do, 2, 2, flipped);
#endif
    STORED_VALUES("X correlated with dO", want, 4);
    STORED_VALUES("X correlated with dO rotated by 180 degrees", flipped, 4);
    transpose(want, 2, transposed);
    double x_by_ow[4];                           /* X read as if its rows were ow = 2 wide */
    for (int a = 0; a < 2; a++)
        for (int b = 0; b < 2; b++)
            x_by_ow[a * 2 + b] = X3[a * 2 + b] * DO2[0] + X3[a * 2 + b + 1] * DO2[1]
                                 + X3[(a + 1) * 2 + b] * DO2[2] + X3[(a + 1) * 2 + b + 1] * DO2[3];
    if (all_zero(df, 4))
        task_diagnose("dF is all zeros: nothing was written to dfilter");
    else if (arrays_near(df, transposed, 4, 1e-12) && !arrays_near(df, want, 4, 1e-12))
        task_diagnose("dW has the right numbers transposed: dF[a][b] pairs with X[i + a][j + b] "
                      "(a with the rows, b with the columns); store it at dfilter[a * kw + b]");
    else if (arrays_near(df, x_by_ow, 4, 1e-12))
        task_diagnose("X is read with dL/dO's row length: X's rows are w wide, so pixel (i + a, j + b) "
                      "is x[(i + a) * w + (j + b)], not x[(i + a) * ow + ...]");
    else if (arrays_near(df, flipped, 4, 1e-12))
        task_diagnose("dF looks like X correlated with dL/dO rotated by 180 degrees: nothing is "
                      "rotated in dF = conv(X, dL/dO); the rotation belongs to dX (task 2)");
    task_expect_array("dF for Doshi's shapes (lesson 06's numbers)", want, df, 4, 1e-12);

    rng_t rng = rng_seeded(601);
    double *x = task_array("x", 4 * 6, 0, NAN), *dout = task_array("dout", 2 * 4, 0, NAN);
    double *got = task_array("dfilter", 9, 0, GUARD_VALUE), ref[BIG], numeric[9];
    random_fill(&rng, x, 4 * 6);                                /* X (4, 6)  */
    random_fill(&rng, dout, 2 * 4);                             /* dO (2, 4) -> dF (3, 3) */
    CALL(conv_dfilter(x, 4, 6, dout, 2, 4, got));
#ifdef EXERCISE_REFERENCE
    double f[9] = { 0 }, bias = 0;
    ref_correlate(x, 4, 6, dout, 2, 4, ref);
    ref_numeric_gradient(f, 9, x, 6, f, 3, 1, &bias, dout, 2, 4, numeric);
#endif
    STORED_VALUES("random X (4x6) correlated with random dO (2x4)", ref, 9);
    if (arrays_near(df, want, 4, 1e-12) && !arrays_near(got, ref, 9, 1e-9))
        task_diagnose("the square example works but X (4x6) with dL/dO (2x4) does not: X's rows are "
                      "w wide, dL/dO's ow wide and dF's (w - ow + 1) wide; are the row lengths mixed up?");
    task_expect_array("dF for X (4x6) and dL/dO (2x4) (random)", ref, got, 9, 1e-9);
    gradient_check("dF", 9, 3, got, numeric);
    dfilter_passed = arrays_near(df, want, 4, 1e-12) && arrays_near(got, ref, 9, 1e-9);
    task_end();
}

/* ------------------------------------------------------------------ task 2 */

static void task_dinput(void)
{
    task_begin(2, "dL/dX, the gradient of the input",
               HINTS("Each input pixel fed several outputs through different filter weights; "
                     "collecting them back is a convolution of dL/dO with the filter turned "
                     "round.",
                     "dL/dX = full convolution of the 180-degree-rotated filter with dL/dO: "
                     "pad dO with k - 1 zeros, rot(a, b) = F(k-1-a, k-1-b).",
                     "pad dL/dO with k-1 zeros all round, turn F by 180 degrees (rot[a][b] = "
                     "F[k-1-a][k-1-b]) and slide it over the padded dL/dO. For each (r, c) of"
                     " dX sum over a, b in 0..k-1; the dO entry is i = r + a - (k-1), j = c +"
                     " b - (k-1): skip it when outside 0..oh-1 or 0..ow-1 (that is the zero "
                     "padding), else add filter[(k-1-a) * k + (k-1-b)] * dout[i * ow + j]."));
    double *dx = task_array("dx", 9, 0, GUARD_VALUE), want[9], unrotated[9], rows_only[9], cols_only[9];
    CALL(conv_dinput(F2, 2, DO2, 2, 2, dx));
#ifdef EXERCISE_REFERENCE
    ref_full(F2, 2, 1, 1, DO2, 2, 2, want);                     /* [[2,5,2],[-3,0,6],[1,-3,0]] */
    ref_full(F2, 2, 0, 0, DO2, 2, 2, unrotated);
    ref_full(F2, 2, 1, 0, DO2, 2, 2, rows_only);
    ref_full(F2, 2, 0, 1, DO2, 2, 2, cols_only);
#endif
    STORED_VALUES("full convolution of dO with F rotated", want, 9);
    STORED_VALUES("full convolution of dO with F unrotated", unrotated, 9);
    STORED_VALUES("full convolution of dO with F's rows flipped", rows_only, 9);
    STORED_VALUES("full convolution of dO with F's columns flipped", cols_only, 9);
    if (all_zero(dx, 9))
        task_diagnose("dX is all zeros: nothing was written to dx");
    else if (arrays_near(dx, unrotated, 9, 1e-12))
        task_diagnose("%s did you rotate the filter by 180 degrees? this is the full convolution "
                      "with F as it is", dfilter_passed ? "dX is wrong but dW is right (task 1 passes):"
                                                        : "dX is the unrotated version:");
    else if (arrays_near(dx, rows_only, 9, 1e-12) || arrays_near(dx, cols_only, 9, 1e-12))
        task_diagnose("the filter is flipped in one direction only: a 180-degree rotation flips "
                      "both the rows and the columns, rot[a][b] = F[k-1-a][k-1-b]");
    task_expect_near("dL/dX11 = F11 * dL/dO11 = 1 * 2 (Doshi)", 2, dx[0], 1e-12);
    task_expect_array("dX for Doshi's shapes (3x3)", want, dx, 9, 1e-12);

    rng_t rng = rng_seeded(602);
    double f[9], *dout = task_array("dout", 3 * 4, 0, NAN), *got = task_array("dx", 30, 0, GUARD_VALUE);
    double ref[BIG], numeric[30];
    random_fill(&rng, f, 9);                                    /* F (3, 3)  */
    random_fill(&rng, dout, 3 * 4);                             /* dO (3, 4) -> dX (5, 6) */
    CALL(conv_dinput(f, 3, dout, 3, 4, got));
#ifdef EXERCISE_REFERENCE
    double x[BIG] = { 0 }, bias = 0;
    ref_full(f, 3, 1, 1, dout, 3, 4, ref);
    ref_numeric_gradient(x, 30, x, 6, f, 3, 1, &bias, dout, 3, 4, numeric);
#endif
    STORED_VALUES("full convolution of random dO (3x4) with random F (3x3) rotated", ref, 30);
    if (arrays_near(dx, want, 9, 1e-12) && !arrays_near(got, ref, 30, 1e-9))
        task_diagnose("the 2x2 filter works but a 3x3 filter with dL/dO (3x4) does not: the padding "
                      "is k - 1 = 2 here, dX is (oh + k - 1) x (ow + k - 1) = 5x6 and its rows are 6 wide");
    task_expect_array("dX for F (3x3) and dL/dO (3x4) (random)", ref, got, 30, 1e-9);
    gradient_check("dX", 30, 6, got, numeric);
    dinput_passed = arrays_near(dx, want, 9, 1e-12) && arrays_near(got, ref, 30, 1e-9);
    task_end();
}

/* ------------------------------------------------------------------ task 3 */

static void task_dbias(void)
{
    task_begin(3, "dL/db, the gradient of the bias",
               HINTS("The bias is added to every output of its map, so every output's "
                     "gradient reaches it.",
                     "dL/db = sum over i, j of dO(i, j).",
                     "the bias is added to every output, so it collects every entry of dL/dO:"
                     " add them all. One loop over all oh * ow entries."));
    double db = CALL(conv_dbias(DO2, 2, 2));
    if (db == 0)
        task_diagnose("db is 0: the sum of dL/dO was not computed");
    else if (fabs(db - 1.25) < 1e-12)
        task_diagnose("db should be the SUM of dL/dO, you returned the mean: b is used once per "
                      "output, and each use adds its dL/dO");
    task_expect_near("db for dL/dO = [[2,1],[-1,3]]", 5, db, 1e-12);

    rng_t rng = rng_seeded(603);
    double x[BIG], f[4], *dout = task_array("dout", 3 * 4, 0, NAN), numeric[1];
    random_fill(&rng, x, 4 * 5);                                /* X (4, 5), F (2, 2) */
    random_fill(&rng, f, 4);
    random_fill(&rng, dout, 3 * 4);                             /* dO (3, 4) */
    double got = CALL(conv_dbias(dout, 3, 4));
#ifdef EXERCISE_REFERENCE
    double bias = 0.5;
    ref_numeric_gradient(&bias, 1, x, 5, f, 2, 1, &bias, dout, 3, 4, numeric);
#endif
    gradient_check("db", 1, 1, &got, numeric);
    task_end();
}

/* ------------------------------------------------------------------ task 4 */

static void task_dinput_strided(void)
{
    task_begin(4, "dL/dX with a stride S",
               HINTS("With stride S the forward pass skipped positions; put zeros where it "
                     "skipped and the stride-1 rule applies again.",
                     "dilate dO: D((i*S), (j*S)) = dO(i, j), zeros between ((oh-1)S + 1 by "
                     "(ow-1)S + 1); dL/dX = full conv of the rotated F with D.",
                     "put dO[i][j] at (i*S, j*S) of a zeroed ((oh-1)*S + 1) x ((ow-1)*S + 1) "
                     "array (S - 1 zeros between neighbours), then apply TODO 2 to it. dh = "
                     "(oh-1)*stride + 1 and dw = (ow-1)*stride + 1; allocate a zeroed array "
                     "of dh * dw doubles (calloc; return if it gives NULL), set "
                     "dilated[(i*stride) * dw + j*stride] = dout[i * ow + j], call "
                     "conv_dinput(filter, k, dilated, dh, dw, dx) (dh + k - 1 is X's height),"
                     " and free the array."));
    static const double f3[9] = { 1, 0, -1, 2, 1, 0, 0, -1, 1 };   /* lesson 06, step 8 */
    static const double dy2[4] = { 1, 2, 3, 4 };
    double *one = task_array("dx", 9, 0, GUARD_VALUE), want_one[BIG];
    CALL(conv_dinput_strided(F2, 2, 1, DO2, 2, 2, one));
#ifdef EXERCISE_REFERENCE
    ref_full(F2, 2, 1, 1, DO2, 2, 2, want_one);
#endif
    STORED_VALUES("full convolution of dO with F rotated (stride 1)", want_one, 9);
    task_expect_array("stride 1 (the same as task 2), Doshi's shapes", want_one, one, 9, 1e-12);

    double *dx = task_array("dx", 25, 0, GUARD_VALUE), want[25], undilated[BIG] = { 0 };
    double too_wide[BIG] = { 0 }, norot[25];
    CALL(conv_dinput_strided(f3, 3, 2, dy2, 2, 2, dx));               /* X (5, 5) */
#ifdef EXERCISE_REFERENCE
    double dil[BIG];
    ref_dilate(dy2, 2, 2, 1, dil);
    ref_full(f3, 3, 1, 1, dil, 3, 3, want);
    ref_full(f3, 3, 0, 0, dil, 3, 3, norot);
    ref_full(f3, 3, 1, 1, dy2, 2, 2, undilated);                /* 4x4 in the first 16 entries */
    ref_dilate(dy2, 2, 2, 2, dil);                              /* 2 zeros between: 4x4 */
    ref_full(f3, 3, 1, 1, dil, 4, 4, too_wide);                 /* 6x6 in the first 36 entries */
#endif
    STORED_VALUES("full convolution of dO dilated (1 zero between) with F rotated", want, 25);
    STORED_VALUES("full convolution of dO dilated (1 zero between) with F unrotated", norot, 25);
    STORED_VALUES("full convolution of dO undilated with F rotated (first 25 entries)", undilated, 25);
    STORED_VALUES("full convolution of dO dilated (2 zeros between) with F rotated (first 25 entries)",
                  too_wide, 25);
    if (all_zero(dx, 25))
        task_diagnose("dX is all zeros: nothing was written to dx");
    else if (arrays_near(dx, undilated, 25, 1e-12))
        task_diagnose("with stride 2 the output gradient must be spread out (dilated) before the full "
                      "convolution: this is the full convolution of the 2x2 dL/dO itself, a 4x4 map, "
                      "but X is 5x5");
    else if (arrays_near(dx, too_wide, 25, 1e-12))          /* and the rest past dx's end */
        task_diagnose("dL/dO was dilated with S = 2 zeros between neighbours; insert S - 1 = 1 (its "
                      "entries belong S pixels apart), so the dilated array is (oh-1)*S + 1 wide");
    else if (arrays_near(dx, norot, 25, 1e-12))
        task_diagnose("the dilation is right but the filter is not rotated: did you rotate the filter "
                      "by 180 degrees (or call TODO 2 on the dilated array)?");
    else if (!dinput_passed && !arrays_near(dx, want, 25, 1e-12))
        task_diagnose("task 2 fails too: if this function calls conv_dinput, fix task 2 first");
    else if (arrays_near(one, want_one, 9, 1e-12) && !arrays_near(dx, want, 25, 1e-12))
        task_diagnose("stride 1 works but stride 2 does not: with stride 2 the output gradient must be "
                      "spread out (dilated) before the full convolution, dO[i][j] going to (i*S, j*S)");
    task_expect_array("stride 2, F (3x3), dL/dO [[1,2],[3,4]]: dX (5x5), lesson 06 step 8", want, dx, 25, 1e-12);

    rng_t rng = rng_seeded(604);
    for (int s = 2; s <= 3; s++) {
        int n = 2 * s + 3;                                      /* dO (3, 3) -> X (n, n) */
        double f[9], dout[9], *got = task_array("dx", n * n, 0, GUARD_VALUE), numeric[BIG];
        random_fill(&rng, f, 9);
        random_fill(&rng, dout, 9);
        CALL(conv_dinput_strided(f, 3, s, dout, 3, 3, got));
#ifdef EXERCISE_REFERENCE
        double x[BIG] = { 0 }, bias = 0;
        ref_numeric_gradient(x, n * n, x, n, f, 3, s, &bias, dout, 3, 3, numeric);
#endif
        gradient_check(s == 2 ? "dX (stride 2, X 7x7)" : "dX (stride 3, X 9x9)", n * n, n, got, numeric);
    }
    task_end();
}

int main(int argc, char **argv)
{
    static const exercise_task tasks[] = { task_dfilter, task_dinput, task_dbias, task_dinput_strided };
    return exercise_main(argc, argv, "exercise 06 (convolution backward)", tasks, (int)(sizeof tasks / sizeof tasks[0]));
}
