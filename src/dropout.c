/* dropout.c: see dropout.h. */
#include "dropout.h"

#include "rng.h"

void dropout_mask(real *mask, long n, real rate, uint64_t seed)
{
    rng_t rng = rng_seeded(seed);
    real keep = 1 / (1 - rate);
    double u[256];                                   /* the draws, 256 at a time (rng_uniform_fill) */
    for (long i0 = 0; i0 < n; i0 += 256) {
        long k = n - i0 < 256 ? n - i0 : 256;
        rng_uniform_fill(&rng, u, k);
        for (long i = 0; i < k; i++)
            mask[i0 + i] = u[i] < (double)rate ? 0 : keep;
    }
}

void dropout_forward(const real *x, const real *mask, real *y, long n)
{
    for (long i = 0; i < n; i++)
        y[i] = x[i] * mask[i];
}

void dropout_backward(const real *dy, const real *mask, real *dx, long n)
{
    for (long i = 0; i < n; i++)
        dx[i] = dy[i] * mask[i];              /* dy/dx = mask */
}

uint64_t dropout_seed(uint64_t seed, long step, int layer, long image)
{
    rng_t rng = rng_seeded(seed ^ ((uint64_t)step * 0x9E3779B97F4A7C15u));
    rng_t mix = rng_seeded(rng_next(&rng) ^ ((uint64_t)layer << 40) ^ (uint64_t)image);
    return rng_next(&mix);
}
