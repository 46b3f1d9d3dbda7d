/* gradcheck.c: see gradcheck.h. */
#include "gradcheck.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

double relative_error(double analytic, double numeric)
{
    if (!isfinite(analytic) || !isfinite(numeric))
        return INFINITY;
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

/* Why a result is wrong when its numbers are not numbers, or "". */
static const char *not_a_number(const gradcheck_result *r)
{
    if (!isfinite(r->analytic))
        return " (the analytic gradient is not a finite number)";
    if (!isfinite(r->numeric))
        return " (the loss is not a finite number near this entry)";
    return "";
}

void gradcheck_print(FILE *out, const gradcheck_result *r)
{
    fprintf(out, "  %-6s (", r->name);
    for (int d = 0; d < r->ndims; d++)
        fprintf(out, "%s%d", d ? "x" : "", r->dims[d]);
    fprintf(out, ")  max rel error %.1e at ", r->max_rel_error);
    print_index(out, r->worst_index, r->dims, r->ndims);
    fprintf(out, "  analytic %+.8f  numeric %+.8f  %s%s\n", r->analytic, r->numeric,
            gradcheck_band(r->max_rel_error), not_a_number(r));
}

/* ---------------------------------------------------------------- numbers from text */

static int is_separator(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == ',' || c == '\v' || c == '\f';
}

/* err = "line N: 'token' <what>", the token cut to 24 bytes, control bytes as '?'. */
static void token_error(char *err, size_t err_size, long lineno, const char *token, const char *what)
{
    char shown[25];
    size_t n = 0;
    for (; token[n] && n < sizeof shown - 1; n++)
        shown[n] = (token[n] >= 32 && token[n] < 127) ? token[n] : '?';
    shown[n] = '\0';
    snprintf(err, err_size, "line %ld: '%s%s' %s", lineno, shown, token[n] ? "..." : "", what);
}

/* A dimension of a shape line: digits only, 1 .. GRADCHECK_MAX_NUMBERS. Returns it, or 0. */
static long parse_dimension(const char *token)
{
    long d = 0;
    if (!*token)
        return 0;
    for (const char *c = token; *c; c++) {
        if (*c < '0' || *c > '9')
            return 0;
        d = d * 10 + (*c - '0');
        if (d > GRADCHECK_MAX_NUMBERS)
            return 0;
    }
    return d;
}

typedef struct {
    double *values;
    long count, cap, shape_count;
} number_list;

static int push_number(number_list *list, double v)
{
    if (list->count == list->cap) {
        long cap = list->cap ? 2 * list->cap : 64;
        double *bigger = realloc(list->values, (size_t)cap * sizeof(double));
        if (!bigger)
            return -1;
        list->values = bigger;
        list->cap = cap;
    }
    list->values[list->count++] = v;
    return 0;
}

/* One line (NUL-terminated, modifiable, comment not yet cut) into list. */
static int parse_line(char *line, long lineno, number_list *list, char *err, size_t err_size)
{
    char *hash = strchr(line, '#'), *at = line;
    int first = 1, in_shape = 0, dims = 0;
    if (hash)
        *hash = '\0';
    for (;;) {
        while (is_separator(*at))
            at++;
        if (!*at)
            break;
        char *end = at;
        while (*end && !is_separator(*end))
            end++;
        char saved = *end;
        *end = '\0';
        if (first && strcmp(at, "shape") == 0) {
            if (list->shape_count >= 0) {
                snprintf(err, err_size, "line %ld: a second shape line", lineno);
                return -1;
            }
            in_shape = 1;
            list->shape_count = 1;
        } else if (in_shape) {
            long d = parse_dimension(at);
            if (d == 0) {
                token_error(err, err_size, lineno, at, "is not a dimension: the shape line takes positive whole "
                            "numbers written as such (e.g. shape 1 3 3)");
                return -1;
            }
            if (list->shape_count > GRADCHECK_MAX_NUMBERS / d) {
                snprintf(err, err_size, "line %ld: the shape has more than %ld numbers", lineno,
                         GRADCHECK_MAX_NUMBERS);
                return -1;
            }
            list->shape_count *= d;
            dims++;
        } else {
            char *stop;
            errno = 0;
            double v = strtod(at, &stop);
            if (stop == at || *stop != '\0') {
                token_error(err, err_size, lineno, at, "is not a number");
                return -1;
            }
            if (!isfinite(v)) {
                token_error(err, err_size, lineno, at, "is not a finite number");
                return -1;
            }
            if (list->count >= GRADCHECK_MAX_NUMBERS) {
                snprintf(err, err_size, "line %ld: more than %ld numbers", lineno, GRADCHECK_MAX_NUMBERS);
                return -1;
            }
            if (push_number(list, v) != 0) {
                snprintf(err, err_size, "line %ld: out of memory", lineno);
                return -1;
            }
        }
        first = 0;
        *end = saved;
        at = end;
    }
    if (in_shape && dims == 0) {
        snprintf(err, err_size, "line %ld: the shape line names no dimension (e.g. shape 1 3 3)", lineno);
        return -1;
    }
    return 0;
}

int gradcheck_parse_numbers(const char *text, size_t length, double **values, long *count, long *shape_count,
                            char *err, size_t err_size)
{
    number_list list = { NULL, 0, 0, -1 };
    char *line = NULL;
    size_t line_cap = 0, start = 0;
    int rc = 0;
    *values = NULL;
    *count = 0;
    *shape_count = -1;
    for (long lineno = 1; rc == 0 && start < length; lineno++) {
        const char *nl = memchr(text + start, '\n', length - start);
        size_t len = nl ? (size_t)(nl - (text + start)) : length - start;
        if (memchr(text + start, '\0', len)) {
            snprintf(err, err_size, "line %ld: a NUL byte: is this a text file?", lineno);
            rc = -1;
            break;
        }
        if (len + 1 > line_cap) {
            char *bigger = realloc(line, len + 1);
            if (!bigger) {
                snprintf(err, err_size, "line %ld: out of memory", lineno);
                rc = -1;
                break;
            }
            line = bigger;
            line_cap = len + 1;
        }
        memcpy(line, text + start, len);
        line[len] = '\0';
        rc = parse_line(line, lineno, &list, err, err_size);
        start += len + 1;
    }
    free(line);
    if (rc != 0) {
        free(list.values);
        return -1;
    }
    *values = list.values;
    *count = list.count;
    *shape_count = list.shape_count;
    return 0;
}
