/* lint.c — media, eligibility and frequency-floor checks on top of the playlist validator. */
#include "content/lint.h"

#include "content/fonts.h"
#include "content/fsutil.h"
#include "content/json.h"
#include "content/media.h"
#include "content/textwidth.h"
#include "content/timeutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SL_NELEMS(a) (sizeof(a) / sizeof((a)[0]))

/* Looks at one media item: the file, its size on screen, its duration and
 * whether Raspberry-Pi-class boards can decode it in real time. */
static void lint_media(sl_item *it, const char *path, const char *base_dir,
                       const sl_lint_opts *o, sl_diags *d)
{
    char *full = sl_fs_join(base_dir, it->file);
    if (!full) {
        sl_diags_error(d, path, "out of memory");
        return;
    }
    if (!sl_fs_is_file(full)) {
        sl_diags_error(d, path, "%s does not exist", it->file);
        goto out;
    }
    if (!o->probe_media)
        goto out;
    sl_media_info mi;
    char err[256];
    if (sl_media_probe(full, &mi, err, sizeof err) != 0) {
        if (it->type == SL_ITEM_IMAGE)
            sl_diags_error(d, path, "%s cannot be read as a picture (%s)", it->file, err);
        else if (it->duration_given)
            sl_diags_warn(d, path, "%s cannot be read as media (%s)", it->file, err);
        else
            sl_diags_error(d, path, "%s cannot be read as media, so its duration is unknown (%s); "
                                    "fix the file or give a \"duration\"", it->file, err);
        goto out;
    }
    if (it->type == SL_ITEM_IMAGE) {
        if (!mi.has_video || mi.width <= 0)
            sl_diags_error(d, path, "%s is not a picture", it->file);
        else if (mi.width > SL_LINT_MAX_IMAGE_SIDE || mi.height > SL_LINT_MAX_IMAGE_SIDE)
            sl_diags_warn(d, path, "%s is %dx%d pixels, over %d on a side: it will be shrunk on "
                                   "every screen; export it smaller", it->file, mi.width,
                          mi.height, SL_LINT_MAX_IMAGE_SIDE);
        goto out;
    }
    if (it->type == SL_ITEM_VIDEO && !mi.has_video)
        sl_diags_warn(d, path, "%s has no picture, only sound", it->file);
    if (it->type == SL_ITEM_AUDIO && !mi.has_audio)
        sl_diags_error(d, path, "%s has no sound", it->file);
    if (mi.duration_ms <= 0) {
        if (it->duration_given)
            sl_diags_warn(d, path, "the duration of %s cannot be read; the given duration is used",
                          it->file);
        else
            sl_diags_error(d, path, "the duration of %s cannot be read; give a \"duration\"",
                           it->file);
    } else if (!it->duration_given) {
        it->duration_ms = mi.duration_ms;
    }
    if (it->type == SL_ITEM_VIDEO && mi.has_video) {
        if (strcmp(mi.video_codec, "h264") == 0 && (mi.width > 1920 || mi.height > 1088))
            sl_diags_warn(d, path, "%s is H.264 at %dx%d: Raspberry Pi boards decode H.264 only "
                                   "up to 1920x1080; export it at 1080p", it->file, mi.width,
                          mi.height);
        else if (strcmp(mi.video_codec, "h264") == 0 && mi.fps > 30.5)
            sl_diags_warn(d, path, "%s is H.264 at %.0f fps: a Pi 5 decodes H.264 in software and "
                                   "a Pi 3 cannot keep up; 25 or 30 fps plays everywhere",
                          it->file, mi.fps);
        else if (strcmp(mi.video_codec, "vp9") == 0)
            sl_diags_warn(d, path, "%s is VP9, which Raspberry Pi boards decode in software; "
                                   "H.264 or H.265 plays smoother", it->file);
        else if (strcmp(mi.video_codec, "h264") != 0 && strcmp(mi.video_codec, "hevc") != 0 &&
                 strcmp(mi.video_codec, "vp9") != 0)
            sl_diags_warn(d, path, "%s uses the %s codec; screens are tested with H.264, H.265 "
                                   "and VP9", it->file, mi.video_codec);
    }
out:
    free(full);
}

/* When the document has errors there is no model, but staff still want to
 * hear about every missing media file in the same run. */
