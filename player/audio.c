/* audio.c — sound tracks decoded with FFmpeg on their own threads, resampled to S16 stereo 48 kHz, mixed into one SDL device. */
#include "player/audio.h"

#include "content/media.h"

#include <SDL2/SDL.h>
#include <errno.h>
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/channel_layout.h>
#include <libavutil/dict.h>
#include <libavutil/error.h>
#include <libavutil/frame.h>
#include <libavutil/log.h>
#include <libavutil/samplefmt.h>
#include <libswresample/swresample.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define AUD_DEVICE_SAMPLES 1024    /* frames per device callback: 21 ms at 48 kHz */
#define AUD_MIX_CHUNK 256          /* frames mixed at a time in the callback (stack buffer) */
#define AUD_MAX_BAD_PACKETS 100    /* consecutive decode errors before a sound is given up */
#define AUD_MAX_CONVERT_FRAMES (SL_AUDIO_RATE * 10) /* output of one decoded frame, at most */
#define AUD_GAIN_ONE 32768         /* volume 1.0 in the mixer's fixed point */
#define AUD_QUEUE_FRAMES (SL_AUDIO_RATE * SL_AUDIO_QUEUE_MS / 1000)
#define AUD_DUCK_RAMP 240          /* frames over which ducking comes and goes: 5 ms, no click */
#define AUD_DUCK_STEP (AUD_GAIN_ONE / AUD_DUCK_RAMP + 1) /* gain change per frame while ramping */

struct sl_audio_out {
    SDL_AudioDeviceID dev;
    bool sdl_audio; /* SDL's audio subsystem was initialised by us */
    bool mu_ready;
    char driver[32];
    pthread_mutex_t mu; /* guards sounds[] and the shared part of every sound */
    sl_audio *sounds[SL_AUDIO_MAX_SOUNDS];
    int n_sounds;
};

/* One sound. The decode thread owns the FFmpeg state; the ring and the
 * fields under "shared" are guarded by out->mu. */
struct sl_audio {
    /* set before the thread starts, then read-only */
    sl_audio_out *out;
    char *path;
    int32_t gain; /* volume, AUD_GAIN_ONE = 1.0 */
    unsigned flags;
    int64_t start_ns; /* CLOCK_MONOTONIC at sl_audio_start */

    /* decode thread */
    AVFormatContext *fmt;
    AVCodecContext *dec;
    AVPacket *pkt;
    AVFrame *frame;
    int stream;
    SwrContext *swr;
    AVChannelLayout swr_layout; /* input the resampler was made for */
    int swr_rate, swr_fmt;
    int16_t *buf; /* converted samples, buf_frames frames */
    int buf_frames;
    bool synced;         /* SL_AUDIO_SYNC: the start-up lag was measured */
    int64_t skip_frames; /* still to drop for SL_AUDIO_SYNC */
    int bad_packets;

    atomic_bool stop; /* also read by FFmpeg's interrupt callback */
    bool announce;    /* ducks the other sounds while it speaks (set before the thread starts) */
    int32_t duck;     /* announce: the others' level while it speaks, AUD_GAIN_ONE = none */
    int32_t duck_now; /* ducking level applied to this sound (mixer only, under out->mu) */
    pthread_t thread;
    bool thread_started;
    bool cond_ready;

    /* shared */
    pthread_cond_t space; /* the ring has room, or stop */
    int16_t *ring;        /* AUD_QUEUE_FRAMES frames, interleaved stereo */
    int head, count;      /* in frames */
    int64_t played;       /* frames mixed into the output */
    bool finished;        /* the thread will add nothing more */
    bool failed;          /* error holds a message; never changes once set */
    char error[256];
};

static int64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* ---------------------------------------------------------------- output */

/* Fills want[0..n) with the ducking level of this chunk's frames: from
 * the frame an announcement's first sample is mixed at to the frame after its
 * last one (and through a late decoder's gaps in between), the lowest duck
 * of the announcements speaking; AUD_GAIN_ONE elsewhere. Under out->mu. */
