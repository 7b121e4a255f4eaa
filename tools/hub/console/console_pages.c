/* console_pages.c — the console's page table: one line per page (method, path under /console/, roles, handler), and finding a request's page in it. */
#include "tools/hub/console/console_pages.h"
#include "tools/hub/http/http.h"

#include <string.h>

const sl_console_page sl_console_pages[] = {
    {"GET", "", SL_CPAGE_STAFF, sl_page_home},
    {"GET", "login", 0, sl_page_login_get},
    {"POST", "login", 0, sl_page_login_post},
    {"POST", "logout", SL_CPAGE_STAFF, sl_page_logout},
    {"GET", "password", SL_CPAGE_STAFF, sl_page_password_get},
    {"POST", "password", SL_CPAGE_STAFF, sl_page_password_post},
    /* the screens (page_screens.c, page_screen.c): read as the API's readers; act as an admin */
    {"GET", "screens", SL_CPAGE_READ, sl_page_screens},
    {"GET", "screens/*", SL_CPAGE_READ, sl_page_screen},
    {"GET", "screens/*/screenshot", SL_CPAGE_READ, sl_page_screens_shot},
    {"POST", "screens/*/screenshot-request", SL_CPAGE_ADMIN, sl_page_screen_shot_request},
    {"POST", "screens/*/enroll-code", SL_CPAGE_ADMIN, sl_page_screen_enroll_code},
    {"POST", "screens/*/revoke", SL_CPAGE_ADMIN, sl_page_screen_revoke},
    {"GET", "coverage", SL_CPAGE_READ, sl_page_coverage},
    {"GET", "coverage/download", SL_CPAGE_READ, sl_page_coverage_download},
    {"GET", "coverage/report.css", SL_CPAGE_READ, sl_page_coverage_css},
    {"GET", "reports", SL_CPAGE_READ, sl_page_reports},
    {"GET", "reports/*", SL_CPAGE_READ, sl_page_reports_file},
    /* channels, inventory, people (page_channels.c, page_inventory.c, page_people.c) */
    {"GET", "channels", SL_CPAGE_STAFF, sl_page_channels},
    {"GET", "channels/*", SL_CPAGE_STAFF, sl_page_channel},
    {"GET", "campaigns", SL_CPAGE_PUBLISH, sl_page_campaigns},
    {"GET", "inventory", SL_CPAGE_ADMIN, sl_page_inventory},
    {"POST", "inventory", SL_CPAGE_ADMIN, sl_page_inventory_upload},
    {"GET", "inventory/download", SL_CPAGE_ADMIN, sl_page_inventory_download}, /* before inventory/ID */
    {"GET", "inventory/*", SL_CPAGE_ADMIN, sl_page_inventory_row},
    {"POST", "inventory/*", SL_CPAGE_ADMIN, sl_page_inventory_row_save},
    {"GET", "people", SL_CPAGE_ADMIN, sl_page_people},
    {"POST", "people/add", SL_CPAGE_ADMIN, sl_page_people_add},
    {"POST", "people/disable", SL_CPAGE_ADMIN, sl_page_people_disable},
    {"POST", "people/enable", SL_CPAGE_ADMIN, sl_page_people_enable},
    {"POST", "people/remove", SL_CPAGE_ADMIN, sl_page_people_remove},
    {"POST", "people/tokens/add", SL_CPAGE_ADMIN, sl_page_token_add},
    {"POST", "people/tokens/revoke", SL_CPAGE_ADMIN, sl_page_token_revoke},
    {"POST", "people/keys/add", SL_CPAGE_ADMIN, sl_page_key_add},
};

const size_t sl_console_n_pages = sizeof sl_console_pages / sizeof sl_console_pages[0];

const sl_console_page *sl_console_page_find(const char *method, const char *path, char *param, size_t plen,
                                            bool *path_known)
{
    const char *m = strcmp(method, "HEAD") == 0 ? "GET" : method;
    *path_known = false;
    param[0] = '\0';
    for (size_t i = 0; i < sl_console_n_pages; i++) {
        const sl_console_page *pg = &sl_console_pages[i];
        bool too_long = false;
        if (!sl_route_match(pg->pattern, path, param, plen, &too_long) || too_long)
            continue;
        if (strcmp(pg->method, m) == 0)
            return pg;
        *path_known = true;
    }
    param[0] = '\0';
    return NULL;
}
