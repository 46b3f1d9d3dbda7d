/* Lesson 03: padding, stride, and how big every layer is.
 *
 * Intro to CNN's formula for the output width of a convolution,
 *     W_out = (W - F + 2P) / S + 1,
 * worked through the usual cases (valid, same, full, stride 2) and the case
 * where (W - F + 2P) is not divisible by S, which the library rejects.
 * Gonzalez's "same" padding P = (f - 1)/2 and its stride formula, whose
 * (n + 2p - s) is a typo for (n + 2p - f). Parameter counts
 * (F*F*C_in + 1)*C_out, two 3x3 layers against one 5x5 (Bayya), and how
 * the receptive field grows. Then two whole networks sized layer by layer:
 * VGG16 (Bayya's Figure 2) and Doshi's Keras model for MNIST, whose
 * first layer needs asymmetric "same" padding.
 *
 * Run: build/lessons/03_padding_stride [--step]      Notes: notes/03_padding_stride.md */
#include <stdio.h>
#include <string.h>

#include "conv.h"    /* conv2d_shape, conv2d_setup_asym, conv2d_forward, conv_output_size, ... */
#include "lesson.h"  /* lesson_start, lesson_step */
#include "pool.h"    /* pool2d_shape, pool2d_setup, pool2d_output_count */
#include "tensor.h"  /* with_commas, tensor_fill, tensor_print_2d, tensor_copy */

/* ---- small helpers ---------------------------------------------------------- */

/* v with thousands separators, e.g. 1134426 -> "1,134,426" (tensor.h's
 * with_commas), in one of eight rotating buffers, so that up to eight calls
 * fit in one printf. */
static const char *commas(long v)
{
    static char buffers[8][32];
    static int next;
    char *out = buffers[next];
    next = (next + 1) % 8;
    with_commas(v, out, sizeof buffers[0]);
    return out;
}

/* Bytes of n numbers at 4 bytes each (float32), in MB (10^6 bytes). */
static double megabytes(long n)
{
    return 4.0 * (double)n / 1e6;
}

/* The same in MiB (2^20 bytes). */
static double mebibytes(long n)
{
    return 4.0 * (double)n / (1024.0 * 1024.0);
}

/* A single-channel image (h, w) holding 1, 2, 3, ... in reading order. */
static void fill_counting(real *img, int h, int w)
{
    for (int i = 0; i < h * w; i++)
        img[i] = (real)(i + 1);
}

/* One channel in, one filter out: y = conv(x, filter) with the given geometry.
 * x (h, w), filter (k, k), y (out_h, out_w). Returns -1 if the geometry is rejected. */
static int conv_single(const real *x, int h, int w, const real *filter, int k, int stride,
                       int pad_top, int pad_bottom, int pad_left, int pad_right,
                       real *y, int *out_h, int *out_w)
{
    conv2d_shape s;
    real bias = 0;
    if (conv2d_setup_asym(&s, 1, h, w, 1, k, stride, pad_top, pad_bottom, pad_left, pad_right) != 0)
        return -1;
    conv2d_forward(&s, x, filter, &bias, y);
    *out_h = s.out_h;
    *out_w = s.out_w;
    return 0;
}

/* ---- step 1 and 2: the formula, and what it looks like ---------------------- */

static void print_size_case(const char *name, int w, int f, int p, int s)
{
    int by_formula = (w - f + 2 * p) / s + 1;
    printf("  %-18s P = %d, S = %d:  (%d - %d + 2*%d)/%d + 1 = %d    conv_output_size: %d\n",
           name, p, s, w, f, p, s, by_formula, conv_output_size(w, f, p, p, s));
}

static void show_size_cases(void)
{
    printf("A 7-wide input and a 3-wide filter (F = 3):\n");
    print_size_case("valid (no padding)", 7, 3, 0, 1);
    print_size_case("same, (F-1)/2", 7, 3, 1, 1);
    print_size_case("full, F-1", 7, 3, 2, 1);
    print_size_case("valid, stride 2", 7, 3, 0, 2);
    print_size_case("same P, stride 2", 7, 3, 1, 2);
    printf("A 7-wide input and a 5-wide filter (F = 5):\n");
    print_size_case("valid (no padding)", 7, 5, 0, 1);
    print_size_case("same, (F-1)/2", 7, 5, 2, 1);
    print_size_case("full, F-1", 7, 5, 4, 1);
}

