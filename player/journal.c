/* journal.c — the player's durable play journal: SQLite in WAL, one fsynced transaction per play. */
#define _POSIX_C_SOURCE 200809L
#include "player/journal.h"

#include "content/fsutil.h"

#include <sqlite3.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/*
 * Schema, version 1 (PRAGMA user_version):
 *
 *   plays        one row per play not yet acknowledged by the hub; every field
 *                of sl_play_record. seq is INTEGER PRIMARY KEY AUTOINCREMENT,
 *                so SQLite keeps the highest seq ever assigned in
 *                sqlite_sequence and never hands out a seq twice, even after
 *                sl_journal_ack has deleted every row.
 *   item_totals  item -> plays, total_ms since the journal was created;
 *                updated in the same transaction as each append, never
 *                deleted by acks (it feeds sl_journal_counts).
 *
 * Version 2 adds to plays the column boot: the kernel's boot id when the
 * record was appended (local only, never sent). A record's mono_start_ms
 * means something only in the boot that made it, so only the records of
 * this boot can have their time corrected (sl_journal_correct); rows from
 * version 1 get '' (an unknown boot: never corrected). The partial index
 * plays_untrusted keeps the correction cheap when the journal is long.
 *
 * Migrations: a later schema bumps SL_JOURNAL_SCHEMA and adds a step to
 * schema_setup() that upgrades from the version before it.
 */
#define SL_JOURNAL_SCHEMA 2

#define SL_JOURNAL_BOOT_ID_FILE "/proc/sys/kernel/random/boot_id"

#define SL_JOURNAL_BUSY_MS 5000                 /* wait for a lock this long, in ms */
#define SL_JOURNAL_ERR_MAX 256

static const char *const schema_v1[] = {
    "CREATE TABLE IF NOT EXISTS plays ("
    " seq INTEGER PRIMARY KEY AUTOINCREMENT,"
    " screen TEXT NOT NULL,"
    " item TEXT NOT NULL,"
    " media_sha256 TEXT NOT NULL,"
    " manifest_version INTEGER NOT NULL,"
    " zone TEXT NOT NULL,"
    " start_ms INTEGER NOT NULL,"
    " mono_start_ms INTEGER NOT NULL,"
    " clock_trust INTEGER NOT NULL CHECK (clock_trust BETWEEN 0 AND 3),"
    " duration_ms INTEGER NOT NULL CHECK (duration_ms >= 0),"
    " outcome INTEGER NOT NULL CHECK (outcome BETWEEN 0 AND 2),"
    " reason TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS item_totals ("
    " item TEXT PRIMARY KEY NOT NULL,"
    " plays INTEGER NOT NULL,"
    " total_ms INTEGER NOT NULL) WITHOUT ROWID",
    "PRAGMA user_version = 1",
};

static const char *const schema_v2[] = {
    "ALTER TABLE plays ADD COLUMN boot TEXT NOT NULL DEFAULT ''",
    "CREATE INDEX IF NOT EXISTS plays_untrusted ON plays (boot) WHERE clock_trust = 0",
    "PRAGMA user_version = 2",
};

/* Cached prepared statements, all with constant text; data goes in by binding. */
enum {
    ST_BEGIN,
    ST_COMMIT,
    ST_ROLLBACK,
    ST_INSERT,
    ST_TOTALS,
    ST_PENDING,
    ST_COUNT,
    ST_COUNTS,
    ST_ACK,
    ST_LAST_SEQ,
    ST_RAISE_UPDATE,
    ST_RAISE_INSERT,
    ST_CORRECT,
    ST_UNTRUSTED_ANY,
    ST_N
};

static const char *const stmt_sql[ST_N] = {
    [ST_BEGIN] = "BEGIN IMMEDIATE",
    [ST_COMMIT] = "COMMIT",
    [ST_ROLLBACK] = "ROLLBACK",
    [ST_INSERT] = "INSERT INTO plays (screen, item, media_sha256, manifest_version, zone,"
                  " start_ms, mono_start_ms, clock_trust, duration_ms, outcome, reason, boot)"
                  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    [ST_TOTALS] = "INSERT INTO item_totals (item, plays, total_ms) VALUES (?1, 1, ?2)"
                  " ON CONFLICT (item) DO UPDATE SET plays = plays + 1,"
                  " total_ms = total_ms + excluded.total_ms",
    [ST_PENDING] = "SELECT seq, screen, item, media_sha256, manifest_version, zone, start_ms,"
                   " mono_start_ms, clock_trust, duration_ms, outcome, reason, boot = ?2"
                   " FROM plays ORDER BY seq LIMIT ?1",
    [ST_COUNT] = "SELECT count(*) FROM plays",
    [ST_COUNTS] = "SELECT item, plays, total_ms FROM item_totals ORDER BY item",
    [ST_ACK] = "DELETE FROM plays WHERE seq <= ?1",
    [ST_LAST_SEQ] = "SELECT seq FROM sqlite_sequence WHERE name = 'plays'",
    [ST_RAISE_UPDATE] = "UPDATE sqlite_sequence SET seq = ?1 WHERE name = 'plays' AND seq < ?1",
    [ST_RAISE_INSERT] = "INSERT INTO sqlite_sequence (name, seq) SELECT 'plays', ?1"
                        " WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'plays')",
    [ST_CORRECT] = "UPDATE plays SET start_ms = mono_start_ms + ?1, clock_trust = 2"
                   " WHERE clock_trust = 0 AND boot = ?2 AND boot <> '' AND mono_start_ms >= 0",
    [ST_UNTRUSTED_ANY] = "SELECT EXISTS (SELECT 1 FROM plays WHERE clock_trust = 0 AND boot = ?1)",
};

