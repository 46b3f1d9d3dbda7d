/* tests/unit_mnist.c: the IDX reader (src/mnist.h) on tiny synthetic files
 * this test writes itself under $BUILD_DIR/tmp, good and bad, and, when
 * `make data` has been run, on the real MNIST files in data/mnist/ (and,
 * after `make data-fashion`, Fashion-MNIST's in data/fashion-mnist/);
 * the classes file (classes.txt) good, bad and missing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "mnist.h"

/* ------------------------------------------------------------ helpers */

static const char *tmp_dir;   /* $BUILD_DIR/tmp/unit_mnist, from make_tmp_dir */

static void put_u32(unsigned char *b, unsigned long v)
{
    b[0] = (unsigned char)(v >> 24);
    b[1] = (unsigned char)(v >> 16);
    b[2] = (unsigned char)(v >> 8);
    b[3] = (unsigned char)v;
}

/* An image file: magic, count, rows, cols, then data_bytes bytes (i % 256
 * unless pixels is given), written to tmp_dir/name. */
static const char *write_images(const char *name, unsigned long magic, unsigned long count,
                                unsigned long rows, unsigned long cols,
                                const unsigned char *pixels, size_t data_bytes)
{
    unsigned char *b = malloc(16 + data_bytes);
    if (b == NULL)
        exit(1);
    put_u32(b, magic);
    put_u32(b + 4, count);
    put_u32(b + 8, rows);
    put_u32(b + 12, cols);
    for (size_t i = 0; i < data_bytes; i++)
        b[16 + i] = pixels ? pixels[i] : (unsigned char)(i % 256);
    const char *path = tmp_path(name);
    write_test_file(path, b, 16 + data_bytes);
    free(b);
    return path;
}

static const char *write_labels(const char *name, unsigned long magic, unsigned long count,
                                const unsigned char *labels, size_t data_bytes)
{
    unsigned char *b = malloc(8 + data_bytes);
    if (b == NULL)
        exit(1);
    put_u32(b, magic);
    put_u32(b + 4, count);
    for (size_t i = 0; i < data_bytes; i++)
        b[8 + i] = labels ? labels[i] : (unsigned char)(i % 10);
    const char *path = tmp_path(name);
    write_test_file(path, b, 8 + data_bytes);
    free(b);
    return path;
}

/* The reader failed with one line that names the file and contains word. */
static void check_images_rejected(const char *path, const char *word)
{
    char err[512] = "";
    image_set s = { 7, 7, 7, (unsigned char *)err };   /* garbage: must be reset */
    CHECK_INT(idx_read_images(path, &s, err, sizeof err), -1);
    CHECK(s.pixels == NULL && s.count == 0);
    CHECK_CONTAINS(err, path);
    CHECK_CONTAINS(err, word);
    CHECK(strchr(err, '\n') == NULL);
    printf("  rejected as expected: %s\n", err);
    if (s.pixels != (unsigned char *)err)
        image_set_free(&s);
}

static void check_labels_rejected(const char *path, const char *word)
{
    char err[512] = "";
    label_set s = { 7, (unsigned char *)err };
    CHECK_INT(idx_read_labels(path, &s, err, sizeof err), -1);
    CHECK(s.labels == NULL && s.count == 0);
    CHECK_CONTAINS(err, path);
    CHECK_CONTAINS(err, word);
    CHECK(strchr(err, '\n') == NULL);
    printf("  rejected as expected: %s\n", err);
    if (s.labels != (unsigned char *)err)
        label_set_free(&s);
}

/* 3 images of 2x3: pixels chosen so the scaling is easy to check */
static const unsigned char good_pixels[18] = {
    0, 255, 51, 102, 153, 204,
    1, 2, 3, 4, 5, 6,
    255, 255, 255, 0, 0, 0,
};
static const unsigned char good_labels[3] = { 5, 0, 9 };

/* ------------------------------------------------------------ good files */

static void test_reads_images(void)
{
    const char *path = write_images("good-images", 0x803, 3, 2, 3, good_pixels, 18);
    char err[256] = "";
    image_set s;
    CHECK_INT(idx_read_images(path, &s, err, sizeof err), 0);
    CHECK_INT(s.count, 3);
    CHECK_INT(s.rows, 2);
    CHECK_INT(s.cols, 3);
    CHECK(s.pixels != NULL && memcmp(s.pixels, good_pixels, 18) == 0);
    image_set_free(&s);
    CHECK(s.pixels == NULL && s.count == 0);
    image_set_free(&s);   /* twice is harmless */
    remove(path);
}

