/* authcache.c — the token-lookup cache: keyed tags, fixed slots behind striped mutexes, a generation to clear. */
#define _GNU_SOURCE
#include "tools/hub/http/authcache.h"

#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define STRIPES_MAX 64u      /* mutexes; requests on different stripes never wait for each other */
#define WINDOW 8u            /* slots probed from an entry's home slot */
#define CAPACITY_MAX (1u << 20)

typedef struct {
    uint8_t tag[SL_AUTHCACHE_TAG_BYTES];
    bool used;
    uint64_t gen;
    int64_t expires_ms;
    sl_hub_principal p;
} entry;

typedef struct {
    _Alignas(64) pthread_mutex_t mu; /* one cache line or more per stripe: no false sharing */
    entry *slots;
} stripe;

struct sl_authcache {
    _Atomic uint64_t gen;
    uint8_t key[crypto_shorthash_siphashx24_KEYBYTES];
    int64_t ttl_ms;
    size_t n_stripes; /* a power of two */
    size_t n_slots;   /* per stripe, a power of two >= WINDOW */
    stripe *stripes;
};

static size_t pow2_at_least(size_t n)
{
    size_t p = 1;
    while (p < n)
        p <<= 1;
    return p;
}

sl_authcache *sl_authcache_new(size_t capacity, int64_t ttl_ms)
{
    if (capacity == 0 || capacity > CAPACITY_MAX || ttl_ms < 1 || ttl_ms > SL_AUTHCACHE_TTL_MS_MAX)
        return NULL;
    if (sodium_init() < 0)
        return NULL;
    sl_authcache *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    randombytes_buf(c->key, sizeof c->key);
    size_t total = pow2_at_least(capacity < WINDOW ? WINDOW : capacity);
    c->n_stripes = total / WINDOW < STRIPES_MAX ? total / WINDOW : STRIPES_MAX;
    c->n_slots = total / c->n_stripes;
    c->ttl_ms = ttl_ms;
    atomic_init(&c->gen, 1);
    c->stripes = aligned_alloc(_Alignof(stripe), c->n_stripes * sizeof(stripe));
    if (!c->stripes) {
        free(c);
        return NULL;
    }
    size_t made = 0;
    for (; made < c->n_stripes; made++) {
        stripe *s = &c->stripes[made];
        s->slots = calloc(c->n_slots, sizeof(entry));
        if (!s->slots || pthread_mutex_init(&s->mu, NULL) != 0) {
            free(s->slots);
            break;
        }
    }
    if (made < c->n_stripes) {
        c->n_stripes = made; /* free what was made */
        sl_authcache_free(c);
        return NULL;
    }
    return c;
}

void sl_authcache_free(sl_authcache *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->n_stripes; i++) {
        pthread_mutex_destroy(&c->stripes[i].mu);
        free(c->stripes[i].slots);
    }
    free(c->stripes);
    sodium_memzero(c->key, sizeof c->key);
    free(c);
}

int64_t sl_authcache_now_ms(void)
{
    struct timespec ts;
#ifdef CLOCK_MONOTONIC_COARSE
    clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
#else
    clock_gettime(CLOCK_MONOTONIC, &ts);
#endif
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void sl_authcache_tag(const sl_authcache *c, const char *token, size_t len, uint8_t tag[SL_AUTHCACHE_TAG_BYTES])
{
    if (!c) {
        memset(tag, 0, SL_AUTHCACHE_TAG_BYTES);
        return;
    }
    crypto_shorthash_siphashx24(tag, (const unsigned char *)token, len, c->key);
}

uint64_t sl_authcache_generation(const sl_authcache *c)
{
    return c ? atomic_load_explicit(&((sl_authcache *)c)->gen, memory_order_acquire) : 0;
}

/* A tag is a keyed pseudo-random function of the token, so its bytes are
 * uniform: the first four pick the stripe, the next four the home slot. */
static stripe *stripe_of(sl_authcache *c, const uint8_t *tag, size_t *home)
{
    uint32_t a, b;
    memcpy(&a, tag, sizeof a);
    memcpy(&b, tag + 4, sizeof b);
    *home = b & (c->n_slots - 1);
    return &c->stripes[a & (c->n_stripes - 1)];
}

static bool live(const entry *e, uint64_t gen, int64_t now_ms)
{
    return e->used && e->gen == gen && now_ms < e->expires_ms;
}

/* Tags are compared with memcmp: a tag is not a credential (a request needs
 * the token, and the tag of a guess cannot be computed without the key), so
 * timing reveals nothing usable. */
bool sl_authcache_get(sl_authcache *c, const uint8_t tag[SL_AUTHCACHE_TAG_BYTES], int64_t now_ms,
                      sl_hub_principal *out)
{
    if (!c)
        return false;
    size_t home;
    bool hit = false;
    stripe *s = stripe_of(c, tag, &home);
    uint64_t gen = sl_authcache_generation(c);
    pthread_mutex_lock(&s->mu);
    for (size_t i = 0; i < WINDOW; i++) {
        const entry *e = &s->slots[(home + i) & (c->n_slots - 1)];
        if (e->used && memcmp(e->tag, tag, SL_AUTHCACHE_TAG_BYTES) == 0) {
            hit = live(e, gen, now_ms);
            if (hit)
                *out = e->p;
            break;
        }
    }
    pthread_mutex_unlock(&s->mu);
    return hit;
}

void sl_authcache_put(sl_authcache *c, const uint8_t tag[SL_AUTHCACHE_TAG_BYTES], const sl_hub_principal *p,
                      uint64_t gen, int64_t now_ms)
{
    if (!c || !p)
        return;
    size_t home;
    stripe *s = stripe_of(c, tag, &home);
    pthread_mutex_lock(&s->mu);
    uint64_t cur = sl_authcache_generation(c);
    if (gen != cur) { /* cleared while the store was read: what was read may be stale */
        pthread_mutex_unlock(&s->mu);
        return;
    }
    entry *same = NULL, *free_slot = NULL, *oldest = NULL;
    for (size_t i = 0; i < WINDOW; i++) {
        entry *e = &s->slots[(home + i) & (c->n_slots - 1)];
        if (e->used && memcmp(e->tag, tag, SL_AUTHCACHE_TAG_BYTES) == 0) {
            same = e;
            break;
        }
        if (!live(e, cur, now_ms)) {
            if (!free_slot)
                free_slot = e;
        } else if (!oldest || e->expires_ms < oldest->expires_ms) {
            oldest = e;
        }
    }
    entry *e = same ? same : free_slot ? free_slot : oldest;
    memcpy(e->tag, tag, SL_AUTHCACHE_TAG_BYTES);
    e->used = true;
    e->gen = gen;
    e->expires_ms = now_ms + c->ttl_ms;
    e->p = *p;
    pthread_mutex_unlock(&s->mu);
}

void sl_authcache_clear(sl_authcache *c)
{
    if (c)
        atomic_fetch_add_explicit(&c->gen, 1, memory_order_acq_rel);
}

size_t sl_authcache_count(sl_authcache *c, int64_t now_ms)
{
    size_t n = 0;
    if (!c)
        return 0;
    uint64_t gen = sl_authcache_generation(c);
    for (size_t i = 0; i < c->n_stripes; i++) {
        stripe *s = &c->stripes[i];
        pthread_mutex_lock(&s->mu);
        for (size_t j = 0; j < c->n_slots; j++)
            n += live(&s->slots[j], gen, now_ms);
        pthread_mutex_unlock(&s->mu);
    }
    return n;
}

size_t sl_authcache_capacity(const sl_authcache *c)
{
    return c ? c->n_stripes * c->n_slots : 0;
}
