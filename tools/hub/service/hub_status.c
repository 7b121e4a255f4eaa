/* hub_status.c — heartbeats (last seen, minutes online), a screen's state now, and screenshots (magic-checked, kept a few a day). */
#define _POSIX_C_SOURCE 200809L
#include "tools/hub/service/hub_status.h"
#include "tools/hub/service/hub_thumb.h"

#include "content/fsutil.h"
#include "content/timeutil.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

sl_svc_rc sl_status_heartbeat(sl_hub *hub, const char *screen, int64_t now_ms, int64_t content_version,
                              const char *status_json, bool *screenshot_requested, sl_svc_err *e)
{
    char err[256];
    sl_hub_heartbeat hb = {now_ms, content_version, status_json};
    if (hub->store->ops->heartbeat_put(hub->store, screen, &hb, screenshot_requested, err, sizeof err) != SL_ST_OK)
        return sl_svc_fail(e, SL_SVC_STORE, "%s", err);
    return SL_SVC_OK;
}

sl_svc_rc sl_status_heartbeats(sl_hub *hub, const char *screen, size_t limit,
                               int (*cb)(void *ud, const sl_hub_hb_point *h), void *ud, sl_svc_err *e)
{
    char err[256];
    if (!sl_wire_id_ok(screen))
        return sl_svc_fail(e, SL_SVC_INVALID, "not a screen id");
    if (hub->store->ops->heartbeat_history(hub->store, screen, limit, cb, ud, err, sizeof err) != SL_ST_OK)
        return sl_svc_fail(e, SL_SVC_STORE, "%s", err);
    return SL_SVC_OK;
}

/* The path of a screenshot's thumbnail; -1 when it does not fit. */
static int thumb_path(const sl_hub *hub, const char *file, char *path, size_t pathlen)
{
    char name[256];
    if (sl_thumb_name(file, name, sizeof name) != 0)
        return -1;
    int n = snprintf(path, pathlen, "%s/%s", hub->shots_dir, name);
    return n < 0 || (size_t)n >= pathlen ? -1 : 0;
}

static void shot_evicted(void *ud, const char *file)
{
    const sl_hub *hub = ud;
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", hub->shots_dir, file);
    unlink(path);
    if (thumb_path(hub, file, path, sizeof path) == 0)
        unlink(path);
}

/* Writes a screenshot's thumbnail next to it. Without one (a picture the
 * decoder refuses, a full disk) the console shows the whole picture, so a
 * failure is logged and nothing more. */
static void thumb_write(sl_hub *hub, const char *screen, const sl_hub_screenshot *shot, const void *data, size_t len)
{
    char err[512], path[4096];
    uint8_t *png = NULL;
    size_t png_len = 0;
    if (thumb_path(hub, shot->file, path, sizeof path) != 0)
        return;
    if (sl_thumb_png(data, len, SL_THUMB_WIDTH, &png, &png_len, err, sizeof err) != 0 ||
        sl_fs_write_atomic(path, png, png_len, 0600, false, err, sizeof err) != 0)
        sl_log_warn(&hub->log, "screenshot of %s: no thumbnail (the whole picture is shown): %s", screen, err);
    free(png);
}

/* Writes the file of a screenshot taken at now_ms under a name of its own
 * (shot->file, relative to DATA/screenshots) into path. */
