/* loader.h — prepares the next items (text, pictures, video) on a worker thread, ahead of time. */
#ifndef SL_LOADER_H
#define SL_LOADER_H

#include "content/log.h"
#include "content/playlist.h"
#include "player/decode.h"
#include "player/text.h"

#include <SDL2/SDL.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <time.h>

typedef struct sl_loader sl_loader;

/* Frames a clip decodes ahead of the one shown (about 3 MB each at 1080p in
 * YUV): 100 ms at 30 fps, enough to ride out a slow frame (a key frame, a
 * busy CPU) without holding a clip's worth of memory. The player's summary
 * says how many were ever waiting (`clip frames decoded ahead at most`). */
#define SL_LOADER_CLIP_QUEUE 3

/* A picture decoded full size while the playlist was checked, kept for its
 * first show; the file is known by its identity then (device, inode, size,
 * modification time), so a file replaced since is decoded again. */
typedef struct {
    struct AVFrame *frame;
    int orientation;
    dev_t dev;
    ino_t ino;
    off_t size;
    struct timespec mtime;
} sl_kept_picture;

/* Frees kept pictures and the array; NULL is fine. */
void sl_kept_pictures_free(sl_kept_picture *v, size_t n);

/* One preparation: what the main thread needs to show an item in a box. */
typedef struct sl_prep {
    const sl_item *item; /* borrowed from the playlist, which outlives the prep */
    char *media_path;    /* resolved file for media items; NULL for text */
    int box_w, box_h;
    /* results, valid once ready: */
    SDL_Surface *surface; /* text or picture, ARGB8888, already sized; NULL for video/audio */
    sl_video *video;      /* opened and decoding; owned by the prep until taken */
    bool failed;
    char err[256];
    /* private */
    bool done;
    struct sl_prep *next;
} sl_prep;

/* For tests only: the environment variable SL_TEST_LOADER="delay=MS" makes
 * every preparation take MS ms longer (a slow card, a clip slow to open),
 * said by a warning in log at start. */
sl_loader *sl_loader_new(sl_text *text, bool try_hw, const sl_log *log, char *err, size_t errlen);
/* Stops the worker (after the job in progress) and frees pending jobs; NULL is fine. */
void sl_loader_free(sl_loader *l);

/* Takes pictures decoded while the playlist was checked (v, n; v may be
 * NULL): the first preparation of each of those files uses its picture
 * instead of opening and decoding the file again. */
void sl_loader_keep(sl_loader *l, sl_kept_picture *v, size_t n);
/* Frees the kept pictures no preparation has used (once the first frame is
 * shown: a picture not shown first is decoded when it is due). */
void sl_loader_drop_kept(sl_loader *l);
/* How many preparations used a kept picture instead of decoding the file. */
long long sl_loader_kept_used(sl_loader *l);

/* Queues the preparation of an item for a box; media_path may be NULL for
 * text. Returns NULL only when out of memory. */
sl_prep *sl_loader_submit(sl_loader *l, const sl_item *item, const char *media_path, int box_w,
                          int box_h);
/* The same, done only once no preparation submitted the usual way waits
 * (a zone's fallback: the first items are shown sooner). */
sl_prep *sl_loader_submit_later(sl_loader *l, const sl_item *item, const char *media_path, int box_w,
                                int box_h);
/* Whether it is prepared (never blocks). */
bool sl_prep_ready(sl_loader *l, sl_prep *p);
/* Blocks until it is prepared (simulated clock). */
void sl_prep_wait(sl_loader *l, sl_prep *p);
/* Frees a prep's surface (a picture's is laid over pixels it owns); NULL is fine. */
void sl_loader_surface_free(SDL_Surface *s);
/* Frees a prep and whatever results it still owns; it must be ready or
 * never submitted. NULL is fine. */
void sl_prep_free(sl_prep *p);
/* Drops a submitted prep whatever its state: unqueues it when not started,
 * waits for it when in progress, then frees it. NULL is fine. */
void sl_loader_discard(sl_loader *l, sl_prep *p);

#endif
