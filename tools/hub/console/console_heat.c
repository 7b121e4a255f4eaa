/* console_heat.c — a screen's hours lit vs required as an inline SVG heat map (days × 24 hours), for the console's screen page. */
#include "tools/hub/console/console_heat.h"

#include "content/textwidth.h"
#include "content/timeutil.h"
#include "content/tz.h"

#include <stdio.h>
#include <string.h>

#define CELL_W 22      /* a column, cell and gap */
#define CELL_H 22      /* a row, cell and gap */
#define GAP 2
#define TOP 20         /* room for the hour labels */
#define COL_UNITS 9    /* user units per text column at font size 13 (CJK takes two): a day label
                          "Wed 11-25" is about 71 units wide in DejaVu Sans, the widest common font */
#define LABEL_COLS 16  /* a row label is cut to this many columns */
#define LEGEND_COLS 24 /* a legend word too */
#define LEGEND_ROW 24
#define SWATCH 14

/* Colours told apart with every common colour-vision deficiency
 * (Okabe & Ito's palette); dark and partly lit cells also carry a mark. */
#define C_LIT "#009e73"
#define C_PARTLY "#e69f00"
#define C_DARK "#d55e00"
#define C_OFF "#e4e7eb"
#define C_FUTURE_LINE "#aab2ba"

static const char *const STATE_CLASS[] = {"h-off", "h-lit", "h-partly", "h-dark", "h-future"};

static int clamp_s(int v)
{
    return v < 0 ? 0 : v > 3600 ? 3600 : v;
}

/* A report's seconds as 0..3600. */
static int json_s(const cJSON *n)
{
    double v = n->valuedouble;
    return v > 0 ? (v < 3600 ? (int)v : 3600) : 0;
}

sl_heat_state sl_console_heat_state(const sl_heat_hour *h)
{
    if (!h || h->future)
        return SL_HEAT_FUTURE;
    int req = clamp_s(h->required_s), lit = clamp_s(h->lit_s);
    if (req == 0)
        return SL_HEAT_NOT_REQUIRED;
    if (lit == 0)
        return SL_HEAT_DARK;
    return req - lit < 60 ? SL_HEAT_LIT : SL_HEAT_PARTLY;
}

/* The minutes written for an hour: required, and lit ("<1" for under a minute of a partly lit hour). */
static void hour_minutes(const sl_heat_hour *h, sl_heat_state st, char *lit, size_t litlen, int *req_min)
{
    int req = clamp_s(h->required_s), l = clamp_s(h->lit_s);
    *req_min = (req + 59) / 60;
    if (st == SL_HEAT_LIT)
        snprintf(lit, litlen, "%d", *req_min);
    else if (st == SL_HEAT_PARTLY && l < 60)
        snprintf(lit, litlen, "<1");
    else
        snprintf(lit, litlen, "%d", l / 60);
}

static void put_fill(sl_report_buf *b, sl_heat_state st)
{
    static const char *const fill[] = {
        "fill=\"" C_OFF "\"", "fill=\"" C_LIT "\"", "fill=\"" C_PARTLY "\"", "fill=\"" C_DARK "\"",
        "fill=\"#fff\" stroke=\"" C_FUTURE_LINE "\""};
    sl_report_buf_puts(b, fill[st]);
}

/* The cross of a dark cell whose top left corner is x, y (a path's subpath). */
static void put_cross(sl_report_buf *b, int x, int y, int w, int h)
{
    int s = (h < w ? h : w) - 8;
    sl_report_buf_printf(b, "M%d %dl%d %dm0 -%dl-%d %d", x + (w - s) / 2, y + (h - s) / 2, s, s, s, s, s);
}

