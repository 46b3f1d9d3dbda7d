/* tests/exercise_15.c: the checks for exercise 15 (the statistics of an
 * experiment, and equivariance checked).
 * Built against solutions/15_claims.c by `make test` and against
 * exercises/15_claims.c by `make check EX=15`.
 *
 * Every expected value comes from a reference written here, and each
 * likely bug from the same reference with the bug in it, so that a wrong
 * answer is matched to the mistake that gives it: the spread divided by n
 * (or not rooted, or computed in one pass that cancels), 0 for the spread
 * of one run; an epoch counted from 0, a target never reached reported as
 * the last epoch (or as -1), a strict comparison, the best or the last
 * epoch instead of the first (told apart on curves where they differ), the
 * direction of "better" reversed, nothing returned yet (the stub); a shift
 * the wrong way round, with wrap-around or repeated edges instead of zero
 * fill, rows and columns swapped, the incoming border left unwritten; the
 * border band compared, the shift not undone or undone the wrong way, a
 * signed largest difference, a wrong count; the verdict's interval with
 * the spread divided by n, the standard error not divided by sqrt(n) (or
 * by sqrt(n - 1)), the old rule of 3 standard errors instead of t, the
 * difference taken b - a, an interval touching 0 called shown. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "15_claims.h"
#include "exercise.h"
#include "rng.h"

#define TOL 1e-12
#define SENTINEL -12345.0    /* what the outputs hold before a call: they are overwritten */
#define MAX_PIXELS 256

/* ---------------------------------------------------------------- task 1: mean and spread */

enum { SD_RIGHT, SD_OVER_N, SD_VARIANCE, SD_VARIANCE_OVER_N, SD_ONE_PASS, N_SD };

/* The mean and the spread of x (n), right or with one mistake. */
static void reference_spread(int kind, const double *x, int n, double *mean, double *sd)
{
    double sum = 0, squares = 0, raw_squares = 0;
    for (int i = 0; i < n; i++) {
        sum += x[i];
        raw_squares += x[i] * x[i];
    }
    *mean = sum / n;
    for (int i = 0; i < n; i++)
        squares += (x[i] - *mean) * (x[i] - *mean);
    switch (kind) {
    case SD_OVER_N:          *sd = sqrt(squares / n); break;
    case SD_VARIANCE:        *sd = squares / (n - 1); break;
    case SD_VARIANCE_OVER_N: *sd = squares / n; break;
    case SD_ONE_PASS:        *sd = sqrt((raw_squares - n * *mean * *mean) / (n - 1)); break;
    default:                 *sd = sqrt(squares / (n - 1)); break;
    }
}

static int near_relative(double a, double b)
{
    return fabs(a - b) <= 1e-9 * fmax(1, fabs(b));
}

static void diagnose_spread(const double *x, int n, double mean, double sd)
{
    double m, want;
    reference_spread(SD_RIGHT, x, n, &m, &want);
    if (mean == SENTINEL || sd == SENTINEL) {
        task_diagnose("nothing was written into %s: the function reports through the pointers (*mean = ...)",
                      mean == SENTINEL ? "*mean" : "*sd");
        return;
    }
    if (near_relative(mean, (m * n) / (n - 1)) && n > 1 && !near_relative(mean, m))
        task_diagnose("the mean was divided by n - 1: only the spread uses n - 1, the mean is the plain "
                      "average, sum / n");
    for (int kind = SD_OVER_N; kind < N_SD; kind++) {
        double m2, bad;
        reference_spread(kind, x, n, &m2, &bad);
        if (near_relative(want, bad) || !near_relative(sd, bad))
            continue;
        if (kind == SD_OVER_N)
            task_diagnose("the squared deviations were divided by n: that is the spread of a whole population "
                          "around its true mean; measured from the sample's own mean, divide by n - 1 (Bessel's "
                          "correction). With 3 seeds dividing by n makes the spread %.0f%% too small",
                          100 * (1 - sqrt((n - 1.0) / n)));
        else if (kind == SD_VARIANCE || kind == SD_VARIANCE_OVER_N)
            task_diagnose("that is the variance, the squared spread: take its square root, so that the spread "
                          "is in the same unit as the measurements (percent, epochs, seconds)");
        else
            task_diagnose("sum x^2 - n mean^2 in one pass: on values near %g the two big numbers cancel and "
                          "leave rounding noise; subtract the mean first, then square: sum (x - mean)^2",
                          mean);
        return;
    }
}

