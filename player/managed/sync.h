/* sync.h — the sync thread: polls the hub for the signed manifest, fetches media by SHA-256, switches atomically. */
#ifndef SL_SYNC_H
#define SL_SYNC_H

#include "content/keys.h"
#include "content/log.h"
#include "content/playlist.h"
#include "player/managed/clock.h"
#include "player/managed/device.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Files, under the state folder:
 *   STATE/current.manifest      the signed envelope now in force; replaced only
 *                               by write-temp, fsync, rename, fsync folder, and
 *                               only once every media file it names is on disk
 *                               and verified. A crash at any moment leaves the
 *                               previous one (and its media) in place.
 *   STATE/media/<sha256>        verified media (renamed into place after the
 *                               SHA-256 and size are checked; never partial)
 *   STATE/media/<sha256>.part   a download in progress, resumed with Range
 *
 * Polling: GET /api/v1/manifest with If-None-Match every `poll_s` seconds
 * (±10 % jitter). Urgent alerts: an alert is a published manifest like any
 * other, so it arrives with the next poll; with `alert_poll_s` > 0 the thread
 * polls that often instead (a 304 costs the hub one store lookup and ~200
 * bytes), so an alert is on screen within alert_poll_s + download time.
 * Default 5 s: 10 000 screens then cost the hub ~2 000 304s a second; large
 * fleets set alert-poll to 15–30 s, or 0 to poll every poll_s only.
 * While the hub does not answer (or answers 5xx), the wait doubles from the
 * poll interval up to backoff_max_s (default 600 s), with jitter.
 *
 * Channels: a manifest is bound to its channel (the signed payload's
 * "channel"). The screen takes only manifests of its own channel: with a hub,
 * the channel the hub assigns (enrolment's reply, then the Screenlit-Channel
 * header of every manifest reply; a change is recorded in STATE/device.json
 * before the manifest that came with it is looked at); without one,
 * cfg->channel (the player's `channel` setting, default "usb"). Versions are
 * compared within a channel: STATE/floors.json ({"bank-lobby": 5, …},
 * written by write-temp, fsync, rename after each switch) keeps the highest
 * version switched to on each channel; the current manifest's version counts
 * too (a crash between the two writes). A manifest of the screen's channel is
 * taken when its version is above the current one (same channel as the one
 * in force) or at least that channel's floor (back on a channel played
 * before); another channel's manifest is refused ("manifest for channel
 * station-hall refused: this screen plays bank-lobby") and raises no floor.
 * What protects a channel change: the hub's reply. Over TLS it is authentic.
 * Over plain HTTP an on-path attacker can forge the header and so claim a
 * change, but can only make the screen play another real channel's content
 * signed by a pinned key (never its own), and the screen's own channel comes
 * back when the true hub answers the next poll.
 *
 * A manifest is refused — logged, listed in the status' problems, and the old
 * content kept — when its signature does not verify against the pinned keys,
 * when it does not parse, when it is for another channel, when its version is
 * not above the current one (below its channel's floor), when
 * its media total passes disk_limit_bytes ("does not fit"), or when one of its
 * media files fails its SHA-256 or size check. A manifest refused for its
 * version or its size is not fetched again until the hub's ETag changes; one
 * that does not verify or parse may have been damaged on the way, so it is
 * fetched again whole after poll_s, then less and less often (doubling up to
 * backoff_max_s) while it keeps failing. Media failures are retried with
 * backoff, which does not grow while each round gets further (a file
 * verified, or a cut-short download resumed). Missing bytes beyond the free space of the disk are reported as
 * "disk full" and retried at the next poll.
 *
 * Media not referenced by the current manifest (or by the one being
 * downloaded) are deleted once the engine has taken the new manifest
 * (sl_sync_take_ready) — never while it may still be opening the old files.
 *
 * USB bundles (player/managed/usb.h): with usb_path, the thread also looks at
 * USB_PATH/manifest.json every usb_poll_s seconds (with or without a hub).
 * A new one goes through the same checks as a hub manifest (signature,
 * version, disk limit); its media are copied from USB_PATH/media/<sha256>
 * into STATE/media/<sha256>.part, checked by SHA-256 and size, renamed into
 * place, and the switch is the same. A bundle with a missing or wrong media
 * file is refused as a whole ("USB bundle 7 refused: media 3fa…: …") and not
 * read again until its manifest.json changes or the stick is plugged in
 * again; a copy cut short by pulling the stick out is forgotten. A bundle for
 * another channel is refused like a hub manifest ("USB bundle for channel usb
 * refused: this screen plays bank-lobby"). Versions compare across both
 * sources within the channel: a hub manifest below a bundle's version is
 * refused, and the other way round.
 */

typedef struct {
    const char *state_dir;      /* required */
    const sl_device *device;    /* required: hub URL and device token (copied) */
    const sl_keyset *pinned;    /* required: the publisher keys (copied) */
    const char *media_url;      /* base URL serving /media/<sha256>; NULL = the hub's */
    const char *zoneinfo_dir;   /* NULL = the system's */
    double poll_s;              /* 0 = 60 */
    double alert_poll_s;        /* 0 = no alert poll; negative = the default 5 s */
    double backoff_max_s;       /* 0 = 600 */
    int64_t disk_limit_bytes;   /* media total allowed; 0 = no limit but the disk's */
    const sl_log *log;          /* may be NULL */
    const char *usb_path;       /* a folder that may hold a USB bundle; NULL = none. With it,
                                   device may be NULL (a screen with no hub) */
    double usb_poll_s;          /* how often to look there; 0 = 5; negative = only when
                                   sl_sync_usb_check asks (the simulated clock) */
    sl_clock *clock;            /* may be NULL: the Date of each hub reply teaches it the true
                                   time (sl_clock_learn_hub), like the uploader's and heartbeat's */
    const char *channel;        /* the channel of a screen with no hub (device NULL); with a hub,
                                   device->channel and then what the hub says are used */
} sl_sync_config;

#define SL_SYNC_PROBLEM_MAX 256
#define SL_USB_CHANNEL_DEFAULT "usb" /* a screen without a hub and no `channel` setting; screenlit bundle's default */

/* What the heartbeat reports. Problems are "" when there is none. */
typedef struct {
    int64_t current_version;      /* 0 when no manifest yet */
    char current_channel[SL_DEVICE_ID_MAX + 1]; /* the channel of the manifest in force; "" when none */
    char channel[SL_DEVICE_ID_MAX + 1];         /* the channel the screen takes manifests of */
    int64_t pending_version;      /* being downloaded; 0 when none */
    int64_t pending_bytes_done, pending_bytes_total;
    bool hub_answered;            /* the last request got an HTTP answer */
    int64_t last_answer_mono_ms;  /* monotonic ms of the last answer; 0 = never */
    int64_t polls, not_modified, switches; /* counters since start */
    int64_t fetched_bytes;        /* media bytes downloaded since start */
    char refused[SL_SYNC_PROBLEM_MAX];   /* "manifest 7 refused: signed by a key that is not pinned" */
    char media[SL_SYNC_PROBLEM_MAX];     /* "media 3fa…: SHA-256 does not match" */
    char disk[SL_SYNC_PROBLEM_MAX];      /* "manifest 7 does not fit: …", "disk full …" */
    char hub[SL_SYNC_PROBLEM_MAX];       /* "hub not answering: …", "device token refused" */
    bool device_revoked;          /* the hub said this screen's device token was taken away
                                     (sl_device_revoked_reply); polling has stopped */
} sl_sync_status;

typedef struct sl_sync sl_sync;

/* Loads STATE/current.manifest (verifying it again against the pinned keys)
 * and checks that its media are present. Returns the playlist (with
 * *version set) or NULL with err when there is none or it is not usable. For
 * the engine at boot; sl_sync_start reads the same file itself. */
sl_playlist *sl_sync_load_current(const char *state_dir, const sl_keyset *pinned, const char *zoneinfo_dir,
                                  char *err, size_t errlen);

/* The path of a media file in the store ("STATE/media/<sha256>"), malloc'd. */
char *sl_sync_media_path(const char *state_dir, const char *sha256);

/* Starts the thread. Returns NULL with err on a bad config or no memory. */
sl_sync *sl_sync_start(const sl_sync_config *cfg, char *err, size_t errlen);

/* Non-blocking. When the thread has switched to a new manifest since the
 * last call, returns the malloc'd path of STATE/current.manifest (whose
 * media are all in STATE/media/) and its version in *version; else NULL.
 * The engine opens it with sl_mf_open and switches. Taking it allows the
 * thread to delete the media of the previous manifest. */
char *sl_sync_take_ready(sl_sync *s, int64_t *version);

/* Like sl_sync_take_ready, but hands over the manifest already verified and
 * parsed by the sync thread (the caller frees it with sl_playlist_free), so
 * that the render thread neither reads the file nor checks the signature.
 * Media paths: sl_sync_media_path(state_dir, item->sha256). NULL when no new
 * switch (or out of memory: then the path form still works). */
sl_playlist *sl_sync_take_ready_playlist(sl_sync *s, int64_t *version);

/* Copies the current status. */
void sl_sync_get_status(sl_sync *s, sl_sync_status *out);

/* Makes the thread look at the USB folder now and waits until it has: a
 * new bundle is then switched to (take it with sl_sync_take_ready_playlist)
 * or refused. For the simulated clock, which looks at the stick at fixed
 * simulated times so that runs stay deterministic (a hub request in progress
 * is finished first). No-op without usb_path. */
void sl_sync_usb_check(sl_sync *s);

/* Whether the hub said this screen's device token was taken away (cheap:
 * for every engine tick). */
bool sl_sync_device_revoked(sl_sync *s);

/* Asks for a poll now (e.g. after the network came back). */
void sl_sync_poll_now(sl_sync *s);

/* Stops the thread (aborting any transfer within about a second) and frees
 * everything; NULL is fine. */
void sl_sync_stop(sl_sync *s);

#endif
