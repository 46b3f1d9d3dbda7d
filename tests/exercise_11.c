/* tests/exercise_11.c: the checks for exercise 11 (im2col, the i-p-j loop
 * order, cache blocking). Built against solutions/11_speed.c by `make test`
 * and against exercises/11_speed.c by `make check EX=11`.
 *
 * im2col_image is compared with the library's im2col (src/conv.c), the two
 * products with the library's gemm_naive (src/gemm.c), on odd sizes. Each
 * mistake students really make is recomputed here, and a result equal to
 * it is named. Every output array is filled with UNTOUCHED before the
 * call, so entries that were never written show up. Last, for information
 * only, the checker times tasks 2 and 3 against the given naive loop: speed
 * is never a pass condition. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "11_speed.h"
#include "conv.h"
#include "exercise.h"
#include "gemm.h"
#include "os.h"
#include "rng.h"

#define UNTOUCHED 777.0    /* what every output holds before the call */
#define BIG 4096           /* room for the largest check, and for a loop that overruns it by a block */

static int ipj_passed, blocked_passed;   /* tasks 2 and 3 */

static void fill(double *v, int n, double value)
{
    for (int i = 0; i < n; i++)
        v[i] = value;
}

static void random_fill(rng_t *rng, double *v, int n)
{
    for (int i = 0; i < n; i++)
        v[i] = rng_uniform_range(rng, -1, 1);
}

/* How many of the n entries still hold UNTOUCHED. */
static int count_untouched(const double *v, int n)
{
    int count = 0;
    for (int i = 0; i < n; i++)
        count += v[i] == UNTOUCHED;
    return count;
}

/* Like task_expect_array, for a matrix (rows, cols): small ones are printed
 * whole; for larger ones, how many entries differ and the first of them. */
static int expect_matrix(const char *what, const double *want, const double *got, int rows, int cols, double tol)
{
    int n = rows * cols, wrong = 0, first = -1;
    if (n <= 24)
        return task_expect_array(what, want, got, n, tol);
    for (int i = 0; i < n; i++)
        if (!(fabs(want[i] - got[i]) <= tol)) {
            wrong++;
            first = first < 0 ? i : first;
        }
    if (wrong == 0)
        return 1;
    printf("    %s: %d of %d entries differ; the first, [%d][%d]: expected %.6g, got %.6g\n", what, wrong, n,
           first / cols, first % cols, want[first], got[first]);
    task_fail();
    return 0;
}

/* ------------------------------------------------------------------ task 1: im2col */

typedef struct {
    int channels, height, width, k_h, k_w, stride, pad;
} geometry;

static int out_h(const geometry *g)
{
    return (g->height + 2 * g->pad - g->k_h) / g->stride + 1;
}

static int out_w(const geometry *g)
{
    return (g->width + 2 * g->pad - g->k_w) / g->stride + 1;
}

static int cols_size(const geometry *g)
{
    return g->channels * g->k_h * g->k_w * out_h(g) * out_w(g);
}

/* The library's im2col (src/conv.c) on the same geometry: the reference. */
static void library_im2col(const geometry *g, const double *x, double *cols)
{
    conv2d_shape s = { g->channels, g->height, g->width, 1, g->k_h, g->k_w, g->stride,
                       g->pad, g->pad, g->pad, g->pad, out_h(g), out_w(g) };
    im2col(&s, x, cols, (long)out_h(g) * out_w(g));
}

/* The mistakes, each recomputed by im2col_with. */
enum { TRANSPOSED, NO_STRIDE, NO_PAD_SHIFT, KX_BEFORE_KY, CHANNEL_INNERMOST, POSITIONS_BY_COLUMN, MISTAKES };

static const char *const im2col_bug[MISTAKES] = {
    "cols is transposed: each WINDOW must be a column, so tap r of position q goes to "
    "cols[r * (out_h*out_w) + q]; you wrote one row per window",
    "the stride is ignored: the window at position (oy, ox) starts at (oy*stride - pad, "
    "ox*stride - pad), not at (oy - pad, ox - pad)",
    "the padding does not move the windows: the padded image has `pad` zero rows above and "
    "columns on the left, so the pixel is (oy*stride + ky - pad, ox*stride + kx - pad)",
    "the taps are in the wrong order: row r = (c*k_h + ky)*k_w + kx (the filter read row by row, "
    "ky before kx); you counted kx before ky",
    "the channel is not the slowest-changing part of the row: r = (c*k_h + ky)*k_w + kx puts "
    "all the taps of channel 0 first, then channel 1's",
    "the positions are numbered column by column: q = oy*out_w + ox, row by row like the "
    "output map",
};

