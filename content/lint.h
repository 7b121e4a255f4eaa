/* lint.h — checks a playlist source the way content staff need: every error and warning in one pass. */
#ifndef SL_LINT_H
#define SL_LINT_H

#include "content/diag.h"
#include "content/playlist.h"

#include <stdint.h>

#define SL_LINT_MAX_IMAGE_SIDE 8192 /* pixels */

typedef struct {
    int64_t now_ms;          /* to warn about campaigns that already ended; 0 = do not check */
    const char *zoneinfo_dir; /* NULL = system default */
    bool probe_media;        /* open media with libavformat (sizes, durations, codecs) */
    bool keep_model;         /* return the model even when items have errors (the standalone
                                player skips those items and plays the rest) */
} sl_lint_opts;

/* Lints the playlist source at `path`: JSON syntax, the format, media files
 * (exist, readable, probe-able; sizes and codecs the boards can play),
 * durations, eligibility (items that can never play) and frequency floors
 * that cannot be met. Every finding goes to diags. On success (no errors)
 * returns the model with media durations resolved; otherwise NULL, unless
 * opts->keep_model is set and the document itself is valid (only its checks
 * of media and the model found errors). */
sl_playlist *sl_lint_file(const char *path, const sl_lint_opts *opts, sl_diags *diags);

/* The checks that need only the model (used on manifests too). */
void sl_lint_model(const sl_playlist *pl, const sl_lint_opts *opts, sl_diags *diags);

#endif
