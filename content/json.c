/* json.c — strict, bounded JSON parsing on top of cJSON. */
#include "content/json.h"

#include "content/fsutil.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Reports the 1-based line and column of byte offset `off`. */
static void position(const char *buf, size_t off, size_t *line, size_t *col)
{
    *line = 1;
    *col = 1;
    for (size_t i = 0; i < off; i++) {
        if (buf[i] == '\n') {
            (*line)++;
            *col = 1;
        } else {
            (*col)++;
        }
    }
}

/* Checks that `buf` is valid UTF-8 (no overlongs, no surrogates, <= U+10FFFF).
 * Returns the offset of the first bad byte, or len when all is well. */
static size_t utf8_check(const unsigned char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        unsigned char c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t n;
        unsigned min;
        unsigned cp;
        if ((c & 0xE0) == 0xC0) {
            n = 1;
            cp = c & 0x1F;
            min = 0x80;
        } else if ((c & 0xF0) == 0xE0) {
            n = 2;
            cp = c & 0x0F;
            min = 0x800;
        } else if ((c & 0xF8) == 0xF0) {
            n = 3;
            cp = c & 0x07;
            min = 0x10000;
        } else {
            return i;
        }
        for (size_t k = 1; k <= n; k++) {
            if (i + k >= len || (s[i + k] & 0xC0) != 0x80)
                return i;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return i;
        i += n + 1;
    }
    return len;
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool is_hex(char c)
{
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* Checks one number token at s[i] against the RFC 8259 grammar
 * (-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?). Returns the offset
 * just after it, or (size_t)-1 when it is malformed. */
static size_t number_end(const char *s, size_t len, size_t i)
{
    if (i < len && s[i] == '-')
        i++;
    if (i >= len || !is_digit(s[i]))
        return (size_t)-1;
    if (s[i] == '0') {
        i++;
    } else {
        while (i < len && is_digit(s[i]))
            i++;
    }
    if (i < len && s[i] == '.') {
        i++;
        if (i >= len || !is_digit(s[i]))
            return (size_t)-1;
        while (i < len && is_digit(s[i]))
            i++;
    }
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < len && (s[i] == '+' || s[i] == '-'))
            i++;
        if (i >= len || !is_digit(s[i]))
            return (size_t)-1;
        while (i < len && is_digit(s[i]))
            i++;
    }
    if (i < len && (is_digit(s[i]) || s[i] == '.' || s[i] == 'e' || s[i] == 'E' || s[i] == '+' ||
                    s[i] == '-'))
        return (size_t)-1;
    return i;
}

static const char too_many_values[] = "too many values";

/* Walks the text outside strings and checks nesting depth, the number of
 * values (max_values; 0 = any) and the grammar points where cJSON is
 * lenient. Returns the offset of the first problem or len when none, with a
 * reason in *why. */
static size_t structure_check(const char *s, size_t len, int max_depth, size_t max_values, const char **why)
{
    int depth = 0;
    size_t values = 0;
    bool in_str = false;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (in_str) {
            if (c == '\\') {
                char e = i + 1 < len ? s[i + 1] : '\0';
                if (e == 'u') {
                    for (size_t k = 2; k < 6; k++) {
                        if (i + k >= len || !is_hex(s[i + k])) {
                            *why = "bad \\u escape in a string";
                            return i;
                        }
                    }
                    if (memcmp(s + i + 2, "0000", 4) == 0) {
                        /* C strings end at NUL: cJSON would silently cut the text here. */
                        *why = "\\u0000 (a NUL character) in a string is not accepted";
                        return i;
                    }
                    i += 5;
                } else if (e && strchr("\"\\/bfnrt", e)) {
                    i++;
                } else {
                    *why = "bad escape in a string";
                    return i;
                }
            } else if (c == '"') {
                in_str = false;
            } else if (c < 0x20) {
                *why = "control character inside a string";
                return i;
            }
            continue;
        }
        /* A value (or member name) starts here: a string, a number, an array,
         * an object, or true/false/null (outside strings t, f and n start only
         * those; the e of a number is skipped with it). */
        if (max_values && (c == '"' || c == '-' || is_digit((char)c) || c == '[' || c == '{' || c == 't' ||
                           c == 'f' || c == 'n') && ++values > max_values) {
            *why = too_many_values;
            return i;
        }
        if (c == '"') {
            in_str = true;
        } else if (c == '-' || is_digit((char)c)) {
            size_t end = number_end(s, len, i);
            if (end == (size_t)-1) {
                *why = "malformed number";
                return i;
            }
            i = end - 1;
        } else if (c < 0x20 && c != ' ' && c != '\t' && c != '\n' && c != '\r') {
            *why = c == 0 ? "NUL byte" : "control character outside a string";
            return i;
        } else if (c == '[' || c == '{') {
            if (++depth > max_depth) {
                *why = "nested too deeply";
                return i;
            }
        } else if (c == ']' || c == '}') {
            depth--;
        }
    }
    return len;
}

