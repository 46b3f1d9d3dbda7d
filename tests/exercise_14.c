/* tests/exercise_14.c: the checks for exercise 14 (feature maps as a
 * picture, the saliency of a tiny network, the most confident mistakes).
 * Built against solutions/14_what_it_sees.c by `make test` and against
 * exercises/14_what_it_sees.c by `make check EX=14`.
 *
 * Each task's answer is computed here by a reference, and so is the answer
 * each usual mistake gives (a scale per map, the grid filled column by
 * column, the gradient of the wrong class, ReLU's gate forgotten, the
 * wrong sort key, ...): a match names the mistake.
 *
 * The reference code (the EXERCISE_REFERENCE blocks) is the
 * instructor's: make expected stores what it computes, the right answers
 * and the mistakes' answers alike (and task 2's network and images, which
 * the reference picks), in tests/expected/exercise_14.txt (STORED_VALUES),
 * make test checks the file against it, and the handout has it cut out and
 * reads the file instead. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "14_what_it_sees.h"
#include "exercise.h"
#include "gradcheck.h"

/* ---------------------------------------------------------------- task 1: the reference and its mistakes */

enum {
    TILE_RIGHT, TILE_PER_MAP_SCALE, TILE_MIN_MAX_STRETCH, TILE_MAX_NOT_ABS, TILE_COLUMN_MAJOR, TILE_ROW_STRIDE_H,
    TILE_TRUNCATED, TILE_VARIANTS
};

#define SHEET 512              /* room for every picture of task 1 */
#define UNTOUCHED 77           /* out is filled with this before each call */

static int sheet_rows(int count, int h, int columns, int border)
{
    return (count + columns - 1) / columns * (h + border) + border;
}

static int sheet_cols(int w, int columns, int border)
{
    return columns * (w + border) + border;
}

#ifdef EXERCISE_REFERENCE
/* The largest |v| of maps [first, first + n) (variant MAX_NOT_ABS: the largest v). */
static double scale_of(const double *maps, long first, long n, int variant)
{
    double m = 0;
    for (long i = first; i < first + n; i++)
        m = variant == TILE_MAX_NOT_ABS ? fmax(m, maps[i]) : fmax(m, fabs(maps[i]));
    return m;
}

/* The smallest (sign -1) or the largest (sign +1) number of maps (n). */
static double extreme(const double *maps, long n, int sign)
{
    double m = maps[0];
    for (long i = 1; i < n; i++)
        m = sign < 0 ? fmin(m, maps[i]) : fmax(m, maps[i]);
    return m;
}

static unsigned char ref_level(double v, double M, double lo, double hi, int variant)
{
    if (variant == TILE_MIN_MAX_STRETCH)
        return (unsigned char)(hi > lo ? lround(255 * (v - lo) / (hi - lo)) : 128);
    if (M == 0)
        return 128;
    if (variant == TILE_TRUNCATED)
        return (unsigned char)(128 + (long)(127 * v / M));
    return (unsigned char)(128 + lround(127 * v / M));              /* MAX_NOT_ABS wraps, as a C cast does */
}

static void ref_tile(const double *maps, int count, int h, int w, int columns, int border, unsigned char *out,
                     int variant)
{
    int grid_rows = (count + columns - 1) / columns, cols_px = sheet_cols(w, columns, border);
    long n = (long)count * h * w;
    memset(out, 255, (size_t)sheet_rows(count, h, columns, border) * cols_px);
    double lo = extreme(maps, n, -1), hi = extreme(maps, n, +1);
    for (int k = 0; k < count; k++) {
        double M = variant == TILE_PER_MAP_SCALE ? scale_of(maps, (long)k * h * w, (long)h * w, variant)
                                                 : scale_of(maps, 0, n, variant);
        int row = variant == TILE_COLUMN_MAJOR ? k % grid_rows : k / columns;
        int col = variant == TILE_COLUMN_MAJOR ? k / grid_rows : k % columns;
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                double v = maps[(long)k * h * w + (variant == TILE_ROW_STRIDE_H ? y * h + x : y * w + x)];
                out[(long)(border + row * (h + border) + y) * cols_px + border + col * (w + border) + x] =
                    ref_level(v, M, lo, hi, variant);
            }
    }
}
#endif

