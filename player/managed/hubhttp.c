/* hubhttp.c — the player's small libcurl client of the hub: capped replies, the hub's clock, resumable downloads. */
#include "player/managed/hubhttp.h"

#include "content/json.h"
#include "content/net/tlsclient.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#define HTTP_CONNECT_TIMEOUT_S 10L
#define HTTP_STALL_S 30L /* a transfer with no byte for this long fails */
#define HTTP_FREE_CHECK_BYTES (256 * 1024) /* a download looks at the free space this often */

struct sl_http {
    CURL *c;
    const atomic_bool *stop;
    int64_t keep_free; /* downloads stop when less would be left free; 0 = fill the disk */
    char *ca;          /* the pinned hub-ca file, or NULL: the system's CA store */
};

int sl_http_global_init(void)
{
    return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 0 : -1;
}

int64_t sl_http_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t sl_http_mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

sl_http *sl_http_new(const atomic_bool *stop)
{
    if (sl_http_global_init() != 0)
        return NULL;
    sl_http *h = calloc(1, sizeof *h);
    if (!h)
        return NULL;
    h->c = curl_easy_init();
    if (!h->c) {
        free(h);
        return NULL;
    }
    h->stop = stop;
    return h;
}

sl_http *sl_http_new_ca(const atomic_bool *stop, const char *ca_file)
{
    sl_http *h = sl_http_new(stop);
    if (h && sl_http_set_ca(h, ca_file) != 0) {
        sl_http_free(h);
        return NULL;
    }
    return h;
}

int sl_http_set_ca(sl_http *h, const char *ca_file)
{
    if (!h)
        return 0;
    char *ca = ca_file && ca_file[0] ? strdup(ca_file) : NULL;
    if (ca_file && ca_file[0] && !ca)
        return -1;
    free(h->ca);
    h->ca = ca;
    return 0;
}

void sl_http_keep_free(sl_http *h, int64_t bytes)
{
    if (h)
        h->keep_free = bytes > 0 ? bytes : 0;
}

void sl_http_free(sl_http *h)
{
    if (!h)
        return;
    curl_easy_cleanup(h->c);
    free(h->ca);
    free(h);
}

void sl_http_reply_free(sl_http_reply *rep)
{
    if (!rep)
        return;
    free(rep->body);
    memset(rep, 0, sizeof *rep);
    rep->date_ms = -1;
    rep->retry_after_s = -1;
}

typedef struct {
    char *buf;
    size_t len, cap, max;
    bool over;
} sink;

static size_t sink_write(char *p, size_t sz, size_t n, void *ud)
{
    sink *s = ud;
    size_t add = sz * n;
    if (add > s->max - s->len) {
        s->over = true;
        return 0;
    }
    if (s->len + add + 1 > s->cap) {
        size_t nc = s->cap ? s->cap : 4096;
        while (nc < s->len + add + 1)
            nc *= 2;
        char *nb = realloc(s->buf, nc);
        if (!nb)
            return 0;
        s->buf = nb;
        s->cap = nc;
    }
    memcpy(s->buf + s->len, p, add);
    s->len += add;
    s->buf[s->len] = 0;
    return add;
}

typedef struct {
    char etag[160];
    char channel[80];
    int64_t date_ms;
    int64_t retry_after_s;
} hdrs;

