/* lint.c — media (each file opened once, pictures decoded as the player decodes them), zones, eligibility and frequency-floor checks on top of the playlist validator. */
#include "content/lint.h"

#include "content/fonts.h"
#include "content/fsutil.h"
#include "content/json.h"
#include "content/media.h"
#include "content/textwidth.h"
#include "content/picture.h"
#include "content/timeutil.h"

#include <errno.h>
#include <libavutil/frame.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define SL_NELEMS(a) (sizeof(a) / sizeof((a)[0]))

/* One media file as lint found it (the same file named by many items is
 * opened once): its identity and what opening it as media and as a
 * picture gave, each done at most once. */
typedef struct {
    dev_t dev;
    ino_t ino;
    bool done[2]; /* [LINT_AS_MEDIA], [LINT_AS_PICTURE] */
    int rc[2];
    char err[2][256];
    sl_media_info mi;  /* the probe: as media, and after a failed picture */
    sl_picture_info pi;
    bool hashed;       /* sha256 (or hash_err) holds the file's SHA-256, computed once */
    char sha256[SL_SHA256_HEX_LEN + 1];
    char hash_err[256];
} lint_file;

enum { LINT_AS_MEDIA = 0, LINT_AS_PICTURE = 1 };

/* The files of one lint run. */
typedef struct {
    lint_file *v;
    size_t n, cap;
    size_t opened; /* probes and picture decodes done */
} lint_files;

static void lint_files_free(lint_files *fs)
{
    if (fs)
        free(fs->v);
}

/* The entry of the file st describes, made when new; NULL when out of memory. */
static lint_file *lint_file_of(lint_files *fs, const struct stat *st)
{
    for (size_t i = 0; i < fs->n; i++)
        if (fs->v[i].dev == st->st_dev && fs->v[i].ino == st->st_ino)
            return &fs->v[i];
    if (fs->n == fs->cap) {
        size_t cap = fs->cap ? fs->cap * 2 : 16;
        lint_file *v = realloc(fs->v, cap * sizeof *v);
        if (!v)
            return NULL;
        fs->v = v;
        fs->cap = cap;
    }
    lint_file *f = &fs->v[fs->n++];
    memset(f, 0, sizeof *f);
    f->dev = st->st_dev;
    f->ino = st->st_ino;
    return f;
}

/* FFmpeg's message without the full path it starts with (the item's own
 * file name is in lint's message already). */
static const char *without_path(const char *err, const char *full)
{
    size_t n = strlen(full);
    if (strncmp(err, full, n) == 0 && err[n] == ':' && err[n + 1] == ' ')
        return err + n + 2;
    return err;
}

/* Opens the file as the player would: as a picture with content/picture.c
 * (the player's own decoder), otherwise with the probe; then, for a picture
 * that cannot be shown, probes it to say whether it is a video. Each at
 * most once per file. */
static void lint_open(lint_files *fs, lint_file *f, const sl_item *it, const char *full, bool picture,
                      const sl_lint_opts *o)
{
    int k = picture ? LINT_AS_PICTURE : LINT_AS_MEDIA;
    if (!f->done[k]) {
        f->done[k] = true;
        fs->opened++;
        AVFrame *frame = NULL;
        if (picture)
            f->rc[k] = sl_picture_check_keep(full, &f->pi, o->keep_picture ? &frame : NULL, f->err[k],
                                             sizeof f->err[k]);
        else
            f->rc[k] = sl_media_probe(full, &f->mi, f->err[k], sizeof f->err[k]);
        if (frame && !o->keep_picture(o->keep_ud, it, full, frame, f->pi.orientation))
            av_frame_free(&frame);
    }
    if (picture && f->rc[k] != 0)
        lint_open(fs, f, it, full, false, o);
}

/* What a path that is not a regular file is, for the message. */
static const char *file_kind(mode_t m)
{
    if (S_ISDIR(m))
        return "a folder";
    if (S_ISCHR(m) || S_ISBLK(m))
        return "a device";
    if (S_ISFIFO(m))
        return "a pipe";
    if (S_ISSOCK(m))
        return "a socket";
    return "not a file";
}

