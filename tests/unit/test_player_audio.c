/* test_player_audio.c — sound through SDL's disk audio driver: length, level, pitch, volume, stopping, errors, no device, ducking under announcements (to the sample), and the engine's wiring. */
#define _POSIX_C_SOURCE 200809L
#include "player/audio.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "testutil.h"

#include <SDL2/SDL.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define RATE SL_AUDIO_RATE
#define LEVEL 64 /* |sample| above this counts as sound */

typedef struct {
    char dir[256];
    bool have_media; /* ffmpeg made the test files */
    bool have_disk;  /* SDL has its disk audio driver */
    int runs;        /* output files made so far */
} fixture;

/* What a raw S16 stereo output stream holds. */
typedef struct {
    size_t frames;       /* in the file */
    size_t first, last;  /* first and last frame with sound; first > last when silent */
    double span_s;       /* from the first to the last frame with sound */
    double rms;          /* left channel over the span */
    int peak;            /* over the whole file, both channels */
    int min;             /* the lowest sample, both channels */
    double freq;         /* from the left channel's zero crossings over the span */
    double freq_sound;   /* the same over the span less its gaps (a busy machine's pauses between items) */
    int gaps;            /* silences of 5 ms or more inside the span (underruns) */
    bool channels_equal; /* left == right everywhere */
} stream_info;

/* Waits until each of n sounds has played at least `frames` frames (or
 * timeout_ms); returns whether they did. A busy machine only makes it slower. */
static bool wait_played(sl_audio *const *a, int n, int64_t frames, int timeout_ms)
{
    int64_t until = sl_test_now_ms() + timeout_ms;
    for (int i = 0; i < n; i++) {
        while (sl_audio_played_frames(a[i]) < frames) {
            if (sl_test_now_ms() > until)
                return false;
            sl_test_sleep_ms(10);
        }
    }
    return true;
}

/* Points SDL's disk driver at a new file in the fixture's folder and opens the output. */
static sl_audio_out *open_disk(fixture *f, char *raw, size_t rawlen)
{
    char name[64], err[256] = "";
    snprintf(name, sizeof name, "out%d.raw", ++f->runs);
    sl_test_path(f->dir, name, raw, rawlen);
    setenv("SDL_AUDIODRIVER", "disk", 1);
    setenv("SDL_DISKAUDIOFILE", raw, 1);
    sl_audio_out *out = sl_audio_out_open(err, sizeof err);
    if (!out)
        print_message("disk audio: %s\n", err);
    return out;
}

/* Waits until the sound has ended (or timeout_ms); returns whether it did. */
static bool wait_ended(const sl_audio *a, int timeout_ms)
{
    int64_t until = sl_test_now_ms() + timeout_ms;
    while (!sl_audio_ended(a)) {
        if (sl_test_now_ms() > until)
            return false;
        sl_test_sleep_ms(10);
    }
    return true;
}

static int analyse(const char *raw, stream_info *si)
{
    memset(si, 0, sizeof *si);
    FILE *fp = fopen(raw, "rb");
    if (!fp)
        return -1;
    fseek(fp, 0, SEEK_END);
    long n = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    size_t frames = n > 0 ? (size_t)n / 4 : 0;
    int16_t *s = malloc(frames * 4 + 4);
    if (!s || fread(s, 4, frames, fp) != frames) {
        free(s);
        fclose(fp);
        return -1;
    }
    fclose(fp);
    si->frames = frames;
    si->first = frames;
    si->channels_equal = true;
    for (size_t i = 0; i < frames; i++) {
        int l = s[2 * i], r = s[2 * i + 1];
        if (l != r)
            si->channels_equal = false;
        int m = abs(l) > abs(r) ? abs(l) : abs(r);
        if (m > si->peak)
            si->peak = m;
        if (l < si->min || r < si->min)
            si->min = l < r ? l : r;
        if (m > LEVEL) {
            if (si->first == frames)
                si->first = i;
            si->last = i;
        }
    }
    if (si->first < frames) {
        size_t len = si->last - si->first + 1;
        double sum = 0;
        int crossings = 0;
        size_t quiet = 0, silent = 0;
        for (size_t i = si->first; i <= si->last; i++) {
            double v = s[2 * i];
            quiet = abs(s[2 * i]) <= LEVEL / 8 ? quiet + 1 : 0;
            if (quiet == RATE / 200)
                si->gaps++;
            if (quiet == RATE / 200)
                silent += quiet;
            else if (quiet > RATE / 200)
                silent++;
            sum += v * v;
            if (i > si->first && (s[2 * i - 2] < 0) != (s[2 * i] < 0))
                crossings++;
        }
        si->span_s = (double)len / RATE;
        si->rms = sqrt(sum / (double)len);
        si->freq = crossings / 2.0 / si->span_s;
        si->freq_sound = len > silent ? crossings / 2.0 / ((double)(len - silent) / RATE) : 0;
    }
    free(s);
    return 0;
}

