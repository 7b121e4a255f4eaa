/* exifwrite.h — test helper: writes an EXIF Orientation into JPEG, PNG, WebP and TIFF files made by ffmpeg. */
#ifndef SL_EXIFWRITE_H
#define SL_EXIFWRITE_H

/* Copies the picture at in to out with the EXIF Orientation o (1-8) added
 * the way cameras and editors store it: a JPEG APP1 "Exif" segment after
 * SOI, a PNG eXIf chunk before the first IDAT, a WebP EXIF chunk (the file
 * turned into the extended VP8X form), or a TIFF's first directory
 * rewritten at the end of the file with an Orientation entry. The kind is
 * found from the file's first bytes. Returns 0, or -1 with a message on
 * stderr. */
int sl_test_exif_orientation(const char *in, const char *out, int o);

#endif
