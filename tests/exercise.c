/* tests/exercise.c: see exercise.h. */
#include "exercise.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int task_number, task_failed, tasks_passed, tasks_failed;
static const char *task_hint;

#define MAX_DIAGNOSES 8
static char diagnoses[MAX_DIAGNOSES][512];   /* the likely bugs named in this task */
static int n_diagnoses;

void task_begin(int number, const char *title, const char *hint)
{
    task_number = number;
    task_failed = 0;
    task_hint = hint;
    n_diagnoses = 0;
    printf("Task %d: %s\n", number, title);
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
        printf("%s%.6g", i ? " " : "", v[i]);
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
        printf("    hint: %s\n  -> FAIL\n", task_hint);
        tasks_failed++;
    } else {
        printf("  -> PASS\n");
        tasks_passed++;
    }
}

int exercise_finish(const char *exercise)
{
    printf("\n%s: %d of %d tasks pass\n", exercise, tasks_passed, tasks_passed + tasks_failed);
    printf("%d passed, %d failed\n", tasks_passed, tasks_failed);
    return tasks_failed == 0 ? 0 : 1;
}
