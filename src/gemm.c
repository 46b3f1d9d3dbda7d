/* gemm.c: see gemm.h. The fast GEMM in four ideas (lesson 11 times each):
 *
 *   1. Packing. The blocks of A and B that the inner loops use are copied
 *      into small contiguous buffers first, in exactly the order the
 *      micro-kernel reads them, so every load is sequential, whatever the
 *      leading dimensions or transposes were (a B stored transposed, as in
 *      dW = dY cols^T, 16 x 16 blocks at a time, transposed in registers).
 *   2. A register tile. The micro-kernel keeps an MR x NR tile of C in
 *      registers and adds one outer product of a column of A and a row of B
 *      to it for each p. Its shape follows the vector unit (gemm.h): with
 *      AVX-512, 6 x 64 floats = 24 registers of 16, 384 multiply-adds for
 *      70 numbers loaded; with AVX2, 6 x 16 = 12 registers of 8, 96 for 22.
 *   3. Cache blocking (Goto and van de Geijn 2008, "Anatomy of
 *      high-performance matrix multiplication"; the loop order of BLIS):
 *      a KC x NR sliver of B stays in the L1 cache while the kernel sweeps
 *      the MC x KC block of A (in L2) past it; the KC x NC panel of B stays
 *      in L2/L3 while all of A goes by.
 *   4. Threads. C is cut into blocks of whole register tiles, one per
 *      thread; each thread runs steps 1-3 on its own block.
 *   5. A special case, long sums into a small C stored as A B^T, where
 *      dot products beat packing (dot_block below).
 *
 * Block sizes for a core with 32-48 KB of L1 and 512 KB or more of L2: a
 * B sliver is KC*NR*4 = 32 KB (KC = 512 with NR = 16, 256 with NR = 32), an
 * A block MC*KC*4 = 96-192 KB (6 x 64 on AVX-512: a 64 KB sliver, and
 * MC = 24, a 24 KB block: gemm.h says why). Measured on AMD Zen 3 with the 6 x 16 tile
 * (alternating builds made with -DGEMM_KC=... -DGEMM_MC=..., five rounds):
 * KC = 512 beat 256 and 384 by 10-20% at 1024^3 and on the conv layers'
 * shapes, because every block of KC terms ends with a read and a write of
 * the C tile (now fetched ahead: prefetch_tile); MC = 72 and 96 were within
 * noise of each other. With a 12 x 32 tile on an AVX-512 Xeon (Ice Lake),
 * KC = 512 (a 64 KB sliver, more than its 48 KB L1) ran slower than 256 in
 * CPU time on a shared machine (to be re-measured on a quiet one: build
 * with -DGEMM_KC=512 and compare make bench's rows).
 * Other tiles can be tried with -DGEMM_MR=... -DGEMM_NV=... (a multiple
 * of MR must divide MC, of NR divide NC). */
#include "gemm.h"

#include <stddef.h>
#include <string.h>

/* Loops of fixed count unrolled completely, and the kernels inlined where
 * they are called with constant shapes (section 2 says why). */
#if defined(__GNUC__) || defined(__clang__)
#define UNROLLED _Pragma("GCC unroll 16")
#define ALWAYS_INLINE __attribute__((always_inline))
#else
#define UNROLLED
#define ALWAYS_INLINE
#endif

/* The narrow tile (choose_tile, gemm.h): 8 rows of 3 vectors, 24
 * accumulators, where there are 32 vector registers; elsewhere the main
 * tile only. */
#if SIMD_VECTORS && SIMD_REGISTERS >= 32 && GEMM_MR != 8 && !defined(GEMM_NO_NARROW_TILE)
#define GEMM_MR2 8
#define GEMM_NV2 3
#else
#define GEMM_MR2 GEMM_MR
#define GEMM_NV2 GEMM_NV
#endif
#define GEMM_NR2 (GEMM_NV2 * SIMD_LANES)
#define GEMM_MR2_MAX_M 64                 /* larger C: the main tile */
#define GEMM_MR_MAX (GEMM_MR > GEMM_MR2 ? GEMM_MR : GEMM_MR2)
#define GEMM_NV_MAX (GEMM_NV > GEMM_NV2 ? GEMM_NV : GEMM_NV2)
#define GEMM_TILE_MAX (GEMM_MR * GEMM_NR > GEMM_MR2 * GEMM_NR2 ? GEMM_MR * GEMM_NR : GEMM_MR2 * GEMM_NR2)

_Static_assert(GEMM_MC % GEMM_MR == 0 && GEMM_NC % GEMM_NR == 0, "blocks are whole tiles");
_Static_assert(GEMM_MC % GEMM_MR2 == 0 && GEMM_NC >= GEMM_NR2, "blocks are whole narrow tiles");

double gemm_flops(int m, int n, int k)
{
    return 2.0 * m * n * k;
}

/* A matrix as a pointer and two strides: element (i, j) is at[i * rs + j * cs].
 * The transpose just swaps the strides; no number moves. */
typedef struct {
    const real *at;
    long rs, cs;
} matrix_view;

static matrix_view view_of(const real *x, int ld, int trans)
{
    matrix_view v = { x, ld, 1 };
    if (trans) {
        v.rs = 1;
        v.cs = ld;
    }
    return v;
}

static real element(matrix_view v, long i, long j)
{
    return v.at[i * v.rs + j * v.cs];
}

static int min_int(int a, int b)
{
    return a < b ? a : b;
}

/* A register tile: mr rows of nv vectors (nr = nv * SIMD_LANES columns).
 * gemm.h's GEMM_MR x GEMM_NR, or the narrow one (GEMM_MR2 x GEMM_NR2) for a
 * C of few rows (choose_tile below). */
typedef struct {
    int mr, nv, nr;
} tile_shape;

