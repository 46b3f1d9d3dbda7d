/* sequential.h: a network as an ordered list of layers, in the spirit of
 * Keras's Sequential (lesson 12).
 *
 * Lesson 10 wires its five layers by hand (src/convnet.c). This is the same
 * idea for any stack, written as text a student can type:
 *
 *     conv 16 2 same, relu, maxpool 2, conv 128 3, relu, conv 256 3, relu,
 *     maxpool 2, dropout 0.25, flatten, dense 128, relu, dropout 0.5, dense 10, softmax
 *
 * (the network of "Convolutional Neural Networks" (Doshi), preset "doshi";
 * "small" is lesson 10's). The items, separated by commas:
 *
 *     conv F K [same|valid] [stride S]   F filters K x K; valid (default) or Keras's 'same', which
 *                                        pads (K-1)/2 before and the rest after (bottom/right)
 *     maxpool K [stride S], avgpool K [stride S]     windows K x K, stride K unless given
 *     relu, sigmoid, tanh                element-wise (lesson 04)
 *     dropout R                          drop a fraction R while training (lesson 12)
 *     batchnorm                          per channel after a conv, per feature after a dense (lesson 13)
 *     flatten                            (C, H, W) -> (C*H*W): the same numbers, read as one vector
 *     dense N                            N outputs (lesson 07)
 *     softmax                            last only: the probabilities (the loss applies it anyway)
 *
 * Every layer runs the library's functions: the batched fast path (lesson
 * 11) or, with ENGINE_NAIVE, the direct per-image loops for conv and dense.
 * The parameters live in one block (each conv and dense layer's weights,
 * then its biases, in the same layout as lesson 10's network; batchnorm's
 * gamma then beta), batchnorm's running statistics in a second block, so an
 * optimiser step, a gradient sum or a saved file is a loop over a block. */
#ifndef SEQUENTIAL_H
#define SEQUENTIAL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "conv.h"
#include "minibatch.h"
#include "optim.h"
#include "pool.h"
#include "real.h"
#include "rng.h"

#define SEQ_MAX_LAYERS 32
#define SEQ_SPEC_MAX 1024       /* room for the canonical text of any 32 items */
#define SEQ_MAX_PARAMS 200000000L  /* the most parameters a network (and a model file) may have */

typedef enum {
    LAYER_CONV, LAYER_MAXPOOL, LAYER_AVGPOOL, LAYER_RELU, LAYER_SIGMOID, LAYER_TANH,
    LAYER_DROPOUT, LAYER_BATCHNORM, LAYER_FLATTEN, LAYER_DENSE, LAYER_SOFTMAX
} layer_kind;

typedef struct {
    layer_kind kind;
    int units;                     /* conv: filters; dense: outputs                        */
    int kernel, stride, same;      /* conv and pooling windows; conv: 'same' padding        */
    double rate;                   /* dropout: the fraction dropped                         */
    int in_c, in_h, in_w;          /* the input (C, H, W); a vector of n numbers is (n, 1, 1) */
    int out_c, out_h, out_w;       /* the output                                            */
    conv2d_shape conv;             /* conv                                                  */
    pool2d_shape pool;             /* maxpool, avgpool                                      */
    long n_params, first_param;    /* conv, dense: weights then biases; batchnorm: gamma, beta */
    long n_stats, first_stat;      /* batchnorm: running mean then running variance         */
} layer;

typedef struct {
    char spec[SEQ_SPEC_MAX];       /* the canonical text (what model files store)           */
    int in_c, in_h, in_w;          /* one input image                                       */
    int n_layers;
    layer layers[SEQ_MAX_LAYERS];
    int classes;                   /* the last layer's outputs                              */
    long n_params, n_stats;
} sequential;

/* A layer kind's word in a spec: "conv", "maxpool", ..., "softmax" (one
 * table, in sequential.c, maps words to kinds and back; "?" for a value
 * that is no kind). */
const char *layer_kind_name(layer_kind kind);

/* The text of a preset ("small", "doshi", "doshi-bn"), or NULL. */
const char *sequential_preset(const char *name);

/* Read a spec (or a preset's name) for inputs (in_c, in_h, in_w) and work
 * out every shape. Returns 0, or -1 with one line in err naming the item
 * and what is wrong, e.g. "item 3 'maxpool 3': 3x3 windows with stride 3 do
 * not tile a 28x28 input (28 - 3 = 25 is not a multiple of 3)"; control
 * bytes in it are written \xNN. The last layer must make a vector of at
 * least 2 classes (a dense layer, possibly followed by softmax), and some
 * layer must compute them (a dense or conv layer). Every size is checked
 * in a wide type: at most 2^26 numbers per layer and image, 200 million
 * parameters, a canonical text of fewer than SEQ_SPEC_MAX characters. */
