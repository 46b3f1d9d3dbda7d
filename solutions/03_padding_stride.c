/* solutions/03_padding_stride.c: exercise 03, solved.
 * The task statement is at the top of exercises/03_padding_stride.c. */
#include "03_padding_stride.h"

/* TODO 1 */
int output_length(int w, int f, int p, int s)
{
    int span = w - f + 2 * p;   /* how far the window travels past its first position */
    if (span < 0 || s <= 0 || span % s != 0)
        return -1;
    return span / s + 1;
}

/* TODO 2 */
long conv_layer_params(int f, int c_in, int c_out)
{
    long weights_per_filter = (long)f * f * c_in;
    return (weights_per_filter + 1) * c_out;   /* + 1: the filter's bias */
}

/* TODO 3 */
void zero_pad(const double *x, int h, int w, int p, double *out)
{
    int out_h = h + 2 * p, out_w = w + 2 * p;
    for (int i = 0; i < out_h * out_w; i++)
        out[i] = 0;
    for (int i = 0; i < h; i++)
        for (int j = 0; j < w; j++)
            out[(i + p) * out_w + (j + p)] = x[i * w + j];
}

/* TODO 4 */
void same_padding(int f, int *pad_before, int *pad_after)
{
    int total = f - 1;
    *pad_before = total / 2;
    *pad_after = total - *pad_before;
}
