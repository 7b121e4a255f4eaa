/* options.c — player settings from defaults, a config file and the command line, all from one option table. */
#include "player/options.h"

#include "content/fsutil.h"
#include "content/keys.h"
#include "content/log.h"
#include "content/opts.h"
#include "content/timeutil.h"
#include "content/wire.h"
#include "player/boardfile.h"
#include "player/managed/device.h"
#include "player/vo.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SL_CONFIG_MAX_BYTES (256u * 1024u)

void sl_options_defaults(sl_options *o)
{
    memset(o, 0, sizeof *o);
    o->output = strdup("window");
    o->hw_decode = true;
    o->fps = 30;
    o->font_index = -1;
    o->text_render = -1;
    o->enroll_file = strdup(SL_ENROLL_FILE_DEFAULT);
    o->poll_s = 60;
    o->alert_poll_s = 5;
    o->heartbeat_s = 60;
    o->screenshot_min = 30;
    o->usb_poll_s = 5;
}

void sl_options_free(sl_options *o)
{
    if (!o)
        return;
    free(o->playlist);
    free(o->output);
    free(o->journal);
    free(o->state_dir);
    free(o->screen_id);
    free(o->tags);
    free(o->font);
    free(o->fallback_image);
    free(o->log_level);
    free(o->config);
    free(o->hub);
    free(o->enroll_code);
    free(o->enroll_file);
    free(o->hub_ca);
    free(o->board_file);
    if (o->board_code)
        memset(o->board_code, 0, strlen(o->board_code));
    free(o->board_code);
    free(o->hub_ca_pem);
    for (size_t i = 0; i < o->n_publisher_keys; i++)
        free(o->publisher_keys[i]);
    free(o->publisher_keys);
    free(o->media_url);
    free(o->usb_path);
    free(o->channel);
    free(o->export_records);
    memset(o, 0, sizeof *o);
}

static int set_str(char **dst, const char *v, char *err, size_t errlen)
{
    char *s = strdup(v);
    if (!s) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    free(*dst);
    *dst = s;
    return 0;
}

static int parse_bool(const char *v, bool *out)
{
    if (!strcmp(v, "1") || !strcmp(v, "yes") || !strcmp(v, "true") || !strcmp(v, "on"))
        *out = true;
    else if (!strcmp(v, "0") || !strcmp(v, "no") || !strcmp(v, "false") || !strcmp(v, "off"))
        *out = false;
    else
        return -1;
    return 0;
}

/* Parses a whole number in [min, max]. */
static int parse_int(const char *v, long min, long max, long *out)
{
    char *end;
    errno = 0;
    long x = strtol(v, &end, 10);
    if (errno || end == v || *end || x < min || x > max)
        return -1;
    *out = x;
    return 0;
}

static int parse_seconds(const char *v, double *out)
{
    char *end;
    errno = 0;
    double x = strtod(v, &end);
    if (errno || end == v || *end || !(x >= 0) || x > 1e9)
        return -1;
    *out = x;
    return 0;
}

/* ---- the setters: each takes one setting from text (field: the sl_options,
 * or for plain text the char * it sets); their messages start with the
 * setting's name, as in a config file. ---- */

static int set_text(void *field, const sl_opts_entry *e, const char *v, char *err, size_t errlen)
{
    return set_str(field, v, err, errlen);
}

static int set_output(void *field, const sl_opts_entry *e, const char *v, char *err, size_t errlen)
{
    char why[256];
    if (sl_vo_parse_spec(v, NULL, NULL, 0, why, sizeof why) != 0) {
        snprintf(err, errlen, "output: %s", why);
        return -1;
    }
    return set_str(field, v, err, errlen);
}

static int set_size(void *field, const sl_opts_entry *e, const char *v, char *err, size_t errlen)
{
    sl_options *o = field;
    int wh[2];
    if (sl_opts_set_size(wh, e, v, err, errlen) != 0)
        return -1;
    o->size_w = wh[0];
    o->size_h = wh[1];
    return 0;
}

