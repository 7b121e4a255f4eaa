/* decode.c — FFmpeg decoding of pictures and video into ARGB8888 frames scaled to a box, video on its own thread. */
#define _POSIX_C_SOURCE 200809L
#include "player/decode.h"

#include "content/picture.h"

#include <errno.h>
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/avconfig.h>
#include <libavutil/avutil.h>
#include <libavutil/cpu.h>
#include <libavutil/dict.h>
#include <libavutil/error.h>
#include <libavutil/frame.h>
#include <libavutil/log.h>
#include <libavutil/pixdesc.h>
#include <libswscale/swscale.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* SDL_PIXELFORMAT_ARGB8888 is a native-endian uint32 0xAARRGGBB: bytes
 * B,G,R,A in memory on little-endian machines, A,R,G,B on big-endian ones. */
#if AV_HAVE_BIGENDIAN
#define DEC_OUT_FMT AV_PIX_FMT_ARGB
#else
#define DEC_OUT_FMT AV_PIX_FMT_BGRA
#endif

#define DEC_ROW_ALIGN 64            /* bytes: output rows and buffers, for swscale's SIMD */
#define DEC_QUEUE_DEFAULT 8         /* frames decoded ahead when opts->queue_frames is 0 */
#define DEC_QUEUE_MAX 256           /* frames; larger requests are capped */
#define DEC_MAX_BAD_PACKETS 100     /* consecutive decode errors before a video is given up */
#define DEC_DEFAULT_FRAME_MS 40     /* frame duration when a video gives no timing at all */

/* ---------------------------------------------------------------- frames */

/* Frees f's pixels and clears it; NULL and cleared frames are fine. */
void sl_frame_free(sl_frame *f)
{
    if (!f)
        return;
    free(f->pixels);
    memset(f, 0, sizeof *f);
}

/* Bytes per output row for a width: 4 bytes a pixel, rounded up to DEC_ROW_ALIGN. */
static int out_pitch(int w)
{
    return (int)((((size_t)w * 4u) + DEC_ROW_ALIGN - 1) / DEC_ROW_ALIGN * DEC_ROW_ALIGN);
}

/* Bytes allocated for a w×h output: the rows plus one aligned row of slack
 * (SIMD code may store a little past the last pixel). */
static size_t out_bytes(int w, int h)
{
    return (size_t)out_pitch(w) * (size_t)h + DEC_ROW_ALIGN;
}

/* A buffer for a w×h output, aligned to DEC_ROW_ALIGN; free() releases it.
 * NULL when out of memory. */
static uint8_t *alloc_pixels(int w, int h)
{
    return aligned_alloc(DEC_ROW_ALIGN, out_bytes(w, h));
}

/* ------------------------------------------------------------------- fit */

/* Rounds a*b/c to the nearest integer (a, b >= 0, c > 0). */
static int64_t muldiv_round(int64_t a, int64_t b, int64_t c)
{
    return (a * b + c / 2) / c;
}

/* The size of a w×h picture in a box_w×box_h box. Contain keeps the aspect
 * ratio, touches the box on one axis and rounds the other side to the
 * nearest pixel; cover and stretch give the box itself (cover crops the
 * picture's centre, stretch distorts it). Every result is at least 1×1;
 * a non-positive w or h counts as 1, a non-positive box side as 1. NULL
 * outputs are skipped. */
void sl_fit_size(int w, int h, int box_w, int box_h, sl_fit fit, int *out_w, int *out_h)
{
    int64_t sw = w > 0 ? w : 1, sh = h > 0 ? h : 1;
    int64_t bw = box_w > 0 ? box_w : 1, bh = box_h > 0 ? box_h : 1;
    int64_t rw = bw, rh = bh;

    if (fit == SL_FIT_CONTAIN) {
        if (sw * bh > sh * bw) { /* wider than the box: full width */
            rw = bw;
            rh = muldiv_round(sh, bw, sw);
        } else {
            rh = bh;
            rw = muldiv_round(sw, bh, sh);
        }
        if (rw < 1)
            rw = 1;
        if (rh < 1)
            rh = 1;
        if (rw > bw)
            rw = bw;
        if (rh > bh)
            rh = bh;
    }
    if (out_w)
        *out_w = (int)rw;
    if (out_h)
        *out_h = (int)rh;
}

/* ------------------------------------------------------------- scaling */

/* A cached swscale context and the conversion it was made for. */
typedef struct {
    struct SwsContext *sws;
    int src_w, src_h, src_fmt; /* after cropping */
    int dst_w, dst_h;
    int flags;
    int colorspace, full_range;
    bool video; /* guess BT.709 for untagged HD video; pictures (JPEG, WebP) are BT.601 */
} dec_scaler;

static void scaler_free(dec_scaler *sc)
{
    if (!sc)
        return;
    sws_freeContext(sc->sws);
    memset(sc, 0, sizeof *sc);
}

/* Maps the deprecated full-range "yuvj" formats to their plain twins
 * (swscale complains about them); *full_range is set for them. */
static enum AVPixelFormat plain_format(enum AVPixelFormat f, bool *full_range)
{
    switch (f) {
    case AV_PIX_FMT_YUVJ420P: *full_range = true; return AV_PIX_FMT_YUV420P;
    case AV_PIX_FMT_YUVJ422P: *full_range = true; return AV_PIX_FMT_YUV422P;
    case AV_PIX_FMT_YUVJ444P: *full_range = true; return AV_PIX_FMT_YUV444P;
    case AV_PIX_FMT_YUVJ440P: *full_range = true; return AV_PIX_FMT_YUV440P;
    case AV_PIX_FMT_YUVJ411P: *full_range = true; return AV_PIX_FMT_YUV411P;
    default: return f;
    }
}

