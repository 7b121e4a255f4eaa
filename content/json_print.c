/* json_print.c — JSON output that writes integers exactly (cJSON alone keeps 15 significant digits). */
#include "content/json.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define SL_JSON_MAX_EXACT 9007199254740992.0 /* 2^53: every integer up to it is a double */
/* Marks the nodes converted here, above the bits cJSON uses (0xFF type, 256, 512). */
#define SL_JSON_EXACT_MARK (1 << 14)

/* Turns (restore == false) every integral number within ±2^53 under v into a
 * raw node holding its decimal digits, or turns them back (restore == true).
 * Returns -1 when out of memory (the nodes converted so far stay converted;
 * the caller restores). */
static int exact_walk(cJSON *v, bool restore)
{
    for (; v; v = v->next) {
        if (!restore && (v->type & 0xFF) == cJSON_Number && v->valuestring == NULL) {
            double d = v->valuedouble;
            if (isfinite(d) && fabs(d) <= SL_JSON_MAX_EXACT && d == trunc(d)) {
                char *digits = malloc(24);
                if (!digits)
                    return -1;
                snprintf(digits, 24, "%lld", (long long)d);
                v->valuestring = digits;
                v->type = (v->type & ~0xFF) | cJSON_Raw | SL_JSON_EXACT_MARK;
            }
        } else if (restore && (v->type & SL_JSON_EXACT_MARK)) {
            free(v->valuestring);
            v->valuestring = NULL;
            v->type = (v->type & ~(0xFF | SL_JSON_EXACT_MARK)) | cJSON_Number;
        }
        if (v->child && exact_walk(v->child, restore) != 0)
            return -1;
    }
    return 0;
}

char *sl_json_print(const cJSON *cv, bool formatted)
{
    if (!cv)
        return NULL;
    /* Heap nodes of the caller, changed only for the length of this call. */
    cJSON *v = (cJSON *)(uintptr_t)cv;
    /* Only v and what is under it, not its siblings. */
    cJSON *next = v->next;
    v->next = NULL;
    char *text = NULL;
    if (exact_walk(v, false) == 0)
        text = formatted ? cJSON_Print(v) : cJSON_PrintUnformatted(v);
    exact_walk(v, true);
    v->next = next;
    return text;
}
