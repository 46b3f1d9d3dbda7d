/* tests/checker.c: the student's side of the exercises, tried as a student
 * would, with the usual accidents: `make check`, `make hint`, `make reset`
 * and `make progress` in a copy of the course, against exercises that
 * crash, hang, write out of bounds or do not compile; and the checks'
 * diagnoses against solutions with the usual mistakes put in.
 *
 * The copy (BUILD_DIR/tmp/checker/course) links src/, tests/, notes/ and
 * copies exercises/; it gets a copy of the double library (BUILD_DIR's), so
 * only the exercises are compiled. The compiler is $CC (set by make test). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static char course[2048];   /* the copy */
static char cwd_root[512];  /* the project (the current directory) */
static int has_solutions;   /* solutions/ is here (not in a handout) */

static const char *cc(void)
{
    const char *c = getenv("CC");
    return c && c[0] ? c : "cc";
}

/* Run a shell command in the copy, with make's own variables from the outer
 * `make test` removed (a nested make must not talk to its jobserver). */
static program_result in_course(const char *command)
{
    char line[20000];
    snprintf(line, sizeof line, "cd '%s' && env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS -u BUILD OPT=-O0 %s", course, command);
    return run_program(line);
}

static void quiet(const char *command)
{
    program_result r = run_program(command);
    if (r.exit_code != 0)
        printf("    setup: '%s' failed: %s%s", command, r.out, r.err);
    program_result_free(&r);
}

/* A fresh copy of the course with the skeletons, and the library of
 * BUILD_DIR (mtimes kept, so make sees it up to date). */
static void make_course(void)
{
    char cmd[16384];
    if (build_dir()[0] == '/')
        snprintf(course, sizeof course, "%s/tmp/checker/course", build_dir());
    else
        snprintf(course, sizeof course, "%s/%s/tmp/checker/course", cwd_root, build_dir());
    snprintf(cmd, sizeof cmd,
             "rm -rf '%s' && mkdir -p '%s/build/obj' && cp -p Makefile '%s/' && cp -Rp exercises '%s/' && "
             "ln -s '%s/src' '%s/tests' '%s/notes' '%s/' && cp -p '%s/libcnn_double.a' '%s/build/' && "
             "cp -Rp '%s/obj/double' '%s/build/obj/'",
             course, course, course, course, cwd_root, cwd_root, cwd_root, course, build_dir(), course, build_dir(),
             course);
    quiet(cmd);
}

/* Put solutions/NN_*.c into the copy's exercises/, with `from` replaced by
 * `to` (NULL: unchanged). Returns 0 if `from` was not found. */
static int plant_solution(const char *number, const char *from, const char *to)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "ls solutions/%s_*.c", number);
    program_result r = run_program(cmd);
    char path[512] = "";
    sscanf(r.out, "%511s", path);
    program_result_free(&r);
    char *text = read_text_file(path);
    if (!text)
        return 0;
    const char *at = from ? strstr(text, from) : text;
    if (!at) {
        printf("    %s does not contain \"%s\" any more: update this test\n", path, from);
        free(text);
        return 0;
    }
    char target[4096];
    snprintf(target, sizeof target, "%s/exercises/%s", course, strrchr(path, '/') + 1);
    FILE *f = fopen(target, "wb");
    int ok = f != NULL;
    if (ok && from) {
        ok = fwrite(text, 1, (size_t)(at - text), f) == (size_t)(at - text) && fputs(to, f) >= 0 &&
             fputs(at + strlen(from), f) >= 0;
    } else if (ok) {
        ok = fputs(text, f) >= 0;
    }
    if (f && fclose(f) != 0)
        ok = 0;
    free(text);
    return ok;
}

/* The last non-empty line of text, into line. */
static void last_line(const char *text, char *line, size_t size)
{
    size_t n = strlen(text);
    while (n > 0 && text[n - 1] == '\n')
        n--;
    size_t start = n;
    while (start > 0 && text[start - 1] != '\n')
        start--;
    snprintf(line, size, "%.*s", (int)(n - start), text + start);
}

/* ---------------------------------------------------------------- make check */

static void test_check_accepts_a_one_digit_number_and_ends_with_its_own_line(void)
{
    program_result r = in_course("make check EX=1");
    char last[512];
    last_line(r.out, last, sizeof last);
    CHECK(r.exit_code != 0);                                  /* the skeleton fails */
    CHECK_CONTAINS(r.out, "Task 1: how many positions");
    CHECK_CONTAINS(last, "exercises/01_convolution.c: 0 of 4 tasks pass");
    CHECK_CONTAINS(last, "make hint EX=01");
    CHECK(strstr(r.err, "***") == NULL && strstr(r.out, "***") == NULL);   /* no "make: *** [...] Error 1" */
    program_result_free(&r);
    r = in_course("make check EX=99");
    CHECK_INT(r.exit_code != 0, 1);
    CHECK_CONTAINS(r.out, "no exercise '99'");
    program_result_free(&r);
}

/* The compiler has AddressSanitizer, and its programs run with it (not under qemu-user). */
static int compiler_has_sanitizers(void)
{
    program_result probe = run_program("printf 'int main(void){return 0;}' > /tmp/cnn_probe.c && "
                                       "${CC:-cc} -fsanitize=address,undefined /tmp/cnn_probe.c -o /tmp/cnn_probe "
                                       "&& /tmp/cnn_probe; s=$?; rm -f /tmp/cnn_probe /tmp/cnn_probe.c; exit $s");
    int has = probe.exit_code == 0;
    program_result_free(&probe);
    return has;
}

/* exercise 08 with y[label - 1]: out of bounds for label 0 (a crash that AddressSanitizer
 * reports; without it the write may go unnoticed, and task 2 only fails its checks) */