/* swscale's SWS_CS_* matrix for a frame: the one it declares, else for
 * video BT.709 at HD sizes and BT.601 below (what players assume), for
 * pictures BT.601 (JPEG and WebP define it). */
static int frame_colorspace(const AVFrame *f, bool video)
{
    switch (f->colorspace) {
    case AVCOL_SPC_BT709: return SWS_CS_ITU709;
    case AVCOL_SPC_FCC: return SWS_CS_FCC;
    case AVCOL_SPC_BT470BG:
    case AVCOL_SPC_SMPTE170M: return SWS_CS_ITU601;
    case AVCOL_SPC_SMPTE240M: return SWS_CS_SMPTE240M;
    case AVCOL_SPC_BT2020_NCL:
    case AVCOL_SPC_BT2020_CL: return SWS_CS_BT2020;
    default:
        return (video && (f->width >= 1280 || f->height > 576)) ? SWS_CS_ITU709 : SWS_CS_ITU601;
    }
}

/* The source rectangle (in the frame's pixels) that cover shows in a
 * box_w×box_h box: the centred part with the box's display aspect. disp_w
 * is the frame's display width (its width corrected by the pixel aspect). */
static void cover_crop(int w, int h, int64_t disp_w, int box_w, int box_h, int *cx, int *cy,
                       int *cw, int *ch)
{
    int64_t dw = disp_w > 0 ? disp_w : w;
    int64_t rw = w, rh = h;
    /* wider than the box (display units): keep the height, crop the sides */
    if (dw * box_h > (int64_t)h * box_w)
        rw = muldiv_round((int64_t)w * box_w, h, dw * box_h);
    else
        rh = muldiv_round((int64_t)h * box_h, dw, (int64_t)box_w * h);
    if (rw < 1)
        rw = 1;
    if (rh < 1)
        rh = 1;
    if (rw > w)
        rw = w;
    if (rh > h)
        rh = h;
    *cw = (int)rw;
    *ch = (int)rh;
    *cx = (int)((w - rw) / 2);
    *cy = (int)((h - rh) / 2);
}

/* Crops src in place to (cx,cy,cw,ch) by moving its data pointers. Offsets
 * are rounded down to the chroma subsampling so the planes stay aligned.
 * Returns 0, or -1 for formats that cannot be cropped on the left/top
 * (bit-packed ones) or on failure. */
static int crop_frame(AVFrame *src, int cx, int cy, int cw, int ch)
{
    const AVPixFmtDescriptor *d = av_pix_fmt_desc_get(src->format);
    if (cw == src->width && ch == src->height)
        return 0;
    if (!d || (d->flags & (AV_PIX_FMT_FLAG_BITSTREAM | AV_PIX_FMT_FLAG_HWACCEL)))
        return -1;
    cx &= ~((1 << d->log2_chroma_w) - 1);
    cy &= ~((1 << d->log2_chroma_h) - 1);
    src->crop_left = (size_t)cx;
    src->crop_top = (size_t)cy;
    src->crop_right = (size_t)(src->width - cx - cw);
    src->crop_bottom = (size_t)(src->height - cy - ch);
    return av_frame_apply_cropping(src, AV_FRAME_CROP_UNALIGNED) < 0 ? -1 : 0;
}

/* Converts src (whole) into a w×h buffer of dst_fmt with pitch dst_pitch,
 * through the cached scaler. Returns 0 or -1 with err. */
static int scale_into(dec_scaler *sc, const AVFrame *src, enum AVPixelFormat dst_fmt, int w, int h,
                      uint8_t *dst, int dst_pitch, char *err, size_t errlen)
{
    bool full = src->color_range == AVCOL_RANGE_JPEG;
    enum AVPixelFormat sfmt = plain_format((enum AVPixelFormat)src->format, &full);
    const AVPixFmtDescriptor *d = av_pix_fmt_desc_get(sfmt);
    bool yuv = d && !(d->flags & AV_PIX_FMT_FLAG_RGB) && d->nb_components >= 3;
    int cs = yuv ? frame_colorspace(src, sc->video) : 0;
    /* area averaging when the output has fewer pixels than the source */
    int flags = ((int64_t)w * h <= (int64_t)src->width * src->height) ? SWS_AREA : SWS_BICUBIC;

    if (!sc->sws || sc->src_w != src->width || sc->src_h != src->height || sc->src_fmt != sfmt ||
        sc->dst_w != w || sc->dst_h != h || sc->flags != flags || sc->colorspace != cs ||
        sc->full_range != (int)full) {
        bool video = sc->video;
        scaler_free(sc);
        sc->video = video;
        sc->sws = sws_getContext(src->width, src->height, sfmt, w, h, dst_fmt, flags, NULL, NULL,
                                 NULL);
        if (!sc->sws) {
            snprintf(err, errlen, "cannot convert %dx%d %s pictures", src->width, src->height,
                     av_get_pix_fmt_name(sfmt) ? av_get_pix_fmt_name(sfmt) : "?");
            return -1;
        }
        if (yuv) {
            const int *coef = sws_getCoefficients(cs);
            sws_setColorspaceDetails(sc->sws, coef, full ? 1 : 0,
                                     sws_getCoefficients(SWS_CS_DEFAULT), 1, 0, 1 << 16, 1 << 16);
        }
        sc->src_w = src->width;
        sc->src_h = src->height;
        sc->src_fmt = sfmt;
        sc->dst_w = w;
        sc->dst_h = h;
        sc->flags = flags;
        sc->colorspace = cs;
        sc->full_range = full;
    }
    uint8_t *dp[4] = {dst, NULL, NULL, NULL};
    int dl[4] = {dst_pitch, 0, 0, 0};
    if (sws_scale(sc->sws, (const uint8_t *const *)src->data, src->linesize, 0, src->height, dp,
                  dl) <= 0) {
        snprintf(err, errlen, "the picture could not be scaled");
        return -1;
    }
    return 0;
}

