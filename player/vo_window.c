/* vo_window.c — the window output: SDL full screen under X11, Wayland or KMSDRM, vsynced, no cursor. */
#include "player/vo.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

typedef struct {
    SDL_Window *window;
} window_priv;

/* Whether the machine has no GPU: no DRM device (/dev/dri). SDL_RENDER_DRIVER,
 * SDL's own choice of renderer, is followed when it is set. */
static bool no_gpu(void)
{
    return !getenv("SDL_RENDER_DRIVER") && access("/dev/dri", F_OK) != 0;
}

void sl_vo_window_quiet_input(const char *spec)
{
    const sl_vo_driver *d = NULL;
    char err[160];
    if (sl_vo_parse_spec(spec ? spec : "window", &d, NULL, 0, err, sizeof err) != 0 || d != &sl_vo_window)
        return;
    /* No input method: SDL keeps "@im=none" (its own choice with IBus or
     * fcitx) and libX11 then opens only its local one, whose Compose table
     * is the empty file. */
    setenv("XMODIFIERS", "@im=none", 1);
    setenv("XCOMPOSEFILE", "/dev/null", 1);
}

static int window_init(sl_vo *vo, char *err, size_t errlen)
{
    window_priv *p = calloc(1, sizeof *p);
    if (!p) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    vo->priv = p;
    /* Signage must never blank: keep the screensaver off. */
    SDL_SetHint(SDL_HINT_VIDEO_ALLOW_SCREENSAVER, "0");
    Uint32 flags = SDL_WINDOW_SHOWN;
    int w = vo->out_w, h = vo->out_h;
    if (w <= 0 || h <= 0) {
        flags |= SDL_WINDOW_FULLSCREEN_DESKTOP;
        SDL_DisplayMode dm;
        if (SDL_GetDesktopDisplayMode(0, &dm) == 0) {
            w = dm.w;
            h = dm.h;
        } else {
            w = SL_VO_DEFAULT_W; /* the window fills the display all the same */
            h = SL_VO_DEFAULT_H;
        }
    }
    p->window = SDL_CreateWindow("screenlit", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, w, h,
                                 flags);
    if (!p->window) {
        snprintf(err, errlen, "cannot open a window: %s", SDL_GetError());
        return -1;
    }
    SDL_DisableScreenSaver();
    SDL_ShowCursor(SDL_DISABLE);
    if (no_gpu()) {
        /* OpenGL would be Mesa's software rasteriser drawing and copying the
         * whole frame at every refresh. SDL's software renderer draws into
         * the window's own memory (X11: shared memory), which keeps its
         * picture, so a frame redraws and sends only what changed. */
        SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0");
        vo->renderer = SDL_CreateRenderer(p->window, -1, SDL_RENDERER_SOFTWARE);
        vo->keeps_frame = vo->renderer != NULL;
    }
    if (!vo->renderer)
        vo->renderer = SDL_CreateRenderer(p->window, -1, SDL_RENDERER_ACCELERATED |
                                                             SDL_RENDERER_PRESENTVSYNC |
                                                             SDL_RENDERER_TARGETTEXTURE);
    if (!vo->renderer)
        vo->renderer = SDL_CreateRenderer(p->window, -1, SDL_RENDERER_SOFTWARE);
    if (!vo->renderer) {
        snprintf(err, errlen, "cannot start a renderer: %s", SDL_GetError());
        return -1;
    }
    vo->display = true;
    if (SDL_GetRendererOutputSize(vo->renderer, &vo->out_w, &vo->out_h) != 0) {
        vo->out_w = w;
        vo->out_h = h;
    }
    return 0;
}

static void window_present(sl_vo *vo)
{
    SDL_RenderPresent(vo->renderer);
}

static void window_present_rects(sl_vo *vo, const SDL_Rect *rects, int n)
{
    window_priv *p = vo->priv;
    SDL_RenderFlush(vo->renderer); /* the software renderer's queued drawing, into the window's memory */
    if (SDL_UpdateWindowSurfaceRects(p->window, rects, n) != 0)
        SDL_RenderPresent(vo->renderer);
}

static SDL_Surface *window_read(sl_vo *vo)
{
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, vo->out_w, vo->out_h, 32,
                                                    SDL_PIXELFORMAT_ARGB8888);
    if (!s)
        return NULL;
    if (SDL_RenderReadPixels(vo->renderer, NULL, SDL_PIXELFORMAT_ARGB8888, s->pixels, s->pitch) != 0) {
        SDL_FreeSurface(s);
        return NULL;
    }
    return s;
}

static void window_events(sl_vo *vo, sl_vo_events *ev)
{
    (void)vo;
    SDL_Event e;
    while (SDL_PollEvent(&e)) {
        if (e.type == SDL_QUIT) {
            ev->quit = true;
        } else if (e.type == SDL_WINDOWEVENT &&
                   (e.window.event == SDL_WINDOWEVENT_EXPOSED ||
                    e.window.event == SDL_WINDOWEVENT_SIZE_CHANGED ||
                    e.window.event == SDL_WINDOWEVENT_SHOWN)) {
            ev->redraw = true;
        } else if (e.type == SDL_KEYDOWN) {
            SDL_Keycode k = e.key.keysym.sym;
            if (k == SDLK_ESCAPE || k == SDLK_q)
                ev->quit = true;
            else if (k == SDLK_d)
                ev->toggle_diagnostic = true;
            else if (k == SDLK_p)
                ev->capture = true;
        }
    }
}

static void window_uninit(sl_vo *vo)
{
    window_priv *p = vo ? vo->priv : NULL;
    if (!vo)
        return;
    if (vo->renderer)
        SDL_DestroyRenderer(vo->renderer);
    vo->renderer = NULL;
    if (p && p->window)
        SDL_DestroyWindow(p->window);
    free(p);
    vo->priv = NULL;
}

const sl_vo_driver sl_vo_window = {
    .name = "window",
    .init = window_init,
    .present = window_present,
    .present_rects = window_present_rects,
    .read_frame = window_read,
    .poll_events = window_events,
    .uninit = window_uninit,
};
