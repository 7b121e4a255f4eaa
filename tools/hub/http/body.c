/* body.c — a capped, growing byte buffer for request bodies, optionally charged to a budget. */
#include "tools/hub/http/body.h"

#include <stdlib.h>
#include <string.h>

#define SL_BODY_FIRST_BYTES 4096

void sl_body_init(sl_body *b, size_t max)
{
    memset(b, 0, sizeof *b);
    b->max = max;
}

sl_budget_rc sl_body_charge(sl_body *b, sl_budget *budget, const char *key, size_t reserve)
{
    b->budget = budget;
    b->key = key;
    if (reserve > b->max)
        reserve = b->max;
    if (reserve <= b->charged)
        return SL_BUDGET_OK;
    sl_budget_rc rc = sl_budget_take(budget, key, reserve - b->charged);
    if (rc == SL_BUDGET_OK)
        b->charged = reserve;
    return rc;
}

int sl_body_append(sl_body *b, const void *p, size_t n)
{
    if (n > b->max - b->len)
        return -1;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : SL_BODY_FIRST_BYTES;
        if (cap < b->charged + 1)
            cap = b->charged + 1; /* what was reserved is allocated at once */
        while (cap < b->len + n + 1)
            cap *= 2;
        if (cap > b->max + 1)
            cap = b->max + 1;
        /* The budget counts the bytes a body may hold (cap - 1: the NUL is not charged). */
        if (b->budget && cap - 1 > b->charged) {
            sl_budget_rc rc = sl_budget_take(b->budget, b->key, cap - 1 - b->charged);
            if (rc != SL_BUDGET_OK)
                return rc == SL_BUDGET_KEY_FULL ? -4 : -3;
            b->charged = cap - 1;
        }
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
    sl_budget_give(b->budget, b->key, b->charged);
    b->data = NULL;
    b->len = b->cap = b->charged = 0;
}
