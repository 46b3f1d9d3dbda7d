/* Lesson 09: gradient descent and optimisers.
 *
 * Intro to CNN's update rule, new_parameter = old_parameter - (learning_rate *
 * gradient_of_parameter), first on the one-parameter loss L(a) = (a - 3)^2
 * with four learning rates (too small, about right, oscillating, diverging)
 * and the reason: the curvature. Then a real problem: recover a hidden 3x3
 * edge filter from 32 images and their filtered versions, by gradient descent
 * on the mean squared error, with the gradient from conv2d_backward (checked
 * against central differences). Four optimisers race on the same budget of
 * gradient evaluations: full-batch gradient descent, mini-batch SGD, SGD with
 * momentum and Adam (Gonzalez: "SGD and Adaptive Moment Estimation").
 *
 * Run: build/lessons/09_optimisers [--step] [--plot-data FILE]
 * Notes: notes/09_optimisers.md.  Optimisers: src/optim.h.  Plot: make plots. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "conv.h"        /* conv2d_shape, conv2d_setup, conv2d_forward, conv2d_backward */
#include "file_error.h"  /* FILE_ERROR_SIZE */
#include "gradcheck.h"   /* gradcheck_result, gradcheck_tensor, GRADCHECK_STEP, gradcheck_print */
#include "lesson.h"      /* lesson_step, lesson_start, lesson_plot_data_path */
#include "optim.h"       /* adam_config, adam_defaults, sgd_step, sgd_momentum_step, adam_step */
#include "out_file.h"    /* out_file, out_file_open, out_file_printf, out_file_commit */
#include "rng.h"         /* rng_t, rng_uniform, rng_seeded, rng_normal, rng_shuffle */
#include "tensor.h"      /* tensor_fill, tensor_copy, tensor_print_2d */

/* ------------------------------------------------------------ part 1: one parameter */

#define A_MIN 3.0          /* a1 in Intro to CNN's picture: where the loss is smallest */
#define A_START 0.0        /* a2: where the random initialisation put us */
#define CURVATURE 2.0      /* L''(a) for L(a) = (a - 3)^2 */
#define QUAD_STEPS 10
#define N_RATES 4

static double quad_loss(double a) { return (a - A_MIN) * (a - A_MIN); }
static double quad_grad(double a) { return 2 * (a - A_MIN); }   /* dL/da */

static const double quad_rates[N_RATES] = { 0.05, 0.3, 0.8, 1.1 };
static const char *const quad_labels[N_RATES] = { "too small", "about right", "oscillates", "diverges" };

static void print_quadratic_table(void)
{
    double a[N_RATES];
    printf("%4s", "step");
    for (int r = 0; r < N_RATES; r++)
        printf(" | lr %-4g %11s", quad_rates[r], quad_labels[r]);
    printf("\n%4s", "");
    for (int r = 0; r < N_RATES; r++) {
        printf(" | %8s %9s", "a", "L(a)");
        a[r] = A_START;
    }
    printf("\n");
    for (int step = 0; step <= QUAD_STEPS; step++) {
        printf("%4d", step);
        for (int r = 0; r < N_RATES; r++)
            printf(" | %8.4f %9.4f", a[r], quad_loss(a[r]));
        printf("\n");
        for (int r = 0; r < N_RATES; r++)
            a[r] = a[r] - quad_rates[r] * quad_grad(a[r]);   /* Intro to CNN's rule */
    }
}

/* ------------------------------------------------------------ part 2: learn a filter */

#define N_IMAGES 32
#define IMG 8                      /* each image is IMG x IMG, one channel */
#define K 3                        /* the filter is K x K */
#define OUT (IMG - K + 1)          /* 6: valid convolution, stride 1 */
#define N_W (K * K)                /* 9 weights to learn */
#define EPOCHS 20
#define MINI_BATCH 4
#define MOMENTUM 0.9
#define EXAMPLE_LR 0.8               /* a learning rate just under 2 / lambda_max */
#define N_GRID 7

#define DATA_SEED 9
#define INIT_SEED 90
#define SHUFFLE_SEED 900

