/* tests/exercise_09.c: the checks for exercise 09 (optimisers).
 * Built against solutions/09_optimisers.c by `make test` and against
 * exercises/09_optimisers.c by `make check EX=09`.
 *
 * Every expected value is computed here by a reference version of the rule;
 * the likely bugs are computed the same way (a reference with the bug in
 * it), so a wrong answer can be matched to the bug that gives it.
 *
 * The reference code (the EXERCISE_REFERENCE blocks) is the
 * instructor's: make expected stores what it computes in
 * tests/expected/exercise_09.txt (STORED_VALUES), make test checks the file
 * against it, and the handout has it cut out and reads the file instead. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "09_optimisers.h"
#include "exercise.h"

#define TOL 1e-12
#define MATCH 1e-9   /* for recognising a bug's fingerprint */

static int all_finite(const double *a, int n)
{
    for (int i = 0; i < n; i++)
        if (!isfinite(a[i]))
            return 0;
    return 1;
}

/* ------------------------------------------------------------ task 1: gradient descent */

static void check_gd_first_step(void)
{
    const double start[4] = { 1, -2, 0.5, 3 }, g[4] = { 2, -1, 0.25, 0 };
    const double lr = 0.1;
    double w[4], g_copy[4], expected[4], ascent[4], no_lr[4], no_old[4];
    memcpy(w, start, sizeof w);
    memcpy(g_copy, g, sizeof g_copy);
#ifdef EXERCISE_REFERENCE
    for (int i = 0; i < 4; i++) {
        expected[i] = start[i] - lr * g[i];
        ascent[i] = start[i] + lr * g[i];
        no_lr[i] = start[i] - g[i];
        no_old[i] = -lr * g[i];
    }
#endif
    STORED_VALUES("w after one step", expected, 4);
    STORED_VALUES("w after one step uphill", ascent, 4);
    STORED_VALUES("w after one step without lr", no_lr, 4);
    STORED_VALUES("-lr * g, the old w thrown away", no_old, 4);
    CALL(gd_update(w, g_copy, 4, lr));
    if (arrays_near(w, start, 4, 0))
        task_diagnose("w is unchanged: nothing was written back into w[i]");
    else if (arrays_near(w, ascent, 4, MATCH))
        task_diagnose("you added the gradient instead of subtracting it (ascent, not descent): "
                      "w[i] -= lr * g[i] walks downhill");
    else if (arrays_near(w, no_lr, 4, MATCH))
        task_diagnose("w moved by the whole gradient: did you forget to multiply it by lr?");
    else if (arrays_near(w, no_old, 4, MATCH))
        task_diagnose("w[i] = -lr * g[i] throws the old value away: the step is w[i] = w[i] - lr * g[i]");
    else if (fabs(w[0] - expected[0]) < MATCH && arrays_near(w + 1, start + 1, 3, 0))
        task_diagnose("only w[0] changed: does the loop run over all n parameters?");
    task_expect_array("w after one step (w = [1 -2 0.5 3], g = [2 -1 0.25 0], lr 0.1)", expected, w, 4, TOL);
    if (!arrays_near(g_copy, g, 4, 0))
        task_diagnose("g was changed: the gradient is an input, only w is updated");
}

/* Ten steps down L(a) = (a - 3)^2 from a = 0: the table of lesson 09, step 2. */
static void check_gd_on_parabola(double lr)
{
    double a = 0, reference = 0;
    char what[96];
#ifdef EXERCISE_REFERENCE
    for (int step = 0; step < 10; step++)
        reference -= lr * 2 * (reference - 3);
#endif
    snprintf(what, sizeof what, "a after 10 steps, lr %g", lr);
    STORED_VALUES(what, &reference, 1);
    for (int step = 0; step < 10; step++) {
        double g = 2 * (a - 3);
        CALL(gd_update(&a, &g, 1, lr));
    }
    snprintf(what, sizeof what, "a after 10 steps down (a - 3)^2 from 0, lr %g", lr);
    task_expect_near(what, reference, a, 1e-9);
}

