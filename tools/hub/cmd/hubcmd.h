/* hubcmd.h — the subcommands of screenlit-hub and their shared argument helpers. */
#ifndef SL_HUB_CMD_H
#define SL_HUB_CMD_H

#include "tools/hub/hub.h"

#include "content/opts.h"

int sl_hub_cmd_serve(int argc, char **argv);
int sl_hub_cmd_token(int argc, char **argv);
int sl_hub_cmd_key(int argc, char **argv);
int sl_hub_cmd_report(int argc, char **argv);
int sl_hub_cmd_user(int argc, char **argv);

/* Prints "screenlit-hub CMD: MESSAGE" and a hint to --help; returns SL_HUB_EXIT_USAGE. */
int sl_hub_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Parses the options of `screenlit-hub CMD` by tab (content/opts.h) into
 * target. Returns -1 to go on, with *next the index of the first operand;
 * else the exit status: SL_HUB_EXIT_OK when help_fn() was printed,
 * SL_HUB_EXIT_USAGE after saying what is wrong. */
int sl_hub_parse_opts(const char *cmd, const sl_opts_entry *tab, void (*help_fn)(void), void *target, int argc,
                      char **argv, int *next);

/* The same for a command with actions (`token create`, `key add`, `user
 * add`): a first argument that is no option is the action (*action; NULL
 * when there is none), and *argc and *argv are moved past it, so that *next
 * indexes them. */
int sl_hub_parse_action(const char *cmd, const sl_opts_entry *tab, void (*help_fn)(void), void *target, int *argc,
                        char ***argv, const char **action, int *next);

/* --data and --db of the admin commands, as entries of an option table
 * about the struct `type` with the members data and db. */
#define SL_HUB_STORE_OPTS_E(type)                                                                             \
    SL_OPTS_STR_E("data", 'd', "DIR", "the hub's data folder (its SQLite database DIR/hub.db)", type, data),   \
        SL_OPTS_STR_E("db", 'D', "URI",                                                                       \
                      "the hub's PostgreSQL database instead, postgresql://USER@HOST:PORT/DB (as given to "    \
                      "serve --db)",                                                                          \
                      type, db)

/* The paragraph of the admin commands' --help that says where they work. */
#define SL_HUB_ADMIN_HELP_STORE                                                                                \
    "    These commands work on the hub's database directly (DIR/hub.db, or the\n"                             \
    "    PostgreSQL database given with --db) and may run while\n"                                             \
    "    `screenlit-hub serve` is serving it.\n"

/* For the admin commands (token, key, user): checks that --data DIR or --db URI
 * was given (usage error otherwise), starts libsodium and opens the store
 * into *out. Returns SL_HUB_EXIT_OK, or the exit status after printing why. */
int sl_hub_admin_open(const char *cmd, const char *data, const char *db, sl_store **out);

#endif