static const real true_filter[N_W] = {   /* (3, 3): the Sobel vertical-edge detector */
    1, 0, -1,
    2, 0, -2,
    1, 0, -1,
};

static conv2d_shape shape;                      /* 1 channel 8x8 in, 1 filter 3x3, out 6x6 */
static real images[N_IMAGES][IMG * IMG];        /* X: (32, 1, 8, 8) */
static real targets[N_IMAGES][OUT * OUT];       /* T: (32, 1, 6, 6) = conv(X, true_filter) */
static real start_filter[N_W];                  /* (3, 3): the random start, shared by all */

/* A smooth random image: uniform noise on a 9x9 grid, each pixel the mean
 * of a 2x2 block, so neighbouring pixels are alike, as in photographs. */
static void make_smooth_image(rng_t *rng, real *img /* (8, 8) */)
{
    double noise[(IMG + 1) * (IMG + 1)];
    for (int i = 0; i < (IMG + 1) * (IMG + 1); i++)
        noise[i] = rng_uniform(rng);
    for (int y = 0; y < IMG; y++)
        for (int x = 0; x < IMG; x++)
            img[y * IMG + x] = (real)((noise[y * (IMG + 1) + x] + noise[y * (IMG + 1) + x + 1] +
                                       noise[(y + 1) * (IMG + 1) + x] + noise[(y + 1) * (IMG + 1) + x + 1]) / 4);
}

static void make_task(void)
{
    rng_t data_rng = rng_seeded(DATA_SEED), init_rng = rng_seeded(INIT_SEED);
    real no_bias = 0;
    conv2d_setup(&shape, 1, IMG, IMG, 1, K, 1, 0);
    for (int i = 0; i < N_IMAGES; i++) {
        make_smooth_image(&data_rng, images[i]);
        conv2d_forward(&shape, images[i], true_filter, &no_bias, targets[i]);
    }
    for (int i = 0; i < N_W; i++)
        start_filter[i] = (real)(round(50 * rng_normal(&init_rng)) / 100);   /* N(0, 0.5^2), 2 decimals */
}

/* The loss on the images idx[0..count) (all of them when idx is NULL):
 *     L(W) = 1/M sum_{images, pixels} (Y - T)^2 / 2,  M = count * 36 outputs,
 * the mean of Intro to CNN's E = (y' - O)^2 / 2. When grad is not NULL it gets
 * dL/dW (3, 3), overwritten. The bias is fixed at 0 and not learned. */
static double batch_loss(const real *w, const int *idx, int count, real *grad)
{
    real y[OUT * OUT], dy[OUT * OUT], db = 0, no_bias = 0;
    const int m = count * OUT * OUT;
    double loss = 0;
    if (grad)
        tensor_fill(grad, N_W, 0);
    for (int k = 0; k < count; k++) {
        int i = idx ? idx[k] : k;
        conv2d_forward(&shape, images[i], w, &no_bias, y);       /* Y = conv(X, W)        */
        for (int p = 0; p < OUT * OUT; p++) {
            double err = y[p] - targets[i][p];
            loss += err * err / 2;                                /* L = sum (Y - T)^2 / 2M */
            dy[p] = (real)(err / m);                              /* dL/dY = (Y - T) / M    */
        }
        if (grad)                                                 /* dL/dW += conv(X, dL/dY) */
            conv2d_backward(&shape, images[i], w, dy, grad, &db, NULL);
    }
    return loss / m;
}

static double full_loss(const real *w) { return batch_loss(w, NULL, N_IMAGES, NULL); }

static double distance_to_truth(const real *w)   /* Euclidean norm of W - W_true */
{
    double sum = 0;
    for (int i = 0; i < N_W; i++)
        sum += (double)(w[i] - true_filter[i]) * (w[i] - true_filter[i]);
    return sqrt(sum);
}

/* For the gradient check: the full-data loss at the filter in ctx. */
static double loss_of_filter(void *ctx) { return full_loss((const real *)ctx); }

