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
 * each backward line next to the chain rule it implements. With --engine
 * fast (the default) the same layers run on a whole mini-batch at once,
 * as matrix products (convnet_forward_batch / convnet_backward_batch,
 * lesson 11); --engine naive runs the direct loops one image at a time.
 * This file is the training around them: mini-batch SGD with momentum,
 * a learning rate that shrinks every epoch, training images moved by a
 * pixel at random (data augmentation), the numbers a Keras user expects to
 * see, and the checks that keep a bad file or a bad flag from crashing it.
 * The loop over the batches is src/fit.c's, the one lesson 12 uses; its
 * step for this network is convnet_train_step (src/convnet.c).
 *
 * The last 5,000 training images are held out (--validation N): each epoch
 * is scored on them, and every setting is chosen on them; the test set is
 * scored once, after the last epoch, to report the result (notes/10_mnist.md,
 * "Why the test set is looked at once").
 *
 * Each mini-batch is cut into a fixed number of parts (src/minibatch.h);
 * each part sums its own gradient, and the parts are added in a fixed
 * order. Threads (--threads) only decide who computes which part, so every
 * run with the same seed prints the same numbers, whatever the thread count.
 *
 * Run:   make mnist          (fetches the data, builds, trains: about a minute on 2 cores)
 *        build/lessons/10_mnist --data data/mnist [--epochs N ...]   (--help lists every flag)
 *        build/predict build/mnist.model --test-index 0             (what the saved model sees)
 * Notes: notes/10_mnist.md */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conv.h"         /* engine_kind, ENGINE_FAST, ENGINE_NAIVE */
#include "convnet.h"      /* convnet_arch, convnet_params, convnet_runner, convnet_arch_setup, ... */
#include "file_error.h"   /* FILE_ERROR_SIZE */
#include "fit.h"          /* fit_state, fit_init_convnet, fit_epoch, fit_free: the training loop */
#include "flags.h"        /* flag_spec, FLAG_TEXT, FLAG_INT, FLAG_REAL_IN_FLOAT, FLAG_LONG, ... */
#include "lesson.h"       /* lesson_set_stepping, lesson_step */
#include "minibatch.h"    /* batch_score */
#include "mnist.h"        /* mnist_data, image_set, label_set, mnist_load, mnist_free */
#include "model_file.h"   /* convnet_save, convnet_load (model files, version 1) */
#include "out_file.h"     /* out_file, out_file_abandon, out_file_check, out_file_open, ... */
#include "rng.h"          /* rng_t, rng_seeded */
#include "roofline.h"     /* wall_clock */
#include "tensor.h"       /* tensor_alloc, checked_calloc */
#include "threadpool.h"   /* thread_pool, thread_pool_create, thread_pool_free */
#include "training.h"     /* progress, PROGRESS_BAR, set_score, score_images, gather_images, ... */
#include "train_check.h"  /* loss_is_sane, describe_loss, safer_learning_rate, collapsed_class */

#define EVAL_BATCH 256      /* images per batch when only scoring (no gradients to keep) */
#define CLASSES 10
#define SANITY_IMAGES 1000  /* images for the loss before training */
#define SHOW_MISTAKES 3     /* misclassified test digits drawn at the end */

typedef struct {
    int epochs, batch, filters, kernel, shift, limit, validation, threads, progress;
    engine_kind engine;
    double lr, momentum, lr_decay, weight_decay;
    unsigned long long seed;
    const char *data, *save, *load, *history;
} options;

static const options defaults = {
    .epochs = 6, .batch = 32, .filters = 16, .kernel = 5, .shift = 1, .limit = 0,
    .validation = VALIDATION_DEFAULT, .threads = 2,
    .progress = PROGRESS_BAR, .engine = ENGINE_FAST, .lr = 0.05, .momentum = 0.9, .lr_decay = 0.6, .weight_decay = 0,
    .seed = 1, .data = "data/mnist", .save = NULL, .load = NULL, .history = NULL,
};

/* ---------------------------------------------------------------- flags */

static const char *program = "10_mnist";

