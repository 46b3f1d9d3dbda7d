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
static char last_call[512];    /* the last CALL's text, for a message about an overrun */
static int announce_calls;     /* EXERCISE_CALLS is set */
static int hint_task, hint_level;   /* --hint K L: print task K's hints, do not check */

#define MAX_DIAGNOSES 8
static char diagnoses[MAX_DIAGNOSES][512];   /* the likely bugs named in this task */
static int n_diagnoses;

/* Thrown out of a task by --hint once its hints are printed. */
static jmp_buf after_hints;

/* The first letter of a hint, a capital when the hint starts with a word
 * ("the rule is ..."), as it is when it starts with a symbol ("dL/dz = p - y",
 * "y = max(0, x)", "out[(i + p) ...]": a formula's names keep their case). */
static char capital(const char *text)
{
    size_t word = strspn(text, "abcdefghijklmnopqrstuvwxyz");
    int is_word = word >= 2 && (text[word] == ' ' || text[word] == ',' || text[word] == ':' || text[word] == '\0');
    return is_word ? (char)toupper((unsigned char)text[0]) : text[0];
}

static void print_hints(int number, const char *title, hint_levels hints, int level)
{
    const char *text[3] = { hints.concept, hints.formula, hints.code };
    static const char *names[3] = { "the idea", "the formula", "the code" };
    printf("Task %d: %s\n", number, title);
    for (int l = 0; l < level && l < 3; l++)
        printf("  hint %d of 3 (%s): %c%s\n", l + 1, names[l], capital(text[l]), text[l] + 1);
}

void task_begin(int number, const char *title, hint_levels hints)
{
    task_number = number;
    task_failed = 0;
    last_call[0] = '\0';
    n_diagnoses = 0;
    if (hint_task > 0) {
        print_hints(number, title, hints, hint_level);
        longjmp(after_hints, 1);
    }
    printf("Task %d: %s\n", number, title);
}


void task_call(const char *text)
{
    if (last_call[0])
        task_check_guards();          /* an overrun by the call before is blamed on it */
    snprintf(last_call, sizeof last_call, "%s", text);
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

/* ------------------------------------------------------------------ guarded arrays */

#if defined(__SANITIZE_ADDRESS__)
#define EXACT_ARRAYS 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define EXACT_ARRAYS 1
#endif
#endif
#ifndef EXACT_ARRAYS
#define EXACT_ARRAYS 0
#endif

#define MAX_ARRAYS 64
typedef struct {
    const char *name;
    unsigned char *block;           /* what malloc gave */
    size_t entry, guard_bytes;      /* bytes per entry; bytes of guard on each side (0: exact) */
    long n;
    unsigned char *guard_copy;      /* the guards as they were written (before, then after) */
} guarded_array;
static guarded_array arrays[MAX_ARRAYS];
static int n_arrays;
static char overrun_named[MAX_ARRAYS][64];   /* arrays whose overrun this task has named: once is enough */
static int n_overrun_named;

/* 1 the first time an overrun of `name` is met in this task. */
static int first_overrun_of(const char *name)
{
    for (int i = 0; i < n_overrun_named; i++)
        if (strcmp(overrun_named[i], name) == 0)
            return 0;
    if (n_overrun_named < MAX_ARRAYS)
        snprintf(overrun_named[n_overrun_named++], sizeof overrun_named[0], "%s", name);
    return 1;
}

int task_has_guards(void)
{
    return !EXACT_ARRAYS;
}

/* n entries of `entry` bytes, each a copy of value, between guards of copies of guard. */
static void *new_array(const char *name, long n, size_t entry, const void *value, const void *guard)
{
    size_t guard_bytes = EXACT_ARRAYS ? 0 : TASK_GUARD * entry, body = (size_t)(n > 0 ? n : 0) * entry;
    unsigned char *block = malloc(body + 2 * guard_bytes + (body + guard_bytes == 0));
    unsigned char *copy = guard_bytes ? malloc(2 * guard_bytes) : NULL;
    if (!block || (guard_bytes && !copy) || n_arrays == MAX_ARRAYS) {
        printf("    the checker ran out of memory (or of room for arrays): this task cannot be checked\n");
        exit(70);
    }
    for (size_t i = 0; i < body; i += entry)
        memcpy(block + guard_bytes + i, value, entry);
    for (size_t i = 0; i < guard_bytes; i += entry) {
        memcpy(block + i, guard, entry);
        memcpy(block + guard_bytes + body + i, guard, entry);
    }
    if (copy) {
        memcpy(copy, block, guard_bytes);
        memcpy(copy + guard_bytes, block + guard_bytes + body, guard_bytes);
    }
    arrays[n_arrays++] = (guarded_array){ name, block, entry, guard_bytes, n, copy };
    return block + guard_bytes;
}

double *task_array(const char *name, long n, double value, double guard)
{
    return new_array(name, n, sizeof(double), &value, &guard);
}

int *task_int_array(const char *name, long n, int value)
{
    int guard = -777777;
    return new_array(name, n, sizeof(int), &value, &guard);
}

unsigned char *task_byte_array(const char *name, long n, unsigned char value)
{
    unsigned char guard = 0xA5;
    return new_array(name, n, 1, &value, &guard);
}

int task_check_guards(void)
{
    int named = 0;
    for (int a = 0; a < n_arrays; a++) {
        guarded_array *g = &arrays[a];
        if (!g->guard_bytes || !g->guard_copy)
            continue;
        const unsigned char *before = g->block, *after = g->block + g->guard_bytes + (size_t)g->n * g->entry;
        long first_after = -1, last_before = -1;
        for (size_t i = 0; i < g->guard_bytes; i += g->entry) {
            if (memcmp(before + i, g->guard_copy + i, g->entry) != 0)
                last_before = (long)((g->guard_bytes - i) / g->entry);
            if (first_after < 0 && memcmp(after + i, g->guard_copy + g->guard_bytes + i, g->entry) != 0)
                first_after = g->n + (long)(i / g->entry);
        }
        if ((first_after >= 0 || last_before >= 0) && !first_overrun_of(g->name)) {
            task_fail();                                        /* named already in this task */
            first_after = last_before = -1;
            named++;
        }
        if (first_after >= 0)
            task_diagnose("your code wrote past the end of %s, which has %ld entries: %s[%ld] was written "
                          "(in the call %s)", g->name, g->n, g->name, first_after, last_call);
        if (last_before >= 0)
            task_diagnose("your code wrote before the start of %s: %s[-%ld] was written (in the call %s)",
                          g->name, g->name, last_before, last_call);
        if (first_after >= 0 || last_before >= 0) {
            memcpy(g->guard_copy, before, g->guard_bytes);          /* said once */
            memcpy(g->guard_copy + g->guard_bytes, after, g->guard_bytes);
            named++;
        }
    }
    return named;
}

static void free_arrays(void)
{
    for (int a = 0; a < n_arrays; a++) {
        free(arrays[a].block);
        free(arrays[a].guard_copy);
    }
    n_arrays = 0;
}

void task_end(void)
{
    task_check_guards();
    free_arrays();
    last_call[0] = '\0';
    n_overrun_named = 0;
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
