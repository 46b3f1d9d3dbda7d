/* tests/lesson_16.c: lesson 16 (training fast), with NO real data: the
 * values the library computes and the program prints, not its wording.
 *
 *   - the ingredients in src/speedrun.c: the one-cycle learning rate at
 *     every step of a small cycle; label smoothing's loss (eps 0: lesson
 *     08's) and its gradient against central differences; the weights'
 *     average; Nesterov's step against its formula written out; the
 *     left-right mirror on a hand example, and in training: a task that
 *     only the side of a bar decides is learned without mirrors and not
 *     with them (chance), nor unlearned (every image mirrored: far below);
 *   - the quick recipe on a tiny synthetic data set in MNIST's format,
 *     2 seeds: the line of each seed, the mean and sample sd printed equal to
 *     those of the two (src/stats.h), the network learns (far above chance); the
 *     confusion matrix of the last seed adds up to the test images, its diagonal to the accuracy; the same
 *     numbers with 1 and 3 threads; the ingredients' numbers (step 2);
 *   - the ablation on the same data: eight rows, each a finite mean; the
 *     moves row, already in lesson 10's recipe, is the row above, and so is
 *     the smoothing row of a recipe without smoothing;
 *   - Fashion-MNIST's recipe (--fashion) on the same data with a
 *     classes.txt: it runs with mirrors (the quick recipe without), prints
 *     the ten names, and learns; its step 4 is titled for it;
 *   - the summary of one seed: the mean is its accuracy, no "sd nan";
 *   - a bad --net and an unknown flag: one line, non-zero status;
 *   - --fashion on a folder without the files names make data-fashion, whatever the folder's
 *     name; a --curve that cannot be written (a folder, a missing directory, /dev/full) is
 *     reported before the data are read; a failed run leaves the old curve file as it was,
 *     a good one writes a row per seed and epoch;
 *   - every flag out of range (a batch larger than the training images, a network of 3 class
 *     scores): one line, non-zero status, nothing trained;
 *   - make speedrun QUICK=1 and ABLATION=1 write curves of their own, not the one make plots
 *     draws as the full speedrun's. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gradcheck.h"
#include "harness.h"
#include "loss.h"
#include "optim.h"
#include "speedrun.h"
#include "stats.h"

#define N_TRAIN 400
#define N_TEST 100
#define FLAGS "--seeds 2 --validation 50 --batch 16 --epochs 2"

static char data_dir[600];
static program_result first_run;     /* FLAGS, 2 threads */

static program_result lesson(const char *args)
{
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "%s/lessons/16_train_fast --data '%s' %s", build_dir(), data_dir, args);
    return run_program(cmd);
}

/* ---------------------------------------------------------------- the library */

static void test_one_cycle(void)
{
    static const double want[10] = { 0, 0.1, 0.2, 0.175, 0.15, 0.125, 0.1, 0.075, 0.05, 0.025 };
    for (long t = 0; t < 10; t++)
        CHECK_NEAR(one_cycle_lr(t, 10, 2, 0.2), want[t], 1e-12);
    CHECK_NEAR(one_cycle_lr(10, 10, 2, 0.2), 0, 0);           /* past the end */
    CHECK_NEAR(one_cycle_lr(-1, 10, 2, 0.2), 0, 0);
    CHECK_NEAR(one_cycle_lr(0, 10, 0, 0.2), 0.2, 1e-12);      /* no warm-up: the peak at once */
}

typedef struct {
    real *z;
    int *labels;
    real eps;
} smooth_ctx;

static double smooth_loss(void *ctx)
{
    smooth_ctx *c = ctx;
    real p[20];
    return smoothed_cross_entropy_batch(2, c->z, c->labels, c->eps, p, NULL, 10);
}

