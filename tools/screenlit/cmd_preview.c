/* cmd_preview.c — `screenlit preview`: the timeline a screen will play, plays per item, floors met or missed. */
#include "content/json.h"
#include "content/lint.h"
#include "content/sched.h"
#include "content/timeutil.h"
#include "tools/screenlit/cli.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PREVIEW_MAX_SPAN_MS (31LL * SL_MS_PER_DAY) /* at most a month at once */

/* The options as given. */
typedef struct {
    const char *from, *to, *tags;
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
           "                      [--json] [--summary]\n"
           "\n"
           "DESCRIPTION\n"
           "    Runs the same schedule code the player runs, with a simulated clock, over\n"
           "    the period and prints, zone by zone, what plays when (local time of the\n"
           "    playlist's time zone); then a table of plays and seconds per item with\n"
           "    each frequency floor marked met or missed for every full clock hour it\n"
           "    applies to. Use it before publishing to check a campaign.\n"
           "\n"
           "OPTIONS\n");
    sl_opts_help(stdout, preview_opts);
    printf("\n"
           "EXIT STATUS\n"
           "    0 preview printed (missed floors are reported, not failed), 1 the\n"
           "    playlist has errors, 2 wrong arguments.\n");
}

typedef struct {
    int64_t plays, ms;
    int hours_checked, hours_met;
    int floor_max;
    char missed[256]; /* "10:00 (4 of 6), …" */
} item_stats;

/* Counts plays per item and checks each floor over every full local hour. */
static void compute_stats(const sl_playlist *pl, const sl_tags *tags, const sl_play *plays,
                          size_t n, int64_t from, int64_t to, item_stats *st)
{
    for (size_t i = 0; i < n; i++) {
        st[plays[i].item].plays++;
        st[plays[i].item].ms += plays[i].duration_ms;
    }
    /* Local hour boundaries: step through local wall-clock hours. */
    int64_t lfrom = sl_tz_to_local(pl->tz, from);
    int64_t lh = sl_floordiv(lfrom + SL_MS_PER_HOUR - 1, SL_MS_PER_HOUR) * SL_MS_PER_HOUR;
    for (;; lh += SL_MS_PER_HOUR) {
        int64_t h0 = sl_tz_from_local(pl->tz, lh);
        int64_t h1 = sl_tz_from_local(pl->tz, lh + SL_MS_PER_HOUR);
        if (h1 > to)
            break;
        for (size_t it = 0; it < pl->n_items; it++) {
            int floor = sl_sched_floor(pl, tags, (int)it, h0);
            if (floor <= 0)
                continue;
            int count = 0;
            for (size_t i = 0; i < n; i++)
                if (plays[i].item == (int)it && plays[i].start_ms >= h0 && plays[i].start_ms < h1)
                    count++;
            item_stats *s = &st[it];
            s->hours_checked++;
            if (floor > s->floor_max)
                s->floor_max = floor;
            if (count >= floor) {
                s->hours_met++;
            } else {
                size_t at = strlen(s->missed);
                int64_t secs = sl_floordiv(lh, SL_MS_PER_S) % 86400;
                if (at < sizeof s->missed - 24)
                    snprintf(s->missed + at, sizeof s->missed - at, "%s%02d:00 (%d of %d)",
                             at ? ", " : "", (int)(secs / 3600), count, floor);
            }
        }
    }
}

static void local_stamp(const sl_playlist *pl, int64_t ms, char *buf, size_t len)
{
    char iso[40];
    sl_instant_format(ms, sl_tz_offset_at(pl->tz, ms), iso, sizeof iso);
    /* "2026-11-25T08:00:00+08:00" -> "2026-11-25 08:00:00" */
    snprintf(buf, len, "%.10s %.8s", iso, iso + 11);
}

