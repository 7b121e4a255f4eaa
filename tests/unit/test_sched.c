/* test_sched.c — unit tests of content/sched: eligibility, rotation, priorities, urgent alerts, floors, fixed times (at, every). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "content/json.h"
#include "content/playlist.h"
#include "content/sched.h"
#include "content/timeutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---------- helpers ---------- */

/* Parses a source playlist written with ' in place of " (for readability). */
static sl_playlist *mk(const char *text)
{
    size_t n = strlen(text);
    char *s = malloc(n + 1);
    assert_non_null(s);
    for (size_t i = 0; i <= n; i++)
        s[i] = text[i] == '\'' ? '"' : text[i];
    char err[256];
    cJSON *root = sl_json_parse(s, n, NULL, err, sizeof err);
    if (!root)
        fail_msg("test JSON does not parse: %s\n%s", err, s);
    sl_diags d;
    sl_diags_init(&d);
    sl_playlist *pl = sl_playlist_from_json(root, SL_PL_SOURCE, NULL, &d);
    if (!pl) {
        for (size_t i = 0; i < d.n; i++)
            fprintf(stderr, "  %s: %s\n", d.v[i].path, d.v[i].message);
        fail_msg("test playlist refused:\n%s", s);
    }
    cJSON_Delete(root);
    sl_diags_free(&d);
    free(s);
    return pl;
}

/* A playlist in time zone tz with one zone "main", the given items and rules. */
static sl_playlist *mk_main(const char *tz, const char *items, const char *rules)
{
    char buf[16384];
    snprintf(buf, sizeof buf,
             "{'format':1,'name':'t','timezone':'%s',"
             "'zones':[{'id':'main','x':0,'y':0,'w':100,'h':100}],"
             "'items':[%s],'rules':[%s],'fallback':{'type':'text','text':'fb'}}",
             tz, items, rules);
    return mk(buf);
}

/* An instant in ISO 8601 with its offset. */
static int64_t at(const char *iso)
{
    int64_t ms;
    if (sl_instant_parse(iso, NULL, &ms) != 0)
        fail_msg("bad instant %s", iso);
    return ms;
}

static int idx(const sl_playlist *pl, const char *id)
{
    int i = sl_playlist_item_index(pl, id);
    if (i < 0)
        fail_msg("no item %s", id);
    return i;
}

typedef struct {
    sl_play *v;
    size_t n;
} plays;

static plays predict(const sl_playlist *pl, const sl_tags *tags, int64_t from, int64_t to)
{
    plays p = {NULL, 0};
    assert_int_equal(sl_sched_predict(pl, tags, from, to, &p.v, &p.n), 0);
    return p;
}

/* Plays of item in zone starting in [a, b). */
static size_t count_in(const plays *p, int item, int zone, int64_t a, int64_t b)
{
    size_t n = 0;
    for (size_t i = 0; i < p->n; i++)
        if (p->v[i].item == item && p->v[i].zone == zone && p->v[i].start_ms >= a &&
            p->v[i].start_ms < b)
            n++;
    return n;
}

static void check_eligible_throughout(const sl_playlist *pl, const sl_tags *tags,
                                      const sl_play *q)
{
    if (q->item == pl->fallback)
        return;
    for (int64_t t = q->start_ms;; t += 997) {
        if (t >= q->start_ms + q->duration_ms)
            t = q->start_ms + q->duration_ms - 1;
        if (!sl_sched_eligible(pl, tags, q->item, t))
            fail_msg("%s plays at %lld (play %lld+%lld) outside its window",
                     pl->items[q->item].id, (long long)t, (long long)q->start_ms,
                     (long long)q->duration_ms);
        if (t == q->start_ms + q->duration_ms - 1)
            break;
    }
}

/* Every prediction: zones in order, plays back to back from `from` to `to`,
 * positive durations, every play inside its item's window. */
static void check_basic(const sl_playlist *pl, const sl_tags *tags, const plays *p, int64_t from,
                        int64_t to)
{
    size_t i = 0;
    for (size_t z = 0; z < pl->n_zones; z++) {
        int64_t t = from;
        while (t < to) {
            assert_true(i < p->n);
            const sl_play *q = &p->v[i];
            assert_int_equal(q->zone, (int)z);
            assert_true(q->start_ms == t);
            assert_true(q->duration_ms >= 1);
            assert_true(q->item >= 0 && (size_t)q->item < pl->n_items);
            assert_true(q->item == pl->fallback || pl->items[q->item].zone == (int)z);
            check_eligible_throughout(pl, tags, q);
            t += q->duration_ms;
            i++;
        }
        assert_true(t == to);
    }
    assert_int_equal(i, p->n);
}

static sl_pick next(const sl_playlist *pl, const sl_tags *tags, int zone, int64_t now,
                    const sl_history *h)
{
    sl_pick pk;
    assert_int_equal(sl_sched_next(pl, tags, zone, now, h, &pk), 0);
    assert_true(pk.start_ms == now);
    assert_true(pk.duration_ms >= 1);
    return pk;
}

/* ---------- history and names ---------- */

static void test_history_ring(void **state)
{
    (void)state;
    sl_history h;
    assert_int_equal(sl_history_init(&h, 3), 0);
    assert_null(sl_history_at(&h, 0));
    for (int i = 0; i < 5; i++) {
        sl_play p = {i, 0, i * 1000, 1000};
        sl_history_push(&h, &p);
    }
    assert_int_equal(h.n, 3);
    assert_int_equal(sl_history_at(&h, 0)->item, 2);
    assert_int_equal(sl_history_at(&h, 1)->item, 3);
    assert_int_equal(sl_history_at(&h, 2)->item, 4);
    assert_null(sl_history_at(&h, 3));
    sl_history_free(&h);
    sl_history_free(&h);
    sl_history_free(NULL);
    assert_null(sl_history_at(NULL, 0));
    sl_history_push(NULL, NULL);
    assert_int_equal(sl_history_init(&h, 0), 0);
    assert_int_equal(h.cap, SL_HISTORY_DEFAULT_CAP);
    sl_history_free(&h);
}

static void test_reason_names(void **state)
{
    (void)state;
    assert_string_equal(sl_pick_reason_name(SL_PICK_ROTATION), "rotation");
    assert_string_equal(sl_pick_reason_name(SL_PICK_FLOOR), "floor");
    assert_string_equal(sl_pick_reason_name(SL_PICK_URGENT), "urgent");
    assert_string_equal(sl_pick_reason_name(SL_PICK_FALLBACK), "fallback");
}

static void test_bad_arguments(void **state)
{
    (void)state;
    sl_playlist *pl = mk_main("UTC", "{'id':'a','zone':'main','type':'text','text':'a'}", "");
    sl_pick pk;
    assert_int_equal(sl_sched_next(NULL, NULL, 0, 0, NULL, &pk), -1);
    assert_int_equal(sl_sched_next(pl, NULL, 0, 0, NULL, NULL), -1);
    assert_int_equal(sl_sched_next(pl, NULL, 1, 0, NULL, &pk), -1);
    assert_int_equal(sl_sched_next(pl, NULL, -1, 0, NULL, &pk), -1);
    assert_int_equal(sl_sched_next(pl, NULL, 0, 0, NULL, &pk), 0); /* no history is fine */
    assert_false(sl_sched_eligible(NULL, NULL, 0, 0));
    assert_false(sl_sched_eligible(pl, NULL, 99, 0));
    assert_false(sl_sched_eligible(pl, NULL, -1, 0));
    assert_false(sl_sched_eligible(pl, NULL, pl->fallback, 0));
    assert_true(sl_sched_eligible(pl, NULL, 0, 0));
    assert_int_equal(sl_sched_floor(NULL, NULL, 0, 0), 0);
    assert_int_equal(sl_sched_floor(pl, NULL, 7, 0), 0);
    sl_play *v = (sl_play *)1;
    size_t n = 5;
    assert_int_equal(sl_sched_predict(pl, NULL, 0, 0, NULL, &n), -1);
    assert_int_equal(sl_sched_predict(NULL, NULL, 0, 10, &v, &n), -1);
    assert_int_equal(sl_sched_predict(pl, NULL, 10, 10, &v, &n), 0);
    assert_null(v);
    assert_int_equal(n, 0);
    sl_playlist_free(pl);
}

/* ---------- rotation ---------- */

#define TXT(id, dur) "{'id':'" id "','zone':'main','type':'text','text':'x','duration':" #dur "}"

