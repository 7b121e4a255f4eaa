/* hubclient.h — the screenlit command's client of the hub API: where the hub is, its token, capped requests. */
#ifndef SL_HUBCLIENT_H
#define SL_HUBCLIENT_H

#include "content/net/transfer.h"
#include "content/opts.h"

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SL_HUBC_REPLY_MAX (8u * 1024u * 1024u) /* default cap on a reply body */
#define SL_HUBC_ERR_MAX 1024                    /* room for an error message */

/* Where the hub, the token and the pinned CA come from, as given on the
 * command line (any may be NULL). Precedence: flags > environment
 * (SCREENLIT_HUB, SCREENLIT_TOKEN, SCREENLIT_HUB_CA) > config file (--config
 * FILE, else $XDG_CONFIG_HOME/screenlit/client.conf or
 * ~/.config/screenlit/client.conf). */
typedef struct {
    const char *hub;
    const char *token;
    const char *config;
    const char *ca; /* --hub-ca FILE */
} sl_hubc_opts;

/* The options every hub command takes, as entries of an option table
 * (content/opts.h) about the struct `type` whose member `field` is the
 * sl_hubc_opts. */
#define SL_HUBC_OPTS_E(type, field)                                                                                \
    SL_OPTS_STR_E("hub", 0, "URL",                                                                                 \
                  "the hub, e.g. http://hub.example:8080 (else $SCREENLIT_HUB, else \"hub = URL\" in the config " \
                  "file)",                                                                                         \
                  type, field.hub),                                                                                \
        SL_OPTS_STR_E("token", 0, "TOKEN",                                                                         \
                      "the role token (else $SCREENLIT_TOKEN, else \"token = …\" in the config file; prefer "     \
                      "those: a flag shows in ps)",                                                                \
                      type, field.token),                                                                          \
        SL_OPTS_STR_E("config", 0, "FILE", "the config file (default ~/.config/screenlit/client.conf)", type,      \
                      field.config),                                                                               \
        SL_OPTS_STR_E("hub-ca", 0, "FILE",                                                                         \
                      "for an https:// hub: trust only the certificates in this PEM file (a private CA, or the "   \
                      "hub's self-signed certificate), not the system's CA store (else $SCREENLIT_HUB_CA, else "   \
                      "\"hub-ca = FILE\" in the config file); see tools/hub/TLS.md",                               \
                      type, field.ca)
#define SL_HUBC_HELP_ENV                                                                           \
    "ENVIRONMENT\n"                                                                               \
    "    SCREENLIT_HUB       the hub URL, when --hub is not given\n"                             \
    "    SCREENLIT_TOKEN     the token, when --token is not given\n"                            \
    "    SCREENLIT_HUB_CA    the pinned CA file, when --hub-ca is not given\n"                  \
    "\n"                                                                                          \
    "FILES\n"                                                                                     \
    "    ~/.config/screenlit/client.conf  lines \"hub = URL\", \"token = TOKEN\" and\n"         \
    "                                     \"hub-ca = FILE\" (relative to the config\n"            \
    "                                     file's folder) ('#' starts a comment);\n"               \
    "                                     keep it mode 0600.\n"

/* An open client. Not shared between threads. */
typedef struct sl_hubc sl_hubc;

/* Resolves the hub URL and token and opens a client. The token is required
 * unless need_token is false. On failure returns NULL with a message in err
 * and *usage set when the failure is a missing or malformed setting. */
sl_hubc *sl_hubc_open(const sl_hubc_opts *o, bool need_token, bool *usage, char *err, size_t errlen);

/* Closes a client; NULL is fine. */
void sl_hubc_close(sl_hubc *h);

/* The hub's base URL, without a trailing '/'. */
const char *sl_hubc_url(const sl_hubc *h);

/* Sets how many times a request is retried after a connection failure
 * (default 3, with backoff 0.5 s, 1 s, 2 s …). */
void sl_hubc_set_retries(sl_hubc *h, int retries);

/* Called during a transfer with the bytes of the request body sent so far;
 * returns non-zero to abort. */
typedef int (*sl_hubc_progress_cb)(void *ud, int64_t sent, int64_t total);

/* One request. */
typedef struct {
    const char *method;       /* "GET", "PUT", "POST" */
    const char *path;         /* "/api/v1/…"; already URL-safe */
    const char *content_type; /* of the body; NULL when there is none */
    const void *body;
    size_t body_len;
    const char *header;       /* one extra header line, e.g. "Content-Range: …"; may be NULL */
    bool idempotent;          /* retry even when the request may have been sent */
    size_t reply_max;         /* 0 = SL_HUBC_REPLY_MAX */
    long timeout_s;           /* 0 = no total timeout (a stalled transfer still fails) */
    int64_t max_send_bps;     /* upload speed limit in bytes per second; 0 = none */
    sl_hubc_progress_cb progress;
    void *progress_ud;
} sl_hubc_req;

/* A reply (content/net/transfer.h): any HTTP status; body is
 * NUL-terminated (the NUL not counted), never NULL after sl_hubc_send
 * succeeded; content_type "" when none. */
typedef sl_transfer_reply sl_hubc_reply;

/* Sends a request and collects the reply. Returns 0 when the hub answered
 * (whatever the status) and -1 when it did not (err: "the hub at URL did not
 * answer: …", or "the hub at URL: TLS: …" when its certificate was refused,
 * saying why) or its reply was larger than the cap. The certificate of an
 * https:// hub is always verified (net/tlsclient.h); there is no fallback
 * to http://. Connection failures are
 * retried with backoff: every one for idempotent requests, only "could not
 * connect" (nothing was sent) for the others. */
int sl_hubc_send(sl_hubc *h, const sl_hubc_req *rq, sl_hubc_reply *rep, char *err, size_t errlen);

/* Frees a reply's body and clears it; NULL is fine. */
void sl_hubc_reply_free(sl_hubc_reply *rep);

/* Writes a sentence for people about a reply that is not a success:
 * "the hub refused the token (401)", "the token's role may not …  (403)",
 * or "the hub answered 409: <its JSON \"error\" text>". */
void sl_hubc_reply_error(const sl_hubc *h, const sl_hubc_reply *rep, char *err, size_t errlen);

/* Parses a reply body as JSON (sl_json_parse, capped). Returns NULL with
 * err when it is not JSON. */
cJSON *sl_hubc_reply_json(const sl_hubc_reply *rep, char *err, size_t errlen);

/* A JSON request: sends `body` (may be NULL) and, when the status is
 * `want`, returns 0 with the parsed reply in *out (may be NULL: then it is
 * not parsed). Otherwise returns -1 with a sentence in err; *status (may be
 * NULL) gets the HTTP status or 0 when the hub did not answer, and *reply_out
 * (may be NULL) the parsed error body when there is one. */
int sl_hubc_json(sl_hubc *h, const char *method, const char *path, const cJSON *body, bool idempotent,
                long want, cJSON **out, long *status, cJSON **reply_out, char *err, size_t errlen);

/* Copies s into buf for a terminal: control characters become '?'. */
void sl_hubc_printable(const char *s, char *buf, size_t len);

/* "4.1 MB", "812 kB", "17 B" (SI units). */
void sl_hubc_fmt_bytes(int64_t n, char *buf, size_t len);

#endif
