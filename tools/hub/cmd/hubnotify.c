/* hubnotify.c — sd_notify for `screenlit-hub serve` through libsystemd. */
#include "tools/hub/cmd/hubnotify.h"

#include <stdint.h>
#include <stdio.h>
#include <systemd/sd-daemon.h>

long sl_hubnotify_ping_ms(void)
{
    uint64_t usec = 0;
    if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0)
        return 0;
    long ms = (long)(usec / 2000);
    return ms > 0 ? ms : 1;
}

void sl_hubnotify_ready(const char *status)
{
    char msg[300];
    snprintf(msg, sizeof msg, "READY=1\nSTATUS=%s", status ? status : "serving");
    sd_notify(0, msg);
}

void sl_hubnotify_ping(void)
{
    sd_notify(0, "WATCHDOG=1");
}

void sl_hubnotify_reloading(void)
{
    sd_notify(0, "RELOADING=1\nSTATUS=reloading the TLS certificate");
}

void sl_hubnotify_stopping(void)
{
    sd_notify(0, "STOPPING=1\nSTATUS=finishing requests in flight");
}
