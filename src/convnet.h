/* convnet.h: lesson 10's network, written out layer by layer: the trainer
 * (lessons/10_mnist.c) trains it; its model file is src/model_file.h's
 * version 1 (which src/tools/predict.c reads as a sequential network).
 *
 * The picture of Doshi and Intro to CNN, one image at a time (shapes for the
 * trainer's defaults: 28x28 MNIST digits, 16 filters of 5x5, 10 classes):
 *
 *   image       X  (1, 28, 28)      pixel / 255, in [0, 1]
 *   conv        C  (16, 24, 24)     16 filters 5x5, valid, stride 1: 28 - 5 + 1 = 24
 *   ReLU        R  (16, 24, 24)     max(0, C)
 *   maxpool     P  (16, 12, 12)     2x2, stride 2: 24 / 2 = 12
 *   flatten     P  (2304)           the same numbers, read as one vector: no copy
 *   dense       Z  (10)             Z = W^T P + b: one score ("logit") per digit
 *   softmax     p  (10)             p_i = e^{Z_i} / sum_k e^{Z_k}: probabilities
 *   loss        L                   cross-entropy -ln p_label
 *
 * With 32 filters of 3x3 the maps are Intro to CNN's 26x26x32 -> 13x13x32.
 * Memory layout is channels-first, (C, H, W); the sources and Keras write
 * shapes H x W x C (24x24x16), and so does convnet_summary.
 *
 * The parameters live in one block of n_params reals, four tensors one
 * after another; gradients and momentum velocities use the same layout, so
 * an optimiser step, a sum of gradients or a saved file is one loop over
 * the block. Its model file (format version 1) is src/model_file.h's. */
#ifndef CONVNET_H
#define CONVNET_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "conv.h"
#include "minibatch.h"
#include "optim.h"
#include "pool.h"
#include "real.h"
#include "rng.h"

#define CONVNET_POOL 2            /* max pooling 2x2, stride 2 */
#define CONVNET_MAX_CLASSES 256

typedef struct {
    int in_h, in_w;               /* one grey-scale image (1, in_h, in_w)        */
    int filters, kernel;          /* conv: `filters` filters of kernel x kernel  */
    int classes;                  /* outputs of the dense layer                  */
    conv2d_shape conv;            /* (1, in_h, in_w) -> (filters, conv_h, conv_w) */
    pool2d_shape pool;            /* (filters, conv_h, conv_w) -> (filters, ph, pw) */
    int flat;                     /* filters * ph * pw: the dense layer's inputs  */
    long n_params;                /* all weights and biases                       */
} convnet_arch;

/* A block of n_params reals and the four tensors in it. */
typedef struct {
    real *all;       /* (n_params)                        */
    real *conv_w;    /* (filters, 1, kernel, kernel)      */
    real *conv_b;    /* (filters)                         */
    real *dense_w;   /* (flat, classes): W[i][j] = dense_w[i * classes + j] */
    real *dense_b;   /* (classes)                         */
} convnet_params;

/* What one image leaves behind in the forward pass (kept for the backward
 * pass), and room for the gradients flowing back. */
typedef struct {
    real *conv;      /* C (filters, conv_h, conv_w), before the ReLU */
    real *relu;      /* R (filters, conv_h, conv_w)                  */
    real *pool;      /* P (filters, ph, pw) = the flattened (flat)   */
    int *argmax;     /* (filters, ph, pw): which R each P came from  */
    real *logits;    /* Z (classes)                                  */
    real *probs;     /* p (classes)                                  */
    real *d_logits;  /* dL/dZ (classes)                              */
    real *d_pool;    /* dL/dP (flat)                                 */
    real *d_relu;    /* dL/dR (filters, conv_h, conv_w)              */
    real *d_conv;    /* dL/dC (filters, conv_h, conv_w)              */
} convnet_work;

/* Work out every shape from the architecture. Returns 0, or -1 with one
 * line in err (e.g. a kernel larger than the image, or an even kernel,
 * whose conv output 2x2 pooling cannot tile). */
int convnet_arch_setup(convnet_arch *a, int in_h, int in_w, int filters, int kernel, int classes,
                       char *err, size_t err_size);
/* 1 when the two architectures are the same network. */
int convnet_arch_equal(const convnet_arch *a, const convnet_arch *b);
/* "32 filters 3x3 on 28x28 images, 10 classes" */
void convnet_arch_describe(const convnet_arch *a, char *buf, size_t size);

/* A zero-filled block (parameters, gradients or velocities); free with
 * convnet_params_free. */
void convnet_params_alloc(const convnet_arch *a, convnet_params *p);
void convnet_params_free(convnet_params *p);
/* p's four tensors pointed into the block all (n_params), which stays the
 * caller's: a gradient block or a block read from a file, seen as tensors. */
void convnet_params_view(const convnet_arch *a, real *all, convnet_params *p);
/* The starting weights, drawn from rng (conv weights first, then dense
 * weights), biases 0: the conv layer He normal, w ~ N(0, 2 / fan_in) with
 * fan_in = kernel * kernel (it feeds a ReLU); the dense layer uniform in
 * +-1/sqrt(fan_in) with fan_in = flat, PyTorch's default for nn.Linear (it
 * feeds the softmax: small scores, so the loss starts near ln 10). */
void convnet_init(const convnet_arch *a, convnet_params *p, rng_t *rng);

void convnet_work_alloc(const convnet_arch *a, convnet_work *w);
void convnet_work_free(convnet_work *w);

