/* Lesson 14: what the network sees.
 *
 * Doshi's slides end with pictures of a trained network at work: the
 * feature maps after the first convolution and max pooling ("the first
 * layer detects edges and deeper layers detect abstract characteristics of
 * the image") and the outputs of the final layer for a few digits. This
 * program makes those pictures from any trained model file (lesson 10's or
 * lesson 12's), for any MNIST test image or a picture of your own, and two
 * more that need one more step of the chain rule and a pass over the test set:
 *
 *   1. the model, and 2. the image, as the network gets it
 *   3. the first layer's filters: one tile each, one grey scale for all (0 = mid-grey)
 *   4. the feature maps after each conv (and its activation) and each pooling layer
 *   5. the final layer's ten probabilities, as a bar chart
 *   6. the saliency map: the gradient of the winning class's logit with
 *      respect to every pixel, by the network's own backward pass, carried
 *      one step further than training needs: down to the image
 *   7. where the network is wrong: the test digits it gets wrong with the
 *      most confidence
 *
 * Each step prints what it shows in the terminal and writes a PGM picture
 * into --out; montage.pgm holds all of them in one picture. The pictures
 * are made by src/picture.h (grey scales, tiles, a tiny font), the numbers
 * behind them by src/inspect.h.
 *
 * Run:   make mnist          (or make mnist-deep: Doshi's network), then
 *        build/lessons/14_what_it_sees --test-index 0
 *        build/lessons/14_what_it_sees --image my_digit.pgm --out build/mine
 * Notes: notes/14_what_it_sees.md */
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "digit.h"       /* DIGIT_SIDE, digit_report, digit_prepare, digit_report_print, digit_warnings */
#include "file_error.h"  /* FILE_ERROR_SIZE, set_file_error */
#include "flags.h"       /* flag_spec, FLAG_TEXT, FLAG_INT, FLAG_SWITCH, FLAG_CHOICE, flag_set, ... */
#include "inspect.h"     /* SCORE_LOGIT, filter_shares, receptive_field, feature_map_title, ... */
#include "lesson.h"      /* lesson_set_stepping, lesson_step */
#include "loss.h"        /* softmax, argmax */
#include "mnist.h"       /* image_set, label_set, image_set_free, label_set_free, idx_read_images, ... */
#include "model_file.h"  /* sequential_load */
#include "os.h"          /* os_path_kind, os_path_kind_of, OS_PATH_DIRECTORY, OS_PATH_ABSENT, ... */
#include "out_file.h"    /* out_file, out_file_open, out_file_printf, out_file_commit, ... */
#include "pgm.h"         /* pgm_read, pgm_image, pgm_load, pgm_image_free */
#include "picture.h"     /* picture, picture_free, picture_titled, picture_write, grey_scale, ... */
#include "sequential.h"  /* sequential, sequential_model, sequential_batch, sequential_batch_free, ... */
#include "tensor.h"      /* tensor_alloc, checked_calloc */
#include "threadpool.h"  /* thread_pool, thread_pool_create, thread_pool_free */
#include "training.h"    /* check_class_count */

#define MAX_PANELS 40          /* the montage's parts */
#define EVAL_BATCH 128         /* test images per batch when looking for mistakes */
#define DEFAULT_MISTAKES 8     /* shown when the test set is there and --mistakes is not given */
#define MAX_MISTAKES 100
#define TERMINAL_WIDTH 100     /* characters: how many maps fit side by side */
#define DEEP_MODEL "build/mnist-deep.model"
#define SMALL_MODEL "build/mnist.model"

typedef struct {
    const char *model, *image, *data, *out;
    int test_index, mistakes, score, raw, threads;
} options;

static const char *program = "14_what_it_sees";

static options parse_flags(int argc, char **argv)
{
    options o = { NULL, NULL, "data/mnist", "build/14_what_it_sees", -1, -1, SCORE_LOGIT, 0, 2 };
    int step = 0;
    const flag_spec specs[] = {
        FLAG_TEXT("--model", &o.model, "FILE", "the trained model (default: " DEEP_MODEL " if there, else "
                  SMALL_MODEL ")"),
        FLAG_INT("--test-index", &o.test_index, 0, 100000000L, "N", "look at MNIST test image N (default: 0)"),
        FLAG_TEXT("--image", &o.image, "FILE.pgm", "look at your own picture of a digit (P2 or P5, any size)"),
        FLAG_SWITCH("--raw", &o.raw, "use the picture as it is (28x28, white on black): no MNIST-style preparation"),
        FLAG_TEXT("--data", &o.data, "DIR", "where the MNIST test files are"),
        FLAG_TEXT("--out", &o.out, "DIR", "where the pictures go (created if missing)"),
        FLAG_INT("--mistakes", &o.mistakes, 0, MAX_MISTAKES, "K",
                 "show the K test images the network gets wrong most confidently (default: 8; 0: skip)"),
        FLAG_CHOICE("--score", &o.score, "logit|logprob",
                    "the saliency map's score: the winning class's logit (default) or its log-probability"),
        FLAG_INT("--threads", &o.threads, 1, 64, "N", "threads for the pass over the test set"),
        FLAG_SWITCH("--step", &step, "pause before each step until Enter is pressed"),
    };
    flag_set set = { program, "14_what_it_sees [--model FILE] [--test-index N | --image FILE.pgm] [flags]", specs,
                     (int)(sizeof specs / sizeof specs[0]), 0 };
    flags_parse_or_exit(&set, argc, argv, NULL, NULL);
    if (o.image && o.test_index >= 0) {
        fprintf(stderr, "%s: --image and --test-index: give one of them (try --help)\n", program);
        exit(2);
    }
    if (!o.image && o.test_index < 0)
        o.test_index = 0;
    lesson_set_stepping(step);
    return o;
}