static size_t hdr_cb(char *p, size_t sz, size_t n, void *ud)
{
    hdrs *h = ud;
    size_t len = sz * n;
    char line[512];
    size_t l = len < sizeof line - 1 ? len : sizeof line - 1;
    memcpy(line, p, l);
    line[l] = 0;
    while (l && (line[l - 1] == '\r' || line[l - 1] == '\n'))
        line[--l] = 0;
    if (!strncasecmp(line, "HTTP/", 5)) { /* a new reply (after 100 Continue): forget the last */
        h->etag[0] = 0;
        h->channel[0] = 0;
        h->date_ms = -1;
        h->retry_after_s = -1;
    } else if (!strncasecmp(line, "Retry-After:", 12)) {
        const char *v = line + 12;
        while (*v == ' ' || *v == '\t')
            v++;
        char *end;
        long long secs = strtoll(v, &end, 10);
        if (end != v && *end == 0 && secs >= 0) {
            h->retry_after_s = secs;
        } else { /* an HTTP date */
            time_t t = curl_getdate(v, NULL);
            time_t now = time(NULL);
            h->retry_after_s = t == (time_t)-1 ? -1 : (t > now ? (int64_t)(t - now) : 0);
        }
    } else if (!strncasecmp(line, "Screenlit-Channel:", 18)) {
        const char *v = line + 18;
        while (*v == ' ' || *v == '\t')
            v++;
        snprintf(h->channel, sizeof h->channel, "%s", v);
    } else if (!strncasecmp(line, "ETag:", 5)) {
        const char *v = line + 5;
        while (*v == ' ' || *v == '\t')
            v++;
        snprintf(h->etag, sizeof h->etag, "%s", v);
    } else if (!strncasecmp(line, "Date:", 5)) {
        time_t t = curl_getdate(line + 5, NULL);
        h->date_ms = t == (time_t)-1 ? -1 : (int64_t)t * 1000;
    }
    return len;
}

static int xferinfo(void *ud, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
    const sl_http *h = ud;
    return h->stop && atomic_load(h->stop) ? 1 : 0;
}

static void common_opts(sl_http *h, const char *url, struct curl_slist *hl, char *cerr, hdrs *hd)
{
    CURL *c = h->c;
    curl_easy_reset(c);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "screenlit-player/" SL_PLAYER_VERSION);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, cerr);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, HTTP_CONNECT_TIMEOUT_S);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, HTTP_STALL_S);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    sl_tlsclient_setup(c, h->ca);
    curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, xferinfo);
    curl_easy_setopt(c, CURLOPT_XFERINFODATA, (void *)h);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, hdr_cb);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, hd);
}

int sl_http_send(sl_http *h, const sl_http_req *rq, sl_http_reply *rep, char *err, size_t errlen)
{
    int rc = -1;
    struct curl_slist *hl = NULL;
    char line[SL_HTTP_TOKEN_MAX + 200], cerr[CURL_ERROR_SIZE] = "";
    sink s = {.max = rq->reply_max ? rq->reply_max : SL_HTTP_REPLY_MAX};
    hdrs hd = {.date_ms = -1, .retry_after_s = -1};
    memset(rep, 0, sizeof *rep);
    rep->date_ms = -1;
    rep->retry_after_s = -1;

    if (rq->token) {
        snprintf(line, sizeof line, "Authorization: Bearer %s", rq->token);
        hl = curl_slist_append(hl, line);
    }
    if (rq->content_type) {
        snprintf(line, sizeof line, "Content-Type: %s", rq->content_type);
        hl = curl_slist_append(hl, line);
    }
    if (rq->if_none_match && rq->if_none_match[0]) {
        snprintf(line, sizeof line, "If-None-Match: %s", rq->if_none_match);
        hl = curl_slist_append(hl, line);
    }
    hl = curl_slist_append(hl, "Expect:");
    if (!hl) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    common_opts(h, rq->url, hl, cerr, &hd);
    CURL *c = h->c;
    curl_easy_setopt(c, CURLOPT_TIMEOUT, rq->timeout_s > 0 ? rq->timeout_s : 60L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sink_write);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &s);
    if (!strcmp(rq->method, "GET")) {
        curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
    } else {
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)rq->body_len);
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, rq->body ? (const char *)rq->body : "");
        if (strcmp(rq->method, "POST") != 0)
            curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, rq->method);
    }
    CURLcode cc = curl_easy_perform(c);
    rep->local_ms = sl_http_now_ms();
    if (s.over) {
        snprintf(err, errlen, "the reply from %s is larger than %zu bytes", rq->url, s.max);
        goto out;
    }
    if (cc != CURLE_OK) {
        char why[600];
        sl_tlsclient_explain(c, cc, rq->url, cerr, h->ca, why, sizeof why);
        snprintf(err, errlen, "%s%s", sl_tlsclient_is_tls_error(cc) ? "" : "the hub did not answer: ", why);
        goto out;
    }
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &rep->status);
    rep->body = s.buf;
    rep->len = s.len;
    s.buf = NULL;
    snprintf(rep->etag, sizeof rep->etag, "%s", hd.etag);
    snprintf(rep->channel, sizeof rep->channel, "%s", hd.channel);
    rep->date_ms = hd.date_ms;
    rep->retry_after_s = hd.retry_after_s;
    rc = 0;