int sequential_build(sequential *m, const char *spec, int in_c, int in_h, int in_w, char *err, size_t err_size);

/* long n_numbers of the output of layer l for one image. */
long sequential_out_size(const layer *l);

/* The table Keras prints for model.summary(), for this network: a ReLU,
 * sigmoid or tanh right after a conv or dense layer is folded into that
 * layer's row (Keras's activation= argument), the final softmax is an
 * "activation (Activation)" row, batchnorm counts its four vectors as Keras
 * does (two of them not trained). */
void sequential_summary(FILE *out, const sequential *m);

/* Initial parameters: conv and dense weights He-normal (w ~ N(0, 2/fan_in))
 * when a ReLU follows, else uniform in +-1/sqrt(fan_in) (the last layer);
 * biases 0; batchnorm gamma 1, beta 0, running mean 0, running variance 1.
 * Drawn from rng in layer order. params (n_params), stats (n_stats). */
void sequential_init(const sequential *m, real *params, real *stats, rng_t *rng);

/* ---------------------------------------------------------------- running it */

/* The network as a shard of a mini-batch sees it (src/minibatch.h). */
typedef struct {
    const sequential *arch;
    const real *params;            /* (n_params)                                            */
    const real *stats;             /* (n_stats): batchnorm's running averages, for testing   */
    engine_kind engine;
    int training;                  /* 1: dropout drops, batchnorm uses the batch's statistics */
    uint64_t seed;                 /* dropout's masks: dropout_seed(seed, step, layer, image) */
    long step;                     /* the trainer counts its steps here                     */
    int fuse_pool;                 /* 1: a convolution on the wide or Winograd path followed by a
                                      2x2 max pool, or by a ReLU and then one, runs as one pass
                                      (conv_wide.h, winograd.h; the ReLU after the pool), and the
                                      outputs of the layers before the pool are not kept (their
                                      b->out is stale): the same numbers, faster (argmax may name
                                      another pixel of a window all <= 0, whose gradient is 0);
                                      0 (the default) keeps every layer's */
} sequential_model;

/* One shard's working memory for up to `capacity` images. */
typedef struct {
    int capacity;
    int images;                    /* how many the last forward pass had                     */
    const real *logits;            /* (images, classes): the last forward pass's logits      */
    real *out[SEQ_MAX_LAYERS];     /* each layer's output (capacity, out size); none for flatten (its
                                      input) and softmax (the loss computes the probabilities) */
    real *grad_a, *grad_b;         /* dL/d(a layer's output), ping-pong (capacity, largest size) */
    real *probs;                   /* (capacity, classes) softmax of the logits, by the loss  */
    real *dlogits;                 /* (capacity, classes) dL/dlogits = p - onehot(label)    */
    conv2d_batch_space conv[SEQ_MAX_LAYERS];
    int *argmax[SEQ_MAX_LAYERS];   /* maxpool                                               */
    real *mask[SEQ_MAX_LAYERS];    /* dropout: 0 or 1/(1-rate) per number                   */
    real *xhat[SEQ_MAX_LAYERS];    /* batchnorm: the normalised input                       */
    real *bn_stats[SEQ_MAX_LAYERS];/* batchnorm: mean, var, inv_std of this shard's batch (3 x C) */
} sequential_batch;

/* Allocate a shard's memory for up to capacity images (exits with one line
 * when out of memory, or when one array would hold more than INT_MAX
 * numbers, the most the layers' loops count). */
void sequential_batch_alloc(const sequential *m, int capacity, sequential_batch *b);
void sequential_batch_free(sequential_batch *b);

/* The bytes sequential_batch_alloc(m, capacity) allocates: every layer's
 * outputs, conv's im2col matrices, maxpool's winners, dropout's masks,
 * batchnorm's normalised inputs, the gradients and the probabilities (as
 * a double: a network too large for memory must not overflow the sum). */
double sequential_batch_bytes(const sequential *m, int capacity);

/* Forward n <= capacity images x (n, in_c, in_h, in_w) through every layer
 * up to the logits (n, classes), the input of the softmax, which it returns
 * (and keeps in b->logits). A final softmax layer is not computed here: the
 * loss computes the probabilities, once (softmax_cross_entropy_batch, into
 * b->probs), and so does sequential_probabilities. first: the number of
 * the first image in its batch (dropout's masks). */
