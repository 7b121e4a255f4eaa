/* manifest.c — compiles playlist sources into manifests and signs/verifies them as canonical Ed25519 envelopes. */
#define _POSIX_C_SOURCE 200809L
#include "content/manifest.h"

#include "content/fsutil.h"
#include "content/json.h"
#include "content/media.h"
#include "content/timeutil.h"

#include <sodium.h>
#include <sys/stat.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MF_FORMAT "screenlit-signed-manifest-1"
#define MF_B64_VARIANT sodium_base64_VARIANT_ORIGINAL
#define MF_PUBKEY_B64_LEN (sodium_base64_ENCODED_LEN(SL_PUBKEY_BYTES, MF_B64_VARIANT) - 1) /* 44 */
#define MF_SIG_B64_LEN (sodium_base64_ENCODED_LEN(SL_SIG_BYTES, MF_B64_VARIANT) - 1)       /* 88 */
#define MF_CHANNEL_MAX 64                    /* bytes in a channel name */
#define MF_VERSION_MAX 9007199254740991LL    /* 2^53 - 1: exact as a JSON number */
#define MF_PATH_MAX 64                       /* bytes in a diagnostic's JSON path */

/* Out of memory: every function here reports it as a failure (NULL / -1 with
 * a message or a diagnostic); nothing aborts. */

/* ---- the canonical envelope ------------------------------------------ */

/* Bytes needed to write s[0..len) as the inside of a JSON string in the
 * canonical escaping: '"' and '\\' get a backslash; \b \f \n \r \t their
 * short forms; other bytes below 0x20 "\u00xx" (lowercase hex); every other
 * byte (including '/', 0x7f and UTF-8 sequences) is written as is. */
static size_t json_escaped_len(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\' || c == '\b' || c == '\f' || c == '\n' || c == '\r' || c == '\t')
            n += 2;
        else if (c < 0x20)
            n += 6;
        else
            n += 1;
    }
    return n;
}

/* Writes the canonical escaping of s[0..len) at out; returns the end. */
static char *json_escape(char *out, const char *s, size_t len)
{
    static const char hexd[] = "0123456789abcdef";
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '"': *out++ = '\\'; *out++ = '"'; break;
        case '\\': *out++ = '\\'; *out++ = '\\'; break;
        case '\b': *out++ = '\\'; *out++ = 'b'; break;
        case '\f': *out++ = '\\'; *out++ = 'f'; break;
        case '\n': *out++ = '\\'; *out++ = 'n'; break;
        case '\r': *out++ = '\\'; *out++ = 'r'; break;
        case '\t': *out++ = '\\'; *out++ = 't'; break;
        default:
            if (c < 0x20) {
                memcpy(out, "\\u00", 4);
                out += 4;
                *out++ = hexd[c >> 4];
                *out++ = hexd[c & 0x0f];
            } else {
                *out++ = (char)c;
            }
        }
    }
    return out;
}

/* Appends a NUL-terminated constant; returns the end. */
static char *put(char *out, const char *s)
{
    size_t n = strlen(s);
    memcpy(out, s, n);
    return out + n;
}

/* Builds the one canonical envelope text for (key, signature, payload):
 *   {"format":"screenlit-signed-manifest-1","key":"<b64>","signature":"<b64>","payload":"<escaped>"}
 * base64 is the original alphabet with padding. Returns a malloc'd
 * NUL-terminated string with its length in *outlen, or NULL (out of memory
 * or too large). */
