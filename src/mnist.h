/* mnist.h: reading MNIST (and any data set in the same IDX format).
 *
 * An IDX file is a tiny header followed by raw bytes:
 *
 *   bytes 0..3   magic number, big-endian: 0x00000801 for labels (1 dimension),
 *                0x00000803 for images (3 dimensions). Its bytes are 0, 0, the
 *                element type (0x08 = unsigned byte) and the number of dimensions.
 *   then         one big-endian uint32 per dimension: count (labels), or
 *                count, rows, cols (images)
 *   then         count (x rows x cols) unsigned bytes, row-major
 *
 * MNIST is 60,000 training and 10,000 test images of 28x28 pixels, white digit
 * (255) on black (0). We keep the pixels as bytes in memory (60,000 images are
 * 47 MB as bytes, 188 MB as floats) and convert one batch at a time to reals
 * with images_to_real.
 *
 * Every reader checks everything: a missing file (and says so when the
 * file is there gzipped), a directory, a FIFO or device, an empty file,
 * a wrong magic number, a truncated header or body, trailing bytes, absurd
 * dimensions, a label that is not a digit. It then returns -1 and writes ONE
 * line (no trailing newline) into err that names the file and the problem.
 * It never allocates more than the file can hold. `make data` fetches MNIST
 * into data/mnist/, `make data-fashion` Fashion-MNIST into
 * data/fashion-mnist/ (src/tools/fetch_data.sh).
 *
 * What the labels mean: a data directory may hold classes.txt, ten lines,
 * the name of label 0 first (Fashion-MNIST's: T-shirt/top, Trouser, ...,
 * Ankle boot). The trainers and build/predict then print names where they
 * would print the label's number; without the file (MNIST) the classes are
 * the digits, and they print digits. */
#ifndef MNIST_H
#define MNIST_H

#include <stddef.h>
#include <stdio.h>
#include "real.h"

/* (count, rows, cols) pixels as bytes 0..255, row-major: image i starts at
 * pixels + i*rows*cols. */
typedef struct { int count, rows, cols; unsigned char *pixels; } image_set;
/* count labels 0..9 */
typedef struct { int count; unsigned char *labels; } label_set;

/* Each returns 0 on success; on failure -1 with ONE line in err (no trailing
 * newline) that names the file and the problem, e.g.
 * "data/mnist/train-images-idx3-ubyte: wrong magic 0x00000801 (expected
 * 0x00000803 for images; 0x00000801 is a label file)". On failure *out is
 * left empty (count 0, NULL pointer), so freeing it is harmless. */
int idx_read_images(const char *path, image_set *out, char *err, size_t err_size);
/* Also rejects a label > 9, naming its index. */
int idx_read_labels(const char *path, label_set *out, char *err, size_t err_size);
void image_set_free(image_set *s);
void label_set_free(label_set *s);

/* ---------------------------------------------------------------- class names */

#define CLASS_COUNT 10       /* labels 0..9 */
#define CLASS_NAME_MAX 24    /* bytes in a name, e.g. "Ankle boot" is 10 */

/* The names of the ten classes, from a classes file, or none (from_file 0:
 * the classes are the digits). */
typedef struct {
    int from_file;
    char names[CLASS_COUNT][CLASS_NAME_MAX + 1];
} class_names;

/* Reads path: exactly CLASS_COUNT lines, line k naming label k, each 1 to
 * CLASS_NAME_MAX bytes without control characters, no two alike (a '\r'
 * before a newline, and the last newline, are optional). A file that is
 * not there is no error: *out says "digits" (from_file 0) and it returns 0.
 * A bad file: -1, *out says "digits", and ONE line in err naming the file
 * and the problem, e.g. "data/x/classes.txt: 9 lines, expected 10 ...". */
int class_names_read(const char *path, class_names *out, char *err, size_t err_size);

/* The text for label c: its name when names came from a file (and c is one
 * of its classes), else the number c written into buf (size bytes, 12 is
 * enough), e.g. "7". Returns the text; names may be NULL (digits). */
