/* sync.c — the sync thread: polls the hub for the signed manifest, fetches media by SHA-256, switches atomically. */
#include "player/managed/sync.h"

#include "content/fsutil.h"
#include "content/json.h"
#include "content/manifest.h"
#include "content/media.h"
#include "content/mediacopy.h"
#include "content/wire.h"
#include "content/worker.h"
#include "player/managed/hubhttp.h"
#include "player/managed/usb.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define SYNC_CURRENT "current.manifest"
#define SYNC_FLOORS "floors.json"
#define SYNC_FLOORS_MAX 1024                 /* channels remembered */
#define SYNC_FLOORS_FILE_MAX (128u * 1024u)
#define SYNC_MEDIA_DIR "media"
#define SYNC_DISK_RESERVE_BYTES (32ll * 1024 * 1024) /* left free for the journal and logs */
#define SYNC_DEFAULT_POLL_S 60.0
#define SYNC_DEFAULT_ALERT_POLL_S 5.0
#define SYNC_DEFAULT_BACKOFF_MAX_S 600.0
#define SYNC_DEFAULT_USB_POLL_S 5.0

typedef struct {
    char sha[SL_SHA256_HEX_LEN + 1];
    int64_t size;
} media_ref;

typedef struct {
    media_ref *v;
    size_t n;
    int64_t total;
} media_set;

/* The highest version switched to, per channel (STATE/floors.json). */
typedef struct {
    char channel[SL_DEVICE_ID_MAX + 1];
    int64_t version;
} floor_entry;

struct sl_sync {
    /* configuration (read-only after start) */
    char *state_dir, *media_dir, *current_path, *floors_path, *media_base, *zoneinfo_dir;
    sl_device dev;
    sl_keyset keys;
    double poll_s, alert_poll_s, backoff_max_s;
    double retry_after_s; /* the last refused poll asked to wait this long (capped); 0 = no ask */
    int64_t disk_limit;
    const sl_log *log;
    sl_clock *clock; /* NULL: replies teach no clock */
    bool has_hub, has_usb, usb_auto; /* usb_auto: look on its own timer, not only when asked */
    double usb_poll_s;

    sl_worker *worker;
    bool started;
    pthread_mutex_t mu;
    pthread_cond_t cv; /* usb_answered moved */
    atomic_bool revoked; /* the hub took the device token away: no more polls */

    /* under mu */
    bool poll_now;
    sl_sync_status st;
    bool ready;         /* a switch not yet taken */
    int64_t ready_version;
    sl_playlist *ready_pl; /* the switched-to manifest, parsed; NULL once taken */
    bool gc_allowed;    /* the engine has taken the last switch */
    int64_t usb_asked, usb_answered; /* sl_sync_usb_check requests */

    /* sync thread only */
    sl_http *http;
    int failures;
    int64_t hub_due, usb_due; /* monotonic ms */
    int64_t cur_version;
    char channel[SL_DEVICE_ID_MAX + 1];     /* the screen's channel: the hub's (s->dev.channel) or configured */
    char cur_channel[SL_DEVICE_ID_MAX + 1]; /* the channel of the manifest in force ("" when none) */
    floor_entry *floors;
    size_t n_floors;
    media_set cur;
    char etag[160];     /* ETag of the last manifest handled (taken, pending or refused) */
    int refetches;      /* hub manifests in a row that did not verify (maybe damaged on the way) */
    bool progressed;    /* the last prepare_pending placed a file or resumed one: no backoff */
    int64_t refetch_mono_ms; /* then: when to fetch it whole again, ignoring its ETag; 0 = not */
    char *pend_env;     /* the manifest being prepared */
    size_t pend_len;
    int64_t pend_version;
    char pend_channel[SL_DEVICE_ID_MAX + 1];
    sl_playlist *pend_pl;
    media_set pend;
    bool pend_usb;      /* the pending manifest came from the USB bundle: media are copied from it */
    sl_usb usb;
    bool gc_wanted;
};

