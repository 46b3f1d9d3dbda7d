/* exercises/05_pooling.h: the functions exercise 05 asks for.
 * Both exercises/05_pooling.c (yours) and solutions/05_pooling.c define
 * them; tests/exercise_05.c checks them. Do not change this file.
 *
 * One channel, no padding. X is (h, w), stored row by row: pixel (row, col)
 * is x[row * w + col]. Windows are k x k and move by `stride`; the output Y
 * is (out_h, out_w) with out_h = (h - k) / stride + 1 and
 * out_w = (w - k) / stride + 1 (the callers only pass sizes that divide). */
#ifndef EXERCISE_05_H
#define EXERCISE_05_H

/* Task 1: max pooling. y (out_h, out_w) gets each window's largest value;
 * argmax (out_h, out_w) gets the flat index INTO X (row * w + col) of that
 * value. On a tie the first maximum in reading order wins. */
void max_pool_forward(const double *x, int h, int w, int k, int stride, double *y, int *argmax);

/* Task 2: the backward pass of max pooling. dy (out_h, out_w) is dL/dY,
 * argmax (out_h, out_w) comes from task 1 (the same h, w, k, stride); dx
 * (h, w) is dL/dX and is OVERWRITTEN. */
void max_pool_backward(const double *dy, const int *argmax, int h, int w, int k, int stride, double *dx);

/* Task 3: average pooling. y (out_h, out_w) gets each window's mean. */
void avg_pool_forward(const double *x, int h, int w, int k, int stride, double *y);

/* Task 4: the backward pass of average pooling. dy (out_h, out_w) is dL/dY;
 * dx (h, w) is dL/dX and is OVERWRITTEN. */
void avg_pool_backward(const double *dy, int h, int w, int k, int stride, double *dx);

#endif