/* im2col with one mistake (or none when mistake == MISTAKES). */
static void im2col_with(const geometry *g, const double *x, int mistake, double *cols)
{
    int oh = out_h(g), ow = out_w(g), taps = g->channels * g->k_h * g->k_w;
    int stride = mistake == NO_STRIDE ? 1 : g->stride, shift = mistake == NO_PAD_SHIFT ? 0 : g->pad;
    for (int c = 0; c < g->channels; c++)
        for (int ky = 0; ky < g->k_h; ky++)
            for (int kx = 0; kx < g->k_w; kx++)
                for (int oy = 0; oy < oh; oy++)
                    for (int ox = 0; ox < ow; ox++) {
                        int iy = oy * stride + ky - shift, ix = ox * stride + kx - shift;
                        int inside = iy >= 0 && iy < g->height && ix >= 0 && ix < g->width;
                        int r = (c * g->k_h + ky) * g->k_w + kx, q = oy * ow + ox;
                        if (mistake == KX_BEFORE_KY)
                            r = (c * g->k_w + kx) * g->k_h + ky;
                        else if (mistake == CHANNEL_INNERMOST)
                            r = (ky * g->k_w + kx) * g->channels + c;
                        else if (mistake == POSITIONS_BY_COLUMN)
                            q = ox * oh + oy;
                        double v = inside ? x[(c * g->height + iy) * g->width + ix] : 0;
                        cols[mistake == TRANSPOSED ? q * taps + r : r * oh * ow + q] = v;
                    }
}

/* Name the likely bug when got (the student's cols) differs from want. */
static void diagnose_im2col(const geometry *g, const double *x, const double *got, const double *want)
{
    int n = cols_size(g), untouched = count_untouched(got, n), padding_only = untouched > 0;
    double wrong[BIG];
    if (untouched == n) {
        task_diagnose("cols was not written at all");
        return;
    }
    for (int i = 0; i < n; i++)
        if (got[i] == UNTOUCHED && want[i] != 0)
            padding_only = 0;
    if (padding_only)
        task_diagnose("the padding entries were left as they were: where the window hangs over the "
                      "border, cols must get an explicit 0 (its old contents are garbage)");
    else if (untouched > 0)
        task_diagnose("%d of the %d entries of cols were not written: cols has channels*k_h*k_w rows "
                      "of out_h*out_w entries, out_h = (height + 2*pad - k_h)/stride + 1", untouched, n);
    for (int mistake = 0; mistake < MISTAKES && untouched == 0; mistake++) {
        im2col_with(g, x, mistake, wrong);
        if (arrays_near(got, wrong, n, 1e-12) && !arrays_near(got, want, n, 1e-12)) {
            task_diagnose("%s", im2col_bug[mistake]);
            return;
        }
    }
}

/* One geometry on random pixels: the student's cols against the library's. */
static void check_im2col(const char *what, const geometry *g, rng_t *rng)
{
    double *x = task_array("x", g->channels * g->height * g->width, 0, NAN), want[BIG];
    double *got = task_array("cols", cols_size(g), UNTOUCHED, UNTOUCHED);    /* exactly: an overrun is named */
    random_fill(rng, x, g->channels * g->height * g->width);
    CALL(im2col_image(x, g->channels, g->height, g->width, g->k_h, g->k_w, g->stride, g->pad, got));
    library_im2col(g, x, want);
    if (!arrays_near(got, want, cols_size(g), 1e-12))
        diagnose_im2col(g, x, got, want);
    expect_matrix(what, want, got, g->channels * g->k_h * g->k_w, out_h(g) * out_w(g), 1e-12);
}

