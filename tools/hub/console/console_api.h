/* console_api.h — the campaign editor's JSON API under /console/api/: console sessions instead of tokens, the CSRF header on every change, JSON errors (tools/hub/CONSOLE.md, "The campaign editor's API"). */
#ifndef SL_HUB_CONSOLE_API_H
#define SL_HUB_CONSOLE_API_H

#include "tools/hub/http/routes.h"

#include <stdbool.h>

/* Body caps, in bytes. */
#define SL_CAPI_SOURCE_MAX (2u * 1024u * 1024u)   /* check, preview, compile: {"source": …} */
#define SL_CAPI_ENVELOPE_MAX (8u * 1024u * 1024u) /* a signed envelope (SL_MANIFEST_MAX_BYTES) */
#define SL_CAPI_MISSING_MAX (2u * 1024u * 1024u)  /* the media list */
#define SL_CAPI_NAME_MAX 255                      /* bytes of a media file's display name */

#define SL_CAPI_CSRF_HEADER "X-Screenlit-CSRF"

/* Who a request of the API comes from (a console session). */
typedef struct {
    char name[SL_HUB_ID_MAX + 1];
    sl_hub_role role;
    char csrf[SL_HUB_TOKEN_HEX + 1]; /* the session's CSRF token */
} sl_capi_who;

/* Checks the request's console session (401 without one), the role
 * (publisher or admin, 403 otherwise) and, when change is set, the CSRF
 * header (403 when missing or wrong). 0 when it may go on (who, unless
 * NULL, gets the session's person); 1 when a JSON error reply was queued. */
int sl_capi_auth(sl_hub *hub, sl_req *r, bool change, sl_capi_who *who);

/* A POST's JSON body, taken as it arrives once the session, the role, the
 * CSRF header and Content-Type: application/json are checked (no byte is
 * held before). The handler reads it with sl_capi_json. */
int sl_capi_post_begin(sl_hub *hub, sl_req *r);
void sl_capi_post_chunk(sl_hub *hub, sl_req *r, const char *data, size_t len);
void sl_capi_post_cleanup(sl_hub *hub, sl_req *r);
/* The body of a POST as a JSON object (NULL: a 400 was queued, *res). */
cJSON *sl_capi_json(sl_req *r, enum MHD_Result *res);

/* The name of a stored media file as its uploader gave it ("" when none). */
void sl_capi_media_name(const sl_hub *hub, const char *sha256, char *out, size_t outlen);

/* console_api.c */
enum MHD_Result sl_h_capi_session(sl_hub *hub, sl_req *r);
enum MHD_Result sl_h_capi_channels(sl_hub *hub, sl_req *r);
enum MHD_Result sl_h_capi_versions(sl_hub *hub, sl_req *r);
enum MHD_Result sl_h_capi_version(sl_hub *hub, sl_req *r);
enum MHD_Result sl_h_capi_manifest(sl_hub *hub, sl_req *r);
enum MHD_Result sl_h_capi_unknown(sl_hub *hub, sl_req *r);
/* console_api_edit.c */
enum MHD_Result sl_h_capi_check(sl_hub *hub, sl_req *r);
enum MHD_Result sl_h_capi_preview(sl_hub *hub, sl_req *r);
enum MHD_Result sl_h_capi_compile(sl_hub *hub, sl_req *r);
/* console_api_media.c */
enum MHD_Result sl_h_capi_missing(sl_hub *hub, sl_req *r);
int sl_h_capi_media_put_begin(sl_hub *hub, sl_req *r);
enum MHD_Result sl_h_capi_media_info(sl_hub *hub, sl_req *r);
enum MHD_Result sl_h_capi_media_thumb(sl_hub *hub, sl_req *r);

#define SL_CAPI_POST(path, cap, handler)                                                                     \
    {"POST", path, 0, SL_BODY_STREAM, cap, sl_capi_post_begin, sl_capi_post_chunk, sl_capi_post_cleanup, handler}
#define SL_CAPI_GET(path, handler) {"GET", path, 0, SL_BODY_IGNORE, 4096u, NULL, NULL, NULL, handler}

/* The route table's lines of the API (before the console's pages). */
#define SL_CONSOLE_API_ROUTES                                                                                \
    SL_CAPI_GET("/console/api/session", sl_h_capi_session),                                                  \
        SL_CAPI_GET("/console/api/channels", sl_h_capi_channels),                                            \
        SL_CAPI_GET("/console/api/channels/*/versions", sl_h_capi_versions),                                 \
        SL_CAPI_GET("/console/api/channels/*/versions/**", sl_h_capi_version),                               \
        SL_CAPI_POST("/console/api/channels/*/check", SL_CAPI_SOURCE_MAX, sl_h_capi_check),                  \
        SL_CAPI_POST("/console/api/channels/*/preview", SL_CAPI_SOURCE_MAX, sl_h_capi_preview),              \
        SL_CAPI_POST("/console/api/channels/*/compile", SL_CAPI_SOURCE_MAX, sl_h_capi_compile),              \
        SL_CAPI_POST("/console/api/channels/*/manifests", SL_CAPI_ENVELOPE_MAX, sl_h_capi_manifest),         \
        SL_CAPI_POST("/console/api/media/missing", SL_CAPI_MISSING_MAX, sl_h_capi_missing),                  \
        {"PUT", "/console/api/media/*", 0, SL_BODY_STREAM, SL_CAP_MEDIA_PART, sl_h_capi_media_put_begin,     \
         sl_h_media_put_chunk, sl_h_media_put_cleanup, sl_h_media_put},                                     \
        SL_CAPI_GET("/console/api/media/*/info", sl_h_capi_media_info),                                      \
        SL_CAPI_GET("/console/api/media/*/thumb", sl_h_capi_media_thumb),                                    \
        SL_CAPI_GET("/console/api/**", sl_h_capi_unknown),                                                   \
        {"POST", "/console/api/**", 0, SL_BODY_IGNORE, 4096u, NULL, NULL, NULL, sl_h_capi_unknown},          \
        {"PUT", "/console/api/**", 0, SL_BODY_IGNORE, 4096u, NULL, NULL, NULL, sl_h_capi_unknown}

#endif
