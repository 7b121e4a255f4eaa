/* test_player_decode.c — picture decoding (fits, colours, bombs, damaged files) and frame-exact video decoding on its thread. */
#define _POSIX_C_SOURCE 200809L
#include "player/decode.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "playerfix.h"
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define FONT "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"

typedef struct {
    char dir[256];
    bool have_ffmpeg; /* ffmpeg runs and made the basic pictures */
} fixture;

/* Whether two 0xAARRGGBB values differ by at most tol on every channel. */
static bool near(uint32_t a, uint32_t b, int tol)
{
    return sl_test_argb_near(a, b, tol);
}

static void assert_near(uint32_t got, uint32_t want, int tol)
{
    if (!near(got, want, tol)) {
        print_error("pixel 0x%08x, expected 0x%08x (±%d)\n", (unsigned)got, (unsigned)want, tol);
        fail();
    }
}

static int group_setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    if (sl_test_tmpdir(f->dir, sizeof f->dir, "sl-test-decode") != 0) {
        free(f);
        return -1;
    }
    f->have_ffmpeg =
        sl_test_have_ffmpeg() &&
        sl_test_ffmpeg(f->dir, "-f lavfi -i color=c=0x3366cc:size=640x360,format=rgb24 -frames:v 1 solid.png") == 0 &&
        sl_test_ffmpeg(f->dir, "-f lavfi -i color=c=0x3366cc:size=640x360 -frames:v 1 -q:v 2 solid.jpg") == 0 &&
        sl_test_ffmpeg(f->dir, "-f lavfi -i testsrc2=size=640x360 -frames:v 1 -q:v 3 noisy.jpg") == 0 &&
        sl_test_ffmpeg(f->dir, "-f lavfi -i testsrc2=size=640x360 -frames:v 1 noisy.png") == 0;
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

/* --------------------------------------------------------------- fit */

static void fit(int w, int h, int bw, int bh, sl_fit mode, int ew, int eh)
{
    int ow = -1, oh = -1;
    sl_fit_size(w, h, bw, bh, mode, &ow, &oh);
    if (ow != ew || oh != eh) {
        print_error("%dx%d in %dx%d (fit %d): %dx%d, expected %dx%d\n", w, h, bw, bh, (int)mode, ow,
                    oh, ew, eh);
        fail();
    }
}

static void test_fit_size(void **state)
{
    (void)state;
    fit(640, 360, 320, 320, SL_FIT_CONTAIN, 320, 180);
    fit(360, 640, 320, 320, SL_FIT_CONTAIN, 180, 320);
    fit(640, 360, 1920, 1080, SL_FIT_CONTAIN, 1920, 1080);
    fit(640, 480, 1920, 1080, SL_FIT_CONTAIN, 1440, 1080);
    fit(100, 100, 50, 30, SL_FIT_CONTAIN, 30, 30);
    fit(3, 2, 100, 100, SL_FIT_CONTAIN, 100, 67);   /* 66.67 rounds to 67 */
    fit(1000, 1, 100, 100, SL_FIT_CONTAIN, 100, 1); /* 0.1 px: at least 1 */
    fit(1, 1000, 100, 100, SL_FIT_CONTAIN, 1, 100);
    fit(640, 360, 320, 320, SL_FIT_COVER, 320, 320);
    fit(640, 360, 320, 320, SL_FIT_STRETCH, 320, 320);
    fit(10, 10, 4000, 30, SL_FIT_COVER, 4000, 30);
    /* degenerate input never gives 0 */
    fit(0, 0, 0, 0, SL_FIT_CONTAIN, 1, 1);
    fit(640, 360, 0, 0, SL_FIT_STRETCH, 1, 1);
    fit(-5, 360, 100, 100, SL_FIT_CONTAIN, 1, 100);
    sl_fit_size(640, 360, 320, 320, SL_FIT_CONTAIN, NULL, NULL); /* NULL outputs are fine */
}

/* ----------------------------------------------------------- pictures */

static void test_image_png(void **state)
{
    fixture *f = *state;
    char p[512];
    sl_frame fr = {0};
    SL_PLAYERFIX_NEED_FFMPEG(f->have_ffmpeg);
    sl_test_path(f->dir, "solid.png", p, sizeof p);

    sl_playerfix_decode(p, 320, 320, SL_FIT_CONTAIN, &fr);
    assert_int_equal(fr.w, 320);
    assert_int_equal(fr.h, 180);
    for (int y = 0; y < fr.h; y += 17)
        for (int x = 0; x < fr.w; x += 13)
            assert_near(sl_playerfix_pixel(&fr, x, y), 0xff3366cc, 1);
    sl_frame_free(&fr);
    assert_null(fr.pixels);

    sl_playerfix_decode(p, 320, 320, SL_FIT_COVER, &fr);
    assert_int_equal(fr.w, 320);
    assert_int_equal(fr.h, 320);
    assert_near(sl_playerfix_pixel(&fr, 0, 0), 0xff3366cc, 1);
    assert_near(sl_playerfix_pixel(&fr, 319, 319), 0xff3366cc, 1);
    sl_frame_free(&fr);

    sl_playerfix_decode(p, 320, 320, SL_FIT_STRETCH, &fr);
    assert_int_equal(fr.w, 320);
    assert_int_equal(fr.h, 320);
    assert_near(sl_playerfix_pixel(&fr, 160, 160), 0xff3366cc, 1);
    sl_frame_free(&fr);

    /* enlarging (bicubic) keeps a flat colour */
    sl_playerfix_decode(p, 1920, 1200, SL_FIT_CONTAIN, &fr);
    assert_int_equal(fr.w, 1920);
    assert_int_equal(fr.h, 1080);
    assert_near(sl_playerfix_pixel(&fr, 1919, 1079), 0xff3366cc, 2);
    sl_frame_free(&fr);

    /* the same size: a straight conversion */
    sl_playerfix_decode(p, 640, 360, SL_FIT_CONTAIN, &fr);
    assert_int_equal(fr.w, 640);
    assert_int_equal(fr.h, 360);
    assert_int_equal(sl_playerfix_pixel(&fr, 320, 180), 0xff3366cc);
    sl_frame_free(&fr);
    sl_frame_free(&fr); /* twice is fine */
    sl_frame_free(NULL);
}