static void out_duck_levels(const sl_audio_out *out, int n, int32_t *want)
{
    for (int i = 0; i < n; i++)
        want[i] = AUD_GAIN_ONE;
    for (int s = 0; s < out->n_sounds; s++) {
        const sl_audio *a = out->sounds[s];
        int take = a->count < n ? a->count : n;
        if (!a->announce || (a->played == 0 && take == 0))
            continue; /* not an announcement, or its first sample is still to come */
        int end = a->finished && a->count == take ? take : n; /* its last sample is in this chunk */
        for (int i = 0; i < end; i++)
            if (a->duck < want[i])
                want[i] = a->duck;
    }
}

/* Mixes `take` of the sound's queued frames into mix. A sound that is not an
 * announcement follows the ducking levels frame by frame, ramped. */
static void out_mix_sound(sl_audio *a, int take, const int32_t *want, int32_t *mix)
{
    int idx = a->head;
    for (int i = 0; i < take; i++) {
        int32_t duck = AUD_GAIN_ONE;
        if (!a->announce) {
            int32_t d = a->duck_now, w = want[i];
            if (d < w)
                d = d + AUD_DUCK_STEP < w ? d + AUD_DUCK_STEP : w;
            else if (d > w)
                d = d - AUD_DUCK_STEP > w ? d - AUD_DUCK_STEP : w;
            duck = a->duck_now = d;
        }
        int32_t gain = (int32_t)((int64_t)a->gain * duck / AUD_GAIN_ONE);
        const int16_t *src = &a->ring[idx * SL_AUDIO_CHANNELS];
        for (int c = 0; c < SL_AUDIO_CHANNELS; c++)
            mix[i * SL_AUDIO_CHANNELS + c] += (int32_t)src[c] * gain / AUD_GAIN_ONE;
        if (++idx == AUD_QUEUE_FRAMES)
            idx = 0;
    }
    a->head = idx;
}

/* SDL's audio thread: mixes every sound's queued samples into the device
 * buffer, each scaled by its volume (and its ducking), clipped to S16. A
 * sound with nothing queued (still opening, or decoding late) adds silence. */
static void out_callback(void *userdata, Uint8 *stream, int len)
{
    sl_audio_out *out = userdata;
    int16_t *dst = (int16_t *)(void *)stream;
    int frames = len / SL_AUDIO_FRAME_BYTES;
    int32_t mix[AUD_MIX_CHUNK * SL_AUDIO_CHANNELS];
    int32_t want[AUD_MIX_CHUNK];

    pthread_mutex_lock(&out->mu);
    for (int done = 0; done < frames;) {
        int n = frames - done < AUD_MIX_CHUNK ? frames - done : AUD_MIX_CHUNK;
        memset(mix, 0, sizeof mix);
        out_duck_levels(out, n, want);
        for (int s = 0; s < out->n_sounds; s++) {
            sl_audio *a = out->sounds[s];
            int take = a->count < n ? a->count : n;
            out_mix_sound(a, take, want, mix);
            if (take > 0) {
                a->count -= take;
                a->played += take;
                pthread_cond_broadcast(&a->space);
            }
        }
        for (int i = 0; i < n * SL_AUDIO_CHANNELS; i++) {
            int32_t v = mix[i];
            dst[done * SL_AUDIO_CHANNELS + i] = (int16_t)(v > INT16_MAX ? INT16_MAX
                                                          : v < INT16_MIN ? INT16_MIN : v);
        }
        done += n;
    }
    pthread_mutex_unlock(&out->mu);
    /* an odd tail (never with S16 stereo) stays silent */
    for (int i = frames * SL_AUDIO_FRAME_BYTES; i < len; i++)
        stream[i] = 0;
}

