/* picture.c — picture files decoded with FFmpeg, checked against bombs and cut-short files, with the orientation they are to be viewed in. */
#define _POSIX_C_SOURCE 200809L
#include "content/picture.h"

#include <errno.h>
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/dict.h>
#include <libavutil/display.h>
#include <libavutil/error.h>
#include <libavutil/frame.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PIC_MAX_PACKETS 64 /* packets read looking for a picture's first frame */
#define EXIF_TAG_ORIENTATION 0x0112
#define TIFF_TYPE_SHORT 3

/* ------------------------------------------------------ header parsing */

static uint32_t be32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}
static uint32_t le32(const uint8_t *p)
{
    return ((uint32_t)p[3] << 24) | ((uint32_t)p[2] << 16) | ((uint32_t)p[1] << 8) | p[0];
}
static unsigned be16(const uint8_t *p)
{
    return ((unsigned)p[0] << 8) | p[1];
}
static unsigned le16(const uint8_t *p)
{
    return ((unsigned)p[1] << 8) | p[0];
}
static uint32_t le24(const uint8_t *p)
{
    return ((uint32_t)p[2] << 16) | ((uint32_t)p[1] << 8) | p[0];
}

/* PNG: the IHDR size. Returns whether it was found. */
static bool png_size(const uint8_t *d, size_t n, int64_t *w, int64_t *h)
{
    static const uint8_t sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    if (n < 24 || memcmp(d, sig, 8) != 0 || memcmp(d + 12, "IHDR", 4) != 0)
        return false;
    *w = be32(d + 16);
    *h = be32(d + 20);
    return true;
}

/* PNG: whether the chunks run on to an IEND chunk inside the data. */
static bool png_complete(const uint8_t *d, size_t n)
{
    size_t p = 8;
    while (p + 12 <= n) {
        uint32_t len = be32(d + p);
        if (memcmp(d + p + 4, "IEND", 4) == 0)
            return true;
        if (len > n - p - 12)
            return false;
        p += 12 + (size_t)len;
    }
    return false;
}

/* JPEG: the size in the first SOFn segment before the first scan. */
static bool jpeg_size(const uint8_t *d, size_t n, int64_t *w, int64_t *h)
{
    if (n < 4 || d[0] != 0xff || d[1] != 0xd8)
        return false;
    size_t p = 2;
    while (p + 4 <= n) {
        if (d[p] != 0xff) {
            p++; /* garbage between segments: tolerated, as decoders do */
            continue;
        }
        uint8_t m = d[p + 1];
        if (m == 0xff) { /* fill byte */
            p++;
            continue;
        }
        if (m == 0xd8 || m == 0x01 || (m >= 0xd0 && m <= 0xd7)) {
            p += 2;
            continue;
        }
        if (m == 0xd9 || m == 0xda)
            return false;
        unsigned len = be16(d + p + 2);
        if (len < 2)
            return false;
        if (m >= 0xc0 && m <= 0xcf && m != 0xc4 && m != 0xc8 && m != 0xcc) {
            if (len < 7 || p + 9 > n)
                return false;
            *h = be16(d + p + 5);
            *w = be16(d + p + 7);
            return *w > 0 && *h > 0; /* a height of 0 (DNL) is left to the decoder */
        }
        p += 2 + (size_t)len;
    }
    return false;
}

/* JPEG: whether an end-of-image marker follows the first scan (entropy
 * coded data never holds FF D9, so a cut file has none). */
static bool jpeg_complete(const uint8_t *d, size_t n)
{
    size_t p = 2;
    /* find the first SOS by walking the segments */
    while (p + 4 <= n) {
        if (d[p] != 0xff) {
            p++;
            continue;
        }
        uint8_t m = d[p + 1];
        if (m == 0xff || m == 0xd8 || m == 0x01 || (m >= 0xd0 && m <= 0xd7)) {
            p += m == 0xff ? 1 : 2;
            continue;
        }
        if (m == 0xd9)
            return false;
        if (m == 0xda)
            break;
        p += 2 + (size_t)be16(d + p + 2);
    }
    for (; p + 1 < n; p++) {
        const uint8_t *ff = memchr(d + p, 0xff, n - p - 1);
        if (!ff)
            return false;
        p = (size_t)(ff - d);
        if (d[p + 1] == 0xd9)
            return true;
    }
    return false;
}

