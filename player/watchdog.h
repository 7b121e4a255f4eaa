/* watchdog.h — the player's word to systemd (sd_notify): READY=1 at the first frame, WATCHDOG=1 from the render loop. */
#ifndef SL_WATCHDOG_H
#define SL_WATCHDOG_H

#include "content/log.h"

#include <stdbool.h>
#include <stdint.h>

/* Under a unit with Type=notify and WatchdogSec= systemd gives the service
 * NOTIFY_SOCKET and WATCHDOG_USEC; elsewhere every call here does nothing.
 * The render loop calls sl_watchdog_turn once per turn: the ping goes out
 * from there (at half the interval systemd asked for), so a loop that stops
 * turning stops the pings and systemd restarts the player.
 *
 * For tests only: the environment variable SL_TEST_RENDER_LOOP holds
 * "pace=MS" (every turn of the loop sleeps MS ms: a simulated-clock run then
 * lasts long enough to watch its pings) and/or "stall=S" (after S seconds of
 * real time the loop blocks for good, a frozen render loop), comma-separated. */
typedef struct {
    bool ready_sent;
    int64_t every_ns;    /* half of WATCHDOG_USEC; 0 = no watchdog */
    int64_t last_ns;     /* monotonic time of the last ping */
    int64_t start_ns;    /* of the first turn */
    int64_t pace_ns;     /* test: sleep per turn */
    int64_t stall_ns;    /* test: block after this long (0 = never) */
} sl_watchdog;

/* Reads what systemd (and the test variable) say; logs the interval. */
void sl_watchdog_init(sl_watchdog *w, const sl_log *log);

/* READY=1 (once): the first frame is on screen. NULL is fine. */
void sl_watchdog_ready(sl_watchdog *w, const sl_log *log);

/* One turn of the render loop: WATCHDOG=1 when half the interval has passed. NULL is fine. */
void sl_watchdog_turn(sl_watchdog *w);

/* STOPPING=1: the player is ending its run. NULL is fine. */
void sl_watchdog_stopping(sl_watchdog *w);

#endif