/* Opens the device (see audio.h). */
sl_audio_out *sl_audio_out_open(char *err, size_t errlen)
{
    bool ok = false;
    sl_audio_out *out = calloc(1, sizeof *out);
    if (!out) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    if (pthread_mutex_init(&out->mu, NULL) != 0) {
        snprintf(err, errlen, "cannot make a lock for the audio output");
        goto out;
    }
    out->mu_ready = true;
    if (SDL_InitSubSystem(SDL_INIT_AUDIO) != 0) {
        snprintf(err, errlen, "no audio output: %s", SDL_GetError());
        goto out;
    }
    out->sdl_audio = true;
    const char *drv = SDL_GetCurrentAudioDriver();
    snprintf(out->driver, sizeof out->driver, "%s", drv ? drv : "");
    SDL_AudioSpec want, have;
    SDL_zero(want);
    SDL_zero(have);
    want.freq = SL_AUDIO_RATE;
    want.format = AUDIO_S16SYS;
    want.channels = SL_AUDIO_CHANNELS;
    want.samples = AUD_DEVICE_SAMPLES;
    want.callback = out_callback;
    want.userdata = out;
    /* no allowed changes: SDL converts to whatever the hardware wants */
    out->dev = SDL_OpenAudioDevice(NULL, 0, &want, &have, 0);
    if (out->dev == 0) {
        snprintf(err, errlen, "cannot open the audio device (%s driver): %s", out->driver,
                 SDL_GetError());
        goto out;
    }
    SDL_PauseAudioDevice(out->dev, 0);
    ok = true;
out:
    if (!ok) {
        sl_audio_out_close(out);
        out = NULL;
    }
    return out;
}

void sl_audio_out_close(sl_audio_out *out)
{
    if (!out)
        return;
    if (out->dev)
        SDL_CloseAudioDevice(out->dev); /* joins SDL's audio thread: no callback after this */
    if (out->sdl_audio)
        SDL_QuitSubSystem(SDL_INIT_AUDIO);
    if (out->mu_ready)
        pthread_mutex_destroy(&out->mu);
    free(out);
}

const char *sl_audio_out_driver(const sl_audio_out *out)
{
    return out ? out->driver : "";
}

/* ---------------------------------------------------------------- sounds */

/* FFmpeg's interrupt callback: non-zero aborts blocking I/O on stop. */
static int sound_interrupt(void *opaque)
{
    sl_audio *a = opaque;
    return atomic_load(&a->stop) ? 1 : 0;
}

/* Records the first fatal error (later ones are dropped). Takes out->mu. */
static void sound_fail(sl_audio *a, const char *msg, int averr)
{
    char e[AV_ERROR_MAX_STRING_SIZE];
    pthread_mutex_lock(&a->out->mu);
    if (!a->failed) {
        if (averr) {
            av_strerror(averr, e, sizeof e);
            snprintf(a->error, sizeof a->error, "%s: %s (%s)", a->path, msg, e);
        } else {
            snprintf(a->error, sizeof a->error, "%s: %s", a->path, msg);
        }
        a->failed = true;
    }
    pthread_mutex_unlock(&a->out->mu);
}

/* Opens the file and the decoder of its sound track. Returns 0, or -1
 * with the error recorded. Runs on the sound's thread. */