struct sl_journal {
    sqlite3 *db;
    sqlite3_stmt *st[ST_N];
    pthread_mutex_t lock; /* error-checking: a re-entrant call fails instead of hanging */
    bool lock_ok;
    char errmsg[SL_JOURNAL_ERR_MAX];
    char boot[SL_JOURNAL_BOOT_MAX + 1]; /* this boot's id, stamped on every append */
};

/* What opening one file found. */
typedef enum { OPEN_OK, OPEN_CORRUPT, OPEN_FAIL } open_result;

/* ---------- small helpers ---------- */

/* snprintf into err when the caller gave room for it. */
static void set_err(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || errlen == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

/* Describes the last error on db: SQLite's message, the OS error behind an
 * I/O or open failure, and the (extended) result code, e.g.
 * "disk I/O error: File too large (SQLite code 778)". */
static void describe(sqlite3 *db, int rc, char *buf, size_t len)
{
    if (!db) {
        snprintf(buf, len, "%s (SQLite code %d)", sqlite3_errstr(rc), rc);
        return;
    }
    int code = sqlite3_extended_errcode(db);
    int sys = sqlite3_system_errno(db);
    if (sys != 0 && ((code & 0xff) == SQLITE_IOERR || (code & 0xff) == SQLITE_CANTOPEN))
        snprintf(buf, len, "%s: %s (SQLite code %d)", sqlite3_errmsg(db), strerror(sys), code);
    else
        snprintf(buf, len, "%s (SQLite code %d)", sqlite3_errmsg(db), code);
}

/* Puts "<what>: <the last error on j's database>" in j->errmsg. */
static void db_err(sl_journal *j, const char *what)
{
    char d[200];
    describe(j->db, SQLITE_ERROR, d, sizeof d);
    snprintf(j->errmsg, sizeof j->errmsg, "%s: %s", what, d);
}

/* Corruption and not-a-database are repaired by starting over; anything else
 * (locked, I/O, permissions) is reported and the file left alone. */
static open_result classify(int rc)
{
    rc &= 0xff;
    return rc == SQLITE_NOTADB || rc == SQLITE_CORRUPT ? OPEN_CORRUPT : OPEN_FAIL;
}

/* Runs one constant statement to completion. Returns an SQLite code. */
static int run_sql(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
    if (rc != SQLITE_OK)
        goto out;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        ;
    if (rc == SQLITE_DONE)
        rc = SQLITE_OK;
out:
    sqlite3_finalize(st);
    return rc;
}

/* Runs a constant statement that returns one value; copies its first column
 * of the first row into buf (or "" when there is no row). */
static int query_text(sqlite3 *db, const char *sql, char *buf, size_t buflen)
{
    sqlite3_stmt *st = NULL;
    buf[0] = '\0';
    int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
    if (rc != SQLITE_OK)
        goto out;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        const unsigned char *t = sqlite3_column_text(st, 0);
        snprintf(buf, buflen, "%s", t ? (const char *)t : "");
        while ((rc = sqlite3_step(st)) == SQLITE_ROW)
            ;
    }
    if (rc == SQLITE_DONE)
        rc = SQLITE_OK;
out:
    sqlite3_finalize(st);
    return rc;
}

/* Binds a fixed-size char field, not reading past its array even when it
 * lacks a terminating NUL. */
static int bind_field(sqlite3_stmt *st, int idx, const char *field, size_t cap)
{
    return sqlite3_bind_text(st, idx, field, (int)strnlen(field, cap), SQLITE_STATIC);
}

/* Copies a text column into a fixed-size field, cut to fit and NUL-terminated. */
static void column_field(sqlite3_stmt *st, int col, char *field, size_t cap)
{
    const unsigned char *t = sqlite3_column_text(st, col);
    size_t n = t ? (size_t)sqlite3_column_bytes(st, col) : 0;
    if (n >= cap)
        n = cap - 1;
    if (n)
        memcpy(field, t, n);
    field[n] = '\0';
}

/* Steps a statement that returns no rows, then resets it. Returns an SQLite code. */
static int step_done(sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? SQLITE_OK : rc;
}

/* Rolls back the open transaction, if any (SQLite may already have rolled
 * back by itself after SQLITE_FULL or an I/O error). */