static void task_gradient_descent(void)
{
    task_begin(1, "gradient descent",
               HINTS("Move every weight a small step downhill: against its gradient.",
                     "w <- w - lr * g.",
                     "for each i: w[i] -= lr * g[i]. The minus sign makes it go downhill: "
                     "where the slope is positive, w decreases. One loop over i; subtract "
                     "(not add: that climbs the hill) lr times the gradient. With w = 1, g = "
                     "2, lr = 0.1 the new w is 0.8."));
    check_gd_first_step();
    check_gd_on_parabola(0.05);   /* too small */
    check_gd_on_parabola(0.3);    /* about right */
    check_gd_on_parabola(0.8);    /* oscillates */
    check_gd_on_parabola(1.1);    /* diverges: a is about -15.6 after 10 steps */
    task_end();
}

/* ------------------------------------------------------------ task 2: momentum */

enum { MOM_RIGHT, MOM_W_FIRST, MOM_ASCENT, MOM_DAMPENED, MOM_NO_STORE, N_MOM };

/* The reference, and the same step with one bug in it. */
#ifdef EXERCISE_REFERENCE
static void ref_momentum_variant(int variant, double *w, const double *g, double *vel, int n, double lr, double mu)
{
    for (int i = 0; i < n; i++) {
        double v_new = mu * vel[i] + g[i];
        switch (variant) {
        case MOM_RIGHT:    vel[i] = v_new; w[i] -= lr * vel[i]; break;
        case MOM_W_FIRST:  w[i] -= lr * vel[i]; vel[i] = v_new; break;
        case MOM_ASCENT:   vel[i] = v_new; w[i] += lr * vel[i]; break;
        case MOM_DAMPENED: vel[i] = mu * vel[i] + (1 - mu) * g[i]; w[i] -= lr * vel[i]; break;
        case MOM_NO_STORE: w[i] -= lr * v_new; break;
        }
    }
}
#endif

