/* clock.c — real and simulated clocks, whether the board's clock is trustworthy, and the true time once learned. */
#define _GNU_SOURCE
#include "player/managed/clock.h"

#include <stddef.h>
#include <sys/timex.h>
#include <time.h>

#define SL_PLAUSIBLE_UTC_MS 1704067200000LL /* 2024-01-01T00:00:00Z */

int64_t sl_mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int64_t mono_ms(void)
{
    return sl_mono_ns() / 1000000;
}

static int64_t wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* ---- the hub's time: an interval for the anchor ---- */

void sl_anchor_observe(sl_anchor_range *a, int64_t hub_ms, int64_t resolution_ms, int64_t mono_sent_ms,
                       int64_t mono_recv_ms)
{
    if (!a)
        return;
    if (resolution_ms < 1)
        resolution_ms = 1;
    if (mono_recv_ms < mono_sent_ms) {
        int64_t t = mono_recv_ms;
        mono_recv_ms = mono_sent_ms;
        mono_sent_ms = t;
    }
    /* The hub read its clock at a monotonic instant m in [sent, recv + 1)
     * (our readings are truncated to the ms), and the true time then was in
     * [hub_ms, hub_ms + resolution). anchor = true - m. */
    int64_t lo = hub_ms - mono_recv_ms - 1;
    int64_t hi = hub_ms + resolution_ms - mono_sent_ms;
    a->observations++;
    if (!a->known) {
        a->lo = lo;
        a->hi = hi;
        a->known = true;
    } else if (lo <= a->hi && hi >= a->lo) {
        a->lo = lo > a->lo ? lo : a->lo;
        a->hi = hi < a->hi ? hi : a->hi;
        a->odd_known = false;
    } else if (a->odd_known && lo <= a->odd_hi && hi >= a->odd_lo) {
        /* Two replies in a row say otherwise: the hub's clock was set. */
        a->lo = lo > a->odd_lo ? lo : a->odd_lo;
        a->hi = hi < a->odd_hi ? hi : a->odd_hi;
        a->odd_known = false;
    } else {
        a->odd_lo = lo;
        a->odd_hi = hi;
        a->odd_known = true;
    }
}

int64_t sl_anchor_estimate(const sl_anchor_range *a)
{
    return a ? a->lo + (a->hi - a->lo) / 2 : 0;
}

/* ---- modes ---- */

static void init_common(sl_clock *c)
{
    c->simulated = false;
    c->shifted = false;
    c->skewed = false;
    c->offset_ms = 0;
    c->sim_now_ms = 0;
    c->moved_ms = 0;
    c->hub = (sl_anchor_range){0};
    atomic_flag_clear(&c->hub_lock);
}

void sl_clock_init_real(sl_clock *c)
{
    if (!c)
        return;
    init_common(c);
    c->start_ms = wall_ms();
    c->board_start_ms = c->start_ms;
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
    c->board_start_ms = start_utc_ms;
}

void sl_clock_init_skewed(sl_clock *c, int64_t start_utc_ms)
{
    if (!c)
        return;
    sl_clock_init_real(c);
    c->skewed = true;
    c->offset_ms = start_utc_ms - c->start_ms;
    c->start_ms = start_utc_ms;
    c->board_start_ms = start_utc_ms;
}

void sl_clock_init_sim(sl_clock *c, int64_t start_utc_ms)
{
    if (!c)
        return;
    init_common(c);
    c->simulated = true;
    c->start_ms = start_utc_ms;
    c->board_start_ms = start_utc_ms;
    c->sim_now_ms = start_utc_ms;
    c->start_mono_ns = 0;
}

