/* tests/grade_class.c: `make grade` (tests/grade.sh) on a class of made-up
 * students, exercises 01 and 05: solved, stub, a compile error, a crash, an
 * endless loop, a partial solution, a nested and an ambiguous layout, folder
 * names with a space, a comma and a quote, a folder named grades.csv, a
 * faker (prints "-> PASS" and calls exit(0)), a printer (prints "-> PASS"
 * and returns), an atexit faker, a channel writer (prints the judge's
 * record of a check, tests/exercise_judge.c, and "-> PASS"), a library-caller, a file writer, one that defines printf
 * (the checks' own), a helper function (allowed), a FIFO in place of a file,
 * a hidden folder, one that prints without end, one that includes a course
 * header without calling the library (allowed), one whose only file has a
 * browser's name ("05_pooling (1).c") in a folder of its own, a copy of the
 * whole course (lessons/ has the exercises' names), one with a main() of
 * its own, one with the skeleton and a "05_pooling (1).c" beside it; then three of them again,
 * one with a resubmission older than the first run (a stale timestamp), a
 * subset (EX=05), one job, and points.
 *
 * Each value is read from the CSV by its column's name, parsed as RFC 4180
 * says. Needs solutions/ (skipped in a handout). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static char class_dir[1024];   /* the students' folders */
static char grade_build[1024]; /* BUILD for tests/grade.sh */

/* ---------------------------------------------------------------- RFC 4180 */

#define MAX_FIELDS 64
#define MAX_ROWS 32
typedef struct {
    int n_rows;
    int n_fields[MAX_ROWS];
    char *field[MAX_ROWS][MAX_FIELDS];
} csv_table;

/* Parse text (quoted fields, "" for a quote, commas and newlines inside
 * quotes). Returns 0 on a malformed table. */
static int csv_parse(const char *text, csv_table *t)
{
    memset(t, 0, sizeof *t);
    const char *p = text;
    while (*p && t->n_rows < MAX_ROWS) {
        int r = t->n_rows++;
        for (;;) {
            size_t cap = strlen(p) + 1, len = 0;
            char *f = malloc(cap);
            if (!f)
                return 0;
            if (*p == '"') {
                p++;
                for (;;) {
                    if (*p == '\0') {
                        free(f);
                        return 0;                        /* an unclosed quote */
                    }
                    if (*p == '"' && p[1] == '"') {
                        f[len++] = '"';
                        p += 2;
                    } else if (*p == '"') {
                        p++;
                        break;
                    } else {
                        f[len++] = *p++;
                    }
                }
            } else {
                while (*p && *p != ',' && *p != '\n')
                    f[len++] = *p++;
            }
            f[len] = '\0';
            if (t->n_fields[r] == MAX_FIELDS) {
                free(f);
                return 0;
            }
            t->field[r][t->n_fields[r]++] = f;
            if (*p == ',') {
                p++;
                continue;
            }
            if (*p == '\n')
                p++;
            else if (*p != '\0')
                return 0;                                /* text after a closing quote */
            break;
        }
    }
    return 1;
}

static void csv_free(csv_table *t)
{
    for (int r = 0; r < t->n_rows; r++)
        for (int f = 0; f < t->n_fields[r]; f++)
            free(t->field[r][f]);
}

/* The cell of `student`'s row in the column whose header starts with
 * `column` (e.g. "ex05 status", "ex01.2/", "total/"); "" when missing. */
static const char *cell(const csv_table *t, const char *student, const char *column)
{
    if (t->n_rows == 0)
        return "";
    int col = -1;
    for (int f = 0; f < t->n_fields[0]; f++)
        if (strncmp(t->field[0][f], column, strlen(column)) == 0) {
            col = f;
            break;
        }
    for (int r = 1; r < t->n_rows && col >= 0; r++)
        if (strcmp(t->field[r][0], student) == 0)
            return col < t->n_fields[r] ? t->field[r][col] : "";
    return "";
}

#define CHECK_CELL(t, student, column, expected) check_cell((t), (student), (column), (expected), __LINE__)
static void check_cell(const csv_table *t, const char *student, const char *column, const char *expected, int line)
{
    const char *got = cell(t, student, column);
    int ok = strcmp(got, expected) == 0;
    if (!ok)
        printf("    %s / %s: expected '%s', got '%s'\n", student, column, expected, got);
    harness_check(ok, "a cell of grades.csv", __FILE__, line);
}

/* ---------------------------------------------------------------- the class */

