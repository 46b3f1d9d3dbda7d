/* tests/fast_vs_naive.c: the fast path (lesson 11) against its reference.
 *
 *   - gemm against gemm_naive: odd sizes (1, 7, 33, 129), non-square, every
 *     transpose, alpha and beta, leading dimensions larger than the rows,
 *     and 1, 2 and 3 threads giving the very same bits;
 *   - every batched convolution path (conv2d_forward_batch / backward_batch:
 *     im2col + GEMM, the implicit im2col without copies, and Winograd on the
 *     3x3 stride-1 geometries) against the direct loops (conv2d_forward /
 *     backward) on every geometry tests/grad_layers.c checks; pooling, dense and softmax batches likewise;
 *   - in the double build, central-difference gradient checks of the batched
 *     conv and dense layers themselves.
 *
 * Built twice: in double (tests/fast_vs_naive, relative error <= 1e-12) and
 * in float with the trainer's fast flags (tests/fast_vs_naive_float, <= 1e-5).
 * "Relative" is max |fast - naive| / max |naive|: the error of a long sum is
 * measured against the size of its result. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conv.h"
#include "conv_wide.h"
#include "dense.h"
#include "gemm.h"
#include "harness.h"
#include "inspect.h"
#include "loss.h"
#include "pool.h"
#include "rng.h"
#include "sequential.h"
#include "tensor.h"
#include "threadpool.h"
#include "winograd.h"

#ifdef REAL_DOUBLE
#define TOL 1e-12
#else
#define TOL 1e-5
#endif

static rng_t rng;


/* max |a - b| / max |b| over an (m, n) matrix whose rows are ld apart
 * (0 when both are all zero; NaN when either holds a NaN).
 *
 * The maxima are plain comparisons, not fmax: fmax drops a NaN (a NaN in
 * the fast result would pass), and gcc 12.2 for aarch64 crashes on an fmax
 * reduction of floats widened to double with the fast flags ("internal
 * compiler error: in vect_transform_reduction, at tree-vect-loop.cc:7457",
 * Debian's gcc-aarch64-linux-gnu 12.2.0). */
static double relative_difference(const real *a, const real *b, long m, long n, long ld)
{
    double diff = 0, size = 0;
    for (long i = 0; i < m; i++)
        for (long j = 0; j < n; j++) {
            double d = fabs((double)a[i * ld + j] - (double)b[i * ld + j]), s = fabs((double)b[i * ld + j]);
            if (d > diff || d != d)          /* d != d: a NaN, which stays */
                diff = d;
            if (s > size || s != s)
                size = s;
        }
    return size > 0 ? diff / size : diff;
}

static int expect_close_ld(const char *what, const real *fast, const real *naive, long m, long n, long ld)
{
    double rel = relative_difference(fast, naive, m, n, ld);
    if (!(rel <= TOL))
        printf("FAIL %s: relative difference %.3g > %.0e\n", what, rel, TOL);
    CHECK(rel <= TOL);
    return rel <= TOL;
}

static int expect_close(const char *what, const real *fast, const real *naive, long n)
{
    return expect_close_ld(what, fast, naive, 1, n, n);
}

/* ---- GEMM ------------------------------------------------------------------ */

/* C = alpha op(A) op(B) + beta C both ways, with lda/ldb/ldc padded by `pad`,
 * on 1 thread and on the pool; all must agree (the pool bit for bit). */
static void check_gemm(int ta, int tb, int m, int n, int k, real alpha, real beta, int pad, thread_pool *pool)
{
    int a_rows = ta ? k : m, a_cols = ta ? m : k, b_rows = tb ? n : k, b_cols = tb ? k : n;
    int lda = a_cols + pad, ldb = b_cols + pad, ldc = n + pad;
    real *a = random_tensor(&rng, (long)a_rows * lda), *b = random_tensor(&rng, (long)b_rows * ldb);
    real *c_naive = random_tensor(&rng, (long)m * ldc);
    real *c_fast = tensor_alloc((size_t)m * ldc + 1, "C"), *c_pool = tensor_alloc((size_t)m * ldc + 1, "C");
    if (beta == 0)                                    /* beta = 0: C's old contents must be ignored, NaN too */
        for (long i = 0; i < (long)m * ldc; i++)
            c_fast[i] = c_pool[i] = (real)NAN;
    else
        for (long i = 0; i < (long)m * ldc; i++)
            c_fast[i] = c_pool[i] = c_naive[i];
    if (beta == 0)
        tensor_fill(c_naive, (size_t)m * ldc, 0);
    gemm_naive(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c_naive, ldc);
    gemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c_fast, ldc, NULL);
    gemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c_pool, ldc, pool);
    char what[128];
    snprintf(what, sizeof what, "gemm %c%c m=%d n=%d k=%d alpha=%g beta=%g pad=%d", ta ? 'T' : 'N', tb ? 'T' : 'N',
             m, n, k, (double)alpha, (double)beta, pad);
    expect_close_ld(what, c_fast, c_naive, m, n, ldc);      /* the padding is not C */
    int same_bits = memcmp(c_fast, c_pool, sizeof(real) * (size_t)m * ldc) == 0;
    if (!same_bits)
        printf("FAIL %s: %d threads do not give the same bits as 1\n", what, thread_pool_size(pool));
    CHECK(same_bits);
    free(a); free(b); free(c_naive); free(c_fast); free(c_pool);
}

static void test_gemm_odd_sizes_every_transpose(void)
{
    static const int sizes[] = { 1, 7, 33, 129 };
    thread_pool *pool = thread_pool_create(3);
    for (int ta = 0; ta < 2; ta++)
        for (int tb = 0; tb < 2; tb++)
            for (int i = 0; i < 4; i++)
                for (int j = 0; j < 4; j++)
                    check_gemm(ta, tb, sizes[i], sizes[j], sizes[(i + j) % 4], 1, 0, 0, pool);
    thread_pool_free(pool);
}

static void test_gemm_alpha_beta_and_leading_dimensions(void)
{
    thread_pool *pool = thread_pool_create(2);
    for (int ta = 0; ta < 2; ta++)
        for (int tb = 0; tb < 2; tb++) {
            check_gemm(ta, tb, 37, 45, 300, (real)0.5, 1, 3, pool);       /* k > KC: two blocks of the sum */
            check_gemm(ta, tb, 130, 20, 17, -2, (real)0.25, 5, pool);     /* m > MC */
            check_gemm(ta, tb, 9, 1100, 3, 1, -1, 1, pool);                /* n > NC */
        }
    thread_pool_free(pool);
}

