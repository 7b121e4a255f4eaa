/* record.c — play records on the wire: outcome and clock-trust names both ways, a record as JSON and back. */
#include "content/record.h"

#include "content/json.h"
#include "content/media.h"
#include "content/timeutil.h"
#include "content/wire.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

/* Indexed by enum value; the enums are dense from 0. */
static const char *const outcome_names[] = {"completed", "cut_short", "failed"};
static const char *const trust_names[] = {"untrusted", "synced", "corrected", "simulated"};

#define SL_NELEM(a) (sizeof(a) / sizeof((a)[0]))

bool sl_record_is_skip(const sl_play_record *r)
{
    return r && r->outcome == SL_OUTCOME_FAILED && r->duration_ms == 0 &&
           strncmp(r->reason, SL_RECORD_SKIPPED_PREFIX, strlen(SL_RECORD_SKIPPED_PREFIX)) == 0;
}

/* Looks s up in names[0..n); returns its index or -1. */
static int name_index(const char *const *names, size_t n, const char *s)
{
    if (!s)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (strcmp(names[i], s) == 0)
            return (int)i;
    return -1;
}

/* "unknown" for a value outside the enum (e.g. a corrupt integer column). */
const char *sl_outcome_name(sl_outcome o)
{
    size_t i = (size_t)o;
    return (int)o >= 0 && i < SL_NELEM(outcome_names) ? outcome_names[i] : "unknown";
}

const char *sl_clock_trust_name(sl_clock_trust t)
{
    size_t i = (size_t)t;
    return (int)t >= 0 && i < SL_NELEM(trust_names) ? trust_names[i] : "unknown";
}

/* Exact names only: "unknown", "" and NULL give -1. */
int sl_outcome_parse(const char *s)
{
    return name_index(outcome_names, SL_NELEM(outcome_names), s);
}

int sl_clock_trust_parse(const char *s)
{
    return name_index(trust_names, SL_NELEM(trust_names), s);
}

/* The names a record on the wire may carry (API.md): a value outside an
 * enum is sent as the name that claims the least. */
static const char *wire_outcome(sl_outcome o)
{
    return sl_outcome_parse(sl_outcome_name(o)) >= 0 ? sl_outcome_name(o) : outcome_names[SL_OUTCOME_FAILED];
}

static const char *wire_trust(sl_clock_trust t)
{
    return sl_clock_trust_parse(sl_clock_trust_name(t)) >= 0 ? sl_clock_trust_name(t)
                                                             : trust_names[SL_CLOCK_UNTRUSTED];
}

/* The record's members; `listed` (the hub's listing) adds "start" and puts
 * mono_start_ms after start_ms, always. */
static cJSON *record_json(const sl_play_record *r, bool listed)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    bool ok = cJSON_AddNumberToObject(o, "seq", (double)r->seq) && cJSON_AddStringToObject(o, "item", r->item) &&
              cJSON_AddStringToObject(o, "media_sha256", r->media_sha256) &&
              cJSON_AddNumberToObject(o, "manifest_version", (double)r->manifest_version) &&
              cJSON_AddStringToObject(o, "zone", r->zone);
    if (ok && listed) {
        char start[48];
        sl_instant_format(r->start_ms, 0, start, sizeof start);
        /* Milliseconds matter for proof of play: "...:SS.mmmZ". */
        size_t n = strlen(start);
        if (n && start[n - 1] == 'Z')
            snprintf(start + n - 1, sizeof start - (n - 1), ".%03dZ", (int)(r->start_ms % 1000));
        ok = cJSON_AddStringToObject(o, "start", start) != NULL;
    }
    ok = ok && cJSON_AddNumberToObject(o, "start_ms", (double)r->start_ms);
    if (ok && listed)
        ok = cJSON_AddNumberToObject(o, "mono_start_ms", (double)r->mono_start_ms) != NULL;
    ok = ok && cJSON_AddStringToObject(o, "clock_trust", wire_trust(r->clock_trust)) &&
         cJSON_AddNumberToObject(o, "duration_ms", (double)r->duration_ms) &&
         cJSON_AddStringToObject(o, "outcome", wire_outcome(r->outcome)) &&
         cJSON_AddStringToObject(o, "reason", r->reason);
    if (ok && !listed && r->mono_start_ms >= 0)
        ok = cJSON_AddNumberToObject(o, "mono_start_ms", (double)r->mono_start_ms) != NULL;
    if (!ok) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

cJSON *sl_record_to_json(const sl_play_record *r)
{
    return record_json(r, false);
}

cJSON *sl_record_to_json_listed(const sl_play_record *r)
{
    return record_json(r, true);
}

/* Copies a string member into buf (len bytes with NUL). Absent -> "" when
 * optional. Returns 0 or -1 (missing, not a string, too long, not text). */