static int set_region(void *field, const sl_opts_entry *e, const char *v, char *err, size_t errlen)
{
    sl_options *o = field;
    long a, b, c, d;
    char tail;
    if (sscanf(v, "%ld,%ld,%ld,%ld%c", &a, &b, &c, &d, &tail) != 4 || a < 0 || b < 0 || c < 1 || d < 1 ||
        a > 16384 || b > 16384 || c > 16384 || d > 16384) {
        snprintf(err, errlen, "region: '%s' is not X,Y,WIDTH,HEIGHT in pixels", v);
        return -1;
    }
    o->has_region = true;
    o->region_x = (int)a;
    o->region_y = (int)b;
    o->region_w = (int)c;
    o->region_h = (int)d;
    return 0;
}

static int set_clock(void *field, const sl_opts_entry *e, const char *v, char *err, size_t errlen)
{
    sl_options *o = field;
    o->skewed = false;
    if (!strcmp(v, "real")) {
        o->sim = false;
        o->shifted = false;
        return 0;
    }
    if (strncmp(v, "sim:", 4) == 0 && sl_instant_parse(v + 4, NULL, &o->sim_start_ms) == 0) {
        o->sim = true;
        o->shifted = false;
        return 0;
    }
    if (strncmp(v, "from:", 5) == 0 && sl_instant_parse(v + 5, NULL, &o->sim_start_ms) == 0) {
        o->sim = false;
        o->shifted = true;
        return 0;
    }
    if (strncmp(v, "real-at:", 8) == 0 && sl_instant_parse(v + 8, NULL, &o->sim_start_ms) == 0 &&
        o->sim_start_ms >= 0) {
        o->sim = false;
        o->shifted = false;
        o->skewed = true;
        return 0;
    }
    snprintf(err, errlen, "clock: '%s' is not 'real', or 'sim:'/'from:'/'real-at:' with a time and "
                          "offset, e.g. sim:2026-11-25T08:00:00+08:00", v);
    return -1;
}

/* Whole numbers: rotate, font-index, fps (e->lo to e->hi). */
static int set_number(void *field, const sl_opts_entry *e, const char *v, char *err, size_t errlen)
{
    sl_options *o = field;
    long a;
    bool rotate = !strcmp(e->name, "rotate");
    if (parse_int(v, e->lo, e->hi, &a) != 0 || (rotate && a % 90 != 0)) {
        if (rotate)
            snprintf(err, errlen, "rotate: '%s' is not 0, 90, 180 or 270", v);
        else
            snprintf(err, errlen, "%s: '%s' is not %ld to %ld", e->name, v, e->lo, e->hi);
        return -1;
    }
    if (rotate)
        o->rotate = (int)a;
    else if (!strcmp(e->name, "fps"))
        o->fps = (int)a;
    else
        o->font_index = a;
    return 0;
}

enum { SECS_RUN = 1, SECS_FRAMES, SECS_POLL, SECS_ALERT, SECS_HEARTBEAT, SECS_USB };

/* Seconds: run, frames-every, poll-interval, alert-poll, heartbeat-interval, usb-poll. */
static int set_seconds(void *field, const sl_opts_entry *e, const char *v, char *err, size_t errlen)
{
    sl_options *o = field;
    double x;
    bool ok = parse_seconds(v, &x) == 0;
    switch (e->id) {
    case SECS_RUN:
        if (!ok) {
            snprintf(err, errlen, "run: '%s' is not a number of seconds", v);
            return -1;
        }
        o->run_s = x;
        return 0;
    case SECS_FRAMES:
        if (!ok || (x > 0 && x < 0.001)) {
            snprintf(err, errlen, "frames-every: '%s' is not a number of seconds (at least 0.001)", v);
            return -1;
        }
        o->frames_every_s = x;
        return 0;
    case SECS_USB:
        if (!ok || x < 1 || x > 3600) {
            snprintf(err, errlen, "usb-poll: '%s' is not a number of seconds from 1 to 3600", v);
            return -1;
        }
        o->usb_poll_s = x;
        return 0;
    default: {
        bool zero_ok = e->id == SECS_ALERT;
        if (!ok || (x < 1 && !(zero_ok && x == 0)) || x > 86400) {
            snprintf(err, errlen, "%s: '%s' is not a number of seconds from 1 to 86400%s", e->name, v,
                     zero_ok ? " (or 0: off)" : "");
            return -1;
        }
        *(e->id == SECS_POLL ? &o->poll_s : zero_ok ? &o->alert_poll_s : &o->heartbeat_s) = x;
        return 0;
    }
    }
}