/* Whether a media path leaves the playlist's folder: absolute, or with a
 * ".." part. */
static bool outside_folder(const char *file)
{
    if (file[0] == '/')
        return true;
    for (const char *p = file; *p;) {
        size_t n = strcspn(p, "/");
        if (n == 2 && p[0] == '.' && p[1] == '.')
            return true;
        p += n;
        while (*p == '/')
            p++;
    }
    return false;
}

/* The file of a media item: inside the playlist's folder (publishing
 * copies the folder's media; outside it is an error for publishing), and a
 * regular file that exists. Returns its entry (NULL when there is none). */
static lint_file *lint_file_check(lint_files *fs, const sl_item *it, const char *path,
                                  const char *full, const sl_lint_opts *o, sl_diags *d)
{
    if (outside_folder(it->file)) {
        if (o->for_publish)
            sl_diags_error(d, path, "%s is outside the playlist's folder; put the media in the "
                                    "folder (or below it) and name it relative to the playlist",
                           it->file);
        else
            sl_diags_warn(d, path, "%s is outside the playlist's folder: publishing refuses it; "
                                   "put the media in the folder (or below it)", it->file);
    }
    struct stat st;
    if (stat(full, &st) != 0) {
        if (errno == ENOENT || errno == ENOTDIR)
            sl_diags_error(d, path, "%s does not exist", it->file);
        else
            sl_diags_error(d, path, "%s cannot be read (%s)", it->file, strerror(errno));
        return NULL;
    }
    if (!S_ISREG(st.st_mode)) {
        sl_diags_error(d, path, "%s is not a regular file (it is %s); name a media file",
                       it->file, file_kind(st.st_mode));
        return NULL;
    }
    lint_file *f = lint_file_of(fs, &st);
    if (!f)
        sl_diags_error(d, path, "out of memory");
    return f;
}

/* A picture item: decoded the way the player decodes it. */
static void lint_picture(const sl_item *it, const char *path, const char *full,
                         const lint_file *f, sl_diags *d)
{
    if (f->rc[LINT_AS_PICTURE] != 0) {
        const sl_media_info *mi = &f->mi;
        if (f->rc[LINT_AS_MEDIA] == 0 && mi->has_video && !mi->is_still && mi->duration_ms > 0)
            sl_diags_error(d, path, "%s is a video, not a picture, and a screen cannot show it as "
                                    "\"type\": \"image\"; give the item \"type\": \"video\"",
                           it->file);
        else
            sl_diags_error(d, path, "%s cannot be shown as a picture (%s); screens show PNG, "
                                    "JPEG, WebP, GIF, BMP and TIFF files: export it again as PNG "
                                    "or JPEG",
                           it->file, without_path(f->err[LINT_AS_PICTURE], full));
        return;
    }
    const sl_picture_info *pi = &f->pi;
    if (pi->width > SL_LINT_MAX_IMAGE_SIDE || pi->height > SL_LINT_MAX_IMAGE_SIDE)
        sl_diags_warn(d, path, "%s is %dx%d pixels, over %d on a side: every screen decodes it "
                               "in full and shrinks it; export it smaller",
                      it->file, pi->width, pi->height, SL_LINT_MAX_IMAGE_SIDE);
}

/* What a board's video decoder plays smoothly, per codec (FFmpeg's codec name). */
typedef struct {
    const char *codec, *label;
    int max_w, max_h, max_fps; /* checked with 8 lines (1080 coded as 1088) and 0.5 fps of slack */
    bool hardware;
} board_codec;

typedef struct {
    sl_lint_board board;
    const char *name, *model;
    board_codec codecs[2];
} board_policy;