static void test_a_crash_names_the_task_and_the_call_and_keeps_the_rest(void)
{
    int has_sanitizers = compiler_has_sanitizers();
    CHECK(plant_solution("08", "y[i] = i == label ? 1 : 0;", "y[i] = 0;\n    y[label - 1] = 1;"));
    program_result r = in_course("make check EX=08 2>&1 | cat");      /* piped, as the student found */
    CHECK_CONTAINS(r.out, "Task 1: the stable softmax\n  -> PASS");  /* printed before the crash */
    CHECK_CONTAINS(r.out, "Task 2: one-hot labels");
    if (has_sanitizers) {
        CHECK_CONTAINS(r.out, "in the call: one_hot_label(");
        CHECK_CONTAINS(r.out, "-> FAIL (crashed)");
    } else {
        printf("    (this compiler has no AddressSanitizer: the out-of-bounds write is not a crash here)\n");
    }
    CHECK_CONTAINS(r.out, "Task 4: the gradient of the loss with respect to the logits\n  -> PASS");   /* after it */
    CHECK_CONTAINS(r.out, "3 of 4 tasks pass");
    program_result_free(&r);
    plant_solution("08", NULL, NULL);
}

static void test_an_endless_loop_is_stopped_and_named(void)
{
    CHECK(plant_solution("01", "    double sum = 0;", "    double sum = 0;\n    for (volatile int spin = 1; spin; )\n        ;"));
    program_result r = in_course("CHECK_TIME_LIMIT=1 make check EX=01");
    CHECK_CONTAINS(r.out, "Task 1: how many positions a filter has (n - f + 1)\n  -> PASS");
    CHECK_CONTAINS(r.out, "task 2 did not finish within 1 s");
    CHECK_CONTAINS(r.out, "window_sum(image, 4, filter, 2, 0, 0)");
    CHECK_CONTAINS(r.out, "2 of 4 tasks pass");     /* task 4 judges the filter with the checker's own convolution */
    program_result_free(&r);
    plant_solution("01", NULL, NULL);
}

/* graph_forward writes one double past f (a variable of the checks): AddressSanitizer names the line. */
static void test_an_out_of_bounds_write_is_named_with_file_and_line(void)
{
    CHECK(plant_solution("02", "    *f = *q * z;", "    *f = *q * z;\n    f[1] = 0;"));
    int has_sanitizers = compiler_has_sanitizers();
    program_result r = in_course("make check EX=02");
    if (has_sanitizers) {
        CHECK_CONTAINS(r.out, "task 1 broke a rule of C in your code: AddressSanitizer: stack-buffer-overflow");
        CHECK_CONTAINS(r.out, "at exercises/02_chain_rule.c:12");
        CHECK_CONTAINS(r.out, "in the call: graph_forward(");
    } else {
        printf("    (this compiler has no AddressSanitizer: only the crash, if any, is reported)\n");
    }
    CHECK_CONTAINS(r.out, "Task 4: relative error");                    /* the other tasks still run */
    program_result_free(&r);
}

static void test_a_compile_error_names_the_file(void)
{
    CHECK(plant_solution("09", "w[i] -= lr * g[i];", "w[i] -= lr * g[i]"));
    program_result r = in_course("make check EX=9");
    char last[512];
    last_line(r.out, last, sizeof last);
    CHECK(r.exit_code != 0);
    CHECK_CONTAINS(last, "exercises/09_optimisers.c does not compile");
    CHECK(strstr(r.out, "exercises/09_*.c") == NULL);
    CHECK(strstr(r.err, "***") == NULL && strstr(r.out, "***") == NULL);
    program_result_free(&r);
    plant_solution("09", NULL, NULL);
}

static void test_a_pass_says_what_comes_next(void)
{
    CHECK(plant_solution("02", NULL, NULL));
    program_result r = in_course("make check EX=02");
    CHECK_INT(r.exit_code, 0);
    CHECK_CONTAINS(r.out, "all 4 tasks pass. Next: read notes/03_padding_stride.md, run build/lessons/03_padding_stride");
    program_result_free(&r);
}

/* A Windows build names every program NAME.exe (the Makefile's EXE, from
 * the compiler): make check, hint and progress run those names. Here the
 * host's compiler stands in for MinGW's, with EXE=.exe given to make (the
 * build under wine: .ci/windows). */
static void test_check_runs_the_programs_of_a_windows_build(void)
{
    CHECK(plant_solution("02", NULL, NULL));
    program_result r = in_course("make check EX=02 EXE=.exe && ls build/check/exercise_02.exe build/exercise_judge.exe");
    CHECK_INT(r.exit_code, 0);
    CHECK_CONTAINS(r.out, "4 passed, 0 failed");
    CHECK_CONTAINS(r.out, "run build/lessons/03_padding_stride.exe, then");
    CHECK_CONTAINS(r.out, "build/check/exercise_02.exe");
    program_result_free(&r);
    r = in_course("make hint EX=03 EXE=.exe");
    CHECK_INT(r.exit_code, 0);
    CHECK_CONTAINS(r.out, "hint 1 of 3");
    program_result_free(&r);
    r = in_course("rm -rf build/hints build/check/*.exe build/exercise_judge.exe");
    program_result_free(&r);
}

/* ---------------------------------------------------------------- hints and reset */

static void test_hints_come_one_level_at_a_time(void)
{
    program_result r[4];
    for (int i = 0; i < 4; i++)
        r[i] = in_course("make hint EX=04");
    CHECK_CONTAINS(r[0].out, "Task 1: ReLU forward and backward");
    CHECK_CONTAINS(r[0].out, "hint 1 of 3 (the idea)");
    CHECK(strstr(r[0].out, "hint 2 of 3") == NULL);
    CHECK_CONTAINS(r[1].out, "hint 2 of 3 (the formula): y = max(0, x)");   /* a formula keeps its case */
    CHECK(strstr(r[1].out, "hint 3 of 3") == NULL);
    CHECK_CONTAINS(r[2].out, "hint 3 of 3 (the code)");
    CHECK_CONTAINS(r[3].out, "hint 3 of 3 (the code)");                /* it stays at the last level */
    for (int i = 0; i < 4; i++)
        program_result_free(&r[i]);
    /* task 1 solved: the next hint is task 2's first (needs the solution: not in a handout) */
    if (!has_solutions)
        return;
    CHECK(plant_solution("04", NULL, NULL));
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "sed -i.orig 's/y\\[i\\] = 1.0 \\/ (1.0 + exp(-x\\[i\\]));/y[i] = 0;/' exercises/04_activations.c "
             "&& grep -c 'y\\[i\\] = 0;' exercises/04_activations.c && make hint EX=04");
    program_result h = in_course(cmd);
    CHECK_CONTAINS(h.out, "Task 2: sigmoid");
    CHECK_CONTAINS(h.out, "hint 1 of 3 (the idea)");
    program_result_free(&h);
}

