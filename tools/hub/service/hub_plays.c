/* hub_plays.c — proof of play at the hub: storing a screen's batch of play records (marking which are lit) and listing them. */
#include "tools/hub/service/hub_plays.h"

#include "content/timeutil.h"
#include "tools/hub/service/hub_mainzone.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

sl_svc_rc sl_hub_plays_store(sl_hub *hub, const char *screen, const sl_play_record *recs, size_t n, size_t *stored,
                             size_t *dups, int64_t *acked, sl_svc_err *e)
{
    char err[256];
    sl_svc_rc rc = SL_SVC_STORE;
    uint8_t *lit = calloc(n ? n : 1, 1);
    sl_hub_screen row;
    if (!lit)
        return sl_svc_fail(e, SL_SVC_STORE, "out of memory");
    sl_st_rc g = hub->store->ops->screen_get(hub->store, screen, &row, err, sizeof err);
    if (g == SL_ST_ERROR)
        goto out;
    if (g != SL_ST_OK)
        row.channel[0] = '\0';
    int64_t version = -1;
    char zone[SL_RECORD_ID_MAX + 1] = "main";
    for (size_t i = 0; i < n; i++) {
        if (recs[i].manifest_version != version) {
            version = recs[i].manifest_version;
            snprintf(zone, sizeof zone, "main");
            if (row.channel[0] && version > 0 && hub->mainzone &&
                sl_mainzone_get(hub->mainzone, hub->store, row.channel, version, zone, err, sizeof err) != 0)
                goto out;
        }
        lit[i] = strcmp(recs[i].zone, zone) == 0;
    }
    if (hub->store->ops->plays_put(hub->store, screen, recs, lit, n, sl_hub_now_ms(), stored, dups, acked, err,
                                   sizeof err) != SL_ST_OK)
        goto out;
    rc = SL_SVC_OK;
out:
    free(lit);
    return rc == SL_SVC_OK ? rc : sl_svc_fail(e, rc, "%s", err);
}

/* Adds one stored record to the listing (an array); 1 stops the scan. */
static int play_cb(void *ud, const sl_play_record *p, int64_t received_ms)
{
    char when[40];
    cJSON *o = sl_record_to_json_listed(p);
    if (!o)
        return 1;
    sl_instant_format(received_ms, 0, when, sizeof when);
    if (!(received_ms < 0 ? cJSON_AddNullToObject(o, "received") : cJSON_AddStringToObject(o, "received", when))) {
        cJSON_Delete(o);
        return 1;
    }
    cJSON_AddItemToArray((cJSON *)ud, o);
    return 0;
}

sl_svc_rc sl_hub_plays_list(sl_hub *hub, const char *screen, int64_t after_seq, size_t limit, cJSON **out,
                            sl_svc_err *e)
{
    char err[256];
    cJSON *list = cJSON_CreateArray();
    *out = NULL;
    if (!list)
        return sl_svc_fail(e, SL_SVC_STORE, "out of memory");
    if (hub->store->ops->plays_list(hub->store, screen, after_seq, limit, play_cb, list, err, sizeof err) != SL_ST_OK) {
        cJSON_Delete(list);
        return sl_svc_fail(e, SL_SVC_STORE, "%s", err);
    }
    *out = list;
    return SL_SVC_OK;
}

sl_svc_rc sl_hub_plays_recent(sl_hub *hub, const char *screen, size_t limit,
                              int (*cb)(void *ud, const sl_play_record *r, int64_t received_ms), void *ud,
                              sl_svc_err *e)
{
    char err[256];
    if (!sl_wire_id_ok(screen))
        return sl_svc_fail(e, SL_SVC_INVALID, "not a screen id");
    if (hub->store->ops->plays_latest(hub->store, screen, limit, cb, ud, err, sizeof err) != SL_ST_OK)
        return sl_svc_fail(e, SL_SVC_STORE, "%s", err);
    return SL_SVC_OK;
}