static void test_reads_labels(void)
{
    const char *path = write_labels("good-labels", 0x801, 3, good_labels, 3);
    char err[256] = "";
    label_set s;
    CHECK_INT(idx_read_labels(path, &s, err, sizeof err), 0);
    CHECK_INT(s.count, 3);
    CHECK(s.labels != NULL && memcmp(s.labels, good_labels, 3) == 0);
    label_set_free(&s);
    CHECK(s.labels == NULL && s.count == 0);
    remove(path);
}

static void test_images_to_real_scales_to_0_1(void)
{
    image_set s = { 3, 2, 3, (unsigned char *)good_pixels };
    real all[18], batch[12];
    images_to_real(&s, 0, 3, all);
    CHECK_NEAR(all[0], 0.0, 0);
    CHECK_NEAR(all[1], 1.0, 0);
    CHECK_NEAR(all[2], 0.2, 1e-15);
    CHECK_NEAR(all[3], 0.4, 1e-15);
    CHECK_NEAR(all[5], 0.8, 1e-15);
    CHECK_NEAR(all[6], 1.0 / 255, 1e-15);
    /* a batch starting at image 1: images 1 and 2 */
    for (int i = 0; i < 12; i++)
        batch[i] = -1;
    images_to_real(&s, 1, 2, batch);
    for (int i = 0; i < 12; i++)
        CHECK_NEAR(batch[i], good_pixels[6 + i] / 255.0, 1e-15);
    /* n = 0 writes nothing */
    images_to_real(&s, 3, 0, batch);
    CHECK_NEAR(batch[0], 1 / 255.0, 1e-15);
}

static void test_draw_digit_ascii(void)
{
    /* a 4x5 "image": a bright vertical bar in column 2, a half-bright pixel */
    unsigned char px[20] = { 0 };
    for (int y = 0; y < 4; y++)
        px[y * 5 + 2] = 255;
    px[0] = 128;
    px[5] = 128;
    FILE *f = tmpfile();
    CHECK(f != NULL);
    if (f == NULL)
        return;
    draw_digit_ascii(f, px, 4, 5);
    rewind(f);
    char text[512] = "";
    size_t n = fread(text, 1, sizeof text - 1, f);
    text[n] = '\0';
    fclose(f);
    printf("%s", text);
    /* two pixel rows per text row, in a frame: 2 + 2 lines of 5 + 2 characters */
    CHECK_INT(count_lines_containing(text, "|"), 2);
    CHECK_CONTAINS(text, "+-----+\n");
    CHECK_CONTAINS(text, "|+ @  |\n");   /* 128 over 128 is shade 5 of 0..9, '+'; 255 is '@' */
    CHECK_CONTAINS(text, "|  @  |\n");
}

/* ------------------------------------------------------------ bad files */

static void test_missing_file(void)
{
    check_images_rejected(tmp_path("no-such-file"), "cannot open");
    check_labels_rejected(tmp_path("no-such-file"), "No such file");
}

static void test_directory(void)
{
    check_images_rejected(tmp_dir, "directory");
    check_labels_rejected(tmp_dir, "directory");
}

static void test_empty_file(void)
{
    const char *path = tmp_path("empty");
    write_test_file(path, NULL, 0);
    check_images_rejected(path, "empty");
    check_labels_rejected(path, "empty");
    remove(path);
}

static void test_wrong_magic(void)
{
    /* a label file read as images and the other way round: the hint says so */
    const char *labels = write_labels("labels-as-images", 0x801, 3, good_labels, 3);
    check_images_rejected(labels, "wrong magic 0x00000801 (expected 0x00000803 for images; 0x00000801 is a label file)");
    const char *images = write_images("images-as-labels", 0x803, 3, 2, 3, good_pixels, 18);
    check_labels_rejected(images, "wrong magic 0x00000803 (expected 0x00000801 for labels");
    /* a still-gzipped download */
    const unsigned char gz[8] = { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0 };
    const char *gzpath = tmp_path("gzipped");
    write_test_file(gzpath, gz, sizeof gz);
    check_images_rejected(gzpath, "gunzip it first");
    /* plain text */
    const char *text = tmp_path("text");
    write_test_file(text, (const unsigned char *)"hello world\n", 12);
    check_labels_rejected(text, "wrong magic 0x68656C6C");
    remove(labels);
    remove(images);
    remove(gzpath);
    remove(text);
}

