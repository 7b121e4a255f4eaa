/* transfer.h — one libcurl request to the hub, as every client of it makes them: headers, TLS, timeouts, a capped reply, the headers that matter. */
#ifndef SL_TRANSFER_H
#define SL_TRANSFER_H

#include <curl/curl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SL_TRANSFER_CONNECT_TIMEOUT_S 10L /* connecting to the hub takes at most this long */
#define SL_TRANSFER_WHY_MAX 700           /* room for the sentence of a failed transfer */

/* Receives the reply body instead of the capped buffer (curl's write callback). */
typedef size_t (*sl_transfer_write_fn)(char *data, size_t size, size_t nmemb, void *ud);

typedef struct {
    const char *method;        /* "GET", "POST", "PUT", …; NULL = "GET" */
    const char *url;           /* full URL */
    const char *user_agent;
    const char *token;         /* Bearer token, or NULL or "" for none */
    const char *content_type;  /* of the body, or NULL */
    const char *if_none_match; /* ETag text (with its quotes), or NULL or "" */
    const char *header;        /* one more header line ("Range: …"), or NULL */
    const void *body;          /* of a method other than GET; NULL = empty */
    size_t body_len;
    size_t reply_max;          /* cap on the collected reply body (bytes) */
    sl_transfer_write_fn write; /* NULL: collect the body (capped) into the reply */
    void *write_ud;
    long timeout_s;            /* the whole transfer; 0 = no limit */
    long stall_s;              /* a transfer that moves no byte for this long fails */
    int64_t max_send_bps;      /* upload speed limit in bytes per second; 0 = none */
    const char *ca_file;       /* the pinned hub-ca (sl_tlsclient_setup), or NULL or "" */
    curl_xferinfo_callback progress; /* NULL = none; non-zero from it aborts */
    void *progress_ud;
} sl_transfer_req;

typedef struct {
    long status;           /* HTTP status; 0 when the hub did not answer */
    char *body;            /* the collected body, NUL-terminated, malloc'd; NULL when there was none */
    size_t len;
    bool over;             /* the body passed reply_max: the transfer was stopped */
    char content_type[128]; /* "" when none */
    char etag[160];        /* "" when none */
    char channel[80];      /* the Screenlit-Channel header; "" when none */
    char digest[64];       /* the base64 SHA-256 of the Content-Digest header ("sha-256=:…:"); "" when none */
    int64_t date_ms;       /* the Date header in ms UTC, or -1 */
    int64_t retry_after_s; /* the Retry-After header in seconds (a date: from now), or -1 */
    int64_t local_ms;      /* the local real-time clock when the transfer ended (ms UTC) */
    char why[SL_TRANSFER_WHY_MAX]; /* when the transfer failed: why (sl_tlsclient_explain) */
} sl_transfer_reply;

/* Runs one request on c (reset first and after; the connection is kept for
 * the next). A collected body whose reply carries Content-Digest (the hub's
 * JSON replies do) must match it: a reply damaged on the way is a failed
 * transfer (CURLE_RECV_ERROR, why says so), never an answer. Certificates are always verified (tlsclient.h); only http and
 * https, no redirects, no signals. Returns curl's result: CURLE_OK when the
 * hub answered (any status; rep filled), else rep->why says why
 * (CURLE_WRITE_ERROR with rep->over when the body passed its cap). Free rep
 * with sl_transfer_reply_free. */
CURLcode sl_transfer_run(CURL *c, const sl_transfer_req *rq, sl_transfer_reply *rep);

/* Frees the body and clears the reply (date and Retry-After -1); NULL is fine. */
void sl_transfer_reply_free(sl_transfer_reply *rep);

/* How long a reply asks to be left alone: for a 503 or 429 with a
 * Retry-After (retry_after_s >= 0), its seconds, at most cap_s; otherwise 0. */
double sl_transfer_retry_after(long status, int64_t retry_after_s, double cap_s);

/* The headers of a reply as curl hands them over, one line at a time (for
 * tests; sl_transfer_run installs it): ETag, Screenlit-Channel, Date and
 * Retry-After into ud, a sl_transfer_reply; a status line starts over (after
 * a 100 Continue). */
size_t sl_transfer_header_cb(char *line, size_t size, size_t nmemb, void *ud);

/* The capped body buffer (for tests; sl_transfer_run installs it). */
typedef struct {
    sl_transfer_reply *rep; /* its body and len grow */
    size_t cap;             /* bytes allocated */
    size_t max;             /* the cap on the body: the body grows up to it, never further (then
                               rep->over is set and 0 returned, which stops the transfer) */
} sl_transfer_sink;
size_t sl_transfer_sink_write(char *data, size_t size, size_t nmemb, void *ud);

#endif
