/* tests/exercise.c: see exercise.h. */
#include "exercise.h"
#include "exercise_values.h"

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

/* 1 when text, whose first word (`word` letters) is followed by a space, starts
 * a line of C: an assignment ("dx = 0", "loss -= ..."), a declaration
 * ("double v[4]"), "return ..." or a statement with its "(" ("if (t < 0)"). */
static int starts_code(const char *text, size_t word)
{
    static const char *declares[] = { "double", "float", "int", "long", "char", "const", "unsigned", "return" };
    static const char *statements[] = { "if", "for", "while", "switch" };
    const char *after = text + word + 1;
    if (after[0] == '=' || (after[0] != '\0' && strchr("+-*/", after[0]) && after[1] == '='))
        return 1;
    for (size_t k = 0; k < sizeof declares / sizeof declares[0]; k++)
        if (strlen(declares[k]) == word && strncmp(text, declares[k], word) == 0)
            return 1;
    for (size_t k = 0; k < sizeof statements / sizeof statements[0]; k++)
        if (strlen(statements[k]) == word && strncmp(text, statements[k], word) == 0 && after[0] == '(')
            return 1;
    return 0;
}

/* The first letter of a hint, a capital when the hint starts with a word
 * ("the rule is ..."), as it is when it starts with a symbol ("dL/dz = p - y",
 * "y = max(0, x)", "out[(i + p) ...]": a formula's names keep their case), or
 * with C ("if (t < 0)", "dx = 0", "double v[4]": code keeps its case). */