static sl_svc_rc shot_write(sl_hub *hub, const char *screen, const char *ext, const void *data, size_t len,
                            int64_t now_ms, sl_hub_screenshot *shot, char *path, size_t pathlen, sl_svc_err *e)
{
    char err[512], dir[4096];
    int64_t days = sl_floordiv(now_ms, SL_MS_PER_DAY);
    int64_t ms = now_ms - days * SL_MS_PER_DAY;
    int y, m, d;
    sl_civil_from_days(days, &y, &m, &d);
    snprintf(dir, sizeof dir, "%s/%s", hub->shots_dir, screen);
    if (sl_fs_mkdir_private(dir, err, sizeof err) != 0) {
        sl_log_error(&hub->log, "%s", err);
        return sl_svc_fail(e, SL_SVC_FAILED, "the hub cannot write its screenshot folder");
    }
    int written = -1;
    for (int k = 0; k < 10 && written != 0; k++) {
        snprintf(shot->file, sizeof shot->file, "%s/%04d%02d%02d-%02d%02d%02d%03d%s%.0d.%s", screen, y, m, d,
                 (int)(ms / 3600000), (int)(ms / 60000 % 60), (int)(ms / 1000 % 60), (int)(ms % 1000), k ? "-" : "",
                 k, ext);
        snprintf(path, pathlen, "%s/%s", hub->shots_dir, shot->file);
        written = sl_fs_write_atomic(path, data, len, 0600, true, err, sizeof err);
    }
    if (written != 0) {
        sl_log_error(&hub->log, "%s", err);
        return sl_svc_fail(e, SL_SVC_FAILED, "the hub could not store the screenshot");
    }
    return SL_SVC_OK;
}

