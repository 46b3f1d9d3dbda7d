/* os.c: see os.h. The only file of the library that asks for POSIX or
 * Windows. Three branches for files and processes (POSIX, Windows, ISO C
 * only), two for threads (C11 <threads.h>, POSIX threads), one clock. */
#if defined(__unix__) || defined(__unix) || (defined(__APPLE__) && defined(__MACH__))
#define _POSIX_C_SOURCE 200809L
#include <unistd.h>
#endif

#include "os.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#if defined(_WIN32) && !defined(_POSIX_VERSION)
#define OS_WINDOWS 1
#define WIN32_LEAN_AND_MEAN
#include <direct.h>
#include <fcntl.h>
#include <io.h>
#include <sys/stat.h>
#include <windows.h>
#endif

#ifdef _POSIX_VERSION
#include <dirent.h>
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

int os_process_running(unsigned long pid)
{
    if (pid == 0 || (unsigned long)(pid_t)pid != pid || (pid_t)pid <= 0)
        return -1;
    if (kill((pid_t)pid, 0) == 0)
        return 1;
    return errno == ESRCH ? 0 : (errno == EPERM ? 1 : -1);
}

int os_list_dir(const char *dir, int (*visit)(const char *name, void *ctx), void *ctx)
{
    DIR *d = opendir(dir);
    if (d == NULL)
        return -1;
    for (struct dirent *e = readdir(d); e != NULL; e = readdir(d)) {
        if (e->d_name[0] == '.' && (e->d_name[1] == '\0' || (e->d_name[1] == '.' && e->d_name[2] == '\0')))
            continue;
        if (visit(e->d_name, ctx) != 0)
            break;
    }
    closedir(d);
    return 0;
}

#elif defined(OS_WINDOWS)

/* errno for the Windows error code of the last call that failed. */
static void set_errno_from_windows(void)
{
    switch (GetLastError()) {
    case ERROR_FILE_NOT_FOUND:
    case ERROR_PATH_NOT_FOUND:     errno = ENOENT; break;
    case ERROR_ACCESS_DENIED:
    case ERROR_SHARING_VIOLATION:
    case ERROR_LOCK_VIOLATION:     errno = EACCES; break;
    case ERROR_ALREADY_EXISTS:
    case ERROR_FILE_EXISTS:        errno = EEXIST; break;
    case ERROR_DISK_FULL:
    case ERROR_HANDLE_DISK_FULL:   errno = ENOSPC; break;
    case ERROR_WRITE_PROTECT:      errno = EROFS; break;
    default:                       errno = EIO; break;
    }
}

os_path_kind os_path_kind_of(const char *path)
{
    DWORD attributes = GetFileAttributesA(path);
    if (attributes == INVALID_FILE_ATTRIBUTES) {
        DWORD error = GetLastError();
        if (error == ERROR_FILE_NOT_FOUND || error == ERROR_PATH_NOT_FOUND) {
            errno = ENOENT;
            return OS_PATH_ABSENT;
        }
        set_errno_from_windows();
        return OS_PATH_UNKNOWN;
    }
    if (attributes & FILE_ATTRIBUTE_DIRECTORY)
        return OS_PATH_DIRECTORY;
    if (attributes & FILE_ATTRIBUTE_DEVICE)
        return OS_PATH_OTHER;
    return OS_PATH_REGULAR;
}

int os_dir_writable(const char *dir)
{
    (void)dir;                                 /* the caller finds out when it creates the file */
    return 1;
}

int os_sync(FILE *f)
{
    return _commit(_fileno(f)) == 0 ? 0 : -1;  /* FlushFileBuffers; sets errno */
}

void os_copy_permissions(const char *from_path, FILE *to)
{
    (void)from_path;                           /* no mode bits to keep */
    (void)to;
}

int os_replace_file(const char *from, const char *to)
{
    if (MoveFileExA(from, to, MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH))
        return 0;
    set_errno_from_windows();
    return -1;
}

int os_make_dir(const char *path)
{
    return _mkdir(path) == 0 ? 0 : -1;
}

unsigned long os_process_id(void)
{
    return (unsigned long)GetCurrentProcessId();
}

int os_is_terminal(FILE *f)
{
    return _isatty(_fileno(f)) != 0;
}

int os_process_running(unsigned long pid)
{
    if (pid == 0 || pid > 0xFFFFFFFFul)
        return -1;
    HANDLE process = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, (DWORD)pid);
    if (process == NULL)
        return GetLastError() == ERROR_INVALID_PARAMETER ? 0 : -1;   /* no such process */
    DWORD code = 0;
    int running = GetExitCodeProcess(process, &code) ? code == STILL_ACTIVE : -1;
    CloseHandle(process);
    return running;
}

