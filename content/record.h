/* record.h — the play record: what a screen really played (README "Architecture"), shared by player, hub and reports. */
#ifndef SL_RECORD_H
#define SL_RECORD_H

#include <cjson/cJSON.h>
#include <stdbool.h>
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

/* An item a player left out because it cannot be shown (a standalone
 * playlist's item with a lint error) is recorded once, when the playlist is
 * taken, as a failed record of 0 ms whose reason starts with this prefix:
 * readers that know only the three outcomes count it as a failure, no play. */
#define SL_RECORD_SKIPPED_PREFIX "skipped: "
/* Whether r is such a record. */
bool sl_record_is_skip(const sl_play_record *r);

/* Wire names: "completed" / "cut_short" / "failed" and "untrusted" / "synced" /
 * "corrected" / "simulated". A value outside the enum gives "unknown" (for
 * people: logs, the diagnostic screen; records on the wire never carry it,
 * see sl_record_to_json). */
const char *sl_outcome_name(sl_outcome o);
const char *sl_clock_trust_name(sl_clock_trust t);

/* Added with record.c: the reverse of the name functions, for readers of the
 * wire format (hub ingest, reports). Exact, case-sensitive match; returns the
 * enum value, or -1 when s is NULL or not one of the names above. */
int sl_outcome_parse(const char *s);
int sl_clock_trust_parse(const char *s);

/* The limits of a record on the wire (tools/hub/API.md, "Proof of play"). */
#define SL_RECORD_SEQ_MAX 9007199254740991LL          /* 2^53 - 1: seq, versions, start_ms */
#define SL_RECORD_START_MAX_MS 253402300799999LL       /* 9999-12-31T23:59:59.999Z */
#define SL_RECORD_DURATION_MAX_MS (7LL * 24 * 3600 * 1000) /* a week: anything longer is a bug */

/* A record as a screen posts it (the body of POST /api/v1/plays; the files
 * of --export-records): a new cJSON object, NULL when out of memory. The
 * members in this order: seq, item, media_sha256, manifest_version, zone,
 * start_ms, clock_trust, duration_ms, outcome, reason, and mono_start_ms when
 * it is known (>= 0). The enums are sent as the names API.md allows only: an
 * outcome outside the enum (a damaged journal or store row) is sent as
 * "failed" (nothing proves it was shown) and a clock trust outside it as
 * "untrusted". */
cJSON *sl_record_to_json(const sl_play_record *r);

/* A stored record as the hub lists it (GET /api/v1/plays): the members of
 * sl_record_to_json, with "start" (ISO 8601 UTC with milliseconds,
 * "2026-11-25T00:30:00.000Z") before start_ms and mono_start_ms right after
 * it, always; the same names for the enums. The caller adds "received". A
 * new cJSON object, NULL when out of memory. */
cJSON *sl_record_to_json_listed(const sl_play_record *r);

/* Reads one record of a posted batch (API.md: seq >= 1; item and zone ids;
 * media_sha256 "" or 64 lowercase hex; manifest_version >= 0; "start" and/or
 * "start_ms", which must agree; optional mono_start_ms >= 0; clock_trust and
 * outcome by name; duration_ms up to a week; reason at most 127 bytes of
 * text; integers JSON integers within +-2^53). Members it does not know
 * ("screen" among them) are left to the caller. Returns 0 with *p filled
 * (p->screen ""), or -1 with the sentence of what is wrong in why, such as
 * "\"seq\" must be an integer from 1". */
int sl_record_from_json(const cJSON *o, sl_play_record *p, char *why, size_t whylen);

#endif
