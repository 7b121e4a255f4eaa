/* sl_report_csv.c — the coverage report as CSV for Excel and WPS: UTF-8 with a BOM, CRLF, RFC 4180 (FORMATS.md). */
#include "tools/report/sl_report.h"

#include "tools/report/sl_report_doc.h"

#include <stdio.h>
#include <string.h>

/* The columns, in order (FORMATS.md lists what each row puts in them). */
enum {
    C_SCOPE,
    C_ID,
    C_NAME,
    C_SITE,
    C_REGION,
    C_UNIT_TYPE,
    C_CHANNEL,
    C_STATUS,
    C_COVERAGE,
    C_REQUIRED_H,
    C_LIT_H,
    C_REQUIRED_HOURS,
    C_LIT_HOURS,
    C_PLAYS,
    C_ONLINE_H,
    C_UNTRUSTED_PLAYS,
    C_FLOORS_MISSED,
    C_SCREENS,
    C_N_LIT,
    C_N_SHORT,
    C_N_DARK,
    C_LAST_SEEN,
    C_REASONS,
    C_COUNT
};

static const sl_report_msg_id heads[C_COUNT] = {
    SL_MSG_SCOPE,          SL_MSG_ID,        SL_MSG_NAME,        SL_MSG_SITE,           SL_MSG_REGION,
    SL_MSG_UNIT_TYPE,      SL_MSG_CHANNEL,   SL_MSG_STATUS,      SL_MSG_COVERAGE_PCT,   SL_MSG_REQUIRED_H,
    SL_MSG_LIT_H,          SL_MSG_REQUIRED_HOURS, SL_MSG_LIT_HOURS, SL_MSG_PLAYS,        SL_MSG_ONLINE_H,
    SL_MSG_UNTRUSTED_PLAYS, SL_MSG_FLOORS_MISSED, SL_MSG_SCREENS, SL_MSG_LIT,            SL_MSG_SHORT,
    SL_MSG_DARK,           SL_MSG_LAST_SEEN, SL_MSG_REASONS,
};

/* One row being built: each cell is text, and whether it is free text
 * (guarded against formulas) or a number. */
typedef struct {
    char num[C_COUNT][32];
    const char *text[C_COUNT];
    sl_report_buf reasons;
} csv_row;

static void row_int(csv_row *r, int col, int64_t v)
{
    snprintf(r->num[col], sizeof r->num[col], "%lld", (long long)v);
}

static void row_emit(sl_report_buf *out, csv_row *r)
{
    for (int c = 0; c < C_COUNT; c++) {
        if (c)
            sl_report_buf_add(out, ",", 1);
        if (c == C_REASONS && r->reasons.len)
            sl_report_buf_csv(out, r->reasons.p, true);
        else if (r->text[c])
            sl_report_buf_csv(out, r->text[c], true);
        else
            sl_report_buf_csv(out, r->num[c], false);
    }
    sl_report_buf_add(out, "\r\n", 2);
    if (r->reasons.oom)
        out->oom = true;
    sl_report_buf_free(&r->reasons);
    memset(r, 0, sizeof *r);
}

/* The coverage columns every row has: coverage, required and lit hours. */
static void row_coverage(csv_row *r, const cJSON *o)
{
    sl_report_fmt_pct(sl_report_num(o, "coverage_pct"), r->num[C_COVERAGE], sizeof r->num[C_COVERAGE]);
    sl_report_fmt_hours(sl_report_int(o, "required_s"), r->num[C_REQUIRED_H], sizeof r->num[C_REQUIRED_H]);
    sl_report_fmt_hours(sl_report_int(o, "lit_s"), r->num[C_LIT_H], sizeof r->num[C_LIT_H]);
}

