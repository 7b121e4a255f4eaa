/* heartbeat.c — the heartbeat thread: tells the hub every minute what the screen shows; learns the hub's clock; screenshots. */
#include "player/managed/heartbeat.h"

#include "content/fsutil.h"
#include "content/json.h"
#include "content/worker.h"
#include "player/managed/hubhttp.h"
#include "player/vo.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define HB_DEFAULT_INTERVAL_S 60.0
#define HB_RETRY_AFTER_MAX_S 600.0 /* the longest a busy hub's Retry-After delays the next heartbeat */
#define HB_SHOT_MAX (2u * 1024u * 1024u) /* the hub's cap */
#define HB_TEXT_MAX 64                   /* the hub's cap on short texts */

struct sl_heartbeat {
    sl_device dev;
    char *state_dir;
    sl_sync *sync;
    sl_uploader *up;
    double interval_s;
    const sl_log *log;
    sl_clock *clock;
    void (*before_encode)(void *arg);
    void *before_encode_arg;

    sl_worker *worker;
    pthread_mutex_t mu;

    /* under mu */
    bool now;
    int64_t version;
    char item[HB_TEXT_MAX + 1];
    sl_clock_trust trust;
    char engine_problem[256];
    bool shot_requested;
    char *shot_path;
    SDL_Surface *shot_frame; /* to be encoded at shot_path first, or NULL */
    sl_heartbeat_status st;

    /* thread only */
    sl_http *http;
    double retry_after_s; /* the hub's last refusal asked to wait this long (heartbeat thread only) */
    int64_t due_mono_ms;  /* the next heartbeat */
};

static void hb_problem(sl_heartbeat *hb, const char *text)
{
    pthread_mutex_lock(&hb->mu);
    bool changed = strcmp(hb->st.problem, text) != 0;
    snprintf(hb->st.problem, sizeof hb->st.problem, "%s", text);
    pthread_mutex_unlock(&hb->mu);
    if (changed && text[0])
        sl_log_warn(hb->log, "heartbeat: %s", text);
}

static void add_problem(cJSON *list, const char *text)
{
    if (!text || !text[0] || cJSON_GetArraySize(list) >= 32)
        return;
    char buf[256];
    snprintf(buf, sizeof buf, "%s", text); /* the hub's cap: 256 bytes */
    /* do not cut a UTF-8 sequence in two */
    size_t n = strlen(buf);
    if (n == sizeof buf - 1) {
        while (n > 0 && ((unsigned char)buf[n - 1] & 0xC0) == 0x80)
            n--;
        if (n > 0 && ((unsigned char)buf[n - 1] & 0xC0) == 0xC0)
            n--;
        buf[n] = 0;
    }
    cJSON_AddItemToArray(list, cJSON_CreateString(buf));
}

static int64_t boot_uptime_s(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_BOOTTIME, &ts) != 0)
        clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec;
}

