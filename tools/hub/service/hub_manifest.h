/* hub_manifest.h — channels and their manifests: publishing a signed manifest (verified against the hub's publisher keys and their scopes), reading the current one, listing channels. */
#ifndef SL_HUB_MANIFEST_H
#define SL_HUB_MANIFEST_H

#include "tools/hub/hub.h"
#include "tools/hub/service/hub_service.h"

#include "content/playlist.h"

typedef struct {
    int64_t version;  /* OK: the version published */
    int64_t current;  /* CONFLICT over the version: the channel's current one; else -1 */
    cJSON *missing;   /* CONFLICT over media: [{"sha256", "size"}] the hub lacks (the caller frees); else NULL */
    char warning[300]; /* OK: a warning for people ("" none), e.g. no screen uses the channel */
} sl_publish_result;

/* Publishes a signed manifest envelope to channel on behalf of the token
 * named token whose scope is token_scope ("" every channel). INVALID (the
 * channel id, the envelope, another channel's manifest), FORBIDDEN (outside
 * the token's or the signing key's channels), CONFLICT (no keys yet, media
 * missing, a version not above the current one), STORE. */
sl_svc_rc sl_manifest_publish(sl_hub *hub, const char *channel, const char *token, const char *token_scope,
                              const char *envelope, size_t len, sl_publish_result *out, sl_svc_err *e);

/* The current envelope of a channel (malloc'd, NUL-terminated, the caller
 * frees) and its version. NOT_FOUND (nothing published), STORE. */
sl_svc_rc sl_manifest_current(sl_hub *hub, const char *channel, int64_t *version, char **envelope, size_t *len,
                              sl_svc_err *e);

/* Every channel with its current version. STORE. */
sl_svc_rc sl_manifest_channels(sl_hub *hub, int (*cb)(void *ud, const sl_hub_channel *c), void *ud, sl_svc_err *e);

/* One version of a channel's manifest as people see it. */
typedef struct {
    int64_t version;
    int64_t published_ms;
    char key_b64[64];               /* the public key that signed it ("" when the envelope is unreadable) */
    char signer[SL_HUB_ID_MAX + 1]; /* that key's name on the hub ("" when the hub no longer has the key) */
    size_t n_items;                 /* its items, the fallback included */
    int64_t media_bytes;            /* the size of its media files, each file counted once */
    const sl_playlist *pl;          /* its contents, checked against the hub's keys (valid during the call);
                                       NULL when they no longer verify (the key was replaced) */
} sl_manifest_info;

/* The versions the hub holds of a channel, newest first, at most limit
 * (0 = every one), each given to cb (non-zero stops). STORE, FAILED. */
sl_svc_rc sl_manifest_versions(sl_hub *hub, const char *channel, size_t limit,
                               int (*cb)(void *ud, const sl_manifest_info *m), void *ud, sl_svc_err *e);

#endif
