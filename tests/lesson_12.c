/* tests/lesson_12.c: lesson 12's program (the deeper network's trainer),
 * with NO real data: the values it prints, not its wording.
 *
 *   - --summary: Doshi's Keras table, row by row (name, shape, parameters)
 *     and its total, and the even kernel's asymmetric 'same' padding;
 *     --net small: lesson 10's table, and step 2's scores, the same as
 *     lesson 10's hand-wired network;
 *   - a tiny synthetic data set in MNIST's format trains for 2 epochs with a
 *     small network that has two dropout layers: the dropout step's numbers,
 *     the loss before training, finite per-epoch lines, the history file,
 *     the report of the digits it gets wrong;
 *   - the same numbers and the same model file with 1, 2 and 3 threads
 *     (dropout's masks included), and with SGD;
 *   - --save, then --load --epochs 0: the same test loss and accuracy;
 *     build/predict on the saved model (format version 2), against the
 *     library's own forward pass;
 *   - a bad --net: one line, exit status 1; bad flags: one line, status 2. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "mnist.h"
#include "model_file.h"
#include "sequential.h"
#include "tensor.h"

#define ROWS 28
#define COLS 28
#define PIXELS (ROWS * COLS)
#define N_TRAIN 200
#define N_TEST 100
#define CLASSES 10
/* Two dropout layers: 13x13x8 = 1352 numbers and 32 numbers per image. */
#define NET "conv 8 3, relu, maxpool 2, dropout 0.25, flatten, dense 32, relu, dropout 0.5, dense 10"
#define TRAIN_FLAGS "--net '" NET "' --epochs 2 --batch 16"

static char scratch[512];         /* $BUILD_DIR/tmp/lesson_12 */
static char data_dir[600];        /* the synthetic data set */
static char model[600];           /* the model the first run saved */
static program_result first_run;  /* 2 epochs, 2 threads, saved */

/* ---------------------------------------------------------------- the synthetic data set */

static void path_in(char *out, size_t size, const char *dir, const char *name)
{
    snprintf(out, size, "%s/%s", dir, name);
}

/* ---------------------------------------------------------------- running and reading */

static program_result lesson(const char *args)
{
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "%s/lessons/12_deeper --progress none --data '%s' %s", build_dir(), data_dir, args);
    return run_program(cmd);
}

/* One row of the Keras table: "name (Type)   (None, h, w, c)   params". */
typedef struct {
    char name[64];
    long shape[3];
    int dims;
    long params;
} table_row;

/* The rows of the summary in text (lines with "(None,"); returns how many. */
static int read_table(const char *text, table_row *rows, int max)
{
    int n = 0;
    for (const char *at = text ? strstr(text, "(None,") : NULL; at && n < max; at = strstr(at + 1, "(None,")) {
        const char *start = at, *close = strchr(at, ')'), *eol = strchr(at, '\n');
        while (start > text && start[-1] != '\n')
            start--;
        if (!close || !eol)
            break;
        table_row *r = &rows[n++];
        sscanf(start, "%63s", r->name);
        r->dims = integers_in(at, close, r->shape, 3);
        long last[8];
        int k = integers_in(close, eol, last, 8);
        r->params = k > 0 ? last[k - 1] : -1;
    }
    return n;
}

/* One "Epoch k/n" line's numbers: 1 when the line is there. */
typedef struct {
    double loss, accuracy, val_loss, val_accuracy;   /* the held-out (validation) images' */
} epoch_line;

static int read_epoch(const char *text, int epoch, int epochs, epoch_line *e)
{
    char prefix[32], line[512];
    snprintf(prefix, sizeof prefix, "Epoch %2d/%d", epoch, epochs);
    line_with(text, prefix, line, sizeof line);
    return line[0] && sscanf(line, "Epoch %*d/%*d loss %lf accuracy %lf val_loss %lf val_accuracy %lf", &e->loss,
                             &e->accuracy, &e->val_loss, &e->val_accuracy) == 4;
}

static int files_equal(const char *a, const char *b)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "cmp -s '%s' '%s'", a, b);
    return shell_ok(cmd);
}

/* ---------------------------------------------------------------- the tables */

