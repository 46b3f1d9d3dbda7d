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
 * tile: gemm.c explains each). The fast one picks its path from the shape
 * and the storage alone, never from the number of threads:
 *   - dot products, when C = A B^T (trans_a == 0, trans_b != 0), k >= 256
 *     and m * n <= 4096 (a convolution's filter gradient, dW = dY cols^T):
 *     each C[i][j] is summed in SIMD_LANES partial sums (lane l takes the
 *     terms p = l, l + LANES, ...), added pairwise at the end, then the
 *     last k % LANES terms;
 *   - otherwise a register tile: each C[i][j] is one running sum over p
 *     in increasing order, cut into blocks of GEMM_KC. The tile is the main
 *     one below, or, with 32 vector registers, a narrow 8-row one (8 x 48
 *     floats on AVX-512) for a C of at most 64 rows that it covers with
 *     fewer rows of zeros, when 8 < k <= 64 (gemm.c's choose_tile): the
 *     same sums in the same order, so the same bits as the main tile.
 * So one build gives the same C for any number of threads; the two paths
 * round differently from each other (and from gemm_naive), and the dot
 * products' rounding depends on the vector width. */
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
 * from panels of GEMM_KC terms of the sum. The tile is sized per vector
 * width (simd.h): GEMM_MR rows of GEMM_NV vector registers, GEMM_MR x
 * GEMM_NV accumulators, enough independent multiply-adds to cover the FMA
 * latency (4-5 cycles) on two FMA units (>= 10 in flight), leaving
 * registers for GEMM_NV loads of B and one broadcast of A:
 *
 *   vector unit           registers   tile (floats)    accumulators
 *   AVX-512 (16 floats)   32           6 x 64          24
 *   AVX2, AVX (8)         16           6 x 16          12
 *   NEON AArch64 (4)      32          12 x 8           24
 *   SSE, 32-bit NEON (4)  16           6 x 8           12
 *   none (scalar)          -           4 x 4           16
 *
 * (the shapes of BLIS's kernels for these units, transposed to our
 * row-major C, are 12 x 32 for Skylake-X, 6 x 16 for Haswell, 12 x 8 for
 * ARMv8; on AVX-512, 6 x 64 needs fewer loads per FMA than 12 x 32, 10
 * against 14 for 24 FMAs; on an Ice Lake Xeon its kernel alone, data in L1,
 * ran at about 0.9 of the FMA probe against 0.8 for 12 x 32, in CPU time
 * on a shared machine (to be re-measured on a quiet one: a build with
 * EXTRA_CFLAGS="-DGEMM_MR=12 -DGEMM_NV=2" against this one, make bench); it
 * also wastes less on the 16-row products of lesson 10's convolutions: 3
 * tiles of 6 rows against 2 of 12).
 * Every element of C is still one running sum over p in increasing order,
 * cut into blocks of GEMM_KC: so one build gives the same bits for any
 * number of threads; but KC, and with it the rounding, depends on the
 * tile, so builds for different vector widths (or with and without FMA)
 * may differ in the last bits. */
#include "simd.h"
#if SIMD_BYTES == 64
#define GEMM_MR_DEFAULT 6
#define GEMM_NV_DEFAULT 4
#elif SIMD_BYTES == 0
#define GEMM_MR_DEFAULT 4
#define GEMM_NV_DEFAULT 4
#elif SIMD_REGISTERS >= 32
#define GEMM_MR_DEFAULT 12
#define GEMM_NV_DEFAULT 2
#else
#define GEMM_MR_DEFAULT 6
#define GEMM_NV_DEFAULT 2
#endif
#ifndef GEMM_MR                  /* (all overridable with -D, to measure others) */
#define GEMM_MR GEMM_MR_DEFAULT
#endif
#ifndef GEMM_NV
#define GEMM_NV GEMM_NV_DEFAULT
#endif
#define GEMM_NR (GEMM_NV * SIMD_LANES)
/* KC: a KC x NR sliver of B, kept near L1 while the kernel sweeps A past
 * it: 32 KB for NR = 16 floats, KC = 512 (an L1 is 32-48 KB). With wider
 * tiles KC = 256, fewer terms per block: every block of KC terms ends with
 * a read and a write of the C tile, so KC is not halved again; the 6 x 64
 * tile's sliver (64 KB) then lives in L2, which feeds its 4 loads of B per
 * 24 FMAs (KC = 128 ran slower there, CPU time on a shared machine). */
#ifndef GEMM_KC
#if GEMM_NR * SIMD_REAL_BYTES >= 128
#define GEMM_KC 256
#else
#define GEMM_KC 512
#endif
#endif
/* MC: rows of A per block. 24 (4 tiles of 6, 3 of 8) with the 6 x 64 tile
 * of AVX-512, where 96 ran 0.97-1.01x as fast at 1024^3 and 0.84-1.0x on
 * the forward and dcols products of Doshi's conv2 and conv3, in processor
 * time on one thread of a shared Ice Lake Xeon (build/gemm_shapes against
 * the version before, three runs each in turns; notes 11, step 6). Every
 * entry of C is the same sum in the same order whatever MC is. But
 * gemm_with_callbacks hands its tiles over one block of MC rows after
 * another, and the implicit path's dX (conv.c) adds tiles of different rows
 * into the same pixels in that order: its last bits depend on MC (going from 96 to
 * 24 moved them, and with them make mnist-deep's figures: notes/12). Any
 * one build gives the same numbers for any thread count. Elsewhere 96 (72
 * and 96 were within noise on Zen 3). */
#ifndef GEMM_MC
#if SIMD_BYTES == 64
#define GEMM_MC 24
#else
#define GEMM_MC 96
#endif
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
 * fills panels straight from the image (implicit im2col, conv.c) and
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

/* One panel of A for a_panel, from `rows` (<= GEMM_MR) rows of a row-major
 * block (row i at a + i*lda, kc numbers each): panel (kc, GEMM_MR),
 * OVERWRITTEN, zeros past `rows` (gemm's own packing of A, vectorised). */
void gemm_pack_a_rows(const real *a, long lda, int rows, int kc, real *panel);
/* Rows r0 .. r0+count-1 of one panel of B for b_panel, from B^T stored
 * (op(B)[p][j] at bt[j*ld + p - r0], j < GEMM_NR): panel rows (count,
 * GEMM_NR) at panel + r0*GEMM_NR, OVERWRITTEN (16 x 16 transposes in
 * registers where gemm has them). */
void gemm_pack_b_t_rows(const real *bt, long ld, int r0, int count, real *panel);

/* All of op(A) (m x k) packed once, in the panels a_panel returns, so that
 * several products (chunks of a batch) share one copy: gemm_packed_a_count
 * reals, OVERWRITTEN by gemm_pack_a_all; gemm_packed_a_panel points at the
 * panel of rows i0 (a multiple of GEMM_MR), terms p0 (a multiple of GEMM_KC). */
long gemm_packed_a_count(int m, int k);
void gemm_pack_a_all(int trans_a, int m, int k, const real *a, int lda, real *packed);
const real *gemm_packed_a_panel(const real *packed, int m, int k, int i0, int p0);

#endif
