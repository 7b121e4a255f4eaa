/* hubflood.c — test helper: opens many connections to the hub from one address and holds them (idle, or a body nearly sent). */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/*
 * Usage:
 *   hubflood --connect IPV4:PORT --conns N [--bind IPV4] [--stats FILE]
 *            [--post PATH --token TOKEN --length BYTES --send BYTES]
 *
 * Opens N connections to the address (from the local address --bind, e.g.
 * 127.0.0.3, so that the hub sees them come from there) and holds them until
 * SIGTERM or SIGINT. Without --post they stay idle: nothing is sent. With
 * --post each sends "POST PATH" with the screen token, Content-Type
 * application/json, Content-Length BYTES and "Expect: 100-continue"; once the
 * hub answers "100 Continue" it sends the first BYTES of the body ('{"records":['
 * then spaces) and holds: a body nearly complete, never finished.
 * The open-file limit is raised to the hard limit first.
 *
 * The counts are written to the --stats file ("name count" lines, replaced
 * atomically) whenever they change (at most every 50 ms) and printed on exit:
 *   attempted  connections started
 *   connected  connections the kernel completed
 *   failed     connections that could not be made
 *   open       connected, still open, not answered
 *   closed     closed by the hub without an answer
 *   sent       --post: connections that sent all their bytes (and hold)
 *   status_503 / retry_after / status_other  final answers (503s, of them
 *              with a Retry-After header, any other status)
 *   settled    1 once every connection is connected or failed
 * A connection that got a final answer is closed by this tool.
 */

#define HDR_MAX 4096

typedef enum { C_CONNECTING, C_HEADERS, C_WAIT_CONTINUE, C_BODY, C_HOLD, C_DONE } cstate;

typedef struct {
    int fd;
    cstate st;
    size_t off;        /* bytes of the request head or body sent */
    char in[HDR_MAX];  /* what the hub sent (its reply's head) */
    size_t in_len;
} conn;

typedef struct {
    long attempted, connected, failed, open, closed, sent, s503, retry_after, other;
    bool settled;
} counts;

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void write_stats(const char *path, const counts *c, FILE *also)
{
    char tmp[4096];
    char text[1024];
    snprintf(text, sizeof text,
             "attempted %ld\nconnected %ld\nfailed %ld\nopen %ld\nclosed %ld\nsent %ld\nstatus_503 %ld\n"
             "retry_after %ld\nstatus_other %ld\nsettled %d\n",
             c->attempted, c->connected, c->failed, c->open, c->closed, c->sent, c->s503, c->retry_after,
             c->other, c->settled ? 1 : 0);
    if (also)
        fputs(text, also);
    if (!path)
        return;
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (!f)
        return;
    fputs(text, f);
    if (fclose(f) == 0)
        rename(tmp, path);
}

static int parse_addr(const char *s, struct sockaddr_in *sa, bool want_port)
{
    char host[64];
    const char *colon = strrchr(s, ':');
    size_t hl = want_port ? (colon ? (size_t)(colon - s) : 0) : strlen(s);
    if (hl == 0 || hl >= sizeof host)
        return -1;
    memcpy(host, s, hl);
    host[hl] = '\0';
    memset(sa, 0, sizeof *sa);
    sa->sin_family = AF_INET;
    if (inet_pton(AF_INET, host, &sa->sin_addr) != 1)
        return -1;
    if (want_port) {
        char *e;
        long p = strtol(colon + 1, &e, 10);
        if (*e || p <= 0 || p > 65535)
            return -1;
        sa->sin_port = htons((uint16_t)p);
    }
    return 0;
}

