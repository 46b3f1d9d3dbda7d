/* Lesson 16: train fast: 99.4% on MNIST in a minute on two cores.
 *
 * Lesson 12 reaches Doshi's 99.46% in about a quarter of an hour. This
 * lesson asks why one recipe needs a quarter of an hour and another a
 * minute, and answers with measurements: a network with a tenth of the
 * arithmetic (3x3 convolutions, batch normalisation), large batches with a
 * one-cycle learning rate that warms up and cools down step by step,
 * Nesterov's momentum, label smoothing, random moves of the training
 * images, an average of the weights and test-time augmentation
 * (src/speedrun.h: each ingredient is a few lines there).
 *
 * It trains the recipe from several seeds and prints the accuracy and the
 * training time of each, their mean and sample standard deviation (lesson
 * 15), and the machine. The recipe was chosen on the held-out validation images; the
 * test set is scored once per seed, at the end. Training time excludes the
 * loading and every scoring pass.
 *
 * Run:   build/lessons/16_train_fast              (the quick recipe, 5 seeds: a minute or two)
 *        make speedrun                            (the full recipe, 5 seeds)
 *        make fashion                             (Fashion-MNIST's recipe, --fashion: one seed, mirrors on)
 *        build/lessons/16_train_fast --ablation   (add one ingredient at a time to lesson 10's recipe)
 * Notes: notes/16_train_fast.md */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "file_error.h"   /* FILE_ERROR_SIZE, set_file_error */
#include "flags.h"        /* flag_spec, FLAG_TEXT, FLAG_SWITCH, FLAG_INT, FLAG_REAL, FLAG_CHOICE, ... */
#include "lesson.h"       /* lesson_set_stepping, lesson_step */
#include "mnist.h"        /* mnist_data, mnist_load_set, mnist_free, validation_count, validation_order */
#include "os.h"           /* os_processors */
#include "out_file.h"     /* out_file, out_file_open, out_file_printf, out_file_commit, ... */
#include "real.h"         /* real */
#include "sequential.h"   /* sequential, sequential_build */
#include "speedrun.h"     /* speed_recipe, speed_result, speed_train, one_cycle_lr, smoothed_cross_entropy_batch, ... */
#include "stats.h"        /* sample_mean_sd, sample_range, paired_interval95, verdict_lower, verdict_name */
#include "tensor.h"       /* checked_calloc */
#include "training.h"     /* check_class_count, print_confusion */

#define MAX_SEEDS 32

/* The recipes. Lesson 10's, as lesson 10 trains it (make mnist) ... */
static const speed_recipe lesson10 = {
    .net = "small", .epochs = 6, .batch = 32, .optimizer = SPEED_SGD, .lr = 0.05, .lr_decay = 0.6,
    .schedule = SCHEDULE_STEP_DECAY, .momentum = 0.9, .shift = 1, .threads = 2,
};

/* ... and the speedrun's: chosen on the validation images (notes/16_train_fast.md). The
 * network pools first, then normalises and activates the quarter that is left (as airbench
 * orders its layers): the same network up to where batch normalisation sees its numbers, a
 * quarter of the passes over them. The full recipe spends what that saves on 6 epochs and a
 * hidden dense layer of 128, without label smoothing (on the validation images it cost
 * accuracy there), and scores each test image in 9 views (notes/16_train_fast.md). */
#define SPEED_NET "conv 16 3 same, maxpool 2, batchnorm, relu, conv 32 3 same, maxpool 2, batchnorm, relu, flatten, " \
                  "dense 10"
#define SPEED_NET_FULL "conv 16 3 same, maxpool 2, batchnorm, relu, conv 32 3 same, maxpool 2, batchnorm, relu, " \
                       "flatten, dense 128, relu, dense 10"
static const speed_recipe full_recipe = {
    .net = SPEED_NET_FULL, .epochs = 6, .batch = 128, .optimizer = SPEED_NESTEROV, .lr = 0.2, .lr_decay = 1,
    .schedule = SCHEDULE_ONE_CYCLE, .warmup = 0.2, .momentum = 0.9, .weight_decay = 5e-4, .smoothing = 0,
    .shift = 2, .ema = 0, .tta = 2, .threads = 2,
};
/* The quick one: the network without the hidden layer, one epoch, moves of 1 pixel, label smoothing,
 * 5 test views. */
