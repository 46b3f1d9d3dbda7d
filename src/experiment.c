/* experiment.c: see experiment.h. */
#include "experiment.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "conv.h"       /* ENGINE_FAST */
#include "minibatch.h"  /* minibatch_forward */
#include "rng.h"
#include "roofline.h"   /* wall_clock */
#include "tensor.h"     /* tensor_alloc, checked_calloc */

/* ---------------------------------------------------------------- the CSV file */

int results_csv_open(results_csv *csv, const char *path, char *err, size_t err_size)
{
    csv->open = 0;
    if (out_file_open(&csv->file, path, err, err_size) != 0)
        return -1;
    csv->open = 1;
    out_file_printf(&csv->file, "experiment,variant,seed,x,measure,value\n");
    return 0;
}

/* A field: a comma inside would end it, so it becomes ';'. */
static const char *csv_field(const char *text, char *buf, size_t size)
{
    snprintf(buf, size, "%s", text);
    for (char *c = buf; *c; c++)
        *c = *c == ',' ? ';' : *c;
    return buf;
}

void results_csv_row(results_csv *csv, const char *experiment, const char *variant, const char *seed, int x,
                     const char *measure, double value)
{
    char at[16] = "", name[128], number[32] = "";
    if (!csv || !csv->open)
        return;
    if (x >= 0)
        snprintf(at, sizeof at, "%d", x);
    if (!isnan(value))                               /* no value: a target never reached, the sd of one run */
        snprintf(number, sizeof number, "%.6g", value);
    out_file_printf(&csv->file, "%s,%s,%s,%s,%s,%s\n", experiment, csv_field(variant, name, sizeof name), seed, at,
                    measure, number);
}

void results_csv_run(results_csv *csv, const char *experiment, const char *variant, int seed, int x,
                     const char *measure, double value)
{
    char s[16];
    snprintf(s, sizeof s, "%d", seed);
    results_csv_row(csv, experiment, variant, s, x, measure, value);
}

int results_csv_commit(results_csv *csv, char *err, size_t err_size)
{
    if (!csv->open)
        return 0;
    csv->open = 0;
    return out_file_commit(&csv->file, err, err_size);
}

void results_csv_abandon(results_csv *csv)
{
    if (csv->open)
        out_file_abandon(&csv->file);
    csv->open = 0;
}

/* ---------------------------------------------------------------- tables */

const char *mean_sd_text(char *buf, size_t size, summary s, double scale, int decimals)
{
    if (s.n == 0)
        snprintf(buf, size, "-");
    else if (s.n == 1)
        snprintf(buf, size, "%.*f (sd n/a)", decimals, s.mean * scale);
    else
        snprintf(buf, size, "%.*f ± %.*f", decimals, s.mean * scale, decimals, s.sd * scale);
    return buf;
}

void table_header(FILE *out, const char *first_titles, const table_column *columns, int n_columns)
{
    int cells = 1 + n_columns;
    for (const char *c = first_titles; *c; c++)
        cells += *c == '|';                          /* "network | parameters": two first cells */
    fprintf(out, "\n| %s", first_titles);
    for (int c = 0; c < n_columns; c++)
        fprintf(out, " | %s", columns[c].title);
    fprintf(out, " |\n");
    for (int c = 0; c < cells; c++)
        fprintf(out, "|---");
    fprintf(out, "|\n");
}

void table_rows(FILE *out, results_csv *csv, const char *experiment, const table_column *columns, int n_columns,
                const table_row *rows, int n_rows)
{
    for (int r = 0; r < n_rows; r++) {
        const table_row *row = &rows[r];
        fprintf(out, "| %s", row->first);
        for (int c = 0; c < n_columns && c < TABLE_MAX_COLUMNS; c++) {
            const table_column *col = &columns[c];
            char text[64];
            summary s = summarise(row->values[c], row->seeds);
            results_csv_row(csv, experiment, row->variant, "mean", col->x, col->measure, s.mean);
            results_csv_row(csv, experiment, row->variant, "sd", col->x, col->measure, s.sd);
            fprintf(out, " | %s", mean_sd_text(text, sizeof text, s, col->scale, col->decimals));
        }
        fprintf(out, " |\n");
    }
}

