/* reply.c — building and queuing the hub's HTTP replies (JSON, errors, data) and small request helpers. */
#define _GNU_SOURCE
#include "tools/hub/http/http.h"

#include "content/json.h"

#include <sodium.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *sl_req_header(const sl_req *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

bool sl_req_content_type_is(const sl_req *r, const char *type)
{
    const char *ct = sl_req_header(r, "Content-Type");
    if (!ct)
        return false;
    while (*ct == ' ' || *ct == '\t')
        ct++;
    size_t n = strlen(type);
    if (strncasecmp(ct, type, n) != 0)
        return false;
    ct += n;
    while (*ct == ' ' || *ct == '\t')
        ct++;
    return *ct == '\0' || *ct == ';';
}

void sl_req_fail(sl_req *r, unsigned status, cJSON *extra, const char *fmt, ...)
{
    if (r->fail_status) {
        cJSON_Delete(extra);
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->fail_msg, sizeof r->fail_msg, fmt, ap);
    va_end(ap);
    r->fail_status = status;
    r->fail_extra = extra;
}

enum MHD_Result sl_reply(sl_req *r, unsigned status, struct MHD_Response *resp)
{
    if (!resp)
        return MHD_NO;
    if (!MHD_get_response_header(resp, "Cache-Control"))
        MHD_add_response_header(resp, "Cache-Control", "no-store");
    if (status == 503 && !MHD_get_response_header(resp, "Retry-After")) {
        char ra[16];
        snprintf(ra, sizeof ra, "%u", SL_HUB_RETRY_AFTER_S);
        MHD_add_response_header(resp, "Retry-After", ra);
    }
    enum MHD_Result ret = MHD_queue_response(r->conn, status, resp);
    MHD_destroy_response(resp);
    r->replied = true;
    return ret;
}

enum MHD_Result sl_reply_data(sl_req *r, unsigned status, const char *ctype, const void *data, size_t len)
{
    struct MHD_Response *resp = MHD_create_response_from_buffer(len, (void *)data, MHD_RESPMEM_MUST_COPY);
    if (!resp)
        return MHD_NO;
    if (ctype)
        MHD_add_response_header(resp, "Content-Type", ctype);
    return sl_reply(r, status, resp);
}

enum MHD_Result sl_reply_empty(sl_req *r, unsigned status)
{
    struct MHD_Response *resp = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
    return sl_reply(r, status, resp);
}

void sl_reply_digest(struct MHD_Response *resp, const void *body, size_t len)
{
    unsigned char h[crypto_hash_sha256_BYTES];
    char b64[sodium_base64_ENCODED_LEN(crypto_hash_sha256_BYTES, sodium_base64_VARIANT_ORIGINAL)];
    char value[sizeof b64 + 16];
    if (!resp)
        return;
    crypto_hash_sha256(h, body, len);
    sodium_bin2base64(b64, sizeof b64, h, sizeof h, sodium_base64_VARIANT_ORIGINAL);
    snprintf(value, sizeof value, "sha-256=:%s:", b64);
    MHD_add_response_header(resp, "Content-Digest", value);
}

enum MHD_Result sl_reply_json(sl_req *r, unsigned status, cJSON *obj)
{
    char *text = obj ? sl_json_print(obj, false) : NULL;
    cJSON_Delete(obj);
    if (!text) {
        static const char oom[] = "{\"error\":\"the hub ran out of memory\"}";
        return sl_reply_data(r, 500, "application/json", oom, sizeof oom - 1);
    }
    size_t len = strlen(text);
    struct MHD_Response *resp = MHD_create_response_from_buffer(len, text, MHD_RESPMEM_MUST_FREE);
    if (!resp) {
        free(text);
        return MHD_NO;
    }
    MHD_add_response_header(resp, "Content-Type", "application/json");
    sl_reply_digest(resp, text, len);
    return sl_reply(r, status, resp);
}

enum MHD_Result sl_reply_error(sl_req *r, unsigned status, cJSON *extra, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    cJSON *o = cJSON_CreateObject();
    if (o && !cJSON_AddStringToObject(o, "error", msg)) {
        cJSON_Delete(o);
        o = NULL;
    }
    if (o && extra) {
        cJSON *it = extra->child;
        while (it) {
            cJSON *next = it->next;
            cJSON *d = cJSON_DetachItemViaPointer(extra, it);
            cJSON_AddItemToObject(o, d->string, d);
            it = next;
        }
    }
    cJSON_Delete(extra);
    return sl_reply_json(r, status, o);
}

cJSON *sl_req_json(sl_req *r, enum MHD_Result *result)
{
    return sl_req_json_values(r, r->route->body_max / 16, result);
}

cJSON *sl_req_json_values(sl_req *r, size_t max_values, enum MHD_Result *result)
{
    char perr[256];
    sl_json_limits lim = {.max_bytes = r->route->body_max, .max_depth = 32, .max_values = max_values};
    if (r->body.len == 0) {
        *result = sl_reply_error(r, 400, NULL, "the request body is empty; a JSON object is expected");
        return NULL;
    }
    /* cJSON cuts a string at an escaped NUL ("po\u0000ster" becomes "po"),
     * which would let a name change silently: NUL is refused outright. */
    if (memmem(r->body.data, r->body.len, "\\u0000", 6)) {
        *result = sl_reply_error(r, 400, NULL, "NUL characters (\\u0000) are not allowed in any text");
        return NULL;
    }
    cJSON *root = sl_json_parse(r->body.data, r->body.len, &lim, perr, sizeof perr);
    if (!root) {
        *result = sl_reply_error(r, 400, NULL, "the body cannot be read as JSON: %s", perr);
        return NULL;
    }
    if (!cJSON_IsObject(root)) {
        cJSON_Delete(root);
        *result = sl_reply_error(r, 400, NULL, "the body must be a JSON object");
        return NULL;
    }
    return root;
}

enum MHD_Result sl_reply_store_error(sl_hub *hub, sl_req *r, const char *err)
{
    sl_log_error(&hub->log, "%s %s: %s", r->method, r->url, err);
    return sl_reply_error(r, 500, NULL, "the hub could not read or write its store; see the hub's log");
}

enum MHD_Result sl_reply_svc_error(sl_hub *hub, sl_req *r, const sl_svc_err *e, cJSON *extra)
{
    if (e->rc == SL_SVC_STORE) {
        cJSON_Delete(extra);
        return sl_reply_store_error(hub, r, e->msg);
    }
    return sl_reply_error(r, e->rc == SL_SVC_FAILED ? 500u : (unsigned)e->rc, extra, "%s", e->msg);
}

bool sl_req_etag_matches(const sl_req *r, const char *etag)
{
    const char *inm = sl_req_header(r, "If-None-Match");
    if (!inm)
        return false;
    size_t el = strlen(etag);
    const char *p = inm;
    while (*p) {
        while (*p == ' ' || *p == '\t' || *p == ',')
            p++;
        if (!*p)
            break;
        if (*p == '*')
            return true;
        if (p[0] == 'W' && p[1] == '/')
            p += 2;
        const char *e = p;
        if (*e == '"') {
            e = strchr(p + 1, '"');
            e = e ? e + 1 : p + strlen(p);
        } else {
            while (*e && *e != ',')
                e++;
        }
        if ((size_t)(e - p) == el && memcmp(p, etag, el) == 0)
            return true;
        p = e;
    }
    return false;
}
