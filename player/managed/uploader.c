/* uploader.c — the uploader thread: sends journal records to the hub in batches; a record leaves only once acked. */
#include "player/managed/uploader.h"

#include "content/json.h"
#include "content/worker.h"
#include "player/managed/hubhttp.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define UP_BATCH_DEFAULT 500
#define UP_BATCH_MAX 1000
#define UP_REPLY_MAX (64u * 1024u)

struct sl_uploader {
    sl_device dev;
    sl_journal *j;
    size_t batch;
    double idle_s, backoff_max_s;
    const sl_log *log;
    sl_clock *clock;

    sl_worker *worker;
    pthread_mutex_t mu;
    sl_uploader_status st;   /* under mu */

    /* thread only */
    sl_http *http;
    sl_play_record *recs;
    bool *this_boot;         /* per record of recs */
    int failures;
    double retry_after_s;    /* the last refusal asked to wait this long (Retry-After, capped); 0 = no ask */
    bool greeted;            /* the empty first batch was answered */
    int64_t doubted;         /* an acked_seq not believed yet (-1: none); see ack_believed */
    int doubts;              /* such answers in a row */
};

static void set_status_problem(sl_uploader *u, const char *text)
{
    pthread_mutex_lock(&u->mu);
    bool changed = strcmp(u->st.problem, text) != 0;
    snprintf(u->st.problem, sizeof u->st.problem, "%s", text);
    pthread_mutex_unlock(&u->mu);
    if (changed && text[0])
        sl_log_warn(u->log, "uploader: %s", text);
}

/* Posts n records (n may be 0). Returns 0 with the hub's answer, 1 when the
 * hub refused the batch (4xx: problem set), -1 when it did not answer or
 * answered 5xx. */
static int post_batch(sl_uploader *u, const sl_play_record *recs, size_t n, int64_t *acked, int64_t *stored,
                      int64_t *dups)
{
    int rc = -1;
    char url[SL_HTTP_URL_MAX + 64], err[512], msg[600];
    char *text = NULL;
    cJSON *body = cJSON_CreateObject(), *list = cJSON_CreateArray(), *in = NULL;
    sl_http_reply rep = {0};
    if (!body || !list) {
        cJSON_Delete(list);
        snprintf(msg, sizeof msg, "out of memory");
        set_status_problem(u, msg);
        goto out;
    }
    cJSON_AddItemToObject(body, "records", list);
    for (size_t i = 0; i < n; i++) {
        cJSON *o = sl_record_to_json(&recs[i]);
        if (!o) {
            set_status_problem(u, "out of memory");
            goto out;
        }
        cJSON_AddItemToArray(list, o);
    }
    text = sl_json_print(body, false);
    if (!text) {
        set_status_problem(u, "out of memory");
        goto out;
    }
    snprintf(url, sizeof url, "%s/api/v1/plays", u->dev.hub);
    sl_http_req rq = {.method = "POST", .url = url, .token = u->dev.token, .content_type = "application/json",
                      .body = text, .body_len = strlen(text), .reply_max = UP_REPLY_MAX, .timeout_s = 120};
    int64_t mono_sent = sl_mono_ns() / 1000000;
    int sent = sl_http_send(u->http, &rq, &rep, err, sizeof err);
    if (sent == 0 && rep.date_ms >= 0)
        sl_clock_learn_hub(u->clock, rep.date_ms, mono_sent, sl_mono_ns() / 1000000);
    pthread_mutex_lock(&u->mu);
    u->st.hub_answered = sent == 0;
    pthread_mutex_unlock(&u->mu);
    if (sent != 0) {
        snprintf(msg, sizeof msg, "hub not answering: %s", err);
        set_status_problem(u, msg);
        goto out;
    }
    if (rep.status != 200) {
        sl_http_reply_error(&rep, err, sizeof err);
        u->retry_after_s = sl_http_retry_after(&rep, u->backoff_max_s);
        if (u->retry_after_s > 0)
            snprintf(msg, sizeof msg, "the hub is busy (%s); a batch of %zu play records is kept and sent again "
                     "in %.0f s or more", err, n, u->retry_after_s);
        else
            snprintf(msg, sizeof msg, "the hub refused a batch of %zu play records (%s); they are kept", n, err);
        set_status_problem(u, msg);
        rc = rep.status >= 500 || rep.status == 429 ? -1 : 1;
        goto out;
    }
    in = sl_json_parse(rep.body ? rep.body : "", rep.len, NULL, err, sizeof err);
    const cJSON *a = in ? cJSON_GetObjectItemCaseSensitive(in, "acked_seq") : NULL;
    const cJSON *s = in ? cJSON_GetObjectItemCaseSensitive(in, "stored") : NULL;
    const cJSON *d = in ? cJSON_GetObjectItemCaseSensitive(in, "duplicates") : NULL;
    if (!cJSON_IsNumber(a) || a->valuedouble < 0 || a->valuedouble > 9007199254740992.0 ||
        a->valuedouble != floor(a->valuedouble)) {
        snprintf(msg, sizeof msg, "the hub's reply to a batch has no valid acked_seq");
        set_status_problem(u, msg);
        rc = -1; /* garbled on the way, most likely: asked again */
        goto out;
    }
    *acked = (int64_t)a->valuedouble;
    *stored = cJSON_IsNumber(s) ? (int64_t)s->valuedouble : 0;
    *dups = cJSON_IsNumber(d) ? (int64_t)d->valuedouble : 0;
    rc = 0;
out:
    sl_http_reply_free(&rep);
    cJSON_Delete(in);
    cJSON_Delete(body);
    free(text);
    return rc;
}