/* A hint that starts with C keeps its case: "If (t < 0 ...", "Dx = 0 ...",
 * "Double v[4] ..." were printed, none of them C; prose still gets its capital. */
static void test_a_hint_in_c_keeps_its_case(void)
{
    static const char *cases[][3] = {
        { "16", "1 3", "(the code): if (t < 0 || t >= T) return 0;" },
        { "16", "3 3", "(the code): for (int i = 0; i < n; i++)" },
        { "17", "2 3", "(the code): double v[4], u[4], m[4];" },
        { "05", "2 3", "(the code): dx = 0 everywhere" },
        { "08", "3 3", "(the code): loss -= y[i]" },
        { "03", "4 2", "(the formula): total = f - 1;" },
        { "13", "2 3", "(the code): For each channel c:" },             /* prose: a capital */
        { "16", "1 1", "(the idea): Two straight lines" },
    };
    /* build/tests/exercise_NN is the course's; a handout builds its checks on demand (build/check),
     * from the same tests/exercise.c and hints, so the course's run covers it */
    if (!has_solutions)
        return;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char cmd[1024];
        snprintf(cmd, sizeof cmd, "%s/tests/exercise_%s --hint %s", build_dir(), cases[i][0], cases[i][1]);
        program_result r = run_program(cmd);
        CHECK_CONTAINS(r.out, cases[i][2]);
        program_result_free(&r);
    }
}

static void test_reset_restores_the_original_and_keeps_yours(void)
{
    char cmd[4096];
    /* the handout's way: exercises/.original/ holds the skeletons */
    snprintf(cmd, sizeof cmd, "mkdir -p exercises/.original && cp '%s/exercises/07_dense.c' exercises/.original/ && "
             "echo '/* my work */' >> exercises/07_dense.c && make reset EX=7", cwd_root);
    program_result r = in_course(cmd);
    CHECK_INT(r.exit_code, 0);
    CHECK_CONTAINS(r.out, "exercises/07_dense.c is the original again");
    program_result_free(&r);
    r = in_course("cmp exercises/07_dense.c exercises/.original/07_dense.c && grep -c 'my work' exercises/07_dense.c.bak");
    CHECK_INT(r.exit_code, 0);
    program_result_free(&r);
}

/* ---------------------------------------------------------------- progress */

/* No build/ at all, as in a fresh clone; exercise 01 solved but for an
 * endless loop in window_sum. */
static void test_progress_in_a_fresh_copy(void)
{
    char cmd[16384];
    snprintf(cmd, sizeof cmd, "rm -rf '%s/build' '%s/exercises' && cp -Rp '%s/exercises' '%s/'", course, course,
             cwd_root, course);
    quiet(cmd);
    CHECK(plant_solution("01", "    double sum = 0;", "    double sum = 0;\n    for (volatile int spin = 1; spin; )\n        ;"));
    program_result r = in_course("CHECK_SAN= CHECK_TIME_LIMIT=1 make progress");
    CHECK_INT(r.exit_code, 0);
    CHECK_CONTAINS(r.out, "01   01_convolution.c       2/4, task 2 did not finish, task 3 did not finish");
    CHECK_CONTAINS(r.out, "02   02_chain_rule.c        0/4");
    CHECK_CONTAINS(r.out, "10   10_mnist.c             0/3");
    CHECK(strstr(r.out, "does not compile") == NULL);
    program_result_free(&r);
}

/* ---------------------------------------------------------------- what the exercises give away */

/* issue 18 item 5: each exercise's header (exercises/NN_*.c up to its first
 * #include, and exercises/NN_*.h) keeps the task, the shapes and the worked
 * example's numbers, and leaves the derivation (the formula of a gradient,
 * an index mapping) to the student: it is make hint's level 2. */
static void test_exercise_headers_leave_the_derivation_to_the_student(void)
{
    static const struct {
        const char *number, *keeps, *gives_away[4];
    } cases[] = {
        { "02", "df/dz = 3", { "df/dq = z", "dq/dx = 1" } },
        { "03", "= 80", { "(f*f*c_in + 1)", "out[(i + p) * (w + 2p)", "(w - f + 2p)/s + 1" } },
        { "04", "0.104994", { "y (1 - y)", "1 - y^2", "(x + h) / 2h" } },
        { "05", "[[0,0,0,2],[1,0,0,0],[3,0,0,0],[0,0,4,0]]", { "dX[argmax[o]] += dY[o]", "dY(oy, ox) / (k*k)",
                                                                "receive dL/dY" } },
        { "06", "[[2,5,2],[-3,0,6],[1,-3,0]]", { "rot[a][b]", "dOpad", "dF[a][b] = sum", "dX[r][c] = sum" } },
        { "07", "-0.088903", { "dW[i][j] = x[i] * dz[j]", "-(y' - O)", "dE/dZ1 = dE/dA1" } },
        { "08", "-0.300230", { "dz_i = p_i - y_i", "e^{z_i - m}", "minus the truth" } },
        { "09", "-0.29", { "m_hat = m", "velocity = momentum * velocity + g", "w[i] - lr * g[i]" } },
        { "10", "1.098612", { "dL_n/dz_j = p_j", "dL_n/dW[i][j] = x_n[i]" } },
        { "11", "[6 5 6 -4 5 0]", { "x[c][oy*stride + ky - pad]", "i0 = 0, block_m, 2*block_m" } },
        { "12", "[1.3333 0 4]", { "dy[i] * mask[i]", "1 / (1 - rate)" } },
        { "13", "dgamma = (3.5, 6.6)", { "dvar", "dmean", "gamma s / N", "sum dy * xhat" } },
        { "14", "7 x 9 picture", { "d logit[c] / d z", "dx[i+u][j+v] += dz", "(border + (k / columns)" } },
        { "15", "sd 0.2", { "/ (n - 1) )", "image[y - dy][x - dx]", "map[y - dy][x - dx]" } },
        { "16", "L = 0.3365", { "p_k - q_k", "peak * t / W", "(T - t) / (T - W)", "decay * avg +" } },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char cmd[512];
        snprintf(cmd, sizeof cmd, "sed -n '1,/^#include/p' exercises/%s_*.c; cat exercises/%s_*.h", cases[i].number,
                 cases[i].number);
        program_result r = run_program(cmd);
        CHECK_INT(r.exit_code, 0);
        CHECK_CONTAINS(r.out, cases[i].keeps);
        for (int g = 0; g < 4 && cases[i].gives_away[g]; g++)
            if (strstr(r.out, cases[i].gives_away[g])) {
                printf("    exercise %s's header still gives away \"%s\"\n", cases[i].number, cases[i].gives_away[g]);
                CHECK(0);
            }
        program_result_free(&r);
    }
}

