/* sl_report_svg.h — the report's charts as inline SVG: coverage by region (bars) and hours lit per day. */
#ifndef SL_REPORT_SVG_H
#define SL_REPORT_SVG_H

#include "tools/report/sl_report_buf.h"

#include <stddef.h>

/* Colours of the charts and the status badges. */
#define SL_SVG_GREEN "#2e7d32" /* at or over the threshold */
#define SL_SVG_AMBER "#ef8f00" /* under it */
#define SL_SVG_RED "#c62828"   /* nothing */
#define SL_SVG_GREY "#d5dbe1"  /* required hours */

#define SL_SVG_WIDTH 680 /* user units; the page scales the chart to its column */

typedef struct {
    const char *label; /* UTF-8; cut with "…" when wider than the label column */
    double pct;        /* 0..100 */
} sl_report_bar;

/* Horizontal bars of coverage, one per label, 0..100 %, coloured green at
 * or over threshold_pct, amber under it and red at 0, with a dashed line at
 * the threshold and the percentage written after each bar. title becomes
 * the chart's accessible name. */
void sl_report_svg_regions(sl_report_buf *b, const char *title, const sl_report_bar *bars, size_t n,
                           double threshold_pct);

typedef struct {
    const char *label; /* e.g. "11-23" */
    double required_h;
    double lit_h;
} sl_report_day;

/* Vertical bars per day: the required hours in grey, the hours lit over
 * them, a y axis in hours (unit, e.g. "h") and a legend. At most about 14
 * day labels are written; the rest are left out. */
void sl_report_svg_days(sl_report_buf *b, const char *title, const sl_report_day *days, size_t n,
                        const char *legend_required, const char *legend_lit, const char *unit);


#endif