/* The pixels as doubles, for task_expect_array. */
static void as_doubles(const unsigned char *bytes, long n, double *out)
{
    for (long i = 0; i < n; i++)
        out[i] = bytes[i];
}

/* ---------------------------------------------------------------- task 1: the checks */

/* got and the reference's pictures (right, and each variant's) as doubles, n pixels each. */
static void diagnose_tiles(const double *got, double pictures[TILE_VARIANTS][SHEET], long n)
{
    static const char *bugs[TILE_VARIANTS] = {
        [TILE_PER_MAP_SCALE] = "each map was scaled by its OWN largest |number|: one scale for all the maps (M = the "
                               "largest |number| of all of them), so that a map of small numbers looks faint",
        [TILE_MIN_MAX_STRETCH] = "the levels stretch the smallest number to 0 and the largest to 255: then 0 is not "
                                 "mid-grey. Use level = 128 + round(127 * v / M), M = the largest |number|",
        [TILE_MAX_NOT_ABS] = "M is the largest number, not the largest |number|: a negative number larger in size "
                             "(-2 here) falls off the scale",
        [TILE_COLUMN_MAJOR] = "the grid is filled column by column: map k goes to grid row k / columns, grid column "
                              "k % columns (row by row, as text is read)",
        [TILE_ROW_STRIDE_H] = "number (y, x) of a map is at y * w + x (rows of w numbers), not y * h + x",
        [TILE_TRUNCATED] = "the levels are truncated, not rounded: 128 + round(127 * v / M) (lround, or floor(t + "
                           "0.5)); (int) cuts 31.75 down to 31",
    };
    for (int v = TILE_PER_MAP_SCALE; v < TILE_VARIANTS; v++)
        if (arrays_near(got, pictures[v], (int)n, 0))
            task_diagnose("%s", bugs[v]);
    const double *ref = pictures[TILE_RIGHT];
    long untouched = 0, black_border = 0, map_px = 0, map_right = 0;
    for (long p = 0; p < n; p++) {
        untouched += got[p] == UNTOUCHED;
        black_border += ref[p] == 255 && got[p] == 0;
        if (ref[p] != 255) {
            map_px++;
            map_right += got[p] == ref[p];
        }
    }
    if (untouched > 0 && task_diagnoses() == 0)
        task_diagnose("%ld pixels were never written: set every pixel, the border and the empty places to 255 "
                      "first", untouched);
    if (black_border > 0 && task_diagnoses() == 0)
        task_diagnose("the border (and the empty places after the last map) must be white, 255, not 0");
    if (map_right == map_px && task_diagnoses() == 0)
        task_diagnose("the maps' pixels are right; the border or the empty places are not 255");
}

/* One picture: the student's against the reference, pixel by pixel. */
static void check_tiles(const char *what, const double *maps, int count, int h, int w, int columns, int border)
{
    static const char *labels[TILE_VARIANTS] = {
        "the picture", "one scale per map", "min-max stretch", "the largest v, not |v|", "column by column",
        "row stride h", "levels truncated",
    };
    static double got_d[SHEET], pictures[TILE_VARIANTS][SHEET];
    int rows = sheet_rows(count, h, columns, border), cols = sheet_cols(w, columns, border);
    long n = (long)rows * cols;
    unsigned char *got = task_byte_array("out", n, UNTOUCHED);    /* exactly the picture: an overrun is named */
    CALL(tile_grey(maps, count, h, w, columns, border, got));
    int overran = task_check_guards() > 0;
#ifdef EXERCISE_REFERENCE
    static unsigned char ref[SHEET];
    for (int v = TILE_RIGHT; v < TILE_VARIANTS; v++) {
        ref_tile(maps, count, h, w, columns, border, ref, v);
        as_doubles(ref, n, pictures[v]);
    }
#endif
    for (int v = TILE_RIGHT; v < TILE_VARIANTS; v++)
        STORED_VALUES(labels[v], pictures[v], (int)n);
    as_doubles(got, n, got_d);
    if (!arrays_near(got_d, pictures[TILE_RIGHT], (int)n, 0))
        diagnose_tiles(got_d, pictures, n);
    if (overran)
        task_diagnose("%s: a pixel past the end of the %dx%d picture was written: rows_px = grid_rows * (h + "
                      "border) + border, cols_px = columns * (w + border) + border", what, rows, cols);
    task_expect_array(what, pictures[TILE_RIGHT], got_d, (int)n, 0);
}

