/* tests/unit_stats.c: the statistics of an experiment over seeds
 * (src/stats.h) and its bookkeeping (src/experiment.h), on values:
 *
 *   - the sample standard deviation (n - 1), NaN for one value; summarise's
 *     cells leave NaN out and give sample_mean_sd's numbers to the last bit;
 *   - the first epoch reaching a target, or 0 (never);
 *   - Student's t critical values against a numerical integral of its
 *     density; the paired 95% interval and its three verdicts;
 *   - the CSV file: its header, one line per number, ';' for a comma, NaN
 *     and no x written empty, nothing written when closed, the old file
 *     kept when abandoned, one line naming the path when it cannot open;
 *   - a table: its header lines, and each cell's printed mean ± sd and its
 *     CSV mean and sd computed from the row's values;
 *   - the paired report: the interval printed is paired_interval95's, the
 *     runs left out are counted, the verdict returned is verdict_lower's. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "experiment.h"
#include "file_error.h"
#include "harness.h"
#include "stats.h"

#define M_PI_VALUE 3.14159265358979323846

/* ---------------------------------------------------------------- the statistics */

static void test_mean_and_sample_spread(void)
{
    static const double three[3] = { 1.2, 1.0, 1.4 }, one[1] = { 0.5 };
    double mean, sd, lo, hi;
    sample_mean_sd(three, 3, &mean, &sd);
    CHECK_NEAR(mean, 1.2, 1e-12);
    CHECK_NEAR(sd, 0.2, 1e-12);                                      /* n - 1; dividing by n gives 0.163 */
    sample_range(three, 3, &lo, &hi);
    CHECK(lo == 1.0 && hi == 1.4);
    sample_mean_sd(one, 1, &mean, &sd);
    CHECK(mean == 0.5 && isnan(sd));                                 /* one run has no spread */
    sample_mean_sd(one, 0, &mean, &sd);
    CHECK(isnan(mean) && isnan(sd));
    static const double far[4] = { 1e9 + 0.5, 1e9 + 1.5, 1e9 + 2.5, 1e9 + 3.5 };
    sample_mean_sd(far, 4, &mean, &sd);
    CHECK_NEAR(sd, sqrt(5.0 / 3), 1e-9);                             /* no cancellation */
}

static void test_first_epoch_reaching(void)
{
    static const double errors[5] = { 0.09, 0.04, 0.02, 0.03, 0.01 };
    static const double accuracy[3] = { 0.90, 0.97, 0.96 };
    CHECK_INT(first_epoch_reaching(errors, 5, 0.02, 0), 3);           /* curve[2] is after epoch 3 */
    CHECK_INT(first_epoch_reaching(errors, 5, 0.10, 0), 1);
    CHECK_INT(first_epoch_reaching(errors, 5, 0.005, 0), NEVER_REACHED);
    CHECK_INT(NEVER_REACHED, 0);                                     /* not the last epoch */
    CHECK_INT(first_epoch_reaching(accuracy, 3, 0.97, 1), 2);         /* equal counts */
    CHECK_INT(first_epoch_reaching(accuracy, 3, 0.98, 1), NEVER_REACHED);
}

/* P(|T| <= c) for Student's t with df degrees of freedom: twice the integral
 * of its density from 0 to c (Simpson's rule, 20,000 intervals), computed
 * here independently of the table in src/stats.c. */
static double t_central_probability(int df, double c)
{
    double v = df, k = exp(lgamma((v + 1) / 2) - lgamma(v / 2)) / sqrt(v * M_PI_VALUE);
    enum { STEPS = 20000 };
    double h = c / STEPS, sum = 0;
    for (int i = 0; i <= STEPS; i++) {
        double t = i * h, f = k * pow(1 + t * t / v, -(v + 1) / 2);
        sum += f * (i == 0 || i == STEPS ? 1 : i % 2 ? 4 : 2);
    }
    return 2 * sum * h / 3;
}

