/* Exercise 11: the three ideas behind a fast convolution.
 *
 * Lesson 11 (build/lessons/11_speed, notes/11_speed.md) counts the work of a
 * network, turns a convolution into one matrix product (im2col), and makes
 * that product faster one idea at a time. You write the first three ideas,
 * in double. Matrices are stored row by row: entry (r, c) of a matrix with
 * w columns is at index r * w + c.
 *
 *   TODO 1  im2col_image(x, channels, height, width, k_h, k_w, stride, pad, cols):
 *           x is one image (channels, height, width); pixel (c, y, x) is
 *           x[(c * height + y) * width + x]. A k_h x k_w filter slides over
 *           it with the given stride, over the image padded with `pad` rows
 *           and columns of zeros on every side, so it visits
 *               out_h = (height + 2*pad - k_h) / stride + 1  rows and
 *               out_w = (width  + 2*pad - k_w) / stride + 1  columns of positions.
 *           Copy the window at each position into one COLUMN of cols, a
 *           matrix of (channels * k_h * k_w) rows and (out_h * out_w) columns:
 *               row r    = (c * k_h + ky) * k_w + kx    (the filter tap c, ky, kx)
 *               column q = oy * out_w + ox              (the position oy, ox)
 *           Work out which pixel lies under tap (c, ky, kx) at position
 *           (oy, ox); where it falls in the padding, the entry is 0. Write
 *           EVERY entry of cols, the zeros too. Lesson 01's image
 *           [[5,2,2,3],[3,1,2,1],[9,0,4,5]] with a 2x2 filter (stride 1, no
 *           padding) gives the 4 x 6 matrix
 *               [5 2 2 3 1 2]
 *               [2 2 3 1 2 1]
 *               [3 1 2 9 0 4]
 *               [1 2 1 0 4 5]
 *           and the filter [[1,2],[-1,0]], read as the row [1 2 -1 0], times
 *           it gives [6 5 6 -4 5 0]: lesson 01's map.
 *   TODO 2  matmul_ipj(m, n, k, a, b, c): C (m x n) = A (m x k) B (k x n),
 *               C[i][j] = sum over p = 0 .. k-1 of A[i][p] * B[p][j],
 *           with the loops in the order i, p, j (j innermost), so that the
 *           inner loop walks a row of C and a row of B, both contiguous in
 *           memory. C is OVERWRITTEN: its old contents are garbage. The
 *           naive order i, j, p is given below (matmul_ijp) to compare.
 *   TODO 3  matmul_blocked(m, n, k, a, b, c, block_m, block_k, block_n): the
 *           same C, computed block by block: blocks of block_m rows of C
 *           (index i), block_k terms of the sum (index p) and block_n columns
 *           (index j), each block done with the loops of TODO 2. When a size
 *           is not a multiple of its block, the last block along that index
 *           is smaller, and it must still be done. C starts at 0.
 *
 * The checker also times your TODO 2 and 3 against the naive loop, once
 * task 3 passes, in a build without sanitizers (for your information only:
 * speed is never a pass condition).
 *
 * Check your work: make check EX=11    A hint, one level at a time: make hint EX=11
 * Start this exercise again from the original: make reset EX=11 (your file is kept as .bak) */
#include "11_speed.h"

/* Given, for comparison: the definition, one dot product per C[i][j]. Its
 * inner loop reads B down a column, n numbers apart. */
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

/* TODO 1. The idea: A convolution is many dot products of the filter with
 * windows of the image; lay every window out as a column, and all of them
 * become one matrix product.
 * (make hint EX=11: the formula, then the code, one at a time) */
void im2col_image(const double *x, int channels, int height, int width, int k_h, int k_w,
                  int stride, int pad, double *cols)
{
}

/* TODO 2. The idea: The same multiply-adds in another order: walk B and C
 * row by row, so the memory is read in the order it is laid out.
 * (make hint EX=11: the formula, then the code, one at a time) */
void matmul_ipj(int m, int n, int k, const double *a, const double *b, double *c)
{
}

/* TODO 3. The idea: Work on blocks small enough to stay in the cache: each
 * block of A meets each block of B while both are still close at hand.
 * (make hint EX=11: the formula, then the code, one at a time) */
void matmul_blocked(int m, int n, int k, const double *a, const double *b, double *c,
                    int block_m, int block_k, int block_n)
{
}
