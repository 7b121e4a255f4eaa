/* test_hub_authcache.c — the hub's token-lookup cache: tags, hits, TTL, clearing, stale puts, bounds, threads. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tools/hub/http/authcache.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

/* A distinct, well-spread tag for n (as the keyed tag of a token would be). */
static void tag_of(uint32_t n, uint8_t h[SL_AUTHCACHE_TAG_BYTES])
{
    uint64_t x = n * 0x9e3779b97f4a7c15ull + 0x632be59bd9b4e019ull;
    for (size_t i = 0; i < SL_AUTHCACHE_TAG_BYTES; i++) {
        x ^= x >> 29;
        x *= 0xbf58476d1ce4e5b9ull;
        x ^= x >> 32;
        h[i] = (uint8_t)x;
    }
}

static sl_hub_principal screen_of(uint32_t n, int64_t version)
{
    sl_hub_principal p;
    memset(&p, 0, sizeof p);
    p.role = SL_ROLE_SCREEN;
    snprintf(p.subject, sizeof p.subject, "screen-%u", n);
    p.in_inventory = true;
    snprintf(p.channel, sizeof p.channel, "ch-%u", n % 7);
    p.version = version;
    return p;
}

static void test_authcache_hit_copies_the_principal(void **state)
{
    (void)state;
    sl_authcache *c = sl_authcache_new(64, 1000);
    assert_non_null(c);
    uint8_t h[SL_AUTHCACHE_TAG_BYTES];
    sl_hub_principal in = screen_of(3, 42), out;
    tag_of(3, h);
    assert_false(sl_authcache_get(c, h, 5000, &out));
    sl_authcache_put(c, h, &in, sl_authcache_generation(c), 5000);
    memset(&out, 0, sizeof out);
    assert_true(sl_authcache_get(c, h, 5000, &out));
    assert_int_equal(out.role, SL_ROLE_SCREEN);
    assert_string_equal(out.subject, "screen-3");
    assert_true(out.in_inventory);
    assert_string_equal(out.channel, "ch-3");
    assert_int_equal(out.version, 42);
    /* Another tag is not a hit. */
    uint8_t other[SL_AUTHCACHE_TAG_BYTES];
    tag_of(4, other);
    assert_false(sl_authcache_get(c, other, 5000, &out));
    assert_int_equal(sl_authcache_count(c, 5000), 1);
    sl_authcache_free(c);
}

/* Tags: the same token gives the same tag in one cache, another token or another cache (key) another tag. */
static void test_authcache_tags(void **state)
{
    (void)state;
    const char *a = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    const char *b = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdee";
    uint8_t ta[SL_AUTHCACHE_TAG_BYTES], ta2[SL_AUTHCACHE_TAG_BYTES], tb[SL_AUTHCACHE_TAG_BYTES],
        tc[SL_AUTHCACHE_TAG_BYTES], zero[SL_AUTHCACHE_TAG_BYTES] = {0};
    sl_authcache *c = sl_authcache_new(64, 1000), *d = sl_authcache_new(64, 1000);
    sl_authcache_tag(c, a, 64, ta);
    sl_authcache_tag(c, a, 64, ta2);
    sl_authcache_tag(c, b, 64, tb);
    sl_authcache_tag(d, a, 64, tc);
    assert_memory_equal(ta, ta2, sizeof ta);
    assert_memory_not_equal(ta, tb, sizeof ta);
    assert_memory_not_equal(ta, tc, sizeof ta);
    assert_memory_not_equal(ta, zero, sizeof ta);
    /* A principal put under a's tag is found by a, not by b. */
    sl_hub_principal p = screen_of(1, 5), out;
    sl_authcache_put(c, ta, &p, sl_authcache_generation(c), 0);
    sl_authcache_tag(c, a, 64, ta2);
    assert_true(sl_authcache_get(c, ta2, 0, &out));
    assert_false(sl_authcache_get(c, tb, 0, &out));
    assert_false(sl_authcache_get(d, tc, 0, &out));
    sl_authcache_tag(NULL, a, 64, tc);
    assert_memory_equal(tc, zero, sizeof tc);
    sl_authcache_free(c);
    sl_authcache_free(d);
}