/* Write `text` with the first `from` replaced by `to` into class/student/rel. */
static void plant(const char *student, const char *rel, const char *source, const char *from, const char *to)
{
    char *text = read_text_file(source);
    CHECK(text != NULL);
    if (!text)
        return;
    char path[2048], cmd[4096];
    snprintf(path, sizeof path, "%s/%s/%s", class_dir, student, rel);
    snprintf(cmd, sizeof cmd, "mkdir -p \"$(dirname '%s')\"", path);
    CHECK(shell_ok(cmd));
    const char *at = from ? strstr(text, from) : NULL;
    if (from && !at)
        printf("    %s does not contain \"%s\" any more: update this test\n", source, from);
    CHECK(!from || at);
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (f) {
        size_t head = at ? (size_t)(at - text) : strlen(text);
        int ok = fwrite(text, 1, head, f) == head;
        if (at) {
            ok = ok && fputs(to, f) >= 0;
            ok = ok && fputs(at + strlen(from), f) >= 0;
        }
        CHECK(fclose(f) == 0 && ok);
    }
    free(text);
}

#define SOL01 "solutions/01_convolution.c"
#define SOL05 "solutions/05_pooling.c"
#define SKEL01 "exercises/01_convolution.c"
#define SKEL05 "exercises/05_pooling.c"
#define MAXBWD "    for (int i = 0; i < h * w; i++)\n        dx[i] = 0;\n    for (int o = 0; o < n_out; o++)"
#define AVGBWD "void avg_pool_backward(const double *dy, int h, int w, int k, int stride, double *dx)"

static const char *library_caller =
    "#include \"05_pooling.h\"\n#include \"pool.h\"\n"
    "void max_pool_forward(const double *x, int h, int w, int k, int stride, double *y, int *argmax)\n"
    "{ pool2d_shape s; pool2d_setup(&s, 1, h, w, k, stride); maxpool2d_forward(&s, x, y, argmax); }\n"
    "void max_pool_backward(const double *dy, const int *argmax, int h, int w, int k, int stride, double *dx)\n"
    "{ pool2d_shape s; pool2d_setup(&s, 1, h, w, k, stride); maxpool2d_backward(&s, dy, argmax, dx); }\n"
    "void avg_pool_forward(const double *x, int h, int w, int k, int stride, double *y)\n"
    "{ pool2d_shape s; pool2d_setup(&s, 1, h, w, k, stride); avgpool2d_forward(&s, x, y); }\n"
    "void avg_pool_backward(const double *dy, int h, int w, int k, int stride, double *dx)\n"
    "{ pool2d_shape s; pool2d_setup(&s, 1, h, w, k, stride); avgpool2d_backward(&s, dy, dx); }\n";

static void write_file(const char *student, const char *rel, const char *text)
{
    char path[2048];
    snprintf(path, sizeof path, "%s/%s/%s", class_dir, student, rel);
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (f) {
        int ok = fputs(text, f) >= 0;
        CHECK(fclose(f) == 0 && ok);
    }
}

