/* bench: how fast this machine is, how fast our engine is, and PyTorch beside
 * it on the same work, in one run (make bench; lesson 11 explains the rows).
 *
 *   build/bench [--quick] [--torch COMMAND | --no-torch] [--csv FILE] [--data DIR]
 *
 *   1. the machine: the FMA peak and the memory bandwidth (src/roofline.h);
 *   2. GEMM, naive and fast, at 256..2048 and at the shapes the conv layers
 *      of both networks multiply, in GFLOP/s and % of the peak;
 *   3. those conv layers at batch 128: forward and backward milliseconds,
 *      the direct loops vs the fast path conv.h's rule picks for the layer;
 *   4. lesson 10's whole network: training and inference images/s at batch
 *      32, 64 and 128, engine naive vs fast;
 *   5. Doshi's network (lesson 12): training (Adam) and inference images/s
 *      at batch 128;
 *   each on 1 and 2 threads, with PyTorch's figure and the ratio when
 *   COMMAND (which runs src/tools/bench_torch.py) works; then the targets of
 *   the issue that asked for this, met or not, or "unreliable" when the
 *   machine was busy (judge_machine below). --quick: tiny sizes, a few
 *   seconds, no PyTorch (a test runs it, so the bench cannot rot). Every row
 *   also goes to the CSV file (default build/bench.csv). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conv.h"
#include "convnet.h"
#include "gemm.h"
#include "mnist.h"
#include "optim.h"
#include "os.h"
#include "rng.h"
#include "roofline.h"
#include "sequential.h"
#include "tensor.h"
#include "threadpool.h"

/* What built this program: the compiler's own version string (gcc and
 * clang define __VERSION__) and the Makefile's fast flags, passed in as
 * -DBENCH_FLAGS='"..."' (the speed of the same code changes with both). */
#if defined(__VERSION__) && defined(__clang__)
#define COMPILER_VERSION __VERSION__                /* "Debian Clang 14.0.6" */
#elif defined(__VERSION__) && defined(__GNUC__)
#define COMPILER_VERSION "gcc " __VERSION__         /* gcc's says "12.2.0" only */
#elif defined(__VERSION__)
#define COMPILER_VERSION __VERSION__
#else
#define COMPILER_VERSION "unknown (no __VERSION__)"
#endif
#ifndef BENCH_FLAGS
#define BENCH_FLAGS "not known (built without the Makefile's -DBENCH_FLAGS)"
#endif

#define MAX_ROWS 256
#define MAX_TORCH 256
#define CONV_BATCH 128
#define NAIVE_CONV_IMAGES 16     /* the direct loops are timed on this many images, then scaled to the batch */
#define QUICK_CONV_IMAGES 2      /* --quick: the batch, and the naive loops' images */

static const char *program = "bench";

/* ---------------------------------------------------------------- options */

typedef struct {
    int quick;
    const char *torch;          /* command that runs bench_torch.py, or NULL */
    const char *csv, *data;
    char torch_out[512];         /* what the PyTorch script printed: the CSV's name + ".pytorch" */
} options;

static void usage(FILE *out)
{
    fprintf(out, "usage: %s [--quick] [--torch COMMAND | --no-torch] [--csv FILE] [--data DIR]\n"
                 "  --quick          tiny sizes, a few seconds, no PyTorch\n"
                 "  --torch COMMAND  how to run src/tools/bench_torch.py (the Makefile passes it)\n"
                 "  --csv FILE       where to write every row (default build/bench.csv)\n"
                 "  --data DIR       MNIST, for real images in the network rows (default data/mnist)\n", program);
}

static options parse_flags(int argc, char **argv)
{
    options o = { 0, NULL, "build/bench.csv", "data/mnist", "" };
    for (int i = 1; i < argc; i++) {
        const char *f = argv[i];
        int has_value = i + 1 < argc;
        if (strcmp(f, "--help") == 0) {
            usage(stdout);
            exit(0);
        } else if (strcmp(f, "--quick") == 0) {
            o.quick = 1;
        } else if (strcmp(f, "--no-torch") == 0) {
            o.torch = NULL;
        } else if (has_value && strcmp(f, "--torch") == 0) {
            o.torch = argv[++i];
        } else if (has_value && strcmp(f, "--csv") == 0) {
            o.csv = argv[++i];
        } else if (has_value && strcmp(f, "--data") == 0) {
            o.data = argv[++i];
        } else {
            fprintf(stderr, "%s: unknown option or missing value: '%s' (try --help)\n", program, f);
            exit(2);
        }
    }
    snprintf(o.torch_out, sizeof o.torch_out, "%s.pytorch", o.csv);
    return o;
}

/* ---------------------------------------------------------------- rows */

/* One measurement: ours and, when PyTorch ran, theirs under the same key. */
typedef struct {
    char key[64];               /* e.g. "gemm,1024,t1": the same in bench_torch.py */
    char label[64];             /* what the table shows */
    char unit[16];              /* GFLOP/s, ms, images/s */
    int threads;
    double ours, torch;         /* torch < 0: no figure */
    double peak_share;          /* ours / peak for GFLOP/s rows, else < 0 */
} row;

static row rows[MAX_ROWS];
static int n_rows;

