/* hub_service.c — the outcome every hub service returns. */
#include "tools/hub/service/hub_service.h"

#include <stdarg.h>
#include <stdio.h>

sl_svc_rc sl_svc_fail(sl_svc_err *e, sl_svc_rc rc, const char *fmt, ...)
{
    if (!e)
        return rc;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    va_end(ap);
    e->rc = rc;
    return rc;
}
