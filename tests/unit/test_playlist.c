/* test_playlist.c — the playlist validator: the model it builds and the errors (with paths) it reports. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "content/json.h"
#include "content/playlist.h"
#include "content/timeutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static sl_playlist *parse(const char *text, sl_pl_kind kind, sl_diags *d)
{
    char err[256];
    cJSON *root = sl_json_parse(text, strlen(text), NULL, err, sizeof err);
    if (!root)
        fail_msg("test JSON does not parse: %s", err);
    sl_playlist *pl = sl_playlist_from_json(root, kind, NULL, d);
    cJSON_Delete(root);
    return pl;
}

/* Whether d holds a diagnostic at `path` whose message contains `needle`. */
static bool has_diag(const sl_diags *d, sl_diag_severity sev, const char *path, const char *needle)
{
    for (size_t i = 0; i < d->n; i++)
        if (d->v[i].severity == sev && strcmp(d->v[i].path, path) == 0 &&
            strstr(d->v[i].message, needle))
            return true;
    return false;
}

static void dump(const sl_diags *d)
{
    for (size_t i = 0; i < d->n; i++)
        fprintf(stderr, "  %s: %s\n", d->v[i].path, d->v[i].message);
}

#define GOOD                                                                                   \
    "{\"format\":1,\"name\":\"Lobby\",\"timezone\":\"Asia/Shanghai\","                       \
    "\"zones\":[{\"id\":\"main\",\"x\":0,\"y\":0,\"w\":100,\"h\":88},"                         \
    "{\"id\":\"ticker\",\"x\":0,\"y\":88,\"w\":100,\"h\":12,\"background\":\"#b3131b\"}],"   \
    "\"items\":[{\"id\":\"p1\",\"zone\":\"main\",\"type\":\"image\",\"file\":\"a.png\","     \
    "\"fit\":\"cover\"},"                                                                     \
    "{\"id\":\"v1\",\"zone\":\"main\",\"type\":\"video\",\"file\":\"b.mp4\",\"audio\":true},"  \
    "{\"id\":\"s1\",\"zone\":\"ticker\",\"type\":\"text\",\"text\":\"反诈\",\"speed\":90,"     \
    "\"color\":\"#ffff00\",\"render\":\"crisp\",\"duration\":15.5}],"                         \
    "\"rules\":[{\"items\":[\"p1\"],\"dates\":{\"from\":\"2026-11-25\",\"to\":\"2026-12-31\"}," \
    "\"weekdays\":[\"mon\",\"fri\"],\"hours\":\"22:00-06:00\",\"min_per_hour\":6,"            \
    "\"priority\":2,\"tags\":[\"bank\"]},"                                                    \
    "{\"items\":[\"s1\"],\"urgent\":true,\"from\":\"2026-11-25T10:00:00+08:00\","            \
    "\"until\":\"2026-11-25T10:30:00+08:00\"}],"                                               \
    "\"fallback\":{\"type\":\"text\",\"text\":\"反诈宣传\",\"mode\":\"static\"}}"

