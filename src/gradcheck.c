/* gradcheck.c: see gradcheck.h. */
#include "gradcheck.h"

#include <math.h>

double relative_error(double analytic, double numeric)
{
    double scale = fabs(analytic) + fabs(numeric);
    return fabs(analytic - numeric) / (scale > 1e-8 ? scale : 1e-8);
}

/* In a float build the check cannot tell right from wrong: say so, once. */
static void warn_if_float(void)
{
#ifndef REAL_DOUBLE
    static int warned;
    if (!warned) {
        warned = 1;
        fprintf(stderr, "gradcheck: warning: this program is built with real = float, whose 24 bits cannot resolve "
                "central differences (a correct gradient can show relative errors of 1e-3 up to 1): build the "
                "check with -DREAL_DOUBLE and link build/libcnn_double.a\n");
    }
#endif
}

double numeric_derivative(real *element, gradcheck_loss_fn loss, void *ctx, double h)
{
    warn_if_float();
    real saved = *element;
    *element = (real)(saved + h);
    double loss_plus = loss(ctx);
    *element = (real)(saved - h);
    double loss_minus = loss(ctx);
    *element = saved;
    return (loss_plus - loss_minus) / (2 * h);
}

gradcheck_result gradcheck_tensor(const char *name, real *param, const real *analytic,
                                  const int *dims, int ndims,
                                  gradcheck_loss_fn loss, void *ctx, double h)
{
    gradcheck_result r = { name, ndims, { 1, 1, 1, 1 }, 1, -1.0, 0, 0, 0 };
    for (int d = 0; d < ndims && d < 4; d++) {
        r.dims[d] = dims[d];
        r.count *= dims[d];
    }
    for (long i = 0; i < r.count; i++) {
        double numeric = numeric_derivative(&param[i], loss, ctx, h);
        double rel = relative_error((double)analytic[i], numeric);
        if (rel > r.max_rel_error) {
            r.max_rel_error = rel;
            r.worst_index = i;
            r.analytic = (double)analytic[i];
            r.numeric = numeric;
        }
    }
    return r;
}

const char *gradcheck_band(double rel_error)
{
    if (rel_error <= GRADCHECK_GOOD)
        return "good";
    if (rel_error <= GRADCHECK_WRONG)
        return "look closer";
    return "wrong";
}

/* "[1][0][2][2]" for flat index i of a tensor with the given dims. */
static void print_index(FILE *out, long i, const int *dims, int ndims)
{
    long coord[4] = { 0, 0, 0, 0 };
    for (int d = ndims - 1; d >= 0; d--) {
        coord[d] = i % dims[d];
        i /= dims[d];
    }
    for (int d = 0; d < ndims; d++)
        fprintf(out, "[%ld]", coord[d]);
}

void gradcheck_print(FILE *out, const gradcheck_result *r)
{
    fprintf(out, "  %-6s (", r->name);
    for (int d = 0; d < r->ndims; d++)
        fprintf(out, "%s%d", d ? "x" : "", r->dims[d]);
    fprintf(out, ")  max rel error %.1e at ", r->max_rel_error);
    print_index(out, r->worst_index, r->dims, r->ndims);
    fprintf(out, "  analytic %+.8f  numeric %+.8f  %s\n", r->analytic, r->numeric,
            gradcheck_band(r->max_rel_error));
}
