/* test_tz.c — unit tests of content/tz: fixed offsets, TZif zones, POSIX footers, local-time mapping. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "content/fsutil.h"
#include "content/timeutil.h"
#include "content/tz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* UTC ms of a civil date-time. */
static int64_t utc(int y, int mo, int d, int h, int mi, int s)
{
    return sl_days_from_civil(y, mo, d) * SL_MS_PER_DAY + h * SL_MS_PER_HOUR + mi * SL_MS_PER_MIN +
           s * SL_MS_PER_S;
}

static sl_tz *load_ok(const char *name)
{
    char err[256] = "";
    sl_tz *tz = sl_tz_load(name, NULL, err, sizeof err);
    if (!tz)
        fail_msg("%s: %s", name, err);
    return tz;
}

static void test_fixed_offsets(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        int off_min;
    } cases[] = {
        {"UTC", 0},       {"Z", 0},           {"+08:00", 480},  {"-03:30", -210},
        {"UTC+8", 480},   {"UTC-3", -180},    {"UTC+05:45", 345}, {"+0530", 330},
        {"-00:00", 0},    {"+14:00", 840},    {"-12", -720},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sl_tz *tz = load_ok(cases[i].name);
        assert_string_equal(sl_tz_name(tz), cases[i].name);
        assert_int_equal(sl_tz_offset_at(tz, utc(2026, 7, 1, 0, 0, 0)), cases[i].off_min);
        assert_int_equal(sl_tz_offset_at(tz, utc(1900, 1, 1, 0, 0, 0)), cases[i].off_min);
        int64_t u = utc(2026, 11, 25, 2, 0, 0);
        int64_t l = sl_tz_to_local(tz, u);
        assert_true(l == u + cases[i].off_min * SL_MS_PER_MIN);
        assert_true(sl_tz_from_local(tz, l) == u);
        sl_tz_free(tz);
    }
}

static void test_bad_names(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "",          "../etc/passwd", "/etc/localtime", "Asia/../Asia/Shanghai",
        "Asia/Shang hai", "Asia\\Shanghai", "Asia//Shanghai", "Asia/",
        "Asia/Shanghai\n", "Asia/Shanghai;rm", "Nope/Nowhere", "Asia", /* a folder */
        "+25:00",    "+08:60",        "UTC+19",         ".",
        "Asia/./Shanghai", "Europe/London.", "$HOME",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char err[256] = "";
        sl_tz *tz = sl_tz_load(bad[i], NULL, err, sizeof err);
        if (tz)
            fail_msg("\"%s\" was accepted", bad[i]);
        assert_true(err[0] != '\0');
    }
    char err[256] = "";
    assert_null(sl_tz_load(NULL, NULL, err, sizeof err));
    char long_name[400];
    memset(long_name, 'A', sizeof long_name - 1);
    long_name[sizeof long_name - 1] = '\0';
    assert_null(sl_tz_load(long_name, NULL, err, sizeof err));
    /* A valid-looking name that is not a TZif file. */
    assert_null(sl_tz_load("zone.tab", NULL, err, sizeof err)); /* '.' refused */
    assert_null(sl_tz_load("iso3166_tab", NULL, err, sizeof err));
}

static void test_null_and_free(void **state)
{
    (void)state;
    sl_tz_free(NULL);
    assert_int_equal(sl_tz_offset_at(NULL, 12345), 0);
    assert_true(sl_tz_to_local(NULL, 12345) == 12345);
    assert_true(sl_tz_from_local(NULL, 12345) == 12345);
    assert_string_equal(sl_tz_name(NULL), "UTC");
}

static void test_shanghai(void **state)
{
    (void)state;
    sl_tz *tz = load_ok("Asia/Shanghai");
    assert_string_equal(sl_tz_name(tz), "Asia/Shanghai");
    for (int m = 1; m <= 12; m++)
        assert_int_equal(sl_tz_offset_at(tz, utc(2026, m, 15, 12, 0, 0)), 480);
    /* 1988 had DST in China. */
    assert_int_equal(sl_tz_offset_at(tz, utc(1988, 7, 1, 0, 0, 0)), 540);
    assert_int_equal(sl_tz_offset_at(tz, utc(2050, 7, 1, 0, 0, 0)), 480);
    int64_t u = utc(2026, 11, 25, 2, 0, 0); /* 10:00 in Shanghai */
    assert_true(sl_tz_to_local(tz, u) == utc(2026, 11, 25, 10, 0, 0));
    assert_true(sl_tz_from_local(tz, utc(2026, 11, 25, 10, 0, 0)) == u);
    sl_tz_free(tz);
}