static void test_playlist_builds_the_model(void **state)
{
    (void)state;
    sl_diags d;
    sl_diags_init(&d);
    sl_playlist *pl = parse(GOOD, SL_PL_SOURCE, &d);
    if (!pl)
        dump(&d);
    assert_non_null(pl);
    assert_int_equal(d.n_errors, 0);
    assert_int_equal(pl->n_zones, 2);
    assert_true(pl->zones[1].background.r == 0xb3 && pl->zones[1].background.g == 0x13);
    assert_int_equal(pl->n_items, 4); /* three items + the fallback */
    assert_int_equal(pl->fallback, 3);
    assert_int_equal(pl->items[3].zone, -1);
    assert_int_equal(pl->items[3].mode, SL_TEXT_STATIC);
    assert_int_equal(pl->items[0].type, SL_ITEM_IMAGE);
    assert_int_equal(pl->items[0].fit, SL_FIT_COVER);
    assert_int_equal(pl->items[0].duration_ms, SL_IMAGE_DURATION_DEFAULT_MS);
    assert_int_equal(pl->items[1].duration_ms, 0); /* video: from the media */
    assert_true(pl->items[1].audio);
    assert_int_equal(pl->items[2].duration_ms, 15500);
    assert_int_equal(pl->items[2].render, SL_RENDER_CRISP);
    assert_int_equal(pl->items[2].zone, 1);
    assert_string_equal(pl->items[2].text, "反诈");
    const sl_rule *r = &pl->rules[0];
    assert_true(r->has_dates);
    assert_int_equal(r->date_from, sl_days_from_civil(2026, 11, 25));
    assert_int_equal(r->weekdays, 0x01 | 0x10);
    assert_true(r->has_hours);
    assert_int_equal(r->hours_from_s, 22 * 3600);
    assert_int_equal(r->hours_to_s, 6 * 3600);
    assert_int_equal(r->min_per_hour, 6);
    assert_int_equal(r->priority, 2);
    assert_int_equal(r->n_tags, 1);
    const sl_rule *u = &pl->rules[1];
    assert_true(u->urgent);
    int64_t from;
    assert_int_equal(sl_instant_parse("2026-11-25T02:00:00Z", NULL, &from), 0);
    assert_int_equal(u->urgent_from_ms, from);
    assert_int_equal(u->urgent_until_ms - u->urgent_from_ms, 30 * SL_MS_PER_MIN);
    sl_playlist_free(pl);
    sl_diags_free(&d);
}

static void test_playlist_reports_every_error_with_its_path(void **state)
{
    (void)state;
    const char *bad =
        "{\"timezone\":\"Mars/Olympus\","
        "\"zones\":[{\"id\":\"main\",\"x\":0,\"y\":0,\"w\":100,\"h\":100},"
        "{\"id\":\"main\",\"x\":50,\"y\":0,\"w\":60,\"h\":10}],"
        "\"items\":[{\"id\":\"a\",\"zone\":\"tickr\",\"type\":\"text\",\"text\":\"x\"},"
        "{\"id\":\"b\",\"zone\":\"main\",\"type\":\"movie\",\"file\":\"b.mp4\"},"
        "{\"id\":\"c\",\"zone\":\"main\",\"type\":\"image\"},"
        "{\"id\":\"c\",\"zone\":\"main\",\"type\":\"text\",\"text\":\"y\",\"color\":\"red\"}],"
        "\"rules\":[{\"items\":[\"a\",\"zz\"],\"hours\":\"25:00-26:00\"},"
        "{\"items\":[\"b\"],\"weekdays\":[\"mon\",\"funday\"],\"dates\":{\"from\":\"2026-02-30\"}},"
        "{\"items\":[\"a\"],\"urgent\":true,\"min_per_hour\":2}]}";
    sl_diags d;
    sl_diags_init(&d);
    sl_playlist *pl = parse(bad, SL_PL_SOURCE, &d);
    assert_null(pl);
    dump(&d);
    assert_true(has_diag(&d, SL_DIAG_ERROR, "timezone", "Mars/Olympus"));
    assert_true(has_diag(&d, SL_DIAG_ERROR, "zones[1].id", "defined twice"));
    assert_true(has_diag(&d, SL_DIAG_ERROR, "zones[1]", "right edge"));
    assert_true(has_diag(&d, SL_DIAG_ERROR, "items[0].zone", "no zone named \"tickr\" (zones: main, main)"));
    assert_true(has_diag(&d, SL_DIAG_ERROR, "items[1].type", "\"movie\" is not a type"));
    assert_true(has_diag(&d, SL_DIAG_ERROR, "items[2].file", "is missing"));
    assert_true(has_diag(&d, SL_DIAG_ERROR, "items[3].id", "defined twice"));
    assert_true(has_diag(&d, SL_DIAG_ERROR, "items[3].color", "not a colour"));
    assert_true(has_diag(&d, SL_DIAG_ERROR, "rules[0].items[1]", "no item named \"zz\""));
    assert_true(has_diag(&d, SL_DIAG_ERROR, "rules[0].hours", "\"25:00-26:00\" is not a time of day"));
    assert_true(has_diag(&d, SL_DIAG_ERROR, "rules[1].weekdays[1]", "not a weekday"));
    assert_true(has_diag(&d, SL_DIAG_ERROR, "rules[1].dates.from", "not a date"));
    assert_true(has_diag(&d, SL_DIAG_ERROR, "rules[2].until", "needs an end time"));
    assert_true(has_diag(&d, SL_DIAG_ERROR, "rules[2].min_per_hour", "urgent"));
    sl_diags_free(&d);
}

