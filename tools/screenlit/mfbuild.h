/* mfbuild.h — what `publish` and `bundle` share: lint, the publisher key, compiling a playlist and listing its media. */
#ifndef SL_MFBUILD_H
#define SL_MFBUILD_H

#include "content/keys.h"
#include "content/media.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One distinct media file of a compiled playlist. */
typedef struct {
    char *path;                      /* as resolved by the compiler */
    char sha[SL_SHA256_HEX_LEN + 1];
    int64_t size;
    bool missing;                    /* publish: the hub lacks it */
    int64_t received;                /* publish: bytes the hub already holds of it */
} sl_mfb_media;

typedef struct {
    sl_mfb_media *v;
    size_t n, cap;
    bool oom;
} sl_mfb_list;

void sl_mfb_list_free(sl_mfb_list *l); /* NULL is fine */

/*
 * The steps below print their problems to standard error as
 * "screenlit CMD: …"; `outcome` ends a failure's last line, e.g.
 * "nothing was published".
 */

/* Lints the playlist source (media probed; errors and warnings printed).
 * Returns 0 when it has no errors, else -1. */
int sl_mfb_lint(const char *cmd, const char *source, const char *outcome);

/* Starts libsodium and loads a publisher secret key. Returns 0 or -1. */
int sl_mfb_load_key(const char *cmd, const char *keypath, sl_seckey *sk);

/* Compiles the source into a manifest payload for channel/version (created
 * now), hashing every media file; each distinct file goes into *media once.
 * Returns the payload text (malloc'd) or NULL. */
char *sl_mfb_compile(const char *cmd, const char *source, const char *channel, int64_t version,
                     sl_mfb_list *media, const char *outcome);

/* Parses --version: a whole number from 1 to 2^53 - 1. Returns 0 or -1. */
int sl_mfb_parse_version(const char *arg, int64_t *out);

#endif
