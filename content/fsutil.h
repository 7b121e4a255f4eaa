/* fsutil.h — file helpers: capped reads, durable atomic replace, folders. */
#ifndef SL_FSUTIL_H
#define SL_FSUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Reads a whole file into a NUL-terminated buffer (the NUL is not counted in
 * *len). Files larger than max_bytes are refused. Returns 0 or -1 with err. */
int sl_fs_read_file(const char *path, size_t max_bytes, char **out, size_t *len,
                    char *err, size_t errlen);

/* Replaces `path` durably: writes path.tmp.<pid>, fsyncs it, renames it over
 * path and fsyncs the folder. `mode` is the new file's mode (e.g. 0644).
 * With exclusive=true an existing file is not replaced (returns -1, EEXIST). */
int sl_fs_write_atomic(const char *path, const void *data, size_t len, unsigned mode,
                       bool exclusive, char *err, size_t errlen);

/* Creates a folder and its parents (mode 0755); fine when it exists. */
int sl_fs_mkdirs(const char *path, char *err, size_t errlen);

/* Like sl_fs_mkdirs, then makes `path` itself mode 0700 whatever the umask
 * and whatever it was before (for folders of secrets). */
int sl_fs_mkdir_private(const char *path, char *err, size_t errlen);

/* Makes the file `path` mode 0600 whatever the umask: creates it empty when
 * create is true and it is missing; a missing file is fine otherwise. */
int sl_fs_file_private(const char *path, bool create, char *err, size_t errlen);

bool sl_fs_is_file(const char *path);
bool sl_fs_is_dir(const char *path);

/* Joins dir and name with one '/'; name that is absolute is returned as is.
 * Returns a malloc'd string or NULL when out of memory. */
char *sl_fs_join(const char *dir, const char *name);

/* The folder part of a path ("." when there is none); malloc'd. */
char *sl_fs_dirname(const char *path);

/* Free bytes available to unprivileged users on the filesystem holding path,
 * or -1 when unknown. */
int64_t sl_fs_free_bytes(const char *path);

#endif
