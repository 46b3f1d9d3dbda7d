/* rng.c: see rng.h. */
#include "rng.h"

#include <math.h>

rng_t rng_seeded(uint64_t seed)
{
    rng_t r = { seed };
    return r;
}

#define GOLDEN_GAMMA 0x9E3779B97F4A7C15ull          /* the state's step: 2^64 / the golden ratio, odd */

/* splitmix64's output for a state: its bits mixed (two xor-shift-multiplies). */
static inline uint64_t scramble(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

uint64_t rng_next(rng_t *r)
{
    return scramble(r->state += GOLDEN_GAMMA);
}

double rng_uniform(rng_t *r)
{
    return (double)(rng_next(r) >> 11) * (1.0 / 9007199254740992.0); /* 2^-53 */
}

void rng_uniform_fill(rng_t *r, double *u, long n)
{
    const uint64_t start = r->state;
    for (long i = 0; i < n; i++)                     /* rng_uniform of the (i+1)-th state from here */
        u[i] = (double)(scramble(start + (uint64_t)(i + 1) * GOLDEN_GAMMA) >> 11) * (1.0 / 9007199254740992.0);
    r->state = start + (uint64_t)n * GOLDEN_GAMMA;
}

double rng_uniform_range(rng_t *r, double lo, double hi)
{
    return lo + (hi - lo) * rng_uniform(r);
}

double rng_normal(rng_t *r)
{
    const double two_pi = 6.283185307179586;
    double u1 = 1.0 - rng_uniform(r); /* in (0, 1]: log(u1) is finite */
    double u2 = rng_uniform(r);
    return sqrt(-2.0 * log(u1)) * cos(two_pi * u2);
}

uint32_t rng_below(rng_t *r, uint32_t n)
{
    /* 2^32 is not a multiple of n in general: draws at or above the largest
     * multiple of n below 2^32 would make small values likelier, so redraw. */
    uint64_t accept_below = 0x100000000ull - (0x100000000ull % n);
    for (;;) {
        uint64_t x = rng_next(r) >> 32;
        if (x < accept_below)
            return (uint32_t)(x % n);
    }
}

void rng_shuffle(rng_t *r, int *idx, int n)
{
    for (int i = n - 1; i > 0; i--) {
        int j = (int)rng_below(r, (uint32_t)i + 1u);
        int t = idx[i];
        idx[i] = idx[j];
        idx[j] = t;
    }
}

void init_he_normal(rng_t *r, real *w, int n, int fan_in)
{
    double sd = sqrt(2.0 / fan_in);
    for (int i = 0; i < n; i++)
        w[i] = (real)(sd * rng_normal(r));
}

void init_xavier_uniform(rng_t *r, real *w, int n, int fan_in, int fan_out)
{
    double a = sqrt(6.0 / (fan_in + fan_out));
    for (int i = 0; i < n; i++)
        w[i] = (real)rng_uniform_range(r, -a, a);
}

void init_uniform_fan_in(rng_t *r, real *w, int n, int fan_in)
{
    double a = 1.0 / sqrt((double)fan_in);
    for (int i = 0; i < n; i++)
        w[i] = (real)rng_uniform_range(r, -a, a);
}

void rng_fill_normal(rng_t *r, real *t, long n)
{
    for (long i = 0; i < n; i++)
        t[i] = (real)rng_normal(r);
}
