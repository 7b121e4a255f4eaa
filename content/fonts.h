/* fonts.h — which installed font can draw a character, asked of fontconfig: the player's fallback fonts and lint's check of undrawable characters. */
#ifndef SL_FONTS_H
#define SL_FONTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct sl_fonts sl_fonts;

/* Loads fontconfig's configuration and the list of installed fonts (once:
 * keep it). Returns NULL with err when fontconfig cannot start. */
sl_fonts *sl_fonts_open(char *err, size_t errlen);
void sl_fonts_free(sl_fonts *f); /* NULL is fine */

/* The installed font fontconfig prefers for code point cp among those that
 * have a glyph for it (Chinese faces first): its file into path and its face
 * index into *index. Returns 0, or -1 when no installed font has it. Not
 * thread-safe: one caller at a time. */
int sl_fonts_find(sl_fonts *f, uint32_t cp, char *path, size_t len, int *index);

/* Whether any installed font has a glyph for cp (one look-up in the union
 * of every font's characters, made on the first call). */
bool sl_fonts_covers(sl_fonts *f, uint32_t cp);

/* The characters one font file has (face `index`), as fontconfig reads
 * them: what an item's own `font` draws before any fallback. NULL when the
 * file cannot be read as a font. */
typedef struct sl_font_chars sl_font_chars;
sl_font_chars *sl_fonts_file_chars(const char *path, int index);
bool sl_font_chars_has(const sl_font_chars *c, uint32_t cp); /* NULL: false */
void sl_font_chars_free(sl_font_chars *c);                   /* NULL is fine */

/* Whether a character needs no glyph (controls, spaces, joiners, variation
 * selectors and other invisible format characters). */
bool sl_fonts_invisible(uint32_t cp);

#endif
