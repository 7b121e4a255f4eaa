/* text.c — SDL_ttf text rendering behind a lock: fallback fonts from fontconfig, lines broken and aligned, an LRU cache of open fonts. */
#include "player/text.h"

#include "content/fonts.h"
#include "content/textwidth.h"

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
    sl_fonts *fonts_db; /* fontconfig: fonts for characters the item's font lacks; NULL = none */
    font_entry fonts[SL_TEXT_CACHE_FONTS];
    uint64_t tick;
    int64_t opened; /* font files opened (TTF_OpenFontIndex) */
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
    char ferr[128];
    t->fonts_db = sl_fonts_open(ferr, sizeof ferr); /* no fontconfig: no fallback fonts, still text */
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
    sl_fonts_free(t->fonts_db);
    if (t->ttf_ok)
        TTF_Quit();
    if (t->lock_ok)
        pthread_mutex_destroy(&t->lock);
    free(t->default_font);
    free(t);
}

static void set_hinting(TTF_Font *f, sl_render render)
{
    TTF_SetFontHinting(f, render == SL_RENDER_CRISP ? TTF_HINTING_MONO : TTF_HINTING_LIGHT);
}

/* Finds or opens a font at px; called with the lock held. A font file is
 * opened once (parsing a CJK collection takes tens of ms) and re-sized
 * (TTF_SetFontSize) for another size or hinting: one render uses one size of
 * each font, and the lock keeps renders apart. */
