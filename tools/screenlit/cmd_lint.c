/* cmd_lint.c — `screenlit lint`: checks a playlist source and prints every finding. */
#include "content/lint.h"
#include "tools/screenlit/cli.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

/* The options as given. */
typedef struct {
    bool no_probe, quiet, verbose;
    const char *board;
} lint_args;

static const sl_opts_entry lint_opts[] = {
    SL_OPTS_FLAG_E("no-probe", 0, "do not open media files (only check that they exist)", lint_args, no_probe),
    SL_OPTS_FLAG_E("quiet", 'q', "print only errors and the summary", lint_args, quiet),
    SL_OPTS_FLAG_E("verbose", 'v', "also say how many media files were opened", lint_args, verbose),
    SL_OPTS_STR_E("board", 0, "BOARD",
                  "pi4, pi5 or generic (default): the board whose video decoder the clips are checked against. "
                  "pi4: a Raspberry Pi 4 decodes H.264 in hardware up to 1920x1080 at 60 fps and H.265 up to "
                  "4096x2160 at 60 fps; pi5: a Raspberry Pi 5 decodes H.265 in hardware up to 4096x2160 at 60 fps "
                  "and H.264 only in software, smoothly up to 1920x1080 at 30 fps; generic: both limits, since "
                  "one channel's screens may be either board",
                  lint_args, board),
    SL_OPTS_HELP_E,
    SL_OPTS_END_E,
};

static void help(void)
{
    printf("NAME\n"
           "    screenlit lint - check a playlist source before publishing it\n"
           "\n"
           "SYNOPSIS\n"
           "    screenlit lint [--no-probe] [--quiet] [--verbose] [--board pi4|pi5|generic]\n"
           "        PLAYLIST.json\n"
           "\n"
           "DESCRIPTION\n"
           "    Reads the playlist and reports every error and warning in one run, each\n"
           "    with where it is in the file, e.g.\n"
           "        items[3].file: error: media/app.mp4 does not exist\n"
           "    It checks the JSON, the format (zones, items, rules, fallback), zones too\n"
           "    small to see on a 320x180 screen and zones that overlap, that every media\n"
           "    file is a regular file inside the playlist's folder (outside it is an error\n"
           "    for publish and bundle), that a file given with a \"sha256\" has that hash (as\n"
           "    the web console's editor saves it), that every picture decodes with the\n"
           "    player's own decoder (cut-short files, formats screens do not show, videos\n"
           "    given as pictures, pictures over the player's limits are errors), that every\n"
           "    clip can be read, video durations and codecs the screens can play, items\n"
           "    that can never play, and frequency floors that cannot be met. Each media\n"
           "    file is opened once however many items name it; the summary counts distinct\n"
           "    files. Errors stop a publish; warnings do not.\n"
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
    sl_lint_board board = SL_LINT_BOARD_GENERIC;
    if (a.board && sl_lint_board_parse(a.board, &board) != 0)
        return sl_cli_usage_error("lint", "--board wants pi4, pi5 or generic, not '%s'", a.board);

    sl_diags d;
    sl_diags_init(&d);
    sl_lint_stats st = {0};
    sl_lint_opts lo = {.now_ms = (int64_t)time(NULL) * 1000, .probe_media = probe, .stats = &st,
                       .check_fonts = true, .board = board};
    sl_playlist *pl = sl_lint_file(path, &lo, &d);
    if (quiet) {
        for (size_t i = 0; i < d.n; i++)
            if (d.v[i].severity == SL_DIAG_ERROR)
                fprintf(stderr, "%s: %s: error: %s\n", path, d.v[i].path, d.v[i].message);
    } else {
        sl_cli_print_diags(stderr, path, &d);
    }
    if (a.verbose)
        printf("%s: %zu distinct media files, %zu opened (pictures decoded, clips probed)\n", path,
               st.media_files, st.opened);
    int rc;
    if (pl) {
        size_t rules_with_floor = 0;
        for (size_t i = 0; i < pl->n_rules; i++)
            rules_with_floor += pl->rules[i].min_per_hour > 0;
        printf("%s: OK: %zu zones, %zu items (%zu media files), %zu rules (%zu with a frequency "
               "floor), %zu warnings\n",
               path, pl->n_zones, pl->n_items - 1, st.media_files, pl->n_rules, rules_with_floor,
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
