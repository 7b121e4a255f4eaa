/* test_source_sha256.c — a "sha256" beside "file" in a playlist source: parsed, checked against the file by lint and compile (diagnostics at the item's "sha256" path), and media found by it in a store of files named by hash (the hub's editor). */
#define _POSIX_C_SOURCE 200809L
#include "content/lint.h"
#include "content/manifest.h"
#include "content/media.h"
#include "content/playlist.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define ZEROS "0000000000000000000000000000000000000000000000000000000000000000"

typedef struct {
    char dir[256];   /* the playlist's folder, with poster.png */
    char store[400]; /* a store: <sha256> files */
    char sha[SL_SHA256_HEX_LEN + 1];
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    char p[600], err[256];
    int64_t size;
    if (!f || sl_test_tmpdir(f->dir, sizeof f->dir, "sl-test-srcsha") != 0)
        return -1;
    sl_test_path(f->dir, "poster.png", p, sizeof p);
    if (sl_test_write_file(p, sl_test_tiny_png, sl_test_tiny_png_size) != 0 ||
        sl_media_sha256_file(p, f->sha, &size, err, sizeof err) != 0)
        return -1;
    snprintf(f->store, sizeof f->store, "%s/store", f->dir);
    if (mkdir(f->store, 0755) != 0)
        return -1;
    snprintf(p, sizeof p, "%s/%s", f->store, f->sha);
    if (sl_test_write_file(p, sl_test_tiny_png, sl_test_tiny_png_size) != 0)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    sl_test_rmtree(f->dir);
    free(f);
    return 0;
}

/* A one-poster source; sha is the poster's "sha256" member text (NULL: none). */
static cJSON *source(const char *sha)
{
    char text[1024];
    snprintf(text, sizeof text,
             "{\"timezone\": \"UTC\", \"zones\": [{\"id\": \"m\", \"x\": 0, \"y\": 0, \"w\": 100, \"h\": 100}],"
             " \"items\": [{\"id\": \"p\", \"zone\": \"m\", \"type\": \"image\", \"file\": \"poster.png\"%s%s%s}]}",
             sha ? ", \"sha256\": \"" : "", sha ? sha : "", sha ? "\"" : "");
    cJSON *root = cJSON_Parse(text);
    assert_non_null(root);
    return root;
}

static bool has_diag(const sl_diags *d, sl_diag_severity sev, const char *path, const char *needle)
{
    for (size_t i = 0; i < d->n; i++)
        if (d->v[i].severity == sev && strcmp(d->v[i].path, path) == 0 && strstr(d->v[i].message, needle))
            return true;
    return false;
}

static void test_parse(void **state)
{
    fixture *f = *state;
    sl_diags d;
    sl_diags_init(&d);
    cJSON *root = source(f->sha);
    sl_playlist *pl = sl_playlist_from_json(root, SL_PL_SOURCE, NULL, &d);
    assert_non_null(pl);
    assert_string_equal(pl->items[0].file_sha256, f->sha);
    assert_null(pl->items[0].sha256); /* a source's: never taken for a manifest's */
    sl_playlist_free(pl);
    cJSON_Delete(root);
    /* Not a SHA-256: an error at its path. */
    root = source("ABC");
    pl = sl_playlist_from_json(root, SL_PL_SOURCE, NULL, &d);
    assert_null(pl);
    assert_true(has_diag(&d, SL_DIAG_ERROR, "items[0].sha256", "64 lowercase hex"));
    sl_playlist_free(pl);
    cJSON_Delete(root);
    sl_diags_free(&d);
}

/* Lints a source written beside poster.png; returns the model (or NULL). */
static sl_playlist *lint_beside(const fixture *f, const char *sha, sl_diags *d)
{
    char p[600];
    cJSON *root = source(sha);
    char *text = cJSON_Print(root);
    sl_test_path(f->dir, "playlist.json", p, sizeof p);
    assert_int_equal(sl_test_write_file(p, text, strlen(text)), 0);
    free(text);
    cJSON_Delete(root);
    sl_lint_opts lo = {.probe_media = true};
    return sl_lint_file(p, &lo, d);
}