static void test_london(void **state)
{
    (void)state;
    sl_tz *tz = load_ok("Europe/London");
    assert_int_equal(sl_tz_offset_at(tz, utc(2026, 1, 15, 12, 0, 0)), 0);
    assert_int_equal(sl_tz_offset_at(tz, utc(2026, 7, 15, 12, 0, 0)), 60);
    /* Spring forward 2026-03-29T01:00Z. */
    int64_t sf = utc(2026, 3, 29, 1, 0, 0);
    assert_int_equal(sl_tz_offset_at(tz, sf - 1), 0);
    assert_int_equal(sl_tz_offset_at(tz, sf), 60);
    assert_int_equal(sl_tz_offset_at(tz, sf + 1), 60);
    /* Fall back 2026-10-25T01:00Z. */
    int64_t fb = utc(2026, 10, 25, 1, 0, 0);
    assert_int_equal(sl_tz_offset_at(tz, fb - 1), 60);
    assert_int_equal(sl_tz_offset_at(tz, fb), 0);
    assert_true(sl_tz_to_local(tz, fb - 1) == utc(2026, 10, 25, 2, 0, 0) - 1);
    assert_true(sl_tz_to_local(tz, fb) == utc(2026, 10, 25, 1, 0, 0));

    /* Gap: 01:30 local does not exist on 2026-03-29; the transition instant is returned. */
    assert_true(sl_tz_from_local(tz, utc(2026, 3, 29, 1, 30, 0)) == sf);
    assert_true(sl_tz_from_local(tz, utc(2026, 3, 29, 1, 0, 0)) == sf);
    assert_true(sl_tz_from_local(tz, utc(2026, 3, 29, 2, 0, 0)) == sf);
    assert_true(sl_tz_from_local(tz, utc(2026, 3, 29, 0, 59, 59)) == sf - 1000);
    /* Overlap: 01:30 local happens at 00:30Z (BST) and 01:30Z (GMT); the earlier is returned. */
    assert_true(sl_tz_from_local(tz, utc(2026, 10, 25, 1, 30, 0)) == utc(2026, 10, 25, 0, 30, 0));
    assert_true(sl_tz_from_local(tz, utc(2026, 10, 25, 1, 0, 0)) == utc(2026, 10, 25, 0, 0, 0));
    assert_true(sl_tz_from_local(tz, utc(2026, 10, 25, 2, 0, 0)) == utc(2026, 10, 25, 2, 0, 0));
    assert_true(sl_tz_from_local(tz, utc(2026, 7, 1, 12, 0, 0)) == utc(2026, 7, 1, 11, 0, 0));
    sl_tz_free(tz);
}

static void test_new_york(void **state)
{
    (void)state;
    sl_tz *tz = load_ok("America/New_York");
    assert_int_equal(sl_tz_offset_at(tz, utc(2026, 1, 15, 12, 0, 0)), -300);
    assert_int_equal(sl_tz_offset_at(tz, utc(2026, 7, 15, 12, 0, 0)), -240);
    int64_t sf = utc(2026, 3, 8, 7, 0, 0), fb = utc(2026, 11, 1, 6, 0, 0);
    assert_int_equal(sl_tz_offset_at(tz, sf - 1), -300);
    assert_int_equal(sl_tz_offset_at(tz, sf), -240);
    assert_int_equal(sl_tz_offset_at(tz, fb - 1), -240);
    assert_int_equal(sl_tz_offset_at(tz, fb), -300);
    assert_true(sl_tz_from_local(tz, utc(2026, 3, 8, 2, 30, 0)) == sf);
    assert_true(sl_tz_from_local(tz, utc(2026, 11, 1, 1, 30, 0)) == utc(2026, 11, 1, 5, 30, 0));
    /* Before the first transition: local mean time (-4:56:02). */
    assert_int_equal(sl_tz_offset_at(tz, utc(1850, 1, 1, 0, 0, 0)), -296);
    sl_tz_free(tz);
}