static char capital(const char *text)
{
    size_t word = strspn(text, "abcdefghijklmnopqrstuvwxyz");
    int is_word = word >= 2 && (text[word] == ' ' || text[word] == ',' || text[word] == ':' || text[word] == '\0');
    if (is_word && text[word] == ' ' && starts_code(text, word))
        is_word = 0;
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

/* ------------------------------------------------------------------ stored values
 *
 * The values a check compares with live in tests/expected/exercise_NN.txt
 * (format: exercise_values.h), written by `make expected` from the checks
 * built with their reference code (EXERCISE_REFERENCE) against the
 * solutions. Modes:
 *   --record FILE  (reference build) write every check's expected values
 *                  and every STORED_VALUES array to FILE
 *   --report       after each check, print the student's values on a line
 *                  "@TASK check OCC N 0 V1 ... | LABEL" for the judge
 *                  (tests/exercise_judge.c), which owns the verdict
 *   --expected FILE  where the stored values are (default
 *                  tests/expected/exercise_NN.txt)
 * A reference build also compares what it computes with the stored values
 * (so they cannot go stale unnoticed); a build without the reference code
 * (the handout's, make check's, make grade's) reads them instead. */
static FILE *record_file;
static int reporting, built_with_reference;
static const char *expected_path;
static char default_expected[64];
static stored_set stored;
static int stored_state;        /* 0 not read yet, 1 read, -1 unreadable */

typedef struct { char kind; char *label; int count; } occurrence;
static occurrence *seen;
static int n_seen, cap_seen;

static void forget_occurrences(void)
{
    for (int i = 0; i < n_seen; i++)
        free(seen[i].label);
    n_seen = 0;
}

static void out_of_memory(void)
{
    printf("    the checker ran out of memory: this task cannot be checked\n");
    exit(70);
}

/* 1 for the first record of this kind and label in this task, 2 for the next... */
static int next_occurrence(char kind, const char *label)
{
    for (int i = 0; i < n_seen; i++)
        if (seen[i].kind == kind && strcmp(seen[i].label, label) == 0)
            return ++seen[i].count;
    if (n_seen == cap_seen) {
        int cap = cap_seen ? 2 * cap_seen : 32;
        occurrence *bigger = realloc(seen, sizeof *bigger * (size_t)cap);
        if (!bigger)
            out_of_memory();
        seen = bigger;
        cap_seen = cap;
    }
    size_t len = strlen(label);
    char *copy = malloc(len + 1);
    if (!copy)
        out_of_memory();
    memcpy(copy, label, len + 1);
    seen[n_seen++] = (occurrence){ kind, copy, 1 };
    return 1;
}

/* The stored values, read once; 0 (and a message) when they cannot be. */
static int stored_ready(void)
{
    if (stored_state == 0) {
        int bad = stored_read(expected_path, &stored);
        stored_state = bad == 0 ? 1 : -1;
        if (bad > 0)
            printf("    %s:%d: not a line of stored values\n", expected_path, bad);
    }
    return stored_state == 1;
}

/* In a reference build, the first stored value of this task that does not
 * match what the reference computes. Said at the end of the task, and only
 * when every check passed: the solution passes every check, so there a
 * mismatch means the stored file is stale (make test fails); a wrong
 * submission may go through checks the solution never reaches (exercise
 * 09's step-by-step diagnosis), which have no stored record, and must not
 * be told to run make expected. */
static char stale_note[512];

static void note_stale(const char *format, ...)
{
    if (stale_note[0])
        return;
    va_list args;
    va_start(args, format);
    vsnprintf(stale_note, sizeof stale_note, format, args);
    va_end(args);
}

static void record(char kind, int occ, const char *label, const double *v, int n, double tol)
{
    if (!stored_write(record_file, task_number, kind, occ, n, tol, v, label)) {
        fprintf(stderr, "exercise: cannot write the stored values (--record)\n");
        exit(70);
    }
}

/* A check's expected values (record mode), the student's (--report), and in a
 * reference build the stored ones compared with the reference's. */
static void check_point(const char *what, const double *expected, const double *actual, int n, double tol)
{
    if (hint_task > 0)
        return;
    int occ = next_occurrence('c', what);
    if (record_file)
        record('c', occ, what, expected, n, tol);
    if (reporting) {
        if (fputs("@", stdout) == EOF || !stored_write(stdout, task_number, 'c', occ, n, 0, actual, what))
            exit(70);
    }
    if (built_with_reference && !record_file && stored_ready()) {
        const stored_record *r = stored_find(&stored, task_number, 'c', what, occ);
        if (!r || r->n != n || !arrays_near(r->v, expected, n, tol > 0 ? tol / 2 : 0))
            note_stale("the stored expected values (%s) do not match the reference for \"%s\": run make expected",
                       expected_path, what);
    }
}

/* 1 when every a[i] is within rel * max(1, |b[i]|) of b[i]. */
static int relatively_near(const double *a, const double *b, int n, double rel)
{
    for (int i = 0; i < n; i++)
        if (!(fabs(a[i] - b[i]) <= rel * fmax(1, fabs(b[i]))))
            return 0;
    return 1;
}

void stored_values(const char *label, double *v, int n, int has_reference)
{
    if (hint_task > 0)
        return;
    int occ = next_occurrence('v', label);
    if (record_file) {
        record('v', occ, label, v, n, 0);
        return;
    }
    const stored_record *r = stored_ready() ? stored_find(&stored, task_number, 'v', label, occ) : NULL;
    if (has_reference) {
        if (stored_state == 1 && (!r || r->n != n || !relatively_near(r->v, v, n, 1e-10)))
            note_stale("the stored value \"%s\" (%s) does not match the reference: run make expected", label,
                       expected_path);
        return;
    }
    if (!r || r->n != n) {
        task_diagnose("%s has no stored value \"%s\" (%d numbers): this task cannot be checked "
                      "(the instructor's copy makes it with make expected)", expected_path, label, n);
        for (int i = 0; i < n; i++)
            v[i] = NAN;
        return;
    }
    memcpy(v, r->v, sizeof(double) * (size_t)n);
}

void stored_ints(const char *label, int *v, int n, int has_reference)
{
    double *d = malloc(sizeof(double) * (size_t)(n > 0 ? n : 1));
    if (!d)
        out_of_memory();
    for (int i = 0; i < n; i++)
        d[i] = v[i];
    stored_values(label, d, n, has_reference);
    if (!has_reference)
        for (int i = 0; i < n; i++)
            v[i] = d[i] == d[i] ? (int)d[i] : -1;
    free(d);
}

void task_begin(int number, const char *title, hint_levels hints)
{
    task_number = number;
    task_failed = 0;
    last_call[0] = '\0';
    n_diagnoses = 0;
    stale_note[0] = '\0';
    forget_occurrences();
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
    double e = (double)expected, a = (double)actual;
    check_point(what, &e, &a, 1, 0);
    if (expected == actual)
        return 1;
    printf("    %s: expected %ld, got %ld\n", what, expected, actual);
    task_failed = 1;
    return 0;
}

int task_expect_near(const char *what, double expected, double actual, double tol)
{
    check_point(what, &expected, &actual, 1, tol);
    if (fabs(expected - actual) <= tol)
        return 1;
    printf("    %s: expected %.10g, got %.10g\n", what, expected, actual);
    task_failed = 1;
    return 0;
}

int task_expect_index(const char *what, long expected, long actual, int width)
{
    double e = (double)expected, a = (double)actual;
    check_point(what, &e, &a, 1, 0);
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
    check_point(what, expected, actual, n, tol);
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
    if (stale_note[0] && !task_failed)
        task_diagnose("%s", stale_note);
    stale_note[0] = '\0';
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

/* Take --record FILE, --report and --expected FILE out of argv; 0 on a bad one. */
static int stored_options(int *argc, char **argv, const char *exercise)
{
    const char *digits = strpbrk(exercise, "0123456789");
    snprintf(default_expected, sizeof default_expected, "tests/expected/exercise_%.2s.txt", digits ? digits : "00");
    expected_path = default_expected;
    int kept = 1;
    for (int i = 1; i < *argc; i++) {
        if (strcmp(argv[i], "--report") == 0) {
            reporting = 1;
        } else if (strcmp(argv[i], "--expected") == 0 && i + 1 < *argc) {
            expected_path = argv[++i];
        } else if (strcmp(argv[i], "--record") == 0 && i + 1 < *argc) {
            if (!built_with_reference) {
                fprintf(stderr, "%s: --record needs the checks built with their reference code (make expected)\n", argv[0]);
                return 0;
            }
            if (!(record_file = fopen(argv[++i], "w"))) {
                fprintf(stderr, "%s: cannot write %s\n", argv[0], argv[i]);
                return 0;
            }
        } else {
            argv[kept++] = argv[i];
        }
    }
    *argc = kept;
    return 1;
}

static int finish(int status)
{
    forget_occurrences();
    free(seen);
    stored_free(&stored);
    if (record_file && fclose(record_file) != 0) {
        fprintf(stderr, "exercise: cannot write the stored values (--record)\n");
        return 70;
    }
    return status;
}

int exercise_main_with(int argc, char **argv, const char *exercise, const exercise_task *tasks, int n_tasks,
                       int has_reference)
{
    setvbuf(stdout, NULL, _IONBF, 0);          /* nothing is lost if the student's code crashes */
    announce_calls = getenv("EXERCISE_CALLS") != NULL;
    built_with_reference = has_reference;
    if (!stored_options(&argc, argv, exercise))
        return 2;
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
        return finish(0);
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
    return finish(tasks_failed == 0 ? 0 : 1);
}
