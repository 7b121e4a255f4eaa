/* transfer.c — one libcurl request to the hub, as every client of it makes them: headers, TLS, timeouts, a capped reply, the headers that matter. */
#define _POSIX_C_SOURCE 200809L
#include "content/net/transfer.h"

#include "content/net/tlsclient.h"

#include <sodium.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define LINE_MAX_BYTES 512 /* a header line longer than this is read cut */

void sl_transfer_reply_free(sl_transfer_reply *rep)
{
    if (!rep)
        return;
    free(rep->body);
    memset(rep, 0, sizeof *rep);
    rep->date_ms = -1;
    rep->retry_after_s = -1;
}

double sl_transfer_retry_after(long status, int64_t retry_after_s, double cap_s)
{
    if ((status != 503 && status != 429) || retry_after_s < 0)
        return 0;
    return (double)retry_after_s < cap_s ? (double)retry_after_s : cap_s;
}

size_t sl_transfer_sink_write(char *data, size_t size, size_t nmemb, void *ud)
{
    sl_transfer_sink *s = ud;
    sl_transfer_reply *rep = s->rep;
    size_t n = size * nmemb;
    if (n > s->max - rep->len) {
        rep->over = true;
        return 0; /* aborts the transfer */
    }
    if (rep->len + n + 1 > s->cap) {
        size_t cap = s->cap ? s->cap : 4096;
        while (cap < rep->len + n + 1)
            cap *= 2;
        if (cap > s->max + 1)
            cap = s->max + 1;
        char *nb = realloc(rep->body, cap);
        if (!nb)
            return 0;
        rep->body = nb;
        s->cap = cap;
    }
    memcpy(rep->body + rep->len, data, n);
    rep->len += n;
    rep->body[rep->len] = '\0';
    return n;
}

/* The value of a header line after its name (name includes the ':'), or NULL. */
static const char *header_value(const char *line, const char *name)
{
    size_t n = strlen(name);
    if (strncasecmp(line, name, n) != 0)
        return NULL;
    const char *v = line + n;
    while (*v == ' ' || *v == '\t')
        v++;
    return v;
}

size_t sl_transfer_header_cb(char *p, size_t size, size_t nmemb, void *ud)
{
    sl_transfer_reply *rep = ud;
    size_t len = size * nmemb;
    char line[LINE_MAX_BYTES];
    size_t l = len < sizeof line - 1 ? len : sizeof line - 1;
    const char *v;
    memcpy(line, p, l);
    line[l] = '\0';
    while (l && (line[l - 1] == '\r' || line[l - 1] == '\n'))
        line[--l] = '\0';
    if (!strncasecmp(line, "HTTP/", 5)) { /* a new reply (after 100 Continue): forget the last */
        rep->etag[0] = '\0';
        rep->channel[0] = '\0';
        rep->digest[0] = '\0';
        rep->date_ms = -1;
        rep->retry_after_s = -1;
    } else if ((v = header_value(line, "Retry-After:"))) {
        char *end;
        long long secs = strtoll(v, &end, 10);
        if (end != v && *end == '\0' && secs >= 0) {
            rep->retry_after_s = secs;
        } else { /* an HTTP date */
            time_t t = curl_getdate(v, NULL);
            time_t now = time(NULL);
            rep->retry_after_s = t == (time_t)-1 ? -1 : (t > now ? (int64_t)(t - now) : 0);
        }
    } else if ((v = header_value(line, "Screenlit-Channel:"))) {
        snprintf(rep->channel, sizeof rep->channel, "%s", v);
    } else if ((v = header_value(line, "Content-Digest:"))) {
        /* RFC 9530: a dictionary; only its sha-256 member is read (others are left alone). */
        const char *m = strstr(v, "sha-256=");
        const char *e = m && m[8] == ':' ? strchr(m + 9, ':') : NULL;
        size_t n = e ? (size_t)(e - (m + 9)) : 0;
        if (e && n > 0 && n < sizeof rep->digest) {
            memcpy(rep->digest, m + 9, n);
            rep->digest[n] = '\0';
        } else if (m) {
            snprintf(rep->digest, sizeof rep->digest, "?"); /* a sha-256 that cannot be read: never matches */
        }
    } else if ((v = header_value(line, "ETag:"))) {
        snprintf(rep->etag, sizeof rep->etag, "%s", v);
    } else if ((v = header_value(line, "Date:"))) {
        time_t t = curl_getdate(v, NULL);
        rep->date_ms = t == (time_t)-1 ? -1 : (int64_t)t * 1000;
    }
    return len;
}

