/* fsutil.c — capped file reads and write-temp/fsync/rename/fsync-folder replaces. */
#define _POSIX_C_SOURCE 200809L
#include "content/fsutil.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

int sl_fs_read_file(const char *path, size_t max_bytes, char **out, size_t *len, char *err,
                    size_t errlen)
{
    int rc = -1;
    int fd = -1;
    char *buf = NULL;
    *out = NULL;
    *len = 0;
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        goto out;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "%s: not a regular file", path);
        goto out;
    }
    if ((uint64_t)st.st_size > max_bytes) {
        snprintf(err, errlen, "%s: too large (%lld bytes; the limit is %zu)", path,
                 (long long)st.st_size, max_bytes);
        goto out;
    }
    size_t cap = (size_t)st.st_size + 1;
    buf = malloc(cap);
    if (!buf) {
        snprintf(err, errlen, "%s: out of memory", path);
        goto out;
    }
    size_t got = 0;
    for (;;) {
        if (got + 1 >= cap) {
            size_t ncap = cap * 2;
            char *nb = realloc(buf, ncap);
            if (!nb) {
                snprintf(err, errlen, "%s: out of memory", path);
                goto out;
            }
            buf = nb;
            cap = ncap;
        }
        ssize_t r = read(fd, buf + got, cap - 1 - got);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            snprintf(err, errlen, "%s: %s", path, strerror(errno));
            goto out;
        }
        if (r == 0)
            break;
        got += (size_t)r;
        if (got > max_bytes) {
            snprintf(err, errlen, "%s: grew past the limit of %zu bytes", path, max_bytes);
            goto out;
        }
    }
    buf[got] = '\0';
    *out = buf;
    *len = got;
    buf = NULL;
    rc = 0;
out:
    if (fd >= 0)
        close(fd);
    free(buf);
    return rc;
}

char *sl_fs_dirname(const char *path)
{
    const char *slash = path ? strrchr(path, '/') : NULL;
    if (!slash)
        return strdup(".");
    if (slash == path)
        return strdup("/");
    return strndup(path, (size_t)(slash - path));
}

char *sl_fs_join(const char *dir, const char *name)
{
    if (!name)
        return NULL;
    if (name[0] == '/' || !dir || !dir[0])
        return strdup(name);
    size_t dl = strlen(dir);
    size_t nl = strlen(name);
    char *s = malloc(dl + nl + 2);
    if (!s)
        return NULL;
    memcpy(s, dir, dl);
    size_t at = dl;
    if (dl > 0 && dir[dl - 1] != '/')
        s[at++] = '/';
    memcpy(s + at, name, nl + 1);
    return s;
}

static int fsync_dir(const char *path)
{
    char *dir = sl_fs_dirname(path);
    int rc = -1;
    if (!dir)
        return -1;
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        rc = fsync(fd);
        close(fd);
    }
    free(dir);
    return rc;
}

int sl_fs_write_atomic(const char *path, const void *data, size_t len, unsigned mode, bool exclusive,
                       char *err, size_t errlen)
{
    int rc = -1;
    int fd = -1;
    char *tmp = NULL;
    size_t tl = strlen(path) + 32;
    tmp = malloc(tl);
    if (!tmp) {
        snprintf(err, errlen, "%s: out of memory", path);
        goto out;
    }
    snprintf(tmp, tl, "%s.tmp.%ld", path, (long)getpid());
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, (mode_t)mode);
    if (fd < 0) {
        snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
        goto out;
    }
    if (fchmod(fd, (mode_t)mode) != 0) {
        snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
        goto out;
    }
    const char *p = data;
    size_t left = len;
    while (left > 0) {
        ssize_t w = write(fd, p, left);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
            goto out;
        }
        p += w;
        left -= (size_t)w;
    }
    if (fsync(fd) != 0) {
        snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
        goto out;
    }
    close(fd);
    fd = -1;
    if (exclusive) {
        /* link() fails when the target exists: no window where it is replaced. */
        if (link(tmp, path) != 0) {
            snprintf(err, errlen, "%s: %s", path, strerror(errno));
            goto out;
        }
        unlink(tmp);
    } else if (rename(tmp, path) != 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        goto out;
    }
    if (fsync_dir(path) != 0) {
        snprintf(err, errlen, "%s: could not sync its folder: %s", path, strerror(errno));
        goto out;
    }
    rc = 0;
out:
    if (fd >= 0)
        close(fd);
    if (rc != 0 && tmp)
        unlink(tmp);
    free(tmp);
    return rc;
}

int sl_fs_mkdir_private(const char *path, char *err, size_t errlen)
{
    if (sl_fs_mkdirs(path, err, errlen) != 0)
        return -1;
    if (chmod(path, 0700) != 0) {
        snprintf(err, errlen, "%s: cannot make it private (mode 0700): %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

int sl_fs_file_private(const char *path, bool create, char *err, size_t errlen)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | (create ? O_CREAT : 0), 0600);
    if (fd < 0) {
        if (!create && errno == ENOENT)
            return 0;
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    struct stat st;
    int rc = 0;
    if (fstat(fd, &st) != 0 || ((st.st_mode & 07777) != 0600 && fchmod(fd, 0600) != 0)) {
        snprintf(err, errlen, "%s: cannot make it private (mode 0600): %s", path, strerror(errno));
        rc = -1;
    }
    close(fd);
    return rc;
}

int sl_fs_mkdirs(const char *path, char *err, size_t errlen)
{
    char *p = strdup(path ? path : "");
    int rc = -1;
    if (!p || !p[0]) {
        snprintf(err, errlen, "empty folder name");
        goto out;
    }
    for (char *s = p + 1; *s; s++) {
        if (*s != '/')
            continue;
        *s = '\0';
        if (mkdir(p, 0755) != 0 && errno != EEXIST) {
            snprintf(err, errlen, "%s: %s", p, strerror(errno));
            goto out;
        }
        *s = '/';
    }
    if (mkdir(p, 0755) != 0 && errno != EEXIST) {
        snprintf(err, errlen, "%s: %s", p, strerror(errno));
        goto out;
    }
    if (!sl_fs_is_dir(p)) {
        snprintf(err, errlen, "%s: exists and is not a folder", p);
        goto out;
    }
    rc = 0;
out:
    free(p);
    return rc;
}

bool sl_fs_is_file(const char *path)
{
    struct stat st;
    return path && stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

bool sl_fs_is_dir(const char *path)
{
    struct stat st;
    return path && stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int64_t sl_fs_free_bytes(const char *path)
{
    struct statvfs sv;
    if (!path || statvfs(path, &sv) != 0)
        return -1;
    return (int64_t)sv.f_bavail * (int64_t)sv.f_frsize;
}
