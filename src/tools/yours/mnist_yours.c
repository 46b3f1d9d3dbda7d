/* mnist_yours: lesson 10's network trained with YOUR functions from the
 * solved exercises (make mnist EX=NN or EX=all; tests/mnist_yours.sh builds
 * this file with your exercises compiled in).
 *
 * The same network, initialisation (convnet_init), shuffling and optimiser
 * (mini-batch SGD with momentum, the learning rate shrinking every epoch)
 * as build/lessons/10_mnist, one image at a time, in double, on one thread,
 * without moving the images (lesson 10's --shift 0): small and slow, but
 * every layer call goes through layers.h's table, whose rows are yours or
 * the library's. Built with EX=none it is the library alone, the
 * reference to compare with.
 *
 * As lesson 10, it holds out the last 5,000 training images (--validation
 * N; a twelfth of a smaller set), scores them after every epoch, and scores
 * the test set once, at the end. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "convnet.h"
#include "flags.h"
#include "layers.h"
#include "mnist.h"
#include "rng.h"
#include "tensor.h"

#define CLASSES 10

typedef struct {
    int epochs, batch, filters, kernel, limit, validation;
    long seed;
    double lr, lr_decay, momentum;
    const char *data;
} options;

typedef struct {
    convnet_arch arch;
    convnet_params params, grad, velocity;
    convnet_work work;
    real *x;
    layer_table layers;
} net;

static const char *program = "mnist_yours";

static options parse(int argc, char **argv)
{
    options o = { 2, 32, 16, 5, 0, VALIDATION_DEFAULT, 1, 0.05, 0.6, 0.9, "data/mnist" };
    const flag_spec specs[] = {
        FLAG_TEXT("--data", &o.data, "DIR", "the four MNIST IDX files"),
        FLAG_INT("--epochs", &o.epochs, 1, 100, "N", "passes over the training set"),
        FLAG_INT("--batch", &o.batch, 1, 100000, "N", "images per mini-batch"),
        FLAG_REAL("--lr", &o.lr, 0, 1e9, 1, "X", "learning rate"),
        FLAG_REAL("--lr-decay", &o.lr_decay, 0, 1, 1, "X", "multiply the learning rate by X after every epoch"),
        FLAG_REAL("--momentum", &o.momentum, 0, 0.999, 0, "X", "momentum"),
        FLAG_INT("--filters", &o.filters, 1, 1024, "N", "convolution filters"),
        FLAG_INT("--kernel", &o.kernel, 1, 99, "N", "filter size N x N, odd"),
        FLAG_LONG("--seed", &o.seed, 0, 2000000000L, "N", "seed of the initial weights and the shuffling"),
        FLAG_INT("--limit", &o.limit, 1, 2000000000, "N", "train on the first N training images only"),
        FLAG_INT("--validation", &o.validation, 0, 2000000000, "N", "hold out the last N training images to score "
                 "each epoch on (default: 5000; a twelfth of a set smaller than 60,000; 0: none)"),
    };
    flag_set set = { program, "mnist_yours [flags]   (make mnist EX=NN ARGS=\"...\")", specs,
                     (int)(sizeof specs / sizeof specs[0]), 0 };
    flags_parse_or_exit(&set, argc, argv, NULL, NULL);
    return o;
}

/* Forward one image through the table's rows; returns the loss -ln p_label. */
static double forward(net *n, int label)
{
    const convnet_arch *a = &n->arch;
    convnet_work *w = &n->work;
    long maps = (long)a->filters * a->conv.out_h * a->conv.out_w;
    n->layers.conv_forward(a, n->x, n->params.conv_w, n->params.conv_b, w->conv);
    n->layers.relu_forward(w->conv, w->relu, (int)maps);
    n->layers.pool_forward(a, w->relu, w->pool, w->argmax);
    n->layers.dense_forward(w->pool, n->params.dense_w, n->params.dense_b, w->logits, a->flat, a->classes);
    double m = w->logits[0], sum = 0;
    for (int c = 1; c < a->classes; c++)
        m = fmax(m, w->logits[c]);
    for (int c = 0; c < a->classes; c++)
        sum += exp(w->logits[c] - m);
    return m + log(sum) - w->logits[label];
}

/* Backward the last forward pass, ADDING the gradients into n->grad. */
static void backward(net *n, int label)
{
    const convnet_arch *a = &n->arch;
    convnet_work *w = &n->work;
    long maps = (long)a->filters * a->conv.out_h * a->conv.out_w;
    n->layers.softmax_ce_backward(w->logits, label, w->d_logits, a->classes);
    n->layers.dense_backward(w->pool, n->params.dense_w, w->d_logits, n->grad.dense_w, n->grad.dense_b, w->d_pool,
                             a->flat, a->classes);
    n->layers.pool_backward(a, w->d_pool, w->argmax, w->d_relu);
    n->layers.relu_backward(w->conv, w->d_relu, w->d_conv, (int)maps);
    n->layers.conv_backward(a, n->x, n->params.conv_w, w->d_conv, n->grad.conv_w, n->grad.conv_b);
}