static int sound_open(sl_audio *a)
{
    AVDictionary *opts = NULL;
    char *url = NULL;
    const AVCodec *codec = NULL;
    int rc = -1, r;

    sl_media_log_init();
    size_t ul = strlen(a->path) + sizeof "file:";
    url = malloc(ul);
    a->fmt = avformat_alloc_context();
    if (!url || !a->fmt || av_dict_set(&opts, "protocol_whitelist", "file", 0) < 0 ||
        av_dict_set(&opts, "pattern_type", "none", 0) < 0) {
        sound_fail(a, "out of memory", 0);
        goto out;
    }
    snprintf(url, ul, "file:%s", a->path);
    a->fmt->interrupt_callback.callback = sound_interrupt;
    a->fmt->interrupt_callback.opaque = a;
    r = avformat_open_input(&a->fmt, url, NULL, &opts); /* frees fmt on failure */
    if (r < 0) {
        sound_fail(a, "cannot be read as media", r);
        goto out;
    }
    r = avformat_find_stream_info(a->fmt, NULL);
    if (r < 0) {
        sound_fail(a, "cannot be read as media", r);
        goto out;
    }
    r = av_find_best_stream(a->fmt, AVMEDIA_TYPE_AUDIO, -1, -1, &codec, 0);
    if (r == AVERROR_STREAM_NOT_FOUND) {
        sound_fail(a, "has no sound track", 0);
        goto out;
    }
    if (r < 0 || !codec) {
        char msg[96];
        int si = av_find_best_stream(a->fmt, AVMEDIA_TYPE_AUDIO, -1, -1, NULL, 0);
        snprintf(msg, sizeof msg, "no decoder for its %s sound",
                 si >= 0 ? avcodec_get_name(a->fmt->streams[si]->codecpar->codec_id) : "unknown");
        sound_fail(a, msg, 0);
        goto out;
    }
    a->stream = r;
    for (unsigned i = 0; i < a->fmt->nb_streams; i++)
        if ((int)i != a->stream)
            a->fmt->streams[i]->discard = AVDISCARD_ALL; /* the pictures are someone else's */
    AVStream *st = a->fmt->streams[a->stream];
    a->dec = avcodec_alloc_context3(codec);
    if (!a->dec) {
        sound_fail(a, "out of memory", 0);
        goto out;
    }
    r = avcodec_parameters_to_context(a->dec, st->codecpar);
    if (r >= 0) {
        a->dec->pkt_timebase = st->time_base;
        a->dec->thread_count = 1;
        r = avcodec_open2(a->dec, codec, NULL);
    }
    if (r < 0) {
        char msg[96];
        snprintf(msg, sizeof msg, "the %s decoder cannot be opened", codec->name);
        sound_fail(a, msg, r);
        goto out;
    }
    rc = 0;
out:
    av_dict_free(&opts);
    free(url);
    return rc;
}

/* Adds converted frames to the ring, waiting while it is full. Drops the
 * start-up lag first for SL_AUDIO_SYNC. Returns false on stop. */
static bool sound_push(sl_audio *a, const int16_t *src, int frames)
{
    if ((a->flags & SL_AUDIO_SYNC) && !a->synced) {
        a->synced = true;
        a->skip_frames = (mono_ns() - a->start_ns) * SL_AUDIO_RATE / 1000000000LL;
    }
    if (a->skip_frames > 0) {
        int k = a->skip_frames < frames ? (int)a->skip_frames : frames;
        src += (size_t)k * SL_AUDIO_CHANNELS;
        frames -= k;
        a->skip_frames -= k;
    }
    pthread_mutex_t *mu = &a->out->mu;
    pthread_mutex_lock(mu);
    while (frames > 0) {
        while (a->count == AUD_QUEUE_FRAMES && !atomic_load(&a->stop))
            pthread_cond_wait(&a->space, mu);
        if (atomic_load(&a->stop))
            break;
        int room = AUD_QUEUE_FRAMES - a->count;
        int n = frames < room ? frames : room;
        int tail = (a->head + a->count) % AUD_QUEUE_FRAMES;
        int first = AUD_QUEUE_FRAMES - tail < n ? AUD_QUEUE_FRAMES - tail : n;
        memcpy(a->ring + (size_t)tail * SL_AUDIO_CHANNELS, src, (size_t)first * SL_AUDIO_FRAME_BYTES);
        if (n > first)
            memcpy(a->ring, src + (size_t)first * SL_AUDIO_CHANNELS,
                   (size_t)(n - first) * SL_AUDIO_FRAME_BYTES);
        a->count += n;
        src += (size_t)n * SL_AUDIO_CHANNELS;
        frames -= n;
    }
    bool go = !atomic_load(&a->stop);
    pthread_mutex_unlock(mu);
    return go;
}

/* Makes sure the resampler converts frames like f (format, rate and
 * channels may change mid-stream). Returns 0 or -1 with the error recorded. */