static void test_truncated_header(void)
{
    unsigned char b[16];
    put_u32(b, 0x803);
    put_u32(b + 4, 3);
    put_u32(b + 8, 2);
    put_u32(b + 12, 3);
    const char *path = tmp_path("short-header");
    write_test_file(path, b, 2);    /* inside the magic */
    check_images_rejected(path, "truncated header");
    write_test_file(path, b, 10);   /* inside rows */
    check_images_rejected(path, "truncated header");
    write_test_file(path, b, 12);   /* cols missing */
    check_images_rejected(path, "dimension 3 of 3");
    put_u32(b, 0x801);
    write_test_file(path, b, 6);
    check_labels_rejected(path, "truncated header");
    remove(path);
}

static void test_truncated_data(void)
{
    const char *path = write_images("short-images", 0x803, 3, 2, 3, good_pixels, 17);
    check_images_rejected(path, "truncated data: the header says 3 x 2 x 3 = 18 bytes of images, but the file has 17");
    /* the header promises 60000 images, the file has none of them */
    path = write_images("short-images", 0x803, 60000, 28, 28, NULL, 0);
    check_images_rejected(path, "truncated data");
    remove(path);
    path = write_labels("short-labels", 0x801, 4, good_labels, 3);
    check_labels_rejected(path, "truncated data");
    remove(path);
}

static void test_trailing_garbage(void)
{
    unsigned char more[19];
    memcpy(more, good_pixels, 18);
    more[18] = 42;
    const char *path = write_images("long-images", 0x803, 3, 2, 3, more, 19);
    check_images_rejected(path, "trailing bytes");
    remove(path);
    path = write_labels("long-labels", 0x801, 2, good_labels, 3);
    check_labels_rejected(path, "trailing bytes");
    remove(path);
}

static void test_absurd_dimensions(void)
{
    /* the product of three 31-bit numbers overflows 64 bits */
    const char *path = write_images("huge", 0x803, 0x7FFFFFFFul, 0x7FFFFFFFul, 0x7FFFFFFFul, NULL, 8);
    check_images_rejected(path, "bad dimensions 2147483647 x 2147483647 x 2147483647: their product overflows");
    /* each dimension over INT_MAX */
    path = write_images("huge", 0x803, 0xFFFFFFFFul, 0xFFFFFFFFul, 0xFFFFFFFFul, NULL, 8);
    check_images_rejected(path, "bad dimensions 4294967295 x 4294967295 x 4294967295");
    path = write_labels("huge", 0x801, 0xFFFFFFFFul, NULL, 8);
    check_labels_rejected(path, "bad dimensions 4294967295");
    /* a large product that fits, but not this file */
    path = write_images("huge", 0x803, 1000000, 1000, 1000, NULL, 8);
    check_images_rejected(path, "truncated data");
    remove(path);
}

static void test_zero_dimensions(void)
{
    const char *path = write_images("zero", 0x803, 0, 28, 28, NULL, 0);
    check_images_rejected(path, "the count cannot be zero");
    path = write_images("zero", 0x803, 3, 0, 28, NULL, 0);
    check_images_rejected(path, "rows cannot be zero");
    path = write_images("zero", 0x803, 3, 28, 0, NULL, 0);
    check_images_rejected(path, "cols cannot be zero");
    path = write_labels("zero", 0x801, 0, NULL, 0);
    check_labels_rejected(path, "the count cannot be zero");
    remove(path);
}

static void test_label_above_9(void)
{
    const unsigned char labels[5] = { 1, 2, 3, 10, 255 };
    const char *path = write_labels("label-10", 0x801, 5, labels, 5);
    check_labels_rejected(path, "bad label 10 at index 3");
    remove(path);
}

static void test_small_error_buffer(void)
{
    char err[12];
    memset(err, 'x', sizeof err);
    image_set s;
    CHECK_INT(idx_read_images(tmp_path("no-such-file"), &s, err, sizeof err), -1);
    CHECK(memchr(err, '\0', sizeof err) != NULL);   /* truncated, still a string */
    CHECK_INT(idx_read_images(tmp_path("no-such-file"), &s, NULL, 0), -1);
}

/* ------------------------------------------------------------ mnist_load */

static const char *names[4] = { "train-images-idx3-ubyte", "train-labels-idx1-ubyte",
                                "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte" };

