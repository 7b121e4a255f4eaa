/* tz.c — time zones by pure computation: fixed offsets, TZif files (RFC 8536) and POSIX TZ rules. */
#include "content/tz.h"

#include "content/fsutil.h"
#include "content/timeutil.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Limits. TZif files of the real database are under 4 KiB; 256 KiB is ample. */
#define TZ_FILE_MAX_BYTES (256u * 1024u)
#define TZ_NAME_MAX 255
#define TZ_DEFAULT_DIR "/usr/share/zoneinfo"
#define TZ_OFFSET_MAX_S (26 * 3600)   /* no real zone is further than ±26 h from UTC */
#define TZ_FIXED_MAX_MIN (18 * 60)    /* fixed offsets accepted up to ±18:00 */
#define TZ_POSIX_TIME_MAX_S (167 * 3600) /* RFC 8536 §3.3.1: rule times up to ±167 h */
/* Instants handled; outside this range the offset is the one at the edge. */
#define TZ_MS_LIMIT ((int64_t)1 << 60)

/* One transition rule date of a POSIX TZ string ("Mm.w.d", "Jn" or "n") and its time. */
typedef enum { TZ_RULE_JULIAN1, TZ_RULE_JULIAN0, TZ_RULE_MWD } tz_rule_kind;

typedef struct {
    tz_rule_kind kind;
    int month, week, wday; /* MWD: month 1..12, week 1..5 (5 = last), wday 0 = Sunday */
    int day;               /* Jn: 1..365 (Feb 29 never counted); n: 0..365 */
    int32_t time_s;        /* local time of the change, seconds (may be negative or > 24 h) */
} tz_rule_date;

/* The footer "std offset [dst [offset] ,start[/time],end[/time]]" of a TZif v2+ file. */
typedef struct {
    int32_t std_off_s; /* east positive (the inverse of POSIX's sign) */
    bool has_dst;
    int32_t dst_off_s;
    tz_rule_date start, end; /* DST starts (in standard time) and ends (in DST) */
} tz_posix;

struct sl_tz {
    char *name;
    bool fixed;
    int32_t fixed_off_s;

    /* TZif data: transitions ascending; types[idx[i]] is in force from trans[i]. */
    size_t n_trans;
    int64_t *trans;   /* UTC seconds */
    uint8_t *idx;     /* type index per transition */
    size_t n_types;
    int32_t *type_off; /* UTC offset in seconds per type */

    bool has_posix;    /* the footer's rule governs instants after the last transition */
    tz_posix posix;
};

/* ---------- names and fixed offsets ---------- */

/* Whether name is an acceptable zone name: 1..255 bytes of [A-Za-z0-9_+-/],
 * no leading '/', no empty component ("a//b", "a/"), no "..". */
static bool tz_name_valid(const char *name)
{
    size_t n = strlen(name);
    if (n == 0 || n > TZ_NAME_MAX || name[0] == '/' || name[n - 1] == '/')
        return false;
    if (strstr(name, "..") || strstr(name, "//"))
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                  c == '_' || c == '+' || c == '-' || c == '/';
        if (!ok)
            return false;
    }
    return true;
}

/* Reads 1..max_digits decimal digits at *p; returns the value or -1. */
static int tz_read_uint(const char **p, int max_digits)
{
    int v = 0, n = 0;
    while (n < max_digits && (*p)[0] >= '0' && (*p)[0] <= '9') {
        v = v * 10 + ((*p)[0] - '0');
        (*p)++;
        n++;
    }
    return n ? v : -1;
}

/* Parses a fixed offset: "UTC", "Z", or an optional "UTC" prefix followed by
 * "+H", "+HH", "+HH:MM" or "+HHMM" (also '-'), east positive, at most 18:00.
 * Returns 1 with *off_s set, 0 when the name is not of this form, -1 when it is
 * but the value is out of range. */
