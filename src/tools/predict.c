/* predict: ask a trained network (lesson 10's, lesson 12's, any model file
 * of format 1 or 2) what digit an image shows.
 *
 *   build/predict MODEL IMAGE.pgm [--raw]          classify a PGM picture of a digit (P2 or P5)
 *   build/predict MODEL --test-index N [--data DIR] classify MNIST test image N
 *   build/predict --dump-pgm N FILE [--data DIR]    write test image N as a PGM to edit
 *
 * It draws the image in the terminal and prints the ten outputs of the
 * final layer, the softmax probabilities (the outputs of the final layer
 * for each image that "Convolutional Neural Networks" shows). MODEL is what
 * `make mnist` saves (build/mnist.model), or `make mnist-deep`
 * (build/mnist-deep.model), or any trainer's --save.
 * A picture of any size is first prepared as MNIST's digits were
 * (src/digit.h: background from the border, contrast, crop, 20x20 box,
 * centre of mass), and the tool shows what it did and the result beside
 * the original; --raw skips that (the PGM must then be 28x28, white on
 * black). When the data directory (--data, default data/mnist) holds
 * classes.txt (Fashion-MNIST's, written by make data-fashion), the classes
 * are printed by name, e.g. "the network says: Sneaker"; otherwise by
 * number, the digits. Notes: notes/10_mnist.md. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "digit.h"
#include "file_error.h"
#include "flags.h"
#include "loss.h"
#include "mnist.h"
#include "model_file.h"
#include "out_file.h"
#include "pgm.h"
#include "sequential.h"
#include "tensor.h"
#include "training.h"

static const char *program = "predict";

static void fail(const char *message)
{
    fprintf(stderr, "%s: %s\n", program, message);
    exit(1);
}

typedef struct {
    const char *model, *image, *data, *dump_file;
    int test_index, dump_index;     /* -1: not given */
    int raw;                        /* --raw: the picture as it is */
} request;

/* The flags (src/flags.c) and the one or two plain arguments: MODEL and
 * IMAGE.pgm, MODEL alone with --test-index, or FILE alone with --dump-pgm. */
static request parse_args(int argc, char **argv)
{
    request r = { NULL, NULL, "data/mnist", NULL, -1, -1, 0 };
    const flag_spec specs[] = {
        FLAG_INT("--test-index", &r.test_index, 0, 100000000L, "N", "classify MNIST test image N"),
        FLAG_INT("--dump-pgm", &r.dump_index, 0, 100000000L, "N", "write MNIST test image N to the PGM file FILE"),
        FLAG_TEXT("--data", &r.data, "DIR", "where the MNIST files are"),
        FLAG_SWITCH("--raw", &r.raw, "use the picture as it is (28x28, white on black): no MNIST-style preparation"),
    };
    flag_set set = { program,
                     "predict MODEL IMAGE.pgm [--raw]            classify a PGM picture of a digit (P2 or P5)\n"
                     "       predict MODEL --test-index N [--data DIR]  classify MNIST test image N\n"
                     "       predict --dump-pgm N FILE [--data DIR]     write MNIST test image N as a PGM",
                     specs, (int)(sizeof specs / sizeof specs[0]), 2 };
    const char *args[2];
    int n_args;
    flags_parse_or_exit(&set, argc, argv, args, &n_args);
    int ok;
    if (r.dump_index >= 0) {
        r.dump_file = n_args > 0 ? args[0] : NULL;
        ok = n_args == 1 && r.test_index < 0;
    } else {
        r.model = n_args > 0 ? args[0] : NULL;
        r.image = n_args > 1 ? args[1] : NULL;
        ok = r.model && ((r.image != NULL) != (r.test_index >= 0));
    }
    if (!ok) {
        fprintf(stderr, "%s: expected MODEL IMAGE.pgm, MODEL --test-index N, or --dump-pgm N FILE (try --help)\n",
                program);
        exit(2);
    }
    return r;
}

/* DIR/NAME into path (size bytes), or exit with one line when it does not fit. */
static void join_path(char *path, size_t size, const char *dir, const char *name)
{
    int n = snprintf(path, size, "%s/%s", dir, name);
    if (n < 0 || (size_t)n >= size) {
        fprintf(stderr, "%s: --data: the directory name is too long (%zu characters)\n", program, strlen(dir));
        exit(1);
    }
}

/* MNIST test image `index` and its label, from DIR's two t10k files; `flag`
 * (--test-index or --dump-pgm) is the flag that asked for it. */