/* A data set in tmp_dir/set: 3 training and 2 test images of 2x3 (test_cols). */
static void write_set(int train_labels, int test_cols)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "mkdir -p '%s/set'", tmp_dir);
    program_result r = run_program(cmd);
    program_result_free(&r);
    write_images("set/train-images-idx3-ubyte", 0x803, 3, 2, 3, good_pixels, 18);
    write_labels("set/train-labels-idx1-ubyte", 0x801, (unsigned long)train_labels, NULL, (size_t)train_labels);
    write_images("set/t10k-images-idx3-ubyte", 0x803, 2, 2, (unsigned long)test_cols, NULL, (size_t)(4 * test_cols));
    write_labels("set/t10k-labels-idx1-ubyte", 0x801, 2, good_labels + 1, 2);
}

static void remove_set(void)
{
    char name[256];
    for (int i = 0; i < 4; i++) {
        snprintf(name, sizeof name, "set/%s", names[i]);
        remove(tmp_path(name));
    }
    remove(tmp_path("set"));
}

static void test_mnist_load_good_set(void)
{
    write_set(3, 3);
    mnist_data d;
    char err[512] = "";
    CHECK_INT(mnist_load(tmp_path("set"), &d, err, sizeof err), 0);
    CHECK_INT(d.train_images.count, 3);
    CHECK_INT(d.train_labels.count, 3);
    CHECK_INT(d.test_images.count, 2);
    CHECK_INT(d.test_labels.count, 2);
    CHECK_INT(d.test_images.rows, 2);
    CHECK_INT(d.test_images.cols, 3);
    CHECK_INT(d.train_labels.labels[2], 2);
    CHECK_INT(d.test_labels.labels[1], 9);
    CHECK_INT(d.train_images.pixels[1], 255);
    mnist_free(&d);
    CHECK(d.train_images.pixels == NULL && d.test_labels.labels == NULL);
    mnist_free(&d);
    remove_set();
}

static void test_mnist_load_count_mismatch(void)
{
    write_set(4, 3);
    mnist_data d;
    char err[512] = "";
    CHECK_INT(mnist_load(tmp_path("set"), &d, err, sizeof err), -1);
    printf("  rejected as expected: %s\n", err);
    CHECK_CONTAINS(err, "set/train-images-idx3-ubyte has 3 images");
    CHECK_CONTAINS(err, "set/train-labels-idx1-ubyte has 4 labels");
    CHECK(d.train_images.pixels == NULL && d.train_labels.labels == NULL);
    remove_set();
}

static void test_mnist_load_size_mismatch(void)
{
    write_set(3, 4);
    mnist_data d;
    char err[512] = "";
    CHECK_INT(mnist_load(tmp_path("set"), &d, err, sizeof err), -1);
    printf("  rejected as expected: %s\n", err);
    CHECK_CONTAINS(err, "t10k-images-idx3-ubyte has 2x4 images but");
    CHECK(d.train_images.pixels == NULL && d.test_images.pixels == NULL);
    remove_set();
}

static void test_mnist_load_missing_file(void)
{
    write_set(3, 3);
    char path[1024];
    snprintf(path, sizeof path, "%s/set/t10k-labels-idx1-ubyte", tmp_dir);
    remove(path);
    mnist_data d;
    char err[512] = "";
    CHECK_INT(mnist_load(tmp_path("set"), &d, err, sizeof err), -1);
    printf("  rejected as expected: %s\n", err);
    CHECK_CONTAINS(err, path);
    CHECK_CONTAINS(err, "No such file");
    CHECK_CONTAINS(err, "make data");                                     /* how to fetch it */
    CHECK(d.train_images.pixels == NULL && d.test_images.pixels == NULL);   /* freed */
    remove_set();

    CHECK_INT(mnist_load(tmp_path("no-such-dir"), &d, err, sizeof err), -1);
    CHECK_CONTAINS(err, "no-such-dir/train-images-idx3-ubyte: cannot open");
    CHECK_CONTAINS(err, "(make data fetches MNIST");
    CHECK_INT(mnist_load(tmp_path("fashion-elsewhere"), &d, err, sizeof err), -1);
    CHECK_CONTAINS(err, "(make data-fashion fetches Fashion-MNIST");
    /* a caller that says which data set it wants gets its command, whatever the folder's name */
    CHECK_INT(mnist_load_set(tmp_path("no-such-dir"), DATA_SET_FASHION, &d, err, sizeof err), -1);
    CHECK_CONTAINS(err, "(make data-fashion fetches Fashion-MNIST");
    CHECK_INT(mnist_load_set(tmp_path("fashion-elsewhere"), DATA_SET_MNIST, &d, err, sizeof err), -1);
    CHECK_CONTAINS(err, "(make data fetches MNIST");
    CHECK_INT(mnist_load_set(tmp_path("fashion-elsewhere"), DATA_SET_GUESS, &d, err, sizeof err), -1);
    CHECK_CONTAINS(err, "(make data-fashion fetches Fashion-MNIST");
}