/* For every pixel of an (h, w) image: how many positions of an f x f window
 * (stride 1, padding p on all sides) cover it. counts (h, w). */
static void count_coverage(int h, int w, int f, int p, real *counts)
{
    int out_h = h - f + 2 * p + 1, out_w = w - f + 2 * p + 1;
    tensor_fill(counts, (size_t)(h * w), 0);
    for (int oy = 0; oy < out_h; oy++)
        for (int ox = 0; ox < out_w; ox++)
            for (int ky = 0; ky < f; ky++)
                for (int kx = 0; kx < f; kx++) {
                    int iy = oy + ky - p, ix = ox + kx - p;
                    if (iy >= 0 && iy < h && ix >= 0 && ix < w)
                        counts[iy * w + ix] += 1;
                }
}

static void show_padding_maps(void)
{
    real img[25], out[49], counts[25];
    static const real box[9] = { 1, 1, 1, 1, 1, 1, 1, 1, 1 };   /* (3, 3): sums its window */
    int oh, ow;
    fill_counting(img, 5, 5);
    tensor_print_2d(stdout, "image (5x5):", img, 5, 5, 3);
    printf("filter (3x3): all ones, so each output is the sum of its window.\n");
    conv_single(img, 5, 5, box, 3, 1, 0, 0, 0, 0, out, &oh, &ow);
    tensor_print_2d(stdout, "valid, P = 0 -> 3x3:", out, oh, ow, 4);
    conv_single(img, 5, 5, box, 3, 1, 1, 1, 1, 1, out, &oh, &ow);
    tensor_print_2d(stdout, "same, P = 1 -> 5x5 (the corner 16 = 1+2+6+7: the rest of its window is padding):",
                    out, oh, ow, 4);
    conv_single(img, 5, 5, box, 3, 1, 2, 2, 2, 2, out, &oh, &ow);
    tensor_print_2d(stdout, "full, P = 2 -> 7x7 (every window that touches the image at all):", out, oh, ow, 4);
    conv_single(img, 5, 5, box, 3, 2, 0, 0, 0, 0, out, &oh, &ow);
    tensor_print_2d(stdout, "valid, stride 2 -> 2x2 (the windows start at 0 and 2):", out, oh, ow, 4);
    conv_single(img, 5, 5, box, 3, 2, 1, 1, 1, 1, out, &oh, &ow);
    tensor_print_2d(stdout, "P = 1, stride 2 -> 3x3:", out, oh, ow, 4);
    printf("\nGonzalez: corner pixels are \"utilized less\". How many windows see each pixel:\n");
    count_coverage(5, 5, 3, 0, counts);
    tensor_print_2d(stdout, "valid (P = 0): the corner is seen once, the centre 9 times", counts, 5, 5, 2);
    count_coverage(5, 5, 3, 1, counts);
    tensor_print_2d(stdout, "same (P = 1): the corner is now seen 4 times", counts, 5, 5, 2);
}

/* ---- step 3: when the windows do not tile ---------------------------------- */

/* The columns the windows cover when the count is floored, and what is left. */
static void show_floored_windows(int w, int f, int s)
{
    int floored = (w - f) / s + 1, last_seen = (floored - 1) * s + f - 1;
    printf("  W = %d, F = %d, S = %d: (W - F)/S = %d/%d is not a whole number.\n", w, f, s, w - f, s);
    printf("  Flooring gives %d windows:", floored);
    for (int i = 0; i < floored; i++)
        printf(" columns %d-%d%s", i * s, i * s + f - 1, i + 1 < floored ? "," : "");
    printf("\n  and the next one would need columns %d-%d. ", floored * s, floored * s + f - 1);
    if (last_seen + 1 == w - 1)
        printf("Column %d is never seen.\n", w - 1);
    else
        printf("Columns %d..%d are never seen.\n", last_seen + 1, w - 1);
}

