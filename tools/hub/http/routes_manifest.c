/* routes_manifest.c — HTTP for manifests (service/hub_manifest.c): publishing, listing channels, serving a screen its manifest with ETags. */
#include "tools/hub/http/routes.h"
#include "tools/hub/service/hub_manifest.h"

#include "tools/hub/http/notmod.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum MHD_Result sl_reply_publish(sl_hub *hub, sl_req *r, const char *name, const char *scope, const char *envelope,
                                 size_t len, const char *person)
{
    sl_svc_err e;
    sl_publish_result p;
    if (sl_manifest_publish(hub, r->param, name, scope, envelope, len, &p, &e) != SL_SVC_OK) {
        cJSON *x = NULL;
        if (p.missing || p.current >= 0) {
            x = cJSON_CreateObject();
            if (p.missing)
                cJSON_AddItemToObject(x, "missing", p.missing);
            else
                cJSON_AddNumberToObject(x, "current", (double)p.current);
        }
        return sl_reply_svc_error(hub, r, &e, x);
    }
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "channel", r->param);
    cJSON_AddNumberToObject(o, "version", (double)p.version);
    if (person) {
        sl_log_info(&hub->log, "channel %s: version %" PRId64 " was published from the console by %s", r->param,
                    p.version, person);
        cJSON_AddStringToObject(o, "published_by", person);
    }
    cJSON *warnings = cJSON_AddArrayToObject(o, "warnings");
    if (p.warning[0])
        cJSON_AddItemToArray(warnings, cJSON_CreateString(p.warning));
    return sl_reply_json(r, 201, o);
}

enum MHD_Result sl_h_manifest_post(sl_hub *hub, sl_req *r)
{
    return sl_reply_publish(hub, r, r->who.subject, r->who.scope, r->body.data, r->body.len, NULL);
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
    sl_svc_err e;
    cJSON *list = cJSON_CreateArray();
    if (sl_manifest_channels(hub, channel_cb, list, &e) != SL_SVC_OK) {
        cJSON_Delete(list);
        return sl_reply_svc_error(hub, r, &e, NULL);
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
    char etag[ETAG_MAX];
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
    sl_svc_err e;
    if (sl_manifest_current(hub, who->channel, &version, &env, &len, &e) != SL_SVC_OK)
        return sl_reply_svc_error(hub, r, &e, NULL);
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
