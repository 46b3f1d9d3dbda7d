/* Lesson 17: fewer multiplications, Winograd's F(2x2, 3x3).
 *
 * Lavin and Gray, "Fast Algorithms for Convolutional Neural Networks" (2015):
 * two outputs of a 3-tap filter need 6 multiplications done directly, 4 done
 * Winograd's way, F(2, 3). We derive it by hand with lesson 01's numbers
 * (the first row of Notes on CNN's image, d = (5, 2, 2, 3), and the first
 * three weights of its filter, g = (1, 2, -1)), write it as three small
 * matrices B^T, G, A^T, nest it into the 2-D F(2x2, 3x3) (16 multiplications
 * per 2x2 output tile instead of 36), cut an image into overlapping 4x4
 * tiles, measure its float error against double, and push the gradient back
 * through the transposed transforms, checked by finite differences.
 *
 * Run: build/lessons/17_winograd [--step]      Notes: notes/17_winograd.md */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "conv.h"       /* conv2d_setup, conv2d_forward, conv2d_backward: the direct reference */
#include "gradcheck.h"  /* gradcheck_tensor, gradcheck_print, GRADCHECK_STEP */
#include "lesson.h"     /* lesson_start, lesson_step */
#include "rng.h"        /* rng_seeded, rng_normal, rng_fill_normal */
#include "tensor.h"     /* tensor_alloc, tensor_print_2d, tensor_max_abs_diff, tensor_dot, with_commas */
#include "winograd.h"   /* the transforms, winograd_forward, winograd_backward */

static const real d1[4] = { 5, 2, 2, 3 };   /* lesson 01's image, first row        */
static const real g1[3] = { 1, 2, -1 };     /* lesson 01's filter [[1,2],[-1,0]], its first three weights */

/* The three matrices of F(2, 3) (Lavin and Gray). */
static const real BT[4 * 4] = { 1, 0, -1, 0, 0, 1, 1, 0, 0, -1, 1, 0, 0, 1, 0, -1 };   /* (4, 4) */
static const real G[4 * 3] = { 1, 0, 0, 0.5, 0.5, 0.5, 0.5, -0.5, 0.5, 0, 0, 1 };       /* (4, 3) */
static const real AT[2 * 4] = { 1, 1, 1, 0, 0, 1, -1, -1 };                             /* (2, 4) */

/* x + 0 turns -0 (from 0 times a negative number) into 0, for printing. */
static void no_negative_zero(real *v, int n)
{
    for (int i = 0; i < n; i++)
        v[i] += 0;
}

/* out (rows) = M (rows, cols) times v (cols). */
static void mat_vec(const real *m, int rows, int cols, const real *v, real *out)
{
    for (int i = 0; i < rows; i++) {
        real sum = 0;
        for (int j = 0; j < cols; j++)
            sum += m[i * cols + j] * v[j];
        out[i] = sum;
    }
    no_negative_zero(out, rows);
}

/* The direct 1-D correlation: y[i] = sum_k d[i + k] g[k], 2 outputs, 6 multiplications. */
static void direct_1d(const real *d, const real *g, real *y)
{
    for (int i = 0; i < 2; i++)
        y[i] = d[i] * g[0] + d[i + 1] * g[1] + d[i + 2] * g[2];
}

/* F(2, 3): Y = A^T [ (G g) (.) (B^T d) ], 4 multiplications once G g is known. */
static void winograd_1d(const real *d, const real *g, real *y)
{
    real u[4], v[4], m[4];
    mat_vec(G, 4, 3, g, u);
    mat_vec(BT, 4, 4, d, v);
    for (int i = 0; i < 4; i++)
        m[i] = u[i] * v[i];
    mat_vec(AT, 2, 4, m, y);
}

