/* test_manifest.c — manifests: canonical signed envelopes, every-byte tamper and truncation refusal, compiling sources with real media. */
#define _POSIX_C_SOURCE 200809L
#include "content/json.h"
#include "content/keys.h"
#include "content/manifest.h"
#include "content/media.h"
#include "content/playlist.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "testutil.h"

#include <dirent.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A payload with every kind of character the canonical escaping treats
 * specially: quotes, backslashes, control characters, '/', DEL and UTF-8. */
static const char odd_payload[] =
    "{\"name\":\"q\\\"b\\\\s/\\n\\t\\r\\b\\f\\u0001\\u001f\x7f \xc3\xa9 \xe5\x8f\x8d\xe8\xaf\x88 \xf0\x9f\x98\x80\","
    "\"n\":[1,2.5,-3e2,true,false,null],\"o\":{}}";

typedef struct {
    char dir[256];
    sl_seckey sk, sk2;
    sl_pubkey pk, pk2;
    sl_keyset pinned; /* pk only */
    bool have_ffmpeg;
} fixture;

static int load_pair(const fixture *f, const char *sub, sl_seckey *sk, sl_pubkey *pk)
{
    char d[400], p[500], err[512];
    snprintf(d, sizeof d, "%s/%s", f->dir, sub);
    if (sl_keys_generate(d, err, sizeof err) != 0)
        return -1;
    snprintf(p, sizeof p, "%s/publisher.key", d);
    if (sl_seckey_load(p, sk, err, sizeof err) != 0)
        return -1;
    snprintf(p, sizeof p, "%s/publisher.pub", d);
    return sl_pubkey_load(p, pk, err, sizeof err);
}

static int group_setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    char p[512], cmd[1024];
    if (!f)
        return -1;
    if (sl_test_tmpdir(f->dir, sizeof f->dir, "sl-test-manifest") != 0 || sl_keys_init() != 0)
        goto fail;
    if (load_pair(f, "keys", &f->sk, &f->pk) != 0 || load_pair(f, "keys2", &f->sk2, &f->pk2) != 0)
        goto fail;
    char b64[SL_PUBKEY_B64_MAX];
    sl_pubkey_to_b64(&f->pk, b64, sizeof b64);
    if (sl_keyset_add_b64(&f->pinned, b64) != 0)
        goto fail;
    snprintf(p, sizeof p, "%s/media", f->dir);
    if (mkdir(p, 0755) != 0)
        goto fail;
    sl_test_path(f->dir, "media/poster.png", p, sizeof p);
    if (sl_test_write_file(p, sl_test_tiny_png, sl_test_tiny_png_size) != 0)
        goto fail;
    snprintf(cmd, sizeof cmd,
             "cd '%s/media' && ffmpeg -nostdin -v error -y -f lavfi -i testsrc2=size=64x64:rate=10 "
             "-t 2 -pix_fmt yuv420p clip.mp4 </dev/null && ffmpeg -nostdin -v error -y -f lavfi "
             "-i sine=frequency=440:duration=1.5 chime.wav </dev/null",
             f->dir);
    f->have_ffmpeg = sl_test_have_ffmpeg() && system(cmd) == 0;
    *state = f;
    return 0;
fail:
    sl_keyset_free(&f->pinned);
    free(f);
    return -1;
}

static int group_teardown(void **state)
{
    fixture *f = *state;
    int rc = sl_test_rmtree(f->dir);
    sl_seckey_wipe(&f->sk);
    sl_seckey_wipe(&f->sk2);
    sl_keyset_free(&f->pinned);
    free(f);
    return rc == 0 ? 0 : -1;
}

/* Verifies and expects failure; returns the error text (static). */
static const char *verify_fails(const fixture *f, const char *env, size_t len)
{
    static char err[512];
    char *payload = (char *)"untouched";
    size_t plen = 99;
    err[0] = '\0';
    assert_int_equal(sl_mf_verify(env, len, &f->pinned, &payload, &plen, err, sizeof err), -1);
    assert_null(payload);
    assert_int_equal(plen, 0);
    assert_true(strlen(err) > 0);
    return err;
}

