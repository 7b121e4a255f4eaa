/* hubclient.c — the screenlit command's libcurl client of the hub API: settings, capped replies, retries, errors. */
#include "tools/screenlit/hubclient.h"

#include "content/fsutil.h"
#include "content/json.h"
#include "content/net/tlsclient.h"

#include <curl/curl.h>
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#ifndef SL_VERSION
#define SL_VERSION "0.1.0"
#endif

#define HUB_URL_MAX 2048
#define HUB_TOKEN_MAX 256
#define HUB_CONFIG_MAX (64u * 1024u)
#define HUB_PATH_MAX 1024
#define HUB_CONNECT_TIMEOUT_S 10L
#define HUB_STALL_S 60L /* a transfer that moves no byte for this long fails */
#define HUB_BACKOFF_MS 500L

struct sl_hubc {
    CURL *curl;
    char url[HUB_URL_MAX + 1];
    char token[HUB_TOKEN_MAX + 1]; /* "" when none */
    char ca[SL_TLSCLIENT_PATH_MAX]; /* the pinned CA file, or "": the system's CA store */
    int retries;
};

/* A reply body being received: grows up to `max` bytes, never further. */
typedef struct {
    char *buf;
    size_t len, cap, max;
    bool over;
} hub_sink;

bool sl_hubc_id_ok(const char *s)
{
    if (!s || !s[0] || s[0] == '.' || s[0] == '-')
        return false;
    size_t n = 0;
    for (const char *p = s; *p; p++, n++) {
        unsigned char ch = (unsigned char)*p;
        if (!(isalnum(ch) || ch == '.' || ch == '_' || ch == '-') || ch > 127)
            return false;
    }
    return n <= 64;
}

void sl_hubc_printable(const char *s, char *buf, size_t len)
{
    if (!len)
        return;
    size_t o = 0;
    for (const char *p = s ? s : ""; *p && o + 1 < len; p++) {
        unsigned char ch = (unsigned char)*p;
        buf[o++] = (ch < 0x20 || ch == 0x7f) ? '?' : (char)ch;
    }
    /* Do not leave half a UTF-8 sequence at a cut. */
    if (s && s[o] && o > 0) {
        size_t k = o;
        while (k > 0 && ((unsigned char)buf[k - 1] & 0xC0) == 0x80)
            k--;
        if (k > 0 && ((unsigned char)buf[k - 1] & 0xC0) == 0xC0) {
            unsigned char lead = (unsigned char)buf[k - 1];
            size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
            if (o - (k - 1) < need)
                o = k - 1;
        }
    }
    buf[o] = '\0';
}

