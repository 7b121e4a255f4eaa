/* routes_report.c — GET /api/v1/reports/coverage: the coverage report as JSON (REPORTS.md), or as a CSV, XLSX, HTML or JSON file. */
#include "tools/hub/http/routes.h"

#include "tools/hub/coverage/hub_coverage.h"
#include "tools/hub/service/hub_reports.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *arg(sl_req *r, const char *key)
{
    return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, key);
}

static int hexval(char ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

/* A filter argument, percent-decoded ("+" is a space) into buf: the server
 * hands query values over as sent. Absent: NULL. Present: 0 when it decodes
 * to clean text of at most SL_HUB_TEXT_MAX bytes (no NUL, no controls),
 * else -1. */
static int text_arg(const char *v, char buf[SL_HUB_TEXT_MAX + 1], const char **out)
{
    size_t n = 0;
    *out = NULL;
    if (!v)
        return 0;
    for (const char *p = v; *p; p++) {
        int ch = (unsigned char)*p;
        if (*p == '%') {
            int hi = hexval(p[1]), lo = hi >= 0 ? hexval(p[2]) : -1;
            if (lo < 0)
                return -1;
            ch = hi * 16 + lo;
            p += 2;
        } else if (*p == '+') {
            ch = ' ';
        }
        if (ch == 0 || n >= SL_HUB_TEXT_MAX)
            return -1;
        buf[n++] = (char)ch;
    }
    buf[n] = '\0';
    if (!sl_wire_text_ok(buf, n, false))
        return -1;
    *out = buf;
    return 0;
}

enum MHD_Result sl_h_report_coverage(sl_hub *hub, sl_req *r)
{
    sl_svc_err e;
    sl_hub_report_sel sel;
    char region[SL_HUB_TEXT_MAX + 1], unit_type[SL_HUB_TEXT_MAX + 1];
    sl_hub_report_args a = {.from = arg(r, "from"),
                            .to = arg(r, "to"),
                            .screen = arg(r, "screen"),
                            .threshold = arg(r, "threshold"),
                            .detail = arg(r, "detail"),
                            .format = arg(r, "format"),
                            .lang = arg(r, "lang")};
    if (text_arg(arg(r, "region"), region, &a.region) != 0 || text_arg(arg(r, "unit_type"), unit_type, &a.unit_type) != 0)
        return sl_reply_error(r, 400, NULL, "region and unit_type must be URL-encoded text of at most %d bytes",
                              SL_HUB_TEXT_MAX);
    if (sl_hub_report_sel_parse(hub, &a, &sel, &e) != SL_SVC_OK)
        return sl_reply_svc_error(hub, r, &e, NULL);
    if (!sel.has_format) {
        char err[256];
        cJSON *doc = sl_coverage_report(hub, &sel.q, sl_hub_now_ms(), err, sizeof err);
        if (!doc)
            return sl_reply_store_error(hub, r, err);
        return sl_reply_json(r, 200, doc);
    }
    /* A report file: the bytes the web console's download gives. */
    sl_report_buf out = {0};
    char filename[SL_HUB_REPORT_FILENAME_MAX], disp[SL_HUB_REPORT_FILENAME_MAX + 32];
    if (sl_hub_report_download(hub, &sel, sl_hub_now_ms(), &out, filename, &e) != SL_SVC_OK) {
        sl_report_buf_free(&out);
        return sl_reply_svc_error(hub, r, &e, NULL);
    }
    size_t len;
    char *bytes = sl_report_buf_take(&out, &len);
    struct MHD_Response *resp = MHD_create_response_from_buffer(len, bytes ? bytes : (char *)"",
                                                                bytes ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
    if (!resp) {
        free(bytes);
        return MHD_NO;
    }
    snprintf(disp, sizeof disp, "attachment; filename=\"%s\"", filename);
    MHD_add_response_header(resp, "Content-Type", sl_hub_report_content_type(sel.format));
    MHD_add_response_header(resp, "Content-Disposition", disp);
    return sl_reply(r, 200, resp);
}