static void test_authcache_entries_expire_after_the_ttl(void **state)
{
    (void)state;
    sl_authcache *c = sl_authcache_new(64, 1000);
    uint8_t h[SL_AUTHCACHE_TAG_BYTES];
    sl_hub_principal in = screen_of(1, 7), out;
    tag_of(1, h);
    sl_authcache_put(c, h, &in, sl_authcache_generation(c), 10000);
    assert_true(sl_authcache_get(c, h, 10000, &out));
    assert_true(sl_authcache_get(c, h, 10999, &out));
    assert_false(sl_authcache_get(c, h, 11000, &out));
    assert_false(sl_authcache_get(c, h, 50000, &out));
    assert_int_equal(sl_authcache_count(c, 10999), 1);
    assert_int_equal(sl_authcache_count(c, 11000), 0);
    /* Put again (a new lookup): fresh for another TTL, with what was read then. */
    in.version = 8;
    sl_authcache_put(c, h, &in, sl_authcache_generation(c), 11000);
    assert_true(sl_authcache_get(c, h, 11500, &out));
    assert_int_equal(out.version, 8);
    assert_int_equal(sl_authcache_count(c, 11500), 1);
    sl_authcache_free(c);
}

static void test_authcache_clear_forgets_everything(void **state)
{
    (void)state;
    sl_authcache *c = sl_authcache_new(256, 1000);
    sl_hub_principal out;
    uint8_t h[SL_AUTHCACHE_TAG_BYTES];
    for (uint32_t i = 0; i < 50; i++) {
        sl_hub_principal p = screen_of(i, 1);
        tag_of(i, h);
        sl_authcache_put(c, h, &p, sl_authcache_generation(c), 100);
    }
    assert_int_equal(sl_authcache_count(c, 100), 50);
    uint64_t before = sl_authcache_generation(c);
    sl_authcache_clear(c);
    assert_true(sl_authcache_generation(c) != before);
    assert_int_equal(sl_authcache_count(c, 100), 0);
    for (uint32_t i = 0; i < 50; i++) {
        tag_of(i, h);
        assert_false(sl_authcache_get(c, h, 100, &out));
    }
    /* The cache works again after a clear. */
    sl_hub_principal p = screen_of(9, 2);
    tag_of(9, h);
    sl_authcache_put(c, h, &p, sl_authcache_generation(c), 200);
    assert_true(sl_authcache_get(c, h, 200, &out));
    assert_int_equal(out.version, 2);
    sl_authcache_free(c);
}

/* A lookup that read the store before a clear (a publish) must not put back what it read. */
static void test_authcache_put_after_a_clear_is_dropped(void **state)
{
    (void)state;
    sl_authcache *c = sl_authcache_new(64, 1000);
    uint8_t h[SL_AUTHCACHE_TAG_BYTES];
    sl_hub_principal old = screen_of(5, 1), out;
    tag_of(5, h);
    uint64_t gen = sl_authcache_generation(c); /* the lookup starts */
    sl_authcache_clear(c);                      /* version 2 is published meanwhile */
    sl_authcache_put(c, h, &old, gen, 300);     /* the lookup ends with version 1 */
    assert_false(sl_authcache_get(c, h, 300, &out));
    assert_int_equal(sl_authcache_count(c, 300), 0);
    sl_authcache_free(c);
}

static void test_authcache_same_token_is_one_entry(void **state)
{
    (void)state;
    sl_authcache *c = sl_authcache_new(64, 1000);
    uint8_t h[SL_AUTHCACHE_TAG_BYTES];
    sl_hub_principal out;
    tag_of(11, h);
    for (int64_t v = 1; v <= 20; v++) {
        sl_hub_principal p = screen_of(11, v);
        sl_authcache_put(c, h, &p, sl_authcache_generation(c), 1000 + v);
    }
    assert_int_equal(sl_authcache_count(c, 1020), 1);
    assert_true(sl_authcache_get(c, h, 1020, &out));
    assert_int_equal(out.version, 20);
    sl_authcache_free(c);
}

