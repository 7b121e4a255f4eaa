/* test_player_sync.c — managed screens against a REAL hub on loopback: enrolment, sync, refusals, uploads, heartbeats. */
#define _XOPEN_SOURCE 700 /* nftw */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "testutil.h"

#include "content/fsutil.h"
#include "content/json.h"
#include "content/keys.h"
#include "content/log.h"
#include "content/media.h"
#include "player/managed/device.h"
#include "player/managed/heartbeat.h"
#include "player/managed/hubhttp.h"
#include "player/journal.h"
#include "player/options.h"
#include "player/managed/sync.h"
#include "player/managed/uploader.h"

#include <SDL2/SDL.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/*
 * The tests of this file run in order against one hub process (state shared
 * through the group fixture): enrol → first sync → does-not-fit → switch →
 * swapped media bytes → unknown key → tampered manifest → uploads across a
 * hub restart → journal started over → heartbeat and screenshot.
 */

#define WAIT_S 60.0 /* upper bound of every wait */
#define CHANNEL "bank-lobby"
#define SCREEN "lobby-1"

typedef struct {
    char T[64];
    char hub_bin[1024], cli[1024], data[256], url[64];
    int port;
    pid_t pid;
    char admin[65], pub[65], aud[65];
    sl_device dev;
    sl_keyset pinned; /* key 1 only */
    sl_log log;
    char state[256];
    int64_t version; /* the version the hub channel is at (as published by us) */
} fx;

/* ---------- helpers ---------- */

static int run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int run(const char *fmt, ...)
{
    char cmd[8192];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    int rc = system(cmd);
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

/* Runs a command and copies the first 64-hex-digit word of its output into tok. */
static int capture_token(const char *cmd, char tok[65])
{
    FILE *p = popen(cmd, "r");
    if (!p)
        return -1;
    char line[1024];
    int rc = -1;
    while (fgets(line, sizeof line, p)) {
        for (char *s = line; *s && rc != 0; s++) {
            size_t n = strspn(s, "0123456789abcdef");
            if (n == 64) {
                memcpy(tok, s, 64);
                tok[64] = 0;
                rc = 0;
            }
            if (n)
                s += n - 1;
        }
    }
    pclose(p);
    return rc;
}

static double now_s(void)
{
    return (double)sl_http_mono_ms() / 1000.0;
}

static int free_port(void)
{
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t l = sizeof a;
    if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof a) != 0 || getsockname(s, (struct sockaddr *)&a, &l) != 0) {
        if (s >= 0)
            close(s);
        return -1;
    }
    close(s);
    return ntohs(a.sin_port);
}

/* One request to the hub from the test; returns the status (0: no answer). */
static long hub_req(fx *f, const char *method, const char *path, const char *token, const char *ctype,
                    const char *body, sl_http_reply *rep)
{
    char url[512], err[512];
    sl_http *h = sl_http_new(NULL);
    snprintf(url, sizeof url, "%s%s", f->url, path);
    sl_http_req rq = {.method = method, .url = url, .token = token, .content_type = ctype, .body = body,
                      .body_len = body ? strlen(body) : 0, .reply_max = 64u << 20};
    sl_http_reply tmp;
    sl_http_reply *r = rep ? rep : &tmp;
    long st = sl_http_send(h, &rq, r, err, sizeof err) == 0 ? r->status : 0;
    if (!rep)
        sl_http_reply_free(&tmp);
    sl_http_free(h);
    return st;
}

static void hub_start(fx *f)
{
    char listen[64], logp[512];
    snprintf(listen, sizeof listen, "127.0.0.1:%d", f->port);
    snprintf(logp, sizeof logp, "%s/hub.log", f->T);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int fd = open(logp, O_WRONLY | O_CREAT | O_APPEND, 0644);
        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
        }
        execl(f->hub_bin, "screenlit-hub", "serve", "--data", f->data, "--listen", listen, (char *)NULL);
        _exit(127);
    }
    f->pid = pid;
    double t0 = now_s();
    while (now_s() - t0 < 20) {
        if (hub_req(f, "GET", "/api/v1/health", NULL, NULL, NULL, NULL) == 200)
            return;
        sl_test_sleep_ms(50);
    }
    fail_msg("the hub did not start (see %s)", logp);
}

static void hub_stop(fx *f)
{
    if (f->pid > 0) {
        kill(f->pid, SIGTERM);
        waitpid(f->pid, NULL, 0);
        f->pid = 0;
    }
}

static int publish(fx *f, const char *dir, const char *keydir)
{
    int rc = run("'%s' publish '%s/playlist.json' --hub %s --token %s --channel " CHANNEL
                 " --key '%s/publisher.key' >>'%s/cli.log' 2>&1",
                 f->cli, dir, f->url, f->pub, keydir, f->T);
    if (rc == 0)
        f->version++;
    return rc;
}

static char *enroll_code(fx *f)
{
    sl_http_reply rep;
    long st = hub_req(f, "POST", "/api/v1/enroll-codes", f->admin, "application/json",
                      "{\"screen\":\"" SCREEN "\",\"ttl_s\":600}", &rep);
    assert_int_equal(st, 201);
    cJSON *j = sl_json_parse(rep.body, rep.len, NULL, NULL, 0);
    assert_non_null(j);
    char *code = strdup(sl_json_str(j, "code"));
    cJSON_Delete(j);
    sl_http_reply_free(&rep);
    return code;
}

