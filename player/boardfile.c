/* boardfile.c — parses the boot partition's board file: BOM, CRLF, comments, inline PEM, errors by line. */
#include "player/boardfile.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int add_error(sl_board *b, int line, const char *msg)
{
    char text[300];
    snprintf(text, sizeof text, "line %d: %s", line, msg);
    char **ne = realloc(b->errors, (b->n_errors + 1) * sizeof *ne);
    if (!ne)
        return -1;
    b->errors = ne;
    if (!(ne[b->n_errors] = strdup(text)))
        return -1;
    b->n_errors++;
    return 0;
}

static int add_entry(sl_board *b, int line, const char *key, const char *value)
{
    sl_board_entry *nv = realloc(b->v, (b->n + 1) * sizeof *nv);
    if (!nv)
        return -1;
    b->v = nv;
    sl_board_entry *e = &nv[b->n];
    e->line = line;
    e->key = strdup(key);
    e->value = strdup(value);
    if (!e->key || !e->value) {
        free(e->key);
        free(e->value);
        return -1;
    }
    b->n++;
    return 0;
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        s[--n] = 0;
    return s;
}

/* Cuts a comment: '#' at the start or after a space or tab. */
static void cut_comment(char *s)
{
    for (char *p = s; *p; p++) {
        if (*p == '#' && (p == s || p[-1] == ' ' || p[-1] == '\t')) {
            *p = 0;
            return;
        }
    }
}

/* The next line of text from *pos (CRLF, CR or LF ends), copied into line; its
 * length, or -1 at the end; *too_long when it did not fit (the rest is skipped). */
static long next_line(const char *text, size_t len, size_t *pos, char *line, size_t cap, bool *too_long)
{
    if (*pos >= len)
        return -1;
    size_t start = *pos, end = start;
    while (end < len && text[end] != '\n' && text[end] != '\r')
        end++;
    *pos = end;
    if (end < len) {
        *pos = end + 1;
        if (text[end] == '\r' && *pos < len && text[*pos] == '\n')
            (*pos)++;
    }
    size_t n = end - start;
    *too_long = n >= cap;
    if (*too_long)
        n = 0;
    memcpy(line, text + start, n);
    line[n] = 0;
    return (long)n;
}

int sl_board_parse(const char *text, size_t len, sl_board *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    if (!text || memchr(text, 0, len)) {
        snprintf(err, errlen, "holds a NUL byte: not a text file (save it as plain text, UTF-8)");
        return -1;
    }
    size_t pos = 0;
    if (len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3)) /* UTF-8 BOM, as Notepad writes it */
        pos = 3;
    char *line = malloc(SL_BOARD_LINE_MAX);
    char *pem = NULL;
    int rc = -1, lineno = 0;
    if (!line)
        goto oom;
    bool too_long;
    while (next_line(text, len, &pos, line, SL_BOARD_LINE_MAX, &too_long) >= 0) {
        lineno++;
        if (too_long) {
            if (add_error(out, lineno, "longer than 4095 bytes; left out") != 0)
                goto oom;
            continue;
        }
        cut_comment(line);
        char *l = trim(line);
        if (!*l)
            continue;
        char *eq = strchr(l, '=');
        if (!eq) {
            char msg[200];
            snprintf(msg, sizeof msg, "'%.60s' is not 'name = value' (e.g. hub = https://hub.example:8443)", l);
            if (add_error(out, lineno, msg) != 0)
                goto oom;
            continue;
        }
        *eq = 0;
        char *k = trim(l), *v = trim(eq + 1);
        if (!*k) {
            if (add_error(out, lineno, "no name before '='") != 0)
                goto oom;
            continue;
        }
        char key[64]; /* the PEM's lines below reuse the line buffer */
        snprintf(key, sizeof key, "%s", k);
        for (char *p = key; *p; p++)
            *p = *p == '_' ? '-' : (char)tolower((unsigned char)*p);
        k = key;
        int first = lineno;
        if (!strcmp(k, "hub-ca") && !strncmp(v, "-----BEGIN ", 11)) {
            /* An inline PEM: this line and the next ones up to the END line. */
            size_t cap = SL_BOARD_FILE_MAX + 1, used = 0;
            bool closed = false;
            free(pem);
            if (!(pem = malloc(cap)))
                goto oom;
            used = (size_t)snprintf(pem, cap, "%s\n", v);
            while (next_line(text, len, &pos, line, SL_BOARD_LINE_MAX, &too_long) >= 0) {
                lineno++;
                char *pl = trim(line);
                size_t n = strlen(pl);
                if (too_long || used + n + 2 > cap)
                    break;
                memcpy(pem + used, pl, n);
                used += n;
                pem[used++] = '\n';
                pem[used] = 0;
                if (!strncmp(pl, "-----END ", 9)) {
                    closed = true;
                    break;
                }
            }
            if (!closed) {
                if (add_error(out, first, "hub-ca: the certificate has no '-----END CERTIFICATE-----' line") != 0)
                    goto oom;
                continue;
            }
            v = pem;
        }
        if (!*v) {
            char msg[120];
            snprintf(msg, sizeof msg, "%.40s has no value", k);
            if (add_error(out, first, msg) != 0)
                goto oom;
            continue;
        }
        if (add_entry(out, first, k, v) != 0)
            goto oom;
    }
    rc = 0;
    goto out;
oom:
    snprintf(err, errlen, "out of memory");
    sl_board_free(out);
out:
    free(pem);
    free(line);
    return rc;
}

const sl_board_entry *sl_board_get(const sl_board *b, const char *key)
{
    const sl_board_entry *found = NULL;
    for (size_t i = 0; b && i < b->n; i++)
        if (!strcmp(b->v[i].key, key))
            found = &b->v[i];
    return found;
}

void sl_board_free(sl_board *b)
{
    if (!b)
        return;
    for (size_t i = 0; i < b->n; i++) {
        free(b->v[i].key);
        free(b->v[i].value);
    }
    for (size_t i = 0; i < b->n_errors; i++)
        free(b->errors[i]);
    free(b->v);
    free(b->errors);
    memset(b, 0, sizeof *b);
}
