/* solutions/17_winograd.c: exercise 17, solved.
 * The task statement is at the top of exercises/17_winograd.c. */
#include "17_winograd.h"

/* TODO 1: B^T d and G g (Lavin and Gray, F(2, 3)) */
void f23_input_transform(const double *d, double *v)
{
    v[0] = d[0] - d[2];
    v[1] = d[1] + d[2];
    v[2] = d[2] - d[1];
    v[3] = d[1] - d[3];
}

void f23_filter_transform(const double *g, double *u)
{
    u[0] = g[0];
    u[1] = (g[0] + g[1] + g[2]) / 2;
    u[2] = (g[0] - g[1] + g[2]) / 2;
    u[3] = g[2];
}

/* TODO 2: y = A^T [ (G g) (.) (B^T d) ] */
void f23(const double *d, const double *g, double *y)
{
    double v[4], u[4], m[4];
    f23_input_transform(d, v);
    f23_filter_transform(g, u);
    for (int k = 0; k < 4; k++)   /* the 4 multiplications */
        m[k] = u[k] * v[k];
    y[0] = m[0] + m[1] + m[2];
    y[1] = m[1] - m[2] - m[3];
}

/* TODO 3 */
void winograd_place_tile(const double *tile, int ty, int tx, double *out, int out_h, int out_w)
{
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 2; j++) {
            int r = 2 * ty + i, c = 2 * tx + j;   /* output tiles are 2 apart */
            if (r < out_h && c < out_w)
                out[r * out_w + c] = tile[i * 2 + j];
        }
}

/* TODO 4 */
void winograd_input_tile(const double *x, int h, int w, int ty, int tx, double *d)
{
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++) {
            int r = 2 * ty + i, c = 2 * tx + j;   /* 4x4 tiles, 2 apart: they overlap by 2 */
            d[i * 4 + j] = (r < h && c < w) ? x[r * w + c] : 0;
        }
}