static void test_image_jpeg_webp(void **state)
{
    fixture *f = *state;
    char p[512];
    sl_frame fr = {0};
    SL_PLAYERFIX_NEED_FFMPEG(f->have_ffmpeg);

    sl_test_path(f->dir, "solid.jpg", p, sizeof p);
    sl_playerfix_decode(p, 320, 320, SL_FIT_CONTAIN, &fr);
    assert_int_equal(fr.w, 320);
    assert_int_equal(fr.h, 180);
    assert_near(sl_playerfix_pixel(&fr, 160, 90), 0xff3366cc, 6);
    sl_frame_free(&fr);
    sl_playerfix_decode(p, 100, 300, SL_FIT_COVER, &fr);
    assert_int_equal(fr.w, 100);
    assert_int_equal(fr.h, 300);
    assert_near(sl_playerfix_pixel(&fr, 50, 150), 0xff3366cc, 6);
    sl_frame_free(&fr);

    sl_test_path(f->dir, "noisy.jpg", p, sizeof p);
    sl_playerfix_decode(p, 333, 111, SL_FIT_STRETCH, &fr);
    assert_int_equal(fr.w, 333);
    assert_int_equal(fr.h, 111);
    sl_frame_free(&fr);

    if (!sl_test_have_encoder("libwebp")) {
        print_message("no WebP encoder: WebP part skipped\n");
        return;
    }
    assert_int_equal(sl_test_ffmpeg(f->dir, "-f lavfi -i color=c=0x3366cc:size=640x360 -frames:v 1 "
                               "-c:v libwebp -lossless 1 solid-lossless.webp"),
                     0);
    assert_int_equal(sl_test_ffmpeg(f->dir, "-f lavfi -i color=c=0x3366cc:size=640x360 -frames:v 1 "
                               "-c:v libwebp -quality 95 solid-lossy.webp"),
                     0);
    sl_test_path(f->dir, "solid-lossless.webp", p, sizeof p);
    sl_playerfix_decode(p, 320, 320, SL_FIT_CONTAIN, &fr);
    assert_int_equal(fr.w, 320);
    assert_int_equal(fr.h, 180);
    assert_near(sl_playerfix_pixel(&fr, 100, 100), 0xff3366cc, 1);
    sl_frame_free(&fr);
    sl_test_path(f->dir, "solid-lossy.webp", p, sizeof p);
    sl_playerfix_decode(p, 320, 320, SL_FIT_COVER, &fr);
    assert_int_equal(fr.w, 320);
    assert_int_equal(fr.h, 320);
    assert_near(sl_playerfix_pixel(&fr, 100, 100), 0xff3366cc, 8);
    sl_frame_free(&fr);
}

