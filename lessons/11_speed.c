/* Lesson 11: speed. Count first, then measure, then make it fast.
 *
 * The network of "Convolutional Neural Networks" (Doshi's slides, the Keras
 * model of lesson 03) needs about 200 million floating-point operations to
 * train on ONE image; lesson 10's network needs one million. Before making
 * anything faster we count: FLOPs and bytes of every layer, forward and
 * backward (steps 1-2), and what this machine can do at most, measured: its
 * FMA peak and its memory bandwidth, the two roofs of the roofline model
 * (step 3). Then why the direct loops of lessons 01-10 stay far below the
 * peak (step 4), how im2col turns a convolution into one matrix product,
 * shown on lesson 01's example (step 5), and how a matrix product climbs
 * towards the peak, one idea at a time, each timed live on this machine in
 * one table (step 6): the loop order, cache blocks, packing and a register
 * tile, threads. Last, the whole of lesson 10's network, trained with the
 * direct loops and with the fast engine (step 7).
 *
 * Every timing is measured when you run it, on your machine; only the
 * counts (FLOPs, bytes, shapes) and lesson 01's numbers are the same
 * everywhere. Built with the fast flags (-O2 -ftree-vectorize -march=native
 * -ffp-contract=fast, in float): notes/11_speed.md explains each.
 *
 * Run: build/lessons/11_speed [--quick] [--step]      Notes: notes/11_speed.md
 *      (--quick: small sizes and short timings, under a second) */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "conv.h"        /* conv2d_shape, conv2d_setup_asym, conv2d_weight_count, conv2d_batch_space, ... */
#include "convnet.h"     /* convnet_arch, convnet_params, convnet_runner, convnet_arch_setup, ... */
#include "gemm.h"        /* gemm_flops, gemm */
#include "lesson.h"      /* lesson_step, lesson_start, LESSON_QUICK, lesson_quick */
#include "minibatch.h"   /* batch_score, minibatch_gradient */
#include "optim.h"       /* sgd_momentum_step */
#include "rng.h"         /* rng_t, rng_seeded, rng_uniform_range, rng_uniform, rng_below */
#include "roofline.h"    /* roofline_attainable, measure_fma_peak, measure_copy_bandwidth, wall_clock, vector_unit */
#include "tensor.h"      /* with_commas, tensor_alloc, tensor_print_2d, tensor_fill, tensor_copy, ... */
#include "threadpool.h"  /* thread_pool, thread_pool_create, thread_pool_free */

#define THREADS 2         /* the threads of steps 3, 6 and 7 (lesson 10's default)  */
#define TRAIN_BATCH 128   /* the mini-batch size of the FLOP/byte column "FLOP/B 128" */
#define STR_(x) #x
#define STR(x) STR_(x)        /* STR(TRAIN_BATCH) is "128" */

/* How long the measurements run: the default takes a few seconds, --quick
 * well under one (for the tests, and for valgrind). */
typedef struct {
    double probe_seconds;   /* each roofline probe                            */
    size_t copy_bytes;      /* the buffer the bandwidth probe copies          */
    double min_seconds;     /* each timed row repeats its work at least this long */
    int gemm_size;          /* step 6: C (n x n) = A (n x n) B (n x n)        */
    int train_images;       /* step 7: images trained per engine              */
} settings;

static const settings full_settings = { 0.25, 64u << 20, 0.2, 512, 2048 };
static const settings quick_settings = { 0.01, 4u << 20, 0.01, 96, 64 };

/* A count with thousands separators, e.g. 58982400 -> "58,982,400" (tensor.h's
 * with_commas), in one of eight rotating buffers, so that up to eight calls
 * fit in one printf. The counts are whole numbers held in doubles. */
static const char *commas(double value)
{
    static char buffers[8][32];
    static int next;
    char *out = buffers[next];
    next = (next + 1) % 8;
    with_commas(lround(value), out, sizeof buffers[0]);
    return out;
}

/* ================================================================ steps 1-3: counting */

/* One layer of a network, as the count needs it. */
typedef struct {
    char kind;           /* 'C' convolution (stride 1), 'R' ReLU, 'P' max pooling 2x2, 'F' dense */
    int out;             /* C: filters; F: outputs                                    */
    int k;               /* C: kernel k x k                                            */
    int pad_before;      /* C: zero rows/columns on top and on the left                */
    int pad_after;       /* C: on the bottom and on the right (Keras 'same', even k: one more) */
} layer_spec;

/* What one image costs in a layer. A volume is (c, h, w); after a dense
 * layer h = w = 1. */
typedef struct {
    char kind, name[40], shape[24];
    double forward, backward;   /* FLOP: a multiply-add is 2, a max or a comparison 1 */
    double inputs, outputs, params;   /* numbers read and written                    */
    int gemm_m, gemm_n, gemm_k; /* C: its matrix product for one image (step 5), else 0 */
} layer_cost;

static const layer_spec lesson10_net[] = {
    { 'C', 16, 5, 0, 0 }, { 'R', 0, 0, 0, 0 }, { 'P', 0, 0, 0, 0 }, { 'F', 10, 0, 0, 0 },
};

/* "Convolutional Neural Networks" (Doshi), its Keras summary (lesson 03):
 * conv 16 2x2 'same', maxpool, conv 128 3x3, conv 256 3x3, maxpool, dense
 * 128, dense 10; a ReLU after each conv and after the first dense layer.
 * Dropout and flatten do no arithmetic and are left out. */