/* Plays a file to its end on a fresh disk output and analyses what came out. */
static void play_whole(fixture *f, const char *file, double volume, unsigned flags, stream_info *si,
                       int64_t *played)
{
    char raw[512], path[512], err[256] = "";
    sl_test_path(f->dir, file, path, sizeof path);
    sl_audio_out *out = open_disk(f, raw, sizeof raw);
    assert_non_null(out);
    assert_string_equal(sl_audio_out_driver(out), "disk");
    sl_audio *a = sl_audio_start(out, path, volume, flags, err, sizeof err);
    assert_non_null(a);
    assert_true(wait_ended(a, 10000));
    if (sl_audio_error(a))
        print_message("unexpected: %s\n", sl_audio_error(a));
    assert_null(sl_audio_error(a));
    *played = sl_audio_played_frames(a);
    sl_test_sleep_ms(100); /* what the device buffers reaches the file */
    sl_audio_stop(a);
    sl_audio_out_close(out);
    assert_int_equal(analyse(raw, si), 0);
    print_message("%s at %.2f: played %lld frames; span %.3f s, rms %.0f, peak %d, %.1f Hz, "
                  "%d gaps, file %.2f s\n", file, volume, (long long)*played, si->span_s, si->rms,
                  si->peak, si->freq, si->gaps, (double)si->frames / RATE);
}

#define NEED(cond)                                                                                 \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            print_message("skipped: %s\n", #cond);                                                 \
            skip();                                                                                \
        }                                                                                          \
    } while (0)

/* ---------------------------------------------------------------- setup */

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    if (sl_test_tmpdir(f->dir, sizeof f->dir, "sl-audio") != 0)
        return -1;
    const char *vcodec = sl_test_have_encoder("libx264") ? "libx264 -pix_fmt yuv420p" : "mpeg4";
    char args[1024];
    int r = 0;
    r |= sl_test_ffmpeg(f->dir, "-f lavfi -i sine=frequency=440:duration=1 -ar 22050 -ac 1 s.wav");
    r |= sl_test_ffmpeg(f->dir, "-f lavfi -i sine=frequency=440:duration=5 -ar 44100 -ac 2 long.wav");
    /* constant levels (no resampling at 48 kHz): 0.05 = 1638, 0.8 = 26214 */
    r |= sl_test_ffmpeg(f->dir, "-f lavfi -i aevalsrc=0.05:d=3:s=48000 -ac 1 dc.wav");
    r |= sl_test_ffmpeg(f->dir, "-f lavfi -i aevalsrc=0.8:d=3:s=48000 -ac 1 loud.wav");
    snprintf(args, sizeof args,
             "-f lavfi -i testsrc2=size=160x120:rate=25:duration=1 "
             "-f lavfi -i sine=frequency=440:duration=1 -c:v %s -c:a aac -ar 44100 -ac 2 av.mp4",
             vcodec);
    r |= sl_test_ffmpeg(f->dir, args);
    snprintf(args, sizeof args, "-f lavfi -i testsrc2=size=160x120:rate=25:duration=1 -c:v %s v.mp4",
             vcodec);
    r |= sl_test_ffmpeg(f->dir, args);
    /* a clip whose sound is a constant tone, and a silent announcement */
    snprintf(args, sizeof args,
             "-f lavfi -i color=c=gray:size=160x120:rate=25:duration=8 "
             "-f lavfi -i sine=frequency=440:duration=8 -c:v %s -c:a pcm_s16le -ar 48000 -ac 2 tone.mkv",
             vcodec);
    r |= sl_test_ffmpeg(f->dir, args);
    r |= sl_test_ffmpeg(f->dir, "-f lavfi -i anullsrc=r=48000:cl=mono -t 1.5 quiet.wav");
    /* for ducking to the sample: a constant "clip" on the left only (0.5 = 16384),
     * a constant announcement on the right only (0.25 = 8192) */
    r |= sl_test_ffmpeg(f->dir, "-f lavfi -i 'aevalsrc=0.5|0:d=4:s=48000' leftdc.wav");
    r |= sl_test_ffmpeg(f->dir, "-f lavfi -i 'aevalsrc=0|0.25:d=0.5:s=48000' rightdc.wav");
    f->have_media = r == 0;
    char p[512];
    sl_test_path(f->dir, "garbage.mp3", p, sizeof p);
    FILE *fp = fopen(p, "wb");
    if (fp) {
        for (int i = 0; i < 4096; i++)
            fputc((i * 7919 + 13) & 0xff, fp);
        fclose(fp);
    }
    /* Is the disk driver there at all? */
    char raw[512], err[256];
    sl_test_path(f->dir, "probe.raw", raw, sizeof raw);
    setenv("SDL_AUDIODRIVER", "disk", 1);
    setenv("SDL_DISKAUDIOFILE", raw, 1);
    sl_audio_out *out = sl_audio_out_open(err, sizeof err);
    f->have_disk = out != NULL;
    if (!out)
        print_message("SDL's disk audio driver is missing: %s\n", err);
    sl_audio_out_close(out);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    if (f) {
        if (sl_test_rmtree(f->dir) != 0)
            print_message("could not remove %s\n", f->dir);
        free(f);
    }
    SDL_Quit();
    return 0;
}

