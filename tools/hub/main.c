/* main.c — the screenlit-hub command: dispatches to serve, token and key, and prints the overall help. */
#include "tools/hub/cmd/hubcmd.h"

#include <stdio.h>
#include <string.h>

#ifndef SL_VERSION
#define SL_VERSION "0.1.0"
#endif

typedef struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} hub_command;

static const hub_command commands[] = {
    {"serve", sl_hub_cmd_serve, "run the hub's HTTP API on a data folder"},
    {"token", sl_hub_cmd_token, "create, list and revoke role tokens (admin, publisher, auditor)"},
    {"key", sl_hub_cmd_key, "add and list the publisher keys whose manifests the hub accepts"},
    {"report", sl_hub_cmd_report, "write a coverage report from the data folder (CSV, XLSX, HTML, JSON)"},
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
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "    %-6s %s\n", commands[i].name, commands[i].summary);
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
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        if (strcmp(cmd, commands[i].name) == 0)
            return commands[i].run(argc - 1, argv + 1);
    }
    return sl_hub_usage_error(NULL, "unknown command '%s'", cmd);
}
