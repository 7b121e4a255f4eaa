/* console_pages.h — the console's page table (console_pages.c), how a request finds its page, and the handlers the table names (one block per page_*.c). */
#ifndef SL_HUB_CONSOLE_PAGES_H
#define SL_HUB_CONSOLE_PAGES_H

#include "tools/hub/console/console.h"

#include <stdbool.h>
#include <stddef.h>

/* Role sets of pages. */
#define SL_CPAGE_STAFF ((unsigned)(SL_ROLE_ADMIN | SL_ROLE_PUBLISHER | SL_ROLE_AUDITOR))
#define SL_CPAGE_READ ((unsigned)(SL_ROLE_ADMIN | SL_ROLE_AUDITOR)) /* the API's readers */
#define SL_CPAGE_ADMIN ((unsigned)SL_ROLE_ADMIN)
#define SL_CPAGE_PUBLISH ((unsigned)(SL_ROLE_ADMIN | SL_ROLE_PUBLISHER)) /* the API's publishers */
/* roles 0: a page anybody may open without logging in (the login page) */

extern const sl_console_page sl_console_pages[];
extern const size_t sl_console_n_pages;

/* The page of method ("HEAD" finds GET pages) and path (under /console/,
 * without the query): its pattern's '*' (one non-empty segment of at most
 * plen - 1 bytes) goes into param. NULL when none; then *path_known tells
 * whether a page has this path with another method. */
const sl_console_page *sl_console_page_find(const char *method, const char *path, char *param, size_t plen,
                                            bool *path_known);

/* page_login.c: logging in and out, one's own password, /console/ itself */
int sl_page_login_get(sl_cpage *p, char *err, size_t errlen);
int sl_page_login_post(sl_cpage *p, char *err, size_t errlen);
int sl_page_logout(sl_cpage *p, char *err, size_t errlen);
int sl_page_password_get(sl_cpage *p, char *err, size_t errlen);
int sl_page_password_post(sl_cpage *p, char *err, size_t errlen);
int sl_page_home(sl_cpage *p, char *err, size_t errlen);

/* page_screens.c: the wall (every screen, its state now, dark first) and a screenshot as an image
 * (?at=MS: the one taken then; else the latest) */
int sl_page_screens(sl_cpage *p, char *err, size_t errlen);
int sl_page_screens_shot(sl_cpage *p, char *err, size_t errlen);
/* page_screen.c: one screen; the admin's screenshot request, enrolment code (shown once, with its QR
 * code) and revocation (a confirmation step first) */
int sl_page_screen(sl_cpage *p, char *err, size_t errlen);
int sl_page_screen_shot_request(sl_cpage *p, char *err, size_t errlen);
int sl_page_screen_enroll_code(sl_cpage *p, char *err, size_t errlen);
int sl_page_screen_revoke(sl_cpage *p, char *err, size_t errlen);

/* page_coverage.c: coverage of a period, region and unit type; the ranking; the report's files */
int sl_page_coverage(sl_cpage *p, char *err, size_t errlen);
/* GET coverage/download?format=csv|xlsx|html|json and the selection: the
 * bytes GET /api/v1/reports/coverage gives for the same arguments. */
int sl_page_coverage_download(sl_cpage *p, char *err, size_t errlen);
/* GET coverage/report.css: the report's stylesheet scoped to its part, and the page's own rules. */
int sl_page_coverage_css(sl_cpage *p, char *err, size_t errlen);
/* A coverage selection as the page's query gives it (NULL or "" = absent). */
typedef struct {
    const char *period, *from, *to, *region, *unit_type, *screen, *threshold, *detail;
} sl_cov_sel;

/* Writes ` href="..."`: the coverage page of a selection (format NULL), or
 * its download in format in the page's language. Empty values are left
 * out; values are URL-encoded, the whole HTML-escaped. */
void sl_page_coverage_href(sl_cpage *p, const char *format, const sl_cov_sel *sel);

/* page_reports.c: the scheduled reports in DATA/reports, newest first, and
 * each of their files (reports/NAME: only the names the schedule gives) */
int sl_page_reports(sl_cpage *p, char *err, size_t errlen);
int sl_page_reports_file(sl_cpage *p, char *err, size_t errlen);

/* page_channels.c: channels, their versions, contents and followers */
int sl_page_channels(sl_cpage *p, char *err, size_t errlen);
int sl_page_channel(sl_cpage *p, char *err, size_t errlen);

/* page_campaigns.c: the campaign editor's page (its script, editor.js, does the work through /console/api/) */
int sl_page_campaigns(sl_cpage *p, char *err, size_t errlen);

/* page_inventory.c: the inventory (admin) */
int sl_page_inventory(sl_cpage *p, char *err, size_t errlen);
int sl_page_inventory_upload(sl_cpage *p, char *err, size_t errlen);
int sl_page_inventory_download(sl_cpage *p, char *err, size_t errlen);
int sl_page_inventory_row(sl_cpage *p, char *err, size_t errlen);
int sl_page_inventory_row_save(sl_cpage *p, char *err, size_t errlen);

/* page_people.c: people, API tokens, publisher keys (admin) */
int sl_page_people(sl_cpage *p, char *err, size_t errlen);
int sl_page_people_add(sl_cpage *p, char *err, size_t errlen);
int sl_page_people_disable(sl_cpage *p, char *err, size_t errlen);
int sl_page_people_enable(sl_cpage *p, char *err, size_t errlen);
int sl_page_people_remove(sl_cpage *p, char *err, size_t errlen);
int sl_page_token_add(sl_cpage *p, char *err, size_t errlen);
int sl_page_token_revoke(sl_cpage *p, char *err, size_t errlen);
int sl_page_key_add(sl_cpage *p, char *err, size_t errlen);

#endif