static void step_direct_1d(void)
{
    lesson_step(1, "Two outputs of a 3-tap filter, directly: 6 multiplications");
    printf("Lesson 01's image starts with the row d = (5, 2, 2, 3); its filter [[1,2],[-1,0]]\n"
           "has the weights g = (1, 2, -1) first. Slide g along d (stride 1, as in lesson 01):\n");
    real y[2];
    direct_1d(d1, g1, y);
    printf("  y0 = d0*g0 + d1*g1 + d2*g2 = 5*1 + 2*2 + 2*(-1) = %g\n", (double)y[0]);
    printf("  y1 = d1*g0 + d2*g1 + d3*g2 = 2*1 + 2*2 + 3*(-1) = %g\n", (double)y[1]);
    printf("direct multiplications: 2 outputs x 3 taps = %d\n", 2 * 3);
}

static void step_winograd_1d(void)
{
    lesson_step(2, "Winograd's F(2, 3): the same two outputs with 4 multiplications");
    real m1 = (d1[0] - d1[2]) * g1[0];
    real m2 = (d1[1] + d1[2]) * (g1[0] + g1[1] + g1[2]) / 2;
    real m3 = (d1[2] - d1[1]) * (g1[0] - g1[1] + g1[2]) / 2 + 0;
    real m4 = (d1[1] - d1[3]) * g1[2];
    printf("Four products, each of a sum of pixels and a sum of weights:\n");
    printf("  m1 = (d0 - d2) * g0                = (5 - 2) * 1            = %g\n", (double)m1);
    printf("  m2 = (d1 + d2) * (g0 + g1 + g2)/2  = (2 + 2) * (1+2-1)/2    = %g\n", (double)m2);
    printf("  m3 = (d2 - d1) * (g0 - g1 + g2)/2  = (2 - 2) * (1-2-1)/2    = %g\n", (double)m3);
    printf("  m4 = (d1 - d3) * g2                = (2 - 3) * (-1)         = %g\n", (double)m4);
    printf("and the outputs are sums of them, with no multiplication:\n");
    printf("  y0 = m1 + m2 + m3 = %g\n  y1 = m2 - m3 - m4 = %g\n", (double)(m1 + m2 + m3), (double)(m2 - m3 - m4));
    printf("The sums of weights belong to the filter: a layer computes them once and reuses them\n"
           "at every position. Per pair of outputs that leaves 4 multiplications instead of 6.\n");
}

static void step_matrices(void)
{
    lesson_step(3, "The same as three matrices: Y = A^T [ (G g) (.) (B^T d) ]");
    tensor_print_2d(stdout, "B^T (4x4), the input transform: which pixels each product sums", BT, 4, 4, 4);
    tensor_print_2d(stdout, "G (4x3), the filter transform: g(x) at x = 0, 1, -1 (halved), and g2", G, 4, 3, 4);
    tensor_print_2d(stdout, "A^T (2x4), the output transform", AT, 2, 4, 4);
    real u[4], v[4], m[4], y[2], want[2];
    mat_vec(G, 4, 3, g1, u);
    mat_vec(BT, 4, 4, d1, v);
    for (int i = 0; i < 4; i++)
        m[i] = u[i] * v[i];
    no_negative_zero(m, 4);
    mat_vec(AT, 2, 4, m, y);
    direct_1d(d1, g1, want);
    printf("G g   = [ %g %g %g %g ]\n", (double)u[0], (double)u[1], (double)u[2], (double)u[3]);
    printf("B^T d = [ %g %g %g %g ]\n", (double)v[0], (double)v[1], (double)v[2], (double)v[3]);
    printf("M = (G g) (.) (B^T d) = [ %g %g %g %g ]   (the 4 multiplications)\n", (double)m[0], (double)m[1],
           (double)m[2], (double)m[3]);
    printf("Y = A^T M = [ %g %g ], direct [ %g %g ]\n", (double)y[0], (double)y[1], (double)want[0], (double)want[1]);

    rng_t rng = rng_seeded(17);
    double worst = 0;
    for (int t = 0; t < 1000; t++) {
        real d[4], g[3], a[2], b[2];
        for (int i = 0; i < 4; i++)
            d[i] = (real)rng_normal(&rng);
        for (int i = 0; i < 3; i++)
            g[i] = (real)rng_normal(&rng);
        winograd_1d(d, g, a);
        direct_1d(d, g, b);
        worst = fmax(worst, tensor_max_abs_diff(a, b, 2));
    }
    printf("on 1000 random d and g, largest difference from the direct sums: %.2g\n", worst);
    printf("Where the matrices come from (notes/17_winograd.md): the outputs are the coefficients\n"
           "of a polynomial product, found from its values at x = 0, 1, -1 and its leading term.\n");
}

