/* preview.h — what a screen will play over a period (the schedule code on a simulated clock), plays per item and frequency floors met or missed: `screenlit preview` and the hub's editor share it. */
#ifndef SL_PREVIEW_H
#define SL_PREVIEW_H

#include "content/playlist.h"
#include "content/sched.h"

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>

#define SL_PREVIEW_MAX_SPAN_MS (31LL * 24 * 3600 * 1000) /* at most a month at once */

/* One item's plays and floors over the period. */
typedef struct {
    int64_t plays, ms;
    int hours_checked, hours_met;
    int floor_max;
    char missed[256]; /* "10:00 (4 of 6), …" */
} sl_preview_item;

typedef struct {
    int64_t from, to; /* UTC ms */
    sl_play *plays;   /* in time order */
    size_t n;
    sl_preview_item *items; /* one per playlist item */
} sl_preview;

/* Reads the period: two times like 2026-11-25T08:00+08:00 (without an
 * offset, the playlist's offset at now_ms), from before to, at most
 * SL_PREVIEW_MAX_SPAN_MS apart. 0, or -1 with err (naming "from" or "to"). */
int sl_preview_window(const sl_playlist *pl, const char *from_s, const char *to_s, int64_t now_ms, int64_t *from,
                      int64_t *to, char *err, size_t errlen);

/* The screen a preview is computed for when none is given: the player's
 * default output size. */
#define SL_PREVIEW_SCREEN_W 1920
#define SL_PREVIEW_SCREEN_H 1080

/* Runs the schedule from..to for a screen with tags and counts plays and
 * floors per full local clock hour. timing (NULL: every play lasts its
 * pick's duration) times plays as a screen does: a ticker's slogans
 * (player/ticker.h, sl_ticker_timing). 0, or -1 when out of memory. */
int sl_preview_run(const sl_playlist *pl, const sl_tags *tags, int64_t from, int64_t to,
                   const sl_sched_timing *timing, sl_preview *out);
void sl_preview_free(sl_preview *pv); /* NULL is fine */

/* The preview as one JSON document (what `screenlit preview --json` prints):
 * from, to, timezone, tags (tags_csv as given, "" for none), plays, items.
 * NULL when out of memory. */
cJSON *sl_preview_json(const sl_playlist *pl, const char *tags_csv, const sl_preview *pv);

#endif
