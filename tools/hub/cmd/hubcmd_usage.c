/* hubcmd_usage.c — the usage error every screenlit-hub subcommand prints: what is wrong and where the help is. */
#include "tools/hub/cmd/hubcmd.h"

#include <stdarg.h>
#include <stdio.h>

int sl_hub_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "screenlit-hub%s%s: ", cmd ? " " : "", cmd ? cmd : "");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry 'screenlit-hub%s%s --help'.\n", cmd ? " " : "", cmd ? cmd : "");
    return SL_HUB_EXIT_USAGE;
}