/* ------------------------------------------------------------ the curvature of this loss */

/* L(W) is a quadratic in the 9 weights: L = 1/2M sum_patches (W.p - t)^2, so
 * its Hessian (the curvature in every direction) is H = 1/M sum_patches p p^T. */
static void filter_hessian(double hess[N_W][N_W])
{
    memset(hess, 0, sizeof(double) * N_W * N_W);
    const double m = N_IMAGES * OUT * OUT;
    for (int i = 0; i < N_IMAGES; i++)
        for (int oy = 0; oy < OUT; oy++)
            for (int ox = 0; ox < OUT; ox++) {
                double patch[N_W];   /* the 3x3 window under output (oy, ox) */
                for (int t = 0; t < N_W; t++)
                    patch[t] = images[i][(oy + t / K) * IMG + ox + t % K];
                for (int a = 0; a < N_W; a++)
                    for (int b = 0; b < N_W; b++)
                        hess[a][b] += patch[a] * patch[b] / m;
            }
}

/* The largest eigenvalue of A = shift I - sign H by power iteration (v <- A v,
 * normalised, until it settles); direction (9) gets its unit eigenvector.
 * With shift 0, sign -1 it is lambda_max of H; with shift lambda_max, sign +1
 * it is lambda_max - lambda_min, and the direction is H's flattest. */
static double power_iteration(double hess[N_W][N_W], double shift, double sign, real *direction)
{
    double v[N_W], u[N_W], norm = 0;
    for (int i = 0; i < N_W; i++)
        v[i] = 1 + 0.1 * i;
    for (int iter = 0; iter < 20000; iter++) {
        norm = 0;
        for (int i = 0; i < N_W; i++) {
            u[i] = shift * v[i];
            for (int j = 0; j < N_W; j++)
                u[i] -= sign * hess[i][j] * v[j];
            norm += u[i] * u[i];
        }
        norm = sqrt(norm);
        for (int i = 0; i < N_W; i++)
            v[i] = u[i] / norm;
    }
    for (int i = 0; i < N_W; i++)
        direction[i] = (real)v[i];
    return norm;
}

/* ------------------------------------------------------------ the optimisers */

enum { GD, SGD, MOMENTUM_SGD, ADAM, N_OPT };
static const char *const opt_names[N_OPT] = { "gradient descent", "SGD", "SGD + momentum", "Adam" };
static const char *const opt_columns[N_OPT] = { "gd", "sgd", "momentum", "adam" };
static const int opt_batch[N_OPT] = { N_IMAGES, MINI_BATCH, MINI_BATCH, MINI_BATCH };
static const double lr_grid[N_GRID] = { 0.025, 0.05, 0.1, 0.2, 0.4, 0.8, 1.6 };

/* Train a copy of start_filter for EPOCHS passes over the data with
 * optimiser `opt` and learning rate lr. w (9) gets the result; history
 * (EPOCHS + 1), when not NULL, the full-data loss after each epoch.
 * Every optimiser sees the images in the same shuffled order. */
static double train(int opt, double lr, real *w, double *history)
{
    real grad[N_W], velocity[N_W] = { 0 }, m[N_W] = { 0 }, v[N_W] = { 0 };
    adam_config adam = adam_defaults((real)lr);
    rng_t shuffle_rng = rng_seeded(SHUFFLE_SEED);
    int order[N_IMAGES], t = 0;
    for (int i = 0; i < N_IMAGES; i++)
        order[i] = i;
    tensor_copy(w, start_filter, N_W);
    if (history)
        history[0] = full_loss(w);
    for (int epoch = 1; epoch <= EPOCHS; epoch++) {
        rng_shuffle(&shuffle_rng, order, N_IMAGES);
        for (int first = 0; first < N_IMAGES; first += opt_batch[opt]) {
            batch_loss(w, order + first, opt_batch[opt], grad);
            t++;
            if (opt == GD || opt == SGD)
                sgd_step(w, grad, N_W, (real)lr);
            else if (opt == MOMENTUM_SGD)
                sgd_momentum_step(w, grad, velocity, N_W, (real)lr, (real)MOMENTUM);
            else
                adam_step(w, grad, m, v, N_W, &adam, t);
        }
        if (history)
            history[epoch] = full_loss(w);
    }
    double final = full_loss(w);
    return isfinite(final) ? final : INFINITY;
}

