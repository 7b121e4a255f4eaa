/* test_net_transfer.c — unit tests of content/net/transfer: the reply headers that matter, the capped body, Retry-After. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

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

/* A one-shot server on loopback: answers one request with fixed bytes. */
typedef struct {
    int fd;
    const char *reply;
} oneshot;

static void *oneshot_run(void *arg)
{
    oneshot *o = arg;
    int c = accept(o->fd, NULL, NULL);
    if (c >= 0) {
        char buf[4096];
        size_t got = 0;
        while (got < sizeof buf - 1) { /* the request's headers (no body: a GET) */
            ssize_t n = read(c, buf + got, sizeof buf - 1 - got);
            if (n <= 0)
                break;
            got += (size_t)n;
            buf[got] = '\0';
            if (strstr(buf, "\r\n\r\n"))
                break;
        }
        size_t len = strlen(o->reply), off = 0;
        while (off < len) {
            ssize_t n = write(c, o->reply + off, len - off);
            if (n <= 0)
                break;
            off += (size_t)n;
        }
        close(c);
    }
    return NULL;
}

/* Runs one GET against a server answering `reply`; returns curl's result, rep filled. */
static CURLcode get_from(const char *reply, sl_transfer_reply *rep)
{
    oneshot o = {.fd = socket(AF_INET, SOCK_STREAM, 0), .reply = reply};
    assert_true(o.fd >= 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t al = sizeof a;
    assert_int_equal(bind(o.fd, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(listen(o.fd, 1), 0);
    assert_int_equal(getsockname(o.fd, (struct sockaddr *)&a, &al), 0);
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, oneshot_run, &o), 0);
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%u/api/v1/plays", (unsigned)ntohs(a.sin_port));
    CURL *c = curl_easy_init();
    assert_non_null(c);
    sl_transfer_req rq = {.url = url, .user_agent = "test", .reply_max = 1000, .stall_s = 30, .timeout_s = 60};
    CURLcode cc = sl_transfer_run(c, &rq, rep);
    curl_easy_cleanup(c);
    pthread_join(t, NULL);
    close(o.fd);
    return cc;
}

/* The body {"acked_seq":1500} and its SHA-256 in base64. */
#define ACK_BODY "{\"acked_seq\":1500}"
#define ACK_DIGEST "sha-256=:WOj9ovltTQZteyf7s1YAZVB2xT6AKSpofBxwnlUJL2Q=:"

/* A reply whose body matches its Content-Digest is an answer; one whose
 * digits changed on the way is a failed transfer, with a sentence. */
static void test_transfer_content_digest(void **state)
{
    (void)state;
    sl_transfer_reply rep;
    static const char good[] = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Digest: " ACK_DIGEST
                               "\r\nContent-Length: 18\r\nConnection: close\r\n\r\n" ACK_BODY;
    assert_int_equal(get_from(good, &rep), CURLE_OK);
    assert_int_equal(rep.status, 200);
    assert_string_equal(rep.body, ACK_BODY);
    sl_transfer_reply_free(&rep);

    static const char damaged[] = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Digest: " ACK_DIGEST
                                  "\r\nContent-Length: 18\r\nConnection: close\r\n\r\n{\"acked_seq\":1900}";
    assert_int_not_equal(get_from(damaged, &rep), CURLE_OK);
    assert_null(rep.body);
    assert_non_null(strstr(rep.why, "damaged on the way"));
    sl_transfer_reply_free(&rep);

    static const char unreadable[] = "HTTP/1.1 200 OK\r\nContent-Digest: sha-256=:\r\nContent-Length: 18\r\n"
                                     "Connection: close\r\n\r\n" ACK_BODY;
    assert_int_not_equal(get_from(unreadable, &rep), CURLE_OK);
    sl_transfer_reply_free(&rep);

    /* Only sha-256 is read; other algorithms are left alone (RFC 9530). */
    static const char other[] = "HTTP/1.1 200 OK\r\nContent-Digest: md5=:abc:\r\nContent-Length: 18\r\n"
                                "Connection: close\r\n\r\n" ACK_BODY;
    assert_int_equal(get_from(other, &rep), CURLE_OK);
    sl_transfer_reply_free(&rep);

    static const char none[] = "HTTP/1.1 200 OK\r\nContent-Length: 18\r\nConnection: close\r\n\r\n" ACK_BODY;
    assert_int_equal(get_from(none, &rep), CURLE_OK);
    assert_string_equal(rep.body, ACK_BODY);
    sl_transfer_reply_free(&rep);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_transfer_headers),
        cmocka_unit_test(test_transfer_retry_after),
        cmocka_unit_test(test_transfer_sink_cap),
        cmocka_unit_test(test_transfer_no_answer),
        cmocka_unit_test(test_transfer_content_digest),
    };
    curl_global_init(CURL_GLOBAL_DEFAULT);
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    curl_global_cleanup();
    return rc;
}
