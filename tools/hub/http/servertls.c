/* servertls.c — the hub's TLS certificate and key: read, checked at startup, handed to libmicrohttpd. */
#define _POSIX_C_SOURCE 200809L
#include "tools/hub/http/servertls.h"

#include "content/fsutil.h"

#include <microhttpd.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* What libmicrohttpd (GnuTLS) said while the certificate was tried. */
typedef struct {
    char text[512];
} probe_log;

__attribute__((format(printf, 2, 0))) static void probe_logger(void *cls, const char *fmt, va_list ap)
{
    probe_log *pl = cls;
    size_t n = strlen(pl->text);
    if (n + 3 >= sizeof pl->text)
        return;
    if (n) {
        memcpy(pl->text + n, "; ", 3);
        n += 2;
    }
    vsnprintf(pl->text + n, sizeof pl->text - n, fmt, ap);
    n = strlen(pl->text);
    while (n && (pl->text[n - 1] == '\n' || pl->text[n - 1] == '\r' || pl->text[n - 1] == '.'))
        pl->text[--n] = '\0';
}

static enum MHD_Result probe_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                                     const char *version, const char *data, size_t *size, void **con_cls)
{
    return MHD_NO;
}

/* Reads a PEM file that must hold `marker` (e.g. "CERTIFICATE-----"). */
static int read_pem(const char *what, const char *path, const char *marker, char **out, char *err, size_t errlen)
{
    size_t len = 0;
    char rerr[300];
    *out = NULL;
    if (!path || !path[0]) {
        snprintf(err, errlen, "%s: no file given", what);
        return -1;
    }
    if (sl_fs_read_file(path, SL_SERVERTLS_FILE_MAX, out, &len, rerr, sizeof rerr) != 0) {
        snprintf(err, errlen, "%s %s", what, rerr);
        return -1;
    }
    if (strlen(*out) != len || !strstr(*out, "-----BEGIN ") || !strstr(*out, marker)) {
        snprintf(err, errlen, "%s %s: not a PEM file with a %s (it should start with \"-----BEGIN %s\")", what,
                 path, strstr(marker, "KEY") ? "private key" : "certificate", marker);
        return -1;
    }
    return 0;
}

int sl_servertls_load(sl_servertls *t, const char *cert_file, const char *key_file, char *err, size_t errlen)
{
    memset(t, 0, sizeof *t);
    if (!MHD_is_feature_supported(MHD_FEATURE_TLS)) {
        snprintf(err, errlen, "this libmicrohttpd was built without TLS: serve plain HTTP behind a TLS "
                              "proxy (tools/hub/TLS.md)");
        return -1;
    }
    if (read_pem("--tls-cert", cert_file, "CERTIFICATE-----", &t->cert_pem, err, errlen) != 0 ||
        read_pem("--tls-key", key_file, "PRIVATE KEY-----", &t->key_pem, err, errlen) != 0)
        goto fail;
    struct stat st;
    if (stat(key_file, &st) == 0 && (st.st_mode & 077))
        snprintf(t->warning, sizeof t->warning, "--tls-key %s may be read by group or others: chmod 600 %s",
                 key_file, key_file);
    /* A daemon with no socket tries them as the server will: GnuTLS parses
     * both and refuses a key that does not belong to the certificate. */
    probe_log pl = {.text = ""};
    struct MHD_Daemon *d =
        MHD_start_daemon(MHD_USE_TLS | MHD_USE_NO_LISTEN_SOCKET | MHD_USE_ERROR_LOG, 0, NULL, NULL, probe_request,
                         NULL, MHD_OPTION_EXTERNAL_LOGGER, probe_logger, &pl, MHD_OPTION_HTTPS_MEM_CERT,
                         t->cert_pem, MHD_OPTION_HTTPS_MEM_KEY, t->key_pem, MHD_OPTION_END);
    if (!d) {
        snprintf(err, errlen,
                 "--tls-cert %s with --tls-key %s: refused (%s); the key must be the certificate's own, "
                 "unencrypted, and both PEM",
                 cert_file, key_file, pl.text[0] ? pl.text : "no reason given");
        goto fail;
    }
    MHD_stop_daemon(d);
    return 0;
fail:
    sl_servertls_free(t);
    return -1;
}

void sl_servertls_free(sl_servertls *t)
{
    if (!t)
        return;
    if (t->key_pem)
        sodium_memzero(t->key_pem, strlen(t->key_pem));
    free(t->cert_pem);
    free(t->key_pem);
    t->cert_pem = t->key_pem = NULL;
}