static char *envelope_build(const sl_pubkey *pk, const uint8_t sig[SL_SIG_BYTES], const char *payload,
                            size_t plen, size_t *outlen)
{
    char kb64[MF_PUBKEY_B64_LEN + 1];
    char sb64[MF_SIG_B64_LEN + 1];
    static const char p0[] = "{\"format\":\"" MF_FORMAT "\",\"key\":\"";
    static const char p1[] = "\",\"signature\":\"";
    static const char p2[] = "\",\"payload\":\"";
    static const char p3[] = "\"}";

    sodium_bin2base64(kb64, sizeof kb64, pk->pk, SL_PUBKEY_BYTES, MF_B64_VARIANT);
    sodium_bin2base64(sb64, sizeof sb64, sig, SL_SIG_BYTES, MF_B64_VARIANT);
    size_t esc = json_escaped_len(payload, plen);
    size_t total = (sizeof p0 - 1) + MF_PUBKEY_B64_LEN + (sizeof p1 - 1) + MF_SIG_B64_LEN +
                   (sizeof p2 - 1) + esc + (sizeof p3 - 1);
    if (esc < plen || total > SL_MANIFEST_MAX_BYTES)
        return NULL;
    char *buf = malloc(total + 1);
    if (!buf)
        return NULL;
    char *o = buf;
    o = put(o, p0);
    o = put(o, kb64);
    o = put(o, p1);
    o = put(o, sb64);
    o = put(o, p2);
    o = json_escape(o, payload, plen);
    o = put(o, p3);
    *o = '\0';
    *outlen = (size_t)(o - buf);
    return buf;
}

/* Decodes exactly MF_SIG_B64_LEN characters into a signature. 0 or -1. */
static int sig_from_b64(const char *b64, uint8_t sig[SL_SIG_BYTES])
{
    size_t n = strlen(b64);
    size_t got = 0;
    const char *end = NULL;
    if (n != MF_SIG_B64_LEN)
        return -1;
    if (sodium_base642bin(sig, SL_SIG_BYTES, b64, n, NULL, &got, &end, MF_B64_VARIANT) != 0)
        return -1;
    return (got == SL_SIG_BYTES && end == b64 + n) ? 0 : -1;
}

/* Signs a payload: it must be one valid JSON text (strict UTF-8, no NUL)
 * whose envelope fits SL_MANIFEST_MAX_BYTES. Returns the canonical envelope
 * (malloc'd, no trailing newline) or NULL. */
char *sl_mf_sign(const char *payload, size_t len, const sl_seckey *sk)
{
    char *env = NULL;
    cJSON *check = NULL;
    uint8_t sig[SL_SIG_BYTES];
    sl_pubkey pk;
    size_t envlen = 0;
    char perr[256];
    sl_json_limits lim = {.max_bytes = SL_MANIFEST_MAX_BYTES, .max_depth = 0};

    if (!payload || !sk || sl_keys_init() != 0)
        goto out;
    if (memchr(payload, '\0', len))
        goto out;
    check = sl_json_parse(payload, len, &lim, perr, sizeof perr);
    if (!check)
        goto out;
    if (crypto_sign_detached(sig, NULL, (const unsigned char *)payload, len, sk->sk) != 0)
        goto out;
    sl_seckey_public(sk, &pk);
    env = envelope_build(&pk, sig, payload, len, &envlen);
out:
    cJSON_Delete(check);
    return env;
}

/* Verifies an envelope (see manifest.h). Checks, in order: size, JSON,
 * format, key and signature encodings, that the bytes are exactly the
 * canonical envelope of what they hold, that the key is pinned, and the
 * Ed25519 signature over the payload bytes. payload_out and payload_len may
 * be NULL (then only the verdict is wanted). */
/* Whether a key limited to some channels may sign this payload: reads the
 * payload's "channel" (only for such keys). 0, or -1 with err. */
static int mf_scope_check(const sl_keyset *pinned, const sl_pubkey *pk, const char *key, const char *payload,
                          size_t plen, char *err, size_t errlen)
{
    const char *list = sl_keyset_channels(pinned, pk);
    if (!list)
        return 0;
    char perr[256];
    sl_json_limits lim = {.max_bytes = SL_MANIFEST_MAX_BYTES, .max_depth = 0};
    cJSON *root = sl_json_parse(payload, plen, &lim, perr, sizeof perr);
    const char *channel = root && cJSON_IsObject(root) ? sl_json_str(root, "channel") : NULL;
    int rc = 0;
    if (!channel || !sl_keyset_allows(pinned, pk, channel)) {
        snprintf(err, errlen, "signed by key %s, which is pinned for channel%s %s only, not for \"%.64s\"", key,
                 strchr(list, ',') ? "s" : "", list, channel ? channel : "");
        rc = -1;
    }
    cJSON_Delete(root);
    return rc;
}

