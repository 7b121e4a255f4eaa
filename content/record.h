/* record.h — the play record: what a screen really played (README "Architecture"), shared by player, hub and reports. */
#ifndef SL_RECORD_H
#define SL_RECORD_H

#include <cjson/cJSON.h>
#include <stdint.h>

#define SL_RECORD_ID_MAX 64

typedef enum {
    SL_OUTCOME_COMPLETED = 0, /* played its whole planned duration */
    SL_OUTCOME_CUT_SHORT = 1, /* stopped early: urgent alert, window end, shutdown */
    SL_OUTCOME_FAILED = 2     /* could not be shown (reason says why); the fallback stood in */
} sl_outcome;

typedef enum {
    SL_CLOCK_UNTRUSTED = 0, /* the board's clock was not known to be right */
    SL_CLOCK_SYNCED = 1,    /* NTP or the hub said the clock was right */
    SL_CLOCK_CORRECTED = 2, /* recorded untrusted, corrected later from the monotonic anchor */
    SL_CLOCK_SIMULATED = 3  /* a simulated clock (tests, previews) */
} sl_clock_trust;

typedef struct {
    char screen[SL_RECORD_ID_MAX + 1];
    int64_t seq;                   /* per screen, from 1, assigned by the journal */
    char item[SL_RECORD_ID_MAX + 1];
    char media_sha256[65];         /* "" for text */
    int64_t manifest_version;      /* 0 for a local playlist */
    char zone[SL_RECORD_ID_MAX + 1];
    int64_t start_ms;              /* UTC */
    int64_t mono_start_ms;         /* monotonic clock at the start (anchor for corrections) */
    sl_clock_trust clock_trust;
    int64_t duration_ms;
    sl_outcome outcome;
    char reason[128];              /* why cut short or failed; "" otherwise */
} sl_play_record;

/* Wire names: "completed" / "cut_short" / "failed" and "untrusted" / "synced" /
 * "corrected" / "simulated". A value outside the enum gives "unknown". */
const char *sl_outcome_name(sl_outcome o);
const char *sl_clock_trust_name(sl_clock_trust t);

/* Added with record.c: the reverse of the name functions, for readers of the
 * wire format (hub ingest, reports). Exact, case-sensitive match; returns the
 * enum value, or -1 when s is NULL or not one of the names above. */
int sl_outcome_parse(const char *s);
int sl_clock_trust_parse(const char *s);

/* A record as a screen posts it (the body of POST /api/v1/plays; the files
 * of --export-records): a new cJSON object, NULL when out of memory. */
cJSON *sl_record_to_json(const sl_play_record *r);

#endif