static void set_problem(sl_sync *s, char *slot, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void drop_pending(sl_sync *s);

static void set_problem(sl_sync *s, char *slot, const char *fmt, ...)
{
    char buf[SL_SYNC_PROBLEM_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    pthread_mutex_lock(&s->mu);
    bool changed = strcmp(slot, buf) != 0;
    memcpy(slot, buf, sizeof buf);
    pthread_mutex_unlock(&s->mu);
    if (changed && buf[0])
        sl_log_warn(s->log, "sync: %s", buf);
}

static void clear_problem(sl_sync *s, char *slot)
{
    pthread_mutex_lock(&s->mu);
    slot[0] = 0;
    pthread_mutex_unlock(&s->mu);
}

static void media_set_free(media_set *m)
{
    free(m->v);
    memset(m, 0, sizeof *m);
}

static bool media_set_has(const media_set *m, const char *sha)
{
    for (size_t i = 0; i < m->n; i++)
        if (!strcmp(m->v[i].sha, sha))
            return true;
    return false;
}

/* The distinct media of a manifest and their total size. */
static int media_set_of(const sl_playlist *pl, media_set *out)
{
    media_set m = {0};
    m.v = calloc(pl->n_items ? pl->n_items : 1, sizeof *m.v);
    if (!m.v)
        return -1;
    for (size_t i = 0; i < pl->n_items; i++) {
        const sl_item *it = &pl->items[i];
        if (!it->sha256 || !sl_media_is_sha256(it->sha256) || media_set_has(&m, it->sha256))
            continue;
        memcpy(m.v[m.n].sha, it->sha256, SL_SHA256_HEX_LEN + 1);
        m.v[m.n].size = it->size_bytes;
        m.total += it->size_bytes;
        m.n++;
    }
    *out = m;
    return 0;
}

char *sl_sync_media_path(const char *state_dir, const char *sha256)
{
    size_t n = strlen(state_dir) + strlen(SYNC_MEDIA_DIR) + SL_SHA256_HEX_LEN + 8;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s/%s/%s", state_dir, SYNC_MEDIA_DIR, sha256);
    return p;
}

static bool media_present(const char *media_dir, const media_ref *r)
{
    char path[4096];
    struct stat st;
    snprintf(path, sizeof path, "%s/%s", media_dir, r->sha);
    return stat(path, &st) == 0 && S_ISREG(st.st_mode) && st.st_size == r->size;
}

static sl_playlist *open_current(const char *path, const sl_keyset *pinned, const char *zoneinfo_dir, char *err,
                                 size_t errlen)
{
    char *env = NULL, why[256];
    size_t len = 0;
    sl_playlist *pl = NULL;
    if (!sl_fs_is_file(path)) {
        snprintf(err, errlen, "no %s yet", path);
        return NULL;
    }
    if (sl_fs_read_file(path, SL_MANIFEST_MAX_BYTES, &env, &len, why, sizeof why) != 0) {
        snprintf(err, errlen, "%s", why);
        return NULL;
    }
    pl = sl_mf_open(env, len, pinned, zoneinfo_dir, why, sizeof why);
    if (!pl)
        snprintf(err, errlen, "%s: %s", path, why);
    free(env);
    return pl;
}

sl_playlist *sl_sync_load_current(const char *state_dir, const sl_keyset *pinned, const char *zoneinfo_dir,
                                  char *err, size_t errlen)
{
    char *path = sl_fs_join(state_dir, SYNC_CURRENT), *mdir = sl_fs_join(state_dir, SYNC_MEDIA_DIR);
    sl_playlist *pl = NULL;
    media_set m = {0};
    if (!path || !mdir) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    pl = open_current(path, pinned, zoneinfo_dir, err, errlen);
    if (!pl)
        goto out;
    if (media_set_of(pl, &m) != 0) {
        snprintf(err, errlen, "out of memory");
        goto fail;
    }
    for (size_t i = 0; i < m.n; i++) {
        if (!media_present(mdir, &m.v[i])) {
            snprintf(err, errlen, "%s: media %s is missing", path, m.v[i].sha);
            goto fail;
        }
    }
    goto out;
fail:
    sl_playlist_free(pl);
    pl = NULL;
out:
    media_set_free(&m);
    free(path);
    free(mdir);
    return pl;
}

/* Deletes every file of the media folder that neither the current manifest
 * nor the one being prepared needs (partial downloads of the latter kept). */
static void gc_media(sl_sync *s)
{
    DIR *d = opendir(s->media_dir);
    if (!d)
        return;
    struct dirent *e;
    char path[4096];
    int removed = 0;
    while ((e = readdir(d)) != NULL) {
        const char *n = e->d_name;
        if (n[0] == '.')
            continue;
        char sha[SL_SHA256_HEX_LEN + 1] = "";
        size_t len = strlen(n);
        if (len >= SL_SHA256_HEX_LEN) {
            memcpy(sha, n, SL_SHA256_HEX_LEN);
            sha[SL_SHA256_HEX_LEN] = 0;
        }
        bool whole = len == SL_SHA256_HEX_LEN && sl_media_is_sha256(sha);
        bool part = len == SL_SHA256_HEX_LEN + 5 && sl_media_is_sha256(sha) && !strcmp(n + SL_SHA256_HEX_LEN, ".part");
        if (whole && (media_set_has(&s->cur, sha) || media_set_has(&s->pend, sha)))
            continue;
        if (part && media_set_has(&s->pend, sha))
            continue;
        snprintf(path, sizeof path, "%s/%s", s->media_dir, n);
        if (unlink(path) == 0)
            removed++;
    }
    closedir(d);
    if (removed)
        sl_log_info(s->log, "sync: removed %d media file(s) no longer used", removed);
}

/* The highest version this screen switched to on a channel; 0 when none. */
static int64_t floor_of(const sl_sync *s, const char *channel)
{
    for (size_t i = 0; i < s->n_floors; i++)
        if (!strcmp(s->floors[i].channel, channel))
            return s->floors[i].version;
    return 0;
}

/* Raises a channel's floor (in memory). Returns true when it changed. */
static bool floor_raise(sl_sync *s, const char *channel, int64_t version)
{
    if (!sl_wire_id_ok(channel))
        return false;
    for (size_t i = 0; i < s->n_floors; i++) {
        if (!strcmp(s->floors[i].channel, channel)) {
            if (s->floors[i].version >= version)
                return false;
            s->floors[i].version = version;
            return true;
        }
    }
    if (s->n_floors >= SYNC_FLOORS_MAX)
        return false;
    floor_entry *v = realloc(s->floors, (s->n_floors + 1) * sizeof *v);
    if (!v)
        return false;
    s->floors = v;
    snprintf(v[s->n_floors].channel, sizeof v[s->n_floors].channel, "%s", channel);
    v[s->n_floors].version = version;
    s->n_floors++;
    return true;
}

/* Reads STATE/floors.json ({"channel": version, …}); a missing file is no
 * floors, a damaged one is logged and ignored (the current manifest's
 * version is still its channel's floor). */
static void floors_load(sl_sync *s)
{
    char why[256];
    if (!sl_fs_is_file(s->floors_path))
        return;
    sl_json_limits lim = {.max_bytes = SYNC_FLOORS_FILE_MAX, .max_depth = 2};
    cJSON *o = sl_json_read_file(s->floors_path, &lim, why, sizeof why);
    if (!o || !cJSON_IsObject(o)) {
        sl_log_warn(s->log, "sync: %s is not usable (%s); versions are compared from the current manifest only",
                    s->floors_path, o ? "not an object" : why);
        cJSON_Delete(o);
        return;
    }
    const cJSON *e;
    cJSON_ArrayForEach(e, o)
    {
        if (cJSON_IsNumber(e) && e->valuedouble >= 1 && e->valuedouble <= 9007199254740992.0)
            (void)floor_raise(s, e->string, (int64_t)e->valuedouble);
    }
    cJSON_Delete(o);
}

/* Writes the floors durably (write-temp, fsync, rename), integers exactly. */
static void floors_store(sl_sync *s)
{
    char why[256];
    size_t cap = 8 + s->n_floors * (SL_DEVICE_ID_MAX + 32), len = 0;
    char *text = malloc(cap);
    if (!text) {
        sl_log_error(s->log, "sync: out of memory");
        return;
    }
    len += (size_t)snprintf(text + len, cap - len, "{");
    for (size_t i = 0; i < s->n_floors; i++)
        len += (size_t)snprintf(text + len, cap - len, "%s\"%s\":%" PRId64, i ? "," : "", s->floors[i].channel,
                                s->floors[i].version);
    len += (size_t)snprintf(text + len, cap - len, "}\n");
    if (sl_fs_write_atomic(s->floors_path, text, len, 0644, false, why, sizeof why) != 0)
        sl_log_error(s->log, "sync: cannot write %s: %s", s->floors_path, why);
    free(text);
}

/* The hub named the screen's channel in its reply (Screenlit-Channel): a
 * change (the inventory moved the screen) is recorded in STATE/device.json,
 * and from then on only that channel's manifests are taken. */
static void learn_channel(sl_sync *s, const char *channel)
{
    char why[256];
    if (!channel[0] || !strcmp(channel, s->channel))
        return;
    if (!sl_wire_id_ok(channel)) {
        sl_log_warn(s->log, "sync: the hub named an invalid channel \"%.80s\"; ignored", channel);
        return;
    }
    sl_log_info(s->log, "sync: the hub assigns this screen to channel %s (it was %s)", channel,
                s->channel[0] ? s->channel : "none");
    snprintf(s->channel, sizeof s->channel, "%s", channel);
    snprintf(s->dev.channel, sizeof s->dev.channel, "%s", channel);
    if (sl_device_save(s->state_dir, &s->dev, why, sizeof why) != 0)
        sl_log_error(s->log, "sync: cannot record the new channel: %s", why);
    pthread_mutex_lock(&s->mu);
    snprintf(s->st.channel, sizeof s->st.channel, "%s", channel);
    pthread_mutex_unlock(&s->mu);
    if (s->pend_env && strcmp(s->pend_channel, s->channel) != 0) {
        sl_log_info(s->log, "sync: manifest %" PRId64 " of channel %s is no longer wanted", s->pend_version,
                    s->pend_channel);
        drop_pending(s);
    }
}

static void drop_pending(sl_sync *s)
{
    free(s->pend_env);
    s->pend_env = NULL;
    s->pend_len = 0;
    s->pend_version = 0;
    s->pend_channel[0] = 0;
    s->pend_usb = false;
    sl_playlist_free(s->pend_pl);
    s->pend_pl = NULL;
    media_set_free(&s->pend);
    pthread_mutex_lock(&s->mu);
    s->st.pending_version = 0;
    s->st.pending_bytes_done = s->st.pending_bytes_total = 0;
    pthread_mutex_unlock(&s->mu);
}

/* Looks at a manifest the hub served (etag) or the USB bundle's (etag NULL):
 * refuses it, or makes it the pending one. */
static void take_envelope(sl_sync *s, char *env, size_t len, const char *etag)
{
    char why[256];
    media_set m = {0};
    bool usb = etag == NULL;
    const char *what = usb ? "USB bundle" : "manifest";
    if (!usb)
        snprintf(s->etag, sizeof s->etag, "%s", etag);
    sl_playlist *pl = sl_mf_open(env, len, &s->keys, s->zoneinfo_dir, why, sizeof why);
    if (!pl) {
        if (usb)
            set_problem(s, s->st.refused, "USB bundle at %s refused: %s", s->usb.dir, why);
        else
            set_problem(s, s->st.refused, "manifest %s refused: %s", etag[0] ? etag : "(no ETag)", why);
        if (!usb) { /* it may have been damaged on the way: fetched again, less and less often */
            double wait = sl_worker_backoff(&s->refetches, true, s->poll_s, s->backoff_max_s);
            s->refetch_mono_ms = sl_http_mono_ms() + (int64_t)(wait * 1000.0);
        }
        goto out;
    }
    if (!usb) {
        s->refetches = 0;
        s->refetch_mono_ms = 0;
    }
    int64_t v = pl->version;
    const char *ch = pl->channel ? pl->channel : "";
    if (!s->channel[0]) {
        set_problem(s, s->st.refused, "%s for channel %s refused: this screen has no channel yet (%s)", what, ch,
                    s->has_hub ? "the hub has not assigned one" : "set `channel` in player.conf");
        goto out;
    }
    if (strcmp(ch, s->channel) != 0) {
        /* Another channel's content, however well signed, is not for this screen: never switched to,
         * and its version raises no floor. */
        if (usb && !s->has_hub)
            set_problem(s, s->st.refused,
                        "%s for channel %s refused: this screen plays %s (set `channel = %s` in player.conf if it "
                        "should play that one)", what, ch, s->channel, ch);
        else
            set_problem(s, s->st.refused, "%s for channel %s refused: this screen plays %s", what, ch, s->channel);
        goto out;
    }
    bool same = !strcmp(ch, s->cur_channel);
    if (same && v == s->cur_version) { /* what we play (e.g. the first poll after a restart) */
        if (!usb)
            clear_problem(s, s->st.refused);
        goto out;
    }
    int64_t floor = floor_of(s, ch);
    if (same && v < s->cur_version) {
        set_problem(s, s->st.refused, "%s %" PRId64 " refused: its version is not above the current %" PRId64,
                    what, v, s->cur_version);
        goto out;
    }
    if (v < floor) { /* back on a channel played before: not below what it played there */
        set_problem(s, s->st.refused,
                    "%s %" PRId64 " refused: this screen already played version %" PRId64 " of channel %s", what,
                    v, floor, ch);
        goto out;
    }
    if (s->pend_env && v == s->pend_version && !strcmp(ch, s->pend_channel))
        goto out;
    if (media_set_of(pl, &m) != 0) {
        sl_log_error(s->log, "sync: out of memory");
        goto out;
    }
    if (s->disk_limit > 0 && m.total > s->disk_limit) {
        set_problem(s, s->st.refused,
                    "%s %" PRId64 " refused: does not fit: its media need %" PRId64 " bytes, the limit is %" PRId64,
                    what, v, m.total, s->disk_limit);
        goto out;
    }
    drop_pending(s);
    s->pend_env = env;
    s->pend_len = len;
    env = NULL;
    s->pend_version = v;
    snprintf(s->pend_channel, sizeof s->pend_channel, "%s", ch);
    s->pend_pl = pl;
    pl = NULL;
    s->pend = m;
    memset(&m, 0, sizeof m);
    s->pend_usb = usb;
    clear_problem(s, s->st.refused);
    pthread_mutex_lock(&s->mu);
    s->st.pending_version = v;
    s->st.pending_bytes_total = s->pend.total;
    s->st.pending_bytes_done = 0;
    pthread_mutex_unlock(&s->mu);
    sl_log_info(s->log, "sync: %s %" PRId64 " verified; %s %zu media file(s), %" PRId64 " bytes (channel %s)",
                what, v, usb ? "copying" : "fetching", s->pend.n, s->pend.total, ch);
out:
    media_set_free(&m);
    sl_playlist_free(pl);
    free(env);
}

/* Fsyncs a folder so that a rename in it is durable. */
static void fsync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        (void)fsync(fd);
        close(fd);
    }
}