static void test_sign_verify_roundtrip(void **state)
{
    fixture *f = *state;
    char err[512];
    size_t plen = strlen(odd_payload);

    char *env = sl_mf_sign(odd_payload, plen, &f->sk);
    assert_non_null(env);

    /* The exact envelope layout. */
    char b64[SL_PUBKEY_B64_MAX];
    sl_pubkey_to_b64(&f->pk, b64, sizeof b64);
    char head[200];
    snprintf(head, sizeof head, "{\"format\":\"screenlit-signed-manifest-1\",\"key\":\"%s\",\"signature\":\"",
             b64);
    assert_int_equal(strncmp(env, head, strlen(head)), 0);
    const char *sig = env + strlen(head);
    assert_int_equal(sig[88], '"');
    assert_int_equal(sig[87], '=');
    const char *pl = sig + 88;
    const char *mid = "\",\"payload\":\"";
    assert_int_equal(strncmp(pl, mid, strlen(mid)), 0);
    size_t elen = strlen(env);
    assert_string_equal(env + elen - 2, "\"}");
    assert_null(strchr(env, '\n'));
    /* The payload is escaped with the minimal JSON escaping. */
    assert_non_null(strstr(env, "q\\\\\\\"b\\\\\\\\s/\\\\n")); /* q\"b\\s/\n, escaped again */
    assert_non_null(strstr(env, "\\\"n\\\":[1,2.5,-3e2,true,false,null]"));
    assert_non_null(strstr(env, "\xe5\x8f\x8d"));

    /* Round trip. */
    char *payload = NULL;
    size_t got = 0;
    assert_int_equal(sl_mf_verify(env, elen, &f->pinned, &payload, &got, err, sizeof err), 0);
    assert_int_equal(got, plen);
    assert_memory_equal(payload, odd_payload, plen);
    assert_int_equal(payload[got], '\0');
    free(payload);
    /* The outputs are optional. */
    assert_int_equal(sl_mf_verify(env, elen, &f->pinned, NULL, NULL, err, sizeof err), 0);

    /* Signing is deterministic (Ed25519). */
    char *env2 = sl_mf_sign(odd_payload, plen, &f->sk);
    assert_non_null(env2);
    assert_string_equal(env, env2);
    free(env2);

    /* A payload whose escaped form has raw control characters in it. */
    const char ctl[] = "[\"\\u0001x\"]";
    env2 = sl_mf_sign(ctl, strlen(ctl), &f->sk);
    assert_non_null(env2);
    assert_int_equal(sl_mf_verify(env2, strlen(env2), &f->pinned, &payload, &got, err, sizeof err), 0);
    assert_string_equal(payload, ctl);
    free(payload);
    free(env2);

    free(env);
}

static void test_sign_refuses(void **state)
{
    fixture *f = *state;
    assert_null(sl_mf_sign("{\"a\":1", 6, &f->sk));     /* not JSON */
    assert_null(sl_mf_sign("{} x", 4, &f->sk));         /* trailing text */
    assert_null(sl_mf_sign("{\"a\":\"\xff\"}", 8, &f->sk)); /* not UTF-8 */
    assert_null(sl_mf_sign("{}\0{}", 5, &f->sk));       /* a NUL byte */
    assert_null(sl_mf_sign("", 0, &f->sk));
    assert_null(sl_mf_sign(NULL, 0, &f->sk));
    assert_null(sl_mf_sign("{}", 2, NULL));
}

static void test_unknown_key(void **state)
{
    fixture *f = *state;
    char err[512];
    const char *payload = "{\"version\":1}";
    char *env = sl_mf_sign(payload, strlen(payload), &f->sk2);
    assert_non_null(env);
    const char *e = verify_fails(f, env, strlen(env));
    assert_non_null(strstr(e, "not pinned"));

    sl_keyset none = {0};
    assert_int_equal(sl_mf_verify(env, strlen(env), &none, NULL, NULL, err, sizeof err), -1);
    assert_non_null(strstr(err, "not pinned"));
    assert_int_equal(sl_mf_verify(env, strlen(env), NULL, NULL, NULL, err, sizeof err), -1);

    /* Both keys pinned: accepted. */
    sl_keyset both = {0};
    char b64[SL_PUBKEY_B64_MAX];
    sl_pubkey_to_b64(&f->pk, b64, sizeof b64);
    assert_int_equal(sl_keyset_add_b64(&both, b64), 0);
    sl_pubkey_to_b64(&f->pk2, b64, sizeof b64);
    assert_int_equal(sl_keyset_add_b64(&both, b64), 0);
    assert_int_equal(sl_mf_verify(env, strlen(env), &both, NULL, NULL, err, sizeof err), 0);
    sl_keyset_free(&both);
    free(env);
}

/* A key pinned for some channels only verifies manifests of those channels;
 * the same key pinned again for every channel verifies all. */
