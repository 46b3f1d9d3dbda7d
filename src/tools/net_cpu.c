/* net_cpu: the processor time of a few training (or inference) steps of
 * lesson 10's network or Doshi's, on ONE thread, on random images: a
 * driver to run under a profiler (`perf record -g build/net_cpu l10`), or to
 * compare two builds in CPU time on a machine other programs share.
 *
 *   build/net_cpu l10|doshi [BATCH [STEPS [LEARN [THREADS]]]]   (defaults 32, 300, 1, 1; doshi: 128, 3, 1, 1)
 *
 * LEARN 1: forward, backward and the update (SGD with momentum for lesson
 * 10's network, as make bench; Adam for Doshi's, dropout on); 0: forward only.
 * Prints the processor time (clock()) and images per processor-second, and
 * the sum of the batches' losses, which does not depend on the build's
 * speed: two builds with the same arithmetic print the same sum.
 * THREADS above 1 (Doshi's network only): the batch's images shared by a
 * pool of that many threads, as make bench runs it with 2; the wall-clock
 * time is printed too. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "convnet.h"
#include "minibatch.h"
#include "optim.h"
#include "rng.h"
#include "roofline.h"
#include "sequential.h"
#include "tensor.h"
#include "threadpool.h"

static int whole_number(const char *text, int lo, int hi, int *out)
{
    char *end = NULL;
    long v = strtol(text, &end, 10);
    if (end == text || *end != '\0' || v < lo || v > hi)
        return -1;
    *out = (int)v;
    return 0;
}

static double lesson10_steps(const real *x, const int *labels, int batch, int steps, int learn)
{
    convnet_arch a;
    convnet_params p, v;
    char err[256];
    double sum = 0;
    if (convnet_arch_setup(&a, 28, 28, 16, 5, 10, err, sizeof err) != 0) {
        fprintf(stderr, "net_cpu: %s\n", err);
        exit(1);
    }
    convnet_params_alloc(&a, &p);
    convnet_params_alloc(&a, &v);
    rng_t init = rng_seeded(1);
    convnet_init(&a, &p, &init);
    convnet_runner r;
    convnet_runner_init(&r, &a, &p, ENGINE_FAST, NULL, batch);
    for (int i = 0; i < steps; i++) {
        if (!learn) {
            sum += minibatch_forward(&r.batches, x, labels, batch, NULL).loss;
            continue;
        }
        sum += minibatch_gradient(&r.batches, x, labels, batch).loss;
        sgd_momentum_step(p.all, r.batches.mean_grad, v.all, a.n_params, (real)0.01, (real)0.9);
    }
    convnet_runner_free(&r);
    convnet_params_free(&p);
    convnet_params_free(&v);
    return sum;
}

static double doshi_steps(const real *x, const int *labels, int batch, int steps, int learn, thread_pool *pool)
{
    sequential m;
    char err[512];
    double sum = 0;
    if (sequential_build(&m, "doshi", 1, 28, 28, err, sizeof err) != 0) {
        fprintf(stderr, "net_cpu: %s\n", err);
        exit(1);
    }
    real *params = tensor_alloc((size_t)m.n_params, "parameters"), *stats = tensor_alloc((size_t)m.n_stats + 1, "statistics");
    optimizer adam;                                   /* as lesson 12 trains it */
    optimizer_init(&adam, OPTIMIZER_ADAM, m.n_params, 0.001, 0, 0);
    rng_t init = rng_seeded(1);
    sequential_init(&m, params, stats, &init);
    sequential_runner r;
    sequential_runner_init(&r, &m, params, stats, ENGINE_FAST, pool, batch);
    r.model.training = learn;
    r.model.fuse_pool = 1;                            /* as lesson 12 runs it */
    for (int i = 0; i < steps; i++) {
        r.model.step = i;
        if (!learn) {
            sum += minibatch_forward(&r.batches, x, labels, batch, NULL).loss;
            continue;
        }
        sum += minibatch_gradient(&r.batches, x, labels, batch).loss;
        optimizer_step(&adam, params, r.batches.mean_grad, pool);
    }
    sequential_runner_free(&r);
    optimizer_free(&adam);
    free(params); free(stats);
    return sum;
}

int main(int argc, char **argv)
{
    int doshi = argc >= 2 && strcmp(argv[1], "doshi") == 0;
    int batch = doshi ? 128 : 32, steps = doshi ? 3 : 300, learn = 1, threads = 1;
    if (argc < 2 || argc > 6 || (!doshi && strcmp(argv[1], "l10") != 0)
        || (argc > 2 && whole_number(argv[2], 1, 4096, &batch) != 0)
        || (argc > 3 && whole_number(argv[3], 1, 1000000, &steps) != 0)
        || (argc > 4 && whole_number(argv[4], 0, 1, &learn) != 0)
        || (argc > 5 && (whole_number(argv[5], 1, 64, &threads) != 0 || (!doshi && threads != 1)))) {
        fprintf(stderr, "usage: net_cpu l10|doshi [BATCH 1-4096 [STEPS [LEARN 0|1 [THREADS 1-64, doshi only]]]]\n");
        return 2;
    }
    thread_pool *pool = threads > 1 ? thread_pool_create(threads) : NULL;
    rng_t rng = rng_seeded(5);
    real *x = tensor_alloc((size_t)batch * 28 * 28, "images");
    int *labels = checked_calloc((size_t)batch, sizeof(int), "labels");
    for (long i = 0; i < (long)batch * 28 * 28; i++)
        x[i] = (real)rng_uniform(&rng);
    for (int i = 0; i < batch; i++)
        labels[i] = (int)rng_below(&rng, 10);
    clock_t start = clock();
    double wall = wall_clock();
    double sum = doshi ? doshi_steps(x, labels, batch, steps, learn, pool) : lesson10_steps(x, labels, batch, steps, learn);
    double cpu = (double)(clock() - start) / CLOCKS_PER_SEC;
    wall = wall_clock() - wall;
    if (threads > 1)
        printf("%s, batch %d, %d %s steps, %d threads: %.3f s on the clock, %.0f images per second, %.3f s of"
               " processor time (sum of the losses %.6g)\n", "Doshi's network", batch, steps,
               learn ? "training" : "inference", threads, wall, (double)batch * steps / wall, cpu, sum);
    else
        printf("%s, batch %d, %d %s steps, one thread: %.3f s of processor time, %.0f images per processor-second"
               " (sum of the losses %.6g)\n", doshi ? "Doshi's network" : "lesson 10's network", batch, steps,
               learn ? "training" : "inference", cpu, cpu > 0 ? (double)batch * steps / cpu : 0.0, sum);
    if (pool)
        thread_pool_free(pool);
    free(x);
    free(labels);
    return 0;
}
