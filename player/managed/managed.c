/* managed.c — runs a managed screen: first content, manifest swaps, uploads, heartbeats and screenshots; forgets its identity when the hub revokes it. */
#include "player/managed/managed.h"

#include "content/fsutil.h"
#include "player/managed/netinfo.h"
#include "content/json.h"

#include <sodium.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

bool sl_managed_wanted(const sl_options *opt, const char *state_dir)
{
    char path[1200];
    snprintf(path, sizeof path, "%s/device.json", state_dir);
    return opt->hub || opt->enroll_code || opt->usb_path || sl_fs_is_file(path) ||
           sl_fs_is_file(opt->enroll_file ? opt->enroll_file : SL_ENROLL_FILE_DEFAULT);
}

#define BOARD_CODE_FILE "board-code.sha256" /* the SHA-256 of the board file's code once it was used */
#define BOARD_CA_FILE "board-ca.pem"       /* the board file's inline hub-ca */

/* The lowercase hex SHA-256 of code (a spent code is remembered by it, never kept). */
static void code_hash(const char *code, char hex[2 * crypto_hash_sha256_BYTES + 1])
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, (const unsigned char *)code, strlen(code));
    sodium_bin2hex(hex, 2 * crypto_hash_sha256_BYTES + 1, h, sizeof h);
}

/* Enrols with the board file's hub and code unless that code was used here
 * already: the file stays on the boot partition (it also holds the region),
 * which may be read-only, so the spent code is remembered in the state folder
 * by its hash. A new code in the file enrols the board again. */
static void board_enroll(sl_managed *m, const sl_options *opt, const char *ca, const char *state_dir)
{
    char hex[2 * crypto_hash_sha256_BYTES + 1], err[512], *used = NULL, *path = sl_fs_join(state_dir, BOARD_CODE_FILE);
    size_t len = 0;
    const char *board = sl_options_board_path(opt);
    if (!path)
        return;
    code_hash(opt->board_code, hex);
    if (sl_fs_is_file(path) && sl_fs_read_file(path, 256, &used, &len, err, sizeof err) == 0 &&
        len >= strlen(hex) && !memcmp(used, hex, strlen(hex))) {
        sl_log_info(&m->log, "board file %s: its code was used already; put a new code there to enrol again",
                    board);
        goto out;
    }
    if (!opt->hub) {
        sl_log_error(&m->log, "board file %s: a code needs 'hub = URL' too", board);
        goto out;
    }
    if (sl_device_enroll(opt->hub, opt->board_code, ca, state_dir, &m->dev, err, sizeof err) != 0) {
        sl_log_error(&m->log, "board file %s: enrolment failed: %s", board, err);
        goto out;
    }
    sl_log_info(&m->log, "enrolled from the board file as screen %s", m->dev.screen);
    char line[sizeof hex + 1];
    snprintf(line, sizeof line, "%s\n", hex);
    if (sl_fs_write_atomic(path, line, strlen(line), 0600, false, err, sizeof err) != 0)
        sl_log_warn(&m->log, "could not remember that the board file's code was used: %s", err);
out:
    free(used);
    free(path);
}

/* The CA to trust: the hub-ca setting, else the board file's inline PEM, written to STATE/board-ca.pem. */
static int board_ca(const sl_options *opt, const char *state_dir, char *out, size_t outlen, char *err, size_t errlen)
{
    out[0] = 0;
    if (opt->hub_ca) {
        snprintf(out, outlen, "%s", opt->hub_ca);
        return 0;
    }
    if (!opt->hub_ca_pem)
        return 0;
    snprintf(out, outlen, "%s/%s", state_dir, BOARD_CA_FILE);
    return sl_fs_write_atomic(out, opt->hub_ca_pem, strlen(opt->hub_ca_pem), 0644, false, err, errlen);
}

