/* standalone.h — a standalone player's playlist file: checked like lint, unplayable items skipped, edits re-checked off the render thread. */
#ifndef SL_STANDALONE_H
#define SL_STANDALONE_H

#include "content/log.h"
#include "content/playlist.h"
#include "content/record.h"
#include "player/loader.h"

#include <stdbool.h>
#include <stddef.h>

/* An item left out because it cannot be shown (lint found an error in it). */
typedef struct {
    char item[SL_RECORD_ID_MAX + 1];
    char zone[SL_RECORD_ID_MAX + 1]; /* its zone's id; "" for the fallback */
    char reason[256];                /* lint's message, valid UTF-8 text, cut to fit */
} sl_skip;

/* A playlist file read for playing. */
typedef struct {
    sl_playlist *pl; /* what can be played; the skipped items are not in it */
    sl_skip *skips;
    size_t n_skips;
    double check_s; /* how long reading and checking took */
    sl_kept_picture *kept; /* SL_LOAD_KEEP, SL_LOAD_QUICK: the first picture of each zone, decoded by the check */
    size_t n_kept;
    bool partial; /* SL_LOAD_QUICK: pictures other than the first of each zone not decoded yet */
    bool recheck; /* from sl_watch_recheck: the whole check of the version already playing */
} sl_loaded;

/* How much sl_standalone_load checks. */
typedef enum {
    SL_LOAD_FULL,  /* every item, as `screenlit lint` does */
    SL_LOAD_KEEP,  /* the same, keeping the first picture of each zone as decoded (out->kept) */
    SL_LOAD_QUICK, /* a start on the real clock: of the pictures, only the first of each zone (in
                      file order) and the fallback's are decoded (and kept); the others are only
                      looked for, and checked after the first frame (sl_watch_recheck) */
} sl_load_mode;

/* Reads the playlist at `path` and checks it like `screenlit lint` (media
 * probed), logging every finding. Items with errors are left out of the
 * model and listed in out->skips, each logged with its reason; the rest
 * plays (only the fallback when nothing is left). Returns 0, or -1 (logged,
 * *out empty) when the file cannot be played at all: it cannot be read, is
 * not a valid playlist, or has an error outside its items. With
 * SL_LOAD_KEEP and SL_LOAD_QUICK, out->kept holds the first picture (in file
 * order) of each zone as the check decoded it, for the loader
 * (sl_loader_keep): at start the first posters are then opened once, not
 * checked and decoded again. */
int sl_standalone_load(const char *path, const sl_log *log, sl_load_mode mode, sl_loaded *out);
/* Frees what a load holds (pl too, unless taken: set it to NULL); NULL is fine. */
void sl_loaded_free(sl_loaded *l);

/* Watches a playlist file: once a second a worker thread looks at it and,
 * when it changed, loads it (sl_standalone_load) there, so the render loop
 * never waits for the checks. */
typedef struct sl_watch sl_watch;

/* Starts watching, logging through a copy of *log; the file as it is now
 * is the baseline (not reported).
 * NULL when out of memory or no thread could start (logged). */
sl_watch *sl_watch_new(const char *path, const sl_log *log);
/* Asks for the whole check of the file (sl_standalone_load, SL_LOAD_FULL)
 * even if it did not change: after a quick start, once the first frame is
 * shown. The result comes from sl_watch_take with out->recheck set (or, if
 * the file was edited meanwhile, as an edit). NULL is fine. */
void sl_watch_recheck(sl_watch *w);
/* A new version checked and ready to play: moved into *out (true), or false.
 * Never blocks on the checks. */
bool sl_watch_take(sl_watch *w, sl_loaded *out);
/* Stops the thread (after a load in progress) and frees; NULL is fine. */
void sl_watch_free(sl_watch *w);

#endif