static void task_tiles(void)
{
    task_begin(1, "tile feature maps into one picture, one shared grey scale",
               HINTS("One scale for every map (the largest |number| of all), zero at mid-grey;"
                     " map k at grid row k / columns, column k % columns.",
                     "M = max |v| over all count*h*w numbers; level = 128 + round(127 v / M);"
                     " map k's pixel (y, x) at row border + (k / columns)(h + border) + y, "
                     "column border + (k % columns)(w + border) + x; everything else 255.",
                     "fill all rows_px * cols_px pixels with 255; find M in one loop over the"
                     " maps; then for each k, y, x: out[(top + y) * cols_px + left + x] = "
                     "M > 0 ? 128 + lround(127 * v / M) : 128, with top and left from the "
                     "formula above and v = maps[(k * h + y) * w + x]."));
    static const double three[18] = { 0, 1, 1.5, -1, -2, 0.5,        /* map 0: the largest |v| is 2 */
                                      0.25, 0, 0, 0, 0, -0.75,       /* map 1: small numbers */
                                      1, 1, 1, 1, 1, 1 };            /* map 2: all 1 */
    static const double zeros[8] = { 0 };
    static const double five[5] = { 3, -1, 0.5, 0, -3 };
    check_tiles("three 2x3 maps, 2 columns, border 1 (a 7x9 picture, row by row)", three, 3, 2, 3, 2, 1);
    check_tiles("two 2x2 maps of zeros (M = 0: all 128), border 2", zeros, 2, 2, 2, 2, 2);
    check_tiles("five 1x1 maps in 3 columns, border 1", five, 5, 1, 1, 3, 1);
    task_end();
}

/* ---------------------------------------------------------------- task 2: the tiny network */

#define H 5
#define W 5
#define F 2
#define K 2
#define OH (H - K + 1)
#define OW (W - K + 1)
#define CLASSES 3
#define Q (F * OH * OW)       /* the conv layer's outputs */

static const double filters[F * K * K] = { 1, -1, 1, -1,              /* a vertical edge  */
                                          0.5, 0.5, -0.5, -0.5 };    /* a horizontal one */
static const double filter_bias[F] = { -0.1, 0.05 };
static double dense_w[CLASSES * Q], dense_b[CLASSES] = { 0.1, -0.2, 0.05 };
static double images[2][H * W];        /* two images whose winners differ */
static const tiny_net net = { H, W, F, K, CLASSES, filters, filter_bias, dense_w, dense_b };

enum { SAL_RIGHT, SAL_NO_GATE, SAL_ROTATED };

#ifdef EXERCISE_REFERENCE
static double uniform(unsigned *state, double lo, double hi)
{
    *state = *state * 1103515245u + 12345u;
    return lo + (hi - lo) * ((*state >> 8) & 0xFFFF) / 65535.0;
}

static void ref_conv(const double *x, double *z)
{
    for (int f = 0; f < F; f++)
        for (int i = 0; i < OH; i++)
            for (int j = 0; j < OW; j++) {
                double s = filter_bias[f];
                for (int u = 0; u < K; u++)
                    for (int v = 0; v < K; v++)
                        s += filters[(f * K + u) * K + v] * x[(i + u) * W + j + v];
                z[(f * OH + i) * OW + j] = s;
            }
}

/* The logits of x; returns the winner. */
static int ref_logits(const double *x, double *logits)
{
    double z[Q];
    int best = 0;
    ref_conv(x, z);
    for (int c = 0; c < CLASSES; c++) {
        logits[c] = dense_b[c];
        for (int q = 0; q < Q; q++)
            logits[c] += dense_w[c * Q + q] * (z[q] > 0 ? z[q] : 0);
        best = logits[c] > logits[best] ? c : best;
    }
    return best;
}