/* ------------------------------------------------------------ class names */

static const char fashion_names[] = "T-shirt/top\nTrouser\nPullover\nDress\nCoat\nSandal\nShirt\nSneaker\nBag\n"
                                    "Ankle boot\n";

/* tmp_dir/name holding text; returns its path. */
static const char *write_text(const char *name, const char *text)
{
    const char *path = tmp_path(name);
    write_test_file(path, text, strlen(text));
    return path;
}

/* The classes file at path is refused with one line naming it and containing
 * word, and the names read are the digits. */
static void check_classes_rejected(const char *path, const char *word)
{
    char err[512] = "", text[12];
    class_names c;
    memset(&c, 'x', sizeof c);
    CHECK_INT(class_names_read(path, &c, err, sizeof err), -1);
    CHECK_INT(c.from_file, 0);
    CHECK(strcmp(class_label(&c, 3, text, sizeof text), "3") == 0);
    CHECK_CONTAINS(err, path);
    CHECK_CONTAINS(err, word);
    CHECK(strchr(err, '\n') == NULL);
    printf("  rejected as expected: %s\n", err);
}

static void test_class_names_good(void)
{
    static const char *variants[][2] = {
        { "classes.txt", fashion_names },
        { "crlf.txt", "T-shirt/top\r\nTrouser\r\nPullover\r\nDress\r\nCoat\r\nSandal\r\nShirt\r\nSneaker\r\nBag\r\n"
                      "Ankle boot\r\n" },
        { "no-final-newline.txt", "T-shirt/top\nTrouser\nPullover\nDress\nCoat\nSandal\nShirt\nSneaker\nBag\nAnkle boot" },
    };
    for (size_t v = 0; v < sizeof variants / sizeof variants[0]; v++) {
        const char *path = write_text(variants[v][0], variants[v][1]);
        char err[512] = "", text[12];
        class_names c;
        CHECK_INT(class_names_read(path, &c, err, sizeof err), 0);
        CHECK_INT(c.from_file, 1);
        CHECK(strcmp(class_label(&c, 0, text, sizeof text), "T-shirt/top") == 0);
        CHECK(strcmp(class_label(&c, 6, text, sizeof text), "Shirt") == 0);
        CHECK(strcmp(class_label(&c, 9, text, sizeof text), "Ankle boot") == 0);
        CHECK(strcmp(class_label(&c, 10, text, sizeof text), "10") == 0);   /* not one of its classes */
        if (err[0])
            printf("  %s\n", err);
        remove(path);
    }
    /* exactly CLASS_NAME_MAX bytes is allowed, and so is UTF-8 */
    char text[CLASS_COUNT * (CLASS_NAME_MAX + 1) + 1] = "";
    for (int k = 0; k < CLASS_COUNT; k++)
        snprintf(text + strlen(text), sizeof text - strlen(text), "%s%d\n",
                 k == 0 ? "abcdefghijklmnopqrstuvw" : k == 1 ? "\xc3\xa9t\xc3\xa9" : "class ", k);
    const char *path = write_text("long.txt", text);
    class_names c;
    char err[512] = "";
    CHECK_INT(class_names_read(path, &c, err, sizeof err), 0);
    CHECK_INT((long)strlen(c.names[0]), CLASS_NAME_MAX);
    CHECK(strcmp(c.names[1], "\xc3\xa9t\xc3\xa9" "1") == 0);
    remove(path);
}

static void test_class_names_missing_file_means_digits(void)
{
    char err[512] = "", text[12];
    class_names c;
    memset(&c, 'x', sizeof c);
    CHECK_INT(class_names_read(tmp_path("no-classes.txt"), &c, err, sizeof err), 0);
    CHECK_INT(c.from_file, 0);
    CHECK_INT(err[0], '\0');
    for (int k = 0; k < CLASS_COUNT; k++) {
        char digit[12];
        snprintf(digit, sizeof digit, "%d", k);
        CHECK(strcmp(class_label(&c, k, text, sizeof text), digit) == 0);
    }
    CHECK(strcmp(class_label(NULL, 7, text, sizeof text), "7") == 0);
}

