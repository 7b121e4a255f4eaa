/* hubnotify.h — the hub's word to systemd (sd_notify): ready, alive, reloading, stopping. */
#ifndef SL_HUB_NOTIFY_H
#define SL_HUB_NOTIFY_H

/* Outside a Type=notify unit (no NOTIFY_SOCKET) every call does nothing. */

/* How often to send WATCHDOG=1: half the WatchdogSec systemd set, in ms;
 * 0 when no watchdog is asked for. */
long sl_hubnotify_ping_ms(void);

/* READY=1 with a STATUS= line (e.g. "listening on https://0.0.0.0:8443/"). */
void sl_hubnotify_ready(const char *status);

/* WATCHDOG=1: the serve loop is turning. */
void sl_hubnotify_ping(void);

/* RELOADING=1 (SIGHUP: the certificate is read again); READY=1 follows. */
void sl_hubnotify_reloading(void);

/* STOPPING=1: requests in flight are finishing, then the hub exits. */
void sl_hubnotify_stopping(void);

#endif
