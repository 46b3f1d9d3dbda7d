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

/* The --help text of a table, into buf. */
static void usage_text(const flag_set *set, char *buf, size_t size)
{
    FILE *f = tmpfile();
    CHECK(f != NULL);
    if (!f) {
        buf[0] = '\0';
        return;
    }
    flags_usage(f, set);
    rewind(f);
    size_t n = fread(buf, 1, size - 1, f);
    buf[n] = '\0';
    fclose(f);
}

/* The line of the --help text that starts with the flag's name (after the indent). */
static const char *usage_line(const char *text, const char *name, char *line, size_t size)
{
    char start[64];
    snprintf(start, sizeof start, "\n  %s ", name);
    const char *at = strstr(text, start);
    line[0] = '\0';
    if (at)
        snprintf(line, size, "%.*s", (int)strcspn(at + 1, "\n"), at + 1);
    return line;
}

/* Issue 16: a 64-byte buffer cut gradcheck's "--layer conv|...|mine" in
 * --help; a flag's name and choices are printed whole, at any length, and
 * a short one is still padded to the help column. */
static void test_help_never_cuts_a_choice_list(void)
{
    static const char *long_choices =
        "conv|maxpool|avgpool|relu|sigmoid|tanh|dense|softmax-ce|mse|convnet|mine|another|and-one-more";
    int choice = 0, n = 0;
    const flag_spec specs[] = {
        FLAG_CHOICE("--layer", &choice, long_choices, "the layer to check"),
        FLAG_INT("--n", &n, 0, 9, "N", "a number"),
    };
    flag_set set = { "t", "t [flags]", specs, 2, 0 };
    char text[2048], line[512], want[512];
    usage_text(&set, text, sizeof text);
    snprintf(want, sizeof want, "--layer %s the layer to check", long_choices);
    CHECK_CONTAINS(usage_line(text, "--layer", line, sizeof line), want);
    CHECK_CONTAINS(usage_line(text, "--n", line, sizeof line), "--n N                  a number");
}

/* newcomer review, lesson 15: "--seeds N ... (default: each experiment's
 * own) (default 0)", and 0 is refused: a default the help describes, or
 * one outside the flag's range (a "not given" marker), is not printed. */
static void test_help_shows_only_true_defaults(void)
{
    int epochs = 6, seeds = 0, index = -1, limit = 0;
    double h = 0, lr = 0.05;
    const char *data = "data/mnist", *model = NULL;
    const flag_spec specs[] = {
        FLAG_INT("--epochs", &epochs, 0, 1000, "N", "passes"),
        FLAG_INT("--seeds", &seeds, 1, 20, "N", "seeds (default: each experiment's own)"),
        FLAG_INT("--index", &index, 0, 100, "N", "an image"),
        FLAG_INT("--limit", &limit, 0, 100, "N", "images (default: all)"),
        FLAG_REAL("--h", &h, 0, 1, 1, "H", "a step"),
        FLAG_REAL("--lr", &lr, 0, 1, 1, "X", "learning rate"),
        FLAG_TEXT("--data", &data, "DIR", "data"),
        FLAG_TEXT("--model", &model, "FILE", "a model"),
    };
    flag_set set = { "demo", "demo [flags]", specs, (int)(sizeof specs / sizeof specs[0]), 0 };
    char text[4096], line[256];
    usage_text(&set, text, sizeof text);
    CHECK_CONTAINS(usage_line(text, "--epochs", line, sizeof line), "passes (default 6)");
    CHECK_CONTAINS(usage_line(text, "--lr", line, sizeof line), "(default 0.05)");
    CHECK_CONTAINS(usage_line(text, "--data", line, sizeof line), "(default data/mnist)");
    CHECK_CONTAINS(usage_line(text, "--seeds", line, sizeof line), "(default: each experiment's own)");
    CHECK(strstr(line, "(default 0)") == NULL);                 /* described in words: not repeated */
    CHECK_CONTAINS(usage_line(text, "--limit", line, sizeof line), "(default: all)");
    CHECK(strstr(line, "(default 0)") == NULL);                 /* in range, but the words say it */
    CHECK_CONTAINS(usage_line(text, "--index", line, sizeof line), "an image");
    CHECK(strstr(line, "default") == NULL);                     /* -1: below the range, a marker */
    CHECK_CONTAINS(usage_line(text, "--h", line, sizeof line), "a step");
    CHECK(strstr(line, "default") == NULL);                     /* 0 with lo_open: refused, a marker */
    CHECK_CONTAINS(usage_line(text, "--model", line, sizeof line), "a model");
    CHECK(strstr(line, "default") == NULL);                     /* NULL text */
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

/* The same in the programs the review named: no "(default" twice on a line,
 * no default the flag itself refuses. */
static void test_programs_help_has_no_contradictory_defaults(void)
{
    static const char *programs[] = { "lessons/14_what_it_sees", "lessons/15_claims", "lessons/10_mnist",
                                      "gradcheck", "predict" };
    for (size_t i = 0; i < sizeof programs / sizeof programs[0]; i++) {
        char command[256];
        snprintf(command, sizeof command, "%s --help", programs[i]);
        program_result r = run_tool(command);
        CHECK_INT(r.exit_code, 0);
        for (const char *at = r.out; at && *at; at = strchr(at, '\n') ? strchr(at, '\n') + 1 : NULL) {
            size_t len = strcspn(at, "\n");
            char line[512];
            snprintf(line, sizeof line, "%.*s", (int)len, at);
            const char *first = strstr(line, "(default");
            if (first && strstr(first + 1, "(default")) {
                printf("    %s: two defaults: %s\n", programs[i], line);
                CHECK(0);
            }
            if (strstr(line, "(default -1)")) {
                printf("    %s: a default the flag refuses: %s\n", programs[i], line);
                CHECK(0);
            }
        }
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
    RUN_TEST(test_help_shows_only_true_defaults);
    RUN_TEST(test_help_never_cuts_a_choice_list);
    RUN_TEST(test_programs_help_has_no_contradictory_defaults);
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