static void task_im2col(void)
{
    task_begin(1, "im2col: every window of the image becomes a column",
               HINTS("A convolution is many dot products of the filter with windows of the "
                     "image; lay every window out as a column, and all of them become one "
                     "matrix product.",
                     "cols[(c*k_h + ky)*k_w + kx][oy*out_w + ox] = x[c][oy*stride + ky - "
                     "pad][ox*stride + kx - pad], or 0 where that pixel is in the padding.",
                     "row r of cols is one filter tap (c, ky, kx), column q one position (oy,"
                     " ox) of the window; the entry is the pixel under that tap at that "
                     "position, or 0 in the padding. one loop per index of the formula, the "
                     "tap (c, ky, kx) outside and the position (oy, ox) inside; each entry "
                     "asks one question: is the pixel it copies inside the image, or is it "
                     "padding?"));
    static const double image[12] = { 5, 2, 2, 3, 3, 1, 2, 1, 9, 0, 4, 5 };   /* lesson 01 (3x4) */
    static const double lesson01_cols[24] = { 5, 2, 2, 3, 1, 2,  2, 2, 3, 1, 2, 1,
                                              3, 1, 2, 9, 0, 4,  1, 2, 1, 0, 4, 5 };
    static const double filter_row[4] = { 1, 2, -1, 0 }, map[6] = { 6, 5, 6, -4, 5, 0 };
    geometry lesson01 = { 1, 3, 4, 2, 2, 1, 0 };
    double *cols = task_array("cols", 24, UNTOUCHED, UNTOUCHED), product[6];
    CALL(im2col_image(image, 1, 3, 4, 2, 2, 1, 0, cols));
    if (!arrays_near(cols, lesson01_cols, 24, 1e-12))
        diagnose_im2col(&lesson01, image, cols, lesson01_cols);
    task_expect_array("lesson 01's image, 2x2 filter: cols (4 x 6), row by row", lesson01_cols, cols, 24, 1e-12);
    gemm_naive(0, 0, 1, 6, 4, 1, filter_row, 4, cols, 6, 0, product, 6);   /* (1x4) x (4x6) */
    task_expect_array("the filter row [1 2 -1 0] times your cols (lesson 01's map)", map, product, 6, 1e-12);

    rng_t rng = rng_seeded(1101);
    geometry padded = { 1, 3, 4, 2, 2, 1, 1 }, strided = { 2, 5, 8, 3, 2, 2, 1 };
    geometry wide_pad = { 3, 4, 5, 3, 3, 1, 2 }, stride3 = { 2, 7, 10, 1, 4, 3, 0 };
    check_im2col("1 channel 3x4, 2x2 filter, padding 1: cols (4 x 20)", &padded, &rng);
    check_im2col("2 channels 5x8, 3x2 filter, stride 2, padding 1: cols (12 x 15)", &strided, &rng);
    check_im2col("3 channels 4x5, 3x3 filter, padding 2: cols (27 x 42)", &wide_pad, &rng);
    check_im2col("2 channels 7x10, 1x4 filter, stride 3: cols (8 x 9)", &stride3, &rng);
    task_end();
}

/* ------------------------------------------------------------------ tasks 2 and 3: the products */

typedef struct {
    int m, n, k;
    int block_m, block_k, block_n;   /* task 3 only */
} product_case;

/* C = A B by the library's reference (src/gemm.c). */
static void reference_product(const product_case *pc, const double *a, const double *b, double *c)
{
    gemm_naive(0, 0, pc->m, pc->n, pc->k, 1, a, pc->k, b, pc->n, 0, c, pc->n);
}

/* Name the mistakes both products can make. got differs from want. */
static void diagnose_product(const product_case *pc, const double *a, const double *b, const double *got,
                             const double *want)
{
    int m = pc->m, n = pc->n, k = pc->k, size = m * n;
    double wrong[BIG];
    if (count_untouched(got, size) == size) {
        task_diagnose(k == 0 ? "with k = 0 the sum is empty, so C must be all 0: C was never set to 0"
                             : "C was not written at all");
        return;
    }
    for (int i = 0; i < size; i++)
        wrong[i] = want[i] + UNTOUCHED;
    if (arrays_near(got, wrong, size, 1e-9)) {
        task_diagnose("C was not set to 0 first: the multiply-adds went onto its old contents "
                      "(garbage; here %g everywhere)", UNTOUCHED);
        return;
    }
    gemm_naive(1, 0, m, n, k, 1, a, m, b, n, 0, wrong, n);      /* a[p*m + i] */
    if (m > 1 && k > 1 && arrays_near(got, wrong, size, 1e-9))
        task_diagnose("A is read as if it were transposed: A[i][p] is a[i*k + p] (A has rows of k "
                      "numbers), not a[p*m + i]");
    gemm_naive(0, 1, m, n, k, 1, a, k, b, k, 0, wrong, n);      /* b[j*k + p] */
    if (n > 1 && k > 1 && arrays_near(got, wrong, size, 1e-9))
        task_diagnose("B is read as if it were transposed: B[p][j] is b[p*n + j] (B has rows of n "
                      "numbers), not b[j*k + p]");
    if (k > 1) {                                                /* only the last p counted */
        gemm_naive(0, 0, m, n, 1, 1, a + k - 1, k, b + (long)(k - 1) * n, n, 0, wrong, n);
        if (arrays_near(got, wrong, size, 1e-9))
            task_diagnose("C[i][j] holds only the last term, A[i][k-1]*B[k-1][j]: each p must ADD "
                          "its term (+=), not replace the sum");
    }
}

