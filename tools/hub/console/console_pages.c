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
    {"GET", "screens", SL_CPAGE_READ, sl_page_screens_stub},
    {"GET", "coverage", SL_CPAGE_READ, sl_page_coverage},
    {"GET", "coverage/download", SL_CPAGE_READ, sl_page_coverage_download},
    {"GET", "coverage/report.css", SL_CPAGE_READ, sl_page_coverage_css},
    {"GET", "reports", SL_CPAGE_READ, sl_page_reports},
    {"GET", "reports/*", SL_CPAGE_READ, sl_page_reports_file},
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