/* The size a frame takes in a box for a fit (into *ow, *oh), from its
 * display width (its width corrected by the pixel aspect), which it returns. */
static int64_t frame_fit(const AVFrame *src, int box_w, int box_h, sl_fit fit, int *ow, int *oh)
{
    int64_t disp_w = src->width;
    if (src->sample_aspect_ratio.num > 0 && src->sample_aspect_ratio.den > 0)
        disp_w = muldiv_round(src->width, src->sample_aspect_ratio.num,
                              src->sample_aspect_ratio.den);
    if (disp_w < 1)
        disp_w = 1;
    sl_fit_size((int)(disp_w > INT32_MAX ? INT32_MAX : disp_w), src->height, box_w, box_h, fit, ow,
                oh);
    return disp_w;
}

/* Converts a decoded frame to an ARGB8888 picture for a box and fit into
 * out->w/h/pitch/pixels. out->pixels is reused when it is set and out->w/h
 * already equal the result size (a video's current frame keeps its buffer
 * that way), else replaced. src may be modified (cropping). Bit-packed
 * formats (1-bit PNGs) that cannot be cropped in place go through a
 * full-size 8-bit copy first. Returns 0 or -1 with err. */
static int convert_frame(dec_scaler *sc, AVFrame *src, int box_w, int box_h, sl_fit fit,
                         sl_frame *out, char *err, size_t errlen)
{
    int rc = -1;
    AVFrame *tmp = NULL;
    dec_scaler tmp_sc = {0};
    int ow, oh;
    int64_t disp_w = frame_fit(src, box_w, box_h, fit, &ow, &oh);
    if (fit == SL_FIT_COVER) {
        int cx, cy, cw, ch;
        cover_crop(src->width, src->height, disp_w, ow, oh, &cx, &cy, &cw, &ch);
        if (crop_frame(src, cx, cy, cw, ch) != 0) {
            /* bit-packed source: expand to 8 bits a component, then crop that */
            const AVPixFmtDescriptor *d = av_pix_fmt_desc_get(src->format);
            tmp = av_frame_alloc();
            if (!tmp) {
                snprintf(err, errlen, "out of memory");
                goto out;
            }
            tmp->format = (d && d->nb_components == 1) ? AV_PIX_FMT_GRAY8 : AV_PIX_FMT_RGB24;
            tmp->width = src->width;
            tmp->height = src->height;
            if (av_frame_get_buffer(tmp, 0) < 0) {
                snprintf(err, errlen, "out of memory");
                goto out;
            }
            if (scale_into(&tmp_sc, src, (enum AVPixelFormat)tmp->format, tmp->width, tmp->height,
                           tmp->data[0], tmp->linesize[0], err, errlen) != 0)
                goto out;
            if (crop_frame(tmp, cx, cy, cw, ch) != 0) {
                snprintf(err, errlen, "the picture could not be cropped");
                goto out;
            }
            src = tmp;
        }
    }

    if (!out->pixels || out->w != ow || out->h != oh) {
        free(out->pixels);
        out->pixels = alloc_pixels(ow, oh);
        if (!out->pixels) {
            snprintf(err, errlen, "out of memory for a %dx%d picture", ow, oh);
            goto out;
        }
    }
    out->w = ow;
    out->h = oh;
    out->pitch = out_pitch(ow);
    if (scale_into(sc, src, DEC_OUT_FMT, ow, oh, out->pixels, out->pitch, err, errlen) != 0)
        goto out;
    rc = 0;
out:
    scaler_free(&tmp_sc);
    av_frame_free(&tmp);
    return rc;
}

/* ----------------------------------------------------------- pictures */

/* Turns an ARGB8888 picture the way its file says it is to be viewed (EXIF
 * Orientation 2-8) into a new buffer; 1 leaves it. For 5-8 the sides swap. */
static int orient_frame(sl_frame *f, int orientation, char *err, size_t errlen)
{
    if (orientation <= 1 || orientation > 8)
        return 0;
    bool swap = sl_picture_orientation_swaps(orientation);
    int sw = f->w, sh = f->h;
    int dw = swap ? sh : sw, dh = swap ? sw : sh;
    uint8_t *px = alloc_pixels(dw, dh);
    if (!px) {
        snprintf(err, errlen, "out of memory for a %dx%d picture", dw, dh);
        return -1;
    }
    int pitch = out_pitch(dw);
    for (int y = 0; y < dh; y++) {
        uint32_t *row = (uint32_t *)(void *)(px + (size_t)y * pitch);
        for (int x = 0; x < dw; x++) {
            int sx, sy;
            sl_picture_oriented_source(orientation, sw, sh, x, y, &sx, &sy);
            row[x] = *(const uint32_t *)(const void *)(f->pixels + (size_t)sy * f->pitch +
                                                       (size_t)sx * 4);
        }
    }
    free(f->pixels);
    f->pixels = px;
    f->w = dw;
    f->h = dh;
    f->pitch = pitch;
    return 0;
}