/* ---------------------------------------------------------------- the viewer */

typedef struct {
    options opt;
    sequential arch;
    real *params, *stats;            /* (n_params), (n_stats)                                  */
    sequential_model net;            /* test mode: as the network answers after training       */
    sequential_batch one;            /* room for one image: every layer's output is kept       */
    real *x;                         /* (in_h, in_w) the image, pixel / 255                    */
    unsigned char *pixels;           /* (in_h, in_w) the same as bytes                         */
    int label, answer;               /* the test image's label (-1: a picture); the answer     */
    char image_name[FILE_ERROR_SIZE];
    image_set test_images;           /* count 0 until loaded                                   */
    label_set test_labels;
    picture panels[MAX_PANELS];      /* the montage's parts, in order                          */
    int on_top[MAX_PANELS];          /* 1: in the montage's first row                          */
    int n_panels;
} viewer;

static void viewer_free(viewer *v)
{
    free(v->params);
    free(v->stats);
    if (v->one.capacity > 0)
        sequential_batch_free(&v->one);
    free(v->x);
    free(v->pixels);
    image_set_free(&v->test_images);
    label_set_free(&v->test_labels);
    for (int i = 0; i < v->n_panels; i++)
        picture_free(&v->panels[i]);
}

static void die(viewer *v, const char *message)
{
    fflush(stdout);
    fprintf(stderr, "%s: %s\n", program, message);
    viewer_free(v);
    exit(1);
}

/* DIR/NAME into path, or die when it does not fit. */
static void join_path(viewer *v, char *path, size_t size, const char *dir, const char *name)
{
    int n = snprintf(path, size, "%s/%s", dir, name);
    if (n < 0 || (size_t)n >= size)
        die(v, "a directory name is too long");
}

/* A part of the montage: body under its title (body is freed); the
 * panels on_top go side by side in its first row. */
static void add_panel(viewer *v, const char *title, picture *body, int on_top)
{
    if (v->n_panels < MAX_PANELS) {
        v->on_top[v->n_panels] = on_top;
        v->panels[v->n_panels++] = picture_titled(title, 2, body);
    }
    picture_free(body);
}

/* Write a picture as OUT/name (safely: src/out_file.h) and say so. */
static void write_picture(viewer *v, const char *name, const picture *p)
{
    char path[FILE_ERROR_SIZE], err[FILE_ERROR_SIZE];
    join_path(v, path, sizeof path, v->opt.out, name);
    if (picture_write(path, p, err, sizeof err) != 0)
        die(v, err);
    printf("  wrote %s (%dx%d pixels)\n", path, p->cols, p->rows);
}

/* Write an (h, w) matrix of numbers as text, one row a line (gnuplot's
 * "matrix" format: tests/plots/14_what_it_sees.gp reads it). */
static void write_matrix(viewer *v, const char *name, const real *m, int h, int w)
{
    char path[FILE_ERROR_SIZE], err[FILE_ERROR_SIZE];
    out_file o;
    join_path(v, path, sizeof path, v->opt.out, name);
    if (out_file_open(&o, path, err, sizeof err) != 0)
        die(v, err);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
            out_file_printf(&o, "%.6g%c", (double)m[y * w + x], x + 1 < w ? ' ' : '\n');
    if (out_file_commit(&o, err, sizeof err) != 0)
        die(v, err);
}

/* --out: a directory, created (one level) when missing. */
static void prepare_out_dir(viewer *v)
{
    char err[FILE_ERROR_SIZE];
    os_path_kind kind = os_path_kind_of(v->opt.out);
    if (kind == OS_PATH_DIRECTORY)
        return;
    if (kind == OS_PATH_UNKNOWN) {               /* stat failed: permission denied, a loop of links, ... */
        set_file_error(err, sizeof err, v->opt.out, "--out: cannot look at it: %s", strerror(errno));
        die(v, err);
    }
    if (kind != OS_PATH_ABSENT) {
        set_file_error(err, sizeof err, v->opt.out, "--out: not a directory");
        die(v, err);
    }
    if (os_make_dir(v->opt.out) != 0) {
        set_file_error(err, sizeof err, v->opt.out, "--out: cannot create the directory: %s (create it first)",
                       strerror(errno));
        die(v, err);
    }
}

/* ---------------------------------------------------------------- 1. the model */

/* --model, or the deeper network's file when it is there, else lesson 10's. */
static const char *choose_model(viewer *v)
{
    if (v->opt.model)
        return v->opt.model;
    if (os_path_kind_of(DEEP_MODEL) == OS_PATH_REGULAR)
        return DEEP_MODEL;
    if (os_path_kind_of(SMALL_MODEL) == OS_PATH_REGULAR)
        return SMALL_MODEL;
    die(v, "no model: neither " DEEP_MODEL " nor " SMALL_MODEL " exists. Make one with make mnist (lesson 10, "
        "about a minute) or make mnist-deep (Doshi's network, lesson 12), or give --model FILE");
    return NULL;
}

