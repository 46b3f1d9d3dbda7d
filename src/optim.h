/* optim.h: the update rules that turn a gradient into a step (lesson 09).
 *
 * Every optimiser here updates n parameters w IN PLACE from their gradient
 * g = dL/dw. The state arrays (velocity, m, v) belong to the caller: allocate
 * them with tensor_alloc (zero-filled) once, next to the parameters they
 * follow, and pass the same arrays at every step.
 *
 *   plain gradient descent  (Intro to CNN)  w <- w - lr * g
 *   momentum (PyTorch form)             v <- momentum * v + g;  w <- w - lr * v
 *   Adam (Kingma & Ba 2015)             m <- b1 m + (1 - b1) g
 *                                       v <- b2 v + (1 - b2) g^2
 *                                       w <- w - lr * (m / (1 - b1^t))
 *                                                  / (sqrt(v / (1 - b2^t)) + eps)
 *
 * "SGD" is the same update as gradient descent: the S (stochastic) is in
 * the gradient the caller passes, computed on a random mini-batch. */
#ifndef OPTIM_H
#define OPTIM_H

#include "real.h"
#include "threadpool.h"

/* Plain (stochastic) gradient descent: w (n) -= lr * g (n). */
void sgd_step(real *w, const real *g, long n, real lr);

/* SGD with momentum, the PyTorch form:
 *     velocity = momentum * velocity + g;   w -= lr * velocity
 * velocity (n) starts at 0 and is updated BEFORE w. momentum = 0 gives
 * sgd_step. (Some texts write v = mu v - lr g; w += v: the same path for a
 * fixed lr, with v scaled by -lr.) */
void sgd_momentum_step(real *w, const real *g, real *velocity, long n, real lr, real momentum);

/* Adam's settings. The paper's defaults: beta1 0.9, beta2 0.999, eps 1e-8
 * (lr 0.001); adam_defaults(lr) returns them with the given lr. */
typedef struct {
    real lr, beta1, beta2, eps;
} adam_config;
adam_config adam_defaults(real lr);

/* One Adam step with bias correction (Kingma & Ba 2015, Algorithm 1).
 * m, v (n) are the first and second moment estimates, both start at 0;
 * t is the 1-based step number (1 at the first call). Returns 0, or -1
 * (and changes nothing) when t < 1: at t = 0 the correction 1 - beta^t is 0
 * and every weight would become NaN. */
int adam_step(real *w, const real *g, real *m, real *v, long n, const adam_config *c, int t);

/* L2 weight decay folded into the gradient, before the step:
 * g (n) += decay * w (n)  (the gradient of decay/2 * sum w^2). */
void add_weight_decay(real *g, const real *w, long n, real decay);

/* ---------------------------------------------------------------- the update of a training step */

enum { OPTIMIZER_SGD, OPTIMIZER_ADAM };

/* An optimiser and its state, for a block of n parameters. */
typedef struct {
    int kind;                      /* OPTIMIZER_SGD (with momentum) or OPTIMIZER_ADAM          */
    double lr, momentum;           /* the learning rate (the caller may change it between steps); SGD's momentum */
    double weight_decay;           /* SGD: L2 decay added to the gradient first (0: none)      */
    long n;                        /* parameters                                               */
    real *m, *v;                   /* (n) Adam's moments                                       */
    real *velocity;                /* (n) momentum's velocity                                  */
    long steps;                    /* steps taken (Adam's t - 1)                               */
} optimizer;

/* An optimiser for n parameters, its state allocated and zero (exits with
 * a message when out of memory); free with optimizer_free. */
void optimizer_init(optimizer *o, int kind, long n, double lr, double momentum, double weight_decay);
void optimizer_free(optimizer *o);

/* One step: w (n) moves against the gradient g (n) (Adam: adam_step at
 * t = steps + 1 with adam_defaults(lr); SGD: add_weight_decay when asked,
 * then sgd_momentum_step; g then holds decay * w too). Counts the step.
 * The parameters are cut into a fixed number of parts, shared by the
 * threads of pool (NULL: all on this thread): each rule works element by
 * element, so the numbers are the same for any thread count. */
void optimizer_step(optimizer *o, real *w, real *g, thread_pool *pool);

#endif