static void test_key_channels(void **state)
{
    fixture *f = *state;
    char err[512], b64[SL_PUBKEY_B64_MAX], spec[SL_PUBKEY_B64_MAX + 64];
    const char *lobby = "{\"channel\":\"bank-lobby\",\"version\":1}";
    const char *hall = "{\"channel\":\"station-hall\",\"version\":1}";
    char *env_lobby = sl_mf_sign(lobby, strlen(lobby), &f->sk2), *env_hall = sl_mf_sign(hall, strlen(hall), &f->sk2);
    sl_pubkey signer;
    assert_non_null(env_lobby);
    assert_non_null(env_hall);
    sl_pubkey_to_b64(&f->pk2, b64, sizeof b64);
    sl_keyset ks = {0};
    snprintf(spec, sizeof spec, "%s channels=bank-lobby,bank-door", b64);
    assert_int_equal(sl_keyset_add_spec(&ks, spec, err, sizeof err), 0);
    assert_int_equal(sl_mf_verify(env_lobby, strlen(env_lobby), &ks, NULL, NULL, err, sizeof err), 0);
    assert_int_equal(sl_mf_verify(env_hall, strlen(env_hall), &ks, NULL, NULL, err, sizeof err), -1);
    assert_non_null(strstr(err, "pinned for channels bank-lobby,bank-door only, not for \"station-hall\""));
    assert_true(sl_keyset_allows(&ks, &f->pk2, "bank-door"));
    assert_false(sl_keyset_allows(&ks, &f->pk2, NULL));
    assert_string_equal(sl_keyset_channels(&ks, &f->pk2), "bank-lobby,bank-door");
    /* A copy keeps the channels. */
    sl_keyset copy = {0};
    assert_int_equal(sl_keyset_copy(&copy, &ks), 0);
    assert_int_equal(sl_mf_verify(env_hall, strlen(env_hall), &copy, NULL, NULL, err, sizeof err), -1);
    sl_keyset_free(&copy);
    /* Pinned again for one more channel: both. */
    assert_int_equal(sl_keyset_add_channels(&ks, b64, "station-hall", err, sizeof err), 0);
    assert_int_equal(sl_mf_verify(env_hall, strlen(env_hall), &ks, NULL, NULL, err, sizeof err), 0);
    /* Pinned for every channel: the limit goes. */
    assert_int_equal(sl_keyset_add_b64(&ks, b64), 0);
    assert_null(sl_keyset_channels(&ks, &f->pk2));
    sl_playlist *pl = sl_mf_open_signed(env_hall, strlen(env_hall), &ks, NULL, &signer, err, sizeof err);
    assert_null(pl); /* not a valid playlist payload, but verified first: */
    assert_null(strstr(err, "pinned"));
    sl_keyset_free(&ks);
    /* Bad specs say what is wrong. */
    assert_int_equal(sl_keyset_add_spec(&ks, "nonsense", err, sizeof err), -1);
    assert_non_null(strstr(err, "base64"));
    snprintf(spec, sizeof spec, "%s channel=a", b64);
    assert_int_equal(sl_keyset_add_spec(&ks, spec, err, sizeof err), -1);
    assert_non_null(strstr(err, "channels="));
    snprintf(spec, sizeof spec, "%s channels=a,,b", b64);
    assert_int_equal(sl_keyset_add_spec(&ks, spec, err, sizeof err), -1);
    snprintf(spec, sizeof spec, "%s channels=a, b", b64);
    assert_int_equal(sl_keyset_add_spec(&ks, spec, err, sizeof err), -1);
    assert_int_equal(ks.n, 0);
    sl_keyset_free(&ks);
    free(env_lobby);
    free(env_hall);
}

/* Replaces the first `from` in s with `to`; returns a new string. */
static char *replace(const char *s, const char *from, const char *to)
{
    const char *at = strstr(s, from);
    assert_non_null(at);
    size_t n = strlen(s) - strlen(from) + strlen(to);
    char *out = malloc(n + 1);
    assert_non_null(out);
    size_t pre = (size_t)(at - s);
    memcpy(out, s, pre);
    strcpy(out + pre, to);
    strcat(out, at + strlen(from));
    return out;
}

/* Replaces the envelope's final "\"}" by tail; returns a new string. */
static char *with_tail(const char *env, const char *tail)
{
    size_t n = strlen(env);
    assert_true(n >= 2 && strcmp(env + n - 2, "\"}") == 0);
    char *out = malloc(n - 2 + strlen(tail) + 1);
    assert_non_null(out);
    memcpy(out, env, n - 2);
    strcpy(out + n - 2, tail);
    return out;
}