/* A cell's tooltip, plain text (escaped by the caller). */
static void tooltip(sl_report_buf *t, const char *day, int hour, const sl_heat_hour *h, sl_heat_state st,
                    const sl_heat_text *text)
{
    t->len = 0;
    sl_report_buf_printf(t, "%s %02d:00\xe2\x80\x93%02d:00: ", day, hour, hour + 1);
    if (st == SL_HEAT_NOT_REQUIRED || st == SL_HEAT_FUTURE) {
        sl_report_buf_puts(t, st == SL_HEAT_FUTURE ? text->future : text->not_required);
        return;
    }
    char lit[16];
    int req_min;
    hour_minutes(h, st, lit, sizeof lit, &req_min);
    for (const char *m = text->minutes ? text->minutes : ""; *m;) {
        if (strncmp(m, "{lit}", 5) == 0) {
            sl_report_buf_puts(t, lit);
            m += 5;
        } else if (strncmp(m, "{req}", 5) == 0) {
            sl_report_buf_printf(t, "%d", req_min);
            m += 5;
        } else {
            sl_report_buf_add(t, m++, 1);
        }
    }
}

static int check(const sl_heat_day *days, size_t n_days, const sl_heat_text *text, const sl_report_buf *out,
                 char *err, size_t errlen)
{
    if (!out || !text) {
        snprintf(err, errlen, "heat map: no output buffer or no words given");
        return -1;
    }
    if (n_days == 0 || n_days > SL_HEAT_MAX_DAYS || !days) {
        snprintf(err, errlen, "heat map: %zu days; give 1 to %d rows", days ? n_days : 0, SL_HEAT_MAX_DAYS);
        return -1;
    }
    for (size_t d = 0; d < n_days; d++) {
        for (int i = 0; i < 24; i++) {
            const sl_heat_hour *h = &days[d].h[i];
            if (h->required_s < 0 || h->required_s > 3600 || h->lit_s < 0 || h->lit_s > 3600) {
                snprintf(err, errlen,
                         "heat map: row %zu hour %d: required_s %d, lit_s %d; each must be 0 to 3600 seconds", d,
                         i, h->required_s, h->lit_s);
                return -1;
            }
        }
    }
    return 0;
}

/* The legend: a swatch and a word per state, wrapped to width. Returns its number of lines. */
static int legend(sl_report_buf *b, const sl_heat_text *text, int width, int y0, bool draw)
{
    static const sl_heat_state order[] = {SL_HEAT_LIT, SL_HEAT_PARTLY, SL_HEAT_DARK, SL_HEAT_NOT_REQUIRED,
                                          SL_HEAT_FUTURE};
    const char *word[] = {text->lit, text->partly, text->dark, text->not_required, text->future};
    int x = 0, line = 0;
    char cut[160];
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
        int cols = sl_textwidth_fit(word[i], LEGEND_COLS, cut, sizeof cut);
        int w = SWATCH + 6 + cols * COL_UNITS + 16;
        if (x > 0 && x + w > width) {
            x = 0;
            line++;
        }
        if (draw) {
            int y = y0 + line * LEGEND_ROW;
            sl_report_buf_printf(b, "<g class=\"%s\"><rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" ",
                                 STATE_CLASS[order[i]], x, y, SWATCH, SWATCH);
            put_fill(b, order[i]);
            sl_report_buf_puts(b, "/>");
            if (order[i] == SL_HEAT_DARK) {
                sl_report_buf_puts(b, "<path stroke=\"#fff\" stroke-width=\"2\" d=\"");
                put_cross(b, x, y, SWATCH, SWATCH);
                sl_report_buf_puts(b, "\"/>");
            } else if (order[i] == SL_HEAT_PARTLY) {
                sl_report_buf_printf(b, "<text x=\"%d\" y=\"%d\" font-size=\"9\" text-anchor=\"middle\">1</text>",
                                     x + SWATCH / 2, y + 10);
            }
            sl_report_buf_printf(b, "<text x=\"%d\" y=\"%d\">", x + SWATCH + 6, y + 12);
            sl_report_buf_html(b, cut);
            sl_report_buf_puts(b, "</text></g>\n");
        }
        x += w;
    }
    return line + 1;
}