/* WebP: the canvas size (extended), or the lossless or lossy frame size. */
static bool webp_size(const uint8_t *d, size_t n, int64_t *w, int64_t *h)
{
    if (n < 30 || memcmp(d, "RIFF", 4) != 0 || memcmp(d + 8, "WEBP", 4) != 0)
        return false;
    if (memcmp(d + 12, "VP8X", 4) == 0) {
        *w = 1 + (int64_t)le24(d + 24);
        *h = 1 + (int64_t)le24(d + 27);
        return true;
    }
    if (memcmp(d + 12, "VP8L", 4) == 0 && d[20] == 0x2f) {
        uint32_t b = le32(d + 21);
        *w = 1 + (int64_t)(b & 0x3fff);
        *h = 1 + (int64_t)((b >> 14) & 0x3fff);
        return true;
    }
    if (memcmp(d + 12, "VP8 ", 4) == 0 && d[23] == 0x9d && d[24] == 0x01 && d[25] == 0x2a) {
        *w = le16(d + 26) & 0x3fff;
        *h = le16(d + 28) & 0x3fff;
        return true;
    }
    return false;
}

/* WebP: whether the RIFF container is all there. */
static bool webp_complete(const uint8_t *d, size_t n)
{
    return n >= 12 && (uint64_t)le32(d + 4) + 8 <= n;
}

/* ---------------------------------------------------------- orientation */

int sl_picture_tiff_orientation(const uint8_t *d, size_t n)
{
    if (!d || n < 8)
        return 0;
    bool le;
    if (d[0] == 'I' && d[1] == 'I' && d[2] == 42 && d[3] == 0)
        le = true;
    else if (d[0] == 'M' && d[1] == 'M' && d[2] == 0 && d[3] == 42)
        le = false;
    else
        return 0;
    uint32_t off = le ? le32(d + 4) : be32(d + 4);
    if (off < 8 || off > n - 2)
        return 0;
    unsigned count = le ? le16(d + off) : be16(d + off);
    for (unsigned i = 0; i < count; i++) {
        size_t e = (size_t)off + 2 + 12 * (size_t)i;
        if (e + 12 > n)
            return 0;
        unsigned tag = le ? le16(d + e) : be16(d + e);
        if (tag != EXIF_TAG_ORIENTATION)
            continue;
        unsigned type = le ? le16(d + e + 2) : be16(d + e + 2);
        unsigned v = le ? le16(d + e + 8) : be16(d + e + 8);
        return (type == TIFF_TYPE_SHORT && v >= 1 && v <= 8) ? (int)v : 0;
    }
    return 0;
}

/* PNG: the orientation in an eXIf chunk, or 0. */
static int png_orientation(const uint8_t *d, size_t n)
{
    size_t p = 8;
    while (p + 12 <= n) {
        uint32_t len = be32(d + p);
        if (len > n - p - 12)
            return 0;
        if (memcmp(d + p + 4, "eXIf", 4) == 0)
            return sl_picture_tiff_orientation(d + p + 8, len);
        if (memcmp(d + p + 4, "IDAT", 4) == 0 || memcmp(d + p + 4, "IEND", 4) == 0)
            return 0; /* eXIf comes before the image data */
        p += 12 + (size_t)len;
    }
    return 0;
}

/* The orientation the file itself states in its first packet where FFmpeg
 * does not report it (PNG eXIf, TIFF), or 0. */
static int packet_orientation(enum AVCodecID id, const AVPacket *pkt)
{
    if (id == AV_CODEC_ID_PNG)
        return png_orientation(pkt->data, (size_t)pkt->size);
    if (id == AV_CODEC_ID_TIFF)
        return sl_picture_tiff_orientation(pkt->data, (size_t)pkt->size);
    return 0;
}

