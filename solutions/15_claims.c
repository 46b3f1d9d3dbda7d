/* solutions/15_claims.c: exercise 15, solved.
 * The task statement is at the top of exercises/15_claims.c. */
#include "15_claims.h"

#include <math.h>

/* TODO 1 */
void mean_and_spread(const double *x, int n, double *mean, double *sd)
{
    double sum = 0, squares = 0;
    for (int i = 0; i < n; i++)
        sum += x[i];
    *mean = sum / n;
    for (int i = 0; i < n; i++)
        squares += (x[i] - *mean) * (x[i] - *mean);
    *sd = sqrt(squares / (n - 1));               /* n - 1: the sample's own mean; n = 1 gives 0/0 = NaN */
}

/* TODO 2 */
int epochs_to_target(const double *curve, int n, double target, int higher_is_better)
{
    for (int e = 0; e < n; e++)
        if (higher_is_better ? curve[e] >= target : curve[e] <= target)
            return e + 1;                         /* curve[0] is after epoch 1 */
    return 0;                                     /* never: not the last epoch */
}

/* TODO 3 */
void shift_image(const double *image, int h, int w, int dy, int dx, double *moved)
{
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            int from_y = y - dy, from_x = x - dx;  /* where this pixel came from */
            int inside = from_y >= 0 && from_y < h && from_x >= 0 && from_x < w;
            moved[y * w + x] = inside ? image[from_y * w + from_x] : 0;
        }
}

/* TODO 4 */
double equivariance_gap(const double *map, const double *moved_map, int h, int w, int dy, int dx, int *compared)
{
    double gap = 0;
    *compared = 0;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            int from_y = y - dy, from_x = x - dx;  /* its counterpart in the unmoved map */
            if (from_y < 0 || from_y >= h || from_x < 0 || from_x >= w)
                continue;                         /* the border band: no counterpart */
            gap = fmax(gap, fabs(moved_map[y * w + x] - map[from_y * w + from_x]));
            (*compared)++;
        }
    return gap;
}

/* TODO 5 */
int lower_verdict(const double *a, const double *b, int n, double t, double *lo, double *hi)
{
    double sum = 0, squares = 0;
    for (int i = 0; i < n; i++)
        sum += a[i] - b[i];
    double mean = sum / n;
    for (int i = 0; i < n; i++)
        squares += (a[i] - b[i] - mean) * (a[i] - b[i] - mean);
    double se = sqrt(squares / (n - 1)) / sqrt(n);   /* the sample sd of one difference, over sqrt(n) */
    *lo = mean - t * se;
    *hi = mean + t * se;
    return *hi < 0 ? 1 : *lo > 0 ? -1 : 0;
}
