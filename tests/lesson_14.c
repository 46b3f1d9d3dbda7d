/* tests/lesson_14.c: what the network sees, with NO real data and no
 * trained model.
 *
 * First the pieces, in the double build, by their values: grey levels, a
 * tiled picture pixel by pixel, the font, the bar chart's bars, a legend,
 * what a filter responds to, receptive fields, which layers are shown, the
 * saliency map against central differences (in test mode, through dropout
 * and batchnorm), the measured slopes, the mistakes, a set's probabilities.
 * Then the program (build/lessons/14_what_it_sees, in float) on a fixed tiny
 * model and a tiny data set in MNIST's format, both written here: the
 * numbers in its files against the test's own computation, its choice of a
 * default model, and every bad input ending with one line and status 1
 * (2 for flags). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "inspect.h"
#include "loss.h"
#include "model_file.h"
#include "os.h"
#include "pgm.h"
#include "picture.h"
#include "rng.h"
#include "sequential.h"
#include "tensor.h"

#define SIDE 28
#define PIXELS (SIDE * SIDE)
#define N_TEST 100
#define TINY_SPEC "conv 4 3 same, relu, maxpool 2, dropout 0.25, flatten, dense 10, softmax"

static char scratch[512];        /* $BUILD_DIR/tmp/lesson_14 */
static char data_dir[600], model_path[600], out_dir[600];

/* ---------------------------------------------------------------- grey scales, tiles, the font */

static void test_grey_levels(void)
{
    grey_scale s = { GREY_SIGNED, 2 }, p = { GREY_POSITIVE, 2 }, none = { GREY_SIGNED, 0 };
    CHECK_INT(grey_level(&s, 0), 128);                  /* zero is mid-grey */
    CHECK_INT(grey_level(&s, 2), 255);
    CHECK_INT(grey_level(&s, -2), 1);
    CHECK_INT(grey_level(&s, 1), 192);                  /* 128 + round(63.5) */
    CHECK_INT(grey_level(&s, -5), 1);                   /* clamped */
    CHECK_INT(grey_level(&p, 0), 0);                    /* zero is black */
    CHECK_INT(grey_level(&p, 1), 128);                  /* round(127.5) */
    CHECK_INT(grey_level(&p, 2), 255);
    CHECK_INT(grey_level(&p, -1), 0);
    CHECK_INT(grey_level(&none, 3), 128);               /* M = 0: everything at zero's level */
    const real mixed[3] = { 0.5, -3, 1 }, positive[3] = { 0, 0.25, 1.5 };
    grey_scale a = grey_scale_of(mixed, 3), b = grey_scale_of(positive, 3), c = grey_scale_signed_of(positive, 3);
    CHECK(a.kind == GREY_SIGNED && a.max == 3);
    CHECK(b.kind == GREY_POSITIVE && b.max == 1.5);
    CHECK(c.kind == GREY_SIGNED && c.max == 1.5);
}

/* Two maps of 1x2, zoom 2, one column, border 1: every pixel, by hand. */
static void test_tiling_pixels(void)
{
    static const real maps[4] = { 1, -1,   0.5, 0 };
    static const unsigned char expected[7][6] = {
        { 255, 255, 255, 255, 255, 255 },
        { 255, 255, 255,   1,   1, 255 },              /* map 0: 1 -> 255, -1 -> 1 */
        { 255, 255, 255,   1,   1, 255 },
        { 255, 255, 255, 255, 255, 255 },
        { 255, 192, 192, 128, 128, 255 },              /* map 1: 0.5 -> 192, 0 -> 128 */
        { 255, 192, 192, 128, 128, 255 },
        { 255, 255, 255, 255, 255, 255 },
    };
    grey_scale s = grey_scale_of(maps, 4);
    picture p = tile_maps(maps, 2, 1, 2, 2, 1, 1, &s);
    CHECK_INT(p.rows, 7);
    CHECK_INT(p.cols, 6);
    if (p.rows == 7 && p.cols == 6)
        for (int y = 0; y < 7; y++)
            for (int x = 0; x < 6; x++)
                if (p.pixels[y * 6 + x] != expected[y][x]) {
                    printf("  pixel (%d, %d): %d, expected %d\n", y, x, p.pixels[y * 6 + x], expected[y][x]);
                    CHECK(0);
                }
    picture_free(&p);
    /* Five 1x1 maps in 3 columns, border 2: map 3 is grid row 1, column 0; the 6th place is empty. */
    static const real five[5] = { 1, 1, 1, -1, 1 };
    grey_scale t = grey_scale_of(five, 5);
    CHECK_INT(tile_columns(5), 3);
    CHECK_INT(tile_columns(16), 4);
    CHECK_INT(tile_columns(128), 12);
    p = tile_maps(five, 5, 1, 1, 1, 3, 2, &t);
    CHECK_INT(p.rows, 2 * 3 + 2);
    CHECK_INT(p.cols, 3 * 3 + 2);
    CHECK_INT(p.pixels[(2 + 3) * p.cols + 2], 1);       /* map 3 at (5, 2) */
    CHECK_INT(p.pixels[(2 + 3) * p.cols + 2 + 6], 255); /* the empty place */
    CHECK_INT(p.pixels[2 * p.cols + 2 + 3], 255);       /* map 1 at (2, 5): +M */
    picture_free(&p);
}

static int ink_in(const picture *p, int top, int left, int rows, int cols)
{
    int n = 0;
    for (int y = top; y < top + rows && y < p->rows; y++)
        for (int x = left; x < left + cols && x < p->cols; x++)
            n += p->pixels[y * p->cols + x] == PICTURE_INK;
    return n;
}

