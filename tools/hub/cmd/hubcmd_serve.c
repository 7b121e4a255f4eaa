/* hubcmd_serve.c — `screenlit-hub serve`: runs the HTTP API until SIGTERM or SIGINT, then stops without losing a request. */
#define _POSIX_C_SOURCE 200809L
#include "tools/hub/http/budget.h"
#include "tools/hub/cmd/hubcmd.h"
#include "tools/hub/cmd/hubnotify.h"
#include "tools/hub/http/notmod.h"
#include "tools/hub/console/console_session.h"
#include "tools/hub/coverage/hub_schedule.h"
#include "tools/hub/http/server.h"
#include "tools/hub/http/servertls.h"

#include "content/fsutil.h"

#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#define SERVE_THREADS_MAX 256
#define SERVE_GRACE_MS 30000 /* how long requests in flight may take to finish at shutdown */
#define SERVE_RELOAD_GRACE_MS 10000 /* and on the old certificate after a reload (SIGHUP) */
#define SERVE_FDS_RESERVED 256 /* file descriptors kept for the store, media files served, logs, threads */
#define SERVE_STR(x) #x
#define SERVE_NUM(x) SERVE_STR(x) /* a number's define as text */

/* What serve was told on its command line. */
typedef struct {
    const char *data, *db, *listen, *tls_cert, *tls_key;
    long threads, cache_ms, max_conns, per_addr, body_mib;
    long long console_idle_ms;
    long long login_addr[2], login_name[2]; /* failed logins: at once, then one every ms */
    int level;
    sl_schedule_cfg sched;
    char host[128]; /* of listen */
    unsigned port;
} serve_args;

static int set_level(void *field, const sl_opts_entry *e, const char *arg, char *err, size_t errlen)
{
    int level = sl_log_level_parse(arg);
    if (level < 0) {
        snprintf(err, errlen, "--log-level is error, warn, info or debug");
        return -1;
    }
    *(int *)field = level;
    return 0;
}

/* --console-idle: minutes ("30"), or seconds with an s ("90s"). */
static int set_idle(void *field, const sl_opts_entry *e, const char *arg, char *err, size_t errlen)
{
    char *end = NULL;
    long long n = strtoll(arg, &end, 10);
    bool secs = end && end[0] == 's' && !end[1];
    if (end == arg || (*end && !secs) || n < 1 || n > (secs ? 7LL * 24 * 3600 : 7LL * 24 * 60)) {
        snprintf(err, errlen, "--console-idle wants minutes from 1 to 10080 (a week), or seconds with an s, "
                              "e.g. 30 or 90s");
        return -1;
    }
    *(long long *)field = n * (secs ? 1000LL : 60000LL);
    return 0;
}

/* --console-login-address and --console-login-name: N/SECONDS, e.g. 10/30. */
static int set_login_limit(void *field, const sl_opts_entry *e, const char *arg, char *err, size_t errlen)
{
    long long *v = field;
    char *end = NULL, *end2 = NULL;
    long long n = strtoll(arg, &end, 10), s = end && *end == '/' ? strtoll(end + 1, &end2, 10) : 0;
    if (end == arg || *end != '/' || end2 == end + 1 || !end2 || *end2 || n < 1 || n > SL_CSESS_BURST_MAX || s < 1 ||
        s > SL_CSESS_DRAIN_S_MAX) {
        snprintf(err, errlen,
                 "--%s wants N/SECONDS: N failed logins (1 to %d) at once, then one every SECONDS (1 to %d), "
                 "e.g. %s",
                 e->name, SL_CSESS_BURST_MAX, SL_CSESS_DRAIN_S_MAX, strcmp(e->name, "console-login-name") ? "10/30" : "5/60");
        return -1;
    }
    v[0] = n;
    v[1] = s * 1000LL;
    return 0;
}

