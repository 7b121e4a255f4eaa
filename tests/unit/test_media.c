/* test_media.c — media hashing (known SHA-256 vectors, streaming across buffers) and libavformat probing of good and bad files. */
#define _POSIX_C_SOURCE 200809L
#include "content/media.h"

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
#include <fcntl.h>
#include <libavutil/log.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct {
    char dir[256];
    bool have_ffmpeg; /* the generated media exist */
} fixture;

static int group_setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    if (sl_test_tmpdir(f->dir, sizeof f->dir, "sl-test-media") != 0 || sodium_init() < 0) {
        free(f);
        return -1;
    }
    f->have_ffmpeg =
        sl_test_have_ffmpeg() &&
        sl_test_ffmpeg(f->dir, "-f lavfi -i testsrc2=size=64x64:rate=10 -t 2 -pix_fmt yuv420p -c:v libx264 video.mp4") == 0 &&
        sl_test_ffmpeg(f->dir, "-f lavfi -i testsrc2=size=64x64:rate=10 -t 2 -pix_fmt yuv420p -c:v libx264 "
                  "-movflags +faststart faststart.mp4") == 0 &&
        sl_test_ffmpeg(f->dir, "-f lavfi -i testsrc2=size=96x48:rate=25 -f lavfi -i sine=frequency=440:duration=3 "
                  "-t 3 -pix_fmt yuv420p -c:v libx264 -c:a aac av.mp4") == 0 &&
        sl_test_ffmpeg(f->dir, "-f lavfi -i sine=frequency=440:duration=1.5 sound.wav") == 0;
    char p[512];
    sl_test_path(f->dir, "tiny.png", p, sizeof p);
    if (sl_test_write_file(p, sl_test_tiny_png, sl_test_tiny_png_size) != 0) {
        free(f);
        return -1;
    }
    *state = f;
    return 0;
}

static int group_teardown(void **state)
{
    fixture *f = *state;
    int rc = sl_test_rmtree(f->dir);
    free(f);
    return rc == 0 ? 0 : -1;
}

static void test_sha256_vectors(void **state)
{
    fixture *f = *state;
    char p[512], hex[SL_SHA256_HEX_LEN + 1], err[512];
    int64_t size = -1;

    sl_test_path(f->dir, "abc.txt", p, sizeof p);
    assert_int_equal(sl_test_write_file(p, "abc", 3), 0);
    assert_int_equal(sl_media_sha256_file(p, hex, &size, err, sizeof err), 0);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assert_int_equal(size, 3);

    sl_test_path(f->dir, "empty.txt", p, sizeof p);
    assert_int_equal(sl_test_write_file(p, "", 0), 0);
    assert_int_equal(sl_media_sha256_file(p, hex, &size, err, sizeof err), 0);
    assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    assert_int_equal(size, 0);
    assert_int_equal(sl_media_sha256_file(p, hex, NULL, err, sizeof err), 0); /* size is optional */

    /* Across several 64 KiB reads, with a tail: matches the one-shot hash. */
    size_t n = 3 * 65536 + 12345;
    unsigned char *buf = malloc(n);
    assert_non_null(buf);
    for (size_t i = 0; i < n; i++)
        buf[i] = (unsigned char)((i * 2654435761u) >> 13);
    sl_test_path(f->dir, "big.bin", p, sizeof p);
    assert_int_equal(sl_test_write_file(p, buf, n), 0);
    unsigned char digest[crypto_hash_sha256_BYTES];
    char want[SL_SHA256_HEX_LEN + 1];
    crypto_hash_sha256(digest, buf, n);
    sodium_bin2hex(want, sizeof want, digest, sizeof digest);
    assert_int_equal(sl_media_sha256_file(p, hex, &size, err, sizeof err), 0);
    assert_string_equal(hex, want);
    assert_int_equal(size, (int64_t)n);
    assert_true(sl_media_is_sha256(hex));
    free(buf);
}

static void test_sha256_errors(void **state)
{
    fixture *f = *state;
    char p[512], hex[SL_SHA256_HEX_LEN + 1], err[512];
    int64_t size = 7;

    sl_test_path(f->dir, "does-not-exist.mp4", p, sizeof p);
    err[0] = '\0';
    strcpy(hex, "junk");
    assert_int_equal(sl_media_sha256_file(p, hex, &size, err, sizeof err), -1);
    assert_non_null(strstr(err, "does-not-exist.mp4"));
    assert_non_null(strstr(err, "No such file"));
    assert_string_equal(hex, "");
    assert_int_equal(size, 0);

    assert_int_equal(sl_media_sha256_file(f->dir, hex, &size, err, sizeof err), -1);
    assert_non_null(strstr(err, "not a regular file"));
    assert_int_equal(sl_media_sha256_file(NULL, hex, &size, err, sizeof err), -1);
}

