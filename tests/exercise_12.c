/* tests/exercise_12.c: the checks for exercise 12 (dropout).
 * Built against solutions/12_deeper.c by `make test` and against
 * exercises/12_deeper.c by `make check EX=12`.
 *
 * Every expected value comes from a reference version of the rule, and
 * each likely bug from the same reference with the bug in it, so a wrong
 * answer is matched to the mistake that gives it: the kept numbers not
 * scaled (the original, non-inverted dropout), the roles of rate and
 * 1 - rate swapped, the wrong scale, scaling or dropping at test time, a
 * backward pass that does not multiply by the mask or divides by it.
 *
 * The reference code (the EXERCISE_REFERENCE blocks) is the
 * instructor's: make expected stores what it computes in
 * tests/expected/exercise_12.txt (STORED_VALUES), make test checks the file
 * against it, and the handout has it cut out and reads the file instead. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "12_deeper.h"
#include "dropout.h"
#include "exercise.h"
#include "rng.h"

#define TOL 1e-12
#define N 8
#define MANY 10000           /* draws for the expected value */

/* The draws of the small checks: one exactly at rate 0.25 (kept), one at 0. */
static const double u8[N] = { 0.9, 0.1, 0.5, 0.3, 0.25, 0.0, 0.75, 0.6 };
static const double x8[N] = { 1.5, -2, 0.5, 3, -1, 4, 2.5, -0.5 };
static const double dy8[N] = { 0.5, -1, 2, 0.25, -3, 1.5, -0.75, 1 };

/* ---------------------------------------------------------------- the reference, and its mistakes */

enum {
    MASK_RIGHT,          /* u >= rate kept, scaled by 1 / (1 - rate)                     */
    MASK_NOT_SCALED,     /* kept ones 1: the original dropout's training mask             */
    MASK_SWAPPED,        /* u < rate kept: kept with probability rate                     */
    MASK_SWAPPED_RATE,   /* u < rate kept, scaled by 1 / rate                             */
    MASK_SWAPPED_ONE,    /* u < rate kept, not scaled                                     */
    MASK_OVER_RATE,      /* scaled by 1 / rate                                            */
    MASK_TIMES_KEEP,     /* multiplied by 1 - rate: the original's test-time factor       */
    MASK_STRICT,         /* u > rate kept: u == rate dropped                              */
    N_MASKS
};

#ifdef EXERCISE_REFERENCE
static void ref_dropout_mask(int variant, const double *u, double rate, double *mask, int n)
{
    for (int i = 0; i < n; i++) {
        int kept = u[i] >= rate;
        double scale = 1 / (1 - rate);
        switch (variant) {
        case MASK_NOT_SCALED:   scale = 1; break;
        case MASK_SWAPPED:      kept = u[i] < rate; break;
        case MASK_SWAPPED_RATE: kept = u[i] < rate; scale = 1 / rate; break;
        case MASK_SWAPPED_ONE:  kept = u[i] < rate; scale = 1; break;
        case MASK_OVER_RATE:    scale = 1 / rate; break;
        case MASK_TIMES_KEEP:   scale = 1 - rate; break;
        case MASK_STRICT:       kept = u[i] > rate; break;
        default: break;
        }
        mask[i] = kept ? scale : 0;
    }
}

/* variants (N_MASKS, n): the mask from u with each mistake (times x, unless
 * x is NULL). A mistake that divides by rate = 0 gets 0s (diagnose_mask
 * skips it at rate 0; the stored file holds finite numbers only). */
static void ref_mask_variants(const double *u, const double *x, double rate, double *variants, int n)
{
    for (int k = 0; k < N_MASKS; k++) {
        double *v = variants + (long)k * n;
        ref_dropout_mask(k, u, rate, v, n);
        for (int i = 0; i < n; i++)
            v[i] = !isfinite(v[i]) ? 0 : x ? v[i] * x[i] : v[i];
    }
}