static int str_member(const cJSON *o, const char *key, bool required, char *buf, size_t len)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!v || cJSON_IsNull(v)) {
        buf[0] = '\0';
        return required ? -1 : 0;
    }
    if (!cJSON_IsString(v))
        return -1;
    size_t n = strlen(v->valuestring);
    if (n >= len || !sl_wire_text_ok(v->valuestring, n, false))
        return -1;
    memcpy(buf, v->valuestring, n + 1);
    return 0;
}

/* The record's start: "start" (ISO 8601) or "start_ms", both when they agree. */
static int start_from_json(const cJSON *o, int64_t *ms, char *why, size_t whylen)
{
    char start[48];
    int64_t start_ms = INT64_MIN, start_ms2 = INT64_MIN;
    if (str_member(o, "start", false, start, sizeof start) != 0 ||
        (start[0] && sl_instant_parse(start, NULL, &start_ms) != 0)) {
        snprintf(why, whylen, "\"start\" must be an ISO 8601 instant such as 2026-11-25T00:30:00.000Z");
        return -1;
    }
    if (sl_json_int(o, "start_ms", 0, SL_RECORD_SEQ_MAX, false, INT64_MIN, &start_ms2) != 0) {
        snprintf(why, whylen, "\"start_ms\" must be milliseconds since 1970 (UTC)");
        return -1;
    }
    if (start_ms == INT64_MIN && start_ms2 == INT64_MIN) {
        snprintf(why, whylen, "\"start\" (or \"start_ms\") is missing");
        return -1;
    }
    if (start_ms != INT64_MIN && start_ms2 != INT64_MIN && start_ms != start_ms2) {
        snprintf(why, whylen, "\"start\" and \"start_ms\" disagree");
        return -1;
    }
    *ms = start_ms != INT64_MIN ? start_ms : start_ms2;
    if (*ms < 0 || *ms > SL_RECORD_START_MAX_MS) {
        snprintf(why, whylen, "\"start\" is before 1970 or after 9999");
        return -1;
    }
    return 0;
}

int sl_record_from_json(const cJSON *o, sl_play_record *p, char *why, size_t whylen)
{
    char trust[16], outcome[16];
    memset(p, 0, sizeof *p);
    if (!cJSON_IsObject(o)) {
        snprintf(why, whylen, "not an object");
        return -1;
    }
    if (sl_json_int(o, "seq", 1, SL_RECORD_SEQ_MAX, true, 0, &p->seq) != 0) {
        snprintf(why, whylen, "\"seq\" must be an integer from 1");
        return -1;
    }
    if (str_member(o, "item", true, p->item, sizeof p->item) != 0 || !sl_wire_id_ok(p->item)) {
        snprintf(why, whylen, "\"item\" must be an item id");
        return -1;
    }
    if (str_member(o, "zone", true, p->zone, sizeof p->zone) != 0 || !sl_wire_id_ok(p->zone)) {
        snprintf(why, whylen, "\"zone\" must be a zone id");
        return -1;
    }
    if (str_member(o, "media_sha256", false, p->media_sha256, sizeof p->media_sha256) != 0 ||
        (p->media_sha256[0] && !sl_media_is_sha256(p->media_sha256))) {
        snprintf(why, whylen, "\"media_sha256\" must be \"\" or 64 lowercase hex digits");
        return -1;
    }
    if (sl_json_int(o, "manifest_version", 0, SL_RECORD_SEQ_MAX, false, 0, &p->manifest_version) != 0) {
        snprintf(why, whylen, "\"manifest_version\" must be an integer from 0");
        return -1;
    }
    if (start_from_json(o, &p->start_ms, why, whylen) != 0)
        return -1;
    if (sl_json_int(o, "mono_start_ms", 0, SL_RECORD_SEQ_MAX, false, 0, &p->mono_start_ms) != 0) {
        snprintf(why, whylen, "\"mono_start_ms\" must be an integer from 0");
        return -1;
    }
    int t = str_member(o, "clock_trust", true, trust, sizeof trust) == 0 ? sl_clock_trust_parse(trust) : -1;
    if (t < 0) {
        snprintf(why, whylen, "\"clock_trust\" must be synced, untrusted, corrected or simulated");
        return -1;
    }
    p->clock_trust = (sl_clock_trust)t;
    if (sl_json_int(o, "duration_ms", 0, SL_RECORD_DURATION_MAX_MS, true, 0, &p->duration_ms) != 0) {
        snprintf(why, whylen, "\"duration_ms\" must be an integer from 0 to %lld", (long long)SL_RECORD_DURATION_MAX_MS);
        return -1;
    }
    int oc = str_member(o, "outcome", true, outcome, sizeof outcome) == 0 ? sl_outcome_parse(outcome) : -1;
    if (oc < 0) {
        snprintf(why, whylen, "\"outcome\" must be completed, cut_short or failed");
        return -1;
    }
    p->outcome = (sl_outcome)oc;
    if (str_member(o, "reason", false, p->reason, sizeof p->reason) != 0) {
        snprintf(why, whylen, "\"reason\" must be text of at most %zu bytes", sizeof p->reason - 1);
        return -1;
    }
    return 0;
}
