/* opts.c — getopt_long driven by an option table, the OPTIONS part of --help from the same table, and subcommand tables. */
#include "content/opts.h"

#include "content/wire.h"

#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OPTS_LONG_VAL 0x1000 /* getopt_long's val for entry i is OPTS_LONG_VAL + i */
#define HELP_INDENT 4
#define HELP_WIDTH 80   /* the lines of --help fit in this many columns */
#define HELP_LEFT_MAX 24 /* an option wider than this puts its help on the next line */

/* Writes msg with its first "%s" replaced by value. */
static void fill_message(char *err, size_t errlen, const char *msg, const char *value)
{
    const char *p = strstr(msg, "%s");
    if (p)
        snprintf(err, errlen, "%.*s%s%s", (int)(p - msg), msg, value, p + 2);
    else
        snprintf(err, errlen, "%s", msg);
}

static int take_long(const sl_opts_entry *e, void *field, const char *arg, char *err, size_t errlen)
{
    char *end;
    errno = 0;
    long v = strtol(arg, &end, 10);
    if (errno || end == arg || *end || v < e->lo || v > e->hi) {
        fill_message(err, errlen, e->bad ? e->bad : "--%s: not a whole number in range", e->bad ? arg : e->name);
        return -1;
    }
    *(long *)field = v;
    return 0;
}

/* Gives entry e its value. 0 or -1 with err. */
static int take(const sl_opts_entry *e, void *target, const char *arg, char *err, size_t errlen)
{
    void *field = (char *)target + e->offset;
    switch (e->kind) {
    case SL_OPTS_FLAG:
        *(bool *)field = true;
        return 0;
    case SL_OPTS_STR:
        *(const char **)field = arg;
        return 0;
    case SL_OPTS_LONG:
        return take_long(e, field, arg, err, errlen);
    case SL_OPTS_FUNC:
        return e->set(field, e, arg, err, errlen);
    default:
        return 0;
    }
}

int sl_opts_set_screen_id(void *field, const sl_opts_entry *e, const char *arg, char *err, size_t errlen)
{
    if (!sl_wire_id_ok(arg)) {
        snprintf(err, errlen, "--%s '%s' is not a screen id", e->name, arg);
        return -1;
    }
    *(const char **)field = arg;
    return 0;
}

int sl_opts_set_size(void *field, const sl_opts_entry *e, const char *arg, char *err, size_t errlen)
{
    long a, b;
    char x, tail;
    if (sscanf(arg, "%ld%c%ld%c", &a, &x, &b, &tail) != 3 || (x != 'x' && x != 'X') || a < 16 || b < 16 ||
        a > 16384 || b > 16384) {
        snprintf(err, errlen, "%s: '%s' is not WIDTHxHEIGHT (16 to 16384 each)", e->name, arg);
        return -1;
    }
    ((int *)field)[0] = (int)a;
    ((int *)field)[1] = (int)b;
    return 0;
}

int sl_opts_parse(const sl_opts_entry *tab, void *target, int argc, char **argv, int *next, char *err,
                  size_t errlen)
{
    struct option longs[SL_OPTS_MAX + 1];
    char shorts[3 * SL_OPTS_MAX + 2];
    size_t n = 0, ns = 0, nl = 0;
    shorts[ns++] = ':';
    for (; tab[n].kind != SL_OPTS_END; n++) {
        if (n == SL_OPTS_MAX) {
            snprintf(err, errlen, "more than %d options in one table", SL_OPTS_MAX);
            return SL_OPTS_ERROR;
        }
        bool has_arg = tab[n].arg && tab[n].kind != SL_OPTS_FLAG && tab[n].kind != SL_OPTS_HELP;
        longs[nl++] = (struct option){tab[n].name, has_arg ? required_argument : no_argument, NULL,
                                      OPTS_LONG_VAL + (int)n};
        if (tab[n].kind == SL_OPTS_PART)
            nl--;
        if (tab[n].letter) {
            shorts[ns++] = (char)tab[n].letter;
            if (has_arg)
                shorts[ns++] = ':';
        }
    }
    longs[nl] = (struct option){NULL, 0, NULL, 0};
    shorts[ns] = '\0';

    optind = 0; /* a full restart of getopt's state: the same process may parse several argv */
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, shorts, longs, NULL)) != -1) {
        const sl_opts_entry *e = NULL;
        if (c >= OPTS_LONG_VAL && c < OPTS_LONG_VAL + (int)n)
            e = &tab[c - OPTS_LONG_VAL];
        for (size_t i = 0; !e && c != ':' && c != '?' && i < n; i++)
            if (tab[i].letter == c)
                e = &tab[i];
        if (c == ':') {
            snprintf(err, errlen, "'%s' needs a value", argv[optind - 1]);
            return SL_OPTS_ERROR;
        }
        if (!e) {
            snprintf(err, errlen, "unknown option '%s'", argv[optind - 1]);
            return SL_OPTS_ERROR;
        }
        if (e->kind == SL_OPTS_HELP)
            return SL_OPTS_HELP_ASKED;
        int r = take(e, target, optarg, err, errlen);
        if (r != 0)
            return r > 0 ? SL_OPTS_STOPPED : SL_OPTS_ERROR;
    }
    if (next)
        *next = optind;
    return SL_OPTS_OK;
}