/* L = sum r[i] y[i] through the reference forward pass in training mode, its mask fixed by u. */
static double ref_layer_loss(const double *x, const double *u, double rate, const double *r, int n)
{
    double mask[N], y[N], loss = 0;
    ref_dropout_mask(MASK_RIGHT, u, rate, mask, n);
    for (int i = 0; i < n; i++)
        y[i] = x[i] * mask[i];
    for (int i = 0; i < n; i++)
        loss += r[i] * y[i];
    return loss;
}
#endif

static void fill_nan(double *a, int n)
{
    for (int i = 0; i < n; i++)
        a[i] = NAN;
}

static int all_nan(const double *a, int n)
{
    for (int i = 0; i < n; i++)
        if (!isnan(a[i]))
            return 0;
    return 1;
}

static void times(const double *a, const double *b, double *out, int n)
{
    for (int i = 0; i < n; i++)
        out[i] = a[i] * b[i];
}

static void scaled(const double *a, double factor, double *out, int n)
{
    for (int i = 0; i < n; i++)
        out[i] = a[i] * factor;
}

/* The library's draws (splitmix64, src/rng.h): the numbers src/dropout.c turns into a mask. */
static void library_draws(uint64_t seed, double *u, int n)
{
    rng_t r = rng_seeded(seed);
    for (int i = 0; i < n; i++)
        u[i] = rng_uniform(&r);
}

static double mean(const double *a, int n)
{
    double sum = 0;
    for (int i = 0; i < n; i++)
        sum += a[i];
    return sum / n;
}

/* ---------------------------------------------------------------- naming a wrong mask */

/* `got` (n) is what came out where a mask (times x) was due; variants
 * (N_MASKS, n) is what each mistake gives (stored by make expected);
 * name the mistake it matches, if any. `where` begins the message ("the
 * mask", "training mode"). */
static void diagnose_mask(const char *where, const double *got, const double *variants, double rate, int n)
{
    double keep = 1 - rate;
    for (int k = MASK_NOT_SCALED; k < N_MASKS; k++) {
        if ((k == MASK_SWAPPED_RATE || k == MASK_OVER_RATE) && rate == 0)
            continue;
        if (!arrays_near(got, variants + (long)k * n, n, TOL))
            continue;
        switch (k) {
        case MASK_NOT_SCALED:
            task_diagnose("%s: the kept numbers were not scaled (1, not 1 / (1 - rate) = %g): that is the original, "
                          "non-inverted dropout, which scales at test time instead; inverted dropout divides the kept "
                          "numbers by 1 - rate while training, so each output's expected value equals its input",
                          where, 1 / keep);
            return;
        case MASK_SWAPPED:
        case MASK_SWAPPED_RATE:
        case MASK_SWAPPED_ONE:
            task_diagnose("%s: the roles of rate and 1 - rate are swapped: you kept the numbers with u[i] < rate, "
                          "that is with probability rate; rate is the fraction DROPPED (Dropout(0.25) drops a "
                          "quarter), so keep when u[i] >= rate, with probability 1 - rate (Srivastava et al.'s p is "
                          "the probability of keeping: p = 1 - rate)", where);
            return;
        case MASK_OVER_RATE:
            task_diagnose("%s: the kept numbers were scaled by 1 / rate = %g; divide by the probability of KEEPING "
                          "them, 1 / (1 - rate) = %g", where, 1 / rate, 1 / keep);
            return;
        case MASK_TIMES_KEEP:
            task_diagnose("%s: the kept numbers were multiplied by 1 - rate = %g: that is the original dropout's "
                          "test-time factor; inverted dropout DIVIDES the kept numbers by 1 - rate while training "
                          "(x %g)", where, keep, 1 / keep);
            return;
        case MASK_STRICT:
            task_diagnose("%s: a number with u[i] == rate was dropped: keep when u[i] >= rate, drop only when "
                          "u[i] < rate (as src/dropout.c does)", where);
            return;
        default:
            return;
        }
    }
}