static void make_class(void)
{
    char cmd[8192];
    snprintf(cmd, sizeof cmd, "rm -rf '%s' '%s' && mkdir -p '%s' '%s'", class_dir, grade_build, class_dir, grade_build);
    CHECK(shell_ok(cmd));
    snprintf(cmd, sizeof cmd, "cp '%s/libcnn_double.a' '%s/'", build_dir(), grade_build);
    CHECK(shell_ok(cmd));
    plant("solved", "01_convolution.c", SOL01, NULL, NULL);
    plant("solved", "05_pooling.c", SOL05, NULL, NULL);
    plant("stub", "01_convolution.c", SKEL01, NULL, NULL);
    plant("stub", "05_pooling.c", SKEL05, NULL, NULL);
    plant("compile error", "01_convolution.c", SOL01, "double sum = 0;", "double sum = 0");
    plant("crash", "05_pooling.c", SOL05, MAXBWD, "    *(volatile double *)0 = 1;\n" MAXBWD);
    plant("endless", "01_convolution.c", SOL01, "    double sum = 0;",
          "    double sum = 0;\n    for (volatile int spin = 1; spin; )\n        ;");
    plant("partial", "05_pooling.c", SOL05, "dx[argmax[o]] += dy[o];", "dx[o] += dy[o];");
    plant("nested", "course/exercises/05_pooling.c", SOL05, NULL, NULL);
    plant("ambiguous", "mine/exercises/05_pooling.c", SOL05, NULL, NULL);
    plant("ambiguous", "mine/exercises/01_convolution.c", SOL01, NULL, NULL);
    plant("ambiguous", "old/05_pooling.c", SKEL05, NULL, NULL);
    plant("space name", "05_pooling.c", SOL05, "#include \"05_pooling.h\"\n",
          "#include \"05_pooling.h\"\nint a_helper_of_mine(int x) { return x; }\n");   /* allowed */
    plant("redefiner", "05_pooling.c", SOL05, "#include \"05_pooling.h\"\n",
          "#include \"05_pooling.h\"\nint printf(const char *format, ...) { (void)format; return 0; }\n");
    plant("comma, \"quoted\" name", "05_pooling.c", SOL05, NULL, NULL);
    plant("grades.csv", "05_pooling.c", SOL05, NULL, NULL);
    plant("faker", "05_pooling.c", SKEL05, "#include \"05_pooling.h\"\n",
          "#include \"05_pooling.h\"\n#include <stdio.h>\n#include <stdlib.h>\n"
          "static void pass(void) { printf(\"  -> PASS\\n1 passed, 0 failed\\n\"); exit(0); }\n");
    char again[2048];
    snprintf(again, sizeof again, "%s/faker/05_pooling.c", class_dir);
    plant("faker", "05_pooling.c", again, "int *argmax)\n{\n",
          "int *argmax)\n{\n    pass();\n");
    plant("printer", "05_pooling.c", SKEL05, "int *argmax)\n{\n",
          "int *argmax)\n{\n    printf(\"  -> PASS\\n1 passed, 0 failed\\n\");\n");
    snprintf(again, sizeof again, "%s/printer/05_pooling.c", class_dir);
    plant("printer", "05_pooling.c", again, "#include \"05_pooling.h\"\n",
          "#include \"05_pooling.h\"\n#include <stdio.h>\n");
    plant("atexit faker", "05_pooling.c", SKEL05, "#include \"05_pooling.h\"\n",
          "#include \"05_pooling.h\"\n#include <stdio.h>\n#include <stdlib.h>\n"
          "static void pass(void) { printf(\"  -> PASS\\n\"); _Exit(0); }\n"
          "void start(void) { atexit(pass); }\n");
    plant("channel writer", "05_pooling.c", SOL05, AVGBWD "\n{\n",
          AVGBWD "\n{\n    printf(\"@4 check 1 16 0 0.25 0.25 0.5 0.5 0.25 0.25 0.5 0.5 0.75 0.75 1 1 "
          "0.75 0.75 1 1 | dX of the lesson's 4x4 map, dY = [[1,2],[3,4]]\\n  -> PASS\\n\");\n    return;\n");
    snprintf(again, sizeof again, "%s/channel writer/05_pooling.c", class_dir);
    plant("channel writer", "05_pooling.c", again, "#include \"05_pooling.h\"\n",
          "#include \"05_pooling.h\"\n#include <stdio.h>\n");
    plant("library caller", "05_pooling.c", SOL05, NULL, NULL);
    write_file("library caller", "05_pooling.c", library_caller);
    plant("writer", "05_pooling.c", SOL05, "#include \"05_pooling.h\"\n",
          "#include \"05_pooling.h\"\n#include <stdio.h>\n"
          "void note(void) { FILE *f = fopen(\"../../grades.csv\", \"a\"); if (f) fclose(f); }\n");
    plant("chatter", "05_pooling.c", SOL05, "#include \"05_pooling.h\"\n",
          "#include \"05_pooling.h\"\n#include <stdio.h>\n");
    snprintf(again, sizeof again, "%s/chatter/05_pooling.c", class_dir);
    plant("chatter", "05_pooling.c", again, "int *argmax)\n{\n",
          "int *argmax)\n{\n    for (;;)\n        printf(\"debugging output without end\\n\");\n");
    plant("includer", "05_pooling.c", SOL05, "#include \"05_pooling.h\"\n",
          "#include \"05_pooling.h\"\n#include \"tensor.h\"\n");      /* refers to real.h's link check */
    plant("renamed", "download/05_pooling (1).c", SOL05, NULL, NULL);
    plant("course copy", "cnn-from-scratch-main/exercises/01_convolution.c", SKEL01, NULL, NULL);
    plant("course copy", "cnn-from-scratch-main/exercises/05_pooling.c", SOL05, NULL, NULL);
    plant("course copy", "cnn-from-scratch-main/lessons/01_convolution.c", "lessons/01_convolution.c", NULL, NULL);
    plant("course copy", "cnn-from-scratch-main/lessons/05_pooling.c", "lessons/05_pooling.c", NULL, NULL);
    plant("own main", "05_pooling.c", SOL05, "#include \"05_pooling.h\"\n",
          "#include \"05_pooling.h\"\nint main(void) { return 0; }\n");
    plant("two copies", "05_pooling.c", SKEL05, NULL, NULL);
    plant("two copies", "05_pooling (1).c", SOL05, NULL, NULL);
    plant("fifo", "05_pooling.c", SOL05, NULL, NULL);
    snprintf(cmd, sizeof cmd, "mkfifo '%s/fifo/01_convolution.c'", class_dir);
    CHECK(shell_ok(cmd));
    plant(".hidden", "05_pooling.c", SOL05, NULL, NULL);
    plant("late", "05_pooling.c", SKEL05, NULL, NULL);
}