static void test_forgeries(void **state)
{
    fixture *f = *state;
    const char *a = "{\"version\":1,\"who\":\"a\"}";
    const char *b = "{\"version\":2,\"who\":\"a\"}";
    char *ea = sl_mf_sign(a, strlen(a), &f->sk);
    char *eb = sl_mf_sign(b, strlen(b), &f->sk);
    assert_non_null(ea);
    assert_non_null(eb);

    /* A's signature on B's payload: canonical, pinned key, wrong signature. */
    char *mixed = replace(ea, "\\\"version\\\":1", "\\\"version\\\":2");
    const char *e = verify_fails(f, mixed, strlen(mixed));
    assert_string_equal(e, "signature does not match");
    free(mixed);

    /* Another key swapped in: still the old signature. */
    char b64_1[SL_PUBKEY_B64_MAX], b64_2[SL_PUBKEY_B64_MAX];
    sl_pubkey_to_b64(&f->pk, b64_1, sizeof b64_1);
    sl_pubkey_to_b64(&f->pk2, b64_2, sizeof b64_2);
    char *swapped = replace(ea, b64_1, b64_2);
    verify_fails(f, swapped, strlen(swapped));
    free(swapped);

    /* Same meaning, different bytes: all refused as not canonical. */
    const char *variants[][2] = {
        {"{\"format\"", "{ \"format\""},
        {"\"key\":", "\"key\" :"},
        {"{\"format\":\"screenlit-signed-manifest-1\",", "{\"format\":\"screenlit-signed-manifest-1\",\"x\":1,"},
        {"\"who\\\":\\\"a", "\"who\\\":\\\"\\u0061"},
        {"{\\\"version", "{\\\"\\u0076ersion"},
        {"screenlit-signed-manifest-1", "screenlit\\u002dsigned-manifest-1"},
        {"\"format\"", "\"\\u0066ormat\""},
    };
    for (size_t i = 0; i < sizeof variants / sizeof variants[0]; i++) {
        char *v = replace(ea, variants[i][0], variants[i][1]);
        e = verify_fails(f, v, strlen(v));
        assert_non_null(strstr(e, "not a signed manifest"));
        free(v);
    }

    const char *tails[] = {"\" }", "\"}\n", "\"} ", "\"}\r\n", "\",\"x\":1}", "\",\"payload\":\"{}\"}"};
    for (size_t i = 0; i < sizeof tails / sizeof tails[0]; i++) {
        char *v = with_tail(ea, tails[i]);
        e = verify_fails(f, v, strlen(v));
        assert_non_null(strstr(e, "not a signed manifest"));
        free(v);
    }

    /* Members in another order. */
    const char *sigstart = strstr(ea, ",\"signature\":");
    const char *paystart = strstr(ea, ",\"payload\":");
    assert_non_null(sigstart);
    assert_non_null(paystart);
    char reordered[2048];
    snprintf(reordered, sizeof reordered, "%.*s%.*s%.*s}", (int)(sigstart - ea), ea,
             (int)(strlen(paystart) - 1), paystart, (int)(paystart - sigstart), sigstart);
    assert_int_equal(strlen(reordered), strlen(ea));
    e = verify_fails(f, reordered, strlen(reordered));
    assert_non_null(strstr(e, "canonical"));

    /* Not envelopes at all. */
    verify_fails(f, "", 0);
    verify_fails(f, "[]", 2);
    verify_fails(f, "{}", 2);
    verify_fails(f, "null", 4);
    e = verify_fails(f, a, strlen(a));
    assert_non_null(strstr(e, "format"));
    e = verify_fails(f, NULL, 0);

    /* A length that is too large is refused before parsing. */
    char err[512];
    assert_int_equal(sl_mf_verify(ea, SL_MANIFEST_MAX_BYTES + 1u, &f->pinned, NULL, NULL, err, sizeof err), -1);
    assert_non_null(strstr(err, "too large"));

    free(ea);
    free(eb);
}

/* Flips every byte of env with each mask and truncates it at every length;
 * every variant must be refused. */
static void every_byte(const fixture *f, const char *env)
{
    static const unsigned char masks[] = {0x01, 0xFF, 0x20, 0x80, 0x02, 0x40};
    size_t len = strlen(env);
    char *buf = malloc(len + 1);
    assert_non_null(buf);
    char err[512];
    size_t tried = 0;
    for (size_t m = 0; m < sizeof masks; m++) {
        for (size_t i = 0; i < len; i++) {
            memcpy(buf, env, len + 1);
            buf[i] = (char)((unsigned char)buf[i] ^ masks[m]);
            if (sl_mf_verify(buf, len, &f->pinned, NULL, NULL, err, sizeof err) == 0)
                fail_msg("flipping byte %zu (0x%02x) with 0x%02x was not noticed", i,
                         (unsigned char)env[i], masks[m]);
            tried++;
        }
    }
    /* Truncation at every length, including when the cut text is
     * NUL-terminated at the cut. */
    for (size_t n = 0; n < len; n++) {
        memcpy(buf, env, n);
        buf[n] = '\0';
        if (sl_mf_verify(buf, n, &f->pinned, NULL, NULL, err, sizeof err) == 0)
            fail_msg("truncation to %zu bytes was not noticed", n);
    }
    /* Each extra byte at the end. */
    char *longer = malloc(len + 2);
    assert_non_null(longer);
    for (int c = 1; c < 256; c++) {
        memcpy(longer, env, len);
        longer[len] = (char)c;
        longer[len + 1] = '\0';
        if (sl_mf_verify(longer, len + 1, &f->pinned, NULL, NULL, err, sizeof err) == 0)
            fail_msg("an extra byte 0x%02x at the end was not noticed", c);
    }
    assert_int_equal(tried, len * sizeof masks);
    /* And the original still verifies. */
    assert_int_equal(sl_mf_verify(env, len, &f->pinned, NULL, NULL, err, sizeof err), 0);
    free(longer);
    free(buf);
}