static struct {
    char key[64];
    double value;
} torch_values[MAX_TORCH];
static int n_torch;
static char torch_version[64], torch_config[160];

static double torch_value(const char *key)
{
    for (int i = 0; i < n_torch; i++)
        if (strcmp(torch_values[i].key, key) == 0)
            return torch_values[i].value;
    return -1;
}

/* For times, smaller is better: the speed ratio is theirs / ours. */
static int lower_is_better(const row *r)
{
    return strcmp(r->unit, "ms") == 0;
}

static double speed_ratio(const row *r)
{
    if (r->torch <= 0 || r->ours <= 0)
        return -1;
    return lower_is_better(r) ? r->torch / r->ours : r->ours / r->torch;
}

static row *add_row(const char *key, const char *label, const char *unit, int threads, double ours, double peak)
{
    if (n_rows == MAX_ROWS) {
        fprintf(stderr, "%s: too many rows\n", program);
        exit(1);
    }
    row *r = &rows[n_rows++];
    snprintf(r->key, sizeof r->key, "%s", key);
    snprintf(r->label, sizeof r->label, "%s", label);
    snprintf(r->unit, sizeof r->unit, "%s", unit);
    r->threads = threads;
    r->ours = ours;
    r->torch = key[0] ? torch_value(key) : -1;
    r->peak_share = peak > 0 ? ours / peak : -1;
    return r;
}

static void print_header(const char *title)
{
    if (title[0])
        printf("\n%s\n", title);
    printf("  %-34s %3s %12s %7s %12s %10s\n", "", "thr", "ours", "% peak", "PyTorch", "ours/torch");
}

static void print_row(const row *r)
{
    char ours[32], peak[16] = "", torch[32] = "-", ratio[16] = "-";
    snprintf(ours, sizeof ours, "%.*f %s", strcmp(r->unit, "ms") == 0 ? 2 : (r->ours < 100 ? 1 : 0), r->ours,
             strcmp(r->unit, "images/s") == 0 ? "img/s" : r->unit);
    if (r->peak_share >= 0)
        snprintf(peak, sizeof peak, "%.0f%%", 100 * r->peak_share);
    if (r->torch > 0)
        snprintf(torch, sizeof torch, "%.*f", strcmp(r->unit, "ms") == 0 ? 2 : (r->torch < 100 ? 1 : 0), r->torch);
    if (speed_ratio(r) > 0)
        snprintf(ratio, sizeof ratio, "%.2fx", speed_ratio(r));
    printf("  %-34s %3d %12s %7s %12s %10s\n", r->label, r->threads, ours, peak, torch, ratio);
    fflush(stdout);
}

/* ---------------------------------------------------------------- PyTorch */

/* Run the PyTorch script into a file and read its "key,value" lines. */
static void run_torch(const options *o)
{
    char command[2048];
    if (!o->torch)
        return;
    snprintf(command, sizeof command, "%s %s--data '%s' > '%s' 2> '%s.log'", o->torch, o->quick ? "--quick " : "",
             o->data, o->torch_out, o->torch_out);
    printf("PyTorch: running %s\n", command);
    fflush(stdout);
    int status = system(command);
    FILE *f = fopen(o->torch_out, "r");
    if (status != 0 || !f) {
        printf("PyTorch: not available (the script failed; see %s.log). To compare, install it:\n"
               "         apt-get install python3-torch     (then make bench again)\n", o->torch_out);
        if (f)
            fclose(f);
        return;
    }
    char line[256];
    while (fgets(line, sizeof line, f) && n_torch < MAX_TORCH) {
        char *comma = strrchr(line, ',');
        if (!comma)
            continue;
        *comma = '\0';
        if (strcmp(line, "torch_version") == 0 || strcmp(line, "torch_config") == 0) {
            int is_version = line[6] == 'v';
            snprintf(is_version ? torch_version : torch_config, is_version ? sizeof torch_version : sizeof torch_config,
                     "%.*s", (int)strcspn(comma + 1, "\n"), comma + 1);
            continue;
        }
        snprintf(torch_values[n_torch].key, sizeof torch_values[n_torch].key, "%.63s", line);
        torch_values[n_torch++].value = strtod(comma + 1, NULL);
    }
    fclose(f);
    printf("PyTorch %s (%s): %d figures\n", torch_version, torch_config, n_torch);
}

/* ---------------------------------------------------------------- timing */

/* The fastest of repeated runs of fn(ctx), repeating for about `seconds`. */
static double best_time(void (*fn)(void *), void *ctx, double seconds)
{
    double best = INFINITY, spent = 0;
    fn(ctx);                                        /* warm-up: first touch of memory, caches */
    do {
        double start = wall_clock();
        fn(ctx);
        double t = wall_clock() - start;
        best = t < best ? t : best;
        spent += t;
    } while (spent < seconds);
    return best;
}

static rng_t rng;

static real *random_tensor(long n)
{
    real *t = tensor_alloc((size_t)n, "benchmark tensor");
    rng_fill_normal(&rng, t, n);
    return t;
}

/* ---------------------------------------------------------------- 2. GEMM */

typedef struct {
    int ta, tb, m, n, k, lda, ldb;
    real *a, *b, *c;
    thread_pool *pool;
    int naive;
} gemm_case;

