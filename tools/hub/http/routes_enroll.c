/* routes_enroll.c — HTTP for enrolment (service/hub_enroll.c): codes (admin: make, list, revoke), their exchange for a screen's device token (slowed per client address after failures), and de-enrolment. */
#include "tools/hub/http/routes.h"
#include "tools/hub/service/hub_enroll.h"

#include "content/json.h"

#include <errno.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum MHD_Result sl_h_enroll_code(sl_hub *hub, sl_req *r)
{
    enum MHD_Result res;
    sl_svc_err e;
    sl_enroll_new_code made;
    cJSON *in = sl_req_json(r, &res);
    if (!in)
        return res;
    const char *screen = sl_json_str(in, "screen");
    int64_t ttl = 0;
    if (sl_json_int(in, "ttl_s", 1, SL_ENROLL_TTL_MAX_S, false, SL_ENROLL_TTL_DEFAULT_S, &ttl) != 0)
        ttl = 0; /* refused by the service, after the screen id */
    if (sl_enroll_code_make(hub, screen, ttl, &made, &e) != SL_SVC_OK) {
        res = sl_reply_svc_error(hub, r, &e, NULL);
        goto out;
    }
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "id", (double)made.id);
    cJSON_AddStringToObject(o, "screen", screen);
    cJSON_AddStringToObject(o, "code", made.code);
    cJSON_AddItemToObject(o, "expires", sl_json_instant(made.expires_ms));
    sodium_memzero(made.code, sizeof made.code);
    res = sl_reply_json(r, 201, o);
out:
    cJSON_Delete(in);
    return res;
}

/* A failed enrolment: logged with the client's address (never the code)
 * and counted against the address. */
static void enroll_failed(sl_hub *hub, const uint8_t key[SL_RATELIMIT_KEY_BYTES], const char *addr, const char *why)
{
    int left = sl_ratelimit_fail(hub->enroll_limit, key, sl_authcache_now_ms());
    if (left > 0)
        sl_log_warn(&hub->log, "enrolment from %s refused: %s (%d more failure%s before it is slowed down)", addr,
                    why, left, left == 1 ? "" : "s");
    else
        sl_log_warn(&hub->log, "enrolment from %s refused: %s; further attempts from it are answered 429 "
                    "for a while", addr, why);
}

/* 429 with Retry-After: this address failed too often. */
static enum MHD_Result reply_slow_down(sl_req *r, const char *addr, int64_t retry_s)
{
    char ra[24], msg[200];
    snprintf(ra, sizeof ra, "%" PRId64, retry_s);
    snprintf(msg, sizeof msg, "too many failed enrolments from %s; try again in %" PRId64 " s", addr, retry_s);
    cJSON *o = cJSON_CreateObject();
    if (!o || !cJSON_AddStringToObject(o, "error", msg) ||
        !cJSON_AddNumberToObject(o, "retry_after_s", (double)retry_s)) {
        cJSON_Delete(o);
        return sl_reply_error(r, 500, NULL, "the hub ran out of memory");
    }
    char *text = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    if (!text)
        return sl_reply_error(r, 500, NULL, "the hub ran out of memory");
    struct MHD_Response *resp = MHD_create_response_from_buffer(strlen(text), text, MHD_RESPMEM_MUST_FREE);
    if (!resp) {
        free(text);
        return MHD_NO;
    }
    MHD_add_response_header(resp, "Content-Type", "application/json");
    MHD_add_response_header(resp, "Retry-After", ra);
    return sl_reply(r, 429, resp);
}

