/* uploader.h — the uploader thread: sends journal records to the hub in batches; a record leaves only once acked. */
#ifndef SL_UPLOADER_H
#define SL_UPLOADER_H

#include "content/log.h"
#include "player/managed/clock.h"
#include "player/managed/device.h"
#include "player/journal.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The thread reads the oldest unacknowledged records (sl_journal_pending),
 * posts them to POST /api/v1/plays and calls sl_journal_ack with exactly the
 * acked_seq the hub returned — nothing else ever removes a record. While the
 * hub does not answer (or answers 5xx), the wait doubles up to backoff_max_s.
 * A batch the hub refuses (400, 401, 403, 413) is kept and retried with the
 * longest backoff, and the reason is in the status: records are never dropped.
 *
 * Journal started over: the first exchange with the hub is an empty batch,
 * whose reply gives the hub's acked_seq for the screen. When it is above
 * every seq the journal has ever assigned, the journal was started over
 * (corruption, a new SD card): the uploader raises the journal's seq above
 * it (sl_journal_raise_seq) and re-appends any pending record whose seq the
 * hub already holds, so that it gets a fresh seq instead of being taken for a
 * duplicate; then the old copies are acknowledged with that acked_seq. The
 * same check runs on every reply.
 *
 * Clock corrections (when cfg->clock is given): every reply's Date header
 * teaches the clock the hub's time (sl_clock_learn_hub). Before each batch,
 * once the true time is known (the hub's, or NTP's), the untrusted records
 * of this boot are rewritten in the journal with their true start
 * (sl_journal_correct: monotonic anchor + true-time anchor) and marked
 * corrected; so are, in the batch, any appended since. Nothing is sent
 * before the first answer from the hub — the empty first batch, whose reply
 * carries the Date — so an untrusted record of this boot is held at most
 * until that first contact; what still cannot be corrected then (no Date, no
 * NTP) is sent untrusted, as are records of an earlier boot (their monotonic
 * times mean nothing now). Seqs, order and acknowledgements are unchanged.
 */
typedef struct {
    const sl_device *device; /* required (copied) */
    sl_journal *journal;     /* required; shared with the writer (the journal locks itself) */
    size_t batch;            /* records per request; 0 = 500, at most 1000 */
    double idle_s;           /* when the journal is empty, look again after this; 0 = 5 */
    double backoff_max_s;    /* 0 = 600 */
    const sl_log *log;       /* may be NULL */
    sl_clock *clock;         /* may be NULL: no corrections (the engine's clock; see clock.h for threads) */
} sl_uploader_config;

typedef struct {
    int64_t hub_acked_seq;   /* the hub's last acked_seq; -1 before the first reply */
    int64_t pending;         /* records waiting in the journal (at the last look) */
    int64_t uploaded;        /* records the hub stored new since start */
    int64_t duplicates;      /* records the hub already held */
    int64_t renumbered;      /* records re-appended after a journal start-over */
    int64_t corrected;       /* records whose untrusted time was corrected before sending */
    bool hub_answered;
    char problem[256];       /* "" when none */
} sl_uploader_status;

typedef struct sl_uploader sl_uploader;

sl_uploader *sl_uploader_start(const sl_uploader_config *cfg, char *err, size_t errlen);
/* Records were appended: look now instead of at the next idle tick. */
void sl_uploader_kick(sl_uploader *u);
void sl_uploader_get_status(sl_uploader *u, sl_uploader_status *out);
/* Stops the thread (an upload in flight is aborted within about a second;
 * its records stay in the journal) and frees; NULL is fine. */
void sl_uploader_stop(sl_uploader *u);

#endif
