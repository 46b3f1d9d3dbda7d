/* Lesson 15: the sources' claims, tested.
 *
 * The five documents this course is built on make claims about what works:
 * ReLU trains several times faster than tanh (Gonzalez, from AlexNet), max
 * pooling "usually performs better" than average pooling and CNNs are
 * "invariant under translations" (Notes on CNN), two stacked 3x3
 * convolutions beat one 5x5 (Bayya), dropout leaves "no apparent
 * overfitting" (Doshi). This program turns each claim into a small
 * controlled experiment on MNIST: two networks that differ in the one thing
 * the claim is about, trained the same way on the same images, from the
 * same seeds, several seeds each; then a table of means and spreads, and
 * the notes say whether the claim holds here, and by how much.
 *
 *   1 relu-tanh    epochs and seconds to a training error, each learning rate of a sweep
 *   2 pooling      max against average pooling
 *   3 stacked-3x3  one 5x5 convolution against two 3x3 (and two 3x3 without a ReLU between)
 *   4 dense-cnn    plain dense networks against CNNs of similar size
 *   5 translation  convolution's exact equivariance; the trained networks' partial invariance
 *   6 overlap      3x3 stride 2 pooling against 2x2 stride 2
 *   7 dropout      training and test curves with and without dropout, on 1,000 and 60,000 images
 *   8 batchnorm    epochs to a test accuracy with and without batch normalisation
 *
 * Every experiment trains with src/fit.h (lesson 12's loop): SGD with
 * momentum 0.9, mini-batches of 64, a constant learning rate, the training
 * images as they are (not moved), and scores in test mode (dropout off,
 * batchnorm on its running averages). One run, its table rows and its CSV
 * lines are src/experiment.h's; the statistics, src/stats.h's.
 *
 * Run:   build/lessons/15_claims --quick              (every experiment on a subset, a few minutes)
 *        build/lessons/15_claims                      (the full runs: notes/15_claims.md's tables)
 *        build/lessons/15_claims --experiment pooling --seeds 10 --csv pooling.csv
 * Notes: notes/15_claims.md */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "activation.h"  /* relu_forward, relu_backward, tanh_forward, tanh_backward */
#include "conv.h"        /* ENGINE_FAST, conv2d_shape, conv2d_setup, conv2d_forward, conv2d_output_count */
#include "experiment.h"  /* run_plan, train_run, trial_score, results_csv, table_column, table_row, table_rows, ... */
#include "file_error.h"  /* FILE_ERROR_SIZE */
#include "flags.h"       /* flag_spec, FLAG_SWITCH, FLAG_TEXT, FLAG_INT, flag_set, flags_parse_or_exit */
#include "lesson.h"      /* lesson_set_stepping, lesson_step */
#include "mnist.h"       /* mnist_data, image_set, image_set_free, mnist_free, mnist_load, label_set */
#include "out_file.h"    /* out_file_check_stdout_at_exit */
#include "pool.h"        /* pool2d_shape, pool2d_setup, pool2d_output_count, maxpool2d_forward */
#include "rng.h"         /* rng_t, rng_seeded, rng_uniform_range, rng_below, init_he_normal */
#include "roofline.h"    /* wall_clock */
#include "sequential.h"  /* sequential, sequential_build */
#include "stats.h"       /* summary, summarise, first_epoch_reaching, NEVER_REACHED */
#include "tensor.h"      /* tensor_alloc, checked_calloc */
#include "threadpool.h"  /* thread_pool, thread_pool_free, thread_pool_create */
#include "training.h"    /* moved_image */

#define MAX_EPOCHS RUN_MAX_EPOCHS   /* 40 */
#define MAX_SEEDS TABLE_MAX_SEEDS   /* 20 */
#define MAX_VARIANTS 8
#define EVAL_BATCH 256          /* images per batch when only scoring */
#define TRAIN_SCORED 10000      /* at most this many training images are scored after an epoch */
#define BATCH 64
#define MOMENTUM 0.9
#define STANDARD_LR 0.05        /* lesson 10's learning rate */
#define MAX_SHIFT 4             /* the translation experiment's largest shift */

static const char *program = "15_claims";

static const char *const experiment_names[] = {
    "relu-tanh", "pooling", "stacked-3x3", "dense-cnn", "translation", "overlap", "dropout", "batchnorm",
};
enum { N_EXPERIMENTS = (int)(sizeof experiment_names / sizeof experiment_names[0]) };

/* The flags (parse_flags, beside main at the end). */
typedef struct {
    int quick, seeds, max_epochs, threads, step;
    const char *experiment, *data, *csv;
} options;

/* ---------------------------------------------------------------- the lab: data, threads, the CSV file */

typedef struct {
    options opt;
    mnist_data data;
    image_set padded_train, padded_test;   /* 29x29: a black row and column added (experiment 6) */
    thread_pool *pool;
    results_csv csv;                       /* closed without --csv: its rows are dropped */
    int n_test;                            /* test images scored */
    run_setup setup;                       /* what every training run shares */
} lab;

static void lab_free(lab *b)
{
    results_csv_abandon(&b->csv);
    thread_pool_free(b->pool);
    image_set_free(&b->padded_train);
    image_set_free(&b->padded_test);
    mnist_free(&b->data);
}

static void die(lab *b, const char *message)
{
    fprintf(stderr, "%s: %s\n", program, message);
    lab_free(b);
    exit(1);
}

static void lab_open(lab *b)
{
    char err[FILE_ERROR_SIZE];
    if (mnist_load(b->opt.data, &b->data, err, sizeof err) != 0)
        die(b, err);
    b->n_test = b->data.test_images.count;
    if (b->opt.quick && b->n_test > 2000)
        b->n_test = 2000;
    b->pool = thread_pool_create(b->opt.threads);
    if (!b->pool)
        die(b, "out of memory starting the threads");
    if (b->opt.csv && results_csv_open(&b->csv, b->opt.csv, err, sizeof err) != 0)
        die(b, err);
    b->setup = (run_setup){ .train_labels = &b->data.train_labels, .test_labels = &b->data.test_labels,
                            .n_test = b->n_test, .train_scored = TRAIN_SCORED, .batch = BATCH, .momentum = MOMENTUM,
                            .eval_batch = EVAL_BATCH, .pool = b->pool };
}

static void lab_close(lab *b)
{
    char err[FILE_ERROR_SIZE];
    if (results_csv_commit(&b->csv, err, sizeof err) != 0)
        die(b, err);
    lab_free(b);
}

/* The smaller of a and b. */
static int at_most(int a, int b)
{
    return a < b ? a : b;
}

/* A small count in words ("two learning rates"), larger ones in digits. */
static const char *count_words(int n, char *buf, size_t size)
{
    static const char *const words[] = { "no", "one", "two", "three", "four", "five", "six", "seven", "eight",
                                         "nine", "ten" };
    if (n >= 0 && n <= 10)
        snprintf(buf, size, "%s", words[n]);
    else
        snprintf(buf, size, "%d", n);
    return buf;
}

/* ---------------------------------------------------------------- one training run (src/experiment.h) */

static const image_set *train_images(const lab *b, int padded)
{
    return padded ? &b->padded_train : &b->data.train_images;
}

static const image_set *test_images(const lab *b, int padded)
{
    return padded ? &b->padded_test : &b->data.test_images;
}

