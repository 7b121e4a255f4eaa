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

/* One line of broken text: bytes [off, off + len) of the text, without the
 * spaces it broke at or its line break. */
typedef struct {
    size_t off, len;
} sl_textwidth_line;

/* The width of bytes [0, len) of s, in the caller's unit (pixels of a font,
 * or columns). */
typedef int (*sl_textwidth_measure_fn)(const char *s, size_t len, void *ud);

/* Breaks text into lines at most max_w wide as measured by `measure`: at
 * every line break ("\n", "\r\n"), then greedily where a line may end —
 * after spaces in Latin text, and between two characters when either is
 * CJK (wide), except before closing punctuation (，。！？)」 …) and after
 * opening punctuation ((「“ …). A word wider than a line is cut between
 * characters. Spaces where a line wraps are dropped. Sets *out (malloc'd,
 * free it) and *n; returns 0, or -1 when out of memory. */
int sl_textwidth_break(const char *s, int max_w, sl_textwidth_measure_fn measure, void *ud,
                       sl_textwidth_line **out, size_t *n);

/* A measure in columns (sl_textwidth_str of the bytes); ud unused. */
int sl_textwidth_measure_cols(const char *s, size_t len, void *ud);

#endif
