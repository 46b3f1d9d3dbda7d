/* tests/lesson_10.c: the MNIST trainer and build/predict, with NO real data.
 *
 * The test writes a tiny data set in MNIST's format (200 training and 100
 * test images of 28x28: digit c is a bright square at one of ten places),
 * trains on it, and checks what the trainer prints, that it prints the same
 * numbers on every run and for every thread count, that a saved model loads
 * back, and that every bad input (data files, model files, PGM images,
 * flags, a learning rate that blows up) ends with one line and exit status
 * 1 (2 for flags), never a crash. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "convnet.h"
#include "harness.h"
#include "model_file.h"

#define ROWS 28
#define COLS 28
#define N_TRAIN 200
#define N_TEST 100
#define PIXELS (ROWS * COLS)

static char scratch[512];          /* $BUILD_DIR/tmp/lesson_10 */
static char good_dir[600];         /* the synthetic data set */
static char model[600];            /* a model trained on it */
static program_result first_run;   /* the default-flag run that saved it */

/* ---------------------------------------------------------------- files */

static void file_in(char *out, size_t size, const char *dir, const char *name)
{
    snprintf(out, size, "%s/%s", dir, name);
}

static void write_file(const char *path, const unsigned char *bytes, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f || (n > 0 && fwrite(bytes, 1, n, f) != n)) {
        printf("cannot write %s\n", path);
        exit(1);
    }
    fclose(f);
}

/* The whole file, and its length (the caller frees it). */
static unsigned char *read_file(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    unsigned char *bytes = NULL;
    *n = 0;
    if (!f)
        return NULL;
    if (fseek(f, 0, SEEK_END) == 0) {
        long len = ftell(f);
        bytes = malloc(len > 0 ? (size_t)len : 1);
        rewind(f);
        if (bytes && len >= 0 && fread(bytes, 1, (size_t)len, f) == (size_t)len)
            *n = (size_t)len;
    }
    fclose(f);
    return bytes;
}

static int exists(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f)
        fclose(f);
    return f != NULL;
}

static void put_big_endian(unsigned char *b, unsigned long v)
{
    b[0] = (unsigned char)(v >> 24);
    b[1] = (unsigned char)(v >> 16);
    b[2] = (unsigned char)(v >> 8);
    b[3] = (unsigned char)v;
}

static void shell(const char *fmt, const char *a, const char *b)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd, fmt, a, b);
    program_result r = run_program(cmd);
    program_result_free(&r);
}

/* A fresh directory holding the good synthetic set. */
static void make_data_dir(const char *dir)
{
    shell("rm -rf '%s' && mkdir -p '%s'", dir, dir);
    write_synthetic_mnist(dir, N_TRAIN, N_TEST);           /* tests/harness.h */
}

/* ---------------------------------------------------------------- running things */

static program_result trainer(const char *data_dir, const char *args)
{
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "%s/lessons/10_mnist --progress none --data '%s' %s", build_dir(), data_dir, args);
    return run_program(cmd);
}

static program_result predict(const char *args)
{
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "%s/predict %s", build_dir(), args);
    return run_program(cmd);
}

static int files_equal(const char *a, const char *b)
{
    size_t na, nb;
    unsigned char *x = read_file(a, &na), *y = read_file(b, &nb);
    int same = x && y && na == nb && na > 0 && memcmp(x, y, na) == 0;
    free(x);
    free(y);
    return same;
}

/* ---------------------------------------------------------------- training */

static void test_trains_and_reports(void)
{
    const char *out = first_run.out;
    CHECK_INT(first_run.exit_code, 0);
    CHECK_CONTAINS(out, "Lesson 10");
    CHECK_ROW(out, "training images (using", 0, 184, 100, 28, 28);   /* 200 training images less 16 held out, 100 test */
    CHECK_ROW(out, "validation: the last", 0, 16, 185, 200);          /* a twelfth of 200, the last ones */
    CHECK_ROW(out, "conv (Conv2D 5x5)", 0, 24, 24, 16, 416);
    CHECK_ROW(out, "maxpool (MaxPool 2x2)", 0, 12, 12, 16, 0);
    CHECK_ROW(out, "dense (Dense)", 0, 10, 23050);
    CHECK_ROW(out, "Total params:", 0, 23466, 16, 5, 5, 1, 416, 2304, 1, 10, 23050);
    CHECK_NUMBER(out, "ln(10) =", 2.3026, 0);
    /* epoch k of 3: loss, accuracy, validation loss, validation accuracy */
    double e1[6], e3[6];
    CHECK_INT(numbers_after(out, "Epoch  1/3", e1, 6), 6);
    CHECK_INT(numbers_after(out, "Epoch  3/3", e3, 6), 6);
    CHECK(e1[0] > 0 && e3[0] < e1[0]);                                   /* the loss falls */
    CHECK(e3[1] >= 0 && e3[1] <= 1 && e3[3] >= 0 && e3[3] <= 1);
    double test_loss = number_after(out, "Test loss:"), test_accuracy = number_after(out, "Test accuracy:");
    CHECK(test_loss > 0 && test_loss < e1[0]);                           /* the test set, scored once at the end */
    CHECK(test_accuracy >= 0 && test_accuracy <= 1);
    CHECK(strstr(out, "Test loss:") > strstr(out, "Epoch  3/3"));       /* after training, not during it */
    /* the confusion matrix: 100 test images, 10 of each class, its row sums */
    double matrix[10 + 10 * 11];
    CHECK_INT(numbers_after(out, "Confusion matrix", matrix, 120), 120);
    double total = 0;
    for (int row = 0; row < 10; row++)
        for (int col = 0; col < 10; col++)
            total += matrix[10 + row * 11 + 1 + col];
    CHECK_NEAR(total, 100, 0);
    CHECK_CONTAINS(out, "model saved to ");
    double initial = number_after(out, "training images:"), accuracy = number_after(out, "Test accuracy:");
    printf("  loss before training %.4f (ln 10 = 2.3026)\n", initial);
    printf("  test accuracy on the synthetic set %.4f\n", accuracy);
    CHECK(initial > 2.0 && initial < 3.0);
    CHECK(accuracy >= 0.9);                 /* ten well-separated squares: easy */
}

