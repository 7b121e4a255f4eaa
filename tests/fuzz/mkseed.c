/* mkseed.c — signs standard input with the fuzz targets' test key and writes the envelope (for seed corpora). */
#include "content/manifest.h"
#include "tests/fuzz/fuzzutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void)
{
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap);
    size_t n;
    while (buf && (n = fread(buf + len, 1, cap - len, stdin)) > 0) {
        len += n;
        if (len == cap) {
            char *b = len < SL_MANIFEST_MAX_BYTES ? realloc(buf, cap * 2) : NULL;
            if (!b) {
                fprintf(stderr, "mkseed: the payload is too large\n");
                free(buf);
                return 1;
            }
            buf = b;
            cap *= 2;
        }
    }
    if (!buf)
        return 1;
    sl_seckey sk;
    sl_pubkey pk;
    sl_fuzz_test_key(&sk, &pk);
    char *env = sl_mf_sign(buf, len, &sk);
    free(buf);
    if (!env) {
        fprintf(stderr, "mkseed: signing failed\n");
        return 1;
    }
    fputs(env, stdout);
    free(env);
    return 0;
}