/* ---------------------------------------------------------------- task 1: the mask */

static void check_mask(const double *u, double rate, int n, const char *what)
{
    double mask[N], variants[N_MASKS * N];   /* variants[0..n-1]: the right mask */
    fill_nan(mask, n);
    CALL(dropout_mask_from_draws(u, rate, mask, n));
#ifdef EXERCISE_REFERENCE
    ref_mask_variants(u, NULL, rate, variants, n);
#endif
    STORED_VALUES(what, variants, N_MASKS * n);
    const double *expected = variants + MASK_RIGHT * n;
    if (all_nan(mask, n))
        task_diagnose("nothing was written into mask");
    else if (!arrays_near(mask, expected, n, TOL))
        diagnose_mask("the mask", mask, variants, rate, n);
    task_expect_array(what, expected, mask, n, TOL);
}

/* 10,000 of the library's own draws: the student's mask must be the one
 * src/dropout.c makes from them, and its mean is near 1. */
static void check_mask_of_many_draws(double rate, uint64_t seed)
{
    static double u[MANY], mask[MANY], library[MANY];
    library_draws(seed, u, MANY);
    fill_nan(mask, MANY);
    CALL(dropout_mask_from_draws(u, rate, mask, MANY));
    dropout_mask(library, MANY, rate, seed);
    long dropped = 0, library_dropped = 0;
    for (int i = 0; i < MANY; i++) {
        dropped += mask[i] == 0;
        library_dropped += library[i] == 0;
    }
#ifdef EXERCISE_REFERENCE
    if (!arrays_near(mask, library, MANY, TOL)) {   /* the instructor's copy only: 8 x 10,000 numbers */
        static double variants[N_MASKS * MANY];
        ref_mask_variants(u, NULL, rate, variants, MANY);
        diagnose_mask("the mask", mask, variants, rate, MANY);
    }
#endif
    char what[128];
    snprintf(what, sizeof what, "numbers dropped of %d at rate %g (about %g expected)", MANY, rate, rate * MANY);
    task_expect_int(what, library_dropped, dropped);
    snprintf(what, sizeof what, "the mean of the %d mask entries (its expected value is 1)", MANY);
    task_expect_near(what, mean(library, MANY), mean(mask, MANY), 1e-9);
}

static void task_mask(void)
{
    task_begin(1, "the mask of inverted dropout",
               HINTS("Each number survives a coin toss that comes up \"keep\" with probability 1 - rate; "
                     "the survivors are scaled up so that, on average, the layer's output equals its input.",
                     "The rule is mask[i] = u[i] >= rate ? 1 / (1 - rate) : 0. For u uniform in [0, 1), "
                     "P(u < rate) = rate: a number is dropped with probability rate.",
                     "compute the scale 1.0 / (1 - rate) once, then one loop: mask[i] = u[i] >= rate ? scale : "
                     "0. By hand, rate 0.25: u = 0.9 gives 1.3333, u = 0.1 gives 0, and u = 0.25 (equal) is kept. "
                     "rate is what is DROPPED: Dropout(0.25) keeps three numbers in four."));
    check_mask(u8, 0.25, N, "mask (u = [0.9 0.1 0.5 0.3 0.25 0 0.75 0.6], rate 0.25)");
    if (task_diagnoses() == 0)                   /* one report of a named mistake is enough */
        check_mask(u8, 0, N, "mask at rate 0 (nothing dropped, scale 1)");
    if (task_diagnoses() == 0)
        check_mask(u8, 0.5, N, "mask at rate 0.5");
    if (task_diagnoses() == 0)
        check_mask_of_many_draws(0.3, 12);
    task_end();
}

/* ---------------------------------------------------------------- task 2: forward, both modes */