/* A and B of the case, random, exactly sized (with NaN in the guards
 * after them when there are guards: a loop that reads past them gets NaN). */
static void random_operands(const product_case *pc, rng_t *rng, double **a, double **b)
{
    *a = task_array("A", (long)pc->m * pc->k, 0, NAN);
    *b = task_array("B", (long)pc->k * pc->n, 0, NAN);
    random_fill(rng, *a, pc->m * pc->k);
    random_fill(rng, *b, pc->k * pc->n);
}

/* Random A and B of the case; the student's C (from `product`) against the reference. */
typedef void (*product_fn)(const product_case *pc, const double *a, const double *b, double *c);

static int check_product(const char *what, const product_case *pc, product_fn product, rng_t *rng,
                         double *want)
{
    double *a, *b, *got = task_array("C", (long)pc->m * pc->n, UNTOUCHED, UNTOUCHED);
    random_operands(pc, rng, &a, &b);
    product(pc, a, b, got);
    task_check_guards();
    reference_product(pc, a, b, want);
    int ok = arrays_near(got, want, pc->m * pc->n, 1e-9);
    if (!ok)
        diagnose_product(pc, a, b, got, want);
    return expect_matrix(what, want, got, pc->m, pc->n, 1e-9) && ok;
}

static void run_ipj(const product_case *pc, const double *a, const double *b, double *c)
{
    CALL(matmul_ipj(pc->m, pc->n, pc->k, a, b, c));
}

static void task_ipj(void)
{
    task_begin(2, "C = A B with the loops in the order i, p, j",
               HINTS("The same multiply-adds in another order: walk B and C row by row, so "
                     "the memory is read in the order it is laid out.",
                     "for i: for p: a = A[i][p]; for j: C[i][j] += a * B[p][j]   (C zeroed "
                     "first).",
                     "the same multiply-adds as the naive i-j-p loop, in another order: for "
                     "each row i, for each p, add A[i][p] times row p of B to row i of C. the"
                     " same multiply-adds as matmul_ijp, in another order: A[i][p] is one "
                     "number for the whole inner loop, and since every C[i][j] now collects "
                     "its k terms across k separate passes, it must start at 0."));
    static const product_case cases[] = {
        { 2, 3, 4, 0, 0, 0 }, { 1, 1, 1, 0, 0, 0 }, { 7, 5, 3, 0, 0, 0 }, { 33, 17, 29, 0, 0, 0 },
        { 13, 1, 9, 0, 0, 0 }, { 1, 16, 40, 0, 0, 0 }, { 4, 3, 0, 0, 0, 0 },
    };
    rng_t rng = rng_seeded(1102);
    double want[BIG];
    ipj_passed = 1;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char what[96];
        snprintf(what, sizeof what, "C (%d x %d) = A (%d x %d) B (%d x %d)%s", cases[i].m, cases[i].n,
                 cases[i].m, cases[i].k, cases[i].k, cases[i].n, cases[i].k == 0 ? ": k = 0, C is all 0" : "");
        ipj_passed &= check_product(what, &cases[i], run_ipj, &rng, want);
    }
    task_end();
}

static void run_blocked(const product_case *pc, const double *a, const double *b, double *c)
{
    CALL(matmul_blocked(pc->m, pc->n, pc->k, a, b, c, pc->block_m, pc->block_k, pc->block_n));
}