static void test_font_and_text(void)
{
    CHECK_INT(font_pixel('1', 0, 2), 1);                /* the top of the 1 */
    CHECK_INT(font_pixel('1', 0, 0), 0);
    CHECK_INT(font_pixel('1', 6, 1), 1);                /* its foot */
    CHECK_INT(font_pixel('a', 3, 0), font_pixel('A', 3, 0));
    CHECK_INT(font_pixel('~', 0, 1), font_pixel('?', 0, 1));   /* not in the font: '?' */
    CHECK_INT(text_width("28x28", 1), 29);
    CHECK_INT(text_width("28x28", 2), 58);
    CHECK_INT(text_width("", 3), 0);
    CHECK_INT(text_height(2), 14);
    int glyph_ink = 0;
    for (int r = 0; r < FONT_H; r++)
        for (int c = 0; c < FONT_W; c++)
            glyph_ink += font_pixel('8', r, c);
    picture p = picture_new(20, 40, PICTURE_PAPER);
    picture_text(&p, 1, 1, "8", 2, PICTURE_INK);
    CHECK_INT(ink_in(&p, 0, 0, 20, 40), 4 * glyph_ink);   /* each font pixel a 2x2 square */
    picture_free(&p);
    p = picture_new(7, 17, PICTURE_PAPER);                /* "2x2": a small times sign, not an X */
    picture_text(&p, 0, 0, "2x2", 1, PICTURE_INK);
    CHECK_INT(p.pixels[0 * 17 + 6], PICTURE_PAPER);       /* X has ink at its top-left corner */
    CHECK_INT(p.pixels[2 * 17 + 6], PICTURE_INK);
    picture_free(&p);
    p = picture_new(7, 17, PICTURE_PAPER);
    picture_text(&p, 0, 0, "MAX", 1, PICTURE_INK);
    CHECK_INT(p.pixels[0 * 17 + 12], PICTURE_INK);
    picture_free(&p);
    p = picture_new(5, 5, PICTURE_PAPER);                 /* drawing off the edge is clipped */
    picture_text(&p, 3, 3, "WWW", 3, PICTURE_INK);
    picture_free(&p);
}

static void test_panels(void)
{
    picture a = picture_new(3, 4, 10), b = picture_new(5, 2, 20), parts[2] = { a, b };
    picture row = picture_beside(parts, 2, 3), column = picture_below(parts, 2, 1);
    CHECK_INT(row.rows, 5);
    CHECK_INT(row.cols, 4 + 3 + 2);
    CHECK_INT(row.pixels[0], 10);
    CHECK_INT(row.pixels[7], 20);
    CHECK_INT(row.pixels[4 * row.cols + 0], PICTURE_PAPER);   /* below the shorter part */
    CHECK_INT(column.rows, 3 + 1 + 5);
    CHECK_INT(column.cols, 4);
    CHECK_INT(column.pixels[4 * 4], 20);
    picture titled = picture_titled("AB", 1, &a);
    CHECK_INT(titled.rows, text_height(1) + 2 + 3);
    CHECK_INT(titled.cols, text_width("AB", 1));
    picture_free(&a); picture_free(&b); picture_free(&row); picture_free(&column); picture_free(&titled);
}

/* The legend runs from -M to +M: its first and last columns, and the middle. */
static void test_legend(void)
{
    grey_scale s = { GREY_SIGNED, 0.5 }, p = { GREY_POSITIVE, 3 };
    picture l = scale_legend(&s, 101);
    CHECK_INT(l.cols, 101);
    CHECK_INT(l.pixels[0], 1);
    CHECK_INT(l.pixels[50], 128);
    CHECK_INT(l.pixels[100], 255);
    picture_free(&l);
    l = scale_legend(&p, 51);
    CHECK_INT(l.pixels[0], 0);
    CHECK_INT(l.pixels[50], 255);
    picture_free(&l);
}

/* Bars of round(p * height) pixels; the answer's bar in ink, the others dark grey. */
static void test_bar_chart(void)
{
    const real probs[4] = { 0.5, 0.25, 0.125, 0.125 };
    int heights[4];
    bar_heights(probs, 4, 100, heights);
    CHECK_INT(heights[0], 50);
    CHECK_INT(heights[1], 25);
    CHECK_INT(heights[2], 13);                          /* 12.5 rounds up */
    const int bar_w = 12, gap = 6, top = text_height(1) + 4, height = 100;
    picture chart = bar_chart(probs, 4, height, bar_w, 0);
    for (int i = 0; i < 4; i++) {
        int x = gap + i * (bar_w + gap) + bar_w / 2, dark = 0;
        for (int y = top; y < top + height; y++)
            dark += chart.pixels[y * chart.cols + x] <= 96;
        printf("  bar %d: %d pixels (expected %d)\n", i, dark, heights[i]);
        CHECK_INT(dark, heights[i]);
        CHECK_INT(chart.pixels[(top + height - 1) * chart.cols + x], i == 0 ? PICTURE_INK : 96);
    }
    picture_free(&chart);
}

/* ---------------------------------------------------------------- what the network computes */