/* 2-D: d (4,4), g (3,3) -> Y (2,2) by the nested form, printing each stage. */
static void one_tile_2d(const real *d, const real *g, real *y, int print)
{
    real u[16], v[16], m[16];
    winograd_filter_transform(g, u);
    winograd_input_transform(d, v);
    for (int i = 0; i < 16; i++)
        m[i] = u[i] * v[i];
    winograd_output_transform(m, y);
    no_negative_zero(u, 16);
    no_negative_zero(v, 16);
    no_negative_zero(m, 16);
    no_negative_zero(y, 4);
    if (!print)
        return;
    tensor_print_2d(stdout, "U = G g G^T (4x4):", u, 4, 4, 5);
    tensor_print_2d(stdout, "V = B^T d B (4x4):", v, 4, 4, 5);
    tensor_print_2d(stdout, "M = U (.) V (4x4), 16 multiplications:", m, 4, 4, 5);
    tensor_print_2d(stdout, "Y = A^T M A (2x2):", y, 2, 2, 5);
}

/* Lesson 01's 6x6 edge image: bright (10) left half, dark (0) right half. */
static void edge_image(real *img)
{
    for (int y = 0; y < 6; y++)
        for (int x = 0; x < 6; x++)
            img[y * 6 + x] = x < 3 ? 10 : 0;
}

static const real vertical_edge[9] = { 1, 0, -1, 1, 0, -1, 1, 0, -1 };   /* lesson 01, step 5 */

static void step_nested_2d(void)
{
    lesson_step(4, "2-D: F(2x2, 3x3) is F(2, 3) along the rows, then along the columns");
    printf("Apply the 1-D transforms to every column and then to every row:\n"
           "  Y = A^T [ (G g G^T) (.) (B^T d B) ] A\n"
           "with a 4x4 input tile d, a 3x3 filter g and a 2x2 output tile Y.\n"
           "Lesson 01's vertical-edge filter on the top-left 4x4 tile of its edge image:\n");
    real img[36], d[16], y[4], want[4];
    edge_image(img);
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++)
            d[i * 4 + j] = img[i * 6 + j];
    tensor_print_2d(stdout, "d (4x4):", d, 4, 4, 5);
    tensor_print_2d(stdout, "g (3x3):", vertical_edge, 3, 3, 5);
    one_tile_2d(d, vertical_edge, y, 1);
    conv2d_shape s;
    real bias = 0;
    conv2d_setup(&s, 1, 4, 4, 1, 3, 1, 0);
    conv2d_forward(&s, d, vertical_edge, &bias, want);
    tensor_print_2d(stdout, "direct (conv2d_forward) (2x2):", want, 2, 2, 5);
    printf("largest difference from the direct tile: %g\n", tensor_max_abs_diff(y, want, 4));
    printf("multiplications per 2x2 output tile: direct %d (4 outputs x 9), Winograd %d (4 x 4): %.2fx fewer\n",
           4 * 9, 16, 36.0 / 16);
}

