/* mediacopy.c — copies a media file named by its SHA-256 and checks that the copy has that hash and size. */
#include "content/mediacopy.h"

#include "content/media.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MEDIACOPY_BUF_BYTES (1u << 20)

/* Writes all of buf; returns 0 or -1 with errno. */
static int write_all(int fd, const unsigned char *buf, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, buf, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        buf += w;
        n -= (size_t)w;
    }
    return 0;
}

int sl_mediacopy_file(const char *src, const char *dst, const char *sha256_hex, int64_t size, bool *full,
                      char *err, size_t errlen)
{
    int rc = SL_MEDIACOPY_FAILED;
    int in = -1, out = -1;
    unsigned char *buf = NULL;
    int64_t copied = 0;
    char got[SL_SHA256_HEX_LEN + 1], why[512];
    int64_t got_size = -1;
    struct stat sb;

    if (full)
        *full = false;
    if (!src || !dst) {
        snprintf(err, errlen, "no file given");
        return SL_MEDIACOPY_FAILED;
    }
    in = open(src, O_RDONLY | O_CLOEXEC);
    if (in < 0) {
        snprintf(err, errlen, "%s: %s", src, strerror(errno));
        rc = errno == ENOENT ? SL_MEDIACOPY_MISMATCH : SL_MEDIACOPY_FAILED;
        goto out;
    }
    if (fstat(in, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        snprintf(err, errlen, "%s: not a regular file", src);
        rc = SL_MEDIACOPY_MISMATCH;
        goto out;
    }
    if ((int64_t)sb.st_size != size) {
        snprintf(err, errlen, "%s: %lld bytes, but its manifest says %lld", src, (long long)sb.st_size,
                 (long long)size);
        rc = SL_MEDIACOPY_MISMATCH;
        goto out;
    }
    out = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (out < 0) {
        snprintf(err, errlen, "%s: %s", dst, strerror(errno));
        if (full)
            *full = errno == ENOSPC || errno == EDQUOT;
        goto out;
    }
    if (!(buf = malloc(MEDIACOPY_BUF_BYTES))) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    for (;;) {
        ssize_t r = read(in, buf, MEDIACOPY_BUF_BYTES);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            snprintf(err, errlen, "%s: %s", src, strerror(errno));
            goto out;
        }
        if (r == 0)
            break;
        copied += r;
        if (copied > size) { /* it grew while being copied */
            snprintf(err, errlen, "%s: longer than its manifest says", src);
            rc = SL_MEDIACOPY_MISMATCH;
            goto out;
        }
        if (write_all(out, buf, (size_t)r) != 0) {
            snprintf(err, errlen, "%s: %s", dst, strerror(errno));
            if (full)
                *full = errno == ENOSPC || errno == EDQUOT;
            goto out;
        }
    }
    int synced = fsync(out) == 0 ? 0 : errno;
    int closed = close(out) == 0 ? 0 : errno;
    out = -1;
    if (synced || closed) {
        int e = synced ? synced : closed;
        snprintf(err, errlen, "%s: %s", dst, strerror(e));
        if (full)
            *full = e == ENOSPC || e == EDQUOT;
        goto out;
    }
    /* The copy on our disk is what counts: hash it, not the source. */
    if (sha256_hex && sl_media_sha256_file(dst, got, &got_size, why, sizeof why) != 0) {
        snprintf(err, errlen, "cannot hash the copy: %s", why);
        goto out;
    }
    if (sha256_hex && (got_size != size || strcmp(got, sha256_hex) != 0)) {
        snprintf(err, errlen, "%s: its bytes do not match its SHA-256", src);
        rc = SL_MEDIACOPY_MISMATCH;
        goto out;
    }
    rc = SL_MEDIACOPY_OK;
out:
    free(buf);
    if (in >= 0)
        close(in);
    if (out >= 0)
        close(out);
    if (rc != SL_MEDIACOPY_OK)
        unlink(dst);
    return rc;
}