static void check_spread(const double *x, int n, const char *what)
{
    double mean = SENTINEL, sd = SENTINEL, want_mean, want_sd;
    CALL(mean_and_spread(x, n, &mean, &sd));
    reference_spread(SD_RIGHT, x, n, &want_mean, &want_sd);
    if (!near_relative(mean, want_mean) || !near_relative(sd, want_sd))
        diagnose_spread(x, n, mean, sd);
    char label[160];
    snprintf(label, sizeof label, "mean of %s", what);
    task_expect_near(label, want_mean, mean, 1e-9 * fmax(1, fabs(want_mean)));
    snprintf(label, sizeof label, "sample standard deviation of %s", what);
    task_expect_near(label, want_sd, sd, 1e-9 * fmax(1, fabs(want_sd)));
}

/* One run: the mean is the run, the spread is NaN. */
static void check_one_run(void)
{
    static const double one[1] = { 1.25 };
    double mean = SENTINEL, sd = SENTINEL;
    CALL(mean_and_spread(one, 1, &mean, &sd));
    task_expect_near("mean of the one value [1.25]", 1.25, mean, TOL);
    if (isnan(sd))
        return;
    if (sd == 0)
        task_diagnose("one run gave sd = 0, which reads as \"every seed gives the same\"; one run says nothing "
                      "about the spread: the formula's 0/0 is NaN, and the tables print n/a");
    else
        task_diagnose("one run gave sd = %g: with n = 1 the formula is 0/0, NaN (no spread can be measured)", sd);
    printf("    sample standard deviation of one value: expected nan, got %.10g\n", sd);
}

static void task_spread(void)
{
    task_begin(1, "the mean and the sample standard deviation over seeds",
               HINTS("The mean says where the results of the runs lie; the standard deviation says how far a single "
                     "seed typically lands from it. Measured from the sample's own mean, the squared deviations "
                     "are divided by n - 1, not n.",
                     "mean = (1/n) sum x[i];  sd = sqrt( sum (x[i] - mean)^2 / (n - 1) ). For [1.2 1.0 1.4]: "
                     "mean 1.2, deviations 0, -0.2, 0.2, squares sum to 0.08, / 2 = 0.04, sd = 0.2. n = 1: 0/0 "
                     "is NaN.",
                     "two loops: the first sums x into sum and sets *mean = sum / n; the second adds "
                     "(x[i] - *mean) * (x[i] - *mean) into squares; then *sd = sqrt(squares / (n - 1)). Do not "
                     "special-case n = 1: squares is 0 and 0.0 / 0 is NaN by itself."));
    static const double three[3] = { 1.2, 1.0, 1.4 };
    static const double far[4] = { 1e9 + 0.5, 1e9 + 1.5, 1e9 + 2.5, 1e9 + 3.5 };
    double five[5];
    rng_t r = rng_seeded(15);
    for (int i = 0; i < 5; i++)
        five[i] = 1 + rng_uniform(&r);
    check_spread(three, 3, "[1.2 1.0 1.4]");
    if (task_diagnoses() == 0)                   /* one report of a named mistake is enough */
        check_spread(five, 5, "five test errors between 1 and 2");
    if (task_diagnoses() == 0)
        check_one_run();
    if (task_diagnoses() == 0)
        check_spread(far, 4, "[1e9+0.5 1e9+1.5 1e9+2.5 1e9+3.5] (sd 1.29)");
    task_end();
}

/* ---------------------------------------------------------------- task 2: epochs to a target */

enum { E_RIGHT, E_FROM_ZERO, E_NEVER_LAST, E_NEVER_MINUS_ONE, E_STRICT, E_BEST, E_LAST_REACHING, E_REVERSED, N_E };

static int reaches(double v, double target, int higher, int strict)
{
    if (strict)
        return higher ? v > target : v < target;
    return higher ? v >= target : v <= target;
}

static int reference_epochs(int kind, const double *curve, int n, double target, int higher)
{
    int first = -1, last = -1, best = 0;
    if (kind == E_REVERSED)
        higher = !higher;
    for (int e = 0; e < n; e++) {
        if (reaches(curve[e], target, higher, kind == E_STRICT)) {
            first = first < 0 ? e : first;
            last = e;
        }
        best = (higher ? curve[e] > curve[best] : curve[e] < curve[best]) ? e : best;
    }
    if (first < 0)
        return kind == E_NEVER_LAST ? n : kind == E_NEVER_MINUS_ONE ? -1 : 0;
    switch (kind) {
    case E_FROM_ZERO:     return first;
    case E_BEST:          return best + 1;
    case E_LAST_REACHING: return last + 1;
    default:              return first + 1;
    }
}

