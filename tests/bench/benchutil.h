/* benchutil.h — what the benchmark programs share: wall and CPU clocks in seconds, and an order of doubles for medians. */
#ifndef SL_BENCHUTIL_H
#define SL_BENCHUTIL_H

#include <time.h>

/* Seconds on the monotonic clock. */
static inline double sl_bench_now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU seconds of this process (every thread). */
static inline double sl_bench_cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* qsort's order of doubles, smallest first. */
static inline int sl_bench_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

#endif
