/* convnet.c: see convnet.h. The forward pass and the backward pass sit side
 * by side, and the backward pass walks the same layers in reverse order,
 * each line one step of the chain rule. */
#include "convnet.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "activation.h"
#include "dense.h"
#include "gemm.h"
#include "loss.h"
#include "rng.h"
#include "tensor.h"

#define MAX_SIDE 4096                 /* sanity bounds for architectures (also those read from files) */
#define MAX_FILTERS 4096
#define MAX_PARAMS 100000000L

/* ---------------------------------------------------------------- shapes */

int convnet_arch_setup(convnet_arch *a, int in_h, int in_w, int filters, int kernel, int classes,
                       char *err, size_t err_size)
{
    memset(a, 0, sizeof *a);
    a->in_h = in_h;  a->in_w = in_w;  a->filters = filters;  a->kernel = kernel;  a->classes = classes;
    if (in_h < 1 || in_w < 1 || in_h > MAX_SIDE || in_w > MAX_SIDE) {
        snprintf(err, err_size, "image size %dx%d is not between 1x1 and %dx%d", in_h, in_w, MAX_SIDE, MAX_SIDE);
        return -1;
    }
    if (filters < 1 || filters > MAX_FILTERS) {
        snprintf(err, err_size, "%d filters: the number of filters must be between 1 and %d", filters, MAX_FILTERS);
        return -1;
    }
    if (classes < 2 || classes > CONVNET_MAX_CLASSES) {
        snprintf(err, err_size, "%d classes: must be between 2 and %d", classes, CONVNET_MAX_CLASSES);
        return -1;
    }
    if (kernel < 1 || kernel > in_h || kernel > in_w) {
        snprintf(err, err_size, "a %dx%d kernel does not fit in a %dx%d image", kernel, kernel, in_h, in_w);
        return -1;
    }
    conv2d_setup(&a->conv, 1, in_h, in_w, filters, kernel, 1, 0);     /* valid, stride 1: always fits */
    if (pool2d_setup(&a->pool, filters, a->conv.out_h, a->conv.out_w, CONVNET_POOL, CONVNET_POOL) != 0) {
        snprintf(err, err_size,
                 "a %dx%d kernel gives %dx%d feature maps, which 2x2 pooling cannot tile: "
                 "the map side (image side - kernel + 1) must be even",
                 kernel, kernel, a->conv.out_h, a->conv.out_w);
        return -1;
    }
    long long flat = (long long)filters * a->pool.out_h * a->pool.out_w;
    long long n = (long long)filters * (kernel * kernel + 1) + (flat + 1) * classes;
    if (n > MAX_PARAMS) {
        snprintf(err, err_size, "the network would have %lld parameters, more than the %ld allowed", n, MAX_PARAMS);
        return -1;
    }
    a->flat = (int)flat;
    a->n_params = (long)n;
    return 0;
}

int convnet_arch_equal(const convnet_arch *a, const convnet_arch *b)
{
    return a->in_h == b->in_h && a->in_w == b->in_w && a->filters == b->filters
        && a->kernel == b->kernel && a->classes == b->classes;
}

void convnet_arch_describe(const convnet_arch *a, char *buf, size_t size)
{
    snprintf(buf, size, "%d filters %dx%d on %dx%d images, %d classes",
             a->filters, a->kernel, a->kernel, a->in_h, a->in_w, a->classes);
}

/* ---------------------------------------------------------------- memory */

void convnet_params_view(const convnet_arch *a, real *all, convnet_params *p)
{
    p->all = all;
    p->conv_w = p->all;
    p->conv_b = p->conv_w + conv2d_weight_count(&a->conv);
    p->dense_w = p->conv_b + a->filters;
    p->dense_b = p->dense_w + (long)a->flat * a->classes;
}

void convnet_params_alloc(const convnet_arch *a, convnet_params *p)
{
    convnet_params_view(a, tensor_alloc((size_t)a->n_params, "network parameters"), p);
}

