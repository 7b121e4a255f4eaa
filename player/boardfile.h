/* boardfile.h — the board file on the SD card's boot partition (/boot/firmware/screenlit.txt): "key = value" lines an installer edits on any PC. */
#ifndef SL_BOARDFILE_H
#define SL_BOARDFILE_H

#include <stddef.h>

#define SL_BOARD_FILE_DEFAULT "/boot/firmware/screenlit.txt"
#define SL_BOARD_FILE_ENV "SCREENLIT_BOARD_FILE" /* overrides the default path (tests, other boot layouts) */
#define SL_BOARD_FILE_MAX (64u * 1024u)
#define SL_BOARD_LINE_MAX 4096 /* longer lines are refused (a PEM is read line by line) */

/* One "key = value" of the board file, with its line number (from 1). */
typedef struct {
    int line;
    char *key;
    char *value; /* for "hub-ca = -----BEGIN CERTIFICATE-----": the whole PEM, '\n'-separated lines */
} sl_board_entry;

/* A parsed board file: its settings in file order, and one message per bad line
 * ("line 7: ...") — a bad line is left out, the others stay. */
typedef struct {
    sl_board_entry *v;
    size_t n;
    char **errors;
    size_t n_errors;
} sl_board;

/* Parses text of len bytes (a NUL byte inside is a bad file). Accepts a UTF-8
 * byte order mark, CRLF or CR line ends (Windows and old Mac editors), spaces
 * around '=' and the value, '#' comments (whole lines, or after a space), and an
 * inline PEM: "hub-ca = -----BEGIN CERTIFICATE-----" takes the following lines
 * up to and with the "-----END ...-----" line. Keys are folded to lower case
 * and '_' to '-'. Returns 0 (out filled; bad lines in out->errors), or -1 when
 * the text cannot be read at all (NUL byte, out of memory) with err. */
int sl_board_parse(const char *text, size_t len, sl_board *out, char *err, size_t errlen);

/* The last value of key, or NULL. */
const sl_board_entry *sl_board_get(const sl_board *b, const char *key);

void sl_board_free(sl_board *b); /* NULL is fine */

#endif
