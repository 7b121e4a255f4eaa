/* test_player_usb.c — USB bundles and offline proof of play: the stick watcher, verified media copies, record export. */
#define _XOPEN_SOURCE 700 /* nftw */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "testutil.h"

#include "content/fsutil.h"
#include "content/json.h"
#include "content/media.h"
#include "content/mediacopy.h"
#include "player/managed/export.h"
#include "player/journal.h"
#include "player/managed/usb.h"

#include <dirent.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char tmp[256];

static int setup(void **state)
{
    (void)state;
    return sl_test_tmpdir(tmp, sizeof tmp, "sl-usb");
}

static int teardown(void **state)
{
    (void)state;
    sl_test_rmtree(tmp);
    return 0;
}

static void write_text(const char *path, const char *text)
{
    char err[256];
    assert_int_equal(sl_fs_write_atomic(path, text, strlen(text), 0644, false, err, sizeof err), 0);
}

static void path_of(char *buf, size_t len, const char *name)
{
    snprintf(buf, len, "%s/%s", tmp, name);
}

/* A copy is checked against the SHA-256 and size it claims; a bad one leaves nothing behind. */
static void test_mediacopy(void **state)
{
    (void)state;
    char src[512], dst[512], other[512], err[512], sha[SL_SHA256_HEX_LEN + 1];
    int64_t size = 0;
    bool full = true;
    path_of(src, sizeof src, "a.bin");
    path_of(dst, sizeof dst, "copy.part");
    path_of(other, sizeof other, "b.bin");
    write_text(src, "some poster bytes");
    write_text(other, "some poster bytez"); /* same size, other bytes */
    assert_int_equal(sl_media_sha256_file(src, sha, &size, err, sizeof err), 0);

    assert_int_equal(sl_mediacopy_file(src, dst, sha, size, &full, err, sizeof err), SL_MEDIACOPY_OK);
    assert_false(full);
    char *got = NULL;
    size_t len = 0;
    assert_int_equal(sl_fs_read_file(dst, 1024, &got, &len, err, sizeof err), 0);
    assert_string_equal(got, "some poster bytes");
    free(got);

    assert_int_equal(sl_mediacopy_file(other, dst, sha, size, &full, err, sizeof err), SL_MEDIACOPY_MISMATCH);
    assert_non_null(strstr(err, "do not match its SHA-256"));
    assert_false(sl_fs_is_file(dst));
    assert_int_equal(sl_mediacopy_file(src, dst, sha, size + 1, &full, err, sizeof err), SL_MEDIACOPY_MISMATCH);
    assert_non_null(strstr(err, "but its manifest says"));
    assert_false(sl_fs_is_file(dst));
    path_of(other, sizeof other, "none.bin");
    assert_int_equal(sl_mediacopy_file(other, dst, sha, size, &full, err, sizeof err), SL_MEDIACOPY_MISMATCH);
    /* Without a hash to check, only the size is (the caller hashes the copy). */
    path_of(other, sizeof other, "b.bin");
    assert_int_equal(sl_mediacopy_file(other, dst, NULL, size, &full, err, sizeof err), SL_MEDIACOPY_OK);
    assert_true(sl_fs_is_file(dst));
}

/* The watcher reads a manifest.json once; again only when it changes or the stick comes back. */
static void test_usb_look(void **state)
{
    (void)state;
    char dir[512], mf[600], err[512], *env = NULL;
    size_t len = 0;
    sl_usb u;
    path_of(dir, sizeof dir, "stick");
    snprintf(mf, sizeof mf, "%s/manifest.json", dir);
    assert_int_equal(sl_usb_init(&u, dir), 0);

    assert_int_equal(sl_usb_look(&u, &env, &len, err, sizeof err), 0); /* no stick */
    assert_false(sl_usb_present(&u));
    assert_int_equal(sl_fs_mkdirs(dir, err, sizeof err), 0);
    assert_int_equal(sl_usb_look(&u, &env, &len, err, sizeof err), 0); /* a stick without a bundle */

    write_text(mf, "{\"first\":1}");
    assert_true(sl_usb_present(&u));
    assert_int_equal(sl_usb_look(&u, &env, &len, err, sizeof err), 1);
    assert_string_equal(env, "{\"first\":1}");
    assert_int_equal(len, 11);
    free(env);
    assert_int_equal(sl_usb_look(&u, &env, &len, err, sizeof err), 0); /* the same file */
    assert_null(env);

    write_text(mf, "{\"second\":22}"); /* a new bundle written over it */
    assert_int_equal(sl_usb_look(&u, &env, &len, err, sizeof err), 1);
    assert_string_equal(env, "{\"second\":22}");
    free(env);

    unlink(mf); /* pulled out, then plugged in again: read again */
    assert_int_equal(sl_usb_look(&u, &env, &len, err, sizeof err), 0);
    write_text(mf, "{\"second\":22}");
    assert_int_equal(sl_usb_look(&u, &env, &len, err, sizeof err), 1);
    free(env);

    /* Media come from DIR/media/<sha256>; a name that is not a SHA-256 is refused. */
    char media[700], dst[512], sha[SL_SHA256_HEX_LEN + 1];
    int64_t size = 0;
    snprintf(media, sizeof media, "%s/media", dir);
    assert_int_equal(sl_fs_mkdirs(media, err, sizeof err), 0);
    path_of(dst, sizeof dst, "x.part");
    write_text(dst, "clip");
    assert_int_equal(sl_media_sha256_file(dst, sha, &size, err, sizeof err), 0);
    snprintf(media, sizeof media, "%s/media/%s", dir, sha);
    write_text(media, "clip");
    unlink(dst);
    bool full = false;
    assert_int_equal(sl_usb_copy_media(&u, sha, size, dst, &full, err, sizeof err), SL_MEDIACOPY_OK);
    assert_true(sl_fs_is_file(dst));
    assert_int_equal(sl_usb_copy_media(&u, "../../etc/passwd", size, dst, &full, err, sizeof err),
                     SL_MEDIACOPY_MISMATCH);
    sl_usb_free(&u);
    sl_usb_free(NULL);
}