static const tile_shape main_tile = { GEMM_MR, GEMM_NV, GEMM_NR };

/* C[i][j] = alpha * sum + beta * C[i][j]; with beta == 0 the old C is not read. */
static void store(real *c, real alpha, real sum, real beta)
{
    *c = beta == 0 ? alpha * sum : alpha * sum + beta * *c;
}

void gemm_naive(int trans_a, int trans_b, int m, int n, int k, real alpha, const real *a, int lda,
                const real *b, int ldb, real beta, real *c, int ldc)
{
    matrix_view A = view_of(a, lda, trans_a), B = view_of(b, ldb, trans_b);
    for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++) {
            real sum = 0;
            for (int p = 0; p < k; p++)
                sum += element(A, i, p) * element(B, p, j);   /* row i of op(A) . column j of op(B) */
            store(&c[(long)i * ldc + j], alpha, sum, beta);
        }
}

/* ---------------------------------------------------------------- 1. packing */

/* Six rows interleaved in vector registers, where the compiler has
 * __builtin_shufflevector (clang, gcc >= 12): from 6 rows of src (ld apart),
 * LANES numbers each, to dst[q * 6 + i] = row i's number q (q < LANES), the
 * order of pack_a's panels for the 6-row tiles. Two rounds of two-input
 * shuffles: rows 0 and 1, 2 and 3, 4 and 5 are zipped into pairs
 * (row 2i's q, row 2i+1's q), the pairs of the three zips X, Y, Z are then
 * taken in the order X0 Y0 Z0 X1 Y1 Z1 ... (one shuffle of X and Y, one
 * of that with Z, per output vector): 18 shuffles for 6 LANES numbers,
 * where a plain loop needs a load and a store for each (pack_a was 4-5% of
 * GEMM 1024^3 and of a training step of Doshi's network; Sapphire Rapids-class Xeon, perf). */
#if defined(__has_builtin)
#if SIMD_VECTORS && (SIMD_LANES == 4 || SIMD_LANES == 8 || SIMD_LANES == 16) && __has_builtin(__builtin_shufflevector)
#define INTERLEAVE_6 1
#endif
#endif

#ifdef INTERLEAVE_6
#define L_ SIMD_LANES
#if SIMD_LANES == 16
#define IDX_(F, j) F(j, 0), F(j, 1), F(j, 2), F(j, 3), F(j, 4), F(j, 5), F(j, 6), F(j, 7), \
                   F(j, 8), F(j, 9), F(j, 10), F(j, 11), F(j, 12), F(j, 13), F(j, 14), F(j, 15)
#elif SIMD_LANES == 8
#define IDX_(F, j) F(j, 0), F(j, 1), F(j, 2), F(j, 3), F(j, 4), F(j, 5), F(j, 6), F(j, 7)
#else
#define IDX_(F, j) F(j, 0), F(j, 1), F(j, 2), F(j, 3)
#endif
/* Round 1, half h (q < L/2 or q >= L/2): lane f takes row a's (f even) or
 * row b's (f odd) number h * L/2 + f/2. */
#define ZIP_(h, f) ((f) % 2 ? L_ : 0) + (h) * L_ / 2 + (f) / 2
/* Round 2, output vector j of a half: lane f holds pair P = j * L/2 + f/2,
 * element f % 2 of it; pair P is pair q = P/3 of zip P%3 (X, Y or Z). */
#define PAIR_(j, f) ((j) * L_ / 2 + (f) / 2)
#define XY_(j, f) (PAIR_(j, f) % 3 == 0 ? 2 * (PAIR_(j, f) / 3) + (f) % 2 \
                   : PAIR_(j, f) % 3 == 1 ? L_ + 2 * (PAIR_(j, f) / 3) + (f) % 2 : 0)
#define XYZ_(j, f) (PAIR_(j, f) % 3 == 2 ? L_ + 2 * (PAIR_(j, f) / 3) + (f) % 2 : (f))

static inline ALWAYS_INLINE SIMD_FULL_WIDTH void interleave_6(const real *src, long ld, real *dst)
{
    simd_vec r[6], zip[3][2];
    UNROLLED for (int i = 0; i < 6; i++)
        memcpy(&r[i], src + i * ld, sizeof r[i]);
    UNROLLED for (int z = 0; z < 3; z++) {
        zip[z][0] = __builtin_shufflevector(r[2 * z], r[2 * z + 1], IDX_(ZIP_, 0));
        zip[z][1] = __builtin_shufflevector(r[2 * z], r[2 * z + 1], IDX_(ZIP_, 1));
    }
    UNROLLED for (int h = 0; h < 2; h++) {
        simd_vec out[3];
        out[0] = __builtin_shufflevector(__builtin_shufflevector(zip[0][h], zip[1][h], IDX_(XY_, 0)), zip[2][h],
                                         IDX_(XYZ_, 0));
        out[1] = __builtin_shufflevector(__builtin_shufflevector(zip[0][h], zip[1][h], IDX_(XY_, 1)), zip[2][h],
                                         IDX_(XYZ_, 1));
        out[2] = __builtin_shufflevector(__builtin_shufflevector(zip[0][h], zip[1][h], IDX_(XY_, 2)), zip[2][h],
                                         IDX_(XYZ_, 2));
        memcpy(dst + h * 3 * L_, out, sizeof out);
    }
}
#endif

/* The mc x kc block of op(A) at (i0, p0), as panels of MR rows: panel r
 * holds rows r*MR .. r*MR+MR-1 column by column (kc columns of MR numbers),
 * the rows past mc filled with zeros, which add nothing.
 * packed: (ceil(mc / MR), kc, MR), MR = mr, the tile's rows. */
