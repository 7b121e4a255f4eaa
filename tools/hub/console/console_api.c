/* console_api.c — the campaign editor's API: the session check (cookie, role, CSRF header) every endpoint makes, JSON bodies, and the channel endpoints (session, channels, versions, one version as an editable source, publishing a signed envelope). */
#define _GNU_SOURCE
#include "tools/hub/console/console_api.h"

#include "tools/hub/console/console_form.h"
#include "tools/hub/console/console_session.h"
#include "tools/hub/service/hub_inventory.h"
#include "tools/hub/service/hub_manifest.h"
#include "tools/hub/service/hub_media.h"

#include "content/json.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

/* ---- who is asking ------------------------------------------------------ */

int sl_capi_auth(sl_hub *hub, sl_req *r, bool change, sl_capi_who *who)
{
    char cookie[SL_HUB_TOKEN_HEX + 2], err[256];
    sl_console_req *q = calloc(1, sizeof *q);
    int res = 1;
    if (!q) {
        sl_reply_error(r, 500, NULL, "the hub ran out of memory");
        return 1;
    }
    q->page.hub = hub;
    if (sl_cform_cookie(sl_req_header(r, "Cookie"), SL_CSESS_COOKIE, cookie, sizeof cookie) == 0 &&
        sl_csess_check(hub, q, cookie, err, sizeof err) != 0) {
        sl_reply_store_error(hub, r, err);
        goto out;
    }
    if (!q->has_session) {
        sl_reply_error(r, 401, NULL, "log in to the console first: this needs a console session");
        goto out;
    }
    sl_hub_role role = q->session.user.role;
    if (!(role & (SL_ROLE_PUBLISHER | SL_ROLE_ADMIN))) {
        sl_log_info(&hub->log, "console: %s (%s) may not %s %s", q->session.user.name, sl_hub_role_name(role),
                    r->method, r->url);
        sl_reply_error(r, 403, NULL, "a%s %s may not do this; it needs a publisher or an admin",
                       role == SL_ROLE_AUDITOR ? "n" : "", sl_hub_role_name(role));
        goto out;
    }
    if (change && !sl_csess_csrf_ok(q->session_cookie, sl_req_header(r, SL_CAPI_CSRF_HEADER))) {
        sl_log_warn(&hub->log, "console: %s %s of %s refused: %s CSRF header", r->method, r->url,
                    q->session.user.name, sl_req_header(r, SL_CAPI_CSRF_HEADER) ? "a wrong" : "no");
        sl_reply_error(r, 403, NULL, "the request lacks this session's " SL_CAPI_CSRF_HEADER
                                     " header (or it is out of date): open the page again and retry");
        goto out;
    }
    if (who) {
        snprintf(who->name, sizeof who->name, "%s", q->session.user.name);
        who->role = role;
        sl_csess_csrf(q->session_cookie, who->csrf);
    }
    res = 0;
out:
    sodium_memzero(cookie, sizeof cookie);
    sodium_memzero(q, sizeof *q);
    free(q);
    return res;
}

/* ---- JSON bodies -------------------------------------------------------- */

typedef struct {
    sl_capi_who who;
    sl_body body;
} capi_post;

int sl_capi_post_begin(sl_hub *hub, sl_req *r)
{
    capi_post *st = calloc(1, sizeof *st);
    if (!st) {
        sl_reply_error(r, 500, NULL, "the hub ran out of memory");
        return 1;
    }
    r->priv = st;
    if (sl_capi_auth(hub, r, true, &st->who) != 0)
        return 1;
    if (!sl_req_content_type_is(r, "application/json")) {
        sl_reply_error(r, 415, NULL, "send JSON as Content-Type: application/json");
        return 1;
    }
    sl_body_init(&st->body, r->route->body_max);
    if (sl_body_charge(&st->body, hub->bodies, NULL, 0) != SL_BUDGET_OK) {
        sl_reply_error(r, 503, NULL, "the hub is busy: the request bodies it holds in memory are at their limit; "
                                     "retry after %u s", SL_HUB_RETRY_AFTER_S);
        return 1;
    }
    return 0;
}