/* Train a network from `seed`, and keep it open for more scoring (t). */
static void train(lab *b, const run_plan *p, uint64_t seed, run_result *r, trial *t)
{
    char err[FILE_ERROR_SIZE];
    if (train_run(&b->setup, p, seed, r, t, err, sizeof err) != 0)
        die(b, err);
}

/* Train a network from `seed`: its numbers only. */
static void run(lab *b, const run_plan *p, uint64_t seed, run_result *r)
{
    trial t;
    train(b, p, seed, r, &t);
    trial_end(&t);
}

/* How many seeds this experiment uses: --seeds, else its own default. */
static int seeds_for(const lab *b, int full, int quick)
{
    return b->opt.seeds > 0 ? b->opt.seeds : b->opt.quick ? quick : full;
}

/* How many epochs (at most): the experiment's own, capped by --max-epochs. */
static int epochs_for(const lab *b, int full, int quick)
{
    int epochs = b->opt.quick ? quick : full;
    return b->opt.max_epochs > 0 ? at_most(epochs, b->opt.max_epochs) : epochs;
}

/* How many training images: the experiment's own, at most the set's. */
static int images_for(const lab *b, int full, int quick)
{
    return at_most(b->opt.quick ? quick : full, b->data.train_images.count);
}

static void print_setup(const lab *b, int n_train, int epochs, int seeds, const char *more)
{
    printf("Setup: the first %d training images, %s%d epoch%s, SGD with momentum %.1f, mini-batches of %d, "
           "%d seed%s per network; scored on %d test images.\n", n_train, more, epochs, plural(epochs),
           MOMENTUM, BATCH, seeds, plural(seeds), b->n_test);
}

/* ---------------------------------------------------------------- the experiments: a shared shape */

/* Networks trained on the same images in the same way, several seeds each,
 * compared on their final errors: a table row each (src/experiment.h),
 * rows[v].values[TEST_ERROR][s] the test error of variant v from seed s + 1. */
enum { TEST_ERROR, TRAIN_ERROR, SECONDS_PER_EPOCH };
static const table_column comparison_columns[3] = {
    { "test error (%)", "test_error", -1, 100, 2 },
    { "training error (%)", "train_error", -1, 100, 2 },
    { "seconds per epoch", "seconds_per_epoch", -1, 1, 2 },
};

typedef struct {
    const char *experiment;
    int n_variants;
    const char *names[MAX_VARIANTS];
    const char *specs[MAX_VARIANTS];
    int padded[MAX_VARIANTS];
    int shifts[MAX_VARIANTS];
    int n_train, epochs, seeds;
    double lr;
    /* results */
    long n_params[MAX_VARIANTS];
    table_row rows[MAX_VARIANTS];
} comparison;

/* Train every variant from every seed; then, when with_trial is not NULL,
 * hand it each trained network (variant v, seed index s). */
typedef void (*after_training)(lab *b, comparison *c, int v, int s, trial *t);

static void run_comparison(lab *b, comparison *c, after_training with_trial)
{
    for (int v = 0; v < c->n_variants; v++) {
        table_row *row = &c->rows[v];
        for (int s = 0; s < c->seeds; s++) {
            run_plan p = { .spec = c->specs[v], .train = train_images(b, c->padded[v]),
                           .test = test_images(b, c->padded[v]), .n_train = c->n_train, .epochs = c->epochs,
                           .shift = c->shifts[v], .lr = c->lr, .score_train = SCORE_AT_END,
                           .score_test = SCORE_AT_END };
            run_result r;
            trial t;
            train(b, &p, (uint64_t)s + 1, &r, &t);
            c->n_params[v] = r.n_params;
            row->values[TEST_ERROR][s] = r.diverged ? NAN : last_measured(r.test_error, r.epochs);
            row->values[TRAIN_ERROR][s] = r.diverged ? NAN : last_measured(r.train_error, r.epochs);
            row->values[SECONDS_PER_EPOCH][s] = r.epochs > 0 ? r.seconds[r.epochs - 1] / r.epochs : NAN;
            results_csv_curves(&b->csv, c->experiment, c->names[v], s + 1, &r);
            if (with_trial)
                with_trial(b, c, v, s, &t);
            trial_end(&t);
        }
        snprintf(row->first, sizeof row->first, "%s | %ld", c->names[v], c->n_params[v]);
        snprintf(row->variant, sizeof row->variant, "%s", c->names[v]);
        row->seeds = c->seeds;
    }
}

/* The errors of variant v, one per seed. */
static const double *test_errors(const comparison *c, int v)
{
    return c->rows[v].values[TEST_ERROR];
}

static const double *train_errors(const comparison *c, int v)
{
    return c->rows[v].values[TRAIN_ERROR];
}

/* | network | parameters | test error % | training error % | s/epoch | */
static void print_comparison(lab *b, comparison *c)
{
    table_header(stdout, "network | parameters", comparison_columns, 3);
    table_rows(stdout, &b->csv, c->experiment, comparison_columns, 3, c->rows, c->n_variants);
    printf("(mean ± sample standard deviation over %d seed%s; errors in test mode, after the last epoch)\n",
           c->seeds, plural(c->seeds));
}

static void comparison_setup(const lab *b, comparison *c, const char *experiment, int full_train, int quick_train,
                             int full_epochs, int quick_epochs, int full_seeds, int quick_seeds)
{
    memset(c, 0, sizeof *c);
    c->experiment = experiment;
    c->n_train = images_for(b, full_train, quick_train);
    c->epochs = epochs_for(b, full_epochs, quick_epochs);
    c->seeds = seeds_for(b, full_seeds, quick_seeds);
    c->lr = STANDARD_LR;
}

static void add_variant(comparison *c, const char *name, const char *spec)
{
    c->names[c->n_variants] = name;
    c->specs[c->n_variants++] = spec;
}

/* ---------------------------------------------------------------- the experiments: epochs to a target */

/* Two networks, each trained at every learning rate of a small sweep from
 * several seeds, until a target (experiments 1 and 8): a training error of
 * at most `target`, or (on_test_accuracy) a test accuracy of at least it.
 * rows[2 l + v]: variant v at learning rate l, values[EPOCHS_TO_TARGET][s]
 * the first epoch that reached it from seed s + 1 (NaN: none did). */
enum { EPOCHS_TO_TARGET, SECONDS_TO_TARGET, CPU_SECONDS_TO_TARGET, SWEEP_SECONDS_PER_EPOCH };

typedef struct {
    const char *experiment;
    const char *names[2], *specs[2];
    const double *lrs;
    int n_lrs, n_train, max_epochs, seeds;
    double target;
    int on_test_accuracy;
    /* results */
    int reached[2][3];          /* [variant][lr]: how many seeds reached the target */
    table_row rows[6];
} sweep;

/* The runs' epochs to the target, variant v at learning rate l, one per seed. */
static const double *epochs_to_target(const sweep *w, int v, int l)
{
    return w->rows[2 * l + v].values[EPOCHS_TO_TARGET];
}

/* The first epoch of run r that reached the sweep's target, or NEVER_REACHED. */
static int epoch_reaching_target(const sweep *w, const run_result *r)
{
    double accuracy[MAX_EPOCHS];
    if (!w->on_test_accuracy)
        return first_epoch_reaching(r->train_error, r->epochs, w->target, 0);
    for (int e = 0; e < r->epochs; e++)
        accuracy[e] = 1 - r->test_error[e];
    return first_epoch_reaching(accuracy, r->epochs, w->target, 1);
}

