/* tests/lesson_15.c: lesson 15's experiments, with NO real data: values,
 * not wording.
 *
 *   (the statistics of src/stats.h and the tables and CSV of
 *   src/experiment.h are tested on values in tests/unit_stats.c);
 *   - convolution is equivariant, exactly: on a synthetic image, the maps of
 *     the image moved by (dy, dx) and moved back agree to the last bit
 *     wherever both exist (and do not agree in place), and so do 2x2 max
 *     pooling's maps after a move by 2;
 *   - every experiment runs on a tiny synthetic data set in MNIST's format
 *     (--quick --seeds 1 --max-epochs 1), prints its eight steps, finds the
 *     equivariance gap 0 in every row of its table, and writes its CSV;
 *   - one experiment with 2 seeds: the CSV's columns, each run's rows, and
 *     the table cells' mean and sample standard deviation computed from them;
 *   - the same numbers twice, and with 1 and 3 threads (dropout's masks and
 *     batchnorm's statistics included);
 *   - bad flags: one line, exit status 2; a missing data directory: one
 *     line, status 1. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conv.h"
#include "harness.h"
#include "mnist.h"
#include "pool.h"
#include "rng.h"
#include "stats.h"
#include "tensor.h"
#include "training.h"

#define ROWS 28
#define COLS 28
#define PIXELS (ROWS * COLS)
#define N_TRAIN 200
#define N_TEST 100
#define CLASSES 10
#define SMOKE "--quick --seeds 1 --max-epochs 1"

static char scratch[512];          /* $BUILD_DIR/tmp/lesson_15 */
static char data_dir[600];         /* the synthetic data set */
static char all_csv[600];          /* every experiment's CSV, from the smoke run */
static program_result smoke_run;   /* every experiment, 2 threads */

/* ---------------------------------------------------------------- the synthetic data set */

static void path_in(char *out, size_t size, const char *dir, const char *name)
{
    snprintf(out, size, "%s/%s", dir, name);
}

/* ---------------------------------------------------------------- running and reading */

static program_result lesson(const char *args)
{
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "%s/lessons/15_claims --data '%s' %s", build_dir(), data_dir, args);
    return run_program(cmd);
}

/* The CSV lines of `text` that begin with `prefix` and do not measure time
 * (seconds differ from run to run), in order, as one string (free it). */
static char *timeless_lines(const char *text, const char *prefix)
{
    size_t n = text ? strlen(text) : 0, used = 0;
    char *out = calloc(n + 1, 1);
    for (const char *line = text; out && line && *line;) {
        const char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line + 1) : strlen(line);
        char one[512];
        snprintf(one, sizeof one, "%.*s", (int)(len < sizeof one ? len : sizeof one - 1), line);
        if (strncmp(one, prefix, strlen(prefix)) == 0 && !strstr(one, "seconds")) {
            memcpy(out + used, line, len);
            used += len;
        }
        line += len;
    }
    return out;
}

/* The value of the CSV row "experiment,variant,seed,x,measure," in csv, or NAN. */
static double csv_value(const char *csv, const char *experiment, const char *variant, const char *seed,
                        const char *x, const char *measure)
{
    char key[256];
    snprintf(key, sizeof key, "\n%s,%s,%s,%s,%s,", experiment, variant, seed, x, measure);
    const char *at = csv ? strstr(csv, key) : NULL;
    return at ? strtod(at + strlen(key), NULL) : NAN;
}

/* ---------------------------------------------------------------- equivariance */

/* The largest |moved[c][y][x] - map[c][y - dy][x - dx]| where both exist. */
static double moved_back_gap(const real *map, const real *moved, int c, int h, int w, int dy, int dx, long *n)
{
    double gap = 0;
    *n = 0;
    for (int k = 0; k < c; k++)
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                int fy = y - dy, fx = x - dx;
                if (fy < 0 || fy >= h || fx < 0 || fx >= w)
                    continue;
                gap = fmax(gap, fabs(moved[(k * h + y) * w + x] - map[(k * h + fy) * w + fx]));
                (*n)++;
            }
    return gap;
}

/* A 20x20 image of noise (nothing black, so the border matters), a conv
 * layer of 3 filters 5x5 with biases: moved by (dy, dx) and moved back, the
 * maps agree exactly where both exist; in place they differ. */
