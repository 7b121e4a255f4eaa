/* routes_plays.c — proof of play: a screen posts batches of play records (idempotent by screen and seq); auditors read them. */
#include "tools/hub/http/routes.h"

#include "content/json.h"
#include "content/media.h"
#include "content/timeutil.h"
#include "tools/hub/service/hub_mainzone.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PLAYS_BATCH_MAX 1000
#define PLAYS_LIST_MAX 10000
#define SEQ_MAX 9007199254740991LL /* 2^53 - 1 */
#define START_MAX_MS 253402300799999LL /* 9999-12-31T23:59:59.999Z */
#define DURATION_MAX_MS (7LL * 24 * 3600 * 1000) /* a week: anything longer is a bug */

static const char *const trust_names[] = {"untrusted", "synced", "corrected", "simulated"};
static const char *const outcome_names[] = {"completed", "cut_short", "failed"};

static int name_index(const char *s, const char *const *names, int n)
{
    for (int i = 0; s && i < n; i++) {
        if (strcmp(s, names[i]) == 0)
            return i;
    }
    return -1;
}

/* Copies a string member into buf (len bytes with NUL). Absent -> "" when
 * optional. Returns 0 or -1 (missing, not a string, too long, not text). */
static int str_member(const cJSON *o, const char *key, bool required, char *buf, size_t len)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!v || cJSON_IsNull(v)) {
        buf[0] = '\0';
        return required ? -1 : 0;
    }
    if (!cJSON_IsString(v))
        return -1;
    size_t n = strlen(v->valuestring);
    if (n >= len || !sl_hub_text_ok(v->valuestring, n, false))
        return -1;
    memcpy(buf, v->valuestring, n + 1);
    return 0;
}

/* Validates one record; on failure writes which member is wrong. */
static int record_from_json(const cJSON *o, sl_play_record *p, char *why, size_t whylen)
{
    char trust[16], outcome[16], start[48];
    memset(p, 0, sizeof *p);
    if (!cJSON_IsObject(o)) {
        snprintf(why, whylen, "not an object");
        return -1;
    }
    if (sl_hub_json_int(o, "seq", 1, SEQ_MAX, true, 0, &p->seq) != 0) {
        snprintf(why, whylen, "\"seq\" must be an integer from 1");
        return -1;
    }
    if (str_member(o, "item", true, p->item, sizeof p->item) != 0 || !sl_hub_id_ok(p->item)) {
        snprintf(why, whylen, "\"item\" must be an item id");
        return -1;
    }
    if (str_member(o, "zone", true, p->zone, sizeof p->zone) != 0 || !sl_hub_id_ok(p->zone)) {
        snprintf(why, whylen, "\"zone\" must be a zone id");
        return -1;
    }
    if (str_member(o, "media_sha256", false, p->media_sha256, sizeof p->media_sha256) != 0 ||
        (p->media_sha256[0] && !sl_media_is_sha256(p->media_sha256))) {
        snprintf(why, whylen, "\"media_sha256\" must be \"\" or 64 lowercase hex digits");
        return -1;
    }
    if (sl_hub_json_int(o, "manifest_version", 0, SEQ_MAX, false, 0, &p->manifest_version) != 0) {
        snprintf(why, whylen, "\"manifest_version\" must be an integer from 0");
        return -1;
    }
    int64_t start_ms = INT64_MIN, start_ms2 = INT64_MIN;
    if (str_member(o, "start", false, start, sizeof start) != 0 ||
        (start[0] && sl_instant_parse(start, NULL, &start_ms) != 0)) {
        snprintf(why, whylen, "\"start\" must be an ISO 8601 instant such as 2026-11-25T00:30:00.000Z");
        return -1;
    }
    if (sl_hub_json_int(o, "start_ms", 0, SEQ_MAX, false, INT64_MIN, &start_ms2) != 0) {
        snprintf(why, whylen, "\"start_ms\" must be milliseconds since 1970 (UTC)");
        return -1;
    }
    if (start_ms == INT64_MIN && start_ms2 == INT64_MIN) {
        snprintf(why, whylen, "\"start\" (or \"start_ms\") is missing");
        return -1;
    }
    if (start_ms != INT64_MIN && start_ms2 != INT64_MIN && start_ms != start_ms2) {
        snprintf(why, whylen, "\"start\" and \"start_ms\" disagree");
        return -1;
    }
    p->start_ms = start_ms != INT64_MIN ? start_ms : start_ms2;
    if (p->start_ms < 0 || p->start_ms > START_MAX_MS) {
        snprintf(why, whylen, "\"start\" is before 1970 or after 9999");
        return -1;
    }
    if (sl_hub_json_int(o, "mono_start_ms", 0, SEQ_MAX, false, 0, &p->mono_start_ms) != 0) {
        snprintf(why, whylen, "\"mono_start_ms\" must be an integer from 0");
        return -1;
    }
    int t = str_member(o, "clock_trust", true, trust, sizeof trust) == 0 ? name_index(trust, trust_names, 4) : -1;
    if (t < 0) {
        snprintf(why, whylen, "\"clock_trust\" must be synced, untrusted, corrected or simulated");
        return -1;
    }
    p->clock_trust = (sl_clock_trust)t;
    if (sl_hub_json_int(o, "duration_ms", 0, DURATION_MAX_MS, true, 0, &p->duration_ms) != 0) {
        snprintf(why, whylen, "\"duration_ms\" must be an integer from 0 to %lld", (long long)DURATION_MAX_MS);
        return -1;
    }
    int oc = str_member(o, "outcome", true, outcome, sizeof outcome) == 0 ? name_index(outcome, outcome_names, 3)
                                                                         : -1;
    if (oc < 0) {
        snprintf(why, whylen, "\"outcome\" must be completed, cut_short or failed");
        return -1;
    }
    p->outcome = (sl_outcome)oc;
    if (str_member(o, "reason", false, p->reason, sizeof p->reason) != 0) {
        snprintf(why, whylen, "\"reason\" must be text of at most %zu bytes", sizeof p->reason - 1);
        return -1;
    }
    return 0;
}

