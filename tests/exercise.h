/* tests/exercise.h: how an exercise's checks talk to the student.
 *
 * Each task prints its number and title, then (only when something is
 * wrong) what was expected, what came back and the likely bug:
 *
 *   Task 2: slide the filter over the whole image
 *       output map: expected [6 5 6 -4 5 0]
 *                   got      [6 6 6 6 6 6]
 *       likely bug: every position gives the first window's sum ...
 *     -> FAIL
 *
 * Every task has three hints, from far to near: the concept, the formula,
 * the code. The checker never prints them by itself: `make hint EX=NN`
 * shows one more level each time it is asked (tests/check.sh).
 *
 * An exercise's main() hands its tasks to exercise_main(), which runs them
 * all (what `make test` does with the solutions), or, for tests/check.sh:
 *   --count         print how many tasks there are
 *   --task K        run task K only (each task in its own process: a crash
 *                   or an endless loop in one does not hide the others)
 *   --hint K L      print task K's hints 1..L
 * Standard output is unbuffered, so nothing printed before a crash is lost.
 * With the environment variable EXERCISE_CALLS set, every call into the
 * student's code is announced on stderr first ("@call window_sum(...)"),
 * so a crash or a hang can be blamed on the call that caused it. */
#ifndef EXERCISE_H
#define EXERCISE_H

typedef struct {
    const char *concept;   /* level 1: the idea, in words */
    const char *formula;   /* level 2: the formula or the rule */
    const char *code;      /* level 3: how the code goes */
} hint_levels;
#define HINTS(concept, formula, code) ((hint_levels){ concept, formula, code })

void task_begin(int number, const char *title, hint_levels hints);
/* Each returns 1 when the values match, else prints them and returns 0. */
int task_expect_int(const char *what, long expected, long actual);
int task_expect_near(const char *what, double expected, double actual, double tol);
/* A flat index into an image `width` pixels wide (e.g. an argmax): on a
 * mismatch both are printed with their (row, col) and the width. */
int task_expect_index(const char *what, long expected, long actual, int width);
int task_expect_array(const char *what, const double *expected, const double *actual, int n, double tol);
/* Name the likely bug (printf-style); marks the task failed. A message
 * already given in this task is not printed again. */
void task_diagnose(const char *format, ...);
/* How many likely bugs this task has named so far (e.g. to stay quiet
 * about a symptom once its cause has been named). */
int task_diagnoses(void);
/* Mark the task failed without a message of its own (rarely needed). */
void task_fail(void);
void task_end(void);

/* Call the student's function `call`, announcing it first (see above):
 *   double s = CALL(window_sum(image, 4, filter, 2, 0, 0));   */
#define CALL(call) (task_call(#call), (call))
void task_call(const char *text);

/* One task: begins, checks, ends. */
typedef void (*exercise_task)(void);
/* Run the tasks as the flags above say; `exercise` names it in the summary
 * ("exercise 01 (convolution)"). Returns the exit status: 0 only when every
 * task run passes, 2 for bad arguments. */
int exercise_main_with(int argc, char **argv, const char *exercise, const exercise_task *tasks, int n_tasks,
                       int has_reference);
#define exercise_main(argc, argv, exercise, tasks, n_tasks) \
    exercise_main_with(argc, argv, exercise, tasks, n_tasks, EXERCISE_HAS_REFERENCE)

/* Stored expected values (tests/expected/exercise_NN.txt, exercise_values.h).
 * The reference code that computes a check's expected values sits between
 * "#ifdef EXERCISE_REFERENCE" and "#endif" (a line each, nothing nested):
 * the instructor's copy compiles it for make test and make expected, the
 * handout has it cut out (tests/strip_reference.sh). After it,
 *     STORED_VALUES("Y of the 5x5 map", want5, 4);
 * records the n values (make expected), compares them with the stored ones
 * (make test: a stale file fails), or, without the reference code, reads
 * them from the file. The label is unique within the task (or the values
 * are told apart by their order). Also run with --expected FILE, --record
 * FILE (reference build), --report (the values a check saw, for the judge:
 * tests/exercise_judge.c). */
#ifdef EXERCISE_REFERENCE
#define EXERCISE_HAS_REFERENCE 1
#else
#define EXERCISE_HAS_REFERENCE 0
#endif
void stored_values(const char *label, double *v, int n, int has_reference);
void stored_ints(const char *label, int *v, int n, int has_reference);
#define STORED_VALUES(label, v, n) stored_values(label, v, n, EXERCISE_HAS_REFERENCE)
#define STORED_INTS(label, v, n) stored_ints(label, v, n, EXERCISE_HAS_REFERENCE)

/* Arrays the student's code gets (outputs above all), so that a write one
 * entry past either end is caught:
 *   - under AddressSanitizer (make check, when the compiler has it) the
 *     array is exactly n entries on the heap, and the sanitizer names the
 *     file and line of the bad access;
 *   - otherwise TASK_GUARD entries holding `guard` sit on each side, and
 *     task_end (or task_check_guards, right after a call) names the array
 *     and the entry written past its end, with the call.
 * Every entry starts as `value`. Freed at task_end. The guards of a double
 * array may be read (never written) by a checker that re-enacts an overrun:
 * only when task_has_guards() is 1. */
#define TASK_GUARD 64
#define GUARD_VALUE (-987654.25)   /* a guard no right answer holds */
double *task_array(const char *name, long n, double value, double guard);
int *task_int_array(const char *name, long n, int value);
unsigned char *task_byte_array(const char *name, long n, unsigned char value);
int task_has_guards(void);
/* Name every array whose guards changed since task_array; returns how many. */
int task_check_guards(void);

/* 1 if the n values agree within tol (no printing): for diagnosing. */
int arrays_near(const double *a, const double *b, int n, double tol);

#endif
