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
 * Check your work:  make check EX=05        The solution: solutions/05_pooling.c */
#include "05_pooling.h"

/* TODO 1. Hint: for each window start with best = the index of its top-left
 * pixel, (oy*stride) * w + ox*stride; walk i, j over the window and keep the
 * index at = (oy*stride + i) * w + (ox*stride + j) when x[at] > x[best]
 * (">" and not ">=", so the first maximum keeps a tie). */
void max_pool_forward(const double *x, int h, int w, int k, int stride, double *y, int *argmax)
{
}

/* TODO 2. Hint: two loops: one sets all h * w entries of dx to 0, the other
 * runs over the out_h * out_w outputs o and ADDS dy[o] into dx[argmax[o]]
 * (with overlapping windows one pixel can win twice; "=" would keep only the
 * last gradient). No loop over the window: only the winner gets anything. */
void max_pool_backward(const double *dy, const int *argmax, int h, int w, int k, int stride, double *dx)
{
}

/* TODO 3. Hint: the same loops as TODO 1, with a running sum instead of a
 * running max; divide by k*k (the number of pixels), not by k. */
void avg_pool_forward(const double *x, int h, int w, int k, int stride, double *y)
{
}

/* TODO 4. Hint: zero dx first; then the loops of TODO 3, but instead of
 * reading x you ADD dy[oy * out_w + ox] / (k*k) into
 * dx[(oy*stride + i) * w + (ox*stride + j)]. */
void avg_pool_backward(const double *dy, int h, int w, int k, int stride, double *dx)
{
}
