/* exercises/03_padding_stride.h: the functions exercise 03 asks for.
 * Both exercises/03_padding_stride.c (yours) and solutions/03_padding_stride.c
 * define them; tests/exercise_03.c checks them. Do not change this file. */
#ifndef EXERCISE_03_H
#define EXERCISE_03_H

/* Task 1: the output length of a convolution along one side (how many
 * positions the filter takes), for an input of length w, a filter of size
 * f, padding p on both ends and stride s. Returns -1 when the configuration
 * is impossible: the filter is larger than the padded input, or the windows
 * do not tile the padded input exactly. */
int output_length(int w, int f, int p, int s);

/* Task 2: the number of parameters of a conv layer with c_out filters of
 * size f x f x c_in, one bias per filter. */
long conv_layer_params(int f, int c_in, int c_out);

/* Task 3: zero padding. x is (h, w), row by row; out is (h + 2p, w + 2p),
 * row by row: p rows of zeros above and below, p columns of zeros left and
 * right, and x in the middle. Write every element of out (it may hold
 * anything when you get it). */
void zero_pad(const double *x, int h, int w, int p, double *out);

/* Task 4: "same" padding at stride 1 for a filter of size f, as Keras and
 * TensorFlow do it: the total padding keeps the size; *pad_before
 * (top/left) gets the smaller half and *pad_after (bottom/right) the rest.
 * Odd f: equal halves; even f: one more after. */
void same_padding(int f, int *pad_before, int *pad_after);

#endif