/* Curves that tell the mistakes apart: on one curve several can give the
 * same answer (on [0.09 0.04 0.02 0.03 0.01] to 0.02, a strict comparison,
 * the best epoch and the last epoch reaching it all give 5), so a mistake
 * is named only when the function agrees with it on every one of these. */
typedef struct {
    double curve[6];
    int n, higher;
    double target;
} epochs_probe;

static const epochs_probe probes[] = {
    { { 0.05, 0.02, 0.03, 0.01, 0.015 }, 5, 0, 0.02 },   /* right 2, strict 4, best 4, last 5 */
    { { 0.90, 0.97, 0.99, 0.98 }, 4, 1, 0.97 },          /* right 2, strict 3, best 3, last 4 */
    { { 0.97, 0.98, 0.99 }, 3, 1, 0.97 },                /* right 1, strict 2, best 3, last 3 */
    { { 0.05, 0.01, 0.03, 0.02, 0.04 }, 5, 0, 0.02 },   /* right 2, strict 2, best 2, last 4 */
    { { 0.90, 0.92 }, 2, 1, 0.95 },                      /* never: right 0 */
};
enum { N_PROBES = (int)(sizeof probes / sizeof probes[0]) };

/* Does the function give what mistake `kind` gives on every probe where
 * that mistake shows (where it gives another answer than the right one)?
 * Where it does not show, another mistake may be there as well. */
static int confirmed_on_probes(int kind)
{
    for (int i = 0; i < N_PROBES; i++) {
        const epochs_probe *p = &probes[i];
        int bad = reference_epochs(kind, p->curve, p->n, p->target, p->higher);
        if (bad == reference_epochs(E_RIGHT, p->curve, p->n, p->target, p->higher))
            continue;
        if (CALL(epochs_to_target(p->curve, p->n, p->target, p->higher)) != bad)
            return 0;
    }
    return 1;
}

/* 0 on every probe that reaches its target: the stub's "return 0". */
static int zero_on_every_reached_probe(void)
{
    for (int i = 0; i < N_PROBES; i++) {
        const epochs_probe *p = &probes[i];
        if (reference_epochs(E_RIGHT, p->curve, p->n, p->target, p->higher) != 0
            && CALL(epochs_to_target(p->curve, p->n, p->target, p->higher)) != 0)
            return 0;
    }
    return 1;
}

static void diagnose_epochs(const double *curve, int n, double target, int higher, int got)
{
    if (got == 0 && zero_on_every_reached_probe()) {
        task_diagnose("nothing came back yet: 0 (never) for every curve, even those that reach the target; walk "
                      "along the curve and return e + 1 for the first e whose value reaches it");
        return;
    }
    for (int kind = E_FROM_ZERO; kind < N_E; kind++) {
        if (reference_epochs(kind, curve, n, target, higher) != got || !confirmed_on_probes(kind))
            continue;
        switch (kind) {
        case E_FROM_ZERO:
            if (got == 0)
                task_diagnose("0 means never, but the first epoch already reaches the target: curve[0] is the value "
                              "after epoch 1, so return e + 1, not e");
            else
                task_diagnose("the epoch is one too small: curve[0] is the value after the FIRST epoch, so curve[e] "
                              "belongs to epoch e + 1");
            return;
        case E_NEVER_LAST:
            task_diagnose("a target never reached was reported as the last epoch, %d: that claims the run got "
                          "there; return 0 (never), and the table says \"not in %d epochs\"", n, n);
            return;
        case E_NEVER_MINUS_ONE:
            task_diagnose("never is 0 here, not -1 (epochs count from 1, so 0 is free to mean \"no epoch\")");
            return;
        case E_STRICT:
            task_diagnose("a value equal to the target does not count: reaching means >= for an accuracy and "
                          "<= for an error, not > or <");
            return;
        case E_BEST:
            task_diagnose("that is the epoch of the best value, not the first epoch that reaches the target");
            return;
        case E_LAST_REACHING:
            task_diagnose("that is the last epoch that reaches the target, not the first: the loop went on after "
                          "the first hit and kept overwriting the answer; return e + 1 at the first curve[e] that "
                          "reaches it");
            return;
        case E_REVERSED:
            task_diagnose("the direction is reversed: with higher_is_better == 0 (an error, a loss) lower is "
                          "better, so the target is reached when curve[e] <= target");
            return;
        default:
            return;
        }
    }
}

