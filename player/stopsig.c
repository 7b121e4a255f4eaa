/* stopsig.c — SIGTERM and SIGINT kept pending and taken by the run loop (a stop of the service ends the run cleanly). */
#define _POSIX_C_SOURCE 200809L
#include "player/stopsig.h"

#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <time.h>

static void stop_set(sigset_t *s)
{
    sigemptyset(s);
    sigaddset(s, SIGTERM);
    sigaddset(s, SIGINT);
}

int sl_stopsig_block(void)
{
    sigset_t s;
    stop_set(&s);
    return pthread_sigmask(SIG_BLOCK, &s, NULL) == 0 ? 0 : -1;
}

bool sl_stopsig_pending(int *sig)
{
    sigset_t s;
    stop_set(&s);
    struct timespec zero = {0, 0};
    int got = sigtimedwait(&s, NULL, &zero);
    if (got != SIGTERM && got != SIGINT)
        return false;
    if (sig)
        *sig = got;
    return true;
}