/* Every tabulated critical value leaves 95% in the middle, to the table's
 * three decimals; the textbook ones by name; beyond the table it errs wide. */
static void test_t_critical_values(void)
{
    CHECK_NEAR(t_critical_95(1), 12.706, 1e-9);
    CHECK_NEAR(t_critical_95(2), 4.303, 1e-9);                        /* 3 seeds */
    CHECK_NEAR(t_critical_95(4), 2.776, 1e-9);                        /* 5 seeds */
    for (int df = 1; df <= 100; df++) {
        double c = t_critical_95(df), p = t_central_probability(df, c);
        if (df <= 30 || df == 40 || df == 60 || df == 100)
            CHECK_NEAR(p, 0.95, 8e-5);                                 /* 0.0005 in c moves p by < 6e-5 */
        else
            CHECK(p >= 0.95 - 8e-5);                                   /* between rows: at least 95% */
        CHECK(c >= 1.96 && (df == 1 || c <= t_critical_95(df - 1)));
    }
    CHECK_NEAR(t_critical_95(1000), 1.984, 1e-9);
    CHECK(isnan(t_critical_95(0)));
}

/* The 95% interval of paired differences, and the three verdicts. */
static void test_interval_and_verdict(void)
{
    /* -1, -2, -3: mean -2, sd 1, se 1/sqrt(3) = 0.577, 3.46 standard errors below 0 and
     * lower in every seed, which the old rule (3 SE and the same sign) called a result;
     * Student's t with 2 degrees of freedom needs 4.303: the interval contains 0. */
    static const double three[3] = { -1, -2, -3 };
    interval95 ci = paired_interval95(three, 3);
    CHECK_INT(ci.n, 3);
    CHECK_NEAR(ci.mean, -2, 1e-12);
    CHECK_NEAR(ci.se, 1 / sqrt(3.0), 1e-12);
    CHECK(-ci.mean / ci.se >= 3);                                      /* passes 3 SE */
    CHECK_NEAR(ci.lo, -2 - 4.303 / sqrt(3.0), 1e-9);
    CHECK_NEAR(ci.hi, -2 + 4.303 / sqrt(3.0), 1e-9);                   /* +0.484 */
    CHECK_INT(verdict_lower(ci), NOT_SHOWN);                           /* t rejects */
    /* Five seeds: t(4) = 2.776. */
    static const double five[5] = { -1.0, -1.2, -0.8, -1.1, -0.9 }, up[5] = { 1.0, 1.2, 0.8, 1.1, 0.9 };
    ci = paired_interval95(five, 5);
    CHECK_NEAR(ci.hi, -1 + 2.776 * sqrt(0.025) / sqrt(5.0), 1e-9);
    CHECK_INT(verdict_lower(ci), SHOWN);
    CHECK_INT(verdict_lower(paired_interval95(up, 5)), CONTRADICTED);
    /* NaN (never reached) is left out; one value gives no interval and no verdict. */
    static const double gaps[4] = { -1, NAN, -3, NAN };
    ci = paired_interval95(gaps, 4);
    CHECK_INT(ci.n, 2);
    CHECK_NEAR(ci.lo, -2 - 12.706 * sqrt(2.0) / sqrt(2.0), 1e-9);
    ci = paired_interval95(gaps, 2);
    CHECK(ci.n == 1 && isnan(ci.lo) && isnan(ci.hi));
    CHECK_INT(verdict_lower(ci), NOT_SHOWN);
    CHECK(strcmp(verdict_name(SHOWN), verdict_name(NOT_SHOWN)) != 0);
}

/* Cells over seeds: NaN left out, the numbers of sample_mean_sd on the
 * rest exactly, the range; none left and one left. */