int sl_managed_prepare(sl_managed *m, const sl_options *opt, const char *state_dir, char *err,
                       size_t errlen)
{
    memset(m, 0, sizeof *m);
    m->opt = opt;
    sl_log_init(&m->log, "screenlit-player");
    snprintf(m->state_dir, sizeof m->state_dir, "%s", state_dir);
    snprintf(m->media_dir, sizeof m->media_dir, "%s/media", state_dir);
    if (sl_fs_mkdirs(state_dir, err, errlen) != 0)
        return -1;
    if (sl_keys_init() != 0) {
        snprintf(err, errlen, "libsodium could not start");
        return -1;
    }
    for (size_t i = 0; i < opt->n_publisher_keys; i++) {
        char why[300];
        if (sl_keyset_add_spec(&m->keys, opt->publisher_keys[i], why, sizeof why) != 0) {
            snprintf(err, errlen, "publisher-key %zu: %s", i + 1, why);
            return -1;
        }
    }
    char e2[512], ca[1100];
    if (board_ca(opt, state_dir, ca, sizeof ca, err, errlen) != 0)
        return -1;
    if (ca[0] && sl_tlsclient_ca_check(ca, err, errlen) != 0)
        return -1;
    if (opt->enroll_code) {
        if (!opt->hub) {
            snprintf(err, errlen, "--enroll needs --hub URL");
            return -1;
        }
        if (sl_device_enroll(opt->hub, opt->enroll_code, ca, state_dir, &m->dev, err, errlen) != 0)
            return -1;
        sl_log_info(&m->log, "enrolled as screen %s with %s", m->dev.screen, m->dev.hub);
    } else if (opt->board_code) {
        board_enroll(m, opt, ca, state_dir);
    } else {
        int rc = sl_device_enroll_from_file(opt->enroll_file ? opt->enroll_file : SL_ENROLL_FILE_DEFAULT,
                                            ca, state_dir, &m->dev, e2, sizeof e2);
        if (rc == 0)
            sl_log_info(&m->log, "enrolled from the boot partition as screen %s", m->dev.screen);
        else if (rc < 0)
            sl_log_error(&m->log, "enrolment file: %s", e2);
    }
    int rc = sl_device_load(state_dir, &m->dev, e2, sizeof e2);
    if (rc < 0)
        sl_log_error(&m->log, "%s", e2);
    m->enrolled = rc == 0;
    if (m->enrolled && ca[0]) /* the setting (or the board file's) wins over the CA pinned at enrolment */
        snprintf(m->dev.hub_ca, sizeof m->dev.hub_ca, "%s", ca);
    if (m->enrolled && m->dev.hub_ca[0] && strncmp(m->dev.hub, "https://", 8) != 0)
        sl_log_warn(&m->log, "hub-ca %s is pinned but the hub URL %s is plain http://: nothing is encrypted "
                             "or checked; enrol again with an https:// URL", m->dev.hub_ca, m->dev.hub);
    if ((m->enrolled || opt->usb_path) && m->keys.n == 0) {
        snprintf(err, errlen, "no publisher-key is pinned: the screen would refuse every manifest "
                              "(add 'publisher-key = …' to the config)");
        return -1;
    }
    return 0;
}

/* A one-zone playlist whose fallback says what the screen is waiting for. */
static sl_playlist *builtin(const char *text)
{
    cJSON *root = cJSON_CreateObject();
    sl_playlist *pl = NULL;
    if (!root)
        return NULL;
    cJSON_AddNumberToObject(root, "format", 1);
    cJSON_AddStringToObject(root, "name", "screenlit");
    cJSON_AddStringToObject(root, "timezone", "UTC");
    cJSON *zones = cJSON_AddArrayToObject(root, "zones");
    cJSON *z = cJSON_CreateObject();
    cJSON_AddItemToArray(zones, z);
    cJSON_AddStringToObject(z, "id", "screen");
    cJSON_AddNumberToObject(z, "x", 0);
    cJSON_AddNumberToObject(z, "y", 0);
    cJSON_AddNumberToObject(z, "w", 100);
    cJSON_AddNumberToObject(z, "h", 100);
    cJSON_AddStringToObject(z, "background", "#102030");
    cJSON_AddArrayToObject(root, "items");
    cJSON *fb = cJSON_CreateObject();
    cJSON_AddItemToObject(root, "fallback", fb);
    cJSON_AddStringToObject(fb, "type", "text");
    cJSON_AddStringToObject(fb, "mode", "static");
    cJSON_AddStringToObject(fb, "text", text);
    cJSON_AddNumberToObject(fb, "size", 40);
    pl = sl_playlist_from_json(root, SL_PL_SOURCE, NULL, NULL);
    cJSON_Delete(root);
    return pl;
}

sl_playlist *sl_managed_current(sl_managed *m, const char **media_dir)
{
    char err[512];
    *media_dir = NULL;
    if (!m->enrolled && !m->opt->usb_path)
        return NULL;
    sl_playlist *pl = sl_sync_load_current(m->state_dir, &m->keys, NULL, err, sizeof err);
    if (!pl) {
        sl_log_info(&m->log, "no content yet (%s)", err);
        return NULL;
    }
    *media_dir = m->media_dir;
    m->shown_version = pl->version;
    return pl;
}

