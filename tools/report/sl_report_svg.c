/* sl_report_svg.c — the report's charts as inline SVG: coverage by region (bars) and hours lit per day. */
#include "tools/report/sl_report_svg.h"

#include "content/textwidth.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#define REG_ROW 26.0      /* height of one region's row */
#define REG_LABEL_W 170.0 /* label column */
#define REG_BAR_W 420.0   /* 100 % */
#define REG_TOP 18.0      /* room for the threshold's label */
#define REG_LABEL_COLS 22 /* columns of a label */

#define DAY_H 240.0
#define DAY_LEFT 52.0
#define DAY_RIGHT 12.0
#define DAY_TOP 40.0
#define DAY_BOTTOM 40.0
#define DAY_MAX_LABELS 14

#define FONT "font-family=\"Noto Sans CJK SC,Source Han Sans SC,Microsoft YaHei,PingFang SC,sans-serif\""

static const char *bar_colour(double pct, double threshold)
{
    return pct >= threshold ? SL_SVG_GREEN : pct > 0 ? SL_SVG_AMBER : SL_SVG_RED;
}

void sl_report_svg_regions(sl_report_buf *b, const char *title, const sl_report_bar *bars, size_t n,
                           double threshold_pct)
{
    double h = REG_TOP + (double)(n ? n : 1) * REG_ROW + 22.0;
    char label[256];
    sl_report_buf_printf(b,
                         "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 %d %.0f\" "
                         "width=\"%d\" height=\"%.0f\" role=\"img\" aria-label=\"",
                         SL_SVG_WIDTH, h, SL_SVG_WIDTH, h);
    sl_report_buf_html(b, title);
    sl_report_buf_puts(b, "\" " FONT " font-size=\"12\"><title>");
    sl_report_buf_html(b, title);
    sl_report_buf_puts(b, "</title>\n");
    double x0 = REG_LABEL_W, ybot = REG_TOP + (double)(n ? n : 1) * REG_ROW;
    /* Grid and axis labels at 0, 25, 50, 75, 100 %. */
    for (int t = 0; t <= 100; t += 25) {
        double x = x0 + REG_BAR_W * t / 100.0;
        sl_report_buf_printf(b,
                             "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#e3e7eb\"/>"
                             "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" fill=\"#555\">%d%%</text>\n",
                             x, REG_TOP, x, ybot, x, ybot + 15.0, t);
    }
    for (size_t i = 0; i < n; i++) {
        double pct = bars[i].pct < 0 ? 0 : bars[i].pct > 100 ? 100 : bars[i].pct;
        double y = REG_TOP + (double)i * REG_ROW;
        double w = REG_BAR_W * pct / 100.0;
        sl_textwidth_fit(bars[i].label, REG_LABEL_COLS, label, sizeof label);
        sl_report_buf_printf(b, "<g class=\"bar\"><text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">", x0 - 8.0,
                             y + REG_ROW / 2 + 4.0);
        sl_report_buf_html(b, label);
        sl_report_buf_printf(b,
                             "</text><rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>"
                             "<text x=\"%.1f\" y=\"%.1f\">%.1f%%</text></g>\n",
                             x0, y + 4.0, w, REG_ROW - 8.0, bar_colour(pct, threshold_pct), x0 + w + 6.0,
                             y + REG_ROW / 2 + 4.0, pct);
    }
    if (threshold_pct > 0 && threshold_pct <= 100) {
        double x = x0 + REG_BAR_W * threshold_pct / 100.0;
        sl_report_buf_printf(b,
                             "<line class=\"threshold\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                             "stroke=\"#333\" stroke-dasharray=\"4 3\"/>"
                             "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" fill=\"#333\">%g%%</text>\n",
                             x, REG_TOP - 4.0, x, ybot, x, REG_TOP - 6.0, threshold_pct);
    }
    sl_report_buf_puts(b, "</svg>\n");
}