void sl_capi_post_chunk(sl_hub *hub, sl_req *r, const char *data, size_t len)
{
    (void)hub;
    capi_post *st = r->priv;
    int rc = sl_body_append(&st->body, data, len);
    if (rc == -1)
        sl_req_fail(r, 413, NULL, "the body is larger than the limit here (%zu bytes)", st->body.max);
    else if (rc == -3 || rc == -4)
        sl_req_fail(r, 503, NULL, "the hub is busy: the request bodies it holds in memory are at their limit; "
                                  "retry after %u s", SL_HUB_RETRY_AFTER_S);
    else if (rc != 0)
        sl_req_fail(r, 500, NULL, "the hub ran out of memory");
}

void sl_capi_post_cleanup(sl_hub *hub, sl_req *r)
{
    (void)hub;
    capi_post *st = r->priv;
    if (!st)
        return;
    sl_body_free(&st->body);
    free(st);
    r->priv = NULL;
}

cJSON *sl_capi_json(sl_req *r, enum MHD_Result *res)
{
    capi_post *st = r->priv;
    /* The body becomes the request's own, which sl_req_json reads (and the server frees). */
    sl_body_free(&r->body);
    r->body = st->body;
    memset(&st->body, 0, sizeof st->body);
    if (!r->body.data) {
        *res = sl_reply_error(r, 400, NULL, "the body is empty: send a JSON object");
        return NULL;
    }
    return sl_req_json(r, res);
}

/* ---- media names ---------------------------------------------------------- */

void sl_capi_media_name(const sl_hub *hub, const char *sha256, char *out, size_t outlen)
{
    char path[4096];
    out[0] = '\0';
    if (!sl_media_is_sha256(sha256))
        return;
    snprintf(path, sizeof path, "%s/media-names/%s", hub->data_dir, sha256);
    FILE *f = fopen(path, "rb");
    if (!f)
        return;
    size_t n = fread(out, 1, outlen - 1, f);
    out[n] = '\0';
    fclose(f);
}

/* ---- endpoints ------------------------------------------------------------ */

/* Whether the request came over TLS (or a TLS proxy) or from this machine:
 * what a browser calls a secure context, where WebCrypto signs. */
static bool secure_context(const sl_req *r)
{
    const union MHD_ConnectionInfo *tls = MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_GNUTLS_SESSION);
    const char *proto = sl_req_header(r, "X-Forwarded-Proto");
    if ((tls && tls->tls_session) || (proto && strcasecmp(proto, "https") == 0))
        return true;
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    const struct sockaddr *sa = ci ? ci->client_addr : NULL;
    if (sa && sa->sa_family == AF_INET)
        return (ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr) >> 24) == 127;
    if (sa && sa->sa_family == AF_INET6) {
        const struct in6_addr *a = &((const struct sockaddr_in6 *)sa)->sin6_addr;
        return IN6_IS_ADDR_LOOPBACK(a) || (IN6_IS_ADDR_V4MAPPED(a) && a->s6_addr[12] == 127);
    }
    return false;
}

enum MHD_Result sl_h_capi_session(sl_hub *hub, sl_req *r)
{
    sl_capi_who who;
    if (sl_capi_auth(hub, r, false, &who) != 0)
        return MHD_YES;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "name", who.name);
    cJSON_AddStringToObject(o, "role", sl_hub_role_name(who.role));
    cJSON_AddStringToObject(o, "csrf", who.csrf);
    cJSON_AddBoolToObject(o, "secure", secure_context(r));
    return sl_reply_json(r, 200, o);
}

enum MHD_Result sl_h_capi_unknown(sl_hub *hub, sl_req *r)
{
    if (sl_capi_auth(hub, r, false, NULL) != 0)
        return MHD_YES;
    return sl_reply_error(r, 404, NULL, "no such endpoint: %s %s (tools/hub/CONSOLE.md lists the editor's API)",
                          r->method, r->url);
}