static void rollback_if_open(sl_journal *j)
{
    if (!sqlite3_get_autocommit(j->db))
        step_done(j->st[ST_ROLLBACK]);
}

static int jlock(sl_journal *j)
{
    int e = pthread_mutex_lock(&j->lock);
    if (e != 0) {
        /* EDEADLK: this thread already holds the lock (a callback called back). */
        snprintf(j->errmsg, sizeof j->errmsg, "journal busy: %s", strerror(e));
        return -1;
    }
    j->errmsg[0] = '\0';
    return 0;
}

static void junlock(sl_journal *j)
{
    pthread_mutex_unlock(&j->lock);
}

/* Makes a rename or a new file in path's folder durable. Returns 0 or -1 with errno. */
static int fsync_parent(const char *path)
{
    int rc = -1;
    int fd = -1;
    char *dir = sl_fs_dirname(path);
    if (!dir) {
        errno = ENOMEM;
        goto out;
    }
    fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        goto out;
    if (fsync(fd) != 0)
        goto out;
    rc = 0;
out:
    if (fd >= 0) {
        int saved = errno;
        close(fd);
        errno = saved;
    }
    free(dir);
    return rc;
}

/* a followed by b, malloc'd; NULL when out of memory. */
static char *str_cat(const char *a, const char *b)
{
    size_t na = strlen(a), nb = strlen(b);
    char *s = malloc(na + nb + 1);
    if (!s)
        return NULL;
    memcpy(s, a, na);
    memcpy(s + na, b, nb + 1);
    return s;
}

/* This boot's id (the kernel's random boot id), or, when it cannot be read,
 * an id of this process's run: its records are then corrected only while it
 * runs, never by a later run that cannot know whether the board rebooted. */
static void read_boot_id(char *buf, size_t len)
{
    char raw[128] = "";
    size_t n = 0;
    FILE *f = fopen(SL_JOURNAL_BOOT_ID_FILE, "re");
    if (f) {
        n = fread(raw, 1, sizeof raw - 1, f);
        fclose(f);
    }
    raw[n] = '\0';
    while (n > 0 && (raw[n - 1] == '\n' || raw[n - 1] == ' '))
        raw[--n] = '\0';
    bool ok = n > 0 && n < len;
    for (size_t i = 0; ok && i < n; i++)
        ok = (raw[i] >= '0' && raw[i] <= '9') || (raw[i] >= 'a' && raw[i] <= 'f') || raw[i] == '-';
    if (ok) {
        snprintf(buf, len, "%s", raw);
        return;
    }
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    snprintf(buf, len, "run-%ld-%lld.%09ld", (long)getpid(), (long long)ts.tv_sec, ts.tv_nsec);
}

/* ---------- opening ---------- */

/* The companion files SQLite may keep next to the database. A stale -wal must
 * move with its database: SQLite would otherwise replay it into the new one. */
static const char *const companion_suffixes[] = {"-wal", "-shm", "-journal"};
#define SL_N_COMPANIONS (sizeof companion_suffixes / sizeof companion_suffixes[0])

/* Renames path to path.corrupt-<unix time> (with -N added when that name is
 * taken), and its -wal/-shm/-journal along, then fsyncs the folder. On success
 * *aside is the new name, malloc'd. Returns 0 or -1 with err. */
static int move_aside(const char *path, char **aside, char *err, size_t errlen)
{
    int rc = -1;
    char *name = NULL;
    char *src = NULL, *dst = NULL;
    *aside = NULL;
    size_t cap = strlen(path) + 64;
    name = malloc(cap);
    if (!name) {
        set_err(err, errlen, "out of memory");
        goto out;
    }
    long long now = (long long)time(NULL);
    for (int n = 0;; n++) {
        if (n == 0)
            snprintf(name, cap, "%s.corrupt-%lld", path, now);
        else
            snprintf(name, cap, "%s.corrupt-%lld-%d", path, now, n);
        struct stat st;
        if (lstat(name, &st) != 0 && errno == ENOENT)
            break;
        if (n >= 1000) {
            set_err(err, errlen, "no free name to move the corrupt journal to (%s)", name);
            goto out;
        }
    }
    if (rename(path, name) != 0) {
        set_err(err, errlen, "journal is corrupt and could not be moved to %s: %s", name,
                strerror(errno));
        goto out;
    }
    for (size_t i = 0; i < SL_N_COMPANIONS; i++) {
        free(src);
        free(dst);
        src = str_cat(path, companion_suffixes[i]);
        dst = str_cat(name, companion_suffixes[i]);
        if (!src || !dst) {
            set_err(err, errlen, "out of memory");
            goto out;
        }
        if (rename(src, dst) != 0 && errno != ENOENT) {
            set_err(err, errlen, "journal is corrupt and %s could not be moved to %s: %s", src,
                    dst, strerror(errno));
            goto out;
        }
    }
    if (fsync_parent(path) != 0) {
        set_err(err, errlen, "moved the corrupt journal to %s but could not sync its folder: %s",
                name, strerror(errno));
        goto out;
    }
    *aside = name;
    name = NULL;
    rc = 0;
out:
    free(name);
    free(src);
    free(dst);
    return rc;
}