static int tz_parse_fixed(const char *name, int32_t *off_s)
{
    const char *p = name;
    if (strcmp(name, "UTC") == 0 || strcmp(name, "Z") == 0) {
        *off_s = 0;
        return 1;
    }
    if (strncmp(p, "UTC", 3) == 0)
        p += 3;
    if (*p != '+' && *p != '-')
        return 0;
    int sign = *p == '-' ? -1 : 1;
    p++;
    const char *digits_start = p;
    int h = tz_read_uint(&p, 2), m = 0;
    if (h < 0)
        return 0;
    if (*p == ':') {
        p++;
        const char *q = p;
        m = tz_read_uint(&p, 2);
        if (m < 0 || p - q != 2)
            return 0;
    } else if (*p >= '0' && *p <= '9') {
        /* "+0800": exactly four digits */
        if (p - digits_start != 2)
            return 0;
        m = tz_read_uint(&p, 2);
        if (m < 0 || p - digits_start != 4)
            return 0;
    }
    if (*p != '\0')
        return 0;
    if (m >= 60 || h * 60 + m > TZ_FIXED_MAX_MIN)
        return -1;
    *off_s = (int32_t)(sign * (h * 3600 + m * 60));
    return 1;
}

/* ---------- POSIX TZ strings ---------- */

/* Skips a zone abbreviation: 3+ letters, or "<...>" of [A-Za-z0-9+-]. */
static int tz_posix_abbr(const char **p)
{
    const char *s = *p;
    size_t n = 0;
    if (*s == '<') {
        s++;
        while ((s[n] >= 'A' && s[n] <= 'Z') || (s[n] >= 'a' && s[n] <= 'z') ||
               (s[n] >= '0' && s[n] <= '9') || s[n] == '+' || s[n] == '-')
            n++;
        if (n < 3 || s[n] != '>')
            return -1;
        *p = s + n + 1;
        return 0;
    }
    while ((s[n] >= 'A' && s[n] <= 'Z') || (s[n] >= 'a' && s[n] <= 'z'))
        n++;
    if (n < 3)
        return -1;
    *p = s + n;
    return 0;
}

/* Parses "[+-]hh[:mm[:ss]]" with hh up to max_h; returns 0 or -1. */
static int tz_posix_hms(const char **p, int max_h, int32_t *out_s)
{
    int sign = 1;
    if (**p == '+' || **p == '-') {
        sign = **p == '-' ? -1 : 1;
        (*p)++;
    }
    int h = tz_read_uint(p, 3), m = 0, s = 0;
    if (h < 0 || h > max_h)
        return -1;
    if (**p == ':') {
        (*p)++;
        m = tz_read_uint(p, 2);
        if (m < 0 || m > 59)
            return -1;
        if (**p == ':') {
            (*p)++;
            s = tz_read_uint(p, 2);
            if (s < 0 || s > 59)
                return -1;
        }
    }
    *out_s = (int32_t)(sign * (h * 3600 + m * 60 + s));
    return 0;
}

/* Parses one rule date ",Jn", ",n" or ",Mm.w.d", then an optional "/time". */
static int tz_posix_date(const char **p, tz_rule_date *d)
{
    if (**p != ',')
        return -1;
    (*p)++;
    if (**p == 'M') {
        (*p)++;
        d->kind = TZ_RULE_MWD;
        d->month = tz_read_uint(p, 2);
        if (d->month < 1 || d->month > 12 || **p != '.')
            return -1;
        (*p)++;
        d->week = tz_read_uint(p, 1);
        if (d->week < 1 || d->week > 5 || **p != '.')
            return -1;
        (*p)++;
        d->wday = tz_read_uint(p, 1);
        if (d->wday < 0 || d->wday > 6)
            return -1;
    } else if (**p == 'J') {
        (*p)++;
        d->kind = TZ_RULE_JULIAN1;
        d->day = tz_read_uint(p, 3);
        if (d->day < 1 || d->day > 365)
            return -1;
    } else {
        d->kind = TZ_RULE_JULIAN0;
        d->day = tz_read_uint(p, 3);
        if (d->day < 0 || d->day > 365)
            return -1;
    }
    d->time_s = 2 * 3600;
    if (**p == '/') {
        (*p)++;
        if (tz_posix_hms(p, 167, &d->time_s) != 0)
            return -1;
    }
    return 0;
}