/* Training mode on the small example. */
static void check_training_forward(double rate)
{
    double mask[N], y[N], ref_mask[N], variants[N_MASKS * N], theirs[N], theirs_y[N];
    fill_nan(mask, N);
    fill_nan(y, N);
    CALL(dropout_layer_forward(x8, u8, rate, 1, mask, y, N));
#ifdef EXERCISE_REFERENCE
    ref_dropout_mask(MASK_RIGHT, u8, rate, ref_mask, N);
    ref_mask_variants(u8, x8, rate, variants, N);
#endif
    char label[96];
    snprintf(label, sizeof label, "the mask at rate %g", rate);
    STORED_VALUES(label, ref_mask, N);
    snprintf(label, sizeof label, "x times the mask at rate %g, right then with each mistake", rate);
    STORED_VALUES(label, variants, N_MASKS * N);
    const double *expected = variants + MASK_RIGHT * N;
    if (!arrays_near(y, expected, N, TOL)) {
        fill_nan(theirs, N);
        CALL(dropout_mask_from_draws(u8, rate, theirs, N));     /* task 1's function, if they used it */
        times(x8, theirs, theirs_y, N);
        if (all_nan(y, N))
            task_diagnose("training mode: nothing was written into y");
        else if (arrays_near(y, x8, N, TOL))
            task_diagnose("training mode dropped nothing (y = x): with training != 0 the layer multiplies by the "
                          "mask (is the switch the wrong way round?)");
        else if (!arrays_near(theirs, ref_mask, N, TOL) && arrays_near(y, theirs_y, N, TOL))
            task_diagnose("task 2 uses your dropout_mask_from_draws, which does not pass task 1 yet: fix task 1 "
                          "first");
        else
            diagnose_mask("training mode", y, variants, rate, N);
    } else if (!arrays_near(mask, ref_mask, N, TOL)) {
        task_diagnose("training mode: y is right, but mask does not hold the factor each x[i] was multiplied by; "
                      "the backward pass reads it from there");
    }
    char what[96];
    snprintf(what, sizeof what, "y, training mode, rate %g (x = [1.5 -2 0.5 3 -1 4 2.5 -0.5])", rate);
    task_expect_array(what, expected, y, N, TOL);
    task_expect_array("mask, training mode", ref_mask, mask, N, TOL);
}

/* Test mode: the identity, whatever u and rate are. */
static void check_test_forward(double rate)
{
    double mask[N], y[N], ones[N], dropped[N];
    fill_nan(mask, N);
    fill_nan(y, N);
    CALL(dropout_layer_forward(x8, u8, rate, 0, mask, y, N));
    for (int i = 0; i < N; i++)
        ones[i] = 1;
#ifdef EXERCISE_REFERENCE
    double train_mask[N];
    ref_dropout_mask(MASK_RIGHT, u8, rate, train_mask, N);
    times(x8, train_mask, dropped, N);
#endif
    char label[64];
    snprintf(label, sizeof label, "x times the training mask at rate %g", rate);
    STORED_VALUES(label, dropped, N);
    if (all_nan(y, N)) {
        task_diagnose("test mode: nothing was written into y");
    } else if (!arrays_near(y, x8, N, TOL)) {
        double keep = 1 - rate, times_keep[N], over_keep[N];
        scaled(x8, keep, times_keep, N);
        scaled(x8, 1 / keep, over_keep, N);
        if (arrays_near(y, dropped, N, TOL)) {
            task_diagnose("test mode dropped numbers: at test time every number passes (the whole network is "
                          "used); drop only when training != 0");
        } else if (arrays_near(y, times_keep, N, TOL)) {
            task_diagnose("test mode multiplied y by 1 - rate = %g: that is the ORIGINAL dropout's test-time rule; "
                          "this layer is inverted, it already divided by 1 - rate while training, so scaling again at "
                          "test time makes every output %g%% too small: y = x", keep, 100 * rate);
        } else if (arrays_near(y, over_keep, N, TOL)) {
            task_diagnose("test mode divided y by 1 - rate: the scale 1 / (1 - rate) belongs to the numbers KEPT "
                          "while training; at test time nothing is dropped and nothing is scaled: y = x");
        }
    } else if (!arrays_near(mask, ones, N, TOL)) {
        task_diagnose("test mode: y is right, but set mask[i] = 1 (the layer is the identity), so that the backward "
                      "pass gives dx = dy");
    }
    char what[64];
    snprintf(what, sizeof what, "y, test mode (rate %g): y = x", rate);
    task_expect_array(what, x8, y, N, TOL);
    task_expect_array("mask, test mode: all ones", ones, mask, N, TOL);
}

