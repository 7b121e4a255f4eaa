/* sl_report_xlsx.c — the coverage report as an Excel/WPS workbook (libxlsxwriter): Summary, Screens, Dark screens, Items. */
#include "tools/report/sl_report.h"

#include "tools/report/sl_report_doc.h"

#include <xlsxwriter.h>

#include <stdio.h>
#include <string.h>

/* A workbook being written: its formats and the first error met. */
typedef struct {
    lxw_workbook *wb;
    lxw_format *title, *bold, *head, *pct, *hours, *wrap;
    lxw_error rc;
    sl_report_lang lang;
} xl;

static void xl_keep(xl *x, lxw_error e)
{
    if (e != LXW_NO_ERROR && x->rc == LXW_NO_ERROR)
        x->rc = e;
}

static void xl_str(xl *x, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, const char *s, lxw_format *f)
{
    if (s && *s)
        xl_keep(x, worksheet_write_string(ws, r, c, s, f));
}

static void xl_msg(xl *x, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, sl_report_msg_id id, lxw_format *f)
{
    xl_str(x, ws, r, c, sl_report_msg(x->lang, id), f);
}

static void xl_num(xl *x, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, double v, lxw_format *f)
{
    xl_keep(x, worksheet_write_number(ws, r, c, v, f));
}

static void xl_hours(xl *x, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, int64_t seconds)
{
    xl_num(x, ws, r, c, (double)seconds / 3600.0, x->hours);
}

static void xl_pct(xl *x, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, const cJSON *o)
{
    xl_num(x, ws, r, c, sl_report_num(o, "coverage_pct") / 100.0, x->pct);
}

static void xl_heads(xl *x, lxw_worksheet *ws, lxw_row_t r, const sl_report_msg_id *ids, size_t n)
{
    for (size_t i = 0; i < n; i++)
        xl_msg(x, ws, r, (lxw_col_t)i, ids[i], x->head);
}

static lxw_worksheet *xl_sheet(xl *x, sl_report_msg_id name)
{
    lxw_worksheet *ws = workbook_add_worksheet(x->wb, sl_report_msg(x->lang, name));
    if (!ws)
        xl_keep(x, LXW_ERROR_MEMORY_MALLOC_FAILED);
    return ws;
}

/* A by-region or by-unit-type table from row r; returns the next free row. */
static lxw_row_t xl_rollup(xl *x, lxw_worksheet *ws, lxw_row_t r, const cJSON *doc, const char *list,
                           const char *key, sl_report_msg_id heading, sl_report_msg_id first)
{
    const sl_report_msg_id cols[] = {first,       SL_MSG_SCREENS,      SL_MSG_LIT,        SL_MSG_SHORT,
                                     SL_MSG_DARK, SL_MSG_COVERAGE, SL_MSG_REQUIRED_H, SL_MSG_LIT_H};
    const cJSON *o;
    xl_msg(x, ws, r++, 0, heading, x->bold);
    xl_heads(x, ws, r++, cols, sizeof cols / sizeof cols[0]);
    cJSON_ArrayForEach(o, sl_report_list(doc, list))
    {
        const char *name = sl_report_str(o, key);
        xl_str(x, ws, r, 0, *name ? name : sl_report_msg(x->lang, SL_MSG_UNKNOWN), NULL);
        xl_num(x, ws, r, 1, (double)sl_report_int(o, "screens"), NULL);
        xl_num(x, ws, r, 2, (double)sl_report_int(o, "lit"), NULL);
        xl_num(x, ws, r, 3, (double)sl_report_int(o, "short"), NULL);
        xl_num(x, ws, r, 4, (double)sl_report_int(o, "dark"), NULL);
        xl_pct(x, ws, r, 5, o);
        xl_hours(x, ws, r, 6, sl_report_int(o, "required_s"));
        xl_hours(x, ws, r, 7, sl_report_int(o, "lit_s"));
        r++;
    }
    return r + 1;
}

