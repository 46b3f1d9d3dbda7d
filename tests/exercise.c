/* tests/exercise.c: see exercise.h. */
#include "exercise.h"

#include <ctype.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int task_number, task_failed, tasks_passed, tasks_failed;
static int announce_calls;     /* EXERCISE_CALLS is set */
static int hint_task, hint_level;   /* --hint K L: print task K's hints, do not check */

#define MAX_DIAGNOSES 8
static char diagnoses[MAX_DIAGNOSES][512];   /* the likely bugs named in this task */
static int n_diagnoses;

/* Thrown out of a task by --hint once its hints are printed. */
static jmp_buf after_hints;

static void print_hints(int number, const char *title, hint_levels hints, int level)
{
    const char *text[3] = { hints.concept, hints.formula, hints.code };
    static const char *names[3] = { "the idea", "the formula", "the code" };
    printf("Task %d: %s\n", number, title);
    for (int l = 0; l < level && l < 3; l++)
        printf("  hint %d of 3 (%s): %c%s\n", l + 1, names[l], toupper((unsigned char)text[l][0]), text[l] + 1);
}

void task_begin(int number, const char *title, hint_levels hints)
{
    task_number = number;
    task_failed = 0;
    n_diagnoses = 0;
    if (hint_task > 0) {
        print_hints(number, title, hints, hint_level);
        longjmp(after_hints, 1);
    }
    printf("Task %d: %s\n", number, title);
}

void task_call(const char *text)
{
    if (announce_calls)
        fprintf(stderr, "@call %s\n", text);
}

void task_fail(void)
{
    task_failed = 1;
}

int task_expect_int(const char *what, long expected, long actual)
{
    if (expected == actual)
        return 1;
    printf("    %s: expected %ld, got %ld\n", what, expected, actual);
    task_failed = 1;
    return 0;
}

int task_expect_near(const char *what, double expected, double actual, double tol)
{
    if (fabs(expected - actual) <= tol)
        return 1;
    printf("    %s: expected %.10g, got %.10g\n", what, expected, actual);
    task_failed = 1;
    return 0;
}

int task_expect_index(const char *what, long expected, long actual, int width)
{
    if (expected == actual)
        return 1;
    printf("    %s: expected %ld = (row %ld, col %ld), got %ld", what, expected, expected / width,
           expected % width, actual);
    if (actual >= 0)
        printf(" = (row %ld, col %ld)", actual / width, actual % width);
    printf("   [flat index = row * %d + col: the image is %d wide]\n", width, width);
    task_failed = 1;
    return 0;
}

int arrays_near(const double *a, const double *b, int n, double tol)
{
    for (int i = 0; i < n; i++)
        if (!(fabs(a[i] - b[i]) <= tol))
            return 0;
    return 1;
}

static void print_array(const double *v, int n)
{
    printf("[");
    for (int i = 0; i < n; i++)
        printf("%s%.6g", i ? " " : "", v[i] == 0 ? 0.0 : v[i]);   /* -0 (e.g. -2 * 0) printed as 0 */
    printf("]\n");
}

int task_expect_array(const char *what, const double *expected, const double *actual, int n, double tol)
{
    if (arrays_near(expected, actual, n, tol))
        return 1;
    printf("    %s: expected ", what);
    print_array(expected, n);
    printf("    %*s  got      ", (int)strlen(what), "");
    print_array(actual, n);
    task_failed = 1;
    return 0;
}

void task_diagnose(const char *format, ...)
{
    char message[512];
    va_list args;
    va_start(args, format);
    vsnprintf(message, sizeof message, format, args);
    va_end(args);
    task_failed = 1;
    for (int i = 0; i < n_diagnoses; i++)
        if (strcmp(diagnoses[i], message) == 0)
            return;                                  /* said already */
    if (n_diagnoses < MAX_DIAGNOSES)
        strcpy(diagnoses[n_diagnoses++], message);
    printf("    likely bug: %s\n", message);
}

int task_diagnoses(void)
{
    return n_diagnoses;
}

void task_end(void)
{
    if (task_failed) {
        printf("  -> FAIL\n");
        tasks_failed++;
    } else {
        printf("  -> PASS\n");
        tasks_passed++;
    }
}

/* A whole number from 1 to max, or 0. */
static int task_number_arg(const char *text, int max)
{
    char *end;
    long v = strtol(text, &end, 10);
    return (end != text && *end == '\0' && v >= 1 && v <= max) ? (int)v : 0;
}

static int usage_error(const char *program, int n_tasks)
{
    fprintf(stderr, "usage: %s [--count | --task K | --hint K LEVEL]   (K from 1 to %d, LEVEL from 1 to 3)\n",
            program, n_tasks);
    return 2;
}

int exercise_main(int argc, char **argv, const char *exercise, const exercise_task *tasks, int n_tasks)
{
    setvbuf(stdout, NULL, _IONBF, 0);          /* nothing is lost if the student's code crashes */
    announce_calls = getenv("EXERCISE_CALLS") != NULL;
    if (argc == 2 && strcmp(argv[1], "--count") == 0) {
        printf("%d\n", n_tasks);
        return 0;
    }
    if (argc == 4 && strcmp(argv[1], "--hint") == 0) {
        hint_task = task_number_arg(argv[2], n_tasks);
        hint_level = task_number_arg(argv[3], 3);
        if (!hint_task || !hint_level)
            return usage_error(argv[0], n_tasks);
        if (setjmp(after_hints) == 0)
            tasks[hint_task - 1]();
        return 0;
    }
    int only = 0;
    if (argc == 3 && strcmp(argv[1], "--task") == 0 && !(only = task_number_arg(argv[2], n_tasks)))
        return usage_error(argv[0], n_tasks);
    if (argc != 1 && !only)
        return usage_error(argv[0], n_tasks);
    for (int t = 0; t < n_tasks; t++)
        if (!only || only == t + 1)
            tasks[t]();
    if (!only)
        printf("\n%s: %d of %d tasks pass\n", exercise, tasks_passed, tasks_passed + tasks_failed);
    printf("%d passed, %d failed\n", tasks_passed, tasks_failed);
    return tasks_failed == 0 ? 0 : 1;
}
