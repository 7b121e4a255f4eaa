/* faultproxy.c — test helper: a loopback HTTP proxy that drops, stalls, truncates and corrupts replies, by a seed. */
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
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/*
 * Usage:
 *   faultproxy --upstream HOST:PORT [--listen PORT] [--seed N] [--drop-before PCT]
 *              [--drop-after PCT] [--stall PCT] [--truncate PCT] [--corrupt PCT]
 *              [--stall-ms MS] [--stall-at BYTES] [--only PATH-PREFIX] [--script KIND,…]
 *              [--digits] [--replace FILE] [--stats FILE] [--off]
 *
 * Listens on 127.0.0.1:PORT (0, the default: any free port) and prints the
 * port on the first line of stdout. Every connection is forwarded to the
 * upstream (an IPv4 address). Each exchange (one request and its reply; a
 * kept-alive connection has several) gets one fault, drawn from the
 * connection's own generator (seeded with the seed and the connection's
 * number, so connection N always draws the same faults in the same order):
 *   drop_before  the connection is closed when the request starts (upstream sees nothing)
 *   drop_after   the request is forwarded; once the reply begins, both sides are closed
 *   stall        the reply stops for MS ms (default 2000) at a random byte (or at BYTES)
 *   truncate     the reply is cut at a random byte before its end, both sides closed
 *   corrupt      one to three bits of the reply body are flipped (replies with a body only);
 *                with --digits, digits of the body become other digits instead (one in
 *                four of them, at random), so that a JSON reply stays well-formed and
 *                only its numbers lie
 *   replace      (only with --script and --replace FILE) the reply, headers and body, is
 *                replaced by the bytes of FILE, a whole HTTP reply with its own
 *                Content-Length: what an attacker on the network path would serve (the
 *                upstream's reply is read and thrown away)
 * Each PCT is the chance in percent (whole numbers; the rest pass through).
 * --script KIND,KIND,… instead applies these faults (names as above, or pass)
 * to the exchanges in the order they start, over and over, whatever their
 * connection: with one client at a time, a fault sequence known in advance.
 * A fault that cannot strike a reply (corrupt without a body, truncate of a
 * one-byte reply) lets it pass.
 * --only limits the faults to requests whose path starts with the prefix.
 * Replies are followed by their Content-Length; a reply without one (chunked,
 * or unparsable headers) is passed through with the rest of its connection.
 *
 * SIGUSR1 turns the faults off and on (--off: start with them off).
 * With SL_FAULTPROXY_TRACE set in the environment, each exchange (its request
 * line and fault) and each reply (status, length) is written to stderr.
 * The counts of exchanges and of each fault really injected are written to
 * the --stats file after every change ("name count" lines, replaced
 * atomically) and printed to stdout on SIGTERM or SIGINT, which end it.
 */

#define MAX_CONNS 64
#define BUF_BYTES 65536
#define HDR_MAX 16384

enum fault { F_PASS, F_DROP_BEFORE, F_DROP_AFTER, F_STALL, F_TRUNCATE, F_CORRUPT, F_REPLACE, F_N };
static const char *const fault_name[F_N] = {"pass",     "drop_before", "drop_after", "stall",
                                            "truncate", "corrupt",     "replace"};

typedef struct {
    int pct[F_N];
    int stall_ms;
    long long stall_at; /* -1: a random point */
    uint64_t seed;
    const char *only;
    const char *stats;
    bool on;
    bool digits; /* corrupt changes digits of the body into other digits */
    bool trace;  /* SL_FAULTPROXY_TRACE set: one stderr line per exchange and per reply */
    enum fault script[64]; /* --script: the faults in this order, over and over */
    int script_len;
    char *replace;         /* --replace FILE: the reply served instead of upstream's */
    size_t replace_len;
} config;

typedef struct {
    long long connections, exchanges, count[F_N];
    long long script_pos; /* exchanges the --script was applied to */
} stats;

typedef struct {
    char b[BUF_BYTES];
    size_t off, len;
} buf;

enum rstate { R_IDLE, R_HDR, R_BODY, R_OPAQUE };

