/* Lesson 10: a convolutional network learns to read handwritten digits (MNIST).
 *
 * Everything from lessons 01-09 at once, on real data: 60,000 training
 * images of 28x28 grey pixels and 10,000 test images (LeCun, Cortes and
 * Burges' MNIST). The network is the picture of Doshi and Intro to CNN:
 *
 *   image (1,28,28) -> conv 16 filters 5x5 (16,24,24) -> ReLU -> maxpool 2x2 (16,12,12)
 *         -> flatten (2304) -> dense (10) -> softmax (10) -> cross-entropy
 *
 * (Intro to CNN's 26x26x32 -> 13x13x32 is --filters 32 --kernel 3). Its forward
 * and backward passes are src/convnet.c's convnet_forward and
 * convnet_backward: the library's layer calls, in order, and back again,
 * each backward line next to the chain rule it implements. This file is
 * the training loop around them: mini-batch SGD with momentum, a learning
 * rate that shrinks every epoch, training images moved by a pixel at random
 * (data augmentation), the numbers a Keras user expects to see, and the
 * checks that keep a bad file or a bad flag from crashing it.
 *
 * Each mini-batch is cut into SHARDS fixed parts; each part sums its own
 * gradient, and the parts are added in a fixed order. Threads (--threads)
 * only decide who computes which part, so every run with the same seed
 * prints the same numbers, whatever the thread count.
 *
 * Run:   make mnist          (fetches the data, builds, trains: about a minute on 2 cores)
 *        build/lessons/10_mnist --data data/mnist [--epochs N ...]   (--help lists every flag)
 *        build/predict build/mnist.model --test-index 0             (what the saved model sees)
 * Notes: notes/10_mnist.md */
#include <errno.h>
#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <threads.h>
#include <time.h>

#include "convnet.h"
#include "flags.h"
#include "lesson.h"
#include "mnist.h"
#include "optim.h"
#include "rng.h"
#include "tensor.h"

#define SHARDS 8            /* every batch is cut into this many parts, whatever --threads says */
#define CLASSES 10
#define SANITY_IMAGES 1000  /* images for the loss before training */
#define SHOW_MISTAKES 3     /* misclassified test digits drawn at the end */
/* A mean loss above this means p_label < e^-1000 for a typical image: in
 * float it has already rounded to 0, and NaN or infinity is a few steps
 * away. Training starts near ln(10) = 2.3 and goes down. */
#define LOSS_LIMIT 1000.0

enum { PROGRESS_BAR, PROGRESS_LINES, PROGRESS_NONE };

typedef struct {
    int epochs, batch, filters, kernel, shift, limit, threads, progress;
    double lr, momentum, lr_decay, weight_decay;
    unsigned long long seed;
    const char *data, *save, *load, *history;
} options;

static const options defaults = {
    .epochs = 6, .batch = 32, .filters = 16, .kernel = 5, .shift = 1, .limit = 0, .threads = 2,
    .progress = PROGRESS_BAR, .lr = 0.05, .momentum = 0.9, .lr_decay = 0.6, .weight_decay = 0,
    .seed = 1, .data = "data/mnist", .save = NULL, .load = NULL, .history = NULL,
};

/* ---------------------------------------------------------------- flags */

static const char *program = "10_mnist";

