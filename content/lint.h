/* lint.h — checks a playlist source the way content staff need: every error and warning in one pass. */
#ifndef SL_LINT_H
#define SL_LINT_H

#include "content/diag.h"
#include "content/playlist.h"

#include <cjson/cJSON.h>

#include <stdint.h>

struct AVFrame;

#define SL_LINT_MAX_IMAGE_SIDE 8192 /* pixels: larger pictures are shown, with a warning */

/* The smallest screen a zone must still be visible on, and how many pixels
 * each way it needs there (a zone of 0.01 % shows nothing anywhere). */
#define SL_LINT_SMALLEST_SCREEN_W 320
#define SL_LINT_SMALLEST_SCREEN_H 180
#define SL_LINT_MIN_ZONE_PX 4

/* What one lint run opened. */
typedef struct {
    size_t media_files; /* distinct media files named (the same file named twice counts once) */
    size_t opened;      /* probes and picture decodes done: at most two per distinct file */
} sl_lint_stats;

/* The board a playlist's clips are checked for (what its video decoder plays smoothly):
 * generic (the default) warns about anything either Raspberry Pi model would not play
 * smoothly, since one channel's screens may be on either. */
typedef enum {
    SL_LINT_BOARD_GENERIC = 0, /* Raspberry Pi 4 and Pi 5: the limits of both */
    SL_LINT_BOARD_PI4,         /* H.264 in hardware up to 1080p60, H.265 (HEVC) up to 4K60 */
    SL_LINT_BOARD_PI5,         /* H.265 in hardware up to 4K60; H.264 in software, smooth up to 1080p30 */
} sl_lint_board;

/* "pi4", "pi5" or "generic"; 0, or -1 for another name. */
int sl_lint_board_parse(const char *name, sl_lint_board *out);

typedef struct {
    int64_t now_ms;          /* to warn about campaigns that already ended; 0 = do not check */
    sl_lint_board board;     /* the clips' codec, size and rate checks */
    const char *zoneinfo_dir; /* NULL = system default */
    bool probe_media;        /* open media as the player does (decode pictures; probe clips for
                              * sizes, durations, codecs) */
    bool for_publish;        /* publishing: media outside the playlist's folder is an error */
    sl_lint_stats *stats;    /* NULL, or filled by sl_lint_file */
    bool check_fonts;        /* name characters no installed font can draw (fontconfig) */
    /* NULL, or given each picture decoded while checking (probe_media), with
     * its item, full path and EXIF orientation; returning true takes the
     * frame (the callee frees it with av_frame_free). The player keeps the
     * first pictures it will show, so they are not decoded twice. */
    bool (*keep_picture)(void *ud, const sl_item *it, const char *path, struct AVFrame *frame,
                         int orientation);
    void *keep_ud;
    /* NULL, or asked (with keep_ud) before each picture is decoded (probe_media): false
     * checks only that the file is there, not that it can be shown (a
     * player's quick start-up check; it checks the rest later). */
    bool (*decode_picture)(void *ud, const sl_item *it);
    bool keep_model;         /* return the model even when items have errors (the standalone
                                player skips those items and plays the rest) */
    const char *media_dir;   /* NULL: media files are found by "file", relative to the playlist (and
                              * must have the "sha256" given beside it, if any). Set (the hub): an
                              * item's media is media_dir/<its "sha256">, a store named by hash (not
                              * hashed again); "file" is only its name, and an item without
                              * "sha256", or one the store lacks, is an error at its "sha256" */
} sl_lint_opts;

/* Lints the playlist source at `path`: JSON syntax, the format, media files
 * (inside the playlist's folder, regular files; pictures decoded with the
 * player's own decoder, clips probed, each distinct file once; sizes and
 * codecs the boards can play), zones (big enough, overlapping),
 * durations, eligibility (items that can never play) and frequency floors
 * that cannot be met. Every finding goes to diags. On success (no errors)
 * returns the model with media durations resolved; otherwise NULL, unless
 * opts->keep_model is set and the document itself is valid (only its checks
 * of media and the model found errors). */
sl_playlist *sl_lint_file(const char *path, const sl_lint_opts *opts, sl_diags *diags);

/* The same on a parsed source; base is the folder its "file"s are relative
 * to (unused with opts->media_dir). */
sl_playlist *sl_lint_json(const cJSON *root, const char *base, const sl_lint_opts *opts, sl_diags *diags);

/* The checks that need only the model (used on manifests too). */
void sl_lint_model(const sl_playlist *pl, const sl_lint_opts *opts, sl_diags *diags);

#endif