static const sl_opts_entry serve_opts[] = {
    SL_OPTS_STR_E("data", 'd', "DIR", "the data folder (required)", serve_args, data),
    SL_OPTS_STR_E("db", 'D', "URI", "a PostgreSQL database, postgresql://USER@HOST:PORT/DB (default: SQLite in "
                                    "DIR/hub.db)",
                  serve_args, db),
    SL_OPTS_STR_E("listen", 'l', "HOST:PORT",
                  "the address to listen on (default 127.0.0.1:8080, loopback only; 0.0.0.0:8080 for a fleet, "
                  "[::]:8080 for IPv6; port 0 picks a free port)",
                  serve_args, listen),
    SL_OPTS_LONG_E("threads", 't', "N", "worker threads (default: the number of CPUs)", serve_args, threads, 1,
                   SERVE_THREADS_MAX, "--threads wants a number from 1 to " SERVE_NUM(SERVE_THREADS_MAX)),
    SL_OPTS_LONG_E("auth-cache-ms", 0, "MS",
                   "how long a token lookup is reused (default 1000, at most 60000; 0 = look every token up every "
                   "time). Publishing, inventory imports and enrolment through this hub are seen at once; a token "
                   "revoked with `token revoke`, or a change made through another hub on the same database, takes "
                   "effect within MS.",
                   serve_args, cache_ms, 0, SL_AUTHCACHE_TTL_MS_MAX,
                   "--auth-cache-ms wants a number from 0 to " SERVE_NUM(SL_AUTHCACHE_TTL_MS_MAX)),
    SL_OPTS_FUNC_E("log-level", 0, "LEVEL", "error, warn, info (default) or debug", serve_args, level, set_level, 0),
    SL_OPTS_LONG_E("max-conns", 0, "N",
                   "connections open at once (default 32768: a fleet of 10 000 screens keeps up to three each). "
                   "Further clients wait in the listen queue. At start the hub raises its open-file limit "
                   "(RLIMIT_NOFILE) to the hard limit and, when that is still too low, serves fewer connections "
                   "and says so in its log (raise it with LimitNOFILE= in a systemd unit).",
                   serve_args, max_conns, 16, 1000000, "--max-conns wants a number from 16 to 1000000"),
    SL_OPTS_LONG_E("max-conns-per-address", 0, "N",
                   "connections open at once from one client address (default 64: sixteen screens behind one NAT "
                   "address; raise it for larger sites); more are closed at once. 0 = no limit: use 0 behind a "
                   "reverse proxy, where every request comes from the proxy's address, and limit per address "
                   "there (nginx: limit_conn).",
                   serve_args, per_addr, 0, 1000000,
                   "--max-conns-per-address wants a number from 0 (no limit) to 1000000"),
    SL_OPTS_LONG_E("max-body-memory", 0, "MIB",
                   "request bodies held in memory at once, in MiB (default 128; at least 16). A request whose "
                   "body would pass it is answered 503 with Retry-After (players wait and send again); so is one "
                   "whose screen token already holds 4 MiB of bodies, so that one token cannot take the whole "
                   "budget. Media uploads go to disk and are not counted.",
                   serve_args, body_mib, 16, 1024 * 1024, "--max-body-memory wants MiB, from 16 to 1048576"),
    SL_OPTS_STR_E("tls-cert", 0, "FILE",
                  "serve HTTPS with this PEM certificate (the server's first, then any intermediate CA "
                  "certificates)",
                  serve_args, tls_cert),
    SL_OPTS_STR_E("tls-key", 0, "FILE", "the certificate's PEM private key, unencrypted; keep it mode 0600",
                  serve_args, tls_key),
    SL_OPTS_FUNC_E("console-idle", 0, "MIN",
                   "a web console session ends after MIN minutes without a request (default 30); seconds with "
                   "an s, e.g. 90s",
                   serve_args, console_idle_ms, set_idle, 0),
    SL_OPTS_FUNC_E("console-login-address", 0, "N/SEC",
                   "failed console logins from one client address: N at once, then one every SEC seconds "
                   "(default " SERVE_NUM(SL_CSESS_ADDR_BURST) "/30); beyond that a login is answered 429. Behind a "
                   "reverse proxy every client has the proxy's address: raise it, and limit per address there",
                   serve_args, login_addr, set_login_limit, 0),
    SL_OPTS_FUNC_E("console-login-name", 0, "N/SEC",
                   "failed console logins for one name, from any address: N at once, then one every SEC seconds "
                   "(default " SERVE_NUM(SL_CSESS_NAME_BURST) "/60)",
                   serve_args, login_name, set_login_limit, 0),
    SL_SCHEDULE_OPTS_E(serve_args, sched),
    SL_OPTS_HELP_E,
    SL_OPTS_END_E,
};

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
           "                        [--max-conns N] [--max-conns-per-address N] [--max-body-memory MIB]\n"
           "                        [--console-idle MIN] [--console-login-address N/SEC]\n"
           "                        [--console-login-name N/SEC]\n"
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
           "    write the new files and send SIGHUP (systemctl reload screenlit-hub):\n"
           "    new connections get the new certificate, requests in flight finish on\n"
           "    the old one. When the new files do not load, the hub logs why and keeps\n"
           "    serving the old certificate. See tools/hub/TLS.md (also: the hub behind\n"
           "    nginx or Caddy).\n"
           "\n"
           "    Under systemd (Type=notify, config/screenlit-hub.service) the hub\n"
           "    sends READY=1 once it listens, WATCHDOG=1 at half of WatchdogSec from\n"
           "    its main loop, and STOPPING=1 when it stops.\n"
           "\n"
           "    The hub's resources are bounded: connections (in all and per client\n"
           "    address), request bodies held in memory (and per screen token), the size\n"
           "    of every body, and the values a JSON body may hold; a connection idle\n"
           "    for 120 s is closed. See --max-conns, --max-conns-per-address and\n"
           "    --max-body-memory, and \"Limits\" in tools/hub/API.md.\n"
           "\n"
           "    The web console is served under /console/ on the same address: people\n"
           "    added with `screenlit-hub user add` log in there with a browser (see\n"
           "    tools/hub/CONSOLE.md). Their sessions survive a restart of the hub and\n"
           "    end after --console-idle without use. Failed logins are slowed per\n"
           "    client address and per name (--console-login-address,\n"
           "    --console-login-name).\n"
           "\n"
           "    On SIGTERM or SIGINT the hub stops accepting connections, lets requests\n"
           "    in flight finish (up to 30 s), closes the database and exits 0. Every\n"
           "    reply is sent only after its change is durably committed, so a request\n"
           "    that was answered is never lost, and one that was not can be retried.\n"
           "\n"
           "OPTIONS\n");
    sl_opts_help(stdout, serve_opts);
    printf("\n"
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

/* Raises the open-file limit to its hard limit and returns how many
 * connections it allows next to what else the hub opens (at most want). */
static unsigned fit_open_files(sl_log *log, long want)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
        return (unsigned)want;
    rlim_t was = rl.rlim_cur;
    if (rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
            rl.rlim_cur = was;
        else
            sl_log_info(log, "open-file limit raised from %llu to %llu (the hard limit)", (unsigned long long)was,
                        (unsigned long long)rl.rlim_cur);
    }
    if (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur >= (rlim_t)want + SERVE_FDS_RESERVED)
        return (unsigned)want;
    long fit = (long)rl.rlim_cur - SERVE_FDS_RESERVED;
    if (fit < 16)
        fit = 16;
    sl_log_warn(log,
                "the open-file limit is %llu: serving at most %ld connections, not %ld (raise the hard limit, "
                "e.g. LimitNOFILE=65536 in the hub's systemd unit or `ulimit -Hn` before starting it)",
                (unsigned long long)rl.rlim_cur, fit, want);
    return (unsigned)fit;
}