static void test_filter_shares(void)
{
    static const real vertical[4] = { 1, -1, 1, -1 }, flat[4] = { 2, 2, 2, 2 }, corner[4] = { 1, 0, 0, 0 },
                      line3[9] = { 0, 1, 0, 0, 1, 0, 0, 1, 0 }, step3[9] = { 1, 0, -1, 1, 0, -1, 1, 0, -1 },
                      zero[4] = { 0 };
    double s[4];
    filter_shares(vertical, 2, s);
    CHECK_NEAR(s[0], 0, 1e-12); CHECK_NEAR(s[1], 1, 1e-12); CHECK_NEAR(s[2], 0, 1e-12); CHECK_NEAR(s[3], 0, 1e-12);
    filter_shares(flat, 2, s);
    CHECK_NEAR(s[0], 1, 1e-12); CHECK_NEAR(s[1] + s[2] + s[3], 0, 1e-12);
    filter_shares(corner, 2, s);                        /* a Haar basis: a quarter each */
    for (int i = 0; i < 4; i++)
        CHECK_NEAR(s[i], 0.25, 1e-12);
    filter_shares(line3, 3, s);                         /* a thin line: a third flat, the rest finer detail */
    CHECK_NEAR(s[0], 1.0 / 3, 1e-12); CHECK_NEAR(s[1] + s[2] + s[3], 0, 1e-12);
    filter_shares(step3, 3, s);
    CHECK_NEAR(s[1], 1, 1e-12);
    filter_shares(zero, 2, s);
    CHECK_NEAR(s[0] + s[1] + s[2] + s[3], 0, 0);
}

/* Doshi's network: conv 2x2 (2), maxpool (3, jump 2), conv 3x3 (7), conv 3x3 (11), maxpool (13, jump 4). */
static void test_receptive_fields_and_shown_layers(void)
{
    sequential m;
    char err[256];
    int size, jump, shown[SEQ_MAX_LAYERS];
    CHECK_INT(sequential_build(&m, "doshi", 1, 28, 28, err, sizeof err), 0);
    static const int layer[6] = { 0, 2, 3, 5, 7, 9 }, sizes[6] = { 2, 3, 7, 11, 13, 28 },
                     jumps[6] = { 1, 2, 2, 2, 4, 4 };
    for (int i = 0; i < 6; i++) {
        receptive_field(&m, layer[i], &size, &jump);
        CHECK_INT(size, sizes[i]);
        CHECK_INT(jump, jumps[i]);
    }
    int n = feature_map_layers(&m, shown, SEQ_MAX_LAYERS);
    static const int doshi_shown[5] = { 1, 2, 4, 6, 7 };   /* after each conv's ReLU, and each pooling */
    CHECK_INT(n, 5);
    for (int i = 0; i < n && i < 5; i++)
        CHECK_INT(shown[i], doshi_shown[i]);
    char title[160];
    feature_map_title(&m, 4, title, sizeof title);
    CHECK_CONTAINS(title, "12x12x128");
    CHECK_INT(sequential_build(&m, "conv 4 3, batchnorm, relu, maxpool 2, flatten, dense 10", 1, 10, 10, err,
                               sizeof err), 0);
    n = feature_map_layers(&m, shown, SEQ_MAX_LAYERS);
    CHECK_INT(n, 2);
    CHECK_INT(shown[0], 2);                             /* conv, batchnorm, relu: after the ReLU */
    CHECK_INT(shown[1], 3);
    CHECK_INT(feature_map_layers(&m, shown, 1), 1);      /* no more than max */
}

/* A model on (1, 8, 8) images with every kind of layer a trained network
 * has, its parameters and running statistics drawn from seed. */
typedef struct {
    sequential m;
    real *params, *stats, *grad, *x;
    sequential_model net;
    sequential_batch b;
} tiny_case;

static void tiny_case_init(tiny_case *t, const char *spec, unsigned long seed, int capacity)
{
    char err[256];
    rng_t rng = rng_seeded(seed);
    if (sequential_build(&t->m, spec, 1, 8, 8, err, sizeof err) != 0) {
        printf("cannot build '%s': %s\n", spec, err);
        exit(1);
    }
    t->params = tensor_alloc((size_t)t->m.n_params, "params");
    t->stats = tensor_alloc((size_t)t->m.n_stats + 1, "stats");
    t->grad = tensor_alloc((size_t)t->m.n_params, "grad");
    t->x = tensor_alloc(64, "x");
    sequential_init(&t->m, t->params, t->stats, &rng);
    for (long i = 0; i < t->m.n_params; i++)
        t->params[i] += (real)(0.2 * rng_normal(&rng));
    for (long i = 0; i < t->m.n_stats; i++)              /* means, then variances: all 0.5 .. 1.5 */
        t->stats[i] = (real)rng_uniform_range(&rng, 0.5, 1.5);
    for (int p = 0; p < 64; p++)
        t->x[p] = (real)rng_uniform(&rng);
    t->net = (sequential_model){ &t->m, t->params, t->stats, ENGINE_FAST, 0, 0, 0, 0 };   /* test mode */
    sequential_batch_alloc(&t->m, capacity, &t->b);
}

static void tiny_case_free(tiny_case *t)
{
    sequential_batch_free(&t->b);
    free(t->params); free(t->stats); free(t->grad); free(t->x);
}

typedef struct {
    tiny_case *t;
    int c;
    score_kind kind;
} score_ctx;

static double score_at(void *ctx)
{
    score_ctx *s = ctx;
    const real *z = sequential_forward(&s->t->net, &s->t->b, s->t->x, 1, 0);
    return (double)z[s->c] - (s->kind == SCORE_LOG_PROB ? log_sum_exp(z, s->t->m.classes) : 0);
}

/* The saliency map of both scores against central differences, through
 * conv, ReLU, max pooling, batchnorm and dropout in test mode. */
