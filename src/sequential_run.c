/* sequential_run.c: see sequential.h. Running a sequential network over a
 * batch: its working memory, the layers forward, the layers backward (the
 * chain rule, in reverse order), a shard, and the shards on a thread pool. */
#include "sequential.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "activation.h"
#include "batchnorm.h"
#include "conv_wide.h"
#include "dense.h"
#include "dropout.h"
#include "loss.h"
#include "tensor.h"
#include "winograd.h"

/* The numbers of one image's input of layer l. */
static long in_size(const layer *l)
{
    return (long)l->in_c * l->in_h * l->in_w;
}

/* ---------------------------------------------------------------- working memory */

/* The most numbers any one array of a shard holds for one image: a layer's
 * input or output, or a conv's im2col columns. */
static long long largest_per_image(const sequential *m)
{
    long long largest = (long long)m->in_c * m->in_h * m->in_w;
    for (int i = 0; i < m->n_layers; i++) {
        const layer *l = &m->layers[i];
        long long out = sequential_out_size(l), cols = 0;
        if (l->kind == LAYER_CONV)
            cols = (long long)l->in_c * l->kernel * l->kernel * l->out_h * l->out_w;
        largest = out > largest ? out : largest;
        largest = cols > largest ? cols : largest;
    }
    return largest;
}

void sequential_batch_alloc(const sequential *m, int capacity, sequential_batch *b)
{
    long largest = (long)m->in_c * m->in_h * m->in_w;
    if ((long long)capacity * largest_per_image(m) > INT_MAX) {    /* the layers count a batch's numbers in int */
        fprintf(stderr, "error: %d images of this network hold more than %d numbers in one array: use smaller "
                "batches\n", capacity, INT_MAX);
        exit(1);
    }
    memset(b, 0, sizeof *b);
    b->capacity = capacity;
    for (int i = 0; i < m->n_layers; i++) {
        const layer *l = &m->layers[i];
        size_t out = (size_t)capacity * (size_t)sequential_out_size(l);
        largest = sequential_out_size(l) > largest ? sequential_out_size(l) : largest;
        if (l->kind != LAYER_FLATTEN && l->kind != LAYER_SOFTMAX)   /* flatten's is its input; softmax's, the loss's */
            b->out[i] = tensor_alloc(out, "a layer's outputs");
        if (l->kind == LAYER_CONV)
            conv2d_batch_space_alloc(&b->conv[i], &l->conv, capacity);
        if (l->kind == LAYER_MAXPOOL)
            b->argmax[i] = checked_calloc(out, sizeof(int), "max pooling's winners");
        if (l->kind == LAYER_DROPOUT)
            b->mask[i] = tensor_alloc(out, "dropout's masks");
        if (l->kind == LAYER_BATCHNORM) {
            b->xhat[i] = tensor_alloc(out, "batchnorm's normalised inputs");
            b->bn_stats[i] = tensor_alloc(3 * (size_t)l->in_c, "batchnorm's batch statistics");
        }
    }
    b->grad_a = tensor_alloc((size_t)capacity * (size_t)largest, "gradients");
    b->grad_b = tensor_alloc((size_t)capacity * (size_t)largest, "gradients");
    b->probs = tensor_alloc((size_t)capacity * (size_t)m->classes, "probabilities");
    b->dlogits = tensor_alloc((size_t)capacity * (size_t)m->classes, "dL/dlogits");
}

void sequential_batch_free(sequential_batch *b)
{
    for (int i = 0; i < SEQ_MAX_LAYERS; i++) {
        free(b->out[i]);
        if (b->conv[i].capacity > 0)
            conv2d_batch_space_free(&b->conv[i]);
        free(b->argmax[i]);
        free(b->mask[i]);
        free(b->xhat[i]);
        free(b->bn_stats[i]);
    }
    free(b->grad_a);
    free(b->grad_b);
    free(b->probs);
    free(b->dlogits);
    memset(b, 0, sizeof *b);
}

