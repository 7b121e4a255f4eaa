/* clock.h — the player's clock: real (wall + monotonic) or simulated (deterministic, as fast as possible). */
#ifndef SL_CLOCK_H
#define SL_CLOCK_H

#include "content/record.h"

#include <stdbool.h>
#include <stdint.h>

typedef struct {
    bool simulated;
    bool shifted;              /* real pace, but started at a chosen instant (previews, demos) */
    int64_t offset_ms;         /* shifted: added to the wall clock */
    int64_t sim_now_ms;        /* simulated UTC */
    int64_t start_ms;          /* UTC at start (real or simulated) */
    int64_t start_mono_ns;     /* monotonic clock at start (real) */
} sl_clock;

/* CLOCK_MONOTONIC in nanoseconds: 64-bit, never jumps. */
int64_t sl_mono_ns(void);

void sl_clock_init_real(sl_clock *c);
void sl_clock_init_sim(sl_clock *c, int64_t start_utc_ms);
/* A real-time clock that starts at start_utc_ms instead of now ("what will
 * this screen show on Tuesday morning", in a window). Its records are marked
 * simulated, never trusted. */
void sl_clock_init_shifted(sl_clock *c, int64_t start_utc_ms);

/* UTC now in milliseconds (simulated time for a simulated clock). */
int64_t sl_clock_now_ms(const sl_clock *c);
/* Milliseconds since the clock started, monotonic. */
int64_t sl_clock_elapsed_ms(const sl_clock *c);
/* Moves a simulated clock to `utc_ms` (never backwards); no effect on a real clock. */
void sl_clock_set_sim(sl_clock *c, int64_t utc_ms);

/* Whether the wall clock can be trusted now: simulated; synced when the
 * kernel says NTP is in sync (adjtimex without STA_UNSYNC) and the year is
 * plausible (>= 2024); untrusted otherwise (e.g. a Pi booted at 1970). */
sl_clock_trust sl_clock_trust_now(const sl_clock *c);

#endif
