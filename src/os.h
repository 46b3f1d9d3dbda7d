/* os.h: the few questions about files that ISO C cannot ask, in one place.
 *
 * Everything else in the library is ISO C11. These functions use POSIX
 * (stat, access, fsync, chmod, getpid, SIGXFSZ) where the system has it,
 * and fall back to a documented, safe answer where it does not, so the
 * library still compiles with nothing but a C11 compiler.
 *
 * Why each is needed: out_file.c writes every output file to a temporary
 * file beside the target and renames it into place, so a failed write never
 * destroys the old file. That needs to know whether the target is a
 * regular file (a device such as /dev/null, or a FIFO, must be written in
 * place, never replaced), whether a directory can take a new file, and how
 * to get the data onto the disk before the rename (fsync). */
#ifndef OS_H
#define OS_H

#include <stdio.h>

typedef enum {
    OS_PATH_ABSENT,      /* nothing there (or a dangling symbolic link)                    */
    OS_PATH_REGULAR,     /* a regular file (a symbolic link to one counts as one)          */
    OS_PATH_DIRECTORY,
    OS_PATH_OTHER,       /* a device, a FIFO or a socket: write in place, never replace it */
    OS_PATH_UNKNOWN      /* stat failed for another reason, or no POSIX: we cannot tell    */
} os_path_kind;

/* What is at path (stat, following symbolic links). Without POSIX: ABSENT
 * when fopen(path, "rb") fails, else UNKNOWN. errno is kept from stat. */
os_path_kind os_path_kind_of(const char *path);

/* 1 when a new file can be created in the directory dir (access W_OK|X_OK),
 * 0 when not (errno says why: ENOENT, EACCES, EROFS, ...). Without POSIX: 1
 * (the caller finds out when it creates the file). Creates nothing. */
int os_dir_writable(const char *dir);

/* Push f's data from the operating system's cache to the disk (fsync), after
 * the caller's fflush. Returns 0, or -1 with errno. Without POSIX: 0. */
int os_sync(FILE *f);

/* Give the open file `to` the permission bits of the file at from_path (so
 * replacing a file keeps its mode). Does nothing when from_path is absent,
 * or without POSIX. */
void os_copy_permissions(const char *from_path, FILE *to);

/* Make a write past the file-size limit (ulimit -f) fail with EFBIG, which
 * the program reports, instead of killing the process with SIGXFSZ halfway
 * through a file. Without SIGXFSZ: nothing to do. */
void os_write_errors_not_signals(void);

/* Move the finished file `from` onto `to`. POSIX rename replaces `to`
 * atomically: a reader sees the old file or the new one, never a mixture or
 * nothing. ISO C leaves renaming onto an existing file to the system (it
 * fails on some): without POSIX, when rename fails, `to` is removed first and
 * the rename tried again. Returns 0, or -1 with errno. */
int os_replace_file(const char *from, const char *to);

/* Create the directory path (one level: its parent must exist), mode 0777
 * less the umask (mkdir). Returns 0, or -1 with errno (EEXIST when
 * something is already there). Without POSIX: -1 with errno ENOSYS (the
 * caller asks the user to create it). */
int os_make_dir(const char *path);

/* A number that differs between processes running at the same time (the
 * process id), for naming temporary files. Without POSIX: 0. */
unsigned long os_process_id(void);

/* 1 when f is a terminal (isatty), 0 when it is a file, a pipe or
 * anything else. A progress bar redrawn with carriage returns belongs on a
 * terminal only. Without POSIX: 0 (plain lines are safe anywhere). */
int os_is_terminal(FILE *f);

#endif
