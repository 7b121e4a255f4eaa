/* cmd_publish.c — `screenlit publish`: lint, compile, upload only the media the hub lacks (resumable), sign, post. */
#include "content/json.h"
#include "content/keys.h"
#include "content/manifest.h"
#include "content/media.h"
#include "content/textwidth.h"
#include "content/wire.h"
#include "tools/screenlit/cli.h"
#include "tools/screenlit/hubclient.h"
#include "tools/screenlit/mfbuild.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define PUB_CHUNK_MIB_DEFAULT 8
#define PUB_CHUNK_MIB_MAX 64         /* the hub's body cap per request */
#define PUB_MISSING_BATCH 10000      /* media per /media/missing request */
#define PUB_MAX_CONFLICTS 8          /* 409 "continue at N" answers per file before giving up */
#define PUB_DRAW_INTERVAL_S 0.1

/* The options as given. */
typedef struct {
    sl_hubc_opts ho;
    const char *channel, *key;
    int64_t version, rate;
    long chunk_mib;
} publish_args;

enum { OPT_VERSION = 1, OPT_RATE };

/* --version N and --limit-rate RATE. */
static int set_opt(void *field, const sl_opts_entry *e, const char *arg, char *err, size_t errlen)
{
    publish_args *a = field;
    if (e->id == OPT_VERSION) {
        if (sl_mfb_parse_version(arg, &a->version) == 0)
            return 0;
        snprintf(err, errlen, "--version wants a whole number from 1 up, not '%s'", arg);
        return -1;
    }
    char *end;
    errno = 0;
    long long rate = strtoll(arg, &end, 10), mult = 1;
    if (*end == 'k' || *end == 'K') {
        mult = 1000;
        end++;
    } else if (*end == 'M' || *end == 'm') {
        mult = 1000000;
        end++;
    }
    if (rate > 0 && rate <= 100000000000LL / mult)
        rate *= mult;
    else
        rate = 0;
    if (errno || *end || end == arg || rate < 1000) {
        snprintf(err, errlen, "--limit-rate wants bytes a second from 1k up, e.g. 500k or 2M, not '%s'", arg);
        return -1;
    }
    a->rate = rate;
    return 0;
}

_Static_assert(PUB_CHUNK_MIB_MAX == 64 && PUB_CHUNK_MIB_DEFAULT == 8, "the help and messages below say 64 and 8");

static const sl_opts_entry publish_opts[] = {
    SL_OPTS_STR_E("channel", 'c', "NAME", "the channel, e.g. bank-lobby (letters, digits, . _ -)", publish_args,
                  channel),
    SL_OPTS_STR_E("key", 'k', "FILE",
                  "your publisher secret key (from `screenlit keygen`); the hub must know its public key. Keep it "
                  "mode 600: a key others can read is used with a warning",
                  publish_args, key),
    {"version", 0, SL_OPTS_FUNC, "N",
     "the manifest version (default: the channel's current version + 1, or 1 for a new channel); it must be "
     "higher than the current one",
     0, 0, 0, NULL, set_opt, OPT_VERSION},
    SL_OPTS_LONG_E("chunk-mib", 0, "N", "upload in chunks of N MiB (1-64, default 8)", publish_args, chunk_mib, 1,
                   PUB_CHUNK_MIB_MAX, "--chunk-mib wants 1 to 64, not '%s'"),
    {"limit-rate", 0, SL_OPTS_FUNC, "RATE",
     "upload at most RATE bytes a second (suffix k or M, e.g. 500k), to leave a shared line usable", 0, 0, 0, NULL,
     set_opt, OPT_RATE},
    SL_HUBC_OPTS_E(publish_args, ho),
    SL_OPTS_HELP_E,
    SL_OPTS_END_E,
};