static void check_epochs(const double *curve, int n, double target, int higher, const char *what)
{
    int want = reference_epochs(E_RIGHT, curve, n, target, higher);
    int got = CALL(epochs_to_target(curve, n, target, higher));
    if (got != want)
        diagnose_epochs(curve, n, target, higher, got);
    task_expect_int(what, want, got);
}

static void task_epochs(void)
{
    task_begin(2, "the first epoch at which a curve reaches a target (or 0: never)",
               HINTS("Walk along the curve from the first epoch and stop at the first value that is good enough; "
                     "epochs are counted from 1, and a curve that never gets there has no such epoch.",
                     "the answer is the smallest e + 1 with curve[e] >= target (higher_is_better) or curve[e] <= "
                     "target (lower is better); 0 when there is none. [0.09 0.04 0.02 0.03 0.01] reaches 0.02 at "
                     "epoch 3.",
                     "for (int e = 0; e < n; e++) if (higher_is_better ? curve[e] >= target : curve[e] <= target) "
                     "return e + 1;  and after the loop return 0. Return inside the loop: the first hit, not the "
                     "best or the last."));
    static const double errors[5] = { 0.09, 0.04, 0.02, 0.03, 0.01 };
    static const double accuracy[6] = { 0.91, 0.95, 0.97, 0.96, 0.985, 0.99 };
    static const double never[4] = { 0.90, 0.92, 0.93, 0.935 };
    static const double at_once[3] = { 0.015, 0.012, 0.011 };
    check_epochs(errors, 5, 0.02, 0, "training error [0.09 0.04 0.02 0.03 0.01] to 0.02 (lower is better)");
    check_epochs(accuracy, 6, 0.97, 1, "accuracy [0.91 0.95 0.97 0.96 0.985 0.99] to 0.97 (higher is better)");
    check_epochs(errors, 5, 0.025, 0, "the same errors to 0.025");
    check_epochs(probes[1].curve, 4, 0.97, 1, "accuracy [0.9 0.97 0.99 0.98] to 0.97: reached at 2, again at 3 "
                 "and 4");
    if (task_diagnoses() == 0)                   /* one report of a named mistake is enough */
        check_epochs(never, 4, 0.95, 1, "accuracy [0.9 0.92 0.93 0.935] to 0.95: never");
    if (task_diagnoses() == 0)
        check_epochs(at_once, 3, 0.02, 0, "errors [0.015 0.012 0.011] to 0.02: at once");
    task_end();
}

/* ---------------------------------------------------------------- task 3: the moved image */

enum { S_RIGHT, S_REVERSED, S_WRAP, S_CLAMP, S_SWAPPED, S_UNWRITTEN, N_S };

/* The image moved by (dy, dx), right or with one mistake; S_UNWRITTEN
 * leaves what came in from outside as it was (`before`). */
static void reference_shift(int kind, const double *image, int h, int w, int dy, int dx, double before,
                            double *moved)
{
    if (kind == S_REVERSED) {
        dy = -dy;
        dx = -dx;
    }
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            int fy = kind == S_SWAPPED ? y - dx : y - dy, fx = kind == S_SWAPPED ? x - dy : x - dx;
            if (kind == S_WRAP) {
                fy = ((fy % h) + h) % h;
                fx = ((fx % w) + w) % w;
            } else if (kind == S_CLAMP) {
                fy = fy < 0 ? 0 : fy >= h ? h - 1 : fy;
                fx = fx < 0 ? 0 : fx >= w ? w - 1 : fx;
            }
            int inside = fy >= 0 && fy < h && fx >= 0 && fx < w;
            moved[y * w + x] = inside ? image[fy * w + fx] : kind == S_UNWRITTEN ? before : 0;
        }
}

static int same_pixels(const double *a, const double *b, int n)
{
    for (int i = 0; i < n; i++)
        if (!(a[i] == b[i] || (isnan(a[i]) && isnan(b[i]))))
            return 0;
    return 1;
}

