/* timeutil.c — calendar arithmetic (Hinnant's algorithms) and ISO 8601 parsing. */
#include "content/timeutil.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

int64_t sl_floordiv(int64_t a, int64_t b)
{
    int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0)))
        q--;
    return q;
}

int64_t sl_days_from_civil(int y, int m, int d)
{
    int64_t yy = (int64_t)y - (m <= 2);
    int64_t era = sl_floordiv(yy, 400);
    int64_t yoe = yy - era * 400;
    int64_t mp = (m + 9) % 12;
    int64_t doy = (153 * mp + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void sl_civil_from_days(int64_t z, int *y, int *m, int *d)
{
    z += 719468;
    int64_t era = sl_floordiv(z, 146097);
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t yy = yoe + era * 400;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t dd = doy - (153 * mp + 2) / 5 + 1;
    int64_t mm = mp < 10 ? mp + 3 : mp - 9;
    *y = (int)(yy + (mm <= 2));
    *m = (int)mm;
    *d = (int)dd;
}

int sl_weekday_from_days(int64_t days)
{
    /* 1970-01-01 was a Thursday (3 when Monday is 0). */
    int64_t w = (days + 3) % 7;
    if (w < 0)
        w += 7;
    return (int)w;
}

/* Reads exactly n digits. */
static int digits(const char **p, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)(*p)[i]))
            return -1;
        v = v * 10 + ((*p)[i] - '0');
    }
    *p += n;
    *out = v;
    return 0;
}

static int days_in_month(int y, int m)
{
    static const int dim[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return dim[m - 1];
}

static int parse_date_part(const char **p, int64_t *days)
{
    int y, m, d;
    if (digits(p, 4, &y) || **p != '-')
        return -1;
    (*p)++;
    if (digits(p, 2, &m) || **p != '-')
        return -1;
    (*p)++;
    if (digits(p, 2, &d))
        return -1;
    if (m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
        return -1;
    *days = sl_days_from_civil(y, m, d);
    return 0;
}

int sl_date_parse(const char *s, int64_t *days)
{
    if (!s)
        return -1;
    const char *p = s;
    if (parse_date_part(&p, days) || *p)
        return -1;
    return 0;
}

void sl_date_format(int64_t days, char *buf, size_t len)
{
    int y, m, d;
    sl_civil_from_days(days, &y, &m, &d);
    snprintf(buf, len, "%04d-%02d-%02d", y, m, d);
}

/* Parses HH:MM[:SS[.fff]] and leaves p after it; ms since midnight. */
static int parse_time_part(const char **p, int64_t *ms, bool allow_frac)
{
    int h, mi, sec = 0, frac = 0;
    if (digits(p, 2, &h) || **p != ':')
        return -1;
    (*p)++;
    if (digits(p, 2, &mi))
        return -1;
    if (**p == ':') {
        (*p)++;
        if (digits(p, 2, &sec))
            return -1;
        if (allow_frac && **p == '.') {
            (*p)++;
            int n = 0;
            while (isdigit((unsigned char)**p)) {
                if (n < 3)
                    frac = frac * 10 + (**p - '0');
                n++;
                (*p)++;
            }
            if (n == 0)
                return -1;
            for (; n < 3; n++)
                frac *= 10;
        }
    }
    if (h > 24 || mi > 59 || sec > 59 || (h == 24 && (mi || sec || frac)))
        return -1;
    *ms = ((int64_t)h * 3600 + mi * 60 + sec) * 1000 + frac;
    return 0;
}

int sl_tod_parse(const char *s, int32_t *seconds)
{
    if (!s)
        return -1;
    const char *p = s;
    int64_t ms;
    if (parse_time_part(&p, &ms, false) || *p)
        return -1;
    *seconds = (int32_t)(ms / 1000);
    return 0;
}

int sl_instant_parse(const char *s, const int *default_offset_min, int64_t *out)
{
    if (!s)
        return -1;
    const char *p = s;
    int64_t days, ms;
    if (parse_date_part(&p, &days))
        return -1;
    if (*p != 'T' && *p != 't' && *p != ' ')
        return -1;
    p++;
    if (parse_time_part(&p, &ms, true))
        return -1;
    int off;
    if (*p == 'Z' || *p == 'z') {
        off = 0;
        p++;
    } else if (*p == '+' || *p == '-') {
        int sign = *p == '-' ? -1 : 1;
        int oh, om;
        p++;
        if (digits(&p, 2, &oh))
            return -1;
        if (*p == ':')
            p++;
        if (digits(&p, 2, &om) || oh > 14 || om > 59)
            return -1;
        off = sign * (oh * 60 + om);
    } else if (*p == '\0' && default_offset_min) {
        off = *default_offset_min;
    } else {
        return -1;
    }
    if (*p)
        return -1;
    *out = days * SL_MS_PER_DAY + ms - (int64_t)off * SL_MS_PER_MIN;
    return 0;
}

void sl_instant_format(int64_t ms, int offset_min, char *buf, size_t len)
{
    int64_t local = ms + (int64_t)offset_min * SL_MS_PER_MIN;
    int64_t days = sl_floordiv(local, SL_MS_PER_DAY);
    int64_t rem = local - days * SL_MS_PER_DAY;
    int y, m, d;
    sl_civil_from_days(days, &y, &m, &d);
    int secs = (int)(rem / 1000);
    char zone[24];
    if (offset_min == 0) {
        snprintf(zone, sizeof zone, "Z");
    } else {
        int a = offset_min < 0 ? -offset_min : offset_min;
        snprintf(zone, sizeof zone, "%c%02d:%02d", offset_min < 0 ? '-' : '+', a / 60, a % 60);
    }
    snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d%s", y, m, d, secs / 3600, (secs / 60) % 60,
             secs % 60, zone);
}

void sl_tod_format(int32_t seconds, char *buf, size_t len)
{
    snprintf(buf, len, "%02d:%02d:%02d", (int)(seconds / 3600), (int)((seconds / 60) % 60),
             (int)(seconds % 60));
}
