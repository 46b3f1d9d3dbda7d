/* experiment.c: see experiment.h. */
#include "experiment.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tensor.h"   /* checked_calloc */

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

const char *plural(int n)
{
    return n == 1 ? "" : "s";
}
