/* gemm.h: GEneral Matrix-Matrix multiplication, C = alpha op(A) op(B) + beta C.
 *
 * The one operation that does nearly all the arithmetic of a convolutional
 * network (lesson 11): a convolution becomes a GEMM once im2col has laid
 * its input windows out as the columns of a matrix, and a dense layer is a
 * GEMM over the mini-batch. The interface is BLAS's sgemm/dgemm (Dongarra
 * et al. 1990), on row-major arrays:
 *
 *     op(A) is m x k,  op(B) is k x n,  C is m x n
 *     op(X) = X  when trans_x == 0:  element (i, j) of X sits at x[i * ldx + j]
 *     op(X) = X^T when trans_x != 0: element (i, j) of op(X) is x[j * ldx + i]
 *     C[i][j] = alpha * sum_p op(A)[i][p] * op(B)[p][j] + beta * C[i][j]
 *
 * lda, ldb, ldc are the "leading dimensions": the distance in memory between
 * two rows of the array as stored (at least its number of columns), so a
 * block of a larger matrix can be passed without copying. With beta == 0, C
 * is OVERWRITTEN and its old contents are never read (NaN in C is fine);
 * otherwise it is scaled and added to. m, n or k may be 0.
 *
 * Two versions with the same arguments and the same result (up to
 * rounding): gemm_naive, the triple loop of the definition, is the
 * reference; gemm is the fast one (packing, cache blocking, a register
 * tile: gemm.c explains each). Both sum over p in increasing order, in
 * blocks of GEMM_KC for the fast one, so a given build gives the same C for
 * any number of threads. */
#ifndef GEMM_H
#define GEMM_H

#include "real.h"
#include "threadpool.h"

/* The definition, one dot product per element of C: the reference. */
void gemm_naive(int trans_a, int trans_b, int m, int n, int k, real alpha, const real *a, int lda,
                const real *b, int ldb, real beta, real *c, int ldc);

/* The fast GEMM. pool: the threads to share the work (NULL: this thread
 * only); C is cut into blocks of rows or columns, one per thread, and
 * every element of C is computed by the same operations in the same order
 * whatever the number of threads. Must not be called from inside a task of
 * the same pool (thread_pool_run is not re-entrant). */
void gemm(int trans_a, int trans_b, int m, int n, int k, real alpha, const real *a, int lda,
          const real *b, int ldb, real beta, real *c, int ldc, thread_pool *pool);

/* The register tile and cache blocks of the fast GEMM (gemm.c says how
 * they were chosen): C is computed GEMM_MR x GEMM_NR elements at a time,
 * from panels of GEMM_KC terms of the sum. */
#define GEMM_MR 6
#ifdef REAL_DOUBLE
#define GEMM_NR 8
#else
#define GEMM_NR 16
#endif
#ifndef GEMM_KC                  /* (overridable with -D, to measure others) */
#define GEMM_KC 512
#endif
#ifndef GEMM_MC
#define GEMM_MC 96
#endif
#ifndef GEMM_NC
#define GEMM_NC 1024
#endif

/* Floating-point operations of one GEMM: m*n*k multiplications and as many
 * additions, 2mnk (the usual count; the alpha/beta scaling is ignored). */
double gemm_flops(int m, int n, int k);

/* ---------------------------------------------------------------- operands packed by the caller
 *
 * The fast GEMM's loops with the packing left to the caller: a convolution
 * fills B's panels straight from the image (implicit im2col, conv.c) and
 * takes each tile of C as it is computed (to scatter it back into dX), so
 * no im2col matrix is ever stored.
 *
 * gemm_callbacks, for C (m x n) = sum over p < k of op(A)[.][p] op(B)[p][.]:
 *   a_panel(ctx, i0, p0, kc, buf): rows i0 .. i0+GEMM_MR-1 of op(A) (zeros past
 *       m), terms p0 .. p0+kc-1, as kc groups of GEMM_MR numbers (column by
 *       column); either written into buf (room for kc*GEMM_MR) or a pointer
 *       to an existing copy (gemm_packed_a_panel) returned. Returns the panel.
 *   b_panel(ctx, p0, kc, j0, buf): terms p0 .. p0+kc-1 of columns j0 ..
 *       j0+GEMM_NR-1 of op(B) (zeros past n), as kc groups of GEMM_NR numbers
 *       (row by row), the same way.
 *   take_tile(ctx, i0, j0, p0, kc, tile): tile (GEMM_MR, GEMM_NR), row by row:
 *       sum over p0 <= p < p0+kc of op(A)[i0+i][p] op(B)[p][j0+j]. The sum
 *       over p comes in blocks of GEMM_KC, first (p0 == 0) to last
 *       (p0 + kc == k); only the entries with i0+i < m and j0+j < n matter.
 * Every tile's sum runs in the same order as gemm's, on this thread only. */
typedef struct {
    const real *(*a_panel)(void *ctx, int i0, int p0, int kc, real *buf);
    const real *(*b_panel)(void *ctx, int p0, int kc, int j0, real *buf);
    void (*take_tile)(void *ctx, int i0, int j0, int p0, int kc, const real *tile);
    void *ctx;
} gemm_callbacks;

void gemm_with_callbacks(int m, int n, int k, const gemm_callbacks *cb);

/* All of op(A) (m x k) packed once, in the panels a_panel returns, so that
 * several products (chunks of a batch) share one copy: gemm_packed_a_count
 * reals, OVERWRITTEN by gemm_pack_a_all; gemm_packed_a_panel points at the
 * panel of rows i0 (a multiple of GEMM_MR), terms p0 (a multiple of GEMM_KC). */
long gemm_packed_a_count(int m, int k);
void gemm_pack_a_all(int trans_a, int m, int k, const real *a, int lda, real *packed);
const real *gemm_packed_a_panel(const real *packed, int m, int k, int i0, int p0);

#endif
