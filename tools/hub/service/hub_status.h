/* hub_status.h — what screens report (heartbeats, screenshots), what a screen is doing now (online, lit, dark and why), and the screenshots staff ask for and look at. */
#ifndef SL_HUB_STATUS_H
#define SL_HUB_STATUS_H

#include "tools/hub/hub.h"
#include "tools/hub/service/hub_service.h"

#include "content/timeutil.h"

#include <stdbool.h>
#include <stdint.h>

/*
 * What a screen is doing now, as the hub sees it: one definition for the
 * API's screens list (online, offline, never enrolled) and the console.
 * - online: a heartbeat within the last SL_STATUS_ONLINE_WINDOW_MS;
 * - not online: offline when it holds a device token, else never enrolled;
 * - online, then by what its last heartbeat said: no content (no channel
 *   in the inventory, nothing published on it, or the screen reports no
 *   content version yet), outdated content (a version other than its
 *   channel's current one), clock untrusted, or lit.
 * The states are in the order the console lists them: dark first.
 */
#define SL_STATUS_ONLINE_WINDOW_MS (3 * SL_MS_PER_MIN)

typedef enum {
    SL_SCREEN_OFFLINE = 0,     /* dark: enrolled, no heartbeat within the window */
    SL_SCREEN_NO_CONTENT,      /* dark: online with nothing of its channel to show */
    SL_SCREEN_NEVER_ENROLLED,  /* dark: holds no device token */
    SL_SCREEN_OUTDATED,        /* showing a version other than its channel's current one */
    SL_SCREEN_CLOCK_UNTRUSTED, /* showing the current version with an untrusted clock */
    SL_SCREEN_LIT,             /* showing the current version, clock trusted */
    SL_SCREEN_N_STATES
} sl_screen_state;

/* Whether a screen last seen at last_seen_ms (-1 never) is online at now_ms. */
bool sl_status_online(int64_t last_seen_ms, int64_t now_ms);
/* The state of a screen at now_ms. */
sl_screen_state sl_status_state(const sl_hub_wall_row *r, int64_t now_ms);
/* Whether a state is dark (the screen shows none of its campaign). */
bool sl_status_dark(sl_screen_state s);
/* A state's code: "offline", "no_content", "never_enrolled",
 * "outdated_content", "clock_untrusted", "lit" (the coverage report's
 * reason codes where they name the same thing). */
const char *sl_status_code(sl_screen_state s);
/* The state of a code, or -1 when it names none. */
int sl_status_parse(const char *code);

/* Records a screen's heartbeat received at now_ms: content_version (-1 not
 * given) and its validated status as JSON text. *screenshot_requested tells
 * whether staff asked for a screenshot (the request is then cleared). STORE. */
sl_svc_rc sl_status_heartbeat(sl_hub *hub, const char *screen, int64_t now_ms, int64_t content_version,
                              const char *status_json, bool *screenshot_requested, sl_svc_err *e);

/* A screen's heartbeat history (store.h: the first heartbeat of each
 * 5-minute slot, a day of them), newest first, at most limit, through cb
 * (non-zero stops it). INVALID (not a screen id), STORE. */
sl_svc_rc sl_status_heartbeats(sl_hub *hub, const char *screen, size_t limit,
                               int (*cb)(void *ud, const sl_hub_hb_point *h), void *ud, sl_svc_err *e);

/* Stores a screenshot of a screen taken at now_ms (mime "image/png" or
 * "image/jpeg", checked against the file's first bytes) in
 * DATA/screenshots/<screen>/ with its thumbnail (hub_thumb.h), keeping the
 * first five of each UTC day and the latest. INVALID (not that kind of
 * file), FAILED, STORE. */
sl_svc_rc sl_status_screenshot_put(sl_hub *hub, const char *screen, const char *mime, const void *data, size_t len,
                                   int64_t now_ms, sl_svc_err *e);

/* Asks a screen for a screenshot with its next heartbeat. INVALID, NOT_FOUND, STORE. */
sl_svc_rc sl_status_screenshot_request(sl_hub *hub, const char *screen, sl_svc_err *e);

/* Opens a screenshot of a screen: the one taken at taken_ms, or the latest
 * when taken_ms is -1: *fd (the caller closes it), its *size and *shot.
 * With thumb, its thumbnail (hub_thumb.h: a PNG made when it arrived;
 * shot->mime is then "image/png"), or the whole picture when it has none.
 * INVALID, NOT_FOUND (none, or gone from disk), STORE. */
sl_svc_rc sl_status_screenshot_open(sl_hub *hub, const char *screen, int64_t taken_ms, bool thumb,
                                    sl_hub_screenshot *shot, int *fd, int64_t *size, sl_svc_err *e);

/* A screen's screenshots with from_ms <= taken < to_ms, newest first (the
 * hub keeps the first five of each UTC day and the day's latest). cb
 * returns non-zero to stop. INVALID, STORE. */
sl_svc_rc sl_status_screenshots(sl_hub *hub, const char *screen, int64_t from_ms, int64_t to_ms,
                                int (*cb)(void *ud, const sl_hub_screenshot *s), void *ud, sl_svc_err *e);

#endif
