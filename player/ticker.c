/* ticker.c — a ticker strip's geometry: passes, follow-on times and leave times of slogans. */
#include "player/ticker.h"

#include "player/text.h"

#include <math.h>

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
