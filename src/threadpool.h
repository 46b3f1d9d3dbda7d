/* threadpool.h: a small pool of threads that share loops (C11 <threads.h>
 * or POSIX threads, whichever the system has: os.h).
 *
 * Starting a thread costs tens of microseconds, about as long as a small
 * network needs for a whole mini-batch, so the threads are started once and
 * then wait to be given work. The work is always the same shape: run
 * task(ctx, i) for i = 0 .. n_tasks-1, in any order, on any thread, and
 * return when all have finished. Each thread takes the next i nobody has
 * taken yet, so a thread slowed down by another program simply does fewer.
 *
 * Which thread runs task i is not fixed, so a task must write only memory
 * that belongs to i. Results then never depend on the number of threads:
 * the caller decides what the tasks are (a fixed partition of the work) and
 * combines their results in a fixed order. */
#ifndef THREADPOOL_H
#define THREADPOOL_H

typedef struct thread_pool thread_pool;
typedef void (*thread_task)(void *ctx, int i);

/* A pool of `threads` threads in all: the thread that calls thread_pool_run
 * is one of them, so threads - 1 are started here. threads < 1 counts as 1.
 * When a thread cannot be started the pool works with fewer (the work is
 * the same, only slower). Returns NULL only when out of memory. */
thread_pool *thread_pool_create(int threads);

/* Stop and join the threads, free the pool. NULL is allowed. */
void thread_pool_free(thread_pool *pool);

/* How many threads run the tasks (1 for a NULL pool). */
int thread_pool_size(const thread_pool *pool);

/* Run task(ctx, i) for every i in [0, n_tasks) and wait for all of them.
 * pool == NULL runs them on the calling thread, in order. Not re-entrant:
 * a task must not call thread_pool_run on the same pool (pass NULL to the
 * functions it calls instead). */
void thread_pool_run(thread_pool *pool, int n_tasks, thread_task task, void *ctx);

/* Part `part` of `parts` nearly equal parts of [0, count): sets *first and
 * *n (which may be 0). The same split for every thread count. */
void split_range(long count, int parts, int part, long *first, long *n);

#endif
