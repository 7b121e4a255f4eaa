/* ingest.c — benchmark load generator: screens post play batches at once; reports records stored/s, checks no loss or doubles. */
#define _POSIX_C_SOURCE 200809L
#include "benchutil.h"
#include <cjson/cJSON.h>
#include <curl/curl.h>

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SCREENS_MAX 256
#define BATCH_MAX 1000
#define SECONDS_MAX 600
#define BATCHES_MAX 100000 /* per screen: a hard bound on every loop */
#define LAT_MAX 8192       /* latencies kept per screen */
#define REPLY_MAX 4096
#define TOKEN_LEN 64
#define URL_MAX 512
#define ID_MAX 65
#define RECORD_BYTES 400 /* upper bound of one record's JSON */

typedef struct {
    char *data;
    size_t len, cap;
} buf;

typedef struct {
    /* in */
    int idx;
    char screen[ID_MAX];
    char token[TOKEN_LEN + 1];
    /* out */
    long long batches, sent, stored, dups, acked, errors;
    char first_error[256];
    double lat_ms[LAT_MAX];
    size_t n_lat;
} screen_run;

static struct {
    char url[URL_MAX];
    int screens, batch, seconds;
    long long max_batches;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int go; /* 0 wait, 1 run, -1 give up */
    struct timespec deadline;
} cfg;

static size_t on_body(char *ptr, size_t size, size_t nmemb, void *ud)
{
    buf *b = ud;
    size_t n = size * nmemb;
    if (b->len + n + 1 > b->cap)
        return 0; /* a reply larger than any the hub sends here: fail the transfer */
    memcpy(b->data + b->len, ptr, n);
    b->len += n;
    b->data[b->len] = '\0';
    return n;
}

/* One request: POST body (or GET when body is NULL) to path; the reply goes to
 * reply. Returns the HTTP status or -1 when the transfer failed. */
static long call(CURL *c, struct curl_slist *hdrs, const char *path, const char *body, size_t len, buf *reply)
{
    char url[URL_MAX + 128];
    long status = -1;
    snprintf(url, sizeof url, "%s%s", cfg.url, path);
    reply->len = 0;
    reply->data[0] = '\0';
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, reply);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
    if (body) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
    } else {
        curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
    }
    if (curl_easy_perform(c) != CURLE_OK)
        return -1;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    return status;
}

/* Headers for a bearer token; "Expect:" stops curl waiting for 100-continue. */
static struct curl_slist *headers_for(const char *token)
{
    char auth[TOKEN_LEN + 32];
    struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
    h = curl_slist_append(h, "Expect:");
    if (token) {
        snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
        h = curl_slist_append(h, auth);
    }
    return h;
}

/* Enrols one screen with the admin token; writes its device token. */
static int enrol(CURL *c, const char *admin, const char *screen, char *token, char *err, size_t errlen)
{
    int rc = -1;
    char body[256], reply_mem[REPLY_MAX];
    buf reply = {reply_mem, 0, sizeof reply_mem};
    struct curl_slist *ha = headers_for(admin), *hn = headers_for(NULL);
    cJSON *j = NULL;
    snprintf(body, sizeof body, "{\"screen\":\"%s\",\"ttl_s\":3600}", screen);
    long st = call(c, ha, "/api/v1/enroll-codes", body, strlen(body), &reply);
    if (st != 201 || !(j = cJSON_Parse(reply.data)) || !cJSON_IsString(cJSON_GetObjectItem(j, "code"))) {
        snprintf(err, errlen, "enroll-codes for %s: HTTP %ld %.200s", screen, st, reply.data);
        goto out;
    }
    snprintf(body, sizeof body, "{\"code\":\"%s\"}", cJSON_GetObjectItem(j, "code")->valuestring);
    cJSON_Delete(j);
    j = NULL;
    st = call(c, hn, "/api/v1/enroll", body, strlen(body), &reply);
    const cJSON *t;
    if (st != 200 || !(j = cJSON_Parse(reply.data)) || !cJSON_IsString(t = cJSON_GetObjectItem(j, "token")) ||
        strlen(t->valuestring) != TOKEN_LEN) {
        snprintf(err, errlen, "enroll for %s: HTTP %ld %.200s", screen, st, reply.data);
        goto out;
    }
    memcpy(token, t->valuestring, TOKEN_LEN + 1);
    rc = 0;
out:
    cJSON_Delete(j);
    curl_slist_free_all(ha);
    curl_slist_free_all(hn);
    return rc;
}

