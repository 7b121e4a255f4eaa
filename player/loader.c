/* loader.c — a worker thread that renders text, decodes pictures and opens videos before they are due. */
#include "player/loader.h"

#include <dirent.h>
#include <errno.h>
#include <libavutil/frame.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct sl_loader {
    pthread_mutex_t lock;
    pthread_cond_t wake; /* a job was queued or the loader stops */
    pthread_cond_t done; /* a job finished */
    pthread_t thread;
    bool started, stop;
    sl_prep *head, *tail;
    sl_prep *later_head, *later_tail; /* done only when nothing else waits (sl_loader_submit_later) */
    sl_text *text;
    bool try_hw;
    sl_kept_picture *kept; /* guarded by lock */
    size_t n_kept;
    long long kept_used;
    int64_t test_delay_ns; /* SL_TEST_LOADER's delay (loader.h) */
};

void sl_kept_pictures_free(sl_kept_picture *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        av_frame_free(&v[i].frame);
    free(v);
}

/* The kept picture of the file at path, taken out of the list; NULL when none. */
static AVFrame *take_kept(sl_loader *l, const char *path, int *orientation)
{
    struct stat st;
    AVFrame *f = NULL;
    pthread_mutex_lock(&l->lock);
    if (l->n_kept > 0 && stat(path, &st) == 0) {
        for (size_t i = 0; i < l->n_kept; i++) {
            sl_kept_picture *k = &l->kept[i];
            if (!k->frame || k->dev != st.st_dev || k->ino != st.st_ino || k->size != st.st_size ||
                k->mtime.tv_sec != st.st_mtim.tv_sec || k->mtime.tv_nsec != st.st_mtim.tv_nsec)
                continue;
            f = k->frame;
            *orientation = k->orientation;
            k->frame = NULL;
            l->kept_used++;
            break;
        }
    }
    pthread_mutex_unlock(&l->lock);
    return f;
}

/* A picture's surface laid over its decoded pixels, not a copy of them (a
 * 1920×950 poster: 7 MB less to allocate, clear and copy): the pixels move
 * to the surface's userdata and are freed with it (sl_loader_surface_free). */
static SDL_Surface *surface_from_frame(sl_frame *f)
{
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormatFrom(f->pixels, f->w, f->h, 32, f->pitch,
                                                        SDL_PIXELFORMAT_ARGB8888);
    if (!s)
        return NULL;
    s->userdata = f->pixels;
    f->pixels = NULL;
    return s;
}

void sl_loader_surface_free(SDL_Surface *s)
{
    if (!s)
        return;
    void *pixels = s->userdata; /* a picture's (surface_from_frame); NULL for text */
    SDL_FreeSurface(s);
    free(pixels);
}

/* Does one preparation (on the worker thread). */
static void prepare(sl_loader *l, sl_prep *p)
{
    const sl_item *it = p->item;
    if (it->type == SL_ITEM_TEXT) {
        p->surface = sl_text_render_item(l->text, it, p->box_w, p->box_h, p->err, sizeof p->err);
        p->failed = p->surface == NULL;
    } else if (it->type == SL_ITEM_IMAGE) {
        sl_frame f = {0};
        int orientation = 1;
        AVFrame *kept = take_kept(l, p->media_path, &orientation);
        int rc = kept ? sl_decode_image_frame(kept, orientation, p->media_path, p->box_w, p->box_h, it->fit,
                                              &f, p->err, sizeof p->err)
                      : sl_decode_image(p->media_path, p->box_w, p->box_h, it->fit, &f, p->err,
                                        sizeof p->err);
        av_frame_free(&kept);
        if (rc != 0) {
            p->failed = true;
        } else {
            p->surface = surface_from_frame(&f);
            if (!p->surface) {
                snprintf(p->err, sizeof p->err, "out of memory");
                p->failed = true;
            }
        }
        sl_frame_free(&f);
    } else if (it->type == SL_ITEM_VIDEO) {
        sl_video_opts vo = {.box_w = p->box_w, .box_h = p->box_h, .fit = it->fit,
                            .try_hw = l->try_hw, .audio = it->audio,
                            .queue_frames = SL_LOADER_CLIP_QUEUE};
        p->video = sl_video_open(p->media_path, &vo, p->err, sizeof p->err);
        p->failed = p->video == NULL;
    } else {
        /* Audio items show the zone's background; their sound is played by the audio path. */
        p->failed = false;
    }
}

