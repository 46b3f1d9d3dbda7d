/* Lesson 12: a deeper network, and dropout: Doshi's network, layer for layer.
 *
 * Doshi's slides ("Convolutional Neural Networks") train a Keras model on
 * MNIST: three convolutions, two poolings, two dropouts, two dense layers,
 * 1,134,426 parameters, 99.35% on the test set after about 10 epochs. This
 * program builds any such stack from a line of text (src/sequential.h: the
 * same layer functions as lessons 01-11, in the order the text gives),
 * prints Keras's summary table for it, and trains it:
 *
 *   conv 16 2 same, relu, maxpool 2, conv 128 3, relu, conv 256 3, relu, maxpool 2,
 *   dropout 0.25, flatten, dense 128, relu, dropout 0.5, dense 10, softmax      (--net doshi)
 *
 * with Adam (lesson 09), a learning rate that shrinks every epoch, and the
 * training images moved by a pixel at random, as lesson 10 does. Dropout
 * (Srivastava et al. 2014) switches off a random part of a layer's outputs
 * at every training step and nothing at test time; batchnorm (lesson 13)
 * normalises with the batch's statistics while training and with running
 * averages at test time: the trainer says which mode each pass runs in.
 * As in lesson 10, the last 5,000 training images are held out
 * (--validation N) and scored every epoch; the test set is scored once, at
 * the end.
 *
 * Run:   make mnist-deep       (Doshi's network; make mnist-deep-bn: with batch normalisation)
 *        build/lessons/12_deeper --net "conv 8 3, relu, maxpool 2, flatten, dense 10" --epochs 2
 *        build/lessons/12_deeper --summary            (the table only)
 * Notes: notes/12_deeper.md */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conv.h"         /* ENGINE_FAST, engine_kind, ENGINE_NAIVE */
#include "convnet.h"      /* convnet_arch, convnet_arch_setup, convnet_params, convnet_work, ... */
#include "file_error.h"   /* FILE_ERROR_SIZE */
#include "fit.h"          /* OPTIMIZER_ADAM, fit_state, fit_free, fit_init, fit_epoch */
#include "flags.h"        /* flag_spec, FLAG_TEXT, FLAG_SWITCH, FLAG_INT, FLAG_CHOICE, ... */
#include "lesson.h"       /* lesson_set_stepping, lesson_step */
#include "loss.h"         /* softmax */
#include "mnist.h"        /* mnist_data, mnist_free, mnist_load, image_set, label_set, images_to_real */
#include "model_file.h"   /* sequential_save, sequential_load (model files, version 2) */
#include "os.h"           /* os_is_terminal */
#include "out_file.h"     /* out_file, out_file_abandon, out_file_check, out_file_open, ... */
#include "rng.h"          /* rng_t, rng_seeded */
#include "roofline.h"     /* wall_clock */
#include "sequential.h"   /* sequential, sequential_runner, sequential_runner_free, sequential_load, ... */
#include "tensor.h"       /* tensor_alloc, checked_calloc, tensor_max_abs_diff */
#include "threadpool.h"   /* thread_pool, thread_pool_free, thread_pool_create */
#include "train_check.h"  /* describe_loss, safer_learning_rate, loss_is_sane, collapsed_class */
#include "training.h"     /* progress, PROGRESS_BAR, identity_order, set_score, score_images, ... */

#define EVAL_BATCH 256      /* images per batch when only scoring */
#define SANITY_IMAGES 1000  /* images for the loss before training */
#define SHOW_MISTAKES 3

typedef struct {
    const char *net, *data, *save, *load, *history;
    int epochs, batch, shift, limit, validation, threads, progress, optimizer, engine, summary_only;
    double lr, lr_decay, momentum, max_memory;
    long seed;
} options;

static const options defaults = {
    .net = "doshi", .data = "data/mnist", .epochs = 6, .batch = 128, .shift = 1, .validation = VALIDATION_DEFAULT, .threads = 2,
    .progress = PROGRESS_BAR, .optimizer = OPTIMIZER_ADAM, .engine = ENGINE_FAST, .lr = 0.001, .lr_decay = 0.7,
    .momentum = 0.9, .seed = 1, .max_memory = 4096,
};

