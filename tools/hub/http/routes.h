/* routes.h — the request handlers behind the route table (one file per area: routes_*.c). */
#ifndef SL_HUB_ROUTES_H
#define SL_HUB_ROUTES_H

#include "tools/hub/http/http.h"

/* Body caps, in bytes. */
#define SL_CAP_SMALL_JSON (64u * 1024u)
#define SL_CAP_MISSING_JSON (2u * 1024u * 1024u)
#define SL_CAP_PLAYS_JSON (2u * 1024u * 1024u)
#define SL_CAP_INVENTORY_CSV (16u * 1024u * 1024u)
#define SL_CAP_MEDIA_PART (64u * 1024u * 1024u)
#define SL_CAP_SCREENSHOT (2u * 1024u * 1024u)
/* JSON values (member names included) in a plays body: a batch of at most
 * 1000 records of at most 15 members each (31 values), and the envelope. */
#define SL_CAP_PLAYS_VALUES (1000u * 32u + 64u)

/* routes_enroll.c */
enum MHD_Result sl_h_enroll_code(sl_hub *hub, sl_req *r);
enum MHD_Result sl_h_enroll(sl_hub *hub, sl_req *r);
enum MHD_Result sl_h_enroll_code_list(sl_hub *hub, sl_req *r);
enum MHD_Result sl_h_enroll_code_revoke(sl_hub *hub, sl_req *r);
enum MHD_Result sl_h_screen_revoke(sl_hub *hub, sl_req *r);

/* routes_inventory.c */
enum MHD_Result sl_h_inventory_put(sl_hub *hub, sl_req *r);
enum MHD_Result sl_h_inventory_get(sl_hub *hub, sl_req *r);
enum MHD_Result sl_h_screens(sl_hub *hub, sl_req *r);
enum MHD_Result sl_h_screen_hours(sl_hub *hub, sl_req *r);

/* routes_media.c */
enum MHD_Result sl_h_media_missing(sl_hub *hub, sl_req *r);
int sl_h_media_put_begin(sl_hub *hub, sl_req *r);
void sl_h_media_put_chunk(sl_hub *hub, sl_req *r, const char *data, size_t len);
void sl_h_media_put_cleanup(sl_hub *hub, sl_req *r);
enum MHD_Result sl_h_media_put(sl_hub *hub, sl_req *r);
enum MHD_Result sl_h_media_get(sl_hub *hub, sl_req *r);

/* routes_manifest.c */
enum MHD_Result sl_h_manifest_post(sl_hub *hub, sl_req *r);
/* Publishes the envelope on channel r->param for the token or person name
 * with its channel scope ("" every channel) and answers as the API does
 * (201, 400, 403, 409 with "current" or "missing"). person (may be NULL): the
 * console person who published it, logged and answered as "published_by". */
enum MHD_Result sl_reply_publish(sl_hub *hub, sl_req *r, const char *name, const char *scope, const char *envelope,
                                 size_t len, const char *person);
enum MHD_Result sl_h_channels(sl_hub *hub, sl_req *r);
enum MHD_Result sl_h_manifest_get(sl_hub *hub, sl_req *r);

/* routes_plays.c */
enum MHD_Result sl_h_plays_post(sl_hub *hub, sl_req *r);
enum MHD_Result sl_h_screen_plays_post(sl_hub *hub, sl_req *r);
enum MHD_Result sl_h_plays_get(sl_hub *hub, sl_req *r);

/* routes_report.c */
enum MHD_Result sl_h_report_coverage(sl_hub *hub, sl_req *r);

/* routes_status.c */
enum MHD_Result sl_h_heartbeat(sl_hub *hub, sl_req *r);
enum MHD_Result sl_h_screenshot_put(sl_hub *hub, sl_req *r);
enum MHD_Result sl_h_screenshot_request(sl_hub *hub, sl_req *r);
enum MHD_Result sl_h_screenshot_get(sl_hub *hub, sl_req *r);
enum MHD_Result sl_h_health(sl_hub *hub, sl_req *r);

#endif
