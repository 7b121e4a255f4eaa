/* hub_coverage.c — computes coverage per screen and hour from the hourly play summaries and minutes online (REPORTS.md). */
#include "tools/hub/coverage/hub_coverage.h"

#include "content/json.h"
#include "content/playlist.h"
#include "content/sched.h"
#include "content/timeutil.h"
#include "content/tz.h"
#include "tools/hub/coverage/hub_coverage_acc.h"
#include "tools/hub/service/hub_inventory.h"
#include "tools/hub/service/hub_playhours.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- groups: screens that share a channel and tags share their floors -- */

/* Parses the channel's current manifest (stored verified) for its floors. */
static sl_playlist *channel_playlist(sl_store *st, const char *channel, char *err, size_t errlen, int *fail)
{
    char *env = NULL, *payload = NULL;
    size_t len = 0;
    int64_t version;
    sl_playlist *pl = NULL;
    cJSON *e = NULL, *p = NULL;
    char jerr[128];
    const sl_json_limits big = {.max_bytes = 16u * 1024u * 1024u};
    *fail = 0;
    sl_st_rc rc = st->ops->manifest_get(st, channel, &version, &env, &len, err, errlen);
    if (rc != SL_ST_OK) {
        *fail = rc == SL_ST_ERROR;
        return NULL;
    }
    e = sl_json_parse(env, len, &big, jerr, sizeof jerr);
    const char *ptext = e ? sl_json_str(e, "payload") : NULL;
    if (ptext)
        p = sl_json_parse(ptext, strlen(ptext), &big, jerr, sizeof jerr);
    if (p) {
        sl_diags d;
        sl_diags_init(&d);
        pl = sl_playlist_from_json(p, SL_PL_MANIFEST, NULL, &d);
        sl_diags_free(&d);
    }
    cJSON_Delete(p);
    cJSON_Delete(e);
    free(payload);
    free(env);
    return pl;
}

static void group_free(cv_group *g)
{
    sl_playlist_free(g->pl);
    sl_tags_free(&g->tags);
    free(g->key);
    free(g->floor_item);
    free(g->floor_gidx);
    free(g->floor);
}

/* The group of a screen, made (with its floors per slot) when new; -1 when
 * the screen has no channel or its channel nothing published. */
static int group_of(cv_ctx *c, const sl_hub_screen *s)
{
    if (!s->channel[0])
        return -1;
    size_t klen = strlen(s->channel) + strlen(s->tags) + 2;
    char *key = malloc(klen);
    if (!key)
        return c->oom = 1, -1;
    snprintf(key, klen, "%s\x1f%s", s->channel, s->tags);
    for (size_t i = 0; i < c->n_groups; i++) {
        if (strcmp(c->groups[i].key, key) == 0) {
            free(key);
            return c->groups[i].pl ? (int)i : -1;
        }
    }
    if (c->n_groups == c->cap_groups) {
        size_t cap = c->cap_groups ? c->cap_groups * 2 : 8;
        cv_group *g = realloc(c->groups, cap * sizeof *g);
        if (!g) {
            free(key);
            return c->oom = 1, -1;
        }
        c->groups = g;
        c->cap_groups = cap;
    }
    cv_group *g = &c->groups[c->n_groups++];
    memset(g, 0, sizeof *g);
    g->key = key;
    int fail = 0;
    g->pl = channel_playlist(c->hub->store, s->channel, c->err, c->errlen, &fail);
    if (fail)
        c->store_failed = 1;
    if (!g->pl)
        return -1;
    char tags[SL_HUB_TAGS_MAX + 1];
    snprintf(tags, sizeof tags, "%s", s->tags);
    for (char *t = tags; *t; t++)
        if (*t == ';')
            *t = ',';
    if (sl_tags_parse(tags, &g->tags) != 0)
        memset(&g->tags, 0, sizeof g->tags);
    /* The items that have a floor somewhere in the period, and the floor of
     * each in each slot. */
    size_t n = g->pl->n_items;
    g->floor_item = calloc(n ? n : 1, sizeof *g->floor_item);
    g->floor_gidx = calloc(n ? n : 1, sizeof *g->floor_gidx);
    int16_t *tmp = calloc((size_t)c->n_slots * (n ? n : 1), sizeof *tmp);
    if (!g->floor_item || !g->floor_gidx || !tmp) {
        free(tmp);
        return c->oom = 1, -1;
    }
    for (size_t i = 0; i < n; i++) {
        if ((int)i == g->pl->fallback)
            continue;
        bool any = false;
        for (int64_t k = 0; k < c->n_slots; k++) {
            int f = sl_sched_floor(g->pl, &g->tags, (int)i, c->g0 + k * SL_MS_PER_HOUR);
            tmp[k * (int64_t)n + (int64_t)i] = (int16_t)(f > 32767 ? 32767 : f);
            any |= f > 0;
        }
        if (any) {
            g->floor_item[g->n_floor] = (int)i;
            g->floor_gidx[g->n_floor] = cv_item_id(c, g->pl->items[i].id, strlen(g->pl->items[i].id));
            g->n_floor++;
        }
    }
    g->floor = calloc((size_t)c->n_slots * (g->n_floor ? g->n_floor : 1), sizeof *g->floor);
    if (!g->floor) {
        free(tmp);
        return c->oom = 1, -1;
    }
    for (int64_t k = 0; k < c->n_slots; k++)
        for (size_t j = 0; j < g->n_floor; j++)
            g->floor[k * (int64_t)g->n_floor + (int64_t)j] = tmp[k * (int64_t)n + g->floor_item[j]];
    free(tmp);
    return (int)(g - c->groups);
}