/* Alpha survives; cover shows the centre, contain the whole picture. */
static void test_image_alpha_and_crop(void **state)
{
    fixture *f = *state;
    char p[512];
    sl_frame fr = {0};
    SL_PLAYERFIX_NEED_FFMPEG(f->have_ffmpeg);

    assert_int_equal(sl_test_ffmpeg(f->dir, "-f lavfi -i color=c=0xff0000@0.5:size=64x64,format=rgba "
                               "-frames:v 1 half.png"),
                     0);
    sl_test_path(f->dir, "half.png", p, sizeof p);
    sl_playerfix_decode(p, 32, 32, SL_FIT_CONTAIN, &fr);
    assert_int_equal(fr.w, 32);
    uint32_t px = sl_playerfix_pixel(&fr, 16, 16);
    assert_true((px >> 24) >= 0x7e && (px >> 24) <= 0x81);
    assert_int_equal((px >> 16) & 0xff, 0xff);
    assert_int_equal(px & 0xffff, 0);
    sl_frame_free(&fr);

    /* red | green | blue thirds, 300x100 */
    assert_int_equal(sl_test_ffmpeg(f->dir, "-f lavfi -i color=c=red:size=100x100 -f lavfi -i color=c=lime:size=100x100 "
                               "-f lavfi -i color=c=blue:size=100x100 -filter_complex "
                               "'[0][1][2]hstack=3,format=rgb24' -frames:v 1 thirds.png"),
                     0);
    sl_test_path(f->dir, "thirds.png", p, sizeof p);
    sl_playerfix_decode(p, 100, 100, SL_FIT_COVER, &fr);
    assert_int_equal(fr.w, 100);
    assert_int_equal(fr.h, 100);
    assert_near(sl_playerfix_pixel(&fr, 0, 0), 0xff00ff00, 1);  /* only the green centre */
    assert_near(sl_playerfix_pixel(&fr, 99, 99), 0xff00ff00, 1);
    assert_near(sl_playerfix_pixel(&fr, 50, 50), 0xff00ff00, 1);
    sl_frame_free(&fr);
    sl_playerfix_decode(p, 100, 100, SL_FIT_CONTAIN, &fr);
    assert_int_equal(fr.w, 100);
    assert_int_equal(fr.h, 33);
    assert_near(sl_playerfix_pixel(&fr, 2, 16), 0xffff0000, 2);
    assert_near(sl_playerfix_pixel(&fr, 50, 16), 0xff00ff00, 2);
    assert_near(sl_playerfix_pixel(&fr, 97, 16), 0xff0000ff, 2);
    sl_frame_free(&fr);
    /* tall box: cover crops the sides even more; stretch keeps all three */
    sl_playerfix_decode(p, 10, 100, SL_FIT_COVER, &fr);
    assert_near(sl_playerfix_pixel(&fr, 0, 50), 0xff00ff00, 1);
    assert_near(sl_playerfix_pixel(&fr, 9, 50), 0xff00ff00, 1);
    sl_frame_free(&fr);
    sl_playerfix_decode(p, 30, 30, SL_FIT_STRETCH, &fr);
    assert_near(sl_playerfix_pixel(&fr, 2, 15), 0xffff0000, 2);
    assert_near(sl_playerfix_pixel(&fr, 27, 15), 0xff0000ff, 2);
    sl_frame_free(&fr);

    /* a palette PNG: the palette plane is not cropped with the pixels */
    assert_int_equal(sl_test_ffmpeg(f->dir, "-i thirds.png -pix_fmt pal8 thirds-pal8.png"), 0);
    sl_test_path(f->dir, "thirds-pal8.png", p, sizeof p);
    sl_playerfix_decode(p, 50, 50, SL_FIT_COVER, &fr);
    assert_near(sl_playerfix_pixel(&fr, 0, 0), 0xff00ff00, 4);
    assert_near(sl_playerfix_pixel(&fr, 49, 49), 0xff00ff00, 4);
    sl_frame_free(&fr);
    sl_playerfix_decode(p, 300, 300, SL_FIT_CONTAIN, &fr);
    assert_int_equal(fr.h, 100);
    assert_near(sl_playerfix_pixel(&fr, 10, 50), 0xffff0000, 4);
    assert_near(sl_playerfix_pixel(&fr, 290, 50), 0xff0000ff, 4);
    sl_frame_free(&fr);

    /* a 1-bit PNG (bit-packed pixels): left black, right white; cover crops the centre */
    assert_int_equal(sl_test_ffmpeg(f->dir, "-f lavfi -i color=c=black:size=60x20 -f lavfi -i color=c=white:size=60x20 "
                               "-filter_complex '[0][1]hstack=2,format=monob' -frames:v 1 mono.png"),
                     0);
    sl_test_path(f->dir, "mono.png", p, sizeof p);
    sl_playerfix_decode(p, 40, 40, SL_FIT_COVER, &fr); /* shows x 50..70 of 120: black | white at 60 */
    assert_int_equal(fr.w, 40);
    assert_int_equal(fr.h, 40);
    assert_near(sl_playerfix_pixel(&fr, 5, 20), 0xff000000, 2);
    assert_near(sl_playerfix_pixel(&fr, 34, 20), 0xffffffff, 2);
    sl_frame_free(&fr);
    sl_playerfix_decode(p, 12, 12, SL_FIT_CONTAIN, &fr);
    assert_int_equal(fr.w, 12);
    assert_int_equal(fr.h, 2);
    sl_frame_free(&fr);
}

static uint32_t crc32_bytes(const unsigned char *d, size_t n)
{
    uint32_t c = 0xffffffffu;
    for (size_t i = 0; i < n; i++) {
        c ^= d[i];
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1u)));
    }
    return c ^ 0xffffffffu;
}

static void put_be32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

/* Writes a PNG whose header claims w×h (8-bit RGB) with a few bytes of
 * image data and an IEND: a decompression bomb's header, cheaply. */
static int write_png_header(const char *path, uint32_t w, uint32_t h)
{
    unsigned char b[8 + 25 + 12 + 8 + 12];
    static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    /* zlib stream: one empty stored block would be invalid for the size; any bytes do */
    static const unsigned char zdata[8] = {0x78, 0x9c, 0x63, 0x60, 0x00, 0x00, 0x00, 0x02};
    size_t n = 0;
    memcpy(b, sig, 8);
    n = 8;
    put_be32(b + n, 13);
    memcpy(b + n + 4, "IHDR", 4);
    put_be32(b + n + 8, w);
    put_be32(b + n + 12, h);
    b[n + 16] = 8; /* bit depth */
    b[n + 17] = 2; /* RGB */
    b[n + 18] = b[n + 19] = b[n + 20] = 0;
    put_be32(b + n + 21, crc32_bytes(b + n + 4, 17));
    n += 25;
    put_be32(b + n, sizeof zdata);
    memcpy(b + n + 4, "IDAT", 4);
    memcpy(b + n + 8, zdata, sizeof zdata);
    put_be32(b + n + 16, crc32_bytes(b + n + 4, 4 + sizeof zdata));
    n += 12 + sizeof zdata;
    put_be32(b + n, 0);
    memcpy(b + n + 4, "IEND", 4);
    put_be32(b + n + 8, crc32_bytes(b + n + 4, 4));
    n += 12;
    return sl_test_write_file(path, b, n);
}