/* Each optimiser's final loss for every learning rate in the grid; best[o]
 * gets the index of the lowest. */
static void sweep_learning_rates(int best[N_OPT])
{
    double final[N_OPT][N_GRID];
    real w[N_W];
    for (int o = 0; o < N_OPT; o++) {
        best[o] = 0;
        for (int g = 0; g < N_GRID; g++) {
            final[o][g] = train(o, lr_grid[g], w, NULL);
            if (final[o][g] < final[o][best[o]])
                best[o] = g;
        }
    }
    printf("%6s", "lr");
    for (int o = 0; o < N_OPT; o++)
        printf(" %17s", opt_names[o]);
    printf("\n");
    for (int g = 0; g < N_GRID; g++) {
        printf("%6g", lr_grid[g]);
        for (int o = 0; o < N_OPT; o++) {
            char cell[32];
            if (isfinite(final[o][g]) && final[o][g] < 1e6)
                snprintf(cell, sizeof cell, "%s%.2e", g == best[o] ? "* " : "", final[o][g]);
            else
                snprintf(cell, sizeof cell, "diverged");
            printf(" %17s", cell);
        }
        printf("\n");
    }
}

/* A 3x3 matrix under its title, with the given number of decimals. */
static void print_3x3(const char *title, const real *m, int decimals)
{
    printf("%s\n", title);
    for (int row = 0; row < K; row++)
        printf("  [ %*.*f %*.*f %*.*f ]\n", decimals + 4, decimals, (double)m[row * K],
               decimals + 4, decimals, (double)m[row * K + 1], decimals + 4, decimals, (double)m[row * K + 2]);
}

static void print_update_rules(void)
{
    printf("  gradient descent  W <- W - lr * g,  g = dL/dW over all 32 images (1 update an epoch)\n"
           "  SGD               the same rule, g over a random mini-batch of %d (8 updates an epoch)\n"
           "  SGD + momentum    v <- %.1f v + g;  W <- W - lr * v            (mini-batches of %d)\n"
           "  Adam              m <- 0.9 m + 0.1 g;  v <- 0.999 v + 0.001 g^2\n"
           "                    W <- W - lr * (m / (1 - 0.9^t)) / (sqrt(v / (1 - 0.999^t)) + 1e-8)\n",
           MINI_BATCH, MOMENTUM, MINI_BATCH);
}

/* Adam's first step on g = (0.5, -2, 0.001) with lr 0.1, with and without
 * the bias correction, next to a plain SGD step. */
static void show_adam_first_step(void)
{
    const real g[3] = { 0.5, -2, 0.001 };
    real w[3] = { 0, 0, 0 }, m[3] = { 0 }, v[3] = { 0 };
    adam_config c = adam_defaults((real)0.1);
    adam_step(w, g, m, v, 3, &c, 1);
    printf("%10s %14s %18s %14s\n", "g", "SGD: -lr*g", "Adam (corrected)", "uncorrected");
    for (int i = 0; i < 3; i++) {
        double raw = -(double)c.lr * m[i] / (sqrt((double)v[i]) + (double)c.eps);   /* m, v not divided */
        printf("%10g %14g %18.6f %14.6f\n", (double)g[i], -0.1 * (double)g[i], (double)w[i], raw);
    }
}

static void print_race_table(double history[N_OPT][EPOCHS + 1])
{
    static const int shown[] = { 0, 1, 2, 5, 10, 20 };
    printf("%-18s", "loss after epoch");
    for (size_t k = 0; k < sizeof shown / sizeof shown[0]; k++)
        printf(" %9d", shown[k]);
    printf("\n");
    for (int o = 0; o < N_OPT; o++) {
        printf("%-18s", opt_names[o]);
        for (size_t k = 0; k < sizeof shown / sizeof shown[0]; k++)
            printf(" %9.2e", history[o][shown[k]]);
        printf("\n");
    }
}

