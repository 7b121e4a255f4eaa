/* usb.c — USB bundles: notices a new manifest.json in the watched folder and copies media from it. */
#include "player/managed/usb.h"

#include "content/fsutil.h"
#include "content/manifest.h"
#include "content/media.h"
#include "content/mediacopy.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int sl_usb_init(sl_usb *u, const char *dir)
{
    memset(u, 0, sizeof *u);
    u->dir = strdup(dir);
    return u->dir ? 0 : -1;
}

void sl_usb_free(sl_usb *u)
{
    if (!u)
        return;
    free(u->dir);
    memset(u, 0, sizeof *u);
}

static int manifest_stat(const sl_usb *u, struct stat *st)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", u->dir, SL_USB_MANIFEST);
    return stat(path, st);
}

bool sl_usb_present(const sl_usb *u)
{
    struct stat st;
    return u && u->dir && manifest_stat(u, &st) == 0 && S_ISREG(st.st_mode);
}

int sl_usb_look(sl_usb *u, char **env, size_t *len, char *err, size_t errlen)
{
    char path[4200], why[512];
    struct stat st;
    *env = NULL;
    *len = 0;
    snprintf(path, sizeof path, "%s/%s", u->dir, SL_USB_MANIFEST);
    if (stat(path, &st) != 0) {
        int e = errno;
        u->seen = false;
        if (e == ENOENT || e == ENOTDIR)
            return 0; /* no stick, or no bundle on it */
        snprintf(err, errlen, "%s: %s", path, strerror(e));
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        u->seen = false;
        return 0;
    }
    if (u->seen && st.st_dev == u->dev && st.st_ino == u->ino && st.st_size == u->size &&
        st.st_mtim.tv_sec == u->mtime.tv_sec && st.st_mtim.tv_nsec == u->mtime.tv_nsec)
        return 0;
    if (sl_fs_read_file(path, SL_MANIFEST_MAX_BYTES, env, len, why, sizeof why) != 0) {
        u->seen = false;
        snprintf(err, errlen, "%s", why);
        return -1;
    }
    u->seen = true;
    u->dev = st.st_dev;
    u->ino = st.st_ino;
    u->size = st.st_size;
    u->mtime = st.st_mtim;
    return 1;
}

int sl_usb_copy_media(const sl_usb *u, const char *sha256, int64_t size, const char *dst, bool *full, char *err,
                      size_t errlen)
{
    char src[4200];
    if (!sl_media_is_sha256(sha256)) {
        snprintf(err, errlen, "not a media name");
        return SL_MEDIACOPY_MISMATCH;
    }
    snprintf(src, sizeof src, "%s/media/%s", u->dir, sha256);
    return sl_mediacopy_file(src, dst, NULL, size, full, err, errlen);
}