static void check_rows(const char *text, const table_row *expected, int n, long total)
{
    table_row rows[SEQ_MAX_LAYERS + 4];
    int got = read_table(text, rows, SEQ_MAX_LAYERS + 4);
    long sum = 0;
    CHECK_INT(got, n);
    for (int i = 0; i < got && i < n; i++) {
        int same = strcmp(rows[i].name, expected[i].name) == 0 && rows[i].dims == expected[i].dims
                && rows[i].params == expected[i].params;
        for (int d = 0; d < expected[i].dims && same; d++)
            same = rows[i].shape[d] == expected[i].shape[d];
        if (!same)
            printf("  row %d: expected %s %ld, got %s with %d dims, %ld parameters\n", i + 1, expected[i].name,
                   expected[i].params, rows[i].name, rows[i].dims, rows[i].params);
        CHECK(same);
        sum += rows[i].params;
    }
    CHECK_INT(sum, total);                                           /* the rows add up to the total */
    long printed[1];
    const char *at = strstr(text, "Total params: ");
    CHECK(at && integers_in(at, strchr(at, '\n'), printed, 1) == 1 && printed[0] == total);
}

/* Doshi's slides, line by line: 80, 18,560, 295,168, 819,328, 1,290; 1,134,426. */
static void test_summary_is_doshis_table(void)
{
    static const table_row slides[] = {
        { "conv2d", { 28, 28, 16 }, 3, 80 },        { "max_pooling2d", { 14, 14, 16 }, 3, 0 },
        { "conv2d_1", { 12, 12, 128 }, 3, 18560 },  { "conv2d_2", { 10, 10, 256 }, 3, 295168 },
        { "max_pooling2d_1", { 5, 5, 256 }, 3, 0 }, { "dropout", { 5, 5, 256 }, 3, 0 },
        { "flatten", { 6400 }, 1, 0 },              { "dense", { 128 }, 1, 819328 },
        { "dropout_1", { 128 }, 1, 0 },             { "dense_1", { 10 }, 1, 1290 },
        { "activation", { 10 }, 1, 0 },
    };
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "%s/lessons/12_deeper --summary --data '%s/no such directory'", build_dir(), scratch);
    program_result r = run_program(cmd);                             /* no data needed */
    CHECK_INT(r.exit_code, 0);
    check_rows(r.out, slides, 11, 1134426);
    long pads[6];                                                    /* 0 before, 1 after; 28x28 stays 28x28 */
    const char *at = strstr(r.out, "pads ");
    int n = at ? integers_in(at, end_of_lines(at, 2), pads, 6) : 0;
    CHECK(n == 6 && pads[0] == 0 && pads[1] == 1 && pads[2] == 28 && pads[4] == 28);
    program_result_free(&r);
}

/* --net small: lesson 10's table (416 + 23,050 = 23,466). */
static void test_small_is_lesson_10s_table(void)
{
    static const table_row lesson10[] = {
        { "conv2d", { 24, 24, 16 }, 3, 416 }, { "max_pooling2d", { 12, 12, 16 }, 3, 0 },
        { "flatten", { 2304 }, 1, 0 },        { "dense", { 10 }, 1, 23050 },
    };
    program_result r = lesson("--net small --summary");
    CHECK_INT(r.exit_code, 0);
    check_rows(r.out, lesson10, 4, 23466);
    program_result_free(&r);
}

/* The ten scores of a row of step 2 ("  lesson 10, by hand  -0.0412 ..."). */
static int read_scores(const char *text, const char *name, double *scores)
{
    char line[512];
    line_with(text, name, line, sizeof line);
    const char *at = line + strlen(name) + 2;
    if (!line[0])
        return 0;
    for (int c = 0; c < CLASSES; c++) {
        char *end;
        scores[c] = strtod(at, &end);
        if (end == at)
            return 0;
        at = end;
    }
    return 1;
}

/* Step 2: the list "small" gives lesson 10's scores, to the last printed
 * digit with the direct loops, to float rounding with im2col + GEMM. */
