/* fit.c: see fit.h. */
#include "fit.h"

#include <stdlib.h>
#include <string.h>

#include "optim.h"
#include "tensor.h"
#include "train_check.h"

void fit_init(fit_state *f, sequential_runner *runner, real *params, real *stats, const image_set *images,
              const label_set *labels, int n_train, int batch, int shift, int optimizer, double momentum,
              uint64_t seed)
{
    size_t n = (size_t)runner->model.arch->n_params, pixels = (size_t)images->rows * images->cols;
    memset(f, 0, sizeof *f);
    f->batch = batch;
    f->shift = shift;
    f->optimizer = optimizer;
    f->momentum = momentum;
    f->runner = runner;
    f->params = params;
    f->stats = stats;
    f->images = images;
    f->labels = labels;
    f->n_train = n_train;
    f->m = tensor_alloc(n, "Adam's first moment");
    f->v = tensor_alloc(n, "Adam's second moment");
    f->velocity = tensor_alloc(n, "momentum's velocity");
    f->order = identity_order(n_train);
    if (shift > 0)
        f->shifts = checked_calloc(2 * (size_t)n_train, 1, "image moves");
    f->x = tensor_alloc((size_t)batch * pixels, "a batch's images");
    f->batch_labels = checked_calloc((size_t)batch, sizeof(int), "a batch's labels");
    f->rng = rng_seeded(seed);
}

void fit_free(fit_state *f)
{
    free(f->m);
    free(f->v);
    free(f->velocity);
    free(f->order);
    free(f->shifts);
    free(f->x);
    free(f->batch_labels);
    memset(f, 0, sizeof *f);
}

fit_memory fit_memory_needed(const sequential *m, int max_batch)
{
    fit_memory need;
    double per_number = sizeof(real);
    need.parameters = ((double)m->n_params + (double)m->n_stats) * per_number;
    need.state = (double)m->n_params * per_number * (MINIBATCH_SHARDS + 1 + 3);
    need.activations = MINIBATCH_SHARDS * sequential_batch_bytes(m, minibatch_shard_capacity(max_batch));
    return need;
}

/* One step on images order[first .. first+count), in training mode: the
 * mean gradient, the optimiser's step, batchnorm's running averages. */
static batch_score fit_batch(fit_state *f, int first, int count, double lr)
{
    sequential_runner *r = f->runner;
    const sequential *net = r->model.arch;
    gather_images(f->images, f->labels, f->order, first, count, f->shifts, f->x, f->batch_labels);
    r->model.training = 1;
    r->model.step = f->steps;                        /* a new dropout mask for every step */
    batch_score s = minibatch_gradient(&r->batches, f->x, f->batch_labels, count);
    f->steps++;
    if (f->optimizer == OPTIMIZER_ADAM) {
        adam_config c = adam_defaults((real)lr);
        adam_step(f->params, r->batches.mean_grad, f->m, f->v, net->n_params, &c, (int)f->steps);
    } else {
        sgd_momentum_step(f->params, r->batches.mean_grad, f->velocity, net->n_params, (real)lr, (real)f->momentum);
    }
    sequential_runner_update_stats(r, f->stats);     /* the shards this step used */
    return s;
}

set_score fit_epoch(fit_state *f, double lr, progress *p, int epoch, int epochs, int *bad_batch)
{
    double loss_sum = 0;
    long correct = 0;
    int done = 0;
    *bad_batch = 0;
    rng_shuffle(&f->rng, f->order, f->n_train);
    if (f->shifts)
        draw_shifts(&f->rng, f->shifts, f->n_train, f->shift);
    for (int batch = 1; done < f->n_train; batch++) {
        int count = f->n_train - done < f->batch ? f->n_train - done : f->batch;
        batch_score s = fit_batch(f, done, count, lr);
        if (!loss_is_sane(s.loss / count)) {
            *bad_batch = batch;
            return (set_score){ s.loss / count, 0 };
        }
        loss_sum += s.loss;
        correct += s.correct;
        done += count;
        if (p)
            progress_show(p, epoch, epochs, done, f->n_train, loss_sum / done);
    }
    return (set_score){ loss_sum / f->n_train, (double)correct / f->n_train };
}
