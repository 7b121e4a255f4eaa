/* budget.h — a shared, thread-safe budget of bytes (request bodies held in memory), with a share per key (a screen). */
#ifndef SL_HUB_BUDGET_H
#define SL_HUB_BUDGET_H

#include <stddef.h>

/*
 * The hub charges every request body it holds in memory to one budget made
 * by `serve` (hub.h: sl_hub.bodies): a request whose body would take the
 * total past `total` bytes is refused (503 with Retry-After) instead of
 * being read. A key (a screen's id, for requests made with its token) may
 * in addition hold at most `per_key` bytes at once, so that one token, even
 * from many connections and addresses, cannot take the whole budget.
 * Thread-safe (one mutex; a take or give is a few dozen instructions).
 * Every function accepts b == NULL: then nothing is limited.
 */
typedef struct sl_budget sl_budget;

typedef enum {
    SL_BUDGET_OK = 0,
    SL_BUDGET_FULL,    /* the total would pass its limit (or out of memory) */
    SL_BUDGET_KEY_FULL /* the key's share would pass its limit */
} sl_budget_rc;

/* A budget of `total` bytes, at most `per_key` of them per key (0 = no
 * share per key). NULL when out of memory. */
sl_budget *sl_budget_new(size_t total, size_t per_key);
void sl_budget_free(sl_budget *b);

/* Takes n bytes for key (NULL or "": counted in the total only). Nothing
 * is taken unless SL_BUDGET_OK is returned. */
sl_budget_rc sl_budget_take(sl_budget *b, const char *key, size_t n);
/* Gives back n bytes taken for the same key. */
void sl_budget_give(sl_budget *b, const char *key, size_t n);

/* Bytes held in all, and by one key. */
size_t sl_budget_used(sl_budget *b);
size_t sl_budget_key_used(sl_budget *b, const char *key);
/* The limits given to sl_budget_new (0 for NULL). */
size_t sl_budget_total(const sl_budget *b);
size_t sl_budget_per_key(const sl_budget *b);

#endif
