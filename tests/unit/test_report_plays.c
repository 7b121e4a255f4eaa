/* test_report_plays.c — unit tests of the raw plays CSV: screenlit's layout and the Outsmart Playout digital layout; and the XLSX workbook's parts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "content/fsutil.h"
#include "content/json.h"
#include "content/tz.h"
#include "tools/report/sl_report.h"
#include "tools/report/sl_report_plays.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static cJSON *rec(const char *json)
{
    cJSON *r = cJSON_Parse(json);
    assert_non_null(r);
    return r;
}

#define REC_OK                                                                                                  \
    "{\"seq\":42,\"item\":\"poster-app\",\"media_sha256\":\"" SHA "\",\"manifest_version\":3,\"zone\":\"main\"," \
    "\"start\":\"2026-11-25T01:30:00.250Z\",\"start_ms\":1795570200250,\"mono_start_ms\":5,"                    \
    "\"clock_trust\":\"synced\",\"duration_ms\":10000,\"outcome\":\"completed\",\"reason\":\"\","              \
    "\"received\":\"2026-11-25T01:31:00Z\"}"
#define SHA "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

static void test_plays_screenlit_layout(void **state)
{
    (void)state;
    char err[256];
    sl_tz *tz = sl_tz_load("Asia/Shanghai", NULL, err, sizeof err);
    assert_non_null(tz);
    sl_report_plays_screen s = {"bus-22-front", "22路公交车, 前门 LED 条屏", "城西区", "bus", "bus-led", tz};
    sl_report_buf b = {0};
    cJSON *r = rec(REC_OK);
    sl_report_plays_begin(&b, SL_PLAYS_SCREENLIT);
    assert_true(sl_report_plays_row(&b, SL_PLAYS_SCREENLIT, &s, NULL, r));
    assert_string_equal(b.p,
                        "\xef\xbb\xbfscreen,name,region,unit_type,seq,item,zone,media_sha256,manifest_version,"
                        "start_utc,start_local,end_utc,duration_ms,outcome,reason,clock_trust,received\r\n"
                        "bus-22-front,\"22路公交车, 前门 LED 条屏\",城西区,bus,42,poster-app,main," SHA ",3,"
                        "2026-11-25T01:30:00.250Z,2026-11-25T09:30:00.250+08:00,2026-11-25T01:30:10.250Z,10000,"
                        "completed,,synced,2026-11-25T01:31:00Z\r\n");
    /* A failed play is listed too: it is a record. */
    cJSON *f = rec("{\"seq\":43,\"item\":\"clip\",\"zone\":\"main\",\"start_ms\":1795570210250,"
                   "\"clock_trust\":\"untrusted\",\"duration_ms\":0,\"outcome\":\"failed\",\"reason\":\"decode error\"}");
    assert_true(sl_report_plays_row(&b, SL_PLAYS_SCREENLIT, &s, NULL, f));
    assert_non_null(strstr(b.p, ",failed,decode error,untrusted,\r\n"));
    sl_report_buf_free(&b);
    cJSON_Delete(r);
    cJSON_Delete(f);
    sl_tz_free(tz);
}

/* Counts the fields of one CSV line without quotes. */
static int fields(const char *line)
{
    int n = 1;
    for (; *line && *line != '\n'; line++)
        if (*line == ',')
            n++;
    return n;
}