static void xl_summary(xl *x, const cJSON *doc)
{
    lxw_worksheet *ws = xl_sheet(x, SL_MSG_SHEET_SUMMARY);
    const cJSON *s = sl_report_obj(doc, "summary"), *o;
    char period[64];
    sl_report_buf filters = {0};
    lxw_row_t r = 0;
    if (!ws)
        return;
    worksheet_set_column(ws, 0, 0, 26, NULL);
    worksheet_set_column(ws, 1, 7, 14, NULL);
    xl_msg(x, ws, r, 0, SL_MSG_TITLE, x->title);
    r += 2;
    snprintf(period, sizeof period, "%s – %s", sl_report_str(doc, "from"), sl_report_str(doc, "to"));
    xl_msg(x, ws, r, 0, SL_MSG_PERIOD, x->bold);
    xl_str(x, ws, r++, 1, period, NULL);
    xl_msg(x, ws, r, 0, SL_MSG_THRESHOLD, x->bold);
    xl_num(x, ws, r++, 1, (double)sl_report_int(doc, "threshold_pct") / 100.0, x->pct);
    xl_msg(x, ws, r, 0, SL_MSG_FILTERS, x->bold);
    sl_report_filters_text(doc, x->lang, &filters);
    if (filters.oom)
        xl_keep(x, LXW_ERROR_MEMORY_MALLOC_FAILED);
    xl_str(x, ws, r++, 1, filters.p, NULL);
    sl_report_buf_free(&filters);
    xl_msg(x, ws, r, 0, SL_MSG_GENERATED, x->bold);
    xl_str(x, ws, r++, 1, sl_report_str(doc, "generated"), NULL);
    r++;

    static const struct {
        sl_report_msg_id label;
        const char *key;
        char kind; /* n number, h seconds as hours, m minutes as hours, p percent */
    } rows[] = {
        {SL_MSG_SCREENS, "screens", 'n'},          {SL_MSG_LIT, "lit", 'n'},
        {SL_MSG_SHORT, "short", 'n'},              {SL_MSG_DARK, "dark", 'n'},
        {SL_MSG_IDLE, "idle", 'n'},                {SL_MSG_COVERAGE, "coverage_pct", 'p'},
        {SL_MSG_REQUIRED_H, "required_s", 'h'},    {SL_MSG_LIT_H, "lit_s", 'h'},
        {SL_MSG_PLAYS, "plays", 'n'},              {SL_MSG_UNTRUSTED_PLAYS, "untrusted_plays", 'n'},
        {SL_MSG_UNTRUSTED_H, "untrusted_s", 'h'},  {SL_MSG_ONLINE_H, "online_min", 'm'},
    };
    xl_msg(x, ws, r++, 0, SL_MSG_SUMMARY, x->bold);
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++, r++) {
        xl_msg(x, ws, r, 0, rows[i].label, NULL);
        switch (rows[i].kind) {
        case 'p':
            xl_pct(x, ws, r, 1, s);
            break;
        case 'h':
            xl_hours(x, ws, r, 1, sl_report_int(s, rows[i].key));
            break;
        case 'm':
            xl_hours(x, ws, r, 1, sl_report_int(s, rows[i].key) * 60);
            break;
        default:
            xl_num(x, ws, r, 1, (double)sl_report_int(s, rows[i].key), NULL);
            break;
        }
    }
    r++;
    r = xl_rollup(x, ws, r, doc, "by_region", "region", SL_MSG_BY_REGION, SL_MSG_REGION);
    r = xl_rollup(x, ws, r, doc, "by_unit_type", "unit_type", SL_MSG_BY_UNIT_TYPE, SL_MSG_UNIT_TYPE);

    static const sl_report_msg_id day_cols[] = {SL_MSG_DATE, SL_MSG_REQUIRED_H, SL_MSG_LIT_H, SL_MSG_COVERAGE};
    xl_msg(x, ws, r++, 0, SL_MSG_BY_DAY, x->bold);
    xl_heads(x, ws, r++, day_cols, 4);
    cJSON_ArrayForEach(o, sl_report_list(doc, "by_day"))
    {
        int64_t req = sl_report_int(o, "required_s"), lit = sl_report_int(o, "lit_s");
        xl_str(x, ws, r, 0, sl_report_str(o, "date"), NULL);
        xl_hours(x, ws, r, 1, req);
        xl_hours(x, ws, r, 2, lit);
        if (req > 0)
            xl_num(x, ws, r, 3, (double)lit / (double)req, x->pct);
        r++;
    }
}

