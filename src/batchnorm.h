/* batchnorm.h: batch normalisation (Ioffe and Szegedy 2015, "Batch
 * normalization: accelerating deep network training by reducing internal
 * covariate shift"; lesson 13).
 *
 * A batch X (n, C, size): n images of C channels of `size` numbers each
 * (size = H*W for the feature maps of a conv layer, 1 for the features of a
 * dense layer). For each channel c, over its N = n * size numbers:
 *
 *     mean_c = (1/N) sum x                var_c = (1/N) sum (x - mean_c)^2
 *     xhat   = (x - mean_c) / sqrt(var_c + eps)
 *     y      = gamma_c xhat + beta_c      (gamma, beta: learned, one per channel)
 *
 * "Some notes on CNN" writes the division as (sigma + eps): the paper, and
 * every framework, divide by sqrt(sigma^2 + eps), which is what eps is for
 * (it keeps the square root away from 0); the two differ when the variance is
 * small. At test time the batch's statistics are replaced by running
 * averages collected while training, so one image's answer does not depend
 * on the other images it happens to be batched with. */
#ifndef BATCHNORM_H
#define BATCHNORM_H

#include "real.h"

#define BATCHNORM_EPS 1e-5        /* PyTorch's default; Keras uses 1e-3 */
#define BATCHNORM_MOMENTUM 0.9    /* running = 0.9 running + 0.1 batch (PyTorch's 0.1) */

typedef struct {
    int channels;      /* C */
    int size;          /* numbers per channel per image (H*W, or 1) */
} batchnorm_shape;

/* Training mode. x (n, C, size) -> y (n, C, size), OVERWRITTEN. Also written,
 * for the backward pass and the running averages: xhat (n, C, size), and per
 * channel the batch's mean (C), its variance var (C) (divided by N) and
 * inv_std (C) = 1 / sqrt(var + eps). Sums are taken in double, in 8
 * interleaved partial sums added in a fixed order (batchnorm.c). */
void batchnorm_forward_train(const batchnorm_shape *s, int n, const real *x, const real *gamma,
                             const real *beta, real *y, real *xhat, real *mean, real *var, real *inv_std);

/* Test mode: y = gamma (x - running_mean) / sqrt(running_var + eps) + beta,
 * every image on its own. y (n, C, size) OVERWRITTEN. */
void batchnorm_forward_infer(const batchnorm_shape *s, int n, const real *x, const real *gamma,
                             const real *beta, const real *running_mean, const real *running_var, real *y);

/* The backward pass of the training-mode forward (the classic derivation,
 * lesson 13): every y of a channel depends on every x of that channel
 * through the mean and the variance, and the chain rule collects the three
 * paths into
 *     dbeta_c  += sum dy                 dgamma_c += sum dy * xhat      (ADDED to)
 *     dx = gamma_c inv_std_c / N * (N dy - sum dy - xhat * sum(dy * xhat))   (OVERWRITTEN)
 * dy, dx (n, C, size); the sums run over the channel's N numbers. */
void batchnorm_backward(const batchnorm_shape *s, int n, const real *dy, const real *xhat, const real *gamma,
                        const real *inv_std, real *dgamma, real *dbeta, real *dx);

/* The backward pass of the test-mode forward (batchnorm_forward_infer):
 * with the running mean and variance fixed numbers, each channel is a
 * straight line y = gamma_c (x - mean_c) inv_c + beta_c, inv_c =
 * 1 / sqrt(running_var_c + eps), and no image depends on another:
 *     dx = gamma_c inv_c dy                                  (OVERWRITTEN)
 *     dgamma_c += sum dy (x - mean_c) inv_c    dbeta_c += sum dy   (ADDED to)
 * What a saliency map (lesson 14) differentiates through a trained
 * network. x, dy, dx (n, C, size). */
void batchnorm_backward_infer(const batchnorm_shape *s, int n, const real *x, const real *dy, const real *gamma,
                              const real *running_mean, const real *running_var, real *dgamma, real *dbeta,
                              real *dx);

/* running = momentum * running + (1 - momentum) * batch, for the mean and
 * for the variance, the variance made unbiased first (times N / (N - 1),
 * as PyTorch does). N = the numbers per channel the batch had. */
void batchnorm_update_running(int channels, long N, const real *mean, const real *var,
                              real *running_mean, real *running_var);

#endif