static const speed_recipe quick_recipe = {
    .net = SPEED_NET, .epochs = 1, .batch = 128, .optimizer = SPEED_NESTEROV, .lr = 0.2, .lr_decay = 1,
    .schedule = SCHEDULE_ONE_CYCLE, .warmup = 0.2, .momentum = 0.9, .weight_decay = 5e-4, .smoothing = 0.1,
    .shift = 1, .ema = 0, .tta = 1, .threads = 2,
};

/* ... and Fashion-MNIST's (make fashion): the clothes are left-right symmetric, so the training
 * images are also mirrored at random; chosen on the validation images (notes/10_mnist.md). */
#define FASHION_NET "conv 32 3 same, batchnorm, relu, maxpool 2, conv 64 3 same, batchnorm, relu, maxpool 2, " \
                    "flatten, dense 128, batchnorm, relu, dense 10"
static const speed_recipe fashion_recipe = {
    .net = FASHION_NET, .epochs = 12, .batch = 128, .optimizer = SPEED_NESTEROV, .lr = 0.2, .lr_decay = 1,
    .schedule = SCHEDULE_ONE_CYCLE, .warmup = 0.2, .momentum = 0.9, .weight_decay = 5e-4, .smoothing = 0.1,
    .shift = 1, .ema = 0, .tta = 1, .threads = 2, .flip = 1,
};

typedef struct {
    const char *data, *net, *curve;
    int fashion, flip;
    int seeds, full, ablation, no_test, validation, threads, epochs, batch, optimizer, schedule, shift, tta;
    double lr, warmup, momentum, weight_decay, smoothing, ema;
    long seed;
} options;

static const char *program = "16_train_fast";

/* Flags left at -1 keep the recipe's value. */
static options parse_flags(int argc, char **argv)
{
    options o = { .data = NULL, .seeds = 0, .validation = VALIDATION_DEFAULT, .threads = 2, .seed = 1,
                  .epochs = -1, .batch = -1, .optimizer = -1, .schedule = -1, .shift = -1, .tta = -1, .flip = -1,
                  .lr = -1, .warmup = -1, .momentum = -1, .weight_decay = -1, .smoothing = -1, .ema = -1 };
    int step = 0;
    const flag_spec specs[] = {
        FLAG_TEXT("--data", &o.data, "DIR", "the four MNIST IDX files (default data/mnist; with --fashion "
                  "data/fashion-mnist)"),
        FLAG_SWITCH("--full", &o.full, "the full recipe (make speedrun); default: the quick one"),
        FLAG_SWITCH("--fashion", &o.fashion, "Fashion-MNIST's recipe (make fashion; with --data data/fashion-mnist)"),
        FLAG_SWITCH("--ablation", &o.ablation, "lesson 10's recipe, then one ingredient added at a time"),
        FLAG_INT("--seeds", &o.seeds, 1, MAX_SEEDS, "N", "train from seeds 1 .. N (default 5; with --fashion 1)"),
        FLAG_LONG("--seed", &o.seed, 0, 2000000000L, "N", "the first seed (default 1)"),
        FLAG_INT("--validation", &o.validation, 0, 2000000000L, "N", "hold out the last N training images "
                 "(default: 5000; 0: none)"),
        FLAG_SWITCH("--no-test", &o.no_test, "score the validation images only (choosing a recipe)"),
        FLAG_INT("--threads", &o.threads, 1, 64, "N", "threads that share each batch (results do not depend on it)"),
        FLAG_TEXT("--curve", &o.curve, "FILE", "write validation accuracy against training seconds, every epoch (CSV)"),
        FLAG_TEXT("--net", &o.net, "SPEC", "the recipe's network, replaced (src/sequential.h)"),
        FLAG_INT("--epochs", &o.epochs, 1, 1000, "N", "the recipe's epochs, replaced"),
        FLAG_INT("--batch", &o.batch, 1, 100000, "N", "the recipe's batch, replaced"),
        FLAG_CHOICE("--optimizer", &o.optimizer, "sgd|nesterov|adam", "the recipe's optimiser, replaced"),
        FLAG_CHOICE("--schedule", &o.schedule, "decay|one-cycle", "the recipe's schedule, replaced"),
        FLAG_REAL("--lr", &o.lr, 0, 1e9, 1, "X", "the recipe's (peak) learning rate, replaced"),
        FLAG_REAL("--warmup", &o.warmup, 0, 0.99, 0, "X", "the fraction of the steps warming up, replaced"),
        FLAG_REAL("--momentum", &o.momentum, 0, 0.999, 0, "X", "momentum, replaced"),
        FLAG_REAL("--weight-decay", &o.weight_decay, 0, 1, 0, "X", "L2 weight decay, replaced"),
        FLAG_REAL("--smoothing", &o.smoothing, 0, 0.99, 0, "X", "label smoothing, replaced"),
        FLAG_REAL("--ema", &o.ema, 0, 0.99999, 0, "X", "the weights' average's decay per step (0: none), replaced"),
        FLAG_INT("--shift", &o.shift, 0, 8, "N", "random moves of up to N pixels, replaced"),
        FLAG_INT("--tta", &o.tta, 0, 2, "0|1|2", "test-time augmentation (1: 5 views, 2: 9), replaced"),
        FLAG_INT("--flip", &o.flip, 0, 1, "0|1", "random left-right mirrors (not for digits), replaced"),
        FLAG_SWITCH("--step", &step, "pause before each step until Enter is pressed"),
    };
    flag_set set = { program, "16_train_fast [flags]", specs, (int)(sizeof specs / sizeof specs[0]), 0 };
    flags_parse_or_exit(&set, argc, argv, NULL, NULL);
    if (!o.data)
        o.data = o.fashion ? "data/fashion-mnist" : "data/mnist";
    if (o.seeds == 0)
        o.seeds = o.fashion ? 1 : 5;
    lesson_set_stepping(step);
    return o;
}