static void test_label_smoothing(void)
{
    rng_t rng = rng_seeded(3);
    real z[20], p[20], p0[20], dz[20], dz0[20];
    int labels[2] = { 4, 9 };
    for (int i = 0; i < 20; i++)
        z[i] = (real)(2 * rng_normal(&rng));
    /* eps 0: lesson 08's loss and gradient, exactly */
    double plain = softmax_cross_entropy_batch(2, z, labels, p0, dz0, 10);
    CHECK_NEAR(smoothed_cross_entropy_batch(2, z, labels, 0, p, dz, 10), plain, 1e-12);
    for (int i = 0; i < 20; i++)
        CHECK_NEAR(dz[i], dz0[i], 1e-12);
    /* eps 0.1: the gradient against central differences, the loss against -sum q ln p */
    double loss = smoothed_cross_entropy_batch(2, z, labels, (real)0.1, p, dz, 10), want = 0;
    for (int r = 0; r < 2; r++)
        for (int k = 0; k < 10; k++)
            want -= (0.01 + (k == labels[r] ? 0.9 : 0)) * log(p[r * 10 + k]);
    CHECK_NEAR(loss, want, 1e-9);
    smooth_ctx c = { z, labels, (real)0.1 };
    int dims[1] = { 20 };
    gradcheck_result g = gradcheck_tensor("z", z, dz, dims, 1, smooth_loss, &c, GRADCHECK_STEP);
    CHECK_GRAD(g);
    /* the rows of dz sum to 0 (p and q both sum to 1) */
    double row = 0;
    for (int k = 0; k < 10; k++)
        row += dz[k];
    CHECK_NEAR(row, 0, 1e-12);
}

static void test_average_and_nesterov(void)
{
    real avg[2] = { 0, 0 }, w[2] = { 1, -2 };
    for (int i = 0; i < 3; i++)
        ema_update(avg, w, 2, (real)0.9);
    CHECK_NEAR(avg[0], 0.271, 1e-12);
    CHECK_NEAR(avg[1], -0.542, 1e-12);
    /* Nesterov, two steps by hand: g = 1, mu 0.9, lr 0.1 */
    real x[1] = { 0 }, g[1] = { 1 }, v[1] = { 0 };
    nesterov_step(x, g, v, 1, (real)0.1, (real)0.9);          /* v = 1,   x -= 0.1 (1 + 0.9)    */
    CHECK_NEAR(v[0], 1, 1e-12);
    CHECK_NEAR(x[0], -0.19, 1e-12);
    nesterov_step(x, g, v, 1, (real)0.1, (real)0.9);          /* v = 1.9, x -= 0.1 (1 + 1.71)   */
    CHECK_NEAR(v[0], 1.9, 1e-12);
    CHECK_NEAR(x[0], -0.19 - 0.271, 1e-12);
    real y[1] = { 0 }, vy[1] = { 0 };                          /* momentum 0: plain SGD */
    nesterov_step(y, g, vy, 1, (real)0.1, 0);
    CHECK_NEAR(y[0], -0.1, 1e-12);
}

static void test_mirror_by_hand(void)
{
    real x[2 * 2 * 3] = { 1, 2, 3,     4, 5, 6,                /* image 0 (2 rows, 3 columns) */
                          7, 8, 9,     10, 11, 12 };           /* image 1 */
    static const real mirrored0[6] = { 3, 2, 1, 6, 5, 4 };
    unsigned char flip[2] = { 1, 0 };
    mirror_images(x, 2, 2, 3, flip);
    for (int i = 0; i < 6; i++) {
        CHECK_NEAR(x[i], mirrored0[i], 0);
        CHECK_NEAR(x[6 + i], 7 + i, 0);                        /* flip 0: as it was */
    }
    real y[4] = { 1, 2, 3, 4 };                                 /* an even width: 1 row of 4 */
    mirror_images(y, 1, 1, 4, NULL);
    CHECK_NEAR(y[0], 4, 0);
    CHECK_NEAR(y[1], 3, 0);
    CHECK_NEAR(y[2], 2, 0);
    CHECK_NEAR(y[3], 1, 0);
    mirror_images(y, 1, 1, 4, NULL);                           /* twice: the image again */
    for (int i = 0; i < 4; i++)
        CHECK_NEAR(y[i], i + 1, 0);
}