/* Decodes the picture at path the one way content/picture.c does (the
 * limits, the cut-short checks, the orientation), then scales it for the
 * box (and for cover crops the centre of the source) straight to the output
 * size, turned the way the file says it is to be viewed, and frees the
 * full-size frame. A quarter-turned picture is scaled for the box with its
 * sides swapped, then turned. On failure *out is cleared. Returns 0 or -1
 * with err. */
int sl_decode_image(const char *path, int box_w, int box_h, sl_fit fit, sl_frame *out, char *err,
                    size_t errlen)
{
    AVFrame *frame = NULL;
    int orientation = 1;
    int rc = -1;
    if (!out) {
        snprintf(err, errlen, "no output frame given");
        return -1;
    }
    memset(out, 0, sizeof *out);
    if (sl_picture_decode(path, &frame, &orientation, err, errlen) == 0)
        rc = sl_decode_image_frame(frame, orientation, path, box_w, box_h, fit, out, err, errlen);
    av_frame_free(&frame); /* the full-size picture goes at once */
    return rc;
}

int sl_decode_image_frame(AVFrame *frame, int orientation, const char *path, int box_w, int box_h,
                          sl_fit fit, sl_frame *out, char *err, size_t errlen)
{
    int rc = -1;
    dec_scaler sc = {0};
    char why[160];

    if (!out || !frame) {
        snprintf(err, errlen, "no frame given");
        return -1;
    }
    memset(out, 0, sizeof *out);
    bool swap = sl_picture_orientation_swaps(orientation);
    if (convert_frame(&sc, frame, swap ? box_h : box_w, swap ? box_w : box_h, fit, out, why,
                      sizeof why) != 0 ||
        orient_frame(out, orientation, why, sizeof why) != 0) {
        snprintf(err, errlen, "%s: %s", path, why);
        goto out;
    }
    out->pts_ms = 0;
    out->index = 0;
    rc = 0;
out:
    if (rc != 0)
        sl_frame_free(out);
    scaler_free(&sc);
    return rc;
}


/* --------------------------------------------------------------- video */

/* A decoded frame waiting in the queue: the decoder's own picture (a
 * reference, nothing converted yet) and its times. */
typedef struct {
    AVFrame *av;
    int64_t pts_ns, pts_ms, index;
} dec_queued;

/* Video state. The decode thread owns fmt, dec, pkt, frame and the timing
 * fields; the caller of sl_video_frame_get owns cur_av, current and sc;
 * everything under "shared" is guarded by mu. */
struct sl_video {
    /* set before the thread starts, then read-only */
    char *path;
    sl_video_opts opts;
    int stream;
    int64_t duration_ms;
    int64_t start_ts; /* stream start in its time base, AV_NOPTS_VALUE when unknown */
    AVRational tb;
    int64_t frame_ms; /* nominal frame duration, for frames without timestamps */
    char decoder_name[64];
    int threads; /* the decoder's threads */

    /* decode thread */
    AVFormatContext *fmt;
    AVCodecContext *dec;
    AVPacket *pkt;
    AVFrame *frame;
    int64_t next_index;
    int64_t last_pts_ns, last_pts_ms;
    int bad_packets; /* consecutive decode errors */

    atomic_bool stop; /* also read by FFmpeg's interrupt callback */
    pthread_t thread;
    bool thread_started;

    /* the caller's: the frame last returned, converted only when shown */
    AVFrame *cur_av;    /* the decoder's picture of the current frame */
    sl_frame current;   /* what sl_video_frame_get returned; pixels owned (ARGB) */
    int64_t made_index; /* the frame `current` was made from, -1 = none */
    bool made_yuv;      /* ... and whether it was asked for in YUV */
    dec_scaler sc;
    int64_t conversions;

    /* shared */
    pthread_mutex_t mu;
    pthread_cond_t space;  /* the queue has room, or stop */
    pthread_cond_t filled; /* a frame was queued, or the decoder finished */
    bool sync_ready;       /* mu and the condvars were initialised */
    dec_queued *queue;     /* ring of cap frames */
    int cap, head, count;
    int queued_max; /* the most frames count held */
    bool have_current;
    bool finished; /* the decoder will queue nothing more */
    bool failed;   /* error holds a message; never changes once set */
    char error[256];
};

/* FFmpeg's interrupt callback: non-zero aborts blocking I/O on close. */
static int video_interrupt(void *opaque)
{
    sl_video *v = opaque;
    return atomic_load(&v->stop) ? 1 : 0;
}

/* Records the first fatal error (later ones are dropped). Takes mu. */
static void video_fail(sl_video *v, const char *fmt_msg, int averr)
{
    char e[AV_ERROR_MAX_STRING_SIZE];
    pthread_mutex_lock(&v->mu);
    if (!v->failed) {
        if (averr) {
            av_strerror(averr, e, sizeof e);
            snprintf(v->error, sizeof v->error, "%s: %s (%s)", v->path, fmt_msg, e);
        } else {
            snprintf(v->error, sizeof v->error, "%s: %s", v->path, fmt_msg);
        }
        v->failed = true;
    }
    pthread_mutex_unlock(&v->mu);
}

/* Queues a frame, waiting while the queue is full. Returns false (and
 * frees the frame) when the video is being closed. */