static void test_image_bombs(void **state)
{
    fixture *f = *state;
    char p[512], err[512];
    sl_frame fr = {0};

    sl_test_path(f->dir, "bomb.png", p, sizeof p);
    assert_int_equal(write_png_header(p, 20000, 20000), 0);
    err[0] = '\0';
    int64_t t0 = sl_test_now_ms();
    assert_int_equal(sl_decode_image(p, 1920, 1080, SL_FIT_CONTAIN, &fr, err, sizeof err), -1);
    assert_true(sl_test_now_ms() - t0 < 2000);
    assert_null(fr.pixels);
    assert_non_null(strstr(err, "picture is 20000x20000 pixels; at most 16384 on a side"));

    /* a side over the limit with few pixels */
    assert_int_equal(write_png_header(p, 16385, 2), 0);
    assert_int_equal(sl_decode_image(p, 100, 100, SL_FIT_CONTAIN, &fr, err, sizeof err), -1);
    assert_non_null(strstr(err, "16385x2"));

    /* sides within the limit, too many pixels (81 Mpx) */
    assert_int_equal(write_png_header(p, 9000, 9000), 0);
    assert_int_equal(sl_decode_image(p, 100, 100, SL_FIT_COVER, &fr, err, sizeof err), -1);
    assert_non_null(strstr(err, "9000x9000"));
    assert_non_null(strstr(err, "at most 64 Mpx"));

    /* the largest square allowed passes the size check (and then fails on its fake data) */
    assert_int_equal(write_png_header(p, 8192, 8192), 0);
    assert_int_equal(sl_decode_image(p, 100, 100, SL_FIT_COVER, &fr, err, sizeof err), -1);
    assert_null(strstr(err, "at most"));

    if (!f->have_ffmpeg)
        return;
    /* a JPEG whose SOF says 20000x20000 */
    size_t n;
    char src[512];
    sl_test_path(f->dir, "solid.jpg", src, sizeof src);
    unsigned char *b = sl_test_read_file(src, &n);
    assert_non_null(b);
    size_t i;
    for (i = 2; i + 9 < n; i++)
        if (b[i] == 0xff && b[i + 1] == 0xc0)
            break;
    assert_true(i + 9 < n);
    b[i + 5] = 20000 >> 8;
    b[i + 6] = 20000 & 0xff;
    b[i + 7] = 20000 >> 8;
    b[i + 8] = 20000 & 0xff;
    sl_test_path(f->dir, "bomb.jpg", p, sizeof p);
    assert_int_equal(sl_test_write_file(p, b, n), 0);
    free(b);
    assert_int_equal(sl_decode_image(p, 100, 100, SL_FIT_CONTAIN, &fr, err, sizeof err), -1);
    assert_non_null(strstr(err, "picture is 20000x20000 pixels; at most 16384 on a side"));
}

/* Decodes every n-th prefix of a file; each strict prefix must fail. Returns how many were tried. */
static int image_prefixes(const fixture *f, const char *name, int steps)
{
    char src[512], p[512], err[512];
    size_t n;
    sl_test_path(f->dir, name, src, sizeof src);
    unsigned char *b = sl_test_read_file(src, &n);
    assert_non_null(b);
    const char *ext = strrchr(name, '.');
    char base[64];
    snprintf(base, sizeof base, "prefix%s", ext ? ext : "");
    sl_test_path(f->dir, base, p, sizeof p);
    int tried = 0;
    for (int k = 0; k <= steps; k++) {
        size_t len = k == steps ? n - 1 : n * (size_t)k / (size_t)steps;
        sl_frame fr = {0};
        assert_int_equal(sl_test_write_file(p, b, len), 0);
        err[0] = '\0';
        int rc = sl_decode_image(p, 64, 64, SL_FIT_COVER, &fr, err, sizeof err);
        if (rc != -1) {
            print_error("%s cut to %zu of %zu bytes was decoded\n", name, len, n);
            fail();
        }
        assert_true(err[0] != '\0');
        assert_null(fr.pixels);
        tried++;
    }
    free(b);
    return tried;
}