static void pack_a(matrix_view A, int i0, int p0, int mc, int kc, int mr, real *restrict packed)
{
    for (int r = 0; r < mc; r += mr, packed += (long)kc * mr) {
        int rows = min_int(mr, mc - r);
        const real *corner = A.at + (i0 + r) * A.rs + p0 * A.cs;        /* op(A)[i0+r][p0] */
        if (A.rs == 1 && rows == mr)          /* A^T stored: a column of op(A) is contiguous */
            for (int p = 0; p < kc; p++)
                memcpy(packed + p * mr, corner + p * A.cs, sizeof(real) * mr);
        else if (rows == mr) {                /* a transpose: MR rows read side by side */
            int p = 0;
#ifdef INTERLEAVE_6
            if (mr == 6 && A.cs == 1)
                for (; p + SIMD_LANES <= kc; p += SIMD_LANES)
                    interleave_6(corner + p, A.rs, packed + p * 6);
#endif
            for (; p < kc; p++)
                for (int i = 0; i < mr; i++)
                    packed[p * mr + i] = corner[i * A.rs + p * A.cs];
        }
        else                                       /* the last rows, and zeros below them */
            for (int p = 0; p < kc; p++)
                for (int i = 0; i < mr; i++)
                    packed[p * mr + i] = i < rows ? corner[i * A.rs + p * A.cs] : 0;
    }
}

/* The width of a last, narrow panel of nr < NR columns: whole vectors only
 * (a C of 10 columns, a dense layer's 10 classes, is computed 16 wide on
 * AVX-512, not 64 wide: packing and summing 54 columns of zeros cost
 * lesson 10's trainer a quarter of its time). */
static int tail_width(int nr)
{
    return (nr + SIMD_LANES - 1) / SIMD_LANES * SIMD_LANES;
}

/* A 16 x 16 block of floats transposed in vector registers, where the
 * compiler has __builtin_shufflevector (clang, gcc >= 12) and vectors are
 * 16 floats (AVX-512): from 16 rows of src (ld apart) to 16 rows of dst
 * (ld_dst apart). Four rounds, one per bit s of the index: rows i and i + s
 * (bit s of i clear) swap their off-diagonal s x s blocks; after the four,
 * element (i, q) has moved to (q, i). 64 shuffles for 256 numbers, where a
 * plain loop needs a load and a store for each. */
#if defined(__has_builtin)
#if SIMD_VECTORS && SIMD_LANES == 16 && SIMD_REAL_BYTES == 4 && __has_builtin(__builtin_shufflevector)
#define TRANSPOSE_16 1
#endif
#endif

#ifdef TRANSPOSE_16
#define LO_(s, q) (((q) & (s)) ? 16 + (q) - (s) : (q))
#define HI_(s, q) (((q) & (s)) ? 16 + (q) : (q) + (s))
#define IDX16_(F, s) F(s, 0), F(s, 1), F(s, 2), F(s, 3), F(s, 4), F(s, 5), F(s, 6), F(s, 7), \
                     F(s, 8), F(s, 9), F(s, 10), F(s, 11), F(s, 12), F(s, 13), F(s, 14), F(s, 15)
#define SWAP_ROUND_(s)                                                                            \
    for (int i = 0; i < 16; i++)                                                                  \
        if (!(i & (s))) {                                                                         \
            simd_vec lo = __builtin_shufflevector(r[i], r[i + (s)], IDX16_(LO_, s));              \
            simd_vec hi = __builtin_shufflevector(r[i], r[i + (s)], IDX16_(HI_, s));              \
            r[i] = lo;                                                                            \
            r[i + (s)] = hi;                                                                      \
        }

static inline ALWAYS_INLINE SIMD_FULL_WIDTH void transpose_16(const real *src, long ld, real *dst, long ld_dst)
{
    simd_vec r[16];
    UNROLLED for (int i = 0; i < 16; i++)
        memcpy(&r[i], src + i * ld, sizeof r[i]);
    UNROLLED SWAP_ROUND_(8)
    UNROLLED SWAP_ROUND_(4)
    UNROLLED SWAP_ROUND_(2)
    UNROLLED SWAP_ROUND_(1)
    UNROLLED for (int i = 0; i < 16; i++)
        memcpy(dst + i * ld_dst, &r[i], sizeof r[i]);
}
#endif

/* A whole panel of nr columns of op(B) = B^T stored (op(B)[p][j] at
 * corner[j * ld + p]), kc rows, into packed (kc x nr, row by row). */
static void pack_b_transposed(const real *corner, long ld, int kc, int nr, real *restrict packed)
{
    int p = 0;
#ifdef TRANSPOSE_16
    if (nr % 16 == 0)
        for (; p + 16 <= kc; p += 16)
            for (int j = 0; j < nr; j += 16)
                transpose_16(corner + j * ld + p, ld, packed + (long)p * nr + j, nr);
#endif
    for (; p < kc; p++)
        for (int j = 0; j < nr; j++)
            packed[p * nr + j] = corner[j * ld + p];
}

/* The kc x nc block of op(B) at (p0, j0), as panels of NR columns: panel s
 * holds columns s*NR .. s*NR+NR-1 row by row; a last panel of fewer columns
 * is tail_width(columns) wide, zero-padded past nc.
 * packed: (ceil(nc / NR), kc, NR), NR = nr, the tile's columns. */