/* ---------------------------------------------------------------- two variants, seed by seed */

verdict paired_report(FILE *out, const char *what, const double *a, const double *b, int n, double scale,
                      const char *unit, const char *a_name, const char *b_name)
{
    double *d = checked_calloc(n > 0 ? (size_t)n : 1, sizeof *d, "the differences of a comparison");
    int lower = 0;
    for (int i = 0; i < n; i++) {
        d[i] = a[i] - b[i];
        lower += a[i] < b[i];
    }
    char text[64], interval[160] = "; no interval from fewer than 2 seeds";
    summary s = summarise(d, n);
    interval95 ci = paired_interval95(d, n);
    free(d);
    if (ci.n > 1)
        snprintf(interval, sizeof interval, "; 95%% interval %+.2f to %+.2f (t(%d) = %.3f times the standard error "
                 "%.2f)", ci.lo * scale, ci.hi * scale, ci.n - 1, t_critical_95(ci.n - 1), ci.se * scale);
    fprintf(out, "%s, %s minus %s, seed by seed: %s%s%s; %s is lower in %d of %d seed%s", what, a_name, b_name,
            mean_sd_text(text, sizeof text, s, scale, 2), unit, interval, a_name, lower, n, plural(n));
    if (s.n < n)
        fprintf(out, " (%d left out: %s that never got there)", n - s.n, n - s.n == 1 ? "a run" : "runs");
    verdict v = verdict_lower(ci);
    fprintf(out, "\n  -> %s lower: %s\n", a_name, verdict_name(v));
    return v;
}

/* ---------------------------------------------------------------- one training run */

static int trial_start(trial *t, const run_setup *u, const run_plan *p, uint64_t seed, char *err, size_t err_size)
{
    const image_set *images = p->train;
    memset(t, 0, sizeof *t);
    if (sequential_build(&t->net, p->spec, 1, images->rows, images->cols, err, err_size) != 0)
        return -1;
    t->params = tensor_alloc((size_t)t->net.n_params, "parameters");
    t->stats = tensor_alloc((size_t)t->net.n_stats + 1, "running statistics");
    rng_t init = rng_seeded(seed);                   /* the same draws for networks of the same shapes */
    sequential_init(&t->net, t->params, t->stats, &init);
    sequential_runner_init(&t->runner, &t->net, t->params, t->stats, ENGINE_FAST, u->pool, u->eval_batch);
    t->runner.model.seed = seed;                     /* dropout's masks */
    t->runner.model.fuse_pool = 1;                   /* no layer's output is read but by the next */
    fit_init(&t->fit, &t->runner, t->params, t->stats, images, u->train_labels, p->n_train, u->batch, p->shift,
             OPTIMIZER_SGD, u->momentum, seed + 1);
    t->eval_batch = u->eval_batch;
    t->x = tensor_alloc((size_t)u->eval_batch * images->rows * images->cols, "a batch's images");
    t->labels = checked_calloc((size_t)u->eval_batch, sizeof(int), "a batch's labels");
    return 0;
}

void trial_end(trial *t)
{
    fit_free(&t->fit);
    sequential_runner_free(&t->runner);
    free(t->params);
    free(t->stats);
    free(t->x);
    free(t->labels);
}

set_score trial_score(trial *t, const image_set *images, const label_set *labels, int count, int dy, int dx)
{
    long pixels = (long)images->rows * images->cols;
    double loss = 0;
    long correct = 0;
    t->runner.model.training = 0;
    for (int first = 0; first < count; first += t->eval_batch) {
        int n = count - first < t->eval_batch ? count - first : t->eval_batch;
        for (int i = 0; i < n; i++) {
            moved_image(images, first + i, dy, dx, t->x + i * pixels);
            t->labels[i] = labels->labels[first + i];
        }
        batch_score s = minibatch_forward(&t->runner.batches, t->x, t->labels, n, NULL);
        loss += s.loss;
        correct += s.correct;
    }
    return (set_score){ loss / count, (double)correct / count };
}

/* After epoch e (0-based): score the sets whose plan says `when`
 * (SCORE_EVERY_EPOCH, or SCORE_AT_END once the run ends), unless already scored. */
