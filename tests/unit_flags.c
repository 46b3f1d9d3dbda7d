/* tests/unit_flags.c: src/flags.c, the one flag parser, and every program
 * that uses it (lessons, the trainer, predict, gradcheck): the same flags
 * give the same one-line errors everywhere. */
#include <stdio.h>
#include <string.h>

#include "flags.h"
#include "harness.h"

/* ---------------------------------------------------------------- the parser */

typedef struct {
    int epochs, step, progress;
    long seed;
    double lr, momentum;
    const char *data;
} demo_options;

static demo_options opts;
static const char *positional[2];
static int n_positional;
static char err[512];

static int parse(const char *const args[], int n_args, int max_positional)
{
    const flag_spec specs[] = {
        FLAG_INT("--epochs", &opts.epochs, 0, 1000, "N", "passes"),
        FLAG_LONG("--seed", &opts.seed, 0, 2000000000L, "N", "seed"),
        FLAG_REAL_IN_FLOAT("--lr", &opts.lr, 0, 1e9, 1, "X", "learning rate"),
        FLAG_REAL("--momentum", &opts.momentum, 0, 0.999, 0, "X", "momentum"),
        FLAG_TEXT("--data", &opts.data, "DIR", "data"),
        FLAG_SWITCH("--step", &opts.step, "pause"),
        FLAG_CHOICE("--progress", &opts.progress, "bar|lines|none", "progress"),
    };
    flag_set set = { "demo", "demo [flags]", specs, (int)(sizeof specs / sizeof specs[0]), max_positional };
    char *argv[16] = { "demo" };
    for (int i = 0; i < n_args; i++)
        argv[i + 1] = (char *)args[i];
    opts = (demo_options){ 6, 0, 0, 1, 0.05, 0.9, "data/mnist" };
    err[0] = '\0';
    return flags_parse(&set, n_args + 1, argv, positional, &n_positional, err, sizeof err);
}

#define PARSE(max_positional, ...) \
    parse((const char *[]){ __VA_ARGS__ }, (int)(sizeof((const char *[]){ __VA_ARGS__ }) / sizeof(char *)), \
          max_positional)

static void test_values_are_stored(void)
{
    CHECK_INT(PARSE(0, "--epochs", "3", "--lr", "0.5", "--data", "dir", "--step", "--progress", "none",
                    "--seed", "77", "--momentum=0"), FLAGS_OK);
    CHECK_INT(opts.epochs, 3);
    CHECK_NEAR(opts.lr, 0.5, 0);
    CHECK(strcmp(opts.data, "dir") == 0);
    CHECK_INT(opts.step, 1);
    CHECK_INT(opts.progress, 2);
    CHECK_INT(opts.seed, 77);
    CHECK_NEAR(opts.momentum, 0, 0);
}

static void test_defaults_stay_when_not_given(void)
{
    CHECK_INT(PARSE(0, "--step"), FLAGS_OK);
    CHECK_INT(opts.epochs, 6);
    CHECK_NEAR(opts.lr, 0.05, 0);
}

static void test_help(void)
{
    CHECK_INT(PARSE(0, "--epochs", "bad", "--help"), FLAGS_HELP);   /* --help wins over a bad value */
    CHECK_INT(PARSE(0, "-h"), FLAGS_HELP);
}

