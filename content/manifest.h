/* manifest.h — compile a playlist source into a manifest, sign it (Ed25519), verify it against pinned keys. */
#ifndef SL_MANIFEST_H
#define SL_MANIFEST_H

#include "content/diag.h"
#include "content/keys.h"
#include "content/playlist.h"

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>

#define SL_MANIFEST_MAX_BYTES (8u * 1024u * 1024u) /* 8 MiB */

/*
 * A manifest payload is the playlist source JSON with, for every item that
 * has a "file": the "file" member replaced by "sha256" (lowercase hex) and
 * "size" (bytes); "duration" (seconds) filled in from the media when the
 * source did not give one; plus top-level "channel" (string), "version"
 * (integer >= 1) and "created" (ISO 8601 UTC). It parses with
 * sl_playlist_from_json(..., SL_PL_MANIFEST, ...).
 *
 * A signed manifest is the envelope, serialised exactly like this with no
 * white space and no trailing newline:
 *   {"format":"screenlit-signed-manifest-1","key":"<base64 public key>",
 *    "signature":"<base64 Ed25519 signature of the payload bytes>",
 *    "payload":"<the payload JSON text, as a JSON string>"}
 * Verification parses the envelope, re-serialises it and requires the exact
 * same bytes (so no byte of the file can change unnoticed), requires the key
 * to be pinned, and checks the signature over the payload bytes.
 */

/* Compiles a source: reads the playlist at `source_path`, resolves each media
 * file relative to the playlist's folder, hashes it (SHA-256) and probes its
 * duration when missing. `media_cb` (may be NULL) is called for each media
 * file with its path, hash and size, e.g. to copy it into a store.
 * Returns the payload JSON text (malloc'd) or NULL with diags. */
typedef int (*sl_mf_media_cb)(void *ud, const char *path, const char *sha256_hex, int64_t size);
char *sl_mf_compile(const char *source_path, const char *channel, int64_t version,
                    int64_t created_ms, sl_mf_media_cb media_cb, void *ud, sl_diags *diags);

/* The same on a parsed source (not changed) whose "file"s are relative to
 * dir. A "sha256" given beside a "file" must be the file's (else an error
 * at its path). With media_dir (the hub), every media item's file is
 * media_dir/<its "sha256">, a store of files named by their hash (taken as
 * named, not hashed again); an item without "sha256" is an error. */
char *sl_mf_compile_json(const cJSON *source, const char *dir, const char *media_dir, const char *channel,
                         int64_t version, int64_t created_ms, sl_mf_media_cb media_cb, void *ud, sl_diags *diags);

/* Signs payload bytes; returns the envelope text (malloc'd) or NULL. */
char *sl_mf_sign(const char *payload, size_t len, const sl_seckey *sk);

/* Verifies an envelope against pinned keys. On success returns 0 and the
 * payload text (malloc'd, NUL-terminated) in *payload_out; on failure -1 and
 * a reason in err ("signed by a key that is not pinned", "signature does not
 * match", "not a signed manifest: ..."). A key pinned for some channels only
 * (sl_keyset_add_channels) verifies only payloads whose "channel" is one of
 * them ("signed by key K, which is pinned for channels a,b only, not for
 * \"c\""). */
int sl_mf_verify(const char *envelope, size_t len, const sl_keyset *pinned, char **payload_out,
                 size_t *payload_len, char *err, size_t errlen);

/* Verifies and parses into a playlist model in one step. */
sl_playlist *sl_mf_open(const char *envelope, size_t len, const sl_keyset *pinned,
                        const char *zoneinfo_dir, char *err, size_t errlen);

/* Like sl_mf_open, and writes the key that signed it to *signer (may be NULL). */
sl_playlist *sl_mf_open_signed(const char *envelope, size_t len, const sl_keyset *pinned, const char *zoneinfo_dir,
                               sl_pubkey *signer, char *err, size_t errlen);

#endif
