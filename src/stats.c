/* stats.c: see stats.h. */
#include "stats.h"

#include <math.h>
#include <stddef.h>

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

summary summarise(const double *x, int n)
{
    summary s = { NAN, NAN, NAN, NAN, 0 };
    double sum = 0, squares = 0;
    for (int i = 0; i < n; i++)
        if (!isnan(x[i])) {
            sum += x[i];
            s.lo = s.n == 0 || x[i] < s.lo ? x[i] : s.lo;
            s.hi = s.n == 0 || x[i] > s.hi ? x[i] : s.hi;
            s.n++;
        }
    if (s.n == 0)
        return s;
    s.mean = sum / s.n;
    for (int i = 0; i < n; i++)                   /* two passes, as sample_mean_sd */
        if (!isnan(x[i]))
            squares += (x[i] - s.mean) * (x[i] - s.mean);
    s.sd = s.n > 1 ? sqrt(squares / (s.n - 1)) : NAN;
    return s;
}

int first_epoch_reaching(const double *curve, int n, double target, int higher_is_better)
{
    for (int e = 0; e < n; e++)
        if (higher_is_better ? curve[e] >= target : curve[e] <= target)
            return e + 1;                         /* curve[0] is after epoch 1 */
    return NEVER_REACHED;
}

/* NIST/SEMATECH e-Handbook, 1.3.6.7.2, column 0.975 (see stats.h). */
static const double t_table[30] = {
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,   /* df 1-10 */
    2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,    /* df 11-20 */
    2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,    /* df 21-30 */
};
static const struct { int df; double t; } t_beyond[] = { { 40, 2.021 }, { 60, 2.000 }, { 100, 1.984 } };

double t_critical_95(int df)
{
    if (df < 1)
        return NAN;
    if (df <= 30)
        return t_table[df - 1];
    double t = t_table[29];
    for (size_t i = 0; i < sizeof t_beyond / sizeof t_beyond[0]; i++)
        if (df >= t_beyond[i].df)
            t = t_beyond[i].t;
    return t;
}

interval95 paired_interval95(const double *d, int n)
{
    double kept[256], sd;
    interval95 ci = { NAN, NAN, NAN, NAN, 0 };
    for (int i = 0; i < n && ci.n < (int)(sizeof kept / sizeof kept[0]); i++)
        if (!isnan(d[i]))
            kept[ci.n++] = d[i];
    if (ci.n == 0)
        return ci;
    sample_mean_sd(kept, ci.n, &ci.mean, &sd);
    if (ci.n < 2)
        return ci;
    ci.se = sd / sqrt(ci.n);
    double half = t_critical_95(ci.n - 1) * ci.se;
    ci.lo = ci.mean - half;
    ci.hi = ci.mean + half;
    return ci;
}

verdict verdict_lower(interval95 ci)
{
    if (ci.hi < 0)                              /* NaN compares false: no interval, no verdict */
        return SHOWN;
    if (ci.lo > 0)
        return CONTRADICTED;
    return NOT_SHOWN;
}

const char *verdict_name(verdict v)
{
    return v == SHOWN ? "shown" : v == CONTRADICTED ? "contradicted" : "not shown";
}