static void test_gemm_conv_shapes_threads_same_bits(void)
{
    thread_pool *two = thread_pool_create(2), *three = thread_pool_create(3);
    check_gemm(0, 0, 16, 576 * 3, 25, 1, 0, 0, two);         /* lesson 10's conv, 3 images */
    check_gemm(0, 1, 128, 144, 200, 1, 1, 0, three);          /* a dW product */
    check_gemm(1, 0, 144, 300, 128, 1, 0, 0, three);          /* a dcols product */
    /* C = A B^T with a long sum, C of 8,192 numbers: too large for gemm.c's
     * dot products (DOT_MAX_C 4,096), but each thread's half is not; the
     * halves once switched to dot products, and 2 threads differed from 1. */
    check_gemm(0, 1, 64, 128, 256, 1, 0, 0, two);
    /* The dot products' blocks (gemm.c section 5: 4 rows x 5 columns, chunks
     * of 256 terms, vectors of SIMD_LANES): whole blocks and every kind of
     * edge, several chunks and a last partial vector of the sum. */
    check_gemm(0, 1, 16, 25, 4000 + 7, 1, 0, 0, two);        /* lesson 10's dW, shorter */
    check_gemm(0, 1, 16, 4, 3001, 1, 0, 0, three);            /* deep conv1's dW (4 taps) */
    check_gemm(0, 1, 7, 9, 777, (real)0.5, 1, 3, three);      /* 4 + 3 rows, 5 + 4 columns */
    check_gemm(0, 1, 1, 13, 513, -1, (real)0.25, 1, two);
    check_gemm(0, 1, 64, 64, 259, 1, 0, 0, three);            /* C of DOT_MAX_C numbers */
    /* The narrow tile (gemm.c's choose_tile: m <= 64 rows in fewer wasted
     * rows of 8 than of 6, 8 < k <= 64): whole tiles, a last partial tile
     * of rows and of columns, B's block boundary (NC), A read in place. */
    for (int ta = 0; ta < 2; ta++)
        for (int tb = 0; tb < 2; tb++) {
            check_gemm(ta, tb, 16, 576 * 3 + 5, 25, 1, 0, 0, two);
            check_gemm(ta, tb, 13, 1100, 9, (real)0.5, 1, 2, three);
            check_gemm(ta, tb, 32, 150, 64, 1, (real)-0.5, 0, two);
            check_gemm(ta, tb, 7, 47, 33, 1, 0, 1, three);
        }
    thread_pool_free(two);
    thread_pool_free(three);
}

/* Every element of C is the same running sum whichever register tile
 * computed it: 16 rows (the narrow tile of gemm.c's choose_tile where there
 * is one) give the bits of the same 16 rows inside a C of 66 (the main
 * tile). */
static void test_gemm_tile_changes_no_bit(void)
{
    int m_small = 16, m_large = 66, n = 300, k = 25;
    real *a = random_tensor(&rng, (long)m_large * k), *b = random_tensor(&rng, (long)k * n);
    real *c_small = tensor_alloc((size_t)m_small * n, "C"), *c_large = tensor_alloc((size_t)m_large * n, "C");
    gemm(0, 0, m_small, n, k, 1, a, k, b, n, 0, c_small, n, NULL);
    gemm(0, 0, m_large, n, k, 1, a, k, b, n, 0, c_large, n, NULL);
    CHECK(memcmp(c_small, c_large, sizeof(real) * (size_t)m_small * n) == 0);
    free(a); free(b); free(c_small); free(c_large);
}

static void test_gemm_empty_sum_scales_c(void)
{
    real c[6] = { 1, 2, 3, 4, 5, 6 }, a[1] = { 0 }, b[1] = { 0 };
    gemm(0, 0, 2, 3, 0, 1, a, 1, b, 3, 2, c, 3, NULL);        /* k = 0: C = beta C */
    CHECK_NEAR(c[5], 12, 0);
    gemm(0, 0, 2, 3, 0, 1, a, 1, b, 3, 0, c, 3, NULL);
    CHECK_NEAR(c[0], 0, 0);
}

/* ---- convolution ----------------------------------------------------------- */

typedef struct {
    conv2d_shape s;
    int n;
    real *x, *w, *b, *y, *r;      /* X (n, in), W, b, Y and the projection R (n, out) */
    conv2d_batch_space ws;
} conv_batch_case;

static double conv_batch_loss(void *p)
{
    conv_batch_case *c = p;
    conv2d_forward_batch(&c->s, c->n, c->x, c->w, c->b, c->y, &c->ws);
    return tensor_dot(c->y, c->r, (size_t)(c->n * conv2d_output_count(&c->s)));
}

/* In the double build: the batched backward's gradients against central
 * differences of the batched forward. */
static void gradcheck_conv_batch(conv_batch_case *c, const real *dx, const real *dw, const real *db)
{
#ifdef REAL_DOUBLE
    const conv2d_shape *s = &c->s;
    int dims_x[4] = { c->n, s->in_c, s->in_h, s->in_w }, dims_w[4] = { s->out_c, s->in_c, s->k_h, s->k_w };
    int dims_b[1] = { s->out_c };
    gradcheck_result r[3] = {
        gradcheck_tensor("dX (batched)", c->x, dx, dims_x, 4, conv_batch_loss, c, 1e-3),
        gradcheck_tensor("dW (batched)", c->w, dw, dims_w, 4, conv_batch_loss, c, 1e-3),
        gradcheck_tensor("db (batched)", c->b, db, dims_b, 1, conv_batch_loss, c, 1e-3),
    };
    for (int i = 0; i < 3; i++) {
        gradcheck_print(stdout, &r[i]);
        CHECK_GRAD(r[i]);
    }
#else
    (void)c; (void)dx; (void)dw; (void)db;     /* float is too coarse for central differences */
    (void)conv_batch_loss;
#endif
}

/* n images through the batched path and, one at a time, through the direct
 * loops; every output and gradient must agree. In double, also gradient-check
 * the batched backward against central differences. */
