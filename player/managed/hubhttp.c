/* hubhttp.c — the player's small libcurl client of the hub: capped replies, the hub's clock, resumable downloads. */
#include "player/managed/hubhttp.h"

#include "content/net/tlsclient.h"
#include "content/net/transfer.h"
#include "content/wire.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

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
    sl_transfer_reply_free(rep);
}
static int xferinfo(void *ud, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
    const sl_http *h = ud;
    return h->stop && atomic_load(h->stop) ? 1 : 0;
}

/* The request every transfer of h starts from. */
static sl_transfer_req base_req(sl_http *h, const char *url)
{
    return (sl_transfer_req){.url = url,
                             .user_agent = "screenlit-player/" SL_PLAYER_VERSION,
                             .stall_s = HTTP_STALL_S,
                             .ca_file = h->ca,
                             .progress = xferinfo,
                             .progress_ud = h};
}

int sl_http_send(sl_http *h, const sl_http_req *rq, sl_http_reply *rep, char *err, size_t errlen)
{
    sl_transfer_req t = base_req(h, rq->url);
    t.method = rq->method;
    t.token = rq->token;
    t.content_type = rq->content_type;
    t.if_none_match = rq->if_none_match;
    t.body = rq->body;
    t.body_len = rq->body_len;
    t.reply_max = rq->reply_max ? rq->reply_max : SL_HTTP_REPLY_MAX;
    t.timeout_s = rq->timeout_s > 0 ? rq->timeout_s : 60L;
    CURLcode cc = sl_transfer_run(h->c, &t, rep);
    if (rep->over)
        snprintf(err, errlen, "the reply from %s is larger than %zu bytes", rq->url, t.reply_max);
    else if (cc != CURLE_OK)
        snprintf(err, errlen, "%s%s", sl_tlsclient_is_tls_error(cc) ? "" : "the hub did not answer: ", rep->why);
    else
        return 0;
    int64_t local = rep->local_ms;
    sl_transfer_reply_free(rep); /* no answer: no status, no body */
    rep->local_ms = local;
    return -1;
}

double sl_http_retry_after(const sl_http_reply *rep, double cap_s)
{
    return rep ? sl_transfer_retry_after(rep->status, rep->retry_after_s, cap_s) : 0;
}

void sl_http_reply_error(const sl_http_reply *rep, char *buf, size_t len)
{
    sl_wire_error e;
    if (sl_wire_error_parse(rep->body, rep->len, &e) == 0 && e.error[0])
        snprintf(buf, len, "%ld: %s", rep->status, e.error);
    else
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
    char range[64];
    sl_transfer_reply tr = {0};
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
        snprintf(range, sizeof range, "Range: bytes=%lld-", (long long)d.offset);
        sl_transfer_req t = base_req(h, url);
        t.header = d.offset > 0 ? range : NULL;
        t.write = dl_write;
        t.write_ud = &d;
        CURLcode cc = sl_transfer_run(h->c, &t, &tr);
        if (!d.started)
            d.status = tr.status;
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
            snprintf(err, errlen, "download of %s stopped at %lld of %lld bytes: %s", url,
                     (long long)(d.offset + d.written), (long long)expect_size, tr.why);
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
    sl_transfer_reply_free(&tr);
    return rc;
}
