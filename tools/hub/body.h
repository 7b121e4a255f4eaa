/* body.h — a capped, growing byte buffer for request bodies (never grows past its cap). */
#ifndef SL_HUB_BODY_H
#define SL_HUB_BODY_H

#include <stddef.h>

typedef struct {
    char *data; /* NUL-terminated after every append (the NUL is not counted) */
    size_t len, cap, max;
} sl_body;

/* An empty buffer that holds at most max bytes. */
void sl_body_init(sl_body *b, size_t max);

/* Appends n bytes. Returns 0, -1 when the result would pass the cap
 * (nothing appended), -2 when out of memory (nothing appended). */
int sl_body_append(sl_body *b, const void *p, size_t n);

/* Frees the data; NULL is fine. */
void sl_body_free(sl_body *b);

#endif