static void test_history_file(void)
{
    char history[700];
    file_in(history, sizeof history, scratch, "history.csv");
    char *csv = read_text_file(history);
    CHECK(csv != NULL);
    if (!csv)
        return;
    CHECK(strncmp(csv, "epoch,train_loss,train_acc,val_loss,val_acc,seconds\n1,", 54) == 0);
    CHECK_INT(count_lines_containing(csv, ","), 4);   /* the header and three epochs */
    CHECK_CONTAINS(csv, "\n3,");
    free(csv);
}

static void test_same_numbers_every_run_and_thread_count(void)
{
    char again[700], one[700], three[700], args[2048];
    file_in(again, sizeof again, scratch, "again.model");
    file_in(one, sizeof one, scratch, "one_thread.model");
    file_in(three, sizeof three, scratch, "three_threads.model");
    snprintf(args, sizeof args, "--epochs 3 --save '%s'", again);
    program_result r = trainer(good_dir, args);
    CHECK_INT(r.exit_code, 0);
    char a[200], b[200];
    line_starting(first_run.out, "Test loss: ", a, sizeof a);
    line_starting(r.out, "Test loss: ", b, sizeof b);
    CHECK(a[0] != '\0' && strcmp(a, b) == 0);
    CHECK(files_equal(model, again));                  /* the same parameters, bit for bit */
    program_result_free(&r);
    snprintf(args, sizeof args, "--epochs 3 --threads 1 --save '%s'", one);
    r = trainer(good_dir, args);
    CHECK_INT(r.exit_code, 0);
    CHECK_CONTAINS(r.out, "1 thread\n");
    CHECK(files_equal(model, one));
    program_result_free(&r);
    snprintf(args, sizeof args, "--epochs 3 --threads 3 --save '%s'", three);
    r = trainer(good_dir, args);
    CHECK_INT(r.exit_code, 0);
    CHECK(files_equal(model, three));
    program_result_free(&r);
}

/* The two engines (lesson 11) train the same network: the direct loops and
 * im2col + GEMM sum in different orders, so the numbers differ in the last
 * float digits only and the test loss agrees to a few decimals. */
static void test_naive_and_fast_engines_agree(void)
{
    program_result naive = trainer(good_dir, "--epochs 1 --engine naive");
    program_result fast = trainer(good_dir, "--epochs 1 --engine fast");
    CHECK_INT(naive.exit_code, 0);
    CHECK_INT(fast.exit_code, 0);
    double a = number_after(naive.out, "Test loss: "), b = number_after(fast.out, "Test loss: ");
    CHECK(a > 0 && b > 0);
    CHECK_NEAR(a, b, 1e-3 * a);
    program_result_free(&naive);
    program_result_free(&fast);
}

static void test_save_then_load(void)
{
    char args[2048], saved[200], loaded[200];
    snprintf(args, sizeof args, "--epochs 0 --load '%s'", model);
    program_result r = trainer(good_dir, args);
    CHECK_INT(r.exit_code, 0);
    CHECK_CONTAINS(r.out, "loaded ");
    line_starting(first_run.out, "Test accuracy: ", saved, sizeof saved);
    line_starting(r.out, "Test accuracy: ", loaded, sizeof loaded);
    CHECK(saved[0] != '\0' && strcmp(saved, loaded) == 0);
    line_starting(first_run.out, "Test loss: ", saved, sizeof saved);
    line_starting(r.out, "Test loss: ", loaded, sizeof loaded);
    CHECK(strcmp(saved, loaded) == 0);
    program_result_free(&r);
    snprintf(args, sizeof args, "--epochs 1 --limit 50 --load '%s'", model);   /* and it trains on */
    r = trainer(good_dir, args);
    CHECK_INT(r.exit_code, 0);
    CHECK_CONTAINS(r.out, "Epoch  1/1");
    program_result_free(&r);
}

/* The saved model with every parameter set to 1e38 (finite, but the conv
 * outputs overflow float to infinity, and infinity - infinity is NaN) and
 * a correct checksum. It is the model that is broken, not the learning
 * rate: the trainer says so before any step (it used to blame the learning
 * rate, or with --epochs 0 print a NaN loss, save it again and exit 0), and
 * predict refuses to print NaN probabilities (it printed "probability -nan"
 * and exited 0). */
