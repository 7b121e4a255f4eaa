/* server.c — the libmicrohttpd daemon: routing, authorisation, capped bodies, request life cycle, graceful stop. */
#define _POSIX_C_SOURCE 200809L
#include "tools/hub/http/server.h"

#include "tools/hub/http/auth.h"
#include "tools/hub/http/http.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* Bytes of a refused body the server reads and drops before closing the
 * connection (so that small clients still see the error reply). */
#define SL_DISCARD_MAX (1u << 20)
#define SL_CONN_TIMEOUT_S 120 /* an idle connection (nothing received or sent) is closed after this */
/* Per connection: request headers, the read buffer (the size of the pieces
 * a body arrives in) and the reply's headers. libmicrohttpd clears all of it
 * between two requests on a kept-alive connection, so its size is a cost per
 * request: at 64 KiB that memset was a sixth of a 304 poll's CPU time, at
 * 16 KiB it is about 7 % (tests/bench/README.md). Uploads arrive in smaller
 * pieces (a 60 MB media file on loopback ~0.7 s instead of ~0.45 s). */
#define SL_CONN_MEMORY_BYTES (16u * 1024u)

#define SL_LOG_REPEAT_MS 10000 /* a libmicrohttpd message repeated within this is counted, not logged */

struct sl_server {
    struct MHD_Daemon *d;
    sl_hub *hub;
    unsigned port;
    unsigned flags, threads; /* as started: a TLS reload starts the same daemon again */
    /* libmicrohttpd's messages, so that a flood of one (a refused connection
     * each) is a line every SL_LOG_REPEAT_MS with a count, not a line each. */
    pthread_mutex_t log_mu;
    char log_last[512];
    int64_t log_at_ms;
    unsigned log_repeats;
};

bool sl_route_match(const char *pattern, const char *path, char *param, size_t plen, bool *param_long)
{
    const char *p = pattern, *u = path;
    while (*p) {
        if (p[0] == '*' && p[1] == '*' && !p[2])
            return true;
        if (*p == '*') {
            const char *e = u;
            while (*e && *e != '/')
                e++;
            if (e == u)
                return false;
            size_t n = (size_t)(e - u);
            if (n >= plen) {
                *param_long = true;
                n = plen - 1;
            }
            memcpy(param, u, n);
            param[n] = '\0';
            u = e;
            p++;
            continue;
        }
        if (*p != *u)
            return false;
        p++;
        u++;
    }
    return *u == '\0';
}

/* Finds the route for method+path. *path_known tells whether any route has
 * this path (for 405 versus 404). */
static const sl_route *route_find(sl_req *r, bool *path_known, bool *param_long)
{
    *path_known = false;
    for (size_t i = 0; i < sl_hub_n_routes; i++) {
        const sl_route *rt = &sl_hub_routes[i];
        bool plong = false;
        if (!sl_route_match(rt->pattern, r->url, r->param, sizeof r->param, &plong))
            continue;
        *path_known = true;
        if (strcmp(rt->method, r->method) == 0 || (r->head && strcmp(rt->method, "GET") == 0)) {
            *param_long = plong;
            return rt;
        }
    }
    return NULL;
}

/* 503 (with Retry-After, added by sl_reply) for a body the budget refused. */
static enum MHD_Result reply_busy(sl_hub *hub, sl_req *r, sl_budget_rc why)
{
    sl_log_debug(&hub->log, "%s %s (%s): 503, %s", r->method, r->url,
                 r->who.subject[0] ? r->who.subject : "no token",
                 why == SL_BUDGET_KEY_FULL ? "the screen's share of the body budget is in use"
                                           : "the body budget is in use");
    if (why == SL_BUDGET_KEY_FULL)
        return sl_reply_error(r, 503, NULL,
                              "screen %s already has %zu bytes of requests in progress at the hub (at most %zu "
                              "at once); retry after %u s",
                              r->who.subject, sl_budget_key_used(hub->bodies, r->who.subject),
                              sl_budget_per_key(hub->bodies), SL_HUB_RETRY_AFTER_S);
    return sl_reply_error(r, 503, NULL,
                          "the hub is busy: the request bodies it holds in memory are at their limit (%zu MiB); "
                          "retry after %u s",
                          sl_budget_total(hub->bodies) >> 20, SL_HUB_RETRY_AFTER_S);
}

