/* store_pg.c — the PostgreSQL backend of the hub store (libpq): a small connection pool, prepared statements, row locks for fleets of hubs. */
#define _POSIX_C_SOURCE 200809L
#include "tools/hub/store/store.h"
#include "tools/hub/service/hub_playhours.h"
#include "tools/hub/store/store_days.h"

#define SL_XSTR(x) #x
#define SL_STR(x) SL_XSTR(x)

#include "content/timeutil.h"

#include <libpq-fe.h>

#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Design (see tools/hub/STORAGE.md)
 * - Threads: a pool of at most PG_POOL_MAX connections, opened on demand.
 *   An operation takes one connection (waiting when all are busy), runs on
 *   it alone and gives it back; a PGconn is never used by two threads at
 *   once. The pool's list is guarded by one mutex.
 * - Every statement is prepared on each connection when it is opened
 *   (PQprepare) and run with PQexecPrepared: data only ever travels as
 *   parameters. Hashes and envelopes are bytea, sent and read in binary.
 * - Processes: several hubs may share one database. Whatever reads a value
 *   and then writes on its basis takes a row lock first (screen_state for a
 *   screen's plays, heartbeats and screenshots; channels for a channel's
 *   version), so two hubs cannot both accept version 5, or compute acked_seq
 *   from a stale view. Idempotency rests on primary keys (ON CONFLICT DO
 *   NOTHING). Transactions run at READ COMMITTED; a deadlock or
 *   serialisation failure is retried a few times.
 * - Durability: COMMIT returns after the server flushed its WAL
 *   (synchronous_commit is the server's; its default, on, is what the
 *   contract needs).
 * - A connection that broke while idle in the pool (the server restarted)
 *   is replaced when taken, or when the operation's first statement finds
 *   it closed (nothing had reached a live server: the statement is run
 *   again on a new connection). One that breaks later in an operation
 *   fails that operation (SL_ST_ERROR, rolled back) and is dropped.
 * - The server unreachable: operations fail with "PostgreSQL at HOST:PORT/DB
 *   is not reachable: ..." and work again once it is back.
 */

#define PG_SCHEMA_VERSION 6 /* 2: play_hours; 3: channel scopes, code ids and revocation; 4: console users;
                              5: what the console's wall lists, kept as columns; 6: heartbeat history */
#define PG_POOL_MAX 16
#define PG_PLAY_CHUNK 64        /* rows per multi-row INSERT of plays */
#define PG_PLAY_COLS 13
#define PG_PARAMS_MAX 16
#define PG_TX_ATTEMPTS 4        /* a transaction hit by a deadlock or serialisation failure is retried */
#define PG_SHOTS_FIRST_KEPT 5   /* per screen and day: the first five, plus the latest */
#define PG_MIGRATE_LOCK "7307876597088940032" /* pg_advisory_xact_lock key for schema creation */

static const char *const pg_schema =
    "CREATE TABLE sl_meta(key text PRIMARY KEY, value bigint NOT NULL);"
    "CREATE TABLE tokens("
    "  id bigserial PRIMARY KEY, name text NOT NULL, role text NOT NULL,"
    "  hash bytea NOT NULL UNIQUE, created bigint NOT NULL, revoked bigint);"
    "CREATE UNIQUE INDEX tokens_valid_name ON tokens(name) WHERE revoked IS NULL;"
    "CREATE TABLE keys(name text PRIMARY KEY, key text NOT NULL UNIQUE, created bigint NOT NULL);"
    "CREATE TABLE screens("
    "  id text PRIMARY KEY, name text NOT NULL, site text NOT NULL, region text NOT NULL,"
    "  unit_type text NOT NULL, tags text NOT NULL, channel text NOT NULL, hours text NOT NULL,"
    "  timezone text NOT NULL);"
    "CREATE TABLE enroll_codes("
    "  hash bytea PRIMARY KEY, screen text NOT NULL REFERENCES screens(id),"
    "  created bigint NOT NULL, expires bigint NOT NULL, used bigint);"
    "CREATE TABLE screen_tokens("
    "  screen text PRIMARY KEY REFERENCES screens(id), hash bytea NOT NULL UNIQUE,"
    "  created bigint NOT NULL);"
    "CREATE TABLE screen_state("
    "  screen text PRIMARY KEY, acked_seq bigint NOT NULL DEFAULT 0,"
    "  screenshot_requested boolean NOT NULL DEFAULT false);"
    "CREATE TABLE channels(channel text PRIMARY KEY, version bigint NOT NULL, published bigint NOT NULL);"
    "CREATE TABLE manifests("
    "  channel text NOT NULL, version bigint NOT NULL, envelope bytea NOT NULL,"
    "  published bigint NOT NULL, PRIMARY KEY(channel, version));"
    "CREATE TABLE media(sha256 text PRIMARY KEY, size bigint NOT NULL, received bigint NOT NULL);"
    "CREATE TABLE plays("
    "  screen text NOT NULL, seq bigint NOT NULL, item text NOT NULL, media_sha256 text NOT NULL,"
    "  manifest_version bigint NOT NULL, zone text NOT NULL, start_ms bigint NOT NULL,"
    "  mono_start_ms bigint NOT NULL, clock_trust integer NOT NULL, duration_ms bigint NOT NULL,"
    "  outcome integer NOT NULL, reason text NOT NULL, received bigint NOT NULL,"
    "  PRIMARY KEY(screen, seq));"
    "CREATE TABLE heartbeats("
    "  screen text PRIMARY KEY, received bigint NOT NULL, content_version bigint,"
    "  status text NOT NULL, last_minute bigint NOT NULL);"
    "CREATE TABLE screen_hours("
    "  screen text NOT NULL, hour bigint NOT NULL, minutes integer NOT NULL,"
    "  PRIMARY KEY(screen, hour));"
    "CREATE TABLE screenshots("
    "  id bigserial PRIMARY KEY, screen text NOT NULL, day bigint NOT NULL, taken bigint NOT NULL,"
    "  file text NOT NULL, size bigint NOT NULL, mime text NOT NULL);"
    "CREATE INDEX screenshots_by_day ON screenshots(screen, day, taken);";

/* Schema version 2: the play summary and minutes online, one row per
 * screen and UTC day (hub_playhours.h; REPORTS.md). */
static const char *const pg_schema_v2 =
    "CREATE TABLE play_days(screen text NOT NULL, day bigint NOT NULL, hours text NOT NULL,"
    "  PRIMARY KEY(screen, day));"
    "CREATE TABLE online_days(screen text NOT NULL, day bigint NOT NULL, minutes text NOT NULL,"
    "  PRIMARY KEY(screen, day));";

/* Schema version 3: channel scopes of publisher tokens and keys; enrolment
 * codes get an id (existing codes are numbered) and can be revoked; device
 * tokens taken away by de-enrolment or a later enrolment are kept, so that
 * the screen can be told. */
static const char *const pg_schema_v3 =
    "ALTER TABLE tokens ADD COLUMN channels text NOT NULL DEFAULT '';"
    "ALTER TABLE keys ADD COLUMN channels text NOT NULL DEFAULT '';"
    "ALTER TABLE enroll_codes ADD COLUMN id bigserial;"
    "ALTER TABLE enroll_codes ADD COLUMN revoked bigint;"
    "CREATE UNIQUE INDEX enroll_codes_id ON enroll_codes(id);"
    "CREATE INDEX enroll_codes_screen ON enroll_codes(screen);"
    "CREATE TABLE revoked_screen_tokens(hash bytea PRIMARY KEY, screen text NOT NULL, revoked bigint NOT NULL);";

/* Schema version 4: the people of the web console and their sessions
 * (a session is kept by the SHA-256 of its cookie). */
static const char *const pg_schema_v4 =
    "CREATE TABLE users(name text PRIMARY KEY, role text NOT NULL, pwhash text NOT NULL,"
    "  created bigint NOT NULL, disabled boolean NOT NULL DEFAULT false);"
    "CREATE TABLE sessions(hash bytea PRIMARY KEY, name text NOT NULL, created bigint NOT NULL,"
    "  seen bigint NOT NULL);"
    "CREATE INDEX sessions_name ON sessions(name);"
    "CREATE INDEX sessions_seen ON sessions(seen);";

/* Schema version 5: what the console's wall lists of every screen, kept as
 * columns when written (so that the wall reads no JSON and looks up no
 * screenshot per screen): the last heartbeat's current item, clock trust and
 * free disk, and the time of the latest screenshot. */
static const char *const pg_schema_v5 =
    "ALTER TABLE heartbeats ADD COLUMN current_item text, ADD COLUMN clock_trust text, ADD COLUMN free_disk bigint;"
    "UPDATE heartbeats SET current_item = status::jsonb ->> 'current_item',"
    "  clock_trust = status::jsonb ->> 'clock_trust', free_disk = (status::jsonb ->> 'free_disk_bytes')::bigint;"
    "ALTER TABLE screen_state ADD COLUMN last_shot bigint;"
    "INSERT INTO screen_state(screen) SELECT DISTINCT screen FROM screenshots ON CONFLICT DO NOTHING;"
    "UPDATE screen_state s SET last_shot = (SELECT max(taken) FROM screenshots x WHERE x.screen = s.screen);";

/* Schema version 6: each screen's recent heartbeats (store.h,
 * SL_HUB_HB_HISTORY), started with the last heartbeat of each screen. */
static const char *const pg_schema_v6 =
    "CREATE TABLE heartbeat_history(screen text NOT NULL, received bigint NOT NULL, uptime bigint,"
    "  free_disk bigint, clock_offset bigint, clock_trust text, PRIMARY KEY(screen, received));"
    "INSERT INTO heartbeat_history SELECT screen, received, (status::jsonb ->> 'uptime_s')::numeric::bigint,"
    "  free_disk, (status::jsonb ->> 'clock_offset_ms')::numeric::bigint, clock_trust FROM heartbeats;";

/* Every statement the backend runs, prepared on each connection as "slN". */
enum {
    Q_TOKEN_ADD,
    Q_TOKEN_LIST,
    Q_TOKEN_REVOKE,
    Q_AUTH,
    Q_KEY_ADD,
    Q_KEY_BY_KEY,
    Q_KEY_LIST,
    Q_SCREEN_UPSERT,
    Q_SCREEN_GET,
    Q_SCREEN_LIST,
    Q_CODE_ADD,
    Q_CODE_CLAIM,
    Q_CODE_GET,
    Q_SCREEN_TOKEN_SET,
    Q_MEDIA_ADD,
    Q_CHANNEL_BUMP,
    Q_CHANNEL_VERSION,
    Q_MANIFEST_ADD,
    Q_MANIFEST_GET,
    Q_CHANNEL_LIST,
    Q_STATE_ENSURE,
    Q_STATE_LOCK,
    Q_PLAY_ADD_1,
    Q_PLAY_ADD_CHUNK,
    Q_ACK_SCAN,
    Q_ACK_SET,
    Q_PLAYS_LIST,
    Q_HB_LAST_MINUTE,
    Q_HB_PUT,
    Q_HB_HISTORY_ADD,
    Q_HB_HISTORY_TRIM,
    Q_HB_HISTORY,
    Q_HOUR_ADD,
    Q_SHOT_FLAG_CLEAR,
    Q_SHOT_FLAG_SET,
    Q_HOURS_LIST,
    Q_SHOT_ADD,
    Q_SHOT_DAY,
    Q_SHOT_DEL,
    Q_SHOT_LATEST,
    Q_SHOT_MARK,
    Q_MANIFEST_AT,
    Q_MANIFEST_LIST,
    Q_PH_GET,
    Q_PLAYS_NEAR,
    Q_PH_PUT,
    Q_OD_GET,
    Q_OD_PUT,
    Q_KEY_SCOPE,
    Q_CODE_SCREEN,
    Q_SCREEN_LOCK,
    Q_CODES_SUPERSEDE,
    Q_TOKEN_RETIRE,
    Q_SCREEN_REVOKE,
    Q_CODE_LIST,
    Q_CODE_BY_ID,
    Q_CODE_REVOKE,
    /* the console's screens pages */
    Q_WALL_ALL,
    Q_WALL_ONE,
    Q_SHOT_LIST,
    Q_PLAYS_LATEST,
    /* people of the web console and their sessions */
    Q_USER_ADD,
    Q_USER_GET,
    Q_USER_LIST,
    Q_USER_PW,
    Q_USER_SET,
    Q_USER_DEL,
    Q_SESS_END_USER,
    Q_SESS_ADD,
    Q_SESS_PURGE,
    Q_SESS_GET,
    Q_SESS_TOUCH,
    Q_SESS_END,
    Q_COUNT
};

#define PG_PLAY_ROW_VALUES "($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13)"
#define PG_PLAY_INSERT                                                                                      \
    "INSERT INTO plays(screen, seq, item, media_sha256, manifest_version, zone, start_ms, mono_start_ms,"    \
    " clock_trust, duration_ms, outcome, reason, received) VALUES"

#define PG_WALL_SQL(status, where)                                                                          \
    "SELECT s.id, s.name, s.site, s.region, s.unit_type, s.tags, s.channel, s.hours, s.timezone,"           \
    " t.screen IS NOT NULL, h.received, h.content_version, st.acked_seq, c.version,"                        \
    " h.current_item, h.clock_trust, h.free_disk, st.last_shot, " status                                    \
    " FROM screens s LEFT JOIN screen_tokens t ON t.screen = s.id"                                          \
    " LEFT JOIN heartbeats h ON h.screen = s.id LEFT JOIN screen_state st ON st.screen = s.id"              \
    " LEFT JOIN channels c ON c.channel = s.channel" where

