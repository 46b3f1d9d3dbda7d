/* Solution of exercise 11: im2col, the i-p-j loop order, cache blocking.
 * (The task is described in exercises/11_speed.c; lesson 11 times the same
 * three ideas in float: build/lessons/11_speed.) */
#include "11_speed.h"

/* TODO 1: every (tap, position) pair once; the pixel it copies is the
 * tap's offset (ky, kx) from the window's corner, which sits at
 * (oy*stride - pad, ox*stride - pad). */
void im2col_image(const double *x, int channels, int height, int width, int k_h, int k_w,
                  int stride, int pad, double *cols)
{
    int out_h = (height + 2 * pad - k_h) / stride + 1, out_w = (width + 2 * pad - k_w) / stride + 1;
    for (int c = 0; c < channels; c++)
        for (int ky = 0; ky < k_h; ky++)
            for (int kx = 0; kx < k_w; kx++) {
                double *row = cols + (long)((c * k_h + ky) * k_w + kx) * out_h * out_w;
                for (int oy = 0; oy < out_h; oy++)
                    for (int ox = 0; ox < out_w; ox++) {
                        int iy = oy * stride + ky - pad, ix = ox * stride + kx - pad;
                        int inside = iy >= 0 && iy < height && ix >= 0 && ix < width;
                        row[oy * out_w + ox] = inside ? x[((long)c * height + iy) * width + ix] : 0;
                    }
            }
}

/* Given: the definition, one dot product per C[i][j]. */
void matmul_ijp(int m, int n, int k, const double *a, const double *b, double *c)
{
    for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++) {
            double sum = 0;
            for (int p = 0; p < k; p++)
                sum += a[(long)i * k + p] * b[(long)p * n + j];
            c[(long)i * n + j] = sum;
        }
}

/* TODO 2: row i of C is the sum over p of A[i][p] times row p of B. */
void matmul_ipj(int m, int n, int k, const double *a, const double *b, double *c)
{
    for (int i = 0; i < m; i++) {
        double *c_row = c + (long)i * n;
        for (int j = 0; j < n; j++)
            c_row[j] = 0;
        for (int p = 0; p < k; p++) {
            double a_ip = a[(long)i * k + p];
            const double *b_row = b + (long)p * n;
            for (int j = 0; j < n; j++)
                c_row[j] += a_ip * b_row[j];
        }
    }
}

static int min_int(int a, int b)
{
    return a < b ? a : b;
}

/* C[i0..i1)[j0..j1) += A[i0..i1)[p0..p1) B[p0..p1)[j0..j1), loops i, p, j. */
static void add_block(int n, int k, const double *a, const double *b, double *c,
                      int i0, int i1, int p0, int p1, int j0, int j1)
{
    for (int i = i0; i < i1; i++)
        for (int p = p0; p < p1; p++) {
            double a_ip = a[(long)i * k + p];
            for (int j = j0; j < j1; j++)
                c[(long)i * n + j] += a_ip * b[(long)p * n + j];
        }
}

/* TODO 3: C = 0 once, then every block adds its share. */
void matmul_blocked(int m, int n, int k, const double *a, const double *b, double *c,
                    int block_m, int block_k, int block_n)
{
    for (long i = 0; i < (long)m * n; i++)
        c[i] = 0;
    for (int i0 = 0; i0 < m; i0 += block_m)
        for (int p0 = 0; p0 < k; p0 += block_k)
            for (int j0 = 0; j0 < n; j0 += block_n)
                add_block(n, k, a, b, c, i0, min_int(i0 + block_m, m), p0, min_int(p0 + block_k, k),
                          j0, min_int(j0 + block_n, n));
}
