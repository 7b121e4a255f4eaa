/* hub_wall.h — the console's wall: every screen's state now, filtered, counted, listed dark first and paged from one read of the store; one screen's row. */
#ifndef SL_HUB_WALL_H
#define SL_HUB_WALL_H

#include "tools/hub/hub.h"
#include "tools/hub/service/hub_service.h"
#include "tools/hub/service/hub_status.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The wall reads every screen once (the store's wall_list: one statement),
 * gives each its state (sl_status_state, the one definition) and does the
 * rest in memory: the filters, the counts, the order (by state, dark
 * first, then by id: the store's order kept) and the page. A fleet of
 * 10 000 screens is one read and a few megabytes for the time of a request.
 */

#define SL_WALL_CHOICES_MAX 500 /* distinct regions (unit types, channels) offered as a list */

/* What the wall is asked for. Strings NULL or "" = any. */
typedef struct {
    const char *region, *unit_type, *channel; /* exact values of the inventory */
    const char *state;                        /* "dark", or a state code (sl_status_code) */
    size_t offset, limit;                     /* the page: rows offset .. offset + limit - 1 of the list */
} sl_wall_query;

/* One screen of the list (strings valid until sl_wall_free). */
typedef struct {
    const char *id, *name, *site, *region, *unit_type, *channel, *current_item;
    sl_screen_state state;
    bool enrolled;
    int64_t last_seen_ms;    /* -1 never */
    int64_t content_version; /* the last heartbeat's, -1 unknown */
    int64_t channel_version; /* -1 no channel or nothing published */
    int64_t free_disk_bytes; /* -1 unknown */
    int64_t shot_taken_ms;   /* the latest screenshot, -1 none */
} sl_wall_item;

/* The distinct non-empty values of one inventory column, sorted (bytewise);
 * more: there were over SL_WALL_CHOICES_MAX and only the first are listed. */
typedef struct {
    const char **v;
    size_t n;
    bool more;
} sl_wall_choices;

typedef struct sl_wall_mem sl_wall_mem;

typedef struct {
    size_t total;                         /* screens in the inventory */
    size_t matched;                       /* of them, in the region, unit type and channel asked for */
    size_t count[SL_SCREEN_N_STATES];     /* matched screens per state */
    size_t dark;                          /* matched screens that are dark (sl_status_dark) */
    size_t listed;                        /* matched screens in the state asked for: the list, every page */
    const sl_wall_item *rows;             /* the page: the list from offset, dark first */
    size_t n_rows;
    sl_wall_choices regions, unit_types, channels; /* of the whole inventory, for the filters */
    sl_wall_mem *mem;
} sl_wall;

/* Reads the wall as it is at now_ms into *out (sl_wall_free it, whatever
 * this returns). INVALID (an unknown state), FAILED (out of memory), STORE. */
sl_svc_rc sl_wall_read(sl_hub *hub, const sl_wall_query *q, int64_t now_ms, sl_wall *out, sl_svc_err *e);
/* Frees what sl_wall_read made; NULL is fine. */
void sl_wall_free(sl_wall *w);

/* One screen as the wall sees it, with its last heartbeat's whole status. */
typedef struct {
    sl_hub_wall_row row;  /* row.status_json points to status_json */
    sl_screen_state state;
    char *status_json;    /* malloc'd; NULL when the screen never sent a heartbeat */
} sl_wall_screen;

/* Reads one screen at now_ms (sl_wall_screen_free it, whatever this
 * returns). INVALID (not a screen id), NOT_FOUND (not in the inventory),
 * FAILED (out of memory), STORE. */
sl_svc_rc sl_wall_screen_read(sl_hub *hub, const char *id, int64_t now_ms, sl_wall_screen *out, sl_svc_err *e);
/* Frees what sl_wall_screen_read made; NULL is fine. */
void sl_wall_screen_free(sl_wall_screen *s);

#endif
