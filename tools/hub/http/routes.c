/* routes.c — the hub's route table: method, path, roles, body handling and handler of every endpoint. */
#include "tools/hub/http/routes.h"

#include "tools/hub/console/console_api.h"
#include "tools/hub/console/console_http.h"

#define R_ADMIN SL_ROLE_ADMIN
#define R_PUB (SL_ROLE_PUBLISHER | SL_ROLE_ADMIN)
#define R_READ (SL_ROLE_AUDITOR | SL_ROLE_ADMIN)
#define R_STAFF (SL_ROLE_PUBLISHER | SL_ROLE_AUDITOR | SL_ROLE_ADMIN)
#define R_SCREEN SL_ROLE_SCREEN
#define IGNORE_4K SL_BODY_IGNORE, 4096u

const sl_route sl_hub_routes[] = {
    {"GET", "/api/v1/health", 0, IGNORE_4K, NULL, NULL, NULL, sl_h_health},
    {"POST", "/api/v1/enroll-codes", R_ADMIN, SL_BODY_BUFFER, SL_CAP_SMALL_JSON, NULL, NULL, NULL, sl_h_enroll_code},
    {"GET", "/api/v1/enroll-codes", R_ADMIN, IGNORE_4K, NULL, NULL, NULL, sl_h_enroll_code_list},
    {"POST", "/api/v1/enroll-codes/*/revoke", R_ADMIN, IGNORE_4K, NULL, NULL, NULL, sl_h_enroll_code_revoke},
    {"POST", "/api/v1/enroll", 0, SL_BODY_BUFFER, 4096u, NULL, NULL, NULL, sl_h_enroll},
    {"POST", "/api/v1/screens/*/revoke", R_ADMIN, IGNORE_4K, NULL, NULL, NULL, sl_h_screen_revoke},
    {"PUT", "/api/v1/inventory", R_ADMIN, SL_BODY_BUFFER, SL_CAP_INVENTORY_CSV, NULL, NULL, NULL,
     sl_h_inventory_put},
    {"GET", "/api/v1/inventory", R_READ, IGNORE_4K, NULL, NULL, NULL, sl_h_inventory_get},
    {"GET", "/api/v1/screens", R_READ, IGNORE_4K, NULL, NULL, NULL, sl_h_screens},
    {"GET", "/api/v1/screens/*/hours", R_READ, IGNORE_4K, NULL, NULL, NULL, sl_h_screen_hours},
    {"GET", "/api/v1/screens/*/screenshot", R_READ, IGNORE_4K, NULL, NULL, NULL, sl_h_screenshot_get},
    {"POST", "/api/v1/screens/*/screenshot-request", R_ADMIN, IGNORE_4K, NULL, NULL, NULL,
     sl_h_screenshot_request},
    {"POST", "/api/v1/media/missing", R_PUB, SL_BODY_BUFFER, SL_CAP_MISSING_JSON, NULL, NULL, NULL,
     sl_h_media_missing},
    {"PUT", "/api/v1/media/*", R_PUB, SL_BODY_STREAM, SL_CAP_MEDIA_PART, sl_h_media_put_begin,
     sl_h_media_put_chunk, sl_h_media_put_cleanup, sl_h_media_put},
    {"POST", "/api/v1/channels/*/manifests", R_PUB, SL_BODY_BUFFER, 8u * 1024u * 1024u, NULL, NULL, NULL,
     sl_h_manifest_post},
    {"GET", "/api/v1/channels", R_STAFF, IGNORE_4K, NULL, NULL, NULL, sl_h_channels},
    {"GET", "/api/v1/manifest", R_SCREEN, IGNORE_4K, NULL, NULL, NULL, sl_h_manifest_get},
    {"GET", "/media/*", 0, IGNORE_4K, NULL, NULL, NULL, sl_h_media_get},
    {"POST", "/api/v1/plays", R_SCREEN, SL_BODY_BUFFER, SL_CAP_PLAYS_JSON, NULL, NULL, NULL, sl_h_plays_post},
    {"POST", "/api/v1/screens/*/plays", R_ADMIN, SL_BODY_BUFFER, SL_CAP_PLAYS_JSON, NULL, NULL, NULL,
     sl_h_screen_plays_post},
    {"GET", "/api/v1/plays", R_READ, IGNORE_4K, NULL, NULL, NULL, sl_h_plays_get},
    {"GET", "/api/v1/reports/coverage", R_READ, IGNORE_4K, NULL, NULL, NULL, sl_h_report_coverage},
    {"POST", "/api/v1/heartbeat", R_SCREEN, SL_BODY_BUFFER, SL_CAP_SMALL_JSON, NULL, NULL, NULL, sl_h_heartbeat},
    {"PUT", "/api/v1/screenshot", R_SCREEN, SL_BODY_BUFFER, SL_CAP_SCREENSHOT, NULL, NULL, NULL,
     sl_h_screenshot_put},
    SL_CONSOLE_API_ROUTES, /* the campaign editor's JSON API (console/console_api.h), before the pages */
    SL_CONSOLE_ROUTES, /* the web console: /console/ and every page under it (console/console_http.h) */
};

const size_t sl_hub_n_routes = sizeof sl_hub_routes / sizeof sl_hub_routes[0];