/* Checks the file (PRAGMA quick_check). OPEN_CORRUPT with the reason in why
 * when it is not a database or is damaged. */
static open_result check_integrity(sqlite3 *db, char *why, size_t whylen)
{
    char first[200];
    int rc = query_text(db, "PRAGMA quick_check", first, sizeof first);
    if (rc != SQLITE_OK) {
        describe(db, rc, why, whylen);
        return classify(rc);
    }
    if (strcmp(first, "ok") != 0) {
        set_err(why, whylen, "quick_check: %s", first);
        return OPEN_CORRUPT;
    }
    return OPEN_OK;
}

/* Creates the tables on a new file, checks the version of an existing one.
 * Runs in one write transaction so that a kill during creation leaves either
 * nothing or everything. */
static open_result schema_setup(sqlite3 *db, char *why, size_t whylen)
{
    open_result res = OPEN_FAIL;
    sqlite3_stmt *st = NULL;
    int rc = run_sql(db, "BEGIN IMMEDIATE");
    if (rc != SQLITE_OK)
        goto fail;
    rc = sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL);
    if (rc != SQLITE_OK)
        goto fail;
    rc = sqlite3_step(st);
    if (rc != SQLITE_ROW)
        goto fail;
    int version = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    st = NULL;
    if (version > SL_JOURNAL_SCHEMA) {
        set_err(why, whylen, "written by a newer screenlit (schema %d; this one knows up to %d)",
                version, SL_JOURNAL_SCHEMA);
        goto out;
    }
    if (version < 1) {
        for (size_t i = 0; i < sizeof schema_v1 / sizeof schema_v1[0]; i++) {
            rc = run_sql(db, schema_v1[i]);
            if (rc != SQLITE_OK)
                goto fail;
        }
    }
    if (version < 2) {
        for (size_t i = 0; i < sizeof schema_v2 / sizeof schema_v2[0]; i++) {
            rc = run_sql(db, schema_v2[i]);
            if (rc != SQLITE_OK)
                goto fail;
        }
    }
    /* Later versions: if (version < 3) { ...upgrade from 2... } */
    rc = run_sql(db, "COMMIT");
    if (rc != SQLITE_OK)
        goto fail;
    res = OPEN_OK;
    goto out;
fail: {
    char d[200];
    describe(db, rc, d, sizeof d);
    set_err(why, whylen, "setting up the tables: %s", d);
    res = classify(rc);
}
out:
    sqlite3_finalize(st);
    if (res != OPEN_OK && !sqlite3_get_autocommit(db))
        run_sql(db, "ROLLBACK");
    return res;
}

/* Opens one file as a journal. OPEN_OK: *out is ready. OPEN_CORRUPT: the file
 * must be moved aside (why says what is wrong); OPEN_FAIL: it cannot be used. */
