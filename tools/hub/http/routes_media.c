/* routes_media.c — HTTP for media (service/hub_media.c does the work): the missing list, uploads (Content-Type, Content-Length, Content-Range), and GET/HEAD /media/<sha256> with ETag and ranges (206, 304, 416). */
#define _GNU_SOURCE
#include "tools/hub/http/routes.h"
#include "tools/hub/service/hub_media.h"

#include "content/json.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum MHD_Result sl_h_media_missing(sl_hub *hub, sl_req *r)
{
    enum MHD_Result res;
    sl_svc_err e;
    sl_hub_media_want *want = NULL;
    cJSON *missing = NULL;
    cJSON *in = sl_req_json(r, &res);
    if (!in)
        return res;
    cJSON *list = cJSON_GetObjectItemCaseSensitive(in, "media");
    if (!cJSON_IsArray(list) || cJSON_GetArraySize(list) > SL_HUB_MEDIA_MISSING_MAX) {
        res = sl_reply_error(r, 400, NULL, "\"media\" must be a list of at most %d {\"sha256\", \"size\"}",
                             SL_HUB_MEDIA_MISSING_MAX);
        goto out;
    }
    size_t n = (size_t)cJSON_GetArraySize(list), i = 0;
    want = calloc(n ? n : 1, sizeof *want);
    if (!want) {
        res = sl_reply_error(r, 500, NULL, "out of memory");
        goto out;
    }
    const cJSON *m;
    cJSON_ArrayForEach(m, list)
    {
        /* What is not a name or a size is left empty or -1: the service refuses it. */
        const char *sha = cJSON_IsObject(m) ? sl_json_str(m, "sha256") : NULL;
        size_t len = sha ? strlen(sha) : 0;
        if (len <= SL_SHA256_HEX_LEN)
            memcpy(want[i].sha256, sha ? sha : "", len + 1);
        if (!sha || sl_json_int(m, "size", 0, SL_HUB_MEDIA_FILE_MAX, true, 0, &want[i].size) != 0)
            want[i].size = -1;
        i++;
    }
    if (sl_hub_media_missing(hub, want, n, &e) != SL_SVC_OK) {
        res = sl_reply_svc_error(hub, r, &e, NULL);
        goto out;
    }
    missing = cJSON_CreateArray();
    for (i = 0; i < n; i++) {
        if (!want[i].missing)
            continue;
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "sha256", want[i].sha256);
        cJSON_AddNumberToObject(o, "size", (double)want[i].size);
        cJSON_AddNumberToObject(o, "received", (double)want[i].received);
        cJSON_AddItemToArray(missing, o);
    }
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToObject(o, "missing", missing);
    missing = NULL;
    res = sl_reply_json(r, 200, o);
out:
    cJSON_Delete(missing);
    free(want);
    cJSON_Delete(in);
    return res;
}

/* Parses "bytes START-END/TOTAL". Returns 0 or -1. */
static int parse_content_range(const char *s, int64_t *start, int64_t *end, int64_t *total)
{
    long long a, b, t;
    int n = 0;
    if (sscanf(s, "bytes %lld-%lld/%lld%n", &a, &b, &t, &n) != 3 || s[n] != '\0')
        return -1;
    if (a < 0 || b < a || t <= b)
        return -1;
    *start = a;
    *end = b;
    *total = t;
    return 0;
}

static enum MHD_Result reply_received(sl_req *r, unsigned status, int64_t received, bool complete)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "received", (double)received);
    cJSON_AddBoolToObject(o, "complete", complete);
    return sl_reply_json(r, status, o);
}

int sl_h_media_put_begin(sl_hub *hub, sl_req *r)
{
    sl_svc_err e;
    int64_t have = 0, start, end, total, held;
    if (!sl_media_is_sha256(r->param)) {
        sl_reply_error(r, 400, NULL, SL_HUB_MEDIA_NAME_RULE);
        return 1;
    }
    if (!sl_req_content_type_is(r, "application/octet-stream")) {
        sl_reply_error(r, 415, NULL, "send media bytes as Content-Type: application/octet-stream");
        return 1;
    }
    const char *cl = sl_req_header(r, "Content-Length");
    if (!cl) {
        sl_reply_error(r, 411, NULL, "a media upload needs a Content-Length");
        return 1;
    }
    int64_t len = strtoll(cl, NULL, 10);
    if (sl_hub_media_stored(hub, r->param, &have, NULL) == SL_SVC_OK) {
        reply_received(r, 200, have, true);
        return 1;
    }
    const char *cr = sl_req_header(r, "Content-Range");
    if (cr) {
        if (parse_content_range(cr, &start, &end, &total) != 0 || end - start + 1 != len) {
            sl_reply_error(r, 400, NULL, "Content-Range must be \"bytes START-END/TOTAL\" and match the body's "
                                         "length");
            return 1;
        }
    } else {
        start = 0;
        total = len;
    }
    sl_hub_media_upload *u;
    sl_svc_rc rc = sl_hub_media_upload_begin(hub, r->param, start, total, &u, &held, &e);
    if (rc != SL_SVC_OK) {
        cJSON *x = NULL;
        if (rc == SL_SVC_CONFLICT && held >= 0) { /* the client resumes from what the hub holds */
            x = cJSON_CreateObject();
            cJSON_AddNumberToObject(x, "received", (double)held);
        }
        sl_reply_svc_error(hub, r, &e, x);
        return 1;
    }
    r->priv = u;
    return 0;
}

