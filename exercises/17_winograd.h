/* exercises/17_winograd.h: the functions exercise 17 asks for.
 * Both exercises/17_winograd.c (yours) and solutions/17_winograd.c define
 * them; tests/exercise_17.c checks them. Do not change this file.
 *
 * Winograd's F(2, 3) (lesson 17): two outputs of a 3-tap filter g over four
 * inputs d, y[i] = d[i]*g[0] + d[i+1]*g[1] + d[i+2]*g[2], with 4 multiplications:
 *     Y = A^T [ (G g) (.) (B^T d) ]          (.) = element by element
 * Lesson 01's numbers: d = (5, 2, 2, 3), g = (1, 2, -1): B^T d = (3, 4, 0, -1),
 * G g = (1, 1, -1, -1), their product (3, 4, 0, 1), and y = (7, 3).
 *
 * Arrays are stored row by row: entry (r, c) of an array w wide is a[r * w + c]. */
#ifndef EXERCISE_17_H
#define EXERCISE_17_H

/* Task 1: the input transform v (4) = B^T d, d (4), and the filter transform u (4) = G g, g (3). */
void f23_input_transform(const double *d, double *v);
void f23_filter_transform(const double *g, double *u);

/* Task 2: y (2) = the two outputs of g (3) over d (4), with 4 multiplications of a
 * transformed input by a transformed filter (tasks 1), then the output transform A^T. */
void f23(const double *d, const double *g, double *y);

/* Task 3: put output tile (ty, tx) of F(2x2, 3x3), tile (2, 2), into the output map
 * out (out_h, out_w): tile[i][j] is out[2*ty + i][2*tx + j]; entries beyond the map
 * (an odd side: the last tile sticks out) are dropped. */
void winograd_place_tile(const double *tile, int ty, int tx, double *out, int out_h, int out_w);

/* Task 4: the 4x4 input tile d (4, 4) that output tile (ty, tx) reads from the
 * image x (h, w) (no padding): d[i][j] = x[2*ty + i][2*tx + j], 0 beyond the image. */
void winograd_input_tile(const double *x, int h, int w, int ty, int tx, double *d);

#endif
