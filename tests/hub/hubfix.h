/* hubfix.h — what the hub's coverage and console tests set up on a real SQLite store: a hub in a scratch folder with a published channel, inventory rows, enrolled screens, plays. */
#ifndef SL_HUBFIX_H
#define SL_HUBFIX_H

#include "content/record.h"
#include "tools/hub/hub.h"

#include <stddef.h>
#include <stdint.h>

/* Opens a hub in a new scratch folder /tmp/PREFIX-XXXXXX (its path into dir)
 * with channel "bank" at version 1: zones "big" (the main zone) and
 * "ticker", items poster-app and poster-other in big and slogan in the
 * ticker, poster-app at least 6 times an hour from 08:30 to 17:30 (Asia/Shanghai).
 * 0, or -1 with a message on standard error. */
int sl_hubfix_open(sl_hub *hub, char *dir, size_t cap, const char *prefix);
/* Closes the hub and removes its folder. */
void sl_hubfix_close(sl_hub *hub, const char *dir);

/* An inventory row of channel bank in Asia/Shanghai (name NULL: "屏幕 ID";
 * the site is the name). */
void sl_hubfix_screen(sl_store *st, const char *id, const char *name, const char *region, const char *unit,
                      const char *hours);
/* Enrols a screen with a code made of n (a different n for each screen). */
void sl_hubfix_enrol(sl_store *st, const char *id, uint8_t n);

/* Back-to-back 10 s plays of manifest version 1 in `zone` from a to b (UTC
 * ms), stored as the screen's batches: every `every`-th is poster-app, the
 * rest poster-other (or slogan in the ticker). *seq is the screen's last
 * seq, counted on. */
void sl_hubfix_plays(sl_hub *hub, int64_t *seq, const char *screen, const char *zone, int64_t a, int64_t b,
                     int every, sl_clock_trust trust);

#endif