static void run_sweep(lab *b, sweep *w)
{
    for (int l = 0; l < w->n_lrs; l++)
        for (int v = 0; v < 2; v++) {
            table_row *row = &w->rows[2 * l + v];
            snprintf(row->variant, sizeof row->variant, "%s lr %g", w->names[v], w->lrs[l]);
            row->seeds = w->seeds;
            w->reached[v][l] = 0;
            for (int s = 0; s < w->seeds; s++) {
                run_plan p = { .spec = w->specs[v], .train = &b->data.train_images, .test = &b->data.test_images,
                               .n_train = w->n_train, .epochs = w->max_epochs, .lr = w->lrs[l] };
                if (w->on_test_accuracy) {           /* scored on the test set every epoch */
                    p.score_test = SCORE_EVERY_EPOCH;
                    p.stop_test_accuracy = w->target;
                } else {                             /* on the training set every epoch, the test set at the end */
                    p.score_train = SCORE_EVERY_EPOCH;
                    p.score_test = SCORE_AT_END;
                    p.stop_train_error = w->target;
                }
                run_result r;
                run(b, &p, (uint64_t)s + 1, &r);
                int e = epoch_reaching_target(w, &r);
                row->values[EPOCHS_TO_TARGET][s] = e == NEVER_REACHED ? NAN : e;
                row->values[SECONDS_TO_TARGET][s] = e == NEVER_REACHED ? NAN : r.seconds[e - 1];
                row->values[CPU_SECONDS_TO_TARGET][s] = e == NEVER_REACHED ? NAN : r.cpu_seconds[e - 1];
                row->values[SWEEP_SECONDS_PER_EPOCH][s] = r.epochs > 0 ? r.seconds[r.epochs - 1] / r.epochs : NAN;
                w->reached[v][l] += e != NEVER_REACHED;
                results_csv_curves(&b->csv, w->experiment, row->variant, s + 1, &r);
                results_csv_run(&b->csv, w->experiment, row->variant, s + 1, -1, "epochs_to_target",
                                row->values[EPOCHS_TO_TARGET][s]);
            }
            snprintf(row->first, sizeof row->first, "%s | %g | %d of %d", w->names[v], w->lrs[l], w->reached[v][l],
                     w->seeds);
        }
}

/* | first_title | lr | reached | epochs to | seconds to | [processor seconds | seconds per epoch] |:
 * the first n_columns (2 or 4) of the four. */
static void print_sweep(lab *b, const sweep *w, const char *first_title, int target_decimals, int n_columns)
{
    char target[16], first[96], epochs[48], seconds[48];
    snprintf(target, sizeof target, "%.*f%%", target_decimals, 100 * w->target);
    snprintf(first, sizeof first, "%s | lr | reached %s", first_title, target);
    snprintf(epochs, sizeof epochs, "epochs to %s", target);
    snprintf(seconds, sizeof seconds, "seconds to %s", target);
    const table_column columns[4] = {
        { epochs, "epochs_to_target", -1, 1, 2 },
        { seconds, "seconds_to_target", -1, 1, 1 },
        { "processor seconds", "cpu_seconds_to_target", -1, 1, 1 },
        { "seconds per epoch", "seconds_per_epoch", -1, 1, 2 },
    };
    table_header(stdout, first, columns, n_columns);
    table_rows(stdout, &b->csv, w->experiment, columns, n_columns, w->rows, 2 * w->n_lrs);
    printf("(mean ± sd over the runs that reached the target; '-': none did in %d epoch%s)\n", w->max_epochs,
           plural(w->max_epochs));
}

/* ---------------------------------------------------------------- 1. ReLU against tanh */

/* "lr 0.03: tanh needs 1.50x the epochs and 2.90x the seconds of ReLU"
 * (the ratio of the means), ReLU at learning rate relu_lr, tanh at tanh_lr
 * (indices into the sweep), or why there is no ratio; `which` is the part
 * before the colon. */
static void print_ratios(const char *which, const sweep *w, int relu_lr, int tanh_lr)
{
    const table_row *relu = &w->rows[2 * relu_lr], *tanh_row = &w->rows[2 * tanh_lr + 1];
    summary re = summarise(relu->values[EPOCHS_TO_TARGET], w->seeds);
    summary te = summarise(tanh_row->values[EPOCHS_TO_TARGET], w->seeds);
    summary rs = summarise(relu->values[SECONDS_TO_TARGET], w->seeds);
    summary ts = summarise(tanh_row->values[SECONDS_TO_TARGET], w->seeds);
    printf("%s", which);
    if (re.n == 0 || te.n == 0)
        printf(": no ratio (%s never reached the target)\n", re.n == 0 ? "ReLU" : "tanh");
    else
        printf(": tanh needs %.2fx the epochs and %.2fx the seconds of ReLU\n", te.mean / re.mean,
               ts.mean / rs.mean);
}

/* What one number costs each activation, forward and backward: the time
 * of relu_forward + relu_backward (tanh_forward + tanh_backward) over a
 * million numbers, the best of three, in nanoseconds per number. */
static void time_activations(double ns[2])
{
    enum { N = 1 << 20 };
    real *x = tensor_alloc(N, "numbers"), *y = tensor_alloc(N, "outputs"), *d = tensor_alloc(N, "gradients");
    rng_t r = rng_seeded(3);
    for (int i = 0; i < N; i++)
        x[i] = (real)rng_uniform_range(&r, -3, 3);
    for (int a = 0; a < 2; a++) {
        ns[a] = INFINITY;
        for (int k = 0; k < 3; k++) {
            double started = wall_clock();
            if (a == 0) {
                relu_forward(x, y, N);
                relu_backward(x, y, d, N);
            } else {
                tanh_forward(x, y, N);
                tanh_backward(y, x, d, N);
            }
            ns[a] = fmin(ns[a], (wall_clock() - started) * 1e9 / N);
        }
    }
    free(x);
    free(y);
    free(d);
}

#define BASE(act, pool) "conv 8 5, " act ", " pool " 2, conv 16 5, " act ", " pool " 2, flatten, dense 10"