static void pack_b(matrix_view B, int p0, int j0, int kc, int nc, int nr, real *restrict packed)
{
    for (int s = 0; s < nc; s += nr, packed += (long)kc * nr) {
        int cols = min_int(nr, nc - s);
        const real *corner = B.at + p0 * B.rs + (j0 + s) * B.cs;        /* op(B)[p0][j0+s] */
        if (B.cs == 1 && cols == nr)          /* B stored as it is used: a row is contiguous */
            for (int p = 0; p < kc; p++)
                memcpy(packed + p * nr, corner + p * B.rs, sizeof(real) * nr);
        else if (cols == nr && B.rs == 1)     /* B^T stored: NR rows of it read side by side */
            pack_b_transposed(corner, B.cs, kc, nr, packed);
        else if (cols == nr)                  /* (a view with both strides > 1) */
            for (int p = 0; p < kc; p++)
                for (int j = 0; j < nr; j++)
                    packed[p * nr + j] = corner[j * B.cs + p * B.rs];
        else {                                     /* the last columns, zeros after them to whole vectors */
            int width = tail_width(cols);
            for (int p = 0; p < kc; p++)
                for (int j = 0; j < width; j++)
                    packed[p * width + j] = j < cols ? corner[j * B.cs + p * B.rs] : 0;
        }
    }
}

/* ---------------------------------------------------------------- 2. the register tile */

/* c[j] = alpha * row[j] + beta * c[j] for j < nr (old c not read when beta == 0). */
static void store_row(real *restrict c, const real *restrict row, int nr, real alpha, real beta)
{
    if (nr == GEMM_NR && beta == 0) {             /* a whole row: a fixed count, unrolled into vector operations */
        for (int j = 0; j < GEMM_NR; j++)
            c[j] = alpha * row[j];
        return;
    }
    if (nr == GEMM_NR) {
        for (int j = 0; j < GEMM_NR; j++)
            c[j] = alpha * row[j] + beta * c[j];
        return;
    }
    if (beta == 0)
        for (int j = 0; j < nr; j++)
            c[j] = alpha * row[j];
    else
        for (int j = 0; j < nr; j++)
            c[j] = alpha * row[j] + beta * c[j];
}

/* What the micro-kernel reads: kc groups of MR numbers of A (a column of the
 * tile's rows each) or NR numbers of B (a row of its columns), `step` reals
 * apart: step = MR or NR when packed, the stored matrix's stride when read
 * in place. */
typedef struct {
    const real *at;
    long step;
} strip;

/* The mr x nr tile of C at c (mr <= MR, nr <= NR) from kc columns of A and
 * kc rows of B:
 *     tile = sum over p of  A[.][p] (a column)  x  B[p][.] (a row),
 * an outer product per p, then C = alpha * tile + beta * C.
 *
 * With vector extensions (simd.h) the tile is MR x NV vector registers,
 * acc[i][v] holding C[i][v*LANES .. v*LANES+LANES-1]; for each p, NV loads
 * of B's row, and for each of the MR rows one broadcast of A[i][p] times
 * those NV vectors: MR x NV independent fused multiply-adds (the compiler
 * fuses a * b + c with -ffp-contract=fast) for NV + MR numbers loaded. The
 * loops over i and v have fixed counts and are unrolled completely (the
 * pragma; gcc >= 8 and clang know it), so every acc[i][v] becomes a
 * register: gcc 12 and clang 14 -march=native on AVX-512 give 24 vfmadd231ps
 * on zmm registers and no memory access but the loads per p (check with
 * objdump -d build/obj/fast/gemm.o). Without vector extensions: the same
 * sums in plain arrays, which the vectoriser may or may not keep in
 * registers. */

#if SIMD_VECTORS

/* The first nv vectors of the tile's columns, mr rows (mr <= GEMM_MR_MAX,
 * nv <= GEMM_NV_MAX, constants where it is inlined, so the loops unroll and
 * acc stays in registers); tile: rows ld reals apart. */
static inline ALWAYS_INLINE SIMD_FULL_WIDTH void tile_sums_rv(int kc, strip as, strip bs, real *tile, int ld, int mr,
                                                              int nv)
{
    const real *restrict a = as.at, *restrict b = bs.at;
    simd_vec acc[GEMM_MR_MAX][GEMM_NV_MAX];
    UNROLLED for (int i = 0; i < mr; i++)
        UNROLLED for (int v = 0; v < nv; v++)
            acc[i][v] = (simd_vec){ 0 };
    for (int p = 0; p < kc; p++, a += as.step, b += bs.step) {
        simd_vec b_row[GEMM_NV_MAX];              /* B[p][0 .. nv * LANES - 1] */
        UNROLLED for (int v = 0; v < nv; v++)
            memcpy(&b_row[v], b + v * SIMD_LANES, sizeof b_row[v]);    /* an unaligned vector load */
        UNROLLED for (int i = 0; i < mr; i++)
            UNROLLED for (int v = 0; v < nv; v++)
                acc[i][v] += a[i] * b_row[v];     /* a[i] broadcast to every lane */
    }
    UNROLLED for (int i = 0; i < mr; i++)
        UNROLLED for (int v = 0; v < nv; v++)
            memcpy(&tile[i * ld + v * SIMD_LANES], &acc[i][v], sizeof acc[i][v]);
}

/* The tile's sums over nv vectors of columns: the whole tile (nv = its NV)
 * or a narrow last panel; each element is the same running sum over p
 * whatever the tile's shape or width, so neither changes a bit of C. */
#define TILE_CASE(r, v) case (r) * 8 + (v): tile_sums_rv(kc, as, bs, tile, ld, r, v); break
static SIMD_FULL_WIDTH void tile_sums(int kc, strip as, strip bs, real *tile, int ld, int mr, int nv)
{
    switch (mr * 8 + nv) {
    TILE_CASE(GEMM_MR, 1);
#if GEMM_NV >= 2
    TILE_CASE(GEMM_MR, 2);
#endif
#if GEMM_NV >= 3
    TILE_CASE(GEMM_MR, 3);
#endif
#if GEMM_NV >= 4
    TILE_CASE(GEMM_MR, GEMM_NV);
#endif
#if GEMM_MR2 != GEMM_MR
    TILE_CASE(GEMM_MR2, 1);
#if GEMM_NV2 >= 2
    TILE_CASE(GEMM_MR2, 2);
#endif
#if GEMM_NV2 >= 3
    TILE_CASE(GEMM_MR2, GEMM_NV2);
#endif
#endif
    default: break;
    }
}

