/* playlist.c — validates playlist JSON (source or manifest) into the model, reporting every error with its path. */
#include "content/playlist.h"

#include "content/fonts.h"
#include "content/json.h"
#include "content/textwidth.h"
#include "content/timeutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PATH_MAX_LEN 128

/* Parsing context: where errors go and which kind of document this is. */
typedef struct {
    sl_diags *d;
    sl_pl_kind kind;
} ctx;

static const char *const type_names[] = {"text", "image", "video", "audio"};

const char *sl_item_type_name(sl_item_type t)
{
    return (unsigned)t < 4 ? type_names[t] : "?";
}

void sl_zone_box(const sl_zone *zn, int canvas_w, int canvas_h, int *x, int *y, int *w, int *h)
{
    int x0 = (int)(zn->x * canvas_w / 100.0 + 0.5);
    int y0 = (int)(zn->y * canvas_h / 100.0 + 0.5);
    int x1 = (int)((zn->x + zn->w) * canvas_w / 100.0 + 0.5);
    int y1 = (int)((zn->y + zn->h) * canvas_h / 100.0 + 0.5);
    *x = x0;
    *y = y0;
    *w = x1 - x0 > 0 ? x1 - x0 : 1;
    *h = y1 - y0 > 0 ? y1 - y0 : 1;
}

/* ---- small readers: each reports its own error and returns -1 on a problem ---- */

static const char *json_type_name(const cJSON *v)
{
    if (cJSON_IsString(v))
        return "text";
    if (cJSON_IsNumber(v))
        return "a number";
    if (cJSON_IsBool(v))
        return "true/false";
    if (cJSON_IsNull(v))
        return "null";
    if (cJSON_IsArray(v))
        return "a list";
    if (cJSON_IsObject(v))
        return "an object";
    return "something else";
}

static void subpath(char *out, const char *base, const char *key)
{
    if (base && base[0])
        snprintf(out, PATH_MAX_LEN, "%s.%s", base, key);
    else
        snprintf(out, PATH_MAX_LEN, "%s", key);
}

/* Reads an optional string member. Returns 1 when present and valid, 0 when
 * absent, -1 on error (reported). */
static int get_str(ctx *c, const cJSON *obj, const char *base, const char *key, size_t max_len,
                   const char **out)
{
    char p[PATH_MAX_LEN];
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    *out = NULL;
    if (!v)
        return 0;
    subpath(p, base, key);
    if (!cJSON_IsString(v) || !v->valuestring) {
        sl_diags_error(c->d, p, "should be text in quotes, not %s", json_type_name(v));
        return -1;
    }
    if (strlen(v->valuestring) > max_len) {
        sl_diags_error(c->d, p, "is too long (%zu bytes; at most %zu)", strlen(v->valuestring),
                       max_len);
        return -1;
    }
    *out = v->valuestring;
    return 1;
}

static int get_num(ctx *c, const cJSON *obj, const char *base, const char *key, double min,
                   double max, bool integer, double *out)
{
    char p[PATH_MAX_LEN];
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!v)
        return 0;
    subpath(p, base, key);
    if (!cJSON_IsNumber(v)) {
        sl_diags_error(c->d, p, "should be a number, not %s", json_type_name(v));
        return -1;
    }
    double x = v->valuedouble;
    if (!isfinite(x) || x < min || x > max) {
        sl_diags_error(c->d, p, "%g is out of range (%g to %g)", x, min, max);
        return -1;
    }
    if (integer && floor(x) != x) {
        sl_diags_error(c->d, p, "%g should be a whole number", x);
        return -1;
    }
    *out = x;
    return 1;
}

static int get_bool(ctx *c, const cJSON *obj, const char *base, const char *key, bool *out)
{
    char p[PATH_MAX_LEN];
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!v)
        return 0;
    subpath(p, base, key);
    if (!cJSON_IsBool(v)) {
        sl_diags_error(c->d, p, "should be true or false, not %s", json_type_name(v));
        return -1;
    }
    *out = cJSON_IsTrue(v);
    return 1;
}

static int hexval(char ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

/* "#rrggbb" or "#rrggbbaa". */
static int parse_color(const char *s, sl_color *out)
{
    size_t n = strlen(s);
    if (s[0] != '#' || (n != 7 && n != 9))
        return -1;
    int v[8];
    for (size_t i = 1; i < n; i++)
        if ((v[i - 1] = hexval(s[i])) < 0)
            return -1;
    out->r = (uint8_t)(v[0] * 16 + v[1]);
    out->g = (uint8_t)(v[2] * 16 + v[3]);
    out->b = (uint8_t)(v[4] * 16 + v[5]);
    out->a = n == 9 ? (uint8_t)(v[6] * 16 + v[7]) : 255;
    return 0;
}

static int get_color(ctx *c, const cJSON *obj, const char *base, const char *key, sl_color *out)
{
    const char *s;
    int rc = get_str(c, obj, base, key, 16, &s);
    if (rc <= 0)
        return rc;
    if (parse_color(s, out) != 0) {
        char p[PATH_MAX_LEN];
        subpath(p, base, key);
        sl_diags_error(c->d, p, "\"%s\" is not a colour (write \"#rrggbb\", e.g. \"#ffcc00\")", s);
        return -1;
    }
    return 1;
}

/* Ids: 1..SL_ID_MAX bytes of letters, digits, '-', '_', '.'. */
static bool valid_id(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > SL_ID_MAX)
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
                  ch == '-' || ch == '_' || ch == '.';
        if (!ok)
            return false;
    }
    return !(strcmp(s, ".") == 0 || strcmp(s, "..") == 0);
}

static int get_id(ctx *c, const cJSON *obj, const char *base, const char *key, bool required,
                  const char **out)
{
    char p[PATH_MAX_LEN];
    subpath(p, base, key);
    int rc = get_str(c, obj, base, key, 1024, out);
    if (rc == 0 && required) {
        sl_diags_error(c->d, p, "is missing");
        return -1;
    }
    if (rc == 1 && !valid_id(*out)) {
        sl_diags_error(c->d, p,
                       "\"%s\" is not a usable id (1 to %d letters, digits, '-', '_' or '.')",
                       *out, SL_ID_MAX);
        return -1;
    }
    return rc;
}