static void experiment_relu_tanh(lab *b)
{
    static const double full_lrs[3] = { 0.01, 0.03, 0.1 }, quick_lrs[2] = { 0.03, 0.1 };
    sweep w = { .experiment = experiment_names[0], .names = { "relu", "tanh" },
                .specs = { BASE("relu", "maxpool"), BASE("tanh", "maxpool") },
                .lrs = b->opt.quick ? quick_lrs : full_lrs, .n_lrs = b->opt.quick ? 2 : 3,
                .n_train = images_for(b, 10000, 2000), .max_epochs = epochs_for(b, 15, 10), .seeds = seeds_for(b, 3, 2),
                .target = b->opt.quick ? 0.05 : 0.02 };
    lesson_step(1, "ReLU against tanh (Gonzalez, from AlexNet): \"networks with ReLUs train several times faster\"");
    printf("The same network with ReLU or with tanh after each convolution, from the same initial weights:\n"
           "  %s\n", w.specs[0]);
    print_setup(b, w.n_train, w.max_epochs, w.seeds, "at most ");
    printf("Measured: the first epoch after which the training error (all %d training images, test mode) is at\n"
           "most %.0f%%, and the training time until then; each learning rate of a small sweep.\n",
           at_most(w.n_train, TRAIN_SCORED), 100 * w.target);
    run_sweep(b, &w);
    print_sweep(b, &w, "activation", 0, 4);
    double ns[2];
    time_activations(ns);
    printf("One number through the activation, forward and backward: ReLU %.2f ns, tanh %.1f ns (libm's tanh,\n"
           "one call per number); this network has %d of them per image.\n", ns[0], ns[1], 24 * 24 * 8 + 8 * 8 * 16);
    for (int l = 0; l < w.n_lrs; l++) {
        char which[32];
        snprintf(which, sizeof which, "lr %g", w.lrs[l]);
        print_ratios(which, &w, l, l);
        paired_report(stdout, "  epochs to the target", epochs_to_target(&w, 0, l), epochs_to_target(&w, 1, l),
                      w.seeds, 1, "", "ReLU", "tanh");
    }
    /* Each activation's best learning rate: the one at which the most seeds
     * reached the target; among those, the fewest epochs to it (the mean
     * over the runs that reached it); a tie there keeps the smaller rate
     * (the first of the sweep). Seconds play no part. */
    int best[2] = { 0, 0 };
    for (int a = 0; a < 2; a++)
        for (int l = 1; l < w.n_lrs; l++) {
            summary now = summarise(epochs_to_target(&w, a, l), w.seeds);
            summary was = summarise(epochs_to_target(&w, a, best[a]), w.seeds);
            if (w.reached[a][l] > w.reached[a][best[a]]
                || (w.reached[a][l] == w.reached[a][best[a]] && now.mean < was.mean))
                best[a] = l;
        }
    char which[96];
    snprintf(which, sizeof which, "each at its best learning rate (ReLU %g, tanh %g)", w.lrs[best[0]], w.lrs[best[1]]);
    print_ratios(which, &w, best[0], best[1]);
    paired_report(stdout, "  epochs to the target", epochs_to_target(&w, 0, best[0]),
                  epochs_to_target(&w, 1, best[1]), w.seeds, 1, "", "ReLU", "tanh");
    printf("(the best learning rate: the one at which the most seeds reached %.0f%%, then the fewest epochs to it\n"
           "on average, then the smaller rate; seconds play no part)\n", 100 * w.target);
}

/* ---------------------------------------------------------------- 2. max against average pooling */

static void experiment_pooling(lab *b)
{
    comparison c;
    comparison_setup(b, &c, experiment_names[1], 20000, 2000, 4, 3, 5, 2);
    add_variant(&c, "max pooling", BASE("relu", "maxpool"));
    add_variant(&c, "average pooling", BASE("relu", "avgpool"));
    lesson_step(2, "Max against average pooling (Notes on CNN): \"maxpooling usually performs better\"");
    printf("The same network with 2x2 max or average pooling after each convolution, same initial weights:\n"
           "  %s\n", c.specs[0]);
    print_setup(b, c.n_train, c.epochs, c.seeds, "");
    printf("Learning rate %g for both.\n", c.lr);
    run_comparison(b, &c, NULL);
    print_comparison(b, &c);
    paired_report(stdout, "test error", test_errors(&c, 0), test_errors(&c, 1), c.seeds, 100, " points", "max", "average");
    paired_report(stdout, "training error", train_errors(&c, 0), train_errors(&c, 1), c.seeds, 100, " points", "max", "average");
}

/* ---------------------------------------------------------------- 3. one 5x5 against two 3x3 */

/* How many outputs of a stack of 1-channel convolutions (kernels k[0..n))
 * on a 9x9 image change when one pixel at the centre does: its receptive
 * field seen from the other side. */
static int impulse_footprint(const int *k, int n)
{
    real a[81] = { 0 }, b2[81];
    int size = 9;
    rng_t r = rng_seeded(5);
    a[40] = 1;                                       /* the centre pixel */
    for (int i = 0; i < n; i++) {
        conv2d_shape s;
        real w[25], bias = 0;
        conv2d_setup(&s, 1, size, size, 1, k[i], 1, (k[i] - 1) / 2);   /* 'same': the map keeps its size */
        for (int j = 0; j < k[i] * k[i]; j++)
            w[j] = (real)rng_uniform_range(&r, 0.5, 1.5);               /* positive: no cancellation */
        conv2d_forward(&s, a, w, &bias, b2);
        memcpy(a, b2, sizeof a);
    }
    int moved = 0;
    for (int j = 0; j < size * size; j++)
        moved += a[j] != 0;
    return moved;
}

static void experiment_stacked(lab *b)
{
    comparison c;
    static const int one[1] = { 5 }, two[2] = { 3, 3 };
    comparison_setup(b, &c, experiment_names[2], 20000, 2000, 4, 3, 5, 2);
    add_variant(&c, "one 5x5", "conv 16 5, relu, maxpool 2, conv 16 5, relu, maxpool 2, flatten, dense 10");
    add_variant(&c, "two 3x3 with a ReLU between", "conv 16 5, relu, maxpool 2, conv 16 3, relu, conv 16 3, relu, "
                "maxpool 2, flatten, dense 10");
    add_variant(&c, "two 3x3 with nothing between", "conv 16 5, relu, maxpool 2, conv 16 3, conv 16 3, relu, "
                "maxpool 2, flatten, dense 10");
    add_variant(&c, "two 3x3 with 22 channels between", "conv 16 5, relu, maxpool 2, conv 22 3, relu, conv 16 3, "
                "relu, maxpool 2, flatten, dense 10");
    lesson_step(3, "One 5x5 convolution against two stacked 3x3 (Bayya): the same receptive field, fewer weights, "
                "\"more meaningful\" features");
    printf("The receptive field: a pixel at the centre of a 9x9 image moves %d outputs of one 5x5 convolution\n"
           "and %d outputs of two 3x3 convolutions in a row: the same 5x5 square.\n", impulse_footprint(one, 1),
           impulse_footprint(two, 2));
    printf("The weights of the block, C = 16 channels in and out: one 5x5: 25C^2 = %d; two 3x3: 2 x 9C^2 = 18C^2 = "
           "%d\n(plus C biases per layer: %d and %d parameters). With 22 channels between the two 3x3 layers they\n"
           "have about the 5x5's weights: 9 x 16 x 22 x 2 = %d (%d parameters).\n", 25 * 16 * 16, 18 * 16 * 16,
           25 * 256 + 16, 18 * 256 + 32, 9 * 16 * 22 * 2, 9 * 16 * 22 * 2 + 22 + 16);
    printf("The networks (12x12x16 -> 8x8x16 every way, then 2x2 max pooling and the dense layer):\n");
    for (int v = 0; v < c.n_variants; v++)
        printf("  %-32s %s\n", c.names[v], c.specs[v]);
    print_setup(b, c.n_train, c.epochs, c.seeds, "");
    printf("Learning rate %g for all four.\n", c.lr);
    run_comparison(b, &c, NULL);
    print_comparison(b, &c);
    paired_report(stdout, "test error", test_errors(&c, 1), test_errors(&c, 0), c.seeds, 100, " points", "two 3x3", "one 5x5");
    paired_report(stdout, "test error", test_errors(&c, 1), test_errors(&c, 2), c.seeds, 100, " points", "with ReLU",
                 "without");
    paired_report(stdout, "test error", test_errors(&c, 3), test_errors(&c, 0), c.seeds, 100, " points", "two 3x3 (22 between)",
                 "one 5x5");
}

/* ---------------------------------------------------------------- 4. dense networks against CNNs */