static void step_tiles(void)
{
    lesson_step(5, "An image in tiles: 4x4 input tiles, overlapping, every 2 pixels");
    printf("Output tile (ty, tx) covers outputs 2ty..2ty+1, 2tx..2tx+1 and reads the 4x4 input\n"
           "tile whose corner is (2ty, 2tx): neighbouring input tiles share 2 rows or columns.\n");
    real img[36], out[16], want[16];
    edge_image(img);
    for (int ty = 0; ty < 2; ty++)
        for (int tx = 0; tx < 2; tx++) {
            real d[16], y[4];
            for (int i = 0; i < 4; i++)
                for (int j = 0; j < 4; j++)
                    d[i * 4 + j] = img[(2 * ty + i) * 6 + 2 * tx + j];
            one_tile_2d(d, vertical_edge, y, 0);
            printf("  tile (%d, %d): input rows %d-%d, cols %d-%d -> [ %g %g ; %g %g ]\n", ty, tx, 2 * ty,
                   2 * ty + 3, 2 * tx, 2 * tx + 3, (double)y[0], (double)y[1], (double)y[2], (double)y[3]);
            for (int i = 0; i < 2; i++)
                for (int j = 0; j < 2; j++)
                    out[(2 * ty + i) * 4 + 2 * tx + j] = y[i * 2 + j];
        }
    tensor_print_2d(stdout, "the tiles assembled (4x4):", out, 4, 4, 4);
    conv2d_shape s;
    real bias = 0;
    conv2d_setup(&s, 1, 6, 6, 1, 3, 1, 0);
    conv2d_forward(&s, img, vertical_edge, &bias, want);
    printf("largest difference from lesson 01's output (conv2d_forward): %g\n", tensor_max_abs_diff(out, want, 16));

    printf("An odd output side (7x7 image -> 5x5) needs a last tile that sticks out: it reads\n"
           "zeros beyond the image and keeps only the outputs that exist. winograd_forward\n"
           "(src/winograd.c) does this for any padding and any number of channels:\n");
    rng_t rng = rng_seeded(1717);
    conv2d_shape s2;
    conv2d_setup(&s2, 3, 7, 7, 4, 3, 1, 1);
    real x[3 * 49], w[4 * 3 * 9], b[4], y1[4 * 49], y2[4 * 49];
    rng_fill_normal(&rng, x, 3 * 49);
    rng_fill_normal(&rng, w, 4 * 3 * 9);
    rng_fill_normal(&rng, b, 4);
    conv2d_forward(&s2, x, w, b, y1);
    winograd_forward(&s2, x, w, b, y2);
    printf("3 channels in, 4 out, 7x7, padding 1: largest difference from conv2d_forward: %.2g\n",
           tensor_max_abs_diff(y1, y2, 4 * 49));
}

/* ---------------------------------------------------------------- float against double */

/* F(2x2, 3x3) on one tile in float, the transforms written as the additions they are. */
static void input_transform_f(const float *d, float *v)   /* V = B^T d B */
{
    float t[16];
    for (int j = 0; j < 4; j++) {   /* B^T d: combine rows */
        t[0 * 4 + j] = d[0 * 4 + j] - d[2 * 4 + j];
        t[1 * 4 + j] = d[1 * 4 + j] + d[2 * 4 + j];
        t[2 * 4 + j] = d[2 * 4 + j] - d[1 * 4 + j];
        t[3 * 4 + j] = d[1 * 4 + j] - d[3 * 4 + j];
    }
    for (int i = 0; i < 4; i++) {   /* (B^T d) B: combine columns */
        v[i * 4 + 0] = t[i * 4 + 0] - t[i * 4 + 2];
        v[i * 4 + 1] = t[i * 4 + 1] + t[i * 4 + 2];
        v[i * 4 + 2] = t[i * 4 + 2] - t[i * 4 + 1];
        v[i * 4 + 3] = t[i * 4 + 1] - t[i * 4 + 3];
    }
}

