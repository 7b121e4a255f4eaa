/* body.c — a capped, growing byte buffer for request bodies. */
#include "tools/hub/body.h"

#include <stdlib.h>
#include <string.h>

#define SL_BODY_FIRST_BYTES 4096

void sl_body_init(sl_body *b, size_t max)
{
    b->data = NULL;
    b->len = b->cap = 0;
    b->max = max;
}

int sl_body_append(sl_body *b, const void *p, size_t n)
{
    if (n > b->max - b->len)
        return -1;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : SL_BODY_FIRST_BYTES;
        while (cap < b->len + n + 1)
            cap *= 2;
        if (cap > b->max + 1)
            cap = b->max + 1;
        char *d = realloc(b->data, cap);
        if (!d)
            return -2;
        b->data = d;
        b->cap = cap;
    }
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
}

void sl_body_free(sl_body *b)
{
    if (!b)
        return;
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}
