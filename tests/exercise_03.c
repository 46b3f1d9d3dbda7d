/* tests/exercise_03.c: the checks for exercise 03 (padding, stride, sizing).
 * Built against solutions/03_padding_stride.c by `make test` and against
 * exercises/03_padding_stride.c by `make check EX=03`. */
#include <stdio.h>

#include "03_padding_stride.h"
#include "conv.h"
#include "exercise.h"

/* Print at most MAX_SHOWN wrong cases per task; count the rest. */
#define MAX_SHOWN 4
static int shown, hidden;

static void cases_begin(void)
{
    shown = 0;
    hidden = 0;
}

static int expect_case(const char *what, long expected, long actual)
{
    if (expected == actual)
        return task_expect_int(what, expected, actual);   /* passes, and tells the judge */
    if (shown < MAX_SHOWN) {
        shown++;
        return task_expect_int(what, expected, actual);
    }
    hidden++;
    task_fail();
    return 0;
}

static void cases_end(void)
{
    if (hidden > 0)
        printf("    ... and %d more wrong case%s\n", hidden, hidden > 1 ? "s" : "");
}

/* ---- task 1 ------------------------------------------------------------------ */

typedef struct { int w, f, p, s, expected; } size_case;

static const size_case size_cases[] = {
    { 7, 3, 0, 1, 5 },      /* valid */
    { 7, 3, 1, 1, 7 },      /* same */
    { 7, 3, 2, 1, 9 },      /* full */
    { 28, 5, 0, 1, 24 },
    { 224, 3, 1, 1, 224 },  /* VGG's 3x3 "same" */
    { 5, 3, 0, 2, 2 },      /* stride 2 */
    { 7, 3, 1, 2, 4 },
    { 8, 4, 0, 2, 3 },      /* Gonzalez's typo (n+2p-s)/s+1 gives 4 here */
    { 26, 2, 0, 2, 13 },    /* Intro to CNN: 26x26 max-pooled 2x2 stride 2 */
    { 227, 11, 0, 4, 55 },  /* AlexNet's first layer */
    { 6, 3, 0, 2, -1 },     /* (6 - 3) = 3 is not divisible by 2: floor would give 2 */
    { 224, 11, 0, 4, -1 },  /* 213 / 4 */
    { 2, 3, 0, 1, -1 },     /* filter larger than the input */
    { 1, 3, 0, 2, -1 },     /* larger, and (1 - 3)/2 + 1 = 0 in C */
    { 2, 5, 0, 1, -1 },
};

/* The common wrong formulas, for naming the bug. */
typedef int (*size_formula)(const size_case *c);
static int no_plus_one(const size_case *c) { return (c->w - c->f + 2 * c->p) / c->s; }
static int no_stride(const size_case *c) { return c->w - c->f + 2 * c->p + 1; }
static int gonzalez_typo(const size_case *c) { return (c->w + 2 * c->p - c->s) / c->s + 1; }
static int one_p(const size_case *c) { return (c->w - c->f + c->p) / c->s + 1; }
static int precedence(const size_case *c) { return c->w - c->f + 2 * c->p / c->s + 1; }
static int floored(const size_case *c) { return (c->w - c->f + 2 * c->p) / c->s + 1; }

static const struct { size_formula formula; const char *bug; } wrong_formulas[] = {
    { no_plus_one, "did you forget the +1 (the first window)?" },
    { no_stride, "did you include the stride in the output size? (divide (w - f + 2p) by s)" },
    { gonzalez_typo, "that is Gonzalez's typo (n + 2p - s)/s + 1: subtract the filter size f, not the stride" },
    { one_p, "the padding is on both ends, so the input grows by 2p, not p" },
    { precedence, "only 2p was divided by s: put (w - f + 2*p) in parentheses" },
};

#define N_SIZE_CASES ((int)(sizeof size_cases / sizeof size_cases[0]))

/* 1 if `formula` explains the answers: it reproduces at least one wrong
 * answer, and every answer other than -1 on the cases that have a size. */
static int explains_all(size_formula formula, const int *got)
{
    int reproduced = 0;
    for (int i = 0; i < N_SIZE_CASES; i++) {
        const size_case *c = &size_cases[i];
        if (c->expected < 0 || got[i] == -1)
            continue;
        if (formula(c) != got[i])
            return 0;
        reproduced += got[i] != c->expected;
    }
    return reproduced > 0;
}

