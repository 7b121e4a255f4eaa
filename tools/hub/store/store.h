/* store.h — the hub's storage interface: a const table of operations behind which SQLite and PostgreSQL live. */
#ifndef SL_HUB_STORE_H
#define SL_HUB_STORE_H

#include "content/record.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Contract shared by every backend
 * --------------------------------
 * - Every operation returns an sl_st_rc. SL_ST_OK is success. The other
 *   codes are outcomes the caller must handle (NOT_FOUND, CONFLICT, EXPIRED)
 *   and SL_ST_ERROR, an I/O or database failure, with a message for the log
 *   in `err` (errlen bytes, always NUL-terminated when errlen > 0). `err`
 *   is only written on SL_ST_ERROR.
 * - Every operation is atomic: on any return other than SL_ST_OK nothing
 *   changed. On SL_ST_OK the change is durable (committed with the
 *   backend's strongest durability: SQLite WAL + synchronous=FULL) before
 *   the function returns, so a reply sent after it never promises
 *   something a power cut can take back.
 * - Every operation is safe to call from several threads at once (the HTTP
 *   server calls them from its thread pool) and from several processes on
 *   the same store (the `token` and `key` commands run next to `serve`).
 * - Output structs are written only on SL_ST_OK (exceptions are named
 *   where they apply).
 * - Instants are int64 milliseconds UTC; -1 means "none".
 * - Strings passed in are validated by the caller (identifiers, lengths,
 *   UTF-8); backends store them byte for byte and give them back unchanged.
 * - Secrets are never passed to the store: only their SHA-256 (32 bytes);
 *   console passwords only as their salted Argon2id hash text.
 * - List callbacks return 0 to continue, non-zero to stop early (the
 *   operation then still returns SL_ST_OK). Row pointers are valid only
 *   during the call.
 */

typedef enum {
    SL_ST_OK = 0,
    SL_ST_ERROR = -1,    /* database or I/O failure; see err */
    SL_ST_NOT_FOUND = 1, /* the named thing does not exist */
    SL_ST_CONFLICT = 2,  /* a uniqueness or ordering rule refuses it (see each operation) */
    SL_ST_EXPIRED = 3,   /* an enrolment code past its expiry */
    SL_ST_REVOKED = 4    /* an enrolment code or a screen's device token that was revoked */
} sl_st_rc;

#define SL_HUB_HASH_BYTES 32 /* SHA-256 of a secret */
#define SL_HUB_ID_MAX 64     /* bytes in a screen id, channel, token or key name */
#define SL_HUB_TEXT_MAX 256  /* bytes in inventory free text (name, site, region, hours) */
#define SL_HUB_TAGS_MAX 512  /* bytes in an inventory tag list */
#define SL_HUB_SCOPE_MAX 512 /* bytes in a channel scope: channel ids joined by ',' ("" = every channel) */

typedef enum {
    SL_ROLE_NONE = 0,
    SL_ROLE_SCREEN = 1,
    SL_ROLE_AUDITOR = 2,
    SL_ROLE_PUBLISHER = 4,
    SL_ROLE_ADMIN = 8
} sl_hub_role;

/* "admin", "publisher", "auditor", "screen"; "" for NONE. */
const char *sl_hub_role_name(sl_hub_role r);
/* The role named by s (admin, publisher or auditor: the roles of role tokens); NONE otherwise. */
sl_hub_role sl_hub_role_parse(const char *s);

/* A role token as listed (the secret is never kept). */
typedef struct {
    char name[SL_HUB_ID_MAX + 1];
    sl_hub_role role;
    char channels[SL_HUB_SCOPE_MAX + 1]; /* publisher: the channels it may publish to; "" = every channel */
    int64_t created_ms;
    int64_t revoked_ms; /* -1 while valid */
} sl_hub_token;

/* Whose token a hash is: a role token (subject = its name) or a screen's
 * device token (role SCREEN, subject = the screen id). For a screen token
 * the same read also gives what a manifest poll needs, so that a 304 takes
 * one store call; for a role token these are false, "" and -1. */
typedef struct {
    sl_hub_role role;
    char subject[SL_HUB_ID_MAX + 1];
    bool in_inventory;               /* SCREEN: the screen is in the inventory */
    char channel[SL_HUB_ID_MAX + 1]; /* SCREEN: its channel, "" = none */
    int64_t version;                 /* SCREEN: that channel's current version, -1 = nothing published */
    char scope[SL_HUB_SCOPE_MAX + 1]; /* role token: the channels it may publish to, "" = every channel */
} sl_hub_principal;

typedef struct {
    char name[SL_HUB_ID_MAX + 1];
    char key_b64[64]; /* the base64 Ed25519 public key */
    char channels[SL_HUB_SCOPE_MAX + 1]; /* the channels it may sign manifests for; "" = every channel */
    int64_t created_ms;
} sl_hub_key;

/* An enrolment code as listed (the code itself is never kept: only its hash). */
typedef struct {
    int64_t id; /* 1, 2, 3 … in the order codes were made */
    char screen[SL_HUB_ID_MAX + 1];
    int64_t created_ms, expires_ms;
    int64_t used_ms;    /* -1 while unused */
    int64_t revoked_ms; /* -1 unless revoked (by an admin, or because the screen enrolled with another code) */
} sl_hub_enroll_code;

/* One inventory row: a screen that should exist. */
typedef struct {
    char id[SL_HUB_ID_MAX + 1];
    char name[SL_HUB_TEXT_MAX + 1];
    char site[SL_HUB_TEXT_MAX + 1];
    char region[SL_HUB_TEXT_MAX + 1];
    char unit_type[SL_HUB_ID_MAX + 1];
    char tags[SL_HUB_TAGS_MAX + 1];    /* ';'-separated */
    char channel[SL_HUB_ID_MAX + 1];   /* "" = no channel yet */
    char hours[SL_HUB_TEXT_MAX + 1];   /* "mon-fri 08:30-17:30; sat 09:00-12:00" */
    char timezone[SL_HUB_ID_MAX + 1];
} sl_hub_screen;

/* A screen with what the hub knows of it. */
typedef struct {
    sl_hub_screen s;
    bool enrolled;             /* holds a device token */
    int64_t last_seen_ms;      /* last heartbeat, -1 never */
    int64_t content_version;   /* from the last heartbeat, -1 unknown */
    int64_t acked_seq;         /* every play seq <= this is held */
} sl_hub_screen_status;

typedef struct {
    char channel[SL_HUB_ID_MAX + 1];
    int64_t version;
    int64_t published_ms;
} sl_hub_channel;

/* A heartbeat as stored: the numbers the hub reasons about, and the whole
 * validated status as JSON text (an object) for display, of which the store
 * also keeps current_item, clock_trust and free_disk_bytes apart for the
 * console's wall. */
typedef struct {
    int64_t received_ms;
    int64_t content_version; /* -1 when not given */
    const char *status_json; /* NUL-terminated */
} sl_hub_heartbeat;

/* The heartbeats a screen's history keeps: the first of every 5-minute UTC
 * slot, the latest 288 of them (a day); older ones are deleted as new ones
 * arrive. */
#define SL_HUB_HB_HISTORY 288
#define SL_HUB_HB_SLOT_MS 300000

/* One heartbeat of a screen's history: the numbers the console charts.
 * uptime_s and free_disk_bytes are -1, clock_offset_known false, and
 * clock_trust "" when the heartbeat did not say. */
typedef struct {
    int64_t received_ms;
    int64_t uptime_s;
    int64_t free_disk_bytes;
    int64_t clock_offset_ms;
    bool clock_offset_known;
    char clock_trust[16];
} sl_hub_hb_point;

typedef struct {
    int64_t taken_ms;            /* when the hub received it */
    char file[128];              /* relative to DATA/screenshots/, e.g. "bank-1/20261125-083000123.png" */
    int64_t size;
    char mime[16];               /* "image/png" or "image/jpeg" */
} sl_hub_screenshot;

/* One screen's play summary for one UTC hour (see hub_playhours.h for what a
 * play adds). */
typedef struct {
    const char *screen;
    int64_t hour_ms;
    int64_t lit_ms, untrusted_ms, plays, untrusted_plays, corrected_plays;
    const char *items; /* "item\tcount\n" lines */
} sl_hub_play_hour;

/* ---- the console's screens pages (types) ---- */

/* A screen as the console's wall shows it: its inventory row and status,
 * its channel's current version, what its last heartbeat said, and its
 * latest screenshot. Strings are "" and numbers -1 when unknown. */
typedef struct {
    sl_hub_screen_status st;
    int64_t channel_version;          /* the channel's current version; -1: no channel or nothing published */
    char current_item[SL_HUB_ID_MAX + 1]; /* the last heartbeat's current_item */
    char clock_trust[16];             /* the last heartbeat's clock_trust ("synced", "untrusted", …) */
    int64_t free_disk_bytes;          /* the last heartbeat's free_disk_bytes */
    int64_t shot_taken_ms;            /* the latest screenshot, -1: none */
    const char *status_json;          /* the last heartbeat's whole status (NUL-terminated) when one
                                         screen is read; NULL: none, or every screen is read */
} sl_hub_wall_row;


/* ---- people of the web console and their sessions (tools/hub/CONSOLE.md) ---- */

#define SL_HUB_PWHASH_MAX 128 /* bytes of a password hash text with its NUL (crypto_pwhash_STRBYTES) */

/* A person who logs in to the console. Their password is kept only as
 * libsodium's crypto_pwhash_str text (Argon2id, salted): a password hash is
 * not a secret in the sense of the contract above, and it is never shown. */
typedef struct {
    char name[SL_HUB_ID_MAX + 1];   /* the same rule as token names (sl_wire_id_ok) */
    sl_hub_role role;               /* admin, publisher or auditor */
    char pwhash[SL_HUB_PWHASH_MAX]; /* "$argon2id$v=19$m=...,t=...,p=...$salt$hash" */
    int64_t created_ms;
    bool disabled;                  /* may not log in; had its sessions ended */
} sl_hub_user;

/* A console session (the store keeps only the SHA-256 of its cookie). */
typedef struct {
    sl_hub_user user; /* whose it is, as the store holds that person now */
    int64_t created_ms;
    int64_t seen_ms;  /* its last use (kept to within the caller's touch_ms) */
} sl_hub_session;

typedef struct sl_store sl_store;

typedef struct sl_store_ops {
    const char *name; /* "sqlite" or "postgresql" */

    /* Closes the store and frees it; NULL is fine. */
    void (*close)(sl_store *st);

    /* ---- role tokens ---- */
    /* Adds a token. channels (NULL or "" = every channel) limits what a
     * publisher token may publish to: channel ids joined by ','. CONFLICT
     * when a valid (unrevoked) token has this name. */
    sl_st_rc (*token_add)(sl_store *st, const char *name, sl_hub_role role, const char *channels,
                          const uint8_t hash[SL_HUB_HASH_BYTES], int64_t now_ms, char *err, size_t errlen);
    /* Lists every token, revoked ones too, oldest first. */
    sl_st_rc (*token_list)(sl_store *st, int (*cb)(void *ud, const sl_hub_token *t), void *ud,
                           char *err, size_t errlen);
    /* Revokes the valid token with this name. NOT_FOUND when there is none.
     * Revoking takes effect for the next request to this store; a hub
     * that caches token lookups (serve --auth-cache-ms) sees it within that time. */
    sl_st_rc (*token_revoke)(sl_store *st, const char *name, int64_t now_ms, char *err, size_t errlen);
    /* Finds whose token a hash is: a valid role token (with its channel
     * scope) or a screen token, with (screen token) the screen's channel and
     * that channel's current version, all read in one statement. NOT_FOUND
     * when unknown or a revoked role token. REVOKED when it was a screen's
     * device token that screen_revoke or a later enrolment took away: then
     * (the one exception to "outputs only on OK") out->role is SCREEN and
     * out->subject the screen, so the screen can be told it was de-enrolled. */
    sl_st_rc (*auth_lookup)(sl_store *st, const uint8_t hash[SL_HUB_HASH_BYTES], sl_hub_principal *out,
                            char *err, size_t errlen);

    /* ---- publisher keys ---- */
    /* Adds a key that may sign manifests for `channels` (channel ids joined
     * by ','; NULL or "" = every channel). The same key again is SL_ST_OK
     * and changes only its channels, to the ones given (whatever the name).
     * CONFLICT when another key has this name. */
    sl_st_rc (*key_add)(sl_store *st, const char *name, const char *key_b64, const char *channels, int64_t now_ms,
                        char *err, size_t errlen);
    sl_st_rc (*key_list)(sl_store *st, int (*cb)(void *ud, const sl_hub_key *k), void *ud, char *err,
                         size_t errlen);

    /* ---- inventory ---- */
    /* Inserts or replaces every row (by id) in one transaction. Never
     * removes screens that are not listed. Idempotent. */
    sl_st_rc (*inventory_upsert)(sl_store *st, const sl_hub_screen *rows, size_t n, char *err, size_t errlen);
    /* One screen by id (out may be NULL: is it there?). NOT_FOUND when not
     * in the inventory. */
    sl_st_rc (*screen_get)(sl_store *st, const char *id, sl_hub_screen *out, char *err, size_t errlen);
    /* Every screen, ordered by id, with its status. */
    sl_st_rc (*screen_list)(sl_store *st, int (*cb)(void *ud, const sl_hub_screen_status *s), void *ud,
                            char *err, size_t errlen);

    /* ---- enrolment ---- */
    /* Adds a one-time code for a screen; *id (may be NULL) gets its id, the
     * next of 1, 2, 3 … NOT_FOUND when the screen is not in the inventory;
     * CONFLICT when the hash already exists (a collision: make a new code). */
    sl_st_rc (*enroll_code_add)(sl_store *st, const char *screen, const uint8_t code_hash[SL_HUB_HASH_BYTES],
                                int64_t expires_ms, int64_t now_ms, int64_t *id, char *err, size_t errlen);
    /* Lists the codes of one screen (screen not NULL) or of all, by id. */
    sl_st_rc (*enroll_code_list)(sl_store *st, const char *screen,
                                 int (*cb)(void *ud, const sl_hub_enroll_code *c), void *ud, char *err,
                                 size_t errlen);
    /* Revokes an outstanding code (unused, unrevoked, unexpired at now_ms).
     * NOT_FOUND: no code has this id; CONFLICT: it is not outstanding. *out
     * (may be NULL) gets the code's row as it is after the call, on OK and
     * on CONFLICT. */
    sl_st_rc (*enroll_code_revoke)(sl_store *st, int64_t id, int64_t now_ms, sl_hub_enroll_code *out, char *err,
                                   size_t errlen);
    /* Redeems a code: marks it used, revokes every other outstanding code of
     * the same screen, and makes token_hash the screen's one device token
     * (the earlier one, if any, is kept as revoked: auth_lookup then answers
     * REVOKED for it), in one transaction. Writes the screen's inventory row
     * to *out. NOT_FOUND: unknown code; CONFLICT: used before; REVOKED:
     * revoked (by enroll_code_revoke, or because the screen enrolled with
     * another code since); EXPIRED: expires_ms <= now_ms. Not idempotent by
     * design: a code works once. */
    sl_st_rc (*enroll_redeem)(sl_store *st, const uint8_t code_hash[SL_HUB_HASH_BYTES],
                              const uint8_t token_hash[SL_HUB_HASH_BYTES], int64_t now_ms, sl_hub_screen *out,
                              char *err, size_t errlen);
    /* De-enrols a screen: its device token stops working (auth_lookup
     * answers REVOKED for it) and the screen shows as not enrolled.
     * NOT_FOUND when the screen holds no device token. Takes effect for the
     * next request to this store (see token_revoke for hubs that cache). */
    sl_st_rc (*screen_revoke)(sl_store *st, const char *screen, int64_t now_ms, char *err, size_t errlen);

    /* ---- media catalogue (the bytes live in DATA/media/<sha256>) ---- */
    /* Records a stored media file. Idempotent. */
    sl_st_rc (*media_add)(sl_store *st, const char *sha256, int64_t size, int64_t now_ms, char *err,
                          size_t errlen);

    /* ---- manifests ---- */
    /* Stores a verified envelope as the channel's current manifest.
     * CONFLICT when version <= the channel's current version (*current is
     * then set to it; current may be NULL). */
    sl_st_rc (*manifest_put)(sl_store *st, const char *channel, int64_t version, const char *envelope,
                             size_t len, int64_t now_ms, int64_t *current, char *err, size_t errlen);
    /* The current version of a channel. NOT_FOUND when nothing is published. */
    sl_st_rc (*manifest_version)(sl_store *st, const char *channel, int64_t *version, char *err,
                                 size_t errlen);
    /* The current envelope (malloc'd, NUL-terminated, caller frees) and its
     * version. NOT_FOUND when nothing is published. */
    sl_st_rc (*manifest_get)(sl_store *st, const char *channel, int64_t *version, char **envelope,
                             size_t *len, char *err, size_t errlen);
    /* One version of a channel's manifest (malloc'd, NUL-terminated, caller
     * frees). NOT_FOUND when the hub does not hold it. */
    sl_st_rc (*manifest_at)(sl_store *st, const char *channel, int64_t version, char **envelope, size_t *len,
                            char *err, size_t errlen);
    sl_st_rc (*channel_list)(sl_store *st, int (*cb)(void *ud, const sl_hub_channel *c), void *ud,
                             char *err, size_t errlen);
    /* The versions the hub holds of a channel's manifest, newest first, at
     * most limit (0 = every one): each version, when it was published and
     * its envelope (NUL-terminated; valid during the call only). OK with no
     * call when the channel has none. */
    sl_st_rc (*manifest_list)(sl_store *st, const char *channel, size_t limit,
                              int (*cb)(void *ud, int64_t version, int64_t published_ms, const char *envelope,
                                        size_t len),
                              void *ud, char *err, size_t errlen);

    /* ---- proof of play ---- */
    /* Stores a batch of one screen's records (rec[i].screen is ignored;
     * `screen` is used) in one transaction. Idempotent by (screen, seq): a
     * record already held is not stored again and is counted in *dups even
     * when its fields differ (the first copy wins). *acked_seq is the highest
     * seq such that every seq from 1 to it is held (0 when seq 1 is not).
     * In the same transaction each newly stored record is added to the
     * screen's hourly summary (table play_days; hub_playhours.h), lit when lit[i] is
     * non-zero (lit NULL: none is). */
    sl_st_rc (*plays_put)(sl_store *st, const char *screen, const sl_play_record *rec, const uint8_t *lit,
                          size_t n, int64_t now_ms, size_t *stored, size_t *dups, int64_t *acked_seq, char *err,
                          size_t errlen);
    /* Every hourly play summary with from_ms <= hour < to_ms: of one screen
     * (screen not NULL) by hour, or of all screens in no particular order
     * (the cheapest scan the database has). */
    sl_st_rc (*play_hours_list)(sl_store *st, const char *screen, int64_t from_ms, int64_t to_ms,
                                int (*cb)(void *ud, const sl_hub_play_hour *h), void *ud, char *err,
                                size_t errlen);
    /* Minutes online per hour, from_ms <= hour < to_ms: of one screen
     * (screen not NULL) by hour, or of all screens in no particular order. */
    sl_st_rc (*online_list)(sl_store *st, const char *screen, int64_t from_ms, int64_t to_ms,
                            int (*cb)(void *ud, const char *screen, int64_t hour_ms, int minutes), void *ud,
                            char *err, size_t errlen);
    /* A screen's records with seq > after_seq, by seq, at most `limit`. */
    sl_st_rc (*plays_list)(sl_store *st, const char *screen, int64_t after_seq, size_t limit,
                           int (*cb)(void *ud, const sl_play_record *r, int64_t received_ms), void *ud,
                           char *err, size_t errlen);

    /* ---- heartbeats, screenshots ---- */
    /* Records a heartbeat: the screen's last status and last-seen time, its
     * history (the first heartbeat of each SL_HUB_HB_SLOT_MS slot, the
     * latest SL_HUB_HB_HISTORY kept), and one minute online in the UTC hour of now_ms (at most once per calendar
     * minute, so a screen beating faster than once a minute is not counted
     * twice). Reads and clears the screen's screenshot request into
     * *screenshot_requested. */
    sl_st_rc (*heartbeat_put)(sl_store *st, const char *screen, const sl_hub_heartbeat *hb,
                              bool *screenshot_requested, char *err, size_t errlen);
    /* Minutes online in [from_ms, to_ms), per hour (hour_start_ms multiple of 3600000). */
    sl_st_rc (*hours_list)(sl_store *st, const char *screen, int64_t from_ms, int64_t to_ms,
                           int (*cb)(void *ud, int64_t hour_start_ms, int minutes), void *ud, char *err,
                           size_t errlen);
    /* Asks the screen for a screenshot in its next heartbeat reply.
     * NOT_FOUND when the screen is not in the inventory. Idempotent. */
    sl_st_rc (*screenshot_request)(sl_store *st, const char *screen, char *err, size_t errlen);
    /* Records a screenshot whose file is already in place, and applies the
     * retention rule: per screen and UTC day, keep the first 5 and the
     * latest. `evicted` is called with the relative file name of each row
     * removed, after the commit, so the caller can delete the files. */
    sl_st_rc (*screenshot_add)(sl_store *st, const char *screen, const sl_hub_screenshot *shot,
                               void (*evicted)(void *ud, const char *file), void *ud, char *err,
                               size_t errlen);
    /* The latest screenshot of a screen. NOT_FOUND when none. */
    sl_st_rc (*screenshot_latest)(sl_store *st, const char *screen, sl_hub_screenshot *out, char *err,
                                  size_t errlen);

    /* ---- the console's screens pages (the wall, a screen's page) ---- */
    /* Every screen (screen NULL), ordered by id, or the one screen named
     * (with its last heartbeat's whole status), with what the wall shows of
     * it, read in one statement. A screen not in the inventory is no row
     * (still SL_ST_OK). */
    sl_st_rc (*wall_list)(sl_store *st, const char *screen, int (*cb)(void *ud, const sl_hub_wall_row *r),
                          void *ud, char *err, size_t errlen);
    /* A screen's screenshots with from_ms <= taken < to_ms, newest first. */
    sl_st_rc (*screenshot_list)(sl_store *st, const char *screen, int64_t from_ms, int64_t to_ms,
                                int (*cb)(void *ud, const sl_hub_screenshot *s), void *ud, char *err,
                                size_t errlen);
    /* A screen's heartbeat history (heartbeat_put), newest first, at most `limit`. */
    sl_st_rc (*heartbeat_history)(sl_store *st, const char *screen, size_t limit,
                                  int (*cb)(void *ud, const sl_hub_hb_point *h), void *ud, char *err,
                                  size_t errlen);
    /* A screen's `limit` latest records (highest seq), newest first. */
    sl_st_rc (*plays_latest)(sl_store *st, const char *screen, size_t limit,
                             int (*cb)(void *ud, const sl_play_record *r, int64_t received_ms), void *ud,
                             char *err, size_t errlen);
    /* ---- end of the console's screens pages ---- */
    /* ---- people of the web console and their sessions ---- */
    /* Adds a person (u->name, role, pwhash, created_ms, disabled). CONFLICT
     * when the name is taken. */
    sl_st_rc (*user_add)(sl_store *st, const sl_hub_user *u, char *err, size_t errlen);
    /* One person by name. NOT_FOUND when there is none. */
    sl_st_rc (*user_get)(sl_store *st, const char *name, sl_hub_user *out, char *err, size_t errlen);
    /* Every person, by name. */
    sl_st_rc (*user_list)(sl_store *st, int (*cb)(void *ud, const sl_hub_user *u), void *ud, char *err,
                          size_t errlen);
    /* Sets a person's password hash and ends every session of theirs but
     * the one whose hash is keep (NULL: all of them). NOT_FOUND when there
     * is no such person. */
    sl_st_rc (*user_set_password)(sl_store *st, const char *name, const char *pwhash,
                                  const uint8_t keep[SL_HUB_HASH_BYTES], char *err, size_t errlen);
    /* Sets a person's role and whether they are disabled; disabling ends
     * every session of theirs (a role change applies to their sessions'
     * next request). NOT_FOUND when there is no such person. */
    sl_st_rc (*user_set)(sl_store *st, const char *name, sl_hub_role role, bool disabled, char *err,
                         size_t errlen);
    /* Removes a person and every session of theirs. NOT_FOUND when there is none. */
    sl_st_rc (*user_remove)(sl_store *st, const char *name, char *err, size_t errlen);
    /* Starts a session of a person (hash: the SHA-256 of its cookie) at
     * now_ms, and removes every session idle for idle_ms or more. NOT_FOUND
     * when the person does not exist or is disabled; CONFLICT when the hash
     * exists (a collision: make another). */
    sl_st_rc (*session_add)(sl_store *st, const uint8_t hash[SL_HUB_HASH_BYTES], const char *name, int64_t now_ms,
                            int64_t idle_ms, char *err, size_t errlen);
    /* Checks a session at now_ms: OK with *out (may be NULL) when it exists,
     * was used less than idle_ms ago and its person is not disabled; its
     * last use becomes now_ms when it was touch_ms or more ago (so that
     * reading pages is not a write each). NOT_FOUND otherwise (a session
     * idle too long is removed). */
    sl_st_rc (*session_check)(sl_store *st, const uint8_t hash[SL_HUB_HASH_BYTES], int64_t now_ms, int64_t idle_ms,
                              int64_t touch_ms, sl_hub_session *out, char *err, size_t errlen);
    /* Ends a session (logging out). NOT_FOUND when there is none. */
    sl_st_rc (*session_end)(sl_store *st, const uint8_t hash[SL_HUB_HASH_BYTES], char *err, size_t errlen);
} sl_store_ops;

/* Every backend's handle starts with this. */
struct sl_store {
    const sl_store_ops *ops;
};

/* Opens the store for a data folder: DATA/hub.db (SQLite), created with its
 * schema when missing. Returns NULL with a message in err. */
sl_store *sl_store_open_sqlite(const char *data_dir, char *err, size_t errlen);

/* Opens a PostgreSQL store: url is a libpq connection URI,
 * "postgresql://USER[:PASSWORD]@HOST[:PORT]/DB[?param=value...]". Creates
 * the schema in a database without it (several hubs may start at once) and
 * checks its version otherwise. Returns NULL with a message in err (e.g.
 * the server is not reachable). See tools/hub/STORAGE.md. */
sl_store *sl_store_open_pg(const char *url, char *err, size_t errlen);

/* Whether db names a PostgreSQL database ("postgresql://..." or "postgres://..."). */
bool sl_store_db_is_pg(const char *db);

/* Opens the store a hub is told to use: PostgreSQL when db is a PostgreSQL
 * URI, else (db NULL or "") SQLite in data_dir. Returns NULL with err. */
sl_store *sl_store_open(const char *data_dir, const char *db, char *err, size_t errlen);

/* Closes any store; NULL is fine. */
void sl_store_close(sl_store *st);

#endif