/* Stores a validated batch of one screen's records: marks which are lit
 * (their zone is the main zone of the manifest version they name, for the
 * screen's channel; REPORTS.md) and calls the store. 0, or -1 with err. */
int sl_hub_plays_store(sl_hub *hub, const char *screen, const sl_play_record *recs, size_t n, size_t *stored,
                       size_t *dups, int64_t *acked, char *err, size_t errlen)
{
    int rc = -1;
    uint8_t *lit = calloc(n ? n : 1, 1);
    sl_hub_screen row;
    if (!lit) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    sl_st_rc g = hub->store->ops->screen_get(hub->store, screen, &row, err, errlen);
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
                sl_mainzone_get(hub->mainzone, hub->store, row.channel, version, zone, err, errlen) != 0)
                goto out;
        }
        lit[i] = strcmp(recs[i].zone, zone) == 0;
    }
    if (hub->store->ops->plays_put(hub->store, screen, recs, lit, n, sl_hub_now_ms(), stored, dups, acked, err,
                                   errlen) != SL_ST_OK)
        goto out;
    rc = 0;
out:
    free(lit);
    return rc;
}

/* A batch of `screen`'s records: from the screen's own token, or from an
 * admin on its behalf (the screen of the path; mismatches are then 400). */
static enum MHD_Result plays_post(sl_hub *hub, sl_req *r, const char *screen, bool admin)
{
    enum MHD_Result res;
    char err[256], why[160];
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
    if (n > PLAYS_BATCH_MAX) {
        res = sl_reply_error(r, 400, NULL, "%d records in one batch; at most %d", n, PLAYS_BATCH_MAX);
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
        if (record_from_json(o, &recs[i], why, sizeof why) != 0) {
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
    if (sl_hub_plays_store(hub, screen, recs, (size_t)n, &stored, &dups, &acked, err, sizeof err) != 0) {
        res = sl_reply_store_error(hub, r, err);
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
    if (!sl_hub_id_ok(r->param))
        return sl_reply_error(r, 400, NULL, "not a screen id");
    sl_st_rc rc = hub->store->ops->screen_get(hub->store, r->param, NULL, err, sizeof err);
    if (rc == SL_ST_NOT_FOUND)
        return sl_reply_error(r, 404, NULL, "screen %s is not in the inventory", r->param);
    if (rc != SL_ST_OK)
        return sl_reply_store_error(hub, r, err);
    return plays_post(hub, r, r->param, true);
}

static int play_cb(void *ud, const sl_play_record *p, int64_t received_ms)
{
    char start[40];
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return 1;
    sl_instant_format(p->start_ms, 0, start, sizeof start);
    /* Milliseconds matter for proof of play: "...:SS.mmmZ". */
    size_t n = strlen(start);
    if (n && start[n - 1] == 'Z')
        snprintf(start + n - 1, sizeof start - (n - 1), ".%03dZ", (int)(p->start_ms % 1000));
    cJSON_AddNumberToObject(o, "seq", (double)p->seq);
    cJSON_AddStringToObject(o, "item", p->item);
    cJSON_AddStringToObject(o, "media_sha256", p->media_sha256);
    cJSON_AddNumberToObject(o, "manifest_version", (double)p->manifest_version);
    cJSON_AddStringToObject(o, "zone", p->zone);
    cJSON_AddStringToObject(o, "start", start);
    cJSON_AddNumberToObject(o, "start_ms", (double)p->start_ms);
    cJSON_AddNumberToObject(o, "mono_start_ms", (double)p->mono_start_ms);
    cJSON_AddStringToObject(o, "clock_trust", trust_names[p->clock_trust & 3]);
    cJSON_AddNumberToObject(o, "duration_ms", (double)p->duration_ms);
    cJSON_AddStringToObject(o, "outcome", outcome_names[p->outcome <= 2 ? p->outcome : 2]);
    cJSON_AddStringToObject(o, "reason", p->reason);
    cJSON_AddItemToObject(o, "received", sl_json_instant(received_ms));
    cJSON_AddItemToArray((cJSON *)ud, o);
    return 0;
}

enum MHD_Result sl_h_plays_get(sl_hub *hub, sl_req *r)
{
    char err[256];
    const char *screen = MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, "screen");
    const char *after = MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, "after_seq");
    const char *limit = MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, "limit");
    long long a = 0, l = 1000;
    char *e;
    if (!sl_hub_id_ok(screen))
        return sl_reply_error(r, 400, NULL, "?screen=ID is missing or not a screen id");
    if (after && ((a = strtoll(after, &e, 10)) < 0 || *e || !*after))
        return sl_reply_error(r, 400, NULL, "after_seq must be an integer from 0");
    if (limit && ((l = strtoll(limit, &e, 10)) < 1 || l > PLAYS_LIST_MAX || *e || !*limit))
        return sl_reply_error(r, 400, NULL, "limit must be from 1 to %d", PLAYS_LIST_MAX);
    cJSON *list = cJSON_CreateArray();
    if (hub->store->ops->plays_list(hub->store, screen, a, (size_t)l, play_cb, list, err, sizeof err) !=
        SL_ST_OK) {
        cJSON_Delete(list);
        return sl_reply_store_error(hub, r, err);
    }
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "screen", screen);
    cJSON_AddItemToObject(o, "records", list);
    return sl_reply_json(r, 200, o);
}