static void test_class_names_wrong_count(void)
{
    char text[512];
    snprintf(text, sizeof text, "%s", fashion_names);
    *strstr(text, "Ankle boot\n") = '\0';                           /* 9 lines */
    check_classes_rejected(write_text("nine.txt", text), "nine.txt: 9 lines, expected 10 class names");
    snprintf(text, sizeof text, "%sSock\n", fashion_names);          /* 11 */
    check_classes_rejected(write_text("eleven.txt", text), "eleven.txt: 11 lines, expected 10 class names");
    snprintf(text, sizeof text, "%s\n", fashion_names);              /* a blank line at the end is an 11th */
    check_classes_rejected(write_text("blank-end.txt", text), "11 lines, expected 10");
    check_classes_rejected(write_text("empty.txt", ""), "empty.txt: 0 lines, expected 10 class names");
    remove(tmp_path("nine.txt"));
    remove(tmp_path("eleven.txt"));
    remove(tmp_path("blank-end.txt"));
    remove(tmp_path("empty.txt"));
}

static void test_class_names_bad_lines(void)
{
    char text[512];
    snprintf(text, sizeof text, "%s", fashion_names);
    snprintf(text, sizeof text, "T-shirt/top\nTrouser\nPullover\nDress of a kind nobody wears\nCoat\nSandal\n"
                                "Shirt\nSneaker\nBag\nAnkle boot\n");
    check_classes_rejected(write_text("long.txt", text), "line 4 is longer than 24 bytes");
    check_classes_rejected(write_text("empty-line.txt", "T-shirt/top\nTrouser\n\nDress\nCoat\nSandal\nShirt\n"
                                                        "Sneaker\nBag\nAnkle boot\n"),
                           "line 3 is empty: it must name class 2");
    check_classes_rejected(write_text("tab.txt", "T-shirt/top\nTrou\tser\nPullover\nDress\nCoat\nSandal\nShirt\n"
                                                 "Sneaker\nBag\nAnkle boot\n"),
                           "line 2 has a control character (byte 0x09)");
    check_classes_rejected(write_text("cr.txt", "T-shirt/top\rTrouser\nPullover\nDress\nCoat\nSandal\nShirt\n"
                                                "Sneaker\nBag\nAnkle boot\n"),
                           "line 1 has a control character (byte 0x0D)");
    check_classes_rejected(write_text("same.txt", "Shirt\nTrouser\nPullover\nDress\nCoat\nSandal\nShirt\n"
                                                  "Sneaker\nBag\nAnkle boot\n"),
                           "lines 1 and 7 both say \"Shirt\"");
    static const unsigned char binary[] = { 0x00, 0x00, 0x08, 0x03, 0x00, 0x00, 0x00, 0x02 };
    write_test_file(tmp_path("binary.txt"), binary, sizeof binary);
    check_classes_rejected(tmp_path("binary.txt"), "line 1 has a control character (byte 0x00)");
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "mkdir -p '%s/a-directory'", tmp_dir);
    CHECK(shell_ok(cmd));
    check_classes_rejected(tmp_path("a-directory"), "is a directory, not a classes file");
    const char *files[] = { "long.txt", "empty-line.txt", "tab.txt", "cr.txt", "same.txt", "binary.txt", "a-directory" };
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
        remove(tmp_path(files[i]));
}

static void test_mnist_load_reads_the_classes_file(void)
{
    write_set(3, 3);
    mnist_data d;
    char err[512] = "", text[12];
    CHECK_INT(mnist_load(tmp_path("set"), &d, err, sizeof err), 0);   /* no classes.txt: digits */
    CHECK_INT(d.classes.from_file, 0);
    CHECK(strcmp(class_label(&d.classes, 2, text, sizeof text), "2") == 0);
    mnist_free(&d);

    const char *path = write_text("set/classes.txt", fashion_names);
    CHECK_INT(mnist_load(tmp_path("set"), &d, err, sizeof err), 0);
    CHECK_INT(d.classes.from_file, 1);
    CHECK(strcmp(class_label(&d.classes, d.train_labels.labels[2], text, sizeof text), "Pullover") == 0);
    mnist_free(&d);
    CHECK_INT(d.classes.from_file, 0);

    write_text("set/classes.txt", "T-shirt/top\nTrouser\n");
    CHECK_INT(mnist_load(tmp_path("set"), &d, err, sizeof err), -1);
    printf("  rejected as expected: %s\n", err);
    CHECK_CONTAINS(err, path);
    CHECK_CONTAINS(err, "2 lines, expected 10 class names");
    CHECK(d.train_images.pixels == NULL && d.test_labels.labels == NULL);   /* freed */
    remove(path);
    remove_set();
}

