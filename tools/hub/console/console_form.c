/* console_form.c — reading query strings, forms (urlencoded and multipart), cookies and Accept-Language for the console, with caps on everything (see console_form.h). */
#define _GNU_SOURCE
#include "tools/hub/console/console_form.h"

#include "content/wire.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

long sl_cform_pct_decode(const char *in, size_t n, bool plus, char *out)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        char c = in[i];
        if (c == '%') {
            unsigned char byte = 0;
            size_t got = 0;
            if (n - i < 3 || sodium_hex2bin(&byte, 1, in + i + 1, 2, NULL, &got, NULL) != 0 || got != 1)
                return -1;
            out[o++] = (char)byte;
            i += 2;
        } else {
            out[o++] = plus && c == '+' ? ' ' : c;
        }
    }
    out[o] = '\0';
    return (long)o;
}

/* Whether len bytes are text a field may hold: UTF-8 without NUL or control
 * characters, except tab, CR and LF in values (a textarea's lines). */
static bool field_text_ok(const char *s, size_t len, bool value)
{
    size_t start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i < len && !(value && (s[i] == '\r' || s[i] == '\n')))
            continue;
        if (i > start && !sl_wire_text_ok(s + start, i - start, value))
            return false;
        start = i + 1;
    }
    return true;
}

/* Adds an already decoded field (see sl_cform_add): name and value hold
 * nlen and vlen bytes and a NUL after them. */
static int add_decoded(cJSON *obj, const char *name, size_t nlen, const char *value, size_t vlen, char *err,
                       size_t errlen)
{
    if (nlen == 0 || nlen > SL_CFORM_NAME_MAX || !field_text_ok(name, nlen, false)) {
        snprintf(err, errlen, "a form field has an empty, over-long (over %d bytes) or unreadable name",
                 SL_CFORM_NAME_MAX);
        return -1;
    }
    if (vlen > SL_CFORM_VALUE_MAX || !field_text_ok(value, vlen, true)) {
        snprintf(err, errlen, "form field \"%.*s\": the value is longer than %u bytes or is not UTF-8 text",
                 (int)nlen, name, SL_CFORM_VALUE_MAX);
        return -1;
    }
    if (cJSON_GetObjectItemCaseSensitive(obj, name))
        return 0; /* the first value stays */
    if (cJSON_GetArraySize(obj) >= SL_CFORM_FIELDS_MAX) {
        snprintf(err, errlen, "more than %d form fields", SL_CFORM_FIELDS_MAX);
        return -1;
    }
    if (!cJSON_AddStringToObject(obj, name, value)) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    return 0;
}

int sl_cform_add(cJSON *obj, const char *name, size_t nlen, const char *value, size_t vlen, char *err,
                 size_t errlen)
{
    int rc = -1;
    char *n = NULL, *v = NULL;
    if (nlen > 3 * SL_CFORM_NAME_MAX || vlen > 3u * SL_CFORM_VALUE_MAX) {
        snprintf(err, errlen, "a form field's name or value is too long");
        return -1;
    }
    n = malloc(nlen + 1);
    v = malloc(vlen + 1);
    if (!n || !v) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    long nl = sl_cform_pct_decode(name, nlen, true, n);
    long vl = sl_cform_pct_decode(value, vlen, true, v);
    if (nl < 0 || vl < 0) {
        snprintf(err, errlen, "a form field has a broken %%-escape (%% must be followed by two hex digits)");
        goto out;
    }
    rc = add_decoded(obj, n, (size_t)nl, v, (size_t)vl, err, errlen);
out:
    free(n);
    free(v);
    return rc;
}

int sl_cform_urlencoded(const char *text, size_t len, cJSON *obj, char *err, size_t errlen)
{
    size_t i = 0;
    if (len > SL_CFORM_BODY_MAX) {
        snprintf(err, errlen, "the form is larger than %u bytes", SL_CFORM_BODY_MAX);
        return -1;
    }
    while (i < len) {
        const char *pair = text + i;
        const char *amp = memchr(pair, '&', len - i);
        size_t plen = amp ? (size_t)(amp - pair) : len - i;
        i += plen + 1;
        if (plen == 0)
            continue; /* "a=1&&b=2" */
        const char *eq = memchr(pair, '=', plen);
        size_t nlen = eq ? (size_t)(eq - pair) : plen;
        const char *value = eq ? eq + 1 : "";
        size_t vlen = eq ? plen - nlen - 1 : 0;
        if (sl_cform_add(obj, pair, nlen, value, vlen, err, errlen) != 0)
            return -1;
    }
    return 0;
}

