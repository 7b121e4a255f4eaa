/* options.c — player settings from defaults, a config file and the command line, with one setter. */
#include "player/options.h"

#include "content/fsutil.h"
#include "content/keys.h"
#include "content/timeutil.h"
#include "content/wire.h"
#include "player/managed/device.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
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

int sl_options_set(sl_options *o, const char *name, const char *v, char *err, size_t errlen)
{
    long a, b, c, d;
    if (!strcmp(name, "playlist"))
        return set_str(&o->playlist, v, err, errlen);
    if (!strcmp(name, "output")) {
        if (strcmp(v, "window") && strcmp(v, "null") && (strncmp(v, "frames:", 7) || !v[7])) {
            snprintf(err, errlen, "output: '%s' is not window, frames:DIR or null", v);
            return -1;
        }
        return set_str(&o->output, v, err, errlen);
    }
    if (!strcmp(name, "size")) {
        char x;
        if (sscanf(v, "%ld%c%ld", &a, &x, &b) != 3 || (x != 'x' && x != 'X') || a < 16 ||
            b < 16 || a > 16384 || b > 16384) {
            snprintf(err, errlen, "size: '%s' is not WIDTHxHEIGHT (16 to 16384 each)", v);
            return -1;
        }
        o->size_w = (int)a;
        o->size_h = (int)b;
        return 0;
    }
    if (!strcmp(name, "region")) {
        char tail;
        if (sscanf(v, "%ld,%ld,%ld,%ld%c", &a, &b, &c, &d, &tail) != 4 || a < 0 || b < 0 ||
            c < 1 || d < 1 || a > 16384 || b > 16384 || c > 16384 || d > 16384) {
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
    if (!strcmp(name, "rotate")) {
        if (parse_int(v, 0, 270, &a) != 0 || a % 90 != 0) {
            snprintf(err, errlen, "rotate: '%s' is not 0, 90, 180 or 270", v);
            return -1;
        }
        o->rotate = (int)a;
        return 0;
    }
    if (!strcmp(name, "clock")) {
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
    if (!strcmp(name, "run")) {
        if (parse_seconds(v, &o->run_s) != 0) {
            snprintf(err, errlen, "run: '%s' is not a number of seconds", v);
            return -1;
        }
        return 0;
    }
    if (!strcmp(name, "frames-every")) {
        if (parse_seconds(v, &o->frames_every_s) != 0 || (o->frames_every_s > 0 && o->frames_every_s < 0.001)) {
            snprintf(err, errlen, "frames-every: '%s' is not a number of seconds (at least 0.001)", v);
            return -1;
        }
        return 0;
    }
    if (!strcmp(name, "frames-at-switch"))
        goto boolean;
    if (!strcmp(name, "journal"))
        return set_str(&o->journal, v, err, errlen);
    if (!strcmp(name, "state-dir"))
        return set_str(&o->state_dir, v, err, errlen);
    if (!strcmp(name, "screen-id"))
        return set_str(&o->screen_id, v, err, errlen);
    if (!strcmp(name, "tags"))
        return set_str(&o->tags, v, err, errlen);
    if (!strcmp(name, "font"))
        return set_str(&o->font, v, err, errlen);
    if (!strcmp(name, "font-index")) {
        if (parse_int(v, 0, 64, &a) != 0) {
            snprintf(err, errlen, "font-index: '%s' is not 0 to 64", v);
            return -1;
        }
        o->font_index = a;
        return 0;
    }
    if (!strcmp(name, "text-render")) {
        if (!strcmp(v, "item"))
            o->text_render = -1;
        else if (!strcmp(v, "smooth"))
            o->text_render = 0;
        else if (!strcmp(v, "crisp"))
            o->text_render = 1;
        else {
            snprintf(err, errlen, "text-render: '%s' is not item, smooth or crisp", v);
            return -1;
        }
        return 0;
    }
    if (!strcmp(name, "fallback-image"))
        return set_str(&o->fallback_image, v, err, errlen);
    if (!strcmp(name, "diagnostic") || !strcmp(name, "hw-decode"))
        goto boolean;
    if (!strcmp(name, "fps")) {
        if (parse_int(v, 1, 240, &a) != 0) {
            snprintf(err, errlen, "fps: '%s' is not 1 to 240", v);
            return -1;
        }
        o->fps = (int)a;
        return 0;
    }
    if (!strcmp(name, "log-level")) {
        if (strcmp(v, "error") && strcmp(v, "warn") && strcmp(v, "info") && strcmp(v, "debug")) {
            snprintf(err, errlen, "log-level: '%s' is not error, warn, info or debug", v);
            return -1;
        }
        return set_str(&o->log_level, v, err, errlen);
    }
    if (!strcmp(name, "hub") || !strcmp(name, "media-url")) {
        if ((strncmp(v, "http://", 7) && strncmp(v, "https://", 8)) || strlen(v) > 512) {
            snprintf(err, errlen, "%s: '%.80s' is not an http:// or https:// URL", name, v);
            return -1;
        }
        return set_str(!strcmp(name, "hub") ? &o->hub : &o->media_url, v, err, errlen);
    }
    if (!strcmp(name, "enroll"))
        return set_str(&o->enroll_code, v, err, errlen);
    if (!strcmp(name, "enroll-file"))
        return set_str(&o->enroll_file, v, err, errlen);
    if (!strcmp(name, "hub-ca")) {
        if (!v[0] || strlen(v) >= 1024) {
            snprintf(err, errlen, "hub-ca: give the path of a PEM certificate file (at most 1023 bytes)");
            return -1;
        }
        return set_str(&o->hub_ca, v, err, errlen);
    }
    if (!strcmp(name, "publisher-key")) {
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
    if (!strcmp(name, "poll-interval") || !strcmp(name, "alert-poll") || !strcmp(name, "heartbeat-interval")) {
        double x;
        bool zero_ok = !strcmp(name, "alert-poll");
        if (parse_seconds(v, &x) != 0 || (x < 1 && !(zero_ok && x == 0)) || x > 86400) {
            snprintf(err, errlen, "%s: '%s' is not a number of seconds from 1 to 86400%s", name, v,
                     zero_ok ? " (or 0: off)" : "");
            return -1;
        }
        *(!strcmp(name, "poll-interval") ? &o->poll_s : zero_ok ? &o->alert_poll_s : &o->heartbeat_s) = x;
        return 0;
    }
    if (!strcmp(name, "channel")) {
        if (!sl_wire_id_ok(v)) {
            snprintf(err, errlen, "channel: '%.80s' is not 1 to 64 letters, digits, '.', '_' or '-' (the name "
                                  "the bundles for this screen were made with: screenlit bundle --channel NAME)", v);
            return -1;
        }
        return set_str(&o->channel, v, err, errlen);
    }
    if (!strcmp(name, "usb-path")) {
        if (!v[0] || !strcmp(v, "off")) {
            free(o->usb_path);
            o->usb_path = NULL;
            return 0;
        }
        return set_str(&o->usb_path, v, err, errlen);
    }
    if (!strcmp(name, "screenshot-interval")) {
        char *end;
        double x = strtod(v, &end);
        if (!v[0] || *end || !(x == 0 || (x >= 1 && x <= 1440))) {
            snprintf(err, errlen, "screenshot-interval: '%s' is not a number of minutes from 1 to 1440 (or 0: only "
                                  "when the hub asks)", v);
            return -1;
        }
        o->screenshot_min = x;
        return 0;
    }
    if (!strcmp(name, "usb-poll")) {
        if (parse_seconds(v, &o->usb_poll_s) != 0 || o->usb_poll_s < 1 || o->usb_poll_s > 3600) {
            snprintf(err, errlen, "usb-poll: '%s' is not a number of seconds from 1 to 3600", v);
            return -1;
        }
        return 0;
    }
    if (!strcmp(name, "disk-limit")) {
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
        o->disk_limit_bytes = (int64_t)(x * mul);
        return 0;
    }
    snprintf(err, errlen, "'%s' is not a setting", name);
    return -1;
boolean : {
    bool x;
    if (parse_bool(v, &x) != 0) {
        snprintf(err, errlen, "%s: '%s' is not yes or no", name, v);
        return -1;
    }
    if (!strcmp(name, "frames-at-switch"))
        o->frames_at_switch = x;
    else if (!strcmp(name, "diagnostic"))
        o->diagnostic = x;
    else
        o->hw_decode = x;
    return 0;
}
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

static void help(void)
{
    printf(
        "NAME\n"
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
        "    prints the plays per item. On the real clock, an edited playlist file is\n"
        "    checked and played at once; an edit with errors is logged and the current\n"
        "    content keeps playing.\n"
        "\n"
        "OPTIONS\n"
        "    --playlist FILE       the playlist source to play\n"
        "    --output OUT          window (full screen; X11, Wayland or KMSDRM),\n"
        "                          frames:DIR (offscreen, PNG frames into DIR) or null\n"
        "                          (renders, shows nothing). Default: window\n"
        "    --size WxH            output size for frames/null (default 1920x1080);\n"
        "                          for window, a window of that size instead of full screen\n"
        "    --region X,Y,W,H      draw into exactly this rectangle of the output,\n"
        "                          unscaled, the rest black (an LED wall behind an HDMI\n"
        "                          sending card)\n"
        "    --rotate N            0, 90, 180 or 270 degrees clockwise (portrait screens)\n"
        "    --clock real|sim:T|from:T|real-at:T\n"
        "                          the real clock (default); simulated time from T\n"
        "                          (e.g. sim:2026-11-25T08:00:00+08:00), run as fast as the\n"
        "                          machine allows, deterministic; or real-time pace starting\n"
        "                          at T (to watch next Tuesday in a window). real-at:T is\n"
        "                          a testing and diagnosis aid: the real clock of a board\n"
        "                          whose clock said T at start and that NTP has not set\n"
        "                          (e.g. real-at:1970-01-01T00:00:00Z, a Pi without RTC or\n"
        "                          network); its plays are untrusted until the hub's time\n"
        "                          is seen, then corrected\n"
        "    --run SECONDS         stop after this long (simulated or real); default: run\n"
        "                          until stopped\n"
        "    --frames-every S      with frames:DIR, write a frame every S seconds of\n"
        "                          playback (frame-<ms since start>.png)\n"
        "    --frames-at-switch    with frames:DIR, also write a frame at every item start\n"
        "    --journal FILE        the play journal (default STATE_DIR/journal.db)\n"
        "    --state-dir DIR       the player's state folder (default\n"
        "                          $XDG_STATE_HOME/screenlit or ~/.local/state/screenlit)\n"
        "    --screen-id ID        this screen's id in play records (default: host name)\n"
        "    --tags LIST           this screen's tags, e.g. bank,lobby\n"
        "    --font FILE           default font (default Noto Sans CJK SC)\n"
        "    --font-index N        face index in a font collection\n"
        "    --text-render R       item (default: as each item says), smooth, or crisp\n"
        "                          for every text on this screen (LED walls: no\n"
        "                          anti-aliasing, monochrome hinting, pixel-exact)\n"
        "    --fallback-image FILE a picture shown when nothing may play\n"
        "    --diagnostic          start on the installer diagnostic screen (key d\n"
        "                          toggles it in a window)\n"
        "    --hw-decode yes|no    try hardware video decoders first (default yes)\n"
        "    --fps N               frame rate for offscreen outputs on the real clock (30)\n"
        "    --log-level L         error, warn, info (default) or debug\n"
        "    --config FILE         read settings from FILE first ('name = value' lines\n"
        "                          with the names above; see config/player.conf)\n"
        "    -h, --help            show this help;  --version  show the version\n"
        "\n"
        "MANAGED SCREENS (a hub publishes; see config/player.conf)\n"
        "    --hub URL             the hub; with it no --playlist is needed: the screen\n"
        "                          plays its last verified manifest from STATE_DIR (or\n"
        "                          a waiting screen) and follows the hub\n"
        "    --enroll CODE         exchange a one-time enrolment code for this screen's\n"
        "                          device token (kept in STATE_DIR/device.json, mode 0600)\n"
        "    --enroll-file FILE    a file with \"hub = URL\" and \"code = CODE\" lines,\n"
        "                          and optionally \"hub-ca = FILE\" (relative to its\n"
        "                          folder), deleted once used (default\n"
        "                          /boot/firmware/screenlit-enroll.txt)\n"
        "    --hub-ca FILE         for an https:// hub: trust only the certificates in\n"
        "                          this PEM file (a private CA, or the hub's own\n"
        "                          self-signed certificate) instead of the system's CA\n"
        "                          store. Every request to the hub (and to --media-url)\n"
        "                          checks the certificate and host name; a refused one\n"
        "                          is logged with the reason (expired, unknown CA,\n"
        "                          hostname mismatch) and never retried over http://.\n"
        "                          The CA used at enrolment is kept in\n"
        "                          STATE_DIR/hub-ca.pem; this setting wins over it\n"
        "    --publisher-key B64   a publisher's public key; manifests signed by any\n"
        "                          other are refused (repeat for several). \"B64\n"
        "                          channels=A,B\" (one argument) pins it for those\n"
        "                          channels only: a manifest of another channel\n"
        "                          signed with it is refused\n"
        "    --poll-interval S     manifest poll, seconds ±10 %% (default 60)\n"
        "    --alert-poll S        urgent-alert poll, seconds (default 5; 0 = off)\n"
        "    --heartbeat-interval S  status to the hub, seconds (default 60)\n"
        "    --screenshot-interval MIN  a screenshot of the frame shown every MIN\n"
        "                          minutes, as proof (default 30; 0 = only when the hub\n"
        "                          asks)\n"
        "    --disk-limit SIZE     the most the media store may hold (8G, 500M; 0 =\n"
        "                          the disk's free space)\n"
        "    --media-url URL       fetch /media/<sha256> from this server (default: hub)\n"
        "\n"
        "SCREENS WITHOUT A NETWORK (USB sticks)\n"
        "    --usb-path DIR        watch DIR (where a stick is mounted, e.g.\n"
        "                          /media/screenlit) for a bundle made by `screenlit\n"
        "                          bundle`: its signature (against publisher-key) and\n"
        "                          every file's SHA-256 are checked, the media copied to\n"
        "                          the state folder, and the screen switches to it, as\n"
        "                          after a hub update; a bad bundle is refused, logged,\n"
        "                          and the current content keeps playing. With or without\n"
        "                          a hub; without one, set --screen-id to the screen's id\n"
        "                          in the hub's inventory. Default: off\n"
        "    --usb-poll SECONDS    how often to look at DIR (default 5; of simulated time\n"
        "                          with --clock sim:)\n"
        "    --channel NAME        the channel of a screen without a hub (default usb,\n"
        "                          the default of `screenlit bundle --channel`): a\n"
        "                          bundle signed for another channel is refused, logged\n"
        "                          (\"USB bundle for channel station-hall refused: this\n"
        "                          screen plays usb\"), and the current content keeps\n"
        "                          playing. Versions are compared within a channel. An\n"
        "                          enrolled screen ignores this setting: its channel is\n"
        "                          the one the hub's inventory gives it, and it takes\n"
        "                          hub manifests and bundles of that channel only\n"
        "    --export-records DIR  write the plays the hub has not acknowledged to\n"
        "                          DIR/records/<screen>-<first seq>-<last seq>.json and\n"
        "                          exit, for `screenlit records import`; they stay in the\n"
        "                          journal until the hub acknowledges them\n"
        "\n"
        "KEYS (window)\n"
        "    d  diagnostic screen on/off    p  write a frame    q, Escape  quit\n"
        "\n"
        "EXIT STATUS\n"
        "    0 stopped normally, 1 could not start (bad playlist, no output), 2 wrong\n"
        "    arguments.\n");
}

int sl_options_parse_argv(sl_options *o, int argc, char **argv)
{
    static const struct option opts[] = {
        {"playlist", required_argument, NULL, 0},   {"output", required_argument, NULL, 0},
        {"size", required_argument, NULL, 0},       {"region", required_argument, NULL, 0},
        {"rotate", required_argument, NULL, 0},     {"clock", required_argument, NULL, 0},
        {"run", required_argument, NULL, 0},        {"frames-every", required_argument, NULL, 0},
        {"frames-at-switch", no_argument, NULL, 0}, {"journal", required_argument, NULL, 0},
        {"state-dir", required_argument, NULL, 0},  {"screen-id", required_argument, NULL, 0},
        {"tags", required_argument, NULL, 0},       {"font", required_argument, NULL, 0},
        {"font-index", required_argument, NULL, 0}, {"fallback-image", required_argument, NULL, 0},
        {"text-render", required_argument, NULL, 0},
        {"diagnostic", no_argument, NULL, 0},       {"hw-decode", required_argument, NULL, 0},
        {"fps", required_argument, NULL, 0},        {"log-level", required_argument, NULL, 0},
        {"config", required_argument, NULL, 0},     {"help", no_argument, NULL, 'h'},
        {"hub", required_argument, NULL, 0},        {"enroll", required_argument, NULL, 0},
        {"enroll-file", required_argument, NULL, 0}, {"publisher-key", required_argument, NULL, 0},
        {"hub-ca", required_argument, NULL, 0},
        {"poll-interval", required_argument, NULL, 0}, {"alert-poll", required_argument, NULL, 0},
        {"heartbeat-interval", required_argument, NULL, 0}, {"disk-limit", required_argument, NULL, 0},
        {"media-url", required_argument, NULL, 0},  {"screenshot-interval", required_argument, NULL, 0},
        {"usb-path", required_argument, NULL, 0},   {"usb-poll", required_argument, NULL, 0},
        {"channel", required_argument, NULL, 0},
        {"export-records", required_argument, NULL, 0},
        {"version", no_argument, NULL, 'V'},        {NULL, 0, NULL, 0}};
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
    int c, idx;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", opts, &idx)) != -1) {
        if (c == 'h') {
            help();
            return 1;
        }
        if (c == 'V') {
            printf("screenlit-player 0.1.0\n");
            return 1;
        }
        if (c == ':') {
            fprintf(stderr, "screenlit-player: '%s' needs a value\nTry 'screenlit-player --help'.\n",
                    argv[optind - 1]);
            return 2;
        }
        if (c != 0) {
            fprintf(stderr, "screenlit-player: unknown option '%s'\nTry 'screenlit-player --help'.\n",
                    argv[optind - 1]);
            return 2;
        }
        const char *name = opts[idx].name;
        if (!strcmp(name, "config"))
            continue;
        if (!strcmp(name, "export-records")) { /* a command, not a setting: not in config files */
            if (set_str(&o->export_records, optarg, err, sizeof err) != 0) {
                fprintf(stderr, "screenlit-player: %s\n", err);
                return 2;
            }
            continue;
        }
        const char *value = optarg;
        if (opts[idx].has_arg == no_argument)
            value = "yes";
        if (sl_options_set(o, name, value, err, sizeof err) != 0) {
            fprintf(stderr, "screenlit-player: %s\nTry 'screenlit-player --help'.\n", err);
            return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "screenlit-player: unexpected argument '%s'\nTry 'screenlit-player --help'.\n",
                argv[optind]);
        return 2;
    }
    if (!o->playlist && !o->hub && !o->enroll_code && !o->usb_path && !o->export_records) {
        fprintf(stderr, "screenlit-player: --playlist FILE is missing (or --hub URL for a managed "
                        "screen, or --usb-path DIR for one fed by USB sticks)\nTry 'screenlit-player --help'.\n");
        return 2;
    }
    if ((o->frames_every_s > 0 || o->frames_at_switch) && strncmp(o->output, "frames:", 7) != 0) {
        fprintf(stderr, "screenlit-player: --frames-every and --frames-at-switch need "
                        "--output frames:DIR\n");
        return 2;
    }
    return 0;
}
