/* stats.h: the statistics of an experiment repeated over seeds (lesson 15).
 *
 * A claim such as "max pooling performs better than average pooling" is a
 * claim about a difference between two training runs, and a training run
 * is random: its initial weights, the order of its mini-batches and its
 * dropout masks come from a seed. One run of each says little; several
 * seeds of each give a mean and a spread. These are the few numbers every
 * table of lesson 15 is made of. */
#ifndef STATS_H
#define STATS_H

/* The mean of x (n) and its SAMPLE standard deviation
 *
 *     mean = (1/n) sum x_i,     sd = sqrt( sum (x_i - mean)^2 / (n - 1) ),
 *
 * n - 1 (Bessel's correction): the deviations are taken from the sample's
 * own mean, which sits closer to the sample than the true mean does. One
 * value (n = 1) has no spread: sd is NAN (0/0). n = 0: both NAN. */
void sample_mean_sd(const double *x, int n, double *mean, double *sd);

/* The smallest and the largest of x (n >= 1). */
void sample_range(const double *x, int n, double *lo, double *hi);

/* One cell of a table over seeds: the mean, the sample standard deviation
 * (as sample_mean_sd: n - 1) and the range of the values x (n) that are not
 * NaN (a NaN is a run that diverged or never reached its target, left out),
 * and how many were kept. None kept: n = 0 and the rest NAN; one kept: sd
 * NAN. The sums run over the kept values in order, so the numbers are
 * those of sample_mean_sd on the kept values, to the last bit. */
typedef struct {
    double mean, sd, lo, hi;
    int n;
} summary;
summary summarise(const double *x, int n);

/* The epoch at which a curve first reaches a target. curve[e] is the value
 * after epoch e + 1 (curve[0]: after the first epoch), n epochs in all.
 * Reached means curve[e] >= target when higher_is_better (an accuracy),
 * curve[e] <= target otherwise (an error or a loss). Returns the epoch,
 * 1 .. n, or NEVER_REACHED (0) when no epoch reaches it: not n, which
 * would claim that the last epoch did. */
enum { NEVER_REACHED = 0 };
int first_epoch_reaching(const double *curve, int n, double target, int higher_is_better);

/* The two-sided 95% critical value of Student's t distribution with df
 * degrees of freedom: the c with P(|T| <= c) = 0.95. For the mean of n
 * paired differences, df = n - 1, and
 *
 *     mean +- c * sd / sqrt(n)
 *
 * is the 95% confidence interval of the true mean difference (Student
 * 1908; the differences assumed normal and independent). c = 12.71 at
 * df = 1, 4.30 at 2, 2.78 at 4, 1.96 as df grows: with few seeds an
 * interval of "3 standard errors" covers less than 95%.
 * Source of the table: NIST/SEMATECH e-Handbook of Statistical Methods,
 * section 1.3.6.7.2, "Critical Values of the Student's t Distribution"
 * (https://www.itl.nist.gov/div898/handbook/eda/section3/eda3672.htm),
 * column 0.975, to three decimals; tests/lesson_15.c checks each value
 * against a numerical integral of the t density. Between table rows (df >
 * 30) the next smaller tabulated df is used, which errs wide. df < 1: NAN. */
double t_critical_95(int df);

/* The 95% confidence interval of the mean of n paired differences d (NaN
 * entries, runs that never got there, are left out): mean, its standard
 * error sd/sqrt(m), and lo, hi = mean -+ t_critical_95(m - 1) * se, where
 * m is the number of differences kept. Fewer than 2 kept: se, lo, hi NAN. */
typedef struct {
    double mean, se, lo, hi;
    int n;
} interval95;
interval95 paired_interval95(const double *d, int n);

/* A claim that a difference is NEGATIVE (the first network's error, or
 * epochs, lower than the second's), judged from its 95% interval:
 * SHOWN when the whole interval is below 0, CONTRADICTED when it is wholly
 * above 0, NOT_SHOWN when it contains 0 (or there is no interval). */
typedef enum { NOT_SHOWN, SHOWN, CONTRADICTED } verdict;
verdict verdict_lower(interval95 ci);
const char *verdict_name(verdict v);   /* "shown", "not shown", "contradicted" */

#endif