static void row_counts(csv_row *r, const cJSON *o)
{
    row_int(r, C_SCREENS, sl_report_int(o, "screens"));
    row_int(r, C_N_LIT, sl_report_int(o, "lit"));
    row_int(r, C_N_SHORT, sl_report_int(o, "short"));
    row_int(r, C_N_DARK, sl_report_int(o, "dark"));
}

int sl_report_csv(const cJSON *doc, sl_report_lang lang, sl_report_buf *out, char *err, size_t errlen)
{
    if (sl_report_check(doc, err, errlen) != 0)
        return -1;
    csv_row r;
    const cJSON *o;
    memset(&r, 0, sizeof r);
    sl_report_buf_puts(out, "\xef\xbb\xbf");
    for (int c = 0; c < C_COUNT; c++)
        r.text[c] = sl_report_msg(lang, heads[c]);
    row_emit(out, &r);

    cJSON_ArrayForEach(o, sl_report_list(doc, "screens"))
    {
        r.text[C_SCOPE] = sl_report_msg(lang, SL_MSG_SCOPE_SCREEN);
        r.text[C_ID] = sl_report_str(o, "id");
        r.text[C_NAME] = sl_report_str(o, "name");
        r.text[C_SITE] = sl_report_str(o, "site");
        r.text[C_REGION] = sl_report_str(o, "region");
        r.text[C_UNIT_TYPE] = sl_report_str(o, "unit_type");
        r.text[C_CHANNEL] = sl_report_str(o, "channel");
        r.text[C_STATUS] = sl_report_status(lang, sl_report_str(o, "status"));
        row_coverage(&r, o);
        row_int(&r, C_REQUIRED_HOURS, sl_report_int(o, "required_hours"));
        row_int(&r, C_LIT_HOURS, sl_report_int(o, "lit_hours"));
        row_int(&r, C_PLAYS, sl_report_int(o, "plays"));
        sl_report_fmt_hours(sl_report_int(o, "online_min") * 60, r.num[C_ONLINE_H], sizeof r.num[C_ONLINE_H]);
        row_int(&r, C_UNTRUSTED_PLAYS, sl_report_int(o, "untrusted_plays"));
        row_int(&r, C_FLOORS_MISSED, sl_report_int(o, "floors_missed"));
        const char *seen = sl_report_str(o, "last_seen");
        r.text[C_LAST_SEEN] = *seen ? seen : sl_report_msg(lang, SL_MSG_NEVER);
        sl_report_reasons_text(cJSON_GetObjectItemCaseSensitive(o, "reasons"), lang, &r.reasons);
        row_emit(out, &r);
    }
    cJSON_ArrayForEach(o, sl_report_list(doc, "by_region"))
    {
        r.text[C_SCOPE] = sl_report_msg(lang, SL_MSG_SCOPE_REGION);
        r.text[C_REGION] = sl_report_str(o, "region");
        row_coverage(&r, o);
        row_counts(&r, o);
        row_emit(out, &r);
    }
    cJSON_ArrayForEach(o, sl_report_list(doc, "by_unit_type"))
    {
        r.text[C_SCOPE] = sl_report_msg(lang, SL_MSG_SCOPE_UNIT_TYPE);
        r.text[C_UNIT_TYPE] = sl_report_str(o, "unit_type");
        row_coverage(&r, o);
        row_counts(&r, o);
        row_emit(out, &r);
    }
    const cJSON *s = sl_report_obj(doc, "summary");
    r.text[C_SCOPE] = sl_report_msg(lang, SL_MSG_SCOPE_TOTAL);
    row_coverage(&r, s);
    row_counts(&r, s);
    row_int(&r, C_PLAYS, sl_report_int(s, "plays"));
    sl_report_fmt_hours(sl_report_int(s, "online_min") * 60, r.num[C_ONLINE_H], sizeof r.num[C_ONLINE_H]);
    row_int(&r, C_UNTRUSTED_PLAYS, sl_report_int(s, "untrusted_plays"));
    row_emit(out, &r);
    if (out->oom) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    return 0;
}