int sl_console_heat_svg(const sl_heat_day *days, size_t n_days, const sl_heat_text *text, sl_report_buf *out,
                        char *err, size_t errlen)
{
    if (check(days, n_days, text, out, err, errlen) != 0)
        return -1;
    char cut[160];
    int label_cols = 4;
    for (size_t d = 0; d < n_days; d++) {
        int c = sl_textwidth_fit(days[d].label, LABEL_COLS, cut, sizeof cut);
        if (c > label_cols)
            label_cols = c;
    }
    int left = label_cols * COL_UNITS + 10, width = left + 24 * CELL_W;
    int legend_y = TOP + (int)n_days * CELL_H + 10;
    int height = legend_y + legend(NULL, text, width, legend_y, false) * LEGEND_ROW;
    size_t was = out->len;
    sl_report_buf tip = {0};

    sl_report_buf_printf(out,
                         "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"heat\" viewBox=\"0 0 %d %d\" "
                         "width=\"100%%\" font-size=\"13\" role=\"img\" aria-label=\"",
                         width, height);
    sl_report_buf_html(out, text->title);
    sl_report_buf_puts(out, "\"><title>");
    sl_report_buf_html(out, text->title);
    sl_report_buf_puts(out, "</title>\n<g font-size=\"11\" fill=\"#555\" text-anchor=\"middle\">");
    for (int i = 0; i < 24; i++)
        sl_report_buf_printf(out, "<text x=\"%d\" y=\"%d\">%d</text>", left + i * CELL_W + (CELL_W - GAP) / 2,
                             TOP - 5, i);
    sl_report_buf_puts(out, "</g>\n");

    /* Rows: the label, then a rect per hour with its tooltip. */
    for (size_t d = 0; d < n_days; d++) {
        int y = TOP + (int)d * CELL_H;
        sl_textwidth_fit(days[d].label, LABEL_COLS, cut, sizeof cut);
        sl_report_buf_printf(out, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">", left - 6, y + 15);
        sl_report_buf_html(out, cut);
        sl_report_buf_puts(out, "</text>");
        for (int i = 0; i < 24; i++) {
            const sl_heat_hour *h = &days[d].h[i];
            sl_heat_state st = sl_console_heat_state(h);
            sl_report_buf_printf(out, "<rect class=\"%s\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" ",
                                 STATE_CLASS[st], left + i * CELL_W, y, CELL_W - GAP, CELL_H - GAP);
            put_fill(out, st);
            sl_report_buf_puts(out, "><title>");
            tooltip(&tip, days[d].label, i, h, st, text);
            sl_report_buf_html(out, tip.p ? tip.p : "");
            sl_report_buf_puts(out, "</title></rect>");
        }
        sl_report_buf_puts(out, "\n");
    }

    /* Marks over the cells, which let hovering through to the cells' tooltips. */
    sl_report_buf_puts(out, "<g pointer-events=\"none\" font-size=\"11\" text-anchor=\"middle\">");
    bool any_dark = false;
    for (size_t d = 0; d < n_days; d++) {
        for (int i = 0; i < 24; i++) {
            const sl_heat_hour *h = &days[d].h[i];
            sl_heat_state st = sl_console_heat_state(h);
            any_dark = any_dark || st == SL_HEAT_DARK;
            if (st != SL_HEAT_PARTLY)
                continue;
            char lit[16];
            int req_min;
            hour_minutes(h, st, lit, sizeof lit, &req_min);
            sl_report_buf_printf(out, "<text x=\"%d\" y=\"%d\">", left + i * CELL_W + (CELL_W - GAP) / 2,
                                 TOP + (int)d * CELL_H + 14);
            sl_report_buf_html(out, lit);
            sl_report_buf_puts(out, "</text>");
        }
    }
    if (any_dark) {
        sl_report_buf_puts(out, "<path class=\"dark-marks\" stroke=\"#fff\" stroke-width=\"2\" d=\"");
        for (size_t d = 0; d < n_days; d++)
            for (int i = 0; i < 24; i++)
                if (sl_console_heat_state(&days[d].h[i]) == SL_HEAT_DARK)
                    put_cross(out, left + i * CELL_W, TOP + (int)d * CELL_H, CELL_W - GAP, CELL_H - GAP);
        sl_report_buf_puts(out, "\"/>");
    }
    sl_report_buf_puts(out, "</g>\n<g class=\"legend\">\n");
    legend(out, text, width, legend_y, true);
    sl_report_buf_puts(out, "</g></svg>\n");

    bool oom = out->oom || tip.oom;
    sl_report_buf_free(&tip);
    if (oom) {
        out->len = was;
        if (out->p)
            out->p[was] = '\0';
        out->oom = true;
        snprintf(err, errlen, "heat map: out of memory");
        return -1;
    }
    return 0;
}

