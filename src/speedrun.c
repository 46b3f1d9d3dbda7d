/* speedrun.c: see speedrun.h. */
#include "speedrun.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "loss.h"
#include "optim.h"
#include "roofline.h"
#include "tensor.h"
#include "threadpool.h"
#include "train_check.h"
#include "training.h"

/* ---------------------------------------------------------------- the ingredients */

double one_cycle_lr(long t, long T, long W, double peak)
{
    if (t < 0 || t >= T)
        return 0;
    if (t < W)
        return peak * (double)t / (double)W;                  /* warm-up: 0 at t = 0 */
    return peak * (double)(T - t) / (double)(T - W);          /* peak at t = W, peak/(T-W) at the last step */
}

double smoothed_cross_entropy_batch(int n, const real *z, const int *labels, real eps, real *p, real *dz,
                                    int classes)
{
    double sum = 0;
    double off = (double)eps / classes;                        /* q_k for k != label */
    for (int r = 0; r < n; r++) {
        const real *zr = z + (long)r * classes;
        real *pr = p + (long)r * classes;
        softmax(zr, pr, classes);
        /* L = -sum_k q_k ln p_k = -sum_k q_k (z_k - lse) = lse - sum_k q_k z_k, as sum_k q_k = 1 */
        double lse = log_sum_exp(zr, classes), qz = 0;
        for (int k = 0; k < classes; k++) {
            double q = off + (k == labels[r] ? 1 - (double)eps : 0);
            qz += q * (double)zr[k];
            if (dz)
                dz[(long)r * classes + k] = (real)((double)pr[k] - q);    /* dL/dz_k = p_k - q_k */
        }
        sum += lse - qz;
    }
    return sum;
}

void ema_update(real *avg, const real *w, long n, real decay)
{
    for (long i = 0; i < n; i++)
        avg[i] = decay * avg[i] + (1 - decay) * w[i];
}

void nesterov_step(real *w, const real *g, real *velocity, long n, real lr, real momentum)
{
    for (long i = 0; i < n; i++) {
        velocity[i] = momentum * velocity[i] + g[i];
        w[i] -= lr * (g[i] + momentum * velocity[i]);
    }
}

void mirror_images(real *x, int n, int rows, int cols, const unsigned char *flip)
{
    for (int i = 0; i < n; i++) {
        if (flip && !flip[i])
            continue;
        for (int r = 0; r < rows; r++) {
            real *row = x + ((long)i * rows + r) * cols;
            for (int a = 0, b = cols - 1; a < b; a++, b--) {    /* swap the ends, walking inwards */
                real t = row[a];
                row[a] = row[b];
                row[b] = t;
            }
        }
    }
}

/* This epoch's mirror choices: flips (n) OVERWRITTEN with 0 or 1, each with
 * probability 1/2, drawn from rng. */
static void draw_flips(rng_t *rng, unsigned char *flips, int n)
{
    for (int i = 0; i < n; i++)
        flips[i] = (unsigned char)rng_below(rng, 2);
}

int speed_tta_moves(int tta)
{
    return tta >= 2 ? 9 : tta == 1 ? 5 : 1;
}

/* ---------------------------------------------------------------- the trainer's shard */

/* The network of a sequential_runner, scored with label smoothing. */
typedef struct {
    const sequential_model *model;
    real eps;
} smoothed_model;

/* As sequential_shard (src/sequential.c), with the smoothed loss and its gradient. */
static batch_score smoothed_shard(void *netp, void *workspace, const real *x, const int *labels, int n, long first,
                                  int *predictions, real *grad)
{
    const smoothed_model *s = netp;
    sequential_batch *b = workspace;
    int classes = s->model->arch->classes;
    batch_score score = { 0, 0 };
    const real *logits = sequential_forward(s->model, b, x, n, first);
    score.loss = smoothed_cross_entropy_batch(n, logits, labels, s->eps, b->probs, grad ? b->dlogits : NULL, classes);
    for (int k = 0; k < n; k++) {
        int predicted = argmax(b->probs + (long)k * classes, classes);
        score.correct += predicted == labels[k];
        if (predictions)
            predictions[k] = predicted;
    }
    if (grad)
        sequential_backward(s->model, b, x, b->dlogits, grad, NULL);
    return score;
}

/* ---------------------------------------------------------------- the trainer */

typedef struct {
    const speed_recipe *r;
    sequential net;
    real *params, *stats, *avg, *live;   /* (n_params): the weights, their average, a copy of the weights */
    real *m, *v, *velocity;              /* the optimiser's state (n_params)                            */
    thread_pool *pool;
    sequential_runner runner;
    smoothed_model smoothed;
    int *order, *batch_labels, *predictions;
    signed char *shifts;
    unsigned char *flips;                /* (n_train): this epoch's mirror choices, NULL without      */
    real *x, *probs;                     /* (max batch, pixels), (max batch, classes)                   */
    rng_t rng;
    long pixels;
    int max_batch;
} speed_run;

