/* sl_report_plays.c — raw play records as CSV or XLSX, in screenlit's own column layout or the Outsmart Playout digital layout (FORMATS.md). */
#include "tools/report/sl_report_plays.h"

#include "content/timeutil.h"
#include "tools/report/sl_report_doc.h"

#include <sodium.h>
#include <xlsxwriter.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OUTSMART_PLAYER_MAX 36 /* playerref */
#define OUTSMART_REF_MAX 48    /* mediaownerplayoutref */

int sl_report_plays_layout_parse(const char *s, sl_report_plays_layout *l)
{
    if (s && strcmp(s, "screenlit") == 0)
        *l = SL_PLAYS_SCREENLIT;
    else if (s && strcmp(s, "outsmart") == 0)
        *l = SL_PLAYS_OUTSMART;
    else
        return -1;
    return 0;
}

static const char *const screenlit_cols[] = {
    "screen", "name",     "region",       "unit_type",   "seq",     "item",        "zone",
    "media_sha256", "manifest_version", "start_utc", "start_local", "end_utc", "duration_ms", "outcome",
    "reason", "clock_trust", "received"};

void sl_report_plays_begin(sl_report_buf *b, sl_report_plays_layout l)
{
    if (l != SL_PLAYS_SCREENLIT)
        return;
    sl_report_buf_puts(b, "\xef\xbb\xbf");
    for (size_t i = 0; i < sizeof screenlit_cols / sizeof screenlit_cols[0]; i++) {
        if (i)
            sl_report_buf_puts(b, ",");
        sl_report_buf_puts(b, screenlit_cols[i]);
    }
    sl_report_buf_puts(b, "\r\n");
}

/* "2026-11-25T08:30:00.250+08:00" (offset 0: "...Z"), or with utc_plain
 * "2026-11-25T00:30:00.250" (UTC without a zone designator). */
static void fmt_ms(int64_t ms, int offset_min, bool utc_plain, char *buf, size_t len)
{
    char t[48];
    sl_instant_format(ms, offset_min, t, sizeof t);
    /* t is "YYYY-MM-DDTHH:MM:SS" followed by "Z" or "+HH:MM". */
    size_t head = strlen(t) >= 19 ? 19 : strlen(t);
    int frac = (int)(((ms % 1000) + 1000) % 1000);
    if (utc_plain)
        snprintf(buf, len, "%.*s.%03d", (int)head, t, frac);
    else
        snprintf(buf, len, "%.*s.%03d%s", (int)head, t, frac, t + head);
}

static void fmt_offset(int offset_min, char *buf, size_t len)
{
    int a = offset_min < 0 ? -offset_min : offset_min;
    snprintf(buf, len, "%c%02d:%02d", offset_min < 0 ? '-' : '+', a / 60, a % 60);
}

/* Where a row's cells go: CSV text, or the next row of an XLSX worksheet. */
typedef struct {
    sl_report_buf *b;  /* CSV, or NULL */
    lxw_worksheet *ws; /* XLSX, or NULL */
    lxw_row_t row;
    lxw_col_t col;
    lxw_error rc;
} sink;

static void xl_keep(sink *k, lxw_error e)
{
    if (e != LXW_NO_ERROR && k->rc == LXW_NO_ERROR)
        k->rc = e;
}

/* A text cell (text: guarded against spreadsheet formulas in CSV; an XLSX
 * cell is a string and never a formula). */
static void field_k(sink *k, const char *s, bool text)
{
    if (k->ws) {
        if (s && *s)
            xl_keep(k, worksheet_write_string(k->ws, k->row, k->col, s, NULL));
    } else {
        if (k->col)
            sl_report_buf_add(k->b, ",", 1);
        sl_report_buf_csv(k->b, s, text);
    }
    k->col++;
}

static void field_int_k(sink *k, int64_t v)
{
    if (k->ws)
        xl_keep(k, worksheet_write_number(k->ws, k->row, k->col, (double)v, NULL));
    else
        sl_report_buf_printf(k->b, "%s%lld", k->col ? "," : "", (long long)v);
    k->col++;
}

