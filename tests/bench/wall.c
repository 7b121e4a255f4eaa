/* wall.c — benchmark: a 10 000-screen fleet with heartbeats and screenshots, and the time the console's wall page (and a screen's page) takes to make, on SQLite or PostgreSQL. */
#define _POSIX_C_SOURCE 200809L
#include "benchfleet.h"
#include "benchutil.h"
#include "content/timeutil.h"
#include "tools/hub/console/page_screens.h"

#include <inttypes.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/*
 * Usage: bench_wall --data DIR [--db postgresql://...] [--screens N] [--shot-days D] [--runs R]
 *
 * Makes a hub store (SQLite in DIR, or the PostgreSQL database) holding N
 * screens (default 10 000) in 50 regions and 6 unit types, one channel at
 * version 3, and a fleet in every state the wall knows: of each hundred, 85
 * lit, 5 offline (last heartbeat two hours ago), 2 never enrolled, 4 showing
 * version 2, 2 with an untrusted clock, 2 without a channel; every enrolled
 * screen with its last heartbeat (a status like a player's) and the
 * screenshots the hub keeps for D days (default 7: six a day). The rows are
 * written straight into the store's tables (as the store would: the
 * heartbeat's words and the latest screenshot in their own columns). Then it
 * makes each page R times (default 5) through its handler, as the console
 * does for a request, and prints one JSON line per page: its HTML bytes,
 * the seconds of each run and their median, and the median CPU time of this
 * process (with SQLite all of the work; with PostgreSQL the server's is not
 * in it).
 */

/* The rest in SQL both databases speak: tokens, heartbeats, screenshots.
 * k is a screen's number modulo 100 (see the top). */
#define K "(CAST(substr(id, 5) AS integer) %% 100)" /* in a format */

static void fleet_sql(char sql[4][2048], bool pg, int64_t now, int shot_days)
{
    snprintf(sql[0], 2048,
             "INSERT INTO screen_tokens(screen, hash, created) SELECT id, %s, 0 FROM screens WHERE NOT " K
             " IN (90, 91)",
             pg ? "decode(md5(id) || md5(id || 'x'), 'hex')" : "randomblob(32)");
    /* The status a player sends, and the words the store keeps apart of it (schema 5). */
    snprintf(sql[1], 2048,
             "INSERT INTO heartbeats(screen, received, content_version, status, last_minute, current_item,"
             " clock_trust, free_disk)"
             " SELECT id, CASE WHEN " K " BETWEEN 85 AND 89 THEN %" PRId64 " ELSE %" PRId64 " END,"
             " CASE WHEN " K " >= 98 THEN NULL WHEN " K " BETWEEN 92 AND 95 THEN 2 ELSE 3 END,"
             " '{\"content_version\":3,\"current_item\":\"poster-app\",\"uptime_s\":86400,"
             "\"free_disk_bytes\":' || (1000000000 + " K " * 10000000) || ',\"clock_offset_ms\":12,"
             "\"clock_trust\":\"' || CASE WHEN " K " IN (96, 97) THEN 'untrusted' ELSE 'synced' END ||"
             " '\",\"player_version\":\"1.0.0\"}', 0, 'poster-app',"
             " CASE WHEN " K " IN (96, 97) THEN 'untrusted' ELSE 'synced' END, 1000000000 + " K " * 10000000"
             " FROM screens WHERE NOT " K " IN (90, 91)",
             (int64_t)(now - 2 * SL_MS_PER_HOUR), (int64_t)(now - 10000));
    snprintf(sql[2], 2048,
             "WITH RECURSIVE k(j) AS (SELECT 0 UNION ALL SELECT j + 1 FROM k WHERE j < %d)"
             " INSERT INTO screenshots(screen, day, taken, file, size, mime)"
             " SELECT s.id, (%" PRId64 " - k.j * 14400000) / 86400000, %" PRId64 " - k.j * 14400000,"
             " s.id || '/' || k.j || '.png', 100000, 'image/png' FROM screens s, k WHERE NOT " K " IN (90, 91)",
             shot_days * 6 - 1, (int64_t)(now - 600000), (int64_t)(now - 600000));
    snprintf(sql[3], 2048,
             "INSERT INTO screen_state(screen, last_shot) SELECT id, %" PRId64 " FROM screens WHERE NOT " K
             " IN (90, 91)",
             (int64_t)(now - 600000));
}

static int sq_fill(const char *dir, int64_t now, int shot_days)
{
    char path[1024], sql[4][2048];
    sqlite3 *db = NULL;
    int rc = -1;
    snprintf(path, sizeof path, "%s/hub.db", dir);
    if (sqlite3_open(path, &db) != SQLITE_OK)
        goto out;
    sqlite3_exec(db, "PRAGMA synchronous = OFF", NULL, NULL, NULL);
    fleet_sql(sql, false, now, shot_days);
    if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
        goto out;
    for (int i = 0; i < 4; i++) {
        if (sqlite3_exec(db, sql[i], NULL, NULL, NULL) != SQLITE_OK)
            goto out;
    }
    if (sqlite3_exec(db, "COMMIT; ANALYZE", NULL, NULL, NULL) != SQLITE_OK)
        goto out;
    rc = 0;
out:
    if (rc != 0)
        fprintf(stderr, "bench_wall: %s\n", db ? sqlite3_errmsg(db) : "cannot open the database");
    sqlite3_close(db);
    return rc;
}

static int pg_fill(const char *url, int64_t now, int shot_days)
{
    char sql[4][2048];
    int rc = 0;
    PGconn *c = PQconnectdb(url);
    if (PQstatus(c) != CONNECTION_OK) {
        fprintf(stderr, "bench_wall: %s", PQerrorMessage(c));
        PQfinish(c);
        return -1;
    }
    fleet_sql(sql, true, now, shot_days);
    for (int i = 0; i < 5 && rc == 0; i++) {
        PGresult *r = PQexec(c, i < 4 ? sql[i] : "VACUUM ANALYZE");
        if (PQresultStatus(r) != PGRES_COMMAND_OK) {
            fprintf(stderr, "bench_wall: %s", PQerrorMessage(c));
            rc = -1;
        }
        PQclear(r);
    }
    PQfinish(c);
    return rc;
}

/* Makes a page R times; prints its line. 0, or -1 when a run failed. */
static int time_page(sl_hub *hub, const char *name, int (*handler)(sl_cpage *, char *, size_t), const char *param,
                     const char *const *args, int runs)
{
    double t[9], cpu[9];
    size_t bytes = 0;
    for (int r = 0; r < runs; r++) {
        sl_report_buf out = {0};
        char err[512];
        cJSON *q = cJSON_CreateObject(), *form = cJSON_CreateObject();
        for (int i = 0; args && args[i]; i += 2)
            cJSON_AddStringToObject(q, args[i], args[i + 1]);
        sl_cpage p = {.hub = hub, .lang = "zh", .user = "bench", .role = SL_ROLE_AUDITOR, .csrf = "x",
                      .param = param, .query = q, .form = form, .out = &out};
        double t0 = sl_bench_now_s(), c0 = sl_bench_cpu_s();
        int rc = handler(&p, err, sizeof err);
        t[r] = sl_bench_now_s() - t0;
        cpu[r] = sl_bench_cpu_s() - c0;
        bytes = out.len;
        sl_report_buf_free(&out);
        cJSON_Delete(q);
        cJSON_Delete(form);
        if (rc != 0 || p.status != 0) {
            fprintf(stderr, "bench_wall: %s: %s (status %u)\n", name, rc ? err : "refused", p.status);
            return -1;
        }
    }
    printf("{\"backend\":\"%s\",\"page\":\"%s\",\"bytes\":%zu,\"runs_s\":[", hub->store->ops->name, name, bytes);
    sl_bench_print_list(t, runs);
    printf("],\"median_s\":%.4f,\"median_cpu_s\":%.4f}\n", sl_bench_median(t, runs), sl_bench_median(cpu, runs));
    fflush(stdout);
    return 0;
}

int main(int argc, char **argv)
{
    sl_bench_fleet_opts o = {.screens = 10000, .runs = 5};
    int shot_days = 7;
    for (int i = 1; i < argc; i++) {
        if (sl_bench_fleet_arg(argc, argv, &i, &o))
            continue;
        if (strcmp(argv[i], "--shot-days") == 0 && i + 1 < argc)
            shot_days = (int)strtol(argv[++i], NULL, 10);
        else {
            fprintf(stderr, "usage: bench_wall --data DIR [--db postgresql://...] [--screens N] [--shot-days D] "
                            "[--runs R]\n");
            return 2;
        }
    }
    if (!o.data || o.screens < 100 || o.screens > 100000 || shot_days < 1 || shot_days > 60 || o.runs < 1 ||
        o.runs > 9) {
        fprintf(stderr, "bench_wall: --data is required; 100..100000 screens, 1..60 days of screenshots, 1..9 runs\n");
        return 2;
    }
    char err[512];
    sl_hub hub;
    if (sl_hub_open(&hub, o.data, o.db, err, sizeof err) != 0) {
        fprintf(stderr, "bench_wall: %s\n", err);
        return 1;
    }
    hub.log.level = SL_LOG_WARN;
    int rc = 1;
    int64_t now = sl_hub_now_ms();
    double t0 = sl_bench_now_s();
    if (sl_bench_fleet_inventory(&hub, o.screens, true, err, sizeof err) != 0) {
        fprintf(stderr, "bench_wall: %s\n", err);
        goto out;
    }
    if (hub.store->ops->manifest_put(hub.store, "bank", 3, "{}", 2, now, NULL, err, sizeof err) != SL_ST_OK) {
        fprintf(stderr, "bench_wall: %s\n", err);
        goto out;
    }
    if ((o.db ? pg_fill(o.db, now, shot_days) : sq_fill(o.data, now, shot_days)) != 0)
        goto out;
    fprintf(stderr, "bench_wall: %ld screens, %d days of screenshots made in %.1f s\n", o.screens, shot_days,
            sl_bench_now_s() - t0);
    static const char *const dark[] = {"status", "dark", NULL};
    static const char *const deep[] = {"region", "区域 07", "page", "2", NULL};
    static const char *const last[] = {"page", "100", NULL};
    if (time_page(&hub, "wall", sl_page_screens, "", NULL, o.runs) != 0 ||
        time_page(&hub, "wall?status=dark", sl_page_screens, "", dark, o.runs) != 0 ||
        time_page(&hub, "wall?region&page=2", sl_page_screens, "", deep, o.runs) != 0 ||
        time_page(&hub, "wall?page=100", sl_page_screens, "", last, o.runs) != 0 ||
        time_page(&hub, "screen", sl_page_screen, "scr-00042", NULL, o.runs) != 0)
        goto out;
    rc = 0;
out:
    sl_hub_close(&hub);
    return rc;
}