static void run_free(speed_run *s)
{
    if (s->runner.batches.mean_grad)
        sequential_runner_free(&s->runner);
    thread_pool_free(s->pool);
    free(s->params); free(s->stats); free(s->avg); free(s->live);
    free(s->m); free(s->v); free(s->velocity);
    free(s->order); free(s->batch_labels); free(s->predictions); free(s->shifts);
    free(s->flips);
    free(s->x); free(s->probs);
}

static int run_init(speed_run *s, const speed_recipe *r, uint64_t seed, const image_set *train, int n_train,
                    char *err, size_t err_size)
{
    memset(s, 0, sizeof *s);
    s->r = r;
    if (sequential_build(&s->net, r->net, 1, train->rows, train->cols, err, err_size) != 0)
        return -1;
    size_t n = (size_t)s->net.n_params;
    s->params = tensor_alloc(n, "parameters");
    s->stats = tensor_alloc((size_t)s->net.n_stats + 1, "running statistics");
    rng_t init = rng_seeded(seed);
    sequential_init(&s->net, s->params, s->stats, &init);
    s->avg = tensor_alloc(n, "the weights' average");
    s->live = tensor_alloc(n, "the weights, kept while the average is scored");
    memcpy(s->avg, s->params, n * sizeof(real));
    s->m = tensor_alloc(n, "Adam's first moment");
    s->v = tensor_alloc(n, "Adam's second moment");
    s->velocity = tensor_alloc(n, "momentum's velocity");
    s->max_batch = r->batch > 256 ? r->batch : 256;
    s->pixels = (long)train->rows * train->cols;
    s->pool = thread_pool_create(r->threads);
    if (!s->pool) {
        snprintf(err, err_size, "out of memory starting the threads");
        return -1;
    }
    sequential_runner_init(&s->runner, &s->net, s->params, s->stats, ENGINE_FAST, s->pool, s->max_batch);
    s->runner.model.seed = seed;
    s->runner.model.fuse_pool = 1;                     /* no layer's output is read but by the next */
    s->smoothed.model = &s->runner.model;
    s->smoothed.eps = (real)r->smoothing;
    s->runner.batches.net = &s->smoothed;              /* the same layers, the smoothed loss */
    s->runner.batches.run = smoothed_shard;
    s->order = identity_order(n_train);
    s->batch_labels = checked_calloc((size_t)s->max_batch, sizeof(int), "a batch's labels");
    s->predictions = checked_calloc((size_t)s->max_batch, sizeof(int), "a batch's answers");
    if (r->shift > 0)
        s->shifts = checked_calloc(2 * (size_t)n_train, 1, "image moves");
    if (r->flip)
        s->flips = checked_calloc((size_t)n_train, 1, "image mirrors");
    s->x = tensor_alloc((size_t)s->max_batch * (size_t)s->pixels, "a batch's images");
    s->probs = tensor_alloc((size_t)s->max_batch * (size_t)s->net.classes, "a batch's probabilities");
    s->rng = rng_seeded(seed + 1);
    return 0;
}

/* The learning rate of step t of T. */
static double lr_at(const speed_recipe *r, long t, long T, long steps_per_epoch)
{
    if (r->schedule == SCHEDULE_ONE_CYCLE)
        return one_cycle_lr(t, T, (long)(r->warmup * (double)T), r->lr);
    return r->lr * pow(r->lr_decay, (double)(t / steps_per_epoch));
}

/* One step on images order[first .. first+count) at learning rate lr. */
static batch_score train_step(speed_run *s, const image_set *train, const label_set *labels, int first, int count,
                              double lr, long step)
{
    const speed_recipe *r = s->r;
    long n = s->net.n_params;
    real *g = s->runner.batches.mean_grad;
    gather_images(train, labels, s->order, first, count, s->shifts, s->x, s->batch_labels);
    if (s->flips)
        mirror_images(s->x, count, train->rows, train->cols, s->flips + first);
    s->runner.model.training = 1;
    s->runner.model.step = step;
    batch_score b = minibatch_gradient(&s->runner.batches, s->x, s->batch_labels, count);
    if (r->weight_decay > 0)
        add_weight_decay(g, s->params, n, (real)r->weight_decay);
    if (r->optimizer == SPEED_ADAM) {
        adam_config c = adam_defaults((real)lr);
        adam_step(s->params, g, s->m, s->v, n, &c, (int)(step + 1));
    } else if (r->optimizer == SPEED_NESTEROV) {
        nesterov_step(s->params, g, s->velocity, n, (real)lr, (real)r->momentum);
    } else {
        sgd_momentum_step(s->params, g, s->velocity, n, (real)lr, (real)r->momentum);
    }
    sequential_runner_update_stats(&s->runner, s->stats);
    if (r->ema > 0) {   /* the average's warm-up (TensorFlow's form): early steps weigh more */
        double d = (1.0 + (double)step) / (10.0 + (double)step);
        ema_update(s->avg, s->params, n, (real)(d < r->ema ? d : r->ema));
    }
    return b;
}

/* Accuracy on images order[0 .. count), in test mode, with the weights or
 * their average, with or without test-time augmentation; each image's
 * answer into predictions (count; may be NULL). */
