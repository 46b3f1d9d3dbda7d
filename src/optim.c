/* optim.c: see optim.h. */
#include "optim.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tensor.h"
#include "threadpool.h"

void sgd_step(real *w, const real *g, long n, real lr)
{
    for (long i = 0; i < n; i++)
        w[i] -= lr * g[i];
}

void sgd_momentum_step(real *w, const real *g, real *velocity, long n, real lr, real momentum)
{
    for (long i = 0; i < n; i++) {
        velocity[i] = momentum * velocity[i] + g[i];   /* the ball's speed first */
        w[i] -= lr * velocity[i];                      /* then it moves */
    }
}

adam_config adam_defaults(real lr)
{
    adam_config c = { lr, (real)0.9, (real)0.999, (real)1e-8 };
    return c;
}

int adam_step(real *w, const real *g, real *m, real *v, long n, const adam_config *c, int t)
{
    if (t < 1)            /* 1 - beta^0 = 0: the bias correction would divide by zero */
        return -1;
    /* 1 - beta^t: the weight the zero-started averages have gathered so far */
    double correct1 = 1.0 - pow((double)c->beta1, (double)t);
    double correct2 = 1.0 - pow((double)c->beta2, (double)t);
    /* the settings copied: the stores into w, m, v below cannot change them, so the loop runs on the vector unit */
    const real beta1 = c->beta1, beta2 = c->beta2, lr = c->lr, eps = c->eps;
    for (long i = 0; i < n; i++) {
        m[i] = beta1 * m[i] + (1 - beta1) * g[i];
        v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i];
        double m_hat = (double)m[i] / correct1;
        double v_hat = (double)v[i] / correct2;
        w[i] -= (real)((double)lr * m_hat / (sqrt(v_hat) + (double)eps));
    }
    return 0;
}

void add_weight_decay(real *g, const real *w, long n, real decay)
{
    for (long i = 0; i < n; i++)
        g[i] += decay * w[i];
}

void optimizer_init(optimizer *o, int kind, long n, double lr, double momentum, double weight_decay)
{
    memset(o, 0, sizeof *o);
    o->kind = kind;
    o->lr = lr;
    o->momentum = momentum;
    o->weight_decay = weight_decay;
    o->n = n;
    o->m = tensor_alloc((size_t)n, "Adam's first moment");
    o->v = tensor_alloc((size_t)n, "Adam's second moment");
    o->velocity = tensor_alloc((size_t)n, "momentum's velocity");
}

void optimizer_free(optimizer *o)
{
    free(o->m);
    free(o->v);
    free(o->velocity);
    memset(o, 0, sizeof *o);
}

/* The step of one part of the parameters (optimizer_step): every update
 * rule here is element by element, so parts give the same numbers. */
#define OPTIMIZER_PARTS 16

typedef struct {
    const optimizer *o;
    real *w, *g;
} step_job;

static void step_part(void *ctx, int part)
{
    const step_job *j = ctx;
    const optimizer *o = j->o;
    long first, n;
    split_range(o->n, OPTIMIZER_PARTS, part, &first, &n);
    if (o->kind == OPTIMIZER_ADAM) {
        adam_config c = adam_defaults((real)o->lr);
        adam_step(j->w + first, j->g + first, o->m + first, o->v + first, n, &c, (int)o->steps);
        return;
    }
    if (o->weight_decay > 0)
        add_weight_decay(j->g + first, j->w + first, n, (real)o->weight_decay);
    sgd_momentum_step(j->w + first, j->g + first, o->velocity + first, n, (real)o->lr, (real)o->momentum);
}

void optimizer_step(optimizer *o, real *w, real *g, thread_pool *pool)
{
    o->steps++;
    step_job job = { o, w, g };
    thread_pool_run(pool, OPTIMIZER_PARTS, step_part, &job);
}
