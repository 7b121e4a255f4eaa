/* routes_media.c — media: which files the hub lacks, resumable verified uploads, and GET/HEAD /media/<sha256> with ranges. */
#define _GNU_SOURCE
#include "tools/hub/http/routes.h"

#include "content/json.h"
#include "content/media.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define MEDIA_FILE_MAX (4LL * 1024 * 1024 * 1024) /* 4 GiB */
#define MISSING_MAX 10000
#define PATH_BYTES 4096

typedef struct {
    int fd;
    int64_t start, end, total; /* this part is bytes start..end of total */
    int64_t written;
    char sha[SL_SHA256_HEX_LEN + 1];
} upload;

static void media_path(const sl_hub *hub, const char *sha, char *buf, size_t len)
{
    snprintf(buf, len, "%s/%s", hub->media_dir, sha);
}

static void partial_path(const sl_hub *hub, const char *sha, char *buf, size_t len)
{
    snprintf(buf, len, "%s/%s", hub->partial_dir, sha);
}

/* The size of a regular file, or -1. */
static int64_t file_size(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
        return -1;
    return (int64_t)st.st_size;
}

enum MHD_Result sl_h_media_missing(sl_hub *hub, sl_req *r)
{
    enum MHD_Result res;
    char path[PATH_BYTES];
    cJSON *in = sl_req_json(r, &res);
    if (!in)
        return res;
    cJSON *list = cJSON_GetObjectItemCaseSensitive(in, "media");
    cJSON *missing = NULL;
    if (!cJSON_IsArray(list) || cJSON_GetArraySize(list) > MISSING_MAX) {
        res = sl_reply_error(r, 400, NULL, "\"media\" must be a list of at most %d {\"sha256\", \"size\"}",
                             MISSING_MAX);
        goto out;
    }
    missing = cJSON_CreateArray();
    int i = 0;
    const cJSON *m;
    cJSON_ArrayForEach(m, list)
    {
        const char *sha = cJSON_IsObject(m) ? sl_json_str(m, "sha256") : NULL;
        int64_t size;
        if (!sha || !sl_media_is_sha256(sha) || sl_json_int(m, "size", 0, MEDIA_FILE_MAX, true, 0, &size) != 0) {
            res = sl_reply_error(r, 400, NULL,
                                 "media[%d]: needs \"sha256\" (64 lowercase hex digits) and \"size\" (bytes, at "
                                 "most 4 GiB)", i);
            goto out;
        }
        i++;
        media_path(hub, sha, path, sizeof path);
        if (file_size(path) >= 0)
            continue;
        partial_path(hub, sha, path, sizeof path);
        int64_t got = file_size(path);
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "sha256", sha);
        cJSON_AddNumberToObject(o, "size", (double)size);
        cJSON_AddNumberToObject(o, "received", (double)(got > 0 && got <= size ? got : 0));
        cJSON_AddItemToArray(missing, o);
    }
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToObject(o, "missing", missing);
    missing = NULL;
    res = sl_reply_json(r, 200, o);
out:
    cJSON_Delete(missing);
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
    char path[PATH_BYTES];
    if (!sl_media_is_sha256(r->param)) {
        sl_reply_error(r, 400, NULL, "media are named by their SHA-256: 64 lowercase hex digits");
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
    media_path(hub, r->param, path, sizeof path);
    int64_t have = file_size(path);
    if (have >= 0) {
        reply_received(r, 200, have, true);
        return 1;
    }
    upload *u = calloc(1, sizeof *u);
    if (!u) {
        sl_reply_error(r, 500, NULL, "out of memory");
        return 1;
    }
    u->fd = -1;
    r->priv = u;
    snprintf(u->sha, sizeof u->sha, "%s", r->param);
    const char *cr = sl_req_header(r, "Content-Range");
    if (cr) {
        if (parse_content_range(cr, &u->start, &u->end, &u->total) != 0 || u->end - u->start + 1 != len) {
            sl_reply_error(r, 400, NULL, "Content-Range must be \"bytes START-END/TOTAL\" and match the body's "
                                         "length");
            return 1;
        }
    } else {
        u->start = 0;
        u->total = len;
        u->end = len - 1;
    }
    if (u->total > MEDIA_FILE_MAX) {
        sl_reply_error(r, 413, NULL, "a media file may be at most 4 GiB");
        return 1;
    }
    partial_path(hub, r->param, path, sizeof path);
    u->fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
    if (u->fd < 0) {
        sl_log_error(&hub->log, "%s: %s", path, strerror(errno));
        sl_reply_error(r, 500, NULL, "the hub cannot write its media folder");
        return 1;
    }
    if (flock(u->fd, LOCK_EX | LOCK_NB) != 0) {
        close(u->fd);
        u->fd = -1;
        sl_reply_error(r, 409, NULL, "another upload of this file is in progress");
        return 1;
    }
    struct stat st;
    if (fstat(u->fd, &st) != 0) {
        sl_reply_error(r, 500, NULL, "the hub cannot read its media folder");
        return 1;
    }
    int64_t got = (int64_t)st.st_size;
    if (got > u->total) { /* left by an upload of a different length: start again */
        if (ftruncate(u->fd, 0) != 0) {
            sl_reply_error(r, 500, NULL, "the hub cannot write its media folder");
            return 1;
        }
        got = 0;
    }
    if (got != u->start) {
        cJSON *x = cJSON_CreateObject();
        cJSON_AddNumberToObject(x, "received", (double)got);
        sl_reply_error(r, 409, x, "the hub holds %" PRId64 " bytes of this file; continue from there", got);
        return 1;
    }
    return 0;
}

