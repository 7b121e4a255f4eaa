/* clock.h — the player's clock: real (wall + monotonic) or simulated; what it knows of the true time. */
#ifndef SL_CLOCK_H
#define SL_CLOCK_H

#include "content/record.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

/*
 * Three times, kept apart:
 *
 * - the monotonic clock (CLOCK_MONOTONIC, ms): never jumps; counts from the
 *   board's boot, so it means something only within one boot. Every play
 *   record carries it (mono_start_ms): it is the anchor of corrections.
 * - the board's clock (CLOCK_REALTIME): a Pi has no RTC, so after a boot
 *   without network it says 1970. Trusted only when the kernel says NTP has
 *   synchronised it (adjtimex without STA_UNSYNC) and the year is plausible.
 * - the true time, once known: from NTP (as above) or from the hub, whose
 *   replies carry a Date header. Known, it is an anchor: true UTC =
 *   monotonic ms + anchor_ms, for every instant of this boot — before it was
 *   learned too, which is how records made at "1970" are corrected.
 *
 * The player's time (sl_clock_now_ms: what the schedule runs on) is
 * start_ms + monotonic time since start. On the real clock the engine moves
 * it (sl_clock_shift): to the content's publication time while the clock is
 * untrusted and earlier than that (a board at 1970 plays its cached content,
 * not the fallback), and to the true time as soon as it is known. Records
 * keep the board's clock as UNTRUSTED until the true time is known; the
 * uploader then rewrites them (CORRECTED) before they leave.
 *
 * Threads: the engine owns the clock. Other threads (uploader, heartbeat) may
 * call only sl_clock_learn_hub, sl_clock_true_anchor, sl_clock_trust_now and
 * sl_clock_board_ms on it: they touch the hub fields (under a small lock)
 * and fields fixed at init.
 */

/* What the hub's Date headers say: anchor (true UTC − monotonic ms) lies in
 * [lo, hi]. Each reply narrows it (the intersection of every observation).
 * A reply that contradicts the range is kept aside; when the next one agrees
 * with it (the hub's clock was set, or the monotonic clock drifted over
 * days) the range starts over from the two, otherwise it is dropped: one
 * odd reply (a hub behind a balancer with a wrong clock) changes nothing. */
typedef struct {
    bool known;
    int64_t lo, hi;
    bool odd_known;           /* the last reply contradicted [lo, hi] */
    int64_t odd_lo, odd_hi;
    int64_t observations;
} sl_anchor_range;

/* Adds one reply: the hub's clock read hub_ms (truncated to resolution_ms,
 * 1000 for a Date header) at some instant between the monotonic times
 * mono_sent_ms (request sent) and mono_recv_ms (reply received). */
void sl_anchor_observe(sl_anchor_range *a, int64_t hub_ms, int64_t resolution_ms, int64_t mono_sent_ms,
                       int64_t mono_recv_ms);
/* The middle of the range (only meaningful when a->known). */
int64_t sl_anchor_estimate(const sl_anchor_range *a);

typedef struct {
    bool simulated;
    bool shifted;              /* from:T — real pace, started at a chosen instant (previews, demos) */
    bool skewed;               /* real-at:T — the real clock of an unsynced board that says T at start */
    int64_t offset_ms;         /* shifted, skewed: added to the wall clock */
    int64_t sim_now_ms;        /* simulated UTC */
    int64_t start_ms;          /* the player's time at start (moved by sl_clock_shift) */
    int64_t start_mono_ns;     /* monotonic clock at start (real) */
    int64_t board_start_ms;    /* the board's clock at start */
    int64_t moved_ms;          /* total of sl_clock_shift */
    /* The hub's time, shared with the network threads (under hub_lock). */
    atomic_flag hub_lock;
    sl_anchor_range hub;
} sl_clock;

/* CLOCK_MONOTONIC in nanoseconds: 64-bit, never jumps. */
int64_t sl_mono_ns(void);