static void run_gemm(void *ctx)
{
    gemm_case *g = ctx;
    if (g->naive)
        gemm_naive(g->ta, g->tb, g->m, g->n, g->k, 1, g->a, g->lda, g->b, g->ldb, 0, g->c, g->n);
    else
        gemm(g->ta, g->tb, g->m, g->n, g->k, 1, g->a, g->lda, g->b, g->ldb, 0, g->c, g->n, g->pool);
}

/* GFLOP/s of one GEMM. The naive loop is timed on at most `naive_rows` rows
 * of C (each row is the same work), so that it takes seconds, not minutes. */
static double gemm_gflops(int ta, int tb, int m, int n, int k, thread_pool *pool, int naive, int naive_rows,
                          double seconds)
{
    gemm_case g = { ta, tb, naive && m > naive_rows ? naive_rows : m, n, k, ta ? m : k, tb ? k : n,
                    NULL, NULL, NULL, pool, naive };      /* the first g.m rows of C; lda, ldb of the whole */
    g.a = random_tensor((long)m * k);
    g.b = random_tensor((long)k * n);
    g.c = random_tensor((long)m * n);
    double t = best_time(run_gemm, &g, seconds);
    free(g.a);
    free(g.b);
    free(g.c);
    return gemm_flops(g.m, n, k) / t / 1e9;
}

static void gemm_square_rows(const options *o, thread_pool *pools[3], const double peak[3])
{
    static const int full[] = { 256, 512, 1024, 2048 }, quick[] = { 64, 128 };
    const int *sizes = o->quick ? quick : full, count = o->quick ? 2 : 4;
    double seconds = o->quick ? 0.002 : 0.6;
    char key[64], label[64];
    print_header("GEMM C = A B, n x n x n, float (GFLOP/s; % of the FMA peak of the same threads)");
    for (int i = 0; i < count; i++) {
        int n = sizes[i];
        snprintf(label, sizeof label, "naive  %d^3%s", n, n > 512 ? " (rows sampled)" : "");
        print_row(add_row("", label, "GFLOP/s", 1, gemm_gflops(0, 0, n, n, n, NULL, 1, 64, seconds), peak[1]));
        for (int t = 1; t <= 2; t++) {
            snprintf(key, sizeof key, "gemm,%d,t%d", n, t);
            snprintf(label, sizeof label, "fast   %d^3", n);
            print_row(add_row(key, label, "GFLOP/s", t, gemm_gflops(0, 0, n, n, n, pools[t], 0, 0, seconds), peak[t]));
        }
    }
}

/* The conv layers both networks train: lesson 10's and the deeper network
 * of "Convolutional Neural Networks" (Doshi): 2x2 'same' (Keras pads the
 * extra row and column at the bottom and right), then two 3x3 valid. */
typedef struct {
    const char *name, *label;
    int in_c, in_h, in_w, out_c, k, pad_bottom_right, needs_dx;
} conv_layer;

static const conv_layer conv_layers[] = {
    { "small1", "lesson 10 conv 1->16 5x5 @28", 1, 28, 28, 16, 5, 0, 0 },
    { "doshi1", "deep conv1 1->16 2x2 same @28", 1, 28, 28, 16, 2, 1, 0 },
    { "doshi2", "deep conv2 16->128 3x3 @14", 16, 14, 14, 128, 3, 0, 1 },
    { "doshi3", "deep conv3 128->256 3x3 @12", 128, 12, 12, 256, 3, 0, 1 },
};
#define N_CONV_LAYERS 4

static conv2d_shape conv_shape(const conv_layer *l)
{
    conv2d_shape s;
    conv2d_setup_asym(&s, l->in_c, l->in_h, l->in_w, l->out_c, l->k, 1, 0, l->pad_bottom_right, 0,
                      l->pad_bottom_right);
    return s;
}

static void gemm_conv_rows(const options *o, thread_pool *pools[3], const double peak[3])
{
    int batch = o->quick ? QUICK_CONV_IMAGES : CONV_BATCH;
    double seconds = o->quick ? 0.002 : 0.4;
    char label[64];
    printf("\nThe GEMMs of the conv layers at batch %d (M x N x K: forward W cols, dW = dY cols^T, dcols = W^T dY)\n",
           batch);
    print_header("");
    for (int i = 0; i < N_CONV_LAYERS; i++) {
        conv2d_shape s = conv_shape(&conv_layers[i]);
        int taps = s.in_c * s.k_h * s.k_w, np = batch * s.out_h * s.out_w;
        int shapes[3][5] = { { 0, 0, s.out_c, np, taps }, { 0, 1, s.out_c, taps, np }, { 1, 0, taps, np, s.out_c } };
        static const char *what[3] = { "fwd", "dW", "dcols" };
        for (int g = 0; g < (conv_layers[i].needs_dx ? 3 : 2); g++) {
            int *sh = shapes[g];
            snprintf(label, sizeof label, "%s %s %dx%dx%d naive", conv_layers[i].name, what[g], sh[2], sh[3], sh[4]);
            print_row(add_row("", label, "GFLOP/s", 1,
                              gemm_gflops(sh[0], sh[1], sh[2], sh[3], sh[4], NULL, 1, 6, seconds / 2), peak[1]));
            snprintf(label, sizeof label, "%s %s %dx%dx%d fast", conv_layers[i].name, what[g], sh[2], sh[3], sh[4]);
            for (int t = 1; t <= 2; t++)
                print_row(add_row("", label, "GFLOP/s", t,
                                  gemm_gflops(sh[0], sh[1], sh[2], sh[3], sh[4], pools[t], 0, 0, seconds), peak[t]));
        }
    }
}