/* The first call for a request: route, authorise, check the announced size. */
static enum MHD_Result request_begin(sl_hub *hub, sl_req *r)
{
    enum MHD_Result res = MHD_YES;
    bool known = false, plong = false;
    r->head = strcmp(r->method, "HEAD") == 0;
    r->route = route_find(r, &known, &plong);
    if (!r->route) {
        if (known)
            return sl_reply_error(r, 405, NULL, "%s is not allowed on %s", r->method, r->url);
        return sl_reply_error(r, 404, NULL, "no such endpoint: %s", r->url);
    }
    if (plong)
        return sl_reply_error(r, 400, NULL, "a name in the path is too long");
    if (sl_auth_check(hub, r, &res) != 0)
        return res;
    sl_body_init(&r->body, r->route->body_max);
    const char *cl = sl_req_header(r, "Content-Length");
    unsigned long long n = 0;
    if (cl) {
        char *end = NULL;
        n = strtoull(cl, &end, 10);
        if (end == cl || *end)
            return sl_reply_error(r, 400, NULL, "Content-Length is not a number");
        if (n > r->route->body_max)
            return sl_reply_error(r, 413, NULL, "the body is %llu bytes; the limit here is %zu", n,
                                  r->route->body_max);
    }
    /* A body held in memory is charged to the hub's budget: the announced
     * length at once, growth beyond it later. Refused: a client waiting for
     * "100 Continue" is answered at once; one that sends its body anyway is
     * answered once the body has been read and dropped (a reply sent while
     * the client still sends may be lost to the connection's reset). */
    if (r->route->body == SL_BODY_BUFFER) {
        const char *key = r->who.role == SL_ROLE_SCREEN ? r->who.subject : NULL;
        sl_budget_rc b = sl_body_charge(&r->body, hub->bodies, key, (size_t)n);
        const char *expect = sl_req_header(r, "Expect");
        if (b != SL_BUDGET_OK && expect && strcasecmp(expect, "100-continue") == 0)
            return reply_busy(hub, r, b);
        r->busy = b;
    }
    if (r->route->body == SL_BODY_STREAM && r->route->begin && r->route->begin(hub, r) != 0)
        return r->replied ? MHD_YES : MHD_NO;
    return MHD_YES;
}

/* Takes one piece of the body. */
static enum MHD_Result request_data(sl_hub *hub, sl_req *r, const char *data, size_t n)
{
    if (r->too_large || r->fail_status || r->busy) {
        r->discarded += n;
        return r->discarded > (r->busy ? r->route->body_max : SL_DISCARD_MAX) ? MHD_NO : MHD_YES;
    }
    switch (r->route->body) {
    case SL_BODY_STREAM:
        if ((uint64_t)r->body.len + n > r->route->body_max) {
            r->too_large = true;
            return MHD_YES;
        }
        r->body.len += n; /* counted only; the data goes to chunk */
        r->route->chunk(hub, r, data, n);
        return MHD_YES;
    case SL_BODY_BUFFER:
    case SL_BODY_IGNORE: {
        if (r->route->body == SL_BODY_IGNORE && r->body.len + n <= r->route->body_max) {
            r->body.len += n;
            return MHD_YES;
        }
        int rc = sl_body_append(&r->body, data, n);
        if (rc == -1)
            r->too_large = true;
        else if (rc == -2)
            sl_req_fail(r, 500, NULL, "the hub ran out of memory");
        else if (rc < 0)
            r->busy = rc == -4 ? SL_BUDGET_KEY_FULL : SL_BUDGET_FULL;
        return MHD_YES;
    }
    }
    return MHD_NO;
}

