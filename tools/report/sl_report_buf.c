/* sl_report_buf.c — a growing byte buffer for report output, with HTML, CSV, URL and base64 encoders. */
#include "tools/report/sl_report_buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BUF_MIN 4096u

void sl_report_buf_free(sl_report_buf *b)
{
    if (!b)
        return;
    free(b->p);
    memset(b, 0, sizeof *b);
}

char *sl_report_buf_take(sl_report_buf *b, size_t *len)
{
    char *p = b->p;
    if (len)
        *len = b->len;
    memset(b, 0, sizeof *b);
    return p;
}

/* Makes room for n more bytes and the NUL. */
static bool buf_room(sl_report_buf *b, size_t n)
{
    if (b->oom)
        return false;
    if (n > SIZE_MAX / 2 - b->len) {
        b->oom = true;
        return false;
    }
    if (b->len + n + 1 <= b->cap)
        return true;
    size_t cap = b->cap ? b->cap : BUF_MIN;
    while (cap < b->len + n + 1)
        cap *= 2;
    char *p = realloc(b->p, cap);
    if (!p) {
        b->oom = true;
        return false;
    }
    b->p = p;
    b->cap = cap;
    return true;
}

void sl_report_buf_add(sl_report_buf *b, const void *data, size_t n)
{
    if (!buf_room(b, n))
        return;
    if (n)
        memcpy(b->p + b->len, data, n);
    b->len += n;
    b->p[b->len] = '\0';
}

void sl_report_buf_puts(sl_report_buf *b, const char *s)
{
    if (s)
        sl_report_buf_add(b, s, strlen(s));
}

void sl_report_buf_printf(sl_report_buf *b, const char *fmt, ...)
{
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->oom = true;
    } else if (buf_room(b, (size_t)n)) {
        vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap2);
        b->len += (size_t)n;
    }
    va_end(ap2);
}

/* The length of the valid UTF-8 sequence at s (1..4), or 0 when it is not one. */
static size_t utf8_len(const unsigned char *s)
{
    unsigned c = s[0];
    size_t n;
    unsigned min;
    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf) {
        n = 2;
        min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
        n = 3;
        min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
        n = 4;
        min = 0x10000;
    } else {
        return 0;
    }
    unsigned cp = c & (0x7fu >> n);
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3fu);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return n;
}

void sl_report_buf_html(sl_report_buf *b, const char *s)
{
    static const char fffd[] = "\xef\xbf\xbd";
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    while (*p) {
        /* Runs of plain bytes are copied at once. */
        const unsigned char *q = p;
        while (*q >= 0x20 && *q < 0x7f && *q != '&' && *q != '<' && *q != '>' && *q != '"' && *q != '\'')
            q++;
        if (q > p) {
            sl_report_buf_add(b, p, (size_t)(q - p));
            p = q;
            continue;
        }
        switch (*p) {
        case '&':
            sl_report_buf_puts(b, "&amp;");
            p++;
            continue;
        case '<':
            sl_report_buf_puts(b, "&lt;");
            p++;
            continue;
        case '>':
            sl_report_buf_puts(b, "&gt;");
            p++;
            continue;
        case '"':
            sl_report_buf_puts(b, "&quot;");
            p++;
            continue;
        case '\'':
            sl_report_buf_puts(b, "&#39;");
            p++;
            continue;
        case '\t':
        case '\n':
        case '\r':
            sl_report_buf_add(b, p, 1);
            p++;
            continue;
        default:
            break;
        }
        size_t n = *p >= 0x80 ? utf8_len(p) : 0;
        if (n) {
            sl_report_buf_add(b, p, n);
            p += n;
        } else {
            sl_report_buf_puts(b, fffd);
            p++;
        }
    }
}

void sl_report_buf_csv(sl_report_buf *b, const char *s, bool text)
{
    s = s ? s : "";
    size_t n = strlen(s);
    bool formula = text && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' ||
                            s[0] == '\r');
    bool quote = strpbrk(s, ",\"\r\n") != NULL || (n && (s[0] == ' ' || s[n - 1] == ' '));
    if (quote)
        sl_report_buf_add(b, "\"", 1);
    if (formula)
        sl_report_buf_add(b, "'", 1);
    if (!quote) {
        sl_report_buf_add(b, s, n);
        return;
    }
    for (const char *p = s; *p;) {
        const char *q = strchr(p, '"');
        if (!q) {
            sl_report_buf_puts(b, p);
            break;
        }
        sl_report_buf_add(b, p, (size_t)(q - p) + 1);
        sl_report_buf_add(b, "\"", 1);
        p = q + 1;
    }
    sl_report_buf_add(b, "\"", 1);
}

void sl_report_buf_url(sl_report_buf *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        unsigned c = *p;
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
            c == '_' || c == '~') {
            sl_report_buf_add(b, p, 1);
        } else {
            char e[3] = {'%', hex[c >> 4], hex[c & 15]};
            sl_report_buf_add(b, e, 3);
        }
    }
}

void sl_report_buf_base64(sl_report_buf *b, const void *data, size_t n)
{
    static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const unsigned char *d = data;
    if (n > SIZE_MAX / 2) {
        b->oom = true;
        return;
    }
    if (!buf_room(b, (n + 2) / 3 * 4))
        return;
    char *o = b->p + b->len;
    size_t i = 0;
    for (; i + 3 <= n; i += 3) {
        unsigned v = (unsigned)d[i] << 16 | (unsigned)d[i + 1] << 8 | d[i + 2];
        *o++ = tab[v >> 18];
        *o++ = tab[(v >> 12) & 63];
        *o++ = tab[(v >> 6) & 63];
        *o++ = tab[v & 63];
    }
    if (i < n) {
        unsigned v = (unsigned)d[i] << 16 | (i + 1 < n ? (unsigned)d[i + 1] << 8 : 0u);
        *o++ = tab[v >> 18];
        *o++ = tab[(v >> 12) & 63];
        *o++ = i + 1 < n ? tab[(v >> 6) & 63] : '=';
        *o++ = '=';
    }
    b->len = (size_t)(o - b->p);
    b->p[b->len] = '\0';
}
