/* hub_coverage_doc.c — turns the coverage totals into the report document: verdicts, reasons, rollups, items. */
#include "tools/hub/coverage/hub_coverage_acc.h"

#include "content/timeutil.h"
#include "tools/hub/hub.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DOC_SCREENSHOTS_MAX 1000 /* screenshots are looked up for reports of at most this many screens */

static double pct(int64_t lit, int64_t req)
{
    if (req <= 0)
        return 0.0;
    return floor((double)lit * 1000.0 / (double)req + 0.5) / 10.0;
}

static const char *status_of(const cv_ctx *c, const cv_screen *s)
{
    if (s->required_s <= 0)
        return "idle";
    if (s->lit_s <= 0)
        return "dark";
    if (s->lit_s * 100 >= (int64_t)c->threshold * s->required_s && s->floors_missed == 0)
        return "lit";
    return "short";
}

static void reason(cJSON *list, const char *code, const char *detail)
{
    cJSON *r = cJSON_CreateObject();
    cJSON_AddStringToObject(r, "code", code);
    cJSON_AddStringToObject(r, "detail", detail);
    cJSON_AddItemToArray(list, r);
}

static int item_acc_cmp(const void *a, const void *b)
{
    const cv_item_acc *x = a, *y = b;
    return x->floor_missed_hours != y->floor_missed_hours ? (x->floor_missed_hours < y->floor_missed_hours ? 1 : -1)
                                                          : (x->item > y->item) - (x->item < y->item);
}

/* Why a screen is not lit, most telling first. */
static cJSON *reasons_of(const cv_ctx *c, cv_screen *s, const char *status)
{
    cJSON *list = cJSON_CreateArray();
    char buf[512], when[40];
    if (strcmp(status, "lit") == 0 || strcmp(status, "idle") == 0)
        return list;
    if (!s->st.enrolled)
        reason(list, "never_enrolled", "");
    if (!s->st.s.channel[0])
        reason(list, "no_content", "no channel in the inventory");
    else if (s->channel_version < 0)
        reason(list, "no_content", "nothing published on its channel");
    if (s->st.enrolled && s->offline_hours > 0) {
        if (s->st.last_seen_ms < 0)
            snprintf(buf, sizeof buf, "never seen; no heartbeat in %" PRId64 " of %" PRId64 " required hours",
                     s->offline_hours, s->required_hours);
        else {
            sl_instant_format(s->st.last_seen_ms, 0, when, sizeof when);
            snprintf(buf, sizeof buf, "last seen %s; no heartbeat in %" PRId64 " of %" PRId64 " required hours", when,
                     s->offline_hours, s->required_hours);
        }
        reason(list, "offline", buf);
    }
    if (s->idle_hours > 0) {
        snprintf(buf, sizeof buf, "on but no plays in %" PRId64 " required hours", s->idle_hours);
        reason(list, "not_playing", buf);
    }
    if (s->st.content_version >= 0 && s->channel_version > s->st.content_version) {
        snprintf(buf, sizeof buf, "showing version %" PRId64 "; the channel is at version %" PRId64,
                 s->st.content_version, s->channel_version);
        reason(list, "outdated_content", buf);
    }
    if (s->floors_missed > 0 && s->lit_s > 0) { /* a dark screen misses every floor: its other reasons say why */
        if (s->n_items)
            qsort(s->items, s->n_items, sizeof *s->items, item_acc_cmp);
        size_t len = 0;
        buf[0] = '\0';
        for (size_t i = 0; i < s->n_items && len + 80 < sizeof buf; i++) {
            if (s->items[i].floor_missed_hours <= 0)
                continue;
            len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%s (%" PRId64 " h)", len ? ", " : "",
                                    c->item_names[s->items[i].item], s->items[i].floor_missed_hours);
        }
        reason(list, "items_missing", buf);
    }
    if (s->untrusted_plays > 0) {
        snprintf(buf, sizeof buf, "%" PRId64 " plays (%" PRId64 " s) with an untrusted clock not counted",
                 s->untrusted_plays, s->untrusted_ms / 1000);
        reason(list, "clock_untrusted", buf);
    }
    if (cJSON_GetArraySize(list) == 0) {
        snprintf(buf, sizeof buf, "coverage %.1f %% is under the %d %% threshold", pct(s->lit_s, s->required_s),
                 c->threshold);
        reason(list, "short", buf);
    }
    return list;
}

/* Rollup rows by a key (region or unit type). */
typedef struct {
    const char *key;
    int64_t screens, lit, shrt, dark, required_s, lit_s;
} rollup;

typedef struct {
    rollup *v;
    size_t n, cap;
} rollups;

