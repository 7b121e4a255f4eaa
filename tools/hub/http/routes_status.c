/* routes_status.c — HTTP for heartbeats (their body checked here) and screenshots (service/hub_status.c), and health. */
#define _POSIX_C_SOURCE 200809L
#include "tools/hub/http/routes.h"
#include "tools/hub/service/hub_status.h"

#include "content/json.h"
#include "content/timeutil.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define PROBLEMS_MAX 32
#define PROBLEM_TEXT_MAX 256
#define I53 9007199254740991LL

/* Copies a validated optional member into the status object; -1 on a bad value. */
static int hb_int(const cJSON *in, cJSON *out, const char *key, int64_t lo, int64_t hi, int64_t *value)
{
    int64_t v;
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(in, key);
    if (sl_json_int(in, key, lo, hi, false, -1, &v) != 0)
        return -1;
    if (m && !cJSON_IsNull(m))
        cJSON_AddNumberToObject(out, key, (double)v);
    if (value)
        *value = m && !cJSON_IsNull(m) ? v : -1;
    return 0;
}

static int hb_str(const cJSON *in, cJSON *out, const char *key, size_t max)
{
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(in, key);
    if (!m || cJSON_IsNull(m))
        return 0;
    if (!cJSON_IsString(m))
        return -1;
    size_t n = strlen(m->valuestring);
    if (n > max || !sl_wire_text_ok(m->valuestring, n, false))
        return -1;
    cJSON_AddStringToObject(out, key, m->valuestring);
    return 0;
}

enum MHD_Result sl_h_heartbeat(sl_hub *hub, sl_req *r)
{
    enum MHD_Result res;
    char *status = NULL;
    cJSON *in = sl_req_json(r, &res);
    if (!in)
        return res;
    cJSON *st = cJSON_CreateObject();
    int64_t version = -1;
    const char *bad = NULL;
    if (hb_int(in, st, "content_version", 0, I53, &version) != 0)
        bad = "\"content_version\" must be an integer from 0";
    else if (hb_str(in, st, "current_item", SL_HUB_ID_MAX) != 0)
        bad = "\"current_item\" must be text of at most 64 bytes";
    else if (hb_int(in, st, "uptime_s", 0, I53, NULL) != 0)
        bad = "\"uptime_s\" must be an integer from 0";
    else if (hb_int(in, st, "free_disk_bytes", 0, I53, NULL) != 0)
        bad = "\"free_disk_bytes\" must be an integer from 0";
    else if (hb_int(in, st, "clock_offset_ms", -I53, I53, NULL) != 0)
        bad = "\"clock_offset_ms\" must be an integer";
    else if (hb_str(in, st, "clock_trust", 16) != 0)
        bad = "\"clock_trust\" must be synced, untrusted, corrected or simulated";
    else if (hb_str(in, st, "player_version", SL_HUB_ID_MAX) != 0)
        bad = "\"player_version\" must be text of at most 64 bytes";
    if (!bad) {
        const char *ct = sl_json_str(st, "clock_trust");
        if (ct && strcmp(ct, "synced") && strcmp(ct, "untrusted") && strcmp(ct, "corrected") &&
            strcmp(ct, "simulated"))
            bad = "\"clock_trust\" must be synced, untrusted, corrected or simulated";
    }
    const cJSON *temp = cJSON_GetObjectItemCaseSensitive(in, "temperature_c");
    if (!bad && temp && !cJSON_IsNull(temp)) {
        if (!cJSON_IsNumber(temp) || !isfinite(temp->valuedouble) || temp->valuedouble < -100 ||
            temp->valuedouble > 200)
            bad = "\"temperature_c\" must be a number from -100 to 200, or null";
        else
            cJSON_AddNumberToObject(st, "temperature_c", temp->valuedouble);
    }
    const cJSON *probs = cJSON_GetObjectItemCaseSensitive(in, "problems");
    if (!bad && probs && !cJSON_IsNull(probs)) {
        cJSON *pl = cJSON_AddArrayToObject(st, "problems");
        const cJSON *p;
        if (!cJSON_IsArray(probs) || cJSON_GetArraySize(probs) > PROBLEMS_MAX)
            bad = "\"problems\" must be a list of at most 32 texts";
        const cJSON *each = bad ? NULL : probs;
        cJSON_ArrayForEach(p, each)
        {
            if (!cJSON_IsString(p) || strlen(p->valuestring) > PROBLEM_TEXT_MAX ||
                !sl_wire_text_ok(p->valuestring, strlen(p->valuestring), false)) {
                bad = "\"problems\" must be a list of texts of at most 256 bytes";
                break;
            }
            cJSON_AddItemToArray(pl, cJSON_CreateString(p->valuestring));
        }
    }
    if (bad) {
        res = sl_reply_error(r, 400, NULL, "%s; nothing was stored", bad);
        goto out;
    }
    status = sl_json_print(st, false);
    if (!status) {
        res = sl_reply_error(r, 500, NULL, "out of memory");
        goto out;
    }
    int64_t now = sl_hub_now_ms();
    bool shot = false;
    sl_svc_err e;
    if (sl_status_heartbeat(hub, r->who.subject, now, version, status, &shot, &e) != SL_SVC_OK) {
        res = sl_reply_svc_error(hub, r, &e, NULL);
        goto out;
    }
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToObject(o, "server_time", sl_json_instant(now));
    cJSON_AddBoolToObject(o, "screenshot_requested", shot);
    res = sl_reply_json(r, 200, o);
out:
    free(status);
    cJSON_Delete(st);
    cJSON_Delete(in);
    return res;
}