static double score_set(speed_run *s, const image_set *images, const label_set *labels, const int *order, int count,
                        int *predictions)
{
    static const int moves[9][2] = { { 0, 0 }, { -1, 0 }, { 1, 0 }, { 0, -1 }, { 0, 1 },       /* tta 1: these 5 */
                                     { -1, -1 }, { -1, 1 }, { 1, -1 }, { 1, 1 } };               /* tta 2: all 9  */
    const speed_recipe *r = s->r;
    int moves_n = speed_tta_moves(r->tta), views = moves_n * (r->tta && r->flip ? 2 : 1), classes = s->net.classes;
    size_t n = (size_t)s->net.n_params;
    long correct = 0;
    if (r->ema > 0) {                                   /* score the average: swap it in */
        memcpy(s->live, s->params, n * sizeof(real));
        memcpy(s->params, s->avg, n * sizeof(real));
    }
    s->runner.model.training = 0;
    for (int first = 0; first < count; first += s->max_batch) {
        int b = count - first < s->max_batch ? count - first : s->max_batch;
        memset(s->probs, 0, (size_t)b * classes * sizeof(real));
        for (int v = 0; v < views; v++) {
            for (int i = 0; i < b; i++) {
                const int *m = moves[v % moves_n];
                moved_image(images, order[first + i], m[0], m[1], s->x + i * s->pixels);
                s->batch_labels[i] = labels->labels[order[first + i]];
            }
            if (v >= moves_n)                           /* the second half of the views: the mirrors */
                mirror_images(s->x, b, images->rows, images->cols, NULL);
            minibatch_forward(&s->runner.batches, s->x, s->batch_labels, b, NULL);
            real *to = s->probs;                        /* each shard's probabilities, in shard order */
            for (int sh = 0; sh < MINIBATCH_SHARDS; sh++) {
                long k = (long)s->runner.batches.shard_images[sh] * classes;
                for (long j = 0; j < k; j++)
                    to[j] += s->runner.shards[sh].probs[j];
                to += k;
            }
        }
        for (int i = 0; i < b; i++) {
            int answer = argmax(s->probs + (long)i * classes, classes);
            correct += answer == s->batch_labels[i];
            if (predictions)
                predictions[first + i] = answer;
        }
    }
    if (r->ema > 0)
        memcpy(s->params, s->live, n * sizeof(real));
    return count > 0 ? (double)correct / count : NAN;
}

int speed_train(const speed_recipe *r, uint64_t seed, const image_set *train, const label_set *train_labels,
                int n_train, const int *val_order, int n_val, const image_set *test_images,
                const label_set *test_labels, speed_epoch_fn on_epoch, void *ctx, speed_result *out, char *err,
                size_t err_size)
{
    speed_run s;
    if (n_train < 1 || r->epochs < 1 || r->batch < 1) {
        snprintf(err, err_size, "nothing to train: %d images, %d epochs, batches of %d", n_train, r->epochs, r->batch);
        return -1;
    }
    if (run_init(&s, r, seed, train, n_train, err, err_size) != 0) {
        run_free(&s);
        return -1;
    }
    long per_epoch = (n_train + r->batch - 1) / r->batch, T = per_epoch * r->epochs, step = 0;
    double wall = 0, cpu = 0;
    for (int epoch = 1; epoch <= r->epochs; epoch++) {
        double wall0 = wall_clock();
        clock_t cpu0 = clock();
        rng_shuffle(&s.rng, s.order, n_train);
        if (s.shifts)
            draw_shifts(&s.rng, s.shifts, n_train, r->shift);
        if (s.flips)                                    /* after the moves: recipes without flips draw as before */
            draw_flips(&s.rng, s.flips, n_train);
        for (int done = 0; done < n_train; step++) {
            int count = n_train - done < r->batch ? n_train - done : r->batch;
            batch_score b = train_step(&s, train, train_labels, done, count, lr_at(r, step, T, per_epoch), step);
            if (!loss_is_sane(b.loss / count)) {
                char value[64];
                describe_loss(b.loss / count, value, sizeof value);
                snprintf(err, err_size, "epoch %d, step %ld: the loss is %s: lower the learning rate (now %g)", epoch,
                         step + 1, value, r->lr);
                run_free(&s);
                return -1;
            }
            done += count;
        }
        cpu += (double)(clock() - cpu0) / CLOCKS_PER_SEC;
        wall += wall_clock() - wall0;
        if (on_epoch)
            on_epoch(ctx, epoch, wall, n_val > 0 ? score_set(&s, train, train_labels, val_order, n_val, NULL) : NAN);
    }
    out->steps = step;
    out->train_wall = wall;
    out->train_cpu = cpu;
    out->val_accuracy = n_val > 0 ? score_set(&s, train, train_labels, val_order, n_val, NULL) : NAN;
    out->test_accuracy = NAN;
    out->test_predictions = NULL;
    if (test_images) {
        int *all = identity_order(test_images->count);
        out->test_predictions = checked_calloc((size_t)test_images->count + 1, sizeof(int), "the test answers");
        out->test_accuracy = score_set(&s, test_images, test_labels, all, test_images->count, out->test_predictions);
        free(all);
    }
    run_free(&s);
    return 0;
}
