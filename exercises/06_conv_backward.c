/* Exercise 06: the backward pass of a convolution.
 *
 * Lesson 06 (build/lessons/06_conv_backward, notes/06_conv_backward.md) takes
 * Doshi's example apart. Now you derive the four gradients yourself and write
 * them (one channel, one filter, no padding): for each weight, pixel or bias,
 * list the outputs it touched, and add up their dL/dO times the local
 * derivative. Arrays are stored row by row: entry (r, c) of an array w wide
 * is a[r * w + c]. The forward pass you differentiate is
 *     O[i][j] = b + sum_{a,b} X[i*S + a][j*S + b] * F[a][b]      (stride S)
 * and dout is dL/dO, the gradient that arrives from the layer above.
 *
 *   TODO 1  conv_dfilter (stride 1): X (h, w), dO (oh, ow) -> dL/dF (kh, kw),
 *           kh = h - oh + 1, kw = w - ow + 1.
 *   TODO 2  conv_dinput (stride 1): F (k, k), dO (oh, ow) -> dL/dX (oh+k-1, ow+k-1).
 *   TODO 3  conv_dbias: dO (oh, ow) -> dL/db, one number.
 *   TODO 4  conv_dinput_strided (stride S): F (k, k), dO (oh, ow) -> dL/dX (h, w)
 *           with h = (oh-1)*S + k, w = (ow-1)*S + k. For S = 1 it is TODO 2.
 *
 * The numbers to hit, Doshi's example: X = [[5,2,2],[3,1,2],[9,0,4]],
 * F = [[1,2],[-1,0]], O = [[6,5],[-4,5]], and with dL/dO = [[2,1],[-1,3]]:
 *     dL/dF = [[12,11],[-2,16]]     dL/dX = [[2,5,2],[-3,0,6],[1,-3,0]]     dL/db = 5
 * (Doshi's dL/dX11 = 2). With stride 2, F = [[1,0,-1],[2,1,0],[0,-1,1]] and
 * dL/dO = [[1,2],[3,4]], dL/dX is 5x5 (lesson 06, step 8); with stride 3
 * and a 3x3 dL/dO, 9x9. Try a derivation on paper first and check it with
 * build/gradcheck --mine (notes/gradcheck.md).
 *
 * Check your work: make check EX=06    A hint, one level at a time: make hint EX=06
 * Start this exercise again from the original: make reset EX=06 (your file is kept as .bak) */
#include "06_conv_backward.h"

#include <stdlib.h>

/* TODO 1. The idea: Each filter weight touched every output it helped to
 * make; its gradient adds up, over the outputs, the pixel it multiplied
 * times that output's gradient.
 * (make hint EX=06: the formula, then the code, one at a time) */
void conv_dfilter(const double *x, int h, int w, const double *dout, int oh, int ow, double *dfilter)
{
}

/* TODO 2. The idea: Each input pixel fed several outputs through different
 * filter weights; collecting them back is a convolution of dL/dO with the
 * filter turned round.
 * (make hint EX=06: the formula, then the code, one at a time) */
void conv_dinput(const double *filter, int k, const double *dout, int oh, int ow, double *dx)
{
}

/* TODO 3. The idea: The bias is added to every output of its map, so every
 * output's gradient reaches it.
 * (make hint EX=06: the formula, then the code, one at a time) */
double conv_dbias(const double *dout, int oh, int ow)
{
    return 0;
}

/* TODO 4. The idea: With stride S the forward pass skipped positions; put
 * zeros where it skipped and the stride-1 rule applies again.
 * (make hint EX=06: the formula, then the code, one at a time) */
void conv_dinput_strided(const double *filter, int k, int stride, const double *dout, int oh, int ow,
                         double *dx)
{
}