static const layer_spec doshi_net[] = {
    { 'C', 16, 2, 0, 1 },  { 'R', 0, 0, 0, 0 }, { 'P', 0, 0, 0, 0 },
    { 'C', 128, 3, 0, 0 }, { 'R', 0, 0, 0, 0 },
    { 'C', 256, 3, 0, 0 }, { 'R', 0, 0, 0, 0 }, { 'P', 0, 0, 0, 0 },
    { 'F', 128, 0, 0, 0 }, { 'R', 0, 0, 0, 0 }, { 'F', 10, 0, 0, 0 },
};

/* A convolution on (c, h, w): forward 2 * out_c * positions * taps; the
 * backward pass is two products of the same size (dW, and dX for the layer
 * below), but the first layer's input is data and needs no dX. */
static void cost_conv(const layer_spec *l, int first, int *c, int *h, int *w, layer_cost *cost)
{
    conv2d_shape s;
    conv2d_setup_asym(&s, *c, *h, *w, l->out, l->k, 1, l->pad_before, l->pad_after, l->pad_before, l->pad_after);
    double taps = (double)s.in_c * s.k_h * s.k_w, positions = (double)s.out_h * s.out_w;
    snprintf(cost->name, sizeof cost->name, "conv %dx%d%s, %d->%d", l->k, l->k,
             l->pad_after > l->pad_before ? " 'same'" : "", *c, l->out);
    cost->forward = 2 * l->out * positions * taps;
    cost->backward = (first ? 1 : 2) * cost->forward;
    cost->params = conv2d_weight_count(&s) + l->out;
    cost->gemm_m = l->out;                 /* W (out_c, taps) x cols (taps, positions) */
    cost->gemm_n = s.out_h * s.out_w;
    cost->gemm_k = s.in_c * s.k_h * s.k_w;
    *c = l->out;  *h = s.out_h;  *w = s.out_w;
}

/* ReLU: one max per number, forward and backward (dY * [x > 0]).
 * Max pooling 2x2: three comparisons per output; the backward pass only
 * routes numbers (no arithmetic). Dense n_in -> n_out: 2 n_in n_out, and
 * twice that backward (dW and dX). */
static void cost_other(const layer_spec *l, int *c, int *h, int *w, layer_cost *cost)
{
    double n = (double)*c * *h * *w;
    if (l->kind == 'R') {
        snprintf(cost->name, sizeof cost->name, "ReLU");
        cost->forward = cost->backward = n;
    } else if (l->kind == 'P') {
        snprintf(cost->name, sizeof cost->name, "maxpool 2x2");
        *h /= 2;  *w /= 2;
        cost->forward = 3 * n / 4;
    } else {
        snprintf(cost->name, sizeof cost->name, "dense %.0f->%d", n, l->out);
        cost->forward = 2 * n * l->out;
        cost->backward = 2 * cost->forward;
        cost->params = (n + 1) * l->out;
        *c = l->out;  *h = 1;  *w = 1;
    }
}

/* The cost of layer l on the volume (c, h, w), which it updates. */
static layer_cost layer_cost_of(const layer_spec *l, int first, int *c, int *h, int *w)
{
    layer_cost cost = { l->kind, "", "", 0, 0, (double)*c * *h * *w, 0, 0, 0, 0, 0 };
    if (l->kind == 'C')
        cost_conv(l, first, c, h, w, &cost);
    else
        cost_other(l, c, h, w, &cost);
    cost.outputs = (double)*c * *h * *w;
    if (*h > 1)
        snprintf(cost.shape, sizeof cost.shape, "%dx%dx%d", *h, *w, *c);
    else
        snprintf(cost.shape, sizeof cost.shape, "%d", *c);
    return cost;
}

/* Bytes a layer must move at least, for `images` images: each input and
 * output number once per image, each parameter once per batch. */
static double layer_bytes(const layer_cost *l, int images)
{
    return sizeof(real) * (images * (l->inputs + l->outputs) + l->params);
}

/* FLOP per byte moved (the arithmetic intensity), forward, for `images` images. */
static double intensity(const layer_cost *l, int images)
{
    return images * l->forward / layer_bytes(l, images);
}

#define MAX_LAYERS 16

/* Every layer's cost, for one 28x28 grey image; returns the count. */
static int network_costs(const layer_spec *spec, int n, layer_cost *costs)
{
    int c = 1, h = 28, w = 28;
    for (int i = 0; i < n && i < MAX_LAYERS; i++)
        costs[i] = layer_cost_of(&spec[i], i == 0, &c, &h, &w);
    return n < MAX_LAYERS ? n : MAX_LAYERS;
}

/* The table of steps 1 and 2; returns the total FLOP of one training image. */
static double print_costs(const layer_cost *costs, int n)
{
    double fwd = 0, bwd = 0;
    printf("  %-24s %-9s %13s %14s %11s %8s %8s\n", "layer", "output", "forward FLOP", "backward FLOP",
           "bytes", "FLOP/B 1", "FLOP/B " STR(TRAIN_BATCH));
    for (int i = 0; i < n; i++) {
        const layer_cost *l = &costs[i];
        printf("  %-24s %-9s %13s %14s %11s %8.2f %8.2f\n", l->name, l->shape, commas(l->forward),
               commas(l->backward), commas(layer_bytes(l, 1)), intensity(l, 1), intensity(l, TRAIN_BATCH));
        fwd += l->forward;
        bwd += l->backward;
    }
    printf("  %-24s %-9s %13s %14s\n", "total", "", commas(fwd), commas(bwd));
    printf("One training image: forward + backward = %s FLOP.\n", commas(fwd + bwd));
    return fwd + bwd;
}