static void check_conv_batch_path(conv_path path, int n, int in_c, int h, int w, int out_c, int k, int stride,
                                  int pt, int pb, int pl, int pr)
{
    conv_batch_case c = { .n = n };
    if (conv2d_setup_asym(&c.s, in_c, h, w, out_c, k, stride, pt, pb, pl, pr) != 0) {
        CHECK(!"conv geometry rejected");
        return;
    }
    long in = (long)in_c * h * w, out = conv2d_output_count(&c.s), nw = conv2d_weight_count(&c.s);
    c.x = random_tensor(&rng, n * in);  c.w = random_tensor(&rng, nw);  c.b = random_tensor(&rng, out_c);
    c.r = random_tensor(&rng, n * out);  c.y = tensor_alloc((size_t)(n * out), "Y");
    conv2d_batch_space_alloc_path(&c.ws, &c.s, n, path);
    real *y_ref = tensor_alloc((size_t)(n * out), "Y ref"), *dx = tensor_alloc((size_t)(n * in), "dX"),
         *dx_ref = tensor_alloc((size_t)(n * in), "dX ref");
    real *dw = tensor_alloc((size_t)nw, "dW"), *dw_ref = tensor_alloc((size_t)nw, "dW ref");
    real *db = tensor_alloc((size_t)out_c, "db"), *db_ref = tensor_alloc((size_t)out_c, "db ref");
    for (int i = 0; i < n; i++) {
        conv2d_forward(&c.s, c.x + i * in, c.w, c.b, y_ref + i * out);
        conv2d_backward(&c.s, c.x + i * in, c.w, c.r + i * out, dw_ref, db_ref, dx_ref + i * in);
    }
    conv2d_forward_batch(&c.s, n, c.x, c.w, c.b, c.y, &c.ws);
    conv2d_backward_batch(&c.s, n, c.w, c.r, dw, db, dx, &c.ws);
    char what[160];
    snprintf(what, sizeof what, "conv (%s) %d images %dx%dx%d -> %d %dx%d s%d pad %d %d %d %d", conv_path_name(path),
             n, in_c, h, w, out_c, k, k, stride, pt, pb, pl, pr);
    printf("%s\n", what);
    expect_close("  Y", c.y, y_ref, n * out);
    expect_close("  dX", dx, dx_ref, n * in);
    expect_close("  dW", dw, dw_ref, nw);
    expect_close("  db", db, db_ref, out_c);
    if (n * (in + nw) <= 1500)     /* two forward passes per number checked: small cases only */
        gradcheck_conv_batch(&c, dx, dw, db);
    conv2d_batch_space_free(&c.ws);
    free(c.x); free(c.w); free(c.b); free(c.r); free(c.y);
    free(y_ref); free(dx); free(dx_ref); free(dw); free(dw_ref); free(db); free(db_ref);
}

/* Every batched path on this geometry: lesson 11's im2col, the implicit
 * im2col without copies, Winograd where it applies (3x3, stride 1) and the
 * direct wide-row path where it applies (stride 1). */
static void check_conv_batch(int n, int in_c, int h, int w, int out_c, int k, int stride,
                             int pt, int pb, int pl, int pr)
{
    conv2d_shape s;
    check_conv_batch_path(CONV_IM2COL, n, in_c, h, w, out_c, k, stride, pt, pb, pl, pr);
    check_conv_batch_path(CONV_IMPLICIT, n, in_c, h, w, out_c, k, stride, pt, pb, pl, pr);
    if (conv2d_setup_asym(&s, in_c, h, w, out_c, k, stride, pt, pb, pl, pr) == 0 && winograd_supported(&s))
        check_conv_batch_path(CONV_WINOGRAD, n, in_c, h, w, out_c, k, stride, pt, pb, pl, pr);
    if (conv2d_setup_asym(&s, in_c, h, w, out_c, k, stride, pt, pb, pl, pr) == 0 && conv_wide_supported(&s))
        check_conv_batch_path(CONV_WIDE, n, in_c, h, w, out_c, k, stride, pt, pb, pl, pr);
}

static void test_conv_batch_every_geometry(void)
{
    /* n, in_c, h, w, out_c, k, stride, pad top bottom left right: tests/grad_layers.c's geometries */
    check_conv_batch(2, 1, 3, 4, 1, 2, 1, 0, 0, 0, 0);    /* the 3x4 image and 2x2 filter of lesson 01 */
    check_conv_batch(3, 1, 3, 3, 1, 2, 1, 0, 0, 0, 0);
    check_conv_batch(2, 3, 6, 6, 4, 3, 1, 0, 0, 0, 0);    /* channels */
    check_conv_batch(2, 2, 5, 5, 3, 3, 1, 1, 1, 1, 1);    /* same, pad 1 */
    check_conv_batch(2, 2, 6, 6, 2, 5, 1, 2, 2, 2, 2);    /* pad 2, 5x5 */
    check_conv_batch(3, 2, 7, 7, 3, 3, 2, 1, 1, 1, 1);    /* stride 2 */
    check_conv_batch(2, 2, 5, 9, 3, 3, 2, 0, 0, 0, 0);    /* non-square */
    check_conv_batch(2, 1, 4, 5, 2, 3, 1, 2, 2, 2, 2);    /* full padding */
    check_conv_batch(2, 1, 6, 6, 4, 2, 1, 0, 1, 0, 1);    /* Keras 'same' for an even kernel */
    check_conv_batch(2, 2, 8, 11, 2, 2, 3, 0, 0, 0, 0);   /* stride 3 */
    check_conv_batch(2, 3, 9, 8, 2, 3, 2, 2, 0, 1, 2);    /* asymmetric padding, every side different */
}

static void test_conv_batch_network_shapes(void)
{
    check_conv_batch(3, 1, 28, 28, 16, 5, 1, 0, 0, 0, 0);    /* lesson 10's conv */
    check_conv_batch(2, 16, 14, 14, 24, 3, 1, 0, 0, 0, 0);   /* like the deeper network's second conv */
    check_conv_batch(2, 64, 6, 6, 8, 3, 1, 1, 1, 1, 1);      /* 576 taps: more than one GEMM_KC block of terms */
    check_conv_batch(3, 2, 5, 7, 100, 3, 1, 1, 1, 1, 1);     /* 100 filters: more than one GEMM_MC block of rows */
    check_conv_batch(3, 1, 28, 28, 16, 2, 1, 0, 1, 0, 1);    /* the deeper network's conv1, Keras 'same' 2x2 */
    check_conv_batch(5, 16, 9, 13, 32, 3, 1, 1, 1, 1, 1);    /* 16 -> 32 3x3 same (lesson 16's), odd sizes */
    check_conv_batch(2, 3, 11, 5, 19, 5, 1, 2, 1, 0, 3);     /* 19 filters: a part block; padding every side different */
    check_conv_batch(1, 17, 4, 4, 3, 1, 1, 0, 0, 0, 0);      /* 1x1 kernel, 17 channels: a part block of dX's channels */
    check_conv_batch(2, 2, 21, 19, 3, 3, 1, 1, 1, 1, 1);     /* Winograd: 11 x 10 tiles a plane, more than its blocks of 64 */
    check_conv_batch(2, 2, 20, 22, 3, 3, 1, 0, 0, 0, 0);     /* Winograd, even output 18 x 20: 90 tiles, a block from mid-row */
    check_conv_batch(3, 2, 9, 11, 64, 3, 1, 1, 1, 1, 1);     /* implicit, 297 positions: a block of GEMM_KC ends mid-image */
}

