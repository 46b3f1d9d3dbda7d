/* conv.h: 2-D convolution with channels, stride and zero padding.
 *
 * Like every deep-learning framework we compute the cross-correlation
 *
 *   Y[co][oy][ox] = b[co] + sum_{ci,ky,kx} W[co][ci][ky][kx] * Xpad[ci][oy*S + ky][ox*S + kx]
 *
 * and call it convolution (Notes on CNN's 2x2 example slides the filter without
 * flipping it). Xpad is X with pad_top rows of zeros above, pad_bottom below,
 * pad_left columns on the left and pad_right on the right.
 *
 * Shapes:  X (in_c, in_h, in_w)   W (out_c, in_c, k_h, k_w)   b (out_c)
 *          Y (out_c, out_h, out_w) with out = (in + pads - k) / stride + 1. */
#ifndef CONV_H
#define CONV_H

#include "real.h"

typedef struct {
    int in_c, in_h, in_w;                          /* input X                 */
    int out_c, k_h, k_w;                           /* weights W, bias b       */
    int stride;
    int pad_top, pad_bottom, pad_left, pad_right;  /* zeros around X          */
    int out_h, out_w;                              /* output Y (computed)     */
} conv2d_shape;

/* Output length along one axis: (in + pad_before + pad_after - k) / stride + 1.
 * Returns -1 when no window fits (k > padded input) or when the windows do not
 * tile the padded input exactly ((in + pads - k) not divisible by stride):
 * we reject rather than floor, because flooring silently ignores the last
 * rows or columns of the input. */
int conv_output_size(int in, int k, int pad_before, int pad_after, int stride);

/* Fill a conv2d_shape with the same padding P on all four sides (P = 0 is
 * "valid", P = (k-1)/2 is "same" for odd k, P = k-1 is "full").
 * Returns 0, or -1 when conv_output_size rejects the geometry. */
int conv2d_setup(conv2d_shape *s, int in_c, int in_h, int in_w,
                 int out_c, int k, int stride, int pad);
/* The same with explicit padding per side (needed for "same" with an even
 * kernel, which Keras pads one more on the bottom/right). Square kernel k x k. */
int conv2d_setup_asym(conv2d_shape *s, int in_c, int in_h, int in_w, int out_c, int k, int stride,
                      int pad_top, int pad_bottom, int pad_left, int pad_right);

long conv2d_weight_count(const conv2d_shape *s);  /* out_c * in_c * k_h * k_w */
long conv2d_output_count(const conv2d_shape *s);  /* out_c * out_h * out_w    */

/* Forward pass: X (in_c,in_h,in_w), W (out_c,in_c,k_h,k_w), b (out_c) -> Y (out_c,out_h,out_w). */
void conv2d_forward(const conv2d_shape *s, const real *x, const real *w, const real *b, real *y);

/* Backward pass. Given dY = dL/dY (out_c,out_h,out_w) and the forward input X:
 *   dW (out_c,in_c,k_h,k_w) += conv(X, dY)          (ADDED to, so a batch can sum)
 *   db (out_c)              += sum of dY over (oy, ox)   (ADDED to)
 *   dX (in_c,in_h,in_w)      = full convolution of the 180-degree-rotated W
 *                              with dY (OVERWRITTEN); with stride S > 1, with
 *                              dY dilated first (S-1 zeros between its entries),
 *                              and the padded border cut off (lesson 06).
 *                              Pass NULL to skip it, e.g. for the first layer,
 *                              whose input is data. */
void conv2d_backward(const conv2d_shape *s, const real *x, const real *w, const real *dy,
                     real *dw, real *db, real *dx);

/* ---------------------------------------------------------------- the batched fast path (lesson 11)
 *
 * The same convolution for a mini-batch of n images, as one matrix product.
 * im2col copies the receptive field of every output position into one
 * column of a matrix; the n images' columns sit side by side, so
 *
 *     maps (out_c, n*out_h*out_w) = W (out_c, in_c*k_h*k_w) x cols (in_c*k_h*k_w, n*out_h*out_w)
 *
 * is the forward pass (then the bias, and each image's maps put in place),
 * and the backward pass is two more products (Doshi's formulas, lesson 06):
 *
 *     dW    += dmaps x cols^T      the filter gradient conv(X, dY), every image's share summed
 *     dcols  = W^T x dmaps         then col2im adds every column back where it came from: dX
 *
 * Tests check these against conv2d_forward and conv2d_backward above on
 * every geometry the gradient checks use. */

