/* hub_manifest.c — publishing signed manifests (verified against the hub's publisher keys and their channel scopes), reading them, listing channels. */
#include "tools/hub/service/hub_manifest.h"

#include "content/json.h"
#include "content/keys.h"
#include "content/manifest.h"
#include "content/media.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* The hub's keys: every one (to verify the signature), and each key's
 * channel scope (to refuse a manifest outside it with 403, naming it). */
typedef struct {
    sl_keyset all;
    sl_hub_key *rows;
    size_t n;
} hub_keys;

static int key_cb(void *ud, const sl_hub_key *k)
{
    hub_keys *hk = ud;
    sl_hub_key *rows = realloc(hk->rows, (hk->n + 1) * sizeof *rows);
    if (!rows)
        return 1;
    hk->rows = rows;
    rows[hk->n++] = *k;
    return sl_keyset_add_b64(&hk->all, k->key_b64) == 0 ? 0 : 1;
}

/* The row of the key that signed an envelope, or NULL. */
static const sl_hub_key *signing_key(const hub_keys *hk, const sl_pubkey *signer)
{
    char b64[SL_PUBKEY_B64_MAX];
    sl_pubkey_to_b64(signer, b64, sizeof b64);
    for (size_t i = 0; i < hk->n; i++)
        if (strcmp(hk->rows[i].key_b64, b64) == 0)
            return &hk->rows[i];
    return NULL;
}

typedef struct {
    const char *channel;
    bool used;
} channel_use;

static int use_cb(void *ud, const sl_hub_screen_status *s)
{
    channel_use *u = ud;
    if (strcmp(s->s.channel, u->channel) == 0)
        u->used = true;
    return u->used; /* stop at the first */
}

/* Adds {sha256, size} of an item's media to `missing` when the store lacks it. */
static void check_media(const sl_hub *hub, const sl_item *it, cJSON *missing)
{
    char path[4096];
    struct stat st;
    if (!it->sha256)
        return;
    snprintf(path, sizeof path, "%s/%s", hub->media_dir, it->sha256);
    if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
        return;
    const cJSON *m;
    cJSON_ArrayForEach(m, missing)
    {
        if (strcmp(sl_json_str(m, "sha256"), it->sha256) == 0)
            return;
    }
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "sha256", it->sha256);
    cJSON_AddNumberToObject(o, "size", (double)it->size_bytes);
    cJSON_AddItemToArray(missing, o);
}

sl_svc_rc sl_manifest_publish(sl_hub *hub, const char *channel, const char *token, const char *token_scope,
                              const char *envelope, size_t len, sl_publish_result *out, sl_svc_err *e)
{
    sl_svc_rc res = SL_SVC_OK;
    char err[512];
    hub_keys hk = {{0}, NULL, 0};
    sl_pubkey signer;
    sl_playlist *pl = NULL;
    cJSON *missing = NULL;
    out->version = -1;
    out->current = -1;
    out->missing = NULL;
    out->warning[0] = '\0';
    if (!sl_wire_id_ok(channel))
        return sl_svc_fail(e, SL_SVC_INVALID, "a channel is 1 to 64 letters, digits, '.', '_' or '-'");
    /* A publisher token limited to channels publishes only to those. */
    if (!sl_hub_scope_has(token_scope, channel))
        return sl_svc_fail(e, SL_SVC_FORBIDDEN, "the token \"%s\" may publish to channel%s %s only, not to \"%s\"",
                           token, strchr(token_scope, ',') ? "s" : "", token_scope, channel);
    if (hub->store->ops->key_list(hub->store, key_cb, &hk, err, sizeof err) != SL_ST_OK) {
        res = sl_svc_fail(e, SL_SVC_STORE, "%s", err);
        goto out;
    }
    if (hk.all.n == 0) {
        res = sl_svc_fail(e, SL_SVC_CONFLICT, "the hub has no publisher keys yet: run screenlit-hub key add");
        goto out;
    }
    pl = sl_mf_open_signed(envelope ? envelope : "", len, &hk.all, NULL, &signer, err, sizeof err);
    if (!pl) {
        res = sl_svc_fail(e, SL_SVC_INVALID, "manifest refused: %s", err);
        goto out;
    }
    /* A key limited to channels signs only those. */
    const sl_hub_key *key = signing_key(&hk, &signer);
    if (key && !sl_hub_scope_has(key->channels, channel)) {
        res = sl_svc_fail(e, SL_SVC_FORBIDDEN, "the manifest is signed with key \"%s\", which may sign channel%s %s "
                             "only, not \"%s\"", key->name, strchr(key->channels, ',') ? "s" : "", key->channels,
                          channel);
        goto out;
    }
    if (!pl->channel || strcmp(pl->channel, channel) != 0) {
        res = sl_svc_fail(e, SL_SVC_INVALID, "the manifest is for channel \"%s\", not \"%s\"",
                          pl->channel ? pl->channel : "", channel);
        goto out;
    }
    missing = cJSON_CreateArray();
    for (size_t i = 0; i < pl->n_items; i++)
        check_media(hub, &pl->items[i], missing);
    if (cJSON_GetArraySize(missing) > 0) {
        out->missing = missing;
        missing = NULL;
        res = sl_svc_fail(e, SL_SVC_CONFLICT, "the hub lacks media this manifest uses; upload them first");
        goto out;
    }
    int64_t current = 0;
    sl_st_rc rc = hub->store->ops->manifest_put(hub->store, channel, pl->version, envelope, len, sl_hub_now_ms(),
                                                &current, err, sizeof err);
    if (rc == SL_ST_CONFLICT) {
        out->current = current;
        res = sl_svc_fail(e, SL_SVC_CONFLICT, "channel %s is at version %" PRId64 "; a new manifest needs a higher "
                          "version than that", channel, current);
        goto out;
    }
    if (rc != SL_ST_OK) {
        res = sl_svc_fail(e, SL_SVC_STORE, "%s", err);
        goto out;
    }
    sl_log_info(&hub->log, "channel %s: version %" PRId64 " published", channel, pl->version);
    out->version = pl->version;
    /* Published to a channel no screen uses: allowed (the inventory may
     * follow), but said, since it is often a typing mistake. */
    channel_use use = {channel, false};
    if (hub->store->ops->screen_list(hub->store, use_cb, &use, err, sizeof err) != SL_ST_OK)
        sl_log_error(&hub->log, "listing screens after publishing: %s", err);
    else if (!use.used)
        snprintf(out->warning, sizeof out->warning, "no screen in the inventory uses channel \"%s\" yet: nothing "
                 "will play this manifest until the inventory names the channel", channel);
out:
    cJSON_Delete(missing);
    sl_playlist_free(pl);
    sl_keyset_free(&hk.all);
    free(hk.rows);
    return res;
}

