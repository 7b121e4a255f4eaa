/* store_sqlite.c — the SQLite backend of the hub store: one file DATA/hub.db, WAL, synchronous=FULL, prepared statements. */
#define _POSIX_C_SOURCE 200809L
#include "tools/hub/store/store.h"
#include "tools/hub/service/hub_playhours.h"

#include "content/fsutil.h"
#include "content/timeutil.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SQ_SCHEMA_VERSION 3 /* 2: play_hours; 3: channel scopes, code ids and revocation */
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
    Q_HOUR_ADD,
    Q_SHOT_FLAG_GET,
    Q_SHOT_FLAG_CLEAR,
    Q_SHOT_FLAG_SET,
    Q_HOURS_LIST,
    Q_SHOT_ADD,
    Q_SHOT_DAY,
    Q_SHOT_DEL,
    Q_SHOT_LATEST,
    Q_MANIFEST_AT,
    Q_PH_GET,
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
    [Q_HB_PUT] = "INSERT INTO heartbeats(screen, received, content_version, status, last_minute)"
                 " VALUES(?1, ?2, ?3, ?4, ?5) ON CONFLICT(screen) DO UPDATE SET"
                 " received = excluded.received, content_version = excluded.content_version,"
                 " status = excluded.status, last_minute = excluded.last_minute",
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
    [Q_SHOT_LATEST] = "SELECT taken, file, size, mime FROM screenshots WHERE screen = ?1"
                      " ORDER BY taken DESC, id DESC LIMIT 1",
    [Q_MANIFEST_AT] = "SELECT envelope FROM manifests WHERE channel = ?1 AND version = ?2",
    [Q_PH_GET] = "SELECT hours FROM play_days WHERE screen = ?1 AND day = ?2",
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

static sl_st_rc sq_fail(sq_store *s, char *err, size_t errlen, const char *what)
{
    if (errlen)
        snprintf(err, errlen, "database: %s: %s", what, sqlite3_errmsg(s->db));
    return SL_ST_ERROR;
}

/* The prepared statement for q, reset and with bindings cleared. */
static sqlite3_stmt *sq_q(sq_store *s, int q)
{
    sqlite3_stmt *stmt = s->q[q];
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
    return stmt;
}

/* Runs a statement that returns no rows; 0 or -1. */
static int sq_exec(sq_store *s, sqlite3_stmt *stmt)
{
    int rc = sqlite3_step(stmt);
    sqlite3_reset(stmt);
    return rc == SQLITE_DONE ? 0 : -1;
}

static int sq_begin(sq_store *s)
{
    return sq_exec(s, sq_q(s, Q_BEGIN));
}

static int sq_commit(sq_store *s)
{
    return sq_exec(s, sq_q(s, Q_COMMIT));
}

static void sq_rollback(sq_store *s)
{
    if (!sqlite3_get_autocommit(s->db))
        sq_exec(s, sq_q(s, Q_ROLLBACK));
}

static void sq_lock(sq_store *s)
{
    pthread_mutex_lock(&s->mu);
}

static void sq_unlock(sq_store *s)
{
    pthread_mutex_unlock(&s->mu);
}

