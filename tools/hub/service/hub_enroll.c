/* hub_enroll.c — enrolment codes (make, list, revoke), their exchange for a screen's device token, and de-enrolment. */
#include "tools/hub/service/hub_enroll.h"

#include <ctype.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#define CODE_ALPHABET "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

/* Normalises a typed code (case, dashes and spaces do not matter) into
 * SL_ENROLL_CODE_CHARS characters of the alphabet. Returns 0 or -1. */
static int code_normalise(const char *in, char out[SL_ENROLL_CODE_CHARS + 1])
{
    size_t n = 0;
    for (const char *p = in; *p; p++) {
        if (*p == '-' || *p == ' ')
            continue;
        char c = (char)toupper((unsigned char)*p);
        if (!strchr(CODE_ALPHABET, c) || c == '\0' || n >= SL_ENROLL_CODE_CHARS)
            return -1;
        out[n++] = c;
    }
    out[n] = '\0';
    return n == SL_ENROLL_CODE_CHARS ? 0 : -1;
}

sl_svc_rc sl_enroll_code_make(sl_hub *hub, const char *screen, int64_t ttl_s, sl_enroll_new_code *out,
                              sl_svc_err *e)
{
    char err[256];
    if (!sl_wire_id_ok(screen))
        return sl_svc_fail(e, SL_SVC_INVALID, "\"screen\" must be a screen id from the inventory");
    if (ttl_s < 1 || ttl_s > SL_ENROLL_TTL_MAX_S)
        return sl_svc_fail(e, SL_SVC_INVALID, "\"ttl_s\" must be whole seconds from 1 to %d", SL_ENROLL_TTL_MAX_S);
    int64_t now = sl_hub_now_ms();
    int64_t expires = now + ttl_s * 1000;
    char code[SL_ENROLL_CODE_CHARS + 1];
    uint8_t hash[SL_HUB_HASH_BYTES];
    int64_t id = 0;
    sl_st_rc rc = SL_ST_CONFLICT;
    for (int attempt = 0; attempt < 4 && rc == SL_ST_CONFLICT; attempt++) {
        for (int i = 0; i < SL_ENROLL_CODE_CHARS; i++)
            code[i] = CODE_ALPHABET[randombytes_uniform(sizeof CODE_ALPHABET - 1)];
        code[SL_ENROLL_CODE_CHARS] = '\0';
        sl_hub_hash(code, SL_ENROLL_CODE_CHARS, hash);
        rc = hub->store->ops->enroll_code_add(hub->store, screen, hash, expires, now, &id, err, sizeof err);
    }
    if (rc == SL_ST_NOT_FOUND)
        return sl_svc_fail(e, SL_SVC_NOT_FOUND, "screen %s is not in the inventory", screen);
    if (rc != SL_ST_OK)
        return sl_svc_fail(e, SL_SVC_STORE, "%s", rc == SL_ST_ERROR ? err : "code collisions");
    out->id = id;
    out->expires_ms = expires;
    snprintf(out->code, sizeof out->code, "%.4s-%.4s-%.4s", code, code + 4, code + 8);
    sodium_memzero(code, sizeof code);
    sl_log_info(&hub->log, "enrolment code %" PRId64 " made for %s, valid %llds", id, screen, (long long)ttl_s);
    return SL_SVC_OK;
}

sl_svc_rc sl_enroll_redeem(sl_hub *hub, const char *typed, sl_enroll_grant *out, sl_svc_err *e)
{
    char err[256];
    char code[SL_ENROLL_CODE_CHARS + 1];
    uint8_t code_hash[SL_HUB_HASH_BYTES], token_hash[SL_HUB_HASH_BYTES];
    out->why = NULL;
    if (!typed || code_normalise(typed, code) != 0)
        return sl_svc_fail(e, SL_SVC_INVALID, "\"code\" must be an enrolment code like K7Q2-9XWD-MB4T");
    sl_hub_hash(code, SL_ENROLL_CODE_CHARS, code_hash);
    if (sl_hub_token_new(out->token, token_hash) != 0)
        return sl_svc_fail(e, SL_SVC_FAILED, "no random numbers");
    sl_st_rc rc = hub->store->ops->enroll_redeem(hub->store, code_hash, token_hash, sl_hub_now_ms(), &out->screen,
                                                 err, sizeof err);
    switch (rc) {
    case SL_ST_OK:
        sl_authcache_clear(hub->authcache); /* the screen's earlier device token, if cached, stops now */
        sl_log_info(&hub->log, "screen %s enrolled", out->screen.id);
        return SL_SVC_OK;
    case SL_ST_CONFLICT:
        out->why = "a code used already";
        return sl_svc_fail(e, SL_SVC_REFUSED, "this enrolment code was used already; ask for a new one");
    case SL_ST_EXPIRED:
        out->why = "an expired code";
        return sl_svc_fail(e, SL_SVC_REFUSED, "this enrolment code has expired; ask for a new one");
    case SL_ST_REVOKED:
        out->why = "a revoked code";
        return sl_svc_fail(e, SL_SVC_REFUSED, "this enrolment code was revoked (by an admin, or because the screen "
                           "has enrolled with another code since); ask for a new one");
    case SL_ST_NOT_FOUND:
        out->why = "an unknown code";
        return sl_svc_fail(e, SL_SVC_REFUSED, "unknown enrolment code");
    default:
        return sl_svc_fail(e, SL_SVC_STORE, "%s", err);
    }
}