static int group_setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    *state = f;
    if (sl_test_tmpdir(f->T, sizeof f->T, "sl-sync") != 0)
        return -1;
    sl_log_init(&f->log, "test-sync");
    f->log.level = SL_LOG_WARN;
    snprintf(f->hub_bin, sizeof f->hub_bin, "%s/tools/screenlit-hub", SL_BUILD_DIR);
    snprintf(f->cli, sizeof f->cli, "%s/tools/screenlit", SL_BUILD_DIR);
    snprintf(f->data, sizeof f->data, "%s/hub", f->T);
    snprintf(f->state, sizeof f->state, "%s/state", f->T);
    if (access(f->hub_bin, X_OK) != 0 || access(f->cli, X_OK) != 0) {
        fprintf(stderr, "the hub and screenlit must be built first (%s)\n", f->hub_bin);
        return -1;
    }
    /* Nothing from the environment may steer the clients. */
    const char *unset[] = {"http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY",
                           "SCREENLIT_HUB", "SCREENLIT_TOKEN", "XDG_CONFIG_HOME"};
    for (size_t i = 0; i < sizeof unset / sizeof *unset; i++)
        unsetenv(unset[i]);
    char home[128];
    snprintf(home, sizeof home, "%s/home", f->T);
    mkdir(home, 0700);
    setenv("HOME", home, 1);
    if (sl_http_global_init() != 0 || sl_keys_init() != 0)
        return -1;
    mkdir(f->data, 0755);
    if (run("'%s' keygen --out '%s/keys' >/dev/null && '%s' keygen --out '%s/keys2' >/dev/null", f->cli, f->T,
            f->cli, f->T) != 0 ||
        run("'%s' key add --data '%s' '%s/keys/publisher.pub' >/dev/null && '%s' key add --data '%s' "
            "'%s/keys2/publisher.pub' >/dev/null",
            f->hub_bin, f->data, f->T, f->hub_bin, f->data, f->T) != 0)
        return -1;
    char cmd[2048], err[256];
    const char *roles[] = {"admin", "publisher", "auditor"};
    char *toks[] = {f->admin, f->pub, f->aud};
    for (int i = 0; i < 3; i++) {
        snprintf(cmd, sizeof cmd, "'%s' token create --data '%s' --role %s --name t-%s 2>/dev/null", f->hub_bin, f->data,
                 roles[i], roles[i]);
        if (capture_token(cmd, toks[i]) != 0)
            return -1;
    }
    char kp[512];
    snprintf(kp, sizeof kp, "%s/keys/publisher.pub", f->T);
    if (sl_keyset_add_file(&f->pinned, kp, err, sizeof err) != 0)
        return -1;
    /* The sample campaign, and variants of it. */
    if (run("mkdir -p '%s/s' && cp '%s/config/sample/playlist.json' '%s/s/' && '%s/config/sample/make-media.sh' "
            "'%s/s/media' >/dev/null 2>&1",
            f->T, SL_SOURCE_DIR, f->T, SL_SOURCE_DIR, f->T) != 0)
        return -1;
    f->port = free_port();
    snprintf(f->url, sizeof f->url, "http://127.0.0.1:%d", f->port);
    hub_start(f);
    const char *csv = "id,name,site,region,unit_type,tags,channel,hours,timezone\n" SCREEN
                      ",城东支行大堂,城东支行,城东区,bank,lobby," CHANNEL ",mon-fri 08:30-17:30,Asia/Shanghai\n";
    if (hub_req(f, "PUT", "/api/v1/inventory", f->admin, "text/csv", csv, NULL) != 200)
        return -1;
    char s[256];
    snprintf(s, sizeof s, "%s/s", f->T);
    char k1[256];
    snprintf(k1, sizeof k1, "%s/keys", f->T);
    if (publish(f, s, k1) != 0)
        return -1;
    return 0;
}

static int group_teardown(void **state)
{
    fx *f = *state;
    if (!f)
        return 0;
    hub_stop(f);
    sl_keyset_free(&f->pinned);
    if (getenv("SL_KEEP_TMP") == NULL && f->T[0])
        sl_test_rmtree(f->T);
    free(f);
    return 0;
}

static sl_sync *sync_start_clock(fx *f, const char *state_dir, int64_t limit, sl_clock *clock)
{
    char err[256];
    sl_sync_config c = {.state_dir = state_dir, .device = &f->dev, .pinned = &f->pinned, .poll_s = 30,
                        .alert_poll_s = 0.2, .backoff_max_s = 1.0, .disk_limit_bytes = limit, .log = &f->log,
                        .clock = clock};
    sl_sync *s = sl_sync_start(&c, err, sizeof err);
    if (!s)
        fail_msg("sl_sync_start: %s", err);
    return s;
}

static sl_sync *sync_start(fx *f, const char *state_dir, int64_t limit)
{
    return sync_start_clock(f, state_dir, limit, NULL);
}

/* Waits for a switch; returns its version, or -1 after `timeout` seconds. */
static int64_t wait_ready(sl_sync *s, double timeout, char **path_out)
{
    double t0 = now_s();
    while (now_s() - t0 < timeout) {
        int64_t v = 0;
        char *p = sl_sync_take_ready(s, &v);
        if (p) {
            if (path_out)
                *path_out = p;
            else
                free(p);
            return v;
        }
        sl_test_sleep_ms(20);
    }
    return -1;
}

/* Every media file of the manifest at path is in the store with its hash. */
static void check_store(fx *f, const char *state_dir)
{
    char err[256];
    sl_playlist *pl = sl_sync_load_current(state_dir, &f->pinned, NULL, err, sizeof err);
    if (!pl)
        fail_msg("load current: %s", err);
    int checked = 0;
    for (size_t i = 0; i < pl->n_items; i++) {
        if (!pl->items[i].sha256)
            continue;
        char *p = sl_sync_media_path(state_dir, pl->items[i].sha256), hex[65];
        int64_t size = -1;
        assert_int_equal(sl_media_sha256_file(p, hex, &size, err, sizeof err), 0);
        assert_string_equal(hex, pl->items[i].sha256);
        assert_int_equal(size, pl->items[i].size_bytes);
        free(p);
        checked++;
    }
    assert_true(checked >= 4);
    sl_playlist_free(pl);
}

/* ---------- enrolment ---------- */

