/* media.h — media files: SHA-256 hashing and probing with libavformat. */
#ifndef SL_MEDIA_H
#define SL_MEDIA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SL_SHA256_HEX_LEN 64

/* Limits against decompression bombs and absurd media, checked from the
 * headers before any pixel is decoded. The player refuses what is over
 * them, and lint says so: one set of numbers for both. */
#define SL_MEDIA_MAX_SIDE 16384         /* pixels */
#define SL_MEDIA_MAX_PIXELS (64u << 20) /* 64 Mpx: a 6000x4000 photo is 24 Mpx */

struct AVFormatContext;
struct AVCodecContext;
struct AVCodec;
struct AVStream;

/* Hashes a file; hex must hold 65 bytes. Returns 0 or -1 with err. */
int sl_media_sha256_file(const char *path, char hex[SL_SHA256_HEX_LEN + 1], int64_t *size,
                         char *err, size_t errlen);

/* Whether s is exactly 64 lowercase hex digits. */
bool sl_media_is_sha256(const char *s);

typedef struct {
    int64_t duration_ms; /* -1 when unknown */
    int width, height;   /* of the first video stream; 0 when none */
    bool has_video, has_audio;
    bool is_still;       /* a single-picture format (PNG, JPEG, WebP …) */
    char video_codec[32];
    char audio_codec[32];
    double fps;          /* 0 when unknown */
} sl_media_info;

/* Probes a file with libavformat. Returns 0 or -1 with err when the file
 * cannot be opened or read as media. */
int sl_media_probe(const char *path, sl_media_info *info, char *err, size_t errlen);

/* Drops FFmpeg's own log lines unformatted (they never reach lint's or the
 * player's output: every caller reports FFmpeg's reason in its own message
 * instead). Process-wide, done once; every
 * function here that opens media calls it, and so may anyone else who
 * calls FFmpeg directly. */
void sl_media_log_init(void);

/* Whether w×h is inside SL_MEDIA_MAX_SIDE and SL_MEDIA_MAX_PIXELS. Returns
 * 0, or -1 with err naming the file, its size and the limit. */
int sl_media_check_size(const char *path, int64_t w, int64_t h, char *err, size_t errlen);

/* Opens path with libavformat: only the "file" protocol, never an image
 * sequence pattern, only the demuxers in formats (comma-separated; NULL:
 * any), with an optional interrupt callback (NULL: none). find_info runs
 * avformat_find_stream_info (decoders capped at SL_MEDIA_MAX_PIXELS).
 * Returns the context (avformat_close_input) or NULL with err. */
struct AVFormatContext *sl_media_open_input(const char *path, const char *formats, bool find_info,
                                            int (*interrupt)(void *), void *opaque, char *err,
                                            size_t errlen);

/* The first video stream that is not cover art, or -1. */
int sl_media_video_stream(const struct AVFormatContext *ctx);

/* Allocates and opens a decoder for st's parameters (frame size capped at
 * SL_MEDIA_MAX_PIXELS; threads: 0 = FFmpeg's choice). Returns the context
 * (avcodec_free_context) or NULL; *why gets FFmpeg's error code. */
struct AVCodecContext *sl_media_open_decoder(const struct AVCodec *codec, const struct AVStream *st,
                                             int threads, int *why);

#endif
