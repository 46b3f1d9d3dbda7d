/* src/tools/gradcheck/my_layer.c: the example for "bring your own layer"
 * (my_layer.h says how). Copy it, change it, and run
 *     make gradcheck SRC=your_copy.c
 *
 * This one is a scaled tanh with two parameters, a and b, applied to each
 * of 5 inputs:
 *     y_i = tanh(a x_i + b)
 * and its backward pass, one chain-rule step per line:
 *     dL/du_i = dL/dy_i * (1 - y_i^2)        u_i = a x_i + b, tanh' = 1 - tanh^2
 *     dL/dx_i = dL/du_i * a
 *     dL/da   = sum_i dL/du_i * x_i
 *     dL/db   = sum_i dL/du_i                                                   */
#include <math.h>

#include "my_layer.h"

const my_layer_info my_layer = { "y = tanh(a x + b), 5 inputs", 5, 2, 5 };

void my_layer_forward(const double *x, const double *params, double *y)
{
    double a = params[0], b = params[1];
    for (int i = 0; i < 5; i++)
        y[i] = tanh(a * x[i] + b);
}

void my_layer_backward(const double *x, const double *params, const double *dy, double *dx, double *dparams)
{
    double a = params[0], b = params[1];
    dparams[0] = 0;
    dparams[1] = 0;
    for (int i = 0; i < 5; i++) {
        double y = tanh(a * x[i] + b);
        double du = dy[i] * (1 - y * y);
        dx[i] = du * a;
        dparams[0] += du * x[i];
        dparams[1] += du;
    }
}