static void filter_transform_f(const float *g, float *u)   /* U = G g G^T */
{
    float t[12];
    for (int j = 0; j < 3; j++) {
        t[0 * 3 + j] = g[0 * 3 + j];
        t[1 * 3 + j] = (g[0 * 3 + j] + g[1 * 3 + j] + g[2 * 3 + j]) * 0.5f;
        t[2 * 3 + j] = (g[0 * 3 + j] - g[1 * 3 + j] + g[2 * 3 + j]) * 0.5f;
        t[3 * 3 + j] = g[2 * 3 + j];
    }
    for (int i = 0; i < 4; i++) {
        u[i * 4 + 0] = t[i * 3 + 0];
        u[i * 4 + 1] = (t[i * 3 + 0] + t[i * 3 + 1] + t[i * 3 + 2]) * 0.5f;
        u[i * 4 + 2] = (t[i * 3 + 0] - t[i * 3 + 1] + t[i * 3 + 2]) * 0.5f;
        u[i * 4 + 3] = t[i * 3 + 2];
    }
}

static void output_transform_f(const float *m, float *y)   /* Y = A^T M A */
{
    float t[8];
    for (int j = 0; j < 4; j++) {
        t[0 * 4 + j] = m[0 * 4 + j] + m[1 * 4 + j] + m[2 * 4 + j];
        t[1 * 4 + j] = m[1 * 4 + j] - m[2 * 4 + j] - m[3 * 4 + j];
    }
    for (int i = 0; i < 2; i++) {
        y[i * 2 + 0] = t[i * 4 + 0] + t[i * 4 + 1] + t[i * 4 + 2];
        y[i * 2 + 1] = t[i * 4 + 1] - t[i * 4 + 2] - t[i * 4 + 3];
    }
}

/* A layer in float, Winograd: x (C, H, H), w (K, C, 3, 3), padding 1 -> y (K, H, H), H even. */
static void layer_winograd_f(int C, int K, int H, const float *x, const float *w, float *y)
{
    float *u = malloc(sizeof(float) * 16 * (size_t)K * C), *v = malloc(sizeof(float) * 16 * (size_t)C);
    if (!u || !v) {
        fprintf(stderr, "17_winograd: out of memory\n");
        exit(1);
    }
    for (int p = 0; p < K * C; p++)
        filter_transform_f(w + p * 9, u + p * 16);
    for (int oy = 0; oy < H; oy += 2)
        for (int ox = 0; ox < H; ox += 2) {
            for (int c = 0; c < C; c++) {
                float d[16];
                for (int i = 0; i < 4; i++)
                    for (int j = 0; j < 4; j++) {
                        int r = oy - 1 + i, q = ox - 1 + j;
                        d[i * 4 + j] = (r >= 0 && r < H && q >= 0 && q < H) ? x[(c * H + r) * H + q] : 0.0f;
                    }
                input_transform_f(d, v + c * 16);
            }
            for (int k = 0; k < K; k++) {
                float m[16] = { 0 }, t[4];
                for (int c = 0; c < C; c++)
                    for (int e = 0; e < 16; e++)
                        m[e] += u[(k * C + c) * 16 + e] * v[c * 16 + e];
                output_transform_f(m, t);
                for (int i = 0; i < 2; i++)
                    for (int j = 0; j < 2; j++)
                        y[(k * H + oy + i) * H + ox + j] = t[i * 2 + j];
            }
        }
    free(v);
    free(u);
}

/* The same layer in float, directly (9 multiplications per output and channel). */
static void layer_direct_f(int C, int K, int H, const float *x, const float *w, float *y)
{
    for (int k = 0; k < K; k++)
        for (int oy = 0; oy < H; oy++)
            for (int ox = 0; ox < H; ox++) {
                float sum = 0;
                for (int c = 0; c < C; c++)
                    for (int a = 0; a < 3; a++)
                        for (int b = 0; b < 3; b++) {
                            int r = oy - 1 + a, q = ox - 1 + b;
                            if (r >= 0 && r < H && q >= 0 && q < H)
                                sum += w[((k * C + c) * 3 + a) * 3 + b] * x[(c * H + r) * H + q];
                        }
                y[(k * H + oy) * H + ox] = sum;
            }
}