static void test_lint_file_hash(void **state)
{
    fixture *f = *state;
    sl_diags d;
    sl_diags_init(&d);
    sl_playlist *pl = lint_beside(f, f->sha, &d);
    assert_non_null(pl);
    assert_int_equal(d.n_errors, 0);
    sl_playlist_free(pl);
    /* Another file's hash: an error at the item's "sha256", naming the file's own. */
    pl = lint_beside(f, ZEROS, &d);
    assert_null(pl);
    assert_true(has_diag(&d, SL_DIAG_ERROR, "items[0].sha256", "poster.png is not the file this \"sha256\" names"));
    assert_true(has_diag(&d, SL_DIAG_ERROR, "items[0].sha256", f->sha));
    sl_diags_free(&d);
}

static void test_lint_store(void **state)
{
    fixture *f = *state;
    sl_diags d;
    sl_diags_init(&d);
    sl_lint_opts lo = {.probe_media = true, .media_dir = f->store};
    cJSON *root = source(f->sha);
    sl_playlist *pl = sl_lint_json(root, NULL, &lo, &d);
    assert_non_null(pl);
    assert_int_equal(d.n_errors, 0);
    sl_playlist_free(pl);
    cJSON_Delete(root);
    /* A hash the store lacks, and an item without one. */
    root = source(ZEROS);
    assert_null(sl_lint_json(root, NULL, &lo, &d));
    assert_true(has_diag(&d, SL_DIAG_ERROR, "items[0].sha256", "upload it first"));
    cJSON_Delete(root);
    root = source(NULL);
    assert_null(sl_lint_json(root, NULL, &lo, &d));
    assert_true(has_diag(&d, SL_DIAG_ERROR, "items[0].sha256", "is missing"));
    cJSON_Delete(root);
    sl_diags_free(&d);
}

static void test_compile(void **state)
{
    fixture *f = *state;
    sl_diags d;
    sl_diags_init(&d);
    /* From the store: media by the given hash, its size from the file. */
    cJSON *root = source(f->sha);
    char *payload = sl_mf_compile_json(root, NULL, f->store, "lobby", 3, 0, NULL, NULL, &d);
    assert_non_null(payload);
    cJSON *pj = cJSON_Parse(payload);
    const cJSON *it = cJSON_GetArrayItem(cJSON_GetObjectItem(pj, "items"), 0);
    assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(it, "sha256")), f->sha);
    assert_int_equal((int64_t)cJSON_GetNumberValue(cJSON_GetObjectItem(it, "size")), (int64_t)sl_test_tiny_png_size);
    assert_null(cJSON_GetObjectItem(it, "file"));
    assert_int_equal((int)cJSON_GetNumberValue(cJSON_GetObjectItem(pj, "version")), 3);
    cJSON_Delete(pj);
    free(payload);
    cJSON_Delete(root);
    root = source(ZEROS);
    assert_null(sl_mf_compile_json(root, NULL, f->store, "lobby", 1, 0, NULL, NULL, &d));
    assert_true(has_diag(&d, SL_DIAG_ERROR, "items[0].sha256", "upload it first"));
    /* Beside the playlist: the file must have the hash given. */
    assert_null(sl_mf_compile_json(root, f->dir, NULL, "lobby", 1, 0, NULL, NULL, &d));
    assert_true(has_diag(&d, SL_DIAG_ERROR, "items[0].sha256", "is not the file"));
    cJSON_Delete(root);
    root = source(f->sha);
    payload = sl_mf_compile_json(root, f->dir, NULL, "lobby", 1, 0, NULL, NULL, &d);
    assert_non_null(payload);
    free(payload);
    cJSON_Delete(root);
    sl_diags_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_parse, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lint_file_hash, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lint_store, setup, teardown),
        cmocka_unit_test_setup_teardown(test_compile, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
