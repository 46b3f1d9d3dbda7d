/* tests/exercise_01.c: the checks for exercise 01 (convolution by hand).
 * Built against solutions/01_convolution.c by `make test` and against
 * exercises/01_convolution.c by `make check EX=01`. */
#include <math.h>
#include <stdio.h>

#include "01_convolution.h"
#include "exercise.h"

static const double image[12] = { 5, 2, 2, 3, 3, 1, 2, 1, 9, 0, 4, 5 };   /* (3, 4), Notes on CNN */
static const double filter[4] = { 1, 2, -1, 0 };                          /* (2, 2), Notes on CNN */
static const double expected_map[6] = { 6, 5, 6, -4, 5, 0 };              /* (2, 3) */
/* The usual wrong maps: the filter rotated by 180 degrees (a true convolution,
 * the mathematician's), and the filter transposed (filter[j * f + i]). */
static const double rotated_map[6] = { 5, 2, 2, 17, 2, 12 };
static const double transposed_map[6] = { 9, 2, 3, 20, -1, 9 };
#define ROTATED_BUG "the kernel was rotated by 180 degrees: that is a true convolution (the mathematician's, " \
                    "filter[(f-1-i) * f + (f-1-j)]); a CNN slides the filter as it is (cross-correlation), " \
                    "as lesson 01, the course's sources and every framework do"
#define TRANSPOSED_BUG "the filter is transposed: filter[j * f + i] instead of filter[i * f + j] " \
                       "(row i, column j of an f-wide filter is at i * f + j)"

/* The test's own cross-correlation (valid, stride 1), so that a task can be
 * judged without trusting the student's other tasks. */
static void reference_convolve(const double *img, int h, int w, const double *k, int f, double *out)
{
    int oh = h - f + 1, ow = w - f + 1;
    for (int r = 0; r < oh; r++)
        for (int c = 0; c < ow; c++) {
            double sum = 0;
            for (int i = 0; i < f; i++)
                for (int j = 0; j < f; j++)
                    sum += img[(r + i) * w + (c + j)] * k[i * f + j];
            out[r * ow + c] = sum;
        }
}

static void task_positions(void)
{
    task_begin(1, "how many positions a filter has (n - f + 1)",
               HINTS("A filter can only sit where it is wholly inside the image. Count the "
                     "places its first column can go.",
                     "positions = n - f + 1 when f <= n, else 0 (4 - 2 + 1 = 3 for the "
                     "lesson's row).",
                     "a filter of size f starting at column c covers c .. c+f-1, and c+f-1 "
                     "must be <= n-1. Count the positions of a 2-wide filter on a 4-wide row "
                     "by hand (columns 0-1, 1-2, 2-3): 3 = 4 - 2 + 1."));
    int got = CALL(conv_positions(4, 2));
    if (got == 2)
        task_diagnose("conv_positions(4, 2) is 2 = n - f: off by one; the filter also fits at the last column");
    else if (got == 5)
        task_diagnose("conv_positions(4, 2) is 5 = n + f - 1: that is the size of a *full* convolution (lesson 06)");
    task_expect_int("conv_positions(4, 2)", 3, got);
    task_expect_int("conv_positions(3, 2)", 2, CALL(conv_positions(3, 2)));
    task_expect_int("conv_positions(28, 5)", 24, CALL(conv_positions(28, 5)));
    task_expect_int("conv_positions(5, 5)", 1, CALL(conv_positions(5, 5)));
    task_expect_int("conv_positions(2, 3) (filter larger than the image)", 0, CALL(conv_positions(2, 3)));
    task_end();
}

static void task_window(void)
{
    task_begin(2, "one window: element-wise products, summed",
               HINTS("One window: pair each filter number with the pixel under it, multiply "
                     "the pairs, add up the products.",
                     "window_sum(row, col) = sum over i, j in 0..f-1 of image(row + i, col + "
                     "j) * filter(i, j); at (0, 0): 5*1 + 2*2 + 3*(-1) + 1*0 = 6.",
                     "at (row, col) = (0, 0) the products are 5*1 + 2*2 + 3*(-1) + 1*0 = 6. "
                     "Two nested loops over the filter, i for its rows and j for its columns;"
                     " the pixel under filter[i * f + j] is image[(row + i) * image_w + (col "
                     "+ j)]."));
    double got[3] = { CALL(window_sum(image, 4, filter, 2, 0, 0)), CALL(window_sum(image, 4, filter, 2, 0, 1)),
                      CALL(window_sum(image, 4, filter, 2, 1, 0)) };     /* at (0, 0), (0, 1), (1, 0) */
    const double rotated[3] = { rotated_map[0], rotated_map[1], rotated_map[3] };
    const double transposed[3] = { transposed_map[0], transposed_map[1], transposed_map[3] };
    if (arrays_near(got, rotated, 3, 1e-12))
        task_diagnose(ROTATED_BUG);
    else if (arrays_near(got, transposed, 3, 1e-12))
        task_diagnose(TRANSPOSED_BUG);
    else if (fabs(got[2] - got[0]) < 1e-12)
        task_diagnose("(1, 0) gives the same as (0, 0): is the row offset (row + i) used to index the image?");
    task_expect_near("window_sum at (0, 0)", 6, got[0], 1e-12);
    task_expect_near("window_sum at (0, 1)", 5, got[1], 1e-12);
    task_expect_near("window_sum at (1, 0)", -4, got[2], 1e-12);
    task_end();
}

