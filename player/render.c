/* render.c — draws one frame: zone backgrounds, slogans, posters, video frames, region and rotation. */
#include "player/engine.h"

#include <stdio.h>
#include <string.h>

void sl_render_zone_textures_free(sl_zone_state *z, bool keep_video)
{
    if (z->cur_tex)
        SDL_DestroyTexture(z->cur_tex);
    if (z->video_tex && !keep_video) {
        SDL_DestroyTexture(z->video_tex);
        z->video_tex = NULL;
    }
    z->cur_tex = NULL;
    z->video_index = -1;
    z->video_tex_index = -1;
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

/* ---- prepared pictures, kept for items that come back ---- */

static sl_picture_slot *picture_find(sl_engine *e, int item, int box_w, int box_h)
{
    for (int i = 0; i < SL_PICTURE_CACHE; i++) {
        sl_picture_slot *s = &e->pictures[i];
        if (s->tex && s->item == item && s->box_w == box_w && s->box_h == box_h)
            return s;
    }
    return NULL;
}

bool sl_picture_cached(const sl_engine *e, int item, int box_w, int box_h)
{
    return picture_find((sl_engine *)e, item, box_w, box_h) != NULL;
}

void sl_picture_cache_clear(sl_engine *e)
{
    for (int i = 0; i < SL_PICTURE_CACHE; i++)
        if (e->pictures[i].tex)
            SDL_DestroyTexture(e->pictures[i].tex);
    memset(e->pictures, 0, sizeof e->pictures);
}

/* Whether some zone shows the picture in slot s, or is about to (its next
 * or pending item was prepared from the slot). */
static bool picture_in_use(const sl_engine *e, const sl_picture_slot *s)
{
    for (size_t i = 0; i < e->pl->n_zones; i++) {
        const sl_zone_state *z = &e->zones[i];
        if (z->rect.w != s->box_w || z->rect.h != s->box_h)
            continue;
        if ((z->has_cur && z->cur.item == s->item) || (z->has_next && z->next.item == s->item) ||
            (z->pending && z->pending_pick.item == s->item))
            return true;
    }
    return false;
}

/* Keeps texture t for the item: in a free slot, else in place of the least
 * recently used one that no zone shows. False when every slot is showing. */
static bool picture_keep(sl_engine *e, int item, int box_w, int box_h, SDL_Texture *t)
{
    sl_picture_slot *victim = NULL;
    for (int i = 0; i < SL_PICTURE_CACHE; i++) {
        sl_picture_slot *s = &e->pictures[i];
        if (!s->tex) {
            victim = s;
            break;
        }
        if (!picture_in_use(e, s) && (!victim || s->used < victim->used))
            victim = s;
    }
    if (!victim)
        return false;
    if (victim->tex)
        SDL_DestroyTexture(victim->tex);
    *victim = (sl_picture_slot){.tex = t, .item = item, .box_w = box_w, .box_h = box_h,
                                .used = ++e->picture_clock};
    return true;
}

/* The texture of the zone's current picture: kept from an earlier play, or
 * made from the prepared surface and kept (the surface is freed then). */
static SDL_Texture *picture_texture(sl_engine *e, sl_zone_state *z)
{
    int item = z->cur.item;
    sl_picture_slot *s = picture_find(e, item, z->rect.w, z->rect.h);
    if (s) {
        s->used = ++e->picture_clock;
        return s->tex;
    }
    if (z->cur_tex || !z->cur_prep->surface)
        return z->cur_tex;
    SDL_Texture *t = SDL_CreateTextureFromSurface(e->vo.renderer, z->cur_prep->surface);
    if (!t)
        return NULL;
    SDL_SetTextureBlendMode(t, SDL_BLENDMODE_BLEND);
    if (!picture_keep(e, item, z->rect.w, z->rect.h, t)) {
        z->cur_tex = t; /* the zone's own, freed with it */
        return t;
    }
    sl_loader_surface_free(z->cur_prep->surface);
    z->cur_prep->surface = NULL;
    return t;
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
    if (it->mode == SL_TEXT_STATIC || !z->has_cur || z->ticker.text_w <= 0) {
        /* Lines already placed across the zone; a text that may not shrink is cut at its edges. */
        SDL_Rect dst = {z->rect.x + (z->rect.w - w) / 2, y, w, h};
        SDL_RenderSetClipRect(r, &z->rect);
        SDL_RenderCopy(r, t, NULL, &dst);
        SDL_RenderSetClipRect(r, NULL);
        return;
    }
    sl_render_ticker(e, z, it, t, &z->ticker, z->cur.start_ms, -1, now);
}

void sl_render_ticker(sl_engine *e, const sl_zone_state *z, const sl_item *it, SDL_Texture *t,
                      const sl_ticker_geom *g, int64_t start_ms, int64_t passes, int64_t now)
{
    /* Pass k follows pass k-1 `gap` pixels behind; positions in whole pixels
     * from 64-bit milliseconds: the same step every frame, no drift. */
    SDL_Renderer *r = e->vo.renderer;
    int w, h;
    SDL_QueryTexture(t, NULL, NULL, &w, &h);
    if (it->background.a > 0 && passes >= 0) {
        SDL_Rect band = {z->rect.x, z->rect.y + (z->rect.h - h) / 2, z->rect.w, h};
        fill(r, &band, it->background);
    }
    int64_t elapsed = now - start_ms;
    int64_t cyc = (int64_t)g->text_w + g->gap;
    if (elapsed < 0 || cyc <= 0)
        return;
    int64_t last = (sl_ticker_offset(g, elapsed) - 1) / cyc; /* the newest pass that has entered */
    if (passes >= 0 && last > passes - 1)
        last = passes - 1;
    SDL_RenderSetClipRect(r, &z->rect);
    for (int64_t k = last; k >= 0; k--) {
        int64_t x = sl_ticker_pass_x(g, elapsed, k);
        if (x + w <= 0)
            break; /* this pass and the older ones have left */
        if (x >= z->rect.w)
            continue;
        SDL_Rect dst = {z->rect.x + (int)x, z->rect.y + (z->rect.h - h) / 2, w, h};
        SDL_RenderCopy(r, t, NULL, &dst);
    }
    SDL_RenderSetClipRect(r, NULL);
}

/* The SDL texture format of a frame. */
static Uint32 frame_sdl_format(const sl_frame *f)
{
    switch (f->format) {
    case SL_FRAME_IYUV: return SDL_PIXELFORMAT_IYUV;
    case SL_FRAME_NV12: return SDL_PIXELFORMAT_NV12;
    default: return SDL_PIXELFORMAT_ARGB8888;
    }
}

/* Puts frame f into the zone's streaming texture, (re)made when its form
 * changes. YUV goes up as it is: the renderer converts it (the matrix is
 * fixed when the texture is made) and scales it on the GPU. */
static bool upload_frame(sl_engine *e, sl_zone_state *z, const sl_frame *f)
{
    SDL_Renderer *r = e->vo.renderer;
    Uint32 fmt = frame_sdl_format(f);
    int mode = f->format == SL_FRAME_ARGB ? -1 : (int)f->yuv_mode;
    if (z->video_tex && (z->video_w != f->w || z->video_h != f->h || z->video_fmt != fmt ||
                         z->video_mode != mode)) {
        SDL_DestroyTexture(z->video_tex);
        z->video_tex = NULL;
    }
    if (!z->video_tex) {
        if (mode >= 0)
            SDL_SetYUVConversionMode(f->yuv_mode == SL_YUV_JPEG    ? SDL_YUV_CONVERSION_JPEG
                                     : f->yuv_mode == SL_YUV_BT709 ? SDL_YUV_CONVERSION_BT709
                                                                   : SDL_YUV_CONVERSION_BT601);
        z->video_tex = SDL_CreateTexture(r, fmt, SDL_TEXTUREACCESS_STREAMING, f->w, f->h);
        if (!z->video_tex)
            return false;
        e->video_textures_made++;
        SDL_SetTextureScaleMode(z->video_tex, SDL_ScaleModeLinear);
        z->video_w = f->w;
        z->video_h = f->h;
        z->video_fmt = fmt;
        z->video_mode = mode;
    }
    switch (f->format) {
    case SL_FRAME_IYUV:
        return SDL_UpdateYUVTexture(z->video_tex, NULL, f->plane[0], f->plane_pitch[0], f->plane[1],
                                    f->plane_pitch[1], f->plane[2], f->plane_pitch[2]) == 0;
    case SL_FRAME_NV12:
        return SDL_UpdateNVTexture(z->video_tex, NULL, f->plane[0], f->plane_pitch[0], f->plane[1],
                                   f->plane_pitch[1]) == 0;
    default:
        return SDL_UpdateTexture(z->video_tex, NULL, f->pixels, f->pitch) == 0;
    }
}

bool sl_render_video_ahead(sl_engine *e, sl_zone_state *z, sl_prep *prep)
{
    if (!prep || !prep->video || prep->failed || e->vo.unseen)
        return false;
    const sl_frame *f = sl_video_frame_get(prep->video, 0, false, e->vo.driver != &sl_vo_frames);
    if (!f || !upload_frame(e, z, f))
        return false;
    z->video_tex_index = f->index;
    return true;
}

/* Takes the clip's frame due now from its decoder and counts it (shown,
 * skipped, repeated); NULL when there is none yet. Outputs that are seen
 * (window) or not at all (null) take frames in YUV; the frames output
 * converts the frame it shows with swscale's area filter (its PNGs are
 * compared with references). */
static const sl_frame *video_take(sl_engine *e, sl_zone_state *z, int64_t now)
{
    bool yuv = e->vo.driver != &sl_vo_frames;
    const sl_frame *f;
    if (e->clock.simulated) {
        f = sl_video_frame_get(z->cur_prep->video, (now - z->cur.start_ms) * 1000000 + 499999, true,
                               yuv);
    } else {
        f = sl_video_frame_get(z->cur_prep->video,
                               (now - z->cur.start_ms) * 1000000 + e->now_frac_ns, false, yuv);
        if (f && f->index == z->video_index && !sl_video_ended(z->cur_prep->video))
            e->video_repeated++;
        else if (f && z->video_index >= 0 && f->index > z->video_index + 1)
            e->video_skipped += f->index - z->video_index - 1;
    }
    if (f && f->index != z->video_index) {
        if (!e->clock.simulated)
            e->video_shown++;
        /* Once a play: frame 0 unless frames were due before the clip could be shown. */
        if (z->video_index < 0 && !e->clock.simulated)
            sl_log_info(&e->log, "zone %s: %s: clip shown from frame %lld, %lld ms after the play began",
                        e->pl->zones[z->zone].id, e->pl->items[z->cur.item].id, (long long)f->index,
                        (long long)(sl_clock_now_ms(&e->clock) - z->cur.start_ms));
        z->video_index = f->index;
        z->video_draw_w = f->draw_w;
        z->video_draw_h = f->draw_h;
    }
    return f;
}

/* Draws frame f, taken by video_take; returns false when there is none yet. */
static bool draw_video(sl_engine *e, sl_zone_state *z, const sl_frame *f)
{
    SDL_Renderer *r = e->vo.renderer;
    if (f && f->index != z->video_tex_index && upload_frame(e, z, f))
        z->video_tex_index = f->index;
    if (!z->video_tex || z->video_tex_index < 0)
        return false;
    draw_centred(r, z->video_tex, z->video_draw_w, z->video_draw_h, &z->rect);
    return true;
}

/* Draws the fallback in a zone; false when even that is missing. */
static bool draw_fallback(sl_engine *e, sl_zone_state *z, int64_t now)
{
    const sl_prep *fp = sl_engine_fallback(e, z);
    if (!fp)
        return false;
    SDL_Texture *t = texture_of(e->vo.renderer, &z->fallback_tex, fp->surface);
    if (!t)
        return false;
    const sl_item *fb = fp->item;
    if (fb->type == SL_ITEM_TEXT) {
        draw_text(e, z, fb, t, now);
    } else {
        int w, h;
        SDL_QueryTexture(t, NULL, NULL, &w, &h);
        draw_centred(e->vo.renderer, t, w, h, &z->rect);
    }
    return true;
}

/* Draws one zone; returns false when it had nothing to show (a black zone).
 * *painted says whether it drew on the output's pixels. */
static bool draw_zone(sl_engine *e, sl_zone_state *z, int64_t now, bool *painted)
{
    SDL_Renderer *r = e->vo.renderer;
    const sl_item *it = z->has_cur && !z->cur_failed && z->cur_prep ? &e->pl->items[z->cur.item] : NULL;
    const sl_frame *f = NULL;
    *painted = false;
    if (it && it->type == SL_ITEM_VIDEO) {
        f = video_take(e, z, now);
        /* Nothing looks at the picture: the frame due is taken and counted,
         * not converted, uploaded and drawn (a read-back draws it). */
        if (e->vo.unseen && z->video_index >= 0)
            return true;
    }
    *painted = true;
    fill(r, &z->rect, e->pl->zones[z->zone].background);
    for (int k = 0; k < z->n_trail; k++) { /* ticker slogans still leaving the strip */
        sl_ticker_trail *tr = &z->trail[k];
        SDL_Texture *tt = texture_of(r, &tr->tex, tr->prep->surface);
        if (tt)
            sl_render_ticker(e, z, tr->prep->item, tt, &tr->geom, tr->pick.start_ms, tr->passes, now);
    }
    if (!it)
        return draw_fallback(e, z, now);
    if (it->type == SL_ITEM_VIDEO)
        return draw_video(e, z, f) || draw_fallback(e, z, now);
    if (it->type == SL_ITEM_AUDIO)
        return true; /* the zone's background, while the announcement plays */
    SDL_Texture *t = it->type == SL_ITEM_IMAGE ? picture_texture(e, z)
                                               : texture_of(r, &z->cur_tex, z->cur_prep->surface);
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

bool sl_render_backdrop(sl_engine *e)
{
    SDL_Renderer *r = e ? e->vo.renderer : NULL;
    if (!r || !e->vo.display)
        return false;
    SDL_SetRenderTarget(r, NULL);
    SDL_RenderSetViewport(r, NULL);
    SDL_SetRenderDrawColor(r, 0, 0, 0, 255);
    SDL_RenderClear(r);
    if (!e->canvas) { /* a rotated screen's zones are laid out on the canvas: black until the first frame */
        SDL_RenderSetViewport(r, &e->region);
        for (size_t i = 0; i < e->pl->n_zones; i++)
            if (!e->pl->zones[i].sound)
                fill(r, &e->zones[i].rect, e->pl->zones[i].background);
        SDL_RenderSetViewport(r, NULL);
    }
    e->vo.driver->present(&e->vo);
    return true;
}

/* Whether a zone's picture moves by itself: a ticker, a clip. */
static bool zone_animated(sl_engine *e, sl_zone_state *z)
{
    const sl_item *it = NULL;
    if (z->n_trail > 0)
        return true; /* ticker slogans still crossing the strip */
    if (z->has_cur && !z->cur_failed && z->cur_prep)
        it = &e->pl->items[z->cur.item];
    else if (sl_engine_fallback(e, z))
        it = z->fallback_prep->item;
    if (!it)
        return false;
    return it->type == SL_ITEM_VIDEO || (it->type == SL_ITEM_TEXT && it->mode != SL_TEXT_STATIC);
}

/* FNV-1a over a value's bytes. */
static uint64_t mix(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 1099511628211ULL;
    return h;
}

/* What a zone shows, as a number that changes when its picture does (apart from motion). */
static uint64_t zone_key(const sl_zone_state *z)
{
    uint64_t key = 1469598103934665603ULL;
    key = mix(key, &z->has_cur, sizeof z->has_cur);
    key = mix(key, &z->cur.item, sizeof z->cur.item);
    key = mix(key, &z->cur.start_ms, sizeof z->cur.start_ms);
    key = mix(key, &z->cur_failed, sizeof z->cur_failed);
    key = mix(key, &z->cur_prep, sizeof z->cur_prep);
    return key;
}

bool sl_render_needed(sl_engine *e)
{
    uint64_t key = 1469598103934665603ULL;
    bool need = e->diagnostic;
    key = mix(key, &e->pl, sizeof e->pl);
    key = mix(key, &e->diagnostic, sizeof e->diagnostic);
    e->all_dirty = !e->drawn || key != e->drawn_key;
    for (size_t i = 0; i < e->pl->n_zones; i++) {
        sl_zone_state *z = &e->zones[i];
        uint64_t zk = zone_key(z);
        z->dirty = zone_animated(e, z) || zk != z->drawn_key || e->all_dirty;
        z->drawn_key = zk;
        need = need || z->dirty;
    }
    e->drawn = true;
    e->drawn_key = key;
    return need || e->all_dirty;
}

/* Whether zone i overlaps another drawn zone (then redrawing it alone would
 * paint over that one, or leave it under). */
static bool zone_overlaps(const sl_engine *e, size_t i)
{
    for (size_t j = 0; j < e->pl->n_zones; j++)
        if (j != i && !e->pl->zones[j].sound && SDL_HasIntersection(&e->zones[i].rect, &e->zones[j].rect))
            return true;
    return false;
}

static int64_t render_all(sl_engine *e, int64_t now);

int sl_render_update(sl_engine *e, int64_t now, SDL_Rect *rects, int max_rects)
{
    SDL_Renderer *r = e->vo.renderer;
    bool partial = e->vo.keeps_frame && !e->canvas && !e->diagnostic && !e->all_dirty;
    int n = 0;
    for (size_t i = 0; partial && i < e->pl->n_zones; i++) {
        if (e->pl->zones[i].sound || !e->zones[i].dirty)
            continue;
        if (n == max_rects || zone_overlaps(e, i))
            partial = false;
        else
            n++;
    }
    if (!partial) {
        e->pixels_drawn += render_all(e, now);
        return -1;
    }
    n = 0;
    SDL_SetRenderTarget(r, NULL);
    SDL_RenderSetViewport(r, &e->region);
    bool black = false;
    for (size_t i = 0; i < e->pl->n_zones; i++) {
        sl_zone_state *z = &e->zones[i];
        if (e->pl->zones[i].sound)
            continue;
        if (z->dirty) {
            bool painted;
            SDL_RenderSetClipRect(r, &z->rect);
            z->drawn_black = !draw_zone(e, z, now, &painted);
            SDL_RenderSetClipRect(r, NULL);
            if (painted) {
                rects[n] = (SDL_Rect){e->region.x + z->rect.x, e->region.y + z->rect.y, z->rect.w, z->rect.h};
                e->pixels_drawn += (int64_t)z->rect.w * z->rect.h;
                n++;
            }
        }
        black = black || z->drawn_black;
    }
    SDL_RenderSetViewport(r, NULL);
    e->frames_rendered++;
    if (black)
        e->black_frames++;
    return n;
}

/* Draws the whole frame for now; returns the output pixels it drew. An
 * unseen output is not cleared: nothing looks at what zones leave. */
static int64_t render_all(sl_engine *e, int64_t now)
{
    SDL_Renderer *r = e->vo.renderer;
    bool black = false;
    bool clear = !e->vo.unseen || e->canvas || e->diagnostic;
    int64_t px = clear ? (int64_t)e->vo.out_w * e->vo.out_h : 0;
    SDL_SetRenderTarget(r, NULL);
    SDL_RenderSetViewport(r, NULL);
    SDL_SetRenderDrawColor(r, 0, 0, 0, 255);
    if (clear)
        SDL_RenderClear(r);
    if (e->canvas) {
        SDL_SetRenderTarget(r, e->canvas);
        SDL_SetRenderDrawColor(r, 0, 0, 0, 255);
        SDL_RenderClear(r);
    } else {
        SDL_RenderSetViewport(r, &e->region);
    }
    for (size_t i = 0; i < e->pl->n_zones; i++) {
        sl_zone_state *z = &e->zones[i];
        bool painted = false;
        z->drawn_black = !e->pl->zones[i].sound && !draw_zone(e, z, now, &painted);
        black = black || z->drawn_black;
        if (painted && !clear)
            px += (int64_t)z->rect.w * z->rect.h;
    }
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
    return px;
}

void sl_render_frame(sl_engine *e, int64_t now)
{
    render_all(e, now);
}

void sl_render_frame_seen(sl_engine *e, int64_t now)
{
    bool unseen = e->vo.unseen;
    e->vo.unseen = false;
    sl_render_frame(e, now);
    e->vo.unseen = unseen;
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