int os_list_dir(const char *dir, int (*visit)(const char *name, void *ctx), void *ctx)
{
    size_t n = strlen(dir);
    char *pattern = malloc(n + 3);
    if (pattern == NULL)
        return -1;
    memcpy(pattern, dir, n);
    memcpy(pattern + n, "\\*", 3);
    WIN32_FIND_DATAA found;
    HANDLE h = FindFirstFileA(pattern, &found);
    free(pattern);
    if (h == INVALID_HANDLE_VALUE)
        return -1;
    do {
        const char *name = found.cFileName;
        if (name[0] == '.' && (name[1] == '\0' || (name[1] == '.' && name[2] == '\0')))
            continue;
        if (visit(name, ctx) != 0)
            break;
    } while (FindNextFileA(h, &found));
    FindClose(h);
    return 0;
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

int os_process_running(unsigned long pid)
{
    (void)pid;
    return -1;
}

int os_list_dir(const char *dir, int (*visit)(const char *name, void *ctx), void *ctx)
{
    (void)dir;
    (void)visit;
    (void)ctx;
    return -1;
}

#endif

FILE *os_create_new(const char *path)
{
#if defined(OS_WINDOWS)
    int fd = _open(path, _O_WRONLY | _O_CREAT | _O_EXCL | _O_BINARY, _S_IREAD | _S_IWRITE);
    if (fd < 0)
        return NULL;
    FILE *f = _fdopen(fd, "wb");
    if (f == NULL)
        _close(fd);
    return f;
#else
    return fopen(path, "wbx");
#endif
}

void os_write_errors_not_signals(void)
{
#ifdef SIGXFSZ
    signal(SIGXFSZ, SIG_IGN);
#endif
}

/* ---------------------------------------------------------------- the clock */

double os_seconds(void)
{
#if defined(OS_WINDOWS)
    LARGE_INTEGER count, frequency;
    QueryPerformanceCounter(&count);
    QueryPerformanceFrequency(&frequency);
    return (double)count.QuadPart / (double)frequency.QuadPart;
#elif defined(_POSIX_TIMERS) && _POSIX_TIMERS > 0 && defined(CLOCK_MONOTONIC)
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) == 0)
        return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
    return (double)time(NULL);
#elif defined(TIME_UTC)
    struct timespec ts;
    if (timespec_get(&ts, TIME_UTC) == TIME_UTC)
        return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
    return (double)time(NULL);
#else
    return (double)time(NULL);
#endif
}

double os_load_average(void)
{
    double load = -1;
    FILE *f = fopen("/proc/loadavg", "r");          /* "0.52 0.58 0.59 1/467 12345": 1, 5, 15 minutes */
    if (f) {
        if (fscanf(f, "%lf", &load) != 1 || load < 0)
            load = -1;
        fclose(f);                                  /* read only: nothing to lose if it fails */
    }
    return load;
}

#ifdef _POSIX_VERSION
#include <sys/times.h>
#endif

int os_cpu_times_now(os_cpu_times *t)
{
    t->machine_busy = t->machine_stolen = t->own = -1;
#ifdef _POSIX_VERSION
    long hz = sysconf(_SC_CLK_TCK);                 /* /proc/stat and times() count in these ticks */
    struct tms mine;
    if (hz <= 0 || times(&mine) == (clock_t)-1)
        return -1;
    FILE *f = fopen("/proc/stat", "r");             /* "cpu  user nice system idle iowait irq softirq steal ..." */
    if (!f)
        return -1;
    unsigned long long user, nice, system, idle, iowait, irq, softirq, steal;
    int got = fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &user, &nice, &system, &idle, &iowait, &irq,
                     &softirq, &steal);
    fclose(f);                                      /* read only: nothing to lose if it fails */
    if (got != 8)
        return -1;
    t->machine_busy = (double)(user + nice + system + irq + softirq) / (double)hz;
    t->machine_stolen = (double)steal / (double)hz;
    t->own = (double)(mine.tms_utime + mine.tms_stime + mine.tms_cutime + mine.tms_cstime) / (double)hz;
    return 0;
#else
    return -1;
#endif
}

int os_processors(void)
{
#if defined(OS_WINDOWS)
    SYSTEM_INFO info;
    GetSystemInfo(&info);
    return (int)info.dwNumberOfProcessors;
#elif defined(_SC_NPROCESSORS_ONLN)
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 && n < 1000000 ? (int)n : 0;
#else
    return 0;
#endif
}