/* Every flag, read by src/flags.c (the same parser and messages as every program). */
static options parse_flags(int argc, char **argv)
{
    options o = defaults;
    long seed = (long)defaults.seed;
    int step = 0;
    const flag_spec specs[] = {
        FLAG_TEXT("--data", &o.data, "DIR", "the four MNIST IDX files"),
        FLAG_INT("--epochs", &o.epochs, 0, 1000, "N", "passes over the training set (0 with --load: only evaluate)"),
        FLAG_INT("--batch", &o.batch, 1, 100000, "N", "images per mini-batch"),
        FLAG_REAL_IN_FLOAT("--lr", &o.lr, 0, 1e9, 1, "X", "learning rate of SGD with momentum"),
        FLAG_REAL_IN_FLOAT("--lr-decay", &o.lr_decay, 0, 1, 1, "X", "multiply the learning rate by X after every epoch"),
        FLAG_REAL_IN_FLOAT("--momentum", &o.momentum, 0, 0.999, 0, "X", "momentum, 0 <= X < 1"),
        FLAG_REAL_IN_FLOAT("--weight-decay", &o.weight_decay, 0, 1, 0, "X", "L2 penalty X/2 * sum w^2"),
        FLAG_INT("--filters", &o.filters, 1, 1024, "N", "convolution filters"),
        FLAG_INT("--kernel", &o.kernel, 1, 99, "N", "filter size N x N, odd"),
        FLAG_INT("--shift", &o.shift, 0, 8, "N", "move each training image by up to N pixels at random, every epoch"),
        FLAG_LONG("--seed", &seed, 0, 2000000000L, "N", "seed of the initial weights and the shuffling"),
        FLAG_INT("--limit", &o.limit, 1, 2000000000L, "N", "train on the first N training images only (default: all)"),
        FLAG_INT("--threads", &o.threads, 1, 64, "N", "threads that share each batch (results do not depend on it)"),
        FLAG_CHOICE("--progress", &o.progress, "bar|lines|none",
                    "bar (default: redrawn on stderr), lines (one every few seconds), none"),
        FLAG_TEXT("--save", &o.save, "FILE", "write the trained model to FILE"),
        FLAG_TEXT("--load", &o.load, "FILE", "start from the model in FILE (its architecture must match the flags)"),
        FLAG_TEXT("--history", &o.history, "FILE", "write one CSV line per epoch (for tests/plots/10_history.gp)"),
        FLAG_SWITCH("--step", &step, "pause before each step until Enter is pressed"),
    };
    flag_set set = { program, "10_mnist [flags]", specs, (int)(sizeof specs / sizeof specs[0]), 0 };
    flags_parse_or_exit(&set, argc, argv, NULL, NULL);
    o.seed = (unsigned long long)seed;
    lesson_set_stepping(step);
    return o;
}

/* ---------------------------------------------------------------- time */

