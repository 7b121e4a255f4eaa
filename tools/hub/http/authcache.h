/* authcache.h — a short-lived, bounded, thread-safe in-process cache of token lookups (token → principal). */
#ifndef SL_HUB_AUTHCACHE_H
#define SL_HUB_AUTHCACHE_H

#include "tools/hub/store/store.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * What a token lookup returned (role, subject and, for a screen, its channel
 * and that channel's current version) is kept for `ttl_ms` after the lookup
 * started, so that a burst of requests with one token costs one store call.
 *
 * - Entries are found by a tag of the token: SipHash-2-4 with a 128-bit
 *   output under a random key made with the cache (libsodium's
 *   crypto_shorthash_siphashx24). Tokens are never kept, the tag of a token
 *   cannot be computed without the key, and a hit costs a fraction of the
 *   token's SHA-256 (which only a miss needs, for the store).
 * - Only successful lookups are kept: an unknown or revoked token is never
 *   stored, so bad tokens cannot fill the cache (each still costs a store
 *   lookup, as without the cache).
 * - The size is fixed at creation. When an entry's neighbourhood is full the
 *   one closest to expiry is replaced; nothing grows.
 * - sl_authcache_clear forgets everything at once (O(1)). A lookup that was
 *   already running when the cache was cleared cannot put back what it read:
 *   take sl_authcache_generation before reading the store and pass it to
 *   sl_authcache_put.
 * - Staleness: a change made by this process and followed by a clear is seen
 *   by the next request; any other change (another process on the same
 *   store: `token revoke`, another hub on the same PostgreSQL) is seen at
 *   most ttl_ms later.
 * - Thread-safe: entries are spread over striped mutexes; the generation is
 *   an atomic counter. Times are the caller's milliseconds on a monotonic
 *   clock (sl_authcache_now_ms), so tests can drive them.
 * Every function accepts c == NULL: then nothing is cached.
 */

#define SL_AUTHCACHE_TTL_MS_DEFAULT 1000
#define SL_AUTHCACHE_TTL_MS_MAX 60000
#define SL_AUTHCACHE_CAPACITY_DEFAULT 8192
#define SL_AUTHCACHE_TAG_BYTES 16

typedef struct sl_authcache sl_authcache;

/* A cache of at least `capacity` entries (rounded up; at most 1 << 20)
 * kept ttl_ms (1 .. SL_AUTHCACHE_TTL_MS_MAX), with a new random tag key.
 * NULL on a bad argument, out of memory or when libsodium cannot start. */
sl_authcache *sl_authcache_new(size_t capacity, int64_t ttl_ms);

void sl_authcache_free(sl_authcache *c);

/* Milliseconds on a monotonic clock (coarse: a few ms resolution). */
int64_t sl_authcache_now_ms(void);

/* The tag of a token (len bytes) under this cache's key; c == NULL gives zeros. */
void sl_authcache_tag(const sl_authcache *c, const char *token, size_t len, uint8_t tag[SL_AUTHCACHE_TAG_BYTES]);

/* The current generation; read it before the store lookup whose result is put. */
uint64_t sl_authcache_generation(const sl_authcache *c);

/* Copies the principal of the token with this tag into *out when an entry
 * of the current generation is younger than the TTL at now_ms. Returns
 * whether it did. */
bool sl_authcache_get(sl_authcache *c, const uint8_t tag[SL_AUTHCACHE_TAG_BYTES], int64_t now_ms,
                      sl_hub_principal *out);

/* Keeps p for the token with this tag until now_ms + TTL, where now_ms is
 * when the lookup that read p started and gen the generation taken before
 * it. Does nothing when the cache was cleared since (gen is old). */
void sl_authcache_put(sl_authcache *c, const uint8_t tag[SL_AUTHCACHE_TAG_BYTES], const sl_hub_principal *p,
                      uint64_t gen, int64_t now_ms);

/* Forgets every entry (the next lookup of any token goes to the store). */
void sl_authcache_clear(sl_authcache *c);

/* Entries that sl_authcache_get would return at now_ms (for tests and diagnostics). */
size_t sl_authcache_count(sl_authcache *c, int64_t now_ms);

/* The number of entries the cache can hold. */
size_t sl_authcache_capacity(const sl_authcache *c);

#endif
