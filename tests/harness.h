/* tests/harness.h: our own tiny test harness.
 *
 *   static void test_something(void) { CHECK(1 + 1 == 2); CHECK_NEAR(x, 0.5, 1e-12); }
 *   int main(void) { RUN_TEST(test_something); return harness_finish(); }
 *
 * A test passes when every CHECK in it holds. A failed CHECK prints
 * "FAIL file:line: what" and the test goes on (so you see every failure).
 * harness_finish() prints "N passed, N failed" and returns the exit status:
 * 0 when nothing failed, 1 otherwise. */
#ifndef HARNESS_H
#define HARNESS_H

#include <stddef.h>

#include "gradcheck.h"
#include "rng.h"

#define CHECK(cond) harness_check((cond) != 0, #cond, __FILE__, __LINE__)
#define CHECK_NEAR(actual, expected, tol) \
    harness_check_near((double)(actual), (double)(expected), (tol), #actual, __FILE__, __LINE__)
#define CHECK_INT(actual, expected) \
    harness_check_int((long)(actual), (long)(expected), #actual, __FILE__, __LINE__)
/* The text contains the needle (for checking what a program printed). */
#define CHECK_CONTAINS(text, needle) harness_check_contains((text), (needle), __FILE__, __LINE__)
/* A gradient check result in the "good" band (relative error <= 1e-7). */
#define CHECK_GRAD(result) harness_check_grad(&(result), __FILE__, __LINE__)
#define RUN_TEST(fn) harness_run(#fn, fn)

void harness_check(int ok, const char *what, const char *file, int line);
void harness_check_near(double actual, double expected, double tol, const char *what,
                        const char *file, int line);
void harness_check_int(long actual, long expected, const char *what, const char *file, int line);
void harness_check_contains(const char *text, const char *needle, const char *file, int line);
void harness_check_grad(const gradcheck_result *r, const char *file, int line);
void harness_run(const char *name, void (*test)(void));
int harness_finish(void);

/* Run a shell command line, capturing what it printed and how it exited.
 * Files go under $BUILD_DIR/tmp (default build/tmp). The strings are
 * owned by the result; free them with program_result_free. */
typedef struct {
    char *out;       /* standard output */
    char *err;       /* standard error */
    int exit_code;
} program_result;
program_result run_program(const char *command_line);
void program_result_free(program_result *r);
/* Run the lesson program BUILD_DIR/lessons/NAME with the given arguments ("" for none). */
program_result run_lesson(const char *name, const char *args);
/* The lesson rejects an unknown flag: exit status 2 and a message naming the flag. */
#define CHECK_REJECTS_UNKNOWN_FLAG(lesson) harness_check_unknown_flag((lesson), __FILE__, __LINE__)
void harness_check_unknown_flag(const char *lesson, const char *file, int line);
/* How many gradient-check lines (as gradcheck_print writes them: "... max rel error ...
 * good") the text holds, or -1 when any of them is not in the good band. */
int gradcheck_lines_all_good(const char *text);
/* $BUILD_DIR, or "build": where the lessons and tools were built. */
const char *build_dir(void);
/* Read a whole file into a NUL-terminated string (NULL if unreadable). */
char *read_text_file(const char *path);
/* Count the lines of text that contain needle. */
int count_lines_containing(const char *text, const char *needle);
/* Scratch files: make_tmp_dir("unit_pgm") creates $BUILD_DIR/tmp/unit_pgm and returns
 * its path; tmp_path("x") is then the file x in it (the last 8 paths stay valid). */
const char *make_tmp_dir(const char *test_name);
const char *tmp_path(const char *name);
/* Write n bytes to path, or say why not and exit(1): the test needs the file. */
void write_test_file(const char *path, const void *bytes, size_t n);

/* A new tensor of n draws of N(0, 1) from rng (free it). */
real *random_tensor(rng_t *rng, long n);

/* A failure the way the course wants it: exit status `code`, ONE line on
 * stderr that contains `needle` (e.g. the file's name), and no crash;
 * `what` names the case when it fails. */
void check_one_line_failure(const program_result *r, int code, const char *needle, const char *what);

/* A synthetic data set in MNIST's format for the trainers' tests, in dir
 * (which must exist): the four IDX files, n_train and n_test 28x28 images
 * of "digits" 0, 1, ..., 9, 0, ...: digit c is a bright 6x6 square at one
 * of ten places (two rows of five), moved by 0-2 pixels, over faint noise.
 * A small network learns it in an epoch or two. */
void write_synthetic_mnist(const char *dir, int n_train, int n_test);
/* 1 when the first line of text that contains needle ends with suffix
 * (e.g. a gradient-check line ending in "good"), else 0. */
int line_ends_with(const char *text, const char *needle, const char *suffix);

/* A character device that behaves as Linux's /dev/full (every write fails with
 * ENOSPC, "No space left on device"), made as dir/full with mknod, so that no
 * test ever points a writer at a system path. Returns its path (valid until
 * the next call), or NULL after printing a "skipped: ..." line when mknod is
 * not permitted here (not root, a container without the right) or the
 * system is not Linux. */
const char *make_full_device(const char *dir);
/* 1 when path is (still) a character device (`test -c`). */
int is_char_device(const char *path);

/* A lesson whose --plot-data write fails (a full-disk device made in the
 * temporary folder tmp_name, where mknod is permitted; a missing directory)
 * reports the file's name and the reason and exits 1; the device is kept. */
void check_plot_data_write_errors(const char *lesson, const char *tmp_name);
/* 1 when the shell command line succeeds (exit status 0), output discarded. */
int shell_ok(const char *command_line);

/* ---------------------------------------------------------------- numbers in what a program printed
 * A lesson test checks the numbers a lesson prints, found by a short label
 * before them, so that rewording a sentence does not break it:
 *
 *   CHECK_NUMBER(run.out, "Total params:", 1134426, 0);       "Total params: 1,134,426"
 *   double want[] = { 6, 5, 6, -4, 5, 0 };
 *   CHECK_NUMBERS(run.out, "output (2x3):", want, 6, 0);      the six numbers after the label
 *   CHECK_ROW(run.out, "output (2x3):", 0, 6, 5, 6, -4, 5, 0);   the same, written out
 *
 * A number is what a reader sees as one: "-4", "0.6931", "1e-07", "1,134,426"
 * (a comma followed by three digits groups thousands), "72%" (72); "nan" and
 * "inf" are read as such (and fail any check). Everything else between the
 * numbers (words, brackets, "x" in "5x5", "=") is skipped. */

/* The first number in text at or after `from`, or NAN when there is none;
 * *end (when not NULL) is set just past it (or to the end of the text). */
double next_number(const char *from, const char **end);
/* The text from the first occurrence of label on, or "" (for a label that repeats in later
 * steps: CHECK_NUMBER(text_from(run.out, "Step 2."), "total", 66117440, 0)). */
const char *text_from(const char *text, const char *label);
/* The first number after the first occurrence of label in text, or NAN when the label is not there. */
double number_after(const char *text, const char *label);
/* The first n numbers after label into out (on this line or the lines below); returns how many were found. */
int numbers_after(const char *text, const char *label, double *out, int n);
/* The number after label is expected, within tol. */
#define CHECK_NUMBER(text, label, expected, tol) \
    harness_check_number((text), (label), (double)(expected), (tol), __FILE__, __LINE__)
/* The n numbers after label are expected[0], ..., expected[n-1], each within tol. */
#define CHECK_NUMBERS(text, label, expected, n, tol) \
    harness_check_numbers((text), (label), (expected), (n), (tol), __FILE__, __LINE__)
/* The same, the numbers written out: CHECK_ROW(run.out, "output (2x3):", 0, 6, 5, 6, -4, 5, 0). */
#define CHECK_ROW(text, label, tol, ...)                                                                  \
    harness_check_numbers((text), (label), (const double[]){ __VA_ARGS__ },                             \
                          (int)(sizeof((const double[]){ __VA_ARGS__ }) / sizeof(double)), (tol), __FILE__, \
                          __LINE__)
void harness_check_number(const char *text, const char *label, double expected, double tol, const char *file,
                          int line);
void harness_check_numbers(const char *text, const char *label, const double *expected, int n, double tol,
                           const char *file, int line);

/* Parsers of lessons 10 and 12's tests, shared. */
/* The line of text that contains needle (up to its newline), or "" (the line cut to size - 1 characters). */
void line_with(const char *text, const char *needle, char *out, size_t size);
/* The line of text that starts at the first needle (up to its newline), or "". */
void line_starting(const char *text, const char *needle, char *out, size_t size);
/* Up to max whole numbers in text[0 .. end), in order ("1,290" is 1290). */
int integers_in(const char *text, const char *end, long *out, int max);
/* Up to max numbers (as strtod reads them) in text[0 .. end), in order. */
int reals_in(const char *text, const char *end, double *out, int max);
/* The end of the k-th line from text (at its newline, or the end). */
const char *end_of_lines(const char *text, int k);

#endif