static void test_model_with_huge_parameters_is_rejected(void)
{
    size_t n;
    unsigned char *bytes = read_file(model, &n);
    CHECK(bytes != NULL && n > 40);
    if (!bytes || n <= 40) {
        free(bytes);
        return;
    }
    float huge = 1e38f;
    unsigned char le[4];
    unsigned int bits;
    memcpy(&bits, &huge, 4);
    for (int i = 0; i < 4; i++)
        le[i] = (unsigned char)(bits >> (8 * i));
    for (size_t at = 36; at + 4 < n; at += 4)
        memcpy(bytes + at, le, 4);
    unsigned long crc = model_crc32(0, bytes, n - 4);
    for (int i = 0; i < 4; i++)
        bytes[n - 4 + i] = (unsigned char)(crc >> (8 * i));
    char path[700], saved[700], args[2048];
    file_in(path, sizeof path, scratch, "overflowing.model");
    file_in(saved, sizeof saved, scratch, "resaved.model");
    remove(saved);
    write_file(path, bytes, n);
    static const char *epochs[] = { "--epochs 1", "--epochs 0" };
    for (int e = 0; e < 2; e++) {
        snprintf(args, sizeof args, "%s --load '%s' --save '%s'", epochs[e], path, saved);
        program_result r = trainer(good_dir, args);
        check_one_line_failure(&r, 1, path, epochs[e]);
        CHECK_CONTAINS(r.err, "broken");
        CHECK(strstr(r.err, "learning rate") == NULL);
        CHECK(strstr(r.out, "Test loss") == NULL);
        CHECK(!exists(saved));
        program_result_free(&r);
    }
    snprintf(args, sizeof args, "'%s' --test-index 0 --data '%s'", path, good_dir);
    program_result r = predict(args);
    check_one_line_failure(&r, 1, path, "predict with huge parameters");
    CHECK(strstr(r.out, "nan") == NULL);
    program_result_free(&r);
    free(bytes);
}

static void test_exploding_loss_stops_training(void)
{
    program_result r = trainer(good_dir, "--epochs 2 --lr 1e6 --filters 4");
    check_one_line_failure(&r, 1, "lower learning rate", "--lr 1e6");
    CHECK_CONTAINS(r.err, "epoch 1, batch ");
    CHECK_CONTAINS(r.err, "blowing up");
    CHECK_CONTAINS(r.err, "--lr 0.05, the default");   /* a value that works, not 1e5 */
    program_result_free(&r);
}

/* The last step of the run blows the weights up: the batch losses were all
 * fine (each is measured before its step), but the test loss is 1e15. */
static void test_divergence_in_the_last_step_is_caught(void)
{
    char saved[700], args[2048];
    file_in(saved, sizeof saved, scratch, "diverged.model");
    remove(saved);
    snprintf(args, sizeof args, "--limit 32 --batch 32 --epochs 1 --lr 1e9 --save '%s'", saved);
    program_result r = trainer(good_dir, args);
    check_one_line_failure(&r, 1, "epoch 1: the validation loss is ", "--lr 1e9, one step");
    CHECK_CONTAINS(r.err, "diverged");
    CHECK_CONTAINS(r.err, "--lr 0.05, the default");
    CHECK(!exists(saved));
    program_result_free(&r);
}

/* --lr 4 kills every ReLU in the first epoch: one answer for every image. */
static void test_dead_network_is_caught(void)
{
    char saved[700], args[2048];
    file_in(saved, sizeof saved, scratch, "dead.model");
    remove(saved);
    snprintf(args, sizeof args, "--epochs 2 --lr 4 --save '%s'", saved);
    program_result r = trainer(good_dir, args);
    check_one_line_failure(&r, 1, "epoch 1: the network has died", "--lr 4");
    CHECK_CONTAINS(r.err, "for 100.0% of the validation images");
    CHECK_CONTAINS(r.err, "try --lr 0.05 (the default)");      /* the default run trains: first_run */
    CHECK(!exists(saved));
    CHECK(strstr(r.out, "Epoch  2/2") == NULL);
    program_result_free(&r);
}

/* ---------------------------------------------------------------- the validation split */

/* The first number after `label` in text, or -1. */
static long number_after_label(const char *text, const char *label)
{
    const char *at = text ? strstr(text, label) : NULL;
    return at ? strtol(at + strlen(label), NULL, 10) : -1;
}

/* The last N training images are held out: the trainer trains on the
 * others (even when --limit asks for more), says which images it holds
 * out, holds out the same ones whatever the seed, scores them every epoch
 * (val_accuracy) and the test set once, and refuses to hold out them all. */
static void test_validation_split(void)
{
    /* the default on the 200-image set: a twelfth, 16, the last ones */
    CHECK_CONTAINS(first_run.out, "validation: the last 16 training images (185 to 200) held out");
    CHECK_INT(count_lines_containing(first_run.out, "val_accuracy "), 3);     /* every epoch */
    CHECK_INT(count_lines_containing(first_run.out, "Test accuracy: "), 1);   /* once */
    CHECK(strstr(first_run.out, "test_accuracy") == NULL);
    program_result a = trainer(good_dir, "--epochs 1 --validation 50 --limit 1000 --progress none");
    program_result b = trainer(good_dir, "--epochs 1 --validation 50 --seed 7 --progress none");
    CHECK_INT(a.exit_code, 0);
    CHECK_INT(b.exit_code, 0);
    CHECK_INT(number_after_label(a.out, "(using "), 150);                     /* 200 - 50, not --limit's 1000 */
    CHECK_INT(number_after_label(a.out, "epochs of "), 150);                  /* each epoch trains on 150 */
    CHECK_CONTAINS(a.out, "validation: the last 50 training images (151 to 200) held out");
    CHECK_CONTAINS(b.out, "validation: the last 50 training images (151 to 200) held out");   /* fixed */
    program_result_free(&a);
    program_result_free(&b);
    program_result none = trainer(good_dir, "--epochs 1 --validation 0 --progress none");
    CHECK_INT(none.exit_code, 0);
    CHECK_INT(number_after_label(none.out, "(using "), 200);
    CHECK(strstr(none.out, "val_accuracy") == NULL);
    program_result_free(&none);
    program_result all = trainer(good_dir, "--epochs 1 --validation 200");
    check_one_line_failure(&all, 1, "--validation 200: the training set has 200 images", "--validation 200");
    program_result_free(&all);
}

