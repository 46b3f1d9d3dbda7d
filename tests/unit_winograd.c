/* tests/unit_winograd.c: Winograd's F(2x2, 3x3) (src/winograd.c, lesson 17)
 * against the direct loops of src/conv.c on several geometries: one and
 * several channels, square and not, output sides odd (the last tile sticks
 * out) and even, padding 0, 1, 2 and different on each side; forward, dW, db
 * and dX. In the double build, central-difference gradient checks of the
 * Winograd backward itself.
 *
 * Built twice: in double (tests/unit_winograd, relative error <= 1e-12) and in
 * float with the trainer's fast flags (tests/unit_winograd_float, <= 2e-5).
 * "Relative" is max |winograd - direct| / max |direct|. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "conv.h"
#include "gradcheck.h"
#include "harness.h"
#include "rng.h"
#include "tensor.h"
#include "winograd.h"

#ifdef REAL_DOUBLE
#define TOL 1e-12
#else
#define TOL 2e-5
#endif

/* max |a - b| / max |b| (NaN when either holds a NaN). Plain comparisons,
 * not fmax, as in tests/fast_vs_naive.c: fmax drops a NaN, and gcc 12.2 for
 * aarch64 crashes on an fmax reduction with the fast flags ("internal
 * compiler error: in vect_transform_reduction"). */
static double relative_difference(const real *a, const real *b, long n)
{
    double diff = 0, size = 0;
    for (long i = 0; i < n; i++) {
        double d = fabs((double)a[i] - (double)b[i]), s = fabs((double)b[i]);
        if (d > diff || d != d)          /* d != d: a NaN, which stays */
            diff = d;
        if (s > size || s != s)
            size = s;
    }
    return size > 0 ? diff / size : diff;
}

static void expect_close(const char *what, const char *geometry, const real *a, const real *b, long n)
{
    double rel = relative_difference(a, b, n);
    if (!(rel <= TOL))
        printf("FAIL %s, %s: relative difference %.3g > %.0e\n", what, geometry, rel, TOL);
    CHECK(rel <= TOL);
}

typedef struct {
    int in_c, in_h, in_w, out_c, pad_top, pad_bottom, pad_left, pad_right;
} geometry;

static const geometry geometries[] = {
    { 1, 4, 4, 1, 0, 0, 0, 0 },    /* one tile                              */
    { 1, 6, 6, 1, 0, 0, 0, 0 },    /* lesson 01's edge image: 2x2 tiles     */
    { 1, 3, 3, 1, 0, 0, 0, 0 },    /* a 1x1 output: the tile sticks out     */
    { 2, 5, 7, 3, 1, 1, 1, 1 },    /* "same", odd output sides              */
    { 3, 8, 8, 2, 1, 1, 1, 1 },
    { 2, 9, 6, 4, 2, 2, 2, 2 },    /* "full"                                */
    { 1, 5, 6, 2, 0, 1, 1, 0 },    /* a different padding on each side      */
    { 4, 12, 12, 5, 0, 0, 0, 0 },  /* Doshi's conv3 size, fewer channels    */
};

static void setup(conv2d_shape *s, const geometry *g)
{
    CHECK_INT(conv2d_setup_asym(s, g->in_c, g->in_h, g->in_w, g->out_c, 3, 1, g->pad_top, g->pad_bottom,
                                g->pad_left, g->pad_right), 0);
}

