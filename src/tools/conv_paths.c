/* conv_paths: the batched convolution paths of conv.h side by side, on one
 * thread, in CPU time: lesson 11's im2col + GEMM, the implicit im2col without
 * the copies, and Winograd F(2x2, 3x3) where it applies, on the conv layers
 * of lesson 10's and Doshi's networks.
 *
 *   build/conv_paths [ROUNDS]      (default 5)
 *
 * Each round runs every path once on the same batch, forward then backward,
 * one path after the other, so a machine that gets busier or quieter during
 * the run slows every path alike; each path keeps its best round. The batch
 * is one thread's share of a batch of 128 (MINIBATCH_SHARDS parts, as the
 * trainer cuts it), timed with clock(): the processor time of this process,
 * which other programs on the machine inflate far less than they do the
 * wall clock. The ratios (im2col's time over the path's) are the figures to
 * read; the milliseconds are those of this machine at this moment. The path
 * conv2d_default_path picks for each layer is marked "default". Then, once,
 * how far each path's Y, dW and dX are from im2col's: the rounding of the
 * real type this was built with (float for build/conv_paths). */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "conv.h"
#include "conv_wide.h"
#include "minibatch.h"
#include "rng.h"
#include "tensor.h"
#include "winograd.h"

#define BATCH 128
#define PATHS 4

typedef struct {
    const char *label;
    int in_c, in_h, in_w, out_c, k, pad_bottom_right, needs_dx;
} layer;

static const layer layers[] = {         /* the conv rows of src/tools/bench.c */
    { "lesson 10 conv 1->16 5x5 @28", 1, 28, 28, 16, 5, 0, 0 },
    { "deep conv1 1->16 2x2 same @28", 1, 28, 28, 16, 2, 1, 0 },
    { "deep conv2 16->128 3x3 @14", 16, 14, 14, 128, 3, 0, 1 },
    { "deep conv3 128->256 3x3 @12", 128, 12, 12, 256, 3, 0, 1 },
    { "16->32 3x3 @14 (with dX)", 16, 14, 14, 32, 3, 0, 1 },
};

static double cpu_ms(void)
{
    return 1e3 * (double)clock() / CLOCKS_PER_SEC;
}

static real *random_tensor(rng_t *rng, long n)
{
    real *t = tensor_alloc((size_t)n, "conv_paths tensor");
    rng_fill_normal(rng, t, n);
    return t;
}

/* max |a - b| / max |b| over n numbers. */
static double relative_difference(const real *a, const real *b, long n)
{
    double diff = 0, size = 0;
    for (long i = 0; i < n; i++) {
        double d = (double)a[i] - (double)b[i], m = (double)b[i];
        diff = d > diff ? d : -d > diff ? -d : diff;
        size = m > size ? m : -m > size ? -m : size;
    }
    return size > 0 ? diff / size : diff;
}

/* Each path's Y, dW and dX against im2col's, once, untimed: the rounding a reader should expect. */
static void print_differences(const conv2d_shape *s, int n, int n_paths, const conv_path *path,
                              conv2d_batch_space *ws, const real *x,
                              const real *w, const real *b, const real *dy, int needs_dx)
{
    long in = (long)s->in_c * s->in_h * s->in_w, out = conv2d_output_count(s), nw = conv2d_weight_count(s);
    real *y[PATHS], *dw[PATHS], *db[PATHS], *dx[PATHS];
    for (int p = 0; p < n_paths; p++) {
        y[p] = tensor_alloc((size_t)(n * out), "Y");
        dw[p] = tensor_alloc((size_t)nw, "dW");                 /* zero-filled */
        db[p] = tensor_alloc((size_t)s->out_c, "db");
        dx[p] = needs_dx ? tensor_alloc((size_t)(n * in), "dX") : NULL;
        conv2d_forward_batch(s, n, x, w, b, y[p], &ws[p]);
        conv2d_backward_batch(s, n, w, dy, dw[p], db[p], dx[p], &ws[p]);
    }
    for (int p = 1; p < n_paths; p++) {
        printf("  %-9s differs from im2col by: Y %.1e, dW %.1e", conv_path_name(path[p]),
               relative_difference(y[p], y[0], n * out), relative_difference(dw[p], dw[0], nw));
        if (needs_dx)
            printf(", dX %.1e", relative_difference(dx[p], dx[0], n * in));
        printf("  (max |difference| / max |im2col's|)\n");
    }
    for (int p = 0; p < n_paths; p++) {
        free(y[p]); free(dw[p]); free(db[p]); free(dx[p]);
    }
}

