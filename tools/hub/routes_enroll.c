/* routes_enroll.c — one-time enrolment codes (admin) and their exchange for a screen's device token. */
#include "tools/hub/routes.h"

#include "content/json.h"

#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
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
    sl_st_rc rc = SL_ST_CONFLICT;
    for (int attempt = 0; attempt < 4 && rc == SL_ST_CONFLICT; attempt++) {
        for (int i = 0; i < CODE_CHARS; i++)
            code[i] = CODE_ALPHABET[randombytes_uniform(sizeof CODE_ALPHABET - 1)];
        code[CODE_CHARS] = '\0';
        sl_hub_hash(code, CODE_CHARS, hash);
        rc = hub->store->ops->enroll_code_add(hub->store, screen, hash, expires, now, err, sizeof err);
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
    cJSON_AddStringToObject(o, "screen", screen);
    cJSON_AddStringToObject(o, "code", shown);
    cJSON_AddItemToObject(o, "expires", sl_json_instant(expires));
    sl_log_info(&hub->log, "enrolment code made for %s, valid %llds", screen, (long long)ttl);
    res = sl_reply_json(r, 201, o);
out:
    cJSON_Delete(in);
    return res;
}

enum MHD_Result sl_h_enroll(sl_hub *hub, sl_req *r)
{
    enum MHD_Result res;
    char err[256];
    char code[CODE_CHARS + 1];
    char token[SL_HUB_TOKEN_HEX + 1];
    uint8_t code_hash[SL_HUB_HASH_BYTES], token_hash[SL_HUB_HASH_BYTES];
    sl_hub_screen screen;
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
        res = sl_reply_error(r, 401, NULL, "this enrolment code was used already; ask for a new one");
        break;
    case SL_ST_EXPIRED:
        res = sl_reply_error(r, 401, NULL, "this enrolment code has expired; ask for a new one");
        break;
    case SL_ST_NOT_FOUND:
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