/* The implicit path's forward and dW are the same products summed in the
 * same order as lesson 11's im2col + GEMM: the same bits (conv.h), with
 * taps in more than one block of the GEMM's terms (64 channels x 3x3 = 576)
 * and in one (16 x 3x3 = 144), where its forward runs on wide rows. */
static void implicit_vs_im2col(int in_c, int h, int w, int out_c)
{
    const int n = 3;
    conv2d_shape s;
    CHECK_INT(conv2d_setup(&s, in_c, h, w, out_c, 3, 1, 1), 0);
    long in = (long)in_c * h * w, out = conv2d_output_count(&s), nw = conv2d_weight_count(&s);
    real *x = random_tensor(&rng, n * in), *wt = random_tensor(&rng, nw), *b = random_tensor(&rng, out_c);
    real *dy = random_tensor(&rng, n * out), *y[2], *dw[2], *db[2], *dx[2];
    conv_path paths[2] = { CONV_IM2COL, CONV_IMPLICIT };
    printf("implicit vs im2col, bit for bit: %d channels %dx%d -> %d, 3x3 same\n", in_c, h, w, out_c);
    for (int i = 0; i < 2; i++) {
        conv2d_batch_space ws;
        y[i] = tensor_alloc((size_t)(n * out), "Y");
        dx[i] = tensor_alloc((size_t)(n * in), "dX");
        dw[i] = tensor_alloc((size_t)nw, "dW");
        db[i] = tensor_alloc((size_t)out_c, "db");
        tensor_fill(dw[i], (size_t)nw, 0.25);
        tensor_fill(db[i], (size_t)out_c, 0);
        conv2d_batch_space_alloc_path(&ws, &s, n, paths[i]);
        conv2d_forward_batch(&s, n, x, wt, b, y[i], &ws);
        conv2d_backward_batch(&s, n, wt, dy, dw[i], db[i], dx[i], &ws);
        conv2d_batch_space_free(&ws);
    }
    CHECK(memcmp(y[0], y[1], sizeof(real) * (size_t)(n * out)) == 0);
    CHECK(memcmp(dw[0], dw[1], sizeof(real) * (size_t)nw) == 0);
    expect_close("  dX", dx[1], dx[0], n * in);
    for (int i = 0; i < 2; i++) {
        free(y[i]); free(dx[i]); free(dw[i]); free(db[i]);
    }
    free(x); free(wt); free(b); free(dy);
}

/* (im2col's dW GEMM must not take gemm.c's dot products here, which sum in
 * another order: they need k >= 256 terms and a dW of <= 4096 weights;
 * 3 images x 72 positions = 216 terms for the second geometry.) */
static void test_implicit_same_bits_as_im2col(void)
{
    implicit_vs_im2col(64, 7, 6, 13);
    implicit_vs_im2col(16, 9, 8, 24);
}

/* A network whose layers take the implicit and the Winograd paths, trained
 * one step on 1, 2 and 3 threads: the same gradient, bit for bit (conv.h's
 * promise: the path is fixed by the layer's shape, never by a timing). */
static void test_fast_paths_same_bits_for_any_thread_count(void)
{
    sequential m;
    char err[256];
    const int n = 10;
    CHECK_INT(sequential_build(&m, "conv 64 3 same, relu, conv 64 3, relu, flatten, dense 10", 1, 6, 6, err,
                               sizeof err), 0);
    CHECK_INT(conv2d_default_path(&m.layers[0].conv), CONV_IMPLICIT);       /* 1 -> 64: implicit */
    CHECK_INT(conv2d_default_path(&m.layers[2].conv), CONV_WINOGRAD);       /* 64 -> 64, 3x3: Winograd */
    /* what they allocate for 2 images (sequential_batch_bytes counts it): implicit, W packed for dX,
     * ceil(9 / GEMM_MR) panels of 64 terms, and 9 taps of 5 ints; Winograd, U and dU (2*16 arrays of
     * 64*64), V and M for 2*2*2 tiles (16 arrays of 64*8 each), each array a 64-byte cache line more
     * than its size apart (winograd.c), a row of tiles (8*(2*2 + 2)), and the forward's block arrays
     * for inference (U packed, V and M for WINOGRAD_BLOCK_TILES tiles, 16 each, and a line to align
     * them); the implicit layer's
     * 9 taps fit one block of the GEMM's terms, so its forward runs on wide rows: their forward's space */
    long panels = (9 + GEMM_MR - 1) / GEMM_MR, line = 64 / (long)sizeof(real);
    CHECK_NEAR(conv2d_batch_space_bytes(&m.layers[0].conv, 2),
               panels * GEMM_MR * 64 * sizeof(real) + 9 * 5 * sizeof(int) + conv_wide_forward_space_bytes(&m.layers[0].conv), 0);
    long packed_u = (gemm_packed_a_count(64, 64) + line - 1) / line * line + line;
    CHECK_NEAR(conv2d_batch_space_bytes(&m.layers[2].conv, 2),
               (2.0 * 16 * (64 * 64 + line) + 2 * 16 * (64 * 8 + line) + 8 * (2 * 2 + 2)
                + 16.0 * (packed_u + 2 * (64 * WINOGRAD_BLOCK_TILES + line)) + line) * sizeof(real), 0);
    real *params = tensor_alloc((size_t)m.n_params, "params"), *stats = tensor_alloc((size_t)m.n_stats + 1, "stats");
    real *x = random_tensor(&rng, (long)n * 36), *grad[3];
    int labels[10] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 };
    rng_t init = rng_seeded(5);
    sequential_init(&m, params, stats, &init);
    for (int t = 0; t < 3; t++) {
        thread_pool *pool = thread_pool_create(t + 1);
        sequential_runner r;
        sequential_runner_init(&r, &m, params, stats, ENGINE_FAST, pool, n);
        r.model.training = 1;
        minibatch_gradient(&r.batches, x, labels, n);
        grad[t] = tensor_alloc((size_t)m.n_params, "gradient");
        memcpy(grad[t], r.batches.mean_grad, sizeof(real) * (size_t)m.n_params);
        sequential_runner_free(&r);
        thread_pool_free(pool);
    }
    for (int t = 1; t < 3; t++) {
        int same = memcmp(grad[0], grad[t], sizeof(real) * (size_t)m.n_params) == 0;
        if (!same)
            printf("FAIL the gradient on %d threads differs from 1 thread's\n", t + 1);
        CHECK(same);
    }
    double size = 0;                                  /* and it is not all zeros */
    for (long i = 0; i < m.n_params; i++)
        size = fabs((double)grad[0][i]) > size ? fabs((double)grad[0][i]) : size;
    CHECK(size > 0);
    for (int t = 0; t < 3; t++)
        free(grad[t]);
    free(params); free(stats); free(x);
}

