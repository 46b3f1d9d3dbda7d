/* predict: ask a trained network (lesson 10) what digit an image shows.
 *
 *   build/predict MODEL IMAGE.pgm                   classify a 28x28 PGM (P2 or P5)
 *   build/predict MODEL --test-index N [--data DIR] classify MNIST test image N
 *   build/predict --dump-pgm N FILE [--data DIR]    write test image N as a PGM to edit
 *
 * It draws the image in the terminal and prints the ten outputs of the
 * final layer, the softmax probabilities (seed 001: "outputs of the final
 * layer for each image"). MODEL is what `make mnist` saves: build/mnist.model.
 * MNIST digits are white on black; an image that is mostly bright (dark ink
 * on white paper) is inverted first, and the tool says so.
 * Notes: notes/10_mnist.md. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "convnet.h"
#include "file_error.h"
#include "mnist.h"
#include "out_file.h"
#include "pgm.h"
#include "tensor.h"

static const char *program = "predict";

static void usage(FILE *out)
{
    fprintf(out,
            "usage: %s MODEL IMAGE.pgm                    classify a PGM image (P2 or P5)\n"
            "       %s MODEL --test-index N [--data DIR]  classify MNIST test image N\n"
            "       %s --dump-pgm N FILE [--data DIR]     write MNIST test image N as a PGM\n"
            "  --data DIR   where the MNIST files are (default data/mnist)\n",
            program, program, program);
}

static void fail(const char *message)
{
    fprintf(stderr, "%s: %s\n", program, message);
    exit(1);
}

static int parse_index(const char *flag, const char *text)
{
    char *end;
    long v = strtol(text, &end, 10);
    if (end == text || *end != '\0' || v < 0 || v > 100000000L) {
        fprintf(stderr, "%s: %s '%s': expected a whole number >= 0 (try --help)\n", program, flag, text);
        exit(2);
    }
    return (int)v;
}

typedef struct {
    const char *model, *image, *data, *dump_file;
    int test_index, dump_index;     /* -1: not given */
} request;

static request parse_args(int argc, char **argv)
{
    request r = { NULL, NULL, "data/mnist", NULL, -1, -1 };
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int has_value = i + 1 < argc;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            exit(0);
        } else if (strcmp(a, "--data") == 0 && has_value) {
            r.data = argv[++i];
        } else if (strcmp(a, "--test-index") == 0 && has_value) {
            r.test_index = parse_index(a, argv[++i]);
        } else if (strcmp(a, "--dump-pgm") == 0 && i + 2 < argc) {
            r.dump_index = parse_index(a, argv[++i]);
            r.dump_file = argv[++i];
        } else if (strncmp(a, "--", 2) == 0) {
            fprintf(stderr, "%s: unknown option or missing value: '%s' (try --help)\n", program, a);
            exit(2);
        } else if (!r.model && r.dump_index < 0) {
            r.model = a;
        } else if (!r.image) {
            r.image = a;
        } else {
            fprintf(stderr, "%s: unexpected argument '%s' (try --help)\n", program, a);
            exit(2);
        }
    }
    int wants_dump = r.dump_index >= 0;
    int ok = wants_dump ? (!r.model && !r.image && r.test_index < 0)
                        : (r.model && ((r.image != NULL) != (r.test_index >= 0)));
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

/* MNIST test image `index` and its label, from DIR's two t10k files. */
static void read_test_image(const char *dir, int index, image_set *images, int *label)
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
        snprintf(err, sizeof err, "%s: there are %d test images: --test-index must be 0 to %d", dir, count, count - 1);
        image_set_free(images);
        label_set_free(&labels);
        fail(err);
    }
    *label = labels.labels[index];
    label_set_free(&labels);
}

static void dump_pgm(const request *r)
{
    image_set images;
    int label;
    char err[FILE_ERROR_SIZE];
    read_test_image(r->data, r->dump_index, &images, &label);
    size_t size = (size_t)images.rows * images.cols;
    int rc = pgm_write(r->dump_file, images.pixels + size * (size_t)r->dump_index, images.rows, images.cols,
                       err, sizeof err);
    image_set_free(&images);
    if (rc != 0)
        fail(err);
    printf("wrote test image %d (label %d) to %s\n", r->dump_index, label, r->dump_file);
}