static void test_summarise_leaves_nan_out(void)
{
    static const double x[6] = { NAN, 1.2, 1.0, NAN, 1.4, NAN }, kept[3] = { 1.2, 1.0, 1.4 };
    double mean, sd;
    sample_mean_sd(kept, 3, &mean, &sd);
    summary s = summarise(x, 6);
    CHECK_INT(s.n, 3);
    CHECK(s.mean == mean && s.sd == sd);                               /* to the last bit */
    CHECK_NEAR(s.sd, 0.2, 1e-12);
    CHECK(s.lo == 1.0 && s.hi == 1.4);
    s = summarise(x, 1);
    CHECK(s.n == 0 && isnan(s.mean) && isnan(s.sd) && isnan(s.lo) && isnan(s.hi));
    s = summarise(x, 2);
    CHECK(s.n == 1 && s.mean == 1.2 && isnan(s.sd) && s.lo == 1.2 && s.hi == 1.2);
    static const double negative[3] = { -3, -1, -2 };
    s = summarise(negative, 3);
    CHECK(s.lo == -3 && s.hi == -1 && s.mean == -2 && s.sd == 1);
}

static void test_mean_sd_text(void)
{
    static const double two[2] = { 0.01, 0.03 }, one[1] = { 0.015 }, none[1] = { NAN };
    char buf[64];
    summary s = summarise(two, 2);
    mean_sd_text(buf, sizeof buf, s, 100, 2);
    CHECK_NUMBER(buf, "", 2, 1e-12);                                   /* the mean, in percent */
    CHECK_NUMBER(buf, "±", 100 * sqrt(2e-4), 0.005);                   /* sd 1.41 */
    CHECK(strcmp(buf, "2.00 ± 1.41") == 0);
    mean_sd_text(buf, sizeof buf, summarise(one, 1), 1, 3);
    CHECK(strcmp(buf, "0.015 (sd n/a)") == 0);                         /* one run: no spread */
    mean_sd_text(buf, sizeof buf, summarise(none, 1), 1, 3);
    CHECK(strcmp(buf, "-") == 0);                                      /* no run reached it */
    char small[6];
    CHECK(mean_sd_text(small, sizeof small, s, 100, 2) == small && strlen(small) == 5);   /* cut to fit */
}

/* ---------------------------------------------------------------- the CSV file */

static int file_exists(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f)
        fclose(f);
    return f != NULL;
}

static void test_csv_file(void)
{
    const char *path = tmp_path("results.csv");
    char err[FILE_ERROR_SIZE];
    results_csv csv = { 0 };
    remove(path);                                                        /* from an earlier run */
    results_csv_row(&csv, "pooling", "max", "1", 3, "test_error", 0.5);    /* closed: dropped */
    results_csv_row(NULL, "pooling", "max", "1", 3, "test_error", 0.5);
    CHECK_INT(results_csv_commit(&csv, err, sizeof err), 0);             /* nothing to commit */
    CHECK(!file_exists(path));                                           /* and nothing written */
    CHECK_INT(results_csv_open(&csv, path, err, sizeof err), 0);
    results_csv_run(&csv, "pooling", "max pooling", 2, 3, "test_error", 0.0213456789);
    results_csv_row(&csv, "pooling", "a, b", "mean", -1, "test_error", 1.5);
    results_csv_row(&csv, "pooling", "max pooling", "sd", -1, "test_error", NAN);
    results_csv_run(&csv, "relu-tanh", "relu lr 0.03", 1, 0, "seconds", 123456789.0);
    CHECK(!file_exists(path));                                           /* not there before the commit */
    CHECK_INT(results_csv_commit(&csv, err, sizeof err), 0);
    CHECK_INT(csv.open, 0);
    char *text = read_text_file(path);
    CHECK(text && strcmp(text, "experiment,variant,seed,x,measure,value\n"
                               "pooling,max pooling,2,3,test_error,0.0213457\n"
                               "pooling,a; b,mean,,test_error,1.5\n"
                               "pooling,max pooling,sd,,test_error,\n"
                               "relu-tanh,relu lr 0.03,1,0,seconds,1.23457e+08\n") == 0);
    /* Abandoned: the file written before is still there, whole. */
    CHECK_INT(results_csv_open(&csv, path, err, sizeof err), 0);
    results_csv_run(&csv, "pooling", "max pooling", 1, 1, "test_error", 0.25);
    results_csv_abandon(&csv);
    results_csv_abandon(&csv);                                           /* harmless twice */
    char *again = read_text_file(path);
    CHECK(text && again && strcmp(text, again) == 0);
    free(text);
    free(again);
    /* A directory that is not there: -1, one line naming the path, still closed. */
    char missing[512];
    snprintf(missing, sizeof missing, "%s/no such directory/x.csv", make_tmp_dir("unit_stats"));
    CHECK_INT(results_csv_open(&csv, missing, err, sizeof err), -1);
    CHECK_CONTAINS(err, "x.csv");
    CHECK(strchr(err, '\n') == NULL);
    CHECK_INT(csv.open, 0);
}

