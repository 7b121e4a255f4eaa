/* hub_wall.c — the console's wall: one read of every screen, its state, filters, counts, dark-first order and a page; one screen's row. */
#define _POSIX_C_SOURCE 200809L
#include "tools/hub/service/hub_wall.h"

#include <stdlib.h>
#include <string.h>

#define WALL_CHUNK (64u * 1024u) /* bytes of strings per arena chunk */

/* The strings and rows of one wall: chunks of text that never move, and
 * the growing array of rows. */
struct sl_wall_mem {
    char **chunks;
    size_t n_chunks, cap_chunks;
    size_t used; /* bytes used in the last chunk */
    size_t chunk_len;
    sl_wall_item *items; /* in the store's order (by id) */
    size_t n_items, cap_items;
    sl_wall_item *sorted; /* the same, dark first */
    const char **choice_v[3];
};

/* A copy of s in the arena, or NULL when out of memory. */
static const char *mem_str(sl_wall_mem *m, const char *s)
{
    size_t n = strlen(s) + 1;
    if (!m->n_chunks || m->used + n > m->chunk_len) {
        size_t len = n > WALL_CHUNK ? n : WALL_CHUNK;
        if (m->n_chunks == m->cap_chunks) {
            size_t cap = m->cap_chunks ? m->cap_chunks * 2 : 16;
            char **c = realloc(m->chunks, cap * sizeof *c);
            if (!c)
                return NULL;
            m->chunks = c;
            m->cap_chunks = cap;
        }
        char *chunk = malloc(len);
        if (!chunk)
            return NULL;
        m->chunks[m->n_chunks++] = chunk;
        m->used = 0;
        m->chunk_len = len;
    }
    char *p = m->chunks[m->n_chunks - 1] + m->used;
    memcpy(p, s, n);
    m->used += n;
    return p;
}