sl_playlist *sl_managed_initial(sl_managed *m, const char **media_dir)
{
    char ip[200], text[900];
    sl_playlist *pl = sl_managed_current(m, media_dir);
    if (pl)
        return pl;
    const char *usb = m->opt->usb_path;
    sl_net_addresses(ip, sizeof ip, false);
    if (m->enrolled)
        snprintf(text, sizeof text, "screen %s · waiting for content from %s%s%s · %s", m->dev.screen,
                 m->dev.hub, usb ? " or a USB bundle at " : "", usb ? usb : "", ip);
    else if (usb)
        snprintf(text, sizeof text, "%s · waiting for a USB bundle at %s · %s",
                 m->opt->screen_id ? m->opt->screen_id : "screen", usb, ip);
    else {
        char host[65] = "";
        if (gethostname(host, sizeof host - 1) != 0)
            snprintf(host, sizeof host, "screen");
        snprintf(text, sizeof text, "%s · waiting for enrolment · %s", host, ip);
    }
    return builtin(text);
}

int sl_managed_start(sl_managed *m, sl_engine *e, char *err, size_t errlen)
{
    const sl_options *o = m->opt;
    if (!m->enrolled && !o->usb_path)
        return 0;
    /* On the simulated clock the stick is looked at from the engine's tick
     * (sl_managed_tick), at fixed simulated times: runs stay deterministic. */
    sl_sync_config sc = {.state_dir = m->state_dir, .device = m->enrolled ? &m->dev : NULL, .pinned = &m->keys,
                         .media_url = o->media_url, .poll_s = o->poll_s,
                         .alert_poll_s = o->alert_poll_s, .disk_limit_bytes = o->disk_limit_bytes,
                         .log = &m->log, .usb_path = o->usb_path, .usb_poll_s = o->sim ? -1 : o->usb_poll_s,
                         .clock = &e->clock, .channel = o->channel ? o->channel : SL_USB_CHANNEL_DEFAULT};
    if (m->enrolled && o->channel && strcmp(o->channel, m->dev.channel) != 0)
        sl_log_warn(&m->log, "channel = %s in the config is ignored: this screen is enrolled, and its channel (%s) is "
                             "the one the hub's inventory gives it", o->channel, m->dev.channel[0] ? m->dev.channel : "none yet");
    m->sync = sl_sync_start(&sc, err, errlen);
    if (!m->sync)
        return -1;
    m->usb_on_tick = o->usb_path && o->sim;
    m->usb_next_ms = INT64_MIN;
    if (o->usb_path)
        sl_log_info(&m->log, "watching %s for USB bundles of channel %s%s", o->usb_path,
                    m->enrolled ? (m->dev.channel[0] ? m->dev.channel : "(the hub's, not known yet)") : sc.channel,
                    m->enrolled ? "" : " (no hub: plays stay in the journal for --export-records)");
    if (!m->enrolled)
        return 0; /* no hub: nothing to upload, no heartbeats */
    if (e->journal) {
        sl_uploader_config uc = {.device = &m->dev, .journal = e->journal, .log = &m->log,
                                 .clock = &e->clock};
        m->uploader = sl_uploader_start(&uc, err, errlen);
        if (!m->uploader)
            return -1;
    }
    sl_heartbeat_config hc = {.device = &m->dev, .state_dir = m->state_dir, .sync = m->sync,
                              .uploader = m->uploader, .interval_s = o->heartbeat_s, .log = &m->log,
                              .clock = &e->clock};
    m->heartbeat = sl_heartbeat_start(&hc, err, errlen);
    return m->heartbeat ? 0 : -1;
}

