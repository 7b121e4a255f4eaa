/* exifwrite.c — test helper: writes an EXIF Orientation into JPEG, PNG, WebP and TIFF files made by ffmpeg. */
#include "exifwrite.h"

#include "testutil.h"

#include <libavutil/crc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TIFF_BLOCK_BYTES 26 /* header 8, count 2, one entry 12, next-directory offset 4 */

static void put_be16(uint8_t *p, unsigned v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}
static void put_be32(uint8_t *p, uint32_t v)
{
    put_be16(p, v >> 16);
    put_be16(p + 2, v & 0xffff);
}
static void put_le16(uint8_t *p, unsigned v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}
static void put_le32(uint8_t *p, uint32_t v)
{
    put_le16(p, v & 0xffff);
    put_le16(p + 2, v >> 16);
}
static void put_le24(uint8_t *p, uint32_t v)
{
    put_le16(p, v & 0xffff);
    p[2] = (uint8_t)(v >> 16);
}
static unsigned get_le16(const uint8_t *p)
{
    return (unsigned)p[0] | ((unsigned)p[1] << 8);
}
static uint32_t get_le32(const uint8_t *p)
{
    return (uint32_t)get_le16(p) | ((uint32_t)get_le16(p + 2) << 16);
}
static uint32_t get_be32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

/* A big-endian TIFF structure with one directory holding Orientation = o. */
static void tiff_block(uint8_t b[TIFF_BLOCK_BYTES], int o)
{
    memset(b, 0, TIFF_BLOCK_BYTES);
    memcpy(b, "MM\0*", 4);
    put_be32(b + 4, 8);
    put_be16(b + 8, 1);
    put_be16(b + 10, 0x0112); /* Orientation */
    put_be16(b + 12, 3);      /* SHORT */
    put_be32(b + 14, 1);
    put_be16(b + 18, (unsigned)o);
}

/* Writes a..(an) + b..(bn) + c..(cn) to path. */
static int write3(const char *path, const uint8_t *a, size_t an, const uint8_t *b, size_t bn,
                  const uint8_t *c, size_t cn)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    bool ok = fwrite(a, 1, an, f) == an && fwrite(b, 1, bn, f) == bn && fwrite(c, 1, cn, f) == cn;
    return (fclose(f) == 0 && ok) ? 0 : -1;
}

static int jpeg(const char *out, const uint8_t *d, size_t n, int o)
{
    uint8_t seg[4 + 6 + TIFF_BLOCK_BYTES];
    seg[0] = 0xff;
    seg[1] = 0xe1; /* APP1 */
    put_be16(seg + 2, (unsigned)(sizeof seg - 2));
    memcpy(seg + 4, "Exif\0\0", 6);
    tiff_block(seg + 10, o);
    return write3(out, d, 2, seg, sizeof seg, d + 2, n - 2);
}

static int png(const char *out, const uint8_t *d, size_t n, int o)
{
    size_t p = 8;
    while (p + 12 <= n && memcmp(d + p + 4, "IDAT", 4) != 0)
        p += 12 + (size_t)get_be32(d + p);
    if (p + 12 > n)
        return -1;
    uint8_t chunk[4 + 4 + TIFF_BLOCK_BYTES + 4];
    put_be32(chunk, TIFF_BLOCK_BYTES);
    memcpy(chunk + 4, "eXIf", 4);
    tiff_block(chunk + 8, o);
    uint32_t crc = av_crc(av_crc_get_table(AV_CRC_32_IEEE_LE), UINT32_MAX, chunk + 4,
                          4 + TIFF_BLOCK_BYTES) ^ UINT32_MAX;
    put_be32(chunk + 8 + TIFF_BLOCK_BYTES, crc);
    return write3(out, d, p, chunk, sizeof chunk, d + p, n - p);
}