double sequential_batch_bytes(const sequential *m, int capacity)
{
    double numbers = 0, ints = 0, largest = (double)m->in_c * m->in_h * m->in_w;
    for (int i = 0; i < m->n_layers; i++) {
        const layer *l = &m->layers[i];
        double out = (double)capacity * (double)sequential_out_size(l);
        largest = (double)sequential_out_size(l) > largest ? (double)sequential_out_size(l) : largest;
        if (l->kind != LAYER_FLATTEN && l->kind != LAYER_SOFTMAX)
            numbers += out;                                            /* its outputs */
        if (l->kind == LAYER_CONV)                                     /* the conv path's working memory */
            numbers += conv2d_batch_space_bytes(&l->conv, capacity) / sizeof(real);
        if (l->kind == LAYER_MAXPOOL)
            ints += out;
        if (l->kind == LAYER_DROPOUT)
            numbers += out;
        if (l->kind == LAYER_BATCHNORM)
            numbers += out + 3.0 * l->in_c;
    }
    numbers += 2.0 * capacity * largest + 2.0 * capacity * m->classes;   /* gradients, probabilities, dL/dlogits */
    return numbers * sizeof(real) + ints * sizeof(int);
}

/* ---------------------------------------------------------------- forward */

static batchnorm_shape bn_shape(const layer *l)
{
    return (batchnorm_shape){ l->in_c, l->in_h * l->in_w };
}

static void conv_forward(const sequential_model *net, const layer *l, sequential_batch *b, int i, const real *in,
                         int n)
{
    const real *w = net->params + l->first_param, *bias = w + conv2d_weight_count(&l->conv);
    if (net->engine == ENGINE_FAST) {
        b->conv[i].inference = !net->training;          /* no backward: the forward need not keep its tiles */
        conv2d_forward_batch(&l->conv, n, in, w, bias, b->out[i], &b->conv[i]);    /* im2col + GEMM */
        return;
    }
    for (int k = 0; k < n; k++)                                                    /* the direct loops */
        conv2d_forward(&l->conv, in + k * in_size(l), w, bias, b->out[i] + k * sequential_out_size(l));
}

static void dense_forward_layer(const sequential_model *net, const layer *l, sequential_batch *b, int i,
                                const real *in, int n)
{
    const real *w = net->params + l->first_param, *bias = w + (long)l->in_c * l->units;
    if (net->engine == ENGINE_FAST) {
        dense_forward_batch(n, in, w, bias, b->out[i], l->in_c, l->units);          /* one GEMM */
        return;
    }
    for (int k = 0; k < n; k++)
        dense_forward(in + (long)k * l->in_c, w, bias, b->out[i] + (long)k * l->units, l->in_c, l->units);
}

static void dropout_forward_layer(const sequential_model *net, const layer *l, sequential_batch *b, int i,
                                  const real *in, int n, long first)
{
    long size = in_size(l);
    if (!net->training) {                            /* inverted dropout: nothing to do at test time */
        tensor_copy(b->out[i], in, (size_t)(n * size));
        return;
    }
    for (int k = 0; k < n; k++)                      /* each image's mask from its own seed */
        dropout_mask(b->mask[i] + k * size, size, (real)l->rate, dropout_seed(net->seed, net->step, i, first + k));
    dropout_forward(in, b->mask[i], b->out[i], n * size);
}

static void batchnorm_forward_layer(const sequential_model *net, const layer *l, sequential_batch *b, int i,
                                    const real *in, int n)
{
    batchnorm_shape s = bn_shape(l);
    const real *gamma = net->params + l->first_param, *beta = gamma + l->in_c;
    if (net->training) {
        real *mean = b->bn_stats[i], *var = mean + l->in_c, *inv_std = var + l->in_c;
        batchnorm_forward_train(&s, n, in, gamma, beta, b->out[i], b->xhat[i], mean, var, inv_std);
    } else {
        const real *run_mean = net->stats + l->first_stat, *run_var = run_mean + l->in_c;
        batchnorm_forward_infer(&s, n, in, gamma, beta, run_mean, run_var, b->out[i]);
    }
}