static void test_saliency_against_central_differences(void)
{
    tiny_case t;
    tiny_case_init(&t, "conv 3 3 same, batchnorm, relu, maxpool 2, dropout 0.5, flatten, dense 6, relu, dense 4, "
                       "softmax", 7, 1);
    real g[64], logit_g[4][64];
    for (int kind = 0; kind < 2; kind++)
        for (int c = 0; c < 4; c++) {
            score_ctx s = { &t, c, (score_kind)kind };
            double score = saliency_map(&t.net, &t.b, t.x, c, s.kind, t.grad, g);
            CHECK_NEAR(score, score_at(&s), 1e-12);
            double worst = 0, largest = 0;
            for (int p = 0; p < 64; p++)
                largest = fmax(largest, fabs((double)g[p]));
            for (int p = 0; p < 64; p++) {
                double numeric = numeric_derivative(&t.x[p], score_at, &s, 1e-6);
                worst = fmax(worst, fabs(numeric - (double)g[p]) / largest);
            }
            printf("  %s of class %d: largest |g| %.3f, worst |analytic - numeric| / largest %.1e\n",
                   kind ? "log-probability" : "logit", c, largest, worst);
            CHECK(largest > 0.01);                      /* a gradient that reaches the image */
            CHECK(worst < 1e-7);
            if (kind == 0)
                memcpy(logit_g[c], g, sizeof g);
        }
    /* d ln p_c = d z_c - sum_j p_j d z_j */
    saliency_map(&t.net, &t.b, t.x, 2, SCORE_LOG_PROB, t.grad, g);
    double worst = 0;
    for (int p = 0; p < 64; p++) {
        double expected = (double)logit_g[2][p];
        for (int j = 0; j < 4; j++)
            expected -= (double)t.b.probs[j] * (double)logit_g[j][p];
        worst = fmax(worst, fabs(expected - (double)g[p]));
    }
    CHECK(worst < 1e-12);
    tiny_case_free(&t);
}

/* Measured slopes: on a smooth network both sides agree with the backward
 * pass; on a constant image max pooling holds ties, and the two sides differ. */
static void test_score_slopes(void)
{
    tiny_case t;
    tiny_case_init(&t, "conv 2 3 same, tanh, avgpool 2, flatten, dense 3", 3, 6);
    real g[64], *scratch = tensor_alloc(6 * 64, "scratch");
    double right[64], left[64], worst = 0;
    saliency_map(&t.net, &t.b, t.x, 1, SCORE_LOGIT, t.grad, g);
    score_slopes(&t.net, &t.b, t.x, 1, SCORE_LOGIT, 1e-6, scratch, right, left);
    for (int p = 0; p < 64; p++)
        worst = fmax(worst, fmax(fabs(right[p] - (double)g[p]), fabs(left[p] - (double)g[p])));
    printf("  tanh and average pooling: slopes against the backward pass within %.1e\n", worst);
    CHECK(worst < 1e-5);
    tiny_case_free(&t);
    free(scratch);

    tiny_case_init(&t, "conv 2 3 same, relu, maxpool 2, flatten, dense 3", 5, 4);
    scratch = tensor_alloc(4 * 64, "scratch");
    tensor_fill(t.params + t.m.layers[0].first_param + 18, 2, 0.5);   /* biases > 0: every ReLU open */
    tensor_fill(t.x, 64, 0.25);                         /* a flat image: four equal numbers per window */
    score_slopes(&t.net, &t.b, t.x, 0, SCORE_LOGIT, 1e-6, scratch, right, left);
    int kinks = 0;
    for (int p = 0; p < 64; p++)
        kinks += fabs(right[p] - left[p]) > 1e-6;
    printf("  a flat image through max pooling: %d of 64 pixels at a kink\n", kinks);
    CHECK(kinks > 32);
    tiny_case_free(&t);
    free(scratch);
}

static void test_confident_mistakes(void)
{
    static const real probs[6 * 3] = { 0.9, 0.05, 0.05,   0.2, 0.7, 0.1,   0.1, 0.1, 0.8,
                                       0.45, 0.45, 0.1,   0.3, 0.3, 0.4,   0.1, 0.8, 0.1 };
    static const int labels[6] = { 1, 1, 0, 1, 2, 0 };
    int out[6] = { -1, -1, -1, -1, -1, -1 };
    /* mistakes: 0 (0.9), 2 (0.8), 3 (0.45: a tie, the answer is class 0), 5 (0.8) */
    int n = confident_mistakes(probs, labels, 6, 3, 3, out);
    CHECK_INT(n, 3);
    CHECK_INT(out[0], 0);
    CHECK_INT(out[1], 2);                               /* 2 and 5 tie at 0.8: the smaller first */
    CHECK_INT(out[2], 5);
    n = confident_mistakes(probs, labels, 6, 3, 6, out);
    CHECK_INT(n, 4);
    CHECK_INT(out[3], 3);
    CHECK_INT(confident_mistakes(probs, labels, 0, 3, 5, out), 0);
    CHECK_INT(argmax(probs + 9, 3), 0);
}