#else

static void tile_sums(int kc, strip as, strip bs, real *tile, int ld, int mr, int nv)
{
    const real *restrict a = as.at, *restrict b = bs.at;
    int width = nv * SIMD_LANES;
    for (int i = 0; i < mr; i++)
        for (int j = 0; j < width; j++)
            tile[i * ld + j] = 0;
    for (int p = 0; p < kc; p++, a += as.step, b += bs.step)
        for (int i = 0; i < mr; i++)
            for (int j = 0; j < width; j++)
                tile[i * ld + j] += a[i] * b[j];
}

#endif

/* Asks the cache to fetch the C tile while the sums run, so that the
 * store at the end does not wait for memory (C is often far larger than
 * the caches: 4 MB at 1024^2 floats). A hint only: gcc's and clang's
 * __builtin_prefetch; nothing elsewhere. */
static void prefetch_tile(const real *c, int ldc, int mr, int nr)
{
#if defined(__GNUC__) || defined(__clang__)
    for (int i = 0; i < mr; i++)
        for (int j = 0; j < nr; j += 64 / (int)sizeof(real))          /* one 64-byte cache line at a time */
            __builtin_prefetch(c + (long)i * ldc + j, 1);
#else
    (void)c, (void)ldc, (void)mr, (void)nr;
#endif
}

/* The mr x nr corner (mr <= t.mr, nr <= t.nr) of tile t's sums into C. */
static void micro_kernel(tile_shape t, int kc, strip as, strip bs, real *restrict c, int ldc, int mr, int nr,
                         real alpha, real beta)
{
    _Alignas(64) real tile[GEMM_TILE_MAX];
    prefetch_tile(c, ldc, mr, nr);
    tile_sums(kc, as, bs, tile, t.nr, t.mr, nr == t.nr ? t.nv : tail_width(nr) / SIMD_LANES);
    for (int i = 0; i < mr; i++)
        store_row(c + (long)i * ldc, tile + i * t.nr, nr, alpha, beta);
}

/* ---------------------------------------------------------------- 5. long thin sums: dot products */

/* C = A B^T where A's rows and B's rows are both stored contiguously (A
 * not transposed, B transposed), with a long k and a small C: the filter
 * gradient of a convolution, dW = dY cols^T (lesson 11), is 16 x 25 numbers
 * each summing 73,728 products at batch 128. Packing would copy both
 * operands for a C that fits in the caches; instead every C[i][j] is a dot
 * product of two contiguous rows, summed in SIMD_LANES running partial sums
 * (one vector register: lane l adds the products p = l, l + LANES, ...).
 *
 * A block of DOT_ROWS rows of A meets DOT_COLS rows of B: 4 x 5 = 20
 * vectors of partial sums, 9 vector loads for 20 multiply-adds. The rows
 * are far longer than the caches (295 KB each above), so the sum is cut
 * into chunks of DOT_KC terms: a chunk of every row of A and of B (here
 * 41 x 2 KB) stays in L1/L2 while all the blocks go over it, and the
 * partial-sum vectors of the whole of C wait between chunks in dot_acc
 * (16 x 25 vectors of 16 floats: 25 KB); A and B are read once from
 * memory, not once per block. The chunks continue the same running sums,
 * so the chunking changes no bit. At the end the lanes of each vector are
 * added pairwise (lane l + lane l + LANES/2, ..., a fixed tree), then the
 * k % LANES products left over, in increasing p: one order for every
 * element, whatever block or thread computed it. */
#define DOT_ROWS 4
#define DOT_COLS 5
#ifndef DOT_KC
#define DOT_KC 256
#endif
#define DOT_KC_X                    /* terms per chunk: (m + n) x 2 KB in L1/L2 */
#define DOT_MIN_K 256                 /* shorter sums: packing wins */
#define DOT_MAX_C 4096                /* larger C: packing pays off (and dot_acc would leave L2) */

_Static_assert(DOT_KC % SIMD_LANES == 0, "chunks of whole vectors");

static int use_dot_products(matrix_view A, matrix_view B, int m, int n, int k)
{
    return A.cs == 1 && B.rs == 1 && k >= DOT_MIN_K && (long)m * n <= DOT_MAX_C;
}

/* The partial sums of one thread's block of C: acc[(i * n + j) * LANES + l]. */
static _Thread_local _Alignas(64) real dot_acc[DOT_MAX_C * SIMD_LANES];

#if SIMD_VECTORS

/* The dr x dc block's partial sums (acc, rows n_acc * LANES apart) go on
 * over kc terms (a multiple of LANES) of rows a (lda apart) and b (ldb
 * apart). dr, dc are constants where it is inlined: acc stays in registers. */
static inline ALWAYS_INLINE SIMD_FULL_WIDTH void dot_tile_rc(const real *a, long lda, const real *b, long ldb, int kc,
                                               real *acc, int n_acc, int dr, int dc)
{
    simd_vec s[DOT_ROWS][DOT_COLS] = { { { 0 } } };
    UNROLLED for (int r = 0; r < dr; r++)
        UNROLLED for (int c = 0; c < dc; c++)
            memcpy(&s[r][c], acc + ((long)r * n_acc + c) * SIMD_LANES, sizeof s[r][c]);
    for (int p = 0; p < kc; p += SIMD_LANES) {
        simd_vec x[DOT_ROWS];
        UNROLLED for (int r = 0; r < dr; r++)
            memcpy(&x[r], a + r * lda + p, sizeof x[r]);
        UNROLLED for (int c = 0; c < dc; c++) {
            simd_vec y;
            memcpy(&y, b + c * ldb + p, sizeof y);
            UNROLLED for (int r = 0; r < dr; r++)
                s[r][c] += x[r] * y;
        }
    }
    UNROLLED for (int r = 0; r < dr; r++)
        UNROLLED for (int c = 0; c < dc; c++)
            memcpy(acc + ((long)r * n_acc + c) * SIMD_LANES, &s[r][c], sizeof s[r][c]);
}

