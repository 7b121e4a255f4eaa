/* http.h — one HTTP request as the hub's handlers see it, the route table entry, and the reply helpers. */
#ifndef SL_HUB_HTTP_H
#define SL_HUB_HTTP_H

#include "tools/hub/http/body.h"
#include "tools/hub/hub.h"
#include "tools/hub/service/hub_service.h"

#include <cjson/cJSON.h>
#include <microhttpd.h>
#include <stdbool.h>
#include <stdint.h>

#define SL_HUB_PARAM_MAX 128 /* bytes of the one variable path segment a route may have */

typedef enum {
    SL_BODY_IGNORE, /* a body (small) is read and ignored */
    SL_BODY_BUFFER, /* collected into r->body, at most route->body_max bytes */
    SL_BODY_STREAM  /* handed to route->chunk as it arrives (uploads) */
} sl_body_kind;

typedef struct sl_req sl_req;

typedef struct sl_route {
    const char *method;  /* "GET" (answers HEAD too), "POST", "PUT" */
    const char *pattern; /* "/api/v1/channels/ * /manifests" without spaces: '*' is one segment; a
                          * final "**" any rest of the path (the console's pages) */
    unsigned roles;      /* the sl_hub_role bits allowed; 0 = no token needed */
    sl_body_kind body;
    size_t body_max;     /* bytes; a larger body is refused with 413 */
    /* STREAM only. begin runs once the request is authorised, before any
     * body byte; it returns 0 to receive the body, or queues a reply itself
     * (sl_reply_*) and returns 1. chunk takes each piece of the body; on a
     * problem it calls sl_req_fail (the rest of the body is then discarded
     * and the failure answered). cleanup runs when the request ends, however
     * it ends. */
    int (*begin)(sl_hub *hub, sl_req *r);
    void (*chunk)(sl_hub *hub, sl_req *r, const char *data, size_t len);
    void (*cleanup)(sl_hub *hub, sl_req *r);
    /* Runs once the whole body is in; must queue exactly one reply. */
    enum MHD_Result (*handle)(sl_hub *hub, sl_req *r);
} sl_route;

struct sl_req {
    struct MHD_Connection *conn;
    const sl_route *route;
    const char *method;
    const char *url;
    bool head;                         /* a HEAD request (served by a GET route) */
    char param[SL_HUB_PARAM_MAX + 1];  /* the '*' segment, unvalidated */
    sl_hub_principal who;              /* role NONE on routes without a token */
    sl_body body;
    bool too_large;                    /* the body passed its cap */
    sl_budget_rc busy;                 /* the body budget refused the body (answered 503) */
    uint64_t discarded;                /* body bytes thrown away after a failure */
    unsigned fail_status;              /* set by sl_req_fail */
    char fail_msg[256];
    cJSON *fail_extra;                 /* extra members for the failure's error body */
    bool replied;
    void *priv;                        /* route-private state (uploads) */
    int64_t start_ms;
};

/* A request header's value, or NULL. */
const char *sl_req_header(const sl_req *r, const char *name);

/* Marks a streamed request as failed; the reply is sent once the body is
 * consumed. extra (may be NULL) is consumed. First failure wins. */
void sl_req_fail(sl_req *r, unsigned status, cJSON *extra, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Whether the request's Content-Type is `type` (case-insensitive, exactly:
 * parameters after ';' such as charset are allowed, nothing else). */
bool sl_req_content_type_is(const sl_req *r, const char *type);

/* Queues resp (and destroys the reference) with the hub's common headers
 * (a 503 gets Retry-After: SL_HUB_RETRY_AFTER_S unless it has one). */
enum MHD_Result sl_reply(sl_req *r, unsigned status, struct MHD_Response *resp);
/* A JSON reply; obj is consumed (NULL gives 500). */
enum MHD_Result sl_reply_json(sl_req *r, unsigned status, cJSON *obj);
/* Adds Content-Digest (RFC 9530: "sha-256=:BASE64:") of the body to resp.
 * Every JSON reply carries it, so that a client can tell a reply damaged on
 * the way (HTTP has no checksum) from what the hub said: a play
 * acknowledgement whose digits changed would otherwise look true. */
void sl_reply_digest(struct MHD_Response *resp, const void *body, size_t len);
/* {"error": "..."} plus the members of extra (consumed; may be NULL). */
enum MHD_Result sl_reply_error(sl_req *r, unsigned status, cJSON *extra, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* A copy of data with the given Content-Type. */
enum MHD_Result sl_reply_data(sl_req *r, unsigned status, const char *ctype, const void *data, size_t len);
/* An empty body (204, 304, 202 ...). */
enum MHD_Result sl_reply_empty(sl_req *r, unsigned status);

/* Parses r->body as JSON (sl_json_parse with the route's cap) and requires
 * an object. On failure queues 400 with the reason and returns NULL with
 * *result set to the reply's result. The body may hold at most one value
 * (member names included) per 16 bytes of the route's cap, which bounds
 * the parse's memory (cJSON takes ~100 bytes per value). */
cJSON *sl_req_json(sl_req *r, enum MHD_Result *result);
/* The same with another limit on the values (a body whose need is known). */
cJSON *sl_req_json_values(sl_req *r, size_t max_values, enum MHD_Result *result);

/* Logs a store failure and answers 500; returns the reply's result. */
enum MHD_Result sl_reply_store_error(sl_hub *hub, sl_req *r, const char *err);
/* The reply to a service's failure: its message with its status, or (a
 * store failure) sl_reply_store_error. extra as for sl_reply_error. */
enum MHD_Result sl_reply_svc_error(sl_hub *hub, sl_req *r, const sl_svc_err *e, cJSON *extra);

/* ETag comparison for If-None-Match ("*", a list, weak W/ tags). */
bool sl_req_etag_matches(const sl_req *r, const char *etag);

/* Whether path matches pattern: '*' matches one non-empty segment, copied
 * into param (cut to plen - 1 bytes, and *param_long set, when longer); a
 * final "**" matches the rest of the path, whatever it is (the handler reads
 * r->url). */
bool sl_route_match(const char *pattern, const char *path, char *param, size_t plen, bool *param_long);

/* The route table (routes.c) and its length. */
extern const sl_route sl_hub_routes[];
extern const size_t sl_hub_n_routes;

#endif