static void show_not_divisible(void)
{
    conv2d_shape s;
    show_floored_windows(6, 3, 2);
    printf("  conv_output_size(6, 3, 0, 0, 2) = %d, and conv2d_setup returns %d: the library\n"
           "  refuses, because flooring would silently ignore the last column of every row.\n",
           conv_output_size(6, 3, 0, 0, 2), conv2d_setup(&s, 1, 6, 6, 1, 3, 2, 0));
    printf("  PyTorch (floor((W + 2P - F)/S) + 1) and Keras 'valid' floor instead: both give\n"
           "  %d and drop the column without a word.\n", (6 - 3) / 2 + 1);
    printf("  Ways out: pad one column on the right only, (6 + 0 + 1 - 3)/2 + 1 = %d\n"
           "  (conv_output_size(6, 3, 0, 1, 2) = %d: Keras 'same' does exactly this); or a\n"
           "  2-wide filter, (6 - 2)/2 + 1 = %d; or a 7-wide input, (7 - 3)/2 + 1 = %d.\n",
           (6 + 1 - 3) / 2 + 1, conv_output_size(6, 3, 0, 1, 2), conv_output_size(6, 2, 0, 0, 2),
           conv_output_size(7, 3, 0, 0, 2));
    printf("\nA famous case: AlexNet's first layer, 11x11 filters at stride 4 (Gonzalez\n"
           "discusses AlexNet). On a 224-wide input: (224 - 11)/4 = %d/4 = %.2f, no tiling\n"
           "(conv_output_size: %d). On 227: (227 - 11)/4 + 1 = %d, the 55x55 of the paper.\n",
           224 - 11, (224 - 11) / 4.0, conv_output_size(224, 11, 0, 0, 4),
           conv_output_size(227, 11, 0, 0, 4));
}

/* ---- step 4: Gonzalez's stride formula --------------------------------------- */

static void compare_stride_formulas(int n, int f, int p, int s)
{
    int correct_span = n + 2 * p - f, typo_span = n + 2 * p - s;
    printf("  n = %d, f = %d, p = %d, s = %d:\n", n, f, p, s);
    printf("    correct (n + 2p - f)/s + 1 = (%d + %d - %d)/%d + 1 = %d\n", n, 2 * p, f, s,
           correct_span / s + 1);
    if (typo_span % s == 0)
        printf("    Gonzalez (n + 2p - s)/s + 1 = (%d + %d - %d)/%d + 1 = %d\n", n, 2 * p, s, s,
               typo_span / s + 1);
    else
        printf("    Gonzalez (n + 2p - s)/s + 1 = (%d + %d - %d)/%d + 1 = %.1f\n", n, 2 * p, s, s,
               typo_span / (double)s + 1);
}

static void show_seed_000_typo(void)
{
    printf("Gonzalez: \"If a stride length is chosen that is greater than 1 the output size\n"
           "will be (n+2p-s)/s + 1.\" The filter size f must be subtracted, not the stride s:\n");
    compare_stride_formulas(8, 4, 0, 2);
    printf("  A 4-wide filter at stride 2 on 8 columns starts at 0, 2 and 4; a fourth window\n"
           "  would start at 6 and need columns 6-9. So 3, and the source's formula says 4.\n");
    compare_stride_formulas(7, 3, 1, 2);
    printf("  The two agree only when f = s, as for 2x2 pooling at stride 2 (Intro to CNN's\n"
           "  26x26x32 -> 13x13x32):\n");
    compare_stride_formulas(26, 2, 0, 2);
    printf("Gonzalez's \"same\" padding (f-1)/2 is right (for odd f): P = %d for f = 3, %d for f = 5.\n",
           (3 - 1) / 2, (5 - 1) / 2);
}

/* ---- step 5: parameters and receptive fields -------------------------------- */

static long conv_params(int f, int c_in, int c_out)   /* (F*F*C_in + 1) * C_out */
{
    conv2d_shape s;
    conv2d_setup(&s, c_in, f, f, c_out, f, 1, 0);      /* any input the filter fits */
    return conv2d_weight_count(&s) + c_out;            /* weights + one bias per filter */
}