static void experiment_dense_cnn(lab *b)
{
    comparison c;
    comparison_setup(b, &c, experiment_names[3], 20000, 2000, 4, 3, 3, 2);
    add_variant(&c, "CNN with two conv layers", BASE("relu", "maxpool"));
    add_variant(&c, "dense with 8 hidden", "flatten, dense 8, relu, dense 10");
    add_variant(&c, "CNN of lesson 10", "conv 16 5, relu, maxpool 2, flatten, dense 10");
    add_variant(&c, "dense with 30 hidden", "flatten, dense 30, relu, dense 10");
    add_variant(&c, "dense with 128 hidden", "flatten, dense 128, relu, dense 10");
    lesson_step(4, "Dense networks against CNNs of similar size (Notes on CNN): \"CNN in general work better than "
                "DNN\"");
    printf("Pairs of about the same number of parameters, and a dense network four times larger:\n");
    for (int v = 0; v < c.n_variants; v++)
        printf("  %-22s %s\n", c.names[v], c.specs[v]);
    print_setup(b, c.n_train, c.epochs, c.seeds, "");
    printf("Learning rate %g for all.\n", c.lr);
    run_comparison(b, &c, NULL);
    print_comparison(b, &c);
    paired_report(stdout, "test error", test_errors(&c, 0), test_errors(&c, 1), c.seeds, 100, " points", "CNN", "dense 8");
    paired_report(stdout, "test error", test_errors(&c, 2), test_errors(&c, 3), c.seeds, 100, " points", "CNN", "dense 30");
    paired_report(stdout, "test error", test_errors(&c, 2), test_errors(&c, 4), c.seeds, 100, " points", "CNN", "dense 128");
}

/* ---------------------------------------------------------------- 5. translation */

/* The maps of a conv layer (shape s, weights w, bias) for image `image` of
 * a set and for the same image moved by (dy, dx) with zero fill. x and
 * moved are room for one image; map and moved_map (s->out_c, out_h, out_w). */
static void maps_of_moved(const image_set *set, int image, int dy, int dx, const conv2d_shape *s, const real *w,
                          const real *bias, real *x, real *moved, real *map, real *moved_map)
{
    moved_image(set, image, 0, 0, x);
    moved_image(set, image, dy, dx, moved);
    conv2d_forward(s, x, w, bias, map);
    conv2d_forward(s, moved, w, bias, moved_map);
}

/* Equivariance, checked (exercise 15, task 4, for c maps of h x w): the
 * largest |moved[c][y][x] - map[c][y - dy][x - dx]| over the positions
 * where both exist, and how many positions that is. (dy, dx) = (0, 0)
 * compares the maps where they stand, without moving back. */
static double interior_gap(const real *map, const real *moved, int c, int h, int w, int dy, int dx, long *compared)
{
    double gap = 0;
    *compared = 0;
    for (int ch = 0; ch < c; ch++)
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                int fy = y - dy, fx = x - dx;
                if (fy < 0 || fy >= h || fx < 0 || fx >= w)
                    continue;                        /* the border band: no counterpart */
                gap = fmax(gap, fabs((double)moved[(ch * h + y) * w + x] - (double)map[(ch * h + fy) * w + fx]));
                (*compared)++;
            }
    return gap;
}

/* A set of one image of random noise, every pixel 1..255 (nothing black). */
static image_set noise_image(int rows, int cols, rng_t *r)
{
    image_set noise = { 1, rows, cols, checked_calloc((size_t)rows * cols, 1, "noise") };
    for (int i = 0; i < rows * cols; i++)
        noise.pixels[i] = (unsigned char)(1 + rng_below(r, 255));
    return noise;
}

/* The working arrays of the equivariance demonstration. */
typedef struct {
    conv2d_shape conv;
    pool2d_shape pool;
    real w[8 * 25], bias[8];
    real *x, *moved, *map, *moved_map, *pooled, *pooled_moved;
    int *argmax;
} equivariance_demo;

static void demo_alloc(equivariance_demo *d, int rows, int cols, rng_t *r)
{
    conv2d_setup(&d->conv, 1, rows, cols, 8, 5, 1, 0);
    size_t pixels = (size_t)rows * cols, maps = (size_t)conv2d_output_count(&d->conv);
    int even_h = d->conv.out_h & ~1, even_w = d->conv.out_w & ~1;  /* pooled: the even part of the map */
    pool2d_setup(&d->pool, 8, even_h, even_w, 2, 2);
    d->x = tensor_alloc(pixels, "an image");
    d->moved = tensor_alloc(pixels, "a moved image");
    d->map = tensor_alloc(maps, "feature maps");
    d->moved_map = tensor_alloc(maps, "feature maps");
    d->pooled = tensor_alloc(maps, "pooled maps");
    d->pooled_moved = tensor_alloc(maps, "pooled maps");
    d->argmax = checked_calloc(maps, sizeof(int), "pooling's winners");
    init_he_normal(r, d->w, 8 * 25, 25);
    for (int i = 0; i < 8; i++)
        d->bias[i] = (real)rng_uniform_range(r, -0.1, 0.1);
}

static void demo_free(equivariance_demo *d)
{
    free(d->x); free(d->moved); free(d->map); free(d->moved_map);
    free(d->pooled); free(d->pooled_moved); free(d->argmax);
}

/* The conv layer on one image moved by several shifts: a table row each. */
static void demo_conv_rows(lab *b, equivariance_demo *d, const image_set *set, const char *name)
{
    static const int shifts[][2] = { { 0, 1 }, { 1, 0 }, { 2, 3 }, { -3, -1 }, { 4, -2 } };
    int h = d->conv.out_h, w = d->conv.out_w;
    for (size_t k = 0; k < sizeof shifts / sizeof shifts[0]; k++) {
        int dy = shifts[k][0], dx = shifts[k][1];
        long compared, all;
        maps_of_moved(set, 0, dy, dx, &d->conv, d->w, d->bias, d->x, d->moved, d->map, d->moved_map);
        double gap = interior_gap(d->map, d->moved_map, 8, h, w, dy, dx, &compared);
        double unmoved = interior_gap(d->map, d->moved_map, 8, h, w, 0, 0, &all);
        printf("| %s | (%d, %d) | %ld of %ld | %.3g | %.3g |\n", name, dy, dx, compared, all, gap, unmoved);
        char variant[64];
        snprintf(variant, sizeof variant, "conv on %s moved by (%d %d)", name, dy, dx);
        results_csv_row(&b->csv, experiment_names[4], variant, "1", -1, "max_difference_moved_back", gap);
        results_csv_row(&b->csv, experiment_names[4], variant, "1", -1, "max_difference_in_place", unmoved);
    }
}

/* 2x2 max pooling after the conv layer, the digit moved right by 2 and by 1. */
static void demo_pooling(lab *b, equivariance_demo *d)
{
    const pool2d_shape *ps = &d->pool;
    int n = (int)pool2d_output_count(ps);
    const conv2d_shape *full = &d->conv;             /* the pooling tiles the maps' even part */
    for (int dx = 2; dx >= 1; dx--) {
        long compared;
        maps_of_moved(&b->data.test_images, 0, 0, dx, &d->conv, d->w, d->bias, d->x, d->moved, d->map,
                      d->moved_map);
        for (int c = 0; c < 8; c++)                  /* crop each map to ps->in_h x ps->in_w */
            for (int y = 0; y < ps->in_h; y++) {
                memmove(d->map + (c * ps->in_h + y) * ps->in_w, d->map + (c * full->out_h + y) * full->out_w,
                        (size_t)ps->in_w * sizeof(real));
                memmove(d->moved_map + (c * ps->in_h + y) * ps->in_w,
                        d->moved_map + (c * full->out_h + y) * full->out_w, (size_t)ps->in_w * sizeof(real));
            }
        maxpool2d_forward(ps, d->map, d->pooled, d->argmax);
        maxpool2d_forward(ps, d->moved_map, d->pooled_moved, d->argmax);
        double back = interior_gap(d->pooled, d->pooled_moved, 8, ps->out_h, ps->out_w, 0, dx / 2, &compared);
        long same = 0;
        for (int i = 0; i < n; i++)
            same += d->pooled[i] == d->pooled_moved[i];
        if (dx == 2)
            printf("  the digit moved right by 2: the pooled maps, moved back by 1, differ by at most %.3g (%ld "
                   "positions)\n", back, compared);
        else
            printf("  the digit moved right by 1: no whole pooled position to move back by; in place, the pooled "
                   "maps differ\n  by up to %.3g, and %ld of %d pooled values are unchanged\n", back, same, n);
        results_csv_row(&b->csv, experiment_names[4], dx == 2 ? "maxpool after conv moved by (0 2)" :
                "maxpool after conv moved by (0 1)", "1", -1, "max_difference_moved_back", back);
    }
}