static void step_model(viewer *v)
{
    char err[FILE_ERROR_SIZE];
    const char *path = choose_model(v);
    lesson_step(1, "The model");
    if (sequential_load(path, &v->arch, &v->params, &v->stats, err, sizeof err) != 0)   /* format 1 or 2 */
        die(v, err);
    v->opt.model = path;
    if (check_class_count(v->arch.classes, path, err, sizeof err) != 0)   /* p(label) must be one of its outputs */
        die(v, err);
    if (v->arch.in_c != 1) {
        set_file_error(err, sizeof err, path, "the model reads images of %d channels; this lesson reads grey images",
                       v->arch.in_c);
        die(v, err);
    }
    printf("%s: %s, on %dx%d images, %ld parameters\n", path, v->arch.spec, v->arch.in_h, v->arch.in_w,
           v->arch.n_params);
    sequential_summary(stdout, &v->arch);
    v->net = (sequential_model){ &v->arch, v->params, v->stats, ENGINE_FAST, 0, 0, 0, 0 };   /* test mode */
    sequential_batch_alloc(&v->arch, 1, &v->one);
    v->x = tensor_alloc((size_t)v->arch.in_h * v->arch.in_w, "the image");
    v->pixels = checked_calloc((size_t)v->arch.in_h * v->arch.in_w, 1, "the image");
}

/* ---------------------------------------------------------------- 2. the image */

/* The MNIST test set of --data (both files), once. Returns 0, or -1 with err. */
static int load_test_set(viewer *v, char *err, size_t err_size)
{
    char path[FILE_ERROR_SIZE];
    if (v->test_images.count > 0)
        return 0;
    join_path(v, path, sizeof path, v->opt.data, "t10k-images-idx3-ubyte");
    if (idx_read_images(path, &v->test_images, err, err_size) != 0)
        return -1;
    join_path(v, path, sizeof path, v->opt.data, "t10k-labels-idx1-ubyte");
    if (idx_read_labels(path, &v->test_labels, err, err_size) != 0)
        return -1;
    if (v->test_images.count != v->test_labels.count) {
        snprintf(err, err_size, "%s: %d test images but %d labels", v->opt.data, v->test_images.count,
                 v->test_labels.count);
        return -1;
    }
    if (v->test_images.rows != v->arch.in_h || v->test_images.cols != v->arch.in_w) {
        snprintf(err, err_size, "%s: test images are %dx%d but the model expects %dx%d", v->opt.data,
                 v->test_images.rows, v->test_images.cols, v->arch.in_h, v->arch.in_w);
        return -1;
    }
    return 0;
}

static void take_test_image(viewer *v)
{
    char err[FILE_ERROR_SIZE];
    int n = v->opt.test_index;
    if (load_test_set(v, err, sizeof err) != 0)
        die(v, err);
    if (n >= v->test_images.count) {
        snprintf(err, sizeof err, "%s: there are %d test images: --test-index must be 0 to %d", v->opt.data,
                 v->test_images.count, v->test_images.count - 1);
        die(v, err);
    }
    memcpy(v->pixels, v->test_images.pixels + (size_t)n * v->arch.in_h * v->arch.in_w,
           (size_t)v->arch.in_h * v->arch.in_w);
    v->label = v->test_labels.labels[n];
    snprintf(v->image_name, sizeof v->image_name, "test image %d (label %d)", n, v->label);
}

/* A picture of one's own: prepared as MNIST's digits were (src/digit.h),
 * unless --raw or the model does not read 28x28 images. */
static void take_picture(viewer *v)
{
    char err[FILE_ERROR_SIZE];
    v->label = -1;
    snprintf(v->image_name, sizeof v->image_name, "%s", v->opt.image);
    if (v->opt.raw || v->arch.in_h != DIGIT_SIDE || v->arch.in_w != DIGIT_SIDE) {
        if (pgm_read(v->opt.image, v->pixels, v->arch.in_h, v->arch.in_w, err, sizeof err) != 0)
            die(v, err);
        return;
    }
    pgm_image img;
    digit_report report;
    if (pgm_load(v->opt.image, &img, err, sizeof err) != 0)
        die(v, err);
    int rc = digit_prepare(&img, v->pixels, &report);
    pgm_image_free(&img);
    if (rc != 0)
        die(v, "out of memory preparing the picture");
    printf("%s, prepared as MNIST's digits were (--raw skips this):\n", v->opt.image);
    digit_report_print(stdout, &report);
    digit_warnings(stdout, &report);
}

static void step_image(viewer *v)
{
    lesson_step(2, "The image");
    if (v->opt.image)
        take_picture(v);
    else
        take_test_image(v);
    image_set one = { 1, v->arch.in_h, v->arch.in_w, v->pixels };
    images_to_real(&one, 0, 1, v->x);
    const real *logits = sequential_forward(&v->net, &v->one, v->x, 1, 0);   /* every layer's output, kept */
    softmax(logits, v->one.probs, v->arch.classes);
    v->answer = argmax(v->one.probs, v->arch.classes);
    printf("%s, as the network gets it (%dx%d, pixel / 255):\n", v->image_name, v->arch.in_w, v->arch.in_h);
    draw_digit_ascii(stdout, v->pixels, v->arch.in_h, v->arch.in_w);
    printf("the network says %d (probability %.4f)%s\n", v->answer, (double)v->one.probs[v->answer],
           v->label < 0 ? "" : v->answer == v->label ? ": right" : ": WRONG");
    write_matrix(v, "input.dat", v->x, v->arch.in_h, v->arch.in_w);
}

/* ---------------------------------------------------------------- 3. the first layer's filters */

static void print_filter(const real *w, int k, int f, const double shares[4])
{
    printf("  filter %2d  flat %3.0f%%  vertical %3.0f%%  horizontal %3.0f%%  diagonal %3.0f%%", f, 100 * shares[0],
           100 * shares[1], 100 * shares[2], 100 * shares[3]);
    for (int t = 0; k <= 3 && t < k * k; t++)                 /* small filters: the weights themselves */
        printf("%s%+.2f", t == 0 ? "   [" : t % k == 0 ? " | " : " ", (double)w[t]);
    printf("%s\n", k <= 3 ? "]" : "");
}