static void test_plays_outsmart_layout(void **state)
{
    (void)state;
    char err[256];
    sl_tz *tz = sl_tz_load("Asia/Shanghai", NULL, err, sizeof err);
    sl_report_plays_screen s = {"bus-22-front", "22路公交车", "城西区", "bus", "bus-led", tz};
    sl_report_outsmart_ids ids = {.space_buyer = "1234", .space_brand = "567"};
    sl_report_buf b = {0};
    cJSON *r = rec(REC_OK);
    sl_report_plays_begin(&b, SL_PLAYS_OUTSMART);
    assert_int_equal(b.len, 0); /* no BOM, no header */
    assert_true(sl_report_plays_row(&b, SL_PLAYS_OUTSMART, &s, &ids, r));
    assert_string_equal(b.p, "bus-22-front,2026-11-25T01:30:00.250,+08:00,2026-11-25T01:30:10.250,+08:00,10000,,"
                             "bus-led,,1234,,567,,poster-app,poster-app," SHA ",,bus-22-front,bus-22-front:42\n");
    assert_int_equal(fields(b.p), 19);
    /* Plays not shown, or at an unknown time, are not playouts. */
    cJSON *failed = rec("{\"seq\":43,\"item\":\"clip\",\"zone\":\"main\",\"start_ms\":1795570210250,"
                        "\"clock_trust\":\"synced\",\"duration_ms\":0,\"outcome\":\"failed\"}");
    cJSON *untrusted = rec("{\"seq\":44,\"item\":\"clip\",\"zone\":\"main\",\"start_ms\":1795570210250,"
                           "\"clock_trust\":\"untrusted\",\"duration_ms\":1000,\"outcome\":\"completed\"}");
    size_t before = b.len;
    assert_false(sl_report_plays_row(&b, SL_PLAYS_OUTSMART, &s, &ids, failed));
    assert_false(sl_report_plays_row(&b, SL_PLAYS_OUTSMART, &s, &ids, untrusted));
    assert_int_equal(b.len, before);
    sl_report_buf_free(&b);

    /* A long screen id: playerref cut to 36, the playout ref a digest of 48 at most; the order given. */
    sl_report_plays_screen l = {"a-very-long-screen-identifier-for-the-bus-depot-number-22-front", "", "", "", "",
                                NULL};
    ids.order = "ORD-2026-11";
    assert_true(sl_report_plays_row(&b, SL_PLAYS_OUTSMART, &l, &ids, r));
    assert_int_equal(fields(b.p), 19);
    assert_non_null(strstr(b.p, ",+00:00,")); /* no zone: UTC */
    assert_non_null(strstr(b.p, ",ORD-2026-11,"));
    assert_non_null(strstr(b.p, ",a-very-long-screen-identifier-for-th,sl-"));
    const char *ref = strstr(b.p, ",sl-") + 1;
    assert_int_equal(strcspn(ref, "\n"), 3 + 40);
    sl_report_buf_free(&b);
    cJSON_Delete(r);
    cJSON_Delete(failed);
    cJSON_Delete(untrusted);
    sl_tz_free(tz);
}

/* Whether the file's bytes contain s (a zip names its parts uncompressed). */
static bool file_has(const char *data, size_t len, const char *s)
{
    size_t n = strlen(s);
    for (size_t i = 0; i + n <= len; i++)
        if (memcmp(data + i, s, n) == 0)
            return true;
    return false;
}

static void test_xlsx_parts(void **state)
{
    (void)state;
    char err[256], dir[] = "/tmp/sl-xlsx-XXXXXX", path[128];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/report.xlsx", dir);
    cJSON *doc = sl_json_read_file(SL_SOURCE_DIR "/tests/data/coverage-sample.json", NULL, err, sizeof err);
    assert_non_null(doc);
    sl_report_opts o = {.lang = SL_LANG_ZH};
    assert_int_equal(sl_report_write(doc, SL_REPORT_XLSX, &o, path, err, sizeof err), 0);
    char *data = NULL;
    size_t len = 0;
    assert_int_equal(sl_fs_read_file(path, 16u << 20, &data, &len, err, sizeof err), 0);
    assert_true(len > 1000);
    assert_memory_equal(data, "PK\x03\x04", 4);
    assert_true(file_has(data, len, "xl/workbook.xml"));
    assert_true(file_has(data, len, "xl/sharedStrings.xml"));
    assert_true(file_has(data, len, "xl/worksheets/sheet4.xml"));
    assert_false(file_has(data, len, "xl/worksheets/sheet5.xml"));
    free(data);
    /* No temporary file is left beside it. */
    char cmd[256];
    snprintf(cmd, sizeof cmd, "test \"$(ls -A %s)\" = report.xlsx", dir);
    assert_int_equal(system(cmd), 0);
    /* XLSX cannot go to standard output. */
    assert_int_equal(sl_report_write(doc, SL_REPORT_XLSX, &o, "-", err, sizeof err), -1);
    /* A folder that does not exist: an error, nothing written. */
    snprintf(path, sizeof path, "%s/missing/report.xlsx", dir);
    assert_int_equal(sl_report_write(doc, SL_REPORT_XLSX, &o, path, err, sizeof err), -1);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
    cJSON_Delete(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plays_screenlit_layout),
        cmocka_unit_test(test_plays_outsmart_layout),
        cmocka_unit_test(test_xlsx_parts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