static const char *program = "12_deeper";

static options parse_flags(int argc, char **argv)
{
    options o = defaults;
    int step = 0;
    const flag_spec specs[] = {
        FLAG_TEXT("--net", &o.net, "SPEC", "the layers, e.g. \"conv 8 3, relu, maxpool 2, flatten, dense 10\", "
                  "or a preset: doshi, doshi-bn, small"),
        FLAG_SWITCH("--summary", &o.summary_only, "print the network's table and stop"),
        FLAG_TEXT("--data", &o.data, "DIR", "the four MNIST IDX files"),
        FLAG_INT("--epochs", &o.epochs, 0, 1000, "N", "passes over the training set (0 with --load: only evaluate)"),
        FLAG_INT("--batch", &o.batch, 1, 100000, "N", "images per mini-batch"),
        FLAG_CHOICE("--optimizer", &o.optimizer, "sgd|adam", "sgd (with momentum) or adam (default)"),
        FLAG_REAL_IN_FLOAT("--lr", &o.lr, 0, 1e9, 1, "X", "learning rate"),
        FLAG_REAL_IN_FLOAT("--lr-decay", &o.lr_decay, 0, 1, 1, "X", "multiply the learning rate by X after every epoch"),
        FLAG_REAL_IN_FLOAT("--momentum", &o.momentum, 0, 0.999, 0, "X", "momentum of sgd, 0 <= X < 1"),
        FLAG_INT("--shift", &o.shift, 0, 8, "N", "move each training image by up to N pixels at random, every epoch"),
        FLAG_LONG("--seed", &o.seed, 0, 2000000000L, "N", "seed of the initial weights, the shuffling and dropout"),
        FLAG_INT("--limit", &o.limit, 1, 2000000000L, "N", "train on the first N training images only (default: all)"),
        FLAG_INT("--validation", &o.validation, 0, 2000000000L, "N", "hold out the last N training images to score "
                 "each epoch on (default: 5000; a twelfth of a set smaller than 60,000; 0: none)"),
        FLAG_INT("--threads", &o.threads, 1, 64, "N", "threads that share each batch (results do not depend on it)"),
        FLAG_CHOICE("--progress", &o.progress, "bar|lines|none",
                    "bar (default: redrawn on stderr), lines (one every few seconds), none"),
        FLAG_CHOICE("--engine", &o.engine, "naive|fast", "fast (default: im2col + GEMM) or naive (the direct loops)"),
        FLAG_TEXT("--save", &o.save, "FILE", "write the trained model to FILE (model format 2)"),
        FLAG_TEXT("--load", &o.load, "FILE", "start from the model in FILE (its network replaces --net)"),
        FLAG_TEXT("--history", &o.history, "FILE", "write one CSV line per epoch"),
        FLAG_REAL("--max-memory", &o.max_memory, 1, 1e9, 0, "MB",
                  "refuse a network whose training needs more than MB megabytes"),
        FLAG_SWITCH("--step", &step, "pause before each step until Enter is pressed"),
    };
    flag_set set = { program, "12_deeper [flags]", specs, (int)(sizeof specs / sizeof specs[0]), 0 };
    flags_parse_or_exit(&set, argc, argv, NULL, NULL);
    lesson_set_stepping(step);
    return o;
}

/* ---------------------------------------------------------------- the trainer */

typedef struct {
    options opt;
    mnist_data data;
    int n_train;                    /* the first training images, before the held-out ones (--limit) */
    int n_val;                      /* the last n_val training images, held out (--validation) */
    int *val_order, *val_predictions;   /* (n_val) their indices; (training set's count) answers */
    sequential net;
    real *params, *stats;           /* (n_params), (n_stats): the model          */
    thread_pool *pool;
    sequential_runner runner;       /* batches cut into shards: src/sequential.h */
    fit_state fit;                  /* the training loop's state: src/fit.h       */
    real *x;                        /* (eval batch, 1, rows, cols)                */
    int *labels, *predictions;      /* (eval batch)                               */
    int *order, *test_order, *test_predictions;
    out_file history;
    int history_open;
} trainer;

