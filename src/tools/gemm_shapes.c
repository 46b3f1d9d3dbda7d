/* gemm_shapes: the fast GEMM on the shapes the networks use, on one thread,
 * in CPU time: GEMM 1024^3 and the products of the conv layers of lesson
 * 10's and Doshi's networks at batch 128 (the rows of src/tools/bench.c),
 * and of lesson 16's speedrun (conv 16 3x3 @28, conv 32 3x3 @14).
 *
 *   build/gemm_shapes [ROUNDS [LABEL]]     (default 5 rounds, every shape)
 *
 * With LABEL, only the shapes whose label starts with it ("square 1024":
 * one row), so a sampling profiler sees one shape, e.g. on Linux
 *   perf record -e cpu-clock build/gemm_shapes 5 "square 1024" && perf report --sort symbol
 *
 * Each round runs every shape three times in a row (as make bench repeats
 * one shape, so its operands are as warm in the caches as there), one shape
 * after the other, so a machine that gets busier or quieter during the run
 * slows every shape alike; each shape keeps its best run. Timed with clock(): the processor time of this
 * process, which other programs on the machine inflate far less than they
 * do the wall clock (make bench's wall-clock figures need a quiet machine).
 * Prints GFLOP per CPU-second; to compare two versions of src/gemm.c, build
 * this tool from each (two worktrees, or git stash) and run them in turns. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gemm.h"
#include "rng.h"
#include "tensor.h"

typedef struct {
    const char *label;
    int trans_a, trans_b, m, n, k;
} shape;

static const shape shapes[] = {
    { "square 512^3", 0, 0, 512, 512, 512 },
    { "square 1024^3", 0, 0, 1024, 1024, 1024 },
    { "square 2048^3", 0, 0, 2048, 2048, 2048 },
    { "lesson 10 conv fwd", 0, 0, 16, 73728, 25 },
    { "lesson 10 conv dW", 0, 1, 16, 25, 73728 },
    { "deep conv1 fwd", 0, 0, 16, 100352, 4 },
    { "deep conv1 dW", 0, 1, 16, 4, 100352 },
    { "deep conv2 fwd", 0, 0, 128, 18432, 144 },
    { "deep conv2 dW", 0, 1, 128, 144, 18432 },
    { "deep conv2 dcols", 1, 0, 144, 18432, 128 },
    { "deep conv3 fwd", 0, 0, 256, 12800, 1152 },
    { "deep conv3 dW", 0, 1, 256, 1152, 12800 },
    { "deep conv3 dcols", 1, 0, 1152, 12800, 256 },
    { "speedrun conv1 fwd", 0, 0, 16, 100352, 9 },
    { "speedrun conv1 dW", 0, 1, 16, 9, 100352 },
    { "speedrun conv2 fwd", 0, 0, 32, 25088, 144 },
    { "speedrun conv2 dW", 0, 1, 32, 144, 25088 },
};
#define N_SHAPES (int)(sizeof shapes / sizeof shapes[0])

typedef struct {
    real *a, *b, *c;
    double best;            /* seconds of processor time, best round */
} operands;

static real *random_matrix(rng_t *rng, long count)
{
    real *x = tensor_alloc((size_t)count, "matrix");
    for (long i = 0; i < count; i++)
        x[i] = (real)(rng_uniform(rng) * 2 - 1);
    return x;
}

/* One product C = op(A) op(B) of the shape, its processor time in seconds. */
static double time_once(const shape *s, const operands *o)
{
    int lda = s->trans_a ? s->m : s->k, ldb = s->trans_b ? s->k : s->n;
    clock_t start = clock();
    gemm(s->trans_a, s->trans_b, s->m, s->n, s->k, 1, o->a, lda, o->b, ldb, 0, o->c, s->n, NULL);
    return (double)(clock() - start) / CLOCKS_PER_SEC;
}

int main(int argc, char **argv)
{
    int rounds = argc > 1 ? atoi(argv[1]) : 5;
    const char *label = argc > 2 ? argv[2] : "";
    if (argc > 3 || rounds < 1) {
        fprintf(stderr, "usage: %s [ROUNDS >= 1 [LABEL]]\n", argv[0]);
        return 2;
    }
    int chosen[N_SHAPES], n_chosen = 0;
    for (int i = 0; i < N_SHAPES; i++)
        if (strncmp(shapes[i].label, label, strlen(label)) == 0)
            chosen[n_chosen++] = i;
    if (n_chosen == 0) {
        fprintf(stderr, "%s: no shape's label starts with \"%s\"\n", argv[0], label);
        return 2;
    }
    rng_t rng = rng_seeded(19);
    operands ops[N_SHAPES];
    for (int c = 0; c < n_chosen; c++) {
        int i = chosen[c];
        const shape *s = &shapes[i];
        ops[i].a = random_matrix(&rng, (long)s->m * s->k);
        ops[i].b = random_matrix(&rng, (long)s->k * s->n);
        ops[i].c = random_matrix(&rng, (long)s->m * s->n);
        ops[i].best = time_once(s, &ops[i]);            /* a first run warms the caches */
    }
    for (int r = 0; r < rounds; r++)
        for (int c = 0; c < n_chosen; c++)
            for (int repeat = 0; repeat < 3; repeat++) {
                int i = chosen[c];
                double t = time_once(&shapes[i], &ops[i]);
                if (t < ops[i].best)
                    ops[i].best = t;
            }
    printf("fast GEMM, 1 thread, best of %d rounds of 3 runs, GFLOP per second of processor time (clock())\n", rounds);
    printf("  %-20s %5s %7s %7s %s\n", "shape", "M", "N", "K", "GFLOP/s");
    for (int c = 0; c < n_chosen; c++) {
        int i = chosen[c];
        const shape *s = &shapes[i];
        double gflops = ops[i].best > 0 ? gemm_flops(s->m, s->n, s->k) / ops[i].best / 1e9 : 0;
        printf("  %-20s %5d %7d %7d %7.1f%s\n", s->label, s->m, s->n, s->k, gflops,
               ops[i].best > 0 ? "" : "  (too fast for clock())");
        free(ops[i].a);
        free(ops[i].b);
        free(ops[i].c);
    }
    return 0;
}
