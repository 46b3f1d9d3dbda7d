/* src/tools/yours/layers.c: see layers.h. Each row has the library's
 * version and, when its exercise is compiled in (-DYOURS_NN), the
 * student's, adapted to the network's shapes: the exercises work on one
 * channel (h, w) at a time, so the adapters loop over the channels. */
#include "layers.h"

#include <stdlib.h>

#include "activation.h"
#include "conv.h"
#include "dense.h"
#include "loss.h"
#include "optim.h"
#include "pool.h"
#include "tensor.h"

/* ---------------------------------------------------------------- the library */

static void lib_conv_forward(const convnet_arch *a, const real *x, const real *w, const real *b, real *c)
{
    conv2d_forward(&a->conv, x, w, b, c);
}
static void lib_conv_backward(const convnet_arch *a, const real *x, const real *w, const real *dc, real *dw, real *db)
{
    conv2d_backward(&a->conv, x, w, dc, dw, db, NULL);   /* no dX: the input is data */
}
static void lib_pool_forward(const convnet_arch *a, const real *r, real *p, int *argmax)
{
    maxpool2d_forward(&a->pool, r, p, argmax);
}
static void lib_pool_backward(const convnet_arch *a, const real *dp, const int *argmax, real *dr)
{
    maxpool2d_backward(&a->pool, dp, argmax, dr);
}
static void lib_softmax_ce_backward(const real *z, int label, real *dz, int n)
{
    softmax(z, dz, n);
    dz[label] -= 1;
}

/* ---------------------------------------------------------------- the student's */

#ifdef YOURS_01
#include "01_convolution.h"
/* exercise 01: convolve_valid, one filter at a time, plus the bias */
static void your_conv_forward(const convnet_arch *a, const real *x, const real *w, const real *b, real *c)
{
    int k = a->kernel, n = a->conv.out_h * a->conv.out_w;
    for (int f = 0; f < a->filters; f++) {
        convolve_valid(x, a->in_h, a->in_w, w + (long)f * k * k, k, c + (long)f * n);
        for (int i = 0; i < n; i++)
            c[(long)f * n + i] += b[f];
    }
}
#endif

#ifdef YOURS_06
#include "06_conv_backward.h"
/* exercise 06: conv_dfilter and conv_dbias, one filter at a time, added */
static void your_conv_backward(const convnet_arch *a, const real *x, const real *w, const real *dc, real *dw, real *db)
{
    (void)w;                          /* no dX is needed: the input is data */
    int k = a->kernel, oh = a->conv.out_h, ow = a->conv.out_w;
    real *df = tensor_alloc((size_t)k * k, "dF");
    for (int f = 0; f < a->filters; f++) {
        const real *dcf = dc + (long)f * oh * ow;
        conv_dfilter(x, a->in_h, a->in_w, dcf, oh, ow, df);
        for (int i = 0; i < k * k; i++)
            dw[(long)f * k * k + i] += df[i];
        db[f] += conv_dbias(dcf, oh, ow);
    }
    free(df);
}
#endif

#ifdef YOURS_04
#include "04_activations.h"
#endif

#ifdef YOURS_05
#include "05_pooling.h"
/* exercise 05: max_pool_forward / _backward, one channel at a time */
static void your_pool_forward(const convnet_arch *a, const real *r, real *p, int *argmax)
{
    const pool2d_shape *s = &a->pool;
    long in = (long)s->in_h * s->in_w, out = (long)s->out_h * s->out_w;
    for (int c = 0; c < s->c; c++)
        max_pool_forward(r + c * in, s->in_h, s->in_w, s->k, s->stride, p + c * out, argmax + c * out);
}
static void your_pool_backward(const convnet_arch *a, const real *dp, const int *argmax, real *dr)
{
    const pool2d_shape *s = &a->pool;
    long in = (long)s->in_h * s->in_w, out = (long)s->out_h * s->out_w;
    for (int c = 0; c < s->c; c++)
        max_pool_backward(dp + c * out, argmax + c * out, s->in_h, s->in_w, s->k, s->stride, dr + c * in);
}
#endif

#ifdef YOURS_07
#include "07_dense.h"
/* exercise 07: fc_backward OVERWRITES dW and db: add them here */
static void your_dense_backward(const real *p, const real *w, const real *dz, real *dw, real *db, real *dp, int n_in,
                                int n_out)
{
    real *dw1 = tensor_alloc((size_t)n_in * n_out, "dW"), *db1 = tensor_alloc((size_t)n_out, "db");
    fc_backward(p, w, dz, dw1, db1, dp, n_in, n_out);
    for (long i = 0; i < (long)n_in * n_out; i++)
        dw[i] += dw1[i];
    for (int j = 0; j < n_out; j++)
        db[j] += db1[j];
    free(dw1);
    free(db1);
}
#endif

#ifdef YOURS_08
#include "08_softmax.h"
#endif

#ifdef YOURS_09
#include "09_optimisers.h"
static void your_momentum_step(real *w, const real *g, real *velocity, long n, real lr, real momentum)
{
    momentum_update(w, g, velocity, (int)n, lr, momentum);
}
#endif

/* ---------------------------------------------------------------- the table */

layer_table your_layers(void)
{
    layer_table t = {
        { "library", "library", "library", "library", "library", "library", "library" },
        lib_conv_forward, lib_conv_backward, relu_forward, relu_backward, lib_pool_forward, lib_pool_backward,
        dense_forward, dense_backward, lib_softmax_ce_backward, sgd_momentum_step,
    };
#ifdef YOURS_01
    t.owner[0] = "exercises/01 convolve_valid";
    t.conv_forward = your_conv_forward;
#endif
#ifdef YOURS_06
    t.owner[1] = "exercises/06 conv_dfilter, conv_dbias";
    t.conv_backward = your_conv_backward;
#endif
#ifdef YOURS_04
    t.owner[2] = "exercises/04 relu_fwd, relu_bwd";
    t.relu_forward = relu_fwd;
    t.relu_backward = relu_bwd;
#endif
#ifdef YOURS_05
    t.owner[3] = "exercises/05 max_pool_forward, max_pool_backward";
    t.pool_forward = your_pool_forward;
    t.pool_backward = your_pool_backward;
#endif
#ifdef YOURS_07
    t.owner[4] = "exercises/07 fc_forward, fc_backward";
    t.dense_forward = fc_forward;
    t.dense_backward = your_dense_backward;
#endif
#ifdef YOURS_08
    t.owner[5] = "exercises/08 softmax_ce_logit_grad";
    t.softmax_ce_backward = softmax_ce_logit_grad;
#endif
#ifdef YOURS_09
    t.owner[6] = "exercises/09 momentum_update";
    t.momentum_step = your_momentum_step;
#endif
    return t;
}
