/* record.c — play records on the wire: outcome and clock-trust names both ways, and a record as JSON. */
#include "content/record.h"

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

/* Indexed by enum value; the enums are dense from 0. */
static const char *const outcome_names[] = {"completed", "cut_short", "failed"};
static const char *const trust_names[] = {"untrusted", "synced", "corrected", "simulated"};

#define SL_NELEM(a) (sizeof(a) / sizeof((a)[0]))

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

cJSON *sl_record_to_json(const sl_play_record *r)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    bool ok = cJSON_AddNumberToObject(o, "seq", (double)r->seq) && cJSON_AddStringToObject(o, "item", r->item) &&
              cJSON_AddStringToObject(o, "media_sha256", r->media_sha256) &&
              cJSON_AddNumberToObject(o, "manifest_version", (double)r->manifest_version) &&
              cJSON_AddStringToObject(o, "zone", r->zone) &&
              cJSON_AddNumberToObject(o, "start_ms", (double)r->start_ms) &&
              cJSON_AddStringToObject(o, "clock_trust", sl_clock_trust_name(r->clock_trust)) &&
              cJSON_AddNumberToObject(o, "duration_ms", (double)r->duration_ms) &&
              cJSON_AddStringToObject(o, "outcome", sl_outcome_name(r->outcome)) &&
              cJSON_AddStringToObject(o, "reason", r->reason);
    if (ok && r->mono_start_ms >= 0)
        ok = cJSON_AddNumberToObject(o, "mono_start_ms", (double)r->mono_start_ms) != NULL;
    if (!ok) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}
