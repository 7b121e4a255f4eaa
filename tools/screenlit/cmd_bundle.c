/* cmd_bundle.c — `screenlit bundle`: lint, sign and write a playlist with its media into a folder for a USB stick. */
#include "content/fsutil.h"
#include "content/json.h"
#include "content/keys.h"
#include "content/manifest.h"
#include "content/mediacopy.h"
#include "content/timeutil.h"
#include "content/wire.h"
#include "tools/screenlit/cli.h"
#include "tools/screenlit/hubclient.h"
#include "tools/screenlit/mfbuild.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define BUNDLE_CHANNEL_DEFAULT "usb"
#define BUNDLE_MANIFEST "manifest.json"

/* The options as given. */
typedef struct {
    const char *key, *out, *channel;
    int64_t version;
} bundle_args;

static int set_version(void *field, const sl_opts_entry *e, const char *arg, char *err, size_t errlen)
{
    if (sl_mfb_parse_version(arg, field) == 0)
        return 0;
    snprintf(err, errlen, "--version wants a whole number from 1 up, not '%s'", arg);
    return -1;
}

static const sl_opts_entry bundle_opts[] = {
    SL_OPTS_STR_E("key", 'k', "FILE",
                  "your publisher secret key (from `screenlit keygen`); screens must pin its public key. Keep it "
                  "mode 600: a key others can read is used with a warning",
                  bundle_args, key),
    SL_OPTS_STR_E("out", 'o', "DIR", "the bundle folder (created when missing)", bundle_args, out),
    SL_OPTS_STR_E("channel", 'c', "NAME",
                  "the channel the bundle is for, named in the signed manifest (default usb). A screen takes only "
                  "bundles of its own channel: with a hub, the channel of its inventory row; without one, "
                  "`channel` in its player.conf (default usb). A bundle for another channel is refused (\"USB "
                  "bundle for channel usb refused: this screen plays bank-lobby\") and the screen keeps its "
                  "content",
                  bundle_args, channel),
    SL_OPTS_FUNC_E("version", 0, "N",
                   "the manifest version (default: the current time in seconds since 1970, and above the version "
                   "of a bundle already in DIR). A screen takes only a version above the one it last played on "
                   "that channel, from a hub or a stick alike: for screens that also follow a hub channel, give "
                   "that channel's name and the version published there (the screen then takes the hub's copy as "
                   "the same content) or a later one",
                   bundle_args, version, set_version, 0),
    SL_OPTS_HELP_E,
    SL_OPTS_END_E,
};

static void help(void)
{
    printf("NAME\n"
           "    screenlit bundle - sign a playlist and write it with its media for a USB stick\n"
           "\n"
           "SYNOPSIS\n"
           "    screenlit bundle PLAYLIST.json --key publisher.key --out DIR\n"
           "                     [--channel NAME] [--version N]\n"
           "\n"
           "DESCRIPTION\n"
           "    For screens without a network (a village office, a bus station with no\n"
           "    line): lints the playlist (errors stop it; warnings are shown), hashes\n"
           "    every media file it uses, signs the manifest with your publisher key\n"
           "    exactly as `screenlit publish` does, and writes the bundle into DIR:\n"
           "\n"
           "        DIR/manifest.json        the signed manifest\n"
           "        DIR/media/<sha256>       every media file, named by its SHA-256\n"
           "        DIR/README.txt           what the bundle is and how to use it\n"
           "\n"
           "    Make DIR the root of a USB stick (or copy it there). A screen whose\n"
           "    player.conf sets `usb-path` to where the stick is mounted, and pins your\n"
           "    public key, checks the signature and every file's SHA-256, copies the\n"
           "    media to its own disk and switches to the new content within seconds,\n"
           "    as after a hub update; the stick may then be pulled out. A bundle that\n"
           "    fails a check is refused and the screen keeps playing what it had.\n"
           "\n"
           "    Writing into a folder that holds an earlier bundle updates it: files\n"
           "    already there with the right SHA-256 are kept, media the new manifest\n"
           "    does not use are deleted, and manifest.json is replaced last, so a\n"
           "    bundle interrupted half-way still holds the previous complete one.\n"
           "\n"
           "    The result goes to standard output, e.g.\n"
           "        bundle /media/stick: channel usb version 1795570000, 5 media files (4.1 MB,\n"
           "        4.1 MB copied)\n"
           "\n"
           "OPTIONS\n");
    sl_opts_help(stdout, bundle_opts);
    printf("\n"
           "EXIT STATUS\n"
           "    0 bundle written, 1 the playlist has errors or the bundle could not be\n"
           "    written (a previous bundle in DIR stays usable), 2 wrong arguments.\n"
           "\n"
           "EXAMPLES\n"
           "    screenlit bundle campaign/playlist.json --key ~/.config/screenlit/publisher.key \\\n"
           "        --out /media/$USER/STICK\n"
           "    On the screen (player.conf):  usb-path = /media/screenlit\n");
}