/* Terminal columns of a code point (East Asian wide characters take two). */
static int hub_cp_width(uint32_t cp)
{
    if ((cp >= 0x300 && cp <= 0x36F) || (cp >= 0x200B && cp <= 0x200F) || cp == 0xFEFF)
        return 0;
    if ((cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0x303E) ||
        (cp >= 0x3041 && cp <= 0x33FF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
        (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0xA000 && cp <= 0xA4CF) ||
        (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
        (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
        (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x1F300 && cp <= 0x1F64F) ||
        (cp >= 0x1F900 && cp <= 0x1F9FF) || (cp >= 0x20000 && cp <= 0x3FFFD))
        return 2;
    return 1;
}

/* Decodes the UTF-8 character at p (valid: it came through sl_json_parse;
 * a stray byte counts as one character); *k gets its length in bytes. */
static uint32_t hub_decode(const unsigned char *p, size_t *k)
{
    size_t n = *p < 0x80 ? 1 : *p < 0xE0 ? 2 : *p < 0xF0 ? 3 : 4;
    uint32_t cp = n == 1 ? *p : n == 2 ? (*p & 0x1Fu) : n == 3 ? (*p & 0x0Fu) : (*p & 0x07u);
    for (size_t j = 1; j < n; j++) {
        if ((p[j] & 0xC0) != 0x80) {
            *k = 1;
            return '?';
        }
        cp = (cp << 6) | (p[j] & 0x3Fu);
    }
    *k = n;
    return cp;
}

/* Columns a character takes in a cell (control characters are shown as '?'). */
static int hub_width_at(const unsigned char *p, size_t *k)
{
    uint32_t cp = hub_decode(p, k);
    return (cp < 0x20 || cp == 0x7F) ? 1 : hub_cp_width(cp);
}

/* Copies text into a cell of at most maxw columns (and len bytes), cut with
 * "…" when longer; control characters become '?'. Returns the columns used. */
int sl_hubc_cell(const char *s, int maxw, char *buf, size_t len)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    size_t k, bytes = 0;
    int total = 0;
    for (const unsigned char *q = p; *q; q += k) {
        total += hub_width_at(q, &k);
        bytes += k;
    }
    bool cut = total > maxw || bytes + 1 > len;
    int room = cut ? maxw - 1 : maxw;
    size_t o = 0;
    int w = 0;
    for (; *p; p += k) {
        int cw = hub_width_at(p, &k);
        if (w + cw > room || o + k + 4 > len)
            break;
        uint32_t cp = hub_decode(p, &k);
        if (cp < 0x20 || cp == 0x7F)
            buf[o++] = '?';
        else {
            memcpy(buf + o, p, k);
            o += k;
        }
        w += cw;
    }
    if (cut) {
        memcpy(buf + o, "\xE2\x80\xA6", 3);
        o += 3;
        w += 1;
    }
    buf[o] = '\0';
    return w;
}

void sl_hubc_fmt_bytes(int64_t n, char *buf, size_t len)
{
    if (n < 1000)
        snprintf(buf, len, "%lld B", (long long)n);
    else if (n < 1000000)
        snprintf(buf, len, "%.1f kB", (double)n / 1e3);
    else if (n < 1000000000)
        snprintf(buf, len, "%.1f MB", (double)n / 1e6);
    else
        snprintf(buf, len, "%.2f GB", (double)n / 1e9);
}

/* Trims spaces at both ends in place; returns the start. */
static char *hub_trim(char *s)
{
    while (*s == ' ' || *s == '\t' || *s == '\r')
        s++;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        s[--n] = '\0';
    return s;
}

/* Reads "hub = …", "token = …" and "hub-ca = …" (a relative file is in the
 * config file's folder) from a config file into the buffers (which keep
 * what they hold when the file does not set them; ca has
 * SL_TLSCLIENT_PATH_MAX bytes). A missing file is fine unless `required`.
 * Returns 0 or -1 with err. */
static int hub_read_config(const char *path, bool required, char *url, size_t urllen, char *token,
                           size_t toklen, char *ca, char *err, size_t errlen)
{
    char *text = NULL;
    size_t len = 0;
    int rc = -1;
    char rerr[256];
    struct stat st;

    if (stat(path, &st) != 0) {
        if (!required && errno == ENOENT)
            return 0;
        snprintf(err, errlen, "config file %s: %s", path, strerror(errno));
        return -1;
    }
    if (sl_fs_read_file(path, HUB_CONFIG_MAX, &text, &len, rerr, sizeof rerr) != 0) {
        snprintf(err, errlen, "config file %s: %s", path, rerr);
        goto out;
    }
    if (strlen(text) != len) {
        snprintf(err, errlen, "config file %s: holds a NUL byte", path);
        goto out;
    }
    int lineno = 0;
    bool has_token = false;
    for (char *line = text, *next; line; line = next) {
        lineno++;
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        if (lineno == 1 && (unsigned char)line[0] == 0xEF && (unsigned char)line[1] == 0xBB &&
            (unsigned char)line[2] == 0xBF)
            line += 3;
        char *s = hub_trim(line);
        if (!*s || *s == '#')
            continue;
        char *eq = strchr(s, '=');
        if (!eq) {
            snprintf(err, errlen, "config file %s: line %d: expected \"key = value\"", path, lineno);
            goto out;
        }
        *eq = '\0';
        char *key = hub_trim(s), *val = hub_trim(eq + 1);
        size_t vlen = strlen(val);
        if (vlen >= 2 && (val[0] == '"' || val[0] == '\'') && val[vlen - 1] == val[0]) {
            val[vlen - 1] = '\0'; /* hub = "http://…" is meant the same as without quotes */
            val++;
        }
        if (strcmp(key, "hub") == 0) {
            if (strlen(val) >= urllen) {
                snprintf(err, errlen, "config file %s: line %d: the hub URL is too long", path,
                         lineno);
                goto out;
            }
            memcpy(url, val, strlen(val) + 1);
        } else if (strcmp(key, "token") == 0) {
            if (strlen(val) >= toklen) {
                snprintf(err, errlen, "config file %s: line %d: the token is too long", path, lineno);
                goto out;
            }
            memcpy(token, val, strlen(val) + 1);
            has_token = true;
        } else if (strcmp(key, "hub-ca") == 0) {
            const char *slash = strrchr(path, '/');
            int n = val[0] == '/' || !slash ? snprintf(ca, SL_TLSCLIENT_PATH_MAX, "%s", val)
                                            : snprintf(ca, SL_TLSCLIENT_PATH_MAX, "%.*s/%s",
                                                       (int)(slash - path), path, val);
            if (!val[0] || n >= SL_TLSCLIENT_PATH_MAX) {
                snprintf(err, errlen, "config file %s: line %d: hub-ca needs a file name (at most %d bytes)",
                         path, lineno, SL_TLSCLIENT_PATH_MAX - 1);
                goto out;
            }
        }
        /* Other keys belong to other commands or later versions: ignored. */
    }
    if (has_token && (st.st_mode & 077))
        fprintf(stderr,
                "screenlit: warning: %s holds a token but is mode %04o: others on this machine can read "
                "it and act with its role; make it private with: chmod 600 %s\n",
                path, (unsigned)(st.st_mode & 07777), path);
    rc = 0;
out:
    free(text);
    return rc;
}

static bool hub_token_ok(const char *t)
{
    size_t n = strlen(t);
    if (n == 0 || n > HUB_TOKEN_MAX)
        return false;
    for (const char *p = t; *p; p++) {
        unsigned char ch = (unsigned char)*p;
        if (!(isalnum(ch) || strchr("-._~+/=", ch)) || ch > 127)
            return false;
    }
    return true;
}

/* Checks and normalises a base URL: http(s)://…, no spaces or control
 * characters, no query, trailing '/' removed. */
static int hub_url_norm(const char *in, char *out, size_t outlen, char *err, size_t errlen)
{
    char shown[160];
    sl_hubc_printable(in, shown, sizeof shown);
    if (strncmp(in, "http://", 7) != 0 && strncmp(in, "https://", 8) != 0) {
        snprintf(err, errlen, "the hub URL '%s' must start with http:// or https://", shown);
        return -1;
    }
    size_t n = strlen(in);
    if (n >= outlen) {
        snprintf(err, errlen, "the hub URL is too long");
        return -1;
    }
    for (const char *p = in; *p; p++) {
        unsigned char ch = (unsigned char)*p;
        if (ch <= 0x20 || ch >= 0x7f || ch == '?' || ch == '#') {
            snprintf(err, errlen, "the hub URL '%s' has a character it may not have", shown);
            return -1;
        }
    }
    memcpy(out, in, n + 1);
    while (n > 0 && out[n - 1] == '/')
        out[--n] = '\0';
    const char *host = strstr(out, "://") + 3;
    if (!*host) {
        snprintf(err, errlen, "the hub URL '%s' has no host", shown);
        return -1;
    }
    return 0;
}

sl_hubc *sl_hubc_open(const sl_hubc_opts *o, bool need_token, bool *usage, char *err, size_t errlen)
{
    sl_hubc *h = NULL;
    char url[HUB_URL_MAX + 1] = "", token[HUB_TOKEN_MAX + 1] = "", ca[SL_TLSCLIENT_PATH_MAX] = "";
    char *defconf = NULL;
    const char *env;

    *usage = false;
    /* Lowest precedence first: the file, then the environment, then flags. */
    if (o->config) {
        if (hub_read_config(o->config, true, url, sizeof url, token, sizeof token, ca, err, errlen) != 0)
            goto fail;
    } else {
        const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
        if (xdg && xdg[0] == '/')
            defconf = sl_fs_join(xdg, "screenlit/client.conf");
        else if (home && home[0])
            defconf = sl_fs_join(home, ".config/screenlit/client.conf");
        if (defconf &&
            hub_read_config(defconf, false, url, sizeof url, token, sizeof token, ca, err, errlen) != 0)
            goto fail;
    }
    if ((env = getenv("SCREENLIT_HUB")) && env[0])
        snprintf(url, sizeof url, "%s", env);
    if ((env = getenv("SCREENLIT_TOKEN")) && env[0])
        snprintf(token, sizeof token, "%s", env);
    if (o->hub)
        snprintf(url, sizeof url, "%s", o->hub);
    if (o->token)
        snprintf(token, sizeof token, "%s", o->token);
    if ((env = getenv("SCREENLIT_HUB_CA")) && env[0])
        snprintf(ca, sizeof ca, "%s", env);
    if (o->ca)
        snprintf(ca, sizeof ca, "%s", o->ca);

    if (!url[0]) {
        snprintf(err, errlen,
                 "which hub? Give --hub URL, set SCREENLIT_HUB or write \"hub = URL\" in %s",
                 o->config ? o->config : "~/.config/screenlit/client.conf");
        *usage = true;
        goto fail;
    }
    if (need_token && !token[0]) {
        snprintf(err, errlen,
                 "no token: give --token TOKEN, set SCREENLIT_TOKEN or write \"token = TOKEN\" in %s",
                 o->config ? o->config : "~/.config/screenlit/client.conf");
        *usage = true;
        goto fail;
    }
    if (token[0] && !hub_token_ok(token)) {
        snprintf(err, errlen, "the token has characters a token cannot have");
        *usage = true;
        goto fail;
    }
    h = calloc(1, sizeof *h);
    if (!h) {
        snprintf(err, errlen, "out of memory");
        goto fail;
    }
    if (hub_url_norm(url, h->url, sizeof h->url, err, errlen) != 0) {
        *usage = true;
        goto fail;
    }
    memcpy(h->token, token, sizeof token);
    if (ca[0]) {
        if (strncmp(h->url, "https://", 8) != 0) {
            snprintf(err, errlen, "hub-ca %s is set but the hub URL %s is plain http://: a pinned CA needs https://",
                     ca, h->url);
            *usage = true;
            goto fail;
        }
        if (sl_tlsclient_ca_check(ca, err, errlen) != 0) {
            *usage = true;
            goto fail;
        }
        memcpy(h->ca, ca, sizeof ca);
    }
    h->retries = 3;
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK || !(h->curl = curl_easy_init())) {
        snprintf(err, errlen, "libcurl could not start");
        goto fail;
    }
    free(defconf);
    return h;
fail:
    free(defconf);
    sl_hubc_close(h);
    return NULL;
}

void sl_hubc_close(sl_hubc *h)
{
    if (!h)
        return;
    if (h->curl) {
        curl_easy_cleanup(h->curl);
        curl_global_cleanup();
    }
    /* The token is a secret: do not leave it in freed memory. */
    memset(h->token, 0, sizeof h->token);
    free(h);
}

const char *sl_hubc_url(const sl_hubc *h)
{
    return h->url;
}

void sl_hubc_set_retries(sl_hubc *h, int retries)
{
    h->retries = retries < 0 ? 0 : retries;
}

void sl_hubc_reply_free(sl_hubc_reply *rep)
{
    if (!rep)
        return;
    free(rep->body);
    memset(rep, 0, sizeof *rep);
}

static size_t hub_write(char *data, size_t size, size_t nmemb, void *ud)
{
    hub_sink *s = ud;
    size_t n = size * nmemb;
    if (n > s->max - s->len) {
        s->over = true;
        return 0; /* aborts the transfer */
    }
    if (s->len + n + 1 > s->cap) {
        size_t cap = s->cap ? s->cap : 4096;
        while (cap < s->len + n + 1)
            cap *= 2;
        if (cap > s->max + 1)
            cap = s->max + 1;
        char *nb = realloc(s->buf, cap);
        if (!nb)
            return 0;
        s->buf = nb;
        s->cap = cap;
    }
    memcpy(s->buf + s->len, data, n);
    s->len += n;
    s->buf[s->len] = '\0';
    return n;
}

static int hub_xferinfo(void *ud, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                        curl_off_t ulnow)
{
    const sl_hubc_req *rq = ud;
    return rq->progress(rq->progress_ud, (int64_t)ulnow, (int64_t)ultotal);
}

/* Failures where the hub may come back: worth another try. */
static bool hub_transient(CURLcode c)
{
    switch (c) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
        return true;
    default:
        return false;
    }
}

