/* keys.h — publisher Ed25519 keys: generation, key files, pinned key sets. */
#ifndef SL_KEYS_H
#define SL_KEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SL_PUBKEY_BYTES 32
#define SL_SECKEY_BYTES 64
#define SL_SIG_BYTES 64
#define SL_PUBKEY_B64_MAX 64 /* room for the base64 text of a public key + NUL */

typedef struct {
    uint8_t pk[SL_PUBKEY_BYTES];
} sl_pubkey;

typedef struct {
    uint8_t sk[SL_SECKEY_BYTES]; /* libsodium layout: seed || public key */
} sl_seckey;

/* Key files are one line of text:
 *   publisher.key: "screenlit-ed25519-secret-v1 <base64 of 64 bytes>\n" (mode 0600)
 *   publisher.pub: "screenlit-ed25519-public-v1 <base64 of 32 bytes>\n"
 * The base64 part of a .pub line is what players pin in their config. */

/* Calls sodium_init(); returns 0 or -1. Safe to call many times. */
int sl_keys_init(void);

/* Writes DIR/publisher.key and DIR/publisher.pub; refuses to overwrite
 * either (returns -1 with a message). */
int sl_keys_generate(const char *dir, char *err, size_t errlen);

int sl_seckey_load(const char *path, sl_seckey *out, char *err, size_t errlen);
int sl_pubkey_load(const char *path, sl_pubkey *out, char *err, size_t errlen);

/* Public key <-> its base64 text (the form pinned in configs). */
int sl_pubkey_from_b64(const char *b64, sl_pubkey *out);
void sl_pubkey_to_b64(const sl_pubkey *pk, char *buf, size_t len);
void sl_seckey_public(const sl_seckey *sk, sl_pubkey *out);

/* Zeroes a secret key; NULL is fine. */
void sl_seckey_wipe(sl_seckey *sk);

/* A set of pinned public keys, each for every channel or for some. */
typedef struct {
    sl_pubkey *v;
    size_t n;
    char **channels; /* per key (n of them, or NULL when none is limited): NULL = every channel,
                        else the channel names it may sign for, joined by ',' */
} sl_keyset;

#define SL_KEYSET_CHANNELS_MAX 1024 /* bytes of one key's channel list */

/* Adds a key for every channel (by base64 text, or a path to a .pub file).
 * Returns 0 or -1. Adding a key twice keeps one copy, allowed what either
 * addition allows. */
int sl_keyset_add_b64(sl_keyset *ks, const char *b64);
int sl_keyset_add_file(sl_keyset *ks, const char *path, char *err, size_t errlen);
/* Adds a key that may sign manifests of the listed channels only: channels
 * is channel names joined by ',' (NULL = every channel). Returns 0, or -1
 * with err (a bad key or channel name, out of memory). */
int sl_keyset_add_channels(sl_keyset *ks, const char *b64, const char *channels, char *err, size_t errlen);
/* Adds a pinned key as a config line gives it: "BASE64" (every channel) or
 * "BASE64 channels=a,b" (those channels only). Returns 0, or -1 with err. */
int sl_keyset_add_spec(sl_keyset *ks, const char *spec, char *err, size_t errlen);
/* Whether pk is in the set (for any channel). */
bool sl_keyset_has(const sl_keyset *ks, const sl_pubkey *pk);
/* Whether pk may sign manifests of channel; channel NULL: whether it may
 * sign every channel. */
bool sl_keyset_allows(const sl_keyset *ks, const sl_pubkey *pk, const char *channel);
/* The channels pk is limited to ("a,b"), or NULL when it may sign every
 * channel or is not in the set. */
const char *sl_keyset_channels(const sl_keyset *ks, const sl_pubkey *pk);
/* Whether channel is one of the names in list, names joined by ',' ("a,b");
 * false when either is NULL. The one reading of a channel list, for pinned
 * keys and the hub's token and key scopes. */
bool sl_channel_list_has(const char *list, const char *channel);
/* Makes dst (an empty set) a copy of src. Returns 0 or -1 (out of memory). */
int sl_keyset_copy(sl_keyset *dst, const sl_keyset *src);
void sl_keyset_free(sl_keyset *ks); /* NULL is fine */

#endif
