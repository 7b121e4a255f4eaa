/* device.h — a managed screen's identity: enrolment with a one-time code, STATE/device.json (mode 0600). */
#ifndef SL_DEVICE_H
#define SL_DEVICE_H

#include "content/net/tlsclient.h"
#include "player/managed/hubhttp.h"

#include <stdbool.h>
#include <stddef.h>

#define SL_DEVICE_ID_MAX 64

/* What enrolment gives a screen. Stored as STATE/device.json:
 * {"hub": URL, "screen": ID, "token": 64 hex, "channel": ID or "",
 *  "hub_ca": "hub-ca.pem" when a CA was pinned at enrolment}. */
typedef struct {
    char hub[SL_HTTP_URL_MAX + 1];        /* base URL, no trailing '/' */
    char screen[SL_DEVICE_ID_MAX + 1];
    char token[SL_HTTP_TOKEN_MAX + 1];
    char channel[SL_DEVICE_ID_MAX + 1];
    char hub_ca[SL_TLSCLIENT_PATH_MAX];   /* the pinned CA file for https (every request to the hub), or "" */
} sl_device;

#define SL_DEVICE_CA_FILE "hub-ca.pem" /* the CA pinned at enrolment, kept in the state folder */

/* Exchanges a one-time code (POST /api/v1/enroll) for the device token and
 * stores the identity durably in STATE/device.json, mode 0600 (creating
 * state_dir when needed). With ca_file (not NULL or ""), the hub URL must be
 * https:// and only that CA (or self-signed certificate) is trusted; it is
 * copied to STATE/hub-ca.pem and stays pinned for this identity. Blocks for
 * at most about a minute; call it from a thread that may wait. out may be
 * NULL. Returns 0, or -1 with a sentence in err (the hub's reason for a
 * used, unknown or expired code; a refused certificate). */
int sl_device_enroll(const char *hub_url, const char *code, const char *ca_file, const char *state_dir,
                     sl_device *out, char *err, size_t errlen);

/* Reads STATE/device.json. Returns 0 when enrolled, 1 when there is no
 * device.json (not enrolled yet), -1 when it exists but is unreadable or
 * invalid (err says why). */
int sl_device_load(const char *state_dir, sl_device *out, char *err, size_t errlen);

/* Reads an enrolment file dropped on the boot partition, e.g.
 * /boot/firmware/screenlit-enroll.txt, with lines "hub = URL",
 * "code = XXXX-XXXX-XXXX" and optionally "hub-ca = FILE" (the CA to pin; a
 * relative FILE is in the enrolment file's folder) ('#' starts a comment).
 * ca_file (the player's hub-ca setting; NULL or "" when none) wins over the
 * file's. When it exists: enrols and, after success, deletes the file (the
 * code is spent; on a read-only partition it is renamed, else left and the
 * error logged in err). Returns 0 when it enrolled, 1 when there is no such
 * file, -1 on failure (bad file, or the hub refused the code: the file is
 * kept). */
int sl_device_enroll_from_file(const char *path, const char *ca_file, const char *state_dir, sl_device *out,
                               char *err, size_t errlen);

/* Writes d as STATE/device.json (write-temp, fsync, rename; mode 0600), e.g.
 * after the hub moved the screen to another channel. Returns 0, or -1 with err. */
int sl_device_save(const char *state_dir, const sl_device *d, char *err, size_t errlen);

/* The "code" of the hub's 401 that says a device token was taken away. */
#define SL_DEVICE_REVOKED_CODE "device_revoked"

/* Whether a hub reply says that this screen's device token was taken away
 * at the hub (`screenlit screens revoke`, or another box enrolled as this
 * screen): status 401 with a JSON body whose "code" is "device_revoked" and
 * whose "screen" is this screen. Nothing else counts — not a 401 without
 * that body (e.g. from a proxy), not a network failure, not a 5xx — so a
 * passing fault never makes a screen forget who it is. */
bool sl_device_revoked_reply(const sl_device *dev, long status, const char *body, size_t len);

/* Forgets the identity: removes STATE/device.json. Returns 0 (also when
 * there was none) or -1 with err. */
int sl_device_forget(const char *state_dir, char *err, size_t errlen);

#endif