/* Three steps with changing gradients: checks w and the velocity after each. */
static void check_momentum_steps(void)
{
    static const double grads[3][2] = { { 1, -2 }, { 0.5, 1 }, { -1, 0.5 } };
    const double lr = 0.1, mu = 0.9;
    double w[2] = { 1, -2 }, vel[2] = { 0, 0 };
    double steps_w[3][N_MOM][2], steps_v[3][N_MOM][2];   /* after each step, right and with each bug */
#ifdef EXERCISE_REFERENCE
    double rw[N_MOM][2], rv[N_MOM][2];
    for (int k = 0; k < N_MOM; k++) {
        rw[k][0] = 1, rw[k][1] = -2;
        rv[k][0] = 0, rv[k][1] = 0;
    }
    for (int step = 1; step <= 3; step++) {
        for (int k = 0; k < N_MOM; k++)
            ref_momentum_variant(k, rw[k], grads[step - 1], rv[k], 2, lr, mu);
        memcpy(steps_w[step - 1], rw, sizeof rw);
        memcpy(steps_v[step - 1], rv, sizeof rv);
    }
#endif
    STORED_VALUES("w after steps 1, 2, 3: right, then with each bug", &steps_w[0][0][0], 3 * N_MOM * 2);
    STORED_VALUES("velocity after steps 1, 2, 3: right, then with each bug", &steps_v[0][0][0], 3 * N_MOM * 2);
    for (int step = 1; step <= 3; step++) {
        double g[2] = { grads[step - 1][0], grads[step - 1][1] };
        double (*ref_w)[2] = steps_w[step - 1], (*ref_v)[2] = steps_v[step - 1];
        CALL(momentum_update(w, g, vel, 2, lr, mu));
        if (!arrays_near(w, ref_w[MOM_RIGHT], 2, TOL) || !arrays_near(vel, ref_v[MOM_RIGHT], 2, TOL)) {
            const double minus_lr_v[2] = { -lr * ref_v[MOM_RIGHT][0], -lr * ref_v[MOM_RIGHT][1] };
            const double lr_v[2] = { lr * ref_v[MOM_RIGHT][0], lr * ref_v[MOM_RIGHT][1] };
            if (step == 1 && arrays_near(w, (const double[2]){ 1, -2 }, 2, 0))
                task_diagnose("w did not move on the first step: %s",
                              arrays_near(vel, ref_v[MOM_RIGHT], 2, MATCH)
                                  ? "momentum: velocity must be updated before the weights (w moved with the "
                                    "old, zero velocity)"
                                  : "nothing was written into w[i]");
            else if (arrays_near(w, ref_w[MOM_W_FIRST], 2, MATCH))
                task_diagnose("momentum: velocity must be updated before the weights; w used last step's velocity");
            else if (arrays_near(w, ref_w[MOM_ASCENT], 2, MATCH))
                task_diagnose("you added lr * velocity instead of subtracting it (ascent, not descent)");
            else if (arrays_near(w, ref_w[MOM_DAMPENED], 2, MATCH))
                task_diagnose("the gradient was scaled by (1 - momentum): that is the 'exponential average' "
                              "form; this contract (PyTorch's) adds g itself: v = momentum * v + g");
            else if (arrays_near(w, ref_w[MOM_NO_STORE], 2, MATCH) && arrays_near(vel, (const double[2]){ 0, 0 }, 2, 0))
                task_diagnose("the velocity array stays 0: store the new velocity in velocity[i], or every "
                              "step forgets the past and momentum does nothing");
            else if (arrays_near(w, ref_w[MOM_RIGHT], 2, TOL) && arrays_near(vel, minus_lr_v, 2, MATCH))
                task_diagnose("w is right but velocity holds -lr times the expected: you used the form "
                              "v = momentum v - lr g, w += v (the same path); store v = momentum * v + g");
            else if (arrays_near(w, ref_w[MOM_RIGHT], 2, TOL) && arrays_near(vel, lr_v, 2, MATCH))
                task_diagnose("w is right but velocity holds lr times the expected: you folded lr into the "
                              "velocity (v = momentum v + lr g, w -= v); store v = momentum * v + g");
            char what[64];
            snprintf(what, sizeof what, "w after step %d", step);
            task_expect_array(what, ref_w[MOM_RIGHT], w, 2, TOL);
            snprintf(what, sizeof what, "velocity after step %d", step);
            task_expect_array(what, ref_v[MOM_RIGHT], vel, 2, TOL);
            return;   /* later steps build on a wrong state: one report is enough */
        }
    }
}

/* momentum 0 must be plain gradient descent; 30 steps in a narrow valley
 * L(x, y) = (x^2 + 25 y^2) / 2 against the reference. */
static void check_momentum_paths(void)
{
    double w[2] = { 1, 1 }, vel[2] = { 0, 0 }, gd_w[2] = { 1, 1 };
    const double g[2] = { 0.3, -0.7 };
#ifdef EXERCISE_REFERENCE
    for (int step = 0; step < 3; step++)
        gd_w[0] -= 0.05 * g[0], gd_w[1] -= 0.05 * g[1];
#endif
    STORED_VALUES("w after three plain descent steps", gd_w, 2);
    for (int step = 0; step < 3; step++)
        CALL(momentum_update(w, g, vel, 2, 0.05, 0));
    task_expect_array("momentum 0: three steps with g = [0.3 -0.7], lr 0.05 (plain descent)", gd_w, w, 2, TOL);

    double p[2] = { 1, 1 }, pv[2] = { 0, 0 }, ref[2] = { 1, 1 };
#ifdef EXERCISE_REFERENCE
    double ref_v[2] = { 0, 0 };
    for (int step = 0; step < 30; step++) {
        double ref_grad[2] = { ref[0], 25 * ref[1] };
        ref_momentum_variant(MOM_RIGHT, ref, ref_grad, ref_v, 2, 0.03, 0.9);
    }
#endif
    STORED_VALUES("(x, y) after 30 steps in the valley", ref, 2);
    for (int step = 0; step < 30; step++) {
        double grad[2] = { p[0], 25 * p[1] };
        CALL(momentum_update(p, grad, pv, 2, 0.03, 0.9));
    }
    task_expect_array("(x, y) after 30 steps in the valley (x^2 + 25 y^2) / 2, lr 0.03, momentum 0.9",
                      ref, p, 2, 1e-9);
}

