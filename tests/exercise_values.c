/* tests/exercise_values.c: see exercise_values.h. */
#include "exercise_values.h"

#include <stdlib.h>
#include <string.h>

char *stored_read_line(FILE *f)
{
    size_t cap = 256, len = 0;
    char *line = malloc(cap);
    if (!line)
        return NULL;
    int c;
    while ((c = getc(f)) != EOF && c != '\n') {
        if (len + 1 == cap) {
            char *bigger = realloc(line, cap * 2);
            if (!bigger) {
                free(line);
                return NULL;
            }
            line = bigger;
            cap *= 2;
        }
        line[len++] = (char)c;
    }
    if (c == EOF && len == 0) {
        free(line);
        return NULL;
    }
    line[len] = '\0';
    return line;
}

/* A whole number at *p (moves p past it); 0 when there is none. */
static int read_int(const char **p, int *out)
{
    char *end;
    long v = strtol(*p, &end, 10);
    if (end == *p || v < 0 || v > 100000000)
        return 0;
    *out = (int)v;
    *p = end;
    return 1;
}

static int read_double(const char **p, double *out)
{
    char *end;
    *out = strtod(*p, &end);
    if (end == *p)
        return 0;
    *p = end;
    return 1;
}

int stored_parse_line(const char *line, stored_record *r)
{
    const char *p = line;
    memset(r, 0, sizeof *r);
    if (!read_int(&p, &r->task))
        return 0;
    while (*p == ' ')
        p++;
    if (strncmp(p, "check ", 6) == 0)
        r->kind = 'c';
    else if (strncmp(p, "value ", 6) == 0)
        r->kind = 'v';
    else
        return 0;
    p += 6;
    if (!read_int(&p, &r->occ) || !read_int(&p, &r->n) || !read_double(&p, &r->tol))
        return 0;
    r->v = malloc(sizeof(double) * (size_t)(r->n > 0 ? r->n : 1));
    if (!r->v)
        return 0;
    for (int i = 0; i < r->n; i++)
        if (!read_double(&p, &r->v[i])) {
            free(r->v);
            return 0;
        }
    if (strncmp(p, " | ", 3) != 0) {
        free(r->v);
        return 0;
    }
    p += 3;
    size_t len = strlen(p);
    r->label = malloc(len + 1);
    if (!r->label) {
        free(r->v);
        return 0;
    }
    memcpy(r->label, p, len + 1);
    return 1;
}

int stored_add(stored_set *set, stored_record r)
{
    if (set->n == set->cap) {
        int cap = set->cap ? set->cap * 2 : 64;
        stored_record *bigger = realloc(set->records, sizeof *bigger * (size_t)cap);
        if (!bigger)
            return 0;
        set->records = bigger;
        set->cap = cap;
    }
    set->records[set->n++] = r;
    return 1;
}

int stored_read(const char *path, stored_set *set)
{
    memset(set, 0, sizeof *set);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    int line_number = 0, bad = 0;
    char *line;
    while (!bad && (line = stored_read_line(f)) != NULL) {
        line_number++;
        stored_record r;
        if (line[0] != '#' && line[0] != '\0') {
            if (!stored_parse_line(line, &r) || !stored_add(set, r))
                bad = line_number;
        }
        free(line);
    }
    if (ferror(f))
        bad = line_number + 1;
    fclose(f);
    return bad;
}

const stored_record *stored_find(const stored_set *set, int task, char kind, const char *label, int occ)
{
    for (int i = 0; i < set->n; i++) {
        const stored_record *r = &set->records[i];
        if (r->task == task && r->kind == kind && r->occ == occ && strcmp(r->label, label) == 0)
            return r;
    }
    return NULL;
}

void stored_free(stored_set *set)
{
    for (int i = 0; i < set->n; i++) {
        free(set->records[i].v);
        free(set->records[i].label);
    }
    free(set->records);
    memset(set, 0, sizeof *set);
}

int stored_write(FILE *f, int task, char kind, int occ, int n, double tol, const double *v, const char *label)
{
    int ok = fprintf(f, "%d %s %d %d %.17g", task, kind == 'c' ? "check" : "value", occ, n, tol) > 0;
    for (int i = 0; i < n && ok; i++)
        ok = fprintf(f, " %.17g", v[i] == 0 ? 0.0 : v[i]) > 0;   /* -0 as 0: the same text everywhere */
    return ok && fprintf(f, " | %s\n", label) > 0;
}
