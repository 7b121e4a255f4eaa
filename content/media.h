/* media.h — media files: SHA-256 hashing and probing with libavformat. */
#ifndef SL_MEDIA_H
#define SL_MEDIA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SL_SHA256_HEX_LEN 64

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

#endif
