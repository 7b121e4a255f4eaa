/* hub_media.c — media at the hub: which files it lacks, resumable verified uploads (locked partial files, hashed, renamed, catalogued), and opening a stored file. */
#define _GNU_SOURCE
#include "tools/hub/service/hub_media.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define PATH_BYTES 4096

struct sl_hub_media_upload {
    int fd;                 /* the partial file, locked */
    int64_t start, total;   /* this part starts at byte start of total */
    int64_t written;        /* bytes of this part written so far */
    char sha[SL_SHA256_HEX_LEN + 1];
};

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

sl_svc_rc sl_hub_media_missing(sl_hub *hub, sl_hub_media_want *list, size_t n, sl_svc_err *e)
{
    char path[PATH_BYTES];
    for (size_t i = 0; i < n; i++)
        if (!sl_media_is_sha256(list[i].sha256) || list[i].size < 0 || list[i].size > SL_HUB_MEDIA_FILE_MAX)
            return sl_svc_fail(e, SL_SVC_INVALID, "media[%zu]: needs \"sha256\" (64 lowercase hex digits) and "
                               "\"size\" (bytes, at most 4 GiB)", i);
    for (size_t i = 0; i < n; i++) {
        sl_hub_media_want *w = &list[i];
        media_path(hub, w->sha256, path, sizeof path);
        w->missing = file_size(path) < 0;
        w->received = 0;
        if (!w->missing)
            continue;
        partial_path(hub, w->sha256, path, sizeof path);
        int64_t got = file_size(path);
        if (got > 0 && got <= w->size)
            w->received = got;
    }
    return SL_SVC_OK;
}

sl_svc_rc sl_hub_media_stored(sl_hub *hub, const char *sha256, int64_t *size, sl_svc_err *e)
{
    char path[PATH_BYTES];
    if (!sl_media_is_sha256(sha256))
        return sl_svc_fail(e, SL_SVC_INVALID, SL_HUB_MEDIA_NAME_RULE);
    media_path(hub, sha256, path, sizeof path);
    int64_t have = file_size(path);
    if (have < 0)
        return sl_svc_fail(e, SL_SVC_NOT_FOUND, "the hub has no media %s", sha256);
    *size = have;
    return SL_SVC_OK;
}

/* Opens, locks and sizes the partial file of u->sha; *held gets the bytes it
 * holds for an upload of u->total bytes (-1 when another upload holds the
 * lock). */
static sl_svc_rc partial_open(sl_hub *hub, sl_hub_media_upload *u, int64_t *held, sl_svc_err *e)
{
    char path[PATH_BYTES];
    partial_path(hub, u->sha, path, sizeof path);
    u->fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
    if (u->fd < 0) {
        sl_log_error(&hub->log, "%s: %s", path, strerror(errno));
        return sl_svc_fail(e, SL_SVC_FAILED, "the hub cannot write its media folder");
    }
    if (flock(u->fd, LOCK_EX | LOCK_NB) != 0)
        return sl_svc_fail(e, SL_SVC_CONFLICT, "another upload of this file is in progress");
    struct stat st;
    if (fstat(u->fd, &st) != 0)
        return sl_svc_fail(e, SL_SVC_FAILED, "the hub cannot read its media folder");
    *held = (int64_t)st.st_size;
    if (*held > u->total) { /* left by an upload of a different length: start again */
        if (ftruncate(u->fd, 0) != 0)
            return sl_svc_fail(e, SL_SVC_FAILED, "the hub cannot write its media folder");
        *held = 0;
    }
    return SL_SVC_OK;
}

sl_svc_rc sl_hub_media_upload_begin(sl_hub *hub, const char *sha256, int64_t start, int64_t total,
                                    sl_hub_media_upload **out, int64_t *held, sl_svc_err *e)
{
    *out = NULL;
    *held = -1;
    if (!sl_media_is_sha256(sha256))
        return sl_svc_fail(e, SL_SVC_INVALID, SL_HUB_MEDIA_NAME_RULE);
    if (total > SL_HUB_MEDIA_FILE_MAX)
        return sl_svc_fail(e, SL_SVC_TOO_LARGE, "a media file may be at most 4 GiB");
    if (start < 0 || start > total)
        return sl_svc_fail(e, SL_SVC_INVALID, "the part starts at byte %" PRId64 ", outside the file's %" PRId64
                           " bytes", start, total);
    sl_hub_media_upload *u = calloc(1, sizeof *u);
    if (!u)
        return sl_svc_fail(e, SL_SVC_FAILED, "out of memory");
    u->fd = -1;
    u->start = start;
    u->total = total;
    snprintf(u->sha, sizeof u->sha, "%s", sha256);
    sl_svc_rc rc = partial_open(hub, u, held, e);
    if (rc == SL_SVC_OK && *held != start)
        rc = sl_svc_fail(e, SL_SVC_CONFLICT, "the hub holds %" PRId64 " bytes of this file; continue from there",
                         *held);
    if (rc != SL_SVC_OK) {
        sl_hub_media_upload_free(u);
        return rc;
    }
    *out = u;
    return SL_SVC_OK;
}