/* Parses a POSIX TZ string as found in TZif footers. Returns 0 or -1. */
static int tz_posix_parse(const char *s, tz_posix *out)
{
    const char *p = s;
    int32_t off;
    memset(out, 0, sizeof *out);
    if (tz_posix_abbr(&p) != 0 || tz_posix_hms(&p, 24, &off) != 0)
        return -1;
    out->std_off_s = -off;
    if (*p == '\0')
        return 0;
    if (tz_posix_abbr(&p) != 0)
        return -1;
    out->has_dst = true;
    out->dst_off_s = out->std_off_s + 3600;
    if (*p != ',' && *p != '\0') {
        if (tz_posix_hms(&p, 24, &off) != 0)
            return -1;
        out->dst_off_s = -off;
    }
    if (*p == '\0') {
        /* POSIX leaves the default rule to the implementation; use the US one. */
        out->start = (tz_rule_date){TZ_RULE_MWD, 3, 2, 0, 0, 2 * 3600};
        out->end = (tz_rule_date){TZ_RULE_MWD, 11, 1, 0, 0, 2 * 3600};
        return 0;
    }
    if (tz_posix_date(&p, &out->start) != 0 || tz_posix_date(&p, &out->end) != 0)
        return -1;
    return *p == '\0' ? 0 : -1;
}