static open_result open_file(const char *path, sl_journal **out, char *why, size_t whylen)
{
    open_result res = OPEN_FAIL;
    sl_journal *j = NULL;
    sqlite3 *db = NULL;
    char mode[32];
    *out = NULL;

    struct stat st;
    bool existed = stat(path, &st) == 0;
    int rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
    if (rc != SQLITE_OK) {
        describe(db, rc, why, whylen);
        goto out;
    }
    sqlite3_extended_result_codes(db, 1);
    sqlite3_busy_timeout(db, SL_JOURNAL_BUSY_MS);
    if (sqlite3_db_readonly(db, "main") == 1) {
        set_err(why, whylen, "the file is read-only");
        goto out;
    }
    /* Until the file has passed its check, keep SQLite from deleting a -wal at
     * close: a corrupt journal is moved aside whole, for whoever investigates. */
    int persist = 1;
    sqlite3_file_control(db, "main", SQLITE_FCNTL_PERSIST_WAL, &persist);
    res = check_integrity(db, why, whylen);
    if (res != OPEN_OK)
        goto out;
    persist = 0;
    sqlite3_file_control(db, "main", SQLITE_FCNTL_PERSIST_WAL, &persist);
    res = OPEN_FAIL;
    /* A new journal gets 1 KiB pages (before WAL mode, which fixes the size): a play's commit
     * then appends about 4 KiB to the WAL instead of about 16, on an SD card every day
     * (README, "SD-card life"). An older journal keeps its 4 KiB pages. */
    if (!existed && (rc = run_sql(db, "PRAGMA page_size = 1024")) != SQLITE_OK) {
        describe(db, rc, why, whylen);
        goto out;
    }
    rc = query_text(db, "PRAGMA journal_mode = WAL", mode, sizeof mode);
    if (rc != SQLITE_OK || strcmp(mode, "wal") != 0) {
        if (rc != SQLITE_OK) {
            char d[200];
            describe(db, rc, d, sizeof d);
            set_err(why, whylen, "switching to WAL: %s", d);
            res = classify(rc);
        } else {
            set_err(why, whylen, "could not switch to WAL (journal_mode is %s)", mode);
        }
        goto out;
    }
    /* FULL: every commit fsyncs the WAL, so a committed play survives power loss. */
    rc = run_sql(db, "PRAGMA synchronous = FULL");
    if (rc == SQLITE_OK)
        rc = run_sql(db, "PRAGMA journal_size_limit = 4194304"); /* bytes: WAL kept after a checkpoint */
    if (rc != SQLITE_OK) {
        describe(db, rc, why, whylen);
        goto out;
    }
    res = schema_setup(db, why, whylen);
    if (res != OPEN_OK)
        goto out;
    res = OPEN_FAIL;
    if (!existed && fsync_parent(path) != 0) {
        set_err(why, whylen, "could not sync the journal's folder: %s", strerror(errno));
        goto out;
    }

    j = calloc(1, sizeof *j);
    if (!j) {
        set_err(why, whylen, "out of memory");
        goto out;
    }
    j->db = db;
    db = NULL;
    read_boot_id(j->boot, sizeof j->boot);
    pthread_mutexattr_t attr;
    if (pthread_mutexattr_init(&attr) != 0) {
        set_err(why, whylen, "could not create a lock");
        goto out;
    }
    pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ERRORCHECK);
    int e = pthread_mutex_init(&j->lock, &attr);
    pthread_mutexattr_destroy(&attr);
    if (e != 0) {
        set_err(why, whylen, "could not create a lock: %s", strerror(e));
        goto out;
    }
    j->lock_ok = true;
    for (int i = 0; i < ST_N; i++) {
        rc = sqlite3_prepare_v3(j->db, stmt_sql[i], -1, SQLITE_PREPARE_PERSISTENT, &j->st[i], NULL);
        if (rc != SQLITE_OK) {
            /* A valid database without our tables under our version number. */
            set_err(why, whylen, "not a screenlit journal: %s", sqlite3_errmsg(j->db));
            goto out;
        }
    }
    *out = j;
    j = NULL;
    res = OPEN_OK;
out:
    sl_journal_close(j);
    sqlite3_close(db); /* NULL is fine */
    return res;
}

/* Opens or creates the journal at path; see journal.h. err is "" on a clean
 * open, a note when a corrupt file was moved aside, the reason on NULL. */
sl_journal *sl_journal_open(const char *path, char *err, size_t errlen)
{
    sl_journal *j = NULL;
    char *aside = NULL;
    char why[512];
    set_err(err, errlen, "%s", "");
    if (!path || !path[0]) {
        set_err(err, errlen, "no journal path");
        goto out;
    }
    why[0] = '\0';
    open_result res = open_file(path, &j, why, sizeof why);
    if (res == OPEN_FAIL) {
        set_err(err, errlen, "%s: %s", path, why);
        goto out;
    }
    if (res == OPEN_CORRUPT) {
        if (move_aside(path, &aside, err, errlen) != 0)
            goto out;
        char why2[512];
        why2[0] = '\0';
        if (open_file(path, &j, why2, sizeof why2) != OPEN_OK) {
            set_err(err, errlen, "%s was corrupt (%s) and moved to %s; a new journal failed: %s",
                    path, why, aside, why2);
            goto out;
        }
        set_err(err, errlen,
                "%s was corrupt (%s); moved it to %s and started a new journal (seq restarts at 1)",
                path, why, aside);
    }
out:
    free(aside);
    return j;
}

/* Finalises every statement and closes the database (which checkpoints the
 * WAL). Accepts NULL and a half-built journal. */
void sl_journal_close(sl_journal *j)
{
    if (!j)
        return;
    for (int i = 0; i < ST_N; i++)
        sqlite3_finalize(j->st[i]);
    sqlite3_close(j->db);
    if (j->lock_ok)
        pthread_mutex_destroy(&j->lock);
    free(j);
}

const char *sl_journal_errmsg(const sl_journal *j)
{
    return j ? j->errmsg : "no journal";
}

/* ---------- writing ---------- */

int sl_journal_append(sl_journal *j, sl_play_record *rec, char *err, size_t errlen)
{
    return sl_journal_append_as(j, rec, true, err, errlen);
}

/* Appends rec in one BEGIN IMMEDIATE … COMMIT with the item's totals; with
 * synchronous=FULL the COMMIT has reached the disk when it returns. rec->seq is
 * set only on success; on failure nothing of rec is kept. */