/* 8x8 images, label i % 2: a bright bar in the 3 left columns (label 0) or
 * the 3 right ones (label 1) over random dim pixels; the mirror of a 0 is a 1.
 * The validation accuracy of 3 epochs with mirrors (flip) or without. */
static double side_task_accuracy(int flip, int tta)
{
    enum { N = 512, N_VAL = 64, SIDE = 8 };
    static unsigned char pixels[N * SIDE * SIDE], labels[N];
    rng_t rng = rng_seeded(5);
    for (int i = 0; i < N; i++) {
        labels[i] = (unsigned char)(i % 2);
        for (int r = 0; r < SIDE; r++)
            for (int c = 0; c < SIDE; c++) {
                int bar = labels[i] == 0 ? c < 3 : c >= SIDE - 3;
                pixels[(i * SIDE + r) * SIDE + c] = (unsigned char)(bar ? 255 : rng_below(&rng, 60));
            }
    }
    image_set images = { N, SIDE, SIDE, pixels };
    label_set label_set_ = { N, labels };
    int val[N_VAL];
    for (int i = 0; i < N_VAL; i++)
        val[i] = N - N_VAL + i;
    speed_recipe r = { .net = "conv 4 3 same, relu, maxpool 2, flatten, dense 2", .epochs = 3, .batch = 32,
                       .optimizer = SPEED_NESTEROV, .lr = 0.05, .lr_decay = 1, .schedule = SCHEDULE_ONE_CYCLE,
                       .warmup = 0.2, .momentum = 0.9, .tta = tta, .threads = 1, .flip = flip };
    speed_result out;
    char err[256];
    if (speed_train(&r, 1, &images, &label_set_, N - N_VAL, val, N_VAL, NULL, NULL, NULL, NULL, &out, err,
                    sizeof err) != 0) {
        printf("speed_train: %s\n", err);
        return NAN;
    }
    return out.val_accuracy;
}

static void test_mirrors_in_training(void)
{
    double plain = side_task_accuracy(0, 0), mirrored = side_task_accuracy(1, 0);
    double mirrored_tta = side_task_accuracy(1, 1);
    CHECK(plain >= 0.95);                                      /* the side is easy to learn ...           */
    CHECK(mirrored >= 0.1 && mirrored <= 0.9);                 /* ... and not when half are mirrored      */
    CHECK(mirrored_tta >= 0.1 && mirrored_tta <= 0.9);
}

/* Test-time augmentation's views: 1, 5 (the one-pixel moves), 9 (and the
 * diagonal ones); on the side task (its bar 3 pixels wide survives any move
 * by one pixel) 9 views score as well as 1 without mirrors. */
static void test_tta_views(void)
{
    CHECK_INT(speed_tta_moves(0), 1);
    CHECK_INT(speed_tta_moves(1), 5);
    CHECK_INT(speed_tta_moves(2), 9);
    double one = side_task_accuracy(0, 0), nine = side_task_accuracy(0, 2);
    CHECK(one >= 0.95);
    CHECK(nine >= 0.95);
}

/* ---------------------------------------------------------------- the program */

/* The test accuracy (%) of each seed, from its line; returns how many were found. */
static int seed_accuracies(const char *text, double *acc, int max)
{
    int n = 0;
    for (int s = 1; s <= max; s++) {
        char label[32];
        snprintf(label, sizeof label, "seed %d:", s);
        const char *line = strstr(text, label);
        if (!line)
            break;
        acc[n++] = number_after(line, "test");
    }
    return n;
}

/* The confusion matrix printed after the test accuracy (as lessons 10 and 12 print it): its
 * counts add up to the test images, and its diagonal is the test accuracy of the seed (acc, %). */