/* Whether a request may change what a token lookup returns (a token, a
 * screen's channel, a channel's version): every write by a staff token
 * (admin, publisher). That is publishing and inventory imports today, and
 * any staff write added later. A screen's plays, heartbeats and screenshots
 * never change a principal, so they keep the cache; enrolment needs no token
 * and clears the cache itself when a code is redeemed (routes_enroll.c), so
 * that requests with made-up codes cannot keep clearing it. */
static bool may_change_principals(const sl_req *r)
{
    unsigned staff = r->route->roles & ~(unsigned)SL_ROLE_SCREEN;
    return staff != 0 && !r->head && strcmp(r->method, "GET") != 0;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
                                  const char *version, const char *upload_data, size_t *upload_data_size,
                                  void **con_cls)
{
    sl_hub *hub = cls;
    sl_req *r = *con_cls;
    if (!r) {
        r = calloc(1, sizeof *r);
        if (!r)
            return MHD_NO;
        *con_cls = r;
        atomic_fetch_add(&hub->in_flight, 1);
        r->conn = conn;
        r->url = url;
        r->method = method;
        r->start_ms = sl_hub_now_ms();
        return request_begin(hub, r);
    }
    if (r->replied) {
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (*upload_data_size) {
        size_t n = *upload_data_size;
        *upload_data_size = 0;
        return request_data(hub, r, upload_data, n);
    }
    if (r->busy)
        return reply_busy(hub, r, r->busy);
    if (r->too_large)
        return sl_reply_error(r, 413, NULL, "the body is larger than the limit here (%zu bytes)",
                              r->route->body_max);
    if (r->fail_status) {
        cJSON *extra = r->fail_extra;
        r->fail_extra = NULL;
        return sl_reply_error(r, r->fail_status, extra, "%s", r->fail_msg);
    }
    enum MHD_Result res = r->route->handle(hub, r);
    if (may_change_principals(r))
        sl_authcache_clear(hub->authcache); /* before the reply leaves: its client's next request sees the change */
    return res;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    sl_hub *hub = cls;
    sl_req *r = *con_cls;
    if (!r)
        return;
    if (r->route && r->route->cleanup)
        r->route->cleanup(hub, r);
    if (toe != MHD_REQUEST_TERMINATED_COMPLETED_OK)
        sl_log_debug(&hub->log, "%s %s: ended early (%d)", r->method, r->url, (int)toe);
    sl_body_free(&r->body);
    cJSON_Delete(r->fail_extra);
    free(r);
    *con_cls = NULL;
    atomic_fetch_sub(&hub->in_flight, 1);
}

/* Path names are used as they arrive: no percent-decoding, so "%2e%2e" or
 * "%00" can never become ".." or a NUL; identifiers never need escaping
 * and anything with '%' fails their check. */
static size_t no_unescape(void *cls, struct MHD_Connection *c, char *uri)
{
    return strlen(uri);
}

__attribute__((format(printf, 2, 0))) static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    sl_server *s = cls;
    char line[512];
    vsnprintf(line, sizeof line, fmt, ap);
    size_t n = strlen(line);
    while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
        line[--n] = '\0';
    int64_t now = sl_hub_now_ms();
    pthread_mutex_lock(&s->log_mu);
    bool same = strcmp(line, s->log_last) == 0;
    if (same && now - s->log_at_ms < SL_LOG_REPEAT_MS) {
        s->log_repeats++;
        pthread_mutex_unlock(&s->log_mu);
        return;
    }
    unsigned repeats = s->log_repeats;
    s->log_repeats = 0;
    s->log_at_ms = now;
    memcpy(s->log_last, line, n + 1);
    pthread_mutex_unlock(&s->log_mu);
    if (repeats && !same)
        sl_log_warn(&s->hub->log, "http: (the message before came %u more times)", repeats);
    if (repeats && same)
        sl_log_warn(&s->hub->log, "http: %s (and %u more times in the last %d s)", line, repeats,
                    SL_LOG_REPEAT_MS / 1000);
    else
        sl_log_warn(&s->hub->log, "http: %s", line);
}