static void test_byte_flip(void **state)
{
    fixture *f = *state;
    char *env = sl_mf_sign(odd_payload, strlen(odd_payload), &f->sk);
    assert_non_null(env);
    every_byte(f, env);
    free(env);
}

static int count_cb(void *ud, const char *path, const char *sha256_hex, int64_t size)
{
    int *n = ud;
    assert_non_null(path);
    assert_true(sl_media_is_sha256(sha256_hex));
    assert_true(size > 0);
    (*n)++;
    return 0;
}

static int refuse_cb(void *ud, const char *path, const char *sha256_hex, int64_t size)
{
    (void)ud;
    (void)path;
    (void)sha256_hex;
    (void)size;
    return -1;
}

static const char *source_json =
    "{\n"
    "  \"format\": 1,\n"
    "  \"name\": \"Lobby \\\"test\\\" \xe5\x8f\x8d\xe8\xaf\x88\",\n"
    "  \"timezone\": \"+08:00\",\n"
    "  \"zones\": [{\"id\": \"main\", \"x\": 0, \"y\": 0, \"w\": 100, \"h\": 88},\n"
    "            {\"id\": \"ticker\", \"x\": 0, \"y\": 88, \"w\": 100, \"h\": 12}],\n"
    "  \"items\": [\n"
    "    {\"id\": \"poster\", \"zone\": \"main\", \"type\": \"image\", \"file\": \"media/poster.png\", \"duration\": 10, \"fit\": \"cover\"},\n"
    "    {\"id\": \"clip\", \"zone\": \"main\", \"type\": \"video\", \"file\": \"media/clip.mp4\"},\n"
    "    {\"id\": \"clip-short\", \"zone\": \"main\", \"type\": \"video\", \"file\": \"media/clip.mp4\", \"duration\": 1.5},\n"
    "    {\"id\": \"chime\", \"zone\": \"main\", \"type\": \"audio\", \"file\": \"./media/chime.wav\"},\n"
    "    {\"id\": \"slogan\", \"zone\": \"ticker\", \"type\": \"text\", \"mode\": \"ticker\", \"text\": \"hello\", \"size\": 32}\n"
    "  ],\n"
    "  \"rules\": [{\"items\": [\"poster\"], \"min_per_hour\": 6}],\n"
    "  \"fallback\": {\"id\": \"idle\", \"type\": \"image\", \"file\": \"media/poster.png\"}\n"
    "}\n";