static void test_image_bad_files(void **state)
{
    fixture *f = *state;
    char p[512], err[512];
    sl_frame fr = {0};

    assert_int_equal(sl_decode_image(NULL, 10, 10, SL_FIT_CONTAIN, &fr, err, sizeof err), -1);
    sl_test_path(f->dir, "missing.png", p, sizeof p);
    assert_int_equal(sl_decode_image(p, 10, 10, SL_FIT_CONTAIN, &fr, err, sizeof err), -1);
    assert_non_null(strstr(err, "missing.png"));
    sl_test_path(f->dir, "empty.png", p, sizeof p);
    assert_int_equal(sl_test_write_file(p, "", 0), 0);
    assert_int_equal(sl_decode_image(p, 10, 10, SL_FIT_CONTAIN, &fr, err, sizeof err), -1);

    unsigned char junk[4096];
    uint32_t x = 12345;
    for (size_t i = 0; i < sizeof junk; i++) {
        x = x * 1103515245u + 12345u;
        junk[i] = (unsigned char)(x >> 16);
    }
    sl_test_path(f->dir, "junk.jpg", p, sizeof p);
    assert_int_equal(sl_test_write_file(p, junk, sizeof junk), 0);
    assert_int_equal(sl_decode_image(p, 10, 10, SL_FIT_CONTAIN, &fr, err, sizeof err), -1);
    assert_null(fr.pixels);
    /* ".bin" would be read as a text-art picture by FFmpeg's bintext demuxer */
    sl_test_path(f->dir, "junk.bin", p, sizeof p);
    assert_int_equal(sl_test_write_file(p, junk, sizeof junk), 0);
    assert_int_equal(sl_decode_image(p, 10, 10, SL_FIT_CONTAIN, &fr, err, sizeof err), -1);
    /* random bytes behind a real PNG signature and JPEG start */
    memcpy(junk, "\x89PNG\r\n\x1a\n", 8);
    sl_test_path(f->dir, "junk.png", p, sizeof p);
    assert_int_equal(sl_test_write_file(p, junk, sizeof junk), 0);
    assert_int_equal(sl_decode_image(p, 10, 10, SL_FIT_CONTAIN, &fr, err, sizeof err), -1);
    junk[0] = 0xff;
    junk[1] = 0xd8;
    junk[2] = 0xff;
    sl_test_path(f->dir, "junk2.jpg", p, sizeof p);
    assert_int_equal(sl_test_write_file(p, junk, sizeof junk), 0);
    assert_int_equal(sl_decode_image(p, 10, 10, SL_FIT_CONTAIN, &fr, err, sizeof err), -1);

    if (!f->have_ffmpeg)
        return;
    /* a PNG under another name is still found by its content; a video is not a picture */
    {
        char src0[512];
        size_t n0;
        sl_test_path(f->dir, "solid.png", src0, sizeof src0);
        unsigned char *b0 = sl_test_read_file(src0, &n0);
        assert_non_null(b0);
        sl_test_path(f->dir, "picture.bin", p, sizeof p);
        assert_int_equal(sl_test_write_file(p, b0, n0), 0);
        free(b0);
        sl_playerfix_decode(p, 64, 64, SL_FIT_CONTAIN, &fr);
        assert_int_equal(fr.w, 64);
        assert_int_equal(fr.h, 36);
        sl_frame_free(&fr);
        assert_int_equal(sl_test_ffmpeg(f->dir, "-f lavfi -i testsrc2=size=64x48:rate=10 -t 1 -c:v mpeg4 v.mp4"), 0);
        sl_test_path(f->dir, "v.mp4", p, sizeof p);
        assert_int_equal(sl_decode_image(p, 10, 10, SL_FIT_CONTAIN, &fr, err, sizeof err), -1);
    }

    /* cut files: every prefix refused, including the one missing only its last byte */
    assert_int_equal(image_prefixes(f, "noisy.jpg", 40), 41);
    assert_int_equal(image_prefixes(f, "solid.jpg", 10), 11);
    assert_int_equal(image_prefixes(f, "noisy.png", 40), 41);
    char src[512];
    size_t n;
    sl_test_path(f->dir, "noisy.jpg", src, sizeof src);
    unsigned char *b = sl_test_read_file(src, &n);
    assert_non_null(b);
    sl_test_path(f->dir, "half.jpg", p, sizeof p);
    assert_int_equal(sl_test_write_file(p, b, n / 2), 0);
    assert_int_equal(sl_decode_image(p, 10, 10, SL_FIT_CONTAIN, &fr, err, sizeof err), -1);
    assert_non_null(strstr(err, "truncated"));
    /* damage in the middle of the scan data: no crash, whatever the decoder makes of it */
    for (size_t i = n / 2; i < n / 2 + 64 && i < n - 2; i++)
        b[i] = (unsigned char)(b[i] ^ 0x5a);
    assert_int_equal(sl_test_write_file(p, b, n), 0);
    if (sl_decode_image(p, 10, 10, SL_FIT_CONTAIN, &fr, err, sizeof err) == 0)
        sl_frame_free(&fr);
    free(b);
}

/* -------------------------------------------------------------- video */

/* Makes the frame-number clip (4 s at 25 fps = 100 frames) with an
 * encoder into name; false when the encoder is missing. */
static bool make_clip(const fixture *f, const char *encoder, const char *extra, const char *name)
{
    char args[1024];
    if (!sl_test_have_encoder(encoder))
        return false;
    bool font = access(FONT, R_OK) == 0;
    snprintf(args, sizeof args,
             "-f lavfi -i testsrc2=size=320x240:rate=25 -t 4 %s -c:v %s %s -pix_fmt yuv420p %s",
             font ? "-vf \"drawtext=fontfile=" FONT ":text='%{frame_num}':fontsize=40\"" : "",
             encoder, extra, name);
    return sl_test_ffmpeg(f->dir, args) == 0;
}

