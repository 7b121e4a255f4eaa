/* hub_coverage_acc.c — the coverage report's working state: loading screens and channels, lookups, scratch arrays. */
#include "tools/hub/coverage/hub_coverage_acc.h"

#include "content/timeutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t hash_bytes(const char *s, size_t len)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (size_t i = 0; i < len; i++) {
        h ^= (uint8_t)s[i];
        h *= 1099511628211ULL;
    }
    return h;
}

static bool matches(const char *filter, const char *value)
{
    return !filter || !filter[0] || strcmp(filter, value) == 0;
}

static int screen_cb(void *ud, const sl_hub_screen_status *x)
{
    cv_ctx *c = ud;
    if (!matches(c->q.region, x->s.region) || !matches(c->q.unit_type, x->s.unit_type) ||
        !matches(c->q.screen, x->s.id))
        return 0;
    if (c->n_screens == c->cap_screens) {
        size_t cap = c->cap_screens ? c->cap_screens * 2 : 64;
        cv_screen *v = realloc(c->screens, cap * sizeof *v);
        if (!v)
            return c->oom = 1;
        c->screens = v;
        c->cap_screens = cap;
    }
    cv_screen *s = &c->screens[c->n_screens++];
    memset(s, 0, sizeof *s);
    s->st = *x;
    s->group = -1;
    s->channel_version = -1;
    return 0;
}

static int channel_cb(void *ud, const sl_hub_channel *ch)
{
    cv_ctx *c = ud;
    if (c->n_channels == c->cap_channels) {
        size_t cap = c->cap_channels ? c->cap_channels * 2 : 8;
        void *v = realloc(c->channels, cap * sizeof *c->channels);
        if (!v)
            return c->oom = 1;
        c->channels = v;
        c->cap_channels = cap;
    }
    snprintf(c->channels[c->n_channels].channel, sizeof c->channels[0].channel, "%s", ch->channel);
    c->channels[c->n_channels].version = ch->version;
    c->n_channels++;
    return 0;
}

int cv_init(cv_ctx *c, sl_hub *hub, const sl_coverage_query *q, char *err, size_t errlen)
{
    memset(c, 0, sizeof *c);
    c->hub = hub;
    c->q = *q;
    c->threshold = q->threshold_pct > 0 && q->threshold_pct <= 100 ? q->threshold_pct : SL_COVERAGE_DEFAULT_THRESHOLD;
    c->err = err;
    c->errlen = errlen;
    c->cur = -1;
    c->last_found = -1;
    for (size_t i = 0; i < sizeof c->item_recent / sizeof c->item_recent[0]; i++)
        c->item_recent[i] = -1;
    sl_store *st = hub->store;
    if (st->ops->screen_list(st, screen_cb, c, err, errlen) != SL_ST_OK)
        return -1;
    if (st->ops->channel_list(st, channel_cb, c, err, errlen) != SL_ST_OK)
        return -1;
    if (c->oom)
        goto oom;
    c->index_cap = 16;
    while (c->index_cap < c->n_screens * 2)
        c->index_cap *= 2;
    c->index = malloc(c->index_cap * sizeof *c->index);
    if (!c->index)
        goto oom;
    for (size_t i = 0; i < c->index_cap; i++)
        c->index[i] = -1;
    for (size_t i = 0; i < c->n_screens; i++) {
        const char *id = c->screens[i].st.s.id;
        size_t h = (size_t)hash_bytes(id, strlen(id)) & (c->index_cap - 1);
        while (c->index[h] >= 0)
            h = (h + 1) & (c->index_cap - 1);
        c->index[h] = (long)i;
        for (size_t k = 0; k < c->n_channels; k++) {
            if (strcmp(c->channels[k].channel, c->screens[i].st.s.channel) == 0)
                c->screens[i].channel_version = c->channels[k].version;
        }
    }
    return 0;
oom:
    snprintf(err, errlen, "out of memory");
    return -1;
}

