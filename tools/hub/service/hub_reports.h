/* hub_reports.h — coverage reports as a service: the selection people give checked, the report made and rendered in any format, the scheduled reports' files listed and read. */
#ifndef SL_HUB_REPORTS_H
#define SL_HUB_REPORTS_H

#include "content/tz.h"
#include "tools/hub/coverage/hub_coverage.h"
#include "tools/hub/coverage/hub_schedule.h"
#include "tools/hub/hub.h"
#include "tools/hub/service/hub_service.h"
#include "tools/report/sl_report.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The API's GET /api/v1/reports/coverage and the web console's coverage
 * page and downloads both go through here, so that the same selection gives
 * the same report and the same bytes (REPORTS.md, API.md).
 */

/* A report's selection as people give it (query arguments, already
 * percent-decoded); NULL = absent. */
typedef struct {
    const char *from, *to;          /* YYYY-MM-DD, both required */
    const char *region, *unit_type; /* exact text; NULL or "" = every one */
    const char *screen;             /* one screen's id */
    const char *threshold;          /* percent, 1-100 */
    const char *detail;             /* "hours" */
    const char *format;             /* csv, xlsx, html or json: a report file; NULL = the API's JSON document */
    const char *lang;               /* zh or en; NULL = the hub's --report-lang (zh) */
} sl_hub_report_args;

/* The selection checked. q's strings point into the args. */
typedef struct {
    sl_coverage_query q;
    bool has_format;
    sl_report_format format;
    sl_report_lang lang;
} sl_hub_report_sel;

/* Checks a selection: INVALID with a message that names the argument and
 * says what it wants. */
sl_svc_rc sl_hub_report_sel_parse(const sl_hub *hub, const sl_hub_report_args *a, sl_hub_report_sel *sel,
                                  sl_svc_err *e);

/* The Content-Type of a report format ("text/csv; charset=utf-8", ...). */
const char *sl_hub_report_content_type(sl_report_format f);

/* Renders doc in format f into out, byte for byte what
 * sl_hub_report_file writes (an HTML report embeds the latest screenshots
 * of up to SL_HUB_REPORT_SHOTS screens). FAILED (memory, the data folder;
 * logged). */
sl_svc_rc sl_hub_report_render(sl_hub *hub, const cJSON *doc, sl_report_format f, sl_report_lang lang,
                               sl_report_buf *out, sl_svc_err *e);

#define SL_HUB_REPORT_FILENAME_MAX 64

/* A report file made now from the store: the coverage report of sel
 * (generated at now_ms) rendered in sel->format (JSON when it has none)
 * into out, with its download name "coverage-FROM-TO.EXT" in filename.
 * FAILED, STORE (the message is for the log). */
sl_svc_rc sl_hub_report_download(sl_hub *hub, const sl_hub_report_sel *sel, int64_t now_ms, sl_report_buf *out,
                                 char filename[SL_HUB_REPORT_FILENAME_MAX], sl_svc_err *e);

/* ---- scheduled reports (files in DATA/reports, hub_schedule.h) ---- */

/* The zone of the hub's weeks and months (its --report-tz), loaded; NULL
 * with e (FAILED: the zone cannot be read). Free with sl_tz_free. */
sl_tz *sl_hub_report_tz(const sl_hub *hub, sl_svc_err *e);

/* One scheduled run of which files are there. */
typedef struct {
    sl_schedule_run run;
    unsigned formats;   /* a bit (1u << format) for each of its files found */
    int64_t written_ms; /* the latest modification time of its files */
} sl_hub_report_made;

/* The scheduled runs in DATA/reports, by the names of their files (other
 * files are left out), latest period first (by last day, then weekly
 * before monthly). *out (free it) gets *n of them; none when the folder is
 * missing. FAILED. */
sl_svc_rc sl_hub_reports_list(sl_hub *hub, const sl_tz *tz, sl_hub_report_made **out, size_t *n, sl_svc_err *e);

#define SL_HUB_REPORT_FILE_MAX (256u * 1024u * 1024u) /* bytes of a report file served */

/* Reads the scheduled report file named file (only a name that
 * sl_schedule_file_parse accepts: no folder, no "..") into out, with its
 * format. INVALID (not such a name), NOT_FOUND, FAILED. */
sl_svc_rc sl_hub_reports_read(sl_hub *hub, const sl_tz *tz, const char *file, sl_report_buf *out,
                              sl_report_format *format, sl_svc_err *e);

#endif