/* The blocked product as a student may write it with the last, partial
 * blocks skipped along the indices in `skipped` ("i", "p", "j", or several):
 * those loops stop at the last whole block. c starts at 0. */
static void blocked_skipping(const product_case *pc, const char *skipped, const double *a, const double *b,
                             double *c)
{
    int m = pc->m, n = pc->n, k = pc->k;
    int end_i = strchr(skipped, 'i') ? m - m % pc->block_m : m;
    int end_p = strchr(skipped, 'p') ? k - k % pc->block_k : k;
    int end_j = strchr(skipped, 'j') ? n - n % pc->block_n : n;
    fill(c, m * n, 0);
    for (int i = 0; i < end_i; i++)
        for (int p = 0; p < end_p; p++)
            for (int j = 0; j < end_j; j++)
                c[i * n + j] += a[i * k + p] * b[p * n + j];
}

/* got with the entries never written read as 0 (C set to 0 or not). */
static void untouched_as_zero(const double *got, int n, double *out)
{
    for (int i = 0; i < n; i++)
        out[i] = got[i] == UNTOUCHED ? 0 : got[i];
}

/* 1 when a and b are the same numbers, NaN matching NaN. */
static int same_numbers(const double *a, const double *b, int n)
{
    for (int i = 0; i < n; i++)
        if (!(fabs(a[i] - b[i]) <= 1e-9 || (isnan(a[i]) && isnan(b[i]))))
            return 0;
    return 1;
}

static const char *told_skipped;   /* the skipped pattern named in this task: one story across its cases */
static char told_loop;             /* the same for the loop that ran one past its blocks */

/* Which partial blocks were skipped, if that explains got; 1 when it does.
 * A case that several patterns explain (a 1 x 1 product with blocks of 4
 * is all zeros whichever loop skipped its last block) repeats the story
 * an earlier case told, or says it cannot tell. */
static int diagnose_skipped_edges(const product_case *pc, const double *a, const double *b, const double *got)
{
    static const char *const patterns[] = { "i", "p", "j", "ip", "ij", "pj", "ipj" };
    static const char *const names[] = { "i (rows)", "p (the sum)", "j (columns)", "i and p", "i and j",
                                         "p and j", "i, p and j" };
    double seen[BIG], skipping[BIG];
    int size = pc->m * pc->n, matches = 0, told = -1, only = -1;
    untouched_as_zero(got, size, seen);
    for (int s = 0; s < (int)(sizeof patterns / sizeof patterns[0]); s++) {
        blocked_skipping(pc, patterns[s], a, b, skipping);
        if (arrays_near(seen, skipping, size, 1e-9)) {
            matches++;
            only = s;
            told = told_skipped == patterns[s] ? s : told;
        }
    }
    if (matches == 0)
        return 0;
    int named = told >= 0 ? told : matches == 1 ? only : -1;
    if (named >= 0) {
        told_skipped = patterns[named];
        task_diagnose("the last, partial blocks along %s were skipped: when a size is not a multiple "
                      "of its block the last block is smaller, and it must still be done; run "
                      "each block up to min(i0 + block_m, m) (the same for p and j)", names[named]);
    } else {
        task_diagnose("the last, partial blocks were skipped (this case cannot tell along which index: "
                      "its sizes are all smaller than the blocks): when a size is not a multiple of its block "
                      "the last block is smaller, and it must still be done");
    }
    return 1;
}

/* The sum stopped one term early (p < k - 1): 1 when that explains got and was named. */
static int diagnose_last_term_missing(const product_case *pc, const double *a, const double *b, const double *got)
{
    double wrong[BIG];
    if (pc->k < 1)
        return 0;
    gemm_naive(0, 0, pc->m, pc->n, pc->k - 1, 1, a, pc->k, b, pc->n, 0, wrong, pc->n);
    if (!arrays_near(got, wrong, pc->m * pc->n, 1e-9))
        return 0;
    task_diagnose("the sum over p stops one term early: the last term, p = k - 1, is missing everywhere; "
                  "p's blocks run up to min(p0 + block_k, k), k itself excluded, not k - 1");
    return 1;
}