/* After 2037 the TZif files have no transitions: the POSIX footer rules. */
static void test_footer_after_2037(void **state)
{
    (void)state;
    sl_tz *ldn = load_ok("Europe/London");
    int64_t sf = utc(2040, 3, 25, 1, 0, 0), fb = utc(2040, 10, 28, 1, 0, 0);
    assert_int_equal(sl_tz_offset_at(ldn, sf - 1), 0);
    assert_int_equal(sl_tz_offset_at(ldn, sf), 60);
    assert_int_equal(sl_tz_offset_at(ldn, fb - 1), 60);
    assert_int_equal(sl_tz_offset_at(ldn, fb), 0);
    assert_true(sl_tz_from_local(ldn, utc(2040, 3, 25, 1, 30, 0)) == sf);
    assert_true(sl_tz_from_local(ldn, utc(2040, 10, 28, 1, 30, 0)) == utc(2040, 10, 28, 0, 30, 0));
    assert_int_equal(sl_tz_offset_at(ldn, utc(2100, 7, 1, 0, 0, 0)), 60);
    sl_tz_free(ldn);

    sl_tz *ny = load_ok("America/New_York");
    assert_int_equal(sl_tz_offset_at(ny, utc(2045, 7, 4, 12, 0, 0)), -240);
    assert_int_equal(sl_tz_offset_at(ny, utc(2045, 12, 25, 12, 0, 0)), -300);
    sl_tz_free(ny);

    /* Southern hemisphere: DST spans the new year. */
    sl_tz *syd = load_ok("Australia/Sydney");
    assert_int_equal(sl_tz_offset_at(syd, utc(2040, 1, 10, 12, 0, 0)), 660);
    assert_int_equal(sl_tz_offset_at(syd, utc(2040, 7, 10, 12, 0, 0)), 600);
    sl_tz_free(syd);
}

/* Cross-checks against the C library for many instants and zones. */
static void test_against_libc(void **state)
{
    (void)state;
    static const char *const zones[] = {
        "Europe/London",     "America/New_York",  "Asia/Shanghai",    "Australia/Sydney",
        "Australia/Lord_Howe", "Asia/Kolkata",    "Pacific/Chatham",  "America/Sao_Paulo",
        "Europe/Dublin",     "America/Nuuk",      "Africa/Casablanca", "Asia/Kathmandu",
        "Pacific/Apia",      "America/Santiago",  "Europe/Berlin",    "Etc/UTC",
    };
    char *old_tz = getenv("TZ") ? strdup(getenv("TZ")) : NULL;
    size_t checked = 0;
    for (size_t z = 0; z < sizeof zones / sizeof zones[0]; z++) {
        char err[256];
        sl_tz *tz = sl_tz_load(zones[z], NULL, err, sizeof err);
        if (!tz)
            continue; /* not every tzdata build has every zone */
        setenv("TZ", zones[z], 1);
        tzset();
        /* Every ~7 h 13 min from 1975 to 2065: hits every season and hour. */
        for (int64_t u = utc(1975, 1, 1, 0, 0, 0); u < utc(2065, 1, 1, 0, 0, 0);
             u += 26017LL * 1000) {
            time_t tt = (time_t)(u / 1000);
            struct tm tm;
            localtime_r(&tt, &tm);
            long want_s = tm.tm_gmtoff;
            int64_t local = sl_tz_to_local(tz, u);
            if (local - u != (int64_t)want_s * 1000)
                fail_msg("%s at %lld: offset %lld s, libc says %ld s", zones[z],
                         (long long)(u / 1000), (long long)((local - u) / 1000), want_s);
            /* Round trip except in the second half of an overlap. */
            int64_t back = sl_tz_from_local(tz, local);
            if (back != u) {
                assert_true(back < u);
                assert_true(sl_tz_to_local(tz, back) == local);
            }
        }
        sl_tz_free(tz);
        checked++;
    }
    assert_true(checked >= 12);
    if (old_tz) {
        setenv("TZ", old_tz, 1);
        free(old_tz);
    } else {
        unsetenv("TZ");
    }
    tzset();
}

/* ---------- synthetic TZif files ---------- */

typedef struct {
    char dir[64];
} tmpdir;

static void put32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

static void put64(unsigned char *p, int64_t v)
{
    put32(p, (uint32_t)((uint64_t)v >> 32));
    put32(p + 4, (uint32_t)v);
}

/* Builds a TZif v2 file: no 32-bit data, then a 64-bit block with the given
 * transitions and types, then the footer. Returns its length in buf. */
