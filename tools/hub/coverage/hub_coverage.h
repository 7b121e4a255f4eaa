/* hub_coverage.h — the coverage report: per screen and hour, required vs lit seconds, floors, reasons (REPORTS.md). */
#ifndef SL_HUB_COVERAGE_H
#define SL_HUB_COVERAGE_H

#include "tools/hub/hub.h"

#include <cjson/cJSON.h>

#include <stdbool.h>
#include <stdint.h>

/* What a report covers. Dates are days since 1970-01-01 (local dates of
 * each screen); strings NULL or "" = no filter. */
typedef struct {
    int64_t from_day;
    int64_t to_day;          /* inclusive, >= from_day, at most 366 days after */
    const char *region;
    const char *unit_type;
    const char *screen;
    int threshold_pct;       /* 1..100; 0 = the default, 95 */
    bool detail_hours;       /* add each screen's "hours" */
} sl_coverage_query;

#define SL_COVERAGE_DEFAULT_THRESHOLD 95
#define SL_COVERAGE_MAX_DAYS 366

/* Computes the report document described in REPORTS.md. Returns a new
 * cJSON object (caller deletes) or NULL with a message in err (a store
 * failure or out of memory). now_ms is written as "generated". */
cJSON *sl_coverage_report(sl_hub *hub, const sl_coverage_query *q, int64_t now_ms, char *err, size_t errlen);

#endif
