/* worker.c — a background thread that runs one step at a time and waits between steps: kick, backoff with jitter, stop. */
#include "content/worker.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

struct sl_worker {
    pthread_t thread;
    bool started, joined;
    pthread_mutex_t mu;
    pthread_cond_t cv; /* on CLOCK_MONOTONIC */
    atomic_bool stop;
    sl_worker_step step;
    void *arg;
    unsigned rng; /* the worker's thread only */

    /* under mu */
    bool kicked;
    sl_worker_status st;
};

sl_worker *sl_worker_new(void)
{
    sl_worker *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    pthread_mutex_init(&w->mu, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&w->cv, &ca);
    pthread_condattr_destroy(&ca);
    atomic_init(&w->stop, false);
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    int64_t ms = (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
    w->rng = (unsigned)(ms ^ (int64_t)getpid() ^ (int64_t)(uintptr_t)w);
    return w;
}

/* Waits sec seconds, or less when stopped or kicked (and kickable). */
static void worker_wait(sl_worker *w, double sec, bool kickable)
{
    struct timespec dl;
    clock_gettime(CLOCK_MONOTONIC, &dl);
    int64_t ns = (int64_t)(sec * 1e9);
    dl.tv_sec += (time_t)(ns / 1000000000);
    dl.tv_nsec += (long)(ns % 1000000000);
    if (dl.tv_nsec >= 1000000000) {
        dl.tv_sec++;
        dl.tv_nsec -= 1000000000;
    }
    pthread_mutex_lock(&w->mu);
    w->st.waiting = true;
    while (!atomic_load(&w->stop) && !(w->kicked && kickable)) {
        if (pthread_cond_timedwait(&w->cv, &w->mu, &dl) == ETIMEDOUT)
            break;
    }
    w->kicked = false;
    w->st.waiting = false;
    pthread_mutex_unlock(&w->mu);
}

static void *worker_main(void *arg)
{
    sl_worker *w = arg;
    while (!atomic_load(&w->stop)) {
        bool kickable = true;
        double wait = w->step(w->arg, &kickable);
        pthread_mutex_lock(&w->mu);
        w->st.rounds++;
        w->st.last_wait_s = wait;
        pthread_mutex_unlock(&w->mu);
        if (wait > 0 && !atomic_load(&w->stop))
            worker_wait(w, wait, kickable);
    }
    return NULL;
}

int sl_worker_start(sl_worker *w, sl_worker_step step, void *arg)
{
    if (!w || !step || w->started)
        return -1;
    w->step = step;
    w->arg = arg;
    pthread_mutex_lock(&w->mu);
    w->st.running = true;
    pthread_mutex_unlock(&w->mu);
    if (pthread_create(&w->thread, NULL, worker_main, w) != 0) {
        pthread_mutex_lock(&w->mu);
        w->st.running = false;
        pthread_mutex_unlock(&w->mu);
        return -1;
    }
    w->started = true;
    return 0;
}

void sl_worker_kick(sl_worker *w)
{
    if (!w)
        return;
    pthread_mutex_lock(&w->mu);
    w->kicked = true;
    pthread_cond_broadcast(&w->cv);
    pthread_mutex_unlock(&w->mu);
}

bool sl_worker_stopping(const sl_worker *w)
{
    return !w || atomic_load(&w->stop);
}

const atomic_bool *sl_worker_stop_flag(const sl_worker *w)
{
    return w ? &w->stop : NULL;
}

void sl_worker_get_status(sl_worker *w, sl_worker_status *out)
{
    if (!w) {
        *out = (sl_worker_status){0};
        return;
    }
    pthread_mutex_lock(&w->mu);
    *out = w->st;
    pthread_mutex_unlock(&w->mu);
}

void sl_worker_stop(sl_worker *w)
{
    if (!w)
        return;
    pthread_mutex_lock(&w->mu);
    atomic_store(&w->stop, true);
    pthread_cond_broadcast(&w->cv);
    pthread_mutex_unlock(&w->mu);
    if (w->started && !w->joined) {
        pthread_join(w->thread, NULL);
        w->joined = true;
    }
    pthread_mutex_lock(&w->mu);
    w->st.running = false;
    w->st.waiting = false;
    pthread_mutex_unlock(&w->mu);
}

void sl_worker_free(sl_worker *w)
{
    if (!w)
        return;
    sl_worker_stop(w);
    pthread_cond_destroy(&w->cv);
    pthread_mutex_destroy(&w->mu);
    free(w);
}

double sl_worker_backoff(int *failures, bool failed, double base_s, double max_s)
{
    if (!failed) {
        *failures = 0;
        return base_s;
    }
    *failures = *failures < SL_WORKER_FAILURES_MAX ? *failures + 1 : SL_WORKER_FAILURES_MAX;
    double wait = base_s;
    for (int i = 1; i < *failures && wait < max_s; i++)
        wait *= 2;
    return wait > max_s ? max_s : wait;
}

static double worker_random(sl_worker *w)
{
    return (double)rand_r(&w->rng) / (double)RAND_MAX; /* 0..1 */
}

double sl_worker_jitter(sl_worker *w, double sec)
{
    return sec * (0.9 + 0.2 * worker_random(w));
}

double sl_worker_retry_after(sl_worker *w, double wait_s, double *asked_s, double cap_s, bool *asked)
{
    double ra = *asked_s * (1.0 + 0.5 * worker_random(w));
    *asked_s = 0;
    if (ra <= wait_s)
        return wait_s;
    if (asked)
        *asked = true;
    return ra < cap_s ? ra : cap_s;
}