/* ------------------------------------------------------------ the real thing */

static void test_real_mnist_if_present(void)
{
    FILE *probe = fopen("data/mnist/train-images-idx3-ubyte", "rb");
    if (probe == NULL) {
        printf("  skipped: no data/mnist/ here (run make data to include this test)\n");
        return;
    }
    fclose(probe);
    mnist_data d;
    char err[512] = "";
    CHECK_INT(mnist_load("data/mnist", &d, err, sizeof err), 0);
    if (err[0])
        printf("  %s\n", err);
    CHECK_INT(d.train_images.count, 60000);
    CHECK_INT(d.train_labels.count, 60000);
    CHECK_INT(d.test_images.count, 10000);
    CHECK_INT(d.test_labels.count, 10000);
    CHECK_INT(d.train_images.rows, 28);
    CHECK_INT(d.train_images.cols, 28);
    if (d.train_labels.count == 60000 && d.test_labels.count == 10000) {
        const unsigned char train_first[10] = { 5, 0, 4, 1, 9, 2, 1, 3, 1, 4 };
        const unsigned char test_first[10] = { 7, 2, 1, 0, 4, 1, 4, 9, 5, 9 };
        CHECK(memcmp(d.train_labels.labels, train_first, 10) == 0);
        CHECK(memcmp(d.test_labels.labels, test_first, 10) == 0);
        long sum = 0;
        for (int i = 0; i < 784; i++)
            sum += d.train_images.pixels[i];
        CHECK_INT(sum, 27525);   /* the first training image, a 5 */
        printf("  the first training image (label %d):\n", d.train_labels.labels[0]);
        draw_digit_ascii(stdout, d.train_images.pixels, 28, 28);
    }
    mnist_free(&d);
}

static void test_real_fashion_mnist_if_present(void)
{
    FILE *probe = fopen("data/fashion-mnist/train-images-idx3-ubyte", "rb");
    if (probe == NULL) {
        printf("  skipped: no data/fashion-mnist/ here (run make data-fashion to include this test)\n");
        return;
    }
    fclose(probe);
    mnist_data d;
    char err[512] = "", text[12];
    CHECK_INT(mnist_load("data/fashion-mnist", &d, err, sizeof err), 0);
    if (err[0])
        printf("  %s\n", err);
    CHECK_INT(d.train_images.count, 60000);
    CHECK_INT(d.test_images.count, 10000);
    CHECK_INT(d.classes.from_file, 1);     /* make data-fashion writes classes.txt */
    if (d.train_labels.count == 60000 && d.test_labels.count == 10000) {
        const unsigned char train_first[10] = { 9, 0, 0, 3, 0, 2, 7, 2, 5, 5 };
        const unsigned char test_first[10] = { 9, 2, 1, 1, 6, 1, 4, 6, 5, 7 };
        CHECK(memcmp(d.train_labels.labels, train_first, 10) == 0);
        CHECK(memcmp(d.test_labels.labels, test_first, 10) == 0);
        long sum = 0;
        for (int i = 0; i < 784; i++)
            sum += d.train_images.pixels[i];
        CHECK_INT(sum, 76247);   /* the first training image, an ankle boot */
        CHECK(strcmp(class_label(&d.classes, d.train_labels.labels[0], text, sizeof text), "Ankle boot") == 0);
        printf("  the first training image (label %d, %s):\n", d.train_labels.labels[0],
               class_label(&d.classes, d.train_labels.labels[0], text, sizeof text));
        draw_digit_ascii(stdout, d.train_images.pixels, 28, 28);
    }
    mnist_free(&d);
}

/* The validation split: how many, which images, and that training (images
 * 0 .. count - n - 1) and validation (count - n .. count - 1) share none,
 * cover the set, and do not depend on anything but count and n. */
