/* exercises/01_convolution.h: the functions exercise 01 asks for.
 * Both exercises/01_convolution.c (yours) and solutions/01_convolution.c
 * define them; tests/exercise_01.c checks them. Do not change this file. */
#ifndef EXERCISE_01_H
#define EXERCISE_01_H

/* Task 1: how many positions a filter of size f has along a side of length n
 * (no padding, stride 1); 0 when the filter does not fit. */
int conv_positions(int n, int f);

/* Task 2: the filter (f x f) placed with its top-left corner on pixel
 * (row, col) of an image that is `image_w` pixels wide: the sum of the
 * element-wise products. */
double window_sum(const double *image, int image_w, const double *filter, int f, int row, int col);

/* Task 3: the whole output map, out (h - f + 1, w - f + 1), of the image (h, w). */
void convolve_valid(const double *image, int h, int w, const double *filter, int f, double *out);

/* Task 4: fill filter (3x3) with a horizontal-edge detector: a large positive
 * response where bright rows lie above dark rows, zero on flat regions. */
void make_horizontal_edge_filter(double *filter);

#endif