/* ---------------------------------------------------------------- bad flags */

static void test_bad_flags(void)
{
    static const char *cases[][2] = {
        { "--epochs -1", "--epochs '-1'" },
        { "--lr abc", "--lr 'abc'" },
        { "--batch 0", "--batch '0'" },
        { "--momentum 1.5", "--momentum '1.5'" },
        { "--threads 0", "--threads '0'" },
        { "--epochs 2x", "--epochs '2x'" },
        { "--progress sometimes", "--progress 'sometimes'" },
        { "--engine turbo", "--engine 'turbo'" },
        { "--bogus", "unknown option '--bogus'" },
        { "--epochs", "--epochs needs a value" },
        { "stray", "unexpected argument 'stray'" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        program_result r = trainer(good_dir, cases[i][0]);
        check_one_line_failure(&r, 2, cases[i][1], cases[i][0]);
        program_result_free(&r);
    }
    program_result r = trainer(good_dir, "--kernel 4");   /* 25x25 maps: 2x2 pooling cannot tile them */
    check_one_line_failure(&r, 1, "--kernel 4", "--kernel 4");
    program_result_free(&r);
    r = trainer(good_dir, "--help");
    CHECK_INT(r.exit_code, 0);
    static const char *flags[] = { "--epochs", "--batch", "--lr", "--momentum", "--filters", "--kernel", "--seed",
                                   "--data", "--limit", "--validation", "--save", "--load", "--history", "--threads", "--progress",
                                   "--engine" };
    for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++)
        CHECK_CONTAINS(r.out, flags[i]);
    program_result_free(&r);
}

/* ---------------------------------------------------------------- bad data */

/* A copy of the good set with one file replaced by `bytes` (or by a
 * directory when bytes is NULL and n is 1, or removed when n is 0). */
static void bad_data_case(const char *name, const char *file, const unsigned char *bytes, size_t n,
                          const char *needle)
{
    char dir[700], path[800];
    file_in(dir, sizeof dir, scratch, "bad_data");
    make_data_dir(dir);
    file_in(path, sizeof path, dir, file);
    remove(path);
    if (bytes)
        write_file(path, bytes, n);
    else if (n == 1)
        shell("mkdir '%s'%s", path, "");
    program_result r = trainer(dir, "--epochs 1");
    check_one_line_failure(&r, 1, needle ? needle : path, name);
    program_result_free(&r);
}

static void test_bad_data_files(void)
{
    size_t n_img, n_lab;
    char path[800];
    file_in(path, sizeof path, good_dir, "train-images-idx3-ubyte");
    unsigned char *img = read_file(path, &n_img);
    file_in(path, sizeof path, good_dir, "train-labels-idx1-ubyte");
    unsigned char *lab = read_file(path, &n_lab);
    CHECK(img && lab && n_img == 16 + (size_t)N_TRAIN * PIXELS && n_lab == 8 + (size_t)N_TRAIN);
    if (!img || !lab || n_img < 16 || n_lab < 8) {
        free(img);
        free(lab);
        return;
    }
    unsigned char *bad = malloc(n_img + 16);
    if (!bad)
        exit(1);
    char missing[700];
    file_in(missing, sizeof missing, scratch, "no_such_dir");
    program_result r = trainer(missing, "--epochs 1");
    check_one_line_failure(&r, 1, missing, "missing data directory");
    program_result_free(&r);

    bad_data_case("missing file", "t10k-labels-idx1-ubyte", NULL, 0, NULL);
    bad_data_case("a directory", "train-images-idx3-ubyte", NULL, 1, NULL);
    bad_data_case("empty file", "train-images-idx3-ubyte", img, 0, NULL);
    bad_data_case("wrong magic (a label file)", "train-images-idx3-ubyte", lab, n_lab, NULL);
    bad_data_case("truncated header", "train-images-idx3-ubyte", img, 10, NULL);
    bad_data_case("truncated data", "train-images-idx3-ubyte", img, n_img - 100, NULL);
    memcpy(bad, img, n_img);
    put_big_endian(bad + 4, 0xFFFFFFFFul);
    put_big_endian(bad + 8, 0xFFFFul);
    put_big_endian(bad + 12, 0xFFFFul);
    bad_data_case("dimensions whose product overflows", "train-images-idx3-ubyte", bad, n_img, NULL);
    memcpy(bad, img, n_img);
    put_big_endian(bad + 8, 27);
    bad_data_case("dimensions that do not match the length", "train-images-idx3-ubyte", bad, n_img, NULL);
    memcpy(bad, lab, n_lab);
    put_big_endian(bad + 4, N_TRAIN - 1);
    bad_data_case("image and label counts differ", "train-labels-idx1-ubyte", bad, n_lab - 1,
                  "train-labels-idx1-ubyte");
    memcpy(bad, lab, n_lab);
    bad[8 + 17] = 12;
    bad_data_case("a label > 9", "train-labels-idx1-ubyte", bad, n_lab, NULL);
    free(bad);
    free(img);
    free(lab);
}

