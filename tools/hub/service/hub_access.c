/* hub_access.c — role tokens and publisher keys: checking what people give, then the store. */
#include "tools/hub/service/hub_access.h"

#include "content/keys.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

/* Checks a name and a channel list into scope. */
static sl_svc_rc access_check(const char *name, const char *channels, char scope[SL_HUB_SCOPE_MAX + 1],
                              sl_svc_err *e)
{
    char err[256];
    if (name && !sl_wire_id_ok(name))
        return sl_svc_fail(e, SL_SVC_INVALID, "name: 1 to 64 letters, digits, '.', '_' or '-'");
    if (sl_hub_scope_parse(channels, scope, err, sizeof err) != 0)
        return sl_svc_fail(e, SL_SVC_INVALID, "%s", err);
    return SL_SVC_OK;
}

sl_svc_rc sl_access_token_create(sl_store *st, const char *name, sl_hub_role role, const char *channels,
                                 char hex[SL_HUB_TOKEN_HEX + 1], char scope[SL_HUB_SCOPE_MAX + 1], sl_svc_err *e)
{
    char err[512];
    uint8_t hash[SL_HUB_HASH_BYTES];
    hex[0] = '\0';
    if (!name || !name[0])
        return sl_svc_fail(e, SL_SVC_INVALID, "name: the token needs a name");
    if (role != SL_ROLE_ADMIN && role != SL_ROLE_PUBLISHER && role != SL_ROLE_AUDITOR)
        return sl_svc_fail(e, SL_SVC_INVALID, "role: admin, publisher or auditor");
    sl_svc_rc rc = access_check(name, channels, scope, e);
    if (rc != SL_SVC_OK)
        return rc;
    if (scope[0] && role != SL_ROLE_PUBLISHER)
        return sl_svc_fail(e, SL_SVC_INVALID, "channels: only a publisher token is limited to channels");
    if (sl_hub_token_new(hex, hash) != 0)
        return sl_svc_fail(e, SL_SVC_FAILED, "no random numbers");
    sl_st_rc r = st->ops->token_add(st, name, role, scope, hash, sl_hub_now_ms(), err, sizeof err);
    if (r != SL_ST_OK) {
        sodium_memzero(hex, SL_HUB_TOKEN_HEX + 1);
        if (r == SL_ST_CONFLICT)
            return sl_svc_fail(e, SL_SVC_CONFLICT, "a valid token named %s exists; revoke it first or pick another "
                               "name", name);
        return sl_svc_fail(e, SL_SVC_STORE, "%s", err);
    }
    return SL_SVC_OK;
}

sl_svc_rc sl_access_token_revoke(sl_store *st, const char *name, sl_svc_err *e)
{
    char err[512];
    sl_st_rc r = st->ops->token_revoke(st, name ? name : "", sl_hub_now_ms(), err, sizeof err);
    if (r == SL_ST_NOT_FOUND)
        return sl_svc_fail(e, SL_SVC_NOT_FOUND, "no valid token is named %s", name ? name : "");
    if (r != SL_ST_OK)
        return sl_svc_fail(e, SL_SVC_STORE, "%s", err);
    return SL_SVC_OK;
}

sl_svc_rc sl_access_key_add(sl_store *st, const char *name, const char *key_b64, const char *channels,
                            char name_out[SL_HUB_ID_MAX + 1], char scope[SL_HUB_SCOPE_MAX + 1], sl_svc_err *e)
{
    char err[512], sc[SL_HUB_SCOPE_MAX + 1], b64[SL_PUBKEY_B64_MAX], dflt[16];
    sl_pubkey pk;
    if (name && !name[0])
        name = NULL;
    sl_svc_rc rc = access_check(name, channels, sc, e);
    if (rc != SL_SVC_OK)
        return rc;
    if (!key_b64 || sl_pubkey_from_b64(key_b64, &pk) != 0)
        return sl_svc_fail(e, SL_SVC_INVALID, "key: not a publisher public key (the base64 text in the "
                           "publisher.pub that screenlit keygen made)");
    sl_pubkey_to_b64(&pk, b64, sizeof b64);
    snprintf(dflt, sizeof dflt, "key-%02x%02x%02x%02x", pk.pk[0], pk.pk[1], pk.pk[2], pk.pk[3]);
    if (!name)
        name = dflt;
    sl_st_rc r = st->ops->key_add(st, name, b64, sc, sl_hub_now_ms(), err, sizeof err);
    if (r == SL_ST_CONFLICT)
        return sl_svc_fail(e, SL_SVC_CONFLICT, "another key is named %s", name);
    if (r != SL_ST_OK)
        return sl_svc_fail(e, SL_SVC_STORE, "%s", err);
    if (name_out)
        snprintf(name_out, SL_HUB_ID_MAX + 1, "%s", name);
    if (scope)
        snprintf(scope, SL_HUB_SCOPE_MAX + 1, "%s", sc);
    return SL_SVC_OK;
}