/* The status of a complete reply head in c->in (0 when not complete). */
static int reply_status(const conn *c, bool *retry_after, size_t *head_len)
{
    const char *end = NULL;
    for (size_t i = 0; i + 3 < c->in_len; i++) {
        if (memcmp(c->in + i, "\r\n\r\n", 4) == 0) {
            end = c->in + i;
            *head_len = i + 4;
            break;
        }
    }
    if (!end || c->in_len < 12 || strncmp(c->in, "HTTP/1.", 7) != 0)
        return 0;
    *retry_after = false;
    for (const char *p = c->in; p && p < end; p = memchr(p, '\n', (size_t)(end - p))) {
        if (*p == '\n')
            p++;
        if ((size_t)(end - p) > 12 && strncasecmp(p, "Retry-After:", 12) == 0)
            *retry_after = true;
    }
    return atoi(c->in + 9);
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {{"connect", required_argument, NULL, 'c'},
                                         {"bind", required_argument, NULL, 'b'},
                                         {"conns", required_argument, NULL, 'n'},
                                         {"stats", required_argument, NULL, 's'},
                                         {"post", required_argument, NULL, 'p'},
                                         {"token", required_argument, NULL, 't'},
                                         {"length", required_argument, NULL, 'l'},
                                         {"send", required_argument, NULL, 'S'},
                                         {NULL, 0, NULL, 0}};
    const char *connect_to = NULL, *bind_to = NULL, *stats = NULL, *path = NULL, *token = "";
    long n = 0, length = 0, send_bytes = 0;
    int o;
    while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (o) {
        case 'c': connect_to = optarg; break;
        case 'b': bind_to = optarg; break;
        case 'n': n = atol(optarg); break;
        case 's': stats = optarg; break;
        case 'p': path = optarg; break;
        case 't': token = optarg; break;
        case 'l': length = atol(optarg); break;
        case 'S': send_bytes = atol(optarg); break;
        default:
            fprintf(stderr, "hubflood: see the usage at the top of tests/tools/hubflood.c\n");
            return 2;
        }
    }
    struct sockaddr_in to, from;
    if (!connect_to || parse_addr(connect_to, &to, true) != 0 || n <= 0 ||
        (bind_to && parse_addr(bind_to, &from, false) != 0) || (path && (length <= 0 || send_bytes > length))) {
        fprintf(stderr, "hubflood: --connect IPV4:PORT and --conns N are needed (--send at most --length)\n");
        return 2;
    }
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY && (rlim_t)n + 16 > rl.rlim_cur) {
        fprintf(stderr, "hubflood: the open-file limit (%llu) is too low for %ld connections\n",
                (unsigned long long)rl.rlim_cur, n);
        return 77;
    }
    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGTERM);
    sigaddset(&sigs, SIGINT);
    sigprocmask(SIG_BLOCK, &sigs, NULL);
    signal(SIGPIPE, SIG_IGN);
    int sfd = signalfd(-1, &sigs, SFD_CLOEXEC);

    char head[1024];
    int head_len = 0;
    char *body = NULL;
    if (path) {
        head_len = snprintf(head, sizeof head,
                            "POST %s HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\n"
                            "Content-Type: application/json\r\nContent-Length: %ld\r\nExpect: 100-continue\r\n\r\n",
                            path, connect_to, token, length);
        body = malloc((size_t)send_bytes + 1);
        if (!body)
            return 1;
        memset(body, ' ', (size_t)send_bytes);
        memcpy(body, "{\"records\":[", send_bytes < 12 ? (size_t)send_bytes : 12);
    }

    conn *cs = calloc((size_t)n, sizeof *cs);
    struct pollfd *pf = calloc((size_t)n + 1, sizeof *pf);
    counts c = {0};
    if (!cs || !pf)
        return 1;
    for (long i = 0; i < n; i++) {
        cs[i].fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        c.attempted++;
        if (cs[i].fd < 0 || (bind_to && bind(cs[i].fd, (struct sockaddr *)&from, sizeof from) != 0) ||
            (connect(cs[i].fd, (struct sockaddr *)&to, sizeof to) != 0 && errno != EINPROGRESS)) {
            if (cs[i].fd >= 0)
                close(cs[i].fd);
            cs[i].fd = -1;
            cs[i].st = C_DONE;
            c.failed++;
            continue;
        }
        cs[i].st = C_CONNECTING;
    }
    int64_t last_write = 0;
    bool dirty = true;
    for (;;) {
        nfds_t k;
        for (long i = 0; i < n; i++) {
            pf[i].fd = cs[i].st == C_DONE ? -1 : cs[i].fd;
            pf[i].events = POLLIN;
            if (cs[i].st == C_CONNECTING || cs[i].st == C_HEADERS || cs[i].st == C_BODY)
                pf[i].events |= POLLOUT;
            pf[i].revents = 0;
        }
        pf[n].fd = sfd;
        pf[n].events = POLLIN;
        pf[n].revents = 0;
        k = (nfds_t)n + 1;
        int pr = poll(pf, k, 50);
        if (pr < 0 && errno != EINTR)
            break;
        if (pf[n].revents & POLLIN)
            break;
        for (long i = 0; i < n && pr > 0; i++) {
            conn *x = &cs[i];
            short re = pf[i].revents;
            if (!re || x->st == C_DONE)
                continue;
            dirty = true;
            if (x->st == C_CONNECTING) {
                int err = 0;
                socklen_t el = sizeof err;
                getsockopt(x->fd, SOL_SOCKET, SO_ERROR, &err, &el);
                if (err) {
                    close(x->fd);
                    x->st = C_DONE;
                    c.failed++;
                    continue;
                }
                if (!(re & (POLLOUT | POLLIN | POLLHUP)))
                    continue;
                c.connected++;
                c.open++;
                x->st = path ? C_HEADERS : C_HOLD;
            }
            if (re & (POLLIN | POLLHUP | POLLERR)) {
                ssize_t got = recv(x->fd, x->in + x->in_len, sizeof x->in - x->in_len, 0);
                if (got > 0)
                    x->in_len += (size_t)got;
                bool ra = false;
                size_t hl = 0;
                int status = reply_status(x, &ra, &hl);
                if (status == 100 && x->st == C_WAIT_CONTINUE) {
                    memmove(x->in, x->in + hl, x->in_len - hl);
                    x->in_len -= hl;
                    x->st = C_BODY;
                    status = reply_status(x, &ra, &hl);
                }
                if (status >= 200) {
                    if (status == 503)
                        c.s503++;
                    else
                        c.other++;
                    if (status == 503 && ra)
                        c.retry_after++;
                    c.open--;
                    close(x->fd);
                    x->st = C_DONE;
                    continue;
                }
                if (got == 0 || (got < 0 && errno != EAGAIN && errno != EINTR) || x->in_len == sizeof x->in) {
                    c.open--;
                    c.closed++;
                    close(x->fd);
                    x->st = C_DONE;
                    continue;
                }
            }
            if ((re & POLLOUT) && x->st == C_HEADERS) {
                ssize_t w = send(x->fd, head + x->off, (size_t)head_len - x->off, MSG_NOSIGNAL);
                if (w > 0 && (x->off += (size_t)w) == (size_t)head_len) {
                    x->st = C_WAIT_CONTINUE;
                    x->off = 0;
                }
            } else if ((re & POLLOUT) && x->st == C_BODY) {
                ssize_t w = send(x->fd, body + x->off, (size_t)send_bytes - x->off, MSG_NOSIGNAL);
                if (w > 0)
                    x->off += (size_t)w;
                if (x->off == (size_t)send_bytes) {
                    x->st = C_HOLD;
                    c.sent++;
                }
            }
        }
        c.settled = c.connected + c.failed == c.attempted;
        if (dirty && now_ms() - last_write >= 50) {
            write_stats(stats, &c, NULL);
            last_write = now_ms();
            dirty = false;
        }
    }
    c.settled = c.connected + c.failed == c.attempted;
    write_stats(stats, &c, stdout);
    for (long i = 0; i < n; i++) {
        if (cs[i].st != C_DONE)
            close(cs[i].fd);
    }
    free(cs);
    free(pf);
    free(body);
    close(sfd);
    return 0;
}