/* ---------------------------------------------------------------- bad models */

static void bad_model_case(const char *name, const unsigned char *bytes, size_t n, const char *args,
                           const char *needle)
{
    char path[700], full[2048];
    file_in(path, sizeof path, scratch, "bad.model");
    write_file(path, bytes, n);
    snprintf(full, sizeof full, "--epochs 0 --load '%s' %s", path, args);
    program_result r = trainer(good_dir, full);
    check_one_line_failure(&r, 1, needle, name);
    CHECK_CONTAINS(r.err, path);
    program_result_free(&r);
    snprintf(full, sizeof full, "'%s' --test-index 0 --data '%s'", path, good_dir);   /* predict too */
    r = predict(full);
    if (strcmp(args, "") == 0)
        check_one_line_failure(&r, 1, needle, name);
    program_result_free(&r);
}

static void test_bad_model_files(void)
{
    size_t n;
    unsigned char *good = read_file(model, &n), *bad = malloc(n + 4);
    CHECK(good != NULL && n > 40);
    if (!good || !bad || n <= 40) {
        free(good);
        free(bad);
        return;
    }
    memcpy(bad, good, n);
    memcpy(bad, "P5\n2", 4);
    bad_model_case("wrong magic", bad, n, "", "not a model file");
    memcpy(bad, good, n);
    bad[4] = 9;
    bad_model_case("newer version", bad, n, "", "version 9 is newer");
    bad_model_case("truncated parameters", good, n - 7, "", "truncated");
    bad_model_case("truncated header", good, 20, "", "truncated");
    bad_model_case("empty", good, 0, "", "empty");
    memcpy(bad, good, n);
    bad[n / 2] ^= 0x01;
    bad_model_case("one bit flipped", bad, n, "", "checksum mismatch");
    bad_model_case("architecture does not match the flags", good, n, "--filters 8", "the model has 16 filters 5x5");
    char missing[700], args[2048];
    file_in(missing, sizeof missing, scratch, "no_such.model");
    snprintf(args, sizeof args, "--epochs 0 --load '%s'", missing);
    program_result r = trainer(good_dir, args);
    check_one_line_failure(&r, 1, missing, "missing model");
    program_result_free(&r);
    free(good);
    free(bad);
}

/* ---------------------------------------------------------------- predict */

static void test_predict_test_image(void)
{
    char args[2048], pgm[700], answer_index[200], answer_pgm[200];
    snprintf(args, sizeof args, "'%s' --test-index 3 --data '%s'", model, good_dir);
    program_result r = predict(args);
    CHECK_INT(r.exit_code, 0);
    CHECK_NUMBER(r.out, "test image", 3, 0);
    CHECK_NUMBER(r.out, "labelled", 3, 0);
    double probs[20], sum = 0;                       /* class, probability for classes 0 .. 9 */
    CHECK_INT(numbers_after(r.out, "(softmax probabilities):", probs, 20), 20);
    for (int c = 0; c < 10; c++) {
        CHECK_NEAR(probs[2 * c], c, 0);
        sum += probs[2 * c + 1];
    }
    CHECK_NEAR(sum, 1, 1e-5);
    CHECK_NUMBER(r.out, "the network says:", 3, 0);
    line_starting(r.out, "the network says: ", answer_index, sizeof answer_index);
    program_result_free(&r);

    file_in(pgm, sizeof pgm, scratch, "test3.pgm");
    snprintf(args, sizeof args, "--dump-pgm 3 '%s' --data '%s'", pgm, good_dir);
    r = predict(args);
    CHECK_INT(r.exit_code, 0);
    CHECK_ROW(r.out, "wrote test image", 0, 3, 3);     /* image 3, label 3 */
    program_result_free(&r);
    snprintf(args, sizeof args, "'%s' '%s' --raw", model, pgm);    /* as it is: the same pixels */
    r = predict(args);
    CHECK_INT(r.exit_code, 0);
    line_starting(r.out, "the network says: ", answer_pgm, sizeof answer_pgm);
    CHECK(answer_index[0] != '\0' && strcmp(answer_index, answer_pgm) == 0);   /* the same probabilities */
    program_result_free(&r);

    snprintf(args, sizeof args, "'%s' --test-index 100 --data '%s'", model, good_dir);
    r = predict(args);
    check_one_line_failure(&r, 1, "--test-index must be 0 to 99", "--test-index 100");
    program_result_free(&r);
    r = predict("--bogus");
    CHECK_INT(r.exit_code, 2);
    program_result_free(&r);
}

/* An ASCII PGM (P2) of a square at digit 7's place, drawn as dark ink on
 * white paper. Prepared like MNIST (the default), it is inverted, cropped
 * and centred, and both images are shown; with --raw it is used as it is
 * (white on black needed: no inversion), and the synthetic network, which
 * only knows where its squares sit, reads it as 7. */
