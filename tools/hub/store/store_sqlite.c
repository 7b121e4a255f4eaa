/* store_sqlite.c — the SQLite backend of the hub store: one file DATA/hub.db, WAL, synchronous=FULL, prepared statements. */
#define _POSIX_C_SOURCE 200809L
#include "tools/hub/store/store.h"
#include "tools/hub/service/hub_playhours.h"
#include "tools/hub/store/store_days.h"

#include "content/fsutil.h"
#include "content/timeutil.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SQ_SCHEMA_VERSION 6 /* 2: play_hours; 3: channel scopes, code ids and revocation; 4: console users;
                              5: what the console's wall lists, kept as columns; 6: heartbeat history */
#define SQ_BUSY_TIMEOUT_MS 10000
#define SQ_READER_MMAP "1073741824" /* bytes of the database a reader maps (1 GiB) */
#define SQ_SHOTS_FIRST_KEPT 5 /* per screen and day: the first five, plus the latest */

static const char *const sq_schema =
    "CREATE TABLE tokens("
    "  id INTEGER PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL,"
    "  hash BLOB NOT NULL UNIQUE, created INTEGER NOT NULL, revoked INTEGER);"
    "CREATE UNIQUE INDEX tokens_valid_name ON tokens(name) WHERE revoked IS NULL;"
    "CREATE TABLE keys(name TEXT PRIMARY KEY, key TEXT NOT NULL UNIQUE, created INTEGER NOT NULL);"
    "CREATE TABLE screens("
    "  id TEXT PRIMARY KEY, name TEXT NOT NULL, site TEXT NOT NULL, region TEXT NOT NULL,"
    "  unit_type TEXT NOT NULL, tags TEXT NOT NULL, channel TEXT NOT NULL, hours TEXT NOT NULL,"
    "  timezone TEXT NOT NULL);"
    "CREATE TABLE enroll_codes("
    "  hash BLOB PRIMARY KEY, screen TEXT NOT NULL REFERENCES screens(id),"
    "  created INTEGER NOT NULL, expires INTEGER NOT NULL, used INTEGER);"
    "CREATE TABLE screen_tokens("
    "  screen TEXT PRIMARY KEY REFERENCES screens(id), hash BLOB NOT NULL UNIQUE,"
    "  created INTEGER NOT NULL);"
    "CREATE TABLE screen_state("
    "  screen TEXT PRIMARY KEY, acked_seq INTEGER NOT NULL DEFAULT 0,"
    "  screenshot_requested INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE manifests("
    "  channel TEXT NOT NULL, version INTEGER NOT NULL, envelope BLOB NOT NULL,"
    "  published INTEGER NOT NULL, PRIMARY KEY(channel, version)) WITHOUT ROWID;"
    "CREATE TABLE media(sha256 TEXT PRIMARY KEY, size INTEGER NOT NULL, received INTEGER NOT NULL);"
    "CREATE TABLE plays("
    "  screen TEXT NOT NULL, seq INTEGER NOT NULL, item TEXT NOT NULL, media_sha256 TEXT NOT NULL,"
    "  manifest_version INTEGER NOT NULL, zone TEXT NOT NULL, start_ms INTEGER NOT NULL,"
    "  mono_start_ms INTEGER NOT NULL, clock_trust INTEGER NOT NULL, duration_ms INTEGER NOT NULL,"
    "  outcome INTEGER NOT NULL, reason TEXT NOT NULL, received INTEGER NOT NULL,"
    "  PRIMARY KEY(screen, seq)) WITHOUT ROWID;"
    "CREATE TABLE heartbeats("
    "  screen TEXT PRIMARY KEY, received INTEGER NOT NULL, content_version INTEGER,"
    "  status TEXT NOT NULL, last_minute INTEGER NOT NULL);"
    "CREATE TABLE screen_hours("
    "  screen TEXT NOT NULL, hour INTEGER NOT NULL, minutes INTEGER NOT NULL,"
    "  PRIMARY KEY(screen, hour)) WITHOUT ROWID;"
    "CREATE TABLE screenshots("
    "  id INTEGER PRIMARY KEY, screen TEXT NOT NULL, day INTEGER NOT NULL, taken INTEGER NOT NULL,"
    "  file TEXT NOT NULL, size INTEGER NOT NULL, mime TEXT NOT NULL);"
    "CREATE INDEX screenshots_by_day ON screenshots(screen, day, taken);";

/* Schema version 2: the play summary and minutes online, one row per
 * screen and UTC day (hub_playhours.h; REPORTS.md). */
static const char *const sq_schema_v2 =
    "CREATE TABLE play_days(screen TEXT NOT NULL, day INTEGER NOT NULL, hours TEXT NOT NULL,"
    "  PRIMARY KEY(screen, day)) WITHOUT ROWID;"
    "CREATE TABLE online_days(screen TEXT NOT NULL, day INTEGER NOT NULL, minutes TEXT NOT NULL,"
    "  PRIMARY KEY(screen, day)) WITHOUT ROWID;";

/* Schema version 3: channel scopes of publisher tokens and keys; enrolment
 * codes get an id (existing codes keep their order) and can be revoked;
 * device tokens taken away by de-enrolment or a later enrolment are kept,
 * so that the screen can be told. */
static const char *const sq_schema_v3 =
    "ALTER TABLE tokens ADD COLUMN channels TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE keys ADD COLUMN channels TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE enroll_codes ADD COLUMN id INTEGER;"
    "ALTER TABLE enroll_codes ADD COLUMN revoked INTEGER;"
    "UPDATE enroll_codes SET id = rowid;"
    "CREATE UNIQUE INDEX enroll_codes_id ON enroll_codes(id);"
    "CREATE INDEX enroll_codes_screen ON enroll_codes(screen);"
    "CREATE TABLE revoked_screen_tokens(hash BLOB PRIMARY KEY, screen TEXT NOT NULL, revoked INTEGER NOT NULL);";

/* Schema version 4: the people of the web console and their sessions
 * (a session is kept by the SHA-256 of its cookie). */
static const char *const sq_schema_v4 =
    "CREATE TABLE users(name TEXT PRIMARY KEY, role TEXT NOT NULL, pwhash TEXT NOT NULL,"
    "  created INTEGER NOT NULL, disabled INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE sessions(hash BLOB PRIMARY KEY, name TEXT NOT NULL, created INTEGER NOT NULL,"
    "  seen INTEGER NOT NULL);"
    "CREATE INDEX sessions_name ON sessions(name);"
    "CREATE INDEX sessions_seen ON sessions(seen);";

/* Schema version 5: what the console's wall lists of every screen, kept as
 * columns when written (so that the wall reads no JSON and looks up no
 * screenshot per screen): the last heartbeat's current item, clock trust and
 * free disk, and the time of the latest screenshot. */
static const char *const sq_schema_v5 =
    "ALTER TABLE heartbeats ADD COLUMN current_item TEXT;"
    "ALTER TABLE heartbeats ADD COLUMN clock_trust TEXT;"
    "ALTER TABLE heartbeats ADD COLUMN free_disk INTEGER;"
    "UPDATE heartbeats SET current_item = json_extract(status, '$.current_item'),"
    "  clock_trust = json_extract(status, '$.clock_trust'), free_disk = json_extract(status, '$.free_disk_bytes')"
    "  WHERE json_valid(status);"
    "ALTER TABLE screen_state ADD COLUMN last_shot INTEGER;"
    "INSERT OR IGNORE INTO screen_state(screen) SELECT DISTINCT screen FROM screenshots;"
    "UPDATE screen_state SET last_shot = (SELECT max(taken) FROM screenshots x WHERE x.screen = screen_state.screen);";

/* Schema version 6: each screen's recent heartbeats (store.h,
 * SL_HUB_HB_HISTORY), started with the last heartbeat of each screen. */
static const char *const sq_schema_v6 =
    "CREATE TABLE heartbeat_history(screen TEXT NOT NULL, received INTEGER NOT NULL, uptime INTEGER,"
    "  free_disk INTEGER, clock_offset INTEGER, clock_trust TEXT, PRIMARY KEY(screen, received)) WITHOUT ROWID;"
    "INSERT INTO heartbeat_history SELECT screen, received, json_extract(status, '$.uptime_s'), free_disk,"
    "  json_extract(status, '$.clock_offset_ms'), clock_trust FROM heartbeats WHERE json_valid(status);";