/* A set's probabilities through the runner's shards: the same numbers as one image at a time. */
static void test_set_probabilities(void)
{
    enum { COUNT = 13, BATCH = 8 };
    tiny_case t;
    tiny_case_init(&t, "conv 2 3, relu, maxpool 2, dropout 0.3, flatten, dense 5", 11, 1);
    unsigned char pixels[COUNT * 64], label_bytes[COUNT];
    rng_t rng = rng_seeded(12);
    for (int i = 0; i < COUNT * 64; i++)
        pixels[i] = (unsigned char)rng_below(&rng, 256);
    for (int i = 0; i < COUNT; i++)
        label_bytes[i] = (unsigned char)(i % 5);
    image_set images = { COUNT, 8, 8, pixels };
    label_set labels = { COUNT, label_bytes };
    sequential_runner r;
    sequential_runner_init(&r, &t.m, t.params, t.stats, ENGINE_FAST, NULL, BATCH);
    real probs[COUNT * 5], x[BATCH * 64], one[64], p[5];
    int batch_labels[BATCH];
    long right = set_probabilities(&r, &images, &labels, COUNT, x, batch_labels, probs);
    long expected_right = 0;
    double worst = 0;
    for (int i = 0; i < COUNT; i++) {
        images_to_real(&images, i, 1, one);
        softmax(sequential_forward(&t.net, &t.b, one, 1, 0), p, 5);
        expected_right += argmax(p, 5) == label_bytes[i];
        for (int j = 0; j < 5; j++)
            worst = fmax(worst, fabs((double)p[j] - (double)probs[i * 5 + j]));
    }
    CHECK(worst < 1e-12);
    CHECK_INT(right, expected_right);
    sequential_runner_free(&r);
    tiny_case_free(&t);
}

/* ---------------------------------------------------------------- the program: files */

static void put_big_endian(unsigned char *b, unsigned long v)
{
    b[0] = (unsigned char)(v >> 24);
    b[1] = (unsigned char)(v >> 16);
    b[2] = (unsigned char)(v >> 8);
    b[3] = (unsigned char)v;
}

/* Test image i, digit i % 10: a bright 6x6 square at one of ten places over faint noise. */
static void draw_digit(unsigned char *pixels, int i)
{
    unsigned state = 1234u + 7u * (unsigned)i;
    int c = i % 10, top = 2 + (c / 5) * 12 + i % 3, left = 1 + (c % 5) * 5 + (i / 3) % 3;
    for (int p = 0; p < PIXELS; p++) {
        int y = p / SIDE, x = p % SIDE;
        state = state * 1103515245u + 12345u;
        int inside = y >= top && y < top + 6 && x >= left && x < left + 6;
        pixels[p] = (unsigned char)(inside ? 180 + (state >> 16) % 76 : (state >> 16) % 40);
    }
}

/* The two test files of MNIST's format in dir; images (N_TEST, 28, 28) kept for the checks. */
static unsigned char test_pixels[N_TEST * PIXELS], test_labels[N_TEST];

static void write_test_set(const char *dir)
{
    unsigned char *images = calloc(16 + (size_t)N_TEST * PIXELS, 1), labels[8 + N_TEST];
    char path[700];
    if (!images)
        exit(1);
    put_big_endian(images, 0x803);
    put_big_endian(images + 4, N_TEST);
    put_big_endian(images + 8, SIDE);
    put_big_endian(images + 12, SIDE);
    put_big_endian(labels, 0x801);
    put_big_endian(labels + 4, N_TEST);
    for (int i = 0; i < N_TEST; i++) {
        draw_digit(test_pixels + (size_t)i * PIXELS, i);
        test_labels[i] = labels[8 + i] = (unsigned char)(i % 10);
    }
    memcpy(images + 16, test_pixels, sizeof test_pixels);
    snprintf(path, sizeof path, "%s/t10k-images-idx3-ubyte", dir);
    write_test_file(path, images, 16 + (size_t)N_TEST * PIXELS);
    snprintf(path, sizeof path, "%s/t10k-labels-idx1-ubyte", dir);
    write_test_file(path, labels, sizeof labels);
    free(images);
}

/* The fixed tiny model: TINY_SPEC, its parameters drawn by rng_seeded(14). */
static sequential tiny;
static real *tiny_params, *tiny_stats;

static void write_tiny_model(const char *path)
{
    char err[512];
    rng_t rng = rng_seeded(14);
    if (sequential_build(&tiny, TINY_SPEC, 1, SIDE, SIDE, err, sizeof err) != 0) {
        printf("%s\n", err);
        exit(1);
    }
    tiny_params = tensor_alloc((size_t)tiny.n_params, "params");
    tiny_stats = tensor_alloc(1, "stats");
    sequential_init(&tiny, tiny_params, tiny_stats, &rng);
    for (long i = 0; i < tiny.n_params; i++)            /* as the file stores them: float32 */
        tiny_params[i] = (real)(float)tiny_params[i];
    if (sequential_save(path, &tiny, tiny_params, tiny_stats, err, sizeof err) != 0) {
        printf("%s\n", err);
        exit(1);
    }
}

static program_result run(const char *args)
{
    char cmd[8192];
    snprintf(cmd, sizeof cmd, "%s/lessons/14_what_it_sees %s", build_dir(), args);
    return run_program(cmd);
}

static void out_file_path(char *path, size_t size, const char *name)
{
    snprintf(path, size, "%s/%s", out_dir, name);
}

/* All the numbers of a text file after its first skip lines (at most max), in order; returns how many. */
static int read_numbers(const char *path, int skip, double *v, int max)
{
    char *text = read_text_file(path), *at = text, *end;
    int n = 0;
    for (int line = 0; at && line < skip; line++)
        at = strchr(at, '\n') ? strchr(at, '\n') + 1 : NULL;
    while (at && n < max) {
        while (*at && strchr(" ,\n", *at))
            at++;
        double d = strtod(at, &end);
        if (end == at)
            break;
        v[n++] = d;
        at = end;
    }
    free(text);
    return n;
}