static double step_count_lesson10(layer_cost *costs, int *n)
{
    lesson_step(1, "Count before you optimise: lesson 10's network, layer by layer");
    printf("FLOP: a multiply-add counts 2 (gemm_flops), a max or a comparison 1; bias additions,\n"
           "the softmax and the optimiser are left out (counted below the table). bytes: the\n"
           "%d-byte floats a layer must read and write at least for one image: its input, its\n"
           "output and its parameters, each once. FLOP/B is the forward pass's FLOP per byte, its arithmetic intensity,\n"
           "for 1 image and for a mini-batch of %d (the parameters are read once per batch).\n",
           (int)sizeof(real), TRAIN_BATCH);
    *n = network_costs(lesson10_net, (int)(sizeof lesson10_net / sizeof lesson10_net[0]), costs);
    double total = print_costs(costs, *n);
    printf("The convolution does %.0f%% of the work. Its backward pass needs no dX (its input\n"
           "is the image), so the backward pass costs about as much as the forward pass.\n",
           100 * (costs[0].forward + costs[0].backward) / total);
    double bias = 0;                                 /* one add per output forward, one into dL/db backward */
    for (int i = 0; i < *n; i++)
        if (costs[i].kind == 'C' || costs[i].kind == 'F')
            bias += 2 * costs[i].outputs;
    printf("Left out of the table: the bias additions, one add per output of the conv and dense layers\n"
           "forward and one backward (into dL/db): %s FLOP, %.1f%% of the total, as much as the ReLU row;\n"
           "the softmax (a few FLOP per class) and the optimiser step (a few FLOP per parameter, once per\n"
           "mini-batch, not per image) are smaller.\n", commas(bias), 100 * bias / total);
    return total;
}

/* The slides' network without its first max pooling: the 16->128
 * convolution then sees 28x28 maps. */
static const layer_spec doshi_without_first_pool[] = {
    { 'C', 16, 2, 0, 1 }, { 'R', 0, 0, 0, 0 }, { 'C', 128, 3, 0, 0 },
};

/* What the convolutions do together, and what the first pooling saves. */
static void print_pooling_saving(const layer_cost *costs, int n, double total)
{
    double convs = 0;
    for (int i = 0; i < n; i++)
        if (costs[i].kind == 'C')
            convs += costs[i].forward + costs[i].backward;
    layer_cost unpooled[MAX_LAYERS];
    network_costs(doshi_without_first_pool, 3, unpooled);
    printf("The three convolutions together: %.1f%%. The slides pool \"to overall reduce the\n"
           "computation time\": without the first max pooling, %s would see 28x28 maps\n"
           "and do %s FLOP forward instead of %s, %.1f times as many.\n",
           100 * convs / total, costs[3].name, commas(unpooled[2].forward), commas(costs[3].forward),
           unpooled[2].forward / costs[3].forward);
}

/* The work of training a network for 10 epochs of MNIST's 60,000 images. */
#define EPOCHS_IMAGES (10.0 * 60000)

/* The parameters of a network: weights and biases of every layer. */
static double parameter_count(const layer_cost *costs, int n)
{
    double params = 0;
    for (int i = 0; i < n; i++)
        params += costs[i].params;
    return params;
}

static double step_count_doshi(layer_cost *costs, int *n, double lesson10_total)
{
    lesson_step(2, "The same count for the network of \"Convolutional Neural Networks\" (Doshi)");
    *n = network_costs(doshi_net, (int)(sizeof doshi_net / sizeof doshi_net[0]), costs);
    double total = print_costs(costs, *n);
    const layer_cost *big = &costs[5], *dense = &costs[8];     /* conv 3x3 128->256, dense 6400->128 */
    printf("That is %.0f times lesson 10's network. One layer, %s, does %s\n"
           "FLOP of it: %.1f%%. Its output is only 10x10, but each of its %s outputs is a dot\n"
           "product of 3*3*128 = %s terms. The dense 6400->128 layer holds %.0f%% of the %s\n"
           "parameters (lesson 03) but does %.1f%% of the arithmetic. \"Introduction To CNN\": the\n"
           "convolution layer \"carries the main portion of the network's computational load\";\n"
           "the count says which one. The slides' 10 epochs of 60,000 images: %.3g FLOP.\n",
           total / lesson10_total, big->name, commas(big->forward + big->backward),
           100 * (big->forward + big->backward) / total, commas(big->outputs), commas(big->gemm_k),
           100 * dense->params / parameter_count(costs, *n), commas(parameter_count(costs, *n)),
           100 * (dense->forward + dense->backward) / total, EPOCHS_IMAGES * total);
    print_pooling_saving(costs, *n, total);
    return total;
}

/* ================================================================ step 3: the roofline */

/* What this machine can do at most, measured (src/roofline.h). */
typedef struct {
    double peak1;       /* GFLOP/s, the FMA peak of one thread      */
    double peak;        /* GFLOP/s, the FMA peak of THREADS threads */
    double bandwidth;   /* GB/s, THREADS threads copying memory     */
} machine;

/* Where a layer sits under the roofs for `images` images: its FLOP/byte,
 * the attainable GFLOP/s, and which roof it is under. */
static void print_bound_at(const layer_cost *l, const machine *m, int images, int width)
{
    double i = intensity(l, images), ridge = m->peak / m->bandwidth;
    printf(" %8.2f %7.1f  %-*s", i, roofline_attainable(m->peak, m->bandwidth, i), width,
           i < ridge ? "memory-bound" : "compute-bound");
}

/* One line of step 3: 1 image, then a training batch. */
static void print_bound(const layer_cost *l, const machine *m)
{
    printf("  %-24s", l->name);
    print_bound_at(l, m, 1, 14);
    print_bound_at(l, m, TRAIN_BATCH, 0);
    printf("\n");
}

