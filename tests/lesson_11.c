/* tests/lesson_11.c: lesson 11 (run with --quick) counts the FLOPs and bytes
 * of every layer of both networks right, prints lesson 01's example as an
 * im2col matrix and one product, and prints its tables: the roofline, every
 * row of the matrix-product ladder (each version agreeing with the naive
 * loop), both engines on lesson 10's network (the same loss). Timings vary
 * from run to run and machine to machine: no test reads one. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static program_result run;

/* The first line of the output that contains needle ("" when none): a
 * copy in one of four rotating buffers. */
static const char *line_with(const char *needle)
{
    static char lines[4][512];
    static int next;
    char *line = lines[next++ % 4];
    const char *at = run.out ? strstr(run.out, needle) : NULL;
    line[0] = '\0';
    if (!at)
        return line;
    while (at > run.out && at[-1] != '\n')
        at--;
    size_t len = strcspn(at, "\n");
    len = len < sizeof lines[0] - 1 ? len : sizeof lines[0] - 1;
    memcpy(line, at, len);
    line[len] = '\0';
    return line;
}

/* The number after the last space of the line that contains needle (NAN if none). */
static double last_number(const char *needle)
{
    const char *line = line_with(needle), *last = strrchr(line, ' ');
    return last ? strtod(last + 1, NULL) : NAN;
}

static void test_lesson_runs(void)
{
    CHECK_INT(run.exit_code, 0);
    CHECK_CONTAINS(run.out, "Lesson 11");
    for (int step = 1; step <= 7; step++) {
        char heading[32];
        snprintf(heading, sizeof heading, "Step %d.", step);
        CHECK_CONTAINS(run.out, heading);
    }
}

/* Lesson 10's network: conv 5x5 1->16 on 28x28 (2*16*576*25 = 460,800 each
 * way: no dX for the first layer), ReLU and pooling, dense 2304->10. */
static void test_lesson10_counts(void)
{
    const char *conv = line_with("conv 5x5, 1->16"), *dense = line_with("dense 2304->10");
    CHECK_CONTAINS(conv, "24x24x16        460,800        460,800      41,664    11.06");
    CHECK_CONTAINS(line_with("  ReLU                     24x24x16"), "9,216          9,216");
    CHECK_CONTAINS(line_with("maxpool 2x2              12x12x16"), "6,912              0");
    CHECK_CONTAINS(dense, "46,080         92,160     101,456     0.45");
    CHECK_CONTAINS(line_with("  total"), "523,008        562,176");
    CHECK_CONTAINS(run.out, "forward + backward = 1,085,184 FLOP");
}

/* The share of the bias additions lesson 11 leaves out of its table, for
 * lesson 10's network: one add per output forward and one backward, conv
 * 16 x 24 x 24 = 9,216 outputs and dense 10, so 2 x 9,226 = 18,452 FLOP of
 * 1,085,184: 1.7% (the lesson once said "under 0.1%"). */
static void test_share_of_the_bias_additions(void)
{
    const char *at = strstr(run.out, "(into dL/db): ");
    char flop[32] = "";
    double share = NAN;
    CHECK(at && sscanf(at, "(into dL/db): %31[0-9,] FLOP, %lf%%", flop, &share) == 2);
    long count = 0;
    for (const char *c = flop; *c; c++)
        if (*c != ',')
            count = 10 * count + (*c - '0');
    long expected = 2 * (16L * 24 * 24 + 10), total = 523008 + 562176;
    CHECK_INT(count, expected);
    CHECK_NEAR(share, 100.0 * expected / total, 0.05);               /* printed to 1 decimal: 1.7 */
}

/* "Convolutional Neural Networks" (Doshi): 198 MFLOP per training image,
 * 89% of it in the 128->256 convolution. */
static void test_doshi_counts(void)
{
    CHECK_CONTAINS(line_with("conv 2x2 'same', 1->16"), "28x28x16        100,352        100,352");
    CHECK_CONTAINS(line_with("conv 3x3, 16->128"), "12x12x128     5,308,416     10,616,832");
    CHECK_CONTAINS(line_with("conv 3x3, 128->256"), "10x10x256    58,982,400    117,964,800   1,356,800    43.47");
    CHECK_CONTAINS(line_with("dense 6400->128"), "1,638,400      3,276,800   3,303,424");
    CHECK_CONTAINS(line_with("dense 128->10 "), "2,560          5,120");
    CHECK_CONTAINS(run.out, "forward + backward = 198,138,048 FLOP");
    CHECK_CONTAINS(run.out, "176,947,200\nFLOP of it: 89.3%");
    CHECK_CONTAINS(run.out, "That is 183 times lesson 10's network");
    CHECK_CONTAINS(run.out, "holds 72% of the 1,134,426\nparameters");        /* lesson 03's Keras total */
    CHECK_CONTAINS(run.out, "The three convolutions together: 97.4%");
    /* without the first pooling: 2 * 128 * 26*26 * 3*3*16 */
    CHECK_CONTAINS(run.out, "and do 24,920,064 FLOP forward instead of 5,308,416, 4.7 times as many");
}

