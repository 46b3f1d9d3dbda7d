/* out_file.c: see out_file.h. */
#include "out_file.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "file_error.h"
#include "os.h"

/* The directory part of path ("." when there is none), in a new string. */
static char *directory_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    size_t len = slash == NULL ? 1 : (slash == path ? 1 : (size_t)(slash - path));
    char *dir = malloc(len + 1);
    if (dir == NULL)
        return NULL;
    memcpy(dir, slash == NULL ? "." : path, len);
    dir[len] = '\0';
    return dir;
}

int out_file_check(const char *path, char *err, size_t err_size)
{
    os_path_kind kind = os_path_kind_of(path);
    if (kind == OS_PATH_DIRECTORY) {
        set_file_error(err, err_size, path, "is a directory: give a file name");
        return -1;
    }
    if (kind == OS_PATH_OTHER)
        return 0;                                 /* a device or a FIFO: written in place */
    char *dir = directory_of(path);
    if (dir == NULL) {
        set_file_error(err, err_size, path, "out of memory checking the path");
        return -1;
    }
    int rc = 0;
    os_path_kind dir_kind = os_path_kind_of(dir);
    if (dir_kind == OS_PATH_ABSENT) {
        set_file_error(err, err_size, path, "cannot be written: the directory %s does not exist", dir);
        rc = -1;
    } else if (dir_kind != OS_PATH_DIRECTORY && dir_kind != OS_PATH_UNKNOWN) {
        set_file_error(err, err_size, path, "cannot be written: %s is not a directory", dir);
        rc = -1;
    } else if (!os_dir_writable(dir)) {
        set_file_error(err, err_size, path, "cannot be written: directory %s: %s", dir, strerror(errno));
        rc = -1;
    }
    free(dir);
    return rc;
}

/* ---------------------------------------------------------------- temporary files left behind
 *
 * A save killed halfway (kill -9, a crash, a power cut) cannot remove its
 * temporary file, which may be as large as the model. The name says whose it
 * was: TARGET.tmp-PID-N, PID the writing process. Before it writes, a save
 * of TARGET removes every TARGET.tmp-PID-N whose process is gone (never its
 * own process's: another thread may be writing it; never one whose process
 * is still running, or when we cannot tell: a save in progress). */

typedef struct {
    const char *target;       /* the target's path */
    const char *base;         /* its last component: the temporary files' names start with it */
    size_t base_len;
} stale_search;

/* The digits at *s as an unsigned long: *s moved past them. 0 when there are none. */
static int read_digits(const char **s, unsigned long *value)
{
    const char *c = *s;
    unsigned long v = 0;
    while (*c >= '0' && *c <= '9' && v <= (ULONG_MAX - 9) / 10)
        v = v * 10 + (unsigned long)(*c++ - '0');
    if (c == *s)
        return 0;
    *s = c;
    *value = v;
    return 1;
}

/* os_list_dir's visitor: remove name when it is the target's temporary file
 * of a process that is gone. */
static int remove_if_stale(const char *name, void *ctx)
{
    const stale_search *s = ctx;
    if (strncmp(name, s->base, s->base_len) != 0 || strncmp(name + s->base_len, ".tmp-", 5) != 0)
        return 0;
    const char *rest = name + s->base_len + 5;
    unsigned long pid, n;
    if (!read_digits(&rest, &pid) || *rest++ != '-' || !read_digits(&rest, &n) || *rest != '\0')
        return 0;                                  /* not a name out_file gives */
    if (pid == os_process_id() || os_process_running(pid) != 0)
        return 0;
    size_t size = strlen(s->target) + strlen(name) + 1;
    char *path = malloc(size);
    if (path != NULL) {                            /* the target's path with the file's name at the end */
        snprintf(path, size, "%.*s%s", (int)(strlen(s->target) - s->base_len), s->target, name);
        remove(path);
        free(path);
    }
    return 0;
}

static void remove_stale_temps(const char *path)
{
    char *dir = directory_of(path);
    if (dir == NULL)
        return;
    const char *slash = strrchr(path, '/');
    stale_search s = { path, slash ? slash + 1 : path, 0 };
    s.base_len = strlen(s.base);
    if (s.base_len > 0)
        (void)os_list_dir(dir, remove_if_stale, &s);   /* best effort: no listing, nothing removed */
    free(dir);
}

/* Create TARGET.tmp-PID-N with os_create_new (fopen's "x", C11: fail if it
 * exists), trying the next N while the name is taken. */