/* The version of the manifest already in dir (not verified: only to number
 * the next one), or 0. */
static int64_t previous_version(const char *dir)
{
    char *path = sl_fs_join(dir, BUNDLE_MANIFEST), *text = NULL, why[256];
    size_t len = 0;
    int64_t v = 0;
    cJSON *env = NULL, *pl = NULL;
    if (!path || !sl_fs_is_file(path) ||
        sl_fs_read_file(path, SL_MANIFEST_MAX_BYTES, &text, &len, why, sizeof why) != 0)
        goto out;
    env = sl_json_parse(text, len, NULL, why, sizeof why);
    const char *payload = env ? sl_json_str(env, "payload") : NULL;
    pl = payload ? sl_json_parse(payload, strlen(payload), NULL, why, sizeof why) : NULL;
    const cJSON *ver = pl ? cJSON_GetObjectItemCaseSensitive(pl, "version") : NULL;
    if (cJSON_IsNumber(ver) && ver->valuedouble >= 1 && ver->valuedouble < 9.0e15)
        v = (int64_t)ver->valuedouble;
out:
    cJSON_Delete(pl);
    cJSON_Delete(env);
    free(text);
    free(path);
    return v;
}

/* Puts every media file into mdir/<sha256>, keeping the ones already there
 * and right. Returns 0 or -1 (message printed); *copied gets the bytes copied. */
static int copy_media(const char *mdir, const sl_mfb_list *media, int64_t *copied)
{
    char dst[4096], tmp[4200], err[1024], got[SL_SHA256_HEX_LEN + 1];
    for (size_t i = 0; i < media->n; i++) {
        const sl_mfb_media *m = &media->v[i];
        int64_t size = -1;
        snprintf(dst, sizeof dst, "%s/%s", mdir, m->sha);
        snprintf(tmp, sizeof tmp, "%s.tmp", dst);
        if (sl_fs_is_file(dst) && sl_media_sha256_file(dst, got, &size, err, sizeof err) == 0 &&
            size == m->size && strcmp(got, m->sha) == 0)
            continue;
        bool full = false;
        int rc = sl_mediacopy_file(m->path, tmp, m->sha, m->size, &full, err, sizeof err);
        if (rc != SL_MEDIACOPY_OK) {
            fprintf(stderr, "screenlit bundle: %s%s\n", err,
                    rc == SL_MEDIACOPY_MISMATCH ? " (did it change while bundling?)"
                    : full                      ? " (the stick is full)"
                                                : "");
            return -1;
        }
        if (rename(tmp, dst) != 0) {
            fprintf(stderr, "screenlit bundle: cannot move %s into place\n", tmp);
            unlink(tmp);
            return -1;
        }
        *copied += m->size;
    }
    return 0;
}

/* Deletes files of mdir named like media (or their .tmp) that the manifest
 * does not use; leaves everything else alone. */
