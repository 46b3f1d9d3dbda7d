/* file_error.c: see file_error.h. */
#include "file_error.h"

#include <stdarg.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

void set_file_error(char *err, size_t err_size, const char *path, const char *format, ...)
{
    if (err == NULL || err_size == 0)
        return;
    int used = snprintf(err, err_size, "%s: ", path);
    if (used < 0 || (size_t)used >= err_size)
        return;
    va_list args;
    va_start(args, format);
    vsnprintf(err + used, err_size - (size_t)used, format, args);
    va_end(args);
}

const char *file_read_failure(FILE *f, int saved_errno, const char *directory)
{
    if (!ferror(f))
        return NULL;
#ifdef EISDIR
    if (saved_errno == EISDIR)
        return directory;
#endif
    return saved_errno ? strerror(saved_errno) : "read error";
}