static void hub_sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

int sl_hubc_send(sl_hubc *h, const sl_hubc_req *rq, sl_hubc_reply *rep, char *err, size_t errlen)
{
    struct curl_slist *hdrs = NULL;
    hub_sink sink = {0};
    char url[HUB_URL_MAX + HUB_PATH_MAX + 1];
    char line[HUB_TOKEN_MAX + 64];
    char cerr[CURL_ERROR_SIZE];
    int rc = -1;
    CURLcode cc = CURLE_OK;

    memset(rep, 0, sizeof *rep);
    if (strlen(rq->path) > HUB_PATH_MAX) {
        snprintf(err, errlen, "request path too long");
        return -1;
    }
    snprintf(url, sizeof url, "%s%s", h->url, rq->path);
    sink.max = rq->reply_max ? rq->reply_max : SL_HUBC_REPLY_MAX;

    struct curl_slist *t;
#define HUB_HDR(text)                                                                             \
    do {                                                                                          \
        if (!(t = curl_slist_append(hdrs, (text)))) {                                             \
            snprintf(err, errlen, "out of memory");                                               \
            goto out;                                                                             \
        }                                                                                         \
        hdrs = t;                                                                                 \
    } while (0)
    if (h->token[0]) {
        snprintf(line, sizeof line, "Authorization: Bearer %s", h->token);
        HUB_HDR(line);
        memset(line, 0, sizeof line);
    }
    if (rq->content_type) {
        snprintf(line, sizeof line, "Content-Type: %s", rq->content_type);
        HUB_HDR(line);
    }
    if (rq->header)
        HUB_HDR(rq->header);
    HUB_HDR("Expect:"); /* no 100-continue round trip */
#undef HUB_HDR

    int attempt;
    for (attempt = 0;; attempt++) {
        CURL *c = h->curl;
        curl_easy_reset(c);
        free(sink.buf);
        sink.buf = NULL;
        sink.len = sink.cap = 0;
        sink.over = false;
        cerr[0] = '\0';
        curl_easy_setopt(c, CURLOPT_URL, url);
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
        curl_easy_setopt(c, CURLOPT_USERAGENT, "screenlit/" SL_VERSION);
        curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(c, CURLOPT_ERRORBUFFER, cerr);
        curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, hub_write);
        curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
        curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, HUB_CONNECT_TIMEOUT_S);
        curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
        curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, HUB_STALL_S);
        curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
        curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
        sl_tlsclient_setup(c, h->ca);
        if (rq->max_send_bps > 0)
            curl_easy_setopt(c, CURLOPT_MAX_SEND_SPEED_LARGE, (curl_off_t)rq->max_send_bps);
        if (rq->timeout_s > 0)
            curl_easy_setopt(c, CURLOPT_TIMEOUT, rq->timeout_s);
        if (strcmp(rq->method, "GET") == 0) {
            curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
        } else {
            curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)rq->body_len);
            curl_easy_setopt(c, CURLOPT_POSTFIELDS, rq->body ? rq->body : "");
            if (strcmp(rq->method, "POST") != 0)
                curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, rq->method);
        }
        if (rq->progress) {
            curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
            curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, hub_xferinfo);
            curl_easy_setopt(c, CURLOPT_XFERINFODATA, (void *)rq);
        }
        cc = curl_easy_perform(c);
        if (cc == CURLE_OK || sink.over)
            break;
        bool again = rq->idempotent ? hub_transient(cc) : cc == CURLE_COULDNT_CONNECT;
        if (!again || attempt >= h->retries)
            break;
        hub_sleep_ms(HUB_BACKOFF_MS << attempt);
    }
    if (sink.over) {
        snprintf(err, errlen, "the hub at %s sent a reply larger than %zu bytes; refused", h->url,
                 sink.max);
        goto out;
    }
    if (cc != CURLE_OK) {
        char tries[48] = "", why[700];
        if (attempt > 0)
            snprintf(tries, sizeof tries, " (tried %d times)", attempt + 1);
        sl_tlsclient_explain(h->curl, cc, url, cerr, h->ca, why, sizeof why);
        snprintf(err, errlen, "the hub at %s%s%s%s", h->url, sl_tlsclient_is_tls_error(cc) ? ": " : " did not answer: ",
                 why, tries);
        goto out;
    }
    curl_easy_getinfo(h->curl, CURLINFO_RESPONSE_CODE, &rep->status);
    char *ct = NULL;
    if (curl_easy_getinfo(h->curl, CURLINFO_CONTENT_TYPE, &ct) == CURLE_OK && ct)
        snprintf(rep->content_type, sizeof rep->content_type, "%s", ct);
    if (!sink.buf) {
        sink.buf = malloc(1);
        if (!sink.buf) {
            snprintf(err, errlen, "out of memory");
            goto out;
        }
        sink.buf[0] = '\0';
    }
    rep->body = sink.buf;
    rep->len = sink.len;
    sink.buf = NULL;
    rc = 0;
