/* engine.h — the player engine: zones, item switching, rendering, records; shared by its source files. */
#ifndef SL_ENGINE_H
#define SL_ENGINE_H

#include "content/log.h"
#include "content/playlist.h"
#include "content/sched.h"
#include "player/audio.h"
#include "player/managed/clock.h"
#include "player/journal.h"
#include "player/loader.h"
#include "player/options.h"
#include "player/recorder.h"
#include "player/standalone.h"
#include "player/text.h"
#include "player/ticker.h"
#include "player/vo.h"
#include "player/watchdog.h"

#include <SDL2/SDL.h>
#include <stdbool.h>
#include <stdint.h>

/* A ticker slogan whose passes have all entered and that is still crossing
 * the strip while the next one follows it; recorded once it has left. */
#define SL_TICKER_TRAIL_MAX 8
typedef struct {
    sl_pick pick;       /* start_ms = when its head entered */
    sl_prep *prep;
    SDL_Texture *tex;
    sl_ticker_geom geom;
    int64_t passes;
    int64_t leave_ms;   /* when its last pass leaves the left edge */
    bool cut_short;     /* its window or an urgent alert shortened it */
} sl_ticker_trail;

/* How long before the current item ends a zone's next clip is opened
 * (a clip playing there must have finished decoding first). */
#define SL_NEXT_CLIP_LEAD_MS 1500

/* What one zone is showing and what it will show next. */
typedef struct {
    int zone;
    SDL_Rect rect;          /* in canvas pixels */
    bool has_cur;
    sl_pick cur;            /* start_ms = when it really started */
    int64_t cur_end_ms;     /* planned end */
    sl_prep *cur_prep;
    bool cur_failed;        /* could not be shown: the fallback stands in */
    SDL_Texture *cur_tex;   /* text or picture */
    SDL_Texture *video_tex; /* streaming texture for video frames */
    int video_w, video_h;   /* its size, its SDL format and YUV mode (-1: ARGB) */
    Uint32 video_fmt;
    int video_mode;
    int video_draw_w, video_draw_h; /* the size it is drawn at (the renderer scales) */
    int64_t video_index;    /* the clip's frame shown last, -1 = none */
    int64_t video_tex_index; /* the frame in video_tex, -1 = none (an unseen output takes
                                frames without putting them there) */
    bool pending;           /* real clock: the next item is not ready; cur stays on screen */
    sl_pick pending_pick;
    sl_prep *pending_prep;
    bool has_next;
    sl_pick next;           /* predicted at the start of cur, prepared ahead */
    bool next_deferred;     /* it is a clip, opened only near cur's end */
    sl_prep *next_prep;
    sl_prep *fallback_prep; /* the fallback, prepared once for this zone's box (read it through
                               sl_engine_fallback: it is prepared after the first items) */
    bool fallback_checked;  /* fallback_prep was waited for (and a failure logged) */
    SDL_Texture *fallback_tex;
    sl_ticker_geom ticker;  /* the current item's, when it is a ticker (ticker.text_w > 0) */
    int64_t ticker_passes;  /* its passes planned in [start, cur_end) */
    sl_ticker_trail trail[SL_TICKER_TRAIL_MAX]; /* oldest first */
    int n_trail;
    sl_audio *audio;        /* real clock: the current item's sound, NULL when silent */
    bool audio_err_logged;  /* its decode error was logged */
    uint64_t drawn_key;     /* what it showed when last drawn (see sl_render_needed) */
    bool dirty;             /* its picture differs from the one on screen */
    bool drawn_black;       /* it had nothing to show when last drawn */
} sl_zone_state;

typedef struct {
    int64_t plays;  /* shown (completed or cut short) */
    int64_t ms;
    int64_t failed; /* due but could not be shown: the fallback stood in */
} sl_item_count;

/* A prepared picture kept for an item that comes back (see render.c). */
#define SL_PICTURE_CACHE 8 /* textures: 8 x 8 MB at 1080p */
typedef struct {
    SDL_Texture *tex;  /* NULL: free slot */
    int item;          /* index in the playlist */
    int box_w, box_h;  /* the box it was sized for */
    int64_t used;      /* for least-recently-used eviction */
} sl_picture_slot;

