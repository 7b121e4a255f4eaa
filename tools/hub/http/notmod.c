/* notmod.c — the table of reusable 304 responses: ETag → libmicrohttpd response, behind one mutex. */
#include "tools/hub/http/notmod.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define SLOTS 64u   /* a power of two */
#define PROBES 4u   /* slots looked at from an ETag's home slot */
#define ETAG_MAX 96 /* bytes: a quoted 64-byte channel, '-' and a version */

typedef struct {
    char etag[ETAG_MAX + 1];
    struct MHD_Response *resp; /* NULL = free */
} slot;

struct sl_notmod {
    pthread_mutex_t mu;
    slot slots[SLOTS];
};

sl_notmod *sl_notmod_new(void)
{
    sl_notmod *nm = calloc(1, sizeof *nm);
    if (nm && pthread_mutex_init(&nm->mu, NULL) != 0) {
        free(nm);
        nm = NULL;
    }
    return nm;
}

void sl_notmod_free(sl_notmod *nm)
{
    if (!nm)
        return;
    for (size_t i = 0; i < SLOTS; i++)
        if (nm->slots[i].resp)
            MHD_destroy_response(nm->slots[i].resp);
    pthread_mutex_destroy(&nm->mu);
    free(nm);
}

static struct MHD_Response *make(const char *etag)
{
    /* The ETag is "<channel>-<version>": the channel, the screen's, goes in Screenlit-Channel too. */
    char channel[ETAG_MAX + 1] = "";
    const char *dash = strrchr(etag, '-');
    size_t n = dash && etag[0] == '"' ? (size_t)(dash - etag - 1) : 0;
    if (n > 0 && n < sizeof channel) {
        memcpy(channel, etag + 1, n);
        channel[n] = 0;
    }
    struct MHD_Response *resp = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
    if (!resp)
        return NULL;
    if (MHD_add_response_header(resp, "ETag", etag) != MHD_YES ||
        (channel[0] && MHD_add_response_header(resp, "Screenlit-Channel", channel) != MHD_YES) ||
        MHD_add_response_header(resp, "Cache-Control", "no-cache") != MHD_YES) {
        MHD_destroy_response(resp);
        return NULL;
    }
    return resp;
}

/* FNV-1a: ETags are not chosen by clients, so a plain hash spreads them well enough. */
static uint32_t hash_of(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

enum MHD_Result sl_notmod_queue(sl_notmod *nm, struct MHD_Connection *conn, const char *etag)
{
    size_t len = strlen(etag);
    if (!nm || len > ETAG_MAX) {
        struct MHD_Response *resp = make(etag);
        if (!resp)
            return MHD_NO;
        enum MHD_Result ret = MHD_queue_response(conn, MHD_HTTP_NOT_MODIFIED, resp);
        MHD_destroy_response(resp);
        return ret;
    }
    uint32_t h = hash_of(etag, len);
    enum MHD_Result ret = MHD_NO;
    pthread_mutex_lock(&nm->mu);
    slot *hit = NULL, *free_slot = NULL;
    for (uint32_t i = 0; i < PROBES; i++) {
        slot *s = &nm->slots[(h + i) & (SLOTS - 1)];
        if (!s->resp) {
            if (!free_slot)
                free_slot = s;
        } else if (memcmp(s->etag, etag, len + 1) == 0) {
            hit = s;
            break;
        }
    }
    if (!hit) {
        struct MHD_Response *resp = make(etag);
        if (!resp)
            goto out;
        hit = free_slot ? free_slot : &nm->slots[h & (SLOTS - 1)];
        if (hit->resp)
            MHD_destroy_response(hit->resp); /* connections still sending it hold their own reference */
        hit->resp = resp;
        memcpy(hit->etag, etag, len + 1);
    }
    /* Queued under the lock, so that no other thread can replace (and
     * release) this response between finding it and queuing it. */
    ret = MHD_queue_response(conn, MHD_HTTP_NOT_MODIFIED, hit->resp);
out:
    pthread_mutex_unlock(&nm->mu);
    return ret;
}