#define DOT_CASE(r, c) case (r) * 8 + (c): dot_tile_rc(a, lda, b, ldb, kc, acc, n_acc, r, c); break
#define DOT_CASES(r) DOT_CASE(r, 1); DOT_CASE(r, 2); DOT_CASE(r, 3); DOT_CASE(r, 4); DOT_CASE(r, 5)
_Static_assert(DOT_ROWS == 4 && DOT_COLS == 5, "dot_tile lists every block shape");

static SIMD_FULL_WIDTH void dot_tile(const real *a, long lda, const real *b, long ldb, int kc, real *acc, int n_acc,
                                     int dr, int dc)
{
    switch (dr * 8 + dc) {
    DOT_CASES(1); DOT_CASES(2); DOT_CASES(3); DOT_CASES(4);
    default: break;
    }
}

#else

static void dot_tile(const real *a, long lda, const real *b, long ldb, int kc, real *acc, int n_acc, int dr, int dc)
{
    for (int r = 0; r < dr; r++)
        for (int c = 0; c < dc; c++) {
            real *s = acc + ((long)r * n_acc + c) * SIMD_LANES;
            for (int p = 0; p < kc; p += SIMD_LANES)
                for (int l = 0; l < SIMD_LANES; l++)
                    s[l] += a[r * lda + p + l] * b[c * ldb + p + l];
        }
}

#endif

/* The sum of one element: its LANES partial sums added pairwise, then the
 * products p >= k_vec (fewer than LANES) in order. s is overwritten. */
static real dot_finish(real *s, const real *a, const real *b, int k_vec, int k)
{
    for (int half = SIMD_LANES / 2; half >= 1; half /= 2)
        for (int l = 0; l < half; l++)
            s[l] += s[l + half];
    real sum = s[0];
    for (int p = k_vec; p < k; p++)
        sum += a[p] * b[p];
    return sum;
}

/* The block C (m x n, m * n <= DOT_MAX_C) as dot products: chunk after
 * chunk of DOT_KC terms, every DOT_ROWS x DOT_COLS block over the chunk. */
static void dot_block(matrix_view A, matrix_view B, int m, int n, int k, real alpha, real beta, real *c, int ldc)
{
    int k_vec = k - k % SIMD_LANES;
    memset(dot_acc, 0, sizeof(real) * (size_t)m * n * SIMD_LANES);
    for (int pc = 0; pc < k_vec; pc += DOT_KC) {
        int kc = min_int(DOT_KC, k_vec - pc);
        for (int i = 0; i < m; i += DOT_ROWS)
            for (int j = 0; j < n; j += DOT_COLS)
                dot_tile(A.at + i * A.rs + pc, A.rs, B.at + j * B.cs + pc, B.cs, kc,
                         dot_acc + ((long)i * n + j) * SIMD_LANES, n, min_int(DOT_ROWS, m - i),
                         min_int(DOT_COLS, n - j));
    }
    for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++)
            store(&c[(long)i * ldc + j], alpha,
                  dot_finish(dot_acc + ((long)i * n + j) * SIMD_LANES, A.at + i * A.rs, B.at + j * B.cs, k_vec, k),
                  beta);
}

/* ---------------------------------------------------------------- 3. cache blocking */

/* The packed blocks, one pair per thread (_Thread_local: each thread that
 * calls gemm has its own, allocated with the thread, never on the heap, so
 * a training step allocates nothing). */
static _Thread_local _Alignas(64) real packed_a[GEMM_MC * GEMM_KC];
static _Thread_local _Alignas(64) real packed_b[GEMM_KC * GEMM_NC];

/* Copying costs about as much as one pass of the micro-kernel over the
 * copy, so it pays only when the copy is read many times. A block of B is
 * read once per MC rows of A, a block of A once per NR columns of B: when m
 * (or n) is small and the stored matrix already has the order the kernel
 * reads (a row of op(B), a column of op(A), contiguous), the kernel reads it
 * in place and only a last, partial sliver or panel is copied (zero-padded). */
/* B in place only for a C of at most B_IN_PLACE_MAX_M rows (4 tiles of 6,
 * 3 of 8): read in place, each of the kc rows of a sliver sits ldb floats
 * from the last, a page or more apart when ldb >= 1024, and when ldb is a
 * multiple of 1024 (4 KB: a conv layer's 28 x 28 x 128 = 100,352 columns)
 * all in the same few sets of the L1 cache, which then holds 48 of its
 * lines. Up to 96 rows used to be read in place; packing B instead made
 * speedrun conv2 fwd (32 x 25,088 x 144) 52-55 -> 60-63 GFLOP/s in
 * build/gemm_shapes (processor time, one thread, shared AVX-512 Xeon, old
 * and new in turns, three runs each, with MC = 24 below), while with 16
 * rows (copy read only 2-3 times) in place stayed as fast or faster. In
 * place or packed, the kernel reads the same numbers in the same order: the
 * same bits. */
#define B_IN_PLACE_MAX_M 24

static int use_b_in_place(matrix_view B, int m)
{
    return B.cs == 1 && m <= B_IN_PLACE_MAX_M;
}

static int use_a_in_place(matrix_view A, int n, tile_shape t)
{
    return A.rs == 1 && n <= 4 * t.nr;
}