/* The output of layer i, for reading (flatten's is its input; so is a
 * final softmax's: the logits, whose probabilities the loss computes). */
static const real *output_of(const sequential *m, const sequential_batch *b, int i, const real *x)
{
    while (i >= 0 && (m->layers[i].kind == LAYER_FLATTEN || m->layers[i].kind == LAYER_SOFTMAX))
        i--;
    return i < 0 ? x : b->out[i];
}

/* The max pool that layer i (a convolution) runs with in one pass, or -1.
 * The model asks for it (fuse_pool); the next layer is a 2x2 stride-2 max
 * pool of the convolution's output, or a ReLU and then one; and the
 * layer's path has a pooled forward (the wide rows, Winograd). A ReLU in
 * between runs after the pool, on a quarter of the numbers: relu(max(..))
 * = max(relu(..)), both functions increasing, so the pooled output and
 * every gradient are the same numbers; only argmax may name another pixel
 * of a window whose numbers are all <= 0, where the gradient is 0 anyway. */
static int pool_fused_with(const sequential_model *net, const sequential_batch *b, int i)
{
    const sequential *m = net->arch;
    if (!net->fuse_pool || net->engine != ENGINE_FAST || m->layers[i].kind != LAYER_CONV)
        return -1;
    int j = i + 1 < m->n_layers && m->layers[i + 1].kind == LAYER_RELU ? i + 2 : i + 1;
    if (j >= m->n_layers || m->layers[j].kind != LAYER_MAXPOOL)
        return -1;
    const conv2d_shape *c = &m->layers[i].conv;
    const pool2d_shape *p = &m->layers[j].pool;
    if ((b->conv[i].path == CONV_WIDE && conv_wide_pool_supported(c, p))
        || (b->conv[i].path == CONV_WINOGRAD && winograd_pool_supported(c, p)))
        return j;
    return -1;
}

/* The convolution run with the max pool j (layer j the pool), or -1. */
static int conv_fused_with(const sequential_model *net, const sequential_batch *b, int j)
{
    for (int i = j - 1; i >= 0 && i >= j - 2; i--)
        if (pool_fused_with(net, b, i) == j)
            return i;
    return -1;
}

/* Layers i (conv) .. j (its 2x2 max pool, a ReLU between them or not) in
 * one pass: the pool's output and argmax as the layers would leave them
 * (pool_fused_with); the outputs of layers i .. j-1 are not written. */
static void conv_pool_forward(const sequential_model *net, sequential_batch *b, int i, int j, const real *in, int n)
{
    const layer *l = &net->arch->layers[i];
    const pool2d_shape *p = &net->arch->layers[j].pool;
    const real *w = net->params + l->first_param, *bias = w + conv2d_weight_count(&l->conv);
    if (b->conv[i].path == CONV_WIDE) {
        conv_wide_forward_pool_batch(&l->conv, p, n, in, w, bias, b->out[j], b->argmax[j], &b->conv[i]);
    } else {
        b->conv[i].inference = !net->training;
        winograd_forward_pool_batch(&l->conv, p, n, in, w, bias, b->out[j], b->argmax[j], &b->conv[i]);
    }
    if (j == i + 2)                                   /* the ReLU, after the pool */
        relu_forward(b->out[j], b->out[j], (int)(n * pool2d_output_count(p)));
}

