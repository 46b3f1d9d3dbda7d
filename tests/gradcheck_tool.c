/* tests/gradcheck_tool.c: build/gradcheck, the gradient checker for
 * anyone's gradient: every layer checks good; Doshi's 3x3 image / 2x2
 * filter example typed in from notes/gradcheck/ gives dL/dF = [[12,11],
 * [-2,16]]; a --mine file with each usual mistake gets that mistake named;
 * --h-sweep writes its table; `make gradcheck SRC=...` checks the template
 * layer (good) and a broken copy of it (wrong); bad input is one line. */
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

static void test_doshi_example_typed_in(void)
{
    program_result r = gradcheck(DOSHI " --mine notes/gradcheck/my_dF.txt");
    CHECK_INT(r.exit_code, 0);
    CHECK_CONTAINS(r.out, "  [0][0][0][0]          12.00000000      12.00000000");
    CHECK_CONTAINS(r.out, "  [0][0][0][1]          11.00000000      11.00000000");
    CHECK_CONTAINS(r.out, "  [0][0][1][0]          -2.00000000      -2.00000000");
    CHECK_CONTAINS(r.out, "  [0][0][1][1]          16.00000000      16.00000000");
    CHECK_CONTAINS(r.out, "4 of 4 entries right");
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
        CHECK_CONTAINS(r.out, "WRONG: the central difference says ");
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
    CHECK_CONTAINS(r.err, "words.txt, line 2: 'three 4");
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

int main(void)
{
    RUN_TEST(test_every_layer_checks_good);
    RUN_TEST(test_doshi_example_typed_in);
    RUN_TEST(test_each_usual_mistake_is_named);
    RUN_TEST(test_h_sweep_table_and_data);
    RUN_TEST(test_bring_your_own_layer);
    RUN_TEST(test_bad_input_is_one_line);
    return harness_finish();
}