int cv_slots(cv_ctx *c)
{
    int64_t lo = INT64_MAX, hi = INT64_MIN;
    c->n_days = c->q.to_day - c->q.from_day + 1;
    for (size_t i = 0; i < c->n_screens; i++) {
        const sl_tz *tz = c->screens[i].tz;
        if (!tz)
            continue;
        int64_t a = sl_tz_from_local(tz, c->q.from_day * SL_MS_PER_DAY);
        int64_t b = sl_tz_from_local(tz, (c->q.to_day + 1) * SL_MS_PER_DAY);
        lo = a < lo ? a : lo;
        hi = b > hi ? b : hi;
    }
    if (lo > hi) { /* no screen with known hours: an empty period at the first day */
        lo = c->q.from_day * SL_MS_PER_DAY;
        hi = lo;
    }
    c->g0 = sl_floordiv(lo, SL_MS_PER_HOUR) * SL_MS_PER_HOUR;
    c->n_slots = (hi - c->g0 + SL_MS_PER_HOUR - 1) / SL_MS_PER_HOUR;
    if (c->n_slots < 1)
        c->n_slots = 1;
    size_t ns = (size_t)c->n_slots;
    c->online = calloc(c->n_screens ? c->n_screens * ns : 1, 1);
    c->req = calloc(ns, sizeof *c->req);
    size_t cells = (c->n_screens ? c->n_screens : 1) * ns;
    c->lit = malloc(cells * sizeof *c->lit);
    if (c->lit)
        memset(c->lit, 0xff, cells * sizeof *c->lit); /* -1: no row */
    c->day_start = calloc((size_t)c->n_days + 1, sizeof *c->day_start);
    c->day_req = calloc((size_t)c->n_days, sizeof *c->day_req);
    c->day_lit = calloc((size_t)c->n_days, sizeof *c->day_lit);
    if (c->q.detail_hours) {
        c->plays_slot = calloc(cells, sizeof *c->plays_slot);
        c->missed = calloc(cells, sizeof *c->missed);
    }
    if (!c->online || !c->req || !c->lit || !c->day_start || !c->day_req || !c->day_lit ||
        (c->q.detail_hours && (!c->plays_slot || !c->missed))) {
        snprintf(c->err, c->errlen, "out of memory");
        return -1;
    }
    return 0;
}

void cv_free(cv_ctx *c, void (*group_free)(cv_group *g))
{
    for (size_t i = 0; i < c->n_screens; i++) {
        free(c->screens[i].items);
        cJSON_Delete(c->screens[i].detail);
    }
    free(c->screens);
    free(c->index);
    for (size_t i = 0; i < c->n_groups; i++)
        group_free(&c->groups[i]);
    free(c->groups);
    for (size_t i = 0; i < c->n_tz; i++)
        sl_tz_free(c->tz[i]);
    free(c->tz);
    for (size_t i = 0; i < c->n_item_names; i++)
        free(c->item_names[i]);
    free(c->item_names);
    free(c->item_lens);
    free(c->item_index);
    free(c->channels);
    free(c->online);
    free(c->req);
    free(c->lit);
    free(c->plays_slot);
    if (c->missed) {
        for (size_t k = 0; k < (c->n_screens ? c->n_screens : 1) * (size_t)c->n_slots; k++)
            cJSON_Delete(c->missed[k]);
    }
    free(c->missed);
    free(c->day_start);
    free(c->day_req);
    free(c->day_lit);
    memset(c, 0, sizeof *c);
}

long cv_screen_find(const cv_ctx *c, const char *id, long *last)
{
    if (*last >= 0 && strcmp(c->screens[*last].st.s.id, id) == 0)
        return *last;
    if (!c->index_cap)
        return -1;
    size_t h = (size_t)hash_bytes(id, strlen(id)) & (c->index_cap - 1);
    while (c->index[h] >= 0) {
        if (strcmp(c->screens[c->index[h]].st.s.id, id) == 0)
            return *last = c->index[h];
        h = (h + 1) & (c->index_cap - 1);
    }
    return -1;
}

static int item_rehash(cv_ctx *c, size_t cap)
{
    int *t = malloc(cap * sizeof *t);
    if (!t)
        return -1;
    for (size_t i = 0; i < cap; i++)
        t[i] = -1;
    for (size_t i = 0; i < c->n_item_names; i++) {
        size_t h = (size_t)hash_bytes(c->item_names[i], strlen(c->item_names[i])) & (cap - 1);
        while (t[h] >= 0)
            h = (h + 1) & (cap - 1);
        t[h] = (int)i;
    }
    free(c->item_index);
    c->item_index = t;
    c->item_index_cap = cap;
    return 0;
}