static void test_rotation_round_robin(void **state)
{
    (void)state;
    sl_playlist *pl = mk_main("Asia/Shanghai",
                              TXT("a", 10) "," TXT("b", 10) "," TXT("c", 10) "," TXT("d", 10), "");
    int64_t from = at("2026-11-25T08:00:00+08:00");
    plays p = predict(pl, NULL, from, from + 120 * SL_MS_PER_S);
    check_basic(pl, NULL, &p, from, from + 120 * SL_MS_PER_S);
    assert_int_equal(p.n, 12);
    for (size_t i = 0; i < p.n; i++) {
        assert_int_equal(p.v[i].item, (int)(i % 4)); /* playlist order, then oldest first */
        assert_true(p.v[i].duration_ms == 10000);
    }
    free(p.v);

    /* A history decides: the item played longest ago comes first. */
    sl_history h;
    assert_int_equal(sl_history_init(&h, 16), 0);
    sl_play hp[] = {{2, 0, from - 40000, 10000}, {0, 0, from - 30000, 10000},
                    {3, 0, from - 20000, 10000}, {1, 0, from - 10000, 10000}};
    for (size_t i = 0; i < 4; i++)
        sl_history_push(&h, &hp[i]);
    sl_pick pk = next(pl, NULL, 0, from, &h);
    assert_int_equal(pk.item, 2);
    assert_int_equal(pk.reason, SL_PICK_ROTATION);
    assert_false(pk.cut_short);
    sl_history_free(&h);
    sl_playlist_free(pl);
}

/* Items of 1 to 10 s over 10 hours: every item plays equally often (±1) and
 * every window of n consecutive plays holds each item once. */
static void test_rotation_fair(void **state)
{
    (void)state;
    char items[4096] = "";
    for (int i = 0; i < 10; i++) {
        char one[160];
        snprintf(one, sizeof one, "%s{'id':'i%d','zone':'main','type':'text','text':'x',"
                                  "'duration':%d}", i ? "," : "", i, 1 + i);
        strcat(items, one);
    }
    sl_playlist *pl = mk_main("Europe/London", items, "");
    int64_t from = at("2026-03-29T00:00:00Z"), to = from + 10 * SL_MS_PER_HOUR; /* spans DST */
    plays p = predict(pl, NULL, from, to);
    check_basic(pl, NULL, &p, from, to);
    size_t counts[10] = {0};
    for (size_t i = 0; i < p.n; i++)
        counts[p.v[i].item]++;
    for (int i = 0; i < 10; i++)
        assert_true(counts[i] + 1 >= counts[0] && counts[i] <= counts[0]);
    for (size_t i = 0; i + 10 <= p.n; i++) {
        int seen = 0;
        for (size_t k = i; k < i + 10; k++)
            seen |= 1 << p.v[k].item;
        assert_int_equal(seen, 0x3ff);
    }
    free(p.v);
    sl_playlist_free(pl);
}

/* ---------- rules in local time ---------- */

static void test_dates(void **state)
{
    (void)state;
    sl_playlist *pl = mk_main("Asia/Shanghai", TXT("base", 10) "," TXT("camp", 7),
                              "{'items':['camp'],'dates':{'from':'2026-11-25','to':'2026-11-26'}}");
    int camp = idx(pl, "camp");
    assert_false(sl_sched_eligible(pl, NULL, camp, at("2026-11-24T23:59:59.999+08:00")));
    assert_true(sl_sched_eligible(pl, NULL, camp, at("2026-11-25T00:00:00+08:00")));
    assert_true(sl_sched_eligible(pl, NULL, camp, at("2026-11-26T23:59:59.999+08:00")));
    assert_false(sl_sched_eligible(pl, NULL, camp, at("2026-11-27T00:00:00+08:00")));
    /* The day is the local one: 2026-11-24T16:00Z is already the 25th in Shanghai. */
    assert_true(sl_sched_eligible(pl, NULL, camp, at("2026-11-24T16:00:00Z")));

    int64_t from = at("2026-11-24T23:58:00+08:00"), to = at("2026-11-27T00:02:00+08:00");
    plays p = predict(pl, NULL, from, to);
    check_basic(pl, NULL, &p, from, to);
    int64_t a = at("2026-11-25T00:00:00+08:00"), b = at("2026-11-27T00:00:00+08:00");
    assert_int_equal(count_in(&p, camp, 0, from, a), 0);
    assert_int_equal(count_in(&p, camp, 0, b, to), 0);
    assert_true(count_in(&p, camp, 0, a, b) > 1000);
    free(p.v);
    sl_playlist_free(pl);
}

static void test_weekdays(void **state)
{
    (void)state;
    sl_playlist *pl = mk_main("+08:00", TXT("base", 10) "," TXT("wk", 10),
                              "{'items':['wk'],'weekdays':['mon','wed','sun']}");
    int wk = idx(pl, "wk");
    /* 2026-11-23 is a Monday. */
    static const bool want[7] = {true, false, true, false, false, false, true};
    for (int d = 0; d < 7; d++) {
        char iso[40];
        snprintf(iso, sizeof iso, "2026-11-%02dT12:00:00+08:00", 23 + d);
        assert_int_equal(sl_sched_eligible(pl, NULL, wk, at(iso)), want[d]);
        snprintf(iso, sizeof iso, "2026-11-%02dT00:00:00+08:00", 23 + d);
        assert_int_equal(sl_sched_eligible(pl, NULL, wk, at(iso)), want[d]);
        snprintf(iso, sizeof iso, "2026-11-%02dT23:59:59.999+08:00", 23 + d);
        assert_int_equal(sl_sched_eligible(pl, NULL, wk, at(iso)), want[d]);
    }
    int64_t from = at("2026-11-23T00:00:00+08:00"), to = at("2026-11-30T00:00:00+08:00");
    plays p = predict(pl, NULL, from, to);
    check_basic(pl, NULL, &p, from, to);
    for (int d = 0; d < 7; d++) {
        int64_t a = from + d * SL_MS_PER_DAY;
        size_t n = count_in(&p, wk, 0, a, a + SL_MS_PER_DAY);
        assert_true(want[d] ? n == 4320 : n == 0); /* half of 8640 ten-second slots */
    }
    free(p.v);
    sl_playlist_free(pl);
}

static void test_hours_window(void **state)
{
    (void)state;
    sl_playlist *pl = mk_main("Asia/Shanghai", TXT("base", 10) "," TXT("h", 10),
                              "{'items':['h'],'hours':'08:30-17:30'}");
    int h = idx(pl, "h");
    assert_false(sl_sched_eligible(pl, NULL, h, at("2026-11-25T08:29:59.999+08:00")));
    assert_true(sl_sched_eligible(pl, NULL, h, at("2026-11-25T08:30:00+08:00")));
    assert_true(sl_sched_eligible(pl, NULL, h, at("2026-11-25T17:29:59.999+08:00")));
    assert_false(sl_sched_eligible(pl, NULL, h, at("2026-11-25T17:30:00+08:00")));
    int64_t from = at("2026-11-25T00:00:00+08:00"), to = from + SL_MS_PER_DAY;
    plays p = predict(pl, NULL, from, to);
    check_basic(pl, NULL, &p, from, to);
    assert_int_equal(count_in(&p, h, 0, at("2026-11-25T08:30:00+08:00"),
                              at("2026-11-25T17:30:00+08:00")),
                     9 * 360 / 2);
    assert_int_equal(count_in(&p, h, 0, from, at("2026-11-25T08:30:00+08:00")), 0);
    free(p.v);
    sl_playlist_free(pl);
}

/* "fri 22:00-02:00": Friday 22:00 to Saturday 02:00 (the window belongs to the day it starts). */
static void test_hours_across_midnight(void **state)
{
    (void)state;
    sl_playlist *pl = mk_main("Asia/Shanghai", TXT("base", 10) "," TXT("night", 10),
                              "{'items':['night'],'weekdays':['fri'],'hours':'22:00-02:00'},"
                              "{'items':['night'],'dates':{'to':'2026-11-01'},"
                              "'hours':'23:00-24:00'}");
    int n = idx(pl, "night");
    /* 2026-11-27 is a Friday. */
    assert_false(sl_sched_eligible(pl, NULL, n, at("2026-11-27T01:00:00+08:00")));
    assert_false(sl_sched_eligible(pl, NULL, n, at("2026-11-27T21:59:59+08:00")));
    assert_true(sl_sched_eligible(pl, NULL, n, at("2026-11-27T22:00:00+08:00")));
    assert_true(sl_sched_eligible(pl, NULL, n, at("2026-11-27T23:59:59.999+08:00")));
    assert_true(sl_sched_eligible(pl, NULL, n, at("2026-11-28T00:00:00+08:00")));
    assert_true(sl_sched_eligible(pl, NULL, n, at("2026-11-28T01:59:59.999+08:00")));
    assert_false(sl_sched_eligible(pl, NULL, n, at("2026-11-28T02:00:00+08:00")));
    assert_false(sl_sched_eligible(pl, NULL, n, at("2026-11-28T23:00:00+08:00")));
    assert_false(sl_sched_eligible(pl, NULL, n, at("2026-11-29T01:00:00+08:00")));
    /* "to": "24:00" runs to midnight; dates with only "to". */
    assert_true(sl_sched_eligible(pl, NULL, n, at("2026-10-31T23:59:59.999+08:00")));
    assert_false(sl_sched_eligible(pl, NULL, n, at("2026-11-01T00:00:00+08:00")));
    assert_true(sl_sched_eligible(pl, NULL, n, at("2026-11-01T23:30:00+08:00")));
    assert_false(sl_sched_eligible(pl, NULL, n, at("2026-11-02T23:30:00+08:00")));

    int64_t from = at("2026-11-27T21:00:00+08:00"), to = at("2026-11-28T03:00:00+08:00");
    plays p = predict(pl, NULL, from, to);
    check_basic(pl, NULL, &p, from, to);
    assert_int_equal(count_in(&p, n, 0, from, to), 4 * 180);
    free(p.v);
    sl_playlist_free(pl);
}