/* Yes or no: frames-at-switch, diagnostic, hw-decode (a bare flag on the command line is yes). */
static int set_bool(void *field, const sl_opts_entry *e, const char *v, char *err, size_t errlen)
{
    if (parse_bool(v ? v : "yes", field) != 0) {
        snprintf(err, errlen, "%s: '%s' is not yes or no", e->name, v);
        return -1;
    }
    return 0;
}

static int set_text_render(void *field, const sl_opts_entry *e, const char *v, char *err, size_t errlen)
{
    int *r = field;
    if (!strcmp(v, "item"))
        *r = -1;
    else if (!strcmp(v, "smooth"))
        *r = 0;
    else if (!strcmp(v, "crisp"))
        *r = 1;
    else {
        snprintf(err, errlen, "text-render: '%s' is not item, smooth or crisp", v);
        return -1;
    }
    return 0;
}

static int set_log_level(void *field, const sl_opts_entry *e, const char *v, char *err, size_t errlen)
{
    if (strcmp(v, "error") && strcmp(v, "warn") && strcmp(v, "info") && strcmp(v, "debug")) {
        snprintf(err, errlen, "log-level: '%s' is not error, warn, info or debug", v);
        return -1;
    }
    return set_str(field, v, err, errlen);
}

/* hub and media-url. */
static int set_url(void *field, const sl_opts_entry *e, const char *v, char *err, size_t errlen)
{
    if ((strncmp(v, "http://", 7) && strncmp(v, "https://", 8)) || strlen(v) > 512) {
        snprintf(err, errlen, "%s: '%.80s' is not an http:// or https:// URL", e->name, v);
        return -1;
    }
    return set_str(field, v, err, errlen);
}

static int set_hub_ca(void *field, const sl_opts_entry *e, const char *v, char *err, size_t errlen)
{
    if (!v[0] || strlen(v) >= 1024) {
        snprintf(err, errlen, "hub-ca: give the path of a PEM certificate file (at most 1023 bytes)");
        return -1;
    }
    return set_str(field, v, err, errlen);
}

/* Repeated: each adds a key. */
static int set_publisher_key(void *field, const sl_opts_entry *e, const char *v, char *err, size_t errlen)
{
    sl_options *o = field;
    sl_keyset probe = {0};
    char why[300];
    int bad = sl_keyset_add_spec(&probe, v, why, sizeof why);
    sl_keyset_free(&probe);
    if (bad) {
        snprintf(err, errlen, "publisher-key: %s", why);
        return -1;
    }
    char **nk = realloc(o->publisher_keys, (o->n_publisher_keys + 1) * sizeof *nk);
    if (!nk) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    o->publisher_keys = nk;
    nk[o->n_publisher_keys] = NULL;
    if (set_str(&nk[o->n_publisher_keys], v, err, errlen) != 0)
        return -1;
    o->n_publisher_keys++;
    return 0;
}

static int set_channel(void *field, const sl_opts_entry *e, const char *v, char *err, size_t errlen)
{
    if (!sl_wire_id_ok(v)) {
        snprintf(err, errlen, "channel: '%.80s' is not 1 to 64 letters, digits, '.', '_' or '-' (the name "
                              "the bundles for this screen were made with: screenlit bundle --channel NAME)", v);
        return -1;
    }
    return set_str(field, v, err, errlen);
}

static int set_usb_path(void *field, const sl_opts_entry *e, const char *v, char *err, size_t errlen)
{
    char **p = field;
    if (!v[0] || !strcmp(v, "off")) {
        free(*p);
        *p = NULL;
        return 0;
    }
    return set_str(p, v, err, errlen);
}

static int set_screenshot_interval(void *field, const sl_opts_entry *e, const char *v, char *err, size_t errlen)
{
    char *end;
    double x = strtod(v, &end);
    if (!v[0] || *end || !(x == 0 || (x >= 1 && x <= 1440))) {
        snprintf(err, errlen, "screenshot-interval: '%s' is not a number of minutes from 1 to 1440 (or 0: only "
                              "when the hub asks)", v);
        return -1;
    }
    *(double *)field = x;
    return 0;
}