static void task_momentum(void)
{
    task_begin(2, "SGD with momentum (the PyTorch form)",
               HINTS("Momentum keeps a running velocity: the gradients of the past keep "
                     "pushing, like a ball rolling downhill.",
                     "v <- momentum * v + g, then w <- w - lr * v (with the new v).",
                     "two lines per i, in this order: first velocity[i] = momentum * "
                     "velocity[i] + g[i], then w[i] -= lr * velocity[i] with the new "
                     "velocity. Update velocity[i] first, then use the NEW velocity to move "
                     "w[i]. With velocity 0 (the first step) this is exactly gd_update."));
    check_momentum_steps();
    check_momentum_paths();
    task_end();
}

/* ------------------------------------------------------------ task 3: Adam */

enum { ADAM_RIGHT, ADAM_NO_CORRECTION, ADAM_NO_M_CORRECTION, ADAM_NO_V_CORRECTION, ADAM_T_PLUS_ONE,
       ADAM_EPS_INSIDE, ADAM_ASCENT, ADAM_SWAPPED_BETAS, ADAM_STORES_CORRECTED, N_ADAM };

#ifdef EXERCISE_REFERENCE
static void ref_adam_variant(int variant, double *w, const double *g, double *m, double *v, int n,
                         double lr, double b1, double b2, double eps, int t)
{
    int tt = variant == ADAM_T_PLUS_ONE ? t + 1 : t;
    double c1 = 1 - pow(b1, tt), c2 = 1 - pow(b2, tt);
    if (variant == ADAM_NO_CORRECTION || variant == ADAM_NO_M_CORRECTION)
        c1 = 1;
    if (variant == ADAM_NO_CORRECTION || variant == ADAM_NO_V_CORRECTION)
        c2 = 1;
    for (int i = 0; i < n; i++) {
        if (variant == ADAM_SWAPPED_BETAS) {
            m[i] = (1 - b1) * m[i] + b1 * g[i];
            v[i] = (1 - b2) * v[i] + b2 * g[i] * g[i];
        } else {
            m[i] = b1 * m[i] + (1 - b1) * g[i];
            v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
        }
        double m_hat = m[i] / c1, v_hat = v[i] / c2;
        double step = variant == ADAM_EPS_INSIDE ? lr * m_hat / sqrt(v_hat + eps)
                                                 : lr * m_hat / (sqrt(v_hat) + eps);
        w[i] += variant == ADAM_ASCENT ? step : -step;
        if (variant == ADAM_STORES_CORRECTED)
            m[i] = m_hat, v[i] = v_hat;
    }
}
#endif

