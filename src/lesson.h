/* lesson.h: what every lesson program shares: its flags and its pacing.
 *
 * A lesson prints plain text and runs straight through. With --step it
 * stops before each step until you press Enter, so you can read along; when
 * its input is not a terminal (a test, a pipe) the pause returns at once. */
#ifndef LESSON_H
#define LESSON_H

#include <stdio.h>

/* Parse the lesson's flags (src/flags.h): --step, --help, and --plot-data
 * FILE for lessons that write a data file (allow_plot_data != 0). Prints
 * the title. A bad flag prints flags.h's one line to stderr and exits with
 * status 2. */
void lesson_start(int argc, char **argv, const char *title, int allow_plot_data);

/* Turn --step's pauses on or off (for programs that read their own flags). */
void lesson_set_stepping(int on);

/* Start step number n with its heading; with --step, wait for Enter first. */
void lesson_step(int n, const char *heading);

/* The FILE given with --plot-data, or NULL. */
const char *lesson_plot_data_path(void);

#endif