/* ---------------------------------------------------------------- tests */

/* A 1 s 440 Hz mono 22.05 kHz WAV comes out as 1 s of 48 kHz stereo at 440 Hz. */
static void test_wav(void **state)
{
    fixture *f = *state;
    NEED(f->have_media && f->have_disk);
    stream_info si;
    int64_t played;
    play_whole(f, "s.wav", 1.0, 0, &si, &played);
    assert_true(played >= RATE * 98 / 100 && played <= RATE * 102 / 100);
    assert_true(si.span_s > 0.97 && si.span_s < 1.03);
    /* ffmpeg's sine peaks at 1/8 of full scale, 4096 (rms 2896); mono
     * goes to both sides at full level */
    assert_true(si.rms > 2800 && si.rms < 3000);
    assert_true(si.peak > 3950 && si.peak < 4250);
    assert_true(si.freq > 435 && si.freq < 445);
    assert_true(si.channels_equal); /* mono goes to both sides */
    assert_int_equal(si.gaps, 0);
}

/* A video's AAC sound track, whole, then with the sync flag. */
static void test_mp4(void **state)
{
    fixture *f = *state;
    NEED(f->have_media && f->have_disk);
    stream_info si;
    int64_t played;
    play_whole(f, "av.mp4", 1.0, 0, &si, &played);
    /* AAC adds a little padding at the end */
    assert_true(played >= RATE * 98 / 100 && played <= RATE * 104 / 100);
    assert_true(si.span_s > 0.97 && si.span_s < 1.04);
    assert_true(si.rms > 1900 && si.rms < 2200);
    assert_true(si.freq > 435 && si.freq < 445);
    assert_int_equal(si.gaps, 0);

    /* the sync flag drops the time the thread needed to open the file and
     * start decoding (a few ms; more under sanitizers), never adds any */
    play_whole(f, "av.mp4", 1.0, SL_AUDIO_SYNC, &si, &played);
    assert_true(played >= RATE * 60 / 100 && played <= RATE * 104 / 100);
    assert_true(si.span_s > 0.58 && si.span_s < 1.04);
    /* ffmpeg's own mono-to-stereo made the file's track 3 dB lower: rms 2048 */
    assert_true(si.rms > 1900 && si.rms < 2200);
    assert_int_equal(si.gaps, 0);
    assert_true(si.freq > 435 && si.freq < 445);
}

/* Volume scales the level; 0 is exact silence. */
static void test_volume(void **state)
{
    fixture *f = *state;
    NEED(f->have_media && f->have_disk);
    stream_info si;
    int64_t played;
    play_whole(f, "s.wav", 0.5, 0, &si, &played);
    assert_true(si.rms > 1380 && si.rms < 1520);
    assert_true(si.span_s > 0.97 && si.span_s < 1.03);
    play_whole(f, "s.wav", 0.0, 0, &si, &played);
    assert_true(played >= RATE * 98 / 100); /* it played, silently */
    assert_int_equal(si.peak, 0);
    assert_true(si.frames > 0);
}

