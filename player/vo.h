/* vo.h — output drivers behind one const table of function pointers (window, frames, null). */
#ifndef SL_VO_H
#define SL_VO_H

#include <SDL2/SDL.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct sl_vo sl_vo;

typedef struct {
    bool quit;            /* the window was closed or Escape/q pressed */
    bool toggle_diagnostic; /* the installer pressed 'd' */
    bool capture;         /* the installer pressed 'p': write a frame now */
    bool redraw;          /* the window was uncovered or resized: draw it again */
} sl_vo_events;

typedef struct {
    const char *name;
    /* Creates the output (window or offscreen surface) and vo->renderer.
     * vo->out_w/out_h hold the requested size (0 = the display's size, or
     * SL_VO_DEFAULT_W x SL_VO_DEFAULT_H without a display). On failure what
     * was made stays in vo for uninit to free. */
    int (*init)(sl_vo *vo, char *err, size_t errlen);
    /* Shows what was drawn. */
    void (*present)(sl_vo *vo);
    /* Shows only rects[0..n) of what was drawn (output pixels), the rest of
     * the screen keeping its picture; NULL when the output cannot (present
     * then shows all). Used only when vo->keeps_frame. */
    void (*present_rects)(sl_vo *vo, const SDL_Rect *rects, int n);
    /* Reads back the frame drawn (call before present) into a new ARGB8888 surface. */
    SDL_Surface *(*read_frame)(sl_vo *vo);
    /* Collects input events; offscreen drivers report none. */
    void (*poll_events)(sl_vo *vo, sl_vo_events *ev);
    /* Frees the output; also after a failed init (any part may be missing). */
    void (*uninit)(sl_vo *vo);
} sl_vo_driver;

/* The output size when neither the options (--size) nor the display give one. */
#define SL_VO_DEFAULT_W 1920
#define SL_VO_DEFAULT_H 1080
#define SL_VO_FRAMES_DIR_MAX 1024 /* room for the folder of frames:DIR */

struct sl_vo {
    const sl_vo_driver *driver;
    void *priv;              /* the driver's own state */
    SDL_Renderer *renderer;  /* everything draws through this */
    int out_w, out_h;        /* output size in pixels */
    /* What was drawn stays in the output between presents (a software
     * renderer drawing into memory that is ours), so a frame may redraw and
     * present only what changed, e.g. a ticker's strip. A GPU's back buffer
     * is undefined after a swap: those outputs redraw the whole frame. */
    bool keeps_frame;
    /* Nothing looks at the picture between read-backs (the null output):
     * a clip's frames are taken from the decoder when due and counted, but
     * not put into the picture; sl_render_frame_seen draws a whole frame
     * when one is read back (a proof screenshot). */
    bool unseen;
    /* What is presented is on a display at once (the window output). */
    bool display;
    char frames_dir[SL_VO_FRAMES_DIR_MAX]; /* frames: where PNGs go */
};

extern const sl_vo_driver sl_vo_window;
extern const sl_vo_driver sl_vo_frames;
extern const sl_vo_driver sl_vo_null;

/* Reads an output spec, "window", "frames:DIR" or "null" (the one place
 * that does): its driver into *driver and, for frames:, DIR into dir
 * (dirlen bytes; either may be NULL). 0, or -1 with err ("'x' is not
 * window, frames:DIR or null"). */
int sl_vo_parse_spec(const char *spec, const sl_vo_driver **driver, char *dir, size_t dirlen, char *err,
                     size_t errlen);

/* For the window output, before SDL starts and before any thread does (it
 * sets environment variables): the player takes no text input, so X11 gets
 * no input method and no Compose table (XMODIFIERS=@im=none,
 * XCOMPOSEFILE=/dev/null). SDL would otherwise open an input method at
 * start, and libX11 parse the locale's Compose file twice (about 0.3 s of
 * start-up). Other outputs are left alone. */
void sl_vo_window_quiet_input(const char *spec);

/* Parses the spec ("window" when NULL) and sets up vo (not yet init'ed). */
int sl_vo_select(sl_vo *vo, const char *spec, char *err, size_t errlen);

/* Reads back the frame just drawn (before present) into a new ARGB8888
 * surface the caller frees; NULL with err. The only part of a capture that
 * needs the render thread. */
SDL_Surface *sl_vo_read_frame(sl_vo *vo, char *err, size_t errlen);

/* Writes a frame read back as PNG to path (write-temp + rename). Uses no
 * renderer: any thread may call it (the proof screenshot is encoded on the
 * heartbeat thread). 0, or -1 with err. */
int sl_vo_save_png(SDL_Surface *frame, const char *path, char *err, size_t errlen);

/* Both at once, on the render thread (the frames output, the 'p' key). */
int sl_vo_capture_png(sl_vo *vo, const char *path, char *err, size_t errlen);

#endif
