/* hub_inventory.c — checks inventory rows (ids, UTF-8 text, tags, required hours, time zone) before they are stored. */
#include "tools/hub/service/hub_inventory.h"

#include "content/timeutil.h"
#include "content/tz.h"
#include "tools/hub/hub.h"

#include <stdio.h>
#include <string.h>

const char *const sl_inv_cols[SL_INV_N_COLS] = {"id",   "name",    "site",  "region",  "unit_type",
                                                "tags", "channel", "hours", "timezone"};

static const char *const days[7] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

static int day_index(const char *s, size_t n)
{
    for (int i = 0; i < 7; i++) {
        if (n == 3 && strncmp(s, days[i], 3) == 0)
            return i;
    }
    return -1;
}

/* Parses a day list "mon-fri", "sat,sun", "fri-mon", "daily" into a
 * Monday-first mask of 7 bits; -1 when malformed. */
static int days_parse(const char *s, size_t n, unsigned *mask)
{
    *mask = 0;
    if (n == 5 && strncmp(s, "daily", 5) == 0) {
        *mask = 0x7f;
        return 0;
    }
    size_t i = 0;
    while (i < n) {
        size_t e = i;
        while (e < n && s[e] != ',')
            e++;
        const char *dash = memchr(s + i, '-', e - i);
        if (dash) {
            int a = day_index(s + i, (size_t)(dash - (s + i)));
            int b = day_index(dash + 1, (size_t)(s + e - dash - 1));
            if (a < 0 || b < 0)
                return -1;
            for (int d = a;; d = (d + 1) % 7) { /* "fri-mon" wraps over the weekend */
                *mask |= 1u << d;
                if (d == b)
                    break;
            }
        } else {
            int a = day_index(s + i, e - i);
            if (a < 0)
                return -1;
            *mask |= 1u << a;
        }
        i = e + 1;
        if (e < n && i >= n)
            return -1; /* a trailing comma */
    }
    return n ? 0 : -1;
}

/* Parses "08:30-17:30" windows separated by ',' and adds them to the days in
 * mask (out may be NULL: only check). -1 when malformed or too many. */
static int windows_parse(const char *s, size_t n, unsigned mask, sl_inv_hours *out)
{
    size_t i = 0;
    if (!n)
        return -1;
    while (i < n) {
        size_t e = i;
        while (e < n && s[e] != ',')
            e++;
        char a[16], b[16];
        const char *dash = memchr(s + i, '-', e - i);
        if (!dash)
            return -1;
        size_t la = (size_t)(dash - (s + i)), lb = (size_t)(s + e - dash - 1);
        if (la == 0 || lb == 0 || la >= sizeof a || lb >= sizeof b)
            return -1;
        memcpy(a, s + i, la);
        a[la] = '\0';
        memcpy(b, dash + 1, lb);
        b[lb] = '\0';
        int32_t from, to;
        if (sl_tod_parse(a, &from) != 0 || sl_tod_parse(b, &to) != 0 || from >= to)
            return -1;
        for (int d = 0; out && d < 7; d++) {
            if (!(mask & (1u << d)))
                continue;
            if (out->n[d] >= SL_INV_WINDOWS_MAX)
                return -1;
            out->from_s[d][out->n[d]] = from;
            out->to_s[d][out->n[d]] = to;
            out->n[d]++;
        }
        i = e + 1;
        if (e < n && i >= n)
            return -1;
    }
    return 0;
}

int sl_inv_hours_parse(const char *s, sl_inv_hours *out, char *why, size_t whylen)
{
    const char *p = s;
    if (out)
        memset(out, 0, sizeof *out);
    if (!*s) {
        snprintf(why, whylen, "hours are missing (write e.g. \"mon-fri 08:30-17:30; sat 09:00-12:00\" or "
                              "\"daily 00:00-24:00\")");
        return -1;
    }
    while (*p) {
        const char *e = strchr(p, ';');
        if (!e)
            e = p + strlen(p);
        while (p < e && *p == ' ')
            p++;
        const char *end = e;
        while (end > p && end[-1] == ' ')
            end--;
        const char *sp = memchr(p, ' ', (size_t)(end - p));
        const char *w = sp;
        while (w && w < end && *w == ' ')
            w++;
        unsigned mask = 0;
        if (!sp || days_parse(p, (size_t)(sp - p), &mask) != 0 ||
            windows_parse(w, (size_t)(end - w), mask, out) != 0) {
            snprintf(why, whylen,
                     "hours \"%.*s\" is not like \"mon-fri 08:30-17:30\" (days: mon..sun, ranges like "
                     "mon-fri, lists like sat,sun, or daily; then at most %d windows HH:MM-HH:MM a day "
                     "separated by ',')",
                     (int)(end - p), p, SL_INV_WINDOWS_MAX);
            return -1;
        }
        p = *e ? e + 1 : e;
    }
    return 0;
}

