/* console_heat.h — a screen's hours lit vs required as an inline SVG heat map (days × 24 hours), for the console's screen page. */
#ifndef SL_CONSOLE_HEAT_H
#define SL_CONSOLE_HEAT_H

#include "tools/report/sl_report_buf.h"

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SL_HEAT_MAX_DAYS 31 /* a month */

/* One local hour of a screen. */
typedef struct {
    int required_s; /* 0..3600: seconds of the hour the screen must be lit; 0 = not required */
    int lit_s;      /* 0..3600: seconds it was lit (more than required_s counts as required_s) */
    bool future;    /* not over yet, or no data: drawn as an empty outline whatever the rest says */
} sl_heat_hour;

/* One row: a local day. */
typedef struct {
    char label[48];   /* the row's label (UTF-8), e.g. "周二 11-24" or "Tue 11-24" */
    sl_heat_hour h[24]; /* local hours 0..23 */
} sl_heat_day;

/* What a cell shows. */
typedef enum {
    SL_HEAT_NOT_REQUIRED, /* grey */
    SL_HEAT_LIT,          /* green: lit all its required minutes (short by less than a minute) */
    SL_HEAT_PARTLY,       /* amber, with the minutes lit written in it */
    SL_HEAT_DARK,         /* red with a white cross: required, nothing lit */
    SL_HEAT_FUTURE        /* white with a grey outline: not over yet or no data */
} sl_heat_state;

/* The words of the map, in the page's language (the page picks them with
 * sl_cpage_tr). NULL fields are written as "". */
typedef struct {
    const char *title;        /* the accessible name (aria-label and <title>), e.g. "Hours lit, 11-24 to 11-30" */
    const char *lit;          /* legend: "Lit" */
    const char *partly;       /* legend: "Partly lit (minutes)" */
    const char *dark;         /* legend: "Dark" */
    const char *not_required; /* legend and tooltip: "Not required" */
    const char *future;       /* legend and tooltip: "No data yet" */
    /* A required hour's tooltip after "Tue 11-24 14:00–15:00: ", with {lit}
     * and {req} replaced by minutes: "{lit} of {req} min lit" or
     * "亮屏 {lit}/{req} 分钟". */
    const char *minutes;
} sl_heat_text;

/* The state of an hour (values out of range are taken as clamped). */
sl_heat_state sl_console_heat_state(const sl_heat_hour *h);

/*
 * Appends to out the heat map of n_days rows (1..SL_HEAT_MAX_DAYS) as one
 * <svg class="heat"> element: hour labels 0..23 across the top, the days'
 * labels on the left, a cell per hour coloured by its state (colours told
 * apart without hue too: dark cells carry a cross, partly lit ones their
 * minutes, hours not required are pale, future ones an outline), a <title>
 * tooltip per cell ("Tue 11-24 14:00–15:00: 42 of 60 min lit"), and a
 * legend below that wraps to the width. viewBox with width="100%" and no
 * height: it scales to its column, from 1366 px down to a 390 px phone. The
 * text inherits the page's font. Every label goes through
 * sl_report_buf_html. Each cell is a <rect class="h-lit|h-partly|h-dark|
 * h-off|h-future"> with its <title> inside.
 * Returns 0, or -1 with a message in err when n_days is out of range, an
 * hour's seconds are outside 0..3600, or memory runs out (out's oom is
 * then set and nothing of the element is left in it).
 */
int sl_console_heat_svg(const sl_heat_day *days, size_t n_days, const sl_heat_text *text, sl_report_buf *out,
                        char *err, size_t errlen);

/*
 * Fills days[0..n_days) from one screen of a coverage report made with
 * detail_hours (an element of the document's "screens", REPORTS.md; its
 * "hours" are UTC hours): row d is the screen's local day first_day + d
 * (days since 1970-01-01, e.g. the report query's from_day), in the time
 * zone of its "timezone"; each UTC hour of the report goes to the local
 * hour it starts in (in zones whose offset is not whole hours a cell is the
 * UTC hour starting in it; an hour repeated when clocks go back adds up, at
 * most 3600 s). Hours the report does not list are not required; hours that
 * end after now_ms are future. Row labels are "<weekday> MM-DD" with the
 * weekday from weekdays (Monday first, the page's language; NULL = the date
 * alone).
 * Returns 0, or -1 with a message in err (n_days out of range, no "hours"
 * in the screen, a time zone that cannot be loaded).
 */
int sl_console_heat_from_report(const cJSON *screen, int64_t first_day, size_t n_days, int64_t now_ms,
                                const char *const weekdays[7], sl_heat_day *days, char *err, size_t errlen);

#endif
