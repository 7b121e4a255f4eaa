/* recorder.h — hands finished plays to the journal on a writer thread, so the render loop never waits on disk. */
#ifndef SL_RECORDER_H
#define SL_RECORDER_H

#include "content/log.h"
#include "content/record.h"
#include "player/journal.h"

#include <stdbool.h>
#include <stdint.h>

#define SL_RECORDER_QUEUE_MAX 4096 /* plays held in memory while the disk is slow or full */

typedef struct sl_recorder sl_recorder;

/* Starts the writer thread over an open journal (which it does not own).
 * log may be NULL. Returns NULL with err. */
sl_recorder *sl_recorder_new(sl_journal *j, const sl_log *log, char *err, size_t errlen);

/* Queues a record (copied). Never blocks on disk. A failed append (disk full
 * …) is retried every second, oldest first, until it succeeds. Only when
 * SL_RECORDER_QUEUE_MAX records are waiting is a record refused: it is then
 * counted in sl_recorder_lost and logged, never dropped silently. */
void sl_recorder_submit(sl_recorder *r, const sl_play_record *rec);

/* Waits until every queued record is in the journal or the writer is failing
 * (then returns -1). */
int sl_recorder_flush(sl_recorder *r);

/* Records that could not be queued, and appends that failed (retried). */
int64_t sl_recorder_lost(sl_recorder *r);
int64_t sl_recorder_failures(sl_recorder *r);

/* Writes what is queued (trying for at most a few seconds), stops the thread
 * and frees; NULL is fine. */
void sl_recorder_free(sl_recorder *r);

#endif
