/* hub_plays.h — proof of play at the hub: storing a screen's batch of play records (marking which are lit) and listing them. */
#ifndef SL_HUB_PLAYS_H
#define SL_HUB_PLAYS_H

#include "content/record.h"
#include "tools/hub/hub.h"
#include "tools/hub/service/hub_service.h"

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>

#define SL_HUB_PLAYS_BATCH_MAX 1000  /* records in one posted batch (API.md) */
#define SL_HUB_PLAYS_LIST_MAX 10000  /* records in one listing */

/* Stores a validated batch of one screen's records (sl_record_from_json),
 * idempotent by (screen, seq): marks which are lit (their zone is the main
 * zone of the manifest version they name, for the screen's channel;
 * REPORTS.md) and calls the store. Every path that stores plays goes through
 * it. *stored gets the new records, *dups those already held, *acked the
 * screen's acked_seq (API.md). STORE (a store failure, out of memory). */
sl_svc_rc sl_hub_plays_store(sl_hub *hub, const char *screen, const sl_play_record *recs, size_t n, size_t *stored,
                             size_t *dups, int64_t *acked, sl_svc_err *e);

/* A screen's records with seq > after_seq, by seq, at most limit of them,
 * as the hub lists them (sl_record_to_json_listed and "received"): OK with a
 * new JSON array in *out; STORE (a store failure, out of memory). */
sl_svc_rc sl_hub_plays_list(sl_hub *hub, const char *screen, int64_t after_seq, size_t limit, cJSON **out,
                            sl_svc_err *e);

/* A screen's `limit` latest records (highest seq first), each with when the
 * hub received it; cb returns non-zero to stop. INVALID (screen id), STORE. */
sl_svc_rc sl_hub_plays_recent(sl_hub *hub, const char *screen, size_t limit,
                              int (*cb)(void *ud, const sl_play_record *r, int64_t received_ms), void *ud,
                              sl_svc_err *e);

#endif