static void test_forward_and_backward_match_the_direct_loops(void)
{
    rng_t rng = rng_seeded(1701);
    for (size_t k = 0; k < sizeof geometries / sizeof geometries[0]; k++) {
        const geometry *g = &geometries[k];
        conv2d_shape s;
        setup(&s, g);
        char name[96];
        snprintf(name, sizeof name, "in %dx%dx%d, out_c %d, pads %d %d %d %d", g->in_c, g->in_h, g->in_w, g->out_c,
                 g->pad_top, g->pad_bottom, g->pad_left, g->pad_right);
        long nx = (long)s.in_c * s.in_h * s.in_w, nw = conv2d_weight_count(&s), ny = conv2d_output_count(&s);
        real *x = tensor_alloc((size_t)nx, "x"), *w = tensor_alloc((size_t)nw, "w"), *b = tensor_alloc((size_t)s.out_c, "b");
        real *dy = tensor_alloc((size_t)ny, "dy"), *y1 = tensor_alloc((size_t)ny, "y1"), *y2 = tensor_alloc((size_t)ny, "y2");
        real *dw1 = tensor_alloc((size_t)nw, "dw1"), *dw2 = tensor_alloc((size_t)nw, "dw2");
        real *db1 = tensor_alloc((size_t)s.out_c, "db1"), *db2 = tensor_alloc((size_t)s.out_c, "db2");
        real *dx1 = tensor_alloc((size_t)nx, "dx1"), *dx2 = tensor_alloc((size_t)nx, "dx2");
        rng_fill_normal(&rng, x, nx);
        rng_fill_normal(&rng, w, nw);
        rng_fill_normal(&rng, b, s.out_c);
        rng_fill_normal(&rng, dy, ny);
        for (long i = 0; i < nw; i++)   /* dW and db are added to: start both from the same values */
            dw1[i] = dw2[i] = (real)0.25;
        db1[0] = db2[0] = (real)-1;
        tensor_fill(dx2, (size_t)nx, 7);   /* dX is overwritten: what was there must not matter */

        conv2d_forward(&s, x, w, b, y1);
        winograd_forward(&s, x, w, b, y2);
        expect_close("forward", name, y2, y1, ny);
        conv2d_backward(&s, x, w, dy, dw1, db1, dx1);
        winograd_backward(&s, x, w, dy, dw2, db2, dx2);
        expect_close("dW", name, dw2, dw1, nw);
        expect_close("db", name, db2, db1, s.out_c);
        expect_close("dX", name, dx2, dx1, nx);

        tensor_fill(dw2, (size_t)nw, (real)0.25);   /* dX = NULL: dW and db as before */
        db2[0] = -1;
        for (int c = 1; c < s.out_c; c++)
            db2[c] = 0;
        winograd_backward(&s, x, w, dy, dw2, db2, NULL);
        expect_close("dW without dX", name, dw2, dw1, nw);
        expect_close("db without dX", name, db2, db1, s.out_c);
        free(x), free(w), free(b), free(dy), free(y1), free(y2);
        free(dw1), free(dw2), free(db1), free(db2), free(dx1), free(dx2);
    }
}

/* Lesson 17's 1-D example in 2-D form: the tile of lesson 01's edge image. */
static void test_one_tile_by_the_transforms(void)
{
    static const real edge[3 * 3] = { 1, 0, -1, 1, 0, -1, 1, 0, -1 };
    real d[16], u[16], v[16], m[16], y[4];
    for (int i = 0; i < 16; i++)
        d[i] = (i % 4) < 3 ? 10 : 0;   /* bright left, dark right */
    winograd_filter_transform(edge, u);
    winograd_input_transform(d, v);
    for (int i = 0; i < 16; i++)
        m[i] = u[i] * v[i];
    winograd_output_transform(m, y);
    CHECK_NEAR(y[0], 0, 1e-5);
    CHECK_NEAR(y[1], 30, 1e-5);
    CHECK_NEAR(y[2], 0, 1e-5);
    CHECK_NEAR(y[3], 30, 1e-5);
}

/* <A x, y> = <x, A^T y> for each transform and its transpose: the backward's building blocks. */
static void test_transposes_are_adjoints(void)
{
    rng_t rng = rng_seeded(1702);
    real g[9], u[16], du[16], dg[9], d[16], v[16], dv[16], dd[16], m[16], y[4], dy[4], dm[16];
    rng_fill_normal(&rng, g, 9);
    rng_fill_normal(&rng, du, 16);
    rng_fill_normal(&rng, d, 16);
    rng_fill_normal(&rng, dv, 16);
    rng_fill_normal(&rng, m, 16);
    rng_fill_normal(&rng, dy, 4);
    winograd_filter_transform(g, u);
    winograd_filter_transform_t(du, dg);
    CHECK_NEAR(tensor_dot(u, du, 16), tensor_dot(g, dg, 9), 1e-5);
    winograd_input_transform(d, v);
    winograd_input_transform_t(dv, dd);
    CHECK_NEAR(tensor_dot(v, dv, 16), tensor_dot(d, dd, 16), 1e-5);
    winograd_output_transform(m, y);
    winograd_output_transform_t(dy, dm);
    CHECK_NEAR(tensor_dot(y, dy, 4), tensor_dot(m, dm, 16), 1e-5);
}

