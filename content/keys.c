/* keys.c — publisher Ed25519 keys: generation, strict one-line key files, pinned key sets. */
#define _POSIX_C_SOURCE 200809L
#include "content/keys.h"

#include "content/fsutil.h"

#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define KEYS_SECRET_PREFIX "screenlit-ed25519-secret-v1 "
#define KEYS_PUBLIC_PREFIX "screenlit-ed25519-public-v1 "
#define KEYS_SECRET_FILE "publisher.key"
#define KEYS_PUBLIC_FILE "publisher.pub"
#define KEYS_FILE_MAX_BYTES 1024 /* a key file is one short line */
#define KEYS_B64_VARIANT sodium_base64_VARIANT_ORIGINAL

/* Out of memory: every function here reports it as an error (-1 / false);
 * nothing aborts. */

int sl_keys_init(void)
{
    return sodium_init() < 0 ? -1 : 0;
}

/* Encodes `n` bytes as base64 (original alphabet, padded) into buf.
 * buf must hold sodium_base64_ENCODED_LEN(n, variant) bytes; otherwise buf
 * gets "" (when it has room for anything at all). */
static void b64_encode(const uint8_t *bin, size_t n, char *buf, size_t len)
{
    if (!buf || len == 0)
        return;
    if (len < sodium_base64_ENCODED_LEN(n, KEYS_B64_VARIANT)) {
        buf[0] = '\0';
        return;
    }
    sodium_bin2base64(buf, len, bin, n, KEYS_B64_VARIANT);
}

/* Decodes exactly `b64len` characters of base64 into exactly `want` bytes:
 * no white space, padding required, nothing left over, no other length.
 * Returns 0 or -1. */
static int b64_decode_exact(const char *b64, size_t b64len, uint8_t *out, size_t want)
{
    size_t got = 0;
    const char *end = NULL;
    if (b64len != sodium_base64_ENCODED_LEN(want, KEYS_B64_VARIANT) - 1)
        return -1;
    if (sodium_base642bin(out, want, b64, b64len, NULL, &got, &end, KEYS_B64_VARIANT) != 0)
        return -1;
    if (got != want || end != b64 + b64len)
        return -1;
    return 0;
}

/* Reads a key file whose one line is `prefix` + base64 of exactly `nbytes`
 * bytes, with an optional final "\n". The decoded bytes go to out. `what`
 * names the kind of key in messages. The file's text is wiped before it is
 * freed (it may hold a secret). Returns 0 or -1 with err. */
static int read_key_file(const char *path, const char *prefix, const char *what, uint8_t *out,
                         size_t nbytes, char *err, size_t errlen)
{
    int rc = -1;
    char *buf = NULL;
    size_t len = 0;
    char ferr[512];

    if (!path) {
        snprintf(err, errlen, "no %s key file given", what);
        goto out;
    }
    if (sl_fs_read_file(path, KEYS_FILE_MAX_BYTES, &buf, &len, ferr, sizeof ferr) != 0) {
        snprintf(err, errlen, "%s key: %s", what, ferr);
        goto out;
    }
    size_t plen = strlen(prefix);
    if (len < plen || memcmp(buf, prefix, plen) != 0) {
        snprintf(err, errlen, "%s: not a screenlit %s key file (it must start with \"%.*s\")", path,
                 what, (int)(plen - 1), prefix);
        goto out;
    }
    size_t end = len;
    if (end > 0 && buf[end - 1] == '\n')
        end--;
    const char *b64 = buf + plen;
    size_t b64len = end - plen;
    for (size_t i = 0; i < b64len; i++) {
        unsigned char c = (unsigned char)b64[i];
        if (c == '\r' || c == '\n' || c == ' ' || c == '\t') {
            snprintf(err, errlen,
                     "%s: unexpected white space or extra line in the %s key (the file is one "
                     "line: the prefix, one space, the base64 key, a newline)",
                     path, what);
            goto out;
        }
    }
    if (b64_decode_exact(b64, b64len, out, nbytes) != 0) {
        snprintf(err, errlen, "%s: the %s key is not base64 of exactly %zu bytes", path, what,
                 nbytes);
        goto out;
    }
    rc = 0;
out:
    if (buf) {
        sodium_memzero(buf, len);
        free(buf);
    }
    return rc;
}

/* Writes DIR/publisher.key (0600) and DIR/publisher.pub (0644), creating DIR
 * when missing. Refuses when either file already exists, and never leaves
 * one new file without the other. Returns 0 or -1 with err. */