const char *class_label(const class_names *names, int c, char *buf, size_t size);

/* The length of the longest name of classes 0..classes-1, to line names up
 * in a column; 0 when names is NULL or the classes are the digits (the
 * reports then print only the number, as they always have). */
int class_names_width(const class_names *names, int classes);

/* ---------------------------------------------------------------- a data directory */

typedef struct {
    image_set train_images, test_images;
    label_set train_labels, test_labels;
    class_names classes;        /* DIR/classes.txt, or the digits */
} mnist_data;

/* Reads DIR/train-images-idx3-ubyte, DIR/train-labels-idx1-ubyte,
 * DIR/t10k-images-idx3-ubyte and DIR/t10k-labels-idx1-ubyte, and
 * DIR/classes.txt when it is there; also checks that image and label counts
 * agree (naming both files) and that the training and test images have the
 * same size. On failure frees what it loaded and leaves *out empty; when
 * a file is missing, the message ends with how to fetch the data set
 * ("(make data fetches MNIST into data/mnist/)"). */
int mnist_load(const char *dir, mnist_data *out, char *err, size_t err_size);
/* The same, for a caller that knows which data set dir should hold: the
 * hint for a missing file then names its fetch command whatever the folder
 * is called (DATA_SET_FASHION: "make data-fashion ..."; DATA_SET_MNIST:
 * "make data ..."). mnist_load is DATA_SET_GUESS: Fashion-MNIST's command
 * when the folder's name contains "fashion", else MNIST's. */
typedef enum { DATA_SET_GUESS, DATA_SET_MNIST, DATA_SET_FASHION } data_set_kind;
int mnist_load_set(const char *dir, data_set_kind kind, mnist_data *out, char *err, size_t err_size);
void mnist_free(mnist_data *d);

/* Images [first, first+n) as reals scaled to [0,1] (pixel / 255): dst is
 * (n, rows, cols). A batch at a time. Needs 0 <= first, n >= 0 and
 * first + n <= s->count. */
void images_to_real(const image_set *s, int first, int n, real *dst);

/* Draw one rows x cols image in the terminal with the ASCII shades
 * " .:-=+*#%@" (dark to bright), two pixel rows per text row (a character
 * is about twice as tall as it is wide, so the digit keeps its shape), in a
 * frame: a 28x28 MNIST digit takes 16 lines of 30 characters. */
void draw_digit_ascii(FILE *out, const unsigned char *pixels, int rows, int cols);
/* Two images of the same size side by side, each in its frame, with a
 * title above each (e.g. a user's picture and what the network sees). */
void draw_digits_side_by_side(FILE *out, const unsigned char *left, const unsigned char *right, int rows, int cols,
                              const char *left_title, const char *right_title);

/* ---------------------------------------------------------------- the validation split */

/* Settings (the learning rate's decay, the epochs, augmentation, the
 * network) are chosen on a VALIDATION set held out of the training images,
 * never on the test set, which is scored once, at the end, to report the
 * choice (notes/10_mnist.md, "Why the test set is looked at once").
 *
 * The split is fixed: the LAST n of the count training images, images
 * count - n .. count - 1, whatever the seed, so every run of every trainer
 * holds out the same images, and training (which uses images 0 .. count -
 * n - 1, and with --limit L only the first L of those) never sees them.
 *
 * validation_count: how many to hold out. requested >= 0: that many;
 * VALIDATION_DEFAULT (-1): 5,000, MNIST's last 5,000 of 60,000, or a
 * twelfth of a set of fewer than 60,000 images (the tests' tiny sets).
 * Returns n, or -1 with one line in err ("--validation 300: the training
 * set has 200 images; at least one must be left to train on") when
 * requested >= count, or "the training set has no images" when count < 1. */
enum { VALIDATION_DEFAULT = -1, VALIDATION_IMAGES = 5000 };
int validation_count(int count, int requested, char *err, size_t err_size);

/* The order of the held-out images for scoring: count - n, ..., count - 1
 * (n of them), allocated (free it); exits with a message when out of memory. */
int *validation_order(int count, int n);

#endif