/* ---------------------------------------------------------------- diagnoses */

/* Build exercise NN's checks against its solution with `from` replaced by
 * `to` (directly, no sanitizers: quick) and return what they print. */
static program_result broken_build(const char *number, const char *from, const char *to, const char *defines)
{
    char cmd[16384];
    if (!plant_solution(number, from, to))
        return run_program("false");
    snprintf(cmd, sizeof cmd,
             "%s -std=c11 -O1 -w -DREAL_DOUBLE %s -Isrc -Iexercises -Itests %s/exercises/%s_*.c tests/exercise_%s.c "
             "tests/exercise.c tests/exercise_values.c %s/libcnn_double.a -lm %s -o %s/broken_%s && %s/broken_%s",
             cc(), defines, course, number, number, build_dir(), getenv("TEST_CFLAGS") ? getenv("TEST_CFLAGS") : "",
             course, number, course, number);
    program_result r = run_program(cmd);
    plant_solution(number, NULL, NULL);
    return r;
}

static program_result broken_solution(const char *number, const char *from, const char *to)
{
    return broken_build(number, from, to, "");
}

/* The instructor's build (the checks with their reference code) of a wrong
 * momentum step: the step-by-step checks it goes through only run for a
 * wrong answer, so the solution never recorded them; that is no reason to
 * say "run make expected". The right step says nothing of it either. */
static void test_a_check_only_a_wrong_answer_reaches_is_not_called_stale(void)
{
    const char *bugs[][2] = {
        { "w[i] -= lr * velocity[i];", "w[i] -= lr * velocity[i]; velocity[i] *= -lr;" },   /* w right, v not */
        { "w[i] -= lr * velocity[i];", "w[i] += lr * velocity[i];" },                       /* ascent */
        { "w[i] -= lr * velocity[i];", "w[i] -= lr * velocity[i];" },                       /* right */
    };
    for (int b = 0; b < 3; b++) {
        for (int reference = 0; reference < 2; reference++) {
            program_result r = broken_build("09", bugs[b][0], bugs[b][1], reference ? "-DEXERCISE_REFERENCE" : "");
            CHECK_CONTAINS(r.out, "Task 2: SGD with momentum");
            if (strstr(r.out, "make expected")) {
                printf("    bug %d, %s build: a spurious line:\n%s", b, reference ? "reference" : "handout", r.out);
                CHECK(0);
            }
            if (b == 0)
                CHECK_CONTAINS(r.out, "velocity holds -lr times the expected");
            if (b == 2)
                CHECK_CONTAINS(r.out, "3 of 3 tasks pass");
            else
                CHECK_CONTAINS(r.out, "  -> FAIL");
            program_result_free(&r);
        }
    }
}

static void test_exercise_01_names_a_rotated_kernel(void)
{
    program_result r = broken_solution("01", "filter[i * f + j]", "filter[(f - 1 - i) * f + (f - 1 - j)]");
    CHECK_INT(count_lines_containing(r.out, "likely bug: the kernel was rotated by 180 degrees"), 2);   /* tasks 2, 3 */
    CHECK_CONTAINS(r.out, "Task 4: design a horizontal-edge filter\n  -> PASS");   /* not blamed on task 4 */
    program_result_free(&r);
    r = broken_solution("01", "filter[i * f + j]", "filter[j * f + i]");
    CHECK_CONTAINS(r.out, "likely bug: the filter is transposed");
    program_result_free(&r);
}

static void test_exercise_01_task_3_blames_a_broken_task_2(void)
{
    program_result r = broken_solution("01", "* filter[i * f + j]", "* filter[i * f + j] + 1");
    CHECK_CONTAINS(r.out, "uses your window_sum, which does not pass task 2 yet");
    program_result_free(&r);
}

static void test_exercise_05_prints_the_width_with_an_argmax(void)
{
    program_result r = broken_solution("05", "if (x[at] > x[best])", "if (x[at] >= x[best])");
    CHECK_CONTAINS(r.out, "expected 0 = (row 0, col 0), got 5 = (row 1, col 1)");
    CHECK_CONTAINS(r.out, "the image is 4 wide");
    program_result_free(&r);
}

static void test_exercise_10_names_a_mean_taken_twice(void)
{
    program_result r = broken_solution("10", "w[k] -= lr * dw[k] / batch;", "w[k] -= lr * dw[k] / batch / batch;");
    CHECK_CONTAINS(r.out, "the step is exactly 1/batch too small");
    CHECK(strstr(r.out, "do not describe the same function") == NULL);   /* symptoms of it, not named */
    CHECK(strstr(r.out, "the step does not learn") == NULL);
    program_result_free(&r);
}

/* Exercise 12: the original dropout's test-time scale, and a backward pass that ignores the mask. */
static void test_exercise_12_names_the_dropout_mistakes(void)
{
    program_result r = broken_solution("12", "            mask[i] = 1;", "            mask[i] = 1 - rate;");
    CHECK_CONTAINS(r.out, "likely bug: test mode multiplied y by 1 - rate = 0.75: that is the ORIGINAL dropout");
    CHECK_CONTAINS(r.out, "Task 1: the mask of inverted dropout\n  -> PASS");
    program_result_free(&r);
    r = broken_solution("12", "dx[i] = dy[i] * mask[i];", "dx[i] = dy[i];");
    CHECK_CONTAINS(r.out, "likely bug: the gradient passed through unchanged (dx = dy)");
    CHECK_CONTAINS(r.out, "exercise 12 (dropout): 2 of 3 tasks pass");
    program_result_free(&r);
}