static bool video_push(sl_video *v, dec_queued *q)
{
    pthread_mutex_lock(&v->mu);
    while (v->count == v->cap && !atomic_load(&v->stop))
        pthread_cond_wait(&v->space, &v->mu);
    if (atomic_load(&v->stop)) {
        pthread_mutex_unlock(&v->mu);
        av_frame_free(&q->av);
        return false;
    }
    v->queue[(v->head + v->count) % v->cap] = *q;
    v->count++;
    if (v->count > v->queued_max)
        v->queued_max = v->count;
    pthread_cond_broadcast(&v->filled);
    pthread_mutex_unlock(&v->mu);
    return true;
}

/* Queues the decoded frame in v->frame as it is (converting waits until it
 * is shown). Returns false when the thread should stop (closing, or a fatal
 * error recorded). */
static bool video_emit(sl_video *v)
{
    AVFrame *fr = v->frame;
    if ((fr->flags & AV_FRAME_FLAG_CORRUPT) && v->next_index > 0) {
        /* damaged frame after good ones: skip it, the last good one stays up */
        av_frame_unref(fr);
        return true;
    }
    int64_t ts = fr->best_effort_timestamp;
    int64_t pts_ns, pts_ms;
    if (ts == AV_NOPTS_VALUE) {
        pts_ns = v->next_index == 0 ? 0 : v->last_pts_ns + v->frame_ms * 1000000;
        pts_ms = (pts_ns + 500000) / 1000000;
    } else {
        /* Due half a time-base unit before its stamp, rounded down: stamps
         * are rounded to their unit (a Matroska frame at 2/30 s says 67 ms),
         * and a 30 Hz display reaches 2/30 s at its second refresh exactly. */
        int64_t base = v->start_ts != AV_NOPTS_VALUE ? v->start_ts : 0;
        pts_ns = av_rescale_q_rnd(2 * (ts - base) - 1, (AVRational){v->tb.num, 2 * v->tb.den},
                                  (AVRational){1, 1000000000}, AV_ROUND_DOWN | AV_ROUND_PASS_MINMAX);
        pts_ms = av_rescale_q(ts - base, v->tb, (AVRational){1, 1000});
    }
    if (v->next_index > 0 && pts_ns < v->last_pts_ns) {
        pts_ns = v->last_pts_ns; /* keep the queue in time order */
        pts_ms = v->last_pts_ms;
    }
    dec_queued q = {.av = av_frame_alloc(), .pts_ns = pts_ns, .pts_ms = pts_ms};
    if (!q.av) {
        av_frame_unref(fr);
        video_fail(v, "out of memory", 0);
        return false;
    }
    av_frame_move_ref(q.av, fr);
    q.index = v->next_index++;
    v->last_pts_ns = pts_ns;
    v->last_pts_ms = pts_ms;
    return video_push(v, &q);
}

/* Takes every frame the decoder has ready. Returns false when the thread
 * should stop; *drained is set at the decoder's end of stream. */
static bool video_receive(sl_video *v, bool *drained)
{
    for (;;) {
        if (atomic_load(&v->stop))
            return false;
        int r = avcodec_receive_frame(v->dec, v->frame);
        if (r == AVERROR(EAGAIN))
            return true;
        if (r == AVERROR_EOF) {
            *drained = true;
            return true;
        }
        if (r < 0) {
            if (r == AVERROR_INVALIDDATA && ++v->bad_packets < DEC_MAX_BAD_PACKETS)
                continue; /* damaged data: skip what FFmpeg skips */
            video_fail(v, "the video cannot be decoded", r);
            return false;
        }
        v->bad_packets = 0;
        if (!video_emit(v))
            return false;
    }
}

/* The decode thread: read, decode, convert, queue, until the end, an
 * error or stop. Packets of other streams (the sound track) are dropped. */
static void *video_thread(void *arg)
{
    sl_video *v = arg;
    bool drained = false;
    int r;

    while (!drained && !atomic_load(&v->stop)) {
        r = av_read_frame(v->fmt, v->pkt);
        if (r == AVERROR(EAGAIN))
            continue;
        if (r < 0) {
            if (r != AVERROR_EOF && !atomic_load(&v->stop))
                video_fail(v, "the video cannot be read to its end", r);
            /* drain what the decoder holds, then stop */
            avcodec_send_packet(v->dec, NULL);
            while (!drained && video_receive(v, &drained)) {
            }
            break;
        }
        if (v->pkt->stream_index != v->stream) {
            /* The sound track is player/audio.c's: it reads the file on its own. */
            av_packet_unref(v->pkt);
            continue;
        }
        bool go = true;
        for (;;) {
            r = avcodec_send_packet(v->dec, v->pkt);
            if (r != AVERROR(EAGAIN))
                break;
            /* the decoder wants its output taken first */
            go = video_receive(v, &drained);
            if (!go || drained)
                break;
        }
        av_packet_unref(v->pkt);
        if (!go || drained)
            break;
        if (r < 0) {
            if (r == AVERROR_INVALIDDATA && ++v->bad_packets < DEC_MAX_BAD_PACKETS) {
                /* a damaged packet: skip it */
            } else {
                video_fail(v, "the video cannot be decoded", r);
                break;
            }
        }
        if (!video_receive(v, &drained))
            break;
    }

    /* The decoder's threads, reference frames and buffers go now, not when
     * the clip is closed: the frames queued hold their own references, and
     * the next clip may open meanwhile (its memory and this one's never add up). */
    avcodec_free_context(&v->dec);
    pthread_mutex_lock(&v->mu);
    if (v->next_index == 0 && !v->failed && !atomic_load(&v->stop)) {
        snprintf(v->error, sizeof v->error, "%s: no video frame could be decoded", v->path);
        v->failed = true;
    }
    v->finished = true;
    pthread_cond_broadcast(&v->filled);
    pthread_mutex_unlock(&v->mu);
    return NULL;
}