static void *worker(void *arg)
{
    sl_loader *l = arg;
    pthread_mutex_lock(&l->lock);
    for (;;) {
        while (!l->stop && !l->head && !l->later_head)
            pthread_cond_wait(&l->wake, &l->lock);
        if (l->stop)
            break;
        sl_prep **head = l->head ? &l->head : &l->later_head;
        sl_prep *p = *head;
        *head = p->next;
        if (!*head)
            *(head == &l->head ? &l->tail : &l->later_tail) = NULL;
        p->next = NULL;
        pthread_mutex_unlock(&l->lock);
        prepare(l, p);
        if (l->test_delay_ns > 0) {
            struct timespec ts = {(time_t)(l->test_delay_ns / 1000000000LL), (long)(l->test_delay_ns % 1000000000LL)};
            while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
                ;
        }
        pthread_mutex_lock(&l->lock);
        p->done = true;
        pthread_cond_broadcast(&l->done);
    }
    pthread_mutex_unlock(&l->lock);
    /* SDL keeps an error message per thread (a font that cannot be opened sets
     * one): this thread is not SDL's, so its storage is freed here. */
    SDL_TLSCleanup();
    return NULL;
}

/* Whether the board has a V4L2 video device (a Pi's decoder is /dev/video10):
 * without one, asking FFmpeg for a v4l2m2m decoder only fails noisily. */
static bool has_v4l2_device(void)
{
    DIR *d = opendir("/dev");
    bool found = false;
    struct dirent *de;
    while (d && !found && (de = readdir(d)) != NULL)
        found = strncmp(de->d_name, "video", 5) == 0;
    if (d)
        closedir(d);
    return found;
}

/* SL_TEST_LOADER="delay=MS" (loader.h): every preparation takes MS ms longer. */
static int64_t read_test_delay(const sl_log *log)
{
    const char *v = getenv("SL_TEST_LOADER");
    if (!v || strncmp(v, "delay=", 6) != 0)
        return 0;
    char *end = NULL;
    double ms = strtod(v + 6, &end);
    if (end == v + 6 || *end || !(ms > 0 && ms < 60000))
        return 0;
    sl_log_warn(log, "SL_TEST_LOADER=%s: every preparation is slowed on purpose (a test aid)", v);
    return (int64_t)(ms * 1e6);
}

sl_loader *sl_loader_new(sl_text *text, bool try_hw, const sl_log *log, char *err, size_t errlen)
{
    sl_loader *l = calloc(1, sizeof *l);
    if (!l) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    l->text = text;
    l->test_delay_ns = read_test_delay(log);
    l->try_hw = try_hw && has_v4l2_device();
    pthread_mutex_init(&l->lock, NULL);
    pthread_cond_init(&l->wake, NULL);
    pthread_cond_init(&l->done, NULL);
    if (pthread_create(&l->thread, NULL, worker, l) != 0) {
        snprintf(err, errlen, "cannot start the loader thread");
        sl_loader_free(l);
        return NULL;
    }
    l->started = true;
    return l;
}

void sl_loader_free(sl_loader *l)
{
    if (!l)
        return;
    pthread_mutex_lock(&l->lock);
    l->stop = true;
    pthread_cond_broadcast(&l->wake);
    pthread_mutex_unlock(&l->lock);
    if (l->started)
        pthread_join(l->thread, NULL);
    /* Jobs never started: their owners free them; mark them done so they may. */
    for (sl_prep *p = l->head; p; p = p->next)
        p->done = true;
    for (sl_prep *p = l->later_head; p; p = p->next)
        p->done = true;
    sl_kept_pictures_free(l->kept, l->n_kept);
    pthread_cond_destroy(&l->wake);
    pthread_cond_destroy(&l->done);
    pthread_mutex_destroy(&l->lock);
    free(l);
}

