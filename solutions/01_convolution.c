/* solutions/01_convolution.c: exercise 01, solved.
 * The task statement is at the top of exercises/01_convolution.c. */
#include "01_convolution.h"

/* TODO 1 */
int conv_positions(int n, int f)
{
    return f <= n ? n - f + 1 : 0;
}

/* TODO 2 */
double window_sum(const double *image, int image_w, const double *filter, int f, int row, int col)
{
    double sum = 0;
    for (int i = 0; i < f; i++)
        for (int j = 0; j < f; j++)
            sum += image[(row + i) * image_w + (col + j)] * filter[i * f + j];
    return sum;
}

/* TODO 3 */
void convolve_valid(const double *image, int h, int w, const double *filter, int f, double *out)
{
    int out_h = conv_positions(h, f), out_w = conv_positions(w, f);
    for (int row = 0; row < out_h; row++)
        for (int col = 0; col < out_w; col++)
            out[row * out_w + col] = window_sum(image, w, filter, f, row, col);
}

/* TODO 4 */
void make_horizontal_edge_filter(double *filter)
{
    static const double top_minus_bottom[9] = { 1, 1, 1, 0, 0, 0, -1, -1, -1 };
    for (int i = 0; i < 9; i++)
        filter[i] = top_minus_bottom[i];
}