static void diagnose_shift(const double *image, int h, int w, int dy, int dx, const double *got)
{
    double bad[MAX_PIXELS];
    static const char *messages[N_S] = {
        NULL,
        "the image moved the wrong way: the pixel that lands at (y, x) comes FROM (y - dy, x - dx); reading "
        "image[y + dy][x + dx] moves it up and left instead of down and right",
        "what moved out on one side came back on the other (wrap-around, like numpy's roll): a digit moved to the "
        "right does not reappear on the left; what comes in from outside is 0 (black)",
        "the edge pixels were repeated into the gap; what comes in from outside is 0 (black), MNIST's background",
        "rows and columns are swapped: dy moves DOWN (it changes the row, y), dx moves RIGHT (the column, x)",
        "the pixels that came in from outside were not written: set them to 0 (the output is OVERWRITTEN, "
        "whatever it held before)",
    };
    int written = 0;
    for (int i = 0; i < h * w; i++)
        written += !isnan(got[i]);
    if (written == 0) {
        task_diagnose("nothing was written into moved: every one of its h * w pixels is OVERWRITTEN");
        return;
    }
    if (same_pixels(got, image, h * w) && (dy != 0 || dx != 0)) {
        task_diagnose("the image did not move: moved[y][x] = image[y - dy][x - dx]");
        return;
    }
    for (int kind = S_REVERSED; kind < N_S; kind++) {
        reference_shift(kind, image, h, w, dy, dx, NAN, bad);
        double right[MAX_PIXELS];
        reference_shift(S_RIGHT, image, h, w, dy, dx, NAN, right);
        if (!same_pixels(bad, right, h * w) && same_pixels(got, bad, h * w)) {
            task_diagnose("%s", messages[kind]);
            return;
        }
    }
}

static void check_shift(const double *image, int h, int w, int dy, int dx)
{
    double want[MAX_PIXELS];
    double *moved = task_array("moved", h * w, NAN, -7777);   /* exactly h * w: an overrun is named */
    CALL(shift_image(image, h, w, dy, dx, moved));
    if (task_check_guards())
        return;
    reference_shift(S_RIGHT, image, h, w, dy, dx, 0, want);
    if (!same_pixels(moved, want, h * w))
        diagnose_shift(image, h, w, dy, dx, moved);
    char what[96];
    snprintf(what, sizeof what, "the %dx%d image 1..%d moved by dy = %d, dx = %d", h, w, h * w, dy, dx);
    task_expect_array(what, want, moved, h * w, 0);
}

static void task_shift(void)
{
    task_begin(3, "an image moved by (dy, dx), with zero fill",
               HINTS("Each pixel of the moved image asks where it came from; if that place is inside the original "
                     "image it takes its value, otherwise it is black.",
                     "moved[y][x] = image[y - dy][x - dx] when 0 <= y - dy < h and 0 <= x - dx < w, else 0. Down "
                     "by 1: row 0 is black, row 1 is the old row 0.",
                     "two loops over y and x of the OUTPUT; from_y = y - dy, from_x = x - dx; if both are inside, "
                     "moved[y * w + x] = image[from_y * w + from_x], else moved[y * w + x] = 0. Do not wrap "
                     "around, do not repeat the edge."));
    double *image = task_array("image", 20, 0, NAN);
    for (int i = 0; i < 20; i++)
        image[i] = i + 1;
    static const int shifts[][2] = { { 1, 2 }, { -1, 0 }, { 0, -3 }, { 2, -1 }, { 0, 0 }, { 4, 0 } };
    for (size_t s = 0; s < sizeof shifts / sizeof shifts[0]; s++)
        if (task_diagnoses() == 0)               /* one report of a named mistake is enough */
            check_shift(image, 4, 5, shifts[s][0], shifts[s][1]);
    task_end();
}

/* ---------------------------------------------------------------- task 4: equivariance, checked */

enum { G_RIGHT, G_BORDER_CLAMP, G_BORDER_WRAP, G_REVERSED, G_NOT_MOVED, G_SIGNED, N_G };

static double reference_gap(int kind, const double *map, const double *moved, int h, int w, int dy, int dx,
                            int *compared)
{
    double gap = kind == G_SIGNED ? -INFINITY : 0;
    *compared = 0;
    if (kind == G_REVERSED) {
        dy = -dy;
        dx = -dx;
    }
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            int fy = kind == G_NOT_MOVED ? y : y - dy, fx = kind == G_NOT_MOVED ? x : x - dx;
            if (kind == G_BORDER_CLAMP) {
                fy = fy < 0 ? 0 : fy >= h ? h - 1 : fy;
                fx = fx < 0 ? 0 : fx >= w ? w - 1 : fx;
            } else if (kind == G_BORDER_WRAP) {
                fy = ((fy % h) + h) % h;
                fx = ((fx % w) + w) % w;
            }
            if (fy < 0 || fy >= h || fx < 0 || fx >= w)
                continue;
            double d = moved[y * w + x] - map[fy * w + fx];
            gap = kind == G_SIGNED ? fmax(gap, d) : fmax(gap, fabs(d));
            (*compared)++;
        }
    return gap;
}

/* A map (h, w) and its "moved" map: the map moved by (dy, dx) where it has
 * a counterpart, with two planted differences (-0.75 and +0.5), and 100 + i
 * in the border band. */