/* A simple WebP (one VP8 or VP8L chunk) becomes VP8X + that chunk + EXIF. */
static int webp(const char *out, const uint8_t *d, size_t n, int o)
{
    int w, h;
    if (n < 30)
        return -1;
    if (memcmp(d + 12, "VP8 ", 4) == 0) {
        w = (int)(get_le16(d + 26) & 0x3fff);
        h = (int)(get_le16(d + 28) & 0x3fff);
    } else if (memcmp(d + 12, "VP8L", 4) == 0) {
        uint32_t b = get_le32(d + 21);
        w = 1 + (int)(b & 0x3fff);
        h = 1 + (int)((b >> 14) & 0x3fff);
    } else {
        return -1;
    }
    uint8_t head[12 + 18];
    memcpy(head, "RIFF", 4);
    memcpy(head + 8, "WEBP", 4);
    memcpy(head + 12, "VP8X", 4);
    put_le32(head + 16, 10);
    memset(head + 20, 0, 10);
    head[20] = 0x08; /* EXIF present */
    put_le24(head + 24, (uint32_t)(w - 1));
    put_le24(head + 27, (uint32_t)(h - 1));
    uint8_t exif[8 + TIFF_BLOCK_BYTES];
    memcpy(exif, "EXIF", 4);
    put_le32(exif + 4, TIFF_BLOCK_BYTES);
    tiff_block(exif + 8, o);
    put_le32(head + 4, (uint32_t)(4 + 18 + (n - 12) + sizeof exif));
    return write3(out, head, sizeof head, d + 12, n - 12, exif, sizeof exif);
}

/* Copies the first directory of a little-endian TIFF to the end with an
 * Orientation entry added (entries stay sorted by tag) and points the
 * header at it. */
static int tiff(const char *out, const uint8_t *d, size_t n, int o)
{
    uint32_t off = get_le32(d + 4);
    if (off < 8 || off + 2 > n)
        return -1;
    unsigned count = get_le16(d + off);
    if (off + 2 + 12 * (size_t)count + 4 > n)
        return -1;
    size_t len = 2 + 12 * ((size_t)count + 1) + 4;
    uint8_t *dir = calloc(1, len + 1);
    if (!dir)
        return -1;
    put_le16(dir, count + 1);
    size_t at = 2;
    bool added = false;
    for (unsigned i = 0; i <= count; i++) {
        const uint8_t *e = i < count ? d + off + 2 + 12 * (size_t)i : NULL;
        if (!added && (!e || get_le16(e) > 0x0112)) {
            put_le16(dir + at, 0x0112);
            put_le16(dir + at + 2, 3);
            put_le32(dir + at + 4, 1);
            put_le16(dir + at + 8, (unsigned)o);
            at += 12;
            added = true;
        }
        if (e && get_le16(e) != 0x0112) {
            memcpy(dir + at, e, 12);
            at += 12;
        }
    }
    memset(dir + at, 0, 4); /* no next directory */
    uint8_t pad = 0;
    size_t start = n + (n & 1); /* directories start on a word boundary */
    uint8_t hdr[8];
    memcpy(hdr, d, 4);
    put_le32(hdr + 4, (uint32_t)start);
    int rc = -1;
    FILE *f = fopen(out, "wb");
    if (f) {
        bool ok = fwrite(hdr, 1, 8, f) == 8 && fwrite(d + 8, 1, n - 8, f) == n - 8 &&
                  ((n & 1) == 0 || fwrite(&pad, 1, 1, f) == 1) && fwrite(dir, 1, at + 4, f) == at + 4;
        rc = (fclose(f) == 0 && ok) ? 0 : -1;
    }
    free(dir);
    return rc;
}

int sl_test_exif_orientation(const char *in, const char *out, int o)
{
    size_t n = 0;
    uint8_t *d = sl_test_read_file(in, &n);
    int rc = -1;
    if (!d || n < 16 || o < 1 || o > 8)
        goto out;
    if (d[0] == 0xff && d[1] == 0xd8)
        rc = jpeg(out, d, n, o);
    else if (memcmp(d, "\x89PNG", 4) == 0)
        rc = png(out, d, n, o);
    else if (memcmp(d, "RIFF", 4) == 0 && memcmp(d + 8, "WEBP", 4) == 0)
        rc = webp(out, d, n, o);
    else if (memcmp(d, "II*\0", 4) == 0)
        rc = tiff(out, d, n, o);
out:
    if (rc != 0)
        fprintf(stderr, "exifwrite: %s: cannot add orientation %d\n", in ? in : "(null)", o);
    free(d);
    return rc;
}
