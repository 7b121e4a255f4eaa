/* hub.h — the hub's context (passed to every request) and small shared helpers: ids, tokens, time. */
#ifndef SL_HUB_H
#define SL_HUB_H

#include "content/json.h"
#include "content/log.h"
#include "content/wire.h"
#include "tools/hub/http/authcache.h"
#include "tools/hub/http/ratelimit.h"
#include "tools/hub/store/store.h"

#include <cjson/cJSON.h>

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Exit codes of screenlit-hub and its subcommands. */
#define SL_HUB_EXIT_OK 0
#define SL_HUB_EXIT_FAIL 1
#define SL_HUB_EXIT_USAGE 2

#define SL_HUB_TOKEN_HEX 64 /* a token is 32 random bytes as lowercase hex */
/* The "code" of the 401 that tells a screen its device token was taken away
 * (de-enrolled, or another box enrolled as it); players drop their identity
 * and content on it (API.md). */
#define SL_HUB_DEVICE_REVOKED "device_revoked"

/* Resource bounds of `serve` (its --help and API.md explain them). */
#define SL_HUB_MAX_CONNS_DEFAULT 32768u     /* a 10 000-screen fleet keeps up to 3 connections per screen */
#define SL_HUB_MAX_CONNS_PER_ADDR_DEFAULT 64u /* 16 screens behind one NAT address */
#define SL_HUB_BODY_MEMORY_DEFAULT_MIB 128u /* request bodies held in memory at once */
#define SL_HUB_BODY_PER_SCREEN (4u * 1024u * 1024u) /* of them, per screen token: a plays batch and a screenshot */
#define SL_HUB_RETRY_AFTER_S 10u            /* the Retry-After of a 503 */

/* Everything a request handler may use; owned by `serve`, shared by the
 * server's threads (the store is thread-safe, the rest read-only while
 * serving, except the atomics). */
typedef struct sl_hub {
    sl_store *store;
    char *data_dir;    /* DATA */
    char *media_dir;   /* DATA/media: complete, verified files named by SHA-256 */
    char *partial_dir; /* DATA/media/.partial: uploads in progress, never served */
    char *shots_dir;   /* DATA/screenshots/<screen>/ */
    sl_log log;
    atomic_int in_flight;     /* requests being handled */
    sl_authcache *authcache;  /* recent token lookups (made and freed by `serve`); NULL = none */
    struct sl_notmod *notmod; /* reused 304 replies per ETag (notmod.h; made and freed by `serve`); NULL = none */
    struct sl_mainzone *mainzone; /* main zone per manifest version (made by sl_hub_open) */
    /* Resource bounds (set by `serve`; server.c and body.c apply them). */
    unsigned max_conns;          /* connections at once; 0 = SL_HUB_MAX_CONNS_DEFAULT */
    unsigned max_conns_per_addr; /* connections at once from one client address; 0 = no limit */
    struct sl_budget *bodies;    /* request bodies held in memory (budget.h; made and freed by
                                    `serve`); NULL = unbounded */
    sl_ratelimit *enroll_limit;   /* failed enrolments per client address (made by sl_hub_open) */
    struct sl_console *console;   /* the web console's settings and login limits (console/console_session.h;
                                     made by sl_hub_open) */
    /* The scheduled reports (serve's --reports, --report-tz, --report-lang;
     * coverage/hub_schedule.h), also the zone of the console's weeks and
     * months. NULL = none are written, Asia/Shanghai. */
    const struct sl_schedule_cfg *reports;
} sl_hub;

/* Opens the store (SQLite in DATA, or the PostgreSQL database named by db when
 * not NULL) and makes DATA's folders. Returns 0 or -1 with err. */
int sl_hub_open(sl_hub *hub, const char *data_dir, const char *db, char *err, size_t errlen);
/* Closes the store and frees the paths; a half-opened hub is fine. */
void sl_hub_close(sl_hub *hub);

/* Checks and normalises a channel scope given by people: channel ids
 * separated by ',' (spaces around them ignored), each at most once; NULL or
 * "" is every channel (out = ""). Returns 0, or -1 with a message in err. */
int sl_hub_scope_parse(const char *in, char out[SL_HUB_SCOPE_MAX + 1], char *err, size_t errlen);

/* Whether a scope ("" = every channel, else ids joined by ',') holds channel. */
bool sl_hub_scope_has(const char *scope, const char *channel);

/* The wall clock, milliseconds UTC. */
int64_t sl_hub_now_ms(void);

/* SHA-256 of len bytes. */
void sl_hub_hash(const void *data, size_t len, uint8_t out[SL_HUB_HASH_BYTES]);

/* A new random token (64 lowercase hex + NUL) and its hash. 0 or -1. */
int sl_hub_token_new(char hex[SL_HUB_TOKEN_HEX + 1], uint8_t hash[SL_HUB_HASH_BYTES]);

/* The ISO 8601 UTC text of an instant, or JSON null for -1 (for replies and reports). */
cJSON *sl_json_instant(int64_t ms);

#endif