/* The newest run folder's grades.csv and the command's output. */
static program_result grade(const char *vars, const char *class, csv_table *t, char *run, size_t run_size)
{
    char cmd[8192];
    const char *flags = getenv("TEST_CFLAGS");
    snprintf(cmd, sizeof cmd,
             "BUILD='%s' CC='%s' EXTRA_CFLAGS='%s' CHECK_SAN= GRADE_TIME_LIMIT=1 %s sh tests/grade.sh '%s'",
             grade_build, getenv("CC") ? getenv("CC") : "cc", flags ? flags : "", vars, class);
    program_result r = run_program(cmd);
    snprintf(cmd, sizeof cmd, "ls -d '%s'/grade/run-* | tail -n 1", grade_build);
    program_result ls = run_program(cmd);
    snprintf(run, run_size, "%s", ls.out);
    run[strcspn(run, "\n")] = '\0';
    program_result_free(&ls);
    snprintf(cmd, sizeof cmd, "%s/grades.csv", run);
    char *text = read_text_file(cmd);
    CHECK(text != NULL);
    CHECK(text && csv_parse(text, t));
    free(text);
    return r;
}

static char *feedback(const char *run, const char *student)
{
    char path[2048];
    snprintf(path, sizeof path, "%s/feedback/%s.txt", run, student);
    char *text = read_text_file(path);
    CHECK(text != NULL);
    return text ? text : calloc(1, 1);
}