/* A media file of the USB bundle is not what its manifest says: the bundle is
 * refused as a whole (not retried until the stick's manifest.json changes or
 * the stick is plugged in again) and the current content stays. */
static void refuse_usb_pending(sl_sync *s, const char *sha, const char *why)
{
    set_problem(s, s->st.refused, "USB bundle %" PRId64 " refused: media %.12s…: %s", s->pend_version, sha, why);
    drop_pending(s);
}

/* Fetches what the pending manifest lacks and switches when all is there.
 * Returns 0 when done or waiting for nothing, -1 when a retry later is needed,
 * 1 when the disk lacks the room (tried again at the next poll). */
static int prepare_pending(sl_sync *s)
{
    char why[512], part[4096], final[4096], url[SL_HTTP_URL_MAX + 128];
    int64_t missing = 0, done = 0;
    s->progressed = false;
    if (sl_fs_mkdirs(s->media_dir, why, sizeof why) != 0) {
        set_problem(s, s->st.disk, "cannot create the media folder: %s", why);
        return -1;
    }
    for (size_t i = 0; i < s->pend.n; i++) {
        const media_ref *r = &s->pend.v[i];
        struct stat st;
        if (media_present(s->media_dir, r)) {
            done += r->size;
            continue;
        }
        snprintf(part, sizeof part, "%s/%s.part", s->media_dir, r->sha);
        int64_t have = stat(part, &st) == 0 && st.st_size <= r->size ? st.st_size : 0;
        missing += r->size - have;
        done += have;
    }
    pthread_mutex_lock(&s->mu);
    s->st.pending_bytes_done = done;
    pthread_mutex_unlock(&s->mu);
    int64_t free_b = sl_fs_free_bytes(s->media_dir);
    if (free_b >= 0 && missing > free_b - SYNC_DISK_RESERVE_BYTES) {
        set_problem(s, s->st.disk,
                    "manifest %" PRId64 " does not fit on disk: needs %" PRId64 " more bytes, %" PRId64 " free", s->pend_version,
                    missing, free_b);
        return 1; /* the disk, not the hub: looked at again at the next poll, no backoff */
    }
    for (size_t i = 0; i < s->pend.n; i++) {
        const media_ref *r = &s->pend.v[i];
        if (sl_worker_stopping(s->worker))
            return -1;
        if (media_present(s->media_dir, r))
            continue;
        snprintf(part, sizeof part, "%s/%s.part", s->media_dir, r->sha);
        snprintf(final, sizeof final, "%s/%s", s->media_dir, r->sha);
        snprintf(url, sizeof url, "%s/media/%s", s->media_base, r->sha);
        bool full = false;
        int64_t fetched = 0;
        int rc = s->pend_usb ? sl_usb_copy_media(&s->usb, r->sha, r->size, part, &full, why, sizeof why)
                             : sl_http_download(s->http, url, part, r->size, &full, &fetched, why, sizeof why);
        if (s->pend_usb && rc == SL_MEDIACOPY_MISMATCH) {
            refuse_usb_pending(s, r->sha, why);
            return -1;
        }
        pthread_mutex_lock(&s->mu);
        s->st.fetched_bytes += fetched;
        pthread_mutex_unlock(&s->mu);
        if (rc == 1 && fetched > 0)
            s->progressed = true; /* cut short: the next round resumes where it stopped */
        if (rc != 0) {
            if (full)
                set_problem(s, s->st.disk, "disk full while fetching manifest %" PRId64 ": %s", s->pend_version, why);
            else
                set_problem(s, s->st.media, "media %.12s… of manifest %" PRId64 ": %s", r->sha, s->pend_version, why);
            return -1;
        }
        char got[SL_SHA256_HEX_LEN + 1];
        int64_t size = -1;
        if (sl_media_sha256_file(part, got, &size, why, sizeof why) != 0) {
            set_problem(s, s->st.media, "media %.12s…: cannot hash the download: %s", r->sha, why);
            unlink(part);
            return -1;
        }
        if (size != r->size || strcmp(got, r->sha) != 0) {
            if (s->pend_usb) {
                unlink(part);
                refuse_usb_pending(s, r->sha, "its bytes do not match its SHA-256");
                return -1;
            }
            set_problem(s, s->st.media,
                        "media %.12s… of manifest %" PRId64 " refused: the bytes served do not match its SHA-256",
                        r->sha, s->pend_version);
            unlink(part);
            return -1;
        }
        if (rename(part, final) != 0) {
            set_problem(s, s->st.disk, "cannot move %s into place: %s", part, strerror(errno));
            return -1;
        }
        fsync_dir(s->media_dir);
        s->progressed = true;
        done += r->size;
        pthread_mutex_lock(&s->mu);
        s->st.pending_bytes_done = done;
        pthread_mutex_unlock(&s->mu);
    }
    /* Every file is there and verified: switch. */
    if (sl_fs_write_atomic(s->current_path, s->pend_env, s->pend_len, 0644, false, why, sizeof why) != 0) {
        set_problem(s, s->st.disk, "cannot write %s: %s", s->current_path, why);
        return -1;
    }
    int64_t v = s->pend_version;
    sl_playlist *ready_pl = s->pend_pl;
    s->pend_pl = NULL;
    media_set_free(&s->cur);
    s->cur = s->pend;
    memset(&s->pend, 0, sizeof s->pend);
    s->cur_version = v;
    snprintf(s->cur_channel, sizeof s->cur_channel, "%s", s->pend_channel);
    if (floor_raise(s, s->cur_channel, v))
        floors_store(s); /* after current.manifest: a crash between leaves a floor the start-up corrects */
    drop_pending(s);
    s->gc_wanted = true;
    pthread_mutex_lock(&s->mu);
    s->st.current_version = v;
    snprintf(s->st.current_channel, sizeof s->st.current_channel, "%s", s->cur_channel);
    s->st.switches++;
    s->st.media[0] = s->st.disk[0] = 0;
    s->ready = true;
    s->ready_version = v;
    sl_playlist_free(s->ready_pl);
    s->ready_pl = ready_pl;
    s->gc_allowed = false;
    pthread_mutex_unlock(&s->mu);
    sl_log_info(s->log, "sync: switched to manifest %" PRId64 " of channel %s", v, s->cur_channel);
    return 0;
}

