/* tests/exercise.h: how an exercise's checks talk to the student.
 *
 * Each task prints its number and title, then (only when something is
 * wrong) what was expected, what came back, the likely bug, and the hint:
 *
 *   Task 2: slide the filter over the whole image
 *       output map: expected [6 5 6 -4 5 0]
 *                   got      [6 6 6 6 6 6]
 *       likely bug: every position gives the first window's sum ...
 *       hint: ...
 *     -> FAIL
 *
 * exercise_finish() prints "N of M tasks pass" and the closing line
 * "N passed, N failed", and returns the exit status (0 only if all pass). */
#ifndef EXERCISE_H
#define EXERCISE_H

void task_begin(int number, const char *title, const char *hint);
/* Each returns 1 when the values match, else prints them and returns 0. */
int task_expect_int(const char *what, long expected, long actual);
int task_expect_near(const char *what, double expected, double actual, double tol);
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
int exercise_finish(const char *exercise);

/* 1 if the n values agree within tol (no printing): for diagnosing. */
int arrays_near(const double *a, const double *b, int n, double tol);

#endif
