/* flags.c: see flags.h. */
#include "flags.h"

#include <ctype.h>
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* "PROGRAM: <message> (try --help)" into err. Returns FLAGS_ERROR. */
static int flag_error(const flag_set *set, char *err, size_t err_size, const char *format, ...)
{
    char message[400];
    va_list args;
    va_start(args, format);
    vsnprintf(message, sizeof message, format, args);
    va_end(args);
    snprintf(err, err_size, "%s: %s (try --help)", set->program, message);
    return FLAGS_ERROR;
}

/* "--name" or "--name=value": a flag. "-x" is a (mistyped) flag too; "-5",
 * "stray", "file.pgm" are not. */
static int looks_like_flag(const char *arg)
{
    if (arg[0] != '-')
        return 0;
    const char *rest = arg[1] == '-' ? arg + 2 : arg + 1;
    return isalpha((unsigned char)rest[0]) != 0;
}

/* The spec whose name is arg up to '=' (or the end), or NULL. */
static const flag_spec *find_spec(const flag_set *set, const char *arg, size_t name_len)
{
    for (int i = 0; i < set->n_specs; i++)
        if (strlen(set->specs[i].name) == name_len && strncmp(set->specs[i].name, arg, name_len) == 0)
            return &set->specs[i];
    return NULL;
}

static int parse_whole(const flag_set *set, const flag_spec *s, const char *text, char *err, size_t err_size)
{
    char *end;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (end == text || *end != '\0' || errno == ERANGE || v < (long)s->lo || v > (long)s->hi)
        return flag_error(set, err, err_size, "%s '%s': expected a whole number from %ld to %ld", s->name, text,
                          (long)s->lo, (long)s->hi);
    if (s->kind == FLAG_KIND_INT)
        *(int *)s->value = (int)v;
    else
        *(long *)s->value = v;
    return FLAGS_OK;
}

static int parse_real(const flag_set *set, const flag_spec *s, const char *text, char *err, size_t err_size)
{
    char *end;
    double v = strtod(text, &end);
    if (end == text || *end != '\0' || !isfinite(v) || v < s->lo || v > s->hi || (s->lo_open && v == s->lo))
        return flag_error(set, err, err_size, "%s '%s': expected a number %s %g and <= %g", s->name, text,
                          s->lo_open ? ">" : ">=", s->lo, s->hi);
    if (s->in_float && v != 0 && fabs(v) < FLT_MIN)
        return flag_error(set, err, err_size, "%s '%s': too small for float, the number type it is used in "
                          "(below %g it loses its digits, and below %g it rounds to 0)",
                          s->name, text, (double)FLT_MIN, (double)FLT_TRUE_MIN);
    if (s->in_float && fabs(v) > FLT_MAX)
        return flag_error(set, err, err_size, "%s '%s': too large for float, the number type it is used in "
                          "(the largest is %g)", s->name, text, (double)FLT_MAX);
    *(double *)s->value = v;
    return FLAGS_OK;
}

/* The index of `word` among "a|b|c", or -1. */
static int choice_index(const char *choices, const char *word)
{
    size_t n = strlen(word);
    int index = 0;
    for (const char *c = choices; c; index++) {
        const char *bar = strchr(c, '|');
        size_t len = bar ? (size_t)(bar - c) : strlen(c);
        if (len == n && strncmp(c, word, n) == 0)
            return index;
        c = bar ? bar + 1 : NULL;
    }
    return -1;
}

static int parse_choice(const flag_set *set, const flag_spec *s, const char *text, char *err, size_t err_size)
{
    int index = choice_index(s->choices, text);
    if (index < 0) {
        char words[200];
        size_t k = 0;
        for (const char *c = s->choices; *c && k + 6 < sizeof words; c++) {
            if (*c != '|') {
                words[k++] = *c;
                continue;
            }
            const char *joiner = strchr(c + 1, '|') ? ", " : " or ";
            words[k] = '\0';
            strncat(words, joiner, sizeof words - k - 1);
            k = strlen(words);
        }
        words[k] = '\0';
        return flag_error(set, err, err_size, "%s '%s': expected %s", s->name, text, words);
    }
    *(int *)s->value = index;
    return FLAGS_OK;
}

static int store_value(const flag_set *set, const flag_spec *s, const char *text, char *err, size_t err_size)
{
    switch (s->kind) {
    case FLAG_KIND_INT:
    case FLAG_KIND_LONG:
        return parse_whole(set, s, text, err, err_size);
    case FLAG_KIND_REAL:
        return parse_real(set, s, text, err, err_size);
    case FLAG_KIND_CHOICE:
        return parse_choice(set, s, text, err, err_size);
    case FLAG_KIND_TEXT:
        *(const char **)s->value = text;
        return FLAGS_OK;
    case FLAG_KIND_SWITCH:
        break;
    }
    return flag_error(set, err, err_size, "%s takes no value", s->name);
}