static void check_confusion(const char *out, double acc)
{
    const char *m = strstr(out, "Confusion matrix");
    CHECK(m != NULL);
    if (!m)
        return;
    long total = 0, diagonal = 0;
    const char *line = strchr(m, '\n');                        /* the columns' header */
    line = line ? strchr(line + 1, '\n') : NULL;
    for (int r = 0; r < 10 && line; r++) {
        double counts[10];
        const char *bar = strchr(line + 1, '|');
        CHECK(bar != NULL);
        if (!bar)
            return;
        CHECK_INT(numbers_after(bar, "|", counts, 10), 10);
        for (int c = 0; c < 10; c++) {
            total += (long)counts[c];
            diagonal += c == r ? (long)counts[c] : 0;
        }
        line = strchr(line + 1, '\n');
    }
    CHECK_INT(total, N_TEST);
    CHECK_NEAR(100.0 * (double)diagonal / N_TEST, acc, 0.006);
}

static void test_runs_and_learns(void)
{
    CHECK_INT(first_run.exit_code, 0);
    double acc[2];
    CHECK_INT(seed_accuracies(first_run.out, acc, 2), 2);
    check_confusion(first_run.out, acc[1]);                     /* that of the last seed */
    for (int i = 0; i < 2; i++)
        CHECK(acc[i] >= 50 && acc[i] <= 100);                  /* chance is 10% */
    double mean, sd;
    sample_mean_sd(acc, 2, &mean, &sd);
    CHECK_NUMBER(first_run.out, "over 2 seeds: mean", mean, 0.006);
    const char *summary = strstr(first_run.out, "over 2 seeds");
    CHECK(summary != NULL);
    if (summary) {
        CHECK_NEAR(number_after(summary, "sd"), sd, 0.006);
        CHECK_NEAR(number_after(summary, "lowest"), acc[0] < acc[1] ? acc[0] : acc[1], 1e-9);
    }
    CHECK(number_after(first_run.out, "processor time") > 0);
}

static void test_ingredients_step(void)
{
    /* Every step's rate as exercise 16 states it (0.175, not 0.18 beside 0.12 for 0.125). */
    CHECK_ROW(first_run.out, "peak 0.2: lr =", 1e-6, 0, 0.1, 0.2, 0.175, 0.15, 0.125, 0.1, 0.075, 0.05, 0.025);
    CHECK_NUMBER(first_run.out, "eps 0.0: loss", 0.1698, 1e-4);
    CHECK_NUMBER(first_run.out, "eps 0.1: loss", 0.3365, 1e-4);
}

/* The summary of one seed: the mean is its accuracy, and no "nan" stands
 * in for the sd that one value does not have (it printed "sd nan"). */
static void check_one_seed_summary(const char *out)
{
    double acc[1];
    const char *summary = strstr(out, "over 1 seed:");
    CHECK(summary != NULL);
    CHECK_INT(seed_accuracies(out, acc, 1), 1);
    if (!summary)
        return;
    CHECK_NEAR(number_after(summary, "mean"), acc[0], 1e-9);
    char lines[400];
    const char *end = strchr(summary, '\n');
    end = end ? strchr(end + 1, '\n') : NULL;          /* the accuracy's line and the time's */
    size_t len = end ? (size_t)(end - summary) : strlen(summary);
    if (len >= sizeof lines)
        len = sizeof lines - 1;
    memcpy(lines, summary, len);
    lines[len] = '\0';
    CHECK(strstr(lines, "processor time") != NULL);
    CHECK(strstr(lines, "nan") == NULL && strstr(lines, "NaN") == NULL);
}