static void xl_screens(xl *x, const cJSON *doc)
{
    static const sl_report_msg_id cols[] = {
        SL_MSG_ID,           SL_MSG_NAME,        SL_MSG_SITE,           SL_MSG_REGION,
        SL_MSG_UNIT_TYPE,    SL_MSG_CHANNEL,     SL_MSG_TIMEZONE,       SL_MSG_STATUS,
        SL_MSG_COVERAGE,     SL_MSG_REQUIRED_H,  SL_MSG_LIT_H,          SL_MSG_REQUIRED_HOURS,
        SL_MSG_LIT_HOURS,    SL_MSG_PLAYS,       SL_MSG_ONLINE_H,       SL_MSG_UNTRUSTED_PLAYS,
        SL_MSG_UNTRUSTED_H,  SL_MSG_CORRECTED_PLAYS, SL_MSG_FLOORS_MISSED, SL_MSG_CONTENT_VERSION,
        SL_MSG_LAST_SEEN,    SL_MSG_REASONS};
    const lxw_col_t n = sizeof cols / sizeof cols[0];
    lxw_worksheet *ws = xl_sheet(x, SL_MSG_SHEET_SCREENS);
    const cJSON *o;
    lxw_row_t r = 0;
    if (!ws)
        return;
    worksheet_set_column(ws, 0, 0, 20, NULL);
    worksheet_set_column(ws, 1, 3, 24, NULL);
    worksheet_set_column(ws, 4, 20, 12, NULL);
    worksheet_set_column(ws, 21, 21, 48, x->wrap);
    xl_heads(x, ws, r++, cols, n);
    cJSON_ArrayForEach(o, sl_report_list(doc, "screens"))
    {
        const cJSON *ver = cJSON_GetObjectItemCaseSensitive(o, "content_version");
        const char *seen = sl_report_str(o, "last_seen");
        sl_report_buf reasons = {0};
        xl_str(x, ws, r, 0, sl_report_str(o, "id"), NULL);
        xl_str(x, ws, r, 1, sl_report_str(o, "name"), NULL);
        xl_str(x, ws, r, 2, sl_report_str(o, "site"), NULL);
        xl_str(x, ws, r, 3, sl_report_str(o, "region"), NULL);
        xl_str(x, ws, r, 4, sl_report_str(o, "unit_type"), NULL);
        xl_str(x, ws, r, 5, sl_report_str(o, "channel"), NULL);
        xl_str(x, ws, r, 6, sl_report_str(o, "timezone"), NULL);
        xl_str(x, ws, r, 7, sl_report_status(x->lang, sl_report_str(o, "status")), NULL);
        xl_pct(x, ws, r, 8, o);
        xl_hours(x, ws, r, 9, sl_report_int(o, "required_s"));
        xl_hours(x, ws, r, 10, sl_report_int(o, "lit_s"));
        xl_num(x, ws, r, 11, (double)sl_report_int(o, "required_hours"), NULL);
        xl_num(x, ws, r, 12, (double)sl_report_int(o, "lit_hours"), NULL);
        xl_num(x, ws, r, 13, (double)sl_report_int(o, "plays"), NULL);
        xl_hours(x, ws, r, 14, sl_report_int(o, "online_min") * 60);
        xl_num(x, ws, r, 15, (double)sl_report_int(o, "untrusted_plays"), NULL);
        xl_hours(x, ws, r, 16, sl_report_int(o, "untrusted_s"));
        xl_num(x, ws, r, 17, (double)sl_report_int(o, "corrected_plays"), NULL);
        xl_num(x, ws, r, 18, (double)sl_report_int(o, "floors_missed"), NULL);
        if (cJSON_IsNumber(ver))
            xl_num(x, ws, r, 19, (double)sl_report_int(o, "content_version"), NULL);
        xl_str(x, ws, r, 20, *seen ? seen : sl_report_msg(x->lang, SL_MSG_NEVER), NULL);
        sl_report_reasons_text(cJSON_GetObjectItemCaseSensitive(o, "reasons"), x->lang, &reasons);
        if (reasons.oom)
            xl_keep(x, LXW_ERROR_MEMORY_MALLOC_FAILED);
        xl_str(x, ws, r, 21, reasons.p, x->wrap);
        sl_report_buf_free(&reasons);
        r++;
    }
    worksheet_freeze_panes(ws, 1, 1);
    if (r > 1)
        worksheet_autofilter(ws, 0, 0, r - 1, n - 1);
}