static void print_final_table(const int best[N_OPT], double history[N_OPT][EPOCHS + 1],
                              real filters[N_OPT][N_W])
{
    printf("%-18s %5s %5s %7s %14s %11s %14s\n", "optimiser", "batch", "lr", "updates",
           "image-grads", "final loss", "|W - W_true|");
    for (int o = 0; o < N_OPT; o++)
        printf("%-18s %5d %5g %7d %14d %11.2e %14.2e\n", opt_names[o], opt_batch[o], lr_grid[best[o]],
               EPOCHS * N_IMAGES / opt_batch[o], EPOCHS * N_IMAGES, history[o][EPOCHS],
               distance_to_truth(filters[o]));
}

/* Three 3x3 filters side by side under their names. */
static void print_three_filters(const char *const names[3], const real *const f[3])
{
    printf("   %-24s   %-24s   %s\n", names[0], names[1], names[2]);
    for (int row = 0; row < K; row++) {
        for (int k = 0; k < 3; k++) {
            printf("%s", k ? "   " : "");
            for (int col = 0; col < K; col++)
                printf("%8.3f", (double)f[k][row * K + col]);
        }
        printf("\n");
    }
}

static void print_filters_side_by_side(real filters[N_OPT][N_W])
{
    const char *const first_names[3] = { "true (Sobel)", "start (random)", opt_names[GD] };
    const real *const first[3] = { true_filter, start_filter, filters[GD] };
    const char *const last_names[3] = { opt_names[SGD], opt_names[MOMENTUM_SGD], opt_names[ADAM] };
    const real *const last[3] = { filters[SGD], filters[MOMENTUM_SGD], filters[ADAM] };
    print_three_filters(first_names, first);
    printf("\n");
    print_three_filters(last_names, last);
}

/* Returns 0, or 1 after one line on stderr naming the file and the reason. */
static int write_plot_data(const char *path, double history[N_OPT][EPOCHS + 1])
{
    out_file f;                          /* src/out_file.h: every write checked */
    char err[FILE_ERROR_SIZE];
    if (out_file_open(&f, path, err, sizeof err) != 0) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    out_file_printf(&f, "# epoch image_gradients");
    for (int o = 0; o < N_OPT; o++)
        out_file_printf(&f, " %s", opt_columns[o]);
    out_file_printf(&f, "\n");
    for (int e = 0; e <= EPOCHS; e++) {
        out_file_printf(&f, "%d %d", e, e * N_IMAGES);
        for (int o = 0; o < N_OPT; o++)
            out_file_printf(&f, " %.6e", history[o][e]);
        out_file_printf(&f, "\n");
    }
    if (out_file_commit(&f, err, sizeof err) != 0) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    printf("plot data (loss per epoch, one column per optimiser) written to %s\n", path);
    return 0;
}

/* Steps 1-3: Intro to CNN's rule on the parabola, and why the learning rate matters. */
static void show_parabola(void)
{
    lesson_step(1, "The update rule (Intro to CNN)");
    printf("new_parameter = old_parameter - (learning_rate * gradient_of_parameter)\n"
           "Intro to CNN draws a loss curve with its minimum at a1 and the random start at a2.\n"
           "Take L(a) = (a - 3)^2: minimum a1 = %g, start a2 = %g, gradient dL/da = 2 (a - 3).\n"
           "At a2 the slope is %g (negative), so the rule increases a, towards a1.\n",
           A_MIN, A_START, quad_grad(A_START));

    lesson_step(2, "Four learning rates, ten steps each");
    print_quadratic_table();

    lesson_step(3, "Why: the learning rate against the curvature");
    printf("One step moves a - 3 to (a - 3) - lr * 2 (a - 3) = (1 - lr * c) (a - 3), with the\n"
           "curvature c = L''(a) = %g. The distance to the minimum is multiplied by 1 - lr * c:\n",
           CURVATURE);
    for (int r = 0; r < N_RATES; r++)
        printf("  lr %-4g  1 - lr * c = %5.2f  %s\n", quad_rates[r], 1 - quad_rates[r] * CURVATURE,
               quad_rates[r] * CURVATURE < 1   ? "between 0 and 1: a creeps up to 3 from one side"
               : quad_rates[r] * CURVATURE < 2 ? "between -1 and 0: a jumps over 3 each step, but closer"
                                               : "below -1: each jump lands further away: divergence");
    printf("lr < 1/c = %g approaches without overshooting, lr = 1/c lands on a = 3 in one step,\n"
           "1/c < lr < 2/c = %g oscillates and still converges, lr > 2/c diverges.\n",
           1 / CURVATURE, 2 / CURVATURE);
}

