/* tests/exercise_values.h: the stored expected values of an exercise's checks
 * (tests/expected/exercise_NN.txt), read by the checks (tests/exercise.c) and
 * by the judge (tests/exercise_judge.c).
 *
 * One record a line, written by `make expected` from the instructor's copy
 * (the checks built with their reference code, against the solutions):
 *
 *   TASK KIND OCC N TOL V1 ... VN | LABEL
 *
 *   TASK   the task's number (1, 2, ...)
 *   KIND   "check": the expected side of a task_expect_* call (the judge
 *          compares the student's values with it, TOL as that call's);
 *          "value": a value the reference code computed (STORED_VALUES):
 *          the handout's checks read it instead of computing it
 *   OCC    1 for the first record of this task, kind and label, 2 for the next
 *   N      how many values; V1..VN as printf's %.17g (exact for a double)
 *   LABEL  the rest of the line after " | ": what the values are
 *
 * Lines starting with '#' are comments. */
#ifndef EXERCISE_VALUES_H
#define EXERCISE_VALUES_H

#include <stdio.h>

typedef struct {
    int task, occ, n;
    char kind;          /* 'c' (check) or 'v' (value) */
    double tol;
    double *v;          /* n values */
    char *label;
} stored_record;

typedef struct {
    stored_record *records;
    int n, cap;
} stored_set;

/* Read a file of records into set (empty first). Returns 0 on success, -1
 * when the file cannot be opened (errno kept), or the line number (> 0) of
 * the first malformed line. */
int stored_read(const char *path, stored_set *set);
/* Parse one record (without its newline) into r (its memory owned by r).
 * Returns 1 on success, 0 when malformed. */
int stored_parse_line(const char *line, stored_record *r);
/* Add r to set (takes its memory). Returns 0 when out of memory. */
int stored_add(stored_set *set, stored_record r);
/* The record of this task, kind, label and occurrence, or NULL. */
const stored_record *stored_find(const stored_set *set, int task, char kind, const char *label, int occ);
void stored_free(stored_set *set);
/* Write one record (values as %.17g). Returns 0 when the write failed. */
int stored_write(FILE *f, int task, char kind, int occ, int n, double tol, const double *v, const char *label);
/* A line of any length from f, without its newline (free it); NULL at the end. */
char *stored_read_line(FILE *f);

#endif