/* The expected-value argument: x = 1 everywhere, the mean of y while
 * training is near the test-time output, 1. */
static void check_expected_value(double rate)
{
    static double x[MANY], u[MANY], mask[MANY], y[MANY];
    for (int i = 0; i < MANY; i++)
        x[i] = 1;
    library_draws(7, u, MANY);
    fill_nan(y, MANY);
    CALL(dropout_layer_forward(x, u, rate, 1, mask, y, MANY));
    double got = mean(y, MANY), want;
#ifdef EXERCISE_REFERENCE
    static double ref_mask[MANY];
    ref_dropout_mask(MASK_RIGHT, u, rate, ref_mask, MANY);
    want = mean(ref_mask, MANY);
#endif
    STORED_VALUES("the mean of the training mask over 10,000 draws", &want, 1);
    if (fabs(got - (1 - rate)) < 0.02)
        task_diagnose("the mean of y while training is %.4f, about 1 - rate: the kept numbers were not divided by "
                      "1 - rate, so the network sees inputs %g%% smaller while training than at test time", got,
                      100 * rate);
    char what[128];
    snprintf(what, sizeof what, "the mean of y over %d inputs x = 1, training mode, rate %g (test mode gives 1)",
             MANY, rate);
    task_expect_near(what, want, got, 1e-9);
}

static void task_forward(void)
{
    task_begin(2, "the forward pass, in training mode and in test mode",
               HINTS("Training and testing differ: while training, multiply by the mask; at test time the layer "
                     "lets everything through unchanged, because the scale was already paid for while training.",
                     "training: y[i] = x[i] * mask[i], mask as in task 1; test: mask[i] = 1 and y[i] = x[i]. No "
                     "factor at test time: while training E[y] = (1 - rate) * x / (1 - rate) = x already.",
                     "With training != 0 call dropout_mask_from_draws(u, rate, mask, n), else set every mask[i] = 1. "
                     "Then one loop serves both modes: y[i] = x[i] * mask[i]. At test time do not read u, and do not "
                     "multiply or divide by 1 - rate."));
    check_training_forward(0.25);
    if (task_diagnoses() == 0)                   /* one report of a named mistake is enough */
        check_training_forward(0.5);
    int named = task_diagnoses();
    check_test_forward(0.25);
    if (task_diagnoses() == named)
        check_test_forward(0.5);
    if (task_diagnoses() == 0)
        check_expected_value(0.5);
    task_end();
}

/* ---------------------------------------------------------------- task 3: backward */