static machine step_roofline(thread_pool *pool, const settings *s, const layer_cost *net10, int n10,
                             const layer_cost *doshi, int n_doshi)
{
    lesson_step(3, "The roofline of this machine, measured");
    machine m = { measure_fma_peak(NULL, s->probe_seconds), measure_fma_peak(pool, s->probe_seconds),
                  measure_copy_bandwidth(pool, s->copy_bytes, s->probe_seconds) };
    printf("(Every figure measured here drops while other programs run: a second run on a quiet\n"
           "machine is the one to believe.)\n");
    int lanes = 1;
    const char *unit = vector_unit(&lanes);
    printf("FMA peak, 1 thread:         %7.1f GFLOP/s  (measure_fma_peak: %d chains of %d-wide FMAs, %s)\n"
           "FMA peak, %d threads:        %7.1f GFLOP/s\n"
           "copy bandwidth, %d threads:  %7.1f GB/s     (measure_copy_bandwidth: %d MB, read + written)\n",
           m.peak1, fma_peak_chains(), lanes, unit, THREADS, m.peak, THREADS, m.bandwidth, (int)(s->copy_bytes >> 20));
    if (!(m.bandwidth > 0)) {
        printf("(the bandwidth probe could not allocate its buffers: no roofline today)\n");
        m.bandwidth = 1e-9;
        return m;
    }
    printf("A computation of I FLOP per byte can run at most at min(peak, I x bandwidth): the\n"
           "roofline. The ridge point, peak / bandwidth = %.1f / %.1f = %.1f FLOP/byte, splits the\n"
           "layers: below it they wait for memory (memory-bound), above it for the arithmetic\n"
           "(compute-bound). Each layer, as 1 image and as a batch of %d (%d threads):\n",
           m.peak, m.bandwidth, m.peak / m.bandwidth, TRAIN_BATCH, THREADS);
    printf("  %-24s %8s %7s  %-14s %8s %7s  %s\n", "layer", "FLOP/B", "GFLOP/s", "1 image", "FLOP/B",
           "GFLOP/s", "batch " STR(TRAIN_BATCH));
    for (int i = 0; i < n10; i++)
        print_bound(&net10[i], &m);
    for (int i = 0; i < n_doshi; i++)
        if (doshi[i].kind == 'C' || doshi[i].kind == 'F')
            print_bound(&doshi[i], &m);
    printf("ReLU and pooling do less than one operation per number moved: memory-bound at any\n"
           "batch size, so they must never make an extra pass over memory. The convolutions\n"
           "with many channels are compute-bound: they can only get faster by doing their\n"
           "arithmetic faster, which is what steps 4-6 are about. A dense layer on one image\n"
           "reads each weight once for one multiply-add; a batch reuses every weight %d times.\n",
           TRAIN_BATCH);
    return m;
}

/* ================================================================ timing */

typedef void (*timed_fn)(void *ctx);

/* Seconds per call of run(ctx): the fastest of as many calls as fit in
 * min_seconds (at least one). The fastest, not the mean: other programs
 * can only slow a run down. */
static double seconds_per_call(timed_fn run, void *ctx, double min_seconds)
{
    double best = INFINITY, spent = 0;
    do {
        double start = wall_clock();
        run(ctx);
        double took = wall_clock() - start;
        best = took < best ? took : best;
        spent += took;
    } while (spent < min_seconds);
    return best > 1e-9 ? best : 1e-9;
}

/* A (n) uniform in [-1, 1), from a fixed seed. */
static real *random_array(long n, uint64_t seed, const char *what)
{
    rng_t rng = rng_seeded(seed);
    real *a = tensor_alloc((size_t)n, what);
    for (long i = 0; i < n; i++)
        a[i] = (real)rng_uniform_range(&rng, -1, 1);
    return a;
}

/* ================================================================ step 4: the direct loops */

/* One convolution layer, one image: the direct loops of lessons 01-10
 * (conv2d_forward) or im2col + the fast GEMM on one thread. */
typedef struct {
    conv2d_shape s;
    real *x, *w, *b, *y;         /* X (in_c, in_h, in_w), W (out_c, in_c, k, k), b (out_c), Y (out_c, out_h, out_w) */
    conv2d_batch_space space;    /* im2col's matrix and the GEMM's output, for 1 image */
} conv_case;

static void run_direct_conv(void *ctx)
{
    conv_case *c = ctx;
    conv2d_forward(&c->s, c->x, c->w, c->b, c->y);
}

static void run_im2col_conv(void *ctx)
{
    conv_case *c = ctx;
    conv2d_forward_batch(&c->s, 1, c->x, c->w, c->b, c->y, &c->space);
}

static void explain_strides(int n)
{
    int lanes = 1;
    const char *unit = vector_unit(&lanes);
    printf("The textbook loops compute one output at a time as a dot product. For a matrix\n"
           "product C (n x n) = A B, n = %d, C[i][j] = sum over p of A[i][p] B[p][j]:\n"
           "  for i, for j, for p:  sum += a[i*n + p] * b[p*n + j]\n"
           "The inner loop walks A's row (neighbours in memory) but B's column: one number from\n"
           "each row of B, %d bytes apart. Memory reaches the core in cache lines of 64 bytes\n"
           "(16 floats); each line of B brings 16 numbers and the loop uses 1 of them. Every\n"
           "addition also waits for the one before (one running sum: 3-4 cycles each), and the\n"
           "vector units, which do %d numbers at once here (%s), get little to do: spreading one\n"
           "sum over %d lanes would change the order of its additions, which C does not allow.\n",
           n, n * (int)sizeof(real), lanes, unit, lanes);
    printf("The direct convolution of lessons 01-10 (src/conv.c) runs its inner loop along a row\n"
           "of the output, Y[oy][ox] += W[co][ci][ky][kx] * X[iy][ox + kx]: unit stride, but each\n"
           "multiply-add loads Y, loads X and stores Y, and a row is only out_w long (24 in\n"
           "lesson 10, 10 in the 128->256 layer) before the loop starts over.\n");
}

