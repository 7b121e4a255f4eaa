/* console_session.h — the people side of the console: its settings and limits, passwords (rules, Argon2id hashes, checks), session cookies, CSRF tokens, logging in and out. */
#ifndef SL_HUB_CONSOLE_SESSION_H
#define SL_HUB_CONSOLE_SESSION_H

#include "tools/hub/console/console.h"
#include "tools/hub/http/ratelimit.h"

#include <stdbool.h>
#include <stdint.h>

/*
 * Sessions (tools/hub/CONSOLE.md has the whole design):
 * - Logging in makes a random 32-byte session id, sent as 64 hex digits in
 *   the cookie sl_session (HttpOnly, SameSite=Strict, Path=/console/, Secure
 *   over HTTPS). The store keeps only its SHA-256, so a hub restarted keeps
 *   people logged in, and its database never holds a usable cookie.
 * - A session ends when its person logs out, has been idle for the idle time
 *   (serve --console-idle, default 30 min), is disabled or removed, or
 *   changes their password (their other sessions end; the current one goes on).
 * - Every form carries a CSRF token: the keyed BLAKE2b of the session's
 *   cookie (so only a page of the session can know it, and nothing more is
 *   stored). The login form, before any session, uses the cookie sl_login
 *   (random, HttpOnly, SameSite=Strict) the same way.
 * - Failed logins are counted per client address and per name (ratelimit.h):
 *   by default SL_CSESS_ADDR_BURST from one address, then one every
 *   SL_CSESS_ADDR_DRAIN_MS; SL_CSESS_NAME_BURST for one name, then one every
 *   SL_CSESS_NAME_DRAIN_MS (serve --console-login-address and
 *   --console-login-name set them); beyond that a login is answered 429 without
 *   checking the password. Every login, good or bad, is logged with the
 *   address (never the password).
 */

#define SL_CSESS_COOKIE "sl_session"
#define SL_CSESS_LOGIN_COOKIE "sl_login"
#define SL_CSESS_LANG_COOKIE "sl_lang"
#define SL_CSESS_IDLE_DEFAULT_MS (30 * 60 * 1000)
#define SL_CSESS_TOUCH_MAX_MS 60000 /* a session's last use is written at most once a minute */

/* Failed logins: the defaults, and the bounds serve's options allow. */
#define SL_CSESS_ADDR_BURST 10
#define SL_CSESS_ADDR_DRAIN_MS 30000
#define SL_CSESS_NAME_BURST 5
#define SL_CSESS_NAME_DRAIN_MS 60000
#define SL_CSESS_BURST_MAX 1000
#define SL_CSESS_DRAIN_S_MAX 86400

/* Passwords: 8 to 1024 bytes of UTF-8 text without control characters. */
#define SL_CSESS_PASSWORD_MIN 8
#define SL_CSESS_PASSWORD_MAX 1024

/*
 * Argon2id (crypto_pwhash_str) with 3 passes over 32 MiB: above OWASP's
 * floor for Argon2id (19 MiB, 2 passes), about 0.1 s on a desktop core and
 * 0.5 s on a Raspberry Pi 4, and 32 MiB is a memory a 1 GiB Pi can give to
 * SL_CSESS_HASHING_MAX checks at once beside the hub's own work. libsodium's
 * "interactive" preset (64 MiB) would take twice the memory on such a board
 * for little more against an attacker with the hashes. The parameters are
 * written into each hash, so they can be raised later without breaking any
 * stored password.
 */
#define SL_CSESS_PW_OPSLIMIT 3u
#define SL_CSESS_PW_MEMLIMIT (32u << 20)
#define SL_CSESS_HASHING_MAX 4         /* password hashes computed at once */
#define SL_CSESS_HASHING_WAIT_MS 5000  /* how long a login waits for its turn before a 503 */

/* The console's settings and shared state (one per hub; made by sl_hub_open). */
typedef struct sl_console sl_console;

sl_console *sl_console_new(void);
void sl_console_free(sl_console *c);
/* How failed logins are slowed: per client address, addr_burst failures at
 * once, then one every addr_drain_ms; per name, name_burst, then one every
 * name_drain_ms (bursts 1 .. SL_CSESS_BURST_MAX, times 1 s ..
 * SL_CSESS_DRAIN_S_MAX s). Failures counted so far are forgotten. Call it
 * before serving. 0, or -1 (a value out of bounds, out of memory) with the
 * limits as they were. */