static speed_recipe chosen_recipe(const options *o)
{
    speed_recipe r = o->fashion ? fashion_recipe : o->full ? full_recipe : quick_recipe;
    if (o->net) r.net = o->net;
    if (o->epochs >= 0) r.epochs = o->epochs;
    if (o->batch >= 0) r.batch = o->batch;
    if (o->optimizer >= 0) r.optimizer = o->optimizer;
    if (o->schedule >= 0) r.schedule = o->schedule;
    if (o->shift >= 0) r.shift = o->shift;
    if (o->tta >= 0) r.tta = o->tta;
    if (o->flip >= 0) r.flip = o->flip;
    if (o->lr >= 0) r.lr = o->lr;
    if (o->warmup >= 0) r.warmup = o->warmup;
    if (o->momentum >= 0) r.momentum = o->momentum;
    if (o->weight_decay >= 0) r.weight_decay = o->weight_decay;
    if (o->smoothing >= 0) r.smoothing = o->smoothing;
    if (o->ema >= 0) r.ema = o->ema;
    r.threads = o->threads;
    return r;
}

/* ---------------------------------------------------------------- the machine */

/* The vector unit the fast flags compiled for (as make bench prints it). */
static const char *vector_unit(int *floats)
{
#if defined(__AVX512F__)
    *floats = 16;
    return "AVX-512";
#elif defined(__AVX__)
    *floats = 8;
    return "AVX";
#elif defined(__ARM_NEON) || defined(__aarch64__)
    *floats = 4;
    return "NEON";
#elif defined(__SSE__) || defined(__x86_64__) || defined(_M_X64)
    *floats = 4;
    return "SSE";
#else
    *floats = 1;
    return "none (scalar)";
#endif
}

static void print_machine(int threads)
{
    int floats, cores = os_processors();
    const char *unit = vector_unit(&floats);
    if (cores > 0)
        printf("machine: %d processors online, %d thread%s used; vector unit %s (%d floats per register)\n", cores,
               threads, threads == 1 ? "" : "s", unit, floats);
    else
        printf("machine: processors not known, %d thread%s used; vector unit %s (%d floats per register)\n", threads,
               threads == 1 ? "" : "s", unit, floats);
}

