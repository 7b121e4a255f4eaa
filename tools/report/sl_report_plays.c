/* sl_report_plays.c — raw play records as CSV, in screenlit's own column layout or the Outsmart Playout digital layout (FORMATS.md). */
#include "tools/report/sl_report_plays.h"

#include "content/timeutil.h"
#include "tools/report/sl_report_doc.h"

#include <sodium.h>

#include <stdio.h>
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

static void field(sl_report_buf *b, const char *s, bool text, bool first)
{
    if (!first)
        sl_report_buf_add(b, ",", 1);
    sl_report_buf_csv(b, s, text);
}

static void field_int(sl_report_buf *b, int64_t v)
{
    sl_report_buf_printf(b, ",%lld", (long long)v);
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

bool sl_report_plays_row(sl_report_buf *b, sl_report_plays_layout l, const sl_report_plays_screen *s,
                         const sl_report_outsmart_ids *ids, const cJSON *rec)
{
    int64_t start = sl_report_int(rec, "start_ms"), dur = sl_report_int(rec, "duration_ms");
    int64_t seq = sl_report_int(rec, "seq");
    const char *trust = sl_report_str(rec, "clock_trust"), *outcome = sl_report_str(rec, "outcome");
    int off_start = sl_tz_offset_at(s->tz, start), off_end = sl_tz_offset_at(s->tz, start + dur);
    char t1[64], t2[64], t3[64];

    if (l == SL_PLAYS_SCREENLIT) {
        field(b, s->id, true, true);
        field(b, s->name, true, false);
        field(b, s->region, true, false);
        field(b, s->unit_type, true, false);
        field_int(b, seq);
        field(b, sl_report_str(rec, "item"), true, false);
        field(b, sl_report_str(rec, "zone"), true, false);
        field(b, sl_report_str(rec, "media_sha256"), true, false);
        field_int(b, sl_report_int(rec, "manifest_version"));
        fmt_ms(start, 0, false, t1, sizeof t1);
        fmt_ms(start, off_start, false, t2, sizeof t2);
        fmt_ms(start + dur, 0, false, t3, sizeof t3);
        field(b, t1, false, false);
        field(b, t2, false, false);
        field(b, t3, false, false);
        field_int(b, dur);
        field(b, outcome, true, false);
        field(b, sl_report_str(rec, "reason"), true, false);
        field(b, trust, true, false);
        field(b, sl_report_str(rec, "received"), false, false);
        sl_report_buf_add(b, "\r\n", 2);
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
    field(b, s->id, false, true);                                                        /* frameid */
    field(b, t1, false, false);                                                         /* startdate */
    field(b, o1, false, false);                                                         /* startutcoffset */
    field(b, t2, false, false);                                                         /* enddate */
    field(b, o2, false, false);                                                         /* endutcoffset */
    field_int(b, dur);                                                                  /* spotlength */
    field(b, "", false, false);                                                         /* shareoftime */
    field(b, ids->order && *ids->order ? ids->order : s->channel, false, false);         /* orderid */
    field(b, "", false, false);                                                         /* lineid */
    field(b, ids->space_buyer, false, false);                                           /* spacebuyerid */
    field(b, ids->space_agency, false, false);                                          /* spaceagencyid */
    field(b, ids->space_brand, false, false);                                           /* spacebrandid */
    field(b, ids->campaign, false, false);                                               /* buyercampaignref */
    field(b, item, false, false);                                                        /* creativeid */
    field(b, item, false, false);                                                        /* creativename */
    field(b, sl_report_str(rec, "media_sha256"), false, false);                         /* thirdpartycreativeref */
    field(b, "", false, false);                                                         /* creativetriggerevent */
    field(b, player, false, false);                                                      /* playerref */
    field(b, ref, false, false);                                                         /* mediaownerplayoutref */
    sl_report_buf_add(b, "\n", 1);
    return true;
}
