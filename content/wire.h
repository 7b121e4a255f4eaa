/* wire.h — what the player, the screenlit command and the hub all speak besides play records: identifiers, text, error replies. */
#ifndef SL_WIRE_H
#define SL_WIRE_H

#include <stdbool.h>
#include <stddef.h>

#define SL_WIRE_ID_MAX 64 /* the longest identifier, in bytes */

/* Whether s is an identifier of the hub's API: 1 to SL_WIRE_ID_MAX bytes of
 * [A-Za-z0-9._-] (ASCII whatever the locale), not starting with '.' or '-'.
 * Screen ids, channels, item and zone ids, token and key names. NULL: false. */
bool sl_wire_id_ok(const char *s);

/* Whether len bytes are valid UTF-8 (shortest forms, no surrogates, at most
 * U+10FFFF) without NUL, DEL or other C0 control bytes (tab allowed when
 * allow_tab): the text members the hub accepts. */
bool sl_wire_text_ok(const char *s, size_t len, bool allow_tab);

/* Copies text (NULL: "") into buf (cap bytes with the NUL; nothing when
 * buf is NULL or cap 0) as a wire text: cut to fit without splitting a UTF-8
 * character (a last character not whole is dropped, also when text itself
 * ends inside one), C0 control bytes and DEL turned into spaces. buf may be
 * text itself (cut in place). Reasons of play records, say. */
void sl_wire_text_cut(char *buf, size_t cap, const char *text);

/* The hub's error reply (API.md): a JSON object {"error": "sentence",
 * "code": "device_revoked", "screen": ID, …}; a member that is absent or not
 * a string is "", and so is a code or screen longer than its field (a longer
 * error sentence is cut). */
typedef struct {
    char error[1024];
    char code[64];
    char screen[SL_WIRE_ID_MAX + 1];
} sl_wire_error;

#define SL_WIRE_ERROR_BODY_MAX (64u * 1024u) /* a longer body is not read as an error reply */

/* Reads an error reply's body (len bytes, need not be NUL-terminated).
 * Returns 0 when it is a JSON object with a string "error" or "code" (out
 * filled), -1 otherwise (not JSON, not an object, neither member, larger
 * than SL_WIRE_ERROR_BODY_MAX, body NULL or empty; out all ""). */
int sl_wire_error_parse(const char *body, size_t len, sl_wire_error *out);

#endif
