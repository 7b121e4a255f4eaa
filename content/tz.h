/* tz.h — time zones: fixed UTC offsets ("+08:00", "UTC") and IANA names read from TZif files. */
#ifndef SL_TZ_H
#define SL_TZ_H

#include <stddef.h>
#include <stdint.h>

typedef struct sl_tz sl_tz;

/* Loads a zone by name: "UTC", "Z", "+08:00", "-03:30", "UTC+8", or an IANA
 * name such as "Asia/Shanghai" looked up under zoneinfo_dir (NULL means
 * /usr/share/zoneinfo, or $TZDIR when set by the caller's own choice).
 * Names with "..", a leading '/', or characters outside [A-Za-z0-9_+-/] are
 * refused. Returns NULL with a message in err. */
sl_tz *sl_tz_load(const char *name, const char *zoneinfo_dir, char *err, size_t errlen);

/* Frees a zone; NULL is fine. */
void sl_tz_free(sl_tz *tz);

/* The zone's name as given. */
const char *sl_tz_name(const sl_tz *tz);

/* UTC offset in minutes (east positive) in force at the UTC instant. NULL tz = 0. */
int sl_tz_offset_at(const sl_tz *tz, int64_t utc_ms);

/* Local wall-clock milliseconds since 1970-01-01T00:00 local for an instant. */
int64_t sl_tz_to_local(const sl_tz *tz, int64_t utc_ms);

/* The UTC instant of a local wall-clock time. In a gap (spring forward) the
 * time after the gap is returned; in an overlap, the earlier instant. */
int64_t sl_tz_from_local(const sl_tz *tz, int64_t local_ms);

#endif