/* Largest |a - exact|, and that over the largest |exact|. */
static void float_error(const char *what, const float *a, const real *exact, long n)
{
    double err = 0, size = 0;
    for (long i = 0; i < n; i++) {
        err = fmax(err, fabs((double)a[i] - (double)exact[i]));
        size = fmax(size, fabs((double)exact[i]));
    }
    printf("  %-18s max abs error %.3g   relative to the largest output %.3g\n", what, err, err / size);
}

/* One layer of K random 3x3 filters over C channels of HxH pixels in [0, 1), padding 1, in
 * float both ways; each compared with the direct sums in double on the same (float) inputs. */
static void float_error_layer(int C, int K, int H, unsigned seed)
{
    long nx = (long)C * H * H, nw = (long)K * C * 9, ny = (long)K * H * H;
    real *x = tensor_alloc((size_t)nx, "x"), *w = tensor_alloc((size_t)nw, "w"), *b = tensor_alloc((size_t)K, "b");
    real *exact = tensor_alloc((size_t)ny, "y");
    float *xf = malloc(sizeof(float) * (size_t)nx), *wf = malloc(sizeof(float) * (size_t)nw);
    float *yw = malloc(sizeof(float) * (size_t)ny), *yd = malloc(sizeof(float) * (size_t)ny);
    if (!xf || !wf || !yw || !yd) {
        fprintf(stderr, "17_winograd: out of memory\n");
        exit(1);
    }
    rng_t rng = rng_seeded(seed);
    for (long i = 0; i < nx; i++)   /* pixels in [0, 1), as MNIST's; He-scaled weights */
        xf[i] = (float)rng_uniform(&rng);
    for (long i = 0; i < nw; i++)
        wf[i] = (float)(rng_normal(&rng) * sqrt(2.0 / (9 * C)));
    for (long i = 0; i < nx; i++)   /* the double layer sees exactly the float inputs */
        x[i] = xf[i];
    for (long i = 0; i < nw; i++)
        w[i] = wf[i];
    conv2d_shape s;
    conv2d_setup(&s, C, H, H, K, 3, 1, 1);
    conv2d_forward(&s, x, w, b, exact);
    layer_winograd_f(C, K, H, xf, wf, yw);
    layer_direct_f(C, K, H, xf, wf, yd);
    printf("%d random 3x3 filters over %d channel%s of %dx%d (a sum of %d products per output):\n", K, C,
           C > 1 ? "s" : "", H, H, 9 * C);
    float_error("direct, float:", yd, exact, ny);
    float_error("Winograd, float:", yw, exact, ny);
    free(xf), free(wf), free(yw), free(yd), free(x), free(w), free(b), free(exact);
}

static void step_float_error(void)
{
    lesson_step(6, "Its error in float, against the exact (double) result");
    printf("Layers computed in float both ways (Winograd's transforms written as the additions\n"
           "they are), compared with the direct sums in double; pixels in [0, 1), padding 1:\n");
    float_error_layer(1, 16, 28, 2015);
    float_error_layer(16, 16, 28, 2016);
    printf("Float rounds each operation to about 6e-8 of its result. Winograd rounds differently,\n"
           "not much worse: its transforms add and subtract before multiplying (a product carries\n"
           "the rounding of a sum of pixels), while each element of M sums over the channels only,\n"
           "where the direct sum runs over channels x 9. Larger tiles (F(4x4, 3x3)) need the points\n"
           "+-2 and +-1/2 too, larger numbers in the transforms, and their error grows (notes).\n");
}

/* ---------------------------------------------------------------- counting */