/* ---------------------------------------------------------------- 3. conv layers */

/* A batch of images through one conv layer, cut into MINIBATCH_SHARDS parts
 * that the threads share, as the trainer does: each part has its own
 * working memory and its own dW, db; the parts' gradients are then added. */
typedef struct {
    conv2d_shape s;
    int n, naive;
    real *x, *w, *b, *y, *dy, *dx;
    real *dw[MINIBATCH_SHARDS], *db[MINIBATCH_SHARDS];
    conv2d_batch_space space[MINIBATCH_SHARDS];
    thread_pool *pool;
    int backward;
} conv_case;

static void conv_part(void *ctx, int part)
{
    conv_case *c = ctx;
    long first, count, in = (long)c->s.in_c * c->s.in_h * c->s.in_w, out = conv2d_output_count(&c->s);
    split_range(c->n, MINIBATCH_SHARDS, part, &first, &count);
    real *x = c->x + first * in, *y = c->y + first * out, *dy = c->dy + first * out;
    real *dx = c->dx ? c->dx + first * in : NULL;
    if (count == 0)
        return;
    if (c->naive) {
        for (long i = 0; i < count; i++)
            if (c->backward)
                conv2d_backward(&c->s, x + i * in, c->w, dy + i * out, c->dw[part], c->db[part], dx ? dx + i * in : NULL);
            else
                conv2d_forward(&c->s, x + i * in, c->w, c->b, y + i * out);
    } else if (c->backward) {
        conv2d_backward_batch(&c->s, (int)count, c->w, dy, c->dw[part], c->db[part], dx, &c->space[part]);
    } else {
        conv2d_forward_batch(&c->s, (int)count, x, c->w, c->b, y, &c->space[part]);
    }
}

static void run_conv(void *ctx)
{
    conv_case *c = ctx;
    thread_pool_run(c->pool, MINIBATCH_SHARDS, conv_part, c);
    if (c->backward)                                 /* the parts' gradients, added in a fixed order */
        for (int s = 1; s < MINIBATCH_SHARDS; s++) {
            for (long i = 0; i < conv2d_weight_count(&c->s); i++)
                c->dw[0][i] += c->dw[s][i];
            for (int i = 0; i < c->s.out_c; i++)
                c->db[0][i] += c->db[s][i];
        }
}

/* Forward and backward milliseconds of one layer for a batch of `batch`
 * images (the naive loops are timed on fewer and scaled). */
static void time_conv_layer(const conv_layer *l, int batch, int naive, thread_pool *pool, double seconds,
                            double *fwd_ms, double *bwd_ms)
{
    conv_case c = { .s = conv_shape(l), .naive = naive, .pool = pool };
    c.n = naive && batch > NAIVE_CONV_IMAGES ? NAIVE_CONV_IMAGES : batch;
    if (naive && batch <= QUICK_CONV_IMAGES)
        c.n = 1;
    long in = (long)c.s.in_c * c.s.in_h * c.s.in_w, out = conv2d_output_count(&c.s);
    c.x = random_tensor(c.n * in);  c.w = random_tensor(conv2d_weight_count(&c.s));  c.b = random_tensor(c.s.out_c);
    c.y = tensor_alloc((size_t)(c.n * out), "Y");  c.dy = random_tensor(c.n * out);
    c.dx = l->needs_dx ? tensor_alloc((size_t)(c.n * in), "dX") : NULL;
    for (int s = 0; s < MINIBATCH_SHARDS; s++) {
        c.dw[s] = tensor_alloc((size_t)conv2d_weight_count(&c.s), "dW");
        c.db[s] = tensor_alloc((size_t)c.s.out_c, "db");
        if (!naive)
            conv2d_batch_space_alloc(&c.space[s], &c.s, minibatch_shard_capacity(c.n));
    }
    double scale = (double)batch / c.n;
    c.backward = 0;
    *fwd_ms = 1e3 * scale * best_time(run_conv, &c, seconds);
    c.backward = 1;                                  /* the forward pass above left its im2col in place */
    *bwd_ms = 1e3 * scale * best_time(run_conv, &c, seconds);
    for (int s = 0; s < MINIBATCH_SHARDS; s++) {
        free(c.dw[s]);
        free(c.db[s]);
        if (!naive)
            conv2d_batch_space_free(&c.space[s]);
    }
    free(c.x); free(c.w); free(c.b); free(c.y); free(c.dy); free(c.dx);
}

/* Returns the fast engine's summed forward + backward ms of the deeper
 * network's three layers on 2 threads (one of the targets). */