typedef struct sl_engine {
    const sl_options *opt;
    sl_log log;
    sl_playlist *pl;
    char *base_dir;     /* the playlist's folder: media paths are relative to it */
    char *media_dir;    /* a manifest's media: MEDIA_DIR/<sha256>; NULL for a local playlist */
    sl_tags tags;
    char screen_id[SL_RECORD_ID_MAX + 1];
    sl_vo vo;
    bool vo_begun, sdl_ok;
    sl_text *text;
    sl_loader *loader;
    sl_audio_out *audio_out;     /* real clock only; NULL: play without sound */
    sl_journal *journal;
    sl_recorder *recorder;       /* plays go to the journal through its writer thread */
    sl_clock clock;
    sl_history hist;
    sl_zone_state zones[SL_PLAYLIST_MAX_ZONES];
    sl_item fallback_image_item; /* --fallback-image, when given */
    SDL_Texture *canvas;         /* rotation: drawn here, then copied turned */
    int canvas_w, canvas_h;
    SDL_Rect region;             /* where the canvas goes on the output */
    sl_item_count *counts;       /* plays of this run, per item */
    int64_t frames_rendered, black_frames, frames_written, journal_errors;
    sl_skip *skips;              /* items of the playlist left out: they cannot be shown */
    size_t n_skips;
    int64_t skipped_total, failed_total; /* this run, across playlist changes */
    int64_t frame_gap_max_ns;    /* real clock: the longest loop turn (a freeze viewers would see) */
    /* Clips on the real clock: frames shown, frames skipped (a later one was
     * already due), and refreshes that showed the same frame again while the
     * clip had more to come. */
    int64_t video_shown, video_skipped, video_repeated;
    int64_t video_textures_made; /* clips' streaming textures made (kept from a clip to the next) */
    int64_t refreshes_missed;    /* real clock: refreshes not drawn because the machine was busy */
    int64_t now_frac_ns;         /* real clock: the player's time below the millisecond */
    int64_t waited_mono_ns;      /* real clock: when an update's wait for preparations ended
                                  * (the items began then; before the first frame the clock's
                                  * origin moved there), 0 = no wait; taken by the render loop */
    sl_picture_slot pictures[SL_PICTURE_CACHE];
    int64_t picture_clock;
    sl_kept_picture *kept; /* pictures the start-up check decoded, until the loader takes them */
    size_t n_kept;
    int64_t pictures_decoded, pictures_reused; /* pictures sent to the loader, or shown from the cache */
    int64_t texts_rendered, fallback_reused;   /* texts sent to the loader; fallback plays drawn from its start-up texture */
    bool drawn;                  /* a frame was drawn, with this key (see sl_render_needed) */
    uint64_t drawn_key;
    bool all_dirty;              /* the whole frame must be drawn again */
    int decoders_max;            /* the most clips decoding at once */
    int video_ahead_max;         /* the most frames a clip held decoded ahead */
    int video_threads_max;       /* the most threads a clip's decoder had */
    int64_t pixels_drawn;        /* real clock: pixels drawn (and presented) by the frames rendered */
    bool diagnostic;
    bool pictures_unchecked;     /* a quick start: pictures other than each zone's first are checked
                                    after the first frame (sl_watch_recheck, sl_engine_leave_out) */
    bool backdrop_tried;         /* sl_render_backdrop was called while the first items were prepared */
    bool fallbacks_due;          /* the zones' fallbacks are queued at the next update, behind the first items */
    /* Called once per loop turn (every frame on the real clock, every event on
     * the simulated one), e.g. to take a newly synced manifest and swap to it. */
    void (*tick)(struct sl_engine *e, int64_t now, void *ud);
    void *tick_ud;
    SDL_Texture *diag_tex;
    int64_t diag_stamp_s;        /* the second diag_tex was drawn for */
    sl_watchdog watchdog;        /* systemd: READY=1 at the first frame, pings from the loop */
} sl_engine;

/* engine.c */
/* $XDG_STATE_HOME/screenlit, ~/.local/state/screenlit, or /var/lib/screenlit. */
void sl_engine_default_state_dir(char *buf, size_t len);
int sl_engine_open(sl_engine *e, const sl_options *opt);
/* Opens with a playlist already loaded (a verified manifest whose media are
 * media_dir/<sha256>, or a built-in screen); takes ownership of pl. */