/* The next parameter of a header value "a; k=v; k2=\"v 2\"" from *p: its
 * name and (unquoted, cut to vlen - 1) value. 0, or -1 at the end. */
static int next_param(const char **p, char *key, size_t klen, char *val, size_t vlen)
{
    const char *s = *p;
    while (*s == ';' || *s == ' ' || *s == '\t')
        s++;
    if (!*s)
        return -1;
    size_t k = 0, v = 0;
    while (*s && *s != '=' && *s != ';') {
        if (k + 1 < klen && *s != ' ' && *s != '\t')
            key[k++] = *s;
        s++;
    }
    key[k] = '\0';
    if (*s == '=') {
        s++;
        while (*s == ' ' || *s == '\t')
            s++;
        if (*s == '"') {
            s++;
            while (*s && *s != '"') {
                if (*s == '\\' && s[1])
                    s++;
                if (v + 1 < vlen)
                    val[v++] = *s;
                s++;
            }
            if (*s == '"')
                s++;
            while (*s && *s != ';')
                s++;
        } else {
            while (*s && *s != ';') {
                if (v + 1 < vlen && *s != ' ' && *s != '\t')
                    val[v++] = *s;
                s++;
            }
        }
    }
    val[v] = '\0';
    *p = s;
    return 0;
}

int sl_cform_boundary(const char *content_type, char *out)
{
    static const char type[] = "multipart/form-data";
    const char *p = content_type;
    if (!p)
        return -1;
    while (*p == ' ' || *p == '\t')
        p++;
    if (strncasecmp(p, type, sizeof type - 1) != 0)
        return -1;
    p += sizeof type - 1;
    while (*p == ' ' || *p == '\t')
        p++;
    if (*p != ';')
        return -1;
    char key[32], val[SL_CFORM_BOUNDARY_MAX + 2];
    while (next_param(&p, key, sizeof key, val, sizeof val) == 0) {
        size_t n = strlen(val);
        if (strcasecmp(key, "boundary") == 0 && n >= 1 && n <= SL_CFORM_BOUNDARY_MAX) {
            memcpy(out, val, n + 1);
            return 0;
        }
    }
    return -1;
}

/* One part's Content-Disposition: its name, and filename when it has one. */
typedef struct {
    bool form_data, has_name, has_filename;
    char name[SL_CFORM_NAME_MAX + 2];
    char filename[256];
} part_head;

/* Reads the header lines of a part (hdr, len bytes, lines ending in CRLF). */
static int part_headers(const char *hdr, size_t len, part_head *h, char *err, size_t errlen)
{
    memset(h, 0, sizeof *h);
    size_t i = 0;
    while (i < len) {
        const char *line = hdr + i;
        const char *e = memmem(line, len - i, "\r\n", 2);
        size_t n = e ? (size_t)(e - line) : len - i;
        i += n + 2;
        static const char cd[] = "content-disposition:";
        if (n < sizeof cd - 1 || strncasecmp(line, cd, sizeof cd - 1) != 0)
            continue;
        char value[SL_CFORM_PART_HEADERS_MAX + 1], key[32], v[256];
        size_t vn = n - (sizeof cd - 1);
        memcpy(value, line + sizeof cd - 1, vn);
        value[vn] = '\0';
        const char *p = value;
        while (*p == ' ' || *p == '\t')
            p++;
        h->form_data = strncasecmp(p, "form-data", 9) == 0 && (p[9] == ';' || p[9] == ' ' || !p[9]);
        p += strcspn(p, ";");
        while (next_param(&p, key, sizeof key, v, sizeof v) == 0) {
            if (strcasecmp(key, "name") == 0) {
                h->has_name = true;
                snprintf(h->name, sizeof h->name, "%s", v);
            } else if (strcasecmp(key, "filename") == 0) {
                h->has_filename = true;
                snprintf(h->filename, sizeof h->filename, "%s", v);
            }
        }
    }
    if (!h->form_data || !h->has_name || !h->name[0]) {
        snprintf(err, errlen, "a part of the form has no Content-Disposition: form-data with a name");
        return -1;
    }
    return 0;
}

/* The next delimiter "\r\n--BOUNDARY" in [from, end) that is one: followed
 * by "--" (the last) or by optional spaces and CRLF (RFC 2046). NULL when none. */
