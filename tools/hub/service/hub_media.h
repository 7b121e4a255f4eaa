/* hub_media.h — media at the hub: which files it lacks, resumable verified uploads into DATA/media, and opening a stored file. */
#ifndef SL_HUB_MEDIA_H
#define SL_HUB_MEDIA_H

#include "content/media.h"
#include "tools/hub/hub.h"
#include "tools/hub/service/hub_service.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SL_HUB_MEDIA_FILE_MAX (4LL * 1024 * 1024 * 1024) /* bytes of one media file (API.md) */
#define SL_HUB_MEDIA_MISSING_MAX 10000                   /* files in one "which do you lack" list */
#define SL_HUB_MEDIA_NAME_RULE "media are named by their SHA-256: 64 lowercase hex digits"

/*
 * A media file lives in DATA/media/<sha256> once complete and verified; an
 * upload in progress in DATA/media/.partial/<sha256>, never served. Uploads
 * come in parts (bytes start..end of the file) and resume where the hub
 * stopped; a completed file is hashed and kept only if its bytes match its
 * name.
 */

/* One file a client holds, and what the hub has of it. */
typedef struct {
    char sha256[SL_SHA256_HEX_LEN + 1]; /* in */
    int64_t size;                       /* in: bytes, 0 to SL_HUB_MEDIA_FILE_MAX */
    bool missing;                       /* out: the hub does not hold the complete file */
    int64_t received;                   /* out: when missing, the bytes of it the hub holds in part (0 to size) */
} sl_hub_media_want;

/* Tells for each of list[0..n) whether the hub lacks it and how much it
 * holds in part. INVALID (a name or size is wrong: msg names "media[i]",
 * the first one), and nothing is answered for the others. */
sl_svc_rc sl_hub_media_missing(sl_hub *hub, sl_hub_media_want *list, size_t n, sl_svc_err *e);

/* Whether the hub holds the complete file sha256: OK with its *size,
 * NOT_FOUND, INVALID (not a name). */
sl_svc_rc sl_hub_media_stored(sl_hub *hub, const char *sha256, int64_t *size, sl_svc_err *e);

/* An upload of one part, from sl_hub_media_upload_begin to _free. */
typedef struct sl_hub_media_upload sl_hub_media_upload;

/* Begins the part of file sha256 (total bytes) that starts at byte start:
 * opens and locks its partial file, and drops what the partial file holds
 * when it is longer than total (an upload of another length). *out gets the
 * upload. INVALID (name, start), TOO_LARGE (total over
 * SL_HUB_MEDIA_FILE_MAX), CONFLICT (another upload of the file is in
 * progress: *held is -1; or the hub holds *held bytes of it, not start:
 * the client continues from there), FAILED. */
sl_svc_rc sl_hub_media_upload_begin(sl_hub *hub, const char *sha256, int64_t start, int64_t total,
                                    sl_hub_media_upload **out, int64_t *held, sl_svc_err *e);

/* Writes the next len bytes of the part. FAILED (disk full, say). */
sl_svc_rc sl_hub_media_upload_write(sl_hub *hub, sl_hub_media_upload *u, const void *data, size_t len,
                                    sl_svc_err *e);

/* Ends the part: syncs it; when it completes the file, checks its SHA-256
 * (a mismatch discards the partial file: INVALID), moves it into
 * DATA/media and catalogues it in the store (a catalogue failure is only
 * logged). *received gets the bytes the hub holds, *complete whether the
 * file is complete. INVALID, FAILED. */
sl_svc_rc sl_hub_media_upload_finish(sl_hub *hub, sl_hub_media_upload *u, int64_t *received, bool *complete,
                                     sl_svc_err *e);

/* Closes the partial file (releasing its lock) and frees u (may be NULL). */
void sl_hub_media_upload_free(sl_hub_media_upload *u);

/* Opens the stored file sha256 for reading: *fd (the caller closes it) and
 * its *size. INVALID (not a name), NOT_FOUND. */
sl_svc_rc sl_hub_media_open(sl_hub *hub, const char *sha256, int *fd, int64_t *size, sl_svc_err *e);

#endif
