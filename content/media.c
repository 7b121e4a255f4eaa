/* media.c — media files: streaming SHA-256, probing (duration, size, codecs) with libavformat, the one way files are opened with FFmpeg, and its log lines. */
#define _POSIX_C_SOURCE 200809L
#include "content/media.h"


#include <errno.h>
#include <fcntl.h>
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/avutil.h>
#include <libavutil/dict.h>
#include <libavutil/error.h>
#include <libavutil/log.h>
#include <pthread.h>
#include <stdarg.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MEDIA_HASH_BUF_BYTES (64u * 1024u) /* read size while hashing */
#define MEDIA_MAX_PIXELS_STR "67108864"    /* SL_MEDIA_MAX_PIXELS as an FFmpeg option */

/* Hashes the file at path with SHA-256 in 64 KiB reads. hex gets 64
 * lowercase hex digits + NUL; *size (may be NULL) the byte count. Only
 * regular files are hashed. Returns 0 or -1 with err (hex is then ""). */
int sl_media_sha256_file(const char *path, char hex[SL_SHA256_HEX_LEN + 1], int64_t *size,
                         char *err, size_t errlen)
{
    int rc = -1;
    int fd = -1;
    unsigned char *buf = NULL;
    crypto_hash_sha256_state st;
    unsigned char digest[crypto_hash_sha256_BYTES];
    int64_t total = 0;

    hex[0] = '\0';
    if (size)
        *size = 0;
    if (sodium_init() < 0) {
        snprintf(err, errlen, "libsodium could not be initialised");
        goto out;
    }
    if (!path) {
        snprintf(err, errlen, "no media file given");
        goto out;
    }
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        goto out;
    }
    struct stat sb;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        snprintf(err, errlen, "%s: not a regular file", path);
        goto out;
    }
    buf = malloc(MEDIA_HASH_BUF_BYTES);
    if (!buf) {
        snprintf(err, errlen, "%s: out of memory", path);
        goto out;
    }
    crypto_hash_sha256_init(&st);
    for (;;) {
        ssize_t r = read(fd, buf, MEDIA_HASH_BUF_BYTES);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            snprintf(err, errlen, "%s: %s", path, strerror(errno));
            goto out;
        }
        if (r == 0)
            break;
        crypto_hash_sha256_update(&st, buf, (unsigned long long)r);
        total += r;
    }
    crypto_hash_sha256_final(&st, digest);
    sodium_bin2hex(hex, SL_SHA256_HEX_LEN + 1, digest, sizeof digest);
    if (size)
        *size = total;
    rc = 0;
out:
    if (fd >= 0)
        close(fd);
    free(buf);
    return rc;
}