/* The orientation FFmpeg reports for a decoded frame: the EXIF
 * "Orientation" entry of its metadata (JPEG, WebP), else a display matrix
 * that only turns the picture; 0 when neither says anything. */
static int frame_orientation(const AVFrame *f)
{
    const AVDictionaryEntry *e = av_dict_get(f->metadata, "Orientation", NULL, 0);
    if (e && e->value) {
        char *end = NULL;
        long v = strtol(e->value, &end, 10);
        if (end != e->value && v >= 1 && v <= 8)
            return (int)v;
    }
    const AVFrameSideData *sd = av_frame_get_side_data(f, AV_FRAME_DATA_DISPLAYMATRIX);
    if (sd && sd->size >= 9 * sizeof(int32_t)) {
        const int32_t *m = (const int32_t *)sd->data;
        if ((int64_t)m[0] * m[4] - (int64_t)m[1] * m[3] <= 0)
            return 0; /* a mirrored matrix: left alone */
        double deg = av_display_rotation_get(m);
        long r = ((long)(deg < 0 ? deg - 0.5 : deg + 0.5) % 360 + 360) % 360;
        return r == 270 ? 6 : r == 90 ? 8 : r == 180 ? 3 : 1;
    }
    return 0;
}

bool sl_picture_orientation_swaps(int orientation)
{
    return orientation >= 5 && orientation <= 8;
}

/* ---------------------------------------------------------- decoding */

/* Checks the header in the first packet of a PNG, JPEG or WebP file before
 * anything is decoded: its size (against decompression bombs) and whether
 * the data is all there. Other kinds pass. 0, or -1 with err. */
static int check_header(const char *path, enum AVCodecID id, const AVPacket *pkt, char *err, size_t errlen)
{
    int64_t w = 0, h = 0;
    bool known = false, complete = true;
    const uint8_t *d = pkt->data;
    size_t len = (size_t)pkt->size;
    switch (id) {
    case AV_CODEC_ID_PNG:
        known = png_size(d, len, &w, &h);
        complete = png_complete(d, len);
        break;
    case AV_CODEC_ID_MJPEG:
        known = jpeg_size(d, len, &w, &h);
        complete = jpeg_complete(d, len);
        break;
    case AV_CODEC_ID_WEBP:
        known = webp_size(d, len, &w, &h);
        complete = webp_complete(d, len);
        break;
    default: break;
    }
    if (known && sl_media_check_size(path, w, h, err, errlen) != 0)
        return -1;
    if (!complete) {
        snprintf(err, errlen, "%s: is truncated or corrupt (the picture's data ends early)", path);
        return -1;
    }
    return 0;
}