static void test_playlist_rejects_wrong_types_and_ranges(void **state)
{
    (void)state;
    const char *bad =
        "{\"timezone\":\"+08:00\",\"format\":2,"
        "\"zones\":[{\"id\":\"m\",\"x\":\"0\",\"y\":0,\"w\":1e400,\"h\":-5}],"
        "\"items\":[{\"id\":\"../etc\",\"zone\":\"m\",\"type\":\"text\",\"text\":\"x\","
        "\"duration\":-1},"
        "{\"id\":\"t\",\"zone\":\"m\",\"type\":\"text\",\"text\":\"x\",\"size\":20.5}],"
        "\"rules\":{}}";
    sl_diags d;
    sl_diags_init(&d);
    assert_null(parse(bad, SL_PL_SOURCE, &d));
    dump(&d);
    assert_true(has_diag(&d, SL_DIAG_ERROR, "format", "not understood"));
    assert_true(has_diag(&d, SL_DIAG_ERROR, "zones[0].x", "should be a number"));
    assert_true(has_diag(&d, SL_DIAG_ERROR, "zones[0].h", "out of range"));
    assert_true(has_diag(&d, SL_DIAG_ERROR, "items[0].id", "not a usable id"));
    assert_true(has_diag(&d, SL_DIAG_ERROR, "items[0].duration", "out of range"));
    assert_true(has_diag(&d, SL_DIAG_ERROR, "items[1].size", "whole number"));
    assert_true(has_diag(&d, SL_DIAG_ERROR, "rules", "should be a list"));
    sl_diags_free(&d);
}

/* Members that take one of a few words: a wrong word is an error at its path,
 * naming the words; a right one lands in the model. */
static void test_playlist_checks_the_words_of_mode_render_and_fit(void **state)
{
    (void)state;
    const char *bad =
        "{\"timezone\":\"+08:00\",\"zones\":[{\"id\":\"m\",\"x\":0,\"y\":0,\"w\":100,\"h\":100}],"
        "\"items\":[{\"id\":\"t\",\"zone\":\"m\",\"type\":\"text\",\"text\":\"x\","
        "\"mode\":\"scroll\",\"render\":\"sharp\"},"
        "{\"id\":\"p\",\"zone\":\"m\",\"type\":\"image\",\"file\":\"p.png\",\"fit\":\"fill\"},"
        "{\"id\":\"q\",\"zone\":\"m\",\"type\":\"image\",\"file\":\"q.png\",\"fit\":7}]}";
    sl_diags d;
    sl_diags_init(&d);
    assert_null(parse(bad, SL_PL_SOURCE, &d));
    dump(&d);
    assert_true(has_diag(&d, SL_DIAG_ERROR, "items[0].mode", "\"scroll\" is not a mode (ticker or static)"));
    assert_true(has_diag(&d, SL_DIAG_ERROR, "items[0].render",
                         "\"sharp\" is not a text rendering (smooth or crisp)"));
    assert_true(has_diag(&d, SL_DIAG_ERROR, "items[1].fit", "\"fill\" is not a fit (contain, cover or stretch)"));
    assert_true(has_diag(&d, SL_DIAG_ERROR, "items[2].fit", "should be"));
    sl_diags_free(&d);

    const char *good =
        "{\"timezone\":\"+08:00\",\"zones\":[{\"id\":\"m\",\"x\":0,\"y\":0,\"w\":100,\"h\":100}],"
        "\"items\":[{\"id\":\"t\",\"zone\":\"m\",\"type\":\"text\",\"text\":\"x\","
        "\"mode\":\"static\",\"render\":\"crisp\"},"
        "{\"id\":\"p\",\"zone\":\"m\",\"type\":\"image\",\"file\":\"p.png\",\"fit\":\"stretch\"}]}";
    sl_diags_init(&d);
    sl_playlist *pl = parse(good, SL_PL_SOURCE, &d);
    dump(&d);
    assert_non_null(pl);
    assert_int_equal(pl->items[0].mode, SL_TEXT_STATIC);
    assert_int_equal(pl->items[0].render, SL_RENDER_CRISP);
    assert_int_equal(pl->items[1].fit, SL_FIT_STRETCH);
    sl_playlist_free(pl);
    sl_diags_free(&d);
}

