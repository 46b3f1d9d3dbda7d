/* exercises/13_batchnorm.h: the functions exercise 13 asks for.
 * Both exercises/13_batchnorm.c (yours) and solutions/13_batchnorm.c
 * define them; tests/exercise_13.c checks them. Do not change this file.
 *
 * The layout. A batch holds n images of C channels of `size` numbers each
 * (size = H*W for the feature maps of a conv layer, 1 for the features of a
 * dense layer), stored image by image, and within an image channel by
 * channel:
 *
 *     x (n, C, size): element (i, c, k) is x[(i * C + c) * size + k]
 *
 * Lesson 13's batch (n = 4, C = 2, size = 2) is x[0..3] = image 0 (its
 * channel 0, then its channel 1), x[4..7] = image 1, and so on. y, xhat, dy
 * and dx have the same shape and layout. Everything per channel (mean, var,
 * gamma, beta, dgamma, dbeta, running_mean, running_var) has C entries.
 * Channel c's statistics run over its N = n * size numbers: every image,
 * every position. */
#ifndef EXERCISE_13_H
#define EXERCISE_13_H

/* Task 1: training mode. For each channel c, over its N numbers:
 *     mean[c] = (1/N) sum_{i,k} x(i,c,k)
 *     var[c]  = (1/N) sum_{i,k} (x(i,c,k) - mean[c])^2        (divided by N, not N - 1)
 *     xhat(i,c,k) = (x(i,c,k) - mean[c]) / sqrt(var[c] + eps)
 *     y(i,c,k)    = gamma[c] * xhat(i,c,k) + beta[c]
 * Writes y and xhat (n, C, size), mean and var (C). */
void bn_forward_train(const double *x, int n, int channels, int size, const double *gamma, const double *beta,
                      double eps, double *y, double *xhat, double *mean, double *var);

/* Task 2: the backward pass of task 1. Given dy = dL/dy (n, C, size), and
 * xhat (n, C, size) and var (C) from the forward pass, writes
 *     dbeta[c]  = dL/dbeta[c]                                            (C)
 *     dgamma[c] = dL/dgamma[c]                                           (C)
 *     dx(i,c,k) = dL/dx(i,c,k), through every path: each x of a channel
 *                 moves its mean and its variance, and with them every y
 *                 of the channel                                        (n, C, size)
 * dx, dgamma and dbeta are OVERWRITTEN (not added to). */
void bn_backward(const double *dy, const double *xhat, int n, int channels, int size, const double *gamma,
                 const double *var, double eps, double *dx, double *dgamma, double *dbeta);

/* Task 3: after a training step, the running averages, for each channel c:
 *     running_mean[c] = momentum * running_mean[c] + (1 - momentum) * mean[c]
 *     running_var[c]  = momentum * running_var[c]  + (1 - momentum) * var[c] * N / (N - 1)
 * mean and var (C) are the batch's, from task 1; N (> 1) is the number of
 * numbers per channel that batch had (n * size). */
void bn_update_running(const double *mean, const double *var, int channels, long N, double momentum,
                       double *running_mean, double *running_var);

/* Task 4: test mode, every image on its own, with the running averages:
 *     y(i,c,k) = gamma[c] * (x(i,c,k) - running_mean[c]) / sqrt(running_var[c] + eps) + beta[c]
 * y (n, C, size). */
void bn_forward_test(const double *x, int n, int channels, int size, const double *gamma, const double *beta,
                     const double *running_mean, const double *running_var, double eps, double *y);

#endif
