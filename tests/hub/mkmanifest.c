/* mkmanifest.c — test helper: compiles a playlist source into a manifest and signs it (stdout: the envelope). */
#include "content/diag.h"
#include "content/keys.h"
#include "content/manifest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: mkmanifest PLAYLIST.json CHANNEL VERSION publisher.key\n");
        return 2;
    }
    int rc = 1;
    char err[512];
    sl_seckey sk;
    sl_diags d;
    char *payload = NULL, *env = NULL;
    sl_diags_init(&d);
    if (sl_keys_init() != 0 || sl_seckey_load(argv[4], &sk, err, sizeof err) != 0) {
        fprintf(stderr, "mkmanifest: %s\n", err);
        goto out;
    }
    payload = sl_mf_compile(argv[1], argv[2], strtoll(argv[3], NULL, 10), (int64_t)time(NULL) * 1000, NULL,
                            NULL, &d);
    if (!payload) {
        for (size_t i = 0; i < d.n; i++)
            fprintf(stderr, "mkmanifest: %s: %s\n", d.v[i].path, d.v[i].message);
        goto out;
    }
    env = sl_mf_sign(payload, strlen(payload), &sk);
    if (!env) {
        fprintf(stderr, "mkmanifest: signing failed\n");
        goto out;
    }
    fputs(env, stdout);
    rc = 0;
out:
    sl_seckey_wipe(&sk);
    free(payload);
    free(env);
    sl_diags_free(&d);
    return rc;
}
