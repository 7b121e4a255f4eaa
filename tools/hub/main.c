/* main.c — the screenlit-hub command: dispatches to serve, token, key, user and report, and prints the overall help. */
#include "tools/hub/cmd/hubcmd.h"

#include "content/opts.h"

#include <stdio.h>
#include <string.h>

#ifndef SL_VERSION
#define SL_VERSION "0.1.0"
#endif

static const sl_opts_command commands[] = {
    {"serve", "run the hub's HTTP API on a data folder", sl_hub_cmd_serve},
    {"token", "create, list and revoke role tokens (admin, publisher, auditor)", sl_hub_cmd_token},
    {"key", "add and list the publisher keys whose manifests the hub accepts", sl_hub_cmd_key},
    {"user", "add, list, disable and remove the people who log in to the web console; set their passwords",
     sl_hub_cmd_user},
    {"report", "write a coverage report from the data folder (CSV, XLSX, HTML, JSON)", sl_hub_cmd_report},
    {NULL, NULL, NULL},
};

static void help(FILE *out)
{
    fprintf(out, "NAME\n"
                 "    screenlit-hub - the central server of screenlit: publishes signed playlists to\n"
                 "    screens and collects what they played\n"
                 "\n"
                 "SYNOPSIS\n"
                 "    screenlit-hub COMMAND [OPTIONS]\n"
                 "    screenlit-hub COMMAND --help\n"
                 "    screenlit-hub --version\n"
                 "\n"
                 "COMMANDS\n");
    sl_opts_commands_help(out, commands);
    fprintf(out, "\n"
                 "DESCRIPTION\n"
                 "    All state lives in one data folder (--data DIR): the database hub.db\n"
                 "    (SQLite), the content-addressed media store media/<sha256> and the\n"
                 "    screenshots. The folder is kept private whatever the umask: mode 0700,\n"
                 "    its files 0600 (it holds the hashes of every token and enrolment code).\n"
                 "    The HTTP API is described in tools/hub/API.md.\n"
                 "\n"
                 "EXIT STATUS\n"
                 "    0 success, 1 failure, 2 wrong arguments.\n"
                 "\n"
                 "EXAMPLES\n"
                 "    screenlit-hub token create --data /var/lib/screenlit-hub --role admin --name ops\n"
                 "    screenlit-hub key add --data /var/lib/screenlit-hub publisher.pub\n"
                 "    screenlit-hub user add wang.li --role auditor --data /var/lib/screenlit-hub\n"
                 "    screenlit-hub serve --data /var/lib/screenlit-hub --listen 0.0.0.0:8080\n"
                 "    screenlit-hub report --data /var/lib/screenlit-hub --from 2026-11-01 --to 2026-11-30 \\\n"
                 "        --out november.xlsx\n");
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return sl_hub_usage_error(NULL, "a command is missing");
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        help(stdout);
        return SL_HUB_EXIT_OK;
    }
    if (strcmp(cmd, "--version") == 0) {
        printf("screenlit-hub %s\n", SL_VERSION);
        return SL_HUB_EXIT_OK;
    }
    const sl_opts_command *c = sl_opts_command_find(commands, cmd);
    if (c)
        return c->run(argc - 1, argv + 1);
    return sl_hub_usage_error(NULL, "unknown command '%s'", cmd);
}