/* ---- per screen: required seconds, then the rows, then the totals ----- */

static sl_tz *tz_of(cv_ctx *c, const char *name)
{
    for (size_t i = 0; i < c->n_tz; i++) {
        if (strcmp(sl_tz_name(c->tz[i]), name) == 0)
            return c->tz[i];
    }
    char err[128];
    sl_tz *tz = sl_tz_load(name, NULL, err, sizeof err);
    if (!tz)
        return NULL;
    if (c->n_tz == c->cap_tz) {
        size_t cap = c->cap_tz ? c->cap_tz * 2 : 8;
        sl_tz **v = realloc(c->tz, cap * sizeof *v);
        if (!v) {
            sl_tz_free(tz);
            c->oom = 1;
            return NULL;
        }
        c->tz = v;
        c->cap_tz = cap;
    }
    c->tz[c->n_tz++] = tz;
    return tz;
}

static int win_cmp(const void *a, const void *b)
{
    const int32_t *x = a, *y = b;
    return x[0] < y[0] ? -1 : x[0] > y[0];
}

/* Adds the seconds of [a, b) (UTC ms) to the required scratch. */
static void add_required(cv_ctx *c, int64_t a, int64_t b)
{
    while (a < b) {
        int64_t slot = sl_floordiv(a - c->g0, SL_MS_PER_HOUR);
        int64_t end = c->g0 + (slot + 1) * SL_MS_PER_HOUR;
        int64_t upto = b < end ? b : end;
        if (slot >= 0 && slot < c->n_slots)
            c->req[slot] += (int32_t)((upto - a) / 1000);
        a = upto;
    }
}

/* Makes a screen current: its required seconds per slot and its days. */
static void screen_start(cv_ctx *c, size_t idx)
{
    cv_screen *s = &c->screens[idx];
    c->cur = (long)idx;
    memset(c->req, 0, (size_t)c->n_slots * sizeof *c->req);
    if (!s->tz)
        return;
    for (int64_t d = 0; d <= c->n_days; d++)
        c->day_start[d] = sl_tz_from_local(s->tz, (c->q.from_day + d) * SL_MS_PER_DAY);
    for (int64_t d = 0; d < c->n_days; d++) {
        int64_t day = c->q.from_day + d;
        int wd = sl_weekday_from_days(day);
        int32_t w[SL_INV_WINDOWS_MAX][2];
        int n = s->hours.n[wd];
        for (int i = 0; i < n; i++) {
            w[i][0] = s->hours.from_s[wd][i];
            w[i][1] = s->hours.to_s[wd][i];
        }
        qsort(w, (size_t)n, sizeof w[0], win_cmp);
        int32_t cf = -1, ct = -1;
        for (int i = 0; i <= n; i++) {
            if (i < n && cf >= 0 && w[i][0] <= ct) { /* overlaps: merge */
                if (w[i][1] > ct)
                    ct = w[i][1];
                continue;
            }
            if (cf >= 0)
                add_required(c, sl_tz_from_local(s->tz, day * SL_MS_PER_DAY + cf * 1000LL),
                             sl_tz_from_local(s->tz, day * SL_MS_PER_DAY + ct * 1000LL));
            if (i < n) {
                cf = w[i][0];
                ct = w[i][1];
            }
        }
    }
}

/* The required seconds of one slot of a screen, computed on its own (the
 * rows of the plays scan come in no particular order): the overlap of the
 * slot's local hour with that weekday's windows. */