static size_t build_tzif(unsigned char *buf, size_t cap, const int64_t *trans,
                         const unsigned char *idx, size_t n_trans, const int32_t *offs,
                         size_t n_types, const char *footer)
{
    size_t pos = 0;
    memset(buf, 0, cap);
    /* v1 header with zero counts except typecnt = 1 and charcnt = 1, then its data. */
    memcpy(buf, "TZif2", 5);
    put32(buf + 20 + 16, 1); /* typecnt */
    put32(buf + 20 + 20, 1); /* charcnt */
    pos = 44 + 6 + 1;
    memcpy(buf + pos, "TZif2", 5);
    put32(buf + pos + 20 + 12, (uint32_t)n_trans);
    put32(buf + pos + 20 + 16, (uint32_t)n_types);
    put32(buf + pos + 20 + 20, 4);
    pos += 44;
    for (size_t i = 0; i < n_trans; i++, pos += 8)
        put64(buf + pos, trans[i]);
    for (size_t i = 0; i < n_trans; i++)
        buf[pos++] = idx[i];
    for (size_t i = 0; i < n_types; i++, pos += 6) {
        put32(buf + pos, (uint32_t)offs[i]);
        buf[pos + 4] = 0;
        buf[pos + 5] = 0;
    }
    memcpy(buf + pos, "ABC", 4);
    pos += 4;
    buf[pos++] = '\n';
    size_t fl = strlen(footer);
    memcpy(buf + pos, footer, fl);
    pos += fl;
    buf[pos++] = '\n';
    return pos;
}

static void write_zone(const tmpdir *td, const char *name, const unsigned char *data, size_t len)
{
    char path[256], err[256];
    snprintf(path, sizeof path, "%s/%s", td->dir, name);
    assert_int_equal(sl_fs_write_atomic(path, data, len, 0644, false, err, sizeof err), 0);
}