/* Convolution's equivariance, exactly: a random conv layer (8 filters 5x5)
 * on a test digit and on noise, each moved by several shifts; then 2x2 max
 * pooling after it, the digit moved by 2 (one pooled position) and by 1. */
static void show_equivariance(lab *b)
{
    const image_set *digits = &b->data.test_images;
    rng_t r = rng_seeded(11);
    image_set noise = noise_image(digits->rows, digits->cols, &r);
    equivariance_demo d;
    demo_alloc(&d, digits->rows, digits->cols, &r);
    printf("A convolution layer of 8 random 5x5 filters with biases (%dx%d -> 8 maps of %dx%d), on test image 0\n"
           "and on an image of random noise, each moved with zero fill. Moved back, the maps agree wherever both\n"
           "exist; in place they do not:\n\n"
           "| image | moved by (down, right) | positions compared | largest difference, moved back | "
           "largest difference, in place |\n|---|---|---|---|---|\n", digits->rows, digits->cols, d.conv.out_h,
           d.conv.out_w);
    demo_conv_rows(b, &d, digits, "test digit 0");
    demo_conv_rows(b, &d, &noise, "noise");
    printf("\nThen 2x2 max pooling (stride 2) of the digit's maps:\n");
    demo_pooling(b, &d);
    demo_free(&d);
    free(noise.pixels);
}

/* The test accuracy of variant v's network from seed s + 1, on test images
 * moved by k pixels: moved_accuracy[v].values[k][s]. */
static table_row moved_accuracy[MAX_VARIANTS];

/* After training: the test accuracy at shifts 0..MAX_SHIFT, the mean over
 * the four directions (down, up, right, left). */
static void score_moved(lab *b, comparison *c, int v, int s, trial *t)
{
    static const int dirs[4][2] = { { 1, 0 }, { -1, 0 }, { 0, 1 }, { 0, -1 } };
    for (int k = 0; k <= MAX_SHIFT; k++) {
        double sum = 0;
        for (int d = 0; d < (k == 0 ? 1 : 4); d++)
            sum += trial_score(t, &b->data.test_images, &b->data.test_labels, b->n_test, k * dirs[d][0],
                               k * dirs[d][1]).accuracy;
        moved_accuracy[v].values[k][s] = sum / (k == 0 ? 1 : 4);
        results_csv_run(&b->csv, c->experiment, c->names[v], s + 1, k, "test_accuracy_moved",
                        moved_accuracy[v].values[k][s]);
    }
}

static void experiment_translation(lab *b)
{
    comparison c;
    comparison_setup(b, &c, experiment_names[4], 20000, 2000, 4, 3, 3, 2);
    add_variant(&c, "CNN", BASE("relu", "maxpool"));
    add_variant(&c, "CNN trained on moved images", BASE("relu", "maxpool"));
    c.shifts[1] = 2;
    add_variant(&c, "dense with 30 hidden", "flatten, dense 30, relu, dense 10");
    lesson_step(5, "Translation: Notes on CNN's \"CNN are invariant under translations\", Doshi's \"equivariant "
                "representations\"");
    show_equivariance(b);
    printf("\nThe whole network: trained on unmoved digits, tested on digits moved by 0-4 pixels (down, up, right,\n"
           "left: the mean of the four), with zero fill. The second CNN saw each training image moved by up to\n"
           "2 pixels each way (a new move every epoch, src/training.h's draw_shifts).\n");
    for (int v = 0; v < c.n_variants; v++)
        printf("  %-30s %s\n", c.names[v], c.specs[v]);
    print_setup(b, c.n_train, c.epochs, c.seeds, "");
    run_comparison(b, &c, score_moved);
    static const table_column shifts[MAX_SHIFT + 1] = {
        { "moved by 0", "test_accuracy_moved", 0, 100, 2 }, { "1", "test_accuracy_moved", 1, 100, 2 },
        { "2", "test_accuracy_moved", 2, 100, 2 }, { "3", "test_accuracy_moved", 3, 100, 2 },
        { "4", "test_accuracy_moved", 4, 100, 2 },
    };
    for (int v = 0; v < c.n_variants; v++) {
        memcpy(moved_accuracy[v].first, c.rows[v].first, sizeof c.rows[v].first);        /* "CNN | 9594" */
        memcpy(moved_accuracy[v].variant, c.rows[v].variant, sizeof c.rows[v].variant);
        moved_accuracy[v].seeds = c.seeds;
    }
    table_header(stdout, "network | parameters", shifts, MAX_SHIFT + 1);
    table_rows(stdout, &b->csv, c.experiment, shifts, MAX_SHIFT + 1, moved_accuracy, c.n_variants);
    printf("(test accuracy in %%, mean ± sd over %d seed%s)\n", c.seeds, plural(c.seeds));
}

/* ---------------------------------------------------------------- 6. overlapping pooling */

/* A copy of a set with one black row added below and one black column on
 * the right: 28x28 -> 29x29, the digits where they were. */
static void padded_copy(const image_set *s, image_set *out)
{
    int rows = s->rows + 1, cols = s->cols + 1;
    out->count = s->count;
    out->rows = rows;
    out->cols = cols;
    out->pixels = checked_calloc((size_t)s->count * rows * cols, 1, "the 29x29 images");
    for (int i = 0; i < s->count; i++)
        for (int y = 0; y < s->rows; y++)
            memcpy(out->pixels + ((size_t)i * rows + y) * cols, s->pixels + ((size_t)i * s->rows + y) * s->cols,
                   (size_t)s->cols);
}