static const char *const pg_sql[Q_COUNT] = {
    [Q_TOKEN_ADD] = "INSERT INTO tokens(name, role, hash, created, channels) VALUES($1, $2, $3, $4, $5)",
    [Q_TOKEN_LIST] = "SELECT name, role, created, revoked, channels FROM tokens ORDER BY id",
    [Q_TOKEN_REVOKE] = "UPDATE tokens SET revoked = $2 WHERE name = $1 AND revoked IS NULL",
    /* One statement for both kinds of token; a screen token also brings the
     * screen's channel and that channel's current version (a poll's 304);
     * a device token taken away comes back as kind 2. */
    [Q_AUTH] = "SELECT 0 AS k, role, name, false, NULL::text, NULL::bigint, channels FROM tokens"
               " WHERE hash = $1 AND revoked IS NULL"
               " UNION ALL SELECT 1, 'screen', t.screen, s.id IS NOT NULL, s.channel, c.version, ''"
               " FROM screen_tokens t LEFT JOIN screens s ON s.id = t.screen"
               " LEFT JOIN channels c ON c.channel = s.channel WHERE t.hash = $1"
               " UNION ALL SELECT 2, 'screen', screen, false, NULL::text, NULL::bigint, ''"
               " FROM revoked_screen_tokens WHERE hash = $1 ORDER BY k LIMIT 1",
    [Q_KEY_ADD] = "INSERT INTO keys(name, key, created, channels) VALUES($1, $2, $3, $4) ON CONFLICT DO NOTHING",
    [Q_KEY_BY_KEY] = "SELECT name FROM keys WHERE key = $1",
    [Q_KEY_LIST] = "SELECT name, key, created, channels FROM keys ORDER BY created, name COLLATE \"C\"",
    [Q_SCREEN_UPSERT] =
        "INSERT INTO screens(id, name, site, region, unit_type, tags, channel, hours, timezone)"
        " VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT(id) DO UPDATE SET"
        " name = excluded.name, site = excluded.site, region = excluded.region,"
        " unit_type = excluded.unit_type, tags = excluded.tags, channel = excluded.channel,"
        " hours = excluded.hours, timezone = excluded.timezone",
    [Q_SCREEN_GET] = "SELECT id, name, site, region, unit_type, tags, channel, hours, timezone"
                     " FROM screens WHERE id = $1",
    [Q_SCREEN_LIST] =
        "SELECT s.id, s.name, s.site, s.region, s.unit_type, s.tags, s.channel, s.hours, s.timezone,"
        " t.screen IS NOT NULL, h.received, h.content_version, st.acked_seq"
        " FROM screens s LEFT JOIN screen_tokens t ON t.screen = s.id"
        " LEFT JOIN heartbeats h ON h.screen = s.id LEFT JOIN screen_state st ON st.screen = s.id"
        " ORDER BY s.id COLLATE \"C\"",
    [Q_CODE_ADD] = "INSERT INTO enroll_codes(hash, screen, created, expires)"
                   " SELECT $1::bytea, $2::text, $3::bigint, $4::bigint"
                   " WHERE EXISTS (SELECT 1 FROM screens WHERE id = $2::text) RETURNING id",
    [Q_CODE_CLAIM] = "UPDATE enroll_codes SET used = $2 WHERE hash = $1 AND used IS NULL AND revoked IS NULL"
                     " AND expires > $2 RETURNING screen",
    [Q_CODE_GET] = "SELECT used IS NOT NULL, revoked IS NOT NULL, expires FROM enroll_codes WHERE hash = $1",
    [Q_SCREEN_TOKEN_SET] = "INSERT INTO screen_tokens(screen, hash, created) VALUES($1, $2, $3)"
                           " ON CONFLICT(screen) DO UPDATE SET hash = excluded.hash, created = excluded.created",
    [Q_MEDIA_ADD] = "INSERT INTO media(sha256, size, received) VALUES($1, $2, $3) ON CONFLICT DO NOTHING",
    /* Takes the channel's row lock; a row comes back only when the version increases. */
    [Q_CHANNEL_BUMP] = "INSERT INTO channels(channel, version, published) VALUES($1, $2, $3)"
                       " ON CONFLICT(channel) DO UPDATE SET version = excluded.version,"
                       " published = excluded.published WHERE channels.version < excluded.version"
                       " RETURNING version",
    [Q_CHANNEL_VERSION] = "SELECT version FROM channels WHERE channel = $1",
    [Q_MANIFEST_ADD] = "INSERT INTO manifests(channel, version, envelope, published) VALUES($1, $2, $3, $4)",
    [Q_MANIFEST_GET] = "SELECT m.version, m.envelope FROM channels c JOIN manifests m"
                       " ON m.channel = c.channel AND m.version = c.version WHERE c.channel = $1",
    [Q_CHANNEL_LIST] = "SELECT channel, version, published FROM channels ORDER BY channel COLLATE \"C\"",
    [Q_STATE_ENSURE] = "INSERT INTO screen_state(screen) VALUES($1) ON CONFLICT DO NOTHING",
    /* The per-screen lock: plays, heartbeats and screenshots of one screen take turns. */
    [Q_STATE_LOCK] = "SELECT acked_seq, screenshot_requested FROM screen_state WHERE screen = $1 FOR UPDATE",
    [Q_PLAY_ADD_1] = PG_PLAY_INSERT " " PG_PLAY_ROW_VALUES " ON CONFLICT DO NOTHING RETURNING seq",
    [Q_PLAY_ADD_CHUNK] = NULL, /* built from placeholders only, see pg_play_chunk_sql */
    /* The highest seq reachable from $2 through consecutive stored seqs. */
    [Q_ACK_SCAN] = "SELECT CASE WHEN EXISTS (SELECT 1 FROM plays WHERE screen = $1 AND seq = $2::bigint + 1)"
                   " THEN (SELECT p.seq FROM plays p WHERE p.screen = $1 AND p.seq > $2::bigint AND NOT EXISTS"
                   "  (SELECT 1 FROM plays q WHERE q.screen = $1 AND q.seq = p.seq + 1) ORDER BY p.seq LIMIT 1)"
                   " ELSE $2::bigint END",
    [Q_ACK_SET] = "UPDATE screen_state SET acked_seq = $2 WHERE screen = $1",
    [Q_PLAYS_LIST] = "SELECT seq, item, media_sha256, manifest_version, zone, start_ms, mono_start_ms,"
                     " clock_trust, duration_ms, outcome, reason, received FROM plays"
                     " WHERE screen = $1 AND seq > $2 ORDER BY seq LIMIT $3",
    [Q_HB_LAST_MINUTE] = "SELECT last_minute FROM heartbeats WHERE screen = $1",
    /* The words the wall lists are taken from the status as it is stored (schema 5). */
    [Q_HB_PUT] = "INSERT INTO heartbeats(screen, received, content_version, status, last_minute, current_item,"
                 " clock_trust, free_disk) VALUES($1, $2, $3, $4::text, $5, $4::jsonb ->> 'current_item',"
                 " $4::jsonb ->> 'clock_trust', ($4::jsonb ->> 'free_disk_bytes')::bigint)"
                 " ON CONFLICT(screen) DO UPDATE SET"
                 " received = excluded.received, content_version = excluded.content_version,"
                 " status = excluded.status, last_minute = excluded.last_minute,"
                 " current_item = excluded.current_item, clock_trust = excluded.clock_trust,"
                 " free_disk = excluded.free_disk",
    /* The first heartbeat of its slot ($4: the slot's start) joins the history... */
    [Q_HB_HISTORY_ADD] = "INSERT INTO heartbeat_history(screen, received, uptime, free_disk, clock_offset, clock_trust)"
                         " SELECT $1::text, $2::bigint, ($3::jsonb ->> 'uptime_s')::numeric::bigint,"
                         " ($3::jsonb ->> 'free_disk_bytes')::numeric::bigint,"
                         " ($3::jsonb ->> 'clock_offset_ms')::numeric::bigint, $3::jsonb ->> 'clock_trust'"
                         " WHERE NOT EXISTS(SELECT 1 FROM heartbeat_history WHERE screen = $1::text"
                         " AND received >= $4::bigint)",
    /* ... and all but the latest $2 + 1 leave it. */
    [Q_HB_HISTORY_TRIM] = "DELETE FROM heartbeat_history WHERE screen = $1 AND received < (SELECT received"
                          " FROM heartbeat_history WHERE screen = $1 ORDER BY received DESC LIMIT 1 OFFSET $2::bigint)",
    [Q_HB_HISTORY] = "SELECT received, uptime, free_disk, clock_offset, clock_trust FROM heartbeat_history"
                     " WHERE screen = $1 ORDER BY received DESC LIMIT $2",
    [Q_HOUR_ADD] = "INSERT INTO screen_hours(screen, hour, minutes) VALUES($1, $2, 1)"
                   " ON CONFLICT(screen, hour) DO UPDATE SET minutes = LEAST(60, screen_hours.minutes + 1)",
    [Q_SHOT_FLAG_CLEAR] = "UPDATE screen_state SET screenshot_requested = false WHERE screen = $1",
    [Q_SHOT_FLAG_SET] = "INSERT INTO screen_state(screen, screenshot_requested) SELECT $1::text, true"
                        " WHERE EXISTS (SELECT 1 FROM screens WHERE id = $1::text)"
                        " ON CONFLICT(screen) DO UPDATE SET screenshot_requested = true",
    [Q_HOURS_LIST] = "SELECT hour, minutes FROM screen_hours WHERE screen = $1 AND hour >= $2 AND hour < $3"
                     " ORDER BY hour",
    [Q_SHOT_ADD] = "INSERT INTO screenshots(screen, day, taken, file, size, mime) VALUES($1, $2, $3, $4, $5, $6)",
    [Q_SHOT_DAY] = "SELECT id, file FROM screenshots WHERE screen = $1 AND day = $2 ORDER BY taken, id",
    [Q_SHOT_DEL] = "DELETE FROM screenshots WHERE id = $1",
    [Q_SHOT_MARK] = "UPDATE screen_state SET last_shot = GREATEST(last_shot, $2) WHERE screen = $1",
    [Q_SHOT_LATEST] = "SELECT taken, file, size, mime FROM screenshots WHERE screen = $1"
                      " ORDER BY taken DESC, id DESC LIMIT 1",
    [Q_MANIFEST_AT] = "SELECT envelope FROM manifests WHERE channel = $1 AND version = $2",
    [Q_MANIFEST_LIST] = "SELECT version, published, envelope FROM manifests WHERE channel = $1"
                        " ORDER BY version DESC LIMIT $2",
    [Q_PH_GET] = "SELECT hours FROM play_days WHERE screen = $1 AND day = $2",
    [Q_PLAYS_NEAR] = "SELECT seq, zone, start_ms, duration_ms, clock_trust, outcome FROM plays"
                     " WHERE screen = $1 AND seq >= $2 AND seq <= $3",
    [Q_PH_PUT] = "INSERT INTO play_days(screen, day, hours) VALUES($1, $2, $3)"
                 " ON CONFLICT(screen, day) DO UPDATE SET hours = excluded.hours",
    [Q_OD_GET] = "SELECT minutes FROM online_days WHERE screen = $1 AND day = $2",
    [Q_OD_PUT] = "INSERT INTO online_days(screen, day, minutes) VALUES($1, $2, $3)"
                 " ON CONFLICT(screen, day) DO UPDATE SET minutes = excluded.minutes",
    [Q_KEY_SCOPE] = "UPDATE keys SET channels = $2 WHERE key = $1",
    [Q_CODE_SCREEN] = "SELECT screen FROM enroll_codes WHERE hash = $1",
    /* The per-screen enrolment lock: two codes of one screen redeemed at once take turns. */
    [Q_SCREEN_LOCK] = "SELECT 1 FROM screens WHERE id = $1 FOR UPDATE",
    [Q_CODES_SUPERSEDE] = "UPDATE enroll_codes SET revoked = $2 WHERE screen = $1 AND used IS NULL AND revoked IS NULL",
    [Q_TOKEN_RETIRE] = "INSERT INTO revoked_screen_tokens(hash, screen, revoked)"
                       " SELECT hash, screen, $2 FROM screen_tokens WHERE screen = $1 ON CONFLICT DO NOTHING",
    [Q_SCREEN_REVOKE] = "WITH d AS (DELETE FROM screen_tokens WHERE screen = $1 RETURNING hash, screen)"
                        " INSERT INTO revoked_screen_tokens(hash, screen, revoked) SELECT hash, screen, $2 FROM d"
                        " ON CONFLICT (hash) DO UPDATE SET revoked = excluded.revoked RETURNING screen",
    [Q_CODE_LIST] = "SELECT id, screen, created, expires, used, revoked FROM enroll_codes"
                    " WHERE $1::text IS NULL OR screen = $1::text ORDER BY id",
    [Q_CODE_BY_ID] = "SELECT id, screen, created, expires, used, revoked FROM enroll_codes WHERE id = $1",
    [Q_CODE_REVOKE] = "UPDATE enroll_codes SET revoked = $2 WHERE id = $1 AND used IS NULL AND revoked IS NULL"
                      " AND expires > $2 RETURNING id, screen, created, expires, used, revoked",
    /* the console's screens pages: every screen (or one) with its status, its
     * channel's version, its last heartbeat's words and latest screenshot
     * (schema 5's columns); one screen's also with its last whole status */
    [Q_WALL_ALL] = PG_WALL_SQL("NULL::text", "") " ORDER BY s.id COLLATE \"C\"",
    [Q_WALL_ONE] = PG_WALL_SQL("h.status", " WHERE s.id = $1"),
    [Q_SHOT_LIST] = "SELECT taken, file, size, mime FROM screenshots WHERE screen = $1 AND day >= $2 AND day <= $3"
                    " AND taken >= $4 AND taken < $5 ORDER BY day DESC, taken DESC, id DESC",
    [Q_PLAYS_LATEST] = "SELECT seq, item, media_sha256, manifest_version, zone, start_ms, mono_start_ms,"
                       " clock_trust, duration_ms, outcome, reason, received FROM plays"
                       " WHERE screen = $1 ORDER BY seq DESC LIMIT $2",
    /* people of the web console and their sessions */
    [Q_USER_ADD] = "INSERT INTO users(name, role, pwhash, created, disabled) VALUES($1, $2, $3, $4, $5)",
    [Q_USER_GET] = "SELECT name, role, pwhash, created, disabled FROM users WHERE name = $1",
    [Q_USER_LIST] = "SELECT name, role, pwhash, created, disabled FROM users ORDER BY name COLLATE \"C\"",
    [Q_USER_PW] = "UPDATE users SET pwhash = $2 WHERE name = $1",
    [Q_USER_SET] = "UPDATE users SET role = $2, disabled = $3 WHERE name = $1",
    [Q_USER_DEL] = "DELETE FROM users WHERE name = $1",
    [Q_SESS_END_USER] = "DELETE FROM sessions WHERE name = $1 AND ($2::bytea IS NULL OR hash <> $2::bytea)",
    /* Takes the person's row lock, so that disabling them cannot miss a session started at the same time. */
    [Q_SESS_ADD] = "INSERT INTO sessions(hash, name, created, seen) SELECT $1::bytea, $2::text, $3::bigint, $3::bigint"
                   " WHERE EXISTS (SELECT 1 FROM users WHERE name = $2::text AND NOT disabled FOR SHARE)",
    [Q_SESS_PURGE] = "DELETE FROM sessions WHERE seen <= $1",
    [Q_SESS_GET] = "SELECT s.created, s.seen, u.name, u.role, u.pwhash, u.created, u.disabled"
                   " FROM sessions s JOIN users u ON u.name = s.name WHERE s.hash = $1",
    [Q_SESS_TOUCH] = "UPDATE sessions SET seen = $2 WHERE hash = $1 AND seen < $2",
    [Q_SESS_END] = "DELETE FROM sessions WHERE hash = $1",
};

struct pg_store;