/* Stopping early cuts the sound at once: the stream holds less than the file. */
static void test_stop_early(void **state)
{
    fixture *f = *state;
    NEED(f->have_media && f->have_disk);
    char raw[512], path[512], err[256];
    sl_test_path(f->dir, "s.wav", path, sizeof path);
    sl_audio_out *out = open_disk(f, raw, sizeof raw);
    assert_non_null(out);
    sl_audio *a = sl_audio_start(out, path, 1.0, 0, err, sizeof err);
    assert_non_null(a);
    assert_true(wait_played(&a, 1, RATE / 5, 60000));
    assert_false(sl_audio_ended(a));
    int64_t played = sl_audio_played_frames(a);
    sl_audio_stop(a);
    sl_test_sleep_ms(300); /* the device keeps running: silence now */
    sl_audio_out_close(out);
    stream_info si;
    assert_int_equal(analyse(raw, &si), 0);
    print_message("stopped after %lld frames: span %.3f s, file %.2f s\n", (long long)played,
                  si.span_s, (double)si.frames / RATE);
    assert_true(played > RATE / 10 && played < RATE * 8 / 10);
    assert_true(si.span_s > 0.1 && si.span_s < 0.8);
    assert_true(si.frames > si.last + RATE / 10); /* silence after the cut */
}

/* Stopping a sound whose thread waits for room (a long file) returns at once. */
static void test_stop_blocked(void **state)
{
    fixture *f = *state;
    NEED(f->have_media && f->have_disk);
    char raw[512], path[512], err[256];
    sl_test_path(f->dir, "long.wav", path, sizeof path);
    sl_audio_out *out = open_disk(f, raw, sizeof raw);
    assert_non_null(out);
    sl_audio *a = sl_audio_start(out, path, 1.0, 0, err, sizeof err);
    assert_non_null(a);
    sl_test_sleep_ms(150);
    int64_t t0 = sl_test_now_ms();
    sl_audio_stop(a);
    int64_t took = sl_test_now_ms() - t0;
    sl_audio_out_close(out);
    print_message("stop took %lld ms\n", (long long)took);
    assert_true(took < 2000); /* not the long file's length: the thread does not finish it */
}

/* Several sounds mix (their levels add up, clipped rather than wrapped);
 * the output takes at most SL_AUDIO_MAX_SOUNDS. */
static void test_mix_and_limit(void **state)
{
    fixture *f = *state;
    NEED(f->have_media && f->have_disk);
    char raw[512], path[512], err[256] = "";
    sl_test_path(f->dir, "dc.wav", path, sizeof path);
    sl_audio_out *out = open_disk(f, raw, sizeof raw);
    assert_non_null(out);
    sl_audio *a[SL_AUDIO_MAX_SOUNDS];
    for (int i = 0; i < SL_AUDIO_MAX_SOUNDS; i++) {
        a[i] = sl_audio_start(out, path, 0.1, 0, err, sizeof err);
        assert_non_null(a[i]);
    }
    sl_audio *extra = sl_audio_start(out, path, 0.1, 0, err, sizeof err);
    assert_null(extra);
    assert_non_null(strstr(err, "too many sounds"));
    assert_true(wait_played(a, SL_AUDIO_MAX_SOUNDS, RATE / 10, 60000));
    for (int i = 0; i < SL_AUDIO_MAX_SOUNDS; i++) {
        assert_true(sl_audio_played_frames(a[i]) > 0);
        assert_null(sl_audio_error(a[i]));
    }
    for (int i = 0; i < SL_AUDIO_MAX_SOUNDS; i++)
        sl_audio_stop(a[i]);
    sl_audio_out_close(out);
    stream_info si;
    assert_int_equal(analyse(raw, &si), 0);
    /* 8 × 0.1 × 1638 = 1310 while all eight play */
    print_message("8 sounds: peak %d, min %d\n", si.peak, si.min);
    assert_true(si.peak >= 1290 && si.peak <= 1320);
    assert_true(si.min >= 0);

    /* two loud ones: 2 × 26214 clips at 32767 and never wraps negative */
    sl_test_path(f->dir, "loud.wav", path, sizeof path);
    out = open_disk(f, raw, sizeof raw);
    assert_non_null(out);
    sl_audio *l1 = sl_audio_start(out, path, 1.0, 0, err, sizeof err);
    sl_audio *l2 = sl_audio_start(out, path, 1.0, 0, err, sizeof err);
    assert_non_null(l1);
    assert_non_null(l2);
    sl_audio *both[2] = {l1, l2};
    assert_true(wait_played(both, 2, RATE / 10, 60000));
    sl_audio_stop(l1);
    sl_audio_stop(l2);
    sl_audio_out_close(out);
    assert_int_equal(analyse(raw, &si), 0);
    print_message("2 loud sounds: peak %d, min %d\n", si.peak, si.min);
    assert_int_equal(si.peak, 32767);
    assert_true(si.min >= 0);
}