void sl_h_media_put_chunk(sl_hub *hub, sl_req *r, const char *data, size_t len)
{
    upload *u = r->priv;
    while (len) {
        ssize_t n = pwrite(u->fd, data, len, (off_t)(u->start + u->written));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            sl_log_error(&hub->log, "writing media %s: %s", u->sha, strerror(errno));
            sl_req_fail(r, 500, NULL, "the hub could not write the file (disk full?)");
            return;
        }
        u->written += n;
        data += n;
        len -= (size_t)n;
    }
}

void sl_h_media_put_cleanup(sl_hub *hub, sl_req *r)
{
    upload *u = r->priv;
    if (!u)
        return;
    if (u->fd >= 0)
        close(u->fd);
    free(u);
    r->priv = NULL;
}

static int fsync_path(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_DIRECTORY);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

enum MHD_Result sl_h_media_put(sl_hub *hub, sl_req *r)
{
    upload *u = r->priv;
    char part[PATH_BYTES], final[PATH_BYTES], err[512];
    char got[SL_SHA256_HEX_LEN + 1];
    int64_t size = 0;
    if (fdatasync(u->fd) != 0) {
        sl_log_error(&hub->log, "syncing media %s: %s", u->sha, strerror(errno));
        return sl_reply_error(r, 500, NULL, "the hub could not write the file");
    }
    int64_t have = u->start + u->written;
    if (have < u->total)
        return reply_received(r, 200, have, false);
    partial_path(hub, u->sha, part, sizeof part);
    media_path(hub, u->sha, final, sizeof final);
    if (sl_media_sha256_file(part, got, &size, err, sizeof err) != 0) {
        sl_log_error(&hub->log, "hashing %s: %s", part, err);
        return sl_reply_error(r, 500, NULL, "the hub could not read the uploaded file back");
    }
    if (strcmp(got, u->sha) != 0) {
        unlink(part);
        sl_log_warn(&hub->log, "upload of %s refused: its bytes hash to %s", u->sha, got);
        return sl_reply_error(r, 400, NULL,
                              "the uploaded bytes have SHA-256 %s, not %s; the upload was discarded, send the "
                              "file again", got, u->sha);
    }
    if (fsync(u->fd) != 0 || rename(part, final) != 0 || fsync_path(hub->media_dir) != 0) {
        sl_log_error(&hub->log, "storing %s: %s", final, strerror(errno));
        return sl_reply_error(r, 500, NULL, "the hub could not store the file");
    }
    if (hub->store->ops->media_add(hub->store, u->sha, size, sl_hub_now_ms(), err, sizeof err) != SL_ST_OK)
        sl_log_warn(&hub->log, "media %s stored but not catalogued: %s", u->sha, err);
    sl_log_info(&hub->log, "media %s stored (%" PRId64 " bytes)", u->sha, size);
    return reply_received(r, 200, size, true);
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
    char path[PATH_BYTES], etag[SL_SHA256_HEX_LEN + 3], cr[96];
    if (!sl_media_is_sha256(r->param))
        return sl_reply_error(r, 400, NULL, "media are named by their SHA-256: 64 lowercase hex digits");
    media_path(hub, r->param, path, sizeof path);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        if (fd >= 0)
            close(fd);
        return sl_reply_error(r, 404, NULL, "the hub has no media %s", r->param);
    }
    int64_t size = (int64_t)st.st_size;
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
