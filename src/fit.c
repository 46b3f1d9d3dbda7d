/* fit.c: see fit.h. */
#include "fit.h"

#include <stdlib.h>
#include <string.h>

#include "optim.h"
#include "tensor.h"
#include "train_check.h"

/* What both networks' training needs: the data, the optimiser, the order,
 * the moves, a batch's images and labels. */
static void init_loop(fit_state *f, long n_params, real *params, const image_set *images, const label_set *labels,
                      int n_train, int batch, int shift, int optimizer, double momentum, double weight_decay)
{
    size_t pixels = (size_t)images->rows * images->cols;
    f->batch = batch;
    f->shift = shift;
    f->params = params;
    f->images = images;
    f->labels = labels;
    f->n_train = n_train;
    optimizer_init(&f->opt, optimizer, n_params, 0, momentum, weight_decay);   /* fit_epoch sets the rate */
    f->order = identity_order(n_train);
    if (shift > 0)
        f->shifts = checked_calloc(2 * (size_t)n_train, 1, "image moves");
    f->x = tensor_alloc((size_t)batch * pixels, "a batch's images");
    f->batch_labels = checked_calloc((size_t)batch, sizeof(int), "a batch's labels");
}

void fit_init(fit_state *f, sequential_runner *runner, real *params, real *stats, const image_set *images,
              const label_set *labels, int n_train, int batch, int shift, int optimizer, double momentum,
              uint64_t seed)
{
    memset(f, 0, sizeof *f);
    f->runner = runner;
    f->stats = stats;
    init_loop(f, runner->model.arch->n_params, params, images, labels, n_train, batch, shift, optimizer, momentum, 0);
    f->rng = rng_seeded(seed);
}

void fit_init_convnet(fit_state *f, convnet_runner *runner, real *params, const image_set *images,
                      const label_set *labels, int n_train, int batch, int shift, double momentum,
                      double weight_decay, rng_t rng)
{
    memset(f, 0, sizeof *f);
    f->convnet = runner;
    init_loop(f, runner->model.arch->n_params, params, images, labels, n_train, batch, shift, OPTIMIZER_SGD,
              momentum, weight_decay);
    f->rng = rng;
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
        batch_score s = f->convnet ? convnet_train_step(f->convnet, f->params, &f->opt, f->x, f->batch_labels, count)
                                   : sequential_train_step(f->runner, f->params, f->stats, &f->opt, f->x,
                                                           f->batch_labels, count);
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
