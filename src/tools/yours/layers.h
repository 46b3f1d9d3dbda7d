/* src/tools/yours/layers.h: lesson 10's network, one image at a time, as a
 * table of layer functions, so that a student's solved exercise can stand in
 * for the library's (make mnist EX=NN, tests/mnist_yours.sh).
 *
 * Shapes are those of src/convnet.h (arch): X (1, in_h, in_w), conv W
 * (filters, 1, k, k) and b (filters), C and R (filters, conv_h, conv_w),
 * P (filters, ph, pw) = the flat dense input, dense W (flat, classes) with
 * W[i][j] = w[i * classes + j], b and Z (classes). Everything is double
 * (built with -DREAL_DOUBLE), like the exercises. Each backward function
 * ADDS its parameter gradients into the given arrays, so a batch can sum. */
#ifndef YOURS_LAYERS_H
#define YOURS_LAYERS_H

#include "convnet.h"

typedef struct {
    const char *owner[7];   /* who wrote each row: "library" or "exercises/NN_x.c" */
    /* C = conv(X, W) + b */
    void (*conv_forward)(const convnet_arch *a, const real *x, const real *w, const real *b, real *c);
    /* dW += conv(X, dC), db += sum dC (W: the weights, for a backward that also wants dX) */
    void (*conv_backward)(const convnet_arch *a, const real *x, const real *w, const real *dc, real *dw, real *db);
    /* R = max(0, C); dC = dR where C > 0 (OVERWRITTEN) */
    void (*relu_forward)(const real *c, real *r, int n);
    void (*relu_backward)(const real *c, const real *dr, real *dc, int n);
    /* P = maxpool 2x2 of R, argmax per output (channel-local flat index); dR OVERWRITTEN */
    void (*pool_forward)(const convnet_arch *a, const real *r, real *p, int *argmax);
    void (*pool_backward)(const convnet_arch *a, const real *dp, const int *argmax, real *dr);
    /* Z = W^T P + b; dW += P dZ^T, db += dZ, dP = W dZ (OVERWRITTEN) */
    void (*dense_forward)(const real *p, const real *w, const real *b, real *z, int n_in, int n_out);
    void (*dense_backward)(const real *p, const real *w, const real *dz, real *dw, real *db, real *dp, int n_in,
                           int n_out);
    /* dZ = softmax(Z) - onehot(label) (OVERWRITTEN) */
    void (*softmax_ce_backward)(const real *z, int label, real *dz, int n);
    /* velocity = momentum * velocity + g; w -= lr * velocity */
    void (*momentum_step)(real *w, const real *g, real *velocity, long n, real lr, real momentum);
} layer_table;

/* The table: the library's functions, with the rows of the exercises
 * compiled in (YOURS_01, YOURS_04, ... defined) replaced by the student's. */
layer_table your_layers(void);

#endif
