/* export.h — offline proof of play: the journal's unacknowledged plays as files for `screenlit records import`. */
#ifndef SL_EXPORT_H
#define SL_EXPORT_H

#include "player/journal.h"
#include "player/options.h"

#include <stddef.h>
#include <stdint.h>

/* Records per file: the hub's cap on one batch. Files hold the seqs of one
 * window [k*1000+1, (k+1)*1000], so that exporting again rewrites the same
 * full files and replaces only the last, partial one. */
#define SL_EXPORT_BATCH 1000

/* Called for each file written. */
typedef void (*sl_export_cb)(void *ud, const char *path, const char *screen, size_t n, int64_t first_seq,
                             int64_t last_seq);

/*
 * Writes every record of j not yet acknowledged by the hub into
 * DIR/records/<screen>-<first seq>-<last seq>.json (the folder is created),
 * each file exactly the body of a POST /api/v1/plays: {"screen": ID,
 * "records": [...]} with the records as the uploader sends them. `screen`
 * (may be NULL) is written instead of each record's own screen id (an
 * enrolled screen's identity, as the uploader would use). Files are written
 * atomically; a file of an earlier export whose seqs all lie within this
 * export's, for the same screen, is deleted (this export repeats them).
 * Nothing leaves the journal. *records and *files (may be NULL) get the
 * totals. Returns 0, or -1 with err.
 */
int sl_export_records(sl_journal *j, const char *dir, const char *screen, sl_export_cb cb, void *ud,
                      int64_t *records, size_t *files, char *err, size_t errlen);

/* `screenlit-player --export-records DIR`: opens the journal of the state
 * folder (or --journal), exports, prints what was written. Returns the exit
 * status (0 written or nothing to write, 1 failure). */
int sl_export_main(const sl_options *opt);

#endif
