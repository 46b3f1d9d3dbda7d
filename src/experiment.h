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
 *     pooling,max pooling,1,3,test_error,0.0213      one run (seed 1), after epoch 3
 *     pooling,max pooling,mean,,test_error,0.0211    a table cell: its mean
 *     pooling,max pooling,sd,,test_error,0.0004      and its sd
 *
 * Nothing here trains anything: the lesson does, and hands the numbers over. */
#ifndef EXPERIMENT_H
#define EXPERIMENT_H

#include <stddef.h>
#include <stdio.h>

#include "out_file.h"
#include "stats.h"

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

/* "s" after a count that is not 1: "%d epoch%s", n, plural(n). */
const char *plural(int n);

#endif
