/* test_hub_budget.c — the hub's budget of request bodies in memory: totals, per-screen shares, body charging, threads. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tools/hub/http/body.h"
#include "tools/hub/http/budget.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

static void test_budget_total_and_give(void **state)
{
    (void)state;
    sl_budget *b = sl_budget_new(1000, 0);
    assert_non_null(b);
    assert_int_equal(sl_budget_take(b, NULL, 600), SL_BUDGET_OK);
    assert_int_equal(sl_budget_take(b, NULL, 401), SL_BUDGET_FULL);
    assert_int_equal(sl_budget_used(b), 600); /* a refusal takes nothing */
    assert_int_equal(sl_budget_take(b, "s1", 400), SL_BUDGET_OK);
    assert_int_equal(sl_budget_used(b), 1000);
    assert_int_equal(sl_budget_take(b, NULL, 1), SL_BUDGET_FULL);
    sl_budget_give(b, NULL, 600);
    sl_budget_give(b, "s1", 400);
    assert_int_equal(sl_budget_used(b), 0);
    assert_int_equal(sl_budget_take(b, NULL, 1000), SL_BUDGET_OK);
    sl_budget_give(b, NULL, 1000);
    sl_budget_free(b);
}

static void test_budget_share_per_key(void **state)
{
    (void)state;
    sl_budget *b = sl_budget_new(1000, 300);
    assert_int_equal(sl_budget_take(b, "screen-a", 200), SL_BUDGET_OK);
    assert_int_equal(sl_budget_take(b, "screen-a", 101), SL_BUDGET_KEY_FULL);
    assert_int_equal(sl_budget_take(b, "screen-a", 100), SL_BUDGET_OK);
    assert_int_equal(sl_budget_key_used(b, "screen-a"), 300);
    /* Other keys and requests without a key are not held back by screen-a's share. */
    assert_int_equal(sl_budget_take(b, "screen-b", 300), SL_BUDGET_OK);
    assert_int_equal(sl_budget_take(b, "", 300), SL_BUDGET_OK);
    assert_int_equal(sl_budget_take(b, "screen-c", 200), SL_BUDGET_FULL); /* the total first */
    assert_int_equal(sl_budget_used(b), 900);
    sl_budget_give(b, "screen-a", 300);
    assert_int_equal(sl_budget_key_used(b, "screen-a"), 0);
    assert_int_equal(sl_budget_take(b, "screen-a", 100), SL_BUDGET_OK);
    sl_budget_give(b, "screen-a", 100);
    sl_budget_give(b, "screen-b", 300);
    sl_budget_give(b, "", 300);
    assert_int_equal(sl_budget_used(b), 0);
    assert_int_equal(sl_budget_total(b), 1000);
    assert_int_equal(sl_budget_per_key(b), 300);
    sl_budget_free(b);
}

static void test_budget_null_is_unlimited(void **state)
{
    (void)state;
    assert_int_equal(sl_budget_take(NULL, "x", SIZE_MAX), SL_BUDGET_OK);
    sl_budget_give(NULL, "x", 5);
    assert_int_equal(sl_budget_used(NULL), 0);
    sl_budget_free(NULL);
}

/* A body charges its announced length at once, then what it grows beyond it, and gives all back when freed. */
static void test_body_charges_budget(void **state)
{
    (void)state;
    sl_budget *b = sl_budget_new(64 * 1024, 40 * 1024);
    sl_body a, c;
    char chunk[1000];
    memset(chunk, 'x', sizeof chunk);
    sl_body_init(&a, 32 * 1024);
    assert_int_equal(sl_body_charge(&a, b, "s1", 10000), SL_BUDGET_OK);
    assert_int_equal(sl_budget_used(b), 10000);
    for (int i = 0; i < 10; i++)
        assert_int_equal(sl_body_append(&a, chunk, sizeof chunk), 0);
    assert_int_equal(sl_budget_used(b), 10000); /* within what was reserved */
    assert_int_equal(sl_body_append(&a, chunk, sizeof chunk), 0);
    assert_true(sl_budget_used(b) > 10000); /* grown beyond: charged */
    assert_true(sl_budget_used(b) <= 32 * 1024);
    /* Another body of the same screen passes the screen's share. */
    sl_body_init(&c, 32 * 1024);
    assert_int_equal(sl_body_charge(&c, b, "s1", 32 * 1024), SL_BUDGET_KEY_FULL);
    assert_int_equal(sl_body_charge(&c, b, "s1", 0), SL_BUDGET_OK);
    int rc = 0;
    for (int i = 0; i < 40 && rc == 0; i++)
        rc = sl_body_append(&c, chunk, sizeof chunk);
    assert_int_equal(rc, -4);
    sl_body_free(&c);
    /* Without a key, the total refuses. */
    sl_body_init(&c, 64 * 1024);
    assert_int_equal(sl_body_charge(&c, b, NULL, 60 * 1024), SL_BUDGET_FULL);
    assert_int_equal(sl_body_charge(&c, b, NULL, 0), SL_BUDGET_OK);
    for (rc = 0; rc == 0;)
        rc = sl_body_append(&c, chunk, sizeof chunk);
    assert_int_equal(rc, -3);
    sl_body_free(&c);
    sl_body_free(&a);
    assert_int_equal(sl_budget_used(b), 0);
    assert_int_equal(sl_budget_key_used(b, "s1"), 0);
    /* Not charged: a plain buffer never touches a budget. */
    sl_body_init(&c, 100);
    assert_int_equal(sl_body_append(&c, chunk, 100), 0);
    assert_int_equal(sl_body_append(&c, chunk, 1), -1);
    sl_body_free(&c);
    sl_budget_free(b);
}