static void help(void)
{
    printf("NAME\n"
           "    screenlit publish - sign a playlist and publish it to a channel of the hub\n"
           "\n"
           "SYNOPSIS\n"
           "    screenlit publish PLAYLIST.json --channel NAME --key publisher.key\n"
           "                      [--version N] [--chunk-mib N] [--limit-rate RATE]\n"
           "                      [--hub URL] [--token TOKEN] [--config FILE]\n"
           "\n"
           "DESCRIPTION\n"
           "    Lints the playlist (errors stop the publish; warnings are shown), hashes\n"
           "    every media file it uses (SHA-256), asks the hub which of them it lacks\n"
           "    and uploads only those, in chunks. An upload that was interrupted (network\n"
           "    gone, Ctrl-C, laptop closed) resumes where the hub stopped receiving when\n"
           "    you publish again. Then it compiles the manifest, signs it with your\n"
           "    publisher key and posts it as the channel's next version. Screens switch\n"
           "    to it only once every file of it is on their disk and verified, so a\n"
           "    publish cannot leave a screen dark.\n"
           "\n"
           "    The hub may limit your token and your key to some channels (screenlit-hub\n"
           "    token create --channels, key add --channels): a channel outside either is\n"
           "    refused (403) and nothing is published. Publishing to a channel that no\n"
           "    screen of the hub's inventory uses works, with a warning on standard\n"
           "    error (check the channel's name, or import the inventory).\n"
           "\n"
           "    Progress goes to standard error: a progress bar (bytes, percent, rate)\n"
           "    when it is a terminal, one line per uploaded file otherwise. The result\n"
           "    goes to standard output, e.g.\n"
           "        published channel bank-lobby version 3: 5 media files, 2 uploaded (4.1 MB)\n"
           "\n"
           "OPTIONS\n");
    sl_opts_help(stdout, publish_opts);
    printf("\n"
           SL_HUBC_HELP_ENV
           "\n"
           "EXIT STATUS\n"
           "    0 published, 1 the playlist has errors or the publish failed (nothing\n"
           "    is half-published: screens keep the previous version), 2 wrong arguments.\n"
           "\n"
           "EXAMPLES\n"
           "    export SCREENLIT_HUB=http://hub.example:8080 SCREENLIT_TOKEN=…\n"
           "    screenlit publish campaign/playlist.json --channel bank-lobby \\\n"
           "        --key ~/.config/screenlit/publisher.key\n");
}

typedef struct {
    bool tty;
    char name[256];    /* shown name */
    int64_t total;     /* file size */
    int64_t base;      /* bytes the hub held before the current request */
    int64_t resumed;   /* bytes the hub held when this file started */
    double t0, last_draw;
} pub_progress;

static double pub_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void pub_draw(pub_progress *pg, int64_t done, bool final)
{
    char a[32], b[32], r[32];
    double el = pub_now() - pg->t0;
    double rate = el > 0 ? (double)(done - pg->resumed) / el : 0;
    int pct = pg->total > 0 ? (int)(done * 100 / pg->total) : 100;
    int fill = pg->total > 0 ? (int)(done * 24 / pg->total) : 24;
    char bar[25];
    for (int i = 0; i < 24; i++)
        bar[i] = i < fill ? '#' : '-';
    bar[24] = '\0';
    sl_hubc_fmt_bytes(done, a, sizeof a);
    sl_hubc_fmt_bytes(pg->total, b, sizeof b);
    sl_hubc_fmt_bytes((int64_t)rate, r, sizeof r);
    char name[128];
    int w = sl_textwidth_fit(pg->name, 24, name, sizeof name);
    fprintf(stderr, "\r%s%*s [%s] %3d%%  %s / %s  %s/s\033[K%s", name, 24 - w, "", bar, pct, a, b,
            r, final ? "\n" : "");
    fflush(stderr);
    pg->last_draw = pub_now();
}

static int pub_progress_cb(void *ud, int64_t sent, int64_t total)
{
    pub_progress *pg = ud;
    if (pg->tty && pub_now() - pg->last_draw >= PUB_DRAW_INTERVAL_S)
        pub_draw(pg, pg->base + sent, false);
    return 0;
}

