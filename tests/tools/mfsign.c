/* mfsign.c — test helper: signs a manifest payload as it is (stdout: the envelope), for manifests no compiler makes. */
#include "content/fsutil.h"
#include "content/keys.h"
#include "content/manifest.h"

#include <stdio.h>
#include <stdlib.h>

/* Usage: mfsign PAYLOAD.json publisher.key
 * The payload's bytes are signed unchanged (a trailing newline is dropped), so
 * a test can sign payloads that a real publish would never produce, e.g. one
 * naming a file far larger than any screen's disk. */
int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: mfsign PAYLOAD.json publisher.key\n");
        return 2;
    }
    int rc = 1;
    char err[512];
    char *payload = NULL, *env = NULL;
    size_t len = 0;
    sl_seckey sk;
    if (sl_keys_init() != 0 || sl_seckey_load(argv[2], &sk, err, sizeof err) != 0) {
        fprintf(stderr, "mfsign: %s\n", err);
        return 1;
    }
    if (sl_fs_read_file(argv[1], SL_MANIFEST_MAX_BYTES, &payload, &len, err, sizeof err) != 0) {
        fprintf(stderr, "mfsign: %s\n", err);
        goto out;
    }
    while (len > 0 && (payload[len - 1] == '\n' || payload[len - 1] == '\r'))
        len--;
    env = sl_mf_sign(payload, len, &sk);
    if (!env) {
        fprintf(stderr, "mfsign: signing failed\n");
        goto out;
    }
    fputs(env, stdout);
    rc = 0;
out:
    sl_seckey_wipe(&sk);
    free(payload);
    free(env);
    return rc;
}