static const char *find_delim(const char *from, const char *end, const char *delim, size_t dl)
{
    while (from < end) {
        const char *d = memmem(from, (size_t)(end - from), delim, dl);
        if (!d)
            return NULL;
        const char *after = d + dl;
        if (end - after >= 2 && after[0] == '-' && after[1] == '-')
            return d;
        while (after < end && (*after == ' ' || *after == '\t'))
            after++;
        if (end - after >= 2 && after[0] == '\r' && after[1] == '\n')
            return d;
        from = d + 1;
    }
    return NULL;
}

int sl_cform_multipart(const char *body, size_t len, const char *boundary, cJSON *obj, sl_cform_file *file,
                       char *err, size_t errlen)
{
    char delim[SL_CFORM_BOUNDARY_MAX + 5];
    size_t bl = strlen(boundary);
    memset(file, 0, sizeof *file);
    if (bl == 0 || bl > SL_CFORM_BOUNDARY_MAX) {
        snprintf(err, errlen, "the form's boundary is empty or longer than %d bytes", SL_CFORM_BOUNDARY_MAX);
        return -1;
    }
    if (len > SL_CFORM_MULTIPART_MAX) {
        snprintf(err, errlen, "the form is larger than %u bytes", SL_CFORM_MULTIPART_MAX);
        return -1;
    }
    /* "\r\n--BOUNDARY": every delimiter but a first one at the very start. */
    size_t dl = (size_t)snprintf(delim, sizeof delim, "\r\n--%s", boundary);
    const char *end = body + len, *p;
    if (len >= dl - 2 && memcmp(body, delim + 2, dl - 2) == 0) {
        p = body + dl - 2;
    } else {
        p = find_delim(body, end, delim, dl);
        if (!p) {
            snprintf(err, errlen, "the form has no part (its boundary never comes)");
            return -1;
        }
        p += dl;
    }
    for (int parts = 0;; parts++) {
        if (end - p >= 2 && p[0] == '-' && p[1] == '-')
            return 0; /* the close delimiter; an epilogue is ignored */
        while (p < end && (*p == ' ' || *p == '\t'))
            p++;
        if (end - p < 2 || p[0] != '\r' || p[1] != '\n') {
            snprintf(err, errlen, "the form is cut short or malformed after a boundary");
            return -1;
        }
        p += 2;
        if (parts >= SL_CFORM_FIELDS_MAX) {
            snprintf(err, errlen, "more than %d parts in the form", SL_CFORM_FIELDS_MAX);
            return -1;
        }
        size_t room = (size_t)(end - p);
        const char *hend = memmem(p, room < SL_CFORM_PART_HEADERS_MAX + 4 ? room : SL_CFORM_PART_HEADERS_MAX + 4,
                                  "\r\n\r\n", 4);
        if (!hend && p + 2 <= end && p[0] == '\r' && p[1] == '\n')
            hend = p - 2; /* a part without header lines */
        if (!hend) {
            snprintf(err, errlen, "a part's header lines are missing their end or longer than %d bytes",
                     SL_CFORM_PART_HEADERS_MAX);
            return -1;
        }
        part_head h;
        if (part_headers(p, hend > p ? (size_t)(hend - p) + 2 : 0, &h, err, errlen) != 0)
            return -1;
        const char *data = hend + 4;
        const char *dend = find_delim(data, end, delim, dl);
        if (!dend) {
            snprintf(err, errlen, "the form is cut short (a part never ends)");
            return -1;
        }
        size_t dlen = (size_t)(dend - data);
        if (h.has_filename && (h.filename[0] || dlen)) {
            if (file->data) {
                snprintf(err, errlen, "the form holds more than one file; send one");
                return -1;
            }
            if (dlen > SL_CFORM_UPLOAD_MAX) {
                snprintf(err, errlen, "the file is larger than %u MiB", SL_CFORM_UPLOAD_MAX >> 20);
                return -1;
            }
            file->data = data;
            file->len = dlen;
            snprintf(file->field, sizeof file->field, "%s", h.name);
            snprintf(file->filename, sizeof file->filename, "%s", h.filename);
        } else if (!h.has_filename) {
            char *value = dlen <= SL_CFORM_VALUE_MAX ? malloc(dlen + 1) : NULL; /* not strndup: a NUL in it is refused */
            if (value) {
                memcpy(value, data, dlen);
                value[dlen] = '\0';
            } else {
                snprintf(err, errlen, dlen > SL_CFORM_VALUE_MAX ? "form field \"%s\": the value is longer than the limit"
                                                                : "form field \"%s\": out of memory",
                         h.name);
                return -1;
            }
            int rc = add_decoded(obj, h.name, strlen(h.name), value, dlen, err, errlen);
            free(value);
            if (rc != 0)
                return -1;
        }
        p = dend + dl;
    }
}