out:
    free(s.buf);
    curl_slist_free_all(hl);
    return rc;
}

double sl_http_retry_after(const sl_http_reply *rep, double cap_s)
{
    if (!rep || (rep->status != 503 && rep->status != 429) || rep->retry_after_s < 0)
        return 0;
    return (double)rep->retry_after_s < cap_s ? (double)rep->retry_after_s : cap_s;
}

void sl_http_reply_error(const sl_http_reply *rep, char *buf, size_t len)
{
    if (rep->body && rep->len) {
        cJSON *j = sl_json_parse(rep->body, rep->len, NULL, NULL, 0);
        const char *e = j ? sl_json_str(j, "error") : NULL;
        if (e) {
            snprintf(buf, len, "%ld: %s", rep->status, e);
            cJSON_Delete(j);
            return;
        }
        cJSON_Delete(j);
    }
    snprintf(buf, len, "HTTP status %ld", rep->status);
}

typedef struct {
    sl_http *h;
    int fd;
    int64_t offset;  /* bytes held before this transfer */
    int64_t written; /* bytes written by this transfer */
    int64_t expect;
    bool started, truncated, too_long, bad_status, write_err, low_space;
    int write_errno;
    long status;
    int64_t unchecked; /* bytes written since the free space was last looked at */
    int64_t free_left; /* what it was when the download stopped for it */
} dl_state;

/* Whether the disk of the part file still has more than keep_free bytes free. */
static bool dl_room(dl_state *d, size_t len)
{
    d->unchecked += (int64_t)len;
    if (d->h->keep_free <= 0 || d->unchecked < HTTP_FREE_CHECK_BYTES)
        return true;
    d->unchecked = 0;
    struct statvfs vfs;
    if (fstatvfs(d->fd, &vfs) != 0)
        return true;
    d->free_left = (int64_t)vfs.f_bavail * (int64_t)vfs.f_frsize;
    return d->free_left >= d->h->keep_free;
}

static size_t dl_write(char *p, size_t sz, size_t n, void *ud)
{
    dl_state *d = ud;
    size_t len = sz * n;
    if (!d->started) {
        d->started = true;
        curl_easy_getinfo(d->h->c, CURLINFO_RESPONSE_CODE, &d->status);
        if (d->status == 200 && d->offset > 0) { /* the server ignored the Range: start again */
            if (ftruncate(d->fd, 0) != 0 || lseek(d->fd, 0, SEEK_SET) != 0) {
                d->write_err = true;
                d->write_errno = errno;
                return 0;
            }
            d->offset = 0;
            d->truncated = true;
        } else if (!(d->status == 200 || (d->status == 206 && d->offset > 0))) {
            d->bad_status = true;
            return 0;
        }
    }
    if ((int64_t)len > d->expect - d->offset - d->written) {
        d->too_long = true;
        return 0;
    }
    if (!dl_room(d, len)) { /* something else filled the disk: leave the rest to the journal */
        d->low_space = true;
        return 0;
    }
    size_t done = 0;
    while (done < len) {
        ssize_t w = write(d->fd, p + done, len - done);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            d->write_err = true;
            d->write_errno = errno;
            return 0;
        }
        done += (size_t)w;
    }
    d->written += (int64_t)len;
    return len;
}