/* Files without sound give a clear error through sl_audio_error. */
static void test_bad_files(void **state)
{
    fixture *f = *state;
    NEED(f->have_media && f->have_disk);
    static const struct {
        const char *file, *want;
    } cases[] = {
        {"v.mp4", "has no sound track"},
        {"garbage.mp3", "cannot be read as media"},
        {"missing.wav", "cannot be read as media"},
    };
    char raw[512], path[512], err[256] = "";
    sl_audio_out *out = open_disk(f, raw, sizeof raw);
    assert_non_null(out);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sl_test_path(f->dir, cases[i].file, path, sizeof path);
        sl_audio *a = sl_audio_start(out, path, 1.0, SL_AUDIO_SYNC, err, sizeof err);
        assert_non_null(a);
        assert_true(wait_ended(a, 5000));
        const char *e = sl_audio_error(a);
        assert_non_null(e);
        print_message("%s: %s\n", cases[i].file, e);
        assert_non_null(strstr(e, cases[i].want));
        assert_non_null(strstr(e, cases[i].file));
        assert_int_equal(sl_audio_played_frames(a), 0);
        sl_audio_stop(a);
    }
    assert_null(sl_audio_start(out, "", 1.0, 0, err, sizeof err));
    assert_null(sl_audio_start(out, NULL, 1.0, 0, err, sizeof err));
    sl_audio_out_close(out);
}

/* No device: NULL with a message, and everything accepts NULL. */
static void test_no_device(void **state)
{
    (void)state;
    char err[256] = "";
    setenv("SDL_AUDIODRIVER", "nonexistent", 1);
    sl_audio_out *out = sl_audio_out_open(err, sizeof err);
    assert_null(out);
    print_message("no device: %s\n", err);
    assert_true(err[0] != '\0');
    err[0] = '\0';
    assert_null(sl_audio_start(NULL, "/tmp/x.wav", 1.0, 0, err, sizeof err));
    assert_true(err[0] != '\0');
    sl_audio_stop(NULL);
    sl_audio_out_close(NULL);
    assert_true(sl_audio_ended(NULL));
    assert_null(sl_audio_error(NULL));
    assert_int_equal(sl_audio_played_frames(NULL), 0);
    assert_string_equal(sl_audio_out_driver(NULL), "");
    unsetenv("SDL_AUDIODRIVER");
}

/* ------------------------------------------------------------ the player */

/* Runs the player on a playlist in the fixture's folder; returns its exit status. */
static int run_player(fixture *f, const char *playlist, const char *clock, const char *run_s,
                      const char *raw, const char *journal)
{
    char cmd[4096];
    snprintf(cmd, sizeof cmd,
             "cd '%s' && SDL_AUDIODRIVER=disk SDL_DISKAUDIOFILE='%s' '%s/player/screenlit-player' "
             "--playlist '%s' --output null --size 64x64 --clock %s --run %s --journal '%s' "
             "--screen-id t --font /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf "
             ">player.out 2>player.err",
             f->dir, raw, SL_BUILD_DIR, playlist, clock, run_s, journal);
    int r = system(cmd);
    if (r != 0) {
        snprintf(cmd, sizeof cmd, "cat '%s/player.err' >&2", f->dir);
        if (system(cmd) != 0)
            print_message("no player log\n");
    }
    return r;
}

static bool file_has(const fixture *f, const char *name, const char *needle)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "grep -q '%s' '%s/%s'", needle, f->dir, name);
    return system(cmd) == 0;
}

/* Skips without the player or its font; writes a playlist into the fixture's folder. */
static void engine_playlist(const fixture *f, const char *name, const char *json, char *pl,
                            size_t len)
{
    NEED(f->have_media && f->have_disk);
    char bin[512];
    snprintf(bin, sizeof bin, "%s/player/screenlit-player", SL_BUILD_DIR);
    NEED(access(bin, X_OK) == 0);
    NEED(access("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", R_OK) == 0);
    sl_test_path(f->dir, name, pl, len);
    FILE *fp = fopen(pl, "w");
    assert_non_null(fp);
    fputs(json, fp);
    fclose(fp);
}

/* The engine plays an announcement and a video's sound on the real clock,
 * and no sound at all on the simulated clock. */