static void show_parameter_counts(void)
{
    printf("A conv layer with C_out filters of size F x F x C_in has (F*F*C_in + 1)*C_out\n"
           "parameters: F*F*C_in weights and one bias per filter. The image size does not enter.\n");
    printf("  Notes on CNN, 4 filters 2x2 on 1 channel:  (2*2*1 + 1)*4     = %s\n", commas(conv_params(2, 1, 4)));
    printf("  VGG16's first layer, 64 of 3x3x3:       (3*3*3 + 1)*64    = %s\n", commas(conv_params(3, 3, 64)));
    printf("  3x3, 512 channels in, 512 out:          (3*3*512 + 1)*512 = %s\n",
           commas(conv_params(3, 512, 512)));
    printf("\nBayya: two stacked 3x3 layers against one 5x5 layer, C channels in and out\n"
           "(weights only): 2*(C*(3*3*C)) = 18C^2 against C*(5*5*C) = 25C^2.\n");
    printf("  %5s  %14s  %14s  %14s  %14s\n", "C", "two 3x3", "one 5x5", "three 3x3", "one 7x7");
    static const int channels[4] = { 3, 64, 256, 512 };
    for (int i = 0; i < 4; i++) {
        long c = channels[i];
        printf("  %5ld  %14s  %14s  %14s  %14s\n", c, commas(2 * (c * 9 * c)), commas(25 * c * c),
               commas(3 * (c * 9 * c)), commas(49 * c * c));
    }
    printf("  Two 3x3 layers cost 18/25 = %.0f%% of one 5x5; three cost 27/49 = %.0f%% of one 7x7.\n",
           100.0 * 18 / 25, 100.0 * 27 / 49);
}

/* The side of the square of nonzero numbers in an (n, n) map. */
static int nonzero_extent(const real *m, int n)
{
    int lo = n, hi = -1;
    for (int y = 0; y < n; y++)
        for (int x = 0; x < n; x++)
            if (m[y * n + x] != 0) {
                lo = x < lo ? x : lo;
                hi = x > hi ? x : hi;
            }
    return hi < lo ? 0 : hi - lo + 1;
}

/* One pixel lit in the middle of a 9x9 image, then 3x3 box filters stacked
 * with "same" padding: the lit region grows by 2 per layer. Because the box
 * filter is symmetric, that region is also the receptive field: the input
 * pixels one output pixel depends on. */
static void show_receptive_field(void)
{
    enum { N = 9 };
    static const real box[9] = { 1, 1, 1, 1, 1, 1, 1, 1, 1 };
    real a[N * N], b[N * N];
    int oh, ow;
    tensor_fill(a, N * N, 0);
    a[(N / 2) * N + N / 2] = 1;
    printf("\nReceptive field: one pixel lit in a 9x9 image, then 3x3 layers (P = 1) stacked.\n");
    for (int layer = 1; layer <= 4; layer++) {
        conv_single(a, N, N, box, 3, 1, 1, 1, 1, 1, b, &oh, &ow);
        tensor_copy(a, b, N * N);
        printf("  after %d layer%s: the pixel reaches a %dx%d square (1 + 2*%d = %d)\n", layer,
               layer > 1 ? "s" : " ", nonzero_extent(a, N), nonzero_extent(a, N), layer, 1 + 2 * layer);
        if (layer == 2)
            tensor_print_2d(stdout, "  the map after 2 layers (5x5 nonzero, not 9x9: the windows overlap):",
                            a, N, N, 2);
    }
}

/* ---- step 6: VGG16 layer by layer ------------------------------------------- */

typedef struct {
    const char *name;
    char kind;   /* 'C' 3x3 conv, P = 1, stride 1;  'P' 2x2 max pool, stride 2;  'F' fully connected */
    int out;     /* output channels (C) or neurons (F) */
} vgg_layer;

static const vgg_layer vgg16[] = {
    { "CONV3-64", 'C', 64 },   { "CONV3-64", 'C', 64 },   { "POOL2", 'P', 0 },
    { "CONV3-128", 'C', 128 }, { "CONV3-128", 'C', 128 }, { "POOL2", 'P', 0 },
    { "CONV3-256", 'C', 256 }, { "CONV3-256", 'C', 256 }, { "CONV3-256", 'C', 256 }, { "POOL2", 'P', 0 },
    { "CONV3-512", 'C', 512 }, { "CONV3-512", 'C', 512 }, { "CONV3-512", 'C', 512 }, { "POOL2", 'P', 0 },
    { "CONV3-512", 'C', 512 }, { "CONV3-512", 'C', 512 }, { "CONV3-512", 'C', 512 }, { "POOL2", 'P', 0 },
    { "FC", 'F', 4096 },       { "FC", 'F', 4096 },       { "FC", 'F', 1000 },
};

