/* diag.c — the diagnostics list used by the playlist validator and lint. */
#include "content/diag.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sl_diags_init(sl_diags *d)
{
    if (d)
        memset(d, 0, sizeof *d);
}

void sl_diags_free(sl_diags *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->n; i++) {
        free(d->v[i].path);
        free(d->v[i].message);
    }
    free(d->v);
    memset(d, 0, sizeof *d);
}

void sl_diags_add(sl_diags *d, sl_diag_severity sev, const char *path, const char *fmt, ...)
{
    if (!d)
        return;
    if (sev == SL_DIAG_ERROR)
        d->n_errors++;
    else
        d->n_warnings++;
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (d->n >= SL_DIAGS_MAX)
        goto dropped;
    if (d->n == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 16;
        sl_diag *v = realloc(d->v, cap * sizeof *v);
        if (!v)
            goto dropped;
        d->v = v;
        d->cap = cap;
    }
    char *p = strdup(path ? path : "");
    char *m = strdup(msg);
    if (!p || !m) {
        free(p);
        free(m);
        goto dropped;
    }
    d->v[d->n].severity = sev;
    d->v[d->n].path = p;
    d->v[d->n].message = m;
    d->n++;
    return;
dropped:
    d->dropped++;
}

bool sl_diags_has_errors(const sl_diags *d)
{
    return d && d->n_errors > 0;
}
