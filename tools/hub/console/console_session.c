/* console_session.c — console sessions: passwords hashed with Argon2id, session cookies kept hashed in the store, CSRF tokens, logins slowed per address and per name and logged (see console_session.h). */
#define _POSIX_C_SOURCE 200809L
#include "tools/hub/console/console_session.h"

#include "player/text.h"
#include "tools/hub/http/authcache.h"

#include <errno.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* What an unknown name's password is checked against, so that a login for
 * a name nobody has takes as long as one with a wrong password (the hash
 * of "x" with the parameters above). */
static const char dummy_hash[] =
    "$argon2id$v=19$m=32768,t=3,p=1$49HpmsmHxMMCDPfRTbcSYA$84xRaFj/NfzygoFuzIW4BStJXY0ECUxjyrMgK87OLbs";

/* The key of the CSRF tokens' BLAKE2b: not a secret (the cookie is), it
 * keeps these hashes apart from any other use of the cookie's value. */
static const char csrf_key[] = "screenlit console CSRF token v1";

struct sl_console {
    int64_t idle_ms;
    sl_ratelimit *by_addr, *by_name; /* failed logins */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int hashing; /* password hashes being computed */
    sl_text *text;   /* the preview's text drawing, made at its first use (under mu) */
    bool text_tried;
};

sl_console *sl_console_new(void)
{
    sl_console *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->idle_ms = SL_CSESS_IDLE_DEFAULT_MS;
    c->by_addr = sl_ratelimit_new(SL_RATELIMIT_CAPACITY_DEFAULT, SL_CSESS_ADDR_BURST, SL_CSESS_ADDR_DRAIN_MS);
    c->by_name = sl_ratelimit_new(SL_RATELIMIT_CAPACITY_DEFAULT, SL_CSESS_NAME_BURST, SL_CSESS_NAME_DRAIN_MS);
    bool mu = pthread_mutex_init(&c->mu, NULL) == 0;
    bool cv = pthread_cond_init(&c->cv, NULL) == 0;
    if (!c->by_addr || !c->by_name || !mu || !cv) {
        if (mu)
            pthread_mutex_destroy(&c->mu);
        if (cv)
            pthread_cond_destroy(&c->cv);
        sl_ratelimit_free(c->by_addr);
        sl_ratelimit_free(c->by_name);
        free(c);
        return NULL;
    }
    return c;
}

void sl_console_free(sl_console *c)
{
    if (!c)
        return;
    sl_ratelimit_free(c->by_addr);
    sl_ratelimit_free(c->by_name);
    sl_text_free(c->text);
    pthread_mutex_destroy(&c->mu);
    pthread_cond_destroy(&c->cv);
    free(c);
}

sl_text *sl_console_text(sl_console *c)
{
    if (!c)
        return NULL;
    pthread_mutex_lock(&c->mu);
    if (!c->text_tried) {
        char err[256];
        c->text_tried = true;
        c->text = sl_text_new(NULL, 0, err, sizeof err);
    }
    pthread_mutex_unlock(&c->mu);
    return c->text;
}

static bool limit_ok(int burst, int64_t drain_ms)
{
    return burst >= 1 && burst <= SL_CSESS_BURST_MAX && drain_ms >= 1000 && drain_ms <= SL_CSESS_DRAIN_S_MAX * 1000LL;
}

int sl_console_set_login_limits(sl_console *c, int addr_burst, int64_t addr_drain_ms, int name_burst,
                                int64_t name_drain_ms)
{
    if (!c || !limit_ok(addr_burst, addr_drain_ms) || !limit_ok(name_burst, name_drain_ms))
        return -1;
    sl_ratelimit *a = sl_ratelimit_new(SL_RATELIMIT_CAPACITY_DEFAULT, addr_burst, addr_drain_ms);
    sl_ratelimit *n = sl_ratelimit_new(SL_RATELIMIT_CAPACITY_DEFAULT, name_burst, name_drain_ms);
    if (!a || !n) {
        sl_ratelimit_free(a);
        sl_ratelimit_free(n);
        return -1;
    }
    sl_ratelimit_free(c->by_addr);
    sl_ratelimit_free(c->by_name);
    c->by_addr = a;
    c->by_name = n;
    return 0;
}