/* One poll. Returns 0 when the hub answered as expected, -1 for a retry
 * with backoff (no answer, 5xx, a failed download). */
static int sync_cycle(sl_sync *s)
{
    char url[SL_HTTP_URL_MAX + 64], why[512];
    sl_http_reply rep = {0};
    int rc = -1;
    snprintf(url, sizeof url, "%s/api/v1/manifest", s->dev.hub);
    bool refetch = s->refetch_mono_ms && sl_http_mono_ms() >= s->refetch_mono_ms;
    sl_http_req rq = {.method = "GET", .url = url, .token = s->dev.token, .if_none_match = refetch ? "" : s->etag,
                      .reply_max = SL_MANIFEST_MAX_BYTES, .timeout_s = 120};
    int64_t mono_sent = sl_mono_ns() / 1000000;
    int sent = sl_http_send(s->http, &rq, &rep, why, sizeof why);
    if (sent == 0 && rep.date_ms >= 0 && s->clock)
        sl_clock_learn_hub(s->clock, rep.date_ms, mono_sent, sl_mono_ns() / 1000000);
    pthread_mutex_lock(&s->mu);
    s->st.polls++;
    s->st.hub_answered = sent == 0;
    if (sent == 0) {
        s->st.last_answer_mono_ms = sl_http_mono_ms();
        if (rep.status == 304)
            s->st.not_modified++;
    }
    pthread_mutex_unlock(&s->mu);
    if (sent != 0) {
        set_problem(s, s->st.hub, "hub not answering: %s", why);
        goto pending;
    }
    if (rep.status == 200 || rep.status == 304 || rep.status == 404)
        learn_channel(s, rep.channel); /* before the manifest that came with it is looked at */
    if (rep.status == 200) {
        clear_problem(s, s->st.hub);
        if (!rep.body || rep.len == 0) {
            set_problem(s, s->st.refused, "manifest %s refused: the hub sent an empty body", rep.etag);
        } else {
            char *env = rep.body;
            rep.body = NULL;
            take_envelope(s, env, rep.len, rep.etag); /* takes env */
        }
    } else if (rep.status == 304 || rep.status == 404) {
        clear_problem(s, s->st.hub);
    } else {
        sl_http_reply_error(&rep, why, sizeof why);
        s->retry_after_s = sl_http_retry_after(&rep, s->backoff_max_s);
        if (sl_device_revoked_reply(&s->dev, rep.status, rep.body, rep.len)) {
            pthread_mutex_lock(&s->mu);
            s->st.device_revoked = true;
            pthread_mutex_unlock(&s->mu);
            atomic_store(&s->revoked, true);
        }
        if (rep.status == 401 || rep.status == 403)
            set_problem(s, s->st.hub, "the hub refused the device token (%s): enrol the screen again", why);
        else
            set_problem(s, s->st.hub, "manifest poll answered %s", why);
        if (rep.status >= 500 || rep.status == 401 || rep.status == 403)
            goto pending;
    }
    rc = 0;
pending:
    /* A failed download backs off, unless the round got further than the last one. */
    if (s->pend_env && !s->pend_usb && prepare_pending(s) < 0 && !s->progressed)
        rc = -1;
    sl_http_reply_free(&rep);
    return rc;
}