static void check_backward(const double *mask, const char *what)
{
    double dx[N], expected[N], bad[N];
    fill_nan(dx, N);
    CALL(dropout_layer_backward(dy8, mask, dx, N));
#ifdef EXERCISE_REFERENCE
    times(dy8, mask, expected, N);
    for (int i = 0; i < N; i++)
        bad[i] = mask[i] != 0 ? dy8[i] : 0;
#endif
    STORED_VALUES(what, expected, N);
    STORED_VALUES("dy where the mask is not 0, else 0", bad, N);
    if (all_nan(dx, N)) {
        task_diagnose("nothing was written into dx");
    } else if (!arrays_near(dx, expected, N, TOL)) {
        int divided = 1;
        for (int i = 0; i < N; i++)
            divided &= mask[i] == 0 ? !isfinite(dx[i]) : fabs(dx[i] - dy8[i] / mask[i]) <= TOL;
        if (arrays_near(dx, dy8, N, TOL))
            task_diagnose("the gradient passed through unchanged (dx = dy): a dropped number never reached the "
                          "loss, so its gradient is 0, and a kept one was multiplied by 1 / (1 - rate) on the way "
                          "forward, so its gradient is too: dx = dy * mask");
        else if (divided)
            task_diagnose("dx = dy / mask: the forward pass multiplied by the mask, so dy/dx = mask and the chain "
                          "rule MULTIPLIES: dx = dy * mask (dividing gives inf where a number was dropped)");
        else if (arrays_near(dx, bad, N, TOL))
            task_diagnose("the dropped gradients are 0, but the kept ones were not multiplied by 1 / (1 - rate): the "
                          "forward pass multiplied x by mask[i], not by 1, so dx = dy * mask");
        else if (arrays_near(dx, mask, N, TOL))
            task_diagnose("dx = mask: that is the local derivative dy/dx alone; the chain rule multiplies it by the "
                          "gradient arriving from above: dx = dy * mask");
    }
    task_expect_array(what, expected, dx, N, TOL);
}

/* dx against central differences of L = sum r[i] y[i] through the
 * (reference) forward pass in training mode, its mask fixed by u. */
static void check_against_central_differences(double rate)
{
    double mask[N], dx[N], numeric[N];
#ifdef EXERCISE_REFERENCE
    double x[N];
    const double h = 1e-5;
    memcpy(x, x8, sizeof x);
    ref_dropout_mask(MASK_RIGHT, u8, rate, mask, N);
    for (int i = 0; i < N; i++) {
        double keep = x[i];
        x[i] = keep + h;
        double up = ref_layer_loss(x, u8, rate, dy8, N);
        x[i] = keep - h;
        double down = ref_layer_loss(x, u8, rate, dy8, N);
        x[i] = keep;
        numeric[i] = (up - down) / (2 * h);
    }
#endif
    char label[64];
    snprintf(label, sizeof label, "the mask at rate %g", rate);
    STORED_VALUES(label, mask, N);
    STORED_VALUES("central differences of L = sum dy[i] * y[i]", numeric, N);
    fill_nan(dx, N);
    CALL(dropout_layer_backward(dy8, mask, dx, N));
    task_expect_array("dx against central differences of L = sum dy[i] * y[i] (training mode, rate 0.5)", numeric,
                      dx, N, 1e-8);
}

static void task_backward(void)
{
    task_begin(3, "the backward pass",
               HINTS("The forward pass multiplied each number by a constant, its mask entry; backward, the gradient "
                     "is multiplied by the same constant. A dropped number never reached the loss, so its gradient "
                     "is 0.",
                     "The forward pass is y[i] = x[i] * mask[i], so dy[i]/dx[i] = mask[i]; by the chain rule "
                     "dx[i] = dy[i] * mask[i].",
                     "one loop: dx[i] = dy[i] * mask[i]: the forward pass's multiplication with dy in place of x. A "
                     "dropped number (mask 0) gets gradient 0, a kept one dy / (1 - rate). Not dy alone, and not "
                     "dy / mask."));
    double mask[N], ones[N];
#ifdef EXERCISE_REFERENCE
    ref_dropout_mask(MASK_RIGHT, u8, 0.25, mask, N);
#endif
    STORED_VALUES("the mask at rate 0.25", mask, N);
    check_backward(mask, "dx, training mode (rate 0.25: mask = [1.333 0 1.333 1.333 1.333 0 1.333 1.333])");
    for (int i = 0; i < N; i++)
        ones[i] = 1;
    check_backward(ones, "dx, test mode (mask all ones): dx = dy");
    if (task_diagnoses() == 0)
        check_against_central_differences(0.5);
    task_end();
}

int main(int argc, char **argv)
{
    static const exercise_task tasks[] = { task_mask, task_forward, task_backward };
    return exercise_main(argc, argv, "exercise 12 (dropout)", tasks, (int)(sizeof tasks / sizeof tasks[0]));
}
