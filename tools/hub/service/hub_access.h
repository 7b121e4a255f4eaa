/* hub_access.h — who may use the API: role tokens (made, listed, revoked) and publisher keys (added, listed), for the commands and the web console alike. */
#ifndef SL_HUB_ACCESS_H
#define SL_HUB_ACCESS_H

#include "tools/hub/hub.h"
#include "tools/hub/service/hub_service.h"

/*
 * Channels are given as people write them: channel ids joined by ',' with
 * spaces allowed (sl_hub_scope_parse). NULL or "" is every channel. Names
 * are 1 to 64 letters, digits, '.', '_' or '-' (sl_wire_id_ok). Messages
 * name what is wrong as "name: ..." or "channels: ..." (the commands print
 * them after "--").
 */

/* Makes a role token: hex gets the secret (to show once; the store keeps
 * only its hash), scope the channels it may publish to ("" every channel).
 * Channels are for publisher tokens only. INVALID, CONFLICT (a valid token
 * has the name), FAILED (no random numbers), STORE. */
sl_svc_rc sl_access_token_create(sl_store *st, const char *name, sl_hub_role role, const char *channels,
                                 char hex[SL_HUB_TOKEN_HEX + 1], char scope[SL_HUB_SCOPE_MAX + 1], sl_svc_err *e);

/* Revokes the valid token named name. NOT_FOUND, STORE. */
sl_svc_rc sl_access_token_revoke(sl_store *st, const char *name, sl_svc_err *e);

/* Adds a publisher key given in base64 (what `screenlit keygen` writes in
 * publisher.pub) that may sign manifests of channels. name NULL or "" is
 * key-<its first 8 hex digits>; name_out (may be NULL) gets the name used,
 * scope (may be NULL) the channels. The same key again changes only its
 * channels. INVALID, CONFLICT (another key has the name), STORE. */
sl_svc_rc sl_access_key_add(sl_store *st, const char *name, const char *key_b64, const char *channels,
                            char name_out[SL_HUB_ID_MAX + 1], char scope[SL_HUB_SCOPE_MAX + 1], sl_svc_err *e);

#endif