static void test_a_class(void)
{
    csv_table t;
    char run[2048];
    make_class();
    program_result r = grade("GRADE_EX=1,05 GRADE_JOBS=2", class_dir, &t, run, sizeof run);
    if (r.exit_code != 0)
        printf("%s%s", r.out, r.err);
    CHECK_INT(r.exit_code, 0);
    CHECK_CONTAINS(r.out, "in 2 parallel jobs");
    CHECK_CONTAINS(r.out, "26 students graded");
    CHECK_CONTAINS(r.out, "make grade took ");                 /* the time on the clock, last */
    CHECK_CONTAINS(r.out, ".hidden: a hidden folder");
    /* the header: per task, per exercise, status, total */
    CHECK(t.n_rows == 27);
    CHECK_CONTAINS(t.n_rows ? t.field[0][2] : "", "ex01.1/1");
    CHECK_CELL(&t, "solved", "ex01/4", "4");
    CHECK_CELL(&t, "solved", "ex05 status", "passed");
    CHECK_CELL(&t, "solved", "total/8", "8");
    CHECK_CELL(&t, "stub", "ex01 status", "failed");
    CHECK_CELL(&t, "stub", "total/8", "0");
    CHECK_CELL(&t, "compile error", "ex01 status", "did not compile");
    CHECK_CELL(&t, "compile error", "ex05 status", "missing");
    CHECK_CELL(&t, "crash", "ex05 status", "crashed");
    CHECK_CELL(&t, "crash", "ex05.1/1", "1");
    CHECK_CELL(&t, "crash", "ex05.2/1", "0");
    CHECK_CELL(&t, "crash", "ex05/4", "3");
    CHECK_CELL(&t, "endless", "ex01 status", "timed out");
    CHECK_CELL(&t, "endless", "ex01.1/1", "1");                /* tasks 2 and 3 use window_sum */
    CHECK_CELL(&t, "endless", "ex01.2/1", "0");
    CHECK_CELL(&t, "partial", "ex05 status", "failed");
    CHECK_CELL(&t, "partial", "ex05.2/1", "0");
    CHECK_CELL(&t, "partial", "ex05/4", "3");
    CHECK_CELL(&t, "nested", "layout", "course/exercises");
    CHECK_CELL(&t, "nested", "ex05/4", "4");
    CHECK_CELL(&t, "ambiguous", "layout", "mine/exercises");
    CHECK_CELL(&t, "ambiguous", "total/8", "8");
    CHECK_CONTAINS(cell(&t, "ambiguous", "notes"), "more than one folder");
    CHECK_CELL(&t, "space name", "ex05/4", "4");
    CHECK_CELL(&t, "comma, \"quoted\" name", "ex05/4", "4");
    CHECK_CELL(&t, "grades.csv", "ex05/4", "4");
    CHECK_CELL(&t, "faker", "ex05 status", "refused");
    CHECK_CELL(&t, "faker", "ex05/4", "0");
    CHECK_CELL(&t, "printer", "ex05 status", "failed");
    CHECK_CELL(&t, "printer", "ex05.1/1", "0");
    CHECK_CELL(&t, "atexit faker", "ex05 status", "refused");
    CHECK_CELL(&t, "atexit faker", "ex05/4", "0");
    CHECK_CELL(&t, "channel writer", "ex05 status", "failed");   /* the judge's verdict, not its text */
    CHECK_CELL(&t, "channel writer", "ex05.3/1", "1");
    CHECK_CELL(&t, "channel writer", "ex05.4/1", "0");
    CHECK_CELL(&t, "library caller", "ex05 status", "library call");
    CHECK_CELL(&t, "library caller", "ex05/4", "0");
    CHECK_CELL(&t, "includer", "ex05 status", "passed");   /* a course header is not a library call */
    CHECK_CELL(&t, "renamed", "layout", "download");
    CHECK_CELL(&t, "renamed", "ex05 status", "passed");
    CHECK_CONTAINS(cell(&t, "renamed", "notes"), "graded 05_pooling (1).c");   /* and said so */
    CHECK_CELL(&t, "course copy", "layout", "cnn-from-scratch-main/exercises");   /* not lessons/ */
    CHECK_CELL(&t, "course copy", "ex01 status", "failed");
    CHECK_CELL(&t, "course copy", "ex05 status", "passed");
    CHECK_CELL(&t, "course copy", "notes", "");
    CHECK_CELL(&t, "two copies", "ex05 status", "failed");   /* the course's name is graded... */
    CHECK_CONTAINS(cell(&t, "two copies", "notes"), "not 05_pooling (1).c");   /* ...and the other named */
    CHECK_CELL(&t, "writer", "ex05 status", "refused");
    CHECK_CELL(&t, "redefiner", "ex05 status", "refused");
    CHECK_CELL(&t, "chatter", "ex05 status", "crashed");     /* stopped by the output limit */
    CHECK_CELL(&t, "chatter", "ex05.1/1", "0");
    CHECK_CELL(&t, "chatter", "ex05.2/1", "1");
    CHECK_CELL(&t, "fifo", "ex01 status", "missing");
    CHECK_CELL(&t, "fifo", "ex05/4", "4");
    CHECK_CELL(&t, "late", "ex05/4", "0");

    /* feedback: every failing task's messages, as make check shows them */
    char *f = feedback(run, "partial");
    CHECK_CONTAINS(f, "status: failed; points: 3 of 4");
    CHECK_CONTAINS(f, "Task 2: ");
    CHECK_CONTAINS(f, "  -> FAIL");
    CHECK_CONTAINS(f, "expected");
    free(f);
    f = feedback(run, "compile error");
    CHECK_CONTAINS(f, "01_convolution.c does not compile");
    CHECK_CONTAINS(f, "error");
    free(f);
    f = feedback(run, "endless");   /* the processor-time limit, or on a machine loaded past 10 processes a core the clock's backstop */
    CHECK(strstr(f, "used more than 1 s of processor time") || strstr(f, "did not finish within 10 s"));
    CHECK_CONTAINS(f, "-> FAIL (time limit)");
    free(f);
    f = feedback(run, "crash");
    CHECK_CONTAINS(f, "crashed");
    CHECK_CONTAINS(f, "max_pool_backward");
    free(f);
    f = feedback(run, "library caller");
    CHECK_CONTAINS(f, "maxpool2d_forward");
    free(f);
    f = feedback(run, "faker");
    CHECK_CONTAINS(f, "it calls exit");
    free(f);
    f = feedback(run, "atexit faker");
    CHECK_CONTAINS(f, "a graded exercise may not end the program");
    free(f);
    f = feedback(run, "channel writer");
    CHECK_CONTAINS(f, "Task 4: average pooling backward\n");
    CHECK_CONTAINS(f, "  -> FAIL");
    free(f);
    f = feedback(run, "chatter");
    CHECK_CONTAINS(f, "output limit");
    free(f);
    f = feedback(run, "redefiner");
    CHECK_CONTAINS(f, "it defines printf");
    free(f);
    f = feedback(run, "fifo");
    CHECK_CONTAINS(f, "not a regular file");
    free(f);
    f = feedback(run, "renamed");
    CHECK_CONTAINS(f, "note: graded 05_pooling (1).c as 05_pooling.c");
    free(f);
    f = feedback(run, "own main");
    CHECK_CONTAINS(f, "status: did not compile");
    CHECK_CONTAINS(f, "defines main()");                     /* not "a function ... is missing" */
    free(f);
    f = feedback(run, "grades.csv");
    CHECK_CONTAINS(f, "total: 4 of 8");
    free(f);
    csv_free(&t);
    program_result_free(&r);

    /* again, three of them: "late" resubmits a solution dated 2001 (as
     * unzipped files are); only exercise 05, one job, 05's task 2 worth 3 points */
    char first[2048];
    snprintf(first, sizeof first, "%s", run);
    char cmd[16384], again[1100];
    snprintf(again, sizeof again, "%s2", class_dir);
    snprintf(cmd, sizeof cmd,
             "rm -rf '%s' && mkdir '%s' && cp -Rp '%s/late' '%s/partial' '%s/solved' '%s/' && "
             "cp '%s' '%s/late/05_pooling.c' && touch -t 200101010000 '%s/late/05_pooling.c'",
             again, again, class_dir, class_dir, class_dir, again, SOL05, again, again);
    CHECK(shell_ok(cmd));
    r = grade("GRADE_EX=5 GRADE_JOBS=1 GRADE_POINTS=05.02=3", again, &t, run, sizeof run);   /* = 05.2 */
    CHECK_INT(r.exit_code, 0);
    CHECK_CONTAINS(r.out, "in 1 parallel jobs");
    CHECK(strcmp(run, first) != 0);                            /* a folder of its own */
    snprintf(cmd, sizeof cmd, "test -f '%s/grades.csv'", first);
    CHECK(shell_ok(cmd));                                      /* the first one kept */
    CHECK_CELL(&t, "late", "ex05/6", "6");
    CHECK_CELL(&t, "late", "ex05.2/3", "3");
    CHECK_CELL(&t, "partial", "ex05/6", "3");
    CHECK_CELL(&t, "solved", "total/6", "6");
    CHECK_CELL(&t, "solved", "ex01", "");                      /* no column of exercise 01 */
    csv_free(&t);
    program_result_free(&r);
}

