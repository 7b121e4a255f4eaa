/* usb.h — USB bundles: a folder (where a stick is mounted) with a signed manifest.json and media/<sha256>. */
#ifndef SL_USB_H
#define SL_USB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

/*
 * A bundle, as `screenlit bundle` writes it:
 *   DIR/manifest.json     the signed envelope (content/manifest.h), the same
 *                         bytes a hub would serve
 *   DIR/media/<sha256>    every media file it names
 * The sync thread (player/managed/sync.h) looks at DIR every few seconds and treats a
 * new manifest.json exactly like one from the hub: signature against the
 * pinned keys, the screen's own channel, version above the current one, disk limit, every media file
 * copied into STATE/media and checked by SHA-256 and size, then the atomic
 * switch. This module only reads the stick; it never writes to it.
 */

#define SL_USB_MANIFEST "manifest.json"

typedef struct {
    char *dir;             /* the watched folder */
    bool seen;             /* the file below was read */
    dev_t dev;             /* identity of the manifest.json last read */
    ino_t ino;
    off_t size;
    struct timespec mtime;
} sl_usb;

/* Returns 0, or -1 when out of memory. */
int sl_usb_init(sl_usb *u, const char *dir);
void sl_usb_free(sl_usb *u); /* NULL is fine */

/* Looks at DIR/manifest.json. Returns 1 with its bytes (malloc'd,
 * NUL-terminated) when it is there and is not the file read last time (by
 * device, inode, size and modification time); 0 when there is nothing new —
 * no file (then the last one is forgotten, so that a stick plugged in again
 * is read again) or the same file; -1 with err when it is there but cannot
 * be read (it is looked at again next time). */
int sl_usb_look(sl_usb *u, char **env, size_t *len, char *err, size_t errlen);

/* Whether DIR/manifest.json is there now (the stick was not pulled out). */
bool sl_usb_present(const sl_usb *u);

/* Copies DIR/media/<sha256> to dst, refusing a file of another size; the
 * caller checks the copy's SHA-256. Returns an SL_MEDIACOPY_* code
 * (content/mediacopy.h): MISMATCH when the file is missing or of another
 * size, FAILED (with *full on a full disk) when reading or writing failed. */
int sl_usb_copy_media(const sl_usb *u, const char *sha256, int64_t size, const char *dst, bool *full, char *err,
                      size_t errlen);

#endif