static void score_epoch(trial *t, const run_setup *u, const run_plan *p, int e, int when, run_result *r)
{
    if (p->score_train >= when && isnan(r->train_error[e])) {
        int count = p->n_train < u->train_scored ? p->n_train : u->train_scored;
        set_score s = trial_score(t, p->train, u->train_labels, count, 0, 0);
        r->train_loss[e] = s.loss;
        r->train_error[e] = 1 - s.accuracy;
    }
    if (p->score_test >= when && isnan(r->test_error[e])) {
        set_score s = trial_score(t, p->test, u->test_labels, u->n_test, 0, 0);
        r->test_loss[e] = s.loss;
        r->test_error[e] = 1 - s.accuracy;
    }
}

static int reached_stop(const run_plan *p, const run_result *r, int e)
{
    return (p->stop_train_error > 0 && r->train_error[e] <= p->stop_train_error)
        || (p->stop_test_accuracy > 0 && 1 - r->test_error[e] >= p->stop_test_accuracy);
}

int train_run(const run_setup *u, const run_plan *p, uint64_t seed, run_result *r, trial *t, char *err,
              size_t err_size)
{
    double wall = 0, cpu = 0;
    memset(r, 0, sizeof *r);
    if (p->epochs > RUN_MAX_EPOCHS) {
        snprintf(err, err_size, "%d epochs: at most %d", p->epochs, RUN_MAX_EPOCHS);
        return -1;
    }
    if (trial_start(t, u, p, seed, err, err_size) != 0)
        return -1;
    r->n_params = t->net.n_params;
    for (int e = 0; e < p->epochs; e++) {
        int bad_batch;
        double started = wall_clock();
        clock_t cpu_started = clock();
        fit_epoch(&t->fit, p->lr, NULL, e + 1, p->epochs, &bad_batch);
        wall += wall_clock() - started;
        cpu += (double)(clock() - cpu_started) / CLOCKS_PER_SEC;
        r->seconds[e] = wall;
        r->cpu_seconds[e] = cpu;
        r->train_loss[e] = r->train_error[e] = r->test_loss[e] = r->test_error[e] = NAN;
        if (bad_batch) {
            r->diverged = 1;                         /* the loss is not a number: no scores */
            break;
        }
        r->epochs = e + 1;
        score_epoch(t, u, p, e, SCORE_EVERY_EPOCH, r);
        int stop = reached_stop(p, r, e);
        if (stop || e + 1 == p->epochs)
            score_epoch(t, u, p, e, SCORE_AT_END, r);
        if (stop)
            break;
    }
    return 0;
}

int run_once(const run_setup *u, const run_plan *p, uint64_t seed, run_result *r, char *err, size_t err_size)
{
    trial t;
    if (train_run(u, p, seed, r, &t, err, err_size) != 0)
        return -1;
    trial_end(&t);
    return 0;
}

double last_measured(const double *curve, int epochs)
{
    for (int e = epochs - 1; e >= 0; e--)
        if (!isnan(curve[e]))
            return curve[e];
    return NAN;
}

void results_csv_curves(results_csv *csv, const char *experiment, const char *variant, int seed,
                        const run_result *r)
{
    results_csv_run(csv, experiment, variant, seed, -1, "parameters", (double)r->n_params);
    results_csv_run(csv, experiment, variant, seed, -1, "diverged", r->diverged);
    for (int e = 0; e < r->epochs; e++) {
        if (!isnan(r->train_error[e])) {
            results_csv_run(csv, experiment, variant, seed, e + 1, "train_loss", r->train_loss[e]);
            results_csv_run(csv, experiment, variant, seed, e + 1, "train_error", r->train_error[e]);
        }
        if (!isnan(r->test_error[e])) {
            results_csv_run(csv, experiment, variant, seed, e + 1, "test_loss", r->test_loss[e]);
            results_csv_run(csv, experiment, variant, seed, e + 1, "test_error", r->test_error[e]);
        }
        results_csv_run(csv, experiment, variant, seed, e + 1, "seconds", r->seconds[e]);
        results_csv_run(csv, experiment, variant, seed, e + 1, "cpu_seconds", r->cpu_seconds[e]);
    }
}

const char *plural(int n)
{
    return n == 1 ? "" : "s";
}
