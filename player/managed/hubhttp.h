/* hubhttp.h — the player's small libcurl client of the hub: capped replies, the hub's clock, resumable downloads. */
#ifndef SL_HUBHTTP_H
#define SL_HUBHTTP_H

#include "content/net/transfer.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SL_PLAYER_VERSION "0.1.0"
#define SL_HTTP_REPLY_MAX (8u * 1024u * 1024u) /* default cap on a reply body (a manifest's cap) */
#define SL_HTTP_URL_MAX 512                    /* hub URLs longer than this are refused */
#define SL_HTTP_TOKEN_MAX 128

/* Calls curl_global_init once per process. The program should call it from
 * main before starting any thread (curl_global_init is not thread-safe on
 * every libcurl); each module's start calls it again, which is harmless. */
int sl_http_global_init(void);

/* One connection to the hub (keeps the connection alive between requests).
 * Used by one thread at a time. `stop` (may be NULL) aborts any transfer
 * within about a second when it becomes true. */
typedef struct sl_http sl_http;
sl_http *sl_http_new(const atomic_bool *stop);
/* The same, trusting only ca_file for https (sl_http_set_ca; NULL or "" = the
 * system's CA store). NULL when out of memory. */
sl_http *sl_http_new_ca(const atomic_bool *stop, const char *ca_file);
void sl_http_free(sl_http *h); /* NULL is fine */

typedef struct {
    const char *method;        /* "GET", "POST", "PUT" */
    const char *url;           /* full URL */
    const char *token;         /* Bearer token or NULL */
    const char *content_type;  /* of the body, or NULL */
    const void *body;
    size_t body_len;
    const char *if_none_match; /* ETag text (with its quotes) or NULL */
    size_t reply_max;          /* 0 = SL_HTTP_REPLY_MAX */
    long timeout_s;            /* 0 = 60 s */
} sl_http_req;

/* A reply (content/net/transfer.h): status (0 when the hub did not
 * answer), body (NUL-terminated, malloc'd, NULL for no body) and len, etag
 * and channel (the Screenlit-Channel header: the channel the hub assigns the
 * screen) ("" when none), date_ms (the Date header, or -1), local_ms (the
 * local real-time clock when the reply arrived), retry_after_s (or -1). */
typedef sl_transfer_reply sl_http_reply;

/* Sends one request. Returns 0 when the hub answered (any status) and -1
 * when it did not, or the body passed its cap (err says which; a refused
 * certificate says why, see sl_tlsclient_explain). */
int sl_http_send(sl_http *h, const sl_http_req *rq, sl_http_reply *rep, char *err, size_t errlen);
void sl_http_reply_free(sl_http_reply *rep); /* NULL is fine */

/* How long a reply asks to be left alone: for a 503 or 429 with
 * Retry-After, its seconds, at most cap_s; otherwise 0. */
double sl_http_retry_after(const sl_http_reply *rep, double cap_s);

/* The "error" text of a JSON error reply, or a short text of the status. */
void sl_http_reply_error(const sl_http_reply *rep, char *buf, size_t len);

/* Trusts only the certificates in ca_file (PEM: a private CA, or the hub's
 * own self-signed certificate) for https:// URLs of this connection, instead
 * of the system's CA store; NULL or "" = the system store. Certificates are
 * always verified, host name included (net/tlsclient.h). Returns 0, or -1
 * when out of memory. */
int sl_http_set_ca(sl_http *h, const char *ca_file);

/* Downloads of this connection stop, as a full disk, when fewer than `bytes`
 * would be left free on the disk of their part file (0, the default: only
 * when the disk is full). Looked at every 256 KiB written. */
void sl_http_keep_free(sl_http *h, int64_t bytes);

/* Downloads url into part_path, resuming from its current length with a
 * Range request, never writing past `expect_size` bytes (a longer answer is
 * an error and the part file is removed). *fetched (may be NULL) gets the bytes written
 * by this call. Returns 0 when the part file holds
 * exactly expect_size bytes, 1 when the transfer stopped early (network; call
 * again to resume), -1 on an error that a retry will not fix by itself (err:
 * HTTP status, a write error — *disk_full is set for ENOSPC/EDQUOT, and then
 * the part file is removed). */
int sl_http_download(sl_http *h, const char *url, const char *part_path, int64_t expect_size,
                     bool *disk_full, int64_t *fetched, char *err, size_t errlen);

/* Milliseconds of the real-time and monotonic clocks. */
int64_t sl_http_now_ms(void);
int64_t sl_http_mono_ms(void);

#endif
