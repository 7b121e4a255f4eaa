/* ticker.c — a ticker strip's geometry: passes, follow-on times and leave times of slogans. */
#include "player/ticker.h"

#include "player/text.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int sl_ticker_gap_px(const sl_item *it, int zone_h)
{
    if (it && it->gap_px >= 0)
        return it->gap_px;
    return 2 * sl_text_size_for_zone(it, zone_h);
}

static double cycle_px(const sl_ticker_geom *g)
{
    double c = (double)g->text_w + g->gap;
    return c > 1 ? c : 1;
}

static double speed(const sl_ticker_geom *g)
{
    return g->speed > 0 ? g->speed : 1;
}

/* Milliseconds to move px pixels, rounded up so the pixels have been moved. */
static int64_t ms_for(const sl_ticker_geom *g, double px)
{
    return (int64_t)ceil(px * 1000.0 / speed(g) - 1e-9);
}

int64_t sl_ticker_offset(const sl_ticker_geom *g, int64_t elapsed_ms)
{
    if (elapsed_ms <= 0)
        return 0;
    return (int64_t)floor((double)elapsed_ms * speed(g) / 1000.0 + 1e-9);
}

int64_t sl_ticker_passes(const sl_ticker_geom *g, int64_t duration_ms, bool within)
{
    double n = (double)duration_ms * speed(g) / 1000.0 / cycle_px(g);
    int64_t k = within ? (int64_t)floor(n) : (int64_t)floor(n + 0.5);
    return k < 1 ? 1 : k;
}

int64_t sl_ticker_slot_ms(const sl_ticker_geom *g, int64_t passes)
{
    return ms_for(g, (double)passes * cycle_px(g));
}

int64_t sl_ticker_leave_ms(const sl_ticker_geom *g, int64_t passes)
{
    return ms_for(g, (double)(passes - 1) * cycle_px(g) + g->text_w + g->zone_w);
}

int64_t sl_ticker_follow_ms(const sl_ticker_geom *prev, int64_t passes, double next_speed)
{
    int64_t after = sl_ticker_slot_ms(prev, passes);
    if (next_speed > speed(prev)) {
        /* The follower gains on it: when the last pass's end reaches the left
         * edge, the follower's head must still be `gap` to the right of it. */
        int64_t leave = sl_ticker_leave_ms(prev, passes);
        double room = (double)prev->zone_w - prev->gap;
        int64_t at = leave - (int64_t)floor((room > 0 ? room : 0) * 1000.0 / next_speed);
        if (at > after)
            after = at;
    }
    return after;
}

int64_t sl_ticker_pass_x(const sl_ticker_geom *g, int64_t elapsed_ms, int64_t k)
{
    return (int64_t)g->zone_w - sl_ticker_offset(g, elapsed_ms) + (int64_t)llround((double)k * cycle_px(g));
}

sl_ticker_slot sl_ticker_plan(const sl_ticker_geom *g, const sl_ticker_prev *prev, int64_t at_ms,
                              int64_t duration_ms, bool within)
{
    sl_ticker_slot s = {.start_ms = at_ms};
    if (prev && prev->on) {
        int64_t at = prev->start_ms + sl_ticker_follow_ms(&prev->geom, prev->passes, g->speed);
        if (at > s.start_ms)
            s.start_ms = at;
    }
    s.passes = sl_ticker_passes(g, duration_ms, within);
    s.end_ms = s.start_ms + sl_ticker_slot_ms(g, s.passes);
    s.leave_ms = s.start_ms + sl_ticker_leave_ms(g, s.passes);
    return s;
}

/* The slogan's width in pixels in a zone_w x zone_h zone, measured once. */
static int timing_text_w(sl_ticker_timing *tt, int item, int zone_w, int zone_h)
{
    if (tt->text_w[item] == 0) {
        char err[256];
        SDL_Surface *s = sl_text_render_item(tt->text, &tt->pl->items[item], zone_w, zone_h, err, sizeof err);
        tt->text_w[item] = s && s->w > 0 ? s->w : -1;
        SDL_FreeSurface(s);
    }
    return tt->text_w[item];
}

static bool timing_place(void *ud, const sl_pick *pk, int zone, sl_play *p, int64_t *hold_ms, bool *overlaps)
{
    sl_ticker_timing *tt = ud;
    const sl_item *it = &tt->pl->items[pk->item];
    if (zone != tt->zone)
        tt->prev.on = false;
    tt->zone = zone;
    int zx, zy, zw, zh;
    sl_zone_box(&tt->pl->zones[zone], tt->screen_w, tt->screen_h, &zx, &zy, &zw, &zh);
    int w = !tt->text || it->type != SL_ITEM_TEXT || it->mode != SL_TEXT_TICKER ? -1
                                                                                 : timing_text_w(tt, pk->item, zw, zh);
    if (w <= 0) {
        tt->prev.on = false; /* the strip shows something else: its slogans end */
        return false;
    }
    sl_ticker_geom g = {.zone_w = zw, .text_w = w, .gap = sl_ticker_gap_px(it, zh), .speed = it->speed_px_s};
    sl_ticker_slot s = sl_ticker_plan(&g, &tt->prev, pk->start_ms, pk->duration_ms, pk->cut_short);
    tt->prev = (sl_ticker_prev){.on = true, .geom = g, .start_ms = s.start_ms, .passes = s.passes};
    p->start_ms = s.start_ms;
    p->duration_ms = s.leave_ms - s.start_ms;
    *hold_ms = s.end_ms - s.start_ms;
    *overlaps = true;
    return true;
}

int sl_ticker_timing_init(sl_ticker_timing *tt, const sl_playlist *pl, sl_text *text, int screen_w, int screen_h)
{
    memset(tt, 0, sizeof *tt);
    tt->text_w = calloc(pl->n_items ? pl->n_items : 1, sizeof *tt->text_w);
    if (!tt->text_w)
        return -1;
    tt->pl = pl;
    tt->text = text;
    tt->screen_w = screen_w;
    tt->screen_h = screen_h;
    tt->zone = -1;
    tt->timing = (sl_sched_timing){.place = timing_place, .ud = tt};
    return 0;
}

void sl_ticker_timing_free(sl_ticker_timing *tt)
{
    if (!tt)
        return;
    free(tt->text_w);
    tt->text_w = NULL;
}
