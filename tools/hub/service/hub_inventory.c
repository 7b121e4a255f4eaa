/* hub_inventory.c — checks inventory rows (ids, UTF-8 text, tags, required hours, time zone) before they are stored. */
#define _GNU_SOURCE
#include "tools/hub/service/hub_inventory.h"

#include "content/timeutil.h"
#include "content/tz.h"
#include "tools/hub/hub.h"
#include "tools/hub/service/hub_csv.h"
#include "tools/hub/service/hub_status.h"

#include <stdio.h>
#include <stdlib.h>
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
    if (n >= len || !sl_wire_text_ok(v, n, false))
        return -1;
    memcpy(buf, v, n);
    buf[n] = '\0';
    return 0;
}

/* sl_inv_row, and the column at fault in *col. */
static int inv_row(sl_hub_screen *o, const char *const vals[SL_INV_N_COLS], char *why, size_t whylen, int *col)
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
            *col = i;
            return -1;
        }
    }
    *col = 0;
    if (!sl_wire_id_ok(o->id)) {
        snprintf(why, whylen, "id \"%s\": 1 to 64 letters, digits, '.', '_' or '-', not starting with '.' or '-'",
                 o->id);
        return -1;
    }
    *col = 1;
    if (!o->name[0]) {
        snprintf(why, whylen, "name is missing");
        return -1;
    }
    *col = 6;
    if (o->channel[0] && !sl_wire_id_ok(o->channel)) {
        snprintf(why, whylen, "channel \"%s\": 1 to 64 letters, digits, '.', '_' or '-'", o->channel);
        return -1;
    }
    *col = 5;
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
    *col = 7;
    return sl_inv_hours_check(o->hours, why, whylen);
}

