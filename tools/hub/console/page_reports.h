/* page_reports.h — the console's Coverage and Reports pages (page_coverage.c, page_reports.c): their handlers and their rows of the page table. */
#ifndef SL_HUB_PAGE_REPORTS_H
#define SL_HUB_PAGE_REPORTS_H

#include "tools/hub/console/console.h"

/* GET coverage: the period, region and unit type form, the ranking of
 * regions and unit types, and the coverage report of the selection. */
int sl_page_coverage(sl_cpage *p, char *err, size_t errlen);
/* GET coverage/download?format=csv|xlsx|html|json and the selection: the
 * report file, the bytes GET /api/v1/reports/coverage gives for the same
 * arguments. */
int sl_page_coverage_download(sl_cpage *p, char *err, size_t errlen);
/* GET coverage/report.css: the report's stylesheet, scoped to its part. */
int sl_page_coverage_css(sl_cpage *p, char *err, size_t errlen);
/* GET reports: the scheduled reports in DATA/reports, newest first. */
int sl_page_reports(sl_cpage *p, char *err, size_t errlen);
/* GET reports/NAME: one of their files (only the scheduler's names). */
int sl_page_reports_file(sl_cpage *p, char *err, size_t errlen);

/* Writes ` href="..."`: the coverage page of a selection (format NULL), or
 * its download in format in the page's language. Empty values are left
 * out; values are URL-encoded, the whole HTML-escaped. */
void sl_page_coverage_href(sl_cpage *p, const char *format, const char *period, const char *from, const char *to,
                           const char *region, const char *unit_type);

/* Who may see them: as GET /api/v1/reports/coverage, auditors and admins. */
#define SL_PAGE_REPORTS_ROLES (SL_ROLE_AUDITOR | SL_ROLE_ADMIN)

/* Their rows of sl_console_pages[]. */
#define SL_PAGE_REPORTS_ROWS                                                       \
    {"GET", "coverage", SL_PAGE_REPORTS_ROLES, sl_page_coverage},                  \
        {"GET", "coverage/download", SL_PAGE_REPORTS_ROLES, sl_page_coverage_download}, \
        {"GET", "coverage/report.css", SL_PAGE_REPORTS_ROLES, sl_page_coverage_css},   \
        {"GET", "reports", SL_PAGE_REPORTS_ROLES, sl_page_reports},                    \
        {"GET", "reports/*", SL_PAGE_REPORTS_ROLES, sl_page_reports_file}

#endif
