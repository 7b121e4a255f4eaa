#!/bin/sh
# pg-stop.sh — stops the PostgreSQL server pg-start.sh started in DIR and deletes DIR.
set -eu
DIR=${1:?usage: pg-stop.sh DIR}
[ -d "$DIR" ] || exit 0
if [ -f "$DIR/env" ] && [ -f "$DIR/data/postmaster.pid" ]; then
    bindir=$(sed -n 's/^SL_PG_BINDIR=//p' "$DIR/env")
    if [ "$(id -u)" -eq 0 ]; then
        (cd "$DIR" && setpriv --reuid=65534 --regid=65534 --clear-groups -- "$bindir/pg_ctl" -D "$DIR/data" -m fast -w -s stop) || true
    else
        (cd "$DIR" && "$bindir/pg_ctl" -D "$DIR/data" -m fast -w -s stop) || true
    fi
fi
rm -rf "$DIR"