/* Exercise 15: the population's spread (dividing by n), a target never reached reported as the last epoch,
 * and a verdict from 3 standard errors instead of Student's t. */
static void test_exercise_15_names_the_statistics_mistakes(void)
{
    program_result r = broken_solution("15", "sqrt(squares / (n - 1))", "sqrt(squares / n)");
    CHECK_CONTAINS(r.out, "likely bug: the squared deviations were divided by n");
    CHECK_CONTAINS(r.out, "exercise 15 (the statistics of an experiment): 4 of 5 tasks pass");
    program_result_free(&r);
    r = broken_solution("15", "    return 0;                                     /* never", "    return n; /* never");
    CHECK_CONTAINS(r.out, "likely bug: a target never reached was reported as the last epoch, 4");
    CHECK_CONTAINS(r.out, "Task 1: the mean and the sample standard deviation over seeds\n  -> PASS");
    program_result_free(&r);
    /* Task 5 judged with the old rule of thumb, 3 standard errors, instead of t. */
    r = broken_solution("15", "    *lo = mean - t * se;\n    *hi = mean + t * se;",
                        "    *lo = mean - 3 * se;\n    *hi = mean + 3 * se;");
    CHECK_CONTAINS(r.out, "likely bug: that is 3 standard errors either side");
    CHECK_CONTAINS(r.out, "exercise 15 (the statistics of an experiment): 4 of 5 tasks pass");
    program_result_free(&r);
}

/* Exercise 15, task 2: the last epoch that reaches the target, a strict
 * comparison and the best epoch each named as themselves (on the task's
 * first curve all three give 5), and the untouched stub as nothing done
 * yet, not as an epoch counted from 0. */