/* The blocked product with one loop's block running one entry too far
 * (`which`: 'i', 'p' or 'j'; e.g. j <= min(j0 + block_n, n)), re-enacted on
 * the same A and B (read into their NaN guards) into c: m * n entries,
 * then TASK_GUARD entries of C's guard. Only when the arrays have guards. */
static void blocked_one_too_far(const product_case *pc, char which, const double *a, const double *b, double *c)
{
    int m = pc->m, n = pc->n, k = pc->k;
    fill(c, m * n, 0);
    fill(c + m * n, TASK_GUARD, UNTOUCHED);
    for (int i0 = 0; i0 < m; i0 += pc->block_m)
        for (int p0 = 0; p0 < k; p0 += pc->block_k)
            for (int j0 = 0; j0 < n; j0 += pc->block_n) {
                int i1 = (i0 + pc->block_m < m ? i0 + pc->block_m : m) + (which == 'i');
                int p1 = (p0 + pc->block_k < k ? p0 + pc->block_k : k) + (which == 'p');
                int j1 = (j0 + pc->block_n < n ? j0 + pc->block_n : n) + (which == 'j');
                for (int i = i0; i < i1; i++)
                    for (int p = p0; p < p1; p++)
                        for (int j = j0; j < j1; j++)
                            c[i * n + j] += a[i * k + p] * b[p * n + j];
            }
}

/* Which loop overran its blocks, from the pattern of what C and its guard
 * hold: rows, the sum or columns. 1 when one explains it and was named. */
static int diagnose_one_too_far(const product_case *pc, const double *a, const double *b, const double *got)
{
    static const char *const messages[3] = {
        "the loop over i (the rows) runs one row past each block: i <= i1 (or i < i0 + block_m + 1); "
        "a block's rows are i0 <= i < min(i0 + block_m, m)",
        "the loop over p (the sum) runs one term past each block: p <= p1; a block's terms are "
        "p0 <= p < min(p0 + block_k, k), so that each term is added once",
        "the loop over j (the columns) runs one column past each block: j <= j1 (or j < j0 + block_n + 1); "
        "a block's columns are j0 <= j < min(j0 + block_n, n): the next block's first column got extra "
        "terms, and the last block wrote past the end of its row",
    };
    static const char loops[3] = { 'i', 'p', 'j' };
    int size = pc->m * pc->n, matches = 0, only = -1, told = -1;
    double wrong[BIG + TASK_GUARD];
    if (!task_has_guards() || pc->n + 1 > TASK_GUARD || pc->k + 1 > TASK_GUARD)
        return 0;                             /* the re-enactment would read past the guards */
    for (int l = 0; l < 3; l++) {
        blocked_one_too_far(pc, loops[l], a, b, wrong);
        if (same_numbers(got, wrong, size + TASK_GUARD)) {
            matches++;
            only = l;
            told = told_loop == loops[l] ? l : told;
        }
    }
    if (matches == 0)
        return 0;
    int named = told >= 0 ? told : matches == 1 ? only : -1;   /* one story across the cases */
    if (named >= 0) {
        told_loop = loops[named];
        task_diagnose("%s", messages[named]);
    } else {
        task_diagnose("a loop runs one past the end of its block (this case cannot tell which: its sizes are "
                      "smaller than the blocks): each block's range ends at min(start + block, size), excluded");
    }
    return 1;
}

/* NaN read from past the ends of A and B (their guards hold NaN): the
 * loops overran the last block. 1 when that was named. */
static int diagnose_nan_read(const product_case *pc, const double *got)
{
    for (int i = 0; i < pc->m * pc->n; i++)
        if (isnan(got[i])) {
            task_diagnose("C has NaN: the loops read A or B beyond their last number (the checker put "
                          "NaN there): the blocks along p and j must stop at min(p0 + block_k, k) "
                          "and min(j0 + block_n, n)");
            return 1;
        }
    return 0;
}

/* C zeroed inside the blocks: what is left is the last block of p's sum
 * only. 1 when that was named. */
static int diagnose_zeroed_per_block(const product_case *pc, const double *a, const double *b,
                                     const double *got)
{
    int last = (pc->k - 1) / pc->block_k * pc->block_k;
    double wrong[BIG];
    if (last == 0)
        return 0;
    gemm_naive(0, 0, pc->m, pc->n, pc->k - last, 1, a + last, pc->k, b + (long)last * pc->n, pc->n, 0,
               wrong, pc->n);
    if (!arrays_near(got, wrong, pc->m * pc->n, 1e-9))
        return 0;
    task_diagnose("C holds only the last block of the sum over p: C was set to 0 inside the blocks, "
                  "wiping the sums of the earlier p blocks; zero C once, before all the loops");
    return 1;
}