static void task_convolve(void)
{
    task_begin(3, "slide the filter over the whole image",
               HINTS("The output map holds one window sum for every place the filter fits, in"
                     " reading order. The filter is slid as it is, not turned round.",
                     "out(row, col) = window_sum(row, col) for row < h - f + 1 and col < w - "
                     "f + 1; the output is w - f + 1 wide, not w.",
                     "two loops, row over conv_positions(h, f) and col over conv_positions(w,"
                     " f), each storing window_sum(...) at out[row * out_w + col]. out has "
                     "conv_positions(w, f) columns, so output (row, col) is out[row * out_w +"
                     " col] with out_w = conv_positions(w, f), not w."));
    double out[6] = { 0 };
    CALL(convolve_valid(image, 3, 4, filter, 2, out));
    int window_ok = fabs(CALL(window_sum(image, 4, filter, 2, 1, 2)) - 0) < 1e-12 &&
                    fabs(CALL(window_sum(image, 4, filter, 2, 0, 0)) - 6) < 1e-12;
    if (arrays_near(out, rotated_map, 6, 1e-12))
        task_diagnose(ROTATED_BUG);
    else if (arrays_near(out, transposed_map, 6, 1e-12))
        task_diagnose(TRANSPOSED_BUG);
    else if (!window_ok && !arrays_near(out, expected_map, 6, 1e-12))
        task_diagnose("this task uses your window_sum, which does not pass task 2 yet: fix task 2 first");
    else if (out[0] == 6 && out[1] == 5 && out[3] != -4)
        task_diagnose("the first row is right but not the second: is out indexed with the output "
                      "width (w - f + 1) rather than the image width?");
    task_expect_array("output map (2x3)", expected_map, out, 6, 1e-12);

    double tall[20], tall_out[20] = { 0 }, k1[1] = { 2 };  /* a 1x1 filter just scales: a shape check */
    for (int i = 0; i < 20; i++)
        tall[i] = i;
    CALL(convolve_valid(tall, 5, 4, k1, 1, tall_out));
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
               HINTS("A filter answers 'how much does this window look like me?'. An edge "
                     "filter rewards bright above and punishes bright below, and its weights "
                     "cancel on a flat region.",
                     "Rows of the filter: top row all +a, middle row 0, bottom row all -a (a "
                     "> 0): the sum is 0, and each row holds one repeated number.",
                     "turn the lesson's vertical-edge filter [[1,0,-1],[1,0,-1],[1,0,-1]] on "
                     "its side. Turn the vertical-edge filter on its side: a row of +1s, a "
                     "row of 0s, a row of -1s. Its numbers must add up to 0, or a flat region"
                     " would not give 0."));
    double f[9] = { 0 }, img[36], out[16] = { 0 };
    CALL(make_horizontal_edge_filter(f));
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
    reference_convolve(img, 6, 6, f, 3, out);       /* not your convolve_valid: this task judges the filter */
    double at_edge = out[1 * 4 + 1];                /* window over rows 1-3: straddles the edge */
    if (!all_zero && !(at_edge > 0))
        task_diagnose("the response where the window straddles the edge is %g: bright on TOP "
                      "must give a positive number", at_edge);
    double vertical_edge_img[36];
    for (int y = 0; y < 6; y++)
        for (int x = 0; x < 6; x++)
            vertical_edge_img[y * 6 + x] = x < 3 ? 10 : 0;
    reference_convolve(vertical_edge_img, 6, 6, f, 3, out);
    double worst = 0;
    for (int i = 0; i < 16; i++)
        worst = fmax(worst, fabs(out[i]));
    if (worst > 1e-12)
        task_diagnose("the filter also fires on a vertical edge (|response| up to %g): "
                      "each row of a horizontal-edge filter should hold one repeated number", worst);
    /* Many filters are right: the judge gets the three properties' verdict (exercise_judge.c). */
    int properties = !all_zero && fabs(sum) <= 1e-12 && at_edge > 0 && worst <= 1e-12;
    if (properties)
        task_expect_int("sum 0, positive on a bright-top edge, 0 on a vertical edge (1 = all three)", 1, properties);
    else
        task_fail();
    task_end();
}

int main(int argc, char **argv)
{
    static const exercise_task tasks[] = { task_positions, task_window, task_convolve, task_edge_filter };
    return exercise_main(argc, argv, "exercise 01 (convolution)", tasks, (int)(sizeof tasks / sizeof tasks[0]));
}