static int set_disk_limit(void *field, const sl_opts_entry *e, const char *v, char *err, size_t errlen)
{
    char *end;
    errno = 0;
    double x = strtod(v, &end);
    double mul = 1;
    if (*end == 'K' || *end == 'k')
        mul = 1e3, end++;
    else if (*end == 'M')
        mul = 1e6, end++;
    else if (*end == 'G')
        mul = 1e9, end++;
    else if (*end == 'T')
        mul = 1e12, end++;
    if (*end == 'B')
        end++;
    if (errno || end == v || *end || !(x >= 0) || x * mul > 9e18) {
        snprintf(err, errlen, "disk-limit: '%s' is not a size such as 8G, 500M or 0 (no limit)", v);
        return -1;
    }
    *(int64_t *)field = (int64_t)(x * mul);
    return 0;
}

/* --config is read before the other options (sl_options_parse_argv). */
static int set_nothing(void *field, const sl_opts_entry *e, const char *v, char *err, size_t errlen)
{
    return 0;
}

static int set_version(void *field, const sl_opts_entry *e, const char *v, char *err, size_t errlen)
{
    printf("screenlit-player 0.1.0\n");
    return SL_OPTS_STOPPED;
}

#define CMDLINE_ONLY 0x100 /* in an entry's id: not a setting of config files */

#define O_TEXT(name, arg, help, field) SL_OPTS_FUNC_E(name, 0, arg, help, sl_options, field, set_text, 0)
#define O_ALL(name, arg, help, set, id) {(name), 0, SL_OPTS_FUNC, (arg), (help), 0, 0, 0, NULL, (set), (id)}
#define O_NUM(name, arg, help, lo, hi) {(name), 0, SL_OPTS_FUNC, (arg), (help), 0, (lo), (hi), NULL, set_number, 0}
#define O_FIELD(name, arg, help, field, set) SL_OPTS_FUNC_E(name, 0, arg, help, sl_options, field, set, 0)

/* Every setting: the command line, config files and --help come from here.
 * Three parts for the three headings of --help. */
