/* ratelimit.c — slows repeated failures per client address: a bounded, thread-safe table of leaky buckets (see ratelimit.h). */
#include "tools/hub/http/ratelimit.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RL_PROBE 8 /* slots looked at for one key */

/* A bucket: empty_ms is when it is empty again (the "theoretical arrival
 * time" of GCRA); a slot whose full_ms has passed is free. */
typedef struct {
    uint8_t key[SL_RATELIMIT_KEY_BYTES];
    int64_t empty_ms;
} rl_slot;

struct sl_ratelimit {
    pthread_mutex_t mu;
    rl_slot *slots;
    size_t n; /* a power of two */
    int burst;
    int64_t drain_ms;
    uint8_t hkey[crypto_shorthash_KEYBYTES];
};

sl_ratelimit *sl_ratelimit_new(size_t capacity, int burst, int64_t drain_ms)
{
    if (capacity < 8 || capacity > ((size_t)1 << 20) || burst < 1 || drain_ms < 1 || sodium_init() < 0)
        return NULL;
    sl_ratelimit *rl = calloc(1, sizeof *rl);
    if (!rl)
        return NULL;
    rl->n = 8;
    while (rl->n < capacity)
        rl->n <<= 1;
    rl->slots = calloc(rl->n, sizeof *rl->slots);
    if (!rl->slots || pthread_mutex_init(&rl->mu, NULL) != 0) {
        free(rl->slots);
        free(rl);
        return NULL;
    }
    rl->burst = burst;
    rl->drain_ms = drain_ms;
    randombytes_buf(rl->hkey, sizeof rl->hkey);
    return rl;
}

void sl_ratelimit_free(sl_ratelimit *rl)
{
    if (!rl)
        return;
    pthread_mutex_destroy(&rl->mu);
    free(rl->slots);
    free(rl);
}

void sl_ratelimit_key(const struct sockaddr *sa, uint8_t key[SL_RATELIMIT_KEY_BYTES], char *text, size_t textlen)
{
    char buf[INET6_ADDRSTRLEN];
    memset(key, 0, SL_RATELIMIT_KEY_BYTES);
    if (sa && sa->sa_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
        key[0] = 4;
        memcpy(key + 1, &in->sin_addr, 4);
        inet_ntop(AF_INET, &in->sin_addr, buf, sizeof buf);
        snprintf(text, textlen, "%s", buf);
        return;
    }
    if (sa && sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
        const uint8_t *a = in6->sin6_addr.s6_addr;
        if (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr)) {
            key[0] = 4;
            memcpy(key + 1, a + 12, 4);
            inet_ntop(AF_INET, a + 12, buf, sizeof buf);
            snprintf(text, textlen, "%s", buf);
            return;
        }
        struct in6_addr net;
        memset(&net, 0, sizeof net);
        memcpy(net.s6_addr, a, 8);
        key[0] = 6;
        memcpy(key + 1, a, 8);
        inet_ntop(AF_INET6, &net, buf, sizeof buf);
        snprintf(text, textlen, "%s/64", buf);
        return;
    }
    key[0] = 0xff;
    snprintf(text, textlen, "unknown");
}

/* The slot of key (or NULL) among its RL_PROBE neighbours; with make, a
 * free one, else the one that empties first. Called with the mutex held. */
static rl_slot *rl_find(sl_ratelimit *rl, const uint8_t key[SL_RATELIMIT_KEY_BYTES], int64_t now_ms, bool make)
{
    uint8_t h[crypto_shorthash_BYTES];
    uint64_t start;
    crypto_shorthash(h, key, SL_RATELIMIT_KEY_BYTES, rl->hkey);
    memcpy(&start, h, sizeof start);
    rl_slot *free_slot = NULL, *first_empty = NULL;
    for (size_t i = 0; i < RL_PROBE; i++) {
        rl_slot *s = &rl->slots[(start + i) & (rl->n - 1)];
        bool live = s->empty_ms > now_ms;
        if (live && memcmp(s->key, key, SL_RATELIMIT_KEY_BYTES) == 0)
            return s;
        if (!live && !free_slot)
            free_slot = s;
        if (!first_empty || s->empty_ms < first_empty->empty_ms)
            first_empty = s;
    }
    if (!make)
        return NULL;
    rl_slot *s = free_slot ? free_slot : first_empty;
    memcpy(s->key, key, SL_RATELIMIT_KEY_BYTES);
    s->empty_ms = now_ms;
    return s;
}

bool sl_ratelimit_allow(sl_ratelimit *rl, const uint8_t key[SL_RATELIMIT_KEY_BYTES], int64_t now_ms,
                        int64_t *retry_after_s)
{
    if (!rl)
        return true;
    bool ok = true;
    pthread_mutex_lock(&rl->mu);
    rl_slot *s = rl_find(rl, key, now_ms, false);
    /* Full when it holds `burst` failures: empty_ms - now > (burst - 1) drains. */
    int64_t over = s ? s->empty_ms - now_ms - (int64_t)(rl->burst - 1) * rl->drain_ms : 0;
    if (over > 0) {
        ok = false;
        if (retry_after_s)
            *retry_after_s = (over + 999) / 1000;
    }
    pthread_mutex_unlock(&rl->mu);
    return ok;
}

int sl_ratelimit_fail(sl_ratelimit *rl, const uint8_t key[SL_RATELIMIT_KEY_BYTES], int64_t now_ms)
{
    if (!rl)
        return 1;
    pthread_mutex_lock(&rl->mu);
    rl_slot *s = rl_find(rl, key, now_ms, true);
    if (s->empty_ms < now_ms)
        s->empty_ms = now_ms;
    s->empty_ms += rl->drain_ms;
    int64_t held = (s->empty_ms - now_ms + rl->drain_ms - 1) / rl->drain_ms;
    pthread_mutex_unlock(&rl->mu);
    return held >= rl->burst ? 0 : (int)(rl->burst - held);
}