int sl_engine_open_with(sl_engine *e, const sl_options *opt, sl_playlist *pl, const char *media_dir);
int sl_engine_run(sl_engine *e);
void sl_engine_close(sl_engine *e);
/* Switches to another playlist at `now` (a new manifest, whose media are in
 * media_dir/<sha256>): the current plays end ("new content"), the zones are
 * laid out again, and the next update starts each zone once its first item
 * is prepared, so no black frame is shown. Takes ownership of npl. */
int sl_engine_swap(sl_engine *e, sl_playlist *npl, const char *media_dir, int64_t now);
/* Journals the items left out of the playlist just taken (outcome failed,
 * duration 0, reason "skipped: …") at `now` and keeps them for the summary;
 * takes ownership of skips. */
void sl_engine_skipped(sl_engine *e, sl_skip *skips, size_t n, int64_t now);
/* After a quick start (pictures_unchecked): the items the whole check found
 * cannot be shown (skips, from a load of the same file) that are still in
 * the playlist are left out of the schedule from `now` (one on screen plays
 * on), journaled as sl_engine_skipped does and added to the summary's list.
 * Returns how many were left out. */
size_t sl_engine_leave_out(sl_engine *e, const sl_skip *skips, size_t n, int64_t now);
/* Brings every zone up to date at `now` (starts, ends and switches items).
 * Real clock: zones with nothing up wait for their items' preparations and
 * begin when the wait ends, later than `now` (then waited_mono_ns says when). */
void sl_engine_update(sl_engine *e, int64_t now);
/* A zone's fallback, prepared (waits the first time if it is not yet, and
 * logs once when it cannot be shown); NULL when it cannot be shown. */
const sl_prep *sl_engine_fallback(sl_engine *e, sl_zone_state *z);

/* render.c */
/* Draws the frame for `now` into the output (not yet presented). */
void sl_render_frame(sl_engine *e, int64_t now);
/* The same, clips included on an unseen output (vo.unseen): the frame
 * about to be read back (a proof screenshot). */
void sl_render_frame_seen(sl_engine *e, int64_t now);
/* A display's first picture while the first items are prepared: the
 * zones' backgrounds, presented at once (not counted as a frame). The
 * display server takes the window's first whole picture (X11: maps its
 * shared memory) while the loader decodes, not after. Only outputs that
 * show on a display (vo.display) draw it: true when it was drawn. */
bool sl_render_backdrop(sl_engine *e);
/* Whether the frame for now differs from the one drawn last: something
 * moves (a ticker, a clip, the diagnostic screen) or a zone changed item.
 * A static poster is drawn once, not at every refresh. */
bool sl_render_needed(sl_engine *e);
/* After sl_render_needed: draws what changed. When the output keeps its
 * picture (vo.keeps_frame), no rotation or diagnostic screen is drawn and
 * each changed zone overlaps no other, only those zones are drawn and their
 * output rects put in rects (at most max_rects): returns how many (present
 * only those). Otherwise draws the whole frame and returns -1. */
int sl_render_update(sl_engine *e, int64_t now, SDL_Rect *rects, int max_rects);
/* Writes the frame just drawn as DIR/NAME. */
int sl_render_capture(sl_engine *e, const char *name);
/* Frees the textures of the zone's item; with keep_video, a clip's texture
 * stays for the zone's next clip (made again only when its size differs:
 * 30-50 ms at 1080p with the software renderer, frames due meanwhile). */
void sl_render_zone_textures_free(sl_zone_state *z, bool keep_video);
/* Before the clip prepared in prep begins in zone z (nothing up there): its
 * first frame is taken and put in the zone's texture, which the first draw
 * would otherwise make after the play began (a 1080p texture of the
 * software renderer: 30-50 ms, frames already due then). False when prep
 * is no clip or it could not. */
bool sl_render_video_ahead(sl_engine *e, sl_zone_state *z, sl_prep *prep);
/* Draws one ticker slogan: passes [0, passes) (passes < 0: all that have entered). */
void sl_render_ticker(sl_engine *e, const sl_zone_state *z, const sl_item *it, SDL_Texture *t,
                      const sl_ticker_geom *g, int64_t start_ms, int64_t passes, int64_t now);
/* Whether the picture of item `item` sized for a box_w×box_h box is kept
 * (the loader then need not decode it again). */
bool sl_picture_cached(const sl_engine *e, int item, int box_w, int box_h);
/* Frees every kept picture (a new playlist, closing). */
void sl_picture_cache_clear(sl_engine *e);

/* diagscreen.c */
void sl_diag_draw(sl_engine *e, int64_t now);

#endif