/* d logit[c] / dx (the right one, or a usual mistake), OVERWRITTEN into dx. */
static void ref_saliency(const double *x, int c, int variant, double *dx)
{
    double z[Q];
    ref_conv(x, z);
    memset(dx, 0, sizeof(double) * H * W);
    for (int f = 0; f < F; f++)
        for (int i = 0; i < OH; i++)
            for (int j = 0; j < OW; j++) {
                int q = (f * OH + i) * OW + j;
                double dz = variant == SAL_NO_GATE || z[q] > 0 ? dense_w[c * Q + q] : 0;
                for (int u = 0; u < K; u++)
                    for (int v = 0; v < K; v++) {
                        int tap = variant == SAL_ROTATED ? (K - 1 - u) * K + (K - 1 - v) : u * K + v;
                        dx[(i + u) * W + j + v] += dz * filters[f * K * K + tap];
                    }
            }
}

/* Random dense weights, and two images (of a faint bar and speckle) whose
 * winners differ, neither with a conv output near ReLU's kink. */
static void ref_make_tiny_problem(void)
{
    unsigned state = 2024;
    for (int i = 0; i < CLASSES * Q; i++)
        dense_w[i] = uniform(&state, -1, 1);
    int found = 0, first_winner = -1;
    while (found < 2) {
        double x[H * W], z[Q], logits[CLASSES], closest = 1;
        for (int p = 0; p < H * W; p++)
            x[p] = uniform(&state, 0, 1) * (p % W == 2 ? 1 : 0.5);
        ref_conv(x, z);
        for (int q = 0; q < Q; q++)
            closest = fmin(closest, fabs(z[q]));
        int winner = ref_logits(x, logits);
        if (closest < 0.02 || winner == first_winner || (found == 0 && winner == 0))
            continue;
        memcpy(images[found++], x, sizeof x);
        first_winner = winner;
    }
}

/* The gradient of the cross-entropy with label c, -log softmax(logits)[c],
 * with respect to x: sum over k of (p_k - [k = c]) d logit[k] / dx. */
static void cross_entropy_saliency(const double *x, int c, double *dx)
{
    double logits[CLASSES], p[CLASSES], ref[H * W], top, sum = 0;
    ref_logits(x, logits);
    top = fmax(logits[0], fmax(logits[1], logits[2]));
    for (int k = 0; k < CLASSES; k++)
        sum += p[k] = exp(logits[k] - top);
    memset(dx, 0, sizeof(double) * H * W);
    for (int k = 0; k < CLASSES; k++) {
        ref_saliency(x, k, SAL_RIGHT, ref);
        for (int q = 0; q < H * W; q++)
            dx[q] += (p[k] / sum - (k == c)) * ref[q];
    }
}

#endif

/* ---------------------------------------------------------------- task 2: the checks */

/* The reference's answers for one image: the right ones and the mistakes'. */
typedef struct {
    double logits[CLASSES], saliency[H * W];
    int winner;
    double cross_entropy[H * W];            /* of the loss with label winner */
    double of_class[CLASSES][H * W];        /* d logit[k] / dx for every k */
    double no_gate[H * W], rotated[H * W];
} saliency_answers;

