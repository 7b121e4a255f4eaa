/* test_worker.c — unit tests of content/worker: kicks, backoff and its cap, jitter bounds, Retry-After, prompt stop. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "content/worker.h"

#include <pthread.h>
#include <sched.h>
#include <time.h>

#define LIMIT_S 60.0  /* generous: the machine may be busy */
#define LONG_S 3600.0 /* a wait no test lives to see end */

/* A step that counts its rounds and asks for a fixed wait. */
typedef struct counter {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int rounds;
    double wait_s;
    bool kickable;
    bool saw_stop;
    sl_worker *w;
} counter;

static double count_step(void *arg, bool *kickable)
{
    counter *c = arg;
    pthread_mutex_lock(&c->mu);
    c->rounds++;
    *kickable = c->kickable;
    double wait = c->wait_s;
    pthread_cond_broadcast(&c->cv);
    pthread_mutex_unlock(&c->mu);
    return wait;
}

static double mono_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void counter_init(counter *c, double wait_s, bool kickable)
{
    pthread_mutex_init(&c->mu, NULL);
    pthread_cond_init(&c->cv, NULL);
    c->rounds = 0;
    c->wait_s = wait_s;
    c->kickable = kickable;
    c->saw_stop = false;
    c->w = sl_worker_new();
    assert_non_null(c->w);
    assert_int_equal(sl_worker_start(c->w, count_step, c), 0);
}

static void counter_done(counter *c)
{
    sl_worker_free(c->w);
    pthread_cond_destroy(&c->cv);
    pthread_mutex_destroy(&c->mu);
}

/* Waits (on the condition variable, up to LIMIT_S) until the step ran n times. */
static bool wait_rounds(counter *c, int n)
{
    double end = mono_s() + LIMIT_S;
    pthread_mutex_lock(&c->mu);
    while (c->rounds < n && mono_s() < end) {
        struct timespec dl;
        clock_gettime(CLOCK_REALTIME, &dl);
        dl.tv_nsec += 50 * 1000000L;
        if (dl.tv_nsec >= 1000000000L) {
            dl.tv_sec++;
            dl.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&c->cv, &c->mu, &dl);
    }
    bool ok = c->rounds >= n;
    pthread_mutex_unlock(&c->mu);
    return ok;
}

/* Waits until the worker sits in its wait after round n. */
static bool wait_waiting(counter *c, int n)
{
    double end = mono_s() + LIMIT_S;
    sl_worker_status st;
    for (;;) {
        sl_worker_get_status(c->w, &st);
        if (st.waiting && st.rounds >= (uint64_t)n)
            return true;
        if (mono_s() >= end)
            return false;
        sched_yield();
    }
}

static void test_kick_ends_a_long_wait(void **state)
{
    (void)state;
    counter c;
    counter_init(&c, LONG_S, true);
    assert_true(wait_rounds(&c, 1));
    assert_true(wait_waiting(&c, 1));
    sl_worker_status st;
    sl_worker_get_status(c.w, &st);
    assert_true(st.running);
    assert_true(st.last_wait_s == LONG_S);
    double t0 = mono_s();
    sl_worker_kick(c.w);
    assert_true(wait_rounds(&c, 2)); /* long before the hour is up */
    assert_true(mono_s() - t0 < LIMIT_S);
    /* A kick while the step runs is not lost: the wait after it ends at once. */
    assert_true(wait_waiting(&c, 2));
    sl_worker_kick(c.w);
    assert_true(wait_rounds(&c, 3));
    counter_done(&c);
}

static double kick_during_step(void *arg, bool *kickable)
{
    counter *c = arg;
    (void)kickable;
    pthread_mutex_lock(&c->mu);
    int n = ++c->rounds;
    pthread_cond_broadcast(&c->cv);
    pthread_mutex_unlock(&c->mu);
    if (n == 1)
        sl_worker_kick(c->w); /* as another thread would, while this round runs */
    return LONG_S;
}

static void test_kick_during_a_step_is_kept(void **state)
{
    (void)state;
    counter c = {.wait_s = LONG_S};
    pthread_mutex_init(&c.mu, NULL);
    pthread_cond_init(&c.cv, NULL);
    c.w = sl_worker_new();
    assert_non_null(c.w);
    assert_int_equal(sl_worker_start(c.w, kick_during_step, &c), 0);
    assert_true(wait_rounds(&c, 2));
    counter_done(&c);
}

static void test_kick_leaves_an_unkickable_wait(void **state)
{
    (void)state;
    counter c;
    counter_init(&c, LONG_S, false);
    assert_true(wait_rounds(&c, 1));
    assert_true(wait_waiting(&c, 1));
    sl_worker_kick(c.w);
    /* Still waiting after the kick was seen (the kick is under the same lock
     * the waiter takes): give the waiter many chances to run. */
    for (int i = 0; i < 1000; i++)
        sched_yield();
    sl_worker_status st;
    sl_worker_get_status(c.w, &st);
    assert_true(st.waiting);
    assert_int_equal(st.rounds, 1);
    double t0 = mono_s();
    counter_done(&c); /* stop ends it all the same */
    assert_true(mono_s() - t0 < LIMIT_S);
}