/* The exact-frame walk: for t = k*40 ms the frame returned is number k. */
static void check_frame_exact(const char *p, const char *want_decoder)
{
    sl_video_opts o = {.box_w = 160, .box_h = 160, .fit = SL_FIT_CONTAIN};
    sl_video *v = sl_playerfix_video(p, &o);
    assert_string_equal(sl_video_decoder_name(v), want_decoder);
    int64_t d = sl_video_duration_ms(v);
    assert_true(d >= 3960 && d <= 4100);
    for (int k = 0; k < 100; k++) {
        const sl_frame *fr = sl_video_frame_at(v, (int64_t)k * 40, true);
        assert_non_null(fr);
        if (fr->index != k || fr->pts_ms != (int64_t)k * 40) {
            print_error("%s at %d ms: frame %lld (pts %lld ms)\n", p, k * 40, (long long)fr->index,
                        (long long)fr->pts_ms);
            fail();
        }
        assert_int_equal(fr->w, 160);
        assert_int_equal(fr->h, 120);
        assert_true(fr->pitch >= 160 * 4);
        if (k < 99)
            assert_false(sl_video_ended(v));
    }
    assert_null(sl_video_error(v));
    /* past the end: the last frame stays */
    const sl_frame *fr = sl_video_frame_at(v, 60000, true);
    assert_non_null(fr);
    assert_int_equal(fr->index, 99);
    assert_int_equal(fr->pts_ms, 3960);
    assert_true(sl_video_ended(v));
    fr = sl_video_frame_at(v, 70000, false);
    assert_non_null(fr);
    assert_int_equal(fr->index, 99);
    assert_true(sl_video_ended(v));
    assert_null(sl_video_error(v));
    sl_video_close(v);
}

static void test_video_h264(void **state)
{
    fixture *f = *state;
    char p[512];
    SL_PLAYERFIX_NEED_FFMPEG(f->have_ffmpeg);
    if (!make_clip(f, "libx264", "", "clip.mp4")) {
        print_message("no libx264: skipped\n");
        skip();
    }
    sl_test_path(f->dir, "clip.mp4", p, sizeof p);
    check_frame_exact(p, "h264");
}

static void test_video_hevc(void **state)
{
    fixture *f = *state;
    char p[512];
    SL_PLAYERFIX_NEED_FFMPEG(f->have_ffmpeg);
    if (!make_clip(f, "libx265", "-x265-params log-level=error -tag:v hvc1", "clip-hevc.mp4")) {
        print_message("no libx265: skipped\n");
        skip();
    }
    sl_test_path(f->dir, "clip-hevc.mp4", p, sizeof p);
    check_frame_exact(p, "hevc");
}

static void test_video_vp9(void **state)
{
    fixture *f = *state;
    char p[512];
    SL_PLAYERFIX_NEED_FFMPEG(f->have_ffmpeg);
    if (!make_clip(f, "libvpx-vp9", "-b:v 200k -deadline realtime -cpu-used 8", "clip-vp9.webm")) {
        print_message("no libvpx-vp9: skipped\n");
        skip();
    }
    sl_test_path(f->dir, "clip-vp9.webm", p, sizeof p);
    check_frame_exact(p, "vp9");
}

/* Fits, the hardware fallback, a sound track, and the real-clock mode. */
static void test_video_modes(void **state)
{
    fixture *f = *state;
    char p[512];
    SL_PLAYERFIX_NEED_FFMPEG(f->have_ffmpeg);
    if (!sl_test_have_encoder("libx264") || !sl_test_have_encoder("aac")) {
        print_message("no libx264 or aac: skipped\n");
        skip();
    }
    assert_int_equal(sl_test_ffmpeg(f->dir, "-f lavfi -i testsrc2=size=320x240:rate=25 -f lavfi "
                               "-i sine=frequency=440:duration=2 -t 2 -c:v libx264 -pix_fmt yuv420p "
                               "-c:a aac av.mp4"),
                     0);
    sl_test_path(f->dir, "av.mp4", p, sizeof p);

    /* cover fills the box; the sound track is skipped without harm */
    sl_video_opts o = {.box_w = 100, .box_h = 100, .fit = SL_FIT_COVER, .audio = true,
                       .queue_frames = 3};
    sl_video *v = sl_playerfix_video(p, &o);
    for (int k = 0; k < 50; k++) {
        const sl_frame *fr = sl_video_frame_at(v, (int64_t)k * 40, true);
        assert_non_null(fr);
        assert_int_equal(fr->index, k);
        assert_int_equal(fr->w, 100);
        assert_int_equal(fr->h, 100);
    }
    assert_non_null(sl_video_frame_at(v, 5000, true));
    assert_true(sl_video_ended(v));
    sl_video_close(v);

    /* stretch, and the V4L2 decoder tried first: without the device it falls back */
    o = (sl_video_opts){.box_w = 64, .box_h = 200, .fit = SL_FIT_STRETCH, .try_hw = true};
    v = sl_playerfix_video(p, &o);
    const char *name = sl_video_decoder_name(v);
    assert_true(strcmp(name, "h264") == 0 || strcmp(name, "h264_v4l2m2m") == 0);
    const sl_frame *fr = sl_video_frame_at(v, 0, true);
    assert_non_null(fr);
    assert_int_equal(fr->w, 64);
    assert_int_equal(fr->h, 200);
    assert_int_equal(fr->index, 0);
    /* jumping ahead skips the frames in between */
    fr = sl_video_frame_at(v, 1000, true);
    assert_int_equal(fr->index, 25);
    fr = sl_video_frame_at(v, 1019, true);
    assert_int_equal(fr->index, 25);
    fr = sl_video_frame_at(v, 1020, true);
    assert_int_equal(fr->index, 25);
    fr = sl_video_frame_at(v, 1040, true);
    assert_int_equal(fr->index, 26);
    sl_video_close(v);

    /* real clock: never waits; frames only move forward and are due */
    o = (sl_video_opts){.box_w = 160, .box_h = 90, .fit = SL_FIT_CONTAIN};
    v = sl_playerfix_video(p, &o);
    int64_t start = sl_test_now_ms(), last = -1;
    while (!sl_video_ended(v) && sl_test_now_ms() - start < 20000) {
        int64_t t = (sl_test_now_ms() - start) * 4; /* four times real time */
        int64_t c0 = sl_test_now_ms();
        fr = sl_video_frame_at(v, t, false);
        assert_true(sl_test_now_ms() - c0 < 100);
        if (fr) {
            assert_true(fr->index >= last);
            assert_true(fr->pts_ms <= t || fr->index == 0);
            assert_int_equal(fr->w, 120);
            assert_int_equal(fr->h, 90);
            last = fr->index;
        }
        sl_test_sleep_ms(5);
    }
    assert_true(sl_video_ended(v));
    assert_int_equal(last, 49);
    sl_video_close(v);
}