/* Every flag, read by src/flags.c (the same parser and messages as every program). */
static options parse_flags(int argc, char **argv)
{
    options o = defaults;
    long seed = (long)defaults.seed;
    int step = 0, engine = (int)defaults.engine;   /* --engine's index in "naive|fast" is the engine_kind */
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
        FLAG_INT("--validation", &o.validation, 0, 2000000000L, "N", "hold out the last N training images to score "
                 "each epoch on (default: 5000; a twelfth of a set smaller than 60,000; 0: none)"),
        FLAG_INT("--threads", &o.threads, 1, 64, "N", "threads that share each batch (results do not depend on it)"),
        FLAG_CHOICE("--progress", &o.progress, "bar|lines|none",
                    "bar (default: redrawn on stderr), lines (one every few seconds), none"),
        FLAG_CHOICE("--engine", &engine, "naive|fast",
                    "fast (default: batched im2col + GEMM, lesson 11) or naive (the direct loops)"),
        FLAG_TEXT("--save", &o.save, "FILE", "write the trained model to FILE"),
        FLAG_TEXT("--load", &o.load, "FILE", "start from the model in FILE (its architecture must match the flags)"),
        FLAG_TEXT("--history", &o.history, "FILE", "write one CSV line per epoch (for tests/plots/10_history.gp)"),
        FLAG_SWITCH("--step", &step, "pause before each step until Enter is pressed"),
    };
    flag_set set = { program, "10_mnist [flags]", specs, (int)(sizeof specs / sizeof specs[0]), 0 };
    flags_parse_or_exit(&set, argc, argv, NULL, NULL);
    o.seed = (unsigned long long)seed;
    o.engine = engine == ENGINE_FAST ? ENGINE_FAST : ENGINE_NAIVE;
    lesson_set_stepping(step);
    return o;
}

/* ---------------------------------------------------------------- the trainer */

typedef struct {
    options opt;
    mnist_data data;
    int n_train;                 /* training images used: the first, before the held-out ones (--limit) */
    int n_val;                   /* the last n_val training images, held out (--validation) */
    convnet_arch arch;
    convnet_params params;
    thread_pool *pool;           /* --threads */
    convnet_runner runner;       /* the batches cut into shards, their memory: src/convnet.h */
    fit_state fit;               /* the training loop, lesson 12's too: order, moves, momentum (src/fit.h) */
    real *x;                     /* (max batch, 1, rows, cols): the batch's images, as reals */
    int *labels, *predictions;   /* (max batch) */
    int *val_order;              /* (n_val) count - n_val, ..., count - 1 */
    int *val_predictions;        /* (training set's count): answers, indexed by image */
    int *test_order;             /* (n_test) 0, 1, 2, ... */
    int *test_predictions;       /* (n_test) */
    rng_t rng;                   /* the initial weights; then the loop's shuffling and moves */
    out_file history;            /* --history: written safely (src/out_file.h) */
    int history_open;
} trainer;

/* Loss and accuracy over images order[0 .. count) of a set, no learning;
 * predictions[image] receives each answer when not NULL (src/training.c). */
static set_score evaluate(trainer *t, const image_set *images, const label_set *labels, const int *order,
                          int count, int *predictions)
{
    return score_images(&t->runner.batches, images, labels, order, count, t->x, t->labels, t->predictions,
                        predictions);
}

/* ---------------------------------------------------------------- set-up */

static void die(trainer *t, const char *message);

static void load_data(trainer *t)
{
    char err[FILE_ERROR_SIZE];
    if (mnist_load(t->opt.data, &t->data, err, sizeof err) != 0) {   /* checks every byte: src/mnist.h */
        fprintf(stderr, "%s: %s\n", program, err);
        exit(1);
    }
    const image_set *train = &t->data.train_images, *test = &t->data.test_images;
    if (train->count == 0 || test->count == 0) {
        snprintf(err, sizeof err, "%s: no %s images", t->opt.data, train->count ? "test" : "training");
        die(t, err);
    }
    t->n_val = validation_count(train->count, t->opt.validation, err, sizeof err);   /* src/mnist.h */
    if (t->n_val < 0)
        die(t, err);
    t->n_train = train->count - t->n_val;
    if (t->opt.limit > 0 && t->opt.limit < t->n_train)
        t->n_train = t->opt.limit;
    printf("%s: %d training images (using %d), %d test images, %dx%d pixels\n", t->opt.data,
           train->count - t->n_val, t->n_train, test->count, train->rows, train->cols);
    if (t->n_val > 0)
        printf("validation: the last %d training images (%d to %d) held out, the same for every seed; "
               "the test images are scored once, at the end\n", t->n_val, train->count - t->n_val + 1, train->count);
    else
        printf("validation: none (--validation 0); the test images are scored once, at the end\n");
}

/* The network: built from the flags, then either freshly initialised or
 * read from --load (whose architecture must be the same). */