static const sl_opts_entry player_opts[] = {
    O_TEXT("playlist", "FILE", "the playlist source to play", playlist),
    O_FIELD("output", "OUT",
            "window (full screen; X11, Wayland or KMSDRM), frames:DIR (offscreen, PNG frames into DIR) or null "
            "(nothing is shown: a clip's frames are taken when due and counted, not drawn). Default: window",
            output, set_output),
    O_ALL("size", "WxH",
          "output size for frames/null (default 1920x1080); for window, a window of that size instead of full "
          "screen",
          set_size, 0),
    O_ALL("region", "X,Y,W,H",
          "draw into exactly this rectangle of the output, unscaled, the rest black (an LED wall behind an HDMI "
          "sending card)",
          set_region, 0),
    O_NUM("rotate", "N", "0, 90, 180 or 270 degrees clockwise (portrait screens)", 0, 270),
    O_ALL("clock", "real|sim:T|from:T|real-at:T",
          "the real clock (default); simulated time from T (e.g. sim:2026-11-25T08:00:00+08:00), run as fast as "
          "the machine allows, deterministic; or real-time pace starting at T (to watch next Tuesday in a "
          "window). real-at:T is a testing and diagnosis aid: the real clock of a board whose clock said T at "
          "start and that NTP has not set (e.g. real-at:1970-01-01T00:00:00Z, a Pi without RTC or network); its "
          "plays are untrusted until the hub's time is seen, then corrected",
          set_clock, 0),
    O_ALL("run", "SECONDS",
          "stop after this long (simulated or real, from the first frame); default: run until stopped", set_seconds,
          SECS_RUN),
    O_ALL("frames-every", "S",
          "with frames:DIR, write a frame every S seconds of playback (frame-<ms since start>.png)", set_seconds,
          SECS_FRAMES),
    O_FIELD("frames-at-switch", NULL, "with frames:DIR, also write a frame at every item start", frames_at_switch,
            set_bool),
    O_TEXT("journal", "FILE", "the play journal (default STATE_DIR/journal.db)", journal),
    O_TEXT("state-dir", "DIR",
           "the player's state folder (default $XDG_STATE_HOME/screenlit or ~/.local/state/screenlit)",
           state_dir),
    O_TEXT("screen-id", "ID", "this screen's id in play records (default: host name)", screen_id),
    O_TEXT("tags", "LIST", "this screen's tags, e.g. bank,lobby", tags),
    O_TEXT("font", "FILE", "default font (default Noto Sans CJK SC)", font),
    O_NUM("font-index", "N", "face index in a font collection", 0, 64),
    O_FIELD("text-render", "R",
            "item (default: as each item says), smooth, or crisp for every text on this screen (LED walls: no "
            "anti-aliasing, monochrome hinting, pixel-exact)",
            text_render, set_text_render),
    O_TEXT("fallback-image", "FILE", "a picture shown when nothing may play", fallback_image),
    O_FIELD("diagnostic", NULL, "start on the installer diagnostic screen (key d toggles it in a window)",
            diagnostic, set_bool),
    O_FIELD("hw-decode", "yes|no", "try hardware video decoders first (default yes)", hw_decode, set_bool),
    O_NUM("fps", "N", "frame rate for offscreen outputs on the real clock (30)", 1, 240),
    O_FIELD("log-level", "L", "error, warn, info (default) or debug", log_level, set_log_level),
    O_ALL("config", "FILE",
          "read settings from FILE first ('name = value' lines with the names above; see config/player.conf)",
          set_nothing, CMDLINE_ONLY),
    {"help", 'h', SL_OPTS_HELP, NULL, "show this help", 0, 0, 0, NULL, NULL, CMDLINE_ONLY},
    O_ALL("version", NULL, "show the version", set_version, CMDLINE_ONLY),
    SL_OPTS_PART_E,
    O_FIELD("hub", "URL",
            "the hub; with it no --playlist is needed: the screen plays its last verified manifest from STATE_DIR "
            "(or a waiting screen) and follows the hub",
            hub, set_url),
    O_TEXT("enroll", "CODE",
           "exchange a one-time enrolment code for this screen's device token (kept in STATE_DIR/device.json, mode "
           "0600)",
           enroll_code),
    O_TEXT("enroll-file", "FILE",
           "a file with \"hub = URL\" and \"code = CODE\" lines, and optionally \"hub-ca = FILE\" (relative to its "
           "folder), deleted once used (default /boot/firmware/screenlit-enroll.txt)",
           enroll_file),
    O_TEXT("board-file", "FILE",
           "the board file an installer edits on the SD card's boot partition: hub, code, hub-ca, publisher-key, "
           "region, rotate, size and text-render as 'name = value' lines (README, \"The board file\"); it wins "
           "over the config file, the command line wins over it (default $" SL_BOARD_FILE_ENV " or "
           SL_BOARD_FILE_DEFAULT ")",
           board_file),
    O_FIELD("hub-ca", "FILE",
            "for an https:// hub: trust only the certificates in this PEM file (a private CA, or the hub's own "
            "self-signed certificate) instead of the system's CA store. Every request to the hub (and to "
            "--media-url) checks the certificate and host name; a refused one is logged with the reason (expired, "
            "unknown CA, hostname mismatch) and never retried over http://. The CA used at enrolment is kept in "
            "STATE_DIR/hub-ca.pem; this setting wins over it",
            hub_ca, set_hub_ca),
    O_ALL("publisher-key", "B64",
          "a publisher's public key; manifests signed by any other are refused (repeat for several). \"B64 "
          "channels=A,B\" (one argument) pins it for those channels only: a manifest of another channel signed "
          "with it is refused",
          set_publisher_key, 0),
    O_ALL("poll-interval", "S", "manifest poll, seconds ±10 % (default 60)", set_seconds, SECS_POLL),
    O_ALL("alert-poll", "S", "urgent-alert poll, seconds (default 5; 0 = off)", set_seconds, SECS_ALERT),
    O_ALL("heartbeat-interval", "S", "status to the hub, seconds (default 60)", set_seconds, SECS_HEARTBEAT),
    O_FIELD("screenshot-interval", "MIN",
            "a screenshot of the frame shown every MIN minutes, as proof (default 30; 0 = only when the hub asks)",
            screenshot_min, set_screenshot_interval),
    O_FIELD("disk-limit", "SIZE", "the most the media store may hold (8G, 500M; 0 = the disk's free space)",
            disk_limit_bytes, set_disk_limit),
    O_FIELD("media-url", "URL", "fetch /media/<sha256> from this server (default: hub)", media_url, set_url),
    SL_OPTS_PART_E,
    O_FIELD("usb-path", "DIR",
            "watch DIR (where a stick is mounted, e.g. /media/screenlit) for a bundle made by `screenlit bundle`: "
            "its signature (against publisher-key) and every file's SHA-256 are checked, the media copied to the "
            "state folder, and the screen switches to it, as after a hub update; a bad bundle is refused, logged, "
            "and the current content keeps playing. With or without a hub; without one, set --screen-id to the "
            "screen's id in the hub's inventory. Default: off",
            usb_path, set_usb_path),
    O_ALL("usb-poll", "SECONDS", "how often to look at DIR (default 5; of simulated time with --clock sim:)",
          set_seconds, SECS_USB),
    O_FIELD("channel", "NAME",
            "the channel of a screen without a hub (default usb, the default of `screenlit bundle --channel`): a "
            "bundle signed for another channel is refused, logged (\"USB bundle for channel station-hall refused: "
            "this screen plays usb\"), and the current content keeps playing. Versions are compared within a "
            "channel. An enrolled screen ignores this setting: its channel is the one the hub's inventory gives "
            "it, and it takes hub manifests and bundles of that channel only",
            channel, set_channel),
    {"export-records", 0, SL_OPTS_FUNC, "DIR",
     "write the plays the hub has not acknowledged to DIR/records/<screen>-<first seq>-<last seq>.json and exit, "
     "for `screenlit records import`; they stay in the journal until the hub acknowledges them",
     offsetof(sl_options, export_records), 0, 0, NULL, set_text, CMDLINE_ONLY},
    SL_OPTS_END_E,
};