/* The same hours in different zones land on different UTC instants. */
static void test_time_zones(void **state)
{
    (void)state;
    static const struct {
        const char *tz, *day, *start_utc, *end_utc;
    } cases[] = {
        {"Asia/Shanghai", "2026-07-01", "2026-07-01T01:00:00Z", "2026-07-01T02:00:00Z"},
        {"UTC", "2026-07-01", "2026-07-01T09:00:00Z", "2026-07-01T10:00:00Z"},
        {"+05:30", "2026-07-01", "2026-07-01T03:30:00Z", "2026-07-01T04:30:00Z"},
        {"UTC-3", "2026-07-01", "2026-07-01T12:00:00Z", "2026-07-01T13:00:00Z"},
        {"Europe/London", "2026-01-15", "2026-01-15T09:00:00Z", "2026-01-15T10:00:00Z"},
        {"Europe/London", "2026-07-01", "2026-07-01T08:00:00Z", "2026-07-01T09:00:00Z"},
        {"America/New_York", "2026-07-01", "2026-07-01T13:00:00Z", "2026-07-01T14:00:00Z"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sl_playlist *pl = mk_main(cases[i].tz, TXT("base", 10) "," TXT("h", 10),
                                  "{'items':['h'],'hours':'09:00-10:00'}");
        int h = idx(pl, "h");
        int64_t s = at(cases[i].start_utc), e = at(cases[i].end_utc);
        assert_false(sl_sched_eligible(pl, NULL, h, s - 1));
        assert_true(sl_sched_eligible(pl, NULL, h, s));
        assert_true(sl_sched_eligible(pl, NULL, h, e - 1));
        assert_false(sl_sched_eligible(pl, NULL, h, e));
        plays p = predict(pl, NULL, s - SL_MS_PER_HOUR, e + SL_MS_PER_HOUR);
        check_basic(pl, NULL, &p, s - SL_MS_PER_HOUR, e + SL_MS_PER_HOUR);
        assert_int_equal(count_in(&p, h, 0, s, e), 180);
        free(p.v);
        sl_playlist_free(pl);
    }
}

/* Europe/London on its DST days: windows through the gap and the overlap. */
static void test_dst_days(void **state)
{
    (void)state;
    sl_playlist *pl = mk_main("Europe/London",
                              TXT("base", 10) "," TXT("span", 10) "," TXT("ingap", 10) "," TXT(
                                  "half", 10) "," TXT("twice", 10),
                              "{'items':['span'],'hours':'00:30-03:00'},"
                              "{'items':['ingap'],'hours':'01:15-01:45'},"
                              "{'items':['half'],'hours':'01:30-02:30'},"
                              "{'items':['twice'],'hours':'01:00-01:30'}");
    int span = idx(pl, "span"), ingap = idx(pl, "ingap"), half = idx(pl, "half"),
        twice = idx(pl, "twice");
    /* Spring forward 2026-03-29T01:00Z: 01:00 GMT becomes 02:00 BST. */
    int64_t from = at("2026-03-29T00:00:00Z"), to = at("2026-03-29T04:00:00Z");
    plays p = predict(pl, NULL, from, to);
    check_basic(pl, NULL, &p, from, to);
    /* span: 00:30 GMT (00:30Z) to 03:00 BST (02:00Z): 1.5 h, not 2.5 h. */
    assert_false(sl_sched_eligible(pl, NULL, span, at("2026-03-29T00:29:59Z")));
    assert_true(sl_sched_eligible(pl, NULL, span, at("2026-03-29T00:30:00Z")));
    assert_true(sl_sched_eligible(pl, NULL, span, at("2026-03-29T01:59:59Z")));
    assert_false(sl_sched_eligible(pl, NULL, span, at("2026-03-29T02:00:00Z")));
    assert_true(count_in(&p, span, 0, at("2026-03-29T00:30:00Z"), at("2026-03-29T02:00:00Z")) > 0);
    /* ingap lies wholly in the skipped hour: never that day. */
    assert_int_equal(count_in(&p, ingap, 0, from, to), 0);
    /* half: from the transition (02:00 BST = 01:00Z) to 02:30 BST = 01:30Z. */
    assert_false(sl_sched_eligible(pl, NULL, half, at("2026-03-29T00:59:59.999Z")));
    assert_true(sl_sched_eligible(pl, NULL, half, at("2026-03-29T01:00:00Z")));
    assert_false(sl_sched_eligible(pl, NULL, half, at("2026-03-29T01:30:00Z")));
    free(p.v);

    /* Fall back 2026-10-25T01:00Z: 01:00-02:00 local happens twice. */
    from = at("2026-10-25T00:00:00+01:00");
    to = at("2026-10-25T04:00:00Z");
    p = predict(pl, NULL, from, to);
    check_basic(pl, NULL, &p, from, to);
    /* twice: 00:00Z-00:30Z (BST) and 01:00Z-01:30Z (GMT). */
    assert_true(sl_sched_eligible(pl, NULL, twice, at("2026-10-25T00:10:00Z")));
    assert_false(sl_sched_eligible(pl, NULL, twice, at("2026-10-25T00:45:00Z")));
    assert_true(sl_sched_eligible(pl, NULL, twice, at("2026-10-25T01:10:00Z")));
    assert_false(sl_sched_eligible(pl, NULL, twice, at("2026-10-25T01:30:00Z")));
    assert_true(count_in(&p, twice, 0, at("2026-10-25T00:00:00Z"), at("2026-10-25T00:30:00Z")) > 0);
    assert_true(count_in(&p, twice, 0, at("2026-10-25T01:00:00Z"), at("2026-10-25T01:30:00Z")) > 0);
    assert_int_equal(count_in(&p, twice, 0, at("2026-10-25T00:30:00Z"), at("2026-10-25T01:00:00Z")),
                     0);
    /* span: 00:30 BST (2026-10-24T23:30Z) to 03:00 GMT (03:00Z): 3.5 h. */
    assert_true(sl_sched_eligible(pl, NULL, span, at("2026-10-25T02:59:59Z")));
    assert_false(sl_sched_eligible(pl, NULL, span, at("2026-10-25T03:00:00Z")));
    free(p.v);
    sl_playlist_free(pl);
}

static void test_leap_day(void **state)
{
    (void)state;
    sl_playlist *pl = mk_main("Asia/Shanghai", TXT("base", 10) "," TXT("leap", 10),
                              "{'items':['leap'],'dates':{'from':'2028-02-29','to':'2028-02-29'},"
                              "'weekdays':['tue']}");
    int leap = idx(pl, "leap");
    assert_false(sl_sched_eligible(pl, NULL, leap, at("2028-02-28T23:59:59.999+08:00")));
    assert_true(sl_sched_eligible(pl, NULL, leap, at("2028-02-29T00:00:00+08:00")));
    assert_true(sl_sched_eligible(pl, NULL, leap, at("2028-02-29T23:59:59.999+08:00")));
    assert_false(sl_sched_eligible(pl, NULL, leap, at("2028-03-01T00:00:00+08:00")));
    int64_t from = at("2028-02-28T23:00:00+08:00"), to = at("2028-03-01T01:00:00+08:00");
    plays p = predict(pl, NULL, from, to);
    check_basic(pl, NULL, &p, from, to);
    assert_int_equal(count_in(&p, leap, 0, from, to), 4320);
    assert_int_equal(count_in(&p, leap, 0, at("2028-02-29T00:00:00+08:00"),
                              at("2028-03-01T00:00:00+08:00")),
                     4320);
    free(p.v);
    sl_playlist_free(pl);
}

/* A window that ends in the middle of an item: the play is cut, nothing runs past the end. */
static void test_window_ends_mid_item(void **state)
{
    (void)state;
    sl_playlist *pl = mk_main("Asia/Shanghai", TXT("only", 30),
                              "{'items':['only'],'hours':'08:00-08:01:10'}");
    int only = idx(pl, "only");
    int64_t from = at("2026-11-25T07:59:00+08:00"), to = at("2026-11-25T08:03:00+08:00");
    plays p = predict(pl, NULL, from, to);
    check_basic(pl, NULL, &p, from, to);
    struct {
        int item;
        const char *start;
        int64_t dur;
    } want[] = {
        {-1, "2026-11-25T07:59:00+08:00", 20000},   {-1, "2026-11-25T07:59:20+08:00", 20000},
        {-1, "2026-11-25T07:59:40+08:00", 20000},   {0, "2026-11-25T08:00:00+08:00", 30000},
        {0, "2026-11-25T08:00:30+08:00", 30000},    {0, "2026-11-25T08:01:00+08:00", 10000},
        {-1, "2026-11-25T08:01:10+08:00", 20000},   {-1, "2026-11-25T08:01:30+08:00", 20000},
        {-1, "2026-11-25T08:01:50+08:00", 20000},   {-1, "2026-11-25T08:02:10+08:00", 20000},
        {-1, "2026-11-25T08:02:30+08:00", 20000},   {-1, "2026-11-25T08:02:50+08:00", 10000},
    };
    assert_int_equal(p.n, sizeof want / sizeof want[0]);
    for (size_t i = 0; i < p.n; i++) {
        assert_int_equal(p.v[i].item, want[i].item < 0 ? pl->fallback : only);
        assert_true(p.v[i].start_ms == at(want[i].start));
        assert_true(p.v[i].duration_ms == want[i].dur);
    }
    sl_pick pk = next(pl, NULL, 0, at("2026-11-25T08:01:00+08:00"), NULL);
    assert_int_equal(pk.item, only);
    assert_true(pk.duration_ms == 10000);
    assert_true(pk.cut_short);
    assert_int_equal(pk.reason, SL_PICK_ROTATION);
    pk = next(pl, NULL, 0, at("2026-11-25T08:01:09.999+08:00"), NULL);
    assert_true(pk.duration_ms == 1);
    free(p.v);
    sl_playlist_free(pl);
}

static void test_priorities(void **state)
{
    (void)state;
    sl_playlist *pl = mk_main("Asia/Shanghai",
                              TXT("low", 10) "," TXT("mid", 10) "," TXT("high", 10) ","
                                  TXT("dual", 10),
                              "{'items':['mid'],'priority':1},"
                              "{'items':['high'],'hours':'10:00-11:00','priority':2},"
                              "{'items':['dual'],'priority':0},"
                              "{'items':['dual'],'hours':'12:00-13:00','priority':5}");
    int low = idx(pl, "low"), mid = idx(pl, "mid"), high = idx(pl, "high"), dual = idx(pl, "dual");
    int64_t from = at("2026-11-25T09:00:00+08:00"), to = at("2026-11-25T14:00:00+08:00");
    plays p = predict(pl, NULL, from, to);
    check_basic(pl, NULL, &p, from, to);
    int64_t h10 = at("2026-11-25T10:00:00+08:00"), h11 = h10 + SL_MS_PER_HOUR,
            h12 = h11 + SL_MS_PER_HOUR, h13 = h12 + SL_MS_PER_HOUR;
    assert_int_equal(count_in(&p, low, 0, from, to), 0); /* mid (1) always outranks it */
    assert_int_equal(count_in(&p, dual, 0, from, h12), 0);
    assert_int_equal(count_in(&p, dual, 0, h13, to), 0);
    assert_int_equal(count_in(&p, high, 0, h10, h11), 360); /* alone at priority 2 */
    assert_int_equal(count_in(&p, mid, 0, h10, h11), 0);
    assert_int_equal(count_in(&p, dual, 0, h12, h13), 360); /* its best matching rule: 5 */
    assert_int_equal(count_in(&p, mid, 0, from, h10), 360);
    assert_int_equal(count_in(&p, mid, 0, h11, h12), 360);
    free(p.v);
    sl_playlist_free(pl);
}

static void test_tags(void **state)
{
    (void)state;
    sl_playlist *pl = mk_main("Asia/Shanghai", TXT("all", 10) "," TXT("bank", 10) "," TXT("b2", 10),
                              "{'items':['bank'],'tags':['bank','atm'],'priority':1},"
                              "{'items':['b2'],'tags':['lobby']}");
    int all = idx(pl, "all"), bank = idx(pl, "bank"), b2 = idx(pl, "b2");
    sl_tags t_bank, t_lobby, t_none;
    assert_int_equal(sl_tags_parse("bank", &t_bank), 0);
    assert_int_equal(sl_tags_parse("lobby,foyer", &t_lobby), 0);
    assert_int_equal(sl_tags_parse("", &t_none), 0);
    int64_t t = at("2026-11-25T09:00:00+08:00");
    assert_true(sl_sched_eligible(pl, &t_bank, bank, t));
    assert_false(sl_sched_eligible(pl, &t_lobby, bank, t));
    assert_false(sl_sched_eligible(pl, &t_none, bank, t));
    assert_false(sl_sched_eligible(pl, NULL, bank, t));
    assert_true(sl_sched_eligible(pl, &t_lobby, b2, t));
    assert_false(sl_sched_eligible(pl, &t_bank, b2, t));
    assert_true(sl_sched_eligible(pl, NULL, all, t));
    assert_true(sl_sched_eligible(pl, &t_bank, all, t));

    plays p = predict(pl, &t_bank, t, t + SL_MS_PER_HOUR);
    check_basic(pl, &t_bank, &p, t, t + SL_MS_PER_HOUR);
    assert_int_equal(count_in(&p, bank, 0, t, t + SL_MS_PER_HOUR), 360); /* priority 1 */
    free(p.v);
    p = predict(pl, &t_lobby, t, t + SL_MS_PER_HOUR);
    check_basic(pl, &t_lobby, &p, t, t + SL_MS_PER_HOUR);
    assert_int_equal(count_in(&p, all, 0, t, t + SL_MS_PER_HOUR), 180);
    assert_int_equal(count_in(&p, b2, 0, t, t + SL_MS_PER_HOUR), 180);
    free(p.v);
    sl_tags_free(&t_bank);
    sl_tags_free(&t_lobby);
    sl_tags_free(&t_none);
    sl_playlist_free(pl);
}

/* ---------- urgent alerts ---------- */

static const char *const URGENT_PL =
    "{'format':1,'name':'u','timezone':'Asia/Shanghai',"
    "'zones':[{'id':'main','x':0,'y':0,'w':100,'h':88},"
    "{'id':'ticker','x':0,'y':88,'w':100,'h':12}],"
    "'items':[{'id':'p1','zone':'main','type':'image','file':'a.png','duration':7},"
    "{'id':'p2','zone':'main','type':'image','file':'b.png','duration':7,'comment':'hi'},"
    "{'id':'alert','zone':'main','type':'text','text':'!','duration':20},"
    "{'id':'alert2','zone':'main','type':'text','text':'!!','duration':20},"
    "{'id':'other','zone':'main','type':'text','text':'?','duration':20},"
    "{'id':'s1','zone':'ticker','type':'text','text':'t','duration':20}],"
    "'rules':[{'items':['alert'],'urgent':true,'from':'2026-11-25T10:00:00+08:00',"
    "'until':'2026-11-25T10:30:00+08:00'},"
    "{'items':['alert2'],'urgent':true,'from':'2026-11-25T10:10:00+08:00',"
    "'until':'2026-11-25T10:20:05+08:00'},"
    "{'items':['other'],'urgent':true,'tags':['elsewhere'],'from':'2026-11-25T09:00:00+08:00',"
    "'until':'2026-11-25T12:00:00+08:00'}],"
    "'fallback':{'type':'text','text':'fb'}}";

static void test_urgent(void **state)
{
    (void)state;
    sl_playlist *pl = mk(URGENT_PL);
    int p1 = idx(pl, "p1"), p2 = idx(pl, "p2"), alert = idx(pl, "alert");
    int alert2 = idx(pl, "alert2"), other = idx(pl, "other"), s1 = idx(pl, "s1");
    int64_t a0 = at("2026-11-25T10:00:00+08:00"), a1 = at("2026-11-25T10:30:00+08:00");
    int64_t b0 = at("2026-11-25T10:10:00+08:00"), b1 = at("2026-11-25T10:20:05+08:00");
    assert_false(sl_sched_eligible(pl, NULL, alert, a0 - 1));
    assert_true(sl_sched_eligible(pl, NULL, alert, a0));
    assert_true(sl_sched_eligible(pl, NULL, alert, a1 - 1));
    assert_false(sl_sched_eligible(pl, NULL, alert, a1));
    assert_false(sl_sched_eligible(pl, NULL, other, a0)); /* not this screen's alert */

    /* A play that would run into the alert is cut so that it starts on time. */
    sl_pick pk = next(pl, NULL, 0, a0 - 3000, NULL);
    assert_int_equal(pk.reason, SL_PICK_ROTATION);
    assert_true(pk.duration_ms == 3000);
    assert_true(pk.cut_short);
    pk = next(pl, NULL, 0, a0, NULL);
    assert_int_equal(pk.item, alert);
    assert_int_equal(pk.reason, SL_PICK_URGENT);
    pk = next(pl, NULL, 0, a1 - 5000, NULL);
    assert_int_equal(pk.item, alert);
    assert_true(pk.duration_ms == 5000); /* cut at "until" */
    assert_true(pk.cut_short);

    int64_t from = at("2026-11-25T09:50:00+08:00"), to = at("2026-11-25T10:40:00+08:00");
    plays p = predict(pl, NULL, from, to);
    check_basic(pl, NULL, &p, from, to);
    bool started = false;
    for (size_t i = 0; i < p.n; i++) {
        const sl_play *q = &p.v[i];
        if (q->zone != 0)
            continue;
        int64_t end = q->start_ms + q->duration_ms;
        if (q->start_ms < a0 || q->start_ms >= a1) {
            assert_true(q->item == p1 || q->item == p2);
            assert_true(end <= a0 || q->start_ms >= a1); /* nothing overlaps the alert */
        } else {
            assert_true(q->item == alert || q->item == alert2);
            assert_true(end <= a1);
            if (q->item == alert2)
                assert_true(q->start_ms >= b0 && end <= b1);
            /* Both alerts rotate while both are on. */
            if (q->start_ms >= b0 + 40000 && end <= b1 - 40000 && i >= 1 && p.v[i - 1].zone == 0)
                assert_int_not_equal(p.v[i - 1].item, q->item);
        }
        if (q->start_ms == a0) {
            assert_int_equal(q->item, alert);
            started = true;
        }
    }
    assert_true(started);
    assert_true(count_in(&p, alert2, 0, b0, b1) >= 14);
    /* The ticker zone is not affected. */
    assert_int_equal(count_in(&p, s1, 1, from, to), 150);
    free(p.v);
    sl_playlist_free(pl);
}

/* ---------- fallback ---------- */

static void test_fallback(void **state)
{
    (void)state;
    sl_playlist *pl = mk("{'format':1,'name':'f','timezone':'Asia/Shanghai',"
                         "'zones':[{'id':'main','x':0,'y':0,'w':100,'h':90},"
                         "{'id':'empty','x':0,'y':90,'w':100,'h':10}],"
                         "'items':[{'id':'later','zone':'main','type':'text','text':'l',"
                         "'duration':10}],"
                         "'rules':[{'items':['later'],'dates':{'from':'2026-11-25'},"
                         "'hours':'10:00:05-11:00'}],"
                         "'fallback':{'type':'text','text':'fb','duration':20}}");
    int later = idx(pl, "later");
    sl_pick pk = next(pl, NULL, 0, at("2026-11-25T09:00:00+08:00"), NULL);
    assert_int_equal(pk.item, pl->fallback);
    assert_int_equal(pk.reason, SL_PICK_FALLBACK);
    assert_true(pk.duration_ms == 20000);
    assert_false(pk.cut_short);
    pk = next(pl, NULL, 0, at("2026-11-25T10:00:00+08:00"), NULL);
    assert_int_equal(pk.item, pl->fallback);
    assert_true(pk.duration_ms == 5000); /* until "later" becomes eligible */
    assert_true(pk.cut_short);
    pk = next(pl, NULL, 0, at("2026-11-25T10:00:04.5+08:00"), NULL);
    assert_true(pk.duration_ms == 1000); /* at least 1 s */
    pk = next(pl, NULL, 0, at("2026-11-25T10:00:05+08:00"), NULL);
    assert_int_equal(pk.item, later);
    /* Before the campaign's first day: the next start is days away. */
    pk = next(pl, NULL, 0, at("2026-11-20T10:00:00+08:00"), NULL);
    assert_int_equal(pk.item, pl->fallback);
    assert_true(pk.duration_ms == 20000);
    /* A zone with no items at all. */
    pk = next(pl, NULL, 1, at("2026-11-25T10:30:00+08:00"), NULL);
    assert_int_equal(pk.item, pl->fallback);
    assert_true(pk.duration_ms == 20000);

    int64_t from = at("2026-11-25T09:59:00+08:00"), to = at("2026-11-25T11:01:00+08:00");
    plays p = predict(pl, NULL, from, to);
    check_basic(pl, NULL, &p, from, to);
    int64_t s = at("2026-11-25T10:00:05+08:00");
    for (size_t i = 0; i < p.n; i++)
        if (p.v[i].zone == 0 && p.v[i].start_ms == s)
            assert_int_equal(p.v[i].item, later);
    /* 10:00:05 to 11:00, the last one cut to 5 s. */
    assert_int_equal(count_in(&p, later, 0, from, to), 360);
    free(p.v);
    sl_playlist_free(pl);
}

/* ---------- frequency floors ---------- */

/* Checks that in every clock hour [h, h + 1 h) from `from` for `hours` hours,
 * each floor item played at least its floor, and, when `paced`, that its
 * k-th play started by h + k/f of the hour. */
static void check_floors(const sl_playlist *pl, const plays *p, int64_t from, int hours,
                         bool paced)
{
    for (int hr = 0; hr < hours; hr++) {
        int64_t h0 = from + hr * SL_MS_PER_HOUR, h1 = h0 + SL_MS_PER_HOUR;
        for (size_t i = 0; i < pl->n_items; i++) {
            int f = sl_sched_floor(pl, NULL, (int)i, h0);
            assert_int_equal(f, sl_sched_floor(pl, NULL, (int)i, h1 - 1));
            if (f == 0)
                continue;
            int zone = pl->items[i].zone;
            size_t n = count_in(p, (int)i, zone, h0, h1);
            if (n < (size_t)f)
                fail_msg("hour %d: %s played %zu times, floor %d", hr, pl->items[i].id, n, f);
            for (int k = 1; paced && k <= f; k++) {
                int64_t by = h0 + k * SL_MS_PER_HOUR / f;
                assert_true(count_in(p, (int)i, zone, h0, by) >= (size_t)k);
            }
        }
    }
}

/* The example campaign: p1 at least 6 an hour inside 08:30-17:30 on weekdays,
 * competing with higher-priority items. */
static void test_floor_basic(void **state)
{
    (void)state;
    sl_playlist *pl = mk_main("Asia/Shanghai",
                              TXT("h1", 15) "," TXT("h2", 15) "," TXT("p1", 10),
                              "{'items':['h1','h2'],'priority':3},"
                              "{'items':['p1'],'dates':{'from':'2026-11-25','to':'2026-12-31'},"
                              "'weekdays':['mon','tue','wed','thu','fri'],'hours':'08:30-17:30',"
                              "'min_per_hour':6,'priority':1}");
    int p1 = idx(pl, "p1");
    assert_int_equal(sl_sched_floor(pl, NULL, p1, at("2026-11-25T08:45:00+08:00")), 0);
    assert_int_equal(sl_sched_floor(pl, NULL, p1, at("2026-11-25T09:00:00+08:00")), 6);
    assert_int_equal(sl_sched_floor(pl, NULL, p1, at("2026-11-25T16:59:59+08:00")), 6);
    assert_int_equal(sl_sched_floor(pl, NULL, p1, at("2026-11-25T17:00:00+08:00")), 0);
    assert_int_equal(sl_sched_floor(pl, NULL, p1, at("2026-11-28T12:00:00+08:00")), 0); /* sat */
    assert_int_equal(sl_sched_floor(pl, NULL, idx(pl, "h1"), at("2026-11-25T12:00:00+08:00")), 0);

    int64_t from = at("2026-11-25T08:00:00+08:00"), to = from + 10 * SL_MS_PER_HOUR;
    plays p = predict(pl, NULL, from, to);
    check_basic(pl, NULL, &p, from, to);
    check_floors(pl, &p, from, 10, true);
    /* Exactly the floor, no more: p1 has the lower priority and plays only for its floor. */
    for (int hr = 1; hr < 9; hr++)
        assert_int_equal(count_in(&p, p1, 0, from + hr * SL_MS_PER_HOUR,
                                  from + (hr + 1) * SL_MS_PER_HOUR),
                         6);
    assert_int_equal(count_in(&p, p1, 0, from, from + SL_MS_PER_HOUR), 0);
    assert_int_equal(count_in(&p, p1, 0, from + 9 * SL_MS_PER_HOUR, to), 0);

    /* The reason is "floor" when the floor, not the rotation, chose it. */
    sl_history h;
    assert_int_equal(sl_history_init(&h, 0), 0);
    int64_t t = at("2026-11-25T09:00:00+08:00");
    int floor_picks = 0;
    while (t < at("2026-11-25T10:00:00+08:00")) {
        sl_pick pk = next(pl, NULL, 0, t, &h);
        if (pk.item == p1) {
            assert_int_equal(pk.reason, SL_PICK_FLOOR);
            floor_picks++;
        } else {
            assert_int_equal(pk.reason, SL_PICK_ROTATION);
        }
        sl_play q = {pk.item, 0, t, pk.duration_ms};
        sl_history_push(&h, &q);
        t += pk.duration_ms;
    }
    assert_int_equal(floor_picks, 6);
    sl_history_free(&h);
    free(p.v);
    sl_playlist_free(pl);
}

/* An item a player left out after its start (it cannot be shown) is never
 * picked, not for rotation, not for its floor; and when it was all a zone
 * had, the zone shows its fallback. */
static void test_left_out(void **state)
{
    (void)state;
    sl_playlist *pl = mk_main("UTC", TXT("a", 10) "," TXT("bad", 10) "," TXT("c", 10),
                              "{'items':['bad'],'min_per_hour':30}");
    int64_t from = at("2026-11-25T09:00:00Z"), to = from + SL_MS_PER_HOUR;
    int bad = idx(pl, "bad");
    plays p = predict(pl, NULL, from, to);
    assert_true(count_in(&p, bad, 0, from, to) >= 30); /* the floor, before */
    free(p.v);

    pl->items[bad].left_out = true;
    assert_false(sl_sched_eligible(pl, NULL, bad, from));
    p = predict(pl, NULL, from, to);
    check_basic(pl, NULL, &p, from, to);
    assert_int_equal(count_in(&p, bad, 0, from, to), 0);
    assert_int_equal(count_in(&p, idx(pl, "a"), 0, from, to), 180);
    assert_int_equal(count_in(&p, idx(pl, "c"), 0, from, to), 180);
    free(p.v);

    pl->items[idx(pl, "a")].left_out = true;
    pl->items[idx(pl, "c")].left_out = true;
    sl_history h;
    assert_int_equal(sl_history_init(&h, 0), 0);
    sl_pick pk = next(pl, NULL, 0, from, &h);
    assert_int_equal(pk.item, pl->fallback);
    assert_int_equal(pk.reason, SL_PICK_FALLBACK);
    sl_history_free(&h);
    sl_playlist_free(pl);
}

/* Floors needing 78 % of every hour, against long high-priority items. */
static void test_floor_tight(void **state)
{
    (void)state;
    sl_playlist *pl = mk_main(
        "Europe/London",
        TXT("a", 10) "," TXT("b", 15) "," TXT("c", 30) "," TXT("long1", 120) "," TXT(
            "long2", 300) "," TXT("x", 45),
        "{'items':['a'],'min_per_hour':100},"
        "{'items':['b'],'min_per_hour':80,'priority':-1},"
        "{'items':['c'],'min_per_hour':20,'hours':'00:00-23:00'},"
        "{'items':['long1','long2','x'],'priority':9}");
    int64_t from = at("2026-07-01T00:00:00+01:00");
    int hours = 10;
    int64_t to = from + hours * SL_MS_PER_HOUR;
    plays p = predict(pl, NULL, from, to);
    check_basic(pl, NULL, &p, from, to);
    check_floors(pl, &p, from, hours, false);
    /* The high-priority items share the rest of the time and rotate fairly. */
    int l1 = idx(pl, "long1"), l2 = idx(pl, "long2"), x = idx(pl, "x");
    size_t n1 = count_in(&p, l1, 0, from, to), n2 = count_in(&p, l2, 0, from, to),
           nx = count_in(&p, x, 0, from, to);
    assert_true(n1 > 0 && n2 > 0 && nx > 0);
    assert_true(n1 <= n2 + 2 && n2 <= n1 + 2 && nx <= n1 + 2 && n1 <= nx + 2);
    free(p.v);

    /* 97 %: a, b and c need 3500 s an hour. */
    sl_playlist_free(pl);
    pl = mk_main("Asia/Shanghai",
                 TXT("a", 10) "," TXT("b", 15) "," TXT("c", 25) "," TXT("long", 90),
                 "{'items':['a'],'min_per_hour':125},"
                 "{'items':['b'],'min_per_hour':100},"
                 "{'items':['c'],'min_per_hour':30},"
                 "{'items':['long'],'priority':1}");
    from = at("2026-11-25T08:00:00+08:00");
    to = from + hours * SL_MS_PER_HOUR;
    p = predict(pl, NULL, from, to);
    check_basic(pl, NULL, &p, from, to);
    check_floors(pl, &p, from, hours, false);
    assert_true(count_in(&p, idx(pl, "long"), 0, from, to) > 0);
    free(p.v);
    sl_playlist_free(pl);
}

/* A long item late in an hour would eat into the next hour's floors: another
 * one plays, or it is cut at the hour. */
static void test_floor_next_hour(void **state)
{
    (void)state;
    sl_playlist *pl = mk_main("Asia/Shanghai",
                              TXT("big", 700) "," TXT("a", 10) "," TXT("b", 25),
                              "{'items':['big'],'priority':5},"
                              "{'items':['a'],'hours':'11:00-12:00','min_per_hour':200},"
                              "{'items':['b'],'hours':'11:00-12:00','min_per_hour':60}");
    int big = idx(pl, "big");
    int64_t from = at("2026-11-25T10:00:00+08:00"), h11 = at("2026-11-25T11:00:00+08:00");
    int64_t to = from + 3 * SL_MS_PER_HOUR;
    plays p = predict(pl, NULL, from, to);
    check_basic(pl, NULL, &p, from, to);
    check_floors(pl, &p, from, 3, false);
    /* big at 10:00, 10:11:40, 10:23:20, 10:35, 10:46:40, then 10:58:20 cut to 100 s. */
    assert_int_equal(count_in(&p, big, 0, from, h11), 6);
    for (size_t i = 0; i < p.n; i++)
        if (p.v[i].start_ms == at("2026-11-25T10:58:20+08:00"))
            assert_true(p.v[i].item == big && p.v[i].duration_ms == 100000);
    sl_history h;
    assert_int_equal(sl_history_init(&h, 0), 0);
    sl_pick pk = next(pl, NULL, 0, at("2026-11-25T10:58:20+08:00"), &h);
    assert_true(pk.cut_short && pk.duration_ms == 100000);
    sl_history_free(&h);
    free(p.v);
    sl_playlist_free(pl);
}


/* Random playlists whose floors fit in the hour (sum f * d <= 1 h): every
 * floor is met in every hour, whatever the competing items, priorities and
 * windows. A deterministic generator keeps failures reproducible. */
static uint32_t lcg(uint32_t *x)
{
    *x = *x * 1664525u + 1013904223u;
    return *x >> 8;
}

static void test_floor_random(void **state)
{
    (void)state;
    static const char *const tzs[] = {"Europe/London", "Asia/Shanghai", "+05:30",
                                      "America/New_York"};
    static const char *const hours[] = {"", "'hours':'09:00-17:00',", "'hours':'22:00-04:00',",
                                        "'hours':'01:00-03:00',", "'weekdays':['sun'],"};
    uint32_t seed = 12345;
    for (int round = 0; round < 150; round++) {
        char items[8192] = "", rules[8192] = "";
        int n_floor = 1 + (int)(lcg(&seed) % 5), n_other = (int)(lcg(&seed) % 5);
        int64_t budget_s = 1800 + (int64_t)(lcg(&seed) % 1801); /* 50 % to 100 % of the hour */
        int64_t used = 0;
        for (int i = 0; i < n_floor; i++) {
            int d = 1 + (int)(lcg(&seed) % 40);
            int64_t share = budget_s / n_floor;
            int f = (int)(share / d);
            if (f < 1)
                f = 1;
            if (used + (int64_t)f * d > budget_s)
                f = (int)((budget_s - used) / d);
            used += (int64_t)f * d;
            char one[256];
            snprintf(one, sizeof one, "%s{'id':'f%d','zone':'main','type':'text','text':'x',"
                                      "'duration':%d}", i ? "," : "", i, d);
            strcat(items, one);
            if (f > 0) {
                snprintf(one, sizeof one, "%s{'items':['f%d'],%s'min_per_hour':%d,'priority':%d}",
                         rules[0] ? "," : "", i, hours[lcg(&seed) % 5], f,
                         (int)(lcg(&seed) % 3) - 1);
                strcat(rules, one);
            }
        }
        for (int i = 0; i < n_other; i++) {
            char one[256];
            int d = 1 + (int)(lcg(&seed) % (i == 0 ? 1200 : 120));
            snprintf(one, sizeof one, ",{'id':'o%d','zone':'main','type':'video','file':'v.mp4',"
                                      "'duration':%d}", i, d);
            strcat(items, one);
            snprintf(one, sizeof one, "%s{'items':['o%d'],%s'priority':%d}", rules[0] ? "," : "",
                     i, hours[lcg(&seed) % 5], (int)(lcg(&seed) % 4));
            strcat(rules, one);
        }
        sl_playlist *pl = mk_main(tzs[round % 4], items, rules);
        /* Whole local hours: 2026-03-29 and 2026-10-25 are DST days in London. */
        static const char *const starts[] = {"2026-03-28T20:00:00Z", "2026-10-24T20:00:00Z",
                                             "2026-11-25T00:00:00+08:00",
                                             "2026-11-22T03:30:00Z"};
        int64_t from = at(starts[(round / 4) % 4]);
        int64_t local = sl_tz_to_local(pl->tz, from);
        from -= local - sl_floordiv(local, SL_MS_PER_HOUR) * SL_MS_PER_HOUR; /* a local hour */
        int n_hours = 12;
        int64_t to = from + n_hours * SL_MS_PER_HOUR;
        plays p = predict(pl, NULL, from, to);
        check_basic(pl, NULL, &p, from, to);
        /* Hours as the schedule sees them (London's DST hours are still 1 h long). */
        check_floors(pl, &p, from, n_hours, false);
        free(p.v);
        sl_playlist_free(pl);
    }
}

/* ---------- determinism and speed ---------- */

static sl_playlist *mk_busy(void)
{
    char items[8192] = "";
    for (int i = 0; i < 20; i++) {
        char one[200];
        snprintf(one, sizeof one, "%s{'id':'i%d','zone':'%s','type':'text','text':'x',"
                                  "'duration':%d}", i ? "," : "", i, i < 16 ? "main" : "ticker",
                 1 + (i * 7) % 10);
        strcat(items, one);
    }
    char buf[16384];
    snprintf(buf, sizeof buf,
             "{'format':1,'name':'busy','timezone':'Europe/London',"
             "'zones':[{'id':'main','x':0,'y':0,'w':100,'h':88},"
             "{'id':'ticker','x':0,'y':88,'w':100,'h':12}],"
             "'items':[%s],"
             "'rules':[{'items':['i0','i1'],'min_per_hour':60,'priority':-1},"
             "{'items':['i2'],'hours':'09:00-17:00','min_per_hour':30,'weekdays':['mon','tue']},"
             "{'items':['i3','i4','i5'],'priority':1,'hours':'10:00-12:00'},"
             "{'items':['i6'],'hours':'22:00-06:00'},"
             "{'items':['i7'],'tags':['bank']},"
             "{'items':['i8'],'urgent':true,'from':'2026-11-23T13:00:00Z',"
             "'until':'2026-11-23T13:05:00Z'},"
             "{'items':['i16'],'min_per_hour':100}],"
             "'fallback':{'type':'text','text':'fb'}}",
             items);
    return mk(buf);
}

static void test_deterministic(void **state)
{
    (void)state;
    sl_playlist *pl = mk_busy();
    sl_tags tags;
    assert_int_equal(sl_tags_parse("bank", &tags), 0);
    int64_t from = at("2026-11-23T07:00:00Z"), to = from + 10 * SL_MS_PER_HOUR;
    plays a = predict(pl, &tags, from, to), b = predict(pl, &tags, from, to);
    assert_int_equal(a.n, b.n);
    assert_memory_equal(a.v, b.v, a.n * sizeof *a.v);
    check_basic(pl, &tags, &a, from, to);
    check_floors(pl, &a, from, 10, false);
    /* The same plays when the player asks one by one with one shared history. */
    sl_history h;
    assert_int_equal(sl_history_init(&h, 0), 0);
    int64_t t[2] = {from, from};
    size_t k[2] = {0, 0};
    size_t first_ticker = 0;
    while (first_ticker < a.n && a.v[first_ticker].zone == 0)
        first_ticker++;
    k[1] = first_ticker;
    while (t[0] < to || t[1] < to) {
        int z = t[0] <= t[1] ? 0 : 1;
        if (t[z] >= to)
            z = 1 - z;
        sl_pick pk = next(pl, &tags, z, t[z], &h);
        int64_t d = pk.duration_ms < to - t[z] ? pk.duration_ms : to - t[z];
        const sl_play *want = &a.v[k[z]++];
        assert_int_equal(want->item, pk.item);
        assert_true(want->start_ms == t[z] && want->duration_ms == d);
        sl_play q = {pk.item, z, t[z], d};
        sl_history_push(&h, &q);
        t[z] += d;
    }
    sl_history_free(&h);
    free(a.v);
    free(b.v);
    sl_tags_free(&tags);
    sl_playlist_free(pl);
}

/* Many plays: every one predicted, floors kept. The time taken is printed,
 * not asserted (a busy machine would fail it; ctest's limit catches a hang). */
static void test_speed(void **state)
{
    (void)state;
    sl_playlist *pl = mk_busy();
    int64_t from = at("2026-11-23T07:00:00Z"), to = from + 10 * SL_MS_PER_HOUR;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    plays p = predict(pl, NULL, from, to);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    print_message("predicted 10 h, %zu plays, in %.3f s\n", p.n, s);
    assert_true(p.n > 10000);
    free(p.v);
    sl_playlist_free(pl);

    /* The worst case for the history scan: 1-s items, floors counted over 3600 plays an hour. */
    char items[4096] = "", rules[1024] = "";
    for (int i = 0; i < 20; i++) {
        char one[160];
        snprintf(one, sizeof one, "%s{'id':'i%d','zone':'main','type':'text','text':'x',"
                                  "'duration':1}", i ? "," : "", i);
        strcat(items, one);
    }
    strcat(rules, "{'items':['i0','i1','i2','i3','i4'],'min_per_hour':300,'priority':-1},"
                  "{'items':['i5','i6'],'priority':1,'hours':'08:00-12:00'}");
    pl = mk_main("Europe/London", items, rules);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    p = predict(pl, NULL, from, to);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    print_message("predicted 10 h of 1-s items, %zu plays, in %.3f s\n", p.n, s);
    assert_int_equal(p.n, 36000);
    check_floors(pl, &p, from, 10, true);
    free(p.v);
    sl_playlist_free(pl);
}

/* ---------- fixed times ("at", "every") ---------- */

/* A playlist in tz with a picture zone of rotating posters (7 s) and a sound
 * zone "voice", plus the given extra items and rules. */
static sl_playlist *mk_voice(const char *tz, const char *items, const char *rules)
{
    char buf[16384];
    snprintf(buf, sizeof buf,
             "{'format':1,'name':'t','timezone':'%s',"
             "'zones':[{'id':'main','x':0,'y':0,'w':100,'h':100},{'id':'voice','sound':true}],"
             "'items':[{'id':'p1','zone':'main','type':'image','file':'a.png','duration':7},"
             "{'id':'p2','zone':'main','type':'image','file':'b.png','duration':7},%s],"
             "'rules':[%s],'fallback':{'type':'text','text':'fb'}}",
             tz, items, rules);
    return mk(buf);
}

/* Every play inside its item's window (a sound zone's silence is not in the list). */
static void check_windows(const sl_playlist *pl, const plays *p)
{
    for (size_t i = 0; i < p->n; i++)
        check_eligible_throughout(pl, NULL, &p->v[i]);
}

/* The starts of item's plays, as "HH:MM:SS+dur" local times joined by spaces. */
static void starts_of(const sl_playlist *pl, const plays *p, int item, char *buf, size_t len)
{
    size_t at_ = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < p->n && at_ < len; i++) {
        if (p->v[i].item != item)
            continue;
        int64_t local = sl_tz_to_local(pl->tz, p->v[i].start_ms);
        int64_t tod = (local - sl_floordiv(local, SL_MS_PER_DAY) * SL_MS_PER_DAY) / 1000;
        int w = snprintf(buf + at_, len - at_, "%s%02d:%02d:%02d+%lld", at_ ? " " : "",
                         (int)(tod / 3600), (int)(tod / 60 % 60), (int)(tod % 60),
                         (long long)p->v[i].duration_ms);
        at_ += w > 0 ? (size_t)w : 0;
    }
}

