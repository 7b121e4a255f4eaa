/* cli.h — the subcommands of the screenlit command and their shared helpers. */
#ifndef SL_CLI_H
#define SL_CLI_H

#include "content/diag.h"
#include "content/opts.h"

#include <stdio.h>

/* Exit codes shared by every subcommand. */
#define SL_EXIT_OK 0
#define SL_EXIT_FAIL 1  /* the work was done and found problems, or failed */
#define SL_EXIT_USAGE 2 /* wrong arguments */

int sl_cmd_lint(int argc, char **argv);
int sl_cmd_keygen(int argc, char **argv);
int sl_cmd_preview(int argc, char **argv);
int sl_cmd_publish(int argc, char **argv);
int sl_cmd_inventory(int argc, char **argv);
int sl_cmd_enroll_code(int argc, char **argv);
int sl_cmd_screens(int argc, char **argv);
int sl_cmd_report(int argc, char **argv);
int sl_cmd_bundle(int argc, char **argv);
int sl_cmd_records(int argc, char **argv);

/* Prints "screenlit CMD: MESSAGE" and a hint to --help; returns SL_EXIT_USAGE. */
int sl_cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Parses the options of `screenlit CMD` by tab (content/opts.h) into
 * target. Returns -1 to go on, with *next the index of the first operand;
 * else the exit status: SL_EXIT_OK when help_fn() was printed, SL_EXIT_USAGE
 * after saying what is wrong. */
int sl_cli_parse_opts(const char *cmd, const sl_opts_entry *tab, void (*help_fn)(void), void *target, int argc,
                      char **argv, int *next);

/* Prints diagnostics as "FILE: PATH: error: MESSAGE", errors first. */
void sl_cli_print_diags(FILE *out, const char *file, const sl_diags *d);

#endif