int sl_options_set(sl_options *o, const char *name, const char *v, char *err, size_t errlen)
{
    for (const sl_opts_entry *e = player_opts; e->kind != SL_OPTS_END; e++) {
        if (e->kind != SL_OPTS_FUNC || (e->id & CMDLINE_ONLY) || strcmp(e->name, name) != 0)
            continue;
        return e->set((char *)o + e->offset, e, v, err, errlen);
    }
    snprintf(err, errlen, "'%s' is not a setting", name);
    return -1;
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    char *e = s + strlen(s);
    while (e > s && isspace((unsigned char)e[-1]))
        *--e = '\0';
    return s;
}

int sl_options_load_file(sl_options *o, const char *path, char *err, size_t errlen)
{
    char *buf = NULL;
    size_t len;
    int rc = -1;
    char ferr[256];
    if (sl_fs_read_file(path, SL_CONFIG_MAX_BYTES, &buf, &len, ferr, sizeof ferr) != 0) {
        snprintf(err, errlen, "%s", ferr);
        goto out;
    }
    if (strlen(buf) != len) {
        snprintf(err, errlen, "%s: has a NUL byte; not a text file", path);
        goto out;
    }
    int lineno = 0;
    char *save = NULL;
    for (char *line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        lineno++;
        char *hash = strchr(line, '#');
        if (hash)
            *hash = '\0';
        char *s = trim(line);
        if (!*s)
            continue;
        char *eq = strchr(s, '=');
        if (!eq) {
            snprintf(err, errlen, "%s:%d: expected 'name = value'", path, lineno);
            goto out;
        }
        *eq = '\0';
        char *name = trim(s), *value = trim(eq + 1);
        char serr[256];
        if (sl_options_set(o, name, value, serr, sizeof serr) != 0) {
            snprintf(err, errlen, "%s:%d: %s", path, lineno, serr);
            goto out;
        }
    }
    rc = 0;
    set_str(&o->config, path, err, errlen);
out:
    free(buf);
    return rc;
}

const char *sl_options_board_path(const sl_options *o)
{
    const char *env = getenv(SL_BOARD_FILE_ENV);
    if (o->board_file && o->board_file[0])
        return o->board_file;
    return env && env[0] ? env : SL_BOARD_FILE_DEFAULT;
}

/* The board file's settings that are player settings of the same name. */
static const char *const board_settings[] = {"hub", "publisher-key", "region", "rotate", "size", "text-render"};