static void test_engine(void **state)
{
    fixture *f = *state;
    char pl[512], raw[512], journal[512], bin[512];
    engine_playlist(f, "pl.json",
                    "{\"timezone\": \"UTC\", \"zones\": [{\"id\": \"main\", \"x\": 0, \"y\": 0, \"w\": 100, \"h\": 100}],\n"
                    " \"items\": [{\"id\": \"ann\", \"zone\": \"main\", \"type\": \"audio\", \"file\": \"s.wav\"},\n"
                    "           {\"id\": \"clip\", \"zone\": \"main\", \"type\": \"video\", \"file\": \"av.mp4\", \"audio\": true,"
                    " \"volume\": 0.5}]}\n",
                    pl, sizeof pl);
    snprintf(bin, sizeof bin, "%s/player/screenlit-player", SL_BUILD_DIR);

    /* real clock: 2.5 s = the announcement (1 s), the clip (1 s), a bit of the announcement again */
    sl_test_path(f->dir, "engine.raw", raw, sizeof raw);
    sl_test_path(f->dir, "engine.db", journal, sizeof journal);
    assert_int_equal(run_player(f, pl, "real", "2.5", raw, journal), 0);
    assert_true(file_has(f, "player.err", "disk audio driver"));
    stream_info si;
    assert_int_equal(analyse(raw, &si), 0);
    print_message("engine, real clock: span %.3f s, rms %.0f, peak %d, file %.2f s\n", si.span_s,
                  si.rms, si.peak, (double)si.frames / RATE);
    assert_true(si.span_s > 1.8);
    assert_true(si.peak > 3950 && si.peak < 4250); /* the announcement at full volume */
    assert_true(si.freq_sound > 420 && si.freq_sound < 460);

    /* simulated clock: no device is opened, no sound written */
    sl_test_path(f->dir, "sim.raw", raw, sizeof raw);
    sl_test_path(f->dir, "sim.db", journal, sizeof journal);
    assert_int_equal(run_player(f, pl, "sim:2026-11-25T00:00:00Z", "60", raw, journal), 0);
    assert_int_equal(access(raw, F_OK), -1);
    assert_false(file_has(f, "player.err", "audio driver"));

    /* no device: the player plays on, saying so once */
    char cmd[2048];
    sl_test_path(f->dir, "nodev.db", journal, sizeof journal);
    snprintf(cmd, sizeof cmd,
             "cd '%s' && SDL_AUDIODRIVER=nonexistent '%s' --playlist '%s' --output null --size 64x64 "
             "--clock real --run 1.2 --journal '%s' --screen-id t "
             "--font /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf >player.out 2>player.err",
             f->dir, bin, pl, journal);
    assert_int_equal(system(cmd), 0);
    assert_true(file_has(f, "player.err", "playing without sound"));
    snprintf(cmd, sizeof cmd, "test $(grep -c 'without sound' '%s/player.err') -eq 1", f->dir);
    assert_int_equal(system(cmd), 0);
}

/* RMS of the left channel in windows of `win` frames; returns the number of windows. */
static size_t window_rms(const char *raw, size_t win, double *out, size_t max)
{
    FILE *fp = fopen(raw, "rb");
    if (!fp)
        return 0;
    int16_t *s = malloc(win * 4);
    size_t n = 0;
    while (s && n < max && fread(s, 4, win, fp) == win) {
        double sum = 0;
        for (size_t i = 0; i < win; i++)
            sum += (double)s[2 * i] * s[2 * i];
        out[n++] = sqrt(sum / (double)win);
    }
    free(s);
    fclose(fp);
    return n;
}

/* While an announcement of a sound zone speaks (09:00:00 to 09:00:01.5 on a
 * real clock started at 08:59:58), the clip's constant tone drops to the
 * zone's "duck" level, and comes back after. */