/* ---------------------------------------------------------------- threads */

#if defined(NO_C11_THREADS) || defined(__STDC_NO_THREADS__)
#define OS_POSIX_THREADS 1
#elif defined(__has_include)
#if !__has_include(<threads.h>)
#define OS_POSIX_THREADS 1
#endif
#endif

#ifdef OS_POSIX_THREADS
#include <pthread.h>
typedef pthread_t os_thread_id;
typedef pthread_mutex_t os_mutex;
typedef pthread_cond_t os_condvar;
#define THREADS_NAME "POSIX threads"
#else
#include <threads.h>
typedef thrd_t os_thread_id;
typedef mtx_t os_mutex;
typedef cnd_t os_condvar;
#define THREADS_NAME "C11 <threads.h>"
#endif

struct os_thread {
    os_thread_id id;
    void (*run)(void *arg);
    void *arg;
};
struct os_lock {
    os_mutex m;
};
struct os_cond {
    os_condvar c;
};

const char *os_threads_name(void)
{
    return THREADS_NAME;
}

#ifdef OS_POSIX_THREADS
static void *thread_main(void *self)
{
    os_thread *t = self;
    t->run(t->arg);
    return NULL;
}
#else
static int thread_main(void *self)
{
    os_thread *t = self;
    t->run(t->arg);
    return 0;
}
#endif

os_thread *os_thread_start(void (*run)(void *arg), void *arg)
{
    os_thread *t = malloc(sizeof *t);
    if (t == NULL)
        return NULL;
    t->run = run;
    t->arg = arg;
#ifdef OS_POSIX_THREADS
    int started = pthread_create(&t->id, NULL, thread_main, t) == 0;
#else
    int started = thrd_create(&t->id, thread_main, t) == thrd_success;
#endif
    if (!started) {
        free(t);
        return NULL;
    }
    return t;
}

void os_thread_join(os_thread *t)
{
    if (t == NULL)
        return;
#ifdef OS_POSIX_THREADS
    pthread_join(t->id, NULL);
#else
    thrd_join(t->id, NULL);
#endif
    free(t);
}

os_lock *os_lock_new(void)
{
    os_lock *l = malloc(sizeof *l);
    if (l == NULL)
        return NULL;
#ifdef OS_POSIX_THREADS
    int ok = pthread_mutex_init(&l->m, NULL) == 0;
#else
    int ok = mtx_init(&l->m, mtx_plain) == thrd_success;
#endif
    if (!ok) {
        free(l);
        return NULL;
    }
    return l;
}

void os_lock_free(os_lock *l)
{
    if (l == NULL)
        return;
#ifdef OS_POSIX_THREADS
    pthread_mutex_destroy(&l->m);
#else
    mtx_destroy(&l->m);
#endif
    free(l);
}

void os_lock_take(os_lock *l)
{
#ifdef OS_POSIX_THREADS
    pthread_mutex_lock(&l->m);
#else
    mtx_lock(&l->m);
#endif
}

void os_lock_give(os_lock *l)
{
#ifdef OS_POSIX_THREADS
    pthread_mutex_unlock(&l->m);
#else
    mtx_unlock(&l->m);
#endif
}

os_cond *os_cond_new(void)
{
    os_cond *c = malloc(sizeof *c);
    if (c == NULL)
        return NULL;
#ifdef OS_POSIX_THREADS
    int ok = pthread_cond_init(&c->c, NULL) == 0;
#else
    int ok = cnd_init(&c->c) == thrd_success;
#endif
    if (!ok) {
        free(c);
        return NULL;
    }
    return c;
}

void os_cond_free(os_cond *c)
{
    if (c == NULL)
        return;
#ifdef OS_POSIX_THREADS
    pthread_cond_destroy(&c->c);
#else
    cnd_destroy(&c->c);
#endif
    free(c);
}

void os_cond_wait(os_cond *c, os_lock *l)
{
#ifdef OS_POSIX_THREADS
    pthread_cond_wait(&c->c, &l->m);
#else
    cnd_wait(&c->c, &l->m);
#endif
}

void os_cond_wake_one(os_cond *c)
{
#ifdef OS_POSIX_THREADS
    pthread_cond_signal(&c->c);
#else
    cnd_signal(&c->c);
#endif
}

void os_cond_wake_all(os_cond *c)
{
#ifdef OS_POSIX_THREADS
    pthread_cond_broadcast(&c->c);
#else
    cnd_broadcast(&c->c);
#endif
}
