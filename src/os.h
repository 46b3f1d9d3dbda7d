/* os.h: the few things ISO C cannot do, in one place: questions about
 * files, a clock, threads.
 *
 * Everything else in the library is ISO C11. These functions use POSIX
 * (stat, access, fsync, chmod, getpid, kill, opendir, SIGXFSZ,
 * clock_gettime, pthreads) where the system has it, Windows' own calls on
 * Windows (MinGW-w64), and fall back to a documented, safe answer where
 * there is neither, so the library still compiles with nothing but a C11
 * compiler (the clock then has whole seconds, threads are C11's).
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

/* Create the file path for writing in binary mode, only if nothing is there
 * yet: C11's fopen(path, "wbx"), which fails when path exists (errno
 * EEXIST). Windows' C runtime (msvcrt) ignores the "x" and would open an
 * existing file: there _open with _O_CREAT | _O_EXCL does it. Returns the
 * open file, or NULL with errno. */
FILE *os_create_new(const char *path);

/* Make a write past the file-size limit (ulimit -f) fail with EFBIG, which
 * the program reports, instead of killing the process with SIGXFSZ halfway
 * through a file. Without SIGXFSZ: nothing to do. */
void os_write_errors_not_signals(void);

/* Move the finished file `from` onto `to`. POSIX rename replaces `to`
 * atomically: a reader sees the old file or the new one, never a mixture or
 * nothing. Windows' rename fails when `to` exists: there MoveFileExA with
 * MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH replaces it (in one
 * step on NTFS). ISO C leaves renaming onto an existing file to the system:
 * with neither, when rename fails, `to` is removed first and the rename
 * tried again. Returns 0, or -1 with errno. */
int os_replace_file(const char *from, const char *to);

/* Create the directory path (one level: its parent must exist), mode 0777
 * less the umask (mkdir; _mkdir on Windows). Returns 0, or -1 with errno
 * (EEXIST when something is already there). Without either: -1 with errno
 * ENOSYS (the caller asks the user to create it). */
int os_make_dir(const char *path);

/* A number that differs between processes running at the same time (the
 * process id: getpid, GetCurrentProcessId), for naming temporary files.
 * Without either: 0. */
unsigned long os_process_id(void);

/* 1 when f is a terminal (isatty), 0 when it is a file, a pipe or
 * anything else. A progress bar redrawn with carriage returns belongs on a
 * terminal only. Without POSIX: 0 (plain lines are safe anywhere). */
int os_is_terminal(FILE *f);

/* The process with this id is still running: 1, 0 when it is gone, -1
 * when we cannot tell (no POSIX or Windows calls). kill(pid, 0) on POSIX
 * (EPERM counts as running: someone else's process), OpenProcess and
 * GetExitCodeProcess on Windows. out_file.c asks this before it removes a
 * temporary file another save left behind. */
int os_process_running(unsigned long pid);

/* Call visit(name, ctx) for each entry of the directory dir (not "." and
 * ".."; in no particular order) until visit returns non-zero. Returns 0, or
 * -1 when dir cannot be read or there is no way to list a directory
 * (opendir/readdir on POSIX, FindFirstFileA on Windows). */
int os_list_dir(const char *dir, int (*visit)(const char *name, void *ctx), void *ctx);

/* ---------------------------------------------------------------- the clock */

/* Seconds since some fixed moment, for timing: subtract two readings. A
 * monotonic clock where there is one (clock_gettime(CLOCK_MONOTONIC) on
 * POSIX, QueryPerformanceCounter on Windows), else C11's timespec_get,
 * else time() (whole seconds). */
double os_seconds(void);

/* The system's load average over the last minute: how many programs were
 * running or waiting for a processor, on average (0.0 on an idle machine,
 * about 2 when two programs keep two cores busy). From /proc/loadavg
 * (Linux); -1 where the system does not say (then a caller must judge how
 * busy the machine is some other way: make bench also compares its own
 * probes, src/tools/bench.c). */
double os_load_average(void);

/* Processor time in seconds, for telling whether other programs (or the
 * host of a virtual machine) took processors while we measured: subtract
 * two readings. machine_busy: all the machine's processors running any
 * program (user, nice, system, interrupts), machine_stolen: time the
 * hypervisor gave to other virtual machines while this one wanted to run
 * (both summed over processors, from Linux's /proc/stat); own: this
 * process and the children it has waited for (POSIX times()). Returns 0,
 * or -1 where the system does not say (then *t is all -1). */
typedef struct {
    double machine_busy, machine_stolen, own;
} os_cpu_times;
int os_cpu_times_now(os_cpu_times *t);

/* The processors online (sysconf(_SC_NPROCESSORS_ONLN) where there is one,
 * GetSystemInfo on Windows), or 0 when the system does not say. */
int os_processors(void);

/* ---------------------------------------------------------------- threads
 *
 * Threads, a lock and a condition variable: C11 <threads.h> where the
 * compiler and C library have it, POSIX threads where they do not (macOS's
 * libc, MinGW-w64's winpthreads, MSVC before 17.8). The choice is made when
 * os.c is compiled: POSIX threads when NO_C11_THREADS is defined (make
 * THREADS=posix), when the C library says __STDC_NO_THREADS__, or when the
 * compiler can tell (__has_include) that <threads.h> is missing. Both do
 * the same thing; threadpool.c is the only user. os_threads_name() says
 * which was compiled in ("C11 <threads.h>" or "POSIX threads"). */
typedef struct os_thread os_thread;
typedef struct os_lock os_lock;
typedef struct os_cond os_cond;

const char *os_threads_name(void);

/* Start a thread running run(arg). NULL when it cannot be started. */
os_thread *os_thread_start(void (*run)(void *arg), void *arg);
/* Wait for the thread to return, and free it. */
void os_thread_join(os_thread *t);

/* A lock (mutex) and a condition variable; NULL when out of memory. */
os_lock *os_lock_new(void);
void os_lock_free(os_lock *l);
void os_lock_take(os_lock *l);
void os_lock_give(os_lock *l);
os_cond *os_cond_new(void);
void os_cond_free(os_cond *c);
/* Release l, sleep until woken, take l again (it may wake without a cause:
 * check the condition in a loop). */
void os_cond_wait(os_cond *c, os_lock *l);
void os_cond_wake_one(os_cond *c);
void os_cond_wake_all(os_cond *c);

#endif