static void send_heartbeat(sl_heartbeat *hb)
{
    char url[SL_HTTP_URL_MAX + 64], err[512], msg[600];
    char *text = NULL;
    cJSON *o = cJSON_CreateObject(), *probs = cJSON_CreateArray(), *in = NULL;
    sl_http_reply rep = {0};
    sl_sync_status ss;
    sl_uploader_status us;
    int64_t version;
    char item[HB_TEXT_MAX + 1], eprob[256];
    sl_clock_trust trust;
    bool have_clock;
    int64_t offset;
    if (!o || !probs) {
        cJSON_Delete(probs);
        goto out;
    }
    pthread_mutex_lock(&hb->mu);
    version = hb->version;
    memcpy(item, hb->item, sizeof item);
    trust = hb->trust;
    memcpy(eprob, hb->engine_problem, sizeof eprob);
    have_clock = hb->st.have_clock;
    offset = hb->st.clock_offset_ms;
    pthread_mutex_unlock(&hb->mu);
    if (hb->clock) {
        trust = sl_clock_trust_now(hb->clock);
        /* The offset from whatever taught the clock the true time (any hub
         * reply, or NTP), not only from this thread's own last reply. */
        int64_t anchor;
        if (sl_clock_true_anchor(hb->clock, &anchor, NULL)) {
            offset = anchor + sl_mono_ns() / 1000000 - sl_clock_board_ms(hb->clock);
            have_clock = true;
        }
    }
    sl_sync_get_status(hb->sync, &ss);
    sl_uploader_get_status(hb->up, &us);
    if (version <= 0)
        version = ss.current_version;
    cJSON_AddNumberToObject(o, "content_version", (double)version);
    if (item[0])
        cJSON_AddStringToObject(o, "current_item", item);
    cJSON_AddNumberToObject(o, "uptime_s", (double)boot_uptime_s());
    int64_t free_b = hb->state_dir ? sl_fs_free_bytes(hb->state_dir) : -1;
    if (free_b >= 0)
        cJSON_AddNumberToObject(o, "free_disk_bytes", (double)free_b);
    if (have_clock)
        cJSON_AddNumberToObject(o, "clock_offset_ms", (double)offset);
    cJSON_AddStringToObject(o, "clock_trust", sl_clock_trust_name(trust));
    cJSON_AddStringToObject(o, "player_version", SL_PLAYER_VERSION);
    add_problem(probs, ss.refused);
    add_problem(probs, ss.media);
    add_problem(probs, ss.disk);
    add_problem(probs, ss.hub);
    add_problem(probs, us.problem);
    add_problem(probs, eprob);
    cJSON_AddItemToObject(o, "problems", probs);
    text = sl_json_print(o, false);
    if (!text)
        goto out;
    snprintf(url, sizeof url, "%s/api/v1/heartbeat", hb->dev.hub);
    sl_http_req rq = {.method = "POST", .url = url, .token = hb->dev.token, .content_type = "application/json",
                      .body = text, .body_len = strlen(text), .reply_max = 64 * 1024, .timeout_s = 30};
    int64_t mono_sent = sl_mono_ns() / 1000000;
    if (sl_http_send(hb->http, &rq, &rep, err, sizeof err) != 0) {
        snprintf(msg, sizeof msg, "hub not answering: %s", err);
        hb_problem(hb, msg);
        goto out;
    }
    if (rep.date_ms >= 0) {
        int64_t mono_recv = sl_mono_ns() / 1000000;
        int64_t local = hb->clock ? sl_clock_board_ms(hb->clock) : rep.local_ms;
        sl_clock_learn_hub(hb->clock, rep.date_ms, mono_sent, mono_recv);
        /* Just learned the true time: say so now rather than in a minute. */
        bool again = hb->clock && trust == SL_CLOCK_UNTRUSTED &&
                     sl_clock_trust_now(hb->clock) == SL_CLOCK_SYNCED;
        pthread_mutex_lock(&hb->mu);
        hb->st.have_clock = true;
        hb->st.clock_offset_ms = rep.date_ms - local;
        hb->st.clock_learned_mono_ms = mono_recv;
        if (again)
            hb->now = true;
        pthread_mutex_unlock(&hb->mu);
    }
    if (rep.status != 200) {
        sl_http_reply_error(&rep, err, sizeof err);
        hb->retry_after_s = sl_http_retry_after(&rep, HB_RETRY_AFTER_MAX_S);
        snprintf(msg, sizeof msg, "the hub refused the heartbeat (%s)", err);
        hb_problem(hb, msg);
        goto out;
    }
    hb_problem(hb, "");
    in = sl_json_parse(rep.body ? rep.body : "", rep.len, NULL, NULL, 0);
    bool want_shot = in && cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(in, "screenshot_requested"));
    pthread_mutex_lock(&hb->mu);
    hb->st.sent++;
    if (want_shot)
        hb->shot_requested = true;
    pthread_mutex_unlock(&hb->mu);
    if (want_shot)
        sl_log_info(hb->log, "heartbeat: the hub asks for a screenshot");
out:
    sl_http_reply_free(&rep);
    cJSON_Delete(in);
    cJSON_Delete(o);
    free(text);
}

