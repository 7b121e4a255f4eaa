/* hub_mainzone.c — finds and caches the main zone of each published manifest version. */
#include "tools/hub/service/hub_mainzone.h"

#include "content/json.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MZ_SLOTS 64 /* cached versions; the oldest is replaced */

typedef struct {
    char channel[SL_HUB_ID_MAX + 1];
    int64_t version;
    char zone[SL_RECORD_ID_MAX + 1];
    bool used;
} mz_slot;

struct sl_mainzone {
    pthread_mutex_t mu;
    mz_slot slot[MZ_SLOTS];
    size_t next; /* the slot replaced next */
};

sl_mainzone *sl_mainzone_new(void)
{
    sl_mainzone *mz = calloc(1, sizeof *mz);
    if (mz && pthread_mutex_init(&mz->mu, NULL) != 0) {
        free(mz);
        return NULL;
    }
    return mz;
}

void sl_mainzone_free(sl_mainzone *mz)
{
    if (!mz)
        return;
    pthread_mutex_destroy(&mz->mu);
    free(mz);
}

int sl_mainzone_of_payload(const char *payload, size_t len, char out[SL_RECORD_ID_MAX + 1])
{
    char err[128];
    int rc = -1;
    cJSON *root = sl_json_parse(payload, len, NULL, err, sizeof err);
    const cJSON *zones = root ? cJSON_GetObjectItemCaseSensitive(root, "zones") : NULL;
    double best = -1;
    const cJSON *z;
    cJSON_ArrayForEach(z, zones)
    {
        const char *id = sl_json_str(z, "id");
        const cJSON *w = cJSON_GetObjectItemCaseSensitive(z, "w");
        const cJSON *h = cJSON_GetObjectItemCaseSensitive(z, "h");
        /* A sound zone is never the main zone, whatever size it claims. */
        if (!id || strlen(id) > SL_RECORD_ID_MAX || !cJSON_IsNumber(w) || !cJSON_IsNumber(h) ||
            cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(z, "sound")))
            continue;
        double area = w->valuedouble * h->valuedouble;
        if (area > best) {
            best = area;
            snprintf(out, SL_RECORD_ID_MAX + 1, "%s", id);
            rc = 0;
        }
    }
    cJSON_Delete(root);
    return rc;
}

/* The payload member of an envelope (malloc'd) or NULL. */
static char *payload_of(const char *envelope, size_t len)
{
    char err[128];
    const sl_json_limits big = {.max_bytes = 16u * 1024u * 1024u};
    cJSON *env = sl_json_parse(envelope, len, &big, err, sizeof err);
    const char *p = env ? sl_json_str(env, "payload") : NULL;
    char *copy = p ? strdup(p) : NULL;
    cJSON_Delete(env);
    return copy;
}

int sl_mainzone_get(sl_mainzone *mz, sl_store *st, const char *channel, int64_t version,
                    char out[SL_RECORD_ID_MAX + 1], char *err, size_t errlen)
{
    pthread_mutex_lock(&mz->mu);
    for (size_t i = 0; i < MZ_SLOTS; i++) {
        mz_slot *s = &mz->slot[i];
        if (s->used && s->version == version && strcmp(s->channel, channel) == 0) {
            memcpy(out, s->zone, sizeof s->zone);
            pthread_mutex_unlock(&mz->mu);
            return 0;
        }
    }
    pthread_mutex_unlock(&mz->mu);

    char *envelope = NULL;
    size_t len = 0;
    snprintf(out, SL_RECORD_ID_MAX + 1, "main");
    sl_st_rc rc = st->ops->manifest_at(st, channel, version, &envelope, &len, err, errlen);
    if (rc == SL_ST_ERROR)
        return -1;
    if (rc == SL_ST_NOT_FOUND)
        return 0; /* not cached: it may be published later */
    char *payload = payload_of(envelope, len);
    free(envelope);
    if (payload)
        sl_mainzone_of_payload(payload, strlen(payload), out);
    free(payload);

    pthread_mutex_lock(&mz->mu);
    mz_slot *s = &mz->slot[mz->next];
    mz->next = (mz->next + 1) % MZ_SLOTS;
    snprintf(s->channel, sizeof s->channel, "%s", channel);
    s->version = version;
    memcpy(s->zone, out, sizeof s->zone);
    s->used = true;
    pthread_mutex_unlock(&mz->mu);
    return 0;
}