void convnet_params_free(convnet_params *p)
{
    free(p->all);
    memset(p, 0, sizeof *p);
}

void convnet_init(const convnet_arch *a, convnet_params *p, rng_t *rng)
{
    int k2 = a->kernel * a->kernel;
    init_he_normal(rng, p->conv_w, a->filters * k2, k2);                    /* fan-in: one k x k window */
    /* The dense layer feeds the softmax, not a ReLU: it starts smaller, so the
     * ten scores start near 0 and the loss near ln(10) (lesson 08). */
    init_uniform_fan_in(rng, p->dense_w, a->flat * a->classes, a->flat);    /* fan-in: every pooled value */
    tensor_fill(p->conv_b, (size_t)a->filters, 0);
    tensor_fill(p->dense_b, (size_t)a->classes, 0);
}

void convnet_work_alloc(const convnet_arch *a, convnet_work *w)
{
    size_t maps = (size_t)conv2d_output_count(&a->conv), flat = (size_t)a->flat, k = (size_t)a->classes;
    w->conv = tensor_alloc(maps, "conv output");
    w->relu = tensor_alloc(maps, "ReLU output");
    w->pool = tensor_alloc(flat, "pool output");
    w->argmax = checked_calloc(flat, sizeof(int), "pool argmax");
    w->logits = tensor_alloc(k, "logits");
    w->probs = tensor_alloc(k, "probabilities");
    w->d_logits = tensor_alloc(k, "dL/dlogits");
    w->d_pool = tensor_alloc(flat, "dL/dpool");
    w->d_relu = tensor_alloc(maps, "dL/dReLU");
    w->d_conv = tensor_alloc(maps, "dL/dconv");
}

void convnet_work_free(convnet_work *w)
{
    free(w->conv);  free(w->relu);  free(w->pool);  free(w->argmax);
    free(w->logits);  free(w->probs);  free(w->d_logits);
    free(w->d_pool);  free(w->d_relu);  free(w->d_conv);
    memset(w, 0, sizeof *w);
}

/* ---------------------------------------------------------------- forward and backward */

int convnet_forward(const convnet_arch *a, const convnet_params *p, convnet_work *w, const real *x)
{
    int maps = (int)conv2d_output_count(&a->conv);
    conv2d_forward(&a->conv, x, p->conv_w, p->conv_b, w->conv);      /* C = W * X + b      (F, 24, 24) */
    relu_forward(w->conv, w->relu, maps);                            /* R = max(0, C)      (F, 24, 24) */
    maxpool2d_forward(&a->pool, w->relu, w->pool, w->argmax);        /* P = max of 2x2 of R (F, 12, 12) */
    dense_forward(w->pool, p->dense_w, p->dense_b, w->logits,        /* Z = W^T P + b      (10): P read */
                  a->flat, a->classes);                              /*   flat, as (F*12*12)           */
    softmax(w->logits, w->probs, a->classes);                        /* p = softmax(Z)     (10)        */
    return argmax(w->probs, a->classes);
}

double convnet_loss(const convnet_arch *a, const convnet_work *w, int label)
{
    return softmax_cross_entropy_batch(1, w->logits, &label, NULL, NULL, a->classes);   /* L = -ln p_label */
}

/* The chain rule, from the loss back to the first layer's weights. Each
 * call takes dL/d(its output) and gives dL/d(its input), plus dL/d(its
 * parameters), which are ADDED into g. */
