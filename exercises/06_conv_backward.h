/* exercises/06_conv_backward.h: the functions exercise 06 asks for.
 * Both exercises/06_conv_backward.c (yours) and solutions/06_conv_backward.c
 * define them; tests/exercise_06.c checks them. Do not change this file.
 *
 * One channel, one filter, no padding. Arrays are stored row by row: entry
 * (r, c) of an array w entries wide is a[r * w + c]. The forward pass is
 *     O[i][j] = b + sum_{a,b} X[i*S + a][j*S + b] * F[a][b]
 * with X (h, w), F (k, k), stride S and O (oh, ow); dout is dL/dO (oh, ow). */
#ifndef EXERCISE_06_H
#define EXERCISE_06_H

/* Task 1 (stride 1): dfilter (kh, kw) = dL/dF, OVERWRITTEN, with
 * kh = h - oh + 1 and kw = w - ow + 1. */
void conv_dfilter(const double *x, int h, int w, const double *dout, int oh, int ow, double *dfilter);

/* Task 2 (stride 1): dx (oh + k - 1, ow + k - 1) = dL/dX, OVERWRITTEN. */
void conv_dinput(const double *filter, int k, const double *dout, int oh, int ow, double *dx);

/* Task 3: dL/db (one number), the bias being added to every output. */
double conv_dbias(const double *dout, int oh, int ow);

/* Task 4 (stride S >= 1): dx ((oh-1)*S + k, (ow-1)*S + k) = dL/dX, OVERWRITTEN. */
void conv_dinput_strided(const double *filter, int k, int stride, const double *dout, int oh, int ow,
                         double *dx);

#endif