static void trainer_free(trainer *t)
{
    if (t->runner.batches.mean_grad)
        sequential_runner_free(&t->runner);
    thread_pool_free(t->pool);
    if (t->fit.order)
        fit_free(&t->fit);
    free(t->params); free(t->stats);
    free(t->x); free(t->labels); free(t->predictions);
    free(t->order); free(t->test_order); free(t->test_predictions);
    free(t->val_order); free(t->val_predictions);
    if (t->history_open)
        out_file_abandon(&t->history);
    mnist_free(&t->data);
}

static void die(trainer *t, const char *message)
{
    fprintf(stderr, "%s: %s\n", program, message);
    trainer_free(t);
    exit(1);
}

/* ---------------------------------------------------------------- set-up */

static void load_data(trainer *t)
{
    char err[FILE_ERROR_SIZE];
    if (mnist_load(t->opt.data, &t->data, err, sizeof err) != 0)
        die(t, err);
    int count = t->data.train_images.count;
    t->n_val = validation_count(count, t->opt.validation, err, sizeof err);   /* src/mnist.h */
    if (t->n_val < 0)
        die(t, err);
    t->n_train = count - t->n_val;
    if (t->opt.limit > 0 && t->opt.limit < t->n_train)
        t->n_train = t->opt.limit;
    printf("%s: %d training images (using %d), %d test images, %dx%d pixels\n", t->opt.data,
           count - t->n_val, t->n_train, t->data.test_images.count, t->data.train_images.rows,
           t->data.train_images.cols);
    if (t->n_val > 0)
        printf("validation: the last %d training images (%d to %d) held out, the same for every seed; "
               "the test images are scored once, at the end\n", t->n_val, count - t->n_val + 1, count);
    else
        printf("validation: none (--validation 0); the test images are scored once, at the end\n");
}

/* The network from --net (or --load), its parameters, the optimiser's state. */
static void build_network(trainer *t, int rows, int cols)
{
    char err[FILE_ERROR_SIZE];
    if (t->opt.load) {
        if (sequential_load(t->opt.load, &t->net, &t->params, &t->stats, err, sizeof err) != 0)
            die(t, err);
        if (t->net.in_c != 1 || t->net.in_h != rows || t->net.in_w != cols) {
            snprintf(err, sizeof err, "%s: the model reads %dx%dx%d images, the data are %dx%dx1", t->opt.load,
                     t->net.in_h, t->net.in_w, t->net.in_c, rows, cols);
            die(t, err);
        }
        if (check_class_count(t->net.classes, t->opt.load, err, sizeof err) != 0)
            die(t, err);
        printf("loaded %s: %s\n", t->opt.load, t->net.spec);
    } else {
        if (sequential_build(&t->net, t->opt.net, 1, rows, cols, err, sizeof err) != 0) {
            char line[FILE_ERROR_SIZE + 64];
            snprintf(line, sizeof line, "--net: %s", err);
            die(t, line);
        }
        if (t->data.train_images.count > 0 && check_class_count(t->net.classes, "--net", err, sizeof err) != 0)
            die(t, err);
        t->params = tensor_alloc((size_t)t->net.n_params, "parameters");
        t->stats = tensor_alloc((size_t)t->net.n_stats + 1, "running statistics");
        rng_t init = rng_seeded((uint64_t)t->opt.seed);
        sequential_init(&t->net, t->params, t->stats, &init);
    }
}

