/* fuzz_manifest.c — libFuzzer target: manifest verify and open; the input is signed with the test key (first byte even) or is the raw envelope (odd). */
#include "content/manifest.h"
#include "tests/fuzz/fuzzutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return 0;
}

/* Verify, then open (verify + parse the payload as a manifest). */
static void open_envelope(const char *env, size_t len, const sl_keyset *ks)
{
    char err[512];
    char *payload = NULL;
    size_t plen = 0;
    (void)sl_mf_verify(env, len, ks, &payload, &plen, err, sizeof err);
    free(payload);
    sl_playlist *pl = sl_mf_open(env, len, ks, NULL, err, sizeof err);
    if (getenv("SL_FUZZ_VERBOSE"))
        fprintf(stderr, "manifest: %s\n", pl ? "opened" : err);
    sl_playlist_free(pl);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    sl_keyset ks;
    sl_fuzz_test_keyset(&ks);
    const char *rest = (const char *)data + 1;
    size_t n = size - 1;
    if ((data[0] & 1) == 0) {
        /* The rest is a payload: sign it so the parser behind the signature sees it. */
        sl_seckey sk;
        sl_pubkey pk;
        sl_fuzz_test_key(&sk, &pk);
        char *env = sl_mf_sign(rest, n, &sk);
        if (env) {
            open_envelope(env, strlen(env), &ks);
            free(env);
        }
    } else {
        open_envelope(rest, n, &ks);
    }
    sl_keyset_free(&ks);
    return 0;
}
