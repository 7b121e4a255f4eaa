/* ratelimit.h — slows repeated failures per client address (failed enrolments): a bounded, thread-safe table of leaky buckets. */
#ifndef SL_HUB_RATELIMIT_H
#define SL_HUB_RATELIMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/*
 * Each client address has a bucket that fills by one with every failure and
 * drains by one every `drain_ms`. While it holds `burst` failures, the
 * address is refused (the caller answers 429 with Retry-After) until one
 * has drained. So an address gets `burst` tries at once, then one every
 * drain_ms: with the defaults 10, then one every 30 s.
 *
 * - Addresses: IPv4 by the whole address; IPv6 by its /64 (one host usually
 *   holds a whole /64); IPv4-mapped IPv6 as IPv4.
 * - Bounded: the table has a fixed number of slots (found by a keyed hash,
 *   so that nobody can aim at one slot). An empty bucket needs no slot; when
 *   the slots near a new address are all taken, the one that drains first is
 *   given up. Nothing grows.
 * - Thread-safe (one mutex: only failures and attempts on the limited route
 *   reach it). Times are the caller's milliseconds (tests drive them).
 * Every function accepts rl == NULL: then nothing is limited.
 */

#define SL_RATELIMIT_BURST_DEFAULT 10
#define SL_RATELIMIT_DRAIN_MS_DEFAULT 30000
#define SL_RATELIMIT_CAPACITY_DEFAULT 4096
#define SL_RATELIMIT_KEY_BYTES 16
#define SL_RATELIMIT_TEXT_MAX 64 /* room for an address as text, e.g. "2001:db8:1:2::/64" */

typedef struct sl_ratelimit sl_ratelimit;

/* A table of `capacity` slots (8 .. 1 << 20). NULL on a bad argument or out of memory. */
sl_ratelimit *sl_ratelimit_new(size_t capacity, int burst, int64_t drain_ms);
void sl_ratelimit_free(sl_ratelimit *rl);

/* The key of a client address, and the address as text for logs ("unknown"
 * for NULL or another family: all such clients then share one bucket). */
void sl_ratelimit_key(const struct sockaddr *sa, uint8_t key[SL_RATELIMIT_KEY_BYTES], char *text,
                      size_t textlen);

/* Whether an attempt from key may go ahead at now_ms. When not,
 * *retry_after_s (may be NULL) gets the whole seconds until it may (>= 1). */
bool sl_ratelimit_allow(sl_ratelimit *rl, const uint8_t key[SL_RATELIMIT_KEY_BYTES], int64_t now_ms,
                        int64_t *retry_after_s);

/* Records a failure from key at now_ms; returns how many more failures the
 * address may make at once before it is refused (0 = the next attempt is). */
int sl_ratelimit_fail(sl_ratelimit *rl, const uint8_t key[SL_RATELIMIT_KEY_BYTES], int64_t now_ms);

#endif