void sl_console_set_idle_ms(sl_console *c, int64_t ms)
{
    if (c)
        c->idle_ms = ms < 1000 ? 1000 : ms;
}

int64_t sl_console_idle_ms(const sl_console *c)
{
    return c ? c->idle_ms : SL_CSESS_IDLE_DEFAULT_MS;
}

void sl_creq_cookie(sl_console_req *q, const char *name, const char *value, long max_age_s)
{
    if (q->n_cookies >= SL_CREQ_COOKIES)
        return;
    char age[32] = "";
    if (max_age_s >= 0)
        snprintf(age, sizeof age, "; Max-Age=%ld", max_age_s);
    snprintf(q->set_cookie[q->n_cookies++], sizeof q->set_cookie[0], "%s=%s; Path=/console/; HttpOnly; SameSite=Strict%s%s",
             name, value, q->secure ? "; Secure" : "", age);
}

const char *sl_csess_password_problem(const char *pw, const char *lang)
{
    bool en = lang && lang[0] == 'e';
    size_t len = pw ? strlen(pw) : 0, chars = 0;
    for (size_t i = 0; i < len; i++)
        chars += ((unsigned char)pw[i] & 0xC0) != 0x80;
    if (chars < SL_CSESS_PASSWORD_MIN)
        return en ? "The password is too short: use at least 8 characters." : "密码太短：至少 8 个字符。";
    if (len > SL_CSESS_PASSWORD_MAX)
        return en ? "The password is too long: at most 1024 bytes." : "密码太长：最多 1024 字节。";
    if (!sl_wire_text_ok(pw, len, false))
        return en ? "The password must be UTF-8 text without control characters."
                  : "密码必须是 UTF-8 文本，不能含控制字符。";
    return NULL;
}

/* Waits (up to SL_CSESS_HASHING_WAIT_MS) for a turn to compute a password
 * hash. 0, or -1 when none came. c NULL: no limit. */
static int hashing_enter(sl_console *c)
{
    if (!c)
        return 0;
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += SL_CSESS_HASHING_WAIT_MS / 1000;
    int rc = 0;
    pthread_mutex_lock(&c->mu);
    while (c->hashing >= SL_CSESS_HASHING_MAX && rc == 0) {
        if (pthread_cond_timedwait(&c->cv, &c->mu, &until) == ETIMEDOUT)
            rc = -1;
    }
    if (rc == 0)
        c->hashing++;
    pthread_mutex_unlock(&c->mu);
    return rc;
}

static void hashing_leave(sl_console *c)
{
    if (!c)
        return;
    pthread_mutex_lock(&c->mu);
    c->hashing--;
    pthread_cond_signal(&c->cv);
    pthread_mutex_unlock(&c->mu);
}

int sl_csess_password_hash(sl_console *c, const char *pw, char out[SL_HUB_PWHASH_MAX])
{
    if (hashing_enter(c) != 0)
        return -2;
    int rc = crypto_pwhash_str_alg(out, pw, strlen(pw), SL_CSESS_PW_OPSLIMIT, SL_CSESS_PW_MEMLIMIT,
                                   crypto_pwhash_ALG_ARGON2ID13);
    hashing_leave(c);
    return rc == 0 ? 0 : -1;
}

/* Whether pw is the password of hash: 1 yes, 0 no, -1 no turn to check it. */
static int password_check(sl_console *c, const char *hash, const char *pw)
{
    size_t len = strlen(pw);
    if (len > SL_CSESS_PASSWORD_MAX)
        return 0;
    if (hashing_enter(c) != 0)
        return -1;
    int ok = crypto_pwhash_str_verify(hash, pw, len) == 0;
    hashing_leave(c);
    return ok;
}

void sl_csess_csrf(const char *cookie, char out[SL_HUB_TOKEN_HEX + 1])
{
    uint8_t tag[SL_HUB_TOKEN_HEX / 2];
    crypto_generichash(tag, sizeof tag, (const unsigned char *)cookie, strlen(cookie),
                       (const unsigned char *)csrf_key, sizeof csrf_key - 1);
    sodium_bin2hex(out, SL_HUB_TOKEN_HEX + 1, tag, sizeof tag);
}