int cv_item_id(cv_ctx *c, const char *item, size_t len)
{
    if (len == 0)
        return -1;
    /* Every row names the same few items: a cheap key first. */
    size_t rk = (len * 31u + (uint8_t)item[0] * 7u + (uint8_t)item[len - 1] + (uint8_t)item[len / 2] * 13u) & 255u;
    int r = c->item_recent[rk];
    if (r >= 0 && c->item_lens[r] == len && memcmp(c->item_names[r], item, len) == 0)
        return r;
    r = cv_item_id_slow(c, item, len);
    if (r >= 0)
        c->item_recent[rk] = r;
    return r;
}

int cv_item_id_slow(cv_ctx *c, const char *item, size_t len)
{
    if (c->item_index_cap == 0 && item_rehash(c, 64) != 0)
        return c->oom = 1, -1;
    size_t h = (size_t)hash_bytes(item, len) & (c->item_index_cap - 1);
    while (c->item_index[h] >= 0) {
        int i = c->item_index[h];
        if (c->item_lens[i] == len && memcmp(c->item_names[i], item, len) == 0)
            return i;
        h = (h + 1) & (c->item_index_cap - 1);
    }
    if (c->n_item_names == c->cap_item_names) {
        size_t cap = c->cap_item_names ? c->cap_item_names * 2 : 32;
        char **v = realloc(c->item_names, cap * sizeof *v);
        if (!v)
            return c->oom = 1, -1;
        c->item_names = v;
        size_t *l = realloc(c->item_lens, cap * sizeof *l);
        if (!l)
            return c->oom = 1, -1;
        c->item_lens = l;
        c->cap_item_names = cap;
    }
    char *name = malloc(len + 1);
    if (!name)
        return c->oom = 1, -1;
    memcpy(name, item, len);
    name[len] = '\0';
    c->item_lens[c->n_item_names] = len;
    c->item_names[c->n_item_names++] = name;
    if (c->n_item_names * 2 > c->item_index_cap) {
        if (item_rehash(c, c->item_index_cap * 2) != 0)
            return c->oom = 1, -1;
    } else {
        c->item_index[h] = (int)(c->n_item_names - 1);
    }
    return (int)(c->n_item_names - 1);
}

int cv_screen_item(cv_ctx *c, cv_screen *s, int item, int64_t plays, int64_t floor_hours, int64_t floor_missed)
{
    for (size_t i = 0; i < s->n_items; i++) {
        if (s->items[i].item == item) {
            s->items[i].plays += plays;
            s->items[i].floor_hours += floor_hours;
            s->items[i].floor_missed_hours += floor_missed;
            return 0;
        }
    }
    if (s->n_items == s->cap_items) {
        size_t cap = s->cap_items ? s->cap_items * 2 : 8;
        cv_item_acc *v = realloc(s->items, cap * sizeof *v);
        if (!v)
            return c->oom = 1, -1;
        s->items = v;
        s->cap_items = cap;
    }
    s->items[s->n_items++] = (cv_item_acc){item, plays, floor_hours, floor_missed};
    return 0;
}

void cv_missed_add(cv_ctx *c, size_t idx, int64_t k, const char *item)
{
    size_t at = idx * (size_t)c->n_slots + (size_t)k;
    if (!c->missed[at])
        c->missed[at] = cJSON_CreateArray();
    cJSON_AddItemToArray(c->missed[at], cJSON_CreateString(item));
}

void cv_detail_hour(cv_ctx *c, size_t idx, int64_t k, int64_t t, int32_t req, int32_t lit, int online)
{
    cv_screen *s = &c->screens[idx];
    size_t at = idx * (size_t)c->n_slots + (size_t)k;
    if (!s->detail)
        s->detail = cJSON_CreateArray();
    cJSON *h = cJSON_CreateObject();
    char buf[40];
    sl_instant_format(t, 0, buf, sizeof buf);
    cJSON_AddStringToObject(h, "hour", buf);
    cJSON_AddNumberToObject(h, "required_s", req);
    cJSON_AddNumberToObject(h, "lit_s", lit);
    cJSON_AddNumberToObject(h, "online_min", online);
    cJSON_AddNumberToObject(h, "plays", c->lit[at] < 0 ? 0 : (double)c->plays_slot[at]);
    cJSON_AddItemToObject(h, "floors_missed", c->missed[at] ? c->missed[at] : cJSON_CreateArray());
    c->missed[at] = NULL;
    cJSON_AddItemToArray(s->detail, h);
}
