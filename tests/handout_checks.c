/* tests/handout_checks.c: the checks as the handout has them
 * (tests/strip_reference.sh cuts out the reference code, make handout):
 *   - no function defined in a reference block, no EXERCISE_REFERENCE left;
 *   - built without the reference code, they read tests/expected/ and pass
 *     with the solution and fail with the skeleton;
 *   - the stored values are what the reference code computes today: a
 *     fresh --record equals tests/expected/exercise_NN.txt byte for byte.
 * Needs solutions/ (skipped in a handout, which has no reference code).
 * The compiler is $CC (set by make test). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static const char *cc(void)
{
    const char *c = getenv("CC");
    return c && c[0] ? c : "cc";
}

/* The exercise numbers that have a solution, e.g. "01 02 05". */
static char *solved_numbers(void)
{
    program_result r = run_program("for f in solutions/[0-9][0-9]_*.c; do [ -f \"$f\" ] || continue; b=${f#solutions/}; printf '%s ' \"${b%%_*}\"; done");
    free(r.err);
    return r.out;   /* the caller frees it */
}

/* The names of the functions defined inside reference blocks of file. */
static char *reference_functions(const char *file)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd,
             "awk '/^#ifdef EXERCISE_REFERENCE/ { inside = 1; next } inside && /^#endif/ { inside = 0 } "
             "inside && /^static [a-z_ ]+[ *][a-z_0-9]+\\(/ { sub(/\\(.*/, \"\"); n = split($0, w, /[ *]/); print w[n] }' '%s'",
             file);
    program_result r = run_program(cmd);
    free(r.err);
    return r.out;
}

static void test_one(const char *n, const char *dir)
{
    char cmd[8192], original[256], stripped[1024];
    snprintf(original, sizeof original, "tests/exercise_%s.c", n);
    snprintf(stripped, sizeof stripped, "%s/exercise_%s.c", dir, n);
    snprintf(cmd, sizeof cmd, "sh tests/strip_reference.sh '%s' > '%s'", original, stripped);
    CHECK(shell_ok(cmd));
    char *text = read_text_file(stripped), *names = reference_functions(original);
    CHECK(text != NULL);
    if (!text || !names) {
        free(text);
        free(names);
        return;
    }
    CHECK(strstr(text, "#ifdef EXERCISE_REFERENCE") == NULL);
    /* No exercise's handout checks call or define a reference function
     * (ref_...(...)), converted or not: the reference code stays in the
     * instructor's copy. */
    snprintf(cmd, sizeof cmd, "grep -E '(^|[^A-Za-z0-9_])ref_[A-Za-z0-9_]*[ ]*[(]' '%s'", stripped);
    int names_a_reference = shell_ok(cmd);
    CHECK(!names_a_reference);
    if (names_a_reference)
        printf("    exercise %s's handout checks still name a reference function (ref_...)\n", n);
    int had_reference = names[0] != '\0';
    for (char *name = strtok(names, "\n"); name; name = strtok(NULL, "\n"))
        if (strstr(text, name)) {
            printf("    FAIL: the handout's exercise_%s.c still names %s, reference code\n", n, name);
            CHECK(strstr(text, name) == NULL);
        }
    free(names);
    free(text);
    if (!had_reference)
        return;   /* the same file as the instructor's: make test runs it */
    /* Built without the reference code: passes with the solution, fails with the skeleton. */
    const char *flags = getenv("TEST_CFLAGS");
    for (int skeleton = 0; skeleton <= 1; skeleton++) {
        snprintf(cmd, sizeof cmd,
                 "%s -std=c11 -O0 -w -DREAL_DOUBLE -Isrc -Iexercises -Itests %s/%s_*.c '%s' tests/exercise.c "
                 "tests/exercise_values.c %s/libcnn_double.a -lm %s -o '%s/exercise_%s' && %s '%s/exercise_%s' > '%s/out_%s'",
                 cc(), skeleton ? "exercises" : "solutions", n, stripped, build_dir(), flags ? flags : "", dir, n,
                 getenv("EMULATOR") ? getenv("EMULATOR") : "", dir, n, dir, n);
        program_result r = run_program(cmd);
        if (skeleton) {
            CHECK_INT(r.exit_code, 1);
        } else {
            CHECK_INT(r.exit_code, 0);
            if (r.exit_code != 0)
                printf("    exercise %s's stripped checks with its solution: %s%s\n", n, r.out, r.err);
        }
        program_result_free(&r);
    }
}

