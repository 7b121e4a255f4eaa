/* test_hub_ratelimit.c — failed-enrolment limiting per client address: burst, drain, Retry-After, IPv6 /64, bounded table. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tools/hub/http/ratelimit.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

static void key4(const char *ip, uint8_t key[SL_RATELIMIT_KEY_BYTES], char *text, size_t len)
{
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    assert_int_equal(inet_pton(AF_INET, ip, &a.sin_addr), 1);
    sl_ratelimit_key((const struct sockaddr *)&a, key, text, len);
}

static void key6(const char *ip, uint8_t key[SL_RATELIMIT_KEY_BYTES], char *text, size_t len)
{
    struct sockaddr_in6 a;
    memset(&a, 0, sizeof a);
    a.sin6_family = AF_INET6;
    assert_int_equal(inet_pton(AF_INET6, ip, &a.sin6_addr), 1);
    sl_ratelimit_key((const struct sockaddr *)&a, key, text, len);
}

/* `burst` failures at once, then refused until one drains; other addresses are not affected. */
static void test_burst_then_drain(void **state)
{
    (void)state;
    sl_ratelimit *rl = sl_ratelimit_new(64, 3, 30000);
    uint8_t a[16], b[16];
    char ta[64], tb[64];
    int64_t retry = 0, t = 1000000;
    assert_non_null(rl);
    key4("10.1.2.3", a, ta, sizeof ta);
    key4("10.1.2.4", b, tb, sizeof tb);
    assert_string_equal(ta, "10.1.2.3");
    assert_true(sl_ratelimit_allow(rl, a, t, &retry));
    assert_int_equal(sl_ratelimit_fail(rl, a, t), 2);
    assert_int_equal(sl_ratelimit_fail(rl, a, t), 1);
    assert_true(sl_ratelimit_allow(rl, a, t, &retry));
    assert_int_equal(sl_ratelimit_fail(rl, a, t), 0);
    assert_false(sl_ratelimit_allow(rl, a, t, &retry));
    assert_int_equal(retry, 30);
    assert_false(sl_ratelimit_allow(rl, a, t + 29000, &retry));
    assert_int_equal(retry, 1);
    assert_true(sl_ratelimit_allow(rl, b, t, &retry)); /* another address */
    assert_true(sl_ratelimit_allow(rl, a, t + 30000, &retry));
    /* One more failure refuses it again at once. */
    assert_int_equal(sl_ratelimit_fail(rl, a, t + 30000), 0);
    assert_false(sl_ratelimit_allow(rl, a, t + 30000, &retry));
    /* After every failure drained, a whole burst again. */
    assert_true(sl_ratelimit_allow(rl, a, t + 200000, &retry));
    assert_int_equal(sl_ratelimit_fail(rl, a, t + 200000), 2);
    sl_ratelimit_free(rl);
    sl_ratelimit_free(NULL);
    assert_true(sl_ratelimit_allow(NULL, a, t, &retry));
}

/* IPv6 addresses of one /64 share a bucket; IPv4-mapped ones count as IPv4. */
static void test_ipv6_prefix(void **state)
{
    (void)state;
    sl_ratelimit *rl = sl_ratelimit_new(64, 1, 10000);
    uint8_t a[16], b[16], c[16], m[16], v4[16];
    char t[64];
    key6("2001:db8:1:2::5", a, t, sizeof t);
    assert_string_equal(t, "2001:db8:1:2::/64");
    key6("2001:db8:1:2:ffff::9", b, t, sizeof t);
    key6("2001:db8:1:3::5", c, t, sizeof t);
    key6("::ffff:192.0.2.7", m, t, sizeof t);
    assert_string_equal(t, "192.0.2.7");
    key4("192.0.2.7", v4, t, sizeof t);
    assert_memory_equal(m, v4, 16);
    assert_int_equal(sl_ratelimit_fail(rl, a, 0), 0);
    assert_false(sl_ratelimit_allow(rl, b, 0, NULL));
    assert_true(sl_ratelimit_allow(rl, c, 0, NULL));
    sl_ratelimit_key(NULL, a, t, sizeof t);
    assert_string_equal(t, "unknown");
    sl_ratelimit_free(rl);
}

/* Many addresses cannot grow the table; the most limited ones stay limited. */
static void test_bounded(void **state)
{
    (void)state;
    sl_ratelimit *rl = sl_ratelimit_new(16, 2, 60000);
    uint8_t k[16], bad[16];
    char t[64];
    key4("10.9.9.9", bad, t, sizeof t);
    /* The attacker is far over its limit (its bucket drains last). */
    for (int i = 0; i < 50; i++)
        sl_ratelimit_fail(rl, bad, 0);
    for (int i = 0; i < 5000; i++) {
        char ip[32];
        snprintf(ip, sizeof ip, "172.16.%d.%d", i / 250, i % 250);
        key4(ip, k, t, sizeof t);
        sl_ratelimit_fail(rl, k, 0);
    }
    assert_false(sl_ratelimit_allow(rl, bad, 0, NULL));
    assert_null(sl_ratelimit_new(4, 1, 1));
    assert_null(sl_ratelimit_new(64, 0, 1));
    sl_ratelimit_free(rl);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_burst_then_drain),
        cmocka_unit_test(test_ipv6_prefix),
        cmocka_unit_test(test_bounded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