static const board_policy board_policies[] = {
    {SL_LINT_BOARD_PI4, "pi4", "a Raspberry Pi 4",
     {{"h264", "H.264", 1920, 1080, 60, true}, {"hevc", "H.265", 4096, 2160, 60, true}}},
    {SL_LINT_BOARD_PI5, "pi5", "a Raspberry Pi 5",
     {{"hevc", "H.265", 4096, 2160, 60, true}, {"h264", "H.264", 1920, 1080, 30, false}}},
};
#define N_BOARDS (sizeof board_policies / sizeof *board_policies)

int sl_lint_board_parse(const char *name, sl_lint_board *out)
{
    if (name && !strcmp(name, "generic")) {
        *out = SL_LINT_BOARD_GENERIC;
        return 0;
    }
    for (size_t i = 0; name && i < N_BOARDS; i++)
        if (!strcmp(name, board_policies[i].name)) {
            *out = board_policies[i].board;
            return 0;
        }
    return -1;
}

/* Appends to why (cap bytes) what this board cannot play smoothly in mi; true when something. */
static bool board_limits(const board_policy *b, const sl_media_info *mi, char *why, size_t cap)
{
    size_t used = strlen(why);
    const char *sep = used ? "; " : "";
    for (size_t i = 0; i < sizeof b->codecs / sizeof *b->codecs; i++) {
        const board_codec *c = &b->codecs[i];
        if (strcmp(mi->video_codec, c->codec) != 0)
            continue;
        if (mi->width <= c->max_w && mi->height <= c->max_h + 8 && mi->fps <= c->max_fps + 0.5)
            return false;
        snprintf(why + used, cap - used, "%s%s decodes %s %s up to %dx%d at %d fps", sep, b->model, c->label,
                 c->hardware ? "in hardware" : "in software, smoothly", c->max_w, c->max_h, c->max_fps);
        return true;
    }
    return false;
}

/* The warning for a clip's video codec, size and frame rate on the chosen board(s). */
static void lint_codec(const sl_item *it, const char *path, const sl_media_info *mi, sl_lint_board board,
                       sl_diags *d)
{
    char why[600] = "";
    for (size_t i = 0; i < N_BOARDS; i++)
        if (board == SL_LINT_BOARD_GENERIC || board == board_policies[i].board)
            board_limits(&board_policies[i], mi, why, sizeof why);
    const char *advice = board == SL_LINT_BOARD_PI4 ? "H.264 up to 1080p60 or H.265 up to 4K60 play smoothly"
                         : board == SL_LINT_BOARD_PI5
                             ? "H.265 up to 4K60 plays smoothly (in hardware), H.264 up to 1080p30"
                             : "H.265 up to 4K60 or H.264 up to 1080p30 play smoothly on both";
    if (why[0])
        sl_diags_warn(d, path, "%s is %s at %dx%d, %.0f fps: %s; export it again (%s)", it->file,
                      !strcmp(mi->video_codec, "h264") ? "H.264" : "H.265", mi->width, mi->height, mi->fps, why,
                      advice);
    else if (strcmp(mi->video_codec, "vp9") == 0)
        sl_diags_warn(d, path, "%s is VP9, which Raspberry Pi boards decode in software; %s", it->file, advice);
    else if (strcmp(mi->video_codec, "h264") != 0 && strcmp(mi->video_codec, "hevc") != 0)
        sl_diags_warn(d, path, "%s uses the %s codec; screens are tested with H.264, H.265 and VP9 (%s)", it->file,
                      mi->video_codec, advice);
}

/* A video or sound item: probed; its duration and whether the board (opts->board)
 * decodes it in real time. */
