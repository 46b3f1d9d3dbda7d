/* solutions/16_train_fast.c: exercise 16 solved (see exercises/16_train_fast.c). */
#include <math.h>

#include "16_train_fast.h"

double one_cycle(long t, long T, long W, double peak)
{
    if (t < 0 || t >= T)
        return 0;
    if (t < W)
        return peak * (double)t / (double)W;             /* warm-up: 0, peak/W, ... */
    return peak * (double)(T - t) / (double)(T - W);     /* the peak at t = W, down towards 0 */
}

double smoothed_cross_entropy(const double *z, int label, double eps, int K, double *dz)
{
    double m = z[0], sum = 0, qz = 0;
    for (int k = 1; k < K; k++)
        if (z[k] > m)
            m = z[k];
    for (int k = 0; k < K; k++)
        sum += exp(z[k] - m);                             /* each term <= 1: no overflow */
    double lse = m + log(sum);                            /* ln sum_k e^{z_k} */
    for (int k = 0; k < K; k++) {
        double q = eps / K + (k == label ? 1 - eps : 0);
        double p = exp(z[k] - lse);
        qz += q * z[k];
        dz[k] = p - q;                                    /* dL/dz_k = p_k - q_k */
    }
    return lse - qz;                                      /* -sum q_k (z_k - lse), sum q_k = 1 */
}

void weight_average(double *avg, const double *w, int n, double decay)
{
    for (int i = 0; i < n; i++)
        avg[i] = decay * avg[i] + (1 - decay) * w[i];
}