static void diagnose_saliency(int c, const double *dx, const double *prefilled, const saliency_answers *a)
{
    double ref[H * W], sum[H * W] = { 0 }, minus[H * W];
    for (int p = 0; p < H * W; p++)
        minus[p] = -a->cross_entropy[p];
    if (arrays_near(dx, a->cross_entropy, H * W, 1e-9) || arrays_near(dx, minus, H * W, 1e-9))
        task_diagnose("this is the gradient of the cross-entropy loss (softmax - onehot, as in training) with "
                      "respect to the image, not of class %d's logit: the saliency map starts the chain rule at "
                      "d logit[c] / d logits = onehot(c), not at p - onehot(c)", c);
    for (int other = 0; other < CLASSES; other++) {
        for (int p = 0; p < H * W; p++)
            sum[p] += a->of_class[other][p];
        if (other != c && arrays_near(dx, a->of_class[other], H * W, 1e-9))
            task_diagnose("this is the gradient of class %d's logit; the saliency map is the WINNER's, class %d "
                          "(the largest logit): d logit[c]/d a = row c of dense_w", other, c);
    }
    if (arrays_near(dx, sum, H * W, 1e-9))
        task_diagnose("this is the gradient of the SUM of all the logits (dense_w's rows added up): only the "
                      "winner's row, c = %d, starts the chain rule", c);
    if (arrays_near(dx, a->no_gate, H * W, 1e-9))
        task_diagnose("ReLU's gate is missing: where z <= 0 the ReLU's output does not move, so d logit / dz = 0 "
                      "there (keep z from the forward pass)");
    if (arrays_near(dx, a->rotated, H * W, 1e-9))
        task_diagnose("the filter was rotated: sending each tap back to its own pixel, dx[i+u][j+v] += dz * "
                      "filters[u][v], needs no rotation (the 180-degree turn appears only when dL/dX is written "
                      "as a full convolution, lesson 06)");
    for (int p = 0; p < H * W; p++)
        ref[p] = a->saliency[p] + prefilled[p];
    if (arrays_near(dx, ref, H * W, 1e-9))
        task_diagnose("dx was added to without being set to 0 first: it held other numbers when you got it");
}

/* The student's logit[c] at x: what central differences differentiate. */
typedef struct {
    double x[H * W];
    int c;
} nudged_image;

static double student_logit(void *ctx)
{
    nudged_image *n = ctx;
    double logits[CLASSES] = { NAN, NAN, NAN }, dx[H * W];
    CALL(tiny_saliency(&net, n->x, logits, dx));
    return logits[n->c];
}

static void check_against_central_differences(const double *x, int c, const double *dx)
{
    nudged_image n;
    memcpy(n.x, x, sizeof n.x);
    n.c = c;
    if (!isfinite(student_logit(&n))) {
        printf("    gradient check: your logit[%d] is not a number yet, so there is nothing to check\n", c);
        return;
    }
    double worst = 0;
    for (int p = 0; p < H * W; p++) {
        double e = relative_error(dx[p], numeric_derivative(&n.x[p], student_logit, &n, 1e-6));
        worst = e > worst || e != e ? e : worst;                    /* a NaN is the worst */
    }
    if (task_diagnoses() > 0)
        return;                  /* a named mistake says more than a disagreement with the logit */
    printf("    your dx against central differences of your own logit[%d]: max relative error %.1e "
           "(expect about 1e-9)\n", c, worst);
    if (!(worst <= 1e-6) && task_diagnoses() == 0)
        task_diagnose("your dx disagrees with central differences of your own logits (relative error %.1e): "
                      "the backward pass does not differentiate your forward pass", worst);
}

