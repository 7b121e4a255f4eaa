/* routes_plays.c — proof of play over HTTP: a screen posts batches of play records (idempotent by screen and seq); auditors read them (service/hub_plays.c does the work). */
#include "tools/hub/http/routes.h"

#include "content/json.h"
#include "content/record.h"
#include "tools/hub/service/hub_plays.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A batch of `screen`'s records: from the screen's own token, or from an
 * admin on its behalf (the screen of the path; mismatches are then 400). */
static enum MHD_Result plays_post(sl_hub *hub, sl_req *r, const char *screen, bool admin)
{
    enum MHD_Result res;
    char why[160];
    sl_svc_err e;
    sl_play_record *recs = NULL;
    cJSON *in = sl_req_json_values(r, SL_CAP_PLAYS_VALUES, &res);
    if (!in)
        return res;
    const cJSON *sv = cJSON_GetObjectItemCaseSensitive(in, "screen");
    if (sv && (!cJSON_IsString(sv) || strcmp(sv->valuestring, screen) != 0)) {
        res = admin ? sl_reply_error(r, 400, NULL, "the body's \"screen\" is not %s, the screen of the path", screen)
                    : sl_reply_error(r, 403, NULL, "this token belongs to screen %s; it cannot write another "
                                     "screen's records", screen);
        goto out;
    }
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(in, "records");
    if (!cJSON_IsArray(list)) {
        res = sl_reply_error(r, 400, NULL, "\"records\" must be a list of play records");
        goto out;
    }
    int n = cJSON_GetArraySize(list);
    if (n > SL_HUB_PLAYS_BATCH_MAX) {
        res = sl_reply_error(r, 400, NULL, "%d records in one batch; at most %d", n, SL_HUB_PLAYS_BATCH_MAX);
        goto out;
    }
    recs = calloc(n ? (size_t)n : 1, sizeof *recs);
    if (!recs) {
        res = sl_reply_error(r, 500, NULL, "out of memory");
        goto out;
    }
    int i = 0;
    const cJSON *o;
    cJSON_ArrayForEach(o, list)
    {
        if (sl_record_from_json(o, &recs[i], why, sizeof why) != 0) {
            cJSON *x = cJSON_CreateObject();
            cJSON_AddNumberToObject(x, "index", i);
            res = sl_reply_error(r, 400, x, "records[%d]: %s; nothing was stored", i, why);
            goto out;
        }
        const cJSON *rs = cJSON_GetObjectItemCaseSensitive(o, "screen");
        if (rs && (!cJSON_IsString(rs) || strcmp(rs->valuestring, screen) != 0)) {
            res = admin ? sl_reply_error(r, 400, NULL, "records[%d] is for another screen than %s", i, screen)
                        : sl_reply_error(r, 403, NULL, "records[%d] is for another screen; this token belongs to %s",
                                         i, screen);
            goto out;
        }
        snprintf(recs[i].screen, sizeof recs[i].screen, "%s", screen);
        i++;
    }
    size_t stored = 0, dups = 0;
    int64_t acked = 0;
    if (sl_hub_plays_store(hub, screen, recs, (size_t)n, &stored, &dups, &acked, &e) != SL_SVC_OK) {
        res = sl_reply_svc_error(hub, r, &e, NULL);
        goto out;
    }
    cJSON *out = cJSON_CreateObject();
    cJSON_AddNumberToObject(out, "stored", (double)stored);
    cJSON_AddNumberToObject(out, "duplicates", (double)dups);
    cJSON_AddNumberToObject(out, "acked_seq", (double)acked);
    res = sl_reply_json(r, 200, out);
out:
    free(recs);
    cJSON_Delete(in);
    return res;
}

enum MHD_Result sl_h_plays_post(sl_hub *hub, sl_req *r)
{
    return plays_post(hub, r, r->who.subject, false);
}

/* POST /api/v1/screens/<id>/plays (admin): a screen's records carried from a
 * screen without a network (screenlit records import). */
enum MHD_Result sl_h_screen_plays_post(sl_hub *hub, sl_req *r)
{
    char err[256];
    if (!sl_wire_id_ok(r->param))
        return sl_reply_error(r, 400, NULL, "not a screen id");
    sl_st_rc rc = hub->store->ops->screen_get(hub->store, r->param, NULL, err, sizeof err);
    if (rc == SL_ST_NOT_FOUND)
        return sl_reply_error(r, 404, NULL, "screen %s is not in the inventory", r->param);
    if (rc != SL_ST_OK)
        return sl_reply_store_error(hub, r, err);
    return plays_post(hub, r, r->param, true);
}

enum MHD_Result sl_h_plays_get(sl_hub *hub, sl_req *r)
{
    sl_svc_err se;
    const char *screen = MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, "screen");
    const char *after = MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, "after_seq");
    const char *limit = MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, "limit");
    long long a = 0, l = 1000;
    char *e;
    if (!sl_wire_id_ok(screen))
        return sl_reply_error(r, 400, NULL, "?screen=ID is missing or not a screen id");
    if (after && ((a = strtoll(after, &e, 10)) < 0 || *e || !*after))
        return sl_reply_error(r, 400, NULL, "after_seq must be an integer from 0");
    if (limit && ((l = strtoll(limit, &e, 10)) < 1 || l > SL_HUB_PLAYS_LIST_MAX || *e || !*limit))
        return sl_reply_error(r, 400, NULL, "limit must be from 1 to %d", SL_HUB_PLAYS_LIST_MAX);
    cJSON *list;
    if (sl_hub_plays_list(hub, screen, a, (size_t)l, &list, &se) != SL_SVC_OK)
        return sl_reply_svc_error(hub, r, &se, NULL);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "screen", screen);
    cJSON_AddItemToObject(o, "records", list);
    return sl_reply_json(r, 200, o);
}
