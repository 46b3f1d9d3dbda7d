/* roofline.c: see roofline.h. */
#include "roofline.h"

#include <stdlib.h>
#include <string.h>

#include "os.h"
#include "real.h"
#include "simd.h"

/* Independent chains: two FMA units x a latency of 4-5 cycles need at least
 * 10 FMAs in flight; as many as the registers hold, leaving a few for m and c. */
#define PEAK_CHAINS (SIMD_REGISTERS >= 32 ? 24 : 12)

#define ROUNDS 4000000L   /* multiply-adds per chain element between clock readings */

double wall_clock(void)
{
    return os_seconds();
}

const char *vector_unit(int *lanes)
{
    if (lanes)
        *lanes = SIMD_LANES;
    return SIMD_NAME;
}

int fma_peak_chains(void)
{
    return PEAK_CHAINS;
}

/* PEAK_CHAINS chains of one vector register each, `rounds` steps of
 * acc = acc * m + c each. m slightly below 1 keeps every number bounded (it
 * tends to c / (1 - m)); the sum is returned so the compiler cannot drop
 * the work. The loop over the chains has a fixed count and is unrolled
 * (gemm.c's UNROLLED), so each chain stays in a register: with AVX-512,
 * 24 vfmadd on zmm registers per round (objdump -d build/obj/fast/roofline.o). */
#if defined(__GNUC__) || defined(__clang__)
#define UNROLLED _Pragma("GCC unroll 32")
#else
#define UNROLLED
#endif

#if SIMD_VECTORS

static SIMD_FULL_WIDTH real fma_chains(long rounds, real m, real c)
{
    simd_vec acc[PEAK_CHAINS];
    UNROLLED for (int k = 0; k < PEAK_CHAINS; k++)
        acc[k] = (simd_vec){ 0 } + (real)k;
    for (long r = 0; r < rounds; r++)
        UNROLLED for (int k = 0; k < PEAK_CHAINS; k++)
            acc[k] = acc[k] * m + c;             /* one vector FMA (-ffp-contract=fast) */
    real sum = 0;
    for (int k = 0; k < PEAK_CHAINS; k++)
        for (int j = 0; j < SIMD_LANES; j++)
            sum += acc[k][j];
    return sum;
}

#else

/* Plain C: the same chains as arrays of SIMD_LANES numbers, which the
 * vectoriser may map to vector registers. */
static real fma_chains(long rounds, real m, real c)
{
    real acc[PEAK_CHAINS][SIMD_LANES];
    for (int k = 0; k < PEAK_CHAINS; k++)
        for (int j = 0; j < SIMD_LANES; j++)
            acc[k][j] = (real)k;
    for (long r = 0; r < rounds; r++)
        for (int k = 0; k < PEAK_CHAINS; k++)
            for (int j = 0; j < SIMD_LANES; j++)
                acc[k][j] = acc[k][j] * m + c;
    real sum = 0;
    for (int k = 0; k < PEAK_CHAINS; k++)
        for (int j = 0; j < SIMD_LANES; j++)
            sum += acc[k][j];
    return sum;
}

#endif

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
        double flops = 2.0 * PEAK_CHAINS * SIMD_LANES * (double)job.rounds * threads;
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