static void print_recipe(const speed_recipe *r)
{
    static const char *optimizers[] = { "SGD with momentum", "Nesterov", "Adam" };
    printf("network: %s\n", r->net);
    printf("%d epoch%s, batches of %d, %s", r->epochs, r->epochs == 1 ? "" : "s", r->batch, optimizers[r->optimizer]);
    if (r->optimizer != SPEED_ADAM)
        printf(" (momentum %g)", r->momentum);
    if (r->schedule == SCHEDULE_ONE_CYCLE)
        printf(", one-cycle lr: 0 -> %g over the first %.0f%% of the steps, then down to 0", r->lr, 100 * r->warmup);
    else
        printf(", lr %g x%g per epoch", r->lr, r->lr_decay);
    printf("\nweight decay %g, label smoothing %g, moves of up to %d pixel%s, left-right mirrors %s, weight average "
           "%s, test-time augmentation %s\n", r->weight_decay, r->smoothing, r->shift, r->shift == 1 ? "" : "s",
           r->flip ? "on" : "off", r->ema > 0 ? "on" : "off",
           !r->tta ? "off" : r->tta == 1 ? (r->flip ? "on (10 views)" : "on (5 views)")
                           : (r->flip ? "on (18 views)" : "on (9 views)"));
}

/* ---------------------------------------------------------------- the runs */

typedef struct {
    const mnist_data *data;
    int n_train, n_val, with_test;
    const int *val_order;
    out_file *curve;
    const char *label;
    long seed;
} run_context;

static void on_epoch(void *ctx, int epoch, double seconds, double val_accuracy)
{
    run_context *c = ctx;
    if (c->curve)
        out_file_printf(c->curve, "%s,%ld,%d,%.3f,%.6f\n", c->label, c->seed, epoch, seconds, val_accuracy);
}

/* seeds runs of recipe r; acc[i] and cpu[i], wall[i] filled; the answer of the last seed for each test
 * image into answers (the test images; may be NULL). Returns 0, or -1 after printing the error. */
static int run_seeds(const speed_recipe *r, const run_context *base, long first_seed, int seeds, int verbose,
                     double *acc, double *wall, double *cpu, int *answers)
{
    const mnist_data *d = base->data;
    for (int i = 0; i < seeds; i++) {
        run_context c = *base;
        char err[FILE_ERROR_SIZE];
        speed_result res;
        c.seed = first_seed + i;
        if (speed_train(r, (uint64_t)c.seed, &d->train_images, &d->train_labels, c.n_train, c.val_order, c.n_val,
                        c.with_test ? &d->test_images : NULL, &d->test_labels, c.curve ? on_epoch : NULL, &c, &res,
                        err, sizeof err) != 0) {
            fprintf(stderr, "%s: %s\n", program, err);
            return -1;
        }
        if (answers && res.test_predictions)
            memcpy(answers, res.test_predictions, (size_t)d->test_images.count * sizeof(int));
        free(res.test_predictions);
        acc[i] = c.with_test ? res.test_accuracy : res.val_accuracy;
        wall[i] = res.train_wall;
        cpu[i] = res.train_cpu;
        if (verbose) {
            printf("  seed %ld:", c.seed);
            if (c.n_val > 0)
                printf(" validation %.2f%%", 100 * res.val_accuracy);
            if (c.with_test)
                printf("  test %.2f%%", 100 * res.test_accuracy);
            printf("  training %.1f s wall, %.1f s processor time (%ld steps)\n", res.train_wall, res.train_cpu,
                   res.steps);
            fflush(stdout);
        }
    }
    return 0;
}

/* A sample sd as text: "-" for one seed, which has no spread (sd is NaN). */
static const char *sd_text(double sd, double scale, int decimals, char *buf, size_t size)
{
    if (isnan(sd))
        snprintf(buf, size, "-");
    else
        snprintf(buf, size, "%.*f", decimals, scale * sd);
    return buf;
}

static void print_summary(const char *what, const double *acc, const double *wall, const double *cpu, int n)
{
    double mean, sd, lo, hi, wmean, wsd, cmean, csd;
    char a[32], w[32], c[32];
    sample_mean_sd(acc, n, &mean, &sd);
    sample_range(acc, n, &lo, &hi);
    sample_mean_sd(wall, n, &wmean, &wsd);
    sample_mean_sd(cpu, n, &cmean, &csd);
    printf("%s over %d seed%s: mean %.2f%%, sd %s, lowest %.2f%%, highest %.2f%%\n", what, n, n == 1 ? "" : "s",
           100 * mean, sd_text(sd, 100, 2, a, sizeof a), 100 * lo, 100 * hi);
    printf("training time per seed: %.1f s wall (sd %s), %.1f s processor time (sd %s)\n", wmean,
           sd_text(wsd, 1, 1, w, sizeof w), cmean, sd_text(csd, 1, 1, c, sizeof c));
}