static TTF_Font *get_font(sl_text *t, const char *path, long index, int px, sl_render render,
                          char *err, size_t errlen)
{
    font_entry *victim = &t->fonts[0];
    for (int i = 0; i < SL_TEXT_CACHE_FONTS; i++) {
        font_entry *e = &t->fonts[i];
        if (e->font && e->index == index && strcmp(e->path, path) == 0) {
            if (e->px != px && TTF_SetFontSize(e->font, px) != 0) {
                snprintf(err, errlen, "cannot size font %s to %d px: %s", path, px, TTF_GetError());
                return NULL;
            }
            e->px = px;
            if (e->render != render)
                set_hinting(e->font, render);
            e->render = render;
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
    t->opened++;
    set_hinting(f, render);
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

int64_t sl_text_fonts_opened(sl_text *t)
{
    if (!t)
        return 0;
    pthread_mutex_lock(&t->lock);
    int64_t n = t->opened;
    pthread_mutex_unlock(&t->lock);
    return n;
}

/* ---- runs of one font ---- */

/* What one render needs: the item's font at one size and its line metrics. */
typedef struct {
    sl_text *t;
    TTF_Font *primary;
    int px;
    sl_render render;
    SDL_Color color;
    char *err;
    size_t errlen;
} text_ctx;

/* The font that draws cp: the item's own, else the one fontconfig prefers
 * among the installed fonts that have it, else the item's (a box). Called
 * with the lock held; deterministic (no dependence on what the cache holds). */
static TTF_Font *font_for(text_ctx *c, uint32_t cp, double *scale)
{
    *scale = 1.0;
    if (sl_fonts_invisible(cp) || TTF_GlyphIsProvided32(c->primary, cp) || !c->t->fonts_db)
        return c->primary;
    char path[1024], err[256];
    int index = 0;
    if (sl_fonts_find(c->t->fonts_db, cp, path, sizeof path, &index) != 0)
        return c->primary;
    TTF_Font *f = get_font(c->t, path, index, c->px, c->render, err, sizeof err);
    if (!f || !TTF_GlyphIsProvided32(f, cp))
        return c->primary;
    /* A bitmap-only font (colour emoji) comes at its one strike size: scale it to the line. */
    int fh = TTF_FontHeight(f), ph = TTF_FontHeight(c->primary);
    if (fh > ph * 3 / 2 && fh > 0)
        *scale = (double)ph / fh;
    return f;
}

/* The end of the run that starts at s[at] (< end): characters one font draws. */
static size_t run_end(text_ctx *c, const char *s, size_t at, size_t end, TTF_Font **font,
                      double *scale)
{
    uint32_t cp;
    size_t i = at + sl_textwidth_decode(s + at, &cp);
    *font = font_for(c, cp, scale);
    while (i < end) {
        size_t k = sl_textwidth_decode(s + i, &cp);
        double sc;
        /* Marks stay in the run they are in; spaces are drawn in the item's font. */
        bool stays = sl_textwidth_cp(cp) == 0 ||
                     (sl_fonts_invisible(cp) && *font == c->primary);
        if (!stays && font_for(c, cp, &sc) != *font)
            break;
        i += k;
    }
    return i;
}

/* Calls fn for each run of one font in bytes [0, len) of s, with the run as
 * a NUL-terminated string; stops at the first non-zero return. */
typedef int (*run_fn)(text_ctx *c, TTF_Font *f, double scale, const char *run, void *ud);
static int each_run(text_ctx *c, const char *s, size_t len, run_fn fn, void *ud)
{
    for (size_t at = 0; at < len;) {
        TTF_Font *f;
        double scale;
        size_t e = run_end(c, s, at, len, &f, &scale);
        char small[256];
        char *r = e - at < sizeof small ? small : malloc(e - at + 1);
        if (!r) {
            snprintf(c->err, c->errlen, "out of memory");
            return -1;
        }
        memcpy(r, s + at, e - at);
        r[e - at] = '\0';
        int rc = fn(c, f, scale, r, ud);
        if (r != small)
            free(r);
        if (rc != 0)
            return rc;
        at = e;
    }
    return 0;
}

static int add_width(text_ctx *c, TTF_Font *f, double scale, const char *run, void *ud)
{
    (void)c;
    int w = 0, h = 0;
    if (TTF_SizeUTF8(f, run, &w, &h) == 0)
        *(int *)ud += (int)(w * scale + 0.5);
    return 0;
}

/* Width in pixels of bytes [0, len) of s, run by run. */
static int measure(const char *s, size_t len, void *ud)
{
    int total = 0;
    each_run(ud, s, len, add_width, &total);
    return total;
}

/* Puts src onto dst at (x, y), keeping the more opaque pixel where glyph
 * boxes overlap (both hold one colour with coverage in alpha). */
static void merge(SDL_Surface *dst, const SDL_Surface *src, int x, int y)
{
    for (int j = 0; j < src->h; j++) {
        int dy = y + j;
        if (dy < 0 || dy >= dst->h)
            continue;
        const Uint32 *sp = (const Uint32 *)((const Uint8 *)src->pixels + (size_t)j * (size_t)src->pitch);
        Uint32 *dp = (Uint32 *)((Uint8 *)dst->pixels + (size_t)dy * (size_t)dst->pitch);
        for (int i = 0; i < src->w; i++) {
            int dx = x + i;
            if (dx >= 0 && dx < dst->w && (sp[i] >> 24) > (dp[dx] >> 24))
                dp[dx] = sp[i];
        }
    }
}

/* One run drawn in ARGB8888, scaled for a bitmap font; NULL with err. */
static SDL_Surface *render_run(text_ctx *c, TTF_Font *f, double scale, const char *txt)
{
    SDL_Surface *raw = c->render == SL_RENDER_CRISP ? TTF_RenderUTF8_Solid(f, txt, c->color)
                                                    : TTF_RenderUTF8_Blended(f, txt, c->color);
    if (!raw) {
        snprintf(c->err, c->errlen, "cannot render text: %s", TTF_GetError());
        return NULL;
    }
    SDL_Surface *out = SDL_ConvertSurfaceFormat(raw, SDL_PIXELFORMAT_ARGB8888, 0);
    SDL_FreeSurface(raw);
    if (out && scale != 1.0) {
        int w = (int)(out->w * scale + 0.5), h = (int)(out->h * scale + 0.5);
        SDL_Surface *sc = SDL_CreateRGBSurfaceWithFormat(0, w > 0 ? w : 1, h > 0 ? h : 1, 32,
                                                         SDL_PIXELFORMAT_ARGB8888);
        if (sc && SDL_SoftStretchLinear(out, NULL, sc, NULL) != 0) {
            SDL_FreeSurface(sc);
            sc = NULL;
        }
        SDL_FreeSurface(out);
        out = sc;
    }
    if (!out)
        snprintf(c->err, c->errlen, "cannot convert text: %s", SDL_GetError());
    return out;
}

typedef struct {
    SDL_Surface *dst;
    int x, baseline;
} line_pen;

static int draw_run(text_ctx *c, TTF_Font *f, double scale, const char *txt, void *ud)
{
    line_pen *pen = ud;
    SDL_Surface *run = render_run(c, f, scale, txt);
    if (!run)
        return -1;
    merge(pen->dst, run, pen->x, pen->baseline - (int)(TTF_FontAscent(f) * scale + 0.5));
    pen->x += run->w;
    SDL_FreeSurface(run);
    return 0;
}

/* Draws bytes [0, len) of s on dst with its left end at x and its baseline at y. */
static int draw_line(text_ctx *c, SDL_Surface *dst, const char *s, size_t len, int x, int baseline)
{
    line_pen pen = {dst, x, baseline};
    return each_run(c, s, len, draw_run, &pen);
}

/* ---- laying out an item ---- */

typedef struct {
    sl_textwidth_line *lines;
    size_t n;
    int widest, height;
} text_layout;

/* Breaks the text into lines at most max_w wide at the context's size. */
static int lay_out(text_ctx *c, const char *s, int max_w, text_layout *lo)
{
    free(lo->lines);
    memset(lo, 0, sizeof *lo);
    if (sl_textwidth_break(s, max_w, measure, c, &lo->lines, &lo->n) != 0) {
        snprintf(c->err, c->errlen, "out of memory");
        return -1;
    }
    for (size_t i = 0; i < lo->n; i++) {
        int w = measure(s + lo->lines[i].off, lo->lines[i].len, c);
        if (w > lo->widest)
            lo->widest = w;
    }
    lo->height = TTF_FontHeight(c->primary) + (int)(lo->n - 1) * TTF_FontLineSkip(c->primary);
    return 0;
}

/* Opens the item's font at px into c->primary. */
static int set_size(text_ctx *c, const sl_item *it, int px)
{
    if (px < 4)
        px = 4;
    c->px = px;
    const char *path = it->font ? it->font : c->t->default_font;
    long index = it->font ? 0 : c->t->default_index;
    c->primary = get_font(c->t, path, index, px, c->render, c->err, c->errlen);
    return c->primary ? 0 : -1;
}

static bool layout_fits(const text_layout *lo, int box_w, int box_h)
{
    return lo->widest <= box_w && lo->height <= box_h;
}

/* Static text: the largest size up to the item's whose lines fit the box
 * (when it may shrink), found by halving the range of sizes. */
static int fit_static(text_ctx *c, const sl_item *it, int box_w, int box_h, text_layout *lo)
{
    int px = sl_text_size_for_zone(it, box_h);
    if (set_size(c, it, px) != 0 || lay_out(c, it->text, box_w, lo) != 0)
        return -1;
    if (!it->shrink || layout_fits(lo, box_w, box_h))
        return 0;
    int lo_px = SL_TEXT_MIN_PX, hi_px = px - 1; /* fits at lo_px is assumed: nothing smaller */
    while (lo_px < hi_px) {
        int mid = (lo_px + hi_px + 1) / 2;
        if (set_size(c, it, mid) != 0 || lay_out(c, it->text, box_w, lo) != 0)
            return -1;
        if (layout_fits(lo, box_w, box_h))
            lo_px = mid;
        else
            hi_px = mid - 1;
    }
    if (set_size(c, it, lo_px) != 0 || lay_out(c, it->text, box_w, lo) != 0)
        return -1;
    return 0;
}

SDL_Surface *sl_text_render_item(sl_text *t, const sl_item *it, int box_w, int box_h, char *err,
                                 size_t errlen)
{
    SDL_Surface *out = NULL;
    text_layout lo = {0};
    char *one_line = NULL;
    if (!t || !it || !it->text) {
        snprintf(err, errlen, "no text");
        return NULL;
    }
    pthread_mutex_lock(&t->lock);
    text_ctx c = {.t = t, .render = it->render, .err = err, .errlen = errlen,
                  .color = {it->color.r, it->color.g, it->color.b, it->color.a}};
    const char *text = it->text;
    bool is_static = it->mode == SL_TEXT_STATIC;
    if (is_static) {
        if (fit_static(&c, it, box_w > 0 ? box_w : 1, box_h > 0 ? box_h : 1, &lo) != 0)
            goto out;
    } else {
        /* A ticker is one line: its line breaks are spaces. */
        one_line = strdup(text);
        if (!one_line) {
            snprintf(err, errlen, "out of memory");
            goto out;
        }
        for (char *p = one_line; *p; p++)
            if (*p == '\n' || *p == '\r' || *p == '\t')
                *p = ' ';
        text = one_line;
        if (set_size(&c, it, sl_text_size_for_zone(it, box_h)) != 0 ||
            lay_out(&c, text, INT32_MAX / 2, &lo) != 0)
            goto out;
    }
    int w = is_static && box_w > 0 ? box_w : lo.widest;
    out = SDL_CreateRGBSurfaceWithFormat(0, w > 0 ? w : 1, lo.height > 0 ? lo.height : 1, 32,
                                         SDL_PIXELFORMAT_ARGB8888);
    if (!out) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    SDL_FillRect(out, NULL, 0);
    int ascent = TTF_FontAscent(c.primary), skip = TTF_FontLineSkip(c.primary);
    for (size_t i = 0; i < lo.n; i++) {
        const char *ls = text + lo.lines[i].off;
        int lw = measure(ls, lo.lines[i].len, &c);
        int x = it->align == SL_ALIGN_LEFT ? 0 : it->align == SL_ALIGN_RIGHT ? w - lw : (w - lw) / 2;
        if (draw_line(&c, out, ls, lo.lines[i].len, x, ascent + (int)i * skip) != 0) {
            SDL_FreeSurface(out);
            out = NULL;
            goto out;
        }
    }
out:
    pthread_mutex_unlock(&t->lock);
    free(lo.lines);
    free(one_line);
    return out;
}

SDL_Surface *sl_text_render(sl_text *t, const char *utf8, const char *font, int px, sl_color color,
                            sl_render render, char *err, size_t errlen)
{
    sl_item it = {.type = SL_ITEM_TEXT, .mode = SL_TEXT_TICKER, .text = (char *)(utf8 && utf8[0] ? utf8 : " "),
                  .font = (char *)font, .size_px = px < 4 ? 4 : px, .color = color, .render = render};
    return sl_text_render_item(t, utf8 ? &it : NULL, 0, 0, err, errlen);
}

int sl_text_size_for_zone(const sl_item *it, int zone_h)
{
    if (it && it->size_px > 0)
        return it->size_px;
    int px = zone_h * 7 / 10;
    return px < 8 ? 8 : px;
}