const real *sequential_forward(const sequential_model *net, sequential_batch *b, const real *x, int n, long first)
{
    const sequential *m = net->arch;
    const real *in = x;                               /* the input of layer i, (n, in size) */
    b->images = n;
    for (int i = 0; i < m->n_layers; i++) {
        const layer *l = &m->layers[i];
        long count = n * in_size(l);
        switch (l->kind) {
        case LAYER_CONV: {
            int j = pool_fused_with(net, b, i);
            if (j >= 0) {
                conv_pool_forward(net, b, i, j, in, n);
                i = j;                                 /* layers up to j done too: skip them */
            } else {
                conv_forward(net, l, b, i, in, n);
            }
            break;
        }
        case LAYER_MAXPOOL:   maxpool2d_forward_batch(&l->pool, n, in, b->out[i], b->argmax[i]); break;
        case LAYER_AVGPOOL:   avgpool2d_forward_batch(&l->pool, n, in, b->out[i]); break;
        case LAYER_RELU:      relu_forward(in, b->out[i], (int)count); break;
        case LAYER_SIGMOID:   sigmoid_forward(in, b->out[i], (int)count); break;
        case LAYER_TANH:      tanh_forward(in, b->out[i], (int)count); break;
        case LAYER_DROPOUT:   dropout_forward_layer(net, l, b, i, in, n, first); break;
        case LAYER_BATCHNORM: batchnorm_forward_layer(net, l, b, i, in, n); break;
        case LAYER_FLATTEN:   break;                                     /* the same numbers */
        case LAYER_DENSE:     dense_forward_layer(net, l, b, i, in, n); break;
        case LAYER_SOFTMAX:   break;                  /* the loss computes p = softmax(logits), once */
        }
        in = output_of(m, b, i, x);
    }
    b->logits = in;                                   /* (n, classes) */
    return in;
}

const real *sequential_probabilities(const sequential_model *net, sequential_batch *b, const real *x, int n,
                                     long first)
{
    int classes = net->arch->classes;
    const real *logits = sequential_forward(net, b, x, n, first);
    for (int k = 0; k < n; k++)                                     /* p = softmax(logits), (n, classes) */
        softmax(logits + (long)k * classes, b->probs + (long)k * classes, classes);
    return b->probs;
}

/* ---------------------------------------------------------------- backward */

static void conv_backward_layer(const sequential_model *net, const layer *l, sequential_batch *b, int i,
                                const real *in, const real *dy, real *dx, int n, real *grad)
{
    const real *w = net->params + l->first_param;
    real *dw = grad + l->first_param, *db = dw + conv2d_weight_count(&l->conv);
    if (net->engine == ENGINE_FAST) {
        conv2d_backward_batch(&l->conv, n, w, dy, dw, db, dx, &b->conv[i]);       /* GEMMs + col2im */
        return;
    }
    long in_n = in_size(l), out_n = sequential_out_size(l);
    for (int k = 0; k < n; k++)
        conv2d_backward(&l->conv, in + k * in_n, w, dy + k * out_n, dw, db, dx ? dx + k * in_n : NULL);
}

/* The backward of conv_pool_forward's layers i .. j: dy is the pool's output
 * gradient. Returns where dL/d(layer i's input) went: dinput for layer 0
 * (NULL: not computed), else one of b's two gradient buffers, used in
 * turns, each step writing into the one its input is not in. */
static real *conv_pool_backward(const sequential_model *net, sequential_batch *b, int i, int j, const real *dy,
                                real *dinput, int n, real *grad)
{
    const layer *l = &net->arch->layers[i];
    const pool2d_shape *p = &net->arch->layers[j].pool;
    const real *w = net->params + l->first_param;
    real *dw = grad + l->first_param, *db = dw + conv2d_weight_count(&l->conv);
    const int pooled = (int)(n * pool2d_output_count(p));
    real *a = dy == b->grad_a ? b->grad_a : b->grad_b, *o = a == b->grad_a ? b->grad_b : b->grad_a, *t;
    if (a != dy)                                      /* the pool was the last layer: dy is the caller's */
        tensor_copy(a, dy, (size_t)pooled);
    if (j == i + 2) {                                 /* the ReLU: dy where its output (the pooled one) is > 0 */
        relu_backward(b->out[j], a, o, pooled);
        t = a, a = o, o = t;
    }
    if (b->conv[i].path == CONV_WIDE) {               /* the pool's backward inside */
        real *dx = i == 0 ? dinput : o;
        conv_wide_backward_pool_batch(&l->conv, p, n, w, a, b->argmax[j], dw, db, dx, &b->conv[i]);
        return dx;
    }
    maxpool2d_backward_batch(p, n, a, b->argmax[j], o);   /* dY: 0 but at each window's winner */
    real *dx = i == 0 ? dinput : a;
    conv2d_backward_batch(&l->conv, n, w, o, dw, db, dx, &b->conv[i]);
    return dx;
}