static void test_the_list_computes_what_lesson_10_computes(void)
{
    double by_hand[CLASSES], direct[CLASSES], gemm[CLASSES];
    CHECK(read_scores(first_run.out, "lesson 10, by hand", by_hand));
    CHECK(read_scores(first_run.out, "the list, direct loops", direct));
    CHECK(read_scores(first_run.out, "the list, im2col + GEMM", gemm));
    double spread = 0;
    for (int c = 0; c < CLASSES; c++) {
        CHECK(direct[c] == by_hand[c]);
        CHECK_NEAR(gemm[c], by_hand[c], 2e-4);
        spread = fmax(spread, fabs(by_hand[c] - by_hand[0]));
    }
    CHECK(spread > 0.01);                                            /* ten different scores, not a constant */
    double diff[2] = { NAN, NAN };                                   /* direct loops, im2col + GEMM */
    const char *at = strstr(first_run.out, "largest difference from lesson 10: ");
    CHECK(at && reals_in(strchr(at, ':'), end_of_lines(at, 1), diff, 2) == 2);
    CHECK(diff[0] == 0);
    CHECK(diff[1] >= 0 && diff[1] < 1e-4);
}

/* ---------------------------------------------------------------- training with dropout */

/* Step 4: each dropout layer keeps 1 - rate of its numbers and scales them
 * by 1 / (1 - rate): its two lines' numbers, in order, are the rate, the
 * numbers per image, 1 - rate, ..., the scale. */
static void test_dropout_step(void)
{
    static const double rates[2] = { 0.25, 0.5 };
    static const long sizes[2] = { 1352, 32 };
    const char *at = strstr(first_run.out, "Step 4.");              /* (the spec says "dropout" too) */
    for (int i = 0; i < 2; i++) {
        at = at ? strstr(at, ", dropout ") : NULL;
        CHECK(at != NULL);
        if (!at)
            return;
        double v[8];
        int n = reals_in(at, end_of_lines(at, 2), v, 8);
        CHECK(n >= 4);
        if (n < 4)
            return;
        CHECK_NEAR(v[0], rates[i], 1e-12);
        CHECK_NEAR(v[1], sizes[i], 0);
        CHECK_NEAR(v[2], 1 - rates[i], 1e-12);
        CHECK_NEAR(v[n - 1], 1 / (1 - rates[i]), 1e-3);
        at++;
    }
}

static void test_trains_and_reports(void)
{
    CHECK_INT(first_run.exit_code, 0);
    double initial = number_after(first_run.out, "mean loss on the first 184 training images: ");
    CHECK(initial > 2.0 && initial < 2.6);                           /* near ln 10 = 2.3026 */
    epoch_line e[2];
    CHECK(read_epoch(first_run.out, 1, 2, &e[0]) && read_epoch(first_run.out, 2, 2, &e[1]));
    for (int k = 0; k < 2; k++) {
        CHECK(isfinite(e[k].loss) && e[k].loss > 0 && isfinite(e[k].val_loss) && e[k].val_loss > 0);
        CHECK(e[k].accuracy >= 0 && e[k].accuracy <= 1 && e[k].val_accuracy >= 0 && e[k].val_accuracy <= 1);
    }
    CHECK(e[1].val_loss < initial);                                  /* it learned */
    CHECK(e[1].val_accuracy >= 0.8);                                 /* ten well-separated squares */
    CHECK(e[0].accuracy < e[0].val_accuracy);                        /* dropout on while training (notes 12) */
    double test_loss = number_after(first_run.out, "Test loss: ");  /* the test set: once, at the end */
    CHECK(isfinite(test_loss) && test_loss < initial);
    CHECK(number_after(first_run.out, "Test accuracy: ") >= 0.8);
}

/* Each digit it gets wrong: the answer printed is the first of its top 3,
 * the probabilities in decreasing order. */
static void test_mistakes_show_the_networks_answer(void)
{
    int shown = 0;
    for (const char *at = strstr(first_run.out, "the label says "); at; at = strstr(at + 1, "the label says ")) {
        int label, answer, top[3];
        double p[3];
        int n = sscanf(at, "the label says %d, the network says %d (top 3: %d %lf, %d %lf, %d %lf)", &label, &answer,
                       &top[0], &p[0], &top[1], &p[1], &top[2], &p[2]);
        CHECK_INT(n, 8);
        CHECK(label != answer);
        CHECK_INT(top[0], answer);
        CHECK(p[0] >= p[1] && p[1] >= p[2]);
        shown++;
    }
    CHECK(shown > 0 || strstr(first_run.out, "every test image is classified right"));
}