static void planted_maps(int h, int w, int dy, int dx, double *map, double *moved)
{
    rng_t r = rng_seeded(7);
    int planted = 0;
    for (int i = 0; i < h * w; i++)
        map[i] = rng_uniform_range(&r, -1, 1);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            int fy = y - dy, fx = x - dx;
            if (fy < 0 || fy >= h || fx < 0 || fx >= w) {
                moved[y * w + x] = 100 + y * w + x;
                continue;
            }
            moved[y * w + x] = map[fy * w + fx];
            if (planted < 2 && (y * w + x) % 5 == 3)
                moved[y * w + x] += planted++ == 0 ? -0.75 : 0.5;
        }
}

static void diagnose_gap(const double *map, const double *moved, int h, int w, int dy, int dx, double gap,
                         int compared)
{
    static const char *messages[N_G] = {
        NULL,
        "the border band was compared too (with positions clamped to the edge): its values came from zero fill, "
        "not from the image, and have no counterpart; compare only where 0 <= y - dy < h and 0 <= x - dx < w",
        "the border band was compared too (wrapped around to the other side): it has no counterpart; compare "
        "only where 0 <= y - dy < h and 0 <= x - dx < w",
        "the shift was undone the wrong way: moved_map[y][x] corresponds to map[y - dy][x - dx], where the "
        "pixel came from, not map[y + dy][x + dx]",
        "the maps were compared position by position, without undoing the shift: an equivariant layer moves its "
        "output WITH the input, so compare moved_map[y][x] with map[y - dy][x - dx]",
        "the largest difference was taken with its sign: a difference of -0.75 is as large as +0.75; take "
        "fabs() before the maximum",
    };
    int n, want_n;
    double want = reference_gap(G_RIGHT, map, moved, h, w, dy, dx, &want_n);
    if (gap == 0 && compared == SENTINEL) {
        task_diagnose("nothing came back: return the largest |difference| and set *compared");
        return;
    }
    if (fabs(gap - want) <= 1e-12) {
        task_diagnose("the largest difference is right but *compared is not: the positions with a counterpart "
                      "are (h - |dy|) * (w - |dx|) = %d; count each one you compare", want_n);
        return;
    }
    for (int kind = G_BORDER_CLAMP; kind < N_G; kind++) {
        double bad = reference_gap(kind, map, moved, h, w, dy, dx, &n);
        if (fabs(bad - want) <= 1e-12 && n == want_n)
            continue;                            /* this shift does not tell the mistake apart */
        if (fabs(bad - gap) <= 1e-12 && (kind == G_SIGNED || n == compared || compared == SENTINEL)) {
            task_diagnose("%s", messages[kind]);
            return;
        }
    }
}

static void check_gap(int h, int w, int dy, int dx)
{
    double map[MAX_PIXELS], moved[MAX_PIXELS];
    int compared = (int)SENTINEL, want_n;
    planted_maps(h, w, dy, dx, map, moved);
    double gap = CALL(equivariance_gap(map, moved, h, w, dy, dx, &compared));
    double want = reference_gap(G_RIGHT, map, moved, h, w, dy, dx, &want_n);
    if (fabs(gap - want) > 1e-12 || compared != want_n)
        diagnose_gap(map, moved, h, w, dy, dx, gap, compared);
    char what[128];
    snprintf(what, sizeof what, "the gap for a %dx%d map moved by dy = %d, dx = %d (differences -0.75 and +0.5 "
             "planted)", h, w, dy, dx);
    task_expect_near(what, want, gap, 1e-12);
    task_expect_int("positions compared", want_n, compared);
}

/* A valid 3x3 convolution of a random 9x9 image and of the image moved by
 * (2, -1) (the checks' own code): the gap is exactly 0. */
static void check_real_convolution(void)
{
    enum { H = 9, W = 9, K = 3, O = H - K + 1 };
    double image[H * W], moved[H * W], filter[K * K], map[O * O], moved_map[O * O];
    rng_t r = rng_seeded(3);
    for (int i = 0; i < H * W; i++)
        image[i] = rng_uniform(&r);
    for (int i = 0; i < K * K; i++)
        filter[i] = rng_uniform_range(&r, -1, 1);
    reference_shift(S_RIGHT, image, H, W, 2, -1, 0, moved);
    for (int y = 0; y < O; y++)
        for (int x = 0; x < O; x++) {
            map[y * O + x] = moved_map[y * O + x] = 0;
            for (int ky = 0; ky < K; ky++)
                for (int kx = 0; kx < K; kx++) {
                    map[y * O + x] += image[(y + ky) * W + x + kx] * filter[ky * K + kx];
                    moved_map[y * O + x] += moved[(y + ky) * W + x + kx] * filter[ky * K + kx];
                }
        }
    int compared = (int)SENTINEL;
    double gap = CALL(equivariance_gap(map, moved_map, O, O, 2, -1, &compared));
    task_expect_near("the gap of a real 3x3 convolution of a 9x9 image moved by (2, -1): exactly 0", 0, gap, 0);
    task_expect_int("positions compared: (7 - 2) * (7 - 1)", 30, compared);
}