static int open_temp(out_file *o, char *err, size_t err_size)
{
    static unsigned long counter;
    remove_stale_temps(o->path);
    size_t size = strlen(o->path) + 64;
    o->temp = malloc(size);
    if (o->temp == NULL) {
        set_file_error(err, err_size, o->path, "out of memory naming a temporary file");
        return -1;
    }
    for (int attempt = 0; attempt < 100; attempt++) {
        snprintf(o->temp, size, "%s.tmp-%lu-%lu", o->path, os_process_id(), ++counter);
        errno = 0;
        o->f = os_create_new(o->temp);           /* fopen(temp, "wbx") */
        if (o->f != NULL) {
            os_copy_permissions(o->path, o->f);   /* a replaced file keeps its mode */
            return 0;
        }
        if (errno != EEXIST)
            break;
    }
    int saved = errno;
    /* A missing directory, a file where the directory should be, no right to
     * write there: out_file_check names the directory and what is wrong. */
    if (saved == EEXIST || out_file_check(o->path, err, err_size) == 0)
        set_file_error(err, err_size, o->path, "cannot create a file beside it (%s): %s", o->temp,
                       saved ? strerror(saved) : "fopen failed");
    free(o->temp);
    o->temp = NULL;
    return -1;
}

int out_file_open(out_file *o, const char *path, char *err, size_t err_size)
{
    memset(o, 0, sizeof *o);
    o->path = path;
    os_path_kind kind = os_path_kind_of(path);
    if (kind == OS_PATH_DIRECTORY) {
        set_file_error(err, err_size, path, "is a directory: give a file name");
        return -1;
    }
    if (kind != OS_PATH_OTHER)
        return open_temp(o, err, err_size);
    errno = 0;
    o->f = fopen(path, "wb");                     /* a device or a FIFO: in place */
    if (o->f == NULL) {
        set_file_error(err, err_size, path, "cannot open for writing: %s", errno ? strerror(errno) : "fopen failed");
        return -1;
    }
    return 0;
}

static void note_failure(out_file *o)
{
    if (!o->failed) {
        o->failed = 1;
        o->error = errno;
    }
}

int out_file_write(out_file *o, const void *bytes, size_t n)
{
    if (o->failed || o->f == NULL)
        return -1;
    errno = 0;
    if (n > 0 && fwrite(bytes, 1, n, o->f) != n) {
        note_failure(o);
        return -1;
    }
    return 0;
}

int out_file_printf(out_file *o, const char *format, ...)
{
    if (o->failed || o->f == NULL)
        return -1;
    va_list args;
    va_start(args, format);
    errno = 0;
    int n = vfprintf(o->f, format, args);
    va_end(args);
    if (n < 0) {
        note_failure(o);
        return -1;
    }
    return 0;
}

/* The last three steps of a good write: fflush, fsync (regular files only:
 * a device may not support it), fclose. Records the first failure. */
static void flush_sync_close(out_file *o)
{
    errno = 0;
    if (fflush(o->f) != 0 || ferror(o->f))
        note_failure(o);
    errno = 0;
    if (!o->failed && o->temp != NULL && os_sync(o->f) != 0)
        note_failure(o);
    errno = 0;
    if (fclose(o->f) != 0)
        note_failure(o);
    o->f = NULL;
}

int out_file_commit(out_file *o, char *err, size_t err_size)
{
    if (o->f == NULL) {
        set_file_error(err, err_size, o->path ? o->path : "(no file)", "not open for writing");
        return -1;
    }
    flush_sync_close(o);
    if (!o->failed && o->temp != NULL) {
        errno = 0;
        if (os_replace_file(o->temp, o->path) != 0)
            note_failure(o);
    }
    int rc = 0;
    if (o->failed) {
        set_file_error(err, err_size, o->path, "cannot write: %s%s", o->error ? strerror(o->error) : "write error",
                       o->temp ? " (the old file, if any, is unchanged)" : "");
        rc = -1;
        if (o->temp != NULL)
            remove(o->temp);
    }
    free(o->temp);
    o->temp = NULL;
    return rc;
}

void out_file_abandon(out_file *o)
{
    if (o->f != NULL)
        fclose(o->f);
    o->f = NULL;
    if (o->temp != NULL) {
        remove(o->temp);
        free(o->temp);
        o->temp = NULL;
    }
}

/* ---------------------------------------------------------------- standard output */

static const char *stdout_program = "program";

static void check_stdout(void)
{
    int failed = ferror(stdout) != 0;
    errno = 0;
    if (fflush(stdout) != 0)
        failed = 1;
    int saved = errno;
    if (fclose(stdout) != 0 && !failed) {
        failed = 1;
        saved = errno;
    }
    if (failed) {
        fprintf(stderr, "%s: cannot write the standard output: %s\n", stdout_program,
                saved ? strerror(saved) : "write error");
        _Exit(1);
    }
}

void out_file_check_stdout_at_exit(const char *program)
{
    static int registered;
    stdout_program = program;
    os_write_errors_not_signals();
    if (!registered && atexit(check_stdout) == 0)
        registered = 1;
}

int out_file_write_whole(const char *path, const void *bytes, size_t n, char *err, size_t err_size)
{
    out_file o;
    if (out_file_open(&o, path, err, err_size) != 0)
        return -1;
    out_file_write(&o, bytes, n);                 /* a failure is kept for the commit to report */
    return out_file_commit(&o, err, err_size);
}
