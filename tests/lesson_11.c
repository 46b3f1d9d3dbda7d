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
static const char *output_line(const char *needle)
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
    const char *line = output_line(needle), *last = strrchr(line, ' ');
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
 * way: no dX for the first layer), ReLU and pooling, dense 2304->10.
 * Each row: the output's shape, FLOP forward, FLOP backward, bytes, FLOP per byte. */
static void test_lesson10_counts(void)
{
    CHECK_ROW(run.out, "  conv 5x5, 1->16 ", 0, 24, 24, 16, 460800, 460800, 41664, 11.06);
    CHECK_ROW(run.out, "  ReLU ", 0, 24, 24, 16, 9216, 9216);
    CHECK_ROW(run.out, "  maxpool 2x2 ", 0, 12, 12, 16, 6912, 0);
    CHECK_ROW(run.out, "  dense 2304->10 ", 0, 10, 46080, 92160, 101456, 0.45);
    CHECK_ROW(run.out, "  total ", 0, 523008, 562176);
    CHECK_NUMBER(run.out, "forward + backward =", 1085184, 0);
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
    CHECK_ROW(run.out, "  conv 2x2 'same', 1->16 ", 0, 28, 28, 16, 100352, 100352);
    CHECK_ROW(run.out, "  conv 3x3, 16->128 ", 0, 12, 12, 128, 5308416, 10616832);
    CHECK_ROW(run.out, "  conv 3x3, 128->256 ", 0, 10, 10, 256, 58982400, 117964800, 1356800, 43.47);
    CHECK_ROW(run.out, "  dense 6400->128 ", 0, 128, 1638400, 3276800, 3303424);
    CHECK_ROW(run.out, "  dense 128->10 ", 0, 10, 2560, 5120);
    const char *step2 = text_from(run.out, "Step 2.");
    CHECK_ROW(step2, "  total ", 0, 66117440, 132020608);
    CHECK_NUMBER(step2, "forward + backward =", 198138048, 0);
    CHECK_ROW(step2, "One layer, conv 3x3, 128->256, does", 0, 176947200, 89.3);
    CHECK_NUMBER(step2, "That is", 183, 0);
    CHECK_ROW(step2, "layer holds", 0, 72, 1134426);               /* lesson 03's Keras total */
    CHECK_NUMBER(step2, "The three convolutions together:", 97.4, 0);
    /* without the first pooling: 2 * 128 * 26*26 * 3*3*16 */
    CHECK_ROW(step2, "and do", 0, 24920064, 5308416, 4.7);
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
    /* measured, so only their sign is known: a peak, a bandwidth, and ridge = peak / bandwidth */
    CHECK(number_after(run.out, "FMA peak, 1 thread:") > 0);
    double peak = number_after(run.out, "FMA peak, 2 threads:");
    double bandwidth = number_after(run.out, "copy bandwidth, 2 threads:");
    CHECK(peak > 0 && bandwidth > 0);
    double ridge[3];
    CHECK_INT(numbers_after(run.out, "ridge point, peak / bandwidth =", ridge, 3), 3);
    CHECK_NEAR(ridge[0], peak, 0);
    CHECK_NEAR(ridge[1], bandwidth, 0);
    /* both printed to 0.1: the ratio of the unrounded figures is known to that much */
    CHECK_NEAR(ridge[2], peak / bandwidth, 0.051 + peak / bandwidth * (0.051 / peak + 0.051 / bandwidth));
    /* a row for each of lesson 10's 4 layers and the slides' 3 convolutions and 2 dense layers */
    CHECK_INT(table_rows_between("Step 3.", "Step 4.", "-bound"), 4 + 5);
}

/* Lesson 01's 3x4 image and 2x2 filter: cols (4 taps x 6 positions), and the filter row times it. */
static void test_im2col_of_lesson01(void)
{
    CHECK_ROW(run.out, "cols (4 taps x 6 positions):", 0, 5, 2, 2, 3, 1, 2, 2, 2, 3, 1, 2, 1, 3, 1, 2, 9, 0, 4,
              1, 2, 1, 0, 4, 5);
    CHECK_ROW(run.out, "W (1x4) x cols (4x6) =", 0, 6, 5, 6, -4, 5, 0);
    CHECK_ROW(run.out, "lesson 01's output map", 0, 6, 5, 6, -4, 5, 0);
    /* W (C_out x C_in*k*k) x cols (C_in*k*k x positions), one image then a batch of 128 */
    CHECK_ROW(run.out, "conv 3x3, 128->256       W (", 0, 256, 1152, 1152, 100, 128, 256, 1152, 1152, 12800);
    CHECK_ROW(run.out, "conv 5x5, 1->16          W (", 0, 16, 25, 25, 576, 128, 16, 25, 25, 73728);
}

/* Every row of the ladder is there, and each version computes the naive loop's C
 * (float rounding only: the last column, a relative difference, is tiny). */
static void test_gemm_ladder(void)
{
    static const char *const rows[] = { "  1 naive i-j-p", "  2 loop order i-p-j", "  3 + cache blocks",
                                        "  4 + packing", "  5 + threads" };
    for (int i = 0; i < 5; i++) {
        CHECK(output_line(rows[i])[0] != '\0');
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
    CHECK_CONTAINS(run.out, "build/lessons/10_mnist --epochs 1 --engine naive");   /* a command to run */
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