/* Applies one board file entry; -1 with err for a bad value. */
static int board_apply(sl_options *o, const char *path, const sl_board_entry *e, char *err, size_t errlen)
{
    if (!strcmp(e->key, "code")) {
        if (strlen(e->value) > 64) {
            snprintf(err, errlen, "code: '%.20s…' is too long for an enrolment code (XXXX-XXXX-XXXX)", e->value);
            return -1;
        }
        return set_str(&o->board_code, e->value, err, errlen);
    }
    if (!strcmp(e->key, "hub-ca")) {
        if (!strncmp(e->value, "-----BEGIN ", 11)) {
            free(o->hub_ca);
            o->hub_ca = NULL;
            return set_str(&o->hub_ca_pem, e->value, err, errlen);
        }
        char ca[1024];
        const char *slash = strrchr(path, '/');
        if (e->value[0] == '/' || !slash) /* a relative file is on the boot partition beside the board file */
            snprintf(ca, sizeof ca, "%s", e->value);
        else
            snprintf(ca, sizeof ca, "%.*s/%s", (int)(slash - path), path, e->value);
        if (!sl_fs_is_file(ca)) {
            snprintf(err, errlen, "hub-ca: %s is not a file (a PEM file beside the board file, or the PEM itself "
                                  "from -----BEGIN CERTIFICATE----- to -----END CERTIFICATE-----)", ca);
            return -1;
        }
        free(o->hub_ca_pem);
        o->hub_ca_pem = NULL;
        return sl_options_set(o, "hub-ca", ca, err, errlen);
    }
    for (size_t i = 0; i < sizeof board_settings / sizeof *board_settings; i++)
        if (!strcmp(e->key, board_settings[i]))
            return sl_options_set(o, e->key, e->value, err, errlen);
    return 1;
}

int sl_options_load_board(sl_options *o, const char *path, char *err, size_t errlen)
{
    char *buf = NULL, ferr[256];
    size_t len;
    sl_board b = {0};
    sl_log lg;
    int rc = -1;
    sl_log_init(&lg, "screenlit-player");
    if (!path || !sl_fs_is_file(path))
        return 1;
    if (sl_fs_read_file(path, SL_BOARD_FILE_MAX, &buf, &len, ferr, sizeof ferr) != 0) {
        snprintf(err, errlen, "board file %s", ferr);
        goto out;
    }
    if (sl_board_parse(buf, len, &b, ferr, sizeof ferr) != 0) {
        snprintf(err, errlen, "board file %s: %s", path, ferr);
        goto out;
    }
    for (size_t i = 0; i < b.n_errors; i++)
        sl_log_error(&lg, "board file %s: %s (line left out)", path, b.errors[i]);
    for (size_t i = 0; i < b.n; i++) {
        char why[400];
        int r = board_apply(o, path, &b.v[i], why, sizeof why);
        if (r < 0)
            sl_log_error(&lg, "board file %s: line %d: %s (line left out)", path, b.v[i].line, why);
        else if (r > 0)
            sl_log_warn(&lg, "board file %s: line %d: unknown setting '%.40s' ignored (the board file takes hub, "
                             "code, hub-ca, publisher-key, region, rotate, size, text-render; other settings go "
                             "in player.conf)", path, b.v[i].line, b.v[i].key);
    }
    sl_log_info(&lg, "board file %s read (%zu settings)", path, b.n);
    rc = 0;
out:
    if (buf)
        memset(buf, 0, len);
    free(buf);
    sl_board_free(&b);
    return rc;
}

