/* store.c — backend-independent parts of the hub store: role names, closing any backend. */
#include "tools/hub/store.h"

#include <string.h>

const char *sl_hub_role_name(sl_hub_role r)
{
    switch (r) {
    case SL_ROLE_ADMIN:
        return "admin";
    case SL_ROLE_PUBLISHER:
        return "publisher";
    case SL_ROLE_AUDITOR:
        return "auditor";
    case SL_ROLE_SCREEN:
        return "screen";
    default:
        return "";
    }
}

sl_hub_role sl_hub_role_parse(const char *s)
{
    if (!s)
        return SL_ROLE_NONE;
    if (strcmp(s, "admin") == 0)
        return SL_ROLE_ADMIN;
    if (strcmp(s, "publisher") == 0)
        return SL_ROLE_PUBLISHER;
    if (strcmp(s, "auditor") == 0)
        return SL_ROLE_AUDITOR;
    return SL_ROLE_NONE;
}

void sl_store_close(sl_store *st)
{
    if (st)
        st->ops->close(st);
}