/* Times the direct loops and im2col + GEMM on the slides' 128->256 layer;
 * returns the direct loops' GFLOP/s. */
static double step_direct_loops(const machine *m, const settings *set, double doshi_total)
{
    lesson_step(4, "Why the direct loops are slow");
    explain_strides(set->gemm_size);
    conv_case c;
    conv2d_setup(&c.s, 128, 12, 12, 256, 3, 1, 0);
    c.x = random_array(128 * 12 * 12, 41, "X");
    c.w = random_array(conv2d_weight_count(&c.s), 42, "W");
    c.b = tensor_alloc(256, "b");
    c.y = tensor_alloc((size_t)conv2d_output_count(&c.s), "Y");
    conv2d_batch_space_alloc_path(&c.space, &c.s, 1, CONV_IM2COL);   /* this lesson's path */
    double flops = gemm_flops(256, 100, 1152);
    double direct = flops / seconds_per_call(run_direct_conv, &c, set->min_seconds) / 1e9;
    double fast = flops / seconds_per_call(run_im2col_conv, &c, set->min_seconds) / 1e9;
    printf("Measured on the slides' conv 3x3, 128->256 (one image, %s FLOP, 1 thread):\n"
           "  direct loops (conv2d_forward)          %7.2f GFLOP/s  %5.1f%% of the 1-thread peak\n"
           "  im2col + gemm (conv2d_forward_batch)   %7.2f GFLOP/s  %5.1f%% of the 1-thread peak\n",
           commas(flops), direct, 100 * direct / m->peak1, fast, 100 * fast / m->peak1);
    printf("At the direct loops' speed the slides' 10 epochs (%.3g FLOP) would take %.1f hours on\n"
           "one core; at the 1-thread peak, %.0f minutes. Steps 5 and 6 are how to close the gap.\n",
           EPOCHS_IMAGES * doshi_total, EPOCHS_IMAGES * doshi_total / (direct * 1e9) / 3600,
           EPOCHS_IMAGES * doshi_total / (m->peak1 * 1e9) / 60);
    conv2d_batch_space_free(&c.space);
    free(c.y);
    free(c.b);
    free(c.w);
    free(c.x);
    return direct;
}

/* ================================================================ step 5: im2col */

static const real image[3 * 4] = {    /* (3, 4): "Some notes on CNN", lesson 01 */
    5, 2, 2, 3,
    3, 1, 2, 1,
    9, 0, 4, 5,
};
static const real filter[2 * 2] = {   /* (2, 2) */
    1, 2,
    -1, 0,
};

/* The matrix product each convolution of a network becomes. */
static void print_conv_gemms(const char *network, const layer_cost *costs, int n)
{
    for (int i = 0; i < n; i++) {
        const layer_cost *l = &costs[i];
        if (l->kind != 'C')
            continue;
        printf("  %-14s %-24s W (%d x %d) x cols (%d x %d); a batch of %d: (%d x %d) x (%d x %d)\n",
               network, l->name, l->gemm_m, l->gemm_k, l->gemm_k, l->gemm_n, TRAIN_BATCH,
               l->gemm_m, l->gemm_k, l->gemm_k, l->gemm_n * TRAIN_BATCH);
    }
}

static void step_im2col(const layer_cost *net10, int n10, const layer_cost *doshi, int n_doshi)
{
    lesson_step(5, "im2col: a convolution becomes one matrix product");
    conv2d_shape s;
    conv2d_setup(&s, 1, 3, 4, 1, 2, 1, 0);       /* lesson 01: 1 channel, 2x2 filter, valid */
    real cols[4 * 6], map[6];                   /* cols (taps 4, positions 6), map (1, 6) */
    im2col(&s, image, cols, 6);
    tensor_print_2d(stdout, "Lesson 01's image X (3x4):", image, 3, 4, 3);
    tensor_print_2d(stdout, "and filter W (2x2):", filter, 2, 2, 3);
    printf("The filter visits %d x %d = 6 positions. im2col (src/conv.c) copies the window at\n"
           "each position into one COLUMN of a matrix: row r is the filter tap (ky, kx),\n"
           "r = ky*2 + kx, column q the position (oy, ox), q = oy*3 + ox:\n", s.out_h, s.out_w);
    tensor_print_2d(stdout, "cols (4 taps x 6 positions):", cols, 4, 6, 3);
    gemm(0, 0, 1, 6, 4, 1, filter, 4, cols, 6, 0, map, 6, NULL);   /* (1x4) x (4x6) */
    printf("Column 0 is the top-left window [5 2; 3 1] read row by row. The filter, read the\n"
           "same way, is a 1x4 row [1 2 -1 0], and one matrix product does every window:\n");
    tensor_print_2d(stdout, "W (1x4) x cols (4x6) =", map, 1, 6, 3);
    tensor_print_2d(stdout, "read as 2x3: lesson 01's output map", map, 2, 3, 3);
    printf("Transposed, cols^T is a 6x4 matrix (a window per row) times the filter as a 4-vector:\n"
           "the same six dot products. Pixels inside the image appear in up to 4 windows, so\n"
           "cols holds 24 numbers for X's 12: im2col trades memory for one big, regular product.\n"
           "With C_in channels and C_out filters, W is (C_out x C_in*k*k) and cols\n"
           "(C_in*k*k x positions); a mini-batch puts its images' columns side by side:\n");
    print_conv_gemms("lesson 10", net10, n10);
    print_conv_gemms("Doshi", doshi, n_doshi);
    printf("The backward pass is two more products (conv2d_backward_batch): dW += dY x cols^T\n"
           "and dcols = W^T x dY, then col2im adds each column back to the pixels it came from.\n");
}

