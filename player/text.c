/* text.c — SDL_ttf text rendering behind a lock, with an LRU cache of open fonts. */
#include "player/text.h"

#include <SDL2/SDL_ttf.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    char *path;
    long index;
    int px;
    sl_render render;
    TTF_Font *font;
    uint64_t used; /* LRU stamp */
} font_entry;

struct sl_text {
    pthread_mutex_t lock;
    bool lock_ok;
    bool ttf_ok;
    char *default_font;
    long default_index;
    font_entry fonts[SL_TEXT_CACHE_FONTS];
    uint64_t tick;
};

sl_text *sl_text_new(const char *default_font, long default_index, char *err, size_t errlen)
{
    sl_text *t = calloc(1, sizeof *t);
    if (!t) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    if (pthread_mutex_init(&t->lock, NULL) != 0) {
        snprintf(err, errlen, "cannot make a lock");
        goto fail;
    }
    t->lock_ok = true;
    if (TTF_Init() != 0) {
        snprintf(err, errlen, "cannot start SDL_ttf: %s", TTF_GetError());
        goto fail;
    }
    t->ttf_ok = true;
    t->default_font = strdup(default_font ? default_font : SL_TEXT_DEFAULT_FONT);
    t->default_index = default_font ? default_index : SL_TEXT_DEFAULT_FONT_INDEX;
    if (!t->default_font) {
        snprintf(err, errlen, "out of memory");
        goto fail;
    }
    return t;
fail:
    sl_text_free(t);
    return NULL;
}

void sl_text_free(sl_text *t)
{
    if (!t)
        return;
    for (int i = 0; i < SL_TEXT_CACHE_FONTS; i++) {
        if (t->fonts[i].font)
            TTF_CloseFont(t->fonts[i].font);
        free(t->fonts[i].path);
    }
    if (t->ttf_ok)
        TTF_Quit();
    if (t->lock_ok)
        pthread_mutex_destroy(&t->lock);
    free(t->default_font);
    free(t);
}

/* Finds or opens a font; called with the lock held. */
static TTF_Font *get_font(sl_text *t, const char *path, long index, int px, sl_render render,
                          char *err, size_t errlen)
{
    font_entry *victim = &t->fonts[0];
    for (int i = 0; i < SL_TEXT_CACHE_FONTS; i++) {
        font_entry *e = &t->fonts[i];
        if (e->font && e->px == px && e->index == index && e->render == render &&
            strcmp(e->path, path) == 0) {
            e->used = ++t->tick;
            return e->font;
        }
        if (!e->font || e->used < victim->used)
            victim = e;
        if (!e->font)
            break;
    }
    TTF_Font *f = TTF_OpenFontIndex(path, px, index);
    if (!f) {
        snprintf(err, errlen, "cannot open font %s: %s", path, TTF_GetError());
        return NULL;
    }
    if (render == SL_RENDER_CRISP)
        TTF_SetFontHinting(f, TTF_HINTING_MONO);
    else
        TTF_SetFontHinting(f, TTF_HINTING_LIGHT);
    if (victim->font)
        TTF_CloseFont(victim->font);
    free(victim->path);
    victim->path = strdup(path);
    if (!victim->path) {
        TTF_CloseFont(f);
        victim->font = NULL;
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    victim->font = f;
    victim->index = index;
    victim->px = px;
    victim->render = render;
    victim->used = ++t->tick;
    return f;
}

SDL_Surface *sl_text_render(sl_text *t, const char *utf8, const char *font, int px, sl_color color,
                            sl_render render, char *err, size_t errlen)
{
    SDL_Surface *raw = NULL, *out = NULL;
    if (!t || !utf8) {
        snprintf(err, errlen, "no text");
        return NULL;
    }
    if (px < 4)
        px = 4;
    pthread_mutex_lock(&t->lock);
    const char *path = font ? font : t->default_font;
    long index = font ? 0 : t->default_index;
    TTF_Font *f = get_font(t, path, index, px, render, err, errlen);
    if (!f)
        goto out;
    SDL_Color c = {color.r, color.g, color.b, color.a};
    const char *s = utf8[0] ? utf8 : " ";
    /* Solid = no anti-aliasing: every pixel on or off, exact on LED walls. */
    raw = render == SL_RENDER_CRISP ? TTF_RenderUTF8_Solid(f, s, c) : TTF_RenderUTF8_Blended(f, s, c);
    if (!raw) {
        snprintf(err, errlen, "cannot render text: %s", TTF_GetError());
        goto out;
    }
    out = SDL_ConvertSurfaceFormat(raw, SDL_PIXELFORMAT_ARGB8888, 0);
    if (!out)
        snprintf(err, errlen, "cannot convert text: %s", SDL_GetError());
out:
    pthread_mutex_unlock(&t->lock);
    SDL_FreeSurface(raw);
    return out;
}

int sl_text_size_for_zone(const sl_item *it, int zone_h)
{
    if (it && it->size_px > 0)
        return it->size_px;
    int px = zone_h * 7 / 10;
    return px < 8 ? 8 : px;
}