const char *sl_enroll_code_state(const sl_hub_enroll_code *c, int64_t now_ms)
{
    if (c->used_ms >= 0)
        return "used";
    if (c->revoked_ms >= 0)
        return "revoked";
    return c->expires_ms <= now_ms ? "expired" : "valid";
}

typedef struct {
    int (*cb)(void *ud, const sl_hub_enroll_code *c);
    void *ud;
    int64_t now_ms;
    bool valid_only;
} code_list_ctx;

static int code_list_cb(void *ud, const sl_hub_enroll_code *c)
{
    code_list_ctx *x = ud;
    if (x->valid_only && strcmp(sl_enroll_code_state(c, x->now_ms), "valid") != 0)
        return 0;
    return x->cb(x->ud, c);
}

sl_svc_rc sl_enroll_code_list(sl_hub *hub, const char *screen, const char *state, int64_t now_ms,
                              int (*cb)(void *ud, const sl_hub_enroll_code *c), void *ud, sl_svc_err *e)
{
    char err[256];
    if (screen && !sl_wire_id_ok(screen))
        return sl_svc_fail(e, SL_SVC_INVALID, "screen= must be a screen id (1 to 64 letters, digits, '.', '_' or '-')");
    if (state && strcmp(state, "valid") != 0 && strcmp(state, "all") != 0)
        return sl_svc_fail(e, SL_SVC_INVALID, "state must be valid or all");
    code_list_ctx x = {cb, ud, now_ms, state && strcmp(state, "valid") == 0};
    if (hub->store->ops->enroll_code_list(hub->store, screen, code_list_cb, &x, err, sizeof err) != SL_ST_OK)
        return sl_svc_fail(e, SL_SVC_STORE, "%s", err);
    return SL_SVC_OK;
}

sl_svc_rc sl_enroll_code_revoke(sl_hub *hub, int64_t id, int64_t now_ms, sl_hub_enroll_code *out, sl_svc_err *e)
{
    char err[256];
    sl_st_rc rc = hub->store->ops->enroll_code_revoke(hub->store, id, now_ms, out, err, sizeof err);
    if (rc == SL_ST_NOT_FOUND)
        return sl_svc_fail(e, SL_SVC_NOT_FOUND, "no enrolment code has id %lld", (long long)id);
    if (rc == SL_ST_CONFLICT)
        return sl_svc_fail(e, SL_SVC_CONFLICT, "enrolment code %lld (screen %s) is %s already; only a valid code "
                           "can be revoked", (long long)id, out->screen, sl_enroll_code_state(out, now_ms));
    if (rc != SL_ST_OK)
        return sl_svc_fail(e, SL_SVC_STORE, "%s", err);
    sl_log_info(&hub->log, "enrolment code %lld of screen %s revoked", (long long)id, out->screen);
    return SL_SVC_OK;
}

sl_svc_rc sl_enroll_screen_revoke(sl_hub *hub, const char *screen, int64_t now_ms, sl_svc_err *e)
{
    char err[256];
    if (!sl_wire_id_ok(screen))
        return sl_svc_fail(e, SL_SVC_INVALID, "a screen id is 1 to 64 letters, digits, '.', '_' or '-'");
    sl_st_rc rc = hub->store->ops->screen_revoke(hub->store, screen, now_ms, err, sizeof err);
    if (rc == SL_ST_NOT_FOUND) {
        rc = hub->store->ops->screen_get(hub->store, screen, NULL, err, sizeof err);
        if (rc == SL_ST_NOT_FOUND)
            return sl_svc_fail(e, SL_SVC_NOT_FOUND, "screen %s is not in the inventory", screen);
        if (rc != SL_ST_OK)
            return sl_svc_fail(e, SL_SVC_STORE, "%s", err);
        return sl_svc_fail(e, SL_SVC_CONFLICT, "screen %s is not enrolled (it holds no device token)", screen);
    }
    if (rc != SL_ST_OK)
        return sl_svc_fail(e, SL_SVC_STORE, "%s", err);
    sl_authcache_clear(hub->authcache); /* its token, if cached, stops now */
    sl_log_info(&hub->log, "screen %s de-enrolled: its device token no longer works", screen);
    return SL_SVC_OK;
}
