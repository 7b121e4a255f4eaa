/* cmd_serve.c — `screenlit-hub serve`: runs the HTTP API until SIGTERM or SIGINT, then stops without losing a request. */
#define _POSIX_C_SOURCE 200809L
#include "tools/hub/cmd.h"
#include "tools/hub/notmod.h"
#include "tools/hub/schedule.h"
#include "tools/hub/server.h"
#include "tools/hub/servertls.h"

#include "content/fsutil.h"

#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SERVE_THREADS_MAX 256
#define SERVE_GRACE_MS 30000 /* how long requests in flight may take to finish at shutdown */

static void help(void)
{
    printf("NAME\n"
           "    screenlit-hub serve - run the hub's HTTP API\n"
           "\n"
           "SYNOPSIS\n"
           "    screenlit-hub serve --data DIR [--db postgresql://USER@HOST:PORT/DB]\n"
           "                        [--listen HOST:PORT] [--threads N] [--auth-cache-ms MS]\n"
           "                        [--tls-cert FILE --tls-key FILE]\n"
           "                        [--log-level error|warn|info|debug]\n"
           "                        [--reports weekly,monthly] [--report-tz ZONE] [--report-lang zh|en]\n"
           "\n"
           "DESCRIPTION\n"
           "    Serves the API of tools/hub/API.md from the data folder DIR (created when\n"
           "    missing): DIR/hub.db (SQLite, WAL), DIR/media/<sha256> (verified media),\n"
           "    DIR/media/.partial/ (uploads in progress, never served) and\n"
           "    DIR/screenshots/.\n"
           "\n"
           "    With --db the database is PostgreSQL instead of DIR/hub.db (the media\n"
           "    and screenshots stay in DIR): several hubs behind a load balancer may\n"
           "    share one database (and a shared or synchronised DIR/media). The schema\n"
           "    is created on first use. See tools/hub/STORAGE.md.\n"
           "\n"
           "    The first line on standard output is \"listening on http://HOST:PORT/\"\n"
           "    (https:// with --tls-cert) with the port actually bound (useful with\n"
           "    port 0). Logs go to standard error.\n"
           "\n"
           "    With --tls-cert and --tls-key the hub serves HTTPS only (TLS 1.2 and\n"
           "    1.3) on the address; a plain http:// request to it fails. Players and\n"
           "    the screenlit command check the certificate against the system's CA\n"
           "    store, or against a pinned CA or certificate (hub-ca). The files are\n"
           "    read once at start; the hub does not start when one is unreadable, not\n"
           "    PEM, or the key does not belong to the certificate. To replace them,\n"
           "    restart the hub. See tools/hub/TLS.md (also: the hub behind nginx or\n"
           "    Caddy).\n"
           "\n"
           "    On SIGTERM or SIGINT the hub stops accepting connections, lets requests\n"
           "    in flight finish (up to 30 s), closes the database and exits 0. Every\n"
           "    reply is sent only after its change is durably committed, so a request\n"
           "    that was answered is never lost, and one that was not can be retried.\n"
           "\n"
           "OPTIONS\n"
           "    -d, --data DIR         the data folder (required)\n"
           "    -D, --db URI           a PostgreSQL database, postgresql://USER@HOST:PORT/DB\n"
           "                           (default: SQLite in DIR/hub.db)\n"
           "    -l, --listen HOST:PORT the address to listen on (default 127.0.0.1:8080,\n"
           "                           loopback only; 0.0.0.0:8080 for a fleet, [::]:8080\n"
           "                           for IPv6; port 0 picks a free port)\n"
           "    -t, --threads N        worker threads (default: the number of CPUs)\n"
           "        --auth-cache-ms MS how long a token lookup is reused (default 1000,\n"
           "                           at most 60000; 0 = look every token up every time).\n"
           "                           Publishing, inventory imports and enrolment through\n"
           "                           this hub are seen at once; a token revoked with\n"
           "                           `token revoke`, or a change made through another hub\n"
           "                           on the same database, takes effect within MS.\n"
           "        --log-level LEVEL  error, warn, info (default) or debug\n"
           "        --tls-cert FILE    serve HTTPS with this PEM certificate (the server's\n"
           "                           first, then any intermediate CA certificates)\n"
           "        --tls-key FILE     the certificate's PEM private key, unencrypted;\n"
           "                           keep it mode 0600\n"
           SL_SCHEDULE_HELP_OPTS
           "    -h, --help             show this help\n"
           "\n"
           SL_SCHEDULE_HELP_TEXT
           "\n"
           "EXIT STATUS\n"
           "    0 stopped by a signal, 1 could not start (data folder, address in use),\n"
           "    2 wrong arguments.\n"
           "\n"
           "EXAMPLES\n"
           "    screenlit-hub serve --data /var/lib/screenlit-hub --listen 0.0.0.0:8080\n"
           "    screenlit-hub serve --data /srv/hub --db postgresql://hub@db.example:5432/screenlit\n"
           "    screenlit-hub serve --data /srv/hub --listen 0.0.0.0:8443 \\\n"
           "        --tls-cert /etc/screenlit/hub.crt --tls-key /etc/screenlit/hub.key\n");
}