/* The im2col matrix of lesson 01's example, written out. */
static void test_im2col_of_lesson01_example(void)
{
    const real image[12] = { 5, 2, 2, 3, 3, 1, 2, 1, 9, 0, 4, 5 };
    const real want[24] = { 5, 2, 2, 3, 1, 2,       /* tap (0,0): the top-left pixel of each of the 6 windows */
                            2, 2, 3, 1, 2, 1,       /* tap (0,1) */
                            3, 1, 2, 9, 0, 4,       /* tap (1,0) */
                            1, 2, 1, 0, 4, 5 };     /* tap (1,1) */
    real cols[24];
    conv2d_shape s;
    CHECK_INT(conv2d_setup(&s, 1, 3, 4, 1, 2, 1, 0), 0);
    im2col(&s, image, cols, 6);
    for (int i = 0; i < 24; i++)
        CHECK_NEAR(cols[i], want[i], 0);
}

/* ---- pooling, dense, softmax ------------------------------------------------- */

static void check_pool_batch(int is_max, int n, int ch, int h, int w, int k, int stride)
{
    pool2d_shape s;
    CHECK_INT(pool2d_setup(&s, ch, h, w, k, stride), 0);
    long in = (long)ch * h * w, out = pool2d_output_count(&s);
    real *x = random_tensor(&rng, n * in), *dy = random_tensor(&rng, n * out);
    real *y = tensor_alloc((size_t)(n * out), "Y"), *y_ref = tensor_alloc((size_t)(n * out), "Y");
    real *dx = tensor_alloc((size_t)(n * in), "dX"), *dx_ref = tensor_alloc((size_t)(n * in), "dX");
    int *am = checked_calloc((size_t)(n * out), sizeof(int), "argmax"), *am_ref = checked_calloc((size_t)out, sizeof(int), "argmax");
    for (int i = 0; i < n; i++)
        if (is_max) {
            maxpool2d_forward(&s, x + i * in, y_ref + i * out, am_ref);
            maxpool2d_backward(&s, dy + i * out, am_ref, dx_ref + i * in);
        } else {
            avgpool2d_forward(&s, x + i * in, y_ref + i * out);
            avgpool2d_backward(&s, dy + i * out, dx_ref + i * in);
        }
    if (is_max) {
        maxpool2d_forward_batch(&s, n, x, y, am);
        maxpool2d_backward_batch(&s, n, dy, am, dx);
    } else {
        avgpool2d_forward_batch(&s, n, x, y);
        avgpool2d_backward_batch(&s, n, dy, dx);
    }
    expect_close(is_max ? "maxpool Y" : "avgpool Y", y, y_ref, n * out);
    expect_close(is_max ? "maxpool dX" : "avgpool dX", dx, dx_ref, n * in);
    free(x); free(dy); free(y); free(y_ref); free(dx); free(dx_ref); free(am); free(am_ref);
}

static void test_pool_batches(void)
{
    check_pool_batch(1, 3, 3, 6, 8, 2, 2);
    check_pool_batch(1, 2, 2, 7, 9, 3, 2);     /* overlapping */
    check_pool_batch(0, 3, 3, 6, 8, 2, 2);
    check_pool_batch(0, 2, 2, 7, 9, 3, 2);
}

/* Numbers from a few levels (-2 .. 2 in steps of 1/2), so that windows tie
 * often (the first maximum in reading order must win), and a NaN or two. */
static real *tied_tensor(long n, int nans)
{
    real *t = tensor_alloc((size_t)n, "tied numbers");
    for (long i = 0; i < n; i++)
        t[i] = (real)((double)rng_below(&rng, 9) / 2 - 2);
    for (int k = 0; k < nans && n > 0; k++)
        t[rng_below(&rng, (uint32_t)n)] = (real)NAN;
    return t;
}

static int same_bits(const char *what, const void *a, const void *b, size_t bytes)
{
    int same = memcmp(a, b, bytes) == 0;
    if (!same)
        printf("FAIL %s: not the same bits\n", what);
    CHECK(same);
    return same;
}

/* The batched 2x2 pool (whose rows are computed 8 outputs at a time)
 * against maxpool2d_forward image by image: the same maxima, NaNs and
 * argmax, bit for bit, on widths that leave remainders (pool2d_setup
 * takes only sizes the windows tile). */
static void check_maxpool_rows(int n, int ch, int h, int w)
{
    pool2d_shape s;
    CHECK_INT(pool2d_setup(&s, ch, h, w, 2, 2), 0);
    long in = (long)ch * h * w, out = pool2d_output_count(&s);
    real *x = tied_tensor(n * in, 2), *y = tensor_alloc((size_t)(n * out), "Y");
    real *y_ref = tensor_alloc((size_t)(n * out), "Y ref");
    int *am = checked_calloc((size_t)(n * out), sizeof(int), "argmax");
    int *am_ref = checked_calloc((size_t)(n * out), sizeof(int), "argmax ref");
    for (int i = 0; i < n; i++)
        maxpool2d_forward(&s, x + i * in, y_ref + i * out, am_ref + i * out);
    maxpool2d_forward_batch(&s, n, x, y, am);
    char what[96];
    snprintf(what, sizeof what, "maxpool 2x2 of %d images %dx%dx%d: Y", n, ch, h, w);
    same_bits(what, y, y_ref, sizeof(real) * (size_t)(n * out));
    same_bits("  argmax", am, am_ref, sizeof(int) * (size_t)(n * out));
    free(x); free(y); free(y_ref); free(am); free(am_ref);
}

static void test_maxpool_rows_same_bits(void)
{
    check_maxpool_rows(3, 2, 28, 28);    /* rows of 14: 16 computed, 2 land in the next row */
    check_maxpool_rows(2, 3, 14, 14);    /* 7 */
    check_maxpool_rows(2, 2, 6, 10);     /* 5: 8 computed where they fit */
    check_maxpool_rows(2, 2, 4, 34);     /* 17: 24 computed where they fit */
    check_maxpool_rows(1, 1, 2, 2);      /* one window */
}