static void test_exercise_15_tells_the_epoch_mistakes_apart(void)
{
    static const char *loop = "    for (int e = 0; e < n; e++)\n"
                              "        if (higher_is_better ? curve[e] >= target : curve[e] <= target)\n"
                              "            return e + 1;";
    static const char *cases[][3] = {
        { "    int last = 0;\n    for (int e = 0; e < n; e++)\n"
          "        if (higher_is_better ? curve[e] >= target : curve[e] <= target)\n"
          "            last = e + 1;\n    return last;",
          "likely bug: that is the last epoch that reaches the target, not the first", "a value equal" },
        { "    for (int e = 0; e < n; e++)\n"
          "        if (higher_is_better ? curve[e] > target : curve[e] < target)\n"
          "            return e + 1;",
          "likely bug: a value equal to the target does not count", "the last epoch" },
        { "    int best = 0;\n    for (int e = 1; e < n; e++)\n"
          "        if (higher_is_better ? curve[e] > curve[best] : curve[e] < curve[best])\n"
          "            best = e;\n    for (int e = 0; e < n; e++)\n"
          "        if (higher_is_better ? curve[e] >= target : curve[e] <= target)\n"
          "            return best + 1;",
          "likely bug: that is the epoch of the best value", "a value equal" },
        { "    return 0;", "likely bug: nothing came back yet", "return e + 1, not e" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        program_result r = broken_solution("15", loop, cases[i][0]);
        CHECK_CONTAINS(r.out, cases[i][1]);
        CHECK(strstr(r.out, cases[i][2]) == NULL);               /* not another mistake's name */
        CHECK_CONTAINS(r.out, "Task 1: the mean and the sample standard deviation over seeds\n  -> PASS");
        CHECK_CONTAINS(r.out, "exercise 15 (the statistics of an experiment): 4 of 5 tasks pass");
        if (!strstr(r.out, cases[i][1]) || strstr(r.out, cases[i][2]))
            printf("    case %zu: %s\n", i, r.out);
        program_result_free(&r);
    }
}

/* Exercise 16: the untouched skeleton is named as nothing written yet (it was
 * called integer division, and dz printed whatever the stack held), and the
 * integer division itself, peak * ((T - t) / (T - W)), is named (it was not:
 * it keeps the peak at t = W). */
static void test_exercise_16_names_integer_division_and_an_unwritten_dz(void)
{
    program_result r = in_course("make check EX=16");
    CHECK_CONTAINS(r.out, "likely bug: the rate is 0 at every step");
    CHECK_CONTAINS(r.out, "likely bug: dz was not written");
    CHECK(strstr(r.out, "computed in integers") == NULL);
    CHECK(strstr(r.out, "e-3") == NULL);                       /* no 6.95277e-310 from an unset array */
    program_result_free(&r);
    r = broken_solution("16", "return peak * (double)(T - t) / (double)(T - W);", "return peak * ((T - t) / (T - W));");
    CHECK_CONTAINS(r.out, "likely bug: after the warm-up the rate is 0: is (T - t) / (T - W) computed in integers?");
    CHECK_CONTAINS(r.out, "exercise 16 (training fast: one-cycle, label smoothing, averaging): 2 of 3 tasks pass");
    program_result_free(&r);
}

/* Exercise 17, task 4: the entries beyond the image skipped (left as they
 * were) or filled with something other than 0 are named; the check compared
 * only the first 11 entries, among them column 7's, so it named neither. */
static void test_exercise_17_names_a_last_tile_without_zeros(void)
{
    static const char *bugs[] = { "if (r < h && c < w) d[i * 4 + j] = x[r * w + c];",
                                  "d[i * 4 + j] = (r < h && c < w) ? x[r * w + c] : -1;" };
    for (int b = 0; b < 2; b++) {
        program_result r = broken_solution("17", "d[i * 4 + j] = (r < h && c < w) ? x[r * w + c] : 0;", bugs[b]);
        CHECK_CONTAINS(r.out, "likely bug: the last tile of a 7x7 image reaches row and column 7");
        CHECK_CONTAINS(r.out, "exercise 17 (Winograd F(2, 3) and its tiles): 3 of 4 tasks pass");
        program_result_free(&r);
    }
}

/* make grade: tests/grade_class.c */

/* ---------------------------------------------------------------- issue 18: the checker blames the right line */

/* 1 when the checks are built with AddressSanitizer (make sanitize passes it in TEST_CFLAGS). */
static int checks_have_asan(void)
{
    const char *flags = getenv("TEST_CFLAGS");
    return flags && strstr(flags, "-fsanitize=address") != NULL;
}


/* The checks of exercise NN built against the project's untouched skeleton, run. */
static program_result skeleton_checks(const char *number)
{
    char cmd[8192];
    snprintf(cmd, sizeof cmd,
             "%s -std=c11 -O1 -w -DREAL_DOUBLE -Isrc -Iexercises -Itests exercises/%s_*.c tests/exercise_%s.c "
             "tests/exercise.c tests/exercise_values.c %s/libcnn_double.a -lm %s -o %s/skeleton_%s && %s/skeleton_%s",
             cc(), number, number, build_dir(), getenv("TEST_CFLAGS") ? getenv("TEST_CFLAGS") : "", course, number,
             course, number);
    return run_program(cmd);
}

/* Exercise 11, task 3: j <= j1 is the columns (it was blamed on the rows); the p-range cut at k - 1 is one
 * story in every case (the 1 x 1 case said "along i"); the untouched stub is "not written at all" alone. */
static void test_exercise_11_blames_the_right_loop(void)
{
    program_result r = broken_solution("11", "for (int j = j0; j < j1; j++)", "for (int j = j0; j <= j1; j++)");
    if (checks_have_asan()) {                   /* built without -g here: the function, not the line */
        CHECK_CONTAINS(r.err, "heap-buffer-overflow");
        CHECK_CONTAINS(r.err, "in matmul_blocked");
    } else {
        CHECK_CONTAINS(r.out, "likely bug: the loop over j (the columns) runs one column past each block");
        CHECK_CONTAINS(r.out, "likely bug: your code wrote past the end of C");
    }
    CHECK(strstr(r.out, "rows ran beyond") == NULL && strstr(r.out, "loop over i") == NULL);
    program_result_free(&r);
    r = broken_solution("11", "min_int(p0 + block_k, k)", "min_int(p0 + block_k, k - 1)");
    CHECK_CONTAINS(r.out, "likely bug: the sum over p stops one term early");
    CHECK(strstr(r.out, "along i") == NULL && strstr(r.out, "partial blocks") == NULL);
    program_result_free(&r);
    r = skeleton_checks("11");
    const char *task3 = strstr(r.out, "Task 3:");
    CHECK(task3 != NULL);
    if (task3) {
        CHECK_CONTAINS(task3, "likely bug: C was not written at all");
        CHECK(strstr(task3, "partial blocks") == NULL);
    }
    program_result_free(&r);
}

/* Exercise 11's speed is timed only in a build without sanitizers, and says what it was built with. */
static void test_exercise_11_is_timed_without_sanitizers(void)
{
    CHECK(plant_solution("11", NULL, NULL));
    program_result r = in_course("make check EX=11");
    CHECK_INT(r.exit_code, 0);
    if (compiler_has_sanitizers()) {
        CHECK_CONTAINS(r.out, "Your speed is not timed in this build");
        CHECK(strstr(r.out, "GFLOP/s") == NULL);
    }
    program_result_free(&r);
    if (checks_have_asan()) {     /* the course's library has the sanitizers: no build without them links */
        printf("    (make sanitize: the timing without sanitizers is left to make test)\n");
        plant_solution("11", NULL, NULL);
        return;
    }
    r = in_course("make check EX=11 CHECK_SAN= BUILD=build/speed");
    CHECK_INT(r.exit_code, 0);
    CHECK_CONTAINS(r.out, "without sanitizers");
    CHECK_CONTAINS(r.out, "  your i-p-j (task 2)");
    program_result_free(&r);
}

/* Exercise 14: a saliency map from the cross-entropy (p - onehot) instead of the class's logit is named so. */
static void test_exercise_14_names_the_loss_instead_of_the_logit(void)
{
    program_result r = broken_solution(
        "14", "double dz = z[q] > 0 ? net->dense_w[(long)c * F * oh * ow + q] : 0;",
        "double top = logits[0], sum = 0, dz = 0;\n"
        "                for (int t = 1; t < net->classes; t++) top = logits[t] > top ? logits[t] : top;\n"
        "                for (int t = 0; t < net->classes; t++) sum += exp(logits[t] - top);\n"
        "                for (int t = 0; t < net->classes; t++)\n"
        "                    dz += (exp(logits[t] - top) / sum - (t == c)) * net->dense_w[(long)t * F * oh * ow + q];\n"
        "                dz = z[q] > 0 ? dz : 0;");
    CHECK_CONTAINS(r.out, "likely bug: this is the gradient of the cross-entropy loss");
    CHECK(strstr(r.out, "does not differentiate your forward pass") == NULL);
    program_result_free(&r);
}

/* Exercise 15, task 3: one to three rows past the end of the output are caught (they passed). */
static void test_exercise_15_catches_a_short_overrun(void)
{
    static const char *ends[] = { "y <= h", "y < h + 3" };
    for (int i = 0; i < 2; i++) {
        char to[64];
        snprintf(to, sizeof to, "for (int y = 0; %s; y++)", ends[i]);
        program_result r = broken_solution("15", "for (int y = 0; y < h; y++)", to);
        if (checks_have_asan()) {
            CHECK_CONTAINS(r.err, "heap-buffer-overflow");
            CHECK_CONTAINS(r.err, "in shift_image");
        } else {
            CHECK_CONTAINS(r.out, "likely bug: your code wrote past the end of moved, which has 20 entries: "
                                  "moved[20] was written (in the call shift_image(");
            CHECK_CONTAINS(r.out, "4 of 5 tasks pass");
        }
        program_result_free(&r);
    }
    if (!compiler_has_sanitizers())
        return;
    CHECK(plant_solution("15", "for (int y = 0; y < h; y++)", "for (int y = 0; y <= h; y++)"));
    program_result r = in_course("make check EX=15");
    CHECK_CONTAINS(r.out, "task 3 broke a rule of C in your code: AddressSanitizer: heap-buffer-overflow");
    CHECK_CONTAINS(r.out, "at exercises/15_claims.c:");
    CHECK_CONTAINS(r.out, "in the call: shift_image(");
    program_result_free(&r);
    plant_solution("15", NULL, NULL);
}

/* Exercise 05: dx zeroed one entry too far (i <= h * w): the output is exactly sized, so it is named. */
static void test_exercise_05_names_a_one_entry_overrun(void)
{
    program_result r = broken_solution("05", "for (int i = 0; i < h * w; i++)\n        dx[i] = 0;\n    for (int oy",
                                       "for (int i = 0; i <= h * w; i++)\n        dx[i] = 0;\n    for (int oy");
    if (checks_have_asan()) {
        CHECK_CONTAINS(r.err, "heap-buffer-overflow");
        CHECK_CONTAINS(r.err, "in avg_pool_backward");
    } else {
        CHECK_CONTAINS(r.out, "likely bug: your code wrote past the end of dx, which has 16 entries: dx[16] was written "
                              "(in the call avg_pool_backward(");
    }
    program_result_free(&r);
}

/* A task's verdict is the judge's (tests/exercise_judge.c), not what the
 * student's code prints or how it ends the process: exercise 05 solved but
 * for tasks 2-4, whose functions fake a pass in three ways (one make check). */
static void test_make_check_cannot_be_faked(void)
{
    static const char *fakes =
        "#include \"05_pooling.h\"\n#include <stdio.h>\n#include <stdlib.h>\n"
        "static void claim_a_pass(void) { printf(\"  -> PASS\\n1 passed, 0 failed\\n\"); _Exit(0); }\n"
        "void max_pool_backward(const double *dy, const int *argmax, int h, int w, int k, int stride, double *dx)\n"
        "{   /* the judge's report line of a check, then a pass */\n"
        "    (void)dy, (void)argmax, (void)h, (void)w, (void)k, (void)stride, (void)dx;\n"
        "    printf(\"@2 check 1 16 0 0 0 0 2 1 0 0 0 3 0 0 0 0 0 4 0 | dX of the lesson's 4x4 map, dY = [[1,2],[3,4]]\\n\");\n"
        "    printf(\"  -> PASS\\n1 passed, 0 failed\\n\");\n    exit(0);\n}\n"
        "void avg_pool_forward(const double *x, int h, int w, int k, int stride, double *y)\n"
        "{   /* a pass claimed at exit */\n"
        "    (void)x, (void)h, (void)w, (void)k, (void)stride, (void)y;\n    atexit(claim_a_pass);\n}\n"
        "void avg_pool_backward(const double *dy, int h, int w, int k, int stride, double *dx)\n"
        "{   /* a pass printed, then the end */\n"
        "    (void)dy, (void)h, (void)w, (void)k, (void)stride, (void)dx;\n"
        "    printf(\"  -> PASS\\n1 passed, 0 failed\\n\");\n    exit(0);\n}\n"
        "#define max_pool_backward solved_max_pool_backward\n"
        "#define avg_pool_forward solved_avg_pool_forward\n"
        "#define avg_pool_backward solved_avg_pool_backward\n";
    CHECK(plant_solution("05", "#include \"05_pooling.h\"\n", fakes));
    program_result r = in_course("make check EX=05 2>&1");
    if (!strstr(r.out, "1 of 4 tasks pass"))
        printf("    the fakers:\n%s", r.out);
    CHECK_CONTAINS(r.out, "Task 1: max pooling forward, with the argmax\n  -> PASS");
    CHECK_INT(count_lines_containing(r.out, "-> FAIL (the checker's own comparison)"), 3);
    CHECK_INT(count_lines_containing(r.out, "-> PASS"), 1);   /* the fakes' own are not shown */
    CHECK_CONTAINS(r.out, "1 of 4 tasks pass");
    program_result_free(&r);
    plant_solution("05", NULL, NULL);
}

/* ---------------------------------------------------------------- make mnist EX= */

static void put_big_endian(unsigned char *b, unsigned long v)
{
    b[0] = (unsigned char)(v >> 24);
    b[1] = (unsigned char)(v >> 16);
    b[2] = (unsigned char)(v >> 8);
    b[3] = (unsigned char)v;
}

/* An MNIST-format set of `count` 28x28 images: digit c is a bright 6x6
 * square at one of ten places, moved by 0-2 pixels, over faint noise. */
static void write_tiny_set(const char *images_path, const char *labels_path, int count, unsigned state)
{
    size_t pixels = 784, n_img = 16 + (size_t)count * pixels, n_lab = 8 + (size_t)count;
    unsigned char *img = calloc(n_img, 1), *lab = calloc(n_lab, 1);
    if (!img || !lab) {
        printf("out of memory\n");
        exit(1);
    }
    put_big_endian(img, 0x803);
    put_big_endian(img + 4, (unsigned long)count);
    put_big_endian(img + 8, 28);
    put_big_endian(img + 12, 28);
    put_big_endian(lab, 0x801);
    put_big_endian(lab + 4, (unsigned long)count);
    for (int i = 0; i < count; i++) {
        int c = i % 10;
        state = state * 1103515245u + 12345u;
        int top = 2 + (c / 5) * 12 + (int)(state >> 16) % 3, left = 1 + (c % 5) * 5 + (int)(state >> 20) % 3;
        lab[8 + i] = (unsigned char)c;
        for (size_t p = 0; p < pixels; p++) {
            int y = (int)(p / 28), x = (int)(p % 28);
            state = state * 1103515245u + 12345u;
            int inside = y >= top && y < top + 6 && x >= left && x < left + 6;
            img[16 + (size_t)i * pixels + p] = (unsigned char)(inside ? 180 + (state >> 16) % 76 : (state >> 16) % 40);
        }
    }
    write_test_file(images_path, img, n_img);
    write_test_file(labels_path, lab, n_lab);
    free(img);
    free(lab);
}

/* The "Test accuracy: X" of a run, or -1. */
static double test_accuracy(const char *out)
{
    const char *at = strstr(out, "Test accuracy: ");
    return at ? atof(at + 15) : -1;
}

static void test_mnist_with_your_functions(void)
{
    char path[4096], path2[4096];
    program_result made = in_course("mkdir -p tiny");
    program_result_free(&made);
    snprintf(path, sizeof path, "%s/tiny/train-images-idx3-ubyte", course);
    snprintf(path2, sizeof path2, "%s/tiny/train-labels-idx1-ubyte", course);
    write_tiny_set(path, path2, 200, 1);
    snprintf(path, sizeof path, "%s/tiny/t10k-images-idx3-ubyte", course);
    snprintf(path2, sizeof path2, "%s/tiny/t10k-labels-idx1-ubyte", course);
    write_tiny_set(path, path2, 100, 2);
    /* exercise 04 untouched: refused with the checker's own report, before any training */
    char cmd[16384];
    snprintf(cmd, sizeof cmd, "cp '%s/exercises/04_activations.c' exercises/ && CHECK_SAN= make mnist EX=4 "
             "ARGS='--data tiny'", cwd_root);
    program_result r = in_course(cmd);
    CHECK(r.exit_code != 0);
    CHECK_CONTAINS(r.out, "Task 1: ReLU forward and backward");
    CHECK_CONTAINS(r.out, "exercise 04 does not pass make check yet");
    CHECK(strstr(r.out, "Test accuracy") == NULL);
    program_result_free(&r);
    /* every exercise of the network solved: it learns, as the library does */
    static const char *numbers[] = { "01", "04", "05", "06", "07", "08", "09" };
    for (size_t i = 0; i < sizeof numbers / sizeof numbers[0]; i++)
        CHECK(plant_solution(numbers[i], NULL, NULL));
    const char *flags = "ARGS='--data tiny --epochs 2 --filters 4 --batch 10'";
    snprintf(cmd, sizeof cmd, "CHECK_SAN= make mnist EX=all %s", flags);
    program_result yours = in_course(cmd);
    snprintf(cmd, sizeof cmd, "make mnist EX=none %s", flags);
    program_result library = in_course(cmd);
    CHECK_INT(yours.exit_code, 0);
    CHECK_CONTAINS(yours.out, "conv forward      exercises/01 convolve_valid");
    CHECK_CONTAINS(yours.out, "momentum step     exercises/09 momentum_update");
    CHECK_CONTAINS(library.out, "conv forward      library");
    /* The test set is scored once, at the end; each epoch scores the held-out training images. */
    CHECK_INT(count_lines_containing(library.out, "Test accuracy: "), 1);
    CHECK(strstr(library.out, "test_accuracy") == NULL);
    CHECK_INT(count_lines_containing(library.out, "validation_accuracy"), 2);   /* --epochs 2 */
    CHECK(number_after(library.out, "validation_accuracy") >= 0 && number_after(library.out, "validation_accuracy") <= 1);
    double a_yours = test_accuracy(yours.out), a_library = test_accuracy(library.out);
    printf("    test accuracy on the tiny set: yours %.4f, the library's %.4f\n", a_yours, a_library);
    CHECK(a_library >= 0.9);
    CHECK_NEAR(a_yours, a_library, 0.05);
    program_result_free(&yours);
    program_result_free(&library);
}

int main(void)
{
    program_result pwd = run_program("pwd");
    sscanf(pwd.out, "%511[^\n]", cwd_root);
    program_result_free(&pwd);
    make_course();
    char *solution = read_text_file("solutions/01_convolution.c");
    has_solutions = solution != NULL;
    /* These need only the skeletons. */
    RUN_TEST(test_check_accepts_a_one_digit_number_and_ends_with_its_own_line);
    RUN_TEST(test_hints_come_one_level_at_a_time);
    RUN_TEST(test_a_hint_in_c_keeps_its_case);
    RUN_TEST(test_reset_restores_the_original_and_keeps_yours);
    RUN_TEST(test_exercise_headers_leave_the_derivation_to_the_student);
    /* These put (broken) solutions in place: not in a handout, which has no solutions/. */
    if (solution) {
        RUN_TEST(test_a_crash_names_the_task_and_the_call_and_keeps_the_rest);
        RUN_TEST(test_an_endless_loop_is_stopped_and_named);
        RUN_TEST(test_an_out_of_bounds_write_is_named_with_file_and_line);
        RUN_TEST(test_a_compile_error_names_the_file);
        RUN_TEST(test_a_pass_says_what_comes_next);
        RUN_TEST(test_check_runs_the_programs_of_a_windows_build);
        RUN_TEST(test_exercise_01_names_a_rotated_kernel);
        RUN_TEST(test_exercise_01_task_3_blames_a_broken_task_2);
        RUN_TEST(test_exercise_05_prints_the_width_with_an_argmax);
        RUN_TEST(test_make_check_cannot_be_faked);
        RUN_TEST(test_exercise_10_names_a_mean_taken_twice);
        RUN_TEST(test_a_check_only_a_wrong_answer_reaches_is_not_called_stale);
        RUN_TEST(test_exercise_12_names_the_dropout_mistakes);
        RUN_TEST(test_exercise_15_names_the_statistics_mistakes);
        RUN_TEST(test_exercise_15_tells_the_epoch_mistakes_apart);
        RUN_TEST(test_exercise_16_names_integer_division_and_an_unwritten_dz);
        RUN_TEST(test_exercise_17_names_a_last_tile_without_zeros);

        RUN_TEST(test_exercise_11_blames_the_right_loop);
        RUN_TEST(test_exercise_11_is_timed_without_sanitizers);
        RUN_TEST(test_exercise_14_names_the_loss_instead_of_the_logit);
        RUN_TEST(test_exercise_15_catches_a_short_overrun);
        RUN_TEST(test_exercise_05_names_a_one_entry_overrun);
        RUN_TEST(test_mnist_with_your_functions);
        RUN_TEST(test_progress_in_a_fresh_copy);
    } else {
        printf("no solutions/ here (a handout): the tests that plant solutions are left out\n");
    }
    free(solution);
    return harness_finish();
}