/* The test's own answer for test image i: probabilities, and the saliency map. */
static void own_answer(int i, real *probs, real *saliency)
{
    sequential_model net = { &tiny, tiny_params, tiny_stats, ENGINE_NAIVE, 0, 0, 0, 0 };
    sequential_batch b;
    real x[PIXELS], *grad = tensor_alloc((size_t)tiny.n_params, "grad");
    image_set set = { N_TEST, SIDE, SIDE, test_pixels };
    images_to_real(&set, i, 1, x);
    sequential_batch_alloc(&tiny, 1, &b);
    softmax(sequential_forward(&net, &b, x, 1, 0), probs, 10);
    saliency_map(&net, &b, x, argmax(probs, 10), SCORE_LOGIT, grad, saliency);
    sequential_batch_free(&b);
    free(grad);
}

static program_result first_run;      /* --test-index 3 --mistakes 5 */

static void test_program_runs_and_writes_every_picture(void)
{
    static const char *files[] = { "input.dat", "filters.pgm", "maps_1_conv.pgm", "maps_2_pool.pgm",
                                   "probabilities.pgm", "probabilities.dat", "saliency.pgm", "saliency.dat",
                                   "mistakes.pgm", "mistakes.csv", "montage.pgm" };
    CHECK_INT(first_run.exit_code, 0);
    if (first_run.exit_code != 0)
        printf("%s\n%s\n", first_run.out, first_run.err);
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char path[800];
        out_file_path(path, sizeof path, files[i]);
        if (os_path_kind_of(path) != OS_PATH_REGULAR)
            printf("  missing: %s\n", path);
        CHECK(os_path_kind_of(path) == OS_PATH_REGULAR);
    }
    char path[800], err[512];
    pgm_image montage, maps;
    out_file_path(path, sizeof path, "montage.pgm");
    CHECK_INT(pgm_load(path, &montage, err, sizeof err), 0);
    out_file_path(path, sizeof path, "maps_1_conv.pgm");
    CHECK_INT(pgm_load(path, &maps, err, sizeof err), 0);
    CHECK(montage.rows > maps.rows && montage.cols >= maps.cols);   /* the montage holds every panel */
    pgm_image_free(&montage);
    pgm_image_free(&maps);
}

static void test_probabilities_and_their_bars(void)
{
    real probs[10], saliency[PIXELS];
    double written[20];
    char path[800], err[512];
    own_answer(3, probs, saliency);
    out_file_path(path, sizeof path, "probabilities.dat");
    CHECK_INT(read_numbers(path, 0, written, 20), 20);      /* class, probability */
    for (int c = 0; c < 10; c++) {
        CHECK_NEAR(written[2 * c], c, 0);
        CHECK_NEAR(written[2 * c + 1], probs[c], 1e-5);
    }
    pgm_image chart;                                     /* bars of round(100 p) pixels, 12 wide, 6 apart */
    out_file_path(path, sizeof path, "probabilities.pgm");
    CHECK_INT(pgm_load(path, &chart, err, sizeof err), 0);
    int heights[10], top = text_height(1) + 4;
    bar_heights(probs, 10, 100, heights);
    for (int c = 0; c < 10 && chart.pixels; c++) {
        int x = 6 + c * 18 + 6, dark = 0;
        for (int y = top; y < top + 100; y++)
            dark += chart.pixels[y * chart.cols + x] <= 96.5f / 255;
        CHECK(abs(dark - heights[c]) <= 1);              /* float against double at a .5 */
    }
    pgm_image_free(&chart);
}

static void test_saliency_file(void)
{
    real probs[10], saliency[PIXELS];
    double written[PIXELS], largest = 0, worst = 0;
    char path[800];
    own_answer(3, probs, saliency);
    out_file_path(path, sizeof path, "saliency.dat");
    CHECK_INT(read_numbers(path, 0, written, PIXELS), PIXELS);
    for (int p = 0; p < PIXELS; p++)
        largest = fmax(largest, fabs((double)saliency[p]));
    for (int p = 0; p < PIXELS; p++)
        worst = fmax(worst, fabs(written[p] - (double)saliency[p]));
    printf("  saliency.dat against the double build: largest |g| %.4f, worst difference %.1e\n", largest, worst);
    CHECK(largest > 0);
    CHECK(worst <= 1e-4 * largest);
}

/* The first filters' tiles: the grey level of each weight at the centre of its square. */
static void test_filter_tiles(void)
{
    const layer *l = &tiny.layers[0];
    const real *w = tiny_params + l->first_param;       /* (4, 1, 3, 3) */
    grey_scale s = grey_scale_signed_of(w, 36);
    char path[800], err[512];
    pgm_image p;
    out_file_path(path, sizeof path, "filters.pgm");
    CHECK_INT(pgm_load(path, &p, err, sizeof err), 0);
    const int zoom = 16, border = 6, columns = 2;        /* 48 / 3; tile_columns(4) */
    int wrong = 0;
    for (int f = 0; f < 4 && p.pixels; f++)
        for (int u = 0; u < 3; u++)
            for (int v = 0; v < 3; v++) {
                int y = border + (f / columns) * (3 * zoom + border) + u * zoom + zoom / 2;
                int x = border + (f % columns) * (3 * zoom + border) + v * zoom + zoom / 2;
                int got = (int)lround(p.pixels[y * p.cols + x] * 255), want = grey_level(&s, w[f * 9 + u * 3 + v]);
                wrong += abs(got - want) > 1;
            }
    CHECK_INT(wrong, 0);
    pgm_image_free(&p);
}