/* Many more tokens than slots: the cache never holds more than its capacity, and what was just put is there. */
static void test_authcache_is_bounded(void **state)
{
    (void)state;
    sl_authcache *c = sl_authcache_new(16, 60000);
    assert_int_equal(sl_authcache_capacity(c), 16);
    uint8_t h[SL_AUTHCACHE_TAG_BYTES];
    sl_hub_principal out;
    for (uint32_t i = 0; i < 10000; i++) {
        sl_hub_principal p = screen_of(i, i);
        tag_of(i, h);
        sl_authcache_put(c, h, &p, sl_authcache_generation(c), 1000 + i);
        assert_true(sl_authcache_get(c, h, 1000 + i, &out));
        assert_string_equal(out.subject, p.subject);
        assert_true(sl_authcache_count(c, 1000 + i) <= 16);
    }
    /* Full of live entries, all 16 slots are in use. */
    assert_int_equal(sl_authcache_count(c, 11000), 16);
    /* The requested size is rounded up to a power of two. */
    sl_authcache *d = sl_authcache_new(1000, 1000);
    assert_int_equal(sl_authcache_capacity(d), 1024);
    sl_authcache_free(d);
    sl_authcache_free(c);
}

static void test_authcache_arguments(void **state)
{
    (void)state;
    assert_null(sl_authcache_new(0, 1000));
    assert_null(sl_authcache_new(64, 0));
    assert_null(sl_authcache_new(64, -5));
    assert_null(sl_authcache_new(64, SL_AUTHCACHE_TTL_MS_MAX + 1));
    assert_null(sl_authcache_new((size_t)1 << 21, 1000));
    /* NULL: nothing is cached, nothing crashes. */
    uint8_t h[SL_AUTHCACHE_TAG_BYTES];
    sl_hub_principal p = screen_of(1, 1), out;
    tag_of(1, h);
    sl_authcache_put(NULL, h, &p, 0, 0);
    assert_false(sl_authcache_get(NULL, h, 0, &out));
    sl_authcache_clear(NULL);
    assert_int_equal(sl_authcache_count(NULL, 0), 0);
    assert_int_equal(sl_authcache_capacity(NULL), 0);
    assert_int_equal(sl_authcache_generation(NULL), 0);
    sl_authcache_free(NULL);
    /* The clock moves forward. */
    int64_t a = sl_authcache_now_ms(), b = sl_authcache_now_ms();
    assert_true(a > 0 && b >= a);
}

/* Threads putting, getting and clearing at once: a hit always returns the principal put for that tag. */
typedef struct {
    sl_authcache *c;
    uint32_t seed;
    int bad;
    int hits;
} worker;

static void *work(void *arg)
{
    worker *w = arg;
    uint8_t h[SL_AUTHCACHE_TAG_BYTES];
    sl_hub_principal out;
    uint32_t x = w->seed;
    for (int i = 0; i < 200000; i++) {
        x = x * 1103515245u + 12345u;
        uint32_t n = (x >> 8) % 300;
        tag_of(n, h);
        if (sl_authcache_get(w->c, h, 1000, &out)) {
            w->hits++;
            char want[SL_HUB_ID_MAX + 1];
            snprintf(want, sizeof want, "screen-%u", n);
            if (strcmp(out.subject, want) != 0 || out.version != (int64_t)n * 3)
                w->bad++;
        } else {
            sl_hub_principal p = screen_of(n, (int64_t)n * 3);
            sl_authcache_put(w->c, h, &p, sl_authcache_generation(w->c), 1000);
        }
        if ((x & 0xfff) == 0)
            sl_authcache_clear(w->c);
    }
    return NULL;
}

static void test_authcache_threads(void **state)
{
    (void)state;
    sl_authcache *c = sl_authcache_new(256, 1000);
    enum { N = 4 };
    pthread_t t[N];
    worker w[N];
    for (int i = 0; i < N; i++) {
        w[i] = (worker){c, (uint32_t)i * 7919u + 1u, 0, 0};
        assert_int_equal(pthread_create(&t[i], NULL, work, &w[i]), 0);
    }
    int hits = 0;
    for (int i = 0; i < N; i++) {
        pthread_join(t[i], NULL);
        assert_int_equal(w[i].bad, 0);
        hits += w[i].hits;
    }
    assert_true(hits > 0);
    assert_true(sl_authcache_count(c, 1000) <= sl_authcache_capacity(c));
    sl_authcache_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_authcache_hit_copies_the_principal),
        cmocka_unit_test(test_authcache_tags),
        cmocka_unit_test(test_authcache_entries_expire_after_the_ttl),
        cmocka_unit_test(test_authcache_clear_forgets_everything),
        cmocka_unit_test(test_authcache_put_after_a_clear_is_dropped),
        cmocka_unit_test(test_authcache_same_token_is_one_entry),
        cmocka_unit_test(test_authcache_is_bounded),
        cmocka_unit_test(test_authcache_arguments),
        cmocka_unit_test(test_authcache_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
