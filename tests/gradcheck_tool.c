/* tests/gradcheck_tool.c: build/gradcheck, the gradient checker for
 * anyone's gradient: every layer checks good; Doshi's 3x3 image / 2x2
 * filter example typed in from notes/gradcheck/ gives dL/dF = [[12,11],
 * [-2,16]]; a --mine file with each usual mistake gets that mistake named,
 * the verdict on it comes last and the answer is not given away; kinks
 * (ReLU near 0, max-pooling ties) are labelled and not counted, a bug at
 * the same place still fails; NaN is never good; --float and the random
 * projection say what they did; --h-sweep writes its table; `make
 * gradcheck SRC=...` checks the template layer (good) and broken layers
 * (wrong); bad input (number files included) is one line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define DOSHI "--layer conv --height 3 --width 3 --kernel 2 --filters 1 --x notes/gradcheck/x.txt " \
              "--w notes/gradcheck/f.txt --b notes/gradcheck/b.txt --dy notes/gradcheck/do.txt"

static program_result gradcheck(const char *args)
{
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "%s/gradcheck %s", build_dir(), args);
    return run_program(cmd);
}

static void test_every_layer_checks_good(void)
{
    static const char *layers[] = {
        "--layer conv --channels 2 --filters 3 --kernel 3 --height 5 --width 5 --stride 2 --pad 1",
        "--layer conv --channels 1 --filters 2 --kernel 2 --height 4 --width 4 --pad-bottom 1 --pad-right 1",
        "--layer maxpool --channels 2 --height 5 --width 5 --kernel 3 --stride 2",
        "--layer avgpool --channels 2 --height 4 --width 4 --kernel 2 --stride 2",
        "--layer relu", "--layer sigmoid", "--layer tanh",
        "--layer dense --inputs 5 --outputs 3", "--layer softmax-ce --classes 5 --label 2", "--layer mse --outputs 3",
        "--layer convnet --height 8 --width 8 --filters 2 --kernel 3 --classes 3 --label 1",
    };
    for (size_t i = 0; i < sizeof layers / sizeof layers[0]; i++) {
        program_result r = gradcheck(layers[i]);
        CHECK_INT(r.exit_code, 0);
        CHECK_CONTAINS(r.out, "h = ");
        CHECK(gradcheck_lines_all_good(r.out) >= 1);
        if (r.exit_code != 0 || gradcheck_lines_all_good(r.out) < 1)
            printf("    %s:\n%s%s", layers[i], r.out, r.err);
        program_result_free(&r);
    }
}

/* The last non-empty line of text. */
static void last_line(const char *text, char *line, size_t size)
{
    const char *end = text + strlen(text);
    while (end > text && end[-1] == '\n')
        end--;
    const char *start = end;
    while (start > text && start[-1] != '\n')
        start--;
    snprintf(line, size, "%.*s", (int)(end - start), start);
}

static void test_doshi_example_typed_in(void)
{
    program_result r = gradcheck(DOSHI " --mine notes/gradcheck/my_dF.txt --show-answer");
    CHECK_INT(r.exit_code, 0);
    CHECK_CONTAINS(r.out, "  [0][0][0][0]          12.00000000      12.00000000");
    CHECK_CONTAINS(r.out, "  [0][0][0][1]          11.00000000      11.00000000");
    CHECK_CONTAINS(r.out, "  [0][0][1][0]          -2.00000000      -2.00000000");
    CHECK_CONTAINS(r.out, "  [0][0][1][1]          16.00000000      16.00000000");
    CHECK_CONTAINS(r.out, "4 of 4 entries right");
    program_result_free(&r);
}

/* issue 18 item 1: the output ends on the verdict about the student's file,
 * and the library's answer (here dL/dX = [2 5 2 -3 0 6 1 -3 0]) is not
 * printed unless asked for. */
