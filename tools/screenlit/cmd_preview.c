/* cmd_preview.c — `screenlit preview`: the timeline a screen will play, plays per item, floors met or missed. */
#include "content/json.h"
#include "content/lint.h"
#include "content/preview.h"
#include "content/timeutil.h"
#include "player/text.h"
#include "player/ticker.h"
#include "tools/screenlit/cli.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The options as given. */
typedef struct {
    const char *from, *to, *tags;
    int screen[2]; /* width, height */
    bool json, summary;
} preview_args;

static const sl_opts_entry preview_opts[] = {
    SL_OPTS_STR_E("from", 0, "TIME",
                  "start, ISO 8601 with offset: 2026-11-25T08:00+08:00 (without an offset the playlist's time "
                  "zone is used)",
                  preview_args, from),
    SL_OPTS_STR_E("to", 0, "TIME", "end (after --from, at most 31 days later)", preview_args, to),
    SL_OPTS_STR_E("tags", 0, "LIST",
                  "the screen's tags, comma separated (rules with tags apply only to screens carrying one of them)",
                  preview_args, tags),
    SL_OPTS_FUNC_E("screen", 0, "WxH",
                   "the screen's size in pixels (default 1920x1080, the player's): a ticker slogan's time on "
                   "screen depends on its width in pixels and on its zone's",
                   preview_args, screen, sl_opts_set_size, 0),
    SL_OPTS_FLAG_E("json", 0, "print one JSON document instead of text", preview_args, json),
    SL_OPTS_FLAG_E("summary", 0, "print only the table, not the timeline", preview_args, summary),
    SL_OPTS_HELP_E,
    SL_OPTS_END_E,
};

static void help(void)
{
    printf("NAME\n"
           "    screenlit preview - show what a screen will play, and whether floors are met\n"
           "\n"
           "SYNOPSIS\n"
           "    screenlit preview PLAYLIST.json --from TIME --to TIME [--tags T1,T2]\n"
           "                      [--screen WxH] [--json] [--summary]\n"
           "\n"
           "DESCRIPTION\n"
           "    Runs the same schedule code the player runs, with a simulated clock, over\n"
           "    the period and prints, zone by zone, what plays when (local time of the\n"
           "    playlist's time zone); then a table of plays and seconds per item with\n"
           "    each frequency floor marked met or missed for every full clock hour it\n"
           "    applies to. Use it before publishing to check a campaign.\n"
           "\n"
           "    A play starts when the item appears and ends when it is gone, as the\n"
           "    player's journal records it. Most items play for their duration. A\n"
           "    ticker slogan is timed as the player runs its strip on a screen of\n"
           "    --screen's size: it enters behind the slogan before it, makes the whole\n"
           "    passes nearest its duration (its width in pixels measured with the\n"
           "    player's fonts, plus its gap, at its speed), the next slogan follows\n"
           "    after its last pass and the gap, and it is on screen until its last\n"
           "    pass has left the strip, so plays of a strip overlap. Its seconds are\n"
           "    that time on screen.\n"
           "\n"
           "OPTIONS\n");
    sl_opts_help(stdout, preview_opts);
    printf("\n"
           "EXIT STATUS\n"
           "    0 preview printed (missed floors are reported, not failed), 1 the\n"
           "    playlist has errors, 2 wrong arguments.\n");
}

static void local_stamp(const sl_playlist *pl, int64_t ms, char *buf, size_t len)
{
    char iso[40];
    sl_instant_format(ms, sl_tz_offset_at(pl->tz, ms), iso, sizeof iso);
    /* "2026-11-25T08:00:00+08:00" -> "2026-11-25 08:00:00" */
    snprintf(buf, len, "%.10s %.8s", iso, iso + 11);
}