bool sl_media_is_sha256(const char *s)
{
    if (!s)
        return false;
    size_t i = 0;
    for (; s[i]; i++) {
        if (i >= SL_SHA256_HEX_LEN)
            return false;
        char c = s[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return false;
    }
    return i == SL_SHA256_HEX_LEN;
}

/* Whether a demuxer reads one picture (the image2 family). GIF is left out:
 * it may be animated. */
static bool still_format(const char *name)
{
    static const char *const stills[] = {
        "image2",    "png_pipe",   "jpeg_pipe",  "webp_pipe",    "bmp_pipe",    "tiff_pipe",
        "qoi_pipe",  "jpegxl_pipe", "j2k_pipe",  "jpegls_pipe",  "pam_pipe",    "pbm_pipe",
        "pgm_pipe",  "ppm_pipe",   "pcx_pipe",   "psd_pipe",     "sgi_pipe",    "svg_pipe",
        "dds_pipe",  "dpx_pipe",   "exr_pipe",   "xbm_pipe",     "xpm_pipe",    "xwd_pipe",
        "sunrast_pipe", "photocd_pipe", "pictor_pipe", "qdraw_pipe", "gem_pipe", "pfm_pipe",
        "phm_pipe",  "pgx_pipe",   "vbn_pipe",   "cri_pipe",     "hdr_pipe",
    };
    if (!name)
        return false;
    for (size_t i = 0; i < sizeof stills / sizeof stills[0]; i++) {
        if (strcmp(name, stills[i]) == 0)
            return true;
    }
    return false;
}

/* A stream's length in ms from its own header, or -1. */
static int64_t stream_duration_ms(const AVStream *st)
{
    if (st->duration == AV_NOPTS_VALUE || st->duration <= 0 || st->time_base.den == 0)
        return -1;
    return av_rescale_q(st->duration, st->time_base, (AVRational){1, 1000});
}

/* Whether the file was cut short after its header: the container's index
 * points past the end of the file (an MP4 with "faststart" opens fine even
 * when most of its samples are missing), or an MP4's header stops before
 * it says where any sample is. */
static bool truncated_after_header(AVFormatContext *ctx)
{
    if (!ctx->pb)
        return false;
    int64_t fsize = avio_size(ctx->pb);
    if (fsize <= 0)
        return false;
    bool is_mov = ctx->iformat && strncmp(ctx->iformat->name, "mov,", 4) == 0;
    for (unsigned i = 0; i < ctx->nb_streams; i++) {
        AVStream *st = ctx->streams[i];
        int n = avformat_index_get_entries_count(st);
        if (n <= 0) {
            if (is_mov) /* an MP4 stream always lists its samples */
                return true;
            continue;
        }
        const AVIndexEntry *e = avformat_index_get_entry(st, n - 1);
        if (e && e->pos >= 0 && e->size > 0 && e->pos + e->size > fsize)
            return true;
    }
    return false;
}

/* Probes a file with libavformat (sl_media_open_input with
 * avformat_find_stream_info). Fills *info: duration in ms (-1 when
 * unknown, and for stills), the first video stream's size, codec and fps
 * (cover art in audio files does not count as video), whether there is
 * audio, and whether it is a single picture. Returns 0, or -1 with err for
 * files that cannot be opened or read as media, including files cut short
 * after their header. */
int sl_media_probe(const char *path, sl_media_info *info, char *err, size_t errlen)
{
    int rc = -1;
    AVFormatContext *ctx = NULL;

    memset(info, 0, sizeof *info);
    info->duration_ms = -1;
    if (!path || !path[0]) {
        snprintf(err, errlen, "no media file given");
        goto out;
    }
    ctx = sl_media_open_input(path, NULL, true, NULL, NULL, err, errlen);
    if (!ctx)
        goto out;
    if (ctx->nb_streams == 0) {
        snprintf(err, errlen, "%s: cannot be read as media (no audio or video streams)", path);
        goto out;
    }
    if (truncated_after_header(ctx)) {
        snprintf(err, errlen, "%s: is truncated (it ends before the media its header describes)", path);
        goto out;
    }

    const AVStream *video = NULL;
    const AVStream *audio = NULL;
    for (unsigned i = 0; i < ctx->nb_streams; i++) {
        const AVStream *st = ctx->streams[i];
        const AVCodecParameters *cp = st->codecpar;
        if (cp->codec_type == AVMEDIA_TYPE_VIDEO && !video &&
            !(st->disposition & AV_DISPOSITION_ATTACHED_PIC))
            video = st;
        else if (cp->codec_type == AVMEDIA_TYPE_AUDIO && !audio)
            audio = st;
    }
    if (!video && !audio) {
        snprintf(err, errlen, "%s: cannot be read as media (no audio or video streams)", path);
        goto out;
    }
    info->is_still = video && !audio && still_format(ctx->iformat ? ctx->iformat->name : NULL);
    if (video) {
        const AVCodecParameters *cp = video->codecpar;
        info->has_video = true;
        info->width = cp->width;
        info->height = cp->height;
        snprintf(info->video_codec, sizeof info->video_codec, "%s", avcodec_get_name(cp->codec_id));
        AVRational fr = video->avg_frame_rate;
        if (fr.num <= 0 || fr.den <= 0)
            fr = video->r_frame_rate;
        if (!info->is_still && fr.num > 0 && fr.den > 0)
            info->fps = av_q2d(fr);
        if (cp->width <= 0 || cp->height <= 0) {
            snprintf(err, errlen, "%s: cannot be read as media (its picture size is unknown)", path);
            goto out;
        }
    }
    if (audio) {
        info->has_audio = true;
        snprintf(info->audio_codec, sizeof info->audio_codec, "%s",
                 avcodec_get_name(audio->codecpar->codec_id));
    }
    if (!info->is_still) {
        if (ctx->duration != AV_NOPTS_VALUE && ctx->duration > 0) {
            info->duration_ms = av_rescale(ctx->duration, 1000, AV_TIME_BASE);
        } else {
            int64_t a = video ? stream_duration_ms(video) : -1;
            int64_t b = audio ? stream_duration_ms(audio) : -1;
            info->duration_ms = a > b ? a : b;
        }
    }
    rc = 0;
out:
    if (rc != 0) {
        memset(info, 0, sizeof *info);
        info->duration_ms = -1;
    }
    avformat_close_input(&ctx);
    return rc;
}

/* FFmpeg's log callback: its own lines never reach lint's or the player's
 * output (what went wrong is said by the caller, in its words), so nothing
 * is formatted at all. */
static void ffmpeg_log_drop(void *avcl, int level, const char *fmt, va_list vl)
{
    (void)avcl;
    (void)level;
    (void)fmt;
    (void)vl;
}

static void log_install(void)
{
    av_log_set_callback(ffmpeg_log_drop);
}

void sl_media_log_init(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, log_install);
}