static void test_compile_and_open(void **state)
{
    fixture *f = *state;
    if (!f->have_ffmpeg)
        skip();
    char src[512], p[512], err[512];
    sl_test_path(f->dir, "playlist.json", src, sizeof src);
    assert_int_equal(sl_test_write_file(src, source_json, strlen(source_json)), 0);

    sl_diags d;
    sl_diags_init(&d);
    int calls = 0;
    /* 2026-11-25T00:00:00Z */
    char *payload = sl_mf_compile(src, "bank-lobby", 7, 1795564800000LL, count_cb, &calls, &d);
    for (size_t i = 0; i < d.n; i++)
        print_message("diag %s: %s\n", d.v[i].path, d.v[i].message);
    assert_non_null(payload);
    assert_false(sl_diags_has_errors(&d));
    assert_int_equal(calls, 3); /* three distinct files, each offered once */

    char png_hex[65], mp4_hex[65], wav_hex[65];
    int64_t png_size, mp4_size, wav_size;
    sl_test_path(f->dir, "media/poster.png", p, sizeof p);
    assert_int_equal(sl_media_sha256_file(p, png_hex, &png_size, err, sizeof err), 0);
    sl_test_path(f->dir, "media/clip.mp4", p, sizeof p);
    assert_int_equal(sl_media_sha256_file(p, mp4_hex, &mp4_size, err, sizeof err), 0);
    sl_test_path(f->dir, "media/chime.wav", p, sizeof p);
    assert_int_equal(sl_media_sha256_file(p, wav_hex, &wav_size, err, sizeof err), 0);

    cJSON *root = sl_json_parse(payload, strlen(payload), NULL, err, sizeof err);
    assert_non_null(root);
    assert_null(strchr(payload, '\n'));
    assert_string_equal(sl_json_str(root, "channel"), "bank-lobby");
    assert_int_equal(cJSON_GetObjectItemCaseSensitive(root, "version")->valuedouble, 7);
    assert_string_equal(sl_json_str(root, "created"), "2026-11-25T00:00:00Z");
    assert_string_equal(sl_json_str(root, "name"), "Lobby \"test\" \xe5\x8f\x8d\xe8\xaf\x88");

    cJSON *items = cJSON_GetObjectItemCaseSensitive(root, "items");
    assert_int_equal(cJSON_GetArraySize(items), 5);
    cJSON *poster = cJSON_GetArrayItem(items, 0);
    assert_null(cJSON_GetObjectItemCaseSensitive(poster, "file"));
    assert_string_equal(sl_json_str(poster, "sha256"), png_hex);
    assert_int_equal(cJSON_GetObjectItemCaseSensitive(poster, "size")->valuedouble, (double)png_size);
    assert_int_equal(cJSON_GetObjectItemCaseSensitive(poster, "duration")->valuedouble, 10);
    assert_string_equal(sl_json_str(poster, "fit"), "cover");
    /* "file" was replaced in place: the members keep their order. */
    assert_string_equal(poster->child->next->next->next->string, "sha256");
    assert_string_equal(poster->child->next->next->next->next->string, "size");

    cJSON *clip = cJSON_GetArrayItem(items, 1);
    assert_string_equal(sl_json_str(clip, "sha256"), mp4_hex);
    assert_int_equal(cJSON_GetObjectItemCaseSensitive(clip, "size")->valuedouble, (double)mp4_size);
    double dur = cJSON_GetObjectItemCaseSensitive(clip, "duration")->valuedouble;
    assert_true(dur >= 1.9 && dur <= 2.1);
    cJSON *shortclip = cJSON_GetArrayItem(items, 2);
    assert_true(cJSON_GetObjectItemCaseSensitive(shortclip, "duration")->valuedouble == 1.5);
    cJSON *chime = cJSON_GetArrayItem(items, 3);
    assert_string_equal(sl_json_str(chime, "sha256"), wav_hex);
    dur = cJSON_GetObjectItemCaseSensitive(chime, "duration")->valuedouble;
    assert_true(dur >= 1.4 && dur <= 1.6);
    cJSON *slogan = cJSON_GetArrayItem(items, 4);
    assert_null(cJSON_GetObjectItemCaseSensitive(slogan, "sha256"));
    assert_int_equal(cJSON_GetObjectItemCaseSensitive(slogan, "size")->valuedouble, 32);
    cJSON *fb = cJSON_GetObjectItemCaseSensitive(root, "fallback");
    assert_string_equal(sl_json_str(fb, "sha256"), png_hex);
    assert_null(cJSON_GetObjectItemCaseSensitive(fb, "file"));
    assert_null(cJSON_GetObjectItemCaseSensitive(fb, "duration")); /* images keep their default */
    cJSON_Delete(root);

    /* Sign, open. */
    char *env = sl_mf_sign(payload, strlen(payload), &f->sk);
    assert_non_null(env);
    sl_playlist *pl = sl_mf_open(env, strlen(env), &f->pinned, NULL, err, sizeof err);
    if (!pl)
        fail_msg("sl_mf_open: %s", err);
    assert_true(pl->is_manifest);
    assert_string_equal(pl->channel, "bank-lobby");
    assert_int_equal(pl->version, 7);
    int ci = sl_playlist_item_index(pl, "clip");
    assert_true(ci >= 0);
    assert_int_equal(pl->items[ci].type, SL_ITEM_VIDEO);
    assert_string_equal(pl->items[ci].sha256, mp4_hex);
    assert_int_equal(pl->items[ci].size_bytes, mp4_size);
    assert_null(pl->items[ci].file);
    assert_true(pl->items[ci].duration_ms >= 1900 && pl->items[ci].duration_ms <= 2100);
    int si = sl_playlist_item_index(pl, "clip-short");
    assert_int_equal(pl->items[si].duration_ms, 1500);
    assert_string_equal(pl->items[pl->fallback].sha256, png_hex);
    sl_playlist_free(pl);

    /* The same manifest with another key pinned: refused. */
    sl_keyset other = {0};
    char b64[SL_PUBKEY_B64_MAX];
    sl_pubkey_to_b64(&f->pk2, b64, sizeof b64);
    assert_int_equal(sl_keyset_add_b64(&other, b64), 0);
    assert_null(sl_mf_open(env, strlen(env), &other, NULL, err, sizeof err));
    assert_non_null(strstr(err, "not pinned"));
    sl_keyset_free(&other);

    /* A real manifest survives no flipped byte either. */
    every_byte(f, env);

    free(env);
    free(payload);
    sl_diags_free(&d);
}

/* Writes a source with one item of the given type and file (and JSON
 * extras), compiles it, and returns the diags' first error path+message. */