/* One case of task 3; *passed becomes 0 when it fails. whole_sizes_pass:
 * the case whose sizes are multiples of its blocks passed. The diagnoses
 * follow the pattern of the wrong entries: nothing written; a loop one past
 * its block (which one); NaN read past A or B; the last term missing; C
 * zeroed per block; partial blocks skipped (along which index); then the
 * product's own mistakes. */
static void check_blocked(const product_case *pc, rng_t *rng, int whole_sizes_pass, int *passed)
{
    char what[128];
    double *a, *b, want[BIG];
    int size = pc->m * pc->n;
    double *got = task_array("C", size, UNTOUCHED, UNTOUCHED);
    snprintf(what, sizeof what, "C (%d x %d) = A (%d x %d) B (%d x %d), blocks of %d (i) x %d (p) x %d (j)",
             pc->m, pc->n, pc->m, pc->k, pc->k, pc->n, pc->block_m, pc->block_k, pc->block_n);
    random_operands(pc, rng, &a, &b);
    run_blocked(pc, a, b, got);
    int overran = task_check_guards() > 0;
    reference_product(pc, a, b, want);
    if (!arrays_near(got, want, size, 1e-9) || overran) {
        *passed = 0;
        if (size > 0 && count_untouched(got, size) == size)
            task_diagnose("C was not written at all");
        else if (!diagnose_one_too_far(pc, a, b, got) && !diagnose_nan_read(pc, got)
                 && !diagnose_last_term_missing(pc, a, b, got) && !diagnose_zeroed_per_block(pc, a, b, got)
                 && !diagnose_skipped_edges(pc, a, b, got) && !overran) {
            int named = task_diagnoses();
            diagnose_product(pc, a, b, got, want);
            if (whole_sizes_pass && task_diagnoses() == named)
                task_diagnose("right when the sizes are multiples of the blocks, wrong when they are "
                              "not: look at the last block along each index, which is smaller");
        }
    }
    expect_matrix(what, want, got, pc->m, pc->n, 1e-9);
}

static void speed_report(void);

static void task_blocked(void)
{
    task_begin(3, "C = A B, block by block (cache blocking)",
               HINTS("Work on blocks small enough to stay in the cache: each block of A meets"
                     " each block of B while both are still close at hand.",
                     "for i0, p0, j0 in steps of the block sizes: the i-p-j loops over i in "
                     "[i0, min(i0+bm, m)), p in [p0, min(p0+bk, k)), j in [j0, min(j0+bn, "
                     "n)).",
                     "three loops over the blocks (i0, p0, j0), then the i-p-j loops inside "
                     "one block; a block's ranges stop at the matrix's edge. the blocks only "
                     "change which multiply-adds run together, never which ones run: every "
                     "(i, p, j) exactly once. Zero C once, before all the blocks."));
    static const product_case whole = { 8, 12, 6, 4, 3, 6 };
    static const product_case cases[] = {
        { 13, 11, 7, 4, 3, 5 }, { 33, 17, 29, 8, 8, 8 }, { 1, 1, 1, 4, 4, 4 }, { 5, 6, 7, 64, 128, 128 },
        { 20, 20, 20, 1, 1, 1 }, { 37, 41, 43, EX11_BLOCK_M, 16, 16 },
    };
    rng_t rng = rng_seeded(1103);
    int whole_passed = 1;
    told_skipped = NULL;
    told_loop = 0;
    check_blocked(&whole, &rng, 0, &whole_passed);
    blocked_passed = whole_passed;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        check_blocked(&cases[i], &rng, whole_passed, &blocked_passed);
    speed_report();                  /* information only: it never fails the task */
    task_end();
}

/* ------------------------------------------------------------------ the speed report (information only) */

#define SPEED_N 192

static double now(void)
{
    return os_seconds();        /* timespec_get is missing on MinGW and old macOS */
}