/* Deletes STATE/current.manifest and every file of STATE/media. */
static void forget_content(sl_managed *m)
{
    char path[1300];
    snprintf(path, sizeof path, "%s/current.manifest", m->state_dir);
    if (unlink(path) != 0 && sl_fs_is_file(path))
        sl_log_error(&m->log, "cannot remove %s", path);
    DIR *d = opendir(m->media_dir);
    struct dirent *de;
    while (d && (de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        snprintf(path, sizeof path, "%s/%s", m->media_dir, de->d_name);
        unlink(path);
    }
    if (d)
        closedir(d);
}

/* The hub took this screen's device token away (de-enrolled, or another box
 * enrolled as it): stop talking to the hub, show the waiting screen, and
 * forget the identity and the hub's content, so that the box plays nothing
 * of that hub until it is enrolled again. Plays not yet uploaded stay in the
 * journal (--export-records). */
static void managed_revoked(sl_managed *m, sl_engine *e, int64_t now)
{
    char err[512], text[900], ip[200];
    sl_log_error(&m->log, "the hub %s revoked this screen's device token (screen %s was de-enrolled, or another "
                          "box enrolled as it): forgetting the identity and the content; enrol the screen again",
                 m->dev.hub, m->dev.screen);
    sl_heartbeat_stop(m->heartbeat);
    sl_uploader_stop(m->uploader);
    sl_sync_stop(m->sync);
    m->heartbeat = NULL;
    m->uploader = NULL;
    m->sync = NULL;
    sl_net_addresses(ip, sizeof ip, false);
    snprintf(text, sizeof text, "screen %s · de-enrolled by %s · waiting for enrolment: enrol it again with a new "
             "code · %s", m->dev.screen, m->dev.hub, ip);
    sl_playlist *pl = builtin(text);
    if (pl) {
        m->shown_version = 0;
        sl_engine_swap(e, pl, NULL, now);
    }
    if (sl_device_forget(m->state_dir, err, sizeof err) != 0)
        sl_log_error(&m->log, "%s", err);
    forget_content(m);
    m->enrolled = false;
    memset(&m->dev.token, 0, sizeof m->dev.token);
    sl_log_info(&m->log, "waiting for enrolment (the screen was de-enrolled)");
}

void sl_managed_tick(sl_engine *e, int64_t now, void *ud)
{
    sl_managed *m = ud;
    int64_t version = 0;
    if (m->sync && m->enrolled && sl_sync_device_revoked(m->sync)) {
        managed_revoked(m, e, now);
        return;
    }
    if (m->usb_on_tick && (m->usb_next_ms == INT64_MIN || now >= m->usb_next_ms)) {
        sl_sync_usb_check(m->sync); /* waits for the look (and a copy): simulated time stands still */
        m->usb_next_ms = now + (int64_t)(m->opt->usb_poll_s * 1000.0);
    }
    /* Verified and parsed on the sync thread: the render thread only swaps. */
    sl_playlist *pl = m->sync ? sl_sync_take_ready_playlist(m->sync, &version) : NULL;
    if (pl) {
        m->shown_version = pl->version;
        sl_engine_swap(e, pl, m->media_dir, now);
    }
    if (m->uploader && e->recorder)
        sl_uploader_kick(m->uploader);
    if (m->heartbeat) {
        const char *item = NULL;
        if (e->pl && e->pl->n_zones > 0 && e->zones[0].has_cur)
            item = e->pl->items[e->zones[0].cur.item].id;
        sl_heartbeat_set_playing(m->heartbeat, m->shown_version, item);
        sl_heartbeat_set_clock_trust(m->heartbeat, sl_clock_trust_now(&e->clock));
        /* A screenshot when the hub asks, and every screenshot-interval as proof. */
        bool asked = sl_heartbeat_take_screenshot_request(m->heartbeat);
        bool due = m->opt->screenshot_min > 0 && now >= m->shot_next_ms;
        if (due)
            m->shot_next_ms = now + (int64_t)(m->opt->screenshot_min * 60000.0);
        if (asked || due) {
            char shot[1200], err[512];
            /* Two names in turn: the heartbeat thread may still be sending the previous one. */
            snprintf(shot, sizeof shot, "%s/screenshot-%d.png", m->state_dir, m->shot_turn);
            m->shot_turn ^= 1;
            sl_render_frame_seen(e, now); /* clips too, on the null output */
            /* Only the read-back here: the heartbeat thread encodes and writes the PNG. */
            SDL_Surface *frame = sl_vo_read_frame(&e->vo, err, sizeof err);
            if (!frame)
                sl_log_error(&m->log, "screenshot: %s", err);
            else if (sl_heartbeat_upload_frame(m->heartbeat, frame, shot) != 0)
                sl_log_error(&m->log, "screenshot: out of memory");
        }
    }
}

void sl_managed_drain(sl_managed *m, int timeout_ms)
{
    if (!m || !m->uploader)
        return;
    for (int waited = 0; waited < timeout_ms; waited += 100) {
        sl_uploader_kick(m->uploader);
        struct timespec ts = {0, 100 * 1000000L};
        nanosleep(&ts, NULL);
        sl_uploader_status st;
        sl_uploader_get_status(m->uploader, &st);
        if (st.pending == 0 && st.hub_answered)
            return;
    }
}

void sl_managed_stop(sl_managed *m)
{
    if (!m)
        return;
    sl_heartbeat_stop(m->heartbeat);
    sl_uploader_stop(m->uploader);
    sl_sync_stop(m->sync);
    sl_keyset_free(&m->keys);
    m->heartbeat = NULL;
    m->uploader = NULL;
    m->sync = NULL;
}