#define THREADS 8
#define ROUNDS 20000
#define HOLD_MAX 32 /* 32 x 1000 > SHARE */
#define TOTAL 100000u
#define SHARE 20000u

typedef struct {
    sl_budget *b;
    atomic_size_t *held;          /* what every thread holds, by the threads' own count */
    atomic_size_t *held_key;      /* the same per key */
    atomic_int *over;             /* times a count passed a limit */
    atomic_long *refused;
    unsigned seed;
} worker;

static void *work(void *arg)
{
    worker *w = arg;
    char key[16];
    size_t taken[HOLD_MAX];
    for (int i = 0; i < ROUNDS; i++) {
        w->seed = w->seed * 1103515245u + 12345u;
        unsigned k = (w->seed >> 20) % 5u;
        snprintf(key, sizeof key, "screen-%u", k);
        /* Take for one key until refused: a thread alone passes the key's
         * share within HOLD_MAX takes, so every round meets a limit. */
        int held = 0;
        while (held < HOLD_MAX) {
            w->seed = w->seed * 1103515245u + 12345u;
            size_t n = 1000 + (w->seed >> 8) % 8000u;
            if (sl_budget_take(w->b, key, n) != SL_BUDGET_OK) {
                atomic_fetch_add(w->refused, 1);
                break;
            }
            taken[held++] = n;
            if (atomic_fetch_add(w->held, n) + n > TOTAL)
                atomic_fetch_add(w->over, 1);
            if (atomic_fetch_add(&w->held_key[k], n) + n > SHARE)
                atomic_fetch_add(w->over, 1);
        }
        while (held > 0) {
            size_t n = taken[--held];
            atomic_fetch_sub(&w->held_key[k], n);
            atomic_fetch_sub(w->held, n);
            sl_budget_give(w->b, key, n);
        }
    }
    return NULL;
}

/* Many threads take and give at once: no limit is ever passed and everything comes back. */
static void test_budget_threads(void **state)
{
    (void)state;
    sl_budget *b = sl_budget_new(TOTAL, SHARE);
    atomic_size_t held = 0;
    atomic_size_t held_key[5];
    atomic_int over = 0;
    atomic_long refused = 0;
    for (int i = 0; i < 5; i++)
        atomic_init(&held_key[i], 0);
    pthread_t t[THREADS];
    worker w[THREADS];
    for (int i = 0; i < THREADS; i++) {
        w[i] = (worker){b, &held, held_key, &over, &refused, (unsigned)(i * 7919 + 1)};
        assert_int_equal(pthread_create(&t[i], NULL, work, &w[i]), 0);
    }
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    assert_int_equal(atomic_load(&over), 0);
    assert_int_equal(atomic_load(&refused), (long)THREADS * ROUNDS); /* every round met a limit, and it held */
    assert_int_equal(sl_budget_used(b), 0);
    for (int i = 0; i < 5; i++) {
        char key[16];
        snprintf(key, sizeof key, "screen-%d", i);
        assert_int_equal(sl_budget_key_used(b, key), 0);
    }
    sl_budget_free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_budget_total_and_give), cmocka_unit_test(test_budget_share_per_key),
        cmocka_unit_test(test_budget_null_is_unlimited), cmocka_unit_test(test_body_charges_budget),
        cmocka_unit_test(test_budget_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