/* The "received" member of a reply, or -1 when absent or not a whole number. */
static int64_t pub_received(const cJSON *j)
{
    const cJSON *r = cJSON_GetObjectItemCaseSensitive(j, "received");
    if (!cJSON_IsNumber(r) || r->valuedouble < 0 || r->valuedouble > 9.0e15 ||
        r->valuedouble != (double)(int64_t)r->valuedouble)
        return -1;
    return (int64_t)r->valuedouble;
}

/* Uploads one media file from m->received on; adds the bytes sent to *sent.
 * Returns 0 once the hub reports the file complete, or -1 with err. */
static int pub_upload(sl_hubc *h, sl_mfb_media *m, size_t chunk, int64_t rate, bool tty, int64_t *sent,
                      char *err, size_t errlen)
{
    FILE *f = NULL;
    char *buf = NULL;
    cJSON *j = NULL;
    sl_hubc_reply rep = {0};
    int rc = -1;
    char path[128], range[96], jerr[SL_HUBC_ERR_MAX];
    int conflicts = 0;
    bool restarted = false;
    int64_t off = m->received;
    int64_t sent_here = 0;
    pub_progress pg = {.tty = tty, .total = m->size, .resumed = off, .t0 = pub_now()};

    const char *base = strrchr(m->path, '/');
    sl_hubc_printable(base ? base + 1 : m->path, pg.name, sizeof pg.name);
    snprintf(path, sizeof path, "/api/v1/media/%s", m->sha);
    if (!(f = fopen(m->path, "rb"))) {
        snprintf(err, errlen, "%s: %s", m->path, strerror(errno));
        goto out;
    }
    if (!(buf = malloc(chunk ? chunk : 1))) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    if (off < 0 || off > m->size)
        off = 0;
    for (;;) {
        size_t n = (size_t)(m->size - off < (int64_t)chunk ? m->size - off : (int64_t)chunk);
        if (n > 0) {
            if (fseeko(f, (off_t)off, SEEK_SET) != 0 || fread(buf, 1, n, f) != n) {
                snprintf(err, errlen, "%s: could not read it (did it change while publishing?)",
                         m->path);
                goto out;
            }
            snprintf(range, sizeof range, "Content-Range: bytes %lld-%lld/%lld", (long long)off,
                     (long long)(off + (int64_t)n - 1), (long long)m->size);
        }
        pg.base = off;
        sl_hubc_req rq = {.method = "PUT",
                         .path = path,
                         .content_type = "application/octet-stream",
                         .body = buf,
                         .body_len = n,
                         .header = n > 0 ? range : NULL,
                         .idempotent = true, /* a repeat gets 409 with where to go on */
                         .max_send_bps = rate,
                         .progress = pub_progress_cb,
                         .progress_ud = &pg};
        sl_hubc_reply_free(&rep);
        if (sl_hubc_send(h, &rq, &rep, err, errlen) != 0)
            goto out;
        cJSON_Delete(j);
        j = rep.len ? sl_hubc_reply_json(&rep, jerr, sizeof jerr) : NULL;
        int64_t got = j ? pub_received(j) : -1;
        if (rep.status == 200) {
            if (got < 0 || got > m->size) {
                snprintf(err, errlen, "%s: the hub's answer to an upload makes no sense", m->path);
                goto out;
            }
            *sent += (int64_t)n;
            sent_here += (int64_t)n;
            off = got;
            if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j, "complete")))
                break;
            if (off == m->size) {
                snprintf(err, errlen, "%s: the hub holds every byte but did not store the file",
                         m->path);
                goto out;
            }
        } else if (rep.status == 409 && got >= 0 && got <= m->size &&
                   ++conflicts <= PUB_MAX_CONFLICTS) {
            off = got; /* the hub holds more or less than we thought: go on from there */
        } else if (rep.status == 409 && got < 0 && ++conflicts <= PUB_MAX_CONFLICTS) {
            /* Another upload of this file is still running on the hub — often our own,
             * cut off a moment ago and not yet noticed by the hub: wait, then ask again. */
            struct timespec ts = {1, 0};
            nanosleep(&ts, NULL); /* then the same request again: a 409 says where to go on */
        } else if (rep.status == 400 && m->received > 0 && !restarted) {
            /* The partial file the hub held did not hash right (its first part came from
             * another file): the hub dropped it, so send the whole file once more. */
            fprintf(stderr, "screenlit publish: %s: the hub's partial copy was bad; sending all of it\n",
                    m->path);
            restarted = true;
            off = 0;
            pg.resumed = 0;
        } else {
            sl_hubc_reply_error(h, &rep, jerr, sizeof jerr);
            snprintf(err, errlen, "%s: %s%s", m->path, jerr,
                     rep.status == 400 ? " (did the file change while publishing?)" : "");
            goto out;
        }
    }
    if (tty) {
        pub_draw(&pg, m->size, true);
    } else {
        char a[32], r[32], at[32];
        double el = pub_now() - pg.t0;
        sl_hubc_fmt_bytes(sent_here, a, sizeof a);
        sl_hubc_fmt_bytes(el > 0 ? (int64_t)((double)sent_here / el) : 0, r, sizeof r);
        sl_hubc_fmt_bytes(m->received, at, sizeof at);
        char shown[256];
        sl_hubc_printable(m->path, shown, sizeof shown);
        if (m->received > 0 && !restarted)
            fprintf(stderr, "uploaded %s: %s in %.1f s (%s/s), resumed at %s\n", shown, a, el, r, at);
        else
            fprintf(stderr, "uploaded %s: %s in %.1f s (%s/s)\n", shown, a, el, r);
    }
    rc = 0;