/* One pooled connection. */
typedef struct pg_conn {
    PGconn *pq;
    struct pg_store *owner;
    struct pg_conn *next; /* in the idle list */
    bool fresh;           /* just taken from the pool: nothing run on it yet */
    char state[6];        /* SQLSTATE of the last failure, "" if none */
    char msg[256];        /* its message */
} pg_conn;

typedef struct pg_store {
    sl_store base; /* first: the generic handle */
    char *url;
    char *chunk_sql; /* Q_PLAY_ADD_CHUNK */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool mu_ok, cv_ok;
    pg_conn *idle;  /* connections ready for use */
    size_t open;    /* connections that exist (idle or in use) */
} pg_store;

/* Parameters of one statement (text, bytea or int64). */
typedef struct {
    int n;
    const char *v[PG_PARAMS_MAX];
    int len[PG_PARAMS_MAX];
    int fmt[PG_PARAMS_MAX];
    char num[PG_PARAMS_MAX][24];
} pg_params;

static pg_store *pgs(sl_store *st)
{
    return (pg_store *)st;
}

static void pp_text(pg_params *p, const char *s)
{
    p->v[p->n] = s;
    p->len[p->n] = 0;
    p->fmt[p->n] = 0;
    p->n++;
}

static void pp_i64(pg_params *p, int64_t x)
{
    snprintf(p->num[p->n], sizeof p->num[p->n], "%" PRId64, x);
    pp_text(p, p->num[p->n]);
}

static void pp_bin(pg_params *p, const void *b, size_t len)
{
    p->v[p->n] = b;
    p->len[p->n] = (int)len;
    p->fmt[p->n] = 1;
    p->n++;
}

/* The message of a libpq error, on one line. */
static void pg_clean_msg(char *dst, size_t dstlen, const char *msg)
{
    snprintf(dst, dstlen, "%s", msg && *msg ? msg : "unknown error");
    for (char *q = dst; *q; q++) {
        if (*q == '\n' || *q == '\r')
            *q = *(q + 1) ? ' ' : '\0';
    }
}

static PGconn *pg_open_pq(struct pg_store *s, char *err, size_t errlen);

/* The first statement of an operation failed and the connection is gone:
 * it had broken while idle in the pool (e.g. the server restarted), so
 * nothing of this operation reached a live server. Puts a new connection in
 * its place; true when the statement may run again. */
static bool pg_reconnect(pg_conn *c, bool first)
{
    if (!first || PQstatus(c->pq) != CONNECTION_BAD)
        return false;
    char err[256];
    PGconn *pq = pg_open_pq(c->owner, err, sizeof err);
    if (!pq) {
        pg_clean_msg(c->msg, sizeof c->msg, err);
        return false;
    }
    PQfinish(c->pq);
    c->pq = pq;
    return true;
}

/* Records why a statement failed in c->state and c->msg. */
static void pg_note_failure(pg_conn *c, const PGresult *res)
{
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    snprintf(c->state, sizeof c->state, "%s", state ? state : "");
    const char *m = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    pg_clean_msg(c->msg, sizeof c->msg, m ? m : PQerrorMessage(c->pq));
}

/* Runs prepared statement q and checks its status; NULL on failure with
 * c->state and c->msg set. */
static PGresult *pg_run_raw(pg_conn *c, int q, int n, const char *const *v, const int *len, const int *fmt,
                            int binary)
{
    char name[16];
    bool first = c->fresh;
    c->fresh = false;
    snprintf(name, sizeof name, "sl%d", q);
    for (;;) {
        PGresult *res = PQexecPrepared(c->pq, name, n, v, len, fmt, binary);
        ExecStatusType t = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
        if (t == PGRES_COMMAND_OK || t == PGRES_TUPLES_OK) {
            c->state[0] = '\0';
            return res;
        }
        pg_note_failure(c, res);
        PQclear(res);
        if (!pg_reconnect(c, first))
            return NULL;
        first = false;
    }
}

/* Runs a parameterless command (BEGIN, COMMIT, ROLLBACK); 0 or -1. */
static int pg_cmd(pg_conn *c, const char *sql)
{
    bool first = c->fresh;
    c->fresh = false;
    for (;;) {
        PGresult *res = PQexec(c->pq, sql);
        bool ok = res && PQresultStatus(res) == PGRES_COMMAND_OK;
        if (!ok)
            pg_note_failure(c, res);
        PQclear(res);
        if (ok)
            return 0;
        if (!pg_reconnect(c, first))
            return -1;
        first = false;
    }
}

static int pg_begin(pg_conn *c)
{
    return pg_cmd(c, "BEGIN");
}

static int pg_commit(pg_conn *c)
{
    return pg_cmd(c, "COMMIT");
}

/* Ends a transaction left open by a failure; harmless outside one. */
static void pg_rollback(pg_conn *c)
{
    if (PQstatus(c->pq) == CONNECTION_OK && PQtransactionStatus(c->pq) != PQTRANS_IDLE) {
        PGresult *res = PQexec(c->pq, "ROLLBACK");
        PQclear(res);
    }
}

static bool pg_is(const pg_conn *c, const char *state)
{
    return strcmp(c->state, state) == 0;
}

static bool pg_unique_violation(const pg_conn *c)
{
    return pg_is(c, "23505");
}

/* A failure worth running the whole transaction again for. */
static bool pg_retryable(const pg_conn *c)
{
    return pg_is(c, "40001") || pg_is(c, "40P01");
}

static sl_st_rc pg_fail(pg_conn *c, char *err, size_t errlen, const char *what)
{
    if (errlen)
        snprintf(err, errlen, "database: %s: %s", what, c->msg[0] ? c->msg : "unknown error");
    return SL_ST_ERROR;
}

static int64_t pg_i64(const PGresult *r, int row, int col, int64_t none)
{
    if (PQgetisnull(r, row, col))
        return none;
    return strtoll(PQgetvalue(r, row, col), NULL, 10);
}

static void pg_str(const PGresult *r, int row, int col, char *buf, size_t len)
{
    snprintf(buf, len, "%s", PQgetisnull(r, row, col) ? "" : PQgetvalue(r, row, col));
}

static bool pg_bool(const PGresult *r, int row, int col)
{
    return !PQgetisnull(r, row, col) && PQgetvalue(r, row, col)[0] == 't';
}

static long pg_affected(const PGresult *r)
{
    return strtol(PQcmdTuples((PGresult *)r), NULL, 10);
}

/* ---- connections and the pool ----------------------------------------- */

/* "host:port/db" of a connection, for messages (never the password). */
static void pg_where(PGconn *pq, char *buf, size_t len)
{
    const char *h = pq ? PQhost(pq) : NULL, *p = pq ? PQport(pq) : NULL, *d = pq ? PQdb(pq) : NULL;
    snprintf(buf, len, "%s:%s/%s", h && *h ? h : "?", p && *p ? p : "?", d && *d ? d : "?");
}

static void pg_conn_free(pg_conn *c)
{
    if (!c)
        return;
    PQfinish(c->pq);
    free(c);
}

