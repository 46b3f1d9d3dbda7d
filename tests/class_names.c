/* tests/class_names.c: the trainers (lessons 10 and 12) and build/predict
 * print the classes by name when the data directory has a classes.txt
 * (as make data-fashion writes for Fashion-MNIST), and by number, the
 * digits, when it has none (MNIST); a bad classes file ends them with one
 * line naming it.
 *
 * No real data: the harness's tiny synthetic set in the IDX format (class
 * c is a bright square at one of ten places), written twice, once with
 * Fashion-MNIST's classes.txt beside it and once without. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define N_TRAIN 100
#define N_TEST 50

static const char *const fashion[10] = { "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                         "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot" };
static char named_dir[1024], digits_dir[1024], model[1024];

/* ---------------------------------------------------------------- the data */

/* A fresh directory holding the synthetic set (tests/harness.h). */
static void write_set(const char *dir)
{
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s'", dir, dir);
    CHECK(shell_ok(cmd));
    write_synthetic_mnist(dir, N_TRAIN, N_TEST);
}

/* dir/classes.txt holding text. */
static void write_classes(const char *dir, const char *text)
{
    char path[1200];
    snprintf(path, sizeof path, "%s/classes.txt", dir);
    write_test_file(path, text, strlen(text));
}

static void write_fashion_classes(const char *dir)
{
    char text[256] = "";
    for (int c = 0; c < 10; c++)
        snprintf(text + strlen(text), sizeof text - strlen(text), "%s\n", fashion[c]);
    write_classes(dir, text);
}

/* ---------------------------------------------------------------- running things */

/* Lesson 12's trainer on dir, a small network, one short epoch: few enough
 * steps that it still gets some test images wrong. */
static program_result train12(const char *dir, const char *more)
{
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "%s/lessons/12_deeper --data '%s' --net 'conv 4 5, relu, maxpool 2, flatten, dense 10' "
             "--epochs 1 --limit 30 --batch 10 --progress none %s", build_dir(), dir, more);
    return run_program(cmd);
}

static program_result predict(const char *args)
{
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "%.1000s/predict %.3000s", build_dir(), args);
    return run_program(cmd);
}

/* What follows the first `prefix` in text, up to `end` or the end of its
 * line (into out), or "" when prefix is not there. */
static void after(const char *text, const char *prefix, const char *end, char *out, size_t size)
{
    const char *at = strstr(text, prefix);
    out[0] = '\0';
    if (at == NULL)
        return;
    at += strlen(prefix);
    size_t n = strcspn(at, "\n");
    const char *stop = strstr(at, end);
    if (stop != NULL && (size_t)(stop - at) < n)
        n = (size_t)(stop - at);
    n = n < size - 1 ? n : size - 1;
    memcpy(out, at, n);
    out[n] = '\0';
}

static int is_fashion_name(const char *text)
{
    for (int c = 0; c < 10; c++)
        if (strcmp(text, fashion[c]) == 0)
            return 1;
    return 0;
}

/* The confusion matrix's rows name their classes ("  6 Shirt       | ..."),
 * each row adds up to the class's test images, and each mistake names the
 * label and the answer. */
static void check_named_report(const char *out)
{
    for (int c = 0; c < 10; c++) {
        char row_start[64], row[256];
        snprintf(row_start, sizeof row_start, "\n  %d %-11s | ", c, fashion[c]);
        after(out, row_start, "\n", row, sizeof row);
        CHECK(row[0] != '\0');
        long sum = 0;
        char *p = row, *end;
        for (long v = strtol(p, &end, 10); end != p; v = strtol(p = end, &end, 10))
            sum += v;
        CHECK_INT(sum, N_TEST / 10);
    }
    char label[64], answer[64];
    after(out, ": the label says ", ", the network says", label, sizeof label);
    after(out, ", the network says ", "   (top 3", answer, sizeof answer);
    printf("  first mistake: the label says \"%s\", the network says \"%s\"\n", label, answer);
    CHECK(is_fashion_name(label));
    CHECK(is_fashion_name(answer));
    /* each answer is its image's most probable class */
    for (const char *line = strstr(out, ", the network says "); line != NULL;
         line = strstr(line + 1, ", the network says ")) {
        char top[64];
        after(line, ", the network says ", "   (top 3", answer, sizeof answer);
        after(line, "   (top 3: ", " 0.", top, sizeof top);
        CHECK(strcmp(top, answer) == 0);
        if (strcmp(top, answer) != 0)
            printf("  the network says \"%s\", but its most probable class is \"%s\"\n", answer, top);
    }
    CHECK_INT(count_lines_containing(out, "the label says "), 3);
    CHECK_INT(count_lines_containing(out, "(top 3: "), 3);
}

/* ---------------------------------------------------------------- the tests */

static void test_lesson12_prints_names(void)
{
    char more[1200];
    snprintf(more, sizeof more, "--save '%s'", model);
    program_result r = train12(named_dir, more);
    CHECK_INT(r.exit_code, 0);
    if (r.exit_code != 0)
        printf("%s%s", r.out, r.err);
    check_named_report(r.out);
    CHECK(strstr(r.out, "\n  0 | ") == NULL);          /* no row by number alone */
    program_result_free(&r);
}

