/* exercises/16_train_fast.h: the functions exercise 16 asks for.
 * Both exercises/16_train_fast.c (yours) and solutions/16_train_fast.c define
 * them; tests/exercise_16.c checks them. Do not change this file.
 *
 * Three ingredients of lesson 16's fast recipe (notes/16_train_fast.md):
 *   the one-cycle learning rate (Smith & Topin 2019): from 0 up to a peak in a
 *     straight line over the first W steps (the warm-up), then down to 0 in a
 *     straight line at step T;
 *   label smoothing (Szegedy et al. 2016): the target of the cross-entropy
 *     keeps 1 - eps on the right class and shares eps equally among all K;
 *   an exponential average of the weights (Polyak averaging, its exponential
 *     form): after each step the average moves a part 1 - decay of the way
 *     towards the weights. */
#ifndef EXERCISE_16_H
#define EXERCISE_16_H

/* Task 1: the one-cycle learning rate of step t (0-based) of T steps, W of them warming up (0 < W < T). */
double one_cycle(long t, long T, long W, double peak);

/* Task 2: the smoothed cross-entropy of logits z (K) with the right class `label`:
 * returns L, and OVERWRITES dz (K) with dL/dz. Stable for large logits (subtract the largest first). */
double smoothed_cross_entropy(const double *z, int label, double eps, int K, double *dz);

/* Task 3: move each avg[i] (n) the part 1 - decay of the way towards w[i] (n), in place. */
void weight_average(double *avg, const double *w, int n, double decay);

#endif