static int mf_verify(const char *envelope, size_t len, const sl_keyset *pinned, char **payload_out,
                     size_t *payload_len, sl_pubkey *signer, char *err, size_t errlen);

int sl_mf_verify(const char *envelope, size_t len, const sl_keyset *pinned, char **payload_out,
                 size_t *payload_len, char *err, size_t errlen)
{
    return mf_verify(envelope, len, pinned, payload_out, payload_len, NULL, err, errlen);
}

static int mf_verify(const char *envelope, size_t len, const sl_keyset *pinned, char **payload_out,
                     size_t *payload_len, sl_pubkey *signer, char *err, size_t errlen)
{
    int rc = -1;
    cJSON *root = NULL;
    char *canon = NULL;
    size_t canon_len = 0;
    char perr[256];
    sl_pubkey pk;
    uint8_t sig[SL_SIG_BYTES];
    sl_json_limits lim = {.max_bytes = SL_MANIFEST_MAX_BYTES, .max_depth = 0};

    if (payload_out)
        *payload_out = NULL;
    if (payload_len)
        *payload_len = 0;
    if (sl_keys_init() != 0) {
        snprintf(err, errlen, "libsodium could not be initialised");
        goto out;
    }
    if (!envelope) {
        snprintf(err, errlen, "not a signed manifest: no input");
        goto out;
    }
    if (len > SL_MANIFEST_MAX_BYTES) {
        snprintf(err, errlen, "not a signed manifest: too large (%zu bytes; the limit is %u)", len,
                 SL_MANIFEST_MAX_BYTES);
        goto out;
    }
    root = sl_json_parse(envelope, len, &lim, perr, sizeof perr);
    if (!root) {
        snprintf(err, errlen, "not a signed manifest: %s", perr);
        goto out;
    }
    if (!cJSON_IsObject(root)) {
        snprintf(err, errlen, "not a signed manifest: not a JSON object");
        goto out;
    }
    const char *format = sl_json_str(root, "format");
    if (!format || strcmp(format, MF_FORMAT) != 0) {
        snprintf(err, errlen, "not a signed manifest: \"format\" is not \"%s\"", MF_FORMAT);
        goto out;
    }
    const char *key = sl_json_str(root, "key");
    if (!key || sl_pubkey_from_b64(key, &pk) != 0) {
        snprintf(err, errlen, "not a signed manifest: \"key\" is not a base64 Ed25519 public key");
        goto out;
    }
    const char *sigtext = sl_json_str(root, "signature");
    if (!sigtext || sig_from_b64(sigtext, sig) != 0) {
        snprintf(err, errlen, "not a signed manifest: \"signature\" is not a base64 Ed25519 signature");
        goto out;
    }
    const char *payload = sl_json_str(root, "payload");
    if (!payload) {
        snprintf(err, errlen, "not a signed manifest: \"payload\" is missing or not a string");
        goto out;
    }
    size_t plen = strlen(payload);
    canon = envelope_build(&pk, sig, payload, plen, &canon_len);
    if (!canon) {
        snprintf(err, errlen, "not a signed manifest: out of memory or too large");
        goto out;
    }
    if (canon_len != len || memcmp(canon, envelope, len) != 0) {
        snprintf(err, errlen,
                 "not a signed manifest: not in canonical form (white space, member order, "
                 "escaping or extra members differ from what was signed)");
        goto out;
    }
    if (!sl_keyset_has(pinned, &pk)) {
        snprintf(err, errlen, "signed by a key that is not pinned (%s)", key);
        goto out;
    }
    if (crypto_sign_verify_detached(sig, (const unsigned char *)payload, plen, pk.pk) != 0) {
        snprintf(err, errlen, "signature does not match");
        goto out;
    }
    if (mf_scope_check(pinned, &pk, key, payload, plen, err, errlen) != 0)
        goto out;
    if (signer)
        *signer = pk;
    if (payload_out) {
        *payload_out = malloc(plen + 1);
        if (!*payload_out) {
            snprintf(err, errlen, "out of memory");
            goto out;
        }
        memcpy(*payload_out, payload, plen + 1);
    }
    if (payload_len)
        *payload_len = plen;
    rc = 0;
out:
    free(canon);
    cJSON_Delete(root);
    return rc;
}

