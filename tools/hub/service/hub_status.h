/* hub_status.h — what screens report (heartbeats, screenshots) and the screenshots staff ask for and look at. */
#ifndef SL_HUB_STATUS_H
#define SL_HUB_STATUS_H

#include "tools/hub/hub.h"
#include "tools/hub/service/hub_service.h"

/* Records a screen's heartbeat received at now_ms: content_version (-1 not
 * given) and its validated status as JSON text. *screenshot_requested tells
 * whether staff asked for a screenshot (the request is then cleared). STORE. */
sl_svc_rc sl_status_heartbeat(sl_hub *hub, const char *screen, int64_t now_ms, int64_t content_version,
                              const char *status_json, bool *screenshot_requested, sl_svc_err *e);

/* Stores a screenshot of a screen taken at now_ms (mime "image/png" or
 * "image/jpeg", checked against the file's first bytes) in
 * DATA/screenshots/<screen>/, keeping the first five of each UTC day and
 * the latest. INVALID (not that kind of file), FAILED, STORE. */
sl_svc_rc sl_status_screenshot_put(sl_hub *hub, const char *screen, const char *mime, const void *data, size_t len,
                                   int64_t now_ms, sl_svc_err *e);

/* Asks a screen for a screenshot with its next heartbeat. INVALID, NOT_FOUND, STORE. */
sl_svc_rc sl_status_screenshot_request(sl_hub *hub, const char *screen, sl_svc_err *e);

/* Opens the latest screenshot of a screen: *fd (the caller closes it), its
 * *size and *shot. INVALID, NOT_FOUND (none, or gone from disk), STORE. */
sl_svc_rc sl_status_screenshot_open(sl_hub *hub, const char *screen, sl_hub_screenshot *shot, int *fd,
                                    int64_t *size, sl_svc_err *e);

#endif
