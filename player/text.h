/* text.h — slogans rendered once into pictures with SDL_ttf (HarfBuzz shaping), with a small font cache. */
#ifndef SL_TEXT_H
#define SL_TEXT_H

#include "content/playlist.h"

#include <SDL2/SDL.h>
#include <stddef.h>

#define SL_TEXT_DEFAULT_FONT "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
#define SL_TEXT_DEFAULT_FONT_INDEX 2 /* the Simplified Chinese face of the Noto CJK collection */
#define SL_TEXT_CACHE_FONTS 16       /* open fonts kept, least recently used dropped */

typedef struct sl_text sl_text;

/* Starts SDL_ttf and the cache. default_font may be NULL for SL_TEXT_DEFAULT_FONT. */
sl_text *sl_text_new(const char *default_font, long default_index, char *err, size_t errlen);
void sl_text_free(sl_text *t); /* NULL is fine */

/* Renders one line of text (UTF-8) in ARGB8888: `px` is the glyph em size in
 * pixels; crisp = monochrome hinting and no anti-aliasing (LED walls).
 * font NULL = the default. Thread-safe (one lock around FreeType).
 * Returns NULL with err. */
SDL_Surface *sl_text_render(sl_text *t, const char *utf8, const char *font, int px, sl_color color,
                            sl_render render, char *err, size_t errlen);

/* The pixel size a text item gets in a zone of height zone_h: the item's
 * own size, or 70 % of the zone for size 0 (at least 8 px). */
int sl_text_size_for_zone(const sl_item *it, int zone_h);

#endif