/* mistakes.csv against the test's own pass over the test set (double). */
static void test_mistakes_file(void)
{
    sequential_model net = { &tiny, tiny_params, tiny_stats, ENGINE_NAIVE, 0, 0, 0, 0 };
    sequential_batch b;
    static real probs[N_TEST * 10];
    real x[PIXELS];
    int labels[N_TEST], expected[5];
    image_set set = { N_TEST, SIDE, SIDE, test_pixels };
    sequential_batch_alloc(&tiny, 1, &b);
    for (int i = 0; i < N_TEST; i++) {
        images_to_real(&set, i, 1, x);
        softmax(sequential_forward(&net, &b, x, 1, 0), probs + i * 10, 10);
        labels[i] = test_labels[i];
    }
    sequential_batch_free(&b);
    int n = confident_mistakes(probs, labels, N_TEST, 10, 5, expected);
    CHECK_INT(n, 5);
    double rows[6 * 5];
    char path[800], *csv;
    out_file_path(path, sizeof path, "mistakes.csv");
    csv = read_text_file(path);
    CHECK(csv != NULL && strncmp(csv, "test_index,label,answer,p_answer,p_label\n", 41) == 0);
    int got = csv ? read_numbers(path, 1, rows, 30) : 0;
    free(csv);
    CHECK_INT(got, 25);                                  /* the header has no numbers: 5 rows of 5 */
    for (int k = 0; k < n && 5 * k + 4 < got; k++) {
        int i = (int)rows[5 * k];
        CHECK_INT(i, expected[k]);
        CHECK_INT(rows[5 * k + 1], test_labels[i]);
        CHECK_INT(rows[5 * k + 2], argmax(probs + i * 10, 10));
        CHECK_NEAR(rows[5 * k + 3], probs[i * 10 + argmax(probs + i * 10, 10)], 1e-5);
        CHECK_NEAR(rows[5 * k + 4], probs[i * 10 + test_labels[i]], 1e-5);
    }
}

static int same_file(const char *a, const char *b)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "cmp -s '%s' '%s'", a, b);
    return shell_ok(cmd);
}

/* The same pictures with any number of threads, and on every run. */
static void test_same_pictures_every_run(void)
{
    char args[4096], again[700], a[800], b[800];
    snprintf(again, sizeof again, "%s/again", scratch);
    snprintf(args, sizeof args, "--model '%s' --data '%s' --out '%s' --test-index 3 --mistakes 5 --threads 3",
             model_path, data_dir, again);
    program_result r = run(args);
    CHECK_INT(r.exit_code, 0);
    program_result_free(&r);
    out_file_path(a, sizeof a, "montage.pgm");
    snprintf(b, sizeof b, "%s/montage.pgm", again);
    CHECK(same_file(a, b));
}

/* A picture of one's own, with no MNIST at all: prepared (or --raw), no mistakes. */
static void test_a_picture_without_mnist(void)
{
    char pgm[700], args[4096], out[700], missing[700];
    snprintf(pgm, sizeof pgm, "%s/digit.pgm", scratch);
    snprintf(out, sizeof out, "%s/picture", scratch);
    snprintf(missing, sizeof missing, "%s/no_mnist_here", scratch);
    char err[512];
    CHECK_INT(pgm_write(pgm, test_pixels + 7 * PIXELS, SIDE, SIDE, err, sizeof err), 0);
    snprintf(args, sizeof args, "--model '%s' --image '%s' --data '%s' --out '%s'", model_path, pgm, missing, out);
    program_result r = run(args);
    CHECK_INT(r.exit_code, 0);
    CHECK_CONTAINS(r.out, "the mistakes are skipped");
    program_result_free(&r);
    snprintf(args, sizeof args, "--model '%s' --image '%s' --raw --mistakes 0 --data '%s' --out '%s'", model_path,
             pgm, missing, out);
    r = run(args);
    CHECK_INT(r.exit_code, 0);
    program_result_free(&r);
    /* --raw: the picture is test image 7, so the probabilities are image 7's */
    real probs[10], saliency[PIXELS];
    double written[20];
    char path[800];
    own_answer(7, probs, saliency);
    snprintf(path, sizeof path, "%s/probabilities.dat", out);
    CHECK_INT(read_numbers(path, 0, written, 20), 20);
    for (int c = 0; c < 10; c++)
        CHECK_NEAR(written[2 * c + 1], probs[c], 1e-5);
}

/* Without --model: build/mnist-deep.model if there, else build/mnist.model, else a line saying how to make one. */
static void test_default_model(void)
{
    char dir[700], cmd[4096];
    snprintf(dir, sizeof dir, "%s/default_model", scratch);
    snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s'", dir, dir);
    CHECK(shell_ok(cmd));
    const char *lesson = "b=$(cd '%s' && pwd); cd '%s' && \"$b/lessons/14_what_it_sees\" --data '%s' --out o "
                         "--mistakes 0";
    char abs_data[700];
    snprintf(cmd, sizeof cmd, "cd '%s' && pwd", data_dir);
    program_result where = run_program(cmd);
    snprintf(abs_data, sizeof abs_data, "%.*s", (int)strcspn(where.out, "\n"), where.out);
    program_result_free(&where);
    snprintf(cmd, sizeof cmd, lesson, build_dir(), dir, abs_data);
    program_result r = run_program(cmd);
    CHECK_INT(r.exit_code, 1);
    CHECK_INT(count_lines_containing(r.err, ""), 1);
    CHECK_CONTAINS(r.err, "make mnist");
    program_result_free(&r);
    char copy[4096];
    snprintf(copy, sizeof copy, "mkdir -p '%s/build' && cp '%s' '%s/build/mnist.model'", dir, model_path, dir);
    CHECK(shell_ok(copy));
    r = run_program(cmd);
    CHECK_INT(r.exit_code, 0);
    CHECK_CONTAINS(r.out, "build/mnist.model: ");
    program_result_free(&r);
    snprintf(copy, sizeof copy, "cp '%s' '%s/build/mnist-deep.model'", model_path, dir);
    CHECK(shell_ok(copy));
    r = run_program(cmd);
    CHECK_INT(r.exit_code, 0);
    CHECK_CONTAINS(r.out, "build/mnist-deep.model: ");
    program_result_free(&r);
}

