/* main.c — the screenlit command: dispatches to its subcommands, parses their options, prints the overall help. */
#include "tools/screenlit/cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#ifndef SL_VERSION
#define SL_VERSION "0.1.0"
#endif

static const sl_opts_command commands[] = {
    {"lint", "check a playlist source: every error and warning in one run", sl_cmd_lint},
    {"preview", "show what a screen will play over a period, and floors met", sl_cmd_preview},
    {"keygen", "make a publisher signing key pair", sl_cmd_keygen},
    {"publish", "sign a playlist and publish it to a channel of the hub", sl_cmd_publish},
    {"inventory", "import or export the hub's list of screens (CSV)", sl_cmd_inventory},
    {"enroll-code", "make, list or revoke one-time codes that enrol screens", sl_cmd_enroll_code},
    {"screens", "list the screens (online, offline since, never enrolled); revoke one", sl_cmd_screens},
    {"bundle", "sign a playlist and write it with its media for a USB stick", sl_cmd_bundle},
    {"records", "load play records from a USB stick into the hub", sl_cmd_records},
    {"report", "coverage reports (CSV, XLSX, HTML, JSON) and play records", sl_cmd_report},
    {NULL, NULL, NULL},
};

static void help(FILE *out)
{
    fprintf(out,
            "NAME\n"
            "    screenlit - publish, preview and audit the content of screenlit screens\n"
            "\n"
            "SYNOPSIS\n"
            "    screenlit COMMAND [OPTIONS] [ARGS]\n"
            "    screenlit COMMAND --help\n"
            "    screenlit --version\n"
            "\n"
            "COMMANDS\n");
    sl_opts_commands_help(out, commands);
    fprintf(out,
            "\n"
            "EXIT STATUS\n"
            "    0 success, 1 the command found problems or failed, 2 wrong arguments.\n"
            "\n"
            "EXAMPLES\n"
            "    screenlit lint config/sample/playlist.json\n"
            "    screenlit preview config/sample/playlist.json \\\n"
            "        --from 2026-11-25T08:00+08:00 --to 2026-11-25T18:00+08:00\n"
            "    screenlit keygen --out ~/.config/screenlit\n"
            "    screenlit publish config/sample/playlist.json --channel bank-lobby \\\n"
            "        --key ~/.config/screenlit/publisher.key --hub http://hub.example:8080\n"
            "    screenlit screens --hub http://hub.example:8080\n"
            "    screenlit bundle config/sample/playlist.json --key publisher.key --out /media/stick\n"
            "    screenlit records import /media/stick --hub http://hub.example:8080\n"
            "    screenlit report coverage --from 2026-11-23 --to 2026-11-29 -o week.xlsx\n");
}

int sl_cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "screenlit%s%s: ", cmd ? " " : "", cmd ? cmd : "");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry 'screenlit%s%s --help'.\n", cmd ? " " : "", cmd ? cmd : "");
    return SL_EXIT_USAGE;
}

int sl_cli_parse_opts(const char *cmd, const sl_opts_entry *tab, void (*help_fn)(void), void *target, int argc,
                      char **argv, int *next)
{
    char err[512];
    int r = sl_opts_parse(tab, target, argc, argv, next, err, sizeof err);
    if (r == SL_OPTS_HELP_ASKED) {
        help_fn();
        return SL_EXIT_OK;
    }
    if (r != SL_OPTS_OK)
        return sl_cli_usage_error(cmd, "%s", err);
    return -1;
}

void sl_cli_print_diags(FILE *out, const char *file, const sl_diags *d)
{
    for (int pass = 0; pass < 2 && d; pass++) {
        for (size_t i = 0; i < d->n; i++) {
            const sl_diag *g = &d->v[i];
            if ((pass == 0) != (g->severity == SL_DIAG_ERROR))
                continue;
            const char *sev = g->severity == SL_DIAG_ERROR ? "error" : "warning";
            if (g->path[0])
                fprintf(out, "%s: %s: %s: %s\n", file, g->path, sev, g->message);
            else
                fprintf(out, "%s: %s: %s\n", file, sev, g->message);
        }
    }
    if (d && d->dropped)
        fprintf(out, "%s: ... and %zu more not shown\n", file, d->dropped);
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return sl_cli_usage_error(NULL, "a command is missing");
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        help(stdout);
        return SL_EXIT_OK;
    }
    if (strcmp(cmd, "--version") == 0) {
        printf("screenlit %s\n", SL_VERSION);
        return SL_EXIT_OK;
    }
    const sl_opts_command *c = sl_opts_command_find(commands, cmd);
    if (c)
        return c->run(argc - 1, argv + 1);
    return sl_cli_usage_error(NULL, "'%s' is not a command", cmd);
}