int sl_picture_decode(const char *path, AVFrame **frame_out, int *orientation, char *err,
                      size_t errlen)
{
    int rc = -1;
    AVFormatContext *fmt = NULL;
    AVCodecContext *dec = NULL;
    AVPacket *pkt = NULL;
    AVFrame *frame = NULL;
    char averr[AV_ERROR_MAX_STRING_SIZE];
    bool got = false, checked_header = false, sent_eof = false;
    int from_packet = 0;
    int r;

    if (orientation)
        *orientation = 1;
    if (!frame_out) {
        snprintf(err, errlen, "no output frame given");
        return -1;
    }
    *frame_out = NULL;
    if (!path || !path[0]) {
        snprintf(err, errlen, "no picture file given");
        goto out;
    }
    fmt = sl_media_open_input(path, SL_PICTURE_FORMATS, false, NULL, NULL, err, errlen);
    if (!fmt)
        goto out;
    int si = sl_media_video_stream(fmt);
    if (si < 0) {
        snprintf(err, errlen, "%s: is not a picture", path);
        goto out;
    }
    AVStream *st = fmt->streams[si];
    if (st->codecpar->width > 0 && st->codecpar->height > 0) {
        if (sl_media_check_size(path, st->codecpar->width, st->codecpar->height, err, errlen) != 0)
            goto out;
    }
    const AVCodec *codec = avcodec_find_decoder(st->codecpar->codec_id);
    if (!codec) {
        snprintf(err, errlen, "%s: no decoder for %s pictures", path,
                 avcodec_get_name(st->codecpar->codec_id));
        goto out;
    }
    pkt = av_packet_alloc();
    frame = av_frame_alloc();
    if (!pkt || !frame) {
        snprintf(err, errlen, "%s: out of memory", path);
        goto out;
    }
    for (int n = 0; !got && n < PIC_MAX_PACKETS;) {
        if (dec) {
            r = avcodec_receive_frame(dec, frame);
            if (r == 0) {
                got = true;
                break;
            }
            if (r == AVERROR_EOF)
                break;
            if (r != AVERROR(EAGAIN)) {
                av_strerror(r, averr, sizeof averr);
                snprintf(err, errlen, "%s: cannot be decoded (%s)", path, averr);
                goto out;
            }
        }
        if (sent_eof)
            break;
        r = av_read_frame(fmt, pkt);
        if (r == AVERROR_EOF && dec) {
            avcodec_send_packet(dec, NULL);
            sent_eof = true;
            continue;
        }
        if (r < 0) {
            av_strerror(r, averr, sizeof averr);
            snprintf(err, errlen, "%s: cannot be read (%s)", path, averr);
            goto out;
        }
        if (pkt->stream_index != si) {
            av_packet_unref(pkt);
            continue;
        }
        n++;
        if (!checked_header) {
            /* the first packet of a picture file holds its header */
            if (check_header(path, st->codecpar->codec_id, pkt, err, errlen) != 0)
                goto out;
            from_packet = packet_orientation(st->codecpar->codec_id, pkt);
            checked_header = true;
            r = 0;
            dec = sl_media_open_decoder(codec, st, 1, &r);
            if (!dec) {
                av_strerror(r, averr, sizeof averr);
                snprintf(err, errlen, "%s: the %s decoder cannot be opened (%s)", path,
                         codec->name, averr);
                goto out;
            }
        }
        r = avcodec_send_packet(dec, pkt);
        av_packet_unref(pkt);
        if (r < 0 && r != AVERROR(EAGAIN)) {
            av_strerror(r, averr, sizeof averr);
            snprintf(err, errlen, "%s: cannot be decoded (%s)", path, averr);
            goto out;
        }
    }
    if (!got) {
        snprintf(err, errlen, "%s: no picture could be decoded", path);
        goto out;
    }
    if ((frame->flags & AV_FRAME_FLAG_CORRUPT) || frame->decode_error_flags) {
        snprintf(err, errlen, "%s: is corrupt (the decoder found damaged data)", path);
        goto out;
    }
    if (sl_media_check_size(path, frame->width, frame->height, err, errlen) != 0)
        goto out;
    if (orientation) {
        int o = frame_orientation(frame);
        *orientation = o ? o : from_packet ? from_packet : 1;
    }
    *frame_out = frame;
    frame = NULL;
    rc = 0;
out:
    av_frame_free(&frame);
    av_packet_free(&pkt);
    avcodec_free_context(&dec);
    avformat_close_input(&fmt);
    return rc;
}

int sl_picture_check(const char *path, sl_picture_info *info, char *err, size_t errlen)
{
    return sl_picture_check_keep(path, info, NULL, err, errlen);
}

int sl_picture_check_keep(const char *path, sl_picture_info *info, AVFrame **frame, char *err, size_t errlen)
{
    AVFrame *f = NULL;
    int o = 1;
    sl_picture_info pi = {0};
    int rc = sl_picture_decode(path, &f, &o, err, errlen);
    if (rc == 0) {
        bool swap = sl_picture_orientation_swaps(o);
        pi.width = swap ? f->height : f->width;
        pi.height = swap ? f->width : f->height;
        pi.orientation = o;
    }
    if (frame && rc == 0)
        *frame = f;
    else
        av_frame_free(&f);
    if (info)
        *info = pi;
    return rc;
}