static void task_gap(void)
{
    task_begin(4, "equivariance checked: the largest difference where the maps correspond",
               HINTS("Move back by the same amount and compare value with value, but only where both maps have a "
                     "value to compare: the border band of the moved map came from zero fill, not from the image.",
                     "gap = max |moved_map[y][x] - map[y - dy][x - dx]| over 0 <= y - dy < h, 0 <= x - dx < w; "
                     "compared = (h - |dy|) * (w - |dx|).",
                     "gap = 0, *compared = 0; two loops over y and x of moved_map; from_y = y - dy, from_x = x - dx; "
                     "skip (continue) when either is outside; else gap = fmax(gap, fabs(difference)) and "
                     "(*compared)++. Return gap."));
    static const int cases[][4] = { { 6, 7, 2, 1 }, { 6, 7, -1, 3 }, { 5, 5, 0, 0 }, { 6, 7, 0, -2 } };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++)
        if (task_diagnoses() == 0)               /* one report of a named mistake is enough */
            check_gap(cases[c][0], cases[c][1], cases[c][2], cases[c][3]);
    if (task_diagnoses() == 0)
        check_real_convolution();
    task_end();
}

/* ---------------------------------------------------------------- task 5: the verdict */

enum { V_RIGHT, V_SD_OVER_N, V_NO_SQRT_N, V_SQRT_N_MINUS_1, V_THREE_SE, V_REVERSED, N_V };

/* The interval of the mean of a - b (or b - a) and the verdict on "a lower", right or with one mistake. */
static int reference_verdict(int kind, const double *a, const double *b, int n, double t, double *lo, double *hi)
{
    double sum = 0, squares = 0, sign = kind == V_REVERSED ? -1 : 1;
    for (int i = 0; i < n; i++)
        sum += sign * (a[i] - b[i]);
    double mean = sum / n;
    for (int i = 0; i < n; i++)
        squares += (sign * (a[i] - b[i]) - mean) * (sign * (a[i] - b[i]) - mean);
    double sd = sqrt(squares / (kind == V_SD_OVER_N ? n : n - 1));
    double se = kind == V_NO_SQRT_N ? sd : kind == V_SQRT_N_MINUS_1 ? sd / sqrt(n - 1.0) : sd / sqrt(n);
    double times = kind == V_THREE_SE ? 3 : t;
    *lo = mean - times * se;
    *hi = mean + times * se;
    return *hi < 0 ? 1 : *lo > 0 ? -1 : 0;
}

static const char *verdict_word(int v)
{
    return v == 1 ? "+1 (shown)" : v == -1 ? "-1 (contradicted)" : v == 0 ? "0 (not shown)" : "not a verdict";
}

static void diagnose_verdict(const double *a, const double *b, int n, double t, double lo, double hi, int v)
{
    double want_lo, want_hi;
    int want = reference_verdict(V_RIGHT, a, b, n, t, &want_lo, &want_hi);
    if (lo == SENTINEL || hi == SENTINEL) {
        task_diagnose("nothing was written into %s: the function reports the interval through the pointers "
                      "(*lo = ...)", lo == SENTINEL ? "*lo" : "*hi");
        return;
    }
    if (fabs(lo - want_lo) < 1e-9 && fabs(hi - want_hi) < 1e-9 && v != want) {
        if (want == 0 && v == 1)
            task_diagnose("the interval is right, but %.4g to %.4g contains 0: the claim is not shown", lo, hi);
        else
            task_diagnose("the interval is right, %.4g to %.4g, but the verdict is %s: +1 when the whole interval "
                          "is below 0, -1 when it is wholly above, 0 when it contains 0", lo, hi, verdict_word(v));
        return;
    }
    for (int kind = V_SD_OVER_N; kind < N_V; kind++) {
        double bad_lo, bad_hi;
        reference_verdict(kind, a, b, n, t, &bad_lo, &bad_hi);
        if (fabs(lo - bad_lo) > 1e-9 || fabs(hi - bad_hi) > 1e-9)
            continue;
        if (kind == V_SD_OVER_N)
            task_diagnose("the differences' spread was divided by n: it is a sample's, measured from its own "
                          "mean: n - 1, as in task 1");
        else if (kind == V_NO_SQRT_N)
            task_diagnose("the interval used the spread of one difference; the mean of n differences varies less: "
                          "its standard error is the sd divided by sqrt(n)");
        else if (kind == V_SQRT_N_MINUS_1)
            task_diagnose("the standard error was divided by sqrt(n - 1): n - 1 is already in the sd; the mean of "
                          "n differences has standard error sd / sqrt(n)");
        else if (kind == V_THREE_SE)
            task_diagnose("that is 3 standard errors either side, the old rule of thumb; with %d seeds the 95%% "
                          "interval needs t = %.3f of them (passed in as t)", n, t);
        else
            task_diagnose("the differences were taken b - a: the claim is that a is lower, so d = a - b and "
                          "\"shown\" means the interval lies below 0");
        return;
    }
}