static void read_test_image(const char *dir, const char *flag, int index, image_set *images, int *label)
{
    char path[FILE_ERROR_SIZE], err[FILE_ERROR_SIZE];
    label_set labels;
    join_path(path, sizeof path, dir, "t10k-images-idx3-ubyte");
    if (idx_read_images(path, images, err, sizeof err) != 0)
        fail(err);
    join_path(path, sizeof path, dir, "t10k-labels-idx1-ubyte");
    if (idx_read_labels(path, &labels, err, sizeof err) != 0) {
        image_set_free(images);
        fail(err);
    }
    int count = images->count < labels.count ? images->count : labels.count;
    if (index >= count) {
        snprintf(err, sizeof err, "%s: there are %d test images: %s must be 0 to %d", dir, count, flag, count - 1);
        image_set_free(images);
        label_set_free(&labels);
        fail(err);
    }
    *label = labels.labels[index];
    label_set_free(&labels);
}

/* What the classes are called: DIR/classes.txt when it is there, else the
 * digits (names->from_file 0); a bad file ends the program with its line. */
static void read_class_names(const char *dir, class_names *names)
{
    char path[FILE_ERROR_SIZE], err[FILE_ERROR_SIZE];
    join_path(path, sizeof path, dir, "classes.txt");
    if (class_names_read(path, names, err, sizeof err) != 0)
        fail(err);
}

static void dump_pgm(const request *r, const class_names *names)
{
    image_set images;
    int label;
    char err[FILE_ERROR_SIZE], label_text[12];
    read_test_image(r->data, "--dump-pgm", r->dump_index, &images, &label);
    size_t size = (size_t)images.rows * images.cols;
    int rc = pgm_write(r->dump_file, images.pixels + size * (size_t)r->dump_index, images.rows, images.cols,
                       err, sizeof err);
    image_set_free(&images);
    if (rc != 0)
        fail(err);
    printf("wrote test image %d (label %s) to %s\n", r->dump_index,
           class_label(names, label, label_text, sizeof label_text), r->dump_file);
}

/* 1 when all n values are finite (a model whose parameters are huge but
 * finite overflows to infinity, and inf - inf is NaN). */
static int all_finite(const real *v, int n)
{
    for (int i = 0; i < n; i++)
        if (!isfinite((double)v[i]))
            return 0;
    return 1;
}

/* Forward the image through the network (test mode) and print the
 * probabilities, each with its class's name when names came from a file.
 * Returns the answer, or -1 (nothing printed) when the outputs are not
 * finite; *top is its probability. */
static int classify(const sequential *m, const real *params, const real *stats, const class_names *names,
                    unsigned char *pixels, double *top)
{
    char text[12];
    int width = class_names_width(names, m->classes);   /* 0 for the digits: numbers only */
    image_set one = { 1, m->in_h, m->in_w, pixels };
    real *x = tensor_alloc((size_t)m->in_h * m->in_w, "image");
    sequential_batch b;
    sequential_model net = { m, params, stats, ENGINE_FAST, 0, 0, 0, 0 };
    sequential_batch_alloc(m, 1, &b);
    images_to_real(&one, 0, 1, x);
    const real *logits = sequential_forward(&net, &b, x, 1, 0);
    softmax(logits, b.probs, m->classes);
    int best = 0;
    for (int c = 1; c < m->classes; c++)
        best = b.probs[c] > b.probs[best] ? c : best;
    int finite = all_finite(logits, m->classes) && all_finite(b.probs, m->classes);
    free(x);                                          /* after the last use of the logits */
    if (!finite) {
        sequential_batch_free(&b);
        return -1;
    }
    printf("outputs of the final layer (softmax probabilities):\n");
    for (int c = 0; c < m->classes; c++) {
        int bar = (int)(40 * b.probs[c] + 0.5);
        printf("  %d %-*s %.6f  %.*s%s\n", c, width, width ? class_label(names, c, text, sizeof text) : "",
               (double)b.probs[c], bar, "########################################",
               c == best ? "  <- the network's answer" : "");
    }
    *top = (double)b.probs[best];
    printf("the network says: %s (probability %.4f)\n", class_label(names, best, text, sizeof text), *top);
    sequential_batch_free(&b);
    return best;
}

/* The largest |parameter|, for the message about a broken model. */
static double largest_parameter(const real *params, long n)
{
    double largest = 0;
    for (long i = 0; i < n; i++)
        largest = fabs((double)params[i]) > largest ? fabs((double)params[i]) : largest;
    return largest;
}

/* The picture at path, prepared as MNIST (src/digit.h) into pixels (28x28),
 * with what was done and both images printed. Returns 0, or -1 with err. */
