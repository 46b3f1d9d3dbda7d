/* predict: ask a trained network (lesson 10) what digit an image shows.
 *
 *   build/predict MODEL IMAGE.pgm                   classify a 28x28 PGM (P2 or P5)
 *   build/predict MODEL --test-index N [--data DIR] classify MNIST test image N
 *   build/predict --dump-pgm N FILE [--data DIR]    write test image N as a PGM to edit
 *
 * It draws the image in the terminal and prints the ten outputs of the
 * final layer, the softmax probabilities (Doshi: "outputs of the final
 * layer for each image"). MODEL is what `make mnist` saves: build/mnist.model.
 * MNIST digits are white on black; an image that is mostly bright (dark ink
 * on white paper) is inverted first, and the tool says so.
 * Notes: notes/10_mnist.md. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "convnet.h"
#include "flags.h"
#include "mnist.h"
#include "pgm.h"
#include "tensor.h"

static const char *program = "predict";

static void fail(const char *message)
{
    fprintf(stderr, "%s: %s\n", program, message);
    exit(1);
}

typedef struct {
    const char *model, *image, *data, *dump_file;
    int test_index, dump_index;     /* -1: not given */
} request;

/* The flags (src/flags.c) and the one or two plain arguments: MODEL and
 * IMAGE.pgm, MODEL alone with --test-index, or FILE alone with --dump-pgm. */
static request parse_args(int argc, char **argv)
{
    request r = { NULL, NULL, "data/mnist", NULL, -1, -1 };
    const flag_spec specs[] = {
        FLAG_INT("--test-index", &r.test_index, 0, 100000000L, "N", "classify MNIST test image N"),
        FLAG_INT("--dump-pgm", &r.dump_index, 0, 100000000L, "N", "write MNIST test image N to the PGM file FILE"),
        FLAG_TEXT("--data", &r.data, "DIR", "where the MNIST files are"),
    };
    flag_set set = { program,
                     "predict MODEL IMAGE.pgm                    classify a PGM image (P2 or P5)\n"
                     "       predict MODEL --test-index N [--data DIR]  classify MNIST test image N\n"
                     "       predict --dump-pgm N FILE [--data DIR]     write MNIST test image N as a PGM",
                     specs, 3, 2 };
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

/* MNIST test image `index` and its label, from DIR's two t10k files; `flag`
 * (--test-index or --dump-pgm) is the flag that asked for it. */
static void read_test_image(const char *dir, const char *flag, int index, image_set *images, int *label)
{
    char path[4096], err[512];
    label_set labels;
    snprintf(path, sizeof path, "%s/t10k-images-idx3-ubyte", dir);
    if (idx_read_images(path, images, err, sizeof err) != 0)
        fail(err);
    snprintf(path, sizeof path, "%s/t10k-labels-idx1-ubyte", dir);
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

static void dump_pgm(const request *r)
{
    image_set images;
    int label;
    char err[512];
    read_test_image(r->data, "--dump-pgm", r->dump_index, &images, &label);
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

/* Forward the image through the network and print the ten probabilities. */
static void classify(const convnet_arch *a, const convnet_params *p, unsigned char *pixels)
{
    image_set one = { 1, a->in_h, a->in_w, pixels };
    real *x = tensor_alloc((size_t)a->in_h * a->in_w, "image");
    convnet_work w;
    convnet_work_alloc(a, &w);
    images_to_real(&one, 0, 1, x);
    int best = convnet_forward(a, p, &w, x);
    draw_digit_ascii(stdout, pixels, a->in_h, a->in_w);
    printf("outputs of the final layer (softmax probabilities):\n");
    for (int c = 0; c < a->classes; c++) {
        int bar = (int)(40 * w.probs[c] + 0.5);
        printf("  %d  %.6f  %.*s%s\n", c, (double)w.probs[c], bar,
               "########################################", c == best ? "  <- the network's answer" : "");
    }
    printf("the network says: %d (probability %.4f)\n", best, (double)w.probs[best]);
    convnet_work_free(&w);
    free(x);
}

int main(int argc, char **argv)
{
    request r = parse_args(argc, argv);
    if (r.dump_index >= 0) {
        dump_pgm(&r);
        return 0;
    }
    char err[512], description[160];
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
        read_test_image(r.data, "--test-index", r.test_index, &images, &label);
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
    classify(&arch, &params, pixels);
    free(pixels);
    convnet_params_free(&params);
    return 0;
}