static void test_enroll_from_boot_file(void **state)
{
    fx *f = *state;
    char err[512], path[256], text[512];
    sl_device d;
    snprintf(path, sizeof path, "%s/screenlit-enroll.txt", f->T);
    assert_int_equal(sl_device_enroll_from_file(path, NULL, f->state, &d, err, sizeof err), 1); /* no file */
    assert_int_equal(sl_device_load(f->state, &d, err, sizeof err), 1);                   /* not enrolled */

    /* A wrong code: refused, the file kept. */
    snprintf(text, sizeof text, "# dropped by the installer\nhub = %s/\ncode = ABCD-EFGH-JKMN\n", f->url);
    assert_int_equal(sl_fs_write_atomic(path, text, strlen(text), 0644, false, err, sizeof err), 0);
    assert_int_equal(sl_device_enroll_from_file(path, NULL, f->state, &d, err, sizeof err), -1);
    assert_non_null(strstr(err, "refused"));
    assert_true(sl_fs_is_file(path));

    char *code = enroll_code(f);
    for (char *c = code; *c; c++) /* case does not matter */
        *c = (char)(*c >= 'A' && *c <= 'Z' ? *c - 'A' + 'a' : *c);
    snprintf(text, sizeof text, "hub = %s/\ncode = %s\n", f->url, code);
    free(code);
    assert_int_equal(sl_fs_write_atomic(path, text, strlen(text), 0644, false, err, sizeof err), 0);
    if (sl_device_enroll_from_file(path, NULL, f->state, &d, err, sizeof err) != 0)
        fail_msg("enrol: %s", err);
    assert_false(sl_fs_is_file(path)); /* the spent code is gone */
    assert_string_equal(d.screen, SCREEN);
    assert_string_equal(d.channel, CHANNEL);
    assert_string_equal(d.hub, f->url); /* trailing '/' cut */
    assert_int_equal(strlen(d.token), 64);

    char dj[300];
    struct stat st;
    snprintf(dj, sizeof dj, "%s/device.json", f->state);
    assert_int_equal(stat(dj, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(sl_device_load(f->state, &f->dev, err, sizeof err), 0);
    assert_memory_equal(&f->dev, &d, sizeof d);

    /* The code is spent: the same file again is refused by the hub. */
    (void)text;
}

/* ---------- sync ---------- */

static void test_sync_first_manifest(void **state)
{
    fx *f = *state;
    char err[256], *path = NULL;
    sl_sync *s = sync_start(f, f->state, 0);
    int64_t v = wait_ready(s, WAIT_S, &path);
    assert_int_equal(v, 1);
    assert_non_null(strstr(path, "current.manifest"));
    free(path);
    check_store(f, f->state);
    /* Media bytes equal the sample's. */
    char a[512], b[512];
    const char *names[] = {"poster-app.png", "poster-elderly.jpg", "poster-leader.png", "clip.mp4", "poster-weekend.png"};
    for (size_t i = 0; i < 5; i++) {
        char hex[65];
        int64_t size;
        snprintf(a, sizeof a, "%s/s/media/%s", f->T, names[i]);
        assert_int_equal(sl_media_sha256_file(a, hex, &size, err, sizeof err), 0);
        char *p = sl_sync_media_path(f->state, hex);
        snprintf(b, sizeof b, "cmp -s '%s' '%s'", a, p);
        assert_int_equal(run("%s", b), 0);
        free(p);
    }
    /* Then it polls with If-None-Match: 304s, no new switch (waited for, up to 60 s). */
    sl_sync_status st;
    sl_sync_get_status(s, &st);
    for (int i = 0; i < 1200 && st.not_modified < 1; i++) {
        sl_test_sleep_ms(50);
        sl_sync_get_status(s, &st);
    }
    assert_true(st.not_modified >= 1);
    assert_int_equal(st.current_version, 1);
    assert_int_equal(st.switches, 1);
    assert_string_equal(st.refused, "");
    assert_string_equal(st.channel, CHANNEL);
    assert_string_equal(st.current_channel, CHANNEL);
    assert_null(sl_sync_take_ready(s, NULL));
    sl_sync_stop(s);
    /* The highest version switched to, per channel, is kept durably. */
    char fl[512], *text = NULL;
    size_t len = 0;
    snprintf(fl, sizeof fl, "%s/floors.json", f->state);
    assert_int_equal(sl_fs_read_file(fl, 4096, &text, &len, err, sizeof err), 0);
    assert_string_equal(text, "{\"" CHANNEL "\":1}\n");
    free(text);

    /* The hub names the screen's channel in its manifest replies, 200 and 304 alike. */
    char url[256];
    snprintf(url, sizeof url, "%s/api/v1/manifest", f->url);
    sl_http *h = sl_http_new(NULL);
    sl_http_reply rep;
    sl_http_req rq = {.method = "GET", .url = url, .token = f->dev.token, .reply_max = 8u << 20};
    assert_int_equal(sl_http_send(h, &rq, &rep, err, sizeof err), 0);
    assert_int_equal(rep.status, 200);
    assert_string_equal(rep.channel, CHANNEL);
    char etag[160];
    snprintf(etag, sizeof etag, "%s", rep.etag);
    sl_http_reply_free(&rep);
    rq.if_none_match = etag;
    assert_int_equal(sl_http_send(h, &rq, &rep, err, sizeof err), 0);
    assert_int_equal(rep.status, 304);
    assert_string_equal(rep.channel, CHANNEL);
    sl_http_reply_free(&rep);
    sl_http_free(h);

    /* A restart knows its version at once and does not switch again; on a
     * board whose clock says 1970, the manifest poll's reply (its Date)
     * teaches the clock the true time. */
    sl_clock board;
    sl_clock_init_skewed(&board, 0);
    int64_t anchor;
    bool from_hub;
    assert_false(sl_clock_true_anchor(&board, &anchor, &from_hub));
    s = sync_start_clock(f, f->state, 0, &board);
    sl_sync_get_status(s, &st);
    assert_int_equal(st.current_version, 1);
    for (int i = 0; i < 1200 && (st.polls < 1 || !sl_clock_true_anchor(&board, NULL, NULL)); i++) {
        sl_test_sleep_ms(50);
        sl_sync_get_status(s, &st);
    }
    assert_null(sl_sync_take_ready(s, NULL));
    sl_sync_get_status(s, &st);
    assert_string_equal(st.refused, "");
    sl_sync_stop(s);
    assert_true(st.polls >= 1);
    assert_true(sl_clock_true_anchor(&board, &anchor, &from_hub));
    assert_true(from_hub);
}

static void test_sync_does_not_fit(void **state)
{
    fx *f = *state;
    char st2[300];
    snprintf(st2, sizeof st2, "%s/state-small", f->T);
    sl_sync *s = sync_start(f, st2, 100000); /* 100 kB: the clip alone is more */
    sl_sync_status st;
    double t0 = now_s();
    do {
        sl_test_sleep_ms(50);
        sl_sync_get_status(s, &st);
    } while (!st.refused[0] && now_s() - t0 < WAIT_S);
    assert_non_null(strstr(st.refused, "does not fit"));
    assert_int_equal(st.current_version, 0);
    assert_null(sl_sync_take_ready(s, NULL));
    sl_sync_stop(s);
    char cm[400];
    snprintf(cm, sizeof cm, "%s/current.manifest", st2);
    assert_false(sl_fs_is_file(cm));
    snprintf(cm, sizeof cm, "%s/media", st2);
    assert_int_equal(sl_test_count_files(cm), 0); /* nothing downloaded */
}

static void test_sync_switch_and_cleanup(void **state)
{
    fx *f = *state;
    char err[256], mdir[300], a[600], *path = NULL;
    /* Version 2: the weekend poster replaced by the app poster's bytes, so one media file is no longer used. */
    assert_int_equal(run("cp -r '%s/s' '%s/s2' && cp '%s/s2/media/poster-app.png' '%s/s2/media/poster-weekend.png'",
                         f->T, f->T, f->T, f->T), 0);
    char old_hex[65];
    int64_t size;
    snprintf(a, sizeof a, "%s/s/media/poster-weekend.png", f->T);
    assert_int_equal(sl_media_sha256_file(a, old_hex, &size, err, sizeof err), 0);
    char *old_path = sl_sync_media_path(f->state, old_hex);
    assert_true(sl_fs_is_file(old_path));

    sl_sync *s = sync_start(f, f->state, 0);
    snprintf(a, sizeof a, "%s/s2", f->T);
    char k1[300];
    snprintf(k1, sizeof k1, "%s/keys", f->T);
    assert_int_equal(publish(f, a, k1), 0);
    /* The parsed form, for the render thread. */
    sl_playlist *pl = NULL;
    int64_t v = -1;
    double t1 = now_s();
    while (!pl && now_s() - t1 < WAIT_S) {
        pl = sl_sync_take_ready_playlist(s, &v);
        sl_test_sleep_ms(20);
    }
    assert_non_null(pl);
    assert_int_equal(v, 2);
    assert_int_equal(pl->version, 2);
    assert_null(sl_sync_take_ready(s, NULL)); /* taken once */
    sl_playlist_free(pl);
    (void)path;
    check_store(f, f->state);
    /* Taken: the unused file goes at the next round. */
    double t0 = now_s();
    while (sl_fs_is_file(old_path) && now_s() - t0 < WAIT_S)
        sl_test_sleep_ms(20);
    assert_false(sl_fs_is_file(old_path));
    snprintf(mdir, sizeof mdir, "%s/media", f->state);
    assert_int_equal(sl_test_count_files(mdir), 4);
    sl_sync_stop(s);
    free(old_path);
}

static void test_sync_swapped_media_refused(void **state)
{
    fx *f = *state;
    char err[256], a[700], cur_before[400], *env0 = NULL, *env1 = NULL, *path = NULL;
    size_t len0 = 0, len1 = 0;
    /* Version 3 with a new poster the screen does not have. */
    assert_int_equal(run("cp -r '%s/s' '%s/s3' && ffmpeg -v error -y -f lavfi -i color=c=blue:s=320x180 "
                         "-frames:v 1 '%s/s3/media/poster-weekend.png'",
                         f->T, f->T, f->T), 0);
    char hex[65];
    int64_t size;
    snprintf(a, sizeof a, "%s/s3/media/poster-weekend.png", f->T);
    assert_int_equal(sl_media_sha256_file(a, hex, &size, err, sizeof err), 0);
    snprintf(a, sizeof a, "%s/s3", f->T);
    char k1[300];
    snprintf(k1, sizeof k1, "%s/keys", f->T);
    assert_int_equal(publish(f, a, k1), 0);
    /* The hub's store now serves other bytes of the same size under that hash (a swapped file on a CDN). */
    char hubfile[600], keep[600];
    snprintf(hubfile, sizeof hubfile, "%s/media/%s", f->data, hex);
    snprintf(keep, sizeof keep, "%s/good.png", f->T);
    assert_int_equal(run("cp '%s' '%s' && head -c %lld /dev/urandom > '%s'", hubfile, keep, (long long)size, hubfile),
                     0);

    snprintf(cur_before, sizeof cur_before, "%s/current.manifest", f->state);
    assert_int_equal(sl_fs_read_file(cur_before, 1u << 23, &env0, &len0, err, sizeof err), 0);
    sl_sync *s = sync_start(f, f->state, 0);
    sl_sync_status st;
    double t0 = now_s();
    do {
        sl_test_sleep_ms(50);
        sl_sync_get_status(s, &st);
    } while (!st.media[0] && now_s() - t0 < WAIT_S);
    assert_non_null(strstr(st.media, "do not match"));
    assert_int_equal(st.current_version, 2);
    assert_int_equal(st.pending_version, 3);
    assert_null(sl_sync_take_ready(s, NULL));
    assert_int_equal(sl_fs_read_file(cur_before, 1u << 23, &env1, &len1, err, sizeof err), 0);
    assert_int_equal(len0, len1);
    assert_memory_equal(env0, env1, len0); /* the old manifest untouched */
    char *bad = sl_sync_media_path(f->state, hex);
    assert_false(sl_fs_is_file(bad)); /* never renamed into place */

    /* The right bytes come back: it retries and switches. */
    assert_int_equal(run("cp '%s' '%s'", keep, hubfile), 0);
    int64_t v = wait_ready(s, WAIT_S, &path);
    assert_int_equal(v, 3);
    free(path);
    assert_true(sl_fs_is_file(bad));
    sl_sync_get_status(s, &st);
    assert_string_equal(st.media, "");
    check_store(f, f->state);
    sl_sync_stop(s);
    free(bad);
    free(env0);
    free(env1);
}

static void test_sync_unknown_key_and_tampered_refused(void **state)
{
    fx *f = *state;
    char err[256], a[600], cur[400], *env0 = NULL, *env1 = NULL;
    size_t len0 = 0, len1 = 0;
    snprintf(cur, sizeof cur, "%s/current.manifest", f->state);
    assert_int_equal(sl_fs_read_file(cur, 1u << 23, &env0, &len0, err, sizeof err), 0);
    sl_sync *s = sync_start(f, f->state, 0);
    sl_test_sleep_ms(500);
    assert_null(sl_sync_take_ready(s, NULL));

    /* Version 4 signed with a key the hub holds but the screen does not pin. */
    snprintf(a, sizeof a, "%s/s", f->T);
    char k2[300];
    snprintf(k2, sizeof k2, "%s/keys2", f->T);
    assert_int_equal(publish(f, a, k2), 0);
    sl_sync_status st;
    double t0 = now_s();
    do {
        sl_test_sleep_ms(50);
        sl_sync_get_status(s, &st);
    } while (!st.refused[0] && now_s() - t0 < WAIT_S);
    assert_non_null(strstr(st.refused, "not pinned"));
    assert_int_equal(st.current_version, 3);

    /* A tampered envelope (one byte of the payload changed) slipped into the hub's store as version 99. */
    sqlite3 *db = NULL;
    char dbp[400];
    snprintf(dbp, sizeof dbp, "%s/hub.db", f->data);
    assert_int_equal(sqlite3_open(dbp, &db), SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    char *bad = strdup(env0);
    char *p = strstr(bad, "poster-app");
    assert_non_null(p);
    p[9] = 'q';
    sqlite3_stmt *q = NULL;
    assert_int_equal(sqlite3_prepare_v2(db, "INSERT INTO manifests(channel, version, envelope, published) "
                                            "VALUES('" CHANNEL "', 99, ?1, 0)", -1, &q, NULL), SQLITE_OK);
    sqlite3_bind_text(q, 1, bad, -1, SQLITE_STATIC);
    assert_int_equal(sqlite3_step(q), SQLITE_DONE);
    sqlite3_finalize(q);
    sqlite3_close(db);
    free(bad);
    t0 = now_s();
    do {
        sl_test_sleep_ms(50);
        sl_sync_get_status(s, &st);
    } while (!strstr(st.refused, "signature") && now_s() - t0 < WAIT_S);
    assert_non_null(strstr(st.refused, "signature does not match"));
    assert_int_equal(st.current_version, 3);
    assert_null(sl_sync_take_ready(s, NULL));
    sl_sync_stop(s);
    assert_int_equal(sl_fs_read_file(cur, 1u << 23, &env1, &len1, err, sizeof err), 0);
    assert_int_equal(len0, len1);
    assert_memory_equal(env0, env1, len0);
    check_store(f, f->state);
    free(env0);
    free(env1);
}


/* A download cut short resumes with Range from the .part file; a .part that does not match the file is thrown
 * away after the hash check, and fetched again whole. */
static void test_sync_resume_part(void **state)
{
    fx *f = *state;
    char err[256], st2[300], a[700], clip_hex[65], app_hex[65];
    int64_t clip_size, app_size;
    snprintf(st2, sizeof st2, "%s/state-resume", f->T);
    snprintf(a, sizeof a, "%s/s/media/clip.mp4", f->T);
    assert_int_equal(sl_media_sha256_file(a, clip_hex, &clip_size, err, sizeof err), 0);
    snprintf(a, sizeof a, "%s/s/media/poster-app.png", f->T);
    assert_int_equal(sl_media_sha256_file(a, app_hex, &app_size, err, sizeof err), 0);
    assert_int_equal(run("mkdir -p '%s/media' && head -c 1000000 '%s/s/media/clip.mp4' > '%s/media/%s.part' && "
                         "head -c 30000 /dev/urandom > '%s/media/%s.part'",
                         st2, f->T, st2, clip_hex, st2, app_hex), 0);
    sl_sync *s = sync_start(f, st2, 0);
    assert_int_equal(wait_ready(s, WAIT_S, NULL), 1);
    check_store(f, st2);
    sl_sync_status st;
    sl_sync_get_status(s, &st);
    /* everything but the 1 000 000 bytes held, plus the poster's tail once and the poster again whole */
    int64_t total = 0;
    const char *names[] = {"poster-app.png", "poster-elderly.jpg", "poster-leader.png", "clip.mp4", "poster-weekend.png"};
    for (size_t i = 0; i < 5; i++) {
        char hex[65];
        int64_t size;
        snprintf(a, sizeof a, "%s/s/media/%s", f->T, names[i]);
        assert_int_equal(sl_media_sha256_file(a, hex, &size, err, sizeof err), 0);
        total += size;
    }
    assert_int_equal(st.fetched_bytes, total - 1000000 + (app_size - 30000));
    sl_sync_stop(s);
}

/* kill -9 the syncing process at random moments (0–60 ms after its start, which on loopback lands before, during
 * and after the downloads and the switch): whenever current.manifest exists it verifies and every file it names is
 * present and whole; the next run resumes; the last one completes. */
static void test_sync_kill9_cycles(void **state)
{
    fx *f = *state;
    char st2[300], err[256];
    snprintf(st2, sizeof st2, "%s/state-kill", f->T);
    unsigned seed = (unsigned)sl_http_now_ms();
    int cycles = 30, with_manifest = 0, with_part = 0;
    for (int i = 0; i <= cycles; i++) {
        if (i % 3 == 0 && i < cycles) /* start again from an empty store now and then */
            run("rm -rf '%s'", st2);
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            sl_sync *s = sync_start(f, st2, 0);
            for (int t = 0; t < 6000; t++) { /* at most about 60 s */
                sl_sync_status st;
                free(sl_sync_take_ready(s, NULL));
                sl_sync_get_status(s, &st);
                if (st.current_version == 1 && i == cycles)
                    _exit(0);
                sl_test_sleep_ms(10);
            }
            _exit(1);
        }
        if (i < cycles) {
            sl_test_sleep_ms((int)(rand_r(&seed) % 60));
            kill(pid, SIGKILL);
        }
        int ws = 0;
        waitpid(pid, &ws, 0);
        char cm[400];
        snprintf(cm, sizeof cm, "%s/media", st2);
        if (run("ls '%s' 2>/dev/null | grep -q 'part$'", cm) == 0)
            with_part++;
        snprintf(cm, sizeof cm, "%s/current.manifest", st2);
        if (sl_fs_is_file(cm)) {
            with_manifest++;
            sl_playlist *pl = sl_sync_load_current(st2, &f->pinned, NULL, err, sizeof err);
            if (!pl)
                fail_msg("cycle %d: the stored manifest is not whole: %s", i, err);
            sl_playlist_free(pl);
            check_store(f, st2);
        }
        if (i == cycles)
            assert_true(WIFEXITED(ws) && WEXITSTATUS(ws) == 0);
    }
    assert_true(with_manifest >= 1);
    fprintf(stderr, "kill -9 cycles: %d, killed mid-download: %d, with a manifest in place: %d\n", cycles, with_part,
            with_manifest);
}

/* ---------- proof of play ---------- */

static void append_n(sl_journal *j, int n, const char *prefix, int64_t start_ms)
{
    char err[256];
    for (int i = 0; i < n; i++) {
        sl_play_record r;
        memset(&r, 0, sizeof r);
        snprintf(r.screen, sizeof r.screen, SCREEN);
        snprintf(r.item, sizeof r.item, "%s-%d", prefix, i);
        snprintf(r.zone, sizeof r.zone, "main");
        r.manifest_version = 3;
        r.start_ms = start_ms + (int64_t)i * 10000;
        r.mono_start_ms = 1000 + (int64_t)i * 10000;
        r.clock_trust = SL_CLOCK_SYNCED;
        r.duration_ms = 10000;
        r.outcome = SL_OUTCOME_COMPLETED;
        if (sl_journal_append(j, &r, err, sizeof err) != 0)
            fail_msg("append: %s", err);
    }
}

/* The hub's records of the screen: count, highest seq, and whether seqs are 1..n without repeats. */
/* Checks that the hub holds exactly seqs 1..want of the screen, each once, the last of item
 * want_last (unless NULL). */
static void expect_hub_plays(fx *f, int want, const char *want_last)
{
    char last_item[65] = "";
    sl_http_reply rep;
    assert_int_equal(hub_req(f, "GET", "/api/v1/plays?screen=" SCREEN "&limit=10000", f->aud, NULL, NULL, &rep), 200);
    sl_json_limits lim = {.max_bytes = 64u << 20};
    cJSON *j = sl_json_parse(rep.body, rep.len, &lim, NULL, 0);
    assert_non_null(j);
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(j, "records"), *o;
    int n = 0;
    int64_t prev = 0;
    bool dense = true;
    cJSON_ArrayForEach(o, list)
    {
        int64_t seq = (int64_t)cJSON_GetObjectItemCaseSensitive(o, "seq")->valuedouble;
        if (seq != prev + 1)
            dense = false;
        prev = seq;
        snprintf(last_item, sizeof last_item, "%s", sl_json_str(o, "item"));
        n++;
    }
    cJSON_Delete(j);
    sl_http_reply_free(&rep);
    assert_int_equal(n, want);
    assert_int_equal(prev, want);
    assert_true(dense);
    if (want_last)
        assert_string_equal(last_item, want_last);
}

static bool wait_pending_zero(sl_journal *j, double timeout)
{
    double t0 = now_s();
    while (now_s() - t0 < timeout) {
        if (sl_journal_pending_count(j) == 0)
            return true;
        sl_test_sleep_ms(20);
    }
    return false;
}

static void test_upload_across_hub_restart(void **state)
{
    fx *f = *state;
    char err[256], jp[300];
    snprintf(jp, sizeof jp, "%s/journal.db", f->state);
    sl_journal *j = sl_journal_open(jp, err, sizeof err);
    assert_non_null(j);
    append_n(j, 1200, "a", 1795000000000LL);
    sl_uploader_config c = {.device = &f->dev, .journal = j, .batch = 500, .idle_s = 0.1, .backoff_max_s = 1.0,
                            .log = &f->log};
    sl_uploader *u = sl_uploader_start(&c, err, sizeof err);
    assert_non_null(u);
    assert_true(wait_pending_zero(j, WAIT_S));
    expect_hub_plays(f, 1200, NULL);

    /* The hub goes away; plays go on; they wait in the journal. */
    hub_stop(f);
    append_n(j, 300, "b", 1796000000000LL);
    sl_uploader_kick(u);
    sl_uploader_status us;
    sl_uploader_get_status(u, &us);
    for (int i = 0; i < 1200 && !strstr(us.problem, "not answering"); i++) {
        sl_test_sleep_ms(50);
        sl_uploader_get_status(u, &us);
    }
    assert_false(us.hub_answered);
    assert_non_null(strstr(us.problem, "not answering"));
    assert_int_equal(sl_journal_pending_count(j), 300);
    hub_start(f);
    assert_true(wait_pending_zero(j, WAIT_S));
    expect_hub_plays(f, 1500, "b-299"); /* every record exactly once */
    sl_uploader_get_status(u, &us);
    assert_int_equal(us.hub_acked_seq, 1500);
    assert_string_equal(us.problem, "");
    sl_uploader_stop(u);
    sl_journal_close(j);
}

static void test_upload_journal_started_over(void **state)
{
    fx *f = *state;
    char err[256], jp[300];
    /* A new journal (the old one was corrupt): its seqs restart at 1, which the hub already holds. */
    snprintf(jp, sizeof jp, "%s/journal-new.db", f->state);
    sl_journal *j = sl_journal_open(jp, err, sizeof err);
    assert_non_null(j);
    append_n(j, 10, "c", 1797000000000LL);
    sl_uploader_config c = {.device = &f->dev, .journal = j, .batch = 4, .idle_s = 0.1, .backoff_max_s = 1.0,
                            .log = &f->log};
    sl_uploader *u = sl_uploader_start(&c, err, sizeof err);
    assert_non_null(u);
    assert_true(wait_pending_zero(j, WAIT_S));
    expect_hub_plays(f, 1510, "c-9"); /* renumbered 1501..1510, none taken for a duplicate */
    sl_uploader_status us;
    sl_uploader_get_status(u, &us);
    assert_int_equal(us.renumbered, 10);
    assert_int_equal(us.duplicates, 0);
    sl_uploader_stop(u);
    /* Later plays continue above. */
    assert_int_equal(sl_journal_last_seq(j), 1510);
    sl_journal_close(j);
}

/* ---------- heartbeat ---------- */

static void test_heartbeat_and_screenshot(void **state)
{
    fx *f = *state;
    char err[256];
    sl_sync *s = sync_start(f, f->state, 0);
    sl_heartbeat_config c = {.device = &f->dev, .state_dir = f->state, .sync = s, .interval_s = 0.3,
                             .log = &f->log};
    sl_heartbeat *hb = sl_heartbeat_start(&c, err, sizeof err);
    assert_non_null(hb);
    sl_heartbeat_set_playing(hb, 3, "poster-app");
    sl_heartbeat_set_clock_trust(hb, SL_CLOCK_SYNCED);
    sl_heartbeat_status st;
    double t0 = now_s();
    do {
        sl_test_sleep_ms(50);
        sl_heartbeat_get_status(hb, &st);
    } while (st.sent < 2 && now_s() - t0 < WAIT_S);
    assert_true(st.sent >= 2);
    assert_true(st.have_clock);
    assert_true(st.clock_offset_ms > -2000 && st.clock_offset_ms < 2000); /* same machine; Date has 1 s steps */

    sl_http_reply rep;
    assert_int_equal(hub_req(f, "GET", "/api/v1/screens", f->aud, NULL, NULL, &rep), 200);
    assert_non_null(strstr(rep.body, "\"content_version\":3"));
    assert_non_null(strstr(rep.body, "\"status\":\"online\""));
    sl_http_reply_free(&rep);

    assert_false(sl_heartbeat_take_screenshot_request(hb));
    assert_int_equal(hub_req(f, "POST", "/api/v1/screens/" SCREEN "/screenshot-request", f->admin, NULL, NULL, NULL),
                     202);
    t0 = now_s();
    bool asked = false;
    while (!asked && now_s() - t0 < WAIT_S) {
        sl_test_sleep_ms(50);
        asked = sl_heartbeat_take_screenshot_request(hb);
    }
    assert_true(asked);
    char png[400];
    snprintf(png, sizeof png, "%s/s/media/poster-app.png", f->T);
    assert_int_equal(sl_heartbeat_upload_screenshot(hb, png), 0);
    t0 = now_s();
    do {
        sl_test_sleep_ms(50);
        sl_heartbeat_get_status(hb, &st);
    } while (st.screenshots_uploaded < 1 && now_s() - t0 < WAIT_S);
    assert_int_equal(st.screenshots_uploaded, 1);
    assert_int_equal(hub_req(f, "GET", "/api/v1/screens/" SCREEN "/screenshot", f->aud, NULL, NULL, NULL), 200);

    /* Problems of the sync thread reach the hub: the refused manifest 99. */
    sl_heartbeat_now(hb);
    sl_test_sleep_ms(600);
    sl_heartbeat_stop(hb);
    sl_sync_stop(s);
}

/* The encoder's test hook: holds the heartbeat thread before it encodes until
 * the test lets it go (or WAIT_S passed: a caller waiting for the encoding). */
typedef struct {
    atomic_bool entered, released, timed_out;
    pthread_t thread;
} encode_gate;

static void hold_encoder(void *arg)
{
    encode_gate *g = arg;
    g->thread = pthread_self();
    atomic_store(&g->entered, true);
    double t0 = now_s();
    while (!atomic_load(&g->released) && now_s() - t0 < WAIT_S)
        sl_test_sleep_ms(5);
    if (!atomic_load(&g->released))
        atomic_store(&g->timed_out, true);
}

/* The proof screenshot: the render thread only reads the frame back and hands
 * it over; the heartbeat thread encodes and sends it while frames go on being
 * drawn, and the hub gets the PNG as written. */
static void test_screenshot_encoded_off_the_render_thread(void **state)
{
    fx *f = *state;
    char err[256], path[400];
    encode_gate g = {0};
    sl_heartbeat_config c = {.device = &f->dev, .state_dir = f->state, .interval_s = 30, .log = &f->log,
                             .before_encode = hold_encoder, .before_encode_arg = &g};
    sl_heartbeat *hb = sl_heartbeat_start(&c, err, sizeof err);
    assert_non_null(hb);
    /* A 1080p frame as a renderer would read it back: bands and boxes. */
    SDL_Surface *screen = SDL_CreateRGBSurfaceWithFormat(0, 1920, 1080, 32, SDL_PIXELFORMAT_ARGB8888);
    assert_non_null(screen);
    SDL_Renderer *r = SDL_CreateSoftwareRenderer(screen);
    assert_non_null(r);
    SDL_SetRenderDrawColor(r, 20, 40, 160, 255);
    SDL_RenderClear(r);
    SDL_SetRenderDrawColor(r, 200, 30, 30, 255);
    SDL_RenderFillRect(r, &(SDL_Rect){0, 980, 1920, 100});
    SDL_Surface *frame = SDL_ConvertSurfaceFormat(screen, SDL_PIXELFORMAT_ARGB8888, 0);
    assert_non_null(frame);
    snprintf(path, sizeof path, "%s/shot-off-thread.png", f->state);
    assert_int_equal(sl_heartbeat_upload_frame(hb, frame, path), 0);

    /* The encoder is held: the "render loop" keeps drawing frames meanwhile. */
    double t0 = now_s();
    while (!atomic_load(&g.entered) && now_s() - t0 < WAIT_S)
        sl_test_sleep_ms(5);
    assert_true(atomic_load(&g.entered));
    assert_false(pthread_equal(g.thread, pthread_self()));
    int drawn = 0;
    for (int x = 0; x < 60; x++) {
        SDL_SetRenderDrawColor(r, 255, 255, 255, 255);
        SDL_RenderFillRect(r, &(SDL_Rect){x * 30, 990, 200, 80});
        SDL_RenderPresent(r);
        drawn++;
    }
    sl_heartbeat_status st;
    sl_heartbeat_get_status(hb, &st);
    assert_int_equal(drawn, 60);
    assert_int_equal(st.screenshots_encoded, 0);
    assert_int_equal(st.screenshots_uploaded, 0);
    atomic_store(&g.released, true);

    t0 = now_s();
    do {
        sl_test_sleep_ms(20);
        sl_heartbeat_get_status(hb, &st);
    } while (st.screenshots_uploaded < 1 && now_s() - t0 < WAIT_S);
    assert_false(atomic_load(&g.timed_out));
    assert_int_equal(st.screenshots_encoded, 1);
    assert_int_equal(st.screenshots_uploaded, 1);
    assert_true(st.last_encode_cpu_us > 0);
    print_message("1920x1080 screenshot: %.1f ms of CPU to encode (heartbeat thread)\n",
                  (double)st.last_encode_cpu_us / 1000.0);

    /* The hub holds the very bytes written: a 1920x1080 PNG. */
    char *png = NULL;
    size_t len = 0;
    assert_int_equal(sl_fs_read_file(path, 4u << 20, &png, &len, err, sizeof err), 0);
    sl_http_reply rep;
    assert_int_equal(hub_req(f, "GET", "/api/v1/screens/" SCREEN "/screenshot", f->aud, NULL, NULL, &rep), 200);
    assert_int_equal(rep.len, len);
    assert_memory_equal(rep.body, png, len);
    const unsigned char *b = (const unsigned char *)rep.body;
    assert_true(len > 24 && memcmp(b, "\x89PNG\r\n\x1a\n", 8) == 0 && memcmp(b + 12, "IHDR", 4) == 0);
    assert_int_equal((b[16] << 24) | (b[17] << 16) | (b[18] << 8) | b[19], 1920);
    assert_int_equal((b[20] << 24) | (b[21] << 16) | (b[22] << 8) | b[23], 1080);
    sl_http_reply_free(&rep);
    free(png);

    sl_heartbeat_stop(hb);
    SDL_DestroyRenderer(r);
    SDL_FreeSurface(screen);
    assert_int_equal(sl_heartbeat_upload_frame(NULL, NULL, path), -1);
}

static void test_null_frees(void **state)
{
    sl_sync_stop(NULL);
    sl_uploader_stop(NULL);
    sl_heartbeat_stop(NULL);
    sl_http_free(NULL);
    sl_http_reply_free(NULL);
    assert_null(sl_sync_take_ready(NULL, NULL));
    char err[128];
    sl_sync_config c = {0};
    assert_null(sl_sync_start(&c, err, sizeof err));
    assert_null(sl_sync_start(NULL, err, sizeof err));
    sl_uploader_config uc = {0};
    assert_null(sl_uploader_start(&uc, err, sizeof err));
    sl_heartbeat_config hc = {0};
    assert_null(sl_heartbeat_start(&hc, err, sizeof err));
    assert_int_equal(sl_device_load("/nonexistent-dir-sl", &(sl_device){0}, err, sizeof err), 1);
}

static void test_options_managed(void **state)
{
    sl_options o;
    char err[256];
    sl_options_defaults(&o);
    assert_string_equal(o.enroll_file, SL_ENROLL_FILE_DEFAULT);
    assert_true(o.poll_s == 60 && o.alert_poll_s == 5 && o.heartbeat_s == 60 && o.disk_limit_bytes == 0);
    assert_int_equal(sl_options_set(&o, "hub", "http://hub.example:8080", err, sizeof err), 0);
    assert_int_equal(sl_options_set(&o, "hub", "ftp://x", err, sizeof err), -1);
    assert_int_equal(sl_options_set(&o, "publisher-key", "wKrL51heMhCO1zicjHRR8TMejwiS6Y9dbXmaFfty6Vs=", err, sizeof err), 0);
    assert_int_equal(sl_options_set(&o, "publisher-key", "CSF82SyQhU37udcuoBTKTjn99KyAACCwog8kGhrS9Ig=", err, sizeof err), 0);
    assert_int_equal(sl_options_set(&o, "publisher-key", "not-a-key", err, sizeof err), -1);
    assert_non_null(strstr(err, "publisher-key"));
    assert_int_equal(o.n_publisher_keys, 2);
    assert_int_equal(sl_options_set(&o, "disk-limit", "8G", err, sizeof err), 0);
    assert_int_equal(o.disk_limit_bytes, 8000000000LL);
    assert_int_equal(sl_options_set(&o, "disk-limit", "500MB", err, sizeof err), 0);
    assert_int_equal(o.disk_limit_bytes, 500000000LL);
    assert_int_equal(sl_options_set(&o, "disk-limit", "-1", err, sizeof err), -1);
    assert_int_equal(sl_options_set(&o, "alert-poll", "0", err, sizeof err), 0);
    assert_true(o.alert_poll_s == 0);
    assert_int_equal(sl_options_set(&o, "poll-interval", "0", err, sizeof err), -1);
    assert_int_equal(sl_options_set(&o, "poll-interval", "30", err, sizeof err), 0);
    assert_int_equal(sl_options_set(&o, "enroll", "K7Q2-9XWD-MB4T", err, sizeof err), 0);
    assert_int_equal(sl_options_set(&o, "media-url", "https://cdn.example/x", err, sizeof err), 0);
    assert_null(o.channel); /* a screen without a hub then plays channel SL_USB_CHANNEL_DEFAULT */
    assert_int_equal(sl_options_set(&o, "channel", "station-hall", err, sizeof err), 0);
    assert_string_equal(o.channel, "station-hall");
    assert_int_equal(sl_options_set(&o, "channel", "two words", err, sizeof err), -1);
    assert_non_null(strstr(err, "screenlit bundle --channel"));
    assert_int_equal(sl_options_set(&o, "channel", "", err, sizeof err), -1);
    sl_options_free(&o);
    sl_options_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_null_frees),
        cmocka_unit_test(test_options_managed),
        cmocka_unit_test(test_enroll_from_boot_file),
        cmocka_unit_test(test_sync_first_manifest),
        cmocka_unit_test(test_sync_does_not_fit),
        cmocka_unit_test(test_sync_resume_part),
        cmocka_unit_test(test_sync_kill9_cycles),
        cmocka_unit_test(test_sync_switch_and_cleanup),
        cmocka_unit_test(test_sync_swapped_media_refused),
        cmocka_unit_test(test_sync_unknown_key_and_tampered_refused),
        cmocka_unit_test(test_upload_across_hub_restart),
        cmocka_unit_test(test_upload_journal_started_over),
        cmocka_unit_test(test_heartbeat_and_screenshot),
        cmocka_unit_test(test_screenshot_encoded_off_the_render_thread),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
