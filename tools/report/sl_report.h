/* sl_report.h — renders the hub's coverage report document (tools/hub/REPORTS.md) as CSV, XLSX, HTML or JSON (FORMATS.md). */
#ifndef SL_REPORT_H
#define SL_REPORT_H

#include "tools/report/sl_report_buf.h"
#include "tools/report/sl_report_msg.h"

#include <cjson/cJSON.h>

#include <stdbool.h>
#include <stddef.h>

typedef enum { SL_REPORT_CSV, SL_REPORT_XLSX, SL_REPORT_JSON, SL_REPORT_HTML } sl_report_format;

/* "csv", "xlsx", "json" or "html". 0 or -1. */
int sl_report_format_parse(const char *s, sl_report_format *f);
/* The format a file name's extension names (.csv, .xlsx, .json, .html,
 * .htm; any case). 0, or -1 when it names none. */
int sl_report_format_from_path(const char *path, sl_report_format *f);
/* "csv", "xlsx", "json", "html". */
const char *sl_report_format_name(sl_report_format f);

/* A proof screenshot for the HTML page: embedded as a data: URI when data
 * is given (PNG or JPEG only, recognised by its bytes; anything else is
 * left out), else linked by url (http, https or a relative path) when given. */
typedef struct {
    const char *screen;        /* the screen id (required) */
    const char *taken;         /* ISO instant, may be NULL */
    const unsigned char *data; /* the picture's bytes, or NULL */
    size_t len;
    const char *url;           /* used when data is NULL; may be NULL */
} sl_report_shot;

typedef struct {
    sl_report_lang lang;
    const sl_report_shot *shots; /* in the order they are shown */
    size_t n_shots;
    /* HTML: when set, each screen's id links to this followed by the id
     * (URL-encoded), e.g. "/console/screens/". */
    const char *screen_link;
} sl_report_opts;

/* Each renderer checks the document (sl_report_check) and returns 0, or -1
 * with a message in err (a document of the wrong shape, out of memory, or
 * for XLSX a file that could not be written). The text renderers append to
 * out. */
int sl_report_csv(const cJSON *doc, sl_report_lang lang, sl_report_buf *out, char *err, size_t errlen);
int sl_report_html(const cJSON *doc, const sl_report_opts *o, sl_report_buf *out, char *err, size_t errlen);
int sl_report_json(const cJSON *doc, sl_report_buf *out, char *err, size_t errlen);

/* The HTML report as a part of another page (the hub's web console): what
 * sl_report_html puts in <body> without its title, inside
 * <div class="slr">, for a page that also links sl_report_html_css. */
#define SL_REPORT_HTML_SCOPE "slr"
int sl_report_html_part(const cJSON *doc, const sl_report_opts *o, sl_report_buf *out, char *err, size_t errlen);
/* The HTML report's stylesheet with every rule scoped to .slr, so that it
 * styles that part and nothing else of the page around it (no @page). */
void sl_report_html_css(sl_report_buf *out);
/* Writes the workbook to path (replaced when it exists). */
int sl_report_xlsx(const cJSON *doc, sl_report_lang lang, const char *path, char *err, size_t errlen);

/* Renders doc in format f into the file path, atomically (a temporary file
 * beside it, synced, then renamed over path), or to standard output when
 * path is "-" (not for XLSX). o may be NULL (English, no screenshots).
 * 0 or -1 with err. */
int sl_report_write(const cJSON *doc, sl_report_format f, const sl_report_opts *o, const char *path, char *err,
                    size_t errlen);

#endif
