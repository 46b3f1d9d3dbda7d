/* tests/fuzz/fuzz_network.h: run a network that a fuzzed spec or model file
 * produced, forward and backward on two small images, in test mode on the
 * direct loops and in training mode on the batched path, so that any shape
 * the builder accepts is also one the layers can compute without reading
 * or writing outside their arrays. Networks too large to run in a fuzzer's
 * memory are only built. */
#ifndef FUZZ_NETWORK_H
#define FUZZ_NETWORK_H

#include <stdlib.h>

#include "model_file.h"
#include "sequential.h"
#include "tensor.h"

#define FUZZ_RUN_BYTES 64e6      /* run a network only when two images need less than this */
#define FUZZ_RUN_PARAMS 2000000L
#define FUZZ_RUN_MACS 1e6        /* ... and one image costs fewer multiply-adds (the fuzzer has seconds) */

/* The multiply-adds of one image's forward pass through the conv and dense layers. */
static double fuzz_multiply_adds(const sequential *m)
{
    double macs = 0;
    for (int i = 0; i < m->n_layers; i++) {
        const layer *l = &m->layers[i];
        if (l->kind == LAYER_CONV)
            macs += (double)sequential_out_size(l) * l->in_c * l->kernel * l->kernel;
        if (l->kind == LAYER_DENSE)
            macs += (double)l->in_c * l->units;
    }
    return macs;
}

static void fuzz_run_network(const sequential *m, const real *params, const real *stats)
{
    if (sequential_batch_bytes(m, 2) > FUZZ_RUN_BYTES || m->n_params > FUZZ_RUN_PARAMS
        || fuzz_multiply_adds(m) > FUZZ_RUN_MACS)
        return;
    size_t in = (size_t)m->in_c * m->in_h * m->in_w;
    sequential_batch b;
    sequential_batch_alloc(m, 2, &b);
    real *x = tensor_alloc(2 * in, "x"), *dx = tensor_alloc(2 * in, "dx");
    real *grad = tensor_alloc((size_t)m->n_params + 1, "grad");
    for (size_t i = 0; i < 2 * in; i++)
        x[i] = (real)((i * 37) % 11) / 10 - (real)0.5;
    for (int training = 0; training < 2; training++) {
        sequential_model net = { m, params, stats, training ? ENGINE_FAST : ENGINE_NAIVE, training, 7, 0, 0 };
        sequential_forward(&net, &b, x, 2, 0);
        sequential_backward(&net, &b, x, b.probs, grad, dx);     /* any dL/dlogits will do */
    }
    free(x);
    free(dx);
    free(grad);
    sequential_batch_free(&b);
}

#endif
