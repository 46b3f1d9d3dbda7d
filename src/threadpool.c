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
#include <threads.h>

#define MAX_THREADS 256

struct thread_pool {
    int threads;                 /* the caller + the started workers */
    thrd_t *workers;             /* (threads - 1) */
    mtx_t lock;
    cnd_t wake, done;
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
    mtx_lock(&p->lock);
    if (--p->busy == 0)
        cnd_signal(&p->done);
    mtx_unlock(&p->lock);
}

static int worker_main(void *arg)
{
    thread_pool *p = arg;
    unsigned long seen = 0;
    for (;;) {
        mtx_lock(&p->lock);
        while (p->generation == seen)
            cnd_wait(&p->wake, &p->lock);
        seen = p->generation;
        int stop = p->stopping;
        mtx_unlock(&p->lock);
        if (stop)
            return 0;
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
    p->workers = calloc((size_t)threads, sizeof(thrd_t));
    if (!p->workers || mtx_init(&p->lock, mtx_plain) != thrd_success) {
        free(p->workers);
        free(p);
        return NULL;
    }
    cnd_init(&p->wake);
    cnd_init(&p->done);
    p->threads = 1;
    for (int t = 0; t < threads - 1; t++) {      /* a thread that cannot start is simply missing */
        if (thrd_create(&p->workers[p->threads - 1], worker_main, p) != thrd_success)
            break;
        p->threads++;
    }
    return p;
}

void thread_pool_free(thread_pool *p)
{
    if (!p)
        return;
    mtx_lock(&p->lock);
    p->stopping = 1;
    p->generation++;
    cnd_broadcast(&p->wake);
    mtx_unlock(&p->lock);
    for (int t = 0; t < p->threads - 1; t++)
        thrd_join(p->workers[t], NULL);
    cnd_destroy(&p->wake);
    cnd_destroy(&p->done);
    mtx_destroy(&p->lock);
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
    mtx_lock(&p->lock);
    p->task = task;
    p->ctx = ctx;
    p->n_tasks = n_tasks;
    atomic_store(&p->next, 0);
    p->busy = p->threads;
    p->generation++;
    cnd_broadcast(&p->wake);
    mtx_unlock(&p->lock);

    work_on_job(p);                              /* the caller is one of the threads */

    mtx_lock(&p->lock);                          /* wait for the others to run out too */
    p->busy--;
    while (p->busy > 0)
        cnd_wait(&p->done, &p->lock);
    mtx_unlock(&p->lock);
}

void split_range(long count, int parts, int part, long *first, long *n)
{
    long from = count * part / parts, to = count * (part + 1) / parts;
    *first = from;
    *n = to - from;
}