static void test_mine_ends_on_the_verdict_and_keeps_the_answer(void)
{
    char line[512];
    program_result r = gradcheck(DOSHI " --mine notes/gradcheck/my_dX_not_rotated.txt --wrt X");
    CHECK_INT(r.exit_code, 1);
    last_line(r.out, line, sizeof line);
    CHECK_CONTAINS(line, "exit status 1");
    CHECK(strstr(r.out, "WRONG: 0 of 9 entries right") != NULL);
    CHECK(strstr(r.out, "WRONG: 0 of 9 entries right") > strstr(r.out, "yours "));   /* after every entry */
    CHECK(strstr(r.out, "likely mistake: the kernel was not rotated") > strstr(r.out, "0 of 9"));
    CHECK(strstr(r.out, "analytic") == NULL);           /* no library table */
    CHECK(strstr(r.out, "-3.0") == NULL && strstr(r.out, " 6.0") == NULL && strstr(r.out, "says") == NULL);
    CHECK(strstr(r.out, "worst relative error") == NULL);
    program_result_free(&r);
    r = gradcheck(DOSHI " --mine notes/gradcheck/my_dF.txt");
    CHECK_INT(r.exit_code, 0);
    last_line(r.out, line, sizeof line);
    CHECK_CONTAINS(line, "exit status 0");
    CHECK_CONTAINS(r.out, "RIGHT: 4 of 4 entries right");
    CHECK(strstr(r.out, "12.000") == NULL);
    program_result_free(&r);
    r = gradcheck(DOSHI " --mine notes/gradcheck/my_dX_not_rotated.txt --wrt X --show-answer");
    CHECK_INT(r.exit_code, 1);
    CHECK_CONTAINS(r.out, "  [0][1][2]        yours             -2   WRONG: the central difference says 6");
    last_line(r.out, line, sizeof line);
    CHECK_CONTAINS(line, "exit status 1");
    program_result_free(&r);
}

static void test_each_usual_mistake_is_named(void)
{
    static const char *cases[][2] = {
        { " --mine notes/gradcheck/my_dF_rotated.txt", "likely mistake: dL/dO was rotated" },
        { " --mine notes/gradcheck/my_dF_sign.txt", "likely mistake: the sign is flipped" },
        { " --mine notes/gradcheck/my_dF_transposed.txt", "likely mistake: transposed" },
        { " --mine notes/gradcheck/my_dF_batch.txt", "likely mistake: every entry is times 4: off by the batch size" },
        { " --mine notes/gradcheck/my_dX_not_rotated.txt --wrt X", "likely mistake: the kernel was not rotated" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char args[1024];
        snprintf(args, sizeof args, "%s%s", DOSHI, cases[i][0]);
        program_result r = gradcheck(args);
        CHECK_INT(r.exit_code, 1);
        CHECK_CONTAINS(r.out, cases[i][1]);
        CHECK_CONTAINS(r.out, "WRONG\n");
        program_result_free(&r);
    }
    /* stride 2 without dilating dL/dO: a 4x4 answer for a 5x5 input */
    make_tmp_dir("gradcheck_tool");
    write_test_file(tmp_path("undilated.txt"), "1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n", 39);
    char args[1024];
    snprintf(args, sizeof args, "--layer conv --height 5 --width 5 --kernel 3 --stride 2 --mine '%s' --wrt X",
             tmp_path("undilated.txt"));
    program_result r = gradcheck(args);
    CHECK_INT(r.exit_code, 1);
    CHECK_CONTAINS(r.err, "with stride 2, dilate dL/dO first");
    CHECK_INT(count_lines_containing(r.err, ""), 1);
    CHECK(strstr(r.out, "dL/dX") == NULL);                 /* refused before any report */
    program_result_free(&r);
}

static void test_h_sweep_table_and_data(void)
{
    make_tmp_dir("gradcheck_tool");
    char args[1024];
    snprintf(args, sizeof args, "--layer sigmoid --h-sweep --sweep-data '%s'", tmp_path("sweep.dat"));
    program_result r = gradcheck(args);
    CHECK_INT(r.exit_code, 0);
    CHECK_CONTAINS(r.out, "best h: ");
    char *data = read_text_file(tmp_path("sweep.dat"));
    CHECK(data != NULL);
    CHECK_INT(count_lines_containing(data ? data : "", "e-"), 12);   /* h = 1e-1 .. 1e-12 */
    /* double reaches 1e-9 somewhere; float never gets below 1e-6 */
    CHECK_CONTAINS(r.out, "in double (error ");
    free(data);
    program_result_free(&r);
}

static void test_bring_your_own_layer(void)
{
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS make -s gradcheck BUILD='%s' "
             "SRC=src/tools/gradcheck/my_layer.c", build_dir());
    program_result r = run_program(cmd);
    CHECK_INT(r.exit_code, 0);
    CHECK_CONTAINS(r.out, "y = tanh(a x + b), 5 inputs");
    CHECK(gradcheck_lines_all_good(r.out) == 2);                   /* x and params */
    program_result_free(&r);
    /* broken: dL/dx forgets the factor a */
    make_tmp_dir("gradcheck_tool");
    char *text = read_text_file("src/tools/gradcheck/my_layer.c");
    CHECK(text != NULL && strstr(text, "dx[i] = du * a;") != NULL);
    if (!text)
        return;
    char *at = strstr(text, "dx[i] = du * a;");
    if (at)
        memcpy(at, "dx[i] = du    ;", 15);
    write_test_file(tmp_path("broken_layer.c"), text, strlen(text));
    free(text);
    snprintf(cmd, sizeof cmd, "env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS make -s gradcheck BUILD='%s' SRC='%s'",
             build_dir(), tmp_path("broken_layer.c"));
    r = run_program(cmd);
    CHECK(r.exit_code != 0);
    CHECK(line_ends_with(r.out, "  x      (5)", "wrong"));
    CHECK(line_ends_with(r.out, "  params (2)", "good"));
    CHECK(strstr(r.err, "***") == NULL);
    program_result_free(&r);
}

