/* Exercise 05: pooling, forward and backward.
 *
 * Lesson 05 (build/lessons/05_pooling, notes/05_pooling.md) pools the 4x4 map
 * [[1,3,2,9],[7,4,1,5],[8,2,3,0],[6,5,4,1]] with 2x2 windows and stride 2:
 * max pooling gives [[7,9],[8,4]], average pooling [[3.75,4.25],[5.25,2]].
 * Now you write both, forward and backward, for one channel.
 *
 * X is (h, w), stored row by row: pixel (row, col) is x[row * w + col].
 * Window (oy, ox) covers rows oy*stride .. oy*stride + k - 1 and columns
 * ox*stride .. ox*stride + k - 1; the output Y is (out_h, out_w) with
 *     out_h = (h - k) / stride + 1,   out_w = (w - k) / stride + 1,
 * and Y(oy, ox) is y[oy * out_w + ox]. With k > stride the windows overlap
 * (AlexNet's 3x3 windows, stride 2), and one pixel can sit in several windows.
 *
 *   TODO 1  max_pool_forward: Y(oy, ox) = the largest pixel of window (oy, ox);
 *           argmax(oy, ox) = where it is, as a flat index into X
 *           (row * w + col, NOT the position inside the window). On a tie
 *           the first maximum in reading order wins.
 *   TODO 2  max_pool_backward: only the winner moved the output (dY/dX = 1
 *           for it, 0 for the others), so
 *               dX = 0 everywhere, then dX[argmax[o]] += dY[o] for every output o.
 *   TODO 3  avg_pool_forward: Y(oy, ox) = (sum of the window) / (k*k).
 *   TODO 4  avg_pool_backward: every pixel moved the mean by 1/(k*k), so each
 *           pixel of window (oy, ox) gets dY(oy, ox) / (k*k), summed over all
 *           the windows the pixel belongs to. dX (h, w) starts at 0.
 *
 * Check your work: make check EX=05    A hint, one level at a time: make hint EX=05
 * Start this exercise again from the original: make reset EX=05 (your file is kept as .bak) */
#include "05_pooling.h"

/* TODO 1. The idea: Max pooling keeps the largest pixel of each window, and
 * remembers which pixel it was: the backward pass needs that.
 * (make hint EX=05: the formula, then the code, one at a time) */
void max_pool_forward(const double *x, int h, int w, int k, int stride, double *y, int *argmax)
{
}

/* TODO 2. The idea: Only the pixel that won the max moved the output, so
 * only it gets the gradient; a pixel can win more than one window.
 * (make hint EX=05: the formula, then the code, one at a time) */
void max_pool_backward(const double *dy, const int *argmax, int h, int w, int k, int stride, double *dx)
{
}

/* TODO 3. The idea: Average pooling replaces each window by the mean of its
 * pixels.
 * (make hint EX=05: the formula, then the code, one at a time) */
void avg_pool_forward(const double *x, int h, int w, int k, int stride, double *y)
{
}

/* TODO 4. The idea: Every pixel of a window moved the average by 1/k^2 of
 * its own change, so each gets that share of the window's gradient.
 * (make hint EX=05: the formula, then the code, one at a time) */
void avg_pool_backward(const double *dy, int h, int w, int k, int stride, double *dx)
{
}
