/* notmod.h — shared "304 Not Modified" replies, one per ETag, reused for every poll that matches it. */
#ifndef SL_HUB_NOTMOD_H
#define SL_HUB_NOTMOD_H

#include <microhttpd.h>

/*
 * A 304 to a manifest poll is the same bytes for every screen on a channel
 * version: `ETag: "<channel>-<version>"`, `Screenlit-Channel: <channel>`,
 * `Cache-Control: no-cache`, no body.
 * Instead of building (and freeing) a libmicrohttpd response for each poll,
 * the hub keeps one per ETag and queues it on every matching connection
 * (libmicrohttpd counts references; a response may be queued on many
 * connections at once). The table is small and fixed (64 ETags); a new ETag
 * takes a free place or replaces an older one, whose response lives on until
 * the connections sending it are done. Thread-safe.
 */

typedef struct sl_notmod sl_notmod;

/* A new, empty table; NULL when out of memory. */
sl_notmod *sl_notmod_new(void);

/* Frees the table (after the server has stopped); NULL is fine. */
void sl_notmod_free(sl_notmod *nm);

/* Queues a 304 with this ETag (the quoted tag) on conn. nm may be NULL:
 * then a response is made for this one reply. Returns libmicrohttpd's
 * result (MHD_NO also when out of memory). */
enum MHD_Result sl_notmod_queue(sl_notmod *nm, struct MHD_Connection *conn, const char *etag);

#endif
