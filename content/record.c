/* record.c — wire names of play-record outcomes and clock-trust flags, both ways. */
#include "content/record.h"

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