static void experiment_overlap(lab *b)
{
    comparison c;
    comparison_setup(b, &c, experiment_names[5], 10000, 2000, 10, 4, 5, 2);
    if (!b->padded_train.pixels) {
        padded_copy(&b->data.train_images, &b->padded_train);
        padded_copy(&b->data.test_images, &b->padded_test);
    }
    add_variant(&c, "2x2 stride 2 on 28x28", "conv 16 5, relu, maxpool 2, flatten, dense 10");
    add_variant(&c, "3x3 stride 2 on 29x29", "conv 16 5, relu, maxpool 3 stride 2, flatten, dense 10");
    c.padded[1] = 1;
    lesson_step(6, "Overlapping pooling (Gonzalez, from AlexNet): it \"further reduce[s] the error rate\" and makes "
                "it \"more difficult to overfit\"");
    printf("Pooling windows must tile their input exactly (src/pool.h): 2x2 stride 2 needs an even size, 3x3\n"
           "stride 2 an odd one. So the overlapping network reads the digits with one black row added below and\n"
           "one black column on the right (29x29; MNIST's border is black already): its 5x5 convolution gives\n"
           "25x25, pooled to 12x12, the same 12x12x16 as 24x24 pooled 2x2. Same weights, same parameters:\n");
    for (int v = 0; v < c.n_variants; v++)
        printf("  %-28s %s\n", c.names[v], c.specs[v]);
    print_setup(b, c.n_train, c.epochs, c.seeds, "");
    printf("Learning rate %g for both.\n", c.lr);
    run_comparison(b, &c, NULL);
    print_comparison(b, &c);
    static const table_column gap_column = { "test error minus training error (points)", "overfitting_gap", -1, 100,
                                             2 };
    table_row gap[2];                                /* gap[v].values[0][s]: test error minus training error */
    for (int v = 0; v < 2; v++) {
        snprintf(gap[v].first, sizeof gap[v].first, "%s", c.names[v]);
        snprintf(gap[v].variant, sizeof gap[v].variant, "%s", c.names[v]);
        gap[v].seeds = c.seeds;
        for (int s = 0; s < c.seeds; s++)
            gap[v].values[0][s] = test_errors(&c, v)[s] - train_errors(&c, v)[s];
    }
    table_header(stdout, "network", &gap_column, 1);
    table_rows(stdout, &b->csv, c.experiment, &gap_column, 1, gap, 2);
    paired_report(stdout, "test error", test_errors(&c, 1), test_errors(&c, 0), c.seeds, 100, " points", "overlapping", "2x2");
    paired_report(stdout, "the gap", gap[1].values[0], gap[0].values[0], c.seeds, 100, " points", "overlapping", "2x2");
}

/* ---------------------------------------------------------------- 7. dropout and overfitting */

/* The dropout table's columns, and a row of them from the runs r (seeds). */
enum { FINAL_TRAIN_LOSS, FINAL_TEST_LOSS, LOWEST_TEST_LOSS, ITS_EPOCH, FINAL_TRAIN_ERROR, FINAL_TEST_ERROR };
static const table_column dropout_columns[6] = {
    { "final training loss", "final_train_loss", -1, 1, 4 },
    { "final test loss", "final_test_loss", -1, 1, 4 },
    { "lowest test loss", "lowest_test_loss", -1, 1, 4 },
    { "its epoch", "epoch_of_lowest_test_loss", -1, 1, 1 },
    { "final training error (%)", "final_train_error", -1, 100, 2 },
    { "final test error (%)", "final_test_error", -1, 100, 2 },
};

static void dropout_row(const run_result *r, int seeds, table_row *row)
{
    row->seeds = seeds;
    for (int s = 0; s < seeds; s++) {
        int last = r[s].epochs - 1, best = 0;
        for (int e = 1; e <= last; e++)
            best = r[s].test_loss[e] < r[s].test_loss[best] ? e : best;
        row->values[FINAL_TRAIN_LOSS][s] = r[s].train_loss[last];
        row->values[FINAL_TEST_LOSS][s] = r[s].test_loss[last];
        row->values[LOWEST_TEST_LOSS][s] = r[s].test_loss[best];
        row->values[ITS_EPOCH][s] = best + 1;
        row->values[FINAL_TRAIN_ERROR][s] = r[s].train_error[last];
        row->values[FINAL_TEST_ERROR][s] = r[s].test_error[last];
    }
}

static const char *const dropout_specs[2] = {
    "conv 16 5, relu, maxpool 2, flatten, dense 128, relu, dense 10",
    "conv 16 5, relu, maxpool 2, flatten, dense 128, relu, dropout 0.5, dense 10",
};

/* The parameters of a network (28x28 inputs), in all and in its largest layer. */
static void count_parameters(lab *b, const char *spec, long *total, long *largest)
{
    sequential net;
    char err[FILE_ERROR_SIZE];
    if (sequential_build(&net, spec, 1, 28, 28, err, sizeof err) != 0)
        die(b, err);
    *total = net.n_params;
    *largest = 0;
    for (int i = 0; i < net.n_layers; i++)
        *largest = net.layers[i].n_params > *largest ? net.layers[i].n_params : *largest;
}

/* final_test_error[v][s]: variant v's (0: no dropout, 1: dropout) final test error, seed s. */
static void dropout_runs(lab *b, const char *set_name, int n_train, int epochs, int seeds,
                         double final_test_error[2][MAX_SEEDS])
{
    const char *const *specs = dropout_specs;
    static run_result r[MAX_SEEDS];
    for (int v = 0; v < 2; v++) {
        table_row row;
        char *variant = row.variant;
        snprintf(variant, sizeof row.variant, "%s on the %s set (%d images)", v ? "dropout 0.5" : "no dropout",
                 set_name, n_train);
        snprintf(row.first, sizeof row.first, "%s", variant);
        for (int s = 0; s < seeds; s++) {
            run_plan p = { .spec = specs[v], .train = &b->data.train_images, .test = &b->data.test_images,
                           .n_train = n_train, .epochs = epochs, .lr = STANDARD_LR, .score_train = SCORE_EVERY_EPOCH,
                           .score_test = SCORE_EVERY_EPOCH };
            run(b, &p, (uint64_t)s + 1, &r[s]);
            results_csv_curves(&b->csv, experiment_names[6], variant, s + 1, &r[s]);
            final_test_error[v][s] = r[s].epochs > 0 ? r[s].test_error[r[s].epochs - 1] : NAN;
        }
        dropout_row(r, seeds, &row);
        table_rows(stdout, &b->csv, experiment_names[6], dropout_columns, 6, &row, 1);
    }
}

static void experiment_dropout(lab *b)
{
    int small = images_for(b, 1000, 500), full = images_for(b, 60000, 5000);
    int small_epochs = epochs_for(b, 30, 15), full_epochs = epochs_for(b, 5, 3);
    int small_seeds = seeds_for(b, 3, 2), full_seeds = seeds_for(b, 2, 1);
    long total, largest;
    char total_text[32], largest_text[32];
    count_parameters(b, dropout_specs[1], &total, &largest);
    with_commas(total, total_text, sizeof total_text);
    with_commas(largest, largest_text, sizeof largest_text);
    lesson_step(7, "Dropout and overfitting (Doshi: \"2 Dropout layers to avoid overfitting\", \"No apparent "
                "overfitting\")");
    printf("A network with one large dense layer (%s of its %s parameters), with and without dropout\n"
           "0.5 before the last layer:\n  conv 16 5, relu, maxpool 2, flatten, dense 128, relu, [dropout 0.5,] "
           "dense 10\n"
           "trained on %d images for %d epoch%s (%d seed%s) and on %d images for %d epoch%s (%d seed%s); after\n"
           "every epoch both the training images (up to %d) and %d test images are scored in test mode.\n"
           "Learning rate %g, SGD with momentum %.1f, mini-batches of %d.\n", largest_text, total_text, small, small_epochs,
           plural(small_epochs), small_seeds, plural(small_seeds), full, full_epochs, plural(full_epochs), full_seeds,
           plural(full_seeds), TRAIN_SCORED, b->n_test, STANDARD_LR, MOMENTUM, BATCH);
    table_header(stdout, "training set, network", dropout_columns, 6);
    double small_error[2][MAX_SEEDS], full_error[2][MAX_SEEDS];
    dropout_runs(b, "small", small, small_epochs, small_seeds, small_error);
    dropout_runs(b, "large", full, full_epochs, full_seeds, full_error);
    printf("(mean ± sd over seeds; the curves, epoch by epoch, are in the CSV file)\n");
    char what[64];
    snprintf(what, sizeof what, "final test error on %d images", small);
    paired_report(stdout, what, small_error[1], small_error[0], small_seeds, 100, " points", "dropout", "none");
    snprintf(what, sizeof what, "final test error on %d images", full);
    paired_report(stdout, what, full_error[1], full_error[0], full_seeds, 100, " points", "dropout", "none");
}