/* What training will need, printed, and refused above --max-memory. */
static void plan_memory(trainer *t, int max_batch)
{
    const double mb = 1024.0 * 1024.0;
    fit_memory need = fit_memory_needed(&t->net, max_batch);
    double total = need.parameters + need.state + need.activations;
    printf("memory: parameters %.1f MB (with their gradients and the optimiser's state %.1f MB), activations "
           "%.1f MB for batches of %d images; %.1f MB in all\n", need.parameters / mb,
           (need.parameters + need.state) / mb, need.activations / mb, max_batch, total / mb);
    if (total > t->opt.max_memory * mb) {
        char line[512];
        int scoring = max_batch == EVAL_BATCH && t->opt.batch < EVAL_BATCH;   /* a smaller --batch cannot help */
        snprintf(line, sizeof line, "the network needs %.0f MB to %s batches of %d images (activations %.0f MB), "
                 "more than --max-memory %g MB: use %s, or raise --max-memory",
                 total / mb, scoring ? "score" : "train on", max_batch, need.activations / mb, t->opt.max_memory,
                 scoring ? "a smaller network (the test images are scored 256 at a time, whatever --batch is)"
                         : "a smaller --batch or a smaller network");
        die(t, line);
    }
}

static void build_engine(trainer *t)
{
    int max_batch = t->opt.batch > EVAL_BATCH ? t->opt.batch : EVAL_BATCH;
    long pixels = (long)t->net.in_h * t->net.in_w;
    plan_memory(t, max_batch);
    t->pool = thread_pool_create(t->opt.threads);
    if (!t->pool)
        die(t, "out of memory starting the threads");
    sequential_runner_init(&t->runner, &t->net, t->params, t->stats, (engine_kind)t->opt.engine, t->pool, max_batch);
    t->runner.model.seed = (uint64_t)t->opt.seed;
    t->runner.model.fuse_pool = 1;                   /* no layer's output is read but by the next */
    t->x = tensor_alloc((size_t)max_batch * pixels, "the batch's images");
    t->labels = checked_calloc((size_t)max_batch, sizeof(int), "the batch's labels");
    t->predictions = checked_calloc((size_t)max_batch, sizeof(int), "the batch's predictions");
    t->order = identity_order(t->n_train);
    t->val_order = validation_order(t->data.train_images.count, t->n_val);
    t->val_predictions = checked_calloc((size_t)t->data.train_images.count, sizeof(int), "predictions");
    t->test_order = identity_order(t->data.test_images.count);
    t->test_predictions = checked_calloc((size_t)t->data.test_images.count, sizeof(int), "predictions");
    fit_init(&t->fit, &t->runner, t->params, t->stats, &t->data.train_images, &t->data.train_labels, t->n_train,
             t->opt.batch, t->opt.shift, t->opt.optimizer, t->opt.momentum, (uint64_t)t->opt.seed + 1);
}

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
    out_file_printf(&t->history, "epoch,train_loss,train_acc,val_loss,val_acc,seconds,lr\n");
}

static void save_outputs(trainer *t)
{
    char err[FILE_ERROR_SIZE];
    if (t->opt.save) {
        if (sequential_save(t->opt.save, &t->net, t->params, t->stats, err, sizeof err) != 0)
            die(t, err);
        printf("\nmodel saved to %s (%ld parameters, %ld running statistics)\n", t->opt.save, t->net.n_params,
               t->net.n_stats);
    }
    if (t->history_open) {
        t->history_open = 0;
        if (out_file_commit(&t->history, err, sizeof err) != 0)
            die(t, err);
    }
}

/* ---------------------------------------------------------------- training */

/* Test mode: dropout drops nothing, batchnorm uses its running averages. */
static set_score evaluate(trainer *t, const image_set *images, const label_set *labels, const int *order,
                          int count, int *predictions)
{
    t->runner.model.training = 0;
    return score_images(&t->runner.batches, images, labels, order, count, t->x, t->labels, t->predictions,
                        predictions);
}

static void stop_diverged(trainer *t, const char *where, double loss)
{
    char line[512], value[64];
    describe_loss(loss, value, sizeof value);
    snprintf(line, sizeof line, "%s: the loss is %s; training stopped and nothing is saved. The steps are too "
             "large: try a lower learning rate (--lr %g%s)", where, value, safer_learning_rate(t->opt.lr, defaults.lr),
             t->opt.lr > defaults.lr ? ", the default" : "");
    if (t->opt.progress == PROGRESS_BAR && os_is_terminal(stderr))
        fputc('\n', stderr);                        /* below the bar */
    die(t, line);
}

