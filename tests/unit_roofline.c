/* tests/unit_roofline.c: the FMA peak probe (src/roofline.c) measures the
 * most this machine can do, so nothing we compute may go faster: the fast
 * GEMM (src/gemm.c) must not beat it. On an AVX-512 machine the probe of the
 * last round ran 8-float chains only and reported half the peak, and our GEMM
 * showed "128% of peak" (issue 19).
 *
 * Timings on a shared machine are noisy, so both figures are the best of
 * several runs taken in turns in this one process: a busy spell slows both,
 * and the best of each is what the machine gave when nothing interfered.
 * Built twice: in double with the portable flags (tests/unit_roofline) and
 * in float with the fast flags (tests/unit_roofline_float, the one that
 * matters: -march=native, the widest vectors). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gemm.h"
#include "harness.h"
#include "rng.h"
#include "roofline.h"
#include "simd.h"

#define N 256          /* C = A B, N x N x N: all three fit in L2 */
#define ROUNDS 8

/* GFLOP/s of the fast GEMM on this thread, timed over at least 5 ms. */
static double gemm_gflops_once(const real *a, const real *b, real *c)
{
    int calls = 0;
    double start = wall_clock(), elapsed;
    do {
        gemm(0, 0, N, N, N, 1, a, N, b, N, 0, c, N, NULL);
        calls++;
        elapsed = wall_clock() - start;
    } while (elapsed < 0.005);
    return calls * gemm_flops(N, N, N) / elapsed / 1e9;
}

static void test_peak_not_below_fast_gemm(void)
{
    const char *emulator = getenv("EMULATOR");
    if (emulator && emulator[0]) {                /* under qemu both are emulated: their speeds mean nothing */
        printf("    skipped under an emulator (%s): timings there say nothing of the machine\n", emulator);
        return;
    }
    rng_t rng = rng_seeded(19);
    real *a = random_tensor(&rng, (long)N * N), *b = random_tensor(&rng, (long)N * N);
    real *c = malloc(sizeof(real) * N * N);
    CHECK(a && b && c);
    if (!a || !b || !c)
        return;
    double best_peak = 0, best_gemm = 0;
    for (int r = 0; r < ROUNDS; r++) {             /* in turns: probe, GEMM, probe, GEMM, ... */
        double peak = measure_fma_peak(NULL, 0.02), g = gemm_gflops_once(a, b, c);
        best_peak = peak > best_peak ? peak : best_peak;
        best_gemm = g > best_gemm ? g : best_gemm;
    }
    int lanes = 0;
    const char *unit = vector_unit(&lanes);
    printf("    %s, %d %s per vector, %d chains: FMA peak %.1f GFLOP/s, fast GEMM %d^3 %.1f GFLOP/s (%.0f%%)\n",
           unit, lanes, REAL_NAME, fma_peak_chains(), best_peak, N, best_gemm, 100 * best_gemm / best_peak);
    CHECK(best_peak > 0 && best_gemm > 0);
    CHECK(best_peak >= 0.95 * best_gemm);          /* 5%: the timer's and the scheduler's noise */
    free(a);
    free(b);
    free(c);
}

/* What the probe and the tile are sized from (simd.h) agrees with itself:
 * lanes x bytes of a real = bytes of a register, and the tile is whole
 * vectors. */
static void test_vector_unit_and_tile_agree(void)
{
    int lanes = 0;
    const char *unit = vector_unit(&lanes);
    CHECK(unit != NULL && unit[0] != '\0');
    CHECK_INT(lanes, SIMD_LANES);
    if (SIMD_BYTES > 0)
        CHECK_INT((long)(lanes * sizeof(real)), SIMD_BYTES);
    CHECK_INT(GEMM_NR, GEMM_NV * lanes);
    CHECK(GEMM_MR * GEMM_NV >= 12);                /* enough accumulators for two FMA units */
    CHECK(GEMM_MR * GEMM_NV + GEMM_NV + 1 <= SIMD_REGISTERS || SIMD_BYTES == 0);
    CHECK(fma_peak_chains() >= 10);
}

int main(void)
{
    RUN_TEST(test_vector_unit_and_tile_agree);
    RUN_TEST(test_peak_not_below_fast_gemm);
    return harness_finish();
}