static void dense_backward_layer(const sequential_model *net, const layer *l, const real *in, const real *dy,
                                 real *dx, int n, real *grad)
{
    const real *w = net->params + l->first_param;
    real *dw = grad + l->first_param, *db = dw + (long)l->in_c * l->units;
    if (net->engine == ENGINE_FAST) {
        dense_backward_batch(n, in, w, dy, dw, db, dx, l->in_c, l->units);
        return;
    }
    for (int k = 0; k < n; k++)
        dense_backward(in + (long)k * l->in_c, w, dy + (long)k * l->units, dw, db,
                       dx ? dx + (long)k * l->in_c : NULL, l->in_c, l->units);
}

/* Training: dx = dy * mask (the forward pass's mask); test mode: the layer
 * was the identity, dx = dy (a training pass's mask may still be in b). */
static void dropout_backward_layer(const sequential_model *net, sequential_batch *b, int i, const real *dy, real *dx,
                                   int count)
{
    if (net->training)
        dropout_backward(dy, b->mask[i], dx, count);
    else
        tensor_copy(dx, dy, (size_t)count);
}

static void batchnorm_backward_layer(const sequential_model *net, const layer *l, sequential_batch *b, int i,
                                     const real *in, const real *dy, real *dx, int n, real *grad)
{
    batchnorm_shape s = bn_shape(l);
    const real *gamma = net->params + l->first_param, *inv_std = b->bn_stats[i] + 2 * l->in_c;
    real *dgamma = grad + l->first_param, *dbeta = dgamma + l->in_c;
    if (!net->training) {                 /* test mode: the running averages, a straight line per channel */
        const real *run_mean = net->stats + l->first_stat, *run_var = run_mean + l->in_c;
        batchnorm_backward_infer(&s, n, in, dy, gamma, run_mean, run_var, dgamma, dbeta, dx);
        return;
    }
    batchnorm_backward(&s, n, dy, b->xhat[i], gamma, inv_std, dgamma, dbeta, dx);
}

void sequential_backward(const sequential_model *net, sequential_batch *b, const real *x, const real *dlogits,
                         real *grad, real *dinput)
{
    const sequential *m = net->arch;
    int n = b->images, top = m->n_layers - 1;
    if (m->layers[top].kind == LAYER_SOFTMAX)
        top--;                            /* the loss took the softmax's gradient: p - y (lesson 08) */
    const real *dy = dlogits;             /* dL/d(the output of layer i) */
    for (int i = top; i >= 0; i--) {
        const layer *l = &m->layers[i];
        const real *in = output_of(m, b, i - 1, x), *out = output_of(m, b, i, x);
        real *dx = i == 0 && dinput ? dinput : dy == b->grad_a ? b->grad_b : b->grad_a;
        real *dx_or_skip = i > 0 || dinput ? dx : NULL;  /* the image is data: dL/dimage only when asked */
        int count = (int)(n * in_size(l));
        switch (l->kind) {
        case LAYER_CONV:      conv_backward_layer(net, l, b, i, in, dy, dx_or_skip, n, grad); break;
        case LAYER_MAXPOOL: {
            int c = conv_fused_with(net, b, i);
            if (c >= 0) {                              /* with its conv, as the forward ran them */
                dx = conv_pool_backward(net, b, c, i, dy, dinput, n, grad);
                i = c;
            } else {
                maxpool2d_backward_batch(&l->pool, n, dy, b->argmax[i], dx);
            }
            break;
        }
        case LAYER_AVGPOOL:   avgpool2d_backward_batch(&l->pool, n, dy, dx); break;
        case LAYER_RELU:      relu_backward(in, dy, dx, count); break;
        case LAYER_SIGMOID:   sigmoid_backward(out, dy, dx, count); break;
        case LAYER_TANH:      tanh_backward(out, dy, dx, count); break;
        case LAYER_DROPOUT:   dropout_backward_layer(net, b, i, dy, dx, count); break;
        case LAYER_BATCHNORM: batchnorm_backward_layer(net, l, b, i, in, dy, dx, n, grad); break;
        case LAYER_FLATTEN:   continue;                  /* the same numbers: dy passes through */
        case LAYER_DENSE:     dense_backward_layer(net, l, in, dy, dx_or_skip, n, grad); break;
        case LAYER_SOFTMAX:   continue;
        }
        dy = dx;
    }
    if (dinput && dy != dinput)                          /* the first layer passed dy through (flatten) */
        tensor_copy(dinput, dy, (size_t)n * m->in_c * m->in_h * m->in_w);
}