/* Reports members that this format does not know (a typo is likely). */
static void unknown_members(ctx *c, const cJSON *obj, const char *base, const char *const *known)
{
    const cJSON *m;
    cJSON_ArrayForEach(m, obj)
    {
        bool ok = false;
        for (const char *const *k = known; *k; k++)
            if (m->string && strcmp(m->string, *k) == 0)
                ok = true;
        if (!ok) {
            char p[PATH_MAX_LEN];
            subpath(p, base, m->string ? m->string : "?");
            sl_diags_warn(c->d, p, "is not a known setting here and is ignored");
        }
    }
}

/* ---- zones ---- */

/* A sound zone: {"id": "voice", "sound": true, "duck": 0.25}, no area. */
static void parse_sound_zone(ctx *c, const cJSON *z, const char *p, sl_zone *out)
{
    static const char *const area[] = {"x", "y", "w", "h", "background"};
    for (int i = 0; i < 5; i++) {
        if (cJSON_GetObjectItemCaseSensitive(z, area[i])) {
            char q[PATH_MAX_LEN];
            subpath(q, p, area[i]);
            sl_diags_error(c->d, q, "a sound zone has no area on the screen; remove \"%s\"",
                           area[i]);
        }
    }
    out->duck = SL_DUCK_DEFAULT;
    get_num(c, z, p, "duck", 0, 1, false, &out->duck);
}

static void parse_zone(ctx *c, const cJSON *z, const char *p, sl_playlist *pl, sl_zone *out)
{
    static const char *const known[] = {"id", "x", "y", "w", "h", "background", "sound", "duck",
                                        "comment", NULL};
    const char *id;
    if (!cJSON_IsObject(z)) {
        sl_diags_error(c->d, p, "should be an object like {\"id\": \"main\", \"x\": 0, \"y\": 0, "
                                "\"w\": 100, \"h\": 100}");
        return;
    }
    unknown_members(c, z, p, known);
    if (get_id(c, z, p, "id", true, &id) == 1) {
        if (sl_playlist_zone_index(pl, id) >= 0) {
            char q[PATH_MAX_LEN];
            subpath(q, p, "id");
            sl_diags_error(c->d, q, "zone \"%s\" is defined twice", id);
        }
        out->id = strdup(id);
    }
    out->background = (sl_color){0, 0, 0, 255};
    get_bool(c, z, p, "sound", &out->sound);
    if (out->sound) {
        parse_sound_zone(c, z, p, out);
        return;
    }
    if (cJSON_GetObjectItemCaseSensitive(z, "duck")) {
        char q[PATH_MAX_LEN];
        subpath(q, p, "duck");
        sl_diags_error(c->d, q, "belongs to sound zones (\"sound\": true)");
    }
    double *f[4] = {&out->x, &out->y, &out->w, &out->h};
    const char *names[4] = {"x", "y", "w", "h"};
    int ok = 1;
    for (int i = 0; i < 4; i++) {
        int rc = get_num(c, z, p, names[i], 0, 100, false, f[i]);
        if (rc == 0) {
            char q[PATH_MAX_LEN];
            subpath(q, p, names[i]);
            sl_diags_error(c->d, q, "is missing (percent of the screen, 0 to 100)");
        }
        if (rc != 1)
            ok = 0;
    }
    if (ok) {
        if (out->w <= 0 || out->h <= 0)
            sl_diags_error(c->d, p, "has no area (w and h must be above 0)");
        if (out->x + out->w > 100.0001)
            sl_diags_error(c->d, p, "reaches past the right edge (x + w = %g %%)", out->x + out->w);
        if (out->y + out->h > 100.0001)
            sl_diags_error(c->d, p, "reaches past the bottom edge (y + h = %g %%)",
                           out->y + out->h);
    }
    get_color(c, z, p, "background", &out->background);
}

/* ---- items ---- */

static int parse_type(const char *s)
{
    for (int i = 0; i < 4; i++)
        if (strcmp(s, type_names[i]) == 0)
            return i;
    return -1;
}

static void zone_names(const sl_playlist *pl, char *buf, size_t len)
{
    size_t at = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < pl->n_zones && at < len; i++) {
        if (!pl->zones[i].id)
            continue;
        int w = snprintf(buf + at, len - at, "%s%s", at ? ", " : "", pl->zones[i].id);
        if (w < 0)
            break;
        at += (size_t)w;
    }
}

/* Reads an optional string member that must be one of names (NULL-ended);
 * *out = its index. what names the member's kind in the error, e.g.
 * "a fit (contain, cover or stretch)". Returns 1 when present and known. */
static int get_enum(ctx *c, const cJSON *obj, const char *base, const char *key, const char *const *names,
                    const char *what, int *out)
{
    const char *s;
    if (get_str(c, obj, base, key, 16, &s) != 1)
        return 0;
    for (int i = 0; names[i]; i++) {
        if (strcmp(s, names[i]) == 0) {
            *out = i;
            return 1;
        }
    }
    char q[PATH_MAX_LEN];
    subpath(q, base, key);
    sl_diags_error(c->d, q, "\"%s\" is not %s", s, what);
    return 0;
}