/* The first step: with the correction, every weight moves by about lr. */
static void check_adam_first_step(void)
{
    const double g[3] = { 0.5, -2, 1e-3 }, lr = 0.1, b1 = 0.9, b2 = 0.999, eps = 1e-8;
    double w[3] = { 0, 0, 0 }, m[3] = { 0 }, v[3] = { 0 }, g_copy[3];
    double ref[N_ADAM][3];
    memcpy(g_copy, g, sizeof g_copy);
    CALL(adam_update(w, g_copy, m, v, 3, lr, b1, b2, eps, 1));
#ifdef EXERCISE_REFERENCE
    for (int k = 0; k < N_ADAM; k++) {
        double rw[3] = { 0, 0, 0 }, rm[3] = { 0 }, rv[3] = { 0 };
        ref_adam_variant(k, rw, g, rm, rv, 3, lr, b1, b2, eps, 1);
        memcpy(ref[k], rw, sizeof rw);
    }
#endif
    STORED_VALUES("w after the first step: right, then with each bug", &ref[0][0], N_ADAM * 3);
    const double sgd[3] = { -lr * g[0], -lr * g[1], -lr * g[2] };
    if (!arrays_near(w, ref[ADAM_RIGHT], 3, TOL)) {
        double moved = fabs(w[0]);
        if (!all_finite(w, 3))
            task_diagnose("w is inf or nan after the first step: 1 - beta^t is 0 when the exponent is 0; "
                          "t is already 1 at the first call (did you use t - 1?)");
        else if (arrays_near(w, (const double[3]){ 0, 0, 0 }, 3, 0))
            task_diagnose("w did not move: nothing was written back into w[i]");
        else if (arrays_near(w, sgd, 3, MATCH))
            task_diagnose("after one step Adam moved w by lr * g (a plain gradient step) instead of about "
                          "lr: divide m_hat by sqrt(v_hat) + eps");
        else if (arrays_near(w, ref[ADAM_NO_CORRECTION], 3, MATCH))
            task_diagnose("after one step Adam moved w[0] by %.4g = 3.16 lr instead of about lr: did you forget "
                          "the bias correction m / (1 - beta1^t) and v / (1 - beta2^t)?", moved);
        else if (arrays_near(w, ref[ADAM_NO_M_CORRECTION], 3, MATCH))
            task_diagnose("after one step Adam moved w[0] by %.4g = 0.1 lr instead of about lr: did you forget "
                          "the bias correction of the mean, m_hat = m / (1 - beta1^t)?", moved);
        else if (arrays_near(w, ref[ADAM_NO_V_CORRECTION], 3, MATCH))
            task_diagnose("after one step Adam moved w[0] by %.4g = 31.6 lr instead of about lr: did you forget "
                          "the bias correction of v, v_hat = v / (1 - beta2^t)?", moved);
        else if (arrays_near(w, ref[ADAM_T_PLUS_ONE], 3, MATCH))
            task_diagnose("the bias correction used t + 1: t is already 1 at the first call, so use "
                          "pow(beta, t)");
        else if (arrays_near(w, ref[ADAM_SWAPPED_BETAS], 3, MATCH))
            task_diagnose("beta and 1 - beta are swapped: m = beta1 * m + (1 - beta1) * g keeps 90%% of the "
                          "old m and adds 10%% of g");
        else if (arrays_near(w, ref[ADAM_EPS_INSIDE], 3, MATCH))
            task_diagnose("eps went inside the square root; it belongs outside: sqrt(v_hat) + eps "
                          "(w[2], with the small gradient 0.001, shows the difference)");
        else if (arrays_near(w, ref[ADAM_ASCENT], 3, MATCH))
            task_diagnose("you added the step instead of subtracting it (ascent, not descent)");
    }
    task_expect_array("w after Adam's first step (g = [0.5 -2 0.001], lr 0.1)", ref[ADAM_RIGHT], w, 3, TOL);
    if (!arrays_near(g_copy, g, 3, 0))
        task_diagnose("g was changed: the gradient is an input, only w, m and v are updated");
}