/* A 320x240 25 fps H.264 clip `name` in the fixture's folder, its path into p;
 * skips the test without ffmpeg or libx264. */
static void x264_clip(fixture *f, const char *name, char *p, size_t cap)
{
    SL_PLAYERFIX_NEED_FFMPEG(f->have_ffmpeg);
    if (!make_clip(f, "libx264", "", name)) {
        print_message("no libx264: skipped\n");
        skip();
    }
    sl_test_path(f->dir, name, p, cap);
}

/* Closing while the decoder waits on a full queue (or before any frame is
 * taken) returns at once. */
static void test_video_close_blocked(void **state)
{
    fixture *f = *state;
    char p[512];
    x264_clip(f, "close.mp4", p, sizeof p);
    sl_video_opts o = {.box_w = 320, .box_h = 240, .fit = SL_FIT_CONTAIN, .queue_frames = 2};
    sl_video *v = sl_playerfix_video(p, &o);
    /* the thread fills its two places and waits; close must not wait for it
     * (3 s: the margin of a busy machine, not a speed test) */
    for (int i = 0; i < 1200 && sl_video_queued_max(v) < 2; i++)
        sl_test_sleep_ms(50);
    assert_int_equal(sl_video_queued_max(v), 2);
    assert_false(sl_video_ended(v));
    int64_t t0 = sl_test_now_ms();
    sl_video_close(v);
    assert_true(sl_test_now_ms() - t0 < 3000);

    /* mid-play, after some frames were taken */
    v = sl_playerfix_video(p, &o);
    assert_non_null(sl_video_frame_at(v, 400, true));
    sl_test_sleep_ms(100);
    t0 = sl_test_now_ms();
    sl_video_close(v);
    assert_true(sl_test_now_ms() - t0 < 3000);

    /* at once after opening */
    v = sl_playerfix_video(p, &o);
    sl_video_close(v);
    sl_video_close(NULL);
    assert_null(sl_video_frame_at(NULL, 0, true));
    assert_true(sl_video_ended(NULL));
    assert_null(sl_video_error(NULL));
    assert_int_equal(sl_video_duration_ms(NULL), -1);
}

/* What a clip holds in memory is bounded by configuration, whatever the
 * machine: one decoder thread per 1080p30 of pixel rate (never more than the
 * CPUs), and never more frames decoded ahead than the queue has places. */
static void test_video_memory_bounds(void **state)
{
    fixture *f = *state;
    char p[512];
    assert_int_equal(sl_video_threads_for(1920, 1080, 30, 2), 1);
    assert_int_equal(sl_video_threads_for(1920, 1080, 30, 64), 1);
    assert_int_equal(sl_video_threads_for(1920, 1080, 29.97, 4), 1);
    assert_int_equal(sl_video_threads_for(1920, 1080, 60, 4), 2);
    assert_int_equal(sl_video_threads_for(3840, 2160, 30, 8), 4);
    assert_int_equal(sl_video_threads_for(3840, 2160, 30, 2), 2);
    assert_int_equal(sl_video_threads_for(3840, 2160, 60, 4), 4);
    assert_int_equal(sl_video_threads_for(1920, 1080, 0, 8), 1);  /* unknown rate: 30 */
    assert_int_equal(sl_video_threads_for(0, 0, -1, 8), 1);
    assert_int_equal(sl_video_threads_for(3840, 2160, 30, 0), 1); /* CPUs unknown */
    assert_int_equal(sl_video_threads(NULL), 0);
    assert_int_equal(sl_video_queued_max(NULL), 0);

    x264_clip(f, "bounds.mp4", p, sizeof p);
    sl_video_opts o = {.box_w = 320, .box_h = 240, .fit = SL_FIT_CONTAIN, .queue_frames = 3};
    sl_video *v = sl_playerfix_video(p, &o);
    assert_int_equal(sl_video_threads(v), 1); /* 320x240 at 25 fps */
    /* the decoder runs ahead until the queue is full, then waits */
    for (int i = 0; i < 1200 && sl_video_queued_max(v) < 3; i++)
        sl_test_sleep_ms(50);
    assert_int_equal(sl_video_queued_max(v), 3);
    /* played to its end (100 frames), never more than 3 wait */
    for (int64_t t = 0; t < 4000; t += 40) {
        const sl_frame *fr = sl_video_frame_at(v, t, true);
        assert_non_null(fr);
        assert_int_equal(fr->index, t / 40);
    }
    assert_int_equal(sl_video_queued_max(v), 3);
    sl_video_close(v);

    /* threads asked for are threads had */
    o.threads = 2;
    v = sl_playerfix_video(p, &o);
    assert_int_equal(sl_video_threads(v), 2);
    sl_video_close(v);
}

