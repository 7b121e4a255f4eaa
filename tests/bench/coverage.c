/* coverage.c — benchmark: generates a fleet's month of hourly data and times the coverage report on SQLite or PostgreSQL. */
#define _POSIX_C_SOURCE 200809L
#include "benchfleet.h"
#include "benchutil.h"
#include "content/timeutil.h"
#include "tools/hub/coverage/hub_coverage.h"

#include <inttypes.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/*
 * Usage: bench_coverage --data DIR [--db postgresql://...] [--screens N] [--days D] [--runs R]
 *
 * Makes a hub store (SQLite in DIR, or the PostgreSQL database) holding N
 * screens (default 10 000) in 50 regions and 6 unit types, required
 * "mon-fri 08:30-17:30; sat,sun 09:00-17:00" in Asia/Shanghai, one channel
 * whose playlist has a frequency floor, and for D days (default 31, from
 * 2026-12-01) the hourly play summaries and minutes online of a fleet where
 * most screens are lit, some short, some dark and some never enrolled. The
 * rows (one per screen and day, holding its hours) are written straight
 * into the store's tables (the report reads nothing else). Then it times sl_coverage_report() over the D days R times
 * (default 3) and prints one JSON line: rows, seconds of each run, median.
 */

static const char *const names = "#poster-app;poster-elderly;poster-leader;clip;slogan-app;slogan-elderly\n";
static const char *const items = "0=60;1=55;2=55;3=40;4=60;5=60";
static const char *const payload =
    "{\"format\":1,\"name\":\"bench\",\"timezone\":\"Asia/Shanghai\","
    "\"zones\":[{\"id\":\"main\",\"x\":0,\"y\":0,\"w\":100,\"h\":88},{\"id\":\"ticker\",\"x\":0,\"y\":88,\"w\":100,\"h\":12}],"
    "\"items\":[{\"id\":\"poster-app\",\"zone\":\"main\",\"type\":\"text\",\"mode\":\"static\",\"text\":\"a\",\"duration\":10},"
    "{\"id\":\"poster-elderly\",\"zone\":\"main\",\"type\":\"text\",\"mode\":\"static\",\"text\":\"b\",\"duration\":10},"
    "{\"id\":\"poster-leader\",\"zone\":\"main\",\"type\":\"text\",\"mode\":\"static\",\"text\":\"c\",\"duration\":10},"
    "{\"id\":\"clip\",\"zone\":\"main\",\"type\":\"text\",\"mode\":\"static\",\"text\":\"d\",\"duration\":20},"
    "{\"id\":\"slogan-app\",\"zone\":\"ticker\",\"type\":\"text\",\"mode\":\"ticker\",\"text\":\"e\",\"duration\":20},"
    "{\"id\":\"slogan-elderly\",\"zone\":\"ticker\",\"type\":\"text\",\"mode\":\"ticker\",\"text\":\"f\",\"duration\":20}],"
    "\"rules\":[{\"items\":[\"poster-app\"],\"hours\":\"08:30-17:30\",\"min_per_hour\":6}],"
    "\"channel\":\"bank\",\"version\":1,\"created\":\"2026-11-20T00:00:00Z\"}";

/* What screen i is like: 0 lit, 1 short (half its hours), 2 dark (on, no plays), 3 never enrolled. */
static int kind_of(long i)
{
    long k = i % 100;
    return k < 90 ? 0 : k < 95 ? 1 : k < 98 ? 2 : 3;
}

/* Calls row(ud, screen, day_ms, plays_text, online_text) for every generated
 * screen and day, in the store's formats (tools/hub/service/hub_playhours.h). */
typedef int (*row_fn)(void *ud, long screen, int64_t day_ms, const char *plays, const char *online);

static int generate(long screens, int days, row_fn row, void *ud)
{
    int64_t day0 = sl_days_from_civil(2026, 12, 1);
    char plays[4096], online[512];
    for (long i = 0; i < screens; i++) {
        int kind = kind_of(i);
        if (kind == 3)
            continue;
        for (int d = 0; d < days; d++) {
            int wd = sl_weekday_from_days(day0 + d);
            int from = wd < 5 ? 8 : 9, to = wd < 5 ? 17 : 16; /* local hours holding required time */
            size_t pl = 0, ol = 0;
            plays[0] = online[0] = '\0';
            if (kind != 2)
                pl = (size_t)snprintf(plays, sizeof plays, "%s", names);
            for (int h = from; h <= to; h++) {
                if (kind == 1 && h % 2)
                    continue;
                int uh = h - 8; /* UTC hour of the day (Asia/Shanghai is UTC+8) */
                if (kind != 2)
                    pl += (size_t)snprintf(plays + pl, sizeof plays - pl, "%d\t3600000\t0\t330\t0\t0\t%s\n", uh,
                                           items);
                ol += (size_t)snprintf(online + ol, sizeof online - ol, "%s%d=60", ol ? ";" : "", uh);
            }
            if (row(ud, i, (day0 + d) * SL_MS_PER_DAY, pl ? plays : NULL, online) != 0)
                return -1;
        }
    }
    return 0;
}

/* ---- SQLite ---------------------------------------------------------- */

typedef struct {
    sqlite3_stmt *ph, *on;
    long rows;
} sq_gen;

static int sq_put(sqlite3_stmt *q, const char *id, int64_t day, const char *text)
{
    sqlite3_reset(q);
    sqlite3_bind_text(q, 1, id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(q, 2, day);
    sqlite3_bind_text(q, 3, text, -1, SQLITE_TRANSIENT);
    return sqlite3_step(q) == SQLITE_DONE ? 0 : -1;
}

static int sq_row(void *ud, long screen, int64_t day, const char *plays, const char *online)
{
    sq_gen *g = ud;
    char id[32];
    snprintf(id, sizeof id, "scr-%05ld", screen);
    if (plays && sq_put(g->ph, id, day, plays) != 0)
        return -1;
    if (sq_put(g->on, id, day, online) != 0)
        return -1;
    g->rows += plays ? 2 : 1;
    return 0;
}

static int sq_fill(const char *dir, long screens, int days, long *rows)
{
    char path[1024];
    sqlite3 *db = NULL;
    sq_gen g = {0};
    int rc = -1;
    snprintf(path, sizeof path, "%s/hub.db", dir);
    if (sqlite3_open(path, &db) != SQLITE_OK)
        goto out;
    sqlite3_exec(db, "PRAGMA synchronous = OFF", NULL, NULL, NULL);
    if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
        goto out;
    if (sqlite3_prepare_v2(db, "INSERT INTO play_days(screen, day, hours) VALUES(?1, ?2, ?3)", -1, &g.ph, NULL) !=
            SQLITE_OK ||
        sqlite3_prepare_v2(db, "INSERT INTO online_days(screen, day, minutes) VALUES(?1, ?2, ?3)", -1, &g.on,
                           NULL) != SQLITE_OK)
        goto out;
    if (generate(screens, days, sq_row, &g) != 0)
        goto out;
    char sql[256];
    snprintf(sql, sizeof sql,
             "INSERT INTO screen_tokens(screen, hash, created) SELECT id, randomblob(32), 0 FROM screens"
             " WHERE CAST(substr(id, 5) AS INTEGER) %% 100 < 98");
    if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK || sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
        goto out;
    *rows = g.rows;
    rc = 0;
out:
    if (rc != 0)
        fprintf(stderr, "bench_coverage: %s\n", db ? sqlite3_errmsg(db) : "cannot open the database");
    sqlite3_finalize(g.ph);
    sqlite3_finalize(g.on);
    sqlite3_close(db);
    return rc;
}

/* ---- PostgreSQL (COPY) ----------------------------------------------- */

typedef struct {
    PGconn *c;
    char *buf;
    size_t len, cap;
    long rows;
    bool online; /* which table this pass fills */
} pg_gen;

static int pg_flush(pg_gen *g)
{
    if (g->len && PQputCopyData(g->c, g->buf, (int)g->len) != 1)
        return -1;
    g->len = 0;
    return 0;
}

static int pg_row(void *ud, long screen, int64_t day, const char *plays, const char *online)
{
    pg_gen *g = ud;
    const char *text = g->online ? online : plays;
    if (!text)
        return 0;
    if (g->cap - g->len < 2 * strlen(text) + 64 && pg_flush(g) != 0)
        return -1;
    g->len += (size_t)snprintf(g->buf + g->len, g->cap - g->len, "scr-%05ld\t%" PRId64 "\t", screen, day);
    for (const char *p = text; *p; p++) { /* COPY text: escape tab and newline */
        if (*p == '\t' || *p == '\n') {
            g->buf[g->len++] = '\\';
            g->buf[g->len++] = *p == '\t' ? 't' : 'n';
        } else {
            g->buf[g->len++] = *p;
        }
    }
    g->buf[g->len++] = '\n';
    g->rows++;
    return 0;
}

static int pg_exec(PGconn *c, const char *sql, ExecStatusType want)
{
    PGresult *r = PQexec(c, sql);
    int ok = PQresultStatus(r) == want;
    if (!ok)
        fprintf(stderr, "bench_coverage: %s: %s", sql, PQerrorMessage(c));
    PQclear(r);
    return ok ? 0 : -1;
}

static int pg_copy(pg_gen *g, const char *sql, long screens, int days)
{
    if (pg_exec(g->c, sql, PGRES_COPY_IN) != 0)
        return -1;
    if (generate(screens, days, pg_row, g) != 0 || pg_flush(g) != 0 || PQputCopyEnd(g->c, NULL) != 1)
        return -1;
    PGresult *r = PQgetResult(g->c);
    int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    if (!ok)
        fprintf(stderr, "bench_coverage: COPY: %s", PQerrorMessage(g->c));
    PQclear(r);
    while ((r = PQgetResult(g->c)))
        PQclear(r);
    return ok ? 0 : -1;
}

static int pg_fill(const char *url, long screens, int days, long *rows)
{
    pg_gen g = {0};
    int rc = -1;
    g.c = PQconnectdb(url);
    g.cap = 1 << 20;
    g.buf = malloc(g.cap);
    if (!g.buf || PQstatus(g.c) != CONNECTION_OK) {
        fprintf(stderr, "bench_coverage: %s", PQerrorMessage(g.c));
        goto out;
    }
    if (pg_copy(&g, "COPY play_days(screen, day, hours) FROM STDIN", screens, days) != 0)
        goto out;
    g.online = true;
    if (pg_copy(&g, "COPY online_days(screen, day, minutes) FROM STDIN", screens, days) != 0)
        goto out;
    if (pg_exec(g.c, "INSERT INTO screen_tokens(screen, hash, created) SELECT id,"
                     " decode(md5(id) || md5(id || 'x'), 'hex'), 0 FROM screens"
                     " WHERE CAST(substr(id, 5) AS integer) % 100 < 98", PGRES_COMMAND_OK) != 0 ||
        pg_exec(g.c, "ANALYZE", PGRES_COMMAND_OK) != 0)
        goto out;
    *rows = g.rows;
    rc = 0;
out:
    free(g.buf);
    PQfinish(g.c);
    return rc;
}

int main(int argc, char **argv)
{
    sl_bench_fleet_opts o = {.screens = 10000, .runs = 3};
    int days = 31;
    bool fill = true;
    for (int i = 1; i < argc; i++) {
        if (sl_bench_fleet_arg(argc, argv, &i, &o))
            continue;
        if (strcmp(argv[i], "--days") == 0 && i + 1 < argc)
            days = (int)strtol(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--reuse") == 0)
            fill = false; /* the store already holds a generated fleet */
        else {
            fprintf(stderr, "usage: bench_coverage --data DIR [--db postgresql://...] [--screens N] [--days D] "
                            "[--runs R] [--reuse]\n");
            return 2;
        }
    }
    if (!o.data || o.screens < 1 || o.screens > 100000 || days < 1 || days > 366 || o.runs < 1 || o.runs > 9) {
        fprintf(stderr, "bench_coverage: --data is required; 1..100000 screens, 1..366 days, 1..9 runs\n");
        return 2;
    }
    char err[512];
    sl_hub hub;
    if (sl_hub_open(&hub, o.data, o.db, err, sizeof err) != 0) {
        fprintf(stderr, "bench_coverage: %s\n", err);
        return 1;
    }
    sl_store *st = hub.store;
    double t0 = sl_bench_now_s();
    int64_t cur;
    char envelope[4096];
    cJSON *env = cJSON_CreateObject();
    cJSON_AddStringToObject(env, "payload", payload);
    cJSON_PrintPreallocated(env, envelope, sizeof envelope, 0);
    cJSON_Delete(env);
    long rows = 0;
    if (fill && (sl_bench_fleet_inventory(&hub, o.screens, false, err, sizeof err) != 0 ||
                 st->ops->manifest_put(st, "bank", 1, envelope, strlen(envelope), 1, &cur, err, sizeof err) !=
                     SL_ST_OK)) {
        fprintf(stderr, "bench_coverage: %s\n", err);
        return 1;
    }
    if (fill && (o.db ? pg_fill(o.db, o.screens, days, &rows) : sq_fill(o.data, o.screens, days, &rows)) != 0)
        return 1;
    double gen_s = sl_bench_now_s() - t0;
    fprintf(stderr, "bench_coverage: generated %ld screens x %d days (%ld rows) in %.1f s\n", o.screens, days, rows,
            gen_s);

    int64_t day0 = sl_days_from_civil(2026, 12, 1);
    sl_coverage_query q = {.from_day = day0, .to_day = day0 + days - 1};
    double t[9], cpu[9];
    long lit = -1;
    for (int r = 0; r < o.runs; r++) {
        double a = sl_bench_now_s(), ca = sl_bench_cpu_s();
        cJSON *doc = sl_coverage_report(&hub, &q, 0, err, sizeof err);
        if (!doc) {
            fprintf(stderr, "bench_coverage: %s\n", err);
            return 1;
        }
        char *text = cJSON_PrintUnformatted(doc); /* what a reply costs too */
        t[r] = sl_bench_now_s() - a;
        cpu[r] = sl_bench_cpu_s() - ca;
        lit = (long)cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(doc, "summary"), "lit")->valuedouble;
        free(text);
        cJSON_Delete(doc);
    }
    printf("{\"backend\":\"%s\",\"screens\":%ld,\"days\":%d,\"rows\":%ld,\"lit\":%ld,\"runs_s\":[",
           o.db ? "postgresql" : "sqlite", o.screens, days, rows, lit);
    sl_bench_print_list(t, o.runs);
    printf("],\"median_s\":%.4f,\"cpu_s\":[", sl_bench_median(t, o.runs));
    sl_bench_print_list(cpu, o.runs);
    printf("]}\n");
    sl_hub_close(&hub);
    return 0;
}