/* Step 4: the data, the hidden filter and the random start. */
static void show_filter_task(void)
{
    lesson_step(4, "A real problem: recover a hidden 3x3 filter");
    printf("%d smooth random images (8x8, pixels in [0, 1]); each target is the image\n"
           "convolved with a hidden filter (the library's conv2d_forward, 6x6 out).\n"
           "We start from a random filter and minimise the mean squared error\n"
           "L(W) = 1/M sum (conv(X, W) - T)^2 / 2 over all M = %d output pixels.\n",
           N_IMAGES, N_IMAGES * OUT * OUT);
    tensor_print_2d(stdout, "hidden filter W_true (3x3, Sobel vertical edge):", true_filter, K, K, 3);
    print_3x3("random start W0 (3x3), N(0, 0.5^2) rounded to 2 decimals:", start_filter, 2);
    printf("loss at the start: %.4f   |W0 - W_true| = %.4f\n", full_loss(start_filter),
           distance_to_truth(start_filter));
}

/* Step 5: grad (3, 3) = dL/dW at the start, by backprop, checked by central differences. */
static void show_checked_gradient(real *grad)
{
    lesson_step(5, "The gradient dL/dW by backpropagation, checked");
    real probe[N_W];
    batch_loss(start_filter, NULL, N_IMAGES, grad);
    print_3x3("dL/dW at W0 = conv(X, dL/dY), summed over the 32 images:", grad, 4);
    tensor_copy(probe, start_filter, N_W);
    const int dims[2] = { K, K };
    gradcheck_result check = gradcheck_tensor("dL/dW", probe, grad, dims, 2, loss_of_filter, probe,
                                              GRADCHECK_STEP);
    gradcheck_print(stdout, &check);
}

/* Step 6: the Hessian, checked against the gradient, and its extreme curvatures. */
static void show_curvature(const real *grad /* (3, 3) at W0 */)
{
    lesson_step(6, "The curvature of this loss");
    double hess[N_W][N_W], worst = 0;
    filter_hessian(hess);
    for (int a = 0; a < N_W; a++) {   /* a quadratic's gradient is H (W - W_true) */
        double h_times_error = 0;
        for (int b = 0; b < N_W; b++)
            h_times_error += hess[a][b] * (start_filter[b] - true_filter[b]);
        worst = fmax(worst, fabs(h_times_error - grad[a]));
    }
    real steep[N_W], flat[N_W];
    double lambda_max = power_iteration(hess, 0, -1, steep);
    double lambda_min = lambda_max - power_iteration(hess, lambda_max, 1, flat);
    printf("L is a quadratic in the 9 weights with Hessian H = 1/M sum p p^T (p: a 3x3 patch):\n"
           "its curvature along a unit direction u is u^T H u. Check: H (W0 - W_true) equals the\n"
           "backprop gradient to %.1e (a quadratic's gradient is H times the distance).\n",
           worst);
    printf("Largest curvature  lambda_max = %.4f, along\n", lambda_max);
    print_3x3("  (all weights up together: pixels average 0.5, so every patch has a bright common part)",
              steep, 4);
    printf("Smallest curvature lambda_min = %.6f, along\n", lambda_min);
    print_3x3("  (a checkerboard-like pattern, which smooth images hardly contain)", flat, 4);
    printf("Condition number lambda_max / lambda_min = %.0f. Gradient descent must keep\n"
           "lr < 2 / lambda_max = %.3f (step 3), and then the error along the flat direction\n"
           "shrinks only by a factor 1 - lr * lambda_min = %.5f per step at lr %g.\n",
           lambda_max / lambda_min, 2 / lambda_max, 1 - EXAMPLE_LR * lambda_min, EXAMPLE_LR);
}