static void help(void)
{
    printf("NAME\n"
           "    screenlit-player - show a campaign's slogans, posters and clips full screen\n"
           "\n"
           "SYNOPSIS\n"
           "    screenlit-player --playlist FILE [--output window|frames:DIR|null]\n"
           "        [--size WxH] [--region X,Y,W,H] [--rotate 0|90|180|270]\n"
           "        [--clock real|sim:ISO8601] [--run SECONDS] [--frames-every SECONDS]\n"
           "        [--journal FILE] [--config FILE] [OPTIONS]\n"
           "\n"
           "DESCRIPTION\n"
           "    Plays a playlist source (standalone mode): every zone loops through the\n"
           "    items its rules allow, with the same schedule as `screenlit preview`. The\n"
           "    next item is prepared while the current one plays, so there is no black\n"
           "    frame between items; when nothing may play, the fallback is shown. Every\n"
           "    play is written, when it ends, to a durable journal. On exit the player\n"
           "    prints the plays per item, and apart from them the items it could not\n"
           "    show. Items with errors (a clip that cannot be read, a missing picture) are\n"
           "    skipped with the reason in the log and the journal, and the rest plays; a\n"
           "    playlist that cannot be read at all is refused. On the real clock only the\n"
           "    first picture of each zone is decoded before the first frame is shown; the\n"
           "    others are checked right after it, and one that cannot be shown is then\n"
           "    left out of the schedule, logged and journaled the same way. An\n"
           "    edited playlist file is checked while the screen plays on and played once\n"
           "    ready; an edit that cannot be read is logged and the current content keeps\n"
           "    playing. With an enrolment file (--enroll-file) the screen enrols and\n"
           "    follows the hub; a playlist in the config file plays until then.\n"
           "\n"
           "OPTIONS\n");
    sl_opts_help(stdout, sl_opts_part(player_opts, 0));
    printf("\n"
           "MANAGED SCREENS (a hub publishes; see config/player.conf)\n");
    sl_opts_help(stdout, sl_opts_part(player_opts, 1));
    printf("\n"
           "SCREENS WITHOUT A NETWORK (USB sticks)\n");
    sl_opts_help(stdout, sl_opts_part(player_opts, 2));
    printf("\n"
           "KEYS (window)\n"
           "    d  diagnostic screen on/off    p  write a frame    q, Escape  quit\n"
           "\n"
           "SIGNALS\n"
           "    SIGTERM, SIGINT  stop as at the end of --run: the items on screen are\n"
           "                     recorded (\"player stopped\"), the summary printed, exit 0.\n"
           "\n"
           "EXIT STATUS\n"
           "    0 stopped normally, 1 could not start (bad playlist, no output), 2 wrong\n"
           "    arguments.\n");
}

int sl_options_parse_argv(sl_options *o, int argc, char **argv)
{
    char err[512];
    /* First pass: only --config, so that the command line overrides the file. */
    for (int i = 1; i < argc; i++) {
        const char *path = NULL;
        if (!strcmp(argv[i], "--config") && i + 1 < argc)
            path = argv[i + 1];
        else if (!strncmp(argv[i], "--config=", 9))
            path = argv[i] + 9;
        if (path && sl_options_load_file(o, path, err, sizeof err) != 0) {
            fprintf(stderr, "screenlit-player: %s\n", err);
            return 2;
        }
    }
    /* Then the board file (the config file or the command line may name it): it wins over the config
     * file, and the command line below wins over it. A board file with bad lines never stops the board. */
    bool asked = false;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h") || !strcmp(argv[i], "--version"))
            asked = true;
        const char *bf = NULL;
        if (!strcmp(argv[i], "--board-file") && i + 1 < argc)
            bf = argv[i + 1];
        else if (!strncmp(argv[i], "--board-file=", 13))
            bf = argv[i] + 13;
        if (bf && set_str(&o->board_file, bf, err, sizeof err) != 0)
            return 2;
    }
    if (!asked && sl_options_load_board(o, sl_options_board_path(o), err, sizeof err) < 0)
        fprintf(stderr, "screenlit-player: %s\n", err);
    int next;
    /* Whether the command line names a playlist (the config file's is a default). */
    char *conf_playlist = o->playlist;
    o->playlist = NULL;
    int res = sl_opts_parse(player_opts, o, argc, argv, &next, err, sizeof err);
    o->playlist_cli = o->playlist != NULL;
    if (o->playlist)
        free(conf_playlist);
    else
        o->playlist = conf_playlist;
    switch (res) {
    case SL_OPTS_HELP_ASKED:
        help();
        return 1;
    case SL_OPTS_STOPPED: /* --version */
        return 1;
    case SL_OPTS_ERROR:
        fprintf(stderr, "screenlit-player: %s\nTry 'screenlit-player --help'.\n", err);
        return 2;
    default:
        break;
    }
    if (next < argc) {
        fprintf(stderr, "screenlit-player: unexpected argument '%s'\nTry 'screenlit-player --help'.\n",
                argv[next]);
        return 2;
    }
    if ((o->frames_every_s > 0 || o->frames_at_switch) && strncmp(o->output, "frames:", 7) != 0) {
        fprintf(stderr, "screenlit-player: --frames-every and --frames-at-switch need "
                        "--output frames:DIR\n");
        return 2;
    }
    return 0;
}