/* libpq's notices (e.g. the server's shutdown message) are not for stderr. */
static void pg_quiet(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

/* Opens one connection to url; NULL with err. */
static PGconn *pg_dial(const char *url, char *err, size_t errlen)
{
    /* The URL's own settings override the defaults before it; client_encoding
     * after it is forced: the store's strings are UTF-8. */
    const char *const keys[] = {"connect_timeout", "application_name", "dbname", "client_encoding", NULL};
    const char *const vals[] = {"10", "screenlit-hub", url, "UTF8", NULL};
    char where[256], msg[256];
    PGconn *pq = PQconnectdbParams(keys, vals, 1);
    if (!pq) {
        snprintf(err, errlen, "PostgreSQL: out of memory");
        return NULL;
    }
    if (PQstatus(pq) != CONNECTION_OK) {
        pg_where(pq, where, sizeof where);
        pg_clean_msg(msg, sizeof msg, PQerrorMessage(pq));
        snprintf(err, errlen, "PostgreSQL at %s is not reachable: %s", where, msg);
        PQfinish(pq);
        return NULL;
    }
    PQsetNoticeProcessor(pq, pg_quiet, NULL);
    const char *enc = PQparameterStatus(pq, "server_encoding");
    if (enc && strcmp(enc, "UTF8") != 0 && strcmp(enc, "SQL_ASCII") != 0) {
        pg_where(pq, where, sizeof where);
        snprintf(err, errlen, "PostgreSQL at %s: the database's encoding is %s; screenlit-hub needs UTF8 "
                              "(CREATE DATABASE ... ENCODING 'UTF8')", where, enc);
        PQfinish(pq);
        return NULL;
    }
    return pq;
}

/* Opens a connection for the pool, with every statement prepared. */
static PGconn *pg_open_pq(pg_store *s, char *err, size_t errlen)
{
    char where[256], msg[256];
    PGconn *pq = pg_dial(s->url, err, errlen);
    for (int q = 0; pq && q < Q_COUNT; q++) {
        char name[16];
        snprintf(name, sizeof name, "sl%d", q);
        PGresult *res = PQprepare(pq, name, q == Q_PLAY_ADD_CHUNK ? s->chunk_sql : pg_sql[q], 0, NULL);
        if (!res || PQresultStatus(res) != PGRES_COMMAND_OK) {
            pg_where(pq, where, sizeof where);
            pg_clean_msg(msg, sizeof msg, PQerrorMessage(pq));
            snprintf(err, errlen, "PostgreSQL at %s: preparing statement %d: %s", where, q, msg);
            PQfinish(pq);
            pq = NULL;
        }
        PQclear(res);
    }
    return pq;
}

static pg_conn *pg_connect(pg_store *s, char *err, size_t errlen)
{
    pg_conn *c = calloc(1, sizeof *c);
    if (!c) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    c->owner = s;
    c->pq = pg_open_pq(s, err, errlen);
    if (!c->pq) {
        free(c);
        return NULL;
    }
    return c;
}

/* Whether an idle connection still works: reads whatever the server sent
 * meanwhile (a shutdown notice, EOF) without blocking. */
static bool pg_conn_alive(pg_conn *c)
{
    return PQstatus(c->pq) == CONNECTION_OK && PQconsumeInput(c->pq) == 1 && PQstatus(c->pq) == CONNECTION_OK &&
           PQtransactionStatus(c->pq) == PQTRANS_IDLE;
}

/* Takes a connection for one operation: an idle one, a new one while fewer
 * than PG_POOL_MAX exist, or else waits for one to be given back. */
static pg_conn *pg_acquire(pg_store *s, char *err, size_t errlen)
{
    pg_conn *c = NULL;
    pthread_mutex_lock(&s->mu);
    while (!s->idle && s->open >= PG_POOL_MAX)
        pthread_cond_wait(&s->cv, &s->mu);
    if (s->idle) {
        c = s->idle;
        s->idle = c->next;
        c->next = NULL;
    }
    s->open += c ? 0 : 1; /* reserve a slot for the new connection */
    pthread_mutex_unlock(&s->mu);
    if (c && pg_conn_alive(c)) {
        c->fresh = true;
        return c;
    }
    /* None idle, or the idle one broke (e.g. the server restarted): a new one. */
    pg_conn_free(c);
    c = pg_connect(s, err, errlen);
    if (!c) {
        pthread_mutex_lock(&s->mu);
        s->open--;
        pthread_cond_signal(&s->cv);
        pthread_mutex_unlock(&s->mu);
    }
    return c;
}

/* Gives a connection back; a broken one is closed instead. */
static void pg_release(pg_store *s, pg_conn *c)
{
    if (!c)
        return;
    pg_rollback(c);
    bool keep = PQstatus(c->pq) == CONNECTION_OK && PQtransactionStatus(c->pq) == PQTRANS_IDLE;
    c->state[0] = c->msg[0] = '\0';
    if (!keep)
        pg_conn_free(c);
    pthread_mutex_lock(&s->mu);
    if (keep) {
        c->next = s->idle;
        s->idle = c;
    } else {
        s->open--;
    }
    pthread_cond_signal(&s->cv);
    pthread_mutex_unlock(&s->mu);
}

/* ---- running statements ----------------------------------------------- */

/* Called for each row of a result; non-zero stops. */
typedef int (*pg_row_fn)(void *ud, const PGresult *r, int i);

#define PG_CONFLICT 1u   /* C: a unique violation is SL_ST_CONFLICT */
#define PG_NEED_ROW 2u   /* R: no row is SL_ST_NOT_FOUND */
#define PG_NEED_CHANGE 4u /* N: no row changed is SL_ST_NOT_FOUND */
#define PG_BINARY 8u     /* B: results in binary */

/*
 * Runs prepared statement q on c. spec names the arguments that follow,
 * sent as $1, $2 …:
 *   t  a string (const char *; NULL sends NULL)
 *   i  an int64_t
 *   h  a hash of SL_HUB_HASH_BYTES (const uint8_t *), as bytea
 *   b  a bytea: const void * and size_t
 * and, in upper case, how an outcome maps to the store's codes:
 *   C  a unique violation is SL_ST_CONFLICT
 *   R  no row is SL_ST_NOT_FOUND
 *   N  no row changed is SL_ST_NOT_FOUND
 *   B  rows come back in binary
 * Any other failure is SL_ST_ERROR with "database: <what>: <the server's
 * message>". On SL_ST_OK and SL_ST_NOT_FOUND *res holds the result.
 */
static sl_st_rc pg_vexec(pg_conn *c, int q, const char *what, char *err, size_t errlen, PGresult **res,
                         const char *spec, va_list ap)
{
    pg_params p = {0};
    unsigned flags = 0;
    for (const char *k = spec; *k && p.n < PG_PARAMS_MAX; k++) {
        if (*k == 'C') {
            flags |= PG_CONFLICT;
        } else if (*k == 'R') {
            flags |= PG_NEED_ROW;
        } else if (*k == 'N') {
            flags |= PG_NEED_CHANGE;
        } else if (*k == 'B') {
            flags |= PG_BINARY;
        } else if (*k == 't') {
            pp_text(&p, va_arg(ap, const char *));
        } else if (*k == 'i') {
            pp_i64(&p, va_arg(ap, int64_t));
        } else if (*k == 'h') {
            pp_bin(&p, va_arg(ap, const uint8_t *), SL_HUB_HASH_BYTES);
        } else if (*k == 'b') {
            const void *b = va_arg(ap, const void *);
            pp_bin(&p, b, va_arg(ap, size_t));
        }
    }
    PGresult *r = pg_run_raw(c, q, p.n, p.v, p.len, p.fmt, (flags & PG_BINARY) ? 1 : 0);
    *res = r;
    if (!r)
        return (flags & PG_CONFLICT) && pg_unique_violation(c) ? SL_ST_CONFLICT : pg_fail(c, err, errlen, what);
    if (((flags & PG_NEED_ROW) && PQntuples(r) == 0) || ((flags & PG_NEED_CHANGE) && pg_affected(r) == 0))
        return SL_ST_NOT_FOUND;
    return SL_ST_OK;
}

/* Calls row for each row of r until it returns non-zero; clears r. */
static void pg_rows(PGresult *r, pg_row_fn row, void *ud)
{
    for (int i = 0; r && row && i < PQntuples(r); i++) {
        if (row(ud, r, i) != 0)
            break;
    }
    PQclear(r);
}

/* Runs statement q on a connection already taken (in a transaction, say)
 * and calls row for each row it returns (see pg_vexec for spec). */
static sl_st_rc pg_q(pg_conn *c, int q, pg_row_fn row, void *ud, const char *what, char *err, size_t errlen,
                     const char *spec, ...)
{
    PGresult *r = NULL;
    va_list ap;
    va_start(ap, spec);
    sl_st_rc rc = pg_vexec(c, q, what, err, errlen, &r, spec, ap);
    va_end(ap);
    pg_rows(r, row, ud);
    return rc;
}

/* Runs statement q on a connection already taken and gives its result to
 * the caller in *res (to clear) on SL_ST_OK and SL_ST_NOT_FOUND. */
static sl_st_rc pg_qres(pg_conn *c, int q, PGresult **res, const char *what, char *err, size_t errlen,
                        const char *spec, ...)
{
    va_list ap;
    va_start(ap, spec);
    sl_st_rc rc = pg_vexec(c, q, what, err, errlen, res, spec, ap);
    va_end(ap);
    return rc;
}

/* Runs statement q as one operation: takes a connection, runs it, gives it
 * back, then calls row for each row (see pg_vexec for spec). */
static sl_st_rc pg_op(pg_store *s, int q, pg_row_fn row, void *ud, const char *what, char *err, size_t errlen,
                      const char *spec, ...)
{
    pg_conn *c = pg_acquire(s, err, errlen);
    if (!c)
        return SL_ST_ERROR;
    PGresult *r = NULL;
    va_list ap;
    va_start(ap, spec);
    sl_st_rc rc = pg_vexec(c, q, what, err, errlen, &r, spec, ap);
    va_end(ap);
    pg_release(s, c);
    pg_rows(r, row, ud);
    return rc;
}

/* The body of a transaction, run on c between BEGIN and COMMIT. */
typedef sl_st_rc (*pg_tx_fn)(pg_conn *c, void *ctx, char *err, size_t errlen);

/* Runs fn in one transaction on a connection of the pool: commits when it
 * returns SL_ST_OK, else rolls back; runs it again (up to PG_TX_ATTEMPTS
 * times) after a deadlock or serialisation failure. */
static sl_st_rc pg_tx(pg_store *s, pg_tx_fn fn, void *ctx, char *err, size_t errlen)
{
    pg_conn *c = pg_acquire(s, err, errlen);
    if (!c)
        return SL_ST_ERROR;
    sl_st_rc rc;
    for (int attempt = 1;; attempt++) {
        rc = pg_begin(c) != 0 ? pg_fail(c, err, errlen, "begin") : fn(c, ctx, err, errlen);
        if (rc == SL_ST_OK && pg_commit(c) != 0)
            rc = pg_fail(c, err, errlen, "commit");
        pg_rollback(c);
        if (rc != SL_ST_ERROR || !pg_retryable(c) || attempt >= PG_TX_ATTEMPTS)
            break;
    }
    pg_release(s, c);
    return rc;
}

/* The first column of a row as a number, and whether there was a row. */
typedef struct {
    bool has;
    int64_t v;
} pg_i64_out;

static int pg_i64_row(void *ud, const PGresult *r, int i)
{
    pg_i64_out *x = ud;
    x->has = true;
    x->v = pg_i64(r, i, 0, x->v);
    return 1;
}

/* ---- role tokens ------------------------------------------------------ */

static sl_st_rc pg_token_add(sl_store *st, const char *name, sl_hub_role role, const char *channels,
                             const uint8_t hash[SL_HUB_HASH_BYTES], int64_t now_ms, char *err, size_t errlen)
{
    return pg_op(pgs(st), Q_TOKEN_ADD, NULL, NULL, "adding a token", err, errlen, "Ctthit", name,
                 sl_hub_role_name(role), hash, now_ms, channels ? channels : "");
}

typedef struct {
    int (*cb)(void *ud, const sl_hub_token *t);
    void *ud;
} pg_token_scan;

static int pg_token_row(void *ud, const PGresult *r, int i)
{
    pg_token_scan *c = ud;
    sl_hub_token t;
    char role[16];
    pg_str(r, i, 0, t.name, sizeof t.name);
    pg_str(r, i, 1, role, sizeof role);
    t.role = sl_hub_role_parse(role);
    t.created_ms = pg_i64(r, i, 2, 0);
    t.revoked_ms = pg_i64(r, i, 3, -1);
    pg_str(r, i, 4, t.channels, sizeof t.channels);
    return c->cb(c->ud, &t);
}

static sl_st_rc pg_token_list(sl_store *st, int (*cb)(void *ud, const sl_hub_token *t), void *ud, char *err,
                              size_t errlen)
{
    pg_token_scan c = {cb, ud};
    return pg_op(pgs(st), Q_TOKEN_LIST, pg_token_row, &c, "listing tokens", err, errlen, "");
}

static sl_st_rc pg_token_revoke(sl_store *st, const char *name, int64_t now_ms, char *err, size_t errlen)
{
    return pg_op(pgs(st), Q_TOKEN_REVOKE, NULL, NULL, "revoking a token", err, errlen, "Nti", name, now_ms);
}

typedef struct {
    sl_hub_principal *out;
    sl_st_rc rc;
} pg_auth_scan;

/* The row of Q_AUTH: kind 0 a role token, 1 a screen token, 2 a device token taken away. */
static int pg_auth_row(void *ud, const PGresult *r, int i)
{
    pg_auth_scan *c = ud;
    char role[16];
    pg_str(r, i, 1, role, sizeof role);
    int64_t kind = pg_i64(r, i, 0, 0);
    sl_hub_role ro = kind != 0 ? SL_ROLE_SCREEN : sl_hub_role_parse(role);
    if (ro == SL_ROLE_NONE)
        return 1;
    c->out->role = ro;
    pg_str(r, i, 2, c->out->subject, sizeof c->out->subject);
    c->out->in_inventory = pg_bool(r, i, 3);
    pg_str(r, i, 4, c->out->channel, sizeof c->out->channel);
    c->out->version = pg_i64(r, i, 5, -1);
    pg_str(r, i, 6, c->out->scope, sizeof c->out->scope);
    c->rc = kind == 2 ? SL_ST_REVOKED : SL_ST_OK;
    return 1;
}

static sl_st_rc pg_auth_lookup(sl_store *st, const uint8_t hash[SL_HUB_HASH_BYTES], sl_hub_principal *out,
                               char *err, size_t errlen)
{
    pg_auth_scan c = {out, SL_ST_NOT_FOUND};
    sl_st_rc rc = pg_op(pgs(st), Q_AUTH, pg_auth_row, &c, "looking up a token", err, errlen, "h", hash);
    return rc == SL_ST_OK ? c.rc : rc;
}

/* ---- publisher keys --------------------------------------------------- */

static sl_st_rc pg_key_add(sl_store *st, const char *name, const char *key_b64, const char *channels,
                           int64_t now_ms, char *err, size_t errlen)
{
    pg_store *s = pgs(st);
    const char *scope = channels ? channels : "";
    pg_conn *c = pg_acquire(s, err, errlen);
    if (!c)
        return SL_ST_ERROR;
    sl_st_rc rc = pg_q(c, Q_KEY_ADD, NULL, NULL, "adding a key", err, errlen, "Nttit", name, key_b64, now_ms, scope);
    /* Refused by a unique rule: the same key (fine) or another key with this
     * name. Rows are never removed, so what made the insert do nothing is
     * still there. */
    if (rc == SL_ST_NOT_FOUND) {
        rc = pg_q(c, Q_KEY_BY_KEY, NULL, NULL, "looking up a key", err, errlen, "Rt", key_b64);
        if (rc == SL_ST_OK) /* already there: only its channels change */
            rc = pg_q(c, Q_KEY_SCOPE, NULL, NULL, "changing a key's channels", err, errlen, "tt", key_b64, scope);
        else if (rc == SL_ST_NOT_FOUND)
            rc = SL_ST_CONFLICT;
    }
    pg_release(s, c);
    return rc;
}

typedef struct {
    int (*cb)(void *ud, const sl_hub_key *k);
    void *ud;
} pg_key_scan;

static int pg_key_row(void *ud, const PGresult *r, int i)
{
    pg_key_scan *c = ud;
    sl_hub_key k;
    pg_str(r, i, 0, k.name, sizeof k.name);
    pg_str(r, i, 1, k.key_b64, sizeof k.key_b64);
    k.created_ms = pg_i64(r, i, 2, 0);
    pg_str(r, i, 3, k.channels, sizeof k.channels);
    return c->cb(c->ud, &k);
}

static sl_st_rc pg_key_list(sl_store *st, int (*cb)(void *ud, const sl_hub_key *k), void *ud, char *err,
                            size_t errlen)
{
    pg_key_scan c = {cb, ud};
    return pg_op(pgs(st), Q_KEY_LIST, pg_key_row, &c, "listing keys", err, errlen, "");
}

/* ---- inventory -------------------------------------------------------- */

static int pg_cmp_screen_ptr(const void *a, const void *b)
{
    const sl_hub_screen *x = *(const sl_hub_screen *const *)a, *y = *(const sl_hub_screen *const *)b;
    return strcmp(x->id, y->id);
}

typedef struct {
    const sl_hub_screen *const *rows;
    size_t n;
} pg_inventory_ctx;

static sl_st_rc pg_inventory_upsert_tx(pg_conn *c, void *ctx, char *err, size_t errlen)
{
    pg_inventory_ctx *x = ctx;
    sl_st_rc rc = SL_ST_OK;
    for (size_t i = 0; i < x->n && rc == SL_ST_OK; i++) {
        const sl_hub_screen *r = x->rows[i];
        rc = pg_q(c, Q_SCREEN_UPSERT, NULL, NULL, "storing a screen", err, errlen, "ttttttttt", r->id, r->name,
                  r->site, r->region, r->unit_type, r->tags, r->channel, r->hours, r->timezone);
    }
    return rc;
}

static sl_st_rc pg_inventory_upsert(sl_store *st, const sl_hub_screen *rows, size_t n, char *err, size_t errlen)
{
    /* Rows are written in id order, so that two hubs importing at once lock
     * them in the same order and cannot deadlock. */
    const sl_hub_screen **sorted = malloc((n ? n : 1) * sizeof *sorted);
    if (!sorted) {
        snprintf(err, errlen, "out of memory");
        return SL_ST_ERROR;
    }
    for (size_t i = 0; i < n; i++)
        sorted[i] = &rows[i];
    qsort(sorted, n, sizeof *sorted, pg_cmp_screen_ptr);
    pg_inventory_ctx x = {sorted, n};
    sl_st_rc rc = pg_tx(pgs(st), pg_inventory_upsert_tx, &x, err, errlen);
    free(sorted);
    return rc;
}

static void pg_screen_cols(const PGresult *r, int i, sl_hub_screen *o)
{
    pg_str(r, i, 0, o->id, sizeof o->id);
    pg_str(r, i, 1, o->name, sizeof o->name);
    pg_str(r, i, 2, o->site, sizeof o->site);
    pg_str(r, i, 3, o->region, sizeof o->region);
    pg_str(r, i, 4, o->unit_type, sizeof o->unit_type);
    pg_str(r, i, 5, o->tags, sizeof o->tags);
    pg_str(r, i, 6, o->channel, sizeof o->channel);
    pg_str(r, i, 7, o->hours, sizeof o->hours);
    pg_str(r, i, 8, o->timezone, sizeof o->timezone);
}

static int pg_screen_row(void *ud, const PGresult *r, int i)
{
    if (ud)
        pg_screen_cols(r, i, ud);
    return 1;
}

static sl_st_rc pg_screen_get(sl_store *st, const char *id, sl_hub_screen *out, char *err, size_t errlen)
{
    return pg_op(pgs(st), Q_SCREEN_GET, pg_screen_row, out, "reading a screen", err, errlen, "Rt", id);
}

typedef struct {
    int (*cb)(void *ud, const sl_hub_screen_status *x);
    void *ud;
    sl_hub_screen_status *row;
} pg_screen_scan;

static int pg_status_row(void *ud, const PGresult *r, int i)
{
    pg_screen_scan *c = ud;
    pg_screen_cols(r, i, &c->row->s);
    c->row->enrolled = pg_bool(r, i, 9);
    c->row->last_seen_ms = pg_i64(r, i, 10, -1);
    c->row->content_version = pg_i64(r, i, 11, -1);
    c->row->acked_seq = pg_i64(r, i, 12, 0);
    return c->cb(c->ud, c->row);
}

static sl_st_rc pg_screen_list(sl_store *st, int (*cb)(void *ud, const sl_hub_screen_status *x), void *ud,
                               char *err, size_t errlen)
{
    pg_screen_scan c = {cb, ud, malloc(sizeof *c.row)};
    if (!c.row) {
        snprintf(err, errlen, "out of memory");
        return SL_ST_ERROR;
    }
    sl_st_rc rc = pg_op(pgs(st), Q_SCREEN_LIST, pg_status_row, &c, "listing screens", err, errlen, "");
    free(c.row);
    return rc;
}

/* ---- enrolment -------------------------------------------------------- */

static sl_st_rc pg_enroll_code_add(sl_store *st, const char *screen, const uint8_t code_hash[SL_HUB_HASH_BYTES],
                                   int64_t expires_ms, int64_t now_ms, int64_t *id, char *err, size_t errlen)
{
    pg_i64_out x = {false, 0};
    sl_st_rc rc = pg_op(pgs(st), Q_CODE_ADD, pg_i64_row, &x, "adding an enrolment code", err, errlen, "CRhtii",
                        code_hash, screen, now_ms, expires_ms);
    if (rc == SL_ST_OK && id)
        *id = x.v;
    return rc;
}

typedef struct {
    const uint8_t *code_hash, *token_hash;
    int64_t now_ms;
    sl_hub_screen row;
} pg_redeem_ctx;

static int pg_text_row(void *ud, const PGresult *r, int i)
{
    pg_str(r, i, 0, ud, SL_HUB_ID_MAX + 1);
    return 1;
}

/* Why a code could not be claimed: its state as Q_CODE_GET reads it. */
static int pg_code_state_row(void *ud, const PGresult *r, int i)
{
    *(sl_st_rc *)ud = pg_bool(r, i, 0) ? SL_ST_CONFLICT : pg_bool(r, i, 1) ? SL_ST_REVOKED : SL_ST_EXPIRED;
    return 1;
}

static sl_st_rc pg_enroll_redeem_tx(pg_conn *c, void *ctx, char *err, size_t errlen)
{
    pg_redeem_ctx *x = ctx;
    char screen[SL_HUB_ID_MAX + 1];
    /* The screen's row lock first: two codes of one screen redeemed at once
     * take turns, and the second finds its code revoked by the first. */
    sl_st_rc rc = pg_q(c, Q_CODE_SCREEN, pg_text_row, screen, "reading a code", err, errlen, "Rh", x->code_hash);
    if (rc != SL_ST_OK)
        return rc;
    rc = pg_q(c, Q_SCREEN_LOCK, NULL, NULL, "locking a screen", err, errlen, "t", screen);
    /* Claims the code: its row lock makes a concurrent redeem wait, then find it used. */
    if (rc == SL_ST_OK)
        rc = pg_q(c, Q_CODE_CLAIM, pg_text_row, screen, "using a code", err, errlen, "Rhi", x->code_hash, x->now_ms);
    if (rc == SL_ST_NOT_FOUND) {
        sl_st_rc why = SL_ST_NOT_FOUND;
        rc = pg_q(c, Q_CODE_GET, pg_code_state_row, &why, "reading a code", err, errlen, "h", x->code_hash);
        return rc == SL_ST_OK ? why : rc;
    }
    if (rc == SL_ST_OK)
        rc = pg_q(c, Q_SCREEN_GET, pg_screen_row, &x->row, "reading a screen", err, errlen, "Rt", screen);
    /* Every other outstanding code of the screen stops working, and its
     * earlier device token is kept as revoked. */
    if (rc == SL_ST_OK)
        rc = pg_q(c, Q_CODES_SUPERSEDE, NULL, NULL, "revoking the screen's other codes", err, errlen, "ti", screen,
                  x->now_ms);
    if (rc == SL_ST_OK)
        rc = pg_q(c, Q_TOKEN_RETIRE, NULL, NULL, "retiring a screen token", err, errlen, "ti", screen, x->now_ms);
    if (rc == SL_ST_OK)
        rc = pg_q(c, Q_SCREEN_TOKEN_SET, NULL, NULL, "storing a screen token", err, errlen, "thi", screen,
                  x->token_hash, x->now_ms);
    return rc;
}

static sl_st_rc pg_enroll_redeem(sl_store *st, const uint8_t code_hash[SL_HUB_HASH_BYTES],
                                 const uint8_t token_hash[SL_HUB_HASH_BYTES], int64_t now_ms, sl_hub_screen *out,
                                 char *err, size_t errlen)
{
    pg_redeem_ctx x = {.code_hash = code_hash, .token_hash = token_hash, .now_ms = now_ms};
    sl_st_rc rc = pg_tx(pgs(st), pg_enroll_redeem_tx, &x, err, errlen);
    if (rc == SL_ST_OK)
        *out = x.row;
    return rc;
}

static int pg_code_row(void *ud, const PGresult *r, int i)
{
    sl_hub_enroll_code *o = ud;
    if (!o)
        return 1;
    o->id = pg_i64(r, i, 0, 0);
    pg_str(r, i, 1, o->screen, sizeof o->screen);
    o->created_ms = pg_i64(r, i, 2, 0);
    o->expires_ms = pg_i64(r, i, 3, 0);
    o->used_ms = pg_i64(r, i, 4, -1);
    o->revoked_ms = pg_i64(r, i, 5, -1);
    return 1;
}

typedef struct {
    int (*cb)(void *ud, const sl_hub_enroll_code *x);
    void *ud;
} pg_code_scan;

static int pg_code_list_row(void *ud, const PGresult *r, int i)
{
    pg_code_scan *c = ud;
    sl_hub_enroll_code x;
    pg_code_row(&x, r, i);
    return c->cb(c->ud, &x);
}

static sl_st_rc pg_enroll_code_list(sl_store *st, const char *screen,
                                    int (*cb)(void *ud, const sl_hub_enroll_code *x), void *ud, char *err,
                                    size_t errlen)
{
    pg_code_scan c = {cb, ud};
    return pg_op(pgs(st), Q_CODE_LIST, pg_code_list_row, &c, "listing enrolment codes", err, errlen, "t", screen);
}

static sl_st_rc pg_enroll_code_revoke(sl_store *st, int64_t id, int64_t now_ms, sl_hub_enroll_code *out,
                                      char *err, size_t errlen)
{
    pg_store *s = pgs(st);
    pg_conn *c = pg_acquire(s, err, errlen);
    if (!c)
        return SL_ST_ERROR;
    sl_st_rc rc = pg_q(c, Q_CODE_REVOKE, pg_code_row, out, "revoking a code", err, errlen, "Rii", id, now_ms);
    if (rc == SL_ST_NOT_FOUND) { /* not outstanding, or no such code */
        rc = pg_q(c, Q_CODE_BY_ID, pg_code_row, out, "reading a code", err, errlen, "Ri", id);
        if (rc == SL_ST_OK)
            rc = SL_ST_CONFLICT;
    }
    pg_release(s, c);
    return rc;
}

static sl_st_rc pg_screen_revoke(sl_store *st, const char *screen, int64_t now_ms, char *err, size_t errlen)
{
    /* one statement: atomic */
    return pg_op(pgs(st), Q_SCREEN_REVOKE, NULL, NULL, "revoking a screen token", err, errlen, "Rti", screen, now_ms);
}

/* ---- media, manifests ------------------------------------------------- */

static sl_st_rc pg_media_add(sl_store *st, const char *sha256, int64_t size, int64_t now_ms, char *err,
                             size_t errlen)
{
    return pg_op(pgs(st), Q_MEDIA_ADD, NULL, NULL, "recording a media file", err, errlen, "tii", sha256, size, now_ms);
}

typedef struct {
    const char *channel;
    int64_t version;
    const char *envelope;
    size_t len;
    int64_t now_ms;
    int64_t *current;
} pg_manifest_ctx;

static sl_st_rc pg_manifest_put_tx(pg_conn *c, void *ctx, char *err, size_t errlen)
{
    pg_manifest_ctx *x = ctx;
    /* The channel's row lock orders publishers on every hub: the version
     * check below sees the latest committed version. */
    sl_st_rc rc = pg_q(c, Q_CHANNEL_BUMP, NULL, NULL, "updating a channel's version", err, errlen, "Rtii",
                       x->channel, x->version, x->now_ms);
    if (rc == SL_ST_NOT_FOUND) {
        pg_i64_out cur = {false, 0};
        rc = pg_q(c, Q_CHANNEL_VERSION, pg_i64_row, &cur, "reading a channel's version", err, errlen, "t",
                  x->channel);
        if (rc == SL_ST_OK && cur.has && x->current)
            *x->current = cur.v;
        return rc == SL_ST_OK ? SL_ST_CONFLICT : rc;
    }
    if (rc == SL_ST_OK)
        rc = pg_q(c, Q_MANIFEST_ADD, NULL, NULL, "storing a manifest", err, errlen, "tibi", x->channel, x->version,
                  (const void *)x->envelope, x->len, x->now_ms);
    return rc;
}

static sl_st_rc pg_manifest_put(sl_store *st, const char *channel, int64_t version, const char *envelope,
                                size_t len, int64_t now_ms, int64_t *current, char *err, size_t errlen)
{
    if (len > INT32_MAX) {
        snprintf(err, errlen, "database: a manifest of %zu bytes is too large", len);
        return SL_ST_ERROR;
    }
    pg_manifest_ctx x = {channel, version, envelope, len, now_ms, current};
    return pg_tx(pgs(st), pg_manifest_put_tx, &x, err, errlen);
}

static sl_st_rc pg_manifest_version(sl_store *st, const char *channel, int64_t *version, char *err,
                                    size_t errlen)
{
    pg_i64_out v = {false, 0};
    sl_st_rc rc = pg_op(pgs(st), Q_CHANNEL_VERSION, pg_i64_row, &v, "reading a channel's version", err, errlen, "Rt",
                        channel);
    if (rc == SL_ST_OK)
        *version = v.v;
    return rc;
}

static int64_t pg_be64(const char *b)
{
    const unsigned char *u = (const unsigned char *)b;
    uint64_t x = 0;
    for (int i = 0; i < 8; i++)
        x = (x << 8) | u[i];
    return (int64_t)x;
}

/* An envelope read in binary from column col (and, col 1, a version from column 0). */
typedef struct {
    int col;
    int64_t version;
    char *envelope;
    size_t len;
    bool ok;
} pg_envelope;

static int pg_envelope_row(void *ud, const PGresult *r, int i)
{
    pg_envelope *e = ud;
    if (e->col == 1 && PQgetlength(r, i, 0) != 8)
        return 1;
    e->ok = true;
    e->len = (size_t)PQgetlength(r, i, e->col);
    e->envelope = malloc(e->len + 1);
    if (e->envelope) {
        memcpy(e->envelope, PQgetvalue(r, i, e->col), e->len);
        e->envelope[e->len] = '\0';
    }
    if (e->col == 1)
        e->version = pg_be64(PQgetvalue(r, i, 0));
    return 1;
}

/* The outcome of reading an envelope into *envelope, *len (and *version when not NULL). */
static sl_st_rc pg_envelope_out(sl_st_rc rc, pg_envelope *e, int64_t *version, char **envelope, size_t *len,
                                char *err, size_t errlen)
{
    if (rc != SL_ST_OK)
        return rc;
    if (!e->ok)
        return SL_ST_NOT_FOUND;
    if (!e->envelope) {
        snprintf(err, errlen, "out of memory");
        return SL_ST_ERROR;
    }
    if (version)
        *version = e->version;
    *envelope = e->envelope;
    *len = e->len;
    return SL_ST_OK;
}

static sl_st_rc pg_manifest_get(sl_store *st, const char *channel, int64_t *version, char **envelope,
                                size_t *len, char *err, size_t errlen)
{
    /* Binary results: the version as 8 bytes big-endian, the envelope as is. */
    pg_envelope e = {1, 0, NULL, 0, false};
    sl_st_rc rc = pg_op(pgs(st), Q_MANIFEST_GET, pg_envelope_row, &e, "reading a manifest", err, errlen, "Bt",
                        channel);
    return pg_envelope_out(rc, &e, version, envelope, len, err, errlen);
}

static sl_st_rc pg_manifest_at(sl_store *st, const char *channel, int64_t version, char **envelope, size_t *len,
                               char *err, size_t errlen)
{
    pg_envelope e = {0, 0, NULL, 0, false};
    sl_st_rc rc = pg_op(pgs(st), Q_MANIFEST_AT, pg_envelope_row, &e, "reading a manifest", err, errlen, "Bti",
                        channel, version);
    return pg_envelope_out(rc, &e, NULL, envelope, len, err, errlen);
}

typedef struct {
    int (*cb)(void *ud, int64_t version, int64_t published_ms, const char *envelope, size_t len);
    void *ud;
    bool oom;
} pg_manifest_scan;

static int pg_manifest_row(void *ud, const PGresult *r, int i)
{
    pg_manifest_scan *x = ud;
    if (PQgetlength(r, i, 0) != 8 || PQgetlength(r, i, 1) != 8)
        return 1;
    size_t n = (size_t)PQgetlength(r, i, 2);
    char *env = malloc(n + 1);
    if (!env) {
        x->oom = true;
        return 1;
    }
    memcpy(env, PQgetvalue(r, i, 2), n);
    env[n] = '\0';
    int rc = x->cb(x->ud, pg_be64(PQgetvalue(r, i, 0)), pg_be64(PQgetvalue(r, i, 1)), env, n);
    free(env);
    return rc;
}

static sl_st_rc pg_manifest_list(sl_store *st, const char *channel, size_t limit,
                                 int (*cb)(void *ud, int64_t version, int64_t published_ms, const char *envelope,
                                           size_t len),
                                 void *ud, char *err, size_t errlen)
{
    pg_manifest_scan x = {cb, ud, false};
    sl_st_rc rc = pg_op(pgs(st), Q_MANIFEST_LIST, pg_manifest_row, &x, "listing a channel's manifests", err, errlen,
                        "Bti", channel, limit ? (int64_t)limit : INT64_MAX);
    if (rc == SL_ST_OK && x.oom) {
        snprintf(err, errlen, "out of memory");
        rc = SL_ST_ERROR;
    }
    return rc;
}

typedef struct {
    int (*cb)(void *ud, const sl_hub_channel *ch);
    void *ud;
} pg_channel_scan;

static int pg_channel_row(void *ud, const PGresult *r, int i)
{
    pg_channel_scan *c = ud;
    sl_hub_channel ch;
    pg_str(r, i, 0, ch.channel, sizeof ch.channel);
    ch.version = pg_i64(r, i, 1, 0);
    ch.published_ms = pg_i64(r, i, 2, 0);
    return c->cb(c->ud, &ch);
}

static sl_st_rc pg_channel_list(sl_store *st, int (*cb)(void *ud, const sl_hub_channel *ch), void *ud, char *err,
                                size_t errlen)
{
    pg_channel_scan c = {cb, ud};
    return pg_op(pgs(st), Q_CHANNEL_LIST, pg_channel_row, &c, "listing channels", err, errlen, "");
}

/* ---- plays ------------------------------------------------------------ */

/* A screen's state row as locked. */
typedef struct {
    int64_t acked;
    bool wanted; /* a screenshot is requested */
} pg_state;

static int pg_state_row(void *ud, const PGresult *r, int i)
{
    pg_state *x = ud;
    x->acked = pg_i64(r, i, 0, 0);
    x->wanted = pg_bool(r, i, 1);
    return 1;
}

/* Makes sure the screen has a state row and locks it for this transaction:
 * one screen's writers (on any hub) take turns. *state gets the row. */
static sl_st_rc pg_lock_screen(pg_conn *c, const char *screen, pg_state *state, char *err, size_t errlen)
{
    sl_st_rc rc = pg_q(c, Q_STATE_ENSURE, NULL, NULL, "screen state", err, errlen, "t", screen);
    if (rc == SL_ST_OK)
        rc = pg_q(c, Q_STATE_LOCK, pg_state_row, state, "locking a screen's state", err, errlen, "Rt", screen);
    if (rc == SL_ST_NOT_FOUND) {
        snprintf(c->msg, sizeof c->msg, "the screen's state row is missing");
        rc = pg_fail(c, err, errlen, "locking a screen's state");
    }
    return rc;
}

/* Parameters of up to PG_PLAY_CHUNK play rows. */
typedef struct {
    const char *v[PG_PLAY_CHUNK * PG_PLAY_COLS];
    char num[PG_PLAY_CHUNK * PG_PLAY_COLS][24];
} pg_play_params;

static void pg_play_param(pg_play_params *pp, int k, const char *text, int64_t num, bool is_num)
{
    if (is_num) {
        snprintf(pp->num[k], sizeof pp->num[k], "%" PRId64, num);
        pp->v[k] = pp->num[k];
    } else {
        pp->v[k] = text;
    }
}

/* Inserts rec[0..n) (n <= PG_PLAY_CHUNK) with one statement; adds the rows
 * stored to *added and sets stored_flag[i] for each record stored (the
 * first of several with the same seq). */
static int pg_plays_insert(pg_conn *c, pg_play_params *pp, const char *screen, const sl_play_record *rec,
                           size_t n, int64_t now_ms, size_t *added, uint8_t *stored_flag)
{
    for (size_t i = 0; i < n; i++) {
        const sl_play_record *x = &rec[i];
        int k = (int)i * PG_PLAY_COLS;
        pg_play_param(pp, k + 0, screen, 0, false);
        pg_play_param(pp, k + 1, NULL, x->seq, true);
        pg_play_param(pp, k + 2, x->item, 0, false);
        pg_play_param(pp, k + 3, x->media_sha256, 0, false);
        pg_play_param(pp, k + 4, NULL, x->manifest_version, true);
        pg_play_param(pp, k + 5, x->zone, 0, false);
        pg_play_param(pp, k + 6, NULL, x->start_ms, true);
        pg_play_param(pp, k + 7, NULL, x->mono_start_ms, true);
        pg_play_param(pp, k + 8, NULL, (int64_t)x->clock_trust, true);
        pg_play_param(pp, k + 9, NULL, x->duration_ms, true);
        pg_play_param(pp, k + 10, NULL, (int64_t)x->outcome, true);
        pg_play_param(pp, k + 11, x->reason, 0, false);
        pg_play_param(pp, k + 12, NULL, now_ms, true);
    }
    int q = n == PG_PLAY_CHUNK ? Q_PLAY_ADD_CHUNK : Q_PLAY_ADD_1;
    if (q == Q_PLAY_ADD_1 && n != 1)
        return -1;
    PGresult *r = pg_run_raw(c, q, (int)n * PG_PLAY_COLS, pp->v, NULL, NULL, 0);
    if (!r)
        return -1;
    *added += (size_t)PQntuples(r);
    for (int row = 0; row < PQntuples(r); row++) {
        int64_t seq = pg_i64(r, row, 0, -1);
        for (size_t i = 0; i < n; i++) {
            if (rec[i].seq == seq && !stored_flag[i]) {
                stored_flag[i] = 1;
                break;
            }
        }
    }
    PQclear(r);
    return 0;
}

/* Day rows for store_days.c, in the screen's locked transaction: the
 * stored text goes to found. */
static sl_st_rc pg_days_get(void *db, sl_st_days_table t, const char *screen, int64_t day,
                            void (*found)(void *ud, const char *text), void *ud, char *err, size_t errlen)
{
    PGresult *r = NULL;
    sl_st_rc rc = pg_qres(db, t == SL_ST_DAYS_PLAYS ? Q_PH_GET : Q_OD_GET, &r, "reading a day's summary", err, errlen,
                          "ti", screen, day);
    if (rc == SL_ST_OK && PQntuples(r) == 1)
        found(ud, PQgetvalue(r, 0, 0));
    PQclear(r);
    return rc;
}

static sl_st_rc pg_days_put(void *db, sl_st_days_table t, const char *screen, int64_t day, const char *text,
                            char *err, size_t errlen)
{
    return pg_q(db, t == SL_ST_DAYS_PLAYS ? Q_PH_PUT : Q_OD_PUT, NULL, NULL, "storing a day's summary", err, errlen,
                "tit", screen, day, text);
}

/* A stored play near a batch, for its lit time (store_days.h). */
static int pg_near_row(void *ud, const PGresult *r, int i)
{
    sl_play_record p;
    memset(&p, 0, sizeof p);
    p.seq = pg_i64(r, i, 0, 0);
    snprintf(p.zone, sizeof p.zone, "%s", PQgetvalue(r, i, 1));
    p.start_ms = pg_i64(r, i, 2, 0);
    p.duration_ms = pg_i64(r, i, 3, 0);
    p.clock_trust = (sl_clock_trust)pg_i64(r, i, 4, 0);
    p.outcome = (sl_outcome)pg_i64(r, i, 5, 0);
    sl_ph_batch_seed(ud, &p);
    return 0;
}

static sl_st_rc pg_days_near(void *db, const char *screen, int64_t seq_lo, int64_t seq_hi, sl_ph_batch *b,
                             char *err, size_t errlen)
{
    return pg_q(db, Q_PLAYS_NEAR, pg_near_row, b, "reading the plays near a batch", err, errlen, "tii", screen,
                seq_lo, seq_hi);
}

static const sl_st_days_io pg_days = {pg_days_get, pg_days_put, pg_days_near};

typedef struct {
    pg_play_params *pp;
    const char *screen;
    const sl_play_record *rec;
    const uint8_t *lit;
    uint8_t *stored_flag;
    size_t n;
    int64_t now_ms;
    size_t added;
    int64_t acked;
} pg_plays_ctx;

/* Adds the records stored (stored_flag) to the screen's day summaries. */
static sl_st_rc pg_plays_summarise(pg_conn *c, pg_plays_ctx *x, char *err, size_t errlen)
{
    sl_ph_batch hours;
    sl_ph_batch_init(&hours);
    sl_st_rc rc = SL_ST_OK;
    for (size_t i = 0; i < x->n && rc == SL_ST_OK; i++) {
        if (x->stored_flag[i] && sl_ph_batch_add(&hours, &x->rec[i], x->lit && x->lit[i], x->now_ms) != 0) {
            snprintf(err, errlen, "out of memory");
            rc = SL_ST_ERROR;
        }
    }
    if (rc == SL_ST_OK)
        rc = sl_st_days_add_plays(&pg_days, c, x->screen, &hours, err, errlen);
    sl_ph_batch_free(&hours);
    return rc;
}

static sl_st_rc pg_plays_put_tx(pg_conn *c, void *ctx, char *err, size_t errlen)
{
    pg_plays_ctx *x = ctx;
    pg_state state = {0, false};
    x->added = 0;
    sl_st_rc rc = pg_lock_screen(c, x->screen, &state, err, errlen);
    if (rc != SL_ST_OK)
        return rc;
    memset(x->stored_flag, 0, x->n ? x->n : 1);
    for (size_t i = 0; i < x->n;) {
        size_t k = x->n - i >= PG_PLAY_CHUNK ? PG_PLAY_CHUNK : 1;
        if (pg_plays_insert(c, x->pp, x->screen, &x->rec[i], k, x->now_ms, &x->added, &x->stored_flag[i]) != 0)
            return pg_fail(c, err, errlen, "storing plays");
        i += k;
    }
    rc = pg_plays_summarise(c, x, err, errlen);
    pg_i64_out acked = {false, state.acked};
    if (rc == SL_ST_OK)
        rc = pg_q(c, Q_ACK_SCAN, pg_i64_row, &acked, "scanning plays", err, errlen, "ti", x->screen, state.acked);
    x->acked = acked.v;
    if (rc == SL_ST_OK && acked.v != state.acked)
        rc = pg_q(c, Q_ACK_SET, NULL, NULL, "storing acked_seq", err, errlen, "ti", x->screen, acked.v);
    return rc;
}

static sl_st_rc pg_plays_put(sl_store *st, const char *screen, const sl_play_record *rec, const uint8_t *lit,
                             size_t n, int64_t now_ms, size_t *stored, size_t *dups, int64_t *acked_seq, char *err,
                             size_t errlen)
{
    pg_plays_ctx x = {malloc(sizeof *x.pp), screen, rec, lit, malloc(n ? n : 1), n, now_ms, 0, 0};
    sl_st_rc rc = SL_ST_ERROR;
    if (!x.pp || !x.stored_flag)
        snprintf(err, errlen, "out of memory");
    else
        rc = pg_tx(pgs(st), pg_plays_put_tx, &x, err, errlen);
    if (rc == SL_ST_OK) {
        *stored = x.added;
        *dups = n - x.added;
        *acked_seq = x.acked;
    }
    free(x.pp);
    free(x.stored_flag);
    return rc;
}

/* Runs a report query in single-row mode: rows reach the callback while
 * the server is still producing the next ones, and a month of a large
 * fleet never sits in memory at once. Binary rows: no number is turned into
 * text and back. sql takes $1 = from, $2 = to and, when screen is not NULL,
 * $3 = screen. */
static sl_st_rc pg_report_scan(pg_store *s, const char *sql, const char *screen, int64_t from_ms, int64_t to_ms,
                               pg_row_fn row, void *ud, const char *what, char *err, size_t errlen)
{
    pg_conn *c = pg_acquire(s, err, errlen);
    if (!c)
        return SL_ST_ERROR;
    sl_st_rc rc = SL_ST_OK;
    char a[24], b[24];
    snprintf(a, sizeof a, "%" PRId64, from_ms);
    snprintf(b, sizeof b, "%" PRId64, to_ms);
    const char *v[3] = {a, b, screen};
    c->fresh = false;
    if (!PQsendQueryParams(c->pq, sql, screen ? 3 : 2, NULL, v, NULL, NULL, 1) || !PQsetSingleRowMode(c->pq)) {
        pg_note_failure(c, NULL);
        rc = pg_fail(c, err, errlen, what);
    }
    bool stop = false;
    PGresult *r;
    /* Every result is read, even after the callback asked to stop, so the
     * connection goes back to the pool idle. */
    while ((r = PQgetResult(c->pq)) != NULL) {
        ExecStatusType t = PQresultStatus(r);
        if (t == PGRES_SINGLE_TUPLE) {
            if (!stop && rc == SL_ST_OK)
                stop = row(ud, r, 0) != 0;
        } else if (t != PGRES_TUPLES_OK && rc == SL_ST_OK) {
            pg_note_failure(c, r);
            rc = pg_fail(c, err, errlen, what);
        }
        PQclear(r);
    }
    pg_release(s, c);
    return rc;
}

/* An integer column of a binary result (int4 or int8, big-endian). */
static int64_t pg_bin_int(const PGresult *r, int row, int col)
{
    const unsigned char *u = (const unsigned char *)PQgetvalue(r, row, col);
    int len = PQgetlength(r, row, col);
    if (len == 8)
        return pg_be64((const char *)u);
    if (len == 4)
        return (int32_t)((uint32_t)u[0] << 24 | (uint32_t)u[1] << 16 | (uint32_t)u[2] << 8 | u[3]);
    return 0;
}

typedef struct {
    int (*cb)(void *ud, const sl_hub_play_hour *h);
    int (*ocb)(void *ud, const char *screen, int64_t hour_ms, int minutes);
    void *ud;
    int64_t from_ms, to_ms;
} pg_day_scan;

static int pg_ph_row(void *ud, const PGresult *r, int i)
{
    pg_day_scan *c = ud;
    /* text in binary is its bytes; libpq adds the NUL */
    return sl_ph_day_each(PQgetvalue(r, i, 0), PQgetvalue(r, i, 2), pg_bin_int(r, i, 1), c->from_ms, c->to_ms, c->cb,
                          c->ud);
}

static int pg_online_row(void *ud, const PGresult *r, int i)
{
    pg_day_scan *c = ud;
    return sl_ph_online_each(PQgetvalue(r, i, 0), PQgetvalue(r, i, 2), pg_bin_int(r, i, 1), c->from_ms, c->to_ms,
                             c->ocb, c->ud);
}

static sl_st_rc pg_play_hours_list(sl_store *st, const char *screen, int64_t from_ms, int64_t to_ms,
                                   int (*cb)(void *ud, const sl_hub_play_hour *h), void *ud, char *err,
                                   size_t errlen)
{
    pg_day_scan c = {cb, NULL, ud, from_ms, to_ms};
    return pg_report_scan(pgs(st),
                          screen ? "SELECT screen, day, hours FROM play_days"
                                   " WHERE screen = $3 AND day >= $1 AND day < $2 ORDER BY day"
                                 : "SELECT screen, day, hours FROM play_days"
                                   " WHERE day >= $1 AND day < $2",
                          screen, sl_floordiv(from_ms, SL_MS_PER_DAY) * SL_MS_PER_DAY, to_ms, pg_ph_row, &c,
                          "listing hourly plays", err, errlen);
}

static sl_st_rc pg_online_list(sl_store *st, const char *screen, int64_t from_ms, int64_t to_ms,
                               int (*cb)(void *ud, const char *screen, int64_t hour_ms, int minutes), void *ud,
                               char *err, size_t errlen)
{
    pg_day_scan c = {NULL, cb, ud, from_ms, to_ms};
    return pg_report_scan(pgs(st),
                          screen ? "SELECT screen, day, minutes FROM online_days"
                                   " WHERE screen = $3 AND day >= $1 AND day < $2 ORDER BY day"
                                 : "SELECT screen, day, minutes FROM online_days"
                                   " WHERE day >= $1 AND day < $2",
                          screen, sl_floordiv(from_ms, SL_MS_PER_DAY) * SL_MS_PER_DAY, to_ms, pg_online_row, &c,
                          "listing hours online", err, errlen);
}

typedef struct {
    int (*cb)(void *ud, const sl_play_record *rec, int64_t received_ms);
    void *ud;
    const char *screen;
} pg_play_scan;

static int pg_play_row(void *ud, const PGresult *r, int i)
{
    pg_play_scan *c = ud;
    sl_play_record x;
    memset(&x, 0, sizeof x);
    snprintf(x.screen, sizeof x.screen, "%s", c->screen);
    x.seq = pg_i64(r, i, 0, 0);
    pg_str(r, i, 1, x.item, sizeof x.item);
    pg_str(r, i, 2, x.media_sha256, sizeof x.media_sha256);
    x.manifest_version = pg_i64(r, i, 3, 0);
    pg_str(r, i, 4, x.zone, sizeof x.zone);
    x.start_ms = pg_i64(r, i, 5, 0);
    x.mono_start_ms = pg_i64(r, i, 6, 0);
    x.clock_trust = (sl_clock_trust)pg_i64(r, i, 7, 0);
    x.duration_ms = pg_i64(r, i, 8, 0);
    x.outcome = (sl_outcome)pg_i64(r, i, 9, 0);
    pg_str(r, i, 10, x.reason, sizeof x.reason);
    return c->cb(c->ud, &x, pg_i64(r, i, 11, 0));
}

static sl_st_rc pg_plays_list(sl_store *st, const char *screen, int64_t after_seq, size_t limit,
                              int (*cb)(void *ud, const sl_play_record *rec, int64_t received_ms), void *ud,
                              char *err, size_t errlen)
{
    pg_play_scan c = {cb, ud, screen};
    return pg_op(pgs(st), Q_PLAYS_LIST, pg_play_row, &c, "listing plays", err, errlen, "tii", screen, after_seq,
                 limit > INT64_MAX ? INT64_MAX : (int64_t)limit);
}

/* ---- heartbeats, screenshots ------------------------------------------ */

typedef struct {
    const char *screen;
    const sl_hub_heartbeat *hb;
    bool wanted;
} pg_heartbeat_ctx;

/* Counts a minute online in the hour and the day of received_ms; in the screen's locked transaction. */
static sl_st_rc pg_minute_add(pg_conn *c, const char *screen, int64_t received_ms, char *err, size_t errlen)
{
    sl_st_rc rc = pg_q(c, Q_HOUR_ADD, NULL, NULL, "counting a minute online", err, errlen, "ti", screen,
                       sl_floordiv(received_ms, SL_MS_PER_HOUR) * SL_MS_PER_HOUR);
    if (rc == SL_ST_OK)
        rc = sl_st_days_add_minute(&pg_days, c, screen, received_ms, err, errlen);
    return rc;
}

static sl_st_rc pg_heartbeat_put_tx(pg_conn *c, void *ctx, char *err, size_t errlen)
{
    pg_heartbeat_ctx *x = ctx;
    const sl_hub_heartbeat *hb = x->hb;
    int64_t minute = sl_floordiv(hb->received_ms, SL_MS_PER_MIN);
    pg_state state = {0, false};
    pg_i64_out last = {false, -1};
    sl_st_rc rc = pg_lock_screen(c, x->screen, &state, err, errlen);
    if (rc == SL_ST_OK)
        rc = pg_q(c, Q_HB_LAST_MINUTE, pg_i64_row, &last, "reading a heartbeat", err, errlen, "t", x->screen);
    int64_t last_minute = last.v;
    char version[24];
    snprintf(version, sizeof version, "%" PRId64, hb->content_version);
    if (rc == SL_ST_OK)
        rc = pg_q(c, Q_HB_PUT, NULL, NULL, "storing a heartbeat", err, errlen, "titti", x->screen, hb->received_ms,
                  hb->content_version >= 0 ? version : NULL, hb->status_json ? hb->status_json : "{}",
                  minute > last_minute ? minute : last_minute);
    if (rc == SL_ST_OK)
        rc = pg_q(c, Q_HB_HISTORY_ADD, NULL, NULL, "storing a heartbeat's history", err, errlen, "titi", x->screen,
                  hb->received_ms, hb->status_json ? hb->status_json : "{}",
                  sl_floordiv(hb->received_ms, SL_HUB_HB_SLOT_MS) * SL_HUB_HB_SLOT_MS);
    if (rc == SL_ST_OK)
        rc = pg_q(c, Q_HB_HISTORY_TRIM, NULL, NULL, "trimming a heartbeat's history", err, errlen, "ti", x->screen,
                  (int64_t)SL_HUB_HB_HISTORY - 1);
    if (rc == SL_ST_OK && minute > last_minute)
        rc = pg_minute_add(c, x->screen, hb->received_ms, err, errlen);
    if (rc == SL_ST_OK && state.wanted)
        rc = pg_q(c, Q_SHOT_FLAG_CLEAR, NULL, NULL, "clearing a screenshot request", err, errlen, "t", x->screen);
    x->wanted = state.wanted;
    return rc;
}

static sl_st_rc pg_heartbeat_put(sl_store *st, const char *screen, const sl_hub_heartbeat *hb,
                                 bool *screenshot_requested, char *err, size_t errlen)
{
    pg_heartbeat_ctx x = {screen, hb, false};
    sl_st_rc rc = pg_tx(pgs(st), pg_heartbeat_put_tx, &x, err, errlen);
    if (rc == SL_ST_OK)
        *screenshot_requested = x.wanted;
    return rc;
}

typedef struct {
    int (*cb)(void *ud, int64_t hour_start_ms, int minutes);
    void *ud;
} pg_hours_scan;

static int pg_hours_row(void *ud, const PGresult *r, int i)
{
    pg_hours_scan *c = ud;
    return c->cb(c->ud, pg_i64(r, i, 0, 0), (int)pg_i64(r, i, 1, 0));
}

static sl_st_rc pg_hours_list(sl_store *st, const char *screen, int64_t from_ms, int64_t to_ms,
                              int (*cb)(void *ud, int64_t hour_start_ms, int minutes), void *ud, char *err,
                              size_t errlen)
{
    pg_hours_scan c = {cb, ud};
    return pg_op(pgs(st), Q_HOURS_LIST, pg_hours_row, &c, "listing hours", err, errlen, "tii", screen, from_ms,
                 to_ms);
}

static sl_st_rc pg_screenshot_request(sl_store *st, const char *screen, char *err, size_t errlen)
{
    return pg_op(pgs(st), Q_SHOT_FLAG_SET, NULL, NULL, "requesting a screenshot", err, errlen, "Nt", screen);
}

typedef struct {
    const char *screen;
    const sl_hub_screenshot *shot;
    PGresult *day_rows; /* the day's rows as they were (ids and files) */
} pg_shot_ctx;

/* Stores a screenshot and deletes what the retention rule drops: rows
 * PG_SHOTS_FIRST_KEPT to the last but one of x->day_rows. */
static sl_st_rc pg_screenshot_add_tx(pg_conn *c, void *ctx, char *err, size_t errlen)
{
    pg_shot_ctx *x = ctx;
    int64_t day = sl_floordiv(x->shot->taken_ms, SL_MS_PER_DAY);
    pg_state state;
    PQclear(x->day_rows);
    x->day_rows = NULL;
    sl_st_rc rc = pg_lock_screen(c, x->screen, &state, err, errlen);
    if (rc == SL_ST_OK)
        rc = pg_q(c, Q_SHOT_ADD, NULL, NULL, "storing a screenshot", err, errlen, "tiitit", x->screen, day,
                  x->shot->taken_ms, x->shot->file, x->shot->size, x->shot->mime);
    if (rc != SL_ST_OK)
        return rc;
    rc = pg_qres(c, Q_SHOT_DAY, &x->day_rows, "listing screenshots", err, errlen, "ti", x->screen, day);
    int n = rc == SL_ST_OK ? PQntuples(x->day_rows) : 0;
    for (int i = PG_SHOTS_FIRST_KEPT; i < n - 1 && rc == SL_ST_OK; i++)
        rc = pg_q(c, Q_SHOT_DEL, NULL, NULL, "removing a screenshot", err, errlen, "t",
                  PQgetvalue(x->day_rows, i, 0));
    if (rc == SL_ST_OK) /* the latest is always kept: the wall's thumbnail (screen_state is locked above) */
        rc = pg_q(c, Q_SHOT_MARK, NULL, NULL, "storing a screenshot", err, errlen, "ti", x->screen,
                  x->shot->taken_ms);
    return rc;
}

static sl_st_rc pg_screenshot_add(sl_store *st, const char *screen, const sl_hub_screenshot *shot,
                                  void (*evicted)(void *ud, const char *file), void *ud, char *err, size_t errlen)
{
    pg_shot_ctx x = {screen, shot, NULL};
    sl_st_rc rc = pg_tx(pgs(st), pg_screenshot_add_tx, &x, err, errlen);
    int n = rc == SL_ST_OK && evicted ? PQntuples(x.day_rows) : 0;
    for (int i = PG_SHOTS_FIRST_KEPT; i < n - 1; i++)
        evicted(ud, PQgetvalue(x.day_rows, i, 1));
    PQclear(x.day_rows);
    return rc;
}

static int pg_shot_latest_row(void *ud, const PGresult *r, int i)
{
    sl_hub_screenshot *out = ud;
    out->taken_ms = pg_i64(r, i, 0, 0);
    pg_str(r, i, 1, out->file, sizeof out->file);
    out->size = pg_i64(r, i, 2, 0);
    pg_str(r, i, 3, out->mime, sizeof out->mime);
    return 1;
}

static sl_st_rc pg_screenshot_latest(sl_store *st, const char *screen, sl_hub_screenshot *out, char *err,
                                     size_t errlen)
{
    return pg_op(pgs(st), Q_SHOT_LATEST, pg_shot_latest_row, out, "reading a screenshot", err, errlen, "Rt", screen);
}

/* ---- the console's screens pages (the wall, a screen's page) ---------- */

typedef struct {
    int (*cb)(void *ud, const sl_hub_wall_row *r);
    void *ud;
    sl_hub_wall_row *row;
} pg_wall_scan;

static int pg_wall_row(void *ud, const PGresult *r, int i)
{
    pg_wall_scan *c = ud;
    sl_hub_wall_row *w = c->row;
    pg_screen_cols(r, i, &w->st.s);
    w->st.enrolled = pg_bool(r, i, 9);
    w->st.last_seen_ms = pg_i64(r, i, 10, -1);
    w->st.content_version = pg_i64(r, i, 11, -1);
    w->st.acked_seq = pg_i64(r, i, 12, 0);
    w->channel_version = pg_i64(r, i, 13, -1);
    pg_str(r, i, 14, w->current_item, sizeof w->current_item);
    pg_str(r, i, 15, w->clock_trust, sizeof w->clock_trust);
    w->free_disk_bytes = pg_i64(r, i, 16, -1);
    w->shot_taken_ms = pg_i64(r, i, 17, -1);
    w->status_json = PQgetisnull(r, i, 18) ? NULL : PQgetvalue(r, i, 18);
    return c->cb(c->ud, w);
}

static sl_st_rc pg_wall_list(sl_store *st, const char *screen, int (*cb)(void *ud, const sl_hub_wall_row *r),
                             void *ud, char *err, size_t errlen)
{
    pg_wall_scan c = {cb, ud, malloc(sizeof *c.row)};
    if (!c.row) {
        snprintf(err, errlen, "out of memory");
        return SL_ST_ERROR;
    }
    sl_st_rc rc = screen ? pg_op(pgs(st), Q_WALL_ONE, pg_wall_row, &c, "reading a screen", err, errlen, "t", screen)
                         : pg_op(pgs(st), Q_WALL_ALL, pg_wall_row, &c, "listing screens", err, errlen, "");
    free(c.row);
    return rc;
}

typedef struct {
    int (*cb)(void *ud, const sl_hub_screenshot *s);
    void *ud;
} pg_shot_list_scan;

static int pg_shot_list_row(void *ud, const PGresult *r, int i)
{
    pg_shot_list_scan *c = ud;
    sl_hub_screenshot shot;
    pg_shot_latest_row(&shot, r, i);
    return c->cb(c->ud, &shot);
}

static sl_st_rc pg_screenshot_list(sl_store *st, const char *screen, int64_t from_ms, int64_t to_ms,
                                   int (*cb)(void *ud, const sl_hub_screenshot *s), void *ud, char *err,
                                   size_t errlen)
{
    pg_shot_list_scan c = {cb, ud};
    if (to_ms <= from_ms)
        return SL_ST_OK;
    return pg_op(pgs(st), Q_SHOT_LIST, pg_shot_list_row, &c, "listing screenshots", err, errlen, "tiiii", screen,
                 sl_floordiv(from_ms, SL_MS_PER_DAY), sl_floordiv(to_ms - 1, SL_MS_PER_DAY), from_ms, to_ms);
}

static sl_st_rc pg_plays_latest(sl_store *st, const char *screen, size_t limit,
                                int (*cb)(void *ud, const sl_play_record *rec, int64_t received_ms), void *ud,
                                char *err, size_t errlen)
{
    pg_play_scan c = {cb, ud, screen};
    return pg_op(pgs(st), Q_PLAYS_LATEST, pg_play_row, &c, "listing plays", err, errlen, "ti", screen,
                 limit > INT64_MAX ? INT64_MAX : (int64_t)limit);
}

typedef struct {
    int (*cb)(void *ud, const sl_hub_hb_point *h);
    void *ud;
} pg_hb_scan;

static int pg_hb_row(void *ud, const PGresult *r, int i)
{
    pg_hb_scan *c = ud;
    sl_hub_hb_point h;
    h.received_ms = pg_i64(r, i, 0, 0);
    h.uptime_s = pg_i64(r, i, 1, -1);
    h.free_disk_bytes = pg_i64(r, i, 2, -1);
    h.clock_offset_known = !PQgetisnull(r, i, 3);
    h.clock_offset_ms = pg_i64(r, i, 3, 0);
    pg_str(r, i, 4, h.clock_trust, sizeof h.clock_trust);
    return c->cb(c->ud, &h);
}

static sl_st_rc pg_heartbeat_history(sl_store *st, const char *screen, size_t limit,
                                     int (*cb)(void *ud, const sl_hub_hb_point *h), void *ud, char *err,
                                     size_t errlen)
{
    pg_hb_scan c = {cb, ud};
    return pg_op(pgs(st), Q_HB_HISTORY, pg_hb_row, &c, "reading a heartbeat history", err, errlen, "ti", screen,
                 limit > INT64_MAX ? INT64_MAX : (int64_t)limit);
}

/* ---- end of the console's screens pages ------------------------------- */

/* ---- people of the web console and their sessions ------------------- */

static sl_st_rc pg_user_add(sl_store *st, const sl_hub_user *u, char *err, size_t errlen)
{
    return pg_op(pgs(st), Q_USER_ADD, NULL, NULL, "adding a person", err, errlen, "Ctttii", u->name,
                 sl_hub_role_name(u->role), u->pwhash, u->created_ms, (int64_t)u->disabled);
}

/* The columns name, role, pwhash, created, disabled from column `at` on. */
static void pg_user_cols(const PGresult *r, int i, int at, sl_hub_user *u)
{
    char role[16];
    pg_str(r, i, at, u->name, sizeof u->name);
    pg_str(r, i, at + 1, role, sizeof role);
    u->role = sl_hub_role_parse(role);
    pg_str(r, i, at + 2, u->pwhash, sizeof u->pwhash);
    u->created_ms = pg_i64(r, i, at + 3, 0);
    u->disabled = pg_bool(r, i, at + 4);
}

static int pg_user_row(void *ud, const PGresult *r, int i)
{
    pg_user_cols(r, i, 0, ud);
    return 1;
}

static sl_st_rc pg_user_get(sl_store *st, const char *name, sl_hub_user *out, char *err, size_t errlen)
{
    sl_hub_user u;
    sl_st_rc rc = pg_op(pgs(st), Q_USER_GET, pg_user_row, &u, "reading a person", err, errlen, "Rt", name);
    if (rc == SL_ST_OK && out)
        *out = u;
    return rc;
}

typedef struct {
    int (*cb)(void *ud, const sl_hub_user *u);
    void *ud;
} pg_user_scan;

static int pg_user_list_row(void *ud, const PGresult *r, int i)
{
    pg_user_scan *c = ud;
    sl_hub_user u;
    pg_user_cols(r, i, 0, &u);
    return c->cb(c->ud, &u);
}

static sl_st_rc pg_user_list(sl_store *st, int (*cb)(void *ud, const sl_hub_user *u), void *ud, char *err,
                             size_t errlen)
{
    pg_user_scan c = {cb, ud};
    return pg_op(pgs(st), Q_USER_LIST, pg_user_list_row, &c, "listing people", err, errlen, "");
}

/* What a change to a person does, in one transaction. */
typedef struct {
    int q;                  /* Q_USER_PW, Q_USER_SET or Q_USER_DEL */
    const char *name;
    const char *pwhash;     /* Q_USER_PW */
    const uint8_t *keep;    /* Q_USER_PW: the session kept, or NULL */
    sl_hub_role role;       /* Q_USER_SET */
    bool disabled;          /* Q_USER_SET */
} pg_user_change;

static sl_st_rc pg_user_change_tx(pg_conn *c, void *ctx, char *err, size_t errlen)
{
    const pg_user_change *x = ctx;
    sl_st_rc rc;
    if (x->q == Q_USER_PW)
        rc = pg_q(c, Q_USER_PW, NULL, NULL, "changing a password", err, errlen, "Ntt", x->name, x->pwhash);
    else if (x->q == Q_USER_SET)
        rc = pg_q(c, Q_USER_SET, NULL, NULL, "changing a person", err, errlen, "Ntti", x->name,
                  sl_hub_role_name(x->role), (int64_t)x->disabled);
    else
        rc = pg_q(c, Q_USER_DEL, NULL, NULL, "removing a person", err, errlen, "Nt", x->name);
    if (rc == SL_ST_OK && (x->q != Q_USER_SET || x->disabled))
        rc = pg_q(c, Q_SESS_END_USER, NULL, NULL, "ending sessions", err, errlen, "th", x->name, x->keep);
    return rc;
}

static sl_st_rc pg_user_set_password(sl_store *st, const char *name, const char *pwhash,
                                     const uint8_t keep[SL_HUB_HASH_BYTES], char *err, size_t errlen)
{
    pg_user_change x = {.q = Q_USER_PW, .name = name, .pwhash = pwhash, .keep = keep};
    return pg_tx(pgs(st), pg_user_change_tx, &x, err, errlen);
}

static sl_st_rc pg_user_set(sl_store *st, const char *name, sl_hub_role role, bool disabled, char *err,
                            size_t errlen)
{
    pg_user_change x = {.q = Q_USER_SET, .name = name, .role = role, .disabled = disabled};
    return pg_tx(pgs(st), pg_user_change_tx, &x, err, errlen);
}

static sl_st_rc pg_user_remove(sl_store *st, const char *name, char *err, size_t errlen)
{
    pg_user_change x = {.q = Q_USER_DEL, .name = name};
    return pg_tx(pgs(st), pg_user_change_tx, &x, err, errlen);
}

typedef struct {
    const uint8_t *hash;
    const char *name;
    int64_t now_ms, idle_ms;
} pg_session_new;

static sl_st_rc pg_session_add_tx(pg_conn *c, void *ctx, char *err, size_t errlen)
{
    const pg_session_new *x = ctx;
    sl_st_rc rc = pg_q(c, Q_SESS_PURGE, NULL, NULL, "removing idle sessions", err, errlen, "i", x->now_ms - x->idle_ms);
    if (rc == SL_ST_OK)
        rc = pg_q(c, Q_SESS_ADD, NULL, NULL, "starting a session", err, errlen, "CNhti", x->hash, x->name, x->now_ms);
    return rc;
}

static sl_st_rc pg_session_add(sl_store *st, const uint8_t hash[SL_HUB_HASH_BYTES], const char *name,
                               int64_t now_ms, int64_t idle_ms, char *err, size_t errlen)
{
    pg_session_new x = {hash, name, now_ms, idle_ms};
    return pg_tx(pgs(st), pg_session_add_tx, &x, err, errlen);
}

static int pg_session_row(void *ud, const PGresult *r, int i)
{
    sl_hub_session *x = ud;
    x->created_ms = pg_i64(r, i, 0, 0);
    x->seen_ms = pg_i64(r, i, 1, 0);
    pg_user_cols(r, i, 2, &x->user);
    return 1;
}

static sl_st_rc pg_session_check(sl_store *st, const uint8_t hash[SL_HUB_HASH_BYTES], int64_t now_ms,
                                 int64_t idle_ms, int64_t touch_ms, sl_hub_session *out, char *err, size_t errlen)
{
    pg_store *s = pgs(st);
    sl_hub_session x;
    pg_conn *c = pg_acquire(s, err, errlen);
    if (!c)
        return SL_ST_ERROR;
    sl_st_rc rc = pg_q(c, Q_SESS_GET, pg_session_row, &x, "reading a session", err, errlen, "Rh", hash);
    if (rc == SL_ST_OK && now_ms - x.seen_ms >= idle_ms) {
        rc = pg_q(c, Q_SESS_END, NULL, NULL, "ending an idle session", err, errlen, "h", hash);
        if (rc == SL_ST_OK)
            rc = SL_ST_NOT_FOUND;
    } else if (rc == SL_ST_OK && x.user.disabled) {
        rc = SL_ST_NOT_FOUND;
    } else if (rc == SL_ST_OK && now_ms - x.seen_ms >= touch_ms) {
        rc = pg_q(c, Q_SESS_TOUCH, NULL, NULL, "using a session", err, errlen, "hi", hash, now_ms);
        x.seen_ms = now_ms;
    }
    pg_release(s, c);
    if (rc == SL_ST_OK && out)
        *out = x;
    return rc;
}

static sl_st_rc pg_session_end(sl_store *st, const uint8_t hash[SL_HUB_HASH_BYTES], char *err, size_t errlen)
{
    return pg_op(pgs(st), Q_SESS_END, NULL, NULL, "ending a session", err, errlen, "Nh", hash);
}

/* ---- open, close ------------------------------------------------------ */

static void pg_close(sl_store *st)
{
    pg_store *s = pgs(st);
    if (!s)
        return;
    /* Every operation has returned its connection by now (the caller stops
     * using the store before closing it). */
    while (s->idle) {
        pg_conn *c = s->idle;
        s->idle = c->next;
        pg_conn_free(c);
    }
    if (s->cv_ok)
        pthread_cond_destroy(&s->cv);
    if (s->mu_ok)
        pthread_mutex_destroy(&s->mu);
    free(s->chunk_sql);
    free(s->url);
    free(s);
}

static const sl_store_ops pg_ops = {
    .name = "postgresql",
    .close = pg_close,
    .token_add = pg_token_add,
    .token_list = pg_token_list,
    .token_revoke = pg_token_revoke,
    .auth_lookup = pg_auth_lookup,
    .key_add = pg_key_add,
    .key_list = pg_key_list,
    .inventory_upsert = pg_inventory_upsert,
    .screen_get = pg_screen_get,
    .screen_list = pg_screen_list,
    .enroll_code_add = pg_enroll_code_add,
    .enroll_redeem = pg_enroll_redeem,
    .enroll_code_list = pg_enroll_code_list,
    .enroll_code_revoke = pg_enroll_code_revoke,
    .screen_revoke = pg_screen_revoke,
    .media_add = pg_media_add,
    .manifest_put = pg_manifest_put,
    .manifest_version = pg_manifest_version,
    .manifest_get = pg_manifest_get,
    .channel_list = pg_channel_list,
    .plays_put = pg_plays_put,
    .plays_list = pg_plays_list,
    .heartbeat_put = pg_heartbeat_put,
    .hours_list = pg_hours_list,
    .play_hours_list = pg_play_hours_list,
    .online_list = pg_online_list,
    .manifest_at = pg_manifest_at,
    .manifest_list = pg_manifest_list,
    .screenshot_request = pg_screenshot_request,
    .screenshot_add = pg_screenshot_add,
    .screenshot_latest = pg_screenshot_latest,
    /* the console's screens pages */
    .wall_list = pg_wall_list,
    .screenshot_list = pg_screenshot_list,
    .plays_latest = pg_plays_latest,
    .heartbeat_history = pg_heartbeat_history,
    .user_add = pg_user_add,
    .user_get = pg_user_get,
    .user_list = pg_user_list,
    .user_set_password = pg_user_set_password,
    .user_set = pg_user_set,
    .user_remove = pg_user_remove,
    .session_add = pg_session_add,
    .session_check = pg_session_check,
    .session_end = pg_session_end,
};

/* The multi-row play INSERT: placeholders $1..$N only, never data. */
static char *pg_play_chunk_sql(void)
{
    size_t cap = sizeof PG_PLAY_INSERT + (size_t)PG_PLAY_CHUNK * (PG_PLAY_COLS * 7 + 4) + 32;
    char *sql = malloc(cap);
    if (!sql)
        return NULL;
    size_t len = (size_t)snprintf(sql, cap, "%s", PG_PLAY_INSERT);
    for (int row = 0; row < PG_PLAY_CHUNK; row++) {
        len += (size_t)snprintf(sql + len, cap - len, "%s(", row ? "," : " ");
        for (int col = 0; col < PG_PLAY_COLS; col++)
            len += (size_t)snprintf(sql + len, cap - len, "%s$%d", col ? "," : "", row * PG_PLAY_COLS + col + 1);
        len += (size_t)snprintf(sql + len, cap - len, ")");
    }
    snprintf(sql + len, cap - len, " ON CONFLICT DO NOTHING RETURNING seq");
    return sql;
}

/* Creates the schema in a database without it, or checks the version of an
 * existing one. An advisory lock makes hubs starting at once take turns. */
static int pg_migrate(PGconn *pq, char *err, size_t errlen)
{
    int rc = -1;
    PGresult *r = NULL;
    char where[256], msg[256];
    pg_where(pq, where, sizeof where);
    r = PQexec(pq, "BEGIN");
    if (PQresultStatus(r) != PGRES_COMMAND_OK)
        goto fail;
    PQclear(r);
    r = PQexec(pq, "SELECT pg_advisory_xact_lock(" PG_MIGRATE_LOCK "), to_regclass('sl_meta') IS NOT NULL");
    if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1)
        goto fail;
    bool exists = pg_bool(r, 0, 1);
    PQclear(r);
    if (!exists) {
        r = PQexec(pq, pg_schema);
        if (PQresultStatus(r) != PGRES_COMMAND_OK)
            goto fail;
        PQclear(r);
        r = PQexec(pq, pg_schema_v2);
        if (PQresultStatus(r) != PGRES_COMMAND_OK)
            goto fail;
        PQclear(r);
        r = PQexec(pq, pg_schema_v3);
        if (PQresultStatus(r) != PGRES_COMMAND_OK)
            goto fail;
        PQclear(r);
        r = PQexec(pq, pg_schema_v4);
        if (PQresultStatus(r) != PGRES_COMMAND_OK)
            goto fail;
        PQclear(r);
        r = PQexec(pq, pg_schema_v5);
        if (PQresultStatus(r) != PGRES_COMMAND_OK)
            goto fail;
        PQclear(r);
        r = PQexec(pq, pg_schema_v6);
        if (PQresultStatus(r) != PGRES_COMMAND_OK)
            goto fail;
        PQclear(r);
        const char *const v[1] = {SL_STR(PG_SCHEMA_VERSION)};
        r = PQexecParams(pq, "INSERT INTO sl_meta(key, value) VALUES('schema_version', $1::bigint)", 1, NULL, v,
                         NULL, NULL, 0);
        if (PQresultStatus(r) != PGRES_COMMAND_OK)
            goto fail;
    } else {
        r = PQexec(pq, "SELECT value FROM sl_meta WHERE key = 'schema_version'");
        if (PQresultStatus(r) != PGRES_TUPLES_OK)
            goto fail;
        int64_t v = PQntuples(r) == 1 ? pg_i64(r, 0, 0, 0) : 0;
        if (v >= 1 && v < PG_SCHEMA_VERSION) {
            /* Version 1 had no play summary (plays before the upgrade are not
             * in reports); versions 1 and 2 no scopes, code ids or revocation;
             * versions before 4 no people of the console; versions before 5
             * no wall columns; versions before 6 no heartbeat history. */
            const char *const steps[] = {pg_schema_v2, pg_schema_v3, pg_schema_v4, pg_schema_v5, pg_schema_v6};
            for (int64_t step = v; step < PG_SCHEMA_VERSION; step++) {
                PQclear(r);
                r = PQexec(pq, steps[step - 1]);
                if (PQresultStatus(r) != PGRES_COMMAND_OK)
                    goto fail;
            }
            PQclear(r);
            r = PQexec(pq, "UPDATE sl_meta SET value = " SL_STR(PG_SCHEMA_VERSION) " WHERE key = 'schema_version'");
            if (PQresultStatus(r) != PGRES_COMMAND_OK)
                goto fail;
            v = PG_SCHEMA_VERSION;
        }
        if (v != PG_SCHEMA_VERSION) {
            snprintf(err, errlen,
                     "PostgreSQL at %s: database schema version %" PRId64 " %s (this screenlit-hub knows %d)",
                     where, v, v > PG_SCHEMA_VERSION ? "was made by a newer screenlit-hub" : "is unknown",
                     PG_SCHEMA_VERSION);
            goto out;
        }
    }
    PQclear(r);
    r = PQexec(pq, "COMMIT");
    if (PQresultStatus(r) != PGRES_COMMAND_OK)
        goto fail;
    rc = 0;
    goto out;
fail:
    pg_clean_msg(msg, sizeof msg, PQerrorMessage(pq));
    snprintf(err, errlen, "PostgreSQL at %s: creating the schema: %s", where, msg);
out:
    PQclear(r);
    if (rc != 0 && PQtransactionStatus(pq) != PQTRANS_IDLE)
        PQclear(PQexec(pq, "ROLLBACK"));
    return rc;
}