/* Verifies an envelope and parses its payload as a manifest playlist.
 * Returns the playlist, or NULL with the first reason in err. */
sl_playlist *sl_mf_open(const char *envelope, size_t len, const sl_keyset *pinned,
                        const char *zoneinfo_dir, char *err, size_t errlen)
{
    return sl_mf_open_signed(envelope, len, pinned, zoneinfo_dir, NULL, err, errlen);
}

sl_playlist *sl_mf_open_signed(const char *envelope, size_t len, const sl_keyset *pinned, const char *zoneinfo_dir,
                               sl_pubkey *signer, char *err, size_t errlen)
{
    sl_playlist *pl = NULL;
    char *payload = NULL;
    size_t plen = 0;
    cJSON *root = NULL;
    char perr[256];
    sl_diags diags;
    sl_json_limits lim = {.max_bytes = SL_MANIFEST_MAX_BYTES, .max_depth = 0};

    sl_diags_init(&diags);
    if (mf_verify(envelope, len, pinned, &payload, &plen, signer, err, errlen) != 0)
        goto out;
    root = sl_json_parse(payload, plen, &lim, perr, sizeof perr);
    if (!root) {
        snprintf(err, errlen, "manifest payload: %s", perr);
        goto out;
    }
    pl = sl_playlist_from_json(root, SL_PL_MANIFEST, zoneinfo_dir, &diags);
    if (!pl) {
        const sl_diag *first = NULL;
        for (size_t i = 0; i < diags.n && !first; i++) {
            if (diags.v[i].severity == SL_DIAG_ERROR)
                first = &diags.v[i];
        }
        if (first)
            snprintf(err, errlen, "manifest payload: %s%s%s (%zu error%s)", first->path,
                     first->path[0] ? ": " : "", first->message, diags.n_errors,
                     diags.n_errors == 1 ? "" : "s");
        else
            snprintf(err, errlen, "manifest payload: not a valid playlist");
    }
out:
    sl_diags_free(&diags);
    cJSON_Delete(root);
    free(payload);
    return pl;
}

/* ---- compiling a source ---------------------------------------------- */

/* One distinct media file met while compiling (files used by several items
 * are hashed and probed once). */
typedef struct {
    char *path; /* as opened: the playlist's folder joined with "file" */
    char sha256[SL_SHA256_HEX_LEN + 1];
    int64_t size;
    bool ok;    /* hashed (and handed to the callback) */
    char err[512]; /* why not, when !ok */
    bool probe_ok;
    sl_media_info info;
    char probe_err[512];
} mf_media;

typedef struct {
    char *dir; /* the playlist's folder */
    const char *media_dir; /* a store of files named by SHA-256 ("sha256" beside "file"), or NULL */
    sl_mf_media_cb cb;
    void *ud;
    sl_diags *diags;
    mf_media *media;
    size_t n_media;
} mf_compile;

static void mf_compile_free(mf_compile *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->n_media; i++)
        free(c->media[i].path);
    free(c->media);
    free(c->dir);
}

/* Hashes, probes and hands to the callback the file at `path` once; later
 * calls with the same path return the same record. Returns the record, or
 * NULL with a diagnostic at jpath (the record is then not kept). */
