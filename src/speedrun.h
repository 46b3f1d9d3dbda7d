/* speedrun.h: training fast (lesson 16): the ingredients of a recipe that
 * reaches 99.4% on MNIST in a minute on two cores, each one a small
 * function, and a trainer that switches each of them on or off.
 *
 *   one-cycle schedule (Smith & Topin 2019; Smith 2017's triangular
 *   cycle): the learning rate rises linearly from 0 to its peak over the
 *   first steps (the warm-up), then falls linearly back to 0, step by step:
 *
 *       lr(t) = peak * t / W                     t <  W   (t = 0, 1, ..., T-1)
 *       lr(t) = peak * (T - t) / (T - W)         t >= W
 *
 *   label smoothing (Szegedy et al. 2016, "Rethinking the Inception
 *   Architecture", section 7): the target is not the one-hot vector but
 *
 *       q_k = (1 - eps) [k = label] + eps / K,   L = -sum_k q_k ln p_k,
 *       dL/dz_k = p_k - q_k                      (p = softmax(z), K classes)
 *
 *   an average of the weights (Polyak & Juditsky 1992; the exponential
 *   form, as in airbench, Jordan 2024): after every step
 *
 *       avg <- d * avg + (1 - d) * w,
 *
 *   and the test uses avg. Nesterov's momentum (Sutskever et al. 2013, in
 *   PyTorch's form): v <- mu v + g;  w <- w - lr (g + mu v).
 *
 *   test-time augmentation: the probabilities of the image and of its
 *   copies moved by one pixel, averaged, and the largest of the mean taken.
 *
 * The network is any src/sequential.h list; the trainer is lesson 12's
 * loop (src/fit.c) with the learning rate set at every step. */
#ifndef SPEEDRUN_H
#define SPEEDRUN_H

#include <stdint.h>

#include "mnist.h"
#include "real.h"
#include "sequential.h"

/* ---------------------------------------------------------------- the ingredients */

/* The one-cycle learning rate of step t (0-based) of T steps, the first W
 * of them (0 <= W < T) warming up: the formula above; 0 outside 0 .. T-1. */
double one_cycle_lr(long t, long T, long W, double peak);

/* Softmax cross-entropy with label smoothing eps (0 <= eps < 1) for a batch
 * of n rows of logits z (n, classes) with labels (n): p (n, classes) is
 * OVERWRITTEN with each row's softmax, dz (n, classes) with p - q (may be
 * NULL); returns the SUM of the n losses -sum_k q_k ln p_k. eps = 0 is
 * softmax_cross_entropy_batch (src/loss.h). */
double smoothed_cross_entropy_batch(int n, const real *z, const int *labels, real eps, real *p, real *dz,
                                    int classes);

/* avg (n) <- decay * avg + (1 - decay) * w (n). */
void ema_update(real *avg, const real *w, long n, real decay);

/* Nesterov's momentum, PyTorch's form: velocity (n) <- momentum * velocity
 * + g; w (n) -= lr * (g + momentum * velocity). momentum 0: plain SGD. */
void nesterov_step(real *w, const real *g, real *velocity, long n, real lr, real momentum);

/* The left-right mirror (a horizontal flip) of images: each of the n images
 * x (n, rows, cols) whose flip[i] is nonzero is OVERWRITTEN with its mirror,
 * x[i][r][c] <-> x[i][r][cols-1-c]; the others are left as they are
 * (flip NULL: all n). A valid augmentation only where a class's mirror image
 * is the same class: clothes (Fashion-MNIST), not digits. */
void mirror_images(real *x, int n, int rows, int cols, const unsigned char *flip);

/* ---------------------------------------------------------------- a recipe */

enum { SPEED_SGD, SPEED_NESTEROV, SPEED_ADAM };
enum { SCHEDULE_STEP_DECAY, SCHEDULE_ONE_CYCLE };

typedef struct {
    const char *net;         /* a src/sequential.h spec or preset                                   */
    int epochs, batch;
    int optimizer;           /* SPEED_SGD (momentum), SPEED_NESTEROV, SPEED_ADAM                    */
    double lr;               /* the peak (one-cycle) or the first (step decay) learning rate         */
    double lr_decay;         /* step decay: multiply by this after every epoch                      */
    int schedule;            /* SCHEDULE_STEP_DECAY or SCHEDULE_ONE_CYCLE                           */
    double warmup;           /* one-cycle: the fraction of the steps that warm up                   */
    double momentum;         /* SGD's and Nesterov's                                                */
    double weight_decay;     /* L2, lambda w added to the gradient of every parameter (gamma, beta too) */
    double smoothing;        /* label smoothing eps (0: none)                                       */
    int shift;               /* training images moved by up to this many pixels (0: none)           */
    double ema;              /* the average's decay d per step (0: no average); the test then uses
                              * the average with the running statistics of the trained weights    */
    int tta;                 /* 1: the test averages the image and its four one-pixel moves (5 views);
                              * 2: and the four diagonal ones (9 views); 0: the image alone       */
    int threads;
    int flip;                /* 1: each training image mirrored left-right with probability 1/2, drawn
                              * every epoch; test-time augmentation then adds the five views' mirrors */
} speed_recipe;

/* The views test-time augmentation level tta averages (mirrors not counted):
 * 1 for 0, 5 for 1 (the image and its moves by one pixel left, right, up,
 * down), 9 for 2 (and the four diagonal moves). */
int speed_tta_moves(int tta);

/* What one run gives. */
typedef struct {
    double val_accuracy;     /* on the held-out images (NAN without)                               */
    double test_accuracy;    /* on the test set (NAN when test_images is NULL)                      */
    int *test_predictions;   /* (test images) each one's answer, the ones test_accuracy counts (for the
                              * confusion matrix): allocated, free it; NULL when test_images is NULL */
    double train_wall;       /* seconds of training, wall clock (scoring passes excluded)           */
    double train_cpu;        /* seconds of training, processor time of all threads (ISO C clock();
                              * Microsoft's C library returns wall-clock time there instead)      */
    long steps;
} speed_result;

/* Called after every epoch (may be NULL): the epoch (1-based), the training
 * seconds so far (wall) and the accuracy on the held-out images (NAN when
 * there are none), scored in test mode with what the test would use. */
typedef void (*speed_epoch_fn)(void *ctx, int epoch, double seconds, double val_accuracy);

/* Train recipe r's network from seed on images 0 .. n_train-1 of train,
 * score the held-out images val_order (n_val, may be 0) after every epoch
 * only when on_epoch is not NULL, and at the end; then the test set once
 * (test_images NULL: not scored). Returns 0 and fills *out, or -1 with one
 * line in err (a bad spec, a loss that is not a number). */
int speed_train(const speed_recipe *r, uint64_t seed, const image_set *train, const label_set *train_labels,
                int n_train, const int *val_order, int n_val, const image_set *test_images,
                const label_set *test_labels, speed_epoch_fn on_epoch, void *ctx, speed_result *out, char *err,
                size_t err_size);

#endif
