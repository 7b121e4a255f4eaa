/* hubcmd.h — the subcommands of screenlit-hub and their shared argument helpers. */
#ifndef SL_HUB_CMD_H
#define SL_HUB_CMD_H

#include "tools/hub/hub.h"

int sl_hub_cmd_serve(int argc, char **argv);
int sl_hub_cmd_token(int argc, char **argv);
int sl_hub_cmd_key(int argc, char **argv);
int sl_hub_cmd_report(int argc, char **argv);

/* Prints "screenlit-hub CMD: MESSAGE" and a hint to --help; returns SL_HUB_EXIT_USAGE. */
int sl_hub_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* For the admin commands (token, key): checks that --data DIR or --db URI
 * was given (usage error otherwise), starts libsodium and opens the store
 * into *out. Returns SL_HUB_EXIT_OK, or the exit status after printing why. */
int sl_hub_admin_open(const char *cmd, const char *data, const char *db, sl_store **out);

#endif
