/* rng.h: our own seeded pseudo-random numbers (never rand()).
 *
 * The generator is splitmix64 (Steele, Lea and Flood, 2014): a 64-bit state
 * that advances by a fixed odd constant and is then scrambled. Same seed,
 * same numbers, on every machine and every C library, which is what lets a
 * lesson print identical output everywhere. */
#ifndef RNG_H
#define RNG_H

#include <stdint.h>
#include "real.h"

typedef struct {
    uint64_t state;
} rng_t;

rng_t rng_seeded(uint64_t seed);
uint64_t rng_next(rng_t *r);
/* Uniform in [0, 1), with 53 random bits. */
double rng_uniform(rng_t *r);
/* u (n) OVERWRITTEN with the next n draws of rng_uniform, in order: the
 * same numbers as n calls, in one loop the vector unit can run (the state
 * of splitmix64 moves by the same constant at every draw, so draw i needs
 * none of the others). */
void rng_uniform_fill(rng_t *r, double *u, long n);
/* Uniform in [lo, hi). */
double rng_uniform_range(rng_t *r, double lo, double hi);
/* Standard normal N(0, 1), by the Box-Muller transform. */
double rng_normal(rng_t *r);
/* Uniform integer in [0, n), without modulo bias; n > 0. */
uint32_t rng_below(rng_t *r, uint32_t n);
/* Shuffle idx[0..n) in place (Fisher-Yates). */
void rng_shuffle(rng_t *r, int *idx, int n);

/* t (n) OVERWRITTEN with draws of N(0, 1): random test tensors. */
void rng_fill_normal(rng_t *r, real *t, long n);

/* He (Kaiming) normal initialisation for layers followed by ReLU:
 * w ~ N(0, 2 / fan_in). Keeps the variance of activations steady layer to layer. */
void init_he_normal(rng_t *r, real *w, int n, int fan_in);
/* Uniform in +-1/sqrt(fan_in), variance 1 / (3 fan_in): PyTorch's default for
 * nn.Linear. Smaller than He: right for a last layer that feeds a softmax,
 * whose scores should start near 0, so that every class starts near 1/n. */
void init_uniform_fan_in(rng_t *r, real *w, int n, int fan_in);
/* Xavier (Glorot) uniform initialisation for tanh / sigmoid / linear layers:
 * w ~ U(-a, a) with a = sqrt(6 / (fan_in + fan_out)). */
void init_xavier_uniform(rng_t *r, real *w, int n, int fan_in, int fan_out);

#endif
