/* servertls.h — the hub's TLS certificate and key: read, checked at startup, handed to libmicrohttpd. */
#ifndef SL_HUB_SERVERTLS_H
#define SL_HUB_SERVERTLS_H

#include <stddef.h>

#define SL_SERVERTLS_FILE_MAX (1u << 20) /* a certificate chain or key file larger than this is refused */

/* The PEM text of the certificate (chain) and its private key. */
typedef struct {
    char *cert_pem;
    char *key_pem;
    char warning[600]; /* "" or a sentence to log: the key file is readable by others */
} sl_servertls;

/* Reads the certificate and key files and checks them the way the server
 * will use them (GnuTLS through libmicrohttpd): each file reads, is PEM of
 * the right kind, and the key belongs to the certificate. Returns 0, or -1
 * with a sentence in err that names the file and what is wrong. */
int sl_servertls_load(sl_servertls *t, const char *cert_file, const char *key_file, char *err, size_t errlen);

/* Frees the texts (the key is wiped first); NULL is fine. */
void sl_servertls_free(sl_servertls *t);

#endif