static void test_bad_input_is_one_line(void)
{
    make_tmp_dir("gradcheck_tool");
    write_test_file(tmp_path("three.txt"), "1 2 3\n", 6);
    write_test_file(tmp_path("words.txt"), "1 2\nthree 4\n", 11);
    char args[1024];
    snprintf(args, sizeof args, "--layer conv --height 3 --width 3 --kernel 2 --x '%s'", tmp_path("three.txt"));
    program_result r = gradcheck(args);
    CHECK_INT(r.exit_code, 1);
    CHECK_CONTAINS(r.err, "three.txt: 3 numbers, but X (1x3x3) needs 9");
    program_result_free(&r);
    snprintf(args, sizeof args, "--layer relu --height 2 --width 2 --x '%s'", tmp_path("words.txt"));
    r = gradcheck(args);
    CHECK_INT(r.exit_code, 1);
    CHECK_CONTAINS(r.err, "words.txt, line 2: 'three' is not a number");
    program_result_free(&r);
    r = gradcheck("--layer conv --height 4 --width 4 --kernel 3 --stride 2");
    CHECK_INT(r.exit_code, 1);
    CHECK_CONTAINS(r.err, "does not tile");
    program_result_free(&r);
    r = gradcheck("--layer bogus");
    CHECK_INT(r.exit_code, 2);
    CHECK_CONTAINS(r.err, "gradcheck: --layer 'bogus': expected conv, maxpool");
    program_result_free(&r);
    r = gradcheck("--layer dense --mine nofile.txt --wrt Q");
    CHECK_INT(r.exit_code, 1);
    CHECK_CONTAINS(r.err, "--wrt 'Q': --layer dense has X, W, b");
    program_result_free(&r);
}

/* A file in the test's directory holding text; its path (the last 16 stay valid). */
static const char *file_with(const char *name, const char *text)
{
    static char paths[16][2048];
    static int next;
    char *path = paths[next++ % 16];
    snprintf(path, sizeof paths[0], "%s", tmp_path(name));
    write_test_file(path, text, strlen(text));
    return path;
}

/* issue 18 item 2: a ReLU input within h of 0 and a max-pooling tie are
 * labelled kinks and do not fail; a wrong value at the same place does. */