/* Predicts [from, to), checks every play is inside its window, and gives
 * the starts of `item` (see starts_of). The plays are returned in *out. */
static void timed_starts(const sl_playlist *pl, const char *item, int64_t from, int64_t to,
                         plays *out, char *buf, size_t len)
{
    *out = predict(pl, NULL, from, to);
    check_windows(pl, out);
    starts_of(pl, out, idx(pl, item), buf, len);
}

/* "at" in a DST-free zone: each time exactly, once, whatever the posters do;
 * a time late in the evening runs past midnight and belongs to its own day. */
static void test_at_times(void **state)
{
    (void)state;
    sl_playlist *pl = mk_voice("+05:30",
                               "{'id':'ann','zone':'voice','type':'audio','file':'a.mp3','duration':5}",
                               "{'items':['ann'],'at':['12:00','09:00','23:59:58'],'weekdays':['wed']}");
    int ann = idx(pl, "ann");
    assert_int_equal(pl->rules[0].n_at, 3);
    assert_int_equal(pl->rules[0].at_s[0], 9 * 3600); /* sorted */
    int64_t from = at("2026-11-25T08:00:00+05:30"), to = at("2026-11-27T01:00:00+05:30");
    plays p;
    char got[512];
    timed_starts(pl, "ann", from, to, &p, got, sizeof got);
    /* Wednesday only: Thursday 09:00 and 12:00 do not play; Wednesday's 23:59:58 runs into Thursday */
    assert_string_equal(got, "09:00:00+5000 12:00:00+5000 23:59:58+5000");
    /* the sound zone records no silence; the posters run all the time */
    assert_int_equal(count_in(&p, pl->fallback, 1, from, to), 0);
    assert_int_equal(count_in(&p, pl->fallback, 0, from, to), 0);
    /* The pick at 09:00 says why. */
    sl_pick pk;
    assert_int_equal(sl_sched_next(pl, NULL, 1, at("2026-11-25T09:00:00+05:30"), NULL, &pk), 0);
    assert_int_equal(pk.item, ann);
    assert_int_equal(pk.reason, SL_PICK_TIMED);
    assert_string_equal(sl_pick_reason_name(pk.reason), "timed");
    assert_int_equal(pk.duration_ms, 5000);
    /* between times the sound zone is silent (the fallback) until the next one exactly */
    assert_int_equal(sl_sched_next(pl, NULL, 1, at("2026-11-25T11:59:50+05:30"), NULL, &pk), 0);
    assert_int_equal(pk.item, pl->fallback);
    assert_true(pk.start_ms + pk.duration_ms <= at("2026-11-25T12:00:00+05:30"));
    free(p.v);
    sl_playlist_free(pl);
}

