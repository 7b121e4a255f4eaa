/* stopsig.h — SIGTERM and SIGINT as a request to stop: the run loop ends, records are written and the summary printed. */
#ifndef SL_STOPSIG_H
#define SL_STOPSIG_H

#include <stdbool.h>

/* Blocks SIGTERM and SIGINT in the calling thread and every thread it starts
 * afterwards (call first in main), so they stay pending until the run loop
 * asks. Returns 0, or -1 when the mask cannot be set. */
int sl_stopsig_block(void);

/* Takes a pending SIGTERM or SIGINT without waiting: true when one was sent
 * (its number in *sig when sig is not NULL). */
bool sl_stopsig_pending(int *sig);

#endif