static void test_kinks_are_labelled_and_bugs_still_fail(void)
{
    char args[2048];
    make_tmp_dir("gradcheck_tool");
    const char *x = file_with("relu_x.txt", "0.0004 1 -2\n"), *dy = file_with("relu_dy.txt", "1 1 1\n");
    snprintf(args, sizeof args, "--layer relu --height 1 --width 3 --x '%s' --dy '%s'", x, dy);
    program_result r = gradcheck(args);
    CHECK_INT(r.exit_code, 0);
    CHECK(line_ends_with(r.out, "  [0][0][0]", "kink: the finite difference straddles ReLU's corner at X[0][0][0]"));
    CHECK(gradcheck_lines_all_good(r.out) == 1);
    CHECK_CONTAINS(r.out, "1 of 3 entries straddle a kink");
    program_result_free(&r);
    snprintf(args, sizeof args, "--layer maxpool --height 2 --width 2 --kernel 2 --stride 2 --x '%s'",
             file_with("tie.txt", "1 1\n0 0\n"));
    r = gradcheck(args);
    CHECK_INT(r.exit_code, 0);
    CHECK_INT(count_lines_containing(r.out, "kink: the finite difference straddles a tie of max pooling"), 2);
    CHECK(gradcheck_lines_all_good(r.out) == 1);
    program_result_free(&r);
    /* --mine at the kink: the slope on X's side (1) is right; the central difference (0.7) and 5 are not */
    static const char *answers[][2] = { { "1 1 0\n", "0" }, { "0.7 1 0\n", "1" }, { "5 1 0\n", "1" } };
    for (int i = 0; i < 3; i++) {
        snprintf(args, sizeof args, "--layer relu --height 1 --width 3 --x '%s' --dy '%s' --mine '%s'", x, dy,
                 file_with("relu_mine.txt", answers[i][0]));
        r = gradcheck(args);
        CHECK_INT(r.exit_code, atoi(answers[i][1]));
        CHECK_CONTAINS(r.out, i == 0 ? "RIGHT: 3 of 3 entries right (1 of them at a kink" : "WRONG: 2 of 3");
        program_result_free(&r);
    }
}

/* A layer of your own that is ReLU, with its backward's threshold at
 * `threshold`: 0 is right; 0.001 is a bug at the kink. */
static program_result own_relu(const char *threshold, const char *x_file, const char *dy_file)
{
    char text[2048], cmd[4096];
    snprintf(text, sizeof text,
             "#include \"my_layer.h\"\n"
             "const my_layer_info my_layer = { \"relu of my own\", 3, 0, 3 };\n"
             "void my_layer_forward(const double *x, const double *params, double *y)\n"
             "{ (void)params; for (int i = 0; i < 3; i++) y[i] = x[i] > 0 ? x[i] : 0; }\n"
             "void my_layer_backward(const double *x, const double *params, const double *dy, double *dx, double *dp)\n"
             "{ (void)params; (void)dp; for (int i = 0; i < 3; i++) dx[i] = x[i] > %s ? dy[i] : 0; }\n", threshold);
    const char *src = file_with("own_relu.c", text);
    snprintf(cmd, sizeof cmd, "env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS make -s gradcheck BUILD='%s' SRC='%s' "
             "ARGS=\"--x '%s' --dy '%s'\"", build_dir(), src, x_file, dy_file);
    return run_program(cmd);
}

/* A layer the checker cannot see inside: the slopes on the two sides tell the kink. */
static void test_kinks_of_your_own_layer(void)
{
    make_tmp_dir("gradcheck_tool");
    const char *x = file_with("own_x.txt", "0.000004 1 -2\n"), *dy = file_with("own_dy.txt", "1 1 1\n");
    program_result r = own_relu("0", x, dy);          /* h = 1e-5: x[0] is within h of the corner */
    CHECK_INT(r.exit_code, 0);
    CHECK(line_ends_with(r.out, "  [0]  ", "kink: the finite difference straddles a point where the slope jumps "
                                           "(left 0.4, right 1)"));
    CHECK(gradcheck_lines_all_good(r.out) == 1);
    program_result_free(&r);
    r = own_relu("0.001", x, dy);
    CHECK(r.exit_code != 0);
    CHECK(line_ends_with(r.out, "  x      (3)", "wrong"));
    CHECK(strstr(r.out, "kink:") == NULL);
    program_result_free(&r);
}