static int sound_resampler(sl_audio *a, const AVFrame *f)
{
    AVChannelLayout in = {0};
    int r;
    if (f->ch_layout.order != AV_CHANNEL_ORDER_UNSPEC && f->ch_layout.nb_channels > 0)
        r = av_channel_layout_copy(&in, &f->ch_layout);
    else {
        av_channel_layout_default(&in, f->ch_layout.nb_channels > 0 ? f->ch_layout.nb_channels
                                                                    : a->dec->ch_layout.nb_channels);
        r = 0;
    }
    if (r < 0 || in.nb_channels <= 0 || f->sample_rate <= 0) {
        av_channel_layout_uninit(&in);
        sound_fail(a, "has a sound track without channels or sample rate", r < 0 ? r : 0);
        return -1;
    }
    if (a->swr && a->swr_rate == f->sample_rate && a->swr_fmt == f->format &&
        av_channel_layout_compare(&a->swr_layout, &in) == 0) {
        av_channel_layout_uninit(&in);
        return 0;
    }
    swr_free(&a->swr);
    av_channel_layout_uninit(&a->swr_layout);
    AVChannelLayout stereo = AV_CHANNEL_LAYOUT_STEREO;
    r = swr_alloc_set_opts2(&a->swr, &stereo, AV_SAMPLE_FMT_S16, SL_AUDIO_RATE, &in,
                            (enum AVSampleFormat)f->format, f->sample_rate, 0, NULL);
    if (r >= 0 && in.nb_channels == 1) {
        /* mono goes to both speakers at full level (swresample's default is -3 dB each) */
        static const double both[2] = {1.0, 1.0};
        r = swr_set_matrix(a->swr, both, 1);
    }
    if (r >= 0)
        r = swr_init(a->swr);
    if (r < 0) {
        swr_free(&a->swr);
        av_channel_layout_uninit(&in);
        sound_fail(a, "its sound cannot be converted", r);
        return -1;
    }
    a->swr_layout = in; /* takes ownership */
    a->swr_rate = f->sample_rate;
    a->swr_fmt = f->format;
    return 0;
}

/* Makes buf hold at least frames frames. Returns 0 or -1 with the error recorded. */
static int sound_reserve(sl_audio *a, int frames)
{
    if (frames <= a->buf_frames)
        return 0;
    if (frames > AUD_MAX_CONVERT_FRAMES) {
        sound_fail(a, "has an absurdly long sound frame", 0);
        return -1;
    }
    int16_t *b = realloc(a->buf, (size_t)frames * SL_AUDIO_FRAME_BYTES);
    if (!b) {
        sound_fail(a, "out of memory", 0);
        return -1;
    }
    a->buf = b;
    a->buf_frames = frames;
    return 0;
}

/* Converts a decoded frame (or, f NULL, what the resampler still holds)
 * and queues it. Returns false when the thread should stop. */
static bool sound_emit(sl_audio *a, const AVFrame *f)
{
    if (f && sound_resampler(a, f) != 0)
        return false;
    if (!a->swr)
        return true; /* flushing a resampler that never was */
    int in_n = f ? f->nb_samples : 0;
    int need = swr_get_out_samples(a->swr, in_n);
    if (need < 0) {
        sound_fail(a, "its sound cannot be converted", need);
        return false;
    }
    if (sound_reserve(a, need > 0 ? need : 1) != 0)
        return false;
    uint8_t *outp[1] = {(uint8_t *)a->buf};
    int n = swr_convert(a->swr, outp, a->buf_frames, f ? (const uint8_t **)f->extended_data : NULL,
                        in_n);
    if (n < 0) {
        sound_fail(a, "its sound cannot be converted", n);
        return false;
    }
    return n == 0 || sound_push(a, a->buf, n);
}

/* Takes every frame the decoder has ready. Returns 0 when it wants more
 * input, 1 at its end of stream, -1 when the thread should stop. */
