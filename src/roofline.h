/* roofline.h: what this machine can do at most, measured (lesson 11).
 *
 * The roofline model (Williams, Waterman and Patterson 2009, "Roofline: an
 * insightful visual performance model"): a computation that does F
 * floating-point operations while moving B bytes to and from memory has an
 * arithmetic intensity I = F / B (FLOP per byte), and can run no faster than
 *
 *     attainable GFLOP/s = min(peak GFLOP/s,  I x bandwidth GB/s)
 *
 * Below the ridge point I = peak / bandwidth it is memory-bound, above it
 * compute-bound. Both limits are measured here, on this machine, by small
 * probes of our own: a peak quoted from a data sheet is not what a program
 * compiled with our flags can reach. */
#ifndef ROOFLINE_H
#define ROOFLINE_H

#include <stddef.h>

#include "threadpool.h"

/* Wall-clock seconds since some fixed moment (os_seconds: a monotonic
 * clock where the system has one): for timing, subtract two readings. */
double wall_clock(void);

/* The floating-point peak of one `real` multiply-add stream, in GFLOP/s,
 * on every thread of the pool (NULL: this thread): each thread runs
 * fma_peak_chains() independent chains of a*m + c on whole vector registers
 * of the widest unit the build may use (vector_unit()): enough to keep two
 * FMA units busy despite each FMA's latency of 4-5 cycles. An FMA counts as
 * 2 FLOP per lane. Runs for about `seconds`, returns the best of several
 * runs. Needs the fast flags (-march=native, -ffp-contract=fast) to measure
 * what the hardware can do. */
double measure_fma_peak(thread_pool *pool, double seconds);

/* The widest vector unit the compiler was allowed to use (simd.h: from its
 * predefined macros, e.g. -march=native on an AVX-512 CPU gives
 * "AVX-512"), and in *lanes (if not NULL) how many `real`s one of its
 * registers holds: 16 floats for AVX-512, 8 for AVX2, 4 for SSE and NEON. */
const char *vector_unit(int *lanes);

/* How many independent chains of one vector register measure_fma_peak
 * runs per thread (24 with 32 vector registers, else 12). */
int fma_peak_chains(void);

/* Memory bandwidth in GB/s (10^9 bytes per second, bytes read + bytes
 * written), copying a buffer of `bytes` (use several times the last-level
 * cache) on every thread of the pool, for about `seconds`. Returns 0 when
 * the buffers cannot be allocated. */
double measure_copy_bandwidth(thread_pool *pool, size_t bytes, double seconds);

/* min(peak, intensity * bandwidth): the roof over a computation of the
 * given arithmetic intensity (FLOP per byte). */
double roofline_attainable(double peak_gflops, double bandwidth_gbs, double intensity);

#endif
