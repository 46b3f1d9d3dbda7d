/* gradcheck.h: check an analytic gradient against central differences.
 *
 * For every element theta_i of a parameter tensor we nudge it both ways and
 * measure the loss L:
 *     numeric_i = (L(theta_i + h) - L(theta_i - h)) / (2h)
 * The error of this estimate is truncation (h^2 L''' / 6, grows with h) plus
 * round-off (about eps |L| / h, grows as h shrinks). In double, h = 1e-5
 * keeps both small: a correct analytic gradient agrees to 1e-8 or better
 * (the sigmoid: 7.9e-9; its best h is 1e-4, 1.0e-9, build/gradcheck --layer
 * sigmoid --h-sweep); lesson 02 draws the whole curve.
 *
 * We compare with the relative error as CS231n defines it,
 *     rel = |a - n| / max(1e-8, |a| + |n|),
 * take the worst element, and read it in bands:
 *     <= 1e-7 good   |   1e-7 .. 1e-4 look closer   |   > 1e-4 wrong.
 * An input within h of a kink (ReLU at 0, a max-pooling tie) gives errors
 * of order 0.1 to 1 for a right gradient: build/gradcheck tells those
 * apart (notes/gradcheck.md, "Kinks"). */
#ifndef GRADCHECK_H
#define GRADCHECK_H

#include <stdio.h>
#include "real.h"

#define GRADCHECK_STEP 1e-5     /* h for the double build */
#define GRADCHECK_GOOD 1e-7     /* upper edge of the "good" band */
#define GRADCHECK_WRONG 1e-4    /* above this the gradient is wrong */

/* Computes the scalar loss from the current values of whatever is checked. */
typedef double (*gradcheck_loss_fn)(void *ctx);

typedef struct {
    const char *name;      /* the tensor, e.g. "dW" */
    int ndims, dims[4];    /* its shape, for printing the worst index */
    long count;            /* how many elements were checked */
    double max_rel_error;
    long worst_index;      /* flat index of the worst element */
    double analytic, numeric;
} gradcheck_result;

/* CS231n's relative error; infinity when either number is NaN or infinite
 * (a NaN anywhere is a failure, never "good"). */
double relative_error(double analytic, double numeric);
/* Central difference of loss(ctx) with respect to *element, which is restored.
 * In a float build (real = float) it writes a one-line warning to stderr,
 * once per program: float is too coarse for the check (lesson 02's curve). */
double numeric_derivative(real *element, gradcheck_loss_fn loss, void *ctx, double h);

/* Check analytic (same shape as param) against central differences, element
 * by element. dims/ndims give the shape (ndims <= 4) for the report. */
gradcheck_result gradcheck_tensor(const char *name, real *param, const real *analytic,
                                  const int *dims, int ndims,
                                  gradcheck_loss_fn loss, void *ctx, double h);

/* "good", "look closer" or "wrong" (NaN: "wrong"). */
const char *gradcheck_band(double rel_error);
/* One line: name, shape, worst relative error, where, both values, band. */
void gradcheck_print(FILE *out, const gradcheck_result *r);

/* The numbers of a text file, as gradcheck reads them: numbers separated
 * by whitespace or commas, '#' starts a comment that runs to the end of
 * the line, lines of any length. A line "shape A B ..." states the shape:
 * each dimension a positive integer written as one (no sign, point or
 * exponent), their product at most GRADCHECK_MAX_NUMBERS. Every number is
 * finite (no nan, inf or overflow) and ends at a separator ("2.0.5" is
 * refused, not read as 2.0 and .5). text need not end in '\0' (a '\0'
 * byte in it is refused).
 * On success returns 0 with *values (malloc'd, *count of them; NULL when
 * there are none: free it) and *shape_count (the product of the shape
 * line, or -1 without one). On a problem returns -1, *values NULL, and one
 * line in err: "line 3: '2.0.5' is not a number" (without the file's name,
 * which the caller adds). */
#define GRADCHECK_MAX_NUMBERS 100000000L
int gradcheck_parse_numbers(const char *text, size_t length, double **values, long *count, long *shape_count,
                            char *err, size_t err_size);

#endif