static void remove_stale(const char *mdir, const sl_mfb_list *media)
{
    DIR *d = opendir(mdir);
    struct dirent *e;
    char path[4096], sha[SL_SHA256_HEX_LEN + 1];
    if (!d)
        return;
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        if (len != SL_SHA256_HEX_LEN && !(len == SL_SHA256_HEX_LEN + 4 && !strcmp(e->d_name + SL_SHA256_HEX_LEN, ".tmp")))
            continue;
        memcpy(sha, e->d_name, SL_SHA256_HEX_LEN);
        sha[SL_SHA256_HEX_LEN] = '\0';
        if (!sl_media_is_sha256(sha))
            continue;
        bool used = len == SL_SHA256_HEX_LEN;
        if (used) {
            used = false;
            for (size_t i = 0; i < media->n && !used; i++)
                used = strcmp(media->v[i].sha, sha) == 0;
        }
        if (!used) {
            snprintf(path, sizeof path, "%s/%s", mdir, e->d_name);
            unlink(path);
        }
    }
    closedir(d);
}

static int write_readme(const char *dir, const char *channel, int64_t version, size_t n_media, int64_t bytes,
                        const sl_seckey *sk)
{
    char created[40], total[32], key[SL_PUBKEY_B64_MAX], err[512], text[4096];
    sl_pubkey pk;
    sl_instant_format((int64_t)time(NULL) * 1000, 0, created, sizeof created);
    sl_hubc_fmt_bytes(bytes, total, sizeof total);
    sl_seckey_public(sk, &pk);
    sl_pubkey_to_b64(&pk, key, sizeof key);
    int n = snprintf(
        text, sizeof text,
        "screenlit USB bundle\n"
        "\n"
        "Channel %s, version %lld, made %s.\n"
        "%zu media file%s (%s), signed with the publisher key\n"
        "    %s\n"
        "\n"
        "This folder is content for screenlit screens that have no network:\n"
        "manifest.json is the signed playlist, media/ holds every file it uses,\n"
        "named by its SHA-256. Do not edit them: a changed byte makes screens\n"
        "refuse the bundle.\n"
        "\n"
        "Updating a screen: plug the stick in. A screen whose player.conf has\n"
        "'usb-path' set to where the stick is mounted, and pins the key above\n"
        "('publisher-key = ...'), checks the signature and every file, copies\n"
        "the media to its own disk and switches within seconds; then the stick\n"
        "may be pulled out. It takes only a bundle for its own channel (its\n"
        "'channel' setting, default usb; with a hub, its inventory channel) and\n"
        "only a version above the one it last played on that channel.\n"
        "\n"
        "Collecting proof of play: on the screen,\n"
        "    screenlit-player --export-records <stick>\n"
        "writes its play records into records/ here; at the office,\n"
        "    screenlit records import <stick> --hub URL\n"
        "loads them into the hub (importing the same files again is harmless).\n",
        channel, (long long)version, created, n_media, n_media == 1 ? "" : "s", total, key);
    char *path = sl_fs_join(dir, "README.txt");
    int rc = path && n > 0 && (size_t)n < sizeof text
                 ? sl_fs_write_atomic(path, text, (size_t)n, 0644, false, err, sizeof err)
                 : -1;
    if (rc != 0)
        fprintf(stderr, "screenlit bundle: cannot write README.txt: %s\n", path ? err : "out of memory");
    free(path);
    return rc;
}

