/* watchdog.c — sd_notify for the player: READY=1, WATCHDOG=1 pings paced from the render loop, STOPPING=1. */
#include "player/watchdog.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-daemon.h>
#include <time.h>

static int64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void sleep_ns(int64_t ns)
{
    struct timespec ts = {(time_t)(ns / 1000000000LL), (long)(ns % 1000000000LL)};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

/* SL_TEST_RENDER_LOOP="pace=MS,stall=S" (watchdog.h). */
static void read_test_hook(sl_watchdog *w, const sl_log *log)
{
    const char *v = getenv("SL_TEST_RENDER_LOOP");
    if (!v || !*v)
        return;
    for (const char *p = v; p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL) {
        char *end = NULL;
        if (!strncmp(p, "pace=", 5)) {
            double ms = strtod(p + 5, &end);
            if (end != p + 5 && ms >= 0 && ms < 60000)
                w->pace_ns = (int64_t)(ms * 1e6);
        } else if (!strncmp(p, "stall=", 6)) {
            double s = strtod(p + 6, &end);
            if (end != p + 6 && s > 0 && s < 86400)
                w->stall_ns = (int64_t)(s * 1e9);
        }
    }
    sl_log_warn(log, "SL_TEST_RENDER_LOOP=%s: the render loop is slowed or stalled on purpose (a test aid)", v);
}

void sl_watchdog_init(sl_watchdog *w, const sl_log *log)
{
    memset(w, 0, sizeof *w);
    uint64_t usec = 0;
    if (sd_watchdog_enabled(0, &usec) > 0 && usec > 0) {
        w->every_ns = (int64_t)usec * 1000 / 2;
        sl_log_info(log, "systemd watchdog: %llu ms, pinged from the render loop every %llu ms",
                    (unsigned long long)(usec / 1000), (unsigned long long)(usec / 2000));
    }
    read_test_hook(w, log);
}

void sl_watchdog_ready(sl_watchdog *w, const sl_log *log)
{
    if (!w || w->ready_sent)
        return;
    w->ready_sent = true;
    if (sd_notify(0, "READY=1\nSTATUS=playing") > 0)
        sl_log_info(log, "told systemd the player is ready (first frame shown)");
}

void sl_watchdog_turn(sl_watchdog *w)
{
    if (!w)
        return;
    int64_t now = mono_ns();
    if (!w->start_ns)
        w->start_ns = now;
    if (w->stall_ns && now - w->start_ns >= w->stall_ns) {
        fprintf(stderr, "screenlit-player: warn: SL_TEST_RENDER_LOOP: the render loop stalls now\n");
        /* After every ping already sent (one socket keeps their order): a test counts pings past it. */
        sd_notify(0, "STATUS=render loop stalled");
        for (;;)
            sleep_ns(1000000000LL); /* test: the frozen loop, until killed */
    }
    if (w->pace_ns)
        sleep_ns(w->pace_ns);
    if (w->every_ns && now - w->last_ns >= w->every_ns) {
        w->last_ns = now;
        sd_notify(0, "WATCHDOG=1");
    }
}

void sl_watchdog_stopping(sl_watchdog *w)
{
    if (w)
        sd_notify(0, "STOPPING=1");
}