void convnet_backward(const convnet_arch *a, const convnet_params *p, convnet_work *w,
                      const real *x, int label, convnet_params *g)
{
    int maps = (int)conv2d_output_count(&a->conv);
    /* softmax + cross-entropy:  dL/dZ = p - onehot(label)                                   (10) */
    softmax_cross_entropy_backward(w->probs, label, w->d_logits, a->classes);
    /* dense:  dL/dW += P dL/dZ^T,  dL/db += dL/dZ,  dL/dP = W dL/dZ                         (2304) */
    dense_backward(w->pool, p->dense_w, w->d_logits, g->dense_w, g->dense_b, w->d_pool,
                   a->flat, a->classes);
    /* maxpool:  dL/dR = dL/dP at each window's maximum, 0 at the other three               (F, 24, 24) */
    maxpool2d_backward(&a->pool, w->d_pool, w->argmax, w->d_relu);
    /* ReLU:  dL/dC = dL/dR where C > 0, else 0                                              (F, 24, 24) */
    relu_backward(w->conv, w->d_relu, w->d_conv, maps);
    /* conv:  dL/dW += conv(X, dL/dC),  dL/db += sum of dL/dC;  no dL/dX: X is data          (F, 1, 5, 5) */
    conv2d_backward(&a->conv, x, p->conv_w, w->d_conv, g->conv_w, g->conv_b, NULL);
}

double convnet_largest_parameter(const convnet_arch *a, const convnet_params *p)
{
    double largest = 0;
    for (long i = 0; i < a->n_params; i++)
        if (!(fabs((double)p->all[i]) <= largest))   /* NaN counts as largest */
            largest = fabs((double)p->all[i]);
    return largest;
}

/* ---------------------------------------------------------------- mini-batches */

void convnet_batch_alloc(const convnet_arch *a, int capacity, convnet_batch *b)
{
    size_t n = (size_t)capacity, maps = n * (size_t)conv2d_output_count(&a->conv);
    size_t flat = n * (size_t)a->flat, k = n * (size_t)a->classes;
    b->capacity = capacity;
    convnet_work_alloc(a, &b->one);
    conv2d_batch_space_alloc(&b->conv_space, &a->conv, capacity);
    b->conv = tensor_alloc(maps, "conv outputs");
    b->relu = tensor_alloc(maps, "ReLU outputs");
    b->pool = tensor_alloc(flat, "pool outputs");
    b->argmax = checked_calloc(flat, sizeof(int), "pool argmax");
    b->dense_wt = tensor_alloc((size_t)a->flat * a->classes, "dense weights transposed");
    b->logits = tensor_alloc(k, "logits");
    b->probs = tensor_alloc(k, "probabilities");
    b->d_logits = tensor_alloc(k, "dL/dlogits");
    b->d_pool = tensor_alloc(flat, "dL/dpool");
    b->d_relu = tensor_alloc(maps, "dL/dReLU");
    b->d_conv = tensor_alloc(maps, "dL/dconv");
}

void convnet_batch_free(convnet_batch *b)
{
    convnet_work_free(&b->one);
    conv2d_batch_space_free(&b->conv_space);
    free(b->conv);  free(b->relu);  free(b->pool);  free(b->argmax);
    free(b->dense_wt);  free(b->logits);  free(b->probs);  free(b->d_logits);
    free(b->d_pool);  free(b->d_relu);  free(b->d_conv);
    memset(b, 0, sizeof *b);
}

/* Z (n, classes) = P (n, flat) W (flat, classes) + b, as dense_forward_batch computes it, but
 * with W transposed first (classes, flat): then every logit is the dot product of two contiguous
 * rows of flat = 2,304 numbers, which gemm computes without packing either operand (its
 * dot-product path, gemm.c); packing P and W into the GEMM's panels took more time than the
 * 16 x 10 x 2,304 multiply-adds of a shard. The same sums, rounded in another order. */
static void dense_forward_logits(const convnet_arch *a, const convnet_params *p, convnet_batch *b, int n)
{
    for (int j = 0; j < a->classes; j++)                 /* W^T (classes, flat) */
        for (int i = 0; i < a->flat; i++)
            b->dense_wt[(long)j * a->flat + i] = p->dense_w[(long)i * a->classes + j];
    for (int r = 0; r < n; r++)                          /* every row starts at the bias */
        for (int j = 0; j < a->classes; j++)
            b->logits[(long)r * a->classes + j] = p->dense_b[j];
    gemm(0, 1, n, a->classes, a->flat, 1, b->pool, a->flat, b->dense_wt, a->flat, 1, b->logits, a->classes, NULL);
}

