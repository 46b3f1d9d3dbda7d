/* Exercise 06: the backward pass of a convolution.
 *
 * Lesson 06 (build/lessons/06_conv_backward, notes/06_conv_backward.md) works
 * Doshi's example: X = [[5,2,2],[3,1,2],[9,0,4]], F = [[1,2],[-1,0]],
 * O = conv(X, F) = [[6,5],[-4,5]], and with dL/dO = [[2,1],[-1,3]]:
 *     dL/dF = conv(X, dL/dO)                    = [[12,11],[-2,16]]
 *     dL/dX = full conv of rot180(F) with dL/dO = [[2,5,2],[-3,0,6],[1,-3,0]]
 *     dL/db = sum of dL/dO                      = 5
 * Now you write these four functions (one channel, one filter, no padding).
 * Arrays are stored row by row: entry (r, c) of an array w wide is a[r * w + c].
 * The forward pass they differentiate is
 *     O[i][j] = b + sum_{a,b} X[i*S + a][j*S + b] * F[a][b]      (stride S)
 *
 *   TODO 1  conv_dfilter (stride 1): X (h, w), dO (oh, ow) -> dF (kh, kw),
 *           kh = h - oh + 1, kw = w - ow + 1:
 *               dF[a][b] = sum_{i,j} dO[i][j] * X[i + a][j + b]
 *           (dO slides over X like a filter; nothing is rotated).
 *   TODO 2  conv_dinput (stride 1): F (k, k), dO (oh, ow) -> dX (oh+k-1, ow+k-1):
 *               dX[r][c] = sum_{a,b} rot[a][b] * dOpad[r + a][c + b]
 *           with rot[a][b] = F[k-1-a][k-1-b] (F turned by 180 degrees) and
 *           dOpad = dO with k-1 rings of zeros around it, so
 *           dOpad[r + a][c + b] = dO[r + a - (k-1)][c + b - (k-1)], or 0 outside dO.
 *           Check: dX[0][0] = F[0][0] * dO[0][0] (Doshi's dL/dX11 = F11 dL/dO11).
 *   TODO 3  conv_dbias: b is added to every output, dO[i][j]/db = 1, so
 *               db = sum_{i,j} dO[i][j].
 *   TODO 4  conv_dinput_strided (stride S): F (k, k), dO (oh, ow) -> dX (h, w)
 *           with h = (oh-1)*S + k, w = (ow-1)*S + k. Dilate dO: put dO[i][j]
 *           at (i*S, j*S) of a zero array of ((oh-1)*S + 1, (ow-1)*S + 1), i.e.
 *           S - 1 zeros between neighbours; then dX = the full convolution of
 *           TODO 2 applied to the dilated array. For S = 1 it is TODO 2.
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
