/* managed.h — a managed screen around the engine: identity, the synced manifest, uploads, heartbeats, screenshots. */
#ifndef SL_MANAGED_H
#define SL_MANAGED_H

#include "content/keys.h"
#include "player/managed/device.h"
#include "player/engine.h"
#include "player/managed/heartbeat.h"
#include "player/options.h"
#include "player/managed/sync.h"
#include "player/managed/uploader.h"

#include <stdbool.h>

typedef struct {
    const sl_options *opt;
    sl_log log;
    char state_dir[1024];
    char media_dir[1100];
    bool enrolled;
    sl_device dev;
    sl_keyset keys;
    sl_sync *sync;
    sl_uploader *uploader;
    sl_heartbeat *heartbeat;
    int64_t shown_version;
    int shot_turn; /* which of the two screenshot files to write next */
    int64_t shot_next_ms; /* when the next periodic screenshot is due (clock in use); INT64_MIN = at once */
    bool usb_on_tick;    /* simulated clock: the tick asks the sync thread to look at the stick */
    int64_t usb_next_ms; /* when it asks next (clock ms) */
} sl_managed;

/* Whether these settings make a managed screen (a hub, an enrolment code or
 * file, a USB path, or an existing STATE/device.json). */
bool sl_managed_wanted(const sl_options *opt, const char *state_dir);

/* Enrols when asked (--enroll CODE with --hub, or the boot-partition file),
 * loads the identity and the pinned keys. Returns 0 (m->enrolled says
 * whether this screen has an identity) or -1 with err on a hard error. */
int sl_managed_prepare(sl_managed *m, const sl_options *opt, const char *state_dir, char *err,
                       size_t errlen);

/* What to show first: the verified current manifest (with *media_dir set),
 * else a built-in screen saying what the screen waits for. Never NULL unless
 * out of memory. */
sl_playlist *sl_managed_initial(sl_managed *m, const char **media_dir);

/* The verified current manifest (from the hub or a USB bundle) with
 * *media_dir set, or NULL when there is none (or no hub and no USB path). */
sl_playlist *sl_managed_current(sl_managed *m, const char **media_dir);

/* Starts the sync thread (enrolled screens, and screens with a USB path),
 * and for enrolled screens the uploader and heartbeat threads. A screen
 * without a hub keeps its plays in the journal (screenlit-player
 * --export-records). */
int sl_managed_start(sl_managed *m, sl_engine *e, char *err, size_t errlen);

/* The engine's tick: swaps to a newly synced manifest, reports what plays,
 * answers screenshot requests. */
void sl_managed_tick(sl_engine *e, int64_t now, void *ud);

/* At exit: lets the uploader send what the journal holds, for at most
 * timeout_ms (what is not sent stays in the journal for the next start). */
void sl_managed_drain(sl_managed *m, int timeout_ms);

void sl_managed_stop(sl_managed *m); /* NULL is fine */

#endif
