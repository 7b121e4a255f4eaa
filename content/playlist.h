/* playlist.h — the playlist model (zones, items, rules, fallback) and its validating parser. */
#ifndef SL_PLAYLIST_H
#define SL_PLAYLIST_H

#include "content/diag.h"
#include "content/tz.h"

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SL_PLAYLIST_FORMAT 1
#define SL_PLAYLIST_MAX_ZONES 16
#define SL_PLAYLIST_MAX_ITEMS 4096
#define SL_PLAYLIST_MAX_RULES 4096
#define SL_ID_MAX 64               /* bytes in an id */
#define SL_TEXT_MAX 4096           /* bytes in a text item's text */
#define SL_TEXT_DURATION_DEFAULT_MS 20000
#define SL_IMAGE_DURATION_DEFAULT_MS 10000
#define SL_TICKER_GAP_MAX_PX 100000 /* the largest "gap" between slogans */

typedef enum { SL_ITEM_TEXT, SL_ITEM_IMAGE, SL_ITEM_VIDEO, SL_ITEM_AUDIO } sl_item_type;
typedef enum { SL_TEXT_TICKER, SL_TEXT_STATIC } sl_text_mode;
typedef enum { SL_FIT_CONTAIN, SL_FIT_COVER, SL_FIT_STRETCH } sl_fit;
typedef enum { SL_RENDER_SMOOTH, SL_RENDER_CRISP } sl_render; /* crisp: mono hinting / bitmap strikes */
typedef enum { SL_ALIGN_CENTER, SL_ALIGN_LEFT, SL_ALIGN_RIGHT } sl_align;

typedef struct {
    uint8_t r, g, b, a;
} sl_color;

typedef struct {
    char *id;
    double x, y, w, h; /* percent of the output, 0..100 */
    sl_color background;
    bool sound;  /* a sound-only zone ("sound": true): no area, announcements only */
    double duck; /* sound zone: level of other sound while it speaks, 0..1 */
} sl_zone;

#define SL_DUCK_DEFAULT 0.25 /* a sound zone's "duck" when not given */
#define SL_RULE_MAX_AT 1440  /* fixed times in one rule ("at" and "every" together) */

typedef struct {
    char *id;
    sl_item_type type;
    int zone;            /* index into zones; -1 for the fallback (it stands in any zone) */
    int64_t duration_ms; /* 0 = not known yet (video/audio before probing) */
    bool duration_given; /* the playlist set "duration" explicitly */

    /* text */
    char *text;
    sl_text_mode mode;
    sl_color color, background;
    int size_px;       /* glyph height in pixels; 0 = fit the zone */
    double speed_px_s; /* ticker speed, pixels per second */
    int gap_px;        /* ticker: space before the next slogan, pixels; -1 = twice the glyph size */
    sl_align align;    /* static: where lines sit across the zone */
    bool shrink;       /* static: drawn smaller until every line fits the zone (default true) */
    char *font;        /* font file or NULL for the configured default */
    sl_render render;

    /* image, video, audio */
    char *file;     /* source: path relative to the playlist's folder; NULL in a manifest */
    char *sha256;   /* manifest: lowercase hex SHA-256 of the media; NULL in a source */
    char *file_sha256; /* source: the "sha256" given beside "file" (lint checks the file has it), or NULL */
    int64_t size_bytes; /* manifest: media size */
    sl_fit fit;
    bool audio;     /* video: play its sound track */
    double volume;  /* 0..1 */

    /* Set by a player that found, after it started, that the item cannot be
     * shown (sl_engine_leave_out): the schedule treats it as absent. Never
     * set in a file or a manifest. */
    bool left_out;
} sl_item;

#define SL_WEEKDAYS_ALL 0x7f /* bit 0 = Monday … bit 6 = Sunday */

typedef struct {
    int *items; /* indexes into the playlist's items */
    size_t n_items;

    bool has_dates;
    int64_t date_from, date_to; /* local day numbers, inclusive */
    uint8_t weekdays;           /* SL_WEEKDAYS_ALL when not given */
    bool has_hours;
    int32_t hours_from_s, hours_to_s; /* seconds after local midnight; from > to crosses midnight; to may be 86400 */

    int min_per_hour; /* frequency floor, 0 = none */
    int priority;     /* higher wins; 0 by default */

    bool urgent;                     /* pre-empts everything in its items' zones */
    int64_t urgent_from_ms, urgent_until_ms; /* UTC; from may be INT64_MIN (from publication) */

    int32_t *at_s; /* fixed start times ("at", "every"): seconds after local midnight,
                      sorted, distinct; the rule matches from each for the length of its items */
    size_t n_at;

    char **tags; /* the rule applies to screens carrying at least one; none = every screen */
    size_t n_tags;
} sl_rule;

typedef struct sl_playlist {
    char *name;
    sl_tz *tz;
    char *tz_name;
    sl_zone *zones;
    size_t n_zones;
    sl_item *items; /* the fallback is the last item when present */
    size_t n_items;
    sl_rule *rules;
    size_t n_rules;
    int fallback; /* index into items of the fallback item, always valid after a successful parse */

    /* Set when parsed from a manifest. */
    bool is_manifest;
    char *channel;
    int64_t version;
    int64_t created_ms; /* its "created" (UTC, when it was published); 0 when absent or unreadable */
} sl_playlist;

typedef enum {
    SL_PL_SOURCE,  /* what staff write: media as "file" */
    SL_PL_MANIFEST /* compiled: media as "sha256" + "size", durations resolved */
} sl_pl_kind;

/* Validates a parsed JSON document and builds the model. Every problem is
 * added to diags with its JSON path (all of them, in one pass). Returns NULL
 * when there was any error. zoneinfo_dir may be NULL (see sl_tz_load). */
sl_playlist *sl_playlist_from_json(const cJSON *root, sl_pl_kind kind, const char *zoneinfo_dir,
                                   sl_diags *diags);

/* Reads a file through the JSON path and validates it. */
sl_playlist *sl_playlist_load(const char *path, sl_pl_kind kind, const char *zoneinfo_dir,
                              sl_diags *diags);

/* Frees a playlist; NULL and half-built ones are fine. */
void sl_playlist_free(sl_playlist *pl);

/* Removes the items i with drop[i] set (drop has n_items entries) and their
 * places in rules; the fallback is never removed. Indexes in rules and the
 * fallback's index follow. A rule left without items matches nothing. */
void sl_playlist_drop_items(sl_playlist *pl, const bool *drop);

/* Index of a zone / item by id, or -1. */
int sl_playlist_zone_index(const sl_playlist *pl, const char *id);
int sl_playlist_item_index(const sl_playlist *pl, const char *id);

const char *sl_item_type_name(sl_item_type t);

/* A zone's box in pixels on a canvas_w x canvas_h screen (the picture
 * before any rotation): edges rounded the same way for neighbours, so zones
 * tile without gaps; at least 1x1. */
void sl_zone_box(const sl_zone *zn, int canvas_w, int canvas_h, int *x, int *y, int *w, int *h);

/* A set of screen tags (e.g. "bank", "lobby"). */
typedef struct {
    char **v;
    size_t n;
} sl_tags;

/* Parses "bank,lobby" (NULL or "" = no tags). Returns 0 or -1 on bad input. */
int sl_tags_parse(const char *csv, sl_tags *out);
void sl_tags_free(sl_tags *t);
bool sl_tags_has(const sl_tags *t, const char *tag);

/* Whether a rule targets a screen with these tags. */
bool sl_rule_targets(const sl_rule *r, const sl_tags *screen);

#endif
