/* routes_report.c — GET /api/v1/reports/coverage: the coverage report as JSON (REPORTS.md). */
#include "tools/hub/http/routes.h"

#include "content/timeutil.h"
#include "tools/hub/coverage/hub_coverage.h"

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
    char err[256];
    sl_coverage_query q = {0};
    const char *from = arg(r, "from"), *to = arg(r, "to"), *thr = arg(r, "threshold"), *detail = arg(r, "detail");
    if (!from || sl_date_parse(from, &q.from_day) != 0)
        return sl_reply_error(r, 400, NULL, "?from=YYYY-MM-DD is missing or not a date");
    if (!to || sl_date_parse(to, &q.to_day) != 0)
        return sl_reply_error(r, 400, NULL, "?to=YYYY-MM-DD is missing or not a date");
    if (q.to_day < q.from_day)
        return sl_reply_error(r, 400, NULL, "to (%s) is before from (%s)", to, from);
    if (q.to_day - q.from_day + 1 > SL_COVERAGE_MAX_DAYS)
        return sl_reply_error(r, 400, NULL, "a report covers at most %d days", SL_COVERAGE_MAX_DAYS);
    char region[SL_HUB_TEXT_MAX + 1], unit_type[SL_HUB_TEXT_MAX + 1];
    if (text_arg(arg(r, "region"), region, &q.region) != 0 ||
        text_arg(arg(r, "unit_type"), unit_type, &q.unit_type) != 0)
        return sl_reply_error(r, 400, NULL, "region and unit_type must be URL-encoded text of at most %d bytes",
                              SL_HUB_TEXT_MAX);
    q.screen = arg(r, "screen");
    if (q.screen && !sl_wire_id_ok(q.screen))
        return sl_reply_error(r, 400, NULL, "screen must be a screen id");
    if (thr) {
        char *e;
        long t = strtol(thr, &e, 10);
        if (!*thr || *e || t < 1 || t > 100)
            return sl_reply_error(r, 400, NULL, "threshold must be a whole percentage from 1 to 100");
        q.threshold_pct = (int)t;
    }
    if (detail && strcmp(detail, "hours") != 0)
        return sl_reply_error(r, 400, NULL, "detail can only be \"hours\"");
    q.detail_hours = detail != NULL;
    cJSON *doc = sl_coverage_report(hub, &q, sl_hub_now_ms(), err, sizeof err);
    if (!doc)
        return sl_reply_store_error(hub, r, err);
    return sl_reply_json(r, 200, doc);
}