static void sq_text(sqlite3_stmt *stmt, int i, const char *v)
{
    sqlite3_bind_text(stmt, i, v, -1, SQLITE_STATIC);
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

/* ---- role tokens ------------------------------------------------------ */

static sl_st_rc sq_token_add(sl_store *st, const char *name, sl_hub_role role, const char *channels,
                             const uint8_t hash[SL_HUB_HASH_BYTES], int64_t now_ms, char *err, size_t errlen)
{
    sq_store *s = sq(st);
    sl_st_rc rc = SL_ST_OK;
    sq_lock(s);
    sqlite3_stmt *q = sq_q(s, Q_TOKEN_ADD);
    sq_text(q, 1, name);
    sq_text(q, 2, sl_hub_role_name(role));
    sqlite3_bind_blob(q, 3, hash, SL_HUB_HASH_BYTES, SQLITE_STATIC);
    sqlite3_bind_int64(q, 4, now_ms);
    sq_text(q, 5, channels ? channels : "");
    int r = sqlite3_step(q);
    if (r == SQLITE_CONSTRAINT)
        rc = SL_ST_CONFLICT;
    else if (r != SQLITE_DONE)
        rc = sq_fail(s, err, errlen, "adding a token");
    sqlite3_reset(q);
    sq_unlock(s);
    return rc;
}

static sl_st_rc sq_token_list(sl_store *st, int (*cb)(void *ud, const sl_hub_token *t), void *ud, char *err,
                              size_t errlen)
{
    sq_store *s = sq(st);
    sl_st_rc rc = SL_ST_OK;
    sq_lock(s);
    sqlite3_stmt *q = sq_q(s, Q_TOKEN_LIST);
    int r;
    while ((r = sqlite3_step(q)) == SQLITE_ROW) {
        sl_hub_token t;
        char role[16];
        sq_col(q, 0, t.name, sizeof t.name);
        sq_col(q, 1, role, sizeof role);
        t.role = sl_hub_role_parse(role);
        t.created_ms = sqlite3_column_int64(q, 2);
        t.revoked_ms = sq_col_i64_or(q, 3, -1);
        sq_col(q, 4, t.channels, sizeof t.channels);
        if (cb(ud, &t) != 0) {
            r = SQLITE_DONE;
            break;
        }
    }
    if (r != SQLITE_DONE)
        rc = sq_fail(s, err, errlen, "listing tokens");
    sqlite3_reset(q);
    sq_unlock(s);
    return rc;
}

static sl_st_rc sq_token_revoke(sl_store *st, const char *name, int64_t now_ms, char *err, size_t errlen)
{
    sq_store *s = sq(st);
    sl_st_rc rc = SL_ST_OK;
    sq_lock(s);
    sqlite3_stmt *q = sq_q(s, Q_TOKEN_REVOKE);
    sq_text(q, 1, name);
    sqlite3_bind_int64(q, 2, now_ms);
    if (sq_exec(s, q) != 0)
        rc = sq_fail(s, err, errlen, "revoking a token");
    else if (sqlite3_changes(s->db) == 0)
        rc = SL_ST_NOT_FOUND;
    sq_unlock(s);
    return rc;
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

/* Runs Q_AUTH (q, on db) for a hash: OK with *out, NOT_FOUND or ERROR. */
static sl_st_rc sq_auth_run(sqlite3 *db, sqlite3_stmt *q, const uint8_t hash[SL_HUB_HASH_BYTES],
                            sl_hub_principal *out, char *err, size_t errlen)
{
    sl_st_rc rc = SL_ST_NOT_FOUND;
    sqlite3_reset(q);
    sqlite3_clear_bindings(q);
    sqlite3_bind_blob(q, 1, hash, SL_HUB_HASH_BYTES, SQLITE_STATIC);
    int r;
    for (int rows = 0; rc == SL_ST_NOT_FOUND && rows < 3 && (r = sqlite3_step(q)) != SQLITE_DONE; rows++) {
        sl_hub_principal p;
        if (r != SQLITE_ROW) {
            if (errlen)
                snprintf(err, errlen, "database: looking up a token: %s", sqlite3_errmsg(db));
            rc = SL_ST_ERROR;
            break;
        }
        int kind = sqlite3_column_int(q, 0);
        if (kind == 0) { /* a role token */
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
        if (p.role != SL_ROLE_NONE) {
            *out = p;
            rc = kind == 2 ? SL_ST_REVOKED : SL_ST_OK;
        }
    }
    sqlite3_reset(q);
    return rc;
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
    sq_lock(s);
    rc = sq_auth_run(s->db, s->q[Q_AUTH], hash, out, err, errlen);
    sq_unlock(s);
    return rc;
}

/* ---- publisher keys --------------------------------------------------- */

static sl_st_rc sq_key_add(sl_store *st, const char *name, const char *key_b64, const char *channels,
                           int64_t now_ms, char *err, size_t errlen)
{
    sq_store *s = sq(st);
    sl_st_rc rc = SL_ST_OK;
    sq_lock(s);
    if (sq_begin(s) != 0) {
        rc = sq_fail(s, err, errlen, "begin");
        goto out;
    }
    sqlite3_stmt *q = sq_q(s, Q_KEY_BY_KEY);
    sq_text(q, 1, key_b64);
    int r = sqlite3_step(q);
    sqlite3_reset(q);
    if (r == SQLITE_ROW) { /* already there: only its channels change */
        q = sq_q(s, Q_KEY_SCOPE);
        sq_text(q, 1, key_b64);
        sq_text(q, 2, channels ? channels : "");
        if (sq_exec(s, q) != 0 || sq_commit(s) != 0)
            rc = sq_fail(s, err, errlen, "changing a key's channels");
        goto out;
    }
    if (r != SQLITE_DONE) {
        rc = sq_fail(s, err, errlen, "looking up a key");
        goto out;
    }
    q = sq_q(s, Q_KEY_ADD);
    sq_text(q, 1, name);
    sq_text(q, 2, key_b64);
    sqlite3_bind_int64(q, 3, now_ms);
    sq_text(q, 4, channels ? channels : "");
    r = sqlite3_step(q);
    sqlite3_reset(q);
    if (r == SQLITE_CONSTRAINT) {
        rc = SL_ST_CONFLICT;
        goto out;
    }
    if (r != SQLITE_DONE) {
        rc = sq_fail(s, err, errlen, "adding a key");
        goto out;
    }
    if (sq_commit(s) != 0)
        rc = sq_fail(s, err, errlen, "commit");
out:
    sq_rollback(s);
    sq_unlock(s);
    return rc;
}

static sl_st_rc sq_key_list(sl_store *st, int (*cb)(void *ud, const sl_hub_key *k), void *ud, char *err,
                            size_t errlen)
{
    sq_store *s = sq(st);
    sl_st_rc rc = SL_ST_OK;
    sq_lock(s);
    sqlite3_stmt *q = sq_q(s, Q_KEY_LIST);
    int r;
    while ((r = sqlite3_step(q)) == SQLITE_ROW) {
        sl_hub_key k;
        sq_col(q, 0, k.name, sizeof k.name);
        sq_col(q, 1, k.key_b64, sizeof k.key_b64);
        k.created_ms = sqlite3_column_int64(q, 2);
        sq_col(q, 3, k.channels, sizeof k.channels);
        if (cb(ud, &k) != 0) {
            r = SQLITE_DONE;
            break;
        }
    }
    if (r != SQLITE_DONE)
        rc = sq_fail(s, err, errlen, "listing keys");
    sqlite3_reset(q);
    sq_unlock(s);
    return rc;
}

/* ---- inventory -------------------------------------------------------- */

static sl_st_rc sq_inventory_upsert(sl_store *st, const sl_hub_screen *rows, size_t n, char *err, size_t errlen)
{
    sq_store *s = sq(st);
    sl_st_rc rc = SL_ST_OK;
    sq_lock(s);
    if (sq_begin(s) != 0) {
        rc = sq_fail(s, err, errlen, "begin");
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        const sl_hub_screen *r = &rows[i];
        sqlite3_stmt *q = sq_q(s, Q_SCREEN_UPSERT);
        sq_text(q, 1, r->id);
        sq_text(q, 2, r->name);
        sq_text(q, 3, r->site);
        sq_text(q, 4, r->region);
        sq_text(q, 5, r->unit_type);
        sq_text(q, 6, r->tags);
        sq_text(q, 7, r->channel);
        sq_text(q, 8, r->hours);
        sq_text(q, 9, r->timezone);
        if (sq_exec(s, q) != 0) {
            rc = sq_fail(s, err, errlen, "storing a screen");
            goto out;
        }
    }
    if (sq_commit(s) != 0)
        rc = sq_fail(s, err, errlen, "commit");
out:
    sq_rollback(s);
    sq_unlock(s);
    return rc;
}

static void sq_screen_row(sqlite3_stmt *q, sl_hub_screen *o)
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

/* Reads one screen with the lock held. */
static sl_st_rc sq_screen_get_locked(sq_store *s, const char *id, sl_hub_screen *out, char *err, size_t errlen)
{
    sl_st_rc rc = SL_ST_NOT_FOUND;
    sqlite3_stmt *q = sq_q(s, Q_SCREEN_GET);
    sq_text(q, 1, id);
    int r = sqlite3_step(q);
    if (r == SQLITE_ROW) {
        if (out)
            sq_screen_row(q, out);
        rc = SL_ST_OK;
    } else if (r != SQLITE_DONE) {
        rc = sq_fail(s, err, errlen, "reading a screen");
    }
    sqlite3_reset(q);
    return rc;
}

static sl_st_rc sq_screen_get(sl_store *st, const char *id, sl_hub_screen *out, char *err, size_t errlen)
{
    sq_store *s = sq(st);
    sq_lock(s);
    sl_st_rc rc = sq_screen_get_locked(s, id, out, err, errlen);
    sq_unlock(s);
    return rc;
}

static sl_st_rc sq_screen_list(sl_store *st, int (*cb)(void *ud, const sl_hub_screen_status *x), void *ud,
                               char *err, size_t errlen)
{
    sq_store *s = sq(st);
    sl_st_rc rc = SL_ST_OK;
    sl_hub_screen_status *row = malloc(sizeof *row);
    if (!row) {
        snprintf(err, errlen, "out of memory");
        return SL_ST_ERROR;
    }
    sq_lock(s);
    sqlite3_stmt *q = sq_q(s, Q_SCREEN_LIST);
    int r;
    while ((r = sqlite3_step(q)) == SQLITE_ROW) {
        sq_screen_row(q, &row->s);
        row->enrolled = sqlite3_column_int(q, 9) != 0;
        row->last_seen_ms = sq_col_i64_or(q, 10, -1);
        row->content_version = sq_col_i64_or(q, 11, -1);
        row->acked_seq = sq_col_i64_or(q, 12, 0);
        if (cb(ud, row) != 0) {
            r = SQLITE_DONE;
            break;
        }
    }
    if (r != SQLITE_DONE)
        rc = sq_fail(s, err, errlen, "listing screens");
    sqlite3_reset(q);
    sq_unlock(s);
    free(row);
    return rc;
}

/* ---- enrolment -------------------------------------------------------- */

static sl_st_rc sq_enroll_code_add(sl_store *st, const char *screen, const uint8_t code_hash[SL_HUB_HASH_BYTES],
                                   int64_t expires_ms, int64_t now_ms, int64_t *id, char *err, size_t errlen)
{
    sq_store *s = sq(st);
    sl_st_rc rc = SL_ST_OK;
    sq_lock(s);
    if (sq_begin(s) != 0) {
        rc = sq_fail(s, err, errlen, "begin");
        goto out;
    }
    rc = sq_screen_get_locked(s, screen, NULL, err, errlen);
    if (rc != SL_ST_OK)
        goto out;
    sqlite3_stmt *q = sq_q(s, Q_CODE_ADD);
    sqlite3_bind_blob(q, 1, code_hash, SL_HUB_HASH_BYTES, SQLITE_STATIC);
    sq_text(q, 2, screen);
    sqlite3_bind_int64(q, 3, now_ms);
    sqlite3_bind_int64(q, 4, expires_ms);
    int r = sqlite3_step(q);
    int64_t new_id = r == SQLITE_ROW ? sqlite3_column_int64(q, 0) : 0;
    if (r == SQLITE_ROW)
        r = sqlite3_step(q);
    sqlite3_reset(q);
    if (r == SQLITE_CONSTRAINT) {
        rc = SL_ST_CONFLICT;
        goto out;
    }
    if (r != SQLITE_DONE) {
        rc = sq_fail(s, err, errlen, "adding an enrolment code");
        goto out;
    }
    if (sq_commit(s) != 0) {
        rc = sq_fail(s, err, errlen, "commit");
        goto out;
    }
    if (id)
        *id = new_id;
out:
    sq_rollback(s);
    sq_unlock(s);
    return rc;
}

static sl_st_rc sq_enroll_redeem(sl_store *st, const uint8_t code_hash[SL_HUB_HASH_BYTES],
                                 const uint8_t token_hash[SL_HUB_HASH_BYTES], int64_t now_ms, sl_hub_screen *out,
                                 char *err, size_t errlen)
{
    sq_store *s = sq(st);
    sl_st_rc rc = SL_ST_OK;
    char screen[SL_HUB_ID_MAX + 1];
    sl_hub_screen row;
    sq_lock(s);
    if (sq_begin(s) != 0) {
        rc = sq_fail(s, err, errlen, "begin");
        goto out;
    }
    sqlite3_stmt *q = sq_q(s, Q_CODE_GET);
    sqlite3_bind_blob(q, 1, code_hash, SL_HUB_HASH_BYTES, SQLITE_STATIC);
    int r = sqlite3_step(q);
    if (r == SQLITE_ROW) {
        sq_col(q, 0, screen, sizeof screen);
        int64_t expires = sqlite3_column_int64(q, 1);
        bool used = sqlite3_column_type(q, 2) != SQLITE_NULL;
        bool revoked = sqlite3_column_type(q, 3) != SQLITE_NULL;
        rc = used ? SL_ST_CONFLICT : revoked ? SL_ST_REVOKED : expires <= now_ms ? SL_ST_EXPIRED : SL_ST_OK;
    } else {
        rc = r == SQLITE_DONE ? SL_ST_NOT_FOUND : sq_fail(s, err, errlen, "reading a code");
    }
    sqlite3_reset(q);
    if (rc != SL_ST_OK)
        goto out;
    rc = sq_screen_get_locked(s, screen, &row, err, errlen);
    if (rc != SL_ST_OK)
        goto out;
    q = sq_q(s, Q_CODE_USE);
    sqlite3_bind_blob(q, 1, code_hash, SL_HUB_HASH_BYTES, SQLITE_STATIC);
    sqlite3_bind_int64(q, 2, now_ms);
    if (sq_exec(s, q) != 0) {
        rc = sq_fail(s, err, errlen, "using a code");
        goto out;
    }
    /* Every other outstanding code of the screen stops working, and its
     * earlier device token is kept as revoked. */
    q = sq_q(s, Q_CODES_SUPERSEDE);
    sq_text(q, 1, screen);
    sqlite3_bind_int64(q, 2, now_ms);
    if (sq_exec(s, q) != 0) {
        rc = sq_fail(s, err, errlen, "revoking the screen's other codes");
        goto out;
    }
    q = sq_q(s, Q_TOKEN_RETIRE);
    sq_text(q, 1, screen);
    sqlite3_bind_int64(q, 2, now_ms);
    if (sq_exec(s, q) != 0) {
        rc = sq_fail(s, err, errlen, "retiring a screen token");
        goto out;
    }
    q = sq_q(s, Q_SCREEN_TOKEN_SET);
    sq_text(q, 1, screen);
    sqlite3_bind_blob(q, 2, token_hash, SL_HUB_HASH_BYTES, SQLITE_STATIC);
    sqlite3_bind_int64(q, 3, now_ms);
    if (sq_exec(s, q) != 0) {
        rc = sq_fail(s, err, errlen, "storing a screen token");
        goto out;
    }
    if (sq_commit(s) != 0) {
        rc = sq_fail(s, err, errlen, "commit");
        goto out;
    }
    *out = row;
out:
    sq_rollback(s);
    sq_unlock(s);
    return rc;
}

static void sq_code_row(sqlite3_stmt *q, sl_hub_enroll_code *c)
{
    c->id = sqlite3_column_int64(q, 0);
    sq_col(q, 1, c->screen, sizeof c->screen);
    c->created_ms = sqlite3_column_int64(q, 2);
    c->expires_ms = sqlite3_column_int64(q, 3);
    c->used_ms = sq_col_i64_or(q, 4, -1);
    c->revoked_ms = sq_col_i64_or(q, 5, -1);
}

static sl_st_rc sq_enroll_code_list(sl_store *st, const char *screen,
                                    int (*cb)(void *ud, const sl_hub_enroll_code *c), void *ud, char *err,
                                    size_t errlen)
{
    sq_store *s = sq(st);
    sl_st_rc rc = SL_ST_OK;
    sq_lock(s);
    sqlite3_stmt *q = sq_q(s, Q_CODE_LIST);
    if (screen)
        sq_text(q, 1, screen);
    int r;
    while ((r = sqlite3_step(q)) == SQLITE_ROW) {
        sl_hub_enroll_code c;
        sq_code_row(q, &c);
        if (cb(ud, &c) != 0) {
            r = SQLITE_DONE;
            break;
        }
    }
    if (r != SQLITE_DONE)
        rc = sq_fail(s, err, errlen, "listing enrolment codes");
    sqlite3_reset(q);
    sq_unlock(s);
    return rc;
}

static sl_st_rc sq_enroll_code_revoke(sl_store *st, int64_t id, int64_t now_ms, sl_hub_enroll_code *out,
                                      char *err, size_t errlen)
{
    sq_store *s = sq(st);
    sl_st_rc rc = SL_ST_OK;
    sl_hub_enroll_code c;
    sq_lock(s);
    if (sq_begin(s) != 0) {
        rc = sq_fail(s, err, errlen, "begin");
        goto out;
    }
    sqlite3_stmt *q = sq_q(s, Q_CODE_BY_ID);
    sqlite3_bind_int64(q, 1, id);
    int r = sqlite3_step(q);
    if (r == SQLITE_ROW)
        sq_code_row(q, &c);
    sqlite3_reset(q);
    if (r != SQLITE_ROW) {
        rc = r == SQLITE_DONE ? SL_ST_NOT_FOUND : sq_fail(s, err, errlen, "reading a code");
        goto out;
    }
    if (c.used_ms >= 0 || c.revoked_ms >= 0 || c.expires_ms <= now_ms) {
        if (out)
            *out = c;
        rc = SL_ST_CONFLICT;
        goto out;
    }
    q = sq_q(s, Q_CODE_REVOKE);
    sqlite3_bind_int64(q, 1, id);
    sqlite3_bind_int64(q, 2, now_ms);
    if (sq_exec(s, q) != 0 || sq_commit(s) != 0) {
        rc = sq_fail(s, err, errlen, "revoking a code");
        goto out;
    }
    c.revoked_ms = now_ms;
    if (out)
        *out = c;
out:
    sq_rollback(s);
    sq_unlock(s);
    return rc;
}

static sl_st_rc sq_screen_revoke(sl_store *st, const char *screen, int64_t now_ms, char *err, size_t errlen)
{
    sq_store *s = sq(st);
    sl_st_rc rc = SL_ST_OK;
    sq_lock(s);
    if (sq_begin(s) != 0) {
        rc = sq_fail(s, err, errlen, "begin");
        goto out;
    }
    sqlite3_stmt *q = sq_q(s, Q_TOKEN_RETIRE);
    sq_text(q, 1, screen);
    sqlite3_bind_int64(q, 2, now_ms);
    if (sq_exec(s, q) != 0) {
        rc = sq_fail(s, err, errlen, "retiring a screen token");
        goto out;
    }
    q = sq_q(s, Q_SCREEN_TOKEN_DEL);
    sq_text(q, 1, screen);
    if (sq_exec(s, q) != 0) {
        rc = sq_fail(s, err, errlen, "removing a screen token");
        goto out;
    }
    if (sqlite3_changes(s->db) == 0) {
        rc = SL_ST_NOT_FOUND;
        goto out;
    }
    if (sq_commit(s) != 0)
        rc = sq_fail(s, err, errlen, "commit");
out:
    sq_rollback(s);
    sq_unlock(s);
    return rc;
}

/* ---- media, manifests ------------------------------------------------- */

static sl_st_rc sq_media_add(sl_store *st, const char *sha256, int64_t size, int64_t now_ms, char *err,
                             size_t errlen)
{
    sq_store *s = sq(st);
    sl_st_rc rc = SL_ST_OK;
    sq_lock(s);
    sqlite3_stmt *q = sq_q(s, Q_MEDIA_ADD);
    sq_text(q, 1, sha256);
    sqlite3_bind_int64(q, 2, size);
    sqlite3_bind_int64(q, 3, now_ms);
    if (sq_exec(s, q) != 0)
        rc = sq_fail(s, err, errlen, "recording a media file");
    sq_unlock(s);
    return rc;
}

/* The current version of a channel with the lock held: OK or NOT_FOUND. */
static sl_st_rc sq_version_locked(sq_store *s, const char *channel, int64_t *version, char *err, size_t errlen)
{
    sl_st_rc rc = SL_ST_NOT_FOUND;
    sqlite3_stmt *q = sq_q(s, Q_MANIFEST_CUR);
    sq_text(q, 1, channel);
    int r = sqlite3_step(q);
    if (r == SQLITE_ROW) {
        if (sqlite3_column_type(q, 0) != SQLITE_NULL) {
            *version = sqlite3_column_int64(q, 0);
            rc = SL_ST_OK;
        }
    } else {
        rc = sq_fail(s, err, errlen, "reading a channel's version");
    }
    sqlite3_reset(q);
    return rc;
}

static sl_st_rc sq_manifest_put(sl_store *st, const char *channel, int64_t version, const char *envelope,
                                size_t len, int64_t now_ms, int64_t *current, char *err, size_t errlen)
{
    sq_store *s = sq(st);
    sl_st_rc rc = SL_ST_OK;
    int64_t cur = 0;
    sq_lock(s);
    if (sq_begin(s) != 0) {
        rc = sq_fail(s, err, errlen, "begin");
        goto out;
    }
    rc = sq_version_locked(s, channel, &cur, err, errlen);
    if (rc == SL_ST_ERROR)
        goto out;
    if (rc == SL_ST_OK && version <= cur) {
        if (current)
            *current = cur;
        rc = SL_ST_CONFLICT;
        goto out;
    }
    rc = SL_ST_OK;
    sqlite3_stmt *q = sq_q(s, Q_MANIFEST_ADD);
    sq_text(q, 1, channel);
    sqlite3_bind_int64(q, 2, version);
    sqlite3_bind_blob64(q, 3, envelope, len, SQLITE_STATIC);
    sqlite3_bind_int64(q, 4, now_ms);
    if (sq_exec(s, q) != 0) {
        rc = sq_fail(s, err, errlen, "storing a manifest");
        goto out;
    }
    if (sq_commit(s) != 0)
        rc = sq_fail(s, err, errlen, "commit");
out:
    sq_rollback(s);
    sq_unlock(s);
    return rc;
}

static sl_st_rc sq_manifest_version(sl_store *st, const char *channel, int64_t *version, char *err,
                                    size_t errlen)
{
    sq_store *s = sq(st);
    sq_lock(s);
    sl_st_rc rc = sq_version_locked(s, channel, version, err, errlen);
    sq_unlock(s);
    return rc;
}

/* Runs a manifest query (bound, lock held) and copies its envelope from
 * column `col` (version from column 0 when version is not NULL). */
static sl_st_rc sq_envelope_row(sq_store *s, sqlite3_stmt *q, int col, int64_t *version, char **envelope,
                                size_t *len, char *err, size_t errlen)
{
    sl_st_rc rc = SL_ST_NOT_FOUND;
    int r = sqlite3_step(q);
    if (r == SQLITE_ROW) {
        int n = sqlite3_column_bytes(q, col);
        const void *b = sqlite3_column_blob(q, col);
        char *copy = malloc((size_t)n + 1);
        if (!copy) {
            snprintf(err, errlen, "out of memory");
            rc = SL_ST_ERROR;
        } else {
            if (n > 0)
                memcpy(copy, b, (size_t)n);
            copy[n] = '\0';
            if (version)
                *version = sqlite3_column_int64(q, 0);
            *envelope = copy;
            *len = (size_t)n;
            rc = SL_ST_OK;
        }
    } else if (r != SQLITE_DONE) {
        rc = sq_fail(s, err, errlen, "reading a manifest");
    }
    sqlite3_reset(q);
    return rc;
}

static sl_st_rc sq_manifest_get(sl_store *st, const char *channel, int64_t *version, char **envelope,
                                size_t *len, char *err, size_t errlen)
{
    sq_store *s = sq(st);
    sq_lock(s);
    sqlite3_stmt *q = sq_q(s, Q_MANIFEST_GET);
    sq_text(q, 1, channel);
    sl_st_rc rc = sq_envelope_row(s, q, 1, version, envelope, len, err, errlen);
    sq_unlock(s);
    return rc;
}

static sl_st_rc sq_manifest_at(sl_store *st, const char *channel, int64_t version, char **envelope, size_t *len,
                               char *err, size_t errlen)
{
    sq_store *s = sq(st);
    sq_lock(s);
    sqlite3_stmt *q = sq_q(s, Q_MANIFEST_AT);
    sq_text(q, 1, channel);
    sqlite3_bind_int64(q, 2, version);
    sl_st_rc rc = sq_envelope_row(s, q, 0, NULL, envelope, len, err, errlen);
    sq_unlock(s);
    return rc;
}

static sl_st_rc sq_channel_list(sl_store *st, int (*cb)(void *ud, const sl_hub_channel *c), void *ud, char *err,
                                size_t errlen)
{
    sq_store *s = sq(st);
    sl_st_rc rc = SL_ST_OK;
    sq_lock(s);
    sqlite3_stmt *q = sq_q(s, Q_CHANNEL_LIST);
    int r;
    while ((r = sqlite3_step(q)) == SQLITE_ROW) {
        sl_hub_channel c;
        sq_col(q, 0, c.channel, sizeof c.channel);
        c.version = sqlite3_column_int64(q, 1);
        c.published_ms = sqlite3_column_int64(q, 2);
        if (cb(ud, &c) != 0) {
            r = SQLITE_DONE;
            break;
        }
    }
    if (r != SQLITE_DONE)
        rc = sq_fail(s, err, errlen, "listing channels");
    sqlite3_reset(q);
    sq_unlock(s);
    return rc;
}

/* ---- plays ------------------------------------------------------------ */

/* Advances a screen's acked_seq over contiguous stored seqs; lock and
 * transaction held. */
static sl_st_rc sq_ack_advance(sq_store *s, const char *screen, int64_t *acked, char *err, size_t errlen)
{
    int64_t a = 0;
    sqlite3_stmt *q = sq_q(s, Q_STATE_ENSURE);
    sq_text(q, 1, screen);
    if (sq_exec(s, q) != 0)
        return sq_fail(s, err, errlen, "screen state");
    q = sq_q(s, Q_ACK_GET);
    sq_text(q, 1, screen);
    if (sqlite3_step(q) == SQLITE_ROW)
        a = sqlite3_column_int64(q, 0);
    sqlite3_reset(q);
    int64_t start = a;
    for (;;) {
        size_t rows = 0;
        bool gap = false;
        q = sq_q(s, Q_ACK_SCAN);
        sq_text(q, 1, screen);
        sqlite3_bind_int64(q, 2, a);
        int r;
        while ((r = sqlite3_step(q)) == SQLITE_ROW) {
            rows++;
            int64_t seq = sqlite3_column_int64(q, 0);
            if (seq != a + 1) {
                gap = true;
                break;
            }
            a = seq;
        }
        sqlite3_reset(q);
        if (r != SQLITE_ROW && r != SQLITE_DONE)
            return sq_fail(s, err, errlen, "scanning plays");
        if (gap || rows < 1024)
            break;
    }
    if (a != start) {
        q = sq_q(s, Q_ACK_SET);
        sq_text(q, 1, screen);
        sqlite3_bind_int64(q, 2, a);
        if (sq_exec(s, q) != 0)
            return sq_fail(s, err, errlen, "storing acked_seq");
    }
    *acked = a;
    return SL_ST_OK;
}

/* Reads the text of (screen, day) with q (Q_PH_GET or Q_OD_GET; NULL when
 * there is none), builds the new text with make and writes it with put;
 * lock and transaction held. */
static sl_st_rc sq_day_update(sq_store *s, int get, int put, const char *screen, int64_t day,
                              char *(*make)(const char *stored, void *ud), void *ud, char *err, size_t errlen)
{
    sqlite3_stmt *q = sq_q(s, get);
    sq_text(q, 1, screen);
    sqlite3_bind_int64(q, 2, day);
    int r = sqlite3_step(q);
    char *text = NULL;
    if (r == SQLITE_ROW || r == SQLITE_DONE)
        text = make(r == SQLITE_ROW ? (const char *)sqlite3_column_text(q, 0) : NULL, ud);
    sqlite3_reset(q);
    if (r != SQLITE_ROW && r != SQLITE_DONE)
        return sq_fail(s, err, errlen, "reading a day's summary");
    if (!text) {
        snprintf(err, errlen, "out of memory");
        return SL_ST_ERROR;
    }
    q = sq_q(s, put);
    sq_text(q, 1, screen);
    sqlite3_bind_int64(q, 2, day);
    sq_text(q, 3, text);
    int e = sq_exec(s, q);
    free(text);
    return e == 0 ? SL_ST_OK : sq_fail(s, err, errlen, "storing a day's summary");
}

typedef struct {
    const sl_ph_batch *b;
    int64_t day;
} sq_day_ctx;

static char *sq_make_day(const char *stored, void *ud)
{
    sq_day_ctx *c = ud;
    char *out = NULL;
    return sl_ph_day_merge(stored, c->b, c->day, &out) == 0 ? out : NULL;
}

static char *sq_make_online(const char *stored, void *ud)
{
    return sl_ph_online_add(stored, *(int *)ud);
}

/* Adds a batch's hourly summaries to the stored days; lock and transaction held. */
static sl_st_rc sq_play_hours_add(sq_store *s, const char *screen, sl_ph_batch *b, char *err, size_t errlen)
{
    int64_t *days = malloc((b->n ? b->n : 1) * sizeof *days);
    if (!days) {
        snprintf(err, errlen, "out of memory");
        return SL_ST_ERROR;
    }
    size_t n = sl_ph_batch_days(b, days, b->n);
    sl_st_rc rc = SL_ST_OK;
    for (size_t i = 0; i < n && rc == SL_ST_OK; i++) {
        sq_day_ctx c = {b, days[i]};
        rc = sq_day_update(s, Q_PH_GET, Q_PH_PUT, screen, days[i], sq_make_day, &c, err, errlen);
    }
    free(days);
    return rc;
}

static sl_st_rc sq_plays_put(sl_store *st, const char *screen, const sl_play_record *rec, const uint8_t *lit,
                             size_t n, int64_t now_ms, size_t *stored, size_t *dups, int64_t *acked_seq, char *err,
                             size_t errlen)
{
    sq_store *s = sq(st);
    sl_st_rc rc = SL_ST_OK;
    size_t added = 0;
    int64_t acked = 0;
    sl_ph_batch hours;
    sl_ph_batch_init(&hours);
    sq_lock(s);
    if (sq_begin(s) != 0) {
        rc = sq_fail(s, err, errlen, "begin");
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        const sl_play_record *p = &rec[i];
        sqlite3_stmt *q = sq_q(s, Q_PLAY_ADD);
        sq_text(q, 1, screen);
        sqlite3_bind_int64(q, 2, p->seq);
        sq_text(q, 3, p->item);
        sq_text(q, 4, p->media_sha256);
        sqlite3_bind_int64(q, 5, p->manifest_version);
        sq_text(q, 6, p->zone);
        sqlite3_bind_int64(q, 7, p->start_ms);
        sqlite3_bind_int64(q, 8, p->mono_start_ms);
        sqlite3_bind_int(q, 9, (int)p->clock_trust);
        sqlite3_bind_int64(q, 10, p->duration_ms);
        sqlite3_bind_int(q, 11, (int)p->outcome);
        sq_text(q, 12, p->reason);
        sqlite3_bind_int64(q, 13, now_ms);
        if (sq_exec(s, q) != 0) {
            rc = sq_fail(s, err, errlen, "storing a play");
            goto out;
        }
        if (sqlite3_changes(s->db) > 0) {
            added++;
            if (sl_ph_batch_add(&hours, p, lit && lit[i], now_ms) != 0) {
                snprintf(err, errlen, "out of memory");
                rc = SL_ST_ERROR;
                goto out;
            }
        }
    }
    rc = sq_play_hours_add(s, screen, &hours, err, errlen);
    if (rc != SL_ST_OK)
        goto out;
    rc = sq_ack_advance(s, screen, &acked, err, errlen);
    if (rc != SL_ST_OK)
        goto out;
    if (sq_commit(s) != 0) {
        rc = sq_fail(s, err, errlen, "commit");
        goto out;
    }
    *stored = added;
    *dups = n - added;
    *acked_seq = acked;
out:
    sq_rollback(s);
    sq_unlock(s);
    sl_ph_batch_free(&hours);
    return rc;
}

/* Runs a report query on a pooled reader (so a long report neither holds
 * up writes nor waits for them), falling back to the main connection.
 * Binds screen (when not NULL) as ?3 after from and to. */
typedef int (*sq_row_fn)(sqlite3_stmt *q, void *ud);

static sl_st_rc sq_report_scan(sq_store *s, const char *sql_all, const char *sql_one, const char *screen,
                               int64_t from_ms, int64_t to_ms, sq_row_fn row, void *ud, const char *what,
                               char *err, size_t errlen)
{
    sl_st_rc rc = SL_ST_OK;
    sqlite3_stmt *q = NULL;
    sq_reader *rd = sq_reader_take(s);
    sqlite3 *db = rd ? rd->db : s->db;
    if (!rd)
        sq_lock(s);
    if (sqlite3_prepare_v2(db, screen ? sql_one : sql_all, -1, &q, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "database: %s: %s", what, sqlite3_errmsg(db));
        rc = SL_ST_ERROR;
        goto out;
    }
    sqlite3_bind_int64(q, 1, from_ms);
    sqlite3_bind_int64(q, 2, to_ms);
    if (screen)
        sq_text(q, 3, screen);
    int r;
    while ((r = sqlite3_step(q)) == SQLITE_ROW) {
        if (row(q, ud) != 0) {
            r = SQLITE_DONE;
            break;
        }
    }
    if (r != SQLITE_DONE) {
        snprintf(err, errlen, "database: %s: %s", what, sqlite3_errmsg(db));
        rc = SL_ST_ERROR;
    }
out:
    sqlite3_finalize(q);
    if (rd)
        sq_reader_give(s, rd);
    else
        sq_unlock(s);
    return rc;
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

static sl_st_rc sq_plays_list(sl_store *st, const char *screen, int64_t after_seq, size_t limit,
                              int (*cb)(void *ud, const sl_play_record *r, int64_t received_ms), void *ud,
                              char *err, size_t errlen)
{
    sq_store *s = sq(st);
    sl_st_rc rc = SL_ST_OK;
    sl_play_record p;
    sq_lock(s);
    sqlite3_stmt *q = sq_q(s, Q_PLAYS_LIST);
    sq_text(q, 1, screen);
    sqlite3_bind_int64(q, 2, after_seq);
    sqlite3_bind_int64(q, 3, (sqlite3_int64)limit);
    int r;
    while ((r = sqlite3_step(q)) == SQLITE_ROW) {
        memset(&p, 0, sizeof p);
        snprintf(p.screen, sizeof p.screen, "%s", screen);
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
        if (cb(ud, &p, sqlite3_column_int64(q, 11)) != 0) {
            r = SQLITE_DONE;
            break;
        }
    }
    if (r != SQLITE_DONE)
        rc = sq_fail(s, err, errlen, "listing plays");
    sqlite3_reset(q);
    sq_unlock(s);
    return rc;
}

/* ---- heartbeats, screenshots ------------------------------------------ */

static sl_st_rc sq_heartbeat_put(sl_store *st, const char *screen, const sl_hub_heartbeat *hb,
                                 bool *screenshot_requested, char *err, size_t errlen)
{
    sq_store *s = sq(st);
    sl_st_rc rc = SL_ST_OK;
    int64_t minute = sl_floordiv(hb->received_ms, SL_MS_PER_MIN);
    int64_t last_minute = -1;
    bool wanted = false;
    sq_lock(s);
    if (sq_begin(s) != 0) {
        rc = sq_fail(s, err, errlen, "begin");
        goto out;
    }
    sqlite3_stmt *q = sq_q(s, Q_HB_LAST_MINUTE);
    sq_text(q, 1, screen);
    if (sqlite3_step(q) == SQLITE_ROW)
        last_minute = sqlite3_column_int64(q, 0);
    sqlite3_reset(q);
    q = sq_q(s, Q_HB_PUT);
    sq_text(q, 1, screen);
    sqlite3_bind_int64(q, 2, hb->received_ms);
    if (hb->content_version >= 0)
        sqlite3_bind_int64(q, 3, hb->content_version);
    sq_text(q, 4, hb->status_json ? hb->status_json : "{}");
    sqlite3_bind_int64(q, 5, minute > last_minute ? minute : last_minute);
    if (sq_exec(s, q) != 0) {
        rc = sq_fail(s, err, errlen, "storing a heartbeat");
        goto out;
    }
    if (minute > last_minute) {
        q = sq_q(s, Q_HOUR_ADD);
        sq_text(q, 1, screen);
        sqlite3_bind_int64(q, 2, sl_floordiv(hb->received_ms, SL_MS_PER_HOUR) * SL_MS_PER_HOUR);
        if (sq_exec(s, q) != 0) {
            rc = sq_fail(s, err, errlen, "counting a minute online");
            goto out;
        }
        int64_t day = sl_floordiv(hb->received_ms, SL_MS_PER_DAY) * SL_MS_PER_DAY;
        int hour = (int)((hb->received_ms - day) / SL_MS_PER_HOUR);
        rc = sq_day_update(s, Q_OD_GET, Q_OD_PUT, screen, day, sq_make_online, &hour, err, errlen);
        if (rc != SL_ST_OK)
            goto out;
    }
    q = sq_q(s, Q_SHOT_FLAG_GET);
    sq_text(q, 1, screen);
    if (sqlite3_step(q) == SQLITE_ROW)
        wanted = sqlite3_column_int(q, 0) != 0;
    sqlite3_reset(q);
    if (wanted) {
        q = sq_q(s, Q_SHOT_FLAG_CLEAR);
        sq_text(q, 1, screen);
        if (sq_exec(s, q) != 0) {
            rc = sq_fail(s, err, errlen, "clearing a screenshot request");
            goto out;
        }
    }
    if (sq_commit(s) != 0) {
        rc = sq_fail(s, err, errlen, "commit");
        goto out;
    }
    *screenshot_requested = wanted;
out:
    sq_rollback(s);
    sq_unlock(s);
    return rc;
}

static sl_st_rc sq_hours_list(sl_store *st, const char *screen, int64_t from_ms, int64_t to_ms,
                              int (*cb)(void *ud, int64_t hour_start_ms, int minutes), void *ud, char *err,
                              size_t errlen)
{
    sq_store *s = sq(st);
    sl_st_rc rc = SL_ST_OK;
    sq_lock(s);
    sqlite3_stmt *q = sq_q(s, Q_HOURS_LIST);
    sq_text(q, 1, screen);
    sqlite3_bind_int64(q, 2, from_ms);
    sqlite3_bind_int64(q, 3, to_ms);
    int r;
    while ((r = sqlite3_step(q)) == SQLITE_ROW) {
        if (cb(ud, sqlite3_column_int64(q, 0), sqlite3_column_int(q, 1)) != 0) {
            r = SQLITE_DONE;
            break;
        }
    }
    if (r != SQLITE_DONE)
        rc = sq_fail(s, err, errlen, "listing hours");
    sqlite3_reset(q);
    sq_unlock(s);
    return rc;
}

static sl_st_rc sq_screenshot_request(sl_store *st, const char *screen, char *err, size_t errlen)
{
    sq_store *s = sq(st);
    sl_st_rc rc;
    sq_lock(s);
    rc = sq_screen_get_locked(s, screen, NULL, err, errlen);
    if (rc == SL_ST_OK) {
        sqlite3_stmt *q = sq_q(s, Q_SHOT_FLAG_SET);
        sq_text(q, 1, screen);
        if (sq_exec(s, q) != 0)
            rc = sq_fail(s, err, errlen, "requesting a screenshot");
    }
    sq_unlock(s);
    return rc;
}

#define SQ_SHOTS_EVICT_MAX 64

static sl_st_rc sq_screenshot_add(sl_store *st, const char *screen, const sl_hub_screenshot *shot,
                                  void (*evicted)(void *ud, const char *file), void *ud, char *err, size_t errlen)
{
    sq_store *s = sq(st);
    sl_st_rc rc = SL_ST_OK;
    char gone[SQ_SHOTS_EVICT_MAX][sizeof shot->file];
    int64_t gone_id[SQ_SHOTS_EVICT_MAX];
    size_t n_gone = 0;
    int64_t day = sl_floordiv(shot->taken_ms, SL_MS_PER_DAY);
    sq_lock(s);
    if (sq_begin(s) != 0) {
        rc = sq_fail(s, err, errlen, "begin");
        goto out;
    }
    sqlite3_stmt *q = sq_q(s, Q_SHOT_ADD);
    sq_text(q, 1, screen);
    sqlite3_bind_int64(q, 2, day);
    sqlite3_bind_int64(q, 3, shot->taken_ms);
    sq_text(q, 4, shot->file);
    sqlite3_bind_int64(q, 5, shot->size);
    sq_text(q, 6, shot->mime);
    if (sq_exec(s, q) != 0) {
        rc = sq_fail(s, err, errlen, "storing a screenshot");
        goto out;
    }
    /* Keep the first SQ_SHOTS_FIRST_KEPT of the day and the latest. */
    q = sq_q(s, Q_SHOT_DAY);
    sq_text(q, 1, screen);
    sqlite3_bind_int64(q, 2, day);
    size_t i = 0;
    int64_t prev_id = -1;
    char prev_file[sizeof shot->file] = "";
    int r;
    while ((r = sqlite3_step(q)) == SQLITE_ROW) {
        if (prev_id >= 0 && n_gone < SQ_SHOTS_EVICT_MAX) {
            gone_id[n_gone] = prev_id;
            snprintf(gone[n_gone], sizeof gone[n_gone], "%s", prev_file);
            n_gone++;
        }
        prev_id = i >= SQ_SHOTS_FIRST_KEPT ? sqlite3_column_int64(q, 0) : -1;
        sq_col(q, 1, prev_file, sizeof prev_file);
        i++;
    }
    sqlite3_reset(q);
    if (r != SQLITE_DONE) {
        rc = sq_fail(s, err, errlen, "listing screenshots");
        goto out;
    }
    for (size_t k = 0; k < n_gone; k++) {
        q = sq_q(s, Q_SHOT_DEL);
        sqlite3_bind_int64(q, 1, gone_id[k]);
        if (sq_exec(s, q) != 0) {
            rc = sq_fail(s, err, errlen, "removing a screenshot");
            goto out;
        }
    }
    if (sq_commit(s) != 0) {
        rc = sq_fail(s, err, errlen, "commit");
        goto out;
    }
out:
    sq_rollback(s);
    sq_unlock(s);
    if (rc == SL_ST_OK && evicted) {
        for (size_t k = 0; k < n_gone; k++)
            evicted(ud, gone[k]);
    }
    return rc;
}

static sl_st_rc sq_screenshot_latest(sl_store *st, const char *screen, sl_hub_screenshot *out, char *err,
                                     size_t errlen)
{
    sq_store *s = sq(st);
    sl_st_rc rc = SL_ST_NOT_FOUND;
    sq_lock(s);
    sqlite3_stmt *q = sq_q(s, Q_SHOT_LATEST);
    sq_text(q, 1, screen);
    int r = sqlite3_step(q);
    if (r == SQLITE_ROW) {
        out->taken_ms = sqlite3_column_int64(q, 0);
        sq_col(q, 1, out->file, sizeof out->file);
        out->size = sqlite3_column_int64(q, 2);
        sq_col(q, 3, out->mime, sizeof out->mime);
        rc = SL_ST_OK;
    } else if (r != SQLITE_DONE) {
        rc = sq_fail(s, err, errlen, "reading a screenshot");
    }
    sqlite3_reset(q);
    sq_unlock(s);
    return rc;
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
    .screenshot_request = sq_screenshot_request,
    .screenshot_add = sq_screenshot_add,
    .screenshot_latest = sq_screenshot_latest,
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