bool sl_csess_cookie_shape_ok(const char *s)
{
    size_t i = 0;
    for (; s && s[i]; i++) {
        if (i >= SL_HUB_TOKEN_HEX || !((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return false;
    }
    return i == SL_HUB_TOKEN_HEX;
}

bool sl_csess_csrf_ok(const char *cookie, const char *given)
{
    char want[SL_HUB_TOKEN_HEX + 1];
    if (!sl_csess_cookie_shape_ok(cookie) || !given || strlen(given) != SL_HUB_TOKEN_HEX)
        return false;
    sl_csess_csrf(cookie, want);
    return sodium_memcmp(want, given, SL_HUB_TOKEN_HEX) == 0;
}

int sl_csess_check(sl_hub *hub, sl_console_req *q, const char *cookie, char *err, size_t errlen)
{
    q->has_session = false;
    if (!sl_csess_cookie_shape_ok(cookie))
        return 0;
    int64_t idle = sl_console_idle_ms(hub->console);
    int64_t touch = idle / 4 < SL_CSESS_TOUCH_MAX_MS ? idle / 4 : SL_CSESS_TOUCH_MAX_MS;
    sl_hub_hash(cookie, SL_HUB_TOKEN_HEX, q->session_hash);
    sl_st_rc rc = hub->store->ops->session_check(hub->store, q->session_hash, sl_hub_now_ms(), idle, touch,
                                                 &q->session, err, errlen);
    if (rc == SL_ST_ERROR)
        return -1;
    if (rc == SL_ST_OK) {
        q->has_session = true;
        memcpy(q->session_cookie, cookie, SL_HUB_TOKEN_HEX + 1);
    }
    return 0;
}

/* A failure of a password check: counted against the address and the name, logged. */
static void failed(sl_console_req *q, const uint8_t name_key[SL_RATELIMIT_KEY_BYTES], const char *what,
                   const char *name, const char *why)
{
    sl_hub *hub = q->page.hub;
    int64_t now = sl_authcache_now_ms();
    int left_addr = sl_ratelimit_fail(hub->console->by_addr, q->addr_key, now);
    int left_name = sl_ratelimit_fail(hub->console->by_name, name_key, now);
    int left = left_addr < left_name ? left_addr : left_name;
    sl_log_warn(&hub->log, "console: %s as %s from %s refused: %s (%d more failure%s before it is slowed down)",
                what, sl_wire_id_ok(name) ? name : "(not a valid name)", q->addr, why, left, left == 1 ? "" : "s");
}

/* Whether a password may be tried for name now; when not, q->retry_after_s. */
static bool may_try(sl_console_req *q, const char *name, uint8_t name_key[SL_RATELIMIT_KEY_BYTES], const char *what)
{
    sl_hub *hub = q->page.hub;
    int64_t now = sl_authcache_now_ms(), ra = 0, rn = 0;
    crypto_generichash(name_key, SL_RATELIMIT_KEY_BYTES, (const unsigned char *)name, strlen(name), NULL, 0);
    bool by_addr = sl_ratelimit_allow(hub->console->by_addr, q->addr_key, now, &ra);
    bool by_name = sl_ratelimit_allow(hub->console->by_name, name_key, now, &rn);
    if (by_addr && by_name)
        return true;
    q->retry_after_s = ra > rn ? ra : rn;
    sl_log_warn(&hub->log, "console: %s as %s from %s refused: too many failures from %s; slowed down for %lld s",
                what, sl_wire_id_ok(name) ? name : "(not a valid name)", q->addr,
                by_addr ? "this name" : "this address", (long long)q->retry_after_s);
    return false;
}

sl_csess_rc sl_csess_login(sl_console_req *q, const char *name, const char *password)
{
    sl_hub *hub = q->page.hub;
    char err[256];
    uint8_t name_key[SL_RATELIMIT_KEY_BYTES], hash[SL_HUB_HASH_BYTES];
    sl_hub_user u;
    bool found = false;
    name = name ? name : "";
    password = password ? password : "";
    if (!may_try(q, name, name_key, "login"))
        return SL_CSESS_SLOW;
    if (sl_wire_id_ok(name)) {
        sl_st_rc rc = hub->store->ops->user_get(hub->store, name, &u, err, sizeof err);
        if (rc == SL_ST_ERROR) {
            sl_log_error(&hub->log, "console: login: %s", err);
            return SL_CSESS_ERROR;
        }
        found = rc == SL_ST_OK;
    }
    int match = password_check(hub->console, found ? u.pwhash : dummy_hash, password);
    if (match < 0) {
        q->retry_after_s = 2;
        sl_log_warn(&hub->log, "console: login from %s refused: %d password checks are already running", q->addr,
                    SL_CSESS_HASHING_MAX);
        return SL_CSESS_BUSY;
    }
    if (!found || !match || u.disabled) {
        failed(q, name_key, "login", name,
               !found ? "no such person" : !match ? "wrong password" : "the person is disabled");
        return SL_CSESS_WRONG;
    }
    char cookie[SL_HUB_TOKEN_HEX + 1];
    sl_st_rc rc = SL_ST_CONFLICT;
    for (int tries = 0; rc == SL_ST_CONFLICT && tries < 3; tries++) {
        if (sl_hub_token_new(cookie, hash) != 0) {
            snprintf(err, sizeof err, "no random numbers");
            rc = SL_ST_ERROR;
            break;
        }
        rc = hub->store->ops->session_add(hub->store, hash, name, sl_hub_now_ms(), sl_console_idle_ms(hub->console),
                                          err, sizeof err);
    }
    if (rc != SL_ST_OK) {
        sl_log_error(&hub->log, "console: login of %s: %s", name, rc == SL_ST_NOT_FOUND ? "removed meanwhile" : err);
        return SL_CSESS_ERROR;
    }
    sl_creq_cookie(q, SL_CSESS_COOKIE, cookie, -1);
    q->has_session = true;
    q->session.user = u;
    q->session.created_ms = q->session.seen_ms = sl_hub_now_ms();
    memcpy(q->session_hash, hash, sizeof hash);
    memcpy(q->session_cookie, cookie, sizeof cookie);
    sodium_memzero(cookie, sizeof cookie);
    sl_log_info(&hub->log, "console: %s (%s) logged in from %s", name, sl_hub_role_name(u.role), q->addr);
    return SL_CSESS_OK;
}

void sl_csess_logout(sl_console_req *q)
{
    sl_hub *hub = q->page.hub;
    char err[256];
    if (q->has_session) {
        if (hub->store->ops->session_end(hub->store, q->session_hash, err, sizeof err) == SL_ST_ERROR)
            sl_log_error(&hub->log, "console: logout: %s", err);
        else
            sl_log_info(&hub->log, "console: %s logged out from %s", q->session.user.name, q->addr);
        q->has_session = false;
    }
    sl_creq_cookie(q, SL_CSESS_COOKIE, "", 0);
}

sl_csess_rc sl_csess_password_change(sl_console_req *q, const char *old, const char *fresh)
{
    sl_hub *hub = q->page.hub;
    const char *name = q->session.user.name;
    char err[256], hash[SL_HUB_PWHASH_MAX];
    uint8_t name_key[SL_RATELIMIT_KEY_BYTES];
    if (!q->has_session)
        return SL_CSESS_ERROR;
    if (!may_try(q, name, name_key, "password change"))
        return SL_CSESS_SLOW;
    int match = password_check(hub->console, q->session.user.pwhash, old ? old : "");
    if (match == 0) {
        failed(q, name_key, "password change", name, "wrong old password");
        return SL_CSESS_WRONG;
    }
    int made = match < 0 ? -2 : sl_csess_password_hash(hub->console, fresh, hash);
    if (made == -2) {
        q->retry_after_s = 2;
        return SL_CSESS_BUSY;
    }
    sl_st_rc rc = made == 0 ? hub->store->ops->user_set_password(hub->store, name, hash, q->session_hash, err,
                                                                  sizeof err)
                            : SL_ST_ERROR;
    if (made != 0)
        snprintf(err, sizeof err, "out of memory");
    sodium_memzero(hash, sizeof hash);
    if (rc != SL_ST_OK) {
        sl_log_error(&hub->log, "console: password change of %s: %s", name,
                     rc == SL_ST_NOT_FOUND ? "removed meanwhile" : err);
        return SL_CSESS_ERROR;
    }
    sl_log_info(&hub->log, "console: %s changed their password from %s (their other sessions ended)", name, q->addr);
    return SL_CSESS_OK;
}