static void test_video_bad_files(void **state)
{
    fixture *f = *state;
    char p[512], src[512], err[512];
    sl_video_opts o = {.box_w = 64, .box_h = 64, .fit = SL_FIT_CONTAIN};

    assert_null(sl_video_open(NULL, &o, err, sizeof err));
    sl_test_path(f->dir, "nothing.mp4", p, sizeof p);
    err[0] = '\0';
    assert_null(sl_video_open(p, &o, err, sizeof err));
    assert_non_null(strstr(err, "nothing.mp4"));
    unsigned char junk[8192];
    uint32_t x = 99;
    for (size_t i = 0; i < sizeof junk; i++) {
        x = x * 1103515245u + 12345u;
        junk[i] = (unsigned char)(x >> 16);
    }
    sl_test_path(f->dir, "junk.mp4", p, sizeof p);
    assert_int_equal(sl_test_write_file(p, junk, sizeof junk), 0);
    err[0] = '\0';
    assert_null(sl_video_open(p, &o, err, sizeof err));
    assert_true(err[0] != '\0');

    SL_PLAYERFIX_NEED_FFMPEG(f->have_ffmpeg);
    if (!sl_test_have_encoder("libx264")) {
        print_message("no libx264: skipped\n");
        skip();
    }
    /* a picture is not a video... but it has one frame: it plays as one */
    sl_test_path(f->dir, "solid.png", p, sizeof p);
    sl_video *v = sl_video_open(p, &o, err, sizeof err);
    if (v) {
        const sl_frame *fr = sl_video_frame_at(v, 100, true);
        assert_non_null(fr);
        assert_int_equal(fr->index, 0);
        assert_true(sl_video_ended(v));
        sl_video_close(v);
    }
    /* an audio file has no video stream */
    assert_int_equal(sl_test_ffmpeg(f->dir, "-f lavfi -i sine=frequency=440:duration=1 sound.wav"), 0);
    sl_test_path(f->dir, "sound.wav", p, sizeof p);
    assert_null(sl_video_open(p, &o, err, sizeof err));
    assert_non_null(strstr(err, "no video"));

    /* truncated MP4s: with the index at the end (cannot open), and with
     * "faststart" (opens; plays what is there, then ends) */
    assert_int_equal(sl_test_ffmpeg(f->dir, "-f lavfi -i testsrc2=size=320x240:rate=25 -t 4 -c:v libx264 "
                               "-pix_fmt yuv420p cut-src.mp4"),
                     0);
    assert_int_equal(sl_test_ffmpeg(f->dir, "-f lavfi -i testsrc2=size=320x240:rate=25 -t 4 -c:v libx264 "
                               "-pix_fmt yuv420p -movflags +faststart cut-fs.mp4"),
                     0);
    const char *names[] = {"cut-src.mp4", "cut-fs.mp4"};
    for (int s = 0; s < 2; s++) {
        size_t n;
        sl_test_path(f->dir, names[s], src, sizeof src);
        unsigned char *b = sl_test_read_file(src, &n);
        assert_non_null(b);
        sl_test_path(f->dir, "cut.mp4", p, sizeof p);
        for (int k = 1; k < 10; k++) {
            assert_int_equal(sl_test_write_file(p, b, n * (size_t)k / 10), 0);
            err[0] = '\0';
            v = sl_video_open(p, &o, err, sizeof err);
            if (!v) {
                assert_true(err[0] != '\0');
                continue;
            }
            const sl_frame *fr = sl_video_frame_at(v, 100000, true);
            assert_true(sl_video_ended(v));
            if (!fr)
                assert_non_null(sl_video_error(v));
            else
                assert_true(fr->index < 100);
            sl_video_close(v);
        }
        /* damaged bytes in the middle: skipped where FFmpeg can */
        for (size_t i = n / 2; i < n / 2 + 500 && i < n; i++)
            b[i] = (unsigned char)(b[i] * 31u + 7u);
        assert_int_equal(sl_test_write_file(p, b, n), 0);
        v = sl_video_open(p, &o, err, sizeof err);
        if (v) {
            for (int k = 0; k < 120; k++)
                sl_video_frame_at(v, (int64_t)k * 40, true);
            assert_true(sl_video_ended(v));
            sl_video_close(v);
        }
        free(b);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fit_size),
        cmocka_unit_test(test_image_png),
        cmocka_unit_test(test_image_jpeg_webp),
        cmocka_unit_test(test_image_alpha_and_crop),
        cmocka_unit_test(test_image_bombs),
        cmocka_unit_test(test_image_bad_files),
        cmocka_unit_test(test_video_h264),
        cmocka_unit_test(test_video_hevc),
        cmocka_unit_test(test_video_vp9),
        cmocka_unit_test(test_video_modes),
        cmocka_unit_test(test_video_close_blocked),
        cmocka_unit_test(test_video_memory_bounds),
        cmocka_unit_test(test_video_bad_files),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
