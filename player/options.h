/* options.h — the player's settings: defaults, then the config file, then the command line. */
#ifndef SL_OPTIONS_H
#define SL_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    char *playlist;      /* local playlist source (standalone mode) */
    bool playlist_cli;   /* the playlist was given on the command line, not only in the config file */
    char *output;        /* "window", "frames:DIR", "null" (checked by sl_vo_parse_spec) */
    int size_w, size_h;  /* output size; 0 = display size (window) or SL_VO_DEFAULT_W x _H (player/vo.h) */
    bool has_region;
    int region_x, region_y, region_w, region_h;
    int rotate;          /* 0, 90, 180, 270 */
    bool sim;            /* simulated clock */
    int64_t sim_start_ms;
    bool shifted;        /* --clock from:T: real pace from T */
    bool skewed;         /* --clock real-at:T: the real clock of an unsynced board saying T at start */
    double run_s;        /* 0 = until stopped */
    double frames_every_s; /* 0 = only on demand */
    bool frames_at_switch; /* also write a frame at every item start */
    char *journal;       /* play journal file */
    char *state_dir;
    char *screen_id;
    char *tags;          /* "bank,lobby" */
    char *font;          /* default font file */
    long font_index;
    int text_render;     /* -1 = as each item says, else sl_render for every text (an LED wall) */
    char *fallback_image; /* shown instead of the playlist's fallback when set */
    bool diagnostic;     /* start with the installer diagnostic screen */
    bool hw_decode;
    int fps;             /* frames per second with the real clock for offscreen outputs */
    char *log_level;
    char *config;        /* the config file read, if any */

    /* Managed screens (player/managed/device.h, sync.h, uploader.h, heartbeat.h). */
    char *hub;           /* hub URL to enrol with ("hub = URL", --hub) */
    char *enroll_code;   /* one-time enrolment code (--enroll CODE) */
    char *enroll_file;   /* code file on the boot partition; default SL_ENROLL_FILE_DEFAULT */
    char *hub_ca;        /* PEM CA (or the hub's self-signed certificate) trusted for https; NULL = system store */
    char *board_file;    /* the board file (player/boardfile.h); NULL = $SCREENLIT_BOARD_FILE or SL_BOARD_FILE_DEFAULT */
    char *board_code;    /* "code = …" of the board file: enrols once (player/managed/managed.c) */
    char *hub_ca_pem;    /* "hub-ca = -----BEGIN …" inline in the board file; used when hub_ca is not set */
    char **publisher_keys; /* pinned publisher keys, base64 ("publisher-key = …", repeated) */
    size_t n_publisher_keys;
    double poll_s;       /* manifest poll interval; default 60 */
    double alert_poll_s; /* urgent-alert poll interval; 0 = off; default 5 */
    double heartbeat_s;  /* heartbeat interval; default 60 */
    double screenshot_min; /* a proof screenshot every this many minutes (of the clock in use); 0 = only when the hub asks; default 30 */
    int64_t disk_limit_bytes; /* media store limit; 0 = only the disk's free space */
    char *media_url;     /* serves /media/<sha256>; NULL = the hub */

    /* USB bundles (player/managed/usb.h) and offline proof of play (player/managed/export.h). */
    char *usb_path;      /* where a stick with a bundle is mounted; NULL = not watched */
    double usb_poll_s;   /* how often to look there; default 5 */
    char *channel;       /* the channel of a screen without a hub; NULL = "usb" (screenlit bundle's default) */
    char *export_records; /* --export-records DIR: write unacknowledged plays there and exit */
    /* Not an option: set by main when a standalone playlist is watched (sl_watch),
     * so the pictures not decoded before the first frame are checked after it. */
    bool check_after_start;
} sl_options;

#define SL_ENROLL_FILE_DEFAULT "/boot/firmware/screenlit-enroll.txt"

/* Fills defaults. */
void sl_options_defaults(sl_options *o);
void sl_options_free(sl_options *o); /* NULL is fine */

/* Sets one setting by its long name ("output", "size", "clock", …) from text,
 * through the option table of options.c: the one list of settings, from
 * which the command line, config files and --help all come (a setting X is
 * --X on the command line and "X = value" in a config file; --config,
 * --export-records, --help and --version are for the command line only).
 * Returns 0, or -1 with a message (unknown name or bad value). */
int sl_options_set(sl_options *o, const char *name, const char *value, char *err, size_t errlen);

/* Reads "name = value" lines ('#' starts a comment). Errors name the line. */
int sl_options_load_file(sl_options *o, const char *path, char *err, size_t errlen);

/* The board file's path: o->board_file, else $SCREENLIT_BOARD_FILE, else SL_BOARD_FILE_DEFAULT. */
const char *sl_options_board_path(const sl_options *o);

/* Applies the board file at path when it exists (player/boardfile.h): hub,
 * code, hub-ca (a file, relative to the board file's folder, or an inline
 * PEM), publisher-key, region, rotate, size and text-render. A bad line or
 * value is logged as an error with its line number and left out; an unknown
 * key is logged as a warning; the other lines apply. Returns 1 when there is
 * no such file, 0 when it was read (even with bad lines), -1 when it could
 * not be read at all (err says why). */
int sl_options_load_board(sl_options *o, const char *path, char *err, size_t errlen);

/* Parses argv: --config is read first, then every other option overrides it.
 * Returns 0 to run, 1 when --help/--version was printed, 2 on a usage error
 * (message printed). */
int sl_options_parse_argv(sl_options *o, int argc, char **argv);

#endif