/* qsort order of object members by key. */
static int key_cmp(const void *a, const void *b)
{
    const cJSON *x = *(const cJSON *const *)a;
    const cJSON *y = *(const cJSON *const *)b;
    return strcmp(x->string ? x->string : "", y->string ? y->string : "");
}

/* Appends one step ("name" or "[i]") to the JSON path in p (capped). */
static void path_push(char *p, size_t cap, const cJSON *parent, const cJSON *child, int index)
{
    size_t n = strlen(p);
    if (n >= cap - 1)
        return;
    if (cJSON_IsArray(parent))
        snprintf(p + n, cap - n, "[%d]", index);
    else
        snprintf(p + n, cap - n, "%s%s", n ? "." : "", child->string ? child->string : "");
}

/* Finds a key that appears twice in one object, anywhere under v: one text
 * would mean two things (cJSON keeps the first, jq and Python the last).
 * Writes e.g. `items[2]: duplicate key "duration"` into err and returns -1.
 * Large objects are checked by sorting their keys, so a hostile body with
 * many keys costs n log n, not n². */
static int dup_check(const cJSON *v, char *path, size_t pathcap, char *err, size_t errlen)
{
    size_t keep = strlen(path);
    if (cJSON_IsObject(v)) {
        size_t n = 0;
        for (const cJSON *c = v->child; c; c = c->next)
            n++;
        const cJSON *dup = NULL;
        if (n > 1 && n <= 32) {
            for (const cJSON *a = v->child; a && !dup; a = a->next)
                for (const cJSON *b = v->child; b != a; b = b->next)
                    if (a->string && b->string && strcmp(a->string, b->string) == 0) {
                        dup = a;
                        break;
                    }
        } else if (n > 32) {
            const cJSON **keys = malloc(n * sizeof *keys);
            if (!keys) {
                snprintf(err, errlen, "out of memory");
                return -1;
            }
            size_t k = 0;
            for (const cJSON *c = v->child; c; c = c->next)
                keys[k++] = c;
            qsort(keys, n, sizeof *keys, key_cmp);
            for (k = 1; k < n && !dup; k++)
                if (strcmp(keys[k - 1]->string ? keys[k - 1]->string : "",
                           keys[k]->string ? keys[k]->string : "") == 0)
                    dup = keys[k];
            free(keys);
        }
        if (dup) {
            snprintf(err, errlen, "%s%sduplicate key \"%.200s\"", path, *path ? ": " : "",
                     dup->string ? dup->string : "");
            return -1;
        }
    }
    if (cJSON_IsObject(v) || cJSON_IsArray(v)) {
        int i = 0;
        for (const cJSON *c = v->child; c; c = c->next, i++) {
            if (!cJSON_IsObject(c) && !cJSON_IsArray(c))
                continue;
            path_push(path, pathcap, v, c, i);
            int rc = dup_check(c, path, pathcap, err, errlen);
            path[keep] = '\0';
            if (rc != 0)
                return -1;
        }
    }
    return 0;
}