static bool tz_is_leap(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* The local day number (days since 1970-01-01) a rule date falls on in year y. */
static int64_t tz_rule_day(const tz_rule_date *d, int y)
{
    int64_t jan1 = sl_days_from_civil(y, 1, 1);
    switch (d->kind) {
    case TZ_RULE_JULIAN1:
        return jan1 + d->day - 1 + (tz_is_leap(y) && d->day >= 60 ? 1 : 0);
    case TZ_RULE_JULIAN0:
        return jan1 + d->day;
    case TZ_RULE_MWD:
    default: {
        int64_t first = sl_days_from_civil(y, d->month, 1);
        int wd_first = (sl_weekday_from_days(first) + 1) % 7; /* 0 = Sunday */
        int64_t day = first + (d->wday - wd_first + 7) % 7 + 7 * (d->week - 1);
        int nm = d->month == 12 ? 1 : d->month + 1;
        int64_t next_first = sl_days_from_civil(d->month == 12 ? y + 1 : y, nm, 1);
        while (day >= next_first)
            day -= 7;
        return day;
    }
    }
}

/* UTC offset in seconds under a POSIX rule at UTC second t. */
static int32_t tz_posix_offset(const tz_posix *ps, int64_t t)
{
    if (!ps->has_dst)
        return ps->std_off_s;
    int y, m, d;
    sl_civil_from_days(sl_floordiv(t + ps->std_off_s, 86400), &y, &m, &d);
    /* Start is given in standard time, end in daylight time. */
    int64_t start = tz_rule_day(&ps->start, y) * 86400 + ps->start.time_s - ps->std_off_s;
    int64_t end = tz_rule_day(&ps->end, y) * 86400 + ps->end.time_s - ps->dst_off_s;
    bool dst;
    if (start < end)
        dst = t >= start && t < end; /* northern hemisphere */
    else
        dst = !(t >= end && t < start); /* southern: DST spans the new year */
    return dst ? ps->dst_off_s : ps->std_off_s;
}

/* ---------- TZif ---------- */

static uint32_t tz_be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static int64_t tz_be64(const unsigned char *p)
{
    uint64_t v = (uint64_t)tz_be32(p) << 32 | tz_be32(p + 4);
    return (int64_t)v;
}

typedef struct {
    uint32_t isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt;
} tz_counts;

/* Reads a 44-byte header at buf[pos]; returns the data block size for the
 * given time size (4 or 8 bytes) or -1 when the header is invalid or the
 * block does not fit in len. */
static int64_t tz_header(const unsigned char *buf, size_t len, size_t pos, int tsize,
                         tz_counts *c, int *version)
{
    if (len < 44 || pos > len - 44 || memcmp(buf + pos, "TZif", 4) != 0)
        return -1;
    unsigned char v = buf[pos + 4];
    if (v != 0 && v != '2' && v != '3' && v != '4')
        return -1;
    *version = v == 0 ? 1 : v - '0';
    const unsigned char *h = buf + pos + 20;
    c->isutcnt = tz_be32(h);
    c->isstdcnt = tz_be32(h + 4);
    c->leapcnt = tz_be32(h + 8);
    c->timecnt = tz_be32(h + 12);
    c->typecnt = tz_be32(h + 16);
    c->charcnt = tz_be32(h + 20);
    /* RFC 8536 §3.1: typecnt >= 1, isutcnt and isstdcnt are 0 or typecnt; type indexes are
     * one byte. */
    if (c->typecnt == 0 || c->typecnt > 256)
        return -1;
    if ((c->isutcnt != 0 && c->isutcnt != c->typecnt) ||
        (c->isstdcnt != 0 && c->isstdcnt != c->typecnt))
        return -1;
    /* Each count is checked against the file size before any multiplication can overflow. */
    if (c->timecnt > len || c->charcnt > len || c->leapcnt > len)
        return -1;
    uint64_t block = (uint64_t)c->timecnt * (uint64_t)(tsize + 1) + (uint64_t)c->typecnt * 6u +
                     c->charcnt + (uint64_t)c->leapcnt * (uint64_t)(tsize + 4) + c->isstdcnt +
                     c->isutcnt;
    if (block > len - pos - 44)
        return -1;
    return (int64_t)block;
}

/* Parses a TZif file into tz. Returns 0 or -1 with err. */
static int tz_parse_tzif(sl_tz *tz, const unsigned char *buf, size_t len, char *err,
                         size_t errlen)
{
    tz_counts c;
    int version;
    int64_t block = tz_header(buf, len, 0, 4, &c, &version);
    if (block < 0) {
        snprintf(err, errlen, "not a valid TZif file");
        return -1;
    }
    size_t pos = 44;
    int tsize = 4;
    if (version >= 2) {
        /* Skip the 32-bit block and use the 64-bit one that follows. */
        pos += (size_t)block;
        int v2;
        block = tz_header(buf, len, pos, 8, &c, &v2);
        if (block < 0) {
            snprintf(err, errlen, "not a valid TZif file (second header)");
            return -1;
        }
        pos += 44;
        tsize = 8;
    }
    const unsigned char *times = buf + pos;
    const unsigned char *idxs = times + (size_t)c.timecnt * (size_t)tsize;
    const unsigned char *types = idxs + c.timecnt;

    tz->n_trans = c.timecnt;
    tz->n_types = c.typecnt;
    tz->trans = calloc(c.timecnt ? c.timecnt : 1, sizeof *tz->trans);
    tz->idx = calloc(c.timecnt ? c.timecnt : 1, 1);
    tz->type_off = calloc(c.typecnt, sizeof *tz->type_off);
    if (!tz->trans || !tz->idx || !tz->type_off) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    for (uint32_t i = 0; i < c.typecnt; i++) {
        int32_t off = (int32_t)tz_be32(types + 6 * i);
        unsigned char isdst = types[6 * i + 4];
        if (off < -TZ_OFFSET_MAX_S || off > TZ_OFFSET_MAX_S || isdst > 1 ||
            types[6 * i + 5] >= c.charcnt) {
            snprintf(err, errlen, "not a valid TZif file (time type %u)", (unsigned)i);
            return -1;
        }
        tz->type_off[i] = off;
    }
    for (uint32_t i = 0; i < c.timecnt; i++) {
        int64_t t = tsize == 8 ? tz_be64(times + 8 * (size_t)i)
                               : (int64_t)(int32_t)tz_be32(times + 4 * (size_t)i);
        if ((i > 0 && t <= tz->trans[i - 1]) || idxs[i] >= c.typecnt) {
            snprintf(err, errlen, "not a valid TZif file (transition %u)", (unsigned)i);
            return -1;
        }
        tz->trans[i] = t;
        tz->idx[i] = idxs[i];
    }
    /* Leap-second records (the "right/" zones) are ignored: instants here are POSIX time. */

    if (version >= 2) {
        size_t fpos = pos + (size_t)block;
        if (fpos >= len || buf[fpos] != '\n') {
            snprintf(err, errlen, "not a valid TZif file (footer)");
            return -1;
        }
        const unsigned char *nl = memchr(buf + fpos + 1, '\n', len - fpos - 1);
        if (!nl) {
            snprintf(err, errlen, "not a valid TZif file (footer)");
            return -1;
        }
        size_t flen = (size_t)(nl - (buf + fpos + 1));
        if (flen > 0) {
            char footer[128];
            if (flen >= sizeof footer) {
                snprintf(err, errlen, "TZif footer too long");
                return -1;
            }
            memcpy(footer, buf + fpos + 1, flen);
            footer[flen] = '\0';
            if (tz_posix_parse(footer, &tz->posix) != 0) {
                snprintf(err, errlen, "unsupported TZ rule \"%s\"", footer);
                return -1;
            }
            tz->has_posix = true;
        }
    }
    return 0;
}

/* ---------- public API ---------- */

/* Contract: see tz.h. Fixed offsets never touch the file system. IANA names
 * are read from zoneinfo_dir (NULL = /usr/share/zoneinfo; a caller that
 * honours $TZDIR passes getenv("TZDIR") itself). */
sl_tz *sl_tz_load(const char *name, const char *zoneinfo_dir, char *err, size_t errlen)
{
    sl_tz *tz = NULL, *ret = NULL;
    char *path = NULL, *data = NULL;
    size_t len = 0;
    char sub[256];

    if (!name) {
        snprintf(err, errlen, "no time zone given");
        goto out;
    }
    int32_t off;
    int fr = tz_parse_fixed(name, &off);
    if (fr < 0) {
        snprintf(err, errlen, "\"%s\": UTC offset out of range (at most ±18:00)", name);
        goto out;
    }
    if (fr == 0 && !tz_name_valid(name)) {
        snprintf(err, errlen, "\"%s\" is not a time zone name (like \"Asia/Shanghai\" or "
                              "\"+08:00\")", name);
        goto out;
    }
    tz = calloc(1, sizeof *tz);
    if (!tz || !(tz->name = strdup(name))) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    if (fr == 1) {
        tz->fixed = true;
        tz->fixed_off_s = off;
        ret = tz;
        goto out;
    }
    path = sl_fs_join(zoneinfo_dir ? zoneinfo_dir : TZ_DEFAULT_DIR, name);
    if (!path) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    if (sl_fs_read_file(path, TZ_FILE_MAX_BYTES, &data, &len, sub, sizeof sub) != 0) {
        snprintf(err, errlen, "unknown time zone \"%s\" (%s)", name, sub);
        goto out;
    }
    if (tz_parse_tzif(tz, (const unsigned char *)data, len, sub, sizeof sub) != 0) {
        snprintf(err, errlen, "time zone \"%s\": %s", name, sub);
        goto out;
    }
    ret = tz;
out:
    if (!ret)
        sl_tz_free(tz);
    free(path);
    free(data);
    return ret;
}

void sl_tz_free(sl_tz *tz)
{
    if (!tz)
        return;
    free(tz->name);
    free(tz->trans);
    free(tz->idx);
    free(tz->type_off);
    free(tz);
}

const char *sl_tz_name(const sl_tz *tz)
{
    return tz ? tz->name : "UTC";
}

/* UTC offset in seconds at UTC millisecond utc_ms. Before the first
 * transition the first time type applies (RFC 8536 §3.2); after the last one
 * the footer rule when present, else the last type. */
static int32_t tz_offset_s(const sl_tz *tz, int64_t utc_ms)
{
    if (!tz)
        return 0;
    if (tz->fixed)
        return tz->fixed_off_s;
    if (utc_ms > TZ_MS_LIMIT)
        utc_ms = TZ_MS_LIMIT;
    if (utc_ms < -TZ_MS_LIMIT)
        utc_ms = -TZ_MS_LIMIT;
    int64_t t = sl_floordiv(utc_ms, 1000);
    if (tz->n_trans == 0)
        return tz->has_posix ? tz_posix_offset(&tz->posix, t) : tz->type_off[0];
    if (t < tz->trans[0])
        return tz->type_off[0];
    if (t >= tz->trans[tz->n_trans - 1] && tz->has_posix)
        return tz_posix_offset(&tz->posix, t);
    /* The last transition at or before t. */
    size_t lo = 0, hi = tz->n_trans; /* trans[lo] <= t < trans[hi] */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (tz->trans[mid] <= t)
            lo = mid;
        else
            hi = mid;
    }
    return tz->type_off[tz->idx[lo]];
}