/* A convolution on the wide path and its 2x2 max pool in one pass
 * (conv_wide_forward_pool_batch, conv_wide_backward_pool_batch) against
 * the two layers one after the other: the same bits everywhere. */
static void check_conv_pool(int n, int in_c, int h, int w, int out_c, int k, int pad)
{
    conv2d_shape s;
    pool2d_shape p;
    conv2d_batch_space ws, ws_ref;
    if (conv2d_setup_asym(&s, in_c, h, w, out_c, k, 1, pad, pad, pad, pad) != 0
        || pool2d_setup(&p, out_c, s.out_h, s.out_w, 2, 2) != 0) {
        CHECK(!"geometry rejected");
        return;
    }
    CHECK(conv_wide_pool_supported(&s, &p));
    long in = (long)in_c * h * w, out = conv2d_output_count(&s), pooled = pool2d_output_count(&p);
    long nw = conv2d_weight_count(&s);
    real *x = tied_tensor(n * in, 1), *wt = tied_tensor(nw, 0), *b = tied_tensor(out_c, 0);
    real *dy = random_tensor(&rng, n * pooled);
    real *y = tensor_alloc((size_t)(n * out), "Y"), *z = tensor_alloc((size_t)(n * pooled), "pooled");
    real *z_ref = tensor_alloc((size_t)(n * pooled), "pooled ref"), *dyc = tensor_alloc((size_t)(n * out), "dY");
    real *dx = tensor_alloc((size_t)(n * in), "dX"), *dx_ref = tensor_alloc((size_t)(n * in), "dX ref");
    real *dw = tensor_alloc((size_t)nw, "dW"), *dw_ref = tensor_alloc((size_t)nw, "dW ref");
    real *db = tensor_alloc((size_t)out_c, "db"), *db_ref = tensor_alloc((size_t)out_c, "db ref");
    int *am = checked_calloc((size_t)(n * pooled), sizeof(int), "argmax");
    int *am_ref = checked_calloc((size_t)(n * pooled), sizeof(int), "argmax ref");
    conv2d_batch_space_alloc_path(&ws, &s, n, CONV_WIDE);
    conv2d_batch_space_alloc_path(&ws_ref, &s, n, CONV_WIDE);
    conv_wide_forward_batch(&s, n, x, wt, b, y, &ws_ref);                 /* the two layers */
    maxpool2d_forward_batch(&p, n, y, z_ref, am_ref);
    maxpool2d_backward_batch(&p, n, dy, am_ref, dyc);
    conv_wide_backward_batch(&s, n, wt, dyc, dw_ref, db_ref, dx_ref, &ws_ref);
    conv_wide_forward_pool_batch(&s, &p, n, x, wt, b, z, am, &ws);        /* in one pass */
    conv_wide_backward_pool_batch(&s, &p, n, wt, dy, am, dw, db, dx, &ws);
    char what[128];
    snprintf(what, sizeof what, "conv + pool, %d images %dx%dx%d -> %d %dx%d pad %d: pooled Y", n, in_c, h, w, out_c,
             k, k, pad);
    printf("%s\n", what);
    same_bits(what, z, z_ref, sizeof(real) * (size_t)(n * pooled));
    same_bits("  argmax", am, am_ref, sizeof(int) * (size_t)(n * pooled));
    same_bits("  dX", dx, dx_ref, sizeof(real) * (size_t)(n * in));
    same_bits("  dW", dw, dw_ref, sizeof(real) * (size_t)nw);
    same_bits("  db", db, db_ref, sizeof(real) * (size_t)out_c);
    conv2d_batch_space_free(&ws);
    conv2d_batch_space_free(&ws_ref);
    free(x); free(wt); free(b); free(dy); free(y); free(z); free(z_ref); free(dyc);
    free(dx); free(dx_ref); free(dw); free(dw_ref); free(db); free(db_ref); free(am); free(am_ref);
}

static void test_conv_pool_one_pass_same_bits(void)
{
    check_conv_pool(3, 1, 28, 28, 16, 3, 1);    /* lesson 16's first layer */
    check_conv_pool(2, 16, 14, 14, 32, 3, 1);   /* and its second */
    check_conv_pool(2, 3, 10, 12, 5, 3, 0);     /* no padding: 8x10 pooled to 4x5; 5 filters */
    check_conv_pool(2, 2, 12, 12, 3, 5, 2);     /* 5x5 */
}

/* Winograd's forward for inference (nothing kept for the backward) and its
 * forward with the 2x2 max pool in one pass, in both modes: the same bits as
 * the forward for training and maxpool2d_forward_batch; and a backward after
 * a forward for inference (which transforms X's tiles again) the same as
 * after one for training. */
static void check_winograd_forwards(int n, int in_c, int h, int w, int out_c, int pad)
{
    conv2d_shape s;
    pool2d_shape p;
    conv2d_batch_space ws;
    CHECK_INT(conv2d_setup(&s, in_c, h, w, out_c, 3, 1, pad), 0);
    long in = (long)in_c * h * w, out = conv2d_output_count(&s), nw = conv2d_weight_count(&s);
    real *x = random_tensor(&rng, n * in), *wt = random_tensor(&rng, nw), *b = random_tensor(&rng, out_c);
    real *y_ref = tensor_alloc((size_t)(n * out), "Y ref"), *y = tensor_alloc((size_t)(n * out), "Y");
    char what[160];
    snprintf(what, sizeof what, "winograd, %d images %dx%dx%d -> %d pad %d: inference's forward", n, in_c, h, w,
             out_c, pad);
    printf("%s\n", what);
    conv2d_batch_space_alloc_path(&ws, &s, n, CONV_WINOGRAD);
    real *dy = random_tensor(&rng, n * out), *dx[2], *dw[2], *db[2];
    for (int mode = 1; mode >= 0; mode--) {           /* a backward after either forward: the same gradients */
        conv2d_batch_space fresh;                     /* (its own space: no V left by the other) */
        conv2d_batch_space_alloc_path(&fresh, &s, n, CONV_WINOGRAD);
        dx[mode] = tensor_alloc((size_t)(n * in), "dX");
        dw[mode] = tensor_alloc((size_t)nw, "dW");
        db[mode] = tensor_alloc((size_t)out_c, "db");
        fresh.inference = mode;
        winograd_forward_batch(&s, n, x, wt, b, mode ? y : y_ref, &fresh);
        winograd_backward_batch(&s, n, wt, dy, dw[mode], db[mode], dx[mode], &fresh);
        conv2d_batch_space_free(&fresh);
    }
    same_bits(what, y, y_ref, sizeof(real) * (size_t)(n * out));
    same_bits("  a backward after it (V transformed again): dX", dx[1], dx[0], sizeof(real) * (size_t)(n * in));
    same_bits("  dW", dw[1], dw[0], sizeof(real) * (size_t)nw);
    for (int mode = 0; mode < 2; mode++) {
        free(dx[mode]); free(dw[mode]); free(db[mode]);
    }
    free(dy);
    if (pool2d_setup(&p, out_c, s.out_h, s.out_w, 2, 2) == 0 && winograd_pool_supported(&s, &p)) {
        long pooled = n * pool2d_output_count(&p);
        real *z_ref = tensor_alloc((size_t)pooled, "pooled ref"), *z = tensor_alloc((size_t)pooled, "pooled");
        int *am_ref = checked_calloc((size_t)pooled, sizeof(int), "argmax ref");
        int *am = checked_calloc((size_t)pooled, sizeof(int), "argmax");
        maxpool2d_forward_batch(&p, n, y_ref, z_ref, am_ref);
        for (int mode = 0; mode < 2; mode++) {
            ws.inference = mode;
            winograd_forward_pool_batch(&s, &p, n, x, wt, b, z, am, &ws);
            printf("  with the pool, for %s: pooled Y, argmax\n", mode ? "inference" : "training");
            same_bits("  pooled Y", z, z_ref, sizeof(real) * (size_t)pooled);
            same_bits("  argmax", am, am_ref, sizeof(int) * (size_t)pooled);
        }
        free(z_ref); free(z); free(am_ref); free(am);
    }
    conv2d_batch_space_free(&ws);
    free(x); free(wt); free(b); free(y_ref); free(y);
}

