/* tensor.c: see tensor.h. */
#include "tensor.h"

#include <math.h>
#include <stdlib.h>

void *checked_calloc(size_t count, size_t size, const char *what)
{
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (p == NULL) {
        fprintf(stderr, "error: out of memory allocating %s (%zu bytes)\n", what, count * size);
        exit(1);
    }
    return p;
}

real *tensor_alloc(size_t n, const char *what)
{
    return checked_calloc(n, sizeof(real), what);
}

void tensor_fill(real *t, size_t n, real value)
{
    for (size_t i = 0; i < n; i++)
        t[i] = value;
}

void tensor_copy(real *dst, const real *src, size_t n)
{
    for (size_t i = 0; i < n; i++)
        dst[i] = src[i];
}

real tensor_sum(const real *t, size_t n)
{
    real s = 0;
    for (size_t i = 0; i < n; i++)
        s += t[i];
    return s;
}

real tensor_dot(const real *a, const real *b, size_t n)
{
    real s = 0;
    for (size_t i = 0; i < n; i++)
        s += a[i] * b[i];
    return s;
}

double tensor_max_abs_diff(const real *a, const real *b, size_t n)
{
    double worst = 0;
    for (size_t i = 0; i < n; i++) {
        double d = fabs((double)a[i] - (double)b[i]);
        if (d > worst)
            worst = d;
    }
    return worst;
}

void tensor_print_2d(FILE *out, const char *name, const real *m, int h, int w, int width)
{
    if (name && name[0])
        fprintf(out, "%s\n", name);
    for (int y = 0; y < h; y++) {
        fprintf(out, "  [");
        for (int x = 0; x < w; x++)
            fprintf(out, "%s%*.6g", x ? " " : "", width, (double)m[y * w + x]);
        fprintf(out, " ]\n");
    }
}

void with_commas(long n, char *buf, size_t size)
{
    char digits[32];
    int len = snprintf(digits, sizeof digits, "%ld", n), o = 0;
    for (int i = 0; i < len && (size_t)o + 2 < size; i++) {
        if (i > 0 && (len - i) % 3 == 0 && digits[i - 1] != '-')
            buf[o++] = ',';
        buf[o++] = digits[i];
    }
    buf[o] = '\0';
}
