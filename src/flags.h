/* flags.h: the one command-line parser of every program (lessons, the
 * trainer, predict, gradcheck).
 *
 * A program describes its flags in a table and hands argv to flags_parse:
 *
 *   int epochs = 6; double lr = 0.05; const char *data = "data/mnist";
 *   const flag_spec specs[] = {
 *       FLAG_INT("--epochs", &epochs, 0, 1000, "N", "passes over the training set"),
 *       FLAG_REAL_IN_FLOAT("--lr", &lr, 0, 1e9, 1, "X", "learning rate"),
 *       FLAG_TEXT("--data", &data, "DIR", "the MNIST files"),
 *   };
 *
 * Every problem is ONE line, the same for every program:
 *   10_mnist: unknown option '--bogus' (try --help)
 *   10_mnist: --epochs needs a value (try --help)
 *   10_mnist: --epochs '-1': expected a whole number from 0 to 1000 (try --help)
 *   10_mnist: --lr '1e-300': ... rounds to 0 in float, the trainer's number type (try --help)
 *   10_mnist: unexpected argument 'stray' (try --help)
 * A flag's value may also be written --flag=value. */
#ifndef FLAGS_H
#define FLAGS_H

#include <stddef.h>
#include <stdio.h>

typedef enum {
    FLAG_KIND_SWITCH,   /* no value: sets *(int *)value to 1 */
    FLAG_KIND_INT,      /* a whole number in [lo, hi] into *(int *)value */
    FLAG_KIND_LONG,     /* a whole number in [lo, hi] into *(long *)value */
    FLAG_KIND_REAL,     /* a finite number in [lo, hi] (lo excluded when lo_open) into *(double *)value */
    FLAG_KIND_TEXT,     /* any text into *(const char **)value (points into argv) */
    FLAG_KIND_CHOICE,   /* one of the words in `choices` ("bar|lines|none"): its index into *(int *)value */
} flag_kind;

typedef struct {
    const char *name;      /* "--epochs" */
    flag_kind kind;
    void *value;           /* where the value goes: see flag_kind */
    double lo, hi;         /* INT and REAL: the accepted range */
    int lo_open;           /* REAL: lo itself is refused (e.g. a learning rate > 0) */
    int in_float;          /* REAL: the value is used as a float, so it must not round to 0 or overflow there */
    const char *choices;   /* CHOICE: the words, separated by '|' */
    const char *metavar;   /* "N", "FILE", ...: for --help */
    const char *help;      /* one line for --help */
} flag_spec;

#define FLAG_SWITCH(name, ptr, help) { name, FLAG_KIND_SWITCH, ptr, 0, 0, 0, 0, NULL, NULL, help }
#define FLAG_INT(name, ptr, lo, hi, metavar, help) { name, FLAG_KIND_INT, ptr, lo, hi, 0, 0, NULL, metavar, help }
#define FLAG_LONG(name, ptr, lo, hi, metavar, help) { name, FLAG_KIND_LONG, ptr, lo, hi, 0, 0, NULL, metavar, help }
#define FLAG_REAL(name, ptr, lo, hi, lo_open, metavar, help) \
    { name, FLAG_KIND_REAL, ptr, lo, hi, lo_open, 0, NULL, metavar, help }
#define FLAG_REAL_IN_FLOAT(name, ptr, lo, hi, lo_open, metavar, help) \
    { name, FLAG_KIND_REAL, ptr, lo, hi, lo_open, 1, NULL, metavar, help }
#define FLAG_TEXT(name, ptr, metavar, help) { name, FLAG_KIND_TEXT, ptr, 0, 0, 0, 0, NULL, metavar, help }
#define FLAG_CHOICE(name, ptr, choices, help) { name, FLAG_KIND_CHOICE, ptr, 0, 0, 0, 0, choices, choices, help }

typedef struct {
    const char *program;        /* the name in every message: "10_mnist" */
    const char *usage;          /* the line(s) after "usage: ", e.g. "10_mnist [flags]" */
    const flag_spec *specs;
    int n_specs;
    int max_positional;         /* arguments that are not flags (0: none accepted) */
} flag_set;

enum { FLAGS_OK = 0, FLAGS_HELP = 1, FLAGS_ERROR = -1 };

/* Read argv[1 .. argc) against the table. Writes each value given; a flag
 * not given keeps the value already there (its default). Arguments that do
 * not start with "--" (or look like a negative number) are positional: up
 * to set->max_positional of them are stored in positional[] and counted in
 * *n_positional (both may be NULL when max_positional is 0).
 * Returns FLAGS_OK, FLAGS_HELP (--help or -h was given), or FLAGS_ERROR with
 * one line in err: "PROGRAM: what is wrong (try --help)". */
int flags_parse(const flag_set *set, int argc, char **argv, const char **positional, int *n_positional,
                char *err, size_t err_size);

/* --help: "usage: ..." then one line per flag: its help, then its default
 * value as " (default X)", the value the flag holds before parsing. The
 * default is left out when printing it would say something wrong:
 *   - the help text describes the default itself: it contains "(default",
 *     as in "look at test image N (default: 0)" or "... (default: all)";
 *   - a number's default is outside the range the flag accepts (below lo,
 *     above hi, or lo itself when lo_open): a marker for "not given", which
 *     the program replaces (--seeds 0: "each experiment's own"). The help
 *     text should then say what not giving the flag means, with "(default";
 *   - a TEXT flag's default is NULL; SWITCH and CHOICE flags never show one
 *     (a CHOICE's help names its default word). */
void flags_usage(FILE *out, const flag_set *set);

/* For a program's main(): flags_parse, then on --help print the usage and
 * exit(0), on an error print the line to stderr and exit(2). */
void flags_parse_or_exit(const flag_set *set, int argc, char **argv, const char **positional,
                         int *n_positional);

#endif
