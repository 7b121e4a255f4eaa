/* tlsclient.c — the TLS settings every client of the hub shares: verification always on, an optional pinned CA, errors that say which certificate problem. */
#include "content/net/tlsclient.h"

#include "content/fsutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* OpenSSL's X509_V_ERR_* codes, as CURLINFO_SSL_VERIFYRESULT gives them
 * (libcurl on Debian uses OpenSSL; other backends give 0 and the text). */
enum {
    V_UNABLE_TO_GET_ISSUER_CERT = 2,
    V_CERT_SIGNATURE_FAILURE = 7,
    V_CERT_NOT_YET_VALID = 9,
    V_CERT_HAS_EXPIRED = 10,
    V_DEPTH_ZERO_SELF_SIGNED_CERT = 18,
    V_SELF_SIGNED_CERT_IN_CHAIN = 19,
    V_UNABLE_TO_GET_ISSUER_CERT_LOCALLY = 20,
    V_UNABLE_TO_VERIFY_LEAF_SIGNATURE = 21,
    V_CERT_REVOKED = 23,
    V_INVALID_PURPOSE = 26,
    V_HOSTNAME_MISMATCH = 62,
    V_IP_ADDRESS_MISMATCH = 64,
};

int sl_tlsclient_ca_check(const char *path, char *err, size_t errlen)
{
    char *text = NULL, rerr[300];
    size_t len = 0;
    int rc = -1;
    if (!path || !path[0] || strlen(path) >= SL_TLSCLIENT_PATH_MAX) {
        snprintf(err, errlen, "hub-ca: no file given, or a path longer than %d bytes", SL_TLSCLIENT_PATH_MAX - 1);
        return -1;
    }
    if (sl_fs_read_file(path, SL_TLSCLIENT_CA_MAX, &text, &len, rerr, sizeof rerr) != 0) {
        snprintf(err, errlen, "hub-ca %s", rerr);
        goto out;
    }
    if (strlen(text) != len || !strstr(text, "-----BEGIN CERTIFICATE-----")) {
        snprintf(err, errlen,
                 "hub-ca %s: not a PEM certificate (it should hold a \"-----BEGIN CERTIFICATE-----\" block: "
                 "the CA's certificate, or the hub's own self-signed one)",
                 path);
        goto out;
    }
    rc = 0;
out:
    free(text);
    return rc;
}

void sl_tlsclient_setup(CURL *c, const char *ca_file)
{
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
    curl_easy_setopt(c, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
    if (ca_file && ca_file[0]) {
        curl_easy_setopt(c, CURLOPT_CAINFO, ca_file);
        curl_easy_setopt(c, CURLOPT_CAPATH, NULL); /* the pin alone: not the system's folder of CAs too */
    }
}

bool sl_tlsclient_is_tls_error(CURLcode cc)
{
    switch (cc) {
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
        return true;
    default:
        return false;
    }
}

/* The host part of url, for messages ("" when it cannot be read). */
static void url_host(const char *url, char *host, size_t len)
{
    host[0] = '\0';
    CURLU *u = curl_url();
    char *h = NULL;
    if (u && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK && curl_url_get(u, CURLUPART_HOST, &h, 0) == CURLUE_OK)
        snprintf(host, len, "%s", h);
    curl_free(h);
    curl_url_cleanup(u);
}

void sl_tlsclient_explain(CURL *c, CURLcode cc, const char *url, const char *cerr, const char *ca_file, char *buf,
                          size_t len)
{
    const char *why = cerr && cerr[0] ? cerr : curl_easy_strerror(cc);
    bool https = url && strncmp(url, "https://", 8) == 0;
    bool pinned = ca_file && ca_file[0];
    char host[256];
    url_host(url ? url : "", host, sizeof host);
    if (cc == CURLE_PEER_FAILED_VERIFICATION) {
        long v = 0;
        if (c)
            curl_easy_getinfo(c, CURLINFO_SSL_VERIFYRESULT, &v);
        bool name = strstr(why, "host name") || strstr(why, "subject name") || strstr(why, "hostname");
        switch (name ? V_HOSTNAME_MISMATCH : v) {
        case V_CERT_HAS_EXPIRED:
            snprintf(buf, len, "TLS: the hub's certificate has expired (%s): the hub needs a new certificate", why);
            return;
        case V_CERT_NOT_YET_VALID:
            snprintf(buf, len,
                     "TLS: the hub's certificate is not valid yet (%s): check this machine's clock, and the "
                     "certificate's start date",
                     why);
            return;
        case V_DEPTH_ZERO_SELF_SIGNED_CERT:
            snprintf(buf, len,
                     "TLS: the hub's certificate is a self-signed certificate that is not %s (%s)%s", pinned ? "the one pinned" : "pinned",
                     why, pinned ? ": is hub-ca the hub's own certificate?" : ": pin it with hub-ca FILE");
            return;
        case V_UNABLE_TO_GET_ISSUER_CERT:
        case V_SELF_SIGNED_CERT_IN_CHAIN:
        case V_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
        case V_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
        case V_CERT_SIGNATURE_FAILURE:
            if (pinned)
                snprintf(buf, len,
                         "TLS: the hub's certificate is signed by an unknown CA, not the one pinned in hub-ca %s "
                         "(%s): is this the right hub, and the right CA file?",
                         ca_file, why);
            else
                snprintf(buf, len,
                         "TLS: the hub's certificate is signed by an unknown CA, none of the system's CA store "
                         "(%s): pin the hub's CA with hub-ca FILE",
                         why);
            return;
        case V_CERT_REVOKED:
            snprintf(buf, len, "TLS: the hub's certificate is revoked (%s)", why);
            return;
        case V_INVALID_PURPOSE:
            snprintf(buf, len, "TLS: the hub's certificate is not made for a TLS server (%s)", why);
            return;
        case V_HOSTNAME_MISMATCH:
        case V_IP_ADDRESS_MISMATCH:
            break;
        default:
            if (v != 0) {
                snprintf(buf, len, "TLS: the hub's certificate was refused (%s)", why);
                return;
            }
        }
        /* libcurl checks the name itself after OpenSSL accepted the chain
         * (the verify result is then not about the name: the text is). */
        snprintf(buf, len,
                 "TLS: hostname mismatch: the hub's certificate is not for %s (%s): write the name the "
                 "certificate was made for in the hub URL, or give the hub a certificate for this name",
                 host[0] ? host : "this host", why);
        return;
    }
    if (cc == CURLE_SSL_CACERT_BADFILE) {
        snprintf(buf, len, "TLS: cannot use hub-ca %s (%s): it must be a PEM certificate file", pinned ? ca_file : "",
                 why);
        return;
    }
    if (https && cc == CURLE_SSL_CONNECT_ERROR) {
        snprintf(buf, len,
                 "TLS: the handshake with %s failed (%s): does the hub serve HTTPS on this port (screenlit-hub "
                 "serve --tls-cert), or a proxy in front of it?",
                 host[0] ? host : "the hub", why);
        return;
    }
    if (sl_tlsclient_is_tls_error(cc)) {
        snprintf(buf, len, "TLS: %s", why);
        return;
    }
    if (!https && url && (cc == CURLE_GOT_NOTHING || cc == CURLE_RECV_ERROR)) {
        snprintf(buf, len, "%s (if the hub serves HTTPS on this port, its URL starts with https://)", why);
        return;
    }
    snprintf(buf, len, "%s", why);
}