static void test_same_numbers_for_any_thread_count(void)
{
    double a[2], b[1], c[1];                           /* seed 1 of the first run, with 1 and 3 threads */
    program_result one = lesson(FLAGS " --seeds 1 --threads 1"), three = lesson(FLAGS " --seeds 1 --threads 3");
    CHECK_INT(one.exit_code, 0);
    CHECK_INT(three.exit_code, 0);
    CHECK_INT(seed_accuracies(first_run.out, a, 2), 2);
    CHECK_INT(seed_accuracies(one.out, b, 1), 1);
    CHECK_INT(seed_accuracies(three.out, c, 1), 1);
    CHECK_NEAR(b[0], a[0], 0);
    CHECK_NEAR(c[0], a[0], 0);
    check_one_seed_summary(one.out);
    CHECK_NEAR(number_after(strstr(one.out, "seed 1:"), "validation"), number_after(strstr(first_run.out, "seed 1:"),
               "validation"), 0);
    program_result_free(&one);
    program_result_free(&three);
}

static void test_ablation(void)
{
    program_result r = lesson("--ablation --seeds 2 --validation 50 --epochs 1");
    CHECK_INT(r.exit_code, 0);
    static const char *rows[] = { "lesson 10's recipe", "+ the network", "+ batch", "+ Nesterov", "+ label smoothing",
                                  "+ moves", "+ test-time", "+ weight average" };
    double means[8] = { 0 };
    for (int i = 0; i < 8; i++) {
        const char *row = strstr(r.out, rows[i]);
        CHECK(row != NULL);
        if (!row)
            continue;
        const char *end = strchr(row, '\n');
        double values[4];
        int n = numbers_after(row + 40, "", values, 4);          /* the name fills 40 columns */
        CHECK(n == 4 && end != NULL);
        CHECK(values[0] >= 0 && values[0] <= 100);            /* a mean accuracy, % */
        CHECK(isfinite(values[2]) && values[2] >= 0);         /* processor seconds */
        means[i] = values[0];
    }
    /* the quick recipe moves by 1 pixel, as lesson 10 already does: the
     * moves row is the row above, said so, not a fresh run that differs by 0 */
    const char *moves = strstr(r.out, "+ moves");
    CHECK(moves != NULL && strstr(moves, "lesson 10's") != NULL && strstr(moves, "lesson 10's") < strchr(moves, '\n'));
    CHECK_NEAR(means[5], means[4], 0);
    program_result_free(&r);

    /* a recipe without label smoothing (the full one): that row is the row above too */
    r = lesson("--ablation --seeds 2 --validation 50 --epochs 1 --smoothing 0");
    CHECK_INT(r.exit_code, 0);
    const char *smooth = strstr(r.out, "+ label smoothing");
    const char *nesterov = strstr(r.out, "+ Nesterov");
    CHECK(smooth != NULL && nesterov != NULL);
    if (smooth && nesterov) {
        double above[4], row[4];
        CHECK(strstr(smooth, "none") != NULL && strstr(smooth, "none") < strchr(smooth, '\n'));
        CHECK_INT(numbers_after(nesterov + 40, "", above, 4), 4);
        CHECK_INT(numbers_after(smooth + 40, "", row, 4), 4);
        CHECK_NEAR(row[0], above[0], 0);
    }
    program_result_free(&r);
}