static double conv_layer_rows(const options *o, thread_pool *pools[3], double *torch_sum)
{
    int batch = o->quick ? QUICK_CONV_IMAGES : CONV_BATCH;
    double seconds = o->quick ? 0.002 : 0.8, sum = 0;
    char key[64], label[64];
    *torch_sum = 0;
    printf("\nConv layers, one batch of %d images, forward and backward (ms; naive timed on %d images, scaled)\n",
           batch, o->quick ? 1 : NAIVE_CONV_IMAGES);
    print_header("");
    for (int i = 0; i < N_CONV_LAYERS; i++) {
        const conv_layer *l = &conv_layers[i];
        printf("  %s\n", l->label);
        for (int t = 1; t <= 2; t++) {
            double f_naive, b_naive, f_fast, b_fast;
            time_conv_layer(l, batch, 1, pools[t], seconds / 2, &f_naive, &b_naive);
            time_conv_layer(l, batch, 0, pools[t], seconds, &f_fast, &b_fast);
            print_row(add_row("", "    forward, direct loops", "ms", t, f_naive, -1));
            snprintf(key, sizeof key, "conv,%s,fwd,t%d", l->name, t);
            conv2d_shape s = conv_shape(l);
            conv_path path = conv2d_default_path(&s);                /* the path the engine takes (conv.h) */
            snprintf(label, sizeof label, "    forward, %s", path == CONV_IM2COL ? "im2col + GEMM"
                     : path == CONV_IMPLICIT ? (conv_implicit_forward_is_wide(&s) ? "wide rows (implicit's)"
                                                                               : "implicit im2col GEMM")
                     : path == CONV_WINOGRAD ? "Winograd GEMMs"
                     : "wide rows, no im2col");
            row *rf = add_row(key, label, "ms", t, f_fast, -1);
            print_row(rf);
            print_row(add_row("", "    backward, direct loops", "ms", t, b_naive, -1));
            snprintf(key, sizeof key, "conv,%s,bwd,t%d", l->name, t);
            snprintf(label, sizeof label, "    backward, %s%s", path == CONV_IM2COL ? "GEMM + col2im"
                     : path == CONV_IMPLICIT ? "implicit GEMMs" : path == CONV_WINOGRAD ? "Winograd GEMMs"
                     : "wide rows", l->needs_dx ? "" : " (no dX)");
            row *rb = add_row(key, label, "ms", t, b_fast, -1);
            print_row(rb);
            if (t == 2 && strncmp(l->name, "doshi", 5) == 0) {
                sum += f_fast + b_fast;
                *torch_sum += rf->torch > 0 && rb->torch > 0 ? rf->torch + rb->torch : NAN;
            }
        }
    }
    return sum;
}

/* ---------------------------------------------------------------- 4. the network */

typedef struct {
    convnet_arch arch;
    convnet_params params, velocity;
    convnet_runner runner;
    real *x;                     /* (chunks, batch, 1, 28, 28) */
    int *labels;                 /* (chunks, batch) */
    int batch, chunks, next, learn;
} net_case;

/* Some training images (MNIST when there, random otherwise), in batches. */
static void fill_images(net_case *c, const options *o)
{
    mnist_data data;
    char err[512];
    long pixels = (long)c->arch.in_h * c->arch.in_w, total = (long)c->batch * c->chunks;
    int have = mnist_load(o->data, &data, err, sizeof err) == 0;
    for (long i = 0; i < total; i++) {
        if (have) {
            int image = (int)(i % data.train_images.count);
            images_to_real(&data.train_images, image, 1, c->x + i * pixels);
            c->labels[i] = data.train_labels.labels[image];
        } else {
            for (long p = 0; p < pixels; p++)
                c->x[i * pixels + p] = (real)rng_uniform(&rng);
            c->labels[i] = (int)rng_below(&rng, 10);
        }
    }
    if (have)
        mnist_free(&data);
}

/* One step: the next batch, forward (and backward + SGD with momentum). */
static void net_step(void *ctx)
{
    net_case *c = ctx;
    long pixels = (long)c->arch.in_h * c->arch.in_w;
    const real *x = c->x + (long)c->next * c->batch * pixels;
    const int *labels = c->labels + (long)c->next * c->batch;
    c->next = (c->next + 1) % c->chunks;
    if (!c->learn) {
        minibatch_forward(&c->runner.batches, x, labels, c->batch, NULL);
        return;
    }
    minibatch_gradient(&c->runner.batches, x, labels, c->batch);
    sgd_momentum_step(c->params.all, c->runner.batches.mean_grad, c->velocity.all, c->arch.n_params,
                      (real)0.01, (real)0.9);
}

/* Images per second over `steps` steps (after a few to warm up). */
static double net_rate(const options *o, int batch, int learn, engine_kind engine, thread_pool *pool, int steps)
{
    net_case c = { .batch = batch, .chunks = 16, .learn = learn };
    char err[256];
    convnet_arch_setup(&c.arch, 28, 28, 16, 5, 10, err, sizeof err);
    convnet_params_alloc(&c.arch, &c.params);
    convnet_params_alloc(&c.arch, &c.velocity);
    rng_t init = rng_seeded(1);
    convnet_init(&c.arch, &c.params, &init);
    convnet_runner_init(&c.runner, &c.arch, &c.params, engine, pool, batch);
    c.x = tensor_alloc((size_t)c.chunks * batch * 28 * 28, "benchmark images");
    c.labels = checked_calloc((size_t)c.chunks * batch, sizeof(int), "benchmark labels");
    fill_images(&c, o);
    for (int i = 0; i < 3; i++)
        net_step(&c);
    double start = wall_clock();
    for (int i = 0; i < steps; i++)
        net_step(&c);
    double rate = (double)batch * steps / (wall_clock() - start);
    convnet_runner_free(&c.runner);
    convnet_params_free(&c.params);
    convnet_params_free(&c.velocity);
    free(c.x);
    free(c.labels);
    return rate;
}

