/* experiment.h: the bookkeeping of an experiment repeated over seeds
 * (lesson 15): every measurement to a CSV file, tables of mean ± sd, and two
 * networks compared seed by seed with Student's t.
 *
 * A lesson 15 experiment trains a few networks (its "variants") from the
 * same seeds and reports, for each variant, a table row of cells; each cell
 * is the mean and sample standard deviation of one measure over its seeds
 * (src/stats.h). Every number behind a row also goes to one CSV file, one
 * line each, so that any table can be recomputed or plotted:
 *
 *     experiment,variant,seed,x,measure,value
 *     pooling,max pooling,1,1,test_error,0.1975        one run (seed 1), after epoch 1
 *     pooling,max pooling,mean,,test_error,0.18225     a table cell: its mean
 *     pooling,max pooling,sd,,test_error,0.0215668     and its sd
 *
 * (build/lessons/15_claims --data data/mnist --quick --seeds 2 --max-epochs 1
 * --experiment pooling --csv FILE)
 *
 * A run is one network trained from one seed (train_run): the lesson says
 * what to train and on what (a run_plan), and gets back its curves (a
 * run_result), ready for a table and the CSV. */
#ifndef EXPERIMENT_H
#define EXPERIMENT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "fit.h"
#include "mnist.h"
#include "out_file.h"
#include "sequential.h"
#include "stats.h"
#include "threadpool.h"
#include "training.h"

/* ---------------------------------------------------------------- the CSV file */

/* The CSV file of every measurement. Zeroed (= {0}) it is closed, and every
 * row written to it is dropped: a lesson run without --csv writes nothing. */
typedef struct {
    out_file file;
    int open;
} results_csv;

/* Start the file at path (src/out_file.h: written beside it, renamed onto it
 * by results_csv_commit; the old file is untouched until then) and write
 * its header line "experiment,variant,seed,x,measure,value". Returns 0, or
 * -1 with one line in err naming path (csv stays closed). */
int results_csv_open(results_csv *csv, const char *path, char *err, size_t err_size);

/* One line: seed is "1", "2", ... for one run, "mean" or "sd" for a table
 * cell; x is an epoch, a shift, or -1 for a number about a whole run
 * (written empty); value is written with 6 significant digits ("%.6g"),
 * and a NaN (none: a target never reached, the sd of one run) is written
 * empty. A comma in variant would end its field: it is written as ';'.
 * Does nothing when csv is NULL or closed. A failed write is remembered and
 * reported by results_csv_commit. */
void results_csv_row(results_csv *csv, const char *experiment, const char *variant, const char *seed, int x,
                     const char *measure, double value);

/* The same, for one run: seed as a number (1, 2, ...). */
void results_csv_run(results_csv *csv, const char *experiment, const char *variant, int seed, int x,
                     const char *measure, double value);

/* Finish the file: it replaces path only now, whole. Returns 0 (also when
 * csv is closed), or -1 with one line in err (a write or the rename failed;
 * the old file at path is untouched). Either way csv is closed afterwards. */
int results_csv_commit(results_csv *csv, char *err, size_t err_size);

/* Give up the file: the temporary file is removed, path is untouched.
 * Harmless on a closed csv. */
void results_csv_abandon(results_csv *csv);

/* ---------------------------------------------------------------- tables */

/* "1.23 ± 0.05": s's mean and sd, each multiplied by scale, with `decimals`
 * decimals; "1.23 (sd n/a)" when s holds one value, "-" when none. Writes
 * into buf (size bytes, truncated to fit) and returns buf. */
const char *mean_sd_text(char *buf, size_t size, summary s, double scale, int decimals);

enum { TABLE_MAX_SEEDS = 20, TABLE_MAX_COLUMNS = 8 };

/* A column of a table: its title; how its cells go to the CSV (measure, and
 * x, -1 for none); how they are printed (times scale: 100 for percent; with
 * `decimals` decimals). */
typedef struct {
    const char *title, *measure;
    int x;
    double scale;
    int decimals;
} table_column;

/* A row: one variant. first is its first cells, already written and joined
 * by " | " ("relu | 0.03 | 2 of 3"); variant names it in the CSV;
 * values[c][s] is column c's measure in the run from seed s + 1 (NaN: none,
 * left out of the cell); seeds runs in all, at most TABLE_MAX_SEEDS. */
typedef struct {
    char first[128], variant[64];
    int seeds;
    double values[TABLE_MAX_COLUMNS][TABLE_MAX_SEEDS];
} table_row;

/* A blank line, then a Markdown table's two header lines: "| " first_titles
 * (the titles of the rows' first cells, joined by " | "), each column's
 * title, and the line of "|---" under them, to out. */
void table_header(FILE *out, const char *first_titles, const table_column *columns, int n_columns);

/* The rows (n_rows), one line each, to out: "| " first, then per column the
 * summary (src/stats.h summarise) of the row's values as mean_sd_text
 * prints it; each cell's mean and sd also to csv (seed "mean" and "sd",
 * the column's measure and x; csv may be NULL or closed). n_columns at most
 * TABLE_MAX_COLUMNS. This is the one table loop every experiment uses. */
void table_rows(FILE *out, results_csv *csv, const char *experiment, const table_column *columns, int n_columns,
                const table_row *rows, int n_rows);

/* ---------------------------------------------------------------- two variants, seed by seed */

