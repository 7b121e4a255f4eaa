/* render.c — draws one frame: zone backgrounds, slogans, posters, video frames, region and rotation. */
#include "player/engine.h"

#include <stdio.h>

void sl_render_zone_textures_free(sl_zone_state *z)
{
    if (z->cur_tex)
        SDL_DestroyTexture(z->cur_tex);
    if (z->video_tex)
        SDL_DestroyTexture(z->video_tex);
    z->cur_tex = NULL;
    z->video_tex = NULL;
    z->video_index = -1;
}

static void fill(SDL_Renderer *r, const SDL_Rect *rect, sl_color c)
{
    SDL_SetRenderDrawBlendMode(r, c.a == 255 ? SDL_BLENDMODE_NONE : SDL_BLENDMODE_BLEND);
    SDL_SetRenderDrawColor(r, c.r, c.g, c.b, c.a);
    SDL_RenderFillRect(r, rect);
}

/* A texture from a prepared surface, made once (texture creation must be on this thread). */
static SDL_Texture *texture_of(SDL_Renderer *r, SDL_Texture **slot, SDL_Surface *s)
{
    if (!*slot && s) {
        *slot = SDL_CreateTextureFromSurface(r, s);
        if (*slot)
            SDL_SetTextureBlendMode(*slot, SDL_BLENDMODE_BLEND);
    }
    return *slot;
}

/* Draws a w×h picture centred in the zone (pictures arrive already sized for their fit). */
static void draw_centred(SDL_Renderer *r, SDL_Texture *t, int w, int h, const SDL_Rect *zone)
{
    SDL_Rect dst = {zone->x + (zone->w - w) / 2, zone->y + (zone->h - h) / 2, w, h};
    SDL_RenderCopy(r, t, NULL, &dst);
}

static void draw_text(sl_engine *e, sl_zone_state *z, const sl_item *it, SDL_Texture *t,
                      int64_t now)
{
    SDL_Renderer *r = e->vo.renderer;
    int w, h;
    SDL_QueryTexture(t, NULL, NULL, &w, &h);
    if (it->background.a > 0) {
        SDL_Rect band = {z->rect.x, z->rect.y + (z->rect.h - h) / 2, z->rect.w, h};
        fill(r, &band, it->background);
    }
    int y = z->rect.y + (z->rect.h - h) / 2;
    if (it->mode == SL_TEXT_STATIC || !z->has_cur) {
        SDL_Rect dst = {z->rect.x + (z->rect.w - w) / 2, y, w, h};
        SDL_RenderCopy(r, t, NULL, &dst);
        return;
    }
    /* Ticker: enters from the right at `speed` px/s and comes round again once gone.
     * Position from 64-bit milliseconds: the same step every frame, no drift. */
    int64_t elapsed = now - z->cur.start_ms;
    int64_t travel = (int64_t)z->rect.w + w;
    int64_t moved = (int64_t)((double)elapsed * it->speed_px_s / 1000.0);
    int64_t off = travel > 0 ? moved % travel : 0;
    SDL_Rect dst = {z->rect.x + z->rect.w - (int)off, y, w, h};
    SDL_Rect clip = z->rect;
    SDL_RenderSetClipRect(r, &clip);
    SDL_RenderCopy(r, t, NULL, &dst);
    SDL_RenderSetClipRect(r, NULL);
}

/* Draws the video frame due now; returns false when there is none yet. */
static bool draw_video(sl_engine *e, sl_zone_state *z, int64_t now)
{
    SDL_Renderer *r = e->vo.renderer;
    const sl_frame *f = sl_video_frame_at(z->cur_prep->video, now - z->cur.start_ms,
                                          e->clock.simulated);
    if (f && f->index != z->video_index) {
        if (z->video_tex && (z->video_w != f->w || z->video_h != f->h)) {
            SDL_DestroyTexture(z->video_tex);
            z->video_tex = NULL;
        }
        if (!z->video_tex) {
            z->video_tex = SDL_CreateTexture(r, SDL_PIXELFORMAT_ARGB8888,
                                             SDL_TEXTUREACCESS_STREAMING, f->w, f->h);
            z->video_w = f->w;
            z->video_h = f->h;
        }
        if (z->video_tex && SDL_UpdateTexture(z->video_tex, NULL, f->pixels, f->pitch) == 0)
            z->video_index = f->index;
    }
    if (!z->video_tex || z->video_index < 0)
        return false;
    draw_centred(r, z->video_tex, z->video_w, z->video_h, &z->rect);
    return true;
}

