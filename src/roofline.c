/* roofline.c: see roofline.h. */
#include "roofline.h"

#include <stdlib.h>
#include <string.h>

#include "os.h"
#include "real.h"

#define CHAIN_WIDTH 8     /* numbers per chain: one 256-bit register of floats */
#define ROUNDS 4000000L   /* multiply-adds per chain element between clock readings */

double wall_clock(void)
{
    return os_seconds();
}

/* acc[j] = acc[j] * m + c for the chain's numbers: one vector FMA. */
static void chain_step(real *restrict acc, real m, real c)
{
    for (int j = 0; j < CHAIN_WIDTH; j++)
        acc[j] = acc[j] * m + c;
}

/* 12 chains, `rounds` steps each. m slightly below 1 keeps every number
 * bounded (it tends to c / (1 - m)); the sum is returned so the compiler
 * cannot drop the work. Twelve named arrays, as in gemm.c's micro-kernel,
 * which compilers keep in registers. */
static real fma_chains(long rounds, real m, real c)
{
    real a0[CHAIN_WIDTH], a1[CHAIN_WIDTH], a2[CHAIN_WIDTH], a3[CHAIN_WIDTH], a4[CHAIN_WIDTH], a5[CHAIN_WIDTH];
    real a6[CHAIN_WIDTH], a7[CHAIN_WIDTH], a8[CHAIN_WIDTH], a9[CHAIN_WIDTH], a10[CHAIN_WIDTH], a11[CHAIN_WIDTH];
    real *chains[12] = { a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11 };
    for (int k = 0; k < 12; k++)
        for (int j = 0; j < CHAIN_WIDTH; j++)
            chains[k][j] = (real)(k + j);
    for (long r = 0; r < rounds; r++) {
        chain_step(a0, m, c);  chain_step(a1, m, c);  chain_step(a2, m, c);
        chain_step(a3, m, c);  chain_step(a4, m, c);  chain_step(a5, m, c);
        chain_step(a6, m, c);  chain_step(a7, m, c);  chain_step(a8, m, c);
        chain_step(a9, m, c);  chain_step(a10, m, c); chain_step(a11, m, c);
    }
    real sum = 0;
    for (int k = 0; k < 12; k++)
        for (int j = 0; j < CHAIN_WIDTH; j++)
            sum += chains[k][j];
    return sum;
}

typedef struct {
    long rounds;
    real m, c;
    volatile real sink[256];      /* one result per thread: keeps the work observable */
} peak_job;

static void peak_task(void *ctx, int i)
{
    peak_job *job = ctx;
    job->sink[i % 256] = fma_chains(job->rounds, job->m, job->c);
}

double measure_fma_peak(thread_pool *pool, double seconds)
{
    int threads = thread_pool_size(pool);
    peak_job job = { ROUNDS / 10, (real)0.9999999, (real)1e-7, { 0 } };
    double elapsed = 0;
    do {                                   /* grow the work until one run takes a tenth of the time */
        job.rounds *= 2;
        double start = wall_clock();
        thread_pool_run(pool, threads, peak_task, &job);
        elapsed = wall_clock() - start;
    } while (elapsed < seconds / 10);
    double best = 0;
    for (double spent = 0; spent < seconds; spent += elapsed) {     /* the best of several runs */
        double start = wall_clock();
        thread_pool_run(pool, threads, peak_task, &job);
        elapsed = wall_clock() - start;
        double flops = 2.0 * 12 * CHAIN_WIDTH * (double)job.rounds * threads;
        if (flops / elapsed > best)
            best = flops / elapsed;
    }
    return best / 1e9;
}

typedef struct {
    char *from, *to;
    size_t bytes;
    int parts;
} copy_job;

static void copy_task(void *ctx, int i)
{
    copy_job *job = ctx;
    long first, count;
    split_range((long)job->bytes, job->parts, i, &first, &count);
    memcpy(job->to + first, job->from + first, (size_t)count);
}

double measure_copy_bandwidth(thread_pool *pool, size_t bytes, double seconds)
{
    copy_job job = { malloc(bytes), malloc(bytes), bytes, thread_pool_size(pool) };
    double best = 0;
    if (job.from && job.to) {
        memset(job.from, 1, bytes);
        memset(job.to, 2, bytes);          /* touch every page before timing */
        for (double spent = 0; spent < seconds;) {
            double start = wall_clock();
            thread_pool_run(pool, job.parts, copy_task, &job);
            double elapsed = wall_clock() - start;
            spent += elapsed;
            if (2.0 * (double)bytes / elapsed > best)
                best = 2.0 * (double)bytes / elapsed;
        }
    }
    free(job.from);
    free(job.to);
    return best / 1e9;
}

double roofline_attainable(double peak_gflops, double bandwidth_gbs, double intensity)
{
    double memory_bound = intensity * bandwidth_gbs;
    return memory_bound < peak_gflops ? memory_bound : peak_gflops;
}
