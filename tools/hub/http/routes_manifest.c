/* routes_manifest.c — publishing signed manifests (verified against the hub's publisher keys) and serving them with ETags. */
#include "tools/hub/http/routes.h"

#include "content/json.h"
#include "content/keys.h"
#include "content/manifest.h"
#include "content/media.h"
#include "tools/hub/http/notmod.h"

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

enum MHD_Result sl_h_manifest_post(sl_hub *hub, sl_req *r)
{
    enum MHD_Result res;
    char err[512];
    hub_keys hk = {{0}, NULL, 0};
    sl_pubkey signer;
    sl_playlist *pl = NULL;
    cJSON *missing = NULL;
    if (!sl_hub_id_ok(r->param))
        return sl_reply_error(r, 400, NULL, "a channel is 1 to 64 letters, digits, '.', '_' or '-'");
    /* A publisher token limited to channels publishes only to those. */
    if (!sl_hub_scope_has(r->who.scope, r->param))
        return sl_reply_error(r, 403, NULL, "the token \"%s\" may publish to channel%s %s only, not to \"%s\"",
                              r->who.subject, strchr(r->who.scope, ',') ? "s" : "", r->who.scope, r->param);
    if (hub->store->ops->key_list(hub->store, key_cb, &hk, err, sizeof err) != SL_ST_OK) {
        res = sl_reply_store_error(hub, r, err);
        goto out;
    }
    if (hk.all.n == 0) {
        res = sl_reply_error(r, 409, NULL, "the hub has no publisher keys yet: run screenlit-hub key add");
        goto out;
    }
    pl = sl_mf_open_signed(r->body.data ? r->body.data : "", r->body.len, &hk.all, NULL, &signer, err, sizeof err);
    if (!pl) {
        res = sl_reply_error(r, 400, NULL, "manifest refused: %s", err);
        goto out;
    }
    /* A key limited to channels signs only those. */
    const sl_hub_key *key = signing_key(&hk, &signer);
    if (key && !sl_hub_scope_has(key->channels, r->param)) {
        res = sl_reply_error(r, 403, NULL, "the manifest is signed with key \"%s\", which may sign channel%s %s "
                             "only, not \"%s\"", key->name, strchr(key->channels, ',') ? "s" : "", key->channels,
                             r->param);
        goto out;
    }
    if (!pl->channel || strcmp(pl->channel, r->param) != 0) {
        res = sl_reply_error(r, 400, NULL, "the manifest is for channel \"%s\", not \"%s\"",
                             pl->channel ? pl->channel : "", r->param);
        goto out;
    }
    missing = cJSON_CreateArray();
    for (size_t i = 0; i < pl->n_items; i++)
        check_media(hub, &pl->items[i], missing);
    if (cJSON_GetArraySize(missing) > 0) {
        cJSON *x = cJSON_CreateObject();
        cJSON_AddItemToObject(x, "missing", missing);
        missing = NULL;
        res = sl_reply_error(r, 409, x, "the hub lacks media this manifest uses; upload them first");
        goto out;
    }
    int64_t current = 0;
    sl_st_rc rc = hub->store->ops->manifest_put(hub->store, r->param, pl->version, r->body.data, r->body.len,
                                                sl_hub_now_ms(), &current, err, sizeof err);
    if (rc == SL_ST_CONFLICT) {
        cJSON *x = cJSON_CreateObject();
        cJSON_AddNumberToObject(x, "current", (double)current);
        res = sl_reply_error(r, 409, x, "channel %s is at version %" PRId64 "; a new manifest needs a higher "
                             "version than that", r->param, current);
        goto out;
    }
    if (rc != SL_ST_OK) {
        res = sl_reply_store_error(hub, r, err);
        goto out;
    }
    sl_log_info(&hub->log, "channel %s: version %" PRId64 " published", r->param, pl->version);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "channel", r->param);
    cJSON_AddNumberToObject(o, "version", (double)pl->version);
    /* Published to a channel no screen uses: allowed (the inventory may
     * follow), but said, since it is often a typing mistake. */
    cJSON *warnings = cJSON_AddArrayToObject(o, "warnings");
    channel_use use = {r->param, false};
    if (hub->store->ops->screen_list(hub->store, use_cb, &use, err, sizeof err) != SL_ST_OK)
        sl_log_error(&hub->log, "listing screens after publishing: %s", err);
    else if (!use.used) {
        char w[300];
        snprintf(w, sizeof w, "no screen in the inventory uses channel \"%s\" yet: nothing will play this "
                 "manifest until the inventory names the channel", r->param);
        cJSON_AddItemToArray(warnings, cJSON_CreateString(w));
    }
    res = sl_reply_json(r, 201, o);
