/* recorder.c — a writer thread between the render loop and the SQLite play journal. */
#include "player/recorder.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define RETRY_MS 1000
#define DRAIN_TRIES_ON_EXIT 3

struct sl_recorder {
    sl_journal *journal;
    const sl_log *log;
    pthread_mutex_t lock;
    pthread_cond_t wake;    /* work queued or stop */
    pthread_cond_t drained; /* the queue got shorter or the writer failed */
    pthread_t thread;
    bool started, stop, failing;
    sl_play_record *q; /* ring of SL_RECORDER_QUEUE_MAX */
    size_t head, n;
    int64_t lost, failures;
};

static void *writer(void *arg)
{
    sl_recorder *r = arg;
    int exit_tries = 0;
    pthread_mutex_lock(&r->lock);
    for (;;) {
        while (!r->stop && r->n == 0)
            pthread_cond_wait(&r->wake, &r->lock);
        if (r->n == 0)
            break; /* stopping, and all written */
        sl_play_record rec = r->q[r->head];
        pthread_mutex_unlock(&r->lock);
        char err[256];
        int rc = sl_journal_append(r->journal, &rec, err, sizeof err);
        pthread_mutex_lock(&r->lock);
        if (rc == 0) {
            r->head = (r->head + 1) % SL_RECORDER_QUEUE_MAX;
            r->n--;
            r->failing = false;
            pthread_cond_broadcast(&r->drained);
            continue;
        }
        r->failures++;
        if (!r->failing)
            sl_log_error(r->log, "could not record a play (%s); keeping it and retrying", err);
        r->failing = true;
        pthread_cond_broadcast(&r->drained);
        if (r->stop && ++exit_tries >= DRAIN_TRIES_ON_EXIT) {
            sl_log_error(r->log, "%zu plays could not be recorded before exit", r->n);
            r->lost += (int64_t)r->n;
            break;
        }
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += RETRY_MS / 1000;
        pthread_cond_timedwait(&r->wake, &r->lock, &until);
    }
    pthread_mutex_unlock(&r->lock);
    return NULL;
}

sl_recorder *sl_recorder_new(sl_journal *j, const sl_log *log, char *err, size_t errlen)
{
    sl_recorder *r = calloc(1, sizeof *r);
    if (!r || !(r->q = calloc(SL_RECORDER_QUEUE_MAX, sizeof *r->q))) {
        snprintf(err, errlen, "out of memory");
        free(r);
        return NULL;
    }
    r->journal = j;
    r->log = log;
    pthread_mutex_init(&r->lock, NULL);
    pthread_cond_init(&r->wake, NULL);
    pthread_cond_init(&r->drained, NULL);
    if (pthread_create(&r->thread, NULL, writer, r) != 0) {
        snprintf(err, errlen, "cannot start the journal writer thread");
        sl_recorder_free(r);
        return NULL;
    }
    r->started = true;
    return r;
}

void sl_recorder_submit(sl_recorder *r, const sl_play_record *rec)
{
    if (!r || !rec)
        return;
    pthread_mutex_lock(&r->lock);
    if (r->n >= SL_RECORDER_QUEUE_MAX) {
        r->lost++;
        sl_log_error(r->log, "the play journal is %d records behind; the play of %s is lost",
                     SL_RECORDER_QUEUE_MAX, rec->item);
    } else {
        r->q[(r->head + r->n) % SL_RECORDER_QUEUE_MAX] = *rec;
        r->n++;
        pthread_cond_signal(&r->wake);
    }
    pthread_mutex_unlock(&r->lock);
}

int sl_recorder_flush(sl_recorder *r)
{
    if (!r)
        return 0;
    pthread_mutex_lock(&r->lock);
    while (r->n > 0 && !r->failing)
        pthread_cond_wait(&r->drained, &r->lock);
    int rc = r->n == 0 ? 0 : -1;
    pthread_mutex_unlock(&r->lock);
    return rc;
}

int64_t sl_recorder_lost(sl_recorder *r)
{
    if (!r)
        return 0;
    pthread_mutex_lock(&r->lock);
    int64_t v = r->lost;
    pthread_mutex_unlock(&r->lock);
    return v;
}

int64_t sl_recorder_failures(sl_recorder *r)
{
    if (!r)
        return 0;
    pthread_mutex_lock(&r->lock);
    int64_t v = r->failures;
    pthread_mutex_unlock(&r->lock);
    return v;
}

void sl_recorder_free(sl_recorder *r)
{
    if (!r)
        return;
    if (r->started) {
        pthread_mutex_lock(&r->lock);
        r->stop = true;
        pthread_cond_broadcast(&r->wake);
        pthread_mutex_unlock(&r->lock);
        pthread_join(r->thread, NULL);
    }
    pthread_cond_destroy(&r->wake);
    pthread_cond_destroy(&r->drained);
    pthread_mutex_destroy(&r->lock);
    free(r->q);
    free(r);
}
