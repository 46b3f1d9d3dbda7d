/* tensor.h: plain arrays of reals, checked allocation, and printing.
 *
 * A "tensor" here is just a real* plus the shape you pass next to it; the
 * shape of every array is written in a comment where it is declared.
 * Layout is row-major: element (c, y, x) of a (C, H, W) tensor sits at
 * index (c * H + y) * W + x. */
#ifndef TENSOR_H
#define TENSOR_H

#include <stddef.h>
#include <stdio.h>
#include "real.h"

/* calloc that never returns NULL: on failure it prints
 * "out of memory allocating <what> (<bytes> bytes)" and exits with status 1. */
void *checked_calloc(size_t count, size_t size, const char *what);

/* A zero-filled array of n reals; free it with free(). */
real *tensor_alloc(size_t n, const char *what);

void tensor_fill(real *t, size_t n, real value);
void tensor_copy(real *dst, const real *src, size_t n);
real tensor_sum(const real *t, size_t n);
/* Sum over i of a[i] * b[i]. */
real tensor_dot(const real *a, const real *b, size_t n);
/* Largest |a[i] - b[i]|. */
double tensor_max_abs_diff(const real *a, const real *b, size_t n);

/* n with thousands separators, 1134426 -> "1,134,426", into buf. */
void with_commas(long n, char *buf, size_t size);

/* Print an (h, w) matrix, one row a line, each number as "%*.*g" with the
 * given width; the name goes on the first line. */
void tensor_print_2d(FILE *out, const char *name, const real *m, int h, int w, int width);

#endif
