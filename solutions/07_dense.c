/* solutions/07_dense.c: exercise 07, solved.
 * The task statement is at the top of exercises/07_dense.c. */
#include "07_dense.h"

#include <math.h>

/* TODO 1 */
void fc_forward(const double *x, const double *w, const double *b, double *z, int n_in, int n_out)
{
    for (int j = 0; j < n_out; j++) {
        z[j] = b[j];
        for (int i = 0; i < n_in; i++)
            z[j] += w[i * n_out + j] * x[i];   /* column j of W: the weights into neuron j */
    }
}

/* TODO 2 */
void fc_backward(const double *x, const double *w, const double *dz,
                 double *dw, double *db, double *dx, int n_in, int n_out)
{
    for (int j = 0; j < n_out; j++)
        db[j] = dz[j];                                 /* dZ[j]/db[j] = 1 */
    for (int i = 0; i < n_in; i++) {
        dx[i] = 0;
        for (int j = 0; j < n_out; j++) {
            dw[i * n_out + j] = x[i] * dz[j];          /* dZ[j]/dW[i][j] = X[i] */
            dx[i] += w[i * n_out + j] * dz[j];         /* dZ[j]/dX[i] = W[i][j], summed over j */
        }
    }
}

/* TODO 3 */
double sigmoid_mse_delta(double o, double target)
{
    double de_do = -(target - o);   /* E = (y' - O)^2 / 2 */
    double do_dz2 = o * (1 - o);    /* O = sigmoid(Z2)    */
    return de_do * do_dz2;
}

/* TODO 4 */
double tiny_net_backward(const double *x, const double *f, const double *w, double b, double target,
                         double *df, double *dw, double *db)
{
    double z1[4], a1[4], z2, o, dz2, da1[4], dz1[4];
    for (int r = 0; r < 2; r++)                        /* Z1 = X * f */
        for (int c = 0; c < 2; c++) {
            z1[r * 2 + c] = 0;
            for (int i = 0; i < 2; i++)
                for (int j = 0; j < 2; j++)
                    z1[r * 2 + c] += x[(r + i) * 3 + (c + j)] * f[i * 2 + j];
        }
    for (int k = 0; k < 4; k++)
        a1[k] = 1 / (1 + exp(-z1[k]));                 /* A1 = sigmoid(Z1) */
    fc_forward(a1, w, &b, &z2, 4, 1);                  /* Z2 = W^T A1 + b */
    o = 1 / (1 + exp(-z2));                            /* O = sigmoid(Z2) */

    dz2 = sigmoid_mse_delta(o, target);                /* dE/dZ2 = -(y' - O) O (1 - O) */
    fc_backward(a1, w, &dz2, dw, db, da1, 4, 1);       /* dE/dW = A1 dE/dZ2, dE/db, dE/dA1 = W dE/dZ2 */
    for (int k = 0; k < 4; k++)
        dz1[k] = da1[k] * a1[k] * (1 - a1[k]);         /* dA1/dZ1 = A1 (1 - A1) */
    for (int i = 0; i < 2; i++)                        /* dE/df = X convolved with dE/dZ1 */
        for (int j = 0; j < 2; j++) {
            df[i * 2 + j] = 0;
            for (int r = 0; r < 2; r++)
                for (int c = 0; c < 2; c++)
                    df[i * 2 + j] += x[(r + i) * 3 + (c + j)] * dz1[r * 2 + c];
        }
    return (target - o) * (target - o) / 2;
}