static void step_filters(viewer *v)
{
    const layer *l = &v->arch.layers[0];
    lesson_step(3, "The first layer's filters");
    if (l->kind != LAYER_CONV) {
        printf("the first layer is not a convolution: no filters to show\n");
        return;
    }
    int k = l->kernel, count = l->units, zoom = 48 / k > 1 ? 48 / k : 1;
    const real *w = v->params + l->first_param;               /* (count, 1, k, k) */
    grey_scale s = grey_scale_signed_of(w, (long)count * k * k);
    printf("%d filters of %dx%d. Each filter's energy (sum of w^2) along four patterns\n"
           "(src/inspect.h): flat answers plain brightness, vertical/horizontal a step edge,\n"
           "diagonal opposite corners alike%s:\n", count, k, k, k > 2 ? "; the rest is finer detail" : "");
    for (int f = 0; f < count; f++) {
        double shares[4];
        filter_shares(w + (long)f * k * k, k, shares);
        print_filter(w + (long)f * k * k, k, f, shares);
    }
    printf("in the pictures: one grey scale for all filters, mid-grey = 0, white = %+.3f, black = %+.3f\n",
           s.max, -s.max);
    picture tiles = tile_maps(w, count, k, k, zoom, tile_columns(count), 6, &s);
    picture legend = scale_legend(&s, tiles.cols > 120 ? tiles.cols : 120), parts[2] = { tiles, legend };
    picture body = picture_below(parts, 2, 4);
    picture_free(&tiles);
    picture_free(&legend);
    write_picture(v, "filters.pgm", &body);
    char title[128];
    snprintf(title, sizeof title, "layer 1: %d filters %dx%d", count, k, k);
    add_panel(v, title, &body, 0);
}

/* ---------------------------------------------------------------- 4. the feature maps */

/* The output of layer i for the image (flatten's is its input; i < 0: the image). */
static const real *output_of_layer(const viewer *v, int i)
{
    while (i >= 0 && v->arch.layers[i].kind == LAYER_FLATTEN)
        i--;
    return i < 0 ? v->x : v->one.out[i];
}

/* Up to `room` maps of (count, h, w) with the largest sums, largest first, into which. */
static int most_active(const real *maps, int count, int h, int w, int room, int *which)
{
    int n = 0;
    double *sums = checked_calloc((size_t)count, sizeof(double), "map sums");
    for (int c = 0; c < count; c++)
        for (int p = 0; p < h * w; p++)
            sums[c] += (double)maps[(long)c * h * w + p];
    for (; n < room && n < count; n++) {
        int best = -1;
        for (int c = 0; c < count; c++) {
            int taken = 0;
            for (int j = 0; j < n; j++)
                taken |= which[j] == c;
            if (!taken && (best < 0 || sums[c] > sums[best]))
                best = c;
        }
        which[n] = best;
    }
    free(sums);
    return n;
}

/* The most active maps of a layer, side by side in shaded characters. */
static void draw_maps_in_terminal(const real *maps, int count, int h, int w, const grey_scale *s)
{
    int which[8], room = TERMINAL_WIDTH / (w + 4), shown;
    room = room < 1 ? 1 : room > 8 ? 8 : room;
    shown = most_active(maps, count, h, w, room, which);
    unsigned char *bytes = checked_calloc((size_t)shown * h * w, 1, "maps as grey levels");
    char names[8][24];
    const char *titles[8];
    for (int k = 0; k < shown; k++) {
        for (int p = 0; p < h * w; p++)
            bytes[(long)k * h * w + p] = grey_level(s, (double)maps[(long)which[k] * h * w + p]);
        snprintf(names[k], sizeof names[k], "map %d", which[k]);
        titles[k] = names[k];
    }
    printf("its %d most active maps for this image (largest sum first), on the layer's one scale:\n", shown);
    draw_pictures_ascii(stdout, bytes, shown, h, w, titles);
    free(bytes);
}

/* What the numbers of one layer's maps say: how many are 0, the largest, how much of the image each sees. */
static void describe_maps(const viewer *v, int i, const real *maps, long n)
{
    const layer *l = &v->arch.layers[i];
    long zeros = 0, dead = 0;
    for (long k = 0; k < n; k++)
        zeros += maps[k] == 0;
    for (int c = 0; c < l->out_c; c++) {
        long nonzero = 0;
        for (int p = 0; p < l->out_h * l->out_w; p++)
            nonzero += maps[(long)c * l->out_h * l->out_w + p] != 0;
        dead += nonzero == 0;
    }
    int size, jump;
    receptive_field(&v->arch, i, &size, &jump);
    printf("%.1f%% of its numbers are 0 (%ld of %d maps all 0 for this image); the largest is %.3f\n"
           "each number sees a %dx%d patch of the image; neighbours' patches are %d pixel%s apart\n",
           100.0 * zeros / n, dead, l->out_c, grey_scale_of(maps, n).max, size, size, jump, jump == 1 ? "" : "s");
}

/* For a pooling layer: how much of its input it keeps. */
static void describe_pooling(const viewer *v, int i)
{
    const layer *l = &v->arch.layers[i];
    const real *in = output_of_layer(v, i - 1), *out = v->one.out[i];
    long n_in = (long)l->in_c * l->in_h * l->in_w, n_out = sequential_out_size(l);
    double sum_in = 0, sum_out = 0;
    for (long k = 0; k < n_in; k++)
        sum_in += fabs((double)in[k]);
    for (long k = 0; k < n_out; k++)
        sum_out += fabs((double)out[k]);
    printf("it keeps %ld of %ld numbers (%.0f%%), and %.0f%% of their sum of |values|\n", n_out, n_in,
           100.0 * n_out / n_in, sum_in > 0 ? 100 * sum_out / sum_in : 0);
}

