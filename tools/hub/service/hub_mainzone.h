/* hub_mainzone.h — which zone of a published manifest counts as "the screen is lit" (its largest), cached per version. */
#ifndef SL_HUB_MAINZONE_H
#define SL_HUB_MAINZONE_H

#include "content/record.h"
#include "tools/hub/store/store.h"

#include <stdint.h>

typedef struct sl_mainzone sl_mainzone;

/* A new, empty cache; NULL when out of memory. */
sl_mainzone *sl_mainzone_new(void);
/* NULL is fine. */
void sl_mainzone_free(sl_mainzone *mz);

/* The main zone of a manifest: the zone with the largest area (w x h), the
 * first on a tie; never a sound zone. Pure: payload is the manifest payload
 * JSON. Writes the zone id into out; 0, or -1 when the payload has no zone
 * on the screen. */
int sl_mainzone_of_payload(const char *payload, size_t len, char out[SL_RECORD_ID_MAX + 1]);

/* The main zone of version `version` of `channel`, read from the store the
 * first time and cached (manifests never change once published). When the
 * hub does not hold that manifest, "main". Thread-safe. 0, or -1 with err
 * on a store failure. */
int sl_mainzone_get(sl_mainzone *mz, sl_store *st, const char *channel, int64_t version,
                    char out[SL_RECORD_ID_MAX + 1], char *err, size_t errlen);

#endif