static void test_engine_ducking(void **state)
{
    fixture *f = *state;
    char pl[512], raw[512], journal[512];
    engine_playlist(f, "duck.json",
                    "{\"timezone\": \"UTC\", \"zones\": [{\"id\": \"main\", \"x\": 0, \"y\": 0, \"w\": 100, \"h\": 100},\n"
                    "  {\"id\": \"voice\", \"sound\": true, \"duck\": 0.25}],\n"
                    " \"items\": [{\"id\": \"clip\", \"zone\": \"main\", \"type\": \"video\", \"file\": \"tone.mkv\", \"audio\": true},\n"
                    "           {\"id\": \"ann\", \"zone\": \"voice\", \"type\": \"audio\", \"file\": \"quiet.wav\"}],\n"
                    " \"rules\": [{\"items\": [\"ann\"], \"at\": [\"09:00\"]}]}\n",
                    pl, sizeof pl);
    sl_test_path(f->dir, "duck.raw", raw, sizeof raw);
    sl_test_path(f->dir, "duck.db", journal, sizeof journal);
    assert_int_equal(run_player(f, pl, "from:2026-11-25T08:59:58Z", "5", raw, journal), 0);

    enum { WIN = RATE / 20, MAXW = 400 }; /* 50 ms windows */
    double w[MAXW];
    size_t n = window_rms(raw, WIN, w, MAXW);
    double hi = 0;
    for (size_t i = 0; i < n; i++)
        hi = w[i] > hi ? w[i] : hi;
    /* the tone alone, then ducked, then back: the first loud window, the
     * ducked ones (0.25 of loud, with room for the ramps), a loud one after */
    size_t first_loud = n, ducked = 0, first_ducked = n, loud_after = 0;
    for (size_t i = 0; i < n; i++) {
        double v = w[i] / hi;
        if (v > 0.8 && first_loud == n)
            first_loud = i;
        if (first_loud < i && v > 0.18 && v < 0.32) {
            ducked++;
            if (first_ducked == n)
                first_ducked = i;
        }
        if (first_ducked < i && v > 0.8)
            loud_after++;
    }
    print_message("ducking: %zu windows, loud %.0f, first loud %zu, %zu ducked from %zu, %zu loud "
                  "after\n", n, hi, first_loud, ducked, first_ducked, loud_after);
    assert_true(hi > 1500); /* the tone at full volume: ffmpeg's sine is 2048 rms */
    assert_true(ducked >= 15 && ducked <= 34); /* about the announcement's 1.5 s (less on a busy machine) */
    assert_true(first_ducked > first_loud + 4); /* after the tone alone (how long depends on start-up) */
    assert_true(loud_after >= 10);               /* restored after */
}

/* Ducking to the sample: a clip's constant level on the left, an
 * announcement's on the right, started while the clip plays. The clip's
 * level starts to drop at the very sample the announcement's first sample is
 * mixed at (not one engine update later), reaches the duck level within the
 * 5-ms ramp, stays there while it speaks, and comes back within 5 ms of its
 * last sample. The announcement itself is not lowered. */
static void test_duck_to_the_sample(void **state)
{
    fixture *f = *state;
    NEED(f->have_media && f->have_disk);
    char raw[512], clip_path[512], ann_path[512], err[256] = "";
    sl_test_path(f->dir, "leftdc.wav", clip_path, sizeof clip_path);
    sl_test_path(f->dir, "rightdc.wav", ann_path, sizeof ann_path);
    sl_audio_out *out = open_disk(f, raw, sizeof raw);
    assert_non_null(out);
    sl_audio *clip = sl_audio_start(out, clip_path, 1.0, 0, err, sizeof err);
    assert_non_null(clip);
    assert_true(wait_played(&clip, 1, RATE / 5, 60000)); /* 200 ms of the clip alone */
    sl_audio *ann = sl_audio_start_announcement(out, ann_path, 1.0, 0.25, err, sizeof err);
    assert_non_null(ann);
    assert_true(wait_ended(ann, 60000));
    assert_true(wait_played(&clip, 1, sl_audio_played_frames(clip) + RATE / 10, 60000));
    sl_audio_stop(ann);
    sl_audio_stop(clip);
    sl_audio_out_close(out);

    FILE *fp = fopen(raw, "rb");
    assert_non_null(fp);
    fseek(fp, 0, SEEK_END);
    size_t frames = (size_t)ftell(fp) / 4;
    fseek(fp, 0, SEEK_SET);
    int16_t *v = malloc(frames * 4 + 4);
    assert_non_null(v);
    assert_int_equal(fread(v, 4, frames, fp), frames);
    fclose(fp);
    /* the announcement's first and last samples (right), the clip's first (left);
     * a busy machine may leave gaps (silence, 0) in either: they are skipped */
    size_t a0 = frames, a1 = 0, c0 = frames, a_n = 0;
    for (size_t i = 0; i < frames; i++) {
        if (v[2 * i + 1] != 0) {
            a0 = a0 < i ? a0 : i;
            a1 = i;
            a_n++;
        }
        if (v[2 * i] != 0 && c0 == frames)
            c0 = i;
    }
    /* the first left sample lowered (not a gap), how many of the clip's samples
     * while it speaks are not at 0.25 after the ramp, and how many after its last
     * are still lowered */
    size_t drop = frames, off = 0, gaps = 0, rising = 0;
    bool back = false;
    for (size_t i = c0; i < frames && a0 < a1; i++) {
        int l = v[2 * i];
        if (l == 0) {
            gaps++;
            continue;
        }
        if (drop == frames && l < 16384)
            drop = i;
        if (i >= a0 + RATE / 200 && i <= a1 && l != 4096)
            off++;
        if (i > a1 && !back) {
            back = l == 16384;
            rising += !back;
        }
    }
    int first_right = a0 < frames ? v[2 * a0 + 1] : 0;
    int mid_right = a0 < frames ? v[2 * ((a0 + a1) / 2) + 1] : 0;
    int before = a0 > 0 && a0 < frames ? v[2 * (a0 - 1)] : -1;
    print_message("clip from %zu, announcement %zu to %zu (%zu samples), right %d; clip lowered "
                  "from %zu, %zu samples off 0.25, %zu rising after, %zu gaps\n",
                  c0, a0, a1, a_n, first_right, drop, off, rising, gaps);
    free(v);
    assert_true(c0 < a0 && a0 < a1 && a1 < frames);
    assert_int_equal(first_right, 8192); /* the announcement at its own level */
    assert_int_equal(mid_right, 8192);
    assert_int_equal(a_n, RATE / 2);                /* all of it */
    assert_true(before == 16384 || before == 0);    /* not lowered before it speaks */
    assert_int_equal(drop, a0);                     /* lowered from its first sample */
    assert_int_equal(off, 0);                       /* at 0.25 after the 5-ms ramp, until its last */
    assert_true(back && rising <= RATE / 200);      /* back within 5 ms of its end */
}