static void test_playlist_warns_about_unknown_members(void **state)
{
    (void)state;
    const char *text = "{\"timezone\":\"UTC\",\"zonez\":1,"
                       "\"zones\":[{\"id\":\"m\",\"x\":0,\"y\":0,\"w\":100,\"h\":100}],"
                       "\"items\":[{\"id\":\"t\",\"zone\":\"m\",\"type\":\"text\",\"text\":\"x\","
                       "\"colour\":\"#fff\"}]}";
    sl_diags d;
    sl_diags_init(&d);
    sl_playlist *pl = parse(text, SL_PL_SOURCE, &d);
    assert_non_null(pl);
    assert_true(has_diag(&d, SL_DIAG_WARNING, "zonez", "not a known setting"));
    assert_true(has_diag(&d, SL_DIAG_WARNING, "items[0].colour", "not a known setting"));
    /* No fallback given: a default one exists anyway. */
    assert_int_equal(pl->fallback, 1);
    assert_non_null(pl->items[1].text);
    sl_playlist_free(pl);
    sl_diags_free(&d);
}

static void test_playlist_manifest_kind_needs_hashes(void **state)
{
    (void)state;
    const char *m = "{\"timezone\":\"UTC\",\"channel\":\"bank\",\"version\":3,"
                    "\"zones\":[{\"id\":\"m\",\"x\":0,\"y\":0,\"w\":100,\"h\":100}],"
                    "\"items\":[{\"id\":\"v\",\"zone\":\"m\",\"type\":\"video\",\"sha256\":"
                    "\"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\","
                    "\"size\":3,\"duration\":12}]}";
    sl_diags d;
    sl_diags_init(&d);
    sl_playlist *pl = parse(m, SL_PL_MANIFEST, &d);
    assert_non_null(pl);
    assert_true(pl->is_manifest);
    assert_int_equal(pl->version, 3);
    assert_string_equal(pl->channel, "bank");
    assert_int_equal(pl->items[0].size_bytes, 3);
    assert_int_equal(pl->items[0].duration_ms, 12000);
    assert_null(pl->items[0].file);
    sl_playlist_free(pl);

    const char *bad = "{\"timezone\":\"UTC\",\"channel\":\"bank\",\"version\":0,"
                      "\"zones\":[{\"id\":\"m\",\"x\":0,\"y\":0,\"w\":100,\"h\":100}],"
                      "\"items\":[{\"id\":\"v\",\"zone\":\"m\",\"type\":\"video\",\"sha256\":"
                      "\"BA7816BF\",\"file\":\"x.mp4\"}]}";
    assert_null(parse(bad, SL_PL_MANIFEST, &d));
    assert_true(has_diag(&d, SL_DIAG_ERROR, "version", ""));
    assert_true(has_diag(&d, SL_DIAG_ERROR, "items[0].sha256", "not a SHA-256"));
    assert_true(has_diag(&d, SL_DIAG_ERROR, "items[0].size", "is missing"));
    assert_true(has_diag(&d, SL_DIAG_ERROR, "items[0].file", "by sha256"));
    assert_true(has_diag(&d, SL_DIAG_ERROR, "items[0].duration", "is missing"));
    sl_diags_free(&d);
}