/* ---------------------------------------------------------------- bad input */

static void failure_case(const char *what, const char *args, int code, const char *needle)
{
    char full[4096];
    snprintf(full, sizeof full, "--data '%s' --out '%s/bad_out' %s", data_dir, scratch, args);
    program_result r = run(full);
    check_one_line_failure(&r, code, needle, what);
    program_result_free(&r);
}

static void test_bad_input(void)
{
    char args[4096], path[700], bad_pgm[700], rgb_model[700], err[512];
    snprintf(path, sizeof path, "%s/no_such.model", scratch);
    snprintf(args, sizeof args, "--model '%s'", path);
    failure_case("a missing model", args, 1, path);
    snprintf(path, sizeof path, "%s/broken.model", scratch);
    write_test_file(path, "CNNM but not a model", 20);
    snprintf(args, sizeof args, "--model '%s'", path);
    failure_case("a broken model", args, 1, path);
    snprintf(bad_pgm, sizeof bad_pgm, "%s/bad.pgm", scratch);
    write_test_file(bad_pgm, "P5 28 28 255\n123", 16);
    snprintf(args, sizeof args, "--model '%s' --image '%s'", model_path, bad_pgm);
    failure_case("a truncated PGM", args, 1, bad_pgm);
    snprintf(args, sizeof args, "--model '%s' --test-index 100", model_path);
    failure_case("--test-index past the end", args, 1, "there are 100 test images");
    snprintf(args, sizeof args, "--model '%s' --data '%s/nowhere'", model_path, scratch);
    failure_case("no test set", args, 1, "t10k-images-idx3-ubyte");
    snprintf(args, sizeof args, "--model '%s' --image '%s/digit.pgm' --mistakes 3 --data '%s/nowhere'", model_path,
             scratch, scratch);
    failure_case("--mistakes without a test set", args, 1, "t10k-images-idx3-ubyte");
    snprintf(args, sizeof args, "--model '%s' --out '%s'", model_path, model_path);
    failure_case("--out is a file", args, 1, "not a directory");
    snprintf(args, sizeof args, "--model '%s' --out '%s/no/such/dir'", model_path, scratch);
    failure_case("--out in a missing directory", args, 1, "cannot create the directory");
    sequential rgb;
    real *params, stats[1] = { 0 };
    CHECK_INT(sequential_build(&rgb, "conv 2 3, flatten, dense 10", 3, SIDE, SIDE, err, sizeof err), 0);
    params = tensor_alloc((size_t)rgb.n_params, "params");
    snprintf(rgb_model, sizeof rgb_model, "%s/rgb.model", scratch);
    CHECK_INT(sequential_save(rgb_model, &rgb, params, stats, err, sizeof err), 0);
    free(params);
    snprintf(args, sizeof args, "--model '%s'", rgb_model);
    failure_case("a model of colour images", args, 1, "3 channels");
    failure_case("an unknown flag", "--bogus", 2, "unknown option '--bogus'");
    failure_case("--image and --test-index", "--image x.pgm --test-index 2", 2, "give one of them");
    failure_case("--mistakes too many", "--mistakes 1000", 2, "--mistakes '1000'");
    failure_case("--score", "--score probability", 2, "--score 'probability'");
}

int main(void)
{
    char args[4096];
    snprintf(scratch, sizeof scratch, "%s", make_tmp_dir("lesson_14"));
    snprintf(data_dir, sizeof data_dir, "%s/data", scratch);
    snprintf(model_path, sizeof model_path, "%s/tiny.model", scratch);
    snprintf(out_dir, sizeof out_dir, "%s/out", scratch);
    snprintf(args, sizeof args, "rm -rf '%s' '%s' && mkdir -p '%s'", data_dir, out_dir, data_dir);
    if (!shell_ok(args)) {
        printf("cannot make %s\n", data_dir);
        return 1;
    }
    write_test_set(data_dir);
    write_tiny_model(model_path);
    snprintf(args, sizeof args, "--model '%s' --data '%s' --out '%s' --test-index 3 --mistakes 5 --threads 1",
             model_path, data_dir, out_dir);
    first_run = run(args);

    RUN_TEST(test_grey_levels);
    RUN_TEST(test_tiling_pixels);
    RUN_TEST(test_font_and_text);
    RUN_TEST(test_panels);
    RUN_TEST(test_legend);
    RUN_TEST(test_bar_chart);
    RUN_TEST(test_filter_shares);
    RUN_TEST(test_receptive_fields_and_shown_layers);
    RUN_TEST(test_saliency_against_central_differences);
    RUN_TEST(test_score_slopes);
    RUN_TEST(test_confident_mistakes);
    RUN_TEST(test_set_probabilities);
    RUN_TEST(test_program_runs_and_writes_every_picture);
    RUN_TEST(test_probabilities_and_their_bars);
    RUN_TEST(test_saliency_file);
    RUN_TEST(test_filter_tiles);
    RUN_TEST(test_mistakes_file);
    RUN_TEST(test_same_pictures_every_run);
    RUN_TEST(test_a_picture_without_mnist);
    RUN_TEST(test_default_model);
    RUN_TEST(test_bad_input);
    program_result_free(&first_run);
    free(tiny_params);
    free(tiny_stats);
    return harness_finish();
}