/* ---------------------------------------------------------------- a shard, the running averages */

/* The loss of the last forward pass of b's n images against labels (n):
 * p = softmax(logits) and, when learning, dL/dlogits = p - onehot(label),
 * both computed once (softmax_cross_entropy_batch); the summed loss, and
 * the images whose most probable class (argmax of p) is their label. */
static batch_score shard_loss(const sequential *m, sequential_batch *b, const int *labels, int n, int *predictions,
                              int learn)
{
    batch_score score = { 0, 0 };
    score.loss = softmax_cross_entropy_batch(n, b->logits, labels, b->probs, learn ? b->dlogits : NULL, m->classes);
    score.correct = right_answers(b->probs, labels, n, m->classes, predictions);
    return score;
}

batch_score sequential_shard(void *netp, void *workspace, const real *x, const int *labels, int n, long first,
                             int *predictions, real *grad)
{
    const sequential_model *net = netp;
    sequential_batch *b = workspace;
    sequential_forward(net, b, x, n, first);
    batch_score score = shard_loss(net->arch, b, labels, n, predictions, grad != NULL);
    if (grad)
        sequential_backward(net, b, x, b->dlogits, grad, NULL);
    return score;
}

void sequential_update_stats(const sequential *m, sequential_batch *const *shards, int n_shards, real *stats)
{
    for (int i = 0; i < m->n_layers; i++) {
        const layer *l = &m->layers[i];
        if (l->kind != LAYER_BATCHNORM)
            continue;
        int C = l->in_c;
        long images = 0;
        for (int s = 0; s < n_shards; s++)
            images += shards[s]->images;
        if (images == 0)
            continue;
        real *run_mean = stats + l->first_stat, *run_var = run_mean + C;
        for (int c = 0; c < C; c++) {
            real mean = 0, var = 0;                              /* weighted by images, in shard order */
            for (int s = 0; s < n_shards; s++) {
                const real *shard_stats = shards[s]->bn_stats[i];
                long N = (long)shards[s]->images * l->in_h * l->in_w;   /* the numbers the shard's statistics saw */
                real share = (real)shards[s]->images / (real)images;
                if (N > 0) {
                    mean += share * shard_stats[c];
                    var += share * shard_stats[C + c] * (N > 1 ? (real)N / (real)(N - 1) : 1);  /* each unbiased */
                }
            }
            batchnorm_update_running(1, 1, &mean, &var, &run_mean[c], &run_var[c]);   /* N = 1: var is unbiased */
        }
    }
}

void sequential_runner_update_stats(sequential_runner *r, real *stats)
{
    sequential_batch *used[MINIBATCH_SHARDS];
    int n_used = 0;
    for (int s = 0; s < MINIBATCH_SHARDS; s++)
        if (r->batches.shard_images[s] > 0)        /* an empty shard kept the images of an older step */
            used[n_used++] = &r->shards[s];
    sequential_update_stats(r->model.arch, used, n_used, stats);
}

/* ---------------------------------------------------------------- on a thread pool */