/* The hub holds every seq up to `acked`. Acknowledges them, or, when the
 * journal never reached that seq (it was started over), renumbers first.
 * Returns 0 or -1 (journal error: problem set). */
static int apply_acked(sl_uploader *u, int64_t acked)
{
    char msg[512];
    int64_t last = sl_journal_last_seq(u->j);
    if (last < 0)
        goto jerr;
    if (acked > last) {
        sl_log_warn(u->log,
                    "uploader: the hub holds plays up to seq %" PRId64 " but this journal only reached %" PRId64
                    ": it was started over; renumbering its records above %" PRId64,
                    acked, last, acked);
        if (sl_journal_raise_seq(u->j, acked) != 0)
            goto jerr;
        /* Re-append every pending record the hub would take for a duplicate. */
        int64_t old_max = 0, moved = 0;
        for (;;) {
            size_t n = 0;
            if (sl_journal_pending_boot(u->j, u->recs, u->this_boot, u->batch, &n) != 0)
                goto jerr;
            size_t k = 0;
            while (k < n && u->recs[k].seq <= acked && u->recs[k].seq > old_max)
                k++;
            if (k == 0)
                break;
            for (size_t i = 0; i < k; i++) {
                sl_play_record copy = u->recs[i];
                char err[256];
                if (sl_journal_append_as(u->j, &copy, u->this_boot[i], err, sizeof err) != 0) {
                    snprintf(msg, sizeof msg, "cannot renumber play records: %s", err);
                    set_status_problem(u, msg);
                    return -1;
                }
                old_max = u->recs[i].seq;
                moved++;
            }
            /* The copies are durable: the old ones may go (the hub holds those seqs). */
            if (sl_journal_ack(u->j, old_max) != 0)
                goto jerr;
        }
        pthread_mutex_lock(&u->mu);
        u->st.renumbered += moved;
        pthread_mutex_unlock(&u->mu);
        return 0;
    }
    if (acked > 0 && sl_journal_ack(u->j, acked) != 0)
        goto jerr;
    return 0;
jerr:
    snprintf(msg, sizeof msg, "journal: %s", sl_journal_errmsg(u->j));
    set_status_problem(u, msg);
    return -1;
}

/* Rewrites the untrusted records of this boot in the journal with the true
 * time's anchor. Returns 0 or -1 (journal error: problem set). */
static int correct_journal(sl_uploader *u, int64_t anchor, bool from_hub)
{
    int64_t fixed = 0;
    if (sl_journal_correct(u->j, anchor, &fixed) != 0) {
        char msg[300];
        snprintf(msg, sizeof msg, "journal: %s", sl_journal_errmsg(u->j));
        set_status_problem(u, msg);
        return -1;
    }
    if (fixed == 0)
        return 0;
    sl_log_info(u->log,
                "uploader: corrected the start of %" PRId64 " plays recorded before the true time was known "
                "(from %s)",
                fixed, from_hub ? "the hub's clock" : "NTP");
    pthread_mutex_lock(&u->mu);
    u->st.corrected += fixed;
    pthread_mutex_unlock(&u->mu);
    return 0;
}

