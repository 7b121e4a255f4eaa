/* playhours.c — adds a batch of stored plays into per-hour summaries and (de)serialises their item counts. */
#include "tools/hub/playhours.h"

#include "content/timeutil.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sl_ph_batch_init(sl_ph_batch *b)
{
    memset(b, 0, sizeof *b);
}

void sl_ph_batch_free(sl_ph_batch *b)
{
    if (!b)
        return;
    for (size_t i = 0; i < b->n; i++)
        free(b->h[i].items);
    free(b->h);
    memset(b, 0, sizeof *b);
}

/* The batch's entry for an hour, added when missing; NULL when out of memory. */
static sl_ph_hour *hour_of(sl_ph_batch *b, int64_t hour_ms)
{
    for (size_t i = 0; i < b->n; i++) {
        if (b->h[i].hour_ms == hour_ms)
            return &b->h[i];
    }
    if (b->n == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 4;
        sl_ph_hour *h = realloc(b->h, cap * sizeof *h);
        if (!h)
            return NULL;
        b->h = h;
        b->cap = cap;
    }
    sl_ph_hour *h = &b->h[b->n++];
    memset(h, 0, sizeof *h);
    h->hour_ms = hour_ms;
    return h;
}

static int add_item(sl_ph_hour *h, const char *item, size_t len, int64_t plays)
{
    if (len == 0 || len > SL_RECORD_ID_MAX)
        return 0;
    for (size_t i = 0; i < h->n_items; i++) {
        if (strlen(h->items[i].item) == len && memcmp(h->items[i].item, item, len) == 0) {
            h->items[i].plays += plays;
            return 0;
        }
    }
    if (h->n_items == h->cap_items) {
        size_t cap = h->cap_items ? h->cap_items * 2 : 8;
        sl_ph_item *it = realloc(h->items, cap * sizeof *it);
        if (!it)
            return -1;
        h->items = it;
        h->cap_items = cap;
    }
    sl_ph_item *it = &h->items[h->n_items++];
    memcpy(it->item, item, len);
    it->item[len] = '\0';
    it->plays = plays;
    return 0;
}

int sl_ph_batch_add(sl_ph_batch *b, const sl_play_record *r, bool lit, int64_t received_ms)
{
    if (r->outcome == SL_OUTCOME_FAILED)
        return 0;
    int64_t dur = r->duration_ms > 0 ? r->duration_ms : 0;
    if (r->clock_trust == SL_CLOCK_UNTRUSTED) {
        sl_ph_hour *h = hour_of(b, sl_floordiv(received_ms, SL_MS_PER_HOUR) * SL_MS_PER_HOUR);
        if (!h)
            return -1;
        h->untrusted_plays++;
        if (lit)
            h->untrusted_ms += dur;
        return 0;
    }
    sl_ph_hour *h = hour_of(b, sl_floordiv(r->start_ms, SL_MS_PER_HOUR) * SL_MS_PER_HOUR);
    if (!h)
        return -1;
    h->plays++;
    if (r->clock_trust == SL_CLOCK_CORRECTED)
        h->corrected_plays++;
    if (add_item(h, r->item, strlen(r->item), 1) != 0)
        return -1;
    if (!lit)
        return 0;
    int64_t t = r->start_ms, end = r->start_ms + dur;
    while (t < end) {
        int64_t hs = sl_floordiv(t, SL_MS_PER_HOUR) * SL_MS_PER_HOUR;
        int64_t he = hs + SL_MS_PER_HOUR;
        int64_t upto = end < he ? end : he;
        sl_ph_hour *x = hour_of(b, hs);
        if (!x)
            return -1;
        x->lit_ms += upto - t;
        t = upto;
    }
    return 0;
}

void sl_ph_items_each(const char *text, int (*cb)(void *ud, const char *item, size_t len, int64_t plays), void *ud)
{
    const char *p = text ? text : "";
    while (*p) {
        const char *nl = strchr(p, '\n');
        const char *end = nl ? nl : p + strlen(p);
        const char *tab = memchr(p, '\t', (size_t)(end - p));
        if (tab && tab > p) {
            int64_t n = 0;
            bool ok = tab + 1 < end;
            for (const char *d = tab + 1; d < end && ok; d++) {
                if (*d < '0' || *d > '9' || n > INT64_MAX / 10 - 10)
                    ok = false;
                else
                    n = n * 10 + (*d - '0');
            }
            if (ok && cb(ud, p, (size_t)(tab - p), n) != 0)
                return;
        }
        p = nl ? nl + 1 : end;
    }
}

typedef struct {
    sl_ph_hour *h;
    int rc;
} add_ctx;

static int add_cb(void *ud, const char *item, size_t len, int64_t plays)
{
    add_ctx *c = ud;
    if (add_item(c->h, item, len, plays) != 0) {
        c->rc = -1;
        return 1;
    }
    return 0;
}

int sl_ph_hour_add_items(sl_ph_hour *h, const char *items_text)
{
    add_ctx c = {h, 0};
    sl_ph_items_each(items_text, add_cb, &c);
    return c.rc;
}

char *sl_ph_items_text(const sl_ph_hour *h)
{
    size_t cap = 1;
    for (size_t i = 0; i < h->n_items; i++)
        cap += strlen(h->items[i].item) + 24;
    char *s = malloc(cap);
    if (!s)
        return NULL;
    size_t len = 0;
    s[0] = '\0';
    for (size_t i = 0; i < h->n_items; i++)
        len += (size_t)snprintf(s + len, cap - len, "%s\t%" PRId64 "\n", h->items[i].item, h->items[i].plays);
    return s;
}