/* Two variants compared seed by seed, and the claim that a is lower than b
 * judged by Student's t (src/stats.h paired_interval95, verdict_lower): one
 * line to out with what, the mean ± sd of the differences d_i = a_i - b_i
 * (times scale, then unit), their 95% interval mean -+ t(m - 1) sd/sqrt(m),
 * in how many of the n seeds a is lower, how many were left out, then a
 * second line "  -> a_name lower: shown | not shown | contradicted".
 * Seeds where either value is NaN (a run that diverged or never reached its
 * target) are left out; m is how many are left. Returns the verdict. */
verdict paired_report(FILE *out, const char *what, const double *a, const double *b, int n, double scale,
                      const char *unit, const char *a_name, const char *b_name);

/* ---------------------------------------------------------------- one training run */

enum { RUN_MAX_EPOCHS = 40 };

/* When a run scores a set (in test mode): never, after its last epoch, or after every epoch. */
enum { SCORE_NEVER, SCORE_AT_END, SCORE_EVERY_EPOCH };

/* What every run of a lesson shares: its labels, how much is scored, the
 * training recipe (src/fit.h: SGD with momentum, mini-batches of `batch`)
 * and the threads. */
typedef struct {
    const label_set *train_labels, *test_labels;
    int n_test;                 /* the first n_test test images are scored */
    int train_scored;           /* at most this many training images are scored */
    int batch;                  /* images per mini-batch when training */
    double momentum;
    int eval_batch;             /* images per batch when only scoring */
    thread_pool *pool;          /* shared by every run; the numbers do not depend on its threads */
} run_setup;

/* One run: a network (spec: src/sequential.h's text, e.g. "conv 16 5, relu,
 * maxpool 2, flatten, dense 10") trained on the first n_train images of
 * train, for `epochs` epochs (at most RUN_MAX_EPOCHS) or until a stop, at
 * learning rate lr, each image moved by up to `shift` pixels each way
 * (src/training.h draw_shifts; 0: as they are); test is the set scored as
 * the test set (the same size of image as train). */
typedef struct {
    const char *spec;
    const image_set *train, *test;
    int n_train, epochs, shift;
    double lr;
    int score_train;            /* the training images: SCORE_NEVER, SCORE_AT_END, SCORE_EVERY_EPOCH */
    int score_test;             /* the test images: the same */
    double stop_train_error;    /* stop once the training error is at most this (0: run every epoch) */
    double stop_test_accuracy;  /* stop once the test accuracy is at least this (0: run every epoch) */
} run_plan;

/* A run's numbers, epoch e (0-based) at index e. The losses (mean
 * cross-entropy) and errors (fraction wrong) are in test mode (dropout off,
 * batchnorm on its running averages), NAN after an epoch where that set was
 * not scored. */
typedef struct {
    long n_params;
    int epochs;                 /* epochs run */
    int diverged;               /* the loss stopped being a number: training ended there, unscored */
    double train_loss[RUN_MAX_EPOCHS], train_error[RUN_MAX_EPOCHS];
    double test_loss[RUN_MAX_EPOCHS], test_error[RUN_MAX_EPOCHS];
    double seconds[RUN_MAX_EPOCHS];       /* training time so far, wall clock (scoring excluded) */
    double cpu_seconds[RUN_MAX_EPOCHS];   /* the same in processor time (all threads) */
} run_result;

/* A network being trained: its parameters, its runner, its training loop. */
typedef struct {
    sequential net;
    real *params, *stats;
    sequential_runner runner;
    fit_state fit;
    int eval_batch;
    real *x;                    /* (eval_batch, rows, cols) */
    int *labels;                /* (eval_batch) */
} trial;

/* Train the plan's network from `seed` (its initial weights: rng_seeded(seed),
 * the same draws for networks of the same shapes; its batches' order and
 * shifts: seed + 1; dropout's masks: seed) for its epochs, or until its
 * stop, scoring the sets after the epochs the plan says. *r is OVERWRITTEN.
 * t is left open, for more scoring (trial_score): the caller ends it with
 * trial_end. Returns 0, or -1 with one line in err when the spec does not
 * describe a network for these images or epochs exceeds RUN_MAX_EPOCHS
 * (then t needs no trial_end). Out of memory: exits with a message, as
 * tensor_alloc does. */
int train_run(const run_setup *u, const run_plan *p, uint64_t seed, run_result *r, trial *t, char *err,
              size_t err_size);

/* The same, and the trial ended. */
int run_once(const run_setup *u, const run_plan *p, uint64_t seed, run_result *r, char *err, size_t err_size);

/* The first `count` images of a set, each moved down by dy and right by dx
 * (zero fill: src/training.h moved_image), through the trained network in
 * test mode: the mean loss and the accuracy. */
set_score trial_score(trial *t, const image_set *images, const label_set *labels, int count, int dy, int dx);

void trial_end(trial *t);

/* The last value of a curve that was measured, epochs 0 .. epochs - 1 (NAN if none). */
double last_measured(const double *curve, int epochs);

/* A run's numbers to the CSV: its parameters and whether it diverged (no
 * x), then per epoch the losses and errors that were measured, the seconds
 * and the processor seconds (x: the epoch, from 1). Nothing when csv is
 * NULL or closed. */
void results_csv_curves(results_csv *csv, const char *experiment, const char *variant, int seed,
                        const run_result *r);

/* "s" after a count that is not 1: "%d epoch%s", n, plural(n). */
const char *plural(int n);

#endif
