/* text.h — slogans rendered once into pictures with SDL_ttf (HarfBuzz shaping): fallback fonts, lines, alignment, a small font cache. */
#ifndef SL_TEXT_H
#define SL_TEXT_H

#include "content/playlist.h"

#include <SDL2/SDL.h>
#include <stddef.h>
#include <stdint.h>

#define SL_TEXT_DEFAULT_FONT "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
#define SL_TEXT_DEFAULT_FONT_INDEX 2 /* the Simplified Chinese face of the Noto CJK collection */
#define SL_TEXT_CACHE_FONTS 16       /* open font files kept (each re-sized as needed), least recently used dropped */

typedef struct sl_text sl_text;

/* Starts SDL_ttf and the cache. default_font may be NULL for SL_TEXT_DEFAULT_FONT. */
sl_text *sl_text_new(const char *default_font, long default_index, char *err, size_t errlen);
void sl_text_free(sl_text *t); /* NULL is fine */

/* Renders one line of text (UTF-8) in ARGB8888 at `px` (the glyph em size
 * in pixels), with fallback fonts like sl_text_render_item. font NULL = the
 * default. Returns NULL with err. */
SDL_Surface *sl_text_render(sl_text *t, const char *utf8, const char *font, int px, sl_color color,
                            sl_render render, char *err, size_t errlen);

#define SL_TEXT_MIN_PX 6 /* a static text shrinks no further */

/* Renders a text item for a box_w x box_h zone, once, in ARGB8888 (the
 * loader's thread; the renderer only moves the result). A ticker is one line
 * (its line breaks become spaces) as wide as its words. A static text is
 * broken into lines (its line breaks, then wrapped to the zone's width,
 * CJK-aware: sl_textwidth_break), each placed by the item's alignment on a
 * surface as wide as the zone; with `shrink` it is drawn at the largest size
 * up to its own whose lines all fit the zone. Characters the item's font
 * lacks are drawn with the installed font fontconfig finds for them (colour
 * emoji scaled to the line); crisp = monochrome hinting and no
 * anti-aliasing (LED walls). Thread-safe (one lock around FreeType).
 * Returns NULL with err. */
SDL_Surface *sl_text_render_item(sl_text *t, const sl_item *it, int box_w, int box_h, char *err,
                                 size_t errlen);

/* How many font files were opened so far: each file (and face) once,
 * whatever the sizes and hinting drawn with it, while it stays in the cache. */
int64_t sl_text_fonts_opened(sl_text *t);

/* The pixel size a text item gets in a zone of height zone_h: the item's
 * own size, or 70 % of the zone for size 0 (at least 8 px). */
int sl_text_size_for_zone(const sl_item *it, int zone_h);

#endif