static void test_bad_arguments(void)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "BUILD='%s' GRADE_EX=99 sh tests/grade.sh tests", build_dir());
    program_result r = run_program(cmd);
    CHECK_INT(r.exit_code, 2);
    CHECK_CONTAINS(r.out, "no exercise 99");
    program_result_free(&r);
    snprintf(cmd, sizeof cmd, "BUILD='%s' GRADE_POINTS=05:2 sh tests/grade.sh tests", build_dir());
    r = run_program(cmd);
    CHECK_INT(r.exit_code, 2);
    CHECK_CONTAINS(r.out, "POINTS");
    program_result_free(&r);
    snprintf(cmd, sizeof cmd, "BUILD='%s' GRADE_POINTS=05=2,05.9=3 sh tests/grade.sh tests", build_dir());
    r = run_program(cmd);                                      /* exercise 05 has 4 tasks */
    CHECK_INT(r.exit_code, 2);
    CHECK_CONTAINS(r.out, "05.9=3");
    program_result_free(&r);
    snprintf(cmd, sizeof cmd, "BUILD='%s' GRADE_POINTS=99=2 sh tests/grade.sh tests", build_dir());
    r = run_program(cmd);
    CHECK_INT(r.exit_code, 2);
    CHECK_CONTAINS(r.out, "99=2");
    program_result_free(&r);
}

int main(void)
{
    snprintf(class_dir, sizeof class_dir, "%s/tmp/grade_class/class", build_dir());
    snprintf(grade_build, sizeof grade_build, "%s/tmp/grade_class/build", build_dir());
    char *solution = read_text_file(SOL01);
    if (solution) {
        RUN_TEST(test_a_class);
    } else {
        printf("no solutions/ here (a handout): the class cannot be made up\n");
    }
    free(solution);
    RUN_TEST(test_bad_arguments);
    return harness_finish();
}