/* im2col of one image: X (in_c, in_h, in_w) -> cols, row r = (ci*k_h + ky)*k_w + kx,
 * column q = oy*out_w + ox:
 *     cols[r][q] = Xpad[ci][oy*S + ky][ox*S + kx]      (0 in the padding)
 * ld is the length of a row of cols as stored (>= out_h*out_w), so several
 * images' columns can sit side by side. Every cols[r][q] is OVERWRITTEN. */
void im2col(const conv2d_shape *s, const real *x, real *cols, long ld);

/* The adjoint of im2col (lesson 11): dX (in_c, in_h, in_w) is OVERWRITTEN with
 * the sum, for every pixel, of the entries of dcols that im2col copied from it
 * (padding entries are dropped). */
void col2im(const conv2d_shape *s, const real *dcols, long ld, real *dx);

/* Which code runs the layers: the direct per-image loops of lessons 01-10
 * (conv2d_forward above), or the batched fast paths of lessons 11 and 17
 * (conv2d_forward_batch below). Same network, same results up to rounding. */
typedef enum { ENGINE_NAIVE, ENGINE_FAST } engine_kind;

/* The batched fast paths, one per step of the story:
 *   CONV_IM2COL    lesson 11: im2col writes the cols matrix, one GEMM reads it,
 *                  col2im adds dcols back into dX. Kept as the teaching step.
 *   CONV_IMPLICIT  the same GEMMs without the copies: W packed once per call
 *                  (shared by every chunk of images), the GEMM's panels filled
 *                  straight from the image ("implicit im2col": no cols matrix;
 *                  B's in the forward, A's for dW, computed as dW^T), and dX
 *                  scattered from the GEMM's output tiles (no dcols, no col2im). Its forward is the same numbers as
 *                  CONV_IM2COL's, bit for bit (the same products summed in the
 *                  same order), and so is dW unless im2col's dW GEMM is small
 *                  enough (<= 4096 weights) for gemm.c's dot products, which
 *                  sum in another order; dX adds the same terms in another order.
 *                  Where the taps fit one block of the GEMM's terms its forward
 *                  is CONV_WIDE's, the same numbers again, faster
 *                  (conv_implicit_forward_is_wide).
 *   CONV_WINOGRAD  lesson 17's F(2x2, 3x3) as 16 GEMMs (3x3 stride-1 layers
 *                  only; winograd.h): 2.25 times fewer multiplications, and
 *                  other rounding: Y, dW and dX within 4e-7 to 1e-6 of im2col's,
 *                  relative to their largest entry, on the deeper network's
 *                  conv2 and conv3 in float (build/conv_paths prints it);
 *                  tests/fast_vs_naive.c bounds it by 1e-5.
 *   CONV_WIDE      stride-1 layers: no im2col at all, the padded image read
 *                  in place, a vector of neighbouring outputs per load, a
 *                  block of filters per vector (conv_wide.h); dX is the same
 *                  loop on dY with W rotated. Its forward is im2col's numbers
 *                  bit for bit when in_c*k_h*k_w <= GEMM_KC; dW and dX add
 *                  the same terms in another order.
 * conv2d_default_path picks one per layer by a FIXED RULE of its shape (the
 * comment above it in conv.c gives the measurements behind it), never by
 * timing the run: a given build gives the same numbers on every run, for any
 * thread count (each shard of a batch runs its layer on one thread). Today:
 * Winograd for 3x3 stride-1 layers with >= 64 input and output channels
 * (the deeper network's conv3), implicit for other layers with >= 64
 * filters (its conv2), wide rows for stride-1 layers with fewer filters
 * (lesson 10's conv, its conv1), im2col for the rest (strided layers).
 * A reader should expect a network with such a 3x3 layer to give numbers
 * that differ in the last bits from an all-im2col run (so accuracies may
 * differ slightly from figures taken before this rule), and never from run
 * to run. */
typedef enum { CONV_IM2COL, CONV_IMPLICIT, CONV_WINOGRAD, CONV_WIDE } conv_path;