typedef struct {
    double train, infer;          /* the best over batch sizes, 2 threads */
    double torch_train, torch_infer;
} network_best;

static network_best network_rows(const options *o, thread_pool *pools[3])
{
    static const int full[] = { 32, 64, 128 }, quick[] = { 16 };
    const int *batches = o->quick ? quick : full, count = o->quick ? 1 : 3;
    network_best best = { 0, 0, 0, 0 };
    char key[64], label[64];
    printf("\nLesson 10's network (conv 16 5x5, ReLU, maxpool 2, dense 10), images per second\n");
    print_header("");
    for (int mode = 0; mode < 2; mode++)
        for (int i = 0; i < count; i++)
            for (int t = 1; t <= 2; t++) {
                int b = batches[i], learn = mode == 0;
                int fast_steps = (o->quick ? 2 : (learn ? 60000 : 160000) / b), naive_steps = fast_steps / 6 + 1;
                double naive = net_rate(o, b, learn, ENGINE_NAIVE, pools[t], naive_steps);
                double fast = net_rate(o, b, learn, ENGINE_FAST, pools[t], fast_steps);
                snprintf(label, sizeof label, "%s batch %d, naive", learn ? "training " : "inference", b);
                print_row(add_row("", label, "images/s", t, naive, -1));
                snprintf(key, sizeof key, "small,%s,b%d,t%d", learn ? "train" : "infer", b, t);
                snprintf(label, sizeof label, "%s batch %d, fast", learn ? "training " : "inference", b);
                row *r = add_row(key, label, "images/s", t, fast, -1);
                print_row(r);
                if (t == 2) {
                    double *ours = learn ? &best.train : &best.infer, *theirs = learn ? &best.torch_train : &best.torch_infer;
                    *ours = fast > *ours ? fast : *ours;
                    *theirs = r->torch > *theirs ? r->torch : *theirs;
                }
            }
    return best;
}

/* ---------------------------------------------------------------- 5. Doshi's network */

/* Doshi's network (src/sequential.h, preset doshi) at batch `batch`:
 * images per second training (Adam, dropout on) or inferring. */
static double deep_rate(const options *o, int batch, int learn, thread_pool *pool, int steps)
{
    sequential m;
    char err[512];
    if (sequential_build(&m, "doshi", 1, 28, 28, err, sizeof err) != 0) {
        fprintf(stderr, "%s: %s\n", program, err);
        exit(1);
    }
    real *params = tensor_alloc((size_t)m.n_params, "parameters"), *stats = tensor_alloc(1, "statistics");
    optimizer adam;                                   /* as lesson 12 trains it: the step shared by the threads */
    optimizer_init(&adam, OPTIMIZER_ADAM, m.n_params, 0.001, 0, 0);
    rng_t init = rng_seeded(1);
    sequential_init(&m, params, stats, &init);
    sequential_runner r;
    sequential_runner_init(&r, &m, params, stats, ENGINE_FAST, pool, batch);
    r.model.training = learn;
    r.model.fuse_pool = 1;                            /* as lesson 12 runs it */
    net_case images = { .batch = batch, .chunks = 4 };
    images.arch.in_h = images.arch.in_w = 28;
    images.x = tensor_alloc((size_t)images.chunks * batch * 28 * 28, "benchmark images");
    images.labels = checked_calloc((size_t)images.chunks * batch, sizeof(int), "benchmark labels");
    fill_images(&images, o);
    double start = 0;
    for (int i = 0; i < steps + 1; i++) {                   /* step 0 warms up */
        if (i == 1)
            start = wall_clock();
        const real *x = images.x + (long)(i % images.chunks) * batch * 28 * 28;
        const int *labels = images.labels + (long)(i % images.chunks) * batch;
        r.model.step = i;
        if (!learn) {
            minibatch_forward(&r.batches, x, labels, batch, NULL);
            continue;
        }
        minibatch_gradient(&r.batches, x, labels, batch);
        optimizer_step(&adam, params, r.batches.mean_grad, pool);
    }
    double rate = (double)batch * steps / (wall_clock() - start);
    sequential_runner_free(&r);
    optimizer_free(&adam);
    free(params); free(stats); free(images.x); free(images.labels);
    return rate;
}

