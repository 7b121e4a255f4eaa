/* playhours.h — the hourly play summary per screen (table play_hours) that batches add to and reports read. */
#ifndef SL_HUB_PLAYHOURS_H
#define SL_HUB_PLAYHOURS_H

#include "content/record.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * What a stored play adds to its screen's summary (REPORTS.md):
 * - a play with a known time (synced, corrected, simulated) and not
 *   failed: one play of its item in the UTC hour it started in (plays,
 *   corrected_plays, the item's count), and, when it is lit (its zone is
 *   the main zone), its duration as lit_ms split over the hours it spans;
 * - an untrusted play that was not failed: one untrusted play (and its
 *   duration as untrusted_ms when lit) in the hour the hub received it,
 *   since its own time is not known;
 * - a failed play: nothing (the fallback was on the screen, not the
 *   campaign).
 * Item counts are kept as text, "item\tcount\n" per item, in no order.
 */

typedef struct {
    char item[SL_RECORD_ID_MAX + 1];
    int64_t plays;
} sl_ph_item;

typedef struct {
    int64_t hour_ms; /* UTC hour start */
    int64_t lit_ms, untrusted_ms, plays, untrusted_plays, corrected_plays;
    sl_ph_item *items;
    size_t n_items, cap_items;
} sl_ph_hour;

/* The hours one batch touches. */
typedef struct {
    sl_ph_hour *h;
    size_t n, cap;
} sl_ph_batch;

void sl_ph_batch_init(sl_ph_batch *b);
/* Frees the hours; NULL and an initialised empty batch are fine. */
void sl_ph_batch_free(sl_ph_batch *b);
/* Adds one stored record. 0, or -1 when out of memory. */
int sl_ph_batch_add(sl_ph_batch *b, const sl_play_record *r, bool lit, int64_t received_ms);

/* Adds a stored row's item text to h's counts. 0, or -1 when out of memory
 * (malformed lines are skipped). */
int sl_ph_hour_add_items(sl_ph_hour *h, const char *items_text);
/* h's item counts as text (malloc'd, "" when none), or NULL when out of memory. */
char *sl_ph_items_text(const sl_ph_hour *h);

/* Calls cb for each "item\tcount" line of items_text (item not
 * NUL-terminated: len bytes); stops when cb returns non-zero. */
void sl_ph_items_each(const char *items_text, int (*cb)(void *ud, const char *item, size_t len, int64_t plays),
                      void *ud);

#endif