/* One look at the USB folder: a new bundle is verified like a hub manifest;
 * a pending bundle's media are copied (again, after a failure) while the
 * stick is there, and forgotten once it is pulled out. */
static void usb_cycle(sl_sync *s)
{
    char why[512], *env = NULL;
    size_t len = 0;
    int rc = sl_usb_look(&s->usb, &env, &len, why, sizeof why);
    if (rc < 0)
        set_problem(s, s->st.refused, "USB bundle at %s cannot be read: %s", s->usb.dir, why);
    else if (rc > 0)
        take_envelope(s, env, len, NULL); /* takes env */
    if (!s->pend_env || !s->pend_usb)
        return;
    if (!sl_usb_present(&s->usb)) {
        sl_log_warn(s->log, "sync: the USB stick was removed before bundle %" PRId64 " was copied; keeping the "
                            "current content", s->pend_version);
        drop_pending(s);
        clear_problem(s, s->st.media);
        clear_problem(s, s->st.disk);
        return;
    }
    (void)prepare_pending(s); /* on failure: the problem is set, and the next look tries again */
}

/* Seconds until the next hub poll after one that returned rc. */
static double hub_wait(sl_sync *s, int rc)
{
    double base = s->poll_s;
    if (s->alert_poll_s > 0 && s->alert_poll_s < base)
        base = s->alert_poll_s;
    double wait = sl_worker_jitter(s->worker, sl_worker_backoff(&s->failures, rc != 0, base, s->backoff_max_s));
    /* A busy hub's (or proxy's) Retry-After is honoured, capped, spread out. */
    return sl_worker_retry_after(s->worker, wait, &s->retry_after_s, s->backoff_max_s, NULL);
}