int sl_keys_generate(const char *dir, char *err, size_t errlen)
{
    int rc = -1;
    char *kpath = NULL, *ppath = NULL;
    sl_seckey sk;
    sl_pubkey pk;
    char sline[sizeof KEYS_SECRET_PREFIX + sodium_base64_ENCODED_LEN(SL_SECKEY_BYTES, KEYS_B64_VARIANT) + 1];
    char pline[sizeof KEYS_PUBLIC_PREFIX + SL_PUBKEY_B64_MAX + 1];
    char ferr[512];
    char b64[sodium_base64_ENCODED_LEN(SL_SECKEY_BYTES, KEYS_B64_VARIANT)];
    bool key_written = false;
    struct stat st;

    memset(&sk, 0, sizeof sk);
    memset(sline, 0, sizeof sline);
    memset(b64, 0, sizeof b64);
    if (sl_keys_init() != 0) {
        snprintf(err, errlen, "libsodium could not be initialised");
        goto out;
    }
    if (!dir || !dir[0]) {
        snprintf(err, errlen, "no key folder given");
        goto out;
    }
    kpath = sl_fs_join(dir, KEYS_SECRET_FILE);
    ppath = sl_fs_join(dir, KEYS_PUBLIC_FILE);
    if (!kpath || !ppath) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    /* Checked up front so that neither file is written when one exists;
     * the exclusive writes below close the race. */
    if (lstat(kpath, &st) == 0 || lstat(ppath, &st) == 0) {
        snprintf(err, errlen, "%s: a publisher key already exists; refusing to overwrite it",
                 lstat(kpath, &st) == 0 ? kpath : ppath);
        goto out;
    }
    if (sl_fs_mkdirs(dir, ferr, sizeof ferr) != 0) {
        snprintf(err, errlen, "%s", ferr);
        goto out;
    }
    if (crypto_sign_keypair(pk.pk, sk.sk) != 0) {
        snprintf(err, errlen, "key generation failed");
        goto out;
    }
    b64_encode(sk.sk, SL_SECKEY_BYTES, b64, sizeof b64);
    snprintf(sline, sizeof sline, "%s%s\n", KEYS_SECRET_PREFIX, b64);
    sl_pubkey_to_b64(&pk, b64, sizeof b64);
    snprintf(pline, sizeof pline, "%s%s\n", KEYS_PUBLIC_PREFIX, b64);

    if (sl_fs_write_atomic(kpath, sline, strlen(sline), 0600, true, ferr, sizeof ferr) != 0) {
        snprintf(err, errlen, "%s%s", ferr,
                 errno == EEXIST ? " (a publisher key already exists; refusing to overwrite it)" : "");
        goto out;
    }
    key_written = true;
    if (sl_fs_write_atomic(ppath, pline, strlen(pline), 0644, true, ferr, sizeof ferr) != 0) {
        snprintf(err, errlen, "%s%s", ferr,
                 errno == EEXIST ? " (a publisher key already exists; refusing to overwrite it)" : "");
        goto out;
    }
    rc = 0;
out:
    if (rc != 0 && key_written)
        unlink(kpath);
    sodium_memzero(&sk, sizeof sk);
    sodium_memzero(sline, sizeof sline);
    sodium_memzero(b64, sizeof b64);
    free(kpath);
    free(ppath);
    return rc;
}

/* Loads a secret key file and checks that its public half matches its seed
 * (so a corrupted file is refused rather than producing bad signatures).
 * On failure *out is zeroed. Returns 0 or -1 with err. */
int sl_seckey_load(const char *path, sl_seckey *out, char *err, size_t errlen)
{
    int rc = -1;
    sl_seckey derived;
    uint8_t pk[SL_PUBKEY_BYTES];

    memset(&derived, 0, sizeof derived);
    memset(out, 0, sizeof *out);
    if (sl_keys_init() != 0) {
        snprintf(err, errlen, "libsodium could not be initialised");
        goto out;
    }
    if (read_key_file(path, KEYS_SECRET_PREFIX, "secret", out->sk, SL_SECKEY_BYTES, err, errlen) != 0)
        goto out;
    if (crypto_sign_seed_keypair(pk, derived.sk, out->sk) != 0 ||
        sodium_memcmp(derived.sk, out->sk, SL_SECKEY_BYTES) != 0) {
        snprintf(err, errlen, "%s: the secret key is corrupt (its public half does not match its seed)",
                 path);
        goto out;
    }
    rc = 0;
out:
    if (rc != 0)
        sodium_memzero(out, sizeof *out);
    sodium_memzero(&derived, sizeof derived);
    return rc;
}

/* Loads a public key file. Returns 0 or -1 with err. */
int sl_pubkey_load(const char *path, sl_pubkey *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    return read_key_file(path, KEYS_PUBLIC_PREFIX, "public", out->pk, SL_PUBKEY_BYTES, err, errlen);
}