static void send_screenshot(sl_heartbeat *hb, const char *path)
{
    char *data = NULL, err[512], msg[700], url[SL_HTTP_URL_MAX + 64];
    size_t len = 0;
    sl_http_reply rep = {0};
    if (sl_fs_read_file(path, HB_SHOT_MAX, &data, &len, err, sizeof err) != 0) {
        snprintf(msg, sizeof msg, "screenshot not sent: %s", err);
        hb_problem(hb, msg);
        return;
    }
    const char *type = len >= 3 && (unsigned char)data[0] == 0xFF && (unsigned char)data[1] == 0xD8 ? "image/jpeg"
                                                                                                      : "image/png";
    snprintf(url, sizeof url, "%s/api/v1/screenshot", hb->dev.hub);
    sl_http_req rq = {.method = "PUT", .url = url, .token = hb->dev.token, .content_type = type, .body = data,
                      .body_len = len, .reply_max = 64 * 1024, .timeout_s = 120};
    if (sl_http_send(hb->http, &rq, &rep, err, sizeof err) != 0) {
        snprintf(msg, sizeof msg, "screenshot not sent: %s", err);
        hb_problem(hb, msg);
    } else if (rep.status != 201) {
        sl_http_reply_error(&rep, err, sizeof err);
        hb->retry_after_s = sl_http_retry_after(&rep, HB_RETRY_AFTER_MAX_S);
        snprintf(msg, sizeof msg, "the hub refused the screenshot (%s)", err);
        hb_problem(hb, msg);
    } else {
        pthread_mutex_lock(&hb->mu);
        hb->st.screenshots_uploaded++;
        pthread_mutex_unlock(&hb->mu);
    }
    sl_http_reply_free(&rep);
    free(data);
}

static int64_t thread_cpu_us(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0)
        return 0;
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Writes a frame handed over by the render thread as a PNG; 0 or -1 (a problem reported). */
static int encode_frame(sl_heartbeat *hb, SDL_Surface *frame, const char *path)
{
    char err[1300], msg[1400];
    if (hb->before_encode)
        hb->before_encode(hb->before_encode_arg);
    int64_t t0 = thread_cpu_us();
    if (sl_vo_save_png(frame, path, err, sizeof err) != 0) {
        snprintf(msg, sizeof msg, "screenshot not written: %s", err);
        hb_problem(hb, msg);
        return -1;
    }
    int64_t cpu = thread_cpu_us() - t0;
    pthread_mutex_lock(&hb->mu);
    hb->st.screenshots_encoded++;
    hb->st.last_encode_cpu_us = cpu;
    pthread_mutex_unlock(&hb->mu);
    sl_log_info(hb->log, "screenshot %dx%d encoded as PNG in %.1f ms of CPU", frame->w, frame->h, (double)cpu / 1000.0);
    return 0;
}

/* One round of the heartbeat thread: a screenshot handed over, then the
 * heartbeat when it is due or asked for. Returns the seconds until the next
 * one; a screenshot or a heartbeat asked for kicks the wait. */
static double hb_round(void *arg, bool *kickable)
{
    sl_heartbeat *hb = arg;
    (void)kickable;
    pthread_mutex_lock(&hb->mu);
    char *shot = hb->shot_path;
    SDL_Surface *frame = hb->shot_frame;
    hb->shot_path = NULL;
    hb->shot_frame = NULL;
    bool now = hb->now;
    hb->now = false;
    pthread_mutex_unlock(&hb->mu);
    if (shot) {
        if (!sl_worker_stopping(hb->worker) && (!frame || encode_frame(hb, frame, shot) == 0))
            send_screenshot(hb, shot);
        free(shot);
    }
    SDL_FreeSurface(frame);
    if (now || sl_http_mono_ms() >= hb->due_mono_ms) {
        send_heartbeat(hb);
        double wait = sl_worker_jitter(hb->worker, hb->interval_s);
        /* A busy hub's Retry-After (capped) delays the next one, spread out. */
        wait = sl_worker_retry_after(hb->worker, wait, &hb->retry_after_s, HB_RETRY_AFTER_MAX_S, NULL);
        hb->due_mono_ms = sl_http_mono_ms() + (int64_t)(wait * 1000.0);
    }
    pthread_mutex_lock(&hb->mu);
    bool more = hb->now || hb->shot_path; /* the heartbeat's reply asked for another at once */
    pthread_mutex_unlock(&hb->mu);
    return more ? 0 : (double)(hb->due_mono_ms - sl_http_mono_ms()) / 1000.0;
}

static void hb_free(sl_heartbeat *hb)
{
    if (!hb)
        return;
    sl_http_free(hb->http);
    free(hb->state_dir);
    free(hb->shot_path);
    SDL_FreeSurface(hb->shot_frame);
    memset(&hb->dev, 0, sizeof hb->dev);
    sl_worker_free(hb->worker);
    pthread_mutex_destroy(&hb->mu);
    free(hb);
}