static int sound_receive(sl_audio *a)
{
    for (;;) {
        if (atomic_load(&a->stop))
            return -1;
        int r = avcodec_receive_frame(a->dec, a->frame);
        if (r == AVERROR(EAGAIN))
            return 0;
        if (r == AVERROR_EOF)
            return 1;
        if (r < 0) {
            if (r == AVERROR_INVALIDDATA && ++a->bad_packets < AUD_MAX_BAD_PACKETS)
                continue; /* damaged data: skip what FFmpeg skips */
            sound_fail(a, "its sound cannot be decoded", r);
            return -1;
        }
        a->bad_packets = 0;
        bool go = sound_emit(a, a->frame);
        av_frame_unref(a->frame);
        if (!go)
            return -1;
    }
}

/* Reads and decodes the sound track to its end, an error or stop. */
static void sound_decode(sl_audio *a)
{
    int rr = 0;
    for (;;) {
        if (atomic_load(&a->stop))
            return;
        int r = av_read_frame(a->fmt, a->pkt);
        if (r == AVERROR(EAGAIN))
            continue;
        if (r < 0) {
            if (r != AVERROR_EOF && !atomic_load(&a->stop))
                sound_fail(a, "cannot be read to its end", r); /* play what was decoded */
            break;
        }
        if (a->pkt->stream_index != a->stream) {
            av_packet_unref(a->pkt);
            continue;
        }
        for (;;) {
            r = avcodec_send_packet(a->dec, a->pkt);
            if (r != AVERROR(EAGAIN))
                break;
            rr = sound_receive(a); /* the decoder wants its output taken first */
            if (rr != 0)
                break;
        }
        av_packet_unref(a->pkt);
        if (rr < 0)
            return;
        if (rr > 0)
            break;
        if (r < 0) {
            if (r == AVERROR_INVALIDDATA && ++a->bad_packets < AUD_MAX_BAD_PACKETS)
                continue; /* a damaged packet: skip it */
            sound_fail(a, "its sound cannot be decoded", r);
            return;
        }
        rr = sound_receive(a);
        if (rr < 0)
            return;
        if (rr > 0)
            break;
    }
    /* drain the decoder, then the resampler */
    if (rr == 0) {
        avcodec_send_packet(a->dec, NULL);
        if (sound_receive(a) < 0)
            return;
    }
    sound_emit(a, NULL);
}

static void *sound_thread(void *arg)
{
    sl_audio *a = arg;
    if (sound_open(a) == 0)
        sound_decode(a);
    pthread_mutex_lock(&a->out->mu);
    a->finished = true;
    pthread_mutex_unlock(&a->out->mu);
    return NULL;
}

/* Frees a sound that is not (or no longer) in its output's mix. */
static void sound_free(sl_audio *a)
{
    if (!a)
        return;
    swr_free(&a->swr);
    av_channel_layout_uninit(&a->swr_layout);
    av_frame_free(&a->frame);
    av_packet_free(&a->pkt);
    avcodec_free_context(&a->dec);
    avformat_close_input(&a->fmt);
    if (a->cond_ready)
        pthread_cond_destroy(&a->space);
    free(a->buf);
    free(a->ring);
    free(a->path);
    free(a);
}

/* Starts a sound (see audio.h): registers it with the output's mix (it adds
 * silence until its first samples are decoded) and starts its thread. An
 * announcement ducks the others to `duck` (0..1) while it speaks. */