/* ---------------------------------------------------------------- tables */

/* What fn printed to a file, as a string (free it). */
static char *printed(void (*fn)(FILE *))
{
    const char *path = tmp_path("printed.txt");
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (!f)
        return NULL;
    fn(f);
    CHECK(fclose(f) == 0);
    return read_text_file(path);
}

static const table_column columns[2] = {
    { "test error (%)", "test_error", -1, 100, 2 },
    { "moved by 2", "test_accuracy_moved", 2, 1, 3 },
};

static void print_header(FILE *out)
{
    table_header(out, "network | parameters", columns, 2);
}

static void test_table_header(void)
{
    char *text = printed(print_header);
    CHECK(text && strcmp(text, "\n| network | parameters | test error (%) | moved by 2 |\n|---|---|---|---|\n") == 0);
    free(text);
}

static table_row rows[2];
static results_csv table_csv;

static void print_rows(FILE *out)
{
    table_rows(out, &table_csv, "pooling", columns, 2, rows, 2);
}

/* Two rows of three seeds: each printed cell is the mean ± sd of its
 * values (times the column's scale), and the CSV gets the same mean and
 * sd, unscaled, under the column's measure and x. */
static void test_table_rows(void)
{
    static const double values[2][2][3] = {
        { { 0.02, 0.03, 0.04 }, { 0.9, 0.8, NAN } },
        { { 0.05, 0.05, 0.08 }, { NAN, NAN, NAN } },
    };
    char err[FILE_ERROR_SIZE];
    for (int r = 0; r < 2; r++) {
        snprintf(rows[r].first, sizeof rows[r].first, "%s | %d", r ? "avg, pool" : "max", 5994 + r);
        snprintf(rows[r].variant, sizeof rows[r].variant, "%s", r ? "avg, pool" : "max");
        rows[r].seeds = 3;
        memcpy(rows[r].values[0], values[r][0], sizeof values[r][0]);
        memcpy(rows[r].values[1], values[r][1], sizeof values[r][1]);
    }
    CHECK_INT(results_csv_open(&table_csv, tmp_path("table.csv"), err, sizeof err), 0);
    char *text = printed(print_rows);
    CHECK_INT(results_csv_commit(&table_csv, err, sizeof err), 0);
    char *csv = read_text_file(tmp_path("table.csv"));
    CHECK_ROW(text, "| max |", 1e-9, 5994, 3.00, 1.00, 0.850, 0.071);  /* sd 0.0707 to 3 decimals */
    CHECK_NUMBER(text, "| avg, pool | 5995 |", 6.00, 1e-9);
    CHECK_NUMBER(text, "| avg, pool | 5995 | 6.00 ±", 100 * sqrt(3e-4), 0.005);
    CHECK_CONTAINS(text, " | - |\n");                                  /* no value in the cell */
    CHECK_INT(count_lines_containing(text, "|"), 2);                  /* one line a row */
    CHECK_NUMBER(csv, "\npooling,max,mean,,test_error,", 0.03, 1e-9);
    CHECK_NUMBER(csv, "\npooling,max,sd,,test_error,", 0.01, 1e-9);
    CHECK_NUMBER(csv, "\npooling,max,mean,2,test_accuracy_moved,", 0.85, 1e-9);
    CHECK_NUMBER(csv, "\npooling,max,sd,2,test_accuracy_moved,", sqrt(0.005), 1e-6);
    CHECK_NUMBER(csv, "\npooling,avg; pool,mean,,test_error,", 0.06, 1e-9);
    CHECK_CONTAINS(csv, "\npooling,avg; pool,mean,2,test_accuracy_moved,\n");   /* none: empty */
    CHECK_INT(count_lines_containing(csv, "pooling,"), 8);              /* 2 rows x 2 cells x (mean, sd) */
    free(text);
    free(csv);
}