void convnet_forward_batch(const convnet_arch *a, const convnet_params *p, convnet_batch *b, const real *x, int n)
{
    int flat = n * a->flat;
    conv2d_forward_batch(&a->conv, n, x, p->conv_w, p->conv_b, b->conv, &b->conv_space); /* C (n, F, 24, 24) */
    /* P = max of 2x2 of ReLU(C) = ReLU(max of 2x2 of C): ReLU never changes which entry of a window is
     * largest, and max(0, .) of the largest is the largest of max(0, .). So the 2x2 max goes first and
     * ReLU runs on a quarter of the numbers, and R = ReLU(C) is never stored (the same numbers). */
    maxpool2d_forward_batch(&a->pool, n, b->conv, b->pool, b->argmax);                   /* max of C (n, F*12*12) */
    relu_forward(b->pool, b->pool, flat);                                                /* P (n, F*12*12)   */
    dense_forward_logits(a, p, b, n);                                                    /* Z (n, 10)   */
}

void convnet_backward_batch(const convnet_arch *a, const convnet_params *p, convnet_batch *b, int n,
                            convnet_params *g)
{
    int flat = n * a->flat;
    /* dense:  dW += P^T dZ,  db += column sums of dZ,  dP = dZ W^T                          (n, 2304) */
    dense_backward_batch(n, b->pool, p->dense_w, b->d_logits, g->dense_w, g->dense_b, b->d_pool,
                         a->flat, a->classes);
    /* ReLU, after the max as in the forward:  dP = dP where P > 0 (where the window's C > 0)   (n, 2304) */
    relu_backward(b->pool, b->d_pool, b->d_pool, flat);
    /* maxpool:  dC = dP at each window's maximum, 0 elsewhere                               (n, F, 24, 24) */
    maxpool2d_backward_batch(&a->pool, n, b->d_pool, b->argmax, b->d_conv);
    /* conv:  dW += dC x cols^T, db += sums of dC;  no dX: X is data                         (F, 1, 5, 5) */
    conv2d_backward_batch(&a->conv, n, p->conv_w, b->d_conv, g->conv_w, g->conv_b, NULL, &b->conv_space);
}

/* The naive engine: one image at a time through convnet_forward/backward. */
static batch_score shard_one_by_one(const convnet_model *m, convnet_batch *b, const real *x, const int *labels,
                                    int n, int *predictions, convnet_params *g)
{
    const convnet_arch *a = m->arch;
    long pixels = (long)a->in_h * a->in_w;
    batch_score score = { 0, 0 };
    for (int i = 0; i < n; i++) {
        int predicted = convnet_forward(a, m->params, &b->one, x + i * pixels);
        score.loss += convnet_loss(a, &b->one, labels[i]);
        score.correct += predicted == labels[i];
        if (predictions)
            predictions[i] = predicted;
        if (g)
            convnet_backward(a, m->params, &b->one, x + i * pixels, labels[i], g);
    }
    return score;
}

/* The fast engine: all n images through each batched layer in turn. */
static batch_score shard_batched(const convnet_model *m, convnet_batch *b, const real *x, const int *labels,
                                 int n, int *predictions, convnet_params *g)
{
    const convnet_arch *a = m->arch;
    batch_score score = { 0, 0 };
    convnet_forward_batch(a, m->params, b, x, n);
    score.loss = softmax_cross_entropy_batch(n, b->logits, labels, b->probs, g ? b->d_logits : NULL, a->classes);
    score.correct = right_answers(b->probs, labels, n, a->classes, predictions);
    if (g)
        convnet_backward_batch(a, m->params, b, n, g);
    return score;
}