enum MHD_Result sl_h_screenshot_put(sl_hub *hub, sl_req *r)
{
    sl_svc_err e;
    const char *mime = sl_req_content_type_is(r, "image/png")    ? "image/png"
                       : sl_req_content_type_is(r, "image/jpeg") ? "image/jpeg"
                                                                 : NULL;
    if (!mime)
        return sl_reply_error(r, 415, NULL, "send a screenshot as Content-Type: image/png or image/jpeg");
    int64_t now = sl_hub_now_ms();
    if (sl_status_screenshot_put(hub, r->who.subject, mime, r->body.data, r->body.len, now, &e) != SL_SVC_OK)
        return sl_reply_svc_error(hub, r, &e, NULL);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToObject(o, "taken", sl_json_instant(now));
    cJSON_AddNumberToObject(o, "size", (double)r->body.len);
    return sl_reply_json(r, 201, o);
}

enum MHD_Result sl_h_screenshot_request(sl_hub *hub, sl_req *r)
{
    sl_svc_err e;
    if (sl_status_screenshot_request(hub, r->param, &e) != SL_SVC_OK)
        return sl_reply_svc_error(hub, r, &e, NULL);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "screen", r->param);
    cJSON_AddBoolToObject(o, "screenshot_requested", true);
    return sl_reply_json(r, 202, o);
}

enum MHD_Result sl_h_screenshot_get(sl_hub *hub, sl_req *r)
{
    char taken[40];
    sl_svc_err e;
    sl_hub_screenshot shot;
    int fd = -1;
    int64_t size = 0;
    if (sl_status_screenshot_open(hub, r->param, -1, false, &shot, &fd, &size, &e) != SL_SVC_OK)
        return sl_reply_svc_error(hub, r, &e, NULL);
    struct MHD_Response *resp = MHD_create_response_from_fd((size_t)size, fd);
    if (!resp) {
        close(fd);
        return MHD_NO;
    }
    sl_instant_format(shot.taken_ms, 0, taken, sizeof taken);
    MHD_add_response_header(resp, "Content-Type", shot.mime);
    MHD_add_response_header(resp, "X-Screenshot-Taken", taken);
    return sl_reply(r, 200, resp);
}

enum MHD_Result sl_h_health(sl_hub *hub, sl_req *r)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddBoolToObject(o, "ok", true);
    cJSON_AddItemToObject(o, "server_time", sl_json_instant(sl_hub_now_ms()));
    return sl_reply_json(r, 200, o);
}
