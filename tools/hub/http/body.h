/* body.h — a capped, growing byte buffer for request bodies (never grows past its cap), optionally charged to a budget. */
#ifndef SL_HUB_BODY_H
#define SL_HUB_BODY_H

#include "tools/hub/http/budget.h"

#include <stddef.h>

typedef struct {
    char *data; /* NUL-terminated after every append (the NUL is not counted) */
    size_t len, cap, max;
    sl_budget *budget;   /* NULL = not charged */
    const char *key;     /* the budget key (must outlive the buffer); NULL = none */
    size_t charged;      /* bytes taken from the budget */
} sl_body;

/* An empty buffer that holds at most max bytes (not charged to a budget). */
void sl_body_init(sl_body *b, size_t max);

/* Charges the buffer's memory from now on to budget (NULL is fine) under key
 * (may be NULL), for as long as it lives: first the `reserve` bytes (a body's
 * announced length; 0 = none), then whatever it grows beyond them. Returns
 * the budget's answer; on a refusal nothing is charged. */
sl_budget_rc sl_body_charge(sl_body *b, sl_budget *budget, const char *key, size_t reserve);

/* Appends n bytes. Returns 0, -1 when the result would pass the cap
 * (nothing appended), -2 when out of memory (nothing appended), -3 when the
 * budget refuses the memory (nothing appended): -3 for its total, -4 for the
 * key's share. */
int sl_body_append(sl_body *b, const void *p, size_t n);

/* Frees the data and gives back what was charged; NULL is fine. */
void sl_body_free(sl_body *b);

#endif
