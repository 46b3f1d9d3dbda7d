/* threadpool.c: see threadpool.h.
 *
 * The pool's state is guarded by one mutex. A job is (task, ctx, n_tasks)
 * plus a generation number: the workers sleep on `wake` until the
 * generation changes, then take task numbers from an atomic counter until
 * none is left, and the last thread to finish signals `done`. The mutex
 * also makes everything a task wrote visible to the caller once
 * thread_pool_run returns. */
#include "threadpool.h"

#include <stdatomic.h>
#include <stdlib.h>

#include "os.h"    /* threads, locks, condition variables: C11's or POSIX's */

#define MAX_THREADS 256

struct thread_pool {
    int threads;                 /* the caller + the started workers */
    os_thread **workers;         /* (threads - 1) */
    os_lock *lock;
    os_cond *wake, *done;
    unsigned long generation;    /* +1 for every job, and for shutting down */
    int stopping;
    /* the current job */
    thread_task task;
    void *ctx;
    int n_tasks;
    atomic_int next;             /* the next task number nobody has taken */
    int busy;                    /* threads still working on this job */
};

/* Take task numbers until none is left. */
static void work_on_job(thread_pool *p)
{
    for (int i = atomic_fetch_add(&p->next, 1); i < p->n_tasks; i = atomic_fetch_add(&p->next, 1))
        p->task(p->ctx, i);
}

/* Called by each thread when it has run out of tasks. */
static void finish_job(thread_pool *p)
{
    os_lock_take(p->lock);
    if (--p->busy == 0)
        os_cond_wake_one(p->done);
    os_lock_give(p->lock);
}

static void worker_main(void *arg)
{
    thread_pool *p = arg;
    unsigned long seen = 0;
    for (;;) {
        os_lock_take(p->lock);
        while (p->generation == seen)
            os_cond_wait(p->wake, p->lock);
        seen = p->generation;
        int stop = p->stopping;
        os_lock_give(p->lock);
        if (stop)
            return;
        work_on_job(p);
        finish_job(p);
    }
}

thread_pool *thread_pool_create(int threads)
{
    if (threads < 1)
        threads = 1;
    if (threads > MAX_THREADS)
        threads = MAX_THREADS;
    thread_pool *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->workers = calloc((size_t)threads, sizeof *p->workers);
    p->lock = os_lock_new();
    p->wake = os_cond_new();
    p->done = os_cond_new();
    if (!p->workers || !p->lock || !p->wake || !p->done) {
        os_cond_free(p->done);
        os_cond_free(p->wake);
        os_lock_free(p->lock);
        free(p->workers);
        free(p);
        return NULL;
    }
    p->threads = 1;
    for (int t = 0; t < threads - 1; t++) {      /* a thread that cannot start is simply missing */
        p->workers[p->threads - 1] = os_thread_start(worker_main, p);
        if (p->workers[p->threads - 1] == NULL)
            break;
        p->threads++;
    }
    return p;
}

void thread_pool_free(thread_pool *p)
{
    if (!p)
        return;
    os_lock_take(p->lock);
    p->stopping = 1;
    p->generation++;
    os_cond_wake_all(p->wake);
    os_lock_give(p->lock);
    for (int t = 0; t < p->threads - 1; t++)
        os_thread_join(p->workers[t]);
    os_cond_free(p->wake);
    os_cond_free(p->done);
    os_lock_free(p->lock);
    free(p->workers);
    free(p);
}

int thread_pool_size(const thread_pool *p)
{
    return p ? p->threads : 1;
}

void thread_pool_run(thread_pool *p, int n_tasks, thread_task task, void *ctx)
{
    if (!p || p->threads == 1 || n_tasks <= 1) {
        for (int i = 0; i < n_tasks; i++)
            task(ctx, i);
        return;
    }
    os_lock_take(p->lock);
    p->task = task;
    p->ctx = ctx;
    p->n_tasks = n_tasks;
    atomic_store(&p->next, 0);
    p->busy = p->threads;
    p->generation++;
    os_cond_wake_all(p->wake);
    os_lock_give(p->lock);

    work_on_job(p);                              /* the caller is one of the threads */

    os_lock_take(p->lock);                          /* wait for the others to run out too */
    p->busy--;
    while (p->busy > 0)
        os_cond_wait(p->done, p->lock);
    os_lock_give(p->lock);
}

void split_range(long count, int parts, int part, long *first, long *n)
{
    long from = count * part / parts, to = count * (part + 1) / parts;
    *first = from;
    *n = to - from;
}
