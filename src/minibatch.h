/* minibatch.h: a mini-batch shared out among threads, with the same numbers
 * for any number of threads.
 *
 * A batch of n images is cut into MINIBATCH_SHARDS fixed parts ("shards"):
 * images [0, n/4), [n/4, 2n/4), ... Each shard runs the network's forward
 * (and backward) pass on its own images, in its own working memory, and
 * sums its own gradient; the shards' gradients are then added in shard
 * order, 0 to 3. Threads only decide who computes which shard, never what
 * a shard computes or in which order the sums are taken, so a run gives the
 * same bits with 1, 2 or 64 threads (lesson 10 tests it).
 *
 * The network is anything with a shard function (below): lesson 10's
 * network (src/convnet.h) provides two, the direct loops and the batched
 * fast path. Everything is allocated once, before the first step. */
#ifndef MINIBATCH_H
#define MINIBATCH_H

#include "real.h"
#include "threadpool.h"

/* Four shards keep up to four threads busy, and each shard's layers see a
 * quarter of the batch at once: the more images per GEMM, the better the
 * copies it makes of the weights pay off (lesson 11). */
#define MINIBATCH_SHARDS 4

typedef struct {
    double loss;      /* the SUM of the images' losses */
    long correct;     /* images whose most probable class is their label */
} batch_score;

/* One shard's work: forward the n images x (n, image_size) of the network
 * `net`, scoring them against labels (n), in the shard's own `workspace`
 * (room for at least n images); `first` is the number of the shard's first
 * image in the batch (for anything drawn per image, like dropout's masks).
 * predictions (n), when not NULL, receives each image's most probable
 * class. When grad is not NULL, also the backward pass: dL/dparameters
 * summed over the n images is ADDED into grad (n_params). */
typedef batch_score (*shard_fn)(void *net, void *workspace, const real *x, const int *labels, int n, long first,
                                int *predictions, real *grad);

typedef struct {
    thread_pool *pool;                      /* NULL: everything on the calling thread */
    void *net;
    shard_fn run;
    void *workspace[MINIBATCH_SHARDS];      /* the caller's: each for minibatch_shard_capacity images */
    real *grad[MINIBATCH_SHARDS];           /* (n_params) each shard's gradient sum */
    real *mean_grad;                        /* (n_params) the batch's mean gradient */
    long n_params, image_size;
    int max_batch;
    int shard_images[MINIBATCH_SHARDS];     /* images each shard had in the last batch (0: it sat out) */
} minibatch;

/* Shard s's images of a batch of n: images [*first, *first + count), count returned. */
int minibatch_shard(int n, int s, long *first);

/* The most images one shard gets from a batch of max_batch: ceil(max_batch / SHARDS). */
int minibatch_shard_capacity(int max_batch);

/* Set up for batches of up to max_batch images of image_size reals, for a
 * network with n_params parameters; workspace[s] is shard s's working
 * memory (allocated by the caller, freed by the caller). Allocates the
 * gradients (exits with a message when out of memory, like tensor_alloc). */
void minibatch_init(minibatch *m, thread_pool *pool, void *net, shard_fn run, void *const *workspace,
                    long n_params, long image_size, int max_batch);
void minibatch_free(minibatch *m);

/* Forward pass of n <= max_batch images x (n, image_size) with labels (n):
 * the summed loss and the correct count; predictions (n) may be NULL. */
batch_score minibatch_forward(minibatch *m, const real *x, const int *labels, int n, int *predictions);

/* Forward and backward pass of n <= max_batch images: as minibatch_forward,
 * and m->mean_grad (n_params) is OVERWRITTEN with the gradient of the MEAN
 * loss, (1/n) sum over the images of dL_i/dparameters. */
batch_score minibatch_gradient(minibatch *m, const real *x, const int *labels, int n);

/* After each shard s has put the gradient sum of its images into
 * m->grad[s] (all shards, even one without images: 0): m->mean_grad
 * (n_params) = (grad[0] + ... + grad[SHARDS-1]) / n, OVERWRITTEN, the
 * shards always added in that order (on the threads for a large network). */
void minibatch_mean_gradient(minibatch *m, int n);

#endif