/* ---------------------------------------------------------------- the paired report */

static verdict reported;

/* Three seeds, a lower by 1, 2, 3: 3.46 standard errors, not 4.303. */
static void print_three(FILE *out)
{
    static const double a[3] = { 0, 0, 0 }, b[3] = { 1, 2, 3 };
    reported = paired_report(out, "test error", a, b, 3, 100, " points", "max", "average");
}

/* Five seeds, one of them never reached (NaN in a): four kept. */
static void print_five(FILE *out)
{
    static const double a[5] = { 1.0, NAN, 1.0, 1.0, 1.0 }, b[5] = { 2.0, 2.2, 1.8, 2.1, 1.9 };
    reported = paired_report(out, "epochs", a, b, 5, 1, "", "ReLU", "tanh");
}

/* One seed, a tie: not lower. */
static void print_one(FILE *out)
{
    static const double a[1] = { 1 }, b[1] = { 1 };
    reported = paired_report(out, "epochs", a, b, 1, 1, "", "ReLU", "tanh");
}

static void test_paired_report(void)
{
    char *text = printed(print_three);
    static const double d[3] = { -1, -2, -3 };
    interval95 ci = paired_interval95(d, 3);
    CHECK_ROW(text, "seed by seed:", 1e-9, -200.00, 100.00);             /* mean ± sd, in points */
    CHECK_ROW(text, "95% interval", 0.005, 100 * ci.lo, 100 * ci.hi);
    CHECK_NUMBER(text, "t(", 2, 0);
    CHECK_NUMBER(text, ") =", 4.303, 0);
    CHECK_NUMBER(text, "standard error", 100 / sqrt(3.0), 0.005);
    CHECK_ROW(text, "is lower in", 0, 3, 3);
    CHECK_INT(reported, NOT_SHOWN);
    CHECK_CONTAINS(text, "-> max lower: not shown\n");
    free(text);

    text = printed(print_five);
    static const double kept[4] = { -1.0, -0.8, -1.1, -0.9 };
    ci = paired_interval95(kept, 4);
    CHECK_ROW(text, "95% interval", 0.005, ci.lo, ci.hi);
    CHECK_NUMBER(text, "t(", 3, 0);
    CHECK_ROW(text, "is lower in", 0, 4, 5);                            /* NaN < x is false */
    CHECK_NUMBER(text, "seeds (", 1, 0);                               /* one left out */
    CHECK_INT(reported, SHOWN);
    free(text);

    text = printed(print_one);
    CHECK(text && strstr(text, "95% interval") == NULL);               /* no interval from one seed */
    CHECK_ROW(text, "is lower in", 0, 0, 1);                            /* equal is not lower */
    CHECK_NUMBER(text, "seed by seed:", 0, 0);
    CHECK_INT(reported, NOT_SHOWN);
    free(text);
}

int main(void)
{
    make_tmp_dir("unit_stats");
    RUN_TEST(test_mean_and_sample_spread);
    RUN_TEST(test_first_epoch_reaching);
    RUN_TEST(test_t_critical_values);
    RUN_TEST(test_interval_and_verdict);
    RUN_TEST(test_summarise_leaves_nan_out);
    RUN_TEST(test_mean_sd_text);
    RUN_TEST(test_csv_file);
    RUN_TEST(test_table_header);
    RUN_TEST(test_table_rows);
    RUN_TEST(test_paired_report);
    return harness_finish();
}