static void test_only_3x3_stride_1_is_supported(void)
{
    conv2d_shape s;
    CHECK_INT(conv2d_setup(&s, 1, 8, 8, 1, 3, 1, 1), 0);
    CHECK(winograd_supported(&s));
    CHECK_INT(conv2d_setup(&s, 1, 9, 9, 1, 3, 2, 1), 0);
    CHECK(!winograd_supported(&s));
    CHECK_INT(conv2d_setup(&s, 1, 8, 8, 1, 5, 1, 2), 0);
    CHECK(!winograd_supported(&s));
}

#ifdef REAL_DOUBLE
/* L = sum dY * Y with Y from winograd_forward: its gradient is what winograd_backward gives. */
typedef struct {
    conv2d_shape s;
    real *x, *w, *b, *dy, *y;
} loss_ctx;

static double winograd_loss(void *p)
{
    loss_ctx *c = p;
    winograd_forward(&c->s, c->x, c->w, c->b, c->y);
    return tensor_dot(c->y, c->dy, (size_t)conv2d_output_count(&c->s));
}

static void test_gradients_by_central_differences(void)
{
    rng_t rng = rng_seeded(1703);
    loss_ctx c;
    CHECK_INT(conv2d_setup_asym(&c.s, 2, 5, 6, 3, 3, 1, 1, 0, 0, 1), 0);   /* out 3x4: odd side, asymmetric pads */
    long nx = 2 * 5 * 6, nw = conv2d_weight_count(&c.s), ny = conv2d_output_count(&c.s);
    c.x = tensor_alloc((size_t)nx, "x"), c.w = tensor_alloc((size_t)nw, "w"), c.b = tensor_alloc(3, "b");
    c.dy = tensor_alloc((size_t)ny, "dy"), c.y = tensor_alloc((size_t)ny, "y");
    real *dw = tensor_alloc((size_t)nw, "dw"), *db = tensor_alloc(3, "db"), *dx = tensor_alloc((size_t)nx, "dx");
    rng_fill_normal(&rng, c.x, nx);
    rng_fill_normal(&rng, c.w, nw);
    rng_fill_normal(&rng, c.b, 3);
    rng_fill_normal(&rng, c.dy, ny);
    winograd_backward(&c.s, c.x, c.w, c.dy, dw, db, dx);
    int wdims[4] = { 3, 2, 3, 3 }, xdims[3] = { 2, 5, 6 }, bdims[1] = { 3 };
    gradcheck_result r;
    r = gradcheck_tensor("dW", c.w, dw, wdims, 4, winograd_loss, &c, GRADCHECK_STEP);
    gradcheck_print(stdout, &r);
    CHECK(r.max_rel_error <= GRADCHECK_GOOD);
    r = gradcheck_tensor("dX", c.x, dx, xdims, 3, winograd_loss, &c, GRADCHECK_STEP);
    gradcheck_print(stdout, &r);
    CHECK(r.max_rel_error <= GRADCHECK_GOOD);
    r = gradcheck_tensor("db", c.b, db, bdims, 1, winograd_loss, &c, GRADCHECK_STEP);
    gradcheck_print(stdout, &r);
    CHECK(r.max_rel_error <= GRADCHECK_GOOD);
    free(c.x), free(c.w), free(c.b), free(c.dy), free(c.y), free(dw), free(db), free(dx);
}
#endif

int main(void)
{
    RUN_TEST(test_forward_and_backward_match_the_direct_loops);
    RUN_TEST(test_one_tile_by_the_transforms);
    RUN_TEST(test_transposes_are_adjoints);
    RUN_TEST(test_only_3x3_stride_1_is_supported);
#ifdef REAL_DOUBLE
    RUN_TEST(test_gradients_by_central_differences);
#endif
    return harness_finish();
}
