/* main.c — the screenlit command: dispatches to its subcommands and prints the overall help. */
#include "tools/screenlit/cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#ifndef SL_VERSION
#define SL_VERSION "0.1.0"
#endif

static const sl_cli_command commands[] = {
    {"lint", sl_cmd_lint, "check a playlist source: every error and warning in one run"},
    {"preview", sl_cmd_preview, "show what a screen will play over a period, and floors met"},
    {"keygen", sl_cmd_keygen, "make a publisher signing key pair"},
    {"publish", sl_cmd_publish, "sign a playlist and publish it to a channel of the hub"},
    {"inventory", sl_cmd_inventory, "import or export the hub's list of screens (CSV)"},
    {"enroll-code", sl_cmd_enroll_code, "make, list or revoke one-time codes that enrol screens"},
    {"screens", sl_cmd_screens, "list the screens (online, offline since, never enrolled); revoke one"},
    {"bundle", sl_cmd_bundle, "sign a playlist and write it with its media for a USB stick"},
    {"records", sl_cmd_records, "load play records from a USB stick into the hub"},
    {"report", sl_cmd_report, "coverage reports (CSV, XLSX, HTML, JSON) and play records"},
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
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "    %-12s %s\n", commands[i].name, commands[i].summary);
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
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(cmd, commands[i].name) == 0)
            return commands[i].run(argc - 1, argv + 1);
    return sl_cli_usage_error(NULL, "'%s' is not a command", cmd);
}