typedef struct {
    int c, h, w;             /* the activation volume after the layer (C, H, W) */
    long memory, weights, biases;
} layer_size;

/* The size of one VGG layer applied to the volume (c, h, w). */
static layer_size vgg_layer_size(const vgg_layer *l, int c, int h, int w)
{
    layer_size r = { c, h, w, 0, 0, 0 };
    if (l->kind == 'C') {
        conv2d_shape s;
        conv2d_setup(&s, c, h, w, l->out, 3, 1, 1);
        r = (layer_size){ l->out, s.out_h, s.out_w, conv2d_output_count(&s), conv2d_weight_count(&s), l->out };
    } else if (l->kind == 'P') {
        pool2d_shape s;
        pool2d_setup(&s, c, h, w, 2, 2);
        r = (layer_size){ c, s.out_h, s.out_w, pool2d_output_count(&s), 0, 0 };
    } else {
        long n_in = (long)c * h * w;   /* flattened */
        r = (layer_size){ l->out, 1, 1, l->out, n_in * l->out, l->out };
    }
    return r;
}

/* How many times n can be halved exactly (the power of 2 in n). */
static int halvings(int n)
{
    int k = 0;
    while (n > 0 && n % 2 == 0) {
        n /= 2;
        k++;
    }
    return k;
}

/* Bayya: "Try to make the width and height of your image divisible by 2
 * many times ... common values of n include 128, 224, 284, and 512." */
static void show_crop_sizes(void)
{
    static const int sizes[5] = { 128, 224, 284, 384, 512 };
    printf("\nBayya advises input sizes \"divisible by 2 many times\" and lists 128, 224, 284\n"
           "and 512. How often each halves exactly (each 2x2 stride-2 pool halves it once):\n");
    for (int i = 0; i < 5; i++)
        printf("  %d: %d times, down to %d\n", sizes[i], halvings(sizes[i]), sizes[i] >> halvings(sizes[i]));
    printf("284 breaks its own rule (a second pool leaves 71, a third cannot tile); it is\n"
           "likely a typo for 384, which CS231n's list has.\n");
}

typedef struct {
    long memory, weights, biases;   /* sums over the layers (memory includes the input) */
    long first_two_memory;          /* the two CONV3-64 outputs */
    long heaviest;                  /* the most weights in one layer */
    const char *heaviest_name;
} vgg_totals;

/* Print VGG16's table, one row per layer, computed layer by layer from the
 * input volume 224x224x3; return the sums. */
static vgg_totals print_vgg16_table(void)
{
    int c = 3, h = 224, w = 224, n = (int)(sizeof vgg16 / sizeof vgg16[0]);
    vgg_totals t = { (long)c * h * w, 0, 0, 0, 0, "" };
    printf("  %-10s %-15s %12s %14s %14s\n", "layer", "output", "memory", "weights", "with biases");
    printf("  %-10s [%dx%dx%d]    %12s %14s %14s\n", "INPUT", h, w, c, commas(t.memory), "0", "0");
    for (int i = 0; i < n; i++) {
        layer_size r = vgg_layer_size(&vgg16[i], c, h, w);
        char shape[32];
        snprintf(shape, sizeof shape, "[%dx%dx%d]", r.h, r.w, r.c);
        printf("  %-10s %-15s %12s %14s %14s\n", vgg16[i].name, shape, commas(r.memory), commas(r.weights),
               commas(r.weights + r.biases));
        c = r.c;  h = r.h;  w = r.w;
        t.memory += r.memory;  t.weights += r.weights;  t.biases += r.biases;
        if (i < 2)
            t.first_two_memory += r.memory;
        if (r.weights > t.heaviest) {
            t.heaviest = r.weights;
            t.heaviest_name = vgg16[i].name;
        }
    }
    return t;
}