static int rollup_add(rollups *r, const char *key, const char *status, const cv_screen *s)
{
    rollup *x = NULL;
    for (size_t i = 0; i < r->n; i++) {
        if (strcmp(r->v[i].key, key) == 0) {
            x = &r->v[i];
            break;
        }
    }
    if (!x) {
        if (r->n == r->cap) {
            size_t cap = r->cap ? r->cap * 2 : 16;
            rollup *v = realloc(r->v, cap * sizeof *v);
            if (!v)
                return -1;
            r->v = v;
            r->cap = cap;
        }
        x = &r->v[r->n++];
        memset(x, 0, sizeof *x);
        x->key = key;
    }
    if (strcmp(status, "idle") == 0)
        return 0;
    x->screens++;
    x->lit += strcmp(status, "lit") == 0;
    x->shrt += strcmp(status, "short") == 0;
    x->dark += strcmp(status, "dark") == 0;
    x->required_s += s->required_s;
    x->lit_s += s->lit_s;
    return 0;
}

static int rollup_cmp(const void *a, const void *b)
{
    return strcmp(((const rollup *)a)->key, ((const rollup *)b)->key);
}

static cJSON *rollup_json(rollups *r, const char *name)
{
    if (r->n)
        qsort(r->v, r->n, sizeof *r->v, rollup_cmp);
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; i < r->n; i++) {
        const rollup *x = &r->v[i];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, name, x->key);
        cJSON_AddNumberToObject(o, "screens", (double)x->screens);
        cJSON_AddNumberToObject(o, "lit", (double)x->lit);
        cJSON_AddNumberToObject(o, "short", (double)x->shrt);
        cJSON_AddNumberToObject(o, "dark", (double)x->dark);
        cJSON_AddNumberToObject(o, "required_s", (double)x->required_s);
        cJSON_AddNumberToObject(o, "lit_s", (double)x->lit_s);
        cJSON_AddNumberToObject(o, "coverage_pct", pct(x->lit_s, x->required_s));
        cJSON_AddItemToArray(a, o);
    }
    return a;
}

static void add_instant(cJSON *o, const char *key, int64_t ms)
{
    cJSON_AddItemToObject(o, key, sl_json_instant(ms));
}

static cJSON *screen_json(cv_ctx *c, cv_screen *s, const char *status, cJSON *reasons, bool shots)
{
    const sl_hub_screen *x = &s->st.s;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "id", x->id);
    cJSON_AddStringToObject(o, "name", x->name);
    cJSON_AddStringToObject(o, "site", x->site);
    cJSON_AddStringToObject(o, "region", x->region);
    cJSON_AddStringToObject(o, "unit_type", x->unit_type);
    cJSON_AddStringToObject(o, "channel", x->channel);
    cJSON_AddStringToObject(o, "timezone", x->timezone);
    cJSON_AddStringToObject(o, "status", status);
    cJSON_AddItemToObject(o, "reasons", reasons);
    cJSON_AddNumberToObject(o, "required_s", (double)s->required_s);
    cJSON_AddNumberToObject(o, "lit_s", (double)s->lit_s);
    cJSON_AddNumberToObject(o, "coverage_pct", pct(s->lit_s, s->required_s));
    cJSON_AddNumberToObject(o, "required_hours", (double)s->required_hours);
    cJSON_AddNumberToObject(o, "lit_hours", (double)s->lit_hours);
    cJSON_AddNumberToObject(o, "online_min", (double)s->online_min);
    cJSON_AddNumberToObject(o, "plays", (double)s->plays);
    cJSON_AddNumberToObject(o, "untrusted_plays", (double)s->untrusted_plays);
    cJSON_AddNumberToObject(o, "untrusted_s", (double)(s->untrusted_ms / 1000));
    cJSON_AddNumberToObject(o, "corrected_plays", (double)s->corrected_plays);
    cJSON_AddNumberToObject(o, "floors_missed", (double)s->floors_missed);
    cJSON_AddBoolToObject(o, "enrolled", s->st.enrolled);
    add_instant(o, "last_seen", s->st.last_seen_ms);
    if (s->st.content_version >= 0)
        cJSON_AddNumberToObject(o, "content_version", (double)s->st.content_version);
    else
        cJSON_AddNullToObject(o, "content_version");
    if (s->channel_version >= 0)
        cJSON_AddNumberToObject(o, "channel_version", (double)s->channel_version);
    else
        cJSON_AddNullToObject(o, "channel_version");
    sl_hub_screenshot shot;
    char err[128], url[160];
    if (shots && c->hub->store->ops->screenshot_latest(c->hub->store, x->id, &shot, err, sizeof err) == SL_ST_OK) {
        cJSON *sh = cJSON_CreateObject();
        add_instant(sh, "taken", shot.taken_ms);
        snprintf(url, sizeof url, "/api/v1/screens/%s/screenshot", x->id);
        cJSON_AddStringToObject(sh, "url", url);
        cJSON_AddItemToObject(o, "screenshot", sh);
    } else {
        cJSON_AddNullToObject(o, "screenshot");
    }
    cJSON *items = cJSON_CreateArray();
    for (size_t i = 0; i < s->n_items; i++) {
        cJSON *it = cJSON_CreateObject();
        cJSON_AddStringToObject(it, "item", c->item_names[s->items[i].item]);
        cJSON_AddNumberToObject(it, "plays", (double)s->items[i].plays);
        cJSON_AddNumberToObject(it, "floor_hours", (double)s->items[i].floor_hours);
        cJSON_AddNumberToObject(it, "floor_missed_hours", (double)s->items[i].floor_missed_hours);
        cJSON_AddItemToArray(items, it);
    }
    cJSON_AddItemToObject(o, "items", items);
    if (c->q.detail_hours) {
        cJSON_AddItemToObject(o, "hours", s->detail ? s->detail : cJSON_CreateArray());
        s->detail = NULL;
    }
    return o;
}