int sl_cform_cookie(const char *header, const char *name, char *out, size_t outlen)
{
    size_t nl = strlen(name);
    const char *p = header;
    while (p && *p) {
        while (*p == ' ' || *p == '\t' || *p == ';')
            p++;
        const char *e = p + strcspn(p, ";");
        const char *eq = memchr(p, '=', (size_t)(e - p));
        if (eq && (size_t)(eq - p) == nl && memcmp(p, name, nl) == 0) {
            const char *v = eq + 1;
            const char *ve = e;
            while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t'))
                ve--;
            if (ve - v >= 2 && *v == '"' && ve[-1] == '"') {
                v++;
                ve--;
            }
            size_t n = (size_t)(ve - v);
            if (n + 1 > outlen)
                return -1;
            memcpy(out, v, n);
            out[n] = '\0';
            return 0;
        }
        p = e;
    }
    return -1;
}

/* A q-value "0.8" (at most three decimals) as thousandths; -1 when malformed. */
static int qvalue(const char *s, size_t n)
{
    if (n == 0 || (s[0] != '0' && s[0] != '1'))
        return -1;
    int q = (s[0] - '0') * 1000, scale = 100;
    if (n > 1 && s[1] != '.')
        return -1;
    for (size_t i = 2; i < n; i++) {
        if (s[i] < '0' || s[i] > '9' || scale == 0)
            return -1;
        q += (s[i] - '0') * scale;
        scale /= 10;
    }
    return q > 1000 ? -1 : q;
}

const char *sl_cform_accept_language(const char *header)
{
    const char *best = "zh";
    int best_q = 0;
    for (const char *p = header; p && *p;) {
        /* One entry, "zh-CN;q=0.8" (longer ones are no language of ours). */
        char entry[64];
        size_t n = strcspn(p, ",");
        bool fits = n < sizeof entry;
        if (fits) {
            memcpy(entry, p, n);
            entry[n] = '\0';
        }
        p += n + (p[n] == ',');
        if (!fits)
            continue;
        char *tag = entry + strspn(entry, " \t");
        size_t primary = strcspn(tag, "-_; \t");
        int q = 1000;
        for (char *param = strchr(tag, ';'); param; param = strchr(param + 1, ';')) {
            char *v = param + 1 + strspn(param + 1, " \t");
            if ((v[0] == 'q' || v[0] == 'Q') && v[1] == '=')
                q = qvalue(v + 2, strcspn(v + 2, "; \t"));
        }
        const char *lang = NULL;
        if (primary == 2 && strncasecmp(tag, "zh", 2) == 0)
            lang = "zh";
        else if (primary == 2 && strncasecmp(tag, "en", 2) == 0)
            lang = "en";
        if (lang && q > best_q) {
            best = lang;
            best_q = q;
        }
    }
    return best;
}

bool sl_cform_next_ok(const char *next)
{
    static const char root[] = "/console/";
    if (!next || strncmp(next, root, sizeof root - 1) != 0 || strlen(next) >= SL_CFORM_NEXT_MAX)
        return false;
    for (const char *s = next; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c <= 0x20 || c >= 0x7f || strchr("\"'<>\\`", c))
            return false;
    }
    const char *path_end = next + strcspn(next, "?#");
    for (const char *seg = next + 1; seg < path_end;) {
        const char *e = memchr(seg, '/', (size_t)(path_end - seg));
        size_t n = e ? (size_t)(e - seg) : (size_t)(path_end - seg);
        if ((n == 0 && e) || (n == 1 && seg[0] == '.') || (n == 2 && seg[0] == '.' && seg[1] == '.'))
            return false;
        if (!e)
            break;
        seg = e + 1;
    }
    return true;
}

void sl_cform_pct_encode(sl_report_buf *b, const char *s)
{
    sl_report_buf_url(b, s);
}

int sl_cform_query_write(sl_report_buf *b, const cJSON *query, const char *skip)
{
    int n = 0;
    const cJSON *it = NULL;
    cJSON_ArrayForEach(it, query)
    {
        if (!it->string || !cJSON_IsString(it) || (skip && strcmp(it->string, skip) == 0))
            continue;
        if (n++)
            sl_report_buf_puts(b, "&");
        sl_cform_pct_encode(b, it->string);
        sl_report_buf_puts(b, "=");
        sl_cform_pct_encode(b, it->valuestring);
    }
    return n;
}