/* Forward pass of one image x (1, in_h, in_w): fills every activation in
 * w, up to w->logits and w->probs. Returns the predicted class. */
int convnet_forward(const convnet_arch *a, const convnet_params *p, convnet_work *w, const real *x);
/* Cross-entropy of the last forward pass against `label`: -ln p_label,
 * computed from the logits (finite even when p_label rounds to 0). NaN when
 * a logit is infinite or NaN: the forward pass overflowed (softmax has a
 * limit for infinite logits, but a network that produces them is broken,
 * and the trainer must see it). */
double convnet_loss(const convnet_arch *a, const convnet_work *w, int label);
/* Backward pass of the last forward pass (same x), for the loss against
 * `label`: ADDS dL/dparameters into g, so a batch can sum its images. */
void convnet_backward(const convnet_arch *a, const convnet_params *p, convnet_work *w,
                      const real *x, int label, convnet_params *g);

/* The largest |parameter| (NaN if any is NaN): for messages about a model
 * whose numbers are too large to compute with. */
double convnet_largest_parameter(const convnet_arch *a, const convnet_params *p);

/* ---------------------------------------------------------------- mini-batches (lesson 11)
 *
 * The same network on n images at once, every tensor (n, ...): the batched
 * layers (im2col + GEMM for the convolution, GEMM for the dense layer), the
 * same picture as convnet_forward / convnet_backward above, which stay as
 * the reference (tests compare the two). */
typedef struct {
    int capacity;                   /* images it has room for              */
    convnet_work one;               /* the naive engine: one image at a time */
    conv2d_batch_space conv_space;  /* the conv path's working memory      */
    real *conv, *relu;              /* C, R (n, filters, conv_h, conv_w); R: the naive engine only */
    real *pool;                     /* P (n, flat)                         */
    int *argmax;                    /* (n, flat): which R (fast: which C) each P came from */
    real *dense_wt;                 /* the dense layer's W transposed (classes, flat) */
    real *logits, *probs;           /* Z, p (n, classes)                   */
    real *d_logits;                 /* dL/dZ (n, classes)                  */
    real *d_pool;                   /* dL/dP (n, flat)                     */
    real *d_relu, *d_conv;          /* dL/dR (the naive engine only), dL/dC (n, filters, conv_h, conv_w) */
} convnet_batch;

void convnet_batch_alloc(const convnet_arch *a, int capacity, convnet_batch *b);
void convnet_batch_free(convnet_batch *b);

/* Forward pass of n <= capacity images x (n, 1, in_h, in_w): fills b->conv,
 * pool, argmax and logits (the 2x2 max before the ReLU: the same P, and R
 * is not stored; convnet.c says why). */
void convnet_forward_batch(const convnet_arch *a, const convnet_params *p, convnet_batch *b, const real *x, int n);
/* Backward pass of the same n images, from b->d_logits = dL/dZ (n, classes)
 * (the loss fills it): ADDS dL/dparameters, summed over the n images, into g. */
void convnet_backward_batch(const convnet_arch *a, const convnet_params *p, convnet_batch *b, int n,
                            convnet_params *g);

/* What a shard of a mini-batch (src/minibatch.h) needs to know. */
typedef struct {
    const convnet_arch *arch;
    const convnet_params *params;
    engine_kind engine;
} convnet_model;

/* The shard function of src/minibatch.h for this network: net is a
 * convnet_model, workspace a convnet_batch with room for n images, grad a
 * parameter block (n_params) laid out as convnet_params. */
batch_score convnet_shard(void *net, void *workspace, const real *x, const int *labels, int n, long first,
                          int *predictions, real *grad);

/* Everything needed to run the network on mini-batches of up to max_batch
 * images on a thread pool: each shard's working memory and the shards
 * themselves (src/minibatch.h). Run a batch with
 *     minibatch_forward(&r.batches, x, labels, n, predictions)    scores only
 *     minibatch_gradient(&r.batches, x, labels, n)                + r.batches.mean_grad
 * The parameters are read through p at every batch, so an optimiser can
 * update them in place between batches. */
typedef struct {
    convnet_model model;
    convnet_batch shards[MINIBATCH_SHARDS];
    minibatch batches;
} convnet_runner;

/* Allocates everything once (exits with a message when out of memory). */
void convnet_runner_init(convnet_runner *r, const convnet_arch *a, const convnet_params *p, engine_kind engine,
                         thread_pool *pool, int max_batch);
void convnet_runner_free(convnet_runner *r);

/* One training step on n <= max_batch images x (n, 1, in_h, in_w) with
 * labels (n):
 *   forward   every shard's images through the layers (convnet_forward_batch,
 *             or convnet_forward one image at a time), the shards on the threads
 *   loss      softmax + cross-entropy of every image: p, dL/dlogits = p - onehot(label)
 *   backward  every shard's dL/dparameters, then their mean in shard order
 *             (r->batches.mean_grad, n_params)
 *   update    opt moves params (n_params, the block r reads) against it.
 * Returns the SUM of the n losses and the right answers, as the step saw
 * them (before the update). The same numbers as minibatch_gradient on
 * r->batches (convnet_shard) followed by optimizer_step. */
batch_score convnet_train_step(convnet_runner *r, real *params, optimizer *opt, const real *x, const int *labels,
                               int n);

/* The Keras-style table: layer, output shape (H x W x C), parameters, total. */
void convnet_summary(FILE *out, const convnet_arch *a);

#endif