static void test_winograd_forwards_same_bits(void)
{
    check_winograd_forwards(5, 20, 16, 16, 24, 1);    /* 64 tiles an image: 5 whole blocks */
    check_winograd_forwards(3, GEMM_KC + 44, 10, 10, 70, 0);   /* more channels than GEMM_KC: two blocks of terms; 48 tiles */
    check_winograd_forwards(2, 7, 13, 11, 13, 1);     /* odd sizes: tiles overhang, no pool */
    check_winograd_forwards(4, 128, 12, 12, 256, 0);  /* the deeper network's conv3: 100 tiles, a block ends mid-image */
}

/* The network m (images of m's input size) with fuse_pool 0 and 1: one
 * training step's loss and gradient, the loss of a forward for inference,
 * and a saliency map (a forward and backward in test mode down to the
 * image: the fused layer 0's dX), the same bit for bit; and the layer
 * `fused` (a convolution) really ran fused: its own output never written. */
static void check_fuse_pool_same_bits(const sequential *m, uint64_t seed, int fused, const char *what)
{
    const int n = 12;
    const long image = (long)m->in_c * m->in_h * m->in_w;
    real *params = tensor_alloc((size_t)m->n_params, "params"), *stats = tensor_alloc((size_t)m->n_stats + 1, "stats");
    real *x = random_tensor(&rng, n * image), *grad[2], *dimage[2];
    real *scratch = tensor_alloc((size_t)m->n_params, "saliency's gradient");
    int labels[12] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1 };
    double loss[2], test_loss[2];
    rng_t init = rng_seeded(seed);
    sequential_init(m, params, stats, &init);
    thread_pool *pool = thread_pool_create(2);
    for (int f = 0; f < 2; f++) {
        sequential_runner r;
        sequential_runner_init(&r, m, params, stats, ENGINE_FAST, pool, n);
        r.model.fuse_pool = f;
        r.model.training = 1;
        loss[f] = minibatch_gradient(&r.batches, x, labels, n).loss;
        grad[f] = tensor_alloc((size_t)m->n_params, "gradient");
        memcpy(grad[f], r.batches.mean_grad, sizeof(real) * (size_t)m->n_params);
        const real *conv_out = r.shards[0].out[fused];
        long written = 0, count = r.shards[0].images * sequential_out_size(&m->layers[fused]);
        for (long i = 0; i < count; i++)
            written += conv_out[i] != 0;
        CHECK(f ? written == 0 : written > 0);        /* fused: the convolution's own output untouched */
        r.model.training = 0;
        test_loss[f] = minibatch_forward(&r.batches, x, labels, n, NULL).loss;
        dimage[f] = tensor_alloc((size_t)image, "dscore/dimage");
        saliency_map(&r.model, &r.shards[0], x, 3, SCORE_LOG_PROB, scratch, dimage[f]);
        sequential_runner_free(&r);
    }
    CHECK(loss[0] == loss[1]);
    same_bits(what, grad[0], grad[1], sizeof(real) * (size_t)m->n_params);
    CHECK(test_loss[0] == test_loss[1]);              /* a forward for inference (Winograd's in blocks) */
    same_bits("  a saliency map, down to the image", dimage[0], dimage[1], sizeof(real) * (size_t)image);
    thread_pool_free(pool);
    free(grad[0]); free(grad[1]); free(dimage[0]); free(dimage[1]); free(scratch); free(params); free(stats); free(x);
}

/* Convolutions followed by 2x2 pools, on the wide path. */
static void test_sequential_fuse_pool_same_bits(void)
{
    sequential m;
    char err[256];
    CHECK_INT(sequential_build(&m, "conv 8 3 same, maxpool 2, batchnorm, relu, conv 16 3 same, maxpool 2, "
                                   "batchnorm, relu, flatten, dense 10", 1, 12, 12, err, sizeof err), 0);
    CHECK_INT(conv2d_default_path(&m.layers[0].conv), CONV_WIDE);
    check_fuse_pool_same_bits(&m, 7, 0, "a step with the conv + pool pairs fused: the gradient");
}

/* The same with a ReLU between each convolution and its pool, on the wide
 * and Winograd paths (the ReLU runs after the pool then); and a Winograd
 * layer first, whose fused backward gives the image's gradient itself. */
