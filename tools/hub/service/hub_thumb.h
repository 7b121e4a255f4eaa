/* hub_thumb.h — a screenshot's thumbnail: the picture decoded (PNG or JPEG), scaled down and written as a small PNG, with libavcodec and libswscale. */
#ifndef SL_HUB_THUMB_H
#define SL_HUB_THUMB_H

#include <stddef.h>
#include <stdint.h>

#define SL_THUMB_WIDTH 320                 /* a thumbnail's width (a narrower picture keeps its own) */
#define SL_THUMB_MAX_PIXELS (8192 * 8192)  /* a bigger picture is not decoded */

/* Makes the thumbnail of a PNG or JPEG file held in data: at most width
 * pixels wide, its height in proportion (at least 1), as a PNG (RGB) in
 * *png (malloc'd; the caller frees it) of *png_len bytes. 0, or -1 with err
 * (not a picture libavcodec decodes, too big, out of memory). */
int sl_thumb_png(const void *data, size_t len, int width, uint8_t **png, size_t *png_len, char *err, size_t errlen);

/* The same of a media file at path: a picture (decoded as the player
 * decodes it, and turned as its EXIF Orientation says, as the player shows
 * it: at most width pixels wide as shown) or a clip's first picture. */
int sl_thumb_file_png(const char *path, int width, uint8_t **png, size_t *png_len, char *err, size_t errlen);

/* The thumbnail's file name of a screenshot's file name (relative to the
 * screenshots folder): "s1/20261125-083000123.png" gives
 * "s1/20261125-083000123.png.thumb.png" (a screenshot's name never ends so).
 * -1 when out is too small. */
int sl_thumb_name(const char *file, char *out, size_t outlen);

#endif
