/* tests/exercise_16.c: the checks for exercise 16 (one-cycle learning rate,
 * label smoothing, an average of the weights).
 * Built against solutions/16_train_fast.c by `make test` and against
 * exercises/16_train_fast.c by `make check EX=16`.
 *
 * Every result is compared with the formula computed here, and label
 * smoothing's gradient with central differences (src/gradcheck.h) of the
 * reference loss.
 *
 * The reference code (the EXERCISE_REFERENCE blocks) is the
 * instructor's: make expected stores what it computes in
 * tests/expected/exercise_16.txt (STORED_VALUES), make test checks the file
 * against it, and the handout has it cut out and reads the file instead. */
#include <math.h>
#include <stdio.h>

#include "16_train_fast.h"
#include "exercise.h"
#include "gradcheck.h"
#include "rng.h"

/* ------------------------------------------------------------------ references */
#ifdef EXERCISE_REFERENCE
static double ref_one_cycle(long t, long T, long W, double peak)
{
    if (t < 0 || t >= T)
        return 0;
    return t < W ? peak * (double)t / (double)W : peak * (double)(T - t) / (double)(T - W);
}

static double ref_smoothed(const double *z, int label, double eps, int K, double *dz)
{
    double m = z[0], sum = 0, loss = 0;
    for (int k = 1; k < K; k++)
        m = z[k] > m ? z[k] : m;
    for (int k = 0; k < K; k++)
        sum += exp(z[k] - m);
    for (int k = 0; k < K; k++) {
        double q = eps / K + (k == label ? 1 - eps : 0), logp = z[k] - m - log(sum);
        loss -= q * logp;
        if (dz)
            dz[k] = exp(logp) - q;
    }
    return loss;
}

typedef struct {
    double *z;
    int label, K;
    double eps;
} smooth_ctx;

static double ref_smooth_loss(void *ctx)   /* the reference loss, for the central differences */
{
    smooth_ctx *c = ctx;
    return ref_smoothed(c->z, c->label, c->eps, c->K, NULL);
}
#endif

/* ------------------------------------------------------------------ task 1 */

static void task_one_cycle(void)
{
    task_begin(1, "the one-cycle learning rate",
               HINTS("Two straight lines: up from 0 to the peak over the W warm-up steps, then down from "
                     "the peak to 0 at step T.",
                     "lr(t) = peak t / W for t < W; lr(t) = peak (T - t) / (T - W) for W <= t < T; 0 outside.",
                     "if (t < 0 || t >= T) return 0; if (t < W) return peak * t / W; "
                     "return peak * (T - t) / (double)(T - W); (divide in double, not in long)"));
    double want[10], got[10], want_250;
#ifdef EXERCISE_REFERENCE
    for (long t = 0; t < 10; t++)
        want[t] = ref_one_cycle(t, 10, 2, 0.2);
    want_250 = ref_one_cycle(250, 1000, 100, 0.4);
#endif
    STORED_VALUES("lr at steps 0..9 of 10", want, 10);
    STORED_VALUES("lr at step 250 of 1000", &want_250, 1);
    for (long t = 0; t < 10; t++)
        got[t] = CALL(one_cycle(t, 10, 2, 0.2));
    int all_zero = 1;
    for (int t = 0; t < 10; t++)
        all_zero &= got[t] == 0;
    if (all_zero)
        task_diagnose("the rate is 0 at every step: one_cycle returns nothing else yet");
    else if (got[0] > 0.1)
        task_diagnose("step 0 is already near the peak: the warm-up starts from 0 (lr = peak t / W)");
    else if (fabs(got[2] - want[2]) < 1e-12 && got[3] == 0 && got[5] == 0)   /* peak * ((T - t) / (T - W)) */
        task_diagnose("after the warm-up the rate is 0: is (T - t) / (T - W) computed in integers?");
    task_expect_array("lr at steps 0..9 of 10, 2 warming up, peak 0.2", want, got, 10, 1e-12);
    task_expect_near("lr at step 10 of 10 (past the end)", 0, CALL(one_cycle(10, 10, 2, 0.2)), 1e-12);
    task_expect_near("lr at step 250 of 1000, 100 warming up, peak 0.4", want_250,
                     CALL(one_cycle(250, 1000, 100, 0.4)), 1e-12);
    task_end();
}

/* ------------------------------------------------------------------ task 2 */

#define UNWRITTEN 12345.0   /* what dz holds before the call: no gradient of a softmax is that large */