int sl_cmd_bundle(int argc, char **argv)
{
    bundle_args a = {.channel = BUNDLE_CHANNEL_DEFAULT};
    int next, prc = sl_cli_parse_opts("bundle", bundle_opts, help, &a, argc, argv, &next);
    if (prc >= 0)
        return prc;
    const char *keypath = a.key, *out_dir = a.out, *channel = a.channel;
    int64_t version = a.version;
    if (next >= argc)
        return sl_cli_usage_error("bundle", "the playlist file is missing");
    if (next + 1 < argc)
        return sl_cli_usage_error("bundle", "one playlist at a time ('%s' is extra)", argv[next + 1]);
    if (!keypath)
        return sl_cli_usage_error("bundle", "--key FILE (your publisher secret key) is missing");
    if (!out_dir || !out_dir[0])
        return sl_cli_usage_error("bundle", "--out DIR (the bundle folder, e.g. a USB stick) is missing");
    if (!sl_wire_id_ok(channel))
        return sl_cli_usage_error("bundle",
                                  "'%s' is not a channel name (1-64 letters, digits, '.', '_', '-'; "
                                  "not starting with '.' or '-')",
                                  channel);
    const char *source = argv[next];

    int rc = SL_EXIT_FAIL;
    char *payload = NULL, *envelope = NULL, *mdir = NULL, *mpath = NULL;
    sl_mfb_list media = {0};
    sl_seckey sk;
    char err[1024];
    memset(&sk, 0, sizeof sk);

    /* 1. Lint, then the key: nothing is written before both are good. */
    if (sl_mfb_lint("bundle", source, "nothing was written") != 0)
        goto out;
    if (sl_mfb_load_key("bundle", keypath, &sk) != 0)
        goto out;

    /* 2. The version: now in seconds, above what the folder holds. */
    int64_t prev = previous_version(out_dir);
    if (version == 0) {
        version = (int64_t)time(NULL);
        if (version <= prev)
            version = prev + 1;
    } else if (version <= prev) {
        fprintf(stderr,
                "screenlit bundle: warning: %s held version %lld; screens that took it will refuse "
                "version %lld\n",
                out_dir, (long long)prev, (long long)version);
    }

    /* 3. Compile (hashes every file) and sign. */
    payload = sl_mfb_compile("bundle", source, channel, version, &media, "nothing was written");
    if (!payload)
        goto out;
    if (!(envelope = sl_mf_sign(payload, strlen(payload), &sk))) {
        fprintf(stderr, "screenlit bundle: could not sign the manifest\n");
        goto out;
    }

    /* 4. Media first, the manifest last: the folder never names a file it lacks. */
    mdir = sl_fs_join(out_dir, "media");
    mpath = sl_fs_join(out_dir, BUNDLE_MANIFEST);
    if (!mdir || !mpath) {
        fprintf(stderr, "screenlit bundle: out of memory\n");
        goto out;
    }
    if (sl_fs_mkdirs(mdir, err, sizeof err) != 0) {
        fprintf(stderr, "screenlit bundle: %s\n", err);
        goto out;
    }
    int64_t copied = 0, total = 0;
    if (copy_media(mdir, &media, &copied) != 0) {
        fprintf(stderr, "screenlit bundle: %s was not changed\n", mpath);
        goto out;
    }
    if (sl_fs_write_atomic(mpath, envelope, strlen(envelope), 0644, false, err, sizeof err) != 0) {
        fprintf(stderr, "screenlit bundle: %s\n", err);
        goto out;
    }
    remove_stale(mdir, &media);
    for (size_t i = 0; i < media.n; i++)
        total += media.v[i].size;
    if (write_readme(out_dir, channel, version, media.n, total, &sk) != 0)
        goto out;

    char t[32], cp[32];
    sl_hubc_fmt_bytes(total, t, sizeof t);
    sl_hubc_fmt_bytes(copied, cp, sizeof cp);
    printf("bundle %s: channel %s version %lld, %zu media file%s (%s, %s copied)\n", out_dir, channel,
           (long long)version, media.n, media.n == 1 ? "" : "s", t, cp);
    rc = SL_EXIT_OK;
out:
    sl_seckey_wipe(&sk);
    sl_mfb_list_free(&media);
    free(payload);
    free(envelope);
    free(mdir);
    free(mpath);
    return rc;
}
