/* decode.h — media decoding with FFmpeg: pictures and video frames, scaled to a box, off the render thread. */
#ifndef SL_DECODE_H
#define SL_DECODE_H

#include "content/media.h"
#include "content/playlist.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct AVFrame;

/* Limits against decompression bombs and absurd media (checked from the
 * headers, before any pixel is decoded): content/media.h's, which lint uses too. */
#define SL_DECODE_MAX_SIDE SL_MEDIA_MAX_SIDE
#define SL_DECODE_MAX_PIXELS SL_MEDIA_MAX_PIXELS

/* How a frame's pixels are laid out. */
typedef enum {
    SL_FRAME_ARGB = 0, /* SDL_PIXELFORMAT_ARGB8888: pixels, pitch */
    SL_FRAME_IYUV,     /* SDL_PIXELFORMAT_IYUV: 8-bit Y, U, V planes, chroma halved both ways */
    SL_FRAME_NV12,     /* SDL_PIXELFORMAT_NV12: 8-bit Y plane, interleaved UV plane */
} sl_frame_format;

/* The YUV matrix and range of a YUV frame (what SDL_SetYUVConversionMode takes). */
typedef enum { SL_YUV_BT601 = 0, SL_YUV_BT709, SL_YUV_JPEG /* full-range BT.601 */ } sl_yuv_mode;

/* A decoded picture. In ARGB (a uint32 per pixel, 0xAARRGGBB in native
 * byte order) it is already scaled for its box: draw it w×h. A video frame
 * asked for in YUV is the decoder's own picture (cropped for a cover fit),
 * w×h pixels in plane[]: the renderer scales it to draw_w×draw_h. */
typedef struct {
    int w, h;
    int pitch;         /* bytes per row (ARGB) */
    uint8_t *pixels;   /* owned (ARGB) */
    int64_t pts_ms;    /* presentation time from the start of the media (video), rounded; 0 for pictures */
    int64_t pts_ns;    /* when it is due in nanoseconds: half a unit of the file's time stamps
                        * early, as stamps are rounded (what sl_video_frame_at_ns compares) */
    int64_t index;     /* frame number from 0 (video) */
    sl_frame_format format;
    const uint8_t *plane[3]; /* YUV: the decoder's planes (not owned) */
    int plane_pitch[3];
    sl_yuv_mode yuv_mode;
    int draw_w, draw_h;      /* the size it takes in its box (ARGB: w, h) */
} sl_frame;

void sl_frame_free(sl_frame *f); /* frees pixels; NULL is fine */

/* The size a w×h picture takes in a box_w×box_h box for a fit: contain keeps
 * the aspect and fits inside; cover and stretch fill the box (cover crops). */
void sl_fit_size(int w, int h, int box_w, int box_h, sl_fit fit, int *out_w, int *out_h);

/* Decodes a picture file (PNG, JPEG, WebP, …) with content/picture.h (the
 * code lint checks pictures with), scales it for the box with libswscale
 * (area averaging when shrinking) and turns it the way the file says it is
 * to be viewed (EXIF Orientation). Never keeps the full-size picture longer
 * than the decode. Returns 0 or -1 with err. */
int sl_decode_image(const char *path, int box_w, int box_h, sl_fit fit, sl_frame *out, char *err,
                    size_t errlen);
/* The same for a picture already decoded full size (sl_picture_decode's
 * frame and orientation; path only names it in err). The frame is not freed. */
int sl_decode_image_frame(struct AVFrame *frame, int orientation, const char *path, int box_w, int box_h,
                          sl_fit fit, sl_frame *out, char *err, size_t errlen);

/* A video being decoded on its own thread into a bounded queue of frames. */
typedef struct sl_video sl_video;

typedef struct {
    int box_w, box_h;
    sl_fit fit;
    int queue_frames;     /* frames decoded ahead; 0 = 8 */
    int threads;          /* software decoder threads; 0 = sl_video_threads_for the clip (each
                           * frame thread holds a frame and a decoder state of its own) */
    bool try_hw;          /* try hardware decoders by name first (h264_v4l2m2m, hevc_v4l2m2m …) */
    bool audio;           /* the item plays its sound track too: player/audio.h (sl_audio_start) decodes
                           * it from the same file on its own thread; this decoder skips it either way */
} sl_video_opts;

/* Software decoder threads for a w×h clip at fps frames a second (0 or less:
 * unknown, taken as 30) on a machine with cpus CPUs: one for every 1080p30 of
 * pixel rate (SL_DECODE_PIXELS_PER_THREAD), at least 1, at most cpus. One
 * core decodes a 1080p30 H.264 stream many times over; every thread more
 * holds another frame and decoder state (about 5 MB at 1080p). */
#define SL_DECODE_PIXELS_PER_THREAD (1920LL * 1080LL * 30LL)
int sl_video_threads_for(int w, int h, double fps, int cpus);

/* Opens a video and starts its decode thread. Returns NULL with err when the
 * file cannot be opened or has no decodable video stream. */
sl_video *sl_video_open(const char *path, const sl_video_opts *opts, char *err, size_t errlen);

/* The frame due at t_ms after the start (the last frame whose pts <= t_ms).
 * blocking=true waits for the decoder to reach it (simulated clock: always
 * the exact frame); blocking=false never waits and returns the newest frame
 * decoded so far that is due (real clock). Returns NULL when none is ready
 * (blocking=false before the first frame) or the stream had no frame at all.
 * The frame stays valid until the next call or sl_video_close. */
const sl_frame *sl_video_frame_at(sl_video *v, int64_t t_ms, bool blocking);
/* The same at t_ns nanoseconds: a display whose refresh matches the clip's
 * frame rate gets every frame exactly once (millisecond times round 1/30 s
 * both ways, which made every third frame due a refresh late). */
const sl_frame *sl_video_frame_at_ns(sl_video *v, int64_t t_ns, bool blocking);
/* The same, and yuv=true asks for the frame as the decoder made it (IYUV or
 * NV12 with its matrix, for a renderer that converts and scales on the GPU)
 * when it is in one of those forms; otherwise it comes in ARGB, scaled. Only
 * the frame returned is ever converted: frames passed over cost nothing. */
const sl_frame *sl_video_frame_get(sl_video *v, int64_t t_ns, bool blocking, bool yuv);
/* How many frames were converted to ARGB so far (see sl_video_frame_get). */
int64_t sl_video_conversions(const sl_video *v);

/* Whether every frame has been shown or the decoder stopped with an error. */
bool sl_video_ended(const sl_video *v);
/* Whether the decoder still runs (it is freed as soon as the last frame is
 * queued, before the frames are shown). */
bool sl_video_decoding(const sl_video *v);
/* The decoder's error message, or NULL when none. */
const char *sl_video_error(const sl_video *v);
/* The duration from the container, -1 when unknown. */
int64_t sl_video_duration_ms(const sl_video *v);
/* The codec actually decoding (e.g. "h264" or "h264_v4l2m2m"). */
const char *sl_video_decoder_name(const sl_video *v);
/* The threads the decoder was opened with (1 for a hardware decoder); 0 for NULL. */
int sl_video_threads(const sl_video *v);
/* The most frames that were decoded ahead at once, waiting to be shown
 * (at most opts->queue_frames); 0 for NULL. */
int sl_video_queued_max(const sl_video *v);

/* Stops the thread and frees everything; NULL is fine. */
void sl_video_close(sl_video *v);

#endif