/* Opens a PostgreSQL store (see store.h). */
sl_store *sl_store_open_pg(const char *url, char *err, size_t errlen)
{
    pg_store *s = calloc(1, sizeof *s);
    pg_conn *c = NULL;
    bool ok = false;
    if (!s) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    s->base.ops = &pg_ops;
    s->url = strdup(url);
    s->chunk_sql = pg_play_chunk_sql();
    if (!s->url || !s->chunk_sql) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    if (pthread_mutex_init(&s->mu, NULL) != 0) {
        snprintf(err, errlen, "cannot make a mutex");
        goto out;
    }
    s->mu_ok = true;
    if (pthread_cond_init(&s->cv, NULL) != 0) {
        snprintf(err, errlen, "cannot make a condition variable");
        goto out;
    }
    s->cv_ok = true;
    /* The first connection: checks the server, creates or checks the schema
     * (statements are prepared only after it exists), then joins the pool. */
    PGconn *pq = pg_dial(url, err, errlen);
    if (!pq)
        goto out;
    int m = pg_migrate(pq, err, errlen);
    PQfinish(pq);
    if (m != 0)
        goto out;
    c = pg_connect(s, err, errlen);
    if (!c)
        goto out;
    s->idle = c;
    s->open = 1;
    ok = true;
out:
    if (!ok) {
        pg_close(s ? &s->base : NULL);
        return NULL;
    }
    return &s->base;
}
