/* hub_playhours.c — adds a batch of stored plays into per-hour summaries and (de)serialises their item counts. */
#include "tools/hub/service/hub_playhours.h"

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
    free(b->lit);
    free(b->seed);
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

/* Appends r's time (or a blank span when r is NULL) to a span array. */
static int span_add(sl_ph_span **s, size_t *n, size_t *cap, const sl_play_record *r)
{
    if (*n == *cap) {
        size_t c = *cap ? *cap * 2 : 16;
        sl_ph_span *x = realloc(*s, c * sizeof *x);
        if (!x)
            return -1;
        *s = x;
        *cap = c;
    }
    sl_ph_span *p = &(*s)[(*n)++];
    memset(p, 0, sizeof *p);
    if (r) {
        p->start = r->start_ms;
        p->end = r->start_ms + (r->duration_ms > 0 ? r->duration_ms : 0);
        p->seq = r->seq;
        snprintf(p->zone, sizeof p->zone, "%s", r->zone);
    }
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
    if (!lit || dur == 0)
        return 0;
    return span_add(&b->lit, &b->n_lit, &b->cap_lit, r);
}

bool sl_ph_batch_near(const sl_ph_batch *b, int64_t *seq_lo, int64_t *seq_hi)
{
    if (!b->n_lit)
        return false;
    int64_t lo = b->lit[0].seq, hi = b->lit[0].seq;
    for (size_t i = 1; i < b->n_lit; i++) {
        lo = b->lit[i].seq < lo ? b->lit[i].seq : lo;
        hi = b->lit[i].seq > hi ? b->lit[i].seq : hi;
    }
    *seq_lo = lo > INT64_MIN + SL_PH_NEAR_SEQ ? lo - SL_PH_NEAR_SEQ : INT64_MIN;
    *seq_hi = hi < INT64_MAX - SL_PH_NEAR_SEQ ? hi + SL_PH_NEAR_SEQ : INT64_MAX;
    return true;
}

int sl_ph_batch_seed(sl_ph_batch *b, const sl_play_record *r)
{
    if (r->outcome == SL_OUTCOME_FAILED || r->clock_trust == SL_CLOCK_UNTRUSTED || r->duration_ms <= 0)
        return 0;
    bool zone = false;
    for (size_t i = 0; i < b->n_lit; i++) {
        if (b->lit[i].seq == r->seq)
            return 0; /* the batch's own record, stored in the same transaction */
        zone = zone || strcmp(b->lit[i].zone, r->zone) == 0;
    }
    return zone ? span_add(&b->seed, &b->n_seed, &b->cap_seed, r) : 0;
}

static int span_cmp(const void *a, const void *b)
{
    const sl_ph_span *x = a, *y = b;
    return x->start < y->start ? -1 : x->start > y->start;
}

/* Sorts n spans and merges overlapping ones in place; how many remain. */
static size_t span_union(sl_ph_span *s, size_t n)
{
    if (!n)
        return 0;
    qsort(s, n, sizeof *s, span_cmp);
    size_t k = 0;
    for (size_t i = 1; i < n; i++) {
        if (s[i].start <= s[k].end) {
            if (s[i].end > s[k].end)
                s[k].end = s[i].end;
        } else {
            s[++k] = s[i];
        }
    }
    return k + 1;
}

/* Adds the time of [start, end) to the lit_ms of the hours it spans. */
static int lit_add(sl_ph_batch *b, int64_t start, int64_t end)
{
    for (int64_t t = start; t < end;) {
        int64_t hs = sl_floordiv(t, SL_MS_PER_HOUR) * SL_MS_PER_HOUR;
        int64_t upto = end < hs + SL_MS_PER_HOUR ? end : hs + SL_MS_PER_HOUR;
        sl_ph_hour *x = hour_of(b, hs);
        if (!x)
            return -1;
        x->lit_ms += upto - t;
        t = upto;
    }
    return 0;
}