static const mf_media *mf_media_get(mf_compile *c, const char *path, const char *trusted_sha, const char *jpath)
{
    for (size_t i = 0; i < c->n_media; i++) {
        if (strcmp(c->media[i].path, path) == 0) {
            if (!c->media[i].ok)
                sl_diags_error(c->diags, jpath, "%s", c->media[i].err);
            return c->media[i].ok ? &c->media[i] : NULL;
        }
    }
    mf_media *v = realloc(c->media, (c->n_media + 1) * sizeof *v);
    if (!v) {
        sl_diags_error(c->diags, jpath, "out of memory");
        return NULL;
    }
    c->media = v;
    mf_media *m = &c->media[c->n_media];
    memset(m, 0, sizeof *m);
    m->path = strdup(path);
    if (!m->path) {
        sl_diags_error(c->diags, jpath, "out of memory");
        return NULL;
    }
    c->n_media++;
    if (trusted_sha) { /* a store's file, named by its hash */
        struct stat st;
        if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
            snprintf(m->err, sizeof m->err, "the hub has no file with this SHA-256: upload it first");
            sl_diags_error(c->diags, jpath, "%s", m->err);
            return NULL;
        }
        snprintf(m->sha256, sizeof m->sha256, "%s", trusted_sha);
        m->size = (int64_t)st.st_size;
    } else if (sl_media_sha256_file(path, m->sha256, &m->size, m->err, sizeof m->err) != 0) {
        sl_diags_error(c->diags, jpath, "%s", m->err);
        return NULL;
    }
    m->probe_ok = sl_media_probe(path, &m->info, m->probe_err, sizeof m->probe_err) == 0;
    if (c->cb && c->cb(c->ud, path, m->sha256, m->size) != 0) {
        snprintf(m->err, sizeof m->err, "%s: could not be stored", path);
        sl_diags_error(c->diags, jpath, "%s", m->err);
        return NULL;
    }
    m->ok = true;
    return m;
}

/* Checks that what the probe found fits the item's type: errors for video
 * and audio (the player decodes them with FFmpeg), warnings for images (the
 * player reads them with SDL2_image, which knows a few formats FFmpeg does
 * not). Returns false when an error was added. */
static bool mf_check_type(mf_compile *c, const mf_media *m, const char *type, const char *jpath)
{
    if (!type)
        return true;
    if (strcmp(type, "video") == 0) {
        if (!m->probe_ok) {
            sl_diags_error(c->diags, jpath, "%s", m->probe_err);
            return false;
        }
        if (!m->info.has_video || m->info.is_still) {
            sl_diags_error(c->diags, jpath, "%s: is not a video%s", m->path,
                           m->info.is_still ? " (it is a still picture; use type \"image\")" : "");
            return false;
        }
    } else if (strcmp(type, "audio") == 0) {
        if (!m->probe_ok) {
            sl_diags_error(c->diags, jpath, "%s", m->probe_err);
            return false;
        }
        if (!m->info.has_audio) {
            sl_diags_error(c->diags, jpath, "%s: has no sound track", m->path);
            return false;
        }
    } else if (strcmp(type, "image") == 0) {
        if (!m->probe_ok)
            sl_diags_warn(c->diags, jpath, "%s", m->probe_err);
        else if (!m->info.is_still)
            sl_diags_warn(c->diags, jpath, "%s: does not look like a still picture", m->path);
    }
    return true;
}

/* Compiles one media-bearing object (an item or the fallback) found at
 * `obj` whose JSON path is `where`: returns a new object with the same
 * members in the same order except that "file" is replaced by "sha256" and
 * "size", and "duration" (seconds) is appended for video and audio when
 * absent. Objects without "file" come back as a copy. Returns NULL when a
 * diagnostic was added (or out of memory). */