/* B's sliver at columns jc+jr .. of the block starting at row pc. */
static strip b_sliver(matrix_view B, int in_place, int pc, int jc, int jr, int kc, int nr, tile_shape t)
{
    if (in_place && nr == t.nr)
        return (strip){ B.at + pc * B.rs + jc + jr, B.rs };
    return (strip){ packed_b + (in_place ? 0 : (long)jr * kc), nr == t.nr ? t.nr : tail_width(nr) };
}

/* A's panel at rows ic+ir .. of the block starting at column pc. */
static strip a_panel(matrix_view A, int in_place, int ic, int ir, int pc, int kc, int mr, tile_shape t)
{
    if (in_place && mr == t.mr)
        return (strip){ A.at + ic + ir + pc * A.cs, A.cs };
    return (strip){ packed_a + (in_place ? 0 : (long)ir * kc), t.mr };
}

/* The block C (m x n) on one thread: the five loops of BLIS around the
 * micro-kernel, or dot products when `dots` (use_dot_products, decided on
 * the whole of C by gemm: decided on a thread's part, a C cut in two would
 * switch to dot products, which add in another order, and 1 and 2 threads
 * gave different bits). The sum over p runs in blocks of KC; the first
 * block applies beta, the later ones add (beta = 1). */
static void gemm_block(matrix_view A, matrix_view B, int m, int n, int k, real alpha, real beta,
                       real *c, int ldc, int dots, tile_shape t)
{
    if (dots) {
        dot_block(A, B, m, n, k, alpha, beta, c, ldc);
        return;
    }
    int a_in_place = use_a_in_place(A, n, t), b_in_place = use_b_in_place(B, m);
    int nc_max = GEMM_NC / t.nr * t.nr;                            /* whole tiles */
    for (int jc = 0; jc < n; jc += nc_max) {                     /* panel of B: L2/L3 */
        int nc = min_int(nc_max, n - jc), nc_whole = nc - nc % t.nr;
        for (int pc = 0; pc < k; pc += GEMM_KC) {
            int kc = min_int(GEMM_KC, k - pc);
            real beta_here = pc == 0 ? beta : 1;
            if (!b_in_place)
                pack_b(B, pc, jc, kc, nc, t.nr, packed_b);
            else if (nc_whole < nc)
                pack_b(B, pc, jc + nc_whole, kc, nc - nc_whole, t.nr, packed_b);
            for (int ic = 0; ic < m; ic += GEMM_MC) {             /* block of A: L2 */
                int mc = min_int(GEMM_MC, m - ic), mc_whole = mc - mc % t.mr;
                if (!a_in_place)
                    pack_a(A, ic, pc, mc, kc, t.mr, packed_a);
                else if (mc_whole < mc)
                    pack_a(A, ic + mc_whole, pc, mc - mc_whole, kc, t.mr, packed_a);
                for (int jr = 0; jr < nc; jr += t.nr) {        /* sliver of B: L1 */
                    int nr = min_int(t.nr, nc - jr);
                    strip b = b_sliver(B, b_in_place, pc, jc, jr, kc, nr, t);
                    for (int ir = 0; ir < mc; ir += t.mr) {    /* the register tile */
                        int mr = min_int(t.mr, mc - ir);
                        strip a = a_panel(A, a_in_place, ic, ir, pc, kc, mr, t);
                        micro_kernel(t, kc, a, b, c + (long)(ic + ir) * ldc + jc + jr, ldc, mr, nr, alpha, beta_here);
                    }
                }
            }
        }
    }
}

/* With k == 0 the sum is empty: C = beta * C (and 0 when beta == 0). */
static void scale_c(int m, int n, real beta, real *c, int ldc)
{
    for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++)
            store(&c[(long)i * ldc + j], 0, 0, beta);
}

/* The tile for a C of m rows and a sum of k terms (a fixed rule on the
 * shape, so one shape always takes one path): the narrow tile when m is
 * small (at most GEMM_MR2_MAX_M), whole tiles of its rows waste fewer rows
 * of zeros than the main tile's, and the sum is short (8 < k <= 64), where
 * each tile's fixed cost (zeroing, storing the tile) weighs most: lesson
 * 10's convolution, 16 filters x 25 taps, is 2 tiles of 8 rows, not 3 of 6
 * (18 rows, one in nine computed for nothing). In processor time on one
 * thread of a shared 2-core Xeon (AVX-512), the narrow tile made 16 x 73728
 * x 25 about 1.2x faster, but 32 x 25088 x 144 (a longer sum) and 16 x
 * 100352 x 4 (4 terms: storing C is all the work) about 0.9x as fast, in a
 * trial without the bounds on k, hence the bounds (build/gemm_shapes
 * against a build with -DGEMM_NO_NARROW_TILE compares the rule as it is). Both tiles sum every element in the same order, in
 * blocks of GEMM_KC: the choice changes no bit. */
static tile_shape choose_tile(int m, int k)
{
    tile_shape narrow = { GEMM_MR2, GEMM_NV2, GEMM_NR2 };
    int waste_main = (GEMM_MR - m % GEMM_MR) % GEMM_MR, waste_narrow = (GEMM_MR2 - m % GEMM_MR2) % GEMM_MR2;
    return m <= GEMM_MR2_MAX_M && waste_narrow < waste_main && k > 8 && k <= 64 ? narrow : main_tile;
}

/* ---------------------------------------------------------------- 4. threads */

typedef struct {
    matrix_view A, B;
    int m, n, k, ldc, parts, by_rows, dots;
    real alpha, beta, *c;
    tile_shape tile;
} gemm_job;