sl_heartbeat *sl_heartbeat_start(const sl_heartbeat_config *cfg, char *err, size_t errlen)
{
    if (!cfg || !cfg->device || !cfg->device->hub[0] || !cfg->device->token[0]) {
        snprintf(err, errlen, "the heartbeat needs an enrolled device");
        return NULL;
    }
    sl_heartbeat *hb = calloc(1, sizeof *hb);
    if (!hb) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    pthread_mutex_init(&hb->mu, NULL);
    hb->dev = *cfg->device;
    hb->sync = cfg->sync;
    hb->up = cfg->uploader;
    hb->interval_s = cfg->interval_s > 0 ? cfg->interval_s : HB_DEFAULT_INTERVAL_S;
    hb->log = cfg->log;
    hb->clock = cfg->clock;
    hb->before_encode = cfg->before_encode;
    hb->before_encode_arg = cfg->before_encode_arg;
    hb->trust = SL_CLOCK_UNTRUSTED;
    hb->state_dir = cfg->state_dir ? strdup(cfg->state_dir) : NULL;
    hb->worker = sl_worker_new();
    hb->http = hb->worker ? sl_http_new_ca(sl_worker_stop_flag(hb->worker), hb->dev.hub_ca) : NULL;
    if ((cfg->state_dir && !hb->state_dir) || !hb->http) {
        snprintf(err, errlen, hb->http || !hb->worker ? "out of memory" : "cannot start libcurl");
        goto fail;
    }
    if (sl_worker_start(hb->worker, hb_round, hb) != 0) {
        snprintf(err, errlen, "cannot start the heartbeat thread");
        goto fail;
    }
    return hb;
fail:
    hb_free(hb);
    return NULL;
}

void sl_heartbeat_set_playing(sl_heartbeat *hb, int64_t content_version, const char *item)
{
    if (!hb)
        return;
    pthread_mutex_lock(&hb->mu);
    hb->version = content_version;
    snprintf(hb->item, sizeof hb->item, "%s", item ? item : "");
    pthread_mutex_unlock(&hb->mu);
}

void sl_heartbeat_set_clock_trust(sl_heartbeat *hb, sl_clock_trust trust)
{
    if (!hb)
        return;
    pthread_mutex_lock(&hb->mu);
    hb->trust = trust;
    pthread_mutex_unlock(&hb->mu);
}

void sl_heartbeat_set_problem(sl_heartbeat *hb, const char *text)
{
    if (!hb)
        return;
    pthread_mutex_lock(&hb->mu);
    snprintf(hb->engine_problem, sizeof hb->engine_problem, "%s", text ? text : "");
    pthread_mutex_unlock(&hb->mu);
}

bool sl_heartbeat_take_screenshot_request(sl_heartbeat *hb)
{
    if (!hb)
        return false;
    pthread_mutex_lock(&hb->mu);
    bool r = hb->shot_requested;
    hb->shot_requested = false;
    pthread_mutex_unlock(&hb->mu);
    return r;
}

/* Queues path (and the frame to write there first, or NULL) in place of any queued one. */
static int queue_shot(sl_heartbeat *hb, SDL_Surface *frame, const char *path)
{
    char *p = hb && path ? strdup(path) : NULL;
    if (!p) {
        SDL_FreeSurface(frame);
        return -1;
    }
    pthread_mutex_lock(&hb->mu);
    free(hb->shot_path);
    SDL_FreeSurface(hb->shot_frame);
    hb->shot_path = p;
    hb->shot_frame = frame;
    pthread_mutex_unlock(&hb->mu);
    sl_worker_kick(hb->worker);
    return 0;
}

int sl_heartbeat_upload_screenshot(sl_heartbeat *hb, const char *path)
{
    return queue_shot(hb, NULL, path);
}

int sl_heartbeat_upload_frame(sl_heartbeat *hb, SDL_Surface *frame, const char *path)
{
    return frame ? queue_shot(hb, frame, path) : -1;
}

void sl_heartbeat_now(sl_heartbeat *hb)
{
    if (!hb)
        return;
    pthread_mutex_lock(&hb->mu);
    hb->now = true;
    pthread_mutex_unlock(&hb->mu);
    sl_worker_kick(hb->worker);
}

void sl_heartbeat_get_status(sl_heartbeat *hb, sl_heartbeat_status *out)
{
    if (!hb) {
        memset(out, 0, sizeof *out);
        return;
    }
    pthread_mutex_lock(&hb->mu);
    *out = hb->st;
    pthread_mutex_unlock(&hb->mu);
}

void sl_heartbeat_stop(sl_heartbeat *hb)
{
    if (!hb)
        return;
    sl_worker_stop(hb->worker);
    hb_free(hb);
}
