/* lesson.h: what every lesson program shares: its flags and its pacing.
 *
 * A lesson prints plain text and runs straight through. With --step it
 * stops before each step until you press Enter, so you can read along; when
 * its input is not a terminal (a test, a pipe) the pause returns at once. */
#ifndef LESSON_H
#define LESSON_H

#include <stdio.h>

/* Parse the lesson's flags: --step, --help, and --plot-data FILE for lessons
 * that write a data file (allow_plot_data != 0). Prints the title. An unknown
 * flag prints one line to stderr and exits with status 2. Also makes the
 * lesson exit with status 1 when its standard output cannot be written
 * (out_file_check_stdout_at_exit). */
void lesson_start(int argc, char **argv, const char *title, int allow_plot_data);

/* Start step number n with its heading; with --step, wait for Enter first. */
void lesson_step(int n, const char *heading);

/* The FILE given with --plot-data, or NULL. */
const char *lesson_plot_data_path(void);

#endif
