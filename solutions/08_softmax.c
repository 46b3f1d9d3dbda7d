/* solutions/08_softmax.c: exercise 08, solved.
 * The task statement is at the top of exercises/08_softmax.c. */
#include "08_softmax.h"

#include <math.h>

/* TODO 1 */
void softmax_stable(const double *z, double *p, int n)
{
    double m = z[0], sum = 0;
    for (int i = 1; i < n; i++)
        if (z[i] > m)
            m = z[i];
    for (int i = 0; i < n; i++) {
        p[i] = exp(z[i] - m);    /* z_i - m <= 0, so p_i <= 1: no overflow */
        sum += p[i];             /* >= 1 (the max contributes e^0): no 0 / 0 */
    }
    for (int i = 0; i < n; i++)
        p[i] /= sum;
}

/* TODO 2 */
void one_hot_label(int label, double *y, int n)
{
    for (int i = 0; i < n; i++)
        y[i] = i == label ? 1 : 0;
}

/* TODO 3 */
double cross_entropy_loss(const double *p, const double *y, int n)
{
    double loss = 0;
    for (int i = 0; i < n; i++)
        if (y[i] != 0)
            loss -= y[i] * log(p[i]);   /* the label weighs the log of the prediction */
    return loss;
}

/* TODO 4 */
void softmax_ce_logit_grad(const double *z, int label, double *dz, int n)
{
    softmax_stable(z, dz, n);   /* dz = p */
    dz[label] -= 1;             /* dz = p - y */
}
