/* hub_service.h — what every hub service (service/hub_*.c) returns: an outcome and a message for people. */
#ifndef SL_HUB_SERVICE_H
#define SL_HUB_SERVICE_H

/*
 * A service does what a request asks, whoever asks (the HTTP routes, the
 * commands, tests, the web console): it takes plain C arguments, checks
 * them, talks to the store and the data folder, and returns SL_SVC_OK or
 * one of the outcomes below with a message in sl_svc_err.msg. The outcome's
 * value is the HTTP status the API answers with (API.md).
 */
typedef enum {
    SL_SVC_OK = 0,
    SL_SVC_FAILED = 1,      /* the hub failed (disk, memory): msg is for the client (answered 500); the
                               service logged the details */
    SL_SVC_INVALID = 400,   /* the request is wrong: msg says what, and how to fix it */
    SL_SVC_REFUSED = 401,   /* the credential given (an enrolment code, say) is refused: msg says why */
    SL_SVC_FORBIDDEN = 403, /* the caller may not do this (a channel outside its scope): msg says why */
    SL_SVC_NOT_FOUND = 404, /* what it names does not exist: msg names it */
    SL_SVC_CONFLICT = 409,  /* the state does not allow it: msg says why */
    SL_SVC_TOO_LARGE = 413, /* what is given is over a limit: msg says which */
    SL_SVC_STORE = 500      /* the store failed: msg is for the hub's log, not for the client */
} sl_svc_rc;

typedef struct {
    sl_svc_rc rc;
    char msg[512];
} sl_svc_err;

/* Sets e (may be NULL) to rc and the formatted message; returns rc. */
sl_svc_rc sl_svc_fail(sl_svc_err *e, sl_svc_rc rc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