static void test_fashion_recipe(void)
{
    char path[700], cmd[800];
    snprintf(path, sizeof path, "%s/classes.txt", data_dir);
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (!f)
        return;
    for (int c = 0; c < 10; c++)
        fprintf(f, "kind%c\n", 'A' + c);
    CHECK(fclose(f) == 0);
    program_result r = lesson("--fashion --seeds 1 --validation 50 --batch 16 --epochs 2");
    CHECK_INT(r.exit_code, 0);
    CHECK_CONTAINS(r.out, "kindA");                            /* the names from the data's classes.txt */
    CHECK_CONTAINS(r.out, "kindJ");
    CHECK_CONTAINS(r.out, "mirrors on");                       /* the one recipe with mirrors (not digits') */
    CHECK(strstr(first_run.out, "mirrors off") != NULL);
    double acc[1];
    CHECK_INT(seed_accuracies(r.out, acc, 1), 1);
    CHECK(acc[0] >= 30 && acc[0] <= 100);                     /* chance is 10% */
    check_one_seed_summary(r.out);
    check_confusion(r.out, acc[0]);
    CHECK(strstr(r.out, "Confusion matrix") > strstr(r.out, "over 1 seed:"));   /* after the accuracy */
    CHECK_CONTAINS(strstr(r.out, "Confusion matrix"), "kindJ");      /* its rows named */
    const char *step4 = strstr(r.out, "Step 4.");             /* titled for Fashion-MNIST, not "The speedrun" */
    CHECK(step4 != NULL);
    if (step4) {
        const char *eol = strchr(step4, '\n');
        const char *name = strstr(step4, "Fashion");
        CHECK(name != NULL && (!eol || name < eol));
    }
    program_result_free(&r);
    snprintf(cmd, sizeof cmd, "rm -f '%s'", path);
    CHECK(shell_ok(cmd));
    /* without --data, --fashion reads data/fashion-mnist (here: a directory without it) */
    const char *b = build_dir();
    snprintf(cmd, sizeof cmd, "B=%s'%s'; cd '%s/..' && \"$B/lessons/16_train_fast\" --fashion",
             b[0] == '/' ? "" : "\"$PWD\"/", b, data_dir);
    r = run_program(cmd);
    CHECK_INT(r.exit_code, 1);
    CHECK_CONTAINS(r.err, "data/fashion-mnist/");
    program_result_free(&r);
}

static void test_bad_input(void)
{
    program_result r = lesson("--net 'conv 8 3, maxpool 3, flatten, dense 10'");
    check_one_line_failure(&r, 1, "--net", "a network whose pooling does not tile");
    program_result_free(&r);
    CHECK_REJECTS_UNKNOWN_FLAG("16_train_fast");
    r = run_lesson("16_train_fast", "--data /nonexistent-dir-16");
    CHECK(r.exit_code == 1);
    CHECK_CONTAINS(r.err, "/nonexistent-dir-16");
    program_result_free(&r);
}

/* --fashion names Fashion-MNIST's fetch command when the files are missing, whatever the
 * folder is called (it named MNIST's: the hint came from the folder's name). */
static void test_fashion_fetch_hint(void)
{
    char dir[700], args[800];
    snprintf(dir, sizeof dir, "%s/../empty-set", data_dir);
    snprintf(args, sizeof args, "--fashion --data '%s'", dir);
    program_result r = run_lesson("16_train_fast", args);
    check_one_line_failure(&r, 1, "make data-fashion", "--fashion, a folder without the files");
    program_result_free(&r);
    snprintf(args, sizeof args, "--data '%s'", dir);            /* without --fashion: MNIST's */
    r = run_lesson("16_train_fast", args);
    check_one_line_failure(&r, 1, "(make data fetches", "a folder without the files");
    CHECK(strstr(r.err, "data-fashion") == NULL);
    program_result_free(&r);
}

/* A --curve that cannot be written is reported before the data are loaded (it was reported
 * after, seconds later): here the data folder does not exist either, and the curve is named. */
static void test_bad_curve_before_the_data(void)
{
    char scratch[700], missing[800], args[2000];
    snprintf(scratch, sizeof scratch, "%s/..", data_dir);
    snprintf(missing, sizeof missing, "%s/no-such-folder/curve.csv", scratch);
    const char *paths[3] = { scratch, missing, "/dev/full" };
    for (int i = 0; i < 3; i++) {
        if (i == 2 && !shell_ok("test -c /dev/full && test -w /dev/full"))
            continue;                                              /* no /dev/full (macOS) */
        snprintf(args, sizeof args, "--data /nonexistent-dir-16 --curve '%s'", paths[i]);
        program_result r = run_lesson("16_train_fast", args);
        check_one_line_failure(&r, 1, paths[i], "a --curve that cannot be written");
        CHECK(strstr(r.err, "nonexistent-dir-16") == NULL);       /* the data were not read */
        program_result_free(&r);
    }
}