/* Draws the fallback in a zone; false when even that is missing. */
static bool draw_fallback(sl_engine *e, sl_zone_state *z, int64_t now)
{
    if (!z->fallback_prep || z->fallback_prep->failed)
        return false;
    SDL_Texture *t = texture_of(e->vo.renderer, &z->fallback_tex, z->fallback_prep->surface);
    if (!t)
        return false;
    const sl_item *fb = z->fallback_prep->item;
    if (fb->type == SL_ITEM_TEXT) {
        draw_text(e, z, fb, t, now);
    } else {
        int w, h;
        SDL_QueryTexture(t, NULL, NULL, &w, &h);
        draw_centred(e->vo.renderer, t, w, h, &z->rect);
    }
    return true;
}

/* Draws one zone; returns false when it had nothing to show (a black zone). */
static bool draw_zone(sl_engine *e, sl_zone_state *z, int64_t now)
{
    SDL_Renderer *r = e->vo.renderer;
    fill(r, &z->rect, e->pl->zones[z->zone].background);
    if (!z->has_cur || z->cur_failed || !z->cur_prep)
        return draw_fallback(e, z, now);
    const sl_item *it = &e->pl->items[z->cur.item];
    if (it->type == SL_ITEM_VIDEO)
        return draw_video(e, z, now) || draw_fallback(e, z, now);
    if (it->type == SL_ITEM_AUDIO)
        return true; /* the zone's background, while the announcement plays */
    SDL_Texture *t = texture_of(r, &z->cur_tex, z->cur_prep->surface);
    if (!t)
        return draw_fallback(e, z, now);
    if (it->type == SL_ITEM_TEXT) {
        draw_text(e, z, it, t, now);
    } else {
        int w, h;
        SDL_QueryTexture(t, NULL, NULL, &w, &h);
        draw_centred(r, t, w, h, &z->rect);
    }
    return true;
}

void sl_render_frame(sl_engine *e, int64_t now)
{
    SDL_Renderer *r = e->vo.renderer;
    bool black = false;
    SDL_SetRenderTarget(r, NULL);
    SDL_RenderSetViewport(r, NULL);
    SDL_SetRenderDrawColor(r, 0, 0, 0, 255);
    SDL_RenderClear(r);
    if (e->canvas) {
        SDL_SetRenderTarget(r, e->canvas);
        SDL_SetRenderDrawColor(r, 0, 0, 0, 255);
        SDL_RenderClear(r);
    } else {
        SDL_RenderSetViewport(r, &e->region);
    }
    for (size_t i = 0; i < e->pl->n_zones; i++)
        if (!e->pl->zones[i].sound && !draw_zone(e, &e->zones[i], now))
            black = true;
    if (e->diagnostic)
        sl_diag_draw(e, now);
    if (e->canvas) {
        SDL_SetRenderTarget(r, NULL);
        SDL_RenderSetViewport(r, NULL);
        SDL_Rect dst = {e->region.x + (e->region.w - e->canvas_w) / 2,
                        e->region.y + (e->region.h - e->canvas_h) / 2, e->canvas_w, e->canvas_h};
        SDL_RenderCopyEx(r, e->canvas, NULL, &dst, (double)e->opt->rotate, NULL, SDL_FLIP_NONE);
    } else {
        SDL_RenderSetViewport(r, NULL);
    }
    e->frames_rendered++;
    if (black)
        e->black_frames++;
}

int sl_render_capture(sl_engine *e, const char *name)
{
    char path[1400], err[512];
    snprintf(path, sizeof path, "%s/%s", e->vo.frames_dir[0] ? e->vo.frames_dir : ".", name);
    if (sl_vo_capture_png(&e->vo, path, err, sizeof err) != 0) {
        sl_log_error(&e->log, "frame %s: %s", path, err);
        return -1;
    }
    return 0;
}