int sl_ph_batch_settle(sl_ph_batch *b)
{
    size_t n_lit = span_union(b->lit, b->n_lit);
    size_t n_seed = span_union(b->seed, b->n_seed);
    /* What the batch covers minus what the stored records covered already. */
    size_t k = 0;
    for (size_t i = 0; i < n_lit; i++) {
        int64_t t = b->lit[i].start, end = b->lit[i].end;
        while (k < n_seed && b->seed[k].end <= t)
            k++;
        for (size_t m = k; m < n_seed && b->seed[m].start < end && t < end; m++) {
            if (b->seed[m].start > t && lit_add(b, t, b->seed[m].start) != 0)
                return -1;
            if (b->seed[m].end > t)
                t = b->seed[m].end;
        }
        if (t < end && lit_add(b, t, end) != 0)
            return -1;
    }
    b->n_lit = b->n_seed = 0;
    return 0;
}

void sl_ph_items_each(const char *text, int (*cb)(void *ud, const char *item, size_t len, int64_t plays), void *ud)
{
    const char *p = text ? text : "";
    while (*p) {
        const char *semi = strchr(p, ';');
        const char *end = semi ? semi : p + strlen(p);
        const char *eq = memchr(p, '=', (size_t)(end - p));
        if (eq && eq > p) {
            int64_t n = 0;
            bool ok = eq + 1 < end;
            for (const char *d = eq + 1; d < end && ok; d++) {
                if (*d < '0' || *d > '9' || n > INT64_MAX / 10 - 10)
                    ok = false;
                else
                    n = n * 10 + (*d - '0');
            }
            if (ok && cb(ud, p, (size_t)(eq - p), n) != 0)
                return;
        }
        p = semi ? semi + 1 : end;
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
        len += (size_t)snprintf(s + len, cap - len, "%s%s=%" PRId64, i ? ";" : "", h->items[i].item, h->items[i].plays);
    return s;
}

/* ---- a day's summaries as one text (table play_days) ------------------ */

static bool hour_empty(const sl_ph_hour *h)
{
    return !h->lit_ms && !h->untrusted_ms && !h->plays && !h->untrusted_plays && !h->corrected_plays &&
           !h->n_items;
}

#define DAY_NAMES_MAX 512 /* distinct items in one day text */

/* The "#name;name;…" header of a day text: spans into the text. */
typedef struct {
    const char *p[DAY_NAMES_MAX];
    size_t len[DAY_NAMES_MAX];
    int n;
} day_names;

/* Reads the header when the text has one; returns where the hour lines start. */
static const char *day_header(const char *text, day_names *nm)
{
    nm->n = 0;
    if (!text || text[0] != '#')
        return text ? text : "";
    const char *p = text + 1, *nl = strchr(p, '\n');
    const char *end = nl ? nl : p + strlen(p);
    while (p < end && nm->n < DAY_NAMES_MAX) {
        const char *semi = memchr(p, ';', (size_t)(end - p));
        const char *e = semi ? semi : end;
        nm->p[nm->n] = p;
        nm->len[nm->n++] = (size_t)(e - p);
        p = semi ? semi + 1 : end;
    }
    return nl ? nl + 1 : end;
}

/* Parses one "H\tlit\tuntrusted_ms\tplays\tuntrusted\tcorrected\titems" line
 * (len bytes) into numbers and the items' span; -1 when malformed. */
static int day_line(const char *p, size_t len, int *hour, int64_t v[5], const char **items, size_t *items_len)
{
    const char *end = p + len;
    int64_t f[6];
    for (int k = 0; k < 6; k++) {
        int64_t n = 0;
        const char *d = p;
        while (p < end && *p >= '0' && *p <= '9' && n < INT64_MAX / 10 - 10)
            n = n * 10 + (*p++ - '0');
        if (p == d || p >= end || *p != '\t')
            return -1;
        p++;
        f[k] = n;
    }
    if (f[0] > 23)
        return -1;
    *hour = (int)f[0];
    for (int k = 0; k < 5; k++)
        v[k] = f[k + 1];
    *items = p;
    *items_len = (size_t)(end - p);
    return 0;
}

/* The next well-formed hour line at *pp (malformed ones are skipped);
 * advances *pp past it. false at the end of the text. */
static bool day_next(const char **pp, int *hour, int64_t v[5], const char **items, size_t *items_len)
{
    while (**pp) {
        const char *p = *pp, *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        *pp = nl ? nl + 1 : p + len;
        if (day_line(p, len, hour, v, items, items_len) == 0)
            return true;
    }
    return false;
}

/* Turns an hour's "index=count;…" (len bytes) into "name=count;…" in out
 * (cap bytes, NUL-terminated); unknown indexes are dropped. */
static void day_items(const day_names *nm, const char *p, size_t len, char *out, size_t cap)
{
    const char *end = p + len;
    size_t o = 0;
    out[0] = '\0';
    while (p < end) {
        const char *semi = memchr(p, ';', (size_t)(end - p));
        const char *e = semi ? semi : end;
        const char *x = p;
        long i = 0;
        while (x < e && *x >= '0' && *x <= '9' && i < DAY_NAMES_MAX)
            i = i * 10 + (*x++ - '0');
        if (x > p && x < e && *x == '=' && i < nm->n) {
            size_t cl = (size_t)(e - x - 1);
            if (o + nm->len[i] + cl + 3 < cap) {
                if (o)
                    out[o++] = ';';
                memcpy(out + o, nm->p[i], nm->len[i]);
                o += nm->len[i];
                out[o++] = '=';
                memcpy(out + o, x + 1, cl);
                o += cl;
                out[o] = '\0';
            }
        }
        p = semi ? semi + 1 : end;
    }
}

int sl_ph_day_merge(const char *stored, const sl_ph_batch *b, int64_t day_ms, char **out)
{
    sl_ph_hour h[24];
    int rc = -1;
    char *text = NULL, *buf = NULL;
    const char *names[DAY_NAMES_MAX];
    int n_names = 0;
    day_names nm;
    memset(h, 0, sizeof h);
    for (int i = 0; i < 24; i++)
        h[i].hour_ms = day_ms + i * SL_MS_PER_HOUR;
    size_t slen = stored ? strlen(stored) : 0;
    size_t bcap = slen * 23 + 64; /* "i=n" (3 bytes at least) becomes "name=n", a name at most 64 bytes */
    buf = malloc(bcap);
    if (!buf)
        goto out;
    int hr;
    int64_t v[5];
    const char *items;
    size_t il;
    for (const char *p = day_header(stored, &nm); day_next(&p, &hr, v, &items, &il);) {
        h[hr].lit_ms += v[0];
        h[hr].untrusted_ms += v[1];
        h[hr].plays += v[2];
        h[hr].untrusted_plays += v[3];
        h[hr].corrected_plays += v[4];
        day_items(&nm, items, il, buf, bcap);
        if (sl_ph_hour_add_items(&h[hr], buf) != 0)
            goto out;
    }
    for (size_t i = 0; b && i < b->n; i++) {
        const sl_ph_hour *x = &b->h[i];
        int64_t k = (x->hour_ms - day_ms) / SL_MS_PER_HOUR;
        if (x->hour_ms < day_ms || k > 23)
            continue;
        h[k].lit_ms += x->lit_ms;
        h[k].untrusted_ms += x->untrusted_ms;
        h[k].plays += x->plays;
        h[k].untrusted_plays += x->untrusted_plays;
        h[k].corrected_plays += x->corrected_plays;
        for (size_t j = 0; j < x->n_items; j++) {
            if (add_item(&h[k], x->items[j].item, strlen(x->items[j].item), x->items[j].plays) != 0)
                goto out;
        }
    }
    /* The names, once each, in a header; the hours name items by index. */
    size_t cap = 2, len = 0;
    for (int i = 0; i < 24; i++) {
        cap += 6 * 21 + 8;
        for (size_t j = 0; j < h[i].n_items; j++) {
            int k = 0;
            while (k < n_names && strcmp(names[k], h[i].items[j].item) != 0)
                k++;
            if (k == n_names) {
                if (n_names == DAY_NAMES_MAX)
                    continue; /* more distinct items in one day than a playlist can hold: dropped */
                names[n_names++] = h[i].items[j].item;
                cap += strlen(h[i].items[j].item) + 1;
            }
            cap += 8 + 22;
        }
    }
    text = malloc(cap);
    if (!text)
        goto out;
    text[0] = '\0';
    if (n_names) {
        text[len++] = '#';
        for (int k = 0; k < n_names; k++)
            len += (size_t)snprintf(text + len, cap - len, "%s%s", k ? ";" : "", names[k]);
        text[len++] = '\n';
        text[len] = '\0';
    }
    for (int i = 0; i < 24; i++) {
        if (hour_empty(&h[i]))
            continue;
        len += (size_t)snprintf(text + len, cap - len,
                                "%d\t%" PRId64 "\t%" PRId64 "\t%" PRId64 "\t%" PRId64 "\t%" PRId64 "\t", i,
                                h[i].lit_ms, h[i].untrusted_ms, h[i].plays, h[i].untrusted_plays,
                                h[i].corrected_plays);
        bool first = true;
        for (size_t j = 0; j < h[i].n_items; j++) {
            int k = 0;
            while (k < n_names && strcmp(names[k], h[i].items[j].item) != 0)
                k++;
            if (k == n_names)
                continue;
            len += (size_t)snprintf(text + len, cap - len, "%s%d=%" PRId64, first ? "" : ";", k,
                                    h[i].items[j].plays);
            first = false;
        }
        text[len++] = '\n';
        text[len] = '\0';
    }
    *out = text;
    text = NULL;
    rc = 0;
out:
    free(text);
    free(buf);
    for (int i = 0; i < 24; i++)
        free(h[i].items);
    return rc;
}

int sl_ph_day_each(const char *screen, const char *text, int64_t day_ms, int64_t from_ms, int64_t to_ms,
                   int (*cb)(void *ud, const sl_hub_play_hour *h), void *ud)
{
    char buf[8192];
    day_names nm;
    int hr;
    int64_t v[5];
    const char *items;
    size_t il;
    for (const char *p = day_header(text, &nm); day_next(&p, &hr, v, &items, &il);) {
        int64_t t = day_ms + hr * SL_MS_PER_HOUR;
        if (t >= from_ms && t < to_ms) {
            size_t need = il * 23 + 64; /* see sl_ph_day_merge */
            char *x = need <= sizeof buf ? buf : malloc(need);
            if (!x)
                return -1;
            day_items(&nm, items, il, x, need);
            sl_hub_play_hour h = {screen, t, v[0], v[1], v[2], v[3], v[4], x};
            int r = cb(ud, &h);
            if (x != buf)
                free(x);
            if (r != 0)
                return r;
        }
    }
    return 0;
}

char *sl_ph_online_add(const char *stored, int hour)
{
    int m[24] = {0};
    for (const char *p = stored ? stored : ""; *p;) {
        char *e;
        long h = strtol(p, &e, 10);
        if (*e != '=')
            break;
        long v = strtol(e + 1, &e, 10);
        if (h >= 0 && h < 24)
            m[h] = (int)(v > 60 ? 60 : v < 0 ? 0 : v);
        p = *e == ';' ? e + 1 : e;
        if (!*e || (*e != ';'))
            break;
    }
    if (hour >= 0 && hour < 24 && m[hour] < 60)
        m[hour]++;
    char *out = malloc(24 * 6 + 1);
    if (!out)
        return NULL;
    size_t len = 0;
    out[0] = '\0';
    for (int i = 0; i < 24; i++) {
        if (m[i])
            len += (size_t)snprintf(out + len, 24 * 6 + 1 - len, "%s%d=%d", len ? ";" : "", i, m[i]);
    }
    return out;
}

int sl_ph_online_each(const char *screen, const char *text, int64_t day_ms, int64_t from_ms, int64_t to_ms,
                      int (*cb)(void *ud, const char *screen, int64_t hour_ms, int minutes), void *ud)
{
    for (const char *p = text ? text : ""; *p;) {
        const char *e = p;
        long h = 0, v = 0;
        while (*e >= '0' && *e <= '9' && h < 100)
            h = h * 10 + (*e++ - '0');
        if (e == p || *e != '=')
            break;
        for (e++; *e >= '0' && *e <= '9' && v < 1000;)
            v = v * 10 + (*e++ - '0');
        int64_t t = day_ms + h * SL_MS_PER_HOUR;
        if (h < 24 && t >= from_ms && t < to_ms) {
            int r = cb(ud, screen, t, (int)v);
            if (r != 0)
                return r;
        }
        if (*e != ';')
            break;
        p = e + 1;
    }
    return 0;
}

size_t sl_ph_batch_days(const sl_ph_batch *b, int64_t *days, size_t cap)
{
    size_t n = 0;
    for (size_t i = 0; i < b->n; i++) {
        int64_t d = sl_floordiv(b->h[i].hour_ms, SL_MS_PER_DAY) * SL_MS_PER_DAY;
        bool seen = false;
        for (size_t j = 0; j < n && !seen; j++)
            seen = days[j] == d;
        if (!seen && n < cap)
            days[n++] = d;
    }
    return n;
}