/* ================================================================ step 6: a matrix product, faster and faster */

/* The teaching versions of C (m x n) = A (m x k) B (k x n), row-major,
 * C OVERWRITTEN (exercises/11_speed.c asks for the same, in double). */

/* 1. The definition: C[i][j] is row i of A dot column j of B. */
static void matmul_ijp(int m, int n, int k, const real *a, const real *b, real *c)
{
    for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++) {
            real sum = 0;
            for (int p = 0; p < k; p++)
                sum += a[(long)i * k + p] * b[(long)p * n + j];   /* B down a column: n apart */
            c[(long)i * n + j] = sum;
        }
}

/* 2. The same products, loops in the order i, p, j: row i of C gets
 * A[i][p] times row p of B, for p = 0 .. k-1. The inner loop walks C's row
 * and B's row, both contiguous, and its n updates are independent, so the
 * compiler does them 8 at a time with vector FMAs. Each C[i][j] still adds
 * its k terms in the order p = 0, 1, ..., as in version 1. */
static void matmul_ipj(int m, int n, int k, const real *restrict a, const real *restrict b, real *restrict c)
{
    for (int i = 0; i < m; i++) {
        real *c_row = c + (long)i * n;
        for (int j = 0; j < n; j++)
            c_row[j] = 0;
        for (int p = 0; p < k; p++) {
            real a_ip = a[(long)i * k + p];
            const real *b_row = b + (long)p * n;
            for (int j = 0; j < n; j++)
                c_row[j] += a_ip * b_row[j];
        }
    }
}

/* 3. Cache blocking: the i-p-j loops of version 2, run on one block at a
 * time. Version 2 reads all of B (k x n) for every row of C; when B does
 * not fit in the cache it comes from memory m times. Here a block of B
 * (BLOCK_K x BLOCK_N: 128 x 256 floats, 128 KB, fits the 512 KB L2 cache)
 * is used by BLOCK_M rows of A before the next block is loaded, and the
 * piece of C's row being summed (BLOCK_N floats, 1 KB) stays in L1. */
#define BLOCK_M 64
#define BLOCK_K 128
#define BLOCK_N 256

static int min_int(int a, int b)
{
    return a < b ? a : b;
}

/* C[i0..i1)[j0..j1) += A[i0..i1)[p0..p1) B[p0..p1)[j0..j1) */
static void block_ipj(int n, int k, const real *restrict a, const real *restrict b, real *restrict c,
                      int i0, int i1, int p0, int p1, int j0, int j1)
{
    for (int i = i0; i < i1; i++)
        for (int p = p0; p < p1; p++) {
            real a_ip = a[(long)i * k + p];
            const real *b_row = b + (long)p * n;
            real *c_row = c + (long)i * n;
            for (int j = j0; j < j1; j++)
                c_row[j] += a_ip * b_row[j];
        }
}

static void matmul_blocked(int m, int n, int k, const real *a, const real *b, real *c)
{
    tensor_fill(c, (size_t)m * n, 0);
    for (int i0 = 0; i0 < m; i0 += BLOCK_M)
        for (int p0 = 0; p0 < k; p0 += BLOCK_K)
            for (int j0 = 0; j0 < n; j0 += BLOCK_N)   /* the last blocks may be smaller */
                block_ipj(n, k, a, b, c, i0, min_int(i0 + BLOCK_M, m), p0, min_int(p0 + BLOCK_K, k),
                          j0, min_int(j0 + BLOCK_N, n));
}

typedef struct {
    int n;                  /* C (n x n) = A (n x n) B (n x n) */
    const real *a, *b;
    real *c;
    thread_pool *pool;
} gemm_case;

static void run_ijp(void *ctx)
{
    gemm_case *g = ctx;
    matmul_ijp(g->n, g->n, g->n, g->a, g->b, g->c);
}

static void run_ipj(void *ctx)
{
    gemm_case *g = ctx;
    matmul_ipj(g->n, g->n, g->n, g->a, g->b, g->c);
}

static void run_blocked(void *ctx)
{
    gemm_case *g = ctx;
    matmul_blocked(g->n, g->n, g->n, g->a, g->b, g->c);
}

/* 4. src/gemm.c: packing + a GEMM_MR x GEMM_NR register tile + cache blocks, 1 thread. */
static void run_gemm_one_thread(void *ctx)
{
    gemm_case *g = ctx;
    gemm(0, 0, g->n, g->n, g->n, 1, g->a, g->n, g->b, g->n, 0, g->c, g->n, NULL);
}

/* 5. The same with THREADS threads, each on its own band of C. */
static void run_gemm_threads(void *ctx)
{
    gemm_case *g = ctx;
    gemm(0, 0, g->n, g->n, g->n, 1, g->a, g->n, g->b, g->n, 0, g->c, g->n, g->pool);
}