static void print_text(const sl_playlist *pl, const char *path, const char *tags_csv,
                       const sl_play *plays, size_t n, int64_t from, int64_t to,
                       const item_stats *st, bool summary)
{
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
        const item_stats *s = &st[i];
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

static int print_json(const sl_playlist *pl, const char *tags_csv, const sl_play *plays,
                      size_t n, int64_t from, int64_t to, const item_stats *st)
{
    int rc = SL_EXIT_FAIL;
    char iso[40];
    char *text = NULL;
    cJSON *root = cJSON_CreateObject();
    cJSON *arr, *items;
    if (!root)
        goto out;
    sl_instant_format(from, sl_tz_offset_at(pl->tz, from), iso, sizeof iso);
    cJSON_AddStringToObject(root, "from", iso);
    sl_instant_format(to, sl_tz_offset_at(pl->tz, to), iso, sizeof iso);
    cJSON_AddStringToObject(root, "to", iso);
    cJSON_AddStringToObject(root, "timezone", pl->tz_name);
    cJSON_AddStringToObject(root, "tags", tags_csv ? tags_csv : "");
    arr = cJSON_AddArrayToObject(root, "plays");
    for (size_t i = 0; arr && i < n; i++) {
        const sl_item *it = &pl->items[plays[i].item];
        cJSON *o = cJSON_CreateObject();
        if (!o)
            goto out;
        cJSON_AddItemToArray(arr, o);
        cJSON_AddStringToObject(o, "zone", pl->zones[plays[i].zone].id);
        cJSON_AddStringToObject(o, "item", it->id);
        cJSON_AddStringToObject(o, "type", sl_item_type_name(it->type));
        sl_instant_format(plays[i].start_ms, sl_tz_offset_at(pl->tz, plays[i].start_ms), iso,
                          sizeof iso);
        cJSON_AddStringToObject(o, "start", iso);
        cJSON_AddNumberToObject(o, "start_ms", (double)plays[i].start_ms);
        cJSON_AddNumberToObject(o, "duration_ms", (double)plays[i].duration_ms);
    }
    items = cJSON_AddArrayToObject(root, "items");
    for (size_t i = 0; items && i < pl->n_items; i++) {
        const sl_item *it = &pl->items[i];
        cJSON *o = cJSON_CreateObject();
        if (!o)
            goto out;
        cJSON_AddItemToArray(items, o);
        cJSON_AddStringToObject(o, "item", it->id);
        cJSON_AddStringToObject(o, "zone", it->zone >= 0 ? pl->zones[it->zone].id : "");
        cJSON_AddNumberToObject(o, "plays", (double)st[i].plays);
        cJSON_AddNumberToObject(o, "seconds", (double)st[i].ms / 1000.0);
        cJSON_AddNumberToObject(o, "floor_per_hour", st[i].floor_max);
        cJSON_AddNumberToObject(o, "floor_hours_checked", st[i].hours_checked);
        cJSON_AddNumberToObject(o, "floor_hours_met", st[i].hours_met);
        cJSON_AddBoolToObject(o, "floor_met", st[i].hours_met == st[i].hours_checked);
    }
    text = sl_json_print(root, true);
    if (!text)
        goto out;
    printf("%s\n", text);
    rc = SL_EXIT_OK;
out:
    free(text);
    cJSON_Delete(root);
    return rc;
}

int sl_cmd_preview(int argc, char **argv)
{
    preview_args a = {0};
    int next, rc = sl_cli_parse_opts("preview", preview_opts, help, &a, argc, argv, &next);
    if (rc >= 0)
        return rc;
    rc = SL_EXIT_FAIL;
    const char *from_s = a.from, *to_s = a.to, *tags_csv = a.tags;
    bool json = a.json, summary = a.summary;
    sl_tags tags = {0};
    sl_diags d;
    sl_playlist *pl = NULL;
    sl_play *plays = NULL;
    item_stats *st = NULL;
    size_t n = 0;
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
    /* Times without an offset are read in the playlist's zone (its offset now). */
    int64_t from, to;
    int off = sl_tz_offset_at(pl->tz, (int64_t)time(NULL) * 1000);
    if (sl_instant_parse(from_s, &off, &from) != 0) {
        rc = sl_cli_usage_error("preview", "--from: '%s' is not a time like "
                                           "2026-11-25T08:00+08:00", from_s);
        goto out;
    }
    if (sl_instant_parse(to_s, &off, &to) != 0) {
        rc = sl_cli_usage_error("preview", "--to: '%s' is not a time like "
                                           "2026-11-25T18:00+08:00", to_s);
        goto out;
    }
    if (to <= from || to - from > PREVIEW_MAX_SPAN_MS) {
        rc = sl_cli_usage_error("preview", "--to must come after --from, at most 31 days later");
        goto out;
    }
    if (sl_sched_predict(pl, &tags, from, to, &plays, &n) != 0) {
        fprintf(stderr, "screenlit preview: out of memory\n");
        goto out;
    }
    st = calloc(pl->n_items, sizeof *st);
    if (!st) {
        fprintf(stderr, "screenlit preview: out of memory\n");
        goto out;
    }
    compute_stats(pl, &tags, plays, n, from, to, st);
    if (json) {
        rc = print_json(pl, tags_csv, plays, n, from, to, st);
    } else {
        print_text(pl, path, tags_csv, plays, n, from, to, st, summary);
        rc = SL_EXIT_OK;
    }
out:
    free(st);
    free(plays);
    sl_playlist_free(pl);
    sl_tags_free(&tags);
    sl_diags_free(&d);
    return rc;
}