/* The curve of a good run: its header and one row per seed and epoch. A run that fails after
 * the curve was opened leaves the old file as it was, and no temporary file beside it. */
static void test_curve_file(void)
{
    char dir[700], path[800], args[1200], cmd[2400];
    snprintf(dir, sizeof dir, "%s/../curve", data_dir);
    snprintf(path, sizeof path, "%s/curve.csv", dir);
    snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s' && printf 'old\\n' > '%s'", dir, dir, path);
    CHECK(shell_ok(cmd));
    snprintf(args, sizeof args, "--seeds 1 --validation 50 --batch 16 --epochs 1 --curve '%s' "
             "--net 'conv 8 3, maxpool 3, flatten, dense 10'", path);
    program_result r = lesson(args);
    CHECK_INT(r.exit_code, 1);
    program_result_free(&r);
    char *old = read_text_file(path);
    CHECK(old != NULL && strcmp(old, "old\n") == 0);
    free(old);
    snprintf(cmd, sizeof cmd, "test \"$(ls '%s' | wc -l)\" -eq 1", dir);   /* curve.csv alone */
    CHECK(shell_ok(cmd));
    snprintf(args, sizeof args, "--seeds 2 --validation 50 --batch 16 --epochs 2 --curve '%s'", path);
    r = lesson(args);
    CHECK_INT(r.exit_code, 0);
    program_result_free(&r);
    char *text = read_text_file(path);
    CHECK(text != NULL);
    if (text) {
        int lines = 0;
        for (const char *c = text; *c; c++)
            lines += *c == '\n';
        CHECK_INT(lines, 1 + 2 * 2);                               /* header, 2 seeds x 2 epochs */
        CHECK_INT(count_lines_containing(text, "quick,"), 4);
    }
    free(text);
}

/* Every flag out of range: one line on stderr naming the flag, a non-zero status. A batch
 * larger than the training images trained one short step an epoch without a word. */