int sl_server_parse_listen(const char *listen, char *host, size_t hostlen, unsigned *port)
{
    const char *colon;
    const char *h = listen;
    size_t hl;
    if (listen[0] == '[') {
        const char *close = strchr(listen, ']');
        if (!close || close[1] != ':')
            return -1;
        h = listen + 1;
        hl = (size_t)(close - h);
        colon = close + 1;
    } else {
        colon = strrchr(listen, ':');
        if (!colon)
            return -1;
        hl = (size_t)(colon - listen);
    }
    if (hl == 0 || hl >= hostlen)
        return -1;
    memcpy(host, h, hl);
    host[hl] = '\0';
    char *end = NULL;
    unsigned long p = strtoul(colon + 1, &end, 10);
    if (end == colon + 1 || *end || p > 65535)
        return -1;
    *port = (unsigned)p;
    return 0;
}

/* One libmicrohttpd daemon serving hub: on addr, or on the listening socket
 * fd of a daemon before it (a TLS reload); HTTPS when tls is not NULL. */
static struct MHD_Daemon *start_daemon(sl_server *s, uint16_t port, struct sockaddr *addr, MHD_socket fd,
                                       const sl_servertls *tls)
{
    sl_hub *hub = s->hub;
    unsigned flags = s->flags;
    /* TLS 1.2 and 1.3 only; the certificate and key were checked by sl_servertls_load. */
    struct MHD_OptionItem opts[] = {
        {MHD_OPTION_SOCK_ADDR, 0, addr},
        {MHD_OPTION_HTTPS_MEM_CERT, 0, tls ? tls->cert_pem : NULL},
        {MHD_OPTION_HTTPS_MEM_KEY, 0, tls ? tls->key_pem : NULL},
        {MHD_OPTION_HTTPS_PRIORITIES, 0, (void *)"NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2"},
        {MHD_OPTION_END, 0, NULL}};
    if (fd != MHD_INVALID_SOCKET)
        opts[0] = (struct MHD_OptionItem){MHD_OPTION_LISTEN_SOCKET, (intptr_t)fd, NULL};
    if (!tls) {
        flags &= ~(unsigned)MHD_USE_TLS;
        opts[1].option = MHD_OPTION_END; /* plain HTTP: none of them */
    }
    return MHD_start_daemon(flags, port, NULL, NULL, on_request, hub,
                            MHD_OPTION_EXTERNAL_LOGGER, mhd_log, s,
                            MHD_OPTION_THREAD_POOL_SIZE, s->threads,
                            MHD_OPTION_NOTIFY_COMPLETED, on_completed, hub,
                            MHD_OPTION_UNESCAPE_CALLBACK, no_unescape, NULL,
                            MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)SL_CONN_TIMEOUT_S,
                            MHD_OPTION_CONNECTION_LIMIT, hub->max_conns ? hub->max_conns : SL_HUB_MAX_CONNS_DEFAULT,
                            MHD_OPTION_PER_IP_CONNECTION_LIMIT, hub->max_conns_per_addr,
                            MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)SL_CONN_MEMORY_BYTES,
                            MHD_OPTION_ARRAY, opts,
                            MHD_OPTION_END);
}

sl_server *sl_server_start(sl_hub *hub, const char *listen, unsigned threads, char *err, size_t errlen)
{
    return sl_server_start_tls(hub, listen, threads, NULL, err, errlen);
}