/* Adds a value to a sorted list of distinct values; 0, or -1 when out of memory. */
static int choice_add(sl_wall_mem *m, int which, sl_wall_choices *c, const char *v)
{
    if (!v[0])
        return 0;
    size_t lo = 0, hi = c->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int d = strcmp(c->v[mid], v);
        if (d == 0)
            return 0;
        if (d < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (c->n >= SL_WALL_CHOICES_MAX) {
        c->more = true;
        return 0;
    }
    if (!m->choice_v[which]) {
        m->choice_v[which] = malloc(SL_WALL_CHOICES_MAX * sizeof *m->choice_v[which]);
        if (!m->choice_v[which])
            return -1;
        c->v = m->choice_v[which];
    }
    const char *copy = mem_str(m, v);
    if (!copy)
        return -1;
    memmove(&m->choice_v[which][lo + 1], &m->choice_v[which][lo], (c->n - lo) * sizeof *c->v);
    m->choice_v[which][lo] = copy;
    c->n++;
    return 0;
}

typedef struct {
    sl_wall *w;
    const sl_wall_query *q;
    int state; /* -1 any, -2 dark, else an sl_screen_state */
    int64_t now;
    bool oom;
} wall_scan;

static bool matches(const char *want, const char *have)
{
    return !want || !want[0] || strcmp(want, have) == 0;
}

/* Keeps one screen of the list. 0, or -1 when out of memory. */
static int item_add(sl_wall_mem *m, const sl_hub_wall_row *r, sl_screen_state state)
{
    if (m->n_items == m->cap_items) {
        size_t cap = m->cap_items ? m->cap_items * 2 : 256;
        sl_wall_item *x = realloc(m->items, cap * sizeof *x);
        if (!x)
            return -1;
        m->items = x;
        m->cap_items = cap;
    }
    const sl_hub_screen *s = &r->st.s;
    sl_wall_item it = {
        .id = mem_str(m, s->id),
        .name = mem_str(m, s->name),
        .site = mem_str(m, s->site),
        .region = mem_str(m, s->region),
        .unit_type = mem_str(m, s->unit_type),
        .channel = mem_str(m, s->channel),
        .current_item = mem_str(m, r->current_item),
        .state = state,
        .enrolled = r->st.enrolled,
        .last_seen_ms = r->st.last_seen_ms,
        .content_version = r->st.content_version,
        .channel_version = r->channel_version,
        .free_disk_bytes = r->free_disk_bytes,
        .shot_taken_ms = r->shot_taken_ms,
    };
    if (!it.id || !it.name || !it.site || !it.region || !it.unit_type || !it.channel || !it.current_item)
        return -1;
    m->items[m->n_items++] = it;
    return 0;
}

static int wall_row(void *ud, const sl_hub_wall_row *r)
{
    wall_scan *c = ud;
    sl_wall *w = c->w;
    const sl_hub_screen *s = &r->st.s;
    w->total++;
    if (choice_add(w->mem, 0, &w->regions, s->region) != 0 || choice_add(w->mem, 1, &w->unit_types, s->unit_type) != 0 ||
        choice_add(w->mem, 2, &w->channels, s->channel) != 0)
        goto oom;
    if (!matches(c->q->region, s->region) || !matches(c->q->unit_type, s->unit_type) ||
        !matches(c->q->channel, s->channel))
        return 0;
    sl_screen_state st = sl_status_state(r, c->now);
    w->matched++;
    w->count[st]++;
    w->dark += sl_status_dark(st);
    if (c->state == -1 || (c->state == -2 && sl_status_dark(st)) || c->state == (int)st) {
        if (item_add(w->mem, r, st) != 0)
            goto oom;
    }
    return 0;
oom:
    c->oom = true;
    return 1;
}

/* Orders the list by state, dark first, keeping the store's order (by id)
 * within a state: a counting sort. 0, or -1 when out of memory. */
static int wall_sort(sl_wall_mem *m)
{
    size_t at[SL_SCREEN_N_STATES] = {0};
    m->sorted = malloc((m->n_items ? m->n_items : 1) * sizeof *m->sorted);
    if (!m->sorted)
        return -1;
    for (size_t i = 0; i < m->n_items; i++)
        at[m->items[i].state]++;
    for (size_t k = 0, sum = 0; k < SL_SCREEN_N_STATES; k++) {
        size_t n = at[k];
        at[k] = sum;
        sum += n;
    }
    for (size_t i = 0; i < m->n_items; i++)
        m->sorted[at[m->items[i].state]++] = m->items[i];
    return 0;
}

sl_svc_rc sl_wall_read(sl_hub *hub, const sl_wall_query *q, int64_t now_ms, sl_wall *out, sl_svc_err *e)
{
    char err[256];
    memset(out, 0, sizeof *out);
    wall_scan c = {out, q, -1, now_ms, false};
    if (q->state && q->state[0]) {
        c.state = strcmp(q->state, "dark") == 0 ? -2 : sl_status_parse(q->state);
        if (c.state == -1)
            return sl_svc_fail(e, SL_SVC_INVALID, "unknown status \"%s\": use dark, offline, no_content, "
                                                  "never_enrolled, outdated_content, clock_untrusted or lit",
                               q->state);
    }
    out->mem = calloc(1, sizeof *out->mem);
    if (!out->mem)
        return sl_svc_fail(e, SL_SVC_FAILED, "out of memory");
    if (hub->store->ops->wall_list(hub->store, NULL, wall_row, &c, err, sizeof err) != SL_ST_OK)
        return sl_svc_fail(e, SL_SVC_STORE, "%s", err);
    if (c.oom || wall_sort(out->mem) != 0)
        return sl_svc_fail(e, SL_SVC_FAILED, "out of memory");
    out->listed = out->mem->n_items;
    if (q->offset < out->listed) {
        out->rows = out->mem->sorted + q->offset;
        out->n_rows = out->listed - q->offset < q->limit ? out->listed - q->offset : q->limit;
    }
    return SL_SVC_OK;
}

void sl_wall_free(sl_wall *w)
{
    if (!w || !w->mem)
        return;
    sl_wall_mem *m = w->mem;
    for (size_t i = 0; i < m->n_chunks; i++)
        free(m->chunks[i]);
    free(m->chunks);
    free(m->items);
    free(m->sorted);
    for (int i = 0; i < 3; i++)
        free(m->choice_v[i]);
    free(m);
    memset(w, 0, sizeof *w);
}

/* ---- one screen -------------------------------------------------------- */

typedef struct {
    sl_wall_screen *out;
    int64_t now;
    bool found, oom;
} screen_scan;

static int screen_row(void *ud, const sl_hub_wall_row *r)
{
    screen_scan *c = ud;
    c->found = true;
    c->out->row = *r;
    c->out->state = sl_status_state(r, c->now);
    if (r->status_json) {
        c->out->status_json = strdup(r->status_json);
        c->oom = !c->out->status_json;
    }
    c->out->row.status_json = c->out->status_json;
    return 1;
}

sl_svc_rc sl_wall_screen_read(sl_hub *hub, const char *id, int64_t now_ms, sl_wall_screen *out, sl_svc_err *e)
{
    char err[256];
    memset(out, 0, sizeof *out);
    if (!sl_wire_id_ok(id))
        return sl_svc_fail(e, SL_SVC_INVALID, "not a screen id");
    screen_scan c = {out, now_ms, false, false};
    if (hub->store->ops->wall_list(hub->store, id, screen_row, &c, err, sizeof err) != SL_ST_OK)
        return sl_svc_fail(e, SL_SVC_STORE, "%s", err);
    if (c.oom)
        return sl_svc_fail(e, SL_SVC_FAILED, "out of memory");
    if (!c.found)
        return sl_svc_fail(e, SL_SVC_NOT_FOUND, "screen %s is not in the inventory", id);
    return SL_SVC_OK;
}

void sl_wall_screen_free(sl_wall_screen *s)
{
    if (!s)
        return;
    free(s->status_json);
    s->status_json = NULL;
    s->row.status_json = NULL;
}
