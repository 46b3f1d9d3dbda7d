/* exercises/11_speed.h: the functions exercise 11 asks for.
 * Both exercises/11_speed.c (yours) and solutions/11_speed.c define them;
 * tests/exercise_11.c checks them. Do not change this file.
 *
 * Matrices are stored row by row: entry (r, c) of a matrix with `w` columns
 * is at index r * w + c. */
#ifndef EXERCISE_11_H
#define EXERCISE_11_H

/* Task 1: im2col of one image.
 *   x     (channels, height, width)      the image, channel after channel
 *   cols  (channels * k_h * k_w, out_h * out_w), OVERWRITTEN, with
 *         out_h = (height + 2*pad - k_h) / stride + 1
 *         out_w = (width  + 2*pad - k_w) / stride + 1
 *   row r = (c * k_h + ky) * k_w + kx     one filter tap (c, ky, kx)
 *   column q = oy * out_w + ox            one output position (oy, ox)
 *   cols[r][q] = the pixel under tap (c, ky, kx) at position (oy, ox), or 0
 *                where that pixel lies outside the image (the padding).
 * The checks only use geometries where the divisions above are exact. */
void im2col_image(const double *x, int channels, int height, int width, int k_h, int k_w,
                  int stride, int pad, double *cols);

/* Given (written out in both files): C (m, n) = A (m, k) B (k, n),
 * OVERWRITTEN, by the definition, loops i, j, p: one dot product per
 * C[i][j]. The checker times tasks 2 and 3 against it. */
void matmul_ijp(int m, int n, int k, const double *a, const double *b, double *c);

/* Task 2: C (m, n) = A (m, k) B (k, n), OVERWRITTEN, with the loops in the
 * order i, p, j:  C[i][j] = sum over p of A[i][p] * B[p][j]. */
void matmul_ipj(int m, int n, int k, const double *a, const double *b, double *c);

/* Task 3: the same product, computed block by block: blocks of block_m rows
 * of C (index i), block_k terms of the sum (index p) and block_n columns of
 * C (index j); the last block along each index may be smaller. */
void matmul_blocked(int m, int n, int k, const double *a, const double *b, double *c,
                    int block_m, int block_k, int block_n);

/* Block sizes for doubles on a core with a 32 KB L1 and a 512 KB L2 cache
 * (the checker times task 3 with them): a block of B, 128 x 128 doubles, is
 * 128 KB; a piece of a row of C, 128 doubles, is 1 KB. */
#define EX11_BLOCK_M 64
#define EX11_BLOCK_K 128
#define EX11_BLOCK_N 128

#endif