/* A picture at a fixed time in a zone that rotates posters: the poster
 * playing at that time is cut, and the picture starts on the second. */
static void test_at_picture_zone(void **state)
{
    (void)state;
    sl_playlist *pl = mk_voice("+08:00",
                               "{'id':'news','zone':'main','type':'image','file':'n.png','duration':20}",
                               "{'items':['news'],'at':['09:00']}");
    plays p;
    char got[256];
    timed_starts(pl, "news", at("2026-11-25T08:58:00+08:00"), at("2026-11-25T09:02:00+08:00"), &p,
                 got, sizeof got);
    assert_string_equal(got, "09:00:00+20000");
    free(p.v);
    sl_playlist_free(pl);
}

/* "every": N minutes from the start of the hours (or midnight), across
 * midnight, and the expected count in an hour. */
static void test_every(void **state)
{
    (void)state;
    sl_playlist *pl = mk_voice("-03:00",
                               "{'id':'a','zone':'voice','type':'audio','file':'a.mp3','duration':3},"
                               "{'id':'b','zone':'voice','type':'audio','file':'b.mp3','duration':4}",
                               "{'items':['a'],'every':30},"
                               "{'items':['b'],'every':45,'hours':'22:10-01:00','at':['22:20']}");
    int a = idx(pl, "a");
    assert_int_equal(pl->rules[0].n_at, 48);
    int64_t h0 = at("2026-11-25T10:00:00-03:00");
    plays p = predict(pl, NULL, h0, h0 + SL_MS_PER_HOUR);
    assert_int_equal(count_in(&p, a, 1, h0, h0 + SL_MS_PER_HOUR), 2);
    free(p.v);
    int64_t from = at("2026-11-25T21:00:00-03:00"), to = at("2026-11-26T02:00:00-03:00");
    char got[512];
    timed_starts(pl, "b", from, to, &p, got, sizeof got);
    /* 22:10, 22:55, 23:40, 00:25 from "every"; 22:20 from "at" */
    assert_string_equal(got, "22:10:00+4000 22:20:00+4000 22:55:00+4000 23:40:00+4000 00:25:00+4000");
    assert_int_equal(count_in(&p, a, 1, from, to), 10);
    free(p.v);
    sl_playlist_free(pl);
}