/* One round of the sync thread: polls the hub and looks at the USB folder,
 * each when it is due (or asked), and deletes unused media once the engine
 * has taken a switch. Returns the seconds until the next thing is due; a
 * poll asked for, a switch taken or a USB look asked for kicks the wait. */
static double sync_step(void *arg, bool *kickable)
{
    sl_sync *s = arg;
    (void)kickable;
    pthread_mutex_lock(&s->mu);
    if (s->poll_now)
        s->hub_due = 0;
    s->poll_now = false;
    pthread_mutex_unlock(&s->mu);
    if (s->has_hub && !atomic_load(&s->revoked) && sl_http_mono_ms() >= s->hub_due) {
        int rc = sync_cycle(s);
        s->hub_due = sl_http_mono_ms() + (int64_t)(hub_wait(s, rc) * 1000.0);
    }
    pthread_mutex_lock(&s->mu);
    int64_t asked = s->usb_asked;
    pthread_mutex_unlock(&s->mu);
    if (s->has_usb && ((s->usb_auto && sl_http_mono_ms() >= s->usb_due) || asked > s->usb_answered)) {
        usb_cycle(s);
        s->usb_due = sl_http_mono_ms() + (int64_t)(s->usb_poll_s * 1000.0);
        pthread_mutex_lock(&s->mu);
        s->usb_answered = asked;
        pthread_cond_broadcast(&s->cv);
        pthread_mutex_unlock(&s->mu);
    }
    pthread_mutex_lock(&s->mu);
    bool gc = s->gc_allowed && s->gc_wanted;
    pthread_mutex_unlock(&s->mu);
    if (gc) {
        gc_media(s);
        s->gc_wanted = false;
    }
    /* Sleep until the next thing is due (an hour at most). */
    int64_t now = sl_http_mono_ms(), due = now + 3600 * 1000;
    if (s->has_hub && !atomic_load(&s->revoked) && s->hub_due < due)
        due = s->hub_due;
    if (s->has_usb && s->usb_auto && s->usb_due < due)
        due = s->usb_due;
    return (double)(due - now) / 1000.0;
}