/* Once the true time is known: the journal's untrusted records of this boot
 * are corrected (before the batch is read), then any in recs[0..n) (appended
 * in between: the writer thread does not wait for us), in the journal and in
 * the batch, with the same anchor. n = 0: the journal only. Returns 0 or -1
 * (journal error: problem set). */
static int correct_times(sl_uploader *u, size_t n)
{
    int64_t anchor = 0;
    bool from_hub = false;
    if (!sl_clock_true_anchor(u->clock, &anchor, &from_hub))
        return 0;
    size_t late = 0;
    for (size_t i = 0; i < n; i++)
        late += u->recs[i].clock_trust == SL_CLOCK_UNTRUSTED && u->this_boot[i];
    if ((n == 0 || late > 0) && correct_journal(u, anchor, from_hub) != 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        sl_play_record *r = &u->recs[i];
        if (r->clock_trust == SL_CLOCK_UNTRUSTED && u->this_boot[i] && r->mono_start_ms >= 0) {
            r->start_ms = r->mono_start_ms + anchor;
            r->clock_trust = SL_CLOCK_CORRECTED;
        }
    }
    return 0;
}

/* HTTP has no checksum: a reply damaged on the way can name an acked_seq
 * the hub never said. One above the last seq the request sent (sent_max; 0
 * for the empty first batch) would remove records the hub may lack, or
 * renumber the journal: it is believed only when the next answer repeats it.
 * Returns whether to act on it. */
static bool ack_believed(sl_uploader *u, int64_t acked, int64_t sent_max)
{
    if (acked <= sent_max || acked == u->doubted) {
        u->doubted = -1;
        u->doubts = 0;
        return true;
    }
    u->doubted = acked;
    u->doubts++;
    return false;
}

/* One step. Returns 1 when there is more to send now, 0 when idle, -1 for
 * a retry with backoff, -2 for a retry with the longest backoff. */
static int upload_step(sl_uploader *u)
{
    int64_t acked = 0, stored = 0, dups = 0;
    size_t n = 0;
    if (!u->greeted) {
        int rc = post_batch(u, NULL, 0, &acked, &stored, &dups);
        if (rc != 0)
            return rc < 0 ? -1 : -2;
        if (!ack_believed(u, acked, 0))
            return u->doubts > 1 ? -1 : 1; /* ask again (at once the first time) */
        pthread_mutex_lock(&u->mu);
        u->st.hub_acked_seq = acked;
        pthread_mutex_unlock(&u->mu);
        if (apply_acked(u, acked) != 0)
            return -1;
        u->greeted = true;
    }
    /* The first contact is behind us (its reply's Date taught the clock):
     * correct what can be, then send in seq order; nothing is held longer. */
    if (correct_times(u, 0) != 0)
        return -1;
    if (sl_journal_pending_boot(u->j, u->recs, u->this_boot, u->batch, &n) != 0) {
        char msg[300];
        snprintf(msg, sizeof msg, "journal: %s", sl_journal_errmsg(u->j));
        set_status_problem(u, msg);
        return -1;
    }
    int64_t left = sl_journal_pending_count(u->j);
    pthread_mutex_lock(&u->mu);
    u->st.pending = left >= 0 ? left : u->st.pending;
    pthread_mutex_unlock(&u->mu);
    if (n == 0) {
        set_status_problem(u, "");
        return 0;
    }
    if (correct_times(u, n) != 0)
        return -1;
    int rc = post_batch(u, u->recs, n, &acked, &stored, &dups);
    if (rc != 0)
        return rc < 0 ? -1 : -2;
    if (!ack_believed(u, acked, u->recs[n - 1].seq))
        return u->doubts > 1 ? -1 : 1; /* the batch is sent again: the hub keeps the first copy */
    pthread_mutex_lock(&u->mu);
    u->st.hub_acked_seq = acked;
    u->st.uploaded += stored;
    u->st.duplicates += dups;
    pthread_mutex_unlock(&u->mu);
    if (apply_acked(u, acked) != 0)
        return -1;
    if (acked < u->recs[n - 1].seq && acked < sl_journal_last_seq(u->j)) {
        char msg[300];
        snprintf(msg, sizeof msg,
                 "the hub acknowledges plays only up to seq %" PRId64 " (it lacks an earlier one); seq %" PRId64
                 " onwards are kept and resent",
                 acked, u->recs[0].seq);
        set_status_problem(u, msg);
        return -2;
    }
    set_status_problem(u, "");
    return 1;
}