static network_best deep_rows(const options *o, thread_pool *pools[3])
{
    int batch = o->quick ? 8 : 128;
    network_best best = { 0, 0, 0, 0 };
    char key[64], label[64];
    printf("\nDoshi's network (3 conv, 2 maxpool, 2 dropout, 2 dense; 1,134,426 parameters), images per second\n");
    print_header("");
    for (int mode = 0; mode < 2; mode++)
        for (int t = 1; t <= 2; t++) {
            int learn = mode == 0, steps = o->quick ? 1 : (learn ? 12 : 40);
            snprintf(key, sizeof key, "doshi,%s,b%d,t%d", learn ? "train" : "infer", batch, t);
            snprintf(label, sizeof label, "%s batch %d, fast", learn ? "training (Adam)" : "inference", batch);
            row *r = add_row(key, label, "images/s", t, deep_rate(o, batch, learn, pools[t], steps), -1);
            print_row(r);
            if (t == 2) {
                *(learn ? &best.train : &best.infer) = r->ours;
                *(learn ? &best.torch_train : &best.torch_infer) = r->torch;
            }
        }
    return best;
}

/* ---------------------------------------------------------------- is the machine quiet? */

/* A benchmark on a shared machine measures the other programs as much as
 * ours, and unevenly: PyTorch's OpenMP threads wait for each other by
 * spinning and collapse when another program takes a core (one run: its
 * 2-thread rows fell from 26,000 to 783 images/s while a compiler ran),
 * while our pool slows by about the share taken. So the ratios of a run
 * are only worth reading when the machine was quiet all along. Three
 * witnesses, any of which marks the run BUSY:
 *   1. the load average before the run starts (os_load_average, where the
 *      system gives it): >= BUSY_LOAD means other programs kept at least
 *      one core busy over the last minute;
 *   2. the FMA probe on 2 threads against the probe on 1 thread, each time
 *      the probes run (before PyTorch, in "The machine", at the end):
 *      below BUSY_SCALING x, a core was taken by someone else (or there is
 *      only one);
 *   3. the same probe at those three moments: differing by more than
 *      BUSY_DRIFT, the machine changed during the run. */
#define BUSY_LOAD 1.0
#define BUSY_SCALING 1.8
#define BUSY_DRIFT 0.10
#define MOMENTS 3

typedef struct {
    double load;                   /* 1-minute load average before the run, -1: unknown */
    double peak[MOMENTS][3];       /* GFLOP/s: [moment][threads], 0: not measured */
    int busy;
    char why[512];
} machine_check;

static void note_busy(machine_check *m, const char *reason)
{
    size_t used = strlen(m->why);
    snprintf(m->why + used, sizeof m->why - used, "%s%s", used ? "; " : "", reason);
    m->busy = 1;
}

/* The probes on 1 and 2 threads at one moment of the run. */
static void probe_moment(machine_check *m, int moment, thread_pool *pools[3], double seconds)
{
    for (int t = 1; t <= 2; t++)
        m->peak[moment][t] = measure_fma_peak(pools[t], seconds);
}

/* The three witnesses above, from what was measured. */
static void judge_machine(machine_check *m)
{
    static const char *moment_name[MOMENTS] = { "before PyTorch", "at the start", "at the end" };
    char reason[160];
    if (m->load >= BUSY_LOAD) {
        snprintf(reason, sizeof reason, "load average %.2f before the run (>= %.1f)", m->load, BUSY_LOAD);
        note_busy(m, reason);
    }
    double best[3] = { 0, 0, 0 };
    for (int i = 0; i < MOMENTS; i++)
        for (int t = 1; t <= 2; t++)
            best[t] = m->peak[i][t] > best[t] ? m->peak[i][t] : best[t];
    for (int i = 0; i < MOMENTS; i++) {
        if (m->peak[i][1] <= 0)
            continue;
        if (m->peak[i][2] < BUSY_SCALING * m->peak[i][1]) {
            snprintf(reason, sizeof reason, "2 threads ran at %.2fx of one %s (< %.1fx)",
                     m->peak[i][2] / m->peak[i][1], moment_name[i], BUSY_SCALING);
            note_busy(m, reason);
        }
        for (int t = 1; t <= 2; t++)
            if (m->peak[i][t] < (1 - BUSY_DRIFT) * best[t]) {
                snprintf(reason, sizeof reason, "the %d-thread peak %s was %.0f%% below its best",
                         t, moment_name[i], 100 * (1 - m->peak[i][t] / best[t]));
                note_busy(m, reason);
            }
    }
}

static void print_machine_check(const machine_check *m)
{
    printf("\nWas the machine quiet? (load average before the run: ");
    if (m->load >= 0)
        printf("%.2f", m->load);
    else
        printf("not known here");
    printf("; FMA peak, 1 / 2 threads, GFLOP/s:");
    for (int i = 0; i < MOMENTS; i++)
        if (m->peak[i][1] > 0)
            printf(" %.0f / %.0f", m->peak[i][1], m->peak[i][2]);
    printf(")\n");
    if (m->busy)
        printf("  BUSY: %s.\n  Every ratio below is UNRELIABLE: run make bench again with nothing else running.\n", m->why);
    else
        printf("  quiet: 2 threads at >= %.1fx of one, the probes within %.0f%% of each other.\n", BUSY_SCALING,
               100 * BUSY_DRIFT);
}

/* ---------------------------------------------------------------- the report */

static int machine_busy;          /* judge_machine's verdict: every target line says "unreliable" */

static const char *verdict(int met)
{
    return machine_busy ? "unreliable (busy machine)" : met ? "met" : "MISSED";
}

