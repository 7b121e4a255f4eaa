/* tlsclient.h — the TLS settings every client of the hub shares: verification always on, an optional pinned CA, errors that say which certificate problem. */
#ifndef SL_TLSCLIENT_H
#define SL_TLSCLIENT_H

#include <curl/curl.h>
#include <stdbool.h>
#include <stddef.h>

#define SL_TLSCLIENT_CA_MAX (1u << 20) /* a hub-ca file larger than this is refused */
#define SL_TLSCLIENT_PATH_MAX 1024     /* the longest hub-ca path */

/* Checks a hub-ca file: it reads and holds at least one PEM certificate.
 * Returns 0, or -1 with a sentence in err. */
int sl_tlsclient_ca_check(const char *path, char *err, size_t errlen);

/* Sets the TLS options on a curl handle (after curl_easy_reset): the peer's
 * certificate and host name are always verified, TLS 1.2 at least. When
 * ca_file is neither NULL nor "", only the certificates in it are trusted
 * (a private CA, or the hub's own self-signed certificate) and the system
 * store is not used; otherwise the system store is. */
void sl_tlsclient_setup(CURL *c, const char *ca_file);

/* Whether cc is a TLS failure: the hub's certificate was refused, the
 * handshake failed or the CA file is bad. Retrying does not fix it. */
bool sl_tlsclient_is_tls_error(CURLcode cc);

/* Writes a sentence about a transfer to url that failed with cc. A refused
 * certificate says why (expired, not valid yet, signed by an unknown CA, a
 * self-signed certificate that is not pinned, a hostname mismatch) and what
 * to do; a plain http:// request to an HTTPS port and the reverse get a hint;
 * other failures use curl's text cerr (may be NULL or ""). c is the handle
 * the transfer ran on (for its verify result); ca_file as given to
 * sl_tlsclient_setup. */
void sl_tlsclient_explain(CURL *c, CURLcode cc, const char *url, const char *cerr, const char *ca_file, char *buf,
                          size_t len);

#endif