static void build_network(trainer *t)
{
    char err[FILE_ERROR_SIZE];
    const image_set *tr = &t->data.train_images;
    if (convnet_arch_setup(&t->arch, tr->rows, tr->cols, t->opt.filters, t->opt.kernel, CLASSES,
                           err, sizeof err) != 0) {
        char line[FILE_ERROR_SIZE + 64];
        snprintf(line, sizeof line, "--filters %d --kernel %d: %s", t->opt.filters, t->opt.kernel, err);
        die(t, line);
    }
    t->rng = rng_seeded(t->opt.seed);
    if (t->opt.load) {
        convnet_arch saved;
        if (convnet_load(t->opt.load, &saved, &t->params, err, sizeof err) != 0)
            die(t, err);
        if (!convnet_arch_equal(&saved, &t->arch)) {
            char want[128], got[128], line[FILE_ERROR_SIZE];
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
}

/* Everything a training step and an evaluation use, sized once, before the
 * first step: the threads, each shard's working memory, the batch's images. */
static void build_engine(trainer *t)
{
    const image_set *tr = &t->data.train_images;
    int max_batch = t->opt.batch > EVAL_BATCH ? t->opt.batch : EVAL_BATCH;
    t->pool = thread_pool_create(t->opt.threads);
    if (!t->pool)
        die(t, "out of memory starting the threads");
    convnet_runner_init(&t->runner, &t->arch, &t->params, t->opt.engine, t->pool, max_batch);
    fit_init_convnet(&t->fit, &t->runner, t->params.all, tr, &t->data.train_labels, t->n_train, t->opt.batch,
                     t->opt.shift, t->opt.momentum, t->opt.weight_decay, t->rng);   /* the rng, after the weights */
    t->x = tensor_alloc((size_t)max_batch * tr->rows * tr->cols, "the batch's images");
    t->labels = checked_calloc((size_t)max_batch, sizeof(int), "the batch's labels");
    t->predictions = checked_calloc((size_t)max_batch, sizeof(int), "the batch's predictions");
}

static void trainer_free(trainer *t)
{
    convnet_runner_free(&t->runner);
    if (t->fit.order)
        fit_free(&t->fit);
    thread_pool_free(t->pool);
    free(t->x);
    free(t->labels);
    free(t->predictions);
    convnet_params_free(&t->params);
    free(t->val_order);
    free(t->val_predictions);
    free(t->test_order);
    free(t->test_predictions);
    if (t->history_open)
        out_file_abandon(&t->history);    /* a run that stops early replaces no old file */
    mnist_free(&t->data);
}

static void die(trainer *t, const char *message)
{
    fprintf(stderr, "%s: %s\n", program, message);
    trainer_free(t);
    exit(1);
}

/* ---------------------------------------------------------------- output files */

/* Before any training: --save must be writable (nothing is created yet), and
 * the history file is opened (as a temporary file beside it). */
static void open_outputs(trainer *t)
{
    char err[FILE_ERROR_SIZE];
    if (t->opt.save && out_file_check(t->opt.save, err, sizeof err) != 0)
        die(t, err);
    if (!t->opt.history)
        return;
    if (out_file_open(&t->history, t->opt.history, err, sizeof err) != 0)
        die(t, err);
    t->history_open = 1;
    out_file_printf(&t->history, "epoch,train_loss,train_acc,val_loss,val_acc,seconds\n");
}

/* After training: the model and the history, each put in place only when
 * whole (src/out_file.h); a failure exits with status 1. */
static void save_outputs(trainer *t)
{
    char err[FILE_ERROR_SIZE];
    if (t->opt.save) {
        if (convnet_save(t->opt.save, &t->arch, &t->params, err, sizeof err) != 0)
            die(t, err);
        printf("\nmodel saved to %s (%ld parameters)\n", t->opt.save, t->arch.n_params);
    }
    if (t->history_open) {
        t->history_open = 0;
        if (out_file_commit(&t->history, err, sizeof err) != 0)
            die(t, err);
    }
}

/* Before the first step the loss must be a number: if not, the loaded model
 * is broken (finite parameters so large that the computation overflows),
 * which no learning rate can fix. */
static void check_first_loss(trainer *t, double loss)
{
    char line[FILE_ERROR_SIZE], value[64];
    if (loss_is_sane(loss))
        return;
    describe_loss(loss, value, sizeof value);
    if (t->opt.load)
        snprintf(line, sizeof line, "%s: the model's outputs are not usable numbers (loss %s before any training "
                 "step): its parameters, up to %g, overflow the computation. The model is broken: retrain it",
                 t->opt.load, value, convnet_largest_parameter(&t->arch, &t->params));
    else
        snprintf(line, sizeof line, "the loss before any training step is %s: the initial weights are broken", value);
    die(t, line);
}

/* ---------------------------------------------------------------- training */

/* One epoch of the training loop lesson 12 uses too (src/fit.c): shuffle,
 * move the images, and for each mini-batch one step, convnet_train_step
 * (src/convnet.c): forward and backward every image (the shards share it
 * out), take the mean gradient, and move every parameter against it (SGD
 * with momentum, src/optim.h). A batch whose loss is not a usable number
 * stops training. */
static set_score train_epoch(trainer *t, int epoch, double lr)
{
    progress p;
    int bad_batch;
    progress_start(&p, t->opt.progress);
    set_score s = fit_epoch(&t->fit, lr, &p, epoch, t->opt.epochs, &bad_batch);
    if (bad_batch > 0) {                                /* src/train_check.h */
        char line[320], value[64];
        describe_loss(s.loss, value, sizeof value);
        snprintf(line, sizeof line, "epoch %d, batch %d: the loss is %s%s; training stopped. "
                 "The steps are too large: try a lower learning rate (--lr %g%s)", epoch, bad_batch, value,
                 isfinite(s.loss) ? ", and blowing up" : "", safer_learning_rate(t->opt.lr, defaults.lr),
                 t->opt.lr > defaults.lr ? ", the default" : "");
        if (t->opt.progress == PROGRESS_BAR)
            fputc('\n', stderr);
        die(t, line);
    }
    return s;
}

static set_score test_score(trainer *t)
{
    return evaluate(t, &t->data.test_images, &t->data.test_labels, t->test_order,
                    t->data.test_images.count, t->test_predictions);
}

/* The held-out images (the validation set), scored after an epoch. */
static set_score validation_score(trainer *t)
{
    return evaluate(t, &t->data.train_images, &t->data.train_labels, t->val_order, t->n_val, t->val_predictions);
}

/* After an epoch (epoch 0: a loaded model, not trained), on the set just
 * scored (the validation set, or the test set at the end): stop, saving
 * nothing, when its loss shows that the last steps diverged, or the
 * answers show a dead network (src/train_check.h). predictions (count):
 * the answers, in the set's order. */
static void check_score(trainer *t, int epoch, set_score s, const char *set, const int *predictions, int count)
{
    char line[1024], value[64];
    double share;
    if (!loss_is_sane(s.loss)) {
        describe_loss(s.loss, value, sizeof value);
        snprintf(line, sizeof line, "epoch %d: the %s loss is %s after the epoch's last steps: training diverged "
                 "and nothing is saved. The steps are too large: try a lower learning rate (--lr %g%s)", epoch, set,
                 value, safer_learning_rate(t->opt.lr, defaults.lr), t->opt.lr > defaults.lr ? ", the default" : "");
        die(t, line);
    }
    int dead = collapsed_class(predictions, count, CLASSES, s.accuracy, &share);
    if (dead < 0 || epoch == 0)
        return;
    char hint[160];
    if (t->opt.lr > defaults.lr)
        snprintf(hint, sizeof hint, "The learning rate %g is too large: try --lr %g (the default)", t->opt.lr,
                 defaults.lr);
    else
        snprintf(hint, sizeof hint, "Train on more images or for more epochs, or try another --seed");
    snprintf(line, sizeof line, "epoch %d: the network has died: it answers %d for %.1f%% of the %s images "
             "(%s accuracy %.4f, a guess gets %.4f), and nothing is saved. Most likely a large step pushed every "
             "ReLU below zero, so the answer no longer depends on the image and no gradient reaches the filters. %s",
             epoch, dead, 100 * share, set, set, s.accuracy, 1.0 / CLASSES, hint);
    die(t, line);
}

/* Every epoch: train on the shuffled training set, then score the
 * validation set (when there is one). The test set is not looked at here. */
static void train(trainer *t)
{
    double lr = t->opt.lr, total = 0;
    printf("%d epochs of %d images, mini-batches of %d, SGD lr %g (x%g per epoch), momentum %g",
           t->opt.epochs, t->n_train, t->opt.batch, t->opt.lr, t->opt.lr_decay, t->opt.momentum);
    if (t->opt.weight_decay > 0)
        printf(", weight decay %g", t->opt.weight_decay);
    if (t->opt.shift > 0)
        printf(", images moved by up to %d pixel%s", t->opt.shift, t->opt.shift == 1 ? "" : "s");
    printf(", %d thread%s\n", t->opt.threads, t->opt.threads == 1 ? "" : "s");
    for (int epoch = 1; epoch <= t->opt.epochs; epoch++) {
        double started = wall_clock();
        set_score train_s = train_epoch(t, epoch, lr);
        set_score val_s = { NAN, NAN };
        if (t->n_val > 0) {
            val_s = validation_score(t);
            check_score(t, epoch, val_s, "validation", t->val_predictions + t->val_order[0], t->n_val);
        }
        double seconds = wall_clock() - started;
        total += seconds;
        printf("Epoch %2d/%d  loss %.4f  accuracy %.4f", epoch, t->opt.epochs, train_s.loss, train_s.accuracy);
        if (t->n_val > 0)
            printf("  val_loss %.4f  val_accuracy %.4f", val_s.loss, val_s.accuracy);
        printf("  %5.1fs  %5.0f images/s\n", seconds, t->n_train / seconds);
        fflush(stdout);
        if (t->history_open)
            out_file_printf(&t->history, "%d,%.6f,%.6f,%.6f,%.6f,%.3f\n", epoch, train_s.loss, train_s.accuracy,
                            val_s.loss, val_s.accuracy, seconds);
        lr *= t->opt.lr_decay;
    }
    if (t->opt.epochs > 0)
        printf("training took %.1f s: %.0f training images/s (validation passes included)\n",
               total, (double)t->opt.epochs * t->n_train / total);
}

/* ---------------------------------------------------------------- the report */

/* One image's probabilities, through the reference path (for the mistakes). */
static const real *probabilities(void *ctx, const real *x)
{
    trainer *t = ctx;
    convnet_work *w = &t->runner.shards[0].one;
    convnet_forward(&t->arch, &t->params, w, x);
    return w->probs;
}

int main(int argc, char **argv)
{
    trainer t = { 0 };
    out_file_check_stdout_at_exit(program);   /* a full disk on stdout: exit 1, not 0 */
    t.opt = parse_flags(argc, argv);
    printf("Lesson 10: a convolutional network learns MNIST\n"
           "===============================================\n");

    lesson_step(1, "The data");
    load_data(&t);
    open_outputs(&t);
    t.val_order = validation_order(t.data.train_images.count, t.n_val);
    t.val_predictions = checked_calloc((size_t)t.data.train_images.count, sizeof(int), "predictions");
    t.test_order = identity_order(t.data.test_images.count);
    t.test_predictions = checked_calloc((size_t)t.data.test_images.count, sizeof(int), "predictions");

    lesson_step(2, "The network");
    build_network(&t);
    build_engine(&t);
    convnet_summary(stdout, &t.arch);
    printf("One image's way through it (src/convnet.c):\n"
           "  forward:  conv2d_forward -> relu_forward -> maxpool2d_forward -> dense_forward -> softmax -> -ln p_label\n"
           "  backward: p - onehot(label) -> dense_backward -> maxpool2d_backward -> relu_backward -> conv2d_backward\n");

    lesson_step(3, "The loss before the first step");
    int n = t.n_train < SANITY_IMAGES ? t.n_train : SANITY_IMAGES;
    set_score first = evaluate(&t, &t.data.train_images, &t.data.train_labels, t.fit.order, n, NULL);  /* unshuffled */
    check_first_loss(&t, first.loss);
    printf("mean loss on the first %d training images: %.4f (accuracy %.4f)\n", n, first.loss, first.accuracy);
    printf("lesson 08's sanity check: a network that knows nothing gives each digit 1/10, so its loss\n"
           "is -ln(1/10) = ln(10) = %.4f; this one is %+.4f away from it. Far more would mean the\n"
           "initial weights make confident guesses, which is a bug.\n", log(10.0), first.loss - log(10.0));

    lesson_step(4, "Training");
    train(&t);

    lesson_step(5, "The test set");
    set_score test = test_score(&t);                 /* once, after every choice is made */
    check_score(&t, t.opt.epochs, test, "test", t.test_predictions, t.data.test_images.count);
    printf("Test loss: %.4f\nTest accuracy: %.4f\n", test.loss, test.accuracy);
    print_confusion(stdout, &t.data.test_labels, t.test_predictions, CLASSES, &t.data.classes);
    show_mistakes(stdout, &t.data.test_images, &t.data.test_labels, t.test_predictions, CLASSES, &t.data.classes,
                  SHOW_MISTAKES, probabilities, &t, t.x);

    save_outputs(&t);
    trainer_free(&t);
    printf("\nNext: lesson 11, speed (notes/11_speed.md; build/lessons/11_speed).\n");
    return 0;
}
