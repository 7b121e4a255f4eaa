/* diagscreen.c — the installer's diagnostic screen: identity, addresses, geometry, clock, and an LED alignment pattern. */
#include "player/engine.h"

#include "content/fsutil.h"
#include "player/managed/netinfo.h"
#include "content/timeutil.h"

#include <stdio.h>
#include <string.h>

#define DIAG_LINES 9

/* The LED alignment pattern over the whole canvas: a dim line every 8th pixel,
 * brighter every 64th, and the edges in red so the sending card's crop shows. */
static void pattern(SDL_Renderer *r, int w, int h)
{
    SDL_SetRenderDrawBlendMode(r, SDL_BLENDMODE_NONE);
    for (int x = 0; x < w; x += 8) {
        int v = x % 64 == 0 ? 160 : 60;
        SDL_SetRenderDrawColor(r, (Uint8)v, (Uint8)v, (Uint8)v, 255);
        SDL_RenderDrawLine(r, x, 0, x, h - 1);
    }
    for (int y = 0; y < h; y += 8) {
        int v = y % 64 == 0 ? 160 : 60;
        SDL_SetRenderDrawColor(r, (Uint8)v, (Uint8)v, (Uint8)v, 255);
        SDL_RenderDrawLine(r, 0, y, w - 1, y);
    }
    SDL_SetRenderDrawColor(r, 255, 0, 0, 255);
    SDL_Rect edge = {0, 0, w, h};
    SDL_RenderDrawRect(r, &edge);
    /* Corner marks: green top-left, blue bottom-right, to tell a flipped mapping. */
    SDL_Rect tl = {1, 1, 8, 8}, br = {w - 9, h - 9, 8, 8};
    SDL_SetRenderDrawColor(r, 0, 255, 0, 255);
    SDL_RenderFillRect(r, &tl);
    SDL_SetRenderDrawColor(r, 0, 128, 255, 255);
    SDL_RenderFillRect(r, &br);
}

static SDL_Surface *render_lines(sl_engine *e, int64_t now, int px)
{
    char lines[DIAG_LINES][256];
    char ip[200], when[40];
    sl_net_addresses(ip, sizeof ip, true);
    int off = e->pl ? sl_tz_offset_at(e->pl->tz, now) : 0;
    sl_instant_format(now, off, when, sizeof when);
    sl_clock_trust trust = sl_clock_trust_now(&e->clock);
    int64_t free_b = sl_fs_free_bytes(e->base_dir ? e->base_dir : ".");
    snprintf(lines[0], sizeof lines[0], "screen %s — screenlit-player 0.1.0", e->screen_id);
    snprintf(lines[1], sizeof lines[1], "addresses: %s", ip);
    snprintf(lines[2], sizeof lines[2], "output %s %dx%d, region %d,%d %dx%d, rotate %d",
             e->vo.driver->name, e->vo.out_w, e->vo.out_h, e->region.x, e->region.y, e->region.w,
             e->region.h, e->opt->rotate);
    snprintf(lines[3], sizeof lines[3], "content: %s, version %lld",
             e->pl && e->pl->name ? e->pl->name : "(unnamed)", (long long)(e->pl ? e->pl->version : 0));
    snprintf(lines[4], sizeof lines[4], "free disk: %lld MB", (long long)(free_b / 1000000));
    snprintf(lines[5], sizeof lines[5], "clock: %s (%s)", when, sl_clock_trust_name(trust));
    snprintf(lines[6], sizeof lines[6], "tags: %s", e->opt->tags ? e->opt->tags : "(none)");
    snprintf(lines[7], sizeof lines[7], "frames %lld, black %lld", (long long)e->frames_rendered,
             (long long)e->black_frames);
    snprintf(lines[8], sizeof lines[8], "LED pattern: a line every 8 px, brighter every 64; red = edges");
    SDL_Surface *rows[DIAG_LINES] = {0};
    int w = 0, h = 0;
    char err[256];
    sl_color white = {255, 255, 255, 255};
    for (int i = 0; i < DIAG_LINES; i++) {
        rows[i] = sl_text_render(e->text, lines[i], NULL, px, white, SL_RENDER_SMOOTH, err, sizeof err);
        if (rows[i]) {
            if (rows[i]->w > w)
                w = rows[i]->w;
            h += rows[i]->h;
        }
    }
    SDL_Surface *all = w > 0 ? SDL_CreateRGBSurfaceWithFormat(0, w + 16, h + 16, 32, SDL_PIXELFORMAT_ARGB8888) : NULL;
    if (all) {
        SDL_FillRect(all, NULL, SDL_MapRGBA(all->format, 0, 0, 0, 200));
        int y = 8;
        for (int i = 0; i < DIAG_LINES; i++) {
            if (!rows[i])
                continue;
            SDL_Rect dst = {8, y, rows[i]->w, rows[i]->h};
            SDL_SetSurfaceBlendMode(rows[i], SDL_BLENDMODE_BLEND);
            SDL_BlitSurface(rows[i], NULL, all, &dst);
            y += rows[i]->h;
        }
    }
    for (int i = 0; i < DIAG_LINES; i++)
        SDL_FreeSurface(rows[i]);
    return all;
}

void sl_diag_draw(sl_engine *e, int64_t now)
{
    SDL_Renderer *r = e->vo.renderer;
    pattern(r, e->canvas_w, e->canvas_h);
    int64_t second = now / 1000;
    if (!e->diag_tex || second != e->diag_stamp_s) {
        int px = e->canvas_h / 30;
        if (px < 10)
            px = 10;
        SDL_Surface *s = render_lines(e, now, px);
        if (e->diag_tex)
            SDL_DestroyTexture(e->diag_tex);
        e->diag_tex = s ? SDL_CreateTextureFromSurface(r, s) : NULL;
        if (e->diag_tex)
            SDL_SetTextureBlendMode(e->diag_tex, SDL_BLENDMODE_BLEND);
        SDL_FreeSurface(s);
        e->diag_stamp_s = second;
    }
    if (e->diag_tex) {
        int w, h;
        SDL_QueryTexture(e->diag_tex, NULL, NULL, &w, &h);
        /* Keep the text inside the canvas even on a tiny LED region. */
        SDL_Rect dst = {16, 16, w, h};
        if (dst.w > e->canvas_w - 32 || dst.h > e->canvas_h - 32) {
            double k = (double)(e->canvas_w - 32) / w;
            double kh = (double)(e->canvas_h - 32) / h;
            if (kh < k)
                k = kh;
            if (k <= 0)
                return;
            dst.w = (int)(w * k);
            dst.h = (int)(h * k);
        }
        SDL_RenderCopy(r, e->diag_tex, NULL, &dst);
    }
}
