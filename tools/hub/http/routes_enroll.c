/* routes_enroll.c — one-time enrolment codes (admin: make, list, revoke), their exchange for a screen's device token (slowed per client address after failures), and de-enrolment. */
#include "tools/hub/http/routes.h"

#include "content/json.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CODE_CHARS 12
#define CODE_ALPHABET "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
#define TTL_DEFAULT_S 86400
#define TTL_MAX_S (30 * 86400)

/* Normalises a typed code (case, dashes and spaces do not matter) into
 * CODE_CHARS characters of the alphabet. Returns 0 or -1. */
static int code_normalise(const char *in, char out[CODE_CHARS + 1])
{
    size_t n = 0;
    for (const char *p = in; *p; p++) {
        if (*p == '-' || *p == ' ')
            continue;
        char c = (char)toupper((unsigned char)*p);
        if (!strchr(CODE_ALPHABET, c) || c == '\0' || n >= CODE_CHARS)
            return -1;
        out[n++] = c;
    }
    out[n] = '\0';
    return n == CODE_CHARS ? 0 : -1;
}

enum MHD_Result sl_h_enroll_code(sl_hub *hub, sl_req *r)
{
    enum MHD_Result res;
    char err[256];
    cJSON *in = sl_req_json(r, &res);
    if (!in)
        return res;
    const char *screen = sl_json_str(in, "screen");
    int64_t ttl = 0;
    if (!sl_hub_id_ok(screen)) {
        res = sl_reply_error(r, 400, NULL, "\"screen\" must be a screen id from the inventory");
        goto out;
    }
    if (sl_hub_json_int(in, "ttl_s", 1, TTL_MAX_S, false, TTL_DEFAULT_S, &ttl) != 0) {
        res = sl_reply_error(r, 400, NULL, "\"ttl_s\" must be whole seconds from 1 to %d", TTL_MAX_S);
        goto out;
    }
    int64_t now = sl_hub_now_ms();
    int64_t expires = now + ttl * 1000;
    char code[CODE_CHARS + 1];
    uint8_t hash[SL_HUB_HASH_BYTES];
    int64_t id = 0;
    sl_st_rc rc = SL_ST_CONFLICT;
    for (int attempt = 0; attempt < 4 && rc == SL_ST_CONFLICT; attempt++) {
        for (int i = 0; i < CODE_CHARS; i++)
            code[i] = CODE_ALPHABET[randombytes_uniform(sizeof CODE_ALPHABET - 1)];
        code[CODE_CHARS] = '\0';
        sl_hub_hash(code, CODE_CHARS, hash);
        rc = hub->store->ops->enroll_code_add(hub->store, screen, hash, expires, now, &id, err, sizeof err);
    }
    if (rc == SL_ST_NOT_FOUND) {
        res = sl_reply_error(r, 404, NULL, "screen %s is not in the inventory", screen);
        goto out;
    }
    if (rc != SL_ST_OK) {
        res = sl_reply_store_error(hub, r, rc == SL_ST_ERROR ? err : "code collisions");
        goto out;
    }
    char shown[CODE_CHARS + 3];
    snprintf(shown, sizeof shown, "%.4s-%.4s-%.4s", code, code + 4, code + 8);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "id", (double)id);
    cJSON_AddStringToObject(o, "screen", screen);
    cJSON_AddStringToObject(o, "code", shown);
    cJSON_AddItemToObject(o, "expires", sl_json_instant(expires));
    sodium_memzero(code, sizeof code);
    sodium_memzero(shown, sizeof shown);
    sl_log_info(&hub->log, "enrolment code %" PRId64 " made for %s, valid %llds", id, screen, (long long)ttl);
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
    char err[256];
    char code[CODE_CHARS + 1];
    char token[SL_HUB_TOKEN_HEX + 1];
    uint8_t code_hash[SL_HUB_HASH_BYTES], token_hash[SL_HUB_HASH_BYTES];
    sl_hub_screen screen;
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
    const char *typed = sl_json_str(in, "code");
    if (!typed || code_normalise(typed, code) != 0) {
        res = sl_reply_error(r, 400, NULL, "\"code\" must be an enrolment code like K7Q2-9XWD-MB4T");
        goto out;
    }
    sl_hub_hash(code, CODE_CHARS, code_hash);
    if (sl_hub_token_new(token, token_hash) != 0) {
        res = sl_reply_error(r, 500, NULL, "no random numbers");
        goto out;
    }
    sl_st_rc rc = hub->store->ops->enroll_redeem(hub->store, code_hash, token_hash, sl_hub_now_ms(), &screen,
                                                 err, sizeof err);
    switch (rc) {
    case SL_ST_OK: {
        sl_authcache_clear(hub->authcache); /* the screen's earlier device token, if cached, stops now */
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "screen", screen.id);
        cJSON_AddStringToObject(o, "token", token);
        cJSON_AddStringToObject(o, "channel", screen.channel);
        sl_log_info(&hub->log, "screen %s enrolled", screen.id);
        res = sl_reply_json(r, 200, o);
        break;
    }
    case SL_ST_CONFLICT:
        enroll_failed(hub, key, addr, "a code used already");
        res = sl_reply_error(r, 401, NULL, "this enrolment code was used already; ask for a new one");
        break;
    case SL_ST_EXPIRED:
        enroll_failed(hub, key, addr, "an expired code");
        res = sl_reply_error(r, 401, NULL, "this enrolment code has expired; ask for a new one");
        break;
    case SL_ST_REVOKED:
        enroll_failed(hub, key, addr, "a revoked code");
        res = sl_reply_error(r, 401, NULL, "this enrolment code was revoked (by an admin, or because the screen "
                             "has enrolled with another code since); ask for a new one");
        break;
    case SL_ST_NOT_FOUND:
        enroll_failed(hub, key, addr, "an unknown code");
        res = sl_reply_error(r, 401, NULL, "unknown enrolment code");
        break;
    default:
        res = sl_reply_store_error(hub, r, err);
        break;
    }