/* Every statement the backend runs, prepared once and kept. */
enum {
    Q_BEGIN,
    Q_COMMIT,
    Q_ROLLBACK,
    Q_TOKEN_ADD,
    Q_TOKEN_LIST,
    Q_TOKEN_REVOKE,
    Q_AUTH,
    Q_KEY_BY_KEY,
    Q_KEY_ADD,
    Q_KEY_LIST,
    Q_SCREEN_UPSERT,
    Q_SCREEN_GET,
    Q_SCREEN_LIST,
    Q_CODE_ADD,
    Q_CODE_GET,
    Q_CODE_USE,
    Q_SCREEN_TOKEN_SET,
    Q_MEDIA_ADD,
    Q_MANIFEST_CUR,
    Q_MANIFEST_ADD,
    Q_MANIFEST_GET,
    Q_CHANNEL_LIST,
    Q_PLAY_ADD,
    Q_ACK_GET,
    Q_ACK_SCAN,
    Q_STATE_ENSURE,
    Q_ACK_SET,
    Q_PLAYS_LIST,
    Q_HB_LAST_MINUTE,
    Q_HB_PUT,
    Q_HB_HISTORY_ADD,
    Q_HB_HISTORY_TRIM,
    Q_HOUR_ADD,
    Q_SHOT_FLAG_GET,
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
    Q_CODES_SUPERSEDE,
    Q_TOKEN_RETIRE,
    Q_SCREEN_TOKEN_DEL,
    Q_CODE_LIST,
    Q_CODE_BY_ID,
    Q_CODE_REVOKE,
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

static const char *const sq_sql[Q_COUNT] = {
    [Q_BEGIN] = "BEGIN IMMEDIATE",
    [Q_COMMIT] = "COMMIT",
    [Q_ROLLBACK] = "ROLLBACK",
    [Q_TOKEN_ADD] = "INSERT INTO tokens(name, role, hash, created, channels) VALUES(?1, ?2, ?3, ?4, ?5)",
    [Q_TOKEN_LIST] = "SELECT name, role, created, revoked, channels FROM tokens ORDER BY id",
    [Q_TOKEN_REVOKE] = "UPDATE tokens SET revoked = ?2 WHERE name = ?1 AND revoked IS NULL",
    /* One statement (one read transaction) for both kinds of token: every
     * request of every screen runs it. A screen token also brings the
     * screen's channel and that channel's current version (a poll's 304);
     * a device token taken away comes back as kind 2. */
    [Q_AUTH] = "SELECT 0, role, name, 0, NULL, NULL, channels FROM tokens WHERE hash = ?1 AND revoked IS NULL"
               " UNION ALL SELECT 1, NULL, t.screen, s.id IS NOT NULL, s.channel,"
               " (SELECT max(m.version) FROM manifests m WHERE m.channel = s.channel), ''"
               " FROM screen_tokens t LEFT JOIN screens s ON s.id = t.screen WHERE t.hash = ?1"
               " UNION ALL SELECT 2, NULL, screen, 0, NULL, NULL, '' FROM revoked_screen_tokens WHERE hash = ?1",
    [Q_KEY_BY_KEY] = "SELECT name FROM keys WHERE key = ?1",
    [Q_KEY_ADD] = "INSERT INTO keys(name, key, created, channels) VALUES(?1, ?2, ?3, ?4)",
    [Q_KEY_LIST] = "SELECT name, key, created, channels FROM keys ORDER BY created, name",
    [Q_SCREEN_UPSERT] =
        "INSERT INTO screens(id, name, site, region, unit_type, tags, channel, hours, timezone)"
        " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT(id) DO UPDATE SET"
        " name = excluded.name, site = excluded.site, region = excluded.region,"
        " unit_type = excluded.unit_type, tags = excluded.tags, channel = excluded.channel,"
        " hours = excluded.hours, timezone = excluded.timezone",
    [Q_SCREEN_GET] = "SELECT id, name, site, region, unit_type, tags, channel, hours, timezone"
                     " FROM screens WHERE id = ?1",
    [Q_SCREEN_LIST] =
        "SELECT s.id, s.name, s.site, s.region, s.unit_type, s.tags, s.channel, s.hours, s.timezone,"
        " t.screen IS NOT NULL, h.received, h.content_version, st.acked_seq"
        " FROM screens s LEFT JOIN screen_tokens t ON t.screen = s.id"
        " LEFT JOIN heartbeats h ON h.screen = s.id LEFT JOIN screen_state st ON st.screen = s.id"
        " ORDER BY s.id",
    [Q_CODE_ADD] = "INSERT INTO enroll_codes(hash, screen, created, expires, id) VALUES(?1, ?2, ?3, ?4,"
                   " (SELECT coalesce(max(id), 0) + 1 FROM enroll_codes)) RETURNING id",
    [Q_CODE_GET] = "SELECT screen, expires, used, revoked FROM enroll_codes WHERE hash = ?1",
    [Q_CODE_USE] = "UPDATE enroll_codes SET used = ?2 WHERE hash = ?1 AND used IS NULL",
    [Q_SCREEN_TOKEN_SET] = "INSERT INTO screen_tokens(screen, hash, created) VALUES(?1, ?2, ?3)"
                           " ON CONFLICT(screen) DO UPDATE SET hash = excluded.hash, created = excluded.created",
    [Q_MEDIA_ADD] = "INSERT OR IGNORE INTO media(sha256, size, received) VALUES(?1, ?2, ?3)",
    [Q_MANIFEST_CUR] = "SELECT max(version) FROM manifests WHERE channel = ?1",
    [Q_MANIFEST_ADD] = "INSERT INTO manifests(channel, version, envelope, published) VALUES(?1, ?2, ?3, ?4)",
    [Q_MANIFEST_GET] = "SELECT version, envelope FROM manifests WHERE channel = ?1 ORDER BY version DESC LIMIT 1",
    [Q_CHANNEL_LIST] = "SELECT channel, version, published FROM manifests m WHERE version ="
                       " (SELECT max(version) FROM manifests WHERE channel = m.channel) ORDER BY channel",
    [Q_PLAY_ADD] = "INSERT OR IGNORE INTO plays(screen, seq, item, media_sha256, manifest_version, zone,"
                   " start_ms, mono_start_ms, clock_trust, duration_ms, outcome, reason, received)"
                   " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
    [Q_ACK_GET] = "SELECT acked_seq FROM screen_state WHERE screen = ?1",
    [Q_ACK_SCAN] = "SELECT seq FROM plays WHERE screen = ?1 AND seq > ?2 ORDER BY seq LIMIT 1024",
    [Q_STATE_ENSURE] = "INSERT OR IGNORE INTO screen_state(screen) VALUES(?1)",
    [Q_ACK_SET] = "UPDATE screen_state SET acked_seq = ?2 WHERE screen = ?1",
    [Q_PLAYS_LIST] = "SELECT seq, item, media_sha256, manifest_version, zone, start_ms, mono_start_ms,"
                     " clock_trust, duration_ms, outcome, reason, received FROM plays"
                     " WHERE screen = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3",
    [Q_HB_LAST_MINUTE] = "SELECT last_minute FROM heartbeats WHERE screen = ?1",
    /* The words the wall lists are taken from the status as it is stored (schema 5). */
    [Q_HB_PUT] = "INSERT INTO heartbeats(screen, received, content_version, status, last_minute, current_item,"
                 " clock_trust, free_disk) VALUES(?1, ?2, ?3, ?4, ?5, json_extract(?4, '$.current_item'),"
                 " json_extract(?4, '$.clock_trust'), json_extract(?4, '$.free_disk_bytes'))"
                 " ON CONFLICT(screen) DO UPDATE SET"
                 " received = excluded.received, content_version = excluded.content_version,"
                 " status = excluded.status, last_minute = excluded.last_minute,"
                 " current_item = excluded.current_item, clock_trust = excluded.clock_trust,"
                 " free_disk = excluded.free_disk",
    /* The first heartbeat of its slot (?4: the slot's start) joins the history... */
    [Q_HB_HISTORY_ADD] = "INSERT INTO heartbeat_history(screen, received, uptime, free_disk, clock_offset, clock_trust)"
                         " SELECT ?1, ?2, json_extract(?3, '$.uptime_s'), json_extract(?3, '$.free_disk_bytes'),"
                         " json_extract(?3, '$.clock_offset_ms'), json_extract(?3, '$.clock_trust')"
                         " WHERE NOT EXISTS(SELECT 1 FROM heartbeat_history WHERE screen = ?1 AND received >= ?4)",
    /* ... and all but the latest ?2 + 1 leave it. */
    [Q_HB_HISTORY_TRIM] = "DELETE FROM heartbeat_history WHERE screen = ?1 AND received < (SELECT received"
                          " FROM heartbeat_history WHERE screen = ?1 ORDER BY received DESC LIMIT 1 OFFSET ?2)",
    [Q_HOUR_ADD] = "INSERT INTO screen_hours(screen, hour, minutes) VALUES(?1, ?2, 1)"
                   " ON CONFLICT(screen, hour) DO UPDATE SET minutes = min(60, minutes + 1)",
    [Q_SHOT_FLAG_GET] = "SELECT screenshot_requested FROM screen_state WHERE screen = ?1",
    [Q_SHOT_FLAG_CLEAR] = "UPDATE screen_state SET screenshot_requested = 0 WHERE screen = ?1",
    [Q_SHOT_FLAG_SET] = "INSERT INTO screen_state(screen, screenshot_requested) VALUES(?1, 1)"
                        " ON CONFLICT(screen) DO UPDATE SET screenshot_requested = 1",
    [Q_HOURS_LIST] = "SELECT hour, minutes FROM screen_hours WHERE screen = ?1 AND hour >= ?2 AND hour < ?3"
                     " ORDER BY hour",
    [Q_SHOT_ADD] = "INSERT INTO screenshots(screen, day, taken, file, size, mime) VALUES(?1, ?2, ?3, ?4, ?5, ?6)",
    [Q_SHOT_DAY] = "SELECT id, file FROM screenshots WHERE screen = ?1 AND day = ?2 ORDER BY taken, id",
    [Q_SHOT_DEL] = "DELETE FROM screenshots WHERE id = ?1",
    [Q_SHOT_MARK] = "INSERT INTO screen_state(screen, last_shot) VALUES(?1, ?2) ON CONFLICT(screen) DO UPDATE"
                    " SET last_shot = max(coalesce(last_shot, excluded.last_shot), excluded.last_shot)",
    [Q_SHOT_LATEST] = "SELECT taken, file, size, mime FROM screenshots WHERE screen = ?1"
                      " ORDER BY taken DESC, id DESC LIMIT 1",
    [Q_MANIFEST_AT] = "SELECT envelope FROM manifests WHERE channel = ?1 AND version = ?2",
    [Q_MANIFEST_LIST] = "SELECT version, published, envelope FROM manifests WHERE channel = ?1"
                        " ORDER BY version DESC LIMIT ?2",
    [Q_PH_GET] = "SELECT hours FROM play_days WHERE screen = ?1 AND day = ?2",
    [Q_PLAYS_NEAR] = "SELECT seq, zone, start_ms, duration_ms, clock_trust, outcome FROM plays"
                     " WHERE screen = ?1 AND seq >= ?2 AND seq <= ?3",
    [Q_PH_PUT] = "INSERT OR REPLACE INTO play_days(screen, day, hours) VALUES(?1, ?2, ?3)",
    [Q_OD_GET] = "SELECT minutes FROM online_days WHERE screen = ?1 AND day = ?2",
    [Q_OD_PUT] = "INSERT OR REPLACE INTO online_days(screen, day, minutes) VALUES(?1, ?2, ?3)",
    [Q_KEY_SCOPE] = "UPDATE keys SET channels = ?2 WHERE key = ?1",
    [Q_CODES_SUPERSEDE] = "UPDATE enroll_codes SET revoked = ?2 WHERE screen = ?1 AND used IS NULL AND revoked IS NULL",
    [Q_TOKEN_RETIRE] = "INSERT OR IGNORE INTO revoked_screen_tokens(hash, screen, revoked)"
                       " SELECT hash, screen, ?2 FROM screen_tokens WHERE screen = ?1",
    [Q_SCREEN_TOKEN_DEL] = "DELETE FROM screen_tokens WHERE screen = ?1",
    [Q_CODE_LIST] = "SELECT id, screen, created, expires, used, revoked FROM enroll_codes"
                    " WHERE ?1 IS NULL OR screen = ?1 ORDER BY id",
    [Q_CODE_BY_ID] = "SELECT id, screen, created, expires, used, revoked FROM enroll_codes WHERE id = ?1",
    [Q_CODE_REVOKE] = "UPDATE enroll_codes SET revoked = ?2 WHERE id = ?1",
    /* people of the web console and their sessions */
    [Q_USER_ADD] = "INSERT INTO users(name, role, pwhash, created, disabled) VALUES(?1, ?2, ?3, ?4, ?5)",
    [Q_USER_GET] = "SELECT name, role, pwhash, created, disabled FROM users WHERE name = ?1",
    [Q_USER_LIST] = "SELECT name, role, pwhash, created, disabled FROM users ORDER BY name",
    [Q_USER_PW] = "UPDATE users SET pwhash = ?2 WHERE name = ?1",
    [Q_USER_SET] = "UPDATE users SET role = ?2, disabled = ?3 WHERE name = ?1",
    [Q_USER_DEL] = "DELETE FROM users WHERE name = ?1",
    [Q_SESS_END_USER] = "DELETE FROM sessions WHERE name = ?1 AND (?2 IS NULL OR hash <> ?2)",
    [Q_SESS_ADD] = "INSERT INTO sessions(hash, name, created, seen) SELECT ?1, ?2, ?3, ?3"
                   " WHERE EXISTS (SELECT 1 FROM users WHERE name = ?2 AND disabled = 0)",
    [Q_SESS_PURGE] = "DELETE FROM sessions WHERE seen <= ?1",
    [Q_SESS_GET] = "SELECT s.created, s.seen, u.name, u.role, u.pwhash, u.created, u.disabled"
                   " FROM sessions s JOIN users u ON u.name = s.name WHERE s.hash = ?1",
    [Q_SESS_TOUCH] = "UPDATE sessions SET seen = ?2 WHERE hash = ?1",
    [Q_SESS_END] = "DELETE FROM sessions WHERE hash = ?1",
};

/* A connection that only reads (the token lookup), used by one thread at a time. */
typedef struct sq_reader {
    struct sq_reader *next;
    sqlite3 *db;
    sqlite3_stmt *auth; /* Q_AUTH */
} sq_reader;

typedef struct {
    sl_store base; /* first: the generic handle */
    sqlite3 *db;
    sqlite3_stmt *q[Q_COUNT];
    pthread_mutex_t mu; /* one operation at a time on this connection */
    bool mu_ok;
    char *path;            /* DATA/hub.db, for opening readers */
    sq_reader *readers;    /* idle readers: WAL lets them read while db writes */
    pthread_mutex_t rmu;   /* guards readers (held only to take or give one back) */
    bool rmu_ok;
} sq_store;

static sq_store *sq(sl_store *st)
{
    return (sq_store *)st;
}

/* ---- running statements ----------------------------------------------- */

/* Called for each row of a statement; non-zero stops the scan. */
typedef int (*sq_row_fn)(sqlite3_stmt *q, void *ud);

/*
 * Runs statement q (of connection db; its lock held) and steps through its
 * rows, calling row (may be NULL) for each until it returns non-zero, then
 * resets it. spec names the arguments that follow, bound as ?1, ?2 …:
 *   t  a string (const char *; NULL binds NULL)
 *   i  an int64_t
 *   h  a hash of SL_HUB_HASH_BYTES (const uint8_t *)
 *   b  a blob: const void * and size_t
 * and, in upper case, how an outcome maps to the store's codes:
 *   C  a constraint violation is SL_ST_CONFLICT
 *   R  no row is SL_ST_NOT_FOUND
 *   N  no row changed is SL_ST_NOT_FOUND
 * Any other failure is SL_ST_ERROR with "database: <what>: <SQLite's message>".
 */
static sl_st_rc sq_vstmt(sqlite3 *db, sqlite3_stmt *q, sq_row_fn row, void *ud, const char *what, char *err,
                         size_t errlen, const char *spec, va_list ap)
{
    bool conflict = false, need_row = false, need_change = false;
    int k = 0;
    sqlite3_reset(q);
    sqlite3_clear_bindings(q);
    for (const char *c = spec; *c; c++) {
        if (*c == 'C') {
            conflict = true;
        } else if (*c == 'R') {
            need_row = true;
        } else if (*c == 'N') {
            need_change = true;
        } else if (*c == 't') {
            const char *v = va_arg(ap, const char *);
            if (v)
                sqlite3_bind_text(q, k + 1, v, -1, SQLITE_STATIC);
            k++;
        } else if (*c == 'i') {
            sqlite3_bind_int64(q, ++k, va_arg(ap, int64_t));
        } else if (*c == 'h') {
            sqlite3_bind_blob(q, ++k, va_arg(ap, const uint8_t *), SL_HUB_HASH_BYTES, SQLITE_STATIC);
        } else if (*c == 'b') {
            const void *b = va_arg(ap, const void *);
            size_t len = va_arg(ap, size_t);
            sqlite3_bind_blob64(q, ++k, b, len, SQLITE_STATIC);
        }
    }
    int r;
    size_t rows = 0;
    while ((r = sqlite3_step(q)) == SQLITE_ROW) {
        rows++;
        if (row && row(q, ud) != 0) {
            r = SQLITE_DONE;
            break;
        }
    }
    sl_st_rc rc = SL_ST_OK;
    if (r != SQLITE_DONE) {
        if (conflict && (r & 0xff) == SQLITE_CONSTRAINT) {
            rc = SL_ST_CONFLICT;
        } else {
            if (errlen)
                snprintf(err, errlen, "database: %s: %s", what, sqlite3_errmsg(db));
            rc = SL_ST_ERROR;
        }
    } else if ((need_row && rows == 0) || (need_change && sqlite3_changes(db) == 0)) {
        rc = SL_ST_NOT_FOUND;
    }
    sqlite3_reset(q);
    return rc;
}

/* sq_vstmt on any connection. */
static sl_st_rc sq_stmt(sqlite3 *db, sqlite3_stmt *q, sq_row_fn row, void *ud, const char *what, char *err,
                        size_t errlen, const char *spec, ...)
{
    va_list ap;
    va_start(ap, spec);
    sl_st_rc rc = sq_vstmt(db, q, row, ud, what, err, errlen, spec, ap);
    va_end(ap);
    return rc;
}

/* Runs the store's statement q with the lock held (see sq_vstmt). */
static sl_st_rc sq_run(sq_store *s, int q, sq_row_fn row, void *ud, const char *what, char *err, size_t errlen,
                       const char *spec, ...)
{
    va_list ap;
    va_start(ap, spec);
    sl_st_rc rc = sq_vstmt(s->db, s->q[q], row, ud, what, err, errlen, spec, ap);
    va_end(ap);
    return rc;
}

/* Runs the store's statement q as one operation: takes the lock, runs it
 * (see sq_vstmt), gives the lock back. */
static sl_st_rc sq_op(sq_store *s, int q, sq_row_fn row, void *ud, const char *what, char *err, size_t errlen,
                      const char *spec, ...)
{
    va_list ap;
    va_start(ap, spec);
    pthread_mutex_lock(&s->mu);
    sl_st_rc rc = sq_vstmt(s->db, s->q[q], row, ud, what, err, errlen, spec, ap);
    pthread_mutex_unlock(&s->mu);
    va_end(ap);
    return rc;
}

/* Takes the lock and begins a write transaction; whatever it returns,
 * sq_tx_end ends both. */
static sl_st_rc sq_tx_begin(sq_store *s, char *err, size_t errlen)
{
    pthread_mutex_lock(&s->mu);
    return sq_run(s, Q_BEGIN, NULL, NULL, "begin", err, errlen, "");
}

/* Commits when rc is SL_ST_OK (a failed commit is SL_ST_ERROR), else rolls
 * back; gives the lock back. Returns the operation's outcome. */
static sl_st_rc sq_tx_end(sq_store *s, sl_st_rc rc, char *err, size_t errlen)
{
    if (rc == SL_ST_OK)
        rc = sq_run(s, Q_COMMIT, NULL, NULL, "commit", err, errlen, "");
    if (!sqlite3_get_autocommit(s->db))
        sq_run(s, Q_ROLLBACK, NULL, NULL, "rollback", NULL, 0, "");
    pthread_mutex_unlock(&s->mu);
    return rc;
}

static void sq_col(sqlite3_stmt *stmt, int i, char *buf, size_t len)
{
    const unsigned char *t = sqlite3_column_text(stmt, i);
    snprintf(buf, len, "%s", t ? (const char *)t : "");
}

static int64_t sq_col_i64_or(sqlite3_stmt *stmt, int i, int64_t none)
{
    return sqlite3_column_type(stmt, i) == SQLITE_NULL ? none : sqlite3_column_int64(stmt, i);
}

/* The first column of a row as a number: has is false when it is NULL. */
typedef struct {
    bool has;
    int64_t v;
} sq_i64;

static int sq_i64_row(sqlite3_stmt *q, void *ud)
{
    sq_i64 *x = ud;
    x->has = sqlite3_column_type(q, 0) != SQLITE_NULL;
    x->v = sqlite3_column_int64(q, 0);
    return 1;
}

/* ---- role tokens ------------------------------------------------------ */

static sl_st_rc sq_token_add(sl_store *st, const char *name, sl_hub_role role, const char *channels,
                             const uint8_t hash[SL_HUB_HASH_BYTES], int64_t now_ms, char *err, size_t errlen)
{
    return sq_op(sq(st), Q_TOKEN_ADD, NULL, NULL, "adding a token", err, errlen, "Ctthit", name,
                 sl_hub_role_name(role), hash, now_ms, channels ? channels : "");
}

typedef struct {
    int (*cb)(void *ud, const sl_hub_token *t);
    void *ud;
} sq_token_scan;

static int sq_token_row(sqlite3_stmt *q, void *ud)
{
    sq_token_scan *c = ud;
    sl_hub_token t;
    char role[16];
    sq_col(q, 0, t.name, sizeof t.name);
    sq_col(q, 1, role, sizeof role);
    t.role = sl_hub_role_parse(role);
    t.created_ms = sqlite3_column_int64(q, 2);
    t.revoked_ms = sq_col_i64_or(q, 3, -1);
    sq_col(q, 4, t.channels, sizeof t.channels);
    return c->cb(c->ud, &t);
}

static sl_st_rc sq_token_list(sl_store *st, int (*cb)(void *ud, const sl_hub_token *t), void *ud, char *err,
                              size_t errlen)
{
    sq_token_scan c = {cb, ud};
    return sq_op(sq(st), Q_TOKEN_LIST, sq_token_row, &c, "listing tokens", err, errlen, "");
}

static sl_st_rc sq_token_revoke(sl_store *st, const char *name, int64_t now_ms, char *err, size_t errlen)
{
    return sq_op(sq(st), Q_TOKEN_REVOKE, NULL, NULL, "revoking a token", err, errlen, "Nti", name, now_ms);
}

/* Closes a reader; NULL is fine. */
static void sq_reader_free(sq_reader *rd)
{
    if (!rd)
        return;
    sqlite3_finalize(rd->auth);
    sqlite3_close(rd->db);
    free(rd);
}

/* An idle reader, or a new one; NULL when one cannot be opened (the caller then uses the main connection). */
static sq_reader *sq_reader_take(sq_store *s)
{
    pthread_mutex_lock(&s->rmu);
    sq_reader *rd = s->readers;
    if (rd)
        s->readers = rd->next;
    pthread_mutex_unlock(&s->rmu);
    if (rd)
        return rd;
    rd = calloc(1, sizeof *rd);
    if (!rd)
        return NULL;
    if (sqlite3_open_v2(s->path, &rd->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
        goto fail;
    sqlite3_busy_timeout(rd->db, SQ_BUSY_TIMEOUT_MS);
    /* Memory-mapped reads: a report scans a month of a fleet's hourly rows. */
    if (sqlite3_exec(rd->db, "PRAGMA query_only = ON; PRAGMA mmap_size = " SQ_READER_MMAP, NULL, NULL, NULL) !=
            SQLITE_OK ||
        sqlite3_prepare_v3(rd->db, sq_sql[Q_AUTH], -1, SQLITE_PREPARE_PERSISTENT, &rd->auth, NULL) != SQLITE_OK)
        goto fail;
    return rd;
fail:
    sq_reader_free(rd);
    return NULL;
}

/* Gives a reader back to the pool. */
static void sq_reader_give(sq_store *s, sq_reader *rd)
{
    pthread_mutex_lock(&s->rmu);
    rd->next = s->readers;
    s->readers = rd;
    pthread_mutex_unlock(&s->rmu);
}

typedef struct {
    sl_hub_principal *out;
    sl_st_rc rc;
} sq_auth_scan;

/* A row of Q_AUTH: kind 0 a role token, 1 a screen token, 2 a device token taken away. */
static int sq_auth_row(sqlite3_stmt *q, void *ud)
{
    sq_auth_scan *c = ud;
    sl_hub_principal p;
    int kind = sqlite3_column_int(q, 0);
    if (kind == 0) {
        char role[16];
        sq_col(q, 1, role, sizeof role);
        p.role = sl_hub_role_parse(role);
    } else {
        p.role = SL_ROLE_SCREEN;
    }
    sq_col(q, 2, p.subject, sizeof p.subject);
    p.in_inventory = sqlite3_column_int(q, 3) != 0;
    sq_col(q, 4, p.channel, sizeof p.channel);
    p.version = sq_col_i64_or(q, 5, -1);
    sq_col(q, 6, p.scope, sizeof p.scope);
    if (p.role == SL_ROLE_NONE)
        return 0;
    *c->out = p;
    c->rc = kind == 2 ? SL_ST_REVOKED : SL_ST_OK;
    return 1;
}

/* Runs Q_AUTH (q, on db) for a hash: OK with *out, NOT_FOUND, REVOKED or ERROR. */
static sl_st_rc sq_auth_run(sqlite3 *db, sqlite3_stmt *q, const uint8_t hash[SL_HUB_HASH_BYTES],
                            sl_hub_principal *out, char *err, size_t errlen)
{
    sq_auth_scan c = {out, SL_ST_NOT_FOUND};
    sl_st_rc rc = sq_stmt(db, q, sq_auth_row, &c, "looking up a token", err, errlen, "h", hash);
    return rc == SL_ST_OK ? c.rc : rc;
}

/* On a pooled reader, so that lookups neither wait for writes nor for each other. */
static sl_st_rc sq_auth_lookup(sl_store *st, const uint8_t hash[SL_HUB_HASH_BYTES], sl_hub_principal *out,
                               char *err, size_t errlen)
{
    sq_store *s = sq(st);
    sl_st_rc rc;
    sq_reader *rd = sq_reader_take(s);
    if (rd) {
        rc = sq_auth_run(rd->db, rd->auth, hash, out, err, errlen);
        sq_reader_give(s, rd);
        return rc;
    }
    pthread_mutex_lock(&s->mu);
    rc = sq_auth_run(s->db, s->q[Q_AUTH], hash, out, err, errlen);
    pthread_mutex_unlock(&s->mu);
    return rc;
}

/* ---- publisher keys --------------------------------------------------- */

static sl_st_rc sq_key_add(sl_store *st, const char *name, const char *key_b64, const char *channels,
                           int64_t now_ms, char *err, size_t errlen)
{
    sq_store *s = sq(st);
    const char *scope = channels ? channels : "";
    sl_st_rc rc = sq_tx_begin(s, err, errlen);
    if (rc == SL_ST_OK)
        rc = sq_run(s, Q_KEY_BY_KEY, NULL, NULL, "looking up a key", err, errlen, "Rt", key_b64);
    if (rc == SL_ST_OK) /* already there: only its channels change */
        rc = sq_run(s, Q_KEY_SCOPE, NULL, NULL, "changing a key's channels", err, errlen, "tt", key_b64, scope);
    else if (rc == SL_ST_NOT_FOUND)
        rc = sq_run(s, Q_KEY_ADD, NULL, NULL, "adding a key", err, errlen, "Cttit", name, key_b64, now_ms, scope);
    return sq_tx_end(s, rc, err, errlen);
}

typedef struct {
    int (*cb)(void *ud, const sl_hub_key *k);
    void *ud;
} sq_key_scan;

static int sq_key_row(sqlite3_stmt *q, void *ud)
{
    sq_key_scan *c = ud;
    sl_hub_key k;
    sq_col(q, 0, k.name, sizeof k.name);
    sq_col(q, 1, k.key_b64, sizeof k.key_b64);
    k.created_ms = sqlite3_column_int64(q, 2);
    sq_col(q, 3, k.channels, sizeof k.channels);
    return c->cb(c->ud, &k);
}

static sl_st_rc sq_key_list(sl_store *st, int (*cb)(void *ud, const sl_hub_key *k), void *ud, char *err,
                            size_t errlen)
{
    sq_key_scan c = {cb, ud};
    return sq_op(sq(st), Q_KEY_LIST, sq_key_row, &c, "listing keys", err, errlen, "");
}

/* ---- inventory -------------------------------------------------------- */

static sl_st_rc sq_inventory_upsert(sl_store *st, const sl_hub_screen *rows, size_t n, char *err, size_t errlen)
{
    sq_store *s = sq(st);
    sl_st_rc rc = sq_tx_begin(s, err, errlen);
    for (size_t i = 0; i < n && rc == SL_ST_OK; i++) {
        const sl_hub_screen *r = &rows[i];
        rc = sq_run(s, Q_SCREEN_UPSERT, NULL, NULL, "storing a screen", err, errlen, "ttttttttt", r->id, r->name,
                    r->site, r->region, r->unit_type, r->tags, r->channel, r->hours, r->timezone);
    }
    return sq_tx_end(s, rc, err, errlen);
}

static void sq_screen_cols(sqlite3_stmt *q, sl_hub_screen *o)
{
    sq_col(q, 0, o->id, sizeof o->id);
    sq_col(q, 1, o->name, sizeof o->name);
    sq_col(q, 2, o->site, sizeof o->site);
    sq_col(q, 3, o->region, sizeof o->region);
    sq_col(q, 4, o->unit_type, sizeof o->unit_type);
    sq_col(q, 5, o->tags, sizeof o->tags);
    sq_col(q, 6, o->channel, sizeof o->channel);
    sq_col(q, 7, o->hours, sizeof o->hours);
    sq_col(q, 8, o->timezone, sizeof o->timezone);
}

static int sq_screen_row(sqlite3_stmt *q, void *ud)
{
    if (ud)
        sq_screen_cols(q, ud);
    return 1;
}

/* Reads one screen with the lock held (out may be NULL). */
static sl_st_rc sq_screen_get_locked(sq_store *s, const char *id, sl_hub_screen *out, char *err, size_t errlen)
{
    return sq_run(s, Q_SCREEN_GET, sq_screen_row, out, "reading a screen", err, errlen, "Rt", id);
}

static sl_st_rc sq_screen_get(sl_store *st, const char *id, sl_hub_screen *out, char *err, size_t errlen)
{
    return sq_op(sq(st), Q_SCREEN_GET, sq_screen_row, out, "reading a screen", err, errlen, "Rt", id);
}

typedef struct {
    int (*cb)(void *ud, const sl_hub_screen_status *x);
    void *ud;
    sl_hub_screen_status *row;
} sq_screen_scan;

static int sq_status_row(sqlite3_stmt *q, void *ud)
{
    sq_screen_scan *c = ud;
    sq_screen_cols(q, &c->row->s);
    c->row->enrolled = sqlite3_column_int(q, 9) != 0;
    c->row->last_seen_ms = sq_col_i64_or(q, 10, -1);
    c->row->content_version = sq_col_i64_or(q, 11, -1);
    c->row->acked_seq = sq_col_i64_or(q, 12, 0);
    return c->cb(c->ud, c->row);
}

static sl_st_rc sq_screen_list(sl_store *st, int (*cb)(void *ud, const sl_hub_screen_status *x), void *ud,
                               char *err, size_t errlen)
{
    sq_screen_scan c = {cb, ud, malloc(sizeof *c.row)};
    if (!c.row) {
        snprintf(err, errlen, "out of memory");
        return SL_ST_ERROR;
    }
    sl_st_rc rc = sq_op(sq(st), Q_SCREEN_LIST, sq_status_row, &c, "listing screens", err, errlen, "");
    free(c.row);
    return rc;
}

/* ---- enrolment -------------------------------------------------------- */

static sl_st_rc sq_enroll_code_add(sl_store *st, const char *screen, const uint8_t code_hash[SL_HUB_HASH_BYTES],
                                   int64_t expires_ms, int64_t now_ms, int64_t *id, char *err, size_t errlen)
{
    sq_store *s = sq(st);
    sq_i64 new_id = {false, 0};
    sl_st_rc rc = sq_tx_begin(s, err, errlen);
    if (rc == SL_ST_OK)
        rc = sq_screen_get_locked(s, screen, NULL, err, errlen);
    if (rc == SL_ST_OK)
        rc = sq_run(s, Q_CODE_ADD, sq_i64_row, &new_id, "adding an enrolment code", err, errlen, "Chtii",
                    code_hash, screen, now_ms, expires_ms);
    rc = sq_tx_end(s, rc, err, errlen);
    if (rc == SL_ST_OK && id)
        *id = new_id.v;
    return rc;
}

/* A code as Q_CODE_GET reads it. */
typedef struct {
    char screen[SL_HUB_ID_MAX + 1];
    int64_t expires;
    bool used, revoked;
} sq_code_state;

static int sq_code_state_row(sqlite3_stmt *q, void *ud)
{
    sq_code_state *c = ud;
    sq_col(q, 0, c->screen, sizeof c->screen);
    c->expires = sqlite3_column_int64(q, 1);
    c->used = sqlite3_column_type(q, 2) != SQLITE_NULL;
    c->revoked = sqlite3_column_type(q, 3) != SQLITE_NULL;
    return 1;
}

static sl_st_rc sq_enroll_redeem(sl_store *st, const uint8_t code_hash[SL_HUB_HASH_BYTES],
                                 const uint8_t token_hash[SL_HUB_HASH_BYTES], int64_t now_ms, sl_hub_screen *out,
                                 char *err, size_t errlen)
{
    sq_store *s = sq(st);
    sq_code_state c;
    sl_hub_screen row;
    sl_st_rc rc = sq_tx_begin(s, err, errlen);
    if (rc == SL_ST_OK)
        rc = sq_run(s, Q_CODE_GET, sq_code_state_row, &c, "reading a code", err, errlen, "Rh", code_hash);
    if (rc == SL_ST_OK)
        rc = c.used ? SL_ST_CONFLICT : c.revoked ? SL_ST_REVOKED : c.expires <= now_ms ? SL_ST_EXPIRED : SL_ST_OK;
    if (rc == SL_ST_OK)
        rc = sq_screen_get_locked(s, c.screen, &row, err, errlen);
    if (rc == SL_ST_OK)
        rc = sq_run(s, Q_CODE_USE, NULL, NULL, "using a code", err, errlen, "hi", code_hash, now_ms);
    /* Every other outstanding code of the screen stops working, and its
     * earlier device token is kept as revoked. */
    if (rc == SL_ST_OK)
        rc = sq_run(s, Q_CODES_SUPERSEDE, NULL, NULL, "revoking the screen's other codes", err, errlen, "ti",
                    c.screen, now_ms);
    if (rc == SL_ST_OK)
        rc = sq_run(s, Q_TOKEN_RETIRE, NULL, NULL, "retiring a screen token", err, errlen, "ti", c.screen, now_ms);
    if (rc == SL_ST_OK)
        rc = sq_run(s, Q_SCREEN_TOKEN_SET, NULL, NULL, "storing a screen token", err, errlen, "thi", c.screen,
                    token_hash, now_ms);
    rc = sq_tx_end(s, rc, err, errlen);
    if (rc == SL_ST_OK)
        *out = row;
    return rc;
}

static int sq_code_row(sqlite3_stmt *q, void *ud)
{
    sl_hub_enroll_code *c = ud;
    c->id = sqlite3_column_int64(q, 0);
    sq_col(q, 1, c->screen, sizeof c->screen);
    c->created_ms = sqlite3_column_int64(q, 2);
    c->expires_ms = sqlite3_column_int64(q, 3);
    c->used_ms = sq_col_i64_or(q, 4, -1);
    c->revoked_ms = sq_col_i64_or(q, 5, -1);
    return 1;
}

typedef struct {
    int (*cb)(void *ud, const sl_hub_enroll_code *c);
    void *ud;
} sq_code_scan;

static int sq_code_list_row(sqlite3_stmt *q, void *ud)
{
    sq_code_scan *c = ud;
    sl_hub_enroll_code x;
    sq_code_row(q, &x);
    return c->cb(c->ud, &x);
}

static sl_st_rc sq_enroll_code_list(sl_store *st, const char *screen,
                                    int (*cb)(void *ud, const sl_hub_enroll_code *c), void *ud, char *err,
                                    size_t errlen)
{
    sq_code_scan c = {cb, ud};
    return sq_op(sq(st), Q_CODE_LIST, sq_code_list_row, &c, "listing enrolment codes", err, errlen, "t", screen);
}

static sl_st_rc sq_enroll_code_revoke(sl_store *st, int64_t id, int64_t now_ms, sl_hub_enroll_code *out,
                                      char *err, size_t errlen)
{
    sq_store *s = sq(st);
    sl_hub_enroll_code c;
    sl_st_rc rc = sq_tx_begin(s, err, errlen);
    if (rc == SL_ST_OK)
        rc = sq_run(s, Q_CODE_BY_ID, sq_code_row, &c, "reading a code", err, errlen, "Ri", id);
    if (rc == SL_ST_OK && (c.used_ms >= 0 || c.revoked_ms >= 0 || c.expires_ms <= now_ms)) {
        if (out)
            *out = c;
        rc = SL_ST_CONFLICT;
    }
    if (rc == SL_ST_OK)
        rc = sq_run(s, Q_CODE_REVOKE, NULL, NULL, "revoking a code", err, errlen, "ii", id, now_ms);
    rc = sq_tx_end(s, rc, err, errlen);
    if (rc == SL_ST_OK) {
        c.revoked_ms = now_ms;
        if (out)
            *out = c;
    }
    return rc;
}

static sl_st_rc sq_screen_revoke(sl_store *st, const char *screen, int64_t now_ms, char *err, size_t errlen)
{
    sq_store *s = sq(st);
    sl_st_rc rc = sq_tx_begin(s, err, errlen);
    if (rc == SL_ST_OK)
        rc = sq_run(s, Q_TOKEN_RETIRE, NULL, NULL, "retiring a screen token", err, errlen, "ti", screen, now_ms);
    if (rc == SL_ST_OK)
        rc = sq_run(s, Q_SCREEN_TOKEN_DEL, NULL, NULL, "removing a screen token", err, errlen, "Nt", screen);
    return sq_tx_end(s, rc, err, errlen);
}

/* ---- media, manifests ------------------------------------------------- */

static sl_st_rc sq_media_add(sl_store *st, const char *sha256, int64_t size, int64_t now_ms, char *err,
                             size_t errlen)
{
    return sq_op(sq(st), Q_MEDIA_ADD, NULL, NULL, "recording a media file", err, errlen, "tii", sha256, size,
                 now_ms);
}

/* The current version of a channel with the lock held: OK or NOT_FOUND. */
static sl_st_rc sq_version_locked(sq_store *s, const char *channel, int64_t *version, char *err, size_t errlen)
{
    sq_i64 v = {false, 0};
    sl_st_rc rc = sq_run(s, Q_MANIFEST_CUR, sq_i64_row, &v, "reading a channel's version", err, errlen, "t",
                         channel);
    if (rc == SL_ST_OK && !v.has)
        return SL_ST_NOT_FOUND;
    if (rc == SL_ST_OK)
        *version = v.v;
    return rc;
}

static sl_st_rc sq_manifest_put(sl_store *st, const char *channel, int64_t version, const char *envelope,
                                size_t len, int64_t now_ms, int64_t *current, char *err, size_t errlen)
{
    sq_store *s = sq(st);
    int64_t cur = 0;
    sl_st_rc rc = sq_tx_begin(s, err, errlen);
    if (rc == SL_ST_OK) {
        rc = sq_version_locked(s, channel, &cur, err, errlen);
        if (rc == SL_ST_OK && version <= cur) {
            if (current)
                *current = cur;
            rc = SL_ST_CONFLICT;
        } else if (rc == SL_ST_OK || rc == SL_ST_NOT_FOUND) {
            rc = sq_run(s, Q_MANIFEST_ADD, NULL, NULL, "storing a manifest", err, errlen, "tibi", channel, version,
                        (const void *)envelope, len, now_ms);
        }
    }
    return sq_tx_end(s, rc, err, errlen);
}

static sl_st_rc sq_manifest_version(sl_store *st, const char *channel, int64_t *version, char *err,
                                    size_t errlen)
{
    sq_store *s = sq(st);
    pthread_mutex_lock(&s->mu);
    sl_st_rc rc = sq_version_locked(s, channel, version, err, errlen);
    pthread_mutex_unlock(&s->mu);
    return rc;
}

/* An envelope read from column col (and a version from column 0 when wanted). */
typedef struct {
    int col;
    int64_t version;
    char *envelope;
    size_t len;
} sq_envelope;

static int sq_envelope_row(sqlite3_stmt *q, void *ud)
{
    sq_envelope *e = ud;
    int n = sqlite3_column_bytes(q, e->col);
    const void *b = sqlite3_column_blob(q, e->col);
    e->envelope = malloc((size_t)n + 1);
    if (e->envelope) {
        if (n > 0)
            memcpy(e->envelope, b, (size_t)n);
        e->envelope[n] = '\0';
    }
    e->version = sqlite3_column_int64(q, 0);
    e->len = (size_t)n;
    return 1;
}

/* The outcome of reading an envelope into *envelope, *len (and *version when not NULL). */
static sl_st_rc sq_envelope_out(sl_st_rc rc, sq_envelope *e, int64_t *version, char **envelope, size_t *len,
                                char *err, size_t errlen)
{
    if (rc == SL_ST_OK && !e->envelope) {
        snprintf(err, errlen, "out of memory");
        return SL_ST_ERROR;
    }
    if (rc == SL_ST_OK) {
        if (version)
            *version = e->version;
        *envelope = e->envelope;
        *len = e->len;
    }
    return rc;
}

static sl_st_rc sq_manifest_get(sl_store *st, const char *channel, int64_t *version, char **envelope,
                                size_t *len, char *err, size_t errlen)
{
    sq_envelope e = {1, 0, NULL, 0};
    sl_st_rc rc = sq_op(sq(st), Q_MANIFEST_GET, sq_envelope_row, &e, "reading a manifest", err, errlen, "Rt", channel);
    return sq_envelope_out(rc, &e, version, envelope, len, err, errlen);
}

static sl_st_rc sq_manifest_at(sl_store *st, const char *channel, int64_t version, char **envelope, size_t *len,
                               char *err, size_t errlen)
{
    sq_envelope e = {0, 0, NULL, 0};
    sl_st_rc rc = sq_op(sq(st), Q_MANIFEST_AT, sq_envelope_row, &e, "reading a manifest", err, errlen, "Rti",
                        channel, version);
    return sq_envelope_out(rc, &e, NULL, envelope, len, err, errlen);
}

typedef struct {
    int (*cb)(void *ud, int64_t version, int64_t published_ms, const char *envelope, size_t len);
    void *ud;
    bool oom;
} sq_manifest_scan;

static int sq_manifest_row(sqlite3_stmt *q, void *ud)
{
    sq_manifest_scan *x = ud;
    int n = sqlite3_column_bytes(q, 2);
    const void *b = sqlite3_column_blob(q, 2);
    char *env = malloc((size_t)n + 1);
    if (!env) {
        x->oom = true;
        return 1;
    }
    if (n > 0)
        memcpy(env, b, (size_t)n);
    env[n] = '\0';
    int r = x->cb(x->ud, sqlite3_column_int64(q, 0), sqlite3_column_int64(q, 1), env, (size_t)n);
    free(env);
    return r;
}

static sl_st_rc sq_manifest_list(sl_store *st, const char *channel, size_t limit,
                                 int (*cb)(void *ud, int64_t version, int64_t published_ms, const char *envelope,
                                           size_t len),
                                 void *ud, char *err, size_t errlen)
{
    sq_manifest_scan x = {cb, ud, false};
    sl_st_rc rc = sq_op(sq(st), Q_MANIFEST_LIST, sq_manifest_row, &x, "listing a channel's manifests", err, errlen,
                        "ti", channel, limit ? (int64_t)limit : INT64_MAX);
    if (rc == SL_ST_OK && x.oom) {
        snprintf(err, errlen, "out of memory");
        rc = SL_ST_ERROR;
    }
    return rc;
}

typedef struct {
    int (*cb)(void *ud, const sl_hub_channel *c);
    void *ud;
} sq_channel_scan;

static int sq_channel_row(sqlite3_stmt *q, void *ud)
{
    sq_channel_scan *x = ud;
    sl_hub_channel c;
    sq_col(q, 0, c.channel, sizeof c.channel);
    c.version = sqlite3_column_int64(q, 1);
    c.published_ms = sqlite3_column_int64(q, 2);
    return x->cb(x->ud, &c);
}

static sl_st_rc sq_channel_list(sl_store *st, int (*cb)(void *ud, const sl_hub_channel *c), void *ud, char *err,
                                size_t errlen)
{
    sq_channel_scan c = {cb, ud};
    return sq_op(sq(st), Q_CHANNEL_LIST, sq_channel_row, &c, "listing channels", err, errlen, "");
}

/* ---- plays ------------------------------------------------------------ */

/* A scan of stored seqs from a: a advances while they are consecutive. */
typedef struct {
    int64_t a;
    size_t rows;
    bool gap;
} sq_ack_scan;

static int sq_ack_row(sqlite3_stmt *q, void *ud)
{
    sq_ack_scan *c = ud;
    int64_t seq = sqlite3_column_int64(q, 0);
    c->rows++;
    if (seq != c->a + 1) {
        c->gap = true;
        return 1;
    }
    c->a = seq;
    return 0;
}

/* Advances a screen's acked_seq over contiguous stored seqs; lock and
 * transaction held. */
static sl_st_rc sq_ack_advance(sq_store *s, const char *screen, int64_t *acked, char *err, size_t errlen)
{
    sq_i64 start = {false, 0};
    sl_st_rc rc = sq_run(s, Q_STATE_ENSURE, NULL, NULL, "screen state", err, errlen, "t", screen);
    if (rc == SL_ST_OK)
        rc = sq_run(s, Q_ACK_GET, sq_i64_row, &start, "screen state", err, errlen, "t", screen);
    sq_ack_scan c = {start.v, 1024, false};
    while (rc == SL_ST_OK && !c.gap && c.rows >= 1024) {
        c.rows = 0;
        rc = sq_run(s, Q_ACK_SCAN, sq_ack_row, &c, "scanning plays", err, errlen, "ti", screen, c.a);
    }
    if (rc == SL_ST_OK && c.a != start.v)
        rc = sq_run(s, Q_ACK_SET, NULL, NULL, "storing acked_seq", err, errlen, "ti", screen, c.a);
    if (rc == SL_ST_OK)
        *acked = c.a;
    return rc;
}

/* Hands the first column's text to a store_days.c callback. */
typedef struct {
    void (*found)(void *ud, const char *text);
    void *ud;
} sq_days_found;

static int sq_days_row(sqlite3_stmt *q, void *ud)
{
    const unsigned char *t = sqlite3_column_text(q, 0);
    sq_days_found *c = ud;
    c->found(c->ud, t ? (const char *)t : "");
    return 1;
}

/* Day rows for store_days.c; lock and transaction held. */
static sl_st_rc sq_days_get(void *db, sl_st_days_table t, const char *screen, int64_t day,
                            void (*found)(void *ud, const char *text), void *ud, char *err, size_t errlen)
{
    sq_days_found c = {found, ud};
    return sq_run(db, t == SL_ST_DAYS_PLAYS ? Q_PH_GET : Q_OD_GET, sq_days_row, &c, "reading a day's summary", err,
                  errlen, "ti", screen, day);
}

static sl_st_rc sq_days_put(void *db, sl_st_days_table t, const char *screen, int64_t day, const char *text,
                            char *err, size_t errlen)
{
    return sq_run(db, t == SL_ST_DAYS_PLAYS ? Q_PH_PUT : Q_OD_PUT, NULL, NULL, "storing a day's summary", err, errlen,
                  "tit", screen, day, text);
}

/* A stored play near a batch, for its lit time (store_days.h). */
static int sq_near_row(sqlite3_stmt *q, void *ud)
{
    sl_play_record r;
    memset(&r, 0, sizeof r);
    const unsigned char *zone = sqlite3_column_text(q, 1);
    r.seq = sqlite3_column_int64(q, 0);
    snprintf(r.zone, sizeof r.zone, "%s", zone ? (const char *)zone : "");
    r.start_ms = sqlite3_column_int64(q, 2);
    r.duration_ms = sqlite3_column_int64(q, 3);
    r.clock_trust = (sl_clock_trust)sqlite3_column_int64(q, 4);
    r.outcome = (sl_outcome)sqlite3_column_int64(q, 5);
    return sl_ph_batch_seed(ud, &r) != 0 ? -1 : 0;
}

static sl_st_rc sq_days_near(void *db, const char *screen, int64_t seq_lo, int64_t seq_hi, sl_ph_batch *b,
                             char *err, size_t errlen)
{
    return sq_run(db, Q_PLAYS_NEAR, sq_near_row, b, "reading the plays near a batch", err, errlen, "tii", screen,
                  seq_lo, seq_hi);
}

static const sl_st_days_io sq_days = {sq_days_get, sq_days_put, sq_days_near};

/* Stores one play unless held; *added tells whether it was new. Lock and transaction held. */
static sl_st_rc sq_play_add(sq_store *s, const char *screen, const sl_play_record *p, int64_t now_ms, bool *added,
                            char *err, size_t errlen)
{
    sl_st_rc rc = sq_run(s, Q_PLAY_ADD, NULL, NULL, "storing a play", err, errlen, "tittitiiiiiti", screen, p->seq,
                         p->item, p->media_sha256, p->manifest_version, p->zone, p->start_ms, p->mono_start_ms,
                         (int64_t)p->clock_trust, p->duration_ms, (int64_t)p->outcome, p->reason, now_ms);
    *added = rc == SL_ST_OK && sqlite3_changes(s->db) > 0;
    return rc;
}

static sl_st_rc sq_plays_put(sl_store *st, const char *screen, const sl_play_record *rec, const uint8_t *lit,
                             size_t n, int64_t now_ms, size_t *stored, size_t *dups, int64_t *acked_seq, char *err,
                             size_t errlen)
{
    sq_store *s = sq(st);
    size_t added = 0;
    int64_t acked = 0;
    sl_ph_batch hours;
    sl_ph_batch_init(&hours);
    sl_st_rc rc = sq_tx_begin(s, err, errlen);
    for (size_t i = 0; i < n && rc == SL_ST_OK; i++) {
        bool is_new = false;
        rc = sq_play_add(s, screen, &rec[i], now_ms, &is_new, err, errlen);
        if (rc == SL_ST_OK && is_new) {
            added++;
            if (sl_ph_batch_add(&hours, &rec[i], lit && lit[i], now_ms) != 0) {
                snprintf(err, errlen, "out of memory");
                rc = SL_ST_ERROR;
            }
        }
    }
    if (rc == SL_ST_OK)
        rc = sl_st_days_add_plays(&sq_days, s, screen, &hours, err, errlen);
    if (rc == SL_ST_OK)
        rc = sq_ack_advance(s, screen, &acked, err, errlen);
    rc = sq_tx_end(s, rc, err, errlen);
    sl_ph_batch_free(&hours);
    if (rc == SL_ST_OK) {
        *stored = added;
        *dups = n - added;
        *acked_seq = acked;
    }
    return rc;
}

/* Runs a long read (sql, bound as spec says: see sq_vstmt) on a pooled
 * reader, so that it neither holds up writes nor waits for them, falling
 * back to the main connection. */
static sl_st_rc sq_read_scan(sq_store *s, const char *sql, sq_row_fn row, void *ud, const char *what, char *err,
                             size_t errlen, const char *spec, ...)
{
    sl_st_rc rc;
    sqlite3_stmt *q = NULL;
    sq_reader *rd = sq_reader_take(s);
    sqlite3 *db = rd ? rd->db : s->db;
    if (!rd)
        pthread_mutex_lock(&s->mu);
    if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "database: %s: %s", what, sqlite3_errmsg(db));
        rc = SL_ST_ERROR;
    } else {
        va_list ap;
        va_start(ap, spec);
        rc = sq_vstmt(db, q, row, ud, what, err, errlen, spec, ap);
        va_end(ap);
    }
    sqlite3_finalize(q);
    if (rd)
        sq_reader_give(s, rd);
    else
        pthread_mutex_unlock(&s->mu);
    return rc;
}

/* Runs a report query on a pooled reader (sq_read_scan). Binds screen
 * (when not NULL) as ?3 after from and to. */
static sl_st_rc sq_report_scan(sq_store *s, const char *sql_all, const char *sql_one, const char *screen,
                               int64_t from_ms, int64_t to_ms, sq_row_fn row, void *ud, const char *what,
                               char *err, size_t errlen)
{
    return sq_read_scan(s, screen ? sql_one : sql_all, row, ud, what, err, errlen, "iit", from_ms, to_ms, screen);
}

typedef struct {
    int (*cb)(void *ud, const sl_hub_play_hour *h);
    int (*ocb)(void *ud, const char *screen, int64_t hour_ms, int minutes);
    void *ud;
    int64_t from_ms, to_ms;
} sq_day_scan;

static int sq_ph_row(sqlite3_stmt *q, void *ud)
{
    sq_day_scan *c = ud;
    const char *screen = (const char *)sqlite3_column_text(q, 0);
    return sl_ph_day_each(screen ? screen : "", (const char *)sqlite3_column_text(q, 2), sqlite3_column_int64(q, 1),
                          c->from_ms, c->to_ms, c->cb, c->ud);
}

static sl_st_rc sq_play_hours_list(sl_store *st, const char *screen, int64_t from_ms, int64_t to_ms,
                                   int (*cb)(void *ud, const sl_hub_play_hour *h), void *ud, char *err,
                                   size_t errlen)
{
    sq_day_scan c = {cb, NULL, ud, from_ms, to_ms};
    return sq_report_scan(sq(st), "SELECT screen, day, hours FROM play_days WHERE day >= ?1 AND day < ?2",
                          "SELECT screen, day, hours FROM play_days WHERE screen = ?3 AND day >= ?1 AND day < ?2"
                          " ORDER BY day",
                          screen, sl_floordiv(from_ms, SL_MS_PER_DAY) * SL_MS_PER_DAY, to_ms, sq_ph_row, &c,
                          "listing hourly plays", err, errlen);
}

static int sq_online_row(sqlite3_stmt *q, void *ud)
{
    sq_day_scan *c = ud;
    const char *screen = (const char *)sqlite3_column_text(q, 0);
    return sl_ph_online_each(screen ? screen : "", (const char *)sqlite3_column_text(q, 2),
                             sqlite3_column_int64(q, 1), c->from_ms, c->to_ms, c->ocb, c->ud);
}

static sl_st_rc sq_online_list(sl_store *st, const char *screen, int64_t from_ms, int64_t to_ms,
                               int (*cb)(void *ud, const char *screen, int64_t hour_ms, int minutes), void *ud,
                               char *err, size_t errlen)
{
    sq_day_scan c = {NULL, cb, ud, from_ms, to_ms};
    return sq_report_scan(sq(st), "SELECT screen, day, minutes FROM online_days WHERE day >= ?1 AND day < ?2",
                          "SELECT screen, day, minutes FROM online_days WHERE screen = ?3 AND day >= ?1 AND day < ?2"
                          " ORDER BY day",
                          screen, sl_floordiv(from_ms, SL_MS_PER_DAY) * SL_MS_PER_DAY, to_ms, sq_online_row, &c,
                          "listing hours online", err, errlen);
}

typedef struct {
    int (*cb)(void *ud, const sl_play_record *r, int64_t received_ms);
    void *ud;
    const char *screen;
} sq_play_scan;

static int sq_play_row(sqlite3_stmt *q, void *ud)
{
    sq_play_scan *c = ud;
    sl_play_record p;
    memset(&p, 0, sizeof p);
    snprintf(p.screen, sizeof p.screen, "%s", c->screen);
    p.seq = sqlite3_column_int64(q, 0);
    sq_col(q, 1, p.item, sizeof p.item);
    sq_col(q, 2, p.media_sha256, sizeof p.media_sha256);
    p.manifest_version = sqlite3_column_int64(q, 3);
    sq_col(q, 4, p.zone, sizeof p.zone);
    p.start_ms = sqlite3_column_int64(q, 5);
    p.mono_start_ms = sqlite3_column_int64(q, 6);
    p.clock_trust = (sl_clock_trust)sqlite3_column_int(q, 7);
    p.duration_ms = sqlite3_column_int64(q, 8);
    p.outcome = (sl_outcome)sqlite3_column_int(q, 9);
    sq_col(q, 10, p.reason, sizeof p.reason);
    return c->cb(c->ud, &p, sqlite3_column_int64(q, 11));
}

static sl_st_rc sq_plays_list(sl_store *st, const char *screen, int64_t after_seq, size_t limit,
                              int (*cb)(void *ud, const sl_play_record *r, int64_t received_ms), void *ud,
                              char *err, size_t errlen)
{
    sq_play_scan c = {cb, ud, screen};
    return sq_op(sq(st), Q_PLAYS_LIST, sq_play_row, &c, "listing plays", err, errlen, "tii", screen, after_seq,
                 limit > INT64_MAX ? INT64_MAX : (int64_t)limit);
}

/* ---- heartbeats, screenshots ------------------------------------------ */

/* Counts a minute online in the hour and the day of received_ms; lock and transaction held. */
static sl_st_rc sq_minute_add(sq_store *s, const char *screen, int64_t received_ms, char *err, size_t errlen)
{
    sl_st_rc rc = sq_run(s, Q_HOUR_ADD, NULL, NULL, "counting a minute online", err, errlen, "ti", screen,
                         sl_floordiv(received_ms, SL_MS_PER_HOUR) * SL_MS_PER_HOUR);
    if (rc == SL_ST_OK)
        rc = sl_st_days_add_minute(&sq_days, s, screen, received_ms, err, errlen);
    return rc;
}

static sl_st_rc sq_heartbeat_put(sl_store *st, const char *screen, const sl_hub_heartbeat *hb,
                                 bool *screenshot_requested, char *err, size_t errlen)
{
    sq_store *s = sq(st);
    int64_t minute = sl_floordiv(hb->received_ms, SL_MS_PER_MIN);
    sq_i64 last = {false, -1}, wanted = {false, 0};
    sl_st_rc rc = sq_tx_begin(s, err, errlen);
    if (rc == SL_ST_OK)
        rc = sq_run(s, Q_HB_LAST_MINUTE, sq_i64_row, &last, "reading a heartbeat", err, errlen, "t", screen);
    int64_t last_minute = last.has ? last.v : -1;
    if (rc == SL_ST_OK && hb->content_version >= 0)
        rc = sq_run(s, Q_HB_PUT, NULL, NULL, "storing a heartbeat", err, errlen, "tiiti", screen, hb->received_ms,
                    hb->content_version, hb->status_json ? hb->status_json : "{}",
                    minute > last_minute ? minute : last_minute);
    else if (rc == SL_ST_OK)
        rc = sq_run(s, Q_HB_PUT, NULL, NULL, "storing a heartbeat", err, errlen, "titti", screen, hb->received_ms,
                    (const char *)NULL, hb->status_json ? hb->status_json : "{}",
                    minute > last_minute ? minute : last_minute);
    if (rc == SL_ST_OK)
        rc = sq_run(s, Q_HB_HISTORY_ADD, NULL, NULL, "storing a heartbeat's history", err, errlen, "titi", screen,
                    hb->received_ms, hb->status_json ? hb->status_json : "{}",
                    sl_floordiv(hb->received_ms, SL_HUB_HB_SLOT_MS) * SL_HUB_HB_SLOT_MS);
    if (rc == SL_ST_OK)
        rc = sq_run(s, Q_HB_HISTORY_TRIM, NULL, NULL, "trimming a heartbeat's history", err, errlen, "ti", screen,
                    (int64_t)SL_HUB_HB_HISTORY - 1);
    if (rc == SL_ST_OK && minute > last_minute)
        rc = sq_minute_add(s, screen, hb->received_ms, err, errlen);
    if (rc == SL_ST_OK)
        rc = sq_run(s, Q_SHOT_FLAG_GET, sq_i64_row, &wanted, "reading a screenshot request", err, errlen, "t",
                    screen);
    if (rc == SL_ST_OK && wanted.v != 0)
        rc = sq_run(s, Q_SHOT_FLAG_CLEAR, NULL, NULL, "clearing a screenshot request", err, errlen, "t", screen);
    rc = sq_tx_end(s, rc, err, errlen);
    if (rc == SL_ST_OK)
        *screenshot_requested = wanted.v != 0;
    return rc;
}

typedef struct {
    int (*cb)(void *ud, int64_t hour_start_ms, int minutes);
    void *ud;
} sq_hours_scan;

static int sq_hours_row(sqlite3_stmt *q, void *ud)
{
    sq_hours_scan *c = ud;
    return c->cb(c->ud, sqlite3_column_int64(q, 0), sqlite3_column_int(q, 1));
}

static sl_st_rc sq_hours_list(sl_store *st, const char *screen, int64_t from_ms, int64_t to_ms,
                              int (*cb)(void *ud, int64_t hour_start_ms, int minutes), void *ud, char *err,
                              size_t errlen)
{
    sq_hours_scan c = {cb, ud};
    return sq_op(sq(st), Q_HOURS_LIST, sq_hours_row, &c, "listing hours", err, errlen, "tii", screen, from_ms, to_ms);
}

static sl_st_rc sq_screenshot_request(sl_store *st, const char *screen, char *err, size_t errlen)
{
    sq_store *s = sq(st);
    pthread_mutex_lock(&s->mu);
    sl_st_rc rc = sq_screen_get_locked(s, screen, NULL, err, errlen);
    if (rc == SL_ST_OK)
        rc = sq_run(s, Q_SHOT_FLAG_SET, NULL, NULL, "requesting a screenshot", err, errlen, "t", screen);
    pthread_mutex_unlock(&s->mu);
    return rc;
}

#define SQ_SHOTS_EVICT_MAX 64

/* The day's screenshots in order: every one after the first
 * SQ_SHOTS_FIRST_KEPT except the latest is to go. */
typedef struct {
    char gone[SQ_SHOTS_EVICT_MAX][sizeof(((sl_hub_screenshot *)0)->file)];
    int64_t gone_id[SQ_SHOTS_EVICT_MAX];
    size_t n_gone, i;
    int64_t prev_id;
    char prev_file[sizeof(((sl_hub_screenshot *)0)->file)];
} sq_shot_scan;

static int sq_shot_row(sqlite3_stmt *q, void *ud)
{
    sq_shot_scan *c = ud;
    if (c->prev_id >= 0 && c->n_gone < SQ_SHOTS_EVICT_MAX) {
        c->gone_id[c->n_gone] = c->prev_id;
        snprintf(c->gone[c->n_gone], sizeof c->gone[c->n_gone], "%s", c->prev_file);
        c->n_gone++;
    }
    c->prev_id = c->i >= SQ_SHOTS_FIRST_KEPT ? sqlite3_column_int64(q, 0) : -1;
    sq_col(q, 1, c->prev_file, sizeof c->prev_file);
    c->i++;
    return 0;
}

static sl_st_rc sq_screenshot_add(sl_store *st, const char *screen, const sl_hub_screenshot *shot,
                                  void (*evicted)(void *ud, const char *file), void *ud, char *err, size_t errlen)
{
    sq_store *s = sq(st);
    sq_shot_scan *c = calloc(1, sizeof *c);
    if (!c) {
        snprintf(err, errlen, "out of memory");
        return SL_ST_ERROR;
    }
    c->prev_id = -1;
    int64_t day = sl_floordiv(shot->taken_ms, SL_MS_PER_DAY);
    sl_st_rc rc = sq_tx_begin(s, err, errlen);
    if (rc == SL_ST_OK)
        rc = sq_run(s, Q_SHOT_ADD, NULL, NULL, "storing a screenshot", err, errlen, "tiitit", screen, day,
                    shot->taken_ms, shot->file, shot->size, shot->mime);
    /* Keep the first SQ_SHOTS_FIRST_KEPT of the day and the latest. */
    if (rc == SL_ST_OK)
        rc = sq_run(s, Q_SHOT_DAY, sq_shot_row, c, "listing screenshots", err, errlen, "ti", screen, day);
    for (size_t k = 0; k < c->n_gone && rc == SL_ST_OK; k++)
        rc = sq_run(s, Q_SHOT_DEL, NULL, NULL, "removing a screenshot", err, errlen, "i", c->gone_id[k]);
    if (rc == SL_ST_OK) /* the latest is always kept: the wall's thumbnail */
        rc = sq_run(s, Q_SHOT_MARK, NULL, NULL, "storing a screenshot", err, errlen, "ti", screen, shot->taken_ms);
    rc = sq_tx_end(s, rc, err, errlen);
    for (size_t k = 0; rc == SL_ST_OK && evicted && k < c->n_gone; k++)
        evicted(ud, c->gone[k]);
    free(c);
    return rc;
}

static int sq_shot_latest_row(sqlite3_stmt *q, void *ud)
{
    sl_hub_screenshot *out = ud;
    out->taken_ms = sqlite3_column_int64(q, 0);
    sq_col(q, 1, out->file, sizeof out->file);
    out->size = sqlite3_column_int64(q, 2);
    sq_col(q, 3, out->mime, sizeof out->mime);
    return 1;
}

static sl_st_rc sq_screenshot_latest(sl_store *st, const char *screen, sl_hub_screenshot *out, char *err,
                                     size_t errlen)
{
    return sq_op(sq(st), Q_SHOT_LATEST, sq_shot_latest_row, out, "reading a screenshot", err, errlen, "Rt", screen);
}

/* ---- the console's screens pages (the wall, a screen's page) ---------- */

/* Every screen with its status, its channel's current version, what its
 * last heartbeat said and when its latest screenshot was taken: one
 * statement, each screen's other rows found by their keys. */
/* Every screen with its status, its channel's current version, what its
 * last heartbeat said and when its latest screenshot was taken (schema 5's
 * columns): one statement, each screen's other rows found by their keys;
 * one screen's also brings the last heartbeat's whole status. */
#define SQ_WALL_SQL(status, where)                                                                          \
    "SELECT s.id, s.name, s.site, s.region, s.unit_type, s.tags, s.channel, s.hours, s.timezone,"           \
    " t.screen IS NOT NULL, h.received, h.content_version, st.acked_seq,"                                   \
    " (SELECT max(m.version) FROM manifests m WHERE m.channel = s.channel),"                                \
    " h.current_item, h.clock_trust, h.free_disk, st.last_shot, " status                                    \
    " FROM screens s LEFT JOIN screen_tokens t ON t.screen = s.id"                                          \
    " LEFT JOIN heartbeats h ON h.screen = s.id LEFT JOIN screen_state st ON st.screen = s.id" where       \
    " ORDER BY s.id"

typedef struct {
    int (*cb)(void *ud, const sl_hub_wall_row *r);
    void *ud;
    sl_hub_wall_row *row;
} sq_wall_scan;

static int sq_wall_row(sqlite3_stmt *q, void *ud)
{
    sq_wall_scan *c = ud;
    sl_hub_wall_row *w = c->row;
    sq_screen_cols(q, &w->st.s);
    w->st.enrolled = sqlite3_column_int(q, 9) != 0;
    w->st.last_seen_ms = sq_col_i64_or(q, 10, -1);
    w->st.content_version = sq_col_i64_or(q, 11, -1);
    w->st.acked_seq = sq_col_i64_or(q, 12, 0);
    w->channel_version = sq_col_i64_or(q, 13, -1);
    sq_col(q, 14, w->current_item, sizeof w->current_item);
    sq_col(q, 15, w->clock_trust, sizeof w->clock_trust);
    w->free_disk_bytes = sq_col_i64_or(q, 16, -1);
    w->shot_taken_ms = sq_col_i64_or(q, 17, -1);
    w->status_json = (const char *)sqlite3_column_text(q, 18);
    return c->cb(c->ud, w);
}

static sl_st_rc sq_wall_list(sl_store *st, const char *screen, int (*cb)(void *ud, const sl_hub_wall_row *r),
                             void *ud, char *err, size_t errlen)
{
    sq_wall_scan c = {cb, ud, malloc(sizeof *c.row)};
    if (!c.row) {
        snprintf(err, errlen, "out of memory");
        return SL_ST_ERROR;
    }
    sl_st_rc rc = screen ? sq_read_scan(sq(st), SQ_WALL_SQL("h.status", " WHERE s.id = ?1"), sq_wall_row, &c,
                                        "reading a screen", err, errlen, "t", screen)
                         : sq_read_scan(sq(st), SQ_WALL_SQL("NULL", ""), sq_wall_row, &c, "listing screens", err,
                                        errlen, "");
    free(c.row);
    return rc;
}

typedef struct {
    int (*cb)(void *ud, const sl_hub_screenshot *s);
    void *ud;
} sq_shot_list_scan;

static int sq_shot_list_row(sqlite3_stmt *q, void *ud)
{
    sq_shot_list_scan *c = ud;
    sl_hub_screenshot shot;
    sq_shot_latest_row(q, &shot);
    return c->cb(c->ud, &shot);
}

static sl_st_rc sq_screenshot_list(sl_store *st, const char *screen, int64_t from_ms, int64_t to_ms,
                                   int (*cb)(void *ud, const sl_hub_screenshot *s), void *ud, char *err,
                                   size_t errlen)
{
    sq_shot_list_scan c = {cb, ud};
    if (to_ms <= from_ms)
        return SL_ST_OK;
    return sq_read_scan(sq(st),
                        "SELECT taken, file, size, mime FROM screenshots WHERE screen = ?1 AND day >= ?2"
                        " AND day <= ?3 AND taken >= ?4 AND taken < ?5 ORDER BY day DESC, taken DESC, id DESC",
                        sq_shot_list_row, &c, "listing screenshots", err, errlen, "tiiii", screen,
                        sl_floordiv(from_ms, SL_MS_PER_DAY), sl_floordiv(to_ms - 1, SL_MS_PER_DAY), from_ms,
                        to_ms);
}

static sl_st_rc sq_plays_latest(sl_store *st, const char *screen, size_t limit,
                                int (*cb)(void *ud, const sl_play_record *r, int64_t received_ms), void *ud,
                                char *err, size_t errlen)
{
    sq_play_scan c = {cb, ud, screen};
    return sq_read_scan(sq(st),
                        "SELECT seq, item, media_sha256, manifest_version, zone, start_ms, mono_start_ms,"
                        " clock_trust, duration_ms, outcome, reason, received FROM plays"
                        " WHERE screen = ?1 ORDER BY seq DESC LIMIT ?2",
                        sq_play_row, &c, "listing plays", err, errlen, "ti", screen,
                        limit > INT64_MAX ? INT64_MAX : (int64_t)limit);
}

typedef struct {
    int (*cb)(void *ud, const sl_hub_hb_point *h);
    void *ud;
} sq_hb_scan;

static int sq_hb_row(sqlite3_stmt *q, void *ud)
{
    sq_hb_scan *c = ud;
    sl_hub_hb_point h;
    h.received_ms = sqlite3_column_int64(q, 0);
    h.uptime_s = sq_col_i64_or(q, 1, -1);
    h.free_disk_bytes = sq_col_i64_or(q, 2, -1);
    h.clock_offset_known = sqlite3_column_type(q, 3) != SQLITE_NULL;
    h.clock_offset_ms = sq_col_i64_or(q, 3, 0);
    sq_col(q, 4, h.clock_trust, sizeof h.clock_trust);
    return c->cb(c->ud, &h);
}

static sl_st_rc sq_heartbeat_history(sl_store *st, const char *screen, size_t limit,
                                     int (*cb)(void *ud, const sl_hub_hb_point *h), void *ud, char *err,
                                     size_t errlen)
{
    sq_hb_scan c = {cb, ud};
    return sq_read_scan(sq(st),
                        "SELECT received, uptime, free_disk, clock_offset, clock_trust FROM heartbeat_history"
                        " WHERE screen = ?1 ORDER BY received DESC LIMIT ?2",
                        sq_hb_row, &c, "reading a heartbeat history", err, errlen, "ti", screen,
                        limit > INT64_MAX ? INT64_MAX : (int64_t)limit);
}

/* ---- end of the console's screens pages ------------------------------- */

/* ---- people of the web console and their sessions ------------------- */

static sl_st_rc sq_user_add(sl_store *st, const sl_hub_user *u, char *err, size_t errlen)
{
    return sq_op(sq(st), Q_USER_ADD, NULL, NULL, "adding a person", err, errlen, "Ctttii", u->name,
                 sl_hub_role_name(u->role), u->pwhash, u->created_ms, (int64_t)u->disabled);
}

/* The columns name, role, pwhash, created, disabled from column `at` on. */
static void sq_user_cols(sqlite3_stmt *q, int at, sl_hub_user *u)
{
    char role[16];
    sq_col(q, at, u->name, sizeof u->name);
    sq_col(q, at + 1, role, sizeof role);
    u->role = sl_hub_role_parse(role);
    sq_col(q, at + 2, u->pwhash, sizeof u->pwhash);
    u->created_ms = sqlite3_column_int64(q, at + 3);
    u->disabled = sqlite3_column_int(q, at + 4) != 0;
}

static int sq_user_row(sqlite3_stmt *q, void *ud)
{
    sq_user_cols(q, 0, ud);
    return 1;
}

static sl_st_rc sq_user_get(sl_store *st, const char *name, sl_hub_user *out, char *err, size_t errlen)
{
    sl_hub_user u;
    sl_st_rc rc = sq_op(sq(st), Q_USER_GET, sq_user_row, &u, "reading a person", err, errlen, "Rt", name);
    if (rc == SL_ST_OK && out)
        *out = u;
    return rc;
}

typedef struct {
    int (*cb)(void *ud, const sl_hub_user *u);
    void *ud;
} sq_user_scan;

static int sq_user_list_row(sqlite3_stmt *q, void *ud)
{
    sq_user_scan *c = ud;
    sl_hub_user u;
    sq_user_cols(q, 0, &u);
    return c->cb(c->ud, &u);
}

static sl_st_rc sq_user_list(sl_store *st, int (*cb)(void *ud, const sl_hub_user *u), void *ud, char *err,
                             size_t errlen)
{
    sq_user_scan c = {cb, ud};
    return sq_op(sq(st), Q_USER_LIST, sq_user_list_row, &c, "listing people", err, errlen, "");
}

static sl_st_rc sq_user_set_password(sl_store *st, const char *name, const char *pwhash,
                                     const uint8_t keep[SL_HUB_HASH_BYTES], char *err, size_t errlen)
{
    sq_store *s = sq(st);
    sl_st_rc rc = sq_tx_begin(s, err, errlen);
    if (rc == SL_ST_OK)
        rc = sq_run(s, Q_USER_PW, NULL, NULL, "changing a password", err, errlen, "Ntt", name, pwhash);
    if (rc == SL_ST_OK)
        rc = sq_run(s, Q_SESS_END_USER, NULL, NULL, "ending sessions", err, errlen, "th", name, keep);
    return sq_tx_end(s, rc, err, errlen);
}

static sl_st_rc sq_user_set(sl_store *st, const char *name, sl_hub_role role, bool disabled, char *err,
                            size_t errlen)
{
    sq_store *s = sq(st);
    sl_st_rc rc = sq_tx_begin(s, err, errlen);
    if (rc == SL_ST_OK)
        rc = sq_run(s, Q_USER_SET, NULL, NULL, "changing a person", err, errlen, "Ntti", name,
                    sl_hub_role_name(role), (int64_t)disabled);
    if (rc == SL_ST_OK && disabled)
        rc = sq_run(s, Q_SESS_END_USER, NULL, NULL, "ending sessions", err, errlen, "th", name, NULL);
    return sq_tx_end(s, rc, err, errlen);
}

static sl_st_rc sq_user_remove(sl_store *st, const char *name, char *err, size_t errlen)
{
    sq_store *s = sq(st);
    sl_st_rc rc = sq_tx_begin(s, err, errlen);
    if (rc == SL_ST_OK)
        rc = sq_run(s, Q_USER_DEL, NULL, NULL, "removing a person", err, errlen, "Nt", name);
    if (rc == SL_ST_OK)
        rc = sq_run(s, Q_SESS_END_USER, NULL, NULL, "ending sessions", err, errlen, "th", name, NULL);
    return sq_tx_end(s, rc, err, errlen);
}

static sl_st_rc sq_session_add(sl_store *st, const uint8_t hash[SL_HUB_HASH_BYTES], const char *name,
                               int64_t now_ms, int64_t idle_ms, char *err, size_t errlen)
{
    sq_store *s = sq(st);
    sl_st_rc rc = sq_tx_begin(s, err, errlen);
    if (rc == SL_ST_OK)
        rc = sq_run(s, Q_SESS_PURGE, NULL, NULL, "removing idle sessions", err, errlen, "i", now_ms - idle_ms);
    if (rc == SL_ST_OK)
        rc = sq_run(s, Q_SESS_ADD, NULL, NULL, "starting a session", err, errlen, "CNhti", hash, name, now_ms);
    return sq_tx_end(s, rc, err, errlen);
}

static int sq_session_row(sqlite3_stmt *q, void *ud)
{
    sl_hub_session *x = ud;
    x->created_ms = sqlite3_column_int64(q, 0);
    x->seen_ms = sqlite3_column_int64(q, 1);
    sq_user_cols(q, 2, &x->user);
    return 1;
}

static sl_st_rc sq_session_check(sl_store *st, const uint8_t hash[SL_HUB_HASH_BYTES], int64_t now_ms,
                                 int64_t idle_ms, int64_t touch_ms, sl_hub_session *out, char *err, size_t errlen)
{
    sq_store *s = sq(st);
    sl_hub_session x;
    pthread_mutex_lock(&s->mu);
    sl_st_rc rc = sq_run(s, Q_SESS_GET, sq_session_row, &x, "reading a session", err, errlen, "Rh", hash);
    if (rc == SL_ST_OK && now_ms - x.seen_ms >= idle_ms) {
        rc = sq_run(s, Q_SESS_END, NULL, NULL, "ending an idle session", err, errlen, "h", hash);
        if (rc == SL_ST_OK)
            rc = SL_ST_NOT_FOUND;
    } else if (rc == SL_ST_OK && x.user.disabled) {
        rc = SL_ST_NOT_FOUND;
    } else if (rc == SL_ST_OK && now_ms - x.seen_ms >= touch_ms) {
        rc = sq_run(s, Q_SESS_TOUCH, NULL, NULL, "using a session", err, errlen, "hi", hash, now_ms);
        x.seen_ms = now_ms;
    }
    pthread_mutex_unlock(&s->mu);
    if (rc == SL_ST_OK && out)
        *out = x;
    return rc;
}

static sl_st_rc sq_session_end(sl_store *st, const uint8_t hash[SL_HUB_HASH_BYTES], char *err, size_t errlen)
{
    return sq_op(sq(st), Q_SESS_END, NULL, NULL, "ending a session", err, errlen, "Nh", hash);
}

/* ---- open, close ------------------------------------------------------ */

static void sq_close(sl_store *st)
{
    sq_store *s = sq(st);
    if (!s)
        return;
    while (s->readers) {
        sq_reader *rd = s->readers;
        s->readers = rd->next;
        sq_reader_free(rd);
    }
    for (int i = 0; i < Q_COUNT; i++)
        sqlite3_finalize(s->q[i]);
    if (s->db)
        sqlite3_close(s->db);
    if (s->mu_ok)
        pthread_mutex_destroy(&s->mu);
    if (s->rmu_ok)
        pthread_mutex_destroy(&s->rmu);
    free(s->path);
    free(s);
}

static const sl_store_ops sq_ops = {
    .name = "sqlite",
    .close = sq_close,
    .token_add = sq_token_add,
    .token_list = sq_token_list,
    .token_revoke = sq_token_revoke,
    .auth_lookup = sq_auth_lookup,
    .key_add = sq_key_add,
    .key_list = sq_key_list,
    .inventory_upsert = sq_inventory_upsert,
    .screen_get = sq_screen_get,
    .screen_list = sq_screen_list,
    .enroll_code_add = sq_enroll_code_add,
    .enroll_redeem = sq_enroll_redeem,
    .enroll_code_list = sq_enroll_code_list,
    .enroll_code_revoke = sq_enroll_code_revoke,
    .screen_revoke = sq_screen_revoke,
    .media_add = sq_media_add,
    .manifest_put = sq_manifest_put,
    .manifest_version = sq_manifest_version,
    .manifest_get = sq_manifest_get,
    .channel_list = sq_channel_list,
    .plays_put = sq_plays_put,
    .plays_list = sq_plays_list,
    .heartbeat_put = sq_heartbeat_put,
    .hours_list = sq_hours_list,
    .play_hours_list = sq_play_hours_list,
    .online_list = sq_online_list,
    .manifest_at = sq_manifest_at,
    .manifest_list = sq_manifest_list,
    .screenshot_request = sq_screenshot_request,
    .screenshot_add = sq_screenshot_add,
    .screenshot_latest = sq_screenshot_latest,
    /* the console's screens pages */
    .wall_list = sq_wall_list,
    .screenshot_list = sq_screenshot_list,
    .plays_latest = sq_plays_latest,
    .heartbeat_history = sq_heartbeat_history,
    .user_add = sq_user_add,
    .user_get = sq_user_get,
    .user_list = sq_user_list,
    .user_set_password = sq_user_set_password,
    .user_set = sq_user_set,
    .user_remove = sq_user_remove,
    .session_add = sq_session_add,
    .session_check = sq_session_check,
    .session_end = sq_session_end,
};

/* Creates the schema in an empty database, or checks the version of an
 * existing one. */
static int sq_migrate(sq_store *s, char *err, size_t errlen)
{
    int rc = -1;
    sqlite3_stmt *q = NULL;
    char *msg = NULL;
    if (sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, &msg) != SQLITE_OK)
        goto out;
    if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &q, NULL) != SQLITE_OK ||
        sqlite3_step(q) != SQLITE_ROW)
        goto out;
    int v = sqlite3_column_int(q, 0);
    if (v > SQ_SCHEMA_VERSION) {
        snprintf(err, errlen, "database schema version %d was made by a newer screenlit-hub (this one knows %d)",
                 v, SQ_SCHEMA_VERSION);
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
        goto done;
    }
    if (v < SQ_SCHEMA_VERSION) {
        /* A new database gets every version's tables; an older one the
         * versions it lacks (version 1 hubs had no play summary: their
         * plays before the upgrade do not appear in reports). */
        char pragma[64];
        snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", SQ_SCHEMA_VERSION);
        if ((v < 1 && sqlite3_exec(s->db, sq_schema, NULL, NULL, &msg) != SQLITE_OK) ||
            (v < 2 && sqlite3_exec(s->db, sq_schema_v2, NULL, NULL, &msg) != SQLITE_OK) ||
            (v < 3 && sqlite3_exec(s->db, sq_schema_v3, NULL, NULL, &msg) != SQLITE_OK) ||
            (v < 4 && sqlite3_exec(s->db, sq_schema_v4, NULL, NULL, &msg) != SQLITE_OK) ||
            (v < 5 && sqlite3_exec(s->db, sq_schema_v5, NULL, NULL, &msg) != SQLITE_OK) ||
            (v < 6 && sqlite3_exec(s->db, sq_schema_v6, NULL, NULL, &msg) != SQLITE_OK) ||
            sqlite3_exec(s->db, pragma, NULL, NULL, &msg) != SQLITE_OK)
            goto out;
    }
    if (sqlite3_exec(s->db, "COMMIT", NULL, NULL, &msg) != SQLITE_OK)
        goto out;
    rc = 0;
