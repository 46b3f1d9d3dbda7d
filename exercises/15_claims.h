/* exercises/15_claims.h: the functions exercise 15 asks for.
 * Both exercises/15_claims.c (yours) and solutions/15_claims.c define them;
 * tests/exercise_15.c checks them. Do not change this file.
 *
 * The tools of lesson 15's experiments, in double: the statistics of a
 * measurement repeated over seeds, the epoch at which a training curve
 * reaches a target, the check that a convolution is equivariant (an
 * image moved with zero fill, and two feature maps compared where they
 * correspond), and the verdict on a claim from paired seeds. Images and maps are stored row by row: pixel (y, x) of an
 * image h rows high and w columns wide is image[y * w + x]. */
#ifndef EXERCISE_15_H
#define EXERCISE_15_H

/* Task 1: the mean of x (n) and its SAMPLE standard deviation (the one
 * that divides by n - 1). For n = 1 there is no spread to measure: sd = NAN
 * (0/0).
 * n >= 1. Writes *mean and *sd. */
void mean_and_spread(const double *x, int n, double *mean, double *sd);

/* Task 2: the first epoch at which a training curve reaches a target.
 * curve[e] is the value measured after epoch e + 1 (curve[0] after the
 * first epoch), n epochs in all. Reached means
 *     curve[e] >= target   when higher_is_better != 0 (an accuracy),
 *     curve[e] <= target   when higher_is_better == 0 (an error, a loss).
 * Returns that epoch, counted from 1, or 0 when no epoch reaches the target. */
int epochs_to_target(const double *curve, int n, double target, int higher_is_better);

/* Task 3: the image moved down by dy rows and right by dx columns (negative:
 * up, left), with zero fill: moved (h, w) is OVERWRITTEN. What moves out of
 * the frame is lost; what comes in from outside is 0 (black). */
void shift_image(const double *image, int h, int w, int dy, int dx, double *moved);

/* Task 4: equivariance, checked. map (h, w) is a feature map of an image,
 * moved_map (h, w) the same layer's map of the image moved by (dy, dx).
 * If the layer is equivariant, moved_map holds map's numbers moved by
 * (dy, dx), wherever both positions exist (the border band of |dy| rows and
 * |dx| columns has no counterpart). Returns the largest |difference| over
 * those positions, and sets *compared to how many positions were compared. */
double equivariance_gap(const double *map, const double *moved_map, int h, int w, int dy, int dx, int *compared);

/* Task 5: the claim "A is lower than B", judged from n seeds (n >= 2).
 * a[i] and b[i] are the two networks' results from seed i + 1 (the same
 * initial weights and order of images: each pair shares its luck). t is
 * the two-sided 95% critical value of Student's t with n - 1 degrees of
 * freedom, from a table (12.706 for n = 2, 4.303 for 3, 2.776 for 5).
 * Writes the 95% confidence interval of the mean difference a - b into
 * *lo and *hi, and returns
 *     +1  shown: the whole interval is below 0,
 *     -1  contradicted: the whole interval is above 0,
 *      0  not shown: the interval contains 0. */
int lower_verdict(const double *a, const double *b, int n, double t, double *lo, double *hi);

#endif