static int prepare_picture(const char *path, unsigned char *pixels, digit_report *report, char *err, size_t err_size)
{
    pgm_image img;
    unsigned char preview[DIGIT_SIDE * DIGIT_SIDE];
    if (pgm_load(path, &img, err, err_size) != 0)
        return -1;
    int rc = digit_prepare(&img, pixels, report) == 0 && digit_preview(&img, preview, DIGIT_SIDE) == 0 ? 0 : -1;
    if (rc != 0) {
        snprintf(err, err_size, "%s: out of memory preparing its %dx%d pixels", path, img.cols, img.rows);
    } else {
        printf("image %s (%dx%d), prepared as MNIST's digits were (--raw skips this):\n", path, img.cols, img.rows);
        digit_report_print(stdout, report);
        draw_digits_side_by_side(stdout, preview, pixels, DIGIT_SIDE, DIGIT_SIDE, "the picture", "what the network sees");
    }
    pgm_image_free(&img);
    return rc;
}

/* The image to classify, into pixels (in_h x in_w): a user's picture
 * (prepared unless --raw; *report filled when prepared) or a test image. */
static int load_image(const request *r, const sequential *arch, const class_names *names, unsigned char *pixels,
                      digit_report *report, int *prepared, char *err, size_t err_size)
{
    *prepared = 0;
    if (r->image && !r->raw && arch->in_h == DIGIT_SIDE && arch->in_w == DIGIT_SIDE) {
        *prepared = 1;
        return prepare_picture(r->image, pixels, report, err, err_size);
    }
    if (r->image) {
        if (pgm_read(r->image, pixels, arch->in_h, arch->in_w, err, err_size) != 0)
            return -1;
        printf("image %s (%dx%d), as it is%s\n", r->image, arch->in_w, arch->in_h, r->raw ? " (--raw)" : "");
    } else {
        image_set images;
        int label;
        read_test_image(r->data, "--test-index", r->test_index, &images, &label);
        if (images.rows != arch->in_h || images.cols != arch->in_w) {
            snprintf(err, err_size, "%s: test images are %dx%d but the model expects %dx%d", r->data,
                     images.rows, images.cols, arch->in_h, arch->in_w);
            image_set_free(&images);
            return -1;
        }
        memcpy(pixels, images.pixels + (size_t)r->test_index * arch->in_h * arch->in_w, (size_t)arch->in_h * arch->in_w);
        image_set_free(&images);
        char text[12];
        printf("test image %d of %s, labelled %s\n", r->test_index, r->data, class_label(names, label, text, sizeof text));
    }
    draw_digit_ascii(stdout, pixels, arch->in_h, arch->in_w);
    return 0;
}

int main(int argc, char **argv)
{
    out_file_check_stdout_at_exit(program);   /* a full disk on stdout: exit 1, not 0 */
    request r = parse_args(argc, argv);
    class_names names;
    read_class_names(r.data, &names);
    if (r.dump_index >= 0) {
        dump_pgm(&r, &names);
        return 0;
    }
    char err[FILE_ERROR_SIZE];
    sequential arch;
    real *params, *stats;
    if (sequential_load(r.model, &arch, &params, &stats, err, sizeof err) != 0)   /* format 1 or 2 */
        fail(err);
    if (arch.in_c != 1)
        snprintf(err, sizeof err, "%s: the model reads images of %d channels; predict reads grey images", r.model,
                 arch.in_c);
    if (arch.in_c != 1 || check_class_count(arch.classes, r.model, err, sizeof err) != 0) {   /* 10 classes */
        free(params);
        free(stats);
        fail(err);
    }
    printf("model %s: %s on %dx%d images, %ld parameters\n", r.model, arch.spec, arch.in_h, arch.in_w, arch.n_params);
    unsigned char *pixels = checked_calloc((size_t)arch.in_h * arch.in_w, 1, "image");
    digit_report report;
    int prepared;
    double top = 0;
    int best = load_image(&r, &arch, &names, pixels, &report, &prepared, err, sizeof err) == 0
             ? classify(&arch, params, stats, &names, pixels, &top) : -2;
    free(pixels);
    if (best == -1)
        snprintf(err, sizeof err, "%s: the network's outputs are not finite numbers: the model's "
                 "parameters, up to %g, overflow the computation. The model is broken: retrain it", r.model,
                 largest_parameter(params, arch.n_params));
    free(params);
    free(stats);
    if (best < 0)
        fail(err);
    int warned = prepared ? digit_warnings(stdout, &report) : 0;
    if (r.image && top < 0.5)
        printf("warning: the network is unsure (probability %.2f): the picture may not look like MNIST's digits%s\n",
               top, warned || !prepared ? "" : " (compare the two images above)");
    return 0;
}