static void test_history_file(void)
{
    char path[700];
    path_in(path, sizeof path, scratch, "history.csv");
    char *csv = read_text_file(path);
    CHECK(csv != NULL);
    if (!csv)
        return;
    CHECK(strncmp(csv, "epoch,train_loss,train_acc,val_loss,val_acc,seconds,lr\n1,", 57) == 0);
    CHECK_INT(count_lines_containing(csv, ","), 3);                  /* the header and two epochs */
    double loss, acc, val_loss_csv, val_acc_csv, lr;
    epoch_line e;
    const char *row = strstr(csv, "\n2,");
    CHECK(row && sscanf(row, "\n2,%lf,%lf,%lf,%lf,%*f,%lf", &loss, &acc, &val_loss_csv, &val_acc_csv, &lr) == 5);
    if (row && read_epoch(first_run.out, 2, 2, &e)) {
        CHECK_NEAR(val_acc_csv, e.val_accuracy, 1e-4);
        CHECK_NEAR(val_loss_csv, e.val_loss, 1e-4);
        CHECK_NEAR(lr, 0.001 * 0.7, 1e-9);                           /* the default decay, after one epoch */
    }
    free(csv);
}

/* ---------------------------------------------------------------- the same numbers */

static void check_same_run(const program_result *r, const char *saved, const char *what)
{
    epoch_line a, b;
    CHECK_INT(r->exit_code, 0);
    for (int k = 1; k <= 2; k++) {
        int both = read_epoch(first_run.out, k, 2, &a) && read_epoch(r->out, k, 2, &b);
        int same = both && a.loss == b.loss && a.accuracy == b.accuracy && a.val_loss == b.val_loss
                && a.val_accuracy == b.val_accuracy;
        if (!same)
            printf("  %s: epoch %d differs from the 2-thread run\n", what, k);
        CHECK(same);
    }
    if (!files_equal(model, saved))
        printf("  %s: the saved model differs from the 2-thread run's\n", what);
    CHECK(files_equal(model, saved));                                /* every parameter, bit for bit */
}

static void test_same_numbers_for_any_thread_count(void)
{
    static const char *threads[2] = { "1", "3" };
    for (int i = 0; i < 2; i++) {
        char saved[700], args[2048], what[32];
        snprintf(what, sizeof what, "threads %s", threads[i]);
        path_in(saved, sizeof saved, scratch, i == 0 ? "one_thread.model" : "three_threads.model");
        snprintf(args, sizeof args, TRAIN_FLAGS " --threads %s --save '%s'", threads[i], saved);
        program_result r = lesson(args);
        check_same_run(&r, saved, what);
        program_result_free(&r);
    }
}

/* SGD with momentum trains too, and dropout's masks differ with the seed. */
static void test_sgd_and_another_seed(void)
{
    epoch_line a, b;
    program_result r = lesson(TRAIN_FLAGS " --optimizer sgd --lr 0.05");
    CHECK_INT(r.exit_code, 0);
    CHECK(read_epoch(r.out, 2, 2, &a) && a.val_loss < 2.3);
    program_result_free(&r);
    r = lesson(TRAIN_FLAGS " --seed 2");
    CHECK_INT(r.exit_code, 0);
    CHECK(read_epoch(r.out, 1, 2, &a) && read_epoch(first_run.out, 1, 2, &b) && a.loss != b.loss);
    program_result_free(&r);
}

/* The last N training images held out: named, the same for every seed,
 * never trained on (the images trained on stop before them, whatever
 * --limit asks), scored every epoch; --validation 0 holds none out. */
