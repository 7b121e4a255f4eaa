/* routes_inventory.c — HTTP for the inventory (service/hub_inventory.c): CSV import/export, the screens list with status, a screen's hours online. */
#include "tools/hub/http/routes.h"

#include "content/timeutil.h"
#include "tools/hub/service/hub_inventory.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define INV_EXPORT_MAX (64u * 1024u * 1024u)

enum MHD_Result sl_h_inventory_put(sl_hub *hub, sl_req *r)
{
    sl_svc_err e;
    size_t n = 0, line = 0;
    if (!sl_req_content_type_is(r, "text/csv"))
        return sl_reply_error(r, 415, NULL, "send the inventory as Content-Type: text/csv");
    if (sl_inv_import(hub, r->body.data, r->body.len, &n, &line, &e) != SL_SVC_OK) {
        cJSON *x = NULL;
        if (line) {
            x = cJSON_CreateObject();
            cJSON_AddNumberToObject(x, "line", (double)line);
        }
        return sl_reply_svc_error(hub, r, &e, x);
    }
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "imported", (double)n);
    return sl_reply_json(r, 200, o);
}

enum MHD_Result sl_h_inventory_get(sl_hub *hub, sl_req *r)
{
    enum MHD_Result res;
    sl_body b;
    sl_svc_err e;
    sl_body_init(&b, INV_EXPORT_MAX);
    if (sl_inv_export(hub, &b, &e) != SL_SVC_OK) {
        res = sl_reply_svc_error(hub, r, &e, NULL);
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

static int screens_row(void *ud, const sl_hub_screen_status *s, bool online, const char *state)
{
    cJSON *list = ud;
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return 1;
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
    cJSON_AddStringToObject(o, "status", state);
    cJSON_AddItemToArray(list, o);
    return 0;
}

enum MHD_Result sl_h_screens(sl_hub *hub, sl_req *r)
{
    sl_svc_err e;
    cJSON *list = cJSON_CreateArray();
    if (!list)
        return sl_reply_error(r, 500, NULL, "out of memory");
    if (sl_inv_screens(hub, sl_hub_now_ms(), screens_row, list, &e) != SL_SVC_OK) {
        cJSON_Delete(list);
        return sl_reply_svc_error(hub, r, &e, NULL);
    }
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToObject(o, "screens", list);
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
    sl_svc_err e;
    int64_t now = sl_hub_now_ms(), from, to;
    if (!sl_wire_id_ok(r->param))
        return sl_reply_error(r, 400, NULL, "not a screen id");
    if (arg_instant(r, "from", now - SL_MS_PER_DAY, &from) != 0 || arg_instant(r, "to", now, &to) != 0)
        return sl_reply_error(r, 400, NULL, "from and to must be ISO 8601 instants like 2026-11-25T00:00:00Z");
    cJSON *list = cJSON_CreateArray();
    if (sl_inv_screen_hours(hub, r->param, from, to, hours_row, list, &e) != SL_SVC_OK) {
        cJSON_Delete(list);
        return sl_reply_svc_error(hub, r, &e, NULL);
    }
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "screen", r->param);
    cJSON_AddItemToObject(o, "hours", list);
    return sl_reply_json(r, 200, o);
}