/* issue 16 item 5: a NaN anywhere is a failure with its reason. */
static void test_nan_is_never_good(void)
{
    char args[2048];
    make_tmp_dir("gradcheck_tool");
    snprintf(args, sizeof args, "--layer relu --height 2 --width 2 --x '%s'", file_with("nan.txt", "1 nan 2 3\n"));
    program_result r = gradcheck(args);
    check_one_line_failure(&r, 1, "nan.txt, line 1: 'nan' is not a finite number", "NaN in --x");
    program_result_free(&r);
    snprintf(args, sizeof args, "--layer dense --inputs 2 --outputs 1 --w '%s'", file_with("inf.txt", "1 -inf\n"));
    r = gradcheck(args);
    check_one_line_failure(&r, 1, "inf.txt, line 1: '-inf' is not a finite number", "inf in --w");
    program_result_free(&r);
    /* finite numbers whose forward pass overflows: wrong, and why */
    snprintf(args, sizeof args, "--layer dense --inputs 2 --outputs 1 --x '%s'", file_with("big.txt", "1e308 1e308\n"));
    r = gradcheck(args);
    CHECK_INT(r.exit_code, 1);
    CHECK_CONTAINS(r.out, "max rel error inf");
    CHECK_CONTAINS(r.out, "wrong (the loss is not a finite number near this entry)");
    CHECK_CONTAINS(r.out, "wrong (the analytic gradient is not a finite number)");
    CHECK_CONTAINS(r.out, "x + h rounds to x for 2 entries");
    CHECK(gradcheck_lines_all_good(r.out) == -1);
    CHECK(strstr(r.out, "  good\n") == NULL);
    program_result_free(&r);
}

/* issue 16 item 6: number files: any line length, dimensions written as
 * positive integers, numbers end at a separator. */
