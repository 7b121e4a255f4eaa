/* cmd_lint.c — `screenlit lint`: checks a playlist source and prints every finding. */
#include "content/lint.h"
#include "tools/screenlit/cli.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

/* The options as given. */
typedef struct {
    bool no_probe, quiet;
} lint_args;

static const sl_opts_entry lint_opts[] = {
    SL_OPTS_FLAG_E("no-probe", 0, "do not open media files (only check that they exist)", lint_args, no_probe),
    SL_OPTS_FLAG_E("quiet", 'q', "print only errors and the summary", lint_args, quiet),
    SL_OPTS_HELP_E,
    SL_OPTS_END_E,
};

static void help(void)
{
    printf("NAME\n"
           "    screenlit lint - check a playlist source before publishing it\n"
           "\n"
           "SYNOPSIS\n"
           "    screenlit lint [--no-probe] [--quiet] PLAYLIST.json\n"
           "\n"
           "DESCRIPTION\n"
           "    Reads the playlist and reports every error and warning in one run, each\n"
           "    with where it is in the file, e.g.\n"
           "        items[3].file: error: media/app.mp4 does not exist\n"
           "    It checks the JSON, the format (zones, items, rules, fallback), that every\n"
           "    media file exists and can be read, picture sizes, video durations and\n"
           "    codecs the screens can play, items that can never play, and frequency\n"
           "    floors that cannot be met. Errors stop a publish; warnings do not.\n"
           "\n"
           "OPTIONS\n");
    sl_opts_help(stdout, lint_opts);
    printf("\n"
           "EXIT STATUS\n"
           "    0 no errors (warnings allowed), 1 errors found, 2 wrong arguments.\n");
}

int sl_cmd_lint(int argc, char **argv)
{
    lint_args a = {0};
    int next, prc = sl_cli_parse_opts("lint", lint_opts, help, &a, argc, argv, &next);
    if (prc >= 0)
        return prc;
    bool probe = !a.no_probe, quiet = a.quiet;
    if (next >= argc)
        return sl_cli_usage_error("lint", "the playlist file is missing");
    if (next + 1 < argc)
        return sl_cli_usage_error("lint", "one playlist at a time ('%s' is extra)",
                                  argv[next + 1]);
    const char *path = argv[next];

    sl_diags d;
    sl_diags_init(&d);
    sl_lint_opts lo = {.now_ms = (int64_t)time(NULL) * 1000, .probe_media = probe, .check_fonts = true};
    sl_playlist *pl = sl_lint_file(path, &lo, &d);
    if (quiet) {
        for (size_t i = 0; i < d.n; i++)
            if (d.v[i].severity == SL_DIAG_ERROR)
                fprintf(stderr, "%s: %s: error: %s\n", path, d.v[i].path, d.v[i].message);
    } else {
        sl_cli_print_diags(stderr, path, &d);
    }
    int rc;
    if (pl) {
        size_t media = 0, rules_with_floor = 0;
        for (size_t i = 0; i < pl->n_items; i++)
            media += pl->items[i].file != NULL;
        for (size_t i = 0; i < pl->n_rules; i++)
            rules_with_floor += pl->rules[i].min_per_hour > 0;
        printf("%s: OK: %zu zones, %zu items (%zu media files), %zu rules (%zu with a frequency "
               "floor), %zu warnings\n",
               path, pl->n_zones, pl->n_items - 1, media, pl->n_rules, rules_with_floor,
               d.n_warnings);
        rc = SL_EXIT_OK;
    } else {
        printf("%s: %zu errors, %zu warnings\n", path, d.n_errors, d.n_warnings);
        rc = SL_EXIT_FAIL;
    }
    sl_playlist_free(pl);
    sl_diags_free(&d);
    return rc;
}