static void sync_free(sl_sync *s)
{
    if (!s)
        return;
    sl_http_free(s->http);
    free(s->state_dir);
    free(s->media_dir);
    free(s->current_path);
    free(s->floors_path);
    free(s->floors);
    free(s->media_base);
    free(s->zoneinfo_dir);
    free(s->pend_env);
    sl_playlist_free(s->pend_pl);
    sl_playlist_free(s->ready_pl);
    media_set_free(&s->pend);
    media_set_free(&s->cur);
    sl_usb_free(&s->usb);
    sl_keyset_free(&s->keys);
    memset(&s->dev, 0, sizeof s->dev);
    sl_worker_free(s->worker);
    pthread_cond_destroy(&s->cv);
    pthread_mutex_destroy(&s->mu);
    free(s);
}

sl_sync *sl_sync_start(const sl_sync_config *cfg, char *err, size_t errlen)
{
    char why[256];
    bool hub = cfg && cfg->device && cfg->device->hub[0] && cfg->device->token[0];
    const char *channel = hub ? cfg->device->channel : cfg ? cfg->channel : NULL;
    if (channel && channel[0] && !sl_wire_id_ok(channel)) {
        if (!hub) {
            snprintf(err, errlen, "channel '%.80s' is not 1 to 64 letters, digits, '.', '_' or '-'", channel);
            return NULL;
        }
        sl_log_warn(cfg->log, "sync: device.json names an invalid channel \"%.80s\"; waiting for the hub's",
                    channel);
        channel = NULL; /* the hub names it in its next reply */
    }
    if (!cfg || !cfg->state_dir || !cfg->pinned || (!hub && !cfg->usb_path)) {
        snprintf(err, errlen, "sync needs a state folder, pinned keys, and an enrolled device or a USB path");
        return NULL;
    }
    if (cfg->pinned->n == 0) {
        snprintf(err, errlen, "no publisher key is pinned (publisher-key = BASE64 in the config): every manifest "
                              "would be refused");
        return NULL;
    }
    sl_sync *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    pthread_mutex_init(&s->mu, NULL);
    pthread_cond_init(&s->cv, NULL);
    atomic_init(&s->revoked, false);
    if (hub)
        s->dev = *cfg->device;
    s->has_hub = hub;
    s->log = cfg->log;
    s->clock = cfg->clock;
    s->poll_s = cfg->poll_s > 0 ? cfg->poll_s : SYNC_DEFAULT_POLL_S;
    s->alert_poll_s = cfg->alert_poll_s < 0 ? SYNC_DEFAULT_ALERT_POLL_S : cfg->alert_poll_s;
    s->backoff_max_s = cfg->backoff_max_s > 0 ? cfg->backoff_max_s : SYNC_DEFAULT_BACKOFF_MAX_S;
    s->disk_limit = cfg->disk_limit_bytes;
    s->state_dir = strdup(cfg->state_dir);
    s->media_dir = sl_fs_join(cfg->state_dir, SYNC_MEDIA_DIR);
    s->current_path = sl_fs_join(cfg->state_dir, SYNC_CURRENT);
    s->floors_path = sl_fs_join(cfg->state_dir, SYNC_FLOORS);
    snprintf(s->channel, sizeof s->channel, "%s", channel ? channel : "");
    snprintf(s->st.channel, sizeof s->st.channel, "%s", s->channel);
    s->media_base = strdup(cfg->media_url ? cfg->media_url : s->dev.hub);
    s->zoneinfo_dir = cfg->zoneinfo_dir ? strdup(cfg->zoneinfo_dir) : NULL;
    if (!s->state_dir || !s->media_dir || !s->current_path || !s->floors_path || !s->media_base ||
        (cfg->zoneinfo_dir && !s->zoneinfo_dir)) {
        snprintf(err, errlen, "out of memory");
        goto fail;
    }
    if (cfg->usb_path) {
        if (sl_usb_init(&s->usb, cfg->usb_path) != 0) {
            snprintf(err, errlen, "out of memory");
            goto fail;
        }
        s->has_usb = true;
        s->usb_auto = cfg->usb_poll_s >= 0;
        s->usb_poll_s = cfg->usb_poll_s > 0 ? cfg->usb_poll_s : SYNC_DEFAULT_USB_POLL_S;
    }
    size_t mb = strlen(s->media_base);
    while (mb > 0 && s->media_base[mb - 1] == '/')
        s->media_base[--mb] = 0;
    if (sl_keyset_copy(&s->keys, cfg->pinned) != 0) { /* with each key's channels */
        snprintf(err, errlen, "out of memory");
        goto fail;
    }
    if (sl_fs_mkdirs(s->media_dir, why, sizeof why) != 0) {
        snprintf(err, errlen, "%s", why);
        goto fail;
    }
    s->worker = sl_worker_new();
    s->http = s->worker ? sl_http_new_ca(sl_worker_stop_flag(s->worker), s->dev.hub_ca) : NULL;
    if (!s->http) {
        snprintf(err, errlen, "cannot start libcurl");
        goto fail;
    }
    sl_http_keep_free(s->http, SYNC_DISK_RESERVE_BYTES); /* should something else fill the disk meanwhile */
    sl_playlist *pl = open_current(s->current_path, &s->keys, s->zoneinfo_dir, why, sizeof why);
    floors_load(s);
    if (pl) {
        s->cur_version = pl->version;
        snprintf(s->cur_channel, sizeof s->cur_channel, "%s", pl->channel ? pl->channel : "");
        snprintf(s->st.current_channel, sizeof s->st.current_channel, "%s", s->cur_channel);
        if (floor_raise(s, s->cur_channel, s->cur_version))
            floors_store(s); /* a screen that kept no floors yet, or a crash after a switch */
        if (media_set_of(pl, &s->cur) != 0) {
            sl_playlist_free(pl);
            snprintf(err, errlen, "out of memory");
            goto fail;
        }
        sl_playlist_free(pl);
        s->st.current_version = s->cur_version;
        s->gc_wanted = true; /* the engine plays current.manifest from boot */
        s->gc_allowed = true;
    } else if (sl_fs_is_file(s->current_path)) {
        sl_log_warn(s->log, "sync: the stored manifest is not usable (%s); waiting for the hub", why);
    }
    if (sl_worker_start(s->worker, sync_step, s) != 0) {
        snprintf(err, errlen, "cannot start the sync thread");
        goto fail;
    }
    s->started = true;
    return s;
fail:
    sync_free(s);
    return NULL;
}