/* ---------------------------------------------------------------- the ablation */

/* Lesson 10's recipe, then one ingredient more at each row, towards the
 * chosen recipe (--full or the quick one, with the flags' changes). */
static int ablation(const run_context *base, const options *o)
{
    enum { ROWS = 8 };
    speed_recipe rows[ROWS];
    speed_recipe target = chosen_recipe(o);            /* the recipe, with the flags' changes */
    char names[ROWS][40];
    snprintf(names[0], sizeof names[0], "lesson 10's recipe, %d epoch%s", target.epochs, target.epochs == 1 ? "" : "s");
    snprintf(names[1], sizeof names[1], "+ the network: 3x3 stacks, batchnorm");
    snprintf(names[2], sizeof names[2], "+ batch %d, one-cycle lr %g", target.batch, target.lr);
    snprintf(names[3], sizeof names[3], "+ Nesterov, weight decay %g", target.weight_decay);
    /* a row that adds nothing (the recipe has no smoothing, or moves as lesson 10 does) is the row
     * above: said so, and not trained again */
    int no_smoothing = target.smoothing == 0;
    if (no_smoothing)
        snprintf(names[4], sizeof names[4], "+ label smoothing: none in the recipe");
    else
        snprintf(names[4], sizeof names[4], "+ label smoothing %g", target.smoothing);
    int same_moves = target.shift == lesson10.shift;
    snprintf(names[5], sizeof names[5], "+ moves of up to %d pixel%s%s", target.shift, target.shift == 1 ? "" : "s",
             same_moves ? ": lesson 10's" : "");
    snprintf(names[6], sizeof names[6], "+ test-time augmentation, %d views", speed_tta_moves(target.tta > 0 ? target.tta : 1));
    snprintf(names[7], sizeof names[7], "+ weight average (EMA 0.999)");
    rows[0] = lesson10;
    rows[0].epochs = target.epochs;
    rows[1] = rows[0];
    rows[1].net = target.net;
    rows[2] = rows[1];
    rows[2].batch = target.batch;
    rows[2].schedule = SCHEDULE_ONE_CYCLE;
    rows[2].warmup = target.warmup;
    rows[2].lr = target.lr;
    rows[3] = rows[2];
    rows[3].optimizer = SPEED_NESTEROV;
    rows[3].weight_decay = target.weight_decay;
    rows[4] = rows[3];
    rows[4].smoothing = target.smoothing;
    rows[5] = rows[4];
    rows[5].shift = target.shift;
    rows[6] = rows[5];
    rows[6].tta = target.tta > 0 ? target.tta : 1;
    rows[7] = rows[6];
    rows[7].ema = 0.999;
    double acc[ROWS][MAX_SEEDS], wall[ROWS][MAX_SEEDS], cpu[ROWS][MAX_SEEDS];
    int n = o->seeds;
    printf("%-40s %8s %6s %8s %8s  %s\n", "recipe", "mean %", "sd", "cpu s", "wall s", "vs the row above: 95% CI");
    for (int k = 0; k < ROWS; k++) {
        run_context row = *base;                        /* its curve (--curve) labelled "row1", "row2", ... */
        char label[16];
        snprintf(label, sizeof label, "row%d", k + 1);
        row.label = label;
        rows[k].threads = o->threads;
        int repeat = (k == 4 && no_smoothing) || (k == 5 && same_moves);
        if (repeat) {
            memcpy(acc[k], acc[k - 1], sizeof acc[k]);
            memcpy(wall[k], wall[k - 1], sizeof wall[k]);
            memcpy(cpu[k], cpu[k - 1], sizeof cpu[k]);
        } else if (run_seeds(&rows[k], &row, o->seed, n, 0, acc[k], wall[k], cpu[k], NULL) != 0) {
            return -1;
        }
        double mean, sd, wmean, wsd, cmean, csd;
        sample_mean_sd(acc[k], n, &mean, &sd);
        sample_mean_sd(wall[k], n, &wmean, &wsd);
        sample_mean_sd(cpu[k], n, &cmean, &csd);
        char sd_buf[32];
        printf("%-40s %8.2f %6s %8.1f %8.1f", names[k], 100 * mean, sd_text(sd, 100, 2, sd_buf, sizeof sd_buf), cmean,
               wmean);
        if (repeat) {
            printf("  the row above's recipe, not run again");
        } else if (k > 0 && n > 1) {
            double d[MAX_SEEDS];
            for (int i = 0; i < n; i++)
                d[i] = 100 * (acc[k][i] - acc[k - 1][i]);      /* paired: the same seed */
            interval95 ci = paired_interval95(d, n);
            printf("  %+.2f [%+.2f, %+.2f]", ci.mean, ci.lo, ci.hi);
        }
        printf("\n");
        fflush(stdout);
    }
    return 0;
}

