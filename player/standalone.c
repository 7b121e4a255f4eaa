/* standalone.c — a standalone player's playlist file: checked like lint, unplayable items skipped, edits re-checked on a worker thread. */
#include "player/standalone.h"

#include "content/lint.h"
#include "content/wire.h"
#include "content/worker.h"

#include <libavutil/frame.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define WATCH_INTERVAL_S 1.0 /* how often the file is looked at */

/* The item a diagnostic is about: its index, or -1 when it is about
 * something else (the document, a zone, a rule). */
static int diag_item(const sl_playlist *pl, const char *path)
{
    size_t i;
    int used = 0;
    if (strncmp(path, "fallback", 8) == 0 && (path[8] == '\0' || path[8] == '.'))
        return pl->fallback;
    if (sscanf(path, "items[%zu]%n", &i, &used) == 1 && used > 0 && i < pl->n_items &&
        (int)i != pl->fallback && (path[used] == '\0' || path[used] == '.'))
        return (int)i;
    return -1;
}

void sl_loaded_free(sl_loaded *l)
{
    if (!l)
        return;
    sl_playlist_free(l->pl);
    free(l->skips);
    sl_kept_pictures_free(l->kept, l->n_kept);
    memset(l, 0, sizeof *l);
}

/* Lists the items with errors in out->skips (the first error of each is its
 * reason), logs them and leaves them out of the model. -1 (logged) when an
 * error is not about one item. */
static int find_skips(const char *path, const sl_log *log, const sl_diags *d, sl_loaded *out)
{
    sl_playlist *pl = out->pl;
    for (size_t k = 0; k < d->n; k++) {
        if (d->v[k].severity == SL_DIAG_ERROR && diag_item(pl, d->v[k].path) < 0) {
            sl_log_error(log, "%s: %s%s%s is not about one item: the playlist cannot be played", path,
                         d->v[k].path, d->v[k].path[0] ? ": " : "", d->v[k].message);
            return -1;
        }
    }
    /* Lint keeps at most SL_DIAGS_MAX findings: an error it dropped could be anywhere. */
    if (d->dropped > 0 && d->n_errors > 0) {
        sl_log_error(log, "%s: more than %d problems: the playlist cannot be played", path, SL_DIAGS_MAX);
        return -1;
    }
    out->skips = calloc(pl->n_items ? pl->n_items : 1, sizeof *out->skips);
    bool *drop = calloc(pl->n_items ? pl->n_items : 1, sizeof *drop);
    if (!out->skips || !drop) {
        free(drop);
        sl_log_error(log, "out of memory");
        return -1;
    }
    for (size_t k = 0; k < d->n; k++) {
        int i = d->v[k].severity == SL_DIAG_ERROR ? diag_item(pl, d->v[k].path) : -1;
        if (i < 0 || drop[i])
            continue;
        drop[i] = true;
        sl_skip *s = &out->skips[out->n_skips++];
        const sl_item *it = &pl->items[i];
        sl_wire_text_cut(s->item, sizeof s->item, it->id ? it->id : "fallback");
        sl_wire_text_cut(s->zone, sizeof s->zone, it->zone >= 0 ? pl->zones[it->zone].id : "");
        sl_wire_text_cut(s->reason, sizeof s->reason, d->v[k].message);
        sl_log_warn(log, "%s: skipping %s%s%s: %s", path, s->item, s->zone[0] ? " in zone " : " (the fallback)",
                    s->zone, d->v[k].message);
    }
    sl_playlist_drop_items(pl, drop);
    free(drop);
    return 0;
}

/* Lint's keep_picture: the first picture of each zone (at most SL_KEPT_MAX). */
#define SL_KEPT_MAX 8
typedef struct {
    sl_kept_picture v[SL_KEPT_MAX];
    int zone[SL_KEPT_MAX];
    size_t n;
    bool decoding[SL_PLAYLIST_MAX_ZONES]; /* SL_LOAD_QUICK: the zone's first picture was met */
} kept_set;

/* Lint's decode_picture in a quick check: the first picture of each zone and
 * the fallback's. */
static bool decode_first_of_zone(void *ud, const sl_item *it)
{
    kept_set *ks = ud;
    if (it->zone < 0 || it->zone >= SL_PLAYLIST_MAX_ZONES)
        return true;
    bool first = !ks->decoding[it->zone];
    ks->decoding[it->zone] = true;
    return first;
}

static bool keep_first_of_zone(void *ud, const sl_item *it, const char *path, struct AVFrame *frame,
                               int orientation)
{
    kept_set *ks = ud;
    struct stat st;
    if (it->zone < 0 || ks->n >= SL_KEPT_MAX || stat(path, &st) != 0)
        return false;
    for (size_t i = 0; i < ks->n; i++)
        if (ks->zone[i] == it->zone)
            return false;
    ks->zone[ks->n] = it->zone;
    ks->v[ks->n++] = (sl_kept_picture){.frame = frame, .orientation = orientation, .dev = st.st_dev,
                                       .ino = st.st_ino, .size = st.st_size, .mtime = st.st_mtim};
    return true;
}

