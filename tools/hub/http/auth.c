/* auth.c — bearer tokens (through the lookup cache) and roles: 401 for no or unknown token, 403 for the wrong role. */
#include "tools/hub/http/auth.h"

#include <sodium.h>
#include <string.h>
#include <strings.h>

/* Whether s is exactly SL_HUB_TOKEN_HEX lowercase hex digits. */
static bool token_shape_ok(const char *s)
{
    size_t i = 0;
    for (; s[i]; i++) {
        if (i >= SL_HUB_TOKEN_HEX)
            return false;
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return false;
    }
    return i == SL_HUB_TOKEN_HEX;
}

static const char *roles_text(unsigned roles, char *buf, size_t len)
{
    static const sl_hub_role order[] = {SL_ROLE_ADMIN, SL_ROLE_PUBLISHER, SL_ROLE_AUDITOR, SL_ROLE_SCREEN};
    buf[0] = '\0';
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
        if (!(roles & order[i]))
            continue;
        size_t used = strlen(buf);
        snprintf(buf + used, len - used, "%s%s", used ? " or " : "", sl_hub_role_name(order[i]));
    }
    return buf;
}

/* The principal of a token (SL_HUB_TOKEN_HEX bytes): from the cache when it
 * read the store less than its TTL ago (found by the token's keyed tag,
 * without hashing it), else from the store by the token's SHA-256 (and then
 * kept, when found). Unknown and revoked tokens are never cached. */
static sl_st_rc lookup(sl_hub *hub, const char *token, sl_hub_principal *who, char *err, size_t errlen)
{
    uint8_t hash[SL_HUB_HASH_BYTES], tag[SL_AUTHCACHE_TAG_BYTES] = {0};
    int64_t now = 0;
    uint64_t gen = 0;
    if (hub->authcache) {
        now = sl_authcache_now_ms();
        sl_authcache_tag(hub->authcache, token, SL_HUB_TOKEN_HEX, tag);
        if (sl_authcache_get(hub->authcache, tag, now, who))
            return SL_ST_OK;
        gen = sl_authcache_generation(hub->authcache);
    }
    sl_hub_hash(token, SL_HUB_TOKEN_HEX, hash);
    sl_st_rc rc = hub->store->ops->auth_lookup(hub->store, hash, who, err, errlen);
    sodium_memzero(hash, sizeof hash);
    if (rc == SL_ST_OK)
        sl_authcache_put(hub->authcache, tag, who, gen, now);
    return rc;
}

int sl_auth_check(sl_hub *hub, sl_req *r, enum MHD_Result *result)
{
    char err[256];
    memset(&r->who, 0, sizeof r->who);
    if (r->route->roles == 0)
        return 0;
    const char *h = sl_req_header(r, "Authorization");
    if (!h) {
        *result = sl_reply_error(r, 401, NULL, "this needs a token: send \"Authorization: Bearer <token>\"");
        return 1;
    }
    if (strncasecmp(h, "Bearer ", 7) != 0 || !token_shape_ok(h + 7)) {
        *result = sl_reply_error(r, 401, NULL, "the Authorization header is not \"Bearer <64 hex digits>\"");
        return 1;
    }
    sl_st_rc rc = lookup(hub, h + 7, &r->who, err, sizeof err);
    if (rc == SL_ST_ERROR) {
        *result = sl_reply_store_error(hub, r, err);
        return 1;
    }
    if (rc == SL_ST_REVOKED) {
        /* A screen's device token taken away at the hub: the screen is told
         * so, in a form it can tell from any other refusal (player/managed/device.h). */
        cJSON *x = cJSON_CreateObject();
        cJSON_AddStringToObject(x, "code", SL_HUB_DEVICE_REVOKED);
        cJSON_AddStringToObject(x, "screen", r->who.subject);
        sl_log_info(&hub->log, "%s %s: refused the revoked device token of screen %s", r->method, r->url,
                    r->who.subject);
        *result = sl_reply_error(r, 401, x, "screen %s was de-enrolled at the hub (or another box enrolled as "
                                 "it): this device token no longer works; enrol the screen again",
                                 r->who.subject);
        memset(&r->who, 0, sizeof r->who);
        return 1;
    }
    if (rc != SL_ST_OK) {
        *result = sl_reply_error(r, 401, NULL, "unknown or revoked token");
        return 1;
    }
    if (!(r->who.role & r->route->roles)) {
        char want[64];
        *result = sl_reply_error(r, 403, NULL, "a %s token cannot do this; it needs a %s token",
                                 sl_hub_role_name(r->who.role), roles_text(r->route->roles, want, sizeof want));
        return 1;
    }
    return 0;
}
