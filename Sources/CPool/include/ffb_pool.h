#ifndef FFB_POOL_H
#define FFB_POOL_H

/// A task split into `parts`; part p runs on the pool's thread p (part 0 on the caller).
typedef void (*ffb_pool_task)(void *context, int part, int parts);

/// Threads the pool runs tasks on, the caller included (1 to 256). Starting or
/// stopping workers waits for a task in flight to finish.
void ffb_pool_set_threads(int threads);
int ffb_pool_threads(void);

/// Runs task(context, p, parts) for p in [0, parts), parts at most the pool's
/// threads, and returns when every part is done. While another thread's task
/// holds the pool (a second caller, or a part that itself splits work), the
/// parts run one after another on the caller: the same parts, so the same
/// results.
void ffb_pool_run(ffb_pool_task task, void *context, int parts);

/// CPU seconds the pool's worker threads have used: an idle pool's workers
/// must stop spinning soon after their last part.
double ffb_pool_worker_cpu_seconds(void);

#endif
