/* file_error.c: see file_error.h. */
#include "file_error.h"

#include <stdarg.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "os.h"

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

FILE *open_regular_file(const char *path, const char *mode, const char *what, char *err, size_t err_size)
{
    os_path_kind kind = os_path_kind_of(path);
    if (kind == OS_PATH_DIRECTORY) {
        set_file_error(err, err_size, path, "is a directory, not %s", what);
        return NULL;
    }
    if (kind == OS_PATH_OTHER) {                  /* checked before fopen: a FIFO would block it */
        set_file_error(err, err_size, path, "is not a regular file (a FIFO, a device or a socket), so not %s", what);
        return NULL;
    }
    errno = 0;
    FILE *f = fopen(path, mode);
    if (f == NULL)
        set_file_error(err, err_size, path, "cannot open: %s", errno ? strerror(errno) : "fopen failed");
    return f;
}