static void test_number_files(void)
{
    char args[2048];
    make_tmp_dir("gradcheck_tool");
    size_t n = 3000, size = n * 5 + 6000;
    char *text = malloc(size);
    CHECK(text != NULL);
    if (!text)
        return;
    size_t used = (size_t)snprintf(text, size, "shape 3000\n#");
    memset(text + used, 'c', 5000);                  /* a comment line of 5,000 bytes */
    used += 5000;
    text[used++] = '\n';
    for (size_t i = 0; i < n; i++)                   /* 3,000 numbers on one line of 12,000 bytes */
        used += (size_t)snprintf(text + used, size - used, "%s0.5", i ? " " : "");
    text[used++] = '\n';
    write_test_file(tmp_path("long.txt"), text, used);
    free(text);
    snprintf(args, sizeof args, "--layer dense --inputs 3000 --outputs 1 --max-entries 20 --x '%s'",
             tmp_path("long.txt"));
    program_result r = gradcheck(args);
    CHECK_INT(r.exit_code, 0);
    CHECK(gradcheck_lines_all_good(r.out) == 3);
    program_result_free(&r);
    static const char *bad[][2] = {
        { "shape nan\n1 2 3 4\n", "line 1: 'nan' is not a dimension" },
        { "shape inf\n1 2 3 4\n", "line 1: 'inf' is not a dimension" },
        { "shape 1e30\n1 2 3 4\n", "line 1: '1e30' is not a dimension" },
        { "shape 9300000000000000000\n1 2 3 4\n", "line 1: '9300000000000000000' is not a dimension" },
        { "shape 2.9 4\n1 2 3 4\n", "line 1: '2.9' is not a dimension" },
        { "shape -2 -4\n1 2 3 4\n", "line 1: '-2' is not a dimension" },
        { "shape 100000 100000\n1 2 3 4\n", "line 1: the shape has more than" },
        { "shape\n1 2 3 4\n", "line 1: the shape line names no dimension" },
        { "1 2\n2.0.5 4\n", "line 2: '2.0.5' is not a number" },
        { "1 2 3 1e999\n", "line 1: '1e999' is not a finite number" },
        { "1 2 3\n4\0\n", "line 2: a NUL byte" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        size_t len = strlen(bad[i][0]) + (strstr(bad[i][1], "NUL") ? 2 : 0);
        write_test_file(tmp_path("bad.txt"), bad[i][0], len);
        snprintf(args, sizeof args, "--layer relu --height 2 --width 2 --x '%s'", tmp_path("bad.txt"));
        r = gradcheck(args);
        check_one_line_failure(&r, 1, bad[i][1], bad[i][0]);
        program_result_free(&r);
    }
    snprintf(args, sizeof args, "--layer relu --height 2 --width 2 --x '%s'",
             file_with("good.txt", "shape 1 2 2  # C H W\n1, 2,\n-3\t4e-1\n"));
    r = gradcheck(args);
    CHECK_INT(r.exit_code, 0);
    program_result_free(&r);
}

/* issue 16 item 10: --h below round-off is said; --wrt alone is refused; --help lists every layer. */
static void test_flags_that_were_ignored(void)
{
    program_result r = gradcheck("--layer sigmoid --h 1e-300");
    CHECK_CONTAINS(r.out, "warning: h = 1e-300 is below round-off");
    program_result_free(&r);
    r = gradcheck("--layer sigmoid");
    CHECK(strstr(r.out, "warning") == NULL);
    program_result_free(&r);
    r = gradcheck("--layer dense --wrt W");
    check_one_line_failure(&r, 2, "--wrt names the tensor a --mine file is the gradient of", "--wrt alone");
    program_result_free(&r);
    r = gradcheck("--help");
    CHECK_INT(r.exit_code, 0);
    static const char *layers[] = { "conv", "maxpool", "avgpool", "relu", "sigmoid", "tanh", "dense", "softmax-ce",
                                    "mse", "convnet", "mine" };
    for (size_t i = 0; i < sizeof layers / sizeof layers[0]; i++) {
        char word[32];
        snprintf(word, sizeof word, " %s", layers[i]);
        CHECK_CONTAINS(r.out, word);
    }
    program_result_free(&r);
}

/* The float after the "--float" heading's "worst relative error ", or -1. */
static double float_error(const char *out)
{
    const char *at = strstr(out, "--float: ");
    at = at ? strstr(at, "worst relative error ") : NULL;
    return at ? atof(at + strlen("worst relative error ")) : -1;
}

/* issue 18 item 3: --float reruns in float and says what to expect; a large tensor is sampled and projected. */
static void test_float_rerun_and_random_projection(void)
{
    program_result r = gradcheck("--layer sigmoid --float");
    CHECK_INT(r.exit_code, 0);
    double e = float_error(r.out);
    CHECK(e > 1e-7 && e < 1e-2);                    /* float's rounding: above double's 1e-9, under 1e-2 */
    CHECK_CONTAINS(r.out, "up to 1e-02");
    program_result_free(&r);
    r = gradcheck("--layer dense --inputs 60 --outputs 50 --max-entries 100");
    CHECK_INT(r.exit_code, 0);
    CHECK_CONTAINS(r.out, "W has 3000 entries, more than --max-entries 100: checked 100 of them");
    CHECK(line_ends_with(r.out, "  W: one random projection", "good"));
    CHECK(gradcheck_lines_all_good(r.out) == 3);
    program_result_free(&r);
}

int main(void)
{
    RUN_TEST(test_every_layer_checks_good);
    RUN_TEST(test_doshi_example_typed_in);
    RUN_TEST(test_mine_ends_on_the_verdict_and_keeps_the_answer);
    RUN_TEST(test_kinks_are_labelled_and_bugs_still_fail);
    RUN_TEST(test_kinks_of_your_own_layer);
    RUN_TEST(test_nan_is_never_good);
    RUN_TEST(test_number_files);
    RUN_TEST(test_flags_that_were_ignored);
    RUN_TEST(test_float_rerun_and_random_projection);
    RUN_TEST(test_each_usual_mistake_is_named);
    RUN_TEST(test_h_sweep_table_and_data);
    RUN_TEST(test_bring_your_own_layer);
    RUN_TEST(test_bad_input_is_one_line);
    return harness_finish();
}