static void count_layer(const char *name, int in_c, int in_hw, int out_c, int pad)
{
    int out_hw = in_hw + 2 * pad - 2, tiles = ((out_hw + 1) / 2) * ((out_hw + 1) / 2);
    long direct = (long)out_c * in_c * out_hw * out_hw * 9, wino = (long)out_c * in_c * tiles * 16;
    long adds = (long)in_c * tiles * 32 + (long)out_c * tiles * 24;   /* input and output transforms */
    char a[32], b[32], c[32];
    with_commas(direct, a, sizeof a);
    with_commas(wino, b, sizeof b);
    with_commas(adds, c, sizeof c);
    printf("  %-38s direct %s  Winograd %s  ratio %.2f  (+ %s additions in the transforms)\n", name, a, b,
           (double)direct / wino, c);
}

static void step_count(void)
{
    lesson_step(7, "Multiplications per image, counted (exact)");
    printf("Per output tile and pair of channels: 36 direct, 16 Winograd. The input transform\n"
           "costs 32 additions per tile and input channel, the output transform 24 per tile and\n"
           "output channel; the filter transform is done once per filter and not counted.\n");
    count_layer("the float-error layer of step 6 (16->16, 28x28)", 16, 28, 16, 1);
    count_layer("Doshi's conv2 (16->128, 14x14 -> 12x12)", 16, 14, 128, 0);
    count_layer("Doshi's conv3 (128->256, 12x12 -> 10x10)", 128, 12, 256, 0);
    printf("Fewer multiplications is not yet less time: the transforms read and write memory,\n"
           "and the direct layer runs as one large GEMM (lesson 11). Whether Winograd wins on a\n"
           "layer is measured, not counted: the engine runs Doshi's conv3 this way (its rule:\n"
           "3x3, stride 1, at least 64 channels in and out); `make bench` times it on a quiet\n"
           "machine (notes, \"What comes next\"; no speed figure is claimed here).\n");
}

/* ---------------------------------------------------------------- the backward pass */

/* L = sum dY * Y, Y from winograd_forward: the loss whose gradient winograd_backward gives. */
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

static void step_backward_tile(void)
{
    lesson_step(8, "Backward through one tile: the transposed transforms");
    printf("Y = A^T M A with M = U (.) V is linear in M, and M is linear in U and in V; the chain\n"
           "rule through a linear map is its transpose, so with dY given:\n"
           "  dM = A dY A^T,   dU = dM (.) V,   dV = dM (.) U,\n"
           "  dg = G^T dU G (dL/dW of this tile),   dd = B dV B^T (dL/dX of this tile).\n"
           "Lesson 01's tile and filter of step 4, with lesson 06's dL/dO = [[2,1],[-1,3]]:\n");
    real img[36], d[16], u[16], v[16], dm[16], du[16], dv[16], dg[9], dd[16];
    static const real dy[4] = { 2, 1, -1, 3 };
    edge_image(img);
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++)
            d[i * 4 + j] = img[i * 6 + j];
    winograd_filter_transform(vertical_edge, u);
    winograd_input_transform(d, v);
    winograd_output_transform_t(dy, dm);
    for (int e = 0; e < 16; e++) {
        du[e] = dm[e] * v[e];
        dv[e] = dm[e] * u[e];
    }
    winograd_filter_transform_t(du, dg);
    winograd_input_transform_t(dv, dd);
    no_negative_zero(dm, 16);
    no_negative_zero(dg, 9);
    no_negative_zero(dd, 16);
    tensor_print_2d(stdout, "dM = A dY A^T (4x4):", dm, 4, 4, 5);
    tensor_print_2d(stdout, "dg = G^T (dM (.) V) G (3x3):", dg, 3, 3, 5);
    tensor_print_2d(stdout, "dd = B (dM (.) U) B^T (4x4):", dd, 4, 4, 5);
    conv2d_shape s;
    real dw[9] = { 0 }, db = 0, dx[16];
    conv2d_setup(&s, 1, 4, 4, 1, 3, 1, 0);
    conv2d_backward(&s, d, vertical_edge, dy, dw, &db, dx);
    printf("largest difference from conv2d_backward: dW %g, dX %g\n", tensor_max_abs_diff(dg, dw, 9),
           tensor_max_abs_diff(dd, dx, 16));
}