static void test_predict_prepares_a_picture(void)
{
    char path[700], args[2048];
    static char text[8 * PIXELS + 64];
    for (int ink = 0; ink < 2; ink++) {
        int len = snprintf(text, sizeof text, "P2\n# a square at digit 7's place\n28 28\n255\n");
        for (int p = 0; p < PIXELS; p++) {
            int y = p / COLS, x = p % COLS, inside = y >= 15 && y < 21 && x >= 12 && x < 18;
            int v = ink ? (inside ? 0 : 255) : (inside ? 255 : 0);
            len += snprintf(text + len, sizeof text - (size_t)len, "%d%c", v, x == COLS - 1 ? '\n' : ' ');
        }
        file_in(path, sizeof path, scratch, ink ? "ink.pgm" : "square.pgm");
        write_file(path, (const unsigned char *)text, (size_t)len);
    }
    snprintf(args, sizeof args, "'%s' '%s'", model, path);   /* ink.pgm */
    program_result r = predict(args);
    CHECK_INT(r.exit_code, 0);
    CHECK_CONTAINS(r.out, "prepared as MNIST's digits were");
    CHECK_CONTAINS(r.out, "inverted to white on black");
    CHECK_ROW(r.out, "cropped to the ink:", 0, 6, 6, 12, 15);   /* width, height, column, row */
    CHECK_ROW(r.out, "scaled to", 0, 20, 20);
    CHECK_CONTAINS(r.out, "what the network sees");
    CHECK_CONTAINS(r.out, "warning: a lot of ink");        /* a square fills its 20x20 box */
    program_result_free(&r);
    file_in(path, sizeof path, scratch, "square.pgm");
    snprintf(args, sizeof args, "'%s' '%s' --raw", model, path);
    r = predict(args);
    CHECK_INT(r.exit_code, 0);
    CHECK_CONTAINS(r.out, "as it is (--raw)");
    CHECK_NUMBER(r.out, "the network says:", 7, 0);
    program_result_free(&r);
}

/* A bold digit on black is mostly bright: the old rule (invert when the mean
 * is above 128) inverted it. The border decides now. */
static void test_predict_keeps_a_bold_digit_on_black(void)
{
    char path[700], args[2048];
    static char text[8 * PIXELS + 64];
    int len = snprintf(text, sizeof text, "P2 28 28 255\n");
    for (int p = 0; p < PIXELS; p++) {
        int y = p / COLS, x = p % COLS;
        int ring = y >= 2 && y < 26 && x >= 3 && x < 25 && !(y >= 9 && y < 19 && x >= 10 && x < 18);
        len += snprintf(text + len, sizeof text - (size_t)len, "%d%c", ring ? 255 : 0, x == COLS - 1 ? '\n' : ' ');
    }
    file_in(path, sizeof path, scratch, "bold.pgm");
    write_file(path, (const unsigned char *)text, (size_t)len);
    snprintf(args, sizeof args, "'%s' '%s'", model, path);
    program_result r = predict(args);
    CHECK_INT(r.exit_code, 0);
    CHECK_CONTAINS(r.out, "not inverted");
    CHECK(strstr(r.out, "inverted to white on black") == NULL);
    program_result_free(&r);
}

static void bad_pgm_case(const char *name, const char *text, const char *needle)
{
    char path[700], args[2048];
    file_in(path, sizeof path, scratch, "bad.pgm");
    write_file(path, (const unsigned char *)text, strlen(text));
    snprintf(args, sizeof args, "'%s' '%s'", model, path);
    program_result r = predict(args);
    check_one_line_failure(&r, 1, needle, name);
    program_result_free(&r);
}

static void test_bad_pgms(void)
{
    char path[700], args[2048];
    bad_pgm_case("bad header", "P7\n28 28\n255\n", "bad.pgm");
    bad_pgm_case("maxval 0", "P2\n28 28\n0\n", "bad.pgm");
    bad_pgm_case("maxval 70000", "P5\n28 28\n70000\n", "bad.pgm");
    bad_pgm_case("no pixels", "P5\n28 28\n255\n", "bad.pgm");
    file_in(path, sizeof path, scratch, "no_such.pgm");
    snprintf(args, sizeof args, "'%s' '%s'", model, path);
    program_result r = predict(args);
    check_one_line_failure(&r, 1, path, "missing PGM");
    program_result_free(&r);
    file_in(path, sizeof path, scratch, "small.pgm");          /* --raw: the picture must be 28x28 */
    write_file(path, (const unsigned char *)"P2\n3 2\n255\n0 0 0\n0 0 0\n", 23);
    snprintf(args, sizeof args, "'%s' '%s' --raw", model, path);
    r = predict(args);
    check_one_line_failure(&r, 1, "wrong size: the image is 3x2", "--raw, wrong size");
    program_result_free(&r);
}

/* ---------------------------------------------------------------- files are never destroyed */

/* Left-over temporary files (NAME.tmp-PID-N) in the scratch directory. */
static int temp_files_left(void)
{
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "ls -a '%s' | grep -c '[.]tmp-'", scratch);
    program_result r = run_program(cmd);
    int n = atoi(r.out);
    program_result_free(&r);
    return n;
}

/* A copy of the trained model at scratch/name, for a run to try to overwrite. */
static void copy_model(const char *name, char *path, size_t size)
{
    size_t n;
    unsigned char *bytes = read_file(model, &n);
    file_in(path, size, scratch, name);
    write_file(path, bytes ? bytes : (const unsigned char *)"", bytes ? n : 0);
    free(bytes);
}

