/* tests/exercise_01.c: the checks for exercise 01 (convolution by hand).
 * Built against solutions/01_convolution.c by `make test` and against
 * exercises/01_convolution.c by `make check EX=01`. */
#include <math.h>
#include <stdio.h>

#include "01_convolution.h"
#include "exercise.h"

static const double image[12] = { 5, 2, 2, 3, 3, 1, 2, 1, 9, 0, 4, 5 };   /* (3, 4), seed 003 */
static const double filter[4] = { 1, 2, -1, 0 };                          /* (2, 2), seed 003 */
static const double expected_map[6] = { 6, 5, 6, -4, 5, 0 };              /* (2, 3) */

static void task_positions(void)
{
    task_begin(1, "how many positions a filter has (n - f + 1)",
               "a filter of size f starting at column c covers c .. c+f-1, and c+f-1 must be <= n-1.");
    int got = conv_positions(4, 2);
    if (got == 2)
        task_diagnose("conv_positions(4, 2) is 2 = n - f: off by one; the filter also fits at the last column");
    else if (got == 5)
        task_diagnose("conv_positions(4, 2) is 5 = n + f - 1: that is the size of a *full* convolution (lesson 06)");
    task_expect_int("conv_positions(4, 2)", 3, got);
    task_expect_int("conv_positions(3, 2)", 2, conv_positions(3, 2));
    task_expect_int("conv_positions(28, 5)", 24, conv_positions(28, 5));
    task_expect_int("conv_positions(5, 5)", 1, conv_positions(5, 5));
    task_expect_int("conv_positions(2, 3) (filter larger than the image)", 0, conv_positions(2, 3));
    task_end();
}

static void task_window(void)
{
    task_begin(2, "one window: element-wise products, summed",
               "at (row, col) = (0, 0) the products are 5*1 + 2*2 + 3*(-1) + 1*0 = 6.");
    double first = window_sum(image, 4, filter, 2, 0, 0);
    if (fabs(first - 3) < 1e-12)   /* 5*1 + 2*(-1) + ... pairs the filter transposed */
        task_diagnose("got 3 at (0, 0): the filter looks transposed (filter[j * f + i] instead of filter[i * f + j])");
    task_expect_near("window_sum at (0, 0)", 6, first, 1e-12);
    task_expect_near("window_sum at (0, 1)", 5, window_sum(image, 4, filter, 2, 0, 1), 1e-12);
    double low = window_sum(image, 4, filter, 2, 1, 0);
    if (fabs(low - 6) < 1e-12)
        task_diagnose("(1, 0) gives the same as (0, 0): is the row offset (row + i) used to index the image?");
    task_expect_near("window_sum at (1, 0)", -4, low, 1e-12);
    task_end();
}

static void task_convolve(void)
{
    task_begin(3, "slide the filter over the whole image",
               "two loops, row over conv_positions(h, f) and col over conv_positions(w, f), "
               "each storing window_sum(...) at out[row * out_w + col].");
    double out[6] = { 0 };
    convolve_valid(image, 3, 4, filter, 2, out);
    static const double flipped[6] = { 1, 3, 3, 11, -1, 4 };   /* with the filter rotated 180 degrees */
    if (arrays_near(out, flipped, 6, 1e-12))
        task_diagnose("you flipped the filter (a mathematician's convolution); seed 003 and every "
                      "framework slide it unflipped (cross-correlation)");
    else if (out[0] == 6 && out[1] == 5 && out[3] != -4)
        task_diagnose("the first row is right but not the second: is out indexed with the output "
                      "width (w - f + 1) rather than the image width?");
    task_expect_array("output map (2x3)", expected_map, out, 6, 1e-12);

    double tall[20], tall_out[20] = { 0 }, k1[1] = { 2 };  /* a 1x1 filter just scales: a shape check */
    for (int i = 0; i < 20; i++)
        tall[i] = i;
    convolve_valid(tall, 5, 4, k1, 1, tall_out);
    double doubled[20];
    for (int i = 0; i < 20; i++)
        doubled[i] = 2 * i;
    task_expect_array("1x1 filter [2] over a 5x4 image (5x4 output)", doubled, tall_out, 20, 1e-12);
    task_end();
}

/* A 6x6 test image: bright (10) above row `edge_row`, dark below; or flat. */
static void fill_image(double *img, int edge_row, int flat)
{
    for (int y = 0; y < 6; y++)
        for (int x = 0; x < 6; x++)
            img[y * 6 + x] = flat ? 7 : (y < edge_row ? 10 : 0);
}

static void task_edge_filter(void)
{
    task_begin(4, "design a horizontal-edge filter",
               "turn the lesson's vertical-edge filter [[1,0,-1],[1,0,-1],[1,0,-1]] on its side.");
    double f[9] = { 0 }, img[36], out[16] = { 0 };
    make_horizontal_edge_filter(f);
    double sum = 0;
    for (int i = 0; i < 9; i++)
        sum += f[i];
    int all_zero = 1;
    for (int i = 0; i < 9; i++)
        all_zero = all_zero && f[i] == 0;
    if (all_zero)
        task_diagnose("the filter is still all zeros: nothing was written into filter[0..8]");
    if (!all_zero && fabs(sum) > 1e-12)
        task_diagnose("the filter's numbers add up to %g, not 0, so a flat region of 7s gives %g instead of 0",
                      sum, 7 * sum);
    fill_image(img, 3, 0);                          /* rows 0-2 bright, rows 3-5 dark */
    convolve_valid(img, 6, 6, f, 3, out);
    double at_edge = out[1 * 4 + 1];                /* window over rows 1-3: straddles the edge */
    if (!all_zero && !(at_edge > 0))
        task_diagnose("the response where the window straddles the edge is %g: bright on TOP "
                      "must give a positive number", at_edge);
    double vertical_edge_img[36];
    for (int y = 0; y < 6; y++)
        for (int x = 0; x < 6; x++)
            vertical_edge_img[y * 6 + x] = x < 3 ? 10 : 0;
    convolve_valid(vertical_edge_img, 6, 6, f, 3, out);
    double worst = 0;
    for (int i = 0; i < 16; i++)
        worst = fmax(worst, fabs(out[i]));
    if (worst > 1e-12)
        task_diagnose("the filter also fires on a vertical edge (|response| up to %g): "
                      "each row of a horizontal-edge filter should hold one repeated number", worst);
    task_end();
}

int main(void)
{
    task_positions();
    task_window();
    task_convolve();
    task_edge_filter();
    return exercise_finish("exercise 01 (convolution)");
}