static void test_validation_split(void)
{
    CHECK_CONTAINS(first_run.out, "validation: the last 16 training images (185 to 200) held out");
    CHECK_INT(count_lines_containing(first_run.out, "val_accuracy "), 2);
    CHECK_INT(count_lines_containing(first_run.out, "Test accuracy: "), 1);
    program_result a = lesson("--net '" NET "' --epochs 1 --batch 16 --validation 40 --limit 5000");
    program_result b = lesson("--net '" NET "' --epochs 1 --batch 16 --validation 40 --seed 9");
    program_result none = lesson("--net '" NET "' --epochs 1 --batch 16 --validation 0");
    CHECK_INT(a.exit_code, 0);
    CHECK_INT(b.exit_code, 0);
    CHECK_INT(none.exit_code, 0);
    CHECK_NEAR(number_after(a.out, "(using "), 160, 0);               /* 200 - 40, not --limit's 5000 */
    CHECK_NEAR(number_after(a.out, "epochs of "), 160, 0);
    CHECK_CONTAINS(a.out, "validation: the last 40 training images (161 to 200) held out");
    CHECK_CONTAINS(b.out, "validation: the last 40 training images (161 to 200) held out");
    CHECK_NEAR(number_after(none.out, "(using "), 200, 0);
    CHECK(strstr(none.out, "val_accuracy") == NULL);
    program_result_free(&a);
    program_result_free(&b);
    program_result_free(&none);
}

/* ---------------------------------------------------------------- model files */

static void test_save_then_load(void)
{
    char args[1024], line[512];
    snprintf(args, sizeof args, "--epochs 0 --load '%s'", model);
    program_result r = lesson(args);
    CHECK_INT(r.exit_code, 0);
    line_with(r.out, "loaded ", line, sizeof line);
    CHECK_CONTAINS(line, NET);                                       /* the layers come from the file */
    CHECK_NEAR(number_after(r.out, "Test accuracy: "), number_after(first_run.out, "Test accuracy: "), 0);
    CHECK_NEAR(number_after(r.out, "Test loss: "), number_after(first_run.out, "Test loss: "), 0);
    program_result_free(&r);
}

/* The saved model's probabilities for test image 0, by the library (double). */
static int library_probabilities(double *probs)
{
    sequential m;
    real *params = NULL, *stats = NULL, x[PIXELS];
    image_set images;
    char err[512], path[700];
    path_in(path, sizeof path, data_dir, "t10k-images-idx3-ubyte");
    if (sequential_load(model, &m, &params, &stats, err, sizeof err) != 0 || idx_read_images(path, &images, err,
                                                                                          sizeof err) != 0) {
        printf("  %s\n", err);
        free(params);
        free(stats);
        return 0;
    }
    images_to_real(&images, 0, 1, x);
    image_set_free(&images);
    sequential_batch b;
    sequential_batch_alloc(&m, 1, &b);
    sequential_model net = { &m, params, stats, ENGINE_NAIVE, 0, 0, 0, 0 };   /* test mode */
    const real *p = sequential_probabilities(&net, &b, x, 1, 0);
    for (int c = 0; c < CLASSES; c++)
        probs[c] = (double)p[c];
    sequential_batch_free(&b);
    free(params);
    free(stats);
    return 1;
}

/* build/predict runs the deeper network's model file (version 2) as it runs
 * lesson 10's: the ten probabilities of test image 0 as the library
 * computes them (float against double: 1e-4), and the answer. */
static void test_predict_runs_a_version_2_model(void)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "%s/predict '%s' --test-index 0 --data '%s'", build_dir(), model, data_dir);
    program_result r = run_program(cmd);
    CHECK_INT(r.exit_code, 0);
    double expected[CLASSES], printed[CLASSES];
    int best = 0, n = 0;
    CHECK(library_probabilities(expected));
    const char *at = strstr(r.out, "outputs of the final layer");
    for (int c = 0; at && c < CLASSES; c++) {
        char row[32];
        snprintf(row, sizeof row, "\n  %d  ", c);
        at = strstr(at, row);
        n += at && sscanf(at + strlen(row), "%lf", &printed[c]) == 1;
    }
    CHECK_INT(n, CLASSES);
    for (int c = 0; c < n; c++) {
        CHECK_NEAR(printed[c], expected[c], 1e-4);
        best = expected[c] > expected[best] ? c : best;
    }
    CHECK_INT((long)number_after(r.out, "the network says: "), best);
    program_result_free(&r);
}