static void lint_files_of_invalid(const cJSON *root, const char *base, const sl_lint_opts *o,
                                  sl_diags *d)
{
    const cJSON *items = cJSON_GetObjectItemCaseSensitive(root, "items");
    const cJSON *it;
    if (!cJSON_IsArray(items))
        return;
    size_t i = 0;
    sl_lint_opts no_probe = *o;
    no_probe.probe_media = false;
    cJSON_ArrayForEach(it, items)
    {
        const char *file = sl_json_str(it, "file");
        char p[64];
        snprintf(p, sizeof p, "items[%zu].file", i++);
        if (!file || !file[0])
            continue;
        sl_item tmp = {0};
        tmp.file = (char *)file;
        tmp.duration_given = true;
        lint_media(&tmp, p, base, &no_probe, d);
    }
}

/* Whether a rule can match on at least one day (dates and weekdays). */
static bool rule_has_a_day(const sl_rule *r)
{
    if (!r->has_dates)
        return r->weekdays != 0;
    int64_t from = r->date_from, to = r->date_to;
    for (int64_t day = from; day <= to && day < from + 7; day++)
        if (r->weekdays & (1u << sl_weekday_from_days(day)))
            return true;
    return false;
}

/* The number of full clock hours inside a rule's hours window. */
static int full_hours_in_window(const sl_rule *r)
{
    if (!r->has_hours)
        return 24;
    int32_t from = r->hours_from_s, to = r->hours_to_s;
    if (to < from)
        to += 86400;
    int32_t first = (from + 3599) / 3600 * 3600;
    int32_t last = to / 3600 * 3600;
    return last > first ? (last - first) / 3600 : 0;
}

static void lint_rules(const sl_playlist *pl, const sl_lint_opts *o, sl_diags *d)
{
    char path[64];
    for (size_t i = 0; i < pl->n_rules; i++) {
        const sl_rule *r = &pl->rules[i];
        snprintf(path, sizeof path, "rules[%zu]", i);
        if (!rule_has_a_day(r))
            sl_diags_warn(d, path, "no day in its dates falls on its weekdays: its items never "
                                   "play through this rule");
        if (o->now_ms > 0) {
            int64_t local_day = sl_floordiv(sl_tz_to_local(pl->tz, o->now_ms), SL_MS_PER_DAY);
            if (r->has_dates && r->date_to < local_day)
                sl_diags_warn(d, path, "its dates ended before today: its items no longer play "
                                       "through this rule");
            if (r->urgent && r->urgent_until_ms <= o->now_ms)
                sl_diags_warn(d, path, "this urgent alert has already expired");
        }
        if (r->min_per_hour <= 0)
            continue;
        if (full_hours_in_window(r) == 0)
            sl_diags_warn(d, path, "its hours hold no full clock hour, so \"min_per_hour\" is "
                                   "never checked; floors count plays per clock hour");
        for (size_t k = 0; k < r->n_items; k++) {
            const sl_item *it = &pl->items[r->items[k]];
            int64_t need = (int64_t)r->min_per_hour * it->duration_ms;
            if (need > SL_MS_PER_HOUR)
                sl_diags_warn(d, path, "\"%s\" lasts %.1f s, so %d plays need %.0f s: more than "
                                       "an hour; the floor cannot be met",
                              it->id, (double)it->duration_ms / 1000.0, r->min_per_hour,
                              (double)need / 1000.0);
        }
    }
    /* Floors of one zone together must fit in an hour. */
    for (size_t z = 0; z < pl->n_zones; z++) {
        int64_t total = 0;
        for (size_t i = 0; i < pl->n_rules; i++) {
            const sl_rule *r = &pl->rules[i];
            for (size_t k = 0; r->min_per_hour > 0 && k < r->n_items; k++) {
                const sl_item *it = &pl->items[r->items[k]];
                if (it->zone == (int)z)
                    total += (int64_t)r->min_per_hour * it->duration_ms;
            }
        }
        if (total > SL_MS_PER_HOUR) {
            snprintf(path, sizeof path, "zones[%zu]", z);
            sl_diags_warn(d, path, "the frequency floors of zone \"%s\" add up to %.0f s an hour, "
                                   "more than an hour: they cannot all be met when their windows "
                                   "overlap", pl->zones[z].id, (double)total / 1000.0);
        }
    }
}

/* Names the characters of text items that no installed font can draw (a
 * warning: the slogan still plays, with boxes, and a screen may have fonts
 * this machine lacks). */
