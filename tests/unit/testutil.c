/* testutil.c — helpers shared by the unit tests (see testutil.h). */
#define _XOPEN_SOURCE 700 /* nftw */
#include "testutil.h"

#include <dirent.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

const unsigned char sl_test_tiny_png[] = {
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x08, 0x00, 0x00, 0x00, 0x06, 0x08, 0x02, 0x00, 0x00, 0x00, 0x71, 0x67, 0x48,
    0xac, 0x00, 0x00, 0x00, 0x63, 0x49, 0x44, 0x41, 0x54, 0x78, 0xda, 0x0d, 0xc9, 0x21, 0x01, 0x00,
    0x41, 0x08, 0x45, 0x41, 0x92, 0xa0, 0x09, 0xb1, 0x21, 0xd0, 0x9b, 0xe4, 0xcb, 0x97, 0x02, 0x4d,
    0x88, 0x0d, 0x81, 0x26, 0xd1, 0xdd, 0xd8, 0x31, 0x33, 0xdc, 0x38, 0xc6, 0x35, 0x64, 0x94, 0xf1,
    0x8c, 0x35, 0xcc, 0x02, 0x0f, 0x4e, 0x70, 0x03, 0x05, 0x15, 0xbc, 0x60, 0xe3, 0x8f, 0xc4, 0x93,
    0x93, 0xdc, 0x44, 0x49, 0x25, 0x2f, 0xd9, 0xfc, 0x43, 0xb8, 0x38, 0xe2, 0x0a, 0x89, 0x12, 0x4f,
    0xac, 0xfe, 0x68, 0xbc, 0x39, 0xcd, 0x6d, 0xd4, 0x54, 0xf3, 0x9a, 0xed, 0x3f, 0x06, 0x1f, 0xce,
    0x70, 0x07, 0x0d, 0x35, 0xbc, 0x61, 0x87, 0x0f, 0xcc, 0x7f, 0x3e, 0x71, 0x8f, 0xb9, 0xa0, 0x71,
    0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
};
const size_t sl_test_tiny_png_size = sizeof sl_test_tiny_png;

int sl_test_tmpdir(char *dir, size_t cap, const char *prefix)
{
    int n = snprintf(dir, cap, "/tmp/%s-XXXXXX", prefix);
    if (n < 0 || (size_t)n >= cap)
        return -1;
    return mkdtemp(dir) ? 0 : -1;
}

static int rm_entry(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(p);
}

int sl_test_rmtree(const char *dir)
{
    if (!dir || !dir[0])
        return 0;
    return nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS) == 0 ? 0 : -1;
}

void sl_test_path(const char *dir, const char *name, char *out, size_t len)
{
    snprintf(out, len, "%s/%s", dir, name);
}

int sl_test_write_file(const char *path, const void *data, size_t len)
{
    FILE *fp = fopen(path, "wb");
    if (!fp)
        return -1;
    size_t w = len ? fwrite(data, 1, len, fp) : 0;
    return (fclose(fp) == 0 && w == len) ? 0 : -1;
}

unsigned char *sl_test_read_file(const char *path, size_t *len)
{
    unsigned char *buf = NULL;
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return NULL;
    if (fseek(fp, 0, SEEK_END) != 0)
        goto out;
    long n = ftell(fp);
    if (n < 0 || fseek(fp, 0, SEEK_SET) != 0)
        goto out;
    buf = malloc((size_t)n + 1);
    if (buf && fread(buf, 1, (size_t)n, fp) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    if (buf) {
        buf[n] = '\0';
        if (len)
            *len = (size_t)n;
    }
out:
    fclose(fp);
    return buf;
}

int sl_test_count_files(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    closedir(d);
    return n;
}

bool sl_test_have_ffmpeg(void)
{
    return system("ffmpeg -version >/dev/null 2>&1") == 0;
}

bool sl_test_have_encoder(const char *name)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "ffmpeg -hide_banner -encoders 2>/dev/null | grep -q ' %s '", name);
    return system(cmd) == 0;
}

int sl_test_ffmpeg(const char *dir, const char *args)
{
    char cmd[2048];
    int n = snprintf(cmd, sizeof cmd, "cd '%s' && ffmpeg -nostdin -v error -y %s </dev/null", dir, args);
    if (n < 0 || (size_t)n >= sizeof cmd)
        return -1;
    return system(cmd) == 0 ? 0 : -1;
}

int64_t sl_test_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void sl_test_sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

uint32_t sl_test_pixel32(const uint8_t *pixels, int pitch, int x, int y)
{
    uint32_t p;
    memcpy(&p, pixels + (size_t)y * (size_t)pitch + (size_t)x * 4, 4);
    return p;
}

bool sl_test_argb_near(uint32_t a, uint32_t b, int tol)
{
    for (int s = 0; s < 32; s += 8) {
        int ca = (int)((a >> s) & 0xff), cb = (int)((b >> s) & 0xff);
        if (ca - cb > tol || cb - ca > tol)
            return false;
    }
    return true;
}