out:
    curl_easy_reset(h->curl); /* drops pointers to this call's buffers; keeps connections */
    curl_slist_free_all(hdrs);
    free(sink.buf);
    return rc;
}

cJSON *sl_hubc_reply_json(const sl_hubc_reply *rep, char *err, size_t errlen)
{
    sl_json_limits lim = {.max_bytes = SL_HUBC_REPLY_MAX, .max_depth = 0};
    char jerr[256];
    cJSON *j = sl_json_parse(rep->body ? rep->body : "", rep->len, &lim, jerr, sizeof jerr);
    if (!j)
        snprintf(err, errlen, "the hub's reply (status %ld) is not JSON: %s", rep->status, jerr);
    return j;
}

void sl_hubc_reply_error(const sl_hubc *h, const sl_hubc_reply *rep, char *err, size_t errlen)
{
    char what[512] = "";
    char jerr[256];
    sl_json_limits lim = {.max_bytes = SL_HUBC_REPLY_MAX, .max_depth = 0};
    cJSON *j = rep->len ? sl_json_parse(rep->body, rep->len, &lim, jerr, sizeof jerr) : NULL;
    const char *e = j ? sl_json_str(j, "error") : NULL;
    if (e)
        sl_hubc_printable(e, what, sizeof what);
    switch (rep->status) {
    case 401:
        snprintf(err, errlen, "the hub refused the token (401)%s%s", what[0] ? ": " : "", what);
        break;
    case 403:
        if (what[0])
            snprintf(err, errlen, "the hub refused (403): %s", what);
        else
            snprintf(err, errlen, "the hub refused: this token's role may not do that (403)");
        break;
    default:
        if (what[0]) {
            snprintf(err, errlen, "the hub answered %ld: %s", rep->status, what);
        } else if (rep->content_type[0] && strncmp(rep->content_type, "application/json", 16) != 0) {
            char ct[64];
            sl_hubc_printable(rep->content_type, ct, sizeof ct);
            snprintf(err, errlen,
                     "%s answered %ld with %s, not the hub's JSON (is a proxy in between, or is "
                     "it another server?)",
                     h->url, rep->status, ct);
        } else
            snprintf(err, errlen, "the hub at %s answered %ld without an explanation%s", h->url,
                     rep->status,
                     rep->status == 404 ? " (is it a screenlit hub, and new enough?)" : "");
    }
    cJSON_Delete(j);
}