out:
    cJSON_Delete(missing);
    sl_playlist_free(pl);
    sl_keyset_free(&hk.all);
    free(hk.rows);
    return res;
}

static int channel_cb(void *ud, const sl_hub_channel *c)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "channel", c->channel);
    cJSON_AddNumberToObject(o, "version", (double)c->version);
    cJSON_AddItemToObject(o, "published", sl_json_instant(c->published_ms));
    cJSON_AddItemToArray((cJSON *)ud, o);
    return 0;
}

enum MHD_Result sl_h_channels(sl_hub *hub, sl_req *r)
{
    char err[256];
    cJSON *list = cJSON_CreateArray();
    if (hub->store->ops->channel_list(hub->store, channel_cb, list, err, sizeof err) != SL_ST_OK) {
        cJSON_Delete(list);
        return sl_reply_store_error(hub, r, err);
    }
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToObject(o, "channels", list);
    return sl_reply_json(r, 200, o);
}

#define ETAG_MAX (SL_HUB_ID_MAX + 32) /* "<channel>-<version>" with its quotes and NUL */

/* A manifest's ETag, "<channel>-<version>" in quotes (channel is an
 * identifier, at most SL_HUB_ID_MAX bytes); formatted by hand, as every
 * poll needs it. */
static void etag_format(char etag[ETAG_MAX], const char *channel, int64_t version)
{
    char digits[24];
    size_t n = 0, len = strlen(channel); /* at most SL_HUB_ID_MAX: a principal's field */
    uint64_t v = version < 0 ? 0 - (uint64_t)version : (uint64_t)version;
    do {
        digits[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    if (version < 0)
        digits[n++] = '-';
    char *p = etag;
    *p++ = '"';
    memcpy(p, channel, len);
    p += len;
    *p++ = '-';
    while (n)
        *p++ = digits[--n];
    *p++ = '"';
    *p = '\0';
}

/* A screen's manifest: 304 from what the token lookup read (no further store
 * call; the reply is a shared response for its ETag), else the envelope. */
enum MHD_Result sl_h_manifest_get(sl_hub *hub, sl_req *r)
{
    char err[256], etag[ETAG_MAX];
    const sl_hub_principal *who = &r->who;
    if (!who->in_inventory)
        return sl_reply_error(r, 404, NULL, "screen %s is not in the inventory", who->subject);
    if (!who->channel[0])
        return sl_reply_error(r, 404, NULL, "screen %s has no channel in the inventory", who->subject);
    if (who->version < 0)
        return sl_reply_error(r, 404, NULL, "nothing is published on channel %s yet", who->channel);
    etag_format(etag, who->channel, who->version);
    if (sl_req_etag_matches(r, etag)) {
        r->replied = true;
        return sl_notmod_queue(hub->notmod, r->conn, etag);
    }
    char *env = NULL;
    size_t len = 0;
    int64_t version = 0;
    sl_st_rc rc = hub->store->ops->manifest_get(hub->store, who->channel, &version, &env, &len, err, sizeof err);
    if (rc == SL_ST_NOT_FOUND)
        return sl_reply_error(r, 404, NULL, "nothing is published on channel %s yet", who->channel);
    if (rc != SL_ST_OK)
        return sl_reply_store_error(hub, r, err);
    etag_format(etag, who->channel, version);
    struct MHD_Response *resp = MHD_create_response_from_buffer(len, env, MHD_RESPMEM_MUST_FREE);
    if (!resp) {
        free(env);
        return MHD_NO;
    }
    MHD_add_response_header(resp, "Content-Type", "application/json");
    MHD_add_response_header(resp, "ETag", etag);
    MHD_add_response_header(resp, "Screenlit-Channel", who->channel); /* the screen's channel, now */
    MHD_add_response_header(resp, "Cache-Control", "no-cache");
    return sl_reply(r, 200, resp);
}