static void show_vgg16_seed_differences(long memory)
{
    printf("\nThe source's total reads \"TOTAL memory: 24M * 4 bytes ~= 93MB / image\". Its own rows\n"
           "add up to %s (%.1fM), i.e. %.0f MB (%.1f MiB), not 24M; and 24M * 4 bytes\n"
           "would be %.0f MB (%.1f MiB), not 93.\n",
           commas(memory), memory / 1e6, megabytes(memory), mebibytes(memory), megabytes(24000000),
           mebibytes(24000000));
    printf("Where the source's table is damaged (OCR), the computed rows give:\n");
    printf("  \"CONV3-128: [112x112x12x] memory: 112*112*12*12.6M\" -> [112x112x128], %s (\"1.6M\")\n",
           commas(112L * 112 * 128));
    printf("  \"weights: (3*3*512)*512 = 2.359.296\"               -> %s\n", commas(3L * 3 * 512 * 512));
    printf("  \"memory: 14-14-512-2100K\"                           -> 14*14*512 = %s (\"100K\")\n",
           commas(14L * 14 * 512));
    printf("  \"memory: 47-7512-25K\"                               -> 7*7*512 = %s (\"25K\")\n",
           commas(7L * 7 * 512));
    printf("  \"weights: 7-7-512-4096 = 102,760,448\"               -> 7*7*512*4096 = %s\n",
           commas(7L * 7 * 512 * 4096));
}

static void show_vgg16(void)
{
    vgg_totals t = print_vgg16_table();
    printf("  TOTAL memory:  %s numbers, * 4 bytes = %.2f MB / image (forward only)\n", commas(t.memory),
           megabytes(t.memory));
    printf("  TOTAL weights: %s (%.1f MB); with biases %s (%.1f MB): %s biases\n", commas(t.weights),
           megabytes(t.weights), commas(t.weights + t.biases), megabytes(t.weights + t.biases),
           commas(t.biases));
    printf("The memory sits early: the two CONV3-64 outputs hold %s numbers, %.0f%% of it.\n"
           "The weights sit late: the first %s layer alone has %s, %.0f%% of them.\n",
           commas(t.first_two_memory), 100.0 * t.first_two_memory / t.memory, t.heaviest_name,
           commas(t.heaviest), 100.0 * t.heaviest / t.weights);
    show_vgg16_seed_differences(t.memory);
}

/* ---- step 7 and 8: Doshi's Keras model ------------------------------------ */

typedef struct {
    const char *name;
    char kind;   /* 'C' conv, 'P' 2x2 max pool, 'D' dropout, 'L' flatten, 'F' dense, 'A' activation */
    int k;       /* conv kernel size */
    int same;    /* conv: 1 for Keras padding='same' (stride 1), 0 for 'valid' */
    int out;     /* conv filters or dense neurons */
    const char *source_shape;   /* what Doshi's summary prints */
    long source_params;
} keras_layer;

static const keras_layer doshi_model[] = {
    { "conv2d (Conv2D)", 'C', 2, 1, 16, "(None, 28, 28, 16)", 80 },
    { "max_pooling2d (MaxPooling2D)", 'P', 0, 0, 0, "(None, 14, 14, 16)", 0 },
    { "conv2d_1 (Conv2D)", 'C', 3, 0, 128, "(None, 12, 12, 128)", 18560 },
    { "conv2d_2 (Conv2D)", 'C', 3, 0, 256, "(None, 10, 10, 256)", 295168 },
    { "max_pooling2d_1 (MaxPooling2D)", 'P', 0, 0, 0, "(None, 5, 5, 256)", 0 },
    { "dropout (Dropout)", 'D', 0, 0, 0, "(None, 5, 5, 256)", 0 },
    { "flatten (Flatten)", 'L', 0, 0, 0, "(None, 6400)", 0 },
    { "dense (Dense)", 'F', 0, 0, 128, "(None, 128)", 819328 },
    { "dropout_1 (Dropout)", 'D', 0, 0, 0, "(None, 128)", 0 },
    { "dense_1 (Dense)", 'F', 0, 0, 10, "(None, 10)", 1290 },
    { "activation (Activation)", 'A', 0, 0, 0, "(None, 10)", 0 },
};

/* Keras/TensorFlow 'same' at stride 1: total padding k - 1, the smaller half
 * before (top/left), the larger half after (bottom/right). */