static void task_smoothing(void)
{
    task_begin(2, "label smoothing: the loss and its gradient",
               HINTS("The target puts 1 - eps on the right class and shares eps equally among all K classes; "
                     "the loss is the cross-entropy against it, and its gradient is p minus the target.",
                     "q_k = (1 - eps) [k = label] + eps / K;  L = ln sum_j e^{z_j} - sum_k q_k z_k;  "
                     "dL/dz_k = softmax(z)_k - q_k.",
                     "m = max z; lse = m + log(sum exp(z_k - m)); for each k: q = eps / K + (k == label ? 1 - eps : 0); "
                     "L += q * (lse - z[k]); dz[k] = exp(z[k] - lse) - q."));
    double z[3] = { 2, 0, -1 }, want_dz[3], want0, want;
    double *dz = task_array("dz", 3, UNWRITTEN, GUARD_VALUE);   /* OVERWRITTEN by the call */
#ifdef EXERCISE_REFERENCE
    want0 = ref_smoothed(z, 0, 0, 3, NULL);
    want = ref_smoothed(z, 0, 0.1, 3, want_dz);
#endif
    STORED_VALUES("L for eps 0", &want0, 1);
    STORED_VALUES("L for eps 0.1", &want, 1);
    STORED_VALUES("dL/dz for eps 0.1", want_dz, 3);
    double got0 = CALL(smoothed_cross_entropy(z, 0, 0, 3, dz));
    task_expect_near("L for z = (2, 0, -1), label 0, eps 0 (lesson 08's cross-entropy)", want0, got0, 1e-9);
    for (int k = 0; k < 3; k++)
        dz[k] = UNWRITTEN;
    double got = CALL(smoothed_cross_entropy(z, 0, 0.1, 3, dz));
    if (dz[0] == UNWRITTEN && dz[1] == UNWRITTEN && dz[2] == UNWRITTEN)
        task_diagnose("dz was not written: it is OVERWRITTEN with dL/dz_k = p_k - q_k");
    else if (fabs(got - want0) < 1e-9)
        task_diagnose("with eps 0.1 the loss is the unsmoothed one: eps is not used");
    else if (fabs(dz[0] - (want_dz[0] - 0.1 / 3)) < 1e-6)
        task_diagnose("the right class's target is 1 - eps without its share eps / K: q_label = 1 - eps + eps / K");
    task_expect_near("L for z = (2, 0, -1), label 0, eps 0.1", want, got, 1e-9);
    task_expect_array("dL/dz for z = (2, 0, -1), label 0, eps 0.1", want_dz, dz, 3, 1e-9);

    rng_t rng = rng_seeded(16);                       /* random logits: against central differences */
    double zr[10], numeric[10], *analytic = task_array("dz", 10, UNWRITTEN, GUARD_VALUE);
    for (int k = 0; k < 10; k++)
        zr[k] = 3 * rng_normal(&rng);
#ifdef EXERCISE_REFERENCE
    smooth_ctx c = { zr, 7, 10, 0.2 };
    for (int k = 0; k < 10; k++)
        numeric[k] = numeric_derivative(&zr[k], ref_smooth_loss, &c, GRADCHECK_STEP);
#endif
    STORED_VALUES("central differences of random logits", numeric, 10);
    CALL(smoothed_cross_entropy(zr, 7, 0.2, 10, analytic));
    task_expect_array("dL/dz of random logits (10 classes, eps 0.2) against central differences", numeric, analytic,
                      10, 1e-6);

    double big[3] = { 1000, 0, -1000 }, want_big;
#ifdef EXERCISE_REFERENCE
    want_big = ref_smoothed(big, 0, 0.1, 3, NULL);
#endif
    STORED_VALUES("L for logits of 1000", &want_big, 1);
    double big_loss = CALL(smoothed_cross_entropy(big, 0, 0.1, 3, dz));
    if (!isfinite(big_loss))
        task_diagnose("logits of 1000 give %g: exp(1000) overflows; subtract the largest logit first", big_loss);
    task_expect_near("L for z = (1000, 0, -1000), label 0, eps 0.1", want_big, big_loss,
                     1e-6);
    task_end();
}

/* ------------------------------------------------------------------ task 3 */

static void task_average(void)
{
    task_begin(3, "an exponential average of the weights",
               HINTS("The average keeps most of what it was and takes a small part of the new weights.",
                     "avg <- decay * avg + (1 - decay) * w, for every weight.",
                     "for (int i = 0; i < n; i++) avg[i] = decay * avg[i] + (1 - decay) * w[i];"));
    double *avg = task_array("avg", 3, 0, GUARD_VALUE);
    double w[3] = { 1, -2, 4 }, want[3] = { 0, 0, 0 };
#ifdef EXERCISE_REFERENCE
    for (int step = 0; step < 3; step++)
        for (int i = 0; i < 3; i++)
            want[i] = 0.9 * want[i] + 0.1 * w[i];
#endif
    STORED_VALUES("avg after 3 steps", want, 3);
    for (int step = 0; step < 3; step++)
        CALL(weight_average(avg, w, 3, 0.9));
    if (fabs(avg[0] - (1 - pow(0.1, 3))) < 1e-9)
        task_diagnose("decay and 1 - decay are swapped: the average should move only 1 - decay = 0.1 of the way");
    task_expect_array("avg after 3 steps from 0 towards w = (1, -2, 4), decay 0.9", want, avg, 3, 1e-12);
    task_end();
}

int main(int argc, char **argv)
{
    static const exercise_task tasks[] = { task_one_cycle, task_smoothing, task_average };
    return exercise_main(argc, argv, "exercise 16 (training fast: one-cycle, label smoothing, averaging)", tasks,
                         (int)(sizeof tasks / sizeof tasks[0]));
}
