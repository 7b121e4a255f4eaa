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
/* Marks every record with seq <= acked as acknowledged and deletes them.
 * An acked_seq above sl_journal_last_seq is refused (-1, nothing deleted): it
 * means the hub and the journal disagree (e.g. a journal started over), and
 * deleting would lose plays that were never uploaded. acked_seq <= 0: no-op. */
int sl_journal_ack(sl_journal *j, int64_t acked_seq);
/* Number of records not yet acknowledged. */
int64_t sl_journal_pending_count(sl_journal *j);

void sl_journal_close(sl_journal *j); /* NULL is fine */

/* ---- Added with journal.c (additive; the functions above are unchanged). ----
 *
 * Threads: every function may be called from any thread; calls on one journal
 * are serialised by a lock inside it. A sl_journal_counts callback must not
 * call back into the same journal (the call would fail with -1).
 *
 * Return values: the int functions above return 0 or -1; on -1 (and when
 * sl_journal_pending_count returns -1) the reason is in sl_journal_errmsg. */

/* The message of the last failed call on j ("" when none; a fixed text when j
 * is NULL). Valid until the next call on j. */
const char *sl_journal_errmsg(const sl_journal *j);

/* The highest seq ever assigned by this journal (0 when none), acknowledged
 * or not; -1 on error. */
int64_t sl_journal_last_seq(sl_journal *j);

/* Makes every later seq greater than floor_seq (no effect when they already
 * are). For a journal started over after corruption: seqs restart from 1 there,
 * and the hub, which keys plays by (screen, seq), would take them for
 * duplicates; the uploader calls this with the highest seq the hub holds for
 * the screen. Returns 0 or -1. */
int sl_journal_raise_seq(sl_journal *j, int64_t floor_seq);

/* ---- Clock corrections (schema 2). ----
 *
 * Each record remembers the boot it was appended in (the kernel's boot id,
 * /proc/sys/kernel/random/boot_id; a local column, not part of the record
 * sent to the hub). Its mono_start_ms is the monotonic clock of that boot,
 * so once the player knows the true time as an anchor (true UTC = monotonic
 * ms + anchor_ms, see player/managed/clock.h) the records of this boot made with an
 * untrusted clock can be given their true start. Records of another boot
 * cannot, and stay untrusted. */
#define SL_JOURNAL_BOOT_MAX 64

/* Rewrites, in one transaction, every record of this boot whose clock_trust
 * is SL_CLOCK_UNTRUSTED: start_ms = mono_start_ms + anchor_ms and clock_trust
 * = SL_CLOCK_CORRECTED. Nothing else changes (seq, item totals). *corrected
 * (may be NULL) gets the number of records rewritten. Returns 0 or -1. */
int sl_journal_correct(sl_journal *j, int64_t anchor_ms, int64_t *corrected);

/* sl_journal_pending, and this_boot[i] (this_boot may be NULL) says whether
 * out[i] was appended in this boot. */
int sl_journal_pending_boot(sl_journal *j, sl_play_record *out, bool *this_boot, size_t max, size_t *n);

/* sl_journal_append, for a copy of a record (renumbering): this_boot false
 * marks it as of an unknown boot, never corrected. sl_journal_append is
 * sl_journal_append_as(j, rec, true, …). */
int sl_journal_append_as(sl_journal *j, sl_play_record *rec, bool this_boot, char *err, size_t errlen);

/* This boot's id as the journal stamps it ("" for NULL). */
const char *sl_journal_boot_id(const sl_journal *j);
/* TEST ONLY: stamps later appends with another boot id (1..SL_JOURNAL_BOOT_MAX
 * characters), as if the board had rebooted. Returns 0 or -1. */
int sl_journal_set_boot_id(sl_journal *j, const char *boot_id);

/* TEST ONLY: caps the database at max_pages pages (PRAGMA max_page_count) so
 * that tests can make appends fail with SQLITE_FULL as on a full disk. A cap
 * below the current size is raised by SQLite to the current size. Returns the
 * cap now in force, or -1. */
int64_t sl_journal_test_max_pages(sl_journal *j, int64_t max_pages);


/* ---- Export (player/managed/export.c): every unacknowledged record, page by page. ---- */

/* Like sl_journal_pending, but only records with seq > after_seq: the oldest
 * of those first, at most max. Returns 0 or -1. */
int sl_journal_pending_after(sl_journal *j, int64_t after_seq, sl_play_record *out, size_t max, size_t *n);

#endif