int sl_journal_append_as(sl_journal *j, sl_play_record *rec, bool this_boot, char *err, size_t errlen)
{
    int rc = -1;
    bool locked = false;
    if (!j || !rec) {
        set_err(err, errlen, "no journal or no record");
        return -1;
    }
    if (jlock(j) != 0)
        goto out;
    locked = true;
    if ((int)rec->clock_trust < SL_CLOCK_UNTRUSTED || (int)rec->clock_trust > SL_CLOCK_SIMULATED ||
        (int)rec->outcome < SL_OUTCOME_COMPLETED || (int)rec->outcome > SL_OUTCOME_FAILED ||
        rec->duration_ms < 0) {
        snprintf(j->errmsg, sizeof j->errmsg,
                 "invalid play record (clock_trust %d, outcome %d, duration %lld ms)",
                 (int)rec->clock_trust, (int)rec->outcome, (long long)rec->duration_ms);
        goto out;
    }
    if (step_done(j->st[ST_BEGIN]) != SQLITE_OK) {
        db_err(j, "could not start a transaction");
        goto out;
    }
    sqlite3_stmt *ins = j->st[ST_INSERT];
    bind_field(ins, 1, rec->screen, sizeof rec->screen);
    bind_field(ins, 2, rec->item, sizeof rec->item);
    bind_field(ins, 3, rec->media_sha256, sizeof rec->media_sha256);
    sqlite3_bind_int64(ins, 4, rec->manifest_version);
    bind_field(ins, 5, rec->zone, sizeof rec->zone);
    sqlite3_bind_int64(ins, 6, rec->start_ms);
    sqlite3_bind_int64(ins, 7, rec->mono_start_ms);
    sqlite3_bind_int(ins, 8, (int)rec->clock_trust);
    sqlite3_bind_int64(ins, 9, rec->duration_ms);
    sqlite3_bind_int(ins, 10, (int)rec->outcome);
    bind_field(ins, 11, rec->reason, sizeof rec->reason);
    sqlite3_bind_text(ins, 12, this_boot ? j->boot : "", -1, SQLITE_STATIC);
    if (step_done(ins) != SQLITE_OK) {
        db_err(j, "could not write the play");
        goto out;
    }
    int64_t seq = sqlite3_last_insert_rowid(j->db);
    sqlite3_stmt *tot = j->st[ST_TOTALS];
    bind_field(tot, 1, rec->item, sizeof rec->item);
    sqlite3_bind_int64(tot, 2, rec->duration_ms);
    if (step_done(tot) != SQLITE_OK) {
        db_err(j, "could not update the play totals");
        goto out;
    }
    if (step_done(j->st[ST_COMMIT]) != SQLITE_OK) {
        db_err(j, "could not commit the play");
        goto out;
    }
    rec->seq = seq;
    rc = 0;
out:
    if (locked) {
        if (rc != 0) {
            rollback_if_open(j);
            set_err(err, errlen, "%s", j->errmsg);
        }
        junlock(j);
    } else if (rc != 0) {
        set_err(err, errlen, "%s", j->errmsg);
    }
    return rc;
}

/* The highest seq ever assigned, with the lock held; -1 with errmsg on error. */
static int64_t last_seq_locked(sl_journal *j)
{
    sqlite3_stmt *st = j->st[ST_LAST_SEQ];
    int64_t seq = 0;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        seq = sqlite3_column_int64(st, 0);
        rc = sqlite3_step(st);
    }
    if (rc != SQLITE_DONE) {
        db_err(j, "could not read the last seq");
        seq = -1;
    }
    sqlite3_reset(st);
    return seq;
}

int64_t sl_journal_last_seq(sl_journal *j)
{
    if (!j || jlock(j) != 0)
        return -1;
    int64_t seq = last_seq_locked(j);
    junlock(j);
    return seq;
}

/* Deletes the acknowledged records in one transaction, after checking that the
 * journal did hand out acked_seq. */
int sl_journal_ack(sl_journal *j, int64_t acked_seq)
{
    int rc = -1;
    if (!j)
        return -1;
    if (jlock(j) != 0)
        return -1;
    if (acked_seq <= 0) {
        rc = 0;
        goto out;
    }
    if (step_done(j->st[ST_BEGIN]) != SQLITE_OK) {
        db_err(j, "could not start a transaction");
        goto out;
    }
    int64_t last = last_seq_locked(j);
    if (last < 0)
        goto out;
    if (acked_seq > last) {
        snprintf(j->errmsg, sizeof j->errmsg,
                 "acknowledgement of seq %lld refused: this journal has assigned only up to %lld",
                 (long long)acked_seq, (long long)last);
        goto out;
    }
    sqlite3_bind_int64(j->st[ST_ACK], 1, acked_seq);
    if (step_done(j->st[ST_ACK]) != SQLITE_OK) {
        db_err(j, "could not delete acknowledged plays");
        goto out;
    }
    if (step_done(j->st[ST_COMMIT]) != SQLITE_OK) {
        db_err(j, "could not commit the acknowledgement");
        goto out;
    }
    rc = 0;
out:
    if (rc != 0)
        rollback_if_open(j);
    junlock(j);
    return rc;
}

