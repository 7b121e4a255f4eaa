/* log.c — levelled log lines with a program prefix, cut to a fixed size. */
#include "content/log.h"

#include <stdarg.h>
#include <string.h>

static const char *const level_names[] = {"error", "warn", "info", "debug"};

void sl_log_init(sl_log *lg, const char *prog)
{
    if (!lg)
        return;
    lg->level = SL_LOG_INFO;
    lg->out = NULL;
    lg->prog = prog;
}

int sl_log_level_parse(const char *s)
{
    if (!s)
        return -1;
    for (int i = 0; i < 4; i++)
        if (strcmp(s, level_names[i]) == 0)
            return i;
    return -1;
}

void sl_log_msg(const sl_log *lg, sl_log_level level, const char *fmt, ...)
{
    sl_log_level max = lg ? lg->level : SL_LOG_INFO;
    if (level > max)
        return;
    FILE *out = (lg && lg->out) ? lg->out : stderr;
    char line[SL_LOG_LINE_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    const char *prog = (lg && lg->prog) ? lg->prog : "screenlit";
    fprintf(out, "%s: %s: %s\n", prog, level_names[level], line);
    fflush(out);
}
