/* tests/exercise_judge.c: the verdict of one task, given by a program that
 * has none of the student's code in it.
 *
 *   exercise_judge EXPECTED_FILE TASK < what the task printed with --report
 *
 * The task's own process (the checks linked with the student's file) prints
 * its messages and, after every check, the values it saw ("@TASK check OCC
 * N 0 V1 ... | LABEL", exercise.c). Whatever else that process does (print
 * "-> PASS" itself, end early with exit(0), register an atexit handler,
 * write on any descriptor) it cannot make this program say "pass": here
 * every check the solution passes through (the "check" records of
 * EXPECTED_FILE, tests/exercise_values.h) must have been reported with
 * values within that check's tolerance of the stored ones. What it reported
 * is data, never a verdict.
 *
 * Prints nothing when every check is there and agrees; else one line per
 * check missing or disagreeing (at most five). Exit status: 0 pass, 1 fail,
 * 2 bad arguments or an unreadable EXPECTED_FILE (the checker's fault: say
 * so rather than fail the student). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exercise_values.h"

/* 1 when the reported values agree with the stored ones within tol. */
static int agrees(const stored_record *want, const stored_record *got)
{
    if (got->n != want->n)
        return 0;
    for (int i = 0; i < want->n; i++)
        if (!(fabs(want->v[i] - got->v[i]) <= want->tol))
            return 0;
    return 1;
}

int main(int argc, char **argv)
{
    char *end = NULL;
    long task = argc == 3 ? strtol(argv[2], &end, 10) : 0;
    if (argc != 3 || !end || *end != '\0' || task < 1) {
        fprintf(stderr, "usage: exercise_judge EXPECTED_FILE TASK < output-of-the-task-with---report\n");
        return 2;
    }
    stored_set want, got = { 0 };
    int bad = stored_read(argv[1], &want);
    if (bad != 0) {
        if (bad < 0)
            printf("    the checker's stored values %s cannot be read: this task cannot be graded\n", argv[1]);
        else
            printf("    %s:%d: not a line of stored values: this task cannot be graded\n", argv[1], bad);
        stored_free(&want);
        return 2;
    }
    int n_checks = 0;
    for (int i = 0; i < want.n; i++)
        n_checks += want.records[i].task == task && want.records[i].kind == 'c';
    if (n_checks == 0) {
        printf("    %s has no checks for task %ld: this task cannot be graded (make expected)\n", argv[1], task);
        stored_free(&want);
        return 2;
    }
    /* What the task reported: lines "@TASK check ...", anything else ignored. */
    char *line;
    while ((line = stored_read_line(stdin)) != NULL) {
        stored_record r;
        char *end_of_task;
        if (line[0] == '@' && strtol(line + 1, &end_of_task, 10) == task && end_of_task != line + 1 &&
            stored_parse_line(line + 1, &r)) {
            const stored_record *first = stored_find(&got, (int)task, 'c', r.label, r.occ);
            if (first || !stored_add(&got, r)) {   /* a second report of the same check: the first counts */
                free(r.v);
                free(r.label);
            }
        }
        free(line);
    }
    int wrong = 0;
    for (int i = 0; i < want.n; i++) {
        const stored_record *w = &want.records[i];
        if (w->task != task || w->kind != 'c')
            continue;
        const stored_record *g = stored_find(&got, (int)task, 'c', w->label, w->occ);
        if (g && agrees(w, g))
            continue;
        if (++wrong <= 5) {
            if (!g)
                printf("    the checker got no value for \"%s\": the task ended before that check\n", w->label);
            else
                printf("    the checker's own comparison: \"%s\" does not match the expected values\n", w->label);
        }
    }
    if (wrong > 5)
        printf("    (and %d more checks)\n", wrong - 5);
    stored_free(&want);
    stored_free(&got);
    return wrong ? 1 : 0;
}