static char *compile_one(const fixture *f, const char *type, const char *file, const char *extra,
                         sl_mf_media_cb cb, const char *channel, int64_t version, bool *ok)
{
    char src[512], json[2048];
    sl_test_path(f->dir, "one.json", src, sizeof src);
    snprintf(json, sizeof json,
             "{\"format\":1,\"name\":\"x\",\"timezone\":\"UTC\",\"zones\":[{\"id\":\"main\",\"x\":0,"
             "\"y\":0,\"w\":100,\"h\":100}],\"items\":[{\"id\":\"a\",\"zone\":\"main\",\"type\":\"%s\","
             "\"file\":\"%s\"%s}]}",
             type, file, extra);
    assert_int_equal(sl_test_write_file(src, json, strlen(json)), 0);
    sl_diags d;
    sl_diags_init(&d);
    int calls = 0;
    char *payload = sl_mf_compile(src, channel, version, 0, cb, &calls, &d);
    *ok = payload != NULL;
    char *first = NULL;
    if (payload) {
        assert_false(sl_diags_has_errors(&d));
    } else {
        assert_true(sl_diags_has_errors(&d));
        for (size_t i = 0; i < d.n && !first; i++) {
            if (d.v[i].severity == SL_DIAG_ERROR) {
                size_t n = strlen(d.v[i].path) + strlen(d.v[i].message) + 3;
                first = malloc(n);
                assert_non_null(first);
                snprintf(first, n, "%s: %s", d.v[i].path, d.v[i].message);
            }
        }
        assert_non_null(first);
    }
    free(payload);
    sl_diags_free(&d);
    return first;
}

static void test_compile_errors(void **state)
{
    fixture *f = *state;
    bool ok;
    char *e;
    char p[512];

    e = compile_one(f, "image", "media/missing.png", "", count_cb, "c", 1, &ok);
    assert_false(ok);
    assert_non_null(strstr(e, "items[0].file: "));
    assert_non_null(strstr(e, "missing.png"));
    free(e);

    e = compile_one(f, "image", "media", "", count_cb, "c", 1, &ok); /* a folder */
    assert_false(ok);
    assert_non_null(strstr(e, "items[0].file"));
    free(e);

    /* Random bytes as a video. */
    unsigned char junk[4096];
    randombytes_buf(junk, sizeof junk);
    sl_test_path(f->dir, "media/junk.mp4", p, sizeof p);
    assert_int_equal(sl_test_write_file(p, junk, sizeof junk), 0);
    e = compile_one(f, "video", "media/junk.mp4", "", count_cb, "c", 1, &ok);
    assert_false(ok);
    assert_non_null(strstr(e, "items[0].file: "));
    assert_non_null(strstr(e, "junk.mp4"));
    free(e);
    /* ...even with a duration given. */
    e = compile_one(f, "video", "media/junk.mp4", ",\"duration\":5", count_cb, "c", 1, &ok);
    assert_false(ok);
    free(e);
    /* A still picture as a video. */
    e = compile_one(f, "video", "media/poster.png", "", count_cb, "c", 1, &ok);
    assert_false(ok);
    assert_non_null(strstr(e, "still picture"));
    free(e);
    /* The callback refuses the file. */
    e = compile_one(f, "image", "media/poster.png", "", refuse_cb, "c", 1, &ok);
    assert_false(ok);
    assert_non_null(strstr(e, "could not be stored"));
    free(e);
    /* Bad channel and version. */
    e = compile_one(f, "image", "media/poster.png", "", NULL, "../x", 1, &ok);
    assert_false(ok);
    assert_non_null(strstr(e, "channel"));
    free(e);
    e = compile_one(f, "image", "media/poster.png", "", NULL, "", 1, &ok);
    assert_false(ok);
    free(e);
    e = compile_one(f, "image", "media/poster.png", "", NULL, NULL, 1, &ok);
    assert_false(ok);
    free(e);
    e = compile_one(f, "image", "media/poster.png", "", NULL, "c", 0, &ok);
    assert_false(ok);
    assert_non_null(strstr(e, "version"));
    free(e);
    /* And the good case, no callback. */
    e = compile_one(f, "image", "media/poster.png", "", NULL, "c", 1, &ok);
    assert_true(ok);
    assert_null(e);

    if (f->have_ffmpeg) {
        /* A sound file as a video; a picture as audio. */
        e = compile_one(f, "video", "media/chime.wav", "", NULL, "c", 1, &ok);
        assert_false(ok);
        free(e);
        e = compile_one(f, "audio", "media/poster.png", "", NULL, "c", 1, &ok);
        assert_false(ok);
        assert_non_null(strstr(e, "no sound"));
        free(e);
        /* A truncated video. */
        char cmd[1024];
        snprintf(cmd, sizeof cmd, "cd '%s/media' && head -c 3000 clip.mp4 > cut.mp4", f->dir);
        assert_int_equal(system(cmd), 0);
        e = compile_one(f, "video", "media/cut.mp4", "", NULL, "c", 1, &ok);
        assert_false(ok);
        free(e);
    }

    /* Missing and invalid sources. */
    sl_diags d;
    sl_diags_init(&d);
    sl_test_path(f->dir, "nope.json", p, sizeof p);
    assert_null(sl_mf_compile(p, "c", 1, 0, NULL, NULL, &d));
    assert_true(sl_diags_has_errors(&d));
    sl_diags_free(&d);
    sl_diags_init(&d);
    sl_test_path(f->dir, "bad.json", p, sizeof p);
    assert_int_equal(sl_test_write_file(p, "{\"format\":1,", 12), 0);
    assert_null(sl_mf_compile(p, "c", 1, 0, NULL, NULL, &d));
    assert_true(sl_diags_has_errors(&d));
    sl_diags_free(&d);
    sl_diags_init(&d);
    assert_null(sl_mf_compile(NULL, "c", 1, 0, NULL, NULL, &d));
    sl_diags_free(&d);
    assert_null(sl_mf_compile(p, "c", 1, 0, NULL, NULL, NULL)); /* diags may be NULL */
}

