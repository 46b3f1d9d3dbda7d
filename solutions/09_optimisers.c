/* solutions/09_optimisers.c: exercise 09, solved.
 * The task statement is at the top of exercises/09_optimisers.c. */
#include "09_optimisers.h"

#include <math.h>

/* TODO 1 */
void gd_update(double *w, const double *g, int n, double lr)
{
    for (int i = 0; i < n; i++)
        w[i] -= lr * g[i];
}

/* TODO 2 */
void momentum_update(double *w, const double *g, double *velocity, int n, double lr, double momentum)
{
    for (int i = 0; i < n; i++) {
        velocity[i] = momentum * velocity[i] + g[i];
        w[i] -= lr * velocity[i];
    }
}

/* TODO 3 */
void adam_update(double *w, const double *g, double *m, double *v, int n,
                 double lr, double beta1, double beta2, double eps, int t)
{
    double correct1 = 1 - pow(beta1, t), correct2 = 1 - pow(beta2, t);
    for (int i = 0; i < n; i++) {
        m[i] = beta1 * m[i] + (1 - beta1) * g[i];
        v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i];
        double m_hat = m[i] / correct1, v_hat = v[i] / correct2;
        w[i] -= lr * m_hat / (sqrt(v_hat) + eps);
    }
}
