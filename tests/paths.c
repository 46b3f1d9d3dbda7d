/* tests/paths.c: every src/... path that a student reads (README.md, the
 * notes, src/README.md, the lessons' sources and what the lessons print, the
 * exercises) names a file or folder that exists. The lesson tests check
 * numbers, not the paths in a lesson's sentences: this test is what fails
 * when a file moves and a sentence still points at its old place. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

/* How many distinct src/... paths the files (shell words, run from the top
 * folder) name, into *named; returns how many of them do not exist (each
 * printed), or -1 when the shell failed. A path is src/ and the letters,
 * digits, _ . / - that follow, up to the last letter or digit ("src/pool.c."
 * at the end of a sentence is src/pool.c); "mysrc/x" is not one. */
static int missing_paths(const char *files, int *named)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd,
             "grep -rhoE '(^|[^A-Za-z0-9_./-])src/[A-Za-z0-9_./-]*[A-Za-z0-9_]' $(ls -d %s 2> /dev/null) "
             "| sed 's|^[^s]*src/|src/|' | sort -u | while read -r p; do "
             "if [ -e \"$p\" ]; then echo \"found $p\"; else echo \"missing $p\"; fi; done",
             files);
    program_result r = run_program(cmd);
    int missing = r.exit_code == 0 ? count_lines_containing(r.out, "missing src/") : -1;
    *named = count_lines_containing(r.out, "found src/") + (missing > 0 ? missing : 0);
    if (missing != 0)
        printf("%.3000s%s", r.out, r.err);
    program_result_free(&r);
    return missing;
}

static void test_notes_and_readmes_name_real_files(void)
{
    int named;
    CHECK_INT(missing_paths("README.md src/README.md notes", &named), 0);
    CHECK(named >= 20);                       /* the notes do name files: the test is not empty */
}

static void test_lessons_and_exercises_name_real_files(void)
{
    int named;
    CHECK_INT(missing_paths("lessons exercises solutions src/tools", &named), 0);
    CHECK(named >= 10);
}

/* What the lessons print: those that run without MNIST (10, 12, 14 and 15 need it;
 * every path they print is a string in lessons/, checked above). */
static void test_lesson_output_names_real_files(void)
{
    static const char *const lessons[] = { "01_convolution", "02_chain_rule", "03_padding_stride", "04_activations",
                                           "05_pooling", "06_conv_backward", "07_dense", "08_softmax",
                                           "09_optimisers", "11_speed --quick", "13_batchnorm",
                                           "17_winograd" };
    const char *dir = make_tmp_dir("paths");
    char cmd[4096], out[1100];
    int named, runs_ok = 1;
    for (size_t i = 0; i < sizeof lessons / sizeof lessons[0]; i++) {
        snprintf(out, sizeof out, "%s/lesson%02d.txt", dir, (int)i);
        snprintf(cmd, sizeof cmd, "%s/lessons/%s > '%s'", build_dir(), lessons[i], out);
        if (!shell_ok(cmd)) {
            printf("  %s failed\n", lessons[i]);
            runs_ok = 0;
        }
    }
    CHECK(runs_ok);
    snprintf(cmd, sizeof cmd, "'%s'", dir);
    CHECK_INT(missing_paths(cmd, &named), 0);
    CHECK(named >= 5);
}

/* The check itself: a path that is not there is reported, one that is is not. */
static void test_a_wrong_path_is_reported(void)
{
    const char *dir = make_tmp_dir("paths_wrong");
    static const char text[] = "See src/no_such_file.c, then src/conv.c. Not a path: mysrc/x.c.\n";
    char args[1100];
    write_test_file(tmp_path("note.md"), text, strlen(text));
    snprintf(args, sizeof args, "'%s'", dir);
    int named;
    CHECK_INT(missing_paths(args, &named), 1);
    CHECK_INT(named, 2);
}

int main(void)
{
    RUN_TEST(test_notes_and_readmes_name_real_files);
    RUN_TEST(test_lessons_and_exercises_name_real_files);
    RUN_TEST(test_lesson_output_names_real_files);
    RUN_TEST(test_a_wrong_path_is_reported);
    return harness_finish();
}