static void test_validation_split(void)
{
    char err[256] = "";
    CHECK_INT(validation_count(60000, VALIDATION_DEFAULT, err, sizeof err), 5000);   /* MNIST */
    CHECK_INT(validation_count(120000, VALIDATION_DEFAULT, err, sizeof err), 5000);
    CHECK_INT(validation_count(200, VALIDATION_DEFAULT, err, sizeof err), 16);        /* a twelfth */
    CHECK_INT(validation_count(11, VALIDATION_DEFAULT, err, sizeof err), 0);
    CHECK_INT(validation_count(60000, 0, err, sizeof err), 0);
    CHECK_INT(validation_count(200, 199, err, sizeof err), 199);
    CHECK_INT(validation_count(200, 200, err, sizeof err), -1);                       /* nothing left to train on */
    CHECK_CONTAINS(err, "--validation 200: the training set has 200 images");
    CHECK_INT(validation_count(0, VALIDATION_DEFAULT, err, sizeof err), -1);
    CHECK_CONTAINS(err, "no images");
    int count = 60000, n = validation_count(count, VALIDATION_DEFAULT, err, sizeof err);
    int *order = validation_order(count, n), *again = validation_order(count, n);
    unsigned char *seen = calloc((size_t)count, 1);
    CHECK(seen != NULL);
    int outside = 0, twice = 0;
    for (int i = 0; seen && i < n; i++) {
        outside += order[i] < count - n || order[i] >= count;   /* inside the training images used */
        twice += seen[order[i]]++;
    }
    CHECK_INT(outside, 0);
    CHECK_INT(twice, 0);
    CHECK_INT(order[0], 55000);
    CHECK_INT(order[n - 1], 59999);
    CHECK(memcmp(order, again, (size_t)n * sizeof *order) == 0);   /* fixed */
    free(seen);
    free(order);
    free(again);
}

/* Every "0xHEX = DECIMAL" the reader's lesson writes (notes/10_mnist.md
 * explains little-endian with one) says the same number twice: the notes
 * once gave 0x60EA0000 = 1,626,996,736, which is 0x60FA0000. */
static void test_hex_and_decimal_agree_in_lesson_10s_notes(void)
{
    char *text = read_text_file("notes/10_mnist.md");
    CHECK(text != NULL);
    int pairs = 0;
    for (const char *at = text ? strstr(text, "0x") : NULL; at; at = strstr(at + 2, "0x")) {
        char *end;
        unsigned long hex = strtoul(at + 2, &end, 16);
        if (strncmp(end, " = ", 3) != 0 || end[3] < '0' || end[3] > '9')
            continue;
        const char *before = at;                                     /* "0xEA·256 + 0x60 = 60000": a sum */
        while (before > text && before[-1] == ' ')
            before--;
        if (before > text && strchr("+-*\xB7", before[-1]))
            continue;
        unsigned long decimal = 0;
        for (const char *c = end + 3; (*c >= '0' && *c <= '9') || (*c == ',' && c[1] >= '0' && c[1] <= '9'); c++)
            if (*c != ',')
                decimal = 10 * decimal + (unsigned long)(*c - '0');
        if (hex != decimal)
            printf("  notes/10_mnist.md: %.40s\n", at);
        CHECK(hex == decimal);
        pairs++;
    }
    CHECK(pairs >= 1);                                               /* 0x60EA0000 = 1,625,948,160 */
    free(text);
}

int main(void)
{
    tmp_dir = make_tmp_dir("unit_mnist");
    RUN_TEST(test_reads_images);
    RUN_TEST(test_reads_labels);
    RUN_TEST(test_images_to_real_scales_to_0_1);
    RUN_TEST(test_draw_digit_ascii);
    RUN_TEST(test_missing_file);
    RUN_TEST(test_directory);
    RUN_TEST(test_empty_file);
    RUN_TEST(test_wrong_magic);
    RUN_TEST(test_truncated_header);
    RUN_TEST(test_truncated_data);
    RUN_TEST(test_trailing_garbage);
    RUN_TEST(test_absurd_dimensions);
    RUN_TEST(test_zero_dimensions);
    RUN_TEST(test_label_above_9);
    RUN_TEST(test_small_error_buffer);
    RUN_TEST(test_mnist_load_good_set);
    RUN_TEST(test_mnist_load_count_mismatch);
    RUN_TEST(test_mnist_load_size_mismatch);
    RUN_TEST(test_mnist_load_missing_file);
    RUN_TEST(test_class_names_good);
    RUN_TEST(test_class_names_missing_file_means_digits);
    RUN_TEST(test_class_names_wrong_count);
    RUN_TEST(test_class_names_bad_lines);
    RUN_TEST(test_mnist_load_reads_the_classes_file);
    RUN_TEST(test_validation_split);
    RUN_TEST(test_hex_and_decimal_agree_in_lesson_10s_notes);
    RUN_TEST(test_real_mnist_if_present);
    RUN_TEST(test_real_fashion_mnist_if_present);
    remove(tmp_dir);
    return harness_finish();
}