sl_svc_rc sl_hub_media_upload_write(sl_hub *hub, sl_hub_media_upload *u, const void *data, size_t len,
                                    sl_svc_err *e)
{
    const char *p = data;
    while (len) {
        ssize_t n = pwrite(u->fd, p, len, (off_t)(u->start + u->written));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            sl_log_error(&hub->log, "writing media %s: %s", u->sha, strerror(errno));
            return sl_svc_fail(e, SL_SVC_FAILED, "the hub could not write the file (disk full?)");
        }
        u->written += n;
        p += n;
        len -= (size_t)n;
    }
    return SL_SVC_OK;
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

sl_svc_rc sl_hub_media_upload_finish(sl_hub *hub, sl_hub_media_upload *u, int64_t *received, bool *complete,
                                     sl_svc_err *e)
{
    char part[PATH_BYTES], final[PATH_BYTES], err[512];
    char got[SL_SHA256_HEX_LEN + 1];
    int64_t size = 0;
    if (fdatasync(u->fd) != 0) {
        sl_log_error(&hub->log, "syncing media %s: %s", u->sha, strerror(errno));
        return sl_svc_fail(e, SL_SVC_FAILED, "the hub could not write the file");
    }
    *received = u->start + u->written;
    *complete = false;
    if (*received < u->total)
        return SL_SVC_OK;
    partial_path(hub, u->sha, part, sizeof part);
    media_path(hub, u->sha, final, sizeof final);
    if (sl_media_sha256_file(part, got, &size, err, sizeof err) != 0) {
        sl_log_error(&hub->log, "hashing %s: %s", part, err);
        return sl_svc_fail(e, SL_SVC_FAILED, "the hub could not read the uploaded file back");
    }
    if (strcmp(got, u->sha) != 0) {
        unlink(part);
        sl_log_warn(&hub->log, "upload of %s refused: its bytes hash to %s", u->sha, got);
        return sl_svc_fail(e, SL_SVC_INVALID, "the uploaded bytes have SHA-256 %s, not %s; the upload was "
                           "discarded, send the file again", got, u->sha);
    }
    if (fsync(u->fd) != 0 || rename(part, final) != 0 || fsync_path(hub->media_dir) != 0) {
        sl_log_error(&hub->log, "storing %s: %s", final, strerror(errno));
        return sl_svc_fail(e, SL_SVC_FAILED, "the hub could not store the file");
    }
    if (hub->store->ops->media_add(hub->store, u->sha, size, sl_hub_now_ms(), err, sizeof err) != SL_ST_OK)
        sl_log_warn(&hub->log, "media %s stored but not catalogued: %s", u->sha, err);
    sl_log_info(&hub->log, "media %s stored (%" PRId64 " bytes)", u->sha, size);
    *received = size;
    *complete = true;
    return SL_SVC_OK;
}

void sl_hub_media_upload_free(sl_hub_media_upload *u)
{
    if (!u)
        return;
    if (u->fd >= 0)
        close(u->fd);
    free(u);
}

sl_svc_rc sl_hub_media_open(sl_hub *hub, const char *sha256, int *fd, int64_t *size, sl_svc_err *e)
{
    char path[PATH_BYTES];
    if (!sl_media_is_sha256(sha256))
        return sl_svc_fail(e, SL_SVC_INVALID, SL_HUB_MEDIA_NAME_RULE);
    media_path(hub, sha256, path, sizeof path);
    int f = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (f < 0 || fstat(f, &st) != 0 || !S_ISREG(st.st_mode)) {
        if (f >= 0)
            close(f);
        return sl_svc_fail(e, SL_SVC_NOT_FOUND, "the hub has no media %s", sha256);
    }
    *fd = f;
    *size = (int64_t)st.st_size;
    return SL_SVC_OK;
}
