/* fit.h: training a sequential network on a set of images, an epoch at a
 * time (Keras's model.fit): lesson 12's training loop, as a library, so
 * that lesson 15's experiments train their networks the same way.
 *
 * Each epoch: shuffle the images, draw this epoch's random moves, and for
 * each mini-batch one training step, sequential_train_step (src/sequential.h):
 * forward, loss, backward, update. Everything is allocated by fit_init,
 * nothing during an epoch. */
#ifndef FIT_H
#define FIT_H

#include <stdint.h>

#include "convnet.h"
#include "mnist.h"
#include "sequential.h"
#include "training.h"

typedef struct {
    /* the settings */
    int batch;                    /* images per step                                   */
    int shift;                    /* moves of up to this many pixels (0: none)         */
    /* the network and the data (the caller's) */
    sequential_runner *runner;    /* its model's params and stats are trained in place */
    convnet_runner *convnet;      /* or lesson 10's network (then runner is NULL)      */
    real *params, *stats;
    const image_set *images;
    const label_set *labels;
    int n_train;                  /* the first n_train images are the training set     */
    /* the state (fit_init allocates it) */
    optimizer opt;                /* src/optim.h: SGD with momentum or Adam, its state; opt.steps: steps taken */
    int *order;                   /* (n_train) this epoch's order                      */
    signed char *shifts;          /* (n_train, 2) this epoch's moves, or NULL          */
    real *x;                      /* (batch, rows, cols) a batch's images              */
    int *batch_labels;            /* (batch)                                           */
    rng_t rng;                    /* the shuffling and the moves                       */
} fit_state;

/* Set up training of runner's network (whose parameters and statistics
 * are params and stats) on images 0 .. n_train-1 of the set, batch images
 * a step, drawing the order and the moves from `seed`. Exits with a
 * message when out of memory. */
void fit_init(fit_state *f, sequential_runner *runner, real *params, real *stats, const image_set *images,
              const label_set *labels, int n_train, int batch, int shift, int optimizer, double momentum,
              uint64_t seed);

/* The same loop for lesson 10's network (src/convnet.h), trained by
 * convnet_train_step with SGD, momentum and weight decay; the order and the
 * moves are drawn from rng (the caller's, after it drew the initial weights). */
void fit_init_convnet(fit_state *f, convnet_runner *runner, real *params, const image_set *images,
                      const label_set *labels, int n_train, int batch, int shift, double momentum,
                      double weight_decay, rng_t rng);
void fit_free(fit_state *f);

/* The memory training a network needs, in bytes (doubles: a network too
 * large for any machine must not overflow the sum). */
typedef struct {
    double parameters;   /* the parameters and running statistics                                   */
    double state;        /* each shard's gradient, the mean gradient, Adam's moments, momentum's velocity */
    double activations;  /* every shard's working memory for batches of max_batch images (its share)   */
} fit_memory;

/* What fit_init and sequential_runner_init allocate for network m with
 * batches of up to max_batch images (the trainer's images themselves not
 * counted). */
fit_memory fit_memory_needed(const sequential *m, int max_batch);

/* One epoch at learning rate lr: shuffle, draw the moves, and for each
 * batch one training step (sequential_train_step, or convnet_train_step). Returns the loss and accuracy of the
 * training set as the steps saw it (training mode). When a batch's mean
 * loss is not a usable number (src/train_check.h), stops at once, sets
 * *bad_batch to its number (1-based) and returns that loss; else
 * *bad_batch = 0. progress may be NULL (no bar). */
set_score fit_epoch(fit_state *f, double lr, progress *p, int epoch, int epochs, int *bad_batch);

#endif
