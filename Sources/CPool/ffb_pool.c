// Persistent worker threads for OpenBLAS products run at one thread each and
// for elementwise work, so that both share the same threads: OpenBLAS's own
// workers spin after each product and fought Dispatch's threads for the
// cores during the optimizer's update (docs/performance.md, issue 26).
#include "ffb_pool.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <time.h>

#if defined(__x86_64__) || defined(__i386__)
#define spin_pause() __builtin_ia32_pause()
#else
#define spin_pause() ((void)0)
#endif

enum { max_threads = 256 };

// A worker spins this long after its last part before sleeping: long enough
// to span the elementwise work between two products of a step, short enough
// that an idle process does not burn a core (and that the FMA probe's 0.3 s
// wait outlasts it).
static const double spin_seconds = 0.005;

static pthread_mutex_t owner = PTHREAD_MUTEX_INITIALIZER;     // held by the caller of a task in flight
static pthread_mutex_t sleep_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static pthread_t workers[max_threads];
static int worker_count;                                       // threads - 1
static _Atomic int thread_count = 1;                           // read without the lock, even inside a part
static _Atomic long generation;                                // a new task, or -1: stop
static long start_generation;                                  // what a worker has seen when it starts
static _Atomic int remaining;                                  // parts not yet done
static _Atomic int sleepers;
static ffb_pool_task current_task;
static void *current_context;
static int current_parts;

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static void *worker(void *arg) {
    int part = (int)(long)arg;
    // Not the current generation: a task may be published before this thread first runs.
    long seen = start_generation;
    for (;;) {
        long g;
        double since = now();
        int spins = 0;
        while ((g = atomic_load_explicit(&generation, memory_order_acquire)) == seen) {
            if (++spins < 256) { spin_pause(); continue; }
            spins = 0;
            if (now() - since < spin_seconds) { sched_yield(); continue; }
            pthread_mutex_lock(&sleep_lock);
            atomic_fetch_add(&sleepers, 1);
            while (atomic_load(&generation) == seen) pthread_cond_wait(&wake, &sleep_lock);
            atomic_fetch_sub(&sleepers, 1);
            pthread_mutex_unlock(&sleep_lock);
            since = now();
        }
        if (g < 0) return NULL;
        seen = g;
        if (part < current_parts) current_task(current_context, part, current_parts);
        atomic_fetch_sub_explicit(&remaining, 1, memory_order_release);
    }
}

static void publish(long g) {
    // Sequentially consistent, with the sleeper count: a worker that counts
    // itself after this load sees the new generation before it waits.
    atomic_store(&generation, g);
    if (atomic_load(&sleepers) > 0) {
        pthread_mutex_lock(&sleep_lock);
        pthread_cond_broadcast(&wake);
        pthread_mutex_unlock(&sleep_lock);
    }
}

static void stop_workers(void) {
    if (worker_count == 0) return;
    publish(-1);
    for (int i = 0; i < worker_count; i++) pthread_join(workers[i], NULL);
    worker_count = 0;
    atomic_store(&generation, 0);
}

void ffb_pool_set_threads(int threads) {
    if (threads < 1) threads = 1;
    if (threads > max_threads) threads = max_threads;
    pthread_mutex_lock(&owner);
    if (threads != worker_count + 1) {
        stop_workers();
        start_generation = atomic_load(&generation);
        for (int i = 0; i < threads - 1; i++) {
            if (pthread_create(&workers[i], NULL, worker, (void *)(long)(i + 1)) != 0) break;
            worker_count = i + 1;
        }
        atomic_store(&thread_count, worker_count + 1);
    }
    pthread_mutex_unlock(&owner);
}

int ffb_pool_threads(void) { return atomic_load(&thread_count); }

void ffb_pool_run(ffb_pool_task task, void *context, int parts) {
    if (parts <= 1) { task(context, 0, 1); return; }
    int held = pthread_mutex_trylock(&owner) == 0;
    // More parts than threads: the count changed since they were planned.
    if (held && parts > worker_count + 1) { pthread_mutex_unlock(&owner); held = 0; }
    if (!held) {
        for (int p = 0; p < parts; p++) task(context, p, parts);
        return;
    }
    current_task = task;
    current_context = context;
    current_parts = parts;
    atomic_store(&remaining, worker_count);
    publish(atomic_load(&generation) + 1);
    task(context, 0, parts);
    int spins = 0;
    while (atomic_load_explicit(&remaining, memory_order_acquire) > 0) {
        if (++spins < 1024) spin_pause(); else sched_yield();
    }
    pthread_mutex_unlock(&owner);
}

double ffb_pool_worker_cpu_seconds(void) {
    double total = 0;
    for (int i = 0; i < worker_count; i++) {
        clockid_t clock;
        struct timespec t;
        if (pthread_getcpuclockid(workers[i], &clock) == 0 && clock_gettime(clock, &t) == 0)
            total += (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
    }
    return total;
}
