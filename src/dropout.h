/* dropout.h: inverted dropout (Srivastava et al. 2014, "Dropout: a simple
 * way to prevent neural networks from overfitting"; lesson 12).
 *
 * While training, every number is kept with probability 1 - rate and set to
 * 0 otherwise; the kept ones are divided by 1 - rate, so the layer's output
 * has the same expected value as its input:
 *     y = x * m,   m = 1 / (1 - rate) with probability 1 - rate, else 0
 * At test time the layer does nothing (y = x): no rescaling is needed then,
 * which is what "inverted" means (the original paper scaled at test time).
 * The backward pass is the same multiplication: dL/dx = dL/dy * m.
 *
 * The mask is drawn from our own generator, seeded per image: the same seed
 * gives the same mask whichever thread computes the image. */
#ifndef DROPOUT_H
#define DROPOUT_H

#include <stdint.h>

#include "real.h"

/* The mask of one image: mask (n) OVERWRITTEN with 0 or 1 / (1 - rate),
 * each drawn from splitmix64 seeded with `seed` (the caller makes a
 * different seed for every image, layer and step). 0 <= rate < 1. */
void dropout_mask(real *mask, long n, real rate, uint64_t seed);

/* y (n) = x * mask, OVERWRITTEN (training). */
void dropout_forward(const real *x, const real *mask, real *y, long n);

/* dx (n) = dy * mask, OVERWRITTEN: the mask is also the local derivative dy/dx. */
void dropout_backward(const real *dy, const real *mask, real *dx, long n);

/* A seed for image `image` of step `step` at layer `layer`, mixed from the
 * trainer's seed by splitmix64's finaliser, so nearby numbers give unrelated
 * masks. */
uint64_t dropout_seed(uint64_t seed, long step, int layer, long image);

#endif