int64_t sl_clock_now_ms(const sl_clock *c)
{
    if (!c)
        return wall_ms();
    if (c->simulated)
        return c->sim_now_ms;
    return c->start_ms + sl_clock_elapsed_ms(c);
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

int64_t sl_clock_board_ms(const sl_clock *c)
{
    /* Simulated and from: times are the player's; the board's clock is the wall clock. */
    return wall_ms() + (c && c->skewed ? c->offset_ms : 0);
}

/* ---- the true time ---- */

static void hub_lock(sl_clock *c)
{
    while (atomic_flag_test_and_set_explicit(&c->hub_lock, memory_order_acquire))
        ;
}

static void hub_unlock(sl_clock *c)
{
    atomic_flag_clear_explicit(&c->hub_lock, memory_order_release);
}

void sl_clock_learn_hub(sl_clock *c, int64_t date_ms, int64_t mono_sent_ms, int64_t mono_recv_ms)
{
    if (!c || date_ms < 0)
        return;
    hub_lock(c);
    sl_anchor_observe(&c->hub, date_ms, 1000, mono_sent_ms, mono_recv_ms);
    hub_unlock(c);
}

/* Whether the kernel says NTP keeps the wall clock right (and it is not 1970). */
static bool ntp_synced(void)
{
    if (wall_ms() < SL_PLAUSIBLE_UTC_MS)
        return false;
    struct timex tx = {0};
    int state = adjtimex(&tx);
    return !(state == -1 || state == TIME_ERROR || (tx.status & STA_UNSYNC));
}

bool sl_clock_true_anchor(sl_clock *c, int64_t *anchor_ms, bool *from_hub)
{
    if (!c)
        return false;
    if (!c->skewed && ntp_synced()) {
        if (anchor_ms) {
            /* Read the two clocks as close together as possible. */
            int64_t m0 = sl_mono_ns(), w = wall_ms(), m1 = sl_mono_ns();
            *anchor_ms = w - (m0 + (m1 - m0) / 2) / 1000000;
        }
        if (from_hub)
            *from_hub = false;
        return true;
    }
    hub_lock(c);
    bool known = c->hub.known;
    int64_t est = sl_anchor_estimate(&c->hub);
    hub_unlock(c);
    if (known && anchor_ms)
        *anchor_ms = est;
    if (known && from_hub)
        *from_hub = true;
    return known;
}

sl_clock_trust sl_clock_trust_now(sl_clock *c)
{
    if (c && (c->simulated || c->shifted))
        return SL_CLOCK_SIMULATED;
    return sl_clock_true_anchor(c, NULL, NULL) ? SL_CLOCK_SYNCED : SL_CLOCK_UNTRUSTED;
}

sl_clock_trust sl_clock_stamp(sl_clock *c, int64_t player_ms, int64_t *mono_ms_out, int64_t *utc_ms)
{
    if (!c) {
        *mono_ms_out = 0;
        *utc_ms = player_ms;
        return SL_CLOCK_UNTRUSTED;
    }
    int64_t since_start = player_ms - c->start_ms;
    if (c->simulated) {
        *mono_ms_out = since_start;
        *utc_ms = player_ms;
        return SL_CLOCK_SIMULATED;
    }
    int64_t mono = since_start + c->start_mono_ns / 1000000;
    *mono_ms_out = mono;
    if (c->shifted) {
        *utc_ms = player_ms;
        return SL_CLOCK_SIMULATED;
    }
    int64_t anchor = 0;
    if (sl_clock_true_anchor(c, &anchor, NULL)) {
        *utc_ms = mono + anchor;
        return SL_CLOCK_SYNCED;
    }
    *utc_ms = c->board_start_ms + (mono - c->start_mono_ns / 1000000);
    return SL_CLOCK_UNTRUSTED;
}

bool sl_clock_rebase_due(sl_clock *c, int64_t *delta_ms)
{
    int64_t anchor = 0;
    if (!c || c->simulated || c->shifted || !sl_clock_true_anchor(c, &anchor, NULL))
        return false;
    int64_t m = mono_ms();
    int64_t player = c->start_ms + (m - c->start_mono_ns / 1000000);
    int64_t delta = m + anchor - player;
    if (delta > -SL_CLOCK_REBASE_MS && delta < SL_CLOCK_REBASE_MS)
        return false;
    *delta_ms = delta;
    return true;
}

bool sl_clock_floor_due(sl_clock *c, int64_t not_before_ms, int64_t *delta_ms)
{
    if (!c || c->simulated || c->shifted || not_before_ms <= 0 || sl_clock_true_anchor(c, NULL, NULL))
        return false;
    int64_t now = sl_clock_now_ms(c);
    if (now >= not_before_ms)
        return false;
    *delta_ms = not_before_ms - now;
    return true;
}

void sl_clock_shift(sl_clock *c, int64_t delta_ms)
{
    if (!c || c->simulated)
        return;
    c->start_ms += delta_ms;
    c->moved_ms += delta_ms;
}

void sl_clock_set_origin(sl_clock *c, int64_t mono_ns)
{
    if (!c || c->simulated)
        return;
    int64_t d = (mono_ns - c->start_mono_ns) / 1000000;
    c->board_start_ms += d;
    if (!c->shifted)
        c->start_ms += d; /* a real clock keeps its time; from:T starts its frames at T */
    c->start_mono_ns = mono_ns;
}