static void lint_glyphs(const sl_playlist *pl, sl_diags *d)
{
    sl_fonts *fonts = NULL;
    bool tried = false;
    char path[64];
    for (size_t i = 0; i < pl->n_items; i++) {
        const sl_item *it = &pl->items[i];
        if (it->type != SL_ITEM_TEXT || !it->text)
            continue;
        char names[320] = "";
        size_t o = 0, count = 0;
        uint32_t seen[64]; /* distinct characters found; the first 8 are named */
        size_t n_seen = 0;
        for (const char *p = it->text; *p;) {
            uint32_t cp;
            p += sl_textwidth_decode(p, &cp);
            if (cp < 0x80 || sl_fonts_invisible(cp))
                continue; /* every font has ASCII */
            if (!tried) {
                char err[128];
                tried = true;
                fonts = sl_fonts_open(err, sizeof err);
                if (!fonts)
                    sl_diags_warn(d, "", "cannot check which characters the fonts draw: %s", err);
            }
            if (!fonts)
                return;
            if (sl_fonts_covers(fonts, cp))
                continue;
            bool again = false;
            for (size_t k = 0; k < n_seen; k++)
                again = again || seen[k] == cp;
            if (again)
                continue;
            if (n_seen < SL_NELEMS(seen))
                seen[n_seen++] = cp;
            count++;
            if (count <= 8 && o < sizeof names)
                o += (size_t)snprintf(names + o, sizeof names - o, "%sU+%04X", count > 1 ? ", " : "",
                                      (unsigned)cp);
        }
        if (!count)
            continue;
        if ((int)i == pl->fallback)
            snprintf(path, sizeof path, "fallback.text");
        else
            snprintf(path, sizeof path, "items[%zu].text", i);
        sl_diags_warn(d, path, "\"%s\" has %zu character%s that no installed font can draw (%s%s): "
                               "they show as boxes; remove them or install a font that has them",
                      it->id ? it->id : "fallback", count, count == 1 ? "" : "s", names,
                      count > 8 ? ", …" : "");
    }
    sl_fonts_free(fonts);
}

/* Items that no zone will ever show: zone without items, items with only impossible rules. */
static void lint_items(const sl_playlist *pl, sl_diags *d)
{
    char path[64];
    for (size_t i = 0; i < pl->n_items; i++) {
        if ((int)i == pl->fallback)
            continue;
        bool has_rule = false, can_play = false;
        for (size_t r = 0; r < pl->n_rules; r++) {
            for (size_t k = 0; k < pl->rules[r].n_items; k++) {
                if (pl->rules[r].items[k] != (int)i)
                    continue;
                has_rule = true;
                if (rule_has_a_day(&pl->rules[r]))
                    can_play = true;
            }
        }
        if (has_rule && !can_play) {
            snprintf(path, sizeof path, "items[%zu]", i);
            sl_diags_warn(d, path, "\"%s\" is never eligible: none of its rules can match",
                          pl->items[i].id);
        }
    }
    for (size_t z = 0; z < pl->n_zones; z++) {
        bool any = false;
        for (size_t i = 0; i < pl->n_items; i++)
            if (pl->items[i].zone == (int)z)
                any = true;
        if (!any) {
            snprintf(path, sizeof path, "zones[%zu]", z);
            sl_diags_warn(d, path, "zone \"%s\" has no items: it shows only the fallback",
                          pl->zones[z].id);
        }
    }
}

void sl_lint_model(const sl_playlist *pl, const sl_lint_opts *opts, sl_diags *diags)
{
    sl_lint_opts o = {0};
    if (opts)
        o = *opts;
    if (!pl)
        return;
    lint_items(pl, diags);
    if (o.check_fonts)
        lint_glyphs(pl, diags);
    lint_rules(pl, &o, diags);
}

sl_playlist *sl_lint_file(const char *path, const sl_lint_opts *opts, sl_diags *diags)
{
    sl_lint_opts o = {0};
    if (opts)
        o = *opts;
    size_t errors_before = diags ? diags->n_errors : 0;
    char *base = NULL;
    sl_playlist *pl = NULL;
    char err[512];
    cJSON *root = sl_json_read_file(path, NULL, err, sizeof err);
    if (!root) {
        sl_diags_error(diags, "", "%s", err);
        goto out;
    }
    pl = sl_playlist_from_json(root, SL_PL_SOURCE, o.zoneinfo_dir, diags);
    base = sl_fs_dirname(path);
    if (pl) {
        for (size_t i = 0; i < pl->n_items; i++) {
            char p[64];
            if ((int)i == pl->fallback)
                snprintf(p, sizeof p, "fallback.file");
            else
                snprintf(p, sizeof p, "items[%zu].file", i);
            if (pl->items[i].file)
                lint_media(&pl->items[i], p, base, &o, diags);
        }
        sl_lint_model(pl, &o, diags);
    } else {
        lint_files_of_invalid(root, base, &o, diags);
    }
out:
    cJSON_Delete(root);
    free(base);
    if (pl && diags && diags->n_errors > errors_before) {
        sl_playlist_free(pl);
        pl = NULL;
    }
    return pl;
}