static void print_text(const sl_playlist *pl, const char *path, const char *tags_csv,
                       const sl_preview *pv, bool summary)
{
    const sl_play *plays = pv->plays;
    size_t n = pv->n;
    int64_t from = pv->from, to = pv->to;
    char a[40], b[40];
    local_stamp(pl, from, a, sizeof a);
    local_stamp(pl, to, b, sizeof b);
    printf("Preview of %s (%s), %s to %s%s%s\n", path, pl->tz_name, a, b,
           tags_csv ? ", screen tags: " : "", tags_csv ? tags_csv : "");
    for (size_t z = 0; !summary && z < pl->n_zones; z++) {
        printf("\nzone %s\n", pl->zones[z].id);
        for (size_t i = 0; i < n; i++) {
            if (plays[i].zone != (int)z)
                continue;
            const sl_item *it = &pl->items[plays[i].item];
            local_stamp(pl, plays[i].start_ms, a, sizeof a);
            local_stamp(pl, plays[i].start_ms + plays[i].duration_ms, b, sizeof b);
            printf("  %s  %s  %7.1f s  %-24s %s%s\n", a, b + 11,
                   (double)plays[i].duration_ms / 1000.0, it->id, sl_item_type_name(it->type),
                   (int)plays[i].item == pl->fallback ? " (fallback)" : "");
        }
    }
    printf("\nplays per item\n");
    printf("  %-24s %-10s %-6s %7s %10s  %s\n", "item", "zone", "type", "plays", "seconds",
           "frequency floor");
    for (size_t i = 0; i < pl->n_items; i++) {
        const sl_item *it = &pl->items[i];
        const sl_preview_item *s = &pv->items[i];
        if ((int)i == pl->fallback && s->plays == 0)
            continue;
        char floor[400] = "";
        if (s->hours_checked > 0 && s->hours_met == s->hours_checked)
            snprintf(floor, sizeof floor, "%d/h: met in %d of %d hours", s->floor_max,
                     s->hours_met, s->hours_checked);
        else if (s->hours_checked > 0)
            snprintf(floor, sizeof floor, "%d/h: MISSED in %d of %d hours: %s", s->floor_max,
                     s->hours_checked - s->hours_met, s->hours_checked, s->missed);
        printf("  %-24s %-10s %-6s %7lld %10.1f  %s\n", it->id,
               it->zone >= 0 ? pl->zones[it->zone].id : "(any)", sl_item_type_name(it->type),
               (long long)s->plays, (double)s->ms / 1000.0, floor);
    }
}

static int print_json(const sl_playlist *pl, const char *tags_csv, const sl_preview *pv)
{
    cJSON *root = sl_preview_json(pl, tags_csv, pv);
    char *text = root ? sl_json_print(root, true) : NULL;
    cJSON_Delete(root);
    if (!text)
        return SL_EXIT_FAIL;
    printf("%s\n", text);
    free(text);
    return SL_EXIT_OK;
}

int sl_cmd_preview(int argc, char **argv)
{
    preview_args a = {.screen = {SL_PREVIEW_SCREEN_W, SL_PREVIEW_SCREEN_H}};
    int next, rc = sl_cli_parse_opts("preview", preview_opts, help, &a, argc, argv, &next);
    if (rc >= 0)
        return rc;
    rc = SL_EXIT_FAIL;
    const char *from_s = a.from, *to_s = a.to, *tags_csv = a.tags;
    bool json = a.json, summary = a.summary;
    sl_tags tags = {0};
    sl_diags d;
    sl_playlist *pl = NULL;
    sl_preview pv = {0};
    sl_text *text = NULL;
    sl_ticker_timing tt = {0};
    sl_diags_init(&d);
    if (next >= argc)
        return sl_cli_usage_error("preview", "the playlist file is missing");
    if (next + 1 < argc)
        return sl_cli_usage_error("preview", "unexpected argument '%s'", argv[next + 1]);
    if (!from_s || !to_s)
        return sl_cli_usage_error("preview", "--from and --to are both needed");
    if (sl_tags_parse(tags_csv, &tags) != 0)
        return sl_cli_usage_error("preview", "--tags: '%s' is not a list of tags", tags_csv);
    const char *path = argv[next];

    sl_lint_opts lo = {.probe_media = true};
    pl = sl_lint_file(path, &lo, &d);
    if (!pl) {
        sl_cli_print_diags(stderr, path, &d);
        fprintf(stderr, "screenlit preview: fix the errors above first (screenlit lint %s)\n",
                path);
        goto out;
    }
    int64_t from, to;
    char err[160];
    if (sl_preview_window(pl, from_s, to_s, (int64_t)time(NULL) * 1000, &from, &to, err, sizeof err) != 0) {
        rc = sl_cli_usage_error("preview", "--%s", err);
        goto out;
    }
    /* Without fonts a slogan keeps its duration (and the player could not draw it). */
    text = sl_text_new(NULL, 0, err, sizeof err);
    if (sl_ticker_timing_init(&tt, pl, text, a.screen[0], a.screen[1]) != 0 ||
        sl_preview_run(pl, &tags, from, to, &tt.timing, &pv) != 0) {
        fprintf(stderr, "screenlit preview: out of memory\n");
        goto out;
    }
    if (json) {
        rc = print_json(pl, tags_csv, &pv);
    } else {
        print_text(pl, path, tags_csv, &pv, summary);
        rc = SL_EXIT_OK;
    }
out:
    sl_ticker_timing_free(&tt);
    sl_text_free(text);
    sl_preview_free(&pv);
    sl_playlist_free(pl);
    sl_tags_free(&tags);
    sl_diags_free(&d);
    return rc;
}
