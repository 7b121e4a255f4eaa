/* hub_thumb.c — a screenshot's thumbnail: decode with libavcodec, scale with libswscale, encode as PNG. */
#include "tools/hub/service/hub_thumb.h"

#include "content/picture.h"

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/frame.h>
#include <libavutil/log.h>
#include <libswscale/swscale.h>

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Decodes one picture of codec id from data into frame. */
static int thumb_decode(enum AVCodecID id, const void *data, size_t len, AVFrame *frame, char *err, size_t errlen)
{
    int rc = -1, r;
    const AVCodec *dec = avcodec_find_decoder(id);
    AVCodecContext *dc = dec ? avcodec_alloc_context3(dec) : NULL;
    AVPacket *pkt = av_packet_alloc();
    if (!dc || !pkt || len > INT_MAX - AV_INPUT_BUFFER_PADDING_SIZE || av_new_packet(pkt, (int)len) < 0) {
        snprintf(err, errlen, "the picture decoder could not start (out of memory?)");
        goto out;
    }
    memcpy(pkt->data, data, len);
    dc->max_pixels = SL_THUMB_MAX_PIXELS;
    dc->thread_count = 1;
    if (avcodec_open2(dc, dec, NULL) < 0) {
        snprintf(err, errlen, "the picture decoder could not start");
        goto out;
    }
    r = avcodec_send_packet(dc, pkt);
    if (r >= 0)
        r = avcodec_send_packet(dc, NULL);
    if (r >= 0 || r == AVERROR_EOF)
        r = avcodec_receive_frame(dc, frame);
    if (r < 0 || frame->width <= 0 || frame->height <= 0) {
        char why[AV_ERROR_MAX_STRING_SIZE] = "no picture";
        if (r < 0)
            av_strerror(r, why, sizeof why);
        snprintf(err, errlen, "the screenshot could not be decoded: %s", why);
        goto out;
    }
    rc = 0;
out:
    av_packet_free(&pkt);
    avcodec_free_context(&dc);
    return rc;
}

/* Encodes an RGB24 frame as a PNG file into *png. */
static int thumb_encode(const AVFrame *rgb, uint8_t **png, size_t *png_len, char *err, size_t errlen)
{
    int rc = -1;
    const AVCodec *enc = avcodec_find_encoder(AV_CODEC_ID_PNG);
    AVCodecContext *ec = enc ? avcodec_alloc_context3(enc) : NULL;
    AVPacket *pkt = av_packet_alloc();
    if (!ec || !pkt) {
        snprintf(err, errlen, "the PNG encoder could not start (out of memory?)");
        goto out;
    }
    ec->width = rgb->width;
    ec->height = rgb->height;
    ec->pix_fmt = AV_PIX_FMT_RGB24;
    ec->time_base = (AVRational){1, 1};
    if (avcodec_open2(ec, enc, NULL) < 0 || avcodec_send_frame(ec, rgb) < 0 || avcodec_receive_packet(ec, pkt) < 0 ||
        pkt->size <= 0) {
        snprintf(err, errlen, "the thumbnail could not be encoded as PNG");
        goto out;
    }
    *png = malloc((size_t)pkt->size);
    if (!*png) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    memcpy(*png, pkt->data, (size_t)pkt->size);
    *png_len = (size_t)pkt->size;
    rc = 0;
out:
    av_packet_free(&pkt);
    avcodec_free_context(&ec);
    return rc;
}

/* An RGB24 frame turned the way EXIF orientation 2-8 says into a new frame (NULL when out of memory). */
static AVFrame *thumb_orient(const AVFrame *src, int orientation)
{
    bool swap = sl_picture_orientation_swaps(orientation);
    AVFrame *dst = av_frame_alloc();
    if (!dst)
        return NULL;
    dst->width = swap ? src->height : src->width;
    dst->height = swap ? src->width : src->height;
    dst->format = AV_PIX_FMT_RGB24;
    if (av_frame_get_buffer(dst, 0) < 0) {
        av_frame_free(&dst);
        return NULL;
    }
    for (int y = 0; y < dst->height; y++) {
        uint8_t *row = dst->data[0] + (size_t)y * (size_t)dst->linesize[0];
        for (int x = 0; x < dst->width; x++) {
            int sx, sy;
            sl_picture_oriented_source(orientation, src->width, src->height, x, y, &sx, &sy);
            memcpy(row + (size_t)x * 3, src->data[0] + (size_t)sy * (size_t)src->linesize[0] + (size_t)sx * 3, 3);
        }
    }
    return dst;
}

/* Scales a decoded frame so that, turned as EXIF orientation (1-8; 1 as
 * stored) says, it is at most width pixels wide; turns it and encodes it as PNG. */