int sl_http_download(sl_http *h, const char *url, const char *part_path, int64_t expect_size,
                     bool *disk_full, int64_t *fetched, char *err, size_t errlen)
{
    int rc = -1;
    struct curl_slist *hl = NULL;
    char cerr[CURL_ERROR_SIZE] = "", range[64];
    hdrs hd = {.date_ms = -1, .retry_after_s = -1};
    dl_state d = {.h = h, .fd = -1, .expect = expect_size};
    *disk_full = false;
    if (fetched)
        *fetched = 0;
    d.fd = open(part_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (d.fd < 0) {
        *disk_full = errno == ENOSPC || errno == EDQUOT;
        snprintf(err, errlen, "cannot create %s: %s", part_path, strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(d.fd, &st) != 0) {
        snprintf(err, errlen, "cannot read %s: %s", part_path, strerror(errno));
        goto out;
    }
    if (st.st_size > expect_size) {
        if (ftruncate(d.fd, 0) != 0) {
            snprintf(err, errlen, "cannot truncate %s: %s", part_path, strerror(errno));
            goto out;
        }
        st.st_size = 0;
    }
    d.offset = st.st_size;
    if (d.offset < expect_size) {
        if (d.offset > 0) {
            snprintf(range, sizeof range, "Range: bytes=%lld-", (long long)d.offset);
            hl = curl_slist_append(hl, range);
            if (!hl) {
                snprintf(err, errlen, "out of memory");
                goto out;
            }
        }
        common_opts(h, url, hl, cerr, &hd);
        curl_easy_setopt(h->c, CURLOPT_HTTPGET, 1L);
        curl_easy_setopt(h->c, CURLOPT_WRITEFUNCTION, dl_write);
        curl_easy_setopt(h->c, CURLOPT_WRITEDATA, &d);
        CURLcode cc = curl_easy_perform(h->c);
        if (!d.started)
            curl_easy_getinfo(h->c, CURLINFO_RESPONSE_CODE, &d.status);
        if (d.low_space) {
            *disk_full = true;
            snprintf(err, errlen, "stopped writing %s: the disk has %lld bytes free, %lld are kept free", part_path,
                     (long long)d.free_left, (long long)h->keep_free);
            unlink(part_path);
            goto out;
        }
        if (d.write_err) {
            *disk_full = d.write_errno == ENOSPC || d.write_errno == EDQUOT;
            snprintf(err, errlen, "cannot write %s: %s", part_path, strerror(d.write_errno));
            if (*disk_full)
                unlink(part_path);
            goto out;
        }
        if (d.too_long) {
            snprintf(err, errlen, "%s is longer than the %lld bytes the manifest gives", url,
                     (long long)expect_size);
            unlink(part_path);
            goto out;
        }
        if (d.bad_status || (cc == CURLE_OK && d.status != 200 && d.status != 206)) {
            snprintf(err, errlen, "%s answered HTTP status %ld", url, d.status);
            if (d.status == 416)
                unlink(part_path); /* our part does not fit the file there: start over */
            goto out;
        }
        if (cc != CURLE_OK) {
            char why[600];
            sl_tlsclient_explain(h->c, cc, url, cerr, h->ca, why, sizeof why);
            snprintf(err, errlen, "download of %s stopped at %lld of %lld bytes: %s", url,
                     (long long)(d.offset + d.written), (long long)expect_size, why);
            rc = 1;
            goto out;
        }
        if (d.offset + d.written < expect_size) {
            snprintf(err, errlen, "%s ended at %lld of %lld bytes", url, (long long)(d.offset + d.written),
                     (long long)expect_size);
            rc = 1;
            goto out;
        }
    }
    if (fsync(d.fd) != 0) {
        *disk_full = errno == ENOSPC || errno == EDQUOT;
        snprintf(err, errlen, "cannot write %s: %s", part_path, strerror(errno));
        goto out;
    }
    rc = 0;
out:
    if (fetched)
        *fetched = d.written;
    if (d.fd >= 0)
        close(d.fd);
    curl_slist_free_all(hl);
    return rc;
}