int sl_standalone_load(const char *path, const sl_log *log, sl_load_mode mode, sl_loaded *out)
{
    memset(out, 0, sizeof *out);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    sl_diags d;
    sl_diags_init(&d);
    kept_set ks = {.n = 0};
    sl_lint_opts lo = {.probe_media = true, .keep_model = true};
    if (mode != SL_LOAD_FULL) {
        lo.keep_picture = keep_first_of_zone;
        lo.keep_ud = &ks;
    }
    if (mode == SL_LOAD_QUICK)
        lo.decode_picture = decode_first_of_zone;
    out->pl = path ? sl_lint_file(path, &lo, &d) : NULL;
    for (size_t i = 0; i < d.n; i++)
        sl_log_msg(log, d.v[i].severity == SL_DIAG_ERROR ? SL_LOG_ERROR : SL_LOG_WARN, "%s: %s%s%s", path,
                   d.v[i].path, d.v[i].path[0] ? ": " : "", d.v[i].message);
    int rc = out->pl && find_skips(path, log, &d, out) == 0 ? 0 : -1;
    if (rc == 0) {
        size_t playable = 0;
        for (size_t i = 0; i < out->pl->n_items; i++)
            playable += (int)i != out->pl->fallback;
        if (playable == 0)
            sl_log_warn(log, "%s: no item can be played: showing the fallback", path);
    }
    sl_diags_free(&d);
    if (rc == 0 && ks.n > 0 && (out->kept = calloc(ks.n, sizeof *out->kept)) != NULL) {
        memcpy(out->kept, ks.v, ks.n * sizeof *out->kept);
        out->n_kept = ks.n;
    } else {
        for (size_t i = 0; i < ks.n; i++)
            av_frame_free(&ks.v[i].frame);
    }
    if (rc != 0)
        sl_loaded_free(out);
    else
        out->partial = mode == SL_LOAD_QUICK;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    out->check_s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    return rc;
}

/* ---- watching the file ---- */

struct sl_watch {
    char *path;
    sl_log log;       /* a copy: the thread logs through it */
    struct stat seen; /* the file as last loaded (or at start) */
    bool have_seen;
    sl_worker *worker;
    pthread_mutex_t lock; /* guards ready and recheck_asked */
    bool recheck_asked;
    bool has_ready;
    sl_loaded ready; /* a checked version not yet taken */
};

static bool changed(const struct stat *a, const struct stat *b)
{
    return a->st_mtim.tv_sec != b->st_mtim.tv_sec || a->st_mtim.tv_nsec != b->st_mtim.tv_nsec ||
           a->st_size != b->st_size || a->st_ino != b->st_ino;
}

/* One look at the file, on the worker's thread. */
static double watch_step(void *arg, bool *kickable)
{
    sl_watch *w = arg;
    (void)kickable;
    struct stat st;
    if (stat(w->path, &st) != 0)
        return WATCH_INTERVAL_S;
    pthread_mutex_lock(&w->lock);
    bool recheck = w->recheck_asked;
    w->recheck_asked = false;
    pthread_mutex_unlock(&w->lock);
    bool same = w->have_seen && !changed(&st, &w->seen);
    if (same && !recheck)
        return WATCH_INTERVAL_S;
    /* The state before reading: an edit made during the checks is seen next time. */
    w->seen = st;
    w->have_seen = true;
    sl_loaded l;
    if (sl_standalone_load(w->path, &w->log, SL_LOAD_FULL, &l) != 0) {
        if (same)
            sl_log_error(&w->log, "%s: the check of the pictures not checked at start failed: playing on", w->path);
        else
            sl_log_error(&w->log, "%s changed but has errors: keeping the current content", w->path);
        return WATCH_INTERVAL_S;
    }
    l.recheck = same;
    pthread_mutex_lock(&w->lock);
    if (w->has_ready)
        sl_loaded_free(&w->ready); /* an older edit never taken: the newest wins */
    w->ready = l;
    w->has_ready = true;
    pthread_mutex_unlock(&w->lock);
    return WATCH_INTERVAL_S;
}

sl_watch *sl_watch_new(const char *path, const sl_log *log)
{
    sl_watch *w = calloc(1, sizeof *w);
    if (!w || !(w->path = strdup(path)) || !(w->worker = sl_worker_new())) {
        sl_log_error(log, "out of memory: edits of %s will not be seen", path);
        goto fail;
    }
    w->log = *log;
    w->have_seen = stat(path, &w->seen) == 0;
    pthread_mutex_init(&w->lock, NULL);
    if (sl_worker_start(w->worker, watch_step, w) != 0) {
        sl_log_error(log, "cannot start a thread: edits of %s will not be seen", path);
        pthread_mutex_destroy(&w->lock);
        goto fail;
    }
    return w;
fail:
    if (w) {
        sl_worker_free(w->worker);
        free(w->path);
        free(w);
    }
    return NULL;
}

void sl_watch_recheck(sl_watch *w)
{
    if (!w)
        return;
    pthread_mutex_lock(&w->lock);
    w->recheck_asked = true;
    pthread_mutex_unlock(&w->lock);
    sl_worker_kick(w->worker);
}

bool sl_watch_take(sl_watch *w, sl_loaded *out)
{
    if (!w)
        return false;
    pthread_mutex_lock(&w->lock);
    bool got = w->has_ready;
    if (got) {
        *out = w->ready;
        memset(&w->ready, 0, sizeof w->ready);
        w->has_ready = false;
    }
    pthread_mutex_unlock(&w->lock);
    return got;
}

void sl_watch_free(sl_watch *w)
{
    if (!w)
        return;
    sl_worker_free(w->worker); /* stops and joins first */
    sl_loaded_free(&w->ready);
    pthread_mutex_destroy(&w->lock);
    free(w->path);
    free(w);
}
