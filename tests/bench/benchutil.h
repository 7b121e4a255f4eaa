/* benchutil.h — what the benchmark programs share: wall and CPU clocks in seconds, the median of timed runs and their list. */
#ifndef SL_BENCHUTIL_H
#define SL_BENCHUTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

/* The median of n values (n at most 16), v left as it is. */
static inline double sl_bench_median(const double *v, int n)
{
    double s[16];
    memcpy(s, v, (size_t)n * sizeof *v);
    qsort(s, (size_t)n, sizeof s[0], sl_bench_cmp_double);
    return s[n / 2];
}

/* Prints n values as "a,b,c" (seconds, to 0.1 ms). */
static inline void sl_bench_print_list(const double *v, int n)
{
    for (int i = 0; i < n; i++)
        printf("%s%.4f", i ? "," : "", v[i]);
}

#endif
