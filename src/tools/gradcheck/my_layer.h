/* src/tools/gradcheck/my_layer.h: bring your own layer to build/gradcheck.
 *
 * Write a file that defines the four things below (my_layer.c beside this
 * header is a working example to copy), then
 *
 *     make gradcheck SRC=path/to/your_layer.c
 *
 * compiles it against the checker and checks your backward pass against
 * central differences of your forward pass: for a random x, params and
 * upstream gradient dL/dy, with L = sum_i dy_i * y_i (so that dL/dy = dy).
 * Everything is double. Shapes are flat: a layer with a (2, 3) output says
 * n_out = 6 and decides its own layout. */
#ifndef MY_LAYER_H
#define MY_LAYER_H

typedef struct {
    const char *name;   /* printed in the report */
    int n_in;           /* length of x (>= 1) */
    int n_params;       /* length of params (0 for a layer without parameters) */
    int n_out;          /* length of y (>= 1) */
} my_layer_info;

extern const my_layer_info my_layer;

/* y (n_out) from x (n_in) and params (n_params); y is OVERWRITTEN. */
void my_layer_forward(const double *x, const double *params, double *y);

/* Given dy = dL/dy (n_out), OVERWRITE dx = dL/dx (n_in) and
 * dparams = dL/dparams (n_params), for the same x and params. */
void my_layer_backward(const double *x, const double *params, const double *dy, double *dx, double *dparams);

#endif
