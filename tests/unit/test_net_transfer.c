/* test_net_transfer.c — unit tests of content/net/transfer: the reply headers that matter, the capped body, Retry-After. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "content/net/transfer.h"

/* Hands one header line to the callback as curl does (with its CRLF). */
static void header(sl_transfer_reply *rep, const char *line)
{
    char buf[600];
    size_t n = strlen(line);
    memcpy(buf, line, n);
    memcpy(buf + n, "\r\n", 2);
    assert_int_equal(sl_transfer_header_cb(buf, 1, n + 2, rep), n + 2);
}

static void test_transfer_headers(void **state)
{
    (void)state;
    sl_transfer_reply rep;
    memset(&rep, 0, sizeof rep);
    rep.date_ms = rep.retry_after_s = -1;
    header(&rep, "HTTP/1.1 503 Service Unavailable");
    header(&rep, "retry-after:  17");
    header(&rep, "ETag: \"abc\"");
    header(&rep, "Screenlit-Channel: lobby");
    header(&rep, "Date: Wed, 25 Nov 2026 00:30:00 GMT");
    assert_int_equal(rep.retry_after_s, 17);
    assert_string_equal(rep.etag, "\"abc\"");
    assert_string_equal(rep.channel, "lobby");
    assert_int_equal(rep.date_ms, 1795566600000LL);
    /* A second status line (after 100 Continue) starts over. */
    header(&rep, "HTTP/1.1 200 OK");
    assert_int_equal(rep.retry_after_s, -1);
    assert_int_equal(rep.date_ms, -1);
    assert_string_equal(rep.etag, "");
    assert_string_equal(rep.channel, "");
    /* Retry-After as a date in the past: 0; nonsense: -1. */
    header(&rep, "Retry-After: Wed, 21 Oct 2015 07:28:00 GMT");
    assert_int_equal(rep.retry_after_s, 0);
    header(&rep, "Retry-After: soon");
    assert_int_equal(rep.retry_after_s, -1);
    header(&rep, "Retry-After: -5");
    assert_int_equal(rep.retry_after_s, -1);
}

static void test_transfer_retry_after(void **state)
{
    (void)state;
    assert_true(sl_transfer_retry_after(503, 17, 600) == 17.0);
    assert_true(sl_transfer_retry_after(429, 900, 600) == 600.0);
    assert_true(sl_transfer_retry_after(503, -1, 600) == 0.0);
    assert_true(sl_transfer_retry_after(500, 17, 600) == 0.0);
    assert_true(sl_transfer_retry_after(200, 17, 600) == 0.0);
}

/* The body grows up to its cap and not one byte further. */
static void test_transfer_sink_cap(void **state)
{
    (void)state;
    sl_transfer_reply rep;
    memset(&rep, 0, sizeof rep);
    sl_transfer_sink s = {.rep = &rep, .max = 10};
    char data[8] = "abcdefg";
    assert_int_equal(sl_transfer_sink_write(data, 1, 4, &s), 4);
    assert_int_equal(sl_transfer_sink_write(data, 2, 3, &s), 6);
    assert_int_equal(rep.len, 10);
    assert_string_equal(rep.body, "abcdabcdef");
    assert_false(rep.over);
    assert_true(s.cap <= 11);
    assert_int_equal(sl_transfer_sink_write(data, 1, 1, &s), 0);
    assert_true(rep.over);
    assert_int_equal(rep.len, 10);
    sl_transfer_reply_free(&rep);
    assert_null(rep.body);
    assert_int_equal(rep.len, 0);
    assert_int_equal(rep.date_ms, -1);
    assert_int_equal(rep.retry_after_s, -1);
    sl_transfer_reply_free(NULL);
}

/* A hub that is not there: the transfer fails with a sentence, status 0. */
static void test_transfer_no_answer(void **state)
{
    (void)state;
    CURL *c = curl_easy_init();
    assert_non_null(c);
    sl_transfer_reply rep;
    sl_transfer_req rq = {.url = "http://127.0.0.1:1/api/v1/status", .user_agent = "test", .reply_max = 100,
                          .stall_s = 5, .timeout_s = 5};
    CURLcode cc = sl_transfer_run(c, &rq, &rep);
    assert_int_not_equal(cc, CURLE_OK);
    assert_int_equal(rep.status, 0);
    assert_null(rep.body);
    assert_true(strlen(rep.why) > 0);
    sl_transfer_reply_free(&rep);
    curl_easy_cleanup(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_transfer_headers),
        cmocka_unit_test(test_transfer_retry_after),
        cmocka_unit_test(test_transfer_sink_cap),
        cmocka_unit_test(test_transfer_no_answer),
    };
    curl_global_init(CURL_GLOBAL_DEFAULT);
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    curl_global_cleanup();
    return rc;
}