static void test_lesson12_keeps_digits_without_a_classes_file(void)
{
    program_result r = train12(digits_dir, "");
    CHECK_INT(r.exit_code, 0);
    CHECK_CONTAINS(r.out, "\n  0 | ");
    CHECK_CONTAINS(r.out, "\n  9 | ");
    CHECK_CONTAINS(r.out, "Confusion matrix (rows: true class, columns: the network's answer):\n"
                          "           0     1     2");
    char label[64];
    after(r.out, ": the label says ", ", the network says", label, sizeof label);
    CHECK(strlen(label) == 1 && label[0] >= '0' && label[0] <= '9');
    for (int c = 0; c < 10; c++)
        CHECK(strstr(r.out, fashion[c]) == NULL);
    program_result_free(&r);
}

static void test_lesson10_prints_names(void)
{
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "%s/lessons/10_mnist --data '%s' --epochs 1 --limit 30 --batch 10 --filters 4 --lr 0.002 "
             "--progress none", build_dir(), named_dir);
    program_result r = run_program(cmd);
    CHECK_INT(r.exit_code, 0);
    check_named_report(r.out);
    program_result_free(&r);
}

static void test_predict_prints_names(void)
{
    char args[2400];
    snprintf(args, sizeof args, "'%s' --test-index 7 --data '%s'", model, named_dir);
    program_result r = predict(args);
    CHECK_INT(r.exit_code, 0);
    CHECK_CONTAINS(r.out, "labelled Sneaker\n");            /* test image 7 is of class 7 */
    char answer[64];
    after(r.out, "the network says: ", " (probability", answer, sizeof answer);
    printf("  predict: the network says \"%s\"\n", answer);
    CHECK(is_fashion_name(answer));
    CHECK_CONTAINS(r.out, "\n  0 T-shirt/top ");            /* the probabilities, by name */
    CHECK_CONTAINS(r.out, "\n  9 Ankle boot  ");
    program_result_free(&r);

    /* the same model and images without classes.txt: digits */
    snprintf(args, sizeof args, "'%s' --test-index 7 --data '%s'", model, digits_dir);
    r = predict(args);
    CHECK_INT(r.exit_code, 0);
    CHECK_CONTAINS(r.out, "labelled 7\n");
    CHECK(strstr(r.out, "Sneaker") == NULL);
    CHECK_CONTAINS(r.out, "\n  7  0.");
    program_result_free(&r);

    snprintf(args, sizeof args, "--dump-pgm 3 '%s' --data '%s'", tmp_path("dress.pgm"), named_dir);
    r = predict(args);
    CHECK_INT(r.exit_code, 0);
    CHECK_CONTAINS(r.out, "wrote test image 3 (label Dress) to ");
    program_result_free(&r);
    remove(tmp_path("dress.pgm"));
}

/* A bad classes file: one line on stderr naming it, exit status 1, from
 * both trainers and predict. */
static void check_refused(program_result *r, const char *what)
{
    char path[1200];
    snprintf(path, sizeof path, "%s/classes.txt: 9 lines, expected 10 class names", named_dir);
    printf("  %s: %s", what, r->err);
    CHECK_INT(r->exit_code, 1);
    CHECK_CONTAINS(r->err, path);
    CHECK_INT(count_lines_containing(r->err, ""), 1);
    program_result_free(r);
}

static void test_bad_classes_file_is_refused(void)
{
    char text[256] = "";
    for (int c = 0; c < 9; c++)
        snprintf(text + strlen(text), sizeof text - strlen(text), "%s\n", fashion[c]);
    write_classes(named_dir, text);
    program_result r = train12(named_dir, "");
    check_refused(&r, "12_deeper");
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "%s/lessons/10_mnist --data '%s' --epochs 1 --progress none", build_dir(), named_dir);
    r = run_program(cmd);
    check_refused(&r, "10_mnist");
    snprintf(cmd, sizeof cmd, "'%s' --test-index 0 --data '%s'", model, named_dir);
    r = predict(cmd);
    check_refused(&r, "predict");
    write_fashion_classes(named_dir);
}

int main(void)
{
    const char *dir = make_tmp_dir("class_names");
    snprintf(named_dir, sizeof named_dir, "%s/named", dir);
    snprintf(digits_dir, sizeof digits_dir, "%s/digits", dir);
    snprintf(model, sizeof model, "%s/named.model", dir);
    write_set(named_dir);
    write_fashion_classes(named_dir);
    write_set(digits_dir);
    RUN_TEST(test_lesson12_prints_names);
    RUN_TEST(test_lesson12_keeps_digits_without_a_classes_file);
    RUN_TEST(test_lesson10_prints_names);
    RUN_TEST(test_predict_prints_names);
    RUN_TEST(test_bad_classes_file_is_refused);
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (!getenv("KEEP"))
        CHECK(shell_ok(cmd));
    return harness_finish();
}