/* Raises the AUTOINCREMENT counter (sqlite_sequence) to floor_seq when lower. */
int sl_journal_raise_seq(sl_journal *j, int64_t floor_seq)
{
    int rc = -1;
    if (!j)
        return -1;
    if (jlock(j) != 0)
        return -1;
    if (floor_seq < 0) {
        snprintf(j->errmsg, sizeof j->errmsg, "negative seq floor %lld", (long long)floor_seq);
        goto out;
    }
    if (step_done(j->st[ST_BEGIN]) != SQLITE_OK) {
        db_err(j, "could not start a transaction");
        goto out;
    }
    sqlite3_bind_int64(j->st[ST_RAISE_UPDATE], 1, floor_seq);
    if (step_done(j->st[ST_RAISE_UPDATE]) != SQLITE_OK) {
        db_err(j, "could not raise the seq");
        goto out;
    }
    sqlite3_bind_int64(j->st[ST_RAISE_INSERT], 1, floor_seq);
    if (step_done(j->st[ST_RAISE_INSERT]) != SQLITE_OK) {
        db_err(j, "could not raise the seq");
        goto out;
    }
    if (step_done(j->st[ST_COMMIT]) != SQLITE_OK) {
        db_err(j, "could not commit the seq");
        goto out;
    }
    rc = 0;
out:
    if (rc != 0)
        rollback_if_open(j);
    junlock(j);
    return rc;
}

/* One UPDATE in one transaction: every untrusted record of this boot gets
 * its start from its monotonic anchor. */
int sl_journal_correct(sl_journal *j, int64_t anchor_ms, int64_t *corrected)
{
    int rc = -1;
    if (corrected)
        *corrected = 0;
    if (!j)
        return -1;
    if (jlock(j) != 0)
        return -1;
    /* Usually there is nothing to correct: find out without a write transaction. */
    sqlite3_stmt *any = j->st[ST_UNTRUSTED_ANY];
    sqlite3_bind_text(any, 1, j->boot, -1, SQLITE_STATIC);
    int s = sqlite3_step(any);
    bool some = s == SQLITE_ROW && sqlite3_column_int(any, 0) != 0;
    sqlite3_reset(any);
    sqlite3_clear_bindings(any);
    if (s != SQLITE_ROW) {
        db_err(j, "could not look for plays to correct");
        goto out;
    }
    if (!some) {
        rc = 0;
        goto out;
    }
    if (step_done(j->st[ST_BEGIN]) != SQLITE_OK) {
        db_err(j, "could not start a transaction");
        goto out;
    }
    sqlite3_stmt *st = j->st[ST_CORRECT];
    sqlite3_bind_int64(st, 1, anchor_ms);
    sqlite3_bind_text(st, 2, j->boot, -1, SQLITE_STATIC);
    if (step_done(st) != SQLITE_OK) {
        db_err(j, "could not correct the times of plays");
        goto out;
    }
    int64_t changed = sqlite3_changes64(j->db);
    if (step_done(j->st[ST_COMMIT]) != SQLITE_OK) {
        db_err(j, "could not commit the corrected times");
        goto out;
    }
    if (corrected)
        *corrected = changed;
    rc = 0;
out:
    if (rc != 0)
        rollback_if_open(j);
    junlock(j);
    return rc;
}

const char *sl_journal_boot_id(const sl_journal *j)
{
    return j ? j->boot : "";
}

int sl_journal_set_boot_id(sl_journal *j, const char *boot_id)
{
    if (!j || !boot_id || !boot_id[0] || strlen(boot_id) > SL_JOURNAL_BOOT_MAX || jlock(j) != 0)
        return -1;
    snprintf(j->boot, sizeof j->boot, "%s", boot_id);
    junlock(j);
    return 0;
}

/* ---------- reading ---------- */

/* A play record from a row whose first twelve columns are seq, screen,
 * item, media_sha256, manifest_version, zone, start_ms, mono_start_ms,
 * clock_trust, duration_ms, outcome, reason. */
static void record_from_row(sqlite3_stmt *st, sl_play_record *r)
{
    memset(r, 0, sizeof *r);
    r->seq = sqlite3_column_int64(st, 0);
    column_field(st, 1, r->screen, sizeof r->screen);
    column_field(st, 2, r->item, sizeof r->item);
    column_field(st, 3, r->media_sha256, sizeof r->media_sha256);
    r->manifest_version = sqlite3_column_int64(st, 4);
    column_field(st, 5, r->zone, sizeof r->zone);
    r->start_ms = sqlite3_column_int64(st, 6);
    r->mono_start_ms = sqlite3_column_int64(st, 7);
    r->clock_trust = (sl_clock_trust)sqlite3_column_int(st, 8);
    r->duration_ms = sqlite3_column_int64(st, 9);
    r->outcome = (sl_outcome)sqlite3_column_int(st, 10);
    column_field(st, 11, r->reason, sizeof r->reason);
}

int sl_journal_pending(sl_journal *j, sl_play_record *out, size_t max, size_t *n)
{
    return sl_journal_pending_boot(j, out, NULL, max, n);
}