static cJSON *mf_compile_media(mf_compile *c, const cJSON *obj, const char *where)
{
    cJSON *out = NULL;
    char *full = NULL;
    char jpath[MF_PATH_MAX];
    bool ok = false;

    const char *file = sl_json_str(obj, "file");
    if (!file) {
        out = cJSON_Duplicate(obj, 1);
        if (!out)
            sl_diags_error(c->diags, where, "out of memory");
        return out;
    }
    snprintf(jpath, sizeof jpath, "%s.file", where);
    const char *type = sl_json_str(obj, "type");
    const char *given = sl_json_str(obj, "sha256");
    bool from_store = c->media_dir && given && sl_media_is_sha256(given);
    if (c->media_dir && !from_store) {
        snprintf(jpath, sizeof jpath, "%s.sha256", where);
        sl_diags_error(c->diags, jpath, "is missing or not a SHA-256: the hub finds media by its SHA-256; upload "
                                        "the file first");
        goto out;
    }
    full = from_store ? sl_fs_join(c->media_dir, given) : sl_fs_join(c->dir, file);
    if (!full) {
        sl_diags_error(c->diags, jpath, "out of memory");
        goto out;
    }
    if (from_store)
        snprintf(jpath, sizeof jpath, "%s.sha256", where);
    const mf_media *m = mf_media_get(c, full, from_store ? given : NULL, jpath);
    if (!m)
        goto out;
    if (given && strcmp(given, m->sha256) != 0) {
        snprintf(jpath, sizeof jpath, "%s.sha256", where);
        sl_diags_error(c->diags, jpath, "%s is not the file this \"sha256\" names (its SHA-256 is %s)", file,
                       m->sha256);
        goto out;
    }
    snprintf(jpath, sizeof jpath, "%s.file", where);
    if (!mf_check_type(c, m, type, jpath))
        goto out;
    bool timed = type && (strcmp(type, "video") == 0 || strcmp(type, "audio") == 0);
    bool has_duration = cJSON_GetObjectItemCaseSensitive(obj, "duration") != NULL;
    if (timed && !has_duration && m->info.duration_ms <= 0) {
        sl_diags_error(c->diags, jpath,
                       "%s: its length is unknown; give \"duration\" in seconds", full);
        goto out;
    }

    out = cJSON_CreateObject();
    if (!out)
        goto oom;
    for (const cJSON *ch = obj->child; ch; ch = ch->next) {
        if (!ch->string)
            continue;
        if (strcmp(ch->string, "file") == 0) {
            if (!cJSON_AddStringToObject(out, "sha256", m->sha256) ||
                !cJSON_AddNumberToObject(out, "size", (double)m->size))
                goto oom;
        } else if (strcmp(ch->string, "sha256") != 0 && strcmp(ch->string, "size") != 0) {
            cJSON *dup = cJSON_Duplicate(ch, 1);
            if (!dup)
                goto oom;
            if (!cJSON_AddItemToObject(out, ch->string, dup)) {
                cJSON_Delete(dup);
                goto oom;
            }
        }
    }
    if (timed && !has_duration &&
        !cJSON_AddNumberToObject(out, "duration", (double)m->info.duration_ms / 1000.0))
        goto oom;
    ok = true;
    goto out;
oom:
    sl_diags_error(c->diags, where, "out of memory");
out:
    if (!ok) {
        cJSON_Delete(out);
        out = NULL;
    }
    free(full);
    return out;
}

/* Whether a channel name is 1..64 bytes of [A-Za-z0-9._-], not starting
 * with '.' or '-' (it ends up in URLs and file names). */
static bool mf_channel_ok(const char *s)
{
    if (!s || !s[0] || s[0] == '.' || s[0] == '-')
        return false;
    size_t i = 0;
    for (; s[i]; i++) {
        char ch = s[i];
        if (i >= MF_CHANNEL_MAX)
            return false;
        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
              ch == '.' || ch == '_' || ch == '-'))
            return false;
    }
    return true;
}

/* Sets root[key] = item, replacing an existing member; item is consumed.
 * Returns 0 or -1. */
static int mf_set(cJSON *root, const char *key, cJSON *item)
{
    if (!item)
        return -1;
    cJSON_DeleteItemFromObjectCaseSensitive(root, key);
    if (!cJSON_AddItemToObject(root, key, item)) {
        cJSON_Delete(item);
        return -1;
    }
    return 0;
}

/* Compiles a source (see manifest.h). The source is read through the JSON
 * path and validated as SL_PL_SOURCE; every media file is hashed once,
 * probed, and offered to media_cb; the result is validated again as
 * SL_PL_MANIFEST before it is returned, so a payload that comes back always
 * opens. All problems go to diags with their JSON paths. */
char *sl_mf_compile(const char *source_path, const char *channel, int64_t version,
                    int64_t created_ms, sl_mf_media_cb media_cb, void *ud, sl_diags *diags)
{
    char perr[512];
    char *payload = NULL, *dir = NULL;
    cJSON *root = NULL;
    if (!source_path) {
        sl_diags_error(diags, "", "no playlist given");
        goto out;
    }
    root = sl_json_read_file(source_path, NULL, perr, sizeof perr);
    if (!root) {
        sl_diags_error(diags, "", "%s", perr);
        goto out;
    }
    dir = sl_fs_dirname(source_path);
    if (!dir) {
        sl_diags_error(diags, "", "out of memory");
        goto out;
    }
    payload = sl_mf_compile_json(root, dir, NULL, channel, version, created_ms, media_cb, ud, diags);
out:
    cJSON_Delete(root);
    free(dir);
    return payload;
}