sl_svc_rc sl_manifest_current(sl_hub *hub, const char *channel, int64_t *version, char **envelope, size_t *len,
                              sl_svc_err *e)
{
    char err[256];
    sl_st_rc rc = hub->store->ops->manifest_get(hub->store, channel, version, envelope, len, err, sizeof err);
    if (rc == SL_ST_NOT_FOUND)
        return sl_svc_fail(e, SL_SVC_NOT_FOUND, "nothing is published on channel %s yet", channel);
    if (rc != SL_ST_OK)
        return sl_svc_fail(e, SL_SVC_STORE, "%s", err);
    return SL_SVC_OK;
}

sl_svc_rc sl_manifest_channels(sl_hub *hub, int (*cb)(void *ud, const sl_hub_channel *c), void *ud, sl_svc_err *e)
{
    char err[256];
    if (hub->store->ops->channel_list(hub->store, cb, ud, err, sizeof err) != SL_ST_OK)
        return sl_svc_fail(e, SL_SVC_STORE, "%s", err);
    return SL_SVC_OK;
}

typedef struct {
    hub_keys *keys;
    int (*cb)(void *ud, const sl_manifest_info *m);
    void *ud;
} versions_ctx;

/* The sum of the sizes of a playlist's media, each file once. */
static int64_t media_bytes(const sl_playlist *pl)
{
    int64_t sum = 0;
    for (size_t i = 0; i < pl->n_items; i++) {
        const sl_item *it = &pl->items[i];
        bool seen = false;
        for (size_t j = 0; it->sha256 && j < i && !seen; j++)
            seen = pl->items[j].sha256 && strcmp(pl->items[j].sha256, it->sha256) == 0;
        if (it->sha256 && !seen)
            sum += it->size_bytes;
    }
    return sum;
}

static int version_cb(void *ud, int64_t version, int64_t published_ms, const char *envelope, size_t len)
{
    versions_ctx *c = ud;
    sl_manifest_info m;
    char err[256];
    sl_pubkey signer;
    memset(&m, 0, sizeof m);
    m.version = version;
    m.published_ms = published_ms;
    cJSON *env = cJSON_ParseWithLength(envelope, len);
    snprintf(m.key_b64, sizeof m.key_b64, "%s", sl_json_str(env, "key"));
    cJSON_Delete(env);
    sl_playlist *pl = sl_mf_open_signed(envelope, len, &c->keys->all, NULL, &signer, err, sizeof err);
    if (pl) {
        const sl_hub_key *k = signing_key(c->keys, &signer);
        if (k)
            snprintf(m.signer, sizeof m.signer, "%s", k->name);
        m.n_items = pl->n_items;
        m.media_bytes = media_bytes(pl);
        m.pl = pl;
    }
    int r = c->cb(c->ud, &m);
    sl_playlist_free(pl);
    return r;
}

sl_svc_rc sl_manifest_versions(sl_hub *hub, const char *channel, size_t limit,
                               int (*cb)(void *ud, const sl_manifest_info *m), void *ud, sl_svc_err *e)
{
    char err[512];
    hub_keys hk = {{0}, NULL, 0};
    versions_ctx c = {&hk, cb, ud};
    sl_svc_rc res = SL_SVC_OK;
    if (hub->store->ops->key_list(hub->store, key_cb, &hk, err, sizeof err) != SL_ST_OK ||
        hub->store->ops->manifest_list(hub->store, channel, limit, version_cb, &c, err, sizeof err) != SL_ST_OK)
        res = sl_svc_fail(e, SL_SVC_STORE, "%s", err);
    sl_keyset_free(&hk.all);
    free(hk.rows);
    return res;
}
