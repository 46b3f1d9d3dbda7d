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
    f->runner = runner;
    f->params = params;
    f->stats = stats;
    f->images = images;
    f->labels = labels;
    f->n_train = n_train;
    optimizer_init(&f->opt, optimizer, (long)n, 0, momentum, 0);    /* fit_epoch sets the learning rate */
    f->order = identity_order(n_train);
    if (shift > 0)
        f->shifts = checked_calloc(2 * (size_t)n_train, 1, "image moves");
    f->x = tensor_alloc((size_t)batch * pixels, "a batch's images");
    f->batch_labels = checked_calloc((size_t)batch, sizeof(int), "a batch's labels");
    f->rng = rng_seeded(seed);
}

void fit_free(fit_state *f)
{
    optimizer_free(&f->opt);
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

set_score fit_epoch(fit_state *f, double lr, progress *p, int epoch, int epochs, int *bad_batch)
{
    double loss_sum = 0;
    long correct = 0;
    int done = 0;
    *bad_batch = 0;
    f->opt.lr = lr;
    rng_shuffle(&f->rng, f->order, f->n_train);
    if (f->shifts)
        draw_shifts(&f->rng, f->shifts, f->n_train, f->shift);
    for (int batch = 1; done < f->n_train; batch++) {
        int count = f->n_train - done < f->batch ? f->n_train - done : f->batch;
        gather_images(f->images, f->labels, f->order, done, count, f->shifts, f->x, f->batch_labels);
        batch_score s = sequential_train_step(f->runner, f->params, f->stats, &f->opt, f->x, f->batch_labels, count);
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