out:
    if (rc != 0 && tty && pg.last_draw > 0)
        fputc('\n', stderr);
    sl_hubc_reply_free(&rep);
    cJSON_Delete(j);
    free(buf);
    if (f)
        fclose(f);
    return rc;
}

/* Asks the hub which media it lacks; marks them in l. */
static int pub_ask_missing(sl_hubc *h, sl_mfb_list *l, char *err, size_t errlen)
{
    for (size_t start = 0; start < l->n; start += PUB_MISSING_BATCH) {
        size_t end = start + PUB_MISSING_BATCH < l->n ? start + PUB_MISSING_BATCH : l->n;
        cJSON *req = cJSON_CreateObject(), *reply = NULL;
        cJSON *arr = req ? cJSON_AddArrayToObject(req, "media") : NULL;
        bool ok = arr != NULL;
        for (size_t i = start; ok && i < end; i++) {
            cJSON *o = cJSON_CreateObject();
            ok = o && cJSON_AddStringToObject(o, "sha256", l->v[i].sha) &&
                 cJSON_AddNumberToObject(o, "size", (double)l->v[i].size) &&
                 cJSON_AddItemToArray(arr, o);
            if (!ok)
                cJSON_Delete(o); /* not in the array: still ours */
        }
        if (!ok) {
            cJSON_Delete(req);
            snprintf(err, errlen, "out of memory");
            return -1;
        }
        int rc = sl_hubc_json(h, "POST", "/api/v1/media/missing", req, true, 200, &reply, NULL, NULL,
                             err, errlen);
        cJSON_Delete(req);
        if (rc != 0)
            return -1;
        const cJSON *miss = cJSON_GetObjectItemCaseSensitive(reply, "missing");
        if (!cJSON_IsArray(miss)) {
            cJSON_Delete(reply);
            snprintf(err, errlen, "the hub's answer about missing media has no \"missing\" list");
            return -1;
        }
        const cJSON *e;
        cJSON_ArrayForEach(e, miss)
        {
            const char *sha = sl_json_str(e, "sha256");
            for (size_t i = start; sha && i < end; i++) {
                if (strcmp(l->v[i].sha, sha) == 0) {
                    l->v[i].missing = true;
                    int64_t r = pub_received(e);
                    l->v[i].received = r > 0 && r <= l->v[i].size ? r : 0;
                }
            }
        }
        cJSON_Delete(reply);
    }
    return 0;
}