/* Full-batch gradient descent given as many UPDATES as SGD (so 8x the images). */
static double gd_with_sgd_step_count(double lr)
{
    real w[N_W], grad[N_W];
    tensor_copy(w, start_filter, N_W);
    for (int step = 0; step < EPOCHS * N_IMAGES / MINI_BATCH; step++) {
        batch_loss(w, NULL, N_IMAGES, grad);
        sgd_step(w, grad, N_W, (real)lr);
    }
    return full_loss(w);
}

/* Steps 9-10: train each optimiser at its best learning rate; tables and filters. */
static void run_race(const int best[N_OPT], double history[N_OPT][EPOCHS + 1])
{
    lesson_step(9, "The race");
    real filters[N_OPT][N_W];
    for (int o = 0; o < N_OPT; o++)
        train(o, lr_grid[best[o]], filters[o], history[o]);
    print_race_table(history);
    printf("\n");
    print_final_table(best, history, filters);
    printf("For comparison: gradient descent given as many updates as SGD (%d, so %d image-grads,\n"
           "%d times the work) reaches %.2e, about what SGD reached with a noisy gradient from\n"
           "%d images a step: SGD makes \"faster and more frequent updates\" (Gonzalez).\n",
           EPOCHS * N_IMAGES / MINI_BATCH, EPOCHS * N_IMAGES * N_IMAGES / MINI_BATCH,
           N_IMAGES / MINI_BATCH, gd_with_sgd_step_count(lr_grid[best[GD]]), MINI_BATCH);
    printf("Momentum: along the flat direction of step 6 the gradient points the same way step\n"
           "after step, so the velocity grows to g / (1 - %g) = %g g: %g times the step where\n"
           "the loss is flattest; along the steep direction g changes sign and the velocity\n"
           "cancels itself. Adam has momentum too (m) and divides each weight's step by the\n"
           "running size of its own gradient (sqrt v): that rescales weights one by one, but\n"
           "the flat direction mixes all nine weights, so here Adam comes close to momentum\n"
           "without beating it.\n",
           MOMENTUM, 1 / (1 - MOMENTUM), 1 / (1 - MOMENTUM));

    lesson_step(10, "The recovered filters");
    print_filters_side_by_side(filters);
}

int main(int argc, char **argv)
{
    lesson_start(argc, argv, "Lesson 09: gradient descent and optimisers", 1);
    show_parabola();

    make_task();
    show_filter_task();
    real grad[N_W];   /* dL/dW at the start, (3, 3) */
    show_checked_gradient(grad);
    show_curvature(grad);

    lesson_step(7, "Four update rules (Gonzalez: SGD and Adaptive Moment Estimation)");
    print_update_rules();
    printf("Adam's first step, lr 0.1: bias correction makes it about lr for every weight,\n"
           "whatever the size of g; without it m and v are still near their zero start:\n");
    show_adam_first_step();

    lesson_step(8, "A fair race: the same budget, each optimiser at its best learning rate");
    printf("Budget: %d epochs = %d gradients of one image each, for every optimiser.\n"
           "Final loss after the budget, for each learning rate (* = the best, used below):\n",
           EPOCHS, EPOCHS * N_IMAGES);
    int best[N_OPT];
    sweep_learning_rates(best);

    double history[N_OPT][EPOCHS + 1];   /* full-data loss after each epoch */
    run_race(best, history);
    if (lesson_plot_data_path())
        return write_plot_data(lesson_plot_data_path(), history);
    printf("\nNext: lesson 10, a convolutional network learns MNIST (notes/10_mnist.md; make mnist).\n");
    return 0;
}