static sl_audio *sound_start(sl_audio_out *out, const char *path, double volume, unsigned flags,
                             bool announce, double duck, char *err, size_t errlen)
{
    sl_audio *a = NULL;
    bool added = false;
    if (!out) {
        snprintf(err, errlen, "no audio output");
        return NULL;
    }
    if (!path || !path[0]) {
        snprintf(err, errlen, "no sound file given");
        return NULL;
    }
    a = calloc(1, sizeof *a);
    if (!a)
        goto oom;
    atomic_init(&a->stop, false);
    a->announce = announce;
    if (!(duck >= 0.0)) /* also NaN */
        duck = 0.0;
    a->duck = duck < 1.0 ? (int32_t)(duck * AUD_GAIN_ONE + 0.5) : AUD_GAIN_ONE;
    a->duck_now = AUD_GAIN_ONE;
    a->out = out;
    a->flags = flags;
    a->start_ns = mono_ns();
    if (!(volume > 0.0)) /* also NaN */
        volume = 0.0;
    if (volume > 1.0)
        volume = 1.0;
    a->gain = (int32_t)(volume * AUD_GAIN_ONE + 0.5);
    a->stream = -1;
    a->path = strdup(path);
    a->ring = malloc((size_t)AUD_QUEUE_FRAMES * SL_AUDIO_FRAME_BYTES);
    a->pkt = av_packet_alloc();
    a->frame = av_frame_alloc();
    if (!a->path || !a->ring || !a->pkt || !a->frame)
        goto oom;
    if (pthread_cond_init(&a->space, NULL) != 0)
        goto oom;
    a->cond_ready = true;

    pthread_mutex_lock(&out->mu);
    if (out->n_sounds < SL_AUDIO_MAX_SOUNDS) {
        out->sounds[out->n_sounds++] = a;
        added = true;
    }
    pthread_mutex_unlock(&out->mu);
    if (!added) {
        snprintf(err, errlen, "%s: too many sounds at once (%d)", path, SL_AUDIO_MAX_SOUNDS);
        sound_free(a);
        return NULL;
    }
    if (pthread_create(&a->thread, NULL, sound_thread, a) != 0) {
        snprintf(err, errlen, "%s: cannot start the sound's thread", path);
        sl_audio_stop(a);
        return NULL;
    }
    a->thread_started = true;
    return a;
oom:
    snprintf(err, errlen, "%s: out of memory", path);
    sound_free(a);
    return NULL;
}

/* Takes the sound out of the mix (under the output's lock, so the device
 * callback never sees it again), wakes and joins its thread, frees it. */
void sl_audio_stop(sl_audio *a)
{
    if (!a)
        return;
    sl_audio_out *out = a->out;
    pthread_mutex_lock(&out->mu);
    for (int i = 0; i < out->n_sounds; i++) {
        if (out->sounds[i] == a) {
            out->sounds[i] = out->sounds[--out->n_sounds];
            out->sounds[out->n_sounds] = NULL;
            break;
        }
    }
    atomic_store(&a->stop, true);
    pthread_cond_broadcast(&a->space);
    pthread_mutex_unlock(&out->mu);
    if (a->thread_started)
        pthread_join(a->thread, NULL);
    sound_free(a);
}

bool sl_audio_ended(const sl_audio *a)
{
    if (!a)
        return true;
    sl_audio *m = (sl_audio *)a; /* locking mutates only the mutex */
    pthread_mutex_lock(&m->out->mu);
    bool ended = m->finished && m->count == 0;
    pthread_mutex_unlock(&m->out->mu);
    return ended;
}

const char *sl_audio_error(const sl_audio *a)
{
    if (!a)
        return NULL;
    sl_audio *m = (sl_audio *)a;
    pthread_mutex_lock(&m->out->mu);
    const char *e = m->failed ? m->error : NULL;
    pthread_mutex_unlock(&m->out->mu);
    return e;
}

sl_audio *sl_audio_start(sl_audio_out *out, const char *path, double volume, unsigned flags,
                         char *err, size_t errlen)
{
    return sound_start(out, path, volume, flags, false, 1.0, err, errlen);
}

sl_audio *sl_audio_start_announcement(sl_audio_out *out, const char *path, double volume,
                                      double duck, char *err, size_t errlen)
{
    return sound_start(out, path, volume, 0, true, duck, err, errlen);
}

int64_t sl_audio_played_frames(const sl_audio *a)
{
    if (!a)
        return 0;
    sl_audio *m = (sl_audio *)a;
    pthread_mutex_lock(&m->out->mu);
    int64_t p = m->played;
    pthread_mutex_unlock(&m->out->mu);
    return p;
}