static void step_backward_layer(void)
{
    lesson_step(9, "The backward of a whole layer, checked by finite differences");
    printf("winograd_backward (src/winograd.c) sums every tile's dg into dL/dW and adds every\n"
           "tile's dd where the tile came from (tiles overlap: a pixel gets up to 4 shares).\n");
    rng_t rng = rng_seeded(1718);
    loss_ctx c;
    conv2d_setup(&c.s, 2, 7, 7, 3, 3, 1, 1);   /* out 7x7: odd, so the last tiles stick out */
    long nx = 2 * 49, nw = conv2d_weight_count(&c.s), ny = conv2d_output_count(&c.s);
    c.x = tensor_alloc((size_t)nx, "x"), c.w = tensor_alloc((size_t)nw, "w"), c.b = tensor_alloc(3, "b");
    c.dy = tensor_alloc((size_t)ny, "dy"), c.y = tensor_alloc((size_t)ny, "y");
    real *dw = tensor_alloc((size_t)nw, "dw"), *db = tensor_alloc(3, "db"), *dx = tensor_alloc((size_t)nx, "dx");
    real *dw_ref = tensor_alloc((size_t)nw, "dw"), *db_ref = tensor_alloc(3, "db"), *dx_ref = tensor_alloc((size_t)nx, "dx");
    rng_fill_normal(&rng, c.x, nx);
    rng_fill_normal(&rng, c.w, nw);
    rng_fill_normal(&rng, c.b, 3);
    rng_fill_normal(&rng, c.dy, ny);
    winograd_backward(&c.s, c.x, c.w, c.dy, dw, db, dx);
    conv2d_backward(&c.s, c.x, c.w, c.dy, dw_ref, db_ref, dx_ref);
    printf("2 channels in, 3 out, 7x7, padding 1; largest difference from conv2d_backward:\n"
           "  dW %.2g   db %.2g   dX %.2g\n", tensor_max_abs_diff(dw, dw_ref, (size_t)nw),
           tensor_max_abs_diff(db, db_ref, 3), tensor_max_abs_diff(dx, dx_ref, (size_t)nx));
    printf("Central differences of L = sum dY * Y, Y from winograd_forward (lesson 02's check):\n");
    int wdims[4] = { 3, 2, 3, 3 }, xdims[3] = { 2, 7, 7 }, bdims[1] = { 3 };
    gradcheck_result r;
    r = gradcheck_tensor("dW", c.w, dw, wdims, 4, winograd_loss, &c, GRADCHECK_STEP);
    gradcheck_print(stdout, &r);
    r = gradcheck_tensor("dX", c.x, dx, xdims, 3, winograd_loss, &c, GRADCHECK_STEP);
    gradcheck_print(stdout, &r);
    r = gradcheck_tensor("db", c.b, db, bdims, 1, winograd_loss, &c, GRADCHECK_STEP);
    gradcheck_print(stdout, &r);
    free(c.x), free(c.w), free(c.b), free(c.dy), free(c.y);
    free(dw), free(db), free(dx), free(dw_ref), free(db_ref), free(dx_ref);
}

int main(int argc, char **argv)
{
    lesson_start(argc, argv, "Lesson 17: fewer multiplications, Winograd's F(2x2, 3x3)", 0);
    step_direct_1d();
    step_winograd_1d();
    step_matrices();
    step_nested_2d();
    step_tiles();
    step_float_error();
    step_count();
    step_backward_tile();
    step_backward_layer();
    printf("\nNext: this was the last lesson so far; the exercise is exercises/17_winograd.c (make check EX=17), and make progress lists the exercises still to finish.\n");
    return 0;
}