static double now_seconds(void)   /* wall-clock time (C11 timespec_get), not CPU time */
{
    struct timespec ts;
    timespec_get(&ts, TIME_UTC);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* ---------------------------------------------------------------- shards and threads */

/* One part of a batch (or of an evaluation), with its own scratch space and
 * gradient, so parts never write to the same memory. */
typedef struct {
    const convnet_arch *arch;
    const convnet_params *params;
    const image_set *images;
    const label_set *labels;
    const int *order;        /* image numbers to visit: order[first .. first+count) */
    int first, count;
    int learn;               /* 1: also run the backward pass into grad */
    convnet_work work;
    convnet_params grad;     /* sum of this part's gradients */
    real *x;                 /* (1, rows, cols): one image as reals */
    int *predictions;        /* evaluation: predictions[image] (may be NULL) */
    const signed char *shifts; /* learning: order position i moves by (dy, dx) = shifts[2i], shifts[2i+1] */
    real *shifted;           /* (1, rows, cols): the moved image */
    double loss;             /* sum of this part's losses */
    long correct;
} shard;

/* out (rows, cols) = x moved down by dy and right by dx pixels; what moves
 * in from outside is 0 (black, the background of a digit). */
static void shift_image(const real *x, real *out, int rows, int cols, int dy, int dx)
{
    for (int y = 0; y < rows; y++)
        for (int c = 0; c < cols; c++) {
            int from_y = y - dy, from_x = c - dx;
            int inside = from_y >= 0 && from_y < rows && from_x >= 0 && from_x < cols;
            out[y * cols + c] = inside ? x[from_y * cols + from_x] : 0;
        }
}

/* Forward (and backward) every image of one shard. */
static int run_shard(void *arg)
{
    shard *s = arg;
    s->loss = 0;
    s->correct = 0;
    if (s->learn)
        tensor_fill(s->grad.all, (size_t)s->arch->n_params, 0);
    for (int i = s->first; i < s->first + s->count; i++) {
        int image = s->order[i], label = s->labels->labels[image];
        const real *x = s->x;
        images_to_real(s->images, image, 1, s->x);
        if (s->learn && s->shifts) {                  /* data augmentation: a moved copy */
            shift_image(s->x, s->shifted, s->images->rows, s->images->cols, s->shifts[2 * i], s->shifts[2 * i + 1]);
            x = s->shifted;
        }
        int predicted = convnet_forward(s->arch, s->params, &s->work, x);
        s->loss += convnet_loss(s->arch, &s->work, label);
        s->correct += predicted == label;
        if (s->predictions)
            s->predictions[image] = predicted;
        if (s->learn)
            convnet_backward(s->arch, s->params, &s->work, x, label, &s->grad);
    }
    return 0;
}

/* The threads of one run_shards call share a counter: each takes the next
 * shard nobody has taken yet, so a thread slowed down by another program
 * simply does fewer shards. Which thread does a shard never changes what
 * the shard computes. */
typedef struct {
    shard *shards;
    atomic_int next;            /* the next shard to take */
} crew;

static int run_crew(void *arg)
{
    crew *c = arg;
    for (int s = atomic_fetch_add(&c->next, 1); s < SHARDS; s = atomic_fetch_add(&c->next, 1))
        run_shard(&c->shards[s]);
    return 0;
}

/* Run all SHARDS shards on `threads` threads (the calling thread is one of
 * them). If a thread cannot be started, the others do its share. */
static void run_shards(shard *shards, int threads)
{
    int n = threads < SHARDS ? threads : SHARDS;
    crew c = { shards, 0 };
    thrd_t ids[SHARDS];
    int started[SHARDS] = { 0 };
    for (int t = 1; t < n; t++)
        started[t] = thrd_create(&ids[t], run_crew, &c) == thrd_success;
    run_crew(&c);
    for (int t = 1; t < n; t++)
        if (started[t])
            thrd_join(ids[t], NULL);
}

/* Point the shards at images order[first .. first+count), cut into SHARDS
 * nearly equal parts. */
static void split(shard *shards, const int *order, int first, int count, int learn, int *predictions)
{
    for (int s = 0; s < SHARDS; s++) {
        int from = (int)((long)count * s / SHARDS), to = (int)((long)count * (s + 1) / SHARDS);
        shards[s].order = order;
        shards[s].first = first + from;
        shards[s].count = to - from;
        shards[s].learn = learn;
        shards[s].predictions = predictions;
    }
}

/* ---------------------------------------------------------------- the trainer */

typedef struct {
    options opt;
    mnist_data data;
    int n_train;                 /* training images used (--limit) */
    convnet_arch arch;
    convnet_params params, grad, velocity;
    shard shards[SHARDS];
    int *order;                  /* (n_train) training images, shuffled every epoch */
    int *test_order;             /* (n_test) 0, 1, 2, ... */
    int *test_predictions;       /* (n_test) */
    signed char *shifts;         /* (n_train, 2): this epoch's random moves (dy, dx), or NULL */
    rng_t rng;
    FILE *history;
} trainer;

typedef struct {
    double loss, accuracy;
} score;

static void shards_use(trainer *t, const image_set *images, const label_set *labels)
{
    for (int s = 0; s < SHARDS; s++) {
        t->shards[s].images = images;
        t->shards[s].labels = labels;
    }
}

/* Loss and accuracy over images order[first .. first+count) of a set, no learning. */
static score evaluate(trainer *t, const image_set *images, const label_set *labels, const int *order,
                      int count, int *predictions)
{
    double loss = 0;
    long correct = 0;
    shards_use(t, images, labels);
    split(t->shards, order, 0, count, 0, predictions);
    run_shards(t->shards, t->opt.threads);
    for (int s = 0; s < SHARDS; s++) {        /* fixed order: same sum every run */
        loss += t->shards[s].loss;
        correct += t->shards[s].correct;
    }
    return (score){ loss / count, (double)correct / count };
}

/* One step of mini-batch SGD on images order[first .. first+count):
 * forward and backward every image (in parallel parts), average the
 * gradients, and move every parameter against its gradient. */
static void train_batch(trainer *t, int first, int count, double lr, double *loss_sum, long *correct)
{
    const long n = t->arch.n_params;
    split(t->shards, t->order, first, count, 1, NULL);
    run_shards(t->shards, t->opt.threads);
    tensor_fill(t->grad.all, (size_t)n, 0);
    for (int s = 0; s < SHARDS; s++) {        /* fixed order: same sum every run */
        const real *g = t->shards[s].grad.all;
        for (long i = 0; i < n; i++)
            t->grad.all[i] += g[i];
        *loss_sum += t->shards[s].loss;
        *correct += t->shards[s].correct;
    }
    for (long i = 0; i < n; i++)              /* the batch's gradient is the mean over its images */
        t->grad.all[i] /= (real)count;
    if (t->opt.weight_decay > 0)
        add_weight_decay(t->grad.all, t->params.all, n, (real)t->opt.weight_decay);
    sgd_momentum_step(t->params.all, t->grad.all, t->velocity.all, n, (real)lr, (real)t->opt.momentum);
}

/* ---------------------------------------------------------------- progress */

typedef struct {
    int mode;
    double started, last_shown;
} progress;

static void progress_show(progress *p, int epoch, int epochs, int done, int total, double loss)
{
    double now = now_seconds(), elapsed = now - p->started;
    if (p->mode == PROGRESS_NONE || done == 0)
        return;
    int finished = done == total;
    if (p->mode == PROGRESS_BAR && !finished && now - p->last_shown < 0.25)
        return;
    if (p->mode == PROGRESS_LINES && (finished || now - p->last_shown < 5))
        return;
    p->last_shown = now;
    double rate = done / (elapsed > 1e-9 ? elapsed : 1e-9), eta = (total - done) / rate;
    if (p->mode == PROGRESS_LINES) {
        fprintf(stderr, "epoch %d/%d: %d/%d images, %.0f images/s, ETA %.0f s, loss %.4f\n",
                epoch, epochs, done, total, rate, eta, loss);
        return;
    }
    char bar[31];
    int filled = (int)(30L * done / total);
    for (int i = 0; i < 30; i++)
        bar[i] = i < filled ? '=' : (i == filled ? '>' : '.');
    bar[30] = '\0';
    fprintf(stderr, "\rEpoch %d/%d [%s] %d/%d  %.0f img/s  ETA %3.0fs  loss %.4f ",
            epoch, epochs, bar, done, total, rate, eta, loss);
    if (finished)
        fprintf(stderr, "\r%*s\r", 100, "");     /* clear it: the epoch line follows on stdout */
    fflush(stderr);
}

/* ---------------------------------------------------------------- set-up */

static void die(trainer *t, const char *message);

static void load_data(trainer *t)
{
    char err[512];
    if (mnist_load(t->opt.data, &t->data, err, sizeof err) != 0) {   /* checks every byte: src/mnist.h */
        fprintf(stderr, "%s: %s\n", program, err);
        exit(1);
    }
    const image_set *train = &t->data.train_images, *test = &t->data.test_images;
    t->n_train = train->count;
    if (t->opt.limit > 0 && t->opt.limit < t->n_train)
        t->n_train = t->opt.limit;
    if (t->n_train == 0 || test->count == 0) {
        snprintf(err, sizeof err, "%s: no %s images", t->opt.data, t->n_train ? "test" : "training");
        die(t, err);
    }
    printf("%s: %d training images (using %d), %d test images, %dx%d pixels\n", t->opt.data,
           train->count, t->n_train, test->count, train->rows, train->cols);
}

/* The network: built from the flags, then either freshly initialised or
 * read from --load (whose architecture must be the same). */
static void build_network(trainer *t)
{
    char err[512];
    const image_set *tr = &t->data.train_images;
    if (convnet_arch_setup(&t->arch, tr->rows, tr->cols, t->opt.filters, t->opt.kernel, CLASSES,
                           err, sizeof err) != 0) {
        char line[600];
        snprintf(line, sizeof line, "--filters %d --kernel %d: %s", t->opt.filters, t->opt.kernel, err);
        die(t, line);
    }
    t->rng = rng_seeded(t->opt.seed);
    if (t->opt.load) {
        convnet_arch saved;
        if (convnet_load(t->opt.load, &saved, &t->params, err, sizeof err) != 0)
            die(t, err);
        if (!convnet_arch_equal(&saved, &t->arch)) {
            char want[128], got[128], line[512];
            convnet_arch_describe(&t->arch, want, sizeof want);
            convnet_arch_describe(&saved, got, sizeof got);
            snprintf(line, sizeof line, "%s: the model has %s, but the flags and data ask for %s "
                     "(use --filters/--kernel to match it)", t->opt.load, got, want);
            die(t, line);
        }
        printf("loaded %s\n", t->opt.load);
    } else {
        convnet_params_alloc(&t->arch, &t->params);
        convnet_init(&t->arch, &t->params, &t->rng);
    }
    convnet_params_alloc(&t->arch, &t->grad);
    convnet_params_alloc(&t->arch, &t->velocity);
    for (int s = 0; s < SHARDS; s++) {
        shard *sh = &t->shards[s];
        sh->arch = &t->arch;
        sh->params = &t->params;
        convnet_work_alloc(&t->arch, &sh->work);
        convnet_params_alloc(&t->arch, &sh->grad);
        sh->x = tensor_alloc((size_t)tr->rows * tr->cols, "input image");
        sh->shifted = tensor_alloc((size_t)tr->rows * tr->cols, "shifted image");
        sh->shifts = t->shifts;
    }
}

static int *identity_order(int n)
{
    int *order = checked_calloc((size_t)n, sizeof(int), "image order");
    for (int i = 0; i < n; i++)
        order[i] = i;
    return order;
}

static void trainer_free(trainer *t)
{
    for (int s = 0; s < SHARDS; s++) {
        convnet_work_free(&t->shards[s].work);
        convnet_params_free(&t->shards[s].grad);
        free(t->shards[s].x);
        free(t->shards[s].shifted);
    }
    convnet_params_free(&t->params);
    convnet_params_free(&t->grad);
    convnet_params_free(&t->velocity);
    free(t->order);
    free(t->test_order);
    free(t->test_predictions);
    free(t->shifts);
    if (t->history)
        fclose(t->history);
    mnist_free(&t->data);
}

static void die(trainer *t, const char *message)
{
    fprintf(stderr, "%s: %s\n", program, message);
    trainer_free(t);
    exit(1);
}

/* ---------------------------------------------------------------- training */

static score train_epoch(trainer *t, int epoch, double lr)
{
    double start = now_seconds();
    progress p = { t->opt.progress, start, start };
    double loss_sum = 0;
    long correct = 0;
    int done = 0;
    shards_use(t, &t->data.train_images, &t->data.train_labels);
    rng_shuffle(&t->rng, t->order, t->n_train);
    if (t->shifts) {                     /* each image moves by -shift..shift pixels down and right */
        unsigned choices = 2u * (unsigned)t->opt.shift + 1u;
        for (int i = 0; i < 2 * t->n_train; i++)
            t->shifts[i] = (signed char)((int)rng_below(&t->rng, choices) - t->opt.shift);
    }
    for (int batch = 1; done < t->n_train; batch++) {
        int count = t->n_train - done < t->opt.batch ? t->n_train - done : t->opt.batch;
        double before = loss_sum;
        train_batch(t, done, count, lr, &loss_sum, &correct);
        double batch_loss = (loss_sum - before) / count;
        if (!(batch_loss < LOSS_LIMIT)) {              /* also true for NaN */
            char line[320], value[64];
            if (isnan(batch_loss))
                snprintf(value, sizeof value, "NaN");
            else if (isinf(batch_loss))
                snprintf(value, sizeof value, "infinite");
            else
                snprintf(value, sizeof value, "%g, and blowing up", batch_loss);
            snprintf(line, sizeof line, "epoch %d, batch %d: the loss is %s; training stopped. "
                     "The steps are too large: try a lower learning rate (--lr %g)", epoch, batch, value,
                     t->opt.lr / 10);
            if (t->opt.progress == PROGRESS_BAR)
                fputc('\n', stderr);
            die(t, line);
        }
        done += count;
        progress_show(&p, epoch, t->opt.epochs, done, t->n_train, loss_sum / done);
    }
    return (score){ loss_sum / t->n_train, (double)correct / t->n_train };
}

static score test_score(trainer *t)
{
    return evaluate(t, &t->data.test_images, &t->data.test_labels, t->test_order,
                    t->data.test_images.count, t->test_predictions);
}

/* Every epoch: train on the shuffled training set, then score the test set.
 * Returns the last test score. */
static score train(trainer *t)
{
    double lr = t->opt.lr, total = 0;
    score test_s = { 0, 0 };
    printf("%d epochs of %d images, mini-batches of %d, SGD lr %g (x%g per epoch), momentum %g",
           t->opt.epochs, t->n_train, t->opt.batch, t->opt.lr, t->opt.lr_decay, t->opt.momentum);
    if (t->opt.weight_decay > 0)
        printf(", weight decay %g", t->opt.weight_decay);
    if (t->opt.shift > 0)
        printf(", images moved by up to %d pixel%s", t->opt.shift, t->opt.shift == 1 ? "" : "s");
    printf(", %d thread%s\n", t->opt.threads, t->opt.threads == 1 ? "" : "s");
    for (int epoch = 1; epoch <= t->opt.epochs; epoch++) {
        double started = now_seconds();
        score train_s = train_epoch(t, epoch, lr);
        test_s = test_score(t);
        double seconds = now_seconds() - started;
        total += seconds;
        printf("Epoch %2d/%d  loss %.4f  accuracy %.4f  test_loss %.4f  test_accuracy %.4f  %5.1fs  %5.0f images/s\n",
               epoch, t->opt.epochs, train_s.loss, train_s.accuracy, test_s.loss, test_s.accuracy,
               seconds, t->n_train / seconds);
        fflush(stdout);
        if (t->history) {
            fprintf(t->history, "%d,%.6f,%.6f,%.6f,%.6f,%.3f\n", epoch, train_s.loss, train_s.accuracy,
                    test_s.loss, test_s.accuracy, seconds);
            fflush(t->history);
        }
        lr *= t->opt.lr_decay;
    }
    if (t->opt.epochs > 0)
        printf("training took %.1f s: %.0f training images/s (test passes included)\n",
               total, (double)t->opt.epochs * t->n_train / total);
    else
        test_s = test_score(t);
    return test_s;
}

/* ---------------------------------------------------------------- the report */

static void print_confusion(trainer *t)
{
    long matrix[CLASSES][CLASSES] = { { 0 } };
    const label_set *labels = &t->data.test_labels;
    for (int i = 0; i < labels->count; i++)
        matrix[labels->labels[i]][t->test_predictions[i]]++;
    printf("Confusion matrix (rows: true digit, columns: the network's answer):\n      ");
    for (int c = 0; c < CLASSES; c++)
        printf("%6d", c);
    printf("\n");
    for (int r = 0; r < CLASSES; r++) {
        printf("  %d | ", r);
        for (int c = 0; c < CLASSES; c++)
            printf("%6ld", matrix[r][c]);
        printf("\n");
    }
}

/* The three largest probabilities, largest first. */
static void top3(const real *probs, int *best)
{
    for (int k = 0; k < 3; k++) {
        best[k] = -1;
        for (int c = 0; c < CLASSES; c++) {
            int taken = 0;
            for (int j = 0; j < k; j++)
                taken |= best[j] == c;
            if (!taken && (best[k] < 0 || probs[c] > probs[best[k]]))
                best[k] = c;
        }
    }
}

static void show_mistakes(trainer *t)
{
    const image_set *images = &t->data.test_images;
    const label_set *labels = &t->data.test_labels;
    shard *s = &t->shards[0];
    int shown = 0;
    size_t pixels = (size_t)images->rows * images->cols;
    printf("\nThe first %d test digits the network gets wrong, with its three most likely answers:\n",
           SHOW_MISTAKES);
    for (int i = 0; i < images->count && shown < SHOW_MISTAKES; i++) {
        if (t->test_predictions[i] == labels->labels[i])
            continue;
        int best[3];
        images_to_real(images, i, 1, s->x);
        convnet_forward(&t->arch, &t->params, &s->work, s->x);
        top3(s->work.probs, best);
        printf("test image %d: the label says %d, the network says %d   (top 3: %d %.3f, %d %.3f, %d %.3f)\n",
               i, labels->labels[i], t->test_predictions[i], best[0], (double)s->work.probs[best[0]],
               best[1], (double)s->work.probs[best[1]], best[2], (double)s->work.probs[best[2]]);
        draw_digit_ascii(stdout, images->pixels + (size_t)i * pixels, images->rows, images->cols);
        shown++;
    }
    if (shown == 0)
        printf("none: every test digit is classified right\n");
}

int main(int argc, char **argv)
{
    trainer t = { 0 };
    t.opt = parse_flags(argc, argv);
    printf("Lesson 10: a convolutional network learns MNIST\n"
           "===============================================\n");

    lesson_step(1, "The data");
    load_data(&t);
    if (t.opt.history && !(t.history = fopen(t.opt.history, "w"))) {
        char line[512];
        snprintf(line, sizeof line, "%s: cannot create the history file (%s)", t.opt.history, strerror(errno));
        die(&t, line);
    }
    if (t.history)
        fprintf(t.history, "epoch,train_loss,train_acc,test_loss,test_acc,seconds\n");
    t.order = identity_order(t.n_train);
    t.test_order = identity_order(t.data.test_images.count);
    t.test_predictions = checked_calloc((size_t)t.data.test_images.count, sizeof(int), "predictions");
    if (t.opt.shift > 0)
        t.shifts = checked_calloc(2 * (size_t)t.n_train, 1, "image shifts");

    lesson_step(2, "The network");
    build_network(&t);
    convnet_summary(stdout, &t.arch);
    printf("One image's way through it (src/convnet.c):\n"
           "  forward:  conv2d_forward -> relu_forward -> maxpool2d_forward -> dense_forward -> softmax -> -ln p_label\n"
           "  backward: p - onehot(label) -> dense_backward -> maxpool2d_backward -> relu_backward -> conv2d_backward\n");

    lesson_step(3, "The loss before the first step");
    int n = t.n_train < SANITY_IMAGES ? t.n_train : SANITY_IMAGES;
    score first = evaluate(&t, &t.data.train_images, &t.data.train_labels, t.order, n, NULL);
    printf("mean loss on the first %d training images: %.4f (accuracy %.4f)\n", n, first.loss, first.accuracy);
    printf("lesson 08's sanity check: a network that knows nothing gives each digit 1/10, so its loss\n"
           "is -ln(1/10) = ln(10) = %.4f; this one is %+.4f away from it. Far more would mean the\n"
           "initial weights make confident guesses, which is a bug.\n", log(10.0), first.loss - log(10.0));

    lesson_step(4, "Training");
    score test = train(&t);

    lesson_step(5, "The test set");
    printf("Test loss: %.4f\nTest accuracy: %.4f\n", test.loss, test.accuracy);
    print_confusion(&t);
    show_mistakes(&t);

    if (t.opt.save) {
        char err[512];
        if (convnet_save(t.opt.save, &t.arch, &t.params, err, sizeof err) != 0)
            die(&t, err);
        printf("\nmodel saved to %s (%ld parameters)\n", t.opt.save, t.arch.n_params);
    }
    trainer_free(&t);
    return 0;
}
