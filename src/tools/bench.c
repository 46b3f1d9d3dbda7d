/* bench: how fast this machine is, how fast our engine is, and PyTorch beside
 * it on the same work, in one run (make bench; lesson 11 explains the rows).
 *
 *   build/bench [--quick] [--torch COMMAND | --no-torch] [--rounds N] [--csv FILE] [--data DIR]
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
 *   COMMAND (which runs src/tools/bench_torch.py) works;
 *   6. the rows the targets compare, measured again in N paired rounds
 *      (--rounds N, default 5): each group of rows PyTorch's and ours back
 *      to back, who goes first in turns;
 *   then the targets of the issue that asked for this, judged on the median
 *   of the quiet rounds, met or not, or "unreliable" unless most rounds were
 *   quiet (judge_rounds below; with --rounds 0, on the table's own
 *   ratios). Why rounds: on a virtual machine whose speed drifts,
 *   PyTorch's table rows, run minutes before ours, moved the same ratio by
 *   0.3-0.8 between two quiet runs. --quick: tiny sizes, a few seconds
 *   (make bench QUICK=1 runs it without PyTorch; a test runs it, so the
 *   bench cannot rot). Every row also goes to the CSV file (default
 *   build/bench.csv), which is checked before the run and written whole or
 *   not at all (out_file.h). */
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
#include "out_file.h"
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

#define MAX_ROUNDS 9

typedef struct {
    int quick;
    int rounds;                 /* paired rounds of the target rows after the table (--rounds) */
    const char *torch;          /* command that runs bench_torch.py, or NULL */
    const char *csv, *data;
    char torch_out[512];         /* what the PyTorch script printed: the CSV's name + ".pytorch" */
} options;

static void usage(FILE *out)
{
    fprintf(out, "usage: %s [--quick] [--torch COMMAND | --no-torch] [--rounds N] [--csv FILE] [--data DIR]\n"
                 "  --quick          tiny sizes, a few seconds (PyTorch's too, if --torch)\n"
                 "  --rounds N       paired rounds of the target rows after the table, 0-%d\n"
                 "                   (default 5; 1 with --quick): the targets are judged on their median\n"
                 "  --torch COMMAND  how to run src/tools/bench_torch.py (the Makefile passes it)\n"
                 "  --csv FILE       where to write every row (default build/bench.csv)\n"
                 "  --data DIR       MNIST, for real images in the network rows (default data/mnist;\n"
                 "                   random images when DIR has no MNIST: the speed is the same)\n", program,
            MAX_ROUNDS);
}

static options parse_flags(int argc, char **argv)
{
    options o = { 0, -1, NULL, "build/bench.csv", "data/mnist", "" };
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
        } else if (has_value && strcmp(f, "--rounds") == 0) {
            char *end;
            long n = strtol(argv[++i], &end, 10);
            if (*end || end == argv[i] || n < 0 || n > MAX_ROUNDS) {
                fprintf(stderr, "%s: --rounds wants a whole number from 0 to %d, not '%s'\n", program, MAX_ROUNDS,
                        argv[i]);
                exit(2);
            }
            o.rounds = (int)n;
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
    if (o.rounds < 0)
        o.rounds = o.quick ? 1 : 5;
    return o;
}

/* ---------------------------------------------------------------- rows */

/* One measurement: ours and, when PyTorch ran, theirs under the same key. */
typedef struct {
    char key[64];               /* e.g. "gemm,1024,t1": the same in bench_torch.py */
    char label[128];            /* what the table shows */
    char unit[16];              /* GFLOP/s, ms, images/s */
    int threads;
    double ours, torch;         /* torch < 0: no figure */
    double peak_share;          /* ours / peak for GFLOP/s rows, else < 0 */
} row;

static row rows[MAX_ROWS];
static int n_rows;

/* What one run of the PyTorch script printed: "key,value" lines. */
typedef struct {
    struct {
        char key[64];
        double value;
    } values[MAX_TORCH];
    int n;
} torch_table;

static torch_table torch_main;   /* the full table's run, before ours */
static char torch_version[64], torch_config[160];

