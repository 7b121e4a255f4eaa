/* routes_inventory.c — inventory CSV import/export, the screens list with status, a screen's hours online. */
#define _GNU_SOURCE
#include "tools/hub/http/routes.h"

#include "content/timeutil.h"
#include "tools/hub/service/hub_csv.h"
#include "tools/hub/service/hub_inventory.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define INV_MAX_ROWS 20000
#define INV_MAX_FIELDS 32
#define INV_EXPORT_MAX (64u * 1024u * 1024u)
#define INV_TZ_CACHE 16
#define ONLINE_WINDOW_MS (3 * SL_MS_PER_MIN)

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
} inv_import;

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
        return 1;
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
        return 1;
    im->lines[im->n] = line;
    im->n++;
    return 0;
}

static int by_id(const void *a, const void *b, void *ud)
{
    const sl_hub_screen *rows = ud;
    return strcmp(rows[*(const size_t *)a].id, rows[*(const size_t *)b].id);
}

/* Finds a screen id listed twice; returns the index of the later row or -1. */
static long inv_duplicate(const inv_import *im)
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
            if (dup < 0 || (long)later < dup)
                dup = (long)later;
        }
    }
    free(ix);
    return dup;
}

enum MHD_Result sl_h_inventory_put(sl_hub *hub, sl_req *r)
{
    enum MHD_Result res;
    inv_import im;
    char err[512];
    size_t err_line = 0;
    memset(&im, 0, sizeof im);
    if (!sl_req_content_type_is(r, "text/csv")) {
        res = sl_reply_error(r, 415, NULL, "send the inventory as Content-Type: text/csv");
        goto out;
    }
    /* Control bytes other than tab, CR and LF, and invalid UTF-8, are refused per line. */
    const char *body = r->body.data ? r->body.data : ""; /* an empty body has no buffer */
    size_t line = 1, start = 0;
    for (size_t i = 0; i <= r->body.len; i++) {
        if (i == r->body.len || body[i] == '\n') {
            size_t e = i;
            if (e > start && body[e - 1] == '\r')
                e--;
            if (!sl_hub_text_ok(body + start, e - start, true)) {
                cJSON *x = cJSON_CreateObject();
                cJSON_AddNumberToObject(x, "line", (double)line);
                res = sl_reply_error(r, 400, x, "line %zu: not UTF-8 text (save the file as UTF-8)", line);
                goto out;
            }
            line++;
            start = i + 1;
        }
    }
    int rc = sl_csv_parse(body, r->body.len, INV_MAX_FIELDS, inv_row_cb, &im, err,
                          sizeof err, &err_line);
    if (rc != 0) {
        cJSON *x = cJSON_CreateObject();
        size_t at = rc < 0 ? err_line : im.bad_line;
        cJSON_AddNumberToObject(x, "line", (double)at);
        res = sl_reply_error(r, 400, x, "line %zu: %s", at, rc < 0 ? err : im.why);
        goto out;
    }
    if (!im.header_done) {
        res = sl_reply_error(r, 400, NULL, "the file is empty; the first line must be the header "
                                           "id,name,site,region,unit_type,tags,channel,hours,timezone");
        goto out;
    }
    long dup = inv_duplicate(&im);
    if (dup >= 0) {
        cJSON *x = cJSON_CreateObject();
        cJSON_AddNumberToObject(x, "line", (double)im.lines[dup]);
        res = sl_reply_error(r, 400, x, "line %zu: screen id \"%s\" appears twice", im.lines[dup],
                             im.rows[dup].id);
        goto out;
    }
    sl_st_rc st = hub->store->ops->inventory_upsert(hub->store, im.rows, im.n, err, sizeof err);
    if (st != SL_ST_OK) {
        res = sl_reply_store_error(hub, r, err);
        goto out;
    }
    sl_log_info(&hub->log, "inventory: %zu screens imported", im.n);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "imported", (double)im.n);
    res = sl_reply_json(r, 200, o);
out:
    free(im.rows);
    free(im.lines);
    return res;
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

enum MHD_Result sl_h_inventory_get(sl_hub *hub, sl_req *r)
{
    enum MHD_Result res;
    sl_body b;
    char err[256];
    sl_body_init(&b, INV_EXPORT_MAX);
    bool ok = sl_body_append(&b, "\xEF\xBB\xBF", 3) == 0;
    for (int c = 0; c < SL_INV_N_COLS && ok; c++)
        ok = sl_csv_put(&b, sl_inv_cols[c], c == SL_INV_N_COLS - 1) == 0;
    if (!ok) {
        res = sl_reply_error(r, 500, NULL, "out of memory");
        goto out;
    }
    if (hub->store->ops->screen_list(hub->store, inv_export_row, &b, err, sizeof err) != SL_ST_OK) {
        res = sl_reply_store_error(hub, r, err);
        goto out;
    }
    struct MHD_Response *resp = MHD_create_response_from_buffer(b.len, b.data, MHD_RESPMEM_MUST_FREE);
    if (!resp) {
        res = MHD_NO;
        goto out;
    }
    b.data = NULL;
    MHD_add_response_header(resp, "Content-Type", "text/csv; charset=utf-8");
    MHD_add_response_header(resp, "Content-Disposition", "attachment; filename=\"inventory.csv\"");
    res = sl_reply(r, 200, resp);
out:
    sl_body_free(&b);
    return res;
}

