/* mediacopy.h — copies a media file named by its SHA-256 and checks that the copy has that hash and size. */
#ifndef SL_MEDIACOPY_H
#define SL_MEDIACOPY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SL_MEDIACOPY_OK 0
#define SL_MEDIACOPY_FAILED (-1)   /* could not read or write (retry later); *full on ENOSPC */
#define SL_MEDIACOPY_MISMATCH (-2) /* the source is not the file it claims to be */

/* Copies src to dst (created or truncated, mode 0644, fsynced), then, when
 * sha256_hex is not NULL, hashes dst and compares with it (64 lowercase hex);
 * callers that check the copy themselves pass NULL. A source of another size
 * than `size` is refused before anything is copied. On any failure dst is
 * removed. Returns one of the codes above, with a sentence in err. */
int sl_mediacopy_file(const char *src, const char *dst, const char *sha256_hex, int64_t size, bool *full,
                      char *err, size_t errlen);

#endif
