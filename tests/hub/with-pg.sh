#!/bin/sh
# with-pg.sh — runs a command with a throwaway PostgreSQL server: SL_TEST_PG_URL (its maintenance database) is exported, the server is stopped and deleted afterwards.
# Usage: with-pg.sh CMD [ARGS...]; exits with CMD's status, or 1 when the server cannot start.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
PGDIR=$(mktemp -d "${TMPDIR:-/tmp}/screenlit-pg.XXXXXX")
trap 'sh "$HERE/pg-stop.sh" "$PGDIR"' EXIT
trap 'exit 1' INT TERM
sh "$HERE/pg-start.sh" "$PGDIR" >/dev/null || exit 1
SL_TEST_PG_URL=$(sed -n 's/^SL_PG_URL=//p' "$PGDIR/env")
export SL_TEST_PG_URL
set +e
"$@"
rc=$?
set -e
exit $rc