static void test_open_refuses_bad_payload(void **state)
{
    fixture *f = *state;
    char err[512];
    /* Validly signed, but not a manifest playlist. */
    const char *payload = "{\"format\":1,\"name\":\"x\"}";
    char *env = sl_mf_sign(payload, strlen(payload), &f->sk);
    assert_non_null(env);
    assert_null(sl_mf_open(env, strlen(env), &f->pinned, NULL, err, sizeof err));
    assert_non_null(strstr(err, "manifest payload"));
    free(env);
    /* A source (media by file) signed as if it were a manifest. */
    const char *src = "{\"format\":1,\"name\":\"x\",\"timezone\":\"UTC\",\"channel\":\"c\",\"version\":1,"
                      "\"zones\":[{\"id\":\"main\",\"x\":0,\"y\":0,\"w\":100,\"h\":100}],\"items\":[{\"id\":"
                      "\"a\",\"zone\":\"main\",\"type\":\"image\",\"file\":\"/etc/passwd\"}]}";
    env = sl_mf_sign(src, strlen(src), &f->sk);
    assert_non_null(env);
    assert_null(sl_mf_open(env, strlen(env), &f->pinned, NULL, err, sizeof err));
    assert_non_null(strstr(err, "manifest payload"));
    free(env);
    /* Tampered: refused before parsing. */
    assert_null(sl_mf_open("{}", 2, &f->pinned, NULL, err, sizeof err));
    assert_non_null(strstr(err, "not a signed manifest"));
}

/* Every file of JSONTestSuite's parsing tests, as an envelope and as a
 * payload inside a correctly signed envelope: no crash, and no envelope
 * accepted; a payload opens only if it is a valid manifest (none is). */
static void test_json_suite(void **state)
{
    fixture *f = *state;
    const char *dir = SL_TESTDATA_DIR "/JSONTestSuite/test_parsing";
    DIR *d = opendir(dir);
    if (!d)
        skip();
    struct dirent *de;
    size_t n = 0;
    char err[512];
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        char p[1024];
        snprintf(p, sizeof p, "%s/%s", dir, de->d_name);
        FILE *fp = fopen(p, "rb");
        if (!fp)
            continue;
        char buf[65536];
        size_t len = fread(buf, 1, sizeof buf, fp);
        fclose(fp);
        assert_int_equal(sl_mf_verify(buf, len, &f->pinned, NULL, NULL, err, sizeof err), -1);
        char *env = sl_mf_sign(buf, len, &f->sk);
        if (env) {
            assert_int_equal(de->d_name[0] == 'n', 0); /* n_*: must not parse, so never signed */
            char *payload = NULL;
            size_t plen = 0;
            assert_int_equal(sl_mf_verify(env, strlen(env), &f->pinned, &payload, &plen, err, sizeof err), 0);
            assert_int_equal(plen, len);
            assert_memory_equal(payload, buf, len);
            free(payload);
            assert_null(sl_mf_open(env, strlen(env), &f->pinned, NULL, err, sizeof err));
            free(env);
        }
        n++;
    }
    closedir(d);
    assert_true(n > 100);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sign_verify_roundtrip),
        cmocka_unit_test(test_sign_refuses),
        cmocka_unit_test(test_unknown_key),
        cmocka_unit_test(test_key_channels),
        cmocka_unit_test(test_forgeries),
        cmocka_unit_test(test_byte_flip),
        cmocka_unit_test(test_compile_and_open),
        cmocka_unit_test(test_compile_errors),
        cmocka_unit_test(test_open_refuses_bad_payload),
        cmocka_unit_test(test_json_suite),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