out:
    if (rc != 0) {
        snprintf(err, errlen, "database: creating the schema: %s", msg ? msg : sqlite3_errmsg(s->db));
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    }
done:
    sqlite3_free(msg);
    sqlite3_finalize(q);
    return rc;
}

/* Makes an existing hub.db-wal and hub.db-shm (of an older hub) mode 0600. */
static int private_sidecars(const char *db_path, char *err, size_t errlen)
{
    char p[4096];
    for (int i = 0; i < 2; i++) {
        snprintf(p, sizeof p, "%s%s", db_path, i ? "-shm" : "-wal");
        if (sl_fs_file_private(p, false, err, errlen) != 0)
            return -1;
    }
    return 0;
}

/* Opens DATA/hub.db (see store.h). */
sl_store *sl_store_open_sqlite(const char *data_dir, char *err, size_t errlen)
{
    sq_store *s = NULL;
    char *path = NULL;
    char *msg = NULL;
    bool ok = false;

    /* The data folder holds token and code hashes: 0700, its database 0600,
     * whatever the umask (SQLite gives -wal and -shm the database's mode). */
    if (sl_fs_mkdir_private(data_dir, err, errlen) != 0)
        goto out;
    path = sl_fs_join(data_dir, "hub.db");
    if (path && (sl_fs_file_private(path, true, err, errlen) != 0 || private_sidecars(path, err, errlen) != 0))
        goto out;
    s = calloc(1, sizeof *s);
    if (!path || !s) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    s->base.ops = &sq_ops;
    if (pthread_mutex_init(&s->mu, NULL) != 0) {
        snprintf(err, errlen, "cannot make a mutex");
        goto out;
    }
    s->mu_ok = true;
    if (pthread_mutex_init(&s->rmu, NULL) != 0) {
        snprintf(err, errlen, "cannot make a mutex");
        goto out;
    }
    s->rmu_ok = true;
    s->path = strdup(path);
    if (!s->path) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        NULL) != SQLITE_OK) {
        snprintf(err, errlen, "%s: %s", path, s->db ? sqlite3_errmsg(s->db) : "cannot open");
        goto out;
    }
    sqlite3_busy_timeout(s->db, SQ_BUSY_TIMEOUT_MS);
    if (sqlite3_exec(s->db,
                     "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;",
                     NULL, NULL, &msg) != SQLITE_OK) {
        snprintf(err, errlen, "%s: %s", path, msg ? msg : sqlite3_errmsg(s->db));
        goto out;
    }
    if (sq_migrate(s, err, errlen) != 0)
        goto out;
    for (int i = 0; i < Q_COUNT; i++) {
        if (sqlite3_prepare_v3(s->db, sq_sql[i], -1, SQLITE_PREPARE_PERSISTENT, &s->q[i], NULL) != SQLITE_OK) {
            snprintf(err, errlen, "%s: preparing statement %d: %s", path, i, sqlite3_errmsg(s->db));
            goto out;
        }
    }
    ok = true;
out:
    sqlite3_free(msg);
    free(path);
    if (!ok) {
        sq_close(s ? &s->base : NULL);
        return NULL;
    }
    return &s->base;
}