/* The path conv2d_batch_space_alloc chooses for this layer (the fixed rule). */
conv_path conv2d_default_path(const conv2d_shape *s);
/* 1 when CONV_IMPLICIT's forward runs on wide rows (CONV_WIDE's forward)
 * instead of its GEMM: a stride-1 layer whose taps fit one block of the
 * GEMM's terms (in_c*k_h*k_w <= GEMM_KC), where the two give the same
 * numbers bit for bit (conv_wide.h) and wide rows copy nothing but the
 * image: the deeper network's conv2 (16 -> 128 3x3, 144 taps), whose
 * wide forward took 0.67-0.71x the time of the implicit GEMM's in three
 * runs of `build/conv_paths 7` (one thread, processor time, 32 images;
 * 2-core Xeon with AVX-512, Sapphire Rapids class, gcc 12.2, 2026-12-07;
 * notes 11 has the runs before and after).
 * The backward stays the implicit GEMMs' (wide rows' dW and dX round
 * differently). */
int conv_implicit_forward_is_wide(const conv2d_shape *s);
const char *conv_path_name(conv_path path);   /* "im2col", "implicit", "winograd", "wide" */

/* Working memory of the batched path for up to `capacity` images. */
typedef struct {
    int capacity;
    conv_path path;
    int inference; /* 1: a backward is not expected after the forward (winograd: V is not kept, and a
                      backward would transform X again); set by the caller, 0 after alloc */
    int v_kept;    /* winograd: 1 when the last forward kept V for the backward */
    const real *x; /* the forward's input X (n, in_c, in_h, in_w), read again by the backward (implicit, winograd) */
    real *cols;    /* im2col: (in_c*k_h*k_w, n*out_h*out_w), the forward's im2col, kept for the backward */
    real *maps;    /* im2col: (out_c, n*out_h*out_w), the GEMM's output, or dY gathered for the backward */
    real *packed_w;  /* implicit: W (or W^T for dX) packed once per call, gemm_pack_a_all's layout;
                        while dW's product runs, dW^T (in_c*k_h*k_w, out_c) */
    struct conv_tap *tap_table;  /* implicit: each row of im2col's matrix, where it reads X (conv.c) */
    real *wino_u;  /* winograd: transformed filters U (16, out_c, in_c), then their gradient dU^T (16, in_c, out_c) */
    real *wino_v;  /* winograd: transformed input tiles V (16, in_c, tiles), kept for the backward
                      (not written by a forward with `inference` set) */
    real *wino_m;  /* winograd: products M (16, out_c, tiles), or dM in the backward (the 16 arrays of
                      each a cache line more than their size apart: winograd.c, entry_stride); not
                      written by a forward with `inference` set */
    real *wino_rows;  /* winograd: scratch for one row of tiles */
    real *wino_block; /* winograd: the forward for inference's U packed, one block of tiles' V and M */
    struct conv_wide_space *wide;  /* wide: padded images, packed weights (conv_wide.c) */
} conv2d_batch_space;

/* Allocate for the layer's default path (exits with a message when out of
 * memory, like tensor_alloc). _path: for a given path (CONV_WINOGRAD only
 * where winograd_supported; exits with a message otherwise). */
void conv2d_batch_space_alloc(conv2d_batch_space *ws, const conv2d_shape *s, int capacity);
void conv2d_batch_space_alloc_path(conv2d_batch_space *ws, const conv2d_shape *s, int capacity, conv_path path);
void conv2d_batch_space_free(conv2d_batch_space *ws);
/* The bytes conv2d_batch_space_alloc allocates for this layer and capacity. */
double conv2d_batch_space_bytes(const conv2d_shape *s, int capacity);

/* Forward pass of n <= ws->capacity images on ws->path: X (n, in_c, in_h, in_w) ->
 * Y (n, out_c, out_h, out_w), OVERWRITTEN. Keeps in ws what the backward needs
 * (the cols matrix; or a pointer to X, which must stay unchanged until then). */
void conv2d_forward_batch(const conv2d_shape *s, int n, const real *x, const real *w, const real *b,
                          real *y, conv2d_batch_space *ws);

/* Backward pass of the SAME n images, right after their forward pass (it
 * reads what the forward pass left in ws, and X itself on the implicit and
 * Winograd paths). dY (n, out_c, out_h, out_w):
 *     dW (out_c, in_c, k_h, k_w) and db (out_c) are ADDED to (summed over the n images);
 *     dX (n, in_c, in_h, in_w) is OVERWRITTEN (NULL to skip; when given,
 *     ws's buffers may be overwritten too, so a second backward needs a new forward). */
void conv2d_backward_batch(const conv2d_shape *s, int n, const real *w, const real *dy,
                           real *dw, real *db, real *dx, conv2d_batch_space *ws);

#endif
