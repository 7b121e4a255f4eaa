/* testutil.h — helpers shared by the unit tests: a scratch folder, whole files, ffmpeg, time. */
#ifndef SL_TESTUTIL_H
#define SL_TESTUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* An 8x6 RGB PNG (sl_test_tiny_png_size bytes). */
extern const unsigned char sl_test_tiny_png[];
extern const size_t sl_test_tiny_png_size;

/* Makes a new empty folder /tmp/PREFIX-XXXXXX, its path into dir (cap bytes); 0, or -1. */
int sl_test_tmpdir(char *dir, size_t cap, const char *prefix);

/* Removes dir and everything under it (links are removed, not followed); 0, or -1 when
 * something stayed. NULL or "": nothing. */
int sl_test_rmtree(const char *dir);

/* "dir/name" into out (len bytes). */
void sl_test_path(const char *dir, const char *name, char *out, size_t len);

/* Writes len bytes to path (made or truncated); 0, or -1. */
int sl_test_write_file(const char *path, const void *data, size_t len);

/* The whole of path, with a NUL after its *len bytes (so text can be used as a string);
 * the caller frees it. NULL when it cannot be read. len may be NULL. */
unsigned char *sl_test_read_file(const char *path, size_t *len);

/* How many entries dir holds, hidden ones included (not "." and ".."); -1 when it cannot be read. */
int sl_test_count_files(const char *dir);

/* Whether the ffmpeg command runs. */
bool sl_test_have_ffmpeg(void);

/* Whether this ffmpeg has an encoder (e.g. "libx265"). */
bool sl_test_have_encoder(const char *name);

/* Runs `ffmpeg ARGS` (quiet, overwriting, no stdin) in folder dir; 0 when it succeeded, else -1. */
int sl_test_ffmpeg(const char *dir, const char *args);

/* The 32-bit pixel at (x, y) of a picture with pitch bytes per row. */
uint32_t sl_test_pixel32(const uint8_t *pixels, int pitch, int x, int y);

/* Whether two 0xAARRGGBB values differ by at most tol on every channel. */
bool sl_test_argb_near(uint32_t a, uint32_t b, int tol);

/* The monotonic clock in milliseconds. */
int64_t sl_test_now_ms(void);

/* Sleeps ms milliseconds. */
void sl_test_sleep_ms(int ms);

#endif