/* One epoch of the library's training loop (src/fit.c), stopped with one
 * line when a batch's loss is not a number. */
static set_score train_epoch(trainer *t, int epoch, double lr)
{
    progress p;
    int bad_batch;
    progress_start(&p, t->opt.progress);
    set_score s = fit_epoch(&t->fit, lr, &p, epoch, t->opt.epochs, &bad_batch);
    if (bad_batch) {
        char where[64];
        snprintf(where, sizeof where, "epoch %d, batch %d", epoch, bad_batch);
        stop_diverged(t, where, s.loss);
    }
    return s;
}

static set_score test_score(trainer *t)
{
    return evaluate(t, &t->data.test_images, &t->data.test_labels, t->test_order, t->data.test_images.count,
                    t->test_predictions);
}

/* The held-out images (the validation set), in test mode. */
static set_score validation_score(trainer *t)
{
    return evaluate(t, &t->data.train_images, &t->data.train_labels, t->val_order, t->n_val, t->val_predictions);
}

/* After an epoch (epoch 0: a loaded model), on the set just scored (set:
 * "validation" or "test"; predictions: its count answers): stop when its
 * loss is not a number or the network answers one class (src/train_check.h). */
static void check_score(trainer *t, int epoch, set_score s, const char *set, const int *predictions, int count)
{
    double share;
    char where[64];
    snprintf(where, sizeof where, "epoch %d, the %s set", epoch, set);
    if (!loss_is_sane(s.loss))
        stop_diverged(t, where, s.loss);
    int dead = collapsed_class(predictions, count, t->net.classes, s.accuracy, &share);
    int present = classes_present(&t->data.train_labels, t->n_train);
    if (dead >= 0 && epoch > 0 && present < t->net.classes) {    /* it learned what it saw: no learning rate helps */
        printf("(the network answers %d for %.1f%% of the %s images: its %d training image%s hold%s only %d of "
               "the %d classes)\n", dead, 100 * share, set, t->n_train, t->n_train == 1 ? "" : "s",
               t->n_train == 1 ? "s" : "", present, t->net.classes);
        return;
    }
    if (dead >= 0 && epoch > 0) {
        char line[512];
        snprintf(line, sizeof line, "epoch %d: the network has died: it answers %d for %.1f%% of the %s images, "
                 "and nothing is saved. Try a lower learning rate (--lr %g)", epoch, dead, 100 * share, set,
                 safer_learning_rate(t->opt.lr, defaults.lr));
        die(t, line);
    }
}

/* Every epoch: train, then score the validation set (when there is one).
 * The test set is not looked at here. */
static void train(trainer *t)
{
    double lr = t->opt.lr, total = 0;
    printf("%d epochs of %d images, mini-batches of %d, %s lr %g (x%g per epoch)%s", t->opt.epochs, t->n_train,
           t->opt.batch, t->opt.optimizer == OPTIMIZER_ADAM ? "Adam" : "SGD with momentum", t->opt.lr, t->opt.lr_decay,
           t->opt.optimizer == OPTIMIZER_ADAM ? " (beta1 0.9, beta2 0.999)" : "");
    if (t->opt.shift > 0)
        printf(", images moved by up to %d pixel%s", t->opt.shift, t->opt.shift == 1 ? "" : "s");
    printf(", %d thread%s\n", t->opt.threads, t->opt.threads == 1 ? "" : "s");
    printf("(loss and accuracy on the training set are taken in training mode, with dropout on, as Keras prints them)\n");
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
        printf("  %6.1fs  %5.0f images/s  lr %.2g\n", seconds, t->n_train / seconds, lr);
        fflush(stdout);
        if (t->history_open)
            out_file_printf(&t->history, "%d,%.6f,%.6f,%.6f,%.6f,%.3f,%g\n", epoch, train_s.loss, train_s.accuracy,
                            val_s.loss, val_s.accuracy, seconds, lr);
        lr *= t->opt.lr_decay;
    }
    if (t->opt.epochs > 0)
        printf("training took %.1f s (%.1f min): %.0f training images/s (validation passes included)\n", total,
               total / 60, (double)t->opt.epochs * t->n_train / total);
}