out:
    sodium_memzero(token, sizeof token);
    cJSON_Delete(in);
    return res;
}

/* "valid", "used", "revoked" or "expired" at now_ms. */
static const char *code_state(const sl_hub_enroll_code *c, int64_t now_ms)
{
    if (c->used_ms >= 0)
        return "used";
    if (c->revoked_ms >= 0)
        return "revoked";
    return c->expires_ms <= now_ms ? "expired" : "valid";
}

static cJSON *code_json(const sl_hub_enroll_code *c, int64_t now_ms)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "id", (double)c->id);
    cJSON_AddStringToObject(o, "screen", c->screen);
    cJSON_AddStringToObject(o, "state", code_state(c, now_ms));
    cJSON_AddItemToObject(o, "created", sl_json_instant(c->created_ms));
    cJSON_AddItemToObject(o, "expires", sl_json_instant(c->expires_ms));
    cJSON_AddItemToObject(o, "used", sl_json_instant(c->used_ms));
    cJSON_AddItemToObject(o, "revoked", sl_json_instant(c->revoked_ms));
    return o;
}

typedef struct {
    cJSON *list;
    int64_t now_ms;
    bool valid_only;
} code_list_ctx;

static int code_list_cb(void *ud, const sl_hub_enroll_code *c)
{
    code_list_ctx *x = ud;
    if (x->valid_only && strcmp(code_state(c, x->now_ms), "valid") != 0)
        return 0;
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
    char err[256];
    const char *screen = query_arg(r, "screen"), *state = query_arg(r, "state");
    if (screen && !sl_hub_id_ok(screen))
        return sl_reply_error(r, 400, NULL, "screen= must be a screen id (1 to 64 letters, digits, '.', '_' or '-')");
    if (state && strcmp(state, "valid") != 0 && strcmp(state, "all") != 0)
        return sl_reply_error(r, 400, NULL, "state must be valid or all");
    code_list_ctx x = {.list = cJSON_CreateArray(), .now_ms = sl_hub_now_ms(),
                       .valid_only = state && strcmp(state, "valid") == 0};
    if (hub->store->ops->enroll_code_list(hub->store, screen, code_list_cb, &x, err, sizeof err) != SL_ST_OK) {
        cJSON_Delete(x.list);
        return sl_reply_store_error(hub, r, err);
    }
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToObject(o, "codes", x.list);
    return sl_reply_json(r, 200, o);
}

enum MHD_Result sl_h_enroll_code_revoke(sl_hub *hub, sl_req *r)
{
    char err[256], *end = NULL;
    sl_hub_enroll_code c;
    errno = 0;
    long long id = strtoll(r->param, &end, 10);
    if (!r->param[0] || *end || errno || id < 1 || r->param[0] == '+' || r->param[0] == '0')
        return sl_reply_error(r, 400, NULL, "an enrolment code's id is a whole number from 1 (see GET "
                              "/api/v1/enroll-codes)");
    int64_t now = sl_hub_now_ms();
    sl_st_rc rc = hub->store->ops->enroll_code_revoke(hub->store, id, now, &c, err, sizeof err);
    if (rc == SL_ST_NOT_FOUND)
        return sl_reply_error(r, 404, NULL, "no enrolment code has id %lld", id);
    if (rc == SL_ST_CONFLICT) {
        cJSON *x = cJSON_CreateObject();
        cJSON_AddStringToObject(x, "state", code_state(&c, now));
        return sl_reply_error(r, 409, x, "enrolment code %lld (screen %s) is %s already; only a valid code can be "
                              "revoked", id, c.screen, code_state(&c, now));
    }
    if (rc != SL_ST_OK)
        return sl_reply_store_error(hub, r, err);
    sl_log_info(&hub->log, "enrolment code %lld of screen %s revoked", id, c.screen);
    return sl_reply_json(r, 200, code_json(&c, now));
}

enum MHD_Result sl_h_screen_revoke(sl_hub *hub, sl_req *r)
{
    char err[256];
    if (!sl_hub_id_ok(r->param))
        return sl_reply_error(r, 400, NULL, "a screen id is 1 to 64 letters, digits, '.', '_' or '-'");
    int64_t now = sl_hub_now_ms();
    sl_st_rc rc = hub->store->ops->screen_revoke(hub->store, r->param, now, err, sizeof err);
    if (rc == SL_ST_NOT_FOUND) {
        rc = hub->store->ops->screen_get(hub->store, r->param, NULL, err, sizeof err);
        if (rc == SL_ST_NOT_FOUND)
            return sl_reply_error(r, 404, NULL, "screen %s is not in the inventory", r->param);
        if (rc != SL_ST_OK)
            return sl_reply_store_error(hub, r, err);
        return sl_reply_error(r, 409, NULL, "screen %s is not enrolled (it holds no device token)", r->param);
    }
    if (rc != SL_ST_OK)
        return sl_reply_store_error(hub, r, err);
    sl_authcache_clear(hub->authcache); /* its token, if cached, stops now */
    sl_log_info(&hub->log, "screen %s de-enrolled: its device token no longer works", r->param);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "screen", r->param);
    cJSON_AddItemToObject(o, "revoked", sl_json_instant(now));
    return sl_reply_json(r, 200, o);
}
