/* clock.c — real and simulated clocks, and whether the wall clock is trustworthy. */
#define _GNU_SOURCE
#include "player/clock.h"

#include <sys/timex.h>
#include <time.h>

#define SL_PLAUSIBLE_UTC_MS 1704067200000LL /* 2024-01-01T00:00:00Z */

int64_t sl_mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int64_t wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

void sl_clock_init_real(sl_clock *c)
{
    if (!c)
        return;
    c->simulated = false;
    c->start_ms = wall_ms();
    c->sim_now_ms = 0;
    c->start_mono_ns = sl_mono_ns();
}

void sl_clock_init_shifted(sl_clock *c, int64_t start_utc_ms)
{
    if (!c)
        return;
    sl_clock_init_real(c);
    c->shifted = true;
    c->offset_ms = start_utc_ms - c->start_ms;
    c->start_ms = start_utc_ms;
}

void sl_clock_init_sim(sl_clock *c, int64_t start_utc_ms)
{
    if (!c)
        return;
    c->simulated = true;
    c->start_ms = start_utc_ms;
    c->sim_now_ms = start_utc_ms;
    c->start_mono_ns = 0;
}

int64_t sl_clock_now_ms(const sl_clock *c)
{
    if (c && c->simulated)
        return c->sim_now_ms;
    return wall_ms() + (c ? c->offset_ms : 0);
}

int64_t sl_clock_elapsed_ms(const sl_clock *c)
{
    if (!c)
        return 0;
    if (c->simulated)
        return c->sim_now_ms - c->start_ms;
    return (sl_mono_ns() - c->start_mono_ns) / 1000000;
}

void sl_clock_set_sim(sl_clock *c, int64_t utc_ms)
{
    if (c && c->simulated && utc_ms > c->sim_now_ms)
        c->sim_now_ms = utc_ms;
}

sl_clock_trust sl_clock_trust_now(const sl_clock *c)
{
    if (c && (c->simulated || c->shifted))
        return SL_CLOCK_SIMULATED;
    if (wall_ms() < SL_PLAUSIBLE_UTC_MS)
        return SL_CLOCK_UNTRUSTED;
    struct timex tx = {0};
    int state = adjtimex(&tx);
    if (state == -1 || state == TIME_ERROR || (tx.status & STA_UNSYNC))
        return SL_CLOCK_UNTRUSTED;
    return SL_CLOCK_SYNCED;
}
