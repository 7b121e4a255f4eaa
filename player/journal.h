/* journal.h — the player's durable play journal (SQLite, WAL, synchronous=FULL). */
#ifndef SL_JOURNAL_H
#define SL_JOURNAL_H

#include "content/record.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct sl_journal sl_journal;

/* Opens or creates the journal file (parent folder must exist). Checks the
 * database's integrity on open (quick_check); a corrupt file is moved aside to
 * FILE.corrupt-<time> and a new one started, with a message in err but a
 * valid journal returned. Returns NULL with err when it cannot open at all. */
sl_journal *sl_journal_open(const char *path, char *err, size_t errlen);

/* Appends one record durably: when it returns 0 the record survives kill -9
 * and power loss. Assigns rec->seq (the next per-journal sequence number,
 * from 1, never reused). Returns -1 with err (disk full …): the caller keeps
 * playing and retries later. */
int sl_journal_append(sl_journal *j, sl_play_record *rec, char *err, size_t errlen);

/* Plays per item, for the summary printed on exit: calls cb for each item id
 * with its count and total milliseconds, ordered by item id. */
typedef void (*sl_journal_count_cb)(void *ud, const char *item, int64_t plays, int64_t total_ms);
int sl_journal_counts(sl_journal *j, sl_journal_count_cb cb, void *ud);

/* Records not yet acknowledged by the hub, oldest first, at most max. */
int sl_journal_pending(sl_journal *j, sl_play_record *out, size_t max, size_t *n);
/* Marks every record with seq <= acked as acknowledged and deletes them. */
int sl_journal_ack(sl_journal *j, int64_t acked_seq);
/* Number of records not yet acknowledged. */
int64_t sl_journal_pending_count(sl_journal *j);

void sl_journal_close(sl_journal *j); /* NULL is fine */

#endif