static void test_convolution_is_equivariant_exactly(void)
{
    enum { H = 20, W = 20, C = 3, K = 5, O = H - K + 1 };
    static const int shifts[][2] = { { 0, 1 }, { 2, -3 }, { -4, 0 }, { 1, 1 } };
    unsigned char pixels[H * W];
    image_set image = { 1, H, W, pixels };
    rng_t r = rng_seeded(42);
    for (int i = 0; i < H * W; i++)
        pixels[i] = (unsigned char)(1 + rng_below(&r, 255));
    conv2d_shape s;
    CHECK(conv2d_setup(&s, 1, H, W, C, K, 1, 0) == 0);
    real w[C * K * K], b[C] = { 0.1, -0.2, 0.3 }, x[H * W], moved[H * W], map[C * O * O], moved_map[C * O * O];
    for (int i = 0; i < C * K * K; i++)
        w[i] = rng_uniform_range(&r, -1, 1);
    moved_image(&image, 0, 0, 0, x);
    conv2d_forward(&s, x, w, b, map);
    for (size_t k = 0; k < sizeof shifts / sizeof shifts[0]; k++) {
        int dy = shifts[k][0], dx = shifts[k][1];
        long n, all;
        moved_image(&image, 0, dy, dx, moved);
        conv2d_forward(&s, moved, w, b, moved_map);
        CHECK(moved_back_gap(map, moved_map, C, O, O, dy, dx, &n) == 0);         /* exactly */
        CHECK_INT(n, (long)C * (O - abs(dy)) * (O - abs(dx)));
        CHECK(moved_back_gap(map, moved_map, C, O, O, 0, 0, &all) > 0.1);        /* the map moved */
        CHECK_INT(all, (long)C * O * O);
    }
    /* 2x2 max pooling after it: moved by 2, the pooled maps move by 1, exactly. */
    pool2d_shape ps;
    CHECK(pool2d_setup(&ps, C, O, O, 2, 2) == 0);
    real pooled[C * 8 * 8], pooled_moved[C * 8 * 8];
    int argmax[C * 8 * 8];
    long n;
    moved_image(&image, 0, 2, 0, moved);
    conv2d_forward(&s, moved, w, b, moved_map);
    maxpool2d_forward(&ps, map, pooled, argmax);
    maxpool2d_forward(&ps, moved_map, pooled_moved, argmax);
    CHECK(moved_back_gap(pooled, pooled_moved, C, 8, 8, 1, 0, &n) == 0);
    CHECK_INT(n, C * 7 * 8);
}

/* ---------------------------------------------------------------- the program */

/* Every experiment: its eight steps, the equivariance table's zeros, its CSV. */
static void test_every_experiment_runs(void)
{
    CHECK_INT(smoke_run.exit_code, 0);
    if (smoke_run.exit_code != 0)
        printf("  stderr: %s\n", smoke_run.err);
    for (int k = 1; k <= 8; k++) {
        char step[32];
        snprintf(step, sizeof step, "\nStep %d. ", k);
        CHECK_CONTAINS(smoke_run.out, step);
    }
    int rows = 0;
    for (const char *at = strstr(smoke_run.out, "\n| test digit 0 |"); at; at = strstr(at + 1, "\n| ")) {
        double moved_back = -1, in_place = -1;
        if (strncmp(at, "\n| test digit 0 |", 17) != 0 && strncmp(at, "\n| noise |", 10) != 0)
            break;                                                   /* the end of the table */
        int fields = sscanf(at + 1, "| %*[^|]| %*[^|]| %*[^|]| %lf | %lf |", &moved_back, &in_place);
        CHECK_INT(fields, 2);
        CHECK(moved_back == 0);                                      /* exactly, every row */
        CHECK(in_place > 0);
        rows++;
    }
    CHECK_INT(rows, 10);                                             /* 5 shifts x (digit, noise) */
    CHECK_CONTAINS(smoke_run.out, "moved back by 1, differ by at most 0 (");
    /* --seeds 1 --max-epochs 1: one of each, never "1 epochs" (newcomer review) */
    static const char *plurals[] = { " 1 epochs", " 1 seeds", "(1 seeds", " 1 threads" };
    for (size_t i = 0; i < sizeof plurals / sizeof plurals[0]; i++)
        CHECK(strstr(smoke_run.out, plurals[i]) == NULL);
    char *csv = read_text_file(all_csv);
    CHECK(csv != NULL);
    CHECK(csv && strncmp(csv, "experiment,variant,seed,x,measure,value\n", 40) == 0);
    static const char *names[] = { "relu-tanh", "pooling", "stacked-3x3", "dense-cnn", "translation", "overlap",
                                   "dropout", "batchnorm" };
    for (size_t i = 0; csv && i < sizeof names / sizeof names[0]; i++) {
        char start[64];
        snprintf(start, sizeof start, "\n%s,", names[i]);
        CHECK_CONTAINS(csv, start);
    }
    /* Every line has six fields. */
    int bad = 0;
    for (const char *line = csv ? strchr(csv, '\n') : NULL; line && line[1]; line = strchr(line + 1, '\n')) {
        int commas = 0;
        for (const char *c = line + 1; *c && *c != '\n'; c++)
            commas += *c == ',';
        bad += commas != 5;
    }
    CHECK_INT(bad, 0);
    free(csv);
}