/* Columns the UTF-8 text s takes (continuation bytes take none). */
static size_t columns(const char *s, size_t len)
{
    size_t w = 0;
    for (size_t i = 0; i < len; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            w++;
    return w;
}

/* "-d, --data DIR" or "    --db URI" into buf. */
static void left_part(const sl_opts_entry *e, char *buf, size_t len)
{
    bool has_arg = e->arg && e->kind != SL_OPTS_FLAG && e->kind != SL_OPTS_HELP;
    if (e->letter)
        snprintf(buf, len, "-%c, --%s%s%s", e->letter, e->name, has_arg ? " " : "", has_arg ? e->arg : "");
    else
        snprintf(buf, len, "    --%s%s%s", e->name, has_arg ? " " : "", has_arg ? e->arg : "");
}

/* Prints text wrapped into the columns from col to HELP_WIDTH; the first
 * line continues the current one (already at col). */
static void print_wrapped(FILE *out, const char *text, size_t col)
{
    size_t room = HELP_WIDTH > col + 20 ? HELP_WIDTH - col : 20, used = 0;
    const char *p = text;
    bool line_start = true;
    while (*p) {
        if (*p == '\n') {
            fprintf(out, "\n%*s", (int)col, "");
            used = 0;
            line_start = true;
            p++;
            continue;
        }
        if (*p == ' ') {
            p++;
            continue;
        }
        size_t wl = strcspn(p, " \n");
        const char *close = *p == '"' ? strchr(p + 1, '"') : NULL;
        if (close && (size_t)(close - p) > wl && !memchr(p, '\n', (size_t)(close - p)))
            wl = (size_t)(close - p) + strcspn(close, " \n"); /* "a quoted phrase" is not broken */
        size_t ww = columns(p, wl);
        if (!line_start && used + 1 + ww > room) {
            fprintf(out, "\n%*s", (int)col, "");
            used = 0;
            line_start = true;
        }
        if (!line_start) {
            fputc(' ', out);
            used++;
        }
        fwrite(p, 1, wl, out);
        used += ww;
        line_start = false;
        p += wl;
    }
    fputc('\n', out);
}

void sl_opts_help(FILE *out, const sl_opts_entry *tab)
{
    char left[160];
    size_t width = 0;
    for (const sl_opts_entry *e = tab; e->kind != SL_OPTS_END && e->kind != SL_OPTS_PART; e++) {
        if (!e->help)
            continue;
        left_part(e, left, sizeof left);
        size_t w = columns(left, strlen(left));
        if (w <= HELP_LEFT_MAX && w > width)
            width = w;
    }
    size_t col = HELP_INDENT + width + 2;
    for (const sl_opts_entry *e = tab; e->kind != SL_OPTS_END && e->kind != SL_OPTS_PART; e++) {
        if (!e->help)
            continue;
        left_part(e, left, sizeof left);
        size_t w = columns(left, strlen(left));
        fprintf(out, "%*s%s", HELP_INDENT, "", left);
        if (w > width)
            fprintf(out, "\n%*s", (int)col, "");
        else
            fprintf(out, "%*s", (int)(width + 2 - w), "");
        print_wrapped(out, e->help, col);
    }
}

const sl_opts_entry *sl_opts_part(const sl_opts_entry *tab, int n)
{
    for (; n > 0 && tab->kind != SL_OPTS_END; tab++)
        if (tab->kind == SL_OPTS_PART)
            n--;
    return tab;
}

const sl_opts_command *sl_opts_command_find(const sl_opts_command *tab, const char *name)
{
    for (; tab && tab->name; tab++)
        if (name && strcmp(tab->name, name) == 0)
            return tab;
    return NULL;
}

void sl_opts_commands_help(FILE *out, const sl_opts_command *tab)
{
    int width = 0;
    for (const sl_opts_command *c = tab; c->name; c++)
        if ((int)strlen(c->name) > width)
            width = (int)strlen(c->name);
    for (const sl_opts_command *c = tab; c->name; c++)
        fprintf(out, "    %-*s %s\n", width, c->name, c->summary);
}
