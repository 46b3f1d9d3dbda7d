/* solutions/05_pooling.c: exercise 05, solved.
 * The task statement is at the top of exercises/05_pooling.c. */
#include "05_pooling.h"

/* TODO 1 */
void max_pool_forward(const double *x, int h, int w, int k, int stride, double *y, int *argmax)
{
    int out_h = (h - k) / stride + 1, out_w = (w - k) / stride + 1;
    for (int oy = 0; oy < out_h; oy++)
        for (int ox = 0; ox < out_w; ox++) {
            int best = (oy * stride) * w + ox * stride;      /* the window's top-left pixel */
            for (int i = 0; i < k; i++)
                for (int j = 0; j < k; j++) {
                    int at = (oy * stride + i) * w + (ox * stride + j);
                    if (x[at] > x[best])                     /* ">": the first maximum wins a tie */
                        best = at;
                }
            y[oy * out_w + ox] = x[best];
            argmax[oy * out_w + ox] = best;
        }
}

/* TODO 2 */
void max_pool_backward(const double *dy, const int *argmax, int h, int w, int k, int stride, double *dx)
{
    int n_out = ((h - k) / stride + 1) * ((w - k) / stride + 1);
    for (int i = 0; i < h * w; i++)
        dx[i] = 0;
    for (int o = 0; o < n_out; o++)
        dx[argmax[o]] += dy[o];           /* dY/dX = 1 for the winner, 0 for the rest */
}

/* TODO 3 */
void avg_pool_forward(const double *x, int h, int w, int k, int stride, double *y)
{
    int out_h = (h - k) / stride + 1, out_w = (w - k) / stride + 1;
    for (int oy = 0; oy < out_h; oy++)
        for (int ox = 0; ox < out_w; ox++) {
            double sum = 0;
            for (int i = 0; i < k; i++)
                for (int j = 0; j < k; j++)
                    sum += x[(oy * stride + i) * w + (ox * stride + j)];
            y[oy * out_w + ox] = sum / (k * k);
        }
}

/* TODO 4 */
void avg_pool_backward(const double *dy, int h, int w, int k, int stride, double *dx)
{
    int out_h = (h - k) / stride + 1, out_w = (w - k) / stride + 1;
    for (int i = 0; i < h * w; i++)
        dx[i] = 0;
    for (int oy = 0; oy < out_h; oy++)
        for (int ox = 0; ox < out_w; ox++)
            for (int i = 0; i < k; i++)
                for (int j = 0; j < k; j++)   /* dY/dX = 1/(k*k) for every pixel of the window */
                    dx[(oy * stride + i) * w + (ox * stride + j)] += dy[oy * out_w + ox] / (k * k);
}