static void check_verdict(const double *a, const double *b, int n, double t, const char *what)
{
    double lo = SENTINEL, hi = SENTINEL, want_lo, want_hi;
    int v = CALL(lower_verdict(a, b, n, t, &lo, &hi));
    int want = reference_verdict(V_RIGHT, a, b, n, t, &want_lo, &want_hi);
    if (v != want || fabs(lo - want_lo) > 1e-9 || fabs(hi - want_hi) > 1e-9)
        diagnose_verdict(a, b, n, t, lo, hi, v);
    char label[200];
    snprintf(label, sizeof label, "lower end of the 95%% interval, %s", what);
    task_expect_near(label, want_lo, lo, 1e-9);
    snprintf(label, sizeof label, "upper end of the 95%% interval, %s", what);
    task_expect_near(label, want_hi, hi, 1e-9);
    snprintf(label, sizeof label, "the verdict on \"a is lower\", %s: %s", what, verdict_word(want));
    task_expect_int(label, want, v);
}

static void task_verdict(void)
{
    task_begin(5, "the verdict on a claim, from paired seeds and Student's t",
               HINTS("Each seed gives one difference a - b; the mean of the differences is the estimate, and its "
                     "standard error (the spread of one difference, shrunk by the square root of the number of "
                     "seeds) says how far it may be off. t standard errors either way give the 95% interval; the "
                     "verdict is where 0 lies.",
                     "d[i] = a[i] - b[i]; mean = (1/n) sum d[i]; sd = sqrt( sum (d[i] - mean)^2 / (n - 1) ); "
                     "se = sd / sqrt(n); lo = mean - t se, hi = mean + t se. For d = -1, -2, -3 and t = 4.303: "
                     "mean -2, sd 1, se 0.577, interval -4.48 to +0.48: 0.",
                     "two loops as in task 1, on a[i] - b[i]; then *lo and *hi; return hi < 0 ? 1 : lo > 0 ? -1 : 0. "
                     "No array is needed: recompute a[i] - b[i] in each loop."));
    /* A lower in every seed by 1, 2, 3: 3.46 standard errors, not the 4.303 of t(2). */
    static const double zeros[3] = { 0, 0, 0 }, steps[3] = { 1, 2, 3 };
    static const double a5[5] = { 1.0, 1.0, 1.2, 0.9, 1.1 }, b5[5] = { 2.0, 2.2, 2.0, 2.0, 2.0 };
    static const double a2[2] = { 3.0, 2.5 }, b2[2] = { 2.5, 1.0 };
    check_verdict(zeros, steps, 3, 4.303, "a lower by 1, 2 and 3 in 3 seeds, t = 4.303");
    if (task_diagnoses() == 0)                   /* one report of a named mistake is enough */
        check_verdict(a5, b5, 5, 2.776, "a lower by 1.0, 1.2, 0.8, 1.1, 0.9 in 5 seeds, t = 2.776");
    if (task_diagnoses() == 0)
        check_verdict(b5, a5, 5, 2.776, "the same the other way round");
    if (task_diagnoses() == 0)
        check_verdict(a2, b2, 2, 12.706, "a higher by 0.5 and 1.5 in 2 seeds, t = 12.706");
    task_end();
}

int main(int argc, char **argv)
{
    static const exercise_task tasks[] = { task_spread, task_epochs, task_shift, task_gap, task_verdict };
    return exercise_main(argc, argv, "exercise 15 (the statistics of an experiment)", tasks,
                         (int)(sizeof tasks / sizeof tasks[0]));
}