int sl_console_heat_from_report(const cJSON *screen, int64_t first_day, size_t n_days, int64_t now_ms,
                                const char *const weekdays[7], sl_heat_day *days, char *err, size_t errlen)
{
    if (n_days == 0 || n_days > SL_HEAT_MAX_DAYS || !days) {
        snprintf(err, errlen, "heat map: %zu days; give 1 to %d rows", days ? n_days : 0, SL_HEAT_MAX_DAYS);
        return -1;
    }
    const cJSON *hours = cJSON_GetObjectItemCaseSensitive(screen, "hours");
    if (!cJSON_IsArray(hours)) {
        snprintf(err, errlen, "heat map: the report's screen has no \"hours\"; make the report with detail_hours");
        return -1;
    }
    const char *zone = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(screen, "timezone"));
    char why[160];
    sl_tz *tz = sl_tz_load(zone ? zone : "", NULL, why, sizeof why);
    if (!tz) {
        snprintf(err, errlen, "heat map: the screen's time zone \"%s\": %s", zone ? zone : "", why);
        return -1;
    }
    for (size_t d = 0; d < n_days; d++) {
        int64_t day = first_day + (int64_t)d;
        int y, m, dd;
        sl_civil_from_days(day, &y, &m, &dd);
        const char *wd = weekdays ? weekdays[sl_weekday_from_days(day)] : NULL;
        snprintf(days[d].label, sizeof days[d].label, "%s%s%02d-%02d", wd ? wd : "", wd ? " " : "", m, dd);
        for (int i = 0; i < 24; i++) {
            int64_t end = sl_tz_from_local(tz, day * SL_MS_PER_DAY + (i + 1) * SL_MS_PER_HOUR);
            days[d].h[i] = (sl_heat_hour){.future = end > now_ms};
        }
    }
    const cJSON *it;
    cJSON_ArrayForEach(it, hours)
    {
        const char *when = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it, "hour"));
        const cJSON *req = cJSON_GetObjectItemCaseSensitive(it, "required_s");
        const cJSON *lit = cJSON_GetObjectItemCaseSensitive(it, "lit_s");
        int64_t t;
        if (!when || !cJSON_IsNumber(req) || !cJSON_IsNumber(lit) || sl_instant_parse(when, NULL, &t) != 0)
            continue;
        int64_t local = sl_tz_to_local(tz, t), day = sl_floordiv(local, SL_MS_PER_DAY);
        if (day < first_day || day >= first_day + (int64_t)n_days)
            continue;
        sl_heat_hour *h = &days[day - first_day].h[(local - day * SL_MS_PER_DAY) / SL_MS_PER_HOUR];
        h->required_s = clamp_s(h->required_s + json_s(req));
        h->lit_s = clamp_s(h->lit_s + json_s(lit));
    }
    sl_tz_free(tz);
    return 0;
}