static void test_errors_are_one_line(void)
{
    static const struct {
        const char *args[2];
        int n;
        const char *message;
    } cases[] = {
        { { "--bogus" }, 1, "demo: unknown option '--bogus' (try --help)" },
        { { "-x" }, 1, "demo: unknown option '-x' (try --help)" },
        { { "--bogus=3" }, 1, "demo: unknown option '--bogus' (try --help)" },
        { { "--epochs" }, 1, "demo: --epochs needs a value (try --help)" },
        { { "--data", "--step" }, 2, "demo: --data needs a value (try --help)" },
        { { "--epochs", "-1" }, 2, "demo: --epochs '-1': expected a whole number from 0 to 1000 (try --help)" },
        { { "--epochs", "2x" }, 2, "demo: --epochs '2x': expected a whole number from 0 to 1000 (try --help)" },
        { { "--epochs", "99999999999999999999" }, 2,
          "demo: --epochs '99999999999999999999': expected a whole number from 0 to 1000 (try --help)" },
        { { "--lr", "0" }, 2, "demo: --lr '0': expected a number > 0 and <= 1e+09 (try --help)" },
        { { "--lr", "nan" }, 2, "demo: --lr 'nan': expected a number > 0 and <= 1e+09 (try --help)" },
        { { "--momentum", "1.5" }, 2, "demo: --momentum '1.5': expected a number >= 0 and <= 0.999 (try --help)" },
        { { "--progress", "sometimes" }, 2,
          "demo: --progress 'sometimes': expected bar, lines or none (try --help)" },
        { { "--step=1" }, 1, "demo: --step takes no value (try --help)" },
        { { "stray" }, 1, "demo: unexpected argument 'stray' (try --help)" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int rc = parse(cases[i].args, cases[i].n, 0);
        CHECK_INT(rc, FLAGS_ERROR);
        if (strcmp(err, cases[i].message) != 0) {
            printf("    got      %s\n    expected %s\n", err, cases[i].message);
            CHECK(strcmp(err, cases[i].message) == 0);
        }
    }
}

/* issue 9, item 10: 1e-300 is a fine double but 0 in float, the trainer's type. */
static void test_float_flags_refuse_what_float_cannot_hold(void)
{
    CHECK_INT(PARSE(0, "--lr", "1e-300"), FLAGS_ERROR);
    CHECK_CONTAINS(err, "--lr '1e-300': too small for float");
    CHECK_INT(PARSE(0, "--lr", "1e-30"), FLAGS_OK);                 /* a normal float */
    CHECK_INT(PARSE(0, "--momentum", "1e-300"), FLAGS_OK);          /* a double-only flag takes it */
}

static void test_positional_arguments(void)
{
    CHECK_INT(PARSE(2, "model", "--epochs", "2", "image.pgm"), FLAGS_OK);
    CHECK_INT(n_positional, 2);
    CHECK(strcmp(positional[0], "model") == 0 && strcmp(positional[1], "image.pgm") == 0);
    CHECK_INT(PARSE(2, "a", "b", "c"), FLAGS_ERROR);
    CHECK_CONTAINS(err, "unexpected argument 'c'");
}

/* ---------------------------------------------------------------- the programs */

static program_result run_tool(const char *command)
{
    char line[4096];
    snprintf(line, sizeof line, "%s/%s", build_dir(), command);
    return run_program(line);
}

/* Exit status 2 and stderr is exactly one line containing `needle`. */
static void check_flag_error(const char *command, const char *needle)
{
    program_result r = run_tool(command);
    CHECK_INT(r.exit_code, 2);
    CHECK_CONTAINS(r.err, needle);
    CHECK_INT(count_lines_containing(r.err, ""), 1);
    if (r.exit_code != 2 || strstr(r.err, needle) == NULL)
        printf("    %s -> exit %d, stderr: %s\n", command, r.exit_code, r.err);
    program_result_free(&r);
}

static void test_every_program_says_the_same(void)
{
    static const char *programs[] = { "lessons/01_convolution", "lessons/02_chain_rule", "lessons/10_mnist",
                                      "predict", "gradcheck" };
    for (size_t i = 0; i < sizeof programs / sizeof programs[0]; i++) {
        char command[256], expected[256];
        const char *name = strrchr(programs[i], '/') ? strrchr(programs[i], '/') + 1 : programs[i];
        snprintf(command, sizeof command, "%s --bogus", programs[i]);
        snprintf(expected, sizeof expected, "%s: unknown option '--bogus' (try --help)", name);
        check_flag_error(command, expected);
        snprintf(command, sizeof command, "%s --help", programs[i]);
        program_result r = run_tool(command);
        CHECK_INT(r.exit_code, 0);
        CHECK_CONTAINS(r.out, "usage: ");
        program_result_free(&r);
    }
}

/* issue 9: "--plot-data without a value is called an unknown option". */
static void test_plot_data_needs_a_value(void)
{
    check_flag_error("lessons/02_chain_rule --plot-data", "02_chain_rule: --plot-data needs a value (try --help)");
    check_flag_error("lessons/01_convolution --plot-data x", "unknown option '--plot-data'");   /* no plot here */
}

/* issue 8, section 8: the trainer pauses between steps like every lesson. */
static void test_trainer_accepts_step(void)
{
    program_result r = run_tool("lessons/10_mnist --step --epochs 0 --data /nonexistent-dir");
    CHECK_INT(r.exit_code, 1);                         /* it got past the flags, to the missing data */
    CHECK(strstr(r.err, "unknown option") == NULL);
    CHECK_CONTAINS(r.err, "/nonexistent-dir");
    program_result_free(&r);
}

/* issue 9, item 10: the trainer computes in float. */
static void test_trainer_refuses_a_learning_rate_float_rounds_to_zero(void)
{
    check_flag_error("lessons/10_mnist --lr 1e-300", "10_mnist: --lr '1e-300': too small for float");
    check_flag_error("lessons/10_mnist --momentum 1e-60", "10_mnist: --momentum '1e-60': too small for float");
}

/* A test set of two 28x28 images, for predict. */
static void write_tiny_test_set(const char *dir)
{
    unsigned char images[16 + 2 * 784] = { 0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 28, 0, 0, 0, 28 };
    unsigned char labels[8 + 2] = { 0, 0, 8, 1, 0, 0, 0, 2, 7, 1 };
    char path[1024];
    snprintf(path, sizeof path, "%s/t10k-images-idx3-ubyte", dir);
    write_test_file(path, images, sizeof images);
    snprintf(path, sizeof path, "%s/t10k-labels-idx1-ubyte", dir);
    write_test_file(path, labels, sizeof labels);
}

/* issue 9: "--dump-pgm 10000 names --test-index in its error". */
static void test_dump_pgm_error_names_dump_pgm(void)
{
    const char *dir = make_tmp_dir("unit_flags");
    char command[2048];
    write_tiny_test_set(dir);
    snprintf(command, sizeof command, "predict --dump-pgm 5 '%s/x.pgm' --data '%s'", dir, dir);
    program_result r = run_tool(command);
    CHECK_INT(r.exit_code, 1);
    CHECK_CONTAINS(r.err, "--dump-pgm must be 0 to 1");
    CHECK(strstr(r.err, "--test-index") == NULL);
    program_result_free(&r);
    snprintf(command, sizeof command, "predict --dump-pgm 1 '%s/x.pgm' --data '%s'", dir, dir);
    r = run_tool(command);
    CHECK_INT(r.exit_code, 0);
    CHECK_CONTAINS(r.out, "wrote test image 1 (label 1)");
    program_result_free(&r);
    check_flag_error("predict --dump-pgm -3 x.pgm", "predict: --dump-pgm '-3': expected a whole number");
}

int main(void)
{
    RUN_TEST(test_values_are_stored);
    RUN_TEST(test_defaults_stay_when_not_given);
    RUN_TEST(test_help);
    RUN_TEST(test_errors_are_one_line);
    RUN_TEST(test_float_flags_refuse_what_float_cannot_hold);
    RUN_TEST(test_positional_arguments);
    RUN_TEST(test_every_program_says_the_same);
    RUN_TEST(test_plot_data_needs_a_value);
    RUN_TEST(test_trainer_accepts_step);
    RUN_TEST(test_trainer_refuses_a_learning_rate_float_rounds_to_zero);
    RUN_TEST(test_dump_pgm_error_names_dump_pgm);
    return harness_finish();
}
