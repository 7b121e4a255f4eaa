/* routes_report.c — GET /api/v1/reports/coverage: the coverage report as JSON (REPORTS.md). */
#include "tools/hub/routes.h"

#include "content/timeutil.h"
#include "tools/hub/coverage.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *arg(sl_req *r, const char *key)
{
    return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, key);
}

/* A filter argument: absent is fine; present must be clean text. */
static bool text_arg_ok(const char *v)
{
    return !v || (strlen(v) <= SL_HUB_TEXT_MAX && sl_hub_text_ok(v, strlen(v), false));
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
    q.region = arg(r, "region");
    q.unit_type = arg(r, "unit_type");
    q.screen = arg(r, "screen");
    if (!text_arg_ok(q.region) || !text_arg_ok(q.unit_type))
        return sl_reply_error(r, 400, NULL, "region and unit_type must be text of at most %d bytes",
                              SL_HUB_TEXT_MAX);
    if (q.screen && !sl_hub_id_ok(q.screen))
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
