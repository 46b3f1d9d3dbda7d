/* Exercise 17: Winograd's F(2, 3) and the tiles of F(2x2, 3x3).
 *
 * Lesson 17 (build/lessons/17_winograd, notes/17_winograd.md) works it with
 * lesson 01's numbers: d = (5, 2, 2, 3), g = (1, 2, -1),
 *     directly:  y0 = 5*1 + 2*2 + 2*(-1) = 7,   y1 = 2*1 + 2*2 + 3*(-1) = 3   (6 multiplications)
 *     Winograd:  B^T d = (3, 4, 0, -1),  G g = (1, 1, -1, -1),
 *                M = (G g) (.) (B^T d) = (3, 4, 0, 1)                        (4 multiplications)
 *                y = A^T M = (3 + 4 + 0, 4 - 0 - 1) = (7, 3)
 * and a 6x6 image in 2x2 output tiles: output tile (ty, tx) reads the 4x4
 * input tile at (2ty, 2tx) and fills outputs (2ty..2ty+1, 2tx..2tx+1).
 * Arrays are stored row by row: entry (r, c) of an array w wide is a[r * w + c].
 *
 *   TODO 1  f23_input_transform: d (4) -> v (4);  f23_filter_transform: g (3) -> u (4).
 *           Check: d = (5, 2, 2, 3) gives (3, 4, 0, -1); g = (1, 2, -1) gives (1, 1, -1, -1).
 *   TODO 2  f23: d (4), g (3) -> y (2), exactly 4 products of v[k] * u[k], then y from sums
 *           of the four products. Check: (7, 3) for the numbers above.
 *   TODO 3  winograd_place_tile: tile (2, 2) of output tile (ty, tx) -> out (out_h, out_w),
 *           dropping what falls beyond the map.
 *   TODO 4  winograd_input_tile: x (h, w), output tile (ty, tx) -> d (4, 4), zeros beyond x.
 *
 * Check your work: make check EX=17    A hint, one level at a time: make hint EX=17
 * Start this exercise again from the original: make reset EX=17 (your file is kept as .bak) */
#include "17_winograd.h"

/* TODO 1. The idea: Each of the 4 products multiplies a sum of inputs by a sum
 * of weights: the input transform makes the sums of d, the filter transform
 * those of g (the values of the polynomial g0 + g1 x + g2 x^2 at x = 0, then
 * at 1 and -1 halved, and its last coefficient).
 * (make hint EX=17: the formula, then the code, one at a time) */
void f23_input_transform(const double *d, double *v)
{
}

void f23_filter_transform(const double *g, double *u)
{
}

/* TODO 2. The idea: Transform d and g (task 1), multiply them element by
 * element (these are the only 4 multiplications) and combine the 4 products
 * into the 2 outputs with additions and subtractions.
 * (make hint EX=17: the formula, then the code, one at a time) */
void f23(const double *d, const double *g, double *y)
{
}

/* TODO 3. The idea: Output tile (ty, tx) holds 2x2 outputs; the tiles sit side
 * by side in the output map, 2 rows and 2 columns apart. A map with an odd
 * side has a last tile half outside: drop what falls beyond the map.
 * (make hint EX=17: the formula, then the code, one at a time) */
void winograd_place_tile(const double *tile, int ty, int tx, double *out, int out_h, int out_w)
{
}

/* TODO 4. The idea: Output tile (ty, tx) needs the 3x3 windows of its 4
 * outputs: a 4x4 patch of the image starting where its first output's window
 * starts. The patches start 2 pixels apart and overlap; near the far edge of
 * the image they read zeros.
 * (make hint EX=17: the formula, then the code, one at a time) */
void winograd_input_tile(const double *x, int h, int w, int ty, int tx, double *d)
{
}