static void diagnose_sizes(const int *got)
{
    int first_wrong = -1, too_large = -1, floor_given = -1;
    for (int i = 0; i < N_SIZE_CASES; i++) {
        const size_case *c = &size_cases[i];
        int span = c->w - c->f + 2 * c->p;
        if (c->expected >= 0 && got[i] != c->expected && first_wrong < 0)
            first_wrong = i;
        if (c->expected < 0 && span < 0 && got[i] != -1 && too_large < 0)
            too_large = i;
        if (c->expected < 0 && span >= 0 && got[i] == floored(c) && floor_given < 0)
            floor_given = i;
    }
    if (first_wrong >= 0) {
        const size_case *c = &size_cases[first_wrong];
        for (int k = 0; k < (int)(sizeof wrong_formulas / sizeof wrong_formulas[0]); k++)
            if (explains_all(wrong_formulas[k].formula, got)) {
                task_diagnose("got %d, expected %d for output_length(%d, %d, %d, %d): %s", got[first_wrong],
                              c->expected, c->w, c->f, c->p, c->s, wrong_formulas[k].bug);
                break;
            }
    }
    if (too_large >= 0) {
        const size_case *c = &size_cases[too_large];
        task_diagnose("output_length(%d, %d, %d, %d) = %d: the filter (%d) is larger than the padded "
                      "input (%d + 2*%d = %d): return -1 when w + 2p < f", c->w, c->f, c->p, c->s,
                      got[too_large], c->f, c->w, c->p, c->w + 2 * c->p);
    }
    if (floor_given >= 0) {
        const size_case *c = &size_cases[floor_given];
        task_diagnose("output_length(%d, %d, %d, %d) = %d: you returned the floor for a configuration "
                      "that does not tile ((%d - %d + 2*%d) = %d is not divisible by %d): return -1",
                      c->w, c->f, c->p, c->s, got[floor_given], c->w, c->f, c->p,
                      c->w - c->f + 2 * c->p, c->s);
    }
}

static void task_output_length(void)
{
    task_begin(1, "the output size of a convolution along one side, or -1",
               HINTS("Padding makes the image bigger, the stride makes the filter jump. Count"
                     " the starting places; the jumps must land exactly on the last one.",
                     "(W - F + 2P) / S + 1, defined only when W - F + 2P >= 0 and divisible "
                     "by S; otherwise -1.",
                     "span = w - f + 2p; return -1 if span < 0 or span % s != 0, else span / "
                     "s + 1. Compute span = w - f + 2*p first. A negative span means the "
                     "filter does not fit; span % s != 0 means the windows do not tile; in "
                     "both cases return -1. Otherwise the first window plus span/s more: "
                     "span/s + 1."));
    int got[N_SIZE_CASES];
    cases_begin();
    for (int i = 0; i < N_SIZE_CASES; i++) {
        const size_case *c = &size_cases[i];
        char what[64];
        got[i] = CALL(output_length(c->w, c->f, c->p, c->s));
        snprintf(what, sizeof what, "output_length(%d, %d, %d, %d)", c->w, c->f, c->p, c->s);
        expect_case(what, c->expected, got[i]);
    }
    cases_end();
    diagnose_sizes(got);
    task_end();
}

/* ---- task 2 ------------------------------------------------------------------ */

typedef struct { int f, c_in, c_out; long expected; } param_case;

static const param_case param_cases[] = {
    { 2, 1, 16, 80 },          /* Doshi's first layer */
    { 3, 16, 128, 18560 },     /* Doshi's second conv */
    { 3, 128, 256, 295168 },   /* Doshi's third conv */
    { 3, 3, 64, 1792 },        /* VGG16's first layer */
    { 5, 1, 16, 416 },
    { 3, 512, 512, 2359808 },
};