static double torch_value(const torch_table *t, const char *key)
{
    for (int i = 0; i < t->n; i++)
        if (strcmp(t->values[i].key, key) == 0)
            return t->values[i].value;
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
    r->torch = key[0] ? torch_value(&torch_main, key) : -1;
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
    if (r->ours < 0)                              /* no figure (a backward lost in the timer's noise) */
        snprintf(ours, sizeof ours, "-");
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

/* Run the PyTorch script (with `extra` flags) into the file `out` and read
 * its "key,value" lines into t. Returns 0, or -1 when it failed (t empty). */
static int run_torch(const options *o, const char *extra, const char *out, torch_table *t, int quiet)
{
    char command[2048];
    t->n = 0;
    if (!o->torch)
        return -1;
    snprintf(command, sizeof command, "%s %s%s--data '%s' > '%s' 2> '%s.log'", o->torch, o->quick ? "--quick " : "",
             extra, o->data, out, out);
    if (!quiet)
        printf("PyTorch: running %s\n", command);
    fflush(stdout);
    int status = system(command);
    FILE *f = fopen(out, "r");
    if ((status != 0 || !f) && quiet) {
        printf("  PyTorch failed in this round (see %s.log)\n", out);
    } else if (status != 0 || !f) {
        printf("PyTorch: the command failed (see %s.log): no comparison. If PyTorch is not installed:\n"
               "         apt-get install python3-torch     (then make bench again)\n", out);
    }
    if (status != 0 || !f) {
        if (f)
            fclose(f);
        return -1;
    }
    char line[256], bad[520] = "";
    int not_understood = 0;
    while (fgets(line, sizeof line, f) && t->n < MAX_TORCH) {
        char *comma = strrchr(line, ',');
        if (!comma) {
            if (!not_understood++)
                snprintf(bad, sizeof bad, "%.*s", (int)strcspn(line, "\n"), line);
            continue;
        }
        *comma = '\0';
        if (strcmp(line, "torch_version") == 0 || strcmp(line, "torch_config") == 0) {
            int is_version = line[6] == 'v';
            snprintf(is_version ? torch_version : torch_config, is_version ? sizeof torch_version : sizeof torch_config,
                     "%.*s", (int)strcspn(comma + 1, "\n"), comma + 1);
            continue;
        }
        char *end;
        double value = strtod(comma + 1, &end);
        end += strspn(end, " \r\n");
        if (end == comma + 1 || *end || !(value >= 1e-6 && value <= 1e12)) {   /* a time or a rate, not 0 or inf */
            if (!not_understood++)
                snprintf(bad, sizeof bad, "%s,%.*s", line, (int)strcspn(comma + 1, "\n"), comma + 1);
            continue;
        }
        snprintf(t->values[t->n].key, sizeof t->values[t->n].key, "%.63s", line);
        t->values[t->n++].value = value;
    }
    fclose(f);
    if (not_understood)
        printf("PyTorch: %d line%s of %s not understood and left out (the first: '%s')\n", not_understood,
               not_understood > 1 ? "s" : "", out, bad);
    if (t->n == 0) {
        printf("PyTorch: no figures in %s: no comparison%s\n", out, quiet ? " in this round" : "");
        return -1;
    }
    if (!quiet)
        printf("PyTorch %s (%s): %d figures\n", torch_version, torch_config, t->n);
    return 0;
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
    int backward;                /* 1: the forward, then the backward (which reads what the forward kept) */
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
        for (long i = 0; i < count; i++) {
            conv2d_forward(&c->s, x + i * in, c->w, c->b, y + i * out);
            if (c->backward)
                conv2d_backward(&c->s, x + i * in, c->w, dy + i * out, c->dw[part], c->db[part], dx ? dx + i * in : NULL);
        }
    } else {
        conv2d_forward_batch(&c->s, (int)count, x, c->w, c->b, y, &c->space[part]);
        if (c->backward)
            conv2d_backward_batch(&c->s, (int)count, c->w, dy, c->dw[part], c->db[part], dx, &c->space[part]);
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
 * images (the naive loops are timed on fewer and scaled). The backward is
 * timed as bench_torch.py times PyTorch's: the forward and the backward
 * together, less the forward alone (a backward on its own, run again and
 * again after one forward, would redo work a forward does for it: the
 * Winograd path's input transform, whose result its backward overwrites). */
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
    c.backward = 1;
    double both_ms = 1e3 * scale * best_time(run_conv, &c, seconds);
    *bwd_ms = both_ms > *fwd_ms ? both_ms - *fwd_ms : -1;   /* -1: lost in the noise, no figure */
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
                sum = sum >= 0 && b_fast >= 0 ? sum + f_fast + b_fast : -1;
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
    static int said;
    if (!have && !said++)
        printf("(no MNIST in %s: the network rows run on random images, at the same speed)\n", o->data);
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
 * while our pool slows by about the share taken. So ratios are only worth
 * reading when the machine was quiet. Four witnesses:
 *   1. the load average before the run starts (os_load_average, where the
 *      system gives it): >= BUSY_LOAD means other programs kept at least
 *      one core busy over the last minute: the whole run is BUSY;
 *   2. the FMA probe on 2 threads against the probe on 1 thread, each time
 *      the probes run (before PyTorch, in "The machine", after the table,
 *      before each paired round and after the last): below BUSY_SCALING x,
 *      a core was taken by someone else (or there is only one);
 *   3. the same probe at those moments: more than BUSY_DRIFT below the
 *      best of the run, the machine changed;
 *   4. over each paired round, the processor time the whole machine spent
 *      running programs minus ours and PyTorch's (os_cpu_times_now), and
 *      the time the host of a virtual machine took from it ("steal"): more
 *      than BUSY_OTHERS of a core (other programs: beyond the cores past
 *      the 2 the bench uses), someone else was running.
 * The table is BUSY when witness 1 speaks, or 2 or 3 at any of its three
 * moments; a paired round is busy when 2 or 3 speak at the probes just
 * before or just after it, or 4 during it, and the targets' median leaves
 * busy rounds out. (On this kind of virtual machine the second core went
 * missing for a moment in several quiet runs, which had made the whole of
 * a 7-minute run unreliable; and a load average left over from the minute
 * before the run says nothing about rounds that start minutes later.) */
#define BUSY_LOAD 1.0
#define BUSY_SCALING 1.8
#define BUSY_DRIFT 0.10
#define BUSY_OTHERS 0.10                /* of a core, over a paired round: other programs (beyond the cores
                                           the bench does not use), or the host */
#define TABLE_MOMENTS 3                 /* the probes of the table: before PyTorch, at the start, after it */
#define MAX_MOMENTS (TABLE_MOMENTS + MAX_ROUNDS + 1)

typedef struct {
    double load;                   /* 1-minute load average before the run, -1: unknown */
    double peak[MAX_MOMENTS][3];   /* GFLOP/s: [moment][threads] */
    char name[MAX_MOMENTS][40];    /* e.g. "before round 2" */
    int moments;                   /* how many probes ran */
    int busy;                      /* the table's verdict */
    char why[512];
} machine_check;

/* The probes on 1 and 2 threads at one more moment of the run. */
static void probe_moment(machine_check *m, const char *name, thread_pool *pools[3], double seconds)
{
    if (m->moments == MAX_MOMENTS)
        return;
    for (int t = 1; t <= 2; t++)
        m->peak[m->moments][t] = measure_fma_peak(pools[t], seconds);
    snprintf(m->name[m->moments++], sizeof m->name[0], "%s", name);
}

static void add_reason(char *why, size_t size, const char *reason)
{
    size_t used = strlen(why);
    snprintf(why + used, size - used, "%s%s", used ? "; " : "", reason);
}

/* Witnesses 2 and 3 at moments first..last (against the best probe of the
 * whole run): 1 and the reasons added to `why` when one of them speaks. */
static int moments_busy(const machine_check *m, int first, int last, char *why, size_t size)
{
    double best[3] = { 0, 0, 0 };
    char reason[160];
    int busy = 0;
    for (int i = 0; i < m->moments; i++)
        for (int t = 1; t <= 2; t++)
            best[t] = m->peak[i][t] > best[t] ? m->peak[i][t] : best[t];
    for (int i = first; i <= last && i < m->moments; i++) {
        if (m->peak[i][2] < BUSY_SCALING * m->peak[i][1]) {
            snprintf(reason, sizeof reason, "2 threads ran at %.2fx of one %s (< %.1fx)",
                     m->peak[i][2] / m->peak[i][1], m->name[i], BUSY_SCALING);
            add_reason(why, size, reason);
            busy = 1;
        }
        for (int t = 1; t <= 2; t++)
            if (m->peak[i][t] < (1 - BUSY_DRIFT) * best[t]) {
                snprintf(reason, sizeof reason, "the %d-thread peak %s was %.0f%% below its best",
                         t, m->name[i], 100 * (1 - m->peak[i][t] / best[t]));
                add_reason(why, size, reason);
                busy = 1;
            }
    }
    return busy;
}

/* The table's verdict: witness 1, and 2 and 3 at the table's moments. */
static void judge_machine(machine_check *m)
{
    char reason[160];
    if (m->load >= BUSY_LOAD) {
        snprintf(reason, sizeof reason, "load average %.2f before the run (>= %.1f)", m->load, BUSY_LOAD);
        add_reason(m->why, sizeof m->why, reason);
        m->busy = 1;
    }
    if (moments_busy(m, 0, TABLE_MOMENTS - 1, m->why, sizeof m->why))
        m->busy = 1;
}

static void print_machine_check(const machine_check *m)
{
    printf("\nWas the machine quiet during the table? (load average before the run: ");
    if (m->load >= 0)
        printf("%.2f", m->load);
    else
        printf("not known here");
    printf("; FMA peak, 1 / 2 threads, GFLOP/s:");
    for (int i = 0; i < TABLE_MOMENTS && i < m->moments; i++)
        printf(" %.0f / %.0f", m->peak[i][1], m->peak[i][2]);
    printf(")\n");
    if (m->busy)
        printf("  BUSY: %s.\n  The table's ratios are UNRELIABLE.\n", m->why);
    else
        printf("  quiet: 2 threads at >= %.1fx of one, the probes within %.0f%% of the run's best.\n", BUSY_SCALING,
               100 * BUSY_DRIFT);
}

/* ---------------------------------------------------------------- 6. the targets, in paired rounds */

/* The targets of issue 19. Each is a speed ratio against PyTorch (> 1: we
 * are faster), except the GEMM's, which are ours alone. */
enum { T_SMALL_TRAIN, T_SMALL_INFER, T_CONV, T_DOSHI_TRAIN, T_DOSHI_INFER, T_GEMM_SHARE, T_GEMM_SCALING, N_TARGETS };

static const struct {
    const char *what, *unit;   /* unit of ours and theirs: images/s, ms (smaller is better), share, x */
    int threads;
    double goal;
} targets[N_TARGETS] = {
    { "lesson 10's network, training images/s, best batch", "images/s", 2, 2.0 },
    { "lesson 10's network, inference images/s, best batch", "images/s", 2, 2.0 },
    { "deeper network's 3 conv layers, forward + backward, batch 128", "ms", 2, 1.3 },
    { "Doshi's network, training images/s, batch 128", "images/s", 2, 1.5 },
    { "Doshi's network, inference images/s, batch 128", "images/s", 2, 1.5 },
    { "GEMM 1024^3, 1 thread, share of the FMA peak", "share", 1, 0.8 },
    { "GEMM 1024^3, 2 threads over 1", "x", 2, 1.9 },
};

/* One measurement of every target: ours, PyTorch's (< 0: none) and the
 * ratio the target is judged on (< 0: none). */
typedef struct {
    double ours[N_TARGETS], torch[N_TARGETS], ratio[N_TARGETS];
    int quiet;                  /* a paired round: 1 when no witness spoke (judge_rounds) */
    double others, stolen;      /* a paired round: processors taken by other programs, by the host; -1: unknown */
} target_set;

static const int network_batches[] = { 32, 64, 128 };

/* PyTorch's side of each target from one run of its script (2 threads). */
static void torch_targets(const options *o, const torch_table *t, target_set *out)
{
    char key[64];
    for (int i = 0; i < N_TARGETS; i++)
        out->torch[i] = -1;
    for (int mode = 0; mode < 2; mode++)                 /* lesson 10's network: its best batch */
        for (int i = 0; i < (o->quick ? 1 : 3); i++) {
            snprintf(key, sizeof key, "small,%s,b%d,t2", mode == 0 ? "train" : "infer",
                     o->quick ? 16 : network_batches[i]);
            double v = torch_value(t, key), *best = &out->torch[mode == 0 ? T_SMALL_TRAIN : T_SMALL_INFER];
            *best = v > *best ? v : *best;
        }
    double sum = 0;                                      /* the deeper network's conv layers, summed */
    for (int i = 0; i < N_CONV_LAYERS; i++)
        for (int pass = 0; pass < 2 && strncmp(conv_layers[i].name, "doshi", 5) == 0; pass++) {
            snprintf(key, sizeof key, "conv,%s,%s,t2", conv_layers[i].name, pass == 0 ? "fwd" : "bwd");
            double v = torch_value(t, key);
            sum = v > 0 && sum >= 0 ? sum + v : -1;
        }
    out->torch[T_CONV] = sum > 0 ? sum : -1;
    snprintf(key, sizeof key, "doshi,train,b%d,t2", o->quick ? 8 : 128);
    out->torch[T_DOSHI_TRAIN] = torch_value(t, key);
    snprintf(key, sizeof key, "doshi,infer,b%d,t2", o->quick ? 8 : 128);
    out->torch[T_DOSHI_INFER] = torch_value(t, key);
}

/* Each target's ratio from ours and theirs. */
static void target_ratios(target_set *t)
{
    for (int i = 0; i < N_TARGETS; i++) {
        if (i == T_GEMM_SHARE || i == T_GEMM_SCALING)
            t->ratio[i] = t->ours[i];
        else if (t->ours[i] <= 0 || t->torch[i] <= 0)
            t->ratio[i] = -1;
        else
            t->ratio[i] = strcmp(targets[i].unit, "ms") == 0 ? t->torch[i] / t->ours[i] : t->ours[i] / t->torch[i];
    }
}

/* One figure of a target: "1.23x", or "84%" for a share of the peak. */
static const char *figure(int target, double value, char *text, size_t size)
{
    if (value < 0)
        snprintf(text, size, "-");
    else if (target == T_GEMM_SHARE)
        snprintf(text, size, "%.0f%%", 100 * value);
    else
        snprintf(text, size, "%.2fx", value);
    return text;
}

/* The groups of target rows a round measures, each PyTorch's and ours back
 * to back (bench_torch.py --targets GROUP); the GEMM's rows are ours alone. */
enum { G_CONV, G_SMALL, G_DOSHI, G_GEMM, N_GROUPS };
static const char *group_name[N_GROUPS] = { "conv", "small", "doshi", "gemm" };

/* Our side of one group's targets, measured again (the same sizes and steps
 * as the table's rows), into t->ours. peak1: the FMA peak on 1 thread. */
static void our_group(const options *o, thread_pool *pools[3], double peak1, int group, target_set *t)
{
    for (int mode = 0; mode < 2 && group == G_SMALL; mode++) {
        int learn = mode == 0, index = learn ? T_SMALL_TRAIN : T_SMALL_INFER;
        t->ours[index] = 0;
        for (int i = 0; i < (o->quick ? 1 : 3); i++) {
            int b = o->quick ? 16 : network_batches[i], steps = o->quick ? 2 : (learn ? 60000 : 160000) / b;
            double rate = net_rate(o, b, learn, ENGINE_FAST, pools[2], steps);
            t->ours[index] = rate > t->ours[index] ? rate : t->ours[index];
        }
    }
    if (group == G_CONV) {
        t->ours[T_CONV] = 0;
        for (int i = 0; i < N_CONV_LAYERS; i++)
            if (strncmp(conv_layers[i].name, "doshi", 5) == 0) {
                double f, b;
                time_conv_layer(&conv_layers[i], o->quick ? QUICK_CONV_IMAGES : CONV_BATCH, 0, pools[2],
                                o->quick ? 0.002 : 0.8, &f, &b);
                t->ours[T_CONV] = t->ours[T_CONV] >= 0 && b >= 0 ? t->ours[T_CONV] + f + b : -1;
            }
    }
    for (int mode = 0; mode < 2 && group == G_DOSHI; mode++) {
        int learn = mode == 0;
        t->ours[learn ? T_DOSHI_TRAIN : T_DOSHI_INFER] =
            deep_rate(o, o->quick ? 8 : 128, learn, pools[2], o->quick ? 1 : (learn ? 12 : 40));
    }
    if (group == G_GEMM) {
        int n = o->quick ? 128 : 1024;
        double seconds = o->quick ? 0.002 : 0.6;
        double g1 = gemm_gflops(0, 0, n, n, n, pools[1], 0, 0, seconds);
        double g2 = gemm_gflops(0, 0, n, n, n, pools[2], 0, 0, seconds);
        t->ours[T_GEMM_SHARE] = g1 / peak1;
        t->ours[T_GEMM_SCALING] = g2 / g1;
    }
}

/* One paired round: each group's rows, PyTorch's and ours back to back
 * (seconds apart), PyTorch first and ours first in turns from one group
 * and one round to the next, so that a machine drifting one way favours
 * neither. Each round's figures also go to the CSV. */
static void paired_round(const options *o, thread_pool *pools[3], double peak1, int round, target_set *t)
{
    char out[600], extra[64], label[128], text[16];
    torch_table all = { .n = 0 }, one;
    os_cpu_times before, after;
    int known = os_cpu_times_now(&before) == 0;
    double start = wall_clock();
    for (int g = 0; g < N_GROUPS; g++) {
        int torch_first = (round + g) % 2 == 0, has_torch = g != G_GEMM;
        snprintf(out, sizeof out, "%s.round%d.%s", o->torch_out, round + 1, group_name[g]);
        snprintf(extra, sizeof extra, "--targets %s ", group_name[g]);
        for (int turn = 0; turn < 2; turn++) {
            if (turn == (torch_first ? 1 : 0)) {
                our_group(o, pools, peak1, g, t);
                continue;
            }
            if (!has_torch || run_torch(o, extra, out, &one, 1) != 0)
                continue;
            for (int i = 0; i < one.n && all.n < MAX_TORCH; i++)
                all.values[all.n++] = one.values[i];
        }
    }
    double wall = wall_clock() - start;
    t->others = t->stolen = -1;
    /* in processors: 1.0 = one core all along; the counts are in ticks (10 ms here): over less than
     * a few seconds (--quick) they say little */
    if (known && os_cpu_times_now(&after) == 0 && wall >= 2) {
        t->others = ((after.machine_busy - before.machine_busy) - (after.own - before.own)) / wall;
        t->stolen = (after.machine_stolen - before.machine_stolen) / wall;
    }
    torch_targets(o, &all, t);
    target_ratios(t);
    printf("  round %d of %d:", round + 1, o->rounds);
    for (int i = 0; i < N_TARGETS; i++) {
        snprintf(label, sizeof label, "round %d: %s", round + 1, targets[i].what);
        row *r = add_row("", label, targets[i].unit, targets[i].threads, t->ours[i], -1);
        r->torch = t->torch[i];
        printf(" %s", figure(i, t->ratio[i], text, sizeof text));
    }
    if (t->others > -1)
        printf("   (other programs %.2f of a core, the host %.2f)", t->others, t->stolen);
    printf("\n");
    fflush(stdout);
}

static double median(const double *v, int n)
{
    double sorted[MAX_ROUNDS];
    for (int i = 0; i < n; i++) {                        /* insertion sort: n <= MAX_ROUNDS */
        int j = i;
        for (; j > 0 && sorted[j - 1] > v[i]; j--)
            sorted[j] = sorted[j - 1];
        sorted[j] = v[i];
    }
    return n % 2 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
}

/* ---------------------------------------------------------------- the report */

/* Each round quiet or busy: by the probes just before and after it
 * (witnesses 2 and 3) and by the processor time others took during it
 * (witness 4); prints why, records it in the CSV. Returns the number of
 * quiet rounds. */
static int judge_rounds(const options *o, const machine_check *m, target_set rounds[])
{
    int quiet = 0, cores = os_processors();
    char label[64];
    /* the bench and PyTorch use 2 cores: other programs on the others, if any, are allowed */
    double others_allowed = BUSY_OTHERS + (cores > 2 ? cores - 2 : 0);
    for (int r = 0; r < o->rounds; r++) {
        char why[512] = "", reason[160];
        int first = TABLE_MOMENTS + r;                 /* the probe before round r, then the one after it */
        rounds[r].quiet = !moments_busy(m, first, first + 1, why, sizeof why);
        if (rounds[r].others > others_allowed) {
            snprintf(reason, sizeof reason, "other programs took %.2f of a core during it (> %.2f)", rounds[r].others,
                     others_allowed);
            add_reason(why, sizeof why, reason);
            rounds[r].quiet = 0;
        }
        if (rounds[r].stolen > BUSY_OTHERS) {
            snprintf(reason, sizeof reason, "the virtual machine's host took %.2f of a core from it (> %.2f)",
                     rounds[r].stolen, BUSY_OTHERS);
            add_reason(why, sizeof why, reason);
            rounds[r].quiet = 0;
        }
        quiet += rounds[r].quiet;
        if (!rounds[r].quiet)
            printf("  round %d was busy: %s\n", r + 1, why);
        snprintf(label, sizeof label, "round %d: quiet (1) or busy (0)", r + 1);
        add_row("", label, "flag", 2, rounds[r].quiet, -1);
    }
    if (o->rounds > 0)
        printf("  %d of %d paired rounds quiet\n", quiet, o->rounds);
    return quiet;
}

/* The targets: the table's figure, each round's (a busy round's in
 * parentheses), and the verdict on the median of the quiet rounds that
 * have a figure, given when most rounds were quiet ("unreliable" when half
 * or more were busy); with no rounds, on the table's figure. */
static void print_targets(const options *o, const machine_check *m, const target_set *table, const target_set rounds[])
{
    char text[16], cell[20];
    int quiet = 0;
    for (int r = 0; r < o->rounds; r++)
        quiet += rounds[r].quiet;
    int unreliable = o->rounds > 0 ? 2 * quiet <= o->rounds : m->busy;
    printf("\nTargets of issue 19 (2 threads unless said; ratio > 1: we are faster)\n");
    if (o->rounds > 0)
        printf("judged on the median of the quiet ones of %d paired rounds (each group of rows PyTorch's and ours\n"
               "back to back, who goes first in turns; a busy round's figure in parentheses); the table's own\n"
               "ratios come from PyTorch run minutes before ours\n", o->rounds);
    printf("  %-62s %6s  %-*s %6s  %-6s %s\n", "", "table", 8 * o->rounds, o->rounds ? "rounds" : "",
           o->rounds ? "median" : "", "target", "");
    for (int i = 0; i < N_TARGETS; i++) {
        double v[MAX_ROUNDS];
        int n = 0;
        printf("  %-62s %6s  ", targets[i].what, figure(i, table->ratio[i], text, sizeof text));
        for (int r = 0; r < o->rounds; r++) {
            figure(i, rounds[r].ratio[i], text, sizeof text);
            snprintf(cell, sizeof cell, rounds[r].quiet ? "%s" : "(%s)", text);
            printf("%7s ", cell);
            if (rounds[r].quiet && rounds[r].ratio[i] >= 0)
                v[n++] = rounds[r].ratio[i];
        }
        double judged = o->rounds == 0 ? table->ratio[i] : n == 0 ? -1 : median(v, n);
        int missing = judged < 0 && (o->rounds == 0 || quiet > 0);   /* no figure where there should be one */
        char goal[16];
        if (i == T_GEMM_SHARE)
            snprintf(goal, sizeof goal, ">= %.0f%%", 100 * targets[i].goal);
        else
            snprintf(goal, sizeof goal, ">= %.1fx", targets[i].goal);
        printf("%6s  %-6s %s\n", o->rounds ? figure(i, judged, text, sizeof text) : "", goal,
               unreliable ? (o->rounds > 0 ? "unreliable (too few quiet rounds)" : "unreliable (busy machine)")
               : missing ? "no PyTorch figure"
               : judged >= targets[i].goal ? "met" : "MISSED");
        if (o->rounds > 0) {
            row *r = add_row("", "", "ratio", targets[i].threads, judged, -1);
            snprintf(r->label, sizeof r->label, "median of the rounds: %s", targets[i].what);
        }
    }
}

/* Every row to the CSV file, through out_file (the old file stays whole if
 * anything fails). Returns 0, or -1 after one line on stderr. */
static int write_csv(const char *path)
{
    out_file f;
    char err[512];
    if (out_file_open(&f, path, err, sizeof err) != 0) {
        fprintf(stderr, "%s: %s\n", program, err);
        return -1;
    }
    out_file_printf(&f, "item,threads,unit,ours,pytorch,speed_ratio,share_of_peak\n");
    for (int i = 0; i < n_rows; i++) {
        const row *r = &rows[i];
        out_file_printf(&f, "\"%s\",%d,%s,", r->label[0] == ' ' ? r->label + 4 : r->label, r->threads, r->unit);
        if (r->ours >= 0)                           /* no figure: an empty cell, not -1 */
            out_file_printf(&f, "%.4g", r->ours);
        out_file_printf(&f, ",");
        if (r->torch > 0)
            out_file_printf(&f, "%.4g,%.3f,", r->torch, speed_ratio(r));
        else
            out_file_printf(&f, ",,");
        if (r->peak_share >= 0)
            out_file_printf(&f, "%.3f", r->peak_share);
        out_file_printf(&f, "\n");
    }
    if (out_file_commit(&f, err, sizeof err) != 0) {
        fprintf(stderr, "%s: %s\n", program, err);
        return -1;
    }
    printf("\nevery row: %s\n", path);
    return 0;
}

int main(int argc, char **argv)
{
    options o = parse_flags(argc, argv);
    char err[512];
    if (out_file_check(o.csv, err, sizeof err) != 0) {     /* before minutes of work, not after */
        fprintf(stderr, "%s: %s\n", program, err);
        return 2;
    }
    thread_pool *pools[3] = { NULL, NULL, thread_pool_create(2) };
    double peak[3], bandwidth[3], seconds = o.quick ? 0.01 : 0.5;
    rng = rng_seeded(7);
    printf("bench: %s, %s, float; built with the fast flags (Makefile FAST_OPT)\n",
           o.quick ? "quick (tiny sizes)" : "full", "2 threads at most");
    int floats = 1;
    const char *unit = vector_unit(&floats);
    printf("vector unit: %s, %d floats per vector register (the compiler's macros for the fast flags)\n", unit, floats);
    printf("compiler: %s; flags: %s\n", COMPILER_VERSION, BENCH_FLAGS);
    static machine_check machine;
    machine.load = os_load_average();
    probe_moment(&machine, o.torch ? "before PyTorch" : "first", pools, seconds / 5);
    if (run_torch(&o, "", o.torch_out, &torch_main, 0) != 0)
        o.torch = NULL;                               /* the paired rounds then measure ours alone */

    print_header("The machine");
    char peak_label[64];
    snprintf(peak_label, sizeof peak_label, "FMA peak (%d chains of %d floats)", fma_peak_chains(), floats);
    probe_moment(&machine, "at the start", pools, seconds);
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

    probe_moment(&machine, "after the table", pools, seconds / 5);

    target_set table = { .quiet = 1 }, rounds[MAX_ROUNDS];
    table.ours[T_SMALL_TRAIN] = net.train;
    table.ours[T_SMALL_INFER] = net.infer;
    table.ours[T_CONV] = ours_conv;
    table.ours[T_DOSHI_TRAIN] = deep.train;
    table.ours[T_DOSHI_INFER] = deep.infer;
    for (int i = 0; i < n_rows; i++)
        if (strcmp(rows[i].label, "fast   1024^3") == 0 && rows[i].threads == 2) {
            table.ours[T_GEMM_SHARE] = rows[i - 1].peak_share;
            table.ours[T_GEMM_SCALING] = rows[i].ours / rows[i - 1].ours;
        }
    if (o.quick)                                      /* (no 1024^3 in the quick table) */
        table.ours[T_GEMM_SHARE] = table.ours[T_GEMM_SCALING] = -1;
    torch_targets(&o, &torch_main, &table);
    target_ratios(&table);
    if (o.rounds > 0)
        printf("\nPaired rounds: the target rows again, PyTorch's and ours back to back, %d time%s\n"
               "(each round's ratios in the order of the targets below)\n", o.rounds, o.rounds > 1 ? "s" : "");
    for (int r = 0; r < o.rounds; r++) {
        char name[40];
        snprintf(name, sizeof name, "before round %d", r + 1);
        probe_moment(&machine, name, pools, seconds / 5);
        paired_round(&o, pools, peak[1], r, &rounds[r]);
    }
    if (o.rounds > 0)
        probe_moment(&machine, "after the last round", pools, seconds / 5);

    judge_machine(&machine);
    print_machine_check(&machine);
    add_row("", "machine busy (1: the table's ratios unreliable)", "flag", 2, machine.busy, -1);
    int quiet_rounds = judge_rounds(&o, &machine, rounds);
    if (o.rounds > 0)
        add_row("", "quiet paired rounds", "rounds", 2, quiet_rounds, -1);
    print_targets(&o, &machine, &table, rounds);
    int written = write_csv(o.csv);
    thread_pool_free(pools[2]);
    return written == 0 ? 0 : 1;
}
