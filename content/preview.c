/* preview.c — a period of the schedule on a simulated clock: plays, plays per item, floors per local clock hour, and the JSON of it. */
#include "content/preview.h"

#include "content/timeutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int sl_preview_window(const sl_playlist *pl, const char *from_s, const char *to_s, int64_t now_ms, int64_t *from,
                      int64_t *to, char *err, size_t errlen)
{
    /* Times without an offset are read in the playlist's zone (its offset now). */
    int off = sl_tz_offset_at(pl->tz, now_ms);
    if (!from_s || sl_instant_parse(from_s, &off, from) != 0) {
        snprintf(err, errlen, "from: '%s' is not a time like 2026-11-25T08:00+08:00", from_s ? from_s : "");
        return -1;
    }
    if (!to_s || sl_instant_parse(to_s, &off, to) != 0) {
        snprintf(err, errlen, "to: '%s' is not a time like 2026-11-25T18:00+08:00", to_s ? to_s : "");
        return -1;
    }
    if (*to <= *from || *to - *from > SL_PREVIEW_MAX_SPAN_MS) {
        snprintf(err, errlen, "to must come after from, at most 31 days later");
        return -1;
    }
    return 0;
}

/* Counts plays per item and checks each floor over every full local hour. */
static void compute_stats(const sl_playlist *pl, const sl_tags *tags, const sl_play *plays, size_t n, int64_t from,
                          int64_t to, sl_preview_item *st)
{
    for (size_t i = 0; i < n; i++) {
        st[plays[i].item].plays++;
        st[plays[i].item].ms += plays[i].duration_ms;
    }
    /* Local hour boundaries: step through local wall-clock hours. */
    int64_t lfrom = sl_tz_to_local(pl->tz, from);
    int64_t lh = sl_floordiv(lfrom + SL_MS_PER_HOUR - 1, SL_MS_PER_HOUR) * SL_MS_PER_HOUR;
    for (;; lh += SL_MS_PER_HOUR) {
        int64_t h0 = sl_tz_from_local(pl->tz, lh);
        int64_t h1 = sl_tz_from_local(pl->tz, lh + SL_MS_PER_HOUR);
        if (h1 > to)
            break;
        for (size_t it = 0; it < pl->n_items; it++) {
            int floor = sl_sched_floor(pl, tags, (int)it, h0);
            if (floor <= 0)
                continue;
            int count = 0;
            for (size_t i = 0; i < n; i++)
                if (plays[i].item == (int)it && plays[i].start_ms >= h0 && plays[i].start_ms < h1)
                    count++;
            sl_preview_item *s = &st[it];
            s->hours_checked++;
            if (floor > s->floor_max)
                s->floor_max = floor;
            if (count >= floor) {
                s->hours_met++;
            } else {
                size_t at = strlen(s->missed);
                int64_t secs = sl_floordiv(lh, SL_MS_PER_S) % 86400;
                if (at < sizeof s->missed - 24)
                    snprintf(s->missed + at, sizeof s->missed - at, "%s%02d:00 (%d of %d)", at ? ", " : "",
                             (int)(secs / 3600), count, floor);
            }
        }
    }
}

int sl_preview_run(const sl_playlist *pl, const sl_tags *tags, int64_t from, int64_t to,
                   const sl_sched_timing *timing, sl_preview *out)
{
    memset(out, 0, sizeof *out);
    out->from = from;
    out->to = to;
    if (sl_sched_predict_timed(pl, tags, from, to, timing, &out->plays, &out->n) != 0)
        return -1;
    out->items = calloc(pl->n_items ? pl->n_items : 1, sizeof *out->items);
    if (!out->items) {
        sl_preview_free(out);
        return -1;
    }
    compute_stats(pl, tags, out->plays, out->n, from, to, out->items);
    return 0;
}

void sl_preview_free(sl_preview *pv)
{
    if (!pv)
        return;
    free(pv->plays);
    free(pv->items);
    memset(pv, 0, sizeof *pv);
}

cJSON *sl_preview_json(const sl_playlist *pl, const char *tags_csv, const sl_preview *pv)
{
    char iso[40];
    cJSON *root = cJSON_CreateObject();
    cJSON *arr, *items;
    if (!root)
        return NULL;
    sl_instant_format(pv->from, sl_tz_offset_at(pl->tz, pv->from), iso, sizeof iso);
    cJSON_AddStringToObject(root, "from", iso);
    sl_instant_format(pv->to, sl_tz_offset_at(pl->tz, pv->to), iso, sizeof iso);
    cJSON_AddStringToObject(root, "to", iso);
    cJSON_AddStringToObject(root, "timezone", pl->tz_name);
    cJSON_AddStringToObject(root, "tags", tags_csv ? tags_csv : "");
    arr = cJSON_AddArrayToObject(root, "plays");
    for (size_t i = 0; arr && i < pv->n; i++) {
        const sl_play *p = &pv->plays[i];
        const sl_item *it = &pl->items[p->item];
        cJSON *o = cJSON_CreateObject();
        if (!o)
            goto oom;
        cJSON_AddItemToArray(arr, o);
        cJSON_AddStringToObject(o, "zone", pl->zones[p->zone].id);
        cJSON_AddStringToObject(o, "item", it->id);
        cJSON_AddStringToObject(o, "type", sl_item_type_name(it->type));
        sl_instant_format(p->start_ms, sl_tz_offset_at(pl->tz, p->start_ms), iso, sizeof iso);
        cJSON_AddStringToObject(o, "start", iso);
        cJSON_AddNumberToObject(o, "start_ms", (double)p->start_ms);
        cJSON_AddNumberToObject(o, "duration_ms", (double)p->duration_ms);
    }
    items = cJSON_AddArrayToObject(root, "items");
    for (size_t i = 0; items && i < pl->n_items; i++) {
        const sl_item *it = &pl->items[i];
        const sl_preview_item *s = &pv->items[i];
        cJSON *o = cJSON_CreateObject();
        if (!o)
            goto oom;
        cJSON_AddItemToArray(items, o);
        cJSON_AddStringToObject(o, "item", it->id);
        cJSON_AddStringToObject(o, "zone", it->zone >= 0 ? pl->zones[it->zone].id : "");
        cJSON_AddNumberToObject(o, "plays", (double)s->plays);
        cJSON_AddNumberToObject(o, "seconds", (double)s->ms / 1000.0);
        cJSON_AddNumberToObject(o, "floor_per_hour", s->floor_max);
        cJSON_AddNumberToObject(o, "floor_hours_checked", s->hours_checked);
        cJSON_AddNumberToObject(o, "floor_hours_met", s->hours_met);
        cJSON_AddBoolToObject(o, "floor_met", s->hours_met == s->hours_checked);
    }
    if (!arr || !items)
        goto oom;
    return root;
oom:
    cJSON_Delete(root);
    return NULL;
}