int sl_hub_cmd_serve(int argc, char **argv)
{
    static const struct option opts[] = {{"data", required_argument, NULL, 'd'},
                                         {"db", required_argument, NULL, 'D'},
                                         {"listen", required_argument, NULL, 'l'},
                                         {"threads", required_argument, NULL, 't'},
                                         {"log-level", required_argument, NULL, 'L'},
                                         {"auth-cache-ms", required_argument, NULL, 'A'},
                                         {"tls-cert", required_argument, NULL, 'C'},
                                         {"tls-key", required_argument, NULL, 'K'},
                                         SL_SCHEDULE_LONG_OPTS,
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *data = NULL, *db = NULL, *listen = "127.0.0.1:8080", *tls_cert = NULL, *tls_key = NULL;
    long threads = sysconf(_SC_NPROCESSORS_ONLN);
    int level = SL_LOG_INFO;
    long cache_ms = SL_AUTHCACHE_TTL_MS_DEFAULT;
    int c;
    sl_schedule_cfg sched;
    sl_schedule *schedule = NULL;
    char serr[256];
    sl_schedule_cfg_init(&sched);
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":d:D:l:t:h", opts, NULL)) != -1) {
        int st = sl_schedule_cfg_take(&sched, c, optarg, serr, sizeof serr);
        if (st < 0)
            return sl_hub_usage_error("serve", "%s", serr);
        if (st > 0)
            continue;
        switch (c) {
        case 'd':
            data = optarg;
            break;
        case 'D':
            db = optarg;
            break;
        case 'l':
            listen = optarg;
            break;
        case 't': {
            char *e;
            threads = strtol(optarg, &e, 10);
            if (*e || e == optarg || threads < 1 || threads > SERVE_THREADS_MAX)
                return sl_hub_usage_error("serve", "--threads wants a number from 1 to %d", SERVE_THREADS_MAX);
            break;
        }
        case 'A': {
            char *e;
            cache_ms = strtol(optarg, &e, 10);
            if (*e || e == optarg || cache_ms < 0 || cache_ms > SL_AUTHCACHE_TTL_MS_MAX)
                return sl_hub_usage_error("serve", "--auth-cache-ms wants a number from 0 to %d",
                                          SL_AUTHCACHE_TTL_MS_MAX);
            break;
        }
        case 'C':
            tls_cert = optarg;
            break;
        case 'K':
            tls_key = optarg;
            break;
        case 'L':
            level = sl_log_level_parse(optarg);
            if (level < 0)
                return sl_hub_usage_error("serve", "--log-level is error, warn, info or debug");
            break;
        case 'h':
            help();
            return SL_HUB_EXIT_OK;
        case ':':
            return sl_hub_usage_error("serve", "'%s' needs a value", argv[optind - 1]);
        default:
            return sl_hub_usage_error("serve", "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return sl_hub_usage_error("serve", "unexpected argument '%s'", argv[optind]);
    if (!data)
        return sl_hub_usage_error("serve", "--data DIR is missing");
    if (!tls_cert != !tls_key)
        return sl_hub_usage_error("serve", "--tls-cert and --tls-key go together (the certificate and its key)");
    if (db && !sl_store_db_is_pg(db))
        return sl_hub_usage_error("serve", "--db wants postgresql://USER@HOST:PORT/DB");
    char host[128];
    unsigned port;
    if (sl_server_parse_listen(listen, host, sizeof host, &port) != 0)
        return sl_hub_usage_error("serve", "--listen %s: write HOST:PORT, e.g. 127.0.0.1:8080", listen);
    if (threads < 1)
        threads = 2;
    if (threads > SERVE_THREADS_MAX)
        threads = SERVE_THREADS_MAX;

    /* Signals are taken synchronously by this thread (sigwait); the server's
     * threads inherit the blocked mask, so no handler and no global flag. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);

    int rc = SL_HUB_EXIT_FAIL;
    char err[512];
    sl_hub hub;
    sl_server *srv = NULL;
    sl_servertls tls = {0};
    memset(&hub, 0, sizeof hub);
    if (tls_cert && sl_servertls_load(&tls, tls_cert, tls_key, err, sizeof err) != 0) {
        fprintf(stderr, "screenlit-hub serve: %s\n", err);
        goto out;
    }
    if (sl_hub_open(&hub, data, db, err, sizeof err) != 0) {
        fprintf(stderr, "screenlit-hub serve: %s\n", err);
        goto out;
    }
    hub.log.level = (sl_log_level)level;
    if ((cache_ms > 0 && !(hub.authcache = sl_authcache_new(SL_AUTHCACHE_CAPACITY_DEFAULT, cache_ms))) ||
        !(hub.notmod = sl_notmod_new())) {
        fprintf(stderr, "screenlit-hub serve: out of memory\n");
        goto out;
    }
    srv = sl_server_start_tls(&hub, listen, (unsigned)threads, tls_cert ? &tls : NULL, err, sizeof err);
    if (!srv) {
        fprintf(stderr, "screenlit-hub serve: %s\n", err);
        goto out;
    }
    const char *scheme = tls_cert ? "https" : "http";
    if (strchr(host, ':'))
        printf("listening on %s://[%s]:%u/\n", scheme, host, sl_server_port(srv));
    else
        printf("listening on %s://%s:%u/\n", scheme, host, sl_server_port(srv));
    fflush(stdout);
    if (tls.warning[0])
        sl_log_warn(&hub.log, "%s", tls.warning);
    sl_log_info(&hub.log, "serving %s (%s store) on %s:%u (%s) with %ld threads, token lookups reused for %ld ms",
                data, hub.store->ops->name, host, sl_server_port(srv), tls_cert ? "HTTPS" : "plain HTTP", threads,
                cache_ms);
    if (sl_schedule_start(&hub, &sched, &schedule, err, sizeof err) != 0) {
        fprintf(stderr, "screenlit-hub serve: %s\n", err);
        goto out;
    }
    int sig = 0;
    while (sigwait(&stop, &sig) != 0)
        ;
    sl_log_info(&hub.log, "signal %d: finishing requests in flight, then stopping", sig);
    sl_server_stop(srv, SERVE_GRACE_MS);
    srv = NULL;
    sl_log_info(&hub.log, "stopped");
    rc = SL_HUB_EXIT_OK;
out:
    sl_schedule_stop(schedule);
    sl_server_stop(srv, 0);
    sl_authcache_free(hub.authcache);
    sl_notmod_free(hub.notmod);
    hub.authcache = NULL;
    hub.notmod = NULL;
    sl_hub_close(&hub);
    sl_servertls_free(&tls);
    return rc;
}
