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

/* The epoch at which a curve first reaches a target. curve[e] is the value
 * after epoch e + 1 (curve[0]: after the first epoch), n epochs in all.
 * Reached means curve[e] >= target when higher_is_better (an accuracy),
 * curve[e] <= target otherwise (an error or a loss). Returns the epoch,
 * 1 .. n, or NEVER_REACHED (0) when no epoch reaches it: not n, which
 * would claim that the last epoch did. */
enum { NEVER_REACHED = 0 };
int first_epoch_reaching(const double *curve, int n, double target, int higher_is_better);

#endif