/* Parses the base64 text of a public key: exactly 44 characters of padded
 * original-alphabet base64, nothing around it. Returns 0 or -1. */
int sl_pubkey_from_b64(const char *b64, sl_pubkey *out)
{
    if (!b64 || !out)
        return -1;
    if (sl_keys_init() != 0)
        return -1;
    return b64_decode_exact(b64, strlen(b64), out->pk, SL_PUBKEY_BYTES);
}

/* Writes the base64 text of a public key into buf (45 bytes needed; a
 * smaller buf gets ""). */
void sl_pubkey_to_b64(const sl_pubkey *pk, char *buf, size_t len)
{
    b64_encode(pk->pk, SL_PUBKEY_BYTES, buf, len);
}

/* The public half of a secret key (libsodium keeps it in the last 32 bytes). */
void sl_seckey_public(const sl_seckey *sk, sl_pubkey *out)
{
    memcpy(out->pk, sk->sk + (SL_SECKEY_BYTES - SL_PUBKEY_BYTES), SL_PUBKEY_BYTES);
}

void sl_seckey_wipe(sl_seckey *sk)
{
    if (sk)
        sodium_memzero(sk, sizeof *sk);
}

/* The index of pk in the set, or -1. */
static long keyset_find(const sl_keyset *ks, const sl_pubkey *pk)
{
    for (size_t i = 0; ks && pk && i < ks->n; i++) {
        if (memcmp(ks->v[i].pk, pk->pk, SL_PUBKEY_BYTES) == 0)
            return (long)i;
    }
    return -1;
}

/* Appends a key to the set, for the channels listed (NULL = every one);
 * a key already there is allowed what either addition allows. Returns 0 or -1. */
static int keyset_add_scoped(sl_keyset *ks, const sl_pubkey *pk, const char *channels)
{
    long at = keyset_find(ks, pk);
    if (at >= 0) {
        char *had = ks->channels ? ks->channels[at] : NULL;
        if (!had)
            return 0; /* every channel already */
        if (!channels) {
            free(had);
            ks->channels[at] = NULL;
            return 0;
        }
        size_t n = strlen(had) + strlen(channels) + 2;
        char *both = malloc(n);
        if (!both)
            return -1;
        snprintf(both, n, "%s,%s", had, channels);
        free(had);
        ks->channels[at] = both;
        return 0;
    }
    char *copy = channels ? strdup(channels) : NULL;
    if (channels && !copy)
        return -1;
    if (channels && !ks->channels) {
        ks->channels = calloc(ks->n + 1, sizeof *ks->channels);
        if (!ks->channels) {
            free(copy);
            return -1;
        }
    }
    sl_pubkey *v = realloc(ks->v, (ks->n + 1) * sizeof *v);
    if (!v) {
        free(copy);
        return -1;
    }
    ks->v = v;
    if (ks->channels) {
        char **c = realloc(ks->channels, (ks->n + 1) * sizeof *c);
        if (!c) {
            free(copy);
            return -1;
        }
        ks->channels = c;
        c[ks->n] = copy;
    }
    v[ks->n] = *pk;
    ks->n++;
    return 0;
}

static int keyset_add(sl_keyset *ks, const sl_pubkey *pk)
{
    return keyset_add_scoped(ks, pk, NULL);
}

/* Whether a channel list is names of [A-Za-z0-9._-] (not starting with '.'
 * or '-', at most 64 bytes) joined by ','. */
static bool channels_ok(const char *list, char *err, size_t errlen)
{
    size_t len = strlen(list);
    if (len == 0 || len > SL_KEYSET_CHANNELS_MAX) {
        snprintf(err, errlen, "channels=: give 1 to %d bytes of channel names joined by ','", SL_KEYSET_CHANNELS_MAX);
        return false;
    }
    for (const char *p = list; p;) {
        const char *e = strchr(p, ',');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        bool ok = n >= 1 && n <= 64 && p[0] != '.' && p[0] != '-';
        for (size_t i = 0; ok && i < n; i++) {
            char c = p[i];
            ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                 c == '_' || c == '-';
        }
        if (!ok) {
            snprintf(err, errlen, "channels=: '%.*s' is not a channel name (1 to 64 letters, digits, '.', '_' or "
                     "'-', names joined by ',' without spaces)", (int)(n > 80 ? 80 : n), p);
            return false;
        }
        p = e ? e + 1 : NULL;
    }
    return true;
}

int sl_keyset_add_channels(sl_keyset *ks, const char *b64, const char *channels, char *err, size_t errlen)
{
    sl_pubkey pk;
    if (!ks || !b64 || sl_pubkey_from_b64(b64, &pk) != 0) {
        snprintf(err, errlen, "'%.80s' is not the base64 of a public key (the text after "
                 "screenlit-ed25519-public-v1 in publisher.pub)", b64 ? b64 : "");
        return -1;
    }
    if (channels && !channels_ok(channels, err, errlen))
        return -1;
    if (keyset_add_scoped(ks, &pk, channels) != 0) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    return 0;
}