static void tf_same_padding(int k, int *before, int *after)
{
    *before = (k - 1) / 2;
    *after = (k - 1) - *before;
}

/* Apply one layer to the volume (c, h, w) (flattened volumes have h = w = 0);
 * returns the parameter count and updates the volume. */
static long keras_layer_apply(const keras_layer *l, int *c, int *h, int *w)
{
    if (l->kind == 'C') {
        conv2d_shape s;
        int before = 0, after = 0;
        if (l->same)
            tf_same_padding(l->k, &before, &after);
        conv2d_setup_asym(&s, *c, *h, *w, l->out, l->k, 1, before, after, before, after);
        *c = l->out;  *h = s.out_h;  *w = s.out_w;
        return conv2d_weight_count(&s) + l->out;
    }
    if (l->kind == 'P') {
        pool2d_shape s;
        pool2d_setup(&s, *c, *h, *w, 2, 2);
        *h = s.out_h;  *w = s.out_w;
        return 0;
    }
    if (l->kind == 'L') {
        *c = *c * *h * *w;  *h = 0;  *w = 0;
        return 0;
    }
    if (l->kind == 'F') {
        long params = ((long)*c + 1) * l->out;   /* (n_in + 1) * n_out: weights and biases */
        *c = l->out;
        return params;
    }
    return 0;   /* dropout, activation: no parameters, shape unchanged */
}

static void show_keras_model(void)
{
    int c = 1, h = 28, w = 28, n = (int)(sizeof doshi_model / sizeof doshi_model[0]);
    long total = 0, source_total = 0;
    int matching = 0;
    printf("Input (None, 28, 28, 1): one MNIST digit. Keras lists shapes as (batch, H, W, C).\n");
    printf("  %-32s %-22s %10s\n", "Layer (type)", "Output Shape", "Param #");
    for (int i = 0; i < n; i++) {
        long params = keras_layer_apply(&doshi_model[i], &c, &h, &w);
        char shape[48];
        if (h > 0)
            snprintf(shape, sizeof shape, "(None, %d, %d, %d)", h, w, c);
        else
            snprintf(shape, sizeof shape, "(None, %d)", c);
        printf("  %-32s %-22s %10s\n", doshi_model[i].name, shape, commas(params));
        total += params;
        source_total += doshi_model[i].source_params;
        matching += strcmp(shape, doshi_model[i].source_shape) == 0 && params == doshi_model[i].source_params;
    }
    printf("  Total params: %s (the dense layer alone: %s, %.0f%%)\n", commas(total), commas(6401L * 128),
           100.0 * 6401 * 128 / total);
    printf("%d of %d rows match the source's summary, shape and Param #. (The source's table stops\n"
           "before Keras's \"Total params\" line; its rows add up to %s.)\n"
           "The parameter counts, one by one:\n"
           "  conv2d_1: (3*3*16 + 1)*128 = %s   conv2d_2: (3*3*128 + 1)*256 = %s\n"
           "  dense:    (6400 + 1)*128   = %s   dense_1:  (128 + 1)*10     = %s\n",
           matching, n, commas(source_total), commas(conv_params(3, 16, 128)), commas(conv_params(3, 128, 256)), commas(6401L * 128),
           commas(129L * 10));
    printf("\nThe first layer has 80 parameters: 16 * (k*k*1 + 1) = 80 means k*k = 80/16 - 1 = %d,\n"
           "a 2x2 kernel. A 3x3 kernel would give (3*3*1 + 1)*16 = %s, a 5x5 one %s.\n",
           80 / 16 - 1, commas(conv_params(3, 1, 16)), commas(conv_params(5, 1, 16)));
    printf("Its output is 28x28 like its input, so it is 'same' padded; 'valid' would give\n"
           "28 - 2 + 1 = %d. But 'same' needs a total padding of F - 1 = 1 row, and one row\n"
           "cannot be split evenly: P = (F-1)/2 = 1/2 is not a whole number.\n", conv_output_size(28, 2, 0, 0, 1));
}

/* Print the padded input (h + before + after, w + before + after) of x (h, w);
 * at most 6x6, which is all step 8 needs. */