/* The solved exercises' numbers, up to 64 of them, into numbers[]; returns how many. */
static int solved(char numbers[][8])
{
    char *text = solved_numbers();
    int count = 0;
    for (char *n = strtok(text, " "); n && count < 64; n = strtok(NULL, " "))
        snprintf(numbers[count++], 8, "%s", n);
    free(text);
    return count;
}

static void test_handout_checks_have_no_reference_code(void)
{
    const char *dir = make_tmp_dir("handout_checks");
    char numbers[64][8], file[640];
    int count = solved(numbers), converted = 0;
    for (int i = 0; i < count; i++) {
        test_one(numbers[i], dir);
        snprintf(file, sizeof file, "tests/exercise_%s.c", numbers[i]);
        char *names = reference_functions(file);
        converted += names && names[0];
        free(names);
    }
    printf("    %d of %d exercises keep their reference code in EXERCISE_REFERENCE blocks\n", converted, count);
    CHECK(converted >= 1);
}

/* A fresh record of every exercise has the stored file's records (task,
 * kind, occurrence, size, label); their values are compared, within the
 * checks' tolerances, by every make test run of the reference build. */
static void test_stored_values_are_fresh(void)
{
    const char *dir = make_tmp_dir("stored_values");
    char numbers[64][8], cmd[8192];
    int count = solved(numbers);
    const char *keys = "awk '{ split($0, a, \" [|] \"); print $1, $2, $3, $4, a[2] }'";
    for (int i = 0; i < count; i++) {
        const char *n = numbers[i];
        snprintf(cmd, sizeof cmd,
                 "%s %s/tests/exercise_%s --record '%s/exercise_%s.txt' > /dev/null && "
                 "%s '%s/exercise_%s.txt' > '%s/fresh_%s' && %s tests/expected/exercise_%s.txt > '%s/stored_%s' && "
                 "cmp '%s/fresh_%s' '%s/stored_%s'",
                 getenv("EMULATOR") ? getenv("EMULATOR") : "", build_dir(), n, dir, n, keys, dir, n, dir, n, keys, n,
                 dir, n, dir, n, dir, n);
        int ok = shell_ok(cmd);
        if (!ok)
            printf("    tests/expected/exercise_%s.txt is stale or missing: run make expected\n", n);
        CHECK(ok);
    }
}

/* Every task of every exercise has a check in the stored values: without
 * one the judge has no verdict for it (a task that checks a property ends
 * with a task_expect_int of it, exercise.h); and passes with the solution
 * when run alone, as make check and make grade run it. */
static void test_every_task_has_a_check_for_the_judge(void)
{
    char numbers[64][8], cmd[8192];
    int count = solved(numbers);
    const char *emu = getenv("EMULATOR") ? getenv("EMULATOR") : "";
    for (int i = 0; i < count; i++) {
        const char *n = numbers[i];
        snprintf(cmd, sizeof cmd,
                 "tasks=$(%s %s/tests/exercise_%s --count) && k=1 && while [ $k -le $tasks ]; do "
                 "grep -q \"^$k check \" tests/expected/exercise_%s.txt || "
                 "{ echo \"exercise %s, task $k: no check for the judge\"; exit 1; }; "
                 "%s %s/tests/exercise_%s --task $k > /dev/null || "
                 "{ echo \"exercise %s, task $k fails alone (as make check runs it) with the solution\"; exit 1; }; "
                 "k=$((k + 1)); done",
                 emu, build_dir(), n, n, n, emu, build_dir(), n, n);
        program_result r = run_program(cmd);
        if (r.exit_code != 0)
            printf("    %s(add a task_expect_* to that task, then make expected)\n", r.out);
        CHECK_INT(r.exit_code, 0);
        program_result_free(&r);
    }
}

/* A stored value changed by hand: the reference build says so (make test
 * fails); the judge passes the solution's report and fails a faked one. */