char *sl_sync_take_ready(sl_sync *s, int64_t *version)
{
    char *path = NULL;
    if (!s)
        return NULL;
    pthread_mutex_lock(&s->mu);
    if (s->ready) {
        path = strdup(s->current_path);
        if (path) {
            s->ready = false;
            sl_playlist_free(s->ready_pl);
            s->ready_pl = NULL;
            s->gc_allowed = true;
            if (version)
                *version = s->ready_version;
        }
    }
    bool taken = path != NULL;
    pthread_mutex_unlock(&s->mu);
    if (taken)
        sl_worker_kick(s->worker); /* the media the old manifest alone used can go */
    return path;
}

sl_playlist *sl_sync_take_ready_playlist(sl_sync *s, int64_t *version)
{
    sl_playlist *pl = NULL;
    if (!s)
        return NULL;
    pthread_mutex_lock(&s->mu);
    if (s->ready && s->ready_pl) {
        pl = s->ready_pl;
        s->ready_pl = NULL;
        s->ready = false;
        s->gc_allowed = true;
        if (version)
            *version = s->ready_version;
    }
    pthread_mutex_unlock(&s->mu);
    if (pl)
        sl_worker_kick(s->worker); /* the media the old manifest alone used can go */
    return pl;
}

bool sl_sync_device_revoked(sl_sync *s)
{
    return s && atomic_load(&s->revoked);
}

void sl_sync_get_status(sl_sync *s, sl_sync_status *out)
{
    if (!s) {
        memset(out, 0, sizeof *out);
        return;
    }
    pthread_mutex_lock(&s->mu);
    *out = s->st;
    pthread_mutex_unlock(&s->mu);
}

void sl_sync_usb_check(sl_sync *s)
{
    if (!s || !s->has_usb || !s->started)
        return;
    pthread_mutex_lock(&s->mu);
    int64_t ticket = ++s->usb_asked;
    pthread_mutex_unlock(&s->mu);
    sl_worker_kick(s->worker);
    pthread_mutex_lock(&s->mu);
    while (!sl_worker_stopping(s->worker) && s->usb_answered < ticket)
        pthread_cond_wait(&s->cv, &s->mu);
    pthread_mutex_unlock(&s->mu);
}

void sl_sync_poll_now(sl_sync *s)
{
    if (!s)
        return;
    pthread_mutex_lock(&s->mu);
    s->poll_now = true;
    pthread_mutex_unlock(&s->mu);
    sl_worker_kick(s->worker);
}

void sl_sync_stop(sl_sync *s)
{
    if (!s)
        return;
    sl_worker_stop(s->worker);
    pthread_mutex_lock(&s->mu); /* a sl_sync_usb_check waiting for an answer gives up */
    pthread_cond_broadcast(&s->cv);
    pthread_mutex_unlock(&s->mu);
    sync_free(s);
}