void sl_h_media_put_chunk(sl_hub *hub, sl_req *r, const char *data, size_t len)
{
    sl_svc_err e;
    if (sl_hub_media_upload_write(hub, r->priv, data, len, &e) != SL_SVC_OK)
        sl_req_fail(r, e.rc == SL_SVC_FAILED ? 500u : (unsigned)e.rc, NULL, "%s", e.msg);
}

void sl_h_media_put_cleanup(sl_hub *hub, sl_req *r)
{
    (void)hub;
    sl_hub_media_upload_free(r->priv);
    r->priv = NULL;
}

enum MHD_Result sl_h_media_put(sl_hub *hub, sl_req *r)
{
    sl_svc_err e;
    int64_t received = 0;
    bool complete = false;
    if (sl_hub_media_upload_finish(hub, r->priv, &received, &complete, &e) != SL_SVC_OK)
        return sl_reply_svc_error(hub, r, &e, NULL);
    return reply_received(r, 200, received, complete);
}

/* Parses a single range "bytes=A-B", "bytes=A-" or "bytes=-N" against size.
 * Returns 1 for a usable range, 0 to ignore the header (malformed, several
 * ranges), -1 when unsatisfiable. */
static int parse_range(const char *h, int64_t size, int64_t *from, int64_t *to)
{
    if (strncmp(h, "bytes=", 6) != 0 || strchr(h, ','))
        return 0;
    const char *p = h + 6;
    char *e;
    if (*p == '-') {
        if (p[1] < '0' || p[1] > '9')
            return 0;
        long long n = strtoll(p + 1, &e, 10);
        if (*e || n < 0)
            return 0;
        if (n == 0 || size == 0)
            return -1;
        *from = n >= size ? 0 : size - n;
        *to = size - 1;
        return 1;
    }
    if (*p < '0' || *p > '9')
        return 0;
    long long a = strtoll(p, &e, 10);
    if (*e != '-')
        return 0;
    p = e + 1;
    long long b = size - 1;
    if (*p) {
        if (*p < '0' || *p > '9')
            return 0;
        b = strtoll(p, &e, 10);
        if (*e || b < a)
            return 0;
    }
    if (a >= size)
        return -1;
    if (b >= size)
        b = size - 1;
    *from = a;
    *to = b;
    return 1;
}

static void media_headers(struct MHD_Response *resp, const char *etag)
{
    MHD_add_response_header(resp, "ETag", etag);
    MHD_add_response_header(resp, "Cache-Control", "public, max-age=31536000, immutable");
    MHD_add_response_header(resp, "Accept-Ranges", "bytes");
}

enum MHD_Result sl_h_media_get(sl_hub *hub, sl_req *r)
{
    char etag[SL_SHA256_HEX_LEN + 3], cr[96];
    sl_svc_err e;
    int fd = -1;
    int64_t size = 0;
    if (sl_hub_media_open(hub, r->param, &fd, &size, &e) != SL_SVC_OK)
        return sl_reply_svc_error(hub, r, &e, NULL);
    snprintf(etag, sizeof etag, "\"%s\"", r->param);
    if (sl_req_etag_matches(r, etag)) {
        close(fd);
        struct MHD_Response *resp = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
        if (resp)
            media_headers(resp, etag);
        return sl_reply(r, 304, resp);
    }
    int64_t from = 0, to = size - 1;
    int ranged = 0;
    const char *range = sl_req_header(r, "Range");
    const char *if_range = sl_req_header(r, "If-Range");
    if (range && (!if_range || strcmp(if_range, etag) == 0))
        ranged = parse_range(range, size, &from, &to);
    if (ranged < 0) {
        close(fd);
        snprintf(cr, sizeof cr, "bytes */%" PRId64, size);
        struct MHD_Response *resp;
        char *text = NULL;
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "error", "the range is past the end of the file");
        cJSON_AddNumberToObject(o, "size", (double)size);
        text = sl_json_print(o, false);
        cJSON_Delete(o);
        if (!text)
            return MHD_NO;
        resp = MHD_create_response_from_buffer(strlen(text), text, MHD_RESPMEM_MUST_FREE);
        if (!resp) {
            free(text);
            return MHD_NO;
        }
        MHD_add_response_header(resp, "Content-Type", "application/json");
        MHD_add_response_header(resp, "Content-Range", cr);
        return sl_reply(r, 416, resp);
    }
    uint64_t len = size == 0 ? 0 : (uint64_t)(to - from + 1);
    struct MHD_Response *resp = MHD_create_response_from_fd_at_offset64(len, fd, (uint64_t)from);
    if (!resp) {
        close(fd);
        return MHD_NO;
    }
    MHD_add_response_header(resp, "Content-Type", "application/octet-stream");
    media_headers(resp, etag);
    if (ranged > 0) {
        snprintf(cr, sizeof cr, "bytes %" PRId64 "-%" PRId64 "/%" PRId64, from, to, size);
        MHD_add_response_header(resp, "Content-Range", cr);
        return sl_reply(r, 206, resp);
    }
    return sl_reply(r, 200, resp);
}
