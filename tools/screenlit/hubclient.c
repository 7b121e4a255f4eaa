/* hubclient.c — the screenlit command's libcurl client of the hub API: settings, capped replies, retries, errors. */
#include "tools/screenlit/hubclient.h"

#include "content/fsutil.h"
#include "content/json.h"
#include "content/net/tlsclient.h"
#include "content/net/transfer.h"
#include "content/wire.h"

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
#define HUB_STALL_S 60L /* a transfer that moves no byte for this long fails */
#define HUB_BACKOFF_MS 500L

struct sl_hubc {
    CURL *curl;
    char url[HUB_URL_MAX + 1];
    char token[HUB_TOKEN_MAX + 1]; /* "" when none */
    char ca[SL_TLSCLIENT_PATH_MAX]; /* the pinned CA file, or "": the system's CA store */
    int retries;
};

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
    sl_transfer_reply_free(rep);
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
    char url[HUB_URL_MAX + HUB_PATH_MAX + 1];
    CURLcode cc = CURLE_OK;

    memset(rep, 0, sizeof *rep);
    if (strlen(rq->path) > HUB_PATH_MAX) {
        snprintf(err, errlen, "request path too long");
        return -1;
    }
    snprintf(url, sizeof url, "%s%s", h->url, rq->path);
    sl_transfer_req t = {.method = rq->method,
                         .url = url,
                         .user_agent = "screenlit/" SL_VERSION,
                         .token = h->token,
                         .content_type = rq->content_type,
                         .header = rq->header,
                         .body = rq->body,
                         .body_len = rq->body_len,
                         .reply_max = rq->reply_max ? rq->reply_max : SL_HUBC_REPLY_MAX,
                         .timeout_s = rq->timeout_s,
                         .stall_s = HUB_STALL_S,
                         .max_send_bps = rq->max_send_bps,
                         .ca_file = h->ca,
                         .progress = rq->progress ? hub_xferinfo : NULL,
                         .progress_ud = (void *)rq};
    int attempt;
    for (attempt = 0;; attempt++) {
        sl_transfer_reply_free(rep); /* the last attempt's */
        cc = sl_transfer_run(h->curl, &t, rep);
        if (cc == CURLE_OK || rep->over)
            break;
        bool again = rq->idempotent ? hub_transient(cc) : cc == CURLE_COULDNT_CONNECT;
        if (!again || attempt >= h->retries)
            break;
        hub_sleep_ms(HUB_BACKOFF_MS << attempt);
    }
    if (rep->over) {
        snprintf(err, errlen, "the hub at %s sent a reply larger than %zu bytes; refused", h->url, t.reply_max);
        goto out;
    }
    if (cc == CURLE_OUT_OF_MEMORY && !rep->status) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    if (cc != CURLE_OK) {
        char tries[48] = "";
        if (attempt > 0)
            snprintf(tries, sizeof tries, " (tried %d times)", attempt + 1);
        snprintf(err, errlen, "the hub at %s%s%s%s", h->url, sl_tlsclient_is_tls_error(cc) ? ": " : " did not answer: ",
                 rep->why, tries);
        goto out;
    }
    if (!rep->body && !(rep->body = calloc(1, 1))) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    return 0;
out:
    sl_transfer_reply_free(rep); /* no answer: no status, no body */
    return -1;
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
    sl_wire_error e;
    if (sl_wire_error_parse(rep->body, rep->len, &e) == 0 && e.error[0])
        sl_hubc_printable(e.error, what, sizeof what);
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