static void test_is_sha256(void **state)
{
    (void)state;
    assert_true(sl_media_is_sha256("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
    assert_true(sl_media_is_sha256("0000000000000000000000000000000000000000000000000000000000000000"));
    assert_false(sl_media_is_sha256("BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD"));
    assert_false(sl_media_is_sha256("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015a"));
    assert_false(sl_media_is_sha256("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad0"));
    assert_false(sl_media_is_sha256("ga7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
    assert_false(sl_media_is_sha256("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015a "));
    assert_false(sl_media_is_sha256("../7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
    assert_false(sl_media_is_sha256(""));
    assert_false(sl_media_is_sha256(NULL));
}

static void test_probe_png(void **state)
{
    fixture *f = *state;
    char p[512], err[512];
    sl_media_info info;

    sl_test_path(f->dir, "tiny.png", p, sizeof p);
    assert_int_equal(sl_media_probe(p, &info, err, sizeof err), 0);
    assert_true(info.is_still);
    assert_true(info.has_video);
    assert_false(info.has_audio);
    assert_int_equal(info.width, 8);
    assert_int_equal(info.height, 6);
    assert_string_equal(info.video_codec, "png");
    assert_int_equal(info.duration_ms, -1);

    /* A name that looks like an image-sequence pattern is just a name. */
    sl_test_path(f->dir, "img%03d.png", p, sizeof p);
    assert_int_equal(sl_test_write_file(p, sl_test_tiny_png, sl_test_tiny_png_size), 0);
    assert_int_equal(sl_media_probe(p, &info, err, sizeof err), 0);
    assert_true(info.is_still);
    assert_int_equal(info.width, 8);

    /* A name that looks like an FFmpeg protocol is a local file too. */
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "cd '%s' && cp tiny.png 'concat:tiny.png'", f->dir);
    assert_int_equal(system(cmd), 0);
    char cwd[1024];
    assert_non_null(getcwd(cwd, sizeof cwd));
    assert_int_equal(chdir(f->dir), 0);
    int rc = sl_media_probe("concat:tiny.png", &info, err, sizeof err);
    assert_int_equal(chdir(cwd), 0);
    assert_int_equal(rc, 0);
    assert_true(info.is_still);

    /* A truncated PNG. */
    sl_test_path(f->dir, "cut.png", p, sizeof p);
    assert_int_equal(sl_test_write_file(p, sl_test_tiny_png, 30), 0);
    rc = sl_media_probe(p, &info, err, sizeof err);
    if (rc == 0)
        assert_true(info.width == 8 || info.width == 0);
}

static void test_probe_video(void **state)
{
    fixture *f = *state;
    char p[512], err[512];
    sl_media_info info;
    if (!f->have_ffmpeg)
        skip();

    sl_test_path(f->dir, "video.mp4", p, sizeof p);
    err[0] = '\0';
    assert_int_equal(sl_media_probe(p, &info, err, sizeof err), 0);
    assert_true(info.has_video);
    assert_false(info.has_audio);
    assert_false(info.is_still);
    assert_int_equal(info.width, 64);
    assert_int_equal(info.height, 64);
    assert_string_equal(info.video_codec, "h264");
    assert_true(info.duration_ms >= 1900 && info.duration_ms <= 2100);
    assert_true(info.fps > 9.9 && info.fps < 10.1);

    sl_test_path(f->dir, "av.mp4", p, sizeof p);
    assert_int_equal(sl_media_probe(p, &info, err, sizeof err), 0);
    assert_true(info.has_video);
    assert_true(info.has_audio);
    assert_false(info.is_still);
    assert_int_equal(info.width, 96);
    assert_int_equal(info.height, 48);
    assert_string_equal(info.audio_codec, "aac");
    assert_true(info.duration_ms >= 2900 && info.duration_ms <= 3100);
    assert_true(info.fps > 24.9 && info.fps < 25.1);

    sl_test_path(f->dir, "sound.wav", p, sizeof p);
    assert_int_equal(sl_media_probe(p, &info, err, sizeof err), 0);
    assert_false(info.has_video);
    assert_true(info.has_audio);
    assert_false(info.is_still);
    assert_int_equal(info.width, 0);
    assert_true(info.duration_ms >= 1400 && info.duration_ms <= 1600);
}

/* Probes every prefix length in a spread over the file: never crashes, and
 * a success has sane values. Returns how many prefixes were refused. */
static int probe_prefixes(const fixture *f, const char *name, size_t steps)
{
    char src[512], p[512], err[512];
    size_t n = 0;
    sl_test_path(f->dir, name, src, sizeof src);
    unsigned char *buf = sl_test_read_file(src, &n);
    assert_non_null(buf);
    sl_test_path(f->dir, "prefix.bin", p, sizeof p);
    int refused = 0;
    for (size_t k = 0; k < steps; k++) {
        size_t len = n * k / steps;
        assert_int_equal(sl_test_write_file(p, buf, len), 0);
        sl_media_info info;
        if (sl_media_probe(p, &info, err, sizeof err) != 0) {
            assert_true(strlen(err) > 0);
            assert_false(info.has_video);
            refused++;
        } else {
            assert_true(info.has_video || info.has_audio);
            assert_true(info.width >= 0 && info.height >= 0);
        }
    }
    free(buf);
    return refused;
}

static void test_probe_bad_files(void **state)
{
    fixture *f = *state;
    char p[512], err[512];
    sl_media_info info;

    /* Random bytes. */
    unsigned char junk[50000];
    randombytes_buf(junk, sizeof junk);
    sl_test_path(f->dir, "random.mp4", p, sizeof p);
    assert_int_equal(sl_test_write_file(p, junk, sizeof junk), 0);
    err[0] = '\0';
    assert_int_equal(sl_media_probe(p, &info, err, sizeof err), -1);
    assert_non_null(strstr(err, "random.mp4"));
    assert_int_equal(info.duration_ms, -1);
    assert_false(info.has_video);

    /* Text, an empty file, a folder, a missing file. */
    sl_test_path(f->dir, "notes.mp4", p, sizeof p);
    const char *text = "these are not the frames you are looking for\n";
    assert_int_equal(sl_test_write_file(p, text, strlen(text)), 0);
    assert_int_equal(sl_media_probe(p, &info, err, sizeof err), -1);
    sl_test_path(f->dir, "empty.mp4", p, sizeof p);
    assert_int_equal(sl_test_write_file(p, "", 0), 0);
    assert_int_equal(sl_media_probe(p, &info, err, sizeof err), -1);
    assert_int_equal(sl_media_probe(f->dir, &info, err, sizeof err), -1);
    sl_test_path(f->dir, "missing.mp4", p, sizeof p);
    assert_int_equal(sl_media_probe(p, &info, err, sizeof err), -1);
    assert_non_null(strstr(err, "missing.mp4"));
    assert_int_equal(sl_media_probe(NULL, &info, err, sizeof err), -1);
    assert_int_equal(sl_media_probe("", &info, err, sizeof err), -1);

    if (!f->have_ffmpeg)
        skip();

    /* An MP4 cut in half: with the index at the end it is gone; with the
     * index first ("faststart") it points past the end of the file. */
    char src[512];
    size_t n = 0;
    sl_test_path(f->dir, "video.mp4", src, sizeof src);
    unsigned char *buf = sl_test_read_file(src, &n);
    assert_non_null(buf);
    sl_test_path(f->dir, "half.mp4", p, sizeof p);
    assert_int_equal(sl_test_write_file(p, buf, n / 2), 0);
    err[0] = '\0';
    assert_int_equal(sl_media_probe(p, &info, err, sizeof err), -1);
    assert_non_null(strstr(err, "half.mp4"));
    free(buf);

    sl_test_path(f->dir, "faststart.mp4", src, sizeof src);
    buf = sl_test_read_file(src, &n);
    assert_non_null(buf);
    sl_test_path(f->dir, "half-faststart.mp4", p, sizeof p);
    assert_int_equal(sl_test_write_file(p, buf, n / 2), 0);
    err[0] = '\0';
    assert_int_equal(sl_media_probe(p, &info, err, sizeof err), -1);
    assert_non_null(strstr(err, "truncated"));
    /* Only the last byte missing is still caught. */
    assert_int_equal(sl_test_write_file(p, buf, n - 1), 0);
    assert_int_equal(sl_media_probe(p, &info, err, sizeof err), -1);
    free(buf);

    /* Every prefix of every sample: no crash, and every strict prefix of an
     * MP4 is refused. */
    assert_int_equal(probe_prefixes(f, "video.mp4", 64), 64);
    assert_int_equal(probe_prefixes(f, "faststart.mp4", 64), 64);
    assert_int_equal(probe_prefixes(f, "av.mp4", 64), 64);
    probe_prefixes(f, "sound.wav", 16);
    probe_prefixes(f, "tiny.png", 16);
}

/* FFmpeg's own log lines, of any level, reach no output once the media
 * module installed its callback. */
static void test_ffmpeg_log_quiet(void **state)
{
    (void)state;
    sl_media_log_init();
    char path[] = "/tmp/sl-media-log-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    fflush(stderr);
    int saved = dup(STDERR_FILENO);
    assert_true(saved >= 0);
    assert_true(dup2(fd, STDERR_FILENO) >= 0);
    av_log(NULL, AV_LOG_PANIC, "ffmpeg panic %d\n", 1);
    av_log(NULL, AV_LOG_ERROR, "ffmpeg error %s\n", "line");
    av_log(NULL, AV_LOG_WARNING, "ffmpeg warning\n");
    av_log(NULL, AV_LOG_INFO, "ffmpeg info\n");
    fflush(stderr);
    assert_true(dup2(saved, STDERR_FILENO) >= 0);
    close(saved);
    struct stat st;
    assert_int_equal(fstat(fd, &st), 0);
    close(fd);
    unlink(path);
    assert_int_equal(st.st_size, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sha256_vectors), cmocka_unit_test(test_sha256_errors),
        cmocka_unit_test(test_is_sha256),      cmocka_unit_test(test_probe_png),
        cmocka_unit_test(test_probe_video),    cmocka_unit_test(test_probe_bad_files),
        cmocka_unit_test(test_ffmpeg_log_quiet),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