int sl_inv_row(sl_hub_screen *o, const char *const vals[SL_INV_N_COLS], char *why, size_t whylen)
{
    int col;
    return inv_row(o, vals, why, whylen, &col);
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

/* ---- the inventory as a service ------------------------------------- */

#define INV_MAX_ROWS 20000
#define INV_MAX_FIELDS 32
#define INV_TZ_CACHE 16

typedef struct {
    int col[SL_INV_N_COLS]; /* field index of each column, -1 when absent */
    bool header_done;
    sl_hub_screen *rows;
    size_t *lines; /* the line of each row */
    size_t n, cap;
    char tz_ok[INV_TZ_CACHE][SL_HUB_ID_MAX + 1];
    size_t n_tz;
    char why[512];
    size_t bad_line;
    sl_inv_bad_cb bad; /* NULL: stop at the first bad line; else every bad line goes to bad */
    void *bad_ud;
    size_t n_bad;
} inv_import;

#define INV_MAX_BAD 200 /* bad lines told before an import stops looking */

/* A bad row: stops the parse (1), or tells it and goes on (0). */
static int inv_bad_row(inv_import *im, size_t line)
{
    if (!im->bad)
        return 1;
    im->bad(im->bad_ud, line, im->why);
    im->n_bad++;
    return im->n_bad >= INV_MAX_BAD ? 1 : 0;
}

static int inv_header(inv_import *im, char **f, size_t n)
{
    static const bool required[SL_INV_N_COLS] = {true, true, false, false, false, false, true, true, true};
    for (int c = 0; c < SL_INV_N_COLS; c++)
        im->col[c] = -1;
    for (size_t i = 0; i < n; i++) {
        const char *name = f[i];
        while (*name == ' ')
            name++;
        int found = -1;
        for (int c = 0; c < SL_INV_N_COLS; c++) {
            size_t len = strlen(sl_inv_cols[c]);
            if (strncmp(name, sl_inv_cols[c], len) == 0 && strspn(name + len, " ") == strlen(name + len))
                found = c;
        }
        if (found < 0) {
            snprintf(im->why, sizeof im->why, "unknown column \"%s\" (the columns are "
                     "id,name,site,region,unit_type,tags,channel,hours,timezone)", f[i]);
            return -1;
        }
        if (im->col[found] >= 0) {
            snprintf(im->why, sizeof im->why, "column \"%s\" appears twice", sl_inv_cols[found]);
            return -1;
        }
        im->col[found] = (int)i;
    }
    for (int c = 0; c < SL_INV_N_COLS; c++) {
        if (required[c] && im->col[c] < 0) {
            snprintf(im->why, sizeof im->why, "the header lacks the column \"%s\"", sl_inv_cols[c]);
            return -1;
        }
    }
    return 0;
}

static int inv_tz(inv_import *im, const char *tz)
{
    for (size_t i = 0; i < im->n_tz; i++) {
        if (strcmp(im->tz_ok[i], tz) == 0)
            return 0;
    }
    if (sl_inv_tz_check(tz, im->why, sizeof im->why) != 0)
        return -1;
    snprintf(im->tz_ok[im->n_tz % INV_TZ_CACHE], sizeof im->tz_ok[0], "%s", tz);
    if (im->n_tz < INV_TZ_CACHE)
        im->n_tz++;
    return 0;
}

static int inv_row_cb(void *ud, size_t line, char **f, size_t n)
{
    inv_import *im = ud;
    im->bad_line = line;
    if (!im->header_done) {
        im->header_done = true;
        return inv_header(im, f, n) == 0 ? 0 : 1;
    }
    const char *vals[SL_INV_N_COLS];
    size_t used = 0;
    for (int c = 0; c < SL_INV_N_COLS; c++) {
        vals[c] = im->col[c] >= 0 && (size_t)im->col[c] < n ? f[im->col[c]] : NULL;
        if (im->col[c] >= 0)
            used++;
    }
    if (n != used) {
        snprintf(im->why, sizeof im->why, "%zu fields; the header has %zu", n, used);
        return inv_bad_row(im, line);
    }
    if (im->n >= INV_MAX_ROWS) {
        snprintf(im->why, sizeof im->why, "more than %d screens in one import", INV_MAX_ROWS);
        return 1;
    }
    if (im->n == im->cap) {
        size_t cap = im->cap ? im->cap * 2 : 64;
        sl_hub_screen *v = realloc(im->rows, cap * sizeof *v);
        if (v)
            im->rows = v;
        size_t *l = v ? realloc(im->lines, cap * sizeof *l) : NULL;
        if (!l) {
            snprintf(im->why, sizeof im->why, "out of memory");
            return 1;
        }
        im->lines = l;
        im->cap = cap;
    }
    sl_hub_screen *row = &im->rows[im->n];
    if (sl_inv_row(row, vals, im->why, sizeof im->why) != 0 || inv_tz(im, row->timezone) != 0)
        return inv_bad_row(im, line);
    im->lines[im->n] = line;
    im->n++;
    return 0;
}

static int by_id(const void *a, const void *b, void *ud)
{
    const sl_hub_screen *rows = ud;
    return strcmp(rows[*(const size_t *)a].id, rows[*(const size_t *)b].id);
}

/* Finds the rows whose screen id an earlier row has: the index of the
 * first such row (by line) or -1; with im->bad, tells each. */
static long inv_duplicate(inv_import *im)
{
    long dup = -1;
    size_t *ix = malloc((im->n ? im->n : 1) * sizeof *ix);
    if (!ix)
        return -1;
    for (size_t i = 0; i < im->n; i++)
        ix[i] = i;
    qsort_r(ix, im->n, sizeof *ix, by_id, im->rows);
    for (size_t i = 1; i < im->n; i++) {
        if (strcmp(im->rows[ix[i]].id, im->rows[ix[i - 1]].id) == 0) {
            size_t later = ix[i] > ix[i - 1] ? ix[i] : ix[i - 1];
            if (im->bad) {
                snprintf(im->why, sizeof im->why, "screen id \"%s\" appears twice", im->rows[later].id);
                im->bad(im->bad_ud, im->lines[later], im->why);
                im->n_bad++;
            }
            if (dup < 0 || (long)later < dup)
                dup = (long)later;
        }
    }
    free(ix);
    return dup;
}

/* Refuses control bytes other than tab, CR and LF, and invalid UTF-8, per line. */
static sl_svc_rc inv_text_check(const char *body, size_t len, size_t *bad_line, sl_svc_err *e)
{
    size_t line = 1, start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i == len || body[i] == '\n') {
            size_t end = i;
            if (end > start && body[end - 1] == '\r')
                end--;
            if (!sl_wire_text_ok(body + start, end - start, true)) {
                *bad_line = line;
                return sl_svc_fail(e, SL_SVC_INVALID, "line %zu: not UTF-8 text (save the file as UTF-8)", line);
            }
            line++;
            start = i + 1;
        }
    }
    return SL_SVC_OK;
}

/* INVALID: "N bad lines; nothing was imported". */
static sl_svc_rc inv_bad_summary(const inv_import *im, sl_svc_err *e)
{
    return sl_svc_fail(e, SL_SVC_INVALID, "%zu bad line%s%s; nothing was imported", im->n_bad,
                       im->n_bad == 1 ? "" : "s", im->n_bad >= INV_MAX_BAD ? " (and maybe more)" : "");
}