batch_score convnet_shard(void *net, void *workspace, const real *x, const int *labels, int n, long first,
                          int *predictions, real *grad)
{
    const convnet_model *m = net;
    (void)first;                             /* nothing here is drawn per image */
    convnet_params g, *gp = NULL;
    if (grad) {                              /* the gradient block seen as the four tensors */
        convnet_params_view(m->arch, grad, &g);
        gp = &g;
    }
    if (m->engine == ENGINE_NAIVE)
        return shard_one_by_one(m, workspace, x, labels, n, predictions, gp);
    return shard_batched(m, workspace, x, labels, n, predictions, gp);
}

void convnet_runner_init(convnet_runner *r, const convnet_arch *a, const convnet_params *p, engine_kind engine,
                         thread_pool *pool, int max_batch)
{
    void *workspace[MINIBATCH_SHARDS];
    r->model = (convnet_model){ a, p, engine };
    for (int s = 0; s < MINIBATCH_SHARDS; s++) {
        convnet_batch_alloc(a, minibatch_shard_capacity(max_batch), &r->shards[s]);
        workspace[s] = &r->shards[s];
    }
    minibatch_init(&r->batches, pool, &r->model, convnet_shard, workspace, a->n_params,
                   (long)a->in_h * a->in_w, max_batch);
}

void convnet_runner_free(convnet_runner *r)
{
    minibatch_free(&r->batches);
    for (int s = 0; s < MINIBATCH_SHARDS; s++)
        if (r->shards[s].capacity > 0)
            convnet_batch_free(&r->shards[s]);
}

/* ---------------------------------------------------------------- one training step */

/* Image k of a batch's memory seen as one image's (convnet_work), so that
 * the naive engine's convnet_forward and convnet_backward fill and read
 * the batch's arrays. */
static convnet_work image_of(const convnet_arch *a, convnet_batch *b, int k)
{
    long maps = conv2d_output_count(&a->conv), flat = a->flat, c = a->classes;
    convnet_work w = { b->conv + k * maps, b->relu + k * maps, b->pool + k * flat, b->argmax + k * flat,
                       b->logits + k * c, b->probs + k * c, b->d_logits + k * c, b->d_pool + k * flat,
                       b->d_relu + k * maps, b->d_conv + k * maps };
    return w;
}

/* What the shards of one step share: the batch, cut as src/minibatch.h cuts it. */
typedef struct {
    convnet_runner *r;
    const real *x;                  /* (n, 1, in_h, in_w) */
    const int *labels;              /* (n)                */
    int n;
} step_job;

static void forward_shard(void *ctx, int s)        /* a task of the thread pool: ctx is the step_job */
{
    step_job *job = ctx;
    const convnet_model *m = &job->r->model;
    convnet_batch *b = &job->r->shards[s];
    long first, pixels = (long)m->arch->in_h * m->arch->in_w;
    int count = minibatch_shard(job->n, s, &first);
    job->r->batches.shard_images[s] = count;
    if (m->engine == ENGINE_FAST) {
        convnet_forward_batch(m->arch, m->params, b, job->x + first * pixels, count);   /* Z (count, classes) */
        return;
    }
    for (int k = 0; k < count; k++) {                                            /* one image at a time */
        convnet_work w = image_of(m->arch, b, k);
        convnet_forward(m->arch, m->params, &w, job->x + (first + k) * pixels);
    }
}

static void backward_shard(void *ctx, int s)       /* a task of the thread pool: ctx is the step_job */
{
    step_job *job = ctx;
    const convnet_model *m = &job->r->model;
    convnet_batch *b = &job->r->shards[s];
    long first, pixels = (long)m->arch->in_h * m->arch->in_w;
    int count = minibatch_shard(job->n, s, &first);
    convnet_params g;                                /* this shard's gradient, seen as the four tensors */
    convnet_params_view(m->arch, job->r->batches.grad[s], &g);
    memset(g.all, 0, sizeof(real) * (size_t)m->arch->n_params);
    if (m->engine == ENGINE_FAST) {
        convnet_backward_batch(m->arch, m->params, b, count, &g);               /* from b->d_logits */
        return;
    }
    for (int k = 0; k < count; k++) {
        convnet_work w = image_of(m->arch, b, k);
        convnet_backward(m->arch, m->params, &w, job->x + (first + k) * pixels, job->labels[first + k], &g);
    }
}