/* ---------------------------------------------------------------- the ingredients, by hand */

static void show_schedule(void)
{
    long T = 10, W = 2;
    printf("one-cycle, 10 steps, 2 warming up, peak 0.2: lr =");
    for (long t = 0; t < T; t++)
        printf(" %g", one_cycle_lr(t, T, W, 0.2));
    printf("\n");
}

static void show_smoothing(void)
{
    real z[3] = { 2, 0, -1 }, p[3], dz[3];
    int label = 0;
    for (int e = 0; e < 2; e++) {
        real eps = e ? (real)0.1 : 0;
        double loss = smoothed_cross_entropy_batch(1, z, &label, eps, p, dz, 3);
        printf("logits (2, 0, -1), label 0, eps %.1f: loss %.4f, dL/dz = (%+.4f, %+.4f, %+.4f)\n", (double)eps, loss,
               (double)dz[0], (double)dz[1], (double)dz[2]);
    }
    printf("(with eps > 0 the gradient stops pushing once p_label reaches 1 - eps + eps/K: the logits stay finite)\n");
}

/* --curve FILE, opened before the data load (seconds): a directory, a missing folder or a device
 * that takes no bytes (/dev/full) is reported before any work. The header is pushed out at once to
 * find the last; a regular file is written beside the target and appears only when every run has
 * ended well (src/out_file.h): a failure leaves what was there before. Returns 0, or -1 with one
 * line in err naming the file. */
static int open_curve(out_file *curve, const char *path, char *err, size_t err_size)
{
    if (out_file_open(curve, path, err, err_size) != 0)
        return -1;
    errno = 0;
    if (out_file_printf(curve, "recipe,seed,epoch,seconds,val_accuracy\n") != 0 || fflush(curve->f) != 0) {
        set_file_error(err, err_size, path, "cannot write: %s", errno ? strerror(errno) : "write error");
        out_file_abandon(curve);
        return -1;
    }
    return 0;
}

/* The largest batch the run trains with (the ablation's first rows use lesson 10's) must find that
 * many training images: a larger one would train one short step an epoch without a word. Returns 0,
 * or -1 with one line in err. */
static int check_batch(const options *o, int n_train, int n_val, char *err, size_t err_size)
{
    speed_recipe r = chosen_recipe(o);
    int batch = o->ablation && lesson10.batch > r.batch ? lesson10.batch : r.batch;
    if (batch <= n_train)
        return 0;
    snprintf(err, err_size, "batches of %d%s: more than the %d training images (%d held out for validation); "
             "give --batch %d or less", batch, o->batch == batch ? " (--batch)" : "", n_train, n_val, n_train);
    return -1;
}

/* The recipe's network (--net), built for the data's images: its spec must parse and tile the
 * images, and its last layer give one score per class (a network of 3 scores read past its
 * outputs for labels 3 to 9, silently). Returns 0, or -1 with one line in err naming --net. */
static int build_network(const options *o, const mnist_data *data, sequential *net, char *err, size_t err_size)
{
    speed_recipe r = chosen_recipe(o);
    char why[FILE_ERROR_SIZE - 16];                     /* room for "--net: " before it */
    if (sequential_build(net, r.net, 1, data->train_images.rows, data->train_images.cols, why, sizeof why) != 0) {
        snprintf(err, err_size, "--net: %s", why);
        return -1;
    }
    return check_class_count(net->classes, "--net", err, err_size);
}