/* Decoder threads for a clip's pixel rate (see decode.h). */
int sl_video_threads_for(int w, int h, double fps, int cpus)
{
    double rate = (double)(w > 0 ? w : 1) * (h > 0 ? h : 1) * (fps > 0 && fps < 1000 ? fps : 30);
    double per = (double)SL_DECODE_PIXELS_PER_THREAD;
    int n = 1;
    while (n < cpus && n < 64 && rate > per * n)
        n++;
    return n;
}

/* The name FFmpeg gives the V4L2 mem2mem decoder of a codec ("h264" →
 * "h264_v4l2m2m"); out is "" when there is none to try. */
static void hw_decoder_name(enum AVCodecID id, char *out, size_t len)
{
    const char *base = avcodec_get_name(id);
    if (id == AV_CODEC_ID_MPEG1VIDEO)
        base = "mpeg1";
    else if (id == AV_CODEC_ID_MPEG2VIDEO)
        base = "mpeg2";
    if (!base || strcmp(base, "unknown_codec") == 0)
        out[0] = '\0';
    else
        snprintf(out, len, "%s_v4l2m2m", base);
}

/* Opens the video at path and starts its decode thread (see decode.h).
 * Runs avformat_find_stream_info, so it reads the start of the file: call
 * it from a loader thread, never the render loop. Refuses videos whose
 * frames exceed the picture limits. With opts->try_hw the V4L2 mem2mem
 * decoder is opened first; when FFmpeg lacks it or it cannot be opened (no
 * device) the software decoder is used. A hardware decoder that opens but
 * then fails mid-stream ends the stream with an error (no fallback then).
 * Frame timestamps are made relative to the stream's start_time (or to
 * the first frame's when the stream has none). Returns once the first
 * frame is decoded (or the decoder stopped). Returns NULL with err. */
sl_video *sl_video_open(const char *path, const sl_video_opts *opts, char *err, size_t errlen)
{
    sl_video *v = NULL;
    bool ok = false;
    int r;
    char averr[AV_ERROR_MAX_STRING_SIZE];

    if (!path || !path[0] || !opts) {
        snprintf(err, errlen, "no video file given");
        return NULL;
    }
    v = calloc(1, sizeof *v);
    if (!v)
        goto oom;
    atomic_init(&v->stop, false);
    v->opts = *opts;
    v->cap = opts->queue_frames > 0 ? opts->queue_frames : DEC_QUEUE_DEFAULT;
    if (v->cap > DEC_QUEUE_MAX)
        v->cap = DEC_QUEUE_MAX;
    v->path = strdup(path);
    v->queue = calloc((size_t)v->cap, sizeof *v->queue);
    v->pkt = av_packet_alloc();
    v->frame = av_frame_alloc();
    if (!v->path || !v->queue || !v->pkt || !v->frame)
        goto oom;
    if (pthread_mutex_init(&v->mu, NULL) != 0)
        goto oom;
    if (pthread_cond_init(&v->space, NULL) != 0) {
        pthread_mutex_destroy(&v->mu);
        goto oom;
    }
    if (pthread_cond_init(&v->filled, NULL) != 0) {
        pthread_cond_destroy(&v->space);
        pthread_mutex_destroy(&v->mu);
        goto oom;
    }
    v->sync_ready = true;
    v->sc.video = true;
    v->made_index = -1;

    v->fmt = sl_media_open_input(path, NULL, true, video_interrupt, v, err, errlen);
    if (!v->fmt)
        goto out;
    v->stream = sl_media_video_stream(v->fmt);
    if (v->stream < 0) {
        snprintf(err, errlen, "%s: has no video stream", path);
        goto out;
    }
    AVStream *st = v->fmt->streams[v->stream];
    if (st->codecpar->width > 0 && st->codecpar->height > 0 &&
        sl_media_check_size(path, st->codecpar->width, st->codecpar->height, err, errlen) != 0)
        goto out;
    v->tb = st->time_base;
    v->start_ts = st->start_time;
    AVRational fr = st->avg_frame_rate.num > 0 && st->avg_frame_rate.den > 0 ? st->avg_frame_rate
                                                                              : st->r_frame_rate;
    v->frame_ms = (fr.num > 0 && fr.den > 0) ? av_rescale(1000, fr.den, fr.num) : 0;
    if (v->frame_ms <= 0)
        v->frame_ms = DEC_DEFAULT_FRAME_MS;
    v->duration_ms = -1;
    if (v->fmt->duration != AV_NOPTS_VALUE && v->fmt->duration > 0)
        v->duration_ms = av_rescale(v->fmt->duration, 1000, AV_TIME_BASE);
    else if (st->duration != AV_NOPTS_VALUE && st->duration > 0 && st->time_base.den > 0)
        v->duration_ms = av_rescale_q(st->duration, st->time_base, (AVRational){1, 1000});

    if (opts->try_hw) {
        char name[64];
        hw_decoder_name(st->codecpar->codec_id, name, sizeof name);
        const AVCodec *hw = name[0] ? avcodec_find_decoder_by_name(name) : NULL;
        if (hw) {
            r = 0;
            v->dec = sl_media_open_decoder(hw, st, 1, &r); /* fails without the V4L2 device */
        }
    }
    if (!v->dec) {
        const AVCodec *sw = avcodec_find_decoder(st->codecpar->codec_id);
        if (!sw) {
            snprintf(err, errlen, "%s: no decoder for %s video", path,
                     avcodec_get_name(st->codecpar->codec_id));
            goto out;
        }
        r = 0;
        double fps = fr.num > 0 && fr.den > 0 ? av_q2d(fr) : 0;
        int threads = opts->threads > 0 ? opts->threads
                                        : sl_video_threads_for(st->codecpar->width,
                                                               st->codecpar->height, fps,
                                                               av_cpu_count());
        v->dec = sl_media_open_decoder(sw, st, threads, &r);
        if (!v->dec) {
            av_strerror(r, averr, sizeof averr);
            snprintf(err, errlen, "%s: the %s decoder cannot be opened (%s)", path, sw->name,
                     averr);
            goto out;
        }
    }
    snprintf(v->decoder_name, sizeof v->decoder_name, "%s", v->dec->codec->name);
    v->threads = v->dec->thread_count > 0 ? v->dec->thread_count : 1;

    if (pthread_create(&v->thread, NULL, video_thread, v) != 0) {
        snprintf(err, errlen, "%s: cannot start the decode thread", path);
        goto out;
    }
    v->thread_started = true;
    /* Ready means the first frame is decoded: a decoder's start-up latency
     * (frame threads hold a few frames back) must not hold back the first
     * refreshes of a clip on the real clock, nor make it skip frames then. */
    pthread_mutex_lock(&v->mu);
    while (v->count == 0 && !v->finished)
        pthread_cond_wait(&v->filled, &v->mu);
    pthread_mutex_unlock(&v->mu);
    ok = true;
    goto out;
oom:
    snprintf(err, errlen, "%s: out of memory", path ? path : "video");
out:
    if (!ok) {
        sl_video_close(v);
        v = NULL;
    }
    return v;
}