/* A list the service filled: 200 with it when ok, else the service's error
 * in e (the list freed). */
static enum MHD_Result reply_list(sl_hub *hub, sl_req *r, cJSON *list, bool ok, const sl_svc_err *e)
{
    if (ok)
        return sl_reply_json(r, 200, list);
    cJSON_Delete(list);
    return sl_reply_svc_error(hub, r, e, NULL);
}

static cJSON *channel_find(cJSON *list, const char *id)
{
    const cJSON *o;
    cJSON_ArrayForEach(o, list)
    {
        if (strcmp(sl_json_str(o, "channel"), id) == 0)
            return (cJSON *)o;
    }
    return NULL;
}

static int channels_published(void *ud, const sl_hub_channel *c)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "channel", c->channel);
    cJSON_AddNumberToObject(o, "version", (double)c->version);
    cJSON_AddItemToArray(ud, o);
    return 0;
}

static int channels_named(void *ud, const sl_hub_screen_status *s, bool online, const char *state)
{
    (void)online;
    (void)state;
    if (!s->s.channel[0] || channel_find(ud, s->s.channel))
        return 0;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "channel", s->s.channel);
    cJSON_AddNullToObject(o, "version");
    cJSON_AddItemToArray(ud, o);
    return 0;
}

enum MHD_Result sl_h_capi_channels(sl_hub *hub, sl_req *r)
{
    sl_svc_err e;
    if (sl_capi_auth(hub, r, false, NULL) != 0)
        return MHD_YES;
    cJSON *list = cJSON_CreateArray();
    bool ok = sl_manifest_channels(hub, channels_published, list, &e) == SL_SVC_OK &&
              sl_inv_screens(hub, sl_hub_now_ms(), channels_named, list, &e) == SL_SVC_OK;
    return reply_list(hub, r, list, ok, &e);
}

static int versions_cb(void *ud, const sl_manifest_info *m)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "version", (double)m->version);
    cJSON_AddItemToObject(o, "published", sl_json_instant(m->published_ms));
    cJSON_AddStringToObject(o, "signer", m->key_b64);
    cJSON_AddStringToObject(o, "signer_name", m->signer);
    if (m->pl)
        cJSON_AddNumberToObject(o, "items", (double)(m->pl->n_items - 1)); /* without the fallback */
    else
        cJSON_AddNullToObject(o, "items");
    cJSON_AddItemToArray(ud, o);
    return 0;
}

enum MHD_Result sl_h_capi_versions(sl_hub *hub, sl_req *r)
{
    sl_svc_err e;
    if (sl_capi_auth(hub, r, false, NULL) != 0)
        return MHD_YES;
    if (!sl_wire_id_ok(r->param))
        return sl_reply_error(r, 400, NULL, "a channel is 1 to 64 letters, digits, '.', '_' or '-'");
    cJSON *list = cJSON_CreateArray();
    bool ok = sl_manifest_versions(hub, r->param, 0, versions_cb, list, &e) == SL_SVC_OK;
    return reply_list(hub, r, list, ok, &e);
}

/* A compiled media object (a member of parent) back as the editor's:
 * "file" (the name its uploader gave, else the SHA-256) before "sha256",
 * without "size". 0, or -1 when out of memory. */
static int media_to_source(const sl_hub *hub, cJSON *parent, cJSON *obj)
{
    const char *sha = sl_json_str(obj, "sha256");
    if (!cJSON_IsObject(obj) || !sha)
        return 0;
    char name[SL_CAPI_NAME_MAX + 1];
    sl_capi_media_name(hub, sha, name, sizeof name);
    cJSON *out = cJSON_CreateObject();
    if (!out)
        return -1;
    for (cJSON *ch = obj->child; ch; ch = ch->next) {
        if (strcmp(ch->string, "size") == 0)
            continue;
        if (strcmp(ch->string, "sha256") == 0 && !cJSON_AddStringToObject(out, "file", name[0] ? name : sha))
            goto oom;
        cJSON *dup = cJSON_Duplicate(ch, 1);
        if (!dup || !cJSON_AddItemToObject(out, ch->string, dup)) {
            cJSON_Delete(dup);
            goto oom;
        }
    }
    if (cJSON_ReplaceItemViaPointer(parent, obj, out))
        return 0;
oom:
    cJSON_Delete(out);
    return -1;
}

