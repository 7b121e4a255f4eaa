/* fuzz_playlist.c — libFuzzer target: the JSON path (sl_json_parse) and the playlist validator, lint and scheduler behind it. */
#include "content/json.h"
#include "content/lint.h"
#include "content/playlist.h"
#include "content/sched.h"
#include "tests/fuzz/fuzzutil.h"

#include <string.h>

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return 0;
}

/* What the player and the CLI do with a valid model: lint it, and ask the
 * scheduler what each zone plays at a few instants. */
static void use_model(const sl_playlist *pl)
{
    sl_diags d;
    sl_diags_init(&d);
    sl_lint_opts lo = {.now_ms = 1764547200000LL /* 2025-12-01 */, .zoneinfo_dir = NULL, .probe_media = false};
    sl_lint_model(pl, &lo, &d);
    sl_diags_free(&d);

    sl_tags tags = {NULL, 0};
    sl_tags_parse("bank,lobby", &tags);
    sl_history h;
    if (sl_history_init(&h, 64) != 0)
        goto out;
    int64_t now = 1764590400000LL; /* 2025-12-01T12:00Z */
    for (size_t z = 0; z < pl->n_zones && z < 4; z++) {
        for (int step = 0; step < 4; step++) {
            sl_pick pick;
            if (sl_sched_next(pl, &tags, (int)z, now, &h, &pick) != 0)
                break;
            sl_play p = {.item = pick.item, .zone = (int)z, .start_ms = now, .duration_ms = pick.duration_ms};
            sl_history_push(&h, &p);
            now += pick.duration_ms > 0 ? pick.duration_ms : 1000;
        }
    }
    for (size_t i = 0; i < pl->n_items && i < 16; i++) {
        (void)sl_sched_eligible(pl, &tags, (int)i, now);
        (void)sl_sched_floor(pl, &tags, (int)i, now);
    }
    sl_history_free(&h);
out:
    sl_tags_free(&tags);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[256];
    cJSON *root = sl_json_parse((const char *)data, size, NULL, err, sizeof err);
    if (!root)
        return 0;
    const sl_pl_kind kinds[] = {SL_PL_SOURCE, SL_PL_MANIFEST};
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        sl_diags d;
        sl_diags_init(&d);
        sl_playlist *pl = sl_playlist_from_json(root, kinds[k], NULL, &d);
        if (pl) {
            use_model(pl);
            if (pl->n_zones > 0)
                (void)sl_playlist_zone_index(pl, pl->zones[0].id);
            if (pl->n_items > 0)
                (void)sl_playlist_item_index(pl, pl->items[0].id);
        }
        sl_playlist_free(pl);
        sl_diags_free(&d);
    }
    cJSON_Delete(root);
    return 0;
}