/* The channel's current version on the hub (0 when it has none). */
static int pub_current_version(sl_hubc *h, const char *channel, int64_t *version, char *err,
                               size_t errlen)
{
    cJSON *reply = NULL;
    *version = 0;
    if (sl_hubc_json(h, "GET", "/api/v1/channels", NULL, true, 200, &reply, NULL, NULL, err,
                    errlen) != 0)
        return -1;
    const cJSON *chs = cJSON_GetObjectItemCaseSensitive(reply, "channels"), *e;
    if (!cJSON_IsArray(chs)) {
        cJSON_Delete(reply);
        snprintf(err, errlen, "the hub's list of channels has no \"channels\" array");
        return -1;
    }
    cJSON_ArrayForEach(e, chs)
    {
        const char *name = sl_json_str(e, "channel");
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(e, "version");
        if (name && strcmp(name, channel) == 0 && cJSON_IsNumber(v) && v->valuedouble >= 0 &&
            v->valuedouble < 9.0e15)
            *version = (int64_t)v->valuedouble;
    }
    cJSON_Delete(reply);
    return 0;
}

/* Asks the hub which media it lacks and uploads them (resuming what it
 * holds in part), with progress on a terminal. 0, or -1 after saying why. */
static int pub_upload_missing(sl_hubc *h, sl_mfb_list *media, size_t chunk, int64_t rate, size_t *n_missing,
                              size_t *n_resumed, int64_t *sent)
{
    char err[SL_HUBC_ERR_MAX];
    if (media->n > 0 && pub_ask_missing(h, media, err, sizeof err) != 0) {
        fprintf(stderr, "screenlit publish: %s\n", err);
        return -1;
    }
    for (size_t i = 0; i < media->n; i++) {
        *n_missing += media->v[i].missing;
        *n_resumed += media->v[i].missing && media->v[i].received > 0;
    }
    bool tty = isatty(STDERR_FILENO) == 1;
    for (size_t i = 0; i < media->n; i++) {
        if (!media->v[i].missing)
            continue;
        if (pub_upload(h, &media->v[i], chunk, rate, tty, sent, err, sizeof err) != 0) {
            fprintf(stderr, "screenlit publish: %s\n", err);
            fprintf(stderr, "screenlit publish: nothing was published; run the same command again "
                            "to resume the upload\n");
            return -1;
        }
    }
    return 0;
}

/* Posts the signed envelope to the channel and says the hub's warnings.
 * 0 when the hub took it, or -1 after saying why. */
static int pub_post(sl_hubc *h, const char *channel, const char *envelope)
{
    char err[SL_HUBC_ERR_MAX];
    char mpath[128];
    snprintf(mpath, sizeof mpath, "/api/v1/channels/%s/manifests", channel);
    sl_hubc_reply rep = {0};
    sl_hubc_req rq = {.method = "POST",
                     .path = mpath,
                     .content_type = "application/json",
                     .body = envelope,
                     .body_len = strlen(envelope),
                     .timeout_s = 120};
    if (sl_hubc_send(h, &rq, &rep, err, sizeof err) != 0) {
        fprintf(stderr, "screenlit publish: %s\n", err);
        return -1;
    }
    if (rep.status != 201) {
        sl_hubc_reply_error(h, &rep, err, sizeof err);
        fprintf(stderr, "screenlit publish: %s\n", err);
        if (rep.status == 409)
            fprintf(stderr, "screenlit publish: channel %s was not changed; screens keep their "
                            "current version\n",
                    channel);
        sl_hubc_reply_free(&rep);
        return -1;
    }
    /* Warnings of the hub (e.g. no screen uses this channel): said, not failed. */
    cJSON *done = sl_hubc_reply_json(&rep, err, sizeof err);
    const cJSON *warnings = cJSON_GetObjectItemCaseSensitive(done, "warnings"), *w;
    cJSON_ArrayForEach(w, warnings)
    {
        char text[512];
        if (!cJSON_IsString(w))
            continue;
        sl_hubc_printable(w->valuestring, text, sizeof text);
        fprintf(stderr, "screenlit publish: warning: %s\n", text);
    }
    cJSON_Delete(done);
    sl_hubc_reply_free(&rep);
    return 0;
}