/* One experiment, two seeds: each run's rows, and the cells computed from them. */
static void test_the_csv_of_one_experiment(void)
{
    char csv_path[700], args[1024];
    path_in(csv_path, sizeof csv_path, scratch, "pooling.csv");
    snprintf(args, sizeof args, "--quick --experiment pooling --seeds 2 --csv '%s'", csv_path);
    program_result r = lesson(args);
    CHECK_INT(r.exit_code, 0);
    char *csv = read_text_file(csv_path);
    CHECK(csv != NULL);
    static const char *variants[2] = { "max pooling", "average pooling" };
    for (int v = 0; v < 2 && csv; v++) {
        double e1 = csv_value(csv, "pooling", variants[v], "1", "3", "test_error");   /* after the last epoch */
        double e2 = csv_value(csv, "pooling", variants[v], "2", "3", "test_error");
        CHECK(e1 >= 0 && e1 <= 1 && e2 >= 0 && e2 <= 1);
        CHECK_NEAR(csv_value(csv, "pooling", variants[v], "mean", "", "test_error"), (e1 + e2) / 2, 1e-5);
        CHECK_NEAR(csv_value(csv, "pooling", variants[v], "sd", "", "test_error"), fabs(e1 - e2) / sqrt(2), 1e-5);
        CHECK_NEAR(csv_value(csv, "pooling", variants[v], "1", "", "parameters"), 5994, 0);
        CHECK_NEAR(csv_value(csv, "pooling", variants[v], "1", "", "diverged"), 0, 0);
        double t1 = csv_value(csv, "pooling", variants[v], "1", "3", "train_error");   /* after the last epoch */
        CHECK(t1 >= 0 && t1 <= 1);
        CHECK(csv_value(csv, "pooling", variants[v], "1", "3", "seconds") > 0);
        /* The table prints the cell: "| max pooling | 5994 | mean ± sd |" in percent. */
        char row[128], expected[64];
        snprintf(row, sizeof row, "| %s | 5994 | ", variants[v]);
        snprintf(expected, sizeof expected, "%.2f ± %.2f", 100 * (e1 + e2) / 2, 100 * fabs(e1 - e2) / sqrt(2));
        const char *at = strstr(r.out, row);
        CHECK(at && strncmp(at + strlen(row), expected, strlen(expected)) == 0);
    }
    free(csv);
    program_result_free(&r);
}

/* The paired line of an experiment run with 2 seeds: the 95% interval
 * printed is the one computed here from the CSV's per-seed errors with
 * t(1) = 12.706, and the verdict is the one it gives. */
static void test_the_printed_interval_and_verdict(void)
{
    char csv_path[700], args[1024];
    path_in(csv_path, sizeof csv_path, scratch, "pooling_1_epoch.csv");
    snprintf(args, sizeof args, "--quick --experiment pooling --seeds 2 --max-epochs 1 --csv '%s'", csv_path);
    program_result r = lesson(args);
    CHECK_INT(r.exit_code, 0);
    char *csv = read_text_file(csv_path);
    CHECK(csv != NULL);
    double d[2];
    for (int s = 0; s < 2; s++) {
        char seed[12];
        snprintf(seed, sizeof seed, "%d", s + 1);
        d[s] = 100 * (csv_value(csv, "pooling", "max pooling", seed, "1", "test_error")
                      - csv_value(csv, "pooling", "average pooling", seed, "1", "test_error"));
    }
    interval95 ci = paired_interval95(d, 2);
    CHECK_INT(ci.n, 2);
    const char *line = strstr(r.out, "test error, max minus average");
    const char *at = line ? strstr(line, "95% interval ") : NULL;
    double lo = NAN, hi = NAN;
    CHECK(at && sscanf(at + 13, "%lf to %lf", &lo, &hi) == 2);
    CHECK_NEAR(lo, ci.lo, 0.006);                                      /* printed to 2 decimals */
    CHECK_NEAR(hi, ci.hi, 0.006);
    CHECK(at && strstr(at, "t(1) = 12.706") != NULL);
    char verdict_line[64];
    snprintf(verdict_line, sizeof verdict_line, "-> max lower: %s\n", verdict_name(verdict_lower(ci)));
    CHECK(line && strstr(line, verdict_line) != NULL);
    free(csv);
    program_result_free(&r);
}

/* Step 7's parameter count, from the network's layers: conv 16 5 has
 * 16 x 25 + 16, dense 128 on 12x12x16 has 2304 x 128 + 128, dense 10 has
 * 128 x 10 + 10 (the lesson once printed 298,714). */
