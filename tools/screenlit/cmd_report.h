/* cmd_report.h — what `screenlit report coverage` and `screenlit report plays` share. */
#ifndef SL_CMD_REPORT_H
#define SL_CMD_REPORT_H

#include "tools/report/sl_report_msg.h"

#include <stddef.h>
#include <stdint.h>

/* `screenlit report plays` (cmd_report_plays.c). */
int sl_report_cli_plays(int argc, char **argv);

/* Percent-encodes UTF-8 text for a query string (all but A-Z a-z 0-9 - . _ ~). */
void sl_report_cli_pct_encode(const char *s, char *out, size_t len);

/* Checks --from and --to (YYYY-MM-DD, from <= to, at most 366 days) and
 * gives their day numbers. SL_EXIT_OK or the usage error's exit code. */
int sl_report_cli_period(const char *cmd, const char *from, const char *to, int64_t *from_day, int64_t *to_day);

/* The language of the locale (LC_ALL, LC_MESSAGES, LANG). */
sl_report_lang sl_report_cli_lang(void);

#endif