/* Writes a batch of records with seqs first..first+n-1 into b. */
static void make_batch(buf *b, int screen_idx, long long first, int n)
{
    static const char sha[] = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    static const char *const outcomes[] = {"completed", "completed", "completed", "cut_short"};
    size_t off = 0;
    off += (size_t)snprintf(b->data + off, b->cap - off, "{\"records\":[");
    for (int i = 0; i < n && off < b->cap; i++) {
        long long seq = first + i;
        /* 10-second plays from 2026-11-25T00:00:00Z, spread over the screens. */
        long long ms = 1795564800000LL + seq * 10000 + screen_idx * 37;
        time_t secs = (time_t)(ms / 1000);
        struct tm tm;
        gmtime_r(&secs, &tm);
        off += (size_t)snprintf(b->data + off, b->cap - off,
                                "%s{\"seq\":%lld,\"item\":\"poster-%d\",\"media_sha256\":\"%s\","
                                "\"manifest_version\":3,\"zone\":\"main\","
                                "\"start\":\"%04d-%02d-%02dT%02d:%02d:%02d.%03dZ\",\"mono_start_ms\":%lld,"
                                "\"clock_trust\":\"synced\",\"duration_ms\":10000,\"outcome\":\"%s\","
                                "\"reason\":\"\"}",
                                i ? "," : "", seq, (int)(seq % 7), sha, tm.tm_year + 1900, tm.tm_mon + 1,
                                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(ms % 1000), seq * 10000,
                                outcomes[seq & 3]);
    }
    if (off < b->cap)
        off += (size_t)snprintf(b->data + off, b->cap - off, "]}");
    b->len = off < b->cap ? off : b->cap;
}

static bool past_deadline(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec > cfg.deadline.tv_sec || (t.tv_sec == cfg.deadline.tv_sec && t.tv_nsec >= cfg.deadline.tv_nsec);
}

/* Waits until main says go; returns whether to run. */
static bool wait_go(void)
{
    pthread_mutex_lock(&cfg.mu);
    while (cfg.go == 0)
        pthread_cond_wait(&cfg.cv, &cfg.mu);
    bool run = cfg.go > 0;
    pthread_mutex_unlock(&cfg.mu);
    return run;
}

static void set_go(int go)
{
    pthread_mutex_lock(&cfg.mu);
    cfg.go = go;
    pthread_cond_broadcast(&cfg.cv);
    pthread_mutex_unlock(&cfg.mu);
}

static void *screen_main(void *arg)
{
    screen_run *s = arg;
    char reply_mem[REPLY_MAX];
    buf reply = {reply_mem, 0, sizeof reply_mem};
    buf body = {NULL, 0, (size_t)cfg.batch * RECORD_BYTES + 64};
    struct curl_slist *h = headers_for(s->token);
    CURL *c = curl_easy_init();
    body.data = malloc(body.cap);
    if (!wait_go())
        goto out;
    if (!c || !body.data || !h) {
        snprintf(s->first_error, sizeof s->first_error, "out of memory");
        s->errors++;
        goto out;
    }
    curl_easy_setopt(c, CURLOPT_TCP_NODELAY, 1L);
    for (long long b = 0; b < cfg.max_batches && !past_deadline(); b++) {
        make_batch(&body, s->idx, s->sent + 1, cfg.batch);
        double t0 = sl_bench_now_s();
        long st = call(c, h, "/api/v1/plays", body.data, body.len, &reply);
        double dt = (sl_bench_now_s() - t0) * 1000.0;
        cJSON *j = st == 200 ? cJSON_Parse(reply.data) : NULL;
        const cJSON *stored = cJSON_GetObjectItem(j, "stored"), *dups = cJSON_GetObjectItem(j, "duplicates"),
                    *acked = cJSON_GetObjectItem(j, "acked_seq");
        if (!cJSON_IsNumber(stored) || !cJSON_IsNumber(dups) || !cJSON_IsNumber(acked)) {
            if (!s->errors)
                snprintf(s->first_error, sizeof s->first_error, "batch %lld: HTTP %ld %.160s", b, st,
                         reply.data);
            s->errors++;
            cJSON_Delete(j);
            break; /* a failed batch would leave a gap: stop this screen */
        }
        s->sent += cfg.batch;
        s->stored += (long long)stored->valuedouble;
        s->dups += (long long)dups->valuedouble;
        s->acked = (long long)acked->valuedouble;
        s->batches++;
        if (s->n_lat < LAT_MAX)
            s->lat_ms[s->n_lat++] = dt;
        cJSON_Delete(j);
    }
out:
    curl_easy_cleanup(c);
    curl_slist_free_all(h);
    free(body.data);
    return NULL;
}

