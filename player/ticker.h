/* ticker.h — a ticker strip's geometry: where each pass of a slogan is, when the next slogan may enter, when a slogan has left. Pure arithmetic on 64-bit milliseconds. */
#ifndef SL_TICKER_H
#define SL_TICKER_H

#include "content/playlist.h"
#include "content/sched.h"
#include "player/text.h"

#include <stdint.h>

/* One slogan on a strip. Its head enters at the right edge at its start;
 * pass k enters k * (text_w + gap) pixels later, so each pass follows the
 * one before it `gap` pixels behind. Offsets are whole pixels from
 * 64-bit milliseconds, so the step per frame never drifts. */
typedef struct {
    int zone_w;   /* strip width, pixels */
    int text_w;   /* the slogan's width, pixels */
    int gap;      /* pixels between the end of a pass and what follows it */
    double speed; /* pixels per second */
} sl_ticker_geom;

/* The default gap: twice the glyph size (two characters' room). */
int sl_ticker_gap_px(const sl_item *it, int zone_h);

/* Pixels moved elapsed_ms after the start. */
int64_t sl_ticker_offset(const sl_ticker_geom *g, int64_t elapsed_ms);

/* The whole passes a slogan makes for a duration: the nearest count, at
 * least one; `within` (a duration that must not be exceeded, e.g. a window
 * that ends) rounds down instead. */
int64_t sl_ticker_passes(const sl_ticker_geom *g, int64_t duration_ms, bool within);

/* Milliseconds after the start when the slogan's `passes` passes have all
 * entered with the gap behind the last: when the next slogan enters. */
int64_t sl_ticker_slot_ms(const sl_ticker_geom *g, int64_t passes);

/* Milliseconds after the start when the last of `passes` passes has left
 * the left edge: the end of its time on screen. */
int64_t sl_ticker_leave_ms(const sl_ticker_geom *g, int64_t passes);

/* Milliseconds after the previous slogan's start when the next one, moving
 * at next_speed, may enter: `gap` behind the previous one's last pass, and
 * late enough that a faster follower never comes nearer than the gap before
 * the previous one has left. */
int64_t sl_ticker_follow_ms(const sl_ticker_geom *prev, int64_t passes, double next_speed);

/* One slogan's times on the strip, all UTC milliseconds. */
typedef struct {
    int64_t start_ms; /* its head enters the right edge */
    int64_t passes;   /* whole passes it makes */
    int64_t end_ms;   /* all passes entered, the gap behind the last: the strip takes its next slogan */
    int64_t leave_ms; /* its last pass has left the left edge: the end of its play record */
} sl_ticker_slot;

/* The slogan just before on the same strip, still crossing it (or not). */
typedef struct {
    bool on;             /* false: the strip is empty */
    sl_ticker_geom geom;
    int64_t start_ms, passes;
} sl_ticker_prev;

/* Times a slogan of geometry g picked at at_ms for duration_ms (within: it
 * must not run past its duration, e.g. a window that ends): it enters at
 * at_ms or, behind a slower slogan `prev`, once that one is far enough
 * ahead (sl_ticker_follow_ms), and makes sl_ticker_passes passes. The one
 * computation the player's strip and `screenlit preview` share. */
sl_ticker_slot sl_ticker_plan(const sl_ticker_geom *g, const sl_ticker_prev *prev, int64_t at_ms,
                              int64_t duration_ms, bool within);

/* Ticker timing for a preview (sl_sched_predict_timed): slogans of text
 * items in ticker mode are timed as on a screen_w x screen_h screen, their
 * widths measured by rendering them once with the player's text module;
 * other items (and a slogan that cannot be drawn) keep their duration. */
typedef struct {
    sl_sched_timing timing; /* pass &this->timing to the prediction */
    const sl_playlist *pl;
    sl_text *text;
    int screen_w, screen_h;
    int *text_w;  /* per item: 0 not measured yet, -1 cannot be drawn */
    int zone;     /* the zone of `prev` */
    sl_ticker_prev prev;
} sl_ticker_timing;

/* 0, or -1 when out of memory. text may be NULL (durations kept). */
int sl_ticker_timing_init(sl_ticker_timing *tt, const sl_playlist *pl, sl_text *text, int screen_w, int screen_h);
void sl_ticker_timing_free(sl_ticker_timing *tt); /* NULL is fine */

/* The x of pass k's left end, relative to the strip's left edge, at
 * elapsed_ms (may be outside the strip). */
int64_t sl_ticker_pass_x(const sl_ticker_geom *g, int64_t elapsed_ms, int64_t k);

#endif