int sl_console_set_login_limits(sl_console *c, int addr_burst, int64_t addr_drain_ms, int name_burst,
                                int64_t name_drain_ms);

/* The idle time after which a session ends (at least 1 s). */
void sl_console_set_idle_ms(sl_console *c, int64_t ms);
/* The player's text drawing, for the preview's ticker timing: made at the
 * first call, kept until sl_console_free; NULL when it cannot start. */
struct sl_text *sl_console_text(sl_console *c);
int64_t sl_console_idle_ms(const sl_console *c);

/* The frame's state of one console request. Pages get &req->page; the
 * frame's own pages (login, logout, password) get back to the request with
 * sl_creq_of. */
#define SL_CREQ_COOKIES 4
typedef struct sl_console_req {
    sl_cpage page;                  /* first, so that sl_creq_of works */
    bool has_session;               /* a valid session came with the request */
    sl_hub_session session;         /* its person, as the store holds them now */
    uint8_t session_hash[SL_HUB_HASH_BYTES];
    char session_cookie[SL_HUB_TOKEN_HEX + 1];
    char login_cookie[SL_HUB_TOKEN_HEX + 1]; /* sl_login's value, "" when none */
    char csrf[SL_HUB_TOKEN_HEX + 1];         /* what p->csrf points to */
    uint8_t addr_key[SL_RATELIMIT_KEY_BYTES];
    char addr[SL_RATELIMIT_TEXT_MAX];        /* the client's address, for logs */
    bool secure;                             /* cookies get Secure (HTTPS) */
    char set_cookie[SL_CREQ_COOKIES][192];   /* Set-Cookie headers of the reply */
    int n_cookies;
    int64_t retry_after_s;                   /* a 429's or 503's Retry-After; 0 = none */
} sl_console_req;

static inline sl_console_req *sl_creq_of(sl_cpage *p)
{
    return (sl_console_req *)p;
}

/* Adds a Set-Cookie header: name=value; Path=/console/; HttpOnly;
 * SameSite=Strict (+ Secure over HTTPS, + Max-Age when max_age_s >= 0;
 * max_age_s 0 deletes it). Values are hex digits or letters. */
void sl_creq_cookie(sl_console_req *q, const char *name, const char *value, long max_age_s);

/* What is wrong with a new password, in lang ("zh"/"en"), or NULL when it
 * follows the rules. */
const char *sl_csess_password_problem(const char *pw, const char *lang);

/* Hashes a password (crypto_pwhash_str, Argon2id) into out. c (may be NULL:
 * the command line) bounds how many hashes run at once. 0; -1 out of
 * memory; -2 too many at once (c only). */
int sl_csess_password_hash(sl_console *c, const char *pw, char out[SL_HUB_PWHASH_MAX]);

/* The CSRF token of a cookie's value (hex, SL_HUB_TOKEN_HEX digits). */
void sl_csess_csrf(const char *cookie, char out[SL_HUB_TOKEN_HEX + 1]);
/* Whether given (may be NULL) is the CSRF token of cookie (may be NULL or ""): constant time. */
bool sl_csess_csrf_ok(const char *cookie, const char *given);

/* Whether s is a cookie value the hub makes: SL_HUB_TOKEN_HEX lowercase hex digits. */
bool sl_csess_cookie_shape_ok(const char *s);

/* Checks a session cookie's value: fills q->session, session_hash,
 * session_cookie and has_session when it names a live session (and marks
 * it used). Returns 0, or -1 with err on a store failure. */
int sl_csess_check(sl_hub *hub, sl_console_req *q, const char *cookie, char *err, size_t errlen);

typedef enum {
    SL_CSESS_OK = 0,
    SL_CSESS_WRONG, /* wrong name or password (logging in), wrong old password (changing it) */
    SL_CSESS_SLOW,  /* too many failures: q->retry_after_s */
    SL_CSESS_BUSY,  /* too many password checks at once: q->retry_after_s */
    SL_CSESS_ERROR  /* the store failed (logged) */
} sl_csess_rc;

/* Logs name in with password: on OK a new session, its cookie set on q.
 * Logs the outcome with q->addr. */
sl_csess_rc sl_csess_login(sl_console_req *q, const char *name, const char *password);

/* Ends q's session (if any) and deletes its cookie. */
void sl_csess_logout(sl_console_req *q);

/* Changes the password of q's person (old must be right; fresh is checked
 * by the caller with sl_csess_password_problem) and ends their other
 * sessions. */
sl_csess_rc sl_csess_password_change(sl_console_req *q, const char *old, const char *fresh);

#endif