/* Part i of C: a band of whole MR-row tiles (by_rows) or NR-column tiles. */
static void gemm_part(void *ctx, int i)
{
    const gemm_job *g = ctx;
    int unit = g->by_rows ? (g->dots ? DOT_ROWS : g->tile.mr) : (g->dots ? DOT_COLS : g->tile.nr);
    int size = g->by_rows ? g->m : g->n;
    long first, count;
    split_range((size + unit - 1) / unit, g->parts, i, &first, &count);
    int from = (int)first * unit, to = min_int(size, (int)(first + count) * unit);
    if (from >= to)
        return;
    if (g->by_rows) {
        matrix_view A = g->A;
        A.at += from * A.rs;
        gemm_block(A, g->B, to - from, g->n, g->k, g->alpha, g->beta, g->c + (long)from * g->ldc, g->ldc, g->dots, g->tile);
    } else {
        matrix_view B = g->B;
        B.at += from * B.cs;
        gemm_block(g->A, B, g->m, to - from, g->k, g->alpha, g->beta, g->c + from, g->ldc, g->dots, g->tile);
    }
}

void gemm(int trans_a, int trans_b, int m, int n, int k, real alpha, const real *a, int lda,
          const real *b, int ldb, real beta, real *c, int ldc, thread_pool *pool)
{
    if (m <= 0 || n <= 0)
        return;
    if (k <= 0 || alpha == 0) {
        scale_c(m, n, beta, c, ldc);
        return;
    }
    gemm_job g = { view_of(a, lda, trans_a), view_of(b, ldb, trans_b), m, n, k, ldc,
                   thread_pool_size(pool), 0, 0, alpha, beta, c, choose_tile(m, k) };
    g.dots = use_dot_products(g.A, g.B, m, n, k);
    /* Cut along the side with more tiles (dot products: more blocks), so
     * every thread gets whole tiles. */
    if (g.dots) {                            /* (16 x 25 on 2 threads: 2 + 2 blocks of rows, not 3 + 2 of columns) */
        int row_blocks = (m + DOT_ROWS - 1) / DOT_ROWS, col_blocks = (n + DOT_COLS - 1) / DOT_COLS;
        g.by_rows = row_blocks >= col_blocks || row_blocks % g.parts == 0;
    }
    else
        g.by_rows = (m + g.tile.mr - 1) / g.tile.mr >= (n + g.tile.nr - 1) / g.tile.nr;
    if (gemm_flops(m, n, k) < 1e6)           /* too small to be worth waking threads */
        g.parts = 1;
    thread_pool_run(g.parts > 1 ? pool : NULL, g.parts, gemm_part, &g);
}

/* ---------------------------------------------------------------- 6. operands packed by the caller */

/* Rows of op(A) rounded up to whole panels. */
static long padded_rows(int m)
{
    return (long)(m + GEMM_MR - 1) / GEMM_MR * GEMM_MR;
}

long gemm_packed_a_count(int m, int k)
{
    return padded_rows(m) * k;
}

/* Block pc (terms pc .. pc+kc-1) of all the rows, as pack_a lays out one
 * MC block: panel after panel, each kc groups of MR. */
void gemm_pack_a_all(int trans_a, int m, int k, const real *a, int lda, real *packed)
{
    matrix_view A = view_of(a, lda, trans_a);
    for (int pc = 0; pc < k; pc += GEMM_KC)
        pack_a(A, 0, pc, m, min_int(GEMM_KC, k - pc), GEMM_MR, packed + pc * padded_rows(m));
}

const real *gemm_packed_a_panel(const real *packed, int m, int k, int i0, int p0)
{
    return packed + p0 * padded_rows(m) + (long)i0 * min_int(GEMM_KC, k - p0);
}

/* pack_a on `rows` rows of a row-major block (gemm.h). */
void gemm_pack_a_rows(const real *a, long lda, int rows, int kc, real *panel)
{
    pack_a(view_of(a, (int)lda, 0), 0, 0, rows, kc, GEMM_MR, panel);
}

/* pack_b_transposed on `count` rows of a whole panel (gemm.h). */
void gemm_pack_b_t_rows(const real *bt, long ld, int r0, int count, real *panel)
{
    pack_b_transposed(bt, ld, count, GEMM_NR, panel + (long)r0 * GEMM_NR);
}

/* gemm_block's loops (section 3) with the caller's panels: B's block of KC
 * x NC is fetched once and swept by every panel of A; each tile is handed
 * over as soon as the micro-kernel has it. */
void gemm_with_callbacks(int m, int n, int k, const gemm_callbacks *cb)
{
    const real *b_panels[GEMM_NC / GEMM_NR], *a_panels[GEMM_MC / GEMM_MR];
    _Alignas(64) real tile[GEMM_MR * GEMM_NR];
    for (int jc = 0; jc < n; jc += GEMM_NC) {
        int nc = min_int(GEMM_NC, n - jc);
        for (int pc = 0; pc < k; pc += GEMM_KC) {
            int kc = min_int(GEMM_KC, k - pc);
            for (int jr = 0; jr < nc; jr += GEMM_NR)
                b_panels[jr / GEMM_NR] = cb->b_panel(cb->ctx, pc, kc, jc + jr, packed_b + (long)jr * kc);
            for (int ic = 0; ic < m; ic += GEMM_MC) {
                int mc = min_int(GEMM_MC, m - ic);
                for (int ir = 0; ir < mc; ir += GEMM_MR)
                    a_panels[ir / GEMM_MR] = cb->a_panel(cb->ctx, ic + ir, pc, kc, packed_a + (long)ir * kc);
                for (int jr = 0; jr < nc; jr += GEMM_NR)
                    for (int ir = 0; ir < mc; ir += GEMM_MR) {
                        strip a = { a_panels[ir / GEMM_MR], GEMM_MR }, b = { b_panels[jr / GEMM_NR], GEMM_NR };
                        micro_kernel(main_tile, kc, a, b, tile, GEMM_NR, GEMM_MR, GEMM_NR, 1, 0);
                        cb->take_tile(cb->ctx, ic + ir, jc + jr, pc, kc, tile);
                    }
            }
        }
    }
}