static void test_a_stale_value_and_the_judge(void)
{
    const char *dir = make_tmp_dir("stale_value");
    char cmd[8192];
    const char *emu = getenv("EMULATOR") ? getenv("EMULATOR") : "";
    snprintf(cmd, sizeof cmd, "sed '1s/ 7 9 8 4 / 7 9 8 5 /' tests/expected/exercise_05.txt > '%s/stale.txt' && "
             "! cmp -s tests/expected/exercise_05.txt '%s/stale.txt'", dir, dir);
    CHECK(shell_ok(cmd));
    snprintf(cmd, sizeof cmd, "%s %s/tests/exercise_05 --task 1 --expected '%s/stale.txt'", emu, build_dir(), dir);
    program_result r = run_program(cmd);
    CHECK_INT(r.exit_code, 1);
    CHECK_CONTAINS(r.out, "run make expected");
    program_result_free(&r);
    /* the solution's report: pass; the same without its last check: fail */
    snprintf(cmd, sizeof cmd, "%s %s/tests/exercise_05 --task 2 --report > '%s/report' && "
             "%s %s/exercise_judge tests/expected/exercise_05.txt 2 < '%s/report'",
             emu, build_dir(), dir, emu, build_dir(), dir);
    CHECK(shell_ok(cmd));
    snprintf(cmd, sizeof cmd, "grep -v '5x5' '%s/report' > '%s/short' && "
             "%s %s/exercise_judge tests/expected/exercise_05.txt 2 < '%s/short'", dir, dir, emu, build_dir(), dir);
    r = run_program(cmd);
    CHECK_INT(r.exit_code, 1);
    CHECK_CONTAINS(r.out, "the checker got no value for");
    program_result_free(&r);
    snprintf(cmd, sizeof cmd, "sed 's/^@2 check 1 16 0 0 /@2 check 1 16 0 1 /' '%s/report' > '%s/wrong' && "
             "! cmp -s '%s/report' '%s/wrong' && %s %s/exercise_judge tests/expected/exercise_05.txt 2 < '%s/wrong'",
             dir, dir, dir, dir, emu, build_dir(), dir);
    r = run_program(cmd);
    CHECK_INT(r.exit_code, 1);
    CHECK_CONTAINS(r.out, "does not match the expected values");
    program_result_free(&r);
    snprintf(cmd, sizeof cmd, "%s %s/exercise_judge '%s/none.txt' 2 < '%s/report'", emu, build_dir(), dir, dir);
    r = run_program(cmd);
    CHECK_INT(r.exit_code, 2);   /* the checker's fault, said so */
    CHECK_CONTAINS(r.out, "cannot be read");
    program_result_free(&r);
}

/* In a handout: every exercise's checks without reference code, and their stored values there. */
static void test_a_handout_has_stored_values_and_no_reference_code(void)
{
    program_result r = run_program("for f in tests/exercise_[0-9][0-9].c; do n=${f#tests/exercise_}; n=${n%.c}; "
                                   "grep -q '^#ifdef EXERCISE_REFERENCE' \"$f\" && echo \"$f has reference code\"; "
                                   "[ -s tests/expected/exercise_$n.txt ] || echo \"tests/expected/exercise_$n.txt is missing\"; "
                                   "done; ls tests/exercise_[0-9][0-9].c | wc -l");
    CHECK(atoi(r.out) >= 1);   /* the output starts with the count only when nothing was found */
    if (atoi(r.out) < 1)
        printf("%s", r.out);
    program_result_free(&r);
}

int main(void)
{
    char *numbers = solved_numbers();
    int has_solutions = numbers && numbers[0];
    free(numbers);
    if (!has_solutions) {   /* a handout */
        RUN_TEST(test_a_handout_has_stored_values_and_no_reference_code);
        return harness_finish();
    }
    RUN_TEST(test_handout_checks_have_no_reference_code);
    RUN_TEST(test_stored_values_are_fresh);
    RUN_TEST(test_a_stale_value_and_the_judge);
    RUN_TEST(test_every_task_has_a_check_for_the_judge);
    return harness_finish();
}
