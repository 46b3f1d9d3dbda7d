/* solutions/02_chain_rule.c: exercise 02, solved.
 * The task statement is at the top of exercises/02_chain_rule.c. */
#include "02_chain_rule.h"

#include <math.h>

/* TODO 1 */
void graph_forward(double x, double y, double z, double *q, double *f)
{
    *q = x + y;
    *f = *q * z;
}

/* TODO 2 */
void graph_backward(double x, double y, double z, double *df_dx, double *df_dy, double *df_dz)
{
    double q = x + y;
    double df_dq = z;        /* multiply gate: the other input */
    *df_dz = q;
    *df_dx = df_dq * 1;      /* add gate: dq/dx = 1 */
    *df_dy = df_dq * 1;      /* add gate: dq/dy = 1 */
}

/* TODO 3 */
double central_slope(double (*fn)(double), double t, double h)
{
    return (fn(t + h) - fn(t - h)) / (2 * h);
}

/* TODO 4 */
double gradient_rel_error(double analytic, double numeric)
{
    return fabs(analytic - numeric) / fmax(1e-8, fabs(analytic) + fabs(numeric));
}