int sl_tz_offset_at(const sl_tz *tz, int64_t utc_ms)
{
    return (int)(tz_offset_s(tz, utc_ms) / 60);
}

int64_t sl_tz_to_local(const sl_tz *tz, int64_t utc_ms)
{
    const int64_t margin = TZ_OFFSET_MAX_S * 1000LL;
    if (utc_ms > INT64_MAX - margin || utc_ms < INT64_MIN + margin)
        return utc_ms; /* saturate rather than overflow at the far ends */
    return utc_ms + (int64_t)tz_offset_s(tz, utc_ms) * 1000;
}

/* The first UTC ms in (lo, hi] whose offset differs from the offset at lo,
 * given that the offset at hi differs. */
static int64_t tz_find_change(const sl_tz *tz, int64_t lo, int64_t hi)
{
    int32_t o = tz_offset_s(tz, lo);
    while (hi - lo > 1) {
        int64_t mid = lo + (hi - lo) / 2;
        if (tz_offset_s(tz, mid) == o)
            lo = mid;
        else
            hi = mid;
    }
    return hi;
}

/* Contract: see tz.h. Offsets are taken one day either side of the local
 * time; each candidate instant is kept when it maps back to local_ms. None
 * fits: a gap, answered with the transition instant (the first local time
 * after the gap). Two fit: an overlap, answered with the earlier. */