int sl_media_check_size(const char *path, int64_t w, int64_t h, char *err, size_t errlen)
{
    if (w > SL_MEDIA_MAX_SIDE || h > SL_MEDIA_MAX_SIDE) {
        snprintf(err, errlen, "%s: picture is %lldx%lld pixels; at most %d on a side", path,
                 (long long)w, (long long)h, SL_MEDIA_MAX_SIDE);
        return -1;
    }
    if (w * h > (int64_t)SL_MEDIA_MAX_PIXELS) {
        snprintf(err, errlen, "%s: picture is %lldx%lld pixels (%lld Mpx); at most %u Mpx", path,
                 (long long)w, (long long)h, (long long)(w * h >> 20), SL_MEDIA_MAX_PIXELS >> 20);
        return -1;
    }
    return 0;
}

AVFormatContext *sl_media_open_input(const char *path, const char *formats, bool find_info,
                                     int (*interrupt)(void *), void *opaque, char *err,
                                     size_t errlen)
{
    AVFormatContext *ctx = NULL;
    AVDictionary *opts = NULL;
    AVDictionary **sopts = NULL;
    unsigned n_sopts = 0;
    char *url = NULL;
    char averr[AV_ERROR_MAX_STRING_SIZE];
    bool ok = false;
    int r;

    sl_media_log_init();
    size_t ul = strlen(path) + sizeof "file:";
    url = malloc(ul);
    ctx = avformat_alloc_context();
    if (!url || !ctx || av_dict_set(&opts, "protocol_whitelist", "file", 0) < 0 ||
        av_dict_set(&opts, "pattern_type", "none", 0) < 0 ||
        (formats && av_dict_set(&opts, "format_whitelist", formats, 0) < 0)) {
        snprintf(err, errlen, "%s: out of memory", path);
        goto out;
    }
    snprintf(url, ul, "file:%s", path);
    ctx->interrupt_callback.callback = interrupt;
    ctx->interrupt_callback.opaque = opaque;
    r = avformat_open_input(&ctx, url, NULL, &opts); /* frees ctx on failure */
    if (r < 0) {
        av_strerror(r, averr, sizeof averr);
        snprintf(err, errlen, "%s: cannot be read as media (%s)", path, averr);
        goto out;
    }
    if (find_info) {
        if (ctx->nb_streams > 0) {
            sopts = calloc(ctx->nb_streams, sizeof *sopts);
            if (!sopts) {
                snprintf(err, errlen, "%s: out of memory", path);
                goto out;
            }
            n_sopts = ctx->nb_streams;
            for (unsigned i = 0; i < n_sopts; i++)
                av_dict_set(&sopts[i], "max_pixels", MEDIA_MAX_PIXELS_STR, 0);
        }
        r = avformat_find_stream_info(ctx, sopts);
        if (r < 0) {
            av_strerror(r, averr, sizeof averr);
            snprintf(err, errlen, "%s: cannot be read as media (%s)", path, averr);
            goto out;
        }
    }
    ok = true;
out:
    for (unsigned i = 0; i < n_sopts; i++)
        av_dict_free(&sopts[i]);
    free(sopts);
    av_dict_free(&opts);
    free(url);
    if (!ok)
        avformat_close_input(&ctx);
    return ctx;
}

int sl_media_video_stream(const AVFormatContext *ctx)
{
    for (unsigned i = 0; i < ctx->nb_streams; i++) {
        const AVStream *st = ctx->streams[i];
        if (st->codecpar->codec_type == AVMEDIA_TYPE_VIDEO &&
            !(st->disposition & AV_DISPOSITION_ATTACHED_PIC))
            return (int)i;
    }
    return -1;
}

AVCodecContext *sl_media_open_decoder(const AVCodec *codec, const AVStream *st, int threads, int *why)
{
    AVCodecContext *c = avcodec_alloc_context3(codec);
    int r = AVERROR(ENOMEM);
    if (!c)
        goto fail;
    r = avcodec_parameters_to_context(c, st->codecpar);
    if (r < 0)
        goto fail;
    c->pkt_timebase = st->time_base;
    c->max_pixels = SL_MEDIA_MAX_PIXELS;
    c->thread_count = threads;
    r = avcodec_open2(c, codec, NULL);
    if (r < 0)
        goto fail;
    return c;
fail:
    *why = r;
    avcodec_free_context(&c);
    return NULL;
}