/* A round axis maximum at or over v (1, 2, 5 times a power of ten) and its step. */
static double nice_max(double v, double *step)
{
    if (!(v > 0)) {
        *step = 1;
        return 4;
    }
    double raw = v / 4.0, p = pow(10.0, floor(log10(raw))), s;
    double f = raw / p;
    s = (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * p;
    *step = s;
    return ceil(v / s - 1e-9) * s;
}

void sl_report_svg_days(sl_report_buf *b, const char *title, const sl_report_day *days, size_t n,
                        const char *legend_required, const char *legend_lit, const char *unit)
{
    double top = 0, step;
    for (size_t i = 0; i < n; i++) {
        top = fmax(top, days[i].required_h);
        top = fmax(top, days[i].lit_h);
    }
    double ymax = nice_max(top, &step);
    double pw = SL_SVG_WIDTH - DAY_LEFT - DAY_RIGHT, ph = DAY_H - DAY_TOP - DAY_BOTTOM;
    double slot = pw / (double)(n ? n : 1);
    size_t every = n > DAY_MAX_LABELS ? (n + DAY_MAX_LABELS - 1) / DAY_MAX_LABELS : 1;
    sl_report_buf_printf(b,
                         "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 %d %.0f\" "
                         "width=\"%d\" height=\"%.0f\" role=\"img\" aria-label=\"",
                         SL_SVG_WIDTH, DAY_H, SL_SVG_WIDTH, DAY_H);
    sl_report_buf_html(b, title);
    sl_report_buf_puts(b, "\" " FONT " font-size=\"12\"><title>");
    sl_report_buf_html(b, title);
    sl_report_buf_puts(b, "</title>\n");
    /* Legend. */
    double lx = SL_SVG_WIDTH - DAY_RIGHT - 260;
    sl_report_buf_printf(b, "<rect x=\"%.1f\" y=\"6\" width=\"12\" height=\"12\" fill=\"%s\"/>"
                            "<text x=\"%.1f\" y=\"16\">", lx, SL_SVG_GREY, lx + 16);
    sl_report_buf_html(b, legend_required);
    sl_report_buf_printf(b, "</text><rect x=\"%.1f\" y=\"6\" width=\"12\" height=\"12\" fill=\"%s\"/>"
                            "<text x=\"%.1f\" y=\"16\">", lx + 130, SL_SVG_GREEN, lx + 146);
    sl_report_buf_html(b, legend_lit);
    sl_report_buf_puts(b, "</text>\n");
    /* Y axis: grid lines and hours. */
    for (double v = 0; v <= ymax + 1e-9; v += step) {
        double y = DAY_TOP + ph - ph * v / ymax;
        sl_report_buf_printf(b,
                             "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#e3e7eb\"/>"
                             "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" fill=\"#555\">%g</text>\n",
                             DAY_LEFT, y, DAY_LEFT + pw, y, DAY_LEFT - 6, y + 4, v);
    }
    sl_report_buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" fill=\"#555\">", DAY_LEFT - 6,
                         DAY_TOP - 14);
    sl_report_buf_html(b, unit);
    sl_report_buf_puts(b, "</text>\n");
    for (size_t i = 0; i < n; i++) {
        double x = DAY_LEFT + slot * (double)i;
        double req = fmax(0, days[i].required_h), lit = fmax(0, fmin(days[i].lit_h, ymax));
        double hr = ph * fmin(req, ymax) / ymax, hl = ph * lit / ymax;
        double bw = fmin(slot * 0.8, 56.0), lw = fmin(slot * 0.5, 34.0); /* a few days: not too wide */
        sl_report_buf_printf(b,
                             "<g class=\"day\"><rect class=\"req\" x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" "
                             "height=\"%.2f\" fill=\"%s\"/>"
                             "<rect class=\"lit\" x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" "
                             "fill=\"%s\"><title>",
                             x + (slot - bw) / 2, DAY_TOP + ph - hr, bw, hr, SL_SVG_GREY, x + (slot - lw) / 2,
                             DAY_TOP + ph - hl, lw, hl, lit + 1e-9 >= req ? SL_SVG_GREEN : SL_SVG_AMBER);
        sl_report_buf_html(b, days[i].label);
        sl_report_buf_printf(b, ": %.1f / %.1f %s</title></rect>", days[i].lit_h, days[i].required_h,
                             unit ? unit : "");
        if (i % every == 0) {
            sl_report_buf_printf(b, "<text x=\"%.2f\" y=\"%.1f\" text-anchor=\"middle\" fill=\"#555\">",
                                 x + slot / 2, DAY_TOP + ph + 16);
            sl_report_buf_html(b, days[i].label);
            sl_report_buf_puts(b, "</text>");
        }
        sl_report_buf_puts(b, "</g>\n");
    }
    sl_report_buf_printf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#888\"/>\n", DAY_LEFT,
                         DAY_TOP + ph, DAY_LEFT + pw, DAY_TOP + ph);
    sl_report_buf_puts(b, "</svg>\n");
}