/* One round of the uploader thread: a batch, then how long to wait. A kick
 * ends an idle wait at once; it shortens a backoff only when the hub answered
 * last, and never a wait the hub asked for. */
static double uploader_round(void *arg, bool *kickable)
{
    sl_uploader *u = arg;
    int rc = upload_step(u);
    double wait = 0;
    if (rc == 1) {
        u->failures = 0;
        return 0; /* more to send: at once */
    }
    if (rc == 0) {
        u->failures = 0;
        wait = u->idle_s;
    } else {
        bool asked = false;
        if (rc == -2) {
            wait = u->backoff_max_s;
        } else {
            wait = sl_worker_jitter(u->worker, sl_worker_backoff(&u->failures, true, 1.0, u->backoff_max_s));
            /* A busy hub's Retry-After is honoured (capped at the longest
             * backoff), spread out; no kick shortens it. */
            wait = sl_worker_retry_after(u->worker, wait, &u->retry_after_s, u->backoff_max_s, &asked);
        }
        pthread_mutex_lock(&u->mu);
        bool answered = u->st.hub_answered;
        pthread_mutex_unlock(&u->mu);
        *kickable = !asked && answered;
    }
    u->retry_after_s = 0;
    return wait;
}

static void uploader_free(sl_uploader *u)
{
    if (!u)
        return;
    sl_http_free(u->http);
    free(u->recs);
    free(u->this_boot);
    memset(&u->dev, 0, sizeof u->dev);
    sl_worker_free(u->worker);
    pthread_mutex_destroy(&u->mu);
    free(u);
}

sl_uploader *sl_uploader_start(const sl_uploader_config *cfg, char *err, size_t errlen)
{
    if (!cfg || !cfg->device || !cfg->journal || !cfg->device->hub[0] || !cfg->device->token[0]) {
        snprintf(err, errlen, "the uploader needs an enrolled device and a journal");
        return NULL;
    }
    sl_uploader *u = calloc(1, sizeof *u);
    if (!u) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    pthread_mutex_init(&u->mu, NULL);
    u->dev = *cfg->device;
    u->j = cfg->journal;
    u->batch = cfg->batch ? cfg->batch : UP_BATCH_DEFAULT;
    if (u->batch > UP_BATCH_MAX)
        u->batch = UP_BATCH_MAX;
    u->idle_s = cfg->idle_s > 0 ? cfg->idle_s : 5.0;
    u->backoff_max_s = cfg->backoff_max_s > 0 ? cfg->backoff_max_s : 600.0;
    u->log = cfg->log;
    u->clock = cfg->clock;
    u->st.hub_acked_seq = -1;
    u->doubted = -1;
    u->recs = calloc(u->batch, sizeof *u->recs);
    u->this_boot = calloc(u->batch, sizeof *u->this_boot);
    u->worker = sl_worker_new();
    u->http = u->worker ? sl_http_new_ca(sl_worker_stop_flag(u->worker), u->dev.hub_ca) : NULL;
    if (!u->recs || !u->this_boot || !u->http) {
        snprintf(err, errlen, !u->recs || !u->this_boot || !u->worker ? "out of memory" : "cannot start libcurl");
        goto fail;
    }
    if (sl_worker_start(u->worker, uploader_round, u) != 0) {
        snprintf(err, errlen, "cannot start the uploader thread");
        goto fail;
    }
    return u;
fail:
    uploader_free(u);
    return NULL;
}

void sl_uploader_kick(sl_uploader *u)
{
    if (!u)
        return;
    sl_worker_kick(u->worker);
}

void sl_uploader_get_status(sl_uploader *u, sl_uploader_status *out)
{
    if (!u) {
        memset(out, 0, sizeof *out);
        return;
    }
    pthread_mutex_lock(&u->mu);
    *out = u->st;
    pthread_mutex_unlock(&u->mu);
}

void sl_uploader_stop(sl_uploader *u)
{
    if (!u)
        return;
    sl_worker_stop(u->worker);
    uploader_free(u);
}
