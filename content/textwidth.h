/* textwidth.h — how many columns text takes in a terminal or a chart label: Unicode's East Asian Width, one table for every program. */
#ifndef SL_TEXTWIDTH_H
#define SL_TEXTWIDTH_H

#include <stddef.h>
#include <stdint.h>

/* Decodes the UTF-8 character at s (s[0] not NUL) into *cp and returns its
 * length in bytes. A byte that does not start a valid sequence (shortest
 * form, at most U+10FFFF, no surrogate) counts as one character, U+FFFD. */
size_t sl_textwidth_decode(const char *s, uint32_t *cp);

/* Columns of a code point: 2 for East Asian Wide and Fullwidth (CJK, Hangul
 * syllables, fullwidth forms, emoji), 0 for combining marks (Mn, Me) and
 * invisible format characters (Cf: zero-width space and joiner, BOM), 1 for
 * the rest (control characters too: callers show them as '?'). */
int sl_textwidth_cp(uint32_t cp);

/* Columns of a UTF-8 string (NULL: 0). */
int sl_textwidth_str(const char *s);

/* Copies s (NULL: "") into buf, a cell of at most maxw columns and len bytes
 * (len >= 4 when it may be cut), cut with "…" when longer; control
 * characters (C0, DEL) become '?'. Returns the columns used. */
int sl_textwidth_fit(const char *s, int maxw, char *buf, size_t len);

#endif