static void row_end(sink *k, const char *eol)
{
    if (!k->ws)
        sl_report_buf_puts(k->b, eol);
    k->row++;
    k->col = 0;
}

/* Outsmart TEXT fields have length caps; ids are ASCII, so bytes are characters. */
static void cut(const char *s, size_t max, char *buf, size_t len)
{
    snprintf(buf, len, "%.*s", (int)(strlen(s) < max ? strlen(s) : max), s);
}

static void outsmart_ref(const char *screen, int64_t seq, char *buf, size_t len)
{
    char ref[160];
    snprintf(ref, sizeof ref, "%s:%lld", screen, (long long)seq);
    if (strlen(ref) <= OUTSMART_REF_MAX) {
        snprintf(buf, len, "%s", ref);
        return;
    }
    /* Too long for the field: a stable digest of the same text. */
    unsigned char h[crypto_hash_sha256_BYTES];
    char hex[2 * 20 + 1];
    crypto_hash_sha256(h, (const unsigned char *)ref, strlen(ref));
    sodium_bin2hex(hex, sizeof hex, h, 20);
    snprintf(buf, len, "sl-%s", hex);
}

static bool plays_row(sink *k, sl_report_plays_layout l, const sl_report_plays_screen *s,
                      const sl_report_outsmart_ids *ids, const cJSON *rec)
{
    int64_t start = sl_report_int(rec, "start_ms"), dur = sl_report_int(rec, "duration_ms");
    int64_t seq = sl_report_int(rec, "seq");
    const char *trust = sl_report_str(rec, "clock_trust"), *outcome = sl_report_str(rec, "outcome");
    int off_start = sl_tz_offset_at(s->tz, start), off_end = sl_tz_offset_at(s->tz, start + dur);
    char t1[64], t2[64], t3[64];

    if (l == SL_PLAYS_SCREENLIT) {
        field_k(k, s->id, true);
        field_k(k, s->name, true);
        field_k(k, s->region, true);
        field_k(k, s->unit_type, true);
        field_int_k(k, seq);
        field_k(k, sl_report_str(rec, "item"), true);
        field_k(k, sl_report_str(rec, "zone"), true);
        field_k(k, sl_report_str(rec, "media_sha256"), true);
        field_int_k(k, sl_report_int(rec, "manifest_version"));
        fmt_ms(start, 0, false, t1, sizeof t1);
        fmt_ms(start, off_start, false, t2, sizeof t2);
        fmt_ms(start + dur, 0, false, t3, sizeof t3);
        field_k(k, t1, false);
        field_k(k, t2, false);
        field_k(k, t3, false);
        field_int_k(k, dur);
        field_k(k, outcome, true);
        field_k(k, sl_report_str(rec, "reason"), true);
        field_k(k, trust, true);
        field_k(k, sl_report_str(rec, "received"), false);
        row_end(k, "\r\n");
        return true;
    }

    /* Machine-read files: no spreadsheet guard on text. */
    if (strcmp(outcome, "failed") == 0 || strcmp(trust, "untrusted") == 0)
        return false;
    static const sl_report_outsmart_ids none = {0};
    if (!ids)
        ids = &none;
    char o1[8], o2[8], player[OUTSMART_PLAYER_MAX + 1], ref[OUTSMART_REF_MAX + 1];
    const char *item = sl_report_str(rec, "item");
    fmt_ms(start, 0, true, t1, sizeof t1);
    fmt_ms(start + dur, 0, true, t2, sizeof t2);
    fmt_offset(off_start, o1, sizeof o1);
    fmt_offset(off_end, o2, sizeof o2);
    cut(s->id, OUTSMART_PLAYER_MAX, player, sizeof player);
    outsmart_ref(s->id, seq, ref, sizeof ref);
    field_k(k, s->id, false);                                                        /* frameid */
    field_k(k, t1, false);                                                           /* startdate */
    field_k(k, o1, false);                                                           /* startutcoffset */
    field_k(k, t2, false);                                                           /* enddate */
    field_k(k, o2, false);                                                           /* endutcoffset */
    field_int_k(k, dur);                                                             /* spotlength */
    field_k(k, "", false);                                                           /* shareoftime */
    field_k(k, ids->order && *ids->order ? ids->order : s->channel, false);          /* orderid */
    field_k(k, "", false);                                                           /* lineid */
    field_k(k, ids->space_buyer, false);                                             /* spacebuyerid */
    field_k(k, ids->space_agency, false);                                            /* spaceagencyid */
    field_k(k, ids->space_brand, false);                                             /* spacebrandid */
    field_k(k, ids->campaign, false);                                                /* buyercampaignref */
    field_k(k, item, false);                                                         /* creativeid */
    field_k(k, item, false);                                                         /* creativename */
    field_k(k, sl_report_str(rec, "media_sha256"), false);                           /* thirdpartycreativeref */
    field_k(k, "", false);                                                           /* creativetriggerevent */
    field_k(k, player, false);                                                       /* playerref */
    field_k(k, ref, false);                                                          /* mediaownerplayoutref */
    row_end(k, "\n");
    return true;
}