static void check_one_image(int which)
{
    const double *x = images[which];
    static saliency_answers a;
    double logits[CLASSES] = { NAN, NAN, NAN }, dx[H * W], prefilled[H * W];
    for (int p = 0; p < H * W; p++)
        dx[p] = prefilled[p] = 0.5 + p % 3;                  /* dx holds junk when it arrives */
#ifdef EXERCISE_REFERENCE
    a.winner = ref_logits(x, a.logits);
    ref_saliency(x, a.winner, SAL_RIGHT, a.saliency);
    cross_entropy_saliency(x, a.winner, a.cross_entropy);
    for (int k = 0; k < CLASSES; k++)
        ref_saliency(x, k, SAL_RIGHT, a.of_class[k]);
    ref_saliency(x, a.winner, SAL_NO_GATE, a.no_gate);
    ref_saliency(x, a.winner, SAL_ROTATED, a.rotated);
#endif
    STORED_VALUES("the logits", a.logits, CLASSES);
    STORED_INTS("the winner", &a.winner, 1);
    STORED_VALUES("d logit[winner] / dx", a.saliency, H * W);
    STORED_VALUES("d cross-entropy / dx", a.cross_entropy, H * W);
    for (int k = 0; k < CLASSES; k++)
        STORED_VALUES("d logit[k] / dx", a.of_class[k], H * W);
    STORED_VALUES("d logit[winner] / dx without ReLU's gate", a.no_gate, H * W);
    STORED_VALUES("d logit[winner] / dx with the filter rotated", a.rotated, H * W);
    int c = a.winner;
    const double *want_logits = a.logits, *want = a.saliency;
    int got = CALL(tiny_saliency(&net, x, logits, dx));
    char what[64];
    snprintf(what, sizeof what, "image %d: the logits", which + 1);
    task_expect_array(what, want_logits, logits, CLASSES, 1e-9);
    snprintf(what, sizeof what, "image %d: the winning class", which + 1);
    if (got != c && got >= 0 && got < CLASSES && fabs(logits[got] - want_logits[got]) < 1e-9)
        task_diagnose("returned class %d; the winner is the class with the LARGEST logit, %d", got, c);
    task_expect_int(what, c, got);
    if (!arrays_near(dx, want, H * W, 1e-9))
        diagnose_saliency(c, dx, prefilled, &a);
    snprintf(what, sizeof what, "image %d: d logit[%d] / dx (5x5)", which + 1, c);
    task_expect_array(what, want, dx, H * W, 1e-9);
    check_against_central_differences(x, c, dx);
}

static void task_saliency(void)
{
    task_begin(2, "the saliency map of a tiny network: the chain rule down to the image",
               HINTS("Training's backward pass, started from d logit[c] / d logits = onehot(c)"
                     " and carried one layer further: through the conv, to the image.",
                     "d logit_c / d a = dense_w[c]; d logit_c / d z = that times [z > 0]; "
                     "d logit_c / d x[i+u][j+v] = sum over f, i, j of dz[f][i][j] * "
                     "filters[f][u][v].",
                     "forward: z (malloc n_filters * oh * ow), logits[c] = dense_b[c] + sum "
                     "dense_w[c][q] * max(0, z[q]); c = the first largest logit. Backward: "
                     "dx[] = 0; for every f, i, j: dz = z > 0 ? dense_w[c * n_filters * oh *"
                     " ow + (f * oh + i) * ow + j] : 0; for every u, v: dx[(i + u) * w + j + "
                     "v] += dz * filters[(f * k + u) * k + v]. Free z, return c."));
#ifdef EXERCISE_REFERENCE
    ref_make_tiny_problem();
#endif
    STORED_VALUES("dense_w", dense_w, CLASSES * Q);
    STORED_VALUES("image 1", images[0], H * W);
    STORED_VALUES("image 2", images[1], H * W);
    check_one_image(0);
    check_one_image(1);
    task_end();
}

/* ---------------------------------------------------------------- task 3 */

#define N_IMAGES 10
#define N_CLASSES 3

/* Image i's probabilities, label, and what follows:                answer  mistake?  confidence */
static const double probs[N_IMAGES * N_CLASSES] = {
    0.70, 0.20, 0.10,   /* 0  label 0                                     0       right           */
    0.10, 0.80, 0.10,   /* 1  label 0                                     1       wrong     0.80  */
    0.30, 0.30, 0.40,   /* 2  label 2                                     2       right           */
    0.05, 0.05, 0.90,   /* 3  label 1                                     2       wrong     0.90  */
    0.40, 0.40, 0.20,   /* 4  label 1: a tie, the first (0) is the answer  0       wrong     0.40  */
    0.60, 0.10, 0.30,   /* 5  label 1                                     0       wrong     0.60  */
    0.20, 0.70, 0.10,   /* 6  label 1                                     1       right           */
    0.10, 0.10, 0.80,   /* 7  label 0                                     2       wrong     0.80  */
    0.50, 0.02, 0.48,   /* 8  label 1                                     0       wrong     0.50  */
    0.34, 0.33, 0.33,   /* 9  label 0                                     0       right           */
};
static const int labels[N_IMAGES] = { 0, 0, 2, 1, 1, 1, 1, 0, 1, 0 };
static const int all_mistakes[6] = { 3, 1, 7, 5, 8, 4 };   /* most confident first; 1 before 7 (a tie) */