int sl_inv_hours_check(const char *s, char *why, size_t whylen)
{
    sl_inv_hours h;
    return sl_inv_hours_parse(s, &h, why, whylen);
}

/* Copies a trimmed value into buf; -1 when too long or not clean text. */
static int take(char *buf, size_t len, const char *v)
{
    if (!v)
        v = "";
    while (*v == ' ')
        v++;
    size_t n = strlen(v);
    while (n && v[n - 1] == ' ')
        n--;
    if (n >= len || !sl_hub_text_ok(v, n, false))
        return -1;
    memcpy(buf, v, n);
    buf[n] = '\0';
    return 0;
}

int sl_inv_row(sl_hub_screen *o, const char *const vals[SL_INV_N_COLS], char *why, size_t whylen)
{
    char *dst[SL_INV_N_COLS] = {o->id,   o->name,    o->site,  o->region,  o->unit_type,
                                o->tags, o->channel, o->hours, o->timezone};
    size_t sizes[SL_INV_N_COLS] = {sizeof o->id,   sizeof o->name,    sizeof o->site,
                                   sizeof o->region, sizeof o->unit_type, sizeof o->tags,
                                   sizeof o->channel, sizeof o->hours, sizeof o->timezone};
    memset(o, 0, sizeof *o);
    for (int i = 0; i < SL_INV_N_COLS; i++) {
        if (take(dst[i], sizes[i], vals[i]) != 0) {
            snprintf(why, whylen, "%s: too long (at most %zu bytes) or not UTF-8 text", sl_inv_cols[i],
                     sizes[i] - 1);
            return -1;
        }
    }
    if (!sl_hub_id_ok(o->id)) {
        snprintf(why, whylen, "id \"%s\": 1 to 64 letters, digits, '.', '_' or '-', not starting with '.' or '-'",
                 o->id);
        return -1;
    }
    if (!o->name[0]) {
        snprintf(why, whylen, "name is missing");
        return -1;
    }
    if (o->channel[0] && !sl_hub_id_ok(o->channel)) {
        snprintf(why, whylen, "channel \"%s\": 1 to 64 letters, digits, '.', '_' or '-'", o->channel);
        return -1;
    }
    for (const char *t = o->tags; *t;) {
        const char *e = strchr(t, ';');
        size_t n = e ? (size_t)(e - t) : strlen(t);
        const char *a = t;
        while (n && *a == ' ') {
            a++;
            n--;
        }
        while (n && a[n - 1] == ' ')
            n--;
        if (n == 0 || memchr(a, ',', n)) {
            snprintf(why, whylen, "tags \"%s\": tags are separated by ';', none empty, none with ','", o->tags);
            return -1;
        }
        t = e ? e + 1 : t + strlen(t);
    }
    return sl_inv_hours_check(o->hours, why, whylen);
}

int sl_inv_tz_check(const char *name, char *why, size_t whylen)
{
    char terr[256];
    sl_tz *tz = name[0] ? sl_tz_load(name, NULL, terr, sizeof terr) : NULL;
    if (!tz) {
        snprintf(why, whylen, "timezone \"%s\": not a known time zone (e.g. Asia/Shanghai or +08:00)", name);
        return -1;
    }
    sl_tz_free(tz);
    return 0;
}

const char *sl_inv_value(const sl_hub_screen *s, int i)
{
    switch (i) {
    case 0:
        return s->id;
    case 1:
        return s->name;
    case 2:
        return s->site;
    case 3:
        return s->region;
    case 4:
        return s->unit_type;
    case 5:
        return s->tags;
    case 6:
        return s->channel;
    case 7:
        return s->hours;
    default:
        return s->timezone;
    }
}