/* Softmax + cross-entropy of every image, shards in order (the same sum
 * for any number of threads): p and dL/dlogits into each shard's memory. */
static batch_score batch_loss(const step_job *job)
{
    batch_score total = { 0, 0 };
    int classes = job->r->model.arch->classes;
    for (int s = 0; s < MINIBATCH_SHARDS; s++) {
        convnet_batch *b = &job->r->shards[s];
        long first;
        int count = minibatch_shard(job->n, s, &first);
        if (count == 0)
            continue;
        total.loss += softmax_cross_entropy_batch(count, b->logits, job->labels + first, b->probs, b->d_logits,
                                                  classes);
        total.correct += right_answers(b->probs, job->labels + first, count, classes, NULL);
    }
    return total;
}

batch_score convnet_train_step(convnet_runner *r, real *params, optimizer *opt, const real *x, const int *labels,
                               int n)
{
    step_job job = { r, x, labels, n };
    thread_pool_run(r->batches.pool, MINIBATCH_SHARDS, forward_shard, &job);    /* forward:  the logits     */
    batch_score score = batch_loss(&job);                                        /* loss:     p, p - y       */
    thread_pool_run(r->batches.pool, MINIBATCH_SHARDS, backward_shard, &job);   /* backward: each shard's   */
    minibatch_mean_gradient(&r->batches, n);                                     /*   dL/dw, then the mean   */
    optimizer_step(opt, params, r->batches.mean_grad, r->batches.pool);         /* update:   w -= the step  */
    return score;
}

/* ---------------------------------------------------------------- the summary table */

static void summary_row(FILE *out, const char *layer, const char *shape, long params)
{
    char count[32];
    with_commas(params, count, sizeof count);
    fprintf(out, "%-26s %-18s %10s\n", layer, shape, count);
}

void convnet_summary(FILE *out, const convnet_arch *a)
{
    char layer[64], shape[64], total[32];
    long conv_params = conv2d_weight_count(&a->conv) + a->filters;
    long dense_params = (long)a->flat * a->classes + a->classes;
    const char *rule = "==========================================================";
    fprintf(out, "%-26s %-18s %10s\n%s\n", "Layer (type)", "Output Shape", "Param #", rule);
    snprintf(layer, sizeof layer, "input");
    snprintf(shape, sizeof shape, "%d x %d x 1", a->in_h, a->in_w);
    summary_row(out, layer, shape, 0);
    snprintf(layer, sizeof layer, "conv (Conv2D %dx%d)", a->kernel, a->kernel);
    snprintf(shape, sizeof shape, "%d x %d x %d", a->conv.out_h, a->conv.out_w, a->filters);
    summary_row(out, layer, shape, conv_params);
    summary_row(out, "relu (ReLU)", shape, 0);
    snprintf(shape, sizeof shape, "%d x %d x %d", a->pool.out_h, a->pool.out_w, a->filters);
    summary_row(out, "maxpool (MaxPool 2x2)", shape, 0);
    snprintf(shape, sizeof shape, "%d", a->flat);
    summary_row(out, "flatten (Flatten)", shape, 0);
    snprintf(shape, sizeof shape, "%d", a->classes);
    summary_row(out, "dense (Dense)", shape, dense_params);
    summary_row(out, "softmax (Softmax)", shape, 0);
    with_commas(a->n_params, total, sizeof total);
    fprintf(out, "%s\nTotal params: %s (conv %d*(%d*%d+1) = %ld, dense (%d+1)*%d = %ld)\n", rule, total,
            a->filters, a->kernel, a->kernel, conv_params, a->flat, a->classes, dense_params);
}
