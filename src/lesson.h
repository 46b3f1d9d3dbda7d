/* lesson.h: what every lesson program shares: its flags and its pacing.
 *
 * A lesson prints plain text and runs straight through. With --step it
 * stops before each step until you press Enter, so you can read along; when
 * its input is not a terminal (a test, a pipe) the pause returns at once. */
#ifndef LESSON_H
#define LESSON_H

#include <stdio.h>

/* What a lesson accepts beyond --step and --help, or-ed together:
 * LESSON_PLOT_DATA  --plot-data FILE, for lessons that write a data file;
 * LESSON_QUICK      --quick, for lessons that time things: small sizes and
 *                   short runs (the tests and valgrind use it). */
enum { LESSON_PLOT_DATA = 1, LESSON_QUICK = 2 };

/* Parse the lesson's flags with src/flags.h: --step, --help, and those that
 * `accepts` (0, or the flags above or-ed together). Prints the title. A bad
 * flag prints flags.h's one line to stderr and exits with status 2. Also
 * makes the lesson exit with status 1 when its standard output cannot be
 * written (out_file_check_stdout_at_exit). */
void lesson_start(int argc, char **argv, const char *title, int accepts);

/* Turn --step's pauses on or off (for programs that read their own flags). */
void lesson_set_stepping(int on);

/* Start step number n with its heading; with --step, wait for Enter first. */
void lesson_step(int n, const char *heading);

/* The FILE given with --plot-data, or NULL. */
const char *lesson_plot_data_path(void);

/* 1 when --quick was given. */
int lesson_quick(void);

#endif