void sl_loader_keep(sl_loader *l, sl_kept_picture *v, size_t n)
{
    if (!l) {
        sl_kept_pictures_free(v, n);
        return;
    }
    pthread_mutex_lock(&l->lock);
    sl_kept_picture *old = l->kept;
    size_t n_old = l->n_kept;
    l->kept = v;
    l->n_kept = v ? n : 0;
    pthread_mutex_unlock(&l->lock);
    sl_kept_pictures_free(old, n_old);
}

void sl_loader_drop_kept(sl_loader *l)
{
    sl_loader_keep(l, NULL, 0);
}

long long sl_loader_kept_used(sl_loader *l)
{
    if (!l)
        return 0;
    pthread_mutex_lock(&l->lock);
    long long n = l->kept_used;
    pthread_mutex_unlock(&l->lock);
    return n;
}

/* Queues a preparation at the end of one of the loader's queues. */
static sl_prep *queue(sl_loader *l, bool later, const sl_item *item, const char *media_path, int box_w,
                      int box_h)
{
    sl_prep *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->item = item;
    p->box_w = box_w > 0 ? box_w : 1;
    p->box_h = box_h > 0 ? box_h : 1;
    if (media_path && !(p->media_path = strdup(media_path))) {
        free(p);
        return NULL;
    }
    pthread_mutex_lock(&l->lock);
    sl_prep **head = later ? &l->later_head : &l->head, **tail = later ? &l->later_tail : &l->tail;
    if (*tail)
        (*tail)->next = p;
    else
        *head = p;
    *tail = p;
    pthread_cond_signal(&l->wake);
    pthread_mutex_unlock(&l->lock);
    return p;
}

sl_prep *sl_loader_submit(sl_loader *l, const sl_item *item, const char *media_path, int box_w,
                          int box_h)
{
    return queue(l, false, item, media_path, box_w, box_h);
}

sl_prep *sl_loader_submit_later(sl_loader *l, const sl_item *item, const char *media_path, int box_w,
                                int box_h)
{
    return queue(l, true, item, media_path, box_w, box_h);
}

bool sl_prep_ready(sl_loader *l, sl_prep *p)
{
    pthread_mutex_lock(&l->lock);
    bool d = p->done;
    pthread_mutex_unlock(&l->lock);
    return d;
}

void sl_prep_wait(sl_loader *l, sl_prep *p)
{
    pthread_mutex_lock(&l->lock);
    while (!p->done)
        pthread_cond_wait(&l->done, &l->lock);
    pthread_mutex_unlock(&l->lock);
}

void sl_prep_free(sl_prep *p)
{
    if (!p)
        return;
    sl_loader_surface_free(p->surface);
    sl_video_close(p->video);
    free(p->media_path);
    free(p);
}

void sl_loader_discard(sl_loader *l, sl_prep *p)
{
    if (!p)
        return;
    pthread_mutex_lock(&l->lock);
    for (int k = 0; k < 2 && !p->done; k++) {
        sl_prep **head = k ? &l->later_head : &l->head, **tail = k ? &l->later_tail : &l->tail;
        sl_prep *prev = NULL;
        for (sl_prep *q = *head; q; prev = q, q = q->next) {
            if (q != p)
                continue;
            if (prev)
                prev->next = q->next;
            else
                *head = q->next;
            if (*tail == q)
                *tail = prev;
            p->done = true;
            break;
        }
    }
    while (!p->done)
        pthread_cond_wait(&l->done, &l->lock);
    pthread_mutex_unlock(&l->lock);
    sl_prep_free(p);
}
