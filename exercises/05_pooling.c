/* Exercise 05: pooling, forward and backward.
 *
 * Lesson 05 (build/lessons/05_pooling, notes/05_pooling.md) pools the 4x4 map
 * [[1,3,2,9],[7,4,1,5],[8,2,3,0],[6,5,4,1]] with 2x2 windows and stride 2:
 * max pooling gives [[7,9],[8,4]], average pooling [[3.75,4.25],[5.25,2]].
 * Now you write both, forward and backward, for one channel, and derive the
 * backward passes yourself: which inputs moved each output, and by how much.
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
 *           the first maximum in reading order wins. The map above gives
 *           argmax = [4, 3, 8, 14].
 *   TODO 2  max_pool_backward: dY (out_h, out_w) -> dX (h, w), OVERWRITTEN.
 *           With dL/dY = [[1,2],[3,4]] on the map above, dL/dX is
 *           [[0,0,0,2],[1,0,0,0],[3,0,0,0],[0,0,4,0]].
 *   TODO 3  avg_pool_forward: Y(oy, ox) = the mean of window (oy, ox).
 *   TODO 4  avg_pool_backward: dY (out_h, out_w) -> dX (h, w), OVERWRITTEN.
 *           With dL/dY = [[1,2],[3,4]]: dL/dX = [[0.25,0.25,0.5,0.5],
 *           [0.25,0.25,0.5,0.5],[0.75,0.75,1,1],[0.75,0.75,1,1]].
 *           Overlapping windows: a pixel in several windows hears from each.
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