static int32_t slot_required(const cv_ctx *c, const cv_screen *s, int64_t k)
{
    if (!s->tz)
        return 0;
    int64_t t = c->g0 + k * SL_MS_PER_HOUR;
    int64_t local = sl_tz_to_local(s->tz, t);
    int64_t day = sl_floordiv(local, SL_MS_PER_DAY);
    if (day < c->q.from_day || day > c->q.to_day)
        return 0;
    int wd = sl_weekday_from_days(day);
    int32_t a = (int32_t)((local - day * SL_MS_PER_DAY) / 1000), b = a + 3600, got = 0;
    /* windows may overlap: count each second once */
    int32_t w[SL_INV_WINDOWS_MAX][2];
    int n = s->hours.n[wd];
    for (int i = 0; i < n; i++) {
        w[i][0] = s->hours.from_s[wd][i] > a ? s->hours.from_s[wd][i] : a;
        w[i][1] = s->hours.to_s[wd][i] < b ? s->hours.to_s[wd][i] : b;
    }
    qsort(w, (size_t)n, sizeof w[0], win_cmp);
    int32_t upto = a;
    for (int i = 0; i < n; i++) {
        int32_t from = w[i][0] > upto ? w[i][0] : upto;
        if (w[i][1] > from) {
            got += w[i][1] - from;
            upto = w[i][1];
        }
    }
    return got;
}

typedef struct {
    cv_ctx *c;
    cv_screen *s;
    const cv_group *g;
    int64_t *counts; /* per floor item of the group */
    int64_t slot;
} row_items;

static int row_item_cb(void *ud, const char *item, size_t len, int64_t plays)
{
    row_items *ri = ud;
    int gidx = cv_item_id(ri->c, item, len);
    if (gidx < 0)
        return 1;
    if (cv_screen_item(ri->c, ri->s, gidx, plays, 0, 0) != 0)
        return 1;
    for (size_t j = 0; ri->g && j < ri->g->n_floor; j++) {
        if (ri->g->floor_gidx[j] == gidx)
            ri->counts[j] += plays;
    }
    return 0;
}

/* Checks the floors of slot k of the current screen against counts (NULL:
 * nothing played that hour). */
static void check_floors(cv_ctx *c, size_t idx, int64_t k, int32_t req, const int64_t *counts)
{
    cv_screen *s = &c->screens[idx];
    if (s->group < 0 || req <= 0)
        return;
    const cv_group *g = &c->groups[s->group];
    for (size_t j = 0; j < g->n_floor; j++) {
        int f = g->floor[k * (int64_t)g->n_floor + (int64_t)j];
        if (f <= 0)
            continue;
        bool missed = (counts ? counts[j] : 0) < f;
        cv_screen_item(c, s, g->floor_gidx[j], 0, 1, missed ? 1 : 0);
        if (missed) {
            s->floors_missed++;
            if (c->missed)
                cv_missed_add(c, idx, k, g->pl->items[g->floor_item[j]].id);
        }
    }
}

static int play_hour_cb(void *ud, const sl_hub_play_hour *h)
{
    cv_ctx *c = ud;
    long idx = cv_screen_find(c, h->screen, &c->last_found);
    if (idx < 0)
        return c->oom;
    cv_screen *s = &c->screens[idx];
    int64_t k = (h->hour_ms - c->g0) / SL_MS_PER_HOUR;
    if (!s->tz || h->hour_ms < c->g0 || k >= c->n_slots || h->hour_ms < s->from_ms || h->hour_ms >= s->to_ms)
        return 0;
    size_t at = (size_t)idx * (size_t)c->n_slots + (size_t)k;
    s->plays += h->plays;
    s->untrusted_plays += h->untrusted_plays;
    s->untrusted_ms += h->untrusted_ms;
    s->corrected_plays += h->corrected_plays;
    c->lit[at] = h->lit_ms > INT32_MAX ? INT32_MAX : (int32_t)h->lit_ms;
    if (c->plays_slot)
        c->plays_slot[at] = h->plays;
    const cv_group *g = s->group >= 0 ? &c->groups[s->group] : NULL;
    int64_t counts[64] = {0};
    int64_t *cnt = counts;
    if (g && g->n_floor > 64) {
        cnt = calloc(g->n_floor, sizeof *cnt);
        if (!cnt)
            return c->oom = 1;
    }
    row_items ri = {c, s, g, cnt, k};
    sl_ph_items_each(h->items, row_item_cb, &ri);
    check_floors(c, (size_t)idx, k, slot_required(c, s, k), cnt);
    if (cnt != counts)
        free(cnt);
    return c->oom;
}

/* The minutes-online scan, on its own thread while the plays are read. */
typedef struct {
    cv_ctx *c;
    long last;
    int oom;
    sl_st_rc rc;
    char err[256];
} online_scan;

static int online_cb(void *ud, const char *screen, int64_t hour_ms, int minutes)
{
    online_scan *o = ud;
    cv_ctx *c = o->c;
    long idx = cv_screen_find(c, screen, &o->last);
    if (idx < 0)
        return 0;
    int64_t k = (hour_ms - c->g0) / SL_MS_PER_HOUR;
    if (k >= 0 && k < c->n_slots && hour_ms >= c->g0)
        c->online[(size_t)idx * (size_t)c->n_slots + (size_t)k] = (uint8_t)(minutes > 60 ? 60 : minutes);
    return 0;
}