/* ulimit -f 40 (20 kB in sh's 512-byte blocks) stops the 94 kB model halfway:
 * the old model must still be there, whole, and no temporary file left. */
static void test_save_over_a_size_limit_keeps_the_old_model(void)
{
    char keep[700], cmd[4096];
    copy_model("keep.model", keep, sizeof keep);
    snprintf(cmd, sizeof cmd, "ulimit -f 40; %s/lessons/10_mnist --progress none --data '%s' --epochs 1 --limit 50 "
             "--seed 2 --save '%s'", build_dir(), good_dir, keep);
    program_result r = run_program(cmd);
    check_one_line_failure(&r, 1, keep, "--save over ulimit -f 40");
    CHECK_CONTAINS(r.err, "File too large");
    CHECK(files_equal(model, keep));
    CHECK_INT(temp_files_left(), 0);
    program_result_free(&r);
}

static void test_save_to_a_missing_directory_is_refused_before_training(void)
{
    char path[700], args[2048];
    file_in(path, sizeof path, scratch, "no-such-dir/x.model");
    snprintf(args, sizeof args, "--epochs 1 --save '%s'", path);
    program_result r = trainer(good_dir, args);
    check_one_line_failure(&r, 1, path, "--save into a missing directory");
    CHECK(strstr(r.out, "Epoch") == NULL);            /* nothing was trained */
    program_result_free(&r);
}

static void test_history_and_pgm_on_a_full_disk(void)
{
    const char *full = make_full_device(scratch);
    if (!full)
        return;
    char args[2048];
    snprintf(args, sizeof args, "--epochs 1 --limit 50 --history '%s'", full);
    program_result r = trainer(good_dir, args);
    check_one_line_failure(&r, 1, full, "--history on a full disk");
    CHECK_CONTAINS(r.err, "No space left on device");
    program_result_free(&r);
    CHECK(is_char_device(full));
    snprintf(args, sizeof args, "--dump-pgm 0 '%s' --data '%s'", full, good_dir);
    r = predict(args);
    check_one_line_failure(&r, 1, full, "--dump-pgm on a full disk");
    program_result_free(&r);
    CHECK(is_char_device(full));                      /* it used to be removed */
    remove(full);
}

/* ulimit -f 1 (512 bytes) stops the 799-byte PGM: the old file stays. */
static void test_dump_pgm_over_a_size_limit_keeps_the_old_file(void)
{
    char path[700], cmd[4096];
    const char *old = "P2 1 1 255 7\n";
    file_in(path, sizeof path, scratch, "old.pgm");
    write_file(path, (const unsigned char *)old, strlen(old));
    snprintf(cmd, sizeof cmd, "ulimit -f 1; %s/predict --dump-pgm 3 '%s' --data '%s'", build_dir(), path, good_dir);
    program_result r = run_program(cmd);
    check_one_line_failure(&r, 1, path, "--dump-pgm over ulimit -f 1");
    char *text = read_text_file(path);
    CHECK(text != NULL && strcmp(text, old) == 0);
    free(text);
    CHECK_INT(temp_files_left(), 0);
    program_result_free(&r);
}

/* ---------------------------------------------------------------- smaller things */

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif

/* 40 bytes whose header describes 96,469,017 parameters (4096x4096 images,
 * one 1x1 filter, 23 classes): refused from the file's length, before
 * anything is allocated. Under a 200 MB memory limit the loader used to die
 * allocating 386 MB with a message that did not name the file. */
static void test_model_claiming_more_than_it_holds(void)
{
    unsigned char bytes[40] = { 'C', 'N', 'N', 'M' };
    const unsigned long fields[8] = { 1, 4096, 4096, 1, 1, 2, 23, 96469017ul };
    for (int i = 0; i < 8; i++)
        for (int b = 0; b < 4; b++)
            bytes[4 + 4 * i + b] = (unsigned char)(fields[i] >> (8 * b));
    char path[700], cmd[4096];
    file_in(path, sizeof path, scratch, "claims_too_much.model");
    write_file(path, bytes, sizeof bytes);
#ifdef UNDER_ASAN
    const char *limit = "";      /* AddressSanitizer reserves terabytes of address space */
    printf("  (no memory limit under AddressSanitizer)\n");
#else
    const char *limit = "ulimit -v 200000; ";
#endif
    const char *emulator = getenv("EMULATOR");
    if (emulator && emulator[0]) {
        limit = "";              /* qemu-aarch64 alone reserves more than 200 MB */
        printf("  (no memory limit under an emulator)\n");
    }
    snprintf(cmd, sizeof cmd, "%s%s/predict '%s' --test-index 0 --data '%s'", limit, build_dir(), path, good_dir);
    program_result r = run_program(cmd);
    check_one_line_failure(&r, 1, path, "a 40-byte model claiming 96 million parameters");
    CHECK_CONTAINS(r.err, "truncated");
    CHECK_CONTAINS(r.err, "96469017 parameters");
    program_result_free(&r);
}

/* A data file that is a FIFO: opening it used to wait for a writer for ever
 * (and with a writer, "cannot determine the length of the file"). */