typedef struct {
    int cfd, ufd;
    uint64_t rng;
    buf c2u, u2c;
    enum rstate rs;
    enum fault f;
    bool head;               /* a HEAD request: its reply has no body */
    char hdr[HDR_MAX];
    size_t hlen;
    long long rpos, spos;    /* reply bytes read from upstream, sent to the client */
    long long total, cut;    /* the reply's length; where the stall or cut happens (-1: none) */
    long long flip[3];
    unsigned char flipx[3];
    int nflip;
    long long body_from;     /* where the reply's body starts (--digits) */
    bool counted;            /* this exchange's corruption was counted */
    int64_t stall_until;     /* monotonic ms; 0: not stalled */
    bool up_eof;
    long long discard;       /* bytes of a replaced upstream reply still to read and throw away */
} conn;

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static uint64_t splitmix(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static long long rnd_below(conn *c, long long n)
{
    return n > 0 ? (long long)(splitmix(&c->rng) % (uint64_t)n) : 0;
}

static void write_stats(const config *cfg, const stats *st, FILE *also)
{
    char tmp[4200];
    FILE *f = NULL;
    if (cfg->stats) {
        snprintf(tmp, sizeof tmp, "%s.tmp", cfg->stats);
        f = fopen(tmp, "w");
    }
    for (int pass = 0; pass < 2; pass++) {
        FILE *o = pass == 0 ? f : also;
        if (!o)
            continue;
        fprintf(o, "connections %lld\nexchanges %lld\n", st->connections, st->exchanges);
        for (int i = 0; i < F_N; i++)
            fprintf(o, "%s %lld\n", fault_name[i], st->count[i]);
        fflush(o);
    }
    if (f) {
        bool ok = fclose(f) == 0;
        if (ok)
            rename(tmp, cfg->stats);
    }
}

static void count(const config *cfg, stats *st, enum fault f)
{
    st->count[f]++;
    write_stats(cfg, st, NULL);
}

static void conn_close(conn *c)
{
    if (c->cfd >= 0)
        close(c->cfd);
    if (c->ufd >= 0)
        close(c->ufd);
    c->cfd = c->ufd = -1;
}

static int set_nonblock(int fd)
{
    int fl = fcntl(fd, F_GETFL);
    return fl < 0 ? -1 : fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

/* The first bytes of a request arrived: draws this exchange's fault. */
static void exchange_start(conn *c, const config *cfg, stats *st)
{
    const char *p = c->c2u.b + c->c2u.off;
    size_t n = c->c2u.len;
    c->head = n >= 5 && !memcmp(p, "HEAD ", 5);
    int r = (int)rnd_below(c, 100); /* drawn always, so that the sequence does not depend on --only or --off */
    c->f = F_PASS;
    bool applies = cfg->on;
    if (applies && cfg->only) {
        const char *sp = memchr(p, ' ', n);
        size_t plen = strlen(cfg->only);
        applies = sp && (size_t)(p + n - (sp + 1)) >= plen && !memcmp(sp + 1, cfg->only, plen);
    }
    if (applies && cfg->script_len > 0)
        c->f = cfg->script[st->script_pos++ % cfg->script_len];
    for (int i = F_DROP_BEFORE, acc = 0; applies && cfg->script_len == 0 && i < F_N; i++) {
        acc += cfg->pct[i];
        if (r < acc) {
            c->f = (enum fault)i;
            break;
        }
    }
    c->rs = R_HDR;
    c->hlen = 0;
    c->rpos = c->spos = 0;
    c->total = -1;
    c->cut = -1;
    c->nflip = 0;
    st->exchanges++;
    if (cfg->trace) {
        const char *eol = memchr(p, '\r', n);
        fprintf(stderr, "faultproxy: exchange %lld on fd %d: %.*s: %s\n", st->exchanges, c->cfd,
                (int)(eol ? (size_t)(eol - p) : (n < 80 ? n : 80)), p, fault_name[c->f]);
    }
    write_stats(cfg, st, NULL);
}

/* Finds the blank line ending the headers; returns the header length or 0. */
static size_t header_end(const char *h, size_t n)
{
    for (size_t i = 3; i < n; i++)
        if (h[i - 3] == '\r' && h[i - 2] == '\n' && h[i - 1] == '\r' && h[i] == '\n')
            return i + 1;
    return 0;
}

/* The reply's length from its status and Content-Length, or -1 when it is not delimited so. */
static long long reply_length(const conn *c, size_t hend)
{
    char h[HDR_MAX + 1];
    memcpy(h, c->hdr, hend);
    h[hend] = 0;
    int status = 0;
    if (sscanf(h, "HTTP/%*d.%*d %d", &status) != 1)
        return -1;
    if (status < 200)
        return -1; /* an interim reply (100 Continue): the rest of the connection passes untouched */
    if (c->head || status == 204 || status == 304)
        return (long long)hend;
    for (char *line = strstr(h, "\r\n"); line; line = strstr(line + 2, "\r\n")) {
        if (!strncasecmp(line + 2, "Content-Length:", 15)) {
            char *end;
            long long cl = strtoll(line + 17, &end, 10);
            return cl >= 0 ? (long long)hend + cl : -1;
        }
        if (!strncasecmp(line + 2, "Transfer-Encoding:", 18))
            return -1;
    }
    return -1;
}

/* Appends reply bytes to the client buffer, flipping the chosen bits (or,
 * with --digits, turning each digit of the body into another one, one in four). */
static void emit(conn *c, const config *cfg, stats *st, const char *p, size_t n)
{
    buf *b = &c->u2c;
    if (b->off && b->len == 0)
        b->off = 0;
    char *out = b->b + b->off + b->len;
    memcpy(out, p, n);
    for (int i = 0; i < c->nflip; i++)
        if (c->flip[i] >= c->rpos && c->flip[i] < c->rpos + (long long)n)
            out[c->flip[i] - c->rpos] ^= (char)c->flipx[i];
    for (size_t i = 0; c->f == F_CORRUPT && cfg->digits && i < n; i++) {
        if (c->rpos + (long long)i < c->body_from || out[i] < '0' || out[i] > '9' || rnd_below(c, 4) != 0)
            continue;
        out[i] = (char)('0' + (out[i] - '0' + 1 + rnd_below(c, 9)) % 10);
        if (!c->counted) {
            c->counted = true;
            count(cfg, st, F_CORRUPT);
        }
    }
    b->len += n;
    c->rpos += (long long)n;
}

/* The reply's headers are complete: decides where its fault strikes. */
static void reply_begins(conn *c, const config *cfg, stats *st, size_t hend)
{
    long long total = reply_length(c, hend);
    if (total < 0) {
        if (cfg->trace)
            fprintf(stderr, "faultproxy: reply on fd %d: %.12s, no length: the connection passes as it is\n",
                    c->cfd, c->hdr);
        c->rs = R_OPAQUE;
        return;
    }
    c->total = total;
    c->rs = R_BODY;
    if (cfg->trace)
        fprintf(stderr, "faultproxy: reply on fd %d: %.12s, %lld bytes, %s\n", c->cfd, c->hdr, total,
                fault_name[c->f]);
    switch (c->f) {
    case F_STALL:
        c->cut = cfg->stall_at >= 0 ? (cfg->stall_at < total ? cfg->stall_at : total - 1) : rnd_below(c, total);
        break;
    case F_TRUNCATE:
        if (total >= 2)
            c->cut = 1 + rnd_below(c, total - 1);
        else
            c->f = F_PASS;
        break;
    case F_REPLACE:
        if (!cfg->replace)
            c->f = F_PASS;
        break;
    case F_CORRUPT:
        c->body_from = (long long)hend;
        c->counted = false;
        if (cfg->digits && total > (long long)hend)
            break; /* counted when a digit changes */
        if (total > (long long)hend) {
            c->nflip = 1 + (int)rnd_below(c, 3);
            for (int i = 0; i < c->nflip; i++) {
                c->flip[i] = (long long)hend + rnd_below(c, total - (long long)hend);
                c->flipx[i] = (unsigned char)(1u << rnd_below(c, 8));
            }
            count(cfg, st, F_CORRUPT);
        } else {
            c->f = F_PASS;
        }
        break;
    default:
        break;
    }
    if (c->f == F_PASS)
        count(cfg, st, F_PASS);
}

/* Reads what upstream sent. Returns -1 when the connection ends. */
static int from_upstream(conn *c, const config *cfg, stats *st)
{
    if (c->discard > 0) { /* the rest of a replaced reply */
        char junk[BUF_BYTES];
        ssize_t n = read(c->ufd, junk, c->discard < (long long)sizeof junk ? (size_t)c->discard : sizeof junk);
        if (n < 0)
            return errno == EAGAIN || errno == EINTR ? 0 : -1;
        if (n == 0)
            return -1;
        c->discard -= n;
        return 0;
    }
    if (c->rs == R_HDR) {
        if (c->f == F_DROP_AFTER) { /* the upstream has the request and answers: nobody hears it */
            count(cfg, st, F_DROP_AFTER);
            return -1;
        }
        ssize_t n = read(c->ufd, c->hdr + c->hlen, HDR_MAX - c->hlen);
        if (n < 0)
            return errno == EAGAIN || errno == EINTR ? 0 : -1;
        if (n == 0)
            return -1;
        c->hlen += (size_t)n;
        size_t hend = header_end(c->hdr, c->hlen);
        if (hend > 0)
            reply_begins(c, cfg, st, hend);
        if (c->rs == R_BODY && c->f == F_REPLACE) {
            long long used = (long long)c->hlen < c->total ? (long long)c->hlen : c->total;
            c->discard = c->total - used;
            c->total = (long long)cfg->replace_len;
            c->hlen = 0;
            c->u2c.off = c->u2c.len = 0;
            emit(c, cfg, st, cfg->replace, cfg->replace_len);
            count(cfg, st, F_REPLACE);
            return 0;
        }
        if (c->rs == R_HDR && c->hlen == HDR_MAX)
            c->rs = R_OPAQUE;
        if (c->rs == R_OPAQUE) {
            memcpy(c->u2c.b, c->hdr, c->hlen);
            c->u2c.off = 0;
            c->u2c.len = c->hlen;
        } else if (c->rs == R_BODY) {
            size_t take = c->hlen;
            if ((long long)take > c->total)
                take = (size_t)c->total; /* bytes past the reply: the server would not send them */
            emit(c, cfg, st, c->hdr, take);
        }
        if (c->rs != R_HDR)
            c->hlen = 0; /* the headers went on; until they are whole (a stall upstream may split them), they wait */
        return 0;
    }
    buf *b = &c->u2c;
    if (b->len == 0)
        b->off = 0;
    size_t room = BUF_BYTES - b->off - b->len;
    if (c->rs == R_BODY && (long long)room > c->total - c->rpos)
        room = (size_t)(c->total - c->rpos);
    if (room == 0)
        return 0;
    char tmp[BUF_BYTES];
    ssize_t n = read(c->ufd, tmp, room);
    if (n < 0)
        return errno == EAGAIN || errno == EINTR ? 0 : -1;
    if (n == 0) {
        c->up_eof = true;
        return b->len ? 0 : -1;
    }
    if (c->rs == R_BODY) {
        emit(c, cfg, st, tmp, (size_t)n);
    } else {
        memcpy(b->b + b->off + b->len, tmp, (size_t)n);
        b->len += (size_t)n;
    }
    return 0;
}

/* How many buffered reply bytes may go to the client now. */
static size_t sendable(const conn *c)
{
    if (c->stall_until)
        return 0;
    size_t n = c->u2c.len;
    if (c->rs == R_BODY && c->cut >= 0 && (long long)n > c->cut - c->spos)
        n = (size_t)(c->cut - c->spos);
    return n;
}

/* After bytes went out (or none could): acts at the fault's point. Returns -1 to close. */
static int at_cut(conn *c, const config *cfg, stats *st)
{
    if (c->rs != R_BODY)
        return 0;
    if (c->cut >= 0 && c->spos == c->cut) {
        if (c->f == F_TRUNCATE) {
            count(cfg, st, F_TRUNCATE);
            return -1;
        }
        if (c->f == F_STALL) {
            count(cfg, st, F_STALL);
            c->stall_until = mono_ms() + cfg->stall_ms;
            c->cut = -1;
        }
    }
    if (c->spos == c->total)
        c->rs = R_IDLE; /* the reply is out: the next request starts a new exchange */
    return 0;
}

static int to_client(conn *c, const config *cfg, stats *st)
{
    size_t n = sendable(c);
    if (n > 0) {
        ssize_t w = write(c->cfd, c->u2c.b + c->u2c.off, n);
        if (w < 0)
            return errno == EAGAIN || errno == EINTR ? 0 : -1;
        c->u2c.off += (size_t)w;
        c->u2c.len -= (size_t)w;
        if (c->rs == R_BODY)
            c->spos += w;
    }
    if (at_cut(c, cfg, st) != 0)
        return -1;
    if (c->up_eof && c->u2c.len == 0)
        return -1;
    return 0;
}

static int from_client(conn *c, const config *cfg, stats *st)
{
    buf *b = &c->c2u;
    b->off = 0;
    ssize_t n = read(c->cfd, b->b, BUF_BYTES);
    if (n < 0)
        return errno == EAGAIN || errno == EINTR ? 0 : -1;
    if (n == 0)
        return -1;
    b->len = (size_t)n;
    if (c->rs == R_IDLE) {
        exchange_start(c, cfg, st);
        if (c->f == F_DROP_BEFORE) {
            count(cfg, st, F_DROP_BEFORE);
            return -1;
        }
    }
    return 0;
}

static int to_upstream(conn *c)
{
    buf *b = &c->c2u;
    ssize_t w = write(c->ufd, b->b + b->off, b->len);
    if (w < 0)
        return errno == EAGAIN || errno == EINTR ? 0 : -1;
    b->off += (size_t)w;
    b->len -= (size_t)w;
    return 0;
}

static int parse_upstream(const char *v, struct sockaddr_in *sa)
{
    char host[64];
    const char *colon = strrchr(v, ':');
    if (!colon || (size_t)(colon - v) >= sizeof host)
        return -1;
    memcpy(host, v, (size_t)(colon - v));
    host[colon - v] = 0;
    long port = strtol(colon + 1, NULL, 10);
    memset(sa, 0, sizeof *sa);
    sa->sin_family = AF_INET;
    sa->sin_port = htons((uint16_t)port);
    return port > 0 && port < 65536 && inet_pton(AF_INET, host, &sa->sin_addr) == 1 ? 0 : -1;
}

static int parse_script(const char *v, config *cfg)
{
    char list[1024];
    snprintf(list, sizeof list, "%s", v);
    cfg->script_len = 0;
    for (char *save = NULL, *t = strtok_r(list, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        int k = 0;
        while (k < F_N && strcmp(t, fault_name[k]) != 0)
            k++;
        if (k == F_N || cfg->script_len == (int)(sizeof cfg->script / sizeof cfg->script[0]))
            return -1;
        cfg->script[cfg->script_len++] = (enum fault)k;
    }
    return cfg->script_len > 0 ? 0 : -1;
}

static int usage(void)
{
    fprintf(stderr, "usage: faultproxy --upstream HOST:PORT [--listen PORT] [--seed N] [--drop-before PCT]\n"
                    "       [--drop-after PCT] [--stall PCT] [--truncate PCT] [--corrupt PCT] [--stall-ms MS]\n"
                    "       [--stall-at BYTES] [--only PATH-PREFIX] [--script KIND,…] [--digits] [--replace FILE]\n"
                    "       [--stats FILE] [--off]\n");
    return 2;
}

static int accept_one(int lfd, const struct sockaddr_in *up, conn *conns, const config *cfg, stats *st)
{
    int cfd = accept(lfd, NULL, NULL);
    if (cfd < 0)
        return 0;
    conn *c = NULL;
    for (int i = 0; i < MAX_CONNS && !c; i++)
        if (conns[i].cfd < 0)
            c = &conns[i];
    int ufd = c ? socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0) : -1;
    if (ufd < 0 || connect(ufd, (const struct sockaddr *)up, sizeof *up) != 0 || set_nonblock(cfd) != 0 ||
        set_nonblock(ufd) != 0) {
        if (ufd >= 0)
            close(ufd);
        close(cfd);
        return 0;
    }
    memset(c, 0, sizeof *c);
    c->cfd = cfd;
    c->ufd = ufd;
    c->cut = -1;
    st->connections++;
    uint64_t s = cfg->seed * 1000003ull + (uint64_t)st->connections;
    c->rng = splitmix(&s);
    return 0;
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"upstream", required_argument, NULL, 'u'}, {"listen", required_argument, NULL, 'l'},
        {"seed", required_argument, NULL, 's'},     {"drop-before", required_argument, NULL, 'B'},
        {"drop-after", required_argument, NULL, 'A'}, {"stall", required_argument, NULL, 'S'},
        {"truncate", required_argument, NULL, 'T'}, {"corrupt", required_argument, NULL, 'C'},
        {"stall-ms", required_argument, NULL, 'm'}, {"stall-at", required_argument, NULL, 'a'},
        {"only", required_argument, NULL, 'o'},     {"stats", required_argument, NULL, 'f'},
        {"off", no_argument, NULL, 'x'},            {"script", required_argument, NULL, 'k'},
        {"digits", no_argument, NULL, 'd'},         {"replace", required_argument, NULL, 'r'},
        {NULL, 0, NULL, 0}};
    config cfg = {.stall_ms = 2000, .stall_at = -1, .seed = 1, .on = true};
    cfg.trace = getenv("SL_FAULTPROXY_TRACE") != NULL;
    stats st = {0};
    struct sockaddr_in up;
    bool have_up = false;
    long listen_port = 0;
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'u':
            if (parse_upstream(optarg, &up) != 0)
                return usage();
            have_up = true;
            break;
        case 'l': listen_port = strtol(optarg, NULL, 10); break;
        case 's': cfg.seed = strtoull(optarg, NULL, 10); break;
        case 'B': cfg.pct[F_DROP_BEFORE] = atoi(optarg); break;
        case 'A': cfg.pct[F_DROP_AFTER] = atoi(optarg); break;
        case 'S': cfg.pct[F_STALL] = atoi(optarg); break;
        case 'T': cfg.pct[F_TRUNCATE] = atoi(optarg); break;
        case 'C': cfg.pct[F_CORRUPT] = atoi(optarg); break;
        case 'm': cfg.stall_ms = atoi(optarg); break;
        case 'a': cfg.stall_at = strtoll(optarg, NULL, 10); break;
        case 'o': cfg.only = optarg; break;
        case 'f': cfg.stats = optarg; break;
        case 'x': cfg.on = false; break;
        case 'd': cfg.digits = true; break;
        case 'r': {
            FILE *rf = fopen(optarg, "rb");
            cfg.replace = rf ? malloc(BUF_BYTES) : NULL;
            cfg.replace_len = cfg.replace ? fread(cfg.replace, 1, BUF_BYTES, rf) : 0;
            if (rf)
                fclose(rf);
            if (!cfg.replace || cfg.replace_len == 0 || cfg.replace_len == BUF_BYTES) {
                fprintf(stderr, "faultproxy: --replace %s: cannot read it, or it is empty or 64 KiB or more\n", optarg);
                return 2;
            }
            break;
        }
        case 'k':
            if (parse_script(optarg, &cfg) != 0)
                return usage();
            break;
        default: return usage();
        }
    }
    int sum = 0;
    for (int i = 0; i < F_N; i++)
        sum += cfg.pct[i] < 0 ? 1000 : cfg.pct[i];
    if (!have_up || optind != argc || sum > 100 || listen_port < 0 || listen_port > 65535 || cfg.stall_ms < 0)
        return usage();

    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGTERM);
    sigaddset(&mask, SIGINT);
    sigaddset(&mask, SIGUSR1);
    sigprocmask(SIG_BLOCK, &mask, NULL);
    signal(SIGPIPE, SIG_IGN);
    int sfd = signalfd(-1, &mask, SFD_CLOEXEC);
    int lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    struct sockaddr_in la = {.sin_family = AF_INET, .sin_port = htons((uint16_t)listen_port)};
    la.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t alen = sizeof la;
    if (sfd < 0 || lfd < 0 || setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
        bind(lfd, (struct sockaddr *)&la, sizeof la) != 0 || listen(lfd, 64) != 0 ||
        getsockname(lfd, (struct sockaddr *)&la, &alen) != 0) {
        fprintf(stderr, "faultproxy: cannot listen on 127.0.0.1:%ld: %s\n", listen_port, strerror(errno));
        return 1;
    }
    printf("%d\n", ntohs(la.sin_port));
    fflush(stdout);
    write_stats(&cfg, &st, NULL);

    conn *conns = calloc(MAX_CONNS, sizeof *conns);
    struct pollfd *pf = calloc(2 + 2 * MAX_CONNS, sizeof *pf);
    if (!conns || !pf) {
        fprintf(stderr, "faultproxy: out of memory\n");
        return 1;
    }
    for (int i = 0; i < MAX_CONNS; i++)
        conns[i].cfd = conns[i].ufd = -1;
    int rc = 0;
    for (bool run = true; run;) {
        int64_t now = mono_ms(), wake = -1;
        pf[0] = (struct pollfd){.fd = lfd, .events = POLLIN};
        pf[1] = (struct pollfd){.fd = sfd, .events = POLLIN};
        for (int i = 0; i < MAX_CONNS; i++) {
            conn *k = &conns[i];
            pf[2 + 2 * i] = (struct pollfd){.fd = -1};
            pf[3 + 2 * i] = (struct pollfd){.fd = -1};
            if (k->cfd < 0)
                continue;
            if (k->stall_until && now >= k->stall_until)
                k->stall_until = 0;
            if (k->stall_until && (wake < 0 || k->stall_until - now < wake))
                wake = k->stall_until - now;
            short ce = 0, ue = 0;
            if (k->c2u.len == 0)
                ce |= POLLIN;
            if (sendable(k) > 0 || (k->rs == R_BODY && k->cut >= 0 && k->spos == k->cut))
                ce |= POLLOUT;
            if (k->c2u.len > 0)
                ue |= POLLOUT;
            bool reply_read = k->rs == R_BODY && k->rpos == k->total && k->discard == 0; /* wait for the next request */
            if (!k->up_eof && !k->stall_until && !reply_read &&
                (k->rs == R_HDR ? k->u2c.len == 0 : k->u2c.len < BUF_BYTES / 2))
                ue |= POLLIN;
            pf[2 + 2 * i] = (struct pollfd){.fd = k->cfd, .events = ce};
            pf[3 + 2 * i] = (struct pollfd){.fd = k->ufd, .events = ue};
        }
        int n = poll(pf, 2 + 2 * MAX_CONNS, wake < 0 ? -1 : (int)wake);
        if (n < 0 && errno != EINTR) {
            fprintf(stderr, "faultproxy: poll: %s\n", strerror(errno));
            rc = 1;
            break;
        }
        if (n <= 0)
            continue;
        if (pf[1].revents & POLLIN) {
            struct signalfd_siginfo si;
            if (read(sfd, &si, sizeof si) == (ssize_t)sizeof si) {
                if (si.ssi_signo == SIGUSR1) {
                    cfg.on = !cfg.on;
                    fprintf(stderr, "faultproxy: faults %s\n", cfg.on ? "on" : "off");
                } else {
                    write_stats(&cfg, &st, stdout);
                    run = false;
                    continue;
                }
            }
        }
        if (pf[0].revents & POLLIN)
            accept_one(lfd, &up, conns, &cfg, &st);
        for (int i = 0; i < MAX_CONNS; i++) {
            conn *k = &conns[i];
            short cr = pf[2 + 2 * i].revents, ur = pf[3 + 2 * i].revents;
            if (k->cfd < 0 || pf[2 + 2 * i].fd != k->cfd || (!cr && !ur))
                continue;
            int r = 0;
            if (cr & POLLIN)
                r = from_client(k, &cfg, &st);
            else if (cr & (POLLERR | POLLHUP))
                r = -1;
            if (r == 0 && (ur & POLLOUT) && k->c2u.len)
                r = to_upstream(k);
            if (r == 0 && (ur & POLLIN)) {
                r = from_upstream(k, &cfg, &st);
            } else if (r == 0 && (ur & (POLLHUP | POLLERR))) {
                k->up_eof = true;
                r = k->u2c.len ? 0 : -1;
            }
            if (r == 0 && (cr & POLLOUT))
                r = to_client(k, &cfg, &st);
            if (r != 0)
                conn_close(k);
        }
    }
    for (int i = 0; i < MAX_CONNS; i++)
        conn_close(&conns[i]);
    free(conns);
    free(pf);
    free(cfg.replace);
    close(lfd);
    close(sfd);
    return rc;
}