static void append(sl_journal *j, const char *screen, int i)
{
    char err[256];
    sl_play_record r;
    memset(&r, 0, sizeof r);
    snprintf(r.screen, sizeof r.screen, "%s", screen);
    snprintf(r.item, sizeof r.item, "item-%d", i % 3);
    snprintf(r.zone, sizeof r.zone, "main");
    r.manifest_version = 7;
    r.start_ms = 1795568400000LL + i * 10000LL;
    r.mono_start_ms = i * 10000LL;
    r.clock_trust = SL_CLOCK_SIMULATED;
    r.duration_ms = 10000;
    assert_int_equal(sl_journal_append(j, &r, err, sizeof err), 0);
}

/* Export: the pending records in files of one 1000-seq window each, the POST body's shape;
 * the journal keeps them; a later export replaces the partial file it repeats. */
static void test_export(void **state)
{
    (void)state;
    char jpath[512], out[512], recdir[600], f[700], err[512];
    path_of(jpath, sizeof jpath, "journal.db");
    path_of(out, sizeof out, "export");
    snprintf(recdir, sizeof recdir, "%s/records", out);
    sl_journal *j = sl_journal_open(jpath, err, sizeof err);
    assert_non_null(j);
    for (int i = 0; i < 1005; i++)
        append(j, "village-1", i);
    assert_int_equal(sl_journal_ack(j, 2), 0); /* the hub took seqs 1 and 2 */

    /* Paging through the pending records. */
    sl_play_record page[10];
    size_t n = 0;
    assert_int_equal(sl_journal_pending_after(j, 0, page, 10, &n), 0);
    assert_int_equal(n, 10);
    assert_int_equal(page[0].seq, 3);
    assert_int_equal(sl_journal_pending_after(j, 1000, page, 10, &n), 0);
    assert_int_equal(n, 5);
    assert_int_equal(page[0].seq, 1001);
    assert_int_equal(sl_journal_pending_after(j, 1005, page, 10, &n), 0);
    assert_int_equal(n, 0);

    int64_t records = 0;
    size_t files = 0;
    assert_int_equal(sl_export_records(j, out, NULL, NULL, NULL, &records, &files, err, sizeof err), 0);
    assert_int_equal(records, 1003);
    assert_int_equal(files, 2);
    assert_int_equal(sl_journal_pending_count(j), 1003);
    snprintf(f, sizeof f, "%s/village-1-3-1000.json", recdir);
    char *text = NULL;
    size_t len = 0;
    assert_int_equal(sl_fs_read_file(f, 4u << 20, &text, &len, err, sizeof err), 0);
    cJSON *body = sl_json_parse(text, len, NULL, err, sizeof err);
    assert_non_null(body);
    assert_string_equal(sl_json_str(body, "screen"), "village-1");
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(body, "records");
    assert_int_equal(cJSON_GetArraySize(list), 998);
    const cJSON *r0 = cJSON_GetArrayItem(list, 0);
    assert_int_equal((int)cJSON_GetObjectItemCaseSensitive(r0, "seq")->valuedouble, 3);
    assert_string_equal(sl_json_str(r0, "item"), "item-2");
    assert_string_equal(sl_json_str(r0, "clock_trust"), "simulated");
    assert_string_equal(sl_json_str(r0, "outcome"), "completed");
    assert_null(cJSON_GetObjectItemCaseSensitive(r0, "screen"));
    cJSON_Delete(body);
    free(text);
    snprintf(f, sizeof f, "%s/village-1-1001-1005.json", recdir);
    assert_true(sl_fs_is_file(f));

    /* More plays, exported again: the partial file is replaced, a stranger's file kept. */
    for (int i = 0; i < 4; i++)
        append(j, "village-1", i);
    snprintf(f, sizeof f, "%s/village-2-1-5.json", recdir);
    write_text(f, "{}");
    assert_int_equal(sl_export_records(j, out, NULL, NULL, NULL, &records, &files, err, sizeof err), 0);
    assert_int_equal(records, 1007);
    snprintf(f, sizeof f, "%s/village-1-1001-1009.json", recdir);
    assert_true(sl_fs_is_file(f));
    snprintf(f, sizeof f, "%s/village-1-1001-1005.json", recdir);
    assert_false(sl_fs_is_file(f));
    assert_int_equal(sl_test_count_files(recdir), 3);

    /* An enrolled screen's identity replaces the recorded one. */
    assert_int_equal(sl_export_records(j, out, "lobby-1", NULL, NULL, &records, &files, err, sizeof err), 0);
    snprintf(f, sizeof f, "%s/lobby-1-3-1000.json", recdir);
    assert_true(sl_fs_is_file(f));

    /* Plays recorded under a host name that is no screen id: say so, write nothing wrong. */
    append(j, "my host", 0);
    assert_int_equal(sl_export_records(j, out, NULL, NULL, NULL, &records, &files, err, sizeof err), -1);
    assert_non_null(strstr(err, "screen-id"));
    sl_journal_close(j);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_mediacopy, setup, teardown),
        cmocka_unit_test_setup_teardown(test_usb_look, setup, teardown),
        cmocka_unit_test_setup_teardown(test_export, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