/* ---------------------------------------------------------------- the lesson's steps */

static void print_scores(const char *name, const real *logits, int classes)
{
    printf("  %-24s", name);
    for (int c = 0; c < classes; c++)
        printf(" %+.4f", (double)logits[c]);
    printf("\n");
}

/* The list m on image x (1, rows, cols) with each engine, in test mode:
 * its scores printed, and their largest difference from `reference`
 * (classes) in differences[0] (direct loops) and [1] (im2col + GEMM). */
static void list_scores(const sequential *m, const real *params, const real *x, const real *reference,
                        double differences[2])
{
    static const char *names[2] = { "the list, direct loops", "the list, im2col + GEMM" };
    sequential_batch b;
    sequential_batch_alloc(m, 1, &b);
    for (int e = 0; e < 2; e++) {
        sequential_model net = { m, params, NULL, e == 0 ? ENGINE_NAIVE : ENGINE_FAST, 0, 0, 0, 0 };
        const real *logits = sequential_forward(&net, &b, x, 1, 0);
        print_scores(names[e], logits, m->classes);
        differences[e] = tensor_max_abs_diff(logits, reference, (size_t)m->classes);
    }
    sequential_batch_free(&b);
}

/* Lesson 10's network twice, from the same initial numbers: wired by hand
 * (src/convnet.c) and as the list "small", on training image 0, with both
 * of the list's engines. */
static void compare_with_lesson10(const trainer *t)
{
    const image_set *images = &t->data.train_images;
    char err[FILE_ERROR_SIZE];
    convnet_arch a;
    sequential m;
    if (convnet_arch_setup(&a, images->rows, images->cols, 16, 5, 10, err, sizeof err) != 0
        || sequential_build(&m, "small", 1, images->rows, images->cols, err, sizeof err) != 0) {
        printf("(not for %dx%d images: %s)\n", images->rows, images->cols, err);
        return;
    }
    convnet_params p;
    convnet_work w;
    convnet_params_alloc(&a, &p);
    convnet_work_alloc(&a, &w);
    real *params = tensor_alloc((size_t)m.n_params, "parameters");
    real *x = tensor_alloc((size_t)a.in_h * a.in_w, "image");                    /* (1, rows, cols) */
    rng_t by_hand = rng_seeded((uint64_t)t->opt.seed), as_list = rng_seeded((uint64_t)t->opt.seed);
    convnet_init(&a, &p, &by_hand);                  /* the same draws, in the same order */
    sequential_init(&m, params, NULL, &as_list);
    images_to_real(images, 0, 1, x);
    printf("Lesson 10 wires conv -> ReLU -> maxpool -> dense by hand (src/convnet.c). --net small is the same\n"
           "network as a list of layers, \"%s\",\n"
           "with %ld parameters (lesson 10's: %ld). From the same initial numbers, training image 0 (a %d)\n"
           "gets these ten scores (logits):\n", m.spec, m.n_params, a.n_params, t->data.train_labels.labels[0]);
    convnet_forward(&a, &p, &w, x);
    print_scores("lesson 10, by hand", w.logits, a.classes);
    double differences[2];
    list_scores(&m, params, x, w.logits, differences);
    printf("largest difference from lesson 10: %.2g with the direct loops (the same calls), %.2g with\n"
           "im2col + GEMM (the same sums added in another order: float rounding)\n", differences[0], differences[1]);
    convnet_params_free(&p);
    convnet_work_free(&w);
    free(params);
    free(x);
}