void sequential_runner_init(sequential_runner *r, const sequential *m, const real *params, const real *stats,
                            engine_kind engine, thread_pool *pool, int max_batch)
{
    void *workspace[MINIBATCH_SHARDS];
    memset(&r->model, 0, sizeof r->model);
    r->model.arch = m;
    r->model.params = params;
    r->model.stats = stats;
    r->model.engine = engine;
    for (int s = 0; s < MINIBATCH_SHARDS; s++) {
        sequential_batch_alloc(m, minibatch_shard_capacity(max_batch), &r->shards[s]);
        workspace[s] = &r->shards[s];
    }
    minibatch_init(&r->batches, pool, &r->model, sequential_shard, workspace, m->n_params,
                   (long)m->in_c * m->in_h * m->in_w, max_batch);
}

void sequential_runner_free(sequential_runner *r)
{
    minibatch_free(&r->batches);
    for (int s = 0; s < MINIBATCH_SHARDS; s++)
        if (r->shards[s].capacity > 0)
            sequential_batch_free(&r->shards[s]);
}

/* ---------------------------------------------------------------- one training step */

/* What the shards of one step share: the batch, cut as src/minibatch.h cuts it. */
typedef struct {
    sequential_runner *r;
    const real *x;                  /* (n, in_c, in_h, in_w) */
    int n;
} step_job;

static void forward_shard(void *ctx, int s)        /* a task of the thread pool: ctx is the step_job */
{
    step_job *job = ctx;
    sequential_runner *r = job->r;
    long first;
    int count = minibatch_shard(job->n, s, &first);
    r->batches.shard_images[s] = count;            /* a shard with no images keeps an older batch's memory */
    if (count > 0)
        sequential_forward(&r->model, &r->shards[s], job->x + first * r->batches.image_size, count, first);
}

static void backward_shard(void *ctx, int s)       /* a task of the thread pool: ctx is the step_job */
{
    step_job *job = ctx;
    sequential_runner *r = job->r;
    long first;
    int count = minibatch_shard(job->n, s, &first);
    memset(r->batches.grad[s], 0, sizeof(real) * (size_t)r->batches.n_params);
    if (count > 0)
        sequential_backward(&r->model, &r->shards[s], job->x + first * r->batches.image_size, r->shards[s].dlogits,
                            r->batches.grad[s], NULL);
}

void sequential_runner_forward(sequential_runner *r, const real *x, int n)
{
    step_job job = { r, x, n };
    thread_pool_run(r->batches.pool, MINIBATCH_SHARDS, forward_shard, &job);
}

batch_score sequential_runner_loss(sequential_runner *r, const int *labels, int n)
{
    batch_score total = { 0, 0 };
    step_job job = { r, NULL, n };
    for (int s = 0; s < MINIBATCH_SHARDS; s++) {     /* shards in order: the same sum every run */
        long first;
        int count = minibatch_shard(job.n, s, &first);
        if (count == 0)
            continue;
        batch_score one = shard_loss(r->model.arch, &r->shards[s], labels + first, count, NULL, 1);
        total.loss += one.loss;
        total.correct += one.correct;
    }
    return total;
}

void sequential_runner_backward(sequential_runner *r, const real *x, int n)
{
    step_job job = { r, x, n };
    thread_pool_run(r->batches.pool, MINIBATCH_SHARDS, backward_shard, &job);
    minibatch_mean_gradient(&r->batches, n);      /* mean_grad = (grad[0] + ... + grad[3]) / n */
}

batch_score sequential_train_step(sequential_runner *r, real *params, real *stats, optimizer *opt, const real *x,
                                  const int *labels, int n)
{
    r->model.training = 1;                         /* dropout drops, batchnorm uses the batch's statistics */
    r->model.step = opt->steps;                    /* a new dropout mask for every step */
    sequential_runner_forward(r, x, n);                            /* forward:  the logits (n, classes) */
    batch_score score = sequential_runner_loss(r, labels, n);     /* loss:     p, dL/dlogits = p - y    */
    sequential_runner_backward(r, x, n);                           /* backward: dL/dparameters, the mean */
    optimizer_step(opt, params, r->batches.mean_grad, r->batches.pool);   /* update: params -= the step */
    sequential_runner_update_stats(r, stats);      /* batchnorm's running averages, from the shards used */
    return score;
}