static int screen_item_cmp(const void *a, const void *b)
{
    const cv_item_acc *x = a, *y = b;
    return (x->item > y->item) - (x->item < y->item);
}

/* Sorted index of the dark list: worst coverage first, then id. */
typedef struct {
    double pct;
    cJSON *entry;
    const char *id;
} dark_row;

static int dark_cmp(const void *a, const void *b)
{
    const dark_row *x = a, *y = b;
    if (x->pct != y->pct)
        return x->pct < y->pct ? -1 : 1;
    return strcmp(x->id, y->id);
}

static cJSON *filters_json(const cv_ctx *c)
{
    cJSON *f = cJSON_CreateObject();
    const char *v[3] = {c->q.region, c->q.unit_type, c->q.screen};
    const char *k[3] = {"region", "unit_type", "screen"};
    for (int i = 0; i < 3; i++) {
        if (v[i] && v[i][0])
            cJSON_AddStringToObject(f, k[i], v[i]);
        else
            cJSON_AddNullToObject(f, k[i]);
    }
    return f;
}

cJSON *cv_document(cv_ctx *c, int64_t now_ms)
{
    char buf[40];
    int y, m, d;
    rollups regions = {0}, units = {0};
    dark_row *dark = calloc(c->n_screens ? c->n_screens : 1, sizeof *dark);
    int64_t *item_plays = calloc(c->n_item_names ? c->n_item_names : 1, sizeof *item_plays);
    int64_t *item_screens = calloc(c->n_item_names ? c->n_item_names : 1, sizeof *item_screens);
    int64_t *item_fh = calloc(c->n_item_names ? c->n_item_names : 1, sizeof *item_fh);
    int64_t *item_fmh = calloc(c->n_item_names ? c->n_item_names : 1, sizeof *item_fmh);
    cJSON *doc = cJSON_CreateObject();
    bool ok = dark && item_plays && item_screens && item_fh && item_fmh && doc;
    size_t n_dark = 0;
    if (!ok)
        goto out;
    sl_civil_from_days(c->q.from_day, &y, &m, &d);
    snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
    cJSON_AddStringToObject(doc, "from", buf);
    sl_civil_from_days(c->q.to_day, &y, &m, &d);
    snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
    cJSON_AddStringToObject(doc, "to", buf);
    add_instant(doc, "generated", now_ms);
    cJSON_AddNumberToObject(doc, "threshold_pct", c->threshold);
    cJSON_AddItemToObject(doc, "filters", filters_json(c));

    cJSON *summary = cJSON_AddObjectToObject(doc, "summary");
    cJSON *screens = cJSON_CreateArray();
    int64_t n = 0, lit = 0, shrt = 0, drk = 0, idle = 0, req = 0, lits = 0, plays = 0, up = 0, us = 0, onl = 0;
    bool shots = c->n_screens <= DOC_SCREENSHOTS_MAX;
    for (size_t i = 0; i < c->n_screens; i++) {
        cv_screen *s = &c->screens[i];
        const char *status = status_of(c, s);
        cJSON *reasons = reasons_of(c, s, status);
        if (s->n_items)
            qsort(s->items, s->n_items, sizeof *s->items, screen_item_cmp);
        for (size_t k = 0; k < s->n_items; k++) {
            const cv_item_acc *a = &s->items[k];
            item_plays[a->item] += a->plays;
            item_screens[a->item] += a->plays > 0;
            item_fh[a->item] += a->floor_hours;
            item_fmh[a->item] += a->floor_missed_hours;
        }
        if (rollup_add(&regions, s->st.s.region, status, s) != 0 ||
            rollup_add(&units, s->st.s.unit_type, status, s) != 0) {
            cJSON_Delete(reasons);
            ok = false;
            goto out;
        }
        if (strcmp(status, "idle") == 0) {
            idle++;
        } else {
            n++;
            lit += strcmp(status, "lit") == 0;
            shrt += strcmp(status, "short") == 0;
            drk += strcmp(status, "dark") == 0;
            req += s->required_s;
            lits += s->lit_s;
        }
        plays += s->plays;
        up += s->untrusted_plays;
        us += s->untrusted_ms / 1000;
        onl += s->online_min;
        cJSON *so = screen_json(c, s, status, reasons, shots);
        cJSON_AddItemToArray(screens, so);
        if (strcmp(status, "short") == 0 || strcmp(status, "dark") == 0) {
            cJSON *e = cJSON_CreateObject();
            const char *keys[] = {"id", "name", "region", "unit_type", "status", "coverage_pct"};
            for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
                cJSON_AddItemToObject(e, keys[k], cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(so, keys[k]), 1));
            cJSON_AddItemToObject(e, "reasons", cJSON_Duplicate(reasons, 1));
            dark[n_dark++] = (dark_row){pct(s->lit_s, s->required_s), e, s->st.s.id};
        }
    }
    cJSON_AddNumberToObject(summary, "screens", (double)n);
    cJSON_AddNumberToObject(summary, "lit", (double)lit);
    cJSON_AddNumberToObject(summary, "short", (double)shrt);
    cJSON_AddNumberToObject(summary, "dark", (double)drk);
    cJSON_AddNumberToObject(summary, "idle", (double)idle);
    cJSON_AddNumberToObject(summary, "required_s", (double)req);
    cJSON_AddNumberToObject(summary, "lit_s", (double)lits);
    cJSON_AddNumberToObject(summary, "coverage_pct", pct(lits, req));
    cJSON_AddNumberToObject(summary, "plays", (double)plays);
    cJSON_AddNumberToObject(summary, "untrusted_plays", (double)up);
    cJSON_AddNumberToObject(summary, "untrusted_s", (double)us);
    cJSON_AddNumberToObject(summary, "online_min", (double)onl);
    cJSON_AddItemToObject(doc, "by_region", rollup_json(&regions, "region"));
    cJSON_AddItemToObject(doc, "by_unit_type", rollup_json(&units, "unit_type"));
    cJSON *days = cJSON_AddArrayToObject(doc, "by_day");
    for (int64_t k = 0; k < c->n_days; k++) {
        cJSON *o = cJSON_CreateObject();
        sl_civil_from_days(c->q.from_day + k, &y, &m, &d);
        snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
        cJSON_AddStringToObject(o, "date", buf);
        cJSON_AddNumberToObject(o, "required_s", (double)c->day_req[k]);
        cJSON_AddNumberToObject(o, "lit_s", (double)c->day_lit[k]);
        cJSON_AddItemToArray(days, o);
    }
    cJSON_AddItemToObject(doc, "screens", screens);
    if (n_dark)
        qsort(dark, n_dark, sizeof *dark, dark_cmp);
    cJSON *dl = cJSON_AddArrayToObject(doc, "dark");
    for (size_t i = 0; i < n_dark; i++) {
        cJSON_AddItemToArray(dl, dark[i].entry);
        dark[i].entry = NULL;
    }
    cJSON *items = cJSON_AddArrayToObject(doc, "items");
    for (size_t k = 0; k < c->n_item_names; k++) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "item", c->item_names[k]);
        cJSON_AddNumberToObject(o, "plays", (double)item_plays[k]);
        cJSON_AddNumberToObject(o, "screens", (double)item_screens[k]);
        cJSON_AddNumberToObject(o, "floor_hours", (double)item_fh[k]);
        cJSON_AddNumberToObject(o, "floor_missed_hours", (double)item_fmh[k]);
        cJSON_AddItemToArray(items, o);
    }
out:
    for (size_t i = 0; dark && i < n_dark; i++)
        cJSON_Delete(dark[i].entry);
    free(dark);
    free(item_plays);
    free(item_screens);
    free(item_fh);
    free(item_fmh);
    free(regions.v);
    free(units.v);
    if (!ok) {
        cJSON_Delete(doc);
        return NULL;
    }
    return doc;
}