sl_server *sl_server_start_tls(sl_hub *hub, const char *listen, unsigned threads, const sl_servertls *tls, char *err,
                               size_t errlen)
{
    char host[128];
    unsigned port;
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof ss);
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC | MHD_USE_ERROR_LOG;
    if (sl_server_parse_listen(listen, host, sizeof host, &port) != 0) {
        snprintf(err, errlen, "--listen %s: write HOST:PORT, e.g. 127.0.0.1:8080 or [::1]:8080", listen);
        return NULL;
    }
    struct sockaddr_in *v4 = (struct sockaddr_in *)&ss;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&ss;
    if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons((uint16_t)port);
    } else if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons((uint16_t)port);
        flags |= MHD_USE_IPv6;
    } else {
        snprintf(err, errlen, "--listen %s: '%s' is not an IPv4 or IPv6 address", listen, host);
        return NULL;
    }
    sl_server *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    s->hub = hub;
    s->flags = flags | (tls ? MHD_USE_TLS : 0);
    s->threads = threads ? threads : 1;
    pthread_mutex_init(&s->log_mu, NULL);
    s->d = start_daemon(s, (uint16_t)port, (struct sockaddr *)&ss, MHD_INVALID_SOCKET, tls);
    if (!s->d) {
        snprintf(err, errlen, "cannot listen on %s (address in use or not allowed?)", listen);
        pthread_mutex_destroy(&s->log_mu);
        free(s);
        return NULL;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
    s->port = info ? info->port : port;
    return s;
}

unsigned sl_server_port(const sl_server *s)
{
    return s ? s->port : 0;
}

/* Waits up to grace_ms for the hub's requests in flight to finish. */
static void wait_in_flight(sl_server *s, int grace_ms)
{
    const struct timespec tick = {0, 10 * 1000 * 1000};
    for (int waited = 0; waited < grace_ms && atomic_load(&s->hub->in_flight) > 0; waited += 10)
        nanosleep(&tick, NULL);
}

int sl_server_reload_tls(sl_server *s, const sl_servertls *tls, const sl_servertls *old_tls, int grace_ms, char *err,
                         size_t errlen)
{
    if (!s || !(s->flags & MHD_USE_TLS) || !tls) {
        snprintf(err, errlen, "the hub serves plain HTTP: there is no certificate to reload");
        return -1;
    }
    /* The old daemon stops accepting; connections wait in the socket's queue
     * until the new one, started on the same socket, takes them. */
    MHD_socket fd = MHD_quiesce_daemon(s->d);
    if (fd == MHD_INVALID_SOCKET) {
        snprintf(err, errlen, "the listening socket could not be handed over (the old certificate stays)");
        return -1;
    }
    struct MHD_Daemon *old = s->d;
    int rc = 0;
    s->d = start_daemon(s, 0, NULL, fd, tls);
    if (!s->d) {
        snprintf(err, errlen, "libmicrohttpd refused the new certificate or key (the old certificate stays)");
        rc = -1;
        s->d = start_daemon(s, 0, NULL, fd, old_tls);
        if (!s->d) {
            snprintf(err, errlen, "no daemon could be started again on the listening socket");
            close(fd);
            MHD_stop_daemon(old);
            return -2;
        }
    }
    wait_in_flight(s, grace_ms); /* requests the old daemon was serving */
    MHD_stop_daemon(old);
    return rc;
}

void sl_server_stop(sl_server *s, int grace_ms)
{
    if (!s)
        return;
    MHD_socket fd = s->d ? MHD_quiesce_daemon(s->d) : MHD_INVALID_SOCKET;
    if (fd != MHD_INVALID_SOCKET)
        close(fd);
    wait_in_flight(s, grace_ms);
    if (atomic_load(&s->hub->in_flight) > 0)
        sl_log_warn(&s->hub->log, "stopping with %d requests still in flight",
                    atomic_load(&s->hub->in_flight));
    if (s->d)
        MHD_stop_daemon(s->d);
    pthread_mutex_destroy(&s->log_mu);
    free(s);
}