/* Reads serve's options into *a: -1 to go on, else the exit status (after
 * the help or a usage error). */
static int serve_parse(int argc, char **argv, serve_args *a)
{
    int next;
    *a = (serve_args){.listen = "127.0.0.1:8080",
                      .threads = sysconf(_SC_NPROCESSORS_ONLN),
                      .cache_ms = SL_AUTHCACHE_TTL_MS_DEFAULT,
                      .max_conns = SL_HUB_MAX_CONNS_DEFAULT,
                      .per_addr = SL_HUB_MAX_CONNS_PER_ADDR_DEFAULT,
                      .body_mib = SL_HUB_BODY_MEMORY_DEFAULT_MIB,
                      .console_idle_ms = SL_CSESS_IDLE_DEFAULT_MS,
                      .login_addr = {SL_CSESS_ADDR_BURST, SL_CSESS_ADDR_DRAIN_MS},
                      .login_name = {SL_CSESS_NAME_BURST, SL_CSESS_NAME_DRAIN_MS},
                      .level = SL_LOG_INFO};
    sl_schedule_cfg_init(&a->sched);
    int parsed = sl_hub_parse_opts("serve", serve_opts, help, a, argc, argv, &next);
    if (parsed >= 0)
        return parsed;
    if (next < argc)
        return sl_hub_usage_error("serve", "unexpected argument '%s'", argv[next]);
    if (!a->data)
        return sl_hub_usage_error("serve", "--data DIR is missing");
    if (!a->tls_cert != !a->tls_key)
        return sl_hub_usage_error("serve", "--tls-cert and --tls-key go together (the certificate and its key)");
    if (a->db && !sl_store_db_is_pg(a->db))
        return sl_hub_usage_error("serve", "--db wants postgresql://USER@HOST:PORT/DB");
    if (sl_server_parse_listen(a->listen, a->host, sizeof a->host, &a->port) != 0)
        return sl_hub_usage_error("serve", "--listen %s: write HOST:PORT, e.g. 127.0.0.1:8080", a->listen);
    if (a->threads < 1)
        a->threads = 2;
    if (a->threads > SERVE_THREADS_MAX)
        a->threads = SERVE_THREADS_MAX;
    return -1;
}