static void explain_network(const trainer *t)
{
    const sequential *m = &t->net;
    printf("%s\n\n", m->spec);
    sequential_summary(stdout, m);
    for (int i = 0; i < m->n_layers; i++) {          /* the first conv's count, explained */
        const layer *l = &m->layers[i];
        if (l->kind != LAYER_CONV)
            continue;
        printf("\nThe first convolution: %d filters of %dx%dx%d plus %d biases = %d x (%d*%d*%d + 1) = %ld "
               "parameters.\n", l->units, l->kernel, l->kernel, l->in_c, l->units, l->units, l->kernel, l->kernel,
               l->in_c, l->n_params);
        if (l->same && l->kernel % 2 == 0)
            printf("Its kernel is even, so 'same' padding cannot be split evenly: like Keras, it pads %d before\n"
                   "(top, left) and %d after (bottom, right), and %dx%d stays %dx%d (lesson 03).\n",
                   l->conv.pad_top, l->conv.pad_bottom, l->in_h, l->in_w, l->out_h, l->out_w);
        break;
    }
}

static void explain_dropout(const trainer *t)
{
    int any = 0;
    for (int i = 0; i < t->net.n_layers; i++) {
        const layer *l = &t->net.layers[i];
        if (l->kind != LAYER_DROPOUT)
            continue;
        any = 1;
        printf("layer %d, dropout %g: while training, each of its %ld numbers per image is kept with probability "
               "%g\nand then multiplied by 1/%g = %.4g, so its expected value is unchanged; at test time it passes "
               "everything.\n", i + 1, l->rate, sequential_out_size(l), 1 - l->rate, 1 - l->rate, 1 / (1 - l->rate));
    }
    if (!any)
        printf("(this network has no dropout layer)\n");
}

/* One image's probabilities in test mode (for the mistakes): the forward
 * pass gives the logits; softmax turns them into probabilities. */
static const real *probabilities(void *ctx, const real *x)
{
    trainer *t = ctx;
    t->runner.model.training = 0;
    const real *logits = sequential_forward(&t->runner.model, &t->runner.shards[0], x, 1, 0);
    softmax(logits, t->runner.shards[0].probs, t->net.classes);
    return t->runner.shards[0].probs;
}

int main(int argc, char **argv)
{
    trainer t = { 0 };
    out_file_check_stdout_at_exit(program);
    t.opt = parse_flags(argc, argv);
    if (t.opt.summary_only) {                        /* no data needed: 28x28 grey images */
        build_network(&t, 28, 28);
        explain_network(&t);
        trainer_free(&t);
        return 0;
    }
    printf("Lesson 12: a deeper network, and dropout\n"
           "========================================\n");

    lesson_step(1, "The data");
    load_data(&t);
    open_outputs(&t);

    lesson_step(2, "Lesson 10's network, as a list of layers");
    compare_with_lesson10(&t);

    lesson_step(3, "The network, as Keras's model.summary() prints it");
    build_network(&t, t.data.train_images.rows, t.data.train_images.cols);
    build_engine(&t);
    explain_network(&t);

    lesson_step(4, "Dropout");
    explain_dropout(&t);

    lesson_step(5, "The loss before the first step");
    int n = t.n_train < SANITY_IMAGES ? t.n_train : SANITY_IMAGES;
    set_score first = evaluate(&t, &t.data.train_images, &t.data.train_labels, t.order, n, NULL);
    if (!loss_is_sane(first.loss))
        stop_diverged(&t, "before any step", first.loss);
    printf("mean loss on the first %d training images: %.4f (ln(10) = %.4f: each digit starts near 1/10)\n", n,
           first.loss, log(10.0));

    lesson_step(6, "Training");
    train(&t);

    lesson_step(7, "The test set");
    set_score test = test_score(&t);                 /* once, after every choice is made */
    check_score(&t, t.opt.epochs, test, "test", t.test_predictions, t.data.test_images.count);
    printf("Test loss: %.4f\nTest accuracy: %.4f\n", test.loss, test.accuracy);
    print_confusion(stdout, &t.data.test_labels, t.test_predictions, t.net.classes, &t.data.classes);
    show_mistakes(stdout, &t.data.test_images, &t.data.test_labels, t.test_predictions, t.net.classes, &t.data.classes,
                  SHOW_MISTAKES, probabilities, &t, t.x);
    save_outputs(&t);
    trainer_free(&t);
    printf("\nNext: lesson 13, batch normalisation (notes/13_batchnorm.md; build/lessons/13_batchnorm).\n");
    return 0;
}
