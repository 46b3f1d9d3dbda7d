/* solutions/06_conv_backward.c: exercise 06, solved.
 * The task statement is at the top of exercises/06_conv_backward.c. */
#include "06_conv_backward.h"

#include <stdlib.h>

/* TODO 1 */
void conv_dfilter(const double *x, int h, int w, const double *dout, int oh, int ow, double *dfilter)
{
    int kh = h - oh + 1, kw = w - ow + 1;
    for (int a = 0; a < kh; a++)
        for (int b = 0; b < kw; b++) {
            double sum = 0;                       /* dO[i][j]/dF[a][b] = X[i + a][j + b] */
            for (int i = 0; i < oh; i++)
                for (int j = 0; j < ow; j++)
                    sum += dout[i * ow + j] * x[(i + a) * w + (j + b)];
            dfilter[a * kw + b] = sum;
        }
}

/* TODO 2 */
void conv_dinput(const double *filter, int k, const double *dout, int oh, int ow, double *dx)
{
    int h = oh + k - 1, w = ow + k - 1;
    for (int r = 0; r < h; r++)
        for (int c = 0; c < w; c++) {
            double sum = 0;
            /* the rotated filter over dO padded with k-1 zeros: rot[a][b] = F[k-1-a][k-1-b]
             * meets dO[r + a - (k-1)][c + b - (k-1)] */
            for (int a = 0; a < k; a++)
                for (int b = 0; b < k; b++) {
                    int i = r + a - (k - 1), j = c + b - (k - 1);
                    if (i >= 0 && i < oh && j >= 0 && j < ow)
                        sum += filter[(k - 1 - a) * k + (k - 1 - b)] * dout[i * ow + j];
                }
            dx[r * w + c] = sum;
        }
}

/* TODO 3 */
double conv_dbias(const double *dout, int oh, int ow)
{
    double sum = 0;                               /* dO[i][j]/db = 1 for every output */
    for (int i = 0; i < oh * ow; i++)
        sum += dout[i];
    return sum;
}

/* TODO 4 */
void conv_dinput_strided(const double *filter, int k, int stride, const double *dout, int oh, int ow,
                         double *dx)
{
    int dh = (oh - 1) * stride + 1, dw = (ow - 1) * stride + 1;
    double *dilated = calloc((size_t)dh * dw, sizeof *dilated);
    if (!dilated)
        return;
    for (int i = 0; i < oh; i++)
        for (int j = 0; j < ow; j++)
            dilated[i * stride * dw + j * stride] = dout[i * ow + j];   /* S-1 zeros in between */
    conv_dinput(filter, k, dilated, dh, dw, dx);                        /* (dh + k - 1) = X's size */
    free(dilated);
}