/* An announcement whose file has no sound is recorded as a failed play. */
static void test_engine_failed_announcement(void **state)
{
    fixture *f = *state;
    NEED(f->have_media && f->have_disk);
    char bin[512];
    snprintf(bin, sizeof bin, "%s/player/screenlit-player", SL_BUILD_DIR);
    NEED(access(bin, X_OK) == 0);
    NEED(access("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", R_OK) == 0);
    NEED(system("command -v sqlite3 >/dev/null") == 0);
    /* lint refuses an audio item without sound, so the file turns bad after
     * the player has checked it: a copy of the WAV, truncated to its header */
    char pl[512], raw[512], journal[512], cmd[2048];
    sl_test_path(f->dir, "pl2.json", pl, sizeof pl);
    FILE *fp = fopen(pl, "w");
    assert_non_null(fp);
    fputs("{\"timezone\": \"UTC\", \"zones\": [{\"id\": \"main\", \"x\": 0, \"y\": 0, \"w\": 100, \"h\": 100}],\n"
          " \"items\": [{\"id\": \"ann\", \"zone\": \"main\", \"type\": \"audio\", \"file\": \"hdr.wav\","
          " \"duration\": 1}]}\n",
          fp);
    fclose(fp);
    snprintf(cmd, sizeof cmd, "cd '%s' && head -c 44 s.wav > hdr.wav", f->dir);
    assert_int_equal(system(cmd), 0);
    sl_test_path(f->dir, "bad.raw", raw, sizeof raw);
    sl_test_path(f->dir, "bad.db", journal, sizeof journal);
    int r = run_player(f, pl, "real", "1.5", raw, journal);
    if (r != 0 && file_has(f, "player.err", "cannot play")) {
        print_message("lint refuses the truncated announcement; nothing more to check\n");
        return;
    }
    assert_int_equal(r, 0);
    snprintf(cmd, sizeof cmd, "sqlite3 '%s' \"SELECT outcome FROM plays WHERE item='ann'\" | head -1 | grep -qx 2",
             journal);
    int failed = system(cmd);
    snprintf(cmd, sizeof cmd, "sqlite3 '%s' 'SELECT item, outcome, reason FROM plays' >&2", journal);
    if (system(cmd) != 0)
        print_message("no journal\n");
    assert_int_equal(failed, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_device),
        cmocka_unit_test(test_wav),
        cmocka_unit_test(test_mp4),
        cmocka_unit_test(test_volume),
        cmocka_unit_test(test_stop_early),
        cmocka_unit_test(test_stop_blocked),
        cmocka_unit_test(test_mix_and_limit),
        cmocka_unit_test(test_bad_files),
        cmocka_unit_test(test_engine),
        cmocka_unit_test(test_engine_failed_announcement),
        cmocka_unit_test(test_engine_ducking),
        cmocka_unit_test(test_duck_to_the_sample),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