/* Maps of h x w pixels get tiles of about 56 pixels, or smaller when there are many. */
static int map_zoom(int count, int h)
{
    int target = count <= 32 ? 56 : count <= 128 ? 36 : 30;
    return target / h > 1 ? target / h : 1;
}

static void show_layer(viewer *v, int i, int number)
{
    const layer *l = &v->arch.layers[i];
    const real *maps = output_of_layer(v, i);                 /* (out_c, out_h, out_w) */
    long n = sequential_out_size(l);
    char title[160], name[64];
    feature_map_title(&v->arch, i, title, sizeof title);
    printf("\n%s\n", title);
    describe_maps(v, i, maps, n);
    if (l->kind == LAYER_MAXPOOL || l->kind == LAYER_AVGPOOL)
        describe_pooling(v, i);
    grey_scale s = grey_scale_of(maps, n);
    draw_maps_in_terminal(maps, l->out_c, l->out_h, l->out_w, &s);
    picture tiles = tile_maps(maps, l->out_c, l->out_h, l->out_w, map_zoom(l->out_c, l->out_h),
                              tile_columns(l->out_c), 2, &s);
    picture legend = scale_legend(&s, tiles.cols > 120 ? 120 : tiles.cols), parts[2] = { tiles, legend };
    picture body = picture_below(parts, 2, 4);
    picture_free(&tiles);
    picture_free(&legend);
    snprintf(name, sizeof name, "maps_%d_%s.pgm", number, l->kind == LAYER_MAXPOOL || l->kind == LAYER_AVGPOOL
             ? "pool" : "conv");
    write_picture(v, name, &body);
    add_panel(v, title, &body, 0);
}

static void step_maps(viewer *v)
{
    int shown[SEQ_MAX_LAYERS];
    lesson_step(4, "The feature maps, layer by layer");
    int n = feature_map_layers(&v->arch, shown, SEQ_MAX_LAYERS);
    printf("%d layers of feature maps; each picture has one grey scale for all its maps\n"
           "(after a ReLU: 0 = black, the layer's largest number = white; a scale per map would\n"
           "make a map of tiny numbers look as busy as the strongest)\n", n);
    for (int k = 0; k < n; k++)
        show_layer(v, shown[k], k + 1);
}

/* ---------------------------------------------------------------- 5. the final layer */

static void step_outputs(viewer *v)
{
    const int classes = v->arch.classes;
    char path[FILE_ERROR_SIZE], err[FILE_ERROR_SIZE], title[64];
    lesson_step(5, "The final layer's outputs");
    printf("the softmax's %d probabilities (the outputs of the final layer Doshi shows):\n", classes);
    for (int c = 0; c < classes; c++) {
        int bar = (int)lround(40 * (double)v->one.probs[c]);
        printf("  %d  %.6f  %.*s%s\n", c, (double)v->one.probs[c], bar, "########################################",
               c == v->answer ? "  <- the network's answer" : "");
    }
    out_file o;                                              /* for gnuplot: class, probability */
    join_path(v, path, sizeof path, v->opt.out, "probabilities.dat");
    if (out_file_open(&o, path, err, sizeof err) != 0)
        die(v, err);
    for (int c = 0; c < classes; c++)
        out_file_printf(&o, "%d %.6g\n", c, (double)v->one.probs[c]);
    if (out_file_commit(&o, err, sizeof err) != 0)
        die(v, err);
    picture chart = bar_chart(v->one.probs, classes, 100, 12, v->answer);
    write_picture(v, "probabilities.pgm", &chart);
    snprintf(title, sizeof title, "says %d", v->answer);
    add_panel(v, title, &chart, 1);
}

/* ---------------------------------------------------------------- 6. saliency */

/* What nudging the pixels found, against the backward pass: [0] the
 * background (pixels 0), [1] the ink. */
typedef struct {
    long pixels[2], smooth[2], agree[2], kinks[2], gave_right[2], gave_left[2];
    int example;                     /* a kink on the ink, or -1 */
} slope_count;

static slope_count count_slopes(const viewer *v, const real *saliency, const double *right, const double *left,
                                double tol)
{
    slope_count n;
    memset(&n, 0, sizeof n);
    n.example = -1;
    for (long p = 0; p < (long)v->arch.in_h * v->arch.in_w; p++) {
        double g = (double)saliency[p];
        int ink = v->x[p] > 0;
        n.pixels[ink]++;
        if (fabs(right[p] - left[p]) <= tol) {           /* nothing switches within +-h */
            n.smooth[ink]++;
            n.agree[ink] += fabs((right[p] + left[p]) / 2 - g) <= tol;
            continue;
        }
        n.kinks[ink]++;
        n.gave_right[ink] += fabs(g - right[p]) <= tol;
        n.gave_left[ink] += fabs(g - left[p]) <= tol;
        if (ink && n.example < 0)
            n.example = (int)p;
    }
    return n;
}

static void print_slope_count(const slope_count *n, double h)
{
    static const char *where[2] = { "background", "ink" };
    printf("                 pixels   smooth (backward pass agrees)   kinks (backward = right slope, left slope)\n");
    for (int ink = 1; ink >= 0; ink--)
        printf("  %-12s %8ld   %6ld (%6ld)                  %5ld (%ld, %ld)\n", where[ink], n->pixels[ink],
               n->smooth[ink], n->agree[ink], n->kinks[ink], n->gave_right[ink], n->gave_left[ink]);
    printf("smooth: the slopes to the right and to the left agree (within 1%% of the largest |gradient|);\n"
           "kink: they differ, because a ReLU or a max changes its mind within +-%g of this image\n", h);
}