static void diagnose_params(const param_case *c, long got, int *said)
{
    long f2 = (long)c->f * c->f;
    if (got == f2 * c->c_in * c->c_out && !said[0]) {
        task_diagnose("conv_layer_params(%d, %d, %d) = %ld = f*f*c_in*c_out: the weights only; "
                      "add one bias per filter (+ c_out)", c->f, c->c_in, c->c_out, got);
        said[0] = 1;
    } else if (got == (f2 + 1) * c->c_out && c->c_in > 1 && !said[1]) {
        task_diagnose("conv_layer_params(%d, %d, %d) = %ld: c_in is missing; a filter spans all "
                      "c_in input channels (f*f*c_in weights)", c->f, c->c_in, c->c_out, got);
        said[1] = 1;
    } else if (got == ((long)c->f * c->c_in + 1) * c->c_out && !said[2]) {
        task_diagnose("conv_layer_params(%d, %d, %d) = %ld: a filter is f x f, so f*f*c_in weights, "
                      "not f*c_in", c->f, c->c_in, c->c_out, got);
        said[2] = 1;
    } else if (got == f2 * c->c_in * c->c_out + 1 && !said[3]) {
        task_diagnose("conv_layer_params(%d, %d, %d) = %ld: one bias in all; there is one bias per "
                      "filter, (f*f*c_in + 1)*c_out", c->f, c->c_in, c->c_out, got);
        said[3] = 1;
    } else if (got == f2 * (c->c_in + 1) * c->c_out && !said[4]) {
        task_diagnose("conv_layer_params(%d, %d, %d) = %ld = f*f*(c_in + 1)*c_out: the bias is one "
                      "number per filter, not an extra channel", c->f, c->c_in, c->c_out, got);
        said[4] = 1;
    }
}

static void task_params(void)
{
    task_begin(2, "the parameters of a conv layer",
               HINTS("Every filter sees all input channels through its f x f window, and has "
                     "one bias of its own.",
                     "params = (f * f * c_in + 1) * c_out.",
                     "Doshi's first layer has 16 filters of 2x2x1: 16 * (2*2*1 + 1) = 80. "
                     "One filter has f*f*c_in weights and 1 bias; there are c_out filters. "
                     "Compute in long: 3x3x512x512 layers have millions of weights."));
    int said[5] = { 0 };
    cases_begin();
    int n = (int)(sizeof param_cases / sizeof param_cases[0]);
    for (int i = 0; i < n; i++) {
        const param_case *c = &param_cases[i];
        long got = CALL(conv_layer_params(c->f, c->c_in, c->c_out));
        char what[64];
        snprintf(what, sizeof what, "conv_layer_params(%d, %d, %d)", c->f, c->c_in, c->c_out);
        if (!expect_case(what, c->expected, got))
            diagnose_params(c, got, said);
    }
    cases_end();
    task_end();
}

/* ---- task 3 ------------------------------------------------------------------ */

#define SENTINEL 99.0   /* what out holds before zero_pad: anything but 0 */

/* Run zero_pad on x (h, w) into a new out of exactly (h + 2p) * (w + 2p)
 * entries holding SENTINEL (an overrun is named: by AddressSanitizer with
 * file and line, or by the guards after it); returns out, or NULL when it
 * was written past its end. */
static double *run_zero_pad(const double *x, int h, int w, int p)
{
    int n = (h + 2 * p) * (w + 2 * p);
    double *out = task_array("out", n, SENTINEL, GUARD_VALUE);
    CALL(zero_pad(x, h, w, p, out));
    return task_check_guards() ? NULL : out;
}

static int count_equal(const double *a, int n, double v)
{
    int k = 0;
    for (int i = 0; i < n; i++)
        k += a[i] == v;
    return k;
}