/* Appends "name value" to the list; false when out of memory (the list is kept). */
static bool add_header(struct curl_slist **hl, const char *name, const char *value)
{
    char line[LINE_MAX_BYTES];
    snprintf(line, sizeof line, "%s%s", name, value);
    struct curl_slist *t = curl_slist_append(*hl, line);
    memset(line, 0, sizeof line); /* it may hold the token */
    if (!t)
        return false;
    *hl = t;
    return true;
}

/* The request's header lines; NULL when out of memory. */
static struct curl_slist *request_headers(const sl_transfer_req *rq)
{
    struct curl_slist *hl = NULL;
    bool ok = (!rq->token || !rq->token[0] || add_header(&hl, "Authorization: Bearer ", rq->token)) &&
              (!rq->content_type || add_header(&hl, "Content-Type: ", rq->content_type)) &&
              (!rq->if_none_match || !rq->if_none_match[0] || add_header(&hl, "If-None-Match: ", rq->if_none_match)) &&
              (!rq->header || add_header(&hl, "", rq->header)) && add_header(&hl, "Expect:", ""); /* no 100-continue */
    if (!ok) {
        curl_slist_free_all(hl);
        return NULL;
    }
    return hl;
}

/* Whether a collected body matches the reply's Content-Digest (true when it has none). */
static bool digest_matches(const sl_transfer_reply *rep)
{
    if (!rep->digest[0])
        return true;
    unsigned char h[crypto_hash_sha256_BYTES];
    char b64[sodium_base64_ENCODED_LEN(crypto_hash_sha256_BYTES, sodium_base64_VARIANT_ORIGINAL)];
    crypto_hash_sha256(h, (const unsigned char *)(rep->body ? rep->body : ""), rep->len);
    sodium_bin2base64(b64, sizeof b64, h, sizeof h, sodium_base64_VARIANT_ORIGINAL);
    return strcmp(b64, rep->digest) == 0;
}

CURLcode sl_transfer_run(CURL *c, const sl_transfer_req *rq, sl_transfer_reply *rep)
{
    char cerr[CURL_ERROR_SIZE] = "";
    const char *method = rq->method ? rq->method : "GET";
    sl_transfer_sink sink = {.rep = rep, .max = rq->reply_max};
    memset(rep, 0, sizeof *rep);
    rep->date_ms = -1;
    rep->retry_after_s = -1;
    struct curl_slist *hl = request_headers(rq);
    if (!hl) {
        snprintf(rep->why, sizeof rep->why, "out of memory");
        return CURLE_OUT_OF_MEMORY;
    }
    curl_easy_reset(c);
    curl_easy_setopt(c, CURLOPT_URL, rq->url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
    curl_easy_setopt(c, CURLOPT_USERAGENT, rq->user_agent);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, cerr);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, SL_TRANSFER_CONNECT_TIMEOUT_S);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, rq->stall_s);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    sl_tlsclient_setup(c, rq->ca_file);
    if (rq->timeout_s > 0)
        curl_easy_setopt(c, CURLOPT_TIMEOUT, rq->timeout_s);
    if (rq->max_send_bps > 0)
        curl_easy_setopt(c, CURLOPT_MAX_SEND_SPEED_LARGE, (curl_off_t)rq->max_send_bps);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, sl_transfer_header_cb);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, rep);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, rq->write ? rq->write : sl_transfer_sink_write);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, rq->write ? rq->write_ud : &sink);
    if (rq->progress) {
        curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
        curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, rq->progress);
        curl_easy_setopt(c, CURLOPT_XFERINFODATA, rq->progress_ud);
    }
    if (strcmp(method, "GET") == 0) {
        curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
    } else {
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)rq->body_len);
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, rq->body ? (const char *)rq->body : "");
        if (strcmp(method, "POST") != 0)
            curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    }
    CURLcode cc = curl_easy_perform(c);
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    rep->local_ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &rep->status);
    if (cc == CURLE_OK && !rq->write && !digest_matches(rep)) {
        cc = CURLE_RECV_ERROR;
        snprintf(rep->why, sizeof rep->why,
                 "its reply was damaged on the way (the body does not match its Content-Digest)");
        free(rep->body);
        rep->body = NULL;
        rep->len = 0;
    } else if (cc == CURLE_OK) {
        char *ct = NULL;
        if (curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &ct) == CURLE_OK && ct)
            snprintf(rep->content_type, sizeof rep->content_type, "%s", ct);
    } else {
        sl_tlsclient_explain(c, cc, rq->url, cerr, rq->ca_file, rep->why, sizeof rep->why);
    }
    curl_easy_reset(c); /* drops pointers to this call's buffers; keeps connections */
    curl_slist_free_all(hl);
    return cc;
}
