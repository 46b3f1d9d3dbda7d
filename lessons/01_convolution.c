/* Lesson 01: convolution, one window at a time.
 *
 * Notes on CNN's worked example: the 2x2 filter [[1,2],[-1,0]] slides over the
 * 3x4 image [[5,2,2,3],[3,1,2,1],[9,0,4,5]] (no padding, stride 1). At each
 * position we multiply the numbers under the filter element by element and
 * add them up; the sums form the output map [[6,5,6],[-4,5,0]].
 * Then: why the output is (n - f + 1) wide, the same map from the library's
 * conv2d_forward, and what a filter "detects".
 *
 * Run: build/lessons/01_convolution [--step]      Notes: notes/01_convolution.md */
#include <stdio.h>

#include "conv.h"    /* conv2d_shape, conv2d_setup, conv2d_forward */
#include "lesson.h"  /* lesson_start, lesson_step */
#include "tensor.h"  /* tensor_print_2d, tensor_max_abs_diff */

#define IMG_H 3
#define IMG_W 4
#define F 2
#define OUT_H (IMG_H - F + 1)
#define OUT_W (IMG_W - F + 1)

static const real image[IMG_H * IMG_W] = {   /* (3, 4): Notes on CNN, equation (2) */
    5, 2, 2, 3,
    3, 1, 2, 1,
    9, 0, 4, 5,
};
static const real filter[F * F] = {          /* (2, 2): Notes on CNN, equation (1) */
    1, 2,
    -1, 0,
};

/* One window: print the element-wise products and return their sum. */
static real window_response(int row, int col)
{
    real sum = 0;
    printf("  filter at row %d, col %d: ", row, col);
    for (int i = 0; i < F; i++)
        for (int j = 0; j < F; j++) {
            real pixel = image[(row + i) * IMG_W + (col + j)];
            real weight = filter[i * F + j];
            printf(weight < 0 ? "%s%g*(%g)" : "%s%g*%g", (i || j) ? " + " : "", (double)pixel, (double)weight);
            sum += pixel * weight;
        }
    printf(" = %g\n", (double)sum);
    return sum;
}

static void slide_by_hand(real *out)   /* out: (OUT_H, OUT_W) */
{
    for (int row = 0; row < OUT_H; row++)
        for (int col = 0; col < OUT_W; col++)
            out[row * OUT_W + col] = window_response(row, col);
}

/* A 6x6 image that is bright (10) on the left and dark (0) on the right,
 * or bright on top and dark below when `horizontal` is set. */
static void make_edge_image(real *img, int horizontal)
{
    for (int y = 0; y < 6; y++)
        for (int x = 0; x < 6; x++)
            img[y * 6 + x] = (horizontal ? y : x) < 3 ? 10 : 0;
}

/* Apply a 3x3 filter to a 6x6 image with the library (one channel in, one out). */
static void filter_6x6(const real *img, const real *filter3, real *out /* (4, 4) */)
{
    conv2d_shape s;
    real bias = 0;
    conv2d_setup(&s, 1, 6, 6, 1, 3, 1, 0);
    conv2d_forward(&s, img, filter3, &bias, out);
}

int main(int argc, char **argv)
{
    lesson_start(argc, argv, "Lesson 01: convolution, one window at a time", 0);

    lesson_step(1, "The image and the filter (Notes on CNN)");
    tensor_print_2d(stdout, "image (3x4), pixel intensities:", image, IMG_H, IMG_W, 3);
    tensor_print_2d(stdout, "filter (2x2):", filter, F, F, 3);

    lesson_step(2, "Slide the filter: multiply element by element, then add");
    printf("Put the filter on the top-left corner, multiply each pair of numbers,\n"
           "sum the products, and move one column right (stride 1); at the end of\n"
           "a row, go back to the left and one row down.\n");
    real by_hand[OUT_H * OUT_W];
    slide_by_hand(by_hand);
    printf("The source names the first two outputs: 6, then 5. They match.\n");

    lesson_step(3, "The output map");
    tensor_print_2d(stdout, "output (2x3):", by_hand, OUT_H, OUT_W, 3);
    printf("A filter of size f fits n - f + 1 times along a side of length n:\n"
           "  rows:    %d - %d + 1 = %d\n  columns: %d - %d + 1 = %d\n",
           IMG_H, F, OUT_H, IMG_W, F, OUT_W);

    lesson_step(4, "The same map from the library");
    conv2d_shape s;
    real bias = 0, by_library[OUT_H * OUT_W];
    conv2d_setup(&s, 1, IMG_H, IMG_W, 1, F, 1, 0);   /* 1 channel in, 1 filter, stride 1, no padding */
    conv2d_forward(&s, image, filter, &bias, by_library);
    tensor_print_2d(stdout, "conv2d_forward (src/conv.c), output (2x3):", by_library, s.out_h, s.out_w, 3);
    printf("largest difference from the hand computation: %g\n",
           tensor_max_abs_diff(by_hand, by_library, OUT_H * OUT_W));

    lesson_step(5, "What a filter detects: a vertical edge");
    static const real vertical_edge[9] = { 1, 0, -1, 1, 0, -1, 1, 0, -1 };
    real img[36], out[16];
    tensor_print_2d(stdout, "vertical-edge filter (3x3): left column minus right column", vertical_edge, 3, 3, 3);
    make_edge_image(img, 0);
    tensor_print_2d(stdout, "image (6x6): bright left half, dark right half", img, 6, 6, 3);
    filter_6x6(img, vertical_edge, out);
    tensor_print_2d(stdout, "output (4x4): large only where the window straddles the edge", out, 4, 4, 3);
    make_edge_image(img, 1);
    filter_6x6(img, vertical_edge, out);
    tensor_print_2d(stdout, "the same filter on a horizontal edge (bright top): it sees nothing", out, 4, 4, 3);

    lesson_step(6, "How many weights does a layer of filters have?");
    printf("Notes on CNN: 4 filters of the 2x2 form above have 4 * 2 * 2 = %d weights\n"
           "(a bias per filter adds 4 more: %d parameters). Whatever the image size,\n"
           "the same few weights are used at every position: that is parameter sharing.\n",
           4 * F * F, 4 * F * F + 4);
    printf("\nNext: lesson 02, the chain rule, checked by finite differences (notes/02_chain_rule.md; build/lessons/02_chain_rule).\n");
    return 0;
}
