/* timeutil.h — UTC instants as 64-bit milliseconds, civil dates, ISO 8601. */
#ifndef SL_TIMEUTIL_H
#define SL_TIMEUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SL_MS_PER_S 1000LL
#define SL_MS_PER_MIN 60000LL
#define SL_MS_PER_HOUR 3600000LL
#define SL_MS_PER_DAY 86400000LL

/* Days since 1970-01-01 for a proleptic Gregorian date. */
int64_t sl_days_from_civil(int y, int m, int d);
/* The date of a day number. */
void sl_civil_from_days(int64_t days, int *y, int *m, int *d);
/* 0 = Monday … 6 = Sunday. */
int sl_weekday_from_days(int64_t days);
/* Floor division that works for negative numbers too. */
int64_t sl_floordiv(int64_t a, int64_t b);

/* Parses "YYYY-MM-DD" into a day number. Returns 0 or -1. */
int sl_date_parse(const char *s, int64_t *days);
/* Formats a day number as "YYYY-MM-DD"; buf must hold 11 bytes (16 for
 * years past 9999 or before 0). */
void sl_date_format(int64_t days, char *buf, size_t len);

/* Parses an ISO 8601 instant: "YYYY-MM-DDTHH:MM[:SS[.fff]]" followed by "Z"
 * or "+HH:MM"/"-HH:MM". Without an offset it is refused unless
 * default_offset_min is not NULL (then it is used). Returns 0 or -1. */
int sl_instant_parse(const char *s, const int *default_offset_min, int64_t *ms);

/* Parses "HH:MM" or "HH:MM:SS" (00:00 to 24:00) into seconds since midnight. */
int sl_tod_parse(const char *s, int32_t *seconds);

/* Formats an instant as "2026-11-25T08:00:00+08:00" at the given UTC offset
 * (minutes); offset 0 gives "...Z". buf must hold 32 bytes. */
void sl_instant_format(int64_t ms, int offset_min, char *buf, size_t len);

/* "08:00:05" for seconds since midnight. */
void sl_tod_format(int32_t seconds, char *buf, size_t len);

#endif
