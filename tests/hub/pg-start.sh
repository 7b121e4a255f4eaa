#!/bin/sh
# pg-start.sh — starts a throwaway PostgreSQL server in DIR (initdb, trust auth, loopback port + Unix socket in DIR) and prints its URL.
#
# Usage: pg-start.sh DIR
#   DIR is created (it must not exist or be empty) and holds everything: the
#   cluster (DIR/data), the server log (DIR/server.log) and the socket. On
#   success the last line on standard output is a libpq URI for the
#   maintenance database, postgresql://sltest@127.0.0.1:PORT/postgres, and
#   DIR/env holds PGHOST/PGPORT/PGUSER/SL_PG_URL lines to source.
#   Stop it with pg-stop.sh DIR.
# PostgreSQL refuses to run as root: when run as root the server runs as
# nobody (uid/gid 65534) and DIR is given to that user.
# The binaries come from $SL_PG_BINDIR, else Debian's /usr/lib/postgresql/*/bin
# (the newest), else PATH. Missing binaries are a failure, not a skip:
# tools/setup-debian.sh installs the postgresql package.
set -eu

DIR=${1:?usage: pg-start.sh DIR}
case "$DIR" in
*[!A-Za-z0-9/._-]*) echo "FAIL: pg-start.sh: DIR must be a plain path (letters, digits, / . _ -): $DIR" >&2; exit 1 ;;
esac

bindir=${SL_PG_BINDIR:-}
if [ -z "$bindir" ]; then
    for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k4 -n); do bindir=$d; done
fi
if [ -z "$bindir" ] && command -v initdb >/dev/null 2>&1; then
    bindir=$(dirname "$(command -v initdb)")
fi
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ] || [ ! -x "$bindir/pg_ctl" ]; then
    echo "FAIL: PostgreSQL's server binaries (initdb, pg_ctl) were not found in /usr/lib/postgresql/*/bin" \
        "or PATH. Install them: sudo apt-get install postgresql (tools/setup-debian.sh does)," \
        "or point SL_PG_BINDIR at them." >&2
    exit 1
fi

mkdir -p "$DIR"
DIR=$(cd "$DIR" && pwd)
# as_pg CMD... — runs CMD as the server's user (nobody when we are root).
if [ "$(id -u)" -eq 0 ]; then
    command -v setpriv >/dev/null || { echo "FAIL: pg-start.sh runs as root and needs setpriv (util-linux)" >&2; exit 1; }
    chown 65534:65534 "$DIR"
    as_pg() { (cd "$DIR" && setpriv --reuid=65534 --regid=65534 --clear-groups -- "$@"); }
else
    as_pg() { (cd "$DIR" && "$@"); }
fi
if ! as_pg test -w "$DIR"; then
    echo "FAIL: pg-start.sh: the server's user cannot write $DIR (is a parent folder private? set TMPDIR=/tmp)" >&2
    exit 1
fi

if ! as_pg "$bindir/initdb" -D "$DIR/data" -A trust -U sltest -E UTF8 --locale=C --no-sync \
    >"$DIR/initdb.log" 2>&1; then
    echo "FAIL: initdb failed:" >&2
    tail -20 "$DIR/initdb.log" >&2
    exit 1
fi

# A free loopback port: try random ones until the server binds.
tries=0
while :; do
    tries=$((tries + 1))
    port=$((20000 + $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % 40000))
    : >"$DIR/server.log"
    [ "$(id -u)" -ne 0 ] || chown 65534:65534 "$DIR/server.log"
    if as_pg "$bindir/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -t 60 -s \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $DIR -c fsync=off -c full_page_writes=off -c max_connections=200" \
        start >/dev/null 2>&1; then
        break
    fi
    if [ $tries -ge 10 ] || ! grep -q "could not bind\|already in use\|could not create any TCP/IP sockets" "$DIR/server.log"; then
        echo "FAIL: the PostgreSQL server did not start:" >&2
        tail -20 "$DIR/server.log" >&2
        exit 1
    fi
done

url="postgresql://sltest@127.0.0.1:$port/postgres"
cat >"$DIR/env" <<ENV
PGHOST=$DIR
PGPORT=$port
PGUSER=sltest
SL_PG_BINDIR=$bindir
SL_PG_URL=$url
ENV
echo "$url"
