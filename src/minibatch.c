/* minibatch.c: see minibatch.h. */
#include "minibatch.h"

#include <stdlib.h>
#include <string.h>

#include "tensor.h"

#define SUM_PARTS 64            /* the gradient sum is cut into this many slices of the parameters */
#define SUM_ON_THREADS 262144   /* fewer parameters: waking the threads costs more than the sum */

int minibatch_shard(int n, int s, long *first)
{
    long count;
    split_range(n, MINIBATCH_SHARDS, s, first, &count);
    return (int)count;
}

int minibatch_shard_capacity(int max_batch)
{
    return (max_batch + MINIBATCH_SHARDS - 1) / MINIBATCH_SHARDS;
}

void minibatch_init(minibatch *m, thread_pool *pool, void *net, shard_fn run, void *const *workspace,
                    long n_params, long image_size, int max_batch)
{
    memset(m, 0, sizeof *m);
    m->pool = pool;
    m->net = net;
    m->run = run;
    m->n_params = n_params;
    m->image_size = image_size;
    m->max_batch = max_batch;
    for (int s = 0; s < MINIBATCH_SHARDS; s++) {
        m->workspace[s] = workspace[s];
        m->grad[s] = tensor_alloc((size_t)n_params, "a shard's gradient");
    }
    m->mean_grad = tensor_alloc((size_t)n_params, "the batch's gradient");
}

void minibatch_free(minibatch *m)
{
    for (int s = 0; s < MINIBATCH_SHARDS; s++)
        free(m->grad[s]);
    free(m->mean_grad);
    memset(m, 0, sizeof *m);
}

/* What the shards of one batch share, and what each gives back. */
typedef struct {
    minibatch *m;
    const real *x;
    const int *labels;
    int *predictions;
    int n, learn;
    batch_score score[MINIBATCH_SHARDS];
} batch_job;

static void run_shard(void *ctx, int s)
{
    batch_job *job = ctx;
    minibatch *m = job->m;
    long first, count;
    split_range(job->n, MINIBATCH_SHARDS, s, &first, &count);
    job->score[s] = (batch_score){ 0, 0 };
    m->shard_images[s] = (int)count;             /* a shard with no images keeps an older batch's workspace */
    if (job->learn)
        memset(m->grad[s], 0, sizeof(real) * (size_t)m->n_params);
    if (count == 0)
        return;
    job->score[s] = m->run(m->net, m->workspace[s], job->x + first * m->image_size, job->labels + first,
                           (int)count, first, job->predictions ? job->predictions + first : NULL,
                           job->learn ? m->grad[s] : NULL);
}

/* What the slices of the gradient's sum share. */
typedef struct {
    minibatch *m;
    int n;
} sum_job;

/* mean_grad = (grad[0] + grad[1] + grad[2] + grad[3]) / n, always in that
 * order; the parameters are cut into slices that threads share. */
static void sum_slice(void *ctx, int part)
{
    sum_job *job = ctx;
    minibatch *m = job->m;
    long first, count;
    split_range(m->n_params, SUM_PARTS, part, &first, &count);
    real scale = (real)1 / (real)job->n;
    const real *grad[MINIBATCH_SHARDS];               /* copied: the stores below cannot change them, */
    for (int s = 0; s < MINIBATCH_SHARDS; s++)        /* so the loop runs on the vector unit */
        grad[s] = m->grad[s];
    real *restrict mean = m->mean_grad;
    for (long i = first; i < first + count; i++) {
        real sum = 0;
        for (int s = 0; s < MINIBATCH_SHARDS; s++)
            sum += grad[s][i];
        mean[i] = sum * scale;
    }
}

void minibatch_mean_gradient(minibatch *m, int n)
{
    sum_job job = { m, n };
    thread_pool_run(m->n_params >= SUM_ON_THREADS ? m->pool : NULL, SUM_PARTS, sum_slice, &job);
}

static batch_score run_batch(minibatch *m, const real *x, const int *labels, int n, int *predictions, int learn)
{
    batch_job job = { m, x, labels, predictions, n, learn, { { 0, 0 } } };
    batch_score total = { 0, 0 };
    if (n <= 0) {
        memset(m->shard_images, 0, sizeof m->shard_images);
        return total;
    }
    thread_pool_run(m->pool, MINIBATCH_SHARDS, run_shard, &job);
    for (int s = 0; s < MINIBATCH_SHARDS; s++) {      /* fixed order: the same sum every run */
        total.loss += job.score[s].loss;
        total.correct += job.score[s].correct;
    }
    if (learn)
        minibatch_mean_gradient(m, n);
    return total;
}

batch_score minibatch_forward(minibatch *m, const real *x, const int *labels, int n, int *predictions)
{
    return run_batch(m, x, labels, n, predictions, 0);
}

batch_score minibatch_gradient(minibatch *m, const real *x, const int *labels, int n)
{
    return run_batch(m, x, labels, n, NULL, 1);
}