int main(int argc, char **argv)
{
    options o = parse_flags(argc, argv);
    mnist_data data;
    char err[FILE_ERROR_SIZE];
    out_file curve;
    printf("Lesson 16: train fast\n"
           "=====================\n");
    if (o.curve && open_curve(&curve, o.curve, err, sizeof err) != 0) {
        fprintf(stderr, "%s: --curve: %s\n", program, err);
        return 1;
    }

    lesson_step(1, "The data");
    if (mnist_load_set(o.data, o.fashion ? DATA_SET_FASHION : DATA_SET_GUESS, &data, err, sizeof err) != 0) {
        fprintf(stderr, "%s: %s\n", program, err);
        if (o.curve)
            out_file_abandon(&curve);
        return 1;
    }
    int count = data.train_images.count;
    int n_val = validation_count(count, o.validation, err, sizeof err);
    sequential net;
    if (n_val < 0 || check_batch(&o, count - n_val, n_val, err, sizeof err) != 0 ||
        build_network(&o, &data, &net, err, sizeof err) != 0) {
        fprintf(stderr, "%s: %s\n", program, err);
        if (o.curve)
            out_file_abandon(&curve);
        mnist_free(&data);
        return 1;
    }
    int *val_order = validation_order(count, n_val);
    printf("%s: %d training images, the last %d of them held out for validation; %d test images\n", o.data,
           count - n_val, n_val, data.test_images.count);
    if (data.classes.from_file) {                      /* e.g. Fashion-MNIST's classes.txt */
        printf("classes:");
        for (int c = 0; c < CLASS_COUNT; c++)
            printf("%s %d %s", c ? "," : "", c, data.classes.names[c]);
        printf("\n");
    }
    print_machine(o.threads);

    lesson_step(2, "The ingredients, on small numbers");
    show_schedule();
    show_smoothing();

    run_context base = { &data, count - n_val, n_val, !o.no_test, val_order, NULL, "", 0 };
    if (o.curve) {
        base.curve = &curve;
        base.label = o.fashion ? "fashion" : o.full ? "speedrun" : "quick";
    }
    int status = 0;
    if (o.ablation) {
        lesson_step(3, "The ablation: one ingredient at a time");
        status = ablation(&base, &o);
    } else {
        speed_recipe r = chosen_recipe(&o);
        double acc[MAX_SEEDS], wall[MAX_SEEDS], cpu[MAX_SEEDS];
        lesson_step(3, o.fashion ? "Fashion-MNIST's recipe" : o.full ? "The speedrun's recipe" : "The quick recipe");
        print_recipe(&r);
        printf("%ld parameters\n", net.n_params);
        lesson_step(4, o.fashion ? "Training on Fashion-MNIST" : "The speedrun");
        int *answers = o.no_test ? NULL : checked_calloc((size_t)data.test_images.count + 1, sizeof(int),
                                                           "the test answers");
        status = run_seeds(&r, &base, o.seed, o.seeds, 1, acc, wall, cpu, answers);
        if (status == 0)
            print_summary(o.no_test ? "validation accuracy" : "test accuracy", acc, wall, cpu, o.seeds);
        if (status == 0 && answers) {                  /* where the answers go wrong, as lessons 10 and 12 show */
            printf("\nSeed %ld%s on the test set:\n", o.seed + o.seeds - 1, o.seeds > 1 ? " (the last)" : "");
            print_confusion(stdout, &data.test_labels, answers, net.classes, &data.classes);
        }
        free(answers);
    }
    if (o.curve) {
        if (status == 0 && out_file_commit(&curve, err, sizeof err) != 0) {
            fprintf(stderr, "%s: %s\n", program, err);
            status = -1;
        } else if (status != 0) {
            out_file_abandon(&curve);
        }
    }
    free(val_order);
    mnist_free(&data);
    if (status != 0)
        return 1;
    printf("\nNext: lesson 17, Winograd's convolution (notes/17_winograd.md; build/lessons/17_winograd).\n");
    return 0;
}
