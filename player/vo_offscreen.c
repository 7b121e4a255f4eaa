/* vo_offscreen.c — the frames and null outputs: a software renderer drawing into memory. */
#include "player/vo.h"

#include <stdio.h>
#include <stdlib.h>

typedef struct {
    SDL_Surface *surface; /* ARGB8888: what the renderer draws into */
    void *pixels;         /* its pixels, ours: calloc'd, so pages nothing draws on take no memory */
} offscreen_priv;

static int offscreen_init(sl_vo *vo, char *err, size_t errlen)
{
    offscreen_priv *p = calloc(1, sizeof *p);
    if (!p) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    vo->priv = p;
    if (vo->out_w <= 0 || vo->out_h <= 0) {
        vo->out_w = SL_VO_DEFAULT_W;
        vo->out_h = SL_VO_DEFAULT_H;
    }
    /* (SDL's own surface would be cleared page by page: all of it resident
     * although the null output draws nothing of a clip) */
    p->pixels = calloc((size_t)vo->out_w * (size_t)vo->out_h, 4);
    if (p->pixels)
        p->surface = SDL_CreateRGBSurfaceWithFormatFrom(p->pixels, vo->out_w, vo->out_h, 32, vo->out_w * 4,
                                                        SDL_PIXELFORMAT_ARGB8888);
    if (!p->surface) {
        snprintf(err, errlen, "cannot make a %dx%d frame: %s", vo->out_w, vo->out_h,
                 p->pixels ? SDL_GetError() : "out of memory");
        return -1;
    }
    vo->renderer = SDL_CreateSoftwareRenderer(p->surface);
    if (!vo->renderer) {
        snprintf(err, errlen, "cannot start the software renderer: %s", SDL_GetError());
        return -1;
    }
    vo->keeps_frame = true;
    vo->unseen = vo->driver == &sl_vo_null;
    return 0;
}

static void offscreen_present(sl_vo *vo)
{
    (void)vo; /* nothing to show: frames are written by capture */
}

static SDL_Surface *offscreen_read(sl_vo *vo)
{
    offscreen_priv *p = vo->priv;
    if (!p || !p->surface)
        return NULL;
    return SDL_ConvertSurfaceFormat(p->surface, SDL_PIXELFORMAT_ARGB8888, 0);
}

static void offscreen_events(sl_vo *vo, sl_vo_events *ev)
{
    (void)vo;
    SDL_Event e;
    while (SDL_PollEvent(&e))
        if (e.type == SDL_QUIT)
            ev->quit = true;
}

static void offscreen_uninit(sl_vo *vo)
{
    offscreen_priv *p = vo ? vo->priv : NULL;
    if (!vo)
        return;
    if (vo->renderer)
        SDL_DestroyRenderer(vo->renderer);
    vo->renderer = NULL;
    if (p) {
        SDL_FreeSurface(p->surface);
        free(p->pixels);
    }
    free(p);
    vo->priv = NULL;
}

const sl_vo_driver sl_vo_frames = {
    .name = "frames",
    .init = offscreen_init,
    .present = offscreen_present,
    .read_frame = offscreen_read,
    .poll_events = offscreen_events,
    .uninit = offscreen_uninit,
};

const sl_vo_driver sl_vo_null = {
    .name = "null",
    .init = offscreen_init,
    .present = offscreen_present,
    .read_frame = offscreen_read,
    .poll_events = offscreen_events,
    .uninit = offscreen_uninit,
};