/* The YUV form SDL takes for a decoded frame: IYUV or NV12 with a matrix
 * SDL knows; false for anything else (10-bit, 4:2:2, BT.2020, full-range
 * BT.709, hardware frames), which goes through ARGB. */
static bool yuv_form(const AVFrame *f, bool video, sl_frame_format *fmt, sl_yuv_mode *mode)
{
    bool full = f->color_range == AVCOL_RANGE_JPEG;
    enum AVPixelFormat pf = plain_format((enum AVPixelFormat)f->format, &full);
    if (pf == AV_PIX_FMT_YUV420P)
        *fmt = SL_FRAME_IYUV;
    else if (pf == AV_PIX_FMT_NV12)
        *fmt = SL_FRAME_NV12;
    else
        return false;
    int cs = frame_colorspace(f, video);
    if (cs == SWS_CS_ITU601 && full)
        *mode = SL_YUV_JPEG;
    else if (cs == SWS_CS_ITU601 && !full)
        *mode = SL_YUV_BT601;
    else if (cs == SWS_CS_ITU709 && !full)
        *mode = SL_YUV_BT709;
    else
        return false;
    return true;
}

/* Makes v->current from v->cur_av: its planes as they are (yuv, when SDL
 * takes the form), else converted to ARGB for the box. 0, or -1 with the
 * error recorded. cur_av may be cropped (cover). */
static int video_make_current(sl_video *v, bool yuv)
{
    AVFrame *src = v->cur_av;
    sl_frame *out = &v->current;
    char why[160];
    sl_frame_format fmt;
    sl_yuv_mode mode;
    if (yuv && yuv_form(src, true, &fmt, &mode)) {
        int ow, oh;
        int64_t disp_w = frame_fit(src, v->opts.box_w, v->opts.box_h, v->opts.fit, &ow, &oh);
        if (v->opts.fit == SL_FIT_COVER) {
            int cx, cy, cw, ch;
            cover_crop(src->width, src->height, disp_w, ow, oh, &cx, &cy, &cw, &ch);
            if (crop_frame(src, cx, cy, cw, ch) != 0)
                goto argb;
        }
        free(out->pixels); /* an ARGB buffer from before: its size is no longer in w, h */
        out->pixels = NULL;
        out->pitch = 0;
        out->format = fmt;
        out->yuv_mode = mode;
        out->w = src->width & ~1; /* whole chroma samples */
        out->h = src->height & ~1;
        out->draw_w = ow;
        out->draw_h = oh;
        for (int i = 0; i < 3; i++) {
            out->plane[i] = src->data[i];
            out->plane_pitch[i] = src->linesize[i];
        }
        return 0;
    }
argb:
    out->format = SL_FRAME_ARGB;
    memset(out->plane, 0, sizeof out->plane);
    memset(out->plane_pitch, 0, sizeof out->plane_pitch);
    if (convert_frame(&v->sc, src, v->opts.box_w, v->opts.box_h, v->opts.fit, out, why, sizeof why) !=
        0) {
        video_fail(v, why, 0);
        return -1;
    }
    out->draw_w = out->w;
    out->draw_h = out->h;
    v->conversions++;
    return 0;
}

/* The frame due at t_ms or t_ns (see decode.h). Frames are taken from the queue
 * in order: every queued frame with pts <= t replaces the current one
 * (so a frame whose successor is also due is skipped, never converted), and
 * the first frame ever is taken even when its pts is later than t so that a
 * video never starts black. blocking=true then waits until the queue holds a
 * frame later than t or the decoder has finished, so the result is exactly
 * the frame due at t; blocking=false returns at once. After the last
 * frame the last one stays current. Must be called from one thread. */