static void diagnose_mistakes(const int *got, int n_got, int k)
{
    static const int least_first[4] = { 4, 8, 5, 1 }, by_label_prob[4] = { 8, 3, 1, 5 },
                     with_right_ones[4] = { 3, 1, 7, 0 }, larger_index_first[4] = { 3, 7, 1, 5 };
    int shown = n_got < k ? n_got : k;
    if (shown >= 4 && memcmp(got, least_first, sizeof least_first) == 0)
        task_diagnose("the LEAST confident mistakes came first: sort by the answer's probability, largest first");
    if (shown >= 4 && memcmp(got, by_label_prob, sizeof by_label_prob) == 0)
        task_diagnose("sorted by the probability of the LABEL (smallest first): the key is the probability of "
                      "the network's (wrong) answer, largest first");
    if (shown >= 4 && memcmp(got, with_right_ones, sizeof with_right_ones) == 0)
        task_diagnose("image 0 is classified right (0.70 for its label 0): keep only the images whose answer is "
                      "not their label");
    if (shown >= 4 && memcmp(got, larger_index_first, sizeof larger_index_first) == 0)
        task_diagnose("images 1 and 7 are both wrong with 0.80: on a tie the smaller index comes first");
}

static void task_mistakes(void)
{
    task_begin(3, "the most confident mistakes",
               HINTS("Keep only the mistakes, then sort them by the probability of the (wrong)"
                     " answer, largest first.",
                     "answer_i = the first argmax of probs[i]; mistake when answer_i != label_i;"
                     " key = probs[i][answer_i], descending; ties by index, ascending; return "
                     "min(k, mistakes).",
                     "collect (confidence, index) pairs for the mistakes into a malloc'ed "
                     "array, qsort it with a comparison that returns -1 when a's confidence is"
                     " larger (and compares the indices when they are equal), copy the first "
                     "min(k, found) indices into out and return that number."));
    int *out = task_int_array("out", 4, -7), n;           /* out holds k indices: exactly k */
    double got_d[N_IMAGES], want_d[N_IMAGES];
    n = CALL(top_mistakes(probs, labels, N_IMAGES, N_CLASSES, 4, out));
    diagnose_mistakes(out, n, 4);
    task_expect_int("k = 4: how many", 4, n);
    for (int i = 0; i < 4; i++) {
        got_d[i] = out[i];
        want_d[i] = all_mistakes[i];
    }
    task_expect_array("k = 4: the indices, most confident first", want_d, got_d, 4, 0);

    out = task_int_array("out", 10, -7);
    n = CALL(top_mistakes(probs, labels, N_IMAGES, N_CLASSES, 10, out));
    if (n == 10 && task_diagnoses() == 0)
        task_diagnose("returned k = 10, but there are only 6 mistakes: return how many you wrote");
    if (n == 5 && out[4] == 8)
        task_diagnose("image 4 (0.40, 0.40, 0.20; label 1) is missing: on a tie the answer is the FIRST largest "
                      "class, 0, so it is a mistake");
    task_expect_int("k = 10: how many (all the mistakes)", 6, n);
    for (int i = 0; i < 6; i++) {
        got_d[i] = i < n ? out[i] : -7;
        want_d[i] = all_mistakes[i];
    }
    task_expect_array("k = 10: the indices", want_d, got_d, 6, 0);
    out = task_int_array("out", 4, -7);
    n = CALL(top_mistakes(probs, labels, 3, N_CLASSES, 4, out));     /* images 0-2: one mistake */
    task_expect_int("the first three images only: how many", 1, n);
    task_expect_int("the first three images only: the mistake", 1, out[0]);
    task_end();
}

int main(int argc, char **argv)
{
    static const exercise_task tasks[] = { task_tiles, task_saliency, task_mistakes };
    return exercise_main(argc, argv, "exercise 14 (what the network sees)", tasks,
                         (int)(sizeof tasks / sizeof tasks[0]));
}
