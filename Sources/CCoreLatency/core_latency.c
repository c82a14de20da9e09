// Why C: the probe is two threads pinned to two cores passing one cache
// line back and forth; C11 atomics and CPU_SET keep it a dozen lines.
#define _GNU_SOURCE
#include "core_latency.h"
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <time.h>

struct pair {
    _Atomic int turn;   // 1: the partner's move, 0: the starter's
    int rounds;
    int cpu;
    int pinned;
};

static int pin(int cpu) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    return pthread_setaffinity_np(pthread_self(), sizeof set, &set) == 0;
}

static void *partner(void *arg) {
    struct pair *p = arg;
    p->pinned = pin(p->cpu);
    for (int i = 0; i < p->rounds; i++) {
        while (atomic_load_explicit(&p->turn, memory_order_acquire) != 1) {}
        atomic_store_explicit(&p->turn, 0, memory_order_release);
    }
    return 0;
}

struct measurement { int from, to, rounds; double ns; int ok; };

static void *starter(void *arg) {
    struct measurement *m = arg;
    struct pair p = { .rounds = m->rounds, .cpu = m->to, .pinned = 0 };
    atomic_init(&p.turn, 0);
    if (!pin(m->from)) { m->ok = 0; return 0; }
    pthread_t t;
    if (pthread_create(&t, 0, partner, &p) != 0) { m->ok = 0; return 0; }
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    for (int i = 0; i < m->rounds; i++) {
        atomic_store_explicit(&p.turn, 1, memory_order_release);
        while (atomic_load_explicit(&p.turn, memory_order_acquire) != 0) {}
    }
    clock_gettime(CLOCK_MONOTONIC, &b);
    pthread_join(t, 0);
    m->ns = ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / m->rounds;
    m->ok = p.pinned;
    return 0;
}

double ffb_core_round_trip_ns(int rounds, int max_partners) {
    cpu_set_t allowed;
    if (sched_getaffinity(0, sizeof allowed, &allowed) != 0) return -1;
    int first = -1, partners = 0;
    double slowest = 0;
    for (int cpu = 0; cpu < CPU_SETSIZE && partners < max_partners; cpu++) {
        if (!CPU_ISSET(cpu, &allowed)) continue;
        if (first < 0) { first = cpu; continue; }
        // Both ends run on threads of their own: the caller's affinity is left as it was.
        struct measurement m = { .from = first, .to = cpu, .rounds = rounds, .ns = 0, .ok = 0 };
        pthread_t t;
        if (pthread_create(&t, 0, starter, &m) != 0) return -1;
        pthread_join(t, 0);
        if (!m.ok) return -1;
        if (m.ns > slowest) slowest = m.ns;
        partners++;
    }
    return slowest;
}