/* Parses and checks every row into *im. */
static sl_svc_rc inv_parse(inv_import *im, const char *body, size_t len, size_t *bad_line, sl_svc_err *e)
{
    char err[512];
    size_t err_line = 0;
    sl_svc_rc rc = inv_text_check(body, len, bad_line, e);
    if (rc != SL_SVC_OK) {
        if (im->bad)
            im->bad(im->bad_ud, *bad_line, "not UTF-8 text (save the file as UTF-8)");
        return rc;
    }
    int prc = sl_csv_parse(body, len, INV_MAX_FIELDS, inv_row_cb, im, err, sizeof err, &err_line);
    if (prc != 0) {
        *bad_line = prc < 0 ? err_line : im->bad_line;
        const char *why = prc < 0 ? err : im->why;
        if (!im->bad)
            return sl_svc_fail(e, SL_SVC_INVALID, "line %zu: %s", *bad_line, why);
        if (prc < 0 || im->n_bad < INV_MAX_BAD) { /* what stopped the reading, not told yet */
            im->bad(im->bad_ud, *bad_line, why);
            im->n_bad++;
        }
        return inv_bad_summary(im, e);
    }
    if (!im->header_done)
        return sl_svc_fail(e, SL_SVC_INVALID, "the file is empty; the first line must be the header "
                                              "id,name,site,region,unit_type,tags,channel,hours,timezone");
    long dup = inv_duplicate(im);
    if (!im->bad && dup >= 0) {
        *bad_line = im->lines[dup];
        return sl_svc_fail(e, SL_SVC_INVALID, "line %zu: screen id \"%s\" appears twice", im->lines[dup],
                           im->rows[dup].id);
    }
    return im->n_bad > 0 ? inv_bad_summary(im, e) : SL_SVC_OK;
}

/* Checks every row of csv and stores them all, or none. */
static sl_svc_rc inv_import_run(sl_hub *hub, inv_import *im, const char *csv, size_t len, size_t *imported,
                                size_t *bad_line, sl_svc_err *e)
{
    char err[512];
    *bad_line = 0;
    sl_svc_rc rc = inv_parse(im, csv ? csv : "", len, bad_line, e);
    if (rc == SL_SVC_OK &&
        hub->store->ops->inventory_upsert(hub->store, im->rows, im->n, err, sizeof err) != SL_ST_OK)
        rc = sl_svc_fail(e, SL_SVC_STORE, "%s", err);
    if (rc == SL_SVC_OK) {
        sl_log_info(&hub->log, "inventory: %zu screens imported", im->n);
        *imported = im->n;
    }
    free(im->rows);
    free(im->lines);
    return rc;
}

sl_svc_rc sl_inv_import(sl_hub *hub, const char *csv, size_t len, size_t *imported, size_t *bad_line, sl_svc_err *e)
{
    inv_import im;
    memset(&im, 0, sizeof im);
    return inv_import_run(hub, &im, csv, len, imported, bad_line, e);
}

sl_svc_rc sl_inv_import_all(sl_hub *hub, const char *csv, size_t len, size_t *imported, sl_inv_bad_cb bad, void *ud,
                            sl_svc_err *e)
{
    inv_import im;
    size_t bad_line;
    memset(&im, 0, sizeof im);
    im.bad = bad;
    im.bad_ud = ud;
    return inv_import_run(hub, &im, csv, len, imported, &bad_line, e);
}

sl_svc_rc sl_inv_put_row(sl_hub *hub, const char *const vals[SL_INV_N_COLS], int *bad_col, sl_svc_err *e)
{
    sl_hub_screen row;
    char why[512], err[512];
    *bad_col = -1;
    if (inv_row(&row, vals, why, sizeof why, bad_col) != 0)
        return sl_svc_fail(e, SL_SVC_INVALID, "%s", why);
    if (sl_inv_tz_check(row.timezone, why, sizeof why) != 0) {
        *bad_col = 8;
        return sl_svc_fail(e, SL_SVC_INVALID, "%s", why);
    }
    *bad_col = -1;
    if (hub->store->ops->inventory_upsert(hub->store, &row, 1, err, sizeof err) != SL_ST_OK)
        return sl_svc_fail(e, SL_SVC_STORE, "%s", err);
    sl_log_info(&hub->log, "inventory: screen %s saved", row.id);
    return SL_SVC_OK;
}

static int inv_export_row(void *ud, const sl_hub_screen_status *s)
{
    sl_body *b = ud;
    for (int c = 0; c < SL_INV_N_COLS; c++) {
        if (sl_csv_put(b, sl_inv_value(&s->s, c), c == SL_INV_N_COLS - 1) != 0)
            return 1;
    }
    return 0;
}

sl_svc_rc sl_inv_export(sl_hub *hub, sl_body *out, sl_svc_err *e)
{
    char err[256];
    bool ok = sl_body_append(out, "\xEF\xBB\xBF", 3) == 0;
    for (int c = 0; c < SL_INV_N_COLS && ok; c++)
        ok = sl_csv_put(out, sl_inv_cols[c], c == SL_INV_N_COLS - 1) == 0;
    if (!ok)
        return sl_svc_fail(e, SL_SVC_FAILED, "out of memory");
    if (hub->store->ops->screen_list(hub->store, inv_export_row, out, err, sizeof err) != SL_ST_OK)
        return sl_svc_fail(e, SL_SVC_STORE, "%s", err);
    return SL_SVC_OK;
}

