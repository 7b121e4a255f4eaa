/* picture.h — decoding a picture file with FFmpeg: the one way the player shows a picture and lint checks it. */
#ifndef SL_PICTURE_H
#define SL_PICTURE_H

#include "content/media.h"

#include <stdbool.h>
#include <stddef.h>

struct AVFrame;

/* The demuxers a picture may come through: single pictures (found by
 * content, or by extension through image2) and GIF (its first frame).
 * Anything else — a video, an icon, a file some exotic demuxer claims by
 * its extension (".bin" is "bintext") — is refused. */
#define SL_PICTURE_FORMATS                                                                         \
    "image2,png_pipe,jpeg_pipe,webp_pipe,bmp_pipe,tiff_pipe,qoi_pipe,jpegxl_pipe,j2k_pipe,"        \
    "jpegls_pipe,pam_pipe,pbm_pipe,pgm_pipe,ppm_pipe,pcx_pipe,psd_pipe,sgi_pipe,svg_pipe,"        \
    "dds_pipe,dpx_pipe,exr_pipe,xbm_pipe,xpm_pipe,xwd_pipe,sunrast_pipe,photocd_pipe,"            \
    "pictor_pipe,qdraw_pipe,gem_pipe,pfm_pipe,phm_pipe,pgx_pipe,vbn_pipe,cri_pipe,hdr_pipe,gif"

/* Decodes the first picture of the file at path, full size. Steps: open
 * with libavformat (only SL_PICTURE_FORMATS); take the size from the
 * stream parameters or, for PNG, JPEG and WebP, from the file's own header,
 * and refuse pictures over SL_MEDIA_MAX_SIDE a side or SL_MEDIA_MAX_PIXELS
 * before decoding anything (other formats are capped by the decoder's
 * max_pixels and checked after); refuse PNG, JPEG and WebP files cut short
 * (no IEND, no end-of-image marker, RIFF shorter than it says) and frames
 * the decoder marks corrupt. *frame gets the decoded frame (free it with
 * av_frame_free); *orientation (may be NULL) how the file says it is to be
 * viewed, the EXIF Orientation 1–8 (1: as stored; see
 * sl_picture_orientation_swaps): from JPEG's and WebP's EXIF as FFmpeg
 * reports it (or a display matrix), and read here from a PNG's eXIf chunk
 * and a TIFF's first directory, which FFmpeg does not report. Returns 0, or
 * -1 with err naming the file and what is wrong. */
int sl_picture_decode(const char *path, struct AVFrame **frame, int *orientation, char *err,
                      size_t errlen);

/* What lint learns from decoding a picture the player's way. */
typedef struct {
    int width, height; /* as shown: for orientations 5-8 the stored sides swapped */
    int orientation;   /* EXIF Orientation 1-8 */
} sl_picture_info;

/* Decodes the picture with sl_picture_decode and drops the pixels: whether
 * the player can show it. Returns 0 or -1 with err. */
int sl_picture_check(const char *path, sl_picture_info *info, char *err, size_t errlen);
/* The same, keeping the decoded picture: *frame (NULL on failure) gets it
 * full size, as sl_picture_decode gives it (free with av_frame_free). */
int sl_picture_check_keep(const char *path, sl_picture_info *info, struct AVFrame **frame, char *err,
                          size_t errlen);

/* Whether an orientation turns the picture a quarter (5-8: width and height swap). */
bool sl_picture_orientation_swaps(int orientation);

/* For a picture of sw x sh pixels as stored, turned as EXIF orientation 1-8
 * says: the stored pixel (*sx, *sy) that the shown pixel (x, y) comes from
 * (shown sides swapped for 5-8). One per pixel, hence inline. */
static inline void sl_picture_oriented_source(int orientation, int sw, int sh, int x, int y, int *sx, int *sy)
{
    bool swap = orientation >= 5 && orientation <= 8;
    bool fx = orientation == 2 || orientation == 3 || orientation == 7 || orientation == 8;
    bool fy = orientation == 3 || orientation == 4 || orientation == 6 || orientation == 7;
    /* swapped: shown (x,y) is stored (y,x) before mirroring */
    int ax = swap ? y : x, ay = swap ? x : y;
    *sx = fx ? sw - 1 - ax : ax;
    *sy = fy ? sh - 1 - ay : ay;
}

/* The EXIF Orientation (1-8) in a TIFF structure (EXIF's own layout: "II*\0"
 * or "MM\0*", then the first directory), or 0 when there is none or the data
 * is malformed. Reads only inside d[0..n). */
int sl_picture_tiff_orientation(const uint8_t *d, size_t n);

#endif
