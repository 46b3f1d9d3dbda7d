/* os.c: see os.h. The only file of the library that asks for POSIX. */
#if defined(__unix__) || defined(__unix) || (defined(__APPLE__) && defined(__MACH__))
#define _POSIX_C_SOURCE 200809L
#include <unistd.h>
#endif

#include "os.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>

#ifdef _POSIX_VERSION
#include <sys/stat.h>
#include <sys/types.h>

os_path_kind os_path_kind_of(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return errno == ENOENT ? OS_PATH_ABSENT : OS_PATH_UNKNOWN;
    if (S_ISREG(st.st_mode))
        return OS_PATH_REGULAR;
    if (S_ISDIR(st.st_mode))
        return OS_PATH_DIRECTORY;
    return OS_PATH_OTHER;
}

int os_dir_writable(const char *dir)
{
    return access(dir, W_OK | X_OK) == 0;
}

int os_sync(FILE *f)
{
    return fsync(fileno(f));
}

void os_copy_permissions(const char *from_path, FILE *to)
{
    struct stat st;
    if (stat(from_path, &st) == 0)
        (void)fchmod(fileno(to), st.st_mode & 07777);   /* best effort: the data matter more */
}

int os_replace_file(const char *from, const char *to)
{
    return rename(from, to) == 0 ? 0 : -1;
}

int os_make_dir(const char *path)
{
    return mkdir(path, 0777) == 0 ? 0 : -1;
}

unsigned long os_process_id(void)
{
    return (unsigned long)getpid();
}

int os_is_terminal(FILE *f)
{
    return isatty(fileno(f)) == 1;
}

#else   /* ISO C only */

os_path_kind os_path_kind_of(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return OS_PATH_ABSENT;
    fclose(f);
    return OS_PATH_UNKNOWN;
}

int os_dir_writable(const char *dir)
{
    (void)dir;
    return 1;
}

int os_sync(FILE *f)
{
    (void)f;
    return 0;
}

void os_copy_permissions(const char *from_path, FILE *to)
{
    (void)from_path;
    (void)to;
}

int os_replace_file(const char *from, const char *to)
{
    if (rename(from, to) == 0)
        return 0;
    remove(to);
    return rename(from, to) == 0 ? 0 : -1;
}

int os_make_dir(const char *path)
{
    (void)path;
#ifdef ENOSYS
    errno = ENOSYS;
#endif
    return -1;
}

unsigned long os_process_id(void)
{
    return 0;
}

int os_is_terminal(FILE *f)
{
    (void)f;
    return 0;
}

#endif

void os_write_errors_not_signals(void)
{
#ifdef SIGXFSZ
    signal(SIGXFSZ, SIG_IGN);
#endif
}
