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
 *     runs left out are counted, the verdict returned is verdict_lower's;
 *   - one training run, on 200 made-up 8x8 images: it learns, the same seed
 *     gives the same numbers, the sets are scored when the plan says, the
 *     stops stop, a network that does not fit and too many epochs are
 *     refused with one line, a loss that stops being a number ends the run;
 *     its curves to the CSV. */
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

/* ---------------------------------------------------------------- one training run */

enum { SIDE = 8, N_TRAIN = 200, N_TEST = 100 };
static unsigned char train_pixels[N_TRAIN * SIDE * SIDE], test_pixels[N_TEST * SIDE * SIDE];
static unsigned char train_classes[N_TRAIN], test_classes[N_TEST];
static image_set train_set = { N_TRAIN, SIDE, SIDE, train_pixels }, test_set = { N_TEST, SIDE, SIDE, test_pixels };
static label_set train_labels = { N_TRAIN, train_classes }, test_labels = { N_TEST, test_classes };
static run_setup setup;

/* Image i shows class i % 10: six bright pixels at 6c .. 6c + 5 (of 64), on faint noise. */
static void make_images(unsigned char *pixels, unsigned char *labels, int count, rng_t *r)
{
    for (int i = 0; i < count; i++) {
        unsigned char *image = pixels + i * SIDE * SIDE;
        labels[i] = (unsigned char)(i % 10);
        for (int p = 0; p < SIDE * SIDE; p++)
            image[p] = (unsigned char)(p / 6 == labels[i] ? 255 : rng_below(r, 40));
    }
}

static run_plan plan(const char *spec, int epochs, double lr, int score_train, int score_test)
{
    run_plan p = { .spec = spec, .train = &train_set, .test = &test_set, .n_train = N_TRAIN, .epochs = epochs,
                   .lr = lr, .score_train = score_train, .score_test = score_test };
    return p;
}

/* Every epoch's numbers of two runs, the same to the last bit (the seconds aside). */
static int same_curves(const run_result *a, const run_result *b)
{
    size_t n = sizeof a->train_loss;
    return a->epochs == b->epochs && a->diverged == b->diverged && memcmp(a->train_loss, b->train_loss, n) == 0
        && memcmp(a->train_error, b->train_error, n) == 0 && memcmp(a->test_loss, b->test_loss, n) == 0
        && memcmp(a->test_error, b->test_error, n) == 0;
}

static void test_a_run_learns_and_repeats(void)
{
    run_plan p = plan("flatten, dense 10", 3, 0.1, SCORE_EVERY_EPOCH, SCORE_EVERY_EPOCH);
    run_result r, again, other;
    trial t;
    char err[FILE_ERROR_SIZE];
    CHECK_INT(train_run(&setup, &p, 1, &r, &t, err, sizeof err), 0);
    CHECK_INT(r.epochs, 3);
    CHECK_INT(r.diverged, 0);
    CHECK_INT(r.n_params, SIDE * SIDE * 10 + 10);
    for (int e = 0; e < 3; e++)
        CHECK(isfinite(r.train_loss[e]) && isfinite(r.test_loss[e]) && r.seconds[e] >= 0);
    CHECK(r.test_error[2] < 0.1);                                      /* chance is 0.9 */
    CHECK(r.test_loss[2] < r.test_loss[0]);
    /* The trial is still open: scored again, the same numbers; the training
     * error was taken on the first train_scored (50) images only. */
    set_score test = trial_score(&t, &test_set, &test_labels, N_TEST, 0, 0);
    CHECK(1 - test.accuracy == r.test_error[2] && test.loss == r.test_loss[2]);
    set_score first50 = trial_score(&t, &train_set, &train_labels, 50, 0, 0);
    CHECK(1 - first50.accuracy == r.train_error[2] && first50.loss == r.train_loss[2]);
    /* Moved down by 8, every image is black: one answer for all, right for one class in ten. */
    CHECK_NEAR(trial_score(&t, &test_set, &test_labels, N_TEST, SIDE, 0).accuracy, 0.1, 1e-12);
    trial_end(&t);
    CHECK_INT(run_once(&setup, &p, 1, &again, err, sizeof err), 0);
    CHECK(same_curves(&r, &again));
    CHECK_INT(run_once(&setup, &p, 2, &other, err, sizeof err), 0);
    CHECK(other.train_loss[0] != r.train_loss[0]);                     /* another seed, another run */
}