static void *online_thread(void *arg)
{
    online_scan *o = arg;
    cv_ctx *c = o->c;
    sl_store *st = c->hub->store;
    o->rc = st->ops->online_list(st, c->q.screen && c->q.screen[0] ? c->q.screen : NULL, c->g0,
                                 c->g0 + c->n_slots * SL_MS_PER_HOUR, online_cb, o, o->err, sizeof o->err);
    return NULL;
}

void cv_screen_finish(cv_ctx *c, size_t idx)
{
    cv_screen *s = &c->screens[idx];
    if (s->done)
        return;
    s->done = true;
    if (!s->tz)
        return;
    const uint8_t *on = &c->online[idx * (size_t)c->n_slots];
    int64_t d = 0;
    for (int64_t k = 0; k < c->n_slots; k++) {
        int64_t t = c->g0 + k * SL_MS_PER_HOUR;
        if (t < c->day_start[0] || t >= c->day_start[c->n_days])
            continue;
        while (d + 1 < c->n_days && t >= c->day_start[d + 1])
            d++;
        s->online_min += on[k];
        int32_t req = c->req[k];
        if (req <= 0)
            continue;
        int32_t lr = c->lit[idx * (size_t)c->n_slots + (size_t)k];
        int32_t lit = lr < 0 ? 0 : lr / 1000;
        if (lit > req)
            lit = req;
        s->required_s += req;
        s->lit_s += lit;
        s->required_hours++;
        if ((int64_t)lit * 100 >= (int64_t)c->threshold * req)
            s->lit_hours++;
        if (on[k] == 0)
            s->offline_hours++;
        else if (on[k] > 0 && lit == 0)
            s->idle_hours++;
        if (lr < 0)
            check_floors(c, idx, k, req, NULL);
        c->day_req[d] += req;
        c->day_lit[d] += lit;
        if (c->q.detail_hours)
            cv_detail_hour(c, idx, k, t, req, lit, on[k]);
    }
}

cJSON *sl_coverage_report(sl_hub *hub, const sl_coverage_query *q, int64_t now_ms, char *err, size_t errlen)
{
    cv_ctx c;
    cJSON *doc = NULL;
    if (cv_init(&c, hub, q, err, errlen) != 0)
        goto out;
    /* The period's slots: from the earliest local midnight to the latest. */
    for (size_t i = 0; i < c.n_screens; i++) {
        cv_screen *s = &c.screens[i];
        char why[256];
        s->tz = tz_of(&c, s->st.s.timezone);
        if (!s->tz || sl_inv_hours_parse(s->st.s.hours, &s->hours, why, sizeof why) != 0)
            s->tz = NULL; /* no required hours can be known: idle */
    }
    if (cv_slots(&c) != 0)
        goto out;
    for (size_t i = 0; i < c.n_screens && !c.oom; i++) {
        cv_screen *s = &c.screens[i];
        s->group = group_of(&c, &s->st.s);
        if (s->tz) { /* the screen's own period: its local midnights */
            s->from_ms = sl_tz_from_local(s->tz, q->from_day * SL_MS_PER_DAY);
            s->to_ms = sl_tz_from_local(s->tz, (q->to_day + 1) * SL_MS_PER_DAY);
        }
    }
    if (c.oom || c.store_failed)
        goto fail;
    /* Minutes online and the hourly plays are read at once, on two
     * connections; every screen is totalled once both are in. */
    sl_store *st = hub->store;
    online_scan os = {.c = &c, .last = -1, .rc = SL_ST_OK};
    pthread_t th;
    bool threaded = pthread_create(&th, NULL, online_thread, &os) == 0;
    if (!threaded)
        online_thread(&os);
    sl_st_rc prc = st->ops->play_hours_list(st, q->screen && q->screen[0] ? q->screen : NULL, c.g0,
                                            c.g0 + c.n_slots * SL_MS_PER_HOUR, play_hour_cb, &c, err, errlen);
    if (threaded)
        pthread_join(th, NULL);
    if (prc != SL_ST_OK)
        goto out;
    if (os.rc != SL_ST_OK) {
        snprintf(err, errlen, "%s", os.err);
        goto out;
    }
    if (c.oom)
        goto fail;
    for (size_t i = 0; i < c.n_screens && !c.oom; i++) {
        screen_start(&c, i);
        cv_screen_finish(&c, i);
    }
    if (c.oom)
        goto fail;
    doc = cv_document(&c, now_ms);
    if (!doc)
        goto fail;
    goto out;
fail:
    if (c.store_failed)
        ; /* err already says why */
    else
        snprintf(err, errlen, "out of memory");
out:
    cv_free(&c, group_free);
    return doc;
}