static void test_synthetic_tzif(void **state)
{
    (void)state;
    tmpdir td;
    snprintf(td.dir, sizeof td.dir, "/tmp/sl_tz_test_XXXXXX");
    assert_non_null(mkdtemp(td.dir));
    unsigned char buf[4096];
    char err[256];

    /* A "slim" zone: no transitions at all, everything from the footer. */
    size_t n = build_tzif(buf, sizeof buf, NULL, NULL, 0, (const int32_t[]){0}, 1,
                          "GMT0BST,M3.5.0/1,M10.5.0");
    write_zone(&td, "Slim", buf, n);
    sl_tz *tz = sl_tz_load("Slim", td.dir, err, sizeof err);
    assert_non_null(tz);
    assert_int_equal(sl_tz_offset_at(tz, utc(2026, 3, 29, 1, 0, 0) - 1), 0);
    assert_int_equal(sl_tz_offset_at(tz, utc(2026, 3, 29, 1, 0, 0)), 60);
    assert_int_equal(sl_tz_offset_at(tz, utc(2026, 10, 25, 1, 0, 0) - 1), 60);
    assert_int_equal(sl_tz_offset_at(tz, utc(2026, 10, 25, 1, 0, 0)), 0);
    sl_tz_free(tz);

    /* Julian-day rules and times beyond 24 h (RFC 8536 v3). */
    n = build_tzif(buf, sizeof buf, NULL, NULL, 0, (const int32_t[]){0}, 1,
                   "<-03>3<-02>,J60/25,300/-1");
    write_zone(&td, "Julian", buf, n);
    tz = sl_tz_load("Julian", td.dir, err, sizeof err);
    assert_non_null(tz);
    /* J60 = March 1 (Feb 29 not counted) at 25:00 local standard = March 2 01:00 -03 = 04:00Z. */
    assert_int_equal(sl_tz_offset_at(tz, utc(2028, 3, 2, 4, 0, 0) - 1), -180);
    assert_int_equal(sl_tz_offset_at(tz, utc(2028, 3, 2, 4, 0, 0)), -120);
    /* 300 = zero-based day 300 = 2028-10-27 (a leap year) at -01:00 local DST time,
     * i.e. Oct 26 23:00 -02 = Oct 27 01:00Z. */
    assert_int_equal(sl_tz_offset_at(tz, utc(2028, 10, 27, 1, 0, 0) - 1), -120);
    assert_int_equal(sl_tz_offset_at(tz, utc(2028, 10, 27, 1, 0, 0)), -180);
    sl_tz_free(tz);

    /* Transitions then a fixed footer. */
    int64_t tr[2] = {utc(2000, 1, 1, 0, 0, 0) / 1000, utc(2010, 1, 1, 0, 0, 0) / 1000};
    n = build_tzif(buf, sizeof buf, tr, (const unsigned char[]){1, 2}, 2,
                   (const int32_t[]){3600, 7200, 10800}, 3, "<+04>-4");
    write_zone(&td, "Steps", buf, n);
    tz = sl_tz_load("Steps", td.dir, err, sizeof err);
    assert_non_null(tz);
    assert_int_equal(sl_tz_offset_at(tz, utc(1999, 1, 1, 0, 0, 0)), 60);
    assert_int_equal(sl_tz_offset_at(tz, utc(2005, 1, 1, 0, 0, 0)), 120);
    assert_int_equal(sl_tz_offset_at(tz, utc(2010, 1, 1, 0, 0, 0) - 1), 120);
    assert_int_equal(sl_tz_offset_at(tz, utc(2010, 1, 1, 0, 0, 0)), 240); /* footer */
    sl_tz_free(tz);

    /* Damaged files are refused. */
    size_t good = build_tzif(buf, sizeof buf, tr, (const unsigned char[]){1, 2}, 2,
                             (const int32_t[]){3600, 7200, 10800}, 3, "<+04>-4");
    unsigned char bad[4096];
    struct {
        const char *what;
        size_t len;
        size_t at;
        int kind; /* 0: truncate to len; 1: set 32-bit value at `at`; 2: set byte */
        uint32_t v;
    } damage[] = {
        {"empty", 0, 0, 0, 0},
        {"header only", 44, 0, 0, 0},
        {"truncated data", good - 20, 0, 0, 0},
        {"no footer newline", good - 1, 0, 0, 0},
        {"bad magic", good, 0, 1, 0x545a6966u + 1},
        {"huge timecnt", good, 51 + 20 + 12, 1, 0xffffffffu},
        {"timecnt too big", good, 51 + 20 + 12, 1, 3},
        {"typecnt 0", good, 51 + 20 + 16, 1, 0},
        {"typecnt 300", good, 51 + 20 + 16, 1, 300},
        {"isutcnt odd", good, 51 + 20 + 0, 1, 2},
        {"index out of range", good, 51 + 44 + 16 + 1, 2, 3},
        {"descending transitions", good, 51 + 44 + 8 + 4, 1, 0},
        {"offset out of range", good, 51 + 44 + 18, 1, 200000},
        {"bad footer", good, good - 3, 2, '!'},
        {"bad version", good, 4, 2, '9'},
    };
    for (size_t i = 0; i < sizeof damage / sizeof damage[0]; i++) {
        memcpy(bad, buf, good);
        size_t len = damage[i].len;
        if (damage[i].kind == 1)
            put32(bad + damage[i].at, damage[i].v);
        else if (damage[i].kind == 2)
            bad[damage[i].at] = (unsigned char)damage[i].v;
        write_zone(&td, "Bad", bad, len);
        err[0] = '\0';
        tz = sl_tz_load("Bad", td.dir, err, sizeof err);
        if (tz)
            fail_msg("damaged TZif (%s) was accepted", damage[i].what);
        assert_true(err[0] != '\0');
    }
    /* Too large a file. */
    {
        char path[256];
        snprintf(path, sizeof path, "%s/Big", td.dir);
        FILE *fp = fopen(path, "wb");
        assert_non_null(fp);
        assert_int_equal(fwrite(buf, 1, good, fp), good);
        assert_int_equal(fseek(fp, 300 * 1024, SEEK_SET), 0);
        fputc(0, fp);
        fclose(fp);
        assert_null(sl_tz_load("Big", td.dir, err, sizeof err));
        unlink(path);
    }
    /* The undamaged one loads. */
    write_zone(&td, "Good", buf, good);
    tz = sl_tz_load("Good", td.dir, err, sizeof err);
    assert_non_null(tz);
    sl_tz_free(tz);

    char path[256];
    static const char *const names[] = {"Slim", "Julian", "Steps", "Bad", "Good"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", td.dir, names[i]);
        unlink(path);
    }
    rmdir(td.dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fixed_offsets),   cmocka_unit_test(test_bad_names),
        cmocka_unit_test(test_null_and_free),   cmocka_unit_test(test_shanghai),
        cmocka_unit_test(test_london),          cmocka_unit_test(test_new_york),
        cmocka_unit_test(test_footer_after_2037), cmocka_unit_test(test_against_libc),
        cmocka_unit_test(test_synthetic_tzif),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
