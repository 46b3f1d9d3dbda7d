/* training.h: what the MNIST trainers of lessons 10 and 12 share: the
 * images' way into a batch (moved at random, the data augmentation),
 * scoring a whole set batch by batch, the progress bar, and the report at
 * the end (the confusion matrix, the digits the network gets wrong).
 *
 * The training loops themselves stay in the lessons: they are the story. */
#ifndef TRAINING_H
#define TRAINING_H

#include <stdio.h>

#include "minibatch.h"
#include "mnist.h"
#include "real.h"
#include "rng.h"

/* ---------------------------------------------------------------- the data's way in */

/* out (rows, cols) = image number `image` of the set as reals (pixel / 255,
 * as images_to_real), moved down by dy and right by dx pixels; what moves in
 * from outside is 0 (black, the background of a digit). */
void moved_image(const image_set *s, int image, int dy, int dx, real *out);

/* This epoch's moves: shifts (n, 2) OVERWRITTEN with (dy, dx) pairs, each
 * uniform in -max_shift .. max_shift, drawn from rng. */
void draw_shifts(rng_t *rng, signed char *shifts, int n, int max_shift);

/* The images order[first .. first+count) of a set as reals, x (count, rows,
 * cols), and their labels (count), both OVERWRITTEN; image order[first+i]
 * is moved by shifts[2(first+i)], shifts[2(first+i)+1] when shifts is not
 * NULL. */
void gather_images(const image_set *images, const label_set *labels, const int *order, int first, int count,
                   const signed char *shifts, real *x, int *batch_labels);

/* The mean loss and the accuracy of a set. */
typedef struct {
    double loss, accuracy;
} set_score;

/* Score images order[0 .. count) of a set through the network behind mb
 * (forward only), mb->max_batch at a time, using x (max_batch, rows, cols),
 * batch_labels and batch_predictions (max_batch) as room. predictions[image]
 * receives each answer when predictions is not NULL. */
set_score score_images(minibatch *mb, const image_set *images, const label_set *labels, const int *order,
                       int count, real *x, int *batch_labels, int *batch_predictions, int *predictions);

/* 0, 1, ..., n-1 (free it; exits with a message when out of memory). */
int *identity_order(int n);

/* ---------------------------------------------------------------- progress */

enum { PROGRESS_BAR, PROGRESS_LINES, PROGRESS_NONE };

typedef struct {
    int mode;
    double started, last_shown;
} progress;

/* Start timing an epoch; mode is PROGRESS_BAR (redrawn on stderr),
 * PROGRESS_LINES (one line every 5 s) or PROGRESS_NONE. A bar asked for
 * when stderr is not a terminal (a log file, a pipe: src/os.h) becomes
 * lines: a file should not collect a carriage-return frame per batch. */
void progress_start(progress *p, int mode);

/* After `done` of `total` images of epoch `epoch` of `epochs`, with the
 * mean loss so far: redraw the bar (at most 4 times a second) or print a
 * line; the bar is cleared when the epoch ends. */
void progress_show(progress *p, int epoch, int epochs, int done, int total, double loss);

/* ---------------------------------------------------------------- the report */

/* In both, names says what the classes are (the data's classes.txt, or
 * the digits: src/mnist.h); NULL means the digits. */

/* 0 when a network that gives `classes` class scores fits the data's labels
 * (0 .. CLASS_COUNT-1, src/mnist.h), else -1 with one line in err naming
 * both numbers, e.g. "the network gives 3 class scores, but the labels are
 * 10 classes (0 to 9)", after `who` (the model file, or "--net"). A network
 * with fewer scores than labels would read past its outputs for the loss,
 * the confusion matrix and p(label). */
int check_class_count(int classes, const char *who, char *err, size_t err_size);

/* How many different labels the first n of a set have (0 .. CLASS_COUNT). */
int classes_present(const label_set *labels, int n);

/* The confusion matrix of n answers: rows the true class, columns the
 * answer; with names from a file, each row also gives its class's name.
 * Every label and prediction must be below classes (check_class_count). */
void print_confusion(FILE *out, const label_set *labels, const int *predictions, int classes,
                     const class_names *names);

/* The first `shown` test images the network got wrong (predictions[i] !=
 * label), each with its three most probable classes and drawn in
 * characters. probs_of(ctx, x) returns the probabilities (classes) of one
 * image x (rows, cols); x is room for one image. */
typedef const real *(*probabilities_fn)(void *ctx, const real *x);
void show_mistakes(FILE *out, const image_set *images, const label_set *labels, const int *predictions,
                   int classes, const class_names *names, int shown, probabilities_fn probs_of, void *ctx,
                   real *x);

#endif