static void test_flags_out_of_range(void)
{
    static const char *cases[][2] = {
        { "--batch 351", "--batch" },              /* 400 images, 50 held out: 350 to train on */
        { "--batch 100000", "--batch" },
        { "--batch 0", "--batch" },            { "--batch 100001", "--batch" },
        { "--validation 400", "--validation" }, { "--validation -2", "--validation" },
        { "--seeds 0", "--seeds" },            { "--seeds 33", "--seeds" },
        { "--seed -1", "--seed" },             { "--threads 0", "--threads" },
        { "--threads 65", "--threads" },       { "--epochs 0", "--epochs" },
        { "--epochs 1001", "--epochs" },       { "--lr 0", "--lr" },
        { "--lr -1", "--lr" },                 { "--warmup 1", "--warmup" },
        { "--momentum 1", "--momentum" },      { "--weight-decay 2", "--weight-decay" },
        { "--smoothing 1", "--smoothing" },    { "--ema 1", "--ema" },
        { "--shift 9", "--shift" },            { "--tta 3", "--tta" },
        { "--flip 2", "--flip" },              { "--optimizer sgdx", "--optimizer" },
        { "--schedule flat", "--schedule" },
        /* 3 class scores for 10 labels: trained, reading past its outputs, without a word */
        { "--net 'conv 4 3 same, relu, maxpool 2, flatten, dense 3'", "--net" },
        { "--ablation --net 'conv 4 3 same, relu, maxpool 2, flatten, dense 3'", "--net" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char args[200];
        snprintf(args, sizeof args, "--validation 50 --seeds 1 --epochs 1 %s", cases[i][0]);
        program_result r = lesson(args);
        int lines = 0;
        for (const char *c = r.err; *c; c++)
            lines += *c == '\n';
        if (r.exit_code == 0 || lines != 1 || !strstr(r.err, cases[i][1]))
            printf("  case %s: exit %d, stderr: %s\n", cases[i][0], r.exit_code, r.err);
        CHECK(r.exit_code != 0);
        CHECK_INT(lines, 1);
        CHECK_CONTAINS(r.err, cases[i][1]);
        CHECK(strstr(r.out, "seed 1:") == NULL);                   /* nothing trained */
        program_result_free(&r);
    }
    /* the ablation's first rows train in lesson 10's batches of 32: a set of fewer is refused too */
    program_result r = lesson("--ablation --seeds 1 --epochs 1 --validation 370 --batch 16");
    check_one_line_failure(&r, 1, "32", "the ablation on 30 training images");
    program_result_free(&r);
    r = lesson("--seeds 1 --epochs 1 --validation 50 --batch 350");   /* the largest batch runs */
    CHECK_INT(r.exit_code, 0);
    CHECK_INT(seed_accuracies(r.out, (double[1]){ 0 }, 1), 1);
    program_result_free(&r);
}

/* make speedrun QUICK=1 (and ABLATION=1) write their curves to files of their own: make plots
 * draws build/speedrun_curve.csv as the full speedrun's (QUICK=1 replaced it). */
static void test_speedrun_curve_files(void)
{
    static const char *forms[4][2] = { { "", "speedrun_curve.csv" }, { "QUICK=1", "speedrun_quick_curve.csv" },
                                       { "ABLATION=1", "speedrun_ablation_curve.csv" },
                                       { "QUICK=1 ABLATION=1", "speedrun_quick_ablation_curve.csv" } };
    for (int i = 0; i < 4; i++) {
        char cmd[1200], want[800];
        snprintf(cmd, sizeof cmd, "env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS ${MAKE:-make} -n -s speedrun %s "
                 "BUILD='%s' EMULATOR=", forms[i][0], build_dir());
        program_result r = run_program(cmd);
        CHECK_INT(r.exit_code, 0);
        snprintf(want, sizeof want, "--curve %s/%s", build_dir(), forms[i][1]);
        if (!strstr(r.out, want))
            printf("  make speedrun %s: no '%s' in:\n%s\n", forms[i][0], want, r.out);
        CHECK_INT(count_lines_containing(r.out, want), 1);
        program_result_free(&r);
    }
    char *plots = read_text_file("tests/plots.sh");           /* make plots reads the full one */
    CHECK(plots != NULL && strstr(plots, "\"speedrun_curve.csv 16_speedrun.csv\"") != NULL);
    free(plots);
}

int main(void)
{
    char cmd[1400], scratch[512];
    snprintf(scratch, sizeof scratch, "%s/tmp/lesson_16", build_dir());
    snprintf(data_dir, sizeof data_dir, "%s/data", scratch);
    snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s'", scratch, data_dir);
    CHECK(shell_ok(cmd));
    write_synthetic_mnist(data_dir, N_TRAIN, N_TEST);
    first_run = lesson(FLAGS " --threads 2");
    if (first_run.exit_code != 0)
        printf("the lesson failed:\n%s\n%s\n", first_run.out, first_run.err);
    RUN_TEST(test_one_cycle);
    RUN_TEST(test_label_smoothing);
    RUN_TEST(test_average_and_nesterov);
    RUN_TEST(test_mirror_by_hand);
    RUN_TEST(test_mirrors_in_training);
    RUN_TEST(test_tta_views);
    RUN_TEST(test_runs_and_learns);
    RUN_TEST(test_ingredients_step);
    RUN_TEST(test_same_numbers_for_any_thread_count);
    RUN_TEST(test_ablation);
    RUN_TEST(test_fashion_recipe);
    RUN_TEST(test_bad_input);
    RUN_TEST(test_fashion_fetch_hint);
    RUN_TEST(test_bad_curve_before_the_data);
    RUN_TEST(test_curve_file);
    RUN_TEST(test_flags_out_of_range);
    RUN_TEST(test_speedrun_curve_files);
    program_result_free(&first_run);
    return harness_finish();
}