enum MHD_Result sl_h_enroll(sl_hub *hub, sl_req *r)
{
    enum MHD_Result res;
    sl_svc_err e;
    sl_enroll_grant g;
    uint8_t key[SL_RATELIMIT_KEY_BYTES];
    char addr[SL_RATELIMIT_TEXT_MAX];
    int64_t retry_s = 0;
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    sl_ratelimit_key(ci ? ci->client_addr : NULL, key, addr, sizeof addr);
    if (!sl_ratelimit_allow(hub->enroll_limit, key, sl_authcache_now_ms(), &retry_s))
        return reply_slow_down(r, addr, retry_s);
    cJSON *in = sl_req_json(r, &res);
    if (!in)
        return res;
    memset(&g, 0, sizeof g);
    if (sl_enroll_redeem(hub, sl_json_str(in, "code"), &g, &e) == SL_SVC_OK) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "screen", g.screen.id);
        cJSON_AddStringToObject(o, "token", g.token);
        cJSON_AddStringToObject(o, "channel", g.screen.channel);
        res = sl_reply_json(r, 200, o);
    } else {
        if (e.rc == SL_SVC_REFUSED)
            enroll_failed(hub, key, addr, g.why);
        res = sl_reply_svc_error(hub, r, &e, NULL);
    }
    sodium_memzero(g.token, sizeof g.token);
    cJSON_Delete(in);
    return res;
}

static cJSON *code_json(const sl_hub_enroll_code *c, int64_t now_ms)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "id", (double)c->id);
    cJSON_AddStringToObject(o, "screen", c->screen);
    cJSON_AddStringToObject(o, "state", sl_enroll_code_state(c, now_ms));
    cJSON_AddItemToObject(o, "created", sl_json_instant(c->created_ms));
    cJSON_AddItemToObject(o, "expires", sl_json_instant(c->expires_ms));
    cJSON_AddItemToObject(o, "used", sl_json_instant(c->used_ms));
    cJSON_AddItemToObject(o, "revoked", sl_json_instant(c->revoked_ms));
    return o;
}

typedef struct {
    cJSON *list;
    int64_t now_ms;
} code_list_ctx;

static int code_list_cb(void *ud, const sl_hub_enroll_code *c)
{
    code_list_ctx *x = ud;
    cJSON_AddItemToArray(x->list, code_json(c, x->now_ms));
    return 0;
}

/* The value of a query argument, or NULL. */
static const char *query_arg(const sl_req *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

enum MHD_Result sl_h_enroll_code_list(sl_hub *hub, sl_req *r)
{
    sl_svc_err e;
    code_list_ctx x = {.list = cJSON_CreateArray(), .now_ms = sl_hub_now_ms()};
    if (sl_enroll_code_list(hub, query_arg(r, "screen"), query_arg(r, "state"), x.now_ms, code_list_cb, &x, &e) !=
        SL_SVC_OK) {
        cJSON_Delete(x.list);
        return sl_reply_svc_error(hub, r, &e, NULL);
    }
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToObject(o, "codes", x.list);
    return sl_reply_json(r, 200, o);
}

enum MHD_Result sl_h_enroll_code_revoke(sl_hub *hub, sl_req *r)
{
    sl_svc_err e;
    char *end = NULL;
    sl_hub_enroll_code c;
    errno = 0;
    long long id = strtoll(r->param, &end, 10);
    if (!r->param[0] || *end || errno || id < 1 || r->param[0] == '+' || r->param[0] == '0')
        return sl_reply_error(r, 400, NULL, "an enrolment code's id is a whole number from 1 (see GET "
                              "/api/v1/enroll-codes)");
    int64_t now = sl_hub_now_ms();
    sl_svc_rc rc = sl_enroll_code_revoke(hub, id, now, &c, &e);
    if (rc == SL_SVC_CONFLICT) {
        cJSON *x = cJSON_CreateObject();
        cJSON_AddStringToObject(x, "state", sl_enroll_code_state(&c, now));
        return sl_reply_svc_error(hub, r, &e, x);
    }
    if (rc != SL_SVC_OK)
        return sl_reply_svc_error(hub, r, &e, NULL);
    return sl_reply_json(r, 200, code_json(&c, now));
}

enum MHD_Result sl_h_screen_revoke(sl_hub *hub, sl_req *r)
{
    sl_svc_err e;
    int64_t now = sl_hub_now_ms();
    if (sl_enroll_screen_revoke(hub, r->param, now, &e) != SL_SVC_OK)
        return sl_reply_svc_error(hub, r, &e, NULL);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "screen", r->param);
    cJSON_AddItemToObject(o, "revoked", sl_json_instant(now));
    return sl_reply_json(r, 200, o);
}