static void lint_clip(sl_item *it, const char *path, const char *full, const lint_file *f,
                      sl_lint_board board, sl_diags *d)
{
    const sl_media_info *mi = &f->mi;
    if (f->rc[LINT_AS_MEDIA] != 0) {
        const char *why = without_path(f->err[LINT_AS_MEDIA], full);
        const char *said = "cannot be read as media";
        if (strncmp(why, said, strlen(said)) == 0) /* the probe's own words: not twice */
            sl_diags_error(d, path, "%s %s; a screen cannot play it, whatever its \"duration\": "
                                    "fix or replace the file", it->file, why);
        else
            sl_diags_error(d, path, "%s %s (%s); a screen cannot play it, whatever its "
                                    "\"duration\": fix or replace the file", it->file, said, why);
        return;
    }
    if (it->type == SL_ITEM_VIDEO && !mi->has_video)
        sl_diags_warn(d, path, "%s has no picture, only sound", it->file);
    if (it->type == SL_ITEM_AUDIO && !mi->has_audio)
        sl_diags_error(d, path, "%s has no sound", it->file);
    if (mi->duration_ms <= 0) {
        if (it->duration_given)
            sl_diags_warn(d, path, "the duration of %s cannot be read; the given duration is used",
                          it->file);
        else
            sl_diags_error(d, path, "the duration of %s cannot be read; give a \"duration\"",
                           it->file);
    } else if (!it->duration_given) {
        it->duration_ms = mi->duration_ms;
    }
    if (it->type == SL_ITEM_VIDEO && mi->has_video)
        lint_codec(it, path, mi, board, d);
}

/* A "sha256" given beside "file": the file must have it (hashed once per file). */
static void lint_sha256(lint_file *f, const sl_item *it, const char *full, const char *sha_path, sl_diags *d)
{
    if (!f->hashed) {
        int64_t size = 0;
        f->hashed = true;
        if (sl_media_sha256_file(full, f->sha256, &size, f->hash_err, sizeof f->hash_err) != 0)
            f->sha256[0] = '\0';
    }
    if (!f->sha256[0])
        sl_diags_error(d, sha_path, "%s cannot be hashed (%s)", it->file, without_path(f->hash_err, full));
    else if (strcmp(f->sha256, it->file_sha256) != 0)
        sl_diags_error(d, sha_path, "%s is not the file this \"sha256\" names (its SHA-256 is %s): the file "
                                    "changed since the playlist was saved; put the right file beside the "
                                    "playlist, or leave \"sha256\" out", it->file, f->sha256);
}

/* Looks at one media item: where the file is, the file itself, and (when
 * probing) whether a screen can show it. path is the JSON path of its
 * "file", sha_path of its "sha256". */
static void lint_media(lint_files *fs, sl_item *it, const char *path, const char *sha_path, const char *base_dir,
                       const sl_lint_opts *o, sl_diags *d)
{
    char *full = NULL;
    lint_file *f = NULL;
    if (o->media_dir) { /* the hub: media by SHA-256 from its store */
        struct stat st;
        if (!it->file_sha256) {
            sl_diags_error(d, sha_path, "is missing: the hub finds %s by its SHA-256; upload the file first",
                           it->file);
            return;
        }
        full = sl_fs_join(o->media_dir, it->file_sha256);
        if (!full) {
            sl_diags_error(d, path, "out of memory");
            return;
        }
        if (stat(full, &st) != 0 || !S_ISREG(st.st_mode)) {
            sl_diags_error(d, sha_path, "the hub has no file with this SHA-256 (%s): upload it first", it->file);
            goto out;
        }
        f = lint_file_of(fs, &st);
        if (!f)
            sl_diags_error(d, path, "out of memory");
    } else {
        full = sl_fs_join(base_dir, it->file);
        if (!full) {
            sl_diags_error(d, path, "out of memory");
            return;
        }
        f = lint_file_check(fs, it, path, full, o, d);
        if (f && it->file_sha256)
            lint_sha256(f, it, full, sha_path, d);
    }
    if (!f || !o->probe_media)
        goto out;
    bool picture = it->type == SL_ITEM_IMAGE;
    if (picture && o->decode_picture && !o->decode_picture(o->keep_ud, it))
        goto out;
    lint_open(fs, f, it, full, picture, o);
    if (picture)
        lint_picture(it, path, full, f, d);
    else
        lint_clip(it, path, full, f, o->board, d);
out:
    free(full);
}

