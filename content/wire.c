/* wire.c — identifiers, text and error replies as the hub's API defines them, for the player, the screenlit command and the hub. */
#include "content/wire.h"

#include "content/json.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

bool sl_wire_id_ok(const char *s)
{
    if (!s || !s[0] || s[0] == '.' || s[0] == '-')
        return false;
    for (size_t i = 0; s[i]; i++) {
        char c = s[i];
        if (i >= SL_WIRE_ID_MAX)
            return false;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
              c == '_' || c == '-'))
            return false;
    }
    return true;
}

bool sl_wire_text_ok(const char *str, size_t len, bool allow_tab)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    while (i < len) {
        unsigned char c = s[i];
        if (c < 0x80) {
            if ((c < 0x20 && !(allow_tab && c == '\t')) || c == 0x7f)
                return false;
            i++;
            continue;
        }
        size_t n;
        uint32_t cp;
        if (c >= 0xc2 && c <= 0xdf) {
            n = 2;
            cp = c & 0x1f;
        } else if (c >= 0xe0 && c <= 0xef) {
            n = 3;
            cp = c & 0x0f;
        } else if (c >= 0xf0 && c <= 0xf4) {
            n = 4;
            cp = c & 0x07;
        } else {
            return false;
        }
        if (i + n > len)
            return false;
        for (size_t k = 1; k < n; k++) {
            if ((s[i + k] & 0xc0) != 0x80)
                return false;
            cp = (cp << 6) | (s[i + k] & 0x3f);
        }
        if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
            (cp >= 0xd800 && cp <= 0xdfff))
            return false;
        i += n;
    }
    return true;
}

/* Copies obj[key] into buf when it is a string; a longer one is cut when
 * `cut`, else "" (an identifier cut short would name another). */
static void member(const cJSON *obj, const char *key, bool cut, char *buf, size_t len)
{
    const char *v = sl_json_str(obj, key);
    if (!v || ((size_t)snprintf(buf, len, "%s", v) >= len && !cut))
        buf[0] = '\0';
}

void sl_wire_text_cut(char *buf, size_t cap, const char *text)
{
    if (!buf || cap == 0)
        return;
    const char *t = text ? text : "";
    size_t n = strlen(t);
    if (n > cap - 1)
        n = cap - 1;
    /* The last sequence: its lead byte and the continuation bytes after it. */
    size_t p = n;
    while (p > 0 && ((unsigned char)t[p - 1] & 0xC0) == 0x80)
        p--;
    if (p > 0) {
        unsigned char lead = (unsigned char)t[p - 1];
        size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
        if (n - (p - 1) < need)
            n = p - 1;
    }
    for (size_t i = 0; i < n; i++)
        buf[i] = (unsigned char)t[i] < 0x20 || t[i] == 0x7f ? ' ' : t[i];
    buf[n] = '\0';
}

int sl_wire_error_parse(const char *body, size_t len, sl_wire_error *out)
{
    memset(out, 0, sizeof *out);
    if (!body || len == 0 || len > SL_WIRE_ERROR_BODY_MAX)
        return -1;
    char jerr[128];
    sl_json_limits lim = {.max_bytes = SL_WIRE_ERROR_BODY_MAX, .max_depth = 0};
    cJSON *j = sl_json_parse(body, len, &lim, jerr, sizeof jerr);
    int rc = -1;
    if (cJSON_IsObject(j) && (sl_json_str(j, "error") || sl_json_str(j, "code"))) {
        member(j, "error", true, out->error, sizeof out->error);
        member(j, "code", false, out->code, sizeof out->code);
        member(j, "screen", false, out->screen, sizeof out->screen);
        rc = 0;
    }
    cJSON_Delete(j);
    return rc;
}
