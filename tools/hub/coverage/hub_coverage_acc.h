/* hub_coverage_acc.h — the coverage report's working state: screens, groups, items, slots (internal to hub_coverage*.c). */
#ifndef SL_HUB_COVERAGE_ACC_H
#define SL_HUB_COVERAGE_ACC_H

#include "content/playlist.h"
#include "content/tz.h"
#include "tools/hub/coverage/hub_coverage.h"
#include "tools/hub/service/hub_inventory.h"

#include <cjson/cJSON.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Plays and floors of one item on one screen. */
typedef struct {
    int item; /* global item id */
    int64_t plays, floor_hours, floor_missed_hours;
} cv_item_acc;

typedef struct {
    sl_hub_screen_status st;
    sl_tz *tz;          /* NULL: unknown zone or hours, so nothing is required (idle) */
    sl_inv_hours hours;
    int group;          /* index into groups, -1: no content to check floors against */
    int64_t from_ms, to_ms; /* its period: local midnight of the first day to that after the last */
    int64_t channel_version; /* -1: nothing published */
    bool done;
    int64_t required_s, lit_s, online_min, plays, untrusted_plays, untrusted_ms, corrected_plays;
    int64_t required_hours, lit_hours, offline_hours, idle_hours, floors_missed;
    cv_item_acc *items;
    size_t n_items, cap_items;
    cJSON *detail; /* detail=hours: the hours array */
} cv_screen;

/* Screens sharing a channel and tags share their playlist's floors. */
typedef struct {
    char *key; /* channel \x1f tags */
    sl_playlist *pl;
    sl_tags tags;
    size_t n_floor;   /* items with a floor somewhere in the period */
    int *floor_item;  /* their playlist indexes */
    int *floor_gidx;  /* their global item ids */
    int16_t *floor;   /* [slot][n_floor]: the floor in that hour, 0 = none */
} cv_group;

typedef struct {
    sl_hub *hub;
    sl_coverage_query q;
    int threshold;
    char *err;
    size_t errlen;
    int oom, store_failed;

    cv_screen *screens; /* ordered by id */
    size_t n_screens, cap_screens;
    long *index;        /* open-addressing table of screen indexes by id */
    size_t index_cap;
    long last_found;   /* cv_screen_find's memo for the plays scan */

    cv_group *groups;
    size_t n_groups, cap_groups;
    sl_tz **tz;
    size_t n_tz, cap_tz;

    char **item_names; /* global item ids */
    size_t *item_lens; /* their lengths */
    int item_recent[256]; /* a direct-mapped cache in front of item_index, -1 = empty */
    size_t n_item_names, cap_item_names;
    int *item_index;   /* open-addressing table of item ids */
    size_t item_index_cap;

    struct {
        char channel[SL_HUB_ID_MAX + 1];
        int64_t version;
    } *channels;
    size_t n_channels, cap_channels;

    int64_t g0;        /* UTC start of the first slot (an hour) */
    int64_t n_slots;   /* hours from g0 */
    int64_t n_days;    /* local days in the period */
    uint8_t *online;   /* [screen][slot] minutes online */
    int32_t *lit;      /* [screen][slot] lit ms, -1 = no row */
    int64_t *plays_slot; /* [screen][slot] plays (detail only) */
    cJSON **missed;    /* [screen][slot] items whose floor was missed (detail only) */
    /* scratch for the current screen */
    long cur;
    int32_t *req;      /* required seconds per slot */
    int64_t *day_start; /* n_days + 1 UTC instants of local midnights */
    int64_t *day_req, *day_lit; /* per period day, all screens */
} cv_ctx;

/* Loads and filters the screens and the channels. 0 or -1 with err. */
int cv_init(cv_ctx *c, sl_hub *hub, const sl_coverage_query *q, char *err, size_t errlen);
/* Sizes the period's slots and the scratch arrays once the screens' time zones are known. 0 or -1. */
int cv_slots(cv_ctx *c);
/* Frees everything; group_free frees one group. */
void cv_free(cv_ctx *c, void (*group_free)(cv_group *g));

/* The index of a screen in the report, or -1. *last is the caller's memo
 * of the previous answer (rows come grouped by screen); -1 to start. */
long cv_screen_find(const cv_ctx *c, const char *id, long *last);
/* The global id of an item (added when new), or -1 when out of memory. */
int cv_item_id(cv_ctx *c, const char *item, size_t len);
/* The same without the cache in front. */
int cv_item_id_slow(cv_ctx *c, const char *item, size_t len);
/* Adds to a screen's per-item numbers. 0 or -1 (out of memory). */
int cv_screen_item(cv_ctx *c, cv_screen *s, int item, int64_t plays, int64_t floor_hours, int64_t floor_missed);
/* Notes an item whose floor was missed in slot k (detail only). */
void cv_missed_add(cv_ctx *c, size_t idx, int64_t k, const char *item);
/* Adds one hour to the screen's detail. */
void cv_detail_hour(cv_ctx *c, size_t idx, int64_t k, int64_t t, int32_t req, int32_t lit, int online);
/* Totals a screen once all its rows are in (hub_coverage.c). */
void cv_screen_finish(cv_ctx *c, size_t idx);

/* The report document (hub_coverage_doc.c); NULL when out of memory. */
cJSON *cv_document(cv_ctx *c, int64_t now_ms);

#endif