static void test_stop_is_prompt_during_a_long_wait(void **state)
{
    (void)state;
    counter c;
    counter_init(&c, LONG_S, true);
    assert_true(wait_rounds(&c, 1));
    assert_true(wait_waiting(&c, 1));
    double t0 = mono_s();
    sl_worker_stop(c.w);
    assert_true(mono_s() - t0 < LIMIT_S);
    assert_true(sl_worker_stopping(c.w));
    assert_true(atomic_load(sl_worker_stop_flag(c.w)));
    sl_worker_status st;
    sl_worker_get_status(c.w, &st);
    assert_false(st.running);
    assert_int_equal(st.rounds, 1);
    sl_worker_stop(c.w); /* twice is fine */
    counter_done(&c);
}

static void test_zero_wait_runs_again(void **state)
{
    (void)state;
    counter c;
    counter_init(&c, 0, true);
    assert_true(wait_rounds(&c, 100));
    counter_done(&c);
}

static void test_never_started_and_null(void **state)
{
    (void)state;
    sl_worker *w = sl_worker_new();
    assert_non_null(w);
    assert_false(sl_worker_stopping(w));
    sl_worker_status st;
    sl_worker_get_status(w, &st);
    assert_false(st.running);
    assert_int_equal(sl_worker_start(w, NULL, NULL), -1);
    sl_worker_free(w);
    sl_worker_free(NULL);
    sl_worker_kick(NULL);
    sl_worker_stop(NULL);
    assert_true(sl_worker_stopping(NULL));
}

static void test_backoff_grows_and_is_capped(void **state)
{
    (void)state;
    int failures = 0;
    /* The uploader's: from 1 s, doubling, at most 600 s. */
    static const double expect[] = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 600, 600};
    for (size_t i = 0; i < sizeof expect / sizeof expect[0]; i++) {
        double w = sl_worker_backoff(&failures, true, 1.0, 600.0);
        assert_true(w == expect[i]);
        assert_int_equal(failures, (int)i + 1);
    }
    for (int i = 0; i < 100; i++)
        assert_true(sl_worker_backoff(&failures, true, 1.0, 600.0) == 600.0);
    assert_int_equal(failures, SL_WORKER_FAILURES_MAX); /* counted no further */
    /* A success starts again from the base. */
    assert_true(sl_worker_backoff(&failures, false, 1.0, 600.0) == 1.0);
    assert_int_equal(failures, 0);
    assert_true(sl_worker_backoff(&failures, true, 1.0, 600.0) == 1.0);
    /* The sync's: the poll interval doubled, capped below a doubling. */
    failures = 0;
    assert_true(sl_worker_backoff(&failures, true, 30.0, 100.0) == 30.0);
    assert_true(sl_worker_backoff(&failures, true, 30.0, 100.0) == 60.0);
    assert_true(sl_worker_backoff(&failures, true, 30.0, 100.0) == 100.0);
    assert_true(sl_worker_backoff(&failures, true, 30.0, 100.0) == 100.0);
    /* A base over the cap is held to the cap once failures count. */
    failures = 0;
    assert_true(sl_worker_backoff(&failures, true, 900.0, 600.0) == 600.0);
}

static void test_jitter_stays_within_bounds(void **state)
{
    (void)state;
    sl_worker *w = sl_worker_new();
    assert_non_null(w);
    double lo = 1e9, hi = 0;
    for (int i = 0; i < 20000; i++) {
        double j = sl_worker_jitter(w, 10.0);
        assert_true(j >= 9.0 && j <= 11.0);
        lo = j < lo ? j : lo;
        hi = j > hi ? j : hi;
    }
    /* It does spread: the ends of the range are reached closely. */
    assert_true(lo < 9.05);
    assert_true(hi > 10.95);
    assert_true(sl_worker_jitter(w, 0) == 0);
    sl_worker_free(w);
}

static void test_retry_after(void **state)
{
    (void)state;
    sl_worker *w = sl_worker_new();
    assert_non_null(w);
    for (int i = 0; i < 2000; i++) {
        /* An ask longer than the wait wins, spread over half as long again. */
        double ask = 10.0;
        bool asked = false;
        double r = sl_worker_retry_after(w, 1.0, &ask, 600.0, &asked);
        assert_true(r >= 10.0 && r <= 15.0);
        assert_true(asked);
        assert_true(ask == 0);
        /* Capped. */
        ask = 1000.0;
        asked = false;
        assert_true(sl_worker_retry_after(w, 1.0, &ask, 600.0, &asked) == 600.0);
        assert_true(asked);
        /* Shorter than the wait, or none: the wait stands. */
        ask = 2.0;
        asked = false;
        assert_true(sl_worker_retry_after(w, 60.0, &ask, 600.0, &asked) == 60.0);
        assert_false(asked);
        assert_true(ask == 0);
        assert_true(sl_worker_retry_after(w, 60.0, &ask, 600.0, NULL) == 60.0);
    }
    sl_worker_free(w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kick_ends_a_long_wait),
        cmocka_unit_test(test_kick_during_a_step_is_kept),
        cmocka_unit_test(test_kick_leaves_an_unkickable_wait),
        cmocka_unit_test(test_stop_is_prompt_during_a_long_wait),
        cmocka_unit_test(test_zero_wait_runs_again),
        cmocka_unit_test(test_never_started_and_null),
        cmocka_unit_test(test_backoff_grows_and_is_capped),
        cmocka_unit_test(test_jitter_stays_within_bounds),
        cmocka_unit_test(test_retry_after),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
