/* hubcmd_admin.c — what the hub's commands share: parsing their options and actions; for the admin commands (token, key, user), checking --data/--db and opening the store. */
#include "tools/hub/cmd/hubcmd.h"

#include <sodium.h>
#include <stdio.h>

int sl_hub_admin_open(const char *cmd, const char *data, const char *db, sl_store **out)
{
    char err[512];
    *out = NULL;
    if (!data && !db)
        return sl_hub_usage_error(cmd, "--data DIR (or --db URI) is missing");
    if (db && !sl_store_db_is_pg(db))
        return sl_hub_usage_error(cmd, "--db wants postgresql://USER@HOST:PORT/DB");
    if (sodium_init() < 0) {
        fprintf(stderr, "screenlit-hub %s: libsodium could not start\n", cmd);
        return SL_HUB_EXIT_FAIL;
    }
    *out = sl_store_open(data, db, err, sizeof err);
    if (!*out) {
        fprintf(stderr, "screenlit-hub %s: %s\n", cmd, err);
        return SL_HUB_EXIT_FAIL;
    }
    return SL_HUB_EXIT_OK;
}

int sl_hub_parse_opts(const char *cmd, const sl_opts_entry *tab, void (*help_fn)(void), void *target, int argc,
                      char **argv, int *next)
{
    char err[512];
    int r = sl_opts_parse(tab, target, argc, argv, next, err, sizeof err);
    if (r == SL_OPTS_HELP_ASKED) {
        help_fn();
        return SL_HUB_EXIT_OK;
    }
    if (r != SL_OPTS_OK)
        return sl_hub_usage_error(cmd, "%s", err);
    return -1;
}

int sl_hub_parse_action(const char *cmd, const sl_opts_entry *tab, void (*help_fn)(void), void *target, int *argc,
                        char ***argv, const char **action, int *next)
{
    *action = NULL;
    if (*argc >= 2 && (*argv)[1][0] != '-') {
        *action = (*argv)[1];
        (*argc)--;
        (*argv)++;
    }
    return sl_hub_parse_opts(cmd, tab, help_fn, target, *argc, *argv, next);
}