static void usage(void)
{
    fprintf(stderr,
            "usage: ingest --url URL (--admin TOKEN | --tokens FILE) [--screens N] [--batch N]\n"
            "              [--seconds S] [--max-batches N] [--prefix ID] [--tokens-out FILE] [--json FILE]\n"
            "  Enrols screens PREFIX00..PREFIX(N-1) with the admin token (they must be in the\n"
            "  inventory) or reads their tokens (one per line, in screen order) from FILE; then\n"
            "  every screen posts batches of records at once for S seconds (at most N batches\n"
            "  each) and the records stored per second are reported. Exit 1 when a batch\n"
            "  failed or the hub's counts show loss or duplicates.\n");
}

static int read_tokens(const char *path, screen_run *runs, int n, char *err, size_t errlen)
{
    char line[256];
    int i = 0;
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    while (i < n && fgets(line, sizeof line, f)) {
        size_t l = strcspn(line, "\r\n");
        line[l] = '\0';
        if (l != TOKEN_LEN)
            continue;
        memcpy(runs[i++].token, line, TOKEN_LEN + 1);
    }
    fclose(f);
    if (i < n) {
        snprintf(err, errlen, "%s: %d tokens, wanted %d", path, i, n);
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    int rc = 2;
    const char *admin = NULL, *tokens_in = NULL, *tokens_out = NULL, *json_out = NULL, *prefix = "bench-";
    char err[512];
    screen_run *runs = NULL;
    pthread_t th[SCREENS_MAX];
    int started = 0;
    pthread_mutex_init(&cfg.mu, NULL);
    pthread_cond_init(&cfg.cv, NULL);
    cfg.screens = 64;
    cfg.batch = 500;
    cfg.seconds = 10;
    cfg.max_batches = BATCHES_MAX;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            usage();
            return 0;
        }
        if (!v) {
            usage();
            return 2;
        }
        i++;
        if (strcmp(a, "--url") == 0)
            snprintf(cfg.url, sizeof cfg.url, "%s", v);
        else if (strcmp(a, "--admin") == 0)
            admin = v;
        else if (strcmp(a, "--tokens") == 0)
            tokens_in = v;
        else if (strcmp(a, "--tokens-out") == 0)
            tokens_out = v;
        else if (strcmp(a, "--json") == 0)
            json_out = v;
        else if (strcmp(a, "--prefix") == 0)
            prefix = v;
        else if (strcmp(a, "--screens") == 0)
            cfg.screens = atoi(v);
        else if (strcmp(a, "--batch") == 0)
            cfg.batch = atoi(v);
        else if (strcmp(a, "--seconds") == 0)
            cfg.seconds = atoi(v);
        else if (strcmp(a, "--max-batches") == 0)
            cfg.max_batches = atoll(v);
        else {
            usage();
            return 2;
        }
    }
    if (!cfg.url[0] || (!admin && !tokens_in) || cfg.screens < 1 || cfg.screens > SCREENS_MAX ||
        cfg.batch < 1 || cfg.batch > BATCH_MAX || cfg.seconds < 1 || cfg.seconds > SECONDS_MAX ||
        cfg.max_batches < 1 || cfg.max_batches > BATCHES_MAX || strlen(prefix) > 40) {
        usage();
        return 2;
    }
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0) {
        fprintf(stderr, "ingest: curl_global_init failed\n");
        return 2;
    }
    runs = calloc((size_t)cfg.screens, sizeof *runs);
    if (!runs) {
        fprintf(stderr, "ingest: out of memory\n");
        goto out;
    }
    for (int i = 0; i < cfg.screens; i++) {
        runs[i].idx = i;
        snprintf(runs[i].screen, sizeof runs[i].screen, "%s%02d", prefix, i);
    }
    if (tokens_in) {
        if (read_tokens(tokens_in, runs, cfg.screens, err, sizeof err) != 0) {
            fprintf(stderr, "ingest: %s\n", err);
            goto out;
        }
    } else {
        CURL *c = curl_easy_init();
        for (int i = 0; c && i < cfg.screens; i++) {
            if (enrol(c, admin, runs[i].screen, runs[i].token, err, sizeof err) != 0) {
                fprintf(stderr, "ingest: %s\n", err);
                curl_easy_cleanup(c);
                goto out;
            }
        }
        curl_easy_cleanup(c);
        if (!c)
            goto out;
    }
    if (tokens_out) {
        FILE *f = fopen(tokens_out, "w");
        if (!f) {
            fprintf(stderr, "ingest: %s: %s\n", tokens_out, strerror(errno));
            goto out;
        }
        for (int i = 0; i < cfg.screens; i++)
            fprintf(f, "%s\n", runs[i].token);
        if (fclose(f) != 0) {
            fprintf(stderr, "ingest: %s: write failed\n", tokens_out);
            goto out;
        }
    }

    for (; started < cfg.screens; started++) {
        if (pthread_create(&th[started], NULL, screen_main, &runs[started]) != 0) {
            fprintf(stderr, "ingest: cannot start thread %d\n", started);
            set_go(-1);
            goto out;
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &cfg.deadline);
    cfg.deadline.tv_sec += cfg.seconds;
    double t0 = sl_bench_now_s(), c0 = sl_bench_cpu_s();
    set_go(1);
    for (int i = 0; i < started; i++)
        pthread_join(th[i], NULL);
    started = 0;
    double wall = sl_bench_now_s() - t0, cpu = sl_bench_cpu_s() - c0;

    long long batches = 0, sent = 0, stored = 0, dups = 0, errors = 0, short_acks = 0;
    size_t n_lat = 0;
    for (int i = 0; i < cfg.screens; i++) {
        screen_run *s = &runs[i];
        batches += s->batches;
        sent += s->sent;
        stored += s->stored;
        dups += s->dups;
        errors += s->errors;
        if (s->acked != s->sent)
            short_acks++;
        if (s->errors)
            fprintf(stderr, "ingest: %s: %s\n", s->screen, s->first_error);
        n_lat += s->n_lat;
    }
    double *lat = calloc(n_lat ? n_lat : 1, sizeof *lat);
    double p50 = 0, p99 = 0, pmax = 0;
    if (lat) {
        size_t k = 0;
        for (int i = 0; i < cfg.screens; i++) {
            memcpy(lat + k, runs[i].lat_ms, runs[i].n_lat * sizeof *lat);
            k += runs[i].n_lat;
        }
        qsort(lat, k, sizeof *lat, sl_bench_cmp_double);
        if (k) {
            p50 = lat[k / 2];
            p99 = lat[(k * 99) / 100];
            pmax = lat[k - 1];
        }
        free(lat);
    }
    double rate = wall > 0 ? (double)stored / wall : 0;
    bool ok = errors == 0 && stored == sent && dups == 0 && short_acks == 0 && sent > 0;
    printf("ingest: %d screens x %d records/batch, %.2f s: %lld batches, %lld records sent, %lld stored, "
           "%lld duplicates\n",
           cfg.screens, cfg.batch, wall, batches, sent, stored, dups);
    printf("ingest: %.0f records/s, %.1f batches/s; batch latency p50 %.1f ms, p99 %.1f ms, max %.1f ms; "
           "load generator CPU %.2f s\n",
           rate, (double)batches / (wall > 0 ? wall : 1), p50, p99, pmax, cpu);
    printf("ingest: %s\n", ok ? "verified: every record sent was stored once and acked"
                              : "FAILED: errors, loss or duplicates (see above)");
    if (json_out) {
        FILE *f = fopen(json_out, "w");
        if (f) {
            fprintf(f,
                    "{\"screens\": %d, \"batch\": %d, \"seconds\": %.3f, \"batches\": %lld, \"sent\": %lld, "
                    "\"stored\": %lld, \"duplicates\": %lld, \"errors\": %lld, \"short_acks\": %lld, "
                    "\"records_per_s\": %.1f, \"latency_ms\": {\"p50\": %.2f, \"p99\": %.2f, \"max\": %.2f}, "
                    "\"client_cpu_s\": %.3f, \"verified\": %s}\n",
                    cfg.screens, cfg.batch, wall, batches, sent, stored, dups, errors, short_acks, rate, p50, p99,
                    pmax, cpu, ok ? "true" : "false");
            fclose(f);
        }
    }
    rc = ok ? 0 : 1;
out:
    for (int i = 0; i < started; i++)
        pthread_join(th[i], NULL);
    free(runs);
    curl_global_cleanup();
    return rc;
}