/* Best forward and backward ms of each path over `rounds` alternating rounds. */
static void time_paths(const layer *l, int rounds, rng_t *rng)
{
    conv2d_shape s;
    conv2d_setup_asym(&s, l->in_c, l->in_h, l->in_w, l->out_c, l->k, 1, 0, l->pad_bottom_right, 0,
                      l->pad_bottom_right);
    const int n = minibatch_shard_capacity(BATCH);
    long in = (long)s.in_c * s.in_h * s.in_w, out = conv2d_output_count(&s), nw = conv2d_weight_count(&s);
    real *x = random_tensor(rng, n * in), *w = random_tensor(rng, nw), *b = random_tensor(rng, s.out_c);
    real *dy = random_tensor(rng, n * out), *y = tensor_alloc((size_t)(n * out), "Y");
    real *dx = l->needs_dx ? tensor_alloc((size_t)(n * in), "dX") : NULL;
    real *dw = tensor_alloc((size_t)nw, "dW"), *db = tensor_alloc((size_t)s.out_c, "db");
    conv_path path[PATHS] = { CONV_IM2COL, CONV_IMPLICIT };     /* im2col first: the ratios' reference */
    int n_paths = 2;
    if (winograd_supported(&s))
        path[n_paths++] = CONV_WINOGRAD;
    if (conv_wide_supported(&s))
        path[n_paths++] = CONV_WIDE;
    conv2d_batch_space ws[PATHS];
    double best_f[PATHS], best_b[PATHS];
    for (int p = 0; p < n_paths; p++) {
        conv2d_batch_space_alloc_path(&ws[p], &s, n, path[p]);
        best_f[p] = best_b[p] = 1e300;
    }
    for (int r = 0; r < rounds; r++)
        for (int p = 0; p < n_paths; p++) {
            double t0 = cpu_ms();
            conv2d_forward_batch(&s, n, x, w, b, y, &ws[p]);
            double t1 = cpu_ms();
            conv2d_backward_batch(&s, n, w, dy, dw, db, dx, &ws[p]);
            double t2 = cpu_ms();
            best_f[p] = t1 - t0 < best_f[p] ? t1 - t0 : best_f[p];
            best_b[p] = t2 - t1 < best_b[p] ? t2 - t1 : best_b[p];
        }
    printf("%s, %d images%s\n", l->label, n, l->needs_dx ? "" : " (backward without dX)");
    for (int p = 0; p < n_paths; p++) {
        printf("  %-9s forward %8.2f ms (%.2fx)   backward %8.2f ms (%.2fx)%s\n", conv_path_name(path[p]),
               best_f[p], best_f[0] / best_f[p], best_b[p], best_b[0] / best_b[p],
               conv2d_default_path(&s) == path[p] ? "   default" : "");
    }
    print_differences(&s, n, n_paths, path, ws, x, w, b, dy, l->needs_dx);
    for (int p = 0; p < n_paths; p++)
        conv2d_batch_space_free(&ws[p]);
    free(x); free(w); free(b); free(dy); free(y); free(dx); free(dw); free(db);
}

int main(int argc, char **argv)
{
    long rounds = 5;
    char *end = NULL;
    if (argc == 2)
        rounds = strtol(argv[1], &end, 10);
    if (argc > 2 || (argc == 2 && (end == argv[1] || *end != '\0' || rounds < 1 || rounds > 1000000))) {
        fprintf(stderr, "conv_paths: ROUNDS must be a whole number from 1 to 1000000 (usage: conv_paths [ROUNDS])\n");
        return 2;
    }
    rng_t rng = rng_seeded(1);
    printf("one thread, processor time, best of %ld alternating rounds; (Nx) = im2col's time / this path's\n",
           rounds);
    for (size_t i = 0; i < sizeof layers / sizeof layers[0]; i++)
        time_paths(&layers[i], (int)rounds, &rng);
    return 0;
}