static int wants_help(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
            return 1;
    return 0;
}

/* One flag at argv[*i], with its value (the rest after '=' or the next argument). */
static int parse_flag(const flag_set *set, int argc, char **argv, int *i, char *err, size_t err_size)
{
    const char *arg = argv[*i];
    const char *equals = strchr(arg, '=');
    size_t name_len = equals ? (size_t)(equals - arg) : strlen(arg);
    const flag_spec *s = find_spec(set, arg, name_len);
    if (s == NULL)
        return flag_error(set, err, err_size, "unknown option '%.*s'", (int)name_len, arg);
    if (s->kind == FLAG_KIND_SWITCH) {
        if (equals)
            return flag_error(set, err, err_size, "%s takes no value", s->name);
        *(int *)s->value = 1;
        return FLAGS_OK;
    }
    if (equals)
        return store_value(set, s, equals + 1, err, err_size);
    if (*i + 1 >= argc || (looks_like_flag(argv[*i + 1]) && argv[*i + 1][1] == '-'))
        return flag_error(set, err, err_size, "%s needs a value", s->name);
    *i += 1;
    return store_value(set, s, argv[*i], err, err_size);
}

int flags_parse(const flag_set *set, int argc, char **argv, const char **positional, int *n_positional,
                char *err, size_t err_size)
{
    if (n_positional)
        *n_positional = 0;
    if (wants_help(argc, argv))
        return FLAGS_HELP;
    for (int i = 1; i < argc; i++) {
        if (looks_like_flag(argv[i])) {
            if (parse_flag(set, argc, argv, &i, err, err_size) != FLAGS_OK)
                return FLAGS_ERROR;
        } else if (n_positional && *n_positional < set->max_positional) {
            positional[(*n_positional)++] = argv[i];
        } else {
            return flag_error(set, err, err_size, "unexpected argument '%s'", argv[i]);
        }
    }
    return FLAGS_OK;
}

/* Is a number outside the flag's accepted range: a "not given" marker? */
static int outside_range(const flag_spec *s, double v)
{
    return v < s->lo || v > s->hi || (s->lo_open && v == s->lo);
}

/* The current (default) value of a flag, as text, or "" when it has none
 * worth showing: see flags_usage in flags.h. */
static void describe_default(const flag_spec *s, char *buf, size_t size)
{
    buf[0] = '\0';
    if (s->help && strstr(s->help, "(default"))
        return;                                      /* the help says it in words */
    if ((s->kind == FLAG_KIND_INT && outside_range(s, *(const int *)s->value))
        || (s->kind == FLAG_KIND_LONG && outside_range(s, (double)*(const long *)s->value))
        || (s->kind == FLAG_KIND_REAL && outside_range(s, *(const double *)s->value)))
        return;                                      /* a marker for "not given", not a value to give */
    if (s->kind == FLAG_KIND_INT)
        snprintf(buf, size, " (default %d)", *(const int *)s->value);
    else if (s->kind == FLAG_KIND_LONG)
        snprintf(buf, size, " (default %ld)", *(const long *)s->value);
    else if (s->kind == FLAG_KIND_REAL)
        snprintf(buf, size, " (default %g)", *(const double *)s->value);
    else if (s->kind == FLAG_KIND_TEXT && *(const char *const *)s->value)
        snprintf(buf, size, " (default %s)", *(const char *const *)s->value);
}

void flags_usage(FILE *out, const flag_set *set)
{
    fprintf(out, "usage: %s\n", set->usage);
    for (int i = 0; i < set->n_specs; i++) {
        const flag_spec *s = &set->specs[i];
        char def[128];
        const char *metavar = s->metavar ? s->metavar : "";
        int left = (int)(strlen(s->name) + (s->metavar ? 1 + strlen(metavar) : 0));   /* any length: never cut */
        describe_default(s, def, sizeof def);
        fprintf(out, "  %s%s%s%*s %s%s\n", s->name, s->metavar ? " " : "", metavar, left < 22 ? 22 - left : 0, "",
                s->help, def);
    }
    fprintf(out, "  %-22s %s\n", "--help", "this text");
}

void flags_parse_or_exit(const flag_set *set, int argc, char **argv, const char **positional,
                         int *n_positional)
{
    char err[512];
    int rc = flags_parse(set, argc, argv, positional, n_positional, err, sizeof err);
    if (rc == FLAGS_HELP) {
        flags_usage(stdout, set);
        exit(0);
    }
    if (rc != FLAGS_OK) {
        fprintf(stderr, "%s\n", err);
        exit(2);
    }
}