/* When the document has errors there is no model, but staff still want to
 * hear about every missing media file in the same run. */
static void lint_files_of_invalid(lint_files *fs, const cJSON *root, const char *base,
                                  const sl_lint_opts *o, sl_diags *d)
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
        const char *file = sl_json_str(it, "file"), *sha = sl_json_str(it, "sha256");
        char p[64], sp[64];
        snprintf(p, sizeof p, "items[%zu].file", i);
        snprintf(sp, sizeof sp, "items[%zu].sha256", i++);
        if (!file || !file[0] || (sha && !sl_media_is_sha256(sha)))
            continue;
        sl_item tmp = {0};
        tmp.file = (char *)file;
        tmp.file_sha256 = (char *)sha;
        tmp.duration_given = true;
        lint_media(fs, &tmp, p, sp, base, &no_probe, d);
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

/* A rule with fixed times: its items, one after the other, must end before
 * its next time, or they would run into each other. */
static void lint_fixed_times(const sl_playlist *pl, const sl_rule *r, const char *path, sl_diags *d)
{
    if (r->n_at == 0)
        return;
    int64_t len = 0;
    for (size_t k = 0; k < r->n_items; k++)
        len += pl->items[r->items[k]].duration_ms;
    int64_t gap = SL_MS_PER_DAY;
    for (size_t k = 0; k < r->n_at; k++) {
        int64_t next = k + 1 < r->n_at ? r->at_s[k + 1] : r->at_s[0] + 86400;
        if ((next - r->at_s[k]) * SL_MS_PER_S < gap)
            gap = (next - r->at_s[k]) * SL_MS_PER_S;
    }
    if (len > gap)
        sl_diags_warn(d, path, "its items last %.1f s together, longer than the %.0f s between two "
                               "of its times: they run into each other",
                      (double)len / 1000.0, (double)gap / 1000.0);
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
        lint_fixed_times(pl, r, path, d);
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

/* Names the characters of text items that neither the item's own `font`
 * nor any installed font can draw (a warning: the slogan still plays, with
 * boxes, and a screen may have fonts this machine lacks). */
static void lint_glyphs(const sl_playlist *pl, sl_diags *d)
{
    sl_fonts *fonts = NULL;
    bool tried = false;
    char path[64];
    for (size_t i = 0; i < pl->n_items; i++) {
        const sl_item *it = &pl->items[i];
        if (it->type != SL_ITEM_TEXT || !it->text)
            continue;
        /* The player draws with the item's font first (face 0), as given. */
        sl_font_chars *own = it->font ? sl_fonts_file_chars(it->font, 0) : NULL;
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
            if (sl_font_chars_has(own, cp))
                continue;
            if (!fonts) {
                sl_font_chars_free(own);
                return;
            }
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
        sl_font_chars_free(own);
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
        if (!has_rule && pl->zones[pl->items[i].zone].sound) {
            snprintf(path, sizeof path, "items[%zu]", i);
            sl_diags_warn(d, path, "\"%s\" has no rule, so it speaks over and over without a "
                                   "pause; give it a rule with \"at\" or \"every\"",
                          pl->items[i].id);
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

/* Zones that a screen cannot show: too small on the smallest screen (an
 * error), or lying over another zone (a warning: the zone listed later is
 * drawn on top). */
static void lint_zones(const sl_playlist *pl, sl_diags *d)
{
    char path[64];
    const double min_w = 100.0 * SL_LINT_MIN_ZONE_PX / SL_LINT_SMALLEST_SCREEN_W;
    const double min_h = 100.0 * SL_LINT_MIN_ZONE_PX / SL_LINT_SMALLEST_SCREEN_H;
    for (size_t i = 0; i < pl->n_zones; i++) {
        const sl_zone *z = &pl->zones[i];
        if (z->sound)
            continue; /* a sound zone has no area */
        snprintf(path, sizeof path, "zones[%zu]", i);
        if (z->w < min_w - 1e-9 || z->h < min_h - 1e-9)
            sl_diags_error(d, path, "zone \"%s\" is %g %% x %g %% of the screen: %.1f x %.1f "
                                    "pixels on a %dx%d screen; a zone needs at least %d pixels "
                                    "each way there (w at least %.2f, h at least %.2f)",
                           z->id, z->w, z->h, floor(z->w * SL_LINT_SMALLEST_SCREEN_W / 10.0) / 10,
                           floor(z->h * SL_LINT_SMALLEST_SCREEN_H / 10.0) / 10, SL_LINT_SMALLEST_SCREEN_W,
                           SL_LINT_SMALLEST_SCREEN_H, SL_LINT_MIN_ZONE_PX, ceil(min_w * 100) / 100,
                           ceil(min_h * 100) / 100);
        for (size_t k = 0; k < i; k++) {
            const sl_zone *o = &pl->zones[k];
            if (o->sound)
                continue;
            double x0 = z->x > o->x ? z->x : o->x, y0 = z->y > o->y ? z->y : o->y;
            double x1 = z->x + z->w < o->x + o->w ? z->x + z->w : o->x + o->w;
            double y1 = z->y + z->h < o->y + o->h ? z->y + z->h : o->y + o->h;
            if (x1 - x0 > 1e-6 && y1 - y0 > 1e-6)
                sl_diags_warn(d, path, "zone \"%s\" overlaps zone \"%s\" (x %g-%g %%, y %g-%g %%): "
                                       "it is drawn over that part of \"%s\"",
                              z->id, o->id, x0, x1, y0, y1, o->id);
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
    lint_zones(pl, diags);
    lint_items(pl, diags);
    if (o.check_fonts)
        lint_glyphs(pl, diags);
    lint_rules(pl, &o, diags);
}

sl_playlist *sl_lint_json(const cJSON *root, const char *base, const sl_lint_opts *opts, sl_diags *diags)
{
    sl_lint_opts o = {0};
    if (opts)
        o = *opts;
    size_t errors_before = diags ? diags->n_errors : 0;
    lint_files fs = {0};
    sl_playlist *pl = sl_playlist_from_json(root, SL_PL_SOURCE, o.zoneinfo_dir, diags);
    if (pl) {
        for (size_t i = 0; i < pl->n_items; i++) {
            char p[64], sp[64];
            if ((int)i == pl->fallback) {
                snprintf(p, sizeof p, "fallback.file");
                snprintf(sp, sizeof sp, "fallback.sha256");
            } else {
                snprintf(p, sizeof p, "items[%zu].file", i);
                snprintf(sp, sizeof sp, "items[%zu].sha256", i);
            }
            if (pl->items[i].file)
                lint_media(&fs, &pl->items[i], p, sp, base, &o, diags);
        }
        sl_lint_model(pl, &o, diags);
    } else {
        lint_files_of_invalid(&fs, root, base, &o, diags);
    }
    if (o.stats) {
        o.stats->media_files = fs.n;
        o.stats->opened = fs.opened;
    }
    lint_files_free(&fs);
    if (pl && diags && diags->n_errors > errors_before && !o.keep_model) {
        sl_playlist_free(pl);
        pl = NULL;
    }
    return pl;
}

sl_playlist *sl_lint_file(const char *path, const sl_lint_opts *opts, sl_diags *diags)
{
    char err[512];
    sl_playlist *pl = NULL;
    char *base = NULL;
    cJSON *root = sl_json_read_file(path, NULL, err, sizeof err);
    if (!root) {
        sl_diags_error(diags, "", "%s", err);
        if (opts && opts->stats)
            *opts->stats = (sl_lint_stats){0};
        goto out;
    }
    base = sl_fs_dirname(path);
    if (!base) {
        sl_diags_error(diags, "", "out of memory");
        goto out;
    }
    pl = sl_lint_json(root, base, opts, diags);
out:
    cJSON_Delete(root);
    free(base);
    return pl;
}
