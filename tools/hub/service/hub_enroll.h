/* hub_enroll.h — enrolment: one-time codes (make, list, revoke), their exchange for a screen's device token, and de-enrolment. */
#ifndef SL_HUB_ENROLL_H
#define SL_HUB_ENROLL_H

#include "tools/hub/hub.h"
#include "tools/hub/service/hub_service.h"

#define SL_ENROLL_CODE_CHARS 12
#define SL_ENROLL_TTL_DEFAULT_S 86400
#define SL_ENROLL_TTL_MAX_S (30 * 86400)

/* A code just made: shown once, never stored (only its hash is). */
typedef struct {
    int64_t id;
    char code[SL_ENROLL_CODE_CHARS + 3]; /* "K7Q2-9XWD-MB4T" */
    int64_t expires_ms;
} sl_enroll_new_code;

/* Makes a code for a screen of the inventory, valid ttl_s seconds (1 to
 * SL_ENROLL_TTL_MAX_S). INVALID (screen id, ttl), NOT_FOUND (not in the
 * inventory), STORE. The caller wipes out->code once shown. */
sl_svc_rc sl_enroll_code_make(sl_hub *hub, const char *screen, int64_t ttl_s, sl_enroll_new_code *out,
                              sl_svc_err *e);

/* What redeeming a code gives: the screen and its new device token. */
typedef struct {
    sl_hub_screen screen;
    char token[SL_HUB_TOKEN_HEX + 1]; /* the caller wipes it once sent */
    const char *why;                  /* REFUSED: a short reason for the log ("an expired code") */
} sl_enroll_grant;

/* Exchanges a typed code (case, dashes and spaces do not matter) for the
 * screen's device token; the screen's earlier token and its other codes
 * stop working. INVALID (not a code), REFUSED (unknown, used, expired or
 * revoked: out->why says which), STORE. */
sl_svc_rc sl_enroll_redeem(sl_hub *hub, const char *typed, sl_enroll_grant *out, sl_svc_err *e);

/* "valid", "used", "revoked" or "expired" at now_ms. */
const char *sl_enroll_code_state(const sl_hub_enroll_code *c, int64_t now_ms);

/* Lists the codes of one screen (screen not NULL) or of all; state NULL or
 * "all" every code, "valid" the valid ones only. cb returns non-zero to
 * stop. INVALID (screen id, state), STORE. */
sl_svc_rc sl_enroll_code_list(sl_hub *hub, const char *screen, const char *state, int64_t now_ms,
                              int (*cb)(void *ud, const sl_hub_enroll_code *c), void *ud, sl_svc_err *e);

/* Revokes a valid code by id; *out gets the code as it is after the call
 * (on OK and CONFLICT). NOT_FOUND (no such id), CONFLICT (not valid), STORE. */
sl_svc_rc sl_enroll_code_revoke(sl_hub *hub, int64_t id, int64_t now_ms, sl_hub_enroll_code *out, sl_svc_err *e);

/* De-enrols a screen: its device token stops working. INVALID (screen id),
 * NOT_FOUND (not in the inventory), CONFLICT (not enrolled), STORE. */
sl_svc_rc sl_enroll_screen_revoke(sl_hub *hub, const char *screen, int64_t now_ms, sl_svc_err *e);

#endif