int64_t sl_tz_from_local(const sl_tz *tz, int64_t local_ms)
{
    if (!tz || tz->fixed)
        return local_ms - (int64_t)(tz ? tz->fixed_off_s : 0) * 1000;
    if (local_ms > TZ_MS_LIMIT || local_ms < -TZ_MS_LIMIT)
        return local_ms - (int64_t)tz_offset_s(tz, local_ms) * 1000;
    int64_t oa = (int64_t)tz_offset_s(tz, local_ms - SL_MS_PER_DAY) * 1000;
    int64_t ob = (int64_t)tz_offset_s(tz, local_ms + SL_MS_PER_DAY) * 1000;
    int64_t ua = local_ms - oa, ub = local_ms - ob;
    bool a_ok = (int64_t)tz_offset_s(tz, ua) * 1000 == oa;
    bool b_ok = (int64_t)tz_offset_s(tz, ub) * 1000 == ob;
    if (a_ok && b_ok)
        return ua < ub ? ua : ub;
    if (a_ok)
        return ua;
    if (b_ok)
        return ub;
    /* Gap: the local time is skipped. ub < transition <= ua when clocks go forward. */
    int64_t lo = ua < ub ? ua : ub, hi = ua < ub ? ub : ua;
    if (tz_offset_s(tz, lo) == tz_offset_s(tz, hi))
        return ua; /* not a simple transition; keep the earlier offset */
    return tz_find_change(tz, lo, hi);
}