int sl_hubc_json(sl_hubc *h, const char *method, const char *path, const cJSON *body, bool idempotent,
                long want, cJSON **out, long *status, cJSON **reply_out, char *err, size_t errlen)
{
    char *text = NULL;
    sl_hubc_reply rep = {0};
    int rc = -1;

    if (out)
        *out = NULL;
    if (status)
        *status = 0;
    if (reply_out)
        *reply_out = NULL;
    if (body && !(text = sl_json_print(body, false))) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    sl_hubc_req rq = {.method = method,
                     .path = path,
                     .content_type = text ? "application/json" : NULL,
                     .body = text,
                     .body_len = text ? strlen(text) : 0,
                     .idempotent = idempotent,
                     .timeout_s = 120};
    if (sl_hubc_send(h, &rq, &rep, err, errlen) != 0)
        goto out;
    if (status)
        *status = rep.status;
    if (rep.status != want) {
        sl_hubc_reply_error(h, &rep, err, errlen);
        if (reply_out && rep.len) {
            char jerr[64];
            *reply_out = sl_hubc_reply_json(&rep, jerr, sizeof jerr);
        }
        goto out;
    }
    if (out && !(*out = sl_hubc_reply_json(&rep, err, errlen)))
        goto out;
    rc = 0;
out:
    free(text);
    sl_hubc_reply_free(&rep);
    return rc;
}
