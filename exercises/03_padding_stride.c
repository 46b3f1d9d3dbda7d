/* Exercise 03: padding, stride and sizing.
 *
 * Lesson 03 (build/lessons/03_padding_stride, notes/03_padding_stride.md)
 * sizes every layer of Doshi's network, counts its parameters, and pads
 * Keras's 2x2 'same' layer with 0 rows above and 1 below. Now you write
 * those pieces, working each rule out from what a filter does.
 * Arrays are stored row by row: element (i, j) of an array w wide is a[i * w + j].
 *
 *   TODO 1  output_length(w, f, p, s): the number of positions of a filter
 *           of size f along an input of length w, with padding p on both ends
 *           and stride s. Return -1 when it is impossible: the filter does not
 *           fit in the padded input, or the windows do not tile it exactly
 *           (the last rows/columns would be ignored; PyTorch floors here, the
 *           library and you refuse). Examples: (7, 3, 1, 1) -> 7 ("same"),
 *           (7, 3, 0, 2) -> 3, (28, 5, 0, 1) -> 24, (6, 3, 0, 2) -> -1,
 *           (2, 3, 0, 1) -> -1.
 *   TODO 2  conv_layer_params(f, c_in, c_out): the weights of c_out filters
 *           of shape (f, f, c_in), plus one bias each. Doshi's first layer:
 *           conv_layer_params(2, 1, 16) = 80; his second, (3, 16, 128) = 18,560.
 *   TODO 3  zero_pad(x, h, w, p, out): x is (h, w); out is (h + 2p, w + 2p)
 *           with x in the middle and zeros all around: [[1,2,3],[4,5,6]] with
 *           p = 1 becomes the 4x5 [[0,0,0,0,0],[0,1,2,3,0],[0,4,5,6,0],[0,0,0,0,0]].
 *           out may hold garbage on entry.
 *   TODO 4  same_padding(f, &before, &after): "same" padding at stride 1
 *           keeps the size; Keras/TensorFlow split the total padding with the
 *           smaller half before (top/left) and the rest after (bottom/right):
 *           f = 3 -> 1 and 1; f = 2 -> 0 and 1; f = 4 -> 1 and 2.
 *
 * Check your work: make check EX=03    A hint, one level at a time: make hint EX=03
 * Start this exercise again from the original: make reset EX=03 (your file is kept as .bak) */
#include "03_padding_stride.h"

/* TODO 1. The idea: Padding makes the image bigger, the stride makes the
 * filter jump. Count the starting places; the jumps must land exactly on the
 * last one.
 * (make hint EX=03: the formula, then the code, one at a time) */
int output_length(int w, int f, int p, int s)
{
    return 0;
}

/* TODO 2. The idea: Every filter sees all input channels through its f x f
 * window, and has one bias of its own.
 * (make hint EX=03: the formula, then the code, one at a time) */
long conv_layer_params(int f, int c_in, int c_out)
{
    return 0;
}

/* TODO 3. The idea: Padding puts a frame of zeros round the image; the image
 * itself moves p rows down and p columns right.
 * (make hint EX=03: the formula, then the code, one at a time) */
void zero_pad(const double *x, int h, int w, int p, double *out)
{
}

/* TODO 4. The idea: 'Same' padding keeps the size at stride 1, so it adds f
 * - 1 in total. An odd total cannot be split evenly: Keras puts the extra
 * one after.
 * (make hint EX=03: the formula, then the code, one at a time) */
void same_padding(int f, int *pad_before, int *pad_after)
{
}