/* The smallest slope a score of reals resolves over +-h: the rounding of
 * the logits (a few units in the last place of the largest) over h. */
static double slope_resolution(viewer *v, double h)
{
    const double eps = sizeof(real) == sizeof(float) ? FLT_EPSILON : DBL_EPSILON;
    const real *logits = sequential_forward(&v->net, &v->one, v->x, 1, 0);
    double largest = 0;
    for (int c = 0; c < v->arch.classes; c++)
        largest = fabs((double)logits[c]) > largest ? fabs((double)logits[c]) : largest;
    return 4 * eps * (largest > 1 ? largest : 1) / h;
}

/* Every pixel nudged by +-h (src/inspect.h, score_slopes), the slopes on
 * either side compared with the backward pass to within tol. */
static void nudge_every_pixel(viewer *v, const real *saliency, double h, double tol)
{
    const long size = (long)v->arch.in_h * v->arch.in_w;
    const int capacity = 2 * v->arch.in_w;               /* one row of pixels, +h and -h, per pass */
    sequential_batch wide;
    sequential_batch_alloc(&v->arch, capacity, &wide);
    real *scratch = tensor_alloc((size_t)capacity * size, "nudged images");
    double *right = checked_calloc((size_t)size, sizeof(double), "slopes"),
           *left = checked_calloc((size_t)size, sizeof(double), "slopes");
    score_slopes(&v->net, &wide, v->x, v->answer, (score_kind)v->opt.score, h, scratch, right, left);
    slope_count n = count_slopes(v, saliency, right, left, tol);
    printf("checked by nudging every pixel by +-%g (%ld more forward passes):\n", h, 2 * size);
    print_slope_count(&n, h);
    if (n.example >= 0)
        printf("e.g. the pixel at row %d, column %d, ink %.2f: slope %+.4g to the right, %+.4g to the left,\n"
               "backward pass %+.4g\n",
               n.example / v->arch.in_w, n.example % v->arch.in_w, (double)v->x[n.example], right[n.example],
               left[n.example], (double)saliency[n.example]);
    free(right);
    free(left);
    free(scratch);
    sequential_batch_free(&wide);
}

/* The chain rule against measurement, when the score's rounding allows it. */
static void check_by_nudging(viewer *v, const real *saliency)
{
    const double h = 1e-3;                               /* float: a smaller h drowns in rounding */
    double tol = 0.01 * grey_scale_of(saliency, (long)v->arch.in_h * v->arch.in_w).max;
    double resolution = slope_resolution(v, h);
    if (tol >= resolution) {
        nudge_every_pixel(v, saliency, h, tol);
        return;
    }
    printf("no check by nudging: 1%% of the largest |gradient|, %.2g, is below what a %s score\n"
           "resolves over +-%g (about %.2g): the measured slopes would be rounding\n", tol, REAL_NAME, h, resolution);
}

/* Where the gradient's magnitude lies: on the ink (pixels > 0) or around it. */
static void describe_saliency(viewer *v, const real *saliency)
{
    long n = (long)v->arch.in_h * v->arch.in_w, ink = 0;
    double on_ink = 0, total = 0;
    int largest = 0;
    for (long p = 0; p < n; p++) {
        total += fabs((double)saliency[p]);
        if (v->x[p] > 0) {
            on_ink += fabs((double)saliency[p]);
            ink++;
        }
        largest = fabs((double)saliency[p]) > fabs((double)saliency[largest]) ? (int)p : largest;
    }
    printf("%.0f%% of the gradient's magnitude (sum of |g|) lies on the %.0f%% of pixels that have ink (> 0);\n"
           "the largest |g| is %.3g at row %d, column %d, where the ink is %.2f\n",
           total > 0 ? 100 * on_ink / total : 0, 100.0 * ink / n, fabs((double)saliency[largest]), largest / v->arch.in_w, largest % v->arch.in_w,
           (double)v->x[largest]);
}

/* [the image | the signed gradient | its magnitude], each with its scale under it. */
static picture saliency_panel(viewer *v, const real *saliency)
{
    const int h = v->arch.in_h, w = v->arch.in_w, zoom = 112 / w > 1 ? 112 / w : 1, n = h * w;
    real *magnitude = tensor_alloc((size_t)n, "|saliency|");
    for (int p = 0; p < n; p++)
        magnitude[p] = (real)fabs((double)saliency[p]);
    grey_scale image_s = { GREY_POSITIVE, 1 }, signed_s = grey_scale_signed_of(saliency, n),
               magnitude_s = grey_scale_of(magnitude, n);
    const real *maps[3] = { v->x, saliency, magnitude };
    const grey_scale *scales[3] = { &image_s, &signed_s, &magnitude_s };
    static const char *names[3] = { "image", "gradient", "|gradient|" };
    picture columns[3];
    for (int k = 0; k < 3; k++) {
        picture parts[2];
        parts[0] = tile_maps(maps[k], 1, h, w, zoom, 1, 1, scales[k]);
        parts[1] = scale_legend(scales[k], parts[0].cols);
        picture stacked = picture_below(parts, 2, 3);
        columns[k] = picture_titled(names[k], 1, &stacked);
        picture_free(&stacked);
        picture_free(&parts[0]);
        picture_free(&parts[1]);
    }
    picture row = picture_beside(columns, 3, 10);
    for (int k = 0; k < 3; k++)
        picture_free(&columns[k]);
    free(magnitude);
    return row;
}