static void test_playlist_tags_parse_and_target(void **state)
{
    (void)state;
    sl_tags t;
    assert_int_equal(sl_tags_parse(" bank, lobby ,", &t), 0);
    assert_int_equal(t.n, 2);
    assert_true(sl_tags_has(&t, "lobby"));
    assert_false(sl_tags_has(&t, "bus"));
    char *tags[] = {"bus", "lobby"};
    sl_rule r = {.tags = tags, .n_tags = 2};
    assert_true(sl_rule_targets(&r, &t));
    r.n_tags = 1;
    assert_false(sl_rule_targets(&r, &t));
    r.n_tags = 0;
    assert_true(sl_rule_targets(&r, &t));
    sl_tags_free(&t);
    assert_int_equal(sl_tags_parse("bad tag!", &t), -1);
    sl_tags_free(NULL);
    sl_playlist_free(NULL);
}

/* Items left out (the player skips what it cannot show): rules and the fallback follow. */
static void test_playlist_drop_items_keeps_rules_right(void **state)
{
    (void)state;
    sl_diags d;
    sl_diags_init(&d);
    sl_playlist *pl = parse(GOOD, SL_PL_SOURCE, &d);
    assert_non_null(pl);
    assert_int_equal(pl->n_items, 4); /* p1, v1, s1 and the fallback */
    bool drop[4] = {true, false, false, true}; /* the fallback is never dropped */
    sl_playlist_drop_items(pl, drop);
    assert_int_equal(pl->n_items, 3);
    assert_string_equal(pl->items[0].id, "v1");
    assert_string_equal(pl->items[1].id, "s1");
    assert_int_equal(pl->fallback, 2);
    assert_int_equal(pl->items[pl->fallback].type, SL_ITEM_TEXT);
    assert_int_equal(pl->rules[0].n_items, 0); /* p1's rule now matches nothing */
    assert_int_equal(pl->rules[1].n_items, 1);
    assert_int_equal(pl->rules[1].items[0], 1); /* s1 moved from 2 to 1 */
    assert_int_equal(sl_playlist_item_index(pl, "p1"), -1);
    sl_playlist_drop_items(pl, NULL);
    sl_playlist_drop_items(NULL, drop);
    sl_playlist_free(pl);
    sl_diags_free(&d);
}

/* An announcement in a zone on the screen is accepted; the warning says what
 * the screen shows meanwhile (the zone's background, no picture). */
static void test_playlist_audio_in_picture_zone(void **state)
{
    (void)state;
    sl_diags d;
    sl_diags_init(&d);
    sl_playlist *pl = parse("{\"timezone\": \"UTC\", \"zones\": [{\"id\": \"main\", \"x\": 0, \"y\": 0, \"w\": 100, "
                            "\"h\": 100, \"background\": \"#b3131b\"}], \"items\": [{\"id\": \"ann\", \"zone\": \"main\", "
                            "\"type\": \"audio\", \"file\": \"ann.mp3\"}]}",
                            SL_PL_SOURCE, &d);
    if (d.n_errors)
        dump(&d);
    assert_non_null(pl);
    assert_int_equal(d.n_errors, 0);
    assert_true(has_diag(&d, SL_DIAG_WARNING, "items[0].zone",
                         "while it speaks the screen shows only the zone's background (#b3131b) there, no picture"));
    sl_playlist_free(pl);
    sl_diags_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_playlist_builds_the_model),
        cmocka_unit_test(test_playlist_reports_every_error_with_its_path),
        cmocka_unit_test(test_playlist_rejects_wrong_types_and_ranges),
        cmocka_unit_test(test_playlist_checks_the_words_of_mode_render_and_fit),
        cmocka_unit_test(test_playlist_warns_about_unknown_members),
        cmocka_unit_test(test_playlist_manifest_kind_needs_hashes),
        cmocka_unit_test(test_playlist_tags_parse_and_target),
        cmocka_unit_test(test_playlist_drop_items_keeps_rules_right),
        cmocka_unit_test(test_playlist_audio_in_picture_zone),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
