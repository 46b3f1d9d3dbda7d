/* Exercise 01: convolution by hand.
 *
 * Lesson 01 (build/lessons/01_convolution, notes/01_convolution.md) slides
 * Notes on CNN's 2x2 filter [[1,2],[-1,0]] over the 3x4 image
 * [[5,2,2,3],[3,1,2,1],[9,0,4,5]] and gets [[6,5,6],[-4,5,0]]. Now you write
 * the code that does it. Images and filters are stored row by row: pixel
 * (row, col) of an image w pixels wide is image[row * w + col].
 *
 *   TODO 1  conv_positions(n, f): how many places a filter of size f fits
 *           along a side of length n (stride 1, no padding); 0 if it does not fit.
 *   TODO 2  window_sum(...): the filter with its top-left corner on (row, col):
 *           multiply the pixels under it by the filter, element by element,
 *           and add up the products.
 *   TODO 3  convolve_valid(...): every window, left to right, top to bottom,
 *           into out (h - f + 1 rows, w - f + 1 columns). Use TODOs 1 and 2.
 *   TODO 4  make_horizontal_edge_filter(filter): design a 3x3 filter that
 *           gives a large positive number where a bright region lies ABOVE a
 *           dark one, and exactly 0 on a flat region. (The lesson's vertical
 *           edge detector is [[1,0,-1],[1,0,-1],[1,0,-1]].)
 *
 * Check your work: make check EX=01    A hint, one level at a time: make hint EX=01
 * Start this exercise again from the original: make reset EX=01 (your file is kept as .bak) */
#include "01_convolution.h"

/* TODO 1. The idea: A filter can only sit where it is wholly inside the
 * image. Count the places its first column can go.
 * (make hint EX=01: the formula, then the code, one at a time) */
int conv_positions(int n, int f)
{
    return 0;
}

/* TODO 2. The idea: One window: pair each filter number with the pixel under
 * it, multiply the pairs, add up the products.
 * (make hint EX=01: the formula, then the code, one at a time) */
double window_sum(const double *image, int image_w, const double *filter, int f, int row, int col)
{
    return 0;
}

/* TODO 3. The idea: The output map holds one window sum for every place the
 * filter fits, in reading order. The filter is slid as it is, not turned
 * round.
 * (make hint EX=01: the formula, then the code, one at a time) */
void convolve_valid(const double *image, int h, int w, const double *filter, int f, double *out)
{
}

/* TODO 4. The idea: A filter answers 'how much does this window look like
 * me?'. An edge filter rewards bright above and punishes bright below, and
 * its weights cancel on a flat region.
 * (make hint EX=01: the formula, then the code, one at a time) */
void make_horizontal_edge_filter(double *filter)
{
}