static const struct {
    const char *name;
    timed_fn run;
    int threads;
} ladder[] = {
    { "naive i-j-p (dot products)", run_ijp, 1 },
    { "loop order i-p-j (vectorised)", run_ipj, 1 },
    { "+ cache blocks 64x128x256", run_blocked, 1 },
    { "+ packing, a register tile", run_gemm_one_thread, 1 },
    { "+ threads", run_gemm_threads, THREADS },
};
#define LADDER_STEPS ((int)(sizeof ladder / sizeof ladder[0]))

/* Largest |c - ref| relative to the largest |ref| (NaN when either holds a
 * NaN). Plain comparisons, not fmax: fmax drops a NaN, and gcc 12.2 for
 * aarch64 crashes on an fmax reduction of floats widened to double with
 * the fast flags ("internal compiler error: in vect_transform_reduction"). */
static double relative_difference(const real *c, const real *ref, long n)
{
    double worst = 0, scale = 0;
    for (long i = 0; i < n; i++) {
        double d = fabs((double)c[i] - (double)ref[i]), s = fabs((double)ref[i]);
        if (d > worst || d != d)             /* d != d: a NaN, which stays */
            worst = d;
        if (s > scale || s != s)
            scale = s;
    }
    return worst / fmax(scale, 1e-30);
}

/* Times every version on the same A and B: gflops[s] for row s. */
static void time_ladder(thread_pool *pool, const machine *m, const settings *set, double *gflops)
{
    const int n = set->gemm_size;
    const long nn = (long)n * n;
    real *a = random_array(nn, 61, "A"), *b = random_array(nn, 62, "B");
    real *c = tensor_alloc((size_t)nn, "C"), *c_naive = tensor_alloc((size_t)nn, "C of the naive loop");
    gemm_case g = { n, a, b, c, pool };
    double flops = gemm_flops(n, n, n);
    printf("  %-33s %8s %10s %9s %12s\n", "step", "GFLOP/s", "% of peak", "speedup", "differs by");
    for (int s = 0; s < LADDER_STEPS; s++) {
        tensor_fill(c, (size_t)nn, NAN);       /* each version must write every C[i][j] */
        gflops[s] = flops / seconds_per_call(ladder[s].run, &g, set->min_seconds) / 1e9;
        if (s == 0)
            tensor_copy(c_naive, c, (size_t)nn);
        printf("  %d %-31s %8.2f %9.1f%% ", s + 1, ladder[s].name, gflops[s],
               100 * gflops[s] / (ladder[s].threads > 1 ? m->peak : m->peak1));
        if (s == 0)
            printf("%9s", "");
        else
            printf("%8.1fx", gflops[s] / gflops[s - 1]);
        printf(" %12.1e\n", relative_difference(c, c_naive, nn));
    }
    free(c_naive);
    free(c);
    free(b);
    free(a);
}

static double step_gemm_ladder(thread_pool *pool, const machine *m, const settings *set)
{
    lesson_step(6, "A matrix product, one idea at a time, timed");
    int n = set->gemm_size;
    printf("C (%d x %d) = A (%d x %d) B (%d x %d) in float: %s FLOP. %% of peak: of the\n"
           "1-thread peak of step 3, and of the %d-thread peak for the last row. \"differs by\":\n"
           "the largest difference from the naive result, relative to its largest number (float\n"
           "rounding only: the versions add the same terms, some in another order).\n",
           n, n, n, n, n, n, commas(gemm_flops(n, n, n)), THREADS);
    double gflops[LADDER_STEPS];
    time_ladder(pool, m, set, gflops);
    printf("Row 2 changes nothing but the order of the loops: %.0fx. Row 3 keeps a block of B in\n"
           "the cache while BLOCK_M rows of C use it (%.1fx here): blocking changes where the\n"
           "numbers come from, not how many loads and stores each multiply-add needs, and the\n"
           "i-p-j loop needs 2 loads and 1 store per vector FMA; while the caches keep up with\n"
           "that, blocking alone buys little, and can lose to its shorter inner loops. Row 4 (src/gemm.c) copies the blocks of A and B\n"
           "into the order its inner kernel reads them (packing) and keeps a %dx%d tile of C in\n"
           "%d vector registers, adding one outer product per step: %d multiply-adds for %d\n"
           "numbers loaded, %.1fx. Its kernel is fast enough to outrun the caches, so it needs\n"
           "the blocks. Row 5 gives each thread its own band of C (%.1fx on %d threads).\n",
           gflops[1] / gflops[0], gflops[2] / gflops[1], GEMM_MR, GEMM_NR, GEMM_MR * GEMM_NV,
           GEMM_MR * GEMM_NR, GEMM_MR + GEMM_NR, gflops[3] / gflops[2], gflops[4] / gflops[3], THREADS);
    int lanes = 1;
    const char *unit = vector_unit(&lanes);
    printf("Rows 2-5 also need the compiler: -march=native lets it use this CPU's widest vector\n"
           "registers (here %s, %d floats; the tile is sized for them, gemm.h) and FMA, and\n"
           "-ffp-contract=fast lets it fuse a * b + c into one FMA (gcc does not under -std=c11\n"
           "without it: half the peak). notes/11_speed.md: both.\n", unit, lanes);
    return gflops[LADDER_STEPS - 1];
}

/* ================================================================ step 7: the whole network */

#define BATCH 32          /* lesson 10's mini-batch */
#define PIXELS (28 * 28)

/* Lesson 10's network and everything one training step uses, sized once
 * (convnet_runner: the shards of src/minibatch.h and their memory). */
typedef struct {
    convnet_arch arch;
    convnet_params params, velocity;
    convnet_runner runner;
    real *x;                                  /* (BATCH, 1, 28, 28) random "images" in [0, 1) */
    int *labels;                              /* (BATCH) random digits      */
} trainer;