static void target(const char *what, double ratio, double goal)
{
    if (ratio > 0)
        printf("  %-62s %5.2fx  (target >= %.1fx)  %s\n", what, ratio, goal, verdict(ratio >= goal));
    else
        printf("  %-62s   -    (target >= %.1fx)  no PyTorch figure\n", what, goal);
}

static void write_csv(const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "%s: cannot write %s\n", program, path);
        return;
    }
    fprintf(f, "item,threads,unit,ours,pytorch,speed_ratio,share_of_peak\n");
    for (int i = 0; i < n_rows; i++) {
        const row *r = &rows[i];
        fprintf(f, "\"%s\",%d,%s,%.4g,", r->label[0] == ' ' ? r->label + 4 : r->label, r->threads, r->unit, r->ours);
        if (r->torch > 0)
            fprintf(f, "%.4g,%.3f,", r->torch, speed_ratio(r));
        else
            fprintf(f, ",,");
        if (r->peak_share >= 0)
            fprintf(f, "%.3f", r->peak_share);
        fprintf(f, "\n");
    }
    if (fclose(f) != 0)
        fprintf(stderr, "%s: could not finish writing %s\n", program, path);
    else
        printf("\nevery row: %s\n", path);
}

int main(int argc, char **argv)
{
    options o = parse_flags(argc, argv);
    thread_pool *pools[3] = { NULL, NULL, thread_pool_create(2) };
    double peak[3], bandwidth[3], seconds = o.quick ? 0.01 : 0.5;
    rng = rng_seeded(7);
    printf("bench: %s, %s, float; built with the fast flags (Makefile FAST_OPT)\n",
           o.quick ? "quick (tiny sizes, no PyTorch)" : "full", "2 threads at most");
    int floats = 1;
    const char *unit = vector_unit(&floats);
    printf("vector unit: %s, %d floats per vector register (the compiler's macros for the fast flags)\n", unit, floats);
    printf("compiler: %s; flags: %s\n", COMPILER_VERSION, BENCH_FLAGS);
    machine_check machine = { os_load_average(), { { 0 } }, 0, "" };
    probe_moment(&machine, 0, pools, seconds / 5);
    run_torch(&o);

    print_header("The machine");
    char peak_label[64];
    snprintf(peak_label, sizeof peak_label, "FMA peak (%d chains of %d floats)", fma_peak_chains(), floats);
    probe_moment(&machine, 1, pools, seconds);
    for (int t = 1; t <= 2; t++) {
        peak[t] = machine.peak[1][t];
        print_row(add_row("", peak_label, "GFLOP/s", t, peak[t], -1));
    }
    for (int t = 1; t <= 2; t++) {
        bandwidth[t] = measure_copy_bandwidth(pools[t], (size_t)(o.quick ? 4 : 256) << 20, seconds);
        print_row(add_row("", "memory copy (read + write)", "GB/s", t, bandwidth[t], -1));
    }
    printf("  ridge point: %.1f FLOP per byte on 2 threads (below it a loop is memory-bound)\n",
           peak[2] / (bandwidth[2] > 0 ? bandwidth[2] : 1));

    gemm_square_rows(&o, pools, peak);
    gemm_conv_rows(&o, pools, peak);
    double torch_conv = 0, ours_conv = conv_layer_rows(&o, pools, &torch_conv);
    network_best net = network_rows(&o, pools);
    network_best deep = deep_rows(&o, pools);

    probe_moment(&machine, 2, pools, seconds / 5);
    judge_machine(&machine);
    machine_busy = machine.busy;
    print_machine_check(&machine);
    add_row("", "machine busy (1: every ratio unreliable)", "flag", 2, machine.busy, -1);

    printf("\nTargets of issue 19 (2 threads unless said; ratio > 1: we are faster)\n");
    target("lesson 10's network, training images/s, best batch", net.torch_train > 0 ? net.train / net.torch_train : -1, 2.0);
    target("lesson 10's network, inference images/s, best batch", net.torch_infer > 0 ? net.infer / net.torch_infer : -1, 2.0);
    target("deeper network's 3 conv layers, forward + backward, batch 128",
           torch_conv > 0 && isfinite(torch_conv) ? torch_conv / ours_conv : -1, 1.3);
    target("Doshi's network, training images/s, batch 128", deep.torch_train > 0 ? deep.train / deep.torch_train : -1,
           1.5);
    target("Doshi's network, inference images/s, batch 128", deep.torch_infer > 0 ? deep.infer / deep.torch_infer : -1,
           1.5);
    for (int i = 0; i < n_rows; i++)
        if (strcmp(rows[i].label, "fast   1024^3") == 0 && rows[i].threads == 1)
            printf("  %-62s %5.0f%%  (target >= 80%%)  %s\n", "GEMM 1024^3, 1 thread, share of the FMA peak",
                   100 * rows[i].peak_share, verdict(rows[i].peak_share >= 0.8));
        else if (strcmp(rows[i].label, "fast   1024^3") == 0 && rows[i].threads == 2)
            printf("  %-62s %5.2fx  (target >= 1.9x)  %s\n", "GEMM 1024^3, 2 threads over 1", rows[i].ours / rows[i - 1].ours,
                   verdict(rows[i].ours / rows[i - 1].ours >= 1.9));
    write_csv(o.csv);
    thread_pool_free(pools[2]);
    return 0;
}