static void diagnose_pad_2x3(const double *out)
{
    static const double unshifted[20] = { 1, 2, 3, 0, 0, 4, 5, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
    double interior[6] = { out[6], out[7], out[8], out[11], out[12], out[13] };
    static const double x_values[6] = { 1, 2, 3, 4, 5, 6 };
    if (count_equal(out, 20, SENTINEL) == 20)
        task_diagnose("out still holds what it held before: nothing was written");
    else if (arrays_near(interior, x_values, 6, 0) && count_equal(out, 20, SENTINEL) == 14)
        task_diagnose("x is in the right place but the border still holds garbage (%g): write the "
                      "zeros too, out is not zero on entry", SENTINEL);
    else if (arrays_near(out, unshifted, 20, 0))
        task_diagnose("x sits in the top-left corner: put x[i][j] at row i + p, column j + p");
    else if (out[(0 + 1) * 3 + (0 + 1)] == 1 && out[(1 + 1) * 3 + (0 + 1)] == 4)
        task_diagnose("x[i][j] landed at out[(i + p) * w + (j + p)]: index out with its own width "
                      "w + 2p, not w");
}

static void task_zero_pad(void)
{
    task_begin(3, "zero-pad an (h, w) array to (h + 2p, w + 2p)",
               HINTS("Padding puts a frame of zeros round the image; the image itself moves p"
                     " rows down and p columns right.",
                     "out is (h + 2p) x (w + 2p); out(i + p, j + p) = x(i, j); every other "
                     "element is 0.",
                     "out[(i + p) * (w + 2*p) + (j + p)] = x[i * w + j]; every other element "
                     "of out is 0. First set all (h + 2p) * (w + 2p) elements of out to 0, "
                     "then copy each x[i * w + j] to row i + p, column j + p of out; out is w"
                     " + 2p wide, so that is out[(i + p) * (w + 2 * p) + (j + p)]."));
    static const double x[6] = { 1, 2, 3, 4, 5, 6 };   /* (2, 3) */
    static const double padded[20] = {                 /* (4, 5) */
        0, 0, 0, 0, 0,
        0, 1, 2, 3, 0,
        0, 4, 5, 6, 0,
        0, 0, 0, 0, 0,
    };
    double *out = run_zero_pad(x, 2, 3, 1);
    if (!out)
        task_diagnose("out has only (h + 2p) * (w + 2p) = 20 elements");
    else if (!task_expect_array("zero_pad of [[1,2,3],[4,5,6]], p = 1 (4x5)", padded, out, 20, 0))
        diagnose_pad_2x3(out);

    out = run_zero_pad(x, 2, 3, 0);
    if (!out)
        task_diagnose("with p = 0, out has only the 6 elements of x");
    else
        task_expect_array("zero_pad with p = 0 (a plain copy)", x, out, 6, 0);

    double one[1] = { 7 }, centre[25] = { 0 };
    centre[12] = 7;
    out = run_zero_pad(one, 1, 1, 2);
    if (!out)
        task_diagnose("with p = 2, out has 25 elements");
    else
        task_expect_array("zero_pad of [[7]], p = 2 (5x5, 7 in the middle)", centre, out, 25, 0);
    task_end();
}

/* ---- task 4 ------------------------------------------------------------------ */

static void task_same_padding(void)
{
    task_begin(4, "'same' padding for a filter of size f, the Keras way",
               HINTS("'Same' padding keeps the size at stride 1, so it adds f - 1 in total. "
                     "An odd total cannot be split evenly: Keras puts the extra one after.",
                     "total = f - 1; before = floor(total / 2); after = total - before.",
                     "total = f - 1; before = total / 2; after = total - before. f = 2 gives "
                     "0 and 1. total = f - 1; *pad_before = total / 2 (integer division "
                     "rounds down); *pad_after = total - *pad_before."));
    static const int sizes[6] = { 1, 2, 3, 4, 5, 7 };
    int said_swap = 0, said_total = 0;
    cases_begin();
    for (int i = 0; i < 6; i++) {
        int f = sizes[i], before = -1, after = -1;
        int want_before = (f - 1) / 2, want_after = (f - 1) - want_before;
        char what[64];
        CALL(same_padding(f, &before, &after));
        snprintf(what, sizeof what, "same_padding(%d): before", f);
        int ok = expect_case(what, want_before, before);
        snprintf(what, sizeof what, "same_padding(%d): after", f);
        ok = expect_case(what, want_after, after) && ok;
        if (before == -1 && after == -1 && !said_total) {
            task_diagnose("same_padding(%d) left *pad_before and *pad_after as they were: write both", f);
            said_total = 1;
        }
        if (ok || before < 0 || after < 0)
            continue;
        if (before == want_after && after == want_before && !said_swap) {
            task_diagnose("same_padding(%d) gives %d before and %d after: swapped; Keras/TensorFlow "
                          "put the extra row on the bottom/right (after)", f, before, after);
            said_swap = 1;
        } else if (before + after != f - 1 && !said_total) {
            int out = conv_output_size(28, f, before, after, 1);
            task_diagnose("same_padding(%d) pads %d in all, so a 28-wide input gives %d, not 28: "
                          "the total must be f - 1 = %d", f, before + after, out, f - 1);
            said_total = 1;
        }
    }
    cases_end();
    task_end();
}

int main(int argc, char **argv)
{
    static const exercise_task tasks[] = { task_output_length, task_params, task_zero_pad, task_same_padding };
    return exercise_main(argc, argv, "exercise 03 (padding, stride, sizing)", tasks, (int)(sizeof tasks / sizeof tasks[0]));
}