/* An item's id, type and zone; returns its type, or -1 when not known. */
static int parse_item_head(ctx *c, const cJSON *it, const char *p, sl_playlist *pl, sl_item *out,
                           bool is_fallback)
{
    char q[PATH_MAX_LEN];
    const char *s;

    if (is_fallback) {
        if (get_id(c, it, p, "id", false, &s) == 1)
            out->id = strdup(s);
        else
            out->id = strdup("fallback");
    } else if (get_id(c, it, p, "id", true, &s) == 1) {
        if (sl_playlist_item_index(pl, s) >= 0) {
            subpath(q, p, "id");
            sl_diags_error(c->d, q, "item \"%s\" is defined twice", s);
        }
        out->id = strdup(s);
    }

    int type = -1;
    subpath(q, p, "type");
    int rc = get_str(c, it, p, "type", 16, &s);
    if (rc == 0)
        sl_diags_error(c->d, q, "is missing (text, image, video or audio)");
    else if (rc == 1 && (type = parse_type(s)) < 0)
        sl_diags_error(c->d, q, "\"%s\" is not a type (text, image, video or audio)", s);
    if (type >= 0)
        out->type = (sl_item_type)type;
    if (is_fallback && (type == SL_ITEM_VIDEO || type == SL_ITEM_AUDIO))
        sl_diags_error(c->d, q, "the fallback must be text or an image");

    subpath(q, p, "zone");
    if (is_fallback) {
        if (cJSON_GetObjectItemCaseSensitive(it, "zone"))
            sl_diags_warn(c->d, q, "the fallback stands in every zone; this is ignored");
    } else {
        rc = get_str(c, it, p, "zone", 1024, &s);
        if (rc == 0) {
            sl_diags_error(c->d, q, "is missing (which zone shows this item)");
        } else if (rc == 1) {
            out->zone = sl_playlist_zone_index(pl, s);
            if (out->zone < 0) {
                char names[256];
                zone_names(pl, names, sizeof names);
                sl_diags_error(c->d, q, "no zone named \"%s\" (zones: %s)", s, names);
            } else if (pl->zones[out->zone].sound && type >= 0 && type != SL_ITEM_AUDIO) {
                sl_diags_error(c->d, q, "\"%s\" is a sound zone, which plays only audio items; "
                                        "put this %s item in a zone on the screen", s,
                               type_names[type]);
            } else if (!pl->zones[out->zone].sound && type == SL_ITEM_AUDIO) {
                const sl_color *bg = &pl->zones[out->zone].background;
                sl_diags_warn(c->d, q, "an announcement in zone \"%s\" takes that zone's turns: "
                                       "while it speaks the screen shows only the zone's background "
                                       "(#%02x%02x%02x) there, no picture, and its play counts as the "
                                       "zone's; put it in a sound zone ({\"id\": \"voice\", "
                                       "\"sound\": true}) to play it over the picture",
                              s, bg->r, bg->g, bg->b);
            }
        }
    }
    return type;
}

/* Whether a text holds nothing to see: only spaces, tabs, line breaks,
 * the ideographic space or no-break spaces. */
static bool only_spaces(const char *s)
{
    for (const char *p = s; *p;) {
        uint32_t cp;
        p += sl_textwidth_decode(p, &cp);
        if (!sl_fonts_invisible(cp))
            return false;
    }
    return true;
}

/* The members of a text item. */
static void parse_item_text(ctx *c, const cJSON *it, const char *p, sl_item *out)
{
    static const char *const modes[] = {"ticker", "static", NULL};
    static const char *const renders[] = {"smooth", "crisp", NULL};
    static const sl_text_mode mode_values[] = {SL_TEXT_TICKER, SL_TEXT_STATIC};
    static const sl_render render_values[] = {SL_RENDER_SMOOTH, SL_RENDER_CRISP};
    static const char *const aligns[] = {"center", "left", "right", NULL};
    static const sl_align align_values[] = {SL_ALIGN_CENTER, SL_ALIGN_LEFT, SL_ALIGN_RIGHT};
    char q[PATH_MAX_LEN];
    const char *s;
    double x;
    bool b;
    int k;

    subpath(q, p, "text");
    int rc = get_str(c, it, p, "text", SL_TEXT_MAX, &s);
    if (rc == 0 || (rc == 1 && !s[0]))
        sl_diags_error(c->d, q, "is missing (the words to show)");
    else if (rc == 1 && only_spaces(s))
        sl_diags_error(c->d, q, "has only spaces or line breaks: give the words to show");
    else if (rc == 1)
        out->text = strdup(s);
    if (get_enum(c, it, p, "mode", modes, "a mode (ticker or static)", &k) == 1)
        out->mode = mode_values[k];
    if (get_num(c, it, p, "gap", 0, SL_TICKER_GAP_MAX_PX, true, &x) == 1) {
        out->gap_px = (int)x;
        if (out->mode != SL_TEXT_TICKER) {
            subpath(q, p, "gap");
            sl_diags_warn(c->d, q, "only a ticker has a gap; a static text ignores it");
        }
    }
    if (get_enum(c, it, p, "align", aligns, "an alignment (center, left or right)", &k) == 1)
        out->align = align_values[k];
    if (get_bool(c, it, p, "shrink", &b) == 1)
        out->shrink = b;
    get_color(c, it, p, "color", &out->color);
    get_color(c, it, p, "background", &out->background);
    if (get_num(c, it, p, "size", 4, 2048, true, &x) == 1)
        out->size_px = (int)x;
    if (get_num(c, it, p, "speed", 1, 10000, false, &x) == 1)
        out->speed_px_s = x;
    if (get_str(c, it, p, "font", 4096, &s) == 1)
        out->font = strdup(s);
    if (get_enum(c, it, p, "render", renders, "a text rendering (smooth or crisp)", &k) == 1)
        out->render = render_values[k];
    if (!out->duration_given)
        out->duration_ms = SL_TEXT_DURATION_DEFAULT_MS;
}

/* Where a media item's bytes are: a file beside a source playlist, or a
 * SHA-256 and size in a manifest. */
