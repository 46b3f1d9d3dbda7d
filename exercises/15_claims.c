/* Exercise 15: the statistics of an experiment, and equivariance checked.
 *
 * Lesson 15 (build/lessons/15_claims, notes/15_claims.md) puts the sources'
 * claims to the test: ReLU against tanh, max against average pooling, a
 * dense network against a CNN, ... Each claim is a small controlled
 * experiment, repeated over several seeds, and its tables are made of a few
 * numbers that you now compute yourself, in double (the shapes are in
 * exercises/15_claims.h).
 *
 *   TODO 1  mean_and_spread(x, n, &mean, &sd): the mean of n measurements
 *           (one per seed) and their SAMPLE standard deviation, the one that
 *           divides by n - 1. Why n - 1: the deviations are measured from the
 *           sample's own mean, which lies closer to the sample than the true
 *           mean does, so dividing by n would make the spread look smaller
 *           than it is. E.g. test errors [1.2 1.0 1.4] (%): mean 1.2, sd 0.2
 *           (dividing by n: 0.163). One run (n = 1) has no spread: sd is
 *           0/0, NaN, and the tables print "n/a"; never 0, which would read
 *           as "every seed gives the same".
 *   TODO 2  epochs_to_target(curve, n, target, higher_is_better): curve[e]
 *           is measured after epoch e + 1. Return the FIRST epoch, counted
 *           from 1, whose value reaches the target (>= for an accuracy,
 *           <= for an error), or 0 when none does. E.g. training errors
 *           [0.09 0.04 0.02 0.03 0.01] reach 0.02 at epoch 3 (curve[2]).
 *           A target never reached is not "the last epoch": a run that
 *           stopped at 12 epochs without reaching it says "more than 12".
 *   TODO 3  shift_image(image, h, w, dy, dx, moved): the image moved down
 *           by dy and right by dx (negative: up, left), with zero fill: what
 *           moves out of the frame is lost (it does not come back on the
 *           other side), and what comes in from outside is 0. The 4 x 5
 *           image 1..20 moved by dy = 1, dx = 2 has a first row of zeros
 *           and a second row [0 0 1 2 3].
 *   TODO 4  equivariance_gap(map, moved_map, h, w, dy, dx, &compared):
 *           map is a convolution's output for an image, moved_map its
 *           output for the image moved by (dy, dx). Equivariance says that
 *           moved_map holds map's numbers, moved by (dy, dx), wherever both
 *           positions exist. Return the largest |difference| over those
 *           positions and count them in *compared; the band of |dy| rows and
 *           |dx| columns along the border has no counterpart: leave it out
 *           (a 5 x 5 map moved by (2, -1) has 12 positions to compare). For a
 *           real convolution the gap is exactly 0.
 *   TODO 5  lower_verdict(a, b, n, t, &lo, &hi): does network A give lower
 *           errors than network B? Seed by seed, the differences a - b;
 *           their mean, and how far that mean could be from the true one:
 *           the 95% interval reaches t standard errors of the mean either
 *           side of it (t from Student's table, passed in). The claim is
 *           shown when the whole interval is below 0, contradicted when it
 *           is wholly above, not shown when it contains 0. E.g. A lower by
 *           1, 2 and 3 points in 3 seeds (t = 4.303): the interval is
 *           -4.48 to +0.48, not shown, though A won every seed; the old
 *           rule of thumb "3 standard errors" would have called it shown.
 *
 * Check your work: make check EX=15    A hint, one level at a time: make hint EX=15
 * Start this exercise again from the original: make reset EX=15 (your file is kept as .bak) */
#include "15_claims.h"

#include <math.h>

/* TODO 1. The idea: The mean says where the results of the runs lie; the
 * standard deviation says how far a single seed typically lands from it.
 * Measured from the sample's own mean, the squared deviations are divided
 * by n - 1, not n.
 * (make hint EX=15: the formula, then the code, one at a time) */
void mean_and_spread(const double *x, int n, double *mean, double *sd)
{
}

/* TODO 2. The idea: Walk along the curve from the first epoch and stop at
 * the first value that is good enough; epochs are counted from 1, and a
 * curve that never gets there has no such epoch.
 * (make hint EX=15: the formula, then the code, one at a time) */
int epochs_to_target(const double *curve, int n, double target, int higher_is_better)
{
    return 0;
}

/* TODO 3. The idea: Each pixel of the moved image asks where it came
 * from; if that place is inside the original image it takes its value,
 * otherwise it is black.
 * (make hint EX=15: the formula, then the code, one at a time) */
void shift_image(const double *image, int h, int w, int dy, int dx, double *moved)
{
}

/* TODO 4. The idea: Move back by the same amount and compare value with
 * value, but only where both maps have a value to compare: the border
 * band of the moved map came from zero fill, not from the image.
 * (make hint EX=15: the formula, then the code, one at a time) */
double equivariance_gap(const double *map, const double *moved_map, int h, int w, int dy, int dx, int *compared)
{
    return 0;
}

/* TODO 5. The idea: Each seed gives one difference a - b; the mean of the
 * differences is the estimate, and its standard error (the spread of one
 * difference, shrunk by the square root of the number of seeds) says how
 * far it may be off. t standard errors either way give the 95% interval;
 * the verdict is where 0 lies.
 * (make hint EX=15: the formula, then the code, one at a time) */
int lower_verdict(const double *a, const double *b, int n, double t, double *lo, double *hi)
{
    return 0;
}