/* Returns 0, or -1 when the network cannot be built (it always can: 28x28, 5x5). */
static int trainer_init(trainer *t, thread_pool *pool, engine_kind engine)
{
    char err[256];
    if (convnet_arch_setup(&t->arch, 28, 28, 16, 5, 10, err, sizeof err) != 0) {
        fprintf(stderr, "11_speed: %s\n", err);
        return -1;
    }
    rng_t rng = rng_seeded(7);                /* the same weights and images for both engines */
    convnet_params_alloc(&t->arch, &t->params);
    convnet_params_alloc(&t->arch, &t->velocity);
    convnet_init(&t->arch, &t->params, &rng);
    convnet_runner_init(&t->runner, &t->arch, &t->params, engine, pool, BATCH);
    t->x = tensor_alloc((size_t)BATCH * PIXELS, "the batch's images");
    t->labels = checked_calloc(BATCH, sizeof(int), "the batch's labels");
    for (int i = 0; i < BATCH * PIXELS; i++)
        t->x[i] = (real)rng_uniform(&rng);
    for (int i = 0; i < BATCH; i++)
        t->labels[i] = (int)rng_below(&rng, 10);
    return 0;
}

static void trainer_free(trainer *t)
{
    convnet_runner_free(&t->runner);
    convnet_params_free(&t->params);
    convnet_params_free(&t->velocity);
    free(t->x);
    free(t->labels);
}

/* Train on `images` images (the same batch again and again: the speed does
 * not depend on the pixels), one SGD step per batch of 32, as lesson 10
 * does. Returns training images per second; *first_loss is the mean loss
 * of the first batch, before any step. */
static double training_speed(thread_pool *pool, engine_kind engine, int images, double *first_loss)
{
    trainer t;
    if (trainer_init(&t, pool, engine) != 0)
        return 0;
    double start = wall_clock();
    for (int done = 0; done < images; done += BATCH) {
        batch_score s = minibatch_gradient(&t.runner.batches, t.x, t.labels, BATCH);
        if (done == 0)
            *first_loss = s.loss / BATCH;
        sgd_momentum_step(t.params.all, t.runner.batches.mean_grad, t.velocity.all, t.arch.n_params,
                          (real)0.01, (real)0.9);
    }
    double rate = images / fmax(wall_clock() - start, 1e-9);
    trainer_free(&t);
    return rate;
}

static void step_network(thread_pool *pool, const settings *set, double lesson10_total, double doshi_total,
                         double direct_gflops, double gemm_gflops)
{
    lesson_step(7, "The whole network: lesson 10's, trained with each engine");
    printf("%d random 28x28 images (the speed does not depend on the pixels), mini-batches of %d,\n"
           "%d threads, SGD with momentum, the same weights for both engines:\n",
           set->train_images, BATCH, THREADS);
    double naive_loss = 0, fast_loss = 0;
    double naive = training_speed(pool, ENGINE_NAIVE, set->train_images, &naive_loss);
    double fast = training_speed(pool, ENGINE_FAST, set->train_images, &fast_loss);
    printf("  %-44s %12s %18s\n", "engine", "images/s", "first batch's loss");
    printf("  %-44s %12.0f %18.6f\n", "naive: the direct loops, one image at a time", naive, naive_loss);
    printf("  %-44s %12.0f %18.6f\n", "fast: batched im2col + gemm", fast, fast_loss);
    printf("The fast engine trains %.1f times as many images per second, and computes the same\n"
           "network: the losses agree to float rounding. On real MNIST, with the test set scored\n"
           "after each epoch (a few minutes for the naive engine, after `make data`):\n"
           "  build/lessons/10_mnist --epochs 1 --engine naive\n"
           "  build/lessons/10_mnist --epochs 1 --engine fast\n", fast / naive);
    printf("The slides' network needs %.0f times more arithmetic per image, nearly all of it in\n"
           "matrix products: at step 6's last row (%.0f GFLOP/s) one epoch of 60,000 images would\n"
           "take about %.0f s, at the direct loops' %.1f GFLOP/s (step 4) %.1f hours. Lesson 12\n"
           "builds it.\n",
           doshi_total / lesson10_total, gemm_gflops, 60000 * doshi_total / (gemm_gflops * 1e9),
           direct_gflops, 60000 * doshi_total / (direct_gflops * 1e9) / 3600);
}

/* ================================================================ main */

int main(int argc, char **argv)
{
    lesson_start(argc, argv, "Lesson 11: speed: count, measure, then make it fast", LESSON_QUICK);
    const settings *set = lesson_quick() ? &quick_settings : &full_settings;
    thread_pool *pool = thread_pool_create(THREADS);
    if (!pool) {
        fprintf(stderr, "11_speed: out of memory starting %d threads\n", THREADS);
        return 1;
    }
    layer_cost net10[MAX_LAYERS], doshi[MAX_LAYERS];
    int n10, n_doshi;
    double lesson10_total = step_count_lesson10(net10, &n10);
    double doshi_total = step_count_doshi(doshi, &n_doshi, lesson10_total);
    machine m = step_roofline(pool, set, net10, n10, doshi, n_doshi);
    double direct_gflops = step_direct_loops(&m, set, doshi_total);
    step_im2col(net10, n10, doshi, n_doshi);
    double gemm_gflops = step_gemm_ladder(pool, &m, set);
    step_network(pool, set, lesson10_total, doshi_total, direct_gflops, gemm_gflops);
    thread_pool_free(pool);
    printf("\nNext: lesson 12, a deeper network, and dropout (notes/12_deeper.md; make mnist-deep).\n");
    return 0;
}