typedef struct {
    cJSON *list;
    int64_t now;
} screens_ctx;

static int screens_row(void *ud, const sl_hub_screen_status *s)
{
    screens_ctx *c = ud;
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return 1;
    bool online = s->last_seen_ms >= 0 && c->now - s->last_seen_ms <= ONLINE_WINDOW_MS;
    cJSON_AddStringToObject(o, "id", s->s.id);
    cJSON_AddStringToObject(o, "name", s->s.name);
    cJSON_AddStringToObject(o, "site", s->s.site);
    cJSON_AddStringToObject(o, "region", s->s.region);
    cJSON_AddStringToObject(o, "unit_type", s->s.unit_type);
    cJSON_AddStringToObject(o, "tags", s->s.tags);
    cJSON_AddStringToObject(o, "channel", s->s.channel);
    cJSON_AddStringToObject(o, "hours", s->s.hours);
    cJSON_AddStringToObject(o, "timezone", s->s.timezone);
    cJSON_AddBoolToObject(o, "enrolled", s->enrolled);
    cJSON_AddItemToObject(o, "last_seen", sl_json_instant(s->last_seen_ms));
    cJSON_AddBoolToObject(o, "online", online);
    if (s->content_version >= 0)
        cJSON_AddNumberToObject(o, "content_version", (double)s->content_version);
    else
        cJSON_AddNullToObject(o, "content_version");
    cJSON_AddNumberToObject(o, "acked_seq", (double)s->acked_seq);
    cJSON_AddStringToObject(o, "status", online ? "online" : s->enrolled ? "offline" : "never enrolled");
    cJSON_AddItemToArray(c->list, o);
    return 0;
}

enum MHD_Result sl_h_screens(sl_hub *hub, sl_req *r)
{
    char err[256];
    screens_ctx c = {cJSON_CreateArray(), sl_hub_now_ms()};
    if (!c.list)
        return sl_reply_error(r, 500, NULL, "out of memory");
    if (hub->store->ops->screen_list(hub->store, screens_row, &c, err, sizeof err) != SL_ST_OK) {
        cJSON_Delete(c.list);
        return sl_reply_store_error(hub, r, err);
    }
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToObject(o, "screens", c.list);
    return sl_reply_json(r, 200, o);
}

static int hours_row(void *ud, int64_t hour, int minutes)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToObject(o, "hour", sl_json_instant(hour));
    cJSON_AddNumberToObject(o, "minutes", minutes);
    cJSON_AddItemToArray((cJSON *)ud, o);
    return 0;
}

/* A query argument as an instant; absent -> dflt. Returns 0 or -1. */
static int arg_instant(sl_req *r, const char *key, int64_t dflt, int64_t *out)
{
    const char *v = MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, key);
    if (!v) {
        *out = dflt;
        return 0;
    }
    return sl_instant_parse(v, NULL, out);
}

enum MHD_Result sl_h_screen_hours(sl_hub *hub, sl_req *r)
{
    char err[256];
    int64_t now = sl_hub_now_ms(), from, to;
    if (!sl_hub_id_ok(r->param))
        return sl_reply_error(r, 400, NULL, "not a screen id");
    if (arg_instant(r, "from", now - SL_MS_PER_DAY, &from) != 0 || arg_instant(r, "to", now, &to) != 0)
        return sl_reply_error(r, 400, NULL, "from and to must be ISO 8601 instants like 2026-11-25T00:00:00Z");
    sl_st_rc rc = hub->store->ops->screen_get(hub->store, r->param, NULL, err, sizeof err);
    if (rc == SL_ST_NOT_FOUND)
        return sl_reply_error(r, 404, NULL, "screen %s is not in the inventory", r->param);
    if (rc != SL_ST_OK)
        return sl_reply_store_error(hub, r, err);
    cJSON *list = cJSON_CreateArray();
    if (hub->store->ops->hours_list(hub->store, r->param, from, to, hours_row, list, err, sizeof err) != SL_ST_OK) {
        cJSON_Delete(list);
        return sl_reply_store_error(hub, r, err);
    }
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "screen", r->param);
    cJSON_AddItemToObject(o, "hours", list);
    return sl_reply_json(r, 200, o);
}
