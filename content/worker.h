/* worker.h — a background thread that runs one step at a time and waits between steps: kick, backoff with jitter, stop. */
#ifndef SL_WORKER_H
#define SL_WORKER_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

/* The longest run of failures a backoff counts (2^30 times the base is past
 * any cap). */
#define SL_WORKER_FAILURES_MAX 30

typedef struct sl_worker sl_worker;

/* One round of the owner's job, run on the worker's thread. Returns how long
 * to wait before the next round, in seconds; 0 or less runs the next round at
 * once (a pending kick then stays pending). *kickable starts true: set it to
 * false when a kick must not shorten this wait (a wait the server asked for,
 * a backoff after a server that did not answer). */
typedef double (*sl_worker_step)(void *arg, bool *kickable);

/* What the owner can read of its worker at any time. */
typedef struct sl_worker_status {
    bool running;       /* the thread was started and has not been stopped */
    bool waiting;       /* between two rounds */
    uint64_t rounds;    /* steps run so far */
    double last_wait_s; /* what the last step asked to wait */
} sl_worker_status;

/* A worker not started yet: its stop flag can be handed to code that the step
 * runs (e.g. libcurl transfers that give up when it is set). NULL when out of
 * memory. */
sl_worker *sl_worker_new(void);

/* Starts the thread: step(arg, ...), wait, step, ... until stopped. Returns 0,
 * or -1 when no thread could be started (or it was started before). */
int sl_worker_start(sl_worker *w, sl_worker_step step, void *arg);

/* Wakes the worker now: a kickable wait ends at once; a kick while a step runs
 * ends the wait after it. Any thread may kick. */
void sl_worker_kick(sl_worker *w);

/* The stop flag: set once sl_worker_stop began. Steps look at it between long
 * pieces of work. */
bool sl_worker_stopping(const sl_worker *w);
const atomic_bool *sl_worker_stop_flag(const sl_worker *w);

void sl_worker_get_status(sl_worker *w, sl_worker_status *out);

/* Sets the stop flag, ends any wait and joins the thread (a step under way is
 * finished first). Safe to call twice, and on a worker never started. */
void sl_worker_stop(sl_worker *w);

/* Stops the worker if needed and frees it. Accepts NULL. */
void sl_worker_free(sl_worker *w);

/* ---- Waits between rounds (call them from the step, on the worker's thread). ---- */

/* Exponential backoff: after a failure *failures grows by one (up to
 * SL_WORKER_FAILURES_MAX) and the wait is base_s doubled for every failure
 * after the first, capped at max_s; after a success *failures is reset and
 * the wait is base_s. No jitter. */
double sl_worker_backoff(int *failures, bool failed, double base_s, double max_s);

/* sec spread by random jitter: between 0.9 and 1.1 times sec. */
double sl_worker_jitter(sl_worker *w, double sec);

/* A server's Retry-After (*asked_s seconds, 0 when it asked nothing) against
 * the wait the worker chose: the ask, spread over half as long again so that
 * the clients it turned away do not all come back at once, wins when it is
 * longer, capped at cap_s; *asked is then set (left alone otherwise; may be
 * NULL). *asked_s is reset to 0. */
double sl_worker_retry_after(sl_worker *w, double wait_s, double *asked_s, double cap_s, bool *asked);

#endif