cJSON *sl_json_parse(const char *buf, size_t len, const sl_json_limits *lim, char *err, size_t errlen)
{
    size_t max_bytes = (lim && lim->max_bytes) ? lim->max_bytes : SL_JSON_MAX_BYTES_DEFAULT;
    int max_depth = (lim && lim->max_depth) ? lim->max_depth : SL_JSON_MAX_DEPTH_DEFAULT;
    size_t max_values = lim ? lim->max_values : 0;
    cJSON *root = NULL;
    size_t line, col;
    const char *why = NULL;

    if (!buf) {
        snprintf(err, errlen, "no input");
        goto out;
    }
    if (len > max_bytes) {
        snprintf(err, errlen, "too large: %zu bytes (limit %zu)", len, max_bytes);
        goto out;
    }
    size_t bad = utf8_check((const unsigned char *)buf, len);
    if (bad < len) {
        position(buf, bad, &line, &col);
        snprintf(err, errlen, "line %zu, column %zu: not valid UTF-8", line, col);
        goto out;
    }
    bad = structure_check(buf, len, max_depth, max_values, &why);
    if (bad < len) {
        position(buf, bad, &line, &col);
        if (why == too_many_values)
            snprintf(err, errlen, "line %zu, column %zu: more than %zu values (member names count as values)",
                     line, col, max_values);
        else
            snprintf(err, errlen, "line %zu, column %zu: %s", line, col, why);
        goto out;
    }
    const char *end = NULL;
    root = cJSON_ParseWithLengthOpts(buf, len, &end, 0);
    if (!root) {
        const char *at = cJSON_GetErrorPtr();
        (void)at;
        size_t off = (end && end >= buf && end <= buf + len) ? (size_t)(end - buf) : 0;
        position(buf, off, &line, &col);
        snprintf(err, errlen, "line %zu, column %zu: not valid JSON", line, col);
        goto out;
    }
    /* Anything but white space after the value is an error. */
    for (const char *p = end; p < buf + len; p++) {
        if (*p != ' ' && *p != '\t' && *p != '\n' && *p != '\r') {
            position(buf, (size_t)(p - buf), &line, &col);
            snprintf(err, errlen, "line %zu, column %zu: unexpected text after the JSON value", line, col);
            cJSON_Delete(root);
            root = NULL;
            goto out;
        }
    }
    char path[256] = "";
    if (dup_check(root, path, sizeof path, err, errlen) != 0) {
        cJSON_Delete(root);
        root = NULL;
        goto out;
    }
out:
    return root;
}

cJSON *sl_json_read_file(const char *path, const sl_json_limits *lim, char *err, size_t errlen)
{
    size_t max_bytes = (lim && lim->max_bytes) ? lim->max_bytes : SL_JSON_MAX_BYTES_DEFAULT;
    char *buf = NULL;
    size_t len = 0;
    cJSON *root = NULL;
    char ferr[256];
    if (sl_fs_read_file(path, max_bytes, &buf, &len, ferr, sizeof ferr) != 0) {
        snprintf(err, errlen, "%s", ferr);
        goto out;
    }
    root = sl_json_parse(buf, len, lim, err, errlen);
out:
    free(buf);
    return root;
}

const char *sl_json_str(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

#define SL_JSON_INT_LIMIT 9007199254740992.0 /* 2^53: integers a double holds exactly */

int sl_json_int(const cJSON *obj, const char *key, int64_t lo, int64_t hi, bool required, int64_t dflt,
                int64_t *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!v || cJSON_IsNull(v)) {
        if (required)
            return -1;
        *out = dflt;
        return 0;
    }
    if (!cJSON_IsNumber(v))
        return -1;
    double d = v->valuedouble;
    if (!isfinite(d) || d != floor(d) || d < -SL_JSON_INT_LIMIT || d > SL_JSON_INT_LIMIT)
        return -1;
    int64_t i = (int64_t)d;
    if (i < lo || i > hi)
        return -1;
    *out = i;
    return 0;
}
