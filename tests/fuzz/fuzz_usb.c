/* fuzz_usb.c — libFuzzer target: the USB bundle reader: a folder's manifest.json (signed here with the test key when the first byte is even, raw when odd) read, verified, opened, its media copied. */
#include "content/fsutil.h"
#include "content/manifest.h"
#include "player/managed/usb.h"
#include "tests/fuzz/fuzzutil.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The one media file every bundle folder holds: seeds name it by its SHA-256
 * (571415467ab6... for these 21 bytes) and size. */
static const char media_bytes[] = "screenlit fuzz media\n";

/* Set once by LLVMFuzzerInitialize: the bundle folder and the copy target. */
static char *bundle_dir;
static char *copy_dst;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    char err[256], hex[65];
    bundle_dir = sl_fs_join(sl_fuzz_scratch(), "stick");
    char *media = sl_fs_join(bundle_dir, "media");
    copy_dst = sl_fs_join(sl_fuzz_scratch(), "copy.part");
    if (!bundle_dir || !media || !copy_dst || sl_fs_mkdirs(media, err, sizeof err) != 0) {
        fprintf(stderr, "fuzz: cannot make the bundle folder: %s\n", err);
        abort();
    }
    unsigned char sum[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(sum, (const unsigned char *)media_bytes, sizeof media_bytes - 1);
    sodium_bin2hex(hex, sizeof hex, sum, sizeof sum);
    char *file = sl_fs_join(media, hex);
    if (!file)
        abort();
    sl_fuzz_write(file, media_bytes, sizeof media_bytes - 1);
    free(file);
    free(media);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    char err[512];
    sl_keyset ks;
    sl_fuzz_test_keyset(&ks);
    char *path = sl_fs_join(bundle_dir, SL_USB_MANIFEST);
    if (!path)
        abort();
    if ((data[0] & 1) == 0) {
        sl_seckey sk;
        sl_pubkey pk;
        sl_fuzz_test_key(&sk, &pk);
        char *env = sl_mf_sign((const char *)data + 1, size - 1, &sk);
        if (!env)
            goto out;
        sl_fuzz_write(path, env, strlen(env));
        free(env);
    } else {
        sl_fuzz_write(path, data + 1, size - 1);
    }

    /* What the sync thread does with a stick: look, verify and open, copy every media file. */
    sl_usb u;
    if (sl_usb_init(&u, bundle_dir) != 0)
        abort();
    char *env = NULL;
    size_t len = 0;
    if (sl_usb_look(&u, &env, &len, err, sizeof err) == 1 && sl_usb_present(&u)) {
        sl_playlist *pl = sl_mf_open(env, len, &ks, NULL, err, sizeof err);
        for (size_t i = 0; pl && i < pl->n_items; i++) {
            if (!pl->items[i].sha256)
                continue;
            bool full = false;
            (void)sl_usb_copy_media(&u, pl->items[i].sha256, pl->items[i].size_bytes, copy_dst, &full, err,
                                    sizeof err);
            unlink(copy_dst);
        }
        sl_playlist_free(pl);
        /* The same file again is nothing new. */
        char *again = NULL;
        size_t alen = 0;
        if (sl_usb_look(&u, &again, &alen, err, sizeof err) != 0)
            abort();
        free(again);
    }
    free(env);
    sl_usb_free(&u);
out:
    free(path);
    sl_keyset_free(&ks);
    return 0;
}
