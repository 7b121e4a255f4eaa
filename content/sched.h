/* sched.h — schedule evaluation: what each zone plays next, and for how long. Pure and deterministic. */
#ifndef SL_SCHED_H
#define SL_SCHED_H

#include "content/playlist.h"

#include <stddef.h>
#include <stdint.h>

/* One play that happened (or was predicted): the history the schedule reads. */
typedef struct {
    int item;           /* index into the playlist's items */
    int zone;           /* zone index */
    int64_t start_ms;   /* UTC */
    int64_t duration_ms;
} sl_play;

/* Recent plays, oldest first, bounded: when full the oldest is dropped.
 * SL_HISTORY_DEFAULT_CAP covers more than two hours of 1-second items. */
#define SL_HISTORY_DEFAULT_CAP 8192
typedef struct {
    sl_play *v;      /* ring buffer */
    size_t cap, n, head; /* head = index of the oldest entry */
} sl_history;

/* cap 0 = SL_HISTORY_DEFAULT_CAP. Returns 0 or -1 when out of memory. */
int sl_history_init(sl_history *h, size_t cap);
void sl_history_free(sl_history *h); /* NULL is fine */
void sl_history_push(sl_history *h, const sl_play *p);
/* The i-th entry, 0 = oldest. */
const sl_play *sl_history_at(const sl_history *h, size_t i);

typedef enum {
    SL_PICK_ROTATION, /* the normal loop among eligible items of the top priority */
    SL_PICK_FLOOR,    /* chosen early so that a frequency floor is met this hour */
    SL_PICK_URGENT,   /* an urgent alert pre-empting everything */
    SL_PICK_FALLBACK, /* nothing eligible */
    SL_PICK_TIMED     /* a fixed time ("at", "every") pre-empting like an urgent alert */
} sl_pick_reason;

typedef struct {
    int item;             /* index into items (the fallback's index when nothing is eligible) */
    int64_t start_ms;     /* = now */
    int64_t duration_ms;  /* how long to play it: the item's duration, cut at the end of its
                             eligibility window or at the start of an urgent alert in the zone */
    bool cut_short;       /* duration_ms < the item's own duration */
    sl_pick_reason reason;
} sl_pick;

/* Decides what `zone` plays starting at `now_ms` (UTC), given the screen's
 * tags and the plays so far. Always succeeds for a valid playlist and zone;
 * returns -1 only for bad arguments (or when out of memory: it allocates
 * per-item scratch space). The exact rules are described at the top of sched.c. */
int sl_sched_next(const sl_playlist *pl, const sl_tags *screen_tags, int zone, int64_t now_ms,
                  const sl_history *hist, sl_pick *out);

/* Whether item `item` is eligible at `now_ms` on a screen with these tags
 * (any of its rules matches, or it has no rules). Urgent items count as
 * eligible only inside their from/until window. The fallback item never is. */
bool sl_sched_eligible(const sl_playlist *pl, const sl_tags *screen_tags, int item, int64_t now_ms);

/* The frequency floor of an item at now_ms: the largest min_per_hour among
 * its rules that match for the whole local clock hour containing now_ms
 * (0 when none). Floors apply to full clock hours inside the rule's window. */
int sl_sched_floor(const sl_playlist *pl, const sl_tags *screen_tags, int item, int64_t now_ms);

/* The name of a reason ("rotation", "floor", "urgent", "fallback", "timed"). */
const char *sl_pick_reason_name(sl_pick_reason r);

/* Predicts a whole period for one screen: runs sl_sched_next zone by zone
 * from `from_ms` until `to_ms`, appending every play to `out` (allocated;
 * *n_out entries, ordered by zone then start). The last play in a zone may be
 * cut at to_ms. This is exactly the loop the player runs with a simulated
 * clock. A sound zone's fallback (silence) is left out, as the player does
 * not record it. Returns 0 or -1 when out of memory. */
int sl_sched_predict(const sl_playlist *pl, const sl_tags *screen_tags, int64_t from_ms,
                     int64_t to_ms, sl_play **out, size_t *n_out);

/* How plays are timed when a play is not simply its pick's duration (a
 * ticker strip: slogans follow each other and stay on screen while they
 * cross it). `place` is called for every pick at t (pk->start_ms == t); it
 * returns false to keep the pick's own timing, or true having set
 * p->start_ms (>= t: when it starts), p->duration_ms (how long it is on
 * screen: its record), *hold_ms (> 0: the zone picks again at start +
 * hold; the history gets start and hold, as the player's does) and
 * *overlaps (earlier plays of the zone still on screen stay; otherwise they
 * end at its start). Zones are run one after the other, from from_ms. */
typedef struct {
    bool (*place)(void *ud, const sl_pick *pk, int zone, sl_play *p, int64_t *hold_ms, bool *overlaps);
    void *ud;
} sl_sched_timing;

/* sl_sched_predict with plays timed by `timing` (NULL: as sl_sched_predict).
 * Records are cut at to_ms; a play that would start at or after to_ms is
 * left out. */
int sl_sched_predict_timed(const sl_playlist *pl, const sl_tags *screen_tags, int64_t from_ms, int64_t to_ms,
                           const sl_sched_timing *timing, sl_play **out, size_t *n_out);

#endif