bool sl_report_plays_row(sl_report_buf *b, sl_report_plays_layout l, const sl_report_plays_screen *s,
                         const sl_report_outsmart_ids *ids, const cJSON *rec)
{
    sink k = {.b = b};
    return plays_row(&k, l, s, ids, rec);
}

/* An XLSX file being written: one worksheet, rows in order (constant memory,
 * so a year of plays does not have to fit in memory). */
struct sl_report_plays_xlsx {
    lxw_workbook *wb;
    sink k;
};

sl_report_plays_xlsx *sl_report_plays_xlsx_open(const char *path, char *err, size_t errlen)
{
    sl_report_plays_xlsx *x = calloc(1, sizeof *x);
    lxw_workbook_options opt = {.constant_memory = LXW_TRUE};
    if (!x || !(x->wb = workbook_new_opt(path, &opt)) || !(x->k.ws = workbook_add_worksheet(x->wb, "plays"))) {
        snprintf(err, errlen, "%s: cannot start the workbook", path);
        sl_report_plays_xlsx_abandon(x);
        return NULL;
    }
    lxw_format *head = workbook_add_format(x->wb);
    if (head)
        format_set_bold(head);
    worksheet_freeze_panes(x->k.ws, 1, 0);
    worksheet_set_column(x->k.ws, 0, 3, 18, NULL);
    worksheet_set_column(x->k.ws, 9, 11, 30, NULL);
    for (size_t i = 0; i < sizeof screenlit_cols / sizeof screenlit_cols[0]; i++)
        xl_keep(&x->k, worksheet_write_string(x->k.ws, 0, (lxw_col_t)i, screenlit_cols[i], head));
    x->k.row = 1;
    return x;
}

int sl_report_plays_xlsx_row(sl_report_plays_xlsx *x, const sl_report_plays_screen *s, const cJSON *rec, char *err,
                             size_t errlen)
{
    if (x->k.row >= LXW_ROW_MAX) {
        snprintf(err, errlen, "more than %u records: over what one XLSX sheet holds; write CSV instead",
                 (unsigned)(LXW_ROW_MAX - 1));
        return -1;
    }
    plays_row(&x->k, SL_PLAYS_SCREENLIT, s, NULL, rec);
    if (x->k.rc != LXW_NO_ERROR) {
        snprintf(err, errlen, "the workbook: %s", lxw_strerror(x->k.rc));
        return -1;
    }
    return 0;
}

int sl_report_plays_xlsx_close(sl_report_plays_xlsx *x, char *err, size_t errlen)
{
    if (!x)
        return 0;
    lxw_error e = workbook_close(x->wb);
    free(x);
    if (e != LXW_NO_ERROR) {
        snprintf(err, errlen, "the workbook: %s", lxw_strerror(e));
        return -1;
    }
    return 0;
}

void sl_report_plays_xlsx_abandon(sl_report_plays_xlsx *x)
{
    if (!x)
        return;
    /* libxlsxwriter writes the file only when the workbook is closed: the
     * caller removes what it wrote (a temporary file). */
    if (x->wb)
        workbook_close(x->wb);
    free(x);
}