static void test_fifo_data_file(void)
{
    char dir[700], fifo[800], cmd[2048];
    file_in(dir, sizeof dir, scratch, "fifo_data");
    make_data_dir(dir);
    file_in(fifo, sizeof fifo, dir, "train-images-idx3-ubyte");
    snprintf(cmd, sizeof cmd, "rm -f '%s' && mkfifo '%s'", fifo, fifo);
    if (!shell_ok(cmd)) {
        printf("  skipped: mkfifo is not available here\n");
        return;
    }
    snprintf(cmd, sizeof cmd, "sh tests/time_limit.sh 20 %s/lessons/10_mnist --progress none --data '%s' --epochs 1", build_dir(), dir);
    program_result r = run_program(cmd);
    check_one_line_failure(&r, 1, fifo, "a FIFO as a data file");
    CHECK_CONTAINS(r.err, "must be regular files");
    program_result_free(&r);
}

/* Only the .gz files (as the MNIST site and Debian's Fashion-MNIST ship them). */
static void test_gzipped_data_files(void)
{
    char dir[700], cmd[2048], path[800];
    file_in(dir, sizeof dir, scratch, "gz_data");
    make_data_dir(dir);
    snprintf(cmd, sizeof cmd, "gzip '%s'/*-ubyte", dir);
    if (!shell_ok(cmd)) {
        printf("  skipped: gzip is not available here\n");
        return;
    }
    file_in(path, sizeof path, dir, "train-images-idx3-ubyte");
    program_result r = trainer(dir, "--epochs 1");
    check_one_line_failure(&r, 1, path, "gzipped data files");
    CHECK_CONTAINS(r.err, "train-images-idx3-ubyte.gz is there");
    CHECK_CONTAINS(r.err, "gunzip");
    program_result_free(&r);
}

/* Error messages are never cut off, however long the path (they were cut at
 * about 480 characters), and predict checks that DIR/t10k-... fits. */
static void test_long_paths_in_messages(void)
{
    static char dir[10000], cmd[12000];
    int len = snprintf(dir, sizeof dir, "%s/", scratch);
    while (len < 620)                                  /* a missing directory, 620 characters */
    {
        dir[len] = len % 100 == 0 ? '/' : 'd';
        len++;
    }
    dir[len] = '\0';
    program_result r = trainer(dir, "--epochs 1");
    check_one_line_failure(&r, 1, "-idx3-ubyte: cannot open: No such file or directory", "a long --data");
    CHECK_CONTAINS(r.err, dir);
    program_result_free(&r);
    snprintf(cmd, sizeof cmd, "%s/predict --dump-pgm 0 x.pgm --data '%s'", build_dir(), dir);
    r = run_program(cmd);
    check_one_line_failure(&r, 1, "-idx3-ubyte: cannot open: No such file or directory", "predict, a long --data");
    program_result_free(&r);
    while (len < 9000)
    {
        dir[len] = len % 100 == 0 ? '/' : 'd';
        len++;
    }
    dir[len] = '\0';
    snprintf(cmd, sizeof cmd, "%s/predict --dump-pgm 0 x.pgm --data '%s'", build_dir(), dir);
    r = run_program(cmd);
    check_one_line_failure(&r, 1, "the directory name is too long (", "predict, a 9000-character --data");
    program_result_free(&r);
}

int main(void)
{
    char args[2048], history[700];
    snprintf(scratch, sizeof scratch, "%s/tmp/lesson_10", build_dir());
    file_in(good_dir, sizeof good_dir, scratch, "data");
    file_in(model, sizeof model, scratch, "synthetic.model");
    file_in(history, sizeof history, scratch, "history.csv");
    make_data_dir(good_dir);
    snprintf(args, sizeof args, "--epochs 3 --save '%s' --history '%s'", model, history);
    first_run = trainer(good_dir, args);
    if (first_run.exit_code != 0)
        printf("the trainer failed:\n%s\n%s\n", first_run.out, first_run.err);

    RUN_TEST(test_trains_and_reports);
    RUN_TEST(test_history_file);
    RUN_TEST(test_same_numbers_every_run_and_thread_count);
    RUN_TEST(test_naive_and_fast_engines_agree);
    RUN_TEST(test_save_then_load);
    RUN_TEST(test_exploding_loss_stops_training);
    RUN_TEST(test_model_with_huge_parameters_is_rejected);
    RUN_TEST(test_divergence_in_the_last_step_is_caught);
    RUN_TEST(test_dead_network_is_caught);
    RUN_TEST(test_validation_split);
    RUN_TEST(test_bad_flags);
    RUN_TEST(test_bad_data_files);
    RUN_TEST(test_bad_model_files);
    RUN_TEST(test_predict_test_image);
    RUN_TEST(test_predict_prepares_a_picture);
    RUN_TEST(test_predict_keeps_a_bold_digit_on_black);
    RUN_TEST(test_bad_pgms);
    RUN_TEST(test_save_over_a_size_limit_keeps_the_old_model);
    RUN_TEST(test_save_to_a_missing_directory_is_refused_before_training);
    RUN_TEST(test_history_and_pgm_on_a_full_disk);
    RUN_TEST(test_dump_pgm_over_a_size_limit_keeps_the_old_file);
    RUN_TEST(test_model_claiming_more_than_it_holds);
    RUN_TEST(test_fifo_data_file);
    RUN_TEST(test_gzipped_data_files);
    RUN_TEST(test_long_paths_in_messages);
    program_result_free(&first_run);
    return harness_finish();
}
