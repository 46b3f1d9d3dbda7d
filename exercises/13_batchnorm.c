/* Exercise 13: batch normalisation.
 *
 * Lesson 13 (build/lessons/13_batchnorm, notes/13_batchnorm.md) works a batch
 * of 4 images x 2 channels x 2 positions: channel 0 holds [8 4 2 6 4 8 4 4]
 * (mean 5, variance 4), channel 1 [57 45 51 55 43 49 55 45] (mean 50,
 * variance 25). Now you write the layer, in double, for any n, C and size,
 * and derive its backward pass yourself.
 * The layout (exercises/13_batchnorm.h): x (n, C, size), element (i, c, k) at
 * x[(i * C + c) * size + k]; per-channel arrays have C entries; channel c's
 * statistics run over its N = n * size numbers (every image, every position).
 *
 *   TODO 1  bn_forward_train: for each channel c
 *               mean[c] = (1/N) sum_{i,k} x(i,c,k)
 *               var[c]  = (1/N) sum_{i,k} (x(i,c,k) - mean[c])^2        divided by N
 *               xhat(i,c,k) = (x(i,c,k) - mean[c]) / sqrt(var[c] + eps)  eps under the root
 *               y(i,c,k)    = gamma[c] xhat(i,c,k) + beta[c]
 *           (Notes on CNN writes the division as (sigma + eps): that is a typo.)
 *   TODO 2  bn_backward: dy = dL/dy (n, C, size) -> dx (n, C, size), dgamma,
 *           dbeta (C), all OVERWRITTEN. You are given xhat and var from the
 *           forward pass, not x. Every x of a channel moves its mean and its
 *           variance, and through them every y of the channel: dx must follow
 *           all three paths (the direct one alone does not pass). The numbers
 *           to hit, on the lesson's batch above with gamma = (2, 0.5),
 *           beta = (1, -3) and dy = [1 -2 3 1 2 1 -1 2 -1 3 2 -2 1 2 1 -3]
 *           (same layout): dbeta = (7, 3), dgamma = (3.5, 6.6), and dx starts
 *           -0.531248 -2.65625 0.147 0.145 (image 0: channel 0, then
 *           channel 1).
 *   TODO 3  bn_update_running: after a training step, per channel,
 *               running_mean = momentum running_mean + (1 - momentum) mean
 *               running_var  = momentum running_var  + (1 - momentum) var N / (N - 1)
 *           (the batch's variance made unbiased; momentum is 0.9 in the library).
 *   TODO 4  bn_forward_test: test mode, every image on its own: the forward
 *           pass of TODO 1 with running_mean and running_var in place of the
 *           batch's mean and variance. With running mean (4.5, 48) and
 *           running variance (5, 30) the lesson's first number, 8, gives
 *           2 * (8 - 4.5) / sqrt(5 + eps) + 1 = 4.130492.
 *
 * Check your work: make check EX=13    A hint, one level at a time: make hint EX=13
 * Start this exercise again from the original: make reset EX=13 (your file is kept as .bak) */
#include "13_batchnorm.h"

#include <math.h>

/* TODO 1. The idea: Each channel is shifted and scaled to mean 0 and
 * variance 1, using every number the channel has in the batch (all images,
 * all positions); then gamma and beta give it the scale and offset the
 * network wants.
 * (make hint EX=13: the formula, then the code, one at a time) */
void bn_forward_train(const double *x, int n, int channels, int size, const double *gamma, const double *beta,
                      double eps, double *y, double *xhat, double *mean, double *var)
{
}

/* TODO 2. The idea: Every x of a channel moves that channel's mean and
 * variance, and through them every y of the channel: dL/dx collects the
 * direct path through xhat and the paths through the variance and the mean.
 * (make hint EX=13: the formula, then the code, one at a time) */
void bn_backward(const double *dy, const double *xhat, int n, int channels, int size, const double *gamma,
                 const double *var, double eps, double *dx, double *dgamma, double *dbeta)
{
}

/* TODO 3. The idea: Training keeps a slowly moving average of each
 * channel's batch statistics, to stand in for the statistics of all the data
 * at test time.
 * (make hint EX=13: the formula, then the code, one at a time) */
void bn_update_running(const double *mean, const double *var, int channels, long N, double momentum,
                       double *running_mean, double *running_var)
{
}

/* TODO 4. The idea: At test time an image's answer must not depend on the
 * other images in its batch: normalise with the running averages, fixed
 * numbers, not with the batch's own statistics.
 * (make hint EX=13: the formula, then the code, one at a time) */
void bn_forward_test(const double *x, int n, int channels, int size, const double *gamma, const double *beta,
                     const double *running_mean, const double *running_var, double eps, double *y)
{
}
