/* json.h — the one path by which JSON from outside is read: size and depth capped. */
#ifndef SL_JSON_H
#define SL_JSON_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SL_JSON_MAX_BYTES_DEFAULT (4u * 1024u * 1024u) /* 4 MiB */
#define SL_JSON_MAX_DEPTH_DEFAULT 64

typedef struct {
    size_t max_bytes; /* 0 = SL_JSON_MAX_BYTES_DEFAULT */
    int max_depth;    /* 0 = SL_JSON_MAX_DEPTH_DEFAULT */
    /* The most values (strings, numbers, true/false/null, arrays, objects;
     * member names count as values) the text may hold, counted before cJSON
     * parses it: cJSON takes ~100 bytes per value, so this bounds the parse's
     * memory. 0 = no limit but max_bytes. */
    size_t max_values;
} sl_json_limits;

/* Parses exactly `len` bytes as one JSON text (RFC 8259: no trailing
 * garbage, no NUL bytes, UTF-8 only, no key twice in one object). On
 * failure returns NULL and writes a message such as "line 3, column 7:
 * unexpected character" or `items[2]: duplicate key "duration"` into err.
 * lim may be NULL for the defaults. Free the result with cJSON_Delete. */
cJSON *sl_json_parse(const char *buf, size_t len, const sl_json_limits *lim,
                     char *err, size_t errlen);

/* Reads and parses a file, refusing files larger than the limit. */
cJSON *sl_json_read_file(const char *path, const sl_json_limits *lim,
                         char *err, size_t errlen);

/* The string value of obj[key], or NULL when absent or not a string. */
const char *sl_json_str(const cJSON *obj, const char *key);

/* Reads an integer member of a JSON object. Absent (or null): -1 when
 * required, else 0 with *out = dflt. Present: must be a JSON number with no
 * fraction, within [lo, hi] (both within +-2^53); else -1. */
int sl_json_int(const cJSON *obj, const char *key, int64_t lo, int64_t hi, bool required, int64_t dflt,
                int64_t *out);

/* Prints v (and what is under it) like cJSON_Print / cJSON_PrintUnformatted,
 * but every integral number within ±2^53 exactly (9007199254740991, where
 * cJSON alone writes 9.00719925474099e+15). v is const for the caller: its
 * numbers are changed during the call and put back before it returns, so it
 * is not for a tree another thread reads at the same time.
 * Free the text with free(). NULL when v is NULL or out of memory. */
char *sl_json_print(const cJSON *v, bool formatted);

#endif
