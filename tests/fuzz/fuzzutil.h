/* fuzzutil.h — what the fuzz targets share: the fixed test key, a scratch folder, files from bytes. */
#ifndef SL_FUZZUTIL_H
#define SL_FUZZUTIL_H

#include "content/keys.h"

#include <stddef.h>
#include <stdint.h>

/* The libFuzzer entry points every target defines. */
int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The fixed test publisher key (a constant seed: the same key in every run,
 * so that signed seeds in the corpus stay valid). Aborts when libsodium
 * cannot start. */
void sl_fuzz_test_key(sl_seckey *sk, sl_pubkey *pk);

/* A keyset pinning only the test key. */
void sl_fuzz_test_keyset(sl_keyset *ks);

/* The process's scratch folder (under $TMPDIR, else /dev/shm, else /tmp),
 * made on the first call and removed with its contents at exit; aborts when
 * it cannot be made. */
const char *sl_fuzz_scratch(void);

/* Removes a folder and everything in it; NULL is fine. */
void sl_fuzz_remove_tree(const char *dir);

/* Writes len bytes to path (replacing it); aborts on failure. */
void sl_fuzz_write(const char *path, const void *data, size_t len);

#endif