typedef struct {
    sl_inv_screen_cb cb;
    void *ud;
    int64_t now;
} inv_screens_ctx;

static int inv_screens_row(void *ud, const sl_hub_screen_status *s)
{
    inv_screens_ctx *c = ud;
    bool online = sl_status_online(s->last_seen_ms, c->now);
    return c->cb(c->ud, s, online, online ? "online" : s->enrolled ? "offline" : "never enrolled");
}

sl_svc_rc sl_inv_screens(sl_hub *hub, int64_t now_ms, sl_inv_screen_cb cb, void *ud, sl_svc_err *e)
{
    char err[256];
    inv_screens_ctx c = {cb, ud, now_ms};
    if (hub->store->ops->screen_list(hub->store, inv_screens_row, &c, err, sizeof err) != SL_ST_OK)
        return sl_svc_fail(e, SL_SVC_STORE, "%s", err);
    return SL_SVC_OK;
}

sl_svc_rc sl_inv_screen_hours(sl_hub *hub, const char *screen, int64_t from_ms, int64_t to_ms,
                              int (*cb)(void *ud, int64_t hour_ms, int minutes), void *ud, sl_svc_err *e)
{
    char err[256];
    sl_st_rc rc = hub->store->ops->screen_get(hub->store, screen, NULL, err, sizeof err);
    if (rc == SL_ST_NOT_FOUND)
        return sl_svc_fail(e, SL_SVC_NOT_FOUND, "screen %s is not in the inventory", screen);
    if (rc == SL_ST_OK && hub->store->ops->hours_list(hub->store, screen, from_ms, to_ms, cb, ud, err, sizeof err) ==
                              SL_ST_OK)
        return SL_SVC_OK;
    return sl_svc_fail(e, SL_SVC_STORE, "%s", err);
}

/* The distinct values seen so far, as the members of two objects. */
typedef struct {
    cJSON *regions, *unit_types;
    bool oom;
} inv_choices_ctx;

static void choice_add(inv_choices_ctx *c, cJSON *set, const char *v)
{
    if (*v && !cJSON_GetObjectItemCaseSensitive(set, v) && !cJSON_AddNullToObject(set, v))
        c->oom = true;
}

static int inv_choices_row(void *ud, const sl_hub_screen_status *s)
{
    inv_choices_ctx *c = ud;
    choice_add(c, c->regions, s->s.region);
    choice_add(c, c->unit_types, s->s.unit_type);
    return c->oom ? 1 : 0;
}

static int str_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The member names of set, sorted, as a new array; NULL when out of memory. */
static cJSON *sorted_names(const cJSON *set)
{
    size_t n = (size_t)cJSON_GetArraySize(set), i = 0;
    const char **names = calloc(n ? n : 1, sizeof *names);
    cJSON *arr = names ? cJSON_CreateArray() : NULL;
    const cJSON *m;
    if (arr) {
        cJSON_ArrayForEach(m, set) names[i++] = m->string;
        qsort(names, n, sizeof *names, str_cmp);
        for (i = 0; i < n; i++) {
            if (!cJSON_AddItemToArray(arr, cJSON_CreateString(names[i]))) {
                cJSON_Delete(arr);
                arr = NULL;
                break;
            }
        }
    }
    free(names);
    return arr;
}

sl_svc_rc sl_inv_choices(sl_hub *hub, cJSON **regions, cJSON **unit_types, sl_svc_err *e)
{
    char err[256];
    inv_choices_ctx c = {cJSON_CreateObject(), cJSON_CreateObject(), false};
    sl_svc_rc rc = SL_SVC_OK;
    *regions = *unit_types = NULL;
    if (!c.regions || !c.unit_types)
        rc = sl_svc_fail(e, SL_SVC_FAILED, "out of memory");
    else if (hub->store->ops->screen_list(hub->store, inv_choices_row, &c, err, sizeof err) != SL_ST_OK && !c.oom)
        rc = sl_svc_fail(e, SL_SVC_STORE, "%s", err);
    else if (c.oom || !(*regions = sorted_names(c.regions)) || !(*unit_types = sorted_names(c.unit_types))) {
        cJSON_Delete(*regions);
        *regions = NULL;
        rc = sl_svc_fail(e, SL_SVC_FAILED, "out of memory");
    }
    cJSON_Delete(c.regions);
    cJSON_Delete(c.unit_types);
    return rc;
}