static void test_scoring_plans_and_stops(void)
{
    run_result r;
    char err[FILE_ERROR_SIZE];
    run_plan p = plan("flatten, dense 10", 3, 0.1, SCORE_NEVER, SCORE_AT_END);
    CHECK_INT(run_once(&setup, &p, 1, &r, err, sizeof err), 0);
    CHECK_INT(r.epochs, 3);
    for (int e = 0; e < 3; e++)
        CHECK(isnan(r.train_error[e]) && isnan(r.train_loss[e]));
    CHECK(isnan(r.test_error[0]) && isnan(r.test_error[1]) && isfinite(r.test_error[2]));
    CHECK(last_measured(r.test_error, r.epochs) == r.test_error[2]);
    CHECK(isnan(last_measured(r.train_error, r.epochs)));
    /* Every error is at most 1: the first epoch stops it, and the test set,
     * due at the end, is scored there. */
    p = plan("flatten, dense 10", 3, 0.1, SCORE_EVERY_EPOCH, SCORE_AT_END);
    p.stop_train_error = 1.0;
    CHECK_INT(run_once(&setup, &p, 1, &r, err, sizeof err), 0);
    CHECK_INT(r.epochs, 1);
    CHECK(isfinite(r.test_error[0]));
    p = plan("flatten, dense 10", 3, 0.1, SCORE_NEVER, SCORE_EVERY_EPOCH);
    p.stop_test_accuracy = 1e-9;
    CHECK_INT(run_once(&setup, &p, 1, &r, err, sizeof err), 0);
    CHECK_INT(r.epochs, 1);
    p.stop_test_accuracy = 1.01;                                       /* never: every epoch runs */
    CHECK_INT(run_once(&setup, &p, 1, &r, err, sizeof err), 0);
    CHECK_INT(r.epochs, 3);
}

static void test_bad_runs(void)
{
    run_result r;
    char err[FILE_ERROR_SIZE] = "";
    run_plan p = plan("conv 4 9, flatten, dense 10", 1, 0.1, SCORE_NEVER, SCORE_AT_END);   /* 9x9 on 8x8 */
    CHECK_INT(run_once(&setup, &p, 1, &r, err, sizeof err), -1);
    CHECK(err[0] != '\0' && strchr(err, '\n') == NULL);
    p = plan("flatten, dense 10", RUN_MAX_EPOCHS + 1, 0.1, SCORE_NEVER, SCORE_AT_END);
    CHECK_INT(run_once(&setup, &p, 1, &r, err, sizeof err), -1);
    CHECK_NUMBER(err, "", RUN_MAX_EPOCHS + 1, 0);
    /* A learning rate that sends the loss to infinity: the run ends there, unscored. */
    p = plan("flatten, dense 10", 3, 1e300, SCORE_EVERY_EPOCH, SCORE_EVERY_EPOCH);
    CHECK_INT(run_once(&setup, &p, 1, &r, err, sizeof err), 0);
    CHECK_INT(r.diverged, 1);
    CHECK(r.epochs < 3 && isnan(r.test_error[r.epochs]) && isnan(r.train_error[r.epochs]));
}

/* A run's curves to the CSV: what was measured, by epoch from 1. */
static void test_csv_curves(void)
{
    run_result r;
    char err[FILE_ERROR_SIZE];
    results_csv csv;
    memset(&r, 0, sizeof r);
    r.n_params = 650;
    r.epochs = 2;
    r.train_loss[0] = r.train_error[0] = NAN;
    r.test_loss[0] = 2.25;
    r.test_error[0] = 0.5;
    r.train_loss[1] = 0.125;
    r.train_error[1] = 0.25;
    r.test_loss[1] = r.test_error[1] = NAN;
    r.seconds[0] = 1.5;
    r.seconds[1] = 3;
    r.cpu_seconds[0] = 2.5;
    r.cpu_seconds[1] = 5;
    CHECK_INT(results_csv_open(&csv, tmp_path("curves.csv"), err, sizeof err), 0);
    results_csv_curves(&csv, "dropout", "no dropout", 3, &r);
    CHECK_INT(results_csv_commit(&csv, err, sizeof err), 0);
    char *text = read_text_file(tmp_path("curves.csv"));
    CHECK(text && strcmp(text, "experiment,variant,seed,x,measure,value\n"
                               "dropout,no dropout,3,,parameters,650\n"
                               "dropout,no dropout,3,,diverged,0\n"
                               "dropout,no dropout,3,1,test_loss,2.25\n"
                               "dropout,no dropout,3,1,test_error,0.5\n"
                               "dropout,no dropout,3,1,seconds,1.5\n"
                               "dropout,no dropout,3,1,cpu_seconds,2.5\n"
                               "dropout,no dropout,3,2,train_loss,0.125\n"
                               "dropout,no dropout,3,2,train_error,0.25\n"
                               "dropout,no dropout,3,2,seconds,3\n"
                               "dropout,no dropout,3,2,cpu_seconds,5\n") == 0);
    free(text);
}

int main(void)
{
    make_tmp_dir("unit_stats");
    rng_t r = rng_seeded(7);
    make_images(train_pixels, train_classes, N_TRAIN, &r);
    make_images(test_pixels, test_classes, N_TEST, &r);
    setup = (run_setup){ .train_labels = &train_labels, .test_labels = &test_labels, .n_test = N_TEST,
                         .train_scored = 50, .batch = 10, .momentum = 0.9, .eval_batch = 32,
                         .pool = thread_pool_create(2) };
    CHECK(setup.pool != NULL);
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
    RUN_TEST(test_a_run_learns_and_repeats);
    RUN_TEST(test_scoring_plans_and_stops);
    RUN_TEST(test_bad_runs);
    RUN_TEST(test_csv_curves);
    thread_pool_free(setup.pool);
    return harness_finish();
}