static void parse_item_source(ctx *c, const cJSON *it, const char *p, sl_item *out, int type)
{
    char q[PATH_MAX_LEN];
    const char *s;
    double x;
    int rc;

    if (c->kind == SL_PL_SOURCE) {
        subpath(q, p, "file");
        rc = get_str(c, it, p, "file", 4096, &s);
        if (rc == 0 || (rc == 1 && !s[0]))
            sl_diags_error(c->d, q, "is missing (the media file, relative to the playlist)");
        else if (rc == 1)
            out->file = strdup(s);
    }
    subpath(q, p, "sha256");
    rc = get_str(c, it, p, "sha256", 64, &s);
    bool hex_ok = rc == 1 && strlen(s) == 64;
    for (size_t i = 0; hex_ok && i < 64; i++)
        hex_ok = (s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f');
    if (c->kind == SL_PL_SOURCE) { /* optional beside "file": the file's hash, checked by lint */
        if (rc == 1 && !hex_ok)
            sl_diags_error(c->d, q, "is not a SHA-256 (64 lowercase hex digits): give the file's hash "
                                    "(sha256sum), or leave \"sha256\" out");
        else if (rc == 1)
            out->file_sha256 = strdup(s);
        return;
    }
    if (rc == 0)
        sl_diags_error(c->d, q, "is missing");
    else if (rc == 1 && !hex_ok)
        sl_diags_error(c->d, q, "is not a SHA-256 (64 lowercase hex digits)");
    else if (rc == 1)
        out->sha256 = strdup(s);
    subpath(q, p, "size");
    rc = get_num(c, it, p, "size", 0, 9007199254740992.0, true, &x);
    if (rc == 0)
        sl_diags_error(c->d, q, "is missing (bytes)");
    else if (rc == 1)
        out->size_bytes = (int64_t)x;
    if (cJSON_GetObjectItemCaseSensitive(it, "file")) {
        subpath(q, p, "file");
        sl_diags_error(c->d, q, "a manifest names media by sha256, not by file");
    }
    if (!out->duration_given && type != SL_ITEM_IMAGE) {
        subpath(q, p, "duration");
        sl_diags_error(c->d, q, "is missing (a manifest carries every duration)");
    }
}

/* The members of an image, video or audio item. */
static void parse_item_media(ctx *c, const cJSON *it, const char *p, sl_item *out, int type)
{
    static const char *const fits[] = {"contain", "cover", "stretch", NULL};
    static const sl_fit fit_values[] = {SL_FIT_CONTAIN, SL_FIT_COVER, SL_FIT_STRETCH};
    double x;
    bool b;
    int k;

    parse_item_source(c, it, p, out, type);
    if (get_enum(c, it, p, "fit", fits, "a fit (contain, cover or stretch)", &k) == 1)
        out->fit = fit_values[k];
    if (get_bool(c, it, p, "audio", &b) == 1)
        out->audio = b;
    if (type == SL_ITEM_AUDIO)
        out->audio = true;
    if (get_num(c, it, p, "volume", 0, 1, false, &x) == 1)
        out->volume = x;
    if (type == SL_ITEM_IMAGE && !out->duration_given)
        out->duration_ms = SL_IMAGE_DURATION_DEFAULT_MS;
}

static void parse_item(ctx *c, const cJSON *it, const char *p, sl_playlist *pl, sl_item *out,
                       bool is_fallback)
{
    static const char *const known[] = {"id",   "type",  "zone",  "duration", "text",  "mode",
                                        "color", "background", "size", "speed", "font", "render",
                                        "gap", "align", "shrink",
                                        "file", "sha256", "size_bytes", "fit", "audio", "volume",
                                        "comment", NULL};
    double x;

    out->zone = -1;
    out->color = (sl_color){255, 255, 255, 255};
    out->background = (sl_color){0, 0, 0, 0};
    out->speed_px_s = 120;
    out->gap_px = -1;
    out->shrink = true;
    out->volume = 1.0;
    out->mode = SL_TEXT_TICKER;
    if (!cJSON_IsObject(it)) {
        sl_diags_error(c->d, p, "should be an object like {\"id\": \"poster1\", \"type\": "
                                "\"image\", \"zone\": \"main\", \"file\": \"poster1.png\"}");
        return;
    }
    unknown_members(c, it, p, known);
    int type = parse_item_head(c, it, p, pl, out, is_fallback);
    if (get_num(c, it, p, "duration", 0.001, 86400, false, &x) == 1) {
        out->duration_ms = (int64_t)llround(x * 1000.0);
        out->duration_given = true;
    }
    if (type == SL_ITEM_TEXT)
        parse_item_text(c, it, p, out);
    else if (type >= 0)
        parse_item_media(c, it, p, out, type);
    (void)get_num(c, it, p, "size_bytes", 0, 9007199254740992.0, true, &x);
}

/* ---- rules ---- */

static int weekday_bit(const char *s)
{
    static const char *const days[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
    for (int i = 0; i < 7; i++)
        if (strcmp(s, days[i]) == 0)
            return i;
    return -1;
}

static void parse_hours(ctx *c, const char *s, const char *q, sl_rule *r)
{
    char a[16], b[16];
    const char *dash = strchr(s, '-');
    if (!dash || (size_t)(dash - s) >= sizeof a || strlen(dash + 1) >= sizeof b) {
        sl_diags_error(c->d, q, "\"%s\" is not an hours window (write \"08:30-17:30\")", s);
        return;
    }
    memcpy(a, s, (size_t)(dash - s));
    a[dash - s] = '\0';
    snprintf(b, sizeof b, "%s", dash + 1);
    int32_t from, to;
    if (sl_tod_parse(a, &from) != 0) {
        sl_diags_error(c->d, q, "\"%s\" is not a time of day", s);
        return;
    }
    if (sl_tod_parse(b, &to) != 0) {
        sl_diags_error(c->d, q, "\"%s\" is not a time of day", s);
        return;
    }
    if (from == to || (from == 0 && to == 86400)) {
        sl_diags_error(c->d, q, "\"%s\" is empty or the whole day (leave \"hours\" out for all "
                                "day)", s);
        return;
    }
    if (from == 86400) {
        sl_diags_error(c->d, q, "\"%s\" cannot start at 24:00", s);
        return;
    }
    r->has_hours = true;
    r->hours_from_s = from;
    r->hours_to_s = to;
}

static int at_cmp(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x > y) - (x < y);
}

/* Whether a time of day lies in the rule's hours (all day without hours). */
static bool in_hours(const sl_rule *r, int32_t tod)
{
    if (!r->has_hours)
        return true;
    if (r->hours_from_s < r->hours_to_s)
        return tod >= r->hours_from_s && tod < r->hours_to_s;
    return tod >= r->hours_from_s || tod < r->hours_to_s;
}

/* Adds a fixed time to the rule (kept distinct); false when the rule is full. */
static bool add_at(sl_rule *r, int32_t tod)
{
    for (size_t i = 0; i < r->n_at; i++)
        if (r->at_s[i] == tod)
            return true;
    if (r->n_at >= SL_RULE_MAX_AT)
        return false;
    r->at_s[r->n_at++] = tod;
    return true;
}

/* A rule's fixed times: "at": ["09:00", "12:00"] and "every": minutes (from
 * the start of its "hours", or from midnight, to their end). */
static void parse_rule_times(ctx *c, const cJSON *ru, const char *p, sl_rule *r)
{
    char q[PATH_MAX_LEN];
    const cJSON *at = cJSON_GetObjectItemCaseSensitive(ru, "at");
    double every = 0;
    int rc_every = get_num(c, ru, p, "every", 1, 1440, false, &every);
    if (!at && rc_every != 1)
        return;
    r->at_s = calloc(SL_RULE_MAX_AT, sizeof *r->at_s);
    if (!r->at_s) {
        sl_diags_error(c->d, p, "out of memory");
        return;
    }
    if (at) {
        subpath(q, p, "at");
        if (!cJSON_IsArray(at) || cJSON_GetArraySize(at) == 0)
            sl_diags_error(c->d, q, "should be a list of times of day, like [\"09:00\", \"12:00\"]");
        const cJSON *e;
        const cJSON *list = cJSON_IsArray(at) ? at : NULL;
        size_t i = 0;
        cJSON_ArrayForEach(e, list)
        {
            char qi[PATH_MAX_LEN];
            snprintf(qi, sizeof qi, "%s[%zu]", q, i++);
            int32_t tod;
            if (!cJSON_IsString(e) || sl_tod_parse(e->valuestring, &tod) != 0 || tod >= 86400)
                sl_diags_error(c->d, qi, "%s%s%sis not a time of day (write \"09:00\" or "
                                         "\"09:00:30\", 00:00 to 23:59:59)",
                               cJSON_IsString(e) ? "\"" : "", cJSON_IsString(e) ? e->valuestring : "",
                               cJSON_IsString(e) ? "\" " : "");
            else if (!in_hours(r, tod))
                sl_diags_error(c->d, qi, "%s is outside the rule's hours, so it would never play",
                               e->valuestring);
            else if (!add_at(r, tod))
                sl_diags_error(c->d, qi, "one rule has at most %d fixed times", SL_RULE_MAX_AT);
        }
    }
    if (rc_every == 1) {
        subpath(q, p, "every");
        int32_t step = (int32_t)(every * 60 + 0.5);
        int32_t from = r->has_hours ? r->hours_from_s : 0;
        int32_t span = r->has_hours ? (r->hours_to_s - from + 86400) % 86400 : 86400;
        if (span == 0)
            span = 86400;
        for (int32_t t = 0; t < span; t += step) {
            if (!add_at(r, (from + t) % 86400)) {
                sl_diags_error(c->d, q, "gives more than %d fixed times a day", SL_RULE_MAX_AT);
                break;
            }
        }
    }
    qsort(r->at_s, r->n_at, sizeof *r->at_s, at_cmp);
    if ((r->urgent || r->min_per_hour) && r->n_at > 0)
        sl_diags_error(c->d, p, "fixed times (\"at\", \"every\") cannot be combined with %s",
                       r->urgent ? "\"urgent\"" : "\"min_per_hour\"");
}

/* A rule's "items": the ids it is about. */
static void parse_rule_items(ctx *c, const cJSON *ru, const char *p, sl_playlist *pl, sl_rule *r)
{
    char q[PATH_MAX_LEN];
    subpath(q, p, "items");
    const cJSON *items = cJSON_GetObjectItemCaseSensitive(ru, "items");
    if (!items) {
        sl_diags_error(c->d, q, "is missing (the ids of the items this rule is about)");
    } else if (!cJSON_IsArray(items) || cJSON_GetArraySize(items) == 0) {
        sl_diags_error(c->d, q, "should be a list of item ids, like [\"poster1\"]");
    } else {
        size_t n = (size_t)cJSON_GetArraySize(items);
        r->items = calloc(n, sizeof *r->items);
        const cJSON *e;
        size_t i = 0;
        cJSON_ArrayForEach(e, items)
        {
            char qi[PATH_MAX_LEN];
            snprintf(qi, sizeof qi, "%s[%zu]", q, i++);
            int idx = cJSON_IsString(e) ? sl_playlist_item_index(pl, e->valuestring) : -1;
            if (!cJSON_IsString(e))
                sl_diags_error(c->d, qi, "should be an item id in quotes");
            else if (idx < 0 || idx == pl->fallback)
                sl_diags_error(c->d, qi, "no item named \"%s\"", e->valuestring);
            else if (r->items)
                r->items[r->n_items++] = idx;
        }
    }

}

/* A rule's "dates": a campaign window of whole days. */
static void parse_rule_dates(ctx *c, const cJSON *ru, const char *p, sl_rule *r)
{
    char q[PATH_MAX_LEN];
    const cJSON *dates = cJSON_GetObjectItemCaseSensitive(ru, "dates");
    if (dates) {
        subpath(q, p, "dates");
        if (!cJSON_IsObject(dates)) {
            sl_diags_error(c->d, q, "should look like {\"from\": \"2026-11-25\", \"to\": "
                                    "\"2026-12-31\"}");
        } else {
            const char *from = sl_json_str(dates, "from");
            const char *to = sl_json_str(dates, "to");
            char qf[PATH_MAX_LEN], qt[PATH_MAX_LEN];
            subpath(qf, q, "from");
            subpath(qt, q, "to");
            int ok = 1;
            r->date_from = INT32_MIN;
            r->date_to = INT32_MAX;
            if (cJSON_GetObjectItemCaseSensitive(dates, "from") &&
                (!from || sl_date_parse(from, &r->date_from) != 0)) {
                sl_diags_error(c->d, qf, "is not a date (write \"2026-11-25\")");
                ok = 0;
            }
            if (cJSON_GetObjectItemCaseSensitive(dates, "to") &&
                (!to || sl_date_parse(to, &r->date_to) != 0)) {
                sl_diags_error(c->d, qt, "is not a date (write \"2026-12-31\")");
                ok = 0;
            }
            if (!from && !to && ok) {
                sl_diags_error(c->d, q, "needs \"from\", \"to\" or both");
                ok = 0;
            }
            if (ok && r->date_from > r->date_to) {
                sl_diags_error(c->d, q, "ends (%s) before it starts (%s)", to, from);
                ok = 0;
            }
            r->has_dates = ok;
        }
    }

}

/* A rule's "weekdays". */
static void parse_rule_weekdays(ctx *c, const cJSON *ru, const char *p, sl_rule *r)
{
    char q[PATH_MAX_LEN];
    const cJSON *wd = cJSON_GetObjectItemCaseSensitive(ru, "weekdays");
    if (wd) {
        subpath(q, p, "weekdays");
        if (!cJSON_IsArray(wd) || cJSON_GetArraySize(wd) == 0) {
            sl_diags_error(c->d, q, "should be a list like [\"mon\", \"tue\", \"wed\", \"thu\", "
                                    "\"fri\"]");
        } else {
            uint8_t mask = 0;
            const cJSON *e;
            size_t i = 0;
            cJSON_ArrayForEach(e, wd)
            {
                char qi[PATH_MAX_LEN];
                snprintf(qi, sizeof qi, "%s[%zu]", q, i++);
                int bit = cJSON_IsString(e) ? weekday_bit(e->valuestring) : -1;
                if (bit < 0)
                    sl_diags_error(c->d, qi, "is not a weekday (mon, tue, wed, thu, fri, sat, "
                                             "sun)");
                else
                    mask |= (uint8_t)(1u << bit);
            }
            if (mask)
                r->weekdays = mask;
        }
    }

}

/* A rule's urgent alert: "urgent", "from" and "until", and what they exclude. */
static void parse_rule_urgent(ctx *c, const cJSON *ru, const char *p, sl_rule *r)
{
    char q[PATH_MAX_LEN];
    const char *s;
    bool urgent = false;
    get_bool(c, ru, p, "urgent", &urgent);
    r->urgent = urgent;
    int rc_from = get_str(c, ru, p, "from", 64, &s);
    if (rc_from == 1) {
        subpath(q, p, "from");
        if (sl_instant_parse(s, NULL, &r->urgent_from_ms) != 0)
            sl_diags_error(c->d, q, "\"%s\" is not a time with its offset (write "
                                    "\"2026-11-25T10:00:00+08:00\")", s);
    }
    int rc_until = get_str(c, ru, p, "until", 64, &s);
    if (rc_until == 1) {
        subpath(q, p, "until");
        if (sl_instant_parse(s, NULL, &r->urgent_until_ms) != 0)
            sl_diags_error(c->d, q, "\"%s\" is not a time with its offset (write "
                                    "\"2026-11-25T18:00:00+08:00\")", s);
    }
    if (urgent && rc_until == 0) {
        subpath(q, p, "until");
        sl_diags_error(c->d, q, "is missing: an urgent alert needs an end time");
    }
    if (!urgent && (rc_from || rc_until)) {
        subpath(q, p, rc_from ? "from" : "until");
        sl_diags_error(c->d, q, "\"from\" and \"until\" belong to urgent alerts; use \"dates\" "
                                "and \"hours\" for campaign windows");
    }
    if (urgent && r->urgent_from_ms >= r->urgent_until_ms)
        sl_diags_error(c->d, p, "the alert ends before it starts");
    if (urgent && r->min_per_hour) {
        subpath(q, p, "min_per_hour");
        sl_diags_error(c->d, q, "an urgent alert plays all the time; a floor makes no sense here");
    }

}

/* A rule's "tags": the screens it is for. */
static void parse_rule_tags(ctx *c, const cJSON *ru, const char *p, sl_rule *r)
{
    char q[PATH_MAX_LEN];
    const cJSON *tags = cJSON_GetObjectItemCaseSensitive(ru, "tags");
    if (tags) {
        subpath(q, p, "tags");
        if (!cJSON_IsArray(tags)) {
            sl_diags_error(c->d, q, "should be a list of screen tags, like [\"bank\"]");
        } else {
            size_t n = (size_t)cJSON_GetArraySize(tags);
            r->tags = calloc(n ? n : 1, sizeof *r->tags);
            const cJSON *e;
            size_t i = 0;
            cJSON_ArrayForEach(e, tags)
            {
                char qi[PATH_MAX_LEN];
                snprintf(qi, sizeof qi, "%s[%zu]", q, i++);
                if (!cJSON_IsString(e) || !valid_id(e->valuestring))
                    sl_diags_error(c->d, qi, "is not a tag (letters, digits, '-', '_', '.')");
                else if (r->tags)
                    r->tags[r->n_tags++] = strdup(e->valuestring);
            }
        }
    }
}

static void parse_rule(ctx *c, const cJSON *ru, const char *p, sl_playlist *pl, sl_rule *r)
{
    static const char *const known[] = {"items",    "dates",  "weekdays", "hours", "min_per_hour",
                                        "priority", "urgent", "from",     "until", "tags",
                                        "at",       "every",  "comment",  NULL};
    char q[PATH_MAX_LEN];
    const char *s;
    double x;
    r->weekdays = SL_WEEKDAYS_ALL;
    r->urgent_from_ms = INT64_MIN;
    r->urgent_until_ms = INT64_MAX;
    if (!cJSON_IsObject(ru)) {
        sl_diags_error(c->d, p, "should be an object like {\"items\": [\"poster1\"], \"hours\": "
                                "\"08:30-17:30\"}");
        return;
    }
    unknown_members(c, ru, p, known);
    parse_rule_items(c, ru, p, pl, r);
    parse_rule_dates(c, ru, p, r);
    parse_rule_weekdays(c, ru, p, r);
    subpath(q, p, "hours");
    if (get_str(c, ru, p, "hours", 32, &s) == 1)
        parse_hours(c, s, q, r);
    if (get_num(c, ru, p, "min_per_hour", 1, 3600, true, &x) == 1)
        r->min_per_hour = (int)x;
    if (get_num(c, ru, p, "priority", -1000, 1000, true, &x) == 1)
        r->priority = (int)x;
    parse_rule_urgent(c, ru, p, r);
    parse_rule_times(c, ru, p, r);
    parse_rule_tags(c, ru, p, r);
}

/* ---- the document ---- */

static const cJSON *get_array(ctx *c, const cJSON *root, const char *key, bool required,
                              size_t max)
{
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(root, key);
    if (!a) {
        if (required)
            sl_diags_error(c->d, key, "is missing");
        return NULL;
    }
    if (!cJSON_IsArray(a)) {
        sl_diags_error(c->d, key, "should be a list, not %s", json_type_name(a));
        return NULL;
    }
    if ((size_t)cJSON_GetArraySize(a) > max) {
        sl_diags_error(c->d, key, "has %d entries; at most %zu are allowed", cJSON_GetArraySize(a),
                       max);
        return NULL;
    }
    return a;
}

sl_playlist *sl_playlist_from_json(const cJSON *root, sl_pl_kind kind, const char *zoneinfo_dir,
                                   sl_diags *diags)
{
    static const char *const known_source[] = {"format", "name",  "timezone", "zones", "items",
                                               "rules",  "fallback", "comment", NULL};
    static const char *const known_manifest[] = {"format", "name",     "timezone", "zones",
                                                 "items",  "rules",    "fallback", "comment",
                                                 "channel", "version", "created",  NULL};
    ctx c = {diags, kind};
    sl_diags local;
    sl_diags_init(&local);
    if (!c.d)
        c.d = &local;
    size_t errors_before = c.d->n_errors;
    sl_playlist *pl = calloc(1, sizeof *pl);
    const char *s;
    double x;
    if (!pl) {
        sl_diags_error(c.d, "", "out of memory");
        goto out;
    }
    pl->fallback = -1;
    pl->is_manifest = kind == SL_PL_MANIFEST;
    if (!cJSON_IsObject(root)) {
        sl_diags_error(c.d, "", "a playlist is a JSON object {...}, not %s", json_type_name(root));
        goto out;
    }
    unknown_members(&c, root, "", kind == SL_PL_MANIFEST ? known_manifest : known_source);

    if (get_num(&c, root, "", "format", 0, 1e9, true, &x) == 1 && x != SL_PLAYLIST_FORMAT)
        sl_diags_error(c.d, "format", "format %g is not understood by this version (it reads %d)",
                       x, SL_PLAYLIST_FORMAT);
    if (get_str(&c, root, "", "name", 256, &s) == 1)
        pl->name = strdup(s);
    int rc = get_str(&c, root, "", "timezone", 128, &s);
    if (rc == 0) {
        sl_diags_error(c.d, "timezone", "is missing (for example \"Asia/Shanghai\" or \"+08:00\")");
    } else if (rc == 1) {
        char err[256];
        pl->tz = sl_tz_load(s, zoneinfo_dir, err, sizeof err);
        if (!pl->tz)
            sl_diags_error(c.d, "timezone", "%s", err);
        pl->tz_name = strdup(s);
    }
    if (kind == SL_PL_MANIFEST) {
        if (get_str(&c, root, "", "channel", 256, &s) == 1)
            pl->channel = strdup(s);
        else
            sl_diags_error(c.d, "channel", "is missing or not text");
        if (get_num(&c, root, "", "version", 1, 9007199254740992.0, true, &x) == 1)
            pl->version = (int64_t)x;
        else
            sl_diags_error(c.d, "version", "is missing or not a whole number");
        /* Informative (the player's schedule floor on a board without a clock): never an error. */
        const cJSON *cr = cJSON_GetObjectItemCaseSensitive(root, "created");
        if (cJSON_IsString(cr) && cr->valuestring && strlen(cr->valuestring) < 64 &&
            sl_instant_parse(cr->valuestring, NULL, &pl->created_ms) != 0)
            pl->created_ms = 0;
    }

    /* Zones first: items name them. */
    const cJSON *zones = get_array(&c, root, "zones", true, SL_PLAYLIST_MAX_ZONES);
    if (zones && cJSON_GetArraySize(zones) == 0)
        sl_diags_error(c.d, "zones", "is empty: a playlist needs at least one zone");
    if (zones && cJSON_GetArraySize(zones) > 0) {
        pl->zones = calloc((size_t)cJSON_GetArraySize(zones), sizeof *pl->zones);
        if (!pl->zones) {
            sl_diags_error(c.d, "zones", "out of memory");
            goto out;
        }
        const cJSON *z;
        cJSON_ArrayForEach(z, zones)
        {
            char p[PATH_MAX_LEN];
            snprintf(p, sizeof p, "zones[%zu]", pl->n_zones);
            parse_zone(&c, z, p, pl, &pl->zones[pl->n_zones]);
            pl->n_zones++;
        }
    }

    const cJSON *items = get_array(&c, root, "items", true, SL_PLAYLIST_MAX_ITEMS);
    size_t n_items = items ? (size_t)cJSON_GetArraySize(items) : 0;
    pl->items = calloc(n_items + 1, sizeof *pl->items);
    if (!pl->items) {
        sl_diags_error(c.d, "items", "out of memory");
        goto out;
    }
    if (items) {
        const cJSON *it;
        cJSON_ArrayForEach(it, items)
        {
            char p[PATH_MAX_LEN];
            snprintf(p, sizeof p, "items[%zu]", pl->n_items);
            parse_item(&c, it, p, pl, &pl->items[pl->n_items], false);
            pl->n_items++;
        }
    }

    /* The fallback is stored as the last item. */
    const cJSON *fb = cJSON_GetObjectItemCaseSensitive(root, "fallback");
    sl_item *fi = &pl->items[pl->n_items];
    if (fb) {
        parse_item(&c, fb, "fallback", pl, fi, true);
        if (fi->id && sl_playlist_item_index(pl, fi->id) >= 0)
            sl_diags_error(c.d, "fallback.id", "item \"%s\" is defined twice", fi->id);
    } else {
        fi->id = strdup("fallback");
        fi->type = SL_ITEM_TEXT;
        fi->mode = SL_TEXT_STATIC;
        fi->text = strdup(pl->name ? pl->name : "screenlit");
        fi->color = (sl_color){255, 255, 255, 255};
        fi->background = (sl_color){0, 0, 0, 0};
        fi->duration_ms = SL_TEXT_DURATION_DEFAULT_MS;
        fi->speed_px_s = 120;
        fi->gap_px = -1;
        fi->shrink = true;
        fi->volume = 1.0;
    }
    fi->zone = -1;
    pl->fallback = (int)pl->n_items;
    pl->n_items++;

    const cJSON *rules = get_array(&c, root, "rules", false, SL_PLAYLIST_MAX_RULES);
    if (rules && cJSON_GetArraySize(rules) > 0) {
        pl->rules = calloc((size_t)cJSON_GetArraySize(rules), sizeof *pl->rules);
        if (!pl->rules) {
            sl_diags_error(c.d, "rules", "out of memory");
            goto out;
        }
        const cJSON *ru;
        cJSON_ArrayForEach(ru, rules)
        {
            char p[PATH_MAX_LEN];
            snprintf(p, sizeof p, "rules[%zu]", pl->n_rules);
            parse_rule(&c, ru, p, pl, &pl->rules[pl->n_rules]);
            pl->n_rules++;
        }
    }

out:
    if (c.d->n_errors > errors_before || !pl) {
        sl_playlist_free(pl);
        pl = NULL;
    }
    sl_diags_free(&local);
    return pl;
}

sl_playlist *sl_playlist_load(const char *path, sl_pl_kind kind, const char *zoneinfo_dir,
                              sl_diags *diags)
{
    char err[512];
    cJSON *root = sl_json_read_file(path, NULL, err, sizeof err);
    if (!root) {
        sl_diags_error(diags, "", "%s", err);
        return NULL;
    }
    sl_playlist *pl = sl_playlist_from_json(root, kind, zoneinfo_dir, diags);
    cJSON_Delete(root);
    return pl;
}

static void item_free(sl_item *it)
{
    free(it->id);
    free(it->text);
    free(it->font);
    free(it->file);
    free(it->sha256);
    free(it->file_sha256);
}

void sl_playlist_free(sl_playlist *pl)
{
    if (!pl)
        return;
    free(pl->name);
    sl_tz_free(pl->tz);
    free(pl->tz_name);
    for (size_t i = 0; i < pl->n_zones; i++)
        free(pl->zones[i].id);
    free(pl->zones);
    for (size_t i = 0; pl->items && i < pl->n_items; i++)
        item_free(&pl->items[i]);
    free(pl->items);
    for (size_t i = 0; i < pl->n_rules; i++) {
        free(pl->rules[i].items);
        for (size_t k = 0; k < pl->rules[i].n_tags; k++)
            free(pl->rules[i].tags[k]);
        free(pl->rules[i].tags);
        free(pl->rules[i].at_s);
    }
    free(pl->rules);
    free(pl->channel);
    free(pl);
}

void sl_playlist_drop_items(sl_playlist *pl, const bool *drop)
{
    if (!pl || !drop)
        return;
    /* New index of every item, -1 when dropped; then compact items and rules. */
    int *map = malloc((pl->n_items ? pl->n_items : 1) * sizeof *map);
    if (!map)
        return; /* nothing dropped: the caller's bad items then fail when due */
    size_t n = 0;
    for (size_t i = 0; i < pl->n_items; i++) {
        if (drop[i] && (int)i != pl->fallback) {
            map[i] = -1;
            item_free(&pl->items[i]);
            continue;
        }
        map[i] = (int)n;
        pl->items[n++] = pl->items[i];
    }
    for (size_t r = 0; r < pl->n_rules; r++) {
        sl_rule *ru = &pl->rules[r];
        size_t k2 = 0;
        for (size_t k = 0; k < ru->n_items; k++)
            if (map[ru->items[k]] >= 0)
                ru->items[k2++] = map[ru->items[k]];
        ru->n_items = k2;
    }
    if (pl->fallback >= 0 && (size_t)pl->fallback < pl->n_items)
        pl->fallback = map[pl->fallback];
    pl->n_items = n;
    free(map);
}

int sl_playlist_zone_index(const sl_playlist *pl, const char *id)
{
    for (size_t i = 0; pl && id && i < pl->n_zones; i++)
        if (pl->zones[i].id && strcmp(pl->zones[i].id, id) == 0)
            return (int)i;
    return -1;
}

int sl_playlist_item_index(const sl_playlist *pl, const char *id)
{
    for (size_t i = 0; pl && id && i < pl->n_items; i++)
        if (pl->items[i].id && strcmp(pl->items[i].id, id) == 0)
            return (int)i;
    return -1;
}

/* ---- tags ---- */

int sl_tags_parse(const char *csv, sl_tags *out)
{
    int rc = -1;
    char *copy = NULL;
    memset(out, 0, sizeof *out);
    if (!csv || !csv[0])
        return 0;
    copy = strdup(csv);
    if (!copy)
        goto out;
    size_t n = 1;
    for (const char *s = csv; *s; s++)
        n += *s == ',';
    out->v = calloc(n, sizeof *out->v);
    if (!out->v)
        goto out;
    char *save = NULL;
    for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        while (*tok == ' ')
            tok++;
        char *end = tok + strlen(tok);
        while (end > tok && end[-1] == ' ')
            *--end = '\0';
        if (!*tok)
            continue;
        if (!valid_id(tok))
            goto out;
        out->v[out->n] = strdup(tok);
        if (!out->v[out->n])
            goto out;
        out->n++;
    }
    rc = 0;
out:
    free(copy);
    if (rc != 0)
        sl_tags_free(out);
    return rc;
}

void sl_tags_free(sl_tags *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->n; i++)
        free(t->v[i]);
    free(t->v);
    t->v = NULL;
    t->n = 0;
}

bool sl_tags_has(const sl_tags *t, const char *tag)
{
    for (size_t i = 0; t && tag && i < t->n; i++)
        if (strcmp(t->v[i], tag) == 0)
            return true;
    return false;
}

bool sl_rule_targets(const sl_rule *r, const sl_tags *screen)
{
    if (!r)
        return false;
    if (r->n_tags == 0)
        return true;
    for (size_t i = 0; i < r->n_tags; i++)
        if (sl_tags_has(screen, r->tags[i]))
            return true;
    return false;
}