static void draw_saliency_in_terminal(viewer *v, const real *saliency)
{
    int n = v->arch.in_h * v->arch.in_w;
    unsigned char *bytes = checked_calloc(2 * (size_t)n, 1, "the saliency as grey levels");
    real *magnitude = tensor_alloc((size_t)n, "|saliency|");
    for (int p = 0; p < n; p++)
        magnitude[p] = (real)fabs((double)saliency[p]);
    grey_scale s = grey_scale_of(magnitude, n);
    memcpy(bytes, v->pixels, (size_t)n);
    for (int p = 0; p < n; p++)
        bytes[n + p] = grey_level(&s, (double)magnitude[p]);
    const char *titles[2] = { "the image", "|gradient|" };
    draw_pictures_ascii(stdout, bytes, 2, v->arch.in_h, v->arch.in_w, titles);
    free(bytes);
    free(magnitude);
}

static void step_saliency(viewer *v)
{
    const long n = (long)v->arch.in_h * v->arch.in_w;
    lesson_step(6, "The saliency map: which pixels the answer depends on");
    real *grad = tensor_alloc((size_t)v->arch.n_params, "the parameters' gradients");
    real *saliency = tensor_alloc((size_t)n, "the saliency map");
    double score = saliency_map(&v->net, &v->one, v->x, v->answer, (score_kind)v->opt.score, grad, saliency);
    free(grad);
    printf("the gradient of the %s of class %d (%.6g) with respect to each pixel: the backward pass\n"
           "of training, from dscore/dlogits = %s instead of p - onehot(label), carried one layer\n"
           "further, through the first layer's dL/dX, down to the image:\n",
           v->opt.score == SCORE_LOGIT ? "logit z" : "log-probability ln p", v->answer, score,
           v->opt.score == SCORE_LOGIT ? "onehot(answer)" : "onehot(answer) - p");
    draw_saliency_in_terminal(v, saliency);
    describe_saliency(v, saliency);
    check_by_nudging(v, saliency);
    write_matrix(v, "saliency.dat", saliency, v->arch.in_h, v->arch.in_w);
    picture panel = saliency_panel(v, saliency);
    write_picture(v, "saliency.pgm", &panel);
    add_panel(v, v->opt.score == SCORE_LOGIT ? "saliency: d logit / d pixel" : "saliency: d ln p / d pixel", &panel,
              1);
    free(saliency);
}

/* ---------------------------------------------------------------- 7. where the network is wrong */

/* Test image i, zoomed twice, with three lines under it: its number, label -> answer, probability. */
static picture mistake_tile(const viewer *v, int i, const real *probs)
{
    const int h = v->arch.in_h, w = v->arch.in_w;
    real *x = tensor_alloc((size_t)h * w, "a test image");
    images_to_real(&v->test_images, i, 1, x);
    grey_scale s = { GREY_POSITIVE, 1 };
    picture digit = tile_maps(x, 1, h, w, 2, 1, 1, &s);
    free(x);
    int answer = argmax(probs, v->arch.classes);
    char lines[3][32];
    snprintf(lines[0], sizeof lines[0], "#%d", i);
    snprintf(lines[1], sizeof lines[1], "%d as %d", v->test_labels.labels[i], answer);
    snprintf(lines[2], sizeof lines[2], "p %.3f", (double)probs[answer]);
    picture tile = picture_new(digit.rows + 3 * (text_height(1) + 2) + 2, digit.cols > 60 ? digit.cols : 60,
                               PICTURE_PAPER);
    for (int r = 0; r < digit.rows; r++)
        memcpy(tile.pixels + (size_t)r * tile.cols, digit.pixels + (size_t)r * digit.cols, (size_t)digit.cols);
    for (int k = 0; k < 3; k++)
        picture_text(&tile, digit.rows + 2 + k * (text_height(1) + 2), 0, lines[k], 1, PICTURE_INK);
    picture_free(&digit);
    return tile;
}

/* The tiles of the mistakes, 8 to a row. */
static picture mistakes_panel(const viewer *v, const int *found, int n, const real *probs)
{
    picture rows[MAX_MISTAKES / 8 + 1], tiles[8];
    int n_rows = 0;
    for (int first = 0; first < n; first += 8) {
        int count = n - first < 8 ? n - first : 8;
        for (int k = 0; k < count; k++)
            tiles[k] = mistake_tile(v, found[first + k], probs + (long)found[first + k] * v->arch.classes);
        rows[n_rows++] = picture_beside(tiles, count, 8);
        for (int k = 0; k < count; k++)
            picture_free(&tiles[k]);
    }
    picture all = picture_below(rows, n_rows, 8);
    for (int r = 0; r < n_rows; r++)
        picture_free(&rows[r]);
    return all;
}

static void print_mistakes(viewer *v, const int *found, int n, const real *probs)
{
    const int classes = v->arch.classes, h = v->arch.in_h, w = v->arch.in_w;
    char path[FILE_ERROR_SIZE], err[FILE_ERROR_SIZE];
    out_file o;
    join_path(v, path, sizeof path, v->opt.out, "mistakes.csv");
    if (out_file_open(&o, path, err, sizeof err) != 0)
        die(v, err);
    out_file_printf(&o, "test_index,label,answer,p_answer,p_label\n");
    printf("  rank  test image  label  answer  p(answer)  p(label)\n");
    for (int k = 0; k < n; k++) {
        const real *p = probs + (long)found[k] * classes;
        int label = v->test_labels.labels[found[k]], answer = argmax(p, classes);
        printf("  %4d  %10d  %5d  %6d  %9.4f  %8.4f\n", k + 1, found[k], label, answer, (double)p[answer],
               (double)p[label]);
        out_file_printf(&o, "%d,%d,%d,%.6g,%.6g\n", found[k], label, answer, (double)p[answer], (double)p[label]);
    }
    if (out_file_commit(&o, err, sizeof err) != 0)
        die(v, err);
    for (int first = 0; first < n && first < 6; first += 3) {     /* the first six, three to a row */
        char names[3][40];
        const char *titles[3];
        int count = n - first < 3 ? n - first : 3;
        unsigned char *bytes = checked_calloc((size_t)count * h * w, 1, "mistakes");
        for (int k = 0; k < count; k++) {
            int i = found[first + k];
            memcpy(bytes + (size_t)k * h * w, v->test_images.pixels + (size_t)i * h * w, (size_t)h * w);
            snprintf(names[k], sizeof names[k], "#%d: %d as %d", i, v->test_labels.labels[i],
                     argmax(probs + (long)i * classes, classes));
            titles[k] = names[k];
        }
        draw_pictures_ascii(stdout, bytes, count, h, w, titles);
        free(bytes);
    }
}