/* The editor's source of a payload: channel, version and created taken
 * away, media named by file and sha256. NULL when it is not JSON. */
static cJSON *payload_to_source(sl_hub *hub, const char *payload)
{
    char err[256];
    cJSON *root = sl_json_parse(payload, strlen(payload), NULL, err, sizeof err);
    if (!cJSON_IsObject(root)) {
        sl_log_error(&hub->log, "console: a stored payload: %s", err);
        cJSON_Delete(root);
        return NULL;
    }
    cJSON_DeleteItemFromObjectCaseSensitive(root, "channel");
    cJSON_DeleteItemFromObjectCaseSensitive(root, "version");
    cJSON_DeleteItemFromObjectCaseSensitive(root, "created");
    cJSON *items = cJSON_GetObjectItemCaseSensitive(root, "items");
    for (int i = 0; i < cJSON_GetArraySize(items); i++)
        if (media_to_source(hub, items, cJSON_GetArrayItem(items, i)) != 0)
            goto oom;
    if (media_to_source(hub, root, cJSON_GetObjectItemCaseSensitive(root, "fallback")) != 0)
        goto oom;
    return root;
oom:
    cJSON_Delete(root);
    return NULL;
}

enum MHD_Result sl_h_capi_version(sl_hub *hub, sl_req *r)
{
    char err[256];
    char *env = NULL;
    size_t len = 0;
    int64_t version = 0;
    if (sl_capi_auth(hub, r, false, NULL) != 0)
        return MHD_YES;
    if (!sl_wire_id_ok(r->param))
        return sl_reply_error(r, 400, NULL, "a channel is 1 to 64 letters, digits, '.', '_' or '-'");
    /* /console/api/channels/CH/versions/V */
    const char *v = r->url + strlen("/console/api/channels/") + strlen(r->param) + strlen("/versions/");
    sl_st_rc rc;
    if (strcmp(v, "current") == 0) {
        rc = hub->store->ops->manifest_get(hub->store, r->param, &version, &env, &len, err, sizeof err);
    } else {
        char *end = NULL;
        errno = 0;
        long long n = strtoll(v, &end, 10);
        if (!v[0] || v[0] < '1' || v[0] > '9' || *end || errno || n < 1)
            return sl_reply_error(r, 400, NULL, "a version is a whole number from 1 up, or \"current\"");
        version = n;
        rc = hub->store->ops->manifest_at(hub->store, r->param, version, &env, &len, err, sizeof err);
    }
    if (rc == SL_ST_NOT_FOUND)
        return sl_reply_error(r, 404, NULL, "channel %s has no version %s", r->param, v);
    if (rc != SL_ST_OK)
        return sl_reply_store_error(hub, r, err);
    cJSON *envj = sl_json_parse(env, len, NULL, err, sizeof err);
    const char *payload = sl_json_str(envj, "payload");
    if (!payload)
        sl_log_error(&hub->log, "console: the envelope of version %" PRId64 " of %s: %s", version, r->param,
                     envj ? "no payload" : err);
    cJSON *source = payload ? payload_to_source(hub, payload) : NULL;
    cJSON_Delete(envj);
    free(env);
    if (!source)
        return sl_reply_error(r, 500, NULL, "version %" PRId64 " of channel %s cannot be read", version, r->param);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "version", (double)version);
    cJSON_AddItemToObject(o, "source", source);
    return sl_reply_json(r, 200, o);
}

enum MHD_Result sl_h_capi_manifest(sl_hub *hub, sl_req *r)
{
    capi_post *st = r->priv;
    /* A console person may publish to every channel; the signing key's channels still bind. */
    return sl_reply_publish(hub, r, st->who.name, "", st->body.data, st->body.len, st->who.name);
}