const real *sequential_forward(const sequential_model *net, sequential_batch *b, const real *x, int n, long first);

/* sequential_forward, then p = softmax(logits) into b->probs (n, classes),
 * which it returns: the network's answer when no loss is computed. */
const real *sequential_probabilities(const sequential_model *net, sequential_batch *b, const real *x, int n,
                                     long first);

/* Backward pass of the last forward pass, from dlogits (n, classes):
 * ADDS dL/dparameters (summed over the images) into grad (n_params). When
 * dinput is not NULL, dL/dx (n, in_c, in_h, in_w), the gradient with respect
 * to the images themselves (a saliency map, lesson 14), is OVERWRITTEN there;
 * NULL skips it (in training the images are data). It differentiates the
 * mode of that forward pass (net->training): in test mode dropout passes
 * the gradient through and batchnorm is the straight line of its running
 * averages (batchnorm_backward_infer). */
void sequential_backward(const sequential_model *net, sequential_batch *b, const real *x, const real *dlogits,
                         real *grad, real *dinput);

/* The shard function for src/minibatch.h (scoring a set: minibatch_forward;
 * a training step is sequential_train_step, below): net is a
 * sequential_model, workspace a sequential_batch. Forward, the loss (which
 * fills b->probs and, with grad, b->dlogits), and with grad the backward pass. */
batch_score sequential_shard(void *net, void *workspace, const real *x, const int *labels, int n, long first,
                             int *predictions, real *grad);

/* After a training step: fold the batch statistics of every shard that had
 * images into the running averages stats (n_stats), in shard order
 * (batchnorm_update_running, with the shards' means and variances averaged,
 * weighted by their images, each variance made unbiased with its own shard's
 * N / (N - 1) first). Nothing to do without batchnorm. */
void sequential_update_stats(const sequential *m, sequential_batch *const *shards, int n_shards, real *stats);

/* Everything to run the network on mini-batches on a thread pool, as
 * convnet_runner is for lesson 10's network. */
typedef struct {
    sequential_model model;
    sequential_batch shards[MINIBATCH_SHARDS];
    minibatch batches;
} sequential_runner;

void sequential_runner_init(sequential_runner *r, const sequential *m, const real *params, const real *stats,
                            engine_kind engine, thread_pool *pool, int max_batch);
void sequential_runner_free(sequential_runner *r);

/* ---------------------------------------------------------------- one training step */

/* One step of mini-batch training on n <= max_batch images x (n, in_c,
 * in_h, in_w) with labels (n), in training mode (dropout on, batchnorm on
 * the batch's statistics):
 *   forward   every shard's images through the layers, the shards on the threads
 *   loss      softmax + cross-entropy of every image: p, dL/dlogits = p - onehot(label)
 *   backward  every shard's dL/dparameters, then their mean in shard order
 *             (r->batches.mean_grad, n_params)
 *   update    opt moves params (n_params, the block r was made with) against it
 * and batchnorm's running averages into stats (n_stats). The step's number,
 * opt->steps, picks dropout's masks. Returns the SUM of the n losses and the
 * images answered right, as the step saw them (before the update). */
batch_score sequential_train_step(sequential_runner *r, real *params, real *stats, optimizer *opt, const real *x,
                                  const int *labels, int n);

/* The three parts of the step, each over every shard of the batch (the
 * forward and backward passes on the threads). forward: sequential_forward
 * of each shard's images; loss: the sum of the losses and the right
 * answers, from each shard's logits (shards in order: the same sum for any
 * threads), filling b->probs and b->dlogits; backward: sequential_backward
 * of each shard from its dlogits, then r->batches.mean_grad (n_params) =
 * the mean over the n images, OVERWRITTEN. */
void sequential_runner_forward(sequential_runner *r, const real *x, int n);
batch_score sequential_runner_loss(sequential_runner *r, const int *labels, int n);
void sequential_runner_backward(sequential_runner *r, const real *x, int n);

/* After a training step (sequential_train_step calls it): fold the batch
 * statistics of the shards that step used into stats (n_stats), as
 * sequential_update_stats. A shard that had no images in the step (a step
 * of fewer images than there are shards) is left out: its memory still
 * holds an older step's statistics. */
void sequential_runner_update_stats(sequential_runner *r, real *stats);

#endif
