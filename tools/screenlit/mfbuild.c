/* mfbuild.c — what `publish` and `bundle` share: lint, the publisher key, compiling a playlist and listing its media. */
#include "tools/screenlit/mfbuild.h"

#include "content/lint.h"
#include "content/manifest.h"
#include "tools/screenlit/cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

void sl_mfb_list_free(sl_mfb_list *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i].path);
    free(l->v);
    memset(l, 0, sizeof *l);
}

/* sl_mf_compile's media callback: collects each distinct file once. */
static int collect(void *ud, const char *path, const char *sha256_hex, int64_t size)
{
    sl_mfb_list *l = ud;
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->v[i].sha, sha256_hex) == 0)
            return 0;
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        sl_mfb_media *nv = realloc(l->v, cap * sizeof *nv);
        if (!nv)
            goto oom;
        l->v = nv;
        l->cap = cap;
    }
    sl_mfb_media *m = &l->v[l->n];
    memset(m, 0, sizeof *m);
    if (!(m->path = strdup(path)))
        goto oom;
    snprintf(m->sha, sizeof m->sha, "%s", sha256_hex);
    m->size = size;
    l->n++;
    return 0;
oom:
    l->oom = true;
    return -1;
}

int sl_mfb_lint(const char *cmd, const char *source, const char *outcome)
{
    sl_diags d;
    sl_diags_init(&d);
    sl_lint_opts lo = {.now_ms = (int64_t)time(NULL) * 1000, .probe_media = true,
                       .for_publish = true, .check_fonts = true};
    sl_playlist *pl = sl_lint_file(source, &lo, &d);
    sl_cli_print_diags(stderr, source, &d);
    if (!pl)
        fprintf(stderr, "screenlit %s: %s has %zu errors; %s\n", cmd, source, d.n_errors, outcome);
    sl_diags_free(&d);
    int rc = pl ? 0 : -1;
    sl_playlist_free(pl);
    return rc;
}

int sl_mfb_load_key(const char *cmd, const char *keypath, sl_seckey *sk)
{
    char err[512];
    if (sl_keys_init() != 0) {
        fprintf(stderr, "screenlit %s: libsodium could not start\n", cmd);
        return -1;
    }
    if (sl_seckey_load(keypath, sk, err, sizeof err) != 0) {
        fprintf(stderr, "screenlit %s: %s\n", cmd, err);
        return -1;
    }
    /* Like ssh, but a warning: whoever reads the key signs playlists in the publisher's name. */
    struct stat st;
    if (stat(keypath, &st) == 0 && (st.st_mode & 077))
        fprintf(stderr,
                "screenlit %s: warning: the secret key %s is mode %04o: others on this machine can read it and "
                "sign playlists in your name; make it private with: chmod 600 %s\n",
                cmd, keypath, (unsigned)(st.st_mode & 07777), keypath);
    return 0;
}

char *sl_mfb_compile(const char *cmd, const char *source, const char *channel, int64_t version,
                     sl_mfb_list *media, const char *outcome)
{
    sl_diags d;
    sl_diags_init(&d);
    char *payload = sl_mf_compile(source, channel, version, (int64_t)time(NULL) * 1000, collect, media, &d);
    if (!payload) {
        sl_cli_print_diags(stderr, source, &d);
        if (media->oom)
            fprintf(stderr, "screenlit %s: out of memory\n", cmd);
        else
            fprintf(stderr, "screenlit %s: the playlist could not be compiled; %s\n", cmd, outcome);
    }
    sl_diags_free(&d);
    return payload;
}

int sl_mfb_parse_version(const char *arg, int64_t *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(arg, &end, 10);
    if (errno || *end || end == arg || v < 1 || v > 9007199254740991LL)
        return -1;
    *out = v;
    return 0;
}