/* GFLOP/s of the best of three runs of product on (SPEED_N)^3. */
static double gflops_of(product_fn product, const product_case *pc, const double *a, const double *b, double *c)
{
    double best = INFINITY;
    for (int run = 0; run < 3; run++) {
        double start = now();
        product(pc, a, b, c);
        double took = now() - start;
        best = took < best ? took : best;
    }
    return gemm_flops(pc->m, pc->n, pc->k) / fmax(best, 1e-9) / 1e9;
}

static void run_ijp(const product_case *pc, const double *a, const double *b, double *c)
{
    CALL(matmul_ijp(pc->m, pc->n, pc->k, a, b, c));
}

#if defined(__SANITIZE_ADDRESS__)
#define SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANITIZED 1
#endif
#endif
#ifndef SANITIZED
#define SANITIZED 0
#endif

/* What this checker was compiled with, as far as the compiler says (the
 * flags themselves are not visible to the program). */
static void print_build(void)
{
    int optimised = 0, avx2 = 0, fma = 0;
#ifdef __OPTIMIZE__
    optimised = 1;
#endif
#ifdef __AVX2__
    avx2 = 1;
#endif
#ifdef __FMA__
    fma = 1;
#endif
    printf("compiled %s optimisation (%s), without sanitizers, %s AVX2 and FMA instructions (%s):\n",
           optimised ? "with" : "WITHOUT", optimised ? "-O1 or more" : "-O0: every loop is slow",
           avx2 && fma ? "with" : "without", avx2 && fma ? "-march=native or the like" : "no -march=native");
}

/* Run at the end of task 3 when its checks pass (each task may run in a
 * process of its own, so task 2's i-p-j is checked here again, quietly).
 * Not in a build with AddressSanitizer: it slows every memory access
 * several times, so it would time the sanitizer, not the loops. */
static void speed_report(void)
{
    if (!blocked_passed)
        return;
    if (SANITIZED) {
        printf("\nYour speed is not timed in this build: make check compiles the checks with AddressSanitizer "
               "(to name an out-of-bounds access with its line), which makes every memory access several times "
               "slower. To time your loops, build the checks without it:\n"
               "  make check EX=11 CHECK_SAN= BUILD=build/speed\n"
               "and with the fast flags of notes/11_speed.md:\n"
               "  make check EX=11 CHECK_SAN= BUILD=build/fast-check OPT=\"-O2 -ftree-vectorize -march=native "
               "-ffp-contract=fast\"\n");
        return;
    }
    static double a[SPEED_N * SPEED_N], b[SPEED_N * SPEED_N], c[SPEED_N * SPEED_N], want[SPEED_N * SPEED_N];
    product_case pc = { SPEED_N, SPEED_N, SPEED_N, EX11_BLOCK_M, EX11_BLOCK_K, EX11_BLOCK_N };
    rng_t rng = rng_seeded(1104);
    random_fill(&rng, a, SPEED_N * SPEED_N);
    random_fill(&rng, b, SPEED_N * SPEED_N);
    run_ijp(&pc, a, b, want);
    run_ipj(&pc, a, b, c);
    if (!arrays_near(c, want, SPEED_N * SPEED_N, 1e-9))
        return;                                   /* task 2 is not done yet: nothing to time */
    double naive = gflops_of(run_ijp, &pc, a, b, c), ipj = gflops_of(run_ipj, &pc, a, b, c);
    double blocked = gflops_of(run_blocked, &pc, a, b, c);
    printf("\nYour speed (information only, never a pass condition): C = A B, %d x %d x %d, double,\n",
           SPEED_N, SPEED_N, SPEED_N);
    print_build();
    printf("  naive i-j-p (given)             %6.2f GFLOP/s\n"
           "  your i-p-j (task 2)             %6.2f GFLOP/s  %5.1fx the naive loop\n"
           "  your blocked i-p-j (task 3)     %6.2f GFLOP/s  %5.1fx the naive loop (blocks %d x %d x %d)\n",
           naive, ipj, ipj / naive, blocked, blocked / naive, EX11_BLOCK_M, EX11_BLOCK_K, EX11_BLOCK_N);
}

int main(int argc, char **argv)
{
    static const exercise_task tasks[] = { task_im2col, task_ipj, task_blocked };
    return exercise_main(argc, argv, "exercise 11 (speed: im2col, loop order, blocking)", tasks, (int)(sizeof tasks / sizeof tasks[0]));
}