/* Dark ink on white paper has a bright background: flip it to MNIST's white on black. */
static int invert_if_bright(unsigned char *pixels, size_t n)
{
    unsigned long sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += pixels[i];
    if (sum <= 128 * n)
        return 0;
    for (size_t i = 0; i < n; i++)
        pixels[i] = (unsigned char)(255 - pixels[i]);
    return 1;
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

/* Forward the image through the network and print the ten probabilities.
 * Returns 0, or -1 (nothing printed) when the outputs are not finite. */
static int classify(const convnet_arch *a, const convnet_params *p, unsigned char *pixels)
{
    image_set one = { 1, a->in_h, a->in_w, pixels };
    real *x = tensor_alloc((size_t)a->in_h * a->in_w, "image");
    convnet_work w;
    convnet_work_alloc(a, &w);
    images_to_real(&one, 0, 1, x);
    int best = convnet_forward(a, p, &w, x);
    free(x);
    if (!all_finite(w.logits, a->classes) || !all_finite(w.probs, a->classes)) {
        convnet_work_free(&w);
        return -1;
    }
    draw_digit_ascii(stdout, pixels, a->in_h, a->in_w);
    printf("outputs of the final layer (softmax probabilities):\n");
    for (int c = 0; c < a->classes; c++) {
        int bar = (int)(40 * w.probs[c] + 0.5);
        printf("  %d  %.6f  %.*s%s\n", c, (double)w.probs[c], bar,
               "########################################", c == best ? "  <- the network's answer" : "");
    }
    printf("the network says: %d (probability %.4f)\n", best, (double)w.probs[best]);
    convnet_work_free(&w);
    return 0;
}

int main(int argc, char **argv)
{
    out_file_check_stdout_at_exit(program);   /* a full disk on stdout: exit 1, not 0 */
    request r = parse_args(argc, argv);
    if (r.dump_index >= 0) {
        dump_pgm(&r);
        return 0;
    }
    char err[FILE_ERROR_SIZE], description[160];
    convnet_arch arch;
    convnet_params params;
    if (convnet_load(r.model, &arch, &params, err, sizeof err) != 0)
        fail(err);
    convnet_arch_describe(&arch, description, sizeof description);
    printf("model %s: %s, %ld parameters\n", r.model, description, arch.n_params);
    unsigned char *pixels = checked_calloc((size_t)arch.in_h * arch.in_w, 1, "image");
    if (r.image) {
        if (pgm_read(r.image, pixels, arch.in_h, arch.in_w, err, sizeof err) != 0) {
            free(pixels);
            convnet_params_free(&params);
            fail(err);
        }
        printf("image %s (%dx%d)%s\n", r.image, arch.in_w, arch.in_h,
               invert_if_bright(pixels, (size_t)arch.in_h * arch.in_w)
                   ? ": mostly bright, so inverted to white on black like MNIST" : "");
    } else {
        image_set images;
        int label;
        read_test_image(r.data, r.test_index, &images, &label);
        if (images.rows != arch.in_h || images.cols != arch.in_w) {
            snprintf(err, sizeof err, "%s: test images are %dx%d but the model expects %dx%d", r.data,
                     images.rows, images.cols, arch.in_h, arch.in_w);
            image_set_free(&images);
            free(pixels);
            convnet_params_free(&params);
            fail(err);
        }
        memcpy(pixels, images.pixels + (size_t)r.test_index * arch.in_h * arch.in_w, (size_t)arch.in_h * arch.in_w);
        image_set_free(&images);
        printf("test image %d of %s, labelled %d\n", r.test_index, r.data, label);
    }
    int rc = classify(&arch, &params, pixels);
    free(pixels);
    if (rc != 0) {
        snprintf(err, sizeof err, "%s: the network's outputs are not finite numbers: the model's "
                 "parameters, up to %g, overflow the computation. The model is broken: retrain it", r.model,
                 convnet_largest_parameter(&arch, &params));
        convnet_params_free(&params);
        fail(err);
    }
    convnet_params_free(&params);
    return 0;
}
