/* stats.c: see stats.h. */
#include "stats.h"

#include <math.h>

void sample_mean_sd(const double *x, int n, double *mean, double *sd)
{
    double sum = 0, squares = 0;
    if (n < 1) {
        *mean = *sd = NAN;
        return;
    }
    for (int i = 0; i < n; i++)
        sum += x[i];
    *mean = sum / n;
    for (int i = 0; i < n; i++)                   /* two passes: no cancellation of large squares */
        squares += (x[i] - *mean) * (x[i] - *mean);
    *sd = n > 1 ? sqrt(squares / (n - 1)) : NAN;
}

void sample_range(const double *x, int n, double *lo, double *hi)
{
    *lo = *hi = x[0];
    for (int i = 1; i < n; i++) {
        *lo = x[i] < *lo ? x[i] : *lo;
        *hi = x[i] > *hi ? x[i] : *hi;
    }
}

int first_epoch_reaching(const double *curve, int n, double target, int higher_is_better)
{
    for (int e = 0; e < n; e++)
        if (higher_is_better ? curve[e] >= target : curve[e] <= target)
            return e + 1;                         /* curve[0] is after epoch 1 */
    return NEVER_REACHED;
}