static int thumb_frame(const AVFrame *src, int orientation, int width, uint8_t **png, size_t *png_len, char *err,
                       size_t errlen)
{
    int rc = -1;
    AVFrame *dst = av_frame_alloc(), *turned = NULL;
    struct SwsContext *sws = NULL;
    if (!dst) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    bool turn = orientation >= 2 && orientation <= 8, swap = sl_picture_orientation_swaps(orientation);
    int shown_w = swap ? src->height : src->width, shown_h = swap ? src->width : src->height;
    int w = shown_w < width ? shown_w : width;
    int64_t h64 = ((int64_t)shown_h * w + shown_w / 2) / shown_w;
    int h = h64 < 1 ? 1 : (int)h64;
    dst->width = swap ? h : w;
    dst->height = swap ? w : h;
    dst->format = AV_PIX_FMT_RGB24;
    sws = sws_getContext(src->width, src->height, (enum AVPixelFormat)src->format, dst->width, dst->height,
                         AV_PIX_FMT_RGB24, SWS_AREA, NULL, NULL, NULL);
    if (!sws || av_frame_get_buffer(dst, 0) < 0) {
        snprintf(err, errlen, "the screenshot could not be scaled (pixel format %d)", src->format);
        goto out;
    }
    if (sws_scale(sws, (const uint8_t *const *)src->data, src->linesize, 0, src->height, dst->data,
                  dst->linesize) != dst->height) {
        snprintf(err, errlen, "the screenshot could not be scaled");
        goto out;
    }
    if (turn && !(turned = thumb_orient(dst, orientation))) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    rc = thumb_encode(turned ? turned : dst, png, png_len, err, errlen);
out:
    sws_freeContext(sws);
    av_frame_free(&turned);
    av_frame_free(&dst);
    return rc;
}

int sl_thumb_png(const void *data, size_t len, int width, uint8_t **png, size_t *png_len, char *err, size_t errlen)
{
    static const unsigned char png_magic[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    int rc = -1;
    AVFrame *src = av_frame_alloc();
    if (!png || !png_len)
        goto out;
    *png = NULL;
    *png_len = 0;
    if (!data || width <= 0) {
        snprintf(err, errlen, "no picture");
        goto out;
    }
    if (!src) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    av_log_set_level(AV_LOG_ERROR);
    bool is_png = len >= 8 && memcmp(data, png_magic, 8) == 0;
    if (thumb_decode(is_png ? AV_CODEC_ID_PNG : AV_CODEC_ID_MJPEG, data, len, src, err, errlen) != 0)
        goto out;
    rc = thumb_frame(src, 1, width, png, png_len, err, errlen);
out:
    av_frame_free(&src);
    return rc;
}

/* The first picture of a file's video stream into frame. */
static int first_frame(const char *path, AVFrame *frame, char *err, size_t errlen)
{
    int rc = -1, r = 0;
    AVFormatContext *fc = NULL;
    AVCodecContext *dc = NULL;
    AVPacket *pkt = av_packet_alloc();
    const AVCodec *dec = NULL;
    if (!pkt || avformat_open_input(&fc, path, NULL, NULL) < 0 || avformat_find_stream_info(fc, NULL) < 0) {
        snprintf(err, errlen, "the file cannot be read as media");
        goto out;
    }
    int si = av_find_best_stream(fc, AVMEDIA_TYPE_VIDEO, -1, -1, &dec, 0);
    if (si < 0 || !dec) {
        snprintf(err, errlen, "the file has no picture (a sound file?)");
        goto out;
    }
    dc = avcodec_alloc_context3(dec);
    if (!dc || avcodec_parameters_to_context(dc, fc->streams[si]->codecpar) < 0) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    dc->max_pixels = SL_THUMB_MAX_PIXELS;
    dc->thread_count = 1;
    if (avcodec_open2(dc, dec, NULL) < 0) {
        snprintf(err, errlen, "the %s decoder could not start", dec->name);
        goto out;
    }
    /* At most a few hundred packets: a first picture comes early in any file screens play. */
    for (int n = 0; n < 600; n++) {
        r = av_read_frame(fc, pkt);
        if (r < 0) {
            avcodec_send_packet(dc, NULL);
        } else if (pkt->stream_index != si) {
            av_packet_unref(pkt);
            continue;
        } else {
            avcodec_send_packet(dc, pkt);
            av_packet_unref(pkt);
        }
        if (avcodec_receive_frame(dc, frame) == 0 && frame->width > 0 && frame->height > 0) {
            rc = 0;
            goto out;
        }
        if (r < 0)
            break;
    }
    snprintf(err, errlen, "no picture could be decoded");
out:
    av_packet_free(&pkt);
    avcodec_free_context(&dc);
    avformat_close_input(&fc);
    return rc;
}

int sl_thumb_file_png(const char *path, int width, uint8_t **png, size_t *png_len, char *err, size_t errlen)
{
    int rc = -1, orientation = 1;
    AVFrame *frame = NULL;
    *png = NULL;
    *png_len = 0;
    av_log_set_level(AV_LOG_ERROR);
    if (sl_picture_decode(path, &frame, &orientation, err, errlen) != 0) {
        av_frame_free(&frame);
        orientation = 1; /* a clip's picture: as decoded */
        frame = av_frame_alloc();
        if (!frame) {
            snprintf(err, errlen, "out of memory");
            return -1;
        }
        if (first_frame(path, frame, err, errlen) != 0)
            goto out;
    }
    rc = thumb_frame(frame, orientation, width, png, png_len, err, errlen);
out:
    av_frame_free(&frame);
    return rc;
}

int sl_thumb_name(const char *file, char *out, size_t outlen)
{
    if (!file || !out)
        return -1;
    int n = snprintf(out, outlen, "%s.thumb.png", file);
    return n < 0 || (size_t)n >= outlen ? -1 : 0;
}
