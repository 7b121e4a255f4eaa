/* store.c — backend-independent parts of the hub store: role names, choosing a backend, closing any backend. */
#include "tools/hub/store/store.h"

#include <stdio.h>
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

bool sl_store_db_is_pg(const char *db)
{
    return db && (strncmp(db, "postgresql://", 13) == 0 || strncmp(db, "postgres://", 11) == 0);
}

sl_store *sl_store_open(const char *data_dir, const char *db, char *err, size_t errlen)
{
    if (db && db[0]) {
        if (sl_store_db_is_pg(db)) {
#ifdef SL_WITH_PG
            return sl_store_open_pg(db, err, errlen);
#else
            snprintf(err, errlen, "this screenlit-hub was built without PostgreSQL (SL_WITH_PG=OFF): "
                                  "use the SQLite store (leave out --db) or a build with libpq");
            return NULL;
#endif
        }
        snprintf(err, errlen, "--db is not a PostgreSQL URI: write postgresql://USER@HOST:PORT/DB");
        return NULL;
    }
    if (!data_dir) {
        snprintf(err, errlen, "no data folder for the SQLite store");
        return NULL;
    }
    return sl_store_open_sqlite(data_dir, err, errlen);
}

void sl_store_close(sl_store *st)
{
    if (st)
        st->ops->close(st);
}
