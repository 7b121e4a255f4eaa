/* heartbeat.h — the heartbeat thread: tells the hub every minute what the screen shows; learns the hub's clock; screenshots. */
#ifndef SL_HEARTBEAT_H
#define SL_HEARTBEAT_H

#include "content/log.h"
#include "content/record.h"
#include "player/managed/clock.h"
#include "player/managed/device.h"
#include "player/managed/sync.h"
#include "player/managed/uploader.h"

#include <SDL2/SDL.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Every interval_s (default 60 s, ±10 % jitter) the thread posts
 * POST /api/v1/heartbeat with: content_version and current_item (what the
 * engine said last, through sl_heartbeat_set_playing), uptime_s (monotonic
 * clock), free_disk_bytes (of the state folder), clock_offset_ms (the hub's
 * Date header minus the local clock when the reply arrived; Date has 1 s
 * resolution, so ±1 s; with cfg->clock, minus the board's clock, so a board
 * at 1970 reports how far off it is), clock_trust (with cfg->clock, the
 * clock's trust when the heartbeat leaves, sl_clock_trust_now: synced once
 * NTP or the hub gave the true time; otherwise what the engine said last,
 * through sl_heartbeat_set_clock_trust), player_version, and problems: those of the
 * sync thread and the uploader (when given) and the engine's own
 * (sl_heartbeat_set_problem).
 *
 * Every reply's Date header also teaches cfg->clock the hub's time
 * (sl_clock_learn_hub); when that makes an untrusted clock trusted, the next
 * heartbeat leaves at once, so the hub sees the new state without waiting a
 * whole interval.
 *
 * A reply with "screenshot_requested": true sets a flag the engine reads with
 * sl_heartbeat_take_screenshot_request; the engine reads back the frame
 * shown and hands it to sl_heartbeat_upload_frame, which returns at once: the
 * thread encodes it as PNG (the file written, write-temp + rename) and PUTs it
 * to /api/v1/screenshot, so the render loop never waits for the encoding
 * (about 0.1 s of CPU for 1920x1080). sl_heartbeat_upload_screenshot sends a
 * file already written.
 */
typedef struct {
    const sl_device *device;   /* required (copied) */
    const char *state_dir;     /* for free_disk_bytes; may be NULL */
    sl_sync *sync;             /* may be NULL: its problems and version are reported */
    sl_uploader *uploader;     /* may be NULL: its problem is reported */
    double interval_s;         /* 0 = 60 */
    const sl_log *log;         /* may be NULL */
    sl_clock *clock;           /* may be NULL (the engine's clock; see clock.h for threads) */
    /* Tests: called on the heartbeat thread just before a frame is encoded. */
    void (*before_encode)(void *arg);
    void *before_encode_arg;
} sl_heartbeat_config;

typedef struct {
    int64_t sent;              /* heartbeats the hub accepted */
    bool have_clock;           /* a Date header was seen */
    int64_t clock_offset_ms;   /* hub minus the board's clock, at the last reply */
    int64_t clock_learned_mono_ms; /* monotonic ms when it was learned */
    int64_t screenshots_uploaded;
    int64_t screenshots_encoded;    /* frames written as PNG on the thread */
    int64_t last_encode_cpu_us;     /* the thread's CPU time for the last one */
    char problem[256];         /* the heartbeat's own ("" when none) */
} sl_heartbeat_status;

typedef struct sl_heartbeat sl_heartbeat;

sl_heartbeat *sl_heartbeat_start(const sl_heartbeat_config *cfg, char *err, size_t errlen);

/* What the engine shows now (item id may be NULL). Thread-safe, non-blocking. */
void sl_heartbeat_set_playing(sl_heartbeat *hb, int64_t content_version, const char *item);
void sl_heartbeat_set_clock_trust(sl_heartbeat *hb, sl_clock_trust trust);
/* A problem of the engine's own, reported until cleared with NULL or "". */
void sl_heartbeat_set_problem(sl_heartbeat *hb, const char *text);

/* True once after the hub asked for a screenshot. */
bool sl_heartbeat_take_screenshot_request(sl_heartbeat *hb);
/* Queues a PNG/JPEG file for upload (the path is copied; the file is read by
 * the thread, and left in place). Non-blocking. Returns 0, or -1 when no
 * memory (a queued one not yet sent is replaced). */
int sl_heartbeat_upload_screenshot(sl_heartbeat *hb, const char *path);

/* Queues a frame read back (sl_vo_read_frame; taken over, freed by the
 * thread) to be written as a PNG at path on the heartbeat thread and sent.
 * Non-blocking: a queued one not yet encoded is replaced. Returns 0, or -1
 * (frame freed) when no memory or no hb. */
int sl_heartbeat_upload_frame(sl_heartbeat *hb, SDL_Surface *frame, const char *path);

/* Sends a heartbeat now. */
void sl_heartbeat_now(sl_heartbeat *hb);

void sl_heartbeat_get_status(sl_heartbeat *hb, sl_heartbeat_status *out);
void sl_heartbeat_stop(sl_heartbeat *hb); /* NULL is fine */

#endif