/* SIGHUP: reads the certificate and key again and serves them; when they do
 * not load the old ones stay, and the log says why. 0, or -1 when nothing
 * serves any more. */
static int reload_tls(sl_hub *hub, sl_server *srv, const serve_args *a, sl_servertls *tls)
{
    char err[512];
    if (!a->tls_cert) {
        sl_log_info(&hub->log, "SIGHUP: the hub serves plain HTTP, there is no certificate to reload");
        return 0;
    }
    sl_hubnotify_reloading();
    sl_servertls next = {0};
    int rc = 0;
    if (sl_servertls_load(&next, a->tls_cert, a->tls_key, err, sizeof err) != 0) {
        sl_log_error(&hub->log, "SIGHUP: the new certificate was not loaded, still serving the old one: %s", err);
        sl_servertls_free(&next);
        goto out;
    }
    int r = sl_server_reload_tls(srv, &next, tls, SERVE_RELOAD_GRACE_MS, err, sizeof err);
    if (r == 0) {
        sl_servertls_free(tls);
        *tls = next;
        if (tls->warning[0])
            sl_log_warn(&hub->log, "%s", tls->warning);
        sl_log_info(&hub->log, "SIGHUP: serving the certificate in %s read again", a->tls_cert);
    } else {
        sl_log_error(&hub->log, "SIGHUP: %s", err);
        sl_servertls_free(&next);
        rc = r == -2 ? -1 : 0;
    }
out:
    sl_hubnotify_ready(NULL);
    return rc;
}

/* Waits for SIGTERM or SIGINT (returned), reloading the certificate on
 * SIGHUP and pinging systemd's watchdog meanwhile; -1 when the server was lost. */
static int serve_loop(sl_hub *hub, sl_server *srv, const serve_args *a, sl_servertls *tls)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGHUP);
    long ping_ms = sl_hubnotify_ping_ms();
    if (ping_ms)
        sl_log_info(&hub->log, "systemd watchdog: pinged every %ld ms", ping_ms);
    for (;;) {
        long wait_ms = ping_ms ? ping_ms : 3600000L;
        struct timespec ts = {wait_ms / 1000, (wait_ms % 1000) * 1000000L};
        int sig = sigtimedwait(&set, NULL, &ts);
        if (ping_ms)
            sl_hubnotify_ping();
        if (sig == SIGHUP) {
            if (reload_tls(hub, srv, a, tls) != 0)
                return -1;
        } else if (sig == SIGTERM || sig == SIGINT) {
            return sig;
        }
    }
}

