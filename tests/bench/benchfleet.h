/* benchfleet.h — what the hub's fleet benchmarks (wall.c, coverage.c) share: their common options and a generated fleet's inventory. */
#ifndef SL_BENCHFLEET_H
#define SL_BENCHFLEET_H

#include "tools/hub/hub.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The options every fleet benchmark takes: --data DIR, --db URL, --screens N, --runs R. */
typedef struct {
    const char *data, *db;
    long screens;
    int runs;
} sl_bench_fleet_opts;

/* Takes argv[*i] (and its value, moving *i past it) when it is one of the
 * common options: true; false for any other argument. */
static inline bool sl_bench_fleet_arg(int argc, char **argv, int *i, sl_bench_fleet_opts *o)
{
    const char *a = argv[*i];
    if (*i + 1 >= argc)
        return false;
    if (strcmp(a, "--data") == 0)
        o->data = argv[++*i];
    else if (strcmp(a, "--db") == 0)
        o->db = argv[++*i];
    else if (strcmp(a, "--screens") == 0)
        o->screens = strtol(argv[++*i], NULL, 10);
    else if (strcmp(a, "--runs") == 0)
        o->runs = (int)strtol(argv[++*i], NULL, 10);
    else
        return false;
    return true;
}

/* The inventory of a fleet of n screens "scr-00000"..., through the store (one
 * transaction): 50 regions, 6 unit types, bank hours in
 * Asia/Shanghai, all on channel "bank" but (unassigned) the last two of each
 * hundred. 0, or -1 with err. */
static inline int sl_bench_fleet_inventory(sl_hub *hub, long n, bool unassigned, char *err, size_t errlen)
{
    static const char *const units[] = {"bank", "station", "bus", "community", "hospital", "pharmacy"};
    sl_hub_screen *rows = calloc((size_t)n, sizeof *rows);
    if (!rows) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    for (long i = 0; i < n; i++) {
        sl_hub_screen *s = &rows[i];
        snprintf(s->id, sizeof s->id, "scr-%05ld", i);
        snprintf(s->name, sizeof s->name, "工商银行第 %ld 网点大堂屏", i);
        snprintf(s->site, sizeof s->site, "工商银行 %ld 支行", i / 3);
        snprintf(s->region, sizeof s->region, "区域 %02ld", i % 50);
        snprintf(s->unit_type, sizeof s->unit_type, "%s", units[i % 6]);
        snprintf(s->channel, sizeof s->channel, "%s", unassigned && i % 100 >= 98 ? "" : "bank");
        snprintf(s->hours, sizeof s->hours, "mon-fri 08:30-17:30; sat,sun 09:00-17:00");
        snprintf(s->timezone, sizeof s->timezone, "Asia/Shanghai");
    }
    int rc = hub->store->ops->inventory_upsert(hub->store, rows, (size_t)n, err, errlen) == SL_ST_OK ? 0 : -1;
    free(rows);
    return rc;
}

#endif