static void test_sequential_fuse_relu_pool_same_bits(void)
{
    sequential m;
    char err[256];
    CHECK_INT(sequential_build(&m, "conv 8 3 same, relu, maxpool 2, conv 64 3 same, relu, conv 64 3 same, relu, "
                                   "maxpool 2, flatten, dense 10", 1, 12, 12, err, sizeof err), 0);
    CHECK_INT(conv2d_default_path(&m.layers[0].conv), CONV_WIDE);
    CHECK_INT(conv2d_default_path(&m.layers[5].conv), CONV_WINOGRAD);
    check_fuse_pool_same_bits(&m, 11, 5, "conv, relu, pool fused (wide and Winograd): a step's gradient");
    CHECK_INT(sequential_build(&m, "conv 64 3 same, relu, maxpool 2, flatten, dense 10", 64, 6, 6, err, sizeof err), 0);
    CHECK_INT(conv2d_default_path(&m.layers[0].conv), CONV_WINOGRAD);
    check_fuse_pool_same_bits(&m, 13, 0, "Winograd, relu, pool fused, first: a step's gradient");
}

typedef struct {
    int n, n_in, n_out;
    real *x, *w, *b, *z, *r;
} dense_batch_case;

static double dense_batch_loss(void *p)
{
    dense_batch_case *c = p;
    dense_forward_batch(c->n, c->x, c->w, c->b, c->z, c->n_in, c->n_out);
    return tensor_dot(c->z, c->r, (size_t)c->n * c->n_out);
}

static void check_dense_batch(int n, int n_in, int n_out)
{
    dense_batch_case c = { n, n_in, n_out, random_tensor(&rng, (long)n * n_in), random_tensor(&rng, (long)n_in * n_out),
                           random_tensor(&rng, n_out), tensor_alloc((size_t)n * n_out, "Z"), random_tensor(&rng, (long)n * n_out) };
    real *z_ref = tensor_alloc((size_t)n * n_out, "Z"), *dx = tensor_alloc((size_t)n * n_in, "dX"),
         *dx_ref = tensor_alloc((size_t)n * n_in, "dX"), *dw = tensor_alloc((size_t)n_in * n_out, "dW"),
         *dw_ref = tensor_alloc((size_t)n_in * n_out, "dW"), *db = tensor_alloc((size_t)n_out, "db"),
         *db_ref = tensor_alloc((size_t)n_out, "db");
    for (int i = 0; i < n; i++) {
        dense_forward(c.x + (long)i * n_in, c.w, c.b, z_ref + (long)i * n_out, n_in, n_out);
        dense_backward(c.x + (long)i * n_in, c.w, c.r + (long)i * n_out, dw_ref, db_ref, dx_ref + (long)i * n_in,
                       n_in, n_out);
    }
    dense_forward_batch(n, c.x, c.w, c.b, c.z, n_in, n_out);
    dense_backward_batch(n, c.x, c.w, c.r, dw, db, dx, n_in, n_out);
    printf("dense %d rows %d -> %d\n", n, n_in, n_out);
    expect_close("  Z", c.z, z_ref, (long)n * n_out);
    expect_close("  dX", dx, dx_ref, (long)n * n_in);
    expect_close("  dW", dw, dw_ref, (long)n_in * n_out);
    expect_close("  db", db, db_ref, n_out);
#ifdef REAL_DOUBLE
    /* The loss Z . R is linear in every x, w and b, so a central difference
     * is exact for any step but for rounding, and a step of 1 keeps that
     * rounding (about 1e-13 of a loss near 100, over 2h) small beside the
     * smallest gradients: with h = 1e-3 a gradient near 1e-4 (a sum that
     * cancels) showed relative errors above 1e-7 in 3 of 60 random 7 x 300
     * -> 10 cases; with h = 1, none. */
    int dims_x[2] = { n, n_in }, dims_w[2] = { n_in, n_out }, dims_b[1] = { n_out };
    gradcheck_result r[3] = {
        gradcheck_tensor("dX (batched)", c.x, dx, dims_x, 2, dense_batch_loss, &c, 1.0),
        gradcheck_tensor("dW (batched)", c.w, dw, dims_w, 2, dense_batch_loss, &c, 1.0),
        gradcheck_tensor("db (batched)", c.b, db, dims_b, 1, dense_batch_loss, &c, 1.0),
    };
    for (int i = 0; i < 3; i++) {
        gradcheck_print(stdout, &r[i]);
        CHECK_GRAD(r[i]);
    }
#else
    (void)dense_batch_loss;                   /* float is too coarse for central differences */
#endif
    free(c.x); free(c.w); free(c.b); free(c.z); free(c.r);
    free(z_ref); free(dx); free(dx_ref); free(dw); free(dw_ref); free(db); free(db_ref);
}

static void test_dense_batches(void)
{
    check_dense_batch(1, 4, 2);        /* the small network of lesson 07 */
    check_dense_batch(5, 13, 10);
    check_dense_batch(7, 300, 10);
}

static void test_softmax_batch(void)
{
    int n = 4, k = 10, labels[4] = { 3, 0, 9, 3 };
    real *z = random_tensor(&rng, (long)n * k), p[40], dz[40], p_ref[40], dz_ref[40];
    double sum_ref = 0;
    for (int i = 0; i < n; i++) {
        sum_ref += softmax_cross_entropy(z + i * k, labels[i], p_ref + i * k, k);
        softmax_cross_entropy_backward(p_ref + i * k, labels[i], dz_ref + i * k, k);
    }
    CHECK_NEAR(softmax_cross_entropy_batch(n, z, labels, p, dz, k), sum_ref, 0);
    expect_close("softmax p", p, p_ref, n * k);
    expect_close("softmax dz", dz, dz_ref, n * k);
    free(z);
}

int main(void)
{
    rng = rng_seeded(11);
    printf("real = %s, tolerance %.0e relative\n", REAL_NAME, TOL);
    RUN_TEST(test_gemm_odd_sizes_every_transpose);
    RUN_TEST(test_gemm_alpha_beta_and_leading_dimensions);
    RUN_TEST(test_gemm_conv_shapes_threads_same_bits);
    RUN_TEST(test_gemm_tile_changes_no_bit);
    RUN_TEST(test_gemm_empty_sum_scales_c);
    RUN_TEST(test_im2col_of_lesson01_example);
    RUN_TEST(test_conv_batch_every_geometry);
    RUN_TEST(test_conv_batch_network_shapes);
    RUN_TEST(test_implicit_same_bits_as_im2col);
    RUN_TEST(test_fast_paths_same_bits_for_any_thread_count);
    RUN_TEST(test_pool_batches);
    RUN_TEST(test_maxpool_rows_same_bits);
    RUN_TEST(test_conv_pool_one_pass_same_bits);
    RUN_TEST(test_winograd_forwards_same_bits);
    RUN_TEST(test_sequential_fuse_pool_same_bits);
    RUN_TEST(test_sequential_fuse_relu_pool_same_bits);
    RUN_TEST(test_dense_batches);
    RUN_TEST(test_softmax_batch);
    return harness_finish();
}