/* ---------------------------------------------------------------- 8. batch normalisation */

static void experiment_batchnorm(lab *b)
{
    static const double full_lrs[3] = { 0.01, 0.05, 0.2 }, quick_lrs[2] = { 0.05, 0.2 };
    sweep w = { .experiment = experiment_names[7], .names = { "no batchnorm", "batchnorm" },
                .specs = { BASE("relu", "maxpool"), "conv 8 5, batchnorm, relu, maxpool 2, conv 16 5, batchnorm, "
                           "relu, maxpool 2, flatten, dense 10" },
                .lrs = b->opt.quick ? quick_lrs : full_lrs, .n_lrs = b->opt.quick ? 2 : 3,
                .n_train = images_for(b, 10000, 2000), .max_epochs = epochs_for(b, 12, 8), .seeds = seeds_for(b, 3, 2),
                .target = b->opt.quick ? 0.93 : 0.97, .on_test_accuracy = 1 };
    lesson_step(8, "Batch normalisation (Notes on CNN): epochs to a test accuracy, with and without");
    printf("The two-convolution network with and without batchnorm between each convolution and its ReLU (Notes\n"
           "on CNN's conv -> BN -> activation -> pooling), the same conv and dense weights at the start:\n"
           "  %s\n", w.specs[1]);
    print_setup(b, w.n_train, w.max_epochs, w.seeds, "at most ");
    char how_many[16];
    printf("Measured: the first epoch after which the test accuracy is at least %.1f%%, at %s learning rate%s.\n",
           100 * w.target, count_words(w.n_lrs, how_many, sizeof how_many), plural(w.n_lrs));
    run_sweep(b, &w);
    print_sweep(b, &w, "network", 1, 2);
    for (int l = 0; l < w.n_lrs; l++) {
        char what[64];
        snprintf(what, sizeof what, "lr %g, epochs to %.1f%%", w.lrs[l], 100 * w.target);
        paired_report(stdout, what, epochs_to_target(&w, 1, l), epochs_to_target(&w, 0, l), w.seeds, 1, "",
                      "batchnorm", "no batchnorm");
    }
}

/* ---------------------------------------------------------------- main: the flags, then each experiment asked for */

/* Is `name` in the comma-separated list (or is the list "all")? */
static int listed(const char *list, const char *name)
{
    size_t n = strlen(name);
    if (strcmp(list, "all") == 0)
        return 1;
    for (const char *at = list; at; at = strchr(at, ',') ? strchr(at, ',') + 1 : NULL)
        if (strncmp(at, name, n) == 0 && (at[n] == ',' || at[n] == '\0'))
            return 1;
    return 0;
}

/* The first word of the list that names no experiment, into bad; 0 if none. */
static int unknown_experiment(const char *list, char *bad, size_t size)
{
    if (strcmp(list, "all") == 0)
        return 0;
    for (const char *at = list; at; at = strchr(at, ',') ? strchr(at, ',') + 1 : NULL) {
        size_t len = strcspn(at, ",");
        int known = 0;
        for (int i = 0; i < N_EXPERIMENTS; i++)
            known |= strlen(experiment_names[i]) == len && strncmp(at, experiment_names[i], len) == 0;
        if (!known) {
            snprintf(bad, size, "%.*s", (int)len, at);
            return 1;
        }
    }
    return 0;
}

static options parse_flags(int argc, char **argv)
{
    options o = { .experiment = "all", .data = "data/mnist", .threads = 2 };
    const flag_spec specs[] = {
        FLAG_SWITCH("--quick", &o.quick, "every experiment on a subset, with fewer seeds (a few minutes in all)"),
        FLAG_TEXT("--experiment", &o.experiment, "NAMES", "relu-tanh, pooling, stacked-3x3, dense-cnn, translation, "
                  "overlap, dropout, batchnorm (one, or several separated by commas), or all"),
        FLAG_INT("--seeds", &o.seeds, 1, MAX_SEEDS, "N", "seeds per network (default: each experiment's own)"),
        FLAG_INT("--max-epochs", &o.max_epochs, 1, MAX_EPOCHS, "N", "train no network longer than N epochs "
                 "(default: each experiment's own; a smoke test: the tables then measure something else)"),
        FLAG_TEXT("--data", &o.data, "DIR", "the four MNIST IDX files"),
        FLAG_TEXT("--csv", &o.csv, "FILE", "every measurement and every table cell, one per line"),
        FLAG_INT("--threads", &o.threads, 1, 64, "N", "threads that share each batch (results do not depend on it)"),
        FLAG_SWITCH("--step", &o.step, "pause before each experiment until Enter is pressed"),
    };
    flag_set set = { program, "15_claims [flags]", specs, (int)(sizeof specs / sizeof specs[0]), 0 };
    flags_parse_or_exit(&set, argc, argv, NULL, NULL);
    char bad[64];
    if (unknown_experiment(o.experiment, bad, sizeof bad)) {
        fprintf(stderr, "%s: --experiment '%s': no experiment '%s'; expected relu-tanh, pooling, stacked-3x3, "
                "dense-cnn, translation, overlap, dropout, batchnorm (or several, separated by commas), or all (try "
                "--help)\n", program, o.experiment, bad);
        exit(2);
    }
    lesson_set_stepping(o.step);
    return o;
}


typedef void (*experiment_fn)(lab *);

int main(int argc, char **argv)
{
    static const experiment_fn experiments[N_EXPERIMENTS] = {
        experiment_relu_tanh, experiment_pooling, experiment_stacked, experiment_dense_cnn,
        experiment_translation, experiment_overlap, experiment_dropout, experiment_batchnorm,
    };
    lab b;
    memset(&b, 0, sizeof b);
    out_file_check_stdout_at_exit(program);
    b.opt = parse_flags(argc, argv);
    printf("Lesson 15: the sources' claims, tested%s\n"
           "=====================================\n", b.opt.quick ? " (--quick: subsets, fewer seeds)" : "");
    lab_open(&b);
    printf("%s: %d training and %d test images of %dx%d; %d thread%s\n", b.opt.data, b.data.train_images.count,
           b.data.test_images.count, b.data.train_images.rows, b.data.train_images.cols, b.opt.threads,
           plural(b.opt.threads));
    double started = wall_clock();
    for (int i = 0; i < N_EXPERIMENTS; i++) {
        if (!listed(b.opt.experiment, experiment_names[i]))
            continue;
        double t = wall_clock();
        experiments[i](&b);
        printf("(experiment %s took %.0f s)\n", experiment_names[i], wall_clock() - t);
        fflush(stdout);
    }
    printf("\nall of it took %.0f s (%.1f min)\n", wall_clock() - started, (wall_clock() - started) / 60);
    lab_close(&b);
    printf("\nNext: lesson 16, training fast: 99.4%% in a minute (notes/16_train_fast.md; build/lessons/16_train_fast).\n");
    return 0;
}