static void xl_dark(xl *x, const cJSON *doc)
{
    static const sl_report_msg_id cols[] = {SL_MSG_ID,     SL_MSG_NAME,     SL_MSG_REGION, SL_MSG_UNIT_TYPE,
                                            SL_MSG_STATUS, SL_MSG_COVERAGE, SL_MSG_REASONS};
    lxw_worksheet *ws = xl_sheet(x, SL_MSG_SHEET_DARK);
    const cJSON *o;
    lxw_row_t r = 0;
    if (!ws)
        return;
    worksheet_set_column(ws, 0, 0, 20, NULL);
    worksheet_set_column(ws, 1, 2, 24, NULL);
    worksheet_set_column(ws, 3, 5, 12, NULL);
    worksheet_set_column(ws, 6, 6, 60, x->wrap);
    xl_heads(x, ws, r++, cols, 7);
    cJSON_ArrayForEach(o, sl_report_list(doc, "dark"))
    {
        sl_report_buf reasons = {0};
        xl_str(x, ws, r, 0, sl_report_str(o, "id"), NULL);
        xl_str(x, ws, r, 1, sl_report_str(o, "name"), NULL);
        xl_str(x, ws, r, 2, sl_report_str(o, "region"), NULL);
        xl_str(x, ws, r, 3, sl_report_str(o, "unit_type"), NULL);
        xl_str(x, ws, r, 4, sl_report_status(x->lang, sl_report_str(o, "status")), NULL);
        xl_pct(x, ws, r, 5, o);
        sl_report_reasons_text(cJSON_GetObjectItemCaseSensitive(o, "reasons"), x->lang, &reasons);
        if (reasons.oom)
            xl_keep(x, LXW_ERROR_MEMORY_MALLOC_FAILED);
        xl_str(x, ws, r, 6, reasons.p, x->wrap);
        sl_report_buf_free(&reasons);
        r++;
    }
    if (r == 1)
        xl_msg(x, ws, r, 0, SL_MSG_NONE_DARK, NULL);
    worksheet_freeze_panes(ws, 1, 0);
}

static void xl_items(xl *x, const cJSON *doc)
{
    static const sl_report_msg_id cols[] = {SL_MSG_ITEM, SL_MSG_PLAYS, SL_MSG_SCREENS, SL_MSG_FLOOR_HOURS,
                                            SL_MSG_FLOOR_MISSED_HOURS};
    lxw_worksheet *ws = xl_sheet(x, SL_MSG_SHEET_ITEMS);
    const cJSON *o;
    lxw_row_t r = 0;
    if (!ws)
        return;
    worksheet_set_column(ws, 0, 0, 28, NULL);
    worksheet_set_column(ws, 1, 4, 18, NULL);
    xl_heads(x, ws, r++, cols, 5);
    cJSON_ArrayForEach(o, sl_report_list(doc, "items"))
    {
        xl_str(x, ws, r, 0, sl_report_str(o, "item"), NULL);
        xl_num(x, ws, r, 1, (double)sl_report_int(o, "plays"), NULL);
        xl_num(x, ws, r, 2, (double)sl_report_int(o, "screens"), NULL);
        xl_num(x, ws, r, 3, (double)sl_report_int(o, "floor_hours"), NULL);
        xl_num(x, ws, r, 4, (double)sl_report_int(o, "floor_missed_hours"), NULL);
        r++;
    }
    worksheet_freeze_panes(ws, 1, 0);
}

int sl_report_xlsx(const cJSON *doc, sl_report_lang lang, const char *path, char *err, size_t errlen)
{
    if (sl_report_check(doc, err, errlen) != 0)
        return -1;
    xl x = {.lang = lang, .rc = LXW_NO_ERROR};
    x.wb = workbook_new(path);
    if (!x.wb) {
        snprintf(err, errlen, "%s: cannot create the workbook", path);
        return -1;
    }
    x.title = workbook_add_format(x.wb);
    x.bold = workbook_add_format(x.wb);
    x.head = workbook_add_format(x.wb);
    x.pct = workbook_add_format(x.wb);
    x.hours = workbook_add_format(x.wb);
    x.wrap = workbook_add_format(x.wb);
    if (!x.title || !x.bold || !x.head || !x.pct || !x.hours || !x.wrap) {
        xl_keep(&x, LXW_ERROR_MEMORY_MALLOC_FAILED);
    } else {
        format_set_bold(x.title);
        format_set_font_size(x.title, 14);
        format_set_bold(x.bold);
        format_set_bold(x.head);
        format_set_bg_color(x.head, 0xEEF1F4);
        format_set_border(x.head, LXW_BORDER_THIN);
        format_set_text_wrap(x.head);
        format_set_num_format(x.pct, "0.0%");
        format_set_num_format(x.hours, "0.00");
        format_set_text_wrap(x.wrap);
        xl_summary(&x, doc);
        xl_screens(&x, doc);
        xl_dark(&x, doc);
        xl_items(&x, doc);
    }
    lxw_error closed = workbook_close(x.wb);
    xl_keep(&x, closed);
    if (x.rc != LXW_NO_ERROR) {
        snprintf(err, errlen, "%s: the workbook could not be written: %s", path, lxw_strerror(x.rc));
        remove(path);
        return -1;
    }
    return 0;
}