static int predicted(const net *n)
{
    int best = 0;
    for (int c = 1; c < n->arch.classes; c++)
        best = n->work.logits[c] > n->work.logits[best] ? c : best;
    return best;
}

/* Mean loss and accuracy on images first .. first + count - 1 of a set. */
static void evaluate(net *n, const image_set *images, const label_set *labels, int first, int count, double *loss,
                     double *acc)
{
    long correct = 0;
    *loss = 0;
    for (int i = first; i < first + count; i++) {
        images_to_real(images, i, 1, n->x);
        *loss += forward(n, labels->labels[i]);
        correct += predicted(n) == labels->labels[i];
    }
    *loss /= count;
    *acc = (double)correct / count;
}

static void train_epoch(net *n, const options *o, const mnist_data *d, int *order, int n_train, double lr, rng_t *rng)
{
    long np = n->arch.n_params;
    rng_shuffle(rng, order, n_train);
    for (int first = 0; first < n_train; first += o->batch) {
        int count = n_train - first < o->batch ? n_train - first : o->batch;
        tensor_fill(n->grad.all, (size_t)np, 0);
        for (int i = first; i < first + count; i++) {
            images_to_real(&d->train_images, order[i], 1, n->x);
            forward(n, d->train_labels.labels[order[i]]);
            backward(n, d->train_labels.labels[order[i]]);
        }
        for (long k = 0; k < np; k++)          /* the batch's gradient is the mean over its images */
            n->grad.all[k] /= count;
        n->layers.momentum_step(n->params.all, n->grad.all, n->velocity.all, np, (real)lr, (real)o->momentum);
    }
}

static void free_net(net *n)
{
    convnet_params_free(&n->params);
    convnet_params_free(&n->grad);
    convnet_params_free(&n->velocity);
    convnet_work_free(&n->work);
    free(n->x);
}

int main(int argc, char **argv)
{
    options o = parse(argc, argv);
    char err[512];
    mnist_data d;
    if (mnist_load(o.data, &d, err, sizeof err) != 0) {
        fprintf(stderr, "%s: %s\n", program, err);   /* a missing file: mnist_load says make data */
        return 1;
    }
    int n_val = validation_count(d.train_images.count, o.validation, err, sizeof err);   /* src/mnist.h */
    if (n_val < 0) {
        fprintf(stderr, "%s: %s\n", program, err);
        mnist_free(&d);
        return 1;
    }
    net n = { .layers = your_layers() };
    if (convnet_arch_setup(&n.arch, d.train_images.rows, d.train_images.cols, o.filters, o.kernel, CLASSES, err,
                           sizeof err) != 0) {
        fprintf(stderr, "%s: --filters %d --kernel %d: %s\n", program, o.filters, o.kernel, err);
        mnist_free(&d);
        return 1;
    }
    static const char *rows[7] = { "conv forward", "conv backward", "ReLU", "max pooling", "dense", "softmax gradient",
                                   "momentum step" };
    printf("Lesson 10's network, trained with these functions (one image at a time, in double):\n");
    for (int r = 0; r < 7; r++)
        printf("  %-17s %s\n", rows[r], n.layers.owner[r]);
    rng_t rng = rng_seeded((uint64_t)o.seed);
    convnet_params_alloc(&n.arch, &n.params);
    convnet_params_alloc(&n.arch, &n.grad);
    convnet_params_alloc(&n.arch, &n.velocity);
    convnet_work_alloc(&n.arch, &n.work);
    convnet_init(&n.arch, &n.params, &rng);
    n.x = tensor_alloc((size_t)n.arch.in_h * n.arch.in_w, "image");
    int first_val = d.train_images.count - n_val, n_train = first_val;
    if (o.limit > 0 && o.limit < n_train)
        n_train = o.limit;
    if (n_val > 0)
        printf("validation: the last %d training images held out; the test images are scored once, at the end\n",
               n_val);
    int *order = checked_calloc((size_t)n_train, sizeof(int), "order");
    for (int i = 0; i < n_train; i++)
        order[i] = i;
    double lr = o.lr, loss, acc;
    for (int epoch = 1; epoch <= o.epochs; epoch++, lr *= o.lr_decay) {
        train_epoch(&n, &o, &d, order, n_train, lr, &rng);
        printf("Epoch %d/%d  %d training images", epoch, o.epochs, n_train);
        if (n_val > 0) {
            evaluate(&n, &d.train_images, &d.train_labels, first_val, n_val, &loss, &acc);
            printf("  validation_loss %.4f  validation_accuracy %.4f", loss, acc);
        }
        printf("\n");
        fflush(stdout);
    }
    evaluate(&n, &d.test_images, &d.test_labels, 0, d.test_images.count, &loss, &acc);   /* once */
    printf("Test loss: %.4f\nTest accuracy: %.4f\n", loss, acc);
    free(order);
    free_net(&n);
    mnist_free(&d);
    return 0;
}