/* Serves until SIGTERM or SIGINT. */
static int serve_run(serve_args *a)
{
    sl_schedule *schedule = NULL;
    /* Signals are taken synchronously by this thread (sigwait); the server's
     * threads inherit the blocked mask, so no handler and no global flag. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);

    int rc = SL_HUB_EXIT_FAIL;
    char err[512];
    sl_hub hub;
    sl_server *srv = NULL;
    sl_servertls tls = {0};
    memset(&hub, 0, sizeof hub);
    if (a->tls_cert && sl_servertls_load(&tls, a->tls_cert, a->tls_key, err, sizeof err) != 0) {
        fprintf(stderr, "screenlit-hub serve: %s\n", err);
        goto out;
    }
    if (sl_hub_open(&hub, a->data, a->db, err, sizeof err) != 0) {
        fprintf(stderr, "screenlit-hub serve: %s\n", err);
        goto out;
    }
    hub.log.level = (sl_log_level)a->level;
    sl_console_set_idle_ms(hub.console, a->console_idle_ms);
    if (sl_console_set_login_limits(hub.console, (int)a->login_addr[0], a->login_addr[1], (int)a->login_name[0],
                                    a->login_name[1]) != 0) {
        fprintf(stderr, "screenlit-hub serve: out of memory\n");
        goto out;
    }
    hub.reports = &a->sched;
    if ((a->cache_ms > 0 && !(hub.authcache = sl_authcache_new(SL_AUTHCACHE_CAPACITY_DEFAULT, a->cache_ms))) ||
        !(hub.notmod = sl_notmod_new()) ||
        !(hub.bodies = sl_budget_new((size_t)a->body_mib << 20, SL_HUB_BODY_PER_SCREEN))) {
        fprintf(stderr, "screenlit-hub serve: out of memory\n");
        goto out;
    }
    hub.max_conns = fit_open_files(&hub.log, a->max_conns);
    hub.max_conns_per_addr = (unsigned)a->per_addr;
    srv = sl_server_start_tls(&hub, a->listen, (unsigned)a->threads, a->tls_cert ? &tls : NULL, err, sizeof err);
    if (!srv) {
        fprintf(stderr, "screenlit-hub serve: %s\n", err);
        goto out;
    }
    const char *scheme = a->tls_cert ? "https" : "http";
    if (strchr(a->host, ':'))
        printf("listening on %s://[%s]:%u/\n", scheme, a->host, sl_server_port(srv));
    else
        printf("listening on %s://%s:%u/\n", scheme, a->host, sl_server_port(srv));
    fflush(stdout);
    if (tls.warning[0])
        sl_log_warn(&hub.log, "%s", tls.warning);
    sl_log_info(&hub.log, "serving %s (%s store) on %s:%u (%s) with %ld threads, token lookups reused for %ld ms",
                a->data, hub.store->ops->name, a->host, sl_server_port(srv), a->tls_cert ? "HTTPS" : "plain HTTP",
                a->threads, a->cache_ms);
    bool v6 = strchr(a->host, ':') != NULL;
    sl_log_info(&hub.log, "web console at %s://%s%s%s:%u/console/, sessions end after %lld s idle", scheme,
                v6 ? "[" : "", a->host, v6 ? "]" : "", sl_server_port(srv), a->console_idle_ms / 1000);
    sl_log_info(&hub.log,
                "failed console logins slowed: %lld at once from one address, then one every %lld s; %lld for "
                "one name, then one every %lld s",
                a->login_addr[0], a->login_addr[1] / 1000, a->login_name[0], a->login_name[1] / 1000);
    sl_log_info(&hub.log, "limits: %u connections, %u per client address%s, %ld MiB of request bodies in memory",
                hub.max_conns, hub.max_conns_per_addr, hub.max_conns_per_addr ? "" : " (no limit)", a->body_mib);
    if (sl_schedule_start(&hub, &a->sched, &schedule, err, sizeof err) != 0) {
        fprintf(stderr, "screenlit-hub serve: %s\n", err);
        goto out;
    }
    char status[200];
    snprintf(status, sizeof status, "listening on %s://%s%s%s:%u/", scheme, v6 ? "[" : "", a->host, v6 ? "]" : "",
             sl_server_port(srv));
    sl_hubnotify_ready(status);
    int sig = serve_loop(&hub, srv, a, &tls);
    if (sig < 0)
        goto out;
    sl_hubnotify_stopping();
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
    sl_budget_free(hub.bodies);
    hub.authcache = NULL;
    hub.notmod = NULL;
    hub.bodies = NULL;
    sl_hub_close(&hub);
    sl_servertls_free(&tls);
    return rc;
}

int sl_hub_cmd_serve(int argc, char **argv)
{
    serve_args a;
    int st = serve_parse(argc, argv, &a);
    return st >= 0 ? st : serve_run(&a);
}