/* How many mistakes to show: --mistakes, or 8 when the test set is there. */
static int mistakes_wanted(viewer *v)
{
    char err[FILE_ERROR_SIZE];
    if (v->opt.mistakes == 0)
        return 0;
    if (load_test_set(v, err, sizeof err) == 0)
        return v->opt.mistakes > 0 ? v->opt.mistakes : DEFAULT_MISTAKES;
    if (v->opt.mistakes > 0)
        die(v, err);
    image_set_free(&v->test_images);
    label_set_free(&v->test_labels);
    printf("no test set (%s): the mistakes are skipped (make data fetches MNIST)\n", err);
    return 0;
}

static void step_mistakes(viewer *v)
{
    lesson_step(7, "Where the network is wrong");
    int wanted = mistakes_wanted(v);
    if (wanted == 0)
        return;
    const int count = v->test_images.count, classes = v->arch.classes;
    thread_pool *pool = thread_pool_create(v->opt.threads);
    if (!pool)
        die(v, "out of memory starting the threads");
    sequential_runner runner;
    sequential_runner_init(&runner, &v->arch, v->params, v->stats, ENGINE_FAST, pool, EVAL_BATCH);
    real *x = tensor_alloc((size_t)EVAL_BATCH * v->arch.in_h * v->arch.in_w, "a batch of images");
    int *labels = checked_calloc(EVAL_BATCH, sizeof(int), "labels"), found[MAX_MISTAKES];
    real *probs = tensor_alloc((size_t)count * classes, "the test set's probabilities");
    long right = set_probabilities(&runner, &v->test_images, &v->test_labels, count, x, labels, probs);
    sequential_runner_free(&runner);
    thread_pool_free(pool);
    free(x);
    free(labels);
    int *truth = checked_calloc((size_t)count, sizeof(int), "labels");
    for (int i = 0; i < count; i++)
        truth[i] = v->test_labels.labels[i];
    int n = confident_mistakes(probs, truth, count, classes, wanted, found);
    free(truth);
    printf("%ld of %d test images right (accuracy %.4f), %ld wrong; the %d it gets wrong with the most\n"
           "confidence (the probability of its wrong answer, largest first):\n", right, count, (double)right / count,
           count - right, n);
    print_mistakes(v, found, n, probs);
    if (n > 0) {
        picture panel = mistakes_panel(v, found, n, probs);
        write_picture(v, "mistakes.pgm", &panel);
        add_panel(v, "most confident mistakes: label as answer", &panel, 0);
    }
    free(probs);
}

/* ---------------------------------------------------------------- the montage */

/* The header, the answer (probabilities and saliency side by side), then
 * every other panel below, in the order of the steps; a margin around. */
static void write_montage(viewer *v)
{
    char header[FILE_ERROR_SIZE + 128];
    picture top[MAX_PANELS], rest[MAX_PANELS + 1];
    int n_top = 0, n_rest = 0;
    for (int i = 0; i < v->n_panels; i++)
        if (v->on_top[i])
            top[n_top++] = v->panels[i];
    rest[n_rest++] = picture_beside(top, n_top, 24);
    for (int i = 0; i < v->n_panels; i++)
        if (!v->on_top[i])
            rest[n_rest++] = v->panels[i];
    picture body = picture_below(rest, n_rest, 20);
    picture_free(&rest[0]);
    snprintf(header, sizeof header, "%s: %s says %d (p %.3f)", v->opt.model, v->image_name, v->answer,
             (double)v->one.probs[v->answer]);
    picture titled = picture_titled(header, 2, &body);
    picture_free(&body);
    picture margin = picture_new(1, 8, PICTURE_PAPER), parts[3] = { margin, titled, margin };
    picture row = picture_beside(parts, 3, 0);
    picture rows[3] = { margin, row, margin };
    picture whole = picture_below(rows, 3, 0);
    picture_free(&margin);
    picture_free(&titled);
    picture_free(&row);
    printf("\nAll of it in one picture:\n");
    write_picture(v, "montage.pgm", &whole);
    picture_free(&whole);
}

int main(int argc, char **argv)
{
    viewer v;
    memset(&v, 0, sizeof v);
    out_file_check_stdout_at_exit(program);   /* a full disk on stdout: exit 1, not 0 */
    v.opt = parse_flags(argc, argv);
    printf("Lesson 14: what the network sees\n"
           "================================\n");
    step_model(&v);
    prepare_out_dir(&v);
    step_image(&v);
    step_filters(&v);
    step_maps(&v);
    step_outputs(&v);
    step_saliency(&v);
    step_mistakes(&v);
    write_montage(&v);
    printf("(PNG: convert %s/montage.pgm montage.png; gnuplot: make plots)\n", v.opt.out);
    viewer_free(&v);
    printf("\nNext: lesson 15, the sources' claims, tested (notes/15_claims.md; make claims QUICK=1).\n");
    return 0;
}
