/* convnet.h: lesson 10's network, shared by the trainer (lessons/10_mnist.c)
 * and the classifier (src/tools/predict.c).
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
 * the block. */
#ifndef CONVNET_H
#define CONVNET_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "conv.h"
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
/* He normal initialisation (w ~ N(0, 2 / fan_in)) of both weight tensors,
 * biases 0, drawn from rng (conv weights first, then dense weights). */
void convnet_init(const convnet_arch *a, convnet_params *p, rng_t *rng);

void convnet_work_alloc(const convnet_arch *a, convnet_work *w);
void convnet_work_free(convnet_work *w);

/* Forward pass of one image x (1, in_h, in_w): fills every activation in
 * w, up to w->logits and w->probs. Returns the predicted class. */
int convnet_forward(const convnet_arch *a, const convnet_params *p, convnet_work *w, const real *x);
/* Cross-entropy of the last forward pass against `label`: -ln p_label,
 * computed from the logits (finite even when p_label rounds to 0). */
double convnet_loss(const convnet_arch *a, const convnet_work *w, int label);
/* Backward pass of the last forward pass (same x), for the loss against
 * `label`: ADDS dL/dparameters into g, so a batch can sum its images. */
void convnet_backward(const convnet_arch *a, const convnet_params *p, convnet_work *w,
                      const real *x, int label, convnet_params *g);

/* The Keras-style table: layer, output shape (H x W x C), parameters, total. */
void convnet_summary(FILE *out, const convnet_arch *a);

/* The model file (all integers little-endian uint32):
 *   magic "CNNM" | format version | in_h in_w filters kernel pool classes | n_params
 *   n_params parameters as little-endian IEEE float32, in the block's order
 *   CRC-32 (the zlib/PNG one) of every byte before it
 * Save returns 0, or -1 with one line in err. */
#define CONVNET_MAGIC "CNNM"
#define CONVNET_FORMAT_VERSION 1u
int convnet_save(const char *path, const convnet_arch *a, const convnet_params *p,
                 char *err, size_t err_size);
/* Read and check a model file: magic, version, a sane architecture, the
 * parameter count, the length, the checksum, finite parameters. On success
 * fills a and allocates p (free with convnet_params_free) and returns 0;
 * otherwise returns -1 with one line naming the file and the problem. */
int convnet_load(const char *path, convnet_arch *a, convnet_params *p, char *err, size_t err_size);

/* CRC-32 (polynomial 0xEDB88320, as in zlib and PNG), continued from crc
 * (start with 0): convnet_crc32(0, "123456789", 9) == 0xCBF43926. */
uint32_t convnet_crc32(uint32_t crc, const unsigned char *bytes, size_t n);

#endif