void sl_clock_init_real(sl_clock *c);
void sl_clock_init_sim(sl_clock *c, int64_t start_utc_ms);
/* A real-time clock that starts at start_utc_ms instead of now ("what will
 * this screen show on Tuesday morning", in a window). Its records are marked
 * simulated, never trusted. */
void sl_clock_init_shifted(sl_clock *c, int64_t start_utc_ms);
/* The real clock of a board whose clock said start_utc_ms at start and that
 * NTP has not synchronised (--clock real-at:T, for tests and diagnosis):
 * real pace, and untrusted until the hub's time is seen — exactly a Pi booted
 * at 1970 without network. Its records are real records (untrusted, then
 * corrected or synced). */
void sl_clock_init_skewed(sl_clock *c, int64_t start_utc_ms);

/* The player's time now, UTC ms (simulated time for a simulated clock). */
int64_t sl_clock_now_ms(const sl_clock *c);
/* Milliseconds since the clock started, monotonic. */
int64_t sl_clock_elapsed_ms(const sl_clock *c);
/* Moves a simulated clock to `utc_ms` (never backwards); no effect on a real clock. */
void sl_clock_set_sim(sl_clock *c, int64_t utc_ms);

/* The board's clock now: the wall clock (for real-at, as that board's; for
 * sim: and from:, still the wall clock, not the player's time). Thread-safe. */
int64_t sl_clock_board_ms(const sl_clock *c);

/* A reply of the hub carried Date: date_ms (whole seconds), read between
 * mono_sent_ms and mono_recv_ms (sl_mono_ns() / 1000000 around the request).
 * Thread-safe. NULL is fine. */
void sl_clock_learn_hub(sl_clock *c, int64_t date_ms, int64_t mono_sent_ms, int64_t mono_recv_ms);

/* Whether the true time is known, whatever the player's clock mode: NTP has
 * synchronised the board's clock (never for a real-at clock, which plays an
 * unsynced board), or the hub's time was seen. *anchor_ms (may be NULL) =
 * true UTC − monotonic ms. *from_hub (may be NULL) says which. Thread-safe. */
bool sl_clock_true_anchor(sl_clock *c, int64_t *anchor_ms, bool *from_hub);

/* The trust of the player's time now: SIMULATED for sim and from:; SYNCED
 * when the true time is known (NTP or the hub); UNTRUSTED otherwise (e.g. a
 * Pi booted at 1970, before its first contact with the hub). What the
 * heartbeat and the diagnostic screen report. Thread-safe. */
sl_clock_trust sl_clock_trust_now(sl_clock *c);

/* The record times of a play that started at player time player_ms:
 * *mono_ms, the monotonic anchor, and *utc_ms with the trust returned —
 * simulated clocks: the player's time, SIMULATED; true time known:
 * mono + anchor, SYNCED; otherwise the board's clock at that instant,
 * UNTRUSTED (the uploader corrects it later). */
sl_clock_trust sl_clock_stamp(sl_clock *c, int64_t player_ms, int64_t *mono_ms, int64_t *utc_ms);

/* How far the player's time should move now (true − player, ms) on a real
 * clock that has learned the true time; false when it is within
 * SL_CLOCK_REBASE_MS already, unknown, or the clock is simulated. */
#define SL_CLOCK_REBASE_MS 1000
bool sl_clock_rebase_due(sl_clock *c, int64_t *delta_ms);
/* The schedule's floor: on a real clock whose time is untrusted and earlier
 * than not_before_ms (the content's publication), how far the player's time
 * should move forward to reach it; false otherwise. */
bool sl_clock_floor_due(sl_clock *c, int64_t not_before_ms, int64_t *delta_ms);
/* The real-time loop starts its frames at monotonic time mono_ns, a moment
 * after the clock was made: start_ms becomes the player's time then (a from:T
 * clock keeps T, so that its first frame is at T). No effect on a simulated
 * clock. */
void sl_clock_set_origin(sl_clock *c, int64_t mono_ns);
/* Moves the player's time by delta_ms (the engine shifts its own times with it). */
void sl_clock_shift(sl_clock *c, int64_t delta_ms);

#endif