sl_svc_rc sl_status_screenshot_put(sl_hub *hub, const char *screen, const char *mime, const void *data, size_t len,
                                   int64_t now_ms, sl_svc_err *e)
{
    static const unsigned char png[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    static const unsigned char jpg[3] = {0xff, 0xd8, 0xff};
    char err[512], path[4096];
    const char *ext;
    if (strcmp(mime, "image/png") == 0) {
        ext = "png";
        if (len < 8 || memcmp(data, png, 8) != 0)
            return sl_svc_fail(e, SL_SVC_INVALID, "the body is not a PNG file");
    } else {
        ext = "jpg";
        if (len < 3 || memcmp(data, jpg, 3) != 0)
            return sl_svc_fail(e, SL_SVC_INVALID, "the body is not a JPEG file");
    }
    sl_hub_screenshot shot;
    memset(&shot, 0, sizeof shot);
    shot.taken_ms = now_ms;
    shot.size = (int64_t)len;
    snprintf(shot.mime, sizeof shot.mime, "%s", mime);
    sl_svc_rc rc = shot_write(hub, screen, ext, data, len, now_ms, &shot, path, sizeof path, e);
    if (rc != SL_SVC_OK)
        return rc;
    thumb_write(hub, screen, &shot, data, len);
    if (hub->store->ops->screenshot_add(hub->store, screen, &shot, shot_evicted, hub, err, sizeof err) != SL_ST_OK) {
        shot_evicted(hub, shot.file);
        return sl_svc_fail(e, SL_SVC_STORE, "%s", err);
    }
    return SL_SVC_OK;
}

sl_svc_rc sl_status_screenshot_request(sl_hub *hub, const char *screen, sl_svc_err *e)
{
    char err[256];
    if (!sl_wire_id_ok(screen))
        return sl_svc_fail(e, SL_SVC_INVALID, "not a screen id");
    sl_st_rc rc = hub->store->ops->screenshot_request(hub->store, screen, err, sizeof err);
    if (rc == SL_ST_NOT_FOUND)
        return sl_svc_fail(e, SL_SVC_NOT_FOUND, "screen %s is not in the inventory", screen);
    if (rc != SL_ST_OK)
        return sl_svc_fail(e, SL_SVC_STORE, "%s", err);
    return SL_SVC_OK;
}

/* The first screenshot listed (newest first). */
static int shot_first(void *ud, const sl_hub_screenshot *s)
{
    *(sl_hub_screenshot *)ud = *s;
    return 1;
}

sl_svc_rc sl_status_screenshot_open(sl_hub *hub, const char *screen, int64_t taken_ms, bool thumb,
                                    sl_hub_screenshot *shot, int *fd, int64_t *size, sl_svc_err *e)
{
    char err[256], path[4096];
    if (!sl_wire_id_ok(screen))
        return sl_svc_fail(e, SL_SVC_INVALID, "not a screen id");
    sl_st_rc rc;
    if (taken_ms < 0) {
        rc = hub->store->ops->screenshot_latest(hub->store, screen, shot, err, sizeof err);
    } else {
        shot->file[0] = '\0';
        rc = hub->store->ops->screenshot_list(hub->store, screen, taken_ms, taken_ms + 1, shot_first, shot, err,
                                              sizeof err);
        if (rc == SL_ST_OK && !shot->file[0])
            rc = SL_ST_NOT_FOUND;
    }
    if (rc == SL_ST_NOT_FOUND)
        return sl_svc_fail(e, SL_SVC_NOT_FOUND, "no such screenshot of %s", screen);
    if (rc != SL_ST_OK)
        return sl_svc_fail(e, SL_SVC_STORE, "%s", err);
    int f = -1;
    if (thumb && thumb_path(hub, shot->file, path, sizeof path) == 0 && (f = open(path, O_RDONLY | O_CLOEXEC)) >= 0)
        snprintf(shot->mime, sizeof shot->mime, "image/png");
    snprintf(path, sizeof path, "%s/%s", hub->shots_dir, shot->file);
    if (f < 0)
        f = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (f < 0 || fstat(f, &st) != 0) {
        if (f >= 0)
            close(f);
        return sl_svc_fail(e, SL_SVC_NOT_FOUND, "the screenshot of %s is gone from disk", screen);
    }
    *fd = f;
    *size = (int64_t)st.st_size;
    return SL_SVC_OK;
}

sl_svc_rc sl_status_screenshots(sl_hub *hub, const char *screen, int64_t from_ms, int64_t to_ms,
                                int (*cb)(void *ud, const sl_hub_screenshot *s), void *ud, sl_svc_err *e)
{
    char err[256];
    if (!sl_wire_id_ok(screen))
        return sl_svc_fail(e, SL_SVC_INVALID, "not a screen id");
    if (hub->store->ops->screenshot_list(hub->store, screen, from_ms, to_ms, cb, ud, err, sizeof err) != SL_ST_OK)
        return sl_svc_fail(e, SL_SVC_STORE, "%s", err);
    return SL_SVC_OK;
}

/* ---- a screen's state now --------------------------------------------- */

static const char *const state_codes[SL_SCREEN_N_STATES] = {
    [SL_SCREEN_OFFLINE] = "offline",
    [SL_SCREEN_NO_CONTENT] = "no_content",
    [SL_SCREEN_NEVER_ENROLLED] = "never_enrolled",
    [SL_SCREEN_OUTDATED] = "outdated_content",
    [SL_SCREEN_CLOCK_UNTRUSTED] = "clock_untrusted",
    [SL_SCREEN_LIT] = "lit",
};

bool sl_status_online(int64_t last_seen_ms, int64_t now_ms)
{
    return last_seen_ms >= 0 && now_ms - last_seen_ms <= SL_STATUS_ONLINE_WINDOW_MS;
}

sl_screen_state sl_status_state(const sl_hub_wall_row *r, int64_t now_ms)
{
    if (!sl_status_online(r->st.last_seen_ms, now_ms))
        return r->st.enrolled ? SL_SCREEN_OFFLINE : SL_SCREEN_NEVER_ENROLLED;
    if (!r->st.s.channel[0] || r->channel_version < 0 || r->st.content_version < 0)
        return SL_SCREEN_NO_CONTENT;
    if (r->st.content_version != r->channel_version)
        return SL_SCREEN_OUTDATED;
    if (strcmp(r->clock_trust, "untrusted") == 0)
        return SL_SCREEN_CLOCK_UNTRUSTED;
    return SL_SCREEN_LIT;
}

bool sl_status_dark(sl_screen_state s)
{
    return s == SL_SCREEN_OFFLINE || s == SL_SCREEN_NO_CONTENT || s == SL_SCREEN_NEVER_ENROLLED;
}

const char *sl_status_code(sl_screen_state s)
{
    return (unsigned)s < SL_SCREEN_N_STATES ? state_codes[s] : "";
}

int sl_status_parse(const char *code)
{
    for (int i = 0; code && i < SL_SCREEN_N_STATES; i++) {
        if (strcmp(code, state_codes[i]) == 0)
            return i;
    }
    return -1;
}