const sl_frame *sl_video_frame_get(sl_video *v, int64_t t_ns, bool blocking, bool yuv)
{
    if (!v)
        return NULL;
    pthread_mutex_lock(&v->mu);
    for (;;) {
        bool took = false;
        while (v->count > 0 && (!v->have_current || v->queue[v->head].pts_ns <= t_ns)) {
            dec_queued *q = &v->queue[v->head];
            av_frame_free(&v->cur_av);
            v->cur_av = q->av;
            v->current.pts_ns = q->pts_ns;
            v->current.pts_ms = q->pts_ms;
            v->current.index = q->index;
            memset(q, 0, sizeof *q);
            v->head = (v->head + 1) % v->cap;
            v->count--;
            v->have_current = true;
            took = true;
        }
        if (took)
            pthread_cond_broadcast(&v->space);
        if (!blocking || v->count > 0 || v->finished)
            break;
        pthread_cond_wait(&v->filled, &v->mu);
    }
    bool have = v->have_current;
    pthread_mutex_unlock(&v->mu);
    if (!have)
        return NULL;
    /* Only now, for the one frame shown, anything is converted. */
    if (v->made_index != v->current.index || v->made_yuv != yuv) {
        if (v->made_yuv != yuv && v->made_index == v->current.index)
            return &v->current; /* the picture was cropped for it already: keep what was made */
        if (video_make_current(v, yuv) != 0)
            return v->made_index >= 0 ? &v->current : NULL;
        v->made_index = v->current.index;
        v->made_yuv = yuv;
    }
    return &v->current;
}

const sl_frame *sl_video_frame_at(sl_video *v, int64_t t_ms, bool blocking)
{
    /* A frame is due at the millisecond its time rounds to. */
    return sl_video_frame_get(v, t_ms * 1000000 + 499999, blocking, false);
}

const sl_frame *sl_video_frame_at_ns(sl_video *v, int64_t t_ns, bool blocking)
{
    return sl_video_frame_get(v, t_ns, blocking, false);
}

int64_t sl_video_conversions(const sl_video *v)
{
    return v ? v->conversions : 0;
}

/* True once the decoder has finished (end of file or error) and every
 * frame it queued has been taken by sl_video_frame_at. NULL: true. */
bool sl_video_ended(const sl_video *v)
{
    if (!v)
        return true;
    sl_video *m = (sl_video *)v; /* locking mutates only the mutex */
    pthread_mutex_lock(&m->mu);
    bool ended = m->finished && m->count == 0;
    pthread_mutex_unlock(&m->mu);
    return ended;
}

bool sl_video_decoding(const sl_video *v)
{
    if (!v)
        return false;
    sl_video *m = (sl_video *)v; /* locking mutates only the mutex */
    pthread_mutex_lock(&m->mu);
    bool decoding = !m->finished;
    pthread_mutex_unlock(&m->mu);
    return decoding;
}

/* The first fatal error, or NULL. The text never changes once set, so the
 * pointer stays valid until sl_video_close. */
const char *sl_video_error(const sl_video *v)
{
    if (!v)
        return NULL;
    sl_video *m = (sl_video *)v;
    pthread_mutex_lock(&m->mu);
    const char *e = m->failed ? m->error : NULL;
    pthread_mutex_unlock(&m->mu);
    return e;
}

/* The container's duration in ms, -1 when unknown or v is NULL. */
int64_t sl_video_duration_ms(const sl_video *v)
{
    return v ? v->duration_ms : -1;
}

/* The decoder in use ("h264", "h264_v4l2m2m" …); "" for NULL. */
const char *sl_video_decoder_name(const sl_video *v)
{
    return v ? v->decoder_name : "";
}

int sl_video_threads(const sl_video *v)
{
    return v ? v->threads : 0;
}

int sl_video_queued_max(const sl_video *v)
{
    if (!v)
        return 0;
    sl_video *m = (sl_video *)v; /* locking mutates only the mutex */
    pthread_mutex_lock(&m->mu);
    int n = m->queued_max;
    pthread_mutex_unlock(&m->mu);
    return n;
}

/* Stops the decode thread (waking it if it waits for room, aborting
 * FFmpeg I/O through the interrupt callback), joins it and frees all.
 * Accepts NULL and half-opened videos. */
void sl_video_close(sl_video *v)
{
    if (!v)
        return;
    if (v->thread_started) {
        pthread_mutex_lock(&v->mu);
        atomic_store(&v->stop, true);
        pthread_cond_broadcast(&v->space);
        pthread_cond_broadcast(&v->filled);
        pthread_mutex_unlock(&v->mu);
        pthread_join(v->thread, NULL);
    }
    if (v->queue) {
        for (int i = 0; i < v->cap; i++)
            av_frame_free(&v->queue[i].av);
        free(v->queue);
    }
    av_frame_free(&v->cur_av);
    sl_frame_free(&v->current);
    scaler_free(&v->sc);
    av_frame_free(&v->frame);
    av_packet_free(&v->pkt);
    avcodec_free_context(&v->dec);
    avformat_close_input(&v->fmt);
    if (v->sync_ready) {
        pthread_cond_destroy(&v->filled);
        pthread_cond_destroy(&v->space);
        pthread_mutex_destroy(&v->mu);
    }
    free(v->path);
    free(v);
}