int sl_keyset_add_spec(sl_keyset *ks, const char *spec, char *err, size_t errlen)
{
    char b64[SL_PUBKEY_B64_MAX];
    const char *p = spec ? spec : "";
    while (*p == ' ' || *p == '\t')
        p++;
    size_t n = strcspn(p, " \t");
    if (n == 0 || n >= sizeof b64) {
        snprintf(err, errlen, "'%.80s' is not the base64 of a public key (the text after "
                 "screenlit-ed25519-public-v1 in publisher.pub)", p);
        return -1;
    }
    memcpy(b64, p, n);
    b64[n] = '\0';
    p += n;
    while (*p == ' ' || *p == '\t')
        p++;
    const char *channels = NULL;
    char list[SL_KEYSET_CHANNELS_MAX + 2];
    if (*p) {
        if (strncmp(p, "channels=", 9) != 0) {
            snprintf(err, errlen, "after the key, only 'channels=NAME[,NAME...]' may follow, not '%.80s'", p);
            return -1;
        }
        p += 9;
        size_t m = strcspn(p, " \t");
        const char *rest = p + m;
        while (*rest == ' ' || *rest == '\t')
            rest++;
        if (*rest) {
            snprintf(err, errlen, "channels=: join the names with ',' and no spaces ('%.80s' is extra)", rest);
            return -1;
        }
        if (m > SL_KEYSET_CHANNELS_MAX) {
            snprintf(err, errlen, "channels=: longer than %d bytes", SL_KEYSET_CHANNELS_MAX);
            return -1;
        }
        memcpy(list, p, m);
        list[m] = '\0';
        channels = list;
    }
    return sl_keyset_add_channels(ks, b64, channels, err, errlen);
}

bool sl_keyset_allows(const sl_keyset *ks, const sl_pubkey *pk, const char *channel)
{
    long at = keyset_find(ks, pk);
    if (at < 0)
        return false;
    const char *list = ks->channels ? ks->channels[at] : NULL;
    if (!list)
        return true;
    return sl_channel_list_has(list, channel);
}

bool sl_channel_list_has(const char *list, const char *channel)
{
    if (!list || !channel)
        return false;
    size_t n = strlen(channel);
    for (const char *p = list; p;) {
        const char *e = strchr(p, ',');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len == n && memcmp(p, channel, n) == 0)
            return true;
        p = e ? e + 1 : NULL;
    }
    return false;
}

const char *sl_keyset_channels(const sl_keyset *ks, const sl_pubkey *pk)
{
    long at = keyset_find(ks, pk);
    return at >= 0 && ks->channels ? ks->channels[at] : NULL;
}

int sl_keyset_copy(sl_keyset *dst, const sl_keyset *src)
{
    for (size_t i = 0; src && i < src->n; i++) {
        if (keyset_add_scoped(dst, &src->v[i], src->channels ? src->channels[i] : NULL) != 0)
            return -1;
    }
    return 0;
}

/* Adds a key given as base64 text. Returns 0, or -1 when the text is not a
 * public key (or out of memory). Adding a key twice keeps one copy. */
int sl_keyset_add_b64(sl_keyset *ks, const char *b64)
{
    sl_pubkey pk;
    if (!ks || sl_pubkey_from_b64(b64, &pk) != 0)
        return -1;
    return keyset_add(ks, &pk);
}

/* Adds the key of a .pub file. Returns 0 or -1 with err. */
int sl_keyset_add_file(sl_keyset *ks, const char *path, char *err, size_t errlen)
{
    sl_pubkey pk;
    if (!ks) {
        snprintf(err, errlen, "no key set");
        return -1;
    }
    if (sl_pubkey_load(path, &pk, err, errlen) != 0)
        return -1;
    if (keyset_add(ks, &pk) != 0) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    return 0;
}

/* Whether pk is in the set; a NULL or empty set has no keys. */
bool sl_keyset_has(const sl_keyset *ks, const sl_pubkey *pk)
{
    return keyset_find(ks, pk) >= 0;
}

/* Frees the keys and leaves an empty set; NULL is fine. */
void sl_keyset_free(sl_keyset *ks)
{
    if (!ks)
        return;
    for (size_t i = 0; ks->channels && i < ks->n; i++)
        free(ks->channels[i]);
    free(ks->channels);
    ks->channels = NULL;
    free(ks->v);
    ks->v = NULL;
    ks->n = 0;
}