/* ---------------------------------------------------------------- mistakes */

static void test_bad_nets(void)
{
    static const char *cases[][2] = {
        { "conv 8 3, relu, maxpool 3, flatten, dense 10", "item 3 'maxpool 3'" },   /* 26x26 in 3x3 windows */
        { "conv 8 3, dropout 1, flatten, dense 10", "item 2 'dropout 1'" },         /* nothing would be kept */
        { "conv 8 3, relu", "'dense N'" },                                            /* not a classifier */
        { "conv 8 3, relu, pool 2, flatten, dense 10", "unknown layer 'pool'" },
        { "doshy", "item 1 'doshy'" },
        { "", "item 1" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        for (int summary = 0; summary < 2; summary++) {
            char args[512];
            snprintf(args, sizeof args, "--net '%s'%s", cases[i][0], summary ? " --summary" : "");
            program_result r = lesson(args);
            check_one_line_failure(&r, 1, "--net: ", args);
            CHECK_CONTAINS(r.err, cases[i][1]);
            CHECK(strstr(r.out, "Epoch") == NULL);
            program_result_free(&r);
        }
    }
}

static void test_bad_flags(void)
{
    static const char *cases[][2] = {
        { "--batch 0", "--batch '0'" },
        { "--batch many", "--batch 'many'" },
        { "--optimizer rmsprop", "--optimizer 'rmsprop'" },
        { "--lr-decay 2", "--lr-decay '2'" },
        { "--lr -1", "--lr '-1'" },
        { "--epochs -1", "--epochs '-1'" },
        { "--threads 0", "--threads '0'" },
        { "--shift 9", "--shift '9'" },
        { "--engine turbo", "--engine 'turbo'" },
        { "--net", "--net needs a value" },
        { "--bogus", "unknown option '--bogus'" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        program_result r = lesson(cases[i][0]);
        check_one_line_failure(&r, 2, cases[i][1], cases[i][0]);
        program_result_free(&r);
    }
    program_result r = lesson("--help");
    CHECK_INT(r.exit_code, 0);
    static const char *flags[] = { "--net", "--summary", "--batch", "--optimizer", "--lr", "--lr-decay", "--shift",
                                   "--seed", "--threads", "--save", "--load", "--history" };
    for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++)
        CHECK_CONTAINS(r.out, flags[i]);
    program_result_free(&r);
}

int main(void)
{
    char args[2048], history[700], cmd[1400];
    snprintf(scratch, sizeof scratch, "%s/tmp/lesson_12", build_dir());
    path_in(data_dir, sizeof data_dir, scratch, "data");
    path_in(model, sizeof model, scratch, "dropout.model");
    path_in(history, sizeof history, scratch, "history.csv");
    snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s'", scratch, data_dir);
    CHECK(shell_ok(cmd));
    write_synthetic_mnist(data_dir, N_TRAIN, N_TEST);      /* tests/harness.h */
    snprintf(args, sizeof args, TRAIN_FLAGS " --threads 2 --save '%s' --history '%s'", model, history);
    first_run = lesson(args);
    if (first_run.exit_code != 0)
        printf("the trainer failed:\n%s\n%s\n", first_run.out, first_run.err);

    RUN_TEST(test_summary_is_doshis_table);
    RUN_TEST(test_small_is_lesson_10s_table);
    RUN_TEST(test_the_list_computes_what_lesson_10_computes);
    RUN_TEST(test_dropout_step);
    RUN_TEST(test_trains_and_reports);
    RUN_TEST(test_mistakes_show_the_networks_answer);
    RUN_TEST(test_history_file);
    RUN_TEST(test_same_numbers_for_any_thread_count);
    RUN_TEST(test_sgd_and_another_seed);
    RUN_TEST(test_validation_split);
    RUN_TEST(test_save_then_load);
    RUN_TEST(test_predict_runs_a_version_2_model);
    RUN_TEST(test_bad_nets);
    RUN_TEST(test_bad_flags);
    program_result_free(&first_run);
    return harness_finish();
}