/* How many lines between the headings `from` and `to` start with two spaces
 * (a table row) and contain needle. */
static int table_rows_between(const char *from, const char *to, const char *needle)
{
    const char *at = strstr(run.out, from), *end = at ? strstr(at, to) : NULL;
    int rows = 0;
    for (const char *line = at; line && line < end; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
        size_t len = strcspn(line, "\n");
        char copy[512];
        snprintf(copy, sizeof copy, "%.*s", (int)(len < sizeof copy ? len : sizeof copy - 1), line);
        rows += strncmp(copy, "  ", 2) == 0 && strstr(copy, needle) != NULL;
    }
    return rows;
}

static void test_roofline_is_printed(void)
{
    CHECK_CONTAINS(run.out, "FMA peak, 1 thread:");
    CHECK_CONTAINS(run.out, "FMA peak, 2 threads:");
    CHECK_CONTAINS(run.out, "copy bandwidth, 2 threads:");
    CHECK_CONTAINS(run.out, "ridge point, peak / bandwidth =");
    /* a row for each of lesson 10's 4 layers and the slides' 3 convolutions and 2 dense layers */
    CHECK_INT(table_rows_between("Step 3.", "Step 4.", "-bound"), 4 + 5);
}

/* Lesson 01's 3x4 image and 2x2 filter: cols (4 taps x 6 positions), and the filter row times it. */
static void test_im2col_of_lesson01(void)
{
    CHECK_CONTAINS(run.out, "cols (4 taps x 6 positions):\n"
                            "  [  5   2   2   3   1   2 ]\n"
                            "  [  2   2   3   1   2   1 ]\n"
                            "  [  3   1   2   9   0   4 ]\n"
                            "  [  1   2   1   0   4   5 ]\n");
    CHECK_CONTAINS(run.out, "W (1x4) x cols (4x6) =\n  [  6   5   6  -4   5   0 ]\n");
    CHECK_CONTAINS(run.out, "lesson 01's output map\n  [  6   5   6 ]\n  [ -4   5   0 ]\n");
    CHECK_CONTAINS(line_with("conv 3x3, 128->256       W ("), "W (256 x 1152) x cols (1152 x 100)");
    CHECK_CONTAINS(line_with("conv 5x5, 1->16          W ("), "W (16 x 25) x cols (25 x 576)");
}

/* Every row of the ladder is there, and each version computes the naive loop's C
 * (float rounding only: the last column, a relative difference, is tiny). */
static void test_gemm_ladder(void)
{
    static const char *const rows[] = { "  1 naive i-j-p", "  2 loop order i-p-j", "  3 + cache blocks",
                                        "  4 + packing", "  5 + threads" };
    for (int i = 0; i < 5; i++) {
        CHECK(line_with(rows[i])[0] != '\0');
        CHECK(last_number(rows[i]) <= 1e-5);
    }
    CHECK(last_number("  1 naive i-j-p") == 0);
}

/* Both engines train the same network from the same weights: the same first loss. */
static void test_network_engines_agree(void)
{
    double naive = last_number("naive: the direct loops"), fast = last_number("fast: batched im2col");
    CHECK(naive > 1 && naive < 4);
    CHECK_NEAR(fast, naive, 1e-4);
    CHECK_CONTAINS(run.out, "build/lessons/10_mnist --epochs 1 --engine naive");
}

static void test_flags(void)
{
    program_result help = run_lesson("11_speed", "--help");
    CHECK_INT(help.exit_code, 0);
    CHECK_CONTAINS(help.out, "--quick");
    program_result_free(&help);
    CHECK_REJECTS_UNKNOWN_FLAG("11_speed");
}

int main(void)
{
    run = run_lesson("11_speed", "--quick");
    RUN_TEST(test_lesson_runs);
    RUN_TEST(test_lesson10_counts);
    RUN_TEST(test_share_of_the_bias_additions);
    RUN_TEST(test_doshi_counts);
    RUN_TEST(test_roofline_is_printed);
    RUN_TEST(test_im2col_of_lesson01);
    RUN_TEST(test_gemm_ladder);
    RUN_TEST(test_network_engines_agree);
    RUN_TEST(test_flags);
    program_result_free(&run);
    return harness_finish();
}
