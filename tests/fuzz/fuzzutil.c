/* fuzzutil.c — the fixed test key, scratch folders and file writing shared by the fuzz targets. */
#define _XOPEN_SOURCE 700
#include "tests/fuzz/fuzzutil.h"

#include <fcntl.h>
#include <ftw.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Any 32 bytes do; these never sign anything but test inputs. */
static const unsigned char test_seed[crypto_sign_SEEDBYTES] = "screenlit-fuzz-test-key-seed-32";

void sl_fuzz_test_key(sl_seckey *sk, sl_pubkey *pk)
{
    if (sl_keys_init() != 0) {
        fprintf(stderr, "fuzz: libsodium could not start\n");
        abort();
    }
    crypto_sign_seed_keypair(pk->pk, sk->sk, test_seed);
}

void sl_fuzz_test_keyset(sl_keyset *ks)
{
    sl_seckey sk;
    sl_pubkey pk;
    char b64[SL_PUBKEY_B64_MAX];
    sl_fuzz_test_key(&sk, &pk);
    sl_pubkey_to_b64(&pk, b64, sizeof b64);
    memset(ks, 0, sizeof *ks);
    if (sl_keyset_add_b64(ks, b64) != 0) {
        fprintf(stderr, "fuzz: cannot pin the test key\n");
        abort();
    }
}

/* Set once, on the first call of sl_fuzz_scratch: a fuzz target is one
 * process running one input after another. */
static char *scratch;

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    remove(path);
    return 0;
}

void sl_fuzz_remove_tree(const char *dir)
{
    if (dir)
        nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static void remove_scratch(void)
{
    sl_fuzz_remove_tree(scratch);
    free(scratch);
    scratch = NULL;
}

const char *sl_fuzz_scratch(void)
{
    if (scratch)
        return scratch;
    const char *base = getenv("TMPDIR");
    if (!base || !base[0])
        base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
    size_t n = strlen(base) + 32;
    scratch = malloc(n);
    if (!scratch)
        abort();
    snprintf(scratch, n, "%s/sl-fuzz-XXXXXX", base);
    if (!mkdtemp(scratch)) {
        perror(scratch);
        abort();
    }
    atexit(remove_scratch);
    return scratch;
}

void sl_fuzz_write(const char *path, const void *data, size_t len)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        perror(path);
        abort();
    }
    const char *p = data;
    while (len > 0) {
        ssize_t w = write(fd, p, len);
        if (w <= 0) {
            perror(path);
            abort();
        }
        p += w;
        len -= (size_t)w;
    }
    close(fd);
}

