#ifndef FFBENCH_CORE_LATENCY_H
#define FFBENCH_CORE_LATENCY_H

/// Mean nanoseconds for one cache-line round trip between the first core
/// this process may run on and each other one (up to `max_partners`),
/// `rounds` round trips per pair; the slowest pair's mean. 0 when the
/// process may use a single core, negative when a thread cannot be pinned.
double ffb_core_round_trip_ns(int rounds, int max_partners);

#endif
