/* train_check.h: signs that training has gone wrong, and what to suggest.
 *
 * Two ways a run fails without crashing, both common with a learning rate
 * that is too large (CS231n, "babysitting the learning process"):
 *
 *   divergence   the steps overshoot, the loss grows to infinity or NaN, and
 *                NaN spreads to every weight at the next update;
 *   a dead net   one large step pushes every ReLU's input below zero for
 *                every image: the network then gives the same answer
 *                whatever the image, no gradient flows back through a dead
 *                ReLU, and it never recovers. The loss stays finite (about
 *                ln 10), so only the answers show it: one class takes nearly
 *                all of them, and the accuracy is that of a guess.
 *
 * The trainer (lessons/10_mnist.c) checks both after every batch and every
 * epoch, stops with one line, and saves nothing. */
#ifndef TRAIN_CHECK_H
#define TRAIN_CHECK_H

#include <stddef.h>

/* A mean loss above this means p_label < e^-1000 for a typical image: in
 * float it has already rounded to 0, and NaN or infinity is a few steps
 * away. Training starts near ln(10) = 2.3 and goes down. */
#define TRAIN_LOSS_LIMIT 1000.0

/* 1 when a mean loss is a usable number (finite, not NaN, below the limit). */
int loss_is_sane(double loss);

/* "NaN", "infinite" or "1.5e+11" for a message. */
void describe_loss(double loss, char *buf, size_t size);

/* The learning rate to suggest after a failure at lr: the default when lr
 * is above it (a value known to work), else lr / 10. */
double safer_learning_rate(double lr, double default_lr);

/* Has the network collapsed to one answer? Looks at n predictions (each in
 * 0..classes-1) and their accuracy: returns the class that takes at least
 * 95% of them when the accuracy is no better than two guesses (at most
 * 2 / classes; a data set that is mostly one class is not a dead network),
 * else -1. *share is that class's fraction of the predictions. */
int collapsed_class(const int *predictions, int n, int classes, double accuracy, double *share);

#endif
