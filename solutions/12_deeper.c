/* solutions/12_deeper.c: exercise 12, solved.
 * The task statement is at the top of exercises/12_deeper.c. */
#include "12_deeper.h"

/* TODO 1 */
void dropout_mask_from_draws(const double *u, double rate, double *mask, int n)
{
    double keep_scale = 1 / (1 - rate);          /* each kept number: x / P(kept) */
    for (int i = 0; i < n; i++)
        mask[i] = u[i] >= rate ? keep_scale : 0;  /* P(u < rate) = rate: dropped */
}

/* TODO 2 */
void dropout_layer_forward(const double *x, const double *u, double rate, int training, double *mask, double *y,
                           int n)
{
    if (training) {
        dropout_mask_from_draws(u, rate, mask, n);
    } else {
        for (int i = 0; i < n; i++)
            mask[i] = 1;                            /* test mode: the identity */
    }
    for (int i = 0; i < n; i++)
        y[i] = x[i] * mask[i];
}

/* TODO 3 */
void dropout_layer_backward(const double *dy, const double *mask, double *dx, int n)
{
    for (int i = 0; i < n; i++)
        dx[i] = dy[i] * mask[i];                  /* dy/dx = mask */
}