static void test_dropout_network_parameter_count(void)
{
    long conv = 16 * 25 + 16, dense = 12L * 12 * 16 * 128 + 128, last = 128 * 10 + 10;
    const char *at = strstr(smoke_run.out, "one large dense layer (");
    char largest[32] = "", total[32] = "";
    CHECK(at && sscanf(at, "one large dense layer (%31[0-9,] of its %31[0-9,] parameters", largest, total) == 2);
    char expected_total[32], expected_largest[32];
    with_commas(conv + dense + last, expected_total, sizeof expected_total);      /* 296,746 */
    with_commas(dense, expected_largest, sizeof expected_largest);                 /* 295,040 */
    CHECK(strcmp(total, expected_total) == 0);
    CHECK(strcmp(largest, expected_largest) == 0);
}

/* Dropout's masks and batchnorm's statistics: the same numbers twice, and
 * for 1 and 3 threads, as the 2-thread smoke run's. */
static void test_same_numbers_for_any_thread_count(void)
{
    static const char *threads[3] = { "2", "1", "3" };
    char *smoke = read_text_file(all_csv);
    for (int i = 0; i < 3; i++) {
        char csv_path[700], args[1024];
        path_in(csv_path, sizeof csv_path, scratch, "threads.csv");
        snprintf(args, sizeof args, SMOKE " --threads %s --experiment dropout,batchnorm --csv '%s'", threads[i],
                 csv_path);
        program_result r = lesson(args);
        CHECK_INT(r.exit_code, 0);
        CHECK(strstr(r.out, "Step 6.") == NULL && strstr(r.out, "Step 7.") && strstr(r.out, "Step 8."));
        char *mine = read_text_file(csv_path);
        static const char *prefixes[2] = { "dropout,", "batchnorm," };
        for (int k = 0; k < 2; k++) {
            char *a = timeless_lines(smoke, prefixes[k]), *b = timeless_lines(mine, prefixes[k]);
            int same = a && b && strlen(a) > 100 && strcmp(a, b) == 0;
            if (!same)
                printf("  %s threads, %s: the numbers differ from the 2-thread run's\n", threads[i], prefixes[k]);
            CHECK(same);
            free(a);
            free(b);
        }
        free(mine);
        program_result_free(&r);
    }
    free(smoke);
}

static void test_bad_flags(void)
{
    static const char *cases[][2] = {
        { "--experiment relu", "no experiment 'relu'" },
        { "--experiment pooling,dense", "no experiment 'dense'" },
        { "--seeds 0", "--seeds '0'" },
        { "--seeds 21", "--seeds '21'" },
        { "--max-epochs 0", "--max-epochs '0'" },
        { "--threads 0", "--threads '0'" },
        { "--experiment", "--experiment needs a value" },
        { "--bogus", "unknown option '--bogus'" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        program_result r = lesson(cases[i][0]);
        check_one_line_failure(&r, 2, cases[i][1], cases[i][0]);
        CHECK(strstr(r.out, "Step 1.") == NULL);
        program_result_free(&r);
    }
    char args[1024];
    snprintf(args, sizeof args, "--quick --data '%s/no such directory'", scratch);
    program_result r = lesson(args);
    check_one_line_failure(&r, 1, "no such directory", "a missing data directory");
    CHECK(strstr(r.out, "Step 1.") == NULL);
    program_result_free(&r);
    snprintf(args, sizeof args, "--quick --csv '%s/no such directory/x.csv'", scratch);
    r = lesson(args);
    check_one_line_failure(&r, 1, "x.csv", "a CSV file in a missing directory");
    CHECK(strstr(r.out, "Step 1.") == NULL);                         /* before any training */
    program_result_free(&r);
    r = lesson("--help");
    CHECK_INT(r.exit_code, 0);
    static const char *flags[] = { "--quick", "--experiment", "--seeds", "--max-epochs", "--data", "--csv",
                                   "--threads" };
    for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++)
        CHECK_CONTAINS(r.out, flags[i]);
    program_result_free(&r);
}

int main(void)
{
    char cmd[1400], args[1024];
    snprintf(scratch, sizeof scratch, "%s/tmp/lesson_15", build_dir());
    path_in(data_dir, sizeof data_dir, scratch, "data");
    path_in(all_csv, sizeof all_csv, scratch, "all.csv");
    snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s'", scratch, data_dir);
    CHECK(shell_ok(cmd));
    write_synthetic_mnist(data_dir, N_TRAIN, N_TEST);
    snprintf(args, sizeof args, SMOKE " --threads 2 --csv '%s'", all_csv);
    smoke_run = lesson(args);

    RUN_TEST(test_convolution_is_equivariant_exactly);
    RUN_TEST(test_every_experiment_runs);
    RUN_TEST(test_the_csv_of_one_experiment);
    RUN_TEST(test_the_printed_interval_and_verdict);
    RUN_TEST(test_dropout_network_parameter_count);
    RUN_TEST(test_same_numbers_for_any_thread_count);
    RUN_TEST(test_bad_flags);
    program_result_free(&smoke_run);
    return harness_finish();
}
