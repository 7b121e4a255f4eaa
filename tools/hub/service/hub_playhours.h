/* hub_playhours.h — the hourly play summary per screen (stored per screen and UTC day in table play_days) that batches add to and reports read. */
#ifndef SL_HUB_PLAYHOURS_H
#define SL_HUB_PLAYHOURS_H

#include "content/record.h"
#include "tools/hub/store/store.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * What a stored play adds to its screen's summary (REPORTS.md):
 * - a play with a known time (synced, corrected, simulated) and not
 *   failed: one play of its item in the UTC hour it started in (plays,
 *   corrected_plays, the item's count), and, when it is lit (its zone is
 *   the main zone), the time it covers as lit_ms split over the hours it
 *   spans — lit records overlap (a ticker's slogan still crosses the strip
 *   while the next enters), so lit_ms is the time covered by the union of
 *   the lit records, not the sum of their durations: a batch's lit records
 *   are merged with each other and with the lit records already stored
 *   within SL_PH_NEAR_SEQ sequence numbers of the batch's (the time already
 *   counted for those is not counted again);
 * - an untrusted play that was not failed: one untrusted play (and its
 *   duration as untrusted_ms when lit) in the hour the hub received it,
 *   since its own time is not known;
 * - a failed play: nothing (the fallback was on the screen, not the
 *   campaign).
 * Item counts are kept as text, "item=count" pairs joined by ';', in no
 * order. A screen's day is stored as one text (table play_days): a header
 * "#name;name;…" naming the day's items once, then a line per UTC hour that
 * has anything, "H\tlit_ms\tuntrusted_ms\tplays\tuntrusted_plays\t
 * corrected_plays\tindex=count;…", H from 0 and index into the header's
 * names (a day's item counts would otherwise repeat each name every
 * hour); its minutes online (table online_days)
 * as "H=minutes" pairs joined by ';'. One row per screen and day keeps a
 * month's report to a tenth of the rows an hourly table would need.
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

/* A lit record's time [start, end) (or a stored neighbour's). */
typedef struct {
    int64_t start, end, seq;
    char zone[SL_RECORD_ID_MAX + 1];
} sl_ph_span;

/* How far (in sequence numbers) stored records are looked at for overlaps
 * with a batch's lit records. */
#define SL_PH_NEAR_SEQ 256

/* The hours one batch touches; its lit records' spans until settled, and
 * the stored neighbours they may overlap. */
typedef struct {
    sl_ph_hour *h;
    size_t n, cap;
    sl_ph_span *lit, *seed;
    size_t n_lit, cap_lit, n_seed, cap_seed;
} sl_ph_batch;

void sl_ph_batch_init(sl_ph_batch *b);
/* Frees the hours; NULL and an initialised empty batch are fine. */
void sl_ph_batch_free(sl_ph_batch *b);
/* Adds one stored record (a lit one's time waits for sl_ph_batch_settle).
 * 0, or -1 when out of memory. */
int sl_ph_batch_add(sl_ph_batch *b, const sl_play_record *r, bool lit, int64_t received_ms);
/* The sequence numbers whose stored records may overlap the batch's lit
 * ones (the batch's own ± SL_PH_NEAR_SEQ); false when nothing is lit. */
bool sl_ph_batch_near(const sl_ph_batch *b, int64_t *seq_lo, int64_t *seq_hi);
/* A stored record near the batch (see sl_ph_batch_near): kept when it was
 * counted as lit time (a known time, not failed, in a zone of the batch's
 * lit records) and is not one of the batch's own. 0, or -1 when out of memory. */
int sl_ph_batch_seed(sl_ph_batch *b, const sl_play_record *r);
/* Adds the lit time the batch's records cover and the stored ones did not
 * to the hours' lit_ms. 0, or -1 when out of memory. */
int sl_ph_batch_settle(sl_ph_batch *b);

/* Adds a stored row's item text to h's counts. 0, or -1 when out of memory
 * (malformed lines are skipped). */
int sl_ph_hour_add_items(sl_ph_hour *h, const char *items_text);
/* h's item counts as text (malloc'd, "" when none), or NULL when out of memory. */
char *sl_ph_items_text(const sl_ph_hour *h);

/* Calls cb for each "item\tcount" line of items_text (item not
 * NUL-terminated: len bytes); stops when cb returns non-zero. */
void sl_ph_items_each(const char *items_text, int (*cb)(void *ud, const char *item, size_t len, int64_t plays),
                      void *ud);

/* The day text for day_ms (UTC midnight): stored (NULL or "" = none) plus
 * the batch's hours of that day. *out is malloc'd. 0, or -1 when out of
 * memory (malformed stored lines are dropped). */
int sl_ph_day_merge(const char *stored, const sl_ph_batch *b, int64_t day_ms, char **out);
/* Calls cb for each hour of a day text with from_ms <= hour < to_ms; stops
 * and returns cb's value when it is not 0; -1 when out of memory. */
int sl_ph_day_each(const char *screen, const char *text, int64_t day_ms, int64_t from_ms, int64_t to_ms,
                   int (*cb)(void *ud, const sl_hub_play_hour *h), void *ud);
/* The distinct UTC days (midnights) of a batch's hours, at most cap; how many. */
size_t sl_ph_batch_days(const sl_ph_batch *b, int64_t *days, size_t cap);

/* A day's minutes online with one more minute in UTC hour `hour` (at most
 * 60); malloc'd, NULL when out of memory. */
char *sl_ph_online_add(const char *stored, int hour);
/* Calls cb for each hour of a day's minutes with from_ms <= hour < to_ms. */
int sl_ph_online_each(const char *screen, const char *text, int64_t day_ms, int64_t from_ms, int64_t to_ms,
                      int (*cb)(void *ud, const char *screen, int64_t hour_ms, int minutes), void *ud);

#endif