char *sl_mf_compile_json(const cJSON *source, const char *dir, const char *media_dir, const char *channel,
                         int64_t version, int64_t created_ms, sl_mf_media_cb media_cb, void *ud, sl_diags *diags)
{
    char *payload = NULL;
    cJSON *root = NULL;
    sl_playlist *pl = NULL;
    mf_compile c;
    char jpath[MF_PATH_MAX];
    char created[40];

    memset(&c, 0, sizeof c);
    c.cb = media_cb;
    c.ud = ud;
    c.diags = diags;
    c.media_dir = media_dir;
    if (!mf_channel_ok(channel)) {
        sl_diags_error(diags, "", "channel \"%s\": a channel is 1 to %d letters, digits, '.', '_' or '-'",
                       channel ? channel : "", MF_CHANNEL_MAX);
        goto out;
    }
    if (version < 1 || version > MF_VERSION_MAX) {
        sl_diags_error(diags, "", "version %lld: a version is an integer from 1 to %lld",
                       (long long)version, (long long)MF_VERSION_MAX);
        goto out;
    }
    root = cJSON_Duplicate(source, 1);
    if (!root) {
        sl_diags_error(diags, "", "out of memory");
        goto out;
    }
    pl = sl_playlist_from_json(root, SL_PL_SOURCE, NULL, diags);
    if (!pl)
        goto out;
    sl_playlist_free(pl);
    pl = NULL;

    c.dir = strdup(dir ? dir : ".");
    if (!c.dir) {
        sl_diags_error(diags, "", "out of memory");
        goto out;
    }
    bool failed = false;
    cJSON *items = cJSON_GetObjectItemCaseSensitive(root, "items");
    int n_items = cJSON_IsArray(items) ? cJSON_GetArraySize(items) : 0;
    for (int i = 0; i < n_items; i++) {
        cJSON *item = cJSON_GetArrayItem(items, i);
        if (!cJSON_IsObject(item))
            continue;
        snprintf(jpath, sizeof jpath, "items[%d]", i);
        cJSON *compiled = mf_compile_media(&c, item, jpath);
        if (!compiled) {
            failed = true;
            continue;
        }
        if (!cJSON_ReplaceItemViaPointer(items, item, compiled)) {
            cJSON_Delete(compiled);
            sl_diags_error(diags, jpath, "out of memory");
            failed = true;
        }
    }
    cJSON *fallback = cJSON_GetObjectItemCaseSensitive(root, "fallback");
    if (cJSON_IsObject(fallback)) {
        cJSON *compiled = mf_compile_media(&c, fallback, "fallback");
        if (!compiled) {
            failed = true;
        } else if (!cJSON_ReplaceItemInObjectCaseSensitive(root, "fallback", compiled)) {
            cJSON_Delete(compiled);
            sl_diags_error(diags, "fallback", "out of memory");
            failed = true;
        }
    }
    if (failed)
        goto out;

    sl_instant_format(created_ms, 0, created, sizeof created);
    if (mf_set(root, "channel", cJSON_CreateString(channel)) != 0 ||
        mf_set(root, "version", cJSON_CreateNumber((double)version)) != 0 ||
        mf_set(root, "created", cJSON_CreateString(created)) != 0) {
        sl_diags_error(diags, "", "out of memory");
        goto out;
    }
    pl = sl_playlist_from_json(root, SL_PL_MANIFEST, NULL, diags);
    if (!pl)
        goto out;
    payload = sl_json_print(root, false);
    if (!payload)
        sl_diags_error(diags, "", "out of memory");
out:
    sl_playlist_free(pl);
    mf_compile_free(&c);
    cJSON_Delete(root);
    return payload;
}