/* Two rules due at the same second in one zone (an "at" and an "every"):
 * both play, one after the other, the higher priority first, then in
 * playlist order; a rule of another zone or another screen does not queue;
 * nothing is lost over a day. */
static void test_at_same_time(void **state)
{
    (void)state;
    sl_playlist *pl = mk_voice("+08:00",
                               "{'id':'open','zone':'voice','type':'audio','file':'o.mp3','duration':6},"
                               "{'id':'rem','zone':'voice','type':'audio','file':'r.mp3','duration':4},"
                               "{'id':'vip','zone':'voice','type':'audio','file':'v.mp3','duration':3},"
                               "{'id':'news','zone':'main','type':'image','file':'n.png','duration':20}",
                               "{'items':['open'],'at':['09:00','12:00']},"
                               "{'items':['rem'],'every':30,'hours':'09:00-17:00'},"
                               "{'items':['vip'],'at':['12:00'],'priority':5,'tags':['lobby']},"
                               "{'items':['news'],'at':['09:00']}");
    int64_t from = at("2026-11-25T08:59:00+08:00"), to = at("2026-11-25T12:01:00+08:00");
    plays p;
    char got[512];
    timed_starts(pl, "open", from, to, &p, got, sizeof got);
    assert_string_equal(got, "09:00:00+6000 12:00:00+6000");
    free(p.v);
    timed_starts(pl, "rem", from, to, &p, got, sizeof got);
    /* after "open" at 09:00 and 12:00, on the second at 09:30 … 11:30 */
    assert_string_equal(got, "09:00:06+4000 09:30:00+4000 10:00:00+4000 10:30:00+4000 "
                             "11:00:00+4000 11:30:00+4000 12:00:06+4000");
    free(p.v);
    /* the picture zone's fixed time is not queued behind the sound zone's */
    timed_starts(pl, "news", from, to, &p, got, sizeof got);
    assert_string_equal(got, "09:00:00+20000");
    free(p.v);

    /* on a lobby screen the priority-5 rule goes first at 12:00 */
    sl_tags tags;
    assert_int_equal(sl_tags_parse("lobby", &tags), 0);
    p = predict(pl, &tags, at("2026-11-25T11:59:00+08:00"), to);
    char line[256] = "";
    for (size_t i = 0; i < p.n; i++) {
        if (p.v[i].zone != 1)
            continue;
        int64_t local = sl_tz_to_local(pl->tz, p.v[i].start_ms);
        char one[64];
        snprintf(one, sizeof one, "%s%s@%lld+%lld", line[0] ? " " : "", pl->items[p.v[i].item].id,
                 (long long)(sl_floordiv(local, 1000) % 60), (long long)p.v[i].duration_ms);
        strncat(line, one, sizeof line - strlen(line) - 1);
    }
    assert_string_equal(line, "vip@0+3000 open@3+6000 rem@9+4000");
    /* the picks say the same as the prediction */
    sl_pick pk;
    assert_int_equal(sl_sched_next(pl, &tags, 1, at("2026-11-25T12:00:03+08:00"), NULL, &pk), 0);
    assert_int_equal(pk.item, idx(pl, "open"));
    assert_int_equal(pk.reason, SL_PICK_TIMED);
    assert_int_equal(pk.duration_ms, 6000);
    sl_tags_free(&tags);
    free(p.v);

    /* a whole day: every time of both rules plays, each for its whole length */
    p = predict(pl, NULL, at("2026-11-25T00:00:00+08:00"), at("2026-11-26T00:00:00+08:00"));
    assert_int_equal(count_in(&p, idx(pl, "open"), 1, p.v[0].start_ms, INT64_MAX), 2);
    assert_int_equal(count_in(&p, idx(pl, "rem"), 1, p.v[0].start_ms, INT64_MAX), 16);
    for (size_t i = 0; i < p.n; i++)
        if (p.v[i].zone == 1 && p.v[i].item != pl->fallback)
            assert_int_equal(p.v[i].duration_ms, pl->items[p.v[i].item].duration_ms);
    free(p.v);
    sl_playlist_free(pl);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_history_ring),
        cmocka_unit_test(test_reason_names),
        cmocka_unit_test(test_bad_arguments),
        cmocka_unit_test(test_rotation_round_robin),
        cmocka_unit_test(test_rotation_fair),
        cmocka_unit_test(test_dates),
        cmocka_unit_test(test_weekdays),
        cmocka_unit_test(test_hours_window),
        cmocka_unit_test(test_hours_across_midnight),
        cmocka_unit_test(test_time_zones),
        cmocka_unit_test(test_dst_days),
        cmocka_unit_test(test_leap_day),
        cmocka_unit_test(test_window_ends_mid_item),
        cmocka_unit_test(test_priorities),
        cmocka_unit_test(test_tags),
        cmocka_unit_test(test_urgent),
        cmocka_unit_test(test_fallback),
        cmocka_unit_test(test_floor_basic),
        cmocka_unit_test(test_floor_tight),
        cmocka_unit_test(test_floor_next_hour),
        cmocka_unit_test(test_floor_random),
        cmocka_unit_test(test_deterministic),
        cmocka_unit_test(test_speed),
        cmocka_unit_test(test_at_times),
        cmocka_unit_test(test_at_picture_zone),
        cmocka_unit_test(test_every),
        cmocka_unit_test(test_at_same_time),
        cmocka_unit_test(test_left_out),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
