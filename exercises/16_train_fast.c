/* Exercise 16: three ingredients of training fast.
 *
 * Lesson 16 (build/lessons/16_train_fast, notes/16_train_fast.md) trains a
 * network to about 99.5% on MNIST in about 40 s a seed (make speedrun)
 * with a one-cycle learning rate and, as options, label smoothing and an
 * average of the weights. Here you
 * write each one; the checks compare them with the formulas and check
 * label smoothing's gradient against central differences (lesson 02).
 *
 *   TODO 1  one_cycle: t, T, W, peak -> lr.
 *           Check: T = 10, W = 2, peak 0.2: 0, 0.1, 0.2, 0.175, 0.15, ..., 0.025.
 *   TODO 2  smoothed_cross_entropy: z (K), label, eps -> L, and dz (K).
 *           Check: z = (2, 0, -1), label 0: eps 0 gives L = 0.1698 (lesson 08's loss);
 *           eps 0.1 gives L = 0.3365 and dz = (-0.0895, +0.0809, +0.0087).
 *   TODO 3  weight_average: avg (n), w (n), decay -> avg.
 *           Check: avg = 0, w = 1, decay 0.9: 0.1, then 0.19, then 0.271.
 *
 * Check your work: make check EX=16    A hint, one level at a time: make hint EX=16
 * Start this exercise again from the original: make reset EX=16 (your file is kept as .bak) */
#include <math.h>

#include "16_train_fast.h"

/* TODO 1. The idea: the learning rate climbs in a straight line from 0 to
 * its peak over the first W steps, then falls in a straight line to 0 at
 * step T. (make hint EX=16: the formula, then the code, one at a time) */
double one_cycle(long t, long T, long W, double peak)
{
    return 0;
}

/* TODO 2. The idea: the target is no longer all on the right class: eps of
 * it is spread evenly over the K classes. The loss is the cross-entropy
 * against that target; its gradient, as for the one-hot target, is p - q. */
double smoothed_cross_entropy(const double *z, int label, double eps, int K, double *dz)
{
    return 0;
}

/* TODO 3. The idea: each step moves the average a small part (1 - decay) of
 * the way towards the current weights. */
void weight_average(double *avg, const double *w, int n, double decay)
{
}
