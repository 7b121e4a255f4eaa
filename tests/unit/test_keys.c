/* test_keys.c — publisher keys: generation, file modes, refusal to overwrite, strict loading, key sets. */
#define _POSIX_C_SOURCE 200809L
#include "content/keys.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "testutil.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct {
    char dir[256];
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    if (sl_test_tmpdir(f->dir, sizeof f->dir, "sl-test-keys") != 0) {
        free(f);
        return -1;
    }
    if (sl_keys_init() != 0) {
        free(f);
        return -1;
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    int rc = sl_test_rmtree(f->dir);
    free(f);
    return rc == 0 ? 0 : -1;
}

static void write_text(const char *path, const char *text)
{
    assert_int_equal(sl_test_write_file(path, text, strlen(text)), 0);
}

/* The whole text file (the caller frees it). */
static char *read_text(const char *path)
{
    char *text = (char *)sl_test_read_file(path, NULL);
    assert_non_null(text);
    return text;
}

static void test_generate_and_load(void **state)
{
    fixture *f = *state;
    char err[512] = "";
    char kpath[300], ppath[300];
    sl_test_path(f->dir, "publisher.key", kpath, sizeof kpath);
    sl_test_path(f->dir, "publisher.pub", ppath, sizeof ppath);

    assert_int_equal(sl_keys_generate(f->dir, err, sizeof err), 0);

    struct stat st;
    assert_int_equal(stat(kpath, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(stat(ppath, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0644);

    /* Exact one-line formats. */
    char *ktext = read_text(kpath);
    char *ptext = read_text(ppath);
    assert_int_equal(strncmp(ktext, "screenlit-ed25519-secret-v1 ", 28), 0);
    assert_int_equal(strlen(ktext), 28 + 88 + 1);
    assert_int_equal(ktext[strlen(ktext) - 1], '\n');
    assert_int_equal(strncmp(ptext, "screenlit-ed25519-public-v1 ", 28), 0);
    assert_int_equal(strlen(ptext), 28 + 44 + 1);
    assert_int_equal(ptext[strlen(ptext) - 1], '\n');

    sl_seckey sk;
    sl_pubkey pk, derived;
    assert_int_equal(sl_seckey_load(kpath, &sk, err, sizeof err), 0);
    assert_int_equal(sl_pubkey_load(ppath, &pk, err, sizeof err), 0);
    sl_seckey_public(&sk, &derived);
    assert_memory_equal(pk.pk, derived.pk, SL_PUBKEY_BYTES);

    /* The .pub line's base64 part is the pinned form. */
    char b64[SL_PUBKEY_B64_MAX];
    sl_pubkey_to_b64(&pk, b64, sizeof b64);
    assert_int_equal(strlen(b64), 44);
    assert_int_equal(strncmp(ptext + 28, b64, 44), 0);
    sl_pubkey back;
    assert_int_equal(sl_pubkey_from_b64(b64, &back), 0);
    assert_memory_equal(back.pk, pk.pk, SL_PUBKEY_BYTES);

    /* The pair works. */
    uint8_t sig[SL_SIG_BYTES];
    const unsigned char msg[] = "hello";
    assert_int_equal(crypto_sign_detached(sig, NULL, msg, 5, sk.sk), 0);
    assert_int_equal(crypto_sign_verify_detached(sig, msg, 5, pk.pk), 0);

    sl_seckey_wipe(&sk);
    static const uint8_t zero[SL_SECKEY_BYTES];
    assert_memory_equal(sk.sk, zero, SL_SECKEY_BYTES);
    sl_seckey_wipe(NULL);

    /* A second key pair in another folder differs. */
    char dir2[300];
    sl_test_path(f->dir, "second/nested", dir2, sizeof dir2);
    assert_int_equal(sl_keys_generate(dir2, err, sizeof err), 0);
    char p2[400];
    sl_test_path(dir2, "publisher.pub", p2, sizeof p2);
    sl_pubkey pk2;
    assert_int_equal(sl_pubkey_load(p2, &pk2, err, sizeof err), 0);
    assert_memory_not_equal(pk2.pk, pk.pk, SL_PUBKEY_BYTES);

    free(ktext);
    free(ptext);
}

static void test_refuse_overwrite(void **state)
{
    fixture *f = *state;
    char err[512] = "";
    char kpath[300], ppath[300];
    sl_test_path(f->dir, "publisher.key", kpath, sizeof kpath);
    sl_test_path(f->dir, "publisher.pub", ppath, sizeof ppath);

    assert_int_equal(sl_keys_generate(f->dir, err, sizeof err), 0);
    char *k1 = read_text(kpath);
    char *p1 = read_text(ppath);
    err[0] = '\0';
    assert_int_equal(sl_keys_generate(f->dir, err, sizeof err), -1);
    assert_non_null(strstr(err, "refusing to overwrite"));
    char *k2 = read_text(kpath);
    char *p2 = read_text(ppath);
    assert_string_equal(k1, k2);
    assert_string_equal(p1, p2);

    /* Only the .pub exists: still refused, and no .key appears. */
    assert_int_equal(unlink(kpath), 0);
    assert_int_equal(sl_keys_generate(f->dir, err, sizeof err), -1);
    assert_int_not_equal(access(kpath, F_OK), 0);

    /* Only the .key exists: refused, and no .pub appears. */
    write_text(kpath, k1);
    assert_int_equal(unlink(ppath), 0);
    assert_int_equal(sl_keys_generate(f->dir, err, sizeof err), -1);
    assert_int_not_equal(access(ppath, F_OK), 0);
    char *k3 = read_text(kpath);
    assert_string_equal(k1, k3);

    /* No temporary files are left behind. */
    char cmd[512];
    snprintf(cmd, sizeof cmd, "ls -A '%s' | grep -q tmp", f->dir);
    assert_int_not_equal(system(cmd), 0);

    assert_int_equal(sl_keys_generate(NULL, err, sizeof err), -1);
    assert_int_equal(sl_keys_generate("", err, sizeof err), -1);

    free(k1);
    free(k2);
    free(k3);
    free(p1);
    free(p2);
}

static void test_corrupt_files(void **state)
{
    fixture *f = *state;
    char err[512] = "";
    assert_int_equal(sl_keys_generate(f->dir, err, sizeof err), 0);
    char kpath[300], ppath[300], bad[300];
    sl_test_path(f->dir, "publisher.key", kpath, sizeof kpath);
    sl_test_path(f->dir, "publisher.pub", ppath, sizeof ppath);
    sl_test_path(f->dir, "bad", bad, sizeof bad);
    char *ktext = read_text(kpath);
    char *ptext = read_text(ppath);
    const char *pb64 = ptext + 28; /* 44 chars + "\n" */
    const char *kb64 = ktext + 28; /* 88 chars + "\n" */
    sl_pubkey pk;
    sl_seckey sk;
    char line[512];

    /* Without the final newline is fine. */
    snprintf(line, sizeof line, "screenlit-ed25519-public-v1 %.44s", pb64);
    write_text(bad, line);
    assert_int_equal(sl_pubkey_load(bad, &pk, err, sizeof err), 0);

    /* Each case: text before the key, how many of its 44 characters, text after. */
    static const struct {
        const char *before;
        int n;
        const char *after;
    } bad_pubs[] = {
        {"", 0, ""},
        {"", 0, "\n"},
        {"screenlit-ed25519-public-v1", 0, "\n"},
        {"screenlit-ed25519-public-v1 ", 0, "\n"},
        {"screenlit-ed25519-public-v2 ", 44, "\n"},
        {"screenlit-ed25519-secret-v1 ", 44, "\n"},
        {"Screenlit-ed25519-public-v1 ", 44, "\n"},
        {"screenlit-ed25519-public-v1  ", 44, "\n"}, /* two spaces */
        {"screenlit-ed25519-public-v1\t", 44, "\n"},
        {" screenlit-ed25519-public-v1 ", 44, "\n"},
        {"screenlit-ed25519-public-v1 ", 44, " \n"},   /* trailing space */
        {"screenlit-ed25519-public-v1 ", 44, "\r\n"},  /* CRLF */
        {"screenlit-ed25519-public-v1 ", 44, "\n\n"},  /* two lines */
        {"screenlit-ed25519-public-v1 ", 44, "\nscreenlit-ed25519-public-v1 \n"},
        {"screenlit-ed25519-public-v1 ", 43, "\n"},    /* one character short */
        {"screenlit-ed25519-public-v1 ", 42, "\n"},    /* padding dropped */
        {"screenlit-ed25519-public-v1 ", 44, "AAAA\n"}, /* 4 more characters */
        {"screenlit-ed25519-public-v1 ", 40, "====\n"},
    };
    for (size_t i = 0; i < sizeof bad_pubs / sizeof bad_pubs[0]; i++) {
        snprintf(line, sizeof line, "%s%.*s%s", bad_pubs[i].before, bad_pubs[i].n, pb64,
                 bad_pubs[i].after);
        write_text(bad, line);
        err[0] = '\0';
        assert_int_equal(sl_pubkey_load(bad, &pk, err, sizeof err), -1);
        assert_true(strlen(err) > 0);
        assert_non_null(strstr(err, bad));
    }

    /* A character outside the alphabet. */
    snprintf(line, sizeof line, "screenlit-ed25519-public-v1 %.44s\n", pb64);
    line[28 + 5] = '*';
    write_text(bad, line);
    assert_int_equal(sl_pubkey_load(bad, &pk, err, sizeof err), -1);
    assert_non_null(strstr(err, "not base64 of exactly 32 bytes"));

    /* A secret key given where a public key is expected, and the reverse. */
    assert_int_equal(sl_pubkey_load(kpath, &pk, err, sizeof err), -1);
    assert_non_null(strstr(err, "not a screenlit public key file"));
    assert_int_equal(sl_seckey_load(ppath, &sk, err, sizeof err), -1);
    assert_non_null(strstr(err, "not a screenlit secret key file"));

    /* A secret key with the right prefix but a public key's length. */
    snprintf(line, sizeof line, "screenlit-ed25519-secret-v1 %.44s\n", pb64);
    write_text(bad, line);
    assert_int_equal(sl_seckey_load(bad, &sk, err, sizeof err), -1);
    assert_non_null(strstr(err, "64 bytes"));

    /* A secret key whose public half does not match its seed. */
    sl_seckey good;
    assert_int_equal(sl_seckey_load(kpath, &good, err, sizeof err), 0);
    good.sk[40] ^= 0x01;
    char b64[sodium_base64_ENCODED_LEN(SL_SECKEY_BYTES, sodium_base64_VARIANT_ORIGINAL)];
    sodium_bin2base64(b64, sizeof b64, good.sk, SL_SECKEY_BYTES, sodium_base64_VARIANT_ORIGINAL);
    snprintf(line, sizeof line, "screenlit-ed25519-secret-v1 %s\n", b64);
    write_text(bad, line);
    memset(&sk, 0xAA, sizeof sk);
    assert_int_equal(sl_seckey_load(bad, &sk, err, sizeof err), -1);
    assert_non_null(strstr(err, "corrupt"));
    static const uint8_t zero[SL_SECKEY_BYTES];
    assert_memory_equal(sk.sk, zero, SL_SECKEY_BYTES); /* nothing half-loaded is left */

    /* A truncated secret key file. */
    snprintf(line, sizeof line, "screenlit-ed25519-secret-v1 %.60s\n", kb64);
    write_text(bad, line);
    assert_int_equal(sl_seckey_load(bad, &sk, err, sizeof err), -1);

    /* A file too large to be a key, a folder, and a missing file. */
    char *big = malloc(8192);
    assert_non_null(big);
    memset(big, 'A', 8191);
    big[8191] = '\0';
    memcpy(big, "screenlit-ed25519-public-v1 ", 28);
    write_text(bad, big);
    free(big);
    assert_int_equal(sl_pubkey_load(bad, &pk, err, sizeof err), -1);
    assert_non_null(strstr(err, "too large"));
    assert_int_equal(sl_pubkey_load(f->dir, &pk, err, sizeof err), -1);
    sl_test_path(f->dir, "missing.pub", bad, sizeof bad);
    assert_int_equal(sl_pubkey_load(bad, &pk, err, sizeof err), -1);
    assert_non_null(strstr(err, "missing.pub"));
    assert_int_equal(sl_pubkey_load(NULL, &pk, err, sizeof err), -1);

    sl_seckey_wipe(&good);
    free(ktext);
    free(ptext);
}

static void test_b64_strict(void **state)
{
    (void)state;
    sl_pubkey pk, back;
    for (size_t i = 0; i < SL_PUBKEY_BYTES; i++)
        pk.pk[i] = (uint8_t)(i * 7 + 3);
    char b64[SL_PUBKEY_B64_MAX];
    sl_pubkey_to_b64(&pk, b64, sizeof b64);
    assert_int_equal(strlen(b64), 44);
    assert_int_equal(b64[43], '=');
    assert_int_equal(sl_pubkey_from_b64(b64, &back), 0);
    assert_memory_equal(pk.pk, back.pk, SL_PUBKEY_BYTES);

    /* Too small a buffer gets "". */
    char small[10] = "xxxxxxxxx";
    sl_pubkey_to_b64(&pk, small, sizeof small);
    assert_string_equal(small, "");

    char t[80];
    snprintf(t, sizeof t, " %s", b64);
    assert_int_equal(sl_pubkey_from_b64(t, &back), -1);
    snprintf(t, sizeof t, "%s ", b64);
    assert_int_equal(sl_pubkey_from_b64(t, &back), -1);
    snprintf(t, sizeof t, "%s\n", b64);
    assert_int_equal(sl_pubkey_from_b64(t, &back), -1);
    snprintf(t, sizeof t, "%.43s", b64);
    assert_int_equal(sl_pubkey_from_b64(t, &back), -1);
    /* The URL-safe alphabet is another encoding. */
    snprintf(t, sizeof t, "%s", b64);
    for (char *p = t; *p; p++) {
        if (*p == '+')
            *p = '-';
        else if (*p == '/')
            *p = '_';
    }
    if (strcmp(t, b64) != 0)
        assert_int_equal(sl_pubkey_from_b64(t, &back), -1);
    /* Non-zero unused bits before the padding: a second spelling of the
     * same key, refused. */
    snprintf(t, sizeof t, "%s", b64);
    const char *alpha = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    int v = (int)(strchr(alpha, t[42]) - alpha);
    t[42] = alpha[v | 1]; /* 32 bytes end with 2 unused bits */
    if (strcmp(t, b64) != 0)
        assert_int_equal(sl_pubkey_from_b64(t, &back), -1);
    assert_int_equal(sl_pubkey_from_b64("", &back), -1);
    assert_int_equal(sl_pubkey_from_b64(NULL, &back), -1);
}

static void test_keyset(void **state)
{
    fixture *f = *state;
    char err[512];
    sl_keyset ks = {0};
    sl_pubkey a, b;
    memset(a.pk, 1, sizeof a.pk);
    memset(b.pk, 2, sizeof b.pk);
    char ab64[SL_PUBKEY_B64_MAX], bb64[SL_PUBKEY_B64_MAX];
    sl_pubkey_to_b64(&a, ab64, sizeof ab64);
    sl_pubkey_to_b64(&b, bb64, sizeof bb64);

    assert_false(sl_keyset_has(&ks, &a));
    assert_false(sl_keyset_has(NULL, &a));
    assert_int_equal(sl_keyset_add_b64(&ks, ab64), 0);
    assert_true(sl_keyset_has(&ks, &a));
    assert_false(sl_keyset_has(&ks, &b));
    assert_int_equal(sl_keyset_add_b64(&ks, ab64), 0);
    assert_int_equal(ks.n, 1);
    assert_int_equal(sl_keyset_add_b64(&ks, "not base64"), -1);
    assert_int_equal(ks.n, 1);

    assert_int_equal(sl_keys_generate(f->dir, err, sizeof err), 0);
    char ppath[300];
    sl_test_path(f->dir, "publisher.pub", ppath, sizeof ppath);
    assert_int_equal(sl_keyset_add_file(&ks, ppath, err, sizeof err), 0);
    assert_int_equal(ks.n, 2);
    sl_pubkey filekey;
    assert_int_equal(sl_pubkey_load(ppath, &filekey, err, sizeof err), 0);
    assert_true(sl_keyset_has(&ks, &filekey));
    char missing[300];
    sl_test_path(f->dir, "nope.pub", missing, sizeof missing);
    assert_int_equal(sl_keyset_add_file(&ks, missing, err, sizeof err), -1);
    assert_int_equal(ks.n, 2);

    sl_keyset_free(&ks);
    assert_int_equal(ks.n, 0);
    assert_null(ks.v);
    assert_false(sl_keyset_has(&ks, &filekey));
    sl_keyset_free(&ks);
    sl_keyset_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_generate_and_load, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refuse_overwrite, setup, teardown),
        cmocka_unit_test_setup_teardown(test_corrupt_files, setup, teardown),
        cmocka_unit_test_setup_teardown(test_b64_strict, setup, teardown),
        cmocka_unit_test_setup_teardown(test_keyset, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