/* Five steps with changing gradients: w, m and v against the reference. */
static void check_adam_steps(void)
{
    static const double grads[5][2] = { { 1, -0.5 }, { 0.8, 0.1 }, { -0.2, 0.4 }, { 0.5, -1 }, { 0.3, 0.2 } };
    const double lr = 0.05, b1 = 0.9, b2 = 0.999, eps = 1e-8;
    double w[2] = { 1, -1 }, m[2] = { 0, 0 }, v[2] = { 0, 0 };
    double steps[5][5][2];   /* after each step t: w, m, v, then m and v when the corrected ones are stored */
#ifdef EXERCISE_REFERENCE
    double rw[2] = { 1, -1 }, rm[2] = { 0, 0 }, rv[2] = { 0, 0 };
    double bw[2] = { 1, -1 }, bm[2] = { 0, 0 }, bv[2] = { 0, 0 };
    for (int t = 1; t <= 5; t++) {
        ref_adam_variant(ADAM_RIGHT, rw, grads[t - 1], rm, rv, 2, lr, b1, b2, eps, t);
        ref_adam_variant(ADAM_STORES_CORRECTED, bw, grads[t - 1], bm, bv, 2, lr, b1, b2, eps, t);
        memcpy(steps[t - 1][0], rw, sizeof rw);
        memcpy(steps[t - 1][1], rm, sizeof rm);
        memcpy(steps[t - 1][2], rv, sizeof rv);
        memcpy(steps[t - 1][3], bm, sizeof bm);
        memcpy(steps[t - 1][4], bv, sizeof bv);
    }
#endif
    STORED_VALUES("w, m, v after steps t = 1..5, then m, v if the corrected ones are stored", &steps[0][0][0], 5 * 5 * 2);
    for (int t = 1; t <= 5; t++) {
        double g[2] = { grads[t - 1][0], grads[t - 1][1] };
        const double *ref_w = steps[t - 1][0], *ref_m = steps[t - 1][1], *ref_v = steps[t - 1][2];
        const double *bad_m = steps[t - 1][3], *bad_v = steps[t - 1][4];
        CALL(adam_update(w, g, m, v, 2, lr, b1, b2, eps, t));
        if (arrays_near(w, ref_w, 2, TOL) && arrays_near(m, ref_m, 2, TOL) && arrays_near(v, ref_v, 2, TOL))
            continue;
        if (arrays_near(m, bad_m, 2, MATCH) && arrays_near(v, bad_v, 2, MATCH))
            task_diagnose("m and v hold the bias-corrected values: store m and v themselves and correct "
                          "a copy (m_hat, v_hat) for the step; the correction is recomputed from t each time");
        else if (t > 1 && arrays_near(m, (const double[2]){ (1 - b1) * g[0], (1 - b1) * g[1] }, 2, MATCH))
            task_diagnose("m forgets the past: it should be beta1 * m + (1 - beta1) * g with the m passed in");
        char what[64];
        snprintf(what, sizeof what, "w after step t = %d", t);
        task_expect_array(what, ref_w, w, 2, TOL);
        snprintf(what, sizeof what, "m after step t = %d", t);
        task_expect_array(what, ref_m, m, 2, TOL);
        snprintf(what, sizeof what, "v after step t = %d", t);
        task_expect_array(what, ref_v, v, 2, TOL);
        return;
    }
}

/* 100 Adam steps down L(a) = (a - 3)^2 from 0 with lr 0.1. */
static void check_adam_on_parabola(void)
{
    double a = 0, m = 0, v = 0, ref = 0;
#ifdef EXERCISE_REFERENCE
    double ref_m = 0, ref_v = 0;
    for (int t = 1; t <= 100; t++) {
        double ref_g = 2 * (ref - 3);
        ref_adam_variant(ADAM_RIGHT, &ref, &ref_g, &ref_m, &ref_v, 1, 0.1, 0.9, 0.999, 1e-8, t);
    }
#endif
    STORED_VALUES("a after 100 Adam steps", &ref, 1);
    for (int t = 1; t <= 100; t++) {
        double g = 2 * (a - 3);
        CALL(adam_update(&a, &g, &m, &v, 1, 0.1, 0.9, 0.999, 1e-8, t));
    }
    task_expect_near("a after 100 Adam steps down (a - 3)^2 from 0, lr 0.1", ref, a, 1e-9);
}

static void task_adam(void)
{
    task_begin(3, "Adam with bias correction",
               HINTS("Adam keeps running means of the gradient and of its square, corrects "
                     "their start-up bias, and scales each weight's step by them.",
                     "m <- b1 m + (1-b1) g; v <- b2 v + (1-b2) g^2; m^ = m / (1 - b1^t); v^ ="
                     " v / (1 - b2^t); w <- w - lr m^ / (sqrt(v^) + eps).",
                     "update m and v (the running means of g and g^2), divide copies by 1 - "
                     "beta^t (pow(beta1, t), t starts at 1), then w[i] -= lr * m_hat / "
                     "(sqrt(v_hat) + eps). pow(beta1, t) from <math.h> gives beta1^t. At t = "
                     "1 the corrections give m_hat = g and v_hat = g^2, so the first step "
                     "moves every weight by about lr, whatever the size of its gradient."));
    check_adam_first_step();
    check_adam_steps();
    check_adam_on_parabola();
    task_end();
}

int main(int argc, char **argv)
{
    static const exercise_task tasks[] = { task_gradient_descent, task_momentum, task_adam };
    return exercise_main(argc, argv, "exercise 09 (optimisers)", tasks, (int)(sizeof tasks / sizeof tasks[0]));
}