int sl_cmd_publish(int argc, char **argv)
{
    publish_args a = {.chunk_mib = PUB_CHUNK_MIB_DEFAULT};
    int next, prc = sl_cli_parse_opts("publish", publish_opts, help, &a, argc, argv, &next);
    if (prc >= 0)
        return prc;
    sl_hubc_opts ho = a.ho;
    const char *channel = a.channel, *keypath = a.key;
    int64_t version = a.version, rate = a.rate;
    long chunk_mib = a.chunk_mib;
    if (next >= argc)
        return sl_cli_usage_error("publish", "the playlist file is missing");
    if (next + 1 < argc)
        return sl_cli_usage_error("publish", "one playlist at a time ('%s' is extra)", argv[next + 1]);
    if (!channel)
        return sl_cli_usage_error("publish", "--channel NAME is missing");
    if (!sl_wire_id_ok(channel))
        return sl_cli_usage_error("publish",
                                  "'%s' is not a channel name (1-64 letters, digits, '.', '_', '-'; "
                                  "not starting with '.' or '-')",
                                  channel);
    if (!keypath)
        return sl_cli_usage_error("publish", "--key FILE (your publisher secret key) is missing");
    const char *source = argv[next];

    int rc = SL_EXIT_FAIL;
    sl_hubc *h = NULL;
    char *payload = NULL, *envelope = NULL;
    sl_mfb_list media = {0};
    sl_seckey sk;
    char err[SL_HUBC_ERR_MAX];
    bool usage = false;

    memset(&sk, 0, sizeof sk);

    /* 1. Where the hub is (wrong settings are usage errors: nothing is done). */
    if (!(h = sl_hubc_open(&ho, true, &usage, err, sizeof err))) {
        if (usage) {
            rc = sl_cli_usage_error("publish", "%s", err);
        } else {
            fprintf(stderr, "screenlit publish: %s\n", err);
        }
        goto out;
    }

    /* 2. Lint: errors stop here, before anything goes over the network. */
    if (sl_mfb_lint("publish", source, "nothing was published") != 0)
        goto out;

    /* 3. The key. */
    if (sl_mfb_load_key("publish", keypath, &sk) != 0)
        goto out;

    /* 4. The version: one above the channel's current one. */
    int64_t current = 0;
    if (pub_current_version(h, channel, &current, err, sizeof err) != 0) {
        fprintf(stderr, "screenlit publish: %s\n", err);
        goto out;
    }
    if (version == 0) {
        version = current + 1;
    } else if (version <= current) {
        fprintf(stderr,
                "screenlit publish: channel %s is at version %lld on the hub; --version %lld does not "
                "increase it\n",
                channel, (long long)current, (long long)version);
        goto out;
    }

    /* 5. Compile: hashes every media file and collects them. */
    payload = sl_mfb_compile("publish", source, channel, version, &media, "nothing was published");
    if (!payload)
        goto out;

    /* 6. Upload only what the hub lacks. */
    size_t n_missing = 0, n_resumed = 0;
    int64_t sent = 0;
    if (pub_upload_missing(h, &media, (size_t)chunk_mib * 1024 * 1024, rate, &n_missing, &n_resumed, &sent) != 0)
        goto out;

    /* 7. Sign and post. */
    if (!(envelope = sl_mf_sign(payload, strlen(payload), &sk))) {
        fprintf(stderr, "screenlit publish: could not sign the manifest\n");
        goto out;
    }
    if (pub_post(h, channel, envelope) != 0)
        goto out;

    char total[32];
    sl_hubc_fmt_bytes(sent, total, sizeof total);
    printf("published channel %s version %lld: %zu media file%s, %zu uploaded (%s)", channel,
           (long long)version, media.n, media.n == 1 ? "" : "s", n_missing, total);
    if (n_resumed)
        printf(", %zu resumed", n_resumed);
    printf("\n");
    rc = SL_EXIT_OK;
out:
    sl_seckey_wipe(&sk);
    sl_mfb_list_free(&media);
    free(payload);
    free(envelope);
    sl_hubc_close(h);
    return rc;
}