/* Fills out[0..*n) with the oldest unacknowledged records, and this_boot
 * (when not NULL) with whether each was appended in this boot. out may be
 * NULL when max is 0. */
int sl_journal_pending_boot(sl_journal *j, sl_play_record *out, bool *this_boot, size_t max, size_t *n)
{
    int rc = -1;
    if (n)
        *n = 0;
    if (!j || !n || (!out && max > 0))
        return -1;
    if (max == 0)
        return 0;
    if (jlock(j) != 0)
        return -1;
    sqlite3_stmt *st = j->st[ST_PENDING];
    sqlite3_bind_int64(st, 1, max > (size_t)INT64_MAX ? INT64_MAX : (int64_t)max);
    sqlite3_bind_text(st, 2, j->boot, -1, SQLITE_STATIC);
    size_t got = 0;
    int s = SQLITE_DONE;
    while (got < max && (s = sqlite3_step(st)) == SQLITE_ROW) {
        record_from_row(st, &out[got]);
        if (this_boot)
            this_boot[got] = sqlite3_column_int(st, 12) != 0;
        got++;
    }
    if (got < max && s != SQLITE_DONE) {
        db_err(j, "could not read pending plays");
        goto out;
    }
    *n = got;
    rc = 0;
out:
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    junlock(j);
    return rc;
}

int64_t sl_journal_pending_count(sl_journal *j)
{
    if (!j || jlock(j) != 0)
        return -1;
    sqlite3_stmt *st = j->st[ST_COUNT];
    int64_t count = -1;
    if (sqlite3_step(st) == SQLITE_ROW)
        count = sqlite3_column_int64(st, 0);
    else
        db_err(j, "could not count pending plays");
    sqlite3_reset(st);
    junlock(j);
    return count;
}

/* Reports item_totals, which acks never touch, in byte order of item id.
 * cb must not call back into j; cb may be NULL (then nothing is reported). */
int sl_journal_counts(sl_journal *j, sl_journal_count_cb cb, void *ud)
{
    int rc = -1;
    if (!j || jlock(j) != 0)
        return -1;
    sqlite3_stmt *st = j->st[ST_COUNTS];
    int s = SQLITE_DONE;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        const unsigned char *item = sqlite3_column_text(st, 0);
        if (cb)
            cb(ud, item ? (const char *)item : "", sqlite3_column_int64(st, 1),
               sqlite3_column_int64(st, 2));
    }
    if (s != SQLITE_DONE) {
        db_err(j, "could not read play totals");
        goto out;
    }
    rc = 0;
out:
    sqlite3_reset(st);
    junlock(j);
    return rc;
}

/* ---------- tests ---------- */

/* TEST ONLY. PRAGMA takes no bound parameters, so the integer is formatted in
 * (%lld of an int64_t: digits and a sign, never text from outside). */
int64_t sl_journal_test_max_pages(sl_journal *j, int64_t max_pages)
{
    if (!j || max_pages <= 0 || jlock(j) != 0)
        return -1;
    char sql[64], val[32];
    snprintf(sql, sizeof sql, "PRAGMA max_page_count = %lld", (long long)max_pages);
    int64_t res = -1;
    if (query_text(j->db, sql, val, sizeof val) == SQLITE_OK)
        res = strtoll(val, NULL, 10);
    else
        db_err(j, "could not set max_page_count");
    junlock(j);
    return res;
}

/* ---------- export ---------- */

/* A statement of its own (not cached): exports are rare, one page at a time. */
int sl_journal_pending_after(sl_journal *j, int64_t after_seq, sl_play_record *out, size_t max, size_t *n)
{
    static const char sql[] = "SELECT seq, screen, item, media_sha256, manifest_version, zone, start_ms,"
                              " mono_start_ms, clock_trust, duration_ms, outcome, reason"
                              " FROM plays WHERE seq > ?1 ORDER BY seq LIMIT ?2";
    int rc = -1;
    sqlite3_stmt *st = NULL;
    if (n)
        *n = 0;
    if (!j || !n || (!out && max > 0))
        return -1;
    if (max == 0)
        return 0;
    if (jlock(j) != 0)
        return -1;
    if (sqlite3_prepare_v2(j->db, sql, -1, &st, NULL) != SQLITE_OK) {
        db_err(j, "could not read pending plays");
        goto out;
    }
    sqlite3_bind_int64(st, 1, after_seq);
    sqlite3_bind_int64(st, 2, max > (size_t)INT64_MAX ? INT64_MAX : (int64_t)max);
    size_t got = 0;
    int s = SQLITE_DONE;
    while (got < max && (s = sqlite3_step(st)) == SQLITE_ROW) {
        record_from_row(st, &out[got]);
        got++;
    }
    if (got < max && s != SQLITE_DONE) {
        db_err(j, "could not read pending plays");
        goto out;
    }
    *n = got;
    rc = 0;
out:
    sqlite3_finalize(st);
    junlock(j);
    return rc;
}
