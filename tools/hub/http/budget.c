/* budget.c — a shared, thread-safe budget of bytes with a share per key (chained hash of the keys holding bytes). */
#include "tools/hub/http/budget.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define BUDGET_BUCKETS 1024u /* keys holding bytes at once are at most the connections */
#define BUDGET_KEY_MAX 64    /* longer keys are cut (identifiers are at most 64 bytes) */

typedef struct entry {
    struct entry *next;
    size_t held;
    char key[BUDGET_KEY_MAX + 1];
} entry;

struct sl_budget {
    pthread_mutex_t mu;
    size_t total, per_key, used;
    entry *buckets[BUDGET_BUCKETS];
};

static bool has_key(const char *key)
{
    return key && key[0];
}

static unsigned bucket_of(const char *key)
{
    uint32_t h = 2166136261u; /* FNV-1a */
    for (size_t i = 0; key[i] && i < BUDGET_KEY_MAX; i++)
        h = (h ^ (unsigned char)key[i]) * 16777619u;
    return h % BUDGET_BUCKETS;
}

/* The entry of key in its bucket, and the link that points at it. */
static entry *find(sl_budget *b, const char *key, entry ***link)
{
    entry **l = &b->buckets[bucket_of(key)];
    while (*l && strncmp((*l)->key, key, BUDGET_KEY_MAX) != 0)
        l = &(*l)->next;
    *link = l;
    return *l;
}

sl_budget *sl_budget_new(size_t total, size_t per_key)
{
    sl_budget *b = calloc(1, sizeof *b);
    if (!b)
        return NULL;
    if (pthread_mutex_init(&b->mu, NULL) != 0) {
        free(b);
        return NULL;
    }
    b->total = total;
    b->per_key = per_key;
    return b;
}

void sl_budget_free(sl_budget *b)
{
    if (!b)
        return;
    for (size_t i = 0; i < BUDGET_BUCKETS; i++) {
        entry *e = b->buckets[i];
        while (e) {
            entry *next = e->next;
            free(e);
            e = next;
        }
    }
    pthread_mutex_destroy(&b->mu);
    free(b);
}

sl_budget_rc sl_budget_take(sl_budget *b, const char *key, size_t n)
{
    if (!b || n == 0)
        return SL_BUDGET_OK;
    sl_budget_rc rc = SL_BUDGET_OK;
    pthread_mutex_lock(&b->mu);
    if (n > b->total - b->used) {
        rc = SL_BUDGET_FULL;
        goto out;
    }
    if (has_key(key) && b->per_key) {
        entry **link;
        entry *e = find(b, key, &link);
        size_t held = e ? e->held : 0;
        if (n > b->per_key - held) {
            rc = SL_BUDGET_KEY_FULL;
            goto out;
        }
        if (!e) {
            e = calloc(1, sizeof *e);
            if (!e) {
                rc = SL_BUDGET_FULL;
                goto out;
            }
            strncpy(e->key, key, BUDGET_KEY_MAX);
            *link = e;
        }
        e->held += n;
    }
    b->used += n;
out:
    pthread_mutex_unlock(&b->mu);
    return rc;
}

void sl_budget_give(sl_budget *b, const char *key, size_t n)
{
    if (!b || n == 0)
        return;
    pthread_mutex_lock(&b->mu);
    b->used -= n <= b->used ? n : b->used;
    if (has_key(key) && b->per_key) {
        entry **link;
        entry *e = find(b, key, &link);
        if (e) {
            e->held -= n <= e->held ? n : e->held;
            if (e->held == 0) {
                *link = e->next;
                free(e);
            }
        }
    }
    pthread_mutex_unlock(&b->mu);
}

size_t sl_budget_used(sl_budget *b)
{
    if (!b)
        return 0;
    pthread_mutex_lock(&b->mu);
    size_t u = b->used;
    pthread_mutex_unlock(&b->mu);
    return u;
}

size_t sl_budget_key_used(sl_budget *b, const char *key)
{
    if (!b || !has_key(key))
        return 0;
    pthread_mutex_lock(&b->mu);
    entry **link;
    entry *e = find(b, key, &link);
    size_t u = e ? e->held : 0;
    pthread_mutex_unlock(&b->mu);
    return u;
}

size_t sl_budget_total(const sl_budget *b)
{
    return b ? b->total : 0;
}

size_t sl_budget_per_key(const sl_budget *b)
{
    return b ? b->per_key : 0;
}