static void print_padded(const real *x, int h, int w, int before, int after)
{
    int ph = h + before + after, pw = w + before + after;
    real padded[36];
    tensor_fill(padded, (size_t)(ph * pw), 0);
    for (int y = 0; y < h; y++)
        for (int col = 0; col < w; col++)
            padded[(y + before) * pw + col + before] = x[y * w + col];
    tensor_print_2d(stdout, NULL, padded, ph, pw, 3);
}

static void show_asymmetric_padding(void)
{
    real img[9], out[9];
    static const real box2[4] = { 1, 1, 1, 1 };        /* (2, 2): sums its window */
    static const real top_left[4] = { 1, 0, 0, 0 };    /* (2, 2): picks the window's top-left pixel */
    int before, after, oh, ow;
    tf_same_padding(2, &before, &after);
    printf("TensorFlow/Keras put the smaller half first: pad_top = pad_left = (F-1)/2 = %d,\n"
           "pad_bottom = pad_right = (F-1) - %d = %d. The library takes the four paddings\n"
           "separately: conv2d_setup_asym(..., k = 2, stride 1, top %d, bottom %d, left %d, right %d).\n",
           before, before, after, before, after, before, after);
    fill_counting(img, 3, 3);
    tensor_print_2d(stdout, "\nimage (3x3):", img, 3, 3, 3);
    printf("padded the Keras way (one row of zeros below, one column on the right):\n");
    print_padded(img, 3, 3, 0, 1);
    conv_single(img, 3, 3, box2, 2, 1, before, after, before, after, out, &oh, &ow);
    printf("2x2 filter of ones, conv2d_forward -> %dx%d, 'same' size:\n", oh, ow);
    tensor_print_2d(stdout, NULL, out, oh, ow, 3);
    conv_single(img, 3, 3, box2, 2, 1, after, before, after, before, out, &oh, &ow);
    printf("padded on top/left instead (the other possible choice) -> %dx%d, but different numbers:\n",
           oh, ow);
    tensor_print_2d(stdout, NULL, out, oh, ow, 3);
    conv_single(img, 3, 3, top_left, 2, 1, before, after, before, after, out, &oh, &ow);
    printf("The filter [[1,0],[0,0]] picks the top-left pixel of each window. With the Keras\n"
           "padding it gives back the image itself:\n");
    tensor_print_2d(stdout, NULL, out, oh, ow, 3);
    conv_single(img, 3, 3, top_left, 2, 1, after, before, after, before, out, &oh, &ow);
    printf("with top/left padding it shifts the image one pixel down and right:\n");
    tensor_print_2d(stdout, NULL, out, oh, ow, 3);
    printf("So a model trained in Keras must be run with the same choice, or every feature\n"
           "map moves by one pixel.\n");
}

int main(int argc, char **argv)
{
    lesson_start(argc, argv, "Lesson 03: padding, stride, and the size of every layer", 0);

    lesson_step(1, "The output size: W_out = (W - F + 2P)/S + 1 (Intro to CNN)");
    printf("The window travels W + 2P - F columns past its first position, in jumps of S,\n"
           "so it has (W - F + 2P)/S positions after the first one: add 1 for the first.\n");
    show_size_cases();

    lesson_step(2, "What valid, same, full and stride do to a 5x5 image");
    show_padding_maps();

    lesson_step(3, "When (W - F + 2P) is not divisible by S");
    show_not_divisible();

    lesson_step(4, "Gonzalez's stride formula: (n+2p-s)/s+1 should be (n+2p-f)/s+1");
    show_seed_000_typo();

    lesson_step(5, "Parameters of a conv layer, and 3x3 + 3x3 against 5x5 (Bayya)");
    show_parameter_counts();
    show_receptive_field();

    lesson_step(6, "VGG16 layer by layer (Bayya, Figure 2)");
    show_vgg16();
    show_crop_sizes();

    lesson_step(7, "Doshi's Keras model for MNIST, layer by layer");
    show_keras_model();

    lesson_step(8, "'same' padding with an even kernel: the extra row goes below");
    show_asymmetric_padding();
    printf("\nNext: lesson 04, activations: ReLU, sigmoid, tanh and their gradients (notes/04_activations.md; build/lessons/04_activations).\n");
    return 0;
}
